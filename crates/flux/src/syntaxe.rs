//! `syntaxeFlux` : la syntaxe que le déposant annonce (ou que le portail reconnaît), avec les
//! codes de l'API de Chorus Pro (`deposer/flux`). Les trois que le simulateur lit sont celles
//! des connecteurs observés : E1 UBL, E1 CII, E2 Factur-X (flux-formats.md §1.1).

/// Les syntaxes lues par le simulateur.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SyntaxeFlux {
    /// Flux structuré E1, UBL 2.1 (Invoice ou CreditNote).
    E1Ubl,
    /// Flux structuré E1, UN/CEFACT CII D16B.
    E1Cii,
    /// Flux mixte E2, Factur-X : un PDF/A-3 qui porte sa facture CII.
    E2FacturX,
}

impl SyntaxeFlux {
    pub const TOUTES: [SyntaxeFlux; 3] = [SyntaxeFlux::E1Ubl, SyntaxeFlux::E1Cii, SyntaxeFlux::E2FacturX];

    /// Le code de l'API (`syntaxeFlux`).
    pub fn code(self) -> &'static str {
        match self {
            SyntaxeFlux::E1Ubl => "IN_DP_E1_UBL_INVOICE",
            SyntaxeFlux::E1Cii => "IN_DP_E1_CII_16B",
            SyntaxeFlux::E2FacturX => "IN_DP_E2_CII_FACTURX",
        }
    }

    pub fn libelle(self) -> &'static str {
        match self {
            SyntaxeFlux::E1Ubl => "UBL 2.1 (flux E1)",
            SyntaxeFlux::E1Cii => "CII D16B (flux E1)",
            SyntaxeFlux::E2FacturX => "Factur-X, PDF avec sa CII (flux E2)",
        }
    }

    /// Le code de l'API, lu tel quel ; `None` pour un code que le simulateur ne lit pas.
    pub fn depuis_code(code: &str) -> Option<SyntaxeFlux> {
        SyntaxeFlux::TOUTES.into_iter().find(|s| s.code() == code.trim())
    }

    /// La syntaxe des octets reçus, d'après leur signature (PDF) ou leur élément racine (XML) :
    /// la « détection automatique » du portail. `None` : ni PDF, ni facture UBL ou CII.
    pub fn detecter(octets: &[u8]) -> Option<SyntaxeFlux> {
        let debut = &octets[..octets.len().min(4096)];
        if debut.starts_with(b"%PDF") {
            return Some(SyntaxeFlux::E2FacturX);
        }
        let texte = String::from_utf8_lossy(debut);
        let racine = racine(&texte)?;
        let local = racine.rsplit(':').next().unwrap_or(racine);
        match local {
            "Invoice" | "CreditNote" => Some(SyntaxeFlux::E1Ubl),
            "CrossIndustryInvoice" => Some(SyntaxeFlux::E1Cii),
            _ => None,
        }
    }
}

/// Le nom du premier élément du document (après le prologue, les commentaires et les
/// instructions de traitement).
pub(crate) fn racine(texte: &str) -> Option<&str> {
    let mut reste = texte.trim_start_matches('\u{feff}');
    loop {
        let i = reste.find('<')?;
        reste = &reste[i + 1..];
        if let Some(apres) = reste.strip_prefix("!--") {
            reste = &apres[apres.find("-->")? + 3..];
        } else if reste.starts_with('?') || reste.starts_with('!') {
            reste = &reste[reste.find('>')? + 1..];
        } else {
            let fin = reste.find(|c: char| c.is_whitespace() || c == '>' || c == '/')?;
            return Some(&reste[..fin]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reconnait_les_trois_syntaxes() {
        assert_eq!(SyntaxeFlux::detecter(b"%PDF-1.7\n..."), Some(SyntaxeFlux::E2FacturX));
        let ubl = br#"<?xml version="1.0"?><!-- x --><Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">"#;
        assert_eq!(SyntaxeFlux::detecter(ubl), Some(SyntaxeFlux::E1Ubl));
        let avoir = br#"<ubl:CreditNote xmlns:ubl="urn:x">"#;
        assert_eq!(SyntaxeFlux::detecter(avoir), Some(SyntaxeFlux::E1Ubl));
        let cii = "\u{feff}<?xml version=\"1.0\"?>\n<rsm:CrossIndustryInvoice xmlns:rsm=\"urn:x\">";
        assert_eq!(SyntaxeFlux::detecter(cii.as_bytes()), Some(SyntaxeFlux::E1Cii));
        assert_eq!(SyntaxeFlux::detecter(b"<Order/>"), None);
        assert_eq!(SyntaxeFlux::detecter(b"bonjour"), None);
    }

    #[test]
    fn les_codes_de_l_api() {
        for s in SyntaxeFlux::TOUTES {
            assert_eq!(SyntaxeFlux::depuis_code(s.code()), Some(s));
        }
        assert_eq!(SyntaxeFlux::depuis_code("IN_DP_E1_XCBL"), None);
    }
}
