//! La fin de formation, côté console : la feuille d'émargement (confirmer les signatures,
//! noter un absent, reporter une feuille papier), la feuille en PDF, les attestations, la
//! synthèse du questionnaire de satisfaction et l'export des résultats. Chaque lecture et
//! chaque décision passent par `classe::charger(formateur, classe)` dans le stockage.

use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::response::{Redirect, Response};
use chorus_domain::emargement::Presence;
use chorus_domain::questionnaire::{Synthese, moyenne_lisible};
use chorus_store::emargement::{self, Decision, Feuille};
use chorus_store::{Horloge, attestation, export, questionnaire};
use maud::{Markup, html};
use rusqlite::Connection;
use serde::Deserialize;

use super::champ_csrf;
use super::emargement::signature_svg;
use super::formateur::{ActionClasse, dates, gabarit_console};
use super::pieces::servir_fichier;
use crate::erreur::AppError;
use crate::etat::AppState;
use crate::session::FormateurConnecte;

/// Une lecture de la console sur une classe : formateur connecté, classe désignée par
/// l'adresse ; le stockage vérifie qu'elle est la sienne.
pub struct LectureClasse {
    pub(crate) f: FormateurConnecte,
    pub(crate) id: String,
}

impl FromRequestParts<AppState> for LectureClasse {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, etat: &AppState) -> Result<Self, AppError> {
        let f = FormateurConnecte::from_request_parts(parts, etat).await?;
        let Path(id) = Path::<String>::from_request_parts(parts, etat)
            .await
            .map_err(|_| AppError::Introuvable("Classe introuvable".into()))?;
        Ok(LectureClasse { f, id })
    }
}

impl LectureClasse {
    /// `lecture(connexion, horloge, formateur, classe)`.
    pub(crate) async fn lire<T: Send + 'static>(
        &self,
        etat: &AppState,
        lecture: impl FnOnce(&Connection, &Horloge, &str, &str) -> chorus_store::Resultat<T> + Send + 'static,
    ) -> Result<T, AppError> {
        let (fid, id) = (self.f.formateur.id.clone(), self.id.clone());
        etat.lire(move |c, h| lecture(c, h, &fid, &id)).await
    }
}

fn chemin(classe_id: &str, suite: &str) -> String {
    format!("/formateur/classes/{classe_id}/{suite}")
}

