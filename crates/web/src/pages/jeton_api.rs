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
/// vient d'être généré, affiché cette fois seulement ; `jeton_du_demarrage` : le simulateur a
/// été démarré avec un jeton (`--trainer-token`) qui vaut pour ce formateur.
pub fn section(
    csrf: &str,
    emis_le: Option<DateTime<Utc>>,
    nouveau: Option<&str>,
    jeton_du_demarrage: bool,
) -> Markup {
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
            @if jeton_du_demarrage {
                div.alerte.alerte-info #jeton-demarrage {
                    p {
                        "Le simulateur a aussi été démarré avec un jeton (option " code { "--trainer-token" } " ou variable "
                        code { "CHORUS_TRAINER_TOKEN" } ") : il vaut pour vous, le premier formateur, et l'API l'accepte tant que "
                        "le serveur tourne avec lui. Régénérer votre jeton personnel ne le révoque pas : pour le retirer, "
                        "redémarrez le simulateur sans cette option."
                    }
                }
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
    Ok(section(&f.csrf, emis_le, None, jeton_du_demarrage(etat, f).await?))
}

/// Le jeton donné au démarrage vaut-il pour ce formateur ? Il vaut pour le premier (le plus
/// ancien), comme l'API le décide (`api::client`).
async fn jeton_du_demarrage(etat: &AppState, f: &FormateurConnecte) -> Result<bool, AppError> {
    if etat.config.jeton_formateur.is_none() {
        return Ok(false);
    }
    let premier = etat.lire(|c, _| chorus_store::formateur::premier(c)).await?;
    Ok(premier.is_some_and(|p| p.id == f.formateur.id))
}

async fn generer(
    State(etat): State<AppState>,
    f: FormateurConnecte,
    champs: Champs,
) -> Result<Response, AppError> {
    verifier_csrf(&f.session, &champs.un("csrf")).await?;
    let id = f.formateur.id.clone();
    let jeton = etat.ecrire(move |tx, h| jeton_api::emettre(tx, &id, h)).await?;
    let section = section(&f.csrf, None, Some(&jeton), jeton_du_demarrage(&etat, &f).await?);
    let mut reponse = super::formateur::accueil(&etat, &f, section).await?.into_response();
    // Le jeton ne doit rester dans aucun cache ni historique de navigation.
    reponse.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(reponse)
}
