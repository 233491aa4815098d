//! « Mon profil » : le nom et l'organisme du formateur, imprimés sur la feuille d'émargement
//! et les attestations (sans eux, les documents ne donnent que son adresse électronique).

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chorus_domain::Anomalie;
use chorus_domain::classe::{FORMATEUR_NOM_LONGUEUR_MAX, ORGANISME_LONGUEUR_MAX};
use chorus_store::formateur::{self, Profil};
use maud::{Markup, html};

use super::{gabarit_console, succes};
use crate::erreur::AppError;
use crate::etat::AppState;
use crate::formulaire::Champs;
use crate::pages::{champ_csrf, champ_texte, resume_anomalies};
use crate::session::{FormateurConnecte, verifier_csrf};

pub const CHEMIN: &str = "/formateur/profil";

pub fn routes() -> Router<AppState> {
    Router::new().route(CHEMIN, get(page).post(enregistrer))
}

async fn profil_de(etat: &AppState, f: &FormateurConnecte) -> Result<Profil, AppError> {
    let id = f.formateur.id.clone();
    etat.lire(move |c, _| formateur::profil(c, &id)).await
}

/// L'encart « Mon profil » de l'accueil de la console.
pub async fn section_de(etat: &AppState, f: &FormateurConnecte) -> Result<Markup, AppError> {
    let p = profil_de(etat, f).await?;
    Ok(html! {
        section.carte #mon-profil {
            h2 { "Mon profil" }
            @if p.nom.is_empty() {
                p { "Donnez votre nom et votre organisme : ils seront imprimés sur les feuilles d'émargement et les attestations, qui ne portent sinon que votre adresse électronique." }
            } @else {
                dl.fiche {
                    dt { "Formateur" } dd { (p.nom) }
                    dt { "Organisme" } dd { @if p.organisme.is_empty() { "—" } @else { (p.organisme) } }
                }
            }
            p { a.bouton href=(CHEMIN) { "Modifier mon profil" } }
        }
    })
}

fn formulaire(f: &FormateurConnecte, p: &Profil, anomalies: &[Anomalie], message: Option<Markup>) -> Markup {
    gabarit_console(
        "Mon profil",
        &f.csrf,
        Some(&f.formateur.email),
        html! {
            div.carte.carte-etroite {
                p { a href="/formateur" { "← Mes classes" } }
                h1 { "Mon profil" }
                p.chapeau { "Votre nom et votre organisme figurent sur les feuilles d'émargement et les attestations de vos classes (l'organisme de la classe, s'il est rempli, reste celui qui atteste)." }
                @if let Some(m) = message { (m) }
                (resume_anomalies("Le profil n'a pas été enregistré :", anomalies))
                form method="post" action=(CHEMIN) novalidate {
                    (champ_csrf(&f.csrf))
                    (champ_texte(anomalies, "nom", "Votre prénom et votre nom", &p.nom, true, Some("Tels qu'ils doivent figurer sous votre signature"), ("text", FORMATEUR_NOM_LONGUEUR_MAX)))
                    (champ_texte(anomalies, "organisme", "Votre organisme de formation", &p.organisme, false, Some("Par exemple : Chambre de métiers et de l'artisanat de la Lozère"), ("text", ORGANISME_LONGUEUR_MAX)))
                    button.bouton.bouton-principal type="submit" { "Enregistrer" }
                }
                p.aide { "Adresse de connexion : " (f.formateur.email) "." }
            }
        },
    )
}

async fn page(State(etat): State<AppState>, f: FormateurConnecte) -> Result<Markup, AppError> {
    let p = profil_de(&etat, &f).await?;
    Ok(formulaire(&f, &p, &[], None))
}

async fn enregistrer(
    State(etat): State<AppState>,
    f: FormateurConnecte,
    champs: Champs,
) -> Result<Response, AppError> {
    verifier_csrf(&f.session, &champs.un("csrf")).await?;
    let (id, nom, organisme) = (f.formateur.id.clone(), champs.un("nom"), champs.un("organisme"));
    let saisi = Profil { nom: nom.clone(), organisme: organisme.clone() };
    match etat.ecrire_saisie(move |tx, _| formateur::definir_profil(tx, &id, &nom, &organisme)).await? {
        Ok(p) => {
            let message = succes(
                "Profil enregistré : il figure désormais sur les feuilles d'émargement et les attestations."
                    .into(),
            );
            Ok(formulaire(&f, &p, &[], Some(message)).into_response())
        }
        Err(anomalies) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, formulaire(&f, &saisi, &anomalies, None)).into_response())
        }
    }
}
