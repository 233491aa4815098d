//! Les factures de travaux, par les cas d'usage et le moteur : les contrôles du dépôt, puis un
//! test par chemin — décompte mensuel jusqu'au paiement, montant admis par la MOE, MOE
//! silencieuse au-delà de 7 jours, décompte final jusqu'au DGD signé, procédure tacite,
//! titulaire muet sur le décompte général — avec le délai de paiement vérifié au jour près.

use chorus_documents::DocumentPdf;
use chorus_domain::Statut::{self, *};
use chorus_domain::facture::CadreFacturation;
use chorus_domain::saisie::SaisieBrute;
use chorus_domain::scenario::{self, Mode};
use chorus_domain::statut::Acteur;
use chorus_domain::travaux::DepotBrut;
use chorus_store::facture::{Envoi, Issue};
use chorus_store::journal::{Coup, Joueur};
use chorus_store::travaux::{self, Geste, PieceSuivanteBrute, Recyclage};
use chorus_store::{Erreur, moteur, paiement, piece_jointe as pj};
use rust_decimal::Decimal;

use crate::commun::{COMMUNE, Monde, Stagiaire, j};
use crate::facture::{charger, codes_refuses, saisir};

/// ATELIER D'ARCHITECTURE SERRE : la maîtrise d'œuvre du registre de formation.
const MOE: &str = "49228449200070";
/// BATIMENTS DU CAUSSE SAS : un titulaire de travaux.
const TITULAIRE: &str = "62211306600055";
/// PREFECTURE DU CAUSSE : une structure publique qui n'est pas « Structure avec MOA ».
const PAS_MOA: &str = "13220845500064";

fn un_pdf(texte: &str) -> Vec<u8> {
    DocumentPdf::nouveau("Projet de décompte")
        .titre("Projet de décompte")
        .paragraphe(texte)
        .produire()
        .unwrap()
}

fn depot(cadre: CadreFacturation, numero: &str, montant: &str) -> DepotBrut {
    DepotBrut {
        cadre: cadre.code().into(),
        numero: numero.into(),
        date_piece: "21/11/2026".into(),
        destinataire: COMMUNE.into(),
        numero_marche: "2026-TRV-031".into(),
        moe: MOE.into(),
        montant_ht: montant.into(),
        taux_tva: "20".into(),
        ..DepotBrut::default()
    }
}

fn deposer(m: &Monde, s: &Stagiaire, brut: &DepotBrut) -> Issue {
    let pdf = un_pdf(&brut.numero);
    m.store
        .ecrire(|tx| {
            let depot = pj::deposer_pdf(
                tx,
                &s.bac_id,
                &s.structure_id,
                pj::controler_pdf("decompte.pdf", pdf.clone()),
                &m.horloge,
            )?
            .unwrap();
            travaux::deposer(tx, &s.bac_id, &s.structure_id, &depot, brut, &m.horloge)
        })
        .unwrap()
}

fn depose(m: &Monde, s: &Stagiaire, brut: &DepotBrut) -> String {
    match deposer(m, s, brut) {
        Issue::Acceptee(id) => id,
        Issue::Refusee(a) => panic!("refusé : {a:?}"),
    }
}

fn refus(m: &Monde, s: &Stagiaire, brut: &DepotBrut) -> Vec<&'static str> {
    codes_refuses(Ok(deposer(m, s, brut)))
}

fn avancer(m: &Monde, s: &Stagiaire, jours: u32) {
    m.store.ecrire(|tx| moteur::avancer(tx, &s.bac_id, jours, &m.horloge)).unwrap();
}

fn etapes(m: &Monde, s: &Stagiaire, id: &str) -> Vec<(Statut, chrono::NaiveDate)> {
    m.store.lire(|c| travaux::historique(c, &s.bac_id, id)).unwrap()
}

/// Les statuts pris depuis le jour `depuis`.
fn depuis(m: &Monde, s: &Stagiaire, id: &str, n: usize) -> Vec<(Statut, chrono::NaiveDate)> {
    etapes(m, s, id).into_iter().skip(n).collect()
}

