//! Ouverture de la base : fichier SQLite en mode WAL, réserve de connexions, migrations.

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, SyncSender};
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
    include_str!("migrations/0021_version_des_taux.sql"),
    include_str!("migrations/0022_flux.sql"),
    include_str!("migrations/0023_index_des_envois.sql"),
    include_str!("migrations/0024_piste.sql"),
    include_str!("migrations/0025_appels_api.sql"),
    include_str!("migrations/0026_office_des_transports.sql"),
    include_str!("migrations/0027_structure_par_siret.sql"),
    include_str!("migrations/0028_engagements.sql"),
    include_str!("migrations/0029_annuaire_recherche.sql"),
    include_str!("migrations/0030_cloture.sql"),
    include_str!("migrations/0031_index_annee.sql"),
];

/// Le nombre de migrations que ce binaire connaît (la version de schéma qu'il produit).
pub fn nombre_de_migrations() -> usize {
    MIGRATIONS.len()
}

#[derive(Clone)]
pub struct Store {
    /// Les lectures : plusieurs connexions, qui ne bloquent jamais l'écrivain (WAL).
    pool: Pool<SqliteConnectionManager>,
    /// L'écrivain unique.
    ecrivain: Arc<Ecrivain>,
    /// La file du fil de l'écrivain (voir [`Store::ecrire_en_file`]).
    arrivees: Sender<Travail>,
    chemin: Arc<Path>,
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
    /// Réveille le fil des points de contrôle après chaque lot validé.
    lot_valide: SyncSender<()>,
    /// Avancée à chaque lot terminé, avant que ses cas n'aient leur réponse : ce qu'un lecteur
    /// a lu sous une version ne vaut plus dès qu'elle a changé (voir [`Store::version_des_donnees`]).
    version: AtomicU64,
    /// Avancée à chaque lot terminé qui a touché une table d'identité (voir
    /// [`Store::version_des_identites`]).
    version_identites: AtomicU64,
    /// Posé par le crochet de mise à jour de la connexion quand une ligne d'une table
    /// d'identité change dans le lot en cours.
    identites_touchees: Arc<AtomicBool>,
}

/// Les tables dont une session tire son compte, son bac et sa structure.
const TABLES_D_IDENTITE: [&str; 5] = ["utilisateur", "bac", "structure", "participant", "classe"];

/// Les connexions de lecture. Les pages lisent sur les deux fils du serveur et sur le réservoir
/// des tâches bloquantes ; sur une machine de formation (deux à quatre cœurs), quatre lectures
/// simultanées suffisent, et chaque connexion de plus garde son propre cache de pages : la
/// mémoire du serveur grandirait au fil des pointes sans rien gagner.
const LECTEURS: u32 = 4;

