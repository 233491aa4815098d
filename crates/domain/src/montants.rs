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
    pub const TOUS: [TauxTva; 5] =
        [Self::Normal, Self::Intermediaire, Self::Reduit, Self::Particulier, Self::Zero];

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

/// Le code de taux de l'API (`lignePosteTauxTva`, liste `recuperer/tauxtva`) dont la
/// correspondance est attestée : `TVA1`, « Art 293B (FranchiseEnBase) », 0 %.
pub const CODE_TVA_FRANCHISE: &str = "TVA1";
/// Son libellé, repris comme motif d'exonération quand la facture n'en donne pas.
pub const LIBELLE_TVA_FRANCHISE: &str = "Art 293B (FranchiseEnBase)";

/// Les motifs d'exonération que propose `recuperer/motifs/exonerationtva` : la mention de la
/// franchise en base et celle de l'autoliquidation (sous-traitance du BTP), les deux mentions
/// qu'exige l'article 242 nonies A de l'annexe II du CGI dans ces cas. Choix du simulateur :
/// la liste du vrai service n'est pas publiée, ni ses codes ; `soumettre` remplace un de ces
/// codes par sa mention.
pub const MOTIFS_EXONERATION: [(&str, &str); 2] =
    [("FRANCHISE_EN_BASE", "TVA non applicable, art. 293 B du CGI"), ("AUTOLIQUIDATION", "Autoliquidation")];

/// La mention d'un motif d'exonération donné par son code ; le texte tel quel sinon.
pub fn mention_d_exoneration(motif: &str) -> &str {
    MOTIFS_EXONERATION.iter().find(|(code, _)| *code == motif.trim()).map_or(motif, |(_, mention)| mention)
}

/// Le taux d'un code `lignePosteTauxTva`. La table complète des codes de Chorus Pro n'est pas
/// publiée dans les sources : seul `TVA1` (0 %, franchise en base) est attesté. Un autre code
/// (`TVA5`, `TVA20`…) n'est pas deviné : `None`, et l'appelant demande le taux en clair
/// (`lignePosteTauxTvaManuel`).
pub fn taux_du_code_tva(code: &str) -> Option<TauxTva> {
    (code.trim() == CODE_TVA_FRANCHISE).then_some(TauxTva::Zero)
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
    let mut texte = format_nombre(arrondir(montant), 2);
    texte.push_str(" €");
    texte
}

