//! Une facture saisie dans le simulateur, écrite en facture structurée (CII D16B ou UBL 2.1,
//! profil EN 16931) : pour voir ce qu'une facture structurée contient, et pouvoir la déposer
//! à nouveau comme flux. Les données de Chorus Pro vont là où les connecteurs les mettent
//! (flux-formats.md §1.2) : cadre BT-23, code service BT-10, engagement BT-13, marché BT-12,
//! SIRET du vendeur et de l'acheteur en BT-29 et BT-46 (schéma 0009), SIREN en BT-30 (0002).

use chorus_domain::facture::{Facture, ModePaiement, TypeFacture, TypeTva};
use rust_decimal::Decimal;

use crate::modele;

/// Une partie de la facture écrite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartieAEcrire {
    pub nom: String,
    pub siret: String,
    pub adresse: String,
    pub code_postal: String,
    pub ville: String,
}

/// Ce qu'il faut pour écrire une facture saisie : la facture, ses parties, et le compte du
/// vendeur pour un virement.
#[derive(Debug, Clone)]
pub struct FactureAEcrire<'a> {
    pub facture: &'a Facture,
    pub vendeur: PartieAEcrire,
    pub acheteur: PartieAEcrire,
    pub iban: Option<String>,
}

/// La syntaxe d'écriture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyntaxeEcrite {
    Cii,
    Ubl,
}

/// Pourquoi une facture n'a pas pu être écrite.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("La facture n'a pas pu être écrite en facture structurée : {0}")]
pub struct EchecEcriture(pub String);

/// Le numéro de TVA intracommunautaire français d'un SIREN : « FR », la clé (12 + 3 × (SIREN
/// modulo 97)) modulo 97 sur deux chiffres, puis le SIREN.
pub fn numero_tva(siren: &str) -> Option<String> {
    let n: u64 = siren.parse().ok().filter(|_| siren.len() == 9)?;
    Some(format!("FR{:02}{siren}", (12 + 3 * (n % 97)) % 97))
}

/// L'unité de la saisie (texte libre) en code de la recommandation 20 de l'UN/ECE, que la norme
/// exige (BT-130) ; une unité non reconnue devient « C62 » (unité).
pub fn code_unite(unite: &str) -> &'static str {
    let u = unite.trim().to_lowercase();
    match u.trim_end_matches('s') {
        "jour" | "j" | "journée" | "journee" => "DAY",
        "heure" | "h" => "HUR",
        "mois" | "moi" => "MON",
        "an" | "année" | "annee" => "ANN",
        "semaine" => "WEE",
        "kg" | "kilogramme" => "KGM",
        "t" | "tonne" => "TNE",
        "m" | "mètre" | "metre" | "ml" => "MTR",
        "m2" | "m²" => "MTK",
        "m3" | "m³" => "MTQ",
        "l" | "litre" => "LTR",
        "km" => "KMT",
        "forfait" | "lot" => "LS",
        _ => "C62",
    }
}

/// Le code BT-3 : 380 (facture) ou 381 (avoir).
pub(crate) fn code_type(t: TypeFacture) -> &'static str {
    match t {
        TypeFacture::Facture => "380",
        TypeFacture::Avoir => "381",
    }
}

/// Le code BT-81 (UNTDID 4461) du mode de paiement (flux-formats.md §1.6).
pub(crate) fn code_paiement(m: ModePaiement) -> &'static str {
    match m {
        ModePaiement::Virement => "30",
        ModePaiement::Cheque => "20",
        ModePaiement::Prelevement => "49",
        ModePaiement::Espece => "10",
        ModePaiement::Report => "97",
        ModePaiement::Autre => "57",
    }
}

/// La catégorie de TVA (UNCL 5305) d'une ligne : S (taux normal ou réduit), E (exonérée),
/// O (hors du champ de la TVA).
pub(crate) fn categorie(type_tva: TypeTva, taux: Decimal) -> &'static str {
    match type_tva {
        TypeTva::SansTva => "O",
        TypeTva::Exoneration => "E",
        _ if taux.is_zero() => "E",
        _ => "S",
    }
}

/// Écrit la facture dans la syntaxe demandée.
pub fn ecrire(f: &FactureAEcrire<'_>, syntaxe: SyntaxeEcrite) -> Result<String, EchecEcriture> {
    modele::ecrire(f, syntaxe).map_err(EchecEcriture)
}

/// Une facture Factur-X : `pdf_a3` (le PDF/A-3 qui montre la facture) avec la facture en CII
/// jointe, profil EN 16931.
pub fn factur_x(f: &FactureAEcrire<'_>, pdf_a3: &[u8]) -> Result<Vec<u8>, EchecEcriture> {
    modele::factur_x(f, pdf_a3).map_err(EchecEcriture)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn le_numero_de_tva_d_un_siren() {
        // La clé se vérifie sur un exemple public : 404 833 048 → FR83 404833048.
        assert_eq!(numero_tva("404833048").as_deref(), Some("FR83404833048"));
        assert_eq!(numero_tva("12345"), None);
    }

    #[test]
    fn les_unites_de_la_saisie() {
        assert_eq!(code_unite("jour"), "DAY");
        assert_eq!(code_unite("Jours"), "DAY");
        assert_eq!(code_unite("m²"), "MTK");
        assert_eq!(code_unite("forfait"), "LS");
        assert_eq!(code_unite("pièce"), "C62");
        assert_eq!(code_unite(""), "C62");
    }
}
