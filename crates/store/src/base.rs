//! Ouverture de la base : fichier SQLite en mode WAL, réserve de connexions, migrations.

use std::path::{Path, PathBuf};
use std::time::Duration;

use r2d2::Pool;
use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::{Connection, Transaction, TransactionBehavior};

use crate::erreur::Resultat;

/// Les migrations, dans l'ordre ; la version du schéma est `PRAGMA user_version`.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_initial.sql"),
    include_str!("migrations/0002_comptes.sql"),
    include_str!("migrations/0003_structure.sql"),
    include_str!("migrations/0004_raccordement.sql"),
    include_str!("migrations/0005_gestionnaire_simule.sql"),
    include_str!("migrations/0006_classes.sql"),
    include_str!("migrations/0007_acheteur.sql"),
    include_str!("migrations/0008_pieces.sql"),
    include_str!("migrations/0009_jeton_api.sql"),
    include_str!("migrations/0010_emargement.sql"),
    include_str!("migrations/0011_scenario.sql"),
    include_str!("migrations/0012_quiz.sql"),
    include_str!("migrations/0013_progression.sql"),
    include_str!("migrations/0014_examen_par_programme.sql"),
    include_str!("migrations/0015_taux_second_semestre_2026.sql"),
    include_str!("migrations/0016_identifiants_de_classe.sql"),
    include_str!("migrations/0017_profil_formateur.sql"),
    include_str!("migrations/0018_acquittement.sql"),
    include_str!("migrations/0019_validation.sql"),
    include_str!("migrations/0020_travaux.sql"),
];

#[derive(Clone)]
pub struct Store {
    pool: Pool<SqliteConnectionManager>,
    chemin: PathBuf,
}

fn configurer(c: &mut Connection) -> rusqlite::Result<()> {
    // WAL : les lecteurs ne bloquent pas l'écrivain ; synchronous=NORMAL suffit en WAL (pas de
    // corruption possible, au pire la dernière transaction perdue si la machine s'éteint).
    c.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = NORMAL;
         PRAGMA foreign_keys = ON;
         PRAGMA temp_store = MEMORY;
         PRAGMA cache_size = -16000;",
    )?;
    c.busy_timeout(Duration::from_secs(5))?;
    Ok(())
}

impl Store {
    /// Ouvre (ou crée) la base `chorus.sqlite` dans le dossier de données.
    pub fn ouvrir(dossier: &Path) -> Resultat<Store> {
        std::fs::create_dir_all(dossier)?;
        Self::ouvrir_fichier(&dossier.join("chorus.sqlite"))
    }

    pub fn ouvrir_fichier(chemin: &Path) -> Resultat<Store> {
        let manager = SqliteConnectionManager::file(chemin).with_init(configurer);
        let pool = Pool::builder().max_size(8).build(manager)?;
        let store = Store { pool, chemin: chemin.to_path_buf() };
        store.migrer()?;
        Ok(store)
    }

    pub fn chemin(&self) -> &Path {
        &self.chemin
    }

    fn migrer(&self) -> Resultat<()> {
        let mut c = self.pool.get()?;
        let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let version: usize = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version) {
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", i + 1)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Version du schéma appliquée.
    pub fn version_schema(&self) -> Resultat<usize> {
        let c = self.pool.get()?;
        Ok(c.query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// Lecture seule.
    pub fn lire<T>(&self, f: impl FnOnce(&Connection) -> Resultat<T>) -> Resultat<T> {
        let c = self.pool.get()?;
        f(&c)
    }

    /// Un cas d'usage = une transaction : tout est écrit, ou rien.
    /// `BEGIN IMMEDIATE` prend le verrou d'écriture tout de suite, pour qu'une lecture suivie
    /// d'une écriture ne puisse pas échouer à mi-chemin sur un conflit.
    pub fn ecrire<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Resultat<T>) -> Resultat<T> {
        let mut c = self.pool.get()?;
        let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let resultat = f(&tx)?;
        tx.commit()?;
        Ok(resultat)
    }
}
