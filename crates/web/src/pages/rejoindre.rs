//! « Rejoindre une classe » : le code court affiché par le formateur et son nom suffisent, pas
//! d'adresse électronique. Le poste devient celui du stagiaire : son bac à sable, sa messagerie.
//!
//! Un stagiaire qui revient sur un autre poste et retape son nom ne doit pas recevoir un second
//! bac, vide : un nom déjà inscrit mène à une page qui propose de reprendre sa place (se
//! reconnecter avec son identifiant de classe), et ne crée un nouveau stagiaire que si l'on
//! confirme être une autre personne du même nom.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chorus_domain::Anomalie;
use chorus_domain::classe::{self as regles, Depart};
use chorus_store::classe::{self, Arrivee, Entree, Homonyme};
use maud::{Markup, html};
use serde::Deserialize;
use tower_sessions::Session;

use super::{champ_csrf, champ_texte, gabarit, resume_anomalies};
use crate::erreur::AppError;
use crate::etat::AppState;
use crate::format;
use crate::formulaire::Champs;
use crate::session::{self, jeton_csrf, verifier_csrf};

#[derive(Deserialize)]
pub struct Parametres {
    #[serde(default)]
    code: String,
}

fn formulaire(csrf: &str, code: &str, nom: &str, binome: &str, anomalies: &[Anomalie]) -> Markup {
    gabarit(
        "Rejoindre une classe",
        Some(csrf),
        None,
        html! {
            div.carte.carte-etroite {
                h1 { "Rejoindre une classe" }
                p.chapeau { "Saisissez le code affiché par votre formateur et votre nom : vous recevez votre propre bac à sable, où rien de ce que vous faites ne sort du simulateur." }
                (resume_anomalies("Impossible de rejoindre la classe :", anomalies))
                form method="post" action="/rejoindre" novalidate {
                    (champ_csrf(csrf))
                    (champ_texte(anomalies, "code", "Code de la classe", code, true, Some("6 caractères, par exemple K7F3HQ"), ("text", 12)))
                    (champ_texte(anomalies, "nom", "Votre prénom et votre nom", nom, true, Some("Tels qu'ils figureront sur la feuille d'émargement et l'attestation"), ("text", regles::NOM_STAGIAIRE_LONGUEUR_MAX)))
                    details open[!binome.is_empty()] {
                        summary { "Je travaille en binôme avec un collègue déjà inscrit" }
                        (champ_texte(anomalies, "binome", "Code de binôme de votre collègue", binome, false, Some("Il figure sur sa page de bienvenue, et le formateur le retrouve dans sa console. Vous partagerez son entreprise : il validera votre demande de rattachement."), ("text", 12)))
                    }
                    button.bouton.bouton-principal type="submit" { "Rejoindre la classe" }
                }
                p.aide { "Déjà inscrit dans cette classe ? " a href="/connexion" { "Connectez-vous avec votre identifiant de classe" } " : vous retrouvez votre bac à sable, votre feuille d'émargement et votre progression." }
            }
        },
    )
}

pub async fn page(session: Session, Query(p): Query<Parametres>) -> Result<Markup, AppError> {
    let csrf = jeton_csrf(&session).await?;
    Ok(formulaire(&csrf, &p.code, "", "", &[]))
}

/// Ce que le formulaire de la page « déjà inscrit » renvoie quand on confirme être une autre
/// personne : sans la case cochée, la page revient avec l'erreur.
const CHAMP_AUTRE_PERSONNE: &str = "autre_personne";

