//! « Mon compte » : informations, préférences, rattachements, changement de mot de passe, et les
//! notifications d'activité envoyées quand l'horloge avance (activité quotidienne, récapitulatif
//! hebdomadaire des gestionnaires principaux). Le jour des tests, 22/11/2026, est un dimanche.

use chorus_domain::compte::{CreationCompte, Role};
use chorus_domain::structure::TypeIdentifiant;
use chorus_store::compte::{self, ChangementMotDePasse};
use chorus_store::messagerie::{self, Message};
use chorus_store::notification::{OBJET_RECAPITULATIF, objet_activite};
use chorus_store::rattachement::{self, Decision};
use chorus_store::{Erreur, demo, structure};

use crate::commun::{COMMUNE, Monde, Stagiaire, j};
use crate::facture::deposer;
use chorus_store::moteur;

const MDP: &str = "Tournesol-Bleu-42!";

fn gestionnaire(m: &Monde, s: &Stagiaire) -> String {
    m.store.lire(|c| compte::par_email(c, &s.bac_id, &demo::identifiant_demo(1))).unwrap().unwrap().id
}

/// Messages du bac, du plus ancien au plus récent.
fn messages(m: &Monde, bac_id: &str) -> Vec<Message> {
    let mut v = m.store.lire(|c| messagerie::boite(c, bac_id)).unwrap();
    v.reverse();
    v
}

fn avancer(m: &Monde, s: &Stagiaire, jours: u32) {
    m.store.ecrire(|tx| moteur::avancer(tx, &s.bac_id, jours, &m.horloge)).unwrap();
}

/// Un compte actif, sans structure, dans le bac.
fn compte_actif(m: &Monde, bac_id: &str, email: &str) -> String {
    m.store.ecrire(|tx| compte::creer(tx, bac_id, email, "Durand", "Paul", MDP, None)).unwrap().id
}

/// Paul rejoint la structure de formation1 comme simple utilisateur.
fn paul_rejoint(m: &Monde, s: &Stagiaire) -> String {
    let paul = compte_actif(m, &s.bac_id, "paul@artisan.exemple");
    let gp = gestionnaire(m, s);
    m.store.ecrire(|tx| rattachement::demander(tx, &s.bac_id, &paul, &s.structure_id, &m.horloge)).unwrap();
    let d = Decision { demandeur_id: &paul, structure_id: &s.structure_id, approuver: true, commentaire: "" };
    m.store.ecrire(|tx| rattachement::decider(tx, &s.bac_id, &gp, d, &m.horloge)).unwrap();
    paul
}

#[test]
fn informations_et_preferences_du_compte() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let autre = m.stagiaire(2);
    let uid = gestionnaire(&m, &s);
    let infos = m.store.lire(|c| compte::informations(c, &s.bac_id, &uid)).unwrap();
    assert_eq!(
        (infos.email.as_str(), infos.nom.as_str(), infos.prenom.as_str(), infos.telephone.as_str()),
        ("formation1@exemple.fr", "Stagiaire", "Démo 1", "")
    );
    assert!(infos.notification_quotidienne && infos.recapitulatif_hebdomadaire, "cochées par défaut");

    let saisie = CreationCompte {
        email_connexion: "ignoree@exemple.fr".into(),
        nom: " Dupont ".into(),
        prenom: "Jeanne".into(),
        telephone: "01 23 45 67 89".into(),
        email_contact: "compta@exemple.fr".into(),
    };
    m.store.ecrire(|tx| compte::modifier_informations(tx, &s.bac_id, &uid, &saisie)).unwrap();
    m.store.ecrire(|tx| compte::definir_notifications(tx, &s.bac_id, &uid, false, true)).unwrap();
    let infos = m.store.lire(|c| compte::informations(c, &s.bac_id, &uid)).unwrap();
    assert_eq!(infos.email, "formation1@exemple.fr", "l'adresse de connexion ne change pas");
    assert_eq!((infos.nom.as_str(), infos.email_contact.as_str()), ("Dupont", "compta@exemple.fr"));
    assert!(!infos.notification_quotidienne && infos.recapitulatif_hebdomadaire);
    assert_eq!(m.store.lire(|c| compte::adresse_de_contact(c, &uid)).unwrap(), "compta@exemple.fr");

    // Depuis un autre bac à sable, le compte est introuvable.
    let ailleurs = m.store.lire(|c| compte::informations(c, &autre.bac_id, &uid));
    assert!(matches!(ailleurs, Err(Erreur::Introuvable(_))), "{ailleurs:?}");
    let ailleurs = m.store.ecrire(|tx| compte::modifier_informations(tx, &autre.bac_id, &uid, &saisie));
    assert!(matches!(ailleurs, Err(Erreur::Introuvable(_))), "{ailleurs:?}");
    let ailleurs = m.store.ecrire(|tx| compte::definir_notifications(tx, &autre.bac_id, &uid, true, true));
    assert!(matches!(ailleurs, Err(Erreur::Introuvable(_))), "{ailleurs:?}");
}

