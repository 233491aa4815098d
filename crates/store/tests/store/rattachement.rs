//! Rattachement à une structure existante : demande, décision du gestionnaire principal,
//! messages dans la messagerie.

use chorus_domain::compte::{CreationCompte, Role};
use chorus_store::rattachement::{self, Decision};
use chorus_store::{Erreur, compte, messagerie, structure};

use crate::commun::Monde;

fn nouveau_compte(m: &Monde, bac_id: &str, email: &str) -> String {
    let saisie = CreationCompte {
        email_connexion: email.into(),
        nom: "Durand".into(),
        prenom: "Paul".into(),
        ..CreationCompte::default()
    };
    m.store.ecrire(|tx| compte::creer_en_attente(tx, bac_id, &saisie)).unwrap().id
}

fn objets(m: &Monde, bac_id: &str) -> Vec<String> {
    m.store.lire(|c| messagerie::boite(c, bac_id)).unwrap().into_iter().map(|x| x.objet).collect()
}

#[test]
fn demande_puis_approbation_par_le_gestionnaire_principal() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let gestionnaire =
        m.store.lire(|c| compte::par_email(c, &s.bac_id, "formation1@exemple.fr")).unwrap().unwrap();
    let paul = nouveau_compte(&m, &s.bac_id, "paul@artisan.exemple");

    m.store.ecrire(|tx| rattachement::demander(tx, &s.bac_id, &paul, &s.structure_id, &m.horloge)).unwrap();
    assert_eq!(objets(&m, &s.bac_id), ["Nouvelle demande de rattachement"]);
    // Une seconde demande identique est refusée avec un message.
    let encore =
        m.store.ecrire(|tx| rattachement::demander(tx, &s.bac_id, &paul, &s.structure_id, &m.horloge));
    assert!(matches!(&encore, Err(Erreur::Invalide(msg)) if msg.contains("déjà en attente")), "{encore:?}");

    let attente = m.store.lire(|c| rattachement::en_attente(c, &s.bac_id, &gestionnaire.id)).unwrap();
    assert_eq!(attente.len(), 1);
    assert_eq!(attente[0].utilisateur_id, paul);
    // Le demandeur, lui, n'a rien à approuver et n'est pas encore rattaché.
    assert!(m.store.lire(|c| rattachement::en_attente(c, &s.bac_id, &paul)).unwrap().is_empty());
    assert_eq!(m.store.lire(|c| structure::role(c, &paul, &s.structure_id)).unwrap(), None);

    let decision = Decision {
        demandeur_id: &paul,
        structure_id: &s.structure_id,
        approuver: true,
        commentaire: "Bienvenue",
    };
    // Seul un gestionnaire principal de la structure décide.
    let usurpe = m.store.ecrire(|tx| rattachement::decider(tx, &s.bac_id, &paul, decision, &m.horloge));
    assert!(matches!(usurpe, Err(Erreur::Introuvable(_))), "{usurpe:?}");
    m.store
        .ecrire(|tx| rattachement::decider(tx, &s.bac_id, &gestionnaire.id, decision, &m.horloge))
        .unwrap();

    assert_eq!(
        m.store.lire(|c| structure::role(c, &paul, &s.structure_id)).unwrap(),
        Some(Role::Utilisateur)
    );
    let u = m.store.lire(|c| compte::utilisateur(c, &paul)).unwrap().unwrap();
    assert_eq!(u.structure_id.as_deref(), Some(s.structure_id.as_str()));
    let boite = m.store.lire(|c| messagerie::boite(c, &s.bac_id)).unwrap();
    assert_eq!(boite[0].objet, "Votre demande de rattachement est acceptée");
    assert_eq!(boite[0].destinataire, "paul@artisan.exemple");
    assert!(boite[0].corps.contains("« Bienvenue »"));
    // Une demande déjà traitée ne se traite pas deux fois.
    let deux_fois =
        m.store.ecrire(|tx| rattachement::decider(tx, &s.bac_id, &gestionnaire.id, decision, &m.horloge));
    assert!(matches!(deux_fois, Err(Erreur::Introuvable(_))), "{deux_fois:?}");
}

#[test]
fn un_refus_est_annonce_et_laisse_le_demandeur_sans_structure() {
    let m = Monde::nouveau();
    let s = m.stagiaire(2);
    let gestionnaire =
        m.store.lire(|c| compte::par_email(c, &s.bac_id, "formation2@exemple.fr")).unwrap().unwrap();
    let paul = nouveau_compte(&m, &s.bac_id, "paul@artisan.exemple");
    m.store.ecrire(|tx| rattachement::demander(tx, &s.bac_id, &paul, &s.structure_id, &m.horloge)).unwrap();
    let decision =
        Decision { demandeur_id: &paul, structure_id: &s.structure_id, approuver: false, commentaire: "" };
    m.store
        .ecrire(|tx| rattachement::decider(tx, &s.bac_id, &gestionnaire.id, decision, &m.horloge))
        .unwrap();
    assert_eq!(m.store.lire(|c| structure::role(c, &paul, &s.structure_id)).unwrap(), None);
    let u = m.store.lire(|c| compte::utilisateur(c, &paul)).unwrap().unwrap();
    assert_eq!(u.structure_id, None);
    assert_eq!(objets(&m, &s.bac_id)[0], "Votre demande de rattachement est refusée");
    let etats = m.store.lire(|c| rattachement::mes_demandes(c, &paul)).unwrap();
    assert_eq!(etats.len(), 1);
    assert_eq!(etats[0].statut, "REFUSE");
}

#[test]
fn une_structure_d_un_autre_bac_est_introuvable() {
    let m = Monde::nouveau();
    let (s1, s2) = (m.stagiaire(1), m.stagiaire(2));
    let paul = nouveau_compte(&m, &s1.bac_id, "paul@artisan.exemple");
    let r = m.store.ecrire(|tx| rattachement::demander(tx, &s1.bac_id, &paul, &s2.structure_id, &m.horloge));
    assert!(matches!(r, Err(Erreur::Introuvable(_))), "{r:?}");
}
