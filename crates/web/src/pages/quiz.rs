//! Les quiz : la liste des points du programme avec ses scores, l'entraînement (une question
//! à la fois, corrigée aussitôt, avec son explication et sa référence) et l'examen (des
//! questions de tous les points, corrigées seulement une fois rendu).

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chorus_domain::programme::Programme;
use chorus_domain::quiz::{Question, Score, lettre, rang_de_lettre};
use chorus_domain::scenario::ItemProgramme;
use chorus_store::quiz::{self, Mode, Portee, QUESTIONS_PAR_EXAMEN, Reponse, Tentative};
use maud::{Markup, html};

use super::{champ_csrf, gabarit};
use crate::erreur::AppError;
use crate::etat::AppState;
use crate::formulaire::Champs;
use crate::session::Stagiaire;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/quiz", get(accueil))
        .route("/quiz/entrainement", post(commencer_entrainement))
        .route("/quiz/examen", post(commencer_examen))
        .route("/quiz/tentatives/{id}", get(tentative))
        .route("/quiz/tentatives/{id}/repondre", post(repondre))
        .route("/quiz/tentatives/{id}/rendre", post(rendre))
        .route("/quiz/tentatives/{id}/questions/{question}", get(correction_question))
}

/// Les programmes où figure un point : « CMA », « CCI » ou « CMA, CCI ».
fn programmes(item: ItemProgramme) -> String {
    item.programmes().iter().map(|p| p.code().to_uppercase()).collect::<Vec<_>>().join(", ")
}

/// Préfixe des champs de l'examen : `q-<identifiant de la question>`.
const PREFIXE_QUESTION: &str = "q-";

