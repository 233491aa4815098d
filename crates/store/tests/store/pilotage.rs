//! Le formateur écrit à un stagiaire et regarde son bac à sable : seulement les stagiaires de
//! ses classes, seulement le courrier du stagiaire visé.

use chorus_domain::classe::Depart;
use chorus_store::pilotage::{self, EXPEDITEUR_FORMATEUR};
use chorus_store::{Erreur, classe, messagerie};

use crate::classe::{classe, formateur};
use crate::commun::Monde;

#[test]
fn le_message_n_atteint_que_le_stagiaire_vise_meme_en_binome() {
    let m = Monde::nouveau();
    let f = formateur(&m, "anne@cma.exemple.fr");
    let autre = formateur(&m, "paul@cma.exemple.fr");
    let cl = classe(&m, &f, Depart::PratiqueLibre);
    let marie = m.store.ecrire(|c| classe::rejoindre(c, &cl.code, "Marie", None, &m.horloge)).unwrap();
    let paul = m
        .store
        .ecrire(|c| classe::rejoindre(c, &cl.code, "Paul", Some(&marie.code_binome), &m.horloge))
        .unwrap();
    let n = m
        .store
        .ecrire(|c| {
            pilotage::ecrire_au_stagiaire(
                c,
                &f,
                &cl.id,
                &paul.participant_id,
                " Pause ",
                "Reprise à 14 h.",
                &m.horloge,
            )
        })
        .unwrap();
    assert_eq!(n, 1);
    let boite = |p: &str| m.store.lire(|c| messagerie::boite_de(c, &marie.bac_id, Some(p))).unwrap();
    let recus = boite(&paul.participant_id);
    assert_eq!(recus.len(), 1);
    assert_eq!((recus[0].expediteur.as_str(), recus[0].objet.as_str()), (EXPEDITEUR_FORMATEUR, "Pause"));
    assert!(boite(&marie.participant_id).iter().all(|m| m.expediteur != EXPEDITEUR_FORMATEUR));
    // Consulter n'ouvre pas : le message reste non lu pour le stagiaire.
    let vu = m
        .store
        .lire(|c| messagerie::consulter_pour(c, &marie.bac_id, Some(&paul.participant_id), recus[0].id))
        .unwrap();
    assert!(!vu.lu);
    assert!(!boite(&paul.participant_id)[0].lu);

    // Un autre formateur n'atteint pas ce stagiaire ; un message vide est refusé.
    let ecrire = |formateur: &str, objet: &str| {
        m.store.ecrire(|c| {
            pilotage::ecrire_au_stagiaire(c, formateur, &cl.id, &paul.participant_id, objet, "x", &m.horloge)
        })
    };
    assert!(matches!(ecrire(&autre, "Bonjour"), Err(Erreur::Introuvable(_))));
    assert!(matches!(ecrire(&f, "  "), Err(Erreur::Anomalies(a)) if a[0].champ == "objet"));
}

#[test]
fn la_vue_du_stagiaire_est_reservee_a_son_formateur() {
    let m = Monde::nouveau();
    let f = formateur(&m, "anne@cma.exemple.fr");
    let autre = formateur(&m, "paul@cma.exemple.fr");
    let cl = classe(&m, &f, Depart::PratiqueLibre);
    let marie = m.store.ecrire(|c| classe::rejoindre(c, &cl.code, "Marie", None, &m.horloge)).unwrap();
    let vue = m.store.lire(|c| pilotage::vue_du_formateur(c, &f, &marie.participant_id)).unwrap().unwrap();
    assert_eq!((vue.bac_id.as_str(), vue.nom.as_str()), (marie.bac_id.as_str(), "Marie"));
    assert_eq!(vue.utilisateur_id, marie.compte.map(|(u, _)| u.id));
    assert_eq!(m.store.lire(|c| pilotage::vue_du_formateur(c, &autre, &marie.participant_id)).unwrap(), None);
    // Sans compte (départ « création du compte ») : la vue existe, sans utilisateur.
    let cl2 = classe(&m, &f, Depart::CreationDuCompte);
    let lea = m.store.ecrire(|c| classe::rejoindre(c, &cl2.code, "Léa", None, &m.horloge)).unwrap();
    let vue = m.store.lire(|c| pilotage::vue_du_formateur(c, &f, &lea.participant_id)).unwrap().unwrap();
    assert_eq!(vue.utilisateur_id, None);
}
