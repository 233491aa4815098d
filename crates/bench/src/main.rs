//! chorus-bench, the « classe virtuelle »: a class of trainees hitting one simulator.
//!
//! Starts a release chorus-sandbox on loopback (or uses `--url`), fills formation1's
//! sandbox with invoices, then measures `GET /healthz` (the floor: routing and HTTP only)
//! and `GET /factures-emises` (the busiest page of a class) under concurrent clients,
//! and prints a Markdown report for docs/benchmarks.md.
//!
//! Two more modes go through the trainer's console with a class of `--clients` trainees:
//! `--mode reinitialisation` times the reset of one trainee and of the whole class (p50/p99
//! over `--repetitions` runs), `--mode suivi` loads the class's live follow-up page and its
//! event stream while every trainee submits invoices.
//!
//! ```text
//! cargo build --release -p chorus-web -p chorus-bench && target/release/chorus-bench
//! target/release/chorus-bench --mode reinitialisation
//! target/release/chorus-bench --mode suivi --duree 10
//! target/release/chorus-bench --mode travaux --factures 200 --clients 30 --duree 5
//! target/release/chorus-bench --mode ecritures --clients 32 --duree 10
//! target/release/chorus-bench --mode classe --clients 300 --duree 600
//! target/release/chorus-bench --mode flux --duree 5
//! target/release/chorus-bench --mode piste --clients 50 --duree 10
//! ```

mod amorcage;
mod annee;
mod annuaire;
mod charge;
mod console;
mod ecritures;
mod flux;
mod http;
mod piste;
mod rapport;
mod serveur;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, ValueEnum};

use crate::http::Session;
use crate::serveur::Serveur;

const IDENTIFIANT: &str = "formation1@exemple.fr";
const MOT_DE_PASSE: &str = "Formation-2026";

