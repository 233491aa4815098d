//! « Jouer les autres parties » : tout ce qui n'est pas le fournisseur est simulé — l'acheteur
//! public et son comptable, les valideurs (titulaire, mandataire), les gestionnaires principaux
//! des structures existantes. Chacun a un comportement par défaut ; le stagiaire seul (ou le
//! formateur, depuis sa console) peut prendre la place de l'un d'eux. Cette page les présente,
//! et « Jouer un gestionnaire de structure » répond aux demandes de rattachement adressées à une
//! structure simulée, par le même cas d'usage que le gestionnaire simulé.

use axum::Router;
use axum::extract::State;
use axum::response::Redirect;
use axum::routing::{get, post};
use chorus_domain::choix_simulateur::ChoixSimulateur;
use chorus_domain::compte::DELAI_REPONSE_GESTIONNAIRE_SIMULE_JOURS;
use chorus_store::rattachement::{self, DemandeEnAttente};
use maud::{Markup, html};

use super::acheteur::{Joue, espace_de_jeu};
use super::cours::marque_choix;
use super::portail::tuile;
use super::{champ_csrf, gabarit};
use crate::erreur::AppError;
use crate::etat::AppState;
use crate::format;
use crate::formulaire::Champs;
use crate::session::verifier_csrf;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/parties", get(accueil))
        .route("/gestionnaire", get(gestionnaire))
        .route("/gestionnaire/repondre", post(repondre))
}

pub async fn accueil(State(etat): State<AppState>, joue: Joue) -> Markup {
    let ctx = joue.contexte(&etat.horloge);
    gabarit(
        "Jouer les autres parties",
        Some(&joue.csrf),
        ctx.as_ref(),
        espace_de_jeu(
            "les autres parties",
            joue.pour.as_deref(),
            html! {
                h1 { "Jouer les autres parties" }
                p.chapeau { "Dans ce bac à sable, tout ce qui n'est pas votre entreprise est simulé. Chaque partie agit seule, \
                    quand vous avancez l'horloge ; vous pouvez aussi prendre sa place, pour voir l'autre côté du circuit. \
                    Vos actions passent par les mêmes règles que les siennes." }
                div.grille-tuiles {
                    (tuile("L'acheteur public et son comptable",
                        "Traiter les factures reçues : service fait, mandat, mise en paiement, ou rejet, suspension, « À recycler ». \
                         Sans vous, il suit son calendrier : service fait au 3e jour, mise en paiement au 20e pour un délai de 30 jours.",
                        "/acheteur", "Jouer l'acheteur public"))
                    (tuile("Un valideur (titulaire, mandataire)",
                        "Valider ou refuser les factures de sous-traitants (A9) et de cotraitants (A12). Sans vous, un titulaire \
                         valide au 5e jour ; sans réponse au bout de 15 jours, la facture est réputée validée.",
                        "/valideur", "Jouer un valideur"))
                    (tuile("Une maîtrise d'œuvre (MOE)",
                        "Traiter les projets de décompte de travaux : prendre en compte, arrêter le montant admis, transmettre l'état \
                         d'acompte, demander un complément, refuser. Sans vous, elle transmet au 5e jour, au montant demandé ; \
                         au-delà de 7 jours, Chorus Pro transmet à sa place.",
                        "/moe", "Jouer une maîtrise d'œuvre"))
                    (tuile("Une maîtrise d'ouvrage (MOA)",
                        "Valider l'état d'acompte, notifier le décompte général au titulaire, refuser. Sans vous, elle valide \
                         l'état d'acompte le surlendemain de sa réception et notifie le décompte général au 8e jour.",
                        "/moa", "Jouer une maîtrise d'ouvrage"))
                    (tuile("Un gestionnaire de structure",
                        "Accepter ou refuser les demandes de rattachement à une structure existante. Sans vous, son gestionnaire \
                         principal accepte au bout de 2 jours.",
                        "/gestionnaire", "Jouer un gestionnaire"))
                }
                p.aide { "Les délais des parties simulées sont des choix du simulateur : "
                    (marque_choix(ChoixSimulateur::CalendrierAcheteur)) " "
                    (marque_choix(ChoixSimulateur::ValideurSimule)) " "
                    (marque_choix(ChoixSimulateur::GestionnaireSimule)) " "
                    (marque_choix(ChoixSimulateur::MaitrisesSimulees)) }
            },
        ),
    )
}

