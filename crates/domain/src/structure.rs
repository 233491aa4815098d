//! Structures (entités juridiques) et services, avec les paramètres que l'annuaire publie
//! pour chaque destinataire public.

use serde::{Deserialize, Serialize};

use crate::erreur::Erreur;

/// Service réservé aux factures entre entités publiques : un fournisseur ne doit jamais l'utiliser.
pub const FACTURES_PUBLIQUES: &str = "FACTURES_PUBLIQUES";

/// Type d'identifiant d'une structure. Les codes numériques sont ceux des flux et de
/// l'annuaire (1 à 7) ; le code API est celui de `typeIdentifiantStructure`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TypeIdentifiant {
    Siret,
    UeHorsFrance,
    HorsUe,
    Ridet,
    Tahiti,
    EnCoursImmatriculation,
    Particulier,
}

impl TypeIdentifiant {
    pub const TOUS: [TypeIdentifiant; 7] = [
        Self::Siret,
        Self::UeHorsFrance,
        Self::HorsUe,
        Self::Ridet,
        Self::Tahiti,
        Self::EnCoursImmatriculation,
        Self::Particulier,
    ];

    pub fn code_numerique(self) -> u8 {
        match self {
            Self::Siret => 1,
            Self::UeHorsFrance => 2,
            Self::HorsUe => 3,
            Self::Ridet => 4,
            Self::Tahiti => 5,
            Self::EnCoursImmatriculation => 6,
            Self::Particulier => 7,
        }
    }

    pub fn depuis_code_numerique(code: &str) -> Result<Self, Erreur> {
        Self::TOUS
            .into_iter()
            .find(|t| t.code_numerique().to_string() == code.trim())
            .ok_or_else(|| Erreur::CodeInconnu { champ: "TypeIdentifiant", valeur: code.to_string() })
    }

    pub fn code_api(self) -> &'static str {
        match self {
            Self::Siret => "SIRET",
            Self::UeHorsFrance => "UE_HORS_FRANCE",
            Self::HorsUe => "HORS_UE",
            Self::Ridet => "RIDET",
            Self::Tahiti => "TAHITI",
            Self::EnCoursImmatriculation => "AUTRE",
            Self::Particulier => "PARTICULIER",
        }
    }

    pub fn libelle(self) -> &'static str {
        match self {
            Self::Siret => "SIRET",
            Self::UeHorsFrance => "Structure européenne hors France",
            Self::HorsUe => "Structure hors UE",
            Self::Ridet => "Structure avec RIDET",
            Self::Tahiti => "Structure avec numéro TAHITI",
            Self::EnCoursImmatriculation => "Structure en cours d'immatriculation",
            Self::Particulier => "Particulier",
        }
    }
}

/// Paramètres d'un destinataire public, tels que l'annuaire Chorus Pro les publie.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ParametresDestinataire {
    /// `GestionService` : le code service doit être renseigné.
    pub code_service_obligatoire: bool,
    /// `GestionEngagement` : le numéro d'engagement juridique doit être renseigné.
    pub engagement_obligatoire: bool,
    /// `GestionServiceEngagement` : le code service **ou** l'engagement doit être renseigné.
    pub service_ou_engagement: bool,
    /// Code service **et** engagement exigés (combinaison des deux premiers drapeaux).
    pub service_et_engagement: bool,
    /// `EstMOA` : la structure peut être maître d'ouvrage (factures de travaux).
    pub est_moa: bool,
    /// `EstMOAUniquement` : la structure ne reçoit que des factures de travaux.
    pub est_moa_uniquement: bool,
    /// `StructureActive`.
    pub active: bool,
    /// `GestionStatutMiseEnPaiement` : la structure ne remonte pas le statut « Mise en paiement ».
    pub mise_en_paiement_non_remontee: bool,
    pub emetteur_edi: bool,
    pub recepteur_edi: bool,
}

impl ParametresDestinataire {
    pub fn exige_code_service(&self) -> bool {
        self.code_service_obligatoire || self.service_et_engagement
    }
    pub fn exige_engagement(&self) -> bool {
        self.engagement_obligatoire || self.service_et_engagement
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Adresse {
    pub adresse: String,
    pub complement1: String,
    pub complement2: String,
    pub code_postal: String,
    pub ville: String,
    pub code_pays: String,
    pub libelle_pays: String,
}

/// Une structure publique de l'annuaire des destinataires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StructurePublique {
    pub type_identifiant: TypeIdentifiant,
    pub identifiant: String,
    pub raison_sociale: String,
    pub parametres: ParametresDestinataire,
    pub adresse: Adresse,
    pub telephone: String,
    pub courriel: String,
    /// Catégorie juridique INSEE (colonne de formation `CategorieJuridique`), si connue.
    pub categorie_juridique: Option<String>,
    /// Délai global de paiement applicable à cet acheteur.
    pub delai_paiement_jours: u16,
}

/// Un service d'une structure publique.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    pub identifiant_structure: String,
    pub code: String,
    pub libelle: String,
    /// L'engagement juridique est obligatoire pour ce service.
    pub engagement_obligatoire: bool,
    pub actif: bool,
}

/// Une entreprise du registre fictif (le substitut de la base SIRENE de l'INSEE).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entreprise {
    pub siret: String,
    pub raison_sociale: String,
    pub categorie_juridique: String,
    pub forme_juridique: String,
    pub adresse: String,
    pub code_postal: String,
    pub ville: String,
    pub active: bool,
    pub role: String,
}
