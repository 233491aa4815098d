//! Lecture d'un formulaire `application/x-www-form-urlencoded` dont certains champs se répètent
//! (les lignes de facture) : on garde toutes les paires, dans l'ordre.

use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use bytes::Bytes;

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

    /// Le corps est lu sous la limite du serveur puis découpé paire par paire : passer par
    /// `Form` (serde, avec le chemin de chaque erreur) coûtait à lui seul un dixième d'une
    /// saisie, pour des valeurs qui restent de toute façon des chaînes.
    async fn from_request(req: Request, etat: &S) -> Result<Self, AppError> {
        let type_formulaire = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/x-www-form-urlencoded"));
        if !type_formulaire {
            return Err(AppError::Requete(
                "Formulaire illisible : le contenu envoyé n'est pas un formulaire \
                 (application/x-www-form-urlencoded)."
                    .into(),
            ));
        }
        let corps = Bytes::from_request(req, etat).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                AppError::TropVolumineux
            } else {
                AppError::Requete(format!("Formulaire illisible : {}", e.body_text()))
            }
        })?;
        Ok(Champs(form_urlencoded::parse(&corps).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()))
    }
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::response::IntoResponse;

    use super::*;

    fn requete(type_contenu: &str, corps: &'static str) -> Request {
        Request::builder()
            .method("POST")
            .header(header::CONTENT_TYPE, type_contenu)
            .body(Body::from(corps))
            .unwrap()
    }

    #[tokio::test]
    async fn les_paires_restent_dans_l_ordre_et_decodees() {
        let r = requete(
            "application/x-www-form-urlencoded; charset=UTF-8",
            "numero=F%C3%A9v+1&ligne_designation=Pose&ligne_designation=D%C3%A9pose&vide=",
        );
        let champs = Champs::from_request(r, &()).await.unwrap_or_else(|_| panic!("formulaire refusé"));
        assert_eq!(champs.un("numero"), "Fév 1");
        assert_eq!(champs.tous("ligne_designation"), ["Pose", "Dépose"]);
        assert_eq!(champs.un("vide"), "");
        assert_eq!(champs.un("absent"), "");
    }

    #[tokio::test]
    async fn un_autre_contenu_est_refuse_en_400_avec_un_message() {
        let Err(e) = Champs::from_request(requete("application/json", "{\"numero\": 1}"), &()).await else {
            panic!("un corps JSON n'est pas un formulaire");
        };
        let reponse = e.into_response();
        assert_eq!(reponse.status(), StatusCode::BAD_REQUEST);
    }
}
