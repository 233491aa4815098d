//! L'acheteur public joué à la main : `acheteur::traiter` et ce qui l'entoure (actions
//! possibles, réglage « À recycler », factures reçues, notifications immédiates).

use chorus_domain::Statut;
use chorus_domain::statut::Acteur;
use chorus_store::acheteur::{self, Joueur, Traitement};
use chorus_store::{Erreur, Resultat, facture, journal, messagerie};

use crate::commun::{COLLEGE, COMMUNE, Monde, Stagiaire};
use crate::facture::{charger, deposer, historique};

pub fn traiter(m: &Monde, s: &Stagiaire, id: &str, statut: Statut, motif: &str) -> Resultat<Statut> {
    traiter_avec_mandat(m, s, id, statut, motif, "")
}

pub fn traiter_avec_mandat(
    m: &Monde,
    s: &Stagiaire,
    id: &str,
    statut: Statut,
    motif: &str,
    numero_mandat: &str,
) -> Resultat<Statut> {
    m.store.ecrire(|tx| {
        let t = Traitement { nouveau_statut: statut, motif, numero_mandat };
        acheteur::traiter(tx, &s.bac_id, id, &t, Joueur::Stagiaire, &m.horloge)
    })
}

#[track_caller]
pub fn refus(r: Resultat<Statut>) -> String {
    match r {
        Err(Erreur::Domaine(e)) => e.to_string(),
        autre => panic!("refus attendu : {autre:?}"),
    }
}

#[test]
fn parcours_complet_jusqu_a_la_mise_en_paiement() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let id = deposer(&m, &s, "FA-1", COMMUNE);
    for cible in [
        Statut::ServiceFait,
        Statut::Mandatee,
        Statut::MiseADispositionComptable,
        Statut::Comptabilisee,
        Statut::MiseEnPaiement,
    ] {
        assert_eq!(traiter(&m, &s, &id, cible, "").unwrap(), cible);
    }
    let h = historique(&m, &s, &id);
    let derniers: Vec<(Option<Statut>, &str)> =
        h.iter().rev().take(2).map(|e| (e.statut, e.acteur.as_str())).collect();
    assert_eq!(
        derniers,
        [(Some(Statut::MiseEnPaiement), "COMPTABLE"), (Some(Statut::Comptabilisee), "COMPTABLE")]
    );
    assert_eq!(charger(&m, &s, &id).statut, Statut::MiseEnPaiement);
    // Plus rien après la mise en paiement.
    refus(traiter(&m, &s, &id, Statut::Rejetee, "trop tard"));
}

#[test]
fn rejet_et_suspension_exigent_un_motif_borne() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let id = deposer(&m, &s, "FA-1", COMMUNE);
    assert!(refus(traiter(&m, &s, &id, Statut::Rejetee, "  ")).contains("motif est obligatoire"));
    assert!(refus(traiter(&m, &s, &id, Statut::Suspendue, "")).contains("motif est obligatoire"));
    assert!(refus(traiter(&m, &s, &id, Statut::Rejetee, &"x".repeat(256))).contains("255 caractères"));
    assert_eq!(charger(&m, &s, &id).statut, Statut::MiseADisposition);
    assert_eq!(traiter(&m, &s, &id, Statut::Rejetee, &"é".repeat(255)).unwrap(), Statut::Rejetee);
    let dernier = historique(&m, &s, &id).pop().unwrap();
    assert_eq!((dernier.acteur.as_str(), dernier.commentaire.chars().count()), ("DESTINATAIRE", 255));
}

#[test]
fn suspension_une_seule_fois_et_avant_le_mandat() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let id = deposer(&m, &s, "FA-1", COMMUNE);
    traiter(&m, &s, &id, Statut::Suspendue, "Bon de livraison manquant").unwrap();
    m.store
        .ecrire(|tx| {
            let c = chorus_store::suivi::Complement { commentaire: "Bon joint", pieces_jointes: 0 };
            chorus_store::suivi::completer(tx, &s.bac_id, &s.structure_id, &id, &c, &m.horloge)
        })
        .unwrap();
    assert!(refus(traiter(&m, &s, &id, Statut::Suspendue, "Encore")).contains("une seule fois"));

    let autre = deposer(&m, &s, "FA-2", COMMUNE);
    traiter(&m, &s, &autre, Statut::Mandatee, "").unwrap();
    assert!(refus(traiter(&m, &s, &autre, Statut::Suspendue, "Pièce")).contains("le mandat a déjà été émis"));
}

#[test]
fn numero_de_mandat_garde_au_journal() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let id = deposer(&m, &s, "FA-1", COMMUNE);
    assert!(
        refus(traiter_avec_mandat(&m, &s, &id, Statut::Mandatee, "", "M 1")).contains("numéro de mandat")
    );
    traiter_avec_mandat(&m, &s, &id, Statut::Mandatee, "", "M-2026-0042").unwrap();
    let e = historique(&m, &s, &id).pop().unwrap();
    assert_eq!(e.commentaire, "Mandat n° M-2026-0042");
    let donnees: serde_json::Value = serde_json::from_str(e.donnees.as_deref().unwrap()).unwrap();
    assert_eq!(donnees["numero_mandat"], "M-2026-0042");
    assert_eq!(donnees["joue_par"], "STAGIAIRE");
}

