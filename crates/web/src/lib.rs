//! Le portail d'entraînement : pages du fournisseur (maud, sans JavaScript obligatoire),
//! sessions, et le binaire `chorus-sandbox`. Aucune règle de Chorus Pro ici : les pages
//! appellent les cas d'usage de `chorus-store`, qui interrogent `chorus-domain`.

pub mod adresse;
pub mod api;
pub mod assets;
pub mod entretien;
pub mod erreur;
pub mod etat;
pub mod format;
pub mod formulaire;
pub mod identites;
pub mod lecture_seule;
pub mod limite;
pub mod pages;
pub mod piste;
pub mod session;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use axum::routing::{get, post};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

pub use erreur::AppError;
pub use etat::AppState;

/// Nom du cookie de session.
pub const COOKIE_SESSION: &str = "chorus_session";

/// L'application complète, prête à servir ; les tests l'appellent avec une base temporaire.
pub fn app(etat: AppState) -> Router {
    let sessions = SessionManagerLayer::new(session::MagasinSessions::new(etat.store.clone()))
        .with_name(COOKIE_SESSION)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(false)
        .with_always_save(true)
        .with_expiry(Expiry::OnInactivity(time::Duration::minutes(etat.config.inactivite_minutes)));
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/assets/{fichier}", get(assets::servir))
        .route("/connexion", get(pages::connexion::page).post(pages::connexion::connecter))
        .route("/connexion/code", get(pages::connexion::page_saisie_code).post(pages::connexion::valider_code))
        .route("/deconnexion", post(pages::connexion::deconnecter))
        .route("/compte/creer", get(pages::compte::formulaire_creation).post(pages::compte::creer))
        .route("/compte/activer/{secret}", get(pages::compte::page_activation).post(pages::compte::activer))
        .route(
            "/compte/mot-de-passe-oublie",
            get(pages::compte::page_oubli).post(pages::compte::demander_reinitialisation),
        )
        .route(
            "/compte/reinitialiser/{secret}",
            get(pages::compte::page_reinitialisation).post(pages::compte::reinitialiser),
        )
        .route("/rejoindre", get(pages::rejoindre::page).post(pages::rejoindre::rejoindre))
        .route("/formateur", get(pages::formateur::classes))
        .route(
            "/formateur/connexion",
            get(pages::formateur::page_connexion_get).post(pages::formateur::connecter),
        )
        .route("/formateur/deconnexion", post(pages::formateur::deconnecter))
        .route(
            session::PAGE_MOT_DE_PASSE_FORMATEUR,
            get(pages::formateur::page_mot_de_passe_get).post(pages::formateur::changer_mot_de_passe),
        )
        .route("/formateur/classes", post(pages::formateur::creer_classe))
        .route("/formateur/classes/{id}", get(pages::formateur::page_classe_get))
        .route("/formateur/classes/{id}/reinitialiser", post(pages::formateur::reinitialiser))
        .route("/formateur/classes/{id}/horloge", post(pages::formateur::avancer))
        .route("/formateur/classes/{id}/double-authentification", post(pages::formateur::double_authentification))
        .route("/formateur/classes/{id}/mot-de-passe", post(pages::formateur::nouveau_mot_de_passe))
        .route("/formateur/classes/{id}/jouer-acheteur", post(pages::formateur::jouer_acheteur))
        .route("/formateur/classes/{id}/exercice", post(pages::formateur::lancer_exercice))
        .route(
            "/formateur/classes/{id}/emargement",
            get(pages::fin_de_formation::page_emargement_get).post(pages::fin_de_formation::decider),
        )
        .route("/formateur/classes/{id}/emargement.pdf", get(pages::fin_de_formation::feuille_pdf))
        .route("/formateur/classes/{id}/attestations.pdf", get(pages::fin_de_formation::attestations_pdf))
        .route(
            "/formateur/classes/{id}/attestations/{participant}",
            get(pages::fin_de_formation::attestation_pdf),
        )
        .route("/formateur/classes/{id}/questionnaire", get(pages::fin_de_formation::questionnaire_get))
        .route("/formateur/classes/{id}/resultats.csv", get(pages::fin_de_formation::resultats_csv))
        .route("/emargement", get(pages::emargement::page_get).post(pages::emargement::signer))
        .route("/emargement/signe", get(pages::emargement::signe))
        .route("/emargement/attestation.pdf", get(pages::emargement::attestation_pdf))
        .route("/emargement/resultats.csv", get(pages::emargement::resultats_csv))
        .route("/donnees-personnelles", get(pages::donnees_personnelles::page))
        .route("/formateur/classes/{id}/cloture", get(pages::cloture::page_get))
        .route("/formateur/classes/{id}/clore", post(pages::cloture::clore))
        .route("/formateur/classes/{id}/documents/{document}", get(pages::cloture::document))
        .route("/questionnaire", get(pages::questionnaire::page_get).post(pages::questionnaire::repondre))
        .route("/questionnaire/merci", get(pages::questionnaire::merci))
        .route("/messagerie", get(pages::messagerie::boite))
        .route("/messagerie/{id}", get(pages::messagerie::message))
        .route("/messagerie/{id}/signaler", post(pages::messagerie::signaler))
        .route("/messagerie/{id}/lien", get(pages::messagerie::lien_piege))
        .route("/structure/creer", get(pages::structure::formulaire).post(pages::structure::creer))
        .route("/structure/rattacher", post(pages::rattachement::demander))
        .route("/structure", get(pages::gestion::page_gestion))
        .route("/structure/informations", post(pages::gestion::informations))
        .route("/structure/services", post(pages::gestion::creer_service))
        .route("/structure/services/etat", post(pages::gestion::etat_service))
        .route("/structure/utilisateurs/detacher", post(pages::gestion::detacher))
        .route("/structure/utilisateurs/gestionnaire", post(pages::gestion::gestionnaire))
        .route("/structure/utilisateurs/habilitations", post(pages::gestion::habilitations))
        .route(
            "/structure/coordonnees-bancaires",
            get(pages::raccordement::coordonnees).post(pages::raccordement::ajouter_coordonnees),
        )
        .route(
            "/structure/coordonnees-bancaires/{id}/desactiver",
            post(pages::raccordement::desactiver_coordonnees),
        )
        .route("/structure/espaces", get(pages::raccordement::espaces).post(pages::raccordement::ajouter_espaces))
        .route("/structure/espaces/abonnement", post(pages::raccordement::abonner))
        .route("/structure/espaces/{code}/retirer", post(pages::raccordement::retirer_espace))
        .route(
            "/structure/compte-technique",
            get(pages::raccordement::compte_technique).post(pages::raccordement::definir_compte_technique),
        )
        .route("/structure/compte-technique/piste", post(pages::raccordement::renouveler_piste))
        .route("/structure/compte-technique/appels-api", get(pages::raccordement::appels_api))
        .route("/approbations", get(pages::rattachement::approbations).post(pages::rattachement::decider))
        .route("/mon-compte", get(pages::mon_compte::page_compte))
        .route("/mon-compte/informations", post(pages::mon_compte::informations))
        .route("/mon-compte/mot-de-passe", post(pages::mon_compte::mot_de_passe))
        .route("/mon-compte/notifications", post(pages::mon_compte::notifications))
        .route("/mon-compte/structure", post(pages::mon_compte::structure))
        .route("/", get(pages::accueil::page))
        .route("/annuaire", get(pages::annuaire::recherche))
        .route("/annuaire/{identifiant}", get(pages::annuaire::fiche))
        .route("/factures-emises", get(pages::factures::liste))
        .route("/factures-emises/saisir", get(pages::saisie::formulaire).post(pages::saisie::soumettre))
        .route("/factures-emises/{id}", get(pages::factures::detail))
        .route(
            "/factures-emises/{id}/envoyer",
            get(pages::factures::confirmer_envoi).post(pages::factures::envoyer),
        )
        .route("/factures-emises/{id}/modifier", get(pages::saisie::modifier))
        .route("/factures-emises/{id}/supprimer", post(pages::factures::supprimer))
        .route("/factures-emises/{id}/suivi-paiement", get(pages::paiement::suivi))
        .route("/suivi-paiements", get(pages::paiement::vue_ensemble))
        .route("/bac", get(pages::bac::page))
        .route("/bac/horloge", get(pages::bac::resume).post(pages::bac::avancer))
        .route("/acquitter", post(pages::accueil::acquitter))
        .route("/factures-emises/synthese", get(pages::accueil::synthese))
        .route("/bac/double-authentification", post(pages::bac::double_authentification))
        .route(
            "/bac/reinitialiser",
            get(pages::bac::confirmer_reinitialisation).post(pages::bac::reinitialiser),
        )
        .merge(pages::suites::routes())
        .merge(pages::acheteur::routes())
        .merge(pages::validation::routes())
        .merge(pages::travaux::routes())
        .merge(pages::maitrises::routes())
        .merge(pages::parties::routes())
        .merge(pages::depot::routes())
        .merge(pages::flux::routes())
        .merge(pages::exercices::routes())
        .merge(pages::quiz::routes())
        .merge(pages::cours::routes())
        .merge(pages::portail::routes())
        .merge(pages::pieces::routes())
        .merge(pages::suivi_classe::routes())
        .merge(pages::jeton_api::routes())
        .merge(pages::formateur::routes())
        .fallback(pages::introuvable)
        // Sous la couche des sessions, qu'il lit : la lecture seule du formateur.
        .layer(axum::middleware::from_fn_with_state(etat.clone(), lecture_seule::filtrer))
        .layer(sessions)
        // Après la couche des sessions : l'API ne lit ni n'écrit de session (jeton bearer).
        .merge(api::routes())
        // L'API Chorus Pro (PISTE) des connecteurs : jeton OAuth et compte technique, sans session.
        .merge(piste::routes(&etat))
        // Une page du portail n'est jamais gardée par un cache (un poste partagé, un proxy) ;
        // les feuilles de style et scripts disent eux-mêmes qu'ils se gardent.
        .layer(entete(header::CACHE_CONTROL, "no-store"))
        .layer(axum::middleware::from_fn(chemin_sur))
        .layer(entete(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(entete(header::X_FRAME_OPTIONS, "DENY"))
        .layer(entete(header::REFERRER_POLICY, "same-origin"))
        // Tout vient du simulateur lui-même : ni script ni style en ligne, aucune ressource externe.
        .layer(entete(
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ))
        .with_state(etat)
}

/// Toute adresse du simulateur s'écrit avec des lettres et chiffres ASCII, `-`, `_`, `.`, `~`
/// et `/` (identifiants, SIRET, codes) : une autre (caractère de contrôle, `%` d'un octet
/// encodé, espace…) n'atteint aucune page et reçoit 404, avant qu'un paramètre mal formé ne
/// puisse servir dans une redirection, un en-tête ou une requête.
async fn chemin_sur(
    requete: axum::extract::Request,
    suite: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let chemin = requete.uri().path();
    if chemin.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_./~".contains(&b)) {
        return suite.run(requete).await;
    }
    if chemin.starts_with(piste::PREFIXE) {
        return piste::reponse::ErreurPiste::introuvable("Ce service de l'API Chorus Pro n'existe pas.")
            .into_response();
    }
    if chemin.starts_with(api::PREFIXE) {
        return erreur::ErreurApi(erreur::AppError::Introuvable(
            "cette adresse de l'API de simulation n'existe pas (voir docs/api.md)".into(),
        ))
        .into_response();
    }
    pages::introuvable().await.into_response()
}

fn entete(nom: HeaderName, valeur: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(nom, HeaderValue::from_static(valeur))
}
