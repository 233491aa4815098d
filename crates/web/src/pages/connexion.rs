//! Connexion (mot de passe, puis code reçu dans la messagerie si la double authentification
//! est active), déconnexion.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chorus_domain::compte as regles;
use chorus_store::compte::{self, Connexion};
use chorus_store::jeton::{self, Nature, Verification};
use chorus_store::{bac, demo, messagerie};
use maud::{Markup, html};
use serde::Deserialize;
use tower_sessions::Session;

use super::{champ_csrf, gabarit};
use crate::erreur::AppError;
use crate::etat::AppState;
use crate::formulaire::Champs;
use crate::limite::{self, AdresseClient, Essai};
use crate::session::{self, Connecte, jeton_csrf, verifier_csrf};

/// Message en haut de la page de connexion (après activation, réinitialisation…).
pub enum Bandeau<'a> {
    Aucun,
    Erreur(&'a str),
    Info(&'a str),
}

pub fn formulaire(csrf: &str, identifiant: &str, bandeau: Bandeau<'_>, demo_presente: bool) -> Markup {
    gabarit(
        "Connexion",
        Some(csrf),
        None,
        html! {
            div.carte.carte-etroite {
                h1 { "Se connecter" }
                @match bandeau {
                    Bandeau::Erreur(e) => div.alerte.alerte-erreur role="alert" { p { (e) } },
                    Bandeau::Info(i) => div.alerte.alerte-info role="status" { p { (i) } },
                    Bandeau::Aucun => {},
                }
                form method="post" action="/connexion" {
                    (champ_csrf(csrf))
                    div.champ {
                        label for="identifiant" { "Adresse électronique de connexion" span.obligatoire { " *" } }
                        input #identifiant type="email" name="identifiant" required autocomplete="username" value=(identifiant);
                    }
                    div.champ {
                        label for="mot_de_passe" { "Mot de passe" span.obligatoire { " *" } }
                        input #mot_de_passe type="password" name="mot_de_passe" required autocomplete="current-password";
                    }
                    button.bouton.bouton-principal type="submit" { "Se connecter" }
                }
                p { a href="/compte/mot-de-passe-oublie" { "Mot de passe oublié ?" } }
                p { "Pas encore de compte ? " a href="/compte/creer" { "Créer un compte" } }
                p { a href="/messagerie" { "Ouvrir la messagerie du bac à sable" } " (messages d'activation et codes de connexion)" }
                @if demo_presente {
                    div.alerte.alerte-info {
                        p { strong { "Comptes de démonstration" } }
                        p {
                            "Identifiants " code { "formation1@exemple.fr" } " à " code { "formation5@exemple.fr" }
                            ", mot de passe " code { (demo::MOT_DE_PASSE_DEMO) } "."
                        }
                    }
                }
            }
        },
    )
}

pub async fn page_avec(
    etat: &AppState,
    session: &Session,
    identifiant: &str,
    bandeau: Bandeau<'_>,
) -> Result<Markup, AppError> {
    let csrf = jeton_csrf(session).await?;
    let demo = etat.lire(|c, _| Ok(compte_demo_present(c))).await?;
    Ok(formulaire(&csrf, identifiant, bandeau, demo))
}

#[derive(Deserialize)]
pub struct Parametres {
    /// L'identifiant déjà rempli : un stagiaire de classe revenu sur un autre poste est envoyé
    /// ici avec le sien, il n'a plus qu'à taper son mot de passe.
    #[serde(default)]
    identifiant: String,
}

pub async fn page(
    State(etat): State<AppState>,
    session: Session,
    Query(p): Query<Parametres>,
) -> Result<Markup, AppError> {
    page_avec(&etat, &session, p.identifiant.trim(), Bandeau::Aucun).await
}

fn compte_demo_present(c: &rusqlite::Connection) -> bool {
    c.query_row("SELECT count(*) FROM utilisateur WHERE email = ?1", [demo::identifiant_demo(1)], |r| {
        r.get::<_, i64>(0)
    })
    .map(|n| n > 0)
    .unwrap_or(false)
}

const REFUS: &str = "Identifiant ou mot de passe incorrect. Vérifiez l'adresse électronique et le mot de passe \
                     (attention aux majuscules). Compte créé récemment ? Activez-le d'abord avec le lien reçu dans la messagerie.";

/// Ce que devient une connexion par mot de passe réussie.
enum Suite {
    /// Le compte, son bac, et le stagiaire de classe à qui il appartient.
    Ouverte(String, String, Option<String>),
    Code(String, String),
}

/// Ouvre la session du compte. Le compte d'un stagiaire de classe lui rend aussi sa place dans
/// la classe, quel que soit le poste : feuille d'émargement, encart de sa formation.
async fn ouvrir(
    session: &Session,
    utilisateur: &str,
    bac: &str,
    participant: Option<&str>,
) -> Result<(), AppError> {
    match participant {
        Some(p) => session::entrer_en_classe(session, p, bac, Some(utilisateur)).await,
        None => session::ouvrir(session, utilisateur, bac).await,
    }
}

pub async fn connecter(
    State(etat): State<AppState>,
    AdresseClient(adresse): AdresseClient,
    session: Session,
    champs: Champs,
) -> Result<Response, AppError> {
    verifier_csrf(&session, &champs.un("csrf")).await?;
    let identifiant = champs.un("identifiant");
    if let Some(attente) = etat.limiteur.attente(adresse, Essai::ConnexionRefusee) {
        let page =
            page_avec(&etat, &session, &identifiant, Bandeau::Erreur(&limite::message(attente))).await?;
        return Ok((StatusCode::TOO_MANY_REQUESTS, page).into_response());
    }
    let mot_de_passe = champs.un("mot_de_passe");
    let poste = session::bac_du_poste(&session).await?;
    let id = identifiant.clone();
    // Le mot de passe se vérifie sur une connexion de lecture (Argon2 est lent) ; l'écriture
    // ne fait que compter l'échec ou ouvrir la connexion.
    let verification = etat
        .lire(move |c, h| {
            compte::verifier_connexion(c, poste.as_deref(), &id, &mot_de_passe, h.maintenant().naive_utc())
        })
        .await?;
    let resultat = etat
        .ecrire(move |tx, h| {
            let maintenant = h.maintenant().naive_utc();
            match compte::enregistrer_connexion(tx, verification, maintenant)? {
                Connexion::Reussie(u) => {
                    let b = bac::bac(tx, &u.bac_id)?;
                    if !b.double_authentification {
                        compte::noter_succes(tx, &u.id)?;
                        let participant = chorus_store::classe::participant_du_compte(tx, &u.id)?;
                        return Ok(Ok(Suite::Ouverte(u.id, u.bac_id, participant)));
                    }
                    let instant = b.maintenant_simule(h);
                    let code = jeton::emettre(tx, &b.id, &u.id, Nature::CodeConnexion, instant)?;
                    let adresse = compte::adresse_de_contact(tx, &u.id)?;
                    let corps = format!(
                        "Bonjour {} {},\n\nVoici votre code de connexion au portail : {code}\n\nIl est valable {} minutes. \
                         Si vous n'êtes pas à l'origine de cette connexion, ne communiquez ce code à personne et changez \
                         votre mot de passe.\n\nNe répondez pas à ce message : aucun agent ne vous demandera jamais ce code.",
                        u.prenom,
                        u.nom,
                        regles::VALIDITE_CODE_CONNEXION_MINUTES
                    );
                    messagerie::envoyer(
                        tx,
                        &b.id,
                        messagerie::Nouveau {
                            destinataire: &adresse,
                            objet: "Votre code de connexion",
                            corps: &corps,
                            lien: None,
                        },
                        instant,
                    )?;
                    Ok(Ok(Suite::Code(u.id, u.bac_id)))
                }
                Connexion::Refusee => Ok(Err(None)),
                Connexion::Bloquee(fin) => Ok(Err(Some(fin))),
            }
        })
        .await?;
    match resultat {
        Ok(Suite::Ouverte(u, b, participant)) => {
            ouvrir(&session, &u, &b, participant.as_deref()).await?;
            Ok(Redirect::to("/").into_response())
        }
        Ok(Suite::Code(u, b)) => {
            session::attendre_code(&session, &u, &b).await?;
            Ok(Redirect::to("/connexion/code").into_response())
        }
        Err(blocage) => {
            etat.limiteur.noter(adresse, Essai::ConnexionRefusee);
            let (statut, message) = match blocage {
                None => (StatusCode::UNAUTHORIZED, REFUS.to_string()),
                Some(fin) => (StatusCode::FORBIDDEN, regles::message_blocage(fin)),
            };
            let page = page_avec(&etat, &session, &identifiant, Bandeau::Erreur(&message)).await?;
            Ok((statut, page).into_response())
        }
    }
}

fn page_code(csrf: &str, erreur: Option<&str>) -> Markup {
    gabarit(
        "Code de connexion",
        Some(csrf),
        None,
        html! {
            div.carte.carte-etroite {
                h1 { "Saisir le code de connexion" }
                @if let Some(e) = erreur { div.alerte.alerte-erreur role="alert" { p { (e) } } }
                p {
                    "Un code à " (regles::CODE_CONNEXION_CHIFFRES) " chiffres vient d'être envoyé à votre adresse électronique. "
                    "Dans le simulateur, il arrive dans la " a href="/messagerie" target="_blank" { "messagerie du bac à sable" } "."
                    " Il est valable " (regles::VALIDITE_CODE_CONNEXION_MINUTES) " minutes ("
                    (crate::pages::cours::marque_choix(chorus_domain::choix_simulateur::ChoixSimulateur::CodeEtBlocage)) ")."
                }
                form method="post" action="/connexion/code" {
                    (champ_csrf(csrf))
                    div.champ {
                        label for="code" { "Code de connexion" span.obligatoire { " *" } }
                        input #code name="code" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="12" required;
                    }
                    button.bouton.bouton-principal type="submit" { "Valider" }
                }
                p { "Code non reçu ou expiré ? " a href="/connexion" { "Reconnectez-vous" } " : un nouveau code sera envoyé." }
            }
        },
    )
}

pub async fn page_saisie_code(session: Session) -> Result<Response, AppError> {
    if session::en_attente_de_code(&session).await?.is_none() {
        return Ok(Redirect::to("/connexion").into_response());
    }
    let csrf = jeton_csrf(&session).await?;
    Ok(page_code(&csrf, None).into_response())
}

pub async fn valider_code(
    State(etat): State<AppState>,
    AdresseClient(adresse): AdresseClient,
    session: Session,
    champs: Champs,
) -> Result<Response, AppError> {
    verifier_csrf(&session, &champs.un("csrf")).await?;
    if let Some(attente) = etat.limiteur.attente(adresse, Essai::CodeFaux) {
        let csrf = jeton_csrf(&session).await?;
        return Ok((StatusCode::TOO_MANY_REQUESTS, page_code(&csrf, Some(&limite::message(attente))))
            .into_response());
    }
    let (Some(utilisateur), Some(bac_id)) =
        (session::en_attente_de_code(&session).await?, session::bac_du_poste(&session).await?)
    else {
        return Ok(Redirect::to("/connexion").into_response());
    };
    let code = champs.un("code");
    let csrf = jeton_csrf(&session).await?;
    if !regles::code_bien_forme(&code) {
        let m =
            format!("Le code de connexion compte {} chiffres, sans lettre.", regles::CODE_CONNEXION_CHIFFRES);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page_code(&csrf, Some(&m))).into_response());
    }
    let (u, b) = (utilisateur.clone(), bac_id.clone());
    let verdict = etat
        .ecrire(move |tx, h| {
            let maintenant = h.maintenant().naive_utc();
            if let Some(fin) = compte::blocage(tx, &u, maintenant)? {
                return Ok(Err(regles::message_blocage(fin)));
            }
            let instant = bac::bac(tx, &b)?.maintenant_simule(h);
            let code = code.chars().filter(|c| !c.is_whitespace()).collect::<String>();
            Ok(match jeton::consommer(
                tx,
                &b,
                Some(&u),
                &code,
                Nature::CodeConnexion,
                instant,
                regles::VALIDITE_CODE_CONNEXION_MINUTES,
            )? {
                Verification::Valable(_) => {
                    // Les mauvais codes saisis avant le bon ne comptent plus pour le blocage.
                    compte::noter_succes(tx, &u)?;
                    Ok(chorus_store::classe::participant_du_compte(tx, &u)?)
                }
                Verification::Expire(_) => Err(format!(
                    "Ce code a expiré (il n'est valable que {} minutes). Reconnectez-vous pour en recevoir un nouveau.",
                    regles::VALIDITE_CODE_CONNEXION_MINUTES
                )),
                Verification::Inconnu => {
                    compte::noter_echec(tx, &u, maintenant)?;
                    Err("Ce code est incorrect. Recopiez le dernier code reçu dans la messagerie.".to_string())
                }
            })
        })
        .await?;
    match verdict {
        Ok(participant) => {
            ouvrir(&session, &utilisateur, &bac_id, participant.as_deref()).await?;
            Ok(Redirect::to("/").into_response())
        }
        Err(message) => {
            etat.limiteur.noter(adresse, Essai::CodeFaux);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page_code(&csrf, Some(&message))).into_response())
        }
    }
}

pub async fn deconnecter(connecte: Connecte, champs: Champs) -> Result<Redirect, AppError> {
    verifier_csrf(&connecte.session, &champs.un("csrf")).await?;
    session::fermer(&connecte.session).await?;
    Ok(Redirect::to("/connexion"))
}