pub async fn rejoindre(
    State(etat): State<AppState>,
    session: Session,
    champs: Champs,
) -> Result<Response, AppError> {
    verifier_csrf(&session, &champs.un("csrf")).await?;
    let (code, nom, binome) = (champs.un("code"), champs.un("nom"), champs.un("binome"));
    let reprendre = champs.un("reprendre");
    if !reprendre.trim().is_empty() {
        let (c2, n2) = (code.clone(), nom.clone());
        let arrivee = etat.lire(move |c, _| classe::reprendre_sans_compte(c, &c2, &n2, &reprendre)).await?;
        session::entrer_en_classe(&session, &arrivee.participant_id, &arrivee.bac_id, None).await?;
        let csrf = jeton_csrf(&session).await?;
        return Ok(bienvenue(&csrf, &arrivee, false, true).into_response());
    }
    let autre_personne = champs.un(CHAMP_AUTRE_PERSONNE) == "oui";
    let (c2, n2, b2) = (code.clone(), nom.clone(), binome.clone());
    let resultat = etat
        .ecrire_saisie(move |tx, h| {
            classe::rejoindre_sans_doublon(tx, &c2, &n2, Some(&b2), autre_personne, h)
        })
        .await?;
    let arrivee = match resultat {
        Ok(Entree::Arrivee(a)) => a,
        Ok(Entree::DejaInscrit { classe, nom, homonymes }) => {
            let csrf = jeton_csrf(&session).await?;
            // Venu du formulaire « autre personne » sans cocher la case : on le lui dit.
            let anomalies = if champs.un("homonyme") == "1" {
                vec![Anomalie::champ(
                    CHAMP_AUTRE_PERSONNE,
                    "HOMONYME",
                    "Cochez la case pour confirmer que vous êtes une autre personne, ou ajoutez une initiale à votre nom.",
                )]
            } else {
                Vec::new()
            };
            let statut = if anomalies.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
            let page = deja_inscrit(&csrf, (&code, &binome), (&classe.titre, &nom), &homonymes, &anomalies);
            return Ok((statut, page).into_response());
        }
        Err(anomalies) => {
            let csrf = jeton_csrf(&session).await?;
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                formulaire(&csrf, &code, &nom, &binome, &anomalies),
            )
                .into_response());
        }
    };
    let utilisateur = arrivee.compte.as_ref().map(|(u, _)| u.id.as_str());
    session::entrer_en_classe(&session, &arrivee.participant_id, &arrivee.bac_id, utilisateur).await?;
    let csrf = jeton_csrf(&session).await?;
    let partage = !binome.trim().is_empty();
    Ok(bienvenue(&csrf, &arrivee, partage, false).into_response())
}

