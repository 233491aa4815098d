//! Comptes : authentification sans rien trahir, mots de passe hachés en Argon2id.

use argon2::PasswordHash;
use chorus_store::{Erreur, compte, demo};

use crate::commun::{Monde, base_vide};

#[test]
fn authentifier_bon_et_mauvais_mots_de_passe() {
    let m = Monde::nouveau();
    let email = demo::identifiant_demo(1);
    let u = m.store.lire(|c| compte::authentifier(c, &email, demo::MOT_DE_PASSE_DEMO)).unwrap();
    assert_eq!(u.email, email);
    assert!(u.structure_id.is_some());
    assert_eq!(m.store.lire(|c| compte::utilisateur(c, &u.id)).unwrap(), Some(u.clone()));
    // L'adresse se tape sans tenir compte de la casse ni des espaces autour.
    let v = m
        .store
        .lire(|c| compte::authentifier(c, " FORMATION1@Exemple.FR ", demo::MOT_DE_PASSE_DEMO))
        .unwrap();
    assert_eq!(v.id, u.id);

    let echecs = [
        (email.as_str(), "formation-2026"),
        (email.as_str(), ""),
        (email.as_str(), "Formation-2026 "),
        ("inconnu@exemple.fr", demo::MOT_DE_PASSE_DEMO),
        ("", ""),
        // Il n'y a que cinq comptes de démonstration.
        ("formation6@exemple.fr", demo::MOT_DE_PASSE_DEMO),
    ];
    let mut messages = Vec::new();
    for (e, mdp) in echecs {
        match m.store.lire(|c| compte::authentifier(c, e, mdp)) {
            Err(err @ Erreur::Authentification) => messages.push(err.to_string()),
            autre => panic!("({e:?}, {mdp:?}) : échec d'authentification attendu, obtenu {autre:?}"),
        }
    }
    messages.dedup();
    assert_eq!(messages, ["identifiant ou mot de passe incorrect"]);
    assert_eq!(m.store.lire(|c| compte::utilisateur(c, "inconnu")).unwrap(), None);
}

#[test]
fn mots_de_passe_haches_en_argon2id() {
    let m = Monde::nouveau();
    let haches: Vec<String> = m
        .store
        .lire(|c| {
            let mut st = c.prepare("SELECT mot_de_passe FROM utilisateur")?;
            let v = st.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
            Ok(v)
        })
        .unwrap();
    assert_eq!(haches.len(), 5);
    for h in &haches {
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(!h.contains(demo::MOT_DE_PASSE_DEMO), "{h}");
        let phc = PasswordHash::new(h).unwrap();
        assert_eq!(phc.algorithm.as_str(), "argon2id");
        assert!(phc.salt.is_some() && phc.hash.is_some());
    }
    // Même mot de passe, sels différents : des hachages tous différents.
    let mut distincts = haches.clone();
    distincts.sort();
    distincts.dedup();
    assert_eq!(distincts.len(), 5);
    // Le mot de passe en clair n'apparaît nulle part dans les fichiers de la base (base et WAL).
    let dossier = m.store.chemin().parent().unwrap().to_path_buf();
    for entree in std::fs::read_dir(dossier).unwrap() {
        let octets = std::fs::read(entree.unwrap().path()).unwrap();
        assert!(
            !octets.windows(demo::MOT_DE_PASSE_DEMO.len()).any(|w| w == demo::MOT_DE_PASSE_DEMO.as_bytes())
        );
    }
}

#[test]
fn hacher_et_creer() {
    let (_dossier, store) = base_vide();
    let h1 = compte::hacher("secret").unwrap();
    let h2 = compte::hacher("secret").unwrap();
    assert_ne!(h1, h2);
    assert!(h1.starts_with("$argon2id$") && !h1.contains("secret"));

    let u = store
        .ecrire(|tx| {
            tx.execute(
                "INSERT INTO bac (id, libelle, cree_le, point_depart) VALUES ('b', 'B', '2026-11-22', '{}')",
                [],
            )?;
            compte::creer(tx, "b", "  Alice@Exemple.fr ", "Martin", "Alice", "secret", None)
        })
        .unwrap();
    assert_eq!((u.email.as_str(), u.structure_id), ("Alice@Exemple.fr", None));
    assert_eq!(store.lire(|c| compte::authentifier(c, "alice@exemple.fr", "secret")).unwrap().id, u.id);
    // L'adresse est unique, sans tenir compte de la casse.
    let doublon = store.ecrire(|tx| compte::creer(tx, "b", "ALICE@exemple.fr", "X", "Y", "autre", None));
    assert!(matches!(doublon, Err(Erreur::Sqlite(_))), "{doublon:?}");
    assert!(matches!(
        store.lire(|c| compte::authentifier(c, "alice@exemple.fr", "autre")),
        Err(Erreur::Authentification)
    ));
}
