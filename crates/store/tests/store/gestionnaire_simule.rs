//! Le gestionnaire principal simulé d'un bac d'entraînement en autonomie répond aux demandes de
//! rattachement après le délai prévu, quand l'horloge avance.

use chorus_domain::compte::{CreationCompte, DELAI_REPONSE_GESTIONNAIRE_SIMULE_JOURS, Role};
use chorus_store::{compte, messagerie, rattachement, structure};

use crate::commun::Monde;
use chorus_store::depart;
use chorus_store::moteur;

#[test]
fn le_gestionnaire_simule_repond_apres_deux_jours() {
    assert_eq!(DELAI_REPONSE_GESTIONNAIRE_SIMULE_JOURS, 2);
    let m = Monde::nouveau();
    let b = m.store.ecrire(|tx| depart::creer_autonome(tx, &m.horloge)).unwrap();
    let albouy = m
        .store
        .lire(|c| structure::par_identifiant(c, &b.id, depart::STRUCTURE_A_REJOINDRE))
        .unwrap()
        .unwrap();
    assert_eq!(albouy.raison_sociale, "MENUISERIE ALBOUY SAS");
    let saisie = CreationCompte {
        email_connexion: "lea@albouy.exemple".into(),
        nom: "Roux".into(),
        prenom: "Léa".into(),
        ..CreationCompte::default()
    };
    let lea = m.store.ecrire(|tx| compte::creer_en_attente(tx, &b.id, &saisie)).unwrap().id;
    m.store.ecrire(|tx| rattachement::demander(tx, &b.id, &lea, &albouy.id, &m.horloge)).unwrap();

    // Un jour plus tard : toujours en attente.
    m.store.ecrire(|tx| moteur::avancer(tx, &b.id, 1, &m.horloge)).unwrap();
    assert_eq!(m.store.lire(|c| structure::role(c, &lea, &albouy.id)).unwrap(), None);
    // Deux jours après la demande : acceptée, et Léa en est avertie.
    m.store.ecrire(|tx| moteur::avancer(tx, &b.id, 1, &m.horloge)).unwrap();
    assert_eq!(m.store.lire(|c| structure::role(c, &lea, &albouy.id)).unwrap(), Some(Role::Utilisateur));
    let boite = m.store.lire(|c| messagerie::boite(c, &b.id)).unwrap();
    let reponse =
        boite.iter().find(|x| x.objet == "Votre demande de rattachement est acceptée").expect("réponse");
    assert_eq!(reponse.destinataire, "lea@albouy.exemple");
    // Le gestionnaire simulé ne peut pas se connecter : il n'a pas de mot de passe.
    let gestionnaire = format!("gestionnaire.{}@exemple.fr", depart::STRUCTURE_A_REJOINDRE);
    let essai = m.store.ecrire(|tx| {
        compte::connecter(tx, Some(&b.id), &gestionnaire, "", m.horloge.maintenant().naive_utc())
    });
    assert!(matches!(essai, Ok(compte::Connexion::Refusee)), "{essai:?}");
}
