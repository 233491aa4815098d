//! L'unique type d'erreur du portail, et sa traduction en une page (ou une redirection) : un
//! seul endroit décide du code HTTP et du message montré. Jamais de 500 pour une saisie.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chorus_store::Erreur;
use thiserror::Error;

use crate::pages::page_erreur;

#[derive(Debug, Error)]
pub enum AppError {
    /// Il faut se connecter : retour à la page de connexion.
    #[error("connexion requise")]
    NonConnecte,
    /// La console du formateur demande de se connecter.
    #[error("connexion du formateur requise")]
    FormateurNonConnecte,
    /// Une étape obligatoire ailleurs (mot de passe à usage unique à changer).
    #[error("redirection vers {0}")]
    Redirection(&'static str),
    /// Connecté, mais sans structure : il faut d'abord en créer une ou s'y rattacher.
    #[error("structure requise")]
    SansStructure,
    /// Une page des stagiaires d'une classe, ouverte d'un poste qui n'a rejoint aucune classe.
    #[error("classe requise")]
    HorsClasse,
    #[error("{0}")]
    Introuvable(String),
    /// L'utilisateur n'a pas le droit de faire cela (rôle ou habilitation) : le message dit
    /// qui peut le faire.
    #[error("{0}")]
    Interdit(String),
    /// Jeton anti-falsification (CSRF) absent ou faux.
    #[error("formulaire expiré")]
    Formulaire,
    /// Formulaire plus gros que la limite du serveur.
    #[error("formulaire trop volumineux")]
    TropVolumineux,
    /// Requête mal formée ou action refusée : le message dit quoi faire.
    #[error("{0}")]
    Requete(String),
    /// Action refusée par les règles de Chorus Pro.
    #[error("{0}")]
    Refus(String),
    #[error("{0}")]
    Interne(String),
}

impl From<Erreur> for AppError {
    fn from(e: Erreur) -> Self {
        match e {
            Erreur::Introuvable(quoi) => AppError::Introuvable(format!("{quoi} introuvable")),
            Erreur::Domaine(d) => AppError::Refus(d.to_string()),
            Erreur::Invalide(m) => AppError::Requete(m),
            Erreur::Conflit(m) => AppError::Refus(m),
            Erreur::Interdit(m) => AppError::Interdit(m),
            Erreur::Authentification => AppError::Requete("Identifiant ou mot de passe incorrect.".into()),
            Erreur::Anomalies(a) => {
                AppError::Requete(a.iter().map(|x| x.message.as_str()).collect::<Vec<_>>().join(" "))
            }
            autre => AppError::Interne(autre.to_string()),
        }
    }
}

impl From<tower_sessions::session::Error> for AppError {
    fn from(e: tower_sessions::session::Error) -> Self {
        AppError::Interne(format!("session : {e}"))
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (code, titre, message) = match &self {
            AppError::NonConnecte => return Redirect::to("/connexion").into_response(),
            AppError::SansStructure => return Redirect::to("/structure/creer").into_response(),
            AppError::FormateurNonConnecte => return Redirect::to("/formateur/connexion").into_response(),
            AppError::Redirection(vers) => return Redirect::to(vers).into_response(),
            AppError::HorsClasse => (
                StatusCode::FORBIDDEN,
                "Réservé aux stagiaires d'une classe",
                "Cette page sert aux stagiaires d'une classe : rejoignez d'abord la vôtre avec le code \
                 affiché par le formateur (« Rejoindre une classe »)."
                    .to_string(),
            ),
            AppError::Introuvable(m) => (
                StatusCode::NOT_FOUND,
                "Page introuvable",
                format!("{m}. Vérifiez le lien, ou revenez à l'accueil."),
            ),
            AppError::Formulaire => (
                StatusCode::FORBIDDEN,
                "Formulaire expiré",
                "Ce formulaire a expiré ou ne vient pas de cette page. Revenez en arrière, \
                 rechargez la page et recommencez."
                    .to_string(),
            ),
            AppError::TropVolumineux => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "Formulaire trop volumineux",
                "Le formulaire envoyé dépasse la taille acceptée par le simulateur : raccourcissez les \
                 textes saisis (désignations, commentaire) et recommencez."
                    .to_string(),
            ),
            AppError::Requete(m) => (StatusCode::BAD_REQUEST, "Demande incorrecte", m.clone()),
            AppError::Interdit(m) => (StatusCode::FORBIDDEN, "Action réservée", m.clone()),
            AppError::Refus(m) => (StatusCode::CONFLICT, "Action impossible", m.clone()),
            AppError::Interne(m) => {
                tracing::error!(erreur = %m, "erreur interne");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Erreur du simulateur",
                    "Le simulateur a rencontré un problème. Vos données déjà enregistrées sont \
                     intactes ; réessayez, et prévenez le formateur si cela se reproduit."
                        .to_string(),
                )
            }
        };
        (code, page_erreur(titre, &message)).into_response()
    }
}