/// « 1 234,5 » : décimales réduites au nécessaire (au moins `min_decimales`).
pub fn format_nombre(valeur: Decimal, min_decimales: u32) -> String {
    use std::fmt::Write;
    let mut v = valeur.normalize();
    if v.scale() < min_decimales {
        v.rescale(min_decimales);
    }
    // Un seul texte construit : les pages affichent des dizaines de montants.
    let mut chiffres = String::with_capacity(40);
    let _ = write!(chiffres, "{}", v.abs());
    let (entier, decimales) = chiffres.split_once('.').unwrap_or((&chiffres, ""));
    let mut texte = String::with_capacity(chiffres.len() + entier.len() / 3 * 3 + 4);
    if valeur.is_sign_negative() && !valeur.is_zero() {
        texte.push('-');
    }
    for (i, c) in entier.chars().enumerate() {
        if i > 0 && (entier.len() - i) % 3 == 0 {
            texte.push('\u{202f}');
        }
        texte.push(c);
    }
    if !decimales.is_empty() {
        texte.push(',');
        texte.push_str(decimales);
    }
    texte
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    fn ligne(quantite: Decimal, prix: Decimal, remise: Decimal, taux: TauxTva) -> Ligne {
        Ligne {
            reference: String::new(),
            designation: "Prestation".into(),
            quantite,
            unite: String::new(),
            prix_unitaire_ht: prix,
            remise_ht: remise,
            taux_tva: taux,
        }
    }

    #[test]
    fn seul_le_code_tva1_se_traduit() {
        assert_eq!(taux_du_code_tva("TVA1"), Some(TauxTva::Zero));
        assert_eq!(taux_du_code_tva(" TVA1 "), Some(TauxTva::Zero));
        for code in ["TVA5", "TVA20", "TVA10", "TVA", "tva1", "20", ""] {
            assert_eq!(taux_du_code_tva(code), None, "{code}");
        }
    }

    #[test]
    fn arrondi_commercial_a_la_moitie() {
        assert_eq!(arrondir(dec!(1.005)), dec!(1.01));
        assert_eq!(arrondir(dec!(1.004999)), dec!(1.00));
        assert_eq!(arrondir(dec!(-1.005)), dec!(-1.01));
        assert_eq!(arrondir(dec!(2.675)), dec!(2.68));
    }

    #[test]
    fn trois_fois_0_335() {
        let l = ligne(dec!(3), dec!(0.335), Decimal::ZERO, TauxTva::Normal);
        assert_eq!(l.montant_ht(), dec!(1.01)); // 1,005 → 1,01
        let t = calculer(&[l], false);
        assert_eq!(t.total_ht, dec!(1.01));
        assert_eq!(t.total_tva, dec!(0.20)); // 0,202 → 0,20
        assert_eq!(t.total_ttc, dec!(1.21));
        assert_eq!(t.montant_a_payer, dec!(1.21));
    }

    #[test]
    fn plusieurs_taux_ventiles_du_plus_fort_au_plus_faible() {
        let lignes = [
            ligne(dec!(3), dec!(7.99), Decimal::ZERO, TauxTva::Reduit), // 23,97 ; TVA 1,31835 → 1,32
            ligne(dec!(10), dec!(12.50), Decimal::ZERO, TauxTva::Normal), // 125,00 ; TVA 25,00
            ligne(dec!(2), dec!(15), Decimal::ZERO, TauxTva::Intermediaire), // 30,00 ; TVA 3,00
            ligne(dec!(1), dec!(40), Decimal::ZERO, TauxTva::Zero),     // 40,00 ; TVA 0
        ];
        let t = calculer(&lignes, false);
        let ventilation: Vec<(TauxTva, Decimal, Decimal)> =
            t.tva.iter().map(|l| (l.taux, l.base_ht, l.montant_tva)).collect();
        assert_eq!(
            ventilation,
            vec![
                (TauxTva::Normal, dec!(125.00), dec!(25.00)),
                (TauxTva::Intermediaire, dec!(30.00), dec!(3.00)),
                (TauxTva::Reduit, dec!(23.97), dec!(1.32)),
                (TauxTva::Zero, dec!(40.00), dec!(0)),
            ]
        );
        assert_eq!(t.total_ht, dec!(218.97));
        assert_eq!(t.total_tva, dec!(29.32));
        assert_eq!(t.total_ttc, dec!(248.29));
    }

    #[test]
    fn tva_calculee_par_taux_et_non_par_ligne() {
        // Deux lignes de 0,05 € à 5,5 % : 0,00275 € de TVA chacune (0,00 arrondi), mais la TVA
        // se calcule sur la base du taux : 0,10 × 5,5 % = 0,0055 → 0,01.
        let l = ligne(dec!(1), dec!(0.05), Decimal::ZERO, TauxTva::Reduit);
        let t = calculer(&[l.clone(), l], false);
        assert_eq!(t.total_ht, dec!(0.10));
        assert_eq!(t.total_tva, dec!(0.01));
        // 2,1 % de 0,25 = 0,00525 → 0,01 (moitié vers le haut).
        let t = calculer(&[ligne(dec!(1), dec!(0.25), Decimal::ZERO, TauxTva::Particulier)], false);
        assert_eq!(t.total_tva, dec!(0.01));
    }

    #[test]
    fn remise_sur_la_ligne() {
        let l = ligne(dec!(4), dec!(25), dec!(10), TauxTva::Normal);
        assert_eq!(l.montant_ht(), dec!(90));
        let t = calculer(&[l], false);
        assert_eq!((t.total_ht, t.total_tva, t.total_ttc), (dec!(90), dec!(18), dec!(108)));
        // Remise et prix à 6 décimales : arrondi du résultat, pas des termes.
        let l = ligne(dec!(1.5), dec!(0.333333), dec!(0.10), TauxTva::Normal);
        assert_eq!(l.montant_ht(), dec!(0.40)); // 0,4999995 − 0,10 = 0,3999995 → 0,40
    }

    #[test]
    fn facture_deja_payee_a2_montant_a_payer_nul() {
        let t = calculer(&[ligne(dec!(2), dec!(50), Decimal::ZERO, TauxTva::Normal)], true);
        assert_eq!(t.total_ttc, dec!(120));
        assert_eq!(t.montant_a_payer, Decimal::ZERO);
    }

    #[test]
    fn aucune_ligne_totaux_nuls() {
        let t = calculer(&[], false);
        assert!(t.tva.is_empty());
        assert_eq!(t.total_ttc, Decimal::ZERO);
    }

    #[test]
    fn format_francais() {
        assert_eq!(format_euros(dec!(1234.5)), "1\u{202f}234,50 €");
        assert_eq!(format_euros(dec!(0)), "0,00 €");
        assert_eq!(format_euros(dec!(1234567.891)), "1\u{202f}234\u{202f}567,89 €");
        assert_eq!(format_euros(dec!(-12.345)), "-12,35 €");
        assert_eq!(format_euros(dec!(999)), "999,00 €");
        assert_eq!(format_nombre(dec!(5.50), 0), "5,5");
        assert_eq!(format_nombre(dec!(1000000), 0), "1\u{202f}000\u{202f}000");
    }

    #[test]
    fn taux_depuis_saisie() {
        assert_eq!(TauxTva::depuis_saisie("20").unwrap(), TauxTva::Normal);
        assert_eq!(TauxTva::depuis_saisie(" 20 % ").unwrap(), TauxTva::Normal);
        assert_eq!(TauxTva::depuis_saisie("5,5").unwrap(), TauxTva::Reduit);
        assert_eq!(TauxTva::depuis_saisie("5.50").unwrap(), TauxTva::Reduit);
        assert_eq!(TauxTva::depuis_saisie("2,1").unwrap(), TauxTva::Particulier);
        assert_eq!(TauxTva::depuis_saisie("0").unwrap(), TauxTva::Zero);
        assert!(TauxTva::depuis_saisie("19,6").is_err());
        assert!(TauxTva::depuis_saisie("vingt").is_err());
    }

    fn taux_quelconque() -> impl Strategy<Value = TauxTva> {
        prop::sample::select(TauxTva::TOUS.to_vec())
    }

    /// Une ligne bien formée : quantité ≤ 10⁶ à 4 décimales, prix ≤ 10⁸ à 6 décimales,
    /// remise au centime et au plus égale à quantité × prix.
    fn ligne_quelconque() -> impl Strategy<Value = Ligne> {
        (1i64..=10_000_000_000, 0i64..=100_000_000_000_000, 0u32..=100, taux_quelconque()).prop_map(
            |(q, p, part_remise, taux)| {
                let quantite = Decimal::new(q, 4);
                let prix = Decimal::new(p, 6);
                let brut = quantite * prix;
                let remise = (brut * Decimal::from(part_remise) / Decimal::ONE_HUNDRED)
                    .round_dp_with_strategy(2, RoundingStrategy::ToZero);
                ligne(quantite, prix, remise, taux)
            },
        )
    }

    proptest! {
        #[test]
        fn totaux_coherents(lignes in prop::collection::vec(ligne_quelconque(), 0..30), deja_payee in any::<bool>()) {
            let t = calculer(&lignes, deja_payee);
            prop_assert_eq!(t.total_ttc, t.total_ht + t.total_tva);
            for montant in [t.total_ht, t.total_tva, t.total_ttc, t.montant_a_payer] {
                prop_assert!(montant.normalize().scale() <= 2, "{} a plus de 2 décimales", montant);
            }
            for l in &t.tva {
                prop_assert!(l.base_ht.normalize().scale() <= 2);
                prop_assert!(l.montant_tva.normalize().scale() <= 2);
            }
            let somme: Decimal = lignes.iter().map(Ligne::montant_ht).sum();
            prop_assert_eq!(t.total_ht, somme);
            prop_assert_eq!(t.montant_a_payer, if deja_payee { Decimal::ZERO } else { t.total_ttc });
        }
    }
}
