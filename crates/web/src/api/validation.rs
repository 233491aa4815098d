//! La validation des factures de sous-traitant (A9) et de cotraitant (A12) par l'API : faire
//! répondre un valideur (le service `traiter/factureAValider` de Chorus Pro : `action`
//! `VALIDATION` ou `REFUS`, `motifRefus`, `complementInfo`), corriger le valideur d'une facture
//! comme le fournisseur (`corriger/valideur/facture`), et lire la liste des motifs de refus
//! (`recuperer/motifs/refus/Facture/AValider`). Les mêmes cas d'usage que le portail.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chorus_domain::validation::{MOTIFS_REFUS, MotifRefus, Reponse};
use chorus_store::journal::{Coup, Joueur};
use chorus_store::{facture, simulation, validation};
use serde_json::{Value, json};

use super::client::{ClientApi, CorpsJson};
use super::lecture::Objet;
use crate::erreur::{AppError, ErreurApi};
use crate::etat::AppState;

type ReponseApi = Result<(StatusCode, Json<Value>), ErreurApi>;

const LIBELLE_SUCCES: &str = "TRA_MSG_00.000";

/// `GET /api/sim/v1/motifs-refus` : les motifs qu'un valideur peut donner à un refus.
pub async fn motifs(_client: ClientApi) -> ReponseApi {
    let liste: Vec<Value> = MOTIFS_REFUS
        .iter()
        .map(|m| {
            json!({
                "idMotif": m.id,
                "codeMotif": m.code,
                "libelleMotif": m.libelle,
                "erreurDeValideur": m.erreur_de_valideur,
                "precisionObligatoire": m.precision_obligatoire,
            })
        })
        .collect();
    Ok((
        StatusCode::OK,
        Json(json!({ "codeRetour": 0, "libelle": LIBELLE_SUCCES, "listeMotifRefusFactureAValider": liste })),
    ))
}

/// Le motif d'un refus, par son code (`codeMotif`) ou son numéro (`idMotif`).
fn motif(valeur: &str) -> Result<&'static MotifRefus, AppError> {
    let valeur = valeur.trim();
    MotifRefus::depuis_code(valeur)
        .or_else(|| valeur.parse::<u32>().ok().and_then(|id| MOTIFS_REFUS.iter().find(|m| m.id == id)))
        .ok_or_else(|| {
            AppError::Requete(format!(
                "« motifRefus » : « {valeur} » n'est pas un motif de la liste ({}) ; voir GET /api/sim/v1/motifs-refus",
                MOTIFS_REFUS.iter().map(|m| m.code).collect::<Vec<_>>().join(", ")
            ))
        })
}

/// `POST …/factures/{idFacture}/traiter-a-valider` : le valideur que la facture attend répond.
pub async fn traiter_a_valider(
    State(etat): State<AppState>,
    client: ClientApi,
    Path((id_bac, id_facture)): Path<(String, String)>,
    CorpsJson(corps): CorpsJson,
) -> ReponseApi {
    let corps = Objet::racine(
        &corps,
        r#"{"action": "REFUS", "motifRefus": "MONTANT_NON_CONFORME", "complementInfo": "…"}"#,
    )?;
    let action = corps.texte_requis("action", "« VALIDATION » ou « REFUS »")?;
    let reponse = match action.trim() {
        "VALIDATION" => Reponse::Valider { second_valideur: Some(corps.texte("codeSecondValideur")?) },
        "REFUS" => Reponse::Refuser {
            motif: motif(&corps.texte_ou_nombre_requis("motifRefus", "le code du motif de refus")?)?,
            precision: corps.texte("complementInfo")?,
        },
        autre => {
            return Err(AppError::Requete(format!(
                "« action » : « {autre} » n'est pas une action du valideur ; donnez « VALIDATION » ou « REFUS »"
            ))
            .into());
        }
    };
    let formateur_id = client.formateur.id;
    let (f, date) = etat
        .ecrire(move |tx, h| {
            let bac = simulation::bac_du_formateur(tx, &formateur_id, &id_bac)?;
            let f = facture::charger(tx, &id_bac, &id_facture)?;
            let Some((niveau, _)) = validation::valideur_attendu(&f) else {
                return Err(chorus_store::Erreur::Conflit(format!(
                    "La facture n'attend pas de validation (statut « {} »).",
                    f.statut.libelle()
                )));
            };
            let date = bac.date_simulee(h);
            let coup = Coup { joueur: Joueur::Api, date, regle: None };
            validation::repondre(tx, &id_bac, &id_facture, niveau, &reponse, coup, h)?;
            Ok((facture::charger(tx, &id_bac, &id_facture)?, date))
        })
        .await?;
    Ok((
        StatusCode::OK,
        Json(json!({
            "codeRetour": 0,
            "libelle": LIBELLE_SUCCES,
            "idFacture": f.id,
            "numeroFacture": f.facture.numero,
            "statutFacture": f.statut.code(),
            "dateTraitement": date,
        })),
    ))
}

/// `POST …/factures/{idFacture}/corriger-valideur` : le fournisseur désigne un autre valideur
/// après une erreur de valideur (`identifiantStructure`, facultativement `codeServiceValideur`).
pub async fn corriger_valideur(
    State(etat): State<AppState>,
    client: ClientApi,
    Path((id_bac, id_facture)): Path<(String, String)>,
    CorpsJson(corps): CorpsJson,
) -> ReponseApi {
    let corps = Objet::racine(
        &corps,
        r#"{"identifiantStructure": "62211306600055", "typeIdentifiantStructure": "SIRET"}"#,
    )?;
    let siret = corps.texte_requis("identifiantStructure", "le SIRET du nouveau valideur")?;
    let type_identifiant = corps.texte("typeIdentifiantStructure")?;
    if !type_identifiant.trim().is_empty() && type_identifiant.trim() != "SIRET" {
        return Err(AppError::Requete(
            "« typeIdentifiantStructure » : un valideur est une entreprise identifiée par son SIRET".into(),
        )
        .into());
    }
    let service = corps.texte("codeServiceValideur")?;
    let formateur_id = client.formateur.id;
    let issue = etat
        .ecrire(move |tx, h| {
            simulation::bac_du_formateur(tx, &formateur_id, &id_bac)?;
            let f = facture::charger(tx, &id_bac, &id_facture)?;
            let issue = validation::corriger_valideur(
                tx,
                &id_bac,
                &f.structure_id,
                &id_facture,
                (&siret, &service),
                h,
            )?;
            Ok((issue, facture::charger(tx, &id_bac, &id_facture)?))
        })
        .await?;
    match issue {
        (Ok(()), f) => Ok((
            StatusCode::OK,
            Json(json!({
                "codeRetour": 0,
                "libelle": LIBELLE_SUCCES,
                "idFacture": f.id,
                "numeroFacture": f.facture.numero,
                "statutFacture": f.statut.code(),
            })),
        )),
        (Err(anomalies), _) => {
            Err(AppError::Requete(anomalies.iter().map(|a| a.message.as_str()).collect::<Vec<_>>().join(" "))
                .into())
        }
    }
}
