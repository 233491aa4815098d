//! Les deux programmes de formation que le simulateur accompagne, et leurs points :
//!
//! - CMA, « Déposer ses factures dématérialisées sur le portail Chorus Pro » : le portail
//!   pas à pas, pour les artisans du bâtiment (factures de travaux, sous-traitance) ;
//! - CCI, « La facturation via Chorus Pro » : le cadre (règles, personnes concernées, modes
//!   d'échange, types de factures, obligations de l'acheteur) puis la pratique du portail.
//!
//! Un point du programme a une leçon (`fixtures/cours/`), des questions de quiz
//! (`fixtures/quiz/`) et des exercices qui s'y rattachent. Les points communs aux deux
//! programmes (portail, circuit de la facture, paiement, réforme) n'ont qu'une leçon.

use serde::{Deserialize, Serialize};

/// Les objectifs repris sur l'attestation de fin de formation : les blocs communs aux
/// programmes publiés des CMA et des organismes de formation.
pub const OBJECTIFS: [&str; 5] = [
    "Situer l'obligation de facturation électronique envers les acheteurs publics et le vocabulaire du portail (structure, service, rattachement, cadre de facturation).",
    "Créer son compte, paramétrer sa structure et ses utilisateurs.",
    "Saisir ou déposer une facture avec les bonnes informations d'acheminement (SIRET, code service, numéro d'engagement).",
    "Suivre le traitement de ses factures et réagir à un rejet, une suspension ou une demande de recyclage.",
    "Suivre le paiement et connaître ses droits en cas de retard (délai global de paiement, intérêts moratoires).",
];

/// Un point du programme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemProgramme {
    Contexte,
    Portail,
    CircuitFacture,
    Travaux,
    Paiement,
    SousTraitance,
    Securite,
    Reforme,
    #[serde(rename = "regles-2016")]
    Regles2016,
    Concernes,
    Enjeux,
    ModesEchange,
    TypesFactures,
    ObligationsAcheteur,
}

impl ItemProgramme {
    /// Tous les points : ceux du programme CMA, puis ceux propres au programme CCI.
    pub const TOUS: [ItemProgramme; 14] = [
        ItemProgramme::Contexte,
        ItemProgramme::Portail,
        ItemProgramme::CircuitFacture,
        ItemProgramme::Travaux,
        ItemProgramme::Paiement,
        ItemProgramme::SousTraitance,
        ItemProgramme::Securite,
        ItemProgramme::Reforme,
        ItemProgramme::Regles2016,
        ItemProgramme::Concernes,
        ItemProgramme::Enjeux,
        ItemProgramme::ModesEchange,
        ItemProgramme::TypesFactures,
        ItemProgramme::ObligationsAcheteur,
    ];

