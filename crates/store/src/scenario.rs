//! Le scénario en cours d'un bac à sable : le commencer (le bac repart de zéro, sans toucher
//! aux comptes ni aux structures), le quitter, lire les faits que vérifient ses objectifs.
//! L'acheteur scripté joue ses règles pendant les avancées d'horloge ([`crate::bac::avancer`]).

use std::collections::{BTreeSet, HashMap};

use chorus_domain::Statut;
use chorus_domain::scenario::{FactureFaits, Faits, Scenario};
use rusqlite::{Connection, OptionalExtension, params};

use crate::bac;
use crate::erreur::{Erreur, Resultat};

/// Le scénario en cours, s'il y en a un.
pub fn en_cours(c: &Connection, bac_id: &str) -> Resultat<Option<Scenario>> {
    let json: Option<String> = c
        .prepare_cached("SELECT scenario FROM bac WHERE id = ?1")?
        .query_row([bac_id], |r| r.get(0))
        .optional()?
        .ok_or(Erreur::Introuvable("bac à sable"))?;
    Ok(json.map(|j| serde_json::from_str(&j)).transpose()?)
}

/// Commence (ou recommence) un scénario : les factures, le journal, la messagerie et
/// l'horloge du bac repartent de zéro ; les comptes et les structures restent.
pub fn commencer(c: &Connection, bac_id: &str, scenario: &Scenario, a_une_structure: bool) -> Resultat<()> {
    if scenario.depart.structure_requise && !a_une_structure {
        return Err(Erreur::Invalide(
            "Cet exercice commence avec votre structure fournisseur déjà créée : créez-la d'abord (menu « Ma structure »), puis revenez ici."
                .into(),
        ));
    }
    bac::effacer_l_activite(c, bac_id)?;
    c.execute(
        "UPDATE bac SET scenario = ?2, decalage_jours = 0 WHERE id = ?1",
        params![bac_id, serde_json::to_string(scenario)?],
    )?;
    Ok(())
}

/// Quitte le scénario : l'acheteur reprend son comportement par défaut ; rien n'est effacé.
pub fn quitter(c: &Connection, bac_id: &str) -> Resultat<()> {
    let n = c.execute("UPDATE bac SET scenario = NULL WHERE id = ?1", [bac_id])?;
    if n == 0 {
        return Err(Erreur::Introuvable("bac à sable"));
    }
    Ok(())
}

/// Ce que les objectifs vérifient : chaque facture du bac, avec tous les statuts qu'elle a eus.
pub fn faits(c: &Connection, bac_id: &str) -> Resultat<Faits> {
    let mut statuts: HashMap<String, BTreeSet<Statut>> = HashMap::new();
    let mut st = c.prepare_cached(
        "SELECT facture_id, statut FROM journal
         WHERE bac_id = ?1 AND evenement = 'STATUT' AND facture_id IS NOT NULL",
    )?;
    let lignes = st.query_map([bac_id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    for ligne in lignes {
        let (facture, statut) = ligne?;
        if let Ok(s) = Statut::depuis_code(&statut) {
            statuts.entry(facture).or_default().insert(s);
        }
    }
    let mut st = c.prepare_cached(
        "SELECT id, destinataire, coalesce(json_extract(saisie, '$.code_service'), ''),
                coalesce(json_extract(saisie, '$.numero_engagement'), ''), statut
         FROM facture WHERE bac_id = ?1 ORDER BY ordre",
    )?;
    let factures = st
        .query_map([bac_id], |r| {
            Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get::<_, String>(4)?))
        })?
        .map(|l| {
            let (id, destinataire, code_service, numero_engagement, statut) = l?;
            let statut = Statut::depuis_code(&statut)?;
            let mut tous = statuts.remove(&id).unwrap_or_default();
            tous.insert(statut);
            Ok(FactureFaits { destinataire, code_service, numero_engagement, statut, statuts: tous })
        })
        .collect::<Resultat<Vec<_>>>()?;
    Ok(Faits { factures })
}
