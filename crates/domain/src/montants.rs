//! Montants d'une facture : totaux de lignes, ventilation de TVA, totaux.
//!
//! Règle d'arrondi, écrite une seule fois ici : tout montant en euros est arrondi au centime,
//! à la moitié la plus éloignée de zéro (« arrondi commercial » : 0,005 → 0,01).
//! - montant HT d'une ligne = arrondi(quantité × prix unitaire HT − remise HT) ;
//! - base HT d'un taux = somme des montants HT (déjà arrondis) des lignes à ce taux ;
//! - TVA d'un taux = arrondi(base HT × taux / 100) : la TVA est calculée par taux, jamais par ligne,
//!   comme le veut la norme EN 16931 (BR-CO-17) ;
//! - total HT = somme des bases ; total TVA = somme des TVA par taux ; TTC = HT + TVA ;
//! - montant à payer = TTC, ou 0 pour une facture déjà payée (cadre A2).

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::erreur::Erreur;

pub fn arrondir(montant: Decimal) -> Decimal {
    montant.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// Les taux de TVA français acceptés à la saisie.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum TauxTva {
    /// 0 % : exige un motif d'exonération.
    Zero,
    /// 2,1 % (taux particulier).
    Particulier,
    /// 5,5 % (taux réduit).
    Reduit,
    /// 10 % (taux intermédiaire).
    Intermediaire,
    /// 20 % (taux normal).
    Normal,
}

impl TauxTva {
    pub const TOUS: [TauxTva; 5] = [Self::Normal, Self::Intermediaire, Self::Reduit, Self::Particulier, Self::Zero];

    pub fn pourcentage(self) -> Decimal {
        match self {
            Self::Zero => Decimal::ZERO,
            Self::Particulier => Decimal::new(21, 1),
            Self::Reduit => Decimal::new(55, 1),
            Self::Intermediaire => Decimal::new(10, 0),
            Self::Normal => Decimal::new(20, 0),
        }
    }

    /// Le taux tel qu'on l'écrit en français : « 20 », « 5,5 », « 2,1 ».
    pub fn libelle(self) -> &'static str {
        match self {
            Self::Zero => "0",
            Self::Particulier => "2,1",
            Self::Reduit => "5,5",
            Self::Intermediaire => "10",
            Self::Normal => "20",
        }
    }

    /// Reconnaît « 20 », « 20 % », « 5.5 », « 5,5 », « 5,50 ».
    pub fn depuis_saisie(s: &str) -> Result<Self, Erreur> {
        let propre = s.trim().trim_end_matches('%').trim().replace(',', ".");
        let valeur: Decimal = propre
            .parse()
            .map_err(|_| Erreur::CodeInconnu { champ: "taux de TVA", valeur: s.to_string() })?;
        Self::TOUS
            .into_iter()
            .find(|t| t.pourcentage() == valeur)
            .ok_or_else(|| Erreur::CodeInconnu { champ: "taux de TVA", valeur: s.to_string() })
    }
}

/// Une ligne de facture, déjà analysée.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ligne {
    pub reference: String,
    pub designation: String,
    pub quantite: Decimal,
    pub unite: String,
    pub prix_unitaire_ht: Decimal,
    /// Remise HT sur la ligne, en euros (`lignePosteMontantRemiseHT`).
    pub remise_ht: Decimal,
    pub taux_tva: TauxTva,
}

impl Ligne {
    pub fn montant_ht(&self) -> Decimal {
        arrondir(self.quantite * self.prix_unitaire_ht - self.remise_ht)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LigneTva {
    pub taux: TauxTva,
    pub base_ht: Decimal,
    pub montant_tva: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Totaux {
    /// Ventilation par taux, du plus fort au plus faible.
    pub tva: Vec<LigneTva>,
    pub total_ht: Decimal,
    pub total_tva: Decimal,
    pub total_ttc: Decimal,
    pub montant_a_payer: Decimal,
}

pub fn calculer(lignes: &[Ligne], deja_payee: bool) -> Totaux {
    let mut tva: Vec<LigneTva> = Vec::new();
    for taux in TauxTva::TOUS {
        let concernees: Vec<&Ligne> = lignes.iter().filter(|l| l.taux_tva == taux).collect();
        if concernees.is_empty() {
            continue;
        }
        let base_ht: Decimal = concernees.iter().map(|l| l.montant_ht()).sum();
        let montant_tva = arrondir(base_ht * taux.pourcentage() / Decimal::ONE_HUNDRED);
        tva.push(LigneTva { taux, base_ht, montant_tva });
    }
    let total_ht: Decimal = tva.iter().map(|t| t.base_ht).sum();
    let total_tva: Decimal = tva.iter().map(|t| t.montant_tva).sum();
    let total_ttc = total_ht + total_tva;
    let montant_a_payer = if deja_payee { Decimal::ZERO } else { total_ttc };
    Totaux { tva, total_ht, total_tva, total_ttc, montant_a_payer }
}

/// Format français d'un montant : « 1 234,56 € » (espace fine insécable pour les milliers).
pub fn format_euros(montant: Decimal) -> String {
    format!("{} €", format_nombre(arrondir(montant), 2))
}

/// « 1 234,5 » : décimales réduites au nécessaire (au moins `min_decimales`).
pub fn format_nombre(valeur: Decimal, min_decimales: u32) -> String {
    let mut v = valeur.normalize();
    if v.scale() < min_decimales {
        v.rescale(min_decimales);
    }
    let texte = v.abs().to_string();
    let (entier, decimales) = texte.split_once('.').unwrap_or((&texte, ""));
    let mut groupe = String::new();
    for (i, c) in entier.chars().enumerate() {
        if i > 0 && (entier.len() - i) % 3 == 0 {
            groupe.push('\u{202f}');
        }
        groupe.push(c);
    }
    let signe = if valeur.is_sign_negative() && !valeur.is_zero() { "-" } else { "" };
    if decimales.is_empty() { format!("{signe}{groupe}") } else { format!("{signe}{groupe},{decimales}") }
}
