//! Gérer sa structure : ses informations, ses services, ses utilisateurs (rôles, habilitations
//! par service, détachement, transfert du rôle de gestionnaire principal). Les règles de rôle
//! sont vérifiées ici, dans la transaction, quoi que la page ait affiché.

use chorus_domain::compte::Role;
use rusqlite::{Connection, OptionalExtension, params};

use crate::erreur::{Erreur, Resultat};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Details {
    pub id: String,
    pub type_identifiant: String,
    pub identifiant: String,
    pub raison_sociale: String,
    pub adresse: String,
    pub code_postal: String,
    pub ville: String,
    pub verifiee: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceStructure {
    pub code: String,
    pub libelle: String,
    pub actif: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membre {
    pub id: String,
    pub nom: String,
    pub prenom: String,
    pub email: String,
    pub role: Role,
    pub statut: String,
    /// Les services sur lesquels il est habilité.
    pub services: Vec<String>,
}

pub fn details(c: &Connection, bac_id: &str, structure_id: &str) -> Resultat<Details> {
    c.prepare_cached(
        "SELECT id, type_identifiant_code, identifiant, raison_sociale, adresse, code_postal, ville, verifiee
         FROM structure WHERE bac_id = ?1 AND id = ?2",
    )?
    .query_row([bac_id, structure_id], |r| {
        Ok(Details {
            id: r.get(0)?,
            type_identifiant: r.get(1)?,
            identifiant: r.get(2)?,
            raison_sociale: r.get(3)?,
            adresse: r.get(4)?,
            code_postal: r.get(5)?,
            ville: r.get(6)?,
            verifiee: r.get(7)?,
        })
    })
    .optional()?
    .ok_or(Erreur::Introuvable("structure"))
}

fn exiger_gestionnaire(c: &Connection, utilisateur_id: &str, structure_id: &str) -> Resultat<()> {
    match crate::structure::role(c, utilisateur_id, structure_id)? {
        Some(Role::GestionnairePrincipal) => Ok(()),
        _ => Err(Erreur::Interdit(
            "Seul le gestionnaire principal de la structure peut faire cette action.".into(),
        )),
    }
}

pub struct NouvellesInformations<'a> {
    pub raison_sociale: &'a str,
    pub adresse: &'a str,
    pub code_postal: &'a str,
    pub ville: &'a str,
}

/// Modifie les informations ; la raison sociale d'une structure vérifiée vient du répertoire
/// des entreprises et ne se modifie pas ici (comme sur le portail : « Mettre à jour depuis la
/// base INSEE »).
pub fn modifier_informations(
    c: &Connection,
    bac_id: &str,
    gestionnaire_id: &str,
    structure_id: &str,
    i: &NouvellesInformations<'_>,
) -> Resultat<()> {
    exiger_gestionnaire(c, gestionnaire_id, structure_id)?;
    let d = details(c, bac_id, structure_id)?;
    let raison_sociale = if d.verifiee && d.type_identifiant == "SIRET" {
        d.raison_sociale
    } else {
        i.raison_sociale.trim().to_string()
    };
    if raison_sociale.is_empty() {
        return Err(Erreur::Invalide("La raison sociale est obligatoire.".into()));
    }
    for (nom, valeur, max) in [
        ("raison sociale", raison_sociale.as_str(), 100),
        ("adresse", i.adresse, 200),
        ("code postal", i.code_postal, 10),
        ("ville", i.ville, 100),
    ] {
        if valeur.chars().count() > max || valeur.chars().any(char::is_control) {
            return Err(Erreur::Invalide(format!(
                "Le champ « {nom} » doit faire au plus {max} caractères visibles."
            )));
        }
    }
    c.execute(
        "UPDATE structure SET raison_sociale = ?3, adresse = ?4, code_postal = ?5, ville = ?6 WHERE bac_id = ?1 AND id = ?2",
        params![bac_id, structure_id, raison_sociale, i.adresse.trim(), i.code_postal.trim(), i.ville.trim()],
    )?;
    Ok(())
}

pub fn services(c: &Connection, bac_id: &str, structure_id: &str) -> Resultat<Vec<ServiceStructure>> {
    let mut st = c.prepare_cached(
        "SELECT code, libelle, actif FROM service_structure WHERE bac_id = ?1 AND structure_id = ?2 ORDER BY code",
    )?;
    let v = st
        .query_map([bac_id, structure_id], |r| {
            Ok(ServiceStructure { code: r.get(0)?, libelle: r.get(1)?, actif: r.get(2)? })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(v)
}

/// Crée un service (gestionnaire principal seulement).
pub fn creer_service(
    c: &Connection,
    bac_id: &str,
    gestionnaire_id: &str,
    structure_id: &str,
    code: &str,
    libelle: &str,
) -> Resultat<()> {
    exiger_gestionnaire(c, gestionnaire_id, structure_id)?;
    details(c, bac_id, structure_id)?;
    let n = c.execute(
        "INSERT OR IGNORE INTO service_structure (bac_id, structure_id, code, libelle, actif) VALUES (?1, ?2, ?3, ?4, 1)",
        params![bac_id, structure_id, code, libelle.trim()],
    )?;
    if n == 0 {
        return Err(Erreur::Invalide(format!("Le service {code} existe déjà dans cette structure.")));
    }
    Ok(())
}

/// L'utilisateur peut-il agir sur ce service ? Le gestionnaire principal sur tous ; un
/// utilisateur sur ceux où il est habilité.
pub fn peut_agir_sur_service(
    c: &Connection,
    utilisateur_id: &str,
    structure_id: &str,
    code: &str,
) -> Resultat<bool> {
    Ok(match crate::structure::role(c, utilisateur_id, structure_id)? {
        Some(Role::GestionnairePrincipal) => true,
        Some(Role::Utilisateur) => c
            .prepare_cached(
                "SELECT 1 FROM habilitation WHERE utilisateur_id = ?1 AND structure_id = ?2 AND code_service = ?3",
            )?
            .exists(params![utilisateur_id, structure_id, code])?,
        None => false,
    })
}

/// Active ou ferme un service.
pub fn changer_etat_service(
    c: &Connection,
    bac_id: &str,
    utilisateur_id: &str,
    structure_id: &str,
    code: &str,
    actif: bool,
) -> Resultat<()> {
    let existe = c
        .prepare_cached(
            "SELECT 1 FROM service_structure WHERE bac_id = ?1 AND structure_id = ?2 AND code = ?3",
        )?
        .exists(params![bac_id, structure_id, code])?;
    if !existe {
        return Err(Erreur::Introuvable("service"));
    }
    if !peut_agir_sur_service(c, utilisateur_id, structure_id, code)? {
        return Err(Erreur::Interdit(format!(
            "Vous n'avez pas d'habilitation sur le service {code} : demandez au gestionnaire principal de la \
             structure de vous l'accorder, ou de faire cette action lui-même."
        )));
    }
    c.execute(
        "UPDATE service_structure SET actif = ?4 WHERE bac_id = ?1 AND structure_id = ?2 AND code = ?3",
        params![bac_id, structure_id, code, actif],
    )?;
    Ok(())
}

pub fn membres(c: &Connection, bac_id: &str, structure_id: &str) -> Resultat<Vec<Membre>> {
    let mut st = c.prepare_cached(
        "SELECT u.id, u.nom, u.prenom, u.email, r.role, r.statut FROM rattachement r
         JOIN utilisateur u ON u.id = r.utilisateur_id
         WHERE r.bac_id = ?1 AND r.structure_id = ?2 AND r.statut <> 'REFUSE' ORDER BY r.role, u.nom",
    )?;
    let lignes: Vec<(String, String, String, String, String, String)> = st
        .query_map([bac_id, structure_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut hab = c.prepare_cached(
        "SELECT code_service FROM habilitation WHERE utilisateur_id = ?1 AND structure_id = ?2 ORDER BY code_service",
    )?;
    let mut v = Vec::new();
    for (id, nom, prenom, email, role, statut) in lignes {
        let services =
            hab.query_map([&id, structure_id], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
        let role = Role::depuis_code(&role).unwrap_or(Role::Utilisateur);
        v.push(Membre { id, nom, prenom, email, role, statut, services });
    }
    Ok(v)
}

fn exiger_membre_valide(c: &Connection, cible_id: &str, structure_id: &str) -> Resultat<Role> {
    crate::structure::role(c, cible_id, structure_id)?
        .ok_or(Erreur::Introuvable("utilisateur de la structure"))
}

/// Détache un utilisateur de la structure (gestionnaire principal seulement, jamais lui-même).
pub fn detacher(
    c: &Connection,
    bac_id: &str,
    gestionnaire_id: &str,
    structure_id: &str,
    cible_id: &str,
) -> Resultat<()> {
    exiger_gestionnaire(c, gestionnaire_id, structure_id)?;
    if cible_id == gestionnaire_id {
        return Err(Erreur::Invalide(
            "Vous ne pouvez pas vous détacher vous-même : transférez d'abord le rôle de gestionnaire principal à un autre utilisateur."
                .into(),
        ));
    }
    exiger_membre_valide(c, cible_id, structure_id)?;
    c.execute(
        "DELETE FROM rattachement WHERE utilisateur_id = ?1 AND structure_id = ?2 AND bac_id = ?3",
        params![cible_id, structure_id, bac_id],
    )?;
    c.execute(
        "DELETE FROM habilitation WHERE utilisateur_id = ?1 AND structure_id = ?2",
        params![cible_id, structure_id],
    )?;
    c.execute(
        "UPDATE utilisateur SET structure_id = NULL WHERE id = ?1 AND structure_id = ?2",
        params![cible_id, structure_id],
    )?;
    Ok(())
}

/// Transfère le rôle de gestionnaire principal : la cible le devient, l'ancien redevient
/// utilisateur (avec des habilitations sur tous les services, pour ne rien perdre).
pub fn transferer_gestionnaire(
    c: &Connection,
    bac_id: &str,
    gestionnaire_id: &str,
    structure_id: &str,
    cible_id: &str,
) -> Resultat<()> {
    exiger_gestionnaire(c, gestionnaire_id, structure_id)?;
    if cible_id == gestionnaire_id {
        return Err(Erreur::Invalide("Vous êtes déjà le gestionnaire principal de cette structure.".into()));
    }
    exiger_membre_valide(c, cible_id, structure_id)?;
    c.execute(
        "UPDATE rattachement SET role = ?4 WHERE utilisateur_id = ?1 AND structure_id = ?2 AND bac_id = ?3",
        params![cible_id, structure_id, bac_id, Role::GestionnairePrincipal.code()],
    )?;
    c.execute(
        "UPDATE rattachement SET role = ?4 WHERE utilisateur_id = ?1 AND structure_id = ?2 AND bac_id = ?3",
        params![gestionnaire_id, structure_id, bac_id, Role::Utilisateur.code()],
    )?;
    c.execute(
        "INSERT OR IGNORE INTO habilitation (bac_id, utilisateur_id, structure_id, code_service)
         SELECT ?1, ?2, ?3, code FROM service_structure WHERE bac_id = ?1 AND structure_id = ?3",
        params![bac_id, gestionnaire_id, structure_id],
    )?;
    Ok(())
}

/// Remplace les habilitations d'un utilisateur par la liste donnée (codes de services de la
/// structure ; un code inconnu est refusé).
pub fn definir_habilitations(
    c: &Connection,
    bac_id: &str,
    gestionnaire_id: &str,
    structure_id: &str,
    cible_id: &str,
    codes: &[String],
) -> Resultat<()> {
    exiger_gestionnaire(c, gestionnaire_id, structure_id)?;
    exiger_membre_valide(c, cible_id, structure_id)?;
    let connus: Vec<String> = services(c, bac_id, structure_id)?.into_iter().map(|s| s.code).collect();
    if let Some(inconnu) = codes.iter().find(|code| !connus.contains(code)) {
        return Err(Erreur::Invalide(format!("Le service {inconnu} n'existe pas dans cette structure.")));
    }
    c.execute(
        "DELETE FROM habilitation WHERE utilisateur_id = ?1 AND structure_id = ?2",
        params![cible_id, structure_id],
    )?;
    for code in codes {
        c.execute(
            "INSERT OR IGNORE INTO habilitation (bac_id, utilisateur_id, structure_id, code_service) VALUES (?1, ?2, ?3, ?4)",
            params![bac_id, cible_id, structure_id, code],
        )?;
    }
    Ok(())
}

/// Les habilitations d'un compte, structure par structure (rattachements validés seulement).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HabilitationsCompte {
    pub structure: String,
    pub identifiant: String,
    pub role: Role,
    /// Les services où l'utilisateur est habilité ; le gestionnaire principal agit sur tous.
    pub services: Vec<String>,
}

/// « Mes habilitations » : le rôle et les services habilités du compte, dans chaque structure
/// où son rattachement est validé.
pub fn habilitations_du_compte(
    c: &Connection,
    bac_id: &str,
    utilisateur_id: &str,
) -> Resultat<Vec<HabilitationsCompte>> {
    let mut hab = c.prepare_cached(
        "SELECT code_service FROM habilitation WHERE utilisateur_id = ?1 AND structure_id = ?2 ORDER BY code_service",
    )?;
    crate::compte::rattachements(c, bac_id, utilisateur_id)?
        .into_iter()
        .filter(|r| r.statut == "VALIDE")
        .map(|r| {
            let services = hab
                .query_map([utilisateur_id, r.structure_id.as_str()], |l| l.get(0))?
                .collect::<rusqlite::Result<Vec<String>>>()?;
            Ok(HabilitationsCompte {
                structure: r.raison_sociale,
                identifiant: r.identifiant,
                role: r.role,
                services,
            })
        })
        .collect()
}
