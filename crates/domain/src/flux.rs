//! Le traitement d'un flux déposé (chorus-pro-domain.md §1.10) : ses états, et quand chacun
//! vient. Un flux recevable est reçu, en cours de traitement une seconde plus tard, puis intégré
//! (entièrement, partiellement) ou rejeté ; un fichier illisible est irrecevable puis rejeté.
//! Le rythme est un choix du simulateur.

/// Les états d'un flux (chorus-pro-domain.md §1.10), avec leur libellé du portail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EtatFlux {
    Recu,
    EnCoursDeTraitement,
    Irrecevable,
    Integre,
    IntegrePartiel,
    Rejete,
}

impl EtatFlux {
    pub const TOUS: [EtatFlux; 6] = [
        EtatFlux::Recu,
        EtatFlux::EnCoursDeTraitement,
        EtatFlux::Irrecevable,
        EtatFlux::Integre,
        EtatFlux::IntegrePartiel,
        EtatFlux::Rejete,
    ];

    pub fn code(self) -> &'static str {
        match self {
            EtatFlux::Recu => "IN_RECU",
            EtatFlux::EnCoursDeTraitement => "IN_EN_COURS_TRAITEMENT_CPP",
            EtatFlux::Irrecevable => "QP_IRRECEVABLE",
            EtatFlux::Integre => "IN_INTEGRE",
            EtatFlux::IntegrePartiel => "IN_INTEGRE_PARTIEL",
            EtatFlux::Rejete => "IN_REJETE",
        }
    }

    pub fn libelle(self) -> &'static str {
        match self {
            EtatFlux::Recu => "Reçu",
            EtatFlux::EnCoursDeTraitement => "En cours de traitement",
            EtatFlux::Irrecevable => "Irrecevable",
            EtatFlux::Integre => "Intégré",
            EtatFlux::IntegrePartiel => "Intégré partiellement",
            EtatFlux::Rejete => "Rejeté",
        }
    }

    pub fn depuis_code(code: &str) -> Option<EtatFlux> {
        EtatFlux::TOUS.into_iter().find(|e| e.code() == code)
    }

    /// Le traitement est fini : un connecteur peut cesser d'interroger le compte rendu.
    pub fn est_final(self) -> bool {
        matches!(self, EtatFlux::Integre | EtatFlux::IntegrePartiel | EtatFlux::Rejete)
    }
}

/// Secondes réelles entre le dépôt et chaque étape (choix du simulateur, voir
/// `ChoixSimulateur::TraitementDesFlux`).
const ETAPE_SUIVANTE: i64 = 1;
const FIN_DU_TRAITEMENT: i64 = 3;
const FIN_IRRECEVABLE: i64 = 2;

/// Une étape due d'un flux : un état à noter, ou l'intégration de ses factures, dont l'issue
/// donne l'état final ([`etat_final`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Etape {
    Noter(EtatFlux),
    Integrer,
}

/// Les étapes dues d'un flux à l'état `courant`, `ecoule` secondes après son dépôt (`i64::MAX`
/// pour le terminer aussitôt), dans l'ordre.
pub fn etapes_dues(irrecevable: bool, courant: EtatFlux, ecoule: i64) -> Vec<Etape> {
    let mut etapes = Vec::new();
    if courant.est_final() {
        return etapes;
    }
    let (suivant, fin) = if irrecevable {
        (EtatFlux::Irrecevable, FIN_IRRECEVABLE)
    } else {
        (EtatFlux::EnCoursDeTraitement, FIN_DU_TRAITEMENT)
    };
    if courant == EtatFlux::Recu && ecoule >= ETAPE_SUIVANTE {
        etapes.push(Etape::Noter(suivant));
    }
    if ecoule >= fin {
        etapes.push(if irrecevable { Etape::Noter(EtatFlux::Rejete) } else { Etape::Integrer });
    }
    etapes
}

/// L'état final d'un flux d'après ses factures intégrées.
pub fn etat_final(integrees: usize, total: usize) -> EtatFlux {
    match integrees {
        0 => EtatFlux::Rejete,
        n if n == total => EtatFlux::Integre,
        _ => EtatFlux::IntegrePartiel,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn le_rythme_d_un_flux() {
        assert_eq!(etapes_dues(false, EtatFlux::Recu, 0), []);
        assert_eq!(etapes_dues(false, EtatFlux::Recu, 1), [Etape::Noter(EtatFlux::EnCoursDeTraitement)]);
        assert_eq!(etapes_dues(false, EtatFlux::EnCoursDeTraitement, 3), [Etape::Integrer]);
        assert_eq!(
            etapes_dues(false, EtatFlux::Recu, i64::MAX),
            [Etape::Noter(EtatFlux::EnCoursDeTraitement), Etape::Integrer]
        );
        assert_eq!(
            etapes_dues(true, EtatFlux::Recu, 2),
            [Etape::Noter(EtatFlux::Irrecevable), Etape::Noter(EtatFlux::Rejete)]
        );
        assert_eq!(etapes_dues(false, EtatFlux::Integre, 10), []);
        assert_eq!(etat_final(0, 3), EtatFlux::Rejete);
        assert_eq!(etat_final(2, 3), EtatFlux::IntegrePartiel);
        assert_eq!(etat_final(3, 3), EtatFlux::Integre);
    }
}
