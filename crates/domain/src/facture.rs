//! Une facture saisie sur le portail : ses références, ses lignes, ses codes.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::erreur::Erreur;
use crate::montants::{self, Ligne, Totaux};

/// Codes de l'API pour les listes fermées : même orthographe que Chorus Pro.
macro_rules! code_enum {
    ($(#[$m:meta])* $nom:ident, $champ:literal { $($var:ident => $code:literal, $lib:literal;)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $nom { $(#[serde(rename = $code)] $var,)+ }
        impl $nom {
            pub const TOUS: &'static [$nom] = &[$($nom::$var,)+];
            pub fn code(self) -> &'static str { match self { $($nom::$var => $code,)+ } }
            pub fn libelle(self) -> &'static str { match self { $($nom::$var => $lib,)+ } }
            pub fn depuis_code(code: &str) -> Result<Self, Erreur> {
                match code.trim() {
                    $($code => Ok($nom::$var),)+
                    autre => Err(Erreur::CodeInconnu { champ: $champ, valeur: autre.to_string() }),
                }
            }
        }
    };
}

code_enum!(
    /// `references.typeFacture`.
    TypeFacture, "type de facture" {
        Facture => "FACTURE", "Facture";
        Avoir => "AVOIR", "Avoir";
    }
);

code_enum!(
    /// `cadreDeFacturation.codeCadreFacturation` : les cadres des factures (type de demande de
    /// paiement FACTURE : A1, A2, A9, A12) et des pièces de travaux (FACTURE_TRAVAUX), avec le
    /// libellé de chacun.
    CadreFacturation, "cadre de facturation" {
        A1FactureFournisseur => "A1_FACTURE_FOURNISSEUR", "A1 : Dépôt par un fournisseur d'une facture";
        A2FactureFournisseurDejaPayee => "A2_FACTURE_FOURNISSEUR_DEJA_PAYEE", "A2 : Dépôt par un fournisseur d'une facture déjà payée";
        A9FactureSousTraitant => "A9_FACTURE_SOUSTRAITANT", "A9 : Dépôt par un sous-traitant d'une facture";
        A12FactureCotraitant => "A12_FACTURE_COTRAITANT", "A12 : Dépôt par un cotraitant d'une facture";
        A4ProjetDecompteMensuel => "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR", "A4 : Dépôt par un fournisseur d'un projet de décompte mensuel";
        A5EtatAcompteFournisseur => "A5_ETAT_ACOMPTE_FOURNISSEUR", "A5 : Dépôt par un fournisseur d'un état d'acompte";
        A6EtatAcompteValideFournisseur => "A6_ETAT_ACOMPTE_VALIDE_FOURNISSEUR", "A6 : Dépôt par un fournisseur d'un état d'acompte validé";
        A7ProjetDecompteFinal => "A7_PROJET_DECOMPTE_FINAL_FOURNISSEUR", "A7 : Dépôt par un fournisseur d'un projet de décompte final";
        A8DecompteGeneralDefinitif => "A8_DECOMPTE_GENERAL_DEFINITIF_FOURNISSEUR", "A8 : Dépôt par un fournisseur d'un décompte général et définitif";
        A10ProjetDecompteMensuelSousTraitant => "A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT", "A10 : Dépôt par un sous-traitant d'un projet de décompte mensuel";
        A11ProjetDecompteFinalSousTraitant => "A11_PROJET_DECOMPTE_FINAL_SOUSTRAITANT", "A11 : Dépôt par un sous-traitant d'un projet de décompte final";
        A13ProjetDecompteMensuelCotraitant => "A13_PROJET_DECOMPTE_MENSUEL_COTRAITANT", "A13 : Dépôt par un cotraitant d'un projet de décompte mensuel";
        A14ProjetDecompteFinalCotraitant => "A14_PROJET_DECOMPTE_FINAL_COTRAITANT", "A14 : Dépôt par un cotraitant d'un projet de décompte final";
        A15EtatAcompteMoe => "A15_ETAT_ACOMPTE_MOE", "A15 : Dépôt par une MOE d'un état d'acompte";
        A16EtatAcompteValideMoe => "A16_ETAT_ACOMPTE_VALIDE_MOE", "A16 : Dépôt par une MOE d'un état d'acompte validé";
        A17ProjetDecompteGeneralMoe => "A17_PROJET_DECOMPTE_GENERAL_MOE", "A17 : Dépôt par une MOE d'un projet de décompte général";
        A18DecompteGeneralMoe => "A18_DECOMPTE_GENERAL_MOE", "A18 : Dépôt par une MOE d'un décompte général";
        A19EtatAcompteValideMoa => "A19_ETAT_ACOMPTE_VALIDE_MOA", "A19 : Dépôt par une MOA d'un état d'acompte validé";
        A20DecompteGeneralMoa => "A20_DECOMPTE_GENERAL_MOA", "A20 : Dépôt par une MOA d'un décompte général";
        A22ProjetDecompteGeneralTacite => "A22_PROJET_DECOMPTE_GENERAL_FOURNISSEUR_PROCEDURE_TACITE", "A22 : Dépôt par un fournisseur ou mandataire d'un projet de décompte général dans le cadre d'une procédure tacite";
        A23DecompteGeneralDefinitifTacite => "A23_DECOMPTE_GENERAL_DEFINITIF_TACITE_FOURNISSEUR", "A23 : Dépôt par un fournisseur ou mandataire d'un décompte général et définitif tacite";
        A24DecompteGeneralDefinitifTaciteMoe => "A24_DECOMPTE_GENERAL_DEFINITIF_TACITE_MOE", "A24 : Dépôt par une MOE d'un décompte général et définitif tacite";
        A25DecompteGeneralDefinitifMoaTacite => "A25_DECOMPTE_GENERAL_DEFINITIF_MOE_PROCEDURE_TACITE", "A25 : Dépôt par une MOA d'un décompte général et définitif dans le cadre d'une procédure tacite";
    }
);

/// Le type de demande de paiement d'un cadre (`recupererCadreFacturation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeDemandePaiement {
    /// « Factures émises » : A1, A2, A9, A12.
    Facture,
    /// « Factures de travaux » : projets de décompte, états d'acompte, décomptes généraux.
    FactureTravaux,
}

