//! « Créer un compte », activation par le lien reçu dans la messagerie (valable 60 minutes),
//! choix du mot de passe, « Mot de passe oublié ».

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chorus_domain::Anomalie;
use chorus_domain::compte::{self as regles, CreationCompte};
use chorus_store::jeton::{self, Nature, Verification};
use chorus_store::{Horloge, bac, compte, messagerie};
use maud::{Markup, html};
use rusqlite::Connection;
use tower_sessions::Session;

use super::connexion::{Bandeau, page_avec};
use super::{champ_csrf, champ_texte, gabarit, resume_anomalies};
use crate::erreur::AppError;
use crate::etat::AppState;
use crate::formulaire::Champs;
use crate::session::{self, jeton_csrf, verifier_csrf};
use chorus_store::depart;

fn page_creation(csrf: &str, saisie: &CreationCompte, anomalies: &[Anomalie]) -> Markup {
    gabarit(
        "Créer un compte",
        Some(csrf),
        None,
        html! {
            div.carte {
                h1 { "Créer un compte" }
                p.chapeau { "Informations personnelles. Les champs marqués d'un astérisque rouge " span.obligatoire { "*" } " sont obligatoires." }
                (resume_anomalies("Le compte ne peut pas être créé :", anomalies))
                form method="post" action="/compte/creer" novalidate {
                    (champ_csrf(csrf))
                    (champ_texte(anomalies, "email_connexion", "Adresse électronique de connexion", &saisie.email_connexion, true,
                        Some("Elle vous servira d'identifiant. Dans le simulateur, les messages arrivent dans la messagerie du bac à sable."), ("email", 254)))
                    (champ_texte(anomalies, "nom", "Nom", &saisie.nom, true, None, ("text", 100)))
                    (champ_texte(anomalies, "prenom", "Prénom", &saisie.prenom, true, None, ("text", 100)))
                    (champ_texte(anomalies, "telephone", "Téléphone", &saisie.telephone, false, None, ("tel", 20)))
                    (champ_texte(anomalies, "email_contact", "Adresse électronique de contact", &saisie.email_contact, false,
                        Some("Les notifications y sont envoyées. Laissée vide, c'est l'adresse de connexion."), ("email", 254)))
                    button.bouton.bouton-principal type="submit" { "Créer mon compte" }
                }
                p { "Déjà un compte ? " a href="/connexion" { "Se connecter" } }
            }
        },
    )
}

pub async fn formulaire_creation(session: Session) -> Result<Markup, AppError> {
    let csrf = jeton_csrf(&session).await?;
    Ok(page_creation(&csrf, &CreationCompte::default(), &[]))
}

/// Envoie le message d'activation (nouveau compte ou nouveau lien demandé).
fn envoyer_activation(
    c: &Connection,
    bac_id: &str,
    utilisateur_id: &str,
    horloge: &Horloge,
) -> chorus_store::Resultat<()> {
    let instant = bac::bac(c, bac_id)?.maintenant_simule(horloge);
    let secret = jeton::emettre(c, bac_id, utilisateur_id, Nature::Activation, instant)?;
    let adresse = compte::adresse_de_contact(c, utilisateur_id)?;
    let lien = format!("/compte/activer/{secret}");
    let corps = format!(
        "Bonjour,\n\nVotre compte sur le portail a été créé. Pour l'activer et choisir votre mot de passe, suivez le \
         lien ci-dessous. Attention : il n'est valable que {} minutes.\n\nSi vous n'avez pas demandé ce compte, ignorez \
         ce message.",
        regles::VALIDITE_LIEN_ACTIVATION_MINUTES
    );
    messagerie::envoyer(
        c,
        bac_id,
        messagerie::Nouveau {
            destinataire: &adresse,
            objet: "Activez votre compte",
            corps: &corps,
            lien: Some(&lien),
        },
        instant,
    )?;
    Ok(())
}

