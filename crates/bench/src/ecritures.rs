//! The write path under load, and a long virtual class.
//!
//! `--mode ecritures`: a class of `--clients` trainees; `/healthz` as the floor, then every
//! trainee submitting invoices back to back, then one invoice page read by all, then the
//! submissions again while one more client uploads a crafted PDF (150 pages sharing one
//! stream that inflates to 60 MB) in a loop. Ratios are to `/healthz` of the same run.
//!
//! `--mode classe`: `--clients` trainees following realistic journeys with think time (home,
//! annuaire search, entry form, invoice sent, its page, the list, now and then a clock
//! advance) for `--duree` seconds, twice in a row on the same server; the server's resident
//! memory (VmRSS) after each run tells whether it stays bounded.

use std::time::{Duration, Instant};

use hyper::StatusCode;

use crate::amorcage::{date_facture, envoyer_facture};
use crate::charge::{self, Mesure};
use crate::console::Classe;
use crate::http::Session;

/// What `--mode ecritures` measured.
pub struct Ecritures {
    pub sante: Mesure,
    pub saisies: Mesure,
    pub lecture: Mesure,
    pub saisies_sous_piege: Mesure,
    pub pieges: Mesure,
}

pub async fn mesurer(classe: Classe, duree: Duration) -> Result<Ecritures, String> {
    let clients = classe.stagiaires.len();
    let mut stagiaires = classe.stagiaires;
    let sante = charge::mesurer(&stagiaires[0].url("/healthz"), None, clients, duree).await;

    let (saisies, rendues) = saisir_ensemble(stagiaires, duree, "A").await?;
    stagiaires = rendues;

    // Une facture du premier stagiaire, lue par tous (même cookie : c'est la page qui compte).
    envoyer_facture(&mut stagiaires[0], "LECTURE-1", &date_facture()).await?;
    let liste = stagiaires[0].get("/factures-emises?numero=LECTURE-1").await?;
    // Le lien de la facture elle-même (un identifiant de 36 caractères), pas ceux des onglets.
    let chemin = liste
        .corps
        .split("href=\"")
        .filter_map(|m| m.split('"').next())
        .find(|c| {
            c.strip_prefix("/factures-emises/")
                .is_some_and(|id| id.len() == 36 && id.matches('-').count() == 4)
        })
        .ok_or("facture LECTURE-1 introuvable")?
        .to_string();
    let page = stagiaires[0].url(&chemin);
    let cookie = stagiaires[0].entete_cookie().ok_or("pas de cookie")?;
    let lecture = charge::mesurer(&page, Some(&cookie), clients, duree).await;

    // Le PDF piégé, envoyé en boucle par un stagiaire pendant que les autres saisissent.
    let mut attaquant = stagiaires.pop().ok_or("classe vide")?;
    attaquant.get("/factures-emises/deposer").await?;
    let fin_piege = Instant::now() + duree;
    let piege = tokio::spawn(async move {
        let pdf = chorus_documents::pdf_piege(150, 60 * 1024 * 1024);
        let (mut latences, mut erreurs, mut premiere) = (Vec::new(), 0, None);
        let debut = Instant::now();
        while Instant::now() < fin_piege {
            let t = Instant::now();
            match attaquant.post_fichier("/factures-emises/deposer", &[], ("facture.pdf", &pdf)).await {
                // Refusé (422) comme il se doit ; jamais une erreur du serveur.
                Ok(r) if r.statut == StatusCode::UNPROCESSABLE_ENTITY => latences.push(t.elapsed()),
                Ok(r) => {
                    erreurs += 1;
                    premiere.get_or_insert(format!("PDF piégé : {} {}", r.statut, r.extrait()));
                }
                Err(e) => {
                    erreurs += 1;
                    premiere.get_or_insert(e);
                }
            }
        }
        Mesure::nouvelle(latences, erreurs, premiere, debut.elapsed())
    });
    let (saisies_sous_piege, _) = saisir_ensemble(stagiaires, duree, "P").await?;
    let pieges = piege.await.map_err(|e| e.to_string())?;
    Ok(Ecritures { sante, saisies, lecture, saisies_sous_piege, pieges })
}

