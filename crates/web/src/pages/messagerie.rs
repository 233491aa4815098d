//! La messagerie du bac à sable : ce que le portail enverrait par courrier électronique. Elle
//! se lit sans être connecté au portail, comme une boîte aux lettres.

use axum::extract::{Path, State};
use chorus_store::messagerie;
use maud::{Markup, html};

use super::gabarit;
use crate::erreur::AppError;
use crate::etat::AppState;
use crate::format;
use crate::session::{self, Poste};

/// Le stagiaire de classe propriétaire du poste, s'il travaille dans ce bac : il ne lit que
/// son propre courrier. Le formateur qui le regarde lit ce que lui lit.
async fn lecteur(poste: &Poste) -> Result<Option<String>, AppError> {
    match &poste.lecture_seule {
        Some(l) => Ok(Some(l.vue.participant_id.clone())),
        None => session::participant(&poste.session).await,
    }
}

fn lecteur_du_bac(
    c: &rusqlite::Connection,
    bac_id: &str,
    lecteur: Option<String>,
) -> chorus_store::Resultat<Option<String>> {
    Ok(match lecteur {
        Some(p) if chorus_store::classe::participant_du_bac(c, &p, bac_id)? => Some(p),
        _ => None,
    })
}

pub async fn boite(State(etat): State<AppState>, poste: Poste) -> Result<Markup, AppError> {
    let bac_id = poste.bac_id.clone();
    let lecteur = lecteur(&poste).await?;
    let messages = etat
        .lire(move |c, _| {
            let lecteur = lecteur_du_bac(c, &bac_id, lecteur)?;
            messagerie::boite_de(c, &bac_id, lecteur.as_deref())
        })
        .await?;
    Ok(gabarit(
        "Messagerie",
        Some(&poste.csrf),
        None,
        html! {
            h1 { "Messagerie du bac à sable" }
            p.chapeau { "Dans le simulateur, les courriers électroniques du portail arrivent ici : messages d'activation, codes de connexion, notifications. " a href="/" { "Retour au portail" } }
            @if messages.is_empty() {
                p.vide { "Aucun message." }
            } @else {
                table.tableau {
                    thead { tr { th scope="col" { "Reçu le" } th scope="col" { "De" } th scope="col" { "À" } th scope="col" { "Objet" } } }
                    tbody {
                        @for m in &messages {
                            tr class={ @if !m.lu { "non-lu" } } {
                                td.nombre { (format::date_courte(m.envoye_le.date())) " " (m.envoye_le.format("%H:%M")) }
                                td { (m.expediteur) }
                                td { (m.destinataire) }
                                td { a href={ "/messagerie/" (m.id) } { @if !m.lu { strong { (m.objet) } } @else { (m.objet) } } }
                            }
                        }
                    }
                }
            }
        },
    ))
}

pub async fn message(
    State(etat): State<AppState>,
    poste: Poste,
    Path(id): Path<String>,
) -> Result<Markup, AppError> {
    let id: i64 = id.parse().map_err(|_| AppError::Introuvable("Message".into()))?;
    let bac_id = poste.bac_id.clone();
    let lecteur = lecteur(&poste).await?;
    let m = if poste.lecture_seule.is_some() {
        // Le formateur regarde : le message reste non lu pour le stagiaire.
        etat.lire(move |c, _| messagerie::consulter_pour(c, &bac_id, Some(&lecteur.unwrap_or_default()), id))
            .await?
    } else {
        etat.ecrire(move |tx, _| {
            let lecteur = lecteur_du_bac(tx, &bac_id, lecteur)?;
            messagerie::ouvrir_pour(tx, &bac_id, lecteur.as_deref(), id)
        })
        .await?
    };
    Ok(gabarit(
        &m.objet,
        Some(&poste.csrf),
        None,
        html! {
            p { a href="/messagerie" { "← Messagerie" } }
            article.carte {
                h1 { (m.objet) }
                dl.fiche {
                    dt { "De" } dd { (m.expediteur) }
                    dt { "À" } dd { (m.destinataire) }
                    dt { "Reçu le" } dd { (format::date_longue(m.envoye_le.date())) " à " (m.envoye_le.format("%H:%M")) }
                }
                @for paragraphe in m.corps.split("\n\n") { p { (paragraphe) } }
                @if let Some(lien) = &m.lien {
                    p { a.bouton.bouton-principal href=(lien) { "Suivre le lien" } }
                }
            }
        },
    ))
}
