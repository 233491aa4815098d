//! La messagerie du bac à sable : ce que le portail enverrait par courrier électronique. Elle
//! se lit sans être connecté au portail, comme une boîte aux lettres.

use axum::extract::{Path, State};
use chorus_store::messagerie;
use maud::{Markup, html};

use super::gabarit;
use crate::erreur::AppError;
use crate::etat::AppState;
use crate::format;
use crate::session::Poste;

pub async fn boite(State(etat): State<AppState>, poste: Poste) -> Result<Markup, AppError> {
    let bac_id = poste.bac_id.clone();
    let messages = etat.lire(move |c, _| messagerie::boite(c, &bac_id)).await?;
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
    let m = etat.ecrire(move |tx, _| messagerie::ouvrir(tx, &bac_id, id)).await?;
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
