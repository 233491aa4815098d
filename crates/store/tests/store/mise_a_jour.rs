//! Upgrades: a data folder from the previous release (schema 27, populated by that release's
//! binary: the demo accounts, three invoices submitted through the API, one suspended by its
//! recipient) is upgraded by the migrations when it is opened, and everything in it is still
//! there and usable.

use chorus_store::{Horloge, Store, demo, engagement, reference};

#[test]
fn un_dossier_de_la_version_precedente_est_mis_a_jour_a_l_ouverture() {
    let dossier = tempfile::tempdir().unwrap();
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/donnees/chorus-schema-27.sqlite"),
        dossier.path().join("chorus.sqlite"),
    )
    .unwrap();
    let store = Store::ouvrir(dossier.path()).unwrap();
    assert_eq!(store.version_schema().unwrap(), chorus_store::base::nombre_de_migrations());
    // What start does on every run: the reference data that came after are loaded.
    demo::initialiser(&store, &Horloge::Systeme).unwrap();

    let factures: Vec<(String, String)> = store
        .lire(|c| {
            let mut st = c.prepare("SELECT numero, statut FROM facture ORDER BY ordre")?;
            let v =
                st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(v)
        })
        .unwrap();
    assert_eq!(
        factures,
        [
            ("ANCIENNE-1".to_string(), "MISE_A_DISPOSITION".to_string()),
            ("ANCIENNE-2".to_string(), "SUSPENDUE".to_string()),
            ("ANCIENNE-3".to_string(), "MISE_A_DISPOSITION".to_string()),
        ]
    );
    // No demo account created twice, the directory searched through its new index, the orders
    // of the new release there.
    let bacs: i64 = store.lire(|c| Ok(c.query_row("SELECT count(*) FROM bac", [], |r| r.get(0))?)).unwrap();
    assert_eq!(bacs, demo::NOMBRE_COMPTES_DEMO as i64);
    let valcombe = store.lire(|c| reference::chercher_dans_l_annuaire(c, "valcombe", 1, 50)).unwrap();
    assert!(valcombe.structures.iter().any(|s| s.identifiant == "21852884200097"), "{valcombe:?}");
    let ej = store
        .lire(|c| {
            engagement::rechercher(
                c,
                &engagement::Criteres { numero: Some("BC-2026-0147".into()), ..Default::default() },
            )
        })
        .unwrap();
    assert_eq!(ej.len(), 1);
    let integrite: String =
        store.lire(|c| Ok(c.query_row("PRAGMA integrity_check", [], |r| r.get(0))?)).unwrap();
    assert_eq!(integrite, "ok");
}
