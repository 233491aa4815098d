//! `facturesTravaux/v1` : retrouver les pièces de travaux (projets de décompte, états
//! d'acompte, décomptes) selon le rôle de celui qui cherche — le fournisseur qui les a
//! déposées, la maîtrise d'œuvre qui les reçoit, le maître d'ouvrage. Les mêmes listes que
//! l'espace « Factures de travaux » du portail (`travaux::dossiers_*`).

use axum::extract::State;
use chorus_store::{bac, piste, travaux};
use serde_json::{Value, json};

use super::acces::AppelPiste;
use super::factures::decimal;
use super::reponse::{Resultat, entier, page_de, pagination, succes};
use crate::api::client::CorpsJson;
use crate::etat::AppState;

/// `rechercher` : `roleUtilisateur` FOURNISSEUR (par défaut : les pièces déposées par la
/// structure du compte technique), MOE (celles que reçoit cette structure comme maîtrise
/// d'œuvre) ou MOA (celles que reçoit le maître d'ouvrage `idDestinataire` ; comme pour les
/// factures reçues, le compte technique joue les structures publiques de son bac). Aucune pièce :
/// `codeRetour` 20007 `GFT_MSG_01.075`, comme le vrai service.
pub async fn rechercher(
    State(etat): State<AppState>,
    appel: AppelPiste,
    CorpsJson(corps): CorpsJson,
) -> Resultat {
    let role = corps.get("roleUtilisateur").and_then(Value::as_str).map(str::trim).unwrap_or("FOURNISSEUR");
    if !matches!(role, "" | "FOURNISSEUR" | "MOE" | "MOA") {
        return Err(super::reponse::ErreurPiste::refus(format!(
            "« roleUtilisateur » : « {role} » ; le simulateur cherche en FOURNISSEUR, MOE ou MOA."
        )));
    }
    let role = role.to_string();
    let moa = entier(&corps, &["idDestinataire"]).and_then(piste::identifiant_de_l_id_cpp);
    let statuts = super::factures::statuts_demandes(&corps);
    let demandee = pagination(corps.get("rechercheFactureTravaux"));
    let AppelPiste { bac_id, structure_id } = appel;
    let lignes = etat
        .lire(move |c, h| {
            let siret = bac::structure_fournisseur(c, &bac_id, &structure_id)?.identifiant;
            let aujourd_hui = bac::bac(c, &bac_id)?.date_simulee(h);
            let dossiers = match role.as_str() {
                "MOE" => travaux::dossiers_de_la_moe(c, &bac_id, &siret)?,
                "MOA" => {
                    let moa = moa.ok_or(chorus_store::Erreur::Invalide(
                        "En MOA, « idDestinataire » (l'idStructureCPP du maître d'ouvrage) est obligatoire."
                            .into(),
                    ))?;
                    travaux::dossiers_de_la_moa(c, &bac_id, &moa)?
                }
                _ => travaux::dossiers_du_fournisseur(c, &bac_id, &structure_id, aujourd_hui)?,
            };
            Ok(dossiers
                .into_iter()
                .filter(|d| statuts.is_empty() || statuts.iter().any(|s| s == d.statut.code()))
                .collect::<Vec<_>>())
        })
        .await?;
    let (_, page, retour) = page_de(&lignes, demandee);
    if lignes.is_empty() {
        return Ok(axum::Json(json!({
            "codeRetour": 20007,
            "libelle": "GFT_MSG_01.075",
            "listeFacturesTravaux": [],
            "parametresRetour": retour,
        })));
    }
    let liste: Vec<Value> = page
        .iter()
        .map(|d| {
            json!({
                "idFactureTravaux": d.ordre,
                "numeroFactureTravaux": d.numero,
                "statutFactureTravaux": d.statut.code(),
                "typeFactureTravaux": d.cadre.code(),
                "dateDepot": d.date_depot,
                "dateHeureEtatCourant": d.date_statut.and_time(chrono::NaiveTime::MIN),
                "identifiantFournisseur": d.identifiant_fournisseur,
                "designationFournisseur": d.fournisseur,
                "identifiantDestinataire": d.destinataire,
                "designationDestinataire": d.maitre_ouvrage,
                "montantHT": decimal(d.montant_ht),
                "montantAdmisHT": d.montant_admis_ht.map(decimal),
                "aTraiter": d.a_traiter,
            })
        })
        .collect();
    Ok(succes(json!({ "listeFacturesTravaux": liste, "parametresRetour": retour })))
}