/// Un lot ne dépasse pas ce nombre de cas d'usage. Sans borne, toute une classe qui saisit se
/// retrouve dans le même lot, et tout le monde attend le même COMMIT : pendant que l'écrivain
/// valide, le serveur n'a rien d'autre à faire, puis il répond à tous d'un coup pendant que
/// l'écrivain attend. Une demi-classe par lot fait alterner deux groupes : l'un s'écrit pendant
/// que l'autre reçoit sa réponse et prépare la saisie suivante (`chorus-bench --mode ecritures` :
/// +9 % de saisies à 32 stagiaires, relevé dans `docs/benchmarks.md`).
const LOT_MAX: usize = 16;

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

    /// Ouvre le lot si aucun ne l'est (sous le tour de l'appelant) ; rend son numéro, et l'échec
    /// de son `BEGIN` s'il y en a eu un.
    fn entrer_dans_le_lot(&self, c: &Connection) -> (u64, Resultat<()>) {
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
        let debut = if a_ouvrir { executer_sql(c, "BEGIN IMMEDIATE") } else { Ok(()) };
        if debut.is_err() {
            self.file().ouvert = false;
        }
        (lot, debut)
    }

    /// Un cas d'usage dans le lot en cours (ouvert au besoin) ; le lot est validé si personne
    /// n'attend derrière, ou s'il est plein. Rend le numéro du lot.
    fn executer<T>(
        &self,
        f: impl FnOnce(&Connection) -> Resultat<T>,
    ) -> (u64, std::thread::Result<Resultat<T>>) {
        self.attendre_son_tour();
        let c = self.connexion.lock().unwrap_or_else(PoisonError::into_inner);
        let (lot, debut) = self.entrer_dans_le_lot(&c);
        let resultat = match debut {
            Ok(()) => un_cas(&c, f),
            Err(e) => Ok(Err(e)),
        };
        let valider = {
            let file = self.file();
            file.ouvert && (file.prochain_ticket == file.servi + 1 || file.dans_le_lot >= LOT_MAX)
        };
        if valider {
            self.valider(&c, lot);
        }
        drop(c);
        self.passer_son_tour();
        (lot, resultat)
    }

    /// Le fil de l'écrivain : il prend les cas d'usage confiés par [`Store::ecrire_en_file`]
    /// tels qu'ils arrivent, exécute d'un seul tour tous ceux qui attendent (un lot, validé à la
    /// fin du tour), puis rend à chacun son résultat. Il n'y a pas de passage de relais d'un fil
    /// à l'autre entre deux cas : la connexion reste chaude sur un seul fil.
    fn servir(&self, arrivees: &Receiver<Travail>) {
        while let Ok(premier) = arrivees.recv() {
            let mut travaux = vec![premier];
            self.attendre_son_tour();
            let c = self.connexion.lock().unwrap_or_else(PoisonError::into_inner);
            let mut livraisons = Vec::new();
            let mut lot = None;
            loop {
                for travail in travaux.drain(..) {
                    let (l, debut) = self.entrer_dans_le_lot(&c);
                    lot = Some(l);
                    livraisons.push(match debut {
                        Ok(()) => travail(Ok(&c)),
                        Err(e) => travail(Err(e)),
                    });
                }
                if self.file().dans_le_lot >= LOT_MAX {
                    break;
                }
                match arrivees.try_recv() {
                    Ok(t) => travaux.push(t),
                    Err(_) => break,
                }
            }
            let issue = match lot {
                Some(lot) => {
                    if self.file().ouvert {
                        self.valider(&c, lot);
                    }
                    match &self.file().echec {
                        Some((l, e)) if *l == lot => Err(e.clone()),
                        _ => Ok(()),
                    }
                }
                None => Ok(()),
            };
            drop(c);
            self.passer_son_tour();
            // Les réponses partent après le COMMIT : une écriture acquittée est écrite.
            for livrer in livraisons {
                livrer(issue.clone());
            }
        }
    }

    /// Valide le lot ouvert (sous le tour de l'appelant).
    fn valider(&self, c: &Connection, lot: u64) {
        let commit = if c.is_autocommit() { Ok(()) } else { executer_sql(c, "COMMIT") };
        let mut file = self.file();
        match commit {
            // Plusieurs lots validés pendant un point de contrôle n'en demandent qu'un de plus.
            Ok(()) => {
                let _ = self.lot_valide.try_send(());
            }
            Err(e) => {
                let _ = executer_sql(c, "ROLLBACK");
                file.echec = Some((lot, e.to_string()));
            }
        }
        // Avant la version générale : qui lit les deux voit au moins ce changement-ci.
        if self.identites_touchees.swap(false, Ordering::AcqRel) {
            self.version_identites.fetch_add(1, Ordering::Release);
        }
        self.version.fetch_add(1, Ordering::Release);
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

/// Un cas d'usage confié au fil de l'écrivain : exécuté sur sa connexion (ou averti que le lot
/// n'a pas pu s'ouvrir), il rend de quoi livrer son résultat une fois le lot validé.
type Travail = Box<dyn FnOnce(Result<&Connection, Erreur>) -> Livraison + Send>;
type Livraison = Box<dyn FnOnce(Result<(), String>) + Send>;

/// Ce que rend une écriture confiée au fil de l'écrivain : le résultat du cas d'usage (ou sa
/// panique), et les mots de passe qu'il a enregistrés, à hacher hors du tour de l'écrivain
/// par [`Store::achever`].
pub struct Ecrit<T> {
    resultat: std::thread::Result<Resultat<T>>,
    hachages: Vec<crate::compte::Differe>,
}

impl<T> Ecrit<T> {
    /// Des mots de passe restent à hacher : [`Store::achever`] prendra du temps (fil bloquant).
    pub fn a_des_hachages(&self) -> bool {
        !self.hachages.is_empty()
    }
}

/// Une instruction sans paramètre, préparée une fois pour toutes (BEGIN, SAVEPOINT, COMMIT…) :
/// `execute_batch` l'analyserait à chaque cas d'usage.
fn executer_sql(c: &Connection, sql: &str) -> Resultat<()> {
    c.prepare_cached(sql)?.execute([])?;
    Ok(())
}

/// Un cas d'usage sous son point de sauvegarde : refusé ou paniqué, il est défait seul, et les
/// autres cas du lot restent.
fn un_cas<T>(c: &Connection, f: impl FnOnce(&Connection) -> Resultat<T>) -> std::thread::Result<Resultat<T>> {
    let resultat = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| -> Resultat<T> {
        executer_sql(c, "SAVEPOINT cas_d_usage")?;
        let r = f(c);
        if r.is_ok() {
            executer_sql(c, "RELEASE cas_d_usage")?;
        } else {
            executer_sql(c, "ROLLBACK TO cas_d_usage")?;
            executer_sql(c, "RELEASE cas_d_usage")?;
        }
        r
    }));
    if resultat.is_err() {
        let _ =
            executer_sql(c, "ROLLBACK TO cas_d_usage").and_then(|()| executer_sql(c, "RELEASE cas_d_usage"));
    }
    resultat
}

