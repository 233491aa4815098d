//! Les structures privées d'un bac à sable (le fournisseur et ses pareils) et les rattachements
//! de leurs utilisateurs.

use chorus_domain::compte::Role;
use chorus_domain::espace::{Espace, Mode};
use chorus_domain::structure::TypeIdentifiant;
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use crate::bac::StructureFournisseur;
use crate::erreur::Resultat;

pub struct NouvelleStructure<'a> {
    pub type_identifiant: TypeIdentifiant,
    /// Identifiant normalisé ; vide pour un particulier ou une structure en cours
    /// d'immatriculation (le portail en attribue un).
    pub identifiant: &'a str,
    pub raison_sociale: &'a str,
    pub adresse: &'a str,
    pub code_postal: &'a str,
    pub ville: &'a str,
    /// Identifiant contrôlé dans le registre des entreprises (sinon « non vérifié »).
    pub verifiee: bool,
}

/// Crée la structure ; son créateur en devient le gestionnaire principal et y travaille.
pub fn creer(
    c: &Connection,
    bac_id: &str,
    utilisateur_id: &str,
    s: &NouvelleStructure<'_>,
) -> Resultat<String> {
    let id = Uuid::new_v4().to_string();
    let identifiant = if s.identifiant.is_empty() {
        // Le portail attribue un identifiant aux structures sans numéro d'immatriculation.
        format!("CPP{}", &id.replace('-', "")[..11].to_uppercase())
    } else {
        s.identifiant.to_string()
    };
    c.execute(
        "INSERT INTO structure (id, bac_id, type_identifiant, identifiant, raison_sociale, adresse, code_postal,
                                ville, verifiee, type_identifiant_code)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            id,
            bac_id,
            s.type_identifiant.code_numerique(),
            identifiant,
            s.raison_sociale,
            s.adresse,
            s.code_postal,
            s.ville,
            s.verifiee,
            s.type_identifiant.code_api()
        ],
    )?;
    c.execute(
        "INSERT INTO rattachement (utilisateur_id, structure_id, bac_id, role, statut) VALUES (?1, ?2, ?3, ?4, 'VALIDE')",
        params![utilisateur_id, id, bac_id, Role::GestionnairePrincipal.code()],
    )?;
    c.execute(
        "UPDATE utilisateur SET structure_id = ?2 WHERE id = ?1 AND bac_id = ?3",
        params![utilisateur_id, id, bac_id],
    )?;
    initialiser_espaces(c, bac_id, &id)?;
    Ok(id)
}

/// La structure de départ : l'espace « Factures émises », ses gestionnaires principaux abonnés
/// en modification. À appeler à la création d'une structure ; sans effet si c'est déjà fait.
pub fn initialiser_espaces(c: &Connection, bac_id: &str, structure_id: &str) -> Resultat<()> {
    let espace = Espace::PAR_DEFAUT.code();
    c.execute(
        "INSERT OR IGNORE INTO espace_structure (bac_id, structure_id, espace) VALUES (?1, ?2, ?3)",
        params![bac_id, structure_id, espace],
    )?;
    c.execute(
        "INSERT OR IGNORE INTO abonnement (bac_id, utilisateur_id, structure_id, espace, mode)
         SELECT bac_id, utilisateur_id, structure_id, ?3, ?4 FROM rattachement
         WHERE bac_id = ?1 AND structure_id = ?2 AND role = ?5 AND statut = 'VALIDE'",
        params![bac_id, structure_id, espace, Mode::Modification.code(), Role::GestionnairePrincipal.code()],
    )?;
    Ok(())
}

/// La structure de ce bac qui porte cet identifiant, s'il y en a une.
pub fn par_identifiant(
    c: &Connection,
    bac_id: &str,
    identifiant: &str,
) -> Resultat<Option<StructureFournisseur>> {
    Ok(c.prepare_cached(
        "SELECT id, identifiant, raison_sociale, adresse, code_postal, ville FROM structure
         WHERE bac_id = ?1 AND identifiant = ?2",
    )?
    .query_row([bac_id, identifiant], StructureFournisseur::depuis_ligne)
    .optional()?)
}

/// La structure a-t-elle été vérifiée dans le registre des entreprises ?
pub fn est_verifiee(c: &Connection, bac_id: &str, structure_id: &str) -> Resultat<bool> {
    Ok(c.query_row(
        "SELECT verifiee FROM structure WHERE bac_id = ?1 AND id = ?2",
        [bac_id, structure_id],
        |r| r.get(0),
    )?)
}

/// Le rôle (validé) de l'utilisateur sur la structure.
pub fn role(c: &Connection, utilisateur_id: &str, structure_id: &str) -> Resultat<Option<Role>> {
    let code: Option<String> = c
        .prepare_cached(
            "SELECT role FROM rattachement WHERE utilisateur_id = ?1 AND structure_id = ?2 AND statut = 'VALIDE'",
        )?
        .query_row([utilisateur_id, structure_id], |r| r.get(0))
        .optional()?;
    Ok(code.and_then(|c| Role::depuis_code(&c).ok()))
}
