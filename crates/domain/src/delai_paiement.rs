//! Délai global de paiement (DGP) d'une facture, tel que le code de la commande publique le
//! calcule. Chorus Pro ne gère pas les délais : c'est un complément pédagogique du simulateur.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Délai réglementaire selon l'acheteur, en jours (R2192-10 et R2192-11).
/// Si l'annuaire donne `DelaiGlobalPaiementJours`, il prime ; sinon on le déduit de la
/// catégorie juridique INSEE : 50 jours pour les établissements publics de santé
/// (7364 établissement d'hospitalisation, 7365 syndicat inter-hospitalier), 60 jours pour les
/// entreprises publiques (catégories 41xx : établissements publics industriels et commerciaux,
/// 5xxx : sociétés), 30 jours sinon (État, collectivités, leurs établissements, dont les
/// établissements médico-sociaux 7366 — piège classique).
pub fn delai_reglementaire(categorie_juridique: Option<&str>, delai_annuaire: Option<u16>) -> u16 {
    let _ = (categorie_juridique, delai_annuaire);
    todo!()
}

/// L'article du code de la commande publique d'où vient le délai.
pub fn article_du_delai(jours: u16) -> &'static str {
    match jours {
        50 => "R2192-11 1° du code de la commande publique (établissements publics de santé)",
        60 => "R2192-11 2° du code de la commande publique (entreprises publiques)",
        _ => "R2192-10 du code de la commande publique (État, collectivités territoriales et leurs établissements)",
    }
}

/// Où en est le délai d'une facture, à une date donnée.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuiviDelai {
    /// Date de mise à disposition du destinataire : départ du délai (R2192-12).
    pub debut: NaiveDate,
    pub delai_jours: u16,
    pub echeance: NaiveDate,
    /// Date de mise en paiement, si elle a eu lieu.
    pub mise_en_paiement: Option<NaiveDate>,
    /// Jours restants avant l'échéance (0 le jour même), à la date de référence.
    pub jours_restants: i64,
    /// Jours de retard (0 si à l'heure), à la date de référence.
    pub jours_retard: i64,
}

/// `reference` est la date de mise en paiement si elle existe, sinon la date simulée du jour.
pub fn suivre(debut: NaiveDate, delai_jours: u16, mise_en_paiement: Option<NaiveDate>, aujourd_hui: NaiveDate) -> SuiviDelai {
    let _ = (debut, delai_jours, mise_en_paiement, aujourd_hui);
    todo!()
}
