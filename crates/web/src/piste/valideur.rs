//! `factures/v1` côté valideur (A9, A12) : les factures que la structure du compte technique a
//! à valider, la réponse du valideur (`traiter/factureAValider`), la liste des motifs de refus.
//! Le même cas d'usage que « Factures à valider » sur le portail (`validation::repondre`).
//! Choix du simulateur : par l'API, un valideur ne voit que les factures de son propre bac (sur
//! le portail, en classe, il voit aussi celles des autres stagiaires qui le désignent).

use axum::extract::State;
use chorus_domain::validation::{MOTIFS_REFUS, MotifRefus, Reponse};
use chorus_store::journal::{Coup, Joueur};
use chorus_store::{bac, facture, validation};
use serde_json::{Value, json};

use super::acces::AppelPiste;
use super::factures::montant;
use super::reponse::{ErreurPiste, Resultat, entier, page_de, pagination, succes};
use crate::api::client::CorpsJson;
use crate::etat::AppState;

/// Le SIRET de la structure du compte technique : celle qui valide.
async fn siret_du_compte(etat: &AppState, appel: &AppelPiste) -> Result<String, ErreurPiste> {
    let (b, s) = (appel.bac_id.clone(), appel.structure_id.clone());
    Ok(etat.lire(move |c, _| Ok(bac::structure_fournisseur(c, &b, &s)?.identifiant)).await?)
}

/// `rechercher/valideur` : les factures dont la structure est valideur, les plus récentes
/// d'abord ; `statutCourant` filtre.
pub async fn rechercher(
    State(etat): State<AppState>,
    appel: AppelPiste,
    CorpsJson(corps): CorpsJson,
) -> Resultat {
    let siret = siret_du_compte(&etat, &appel).await?;
    let statuts = super::factures::statuts_demandes(&corps);
    let bac_id = appel.bac_id.clone();
    let toutes = etat.lire(move |c, _| validation::factures_a_valider(c, &bac_id, &siret)).await?;
    let retenues: Vec<_> = toutes
        .into_iter()
        .filter(|f| f.bac_id == appel.bac_id)
        .filter(|f| statuts.is_empty() || statuts.iter().any(|s| s == f.statut.code()))
        .collect();
    let demandee =
        pagination(corps.get("paramRecherche").or_else(|| corps.get("rechercheFactureParValideur")));
    let (_, page, retour) = page_de(&retenues, demandee);
    let liste: Vec<Value> = page
        .iter()
        .map(|f| {
            json!({
                "idFacture": f.ordre,
                "numeroFacture": f.numero,
                "statut": f.statut.code(),
                "cadreFacturation": f.cadre.code(),
                "codeFournisseur": f.identifiant_fournisseur,
                "designationFournisseur": f.fournisseur,
                "niveauValidation": f.niveau,
                "aTraiter": f.a_traiter,
                "dateDepot": f.date_depot,
                "dateHeureEtatCourant": f.date_statut.and_time(chrono::NaiveTime::MIN),
                "montantTTC": montant(&f.total_ttc.to_string()),
            })
        })
        .collect();
    Ok(succes(json!({ "listeFactures": liste, "parametresRetour": retour })))
}

/// Le motif de refus donné (`motifRefus`) : son code, son libellé ou son `idMotif`.
fn motif_donne(corps: &Value) -> Option<&'static MotifRefus> {
    let donne = match corps.get("motifRefus")? {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    MOTIFS_REFUS.iter().find(|m| m.code == donne || m.libelle == donne || m.id.to_string() == donne)
}

/// `traiter/factureAValider` : `action` VALIDATION ou REFUS (avec `motifRefus`, et
/// `complementInfo` quand le motif l'exige).
pub async fn traiter(
    State(etat): State<AppState>,
    appel: AppelPiste,
    CorpsJson(corps): CorpsJson,
) -> Resultat {
    let identifiant = entier(&corps, &["idFacture", "identifiantFactureCPP"])
        .ok_or_else(|| ErreurPiste::refus("Le champ « idFacture » (un nombre entier) est obligatoire."))?;
    let action = corps.get("action").and_then(Value::as_str).map(str::trim).unwrap_or_default().to_string();
    let reponse = match action.as_str() {
        "VALIDATION" => Reponse::Valider { second_valideur: None },
        "REFUS" => {
            let motif = motif_donne(&corps).ok_or_else(|| {
                ErreurPiste::refus(
                    "Le champ « motifRefus » doit être l'un des motifs de « recuperer/motifs/refus/factureAValider ».",
                )
            })?;
            let precision =
                corps.get("complementInfo").and_then(Value::as_str).unwrap_or_default().to_string();
            Reponse::Refuser { motif, precision }
        }
        _ => return Err(ErreurPiste::refus("Le champ « action » vaut VALIDATION ou REFUS.")),
    };
    let siret = siret_du_compte(&etat, &appel).await?;
    let bac_id = appel.bac_id.clone();
    let (numero, statut, date) = etat
        .ecrire(move |tx, h| {
            let id = chorus_store::piste::facture_du_bac(tx, &bac_id, identifiant)?
                .ok_or(chorus_store::Erreur::Introuvable("facture"))?;
            let (_, niveau, _) = validation::facture_a_valider(tx, &bac_id, &siret, &id)?;
            let date = bac::bac(tx, &bac_id)?.date_simulee(h);
            let coup = Coup { joueur: Joueur::Connecteur, date, regle: None };
            validation::repondre(tx, &bac_id, &id, niveau, &reponse, coup, h)?;
            let f = facture::charger(tx, &bac_id, &id)?;
            Ok((f.facture.numero, f.statut, date))
        })
        .await?;
    Ok(succes(json!({
        "idFacture": identifiant,
        "numeroFacture": numero,
        "statutFacture": statut.code(),
        "dateTraitement": date,
    })))
}

/// `recuperer/motifs/refus/factureAValider` : les motifs qu'un valideur peut donner.
pub async fn motifs_de_refus(_appel: AppelPiste) -> Resultat {
    let liste: Vec<Value> = MOTIFS_REFUS
        .iter()
        .map(|m| json!({ "idMotif": m.id, "codeMotif": m.code, "libelleMotif": m.libelle }))
        .collect();
    Ok(succes(json!({ "listeMotifRefusFactureAValider": liste })))
}
