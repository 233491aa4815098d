//! La messagerie du bac à sable : ce que le portail enverrait par courrier électronique. Elle
//! se lit sans être connecté au portail, comme une boîte aux lettres.

use axum::extract::{Path, State};
use axum::response::Redirect;
use chorus_store::{messagerie, scenario};
use maud::{Markup, html};

use super::gabarit;
use crate::erreur::AppError;
use crate::etat::AppState;
use crate::format;
use crate::formulaire::Champs;
use crate::session::{self, Poste, verifier_csrf};

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
            p.chapeau {
                "Dans le simulateur, les courriers électroniques du portail arrivent ici : messages d'activation, codes de connexion, notifications "
                (super::cours::marque_choix(chorus_domain::choix_simulateur::ChoixSimulateur::Messagerie)) ". "
                a href="/" { "Retour au portail" }
            }
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
    let (m, etat_message) = if poste.lecture_seule.is_some() {
        // Le formateur regarde : le message reste non lu pour le stagiaire.
        etat.lire(move |c, _| {
            let m = messagerie::consulter_pour(c, &bac_id, Some(&lecteur.unwrap_or_default()), id)?;
            Ok((m, scenario::etat_message(c, &bac_id, id)?))
        })
        .await?
    } else {
        etat.ecrire(move |tx, _| {
            let lecteur = lecteur_du_bac(tx, &bac_id, lecteur)?;
            let m = messagerie::ouvrir_pour(tx, &bac_id, lecteur.as_deref(), id)?;
            Ok((m, scenario::etat_message(tx, &bac_id, id)?))
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
            @if etat_message.signale {
                div.alerte.alerte-info role="status" { p { "Vous avez signalé ce message comme frauduleux." } }
            } @else {
                form method="post" action={ "/messagerie/" (m.id) "/signaler" } {
                    input type="hidden" name="csrf" value=(poste.csrf);
                    button.bouton.bouton-danger type="submit" { "Signaler comme frauduleux (hameçonnage)" }
                }
                p.aide { "Un doute sur un message ? Vérifiez l'adresse de l'expéditeur et celle du lien avant tout clic. Chorus Pro ne demande jamais votre mot de passe par courrier électronique." }
            }
        },
    ))
}

/// Le message ouvert par ce poste (404 pour un message d'un autre bac ou d'un autre stagiaire),
/// puis le geste noté.
async fn geste(etat: &AppState, poste: &Poste, id: &str, g: scenario::Geste) -> Result<i64, AppError> {
    let id: i64 = id.parse().map_err(|_| AppError::Introuvable("Message".into()))?;
    if poste.lecture_seule.is_some() {
        // Le formateur qui regarde ne fait rien à la place du stagiaire, même en suivant un lien.
        return Err(AppError::Interdit(
            "Lecture seule : vous regardez le portail du stagiaire, sans agir à sa place.".into(),
        ));
    }
    let bac_id = poste.bac_id.clone();
    let lecteur = lecteur(poste).await?;
    etat.ecrire(move |tx, h| {
        let lecteur = lecteur_du_bac(tx, &bac_id, lecteur)?;
        messagerie::ouvrir_pour(tx, &bac_id, lecteur.as_deref(), id)?;
        if g == scenario::Geste::SuivreLeLien && !scenario::etat_message(tx, &bac_id, id)?.piege {
            return Err(chorus_store::Erreur::Introuvable("lien"));
        }
        scenario::noter_geste(tx, &bac_id, id, g, h)
    })
    .await?;
    Ok(id)
}

pub async fn signaler(
    State(etat): State<AppState>,
    poste: Poste,
    Path(id): Path<String>,
    champs: Champs,
) -> Result<Redirect, AppError> {
    verifier_csrf(&poste.session, &champs.un("csrf")).await?;
    let id = geste(&etat, &poste, &id, scenario::Geste::Signaler).await?;
    Ok(Redirect::to(&format!("/messagerie/{id}")))
}

/// Le lien d'un message piégé : au lieu du faux site, la page qui explique le piège.
pub async fn lien_piege(
    State(etat): State<AppState>,
    poste: Poste,
    Path(id): Path<String>,
) -> Result<Markup, AppError> {
    let id = geste(&etat, &poste, &id, scenario::Geste::SuivreLeLien).await?;
    Ok(gabarit(
        "Lien frauduleux",
        Some(&poste.csrf),
        None,
        html! {
            div.carte.carte-etroite {
                h1 { "Ce lien était un piège" }
                div.alerte.alerte-erreur role="alert" {
                    p { "Dans la vraie vie, ce lien aurait ouvert une fausse page de connexion imitant Chorus Pro, pour voler votre identifiant et votre mot de passe." }
                }
                p { "Avant de cliquer, vérifiez :" }
                ul {
                    li { "l'adresse de l'expéditeur : le portail écrit depuis une adresse en " strong { "chorus-pro.gouv.fr" } " ;" }
                    li { "l'adresse du lien : le portail est sur " strong { "portail.chorus-pro.gouv.fr" } ", jamais sur un autre nom qui lui ressemble ;" }
                    li { "le ton : l'urgence (« sous 24 heures », « compte suspendu ») est le signe d'une escroquerie." }
                }
                p { "En cas de doute, n'utilisez pas le lien : ouvrez le portail vous-même, depuis vos favoris. Signalez le message." }
                p { a.bouton href={ "/messagerie/" (id) } { "Revenir au message" } }
            }
        },
    ))
}