fn page_emargement(f: &FormateurConnecte, feuille: &Feuille) -> Markup {
    let c = &feuille.classe;
    gabarit_console(
        &format!("Émargement — {}", c.titre),
        &f.csrf,
        Some(&f.formateur.email),
        html! {
            p { a href={ "/formateur/classes/" (c.id) } { "← " (c.titre) } }
            h1 { "Feuille d'émargement" }
            p.chapeau { (dates(c)) @if !c.lieu.is_empty() { " — " (c.lieu) } }
            p { "Chaque stagiaire signe depuis son poste pour la demi-journée en cours. Une demi-journée ne compte pour l'attestation qu'une fois confirmée ici (« Présent »)." }
            div.actions-classe {
                a.bouton href=(chemin(&c.id, "emargement.pdf")) download { "Feuille d'émargement (PDF)" }
                a.bouton href=(chemin(&c.id, "attestations.pdf")) download { "Toutes les attestations (PDF)" }
                a.bouton href=(chemin(&c.id, "resultats.csv")) download { "Résultats de la classe (CSV)" }
                a.bouton href=(chemin(&c.id, "questionnaire")) { "Questionnaire de satisfaction" }
            }
            @if feuille.lignes.is_empty() {
                p.vide { "Personne n'a encore rejoint la classe." }
            } @else {
                div.defilement tabindex="0" {
                    table.tableau.feuille-emargement #emargement {
                        thead {
                            tr {
                                th scope="col" { "Stagiaire" }
                                @for d in &feuille.calendrier {
                                    th scope="col" {
                                        (d.libelle())
                                        form method="post" action=(chemin(&c.id, "emargement")) {
                                            (champ_csrf(&f.csrf))
                                            input type="hidden" name="demi_journee" value=(d.rang);
                                            button.lien type="submit" name="decision" value="confirmer" { "Confirmer toutes les signatures" }
                                        }
                                        a href={ (chemin(&c.id, "emargement.pdf")) "?demi_journee=" (d.rang) } download { "PDF de la demi-journée" }
                                    }
                                }
                                th scope="col" { "Heures" }
                                th scope="col" { "Attestation" }
                            }
                        }
                        tbody {
                            @for l in &feuille.lignes {
                                tr {
                                    th scope="row" { (l.nom) }
                                    @for (d, case) in feuille.calendrier.iter().zip(&l.cases) {
                                        td.case-emargement data-presence=(case.presence.code()) {
                                            strong { (case.presence.libelle()) }
                                            @let mention = case.mention();
                                            @if !mention.is_empty() { br; span.aide { (mention) } }
                                            @if let Some(t) = &case.trace { (signature_svg(t)) }
                                            form.decisions method="post" action=(chemin(&c.id, "emargement")) {
                                                (champ_csrf(&f.csrf))
                                                input type="hidden" name="demi_journee" value=(d.rang);
                                                input type="hidden" name="participant" value=(l.participant_id);
                                                @if case.presence == Presence::Signe {
                                                    button.bouton.bouton-principal type="submit" name="decision" value="confirmer" { "Confirmer" }
                                                }
                                                @if case.presence != Presence::Confirme {
                                                    button.lien type="submit" name="decision" value="papier" { "Présent (papier)" }
                                                }
                                                @if case.presence != Presence::Absent {
                                                    button.lien type="submit" name="decision" value="absent" { "Absent" }
                                                }
                                                @if case.presence != Presence::NonSigne {
                                                    button.lien type="submit" name="decision" value="effacer" { "Effacer" }
                                                }
                                            }
                                        }
                                    }
                                    td.nombre { (chorus_domain::emargement::heures_lisibles(l.heures())) }
                                    td { a href=(chemin(&c.id, &format!("attestations/{}", l.participant_id))) download { "PDF" } }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

pub async fn page_emargement_get(State(etat): State<AppState>, l: LectureClasse) -> Result<Markup, AppError> {
    let feuille = l.lire(&etat, |c, _, f, id| emargement::feuille(c, f, id)).await?;
    Ok(page_emargement(&l.f, &feuille))
}

/// Une décision du formateur sur la feuille ; retour à la feuille (recharger ne rejoue rien).
pub async fn decider(
    State(etat): State<AppState>,
    ActionClasse { f, id, champs, .. }: ActionClasse,
) -> Result<Redirect, AppError> {
    let decision = Decision::depuis_code(&champs.un("decision")).ok_or_else(|| {
        AppError::Requete("Choisissez une action : confirmer, présent, absent ou effacer.".into())
    })?;
    let rang: u8 = champs.un("demi_journee").trim().parse().map_err(|_| {
        AppError::Requete("La demi-journée indiquée n'existe pas dans cette formation.".into())
    })?;
    let participant = Some(champs.un("participant")).filter(|p| !p.is_empty());
    let (fid, cid) = (f.formateur.id.clone(), id.clone());
    etat.ecrire(move |tx, h| emargement::decider(tx, &fid, &cid, participant.as_deref(), rang, decision, h))
        .await?;
    Ok(Redirect::to(&chemin(&id, "emargement")))
}

#[derive(Deserialize)]
pub struct ChoixDemiJournee {
    #[serde(default)]
    demi_journee: Option<String>,
}

pub async fn feuille_pdf(
    State(etat): State<AppState>,
    l: LectureClasse,
    Query(q): Query<ChoixDemiJournee>,
) -> Result<Response, AppError> {
    let seulement = match q.demi_journee.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(s.parse::<u8>().map_err(|_| AppError::Introuvable("Demi-journée".into()))?),
    };
    let pdf = l.lire(&etat, move |c, _, f, id| attestation::feuille_pdf(c, f, id, seulement)).await?;
    let suffixe = seulement.map(|r| format!("-demi-journee-{r}")).unwrap_or_default();
    Ok(servir_fichier(&format!("feuille-emargement{suffixe}.pdf"), "application/pdf", pdf, false))
}

pub async fn attestation_pdf(
    State(etat): State<AppState>,
    f: FormateurConnecte,
    Path((id, participant)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let fid = f.formateur.id.clone();
    let (nom, pdf) = etat.lire(move |c, h| attestation::attestation(c, &fid, &id, &participant, h)).await?;
    Ok(servir_fichier(
        &format!("attestation-{}.pdf", chorus_store::cloture::nom_de_fichier(&nom)),
        "application/pdf",
        pdf,
        false,
    ))
}

pub async fn attestations_pdf(State(etat): State<AppState>, l: LectureClasse) -> Result<Response, AppError> {
    let pdf = l.lire(&etat, |c, h, f, id| attestation::attestations(c, f, id, h)).await?;
    Ok(servir_fichier("attestations.pdf", "application/pdf", pdf, false))
}

pub async fn resultats_csv(State(etat): State<AppState>, l: LectureClasse) -> Result<Response, AppError> {
    let csv = l.lire(&etat, |c, _, f, id| export::resultats_csv(c, f, id)).await?;
    Ok(servir_fichier("resultats-classe.csv", "text/csv; charset=utf-8", csv, false))
}

fn page_questionnaire(f: &FormateurConnecte, classe: &chorus_store::classe::Classe, s: &Synthese) -> Markup {
    gabarit_console(
        &format!("Questionnaire — {}", classe.titre),
        &f.csrf,
        Some(&f.formateur.email),
        html! {
            p { a href=(chemin(&classe.id, "emargement")) { "← Feuille d'émargement" } }
            h1 { "Questionnaire de satisfaction" }
            p.chapeau { (classe.titre) " — " (s.repondants) " réponse(s)" }
            table.tableau #synthese-questionnaire {
                thead { tr {
                    th scope="col" { "Affirmation" } th.nombre scope="col" { "Moyenne" }
                    @for n in 1..=5 { th.nombre scope="col" { "Note " (n) } }
                } }
                tbody {
                    @for q in &s.questions {
                        tr {
                            th scope="row" { (q.question.libelle) }
                            td.nombre { (moyenne_lisible(q.moyenne)) }
                            @for n in q.repartition { td.nombre { (n) } }
                        }
                    }
                }
            }
            h2 { "Commentaires" }
            @if s.commentaires.is_empty() {
                p.vide { "Aucun commentaire." }
            } @else {
                ul.commentaires { @for c in &s.commentaires { li { (c) } } }
            }
        },
    )
}

pub async fn questionnaire_get(State(etat): State<AppState>, l: LectureClasse) -> Result<Markup, AppError> {
    let (classe, s) = l.lire(&etat, |c, _, f, id| questionnaire::synthese(c, f, id)).await?;
    Ok(page_questionnaire(&l.f, &classe, &s))
}
