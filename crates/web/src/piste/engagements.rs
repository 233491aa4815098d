//! `engagementsJuridiques/v1/rechercher` : les engagements juridiques (bons de commande,
//! marchés) des acheteurs publics, qu'un connecteur vérifie avant d'adresser sa facture
//! (`references.numeroBonCommande`). Ce sont les commandes livrées avec le simulateur
//! (`fixtures/engagements-formation.csv`), celles que citent les scénarios.

use axum::extract::State;
use chorus_store::{engagement, piste};
use serde_json::{Value, json};

use super::acces::AppelPiste;
use super::factures::montant;
use super::reponse::{Resultat, page_de, pagination, succes, texte_facultatif};
use crate::api::client::CorpsJson;
use crate::etat::AppState;

/// La structure réceptrice demandée : son `idStructureCPP` (un nombre, ou un nombre en texte)
/// ou son SIRET.
fn structure_demandee(corps: &Value) -> Option<String> {
    let texte = match corps.get("structureReceptriceEngagementJuridique")? {
        Value::Number(n) => return n.as_i64().and_then(piste::identifiant_de_l_id_cpp),
        Value::String(s) if !s.trim().is_empty() => s.trim(),
        _ => return None,
    };
    match texte.parse::<i64>() {
        Ok(n) if texte.len() != 14 => piste::identifiant_de_l_id_cpp(n),
        _ => Some(texte.to_string()),
    }
}

/// `rechercher` : `structureReceptriceEngagementJuridique`, `numeroEngagementJuridique`,
/// `etatCourantEngagementJuridique` (COMMANDE), `parametresRechercherEngagementJuridique{…}` ;
/// chaque critère absent ne filtre pas. Choix du simulateur : aucune commande trouvée rend une
/// liste vide avec `codeRetour` 0 (la réponse du vrai service dans ce cas n'est pas publiée).
pub async fn rechercher(
    State(etat): State<AppState>,
    _appel: AppelPiste,
    CorpsJson(corps): CorpsJson,
) -> Resultat {
    let criteres = engagement::Criteres {
        structure: structure_demandee(&corps),
        numero: texte_facultatif(&corps, "numeroEngagementJuridique"),
        etat: texte_facultatif(&corps, "etatCourantEngagementJuridique"),
    };
    let demandee =
        pagination(corps.get("parametresRechercherEngagementJuridique").or(corps.get("parametres")));
    let trouves = etat.lire(move |c, _| engagement::rechercher(c, &criteres)).await?;
    let (_, page, retour) = page_de(&trouves, demandee);
    let liste: Vec<Value> = page
        .iter()
        .map(|e| {
            json!({
                "idEngagementJuridique": e.id,
                "numeroEngagementJuridique": e.numero,
                "structureReceptrice": e.structure,
                "statutStructureReceptrice": if e.structure_active { "ACTIF" } else { "INACTIF" },
                "codeServiceExecutant": Some(&e.code_service).filter(|c| !c.is_empty()),
                "libelleTypeEngagementJuridique": e.type_engagement,
                "libelleEtatCourantEJ": e.etat,
                "dateCreationEJ": e.date_creation,
                "montantTotalHt": Some(&e.montant_ht).filter(|m| !m.is_empty()).map(|m| montant(m)),
                "montantTotalTtc": Some(&e.montant_ttc).filter(|m| !m.is_empty()).map(|m| montant(m)),
                "objetEngagementJuridique": e.objet,
            })
        })
        .collect();
    Ok(succes(json!({ "listeEngagementJuridique": liste, "parametresRetour": retour })))
}
