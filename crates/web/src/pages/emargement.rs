//! L'émargement du stagiaire : il signe pour la demi-journée en cours en cochant « Je certifie
//! être présent(e) » et en tapant son nom ; avec JavaScript, il peut aussi dessiner sa
//! signature. Le formateur confirme ensuite depuis sa console.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chorus_domain::Anomalie;
use chorus_domain::emargement::{Presence, SIGNATURE_HAUTEUR, SIGNATURE_LARGEUR, Traits, lire_signature};
use chorus_store::emargement::{self, Case, MaFeuille, Signature};
use maud::{Markup, html};

use super::{champ_csrf, champ_texte, erreurs_du_champ, gabarit, resume_anomalies};
use crate::erreur::AppError;
use crate::etat::AppState;
use crate::formulaire::Champs;
use crate::session::StagiaireDeClasse;

/// Le tracé d'une signature, redessiné en SVG à partir de sa forme contrôlée (des entiers
/// seulement) : rien de ce que le navigateur a envoyé n'est recopié tel quel.
pub fn signature_svg(trace: &str) -> Markup {
    let traits: Traits = lire_signature(trace).unwrap_or_default();
    html! {
        svg.signature-dessinee viewBox={ "0 0 " (SIGNATURE_LARGEUR) " " (SIGNATURE_HAUTEUR) } role="img" aria-label="Signature dessinée" {
            @for t in &traits {
                polyline points=(t.iter().map(|(x, y)| format!("{x},{y}")).collect::<Vec<_>>().join(" "))
                    fill="none" stroke="currentColor" stroke-width="3" stroke-linecap="round" stroke-linejoin="round" {}
            }
        }
    }
}

fn etat(case: &Case) -> Markup {
    let classe = match case.presence {
        Presence::Confirme => "pastille pastille-paye",
        Presence::Signe => "pastille pastille-en-cours",
        Presence::Absent => "pastille pastille-rejet",
        Presence::NonSigne => "pastille pastille-brouillon",
    };
    html! { span class=(classe) { (case.presence.libelle()) } }
}

/// Le petit encadré de l'accueil du portail : où en est l'émargement de la demi-journée.
pub fn encart(f: &MaFeuille) -> Markup {
    html! {
        section.carte.encart-emargement aria-labelledby="titre-emargement" {
            h2 #titre-emargement { "Ma formation : " (f.classe.titre) }
            @match (f.courante, f.case_courante()) {
                (Some(d), Some(case)) if case.presence == Presence::NonSigne => {
                    p { "Vous n'avez pas encore émargé pour le " strong { (d.libelle()) } "." }
                    p { a.bouton.bouton-principal href="/emargement" { "Signer la feuille d'émargement" } }
                }
                (Some(d), Some(case)) => {
                    p { "Émargement du " (d.libelle()) " : " (etat(case)) }
                }
                _ => { p { a href="/emargement" { "Ma feuille d'émargement" } } }
            }
            p { a href="/questionnaire" { "Questionnaire de satisfaction de fin de formation" } }
        }
    }
}

