//! `chorus-sandbox` : le simulateur d'entraînement au portail Chorus Pro.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Instant;

use chorus_domain::delai_paiement;

/// mimalloc rend au système la mémoire libérée : sous une classe qui travaille toute la
/// journée, la taille du serveur se stabilise au lieu de croître par fragmentation.
#[global_allocator]
static ALLOCATEUR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use chorus_domain::montants::format_nombre;
use chorus_store::catalogue::Catalogue;
use chorus_store::cours::CatalogueCours;
use chorus_store::quiz::CatalogueQuiz;
use chorus_store::{Horloge, Store, demo, formateur, jeton_api, paiement, reference};
use chorus_web::{AppState, adresse, app};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "chorus-sandbox", version, about = "Simulateur d'entraînement au portail Chorus Pro")]
struct Cli {
    #[command(subcommand)]
    commande: Commande,
}

#[derive(Subcommand)]
enum Commande {
    /// Démarre le simulateur (données de démonstration chargées au premier démarrage).
    Serve {
        /// Adresse d'écoute (port 0 : un port libre est choisi et affiché).
        #[arg(long, env = "CHORUS_ADDR", default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// Dossier des données (base SQLite).
        #[arg(long, env = "CHORUS_DATA", default_value = "./data")]
        data: PathBuf,
        /// Jeton (bearer) accepté par l'API de simulation au nom du premier formateur (le plus
        /// ancien, celui que `serve` crée sur un dossier de données vide), pour automatiser la
        /// préparation des bacs à sable.
        #[arg(long = "trainer-token", env = "CHORUS_TRAINER_TOKEN", hide_env_values = true)]
        jeton_formateur: Option<String>,
        /// L'adresse du simulateur telle que les postes de la salle l'ouvrent (par exemple
        /// http://192.168.1.20:8080) : le lien et le QR code pour rejoindre une classe en
        /// viennent. Sans elle, écoutant sur toutes les interfaces (--addr 0.0.0.0:8080), la
        /// console propose les adresses de la machine sur le réseau local.
        #[arg(long = "public-url", env = "CHORUS_PUBLIC_URL")]
        adresse_publique: Option<String>,
        /// Fait partir l'horloge du serveur de cet instant (AAAA-MM-JJTHH:MM:SSZ), pour une
        /// démonstration ou un test un jour de formation donné ; le temps passe ensuite.
        #[arg(long, hide = true, env = "CHORUS_MAINTENANT")]
        maintenant: Option<String>,
        /// Dossier des scénarios d'exercice (*.toml), relus dès qu'un fichier change ; par
        /// défaut `fixtures/scenarios` s'il existe, sinon les scénarios livrés dans le binaire.
        #[arg(long, env = "CHORUS_SCENARIOS")]
        scenarios: Option<PathBuf>,
        /// Dossier des quiz (*.toml), relus dès qu'un fichier change ; par défaut
        /// `fixtures/quiz` s'il existe, sinon les quiz livrés dans le binaire.
        #[arg(long, env = "CHORUS_QUIZ")]
        quiz: Option<PathBuf>,
        /// Dossier des leçons (*.toml), relues dès qu'un fichier change ; par défaut
        /// `fixtures/cours` s'il existe, sinon les leçons livrées dans le binaire.
        #[arg(long, env = "CHORUS_COURS")]
        cours: Option<PathBuf>,
        /// Place maximale des fichiers d'un bac à sable (PDF déposés, pièces jointes), en Mo :
        /// au-delà, un envoi est refusé avec un message clair.
        #[arg(long = "quota-bac-mo", env = "CHORUS_QUOTA_BAC_MO", default_value_t = 200)]
        quota_bac_mo: u64,
        /// Place à garder libre sur le disque des données, en Mo : en dessous, les envois de
        /// fichiers sont refusés (rien de ce qui est déjà enregistré n'est touché).
        #[arg(long = "reserve-disque-mo", env = "CHORUS_RESERVE_DISQUE_MO", default_value_t = 500)]
        reserve_disque_mo: u64,
        /// Durée de conservation des documents d'une classe close (feuilles d'émargement,
        /// attestations, résultats), en mois ; ensuite la classe et ses documents sont supprimés.
        #[arg(long = "conservation-mois", env = "CHORUS_CONSERVATION_MOIS", default_value_t = chorus_store::cloture::CONSERVATION_MOIS_DEFAUT)]
        conservation_mois: u32,
        /// Délai, en jours après la clôture d'une classe, avant la suppression des bacs à sable,
        /// comptes, messages et signatures de ses stagiaires.
        #[arg(long = "suppression-jours", env = "CHORUS_SUPPRESSION_JOURS", default_value_t = chorus_store::cloture::SUPPRESSION_JOURS_DEFAUT)]
        suppression_jours: u32,
    },
    /// Contrôle des fichiers de scénario.
    Scenario {
        #[command(subcommand)]
        action: ActionScenario,
    },
    /// Contrôle des fichiers de quiz.
    Quiz {
        #[command(subcommand)]
        action: ActionQuiz,
    },
    /// Contrôle des fichiers de leçon (menu « Cours »).
    Cours {
        #[command(subcommand)]
        action: ActionCours,
    },
    /// Gère les comptes des formateurs.
    Formateur {
        #[command(subcommand)]
        action: ActionFormateur,
    },
    /// Importe un export de l'annuaire Chorus Pro (fichier `;`), et si besoin le fichier des services.
    ImportAnnuaire {
        /// Le fichier de l'annuaire.
        fichier: PathBuf,
        /// Le fichier des services (IdentifiantStructure;CodeService;LibelleService;EngagementObligatoire;Actif).
        #[arg(long)]
        services: Option<PathBuf>,
        #[arg(long, env = "CHORUS_DATA", default_value = "./data")]
        data: PathBuf,
    },
    /// Copie cohérente du dossier de données dans FICHIER, même pendant que le serveur tourne
    /// (les fichiers déposés compris : ils sont dans la base).
    Backup {
        /// Le fichier de sauvegarde à créer (il ne doit pas exister).
        fichier: PathBuf,
        #[arg(long, env = "CHORUS_DATA", default_value = "./data")]
        data: PathBuf,
    },
    /// Contrôle une sauvegarde et la restaure dans un dossier de données vide (la base est
    /// mise à jour si elle vient d'une version antérieure).
    Restore {
        /// Le fichier de sauvegarde.
        fichier: PathBuf,
        /// Le dossier où la restaurer : vide ou absent.
        #[arg(long, env = "CHORUS_DATA", default_value = "./data")]
        data: PathBuf,
    },
    /// Pour l'administrateur du serveur : clôt toutes les classes terminées avant une date (par
    /// défaut aujourd'hui), comme leur formateur le ferait ; leurs documents sont gardés et les
    /// données de leurs stagiaires seront supprimées après le délai réglé sur le serveur.
    CloreClasses {
        /// AAAA-MM-JJ : les classes dont le dernier jour est avant cette date.
        #[arg(long = "terminees-avant")]
        terminees_avant: Option<String>,
        #[arg(long, env = "CHORUS_DATA", default_value = "./data")]
        data: PathBuf,
        /// Les mêmes durées que `serve` (mêmes variables d'environnement).
        #[arg(long = "conservation-mois", env = "CHORUS_CONSERVATION_MOIS", default_value_t = chorus_store::cloture::CONSERVATION_MOIS_DEFAUT)]
        conservation_mois: u32,
        #[arg(long = "suppression-jours", env = "CHORUS_SUPPRESSION_JOURS", default_value_t = chorus_store::cloture::SUPPRESSION_JOURS_DEFAUT)]
        suppression_jours: u32,
    },
    /// Consulte ou modifie la table des taux des intérêts moratoires.
    Taux {
        #[command(subcommand)]
        action: ActionTaux,
        #[arg(long, env = "CHORUS_DATA", default_value = "./data", global = true)]
        data: PathBuf,
    },
}

