//! Les exercices : le catalogue des scénarios, l'exercice en cours (briefing, objectifs
//! vérifiés sur le bac à sable, indices) et son débriefing, dans le mode choisi.

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Redirect;
use axum::routing::{get, post};
use chorus_domain::scenario::{
    Etat, EtatObjectif, Faits, Mode, Resultat as ResultatScenario, Scenario, Verification,
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
        .route("/exercice/indice", post(voir_indice))
        .route("/exercice/documents/{rang}", get(document))
        .route("/exercice/fichiers/{rang}", get(fichier))
        .route("/exercice/terminer", post(terminer))
}

pub async fn catalogue(State(etat): State<AppState>, stagiaire: Stagiaire) -> Result<Markup, AppError> {
    let (bac_id, uid) = (stagiaire.bac.id.clone(), stagiaire.utilisateur.id.clone());
    let (courant, progression, reussis) = etat
        .lire(move |c, _| {
            Ok((
                scenario::en_cours(c, &bac_id)?,
                scenario::progression(c, &uid)?,
                scenario::reussis(c, &uid)?,
            ))
        })
        .await?;
    // Ceux qui commencent sans compte ni structure se lancent par le formateur, au début d'une
    // classe « création du compte ».
    let scenarios = etat.catalogue.scenarios();
    let proposes: Vec<&Scenario> = scenarios.iter().filter(|s| s.depart.structure_requise).collect();
    let reussis = proposes.iter().filter(|s| reussis.contains(&s.id)).count();
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
                    p { "Exercice en cours : " strong { (s.titre) } ". " a.bouton href="/exercice" { "Reprendre" } }
                }
            }
            p { "Votre progression : " strong { (reussis) " exercice(s) réussi(s) sur " (proposes.len()) } "." }
            dl.aide {
                @for m in Mode::TOUS { dt { (m.libelle()) } dd { (m.description()) } }
            }
            table.tableau {
                caption.visuellement-cache { "Les exercices disponibles" }
                thead { tr { th scope="col" { "Exercice" } th scope="col" { "Niveau" } th scope="col" { "Durée" } th scope="col" { "Programme" } th scope="col" { "Votre résultat" } th scope="col" { span.visuellement-cache { "Action" } } } }
                tbody {
                    @for s in &proposes {
                        tr id={ "exercice-" (s.id) } {
                            td { (s.titre) }
                            td { (s.niveau.libelle()) }
                            td { (s.duree_minutes) " min" }
                            td { @for (i, p) in s.programme.iter().enumerate() { @if i > 0 { br; } (p.libelle()) } }
                            td {
                                @let faits: Vec<_> = progression.iter().filter(|p| p.scenario == s.id).collect();
                                @if faits.is_empty() { span.vide { "pas encore fait" } }
                                @for p in faits {
                                    span.resultat-exercice {
                                        @if p.reussi { "✓ " } (p.mode.nom()) " : " (p.points) "/" (p.points_max)
                                    }
                                    br;
                                }
                            }
                            td {
                                form method="post" action={ "/exercices/" (s.id) "/commencer" }
                                    data-confirmer="Vos factures, votre messagerie et la date simulée repartent de zéro (votre compte et votre structure restent). Commencer cet exercice ?" {
                                    (champ_csrf(&stagiaire.csrf))
                                    label.visuellement-cache for={ "mode-" (s.id) } { "Mode" }
                                    select id={ "mode-" (s.id) } name="mode" {
                                        @for m in Mode::TOUS { option value=(m.code()) selected[m == Mode::Entrainement] { (m.nom()) } }
                                    }
                                    " "
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

/// Le mode choisi dans un formulaire ; « entraînement » s'il n'est pas donné.
pub fn mode_choisi(champs: &Champs) -> Result<Mode, AppError> {
    let code = champs.un("mode");
    if code.trim().is_empty() {
        return Ok(Mode::Entrainement);
    }
    Mode::depuis_code(code.trim()).ok_or_else(|| {
        AppError::Requete(format!(
            "Mode « {code} » inconnu : choisissez découverte, entraînement ou évaluation."
        ))
    })
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
    let mode = mode_choisi(&champs)?;
    let (bac_id, structure) = (stagiaire.bac.id.clone(), stagiaire.structure.id.clone());
    etat.ecrire(move |tx, h| scenario::commencer(tx, &bac_id, (&s, mode), Some(&structure), h)).await?;
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

/// Ce que la page de l'exercice montre : le scénario, son mode, l'état du bac.
struct Vue {
    exercice: scenario::Exercice,
    faits: Faits,
    tentatives: HashMap<String, u32>,
    indices: HashMap<String, u32>,
}

pub async fn en_cours(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    Query(affichage): Query<Affichage>,
) -> Result<Markup, AppError> {
    let (bac_id, uid) = (stagiaire.bac.id.clone(), stagiaire.utilisateur.id.clone());
    // La progression se note à chaque regard sur l'exercice (hors évaluation, notée à la fin) :
    // un objectif atteint le reste dans la progression, même si le bac repart de zéro.
    let vue = etat
        .ecrire(move |tx, h| {
            let Some(exercice) = scenario::exercice(tx, &bac_id)? else { return Ok(None) };
            let faits = scenario::faits(tx, &bac_id, h)?;
            let (tentatives, indices) =
                (scenario::tentatives(tx, &bac_id)?, scenario::indices_vus(tx, &bac_id)?);
            if exercice.mode != Mode::Evaluation {
                let s = &exercice.scenario;
                let aides = (indices.values().sum(), tentatives.values().sum());
                scenario::noter_progression(tx, &uid, (s, exercice.mode), (&s.evaluer(&faits), aides), h)?;
            }
            Ok(Some(Vue { exercice, faits, tentatives, indices }))
        })
        .await?;
    let Some(v) = vue else {
        return Err(AppError::Redirection("/exercices"));
    };
    let (s, mode) = (&v.exercice.scenario, v.exercice.mode);
    let resultat = s.evaluer(&v.faits);
    let debriefing = match mode {
        Mode::Evaluation => v.exercice.termine,
        _ => resultat.reussi || affichage.debriefing.is_some(),
    };
    let ctx = stagiaire.contexte(&etat.horloge);
    Ok(gabarit(
        &s.titre,
        Some(&stagiaire.csrf),
        Some(&ctx),
        html! {
            p.fil { a href="/exercices" { "Exercices" } " › exercice en cours" }
            h1 { (s.titre) }
            p { "Niveau : " (s.niveau.libelle()) " · environ " (s.duree_minutes) " min · mode " strong { (mode.libelle()) } }
            section.carte aria-labelledby="briefing" {
                h2 #briefing { "La situation" }
                @for paragraphe in s.briefing.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
                    p { (paragraphe) }
                }
            }
            @if !s.depart.documents.is_empty() || !s.depart.marches.is_empty() || !s.depart.fichiers.is_empty() {
                section.carte aria-labelledby="documents" {
                    h2 #documents { "Vos documents" }
                    ul {
                        @for (i, d) in s.depart.documents.iter().enumerate() {
                            li { a href={ "/exercice/documents/" (i + 1) } target="_blank" { (d.titre) } " — " (d.emetteur) " (PDF)" }
                        }
                        @for (i, m) in s.depart.marches.iter().enumerate() {
                            li {
                                a href={ "/exercice/documents/" (s.depart.documents.len() + i + 1) } target="_blank" {
                                    "Fiche d'identité du marché n° " (m.numero_marche)
                                }
                                " (PDF) — aussi dans " a href="/factures-de-travaux/marche" { "Factures de travaux › Fiche d'identité du marché" }
                            }
                        }
                        @for (i, f) in s.depart.fichiers.iter().enumerate() {
                            li {
                                a href={ "/exercice/fichiers/" (i + 1) } download { (f.nom) }
                                @if f.factures.len() > 1 {
                                    " — un lot de " (f.factures.len()) " factures produit par votre logiciel de facturation (archive .zip)"
                                } @else {
                                    " — une facture produite par votre logiciel de facturation ("
                                    (match f.syntaxe.as_str() {
                                        "ubl" => "UBL, XML",
                                        "facturx" => "Factur-X : un PDF avec sa CII jointe",
                                        _ => "CII, XML",
                                    }) ")"
                                }
                            }
                        }
                    }
                }
            }
            (objectifs(&stagiaire.csrf, &v, &resultat))
            @if debriefing { (debrief(s, &resultat)) }
            @else if mode == Mode::Evaluation {
                form method="post" action="/exercice/terminer"
                    data-confirmer="Terminer l'évaluation ? Votre résultat sera figé et le débriefing affiché." {
                    (champ_csrf(&stagiaire.csrf))
                    button.bouton.bouton-principal type="submit" { "Terminer l'évaluation" }
                }
            } @else {
                p { a.bouton href="/exercice?debriefing=1" { "J'ai terminé : voir le débriefing" } }
            }
            form method="post" action="/exercice/quitter" {
                (champ_csrf(&stagiaire.csrf))
                button.lien type="submit" { "Quitter l'exercice (vos factures restent)" }
            }
        },
    ))
}

fn objectifs(csrf: &str, v: &Vue, r: &ResultatScenario<'_>) -> Markup {
    let mode = v.exercice.mode;
    // En évaluation, rien n'est dit avant la fin : ni coche, ni score, ni indice.
    let montrer = mode != Mode::Evaluation || v.exercice.termine;
    // En découverte, l'étape en cours : le premier objectif à faire, avec tous ses indices.
    let etape = r.objectifs.iter().position(|e| e.etat == Etat::AFaire);
    html! {
        section.carte aria-labelledby="objectifs" {
            h2 #objectifs { "Objectifs" }
            @if montrer { p { "Score : " strong { (r.points) " / " (r.points_max) } } }
            @else { p.aide { "Évaluation : vos objectifs seront vérifiés quand vous la terminerez." } }
            ul.objectifs {
                @for (i, e) in r.objectifs.iter().enumerate() {
                    @let en_cours = mode == Mode::Decouverte && etape == Some(i);
                    li class={ "objectif" @if montrer && e.atteint() { " objectif-atteint" } @if en_cours { " etape-en-cours" } } {
                        span.objectif-etat {
                            @if !montrer { "○" }
                            @else {
                                @match e.etat {
                                    Etat::Atteint => "✓ Atteint",
                                    Etat::AFaire if en_cours => "➜ Étape en cours",
                                    Etat::AFaire => "○ À faire",
                                    Etat::Respecte => "○ Respecté jusqu'ici",
                                    Etat::Enfreint => "✗ Pas respecté",
                                }
                            }
                        }
                        " " (e.objectif.libelle)
                        @if e.objectif.verification.question().is_some() {
                            (question(csrf, e, v, montrer))
                        }
                        @if !e.atteint() && mode.indices_permis() && !v.exercice.termine {
                            @let vus = if en_cours { e.objectif.indices.len() } else { v.indices.get(&e.objectif.id).copied().unwrap_or(0) as usize };
                            (indices(csrf, e.objectif, vus))
                        }
                    }
                }
            }
        }
    }
}

/// Les indices déjà ouverts, et le bouton pour le suivant (compté).
fn indices(csrf: &str, o: &chorus_domain::scenario::Objectif, vus: usize) -> Markup {
    html! {
        @if !o.indices.is_empty() {
            div.indices {
                @for (n, indice) in o.indices.iter().take(vus).enumerate() {
                    p.indice { strong { "Indice " (n + 1) " : " } (indice) }
                }
                @if vus < o.indices.len() {
                    form method="post" action="/exercice/indice" {
                        (champ_csrf(csrf))
                        input type="hidden" name="objectif" value=(o.id);
                        button.lien type="submit" { "Voir l'indice " (vus + 1) " sur " (o.indices.len()) }
                    }
                }
            }
        }
    }
}

/// Un fichier de factures structurées de l'exercice en cours, écrit pour la structure du
/// stagiaire, à télécharger (puis à déposer comme flux).
pub async fn fichier(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    Path(rang): Path<String>,
) -> Result<axum::response::Response, AppError> {
    let rang: usize = rang.parse().map_err(|_| AppError::Introuvable("Fichier introuvable".into()))?;
    let (bac_id, sid) = (stagiaire.bac.id.clone(), stagiaire.structure.id.clone());
    let fichier = etat.lire(move |c, h| scenario::fichier(c, &bac_id, &sid, rang, h)).await?;
    // Écrit hors de la lecture : une Factur-X demande quelques millisecondes.
    let (nom, octets) = tokio::task::spawn_blocking(move || fichier.ecrire().map(|o| (fichier.nom, o)))
        .await
        .map_err(|e| AppError::Interne(e.to_string()))??;
    let type_mime = match nom.rsplit('.').next() {
        Some("zip") => "application/zip",
        Some("pdf") => "application/pdf",
        _ => "application/xml",
    };
    Ok(super::pieces::servir_fichier(&nom, type_mime, octets, false))
}

/// Un document de l'exercice en cours (bon de commande…), en PDF, ouvert dans le navigateur.
pub async fn document(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    Path(rang): Path<String>,
) -> Result<axum::response::Response, AppError> {
    let rang: usize = rang.parse().map_err(|_| AppError::Introuvable("Document introuvable".into()))?;
    let (bac_id, titulaire) = (stagiaire.bac.id.clone(), stagiaire.structure.identifiant.clone());
    let pdf = etat.lire(move |c, _| scenario::document_pdf(c, &bac_id, rang, &titulaire)).await?;
    Ok(super::pieces::servir_fichier(&format!("document-{rang}.pdf"), "application/pdf", pdf, true))
}

pub async fn voir_indice(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    champs: Champs,
) -> Result<Redirect, AppError> {
    stagiaire.verifier_csrf(&champs.un("csrf")).await?;
    let (bac_id, objectif) = (stagiaire.bac.id.clone(), champs.un("objectif"));
    etat.ecrire(move |tx, _| scenario::voir_indice(tx, &bac_id, &objectif)).await?;
    Ok(Redirect::to("/exercice#objectifs"))
}

pub async fn terminer(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    champs: Champs,
) -> Result<Redirect, AppError> {
    stagiaire.verifier_csrf(&champs.un("csrf")).await?;
    let (bac_id, uid) = (stagiaire.bac.id.clone(), stagiaire.utilisateur.id.clone());
    etat.ecrire(move |tx, h| scenario::terminer(tx, &bac_id, &uid, h)).await?;
    Ok(Redirect::to("/exercice#debriefing"))
}

/// La réponse donnée, telle que le stagiaire l'a choisie : pour une question à choix, le texte
/// de l'option (la réponse est gardée par son rang, 1 pour la première).
fn libelle_reponse<'a>(v: &'a Verification, donnee: &'a str) -> &'a str {
    match v {
        Verification::Choix { options, .. } => donnee
            .trim()
            .parse::<usize>()
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| options.get(i))
            .map_or(donnee, String::as_str),
        _ => donnee,
    }
}

/// Une question de l'exercice : tant qu'elle n'est pas juste (ou, en évaluation, tant qu'elle
/// n'a pas de réponse), le formulaire pour répondre.
fn question(csrf: &str, e: &EtatObjectif<'_>, v: &Vue, montrer: bool) -> Markup {
    let o = e.objectif;
    let id = format!("reponse-{}", o.id);
    let donnee = v.faits.reponses.get(&o.id);
    let essais = v.tentatives.get(&o.id).copied();
    let ouverte = !v.exercice.termine
        && match v.exercice.mode {
            Mode::Evaluation => donnee.is_none(),
            _ => !e.atteint(),
        };
    html! {
        div.question {
            @if let Some(d) = donnee {
                p.aide {
                    "Votre réponse : « " (libelle_reponse(&o.verification, d)) " »"
                    @if montrer {
                        @if let Some(n) = essais { " (" (n) " essai" @if n > 1 { "s" } ")" }
                        @if !e.atteint() { " — ce n'est pas la bonne réponse" @if ouverte { ", réessayez" } "." }
                    }
                }
            }
            @if ouverte {
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
                        verification => {
                            label for=(id) { (verification.question().unwrap_or_default()) }
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
