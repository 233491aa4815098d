//! Première connexion : créer sa structure (ou, si elle existe déjà, se rattacher). Le SIRET
//! est vérifié comme Chorus Pro le vérifie auprès de l'INSEE, ici dans le registre fictif.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chorus_domain::Anomalie;
use chorus_domain::creation_structure::{self, Identite, Verdict};
use chorus_domain::identifiant;
use chorus_domain::structure::TypeIdentifiant;
use chorus_store::{reference, structure};
use maud::{Markup, html};

use super::{champ_csrf, champ_texte, gabarit, resume_anomalies};
use crate::erreur::AppError;
use crate::etat::AppState;
use crate::formulaire::Champs;
use crate::session::{Connecte, verifier_csrf};

#[derive(Default, Clone)]
struct Saisie {
    type_identifiant: String,
    identifiant: String,
    raison_sociale: String,
    adresse: String,
    code_postal: String,
    ville: String,
    non_verifie_accepte: bool,
}

fn type_depuis(code: &str) -> Option<TypeIdentifiant> {
    TypeIdentifiant::TOUS.into_iter().find(|t| t.code_api() == code)
}

/// Une structure existante à laquelle on peut demander à se rattacher : (id, libellé).
type Rattachable = Option<(String, String)>;

fn page(
    c: &Connecte,
    s: &Saisie,
    anomalies: &[Anomalie],
    proposer_non_verifie: bool,
    rattachable: Rattachable,
    demandes: Markup,
) -> Markup {
    let choisi = type_depuis(&s.type_identifiant).unwrap_or(TypeIdentifiant::Siret);
    gabarit(
        "Créer une structure",
        Some(&c.csrf),
        None,
        html! {
            div.carte {
                h1 { "Créer votre structure" }
                p.chapeau {
                    "Bienvenue " (c.utilisateur.prenom) " " (c.utilisateur.nom) ". Pour déposer des factures, votre compte doit être "
                    "rattaché à la structure (l'entreprise) qui les émet. Si elle n'existe pas encore dans Chorus Pro, vous la créez "
                    "et vous en devenez le gestionnaire principal."
                }
                (demandes)
                (resume_anomalies("La structure ne peut pas être créée :", anomalies))
                @if let Some((id, libelle)) = &rattachable {
                    form.alerte.alerte-info method="post" action="/structure/rattacher" {
                        (champ_csrf(&c.csrf))
                        input type="hidden" name="structure" value=(id);
                        p { "Vous travaillez pour " strong { (libelle) } " ? Demandez à son gestionnaire principal de vous y rattacher." }
                        button.bouton.bouton-principal type="submit" { "Demander le rattachement" }
                    }
                }
                form method="post" action="/structure/creer" novalidate {
                    (champ_csrf(&c.csrf))
                    div.champ {
                        label for="type_identifiant" { "Type d'identifiant" span.obligatoire { " *" } }
                        select #type_identifiant name="type_identifiant" {
                            @for t in TypeIdentifiant::TOUS {
                                option value=(t.code_api()) selected[t == choisi] { (t.libelle()) }
                            }
                        }
                    }
                    (champ_texte(anomalies, "identifiant", "Identifiant", &s.identifiant, false,
                        Some(identifiant::exemple(choisi)), ("text", 40)))
                    p.aide { "Formats des identifiants autres que le SIRET : " (crate::pages::cours::marque_choix(chorus_domain::choix_simulateur::ChoixSimulateur::IdentifiantsHorsSiret)) }
                    p.aide { "Pour un SIRET, la raison sociale et l'adresse sont reprises du répertoire des entreprises : laissez-les vides." }
                    (champ_texte(anomalies, "raison_sociale", "Raison sociale (ou nom et prénom)", &s.raison_sociale, false, None, ("text", 100)))
                    (champ_texte(anomalies, "adresse", "Adresse", &s.adresse, false, None, ("text", 200)))
                    (champ_texte(anomalies, "code_postal", "Code postal", &s.code_postal, false, None, ("text", 10)))
                    (champ_texte(anomalies, "ville", "Ville", &s.ville, false, None, ("text", 100)))
                    @if proposer_non_verifie {
                        div.champ {
                            input #non_verifie type="checkbox" name="non_verifie" value="oui" checked[s.non_verifie_accepte];
                            label for="non_verifie" {
                                " Il s'agit de ma propre entreprise, réelle : je l'utilise pour m'entraîner. "
                                "Le simulateur ne peut pas interroger l'INSEE : la structure sera marquée « non vérifiée »."
                            }
                        }
                    }
                    button.bouton.bouton-principal type="submit" { "Créer la structure" }
                }
            }
        },
    )
}

