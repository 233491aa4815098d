//! Le compte technique (utilisateur technique) d'une structure, domaine « Raccordements » :
//! le compte qu'utilisent les logiciels (ERP, plateformes) pour appeler l'API de Chorus Pro.
//! Il ne se connecte pas au portail ; seul le gestionnaire principal le crée et en change le
//! mot de passe, qui expire 424 jours (14 mois) après avoir été choisi : passé ce délai, les
//! échanges par API sont refusés jusqu'à ce qu'il soit changé.

use chrono::{Days, NaiveDate};

use crate::Anomalie;

/// Durée de validité du mot de passe du compte technique, en jours.
pub const VALIDITE_MOT_DE_PASSE_TECHNIQUE_JOURS: i64 = 424;

/// En deçà de ce nombre de jours restants, le portail avertit que l'expiration approche.
pub const PREAVIS_EXPIRATION_JOURS: i64 = 30;

/// Domaine des identifiants techniques du simulateur (jamais une vraie adresse).
pub const DOMAINE_IDENTIFIANT: &str = "cpro.exemple";

/// L'identifiant du compte technique d'une structure : `TECH_<identifiant>@cpro.exemple`. Le
/// `rang` (à partir de 2) départage deux bacs à sable où la même structure a un compte
/// technique : l'identifiant reste unique dans tout le simulateur.
pub fn identifiant(identifiant_structure: &str, rang: u32) -> String {
    let base: String = identifiant_structure
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if rang <= 1 {
        format!("TECH_{base}@{DOMAINE_IDENTIFIANT}")
    } else {
        format!("TECH_{base}_{rang}@{DOMAINE_IDENTIFIANT}")
    }
}

/// Le jour où le mot de passe choisi le `date_changement` expire (il n'est plus valable ce
/// jour-là).
pub fn expiration(date_changement: NaiveDate) -> NaiveDate {
    date_changement
        .checked_add_days(Days::new(VALIDITE_MOT_DE_PASSE_TECHNIQUE_JOURS as u64))
        .unwrap_or(NaiveDate::MAX)
}

/// Les jours qui restent avant l'expiration (0 le jour même, négatif ensuite).
pub fn jours_restants(date_changement: NaiveDate, aujourd_hui: NaiveDate) -> i64 {
    (expiration(date_changement) - aujourd_hui).num_days()
}

/// Où en est le mot de passe du compte technique.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EtatMotDePasse {
    Valide {
        jours_restants: i64,
    },
    /// Moins de [`PREAVIS_EXPIRATION_JOURS`] jours : il faut le changer bientôt.
    ExpireBientot {
        jours_restants: i64,
    },
    /// Expiré depuis ce nombre de jours (0 le jour de l'expiration) : l'API est refusée.
    Expire {
        depuis_jours: i64,
    },
}

impl EtatMotDePasse {
    pub fn est_expire(self) -> bool {
        matches!(self, EtatMotDePasse::Expire { .. })
    }
}

pub fn etat(date_changement: NaiveDate, aujourd_hui: NaiveDate) -> EtatMotDePasse {
    match jours_restants(date_changement, aujourd_hui) {
        j if j <= 0 => EtatMotDePasse::Expire { depuis_jours: -j },
        j if j < PREAVIS_EXPIRATION_JOURS => EtatMotDePasse::ExpireBientot { jours_restants: j },
        j => EtatMotDePasse::Valide { jours_restants: j },
    }
}

/// Les règles du mot de passe d'un compte utilisateur (voir [`crate::compte`]), l'identifiant
/// technique et la raison sociale tenant lieu d'adresse et de nom.
pub fn controler_mot_de_passe(
    mot_de_passe: &str,
    confirmation: &str,
    identifiant: &str,
    raison_sociale: &str,
) -> Vec<Anomalie> {
    crate::compte::controler_mot_de_passe(mot_de_passe, confirmation, identifiant, raison_sociale)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(a: i32, m: u32, j: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(a, m, j).unwrap()
    }

    #[test]
    fn le_mot_de_passe_expire_424_jours_apres_son_choix() {
        let choisi = d(2026, 11, 22);
        assert_eq!(expiration(choisi), d(2028, 1, 20));
        assert_eq!(jours_restants(choisi, choisi), 424);
        assert_eq!(etat(choisi, choisi), EtatMotDePasse::Valide { jours_restants: 424 });
        assert_eq!(etat(choisi, d(2027, 12, 21)), EtatMotDePasse::Valide { jours_restants: 30 });
        assert_eq!(etat(choisi, d(2027, 12, 22)), EtatMotDePasse::ExpireBientot { jours_restants: 29 });
        assert_eq!(etat(choisi, d(2028, 1, 19)), EtatMotDePasse::ExpireBientot { jours_restants: 1 });
        assert_eq!(etat(choisi, d(2028, 1, 20)), EtatMotDePasse::Expire { depuis_jours: 0 });
        assert_eq!(etat(choisi, d(2028, 1, 21)), EtatMotDePasse::Expire { depuis_jours: 1 });
        assert!(etat(choisi, d(2028, 1, 21)).est_expire());
        assert!(!etat(choisi, d(2028, 1, 19)).est_expire());
    }

    #[test]
    fn identifiant_technique() {
        assert_eq!(identifiant("92391234900068", 1), "TECH_92391234900068@cpro.exemple");
        assert_eq!(identifiant("fr 123-45", 2), "TECH_FR12345_2@cpro.exemple");
    }

    #[test]
    fn memes_regles_que_les_mots_de_passe_des_utilisateurs() {
        assert!(
            controler_mot_de_passe("Raccordement-API-2026", "Raccordement-API-2026", "TECH_1@x", "ACME")
                .is_empty()
        );
        let codes: Vec<_> = controler_mot_de_passe("court", "autre", "TECH_1@x", "ACME")
            .into_iter()
            .map(|a| a.code)
            .collect();
        assert!(codes.contains(&"MDP_TROP_COURT") && codes.contains(&"MDP_CONFIRMATION"), "{codes:?}");
        let codes: Vec<_> = controler_mot_de_passe(
            "Acme-Industrie-2026",
            "Acme-Industrie-2026",
            "TECH_1@x",
            "ACME industrie",
        )
        .into_iter()
        .map(|a| a.code)
        .collect();
        assert_eq!(codes, ["MDP_CONTIENT_IDENTITE"]);
    }
}
