//! Les bacs à sable par l'API : en créer un (pratique libre), le lire, avancer son horloge, le
//! remettre au point de départ. Chaque route vérifie, dans le stockage, que le bac est celui
//! d'une classe du formateur appelant : sinon 404, qu'il existe ou non.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chorus_domain::scenario::Mode;
use chorus_store::{bac, scenario, simulation};
use serde_json::{Value, json};

use super::client::{ClientApi, CorpsJson};
use super::lecture::Objet;
use crate::erreur::{AppError, ErreurApi};
use crate::etat::AppState;
use chorus_store::depart;
use chorus_store::moteur;

type Reponse = Result<(StatusCode, Json<Value>), ErreurApi>;

const EXEMPLE_CREATION: &str = r#"{"stagiaire": "Camille Martin", "scenario": null}"#;

/// `POST /api/sim/v1/bacs`
pub async fn creer(State(etat): State<AppState>, client: ClientApi, CorpsJson(corps): CorpsJson) -> Reponse {
    let corps = Objet::racine(&corps, EXEMPLE_CREATION)?;
    // Un exercice du catalogue (`scenario`, dans le mode `mode`), ou la pratique libre (null).
    let exercice = match corps.texte("scenario")?.trim() {
        "" => None,
        id => {
            let s = etat.catalogue.scenario(id).ok_or_else(|| {
                let connus: Vec<String> = etat.catalogue.scenarios().iter().map(|s| s.id.clone()).collect();
                AppError::Requete(format!(
                    "Le scénario « {id} » n'existe pas. Scénarios disponibles : {}",
                    connus.join(", ")
                ))
            })?;
            let mode = match corps.texte("mode")?.trim() {
                "" => Mode::Entrainement,
                m => Mode::depuis_code(m).ok_or_else(|| {
                    AppError::Requete(format!(
                        "Le mode « {m} » n'existe pas : decouverte, entrainement ou evaluation"
                    ))
                })?,
            };
            Some((s, mode))
        }
    };
    let stagiaire = corps.texte_requis("stagiaire", "le nom du stagiaire, par exemple « Camille Martin »")?;
    let code_classe = Some(corps.texte("codeClasse")?).filter(|c| !c.trim().is_empty());
    let formateur_id = client.formateur.id;
    let commence = exercice.as_ref().map(|(s, m)| json!({ "id": s.id, "titre": s.titre, "mode": m.code() }));
    let b = etat
        .ecrire(move |tx, h| {
            let b = simulation::creer_bac(tx, &formateur_id, code_classe.as_deref(), &stagiaire, h)?;
            // De quoi brancher un connecteur sur ce bac tout de suite (API Chorus Pro) : le compte
            // technique de sa structure et l'application PISTE du bac.
            let mot_de_passe = chorus_store::formateur::mot_de_passe_aleatoire();
            let compte = chorus_store::raccordement::definir_compte_technique(
                tx,
                &b.arrivee.bac_id,
                &b.structure.id,
                &mot_de_passe,
                &mot_de_passe,
                h,
            )?;
            let application = chorus_store::piste::renouveler(tx, &b.arrivee.bac_id, h)?;
            if let Some((s, mode)) = &exercice {
                scenario::commencer(tx, &b.arrivee.bac_id, (s, *mode), Some(&b.structure.id), h)?;
            }
            Ok((
                b,
                json!({
                    "clientId": application.client_id,
                    "clientSecret": application.client_secret,
                    "login": compte.identifiant,
                    "motDePasse": mot_de_passe,
                }),
            ))
        })
        .await?;
    let (b, api) = b;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "idBac": b.arrivee.bac_id,
            "dateSimulee": b.date_simulee,
            "connexion": { "identifiant": b.identifiant, "motDePasse": b.mot_de_passe },
            "structure": { "siret": b.structure.identifiant, "raisonSociale": b.structure.raison_sociale },
            "classe": { "code": b.arrivee.classe.code, "titre": b.arrivee.classe.titre },
            "scenario": commence,
            "api": api,
        })),
    ))
}

/// `GET /api/sim/v1/bacs/{idBac}`
pub async fn lire(State(etat): State<AppState>, client: ClientApi, Path(id_bac): Path<String>) -> Reponse {
    let formateur_id = client.formateur.id;
    let s = etat.lire(move |c, h| simulation::synthese(c, &formateur_id, &id_bac, h)).await?;
    let par_statut: serde_json::Map<String, Value> =
        s.par_statut.iter().map(|(statut, n)| (statut.code().to_string(), json!(n))).collect();
    let total: usize = s.par_statut.iter().map(|(_, n)| n).sum();
    Ok((
        StatusCode::OK,
        Json(json!({
            "idBac": s.bac.id,
            "libelle": s.bac.libelle,
            "dateSimulee": s.date_simulee,
            "decalageJours": s.bac.decalage_jours,
            "doubleAuthentification": s.bac.double_authentification,
            "classe": { "code": s.classe.code, "titre": s.classe.titre },
            "stagiaires": s.stagiaires,
            "structure": s.structure.map(|st| json!({ "siret": st.identifiant, "raisonSociale": st.raison_sociale })),
            "factures": { "total": total, "parStatut": par_statut, "aReprendre": s.a_reprendre },
        })),
    ))
}

/// `POST /api/sim/v1/bacs/{idBac}/horloge`
pub async fn avancer(
    State(etat): State<AppState>,
    client: ClientApi,
    Path(id_bac): Path<String>,
    CorpsJson(corps): CorpsJson,
) -> Reponse {
    let corps = Objet::racine(&corps, r#"{"avancerJours": 30}"#)?;
    let jours = corps.entier("avancerJours")?.ok_or_else(|| {
        AppError::Requete(format!(
            "Le champ « avancerJours » est obligatoire : le nombre de jours dont avancer l'horloge, de 1 à {}",
            moteur::AVANCE_MAX_JOURS
        ))
    })?;
    let formateur_id = client.formateur.id;
    let date = etat
        .ecrire(move |tx, h| {
            simulation::bac_du_formateur(tx, &formateur_id, &id_bac)?;
            moteur::avancer(tx, &id_bac, jours, h)
        })
        .await?;
    Ok((StatusCode::OK, Json(json!({ "dateSimulee": date }))))
}

/// `POST /api/sim/v1/bacs/{idBac}/reinitialiser`
pub async fn reinitialiser(
    State(etat): State<AppState>,
    client: ClientApi,
    Path(id_bac): Path<String>,
    CorpsJson(corps): CorpsJson,
) -> Reponse {
    Objet::facultatif(&corps)?;
    let formateur_id = client.formateur.id;
    let date = etat
        .ecrire(move |tx, h| {
            simulation::bac_du_formateur(tx, &formateur_id, &id_bac)?;
            depart::reinitialiser(tx, &id_bac)?;
            Ok(bac::bac(tx, &id_bac)?.date_simulee(h))
        })
        .await?;
    Ok((StatusCode::OK, Json(json!({ "dateSimulee": date }))))
}
