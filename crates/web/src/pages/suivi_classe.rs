//! Le suivi en direct d'une classe : la grille des stagiaires (factures envoyées, statuts
//! atteints, erreurs rencontrées, dernière activité) et les motifs les plus fréquents, matière
//! du débriefing ; mise à jour par événements serveur (SSE) sans recharger la page. Depuis la
//! grille, le formateur écrit à un stagiaire ou regarde son portail en lecture seule.
//!
//! Tout passe par `classe::charger(formateur, classe)` : un autre formateur reçoit « introuvable ».

use std::convert::Infallible;
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chorus_domain::Anomalie;
use chorus_domain::classe as regles;
use chorus_store::bilan::{self, BilanStagiaire, Motif};
use chorus_store::classe::{self, Classe};
use chorus_store::pilotage;
use chrono::{DateTime, Utc};
use futures_util::stream::{self, Stream};
use maud::{Markup, html};
use serde::Deserialize;
use tokio::time::Instant;

use super::formateur::{ActionClasse, gabarit_console, participant_choisi, stagiaire_choisi, succes};
use super::{champ_csrf, pastille, resume_anomalies};
use crate::erreur::AppError;
use crate::etat::AppState;
use crate::formulaire::Champs;
use crate::session::{self, FormateurConnecte, verifier_csrf};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/formateur/classes/{id}/suivi", get(page))
        .route("/formateur/classes/{id}/evenements", get(evenements))
        .route("/formateur/classes/{id}/message", post(ecrire))
        .route("/formateur/classes/{id}/voir", post(voir))
        .route("/formateur/lecture-seule/quitter", post(quitter_lecture))
}

/// Ce que montre la grille, lu en une fois.
struct Grille {
    classe: Classe,
    bilans: Vec<BilanStagiaire>,
    motifs: Vec<Motif>,
    version: String,
}

async fn charger(etat: &AppState, formateur_id: String, classe_id: String) -> Result<Grille, AppError> {
    etat.lire(move |c, _| {
        let classe = classe::charger(c, &formateur_id, &classe_id)?;
        Ok(Grille {
            bilans: bilan::de_la_classe(c, &classe.id)?,
            motifs: bilan::motifs(c, &classe.id)?,
            version: bilan::version(c, &classe.id)?,
            classe,
        })
    })
    .await
}

/// « à l'instant », « il y a 4 min », « il y a 2 h » : lisible de loin, rafraîchi par le flux.
fn anciennete(quand: DateTime<Utc>, maintenant: DateTime<Utc>) -> String {
    let minutes = (maintenant - quand).num_minutes().max(0);
    match minutes {
        0 => "à l'instant".to_string(),
        1..=59 => format!("il y a {minutes} min"),
        _ => format!("il y a {} h", minutes / 60),
    }
}

/// Le message en cours d'écriture qui revient avec ses anomalies.
struct Brouillon<'a> {
    participant_id: &'a str,
    objet: &'a str,
    corps: &'a str,
    anomalies: &'a [Anomalie],
}

