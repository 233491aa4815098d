//! Un lot de factures déposé en archive (`.zip`, `.tar.gz`) : chaque fichier est décompressé à
//! son tour, lu, puis oublié — l'archive n'est jamais décompressée en entier en mémoire. Les
//! bornes tombent pendant la lecture : nombre de factures (500, comme un flux E1), taille de
//! chaque fichier une fois décompressé, total décompressé, durée ; une « bombe » (quelques
//! kilo-octets qui se décompressent en gigaoctets) est arrêtée dès qu'elle dépasse.

use std::io::Read;
use std::time::{Duration, Instant};

use crate::correspondance::FactureLue;
use crate::erreur::Refus;
use crate::lecture::{Limites, lire};
use crate::syntaxe::SyntaxeFlux;

/// Les bornes d'une archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitesArchive {
    pub factures_max: usize,
    pub total_decompresse_max: u64,
    pub duree_max: Duration,
}

impl Default for LimitesArchive {
    /// 500 factures (flux-formats.md §1.7), 256 Mo décompressés en tout, 20 secondes.
    fn default() -> Self {
        LimitesArchive {
            factures_max: 500,
            total_decompresse_max: 256 * 1024 * 1024,
            duree_max: Duration::from_secs(20),
        }
    }
}

/// Le format d'archive reconnu à sa signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormatArchive {
    Zip,
    TarGz,
}

impl FormatArchive {
    pub fn detecter(octets: &[u8]) -> Option<FormatArchive> {
        if octets.starts_with(b"PK\x03\x04") || octets.starts_with(b"PK\x05\x06") {
            Some(FormatArchive::Zip)
        } else if octets.starts_with(&[0x1f, 0x8b]) {
            Some(FormatArchive::TarGz)
        } else {
            None
        }
    }
}

/// Une facture de l'archive : son nom dans l'archive et sa lecture.
pub struct FichierDeLArchive {
    pub nom: String,
    pub lecture: Result<FactureLue, Refus>,
}

/// Le nom d'un fichier, sans les dossiers de l'archive (un chemin ne sert jamais à écrire).
fn nom_seul(chemin: &str) -> String {
    chemin.rsplit(['/', '\\']).next().unwrap_or(chemin).to_string()
}

/// Ce qui dans une archive n'est pas une facture : dossiers, fichiers cachés, métadonnées.
fn a_ignorer(nom: &str) -> bool {
    nom.is_empty() || nom.starts_with('.') || nom.starts_with("__MACOSX")
}

/// Lit chaque fichier de l'archive en facture. Un fichier refusé l'est seul (intégration
/// partielle) ; l'archive entière est refusée si elle est illisible ou dépasse ses bornes.
pub fn lire_archive(
    octets: &[u8],
    annoncee: Option<SyntaxeFlux>,
    limites: &Limites,
    bornes: &LimitesArchive,
) -> Result<Vec<FichierDeLArchive>, Refus> {
    let debut = Instant::now();
    let mut total = 0u64;
    let mut fichiers = Vec::new();
    let mut une = |nom: String, lecteur: &mut dyn Read, taille_annoncee: u64| -> Result<(), Refus> {
        if debut.elapsed() > bornes.duree_max {
            return Err(Refus::ArchiveTropLongue { secondes: bornes.duree_max.as_secs() });
        }
        if fichiers.len() >= bornes.factures_max {
            return Err(Refus::ArchiveTropDeFactures { limite: bornes.factures_max });
        }
        // Lu jusqu'à la borne plus un octet : au-delà, le fichier est refusé sans aller plus loin.
        let borne = limites.octets_max as u64 + 1;
        let mut contenu = Vec::with_capacity(taille_annoncee.min(borne) as usize);
        lecteur
            .take(borne)
            .read_to_end(&mut contenu)
            .map_err(|e| Refus::ArchiveIllisible { detail: e.to_string() })?;
        total += contenu.len() as u64;
        if total > bornes.total_decompresse_max {
            return Err(Refus::ArchiveTropLourde { limite: bornes.total_decompresse_max });
        }
        let lecture = lire(&contenu, annoncee, limites);
        fichiers.push(FichierDeLArchive { nom, lecture });
        Ok(())
    };
    match FormatArchive::detecter(octets) {
        Some(FormatArchive::Zip) => {
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(octets))
                .map_err(|e| Refus::ArchiveIllisible { detail: e.to_string() })?;
            for i in 0..zip.len() {
                let mut f = zip.by_index(i).map_err(|e| Refus::ArchiveIllisible { detail: e.to_string() })?;
                let nom = nom_seul(f.name());
                if f.is_dir() || a_ignorer(&nom) {
                    continue;
                }
                let taille = f.size();
                une(nom, &mut f, taille)?;
            }
        }
        Some(FormatArchive::TarGz) => {
            let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(octets));
            let entrees = tar.entries().map_err(|e| Refus::ArchiveIllisible { detail: e.to_string() })?;
            for entree in entrees {
                let mut e = entree.map_err(|e| Refus::ArchiveIllisible { detail: e.to_string() })?;
                if !e.header().entry_type().is_file() {
                    continue;
                }
                let nom = e.path().map(|p| nom_seul(&p.to_string_lossy())).unwrap_or_default();
                if a_ignorer(&nom) {
                    continue;
                }
                let taille = e.size();
                une(nom, &mut e, taille)?;
            }
        }
        None => return Err(Refus::FormatInconnu),
    }
    if fichiers.is_empty() {
        return Err(Refus::ArchiveVide);
    }
    Ok(fichiers)
}
