//! Lecture d'un formulaire `application/x-www-form-urlencoded` dont certains champs se répètent
//! (les lignes de facture) : on garde toutes les paires, dans l'ordre.

use axum::Form;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;

use crate::erreur::AppError;

pub struct Champs(pub Vec<(String, String)>);

impl Champs {
    /// La première valeur du champ, ou une chaîne vide.
    pub fn un(&self, nom: &str) -> String {
        self.0.iter().find(|(k, _)| k == nom).map(|(_, v)| v.clone()).unwrap_or_default()
    }

    /// Toutes les valeurs du champ, dans l'ordre du formulaire.
    pub fn tous(&self, nom: &str) -> Vec<String> {
        self.0.iter().filter(|(k, _)| k == nom).map(|(_, v)| v.clone()).collect()
    }
}

impl<S: Send + Sync> FromRequest<S> for Champs {
    type Rejection = AppError;

    async fn from_request(req: Request, etat: &S) -> Result<Self, AppError> {
        let Form(paires) = Form::<Vec<(String, String)>>::from_request(req, etat).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                AppError::TropVolumineux
            } else {
                AppError::Requete(format!("Formulaire illisible : {}", e.body_text()))
            }
        })?;
        Ok(Champs(paires))
    }
}