fn pieces(m: &Monde, s: &Stagiaire, id: &str) -> Vec<(CadreFacturation, String, Decimal)> {
    m.store
        .lire(|c| travaux::pieces(c, &s.bac_id, id))
        .unwrap()
        .into_iter()
        .map(|p| (p.cadre, p.numero, p.montant_ht))
        .collect()
}

fn agir(m: &Monde, s: &Stagiaire, id: &str, acteur: Acteur, geste: Geste) -> Result<Statut, Erreur> {
    let date = m.store.lire(|c| chorus_store::bac::bac(c, &s.bac_id)).unwrap().date_simulee(&m.horloge);
    let coup = Coup { joueur: Joueur::Formateur, date, regle: None };
    m.store.ecrire(|tx| travaux::agir(tx, &s.bac_id, id, acteur, &geste, coup, &m.horloge))
}

fn suivi(m: &Monde, s: &Stagiaire, id: &str) -> paiement::SuiviFacture {
    m.store.lire(|c| paiement::suivi_facture(c, &s.bac_id, &s.structure_id, id, &m.horloge)).unwrap()
}

fn lancer(m: &Monde, s: &Stagiaire, toml: &str) {
    let sc = scenario::controler(toml).unwrap_or_else(|e| panic!("{e:?}"));
    m.store
        .ecrire(|tx| {
            chorus_store::scenario::commencer(
                tx,
                &s.bac_id,
                (&sc, Mode::Entrainement),
                Some(&s.structure_id),
                &m.horloge,
            )
        })
        .unwrap();
}

fn d(n: &str) -> Decimal {
    n.parse().unwrap()
}

#[test]
fn le_depot_d_une_piece_de_travaux_est_controle() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let a4 = CadreFacturation::A4ProjetDecompteMensuel;
    // Une facture ne se dépose pas dans « Factures de travaux », ni une pièce de la MOE.
    assert_eq!(
        refus(&m, &s, &depot(CadreFacturation::A1FactureFournisseur, "F-1", "100")),
        ["CADRE_NON_DEPOSABLE"]
    );
    assert_eq!(
        refus(&m, &s, &depot(CadreFacturation::A15EtatAcompteMoe, "F-1", "100")),
        ["CADRE_NON_DEPOSABLE"]
    );
    assert_eq!(
        refus(&m, &s, &DepotBrut { moe: String::new(), ..depot(a4, "PDM-1", "100") }),
        ["MOE_OBLIGATOIRE"]
    );
    assert_eq!(
        refus(&m, &s, &DepotBrut { moe: "12000015300011".into(), ..depot(a4, "PDM-1", "100") }),
        ["MOE_INCONNUE"]
    );
    assert_eq!(
        refus(&m, &s, &DepotBrut { moe: COMMUNE.into(), ..depot(a4, "PDM-1", "100") }),
        ["MOE_EST_LE_DESTINATAIRE"]
    );
    assert_eq!(
        refus(
            &m,
            &s,
            &DepotBrut {
                destinataire: PAS_MOA.into(),
                numero_engagement: "EJ-1".into(),
                ..depot(a4, "PDM-1", "100")
            }
        ),
        ["DESTINATAIRE_NON_MOA"]
    );
    let a10 = CadreFacturation::A10ProjetDecompteMensuelSousTraitant;
    assert_eq!(refus(&m, &s, &depot(a10, "PDM-1", "100")), ["VALIDEUR_OBLIGATOIRE"]);
    // Et une pièce de travaux ne se saisit pas dans « Factures émises ».
    let a4_saisi = SaisieBrute { cadre: a4.code().into(), ..crate::commun::saisie("PDM-1") };
    assert_eq!(codes_refuses(saisir(&m, &s, None, &a4_saisi, Envoi::ValiderEtEnvoyer)), ["CADRE_TRAVAUX"]);
    // Rien n'est enregistré.
    assert_eq!(crate::commun::compter(&m.store, "facture"), 0);
}

