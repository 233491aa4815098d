//! L'API de Chorus Pro telle que PISTE l'expose, sur chaque bac à sable : un connecteur de
//! logiciel (ERP, outil comptable) n'y change que ses deux adresses de base — celle du jeton
//! (`/api/oauth/token`) et celle des services (`/cpro/...`). Les services appellent les mêmes
//! cas d'usage que le portail : une facture soumise par l'API s'y voit, les parties simulées
//! la traitent, le formateur la suit. Référence : `chorus-pro-domain.md` §7 ; documentation :
//! `docs/api.md`, « L'API Chorus Pro (PISTE) ».
//!
//! Les routes sont hors de la couche des sessions : un connecteur n'a pas de cookie.

pub mod acces;
pub mod contrat;
pub mod engagements;
pub mod factures;
pub mod journal;
pub mod pieces;
pub mod recipiendaire;
pub mod reponse;
pub mod structures;
pub mod suites;
pub mod transverses;
pub mod travaux;
pub mod valideur;

use axum::Router;
use axum::routing::{any, get, post};

use crate::etat::AppState;

/// Le début des adresses des services, comme sur `api.piste.gouv.fr`.
pub const PREFIXE: &str = "/cpro";

pub fn routes(etat: &AppState) -> Router<AppState> {
    // Les routes viennent du contrat : pas de service sans sa description publiée.
    let services = contrat::routes_des_services()
        .fallback(any(reponse::service_inconnu))
        .layer(axum::middleware::from_fn_with_state(etat.clone(), journal::noter));
    Router::new()
        .route("/api/oauth/token", post(acces::jeton))
        .route("/api/openapi.json", get(contrat::document))
        .nest(PREFIXE, services)
}
