//! Feuille de style et script, inclus dans le binaire.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

const CSS: &str = include_str!("../../../assets/app.css");
const JS: &str = include_str!("../../../assets/app.js");

pub async fn servir(Path(fichier): Path<String>) -> Response {
    let (contenu, type_mime) = match fichier.as_str() {
        "app.css" => (CSS, "text/css; charset=utf-8"),
        "app.js" => (JS, "text/javascript; charset=utf-8"),
        _ => return (StatusCode::NOT_FOUND, "fichier introuvable").into_response(),
    };
    ([(header::CONTENT_TYPE, type_mime), (header::CACHE_CONTROL, "public, max-age=3600")], contenu)
        .into_response()
}