#[test]
fn decompte_mensuel_jusqu_au_paiement_delai_au_jour_pres() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let id = depose(&m, &s, &depot(CadreFacturation::A4ProjetDecompteMensuel, "PDM-2026-11", "10000"));
    assert_eq!(etapes(&m, &s, &id), [(Deposee, j(0)), (MiseADispositionMoe, j(0))]);
    // Pas dans « Factures émises » : dans « Factures de travaux ».
    let emises = m
        .store
        .lire(|c| {
            chorus_store::facture::lister_pour(c, &s.bac_id, Some(&s.structure_id), &Default::default())
        })
        .unwrap();
    assert_eq!(emises.1, 0);
    // La MOE simulée : prise en compte à J+2, état d'acompte à J+5 (dans ses 7 jours).
    avancer(&m, &s, 5);
    assert_eq!(
        depuis(&m, &s, &id, 2),
        [(PriseEnCompteMoe, j(2)), (TransmiseMoa, j(5)), (MiseADispositionMoa, j(5))]
    );
    // La MOA : prise en compte le lendemain, état d'acompte validé le surlendemain.
    avancer(&m, &s, 2);
    assert_eq!(depuis(&m, &s, &id, 5), [(PriseEnCompteMoa, j(6)), (MiseADisposition, j(7))]);
    assert_eq!(
        pieces(&m, &s, &id),
        [
            (CadreFacturation::A15EtatAcompteMoe, "PDM-2026-11-EA".to_string(), d("10000")),
            (CadreFacturation::A19EtatAcompteValideMoa, "PDM-2026-11-EAV".to_string(), d("10000")),
        ]
    );
    // Le délai court de la réception par la MOE (J0), pas de l'arrivée au service financier.
    let sv = suivi(&m, &s, &id);
    assert_eq!(sv.depart, paiement::DepartDuDelai::ReceptionMoe(j(0)));
    let paiement::EtatPaiement::Suivie(p) = sv.etat else { panic!("{:?}", sv.etat) };
    assert_eq!((p.debut, p.echeance), (j(0), Some(j(30))));
    // Le service financier paie comme une facture : mise en paiement à J+20 de sa réception.
    avancer(&m, &s, 20);
    assert_eq!(charger(&m, &s, &id).statut, MiseEnPaiement);
    let paiement::EtatPaiement::Suivie(p) = suivi(&m, &s, &id).etat else { panic!() };
    assert_eq!(p.mise_en_paiement, Some(j(27)));
    assert_eq!(p.situation(), chorus_domain::delai_paiement::Situation::PayeeDansLeDelai);
}

#[test]
fn la_moe_admet_un_montant_moindre_qui_est_paye() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let id = depose(&m, &s, &depot(CadreFacturation::A4ProjetDecompteMensuel, "PDM-03", "12400"));
    // L'erreur de montant n'est pas un motif de refus.
    let motif = chorus_domain::travaux::MotifMoe::depuis_code("ERREUR_MONTANT").unwrap();
    assert!(motif.texte("").unwrap_err().contains("19 février 2025"));
    // La MOE (jouée par le formateur) admet 11 900 € et transmet l'état d'acompte.
    assert_eq!(agir(&m, &s, &id, Acteur::Moe, Geste::PrendreEnCompte).unwrap(), PriseEnCompteMoe);
    // La MOA ne prend pas la main de la MOE.
    assert!(matches!(agir(&m, &s, &id, Acteur::Moa, Geste::PrendreEnCompte), Err(Erreur::Domaine(_))));
    let admis = Geste::Transmettre { montant_admis_ht: Some(d("11900")), au_service_financier: false };
    assert_eq!(agir(&m, &s, &id, Acteur::Moe, admis).unwrap(), MiseADispositionMoa);
    let f = charger(&m, &s, &id);
    assert_eq!(f.montant_admis_ht, Some(d("11900")));
    assert_eq!(f.montant_a_payer(), d("14280.00"));
    let h = m.store.lire(|c| chorus_store::journal::historique_facture(c, &s.bac_id, &id)).unwrap();
    let transmise = h.iter().find(|e| e.statut == Some(TransmiseMoa)).unwrap();
    assert!(
        transmise.commentaire.contains("11900") && transmise.commentaire.contains("12400"),
        "{}",
        transmise.commentaire
    );
    avancer(&m, &s, 2);
    assert_eq!(charger(&m, &s, &id).statut, MiseADisposition);
    assert_eq!(pieces(&m, &s, &id)[1].2, d("11900"));
    // Le service financier reçoit la pièce au montant admis.
    let recue = m.store.lire(|c| chorus_store::acheteur::factures_recues(c, &s.bac_id, COMMUNE)).unwrap();
    assert_eq!(recue[0].total_ttc, d("14280.00"));
}

