//! Les données livrées et les comptes de démonstration.

use chorus_store::{compte, demo, reference};

use crate::commun::{base_vide, compter, horloge};

#[test]
fn les_fixtures_livrees_s_importent_sans_rejet() {
    let (_dossier, store) = base_vide();
    let rapports = store
        .ecrire(|tx| {
            Ok([
                reference::importer_annuaire(tx, demo::ANNUAIRE.as_bytes())?,
                reference::importer_services(tx, demo::SERVICES.as_bytes())?,
                reference::importer_entreprises(tx, demo::ENTREPRISES.as_bytes())?,
                reference::importer_taux(tx, demo::TAUX.as_bytes())?,
            ])
        })
        .unwrap();
    let attendus = [16, 36, 47, 8];
    for (rapport, attendu) in rapports.iter().zip(attendus) {
        assert_eq!(rapport.nombre_erreurs, 0, "{rapport:?}");
        assert!(rapport.erreurs.is_empty(), "{rapport:?}");
        assert_eq!((rapport.lignes_lues, rapport.importees), (attendu, attendu), "{rapport:?}");
    }
}

#[test]
fn initialiser_charge_tout_et_cree_cinq_comptes() {
    let (_dossier, store) = base_vide();
    let h = horloge();
    demo::initialiser(&store, &h).unwrap();
    assert_eq!(compter(&store, "annuaire_structure"), 16);
    assert_eq!(compter(&store, "annuaire_service"), 36);
    assert_eq!(compter(&store, "entreprise"), 47);
    assert_eq!(compter(&store, "taux_interets_moratoires"), 8);
    assert_eq!(compter(&store, "bac"), 5);
    assert_eq!(compter(&store, "utilisateur"), 5);
    assert_eq!(compter(&store, "structure"), 5);
    assert_eq!(compter(&store, "facture"), 0);
    assert_eq!(compter(&store, "journal"), 0);

    let comptes = demo::comptes(&store).unwrap();
    let identifiants: Vec<&str> = comptes.iter().map(|c| c.identifiant.as_str()).collect();
    assert_eq!(
        identifiants,
        [
            "formation1@exemple.fr",
            "formation2@exemple.fr",
            "formation3@exemple.fr",
            "formation4@exemple.fr",
            "formation5@exemple.fr"
        ]
    );
    // Chaque compte a son propre bac à sable et une structure différente.
    let mut bacs = Vec::new();
    let mut structures = Vec::new();
    for n in 1..=demo::NOMBRE_COMPTES_DEMO {
        let u = store
            .lire(|c| compte::authentifier(c, &demo::identifiant_demo(n), demo::MOT_DE_PASSE_DEMO))
            .unwrap();
        let bac = store.lire(|c| chorus_store::bac::bac(c, &u.bac_id)).unwrap();
        assert_eq!(bac.libelle, format!("Démonstration {n}"));
        assert_eq!(bac.decalage_jours, 0);
        let s = store
            .lire(|c| {
                chorus_store::bac::structure_fournisseur(c, &u.bac_id, u.structure_id.as_deref().unwrap())
            })
            .unwrap();
        // La structure est une entreprise de stagiaire du registre fictif.
        let e = store.lire(|c| reference::entreprise(c, &s.identifiant)).unwrap().unwrap();
        assert_eq!((e.role.as_str(), e.raison_sociale.as_str()), ("stagiaire", s.raison_sociale.as_str()));
        assert!(comptes[n - 1].structure.contains(&s.identifiant), "{:?}", comptes[n - 1]);
        bacs.push(u.bac_id);
        structures.push(s.identifiant);
    }
    bacs.sort();
    bacs.dedup();
    structures.sort();
    structures.dedup();
    assert_eq!((bacs.len(), structures.len()), (5, 5));
}

#[test]
fn initialiser_deux_fois_ne_duplique_rien() {
    let (dossier, store) = base_vide();
    let h = horloge();
    demo::initialiser(&store, &h).unwrap();
    let avant = demo::comptes(&store).unwrap();
    demo::initialiser(&store, &h).unwrap();
    drop(store);
    // Au redémarrage suivant aussi (nouvelle ouverture du fichier).
    let store = chorus_store::Store::ouvrir(dossier.path()).unwrap();
    demo::initialiser(&store, &h).unwrap();
    for (table, n) in [
        ("annuaire_structure", 16),
        ("annuaire_service", 36),
        ("entreprise", 47),
        ("taux_interets_moratoires", 8),
        ("bac", 5),
        ("utilisateur", 5),
        ("structure", 5),
    ] {
        assert_eq!(compter(&store, table), n, "{table}");
    }
    assert_eq!(demo::comptes(&store).unwrap(), avant);
}