#[test]
fn mise_en_paiement_non_remontee_refusee_et_expliquee() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let id = deposer(&m, &s, "FA-C", COLLEGE);
    traiter(&m, &s, &id, Statut::Comptabilisee, "").unwrap();
    let f = charger(&m, &s, &id);
    let p = m.store.lire(|c| acheteur::possibilites(c, &s.bac_id, &f)).unwrap();
    assert!(p.actions.iter().all(|a| a.statut != Statut::MiseEnPaiement), "{p:?}");
    assert!(p.empechements.iter().any(|e| e.contains("ne remonte pas")), "{p:?}");
    assert!(refus(traiter(&m, &s, &id, Statut::MiseEnPaiement, "")).contains("ne remonte pas"));
}

#[test]
fn a_recycler_selon_le_reglage_du_bac() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let id = deposer(&m, &s, "FA-1", COMMUNE);
    assert!(m.store.lire(|c| acheteur::a_recycler_autorise(c, &s.bac_id)).unwrap(), "permis par défaut");
    m.store.ecrire(|tx| acheteur::regler_a_recycler(tx, &s.bac_id, false)).unwrap();
    let f = charger(&m, &s, &id);
    let p = m.store.lire(|c| acheteur::possibilites(c, &s.bac_id, &f)).unwrap();
    assert!(p.actions.iter().all(|a| a.statut != Statut::ARecycler));
    assert!(p.empechements.iter().any(|e| e.contains("« À recycler » n'est pas proposé")));
    refus(traiter(&m, &s, &id, Statut::ARecycler, "Mauvais service"));
    // Le réglage d'un bac ne touche pas les autres.
    let autre = m.stagiaire(2);
    assert!(m.store.lire(|c| acheteur::a_recycler_autorise(c, &autre.bac_id)).unwrap());
    m.store.ecrire(|tx| acheteur::regler_a_recycler(tx, &s.bac_id, true)).unwrap();
    assert_eq!(traiter(&m, &s, &id, Statut::ARecycler, "Mauvais service").unwrap(), Statut::ARecycler);
}

#[test]
fn actions_possibles_selon_le_statut() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let id = deposer(&m, &s, "FA-1", COMMUNE);
    let possibles = |m: &Monde| {
        let f = charger(m, &s, &id);
        m.store.lire(|c| acheteur::possibilites(c, &s.bac_id, &f)).unwrap().actions
    };
    let p = possibles(&m);
    assert_eq!(p.len(), 8, "{p:?}");
    assert!(
        p.iter()
            .any(|a| a.statut == Statut::Rejetee && a.motif_obligatoire && a.acteur == Acteur::Destinataire)
    );
    assert!(p.iter().any(|a| a.statut == Statut::Comptabilisee && a.acteur == Acteur::Comptable));
    traiter(&m, &s, &id, Statut::Mandatee, "").unwrap();
    let p: Vec<Statut> = possibles(&m).iter().map(|a| a.statut).collect();
    assert_eq!(p, [Statut::MiseADispositionComptable, Statut::Comptabilisee, Statut::MiseEnPaiement]);
}

#[test]
fn factures_recues_et_isolement_des_bacs() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let id = deposer(&m, &s, "FA-1", COMMUNE);
    deposer(&m, &s, "FA-2", COLLEGE);
    let brouillon = crate::facture::acceptee(crate::facture::saisir(
        &m,
        &s,
        None,
        &crate::commun::saisie("BR-1"),
        facture::Envoi::Enregistrer,
    ));
    let structures = m.store.lire(|c| acheteur::structures_destinataires(c, &s.bac_id)).unwrap();
    assert_eq!(structures.len(), 2);
    assert!(structures.iter().all(|x| x.factures == 1 && x.a_traiter == 1));
    let recues = m.store.lire(|c| acheteur::factures_recues(c, &s.bac_id, COMMUNE)).unwrap();
    assert_eq!(recues.iter().map(|f| f.numero.as_str()).collect::<Vec<_>>(), ["FA-1"], "jamais le brouillon");
    // Le brouillon n'existe pas pour l'acheteur ; la facture d'un autre bac non plus.
    assert!(matches!(
        m.store.lire(|c| acheteur::facture_recue(c, &s.bac_id, &brouillon)),
        Err(Erreur::Introuvable(_))
    ));
    let voisin = m.stagiaire(2);
    assert!(m.store.lire(|c| acheteur::structures_destinataires(c, &voisin.bac_id)).unwrap().is_empty());
    let r = m.store.ecrire(|tx| {
        let t = Traitement { nouveau_statut: Statut::ServiceFait, motif: "", numero_mandat: "" };
        acheteur::traiter(tx, &voisin.bac_id, &id, &t, Joueur::Stagiaire, &m.horloge)
    });
    assert!(matches!(r, Err(Erreur::Introuvable(_))), "{r:?}");
    assert_eq!(charger(&m, &s, &id).statut, Statut::MiseADisposition);
}

