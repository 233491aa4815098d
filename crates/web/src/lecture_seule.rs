//! « Voir ce que voit le stagiaire » : le formateur parcourt le portail d'un stagiaire de ses
//! classes avec le compte de ce stagiaire, sans pouvoir rien y changer.
//!
//! Le choix est gardé dans la session du formateur (`lecture_pour`), comme « Jouer l'acheteur
//! public », et revérifié à chaque requête (le stagiaire est-il toujours dans une classe de ce
//! formateur ?). Le filtre ci-dessous est le seul endroit qui décide :
//! - il refuse (403) toute requête qui n'est pas une lecture hors de la console, même forgée :
//!   les pages du portail n'ont pas à y penser ;
//! - il dépose la vue dans la requête : les extracteurs du portail (`Stagiaire`, `Connecte`,
//!   `Poste`) prennent alors le compte et le bac du stagiaire, et les pages se rendent telles
//!   que le stagiaire les voit, par le même code ;
//! - il la rend visible au gabarit le temps de la requête, qui affiche le bandeau « Lecture
//!   seule » et désactive tous les formulaires de la page (un `fieldset disabled`), sans que
//!   chaque page ait à la transmettre.

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chorus_store::pilotage::{self, Vue};
use tower_sessions::Session;

use crate::erreur::AppError;
use crate::etat::AppState;
use crate::pages::page_erreur;
use crate::session;

/// La vue ouverte par le formateur, pour la requête en cours.
#[derive(Debug, Clone)]
pub struct LectureSeule {
    pub vue: Vue,
    /// Le jeton CSRF de la session du formateur (pour « Quitter la lecture seule »).
    pub csrf: String,
}

tokio::task_local! {
    static EN_COURS: Option<LectureSeule>;
}

/// La vue en lecture seule de la requête en cours, s'il y en a une (pour le gabarit).
pub fn en_cours() -> Option<LectureSeule> {
    EN_COURS.try_with(Clone::clone).ok().flatten()
}

/// La console reste utilisable pendant la lecture seule : c'est d'elle qu'on en sort.
fn hors_du_portail(chemin: &str) -> bool {
    chemin == "/formateur" || chemin.starts_with("/formateur/") || chemin.starts_with("/assets/")
}

async fn vue_de_la_session(etat: &AppState, s: &Session) -> Result<Option<LectureSeule>, AppError> {
    let Some((formateur, participant)) = session::lecture_pour(s).await? else { return Ok(None) };
    let vue = etat.lire(move |c, _| pilotage::vue_du_formateur(c, &formateur, &participant)).await?;
    match vue {
        Some(vue) => Ok(Some(LectureSeule { vue, csrf: session::jeton_csrf(s).await? })),
        None => {
            session::quitter_lecture(s).await?;
            Ok(None)
        }
    }
}

pub async fn filtrer(State(etat): State<AppState>, mut req: Request, next: Next) -> Response {
    if hors_du_portail(req.uri().path()) {
        return next.run(req).await;
    }
    let Some(s) = req.extensions().get::<Session>().cloned() else { return next.run(req).await };
    let lecture = match vue_de_la_session(&etat, &s).await {
        Ok(l) => l,
        Err(e) => return e.into_response(),
    };
    let Some(lecture) = lecture else { return next.run(req).await };
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        let message = format!(
            "Vous regardez le portail de {} en lecture seule : aucune action n'y est possible. Quittez la \
             lecture seule depuis le bandeau pour agir, ou jouez l'acheteur public depuis la console.",
            lecture.vue.nom
        );
        return (StatusCode::FORBIDDEN, page_erreur("Lecture seule", &message)).into_response();
    }
    req.extensions_mut().insert(lecture.clone());
    EN_COURS.scope(Some(lecture), next.run(req)).await
}