pub async fn creer(
    State(etat): State<AppState>,
    crate::limite::AdresseClient(adresse): crate::limite::AdresseClient,
    session: Session,
    champs: Champs,
) -> Result<Response, AppError> {
    verifier_csrf(&session, &champs.un("csrf")).await?;
    let essai = crate::limite::Essai::CreationDeCompte;
    if let Some(attente) = etat.limiteur.attente(adresse, essai) {
        return Err(AppError::TropDEssais(crate::limite::message(attente)));
    }
    etat.limiteur.noter(adresse, essai);
    let saisie = CreationCompte {
        email_connexion: champs.un("email_connexion"),
        nom: champs.un("nom"),
        prenom: champs.un("prenom"),
        telephone: champs.un("telephone"),
        email_contact: champs.un("email_contact"),
    };
    let csrf = jeton_csrf(&session).await?;
    let mut anomalies = regles::controler_creation(&saisie);
    if !anomalies.is_empty() {
        return Ok(
            (StatusCode::UNPROCESSABLE_ENTITY, page_creation(&csrf, &saisie, &anomalies)).into_response()
        );
    }
    let poste = session::bac_du_poste(&session).await?;
    let participant = session::participant(&session).await?;
    let s = saisie.clone();
    let resultat = etat
        .ecrire(move |tx, h| {
            // Sans bac à sable sur ce poste, un compte créé ici ouvre un bac d'entraînement en
            // autonomie : l'apprenant y crée ensuite sa structure.
            let bac_id = match poste {
                Some(b) => b,
                None => depart::creer_autonome(tx, h)?.id,
            };
            if compte::par_email(tx, &bac_id, &s.email_connexion)?.is_some() {
                return Ok(Err(bac_id));
            }
            let u = compte::creer_en_attente(tx, &bac_id, &s)?;
            if let Some(p) = &participant {
                chorus_store::classe::attribuer_compte(tx, p, &bac_id, &u.id)?;
            }
            envoyer_activation(tx, &bac_id, &u.id, h)?;
            Ok(Ok(bac_id))
        })
        .await?;
    match resultat {
        Ok(bac_id) => {
            session::lier_bac(&session, &bac_id).await?;
            Ok(gabarit(
                "Compte créé",
                Some(&csrf),
                None,
                html! {
                    div.carte.carte-etroite {
                        h1 { "Votre compte est créé" }
                        div.alerte.alerte-info role="status" {
                            p { "Un message vient d'être envoyé à " strong { (saisie.email_connexion.trim()) } "." }
                            p { "Ouvrez-le et suivez le lien d'activation dans les " (regles::VALIDITE_LIEN_ACTIVATION_MINUTES) " minutes pour choisir votre mot de passe." }
                        }
                        p { a.bouton.bouton-principal href="/messagerie" { "Ouvrir la messagerie" } }
                    }
                },
            )
            .into_response())
        }
        Err(_) => {
            anomalies.push(Anomalie::champ(
                "email_connexion",
                "COMPTE_EXISTANT",
                "Un compte existe déjà avec cette adresse électronique. Connectez-vous, ou utilisez « Mot de passe oublié » \
                 si vous ne vous souvenez plus du mot de passe.",
            ));
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page_creation(&csrf, &saisie, &anomalies)).into_response())
        }
    }
}

fn page_mot_de_passe(csrf: &str, action: &str, titre: &str, anomalies: &[Anomalie]) -> Markup {
    gabarit(
        titre,
        Some(csrf),
        None,
        html! {
            div.carte.carte-etroite {
                h1 { (titre) }
                (resume_anomalies("Ce mot de passe ne convient pas :", anomalies))
                p { "Votre mot de passe doit respecter les règles suivantes (" (crate::pages::cours::marque_choix(chorus_domain::choix_simulateur::ChoixSimulateur::ReglesMotDePasse)) ") :" }
                ul { @for r in regles::regles_mot_de_passe() { li { (r) } } }
                form method="post" action=(action) novalidate {
                    (champ_csrf(csrf))
                    (champ_texte(anomalies, "mot_de_passe", "Nouveau mot de passe", "", true, None, ("password", 128)))
                    (champ_texte(anomalies, "confirmation", "Confirmez le mot de passe", "", true, None, ("password", 128)))
                    button.bouton.bouton-principal type="submit" { "Soumettre" }
                }
            }
        },
    )
}

fn page_lien_invalide(csrf: &str, expire: bool) -> Markup {
    gabarit(
        "Lien invalide",
        Some(csrf),
        None,
        html! {
            div.carte.carte-etroite {
                h1 { @if expire { "Ce lien a expiré" } @else { "Ce lien n'est pas valable" } }
                div.alerte.alerte-erreur role="alert" {
                    @if expire {
                        p { "Le lien n'est valable que " (regles::VALIDITE_LIEN_ACTIVATION_MINUTES) " minutes après l'envoi du message. Demandez-en un nouveau ci-dessous." }
                    } @else {
                        p { "Ce lien a déjà servi, ou il a été remplacé par un lien plus récent. Utilisez le dernier message reçu, ou demandez un nouveau lien." }
                    }
                }
                form method="post" action="/compte/mot-de-passe-oublie" {
                    (champ_csrf(csrf))
                    div.champ {
                        label for="email" { "Adresse électronique de connexion" }
                        input #email type="email" name="email" required;
                    }
                    button.bouton.bouton-principal type="submit" { "Recevoir un nouveau lien" }
                }
            }
        },
    )
}