#[test]
fn la_moe_silencieuse_au_dela_de_sept_jours() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    lancer(
        &m,
        &s,
        r#"
id = "moe-silencieuse"
titre = "La MOE se tait"
niveau = "intermediaire"
duree_minutes = 10
programme = ["travaux"]
briefing = "Déposez votre projet de décompte."
[[partie]]
qui = "moe"
quand = { statut = "MISE_A_DISPOSITION_MOE" }
silence = true
[[objectif]]
id = "depose"
libelle = "Déposer"
verification = { type = "decompte_depose", cadre = "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR", moe = "49228449200070" }
explication = "A4."
"#,
    );
    let id = depose(&m, &s, &depot(CadreFacturation::A4ProjetDecompteMensuel, "PDM-04", "5000"));
    // Le 7e jour, la MOE a encore la main.
    avancer(&m, &s, 7);
    assert_eq!(charger(&m, &s, &id).statut, MiseADispositionMoe);
    let ds = m.store.lire(|c| {
        let f = travaux::charger(c, &s.bac_id, &id)?;
        Ok(travaux::delais(f.facture.cadre, f.statut, &travaux::historique(c, &s.bac_id, &id)?))
    });
    assert_eq!(ds.unwrap().limite_moe, Some(j(7)));
    // Le 8e, Chorus Pro constate son silence : la pièce part à la MOA, au montant demandé.
    avancer(&m, &s, 1);
    assert_eq!(
        depuis(&m, &s, &id, 2),
        [(AbsenceValidationMoeDelaiReglementaire, j(8)), (TransmiseMoa, j(8)), (MiseADispositionMoa, j(8))]
    );
    assert!(pieces(&m, &s, &id).is_empty(), "la MOE n'a déposé aucun état d'acompte");
    avancer(&m, &s, 2);
    assert_eq!(charger(&m, &s, &id).statut, MiseADisposition);
    assert_eq!(
        pieces(&m, &s, &id),
        [(CadreFacturation::A19EtatAcompteValideMoa, "PDM-04-EAV".into(), d("5000"))]
    );
    // Le silence de la MOE ne repousse pas le délai : il court toujours de J0.
    let paiement::EtatPaiement::Suivie(p) = suivi(&m, &s, &id).etat else { panic!() };
    assert_eq!((p.debut, p.echeance), (j(0), Some(j(30))));
    let faits = m.store.lire(|c| chorus_store::scenario::faits(c, &s.bac_id, &m.horloge)).unwrap();
    assert!(faits.factures[0].moe == MOE);
}

/// Le décompte final jusqu'au décompte général notifié (MOE puis MOA simulées).
fn jusqu_au_decompte_general(m: &Monde, s: &Stagiaire) -> String {
    let id = depose(m, s, &depot(CadreFacturation::A7ProjetDecompteFinal, "PDF-2026", "20000"));
    avancer(m, s, 5);
    assert_eq!(
        pieces(m, s, &id),
        [(CadreFacturation::A17ProjetDecompteGeneralMoe, "PDF-2026-PDG".into(), d("20000"))]
    );
    avancer(m, s, 8);
    assert_eq!(charger(m, s, &id).statut, AAssocierFournisseur);
    assert_eq!(depuis(m, s, &id, 5), [(PriseEnCompteMoa, j(6)), (AAssocierFournisseur, j(13))]);
    id
}