/// Le fil des points de contrôle : après chaque lot validé, il recopie dans la base ce que le
/// journal WAL contient (`PASSIVE` : sans attendre ni bloquer personne), pendant que
/// l'écrivain continue. Le point de contrôle automatique de l'écrivain (tous les 1 000 pages)
/// n'a plus alors que les dernières pages à recopier, et le journal repart de son début : fait
/// en entier sous le tour de l'écrivain, ce travail retardait toute la file ; fait seulement
/// ici, il ne finirait jamais tant que l'on écrit, et le journal grossirait sans fin. Le fil
/// s'arrête avec l'écrivain.
fn controler_le_journal(c: &Connection, reveil: &Receiver<()>) {
    while reveil.recv().is_ok() {
        let _ = c.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
    }
}

fn configurer(c: &mut Connection) -> rusqlite::Result<()> {
    // WAL : les lecteurs ne bloquent pas l'écrivain ; synchronous=NORMAL suffit en WAL (pas de
    // corruption possible, au pire la dernière transaction perdue si la machine s'éteint). Le
    // journal est ramené à 64 Mo au plus après chaque point de contrôle. Chaque connexion a son
    // propre cache de pages, borné ici (512 Kio ; l'écrivain le règle plus grand) : SQLite est
    // compilé sans cache partagé ni statistiques de mémoire (`.cargo/config.toml`), qui
    // mettaient chaque page lue sous un verrou global.
    // L'attente d'abord, avant tout ce qui peut prendre un verrou. Seul l'écrivain écrit :
    // l'attente ne sert qu'aux points de contrôle et aux migrations d'un autre processus.
    c.busy_timeout(Duration::from_secs(5))?;
    c.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = NORMAL;
         PRAGMA foreign_keys = ON;
         PRAGMA temp_store = MEMORY;
         PRAGMA journal_size_limit = 67108864;
         PRAGMA cache_size = -512;",
    )?;
    Ok(())
}

impl Store {
    /// Ouvre (ou crée) la base `chorus.sqlite` dans le dossier de données.
    pub fn ouvrir(dossier: &Path) -> Resultat<Store> {
        std::fs::create_dir_all(dossier)?;
        Self::ouvrir_fichier(&dossier.join("chorus.sqlite"))
    }