pub async fn gestionnaire(State(etat): State<AppState>, joue: Joue) -> Result<Markup, AppError> {
    let bac_id = joue.bac_id.clone();
    let demandes: Vec<DemandeEnAttente> =
        etat.lire(move |c, _| rattachement::demandes_aux_gestionnaires_simules(c, &bac_id)).await?;
    let ctx = joue.contexte(&etat.horloge);
    Ok(gabarit(
        "Jouer un gestionnaire de structure",
        Some(&joue.csrf),
        ctx.as_ref(),
        espace_de_jeu(
            "un gestionnaire de structure",
            joue.pour.as_deref(),
            html! {
                h1 { "Jouer un gestionnaire de structure" }
                p.chapeau { "Le gestionnaire principal d'une structure valide ou refuse les demandes de rattachement de ceux qui \
                    veulent travailler pour elle. Voici les demandes adressées aux structures dont le gestionnaire est simulé ; \
                    sans réponse de votre part, il accepte " (DELAI_REPONSE_GESTIONNAIRE_SIMULE_JOURS) " jours après la demande "
                    (marque_choix(ChoixSimulateur::GestionnaireSimule)) "." }
                @if demandes.is_empty() {
                    p.vide { "Aucune demande en attente. Pour en faire une : « Organisation », « Rejoindre une structure »." }
                } @else {
                    @for d in &demandes {
                        form.action-acheteur method="post" action="/gestionnaire/repondre" {
                            (champ_csrf(&joue.csrf))
                            input type="hidden" name="demandeur" value=(d.demandeur_id);
                            input type="hidden" name="structure" value=(d.structure_id);
                            h2 { (d.demandeur) " demande à rejoindre " (d.raison_sociale) }
                            p { "SIRET " (d.identifiant_structure) " — demande du " (format::date_courte(d.demande_le)) }
                            div.champ {
                                @let id = format!("commentaire-{}", d.demandeur_id);
                                label for=(id) { "Commentaire pour le demandeur (facultatif)" }
                                textarea id=(id) name="commentaire" rows="2" maxlength="255" {}
                            }
                            div.boutons {
                                button.bouton.bouton-principal type="submit" name="decision" value="accepter" { "Accepter" }
                                button.bouton.bouton-danger type="submit" name="decision" value="refuser" { "Refuser" }
                            }
                        }
                    }
                }
            },
        ),
    ))
}

pub async fn repondre(
    State(etat): State<AppState>,
    joue: Joue,
    champs: Champs,
) -> Result<Redirect, AppError> {
    verifier_csrf(&joue.session, &champs.un("csrf")).await?;
    let approuver = match champs.un("decision").as_str() {
        "accepter" => true,
        "refuser" => false,
        _ => return Err(AppError::Requete("Choisissez « Accepter » ou « Refuser ».".into())),
    };
    let commentaire = champs.un("commentaire");
    if commentaire.chars().count() > 255 {
        return Err(AppError::Requete("Le commentaire compte 255 caractères au plus.".into()));
    }
    let (bac_id, demandeur, structure) =
        (joue.bac_id.clone(), champs.un("demandeur"), champs.un("structure"));
    etat.ecrire(move |tx, h| {
        // Seules les demandes à une structure simulée de ce bac se jouent ici.
        let demande = rattachement::demandes_aux_gestionnaires_simules(tx, &bac_id)?
            .into_iter()
            .find(|d| d.demandeur_id == demandeur && d.structure_id == structure)
            .ok_or(chorus_store::Erreur::Introuvable("demande de rattachement"))?;
        let d = rattachement::Decision {
            demandeur_id: &demande.demandeur_id,
            structure_id: &demande.structure_id,
            approuver,
            commentaire: &commentaire,
        };
        rattachement::decider(tx, &bac_id, &demande.gestionnaire_id, d, h)
    })
    .await?;
    Ok(Redirect::to("/gestionnaire"))
}