fn piece_suivante(
    m: &Monde,
    s: &Stagiaire,
    id: &str,
    cadre: CadreFacturation,
    montant: &str,
) -> Result<Statut, Vec<&'static str>> {
    let pdf = un_pdf("DGD signé");
    let brut = PieceSuivanteBrute {
        cadre: cadre.code().into(),
        numero: "PDF-2026-DGD".into(),
        montant_ht: montant.into(),
        commentaire: String::new(),
    };
    m.store
        .ecrire(|tx| {
            let depot = pj::deposer_pdf(
                tx,
                &s.bac_id,
                &s.structure_id,
                pj::controler_pdf("dgd.pdf", pdf.clone()),
                &m.horloge,
            )?
            .unwrap();
            travaux::deposer_piece_suivante(tx, &s.bac_id, &s.structure_id, id, &depot, &brut, &m.horloge)
        })
        .unwrap()
        .map_err(|a| a.into_iter().map(|a| a.code).collect())
}

#[test]
fn decompte_final_jusqu_au_dgd_signe() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let id = jusqu_au_decompte_general(&m, &s);
    let possibles = m.store.lire(|c| {
        let f = travaux::charger(c, &s.bac_id, &id)?;
        Ok(travaux::pieces_suivantes_possibles(&f, &travaux::historique(c, &s.bac_id, &id)?, j(13)))
    });
    assert_eq!(possibles.unwrap(), [CadreFacturation::A8DecompteGeneralDefinitif]);
    // Pas de procédure tacite : le décompte général a été notifié.
    assert_eq!(
        piece_suivante(&m, &s, &id, CadreFacturation::A22ProjetDecompteGeneralTacite, "20000"),
        Err(vec!["PIECE_SUIVANTE_IMPOSSIBLE"])
    );
    // Le DGD reprend le montant du décompte général.
    assert_eq!(
        piece_suivante(&m, &s, &id, CadreFacturation::A8DecompteGeneralDefinitif, "21000"),
        Err(vec!["MONTANT_DU_DECOMPTE_GENERAL"])
    );
    avancer(&m, &s, 2);
    assert_eq!(
        piece_suivante(&m, &s, &id, CadreFacturation::A8DecompteGeneralDefinitif, "20000"),
        Ok(MiseADisposition)
    );
    assert_eq!(depuis(&m, &s, &id, 7), [(Associee, j(15)), (MiseADisposition, j(15))]);
    let p = pieces(&m, &s, &id);
    assert_eq!(p[1], (CadreFacturation::A20DecompteGeneralMoa, "PDF-2026-DG".into(), d("20000")));
    assert_eq!(p[2].0, CadreFacturation::A8DecompteGeneralDefinitif);
    // Le PDF du DGD est celui que le titulaire a déposé ; celui de la MOA est produit.
    let (nom, pdf) = m
        .store
        .lire(|c| {
            let pieces = travaux::pieces(c, &s.bac_id, &id)?;
            travaux::pdf_de_piece(c, &s.bac_id, &id, &pieces[2].id)
        })
        .unwrap();
    assert_eq!(nom, "dgd.pdf");
    assert!(pdf.starts_with(b"%PDF"));
    // Le délai du solde court de la réception du DGD par le maître d'ouvrage.
    let sv = suivi(&m, &s, &id);
    assert_eq!(sv.depart, paiement::DepartDuDelai::ReceptionDgd(j(15)));
    let paiement::EtatPaiement::Suivie(p) = sv.etat else { panic!() };
    assert_eq!(p.echeance, Some(j(45)));
}

#[test]
fn le_titulaire_muet_sur_le_decompte_general() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let id = jusqu_au_decompte_general(&m, &s);
    avancer(&m, &s, 30);
    assert_eq!(charger(&m, &s, &id).statut, AAssocierFournisseur);
    avancer(&m, &s, 1);
    assert_eq!(depuis(&m, &s, &id, 7), [(Associee, j(44)), (MiseADisposition, j(44))]);
    assert_eq!(pieces(&m, &s, &id)[2].0, CadreFacturation::A24DecompteGeneralDefinitifTaciteMoe);
}

