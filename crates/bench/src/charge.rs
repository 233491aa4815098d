//! One measured phase: C concurrent clients hammering one URL for a bounded time.

use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::COOKIE;
use hyper::{Request, StatusCode};

use crate::http::{self, ClientHttp};

/// What a phase observed. Latencies are those of successful (200) responses only.
pub struct Mesure {
    pub reussies: usize,
    pub erreurs: usize,
    pub premiere_erreur: Option<String>,
    pub duree: Duration,
    latences: Vec<Duration>,
}

impl Mesure {
    /// A phase measured elsewhere (form posts, server-sent events).
    pub fn nouvelle(
        mut latences: Vec<Duration>,
        erreurs: usize,
        premiere_erreur: Option<String>,
        duree: Duration,
    ) -> Mesure {
        latences.sort_unstable();
        Mesure { reussies: latences.len(), erreurs, premiere_erreur, duree, latences }
    }

    pub fn par_seconde(&self) -> f64 {
        self.reussies as f64 / self.duree.as_secs_f64().max(f64::EPSILON)
    }

    /// Nearest-rank percentile (`q` in 0..=1); zero when nothing succeeded.
    pub fn percentile(&self, q: f64) -> Duration {
        if self.latences.is_empty() {
            return Duration::ZERO;
        }
        let rang = (q * self.latences.len() as f64).ceil() as usize;
        self.latences[rang.clamp(1, self.latences.len()) - 1]
    }
}

/// Runs `clients` tasks, each with its own keep-alive connection, sending `GET url` back
/// to back until `duree` has elapsed. Each task is a trainee's browser tab that never
/// pauses: the figure is the server's capacity, not a model of human think time.
pub async fn mesurer(url: &str, cookie: Option<&str>, clients: usize, duree: Duration) -> Mesure {
    let debut = Instant::now();
    let fin = debut + duree;
    let taches: Vec<_> = (0..clients)
        .map(|_| {
            let url = url.to_string();
            let cookie = cookie.map(str::to_string);
            tokio::spawn(async move { client_en_boucle(&url, cookie.as_deref(), fin).await })
        })
        .collect();

    let mut total = Mesure {
        reussies: 0,
        erreurs: 0,
        premiere_erreur: None,
        duree: Duration::ZERO,
        latences: Vec::new(),
    };
    for tache in taches {
        match tache.await {
            Ok(partielle) => fusionner(&mut total, partielle),
            Err(e) => {
                total.erreurs += 1;
                total.premiere_erreur.get_or_insert(format!("tâche interrompue : {e}"));
            }
        }
    }
    // Measured to the last response, not to the deadline: the last requests overrun it.
    total.duree = debut.elapsed();
    total.latences.sort_unstable();
    total
}

async fn client_en_boucle(url: &str, cookie: Option<&str>, fin: Instant) -> Mesure {
    let client = http::nouveau_client();
    let mut mesure = Mesure {
        reussies: 0,
        erreurs: 0,
        premiere_erreur: None,
        duree: Duration::ZERO,
        latences: Vec::with_capacity(4096),
    };
    while Instant::now() < fin {
        let debut = Instant::now();
        match une_requete(&client, url, cookie).await {
            Ok(()) => {
                mesure.reussies += 1;
                mesure.latences.push(debut.elapsed());
            }
            Err(message) => {
                mesure.erreurs += 1;
                mesure.premiere_erreur.get_or_insert(message);
            }
        }
    }
    mesure
}

/// One GET, body fully read (a page is only useful once it has arrived whole).
async fn une_requete(client: &ClientHttp, url: &str, cookie: Option<&str>) -> Result<(), String> {
    let mut requete = Request::get(url);
    if let Some(cookie) = cookie {
        requete = requete.header(COOKIE, cookie);
    }
    let requete = requete.body(Full::new(Bytes::new())).map_err(|e| e.to_string())?;
    let reponse = http::lire_sans_garder(client, requete).await?;
    if reponse.statut != StatusCode::OK {
        return Err(format!("{url} : {} {}", reponse.statut, reponse.extrait()));
    }
    Ok(())
}

fn fusionner(total: &mut Mesure, partielle: Mesure) {
    total.reussies += partielle.reussies;
    total.erreurs += partielle.erreurs;
    if total.premiere_erreur.is_none() {
        total.premiere_erreur = partielle.premiere_erreur;
    }
    total.latences.extend(partielle.latences);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_au_rang_le_plus_proche() {
        let mesure = Mesure {
            reussies: 100,
            erreurs: 0,
            premiere_erreur: None,
            duree: Duration::from_secs(1),
            latences: (1..=100).map(Duration::from_millis).collect(),
        };
        assert_eq!(mesure.percentile(0.50), Duration::from_millis(50));
        assert_eq!(mesure.percentile(0.99), Duration::from_millis(99));
        assert_eq!(mesure.percentile(1.0), Duration::from_millis(100));
        assert_eq!(mesure.par_seconde(), 100.0);
    }
}
