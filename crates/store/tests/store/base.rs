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

/// Les écritures confiées au fil de l'écrivain, de plusieurs fils à la fois : chacune reçoit
/// son résultat une fois écrite (une autre connexion la voit déjà), celle qui échoue ou panique
/// est défaite seule, et le fil de l'écrivain continue.
#[test]
fn les_ecritures_en_file_sont_acquittees_une_fois_ecrites_et_defaites_seules() {
    let (dossier, store) = base_vide();
    let chemin = dossier.path().join("chorus.sqlite");
    let (envoi, reception) = std::sync::mpsc::channel();
    let fils: Vec<_> = (0..8)
        .map(|f| {
            let (store, envoi) = (store.clone(), envoi.clone());
            std::thread::spawn(move || {
                for i in 0..25 {
                    let id = format!("b{f}-{i}");
                    let (store2, envoi, id2) = (store.clone(), envoi.clone(), id.clone());
                    store.ecrire_en_file(
                        move |c| {
                            c.execute(
                                "INSERT INTO bac (id, libelle, cree_le, point_depart) VALUES (?1, 'B', '2026-11-22', '{}')",
                                [&id],
                            )?;
                            match i {
                                7 => Err(chorus_store::Erreur::Invalide("refusée".into())),
                                13 if f == 3 => panic!("cas d'usage qui panique"),
                                _ => Ok(id),
                            }
                        },
                        move |ecrit| {
                            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| store2.achever(ecrit)));
                            envoi.send((id2, r.map_err(|_| ()))).unwrap();
                        },
                    );
                }
            })
        })
        .collect();
    for f in fils {
        f.join().unwrap();
    }
    drop(envoi);
    let autre = rusqlite::Connection::open(&chemin).unwrap();
    let (mut ecrites, mut refusees, mut paniques) = (0, 0, 0);
    for (id, r) in reception {
        let vue: i64 =
            autre.query_row("SELECT count(*) FROM bac WHERE id = ?1", [&id], |r| r.get(0)).unwrap();
        match r {
            Ok(Ok(rendu)) => {
                assert_eq!(rendu, id);
                assert_eq!(vue, 1, "{id} acquittée mais pas encore écrite");
                ecrites += 1;
            }
            Ok(Err(_)) => {
                assert_eq!(vue, 0, "{id} refusée mais écrite");
                refusees += 1;
            }
            Err(()) => {
                assert_eq!(vue, 0, "{id} a paniqué mais est écrite");
                paniques += 1;
            }
        }
    }
    assert_eq!((ecrites, refusees, paniques), (191, 8, 1));
    // L'écrivain sert toujours, par les deux chemins.
    store.ecrire(|c| Ok(c.execute("UPDATE bac SET libelle = 'C' WHERE id = 'b0-0'", [])?)).unwrap();
}

/// Les taux des intérêts moratoires sont gardés en mémoire, mais un changement fait par un
/// autre processus (la ligne de commande, pendant que le serveur tourne) est vu aussitôt.
#[test]
fn les_taux_en_memoire_suivent_un_changement_fait_ailleurs() {
    let (dossier, serveur) = base_vide();
    let avant = serveur.lire(chorus_store::paiement::lister_taux).unwrap();
    let ligne_de_commande = Store::ouvrir(dossier.path()).unwrap();
    let debut = chrono::NaiveDate::from_ymd_opt(2031, 1, 1).unwrap();
    let taux = chorus_domain::delai_paiement::lire_taux(debut, "3.5").unwrap();
    ligne_de_commande.ecrire(|c| chorus_store::paiement::definir_taux(c, &taux)).unwrap();
    let apres = serveur.lire(chorus_store::paiement::lister_taux).unwrap();
    assert_eq!(apres.len(), avant.len() + 1);
    assert!(apres.contains(&taux));
}

