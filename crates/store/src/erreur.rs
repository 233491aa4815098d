//! L'unique type d'erreur du stockage et des cas d'usage.

use chorus_domain::Anomalie;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum Erreur {
    #[error("base de données : {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("connexion à la base : {0}")]
    Pool(#[from] r2d2::Error),
    #[error("fichier : {0}")]
    Io(#[from] std::io::Error),
    #[error("donnée stockée illisible : {0}")]
    Json(#[from] serde_json::Error),
    #[error("lecture CSV : {0}")]
    Csv(#[from] csv::Error),
    /// Ce qui est demandé n'existe pas dans ce bac à sable (ou pas du tout).
    #[error("{0} introuvable")]
    Introuvable(&'static str),
    /// Une règle de Chorus Pro refuse l'action.
    #[error("{0}")]
    Domaine(#[from] chorus_domain::Erreur),
    /// La saisie comporte des anomalies (le formulaire revient avec elles).
    #[error("la saisie comporte {} anomalie(s)", .0.len())]
    Anomalies(Vec<Anomalie>),
    /// Rôle ou habilitation insuffisants : le message dit qui peut le faire.
    #[error("{0}")]
    Interdit(String),
    /// Identifiant ou mot de passe incorrect (sans dire lequel).
    #[error("identifiant ou mot de passe incorrect")]
    Authentification,
    #[error("{0}")]
    Invalide(String),
    /// L'action ne convient pas à l'état présent (une évaluation terminée, par exemple).
    #[error("{0}")]
    Conflit(String),
    /// Un défaut du simulateur lui-même (jamais une erreur de saisie) : le journal le garde, la
    /// page dit seulement qu'une erreur est survenue.
    #[error("erreur interne : {0}")]
    Interne(String),
    /// Un document PDF du simulateur n'a pas pu être produit.
    #[error("document : {0}")]
    Document(#[from] chorus_documents::Erreur),
}

pub type Resultat<T> = Result<T, Erreur>;
