//! Lecture de l'annuaire des destinataires au format de l'export Chorus Pro (`;`) et du
//! fichier des services. Ce module ne lit pas de fichier : il reçoit l'en-tête et les champs
//! de chaque ligne, et dit ce qu'ils valent ou pourquoi la ligne est refusée.

use crate::erreur::Erreur;
use crate::structure::{Service, StructurePublique};

/// Positions des colonnes utiles dans l'en-tête d'un export d'annuaire.
#[derive(Debug, Clone)]
pub struct EnteteAnnuaire {
    _positions: (),
}

impl EnteteAnnuaire {
    /// Refuse un en-tête auquel manque une colonne obligatoire ; les colonnes inconnues sont
    /// ignorées ; `CategorieJuridique` et `DelaiGlobalPaiementJours` sont facultatives.
    pub fn depuis(colonnes: &[&str]) -> Result<Self, Erreur> {
        let _ = colonnes;
        todo!()
    }

    /// Lit une ligne (numéro de ligne du fichier, pour le message d'erreur).
    pub fn lire(&self, numero_ligne: usize, champs: &[&str]) -> Result<StructurePublique, Erreur> {
        let _ = (numero_ligne, champs);
        todo!()
    }
}

/// Positions des colonnes du fichier des services
/// (`IdentifiantStructure;CodeService;LibelleService;EngagementObligatoire;Actif`).
#[derive(Debug, Clone)]
pub struct EnteteServices {
    _positions: (),
}

impl EnteteServices {
    pub fn depuis(colonnes: &[&str]) -> Result<Self, Erreur> {
        let _ = colonnes;
        todo!()
    }

    pub fn lire(&self, numero_ligne: usize, champs: &[&str]) -> Result<Service, Erreur> {
        let _ = (numero_ligne, champs);
        todo!()
    }
}
