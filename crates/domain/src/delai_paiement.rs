//! Délai global de paiement (DGP) d'une facture, tel que le code de la commande publique le
//! calcule. Chorus Pro ne gère pas les délais : c'est un complément pédagogique du simulateur.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// Délai réglementaire selon l'acheteur, en jours (R2192-10 et R2192-11).
/// Si l'annuaire donne `DelaiGlobalPaiementJours`, il prime ; sinon on le déduit de la
/// catégorie juridique INSEE : 50 jours pour les établissements publics de santé
/// (7364 établissement d'hospitalisation, 7365 syndicat inter-hospitalier), 60 jours pour les
/// entreprises publiques (catégories 41xx : établissements publics industriels et commerciaux,
/// 5xxx : sociétés), 30 jours sinon (État, collectivités, leurs établissements, dont les
/// établissements médico-sociaux 7366 — piège classique).
pub fn delai_reglementaire(categorie_juridique: Option<&str>, delai_annuaire: Option<u16>) -> u16 {
    if let Some(jours) = delai_annuaire {
        return jours;
    }
    let categorie = categorie_juridique.map(str::trim).unwrap_or("");
    if categorie.is_empty() || !categorie.bytes().all(|b| b.is_ascii_digit()) {
        return DELAI_ETAT_COLLECTIVITES;
    }
    match categorie {
        "7364" | "7365" => DELAI_SANTE,
        c if c.starts_with("41") || c.starts_with('5') => DELAI_ENTREPRISES_PUBLIQUES,
        _ => DELAI_ETAT_COLLECTIVITES,
    }
}

/// R2192-10 : l'État, les collectivités territoriales et leurs établissements publics.
const DELAI_ETAT_COLLECTIVITES: u16 = 30;
/// R2192-11 1° : les établissements publics de santé.
const DELAI_SANTE: u16 = 50;
/// R2192-11 2° : les entreprises publiques.
const DELAI_ENTREPRISES_PUBLIQUES: u16 = 60;

