//! Le bac à sable : son horloge (et ce qu'elle a fait à chaque avancée), sa double
//! authentification, sa réinitialisation. Rien de cela n'existe sur le vrai portail.

use axum::extract::{Query, State};
use axum::response::Redirect;
use chorus_domain::Statut;
use chorus_domain::statut::Acteur;
use chorus_store::{avancee, bac};
use maud::{Markup, html};
use serde::Deserialize;

use super::accueil::bloc_horloge;
use super::{champ_csrf, gabarit, pastille};
use crate::erreur::AppError;
use crate::etat::AppState;
use crate::format;
use crate::formulaire::Champs;
use crate::session::{self, Stagiaire};
use chorus_store::depart;
use chorus_store::moteur;

/// La page du bac à sable : l'horloge, la double authentification, la réinitialisation, et ce
/// qu'a fait la dernière avancée d'horloge.
pub async fn page(State(etat): State<AppState>, stagiaire: Stagiaire) -> Result<Markup, AppError> {
    let bac_id = stagiaire.bac.id.clone();
    let derniere = etat.lire(move |c, _| avancee::derniere(c, &bac_id)).await?;
    let ctx = stagiaire.contexte(&etat.horloge);
    Ok(gabarit(
        "Bac à sable",
        Some(&stagiaire.csrf),
        Some(&ctx),
        html! {
            h1 { "Bac à sable" }
            p.chapeau { "Les outils du simulateur : le temps qui passe, la double authentification, et repartir de zéro." }
            (bloc_horloge(&stagiaire.csrf, ctx.date_simulee, &stagiaire.bac))
            @if let Some(id) = derniere {
                p { a href={ "/bac/horloge?avancee=" (id) } { "Ce qu'a fait la dernière avancée d'horloge" } }
            }
        },
    ))
}

#[derive(Deserialize)]
pub struct ParametresAvancee {
    #[serde(default)]
    avancee: Option<String>,
}

/// Ce qu'a fait l'horloge : facture par facture, les statuts atteints et qui a agi, puis les
/// messages reçus pendant ces jours.
pub async fn resume(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    Query(p): Query<ParametresAvancee>,
) -> Result<Markup, AppError> {
    let demande = match p.avancee.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(v) => Some(
            v.parse::<i64>().map_err(|_| AppError::Introuvable("Avancée d'horloge introuvable.".into()))?,
        ),
    };
    let bac_id = stagiaire.bac.id.clone();
    let lecteur = session::participant(&stagiaire.session).await?;
    let bilan = etat
        .lire(move |c, _| {
            let Some(id) = demande.or(avancee::derniere(c, &bac_id)?) else { return Ok(None) };
            let lecteur = match lecteur {
                Some(p) if chorus_store::classe::participant_du_bac(c, &p, &bac_id)? => Some(p),
                _ => None,
            };
            avancee::bilan(c, &bac_id, id, lecteur.as_deref()).map(Some)
        })
        .await?;
    let ctx = stagiaire.contexte(&etat.horloge);
    Ok(gabarit(
        "Ce qu'a fait l'horloge",
        Some(&stagiaire.csrf),
        Some(&ctx),
        html! {
            p.fil { a href="/bac" { "Bac à sable" } " › Ce qu'a fait l'horloge" }
            h1 { "Ce qu'a fait l'horloge" }
            @match &bilan {
                None => p.vide { "L'horloge n'a pas encore avancé dans ce bac à sable." },
                Some(b) => (page_bilan(b)),
            }
            p { a.bouton href="/bac" { "Revenir au bac à sable" } " " a.bouton href="/factures-emises/synthese" { "Synthèse des factures émises" } }
        },
    ))
}