#[test]
fn procedure_tacite() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    lancer(
        &m,
        &s,
        r#"
id = "tacite"
titre = "Procédure tacite"
niveau = "avance"
duree_minutes = 10
programme = ["travaux"]
briefing = "La MOA ne répond pas."
[[partie]]
qui = "moa"
quand = { statut = "MISE_A_DISPOSITION_MOA" }
silence = true
[[objectif]]
id = "dgd"
libelle = "DGD tacite"
verification = { type = "piece_deposee", cadre = "A23_DECOMPTE_GENERAL_DEFINITIF_TACITE_FOURNISSEUR" }
explication = "A23."
"#,
    );
    let id = depose(&m, &s, &depot(CadreFacturation::A7ProjetDecompteFinal, "PDF-7", "30000"));
    avancer(&m, &s, 30);
    assert_eq!(charger(&m, &s, &id).statut, MiseADispositionMoa);
    // Le 30e jour, le maître d'ouvrage est encore dans son délai.
    let m22 = piece_suivante(&m, &s, &id, CadreFacturation::A22ProjetDecompteGeneralTacite, "31000");
    assert_eq!(m22, Err(vec!["PIECE_SUIVANTE_IMPOSSIBLE"]));
    avancer(&m, &s, 1);
    assert_eq!(
        piece_suivante(&m, &s, &id, CadreFacturation::A22ProjetDecompteGeneralTacite, "31000"),
        Ok(MiseADispositionMoa)
    );
    assert_eq!(depuis(&m, &s, &id, 5), [(RemplaceeParA22, j(31)), (MiseADispositionMoa, j(31))]);
    // Les 10 jours de la MOA.
    avancer(&m, &s, 10);
    assert_eq!(
        piece_suivante(&m, &s, &id, CadreFacturation::A23DecompteGeneralDefinitifTacite, "31000"),
        Err(vec!["PIECE_SUIVANTE_IMPOSSIBLE"])
    );
    avancer(&m, &s, 1);
    assert_eq!(
        piece_suivante(&m, &s, &id, CadreFacturation::A23DecompteGeneralDefinitifTacite, "31000"),
        Ok(MiseADisposition)
    );
    assert_eq!(charger(&m, &s, &id).montant_admis_ht, Some(d("31000")));
    let sc = m.store.lire(|c| chorus_store::scenario::faits(c, &s.bac_id, &m.horloge)).unwrap();
    assert!(sc.factures[0].pieces.contains(&CadreFacturation::A23DecompteGeneralDefinitifTacite));
}

#[test]
fn complement_et_recyclage() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let id = depose(&m, &s, &depot(CadreFacturation::A4ProjetDecompteMensuel, "PDM-05", "8000"));
    let motif = || Geste::DemanderComplement { motif: "Joignez l'attachement des travaux".into() };
    assert_eq!(agir(&m, &s, &id, Acteur::Moe, motif()).unwrap(), ACompleter);
    avancer(&m, &s, 3);
    let completer = |commentaire: &str| {
        m.store.ecrire(|tx| {
            travaux::completer(
                tx,
                &s.bac_id,
                &s.structure_id,
                &id,
                commentaire,
                Some(("attachement.pdf", pj::Source::Octets(&un_pdf("a")))),
                &m.horloge,
            )
        })
    };
    assert_eq!(completer("Attachement joint").unwrap().unwrap(), MiseADispositionMoe);
    // Les 7 jours de la MOE repartent de la complétion, et le délai de paiement aussi.
    let sv = suivi(&m, &s, &id);
    assert_eq!(sv.depart, paiement::DepartDuDelai::ReceptionMoe(j(3)));
    // Erreur d'acheminement : la MOE n'est pas la bonne ; le titulaire recycle.
    let erreur = Geste::SignalerErreur { motif: "Nous ne suivons pas ce chantier".into() };
    assert_eq!(agir(&m, &s, &id, Acteur::Moe, erreur).unwrap(), ErreurFournisseurSurMoe);
    let recycler = |moe: &str| {
        let r = Recyclage {
            acheminement: chorus_domain::suites::Acheminement {
                destinataire: COMMUNE.into(),
                ..Default::default()
            },
            moe: moe.into(),
        };
        m.store.ecrire(|tx| travaux::recycler(tx, &s.bac_id, &s.structure_id, &id, &r, &m.horloge)).unwrap()
    };
    let codes = |r: Result<Statut, Vec<chorus_domain::Anomalie>>| {
        r.unwrap_err().into_iter().map(|a| a.code).collect::<Vec<_>>()
    };
    assert_eq!(codes(recycler(MOE)), ["RECYCLAGE_SANS_CHANGEMENT"]);
    assert_eq!(codes(recycler("12000015300011")), ["MOE_INCONNUE"]);
    // Une autre maîtrise d'œuvre du registre : la pièce lui est acheminée.
    assert_eq!(recycler(TITULAIRE).unwrap(), MiseADispositionMoe);
    assert_eq!(charger(&m, &s, &id).moe.as_deref(), Some(TITULAIRE));
}

