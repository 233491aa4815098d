//! Les flux déposés : reçus, traités en temps réel, intégrés (ou rejetés avec un compte rendu
//! qui nomme l'élément du fichier), et leurs factures dans « Factures émises ».

use std::path::{Path, PathBuf};

use chorus_flux::{Limites, SyntaxeFlux};
use chorus_store::flux::{self, Canal, Depot, EtatFlux, FichierLu};
use chorus_store::{Horloge, bac, facture};
use chrono::TimeDelta;
use rust_decimal_macros::dec;

use crate::commun::{Monde, Stagiaire, jour};

fn echantillon(nom: &str) -> String {
    let chemin: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus").join(nom);
    std::fs::read_to_string(chemin).unwrap()
}

/// La CII de l'exemple adressé à un acheteur public, réadressée à la commune de Valcombe (de
/// l'annuaire de formation) et émise par la structure du stagiaire.
fn cii_pour_valcombe(m: &Monde, s: &Stagiaire, numero: &str) -> String {
    let siret =
        m.store.lire(|c| bac::structure_fournisseur(c, &s.bac_id, &s.structure_id)).unwrap().identifiant;
    echantillon("chorus-samples/cii_en16931_b2g.xml")
        .replace("21990001600011", "21852884200097")
        .replace("219900016", "218528842")
        .replace("12345678200010", &siret)
        .replace("123456782", &siret[..9])
        .replace("SERV-COMPTA", "SERVICES_TECHNIQUES")
        .replace("<ram:ID>F2026-00042</ram:ID>", &format!("<ram:ID>{numero}</ram:ID>"))
}

fn deposer(m: &Monde, s: &Stagiaire, nom: &str, octets: &[u8], h: &Horloge) -> String {
    let lecture = chorus_flux::lire(octets, None, &Limites::default());
    let depot = Depot {
        nom_fichier: nom.into(),
        syntaxe: SyntaxeFlux::detecter(octets),
        canal: Canal::Portail,
        refus: None,
        fichiers: vec![FichierLu { nom: nom.into(), lecture }],
    };
    m.store.ecrire(|c| flux::deposer(c, &s.bac_id, &s.structure_id, &depot, h)).unwrap().0
}

/// L'horloge des tests, `secondes` plus tard.
fn a(secondes: i64) -> Horloge {
    match Horloge::fixe(jour()) {
        Horloge::Fixe(t) => Horloge::Fixe(t + TimeDelta::seconds(secondes)),
        autre => autre,
    }
}

fn etat(m: &Monde, s: &Stagiaire, numero: &str) -> EtatFlux {
    m.store.lire(|c| flux::compte_rendu(c, &s.bac_id, numero)).unwrap().flux.etat
}

#[test]
fn un_flux_recu_avance_en_temps_reel_jusqu_a_l_integration() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let xml = cii_pour_valcombe(&m, &s, "FX-2026-001");
    assert!(xml.contains("FX-2026-001"), "le numéro de l'exemple a changé");
    let numero = deposer(&m, &s, "facture.xml", xml.as_bytes(), &a(0));
    assert_eq!(etat(&m, &s, &numero), EtatFlux::Recu);
    assert!(m.store.lire(flux::en_cours).unwrap());
    // Rien n'avance avant son heure.
    m.store.ecrire(|c| flux::avancer(c, &a(0))).unwrap();
    assert_eq!(etat(&m, &s, &numero), EtatFlux::Recu);
    m.store.ecrire(|c| flux::avancer(c, &a(1))).unwrap();
    assert_eq!(etat(&m, &s, &numero), EtatFlux::EnCoursDeTraitement);
    m.store.ecrire(|c| flux::avancer(c, &a(3))).unwrap();
    let cr = m.store.lire(|c| flux::compte_rendu(c, &s.bac_id, &numero)).unwrap();
    assert_eq!(cr.flux.etat, EtatFlux::Integre, "{:?}", cr.factures);
    assert!(!m.store.lire(flux::en_cours).unwrap());
    let etats: Vec<_> = cr.historique.iter().map(|(e, _, _)| e.code()).collect();
    assert_eq!(etats, ["IN_RECU", "IN_EN_COURS_TRAITEMENT_CPP", "IN_INTEGRE"]);
    // La facture intégrée est dans « Factures émises », avec les montants du fichier.
    let id = cr.factures[0].facture_id.clone().unwrap();
    let f = m.store.lire(|c| facture::charger(c, &s.bac_id, &id)).unwrap();
    assert_eq!(f.facture.numero, "FX-2026-001");
    assert_eq!(f.totaux().total_ttc, dec!(540.00));
    assert_eq!(f.statut.code(), "MISE_A_DISPOSITION");
    let mode = m.store.lire(|c| chorus_store::piece_jointe::mode_depot(c, &s.bac_id, &id)).unwrap();
    assert_eq!(mode.code(), "UPLOAD_PORTAIL");
}