/// Sous des écritures continues, le journal WAL est recopié dans la base au fil de l'eau par
/// son propre fil : il ne grossit pas de tout ce qui est écrit.
#[test]
fn le_journal_wal_reste_borne_sous_des_ecritures_continues() {
    let (dossier, store) = base_vide();
    let wal = dossier.path().join("chorus.sqlite-wal");
    store.ecrire(|c| Ok(c.execute_batch("CREATE TABLE lest (donnees BLOB)")?)).unwrap();
    let mut plus_gros = 0;
    // 60 Mo écrits en 120 transactions de 512 Ko.
    for _ in 0..120 {
        store.ecrire(|c| Ok(c.execute("INSERT INTO lest (donnees) VALUES (zeroblob(524288))", [])?)).unwrap();
        plus_gros = plus_gros.max(std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0));
        std::thread::sleep(std::time::Duration::from_millis(15));
    }
    assert!(plus_gros < 24 * 1024 * 1024, "journal WAL monté à {plus_gros} octets");
}

/// Une base créée avant la correction de l'annuaire de formation y gardait une régie locale
/// (4140) à 60 jours : la migration en fait l'office national du fichier livré ; une autre
/// structure au même identifiant (un annuaire réel importé) n'est pas touchée.
#[test]
fn la_migration_corrige_la_regie_de_l_ancien_annuaire_de_formation() {
    let ancienne_ligne = |raison_sociale: &str| {
        let (dossier, store) = base_vide();
        store
            .ecrire(|c| {
                c.execute("DELETE FROM annuaire_structure WHERE identifiant = '38496988700072'", [])?;
                c.execute(
                    "INSERT INTO annuaire_structure VALUES ('38496988700072', 1, ?1, ?1, 0, 0, 0, 0, 0, 0, 0, \
                     0, 0, 1, '74 AVENUE DES CAUSSES', '', '', '48000', 'MENDEVAL', '', '', 'FR', 'FRANCE', \
                     '4140', 60)",
                    [raison_sociale],
                )?;
                c.pragma_update(None, "user_version", 25)?;
                Ok(())
            })
            .unwrap();
        drop(store);
        let rouverte = Store::ouvrir(dossier.path()).unwrap();
        rouverte
            .lire(|c| {
                Ok(c.query_row(
                    "SELECT raison_sociale, categorie_juridique, delai_paiement_jours FROM annuaire_structure \
                     WHERE identifiant = '38496988700072'",
                    [],
                    |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?)),
                )?)
            })
            .unwrap()
    };
    assert_eq!(
        ancienne_ligne("REGIE DES TRANSPORTS DU CAUSSE (FICTIVE)"),
        ("OFFICE NATIONAL DES TRANSPORTS DU CAUSSE (FICTIF)".to_string(), "4120".to_string(), 60)
    );
    assert_eq!(
        ancienne_ligne("REGIE MUNICIPALE DES TRANSPORTS"),
        ("REGIE MUNICIPALE DES TRANSPORTS".to_string(), "4140".to_string(), 60)
    );
}

