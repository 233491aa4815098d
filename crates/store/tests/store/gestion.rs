//! Gérer sa structure : services, habilitations, détachement, transfert du rôle de
//! gestionnaire principal ; les rôles sont vérifiés par le stockage lui-même.

use chorus_domain::compte::Role;
use chorus_store::{Erreur, compte, gestion, structure};

use crate::commun::Monde;

/// Le gestionnaire de démonstration, et un utilisateur rattaché (validé) à sa structure.
fn equipe(m: &Monde, n: usize) -> (String, String, String, String) {
    let s = m.stagiaire(n);
    let gp = m
        .store
        .lire(|c| compte::par_email(c, &s.bac_id, &chorus_store::demo::identifiant_demo(n)))
        .unwrap()
        .unwrap()
        .id;
    let u = m
        .store
        .ecrire(|tx| {
            let u = compte::creer(tx, &s.bac_id, "paul@artisan.exemple", "Durand", "Paul", "Atelier-2026!y", None)?;
            tx.execute(
                "INSERT INTO rattachement (utilisateur_id, structure_id, bac_id, role, statut) VALUES (?1, ?2, ?3, 'UTILISATEUR', 'VALIDE')",
                [&u.id, &s.structure_id, &s.bac_id],
            )?;
            Ok(u.id)
        })
        .unwrap();
    (s.bac_id, s.structure_id, gp, u)
}

#[test]
fn services_et_habilitations() {
    let m = Monde::nouveau();
    let (bac, sid, gp, paul) = equipe(&m, 1);
    // Seul le gestionnaire crée un service.
    let refuse = m.store.ecrire(|tx| gestion::creer_service(tx, &bac, &paul, &sid, "ATELIER", "Atelier"));
    assert!(matches!(refuse, Err(Erreur::Interdit(_))), "{refuse:?}");
    m.store.ecrire(|tx| gestion::creer_service(tx, &bac, &gp, &sid, "ATELIER", "Atelier")).unwrap();
    m.store.ecrire(|tx| gestion::creer_service(tx, &bac, &gp, &sid, "BUREAU", "Bureau")).unwrap();
    let doublon = m.store.ecrire(|tx| gestion::creer_service(tx, &bac, &gp, &sid, "ATELIER", "Autre"));
    assert!(matches!(&doublon, Err(Erreur::Invalide(msg)) if msg.contains("existe déjà")), "{doublon:?}");

    // Sans habilitation, l'utilisateur ne ferme pas un service ; avec, il le peut, sur ce service seulement.
    let sans = m.store.ecrire(|tx| gestion::changer_etat_service(tx, &bac, &paul, &sid, "ATELIER", false));
    assert!(
        matches!(&sans, Err(Erreur::Interdit(msg)) if msg.contains("habilitation sur le service ATELIER")),
        "{sans:?}"
    );
    m.store
        .ecrire(|tx| gestion::definir_habilitations(tx, &bac, &gp, &sid, &paul, &["ATELIER".to_string()]))
        .unwrap();
    m.store.ecrire(|tx| gestion::changer_etat_service(tx, &bac, &paul, &sid, "ATELIER", false)).unwrap();
    let bureau = m.store.ecrire(|tx| gestion::changer_etat_service(tx, &bac, &paul, &sid, "BUREAU", false));
    assert!(matches!(bureau, Err(Erreur::Interdit(_))), "{bureau:?}");
    let services = m.store.lire(|c| gestion::services(c, &bac, &sid)).unwrap();
    assert_eq!(
        services.iter().map(|s| (s.code.as_str(), s.actif)).collect::<Vec<_>>(),
        [("ATELIER", false), ("BUREAU", true)]
    );
    // Un service inconnu dans les habilitations est refusé.
    let inconnu =
        m.store.ecrire(|tx| gestion::definir_habilitations(tx, &bac, &gp, &sid, &paul, &["X".to_string()]));
    assert!(matches!(inconnu, Err(Erreur::Invalide(_))), "{inconnu:?}");
    let membres = m.store.lire(|c| gestion::membres(c, &bac, &sid)).unwrap();
    let p = membres.iter().find(|x| x.id == paul).unwrap();
    assert_eq!(p.services, ["ATELIER"]);
}

#[test]
fn transfert_du_role_puis_detachement() {
    let m = Monde::nouveau();
    let (bac, sid, gp, paul) = equipe(&m, 2);
    m.store.ecrire(|tx| gestion::creer_service(tx, &bac, &gp, &sid, "ATELIER", "Atelier")).unwrap();
    // Le gestionnaire ne se détache pas lui-même.
    let soi = m.store.ecrire(|tx| gestion::detacher(tx, &bac, &gp, &sid, &gp));
    assert!(matches!(&soi, Err(Erreur::Invalide(msg)) if msg.contains("transférez")), "{soi:?}");
    // Un simple utilisateur ne transfère ni ne détache.
    let usurpe = m.store.ecrire(|tx| gestion::transferer_gestionnaire(tx, &bac, &paul, &sid, &paul));
    assert!(matches!(usurpe, Err(Erreur::Interdit(_))), "{usurpe:?}");

    m.store.ecrire(|tx| gestion::transferer_gestionnaire(tx, &bac, &gp, &sid, &paul)).unwrap();
    assert_eq!(m.store.lire(|c| structure::role(c, &paul, &sid)).unwrap(), Some(Role::GestionnairePrincipal));
    assert_eq!(m.store.lire(|c| structure::role(c, &gp, &sid)).unwrap(), Some(Role::Utilisateur));
    // L'ancien gestionnaire garde la main sur les services existants.
    let ancien =
        m.store.lire(|c| gestion::membres(c, &bac, &sid)).unwrap().into_iter().find(|x| x.id == gp).unwrap();
    assert_eq!(ancien.services, ["ATELIER"]);

    m.store.ecrire(|tx| gestion::detacher(tx, &bac, &paul, &sid, &gp)).unwrap();
    assert_eq!(m.store.lire(|c| structure::role(c, &gp, &sid)).unwrap(), None);
    assert_eq!(m.store.lire(|c| compte::utilisateur(c, &gp)).unwrap().unwrap().structure_id, None);
}

#[test]
fn une_structure_d_un_autre_bac_est_introuvable() {
    let m = Monde::nouveau();
    let (bac1, _, gp1, _) = equipe(&m, 1);
    let s2 = m.stagiaire(3);
    let r = m.store.lire(|c| gestion::details(c, &bac1, &s2.structure_id));
    assert!(matches!(r, Err(Erreur::Introuvable(_))), "{r:?}");
    let r = m.store.ecrire(|tx| gestion::creer_service(tx, &bac1, &gp1, &s2.structure_id, "X", "X"));
    assert!(matches!(r, Err(Erreur::Interdit(_) | Erreur::Introuvable(_))), "{r:?}");
}
