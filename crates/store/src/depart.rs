//! Le point de départ d'un bac à sable : le créer (pratique libre, autonomie, création du
//! compte) et l'y ramener en une transaction.

use chorus_domain::structure::Entreprise;
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::bac::Bac;
use crate::compte;
use crate::erreur::{Erreur, Resultat};
use crate::horloge::Horloge;

/// Ce que la réinitialisation restaure. Aujourd'hui : la pratique libre (une structure
/// fournisseur prête à facturer, aucune facture, horloge au jour réel).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PointDepart {
    PratiqueLibre,
    /// Un apprenant qui a créé son compte lui-même : pas de structure au départ, il la crée.
    Autonome,
    /// Le bac d'un stagiaire de classe qui commence par créer son compte : la réinitialisation
    /// efface aussi les comptes et les structures créés depuis.
    CreationDuCompte,
}

/// Crée un bac à sable de pratique libre : la structure de l'entreprise et un utilisateur.
// Les arguments d'un cas d'usage : les regrouper dans une structure n'ajouterait rien.
pub fn creer_pratique_libre(
    c: &Connection,
    libelle: &str,
    entreprise: &Entreprise,
    compte: &compte::NouveauCompte<'_>,
    horloge: &Horloge,
) -> Resultat<(Bac, compte::Utilisateur)> {
    let id = Uuid::new_v4().to_string();
    let structure_id = inserer_pratique_libre(c, &id, libelle, entreprise, horloge)?;
    let utilisateur = compte::creer(
        c,
        &id,
        compte.email,
        compte.nom,
        compte.prenom,
        compte.mot_de_passe,
        Some(&structure_id),
    )?;
    c.execute(
        "INSERT INTO rattachement (utilisateur_id, structure_id, bac_id, role, statut)
         VALUES (?1, ?2, ?3, 'GESTIONNAIRE_PRINCIPAL', 'VALIDE')",
        params![utilisateur.id, structure_id, id],
    )?;
    // Le gestionnaire principal est abonné aux espaces ouverts à sa structure.
    crate::structure::initialiser_espaces(c, &id, &structure_id)?;
    Ok((
        Bac {
            id,
            libelle: libelle.to_string(),
            decalage_jours: 0,
            double_authentification: true,
            classe: None,
        },
        utilisateur,
    ))
}

/// Le bac `id` et la structure fournisseur de l'entreprise, prête à facturer (sans compte) ;
/// retourne l'identifiant de la structure.
pub fn inserer_pratique_libre(
    c: &Connection,
    id: &str,
    libelle: &str,
    entreprise: &Entreprise,
    horloge: &Horloge,
) -> Resultat<String> {
    let point_depart = serde_json::to_string(&PointDepart::PratiqueLibre)?;
    c.execute(
        "INSERT INTO bac (id, libelle, cree_le, decalage_jours, point_depart) VALUES (?1, ?2, ?3, 0, ?4)",
        params![id, libelle, horloge.maintenant(), point_depart],
    )?;
    let structure_id = Uuid::new_v4().to_string();
    c.execute(
        "INSERT INTO structure (id, bac_id, type_identifiant, identifiant, raison_sociale, adresse, code_postal, ville)
         VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6, ?7)",
        params![
            structure_id,
            id,
            entreprise.siret,
            entreprise.raison_sociale,
            entreprise.adresse,
            entreprise.code_postal,
            entreprise.ville
        ],
    )?;
    crate::structure::initialiser_espaces(c, id, &structure_id)?;
    Ok(structure_id)
}

/// Le bac à sable d'un apprenant qui crée son compte lui-même, sans formateur.
pub fn creer_autonome(c: &Connection, horloge: &Horloge) -> Resultat<Bac> {
    creer_vide(c, "Entraînement en autonomie", &PointDepart::Autonome, horloge)
}

