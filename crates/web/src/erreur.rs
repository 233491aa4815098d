//! L'unique type d'erreur du portail, et sa traduction en une page (ou une redirection), ou en
//! `{codeRetour, libelle}` pour l'API de simulation : un seul endroit décide du code HTTP et du
//! message montré. Jamais de 500 pour une saisie.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
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
    /// L'API de simulation demande le jeton (bearer) d'un formateur : absent, inconnu ou révoqué.
    #[error("jeton de l'API absent ou invalide")]
    JetonApi,
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
    /// Trop d'essais depuis la même adresse (connexion, code, création de compte).
    #[error("{0}")]
    TropDEssais(String),
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
            AppError::JetonApi => (StatusCode::UNAUTHORIZED, "Jeton requis", MESSAGE_JETON.to_string()),
            AppError::Requete(m) => (StatusCode::BAD_REQUEST, "Demande incorrecte", m.clone()),
            AppError::Interdit(m) => (StatusCode::FORBIDDEN, "Action réservée", m.clone()),
            AppError::Refus(m) => (StatusCode::CONFLICT, "Action impossible", m.clone()),
            AppError::TropDEssais(m) => (StatusCode::TOO_MANY_REQUESTS, "Trop de tentatives", m.clone()),
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

const MESSAGE_JETON: &str = "Cette API demande le jeton d'un formateur dans l'en-tête « Authorization: Bearer \
                             <jeton> ». Le jeton est absent, inconnu ou a été remplacé : générez-en un depuis \
                             la page d'accueil de la console du formateur (/formateur).";

/// Une phrase : majuscule initiale, point final.
fn phrase(m: &str) -> String {
    let mut lettres = m.trim().chars();
    let mut s: String = match lettres.next() {
        Some(p) => p.to_uppercase().chain(lettres).collect(),
        None => String::new(),
    };
    if !s.ends_with(['.', '!', '?']) {
        s.push('.');
    }
    s
}

/// Une erreur de l'API de simulation : la même [`AppError`], rendue en JSON
/// `{"codeRetour", "libelle"}` où le code retour est le code HTTP (0 est réservé au succès).
#[derive(Debug)]
pub struct ErreurApi(pub AppError);

impl From<AppError> for ErreurApi {
    fn from(e: AppError) -> Self {
        ErreurApi(e)
    }
}

impl From<Erreur> for ErreurApi {
    fn from(e: Erreur) -> Self {
        ErreurApi(AppError::from(e))
    }
}

impl IntoResponse for ErreurApi {
    fn into_response(self) -> Response {
        let (code, libelle) = match self.0 {
            // Les sessions du portail n'existent pas pour l'API : tout défaut d'identité est
            // un jeton à fournir.
            AppError::JetonApi | AppError::NonConnecte | AppError::FormateurNonConnecte => {
                (StatusCode::UNAUTHORIZED, MESSAGE_JETON.to_string())
            }
            AppError::Introuvable(m) => (
                StatusCode::NOT_FOUND,
                format!(
                    "{} Vérifiez l'identifiant dans l'adresse : un bac à sable n'est visible que du \
                     formateur de sa classe.",
                    phrase(&m)
                ),
            ),
            AppError::TropVolumineux => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "Le corps de la requête dépasse la taille acceptée par le simulateur (2 Mo).".to_string(),
            ),
            AppError::Requete(m) => (StatusCode::BAD_REQUEST, phrase(&m)),
            AppError::Interdit(m) => (StatusCode::FORBIDDEN, phrase(&m)),
            AppError::Refus(m) => (StatusCode::CONFLICT, phrase(&m)),
            AppError::TropDEssais(m) => (StatusCode::TOO_MANY_REQUESTS, phrase(&m)),
            AppError::Redirection(_)
            | AppError::SansStructure
            | AppError::Formulaire
            | AppError::HorsClasse => (
                StatusCode::CONFLICT,
                "Cette action n'est pas possible par l'API dans l'état actuel du bac à sable.".to_string(),
            ),
            AppError::Interne(m) => {
                tracing::error!(erreur = %m, "erreur interne (API)");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Le simulateur a rencontré un problème ; les données déjà enregistrées sont intactes. \
                     Réessayez."
                        .to_string(),
                )
            }
        };
        let corps = serde_json::json!({ "codeRetour": code.as_u16(), "libelle": libelle });
        let mut reponse = (code, Json(corps)).into_response();
        if code == StatusCode::UNAUTHORIZED {
            reponse.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        reponse
    }
}