/// Le secret d'un lien : il n'est ni consommé ni vérifié ici, seulement sa forme.
fn secret_bien_forme(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

async fn examiner(
    etat: &AppState,
    session: &Session,
    secret: &str,
    nature: Nature,
) -> Result<Option<Verification>, AppError> {
    let Some(bac_id) = session::bac_du_poste(session).await? else { return Ok(None) };
    if !secret_bien_forme(secret) {
        return Ok(Some(Verification::Inconnu));
    }
    let s = secret.to_string();
    let v = etat
        .lire(move |c, h| {
            let instant = bac::bac(c, &bac_id)?.maintenant_simule(h);
            jeton::examiner(c, &bac_id, None, &s, nature, instant, regles::VALIDITE_LIEN_ACTIVATION_MINUTES)
        })
        .await?;
    Ok(Some(v))
}

fn titre(nature: Nature) -> &'static str {
    if nature == Nature::Activation {
        "Activer votre compte : choisir un mot de passe"
    } else {
        "Choisir un nouveau mot de passe"
    }
}

async fn page_lien(
    etat: &AppState,
    session: &Session,
    secret: &str,
    nature: Nature,
    action: &str,
) -> Result<Response, AppError> {
    let csrf = jeton_csrf(session).await?;
    Ok(match examiner(etat, session, secret, nature).await? {
        Some(Verification::Valable(_)) => {
            page_mot_de_passe(&csrf, action, titre(nature), &[]).into_response()
        }
        Some(Verification::Expire(_)) => (StatusCode::GONE, page_lien_invalide(&csrf, true)).into_response(),
        _ => (StatusCode::NOT_FOUND, page_lien_invalide(&csrf, false)).into_response(),
    })
}

pub async fn page_activation(
    State(etat): State<AppState>,
    session: Session,
    Path(secret): Path<String>,
) -> Result<Response, AppError> {
    page_lien(&etat, &session, &secret, Nature::Activation, &format!("/compte/activer/{secret}")).await
}

pub async fn page_reinitialisation(
    State(etat): State<AppState>,
    session: Session,
    Path(secret): Path<String>,
) -> Result<Response, AppError> {
    page_lien(&etat, &session, &secret, Nature::Reinitialisation, &format!("/compte/reinitialiser/{secret}"))
        .await
}

async fn choisir(
    etat: AppState,
    session: Session,
    secret: String,
    nature: Nature,
    champs: Champs,
) -> Result<Response, AppError> {
    verifier_csrf(&session, &champs.un("csrf")).await?;
    let csrf = jeton_csrf(&session).await?;
    let Some(bac_id) = session::bac_du_poste(&session).await? else {
        return Ok((StatusCode::NOT_FOUND, page_lien_invalide(&csrf, false)).into_response());
    };
    if !secret_bien_forme(&secret) {
        return Ok((StatusCode::NOT_FOUND, page_lien_invalide(&csrf, false)).into_response());
    }
    let (mdp, confirmation) = (champs.un("mot_de_passe"), champs.un("confirmation"));
    let s = secret.clone();
    let resultat = etat
        .ecrire(move |tx, h| {
            let instant = bac::bac(tx, &bac_id)?.maintenant_simule(h);
            let validite = regles::VALIDITE_LIEN_ACTIVATION_MINUTES;
            let v = jeton::examiner(tx, &bac_id, None, &s, nature, instant, validite)?;
            let Verification::Valable(uid) = v else { return Ok(Choix::Lien(v)) };
            let u = compte::utilisateur(tx, &uid)?.ok_or(chorus_store::Erreur::Introuvable("compte"))?;
            let anomalies = regles::controler_mot_de_passe(&mdp, &confirmation, &u.email, &u.nom);
            if !anomalies.is_empty() {
                // Le lien reste valable : le stagiaire recommence avec un autre mot de passe.
                return Ok(Choix::Refuse(anomalies));
            }
            jeton::consommer(tx, &bac_id, None, &s, nature, instant, validite)?;
            compte::definir_mot_de_passe(tx, &uid, &mdp)?;
            Ok(Choix::Fait)
        })
        .await?;
    let action = if nature == Nature::Activation {
        format!("/compte/activer/{secret}")
    } else {
        format!("/compte/reinitialiser/{secret}")
    };
    Ok(match resultat {
        Choix::Fait => {
            let info = if nature == Nature::Activation {
                "Votre compte est activé. Connectez-vous avec votre adresse électronique et votre nouveau mot de passe."
            } else {
                "Votre mot de passe a été changé. Connectez-vous avec le nouveau."
            };
            page_avec(&etat, &session, "", Bandeau::Info(info)).await?.into_response()
        }
        Choix::Refuse(anomalies) => {
            (StatusCode::UNPROCESSABLE_ENTITY, page_mot_de_passe(&csrf, &action, titre(nature), &anomalies))
                .into_response()
        }
        Choix::Lien(Verification::Expire(_)) => {
            (StatusCode::GONE, page_lien_invalide(&csrf, true)).into_response()
        }
        Choix::Lien(_) => (StatusCode::NOT_FOUND, page_lien_invalide(&csrf, false)).into_response(),
    })
}

