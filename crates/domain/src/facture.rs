//! Une facture saisie sur le portail : ses références, ses lignes, ses codes.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::erreur::Erreur;
use crate::montants::{self, Ligne, Totaux};

/// Codes de l'API pour les listes fermées : même orthographe que Chorus Pro.
macro_rules! code_enum {
    ($(#[$m:meta])* $nom:ident, $champ:literal { $($var:ident => $code:literal, $lib:literal;)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
    /// `cadreDeFacturation.codeCadreFacturation` pour le type de demande de paiement FACTURE.
    CadreFacturation, "cadre de facturation" {
        A1FactureFournisseur => "A1_FACTURE_FOURNISSEUR", "A1 : Dépôt par un fournisseur d'une facture";
        A2FactureFournisseurDejaPayee => "A2_FACTURE_FOURNISSEUR_DEJA_PAYEE", "A2 : Dépôt par un fournisseur d'une facture déjà payée";
        A9FactureSousTraitant => "A9_FACTURE_SOUSTRAITANT", "A9 : Dépôt par un sous-traitant d'une facture";
        A12FactureCotraitant => "A12_FACTURE_COTRAITANT", "A12 : Dépôt par un cotraitant d'une facture";
    }
);

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
