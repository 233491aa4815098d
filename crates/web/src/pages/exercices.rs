//! Les exercices : le catalogue des scénarios, l'exercice en cours (briefing, objectifs
//! vérifiés sur le bac à sable, indices) et son débriefing.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Redirect;
use axum::routing::{get, post};
use std::collections::HashMap;

use chorus_domain::scenario::{
    Etat, EtatObjectif, Faits, Resultat as ResultatScenario, Scenario, Verification,
};
use chorus_store::scenario;
use maud::{Markup, html};
use serde::Deserialize;

use super::{champ_csrf, gabarit};
use crate::erreur::AppError;
use crate::etat::AppState;
use crate::formulaire::Champs;
use crate::session::Stagiaire;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/exercices", get(catalogue))
        .route("/exercices/{id}/commencer", post(commencer))
        .route("/exercice", get(en_cours))
        .route("/exercice/quitter", post(quitter))
        .route("/exercice/repondre", post(repondre))
}

pub async fn catalogue(State(etat): State<AppState>, stagiaire: Stagiaire) -> Result<Markup, AppError> {
    let bac_id = stagiaire.bac.id.clone();
    let courant = etat.lire(move |c, _| scenario::en_cours(c, &bac_id)).await?;
    let scenarios = etat.catalogue.scenarios();
    let ctx = stagiaire.contexte(&etat.horloge);
    Ok(gabarit(
        "Exercices",
        Some(&stagiaire.csrf),
        Some(&ctx),
        html! {
            h1 { "Exercices" }
            p.chapeau {
                "Chaque exercice vous met dans une situation réelle : l'acheteur public et son comptable réagissent à vos factures comme le prévoit le scénario, "
                "et le simulateur vérifie vos objectifs au fil de l'eau."
            }
            @if let Some(s) = &courant {
                div.alerte.alerte-info {
                    p { "Exercice en cours : " strong { (s.titre) } ". " a href="/exercice" { "Reprendre" } }
                }
            }
            table.tableau {
                caption.visuellement-cache { "Les exercices disponibles" }
                thead { tr { th scope="col" { "Exercice" } th scope="col" { "Niveau" } th scope="col" { "Durée" } th scope="col" { "Programme" } th scope="col" { span.visuellement-cache { "Action" } } } }
                tbody {
                    // Ceux qui commencent sans compte ni structure se lancent par le formateur, au
                    // début d'une classe « création du compte ».
                    @for s in scenarios.iter().filter(|s| s.depart.structure_requise) {
                        tr {
                            td { (s.titre) }
                            td { (s.niveau.libelle()) }
                            td { (s.duree_minutes) " min" }
                            td { @for (i, p) in s.programme.iter().enumerate() { @if i > 0 { br; } (p.libelle()) } }
                            td {
                                form method="post" action={ "/exercices/" (s.id) "/commencer" }
                                    data-confirmer="Vos factures, votre messagerie et la date simulée repartent de zéro (votre compte et votre structure restent). Commencer cet exercice ?" {
                                    (champ_csrf(&stagiaire.csrf))
                                    button.bouton type="submit" { "Commencer" }
                                }
                            }
                        }
                    }
                }
            }
        },
    ))
}

pub async fn commencer(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    Path(id): Path<String>,
    champs: Champs,
) -> Result<Redirect, AppError> {
    stagiaire.verifier_csrf(&champs.un("csrf")).await?;
    let s =
        etat.catalogue.scenario(&id).ok_or_else(|| AppError::Introuvable("exercice introuvable".into()))?;
    let (bac_id, structure) = (stagiaire.bac.id.clone(), stagiaire.structure.id.clone());
    etat.ecrire(move |tx, h| scenario::commencer(tx, &bac_id, &s, Some(&structure), h)).await?;
    Ok(Redirect::to("/exercice"))
}

pub async fn quitter(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    champs: Champs,
) -> Result<Redirect, AppError> {
    stagiaire.verifier_csrf(&champs.un("csrf")).await?;
    let bac_id = stagiaire.bac.id.clone();
    etat.ecrire(move |tx, _| scenario::quitter(tx, &bac_id)).await?;
    Ok(Redirect::to("/exercices"))
}

#[derive(Deserialize)]
pub struct Affichage {
    #[serde(default)]
    debriefing: Option<String>,
}

pub async fn en_cours(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    Query(affichage): Query<Affichage>,
) -> Result<Markup, AppError> {
    let bac_id = stagiaire.bac.id.clone();
    let trouve = etat
        .lire(move |c, h| {
            let Some(s) = scenario::en_cours(c, &bac_id)? else { return Ok(None) };
            Ok(Some((s, scenario::faits(c, &bac_id, h)?, scenario::tentatives(c, &bac_id)?)))
        })
        .await?;
    let Some((s, faits, tentatives)) = trouve else {
        return Err(AppError::Redirection("/exercices"));
    };
    let resultat = s.evaluer(&faits);
    let debriefing = resultat.reussi || affichage.debriefing.is_some();
    let ctx = stagiaire.contexte(&etat.horloge);
    Ok(gabarit(
        &s.titre,
        Some(&stagiaire.csrf),
        Some(&ctx),
        html! {
            p.fil { a href="/exercices" { "Exercices" } " › exercice en cours" }
            h1 { (s.titre) }
            p { (s.niveau.libelle()) " · environ " (s.duree_minutes) " min" }
            section.carte aria-labelledby="briefing" {
                h2 #briefing { "La situation" }
                @for paragraphe in s.briefing.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
                    p { (paragraphe) }
                }
            }
            (objectifs(&stagiaire.csrf, &resultat, &faits, &tentatives))
            @if debriefing { (debrief(&s, &resultat)) }
            @else {
                p { a.bouton href="/exercice?debriefing=1" { "J'ai terminé : voir le débriefing" } }
            }
            form method="post" action="/exercice/quitter" {
                (champ_csrf(&stagiaire.csrf))
                button.lien type="submit" { "Quitter l'exercice (vos factures restent)" }
            }
        },
    ))
}