/// La page d'arrivée dans la classe ; `repris` : le stagiaire retrouve sa place sur un autre
/// poste (il n'avait pas encore de compte).
fn bienvenue(csrf: &str, arrivee: &Arrivee, partage: bool, repris: bool) -> Markup {
    gabarit(
        "Bienvenue",
        Some(csrf),
        None,
        html! {
            div.carte.carte-etroite {
                @if repris {
                    h1 { "Vous retrouvez votre place dans la classe" }
                } @else {
                    h1 { "Bienvenue dans la classe" }
                }
                p.chapeau { (arrivee.classe.titre) }
                @if let Some((u, mot_de_passe)) = &arrivee.compte {
                    div.alerte.alerte-info role="status" {
                        p { "Votre compte d'entraînement est prêt. Notez ces identifiants : ils vous serviront à vous reconnecter, depuis ce poste ou un autre. Votre formateur peut aussi vous les imprimer sur une carte." }
                        dl.fiche {
                            dt { "Identifiant de connexion" } dd { code #identifiant-classe { (u.email) } }
                            dt { "Mot de passe" } dd { code #mot-de-passe-classe { (mot_de_passe) } }
                        }
                    }
                    @if partage {
                        p { "Vous partagez l'entreprise de votre binôme. Première étape : demandez à vous rattacher à sa structure ; il validera votre demande depuis « Approbations »." }
                    }
                    p { a.bouton.bouton-principal href="/" { "Entrer dans le portail" } }
                } @else {
                    @if arrivee.classe.depart == Depart::CreationDuCompte {
                        p { "Première étape, comme sur le vrai portail : créez votre compte. Le message d'activation arrivera dans la messagerie de ce poste." }
                        p { a.bouton.bouton-principal href="/compte/creer" { "Créer mon compte" } }
                    }
                }
                p { a href="/emargement" { "Signer la feuille d'émargement" } }
                p.aide { "Votre code de binôme, à donner à un collègue qui doit rejoindre votre entreprise : " strong.code-classe #code-binome { (arrivee.code_binome) } }
            }
        },
    )
}

/// Le nom tapé figure déjà dans la classe : reprendre sa place, ou rejoindre comme une autre
/// personne du même nom (case à cocher explicite).
fn deja_inscrit(
    csrf: &str,
    (code, binome): (&str, &str),
    (titre, nom): (&str, &str),
    homonymes: &[Homonyme],
    anomalies: &[Anomalie],
) -> Markup {
    let en_erreur = !anomalies.is_empty();
    gabarit(
        "Déjà inscrit dans la classe ?",
        Some(csrf),
        None,
        html! {
            div.carte.carte-etroite #deja-inscrit {
                h1 { "Vous êtes peut-être déjà inscrit" }
                p.chapeau {
                    @for (i, h) in homonymes.iter().enumerate() { @if i > 0 { ", " } "« " (h.nom) " »" }
                    " figure déjà parmi les stagiaires de la classe « " (titre) " »."
                }
                (resume_anomalies("Pour rejoindre la classe comme une autre personne :", anomalies))
                section {
                    h2 { "C'est vous ? Reprenez votre place" }
                    p { "Vous retrouvez votre bac à sable, votre feuille d'émargement et votre progression là où vous les avez laissés, sur n'importe quel poste." }
                    @for h in homonymes {
                        @if let Some(identifiant) = h.identifiants.first() {
                            p {
                                "Reconnectez-vous avec votre identifiant de classe " code { (identifiant) }
                                " et votre mot de passe (noté à votre arrivée, ou sur la carte remise par le formateur)."
                            }
                            p { a.bouton.bouton-principal href={ "/connexion?identifiant=" (format::parametre_url(identifiant)) } { "Me reconnecter" } }
                        } @else {
                            form method="post" action="/rejoindre" {
                                (champ_csrf(csrf))
                                input type="hidden" name="code" value=(code);
                                input type="hidden" name="nom" value=(nom);
                                input type="hidden" name="reprendre" value=(h.participant_id);
                                p { (h.nom) " n'a pas encore créé son compte." }
                                button.bouton.bouton-principal type="submit" { "C'est moi : reprendre ma place" }
                            }
                        }
                    }
                    p.aide { "Mot de passe oublié ? Votre formateur vous en donne un nouveau." }
                }
                section {
                    h2 { "Vous êtes une autre personne du même nom ?" }
                    form method="post" action="/rejoindre" novalidate {
                        (champ_csrf(csrf))
                        input type="hidden" name="code" value=(code);
                        input type="hidden" name="binome" value=(binome);
                        input type="hidden" name="homonyme" value="1";
                        (champ_texte(anomalies, "nom", "Votre prénom et votre nom", nom, true, Some("Ajoutez une initiale si vous le souhaitez, pour que le formateur vous distingue sur la feuille d'émargement."), ("text", regles::NOM_STAGIAIRE_LONGUEUR_MAX)))
                        div class={ "champ" @if en_erreur { " champ-en-erreur" } } {
                            @if en_erreur {
                                p.message-erreur #autre_personne-erreur { @for a in anomalies { (a.message) " " } }
                            }
                            label.choix {
                                input #autre_personne type="checkbox" name=(CHAMP_AUTRE_PERSONNE) value="oui"
                                    aria-invalid=[en_erreur.then_some("true")]
                                    aria-describedby=[en_erreur.then_some("autre_personne-erreur")];
                                " Je confirme être une autre personne que le stagiaire déjà inscrit sous ce nom"
                            }
                        }
                        button.bouton type="submit" { "Rejoindre la classe comme nouveau stagiaire" }
                    }
                }
            }
        },
    )
}
