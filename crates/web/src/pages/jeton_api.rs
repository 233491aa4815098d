//! Le jeton personnel du formateur pour l'API de simulation, sur la page d'accueil de la
//! console : le générer, le régénérer (l'ancien cesse aussitôt de fonctionner). Il n'est montré
//! qu'une fois, dans la réponse qui le crée ; la base n'en garde que l'empreinte.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use chorus_store::jeton_api;
use chrono::{DateTime, Utc};
use maud::{Markup, html};

use super::champ_csrf;
use crate::erreur::AppError;
use crate::etat::AppState;
use crate::format;
use crate::formulaire::Champs;
use crate::session::{FormateurConnecte, verifier_csrf};

pub const CHEMIN: &str = "/formateur/jeton-api";

pub fn routes() -> Router<AppState> {
    Router::new().route(CHEMIN, post(generer))
}

/// La section « API de simulation » de l'accueil de la console ; `nouveau` : le jeton qui
/// vient d'être généré, affiché cette fois seulement.
pub fn section(csrf: &str, emis_le: Option<DateTime<Utc>>, nouveau: Option<&str>) -> Markup {
    html! {
        section.carte #jeton-api {
            h2 { "API de simulation" }
            p { "Pour préparer ou piloter des bacs à sable depuis un script (voir la documentation " code { "docs/api.md" } "), envoyez votre jeton personnel dans l'en-tête " code { "Authorization: Bearer …" } "." }
            @if let Some(j) = nouveau {
                div.alerte.alerte-info role="status" {
                    p { "Votre nouveau jeton : " code #jeton-api-nouveau { (j) } }
                    p { "Copiez-le maintenant : il ne sera plus affiché. Le jeton précédent, s'il y en avait un, ne fonctionne plus." }
                }
            } @else if let Some(le) = emis_le {
                p { "Un jeton est actif depuis le " (format::date_courte(le.date_naive())) ". Le régénérer le remplace : les scripts qui utilisent l'ancien seront refusés." }
            } @else {
                p { "Vous n'avez pas encore de jeton." }
            }
            form method="post" action=(CHEMIN) {
                (champ_csrf(csrf))
                button.bouton type="submit" {
                    @if emis_le.is_some() || nouveau.is_some() { "Régénérer le jeton" } @else { "Générer un jeton" }
                }
            }
        }
    }
}

/// La section telle qu'elle est pour ce formateur, sans nouveau jeton.
pub async fn section_de(etat: &AppState, f: &FormateurConnecte) -> Result<Markup, AppError> {
    let id = f.formateur.id.clone();
    let emis_le = etat.lire(move |c, _| jeton_api::emis_le(c, &id)).await?;
    Ok(section(&f.csrf, emis_le, None))
}

async fn generer(
    State(etat): State<AppState>,
    f: FormateurConnecte,
    champs: Champs,
) -> Result<Response, AppError> {
    verifier_csrf(&f.session, &champs.un("csrf")).await?;
    let id = f.formateur.id.clone();
    let jeton = etat.ecrire(move |tx, h| jeton_api::emettre(tx, &id, h)).await?;
    let section = section(&f.csrf, None, Some(&jeton));
    let mut reponse = super::formateur::accueil(&etat, &f, section).await?.into_response();
    // Le jeton ne doit rester dans aucun cache ni historique de navigation.
    reponse.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(reponse)
}