fn objectifs(
    csrf: &str,
    r: &ResultatScenario<'_>,
    faits: &Faits,
    tentatives: &HashMap<String, u32>,
) -> Markup {
    html! {
        section.carte aria-labelledby="objectifs" {
            h2 #objectifs { "Objectifs" }
            p { "Score : " strong { (r.points) " / " (r.points_max) } }
            ul.objectifs {
                @for e in &r.objectifs {
                    li class=(if e.atteint() { "objectif objectif-atteint" } else { "objectif" }) {
                        span.objectif-etat {
                            @match e.etat {
                                Etat::Atteint => "✓ Atteint",
                                Etat::AFaire => "○ À faire",
                                Etat::Respecte => "○ Respecté jusqu'ici",
                                Etat::Enfreint => "✗ Pas respecté",
                            }
                        }
                        " " (e.objectif.libelle)
                        @if e.objectif.verification.question().is_some() {
                            (question(csrf, e, faits.reponses.get(&e.objectif.id), tentatives.get(&e.objectif.id).copied()))
                        }
                        @if !e.atteint() && !e.objectif.indices.is_empty() {
                            // Un indice à la fois : chaque niveau s'ouvre dans le précédent.
                            (indices(&e.objectif.indices, 0))
                        }
                    }
                }
            }
        }
    }
}

/// Une question de l'exercice : tant qu'elle n'est pas juste, le formulaire pour répondre.
fn question(csrf: &str, e: &EtatObjectif<'_>, donnee: Option<&String>, essais: Option<u32>) -> Markup {
    let o = e.objectif;
    let id = format!("reponse-{}", o.id);
    html! {
        div.question {
            @if let Some(d) = donnee {
                p.aide {
                    "Votre réponse : « " (d) " »"
                    @if let Some(n) = essais { " (" (n) " essai" @if n > 1 { "s" } ")" }
                    @if !e.atteint() { " — ce n'est pas la bonne réponse, réessayez." }
                }
            }
            @if !e.atteint() {
                form method="post" action="/exercice/repondre" {
                    (champ_csrf(csrf))
                    input type="hidden" name="objectif" value=(o.id);
                    @match &o.verification {
                        Verification::Choix { question, options, .. } => {
                            fieldset {
                                legend { (question) }
                                @for (i, option) in options.iter().enumerate() {
                                    label.choix {
                                        input type="radio" name="reponse" value=(i + 1) required;
                                        " " (option)
                                    }
                                }
                            }
                        }
                        v => {
                            label for=(id) { (v.question().unwrap_or_default()) }
                            " "
                            input id=(id) type="text" name="reponse" maxlength=(scenario::REPONSE_LONGUEUR_MAX) required;
                        }
                    }
                    " "
                    button.bouton type="submit" { "Répondre" }
                }
            }
        }
    }
}

pub async fn repondre(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    champs: Champs,
) -> Result<Redirect, AppError> {
    stagiaire.verifier_csrf(&champs.un("csrf")).await?;
    let (bac_id, objectif, reponse) = (stagiaire.bac.id.clone(), champs.un("objectif"), champs.un("reponse"));
    etat.ecrire(move |tx, h| scenario::repondre(tx, &bac_id, &objectif, &reponse, h)).await?;
    Ok(Redirect::to("/exercice#objectifs"))
}

fn indices(liste: &[String], n: usize) -> Markup {
    html! {
        @if let Some(indice) = liste.get(n) {
            details.indice {
                summary { "Indice " (n + 1) }
                p { (indice) }
                (indices(liste, n + 1))
            }
        }
    }
}

fn debrief(s: &Scenario, r: &ResultatScenario<'_>) -> Markup {
    html! {
        section.carte aria-labelledby="debriefing" {
            h2 #debriefing { "Débriefing" }
            @if r.reussi {
                div.alerte.alerte-succes { p { strong { "Exercice réussi. " } (s.conclusion) } }
            } @else {
                div.alerte.alerte-attention { p { "Certains objectifs ne sont pas atteints : voici ce qu'il fallait faire, et pourquoi." } }
            }
            dl.debriefing {
                @for e in &r.objectifs {
                    dt {
                        @match e.etat { Etat::Atteint => "✓ ", Etat::Respecte => "○ ", Etat::AFaire | Etat::Enfreint => "✗ " }
                        (e.objectif.libelle)
                    }
                    dd { (e.objectif.explication) }
                }
            }
        }
    }
}
