//! Comptes utilisateurs du portail simulé : mot de passe haché (Argon2id), authentification.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use std::sync::LazyLock;

use argon2::Argon2;
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use crate::erreur::{Erreur, Resultat};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Utilisateur {
    pub id: String,
    pub bac_id: String,
    pub email: String,
    pub nom: String,
    pub prenom: String,
    pub structure_id: Option<String>,
}

/// Ce qu'il faut pour créer un compte.
#[derive(Debug, Clone, Copy)]
pub struct NouveauCompte<'a> {
    pub email: &'a str,
    pub nom: &'a str,
    pub prenom: &'a str,
    pub mot_de_passe: &'a str,
}

pub fn hacher(mot_de_passe: &str) -> Resultat<String> {
    let sel = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(mot_de_passe.as_bytes(), &sel)
        .map(|h| h.to_string())
        .map_err(|e| Erreur::Invalide(format!("hachage du mot de passe impossible : {e}")))
}

fn verifier(mot_de_passe: &str, hache: &str) -> bool {
    PasswordHash::new(hache)
        .map(|h| Argon2::default().verify_password(mot_de_passe.as_bytes(), &h).is_ok())
        .unwrap_or(false)
}

/// Un hachage quelconque, vérifié quand l'identifiant n'existe pas : la réponse prend le même
/// temps qu'un mauvais mot de passe, et ne trahit donc pas l'existence du compte.
static HACHE_LEURRE: LazyLock<String> = LazyLock::new(|| hacher("mot de passe leurre").unwrap_or_default());

pub fn creer(
    c: &Connection,
    bac_id: &str,
    email: &str,
    nom: &str,
    prenom: &str,
    mot_de_passe: &str,
    structure_id: Option<&str>,
) -> Resultat<Utilisateur> {
    let id = Uuid::new_v4().to_string();
    let hache = hacher(mot_de_passe)?;
    c.execute(
        "INSERT INTO utilisateur (id, bac_id, email, nom, prenom, mot_de_passe, structure_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![id, bac_id, email.trim(), nom, prenom, hache, structure_id],
    )?;
    Ok(Utilisateur {
        id,
        bac_id: bac_id.to_string(),
        email: email.trim().to_string(),
        nom: nom.to_string(),
        prenom: prenom.to_string(),
        structure_id: structure_id.map(str::to_string),
    })
}

const COLONNES: &str = "id, bac_id, email, nom, prenom, structure_id";

fn lire(r: &rusqlite::Row<'_>) -> rusqlite::Result<Utilisateur> {
    Ok(Utilisateur {
        id: r.get(0)?,
        bac_id: r.get(1)?,
        email: r.get(2)?,
        nom: r.get(3)?,
        prenom: r.get(4)?,
        structure_id: r.get(5)?,
    })
}

/// Vérifie identifiant et mot de passe ; la même erreur dans les deux cas d'échec.
pub fn authentifier(c: &Connection, email: &str, mot_de_passe: &str) -> Resultat<Utilisateur> {
    let trouve: Option<(Utilisateur, String)> = c
        .prepare_cached(&format!("SELECT {COLONNES}, mot_de_passe FROM utilisateur WHERE email = ?1"))?
        .query_row([email.trim()], |r| Ok((lire(r)?, r.get(6)?)))
        .optional()?;
    match trouve {
        Some((u, hache)) if verifier(mot_de_passe, &hache) => Ok(u),
        Some(_) => Err(Erreur::Authentification),
        None => {
            let _ = verifier(mot_de_passe, &HACHE_LEURRE);
            Err(Erreur::Authentification)
        }
    }
}

pub fn utilisateur(c: &Connection, id: &str) -> Resultat<Option<Utilisateur>> {
    Ok(c.prepare_cached(&format!("SELECT {COLONNES} FROM utilisateur WHERE id = ?1"))?
        .query_row([id], lire)
        .optional()?)
}
