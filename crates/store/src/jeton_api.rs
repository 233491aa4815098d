//! Le jeton personnel d'un formateur pour l'API de simulation. Il n'est montré qu'une fois, à
//! sa création ; seule son empreinte SHA-256 est gardée, si bien qu'une copie de la base ne
//! donne accès à aucune API. En générer un nouveau révoque le précédent.
//!
//! Le jeton est tiré au hasard sur 256 bits : l'empreinte SHA-256, sans sel ni étirement,
//! suffit (rien à deviner par force brute, contrairement à un mot de passe).

use chrono::{DateTime, Utc};
use rand::RngCore;
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use crate::erreur::{Erreur, Resultat};
use crate::formateur::Formateur;
use crate::horloge::Horloge;

/// Le début de chaque jeton : le reconnaître d'un coup d'œil dans un script ou un journal.
pub const PREFIXE: &str = "csb_";

fn empreinte(jeton: &str) -> String {
    Sha256::digest(jeton.trim().as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Un nouveau jeton pour le formateur ; l'ancien cesse aussitôt de fonctionner.
pub fn emettre(c: &Connection, formateur_id: &str, horloge: &Horloge) -> Resultat<String> {
    let mut octets = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut octets);
    let jeton = format!("{PREFIXE}{}", octets.iter().map(|b| format!("{b:02x}")).collect::<String>());
    let n = c.execute(
        "UPDATE formateur SET jeton_api = ?2, jeton_api_emis_le = ?3 WHERE id = ?1",
        params![formateur_id, empreinte(&jeton), horloge.maintenant()],
    )?;
    if n == 0 {
        return Err(Erreur::Introuvable("formateur"));
    }
    Ok(jeton)
}

/// Quand le jeton actuel du formateur a été généré (aucun : `None`).
pub fn emis_le(c: &Connection, formateur_id: &str) -> Resultat<Option<DateTime<Utc>>> {
    Ok(c.prepare_cached("SELECT jeton_api_emis_le FROM formateur WHERE id = ?1 AND jeton_api IS NOT NULL")?
        .query_row([formateur_id], |r| r.get(0))
        .optional()?)
}

/// Le formateur dont c'est le jeton. La recherche porte sur l'empreinte, jamais sur le jeton :
/// le temps qu'elle prend ne renseigne en rien sur un jeton valable.
pub fn formateur(c: &Connection, jeton: &str) -> Resultat<Option<Formateur>> {
    if !jeton.trim().starts_with(PREFIXE) {
        return Ok(None);
    }
    Ok(c.prepare_cached("SELECT id, email, a_changer FROM formateur WHERE jeton_api = ?1")?
        .query_row([empreinte(jeton)], crate::formateur::depuis_ligne)
        .optional()?)
}
