//! Lire un fichier déposé, dans ses limites : taille bornée avant toute analyse, DTD refusée
//! (donc ni entités ni entités externes : ni « milliard de rires » ni XXE), profondeur bornée
//! avant l'analyse, flux d'un PDF bornés une fois décompressés. Chaque refus est rapide : il
//! tombe avant le travail qu'il évite.

use crate::correspondance::{self, FactureLue};
use crate::erreur::Refus;
use crate::modele;
use crate::syntaxe::SyntaxeFlux;

/// Les bornes d'une lecture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limites {
    /// La taille d'un fichier de facture (XML ou PDF), avant toute analyse.
    pub octets_max: usize,
    /// Ce qu'un flux d'un PDF (la CII jointe, ses métadonnées) peut peser une fois décompressé.
    pub flux_pdf_max: usize,
}

impl Default for Limites {
    /// 10 Mo par fichier, comme les pièces de Chorus Pro (flux-formats.md §1.7) ; 16 Mo par flux
    /// décompressé d'un PDF.
    fn default() -> Self {
        Limites { octets_max: 10 * 1024 * 1024, flux_pdf_max: 16 * 1024 * 1024 }
    }
}

/// Lit une facture ; `annoncee` est la `syntaxeFlux` choisie par le déposant (`None` : détection
/// automatique). Une syntaxe annoncée qui n'est pas celle du fichier est refusée, comme sur le
/// portail.
pub fn lire(octets: &[u8], annoncee: Option<SyntaxeFlux>, limites: &Limites) -> Result<FactureLue, Refus> {
    if octets.is_empty() {
        return Err(Refus::Vide);
    }
    if octets.len() > limites.octets_max {
        return Err(Refus::TropGros { taille: octets.len(), limite: limites.octets_max });
    }
    let detectee = SyntaxeFlux::detecter(octets);
    if detectee != Some(SyntaxeFlux::E2FacturX) && declare_une_dtd(octets) {
        return Err(Refus::DtdInterdite);
    }
    let Some(detectee) = detectee else {
        return Err(
            match crate::syntaxe::racine(&String::from_utf8_lossy(&octets[..octets.len().min(4096)])) {
                Some(r) if !r.starts_with('!') => Refus::PasUneFacture { racine: r.to_string() },
                _ => Refus::FormatInconnu,
            },
        );
    };
    if let Some(a) = annoncee
        && a != detectee
    {
        return Err(Refus::syntaxe_differente(a, detectee));
    }
    let (syntaxe, donnees, remarques, regles) = modele::lire(octets, limites.flux_pdf_max)?;
    Ok(correspondance::rapporter(syntaxe, donnees, remarques, regles))
}

/// `<!DOCTYPE` avant le premier élément : c'est là seulement qu'une DTD peut se trouver.
fn declare_une_dtd(octets: &[u8]) -> bool {
    let debut = &octets[..octets.len().min(64 * 1024)];
    let premier_element = debut
        .windows(2)
        .position(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'_'))
        .unwrap_or(debut.len());
    debut[..premier_element].windows(9).any(|w| w.eq_ignore_ascii_case(b"<!DOCTYPE"))
}