#[derive(Subcommand)]
enum ActionTaux {
    /// Affiche la table, semestre par semestre.
    List,
    /// Ajoute le taux d'un semestre, ou remplace celui qui y est.
    Set {
        /// Premier jour du semestre : AAAA-01-01 ou AAAA-07-01.
        #[arg(long)]
        debut: String,
        /// Taux de la BCE (opérations principales de refinancement), en %, par exemple 2.15.
        #[arg(long, allow_hyphen_values = true)]
        bce: String,
        /// Taux pas encore confirmé par la publication officielle.
        #[arg(long)]
        a_verifier: bool,
    },
}

#[derive(Subcommand)]
enum ActionScenario {
    /// Vérifie des fichiers de scénario et signale chaque erreur avec sa ligne.
    Check {
        #[arg(required = true)]
        fichiers: Vec<PathBuf>,
    },
}

#[derive(Subcommand)]
enum ActionQuiz {
    /// Vérifie des fichiers de quiz (et que deux questions n'ont pas le même identifiant) et
    /// signale chaque erreur avec sa ligne.
    Check {
        #[arg(required = true)]
        fichiers: Vec<PathBuf>,
    },
}

#[derive(Subcommand)]
enum ActionCours {
    /// Vérifie des fichiers de leçon (un seul par point du programme, exercices cités qui
    /// existent) et signale chaque erreur avec sa ligne.
    Check {
        #[arg(required = true)]
        fichiers: Vec<PathBuf>,
        /// Dossier des scénarios auxquels les leçons renvoient ; par défaut
        /// `fixtures/scenarios` s'il existe, sinon les scénarios livrés dans le binaire.
        #[arg(long, env = "CHORUS_SCENARIOS")]
        scenarios: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum ActionFormateur {
    /// Crée un formateur et affiche son mot de passe à usage unique.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long, env = "CHORUS_DATA", default_value = "./data")]
        data: PathBuf,
    },
    /// Génère un nouveau jeton personnel de l'API de simulation pour ce formateur et l'affiche
    /// (une seule fois) ; le jeton précédent cesse de fonctionner.
    Jeton {
        #[arg(long)]
        email: String,
        #[arg(long, env = "CHORUS_DATA", default_value = "./data")]
        data: PathBuf,
    },
}

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "warn,chorus_web=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let resultat = match Cli::parse().commande {
        Commande::Serve {
            addr,
            data,
            jeton_formateur,
            adresse_publique,
            maintenant,
            scenarios,
            quiz,
            cours,
            quota_bac_mo,
            reserve_disque_mo,
            conservation_mois,
            suppression_jours,
        } => {
            chorus_store::cloture::regler(conservation_mois, suppression_jours);
            chorus_store::piece_jointe::fixer_quota_par_bac(quota_bac_mo.saturating_mul(1024 * 1024));
            chorus_web::pages::pieces::garder_libre(&data, reserve_disque_mo.saturating_mul(1024 * 1024));
            let reglages = Reglages { jeton_formateur, adresse_publique, maintenant };
            servir(addr, data, reglages, Dossiers { scenarios, quiz, cours })
        }
        Commande::Scenario { action: ActionScenario::Check { fichiers } } => verifier_scenarios(&fichiers),
        Commande::Quiz { action: ActionQuiz::Check { fichiers } } => verifier_quiz(&fichiers),
        Commande::Cours { action: ActionCours::Check { fichiers, scenarios } } => {
            verifier_cours(&fichiers, scenarios)
        }
        Commande::Formateur { action: ActionFormateur::Create { email, data } } => {
            creer_formateur(&email, &data)
        }
        Commande::Formateur { action: ActionFormateur::Jeton { email, data } } => jeton_api(&email, &data),
        Commande::ImportAnnuaire { fichier, services, data } => {
            importer(&fichier, services.as_deref(), &data)
        }
        Commande::Taux { action, data } => taux(action, &data),
        Commande::CloreClasses { terminees_avant, data, conservation_mois, suppression_jours } => {
            chorus_store::cloture::regler(conservation_mois, suppression_jours);
            clore_classes(terminees_avant.as_deref(), &data)
        }
        Commande::Backup { fichier, data } => {
            chorus_store::sauvegarde::sauvegarder(&data, &fichier).map_err(|e| e.to_string()).map(|c| {
                println!(
                    "Sauvegarde écrite : {} ({} Ko, schéma {}, {} bacs à sable, {} factures), intégrité vérifiée.",
                    fichier.display(),
                    c.octets / 1024,
                    c.version_schema,
                    c.bacs,
                    c.factures
                );
            })
        }
        Commande::Restore { fichier, data } => {
            chorus_store::sauvegarde::restaurer(&fichier, &data).map_err(|e| e.to_string()).map(|c| {
                println!(
                    "Sauvegarde restaurée dans {} (schéma {}, {} bacs à sable, {} factures) : démarrez le serveur avec --data {}.",
                    data.display(),
                    c.version_schema,
                    c.bacs,
                    c.factures,
                    data.display()
                );
            })
        }
    };
    match resultat {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("Erreur : {message}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn creer_formateur(email: &str, data: &std::path::Path) -> Result<(), String> {
    let store =
        Store::ouvrir(data).map_err(|e| format!("ouverture de la base dans {} : {e}", data.display()))?;
    let (f, mot_de_passe) =
        store.ecrire(|tx| formateur::creer(tx, email, &Horloge::Systeme)).map_err(|e| e.to_string())?;
    println!("Formateur créé : {}", f.email);
    println!("Mot de passe à usage unique (à changer à la première connexion) : {mot_de_passe}");
    Ok(())
}

fn verifier_scenarios(fichiers: &[PathBuf]) -> Result<(), String> {
    let mut en_erreur = 0;
    for f in fichiers {
        let texte =
            std::fs::read_to_string(f).map_err(|e| format!("impossible de lire {} : {e}", f.display()))?;
        match chorus_domain::scenario::controler(&texte) {
            Ok(s) => {
                println!("{} : correct (« {} », {} objectif(s))", f.display(), s.titre, s.objectifs.len())
            }
            Err(defauts) => {
                en_erreur += 1;
                for d in defauts {
                    println!("{}:{}: {}", f.display(), d.ligne, d.message);
                }
            }
        }
    }
    match en_erreur {
        0 => Ok(()),
        n => Err(format!("{n} fichier(s) de scénario à corriger")),
    }
}

fn jeton_api(email: &str, data: &std::path::Path) -> Result<(), String> {
    let store =
        Store::ouvrir(data).map_err(|e| format!("ouverture de la base dans {} : {e}", data.display()))?;
    let jeton = store
        .ecrire(|tx| {
            let f = formateur::par_email(tx, email)?.ok_or(chorus_store::Erreur::Introuvable("formateur"))?;
            jeton_api::emettre(tx, &f.id, &Horloge::Systeme)
        })
        .map_err(|e| match e {
            chorus_store::Erreur::Introuvable(_) => format!(
                "aucun formateur n'a l'adresse {email} (créez-le avec : chorus-sandbox formateur create --email {email})"
            ),
            autre => autre.to_string(),
        })?;
    println!(
        "Nouveau jeton de l'API de simulation pour {email} (affiché une seule fois ; le précédent ne fonctionne plus) :"
    );
    println!("{jeton}");
    Ok(())
}

fn verifier_quiz(fichiers: &[PathBuf]) -> Result<(), String> {
    let mut textes = Vec::with_capacity(fichiers.len());
    for f in fichiers {
        let texte =
            std::fs::read_to_string(f).map_err(|e| format!("impossible de lire {} : {e}", f.display()))?;
        textes.push((f.display().to_string(), texte));
    }
    let (questions, refuses) = chorus_store::quiz::controler_fichiers(textes);
    for r in refuses.iter() {
        for d in &r.defauts {
            println!("{}:{}: {}", r.fichier, d.ligne, d.message);
        }
    }
    let corrects = fichiers.len() - refuses.len();
    println!("{corrects} fichier(s) de quiz correct(s), {} question(s)", questions.len());
    match refuses.len() {
        0 => Ok(()),
        n => Err(format!("{n} fichier(s) de quiz à corriger")),
    }
}

fn verifier_cours(fichiers: &[PathBuf], scenarios: Option<PathBuf>) -> Result<(), String> {
    let mut textes = Vec::with_capacity(fichiers.len());
    for f in fichiers {
        let texte =
            std::fs::read_to_string(f).map_err(|e| format!("impossible de lire {} : {e}", f.display()))?;
        textes.push((f.display().to_string(), texte));
    }
    let catalogue = match dossier_de_contenu(scenarios, "fixtures/scenarios", "scénarios")? {
        Some(d) => Catalogue::depuis_dossier(&d),
        None => Catalogue::livre(),
    };
    let scenarios = catalogue.scenarios();
    let ids: Vec<&str> = scenarios.iter().map(|s| s.id.as_str()).collect();
    let (lecons, refuses) = chorus_store::cours::controler_fichiers(textes.clone());
    let mut en_erreur = refuses.len();
    for r in refuses.iter() {
        for d in &r.defauts {
            println!("{}:{}: {}", r.fichier, d.ligne, d.message);
        }
    }
    for l in &lecons {
        let inconnus = chorus_store::cours::exercices_inconnus(l, &ids);
        if !inconnus.is_empty() {
            en_erreur += 1;
            // Le fichier de la leçon et la ligne de sa clé « exercices ».
            let (fichier, texte) = textes
                .iter()
                .find(|(_, t)| chorus_domain::cours::controler(t).is_ok_and(|x| x.item == l.item))
                .map_or(("?", ""), |(f, t)| (f.as_str(), t.as_str()));
            let ligne =
                texte.lines().position(|x| x.trim_start().starts_with("exercices")).map_or(1, |i| i + 1);
            println!("{fichier}:{ligne}: exercice(s) inconnu(s) : {}", inconnus.join(", "));
        } else {
            let a_revoir = l
                .plus_ancienne_verification()
                .map(|d| format!(", fait daté le plus ancien : {}", d.format("%d/%m/%Y")))
                .unwrap_or_default();
            println!(
                "{} : correcte (« {} », {} mots, {} min annoncées{a_revoir})",
                l.item.code(),
                l.titre,
                l.mots(),
                l.duree_minutes
            );
        }
    }
    match en_erreur {
        0 => Ok(()),
        n => Err(format!("{n} fichier(s) de leçon à corriger")),
    }
}

/// Les dossiers de contenu relus à chaud ; à défaut, ceux de `fixtures/` s'ils existent.
struct Dossiers {
    scenarios: Option<PathBuf>,
    quiz: Option<PathBuf>,
    cours: Option<PathBuf>,
}

/// Le dossier donné (qui doit exister), sinon celui par défaut s'il existe.
fn dossier_de_contenu(donne: Option<PathBuf>, defaut: &str, quoi: &str) -> Result<Option<PathBuf>, String> {
    match donne {
        Some(d) if !d.is_dir() => Err(format!("le dossier des {quoi} {} n'existe pas", d.display())),
        Some(d) => Ok(Some(d)),
        None => Ok(Some(PathBuf::from(defaut)).filter(|d| d.is_dir())),
    }
}

/// Les réglages de `serve` au-delà de l'adresse, des données et des dossiers de contenu.
struct Reglages {
    jeton_formateur: Option<String>,
    adresse_publique: Option<String>,
    maintenant: Option<String>,
}

fn servir(addr: SocketAddr, data: PathBuf, reglages: Reglages, dossiers: Dossiers) -> Result<(), String> {
    let Reglages { jeton_formateur, adresse_publique, maintenant } = reglages;
    let adresse_publique = adresse_publique
        .filter(|a| !a.trim().is_empty())
        .map(|a| adresse::lire_adresse_publique(&a))
        .transpose()?;
    let horloge = match maintenant.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
        None => Horloge::Systeme,
        Some(m) => Horloge::a_partir_de(
            chrono::DateTime::parse_from_rfc3339(m)
                .map_err(|_| format!("« {m} » : écrivez l'instant de départ AAAA-MM-JJTHH:MM:SSZ"))?
                .to_utc(),
        ),
    };
    let store =
        Store::ouvrir(&data).map_err(|e| format!("ouverture de la base dans {} : {e}", data.display()))?;
    demo::initialiser(&store, &horloge).map_err(|e| format!("données de démonstration : {e}"))?;
    let comptes = demo::comptes(&store).map_err(|e| e.to_string())?;
    let premier_formateur = store
        .ecrire(|tx| formateur::creer_premier(tx, &horloge))
        .map_err(|e| format!("premier formateur : {e}"))?;
    if jeton_formateur.as_ref().is_some_and(|j| j.trim().len() < 16) {
        return Err("le jeton formateur (--trainer-token) doit compter au moins 16 caractères".into());
    }
    // Les tâches bloquantes (lectures SQLite, mots de passe à hacher) ont un réservoir borné :
    // quatre connexions de lecture ne servent pas plus de lectures à la fois, et chaque fil de
    // plus garde sa mémoire (pile, tas de l'allocateur). Au-delà, les tâches attendent leur tour
    // dans la file de tokio, sans fil. Les fils inoccupés restent une minute plutôt que dix
    // secondes : une classe qui travaille par vagues ne les recrée pas à chaque vague.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(16)
        .thread_keep_alive(std::time::Duration::from_secs(60))
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async move {
        let ecoute = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| format!("impossible d'écouter sur {addr} : {e} (le port est-il déjà pris ? essayez --addr 127.0.0.1:8081)"))?;
        let adresse = ecoute.local_addr().map_err(|e| e.to_string())?;
        let adresses = adresse::adresses(adresse, adresse_publique, &adresse::interfaces_de_la_machine());
        println!("Simulateur prêt : http://{adresse}/");
        if let Some(p) = &adresses.publique {
            println!("Adresse pour la salle : {p}/");
        } else if adresse.ip().is_unspecified() {
            println!("Adresses pour la salle (réseau local) : {}", adresses.locales.join(", "));
        }
        println!("Données : {}", store.chemin().display());
        if !comptes.is_empty() {
            println!("Comptes de démonstration (mot de passe : {}) :", demo::MOT_DE_PASSE_DEMO);
            for c in &comptes {
                println!("  {} — {}", c.identifiant, c.structure);
            }
        }
        if let Some((f, mot_de_passe)) = &premier_formateur {
            println!("Console du formateur : http://{adresse}/formateur");
            println!("  {} — mot de passe à usage unique : {mot_de_passe} (affiché une seule fois)", f.email);
        }
        let mut etat = AppState::new(store, horloge);
        etat.config.jeton_formateur = jeton_formateur.map(|j| j.trim().to_string());
        etat.config.adresses = adresses;
        if let Some(d) = dossier_de_contenu(dossiers.scenarios, "fixtures/scenarios", "scénarios")? {
            println!("Scénarios : {} (relus à chaque modification)", d.display());
            etat.catalogue = std::sync::Arc::new(Catalogue::depuis_dossier(&d));
        }
        if let Some(d) = dossier_de_contenu(dossiers.quiz, "fixtures/quiz", "quiz")? {
            println!("Quiz : {} (relus à chaque modification)", d.display());
            etat.quiz = std::sync::Arc::new(CatalogueQuiz::depuis_dossier(&d));
        }
        if let Some(d) = dossier_de_contenu(dossiers.cours, "fixtures/cours", "leçons")? {
            println!("Cours : {} (relus à chaque modification)", d.display());
            etat.cours = std::sync::Arc::new(CatalogueCours::depuis_dossier(&d));
        }
        tokio::spawn(chorus_web::entretien::entretenir(etat.clone()));
        tokio::spawn(chorus_web::entretien::traiter_les_flux(etat.clone()));
        let routeur = app(etat);
        axum::serve(ecoute, routeur.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(arret())
            .await
            .map_err(|e| e.to_string())
    })
}