#[test]
fn chaque_action_notifiee_selon_les_preferences() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let id = deposer(&m, &s, "FA-1", COMMUNE);
    let avant = m.store.lire(|c| messagerie::boite(c, &s.bac_id)).unwrap().len();
    traiter(&m, &s, &id, Statut::Suspendue, "Il manque le bon de livraison").unwrap();
    let boite = m.store.lire(|c| messagerie::boite(c, &s.bac_id)).unwrap();
    assert_eq!(boite.len(), avant + 1);
    let msg = &boite[0];
    assert_eq!(msg.objet, "Facture FA-1 suspendue");
    assert!(msg.corps.contains("Motif : « Il manque le bon de livraison »"), "{}", msg.corps);
    assert!(msg.corps.contains("Compléter"), "{}", msg.corps);
    assert_eq!(msg.lien.as_deref(), Some(format!("/factures-emises/{id}").as_str()));

    // Case décochée : plus de message, mais l'action est bien faite.
    let uid = m
        .store
        .lire(|c| {
            chorus_store::compte::authentifier(
                c,
                &chorus_store::demo::identifiant_demo(1),
                chorus_store::demo::MOT_DE_PASSE_DEMO,
            )
        })
        .unwrap()
        .id;
    m.store
        .ecrire(|tx| chorus_store::compte::definir_notifications(tx, &s.bac_id, &uid, false, true))
        .unwrap();
    let autre = deposer(&m, &s, "FA-2", COMMUNE);
    traiter(&m, &s, &autre, Statut::Rejetee, "Prix faux").unwrap();
    assert_eq!(m.store.lire(|c| messagerie::boite(c, &s.bac_id)).unwrap().len(), avant + 1);
    assert_eq!(charger(&m, &s, &autre).statut, Statut::Rejetee);
}

#[test]
fn le_journal_dit_qui_a_joue() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let id = deposer(&m, &s, "FA-1", COMMUNE);
    m.store
        .ecrire(|tx| {
            let t = Traitement {
                nouveau_statut: Statut::ServiceFait,
                motif: "Livraison conforme",
                numero_mandat: "",
            };
            acheteur::traiter(tx, &s.bac_id, &id, &t, Joueur::Formateur, &m.horloge)
        })
        .unwrap();
    let e = m.store.lire(|c| journal::historique_facture(c, &s.bac_id, &id)).unwrap().pop().unwrap();
    assert_eq!(e.commentaire, "Livraison conforme");
    assert!(e.donnees.unwrap().contains("\"FORMATEUR\""));
}

/// L'acheteur simulé passe par le même cas d'usage qu'un humain : chaque étape de son
/// calendrier est notée « jouée par le simulateur » au journal, sans message immédiat (l'activité
/// du jour l'annonce le matin suivant).
#[test]
fn l_acheteur_simule_joue_par_le_meme_cas_d_usage() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let id = deposer(&m, &s, "FA-SIM-1", COMMUNE);
    m.store.ecrire(|tx| chorus_store::moteur::avancer(tx, &s.bac_id, 40, &m.horloge)).unwrap();
    assert_eq!(charger(&m, &s, &id).statut, Statut::MiseEnPaiement);
    let joue_par: Vec<(String, String)> = m
        .store
        .lire(|c| {
            let mut st = c.prepare(
                "SELECT statut, json_extract(donnees, '$.joue_par') FROM journal
                 WHERE bac_id = ?1 AND facture_id = ?2 AND evenement = 'STATUT'
                   AND statut IN ('SERVICE_FAIT', 'MANDATEE', 'MISE_A_DISPOSITION_COMPTABLE', 'COMPTABILISEE', 'MISE_EN_PAIEMENT')
                 ORDER BY id",
            )?;
            let v = st
                .query_map([&s.bac_id, &id], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(v)
        })
        .unwrap();
    assert_eq!(joue_par.len(), 5, "{joue_par:?}");
    assert!(joue_par.iter().all(|(_, j)| j == "SIMULATEUR"), "{joue_par:?}");
    // No immediate message per step: the mailbox holds the daily activity only.
    let objets: Vec<String> =
        m.store.lire(|c| messagerie::boite(c, &s.bac_id)).unwrap().into_iter().map(|msg| msg.objet).collect();
    assert!(objets.iter().any(|o| o.starts_with("Activité du ")), "{objets:?}");
    assert!(!objets.iter().any(|o| o.contains("FA-SIM-1")), "{objets:?}");
}