fn page_bilan(b: &avancee::Avancee) -> Markup {
    let acteur = |code: &str| Acteur::depuis_code(code).map(Acteur::libelle).unwrap_or("—");
    html! {
        p.chapeau {
            "L'horloge a avancé de " strong { (b.jours) " jour(s)" } ", du " (format::date_courte(b.de))
            " au " strong { (format::date_courte(b.a)) } "."
        }
        section aria-labelledby="titre-factures-avancee" {
            h2 #titre-factures-avancee { "Vos factures pendant ces jours" }
            @if b.factures.is_empty() {
                p.vide { "Aucune de vos factures n'a changé de statut." }
            }
            @for f in &b.factures {
                article.carte.facture-avancee {
                    h3 { a href={ "/factures-emises/" (f.facture_id) } { "Facture n° " (f.numero) } " — " (f.raison_sociale_destinataire) }
                    ol.chronologie {
                        @for e in &f.etapes {
                            li {
                                @match Statut::depuis_code(&e.statut) { Ok(s) => (pastille(s)), Err(_) => (e.statut) }
                                " le " strong { (format::date_courte(e.date)) } " — " (acteur(&e.acteur))
                                @if !e.commentaire.is_empty() { " : « " (e.commentaire) " »" }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="titre-messages-avancee" {
            h2 #titre-messages-avancee { "Messages reçus" }
            @if b.messages.is_empty() {
                p.vide { "Aucun message." }
            } @else {
                ul {
                    @for m in &b.messages {
                        li { (format::date_courte(m.date)) " — " a href={ "/messagerie/" (m.id) } { (m.objet) } }
                    }
                }
            }
        }
    }
}

pub async fn avancer(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    champs: Champs,
) -> Result<Redirect, AppError> {
    stagiaire.verifier_csrf(&champs.un("csrf")).await?;
    let saisi = champs.un("jours");
    let jours: u32 = saisi.trim().parse().map_err(|_| {
        AppError::Requete(format!(
            "« {saisi} » n'est pas un nombre de jours : indiquez un nombre entier entre 1 et {}.",
            moteur::AVANCE_MAX_JOURS
        ))
    })?;
    let bac_id = stagiaire.bac.id.clone();
    let id = etat
        .ecrire(move |tx, h| {
            moteur::avancer(tx, &bac_id, jours, h)?;
            avancee::derniere(tx, &bac_id)
        })
        .await?;
    Ok(Redirect::to(&match id {
        Some(id) => format!("/bac/horloge?avancee={id}"),
        None => "/bac".to_string(),
    }))
}

pub async fn confirmer_reinitialisation(State(etat): State<AppState>, stagiaire: Stagiaire) -> Markup {
    let ctx = stagiaire.contexte(&etat.horloge);
    gabarit(
        "Réinitialiser le bac à sable",
        Some(&stagiaire.csrf),
        Some(&ctx),
        html! {
            h1 { "Réinitialiser le bac à sable" }
            div.alerte.alerte-attention {
                p { "Toutes vos factures et tout leur historique seront effacés, et la date simulée reviendra à aujourd'hui. Votre compte et votre structure sont conservés." }
            }
            form method="post" action="/bac/reinitialiser" {
                (champ_csrf(&stagiaire.csrf))
                input type="hidden" name="confirme" value="oui";
                button.bouton.bouton-danger type="submit" { "Oui, tout effacer et recommencer" }
                " "
                a.bouton href="/" { "Annuler" }
            }
        },
    )
}

pub async fn reinitialiser(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    champs: Champs,
) -> Result<Redirect, AppError> {
    stagiaire.verifier_csrf(&champs.un("csrf")).await?;
    if champs.un("confirme") != "oui" {
        return Ok(Redirect::to("/bac/reinitialiser"));
    }
    let bac_id = stagiaire.bac.id.clone();
    etat.ecrire(move |tx, _| depart::reinitialiser(tx, &bac_id)).await?;
    Ok(Redirect::to("/"))
}

/// La double authentification du bac à sable : active par défaut, comme sur le vrai portail ;
/// l'apprenant seul (ou le formateur) peut la couper pour aller plus vite.
pub async fn double_authentification(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    champs: Champs,
) -> Result<Redirect, AppError> {
    stagiaire.verifier_csrf(&champs.un("csrf")).await?;
    if let Some(classe) = &stagiaire.bac.classe {
        return Err(AppError::Interdit(format!(
            "Dans la classe « {classe} », c'est le formateur qui active ou coupe la double authentification, \
             pour tous les stagiaires à la fois."
        )));
    }
    let active = match champs.un("active").as_str() {
        "oui" => true,
        "non" => false,
        _ => {
            return Err(AppError::Requete(
                "Choisissez d'activer ou de désactiver la double authentification.".into(),
            ));
        }
    };
    let bac_id = stagiaire.bac.id.clone();
    etat.ecrire(move |tx, _| bac::regler_double_authentification(tx, &bac_id, active)).await?;
    Ok(Redirect::to("/bac"))
}
