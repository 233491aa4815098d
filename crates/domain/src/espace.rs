//! Les espaces d'une structure (« Liste des espaces de la structure », « Ajouter des
//! espaces ») et les abonnements de ses utilisateurs (« Mes abonnements aux espaces ») : le
//! gestionnaire principal ouvre des espaces à la structure, chaque utilisateur s'abonne à ceux
//! dont il a besoin, en consultation ou en modification.

use serde::{Deserialize, Serialize};

use crate::erreur::Erreur;

/// Un espace fonctionnel de Chorus Pro (les anciens onglets, devenus des applications).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Espace {
    FacturesEmises,
    FacturesRecues,
    FacturesTravaux,
    SollicitationsEmises,
    SollicitationsRecues,
    MemoiresFraisJustice,
}

impl Espace {
    /// Dans l'ordre où le portail les présente.
    pub const TOUS: [Espace; 6] = [
        Espace::FacturesEmises,
        Espace::FacturesRecues,
        Espace::FacturesTravaux,
        Espace::SollicitationsEmises,
        Espace::SollicitationsRecues,
        Espace::MemoiresFraisJustice,
    ];

    /// L'espace ouvert à toute structure créée : un fournisseur dépose ses factures.
    pub const PAR_DEFAUT: Espace = Espace::FacturesEmises;

    pub fn code(self) -> &'static str {
        match self {
            Espace::FacturesEmises => "FACTURES_EMISES",
            Espace::FacturesRecues => "FACTURES_RECUES",
            Espace::FacturesTravaux => "FACTURES_TRAVAUX",
            Espace::SollicitationsEmises => "SOLLICITATIONS_EMISES",
            Espace::SollicitationsRecues => "SOLLICITATIONS_RECUES",
            Espace::MemoiresFraisJustice => "MEMOIRES_FRAIS_JUSTICE",
        }
    }

    pub fn libelle(self) -> &'static str {
        match self {
            Espace::FacturesEmises => "Factures émises",
            Espace::FacturesRecues => "Factures reçues",
            Espace::FacturesTravaux => "Factures de travaux",
            Espace::SollicitationsEmises => "Sollicitations émises",
            Espace::SollicitationsRecues => "Sollicitations reçues",
            Espace::MemoiresFraisJustice => "Mémoires de frais de justice",
        }
    }

    /// À quoi sert l'espace, en une phrase.
    pub fn description(self) -> &'static str {
        match self {
            Espace::FacturesEmises => {
                "Saisir, déposer et suivre les factures que la structure adresse aux acheteurs publics."
            }
            Espace::FacturesRecues => {
                "Recevoir et traiter les factures adressées à la structure (pour une structure publique, ou un \
                 titulaire qui reçoit les factures de ses sous-traitants)."
            }
            Espace::FacturesTravaux => {
                "Les factures de travaux (projets de décompte, états d'acompte) qui passent par la maîtrise \
                 d'œuvre et la maîtrise d'ouvrage."
            }
            Espace::SollicitationsEmises => {
                "Poser une question au support de Chorus Pro et suivre ses réponses."
            }
            Espace::SollicitationsRecues => {
                "Les sollicitations que d'autres utilisateurs adressent à la structure."
            }
            Espace::MemoiresFraisJustice => {
                "Les mémoires des prestataires de la justice (experts, interprètes, traducteurs…)."
            }
        }
    }

    pub fn depuis_code(code: &str) -> Result<Espace, Erreur> {
        Espace::TOUS
            .into_iter()
            .find(|e| e.code() == code)
            .ok_or_else(|| Erreur::CodeInconnu { champ: "espace", valeur: code.to_string() })
    }
}

/// Le mode d'abonnement d'un utilisateur à un espace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Mode {
    /// Voir, sans rien créer ni modifier.
    Consultation,
    /// Voir et agir (saisir, déposer, traiter).
    Modification,
}

impl Mode {
    pub const TOUS: [Mode; 2] = [Mode::Consultation, Mode::Modification];

    pub fn code(self) -> &'static str {
        match self {
            Mode::Consultation => "CONSULTATION",
            Mode::Modification => "MODIFICATION",
        }
    }

    pub fn libelle(self) -> &'static str {
        match self {
            Mode::Consultation => "Consultation",
            Mode::Modification => "Modification",
        }
    }

    pub fn depuis_code(code: &str) -> Result<Mode, Erreur> {
        Mode::TOUS
            .into_iter()
            .find(|m| m.code() == code)
            .ok_or_else(|| Erreur::CodeInconnu { champ: "mode d'abonnement", valeur: code.to_string() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn les_codes_vont_et_reviennent() {
        for e in Espace::TOUS {
            assert_eq!(Espace::depuis_code(e.code()), Ok(e));
        }
        for m in Mode::TOUS {
            assert_eq!(Mode::depuis_code(m.code()), Ok(m));
        }
        assert!(Espace::depuis_code("FACTURES").is_err());
        assert!(Mode::depuis_code("ECRITURE").is_err());
        assert_eq!(Espace::PAR_DEFAUT.libelle(), "Factures émises");
    }
}