pub async fn formulaire(State(etat): State<AppState>, connecte: Connecte) -> Result<Markup, AppError> {
    let demandes = super::rattachement::mes_demandes(&etat, &connecte).await?;
    Ok(page(&connecte, &Saisie::default(), &[], false, None, demandes))
}

pub async fn creer(
    State(etat): State<AppState>,
    connecte: Connecte,
    champs: Champs,
) -> Result<Response, AppError> {
    verifier_csrf(&connecte.session, &champs.un("csrf")).await?;
    let mut s = Saisie {
        type_identifiant: champs.un("type_identifiant"),
        identifiant: champs.un("identifiant"),
        raison_sociale: champs.un("raison_sociale").trim().to_string(),
        adresse: champs.un("adresse").trim().to_string(),
        code_postal: champs.un("code_postal").trim().to_string(),
        ville: champs.un("ville").trim().to_string(),
        non_verifie_accepte: champs.un("non_verifie") == "oui",
    };
    let refus = |s: &Saisie, a: Vec<Anomalie>, proposer: bool| {
        Ok((StatusCode::UNPROCESSABLE_ENTITY, page(&connecte, s, &a, proposer, None, html! {}))
            .into_response())
    };
    let Some(t) = type_depuis(&s.type_identifiant) else {
        return refus(
            &s,
            vec![Anomalie::champ(
                "type_identifiant",
                "TYPE_INCONNU",
                "Choisissez un type d'identifiant dans la liste.",
            )],
            false,
        );
    };
    let normalise = match identifiant::controler_identifiant(t, &s.identifiant) {
        Ok(n) => n,
        Err(m) => return refus(&s, vec![Anomalie::champ("identifiant", "IDENTIFIANT_INVALIDE", m)], false),
    };
    let bac_id = connecte.bac.id.clone();
    let n = normalise.clone();
    let (existante, registre) = etat
        .lire(move |c, _| {
            let existante = if n.is_empty() { None } else { structure::par_identifiant(c, &bac_id, &n)? };
            // Le registre fictif tient lieu de la base SIRENE de l'INSEE.
            let registre = if t == TypeIdentifiant::Siret { reference::entreprise(c, &n)? } else { None };
            Ok((existante, registre))
        })
        .await?;
    if let Some(ex) = existante {
        let rattachable = Some((ex.id.clone(), format!("{} ({})", ex.raison_sociale, ex.identifiant)));
        let anomalies = vec![Anomalie::champ(
            "identifiant",
            "STRUCTURE_EXISTANTE",
            format!(
                "La structure {} ({}) existe déjà dans Chorus Pro : vous ne pouvez pas la créer une seconde fois. \
                     Demandez à son gestionnaire principal de vous y rattacher.",
                ex.raison_sociale, ex.identifiant
            ),
        )];
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            page(&connecte, &s, &anomalies, false, rattachable, html! {}),
        )
            .into_response());
    }
    let saisie = Identite {
        raison_sociale: s.raison_sociale.clone(),
        adresse: s.adresse.clone(),
        code_postal: s.code_postal.clone(),
        ville: s.ville.clone(),
    };
    let (identite, verdict) =
        creation_structure::verifier(t, &normalise, registre.as_ref(), saisie, s.non_verifie_accepte);
    s.raison_sociale = identite.raison_sociale;
    s.adresse = identite.adresse;
    s.code_postal = identite.code_postal;
    s.ville = identite.ville;
    let verifiee = match verdict {
        Verdict::Acceptee { verifiee } => verifiee,
        Verdict::Refusee { anomalies, proposer_non_verifie } => {
            return refus(&s, anomalies, proposer_non_verifie);
        }
    };
    let bac_id = connecte.bac.id.clone();
    let uid = connecte.utilisateur.id.clone();
    let s2 = s.clone();
    etat.ecrire(move |tx, _| {
        structure::creer(
            tx,
            &bac_id,
            &uid,
            &structure::NouvelleStructure {
                type_identifiant: t,
                identifiant: &normalise,
                raison_sociale: &s2.raison_sociale,
                adresse: &s2.adresse,
                code_postal: &s2.code_postal,
                ville: &s2.ville,
                verifiee,
            },
        )
    })
    .await?;
    Ok(Redirect::to("/").into_response())
}