/// Un bac sans compte ni structure du stagiaire : il les crée lui-même.
pub fn creer_vide(c: &Connection, libelle: &str, depart: &PointDepart, horloge: &Horloge) -> Resultat<Bac> {
    let id = Uuid::new_v4().to_string();
    c.execute(
        "INSERT INTO bac (id, libelle, cree_le, decalage_jours, point_depart) VALUES (?1, ?2, ?3, 0, ?4)",
        params![id, libelle, horloge.maintenant(), serde_json::to_string(depart)?],
    )?;
    peupler_monde_simule(c, &id)?;
    Ok(Bac {
        id,
        libelle: libelle.to_string(),
        decalage_jours: 0,
        double_authentification: true,
        classe: None,
    })
}

/// Pour s'exercer au rattachement sans binôme : une entreprise déjà présente dans Chorus Pro,
/// dont le gestionnaire principal (simulé) répond aux demandes après quelques jours.
fn peupler_monde_simule(c: &Connection, bac_id: &str) -> Resultat<()> {
    if let Some(e) = crate::reference::entreprise(c, STRUCTURE_A_REJOINDRE)? {
        crate::rattachement::creer_structure_a_gestionnaire_simule(c, bac_id, &e, ("Marc", "Albouy"))?;
    }
    Ok(())
}

/// Efface tout ce que contient un bac (toutes les tables qui portent un `bac_id`, y compris
/// celles qu'ajouteront les versions suivantes), sauf la liste des stagiaires de classe.
fn vider(c: &Connection, bac_id: &str) -> Resultat<()> {
    let tables = c
        .prepare_cached(
            "SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
             WHERE m.type = 'table' AND p.name = 'bac_id' AND m.name <> 'participant'",
        )?
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    // Les clés étrangères entre ces tables sont vérifiées à la fin de la transaction, quand
    // plus rien du bac ne reste : l'ordre des suppressions n'importe donc pas.
    c.pragma_update(None, "defer_foreign_keys", true)?;
    for table in tables {
        c.execute(&format!("DELETE FROM \"{table}\" WHERE bac_id = ?1"), [bac_id])?;
    }
    Ok(())
}

/// SIRET de l'entreprise à rejoindre dans un bac d'entraînement en autonomie (MENUISERIE
/// ALBOUY SAS, registre fictif) : son gestionnaire principal est simulé.
pub const STRUCTURE_A_REJOINDRE: &str = "98049212800023";

/// Ramène le bac à son point de départ : plus de factures ni de journal, horloge au jour réel.
/// Les comptes et la structure du point de départ restent : le stagiaire reste connecté.
pub fn reinitialiser(c: &Connection, bac_id: &str) -> Resultat<()> {
    let point_depart: String = c
        .query_row("SELECT point_depart FROM bac WHERE id = ?1", [bac_id], |r| r.get(0))
        .optional()?
        .ok_or(Erreur::Introuvable("bac à sable"))?;
    match serde_json::from_str::<PointDepart>(&point_depart)? {
        // Les comptes et les structures restent (le stagiaire reste connecté) ; tout ce qui
        // s'est passé depuis s'efface.
        PointDepart::PratiqueLibre | PointDepart::Autonome => {
            effacer_l_activite(c, bac_id)?;
        }
        PointDepart::CreationDuCompte => {
            vider(c, bac_id)?;
            peupler_monde_simule(c, bac_id)?;
        }
    }
    c.execute("UPDATE bac SET decalage_jours = 0 WHERE id = ?1", [bac_id])?;
    Ok(())
}

/// Efface ce qui s'est passé dans le bac (factures, flux, pièces, journal, messages, liens à
/// usage unique) sans toucher aux comptes ni aux structures : le stagiaire reste connecté.
pub(crate) fn effacer_l_activite(c: &Connection, bac_id: &str) -> Resultat<()> {
    for table in [
        "flux_facture",
        "flux_etat",
        "flux",
        "journal",
        "appel_api",
        "piece_jointe",
        "piece_travaux",
        "facture",
        "message",
        "jeton",
        "scenario_reponse",
        "scenario_indice",
    ] {
        c.execute(&format!("DELETE FROM {table} WHERE bac_id = ?1"), [bac_id])?;
    }
    Ok(())
}
