//! Connexion et déconnexion.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chorus_store::{Erreur, compte, demo};
use maud::{Markup, html};
use tower_sessions::Session;

use super::{champ_csrf, gabarit};
use crate::erreur::AppError;
use crate::etat::AppState;
use crate::formulaire::Champs;
use crate::session::{self, Stagiaire, jeton_csrf, verifier_csrf};

fn formulaire(csrf: &str, identifiant: &str, erreur: Option<&str>, demo_presente: bool) -> Markup {
    gabarit(
        "Connexion",
        Some(csrf),
        None,
        html! {
            div.carte.carte-etroite {
                h1 { "Se connecter" }
                @if let Some(e) = erreur {
                    div.alerte.alerte-erreur role="alert" { p { (e) } }
                }
                form method="post" action="/connexion" {
                    (champ_csrf(csrf))
                    div.champ {
                        label for="identifiant" { "Adresse électronique de connexion" span.obligatoire { " *" } }
                        input #identifiant type="email" name="identifiant" required autocomplete="username" value=(identifiant);
                    }
                    div.champ {
                        label for="mot_de_passe" { "Mot de passe" span.obligatoire { " *" } }
                        input #mot_de_passe type="password" name="mot_de_passe" required autocomplete="current-password";
                    }
                    button.bouton.bouton-principal type="submit" { "Se connecter" }
                }
                @if demo_presente {
                    div.alerte.alerte-info {
                        p { strong { "Comptes de démonstration" } }
                        p {
                            "Identifiants " code { "formation1@exemple.fr" } " à " code { "formation5@exemple.fr" }
                            ", mot de passe " code { (demo::MOT_DE_PASSE_DEMO) } "."
                        }
                    }
                }
            }
        },
    )
}

pub async fn page(State(etat): State<AppState>, session: Session) -> Result<Markup, AppError> {
    let csrf = jeton_csrf(&session).await?;
    let demo = etat.lire(|c, _| Ok(compte_demo_present(c))).await?;
    Ok(formulaire(&csrf, "", None, demo))
}

fn compte_demo_present(c: &rusqlite::Connection) -> bool {
    c.query_row("SELECT count(*) FROM utilisateur WHERE email = ?1", [demo::identifiant_demo(1)], |r| {
        r.get::<_, i64>(0)
    })
    .map(|n| n > 0)
    .unwrap_or(false)
}

pub async fn connecter(
    State(etat): State<AppState>,
    session: Session,
    champs: Champs,
) -> Result<Response, AppError> {
    verifier_csrf(&session, &champs.un("csrf")).await?;
    let identifiant = champs.un("identifiant");
    let mot_de_passe = champs.un("mot_de_passe");
    let id = identifiant.clone();
    let resultat = etat
        .lire(move |c, _| match compte::authentifier(c, &id, &mot_de_passe) {
            Ok(u) => Ok(Some(u)),
            Err(Erreur::Authentification) => Ok(None),
            Err(e) => Err(e),
        })
        .await?;
    match resultat {
        Some(u) => {
            session::ouvrir(&session, &u.id).await?;
            Ok(Redirect::to("/").into_response())
        }
        None => {
            let csrf = jeton_csrf(&session).await?;
            let demo = etat.lire(|c, _| Ok(compte_demo_present(c))).await?;
            let page = formulaire(
                &csrf,
                &identifiant,
                Some(
                    "Identifiant ou mot de passe incorrect. Vérifiez l'adresse électronique et le mot de passe (attention aux majuscules).",
                ),
                demo,
            );
            Ok((StatusCode::UNAUTHORIZED, page).into_response())
        }
    }
}

pub async fn deconnecter(stagiaire: Stagiaire, champs: Champs) -> Result<Redirect, AppError> {
    stagiaire.verifier_csrf(&champs.un("csrf")).await?;
    session::fermer(&stagiaire.session).await?;
    Ok(Redirect::to("/connexion"))
}