    pub fn ouvrir_fichier(chemin: &Path) -> Resultat<Store> {
        // L'écrivain d'abord : un fichier neuf passe en WAL par lui seul, avant que les quatre
        // connexions de la réserve ne s'ouvrent ensemble (elles se disputaient ce passage, et
        // l'une recevait parfois « database is locked » au premier démarrage).
        let mut connexion = Connection::open(chemin)?;
        configurer(&mut connexion)?;
        let manager = SqliteConnectionManager::file(chemin).with_init(configurer);
        // Une connexion de la réserve n'a pas à être éprouvée à chaque prêt : un fichier local ne
        // « tombe » pas comme une connexion réseau, et l'épreuve coûtait une requête par lecture.
        let pool = Pool::builder().max_size(LECTEURS).test_on_check_out(false).build(manager)?;
        // Le cache de l'écrivain est plus grand que celui de chaque lecteur : il sert toutes
        // les écritures, et reste valable d'une transaction à l'autre puisque personne d'autre
        // n'écrit. Celui d'un lecteur est vidé dès que la base a changé depuis sa dernière
        // lecture (WAL) : sous une classe qui saisit, il ne garde guère qu'une page de lecture, et
        // un grand cache ne serait que de la mémoire tenue. Les six connexions tiennent dans une
        // dizaine de Mo de cache.
        connexion.execute_batch("PRAGMA cache_size = -8000;")?;
        // Toute ligne écrite passe par ce crochet, y compris par une cascade de clés
        // étrangères. Il ne voit ni les tables sans rowid (aucune table d'identité n'en est une),
        // ni un `DELETE` sans `WHERE` vidant toute une table (aucun cas d'usage ne le fait sur
        // elles) : un test le vérifie pour chacune.
        let identites_touchees = Arc::new(AtomicBool::new(false));
        let marque = Arc::clone(&identites_touchees);
        connexion.update_hook(Some(move |_, _: &str, table: &str, _| {
            if TABLES_D_IDENTITE.contains(&table) {
                marque.store(true, Ordering::Release);
            }
        }));
        let (lot_valide, reveil) = std::sync::mpsc::sync_channel::<()>(1);
        let mut controleur = Connection::open(chemin)?;
        configurer(&mut controleur)?;
        std::thread::Builder::new()
            .name("chorus-point-de-controle".to_string())
            .spawn(move || controler_le_journal(&controleur, &reveil))?;
        let ecrivain = Arc::new(Ecrivain {
            connexion: Mutex::new(connexion),
            file: Mutex::new(File::default()),
            lot_valide,
            version: AtomicU64::new(0),
            version_identites: AtomicU64::new(0),
            identites_touchees,
        });
        let (arrivees, depart) = std::sync::mpsc::channel::<Travail>();
        let servant = Arc::clone(&ecrivain);
        // Le fil s'arrête quand le dernier `Store` (et donc la file) disparaît.
        std::thread::Builder::new()
            .name("chorus-ecrivain".to_string())
            .spawn(move || servant.servir(&depart))?;
        let store = Store { pool, ecrivain, arrivees, chemin: Arc::from(chemin) };
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

    /// Un numéro qui change à chaque écriture validée par ce serveur. Une donnée retenue en
    /// mémoire sous un numéro lu **avant** de la lire reste exacte tant que le numéro n'a pas
    /// bougé ; c'est ce qui permet aux pages de ne pas relire à chaque requête ce qui ne change
    /// presque jamais (le compte, le bac, la structure d'une session).
    pub fn version_des_donnees(&self) -> u64 {
        self.ecrivain.version.load(Ordering::Acquire)
    }

    /// Un numéro qui change à chaque écriture validée par ce serveur qui a touché un compte,
    /// un bac à sable, une structure, une classe ou un participant : ce dont une session tire
    /// son identité. Sous une classe qui saisit, les factures s'écrivent sans cesse, mais les
    /// identités presque jamais ; les retenir sous ce numéro plutôt que sous
    /// [`Store::version_des_donnees`] évite de les relire à chaque page.
    pub fn version_des_identites(&self) -> u64 {
        self.ecrivain.version_identites.load(Ordering::Acquire)
    }

    /// Sous le tour de l'écrivain (dans un cas d'usage) : aucune identité n'a changé depuis la
    /// version `version` de [`Store::version_des_identites`], ni dans un lot validé depuis, ni
    /// plus tôt dans le lot en cours. Ce qu'une requête a lu sous cette version vaut encore.
    pub fn identites_inchangees_depuis(&self, version: u64) -> bool {
        !self.ecrivain.identites_touchees.load(Ordering::Acquire)
            && self.ecrivain.version_identites.load(Ordering::Acquire) == version
    }

    /// Version du schéma appliquée.
    pub fn version_schema(&self) -> Resultat<usize> {
        let c = self.pool.get()?;
        Ok(c.query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// Lecture seule.
    ///
    /// Toute la lecture se fait dans une transaction : elle voit un seul état de la base (une
    /// page ne mélange pas l'avant et l'après d'une écriture), et les verrous de lecture ne sont
    /// pris qu'une fois, pas à chaque requête SQL.
    pub fn lire<T>(&self, f: impl FnOnce(&Connection) -> Resultat<T>) -> Resultat<T> {
        /// Referme la transaction de lecture, même si `f` panique : la connexion retourne à la
        /// réserve sans instantané ouvert (qui retiendrait le journal WAL).
        struct Fin<'c>(&'c Connection);
        impl Drop for Fin<'_> {
            fn drop(&mut self) {
                if !self.0.is_autocommit() && executer_sql(self.0, "COMMIT").is_err() {
                    let _ = executer_sql(self.0, "ROLLBACK");
                }
            }
        }
        let c = self.pool.get()?;
        executer_sql(&c, "BEGIN")?;
        let _fin = Fin(&c);
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

    /// Le même cas d'usage, confié au fil de l'écrivain sans qu'aucun fil n'attende : `rendre`
    /// reçoit le résultat une fois le lot validé (sur le fil de l'écrivain : qu'il ne fasse
    /// qu'envoyer). C'est le chemin des requêtes du serveur, qui attendent sans bloquer de fil.
    /// [`Store::achever`] donne ensuite la valeur (et hache les mots de passe enregistrés).
    pub fn ecrire_en_file<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> Resultat<T> + Send + 'static,
        rendre: impl FnOnce(Ecrit<T>) + Send + 'static,
    ) {
        let travail: Travail = Box::new(move |c| {
            let (resultat, hachages) = match c {
                Ok(c) => {
                    crate::compte::oublier_les_hachages();
                    let r = un_cas(c, f);
                    (r, crate::compte::prendre_les_hachages())
                }
                Err(e) => (Ok(Err(e)), Vec::new()),
            };
            Box::new(move |commit: Result<(), String>| {
                let resultat = match (resultat, commit) {
                    (Ok(Ok(_)), Err(e)) => Ok(Err(Erreur::Invalide(format!("écriture non validée : {e}")))),
                    (r, _) => r,
                };
                rendre(Ecrit { resultat, hachages });
            })
        });
        if let Err(refus) = self.arrivees.send(travail) {
            // Le fil de l'écrivain n'existe plus (le serveur s'arrête) : le cas d'usage n'a pas
            // été exécuté, on le dit.
            (refus.0)(Err(Erreur::Invalide("la base est fermée".to_string())))(Ok(()));
        }
    }

    /// La valeur d'une écriture confiée au fil de l'écrivain ; les mots de passe qu'elle a
    /// enregistrés sont hachés maintenant (lent : sur un fil bloquant si
    /// [`Ecrit::a_des_hachages`]). Une panique du cas d'usage reprend ici.
    pub fn achever<T>(&self, ecrit: Ecrit<T>) -> Resultat<T> {
        let v = match ecrit.resultat {
            Ok(r) => r?,
            Err(panique) => std::panic::resume_unwind(panique),
        };
        if !ecrit.hachages.is_empty() {
            let haches = crate::compte::hacher_les_differes(ecrit.hachages)?;
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
