//! Ouverture de la base : fichier SQLite en mode WAL, réserve de connexions, migrations.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use r2d2::Pool;
use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::{Connection, TransactionBehavior};

use crate::erreur::{Erreur, Resultat};

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
    /// Les lectures : plusieurs connexions, qui ne bloquent jamais l'écrivain (WAL).
    pool: Pool<SqliteConnectionManager>,
    /// L'écrivain unique.
    ecrivain: Arc<Ecrivain>,
    chemin: PathBuf,
}

/// La seule connexion qui écrit, et la file de ceux qui attendent leur tour.
///
/// Toutes les écritures passent par elle, une à la fois, dans l'ordre d'arrivée (un ticket,
/// comme au guichet) : personne n'attend sur le verrou de SQLite ni ne le sonde, et aucune
/// écriture ne reçoit « database is locked ». Ce qui est lent (contrôler un PDF, hacher un mot
/// de passe, produire un document) se fait avant ou après, jamais sous ce tour.
struct Ecrivain {
    connexion: Mutex<Connection>,
    file: Mutex<File>,
    tour: Condvar,
}

#[derive(Default)]
struct File {
    prochain_ticket: u64,
    servi: u64,
}

impl Ecrivain {
    /// Attend son tour, puis prête la connexion. Le tour passe au suivant quand le garde tombe.
    fn prendre(&self) -> TourEcriture<'_> {
        let mut file = self.file.lock().unwrap_or_else(PoisonError::into_inner);
        let ticket = file.prochain_ticket;
        file.prochain_ticket += 1;
        while file.servi != ticket {
            file = self.tour.wait(file).unwrap_or_else(PoisonError::into_inner);
        }
        drop(file);
        // Le ticket garantit qu'on est seul ; la connexion est sous verrou pour que le
        // compilateur le sache aussi.
        TourEcriture {
            ecrivain: self,
            connexion: Some(self.connexion.lock().unwrap_or_else(PoisonError::into_inner)),
        }
    }
}

struct TourEcriture<'a> {
    ecrivain: &'a Ecrivain,
    connexion: Option<MutexGuard<'a, Connection>>,
}

impl Drop for TourEcriture<'_> {
    fn drop(&mut self) {
        self.connexion.take();
        let mut file = self.ecrivain.file.lock().unwrap_or_else(PoisonError::into_inner);
        file.servi += 1;
        drop(file);
        self.ecrivain.tour.notify_all();
    }
}

fn configurer(c: &mut Connection) -> rusqlite::Result<()> {
    // WAL : les lecteurs ne bloquent pas l'écrivain ; synchronous=NORMAL suffit en WAL (pas de
    // corruption possible, au pire la dernière transaction perdue si la machine s'éteint). Le
    // journal est ramené à 64 Mo au plus après chaque point de contrôle.
    c.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = NORMAL;
         PRAGMA foreign_keys = ON;
         PRAGMA temp_store = MEMORY;
         PRAGMA journal_size_limit = 67108864;
         PRAGMA cache_size = -4000;",
    )?;
    // Seul l'écrivain écrit : l'attente ne sert plus qu'aux points de contrôle et aux
    // migrations d'un autre processus.
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
        let mut connexion = Connection::open(chemin)?;
        configurer(&mut connexion)?;
        // Le cache de l'écrivain est plus grand que celui de chaque lecteur : il sert toutes
        // les écritures. Neuf connexions en tout tiennent dans quelques dizaines de Mo.
        connexion.execute_batch("PRAGMA cache_size = -16000;")?;
        let ecrivain = Arc::new(Ecrivain {
            connexion: Mutex::new(connexion),
            file: Mutex::new(File::default()),
            tour: Condvar::new(),
        });
        let store = Store { pool, ecrivain, chemin: chemin.to_path_buf() };
        store.migrer()?;
        Ok(store)
    }

    pub fn chemin(&self) -> &Path {
        &self.chemin
    }

    fn migrer(&self) -> Resultat<()> {
        self.ecrire(|tx| {
            let version: usize = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            for (i, sql) in MIGRATIONS.iter().enumerate().skip(version) {
                tx.execute_batch(sql)?;
                tx.pragma_update(None, "user_version", i + 1)?;
            }
            Ok(())
        })
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

    /// Un cas d'usage = une transaction : tout est écrit, ou rien. Il attend son tour auprès
    /// de l'écrivain unique (voir [`Ecrivain`]) ; `BEGIN IMMEDIATE` ne peut donc jamais
    /// attendre un autre écrivain. Un cas d'usage qui panique est défait, et l'écrivain continue.
    pub fn ecrire<T>(&self, f: impl FnOnce(&Connection) -> Resultat<T>) -> Resultat<T> {
        crate::compte::oublier_les_hachages();
        let resultat = self.ecrire_seul(f);
        let differes = crate::compte::prendre_les_hachages();
        let v = resultat?;
        // Les mots de passe enregistrés par la transaction sont hachés maintenant, hors du tour
        // de l'écrivain, puis écrits dans une courte transaction.
        if !differes.is_empty() {
            let haches = crate::compte::hacher_les_differes(differes)?;
            self.ecrire_seul(|c| crate::compte::ecrire_les_hachages(c, &haches))?;
        }
        Ok(v)
    }

    fn ecrire_seul<T>(&self, f: impl FnOnce(&Connection) -> Resultat<T>) -> Resultat<T> {
        let mut tour = self.ecrivain.prendre();
        let c = tour.connexion.as_deref_mut().ok_or(Erreur::Invalide("écrivain indisponible".into()))?;
        let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let resultat = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&tx)));
        match resultat {
            Ok(Ok(v)) => {
                tx.commit()?;
                Ok(v)
            }
            // Le `Drop` de la transaction la défait.
            Ok(Err(e)) => Err(e),
            Err(panique) => {
                drop(tx);
                drop(tour);
                std::panic::resume_unwind(panique)
            }
        }
    }

    /// Ramène le journal WAL à zéro quand personne n'écrit (appelé au repos par le serveur) :
    /// sous des lectures continues, les points de contrôle automatiques ne peuvent pas toujours
    /// le vider, et il grossirait sans fin.
    pub fn compacter_le_journal(&self) -> Resultat<()> {
        let mut tour = self.ecrivain.prendre();
        let c = tour.connexion.as_deref_mut().ok_or(Erreur::Invalide("écrivain indisponible".into()))?;
        c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }
}
