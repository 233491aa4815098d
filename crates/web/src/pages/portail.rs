//! La navigation du vrai portail, pour que ce qu'on apprend ici serve sur Chorus Pro : l'accueil
//! en tuiles de domaines (« Accéder au domaine »), chaque domaine en tuiles d'applications
//! (« Accéder »), et dans « Factures émises » la barre d'onglets Synthèse, Déposer facture,
//! Saisir facture, Rechercher. Le menu sous le nom de l'utilisateur (Mon compte, Mes
//! rattachements, Mes habilitations) est dans le gabarit ; les outils du simulateur (horloge,
//! exercices, quiz, cours…) ont leur propre barre, « Bac à sable / Formation ».

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use chorus_domain::compte::Role;
use chorus_store::gestion;
use maud::{Markup, html};

use super::gabarit;
use crate::erreur::AppError;
use crate::etat::AppState;
use crate::session::Stagiaire;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/facturation", get(facturation))
        .route("/organisation", get(organisation))
        .route("/raccordements", get(raccordements))
        .route("/mon-compte/habilitations", get(habilitations))
}

/// Une tuile de domaine ou d'application : son nom, ce qu'on y fait, et le bouton « Accéder ».
pub fn tuile(titre: &str, description: &str, lien: &str, bouton: &str) -> Markup {
    html! {
        div.tuile-domaine {
            h2 { (titre) }
            p { (description) }
            a.bouton.bouton-principal href=(lien) { (bouton) span.visuellement-cache { " : " (titre) } }
        }
    }
}

/// Le fil d'Ariane d'un domaine.
fn fil(domaine: &str) -> Markup {
    html! { p.fil { a href="/" { "Accueil" } " › " (domaine) } }
}

pub async fn facturation(State(etat): State<AppState>, stagiaire: Stagiaire) -> Markup {
    let ctx = stagiaire.contexte(&etat.horloge);
    gabarit(
        "Facturation",
        Some(&stagiaire.csrf),
        Some(&ctx),
        html! {
            (fil("Facturation"))
            h1 { "Facturation" }
            div.grille-tuiles {
                (tuile("Factures émises", "Saisir ou déposer vos factures, les envoyer, suivre leur traitement et réagir aux retours.", "/factures-emises/synthese", "Accéder"))
                (tuile("Factures de travaux", "Déposer vos projets de décompte d'un marché de travaux, suivre leur passage chez la maîtrise d'œuvre et le maître d'ouvrage, signer le décompte général ; traiter les pièces reçues si vous êtes la maîtrise d'œuvre.", "/factures-de-travaux", "Accéder"))
                (tuile("Factures à valider", "Valider ou refuser les factures de vos sous-traitants (A9) et de vos cotraitants (A12) quand vous êtes titulaire ou mandataire du marché.", "/factures-a-valider", "Accéder"))
                (tuile("Suivi des flux", "Suivre les fichiers structurés déposés (Factur-X, UBL, CII) : leur état, leur compte rendu d'intégration, les erreurs à corriger.", "/suivi-des-flux", "Accéder"))
                (tuile("Annuaire des structures publiques", "Trouver le SIRET de votre client public et ce qu'il exige : code service, numéro d'engagement.", "/annuaire", "Accéder"))
            }
        },
    )
}

pub async fn organisation(State(etat): State<AppState>, stagiaire: Stagiaire) -> Markup {
    let ctx = stagiaire.contexte(&etat.horloge);
    gabarit(
        "Organisation",
        Some(&stagiaire.csrf),
        Some(&ctx),
        html! {
            (fil("Organisation"))
            h1 { "Organisation" }
            div.grille-tuiles {
                (tuile("Structures", "Gérer votre structure : informations, services, coordonnées bancaires, espaces.", "/structure", "Accéder"))
                (tuile("Créer une structure", "Créer la structure d'une autre entreprise dont vous êtes responsable (le titulaire d'un marché, en binôme, par exemple), ou demander à rejoindre une structure existante.", "/structure/creer", "Accéder"))
                (tuile("Utilisateurs", "Les utilisateurs rattachés à la structure, leurs rôles et leurs habilitations.", "/structure#utilisateurs", "Accéder"))
                (tuile("Approbations", "Les demandes de rattachement à valider (gestionnaire principal).", "/approbations", "Accéder"))
            }
        },
    )
}