#[test]
fn rattachements_du_compte_et_choix_de_la_structure() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let uid = gestionnaire(&m, &s);
    // Paul crée sa propre structure ; formation1 demande à s'y rattacher.
    let paul = compte_actif(&m, &s.bac_id, "paul@artisan.exemple");
    let atelier = m
        .store
        .ecrire(|tx| {
            structure::creer(
                tx,
                &s.bac_id,
                &paul,
                &structure::NouvelleStructure {
                    type_identifiant: TypeIdentifiant::Siret,
                    identifiant: "92960199500020",
                    raison_sociale: "ATELIER DURAND",
                    adresse: "",
                    code_postal: "",
                    ville: "",
                    verifiee: true,
                },
            )
        })
        .unwrap();
    m.store.ecrire(|tx| rattachement::demander(tx, &s.bac_id, &uid, &atelier, &m.horloge)).unwrap();

    let liste = m.store.lire(|c| compte::rattachements(c, &s.bac_id, &uid)).unwrap();
    let vue: Vec<(&str, Role, &str)> =
        liste.iter().map(|r| (r.raison_sociale.as_str(), r.role, r.statut.as_str())).collect();
    assert_eq!(
        vue,
        [
            ("ATELIER DURAND", Role::Utilisateur, "EN_ATTENTE"),
            ("PLOMBERIE MARTIN", Role::GestionnairePrincipal, "VALIDE")
        ]
    );
    assert_eq!(liste[0].identifiant, "92960199500020");
    // Une demande en attente ne permet pas d'y travailler, un refus non plus.
    let attente = m.store.ecrire(|tx| compte::choisir_structure(tx, &uid, &atelier));
    assert!(matches!(attente, Err(Erreur::Introuvable(_))), "{attente:?}");
    let d = Decision { demandeur_id: &uid, structure_id: &atelier, approuver: false, commentaire: "Non" };
    m.store.ecrire(|tx| rattachement::decider(tx, &s.bac_id, &paul, d, &m.horloge)).unwrap();
    let liste = m.store.lire(|c| compte::rattachements(c, &s.bac_id, &uid)).unwrap();
    assert_eq!(liste[0].statut, "REFUSE");
    let refuse = m.store.ecrire(|tx| compte::choisir_structure(tx, &uid, &atelier));
    assert!(matches!(refuse, Err(Erreur::Introuvable(_))), "{refuse:?}");
    // Vu d'un autre bac, aucun rattachement.
    let autre = m.stagiaire(2);
    assert!(m.store.lire(|c| compte::rattachements(c, &autre.bac_id, &uid)).unwrap().is_empty());
}

