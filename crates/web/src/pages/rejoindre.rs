//! « Rejoindre une classe » : le code court affiché par le formateur et son nom suffisent, pas
//! d'adresse électronique. Le poste devient celui du stagiaire : son bac à sable, sa messagerie.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chorus_domain::Anomalie;
use chorus_domain::classe::{self as regles, Depart};
use chorus_store::classe;
use maud::{Markup, html};
use serde::Deserialize;
use tower_sessions::Session;

use super::{champ_csrf, champ_texte, gabarit, resume_anomalies};
use crate::erreur::AppError;
use crate::etat::AppState;
use crate::formulaire::Champs;
use crate::session::{self, jeton_csrf, verifier_csrf};

#[derive(Deserialize)]
pub struct Parametres {
    #[serde(default)]
    code: String,
}

fn formulaire(csrf: &str, code: &str, nom: &str, binome: &str, anomalies: &[Anomalie]) -> Markup {
    gabarit(
        "Rejoindre une classe",
        Some(csrf),
        None,
        html! {
            div.carte.carte-etroite {
                h1 { "Rejoindre une classe" }
                p.chapeau { "Saisissez le code affiché par votre formateur et votre nom : vous recevez votre propre bac à sable, où rien de ce que vous faites ne sort du simulateur." }
                (resume_anomalies("Impossible de rejoindre la classe :", anomalies))
                form method="post" action="/rejoindre" novalidate {
                    (champ_csrf(csrf))
                    (champ_texte(anomalies, "code", "Code de la classe", code, true, Some("6 caractères, par exemple K7F3HQ"), ("text", 12)))
                    (champ_texte(anomalies, "nom", "Votre prénom et votre nom", nom, true, Some("Tels qu'ils figureront sur la feuille d'émargement et l'attestation"), ("text", regles::NOM_STAGIAIRE_LONGUEUR_MAX)))
                    details open[!binome.is_empty()] {
                        summary { "Je travaille en binôme avec un collègue déjà inscrit" }
                        (champ_texte(anomalies, "binome", "Code de binôme de votre collègue", binome, false, Some("Il figure sur sa page de bienvenue, et le formateur le retrouve dans sa console. Vous partagerez son entreprise : il validera votre demande de rattachement."), ("text", 12)))
                    }
                    button.bouton.bouton-principal type="submit" { "Rejoindre la classe" }
                }
            }
        },
    )
}

pub async fn page(session: Session, Query(p): Query<Parametres>) -> Result<Markup, AppError> {
    let csrf = jeton_csrf(&session).await?;
    Ok(formulaire(&csrf, &p.code, "", "", &[]))
}

pub async fn rejoindre(
    State(etat): State<AppState>,
    session: Session,
    champs: Champs,
) -> Result<Response, AppError> {
    verifier_csrf(&session, &champs.un("csrf")).await?;
    let (code, nom, binome) = (champs.un("code"), champs.un("nom"), champs.un("binome"));
    let (c2, n2, b2) = (code.clone(), nom.clone(), binome.clone());
    let resultat = etat.ecrire_saisie(move |tx, h| classe::rejoindre(tx, &c2, &n2, Some(&b2), h)).await?;
    let arrivee = match resultat {
        Ok(a) => a,
        Err(anomalies) => {
            let csrf = jeton_csrf(&session).await?;
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                formulaire(&csrf, &code, &nom, &binome, &anomalies),
            )
                .into_response());
        }
    };
    let utilisateur = arrivee.compte.as_ref().map(|(u, _)| u.id.as_str());
    session::entrer_en_classe(&session, &arrivee.participant_id, &arrivee.bac_id, utilisateur).await?;
    let csrf = jeton_csrf(&session).await?;
    let partage = !binome.trim().is_empty();
    Ok(gabarit(
        "Bienvenue",
        Some(&csrf),
        None,
        html! {
            div.carte.carte-etroite {
                h1 { "Bienvenue dans la classe" }
                p.chapeau { (arrivee.classe.titre) }
                @if let Some((u, mot_de_passe)) = &arrivee.compte {
                    div.alerte.alerte-info role="status" {
                        p { "Votre compte d'entraînement est prêt. Notez ces identifiants : ils vous serviront à vous reconnecter, et le mot de passe ne sera plus affiché." }
                        dl.fiche {
                            dt { "Identifiant de connexion" } dd { code #identifiant-classe { (u.email) } }
                            dt { "Mot de passe" } dd { code #mot-de-passe-classe { (mot_de_passe) } }
                        }
                    }
                    @if partage {
                        p { "Vous partagez l'entreprise de votre binôme. Première étape : demandez à vous rattacher à sa structure ; il validera votre demande depuis « Approbations »." }
                    }
                    p { a.bouton.bouton-principal href="/" { "Entrer dans le portail" } }
                } @else {
                    @if arrivee.classe.depart == Depart::CreationDuCompte {
                        p { "Première étape, comme sur le vrai portail : créez votre compte. Le message d'activation arrivera dans la messagerie de ce poste." }
                        p { a.bouton.bouton-principal href="/compte/creer" { "Créer mon compte" } }
                    }
                }
                p { a href="/emargement" { "Signer la feuille d'émargement" } }
                p.aide { "Votre code de binôme, à donner à un collègue qui doit rejoindre votre entreprise : " strong.code-classe #code-binome { (arrivee.code_binome) } }
            }
        },
    )
    .into_response())
}
