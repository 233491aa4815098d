//! Le questionnaire de satisfaction du stagiaire : six affirmations notées de 1 à 5 et un
//! commentaire libre, modifiables jusqu'au dernier jour de la formation.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chorus_domain::Anomalie;
use chorus_domain::questionnaire::{self as regles, NOTE_MAX, NOTE_MIN, QUESTIONS, Reponses};
use chorus_store::classe::{self, Classe};
use chorus_store::questionnaire;
use maud::{Markup, html};

use super::{champ_csrf, erreurs_du_champ, gabarit, resume_anomalies};
use crate::erreur::AppError;
use crate::etat::AppState;
use crate::formulaire::Champs;
use crate::session::{StagiaireDeClasse, verifier_csrf};

struct Etat {
    classe: Classe,
    ouvert: bool,
    reponse: Option<Reponses>,
}

async fn charger(etat: &AppState, s: &StagiaireDeClasse) -> Result<Etat, AppError> {
    let p = s.participant_id.clone();
    etat.lire(move |c, h| {
        let (classe, _) = classe::du_participant(c, &p)?;
        Ok(Etat {
            ouvert: questionnaire::ouvert(&classe, h),
            reponse: questionnaire::reponse(c, &p)?,
            classe,
        })
    })
    .await
}

/// `saisies` : ce que le formulaire renvoyé contenait (note de chaque question, commentaire).
fn page(
    s: &StagiaireDeClasse,
    e: &Etat,
    saisies: (&[String], &str),
    anomalies: &[Anomalie],
    message: Option<&str>,
) -> Markup {
    let (notes, commentaire) = saisies;
    gabarit(
        "Questionnaire de satisfaction",
        Some(&s.csrf),
        None,
        html! {
            p { a href="/" { "← Revenir au portail" } }
            h1 { "Questionnaire de satisfaction" }
            p.chapeau { (e.classe.titre) }
            @if let Some(m) = message { div.alerte.alerte-info role="status" { p { (m) } } }
            (resume_anomalies("Vos réponses n'ont pas été enregistrées :", anomalies))
            @if !e.ouvert {
                div.alerte.alerte-info role="status" { p { "La formation est terminée : le questionnaire est clos." } }
            } @else {
                p { "Vos réponses aident le formateur et l'organisme à améliorer la formation. Vous pouvez les modifier jusqu'à la fin de la formation." }
                form.questionnaire method="post" action="/questionnaire" novalidate {
                    (champ_csrf(&s.csrf))
                    @for (i, q) in QUESTIONS.iter().enumerate() {
                        @let erreurs = erreurs_du_champ(anomalies, q.code, None);
                        fieldset id=(q.code) class={ "champ note" @if !erreurs.is_empty() { " champ-en-erreur" } } {
                            legend { (q.libelle) span.obligatoire aria-hidden="true" { " *" } }
                            @for err in &erreurs { p.message-erreur { (err.message) } }
                            div.echelle {
                                @for n in NOTE_MIN..=NOTE_MAX {
                                    label.choix {
                                        input type="radio" name=(q.code) value=(n) required
                                            checked[notes.get(i).is_some_and(|x| x.trim() == n.to_string())];
                                        " " strong { (n) } " " span.sens { (regles::sens_de_la_note(n)) }
                                    }
                                }
                            }
                        }
                    }
                    div.champ {
                        label for="commentaire" { "Vos commentaires (facultatif)" }
                        @for err in erreurs_du_champ(anomalies, "commentaire", None) { p.message-erreur { (err.message) } }
                        textarea #commentaire name="commentaire" rows="5" maxlength=(regles::COMMENTAIRE_LONGUEUR_MAX) { (commentaire) }
                    }
                    button.bouton.bouton-principal type="submit" {
                        @if e.reponse.is_some() { "Modifier mes réponses" } @else { "Envoyer mes réponses" }
                    }
                }
            }
        },
    )
}

fn saisies_de(r: Option<&Reponses>) -> (Vec<String>, String) {
    match r {
        Some(r) => (r.notes.iter().map(u8::to_string).collect(), r.commentaire.clone()),
        None => (Vec::new(), String::new()),
    }
}

pub async fn page_get(State(etat): State<AppState>, s: StagiaireDeClasse) -> Result<Markup, AppError> {
    let e = charger(&etat, &s).await?;
    let (notes, commentaire) = saisies_de(e.reponse.as_ref());
    Ok(page(&s, &e, (&notes, &commentaire), &[], None))
}

pub async fn repondre(
    State(etat): State<AppState>,
    s: StagiaireDeClasse,
    champs: Champs,
) -> Result<Response, AppError> {
    verifier_csrf(&s.session, &champs.un("csrf")).await?;
    let notes: Vec<String> = QUESTIONS.iter().map(|q| champs.un(q.code)).collect();
    let commentaire = champs.un("commentaire");
    match regles::controler(&notes, &commentaire) {
        Ok(r) => {
            let p = s.participant_id.clone();
            etat.ecrire(move |tx, h| questionnaire::repondre(tx, &p, &r, h)).await?;
            Ok(Redirect::to("/questionnaire/merci").into_response())
        }
        Err(anomalies) => {
            let e = charger(&etat, &s).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page(&s, &e, (&notes, &commentaire), &anomalies, None))
                .into_response())
        }
    }
}

pub async fn merci(State(etat): State<AppState>, s: StagiaireDeClasse) -> Result<Markup, AppError> {
    let e = charger(&etat, &s).await?;
    let (notes, commentaire) = saisies_de(e.reponse.as_ref());
    Ok(page(&s, &e, (&notes, &commentaire), &[], Some("Merci : vos réponses sont enregistrées.")))
}
