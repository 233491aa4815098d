//! Ouverture de la base : fichier SQLite en mode WAL, réserve de connexions, migrations.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use r2d2::Pool;
use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::Connection;

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
///
/// Les cas d'usage qui se suivent sans attendre partagent une transaction (« lot ») : chacun
/// a son point de sauvegarde (un cas refusé est défait seul), et le dernier de la file valide
/// le lot. Chacun ne rend sa réponse qu'après ce COMMIT : une écriture acquittée est écrite.
struct Ecrivain {
    connexion: Mutex<Connection>,
    file: Mutex<File>,
}

/// Un lot ne dépasse pas ce nombre de cas d'usage.
const LOT_MAX: usize = 64;

#[derive(Default)]
struct File {
    prochain_ticket: u64,
    servi: u64,
    /// Un lot est ouvert (BEGIN fait, COMMIT pas encore).
    ouvert: bool,
    /// Le numéro du lot en cours (ou du dernier), et combien de cas il contient.
    lot: u64,
    dans_le_lot: usize,
    /// Le dernier lot validé (ou défait), et l'échec de son COMMIT s'il y en a eu un.
    termine: u64,
    echec: Option<(u64, String)>,
    /// Ceux qui attendent leur tour (ticket) et ceux qui attendent la validation de leur lot :
    /// chacun n'est réveillé que quand c'est pour lui (pas de réveil de toute la file à chaque
    /// tour, qui coûterait plus cher que les écritures elles-mêmes).
    en_attente_du_tour: std::collections::VecDeque<(u64, std::thread::Thread)>,
    en_attente_du_lot: Vec<(u64, std::thread::Thread)>,
}

impl Ecrivain {
    fn file(&self) -> MutexGuard<'_, File> {
        self.file.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Attend son tour.
    fn attendre_son_tour(&self) {
        let mut file = self.file();
        let ticket = file.prochain_ticket;
        file.prochain_ticket += 1;
        if file.servi == ticket {
            return;
        }
        file.en_attente_du_tour.push_back((ticket, std::thread::current()));
        loop {
            drop(file);
            std::thread::park();
            file = self.file();
            if file.servi == ticket {
                return;
            }
        }
    }

    /// Passe le tour au suivant, et ne réveille que lui.
    fn passer_son_tour(&self) {
        let mut file = self.file();
        file.servi += 1;
        let servi = file.servi;
        if let Some(i) = file.en_attente_du_tour.iter().position(|(t, _)| *t == servi)
            && let Some((_, fil)) = file.en_attente_du_tour.remove(i)
        {
            fil.unpark();
        }
    }

    /// Un cas d'usage dans le lot en cours (ouvert au besoin) ; le lot est validé si personne
    /// n'attend derrière, ou s'il est plein. Rend le numéro du lot.
    fn executer<T>(
        &self,
        f: impl FnOnce(&Connection) -> Resultat<T>,
    ) -> (u64, std::thread::Result<Resultat<T>>) {
        self.attendre_son_tour();
        let c = self.connexion.lock().unwrap_or_else(PoisonError::into_inner);
        let (lot, a_ouvrir) = {
            let mut file = self.file();
            let a_ouvrir = !file.ouvert;
            if a_ouvrir {
                file.ouvert = true;
                file.lot += 1;
                file.dans_le_lot = 0;
            }
            file.dans_le_lot += 1;
            (file.lot, a_ouvrir)
        };
        let resultat = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| -> Resultat<T> {
            if a_ouvrir {
                c.execute_batch("BEGIN IMMEDIATE")?;
            }
            c.execute_batch("SAVEPOINT cas_d_usage")?;
            let r = f(&c);
            if r.is_ok() {
                c.execute_batch("RELEASE cas_d_usage")?;
            } else {
                c.execute_batch("ROLLBACK TO cas_d_usage; RELEASE cas_d_usage")?;
            }
            r
        }));
        if resultat.is_err() {
            // Une panique au milieu d'un cas d'usage : il est défait, les autres du lot restent.
            let _ = c.execute_batch("ROLLBACK TO cas_d_usage; RELEASE cas_d_usage");
        }
        let valider = {
            let file = self.file();
            file.prochain_ticket == file.servi + 1 || file.dans_le_lot >= LOT_MAX
        };
        if valider {
            self.valider(&c, lot);
        }
        drop(c);
        self.passer_son_tour();
        (lot, resultat)
    }

    /// Valide le lot ouvert (sous le tour de l'appelant).
    fn valider(&self, c: &Connection, lot: u64) {
        let commit = if c.is_autocommit() { Ok(()) } else { c.execute_batch("COMMIT") };
        let mut file = self.file();
        if let Err(e) = commit {
            let _ = c.execute_batch("ROLLBACK");
            file.echec = Some((lot, e.to_string()));
        }
        file.ouvert = false;
        file.termine = lot;
        let termine = file.termine;
        file.en_attente_du_lot.retain(|(l, fil)| {
            if *l <= termine {
                fil.unpark();
                false
            } else {
                true
            }
        });
    }

    /// Attend que le lot `lot` soit validé ; son échec, s'il a échoué.
    fn attendre_le_lot(&self, lot: u64) -> Result<(), String> {
        let mut file = self.file();
        if file.termine < lot {
            file.en_attente_du_lot.push((lot, std::thread::current()));
        }
        while file.termine < lot {
            drop(file);
            std::thread::park();
            file = self.file();
        }
        match &file.echec {
            Some((l, e)) if *l == lot => Err(e.clone()),
            _ => Ok(()),
        }
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
         PRAGMA cache_size = -2000;",
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
        connexion.execute_batch("PRAGMA cache_size = -8000;")?;
        let ecrivain =
            Arc::new(Ecrivain { connexion: Mutex::new(connexion), file: Mutex::new(File::default()) });
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
        let (lot, resultat) = self.ecrivain.executer(f);
        let commit = self.ecrivain.attendre_le_lot(lot);
        match resultat {
            Ok(r) => {
                commit.map_err(|e| Erreur::Invalide(format!("écriture non validée : {e}")))?;
                r
            }
            Err(panique) => std::panic::resume_unwind(panique),
        }
    }

    /// Ramène le journal WAL à zéro quand personne n'écrit (appelé au repos par le serveur) :
    /// sous des lectures continues, les points de contrôle automatiques ne peuvent pas toujours
    /// le vider, et il grossirait sans fin.
    pub fn compacter_le_journal(&self) -> Resultat<()> {
        self.ecrivain.attendre_son_tour();
        let resultat = {
            let c = self.ecrivain.connexion.lock().unwrap_or_else(PoisonError::into_inner);
            // Un lot resté ouvert pour ce tour est validé d'abord.
            let lot = self.ecrivain.file().lot;
            if self.ecrivain.file().ouvert {
                self.ecrivain.valider(&c, lot);
            }
            c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        };
        self.ecrivain.passer_son_tour();
        Ok(resultat?)
    }
}
