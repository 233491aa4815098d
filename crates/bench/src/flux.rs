//! `--mode flux`: how many structured invoices per second the portal can read and check,
//! without a server — the official EN 16931 examples and the public-buyer samples of
//! `../shared/corpus/`, each read (`chorus_flux::lire`) then analysed as a keyed invoice
//! (`chorus_domain::saisie::analyser`), first on one thread, then on one thread per core.

use std::path::Path;
use std::time::{Duration, Instant};

/// What `--mode flux` measured: files in the corpus, then invoices per second on one thread
/// and on `fils` threads.
pub struct MesureFlux {
    pub fichiers: usize,
    pub octets: usize,
    pub un_fil: f64,
    pub fils: usize,
    pub tous_les_fils: f64,
}

fn lire_le_corpus(racine: &Path) -> Result<Vec<Vec<u8>>, String> {
    let mut fichiers = Vec::new();
    for dossier in ["en16931/cii-examples", "en16931/ubl-examples", "en16931/ubl-testfiles", "chorus-samples"]
    {
        let d = racine.join(dossier);
        let entrees = std::fs::read_dir(&d).map_err(|e| format!("{} : {e}", d.display()))?;
        for e in entrees {
            let chemin = e.map_err(|e| e.to_string())?.path();
            let ext = chemin.extension().and_then(|x| x.to_str()).unwrap_or("").to_ascii_lowercase();
            if ext == "xml" || ext == "pdf" {
                fichiers.push(std::fs::read(&chemin).map_err(|e| format!("{} : {e}", chemin.display()))?);
            }
        }
    }
    Ok(fichiers)
}

/// Reads and checks the corpus over and over for `duree`; invoices per second.
fn debit(fichiers: &[Vec<u8>], duree: Duration) -> f64 {
    let limites = chorus_flux::Limites::default();
    let debut = Instant::now();
    let mut n = 0u64;
    while debut.elapsed() < duree {
        for f in fichiers {
            // Un refus (le PDF de contrôle, une saisie à anomalies) compte aussi : c'est le travail.
            if let Ok(lu) = chorus_flux::lire(f, None, &limites) {
                let _ = std::hint::black_box(chorus_domain::saisie::analyser(&lu.saisie));
            }
            n += 1;
        }
    }
    n as f64 / debut.elapsed().as_secs_f64()
}

pub fn mesurer(corpus: &Path, duree: Duration) -> Result<MesureFlux, String> {
    let fichiers = lire_le_corpus(corpus)?;
    let octets = fichiers.iter().map(Vec::len).sum();
    let un_fil = debit(&fichiers, duree);
    let fils = std::thread::available_parallelism().map_or(2, usize::from);
    let total: f64 = std::thread::scope(|s| {
        let taches: Vec<_> = (0..fils).map(|_| s.spawn(|| debit(&fichiers, duree))).collect();
        taches.into_iter().map(|t| t.join().unwrap_or(0.0)).sum()
    });
    Ok(MesureFlux { fichiers: fichiers.len(), octets, un_fil, fils, tous_les_fils: total })
}