fn page(
    s: &StagiaireDeClasse,
    f: &MaFeuille,
    nom: &str,
    anomalies: &[Anomalie],
    message: Option<&str>,
) -> Markup {
    let erreur_certifie = erreurs_du_champ(anomalies, "certifie", None);
    let erreur_trace = erreurs_du_champ(anomalies, "trace", None);
    gabarit(
        "Feuille d'émargement",
        Some(&s.csrf),
        None,
        html! {
            p { a href="/" { "← Revenir au portail" } }
            h1 { "Feuille d'émargement" }
            p.chapeau { (f.classe.titre) " — " (f.nom) }
            @if let Some(m) = message { div.alerte.alerte-info role="status" { p { (m) } } }
            (resume_anomalies("Votre signature n'a pas été enregistrée :", anomalies))
            @match (f.courante, f.case_courante()) {
                (Some(d), Some(case)) if matches!(case.presence, Presence::NonSigne | Presence::Signe) => {
                    section.carte {
                        h2 { "Signer pour le " (d.libelle()) }
                        @if case.presence == Presence::Signe {
                            p { "Vous avez déjà signé (" (case.mention()) ") ; le formateur doit encore confirmer. Vous pouvez signer de nouveau." }
                        }
                        form method="post" action="/emargement" novalidate {
                            (champ_csrf(&s.csrf))
                            div class={ "champ" @if !erreur_certifie.is_empty() { " champ-en-erreur" } } {
                                @for e in &erreur_certifie { p.message-erreur #certifie-erreur { (e.message) } }
                                label.choix {
                                    input #certifie type="checkbox" name="certifie" value="oui" required
                                        aria-invalid=[(!erreur_certifie.is_empty()).then_some("true")];
                                    " Je certifie être présent(e) à cette demi-journée de formation."
                                }
                            }
                            (champ_texte(anomalies, "nom_signe", "Votre prénom et votre nom, en guise de signature", nom, true, Some("Tels qu'ils figurent sur la feuille du formateur."), ("text", chorus_domain::classe::NOM_STAGIAIRE_LONGUEUR_MAX)))
                            // Rempli par le script quand le stagiaire dessine ; sans script, il
                            // reste vide et la case cochée avec le nom tapé suffisent.
                            div.champ.zone-signature hidden data-signature="" {
                                label for="trace-dessin" { "Votre signature (facultatif)" }
                                @for e in &erreur_trace { p.message-erreur { (e.message) } }
                                canvas #trace-dessin width=(SIGNATURE_LARGEUR) height=(SIGNATURE_HAUTEUR) aria-label="Cadre de signature : dessinez avec la souris, le doigt ou un stylet" {}
                                input type="hidden" name="trace" value="";
                                button.lien type="button" data-effacer-signature="" { "Effacer la signature" }
                            }
                            button.bouton.bouton-principal type="submit" { "Signer" }
                        }
                    }
                }
                (Some(d), Some(case)) => {
                    p { "Demi-journée du " (d.libelle()) " : " (etat(case)) }
                }
                _ => {
                    p { "Aucune demi-journée de la formation n'est en cours : l'émargement s'ouvre le jour même, le matin et l'après-midi." }
                }
            }
            section {
                h2 { "Mes demi-journées" }
                table.tableau {
                    thead { tr { th scope="col" { "Demi-journée" } th scope="col" { "Présence" } th scope="col" { "Signature" } } }
                    tbody {
                        @for (d, case) in f.calendrier.iter().zip(&f.cases) {
                            tr {
                                th scope="row" { (d.libelle()) }
                                td { (etat(case)) }
                                td {
                                    (case.mention())
                                    @if let Some(t) = &case.trace { (signature_svg(t)) }
                                }
                            }
                        }
                    }
                }
                p.aide { "Une demi-journée compte pour votre attestation quand le formateur a confirmé votre présence (« Présent »)." }
                h2 { "Mes documents" }
                ul {
                    li { a href="/emargement/attestation.pdf" { "Mon attestation de formation (PDF)" } }
                    li { a href="/emargement/resultats.csv" { "Mes résultats (tableur CSV)" } }
                }
                p.aide {
                    "Téléchargez-les avant la suppression de vos données, après la clôture de la classe. "
                    a href="/donnees-personnelles" { "Ce que le simulateur garde sur vous, et combien de temps" } "."
                }
            }
        },
    )
}

async fn charger(etat: &AppState, s: &StagiaireDeClasse) -> Result<MaFeuille, AppError> {
    let p = s.participant_id.clone();
    etat.lire(move |c, h| emargement::pour_stagiaire(c, &p, h)).await
}

pub async fn page_get(State(etat): State<AppState>, s: StagiaireDeClasse) -> Result<Markup, AppError> {
    let f = charger(&etat, &s).await?;
    Ok(page(&s, &f, "", &[], None))
}

pub async fn signer(
    State(etat): State<AppState>,
    s: StagiaireDeClasse,
    champs: Champs,
) -> Result<Response, AppError> {
    crate::session::verifier_csrf(&s.session, &champs.un("csrf")).await?;
    let signature = Signature {
        certifie: champs.un("certifie") == "oui",
        nom: champs.un("nom_signe"),
        trace: champs.un("trace"),
    };
    let nom = signature.nom.clone();
    let p = s.participant_id.clone();
    match etat.ecrire_saisie(move |tx, h| emargement::signer(tx, &p, &signature, h)).await? {
        Ok(_) => Ok(Redirect::to("/emargement/signe").into_response()),
        Err(anomalies) => {
            let f = charger(&etat, &s).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page(&s, &f, &nom, &anomalies, None)).into_response())
        }
    }
}

/// Après la signature (redirection : recharger la page ne signe pas deux fois).
pub async fn signe(State(etat): State<AppState>, s: StagiaireDeClasse) -> Result<Markup, AppError> {
    let f = charger(&etat, &s).await?;
    Ok(page(&s, &f, "", &[], Some("Signature enregistrée. Le formateur la confirmera depuis sa console.")))
}

/// `GET /emargement/attestation.pdf` : l'attestation du stagiaire — celle gardée à la clôture
/// de la classe, ou telle qu'elle serait aujourd'hui.
pub async fn attestation_pdf(
    State(etat): State<AppState>,
    s: StagiaireDeClasse,
) -> Result<Response, AppError> {
    let p = s.participant_id.clone();
    let (nom, pdf) = etat
        .lire(move |c, h| {
            if let Some(gardee) = chorus_store::cloture::attestation_du_participant(c, &p)? {
                return Ok(gardee);
            }
            let (classe, _) = chorus_store::classe::du_participant(c, &p)?;
            let (nom, pdf) =
                chorus_store::attestation::attestation(c, &classe.formateur_id, &classe.id, &p, h)?;
            Ok((format!("attestation-{}.pdf", chorus_store::cloture::nom_de_fichier(&nom)), pdf))
        })
        .await?;
    Ok(super::pieces::servir_fichier(&nom, "application/pdf", pdf, false))
}

/// `GET /emargement/resultats.csv` : la ligne du stagiaire dans les résultats de la classe.
pub async fn resultats_csv(State(etat): State<AppState>, s: StagiaireDeClasse) -> Result<Response, AppError> {
    let p = s.participant_id.clone();
    let csv = etat.lire(move |c, _| chorus_store::export::resultats_du_participant(c, &p)).await?;
    Ok(super::pieces::servir_fichier("mes-resultats.csv", "text/csv; charset=utf-8", csv, false))
}
