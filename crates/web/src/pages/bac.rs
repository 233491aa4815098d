//! L'horloge et la réinitialisation du bac à sable.

use axum::extract::State;
use axum::response::Redirect;
use chorus_store::bac;
use maud::{Markup, html};

use super::{champ_csrf, gabarit};
use crate::erreur::AppError;
use crate::etat::AppState;
use crate::formulaire::Champs;
use crate::session::Stagiaire;

pub async fn avancer(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    champs: Champs,
) -> Result<Redirect, AppError> {
    stagiaire.verifier_csrf(&champs.un("csrf")).await?;
    let saisi = champs.un("jours");
    let jours: u32 = saisi.trim().parse().map_err(|_| {
        AppError::Requete(format!(
            "« {saisi} » n'est pas un nombre de jours : indiquez un nombre entier entre 1 et {}.",
            bac::AVANCE_MAX_JOURS
        ))
    })?;
    let bac_id = stagiaire.bac.id.clone();
    etat.ecrire(move |tx, h| bac::avancer(tx, &bac_id, jours, h)).await?;
    Ok(Redirect::to("/"))
}

pub async fn confirmer_reinitialisation(State(etat): State<AppState>, stagiaire: Stagiaire) -> Markup {
    let ctx = stagiaire.contexte(&etat.horloge);
    gabarit(
        "Réinitialiser le bac à sable",
        Some(&stagiaire.csrf),
        Some(&ctx),
        html! {
            h1 { "Réinitialiser le bac à sable" }
            div.alerte.alerte-attention {
                p { "Toutes vos factures et tout leur historique seront effacés, et la date simulée reviendra à aujourd'hui. Votre compte et votre structure sont conservés." }
            }
            form method="post" action="/bac/reinitialiser" {
                (champ_csrf(&stagiaire.csrf))
                input type="hidden" name="confirme" value="oui";
                button.bouton.bouton-danger type="submit" { "Oui, tout effacer et recommencer" }
                " "
                a.bouton href="/" { "Annuler" }
            }
        },
    )
}

pub async fn reinitialiser(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    champs: Champs,
) -> Result<Redirect, AppError> {
    stagiaire.verifier_csrf(&champs.un("csrf")).await?;
    if champs.un("confirme") != "oui" {
        return Ok(Redirect::to("/bac/reinitialiser"));
    }
    let bac_id = stagiaire.bac.id.clone();
    etat.ecrire(move |tx, _| bac::reinitialiser(tx, &bac_id)).await?;
    Ok(Redirect::to("/"))
}

/// La double authentification du bac à sable : active par défaut, comme sur le vrai portail ;
/// l'apprenant seul (ou le formateur) peut la couper pour aller plus vite.
pub async fn double_authentification(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    champs: Champs,
) -> Result<Redirect, AppError> {
    stagiaire.verifier_csrf(&champs.un("csrf")).await?;
    if let Some(classe) = &stagiaire.bac.classe {
        return Err(AppError::Interdit(format!(
            "Dans la classe « {classe} », c'est le formateur qui active ou coupe la connexion en deux étapes, \
             pour tous les stagiaires à la fois."
        )));
    }
    let active = match champs.un("active").as_str() {
        "oui" => true,
        "non" => false,
        _ => {
            return Err(AppError::Requete(
                "Choisissez d'activer ou de désactiver la double authentification.".into(),
            ));
        }
    };
    let bac_id = stagiaire.bac.id.clone();
    etat.ecrire(move |tx, _| bac::regler_double_authentification(tx, &bac_id, active)).await?;
    Ok(Redirect::to("/"))
}
