//! The report, in French and in Markdown, ready to paste into docs/benchmarks.md.

use std::time::Duration;

use crate::amorcage::Amorcage;
use crate::charge::Mesure;
use crate::console::{Reinitialisations, Suivi};

pub struct Contexte {
    pub clients: usize,
    pub duree: Duration,
    pub factures: usize,
    pub serveur: String,
}

pub fn imprimer(contexte: &Contexte, amorcage: &Amorcage, sante: &Mesure, page: &Mesure) {
    println!("## Classe virtuelle (chorus-bench)\n");
    println!("- Machine : {} cœurs (nproc), {}", coeurs(), modele_cpu());
    println!("- Serveur : {}", contexte.serveur);
    println!(
        "- Charge : {} clients simultanés (connexion keep-alive chacun, sans temps de réflexion), {} s par mesure",
        contexte.clients,
        contexte.duree.as_secs()
    );
    println!(
        "- Amorçage : {} factures envoyées (1 client, à la suite) en {} s, soit {} factures/s\n",
        amorcage.factures,
        decimal(amorcage.duree.as_secs_f64(), 2),
        decimal(amorcage.par_seconde(), 1)
    );
    println!("| Mesure | Requêtes/s | p50 (ms) | p99 (ms) | erreurs |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    ligne("GET /healthz", sante);
    ligne(&format!("GET /factures-emises ({} factures)", contexte.factures), page);
    println!();
    println!(
        "- Ratio page / healthz, latence p50 : × {}",
        decimal(ratio(ms(page.percentile(0.5)), ms(sante.percentile(0.5))), 1)
    );
    println!(
        "- Ratio page / healthz, débit : {} (la page sert {} % du débit de /healthz)",
        decimal(ratio(page.par_seconde(), sante.par_seconde()), 3),
        decimal(100.0 * ratio(page.par_seconde(), sante.par_seconde()), 1)
    );
    for (nom, mesure) in [("GET /healthz", sante), ("GET /factures-emises", page)] {
        if let Some(erreur) = &mesure.premiere_erreur {
            println!("\nPremière erreur sur {nom} : {erreur}");
        }
    }
}

/// The works pages' report: seeding, then one line per page.
pub fn imprimer_travaux(contexte: &Contexte, amorcage: &Amorcage, mesures: &[(String, Mesure)]) {
    println!("## Factures de travaux (chorus-bench --mode travaux)\n");
    println!("- Machine : {} cœurs (nproc), {}", coeurs(), modele_cpu());
    println!("- Serveur : {}", contexte.serveur);
    println!(
        "- Charge : {} clients simultanés (keep-alive, sans temps de réflexion), {} s par mesure",
        contexte.clients,
        contexte.duree.as_secs()
    );
    println!(
        "- Amorçage : {} projets de décompte déposés (PDF puis formulaire, 1 client) en {} s, soit {} dépôts/s\n",
        amorcage.factures,
        decimal(amorcage.duree.as_secs_f64(), 2),
        decimal(amorcage.par_seconde(), 1)
    );
    println!("| Mesure | Requêtes/s | p50 (ms) | p99 (ms) | erreurs |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    for (nom, m) in mesures {
        ligne(nom, m);
    }
    for (nom, m) in mesures {
        if let Some(erreur) = &m.premiere_erreur {
            println!("\nPremière erreur sur {nom} : {erreur}");
        }
    }
}

/// `--mode ecritures`: each figure next to `/healthz` of the same run.
pub fn imprimer_ecritures(contexte: &ContexteConsole, duree: Duration, e: &crate::ecritures::Ecritures) {
    println!("## Écritures d'une classe (chorus-bench --mode ecritures)\n");
    println!("- Machine : {} cœurs (nproc), {}", coeurs(), modele_cpu());
    println!("- Serveur : {}", contexte.serveur);
    println!(
        "- {} stagiaires d'une classe, chacun sa connexion, sans temps de réflexion, {} s par mesure\n",
        contexte.stagiaires,
        duree.as_secs()
    );
    println!("| Mesure | Nombre/s | p50 (ms) | p99 (ms) | erreurs | / healthz |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    let base = e.sante.par_seconde();
    for (nom, m) in [
        ("GET /healthz", &e.sante),
        ("POST /factures-emises/saisir (chacun les siennes)", &e.saisies),
        ("GET /factures-emises/{id} (une facture)", &e.lecture),
        ("POST /factures-emises/saisir pendant le PDF piégé", &e.saisies_sous_piege),
        ("POST /factures-emises/deposer (PDF piégé, refusé 422)", &e.pieges),
    ] {
        ligne_et_rapport(nom, m, base);
    }
    for (nom, m) in [
        ("saisies", &e.saisies),
        ("lecture", &e.lecture),
        ("saisies sous PDF piégé", &e.saisies_sous_piege),
        ("PDF piégé", &e.pieges),
    ] {
        if let Some(erreur) = &m.premiere_erreur {
            println!("\nPremière erreur ({nom}) : {erreur}");
        }
    }
}

/// `--mode classe`: each run's requests and the server's memory at its end.
pub fn imprimer_classe(contexte: &ContexteConsole, duree: Duration, tours: &[crate::ecritures::Parcours]) {
    println!("## Classe virtuelle longue (chorus-bench --mode classe)\n");
    println!("- Machine : {} cœurs (nproc), {}", coeurs(), modele_cpu());
    println!("- Serveur : {}", contexte.serveur);
    println!(
        "- {} stagiaires, parcours réalistes (1 à 3 s entre deux pages), {} s par tour, deux tours de suite\n",
        contexte.stagiaires,
        duree.as_secs()
    );
    println!("| Tour | Requêtes/s | p50 (ms) | p99 (ms) | erreurs | RSS à la fin (Mio) |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    for (i, t) in tours.iter().enumerate() {
        println!(
            "| {} | {} | {} | {} | {} | {} |",
            i + 1,
            decimal(t.requetes.par_seconde(), 0),
            decimal(ms(t.requetes.percentile(0.5)), 2),
            decimal(ms(t.requetes.percentile(0.99)), 2),
            t.requetes.erreurs,
            decimal(t.rss_kio as f64 / 1024.0, 1)
        );
        if let Some(erreur) = &t.requetes.premiere_erreur {
            println!("\nPremière erreur (tour {}) : {erreur}", i + 1);
        }
    }
}

pub struct ContexteConsole {
    pub stagiaires: usize,
    pub serveur: String,
}

fn entete_console(titre: &str, contexte: &ContexteConsole) {
    println!("## {titre} (chorus-bench)\n");
    println!("- Machine : {} cœurs (nproc), {}", coeurs(), modele_cpu());
    println!("- Serveur : {}", contexte.serveur);
    println!("- Classe : {} stagiaires en pratique libre, chacun dans son bac à sable", contexte.stagiaires);
}

pub fn imprimer_reinitialisations(
    contexte: &ContexteConsole,
    factures: usize,
    seul: &Reinitialisations,
    classe: &Reinitialisations,
) {
    entete_console("Réinitialisation par la console", contexte);
    println!(
        "- Avant chaque réinitialisation, {factures} facture(s) envoyée(s) dans chaque bac concerné ; \
         POST de la console, page de la classe comprise dans le temps HTTP\n"
    );
    println!(
        "| Mesure | Répétitions | p50 HTTP (ms) | p99 HTTP (ms) | p50 serveur (ms) | p99 serveur (ms) | erreurs |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (libelle, r) in [
        ("Réinitialiser un stagiaire".to_string(), seul),
        (format!("Réinitialiser la classe ({} bacs)", contexte.stagiaires), classe),
    ] {
        println!(
            "| {libelle} | {} | {} | {} | {} | {} | {} |",
            r.http.reussies,
            decimal(ms(r.http.percentile(0.50)), 2),
            decimal(ms(r.http.percentile(0.99)), 2),
            decimal(ms(rang(&r.serveur, 0.50)), 0),
            decimal(ms(rang(&r.serveur, 0.99)), 0),
            r.http.erreurs
        );
    }
    for r in [seul, classe] {
        if let Some(erreur) = &r.http.premiere_erreur {
            println!("\nPremière erreur : {erreur}");
        }
    }
}

pub fn imprimer_suivi(contexte: &ContexteConsole, tableaux: usize, duree: Duration, s: &Suivi) {
    entete_console("Suivi en direct de la classe", contexte);
    println!(
        "- Charge : les {} stagiaires envoient des factures à la suite (sans temps de réflexion) pendant {} s ; \
         {tableaux} client(s) rechargent la page de suivi ; un navigateur écoute le flux d'événements\n",
        contexte.stagiaires,
        duree.as_secs()
    );
    println!("| Mesure | Nombre/s | p50 (ms) | p99 (ms) | erreurs |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    ligne("GET /formateur/classes/{id}/suivi", &s.page);
    ligne("POST /factures-emises/saisir (stagiaires)", &s.saisies);
    ligne("Flux SSE : d'une facture envoyée à la grille poussée", &s.fraicheur);
    for (nom, m) in [("la page de suivi", &s.page), ("les saisies", &s.saisies)] {
        if let Some(erreur) = &m.premiere_erreur {
            println!("\nPremière erreur sur {nom} : {erreur}");
        }
    }
}

/// Nearest-rank percentile of a sorted list.
/// `--mode piste`: `soumettre` through the Chorus Pro API, in the same run as `/healthz`.
pub fn imprimer_piste(serveur: &str, clients: usize, duree: Duration, p: &crate::piste::Piste) {
    println!("## API Chorus Pro : soumettre (chorus-bench --mode piste)\n");
    println!("- Machine : {} cœurs (nproc), {}", coeurs(), modele_cpu());
    println!("- Serveur : {serveur}");
    println!(
        "- {clients} connecteurs simultanés (bac formation1), chacun sa connexion, sans temps de réflexion, {} s par mesure\n",
        duree.as_secs()
    );
    println!("| Mesure | Nombre/s | p50 (ms) | p99 (ms) | erreurs | / healthz |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    let base = p.sante.par_seconde();
    for (nom, m) in [("GET /healthz", &p.sante), ("POST /cpro/factures/v1/soumettre", &p.soumettre)] {
        ligne_et_rapport(nom, m, base);
    }
    if let Some(erreur) = &p.soumettre.premiere_erreur {
        println!("\nPremière erreur : {erreur}");
    }
}

fn rang(v: &[Duration], q: f64) -> Duration {
    if v.is_empty() {
        return Duration::ZERO;
    }
    v[((q * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1]
}

/// Une ligne de mesure suivie de son débit rapporté à celui de `/healthz` (`base`).
fn ligne_et_rapport(nom: &str, m: &Mesure, base: f64) {
    println!(
        "| {nom} | {} | {} | {} | {} | {} % |",
        decimal(m.par_seconde(), 0),
        decimal(ms(m.percentile(0.5)), 2),
        decimal(ms(m.percentile(0.99)), 2),
        m.erreurs,
        decimal(100.0 * ratio(m.par_seconde(), base), 1)
    );
}

fn ligne(libelle: &str, mesure: &Mesure) {
    println!(
        "| {libelle} | {} | {} | {} | {} |",
        decimal(mesure.par_seconde(), 0),
        decimal(ms(mesure.percentile(0.50)), 2),
        decimal(ms(mesure.percentile(0.99)), 2),
        mesure.erreurs
    );
}

fn ms(duree: Duration) -> f64 {
    duree.as_secs_f64() * 1000.0
}

fn ratio(a: f64, b: f64) -> f64 {
    if b == 0.0 { 0.0 } else { a / b }
}

/// French decimal comma, no thousands separator (keeps the table easy to re-parse).
fn decimal(valeur: f64, chiffres: usize) -> String {
    format!("{valeur:.chiffres$}").replace('.', ",")
}

fn coeurs() -> String {
    std::thread::available_parallelism().map(|n| n.to_string()).unwrap_or_else(|_| "?".to_string())
}

fn modele_cpu() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|texte| {
            texte
                .lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, modele)| modele.trim().to_string())
        })
        .unwrap_or_else(|| "modèle de CPU inconnu".to_string())
}

pub fn imprimer_annuaire(serveur: &str, clients: usize, duree: Duration, a: &crate::annuaire::Annuaire) {
    println!("## La recherche dans l'annuaire (chorus-bench --mode annuaire)\n");
    println!("- Machine : {} cœurs (nproc), {}", coeurs(), modele_cpu());
    println!("- Serveur : {serveur}");
    println!(
        "- Annuaire fictif de {} structures et leurs services, importé serveur en marche en {} s ; `GET /annuaire?q=…` par un stagiaire seul, puis par {clients} à la fois, {} s par mesure\n",
        a.structures,
        decimal(a.import.as_secs_f64(), 1),
        duree.as_secs()
    );
    println!(
        "| Recherche | Requête | Résultats | seul : p50 (ms) | seul : p99 (ms) | {clients} à la fois : p99 (ms) | {clients} à la fois : /s | erreurs |"
    );
    println!("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |");
    for m in &a.mesures {
        println!(
            "| {} | `{}` | {} | {} | {} | {} | {} | {} |",
            m.nom,
            m.requete,
            m.resultats.trim(),
            decimal(ms(m.seul.percentile(0.50)), 2),
            decimal(ms(m.seul.percentile(0.99)), 2),
            decimal(ms(m.ensemble.percentile(0.99)), 2),
            decimal(m.ensemble.par_seconde(), 0),
            m.seul.erreurs + m.ensemble.erreurs
        );
    }
}

pub fn imprimer_annee(
    clients: usize,
    duree: Duration,
    a: &crate::annee::Annee,
    pages: &[(String, String)],
    frais: &[Mesure],
    annee: &[Mesure],
) {
    println!("## Une année de classes sur un dossier (chorus-bench --mode annee)\n");
    println!("- Machine : {} cœurs (nproc), {}", coeurs(), modele_cpu());
    println!(
        "- {} classes de {} stagiaires ({} bacs à sable), {} factures envoyées chacun, émargement signé, les trois quarts des classes closes : peuplé en {} s, base de {} Mo",
        a.classes,
        a.stagiaires,
        a.classes * a.stagiaires,
        a.factures,
        decimal(a.duree.as_secs_f64(), 0),
        a.octets / 1_000_000
    );
    println!(
        "- Les pages d'un stagiaire de la dernière classe, et les mêmes sur un serveur neuf (formation1, autant de factures) ; {clients} clients, {} s par mesure\n",
        duree.as_secs()
    );
    println!(
        "| Page | neuf : /s | neuf : p99 (ms) | année : /s | année : p99 (ms) | rapport des p99 | erreurs |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (((nom, _), n), y) in pages.iter().zip(frais).zip(annee) {
        println!(
            "| {nom} | {} | {} | {} | {} | {} | {} |",
            decimal(n.par_seconde(), 0),
            decimal(ms(n.percentile(0.99)), 2),
            decimal(y.par_seconde(), 0),
            decimal(ms(y.percentile(0.99)), 2),
            decimal(ratio(ms(y.percentile(0.99)), ms(n.percentile(0.99))), 2),
            n.erreurs + y.erreurs
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn virgule_decimale() {
        assert_eq!(decimal(1234.567, 2), "1234,57");
        assert_eq!(decimal(12.0, 0), "12");
    }
}