/// Every trainee submits invoices back to back for `duree`; the sessions come back.
async fn saisir_ensemble(
    stagiaires: Vec<Session>,
    duree: Duration,
    prefixe: &'static str,
) -> Result<(Mesure, Vec<Session>), String> {
    let fin = Instant::now() + duree;
    let debut = Instant::now();
    let taches: Vec<_> = stagiaires
        .into_iter()
        .enumerate()
        .map(|(rang, mut s)| {
            tokio::spawn(async move {
                let date = date_facture();
                let (mut latences, mut erreurs, mut premiere) = (Vec::new(), 0, None);
                let mut n = 0;
                while Instant::now() < fin {
                    n += 1;
                    let t = Instant::now();
                    match envoyer_facture(&mut s, &format!("{prefixe}{rang}-{n}"), &date).await {
                        Ok(()) => latences.push(t.elapsed()),
                        Err(e) => {
                            erreurs += 1;
                            premiere.get_or_insert(e);
                        }
                    }
                }
                Ok((latences, erreurs, premiere, s))
            })
        })
        .collect();
    rassembler(taches, debut).await
}

/// What one run of `--mode classe` observed.
pub struct Parcours {
    pub requetes: Mesure,
    pub rss_kio: u64,
}

/// Each trainee follows a journey with 1 to 3 s of think time between pages.
pub async fn parcourir(
    stagiaires: Vec<Session>,
    duree: Duration,
    pid: u32,
    tour: usize,
) -> Result<(Parcours, Vec<Session>), String> {
    let fin = Instant::now() + duree;
    let debut = Instant::now();
    let taches: Vec<_> = stagiaires
        .into_iter()
        .enumerate()
        .map(|(rang, mut s)| {
            tokio::spawn(async move {
                let date = date_facture();
                let (mut latences, mut erreurs, mut premiere) = (Vec::new(), 0, None);
                let mut pas: u64 = rang as u64;
                let mut n = 0;
                // Les stagiaires ne commencent pas tous à la même seconde.
                tokio::time::sleep(Duration::from_millis((rang as u64 * 37) % 3000)).await;
                while Instant::now() < fin {
                    pas = pas.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    let t = Instant::now();
                    let resultat = match (pas >> 33) % 8 {
                        0 => s.get("/").await.map(|r| r.statut),
                        1 => s.get("/annuaire?q=VALCOMBE").await.map(|r| r.statut),
                        2 => s.get("/factures-emises/saisir").await.map(|r| r.statut),
                        3 | 4 => {
                            n += 1;
                            envoyer_facture(&mut s, &format!("J{tour}-{rang}-{n}"), &date)
                                .await
                                .map(|()| StatusCode::OK)
                        }
                        5 => s.get("/factures-emises").await.map(|r| r.statut),
                        6 => s.get("/cours").await.map(|r| r.statut),
                        _ if (pas >> 40).is_multiple_of(10) => {
                            s.get("/").await?;
                            s.post("/bac/horloge", &[("jours", "1")]).await.map(|r| {
                                if r.statut == StatusCode::SEE_OTHER { StatusCode::OK } else { r.statut }
                            })
                        }
                        _ => s.get("/suivi-paiements").await.map(|r| r.statut),
                    };
                    match resultat {
                        Ok(statut) if statut.is_success() => latences.push(t.elapsed()),
                        Ok(statut) => {
                            erreurs += 1;
                            premiere.get_or_insert(format!("réponse {statut}"));
                        }
                        Err(e) => {
                            erreurs += 1;
                            premiere.get_or_insert(e);
                        }
                    }
                    // Le temps de lire la page et de taper.
                    tokio::time::sleep(Duration::from_millis(1000 + (pas >> 20) % 2000)).await;
                }
                Ok((latences, erreurs, premiere, s))
            })
        })
        .collect();
    let (requetes, sessions) = rassembler(taches, debut).await?;
    Ok((Parcours { requetes, rss_kio: rss_kio(pid) }, sessions))
}

/// What one trainee's task brings back: latencies, error count, first error, the session.
type Releve = Result<(Vec<Duration>, usize, Option<String>, Session), String>;

/// Waits for every trainee's task; the measure of them all, and the sessions back.
async fn rassembler(
    taches: Vec<tokio::task::JoinHandle<Releve>>,
    debut: Instant,
) -> Result<(Mesure, Vec<Session>), String> {
    let (mut latences, mut erreurs, mut premiere, mut sessions) = (Vec::new(), 0, None, Vec::new());
    for t in taches {
        let (l, e, p, s) = t.await.map_err(|e| e.to_string())??;
        latences.extend(l);
        erreurs += e;
        if premiere.is_none() {
            premiere = p;
        }
        sessions.push(s);
    }
    Ok((Mesure::nouvelle(latences, erreurs, premiere, debut.elapsed()), sessions))
}

/// The resident memory of process `pid`, in KiB (Linux /proc).
pub fn rss_kio(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}