#[test]
fn une_facture_de_la_norme_telle_quelle_est_rejetee_destinataire_inconnu() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let siret =
        m.store.lire(|c| bac::structure_fournisseur(c, &s.bac_id, &s.structure_id)).unwrap().identifiant;
    // Le vendeur devient la structure du stagiaire ; l'acheteur reste celui de l'exemple.
    let xml = echantillon("chorus-samples/cii_en16931_b2g.xml")
        .replace("12345678200010", &siret)
        .replace("123456782", &siret[..9]);
    let numero = deposer(&m, &s, "facture.xml", xml.as_bytes(), &a(0));
    m.store.ecrire(|c| flux::avancer(c, &a(5))).unwrap();
    let cr = m.store.lire(|c| flux::compte_rendu(c, &s.bac_id, &numero)).unwrap();
    assert_eq!(cr.flux.etat, EtatFlux::Rejete);
    let e = cr.factures[0]
        .erreurs
        .iter()
        .find(|e| e.regle == "DESTINATAIRE_INCONNU")
        .expect("destinataire inconnu");
    assert_eq!(e.terme.as_deref(), Some("BT-46/BT-47"));
    assert!(e.chemin.as_deref().unwrap().ends_with("ram:BuyerTradeParty/ram:GlobalID"), "{e:?}");
    // Une facture d'un autre vendeur : le fournisseur n'est pas la structure qui dépose.
    let autre =
        deposer(&m, &s, "autre.xml", echantillon("chorus-samples/cii_en16931_b2g.xml").as_bytes(), &a(10));
    m.store.ecrire(|c| flux::avancer(c, &a(20))).unwrap();
    let cr = m.store.lire(|c| flux::compte_rendu(c, &s.bac_id, &autre)).unwrap();
    assert_eq!(cr.factures[0].erreurs[0].regle, "FOURNISSEUR_INCONNU");
}

#[test]
fn un_fichier_illisible_est_irrecevable_puis_rejete() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let numero = deposer(&m, &s, "n'importe.xml", b"<Order xmlns=\"urn:x\"/>", &a(0));
    m.store.ecrire(|c| flux::avancer(c, &a(1))).unwrap();
    assert_eq!(etat(&m, &s, &numero), EtatFlux::Irrecevable);
    m.store.ecrire(|c| flux::avancer(c, &a(2))).unwrap();
    let cr = m.store.lire(|c| flux::compte_rendu(c, &s.bac_id, &numero)).unwrap();
    assert_eq!(cr.flux.etat, EtatFlux::Rejete);
    assert!(cr.flux.refus.as_deref().unwrap().contains("Order"), "{:?}", cr.flux.refus);
}

#[test]
fn avancer_l_horloge_du_bac_termine_ses_flux_et_les_autres_bacs_ne_voient_rien() {
    let m = Monde::nouveau();
    let (s, autre) = (m.stagiaire(1), m.stagiaire(2));
    let numero = deposer(&m, &s, "f.xml", cii_pour_valcombe(&m, &s, "FX-2").as_bytes(), &a(0));
    m.store.ecrire(|c| flux::terminer_du_bac(c, &s.bac_id, &a(0))).unwrap();
    assert_eq!(etat(&m, &s, &numero), EtatFlux::Integre);
    // Le même numéro de flux n'existe pas dans un autre bac.
    let r = m.store.lire(|c| flux::compte_rendu(c, &autre.bac_id, &numero));
    assert!(matches!(r, Err(chorus_store::Erreur::Introuvable(_))), "{r:?}");
    assert!(m.store.lire(|c| flux::lister(c, &autre.bac_id, &autre.structure_id)).unwrap().is_empty());
    assert_eq!(m.store.lire(|c| flux::lister(c, &s.bac_id, &s.structure_id)).unwrap().len(), 1);
}

fn corpus_entier() -> Vec<(String, Vec<u8>)> {
    let racine = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/en16931");
    let mut v = Vec::new();
    for dossier in ["cii-examples", "ubl-examples", "ubl-testfiles"] {
        for e in std::fs::read_dir(racine.join(dossier)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x.eq_ignore_ascii_case("xml")) {
                v.push((p.file_name().unwrap().to_string_lossy().to_string(), std::fs::read(&p).unwrap()));
            }
        }
    }
    v.sort();
    v
}

/// Les 63 factures officielles de la norme, déposées telles quelles : aucune n'est adressée à un
/// acheteur public de l'annuaire, toutes sont refusées « destinataire inconnu ».
#[test]
fn les_factures_de_la_norme_telles_quelles_sont_refusees_destinataire_inconnu() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let fichiers: Vec<FichierLu> = corpus_entier()
        .into_iter()
        .map(|(nom, octets)| FichierLu {
            lecture: chorus_flux::lire(&octets, None, &Limites::default()),
            nom,
        })
        .collect();
    assert_eq!(fichiers.len(), 63);
    let depot =
        Depot { nom_fichier: "corpus.zip".into(), syntaxe: None, canal: Canal::Api, refus: None, fichiers };
    let numero = m.store.ecrire(|c| flux::deposer(c, &s.bac_id, &s.structure_id, &depot, &a(0))).unwrap().0;
    m.store.ecrire(|c| flux::avancer(c, &a(5))).unwrap();
    let cr = m.store.lire(|c| flux::compte_rendu(c, &s.bac_id, &numero)).unwrap();
    assert_eq!(cr.flux.etat, EtatFlux::Rejete);
    for f in &cr.factures {
        assert!(
            f.erreurs.iter().any(|e| e.regle == "DESTINATAIRE_INCONNU"),
            "{} : {:?}",
            f.nom_fichier,
            f.erreurs.iter().map(|e| &e.regle).collect::<Vec<_>>()
        );
    }
}

