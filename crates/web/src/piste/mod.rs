//! L'API de Chorus Pro telle que PISTE l'expose, sur chaque bac à sable : un connecteur de
//! logiciel (ERP, outil comptable) n'y change que ses deux adresses de base — celle du jeton
//! (`/api/oauth/token`) et celle des services (`/cpro/...`). Les services appellent les mêmes
//! cas d'usage que le portail : une facture soumise par l'API s'y voit, les parties simulées
//! la traitent, le formateur la suit. Référence : `chorus-pro-domain.md` §7 ; documentation :
//! `docs/api.md`, « L'API Chorus Pro (PISTE) ».
//!
//! Les routes sont hors de la couche des sessions : un connecteur n'a pas de cookie.

pub mod acces;
pub mod factures;
pub mod journal;
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
    let services = Router::new()
        .route("/transverses/v1/health-check", get(transverses::sante))
        .route("/transverses/v1/recuperer/devises", post(transverses::devises))
        .route("/transverses/v1/recuperer/modedepot", post(transverses::modes_depot))
        .route("/transverses/v1/recuperer/modereglements", post(transverses::modes_reglement))
        .route("/transverses/v1/recuperer/cadrefacturation", post(transverses::cadres))
        .route("/transverses/v1/recuperer/typeidentifiant/structure", post(transverses::types_identifiant))
        .route("/transverses/v1/recuperer/formatflux", post(transverses::formats_flux))
        .route("/transverses/v1/recuperer/typedp", post(transverses::types_demande_paiement))
        .route(
            "/transverses/v1/recuperer/structures/actives/fournisseur",
            post(transverses::structures_fournisseur),
        )
        .route(
            "/transverses/v1/recuperer/structures/actives/destinataire",
            post(transverses::structures_destinataire),
        )
        .route("/transverses/v1/recuperer/etats/traitement", post(transverses::etats_traitement))
        .route("/transverses/v1/recuperer/pays", post(transverses::pays))
        .route("/transverses/v1/recuperer/tauxtva", post(transverses::taux_tva))
        .route("/transverses/v1/recuperer/coordbanc/valides", post(transverses::coordonnees_bancaires))
        .route("/transverses/v1/telecharger/annuaire/destinataire", post(transverses::annuaire))
        .route("/utilisateurs/v1/monCompte/recuperer/rattachements", post(transverses::rattachements))
        .route("/transverses/v1/rechercher/destinataire", post(structures::rechercher_destinataire))
        .route("/transverses/v1/consulter/information/siret", post(structures::information_siret))
        .route("/structures/v1/rechercher", post(structures::rechercher))
        .route("/structures/v1/consulter", post(structures::consulter))
        .route("/structures/v1/rechercher/services", post(structures::services))
        .route("/structures/v1/consulter/service", post(structures::consulter_service))
        .route("/structures/v1/lister/rattachementsutilisateur", post(transverses::rattachements_utilisateur))
        .route("/transverses/v1/consulterCR", post(transverses::compte_rendu))
        .route("/transverses/v1/consulterCRDetaille", post(transverses::compte_rendu))
        .route("/factures/v1/soumettre", post(factures::soumettre))
        .route(
            "/factures/v1/deposer/flux",
            post(factures::deposer_flux)
                .layer(axum::extract::DefaultBodyLimit::max(crate::api::flux::CORPS_MAX)),
        )
        .route("/factures/v1/rechercher/fournisseur", post(factures::rechercher_fournisseur))
        .route("/factures/v1/consulter/fournisseur", post(factures::consulter_fournisseur))
        .route("/factures/v1/consulter/historique", post(factures::historique))
        .route("/factures/v1/rechercher/recipiendaire", post(recipiendaire::rechercher))
        .route("/factures/v1/consulter/recipiendaire", post(recipiendaire::consulter))
        .route("/factures/v1/traiter/recue", post(recipiendaire::traiter))
        .route("/factures/v1/telecharger/groupe", post(factures::telecharger_groupe))
        .route("/factures/v1/completer", post(suites::completer))
        .route("/factures/v1/recycler", post(suites::recycler))
        .route("/factures/v1/traiterRejet", post(suites::traiter_rejet))
        .route("/factures/v1/corriger/valideur/facture", post(suites::corriger_valideur))
        .route("/factures/v1/rechercher/valideur", post(valideur::rechercher))
        .route("/facturesTravaux/v1/rechercher", post(travaux::rechercher))
        .route("/factures/v1/traiter/factureAValider", post(valideur::traiter))
        .route("/factures/v1/recuperer/motifs/refus/factureAValider", post(valideur::motifs_de_refus))
        .fallback(any(reponse::service_inconnu))
        .layer(axum::middleware::from_fn_with_state(etat.clone(), journal::noter));
    Router::new().route("/api/oauth/token", post(acces::jeton)).nest(PREFIXE, services)
}