pub async fn raccordements(State(etat): State<AppState>, stagiaire: Stagiaire) -> Markup {
    let ctx = stagiaire.contexte(&etat.horloge);
    gabarit(
        "Raccordements",
        Some(&stagiaire.csrf),
        Some(&ctx),
        html! {
            (fil("Raccordements"))
            h1 { "Raccordements" }
            div.grille-tuiles {
                (tuile("Compte technique", "Le compte d'un logiciel qui échange par API avec le portail (mot de passe valable 424 jours).", "/structure/compte-technique", "Accéder"))
                (tuile("Suivi des flux", "Les flux déposés par votre logiciel ou sur le portail, leur état et leur compte rendu d'intégration.", "/suivi-des-flux", "Accéder"))
            }
        },
    )
}

/// Les onglets de l'application « Factures émises », comme la barre bleu marine du portail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Onglet {
    Synthese,
    Deposer,
    Saisir,
    Rechercher,
}

/// La barre d'onglets de « Factures émises » ; `actif` : l'onglet de la page, s'il y en a un.
pub fn onglets_factures_emises(actif: Option<Onglet>) -> Markup {
    let onglets = [
        (Onglet::Synthese, "Synthèse", "/factures-emises/synthese"),
        (Onglet::Deposer, "Déposer facture", "/factures-emises/deposer"),
        (Onglet::Saisir, "Saisir facture", "/factures-emises/saisir"),
        (Onglet::Rechercher, "Rechercher", "/factures-emises"),
    ];
    html! {
        p.fil { a href="/" { "Accueil" } " › " a href="/facturation" { "Facturation" } " › Factures émises" }
        nav.onglets aria-label="Factures émises" {
            @for (onglet, libelle, lien) in onglets {
                @if Some(onglet) == actif {
                    a.onglet-actif href=(lien) aria-current="page" { (libelle) }
                } @else {
                    a href=(lien) { (libelle) }
                }
            }
        }
    }
}

/// « Mes habilitations » : pour chaque structure où le compte est rattaché, son rôle et les
/// services sur lesquels il peut agir.
pub async fn habilitations(State(etat): State<AppState>, stagiaire: Stagiaire) -> Result<Markup, AppError> {
    let (bac_id, uid) = (stagiaire.bac.id.clone(), stagiaire.utilisateur.id.clone());
    let lignes = etat.lire(move |c, _| gestion::habilitations_du_compte(c, &bac_id, &uid)).await?;
    let ctx = stagiaire.contexte(&etat.horloge);
    Ok(gabarit(
        "Mes habilitations",
        Some(&stagiaire.csrf),
        Some(&ctx),
        html! {
            p.fil { a href="/mon-compte" { "Mon compte" } " › Mes habilitations" }
            h1 { "Mes habilitations" }
            p.chapeau {
                "Ce que vous pouvez faire dans chaque structure où vous êtes rattaché : votre rôle, et les services "
                "sur lesquels le gestionnaire principal vous a habilité."
            }
            @if lignes.is_empty() {
                p.vide { "Vous n'êtes rattaché à aucune structure. " a href="/mon-compte#rattachements" { "Mes rattachements" } }
            } @else {
                div.defilement tabindex="0" {
                    table.tableau {
                        thead { tr { th scope="col" { "Structure" } th scope="col" { "Rôle" } th scope="col" { "Services" } } }
                        tbody {
                            @for h in &lignes {
                                tr {
                                    th scope="row" { (h.structure) " " small.nombre { "(" (h.identifiant) ")" } }
                                    td { (h.role.libelle()) }
                                    td {
                                        @if h.role == Role::GestionnairePrincipal { "Tous les services de la structure" }
                                        @else if h.services.is_empty() { "Aucun service : demandez une habilitation au gestionnaire principal" }
                                        @else { @for (i, s) in h.services.iter().enumerate() { @if i > 0 { ", " } code { (s) } } }
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