/// Les mêmes, réadressées à la commune de Valcombe et émises par la structure du stagiaire :
/// celles en euros, aux taux de TVA français, sont intégrées avec leurs montants ; les autres
/// sont refusées pour leur devise ou leurs taux, et pour rien d'autre.
#[test]
fn les_factures_de_la_norme_readressees_s_integrent_avec_leurs_montants() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let siret =
        m.store.lire(|c| bac::structure_fournisseur(c, &s.bac_id, &s.structure_id)).unwrap().identifiant;
    let mut attendues = Vec::new();
    let fichiers: Vec<FichierLu> = corpus_entier()
        .into_iter()
        .enumerate()
        .map(|(i, (nom, octets))| {
            let mut lu = chorus_flux::lire(&octets, None, &Limites::default()).unwrap();
            lu.saisie.destinataire = "21852884200097".into();
            lu.saisie.code_service.clear();
            // Un numéro propre à chaque fichier (deux exemples peuvent partager le leur), une date
            // dans le passé du bac, un mode de paiement que la saisie connaît.
            lu.saisie.numero = format!("CORPUS-{i}");
            lu.saisie.date_facture = "2026-11-02".into();
            if lu.saisie.mode_paiement.is_empty() && lu.saisie.type_facture == "FACTURE" {
                lu.saisie.mode_paiement = "VIREMENT".into();
            }
            lu.fournisseur =
                Some(chorus_flux::Identifiant { valeur: siret.clone(), schema: None, terme: "BT-29" });
            let francais = ["20", "10", "5.5", "2.1", "0"];
            let en_euros = lu.devise.as_deref().is_none_or(|d| d == "EUR");
            let taux_francais = lu.saisie.lignes.iter().all(|l| francais.contains(&l.taux_tva.as_str()));
            let positive = lu.saisie.lignes.iter().all(|l| !l.quantite.starts_with('-'));
            let mut motifs = Vec::new();
            if !en_euros {
                motifs.push("DEVISE");
            }
            if !taux_francais {
                motifs.push("TAUX_TVA_INVALIDE");
            }
            if !positive {
                motifs.push("VALEUR_NEGATIVE");
            }
            if lu.saisie.type_facture == "AVOIR" && lu.saisie.numero_facture_origine.is_empty() {
                motifs.push("FACTURE_ORIGINE_OBLIGATOIRE");
            }
            if lu.saisie.numero_facture_origine.chars().count() > 20 {
                motifs.push("LONGUEUR_MAX");
            }
            attendues.push((nom.clone(), motifs, lu.totaux.total_ttc));
            FichierLu { nom, lecture: Ok(lu) }
        })
        .collect();
    let depot =
        Depot { nom_fichier: "corpus.zip".into(), syntaxe: None, canal: Canal::Api, refus: None, fichiers };
    let numero = m.store.ecrire(|c| flux::deposer(c, &s.bac_id, &s.structure_id, &depot, &a(0))).unwrap().0;
    m.store.ecrire(|c| flux::avancer(c, &a(5))).unwrap();
    let cr = m.store.lire(|c| flux::compte_rendu(c, &s.bac_id, &numero)).unwrap();
    let mut integrees = 0;
    let mut echecs = Vec::new();
    for (f, (nom, motifs, ttc)) in cr.factures.iter().zip(&attendues) {
        assert_eq!(&f.nom_fichier, nom);
        let regles: Vec<&str> = f.erreurs.iter().map(|e| e.regle.as_str()).collect();
        if motifs.is_empty() {
            let Some(id) = f.facture_id.as_ref() else {
                echecs.push(format!("{nom} : {:?}", f.erreurs));
                continue;
            };
            let stockee = m.store.lire(|c| facture::charger(c, &s.bac_id, id)).unwrap();
            assert_eq!(stockee.totaux().total_ttc, *ttc, "{nom}");
            integrees += 1;
        } else {
            assert!(f.facture_id.is_none(), "{nom}");
            // Refusée pour l'une des raisons attendues (l'analyse s'arrête parfois à la première).
            let present = motifs.iter().any(|m| {
                regles.contains(m) || (*m == "VALEUR_NEGATIVE" && regles.contains(&"VALEUR_NON_POSITIVE"))
            });
            if !present {
                echecs.push(format!("{nom} : l'un de {motifs:?} attendu, {regles:?}"));
            }
        }
    }
    assert!(echecs.is_empty(), "{}", echecs.join("\n"));
    assert!(integrees > 0, "aucune facture du corpus n'est intégrable");
    eprintln!("{integrees} factures de la norme intégrées sur {}", cr.factures.len());
}
