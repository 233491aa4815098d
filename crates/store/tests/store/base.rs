//! Ouverture de la base : migrations idempotentes, mode WAL, clés étrangères.

use chorus_store::Store;

use crate::commun::base_vide;

fn pragma(store: &Store, nom: &str) -> String {
    store
        .lire(|c| Ok(c.query_row(&format!("PRAGMA {nom}"), [], |r| r.get::<_, rusqlite::types::Value>(0))?))
        .map(|v| match v {
            rusqlite::types::Value::Integer(i) => i.to_string(),
            rusqlite::types::Value::Text(t) => t,
            autre => format!("{autre:?}"),
        })
        .unwrap()
}

#[test]
fn ouvrir_deux_fois_garde_la_version_du_schema() {
    let (dossier, store) = base_vide();
    let version = store.version_schema().unwrap();
    assert!(version >= 1, "au moins la migration initiale : {version}");
    // Une donnée écrite entre les deux ouvertures survit : la migration n'est pas rejouée.
    store
        .ecrire(|tx| {
            tx.execute(
                "INSERT INTO bac (id, libelle, cree_le, point_depart) VALUES ('b', 'B', '2026-11-22', '{}')",
                [],
            )?;
            Ok(())
        })
        .unwrap();
    drop(store);

    let encore = Store::ouvrir(dossier.path()).unwrap();
    assert_eq!(encore.version_schema().unwrap(), version);
    assert_eq!(encore.chemin(), dossier.path().join("chorus.sqlite"));
    let n: i64 = encore.lire(|c| Ok(c.query_row("SELECT count(*) FROM bac", [], |r| r.get(0))?)).unwrap();
    assert_eq!(n, 1);
    // Et deux ouvertures simultanées du même fichier s'entendent sur la version.
    let troisieme = Store::ouvrir_fichier(&dossier.path().join("chorus.sqlite")).unwrap();
    assert_eq!(troisieme.version_schema().unwrap(), version);
}

#[test]
fn mode_wal_et_cles_etrangeres() {
    let (_dossier, store) = base_vide();
    assert_eq!(pragma(&store, "journal_mode"), "wal");
    assert_eq!(pragma(&store, "foreign_keys"), "1");
    // Synchronous NORMAL (1) suffit en WAL.
    assert_eq!(pragma(&store, "synchronous"), "1");
    // Chaque connexion de la réserve est configurée, pas seulement la première.
    let c1 = store.lire(|c| Ok(c.query_row("PRAGMA foreign_keys", [], |r| r.get::<_, i64>(0))?));
    let c2 =
        store.lire(|_| store.lire(|c| Ok(c.query_row("PRAGMA foreign_keys", [], |r| r.get::<_, i64>(0))?)));
    assert_eq!((c1.unwrap(), c2.unwrap()), (1, 1));
}

#[test]
fn les_cles_etrangeres_sont_appliquees() {
    let (_dossier, store) = base_vide();
    let refus = store.ecrire(|tx| {
        tx.execute(
            "INSERT INTO structure (id, bac_id, type_identifiant, identifiant, raison_sociale, adresse, code_postal, ville)
             VALUES ('s', 'bac-inexistant', 1, '21852884200097', 'X', '', '', '')",
            [],
        )?;
        Ok(())
    });
    match refus {
        Err(chorus_store::Erreur::Sqlite(e)) => {
            assert!(e.to_string().contains("FOREIGN KEY"), "{e}")
        }
        autre => panic!("contrainte de clé étrangère attendue : {autre:?}"),
    }
}

#[test]
fn une_ecriture_qui_echoue_n_ecrit_rien() {
    let (_dossier, store) = base_vide();
    let r: chorus_store::Resultat<()> = store.ecrire(|tx| {
        tx.execute(
            "INSERT INTO bac (id, libelle, cree_le, point_depart) VALUES ('b', 'B', '2026-11-22', '{}')",
            [],
        )?;
        Err(chorus_store::Erreur::Invalide("abandon".into()))
    });
    assert!(r.is_err());
    let n: i64 = store.lire(|c| Ok(c.query_row("SELECT count(*) FROM bac", [], |r| r.get(0))?)).unwrap();
    assert_eq!(n, 0);
}
