//! L'unique type d'erreur du domaine.

use thiserror::Error;

/// Pourquoi un identifiant (SIRET, SIREN) est refusé. Le message dit quelle règle échoue.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ErreurIdentifiant {
    #[error("le {nom} doit comporter {attendu} chiffres (vous en avez saisi {trouve})")]
    Longueur { nom: &'static str, attendu: usize, trouve: usize },
    #[error(
        "le {nom} ne doit contenir que des chiffres : le caractère « {caractere} » en position {position} n'est pas un chiffre"
    )]
    CaractereNonNumerique { nom: &'static str, position: usize, caractere: char },
    #[error(
        "le {nom} {valeur} est invalide : sa clé de contrôle (algorithme de Luhn) est fausse, vérifiez qu'aucun chiffre n'a été inversé ou mal recopié"
    )]
    CleDeControle { nom: &'static str, valeur: String },
    #[error("le SIREN de ce SIRET ({siren}) est invalide : sa clé de contrôle est fausse")]
    CleDeControleSiren { siren: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Erreur {
    #[error("{0}")]
    Identifiant(#[from] ErreurIdentifiant),
    /// Une action refusée par le cycle de vie de la facture (message pour l'utilisateur).
    #[error("{0}")]
    Transition(String),
    /// Une ligne de l'annuaire ou du fichier des services illisible.
    #[error("ligne {ligne} : {message}")]
    Annuaire { ligne: usize, message: String },
    /// L'en-tête d'un fichier d'annuaire ne convient pas.
    #[error("en-tête du fichier : {0}")]
    EnteteAnnuaire(String),
    /// Un taux des intérêts moratoires refusé (date de semestre, valeur).
    #[error("{0}")]
    TauxInteret(String),
    /// Une valeur codée inconnue (statut, cadre, mode de paiement…).
    #[error("valeur inconnue pour {champ} : « {valeur} »")]
    CodeInconnu { champ: &'static str, valeur: String },
}