/// L'article du code de la commande publique d'où vient le délai.
pub fn article_du_delai(jours: u16) -> &'static str {
    match jours {
        50 => "R2192-11 1° du code de la commande publique (établissements publics de santé)",
        60 => "R2192-11 2° du code de la commande publique (entreprises publiques)",
        _ => {
            "R2192-10 du code de la commande publique (État, collectivités territoriales et leurs établissements)"
        }
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
/// Payer le jour de l'échéance n'est pas un retard.
pub fn suivre(
    debut: NaiveDate,
    delai_jours: u16,
    mise_en_paiement: Option<NaiveDate>,
    aujourd_hui: NaiveDate,
) -> SuiviDelai {
    // `checked_add_days` ne peut échouer qu'aux confins du calendrier de chrono (an 262 143) :
    // on s'arrête alors à la dernière date représentable plutôt que de paniquer.
    let echeance = debut.checked_add_days(Days::new(u64::from(delai_jours))).unwrap_or(NaiveDate::MAX);
    let reference = mise_en_paiement.unwrap_or(aujourd_hui);
    let ecart = echeance.signed_duration_since(reference).num_days();
    SuiviDelai {
        debut,
        delai_jours,
        echeance,
        mise_en_paiement,
        jours_restants: ecart.max(0),
        jours_retard: (-ecart).max(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(a: i32, m: u32, j: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(a, m, j).unwrap()
    }

    #[test]
    fn delai_selon_la_categorie_juridique() {
        assert_eq!(delai_reglementaire(Some("7364"), None), 50); // établissement d'hospitalisation
        assert_eq!(delai_reglementaire(Some("7365"), None), 50); // syndicat inter-hospitalier
        assert_eq!(delai_reglementaire(Some("7366"), None), 30); // EHPAD public : piège, 30 jours
        assert_eq!(delai_reglementaire(Some("4140"), None), 60); // EPIC
        assert_eq!(delai_reglementaire(Some("5710"), None), 60); // SAS (entreprise publique)
        assert_eq!(delai_reglementaire(Some("7210"), None), 30); // commune
        assert_eq!(delai_reglementaire(Some("7172"), None), 30); // service de l'État
        assert_eq!(delai_reglementaire(Some(" 7364 "), None), 50);
        assert_eq!(delai_reglementaire(Some(""), None), 30);
        assert_eq!(delai_reglementaire(Some("abc"), None), 30);
        assert_eq!(delai_reglementaire(None, None), 30);
    }

    #[test]
    fn le_delai_de_l_annuaire_prime() {
        assert_eq!(delai_reglementaire(Some("7210"), Some(60)), 60);
        assert_eq!(delai_reglementaire(Some("7364"), Some(30)), 30);
        assert_eq!(delai_reglementaire(None, Some(50)), 50);
    }

    #[test]
    fn articles() {
        assert!(article_du_delai(50).contains("R2192-11 1°"));
        assert!(article_du_delai(60).contains("R2192-11 2°"));
        assert!(article_du_delai(30).contains("R2192-10"));
    }

    #[test]
    fn en_cours_avant_l_echeance() {
        let s = suivre(d(2025, 1, 10), 30, None, d(2025, 1, 20));
        assert_eq!(s.echeance, d(2025, 2, 9));
        assert_eq!((s.jours_restants, s.jours_retard), (20, 0));
        assert_eq!(s.mise_en_paiement, None);
    }

    #[test]
    fn paye_le_jour_de_l_echeance_n_est_pas_en_retard() {
        let s = suivre(d(2025, 1, 10), 30, Some(d(2025, 2, 9)), d(2025, 6, 1));
        assert_eq!((s.jours_restants, s.jours_retard), (0, 0));
    }

    #[test]
    fn retard_compte_a_la_date_de_mise_en_paiement() {
        // Payée 5 jours après l'échéance ; la date du jour (plus tardive) ne compte plus.
        let s = suivre(d(2025, 1, 10), 30, Some(d(2025, 2, 14)), d(2025, 12, 31));
        assert_eq!((s.jours_restants, s.jours_retard), (0, 5));
        // Pas encore payée, 3 jours après l'échéance.
        let s = suivre(d(2025, 1, 10), 30, None, d(2025, 2, 12));
        assert_eq!((s.jours_restants, s.jours_retard), (0, 3));
    }

    #[test]
    fn fins_de_mois_et_annees_bissextiles() {
        assert_eq!(suivre(d(2024, 1, 31), 30, None, d(2024, 1, 31)).echeance, d(2024, 3, 1));
        assert_eq!(suivre(d(2023, 1, 31), 30, None, d(2023, 1, 31)).echeance, d(2023, 3, 2));
        assert_eq!(suivre(d(2024, 2, 28), 1, None, d(2024, 2, 28)).echeance, d(2024, 2, 29));
        assert_eq!(suivre(d(2024, 12, 15), 50, None, d(2024, 12, 15)).echeance, d(2025, 2, 3));
        assert_eq!(suivre(d(2027, 12, 31), 60, None, d(2027, 12, 31)).echeance, d(2028, 2, 29));
    }

    #[test]
    fn aux_limites_du_calendrier_sans_paniquer() {
        let s = suivre(NaiveDate::MAX, 60, None, NaiveDate::MIN);
        assert_eq!(s.echeance, NaiveDate::MAX);
        assert_eq!(s.jours_retard, 0);
    }

    fn date_2020_2030() -> impl Strategy<Value = NaiveDate> {
        // Du 1er janvier 2020 au 31 décembre 2030.
        (0u64..4018).prop_map(|n| d(2020, 1, 1).checked_add_days(chrono::Days::new(n)).unwrap())
    }

    proptest! {
        #[test]
        fn proprietes_du_suivi(
            debut in date_2020_2030(),
            delai in prop_oneof![Just(30u16), Just(50u16), Just(60u16), 0u16..400],
            paiement in prop::option::of(date_2020_2030()),
            aujourd_hui in date_2020_2030(),
        ) {
            let s = suivre(debut, delai, paiement, aujourd_hui);
            prop_assert_eq!((s.echeance - s.debut).num_days(), i64::from(delai));
            let reference = paiement.unwrap_or(aujourd_hui);
            prop_assert_eq!(s.jours_restants - s.jours_retard, (s.echeance - reference).num_days());
            prop_assert!(s.jours_restants >= 0 && s.jours_retard >= 0);
            prop_assert!(s.jours_restants == 0 || s.jours_retard == 0);
            if paiement.is_some_and(|p| p <= s.echeance) {
                prop_assert_eq!(s.jours_retard, 0);
            }
        }
    }
}