#[test]
fn changer_de_mot_de_passe() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let uid = gestionnaire(&m, &s);
    let changer = |actuel: &str, nouveau: &str, confirmation: &str| {
        m.store
            .ecrire(|tx| {
                compte::changer_mot_de_passe(
                    tx,
                    &s.bac_id,
                    &uid,
                    ChangementMotDePasse { actuel, nouveau, confirmation },
                    &m.horloge,
                )
            })
            .unwrap()
            .iter()
            .map(|a| a.code)
            .collect::<Vec<_>>()
    };
    assert_eq!(changer("", MDP, MDP), ["MDP_ACTUEL_OBLIGATOIRE"]);
    for _ in 0..6 {
        assert_eq!(changer("Mauvais-mot-2!", MDP, MDP), ["MDP_ACTUEL_INCORRECT"]);
    }
    let codes = changer(demo::MOT_DE_PASSE_DEMO, "court", "court");
    assert!(codes.contains(&"MDP_TROP_COURT") && codes.contains(&"MDP_CHIFFRE"), "{codes:?}");
    assert_eq!(
        changer(demo::MOT_DE_PASSE_DEMO, demo::MOT_DE_PASSE_DEMO, demo::MOT_DE_PASSE_DEMO),
        ["MDP_IDENTIQUE"]
    );
    assert!(messages(&m, &s.bac_id).is_empty(), "rien n'a changé");
    // Les mauvais mots de passe actuels ne comptent pas comme des échecs de connexion.
    assert_eq!(m.store.lire(|c| compte::blocage(c, &uid, m.horloge.maintenant().naive_utc())).unwrap(), None);

    assert!(changer(demo::MOT_DE_PASSE_DEMO, MDP, MDP).is_empty());
    assert!(m.store.lire(|c| compte::authentifier(c, "formation1@exemple.fr", MDP)).is_ok());
    assert!(
        m.store.lire(|c| compte::authentifier(c, "formation1@exemple.fr", demo::MOT_DE_PASSE_DEMO)).is_err()
    );
    let boite = messages(&m, &s.bac_id);
    assert_eq!(boite.len(), 1);
    assert_eq!(boite[0].objet, compte::OBJET_MOT_DE_PASSE_MODIFIE);
    assert_eq!(boite[0].destinataire, "formation1@exemple.fr");
    assert!(!boite[0].corps.contains(MDP), "le mot de passe n'est jamais écrit");
}

#[test]
fn activite_quotidienne_les_jours_d_evenements_seulement() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    deposer(&m, &s, "FA-N-1", COMMUNE);
    assert!(messages(&m, &s.bac_id).is_empty());
    avancer(&m, &s, 10);
    let boite = messages(&m, &s.bac_id);
    let vue: Vec<(String, chrono::NaiveDateTime)> =
        boite.iter().map(|x| (x.objet.clone(), x.envoye_le)).collect();
    let a_7h = |n: u64| j(n).and_hms_opt(7, 0, 0).unwrap();
    assert_eq!(
        vue,
        [
            (OBJET_RECAPITULATIF.to_string(), a_7h(1)),
            (objet_activite(j(3)), a_7h(3)),
            (OBJET_RECAPITULATIF.to_string(), a_7h(8)),
            (objet_activite(j(10)), a_7h(10)),
        ]
    );
    assert_eq!(objet_activite(j(3)), "Activité du 25/11/2026 sur Chorus Pro");
    let service_fait = &boite[1];
    assert!(
        service_fait.corps.contains("Facture FA-N-1 : Service fait le 25/11/2026"),
        "{}",
        service_fait.corps
    );
    assert!(service_fait.corps.contains("PLOMBERIE MARTIN"));
    assert_eq!(service_fait.lien.as_deref(), Some("/factures-emises"));
    assert!(boite[3].corps.contains("Facture FA-N-1 : Mandatée le 02/12/2026"), "{}", boite[3].corps);
    // Le premier récapitulatif (lundi 23/11) couvre la semaine du dépôt.
    assert!(
        boite[0].corps.contains("semaine du lundi 16/11/2026 au dimanche 22/11/2026"),
        "{}",
        boite[0].corps
    );
    assert!(boite[0].corps.contains("Changements de statut dans la semaine : 3."), "{}", boite[0].corps);
    assert!(boite[0].corps.contains("Mise à disposition du destinataire : 1"), "{}", boite[0].corps);

    // Les autres bacs à sable ne reçoivent rien.
    assert!(messages(&m, &m.stagiaire(2).bac_id).is_empty());
}