#[derive(Parser)]
#[command(name = "chorus-bench", about = "Classe virtuelle : mesure du simulateur sous charge")]
struct Options {
    /// Binaire chorus-sandbox à lancer (par défaut : celui posé à côté de chorus-bench).
    #[arg(long)]
    serveur: Option<PathBuf>,
    /// Nombre de clients simultanés.
    #[arg(long, default_value_t = 30)]
    clients: usize,
    /// Durée de chaque mesure, en secondes.
    #[arg(long, default_value_t = 10)]
    duree: u64,
    /// Nombre de factures dans le bac à sable mesuré.
    #[arg(long, default_value_t = 500)]
    factures: usize,
    /// URL d'un simulateur déjà lancé (le bac à sable de formation1 y sera réinitialisé).
    #[arg(long)]
    url: Option<String>,
    /// Ce qui est mesuré.
    #[arg(long, value_enum, default_value_t = Mode::Pages)]
    mode: Mode,
    /// Mode pages : la page mesurée à la place de /factures-emises (« facture » : la page de
    /// la première facture créée), pour profiler une page précise.
    #[arg(long)]
    page: Option<String>,
    /// Réinitialisations mesurées (mode reinitialisation), pour un stagiaire puis pour la classe.
    #[arg(long, default_value_t = 30)]
    repetitions: usize,
    /// Factures redonnées à chaque bac avant chaque réinitialisation.
    #[arg(long, default_value_t = 5)]
    factures_par_stagiaire: usize,
    /// Classes de l'année (mode annee).
    #[arg(long, default_value_t = 100)]
    classes: usize,
    /// Stagiaires par classe (mode annee).
    #[arg(long, default_value_t = 12)]
    stagiaires: usize,
    /// Structures de l'annuaire fictif importé (mode annuaire).
    #[arg(long, default_value_t = 300_000)]
    structures: usize,
    /// Clients qui rechargent la page de suivi (mode suivi).
    #[arg(long, default_value_t = 1)]
    tableaux: usize,
    /// Formateur (avec --url) : adresse et mot de passe ; sinon, le premier formateur du serveur lancé ici.
    #[arg(long, requires = "mot_de_passe_formateur")]
    formateur: Option<String>,
    #[arg(long)]
    mot_de_passe_formateur: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Mode {
    /// GET /healthz et GET /factures-emises sous charge (classe virtuelle d'origine).
    Pages,
    /// Réinitialisation d'un stagiaire et d'une classe par la console.
    Reinitialisation,
    /// Page de suivi et flux d'événements pendant que la classe saisit.
    Suivi,
    /// Les pages des factures de travaux (synthèse, dossier, dossier vu par la MOE jouée).
    Travaux,
    /// Les écritures d'une classe : saisies simultanées, lecture d'une facture, PDF piégé.
    Ecritures,
    /// Une classe virtuelle qui suit des parcours réalistes, deux fois --duree ; la mémoire du serveur.
    Classe,
    /// Lecture et contrôle des factures structurées du corpus, sans serveur (factures/s).
    Flux,
    /// Un connecteur d'ERP : `factures/v1/soumettre` de l'API Chorus Pro, `--clients` appels simultanés.
    Piste,
    /// La recherche dans un annuaire de `--structures` structures, importé serveur en marche.
    Annuaire,
    /// Une année de classes sur un dossier : les pages d'un stagiaire, rapportées à un serveur neuf.
    Annee,
}

#[tokio::main]
async fn main() -> ExitCode {
    let options = Options::parse();
    match executer(&options).await {
        Ok(0) => ExitCode::SUCCESS,
        Ok(erreurs) => {
            eprintln!("\n{erreurs} réponse(s) en erreur : la mesure n'est pas valable.");
            ExitCode::FAILURE
        }
        Err(message) => {
            eprintln!("chorus-bench : {message}");
            ExitCode::FAILURE
        }
    }
}

/// The whole run; returns the number of failed requests of the measured phases.
async fn executer(options: &Options) -> Result<usize, String> {
    if options.clients == 0 || options.duree == 0 {
        return Err("--clients et --duree doivent être au moins 1".to_string());
    }
    if options.mode == Mode::Flux {
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
        let m = flux::mesurer(&corpus, Duration::from_secs(options.duree))?;
        println!("## Lecture des flux structurés (chorus-bench --mode flux)\n");
        println!(
            "- Corpus : {} fichiers ({} Ko), lus puis analysés comme une saisie, {} s par mesure\n",
            m.fichiers,
            m.octets / 1024,
            options.duree
        );
        println!("| Fils | Factures/s |\n| ---: | ---: |");
        println!("| 1 | {:.0} |\n| {} | {:.0} |", m.un_fil, m.fils, m.tous_les_fils);
        return Ok(0);
    }
    if options.mode == Mode::Annee {
        return executer_annee(options).await;
    }
    // Kept alive until the end: dropping it kills the server, even on an early error.
    let (serveur, url, description) = cible(options).await?;
    if options.mode == Mode::Piste {
        let duree = Duration::from_secs(options.duree);
        eprintln!(
            "API Chorus Pro : soumettre, {} clients ({} s par mesure)…",
            options.clients, options.duree
        );
        let p = piste::mesurer(&url, options.clients, duree).await?;
        println!();
        rapport::imprimer_piste(&description, options.clients, duree, &p);
        if let Some(serveur) = serveur {
            serveur.arreter().await;
        }
        return Ok(p.sante.erreurs + p.soumettre.erreurs);
    }
    if options.mode == Mode::Annuaire {
        let Some(serveur) = serveur else {
            return Err("--mode annuaire importe dans le dossier du serveur qu'il lance : sans --url".into());
        };
        let binaire = match &options.serveur {
            Some(chemin) => chemin.clone(),
            None => serveur::binaire_par_defaut()?,
        };
        let mut session = Session::new(&url);
        session.connecter(IDENTIFIANT, MOT_DE_PASSE).await?;
        let duree = Duration::from_secs(options.duree);
        let a = annuaire::mesurer(
            &binaire,
            serveur.donnees(),
            &mut session,
            options.structures,
            options.clients,
            duree,
        )
        .await?;
        println!();
        rapport::imprimer_annuaire(&description, options.clients, duree, &a);
        serveur.arreter().await;
        return Ok(a.mesures.iter().map(|m| m.seul.erreurs + m.ensemble.erreurs).sum());
    }
    if options.mode == Mode::Travaux {
        let erreurs = executer_travaux(options, &url, description).await?;
        if let Some(serveur) = serveur {
            serveur.arreter().await;
        }
        return Ok(erreurs);
    }
    if options.mode != Mode::Pages {
        let erreurs = executer_console(options, serveur.as_ref(), &url, description).await?;
        if let Some(serveur) = serveur {
            serveur.arreter().await;
        }
        return Ok(erreurs);
    }

    let mut session = Session::new(&url);
    session.connecter(IDENTIFIANT, MOT_DE_PASSE).await?;
    amorcage::reinitialiser(&mut session).await?;
    eprintln!("Création de {} factures…", options.factures);
    let amorcage = amorcage::creer_factures(&mut session, options.factures).await?;
    verifier_liste(&mut session, options.factures).await?;

    let cookie = session.entete_cookie().ok_or("pas de cookie de session après la connexion")?;
    let sante = session.url("/healthz");
    let page = match options.page.as_deref() {
        None => session.url("/factures-emises"),
        Some("facture") => {
            let liste = session.get("/factures-emises?numero=B-0001").await?;
            let chemin = liste
                .corps
                .split("href=\"")
                .filter_map(|m| m.split('"').next())
                .find(|c| c.strip_prefix("/factures-emises/").is_some_and(|id| id.len() == 36))
                .ok_or("facture B-0001 introuvable")?
                .to_string();
            session.url(&chemin)
        }
        Some(chemin) => session.url(chemin),
    };
    let duree = Duration::from_secs(options.duree);

    // Warm-up: opens the connections and fills the server's caches and SQLite's page
    // cache, so that the first measured second is not a cold start.
    eprintln!("Échauffement…");
    let echauffement = duree.min(Duration::from_secs(2));
    charge::mesurer(&sante, None, options.clients, echauffement).await;
    charge::mesurer(&page, Some(&cookie), options.clients, echauffement).await;

    eprintln!("Mesure de GET /healthz ({} s)…", options.duree);
    let m_sante = charge::mesurer(&sante, None, options.clients, duree).await;
    eprintln!("Mesure de GET /factures-emises ({} s)…", options.duree);
    let m_page = charge::mesurer(&page, Some(&cookie), options.clients, duree).await;

    let contexte = rapport::Contexte {
        clients: options.clients,
        duree,
        factures: options.factures,
        serveur: description,
    };
    println!();
    rapport::imprimer(&contexte, &amorcage, &m_sante, &m_page);

    if let Some(serveur) = serveur {
        serveur.arreter().await;
    }
    Ok(m_sante.erreurs + m_page.erreurs)
}

/// A year of classes: the same trainee pages on a fresh server (formation1 with `--factures`
/// invoices) and on a data folder holding `--classes` × `--stagiaires` sandboxes of
/// `--factures` invoices each.
async fn executer_annee(options: &Options) -> Result<usize, String> {
    let binaire = match &options.serveur {
        Some(chemin) => chemin.clone(),
        None => serveur::binaire_par_defaut()?,
    };
    let duree = Duration::from_secs(options.duree);
    eprintln!("Serveur neuf : {} factures pour formation1…", options.factures);
    let neuf = Serveur::demarrer(&binaire).await?;
    let mut session = Session::new(&neuf.url);
    session.connecter(IDENTIFIANT, MOT_DE_PASSE).await?;
    amorcage::creer_factures(&mut session, options.factures).await?;
    let pages = annee::pages(&mut session).await?;
    let mut frais = annee::mesurer(&mut session, &pages, options.clients, duree).await?;
    // The trainer's console: a class of as many trainees, each with as many invoices.
    let (email, mot_de_passe) = neuf.premier_formateur().await?;
    let formateur = console::connecter(&neuf.url, &email, &mot_de_passe).await?;
    let mut classe = console::preparer(&neuf.url, formateur, options.stagiaires).await?;
    let tous: Vec<usize> = (0..options.stagiaires).collect();
    console::remplir(&mut classe, &tous, options.factures, 0).await?;
    let mut formateur = classe.formateur;
    let pages_console = annee::pages_console(&classe.id);
    frais.extend(annee::mesurer(&mut formateur, &pages_console, options.clients, duree).await?);
    let recherche =
        r#"{"rechercheFactureParFournisseur": {"nbResultatsParPage": 10, "pageResultatDemandee": 1}}"#;
    let appel = ("factures/v1/rechercher/fournisseur", recherche);
    let demo = (
        "demo-formation1",
        "demo-secret-formation1",
        "TECH_92391234900068@cpro.exemple:Raccordement-API-2026",
    );
    frais.push(piste::mesurer_appel(&neuf.url, demo, appel.0, appel.1, options.clients, duree).await?);
    neuf.arreter().await;

    let dossier = tempfile::tempdir().map_err(|e| e.to_string())?;
    eprintln!(
        "Une année : {} classes de {} stagiaires, {} factures chacun…",
        options.classes, options.stagiaires, options.factures
    );
    let a = annee::peupler(dossier.path(), options.classes, options.stagiaires, options.factures)?;
    let serveur = Serveur::demarrer_dans(&binaire, dossier).await?;
    let mut session = Session::new(&serveur.url);
    session.connecter(&a.identifiant, &a.mot_de_passe).await?;
    let pages_annee = annee::pages(&mut session).await?;
    let mut annee_mesures = annee::mesurer(&mut session, &pages_annee, options.clients, duree).await?;
    let mut formateur = console::connecter(&serveur.url, &a.formateur.0, &a.formateur.1).await?;
    annee_mesures.extend(
        annee::mesurer(&mut formateur, &annee::pages_console(&a.derniere_classe), options.clients, duree)
            .await?,
    );
    let stagiaire = (annee::CLIENT_ID, annee::CLIENT_SECRET, a.compte_technique.as_str());
    annee_mesures
        .push(piste::mesurer_appel(&serveur.url, stagiaire, appel.0, appel.1, options.clients, duree).await?);
    serveur.arreter().await;
    let mut noms = pages;
    noms.extend(pages_console);
    noms.push(("API : rechercher/fournisseur".into(), appel.0.into()));
    println!();
    rapport::imprimer_annee(options.clients, duree, &a, &noms, &frais, &annee_mesures);
    Ok(frais.iter().chain(&annee_mesures).map(|m| m.erreurs).sum())
}

/// The works pages: formation1's sandbox with `--factures` works dossiers, then each page
/// under `--clients` concurrent readers.
async fn executer_travaux(options: &Options, url: &str, description: String) -> Result<usize, String> {
    let mut session = Session::new(url);
    session.connecter(IDENTIFIANT, MOT_DE_PASSE).await?;
    amorcage::reinitialiser(&mut session).await?;
    eprintln!("Dépôt de {} projets de décompte…", options.factures);
    let (amorcage, dernier) = amorcage::creer_dossiers_travaux(&mut session, options.factures).await?;
    let cookie = session.entete_cookie().ok_or("pas de cookie de session après la connexion")?;
    let duree = Duration::from_secs(options.duree);
    let pages = [
        ("GET /factures-de-travaux (synthèse)".to_string(), "/factures-de-travaux".to_string()),
        ("GET /factures-de-travaux/{id} (dossier)".to_string(), format!("/factures-de-travaux/{dernier}")),
        (
            "GET /moe/{siret}/dossiers/{id} (MOE jouée)".to_string(),
            format!("/moe/{}/dossiers/{dernier}", amorcage::MOE),
        ),
    ];
    let mut mesures = Vec::new();
    for (nom, chemin) in &pages {
        let r = session.get(chemin).await?;
        if r.statut != hyper::StatusCode::OK {
            return Err(format!("{chemin} : {} {}", r.statut, r.extrait()));
        }
        let url = session.url(chemin);
        charge::mesurer(&url, Some(&cookie), options.clients, duree.min(Duration::from_secs(2))).await;
        eprintln!("Mesure de {nom} ({} s)…", options.duree);
        mesures.push((nom.clone(), charge::mesurer(&url, Some(&cookie), options.clients, duree).await));
    }
    let contexte = rapport::Contexte {
        clients: options.clients,
        duree,
        factures: options.factures,
        serveur: description,
    };
    println!();
    rapport::imprimer_travaux(&contexte, &amorcage, &mesures);
    Ok(mesures.iter().map(|(_, m)| m.erreurs).sum())
}

/// The console modes: a class of `--clients` trainees, then the chosen measure.
async fn executer_console(
    options: &Options,
    serveur: Option<&Serveur>,
    url: &str,
    description: String,
) -> Result<usize, String> {
    let (email, mot_de_passe) = match (&options.formateur, &options.mot_de_passe_formateur, serveur) {
        (Some(e), Some(m), _) => (e.clone(), m.clone()),
        (_, _, Some(s)) => s.premier_formateur().await?,
        _ => return Err("avec --url, donner --formateur et --mot-de-passe-formateur".to_string()),
    };
    let formateur = console::connecter(url, &email, &mot_de_passe).await?;
    eprintln!("Classe de {} stagiaires…", options.clients);
    // Une classe compte 60 stagiaires au plus : au-delà, plusieurs classes du même formateur.
    let premiere = options.clients.min(60);
    let mut classe = console::preparer(url, formateur, premiere).await?;
    let mut reste = options.clients - premiere;
    while reste > 0 {
        let n = reste.min(60);
        let formateur = std::mem::replace(&mut classe.formateur, Session::new(url));
        let autre = console::preparer(url, formateur, n).await?;
        classe.formateur = autre.formateur;
        classe.stagiaires.extend(autre.stagiaires);
        reste -= n;
    }
    let contexte = rapport::ContexteConsole { stagiaires: options.clients, serveur: description };
    println!();
    match options.mode {
        Mode::Ecritures => {
            let duree = Duration::from_secs(options.duree);
            eprintln!("Écritures de {} stagiaires ({} s par mesure)…", options.clients, options.duree);
            let e = ecritures::mesurer(classe, duree).await?;
            rapport::imprimer_ecritures(&contexte, duree, &e);
            Ok(e.sante.erreurs
                + e.saisies.erreurs
                + e.lecture.erreurs
                + e.saisies_sous_piege.erreurs
                + e.pieges.erreurs)
        }
        Mode::Classe => {
            let duree = Duration::from_secs(options.duree);
            let pid = serveur.and_then(Serveur::pid).unwrap_or(0);
            let mut tours = Vec::new();
            let mut stagiaires = classe.stagiaires;
            for tour in 1..=2 {
                eprintln!("Classe virtuelle, tour {tour} ({} s)…", options.duree);
                let (p, rendus) = ecritures::parcourir(stagiaires, duree, pid, tour).await?;
                stagiaires = rendus;
                tours.push(p);
            }
            rapport::imprimer_classe(&contexte, duree, &tours);
            Ok(tours.iter().map(|t| t.requetes.erreurs).sum())
        }
        Mode::Reinitialisation => {
            eprintln!("Réinitialisations ({} par cas)…", options.repetitions);
            let (n, f) = (options.repetitions, options.factures_par_stagiaire);
            let seul = console::reinitialiser(&mut classe, true, n, f).await?;
            let classe_entiere = console::reinitialiser(&mut classe, false, n, f).await?;
            rapport::imprimer_reinitialisations(&contexte, f, &seul, &classe_entiere);
            Ok(seul.http.erreurs + classe_entiere.http.erreurs)
        }
        _ => {
            let duree = Duration::from_secs(options.duree);
            eprintln!("Suivi en direct pendant que la classe saisit ({} s)…", options.duree);
            let s = console::suivre(classe, options.tableaux, duree).await?;
            rapport::imprimer_suivi(&contexte, options.tableaux, duree, &s);
            Ok(s.page.erreurs + s.saisies.erreurs)
        }
    }
}

/// The server to measure: the one given by `--url`, or a fresh one started here.
async fn cible(options: &Options) -> Result<(Option<Serveur>, String, String), String> {
    if let Some(url) = &options.url {
        eprintln!("Simulateur existant {url} : le bac à sable de {IDENTIFIANT} va être réinitialisé.");
        return Ok((None, url.clone(), format!("déjà lancé, {url}")));
    }
    let binaire = match &options.serveur {
        Some(chemin) => chemin.clone(),
        None => serveur::binaire_par_defaut()?,
    };
    if !binaire.is_file() {
        return Err(format!(
            "{} introuvable : lancer `cargo build --release -p chorus-web -p chorus-bench` ou passer --serveur",
            binaire.display()
        ));
    }
    eprintln!("Démarrage de {}…", binaire.display());
    let serveur = Serveur::demarrer(&binaire).await?;
    let url = serveur.url.clone();
    let description = format!("{} sur {url}, données neuves", binaire.display());
    Ok((Some(serveur), url, description))
}

/// Checks, before measuring, that the page really lists the seeded invoices: measuring an
/// empty list or a login redirect would give flattering and meaningless figures.
async fn verifier_liste(session: &mut Session, factures: usize) -> Result<(), String> {
    let r = session.get("/factures-emises").await?;
    if r.statut != hyper::StatusCode::OK {
        return Err(format!("GET /factures-emises : {} {}", r.statut, r.extrait()));
    }
    // Page 1 holds the first or the last numbers, depending on the sort order.
    let premiere = "B-0001";
    let derniere = format!("B-{factures:04}");
    if factures > 0 && !r.corps.contains(premiere) && !r.corps.contains(&derniere) {
        return Err(format!("GET /factures-emises ne montre aucune des factures créées : {}", r.extrait()));
    }
    Ok(())
}
