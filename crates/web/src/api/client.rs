//! Qui appelle l'API de simulation (un formateur, par son jeton), et ce qu'il envoie (du JSON).
//! Ni session ni jeton anti-falsification ici : un script n'a pas de cookie, et un jeton
//! bearer ne part jamais tout seul d'un navigateur, contrairement à un cookie.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use chorus_store::formateur::{self, Formateur};
use chorus_store::jeton_api;
use serde_json::Value;

use crate::erreur::{AppError, ErreurApi};
use crate::etat::AppState;
use crate::session::egal_temps_constant;

/// Le formateur qui appelle l'API : celui du jeton personnel présenté, ou le premier formateur
/// si c'est le jeton donné au démarrage du serveur (`--trainer-token`).
pub struct ClientApi {
    pub formateur: Formateur,
}

/// Le jeton d'un en-tête `Authorization: Bearer <jeton>` (API de simulation et API Chorus Pro).
pub(crate) fn jeton_bearer(entetes: &axum::http::HeaderMap) -> Option<String> {
    let valeur = entetes.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (schema, jeton) = valeur.split_once(' ')?;
    let jeton = jeton.trim();
    (schema.eq_ignore_ascii_case("bearer") && !jeton.is_empty()).then(|| jeton.to_string())
}

impl FromRequestParts<AppState> for ClientApi {
    type Rejection = ErreurApi;

    async fn from_request_parts(parts: &mut Parts, etat: &AppState) -> Result<Self, ErreurApi> {
        let jeton = jeton_bearer(&parts.headers).ok_or(AppError::JetonApi)?;
        let jeton_du_serveur = etat
            .config
            .jeton_formateur
            .as_deref()
            .is_some_and(|attendu| egal_temps_constant(attendu.as_bytes(), jeton.as_bytes()));
        let trouve = etat
            .lire(
                move |c, _| {
                    if jeton_du_serveur { formateur::premier(c) } else { jeton_api::formateur(c, &jeton) }
                },
            )
            .await?;
        let formateur = trouve.ok_or(AppError::JetonApi)?;
        Ok(ClientApi { formateur })
    }
}

/// Le corps JSON d'une requête, lu sans tenir compte du `Content-Type` (un `curl -d` oublie
/// facilement l'en-tête) ; vide, il vaut `null`. Les erreurs de syntaxe sont dites en français,
/// avec la ligne et la colonne.
pub struct CorpsJson(pub Value);

impl FromRequest<AppState> for CorpsJson {
    type Rejection = ErreurApi;

    async fn from_request(req: Request, etat: &AppState) -> Result<Self, ErreurApi> {
        // `Bytes` applique la limite de taille par défaut de l'application.
        let octets = Bytes::from_request(req, etat).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                AppError::TropVolumineux
            } else {
                AppError::Requete("Le corps de la requête n'a pas pu être lu en entier : renvoyez-le".into())
            }
        })?;
        if octets.iter().all(u8::is_ascii_whitespace) {
            return Ok(CorpsJson(Value::Null));
        }
        let valeur = serde_json::from_slice(&octets).map_err(|e| {
            AppError::Requete(format!(
                "Le corps de la requête n'est pas du JSON valide (ligne {}, colonne {}) : vérifiez les \
                 guillemets, les virgules et les accolades, et que le texte est en UTF-8",
                e.line(),
                e.column()
            ))
        })?;
        Ok(CorpsJson(valeur))
    }
}
