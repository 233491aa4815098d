//! chorus-bench, the « classe virtuelle »: a class of trainees hitting one simulator.
//!
//! Starts a release chorus-sandbox on loopback (or uses `--url`), fills formation1's
//! sandbox with invoices, then measures `GET /healthz` (the floor: routing and HTTP only)
//! and `GET /factures-emises` (the busiest page of a class) under concurrent clients,
//! and prints a Markdown report for docs/benchmarks.md.
//!
//! ```text
//! cargo build --release -p chorus-web -p chorus-bench && target/release/chorus-bench
//! ```

mod amorcage;
mod charge;
mod http;
mod rapport;
mod serveur;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;

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
    // Kept alive until the end: dropping it kills the server, even on an early error.
    let (serveur, url, description) = cible(options).await?;

    let mut session = Session::new(&url);
    session.connecter(IDENTIFIANT, MOT_DE_PASSE).await?;
    amorcage::reinitialiser(&mut session).await?;
    eprintln!("Création de {} factures…", options.factures);
    let amorcage = amorcage::creer_factures(&mut session, options.factures).await?;
    verifier_liste(&mut session, options.factures).await?;

    let cookie = session.entete_cookie().ok_or("pas de cookie de session après la connexion")?;
    let sante = session.url("/healthz");
    let page = session.url("/factures-emises");
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
