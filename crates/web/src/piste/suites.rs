//! `factures/v1` : les suites que le fournisseur donne à une facture — la compléter après une
//! suspension, la recycler après « À recycler », traiter son rejet, corriger son valideur. Les
//! mêmes cas d'usage que les boutons du portail (`suivi`, `validation`).

use axum::extract::State;
use chorus_domain::suites::Acheminement;
use chorus_store::{facture, piste, suivi, validation};
use serde_json::{Value, json};

use super::acces::AppelPiste;
use super::factures::{IDENTIFIANT_FACTURE, facture_demandee};
use super::reponse::{ErreurPiste, Resultat, entier, refus_des_anomalies, succes};
use crate::api::client::CorpsJson;
use crate::etat::AppState;

fn texte(v: Option<&Value>) -> String {
    v.and_then(Value::as_str).map(str::trim).unwrap_or_default().to_string()
}

/// La réponse d'une suite réussie : la facture et son nouveau statut.
async fn reponse_facture(etat: &AppState, appel: &AppelPiste, identifiant: i64, id: String) -> Resultat {
    let bac = appel.bac_id.clone();
    let f = etat.lire(move |c, _| facture::charger(c, &bac, &id)).await?;
    Ok(succes(json!({
        "identifiantFactureCPP": identifiant,
        "numeroFacture": f.facture.numero,
        "statutFacture": f.statut.code(),
        "dateTraitement": f.date_statut,
    })))
}

/// `completer` : le complément d'une facture suspendue, par son commentaire et des pièces
/// jointes (`pieceJointeComplementaire[].pieceJointeComplementaireId`, des fichiers envoyés
/// d'abord par `ajouter/fichier`) ; une pièce inconnue laisse la facture suspendue.
pub async fn completer(
    State(etat): State<AppState>,
    appel: AppelPiste,
    CorpsJson(corps): CorpsJson,
) -> Resultat {
    let (identifiant, id) = facture_demandee(&etat, &appel, &corps, IDENTIFIANT_FACTURE).await?;
    let pieces =
        super::factures::pieces_citees(&corps, "pieceJointeComplementaire", "pieceJointeComplementaireId")?;
    let commentaire = texte(corps.get("commentaire"));
    let (bac, structure, fid) = (appel.bac_id.clone(), appel.structure_id.clone(), id.clone());
    etat.ecrire(move |tx, h| {
        if !pieces.is_empty() {
            chorus_store::piece_jointe::rattacher_fichiers_api(tx, &bac, &structure, &fid, None, &pieces)?
                .map_err(|r| chorus_store::Erreur::Invalide(r.message))?;
        }
        let complement = suivi::Complement { commentaire: &commentaire, pieces_jointes: pieces.len() };
        suivi::completer(tx, &bac, &structure, &fid, &complement, h)
    })
    .await?;
    reponse_facture(&etat, &appel, identifiant, id).await
}

/// `recycler` : une facture « À recycler » repart vers le destinataire (et le service) donnés,
/// avec son numéro ; le numéro d'engagement reste celui de la facture s'il n'est pas redonné.
pub async fn recycler(
    State(etat): State<AppState>,
    appel: AppelPiste,
    CorpsJson(corps): CorpsJson,
) -> Resultat {
    let (identifiant, id) = facture_demandee(&etat, &appel, &corps, IDENTIFIANT_FACTURE).await?;
    let destinataire = corps.get("destinataire");
    let code = texte(destinataire.and_then(|d| d.get("codeDestinataire")));
    if code.is_empty() {
        return Err(ErreurPiste::refus("Le champ « destinataire.codeDestinataire » est obligatoire."));
    }
    let service = texte(destinataire.and_then(|d| d.get("codeServiceExecutant")));
    let engagement = corps.get("references").and_then(|r| r.get("numeroBonCommande")).map(|v| texte(Some(v)));
    let commentaire = texte(corps.get("commentaire"));
    let (bac, structure, fid) = (appel.bac_id.clone(), appel.structure_id.clone(), id.clone());
    let issue = etat
        .ecrire(move |tx, h| {
            let actuel = facture::charger(tx, &bac, &fid)?;
            let a = Acheminement {
                destinataire: code,
                code_service: service,
                numero_engagement: engagement.unwrap_or(actuel.facture.numero_engagement),
            };
            suivi::recycler(tx, &bac, &structure, &fid, &a, &commentaire, h)
        })
        .await?;
    issue.map_err(|a| refus_des_anomalies("Refusé", &a))?;
    reponse_facture(&etat, &appel, identifiant, id).await
}

/// `traiterRejet` : le fournisseur indique avoir traité le rejet des factures données
/// (`listeDemandePaiement[].idDemandePaiement`) ; elles quittent sa liste de travail.
pub async fn traiter_rejet(
    State(etat): State<AppState>,
    appel: AppelPiste,
    CorpsJson(corps): CorpsJson,
) -> Resultat {
    let demandes: Vec<i64> = corps
        .get("listeDemandePaiement")
        .and_then(Value::as_array)
        .map(|l| l.iter().filter_map(|d| entier(d, &["idDemandePaiement", "idFacture"])).collect())
        .unwrap_or_default();
    if demandes.is_empty() {
        return Err(ErreurPiste::refus(
            "Le champ « listeDemandePaiement » doit donner au moins un « idDemandePaiement ».",
        ));
    }
    // Toutes les factures d'une seule lecture ; une seule inconnue, et rien n'est fait.
    let (bac, structure) = (appel.bac_id.clone(), appel.structure_id.clone());
    let ids = etat
        .lire(move |c, _| {
            let mut ids = Vec::with_capacity(demandes.len());
            for identifiant in demandes {
                match piste::facture_de_l_identifiant(c, &bac, &structure, identifiant)? {
                    Some(id) => ids.push(id),
                    None => return Ok(Err(identifiant)),
                }
            }
            Ok(Ok(ids))
        })
        .await?
        .map_err(|identifiant| {
            ErreurPiste::introuvable(format!("Facture {identifiant} introuvable pour cette structure."))
        })?;
    let (bac, structure) = (appel.bac_id.clone(), appel.structure_id.clone());
    etat.ecrire(move |tx, h| {
        for id in &ids {
            suivi::traiter_rejet(tx, &bac, &structure, id, h)?;
        }
        Ok(())
    })
    .await?;
    Ok(succes(json!({})))
}

/// `corriger/valideur/facture` : une facture refusée par son valideur pour erreur de valideur
/// repart vers le bon (`identifiantStructure`, ou l'`idStructure` de l'annuaire).
pub async fn corriger_valideur(
    State(etat): State<AppState>,
    appel: AppelPiste,
    CorpsJson(corps): CorpsJson,
) -> Resultat {
    let (identifiant, id) =
        facture_demandee(&etat, &appel, &corps, &["idFacture", "identifiantFactureCPP"]).await?;
    let siret = Some(texte(corps.get("identifiantStructure")))
        .filter(|s| !s.is_empty())
        .or_else(|| entier(&corps, &["idStructure"]).and_then(piste::identifiant_de_l_id_cpp))
        .ok_or_else(|| {
            ErreurPiste::refus("Le champ « identifiantStructure » (le SIRET du valideur) est obligatoire.")
        })?;
    let (bac, structure, fid) = (appel.bac_id.clone(), appel.structure_id.clone(), id.clone());
    let issue = etat
        .ecrire(move |tx, h| validation::corriger_valideur(tx, &bac, &structure, &fid, (&siret, ""), h))
        .await?;
    issue.map_err(|a| refus_des_anomalies("Refusé", &a))?;
    reponse_facture(&etat, &appel, identifiant, id).await
}
