//! L'API JSON de simulation (`/api/sim/v1`), pour que les formateurs préparent et pilotent des
//! bacs à sable depuis un script : créer un bac de pratique libre, déposer des factures avec le
//! corps du service `soumettre` de Chorus Pro, jouer le destinataire, avancer l'horloge. Elle
//! s'authentifie par un jeton (bearer) de formateur, sans session ni cookie : ses routes sont
//! ajoutées au routeur hors de la couche des sessions. Documentation : `docs/api.md`.

pub mod bacs;
pub mod client;
pub mod factures;
pub mod flux;
pub mod lecture;
pub mod travaux;
pub mod validation;

use axum::Router;
use axum::routing::{any, get, post};

use crate::erreur::{AppError, ErreurApi};
use crate::etat::AppState;

/// Le préfixe de toutes les routes de l'API de simulation.
pub const PREFIXE: &str = "/api/sim/v1";

pub fn routes() -> Router<AppState> {
    let routes = Router::new()
        .route("/bacs", post(bacs::creer))
        .route("/bacs/{id_bac}", get(bacs::lire))
        .route("/bacs/{id_bac}/horloge", post(bacs::avancer))
        .route("/bacs/{id_bac}/reinitialiser", post(bacs::reinitialiser))
        .route("/bacs/{id_bac}/factures", get(factures::lister).post(factures::soumettre))
        .route("/bacs/{id_bac}/factures/{id_facture}", get(factures::lire))
        .route("/bacs/{id_bac}/factures/{id_facture}/traiter", post(factures::traiter))
        .route("/bacs/{id_bac}/factures/{id_facture}/completer", post(factures::completer))
        .route("/bacs/{id_bac}/factures/{id_facture}/delai-paiement", get(factures::delai_paiement))
        .route("/bacs/{id_bac}/factures/{id_facture}/traiter-a-valider", post(validation::traiter_a_valider))
        .route("/bacs/{id_bac}/factures/{id_facture}/corriger-valideur", post(validation::corriger_valideur))
        .route("/motifs-refus", get(validation::motifs))
        .route(
            "/bacs/{id_bac}/flux",
            post(flux::deposer).layer(axum::extract::DefaultBodyLimit::max(flux::CORPS_MAX)),
        )
        .route("/bacs/{id_bac}/flux/{numero}", get(flux::lire))
        .route("/bacs/{id_bac}/factures-travaux", get(travaux::lister).post(travaux::deposer))
        .route("/bacs/{id_bac}/factures-travaux/{id}", get(travaux::lire))
        .route("/bacs/{id_bac}/factures-travaux/{id}/traiter", post(travaux::traiter))
        .route("/bacs/{id_bac}/factures-travaux/{id}/piece-suivante", post(travaux::piece_suivante))
        // Une adresse inconnue de l'API répond en JSON, pas par la page 404 du portail.
        .fallback(any(inconnue));
    Router::new().nest(PREFIXE, routes)
}

async fn inconnue() -> ErreurApi {
    ErreurApi(AppError::Introuvable(
        "cette adresse de l'API de simulation n'existe pas (voir docs/api.md)".into(),
    ))
}
