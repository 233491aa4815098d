//! « Mon compte » : informations personnelles, rattachements aux structures et choix de la
//! structure de travail, changement de mot de passe, préférences de notification.
//!
//! Le vrai portail (profil ServiceNow) modifie chaque champ dans une petite fenêtre ; l'ancien
//! portail avait un formulaire par bloc (« Mes informations personnelles », rattachements,
//! paramètres) et la case « Recevoir des notifications périodiques d'activité ». Le simulateur
//! suit l'ancien découpage, sans JavaScript : un formulaire par bloc, chacun avec son bouton.
//! Après un enregistrement, la page revient (redirection) avec un bandeau de confirmation ; une
//! saisie refusée revient en 422 avec ce qui a été tapé (sauf les mots de passe, jamais
//! réaffichés).

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chorus_domain::Anomalie;
use chorus_domain::compte::{self as regles, CreationCompte, Role};
use chorus_store::compte::{self, ChangementMotDePasse, Informations, RattachementCompte};
use maud::{Markup, html};
use serde::Deserialize;

use super::{champ_csrf, champ_texte, gabarit, resume_anomalies};
use crate::erreur::AppError;
use crate::etat::AppState;
use crate::formulaire::Champs;
use crate::session::Stagiaire;

/// Ce qui vient d'être enregistré (paramètre `enregistre` de la redirection).
#[derive(Debug, Default, Deserialize)]
pub struct Retour {
    enregistre: Option<String>,
}

/// Le formulaire refusé, à réafficher avec ses anomalies.
enum Refus {
    Aucun,
    Informations(CreationCompte, Vec<Anomalie>),
    MotDePasse(Vec<Anomalie>),
}

fn libelle_statut(statut: &str) -> &'static str {
    match statut {
        "VALIDE" => "Validé",
        "EN_ATTENTE" => "En attente de validation",
        "REFUSE" => "Refusé",
        _ => "Inconnu",
    }
}

fn confirmation(quoi: &str) -> Option<&'static str> {
    match quoi {
        "informations" => Some("Vos informations personnelles sont enregistrées."),
        "mot-de-passe" => Some(
            "Votre mot de passe a été modifié. Un message de confirmation vous a été envoyé dans la messagerie.",
        ),
        "notifications" => Some("Vos préférences de notification sont enregistrées."),
        _ => None,
    }
}

async fn charger(
    etat: &AppState,
    stagiaire: &Stagiaire,
) -> Result<(Informations, Vec<RattachementCompte>), AppError> {
    let (bac_id, uid) = (stagiaire.bac.id.clone(), stagiaire.utilisateur.id.clone());
    etat.lire(move |c, _| {
        Ok((compte::informations(c, &bac_id, &uid)?, compte::rattachements(c, &bac_id, &uid)?))
    })
    .await
}

fn saisie_enregistree(infos: &Informations) -> CreationCompte {
    CreationCompte {
        email_connexion: infos.email.clone(),
        nom: infos.nom.clone(),
        prenom: infos.prenom.clone(),
        telephone: infos.telephone.clone(),
        email_contact: infos.email_contact.clone(),
    }
}