pub async fn accueil(State(etat): State<AppState>, stagiaire: Stagiaire) -> Result<Markup, AppError> {
    let uid = stagiaire.utilisateur.id.clone();
    let (examens, entrainement, tentatives) = etat
        .lire(move |c, _| {
            Ok((
                quiz::scores_par_item(c, &uid)?,
                quiz::entrainement_par_item(c, &uid)?,
                quiz::tentatives(c, &uid)?,
            ))
        })
        .await?;
    let examens: BTreeMap<ItemProgramme, (u32, u32)> =
        examens.into_iter().map(|(i, b, t)| (i, (b, t))).collect();
    let entrainement: BTreeMap<ItemProgramme, (u32, u32)> =
        entrainement.into_iter().map(|(i, b, t)| (i, (b, t))).collect();
    let nombres = etat.quiz.nombre_par_item();
    let ctx = stagiaire.contexte(&etat.horloge);
    Ok(gabarit(
        "Quiz",
        Some(&stagiaire.csrf),
        Some(&ctx),
        html! {
            h1 { "Quiz" }
            p.chapeau {
                "Des questions à choix multiple sur chaque point du programme, avec l'explication de chaque réponse et sa référence "
                "(code de la commande publique, documentation de Chorus Pro)."
            }
            section.carte aria-labelledby="titre-points" {
                h2 #titre-points { "S'entraîner, point par point" }
                p { "Une question à la fois ; la correction s'affiche dès que vous avez répondu." }
                div.defilement tabindex="0" {
                    table.tableau {
                        caption.visuellement-cache { "Les points du programme, leurs questions et vos scores" }
                        thead { tr {
                            th scope="col" { "Point du programme" }
                            th scope="col" { "Programme" }
                            th scope="col" { "Questions" }
                            th scope="col" { "Meilleur examen" }
                            th scope="col" { "Entraînement" }
                            th scope="col" { span.visuellement-cache { "Action" } }
                        } }
                        tbody {
                            @for (item, n) in &nombres {
                                tr {
                                    th scope="row" { (item.libelle()) }
                                    td { (programmes(*item)) }
                                    td.nombre { (n) }
                                    td { (score_ou_tiret(examens.get(item).copied())) }
                                    td { (score_ou_tiret(entrainement.get(item).copied())) }
                                    td {
                                        @if *n > 0 {
                                            form method="post" action="/quiz/entrainement" {
                                                (champ_csrf(&stagiaire.csrf))
                                                input type="hidden" name="item" value=(item.code());
                                                button.bouton type="submit" {
                                                    "S'entraîner" span.visuellement-cache { " : " (item.libelle()) }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            section.carte aria-labelledby="titre-examen" {
                h2 #titre-examen { "Passer un examen" }
                p {
                    (QUESTIONS_PAR_EXAMEN) " questions tirées dans les points d'un programme de formation. Aucune correction avant la fin ; "
                    "vous voyez ensuite votre score par point du programme, et la correction de chaque question. "
                    "Une question à plusieurs bonnes réponses n'est juste que si vous les cochez toutes, et elles seules."
                }
                div.boutons {
                    @for p in Programme::TOUS {
                        form method="post" action="/quiz/examen" {
                            (champ_csrf(&stagiaire.csrf))
                            input type="hidden" name="programme" value=(p.code());
                            button.bouton.bouton-principal type="submit" {
                                "Examen « " (p.intitule()) " »"
                                span.visuellement-cache { " (" (p.organisme()) ")" }
                            }
                        }
                    }
                }
            }
            @if !tentatives.is_empty() {
                section.carte aria-labelledby="titre-tentatives" {
                    h2 #titre-tentatives { "Mes tentatives" }
                    div.defilement tabindex="0" {
                        table.tableau {
                            caption.visuellement-cache { "Vos tentatives, les plus récentes d'abord" }
                            thead { tr {
                                th scope="col" { "Commencée le" }
                                th scope="col" { "Mode" }
                                th scope="col" { "Score" }
                                th scope="col" { "État" }
                                th scope="col" { span.visuellement-cache { "Lien" } }
                            } }
                            tbody {
                                @for t in &tentatives {
                                    tr {
                                        td.nombre { (t.commencee_le.format("%d/%m/%Y %H:%M")) }
                                        td {
                                            (t.mode.libelle())
                                            @if let Some(item) = t.item { " — " (item.libelle()) }
                                        }
                                        td.nombre { (t.bonnes) " / " (t.repondues) }
                                        td { @if t.terminee_le.is_some() { "Terminée" } @else { "En cours (" (t.repondues) " / " (t.questions) ")" } }
                                        td { a href={ "/quiz/tentatives/" (t.id) } { @if t.terminee_le.is_some() { "Voir la correction" } @else { "Reprendre" } } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    ))
}

fn score_ou_tiret(s: Option<(u32, u32)>) -> Markup {
    html! {
        @match s {
            Some((bonnes, total)) => { (bonnes) " / " (total) " (" (Score { bonnes, total }.pourcentage()) " %)" }
            None => { span title="Pas encore de réponse" { "—" } }
        }
    }
}

pub async fn commencer_entrainement(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    champs: Champs,
) -> Result<Redirect, AppError> {
    stagiaire.verifier_csrf(&champs.un("csrf")).await?;
    let code = champs.un("item");
    let item = ItemProgramme::depuis_code(&code).ok_or_else(|| {
        AppError::Requete(format!(
            "« {code} » n'est pas un point du programme : choisissez-en un dans la liste des quiz."
        ))
    })?;
    commencer(etat, stagiaire, Mode::Entrainement, Some(Portee::Point(item))).await
}

pub async fn commencer_examen(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    champs: Champs,
) -> Result<Redirect, AppError> {
    stagiaire.verifier_csrf(&champs.un("csrf")).await?;
    let code = champs.un("programme");
    let programme = match code.trim() {
        "" => None,
        c => Some(Programme::depuis_code(c).ok_or_else(|| {
            AppError::Requete(format!("« {c} » n'est pas un programme : choisissez l'examen CMA ou CCI."))
        })?),
    };
    commencer(etat, stagiaire, Mode::Examen, Some(Portee::Examen(programme))).await
}

async fn commencer(
    etat: AppState,
    stagiaire: Stagiaire,
    mode: Mode,
    portee: Option<Portee>,
) -> Result<Redirect, AppError> {
    let catalogue = etat.quiz.questions();
    let uid = stagiaire.utilisateur.id.clone();
    // La graine est gardée avec la tentative : le tirage ne change plus ensuite.
    let graine: u64 = rand::random();
    let id = etat
        .ecrire(move |tx, horloge| {
            quiz::commencer(tx, &uid, mode, portee, &catalogue, graine, horloge.maintenant())
        })
        .await?;
    Ok(Redirect::to(&format!("/quiz/tentatives/{id}")))
}

async fn charger(etat: &AppState, stagiaire: &Stagiaire, id: String) -> Result<Tentative, AppError> {
    let uid = stagiaire.utilisateur.id.clone();
    etat.lire(move |c, _| quiz::tentative(c, &uid, &id)).await
}

pub async fn tentative(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    Path(id): Path<String>,
) -> Result<Markup, AppError> {
    let t = charger(&etat, &stagiaire, id).await?;
    Ok(page_tentative(&etat, &stagiaire, &t, None))
}

fn page_tentative(etat: &AppState, stagiaire: &Stagiaire, t: &Tentative, erreur: Option<&str>) -> Markup {
    let ctx = stagiaire.contexte(&etat.horloge);
    let titre = match (t.mode, t.item) {
        (Mode::Entrainement, Some(item)) => format!("Entraînement — {}", item.libelle()),
        _ => match t.programme {
            Some(p) => format!("Examen — {}", p.intitule()),
            None => "Examen".to_string(),
        },
    };
    let contenu = match (t.mode, t.question_suivante(), t.terminee()) {
        (Mode::Entrainement, Some(q), false) => question_d_entrainement(t, q, &stagiaire.csrf),
        (Mode::Examen, _, false) => questions_d_examen(t, &stagiaire.csrf),
        _ => bilan(t),
    };
    gabarit(
        &titre,
        Some(&stagiaire.csrf),
        Some(&ctx),
        html! {
            p.fil { a href="/quiz" { "Quiz" } " › " (t.mode.libelle().to_lowercase()) }
            h1 { (titre) }
            @if let Some(e) = erreur {
                div.alerte.alerte-erreur role="alert" { p { (e) } }
            }
            (contenu)
        },
    )
}

/// Les choix d'une question : des boutons radio pour une seule bonne réponse, des cases à
/// cocher quand il y en a plusieurs (l'énoncé le dit aussi).
fn choix_de(q: &Question, nom: &str, numero: Option<usize>) -> Markup {
    let type_champ = if q.plusieurs_reponses() { "checkbox" } else { "radio" };
    html! {
        fieldset {
            legend { @if let Some(n) = numero { "Question " (n) ". " } (q.enonce) }
            @if q.plusieurs_reponses() { p.aide { "Plusieurs réponses sont attendues : cochez-les toutes." } }
            @for (rang, texte) in q.choix.iter().enumerate() {
                @let id_champ = format!("{nom}-{}", lettre(rang));
                label.choix for=(id_champ) {
                    input type=(type_champ) id=(id_champ) name=(nom) value=(lettre(rang));
                    " " strong { (lettre(rang)) "." } " " (texte)
                }
            }
        }
    }
}

fn question_d_entrainement(t: &Tentative, q: &Question, csrf: &str) -> Markup {
    html! {
        p { "Question " (t.reponses.len() + 1) " sur " (t.questions.len()) }
        form method="post" action={ "/quiz/tentatives/" (t.id) "/repondre" } {
            (champ_csrf(csrf))
            input type="hidden" name="question" value=(q.id);
            (choix_de(q, "reponse", None))
            button.bouton.bouton-principal type="submit" { "Valider ma réponse" }
        }
    }
}

fn questions_d_examen(t: &Tentative, csrf: &str) -> Markup {
    html! {
        p {
            (t.questions.len()) " questions. Répondez à toutes puis rendez l'examen en bas de la page : "
            "la correction vient après. Une question laissée sans réponse compte fausse."
        }
        form method="post" action={ "/quiz/tentatives/" (t.id) "/rendre" } {
            (champ_csrf(csrf))
            @for (n, q) in t.questions.iter().enumerate() {
                (choix_de(q, &format!("{PREFIXE_QUESTION}{}", q.id), Some(n + 1)))
            }
            button.bouton.bouton-principal type="submit" { "Rendre l'examen" }
        }
    }
}

fn bilan(t: &Tentative) -> Markup {
    let scores = t.scores();
    let total = t.score();
    html! {
        section.carte aria-labelledby="titre-bilan" {
            h2 #titre-bilan { "Votre score" }
            p { strong { (total.bonnes) " bonne(s) réponse(s) sur " (total.total) } " (" (total.pourcentage()) " %)." }
            table.tableau {
                caption { "Score par point du programme" }
                thead { tr { th scope="col" { "Point du programme" } th scope="col" { "Bonnes réponses" } } }
                tbody {
                    @for (item, s) in &scores {
                        tr { th scope="row" { (item.libelle()) } td.nombre { (s.bonnes) " / " (s.total) } }
                    }
                }
            }
            p { a.bouton href="/quiz" { "Revenir aux quiz" } }
        }
        section aria-labelledby="titre-corrections" {
            h2 #titre-corrections { "Correction" }
            @for (n, q) in t.questions.iter().enumerate() {
                (correction(n + 1, q, t.reponse(&q.id)))
            }
        }
    }
}

/// Une question corrigée : chaque choix, la réponse donnée, les bonnes, l'explication et la
/// référence.
fn correction(numero: usize, q: &Question, reponse: Option<&Reponse>) -> Markup {
    let donnes: &[usize] = reponse.map(|r| r.choix.as_slice()).unwrap_or(&[]);
    let juste = reponse.is_some_and(|r| r.juste);
    html! {
        article.carte.question-corrigee aria-labelledby={ "question-" (numero) } {
            h3 id={ "question-" (numero) } { "Question " (numero) " — " (q.item.libelle()) }
            p { strong { (q.enonce) } }
            ul.choix-corriges {
                @for (rang, texte) in q.choix.iter().enumerate() {
                    li {
                        strong { (lettre(rang)) "." } " " (texte)
                        @if q.bonnes.contains(&rang) { " " span.pastille.pastille-paye { "bonne réponse" } }
                        @if donnes.contains(&rang) { " " span.pastille.pastille-brouillon { "votre réponse" } }
                    }
                }
            }
            @if juste {
                div.alerte.alerte-succes { p { strong { "✓ Juste." } } }
            } @else if donnes.is_empty() {
                div.alerte.alerte-attention { p { strong { "✗ Sans réponse." } " La bonne réponse était " (q.lettres_bonnes()) "." } }
            } @else {
                div.alerte.alerte-erreur { p { strong { "✗ Faux." } " La bonne réponse était " (q.lettres_bonnes()) "." } }
            }
            p { (q.explication) }
            p.aide {
                "Référence : " (q.reference)
                @if let Some(d) = q.a_jour_au { " (à jour au " (crate::format::date_courte(d)) ")" }
            }
        }
    }
}

/// Les rangs cochés, à partir des lettres envoyées.
fn rangs(lettres: &[String]) -> Result<Vec<usize>, AppError> {
    lettres
        .iter()
        .map(|l| {
            rang_de_lettre(l).ok_or_else(|| {
                AppError::Requete(format!(
                    "« {l} » n'est pas un choix proposé : répondez avec les cases de la page."
                ))
            })
        })
        .collect()
}

pub async fn repondre(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    Path(id): Path<String>,
    champs: Champs,
) -> Result<Response, AppError> {
    stagiaire.verifier_csrf(&champs.un("csrf")).await?;
    let question = champs.un("question");
    let choix = rangs(&champs.tous("reponse"))?;
    if choix.is_empty() {
        let t = charger(&etat, &stagiaire, id).await?;
        let page =
            page_tentative(&etat, &stagiaire, &t, Some("Cochez au moins une réponse avant de valider."));
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let uid = stagiaire.utilisateur.id.clone();
    let (tid, qid) = (id.clone(), question.clone());
    etat.ecrire(move |tx, horloge| quiz::repondre(tx, &uid, &tid, &qid, &choix, horloge.maintenant()))
        .await?;
    Ok(Redirect::to(&format!("/quiz/tentatives/{id}/questions/{question}")).into_response())
}

pub async fn rendre(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    Path(id): Path<String>,
    champs: Champs,
) -> Result<Redirect, AppError> {
    stagiaire.verifier_csrf(&champs.un("csrf")).await?;
    let mut reponses: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (cle, valeur) in &champs.0 {
        if let Some(question) = cle.strip_prefix(PREFIXE_QUESTION) {
            let rang = rangs(std::slice::from_ref(valeur))?;
            reponses.entry(question.to_string()).or_default().extend(rang);
        }
    }
    let uid = stagiaire.utilisateur.id.clone();
    let tid = id.clone();
    etat.ecrire(move |tx, horloge| quiz::rendre_examen(tx, &uid, &tid, &reponses, horloge.maintenant()))
        .await?;
    Ok(Redirect::to(&format!("/quiz/tentatives/{id}")))
}

pub async fn correction_question(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    Path((id, question)): Path<(String, String)>,
) -> Result<Markup, AppError> {
    let t = charger(&etat, &stagiaire, id).await?;
    // En examen, aucune correction avant la fin.
    let visible = t.mode == Mode::Entrainement || t.terminee();
    let (rang, q, reponse) = t
        .questions
        .iter()
        .enumerate()
        .find(|(_, q)| q.id == question)
        .and_then(|(n, q)| t.reponse(&q.id).map(|r| (n + 1, q, r)))
        .filter(|_| visible)
        .ok_or_else(|| AppError::Introuvable("correction introuvable".into()))?;
    let ctx = stagiaire.contexte(&etat.horloge);
    let titre = match t.item {
        Some(item) => format!("Entraînement — {}", item.libelle()),
        None => "Examen".to_string(),
    };
    Ok(gabarit(
        &titre,
        Some(&stagiaire.csrf),
        Some(&ctx),
        html! {
            p.fil { a href="/quiz" { "Quiz" } " › " a href={ "/quiz/tentatives/" (t.id) } { (t.mode.libelle().to_lowercase()) } " › correction" }
            h1 { (titre) }
            (correction(rang, q, Some(reponse)))
            p {
                @if t.terminee() {
                    a.bouton.bouton-principal href={ "/quiz/tentatives/" (t.id) } { "Voir le bilan" }
                } @else {
                    a.bouton.bouton-principal href={ "/quiz/tentatives/" (t.id) } { "Question suivante" }
                }
                a.bouton href="/quiz" { "Revenir aux quiz" }
            }
        },
    ))
}