/// Les parties marquées `data-direct` sont celles que le script remplace à chaque événement :
/// les chiffres, jamais les formulaires (un message en cours d'écriture n'est pas effacé).
fn grille(g: &Grille, csrf: &str, maintenant: DateTime<Utc>, brouillon: Option<&Brouillon<'_>>) -> Markup {
    let cid = &g.classe.id;
    html! {
        div #grille-suivi {
            @if g.bilans.is_empty() {
                p.vide #suivi-vide data-direct { "Personne n'a encore rejoint la classe." }
            } @else {
                table.tableau.grille-suivi {
                    caption.visuellement-cache { "Ce que chaque stagiaire a fait, mis à jour en direct" }
                    thead { tr {
                        th scope="col" { "Stagiaire" }
                        th.nombre scope="col" { "Envoyées" }
                        th scope="col" { "Statuts atteints" }
                        th.nombre scope="col" { "Saisies refusées" }
                        th.nombre scope="col" { "Rejets" }
                        th scope="col" { "Dernière activité" }
                        th scope="col" { "Actions" }
                    } }
                    tbody {
                        @for b in &g.bilans {
                            tr {
                                th scope="row" {
                                    (b.nom)
                                    @if b.bac_partage { br; span.aide { "en binôme : chiffres du bac commun" } }
                                }
                                td.nombre #{ "envoyees-" (b.participant_id) } data-direct { (b.factures_envoyees) }
                                td #{ "statuts-" (b.participant_id) } data-direct {
                                    @if b.statuts_atteints.is_empty() { span.vide { "—" } }
                                    @for s in &b.statuts_atteints { (pastille(*s)) " " }
                                }
                                td.nombre #{ "anomalies-" (b.participant_id) } data-direct { (b.anomalies) }
                                td.nombre #{ "rejets-" (b.participant_id) } data-direct { (b.rejets) }
                                td #{ "activite-" (b.participant_id) } data-direct {
                                    @match b.derniere_activite {
                                        Some(t) => (anciennete(t, maintenant)),
                                        None => span.vide { "pas encore" },
                                    }
                                }
                                td.actions-stagiaire {
                                    form method="post" action={ "/formateur/classes/" (cid) "/voir" } {
                                        (champ_csrf(csrf))
                                        input type="hidden" name="participant" value=(b.participant_id);
                                        button.lien type="submit" { "Voir" span.visuellement-cache { " ce que voit " (b.nom) } }
                                    }
                                    (formulaire_message(cid, b, csrf, brouillon.filter(|m| m.participant_id == b.participant_id)))
                                }
                            }
                        }
                    }
                }
            }
            section.carte.debriefing #motifs-classe data-direct {
                h2 { "Matière pour le débriefing" }
                @if g.motifs.is_empty() {
                    p.vide { "Aucun rejet, aucune suspension, aucune saisie refusée pour l'instant." }
                } @else {
                    p { "Les motifs de rejet et de suspension donnés par l'acheteur, et les erreurs de saisie, les plus fréquents d'abord :" }
                    ol.motifs {
                        @for m in g.motifs.iter().take(15) {
                            li {
                                span class={ "nature nature-" (m.nature.libelle().to_lowercase().replace(' ', "-").replace('à', "a")) } { (m.nature.libelle()) }
                                " " (m.libelle) " "
                                strong.compte { "× " (m.nombre) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn formulaire_message(
    classe_id: &str,
    b: &BilanStagiaire,
    csrf: &str,
    brouillon: Option<&Brouillon<'_>>,
) -> Markup {
    let id = |champ: &str| format!("{champ}-{}", b.participant_id);
    let (objet, corps, anomalies) = brouillon.map_or(("", "", &[][..]), |m| (m.objet, m.corps, m.anomalies));
    html! {
        details.ecrire open[brouillon.is_some()] {
            summary { "Écrire" span.visuellement-cache { " à " (b.nom) } }
            form method="post" action={ "/formateur/classes/" (classe_id) "/message" } novalidate {
                (resume_anomalies("Le message n'est pas parti :", anomalies))
                (champ_csrf(csrf))
                input type="hidden" name="participant" value=(b.participant_id);
                div.champ {
                    label for=(id("objet")) { "Objet" }
                    input id=(id("objet")) name="objet" type="text" value=(objet) maxlength=(regles::OBJET_MESSAGE_LONGUEUR_MAX) required;
                }
                div.champ {
                    label for=(id("corps")) { "Message" }
                    textarea id=(id("corps")) name="corps" rows="4" maxlength=(regles::CORPS_MESSAGE_LONGUEUR_MAX) required { (corps) }
                }
                p.aide { "Il arrive dans sa messagerie du simulateur, de la part de « " (pilotage::EXPEDITEUR_FORMATEUR) " »." }
                button.bouton type="submit" { "Envoyer" }
            }
        }
    }
}

fn page_suivi(
    f: &FormateurConnecte,
    g: &Grille,
    maintenant: DateTime<Utc>,
    message: Option<Markup>,
    brouillon: Option<&Brouillon<'_>>,
) -> Markup {
    let c = &g.classe;
    gabarit_console(
        &format!("Suivi — {}", c.titre),
        &f.csrf,
        Some(&f.formateur.email),
        html! {
            h1.titre-suivi { "Suivi en direct — " (c.titre) }
            p.aide {
                a href={ "/formateur/classes/" (c.id) } { "← La classe" }
                " · La grille se met à jour toute seule quand un stagiaire agit. Sans JavaScript, rechargez la page."
            }
            @if let Some(m) = message { (m) }
            div #suivi-direct data-flux={ "/formateur/classes/" (c.id) "/evenements?depuis=" (g.version) } {
                (grille(g, &f.csrf, maintenant, brouillon))
            }
        },
    )
}

pub async fn page(
    State(etat): State<AppState>,
    f: FormateurConnecte,
    Path(id): Path<String>,
) -> Result<Markup, AppError> {
    let g = charger(&etat, f.formateur.id.clone(), id).await?;
    Ok(page_suivi(&f, &g, etat.horloge.maintenant(), None, None))
}

#[derive(Deserialize)]
pub struct Depuis {
    depuis: Option<String>,
}

/// Attente entre deux calculs de la grille : trente stagiaires qui saisissent ensemble ne
/// la font pas recalculer plus d'une fois par seconde.
const REGROUPEMENT: Duration = Duration::from_secs(1);
/// Sans écriture, la grille est tout de même renvoyée de temps en temps : « il y a N min »
/// avance, et une écriture faite hors du serveur (ligne de commande) finit par paraître.
const RAFRAICHISSEMENT: Duration = Duration::from_secs(30);

struct Flux {
    etat: AppState,
    formateur_id: String,
    classe_id: String,
    csrf: String,
    ecritures: tokio::sync::watch::Receiver<u64>,
    /// Au branchement, la grille est comparée tout de suite à la version du client.
    premier: bool,
    version: String,
    dernier_calcul: Instant,
}

/// Les événements de la grille : un événement `grille` (le fragment HTML, identifié par la
/// version) chaque fois qu'elle change. Le navigateur renvoie la dernière version reçue en
/// se reconnectant (`Last-Event-ID`), la page la donne au premier branchement (`depuis`) :
/// rien ne se perd entre le rendu de la page et l'ouverture du flux.
pub async fn evenements(
    State(etat): State<AppState>,
    f: FormateurConnecte,
    Path(id): Path<String>,
    Query(q): Query<Depuis>,
    entetes: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, AppError> {
    let g = charger(&etat, f.formateur.id.clone(), id).await?;
    let connue = entetes
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or(q.depuis)
        .unwrap_or_else(|| g.version.clone());
    let depart = Flux {
        ecritures: etat.ecritures.subscribe(),
        premier: true,
        formateur_id: f.formateur.id.clone(),
        classe_id: g.classe.id.clone(),
        csrf: f.csrf.clone(),
        // Une version différente de celle du client : la grille part tout de suite.
        version: connue,
        dernier_calcul: Instant::now() - REGROUPEMENT,
        etat,
    };
    let flux = stream::unfold(depart, |mut fl| async move {
        loop {
            let mut minuterie = false;
            if !fl.premier {
                tokio::select! {
                    r = fl.ecritures.changed() => if r.is_err() { return None },
                    _ = tokio::time::sleep(RAFRAICHISSEMENT) => minuterie = true,
                }
            }
            fl.premier = false;
            tokio::time::sleep_until(fl.dernier_calcul + REGROUPEMENT).await;
            fl.dernier_calcul = Instant::now();
            // La classe est relue à chaque fois : une classe qui n'est plus la sienne ferme le flux.
            let g = charger(&fl.etat, fl.formateur_id.clone(), fl.classe_id.clone()).await.ok()?;
            if g.version == fl.version && !minuterie {
                continue;
            }
            fl.version.clone_from(&g.version);
            let fragment = grille(&g, &fl.csrf, fl.etat.horloge.maintenant(), None);
            let e = Event::default().event("grille").id(g.version).data(fragment.into_string());
            return Some((Ok(e), fl));
        }
    });
    Ok(Sse::new(flux).keep_alive(KeepAlive::default()))
}

/// « Écrire à un stagiaire » : le message part dans sa messagerie, à ses seuls comptes.
pub async fn ecrire(
    State(etat): State<AppState>,
    ActionClasse { f, id, champs, .. }: ActionClasse,
) -> Result<Response, AppError> {
    let participant = participant_choisi(&champs).ok_or(AppError::Introuvable("Stagiaire".into()))?;
    let (objet, corps) = (champs.un("objet"), champs.un("corps"));
    let (fid, cid, pid, o, c) =
        (f.formateur.id.clone(), id.clone(), participant.clone(), objet.clone(), corps.clone());
    let resultat =
        etat.ecrire_saisie(move |tx, h| pilotage::ecrire_au_stagiaire(tx, &fid, &cid, &pid, &o, &c, h)).await;
    let g = charger(&etat, f.formateur.id.clone(), id).await?;
    let maintenant = etat.horloge.maintenant();
    let nom = g.bilans.iter().find(|b| b.participant_id == participant).map_or("", |b| b.nom.as_str());
    match resultat {
        Ok(Ok(_)) => {
            let texte = format!("Message déposé dans la messagerie de {nom}.");
            Ok(page_suivi(&f, &g, maintenant, Some(succes(texte)), None).into_response())
        }
        Ok(Err(anomalies)) => {
            let b = Brouillon {
                participant_id: &participant,
                objet: &objet,
                corps: &corps,
                anomalies: &anomalies,
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page_suivi(&f, &g, maintenant, None, Some(&b)))
                .into_response())
        }
        Err(AppError::Requete(m)) => {
            let alerte = html! { div.alerte.alerte-erreur role="alert" { p { (m) } } };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page_suivi(&f, &g, maintenant, Some(alerte), None))
                .into_response())
        }
        Err(e) => Err(e),
    }
}

/// « Voir ce que voit le stagiaire » : le portail du stagiaire, en lecture seule, jusqu'à ce
/// que le formateur en sorte (voir `lecture_seule`).
pub async fn voir(
    State(etat): State<AppState>,
    ActionClasse { f, id, champs, .. }: ActionClasse,
) -> Result<Redirect, AppError> {
    let p = stagiaire_choisi(&etat, &f, id, &champs).await?;
    session::voir_comme(&f.session, &p.id).await?;
    Ok(Redirect::to("/"))
}

pub async fn quitter_lecture(f: FormateurConnecte, champs: Champs) -> Result<Redirect, AppError> {
    verifier_csrf(&f.session, &champs.un("csrf")).await?;
    session::quitter_lecture(&f.session).await?;
    // L'adresse de retour n'est construite qu'à partir d'un identifiant de classe bien formé.
    let classe = champs.un("classe");
    if !classe.is_empty() && classe.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Ok(Redirect::to(&format!("/formateur/classes/{classe}/suivi")));
    }
    Ok(Redirect::to("/formateur"))
}