/// Ctrl-C ou SIGTERM : on termine les requêtes en cours puis on s'arrête.
async fn arret() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminer = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminer = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminer => {} }
}

fn importer(
    fichier: &std::path::Path,
    services: Option<&std::path::Path>,
    data: &std::path::Path,
) -> Result<(), String> {
    let store =
        Store::ouvrir(data).map_err(|e| format!("ouverture de la base dans {} : {e}", data.display()))?;
    let ouvrir = |p: &std::path::Path| {
        std::fs::File::open(p)
            .map(std::io::BufReader::new)
            .map_err(|e| format!("impossible de lire {} : {e}", p.display()))
    };
    let debut = Instant::now();
    let source = ouvrir(fichier)?;
    let source_services = services.map(ouvrir).transpose()?;
    // Une seule transaction : le serveur en marche voit l'ancien annuaire, puis le nouveau.
    let r = store
        .ecrire(|tx| {
            reference::remplacer_annuaire(tx, source, source_services, &demo::identifiants_de_formation())
        })
        .map_err(|e| e.to_string())?;
    afficher_rapport("Annuaire", &r.annuaire, debut.elapsed());
    if let Some(s) = &r.services {
        afficher_rapport("Services", s, debut.elapsed());
    }
    if r.retirees > 0 {
        println!(
            "{} structure(s) absente(s) du nouvel export retirée(s) (l'annuaire de formation est gardé).",
            r.retirees
        );
    } else if r.annuaire.nombre_erreurs > 0 {
        println!("Des lignes ont été refusées : aucune structure n'a été retirée.");
    }
    Ok(())
}