/// Ce que devient le choix d'un mot de passe par un lien.
enum Choix {
    Fait,
    Refuse(Vec<Anomalie>),
    Lien(Verification),
}

pub async fn activer(
    State(etat): State<AppState>,
    session: Session,
    Path(secret): Path<String>,
    champs: Champs,
) -> Result<Response, AppError> {
    choisir(etat, session, secret, Nature::Activation, champs).await
}

pub async fn reinitialiser(
    State(etat): State<AppState>,
    session: Session,
    Path(secret): Path<String>,
    champs: Champs,
) -> Result<Response, AppError> {
    choisir(etat, session, secret, Nature::Reinitialisation, champs).await
}

pub async fn page_oubli(session: Session) -> Result<Markup, AppError> {
    let csrf = jeton_csrf(&session).await?;
    Ok(gabarit(
        "Mot de passe oublié",
        Some(&csrf),
        None,
        html! {
            div.carte.carte-etroite {
                h1 { "Mot de passe oublié" }
                p { "Indiquez votre adresse électronique de connexion : vous recevrez un lien pour choisir un nouveau mot de passe." }
                form method="post" action="/compte/mot-de-passe-oublie" {
                    (champ_csrf(&csrf))
                    div.champ {
                        label for="email" { "Adresse électronique de connexion" span.obligatoire { " *" } }
                        input #email type="email" name="email" required;
                    }
                    button.bouton.bouton-principal type="submit" { "Recevoir un lien" }
                }
            }
        },
    ))
}

/// Même réponse que le compte existe ou non : la page ne révèle pas quels comptes existent.
pub async fn demander_reinitialisation(
    State(etat): State<AppState>,
    session: Session,
    champs: Champs,
) -> Result<Markup, AppError> {
    verifier_csrf(&session, &champs.un("csrf")).await?;
    let email = champs.un("email");
    let csrf = jeton_csrf(&session).await?;
    if let Some(bac_id) = session::bac_du_poste(&session).await? {
        let e = email.clone();
        etat.ecrire(move |tx, h| {
            let Some(u) = compte::par_email(tx, &bac_id, &e)? else { return Ok(()) };
            if !compte::est_active(tx, &u.id)? {
                // Compte jamais activé : c'est un nouveau lien d'activation qu'il lui faut.
                return envoyer_activation(tx, &bac_id, &u.id, h);
            }
            let instant = bac::bac(tx, &bac_id)?.maintenant_simule(h);
            let secret = jeton::emettre(tx, &bac_id, &u.id, Nature::Reinitialisation, instant)?;
            let adresse = compte::adresse_de_contact(tx, &u.id)?;
            let lien = format!("/compte/reinitialiser/{secret}");
            let corps = format!(
                "Bonjour,\n\nVous avez demandé à changer votre mot de passe. Suivez le lien ci-dessous dans les {} minutes.\n\n\
                 Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de passe actuel reste valable.",
                regles::VALIDITE_LIEN_ACTIVATION_MINUTES
            );
            messagerie::envoyer(
                tx,
                &bac_id,
                messagerie::Nouveau { destinataire: &adresse, objet: "Réinitialisation de votre mot de passe", corps: &corps, lien: Some(&lien) },
                instant,
            )?;
            Ok(())
        })
        .await?;
    }
    Ok(gabarit(
        "Mot de passe oublié",
        Some(&csrf),
        None,
        html! {
            div.carte.carte-etroite {
                h1 { "Demande enregistrée" }
                div.alerte.alerte-info role="status" {
                    p { "Si un compte existe pour « " (email.trim()) " », un message vient d'y être envoyé avec un lien valable "
                        (regles::VALIDITE_LIEN_ACTIVATION_MINUTES) " minutes." }
                }
                p { a.bouton.bouton-principal href="/messagerie" { "Ouvrir la messagerie" } " " a.bouton href="/connexion" { "Retour à la connexion" } }
            }
        },
    ))
}