#[test]
fn chaque_partie_ne_voit_que_ses_dossiers() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let autre = m.stagiaire(2);
    let id = depose(&m, &s, &depot(CadreFacturation::A4ProjetDecompteMensuel, "PDM-06", "1000"));
    m.store.lire(|c| travaux::dossier_de_la_moe(c, &s.bac_id, MOE, &id)).unwrap();
    // Une autre MOE, ou la MOA avant d'avoir reçu la pièce : introuvable.
    assert!(matches!(
        m.store.lire(|c| travaux::dossier_de_la_moe(c, &s.bac_id, TITULAIRE, &id)),
        Err(Erreur::Introuvable(_))
    ));
    assert!(matches!(
        m.store.lire(|c| travaux::dossier_de_la_moa(c, &s.bac_id, COMMUNE, &id)),
        Err(Erreur::Introuvable(_))
    ));
    // Un autre bac à sable : introuvable, et aucun geste possible.
    assert!(matches!(
        m.store.lire(|c| travaux::dossier_de_la_moe(c, &autre.bac_id, MOE, &id)),
        Err(Erreur::Introuvable(_))
    ));
    assert!(matches!(
        agir(&m, &autre, &id, Acteur::Moe, Geste::PrendreEnCompte),
        Err(Erreur::Introuvable(_))
    ));
    // Le dossier n'est pas une facture à recycler depuis une autre structure.
    let r = m.store.ecrire(|tx| {
        travaux::recycler(tx, &autre.bac_id, &autre.structure_id, &id, &Recyclage::default(), &m.horloge)
    });
    assert!(matches!(r, Err(Erreur::Introuvable(_))));
    assert_eq!(m.store.lire(|c| travaux::dossiers_de_la_moe(c, &s.bac_id, MOE)).unwrap().len(), 1);
    assert!(m.store.lire(|c| travaux::dossiers_de_la_moe(c, &autre.bac_id, MOE)).unwrap().is_empty());
}

#[test]
fn le_projet_de_decompte_d_un_sous_traitant_passe_par_le_titulaire() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let brut = DepotBrut {
        valideur: TITULAIRE.into(),
        ..depot(CadreFacturation::A10ProjetDecompteMensuelSousTraitant, "ST-PDM-1", "2000")
    };
    let id = depose(&m, &s, &brut);
    assert_eq!(charger(&m, &s, &id).statut, AValider1);
    // Le titulaire simulé valide au bout de 5 jours ; la pièce part alors à la MOE.
    avancer(&m, &s, 5);
    assert_eq!(depuis(&m, &s, &id, 1), [(Validee1, j(5)), (Deposee, j(5)), (MiseADispositionMoe, j(5))]);
    assert_eq!(suivi(&m, &s, &id).depart, paiement::DepartDuDelai::ReceptionMoe(j(5)));
}