#[test]
fn le_recapitulatif_donne_l_etat_de_chaque_lundi() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let uid = gestionnaire(&m, &s);
    m.store.ecrire(|tx| compte::definir_notifications(tx, &s.bac_id, &uid, false, true)).unwrap();
    deposer(&m, &s, "FA-N-2", COMMUNE);
    // Un brouillon oublié est rappelé.
    crate::facture::saisir(
        &m,
        &s,
        None,
        &crate::commun::saisie("FA-BROUILLON"),
        chorus_store::facture::Envoi::Enregistrer,
    )
    .unwrap();
    avancer(&m, &s, 30);
    let boite = messages(&m, &s.bac_id);
    let dates: Vec<_> = boite.iter().map(|x| (x.objet.as_str(), x.envoye_le.date())).collect();
    // Lundis 23/11, 30/11, 07/12 et 14/12 ; la semaine du 14 au 20/12 n'a aucun mouvement : pas
    // de récapitulatif le 21/12.
    assert_eq!(
        dates,
        [
            (OBJET_RECAPITULATIF, j(1)),
            (OBJET_RECAPITULATIF, j(8)),
            (OBJET_RECAPITULATIF, j(15)),
            (OBJET_RECAPITULATIF, j(22))
        ]
    );
    assert!(
        boite[0].corps.contains("Brouillon : 1") && boite[0].corps.contains("brouillon(s) enregistré(s)")
    );
    assert!(boite[1].corps.contains("Service fait : 1"), "{}", boite[1].corps);
    assert!(boite[2].corps.contains("Mise à disposition du comptable : 1"), "{}", boite[2].corps);
    assert!(boite[3].corps.contains("Mise en paiement : 1"), "{}", boite[3].corps);
    assert!(boite[3].corps.contains("Total : 2 facture(s)."), "{}", boite[3].corps);
}

#[test]
fn qui_recoit_quoi() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let paul = paul_rejoint(&m, &s);
    let avant = messages(&m, &s.bac_id).len();
    deposer(&m, &s, "FA-N-3", COMMUNE);
    avancer(&m, &s, 3);
    let nouveaux: Vec<(String, String)> =
        messages(&m, &s.bac_id)[avant..].iter().map(|x| (x.objet.clone(), x.destinataire.clone())).collect();
    let jour = objet_activite(j(3));
    // Le récapitulatif ne va qu'au gestionnaire principal ; l'activité à tous les rattachés.
    assert_eq!(
        nouveaux,
        [
            (OBJET_RECAPITULATIF.to_string(), "formation1@exemple.fr".to_string()),
            (jour.clone(), "formation1@exemple.fr".to_string()),
            (jour.clone(), "paul@artisan.exemple".to_string()),
        ]
    );

    // Paul coupe l'activité quotidienne, formation1 le récapitulatif ; ce qui reste part à
    // l'adresse de contact.
    m.store.ecrire(|tx| compte::definir_notifications(tx, &s.bac_id, &paul, false, true)).unwrap();
    let gp = gestionnaire(&m, &s);
    m.store.ecrire(|tx| compte::definir_notifications(tx, &s.bac_id, &gp, true, false)).unwrap();
    let contact = CreationCompte {
        nom: "Stagiaire".into(),
        prenom: "Démo 1".into(),
        email_contact: "compta@plomberie.exemple".into(),
        ..CreationCompte::default()
    };
    m.store.ecrire(|tx| compte::modifier_informations(tx, &s.bac_id, &gp, &contact)).unwrap();
    let avant = messages(&m, &s.bac_id).len();
    avancer(&m, &s, 7);
    let nouveaux: Vec<(String, String)> =
        messages(&m, &s.bac_id)[avant..].iter().map(|x| (x.objet.clone(), x.destinataire.clone())).collect();
    assert_eq!(nouveaux, [(objet_activite(j(10)), "compta@plomberie.exemple".to_string())]);
}

#[test]
fn les_factures_d_une_structure_ne_notifient_que_ses_utilisateurs() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    // Paul a sa propre structure dans le même bac, sans facture.
    let paul = compte_actif(&m, &s.bac_id, "paul@artisan.exemple");
    m.store
        .ecrire(|tx| {
            structure::creer(
                tx,
                &s.bac_id,
                &paul,
                &structure::NouvelleStructure {
                    type_identifiant: TypeIdentifiant::Siret,
                    identifiant: "92960199500020",
                    raison_sociale: "ATELIER DURAND",
                    adresse: "",
                    code_postal: "",
                    ville: "",
                    verifiee: true,
                },
            )
        })
        .unwrap();
    deposer(&m, &s, "FA-N-4", COMMUNE);
    avancer(&m, &s, 10);
    assert!(
        messages(&m, &s.bac_id).iter().all(|x| x.destinataire == "formation1@exemple.fr"),
        "{:?}",
        messages(&m, &s.bac_id)
    );
}