impl CadreFacturation {
    pub fn type_demande(self) -> TypeDemandePaiement {
        match self {
            Self::A1FactureFournisseur
            | Self::A2FactureFournisseurDejaPayee
            | Self::A9FactureSousTraitant
            | Self::A12FactureCotraitant => TypeDemandePaiement::Facture,
            _ => TypeDemandePaiement::FactureTravaux,
        }
    }

    /// Une pièce de travaux : elle se dépose dans « Factures de travaux ».
    pub fn est_travaux(self) -> bool {
        self.type_demande() == TypeDemandePaiement::FactureTravaux
    }

    /// Le code court (« A4 »), tel que les flux et les fiches d'identité du marché l'écrivent.
    pub fn code_court(self) -> &'static str {
        self.libelle().split(' ').next().unwrap_or("")
    }

    /// Les cadres du type « facture », que proposent « Saisir facture » et « Déposer facture ».
    pub fn de_facture() -> impl Iterator<Item = CadreFacturation> {
        Self::TOUS.iter().copied().filter(|c| !c.est_travaux())
    }

    /// Les pièces de travaux qu'un fournisseur dépose pour ouvrir un dossier : projet de
    /// décompte mensuel ou final, selon qu'il est titulaire, sous-traitant ou cotraitant.
    pub const TRAVAUX_DU_FOURNISSEUR: [CadreFacturation; 6] = [
        Self::A4ProjetDecompteMensuel,
        Self::A10ProjetDecompteMensuelSousTraitant,
        Self::A13ProjetDecompteMensuelCotraitant,
        Self::A7ProjetDecompteFinal,
        Self::A11ProjetDecompteFinalSousTraitant,
        Self::A14ProjetDecompteFinalCotraitant,
    ];

    /// Un projet de décompte final (A7, A11, A14) : le dossier mène au décompte général.
    pub fn est_decompte_final(self) -> bool {
        matches!(
            self,
            Self::A7ProjetDecompteFinal
                | Self::A11ProjetDecompteFinalSousTraitant
                | Self::A14ProjetDecompteFinalCotraitant
        )
    }
}

code_enum!(
    /// `references.modePaiement`.
    ModePaiement, "mode de paiement" {
        Virement => "VIREMENT", "Virement";
        Cheque => "CHEQUE", "Chèque";
        Prelevement => "PRELEVEMENT", "Prélèvement";
        Espece => "ESPECE", "Espèces";
        Report => "REPORT", "Report";
        Autre => "AUTRE", "Autre";
    }
);

code_enum!(
    /// `references.typeTva`.
    TypeTva, "type de TVA" {
        TvaSurDebit => "TVA_SUR_DEBIT", "TVA sur les débits";
        TvaSurEncaissement => "TVA_SUR_ENCAISSEMENT", "TVA sur les encaissements";
        Exoneration => "EXONERATION", "Exonération";
        SansTva => "SANS_TVA", "Sans TVA";
    }
);

/// Une facture dont la saisie a été analysée (types corrects) ; les règles de Chorus Pro
/// sont vérifiées à part, par [`crate::saisie::controler`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facture {
    pub numero: String,
    pub date_facture: NaiveDate,
    pub type_facture: TypeFacture,
    pub cadre: CadreFacturation,
    /// SIRET (ou autre identifiant) du destinataire public, tel que saisi (espaces retirés).
    pub destinataire: String,
    pub code_service: String,
    /// Numéro d'engagement juridique (n° de bon de commande), `references.numeroBonCommande`.
    pub numero_engagement: String,
    pub numero_marche: String,
    pub mode_paiement: ModePaiement,
    pub type_tva: TypeTva,
    pub motif_exoneration: String,
    /// Numéro de la facture d'origine (avoir), `references.numeroFactureOrigine`.
    pub numero_facture_origine: String,
    pub commentaire: String,
    /// Cadres A9 et A12 : le SIRET du premier valideur (`codeStructureValideur`), que le
    /// fournisseur désigne et peut corriger.
    #[serde(default)]
    pub code_structure_valideur: String,
    /// Le service du valideur, facultatif (`codeServiceValideur`).
    #[serde(default)]
    pub code_service_valideur: String,
    pub lignes: Vec<Ligne>,
}

impl Facture {
    pub fn totaux(&self) -> Totaux {
        montants::calculer(&self.lignes, self.cadre == CadreFacturation::A2FactureFournisseurDejaPayee)
    }
}
