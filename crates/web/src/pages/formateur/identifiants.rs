//! Les cartes des identifiants d'une classe, à imprimer et à découper : une par stagiaire, avec
//! ce qu'il faut pour se reconnecter depuis n'importe quel poste (adresse du simulateur, code
//! de la classe, identifiant et mot de passe). Le mot de passe tiré par le simulateur n'y
//! figure que tant que le stagiaire ne l'a pas changé.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::routing::get;
use chorus_domain::classe::Depart;
use chorus_store::classe::{self, Carte, Classe};
use maud::{Markup, html};

use super::gabarit_console;
use crate::erreur::AppError;
use crate::etat::AppState;
use crate::session::FormateurConnecte;

pub fn routes() -> Router<AppState> {
    Router::new().route("/formateur/classes/{id}/identifiants", get(page))
}

/// Le lien de la page de la classe vers les cartes.
pub fn chemin(classe_id: &str) -> String {
    format!("/formateur/classes/{classe_id}/identifiants")
}

async fn page(
    State(etat): State<AppState>,
    f: FormateurConnecte,
    Path(id): Path<String>,
    Query(q): Query<super::ChoixAdresse>,
) -> Result<Markup, AppError> {
    let fid = f.formateur.id.clone();
    let (classe, cartes) = etat.lire(move |c, _| classe::cartes(c, &fid, &id)).await?;
    // L'adresse que le formateur a choisie sur la page de la classe, qui projette le même lien.
    let adresse = super::adresse_du_portail(&etat, q.choix());
    Ok(gabarit_console(
        &format!("Cartes des identifiants — {}", classe.titre),
        &f.csrf,
        Some(&f.formateur.email),
        html! {
            div.sans-impression {
                p { a href={ "/formateur/classes/" (classe.id) } { "← " (classe.titre) } }
                h1 { "Cartes des identifiants" }
                p.chapeau {
                    "Une carte par stagiaire, à imprimer et à découper : elle lui permet de se reconnecter depuis n'importe quel poste "
                    "et de retrouver son bac à sable, sa feuille d'émargement et sa progression. "
                    @if classe.depart == Depart::PratiqueLibre {
                        "Le mot de passe n'y figure que tant que le stagiaire ne l'a pas changé."
                    } @else {
                        "En création du compte, chacun choisit son adresse et son mot de passe : la carte donne l'adresse une fois le compte créé."
                    }
                }
                p.boutons { button.bouton.bouton-principal type="button" data-imprimer { "Imprimer les cartes" } }
            }
            @if cartes.is_empty() {
                p.vide { "Personne n'a encore rejoint la classe." }
            } @else {
                div.cartes-identifiants {
                    @for carte in &cartes {
                        (une_carte(&classe, carte, &adresse))
                    }
                }
            }
        },
    ))
}

fn une_carte(classe: &Classe, carte: &Carte, adresse: &str) -> Markup {
    let creation = classe.depart == Depart::CreationDuCompte;
    html! {
        article.carte-identifiants aria-label={ "Carte de " (carte.nom) } {
            h2 { (carte.nom) }
            p.aide { (classe.titre) }
            dl.fiche {
                dt { "Adresse" } dd { code { (adresse) } }
                dt { "Code de la classe" } dd { code.code-classe { (classe.code) } }
                @if creation {
                    dt { "Code de binôme" } dd { code.code-classe { (carte.code_binome) } }
                    dt { "Adresse de connexion" }
                    dd {
                        @match &carte.identifiant {
                            Some(i) => code.identifiant-carte { (i) },
                            None => span.vide { "compte pas encore créé" },
                        }
                    }
                    @if let Some(m) = &carte.mot_de_passe {
                        dt { "Mot de passe" } dd { code.identifiant-carte { (m) } }
                    } @else if carte.identifiant.is_some() {
                        dt { "Mot de passe" }
                        dd {
                            em {
                                @if carte.compte_active { "choisi par le stagiaire" }
                                @else { "à choisir avec le lien d'activation (messagerie)" }
                            }
                        }
                    }
                } @else {
                    dt { "Identifiant" }
                    dd {
                        @match &carte.identifiant {
                            Some(i) => code.identifiant-carte { (i) },
                            None => span.vide { "pas de compte" },
                        }
                    }
                    dt { "Mot de passe" }
                    dd {
                        @match (&carte.mot_de_passe, &carte.identifiant) {
                            (Some(m), _) => code.identifiant-carte { (m) },
                            (None, Some(_)) => em { "modifié par le stagiaire" },
                            (None, None) => "—",
                        }
                    }
                }
            }
            @if carte.identifiant.is_some() && !creation {
                p.aide { "Sur la page « Se connecter », tapez l'identifiant puis le mot de passe, tirets compris." }
            } @else if creation && carte.identifiant.is_none() {
                p.aide { "Sur la page « Rejoindre une classe », tapez le code de la classe et votre nom, puis créez votre compte." }
            }
        }
    }
}