    /// Le code du point, tel qu'il s'écrit dans les fichiers (`circuit-facture`).
    pub fn code(self) -> &'static str {
        match self {
            ItemProgramme::Contexte => "contexte",
            ItemProgramme::Portail => "portail",
            ItemProgramme::CircuitFacture => "circuit-facture",
            ItemProgramme::Travaux => "travaux",
            ItemProgramme::Paiement => "paiement",
            ItemProgramme::SousTraitance => "sous-traitance",
            ItemProgramme::Securite => "securite",
            ItemProgramme::Reforme => "reforme",
            ItemProgramme::Regles2016 => "regles-2016",
            ItemProgramme::Concernes => "concernes",
            ItemProgramme::Enjeux => "enjeux",
            ItemProgramme::ModesEchange => "modes-echange",
            ItemProgramme::TypesFactures => "types-factures",
            ItemProgramme::ObligationsAcheteur => "obligations-acheteur",
        }
    }

    pub fn depuis_code(code: &str) -> Option<ItemProgramme> {
        ItemProgramme::TOUS.into_iter().find(|i| i.code() == code)
    }

    pub fn libelle(self) -> &'static str {
        match self {
            ItemProgramme::Contexte => "Contexte et obligations de la facturation électronique",
            ItemProgramme::Portail => {
                "Le portail : accès, compte, structure, structures publiques, identification"
            }
            ItemProgramme::CircuitFacture => {
                "Le circuit de la facture : saisie, dépôt, cadre de facturation, statuts"
            }
            ItemProgramme::Travaux => "Le cheminement spécifique des factures de travaux",
            ItemProgramme::Paiement => "Le paiement : délai global de paiement, suivi",
            ItemProgramme::SousTraitance => "Sous-traitance et cotraitance",
            ItemProgramme::Securite => "Sécuriser ses pratiques",
            ItemProgramme::Reforme => "La réforme de la facturation électronique (2026-2027)",
            ItemProgramme::Regles2016 => "Les règles applicables depuis 2016",
            ItemProgramme::Concernes => "Qui est concerné",
            ItemProgramme::Enjeux => "Enjeux, calendrier et avantages",
            ItemProgramme::ModesEchange => "Les modes d'échange avec Chorus Pro",
            ItemProgramme::TypesFactures => "Les types de factures",
            ItemProgramme::ObligationsAcheteur => "Les obligations de l'acheteur public",
        }
    }

    /// Les programmes où le point figure.
    pub fn programmes(self) -> Vec<Programme> {
        Programme::TOUS.into_iter().filter(|p| p.items().contains(&self)).collect()
    }
}

/// Un programme de formation publié.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Programme {
    Cma,
    Cci,
}

impl Programme {
    pub const TOUS: [Programme; 2] = [Programme::Cma, Programme::Cci];

    pub fn code(self) -> &'static str {
        match self {
            Programme::Cma => "cma",
            Programme::Cci => "cci",
        }
    }

    pub fn depuis_code(code: &str) -> Option<Programme> {
        Programme::TOUS.into_iter().find(|p| p.code() == code)
    }

    /// L'intitulé de la formation.
    pub fn intitule(self) -> &'static str {
        match self {
            Programme::Cma => "Déposer ses factures dématérialisées sur le portail Chorus Pro",
            Programme::Cci => "La facturation via Chorus Pro",
        }
    }

    /// Qui propose ce programme, en clair.
    pub fn organisme(self) -> &'static str {
        match self {
            Programme::Cma => "chambres de métiers et de l'artisanat (CMA)",
            Programme::Cci => "chambres de commerce et d'industrie (CCI)",
        }
    }

    /// Les points du programme, dans l'ordre où la formation les aborde.
    pub fn items(self) -> &'static [ItemProgramme] {
        use ItemProgramme::*;
        match self {
            Programme::Cma => {
                &[Contexte, Portail, CircuitFacture, Travaux, Paiement, SousTraitance, Securite, Reforme]
            }
            Programme::Cci => &[
                Regles2016,
                Concernes,
                Enjeux,
                ModesEchange,
                TypesFactures,
                ObligationsAcheteur,
                Portail,
                CircuitFacture,
                Paiement,
                Reforme,
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chaque_point_est_dans_un_programme_et_se_relit_par_son_code() {
        for item in ItemProgramme::TOUS {
            assert!(!item.programmes().is_empty(), "{item:?} n'est dans aucun programme");
            assert_eq!(ItemProgramme::depuis_code(item.code()), Some(item));
            let json = serde_json::to_string(&item).unwrap();
            assert_eq!(json, format!("\"{}\"", item.code()));
        }
        assert_eq!(ItemProgramme::depuis_code("inconnu"), None);
    }

    #[test]
    fn les_points_communs_aux_deux_programmes() {
        let communs: Vec<_> = ItemProgramme::TOUS.into_iter().filter(|i| i.programmes().len() == 2).collect();
        assert_eq!(
            communs,
            [
                ItemProgramme::Portail,
                ItemProgramme::CircuitFacture,
                ItemProgramme::Paiement,
                ItemProgramme::Reforme
            ]
        );
    }
}