/// La version des identités ne bouge que quand un compte, un bac, une structure, une classe ou
/// un participant change — cascades comprises — et pas quand une facture s'écrit.
#[test]
fn la_version_des_identites_suit_les_tables_d_identite_et_pas_les_factures() {
    use chorus_store::facture::{self, Envoi, Issue};

    let monde = crate::commun::Monde::nouveau();
    let (store, horloge) = (&monde.store, &monde.horloge);
    let s = monde.stagiaire(1);
    let avant = store.version_des_identites();
    let donnees = store.version_des_donnees();
    let issue = store
        .ecrire(|c| {
            facture::saisir(
                c,
                &s.bac_id,
                &s.structure_id,
                None,
                &crate::commun::saisie("IDENT-1"),
                Envoi::ValiderEtEnvoyer,
                horloge,
            )
        })
        .unwrap();
    assert!(matches!(issue, Issue::Acceptee(_)), "{issue:?}");
    assert_ne!(store.version_des_donnees(), donnees, "une écriture a eu lieu");
    assert_eq!(store.version_des_identites(), avant, "une facture ne touche aucune identité");

    let mut version = avant;
    let mut apres = |sql: &str| {
        store.ecrire(|c| Ok(c.execute_batch(sql)?)).unwrap();
        let v = store.version_des_identites();
        assert_ne!(v, version, "{sql}");
        version = v;
    };
    apres(&format!("UPDATE bac SET decalage_jours = decalage_jours + 1 WHERE id = '{}'", s.bac_id));
    apres(&format!("UPDATE structure SET raison_sociale = 'AUTRE' WHERE id = '{}'", s.structure_id));
    apres(&format!("UPDATE utilisateur SET nom = 'Autre' WHERE bac_id = '{}'", s.bac_id));
    apres(
        "INSERT INTO formateur (id, email, mot_de_passe, cree_le)
             VALUES ('f', 'f@exemple.fr', 'x', '2026-12-05');
         INSERT INTO classe (id, formateur_id, titre, date_debut, date_fin, demi_journees, lieu,
                             organisme, code, depart, cree_le)
             VALUES ('c', 'f', 'Classe', '2026-12-05', '2026-12-05', 2, 'Ici', 'CMA', 'CODE', '{}', '2026-12-05');",
    );
    apres(&format!(
        "INSERT INTO participant (id, classe_id, bac_id, nom, code_binome, rang, rejoint_le)
             VALUES ('p', 'c', '{}', 'Stagiaire', 'BIN', 1, '2026-12-05')",
        s.bac_id
    ));
    // Une cascade seule : effacer le formateur efface sa classe et ses participants.
    apres("DELETE FROM formateur WHERE id = 'f'");
    assert_eq!(crate::commun::compter(store, "participant"), 0);
    // Un bac effacé efface ses comptes et ses structures avec lui.
    apres(&format!("DELETE FROM bac WHERE id = '{}'", s.bac_id));
}

/// Ce qu'une requête a lu sous une version des identités ne vaut plus, sous le tour de
/// l'écrivain, dès qu'une identité a changé : dans un lot validé depuis, ou plus tôt dans le lot.
#[test]
fn une_identite_lue_avant_ne_vaut_plus_si_elle_a_change_depuis_ou_dans_le_lot() {
    let monde = crate::commun::Monde::nouveau();
    let store = &monde.store;
    let s = monde.stagiaire(1);
    let lue = store.version_des_identites();
    let intacte = store.ecrire(|c| {
        c.execute(
            "INSERT INTO journal (bac_id, evenement, date_simulee, horodatage, acteur)
                   VALUES (?1, 'HORLOGE', '2026-12-05', '2026-12-05T10:00:00Z', 'SYSTEME')",
            [&s.bac_id],
        )?;
        Ok(store.identites_inchangees_depuis(lue))
    });
    assert!(intacte.unwrap(), "le journal ne change aucune identité");

    let dans_le_lot = store.ecrire(|c| {
        c.execute("UPDATE bac SET decalage_jours = 3 WHERE id = ?1", [&s.bac_id])?;
        Ok(store.identites_inchangees_depuis(lue))
    });
    assert!(!dans_le_lot.unwrap(), "l'horloge du bac vient d'avancer dans ce lot");
    let apres = store.ecrire(|_| Ok(store.identites_inchangees_depuis(lue)));
    assert!(!apres.unwrap(), "et le lot validé depuis la lecture le dit encore");
    let relue = store.version_des_identites();
    assert!(store.ecrire(|_| Ok(store.identites_inchangees_depuis(relue))).unwrap());
}

/// SQLite est compilé comme `.cargo/config.toml` le demande : sans cache de pages partagé
/// entre connexions (`ENABLE_MEMORY_MANAGEMENT`) ni statistiques de mémoire, qui mettaient
/// chaque page lue et chaque allocation sous un verrou global.
#[test]
fn sqlite_est_compile_sans_verrou_global_par_page() {
    let (_dossier, store) = base_vide();
    let options: Vec<String> = store
        .lire(|c| {
            let mut st = c.prepare("PRAGMA compile_options")?;
            let v = st.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
            Ok(v)
        })
        .unwrap();
    assert!(!options.iter().any(|o| o == "ENABLE_MEMORY_MANAGEMENT"), "{options:?}");
    assert!(options.iter().any(|o| o == "DEFAULT_MEMSTATUS=0"), "{options:?}");
    assert!(options.iter().any(|o| o == "THREADSAFE=1"), "{options:?}");
}
