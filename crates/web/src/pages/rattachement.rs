//! Se rattacher à une structure existante, et « Approbations » : les demandes que le
//! gestionnaire principal approuve ou refuse.

use axum::extract::State;
use axum::response::Redirect;
use chorus_store::rattachement;
use maud::{Markup, html};

use super::{champ_csrf, gabarit};
use crate::erreur::AppError;
use crate::etat::AppState;
use crate::formulaire::Champs;
use crate::session::{Connecte, Stagiaire, verifier_csrf};

/// Longueur maximale du commentaire d'une décision.
const COMMENTAIRE_MAX: usize = 500;

pub async fn demander(
    State(etat): State<AppState>,
    connecte: Connecte,
    champs: Champs,
) -> Result<Markup, AppError> {
    verifier_csrf(&connecte.session, &champs.un("csrf")).await?;
    let structure_id = champs.un("structure");
    let (bac_id, uid) = (connecte.bac.id.clone(), connecte.utilisateur.id.clone());
    etat.ecrire(move |tx, h| rattachement::demander(tx, &bac_id, &uid, &structure_id, h)).await?;
    Ok(gabarit(
        "Demande de rattachement",
        Some(&connecte.csrf),
        None,
        html! {
            div.carte.carte-etroite {
                h1 { "Demande de rattachement envoyée" }
                div.alerte.alerte-info role="status" {
                    p { "Le gestionnaire principal de la structure a reçu votre demande. Vous serez prévenu dans la messagerie quand il l'aura approuvée ou refusée." }
                }
                p { a.bouton href="/messagerie" { "Ouvrir la messagerie" } " " a.bouton href="/structure/creer" { "Retour" } }
            }
        },
    ))
}

/// Les demandes en attente d'un utilisateur, sur la page de création de structure.
pub async fn mes_demandes(etat: &AppState, connecte: &Connecte) -> Result<Markup, AppError> {
    let uid = connecte.utilisateur.id.clone();
    let demandes = etat.lire(move |c, _| rattachement::mes_demandes(c, &uid)).await?;
    Ok(html! {
        @if !demandes.is_empty() {
            div.alerte.alerte-info {
                @for d in &demandes {
                    p {
                        "Votre demande de rattachement à " strong { (d.structure) } " (" (d.identifiant) ") est "
                        @if d.statut == "EN_ATTENTE" { "en attente de la décision de son gestionnaire principal." } @else { "refusée." }
                    }
                }
            }
        }
    })
}

pub async fn approbations(State(etat): State<AppState>, stagiaire: Stagiaire) -> Result<Markup, AppError> {
    let (bac_id, uid) = (stagiaire.bac.id.clone(), stagiaire.utilisateur.id.clone());
    let demandes = etat.lire(move |c, _| rattachement::en_attente(c, &bac_id, &uid)).await?;
    let ctx = stagiaire.contexte(&etat.horloge);
    Ok(gabarit(
        "Approbations",
        Some(&stagiaire.csrf),
        Some(&ctx),
        html! {
            h1 { "Approbations" }
            p.chapeau { "Les demandes de rattachement à vos structures. Vérifiez que chaque personne travaille bien pour la structure avant d'approuver." }
            @if demandes.is_empty() {
                p.vide { "Aucune demande en attente." }
            } @else {
                table.tableau {
                    thead { tr { th scope="col" { "Demandeur" } th scope="col" { "Structure" } th scope="col" { "Décision" } } }
                    tbody {
                        @for d in &demandes {
                            tr {
                                td { (d.prenom) " " (d.nom) br; small { (d.email) } }
                                td { (d.structure) }
                                td {
                                    form method="post" action="/approbations" {
                                        (champ_csrf(&stagiaire.csrf))
                                        input type="hidden" name="demandeur" value=(d.utilisateur_id);
                                        input type="hidden" name="structure" value=(d.structure_id);
                                        label for={ "commentaire-" (d.utilisateur_id) } { "Commentaire (facultatif)" }
                                        input id={ "commentaire-" (d.utilisateur_id) } type="text" name="commentaire" maxlength=(COMMENTAIRE_MAX);
                                        div.boutons {
                                            button.bouton.bouton-principal type="submit" name="decision" value="approuver" { "Approuver" }
                                            button.bouton type="submit" name="decision" value="refuser" { "Refuser" }
                                        }
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

pub async fn decider(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    champs: Champs,
) -> Result<Redirect, AppError> {
    stagiaire.verifier_csrf(&champs.un("csrf")).await?;
    let approuver = match champs.un("decision").as_str() {
        "approuver" => true,
        "refuser" => false,
        _ => return Err(AppError::Requete("Choisissez « Approuver » ou « Refuser ».".into())),
    };
    let commentaire = champs.un("commentaire");
    if commentaire.chars().count() > COMMENTAIRE_MAX {
        return Err(AppError::Requete(format!(
            "Le commentaire ne doit pas dépasser {COMMENTAIRE_MAX} caractères."
        )));
    }
    let (bac_id, uid) = (stagiaire.bac.id.clone(), stagiaire.utilisateur.id.clone());
    let (demandeur, structure_id) = (champs.un("demandeur"), champs.un("structure"));
    etat.ecrire(move |tx, h| {
        let d = rattachement::Decision {
            demandeur_id: &demandeur,
            structure_id: &structure_id,
            approuver,
            commentaire: &commentaire,
        };
        rattachement::decider(tx, &bac_id, &uid, d, h)
    })
    .await?;
    Ok(Redirect::to("/approbations"))
}