fn afficher_rapport(quoi: &str, r: &reference::RapportImport, duree: std::time::Duration) {
    println!(
        "{quoi} : {} ligne(s) lue(s), {} importée(s), {} refusée(s), en {:.2} s.",
        r.lignes_lues,
        r.importees,
        r.nombre_erreurs,
        duree.as_secs_f64()
    );
    for (ligne, message) in &r.erreurs {
        println!("  ligne {ligne} : {message}");
    }
    if r.nombre_erreurs > r.erreurs.len() {
        println!("  … et {} autre(s).", r.nombre_erreurs - r.erreurs.len());
    }
}

fn taux(action: ActionTaux, data: &std::path::Path) -> Result<(), String> {
    let store =
        Store::ouvrir(data).map_err(|e| format!("ouverture de la base dans {} : {e}", data.display()))?;
    // Une base neuve reçoit d'abord la table livrée : un taux ajouté ne la remplace pas.
    demo::initialiser(&store, &Horloge::Systeme).map_err(|e| format!("données de démonstration : {e}"))?;
    if let ActionTaux::Set { debut, bce, a_verifier } = action {
        let debut = chrono::NaiveDate::parse_from_str(debut.trim(), "%Y-%m-%d").map_err(|_| {
            format!("« {debut} » n'est pas une date : écrivez-la AAAA-MM-JJ, par exemple 2026-07-01.")
        })?;
        let mut t = delai_paiement::lire_taux(debut, &bce).map_err(|e| e.to_string())?;
        t.a_verifier = a_verifier;
        store.ecrire(|tx| paiement::definir_taux(tx, &t)).map_err(|e| e.to_string())?;
        println!("Taux du semestre commençant le {} enregistré.", debut.format("%d/%m/%Y"));
    }
    let table = store.lire(paiement::lister_taux).map_err(|e| e.to_string())?;
    println!("Semestre    Taux BCE  Intérêts moratoires (BCE + 8 points)");
    for t in &table {
        let interets =
            t.taux_interets().map_or_else(|| "—".to_string(), |v| format!("{} %", format_nombre(v, 2)));
        let statut = if t.a_verifier { "  (à vérifier)" } else { "" };
        println!("{}  {:>6} %  {interets}{statut}", t.debut, format_nombre(t.taux_bce, 2));
    }
    Ok(())
}