fn page(
    etat: &AppState,
    stagiaire: &Stagiaire,
    infos: &Informations,
    rattachements: &[RattachementCompte],
    refus: &Refus,
    bandeau: Option<&str>,
) -> Markup {
    let ctx = stagiaire.contexte(&etat.horloge);
    let csrf = &stagiaire.csrf;
    let (saisie, anomalies_infos) = match refus {
        Refus::Informations(s, a) => (s.clone(), a.as_slice()),
        _ => (saisie_enregistree(infos), &[][..]),
    };
    let anomalies_mdp = match refus {
        Refus::MotDePasse(a) => a.as_slice(),
        _ => &[][..],
    };
    let gestionnaire =
        rattachements.iter().any(|r| r.statut == "VALIDE" && r.role == Role::GestionnairePrincipal);
    let courante = stagiaire.utilisateur.structure_id.as_deref();
    gabarit(
        "Mon compte",
        Some(csrf),
        Some(&ctx),
        html! {
            h1 { "Mon compte" }
            p.chapeau { (infos.prenom) " " (infos.nom) " — " (infos.email) }
            @if let Some(b) = bandeau {
                div.alerte.alerte-info role="status" { p { (b) } }
            }

            section.carte #informations aria-labelledby="titre-informations" {
                h2 #titre-informations { "Mes informations personnelles" }
                (resume_anomalies("Vos informations ne peuvent pas être enregistrées :", anomalies_infos))
                form method="post" action="/mon-compte/informations" novalidate {
                    (champ_csrf(csrf))
                    div.champ {
                        label for="email_connexion" { "Adresse électronique de connexion" }
                        p.aide #email_connexion-aide { "C'est votre identifiant : elle ne peut pas être modifiée." }
                        input #email_connexion type="email" value=(infos.email) readonly aria-describedby="email_connexion-aide";
                    }
                    (champ_texte(anomalies_infos, "nom", "Nom", &saisie.nom, true, None, ("text", 100)))
                    (champ_texte(anomalies_infos, "prenom", "Prénom", &saisie.prenom, true, None, ("text", 100)))
                    (champ_texte(anomalies_infos, "telephone", "Téléphone", &saisie.telephone, false,
                        Some("Facultatif, par exemple 01 23 45 67 89 ou +33 1 23 45 67 89."), ("tel", 30)))
                    (champ_texte(anomalies_infos, "email_contact", "Adresse électronique de contact", &saisie.email_contact, false,
                        Some("Les notifications y sont envoyées. Laissée vide, c'est l'adresse de connexion."), ("email", 254)))
                    button.bouton.bouton-principal type="submit" { "Enregistrer" }
                }
            }

            section.carte #rattachements aria-labelledby="titre-rattachements" {
                h2 #titre-rattachements { "Mes rattachements" }
                p { "Les structures pour lesquelles vous travaillez. Vous déposez et consultez les factures de votre structure de travail ; choisissez-en une autre ici." }
                @if rattachements.is_empty() {
                    p.vide { "Aucun rattachement." }
                } @else {
                    table.tableau {
                        thead { tr {
                            th scope="col" { "Structure" } th scope="col" { "Identifiant" } th scope="col" { "Rôle" }
                            th scope="col" { "Statut" } th scope="col" { "Structure de travail" }
                        } }
                        tbody {
                            @for r in rattachements {
                                tr {
                                    td { (r.raison_sociale) }
                                    td { (r.identifiant) }
                                    td { (r.role.libelle()) }
                                    td { (libelle_statut(&r.statut)) }
                                    td {
                                        @if courante == Some(r.structure_id.as_str()) {
                                            strong { "Structure de travail actuelle" }
                                        } @else if r.statut == "VALIDE" {
                                            form method="post" action="/mon-compte/structure" {
                                                (champ_csrf(csrf))
                                                input type="hidden" name="structure" value=(r.structure_id);
                                                button.bouton type="submit" { "Travailler sur cette structure" }
                                            }
                                        } @else {
                                            "—"
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                p { a.bouton href="/structure/creer" { "Se rattacher à une autre structure" } " (ou en créer une nouvelle)" }
            }

            section.carte #mot-de-passe aria-labelledby="titre-mot-de-passe" {
                h2 #titre-mot-de-passe { "Changer de mot de passe" }
                (resume_anomalies("Le mot de passe n'a pas été changé :", anomalies_mdp))
                p { "Le nouveau mot de passe doit respecter les règles suivantes (" (crate::pages::cours::marque_choix(chorus_domain::choix_simulateur::ChoixSimulateur::ReglesMotDePasse)) ") :" }
                ul { @for r in regles::regles_mot_de_passe() { li { (r) } } }
                form method="post" action="/mon-compte/mot-de-passe" novalidate {
                    (champ_csrf(csrf))
                    (champ_texte(anomalies_mdp, "actuel", "Mot de passe actuel", "", true, None, ("password", 128)))
                    (champ_texte(anomalies_mdp, "mot_de_passe", "Nouveau mot de passe", "", true, None, ("password", 128)))
                    (champ_texte(anomalies_mdp, "confirmation", "Confirmez le nouveau mot de passe", "", true, None, ("password", 128)))
                    button.bouton.bouton-principal type="submit" { "Changer le mot de passe" }
                }
            }

            section.carte #notifications aria-labelledby="titre-notifications" {
                h2 #titre-notifications { "Préférence notifications" }
                p { "Les notifications arrivent à votre adresse de contact (dans le simulateur : la messagerie du bac à sable), quand l'horloge avance." }
                form method="post" action="/mon-compte/notifications" {
                    (champ_csrf(csrf))
                    div.champ {
                        input #quotidienne type="checkbox" name="quotidienne" value="oui" checked[infos.notification_quotidienne];
                        label for="quotidienne" { " Recevoir des notifications périodiques d'activité" }
                        p.aide { "Un message pour chaque jour où vos factures changent de statut." }
                    }
                    div.champ {
                        input #hebdomadaire type="checkbox" name="hebdomadaire" value="oui" checked[infos.recapitulatif_hebdomadaire];
                        label for="hebdomadaire" { " Recevoir le récapitulatif hebdomadaire" }
                        p.aide {
                            "Chaque lundi, les mouvements de la semaine et vos factures par statut. Réservé aux gestionnaires principaux"
                            @if !gestionnaire { " : vous n'êtes gestionnaire principal d'aucune structure, vous ne le recevrez pas" }
                            "."
                        }
                    }
                    button.bouton.bouton-principal type="submit" { "Enregistrer les préférences" }
                }
            }
        },
    )
}

pub async fn page_compte(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    Query(retour): Query<Retour>,
) -> Result<Markup, AppError> {
    let (infos, rattachements) = charger(&etat, &stagiaire).await?;
    let bandeau = retour.enregistre.as_deref().and_then(confirmation);
    Ok(page(&etat, &stagiaire, &infos, &rattachements, &Refus::Aucun, bandeau))
}

async fn refuser(etat: &AppState, stagiaire: &Stagiaire, refus: Refus) -> Result<Response, AppError> {
    let (infos, rattachements) = charger(etat, stagiaire).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page(etat, stagiaire, &infos, &rattachements, &refus, None))
        .into_response())
}

/// « Enregistrer » les informations personnelles : mêmes contrôles qu'à la création du compte.
pub async fn informations(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    champs: Champs,
) -> Result<Response, AppError> {
    stagiaire.verifier_csrf(&champs.un("csrf")).await?;
    let saisie = CreationCompte {
        email_connexion: stagiaire.utilisateur.email.clone(),
        nom: champs.un("nom"),
        prenom: champs.un("prenom"),
        telephone: champs.un("telephone"),
        email_contact: champs.un("email_contact"),
    };
    let mut anomalies = regles::controler_creation(&saisie);
    // L'adresse de connexion n'est pas modifiable ici : elle ne peut pas bloquer l'enregistrement.
    anomalies.retain(|a| a.champ != "email_connexion");
    if !anomalies.is_empty() {
        return refuser(&etat, &stagiaire, Refus::Informations(saisie, anomalies)).await;
    }
    let (bac_id, uid) = (stagiaire.bac.id.clone(), stagiaire.utilisateur.id.clone());
    etat.ecrire(move |tx, _| compte::modifier_informations(tx, &bac_id, &uid, &saisie)).await?;
    Ok(Redirect::to("/mon-compte?enregistre=informations").into_response())
}

/// Changer de mot de passe : l'actuel est exigé ; un message de sécurité part dans la messagerie.
pub async fn mot_de_passe(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    champs: Champs,
) -> Result<Response, AppError> {
    stagiaire.verifier_csrf(&champs.un("csrf")).await?;
    let (actuel, nouveau, confirmation) =
        (champs.un("actuel"), champs.un("mot_de_passe"), champs.un("confirmation"));
    let (bac_id, uid) = (stagiaire.bac.id.clone(), stagiaire.utilisateur.id.clone());
    let (b, u, a) = (bac_id.clone(), uid.clone(), actuel.clone());
    let exact = etat.lire(move |c, _| compte::mot_de_passe_actuel_exact(c, &b, &u, &a)).await?;
    let anomalies = etat
        .ecrire(move |tx, h| {
            let ch = ChangementMotDePasse { actuel: &actuel, nouveau: &nouveau, confirmation: &confirmation };
            compte::changer_mot_de_passe_verifie(tx, &bac_id, &uid, ch, exact, h)
        })
        .await?;
    if !anomalies.is_empty() {
        return refuser(&etat, &stagiaire, Refus::MotDePasse(anomalies)).await;
    }
    Ok(Redirect::to("/mon-compte?enregistre=mot-de-passe").into_response())
}

/// Les deux cases de « Préférence notifications » (une case décochée n'est pas envoyée).
pub async fn notifications(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    champs: Champs,
) -> Result<Redirect, AppError> {
    stagiaire.verifier_csrf(&champs.un("csrf")).await?;
    let quotidienne = champs.un("quotidienne") == "oui";
    let hebdomadaire = champs.un("hebdomadaire") == "oui";
    let (bac_id, uid) = (stagiaire.bac.id.clone(), stagiaire.utilisateur.id.clone());
    etat.ecrire(move |tx, _| compte::definir_notifications(tx, &bac_id, &uid, quotidienne, hebdomadaire))
        .await?;
    Ok(Redirect::to("/mon-compte?enregistre=notifications"))
}

/// Le sélecteur de structure : une structure à laquelle le compte n'est pas rattaché (rattachement
/// validé), d'un autre bac ou inventée, est « introuvable ».
pub async fn structure(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    champs: Champs,
) -> Result<Redirect, AppError> {
    stagiaire.verifier_csrf(&champs.un("csrf")).await?;
    let structure_id = champs.un("structure");
    let uid = stagiaire.utilisateur.id.clone();
    etat.ecrire(move |tx, _| compte::choisir_structure(tx, &uid, structure_id.trim())).await?;
    Ok(Redirect::to("/"))
}