fn clore_classes(avant: Option<&str>, data: &std::path::Path) -> Result<(), String> {
    let avant = match avant.map(str::trim).filter(|a| !a.is_empty()) {
        Some(a) => chrono::NaiveDate::parse_from_str(a, "%Y-%m-%d")
            .map_err(|_| format!("« {a} » n'est pas une date : écrivez-la AAAA-MM-JJ."))?,
        None => Horloge::Systeme.aujourd_hui(),
    };
    let store =
        Store::ouvrir(data).map_err(|e| format!("ouverture de la base dans {} : {e}", data.display()))?;
    let classes =
        store.lire(|c| chorus_store::cloture::classes_a_clore(c, avant)).map_err(|e| e.to_string())?;
    for (formateur, classe, titre) in &classes {
        let documents = store
            .lire(|c| chorus_store::cloture::preparer(c, formateur, classe, &Horloge::Systeme))
            .map_err(|e| format!("{titre} : {e}"))?;
        let clos = store
            .ecrire(|tx| chorus_store::cloture::clore(tx, formateur, documents, &Horloge::Systeme))
            .map_err(|e| format!("{titre} : {e}"))?;
        println!(
            "Classe close : {titre} — données des stagiaires supprimées le {}, documents gardés jusqu'au {}.",
            clos.suppression_le.format("%d/%m/%Y"),
            clos.conserver_jusqu_au.format("%d/%m/%Y")
        );
    }
    println!("{} classe(s) close(s).", classes.len());
    Ok(())
}
