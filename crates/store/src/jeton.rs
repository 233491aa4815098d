//! Liens d'activation, de réinitialisation du mot de passe, codes de connexion : un secret
//! envoyé dans la messagerie, dont seule l'empreinte est gardée, valable un temps donné (en
//! temps simulé) et une seule fois.

use chrono::NaiveDateTime;
use rand::{Rng, RngCore};
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use crate::erreur::Resultat;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nature {
    Activation,
    Reinitialisation,
    CodeConnexion,
}

impl Nature {
    fn code(self) -> &'static str {
        match self {
            Nature::Activation => "ACTIVATION",
            Nature::Reinitialisation => "REINITIALISATION",
            Nature::CodeConnexion => "CODE_CONNEXION",
        }
    }
}

fn empreinte(secret: &str) -> String {
    Sha256::digest(secret.trim().as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Émet un secret : 32 octets aléatoires pour un lien, 6 chiffres pour un code. Un nouveau
/// secret de même nature annule les précédents (le dernier message reçu est le bon).
pub fn emettre(
    c: &Connection,
    bac_id: &str,
    utilisateur_id: &str,
    nature: Nature,
    maintenant_simule: NaiveDateTime,
) -> Resultat<String> {
    let secret = match nature {
        Nature::CodeConnexion => format!("{:06}", rand::rngs::OsRng.gen_range(0..1_000_000u32)),
        _ => {
            let mut octets = [0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut octets);
            octets.iter().map(|b| format!("{b:02x}")).collect()
        }
    };
    c.execute(
        "UPDATE jeton SET utilise = 1 WHERE utilisateur_id = ?1 AND nature = ?2",
        params![utilisateur_id, nature.code()],
    )?;
    c.execute(
        "INSERT OR REPLACE INTO jeton (empreinte, bac_id, utilisateur_id, nature, emis_le) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![empreinte(&secret), bac_id, utilisateur_id, nature.code(), maintenant_simule],
    )?;
    Ok(secret)
}

/// Ce que vaut un secret présenté.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    /// Valable : l'utilisateur concerné. Le secret est désormais consommé.
    Valable(String),
    /// Connu mais trop ancien : l'utilisateur concerné (pour proposer un nouvel envoi).
    Expire(String),
    /// Inconnu, déjà utilisé, ou d'un autre bac à sable.
    Inconnu,
}

/// Ce que vaut un secret, sans le consommer. `utilisateur` restreint la recherche (un code de
/// connexion ne vaut que pour le compte qui se connecte).
pub fn examiner(
    c: &Connection,
    bac_id: &str,
    utilisateur: Option<&str>,
    secret: &str,
    nature: Nature,
    maintenant_simule: NaiveDateTime,
    validite_minutes: i64,
) -> Resultat<Verification> {
    let trouve: Option<(String, NaiveDateTime)> = c
        .prepare_cached(
            "SELECT utilisateur_id, emis_le FROM jeton
             WHERE empreinte = ?1 AND bac_id = ?2 AND nature = ?3 AND NOT utilise
               AND (?4 IS NULL OR utilisateur_id = ?4)",
        )?
        .query_row(params![empreinte(secret), bac_id, nature.code(), utilisateur], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let Some((utilisateur_id, emis_le)) = trouve else { return Ok(Verification::Inconnu) };
    if !chorus_domain::compte::lien_valide(emis_le, maintenant_simule, validite_minutes) {
        return Ok(Verification::Expire(utilisateur_id));
    }
    Ok(Verification::Valable(utilisateur_id))
}

/// Vérifie un secret et le consomme s'il est valable : il ne servira plus.
pub fn consommer(
    c: &Connection,
    bac_id: &str,
    utilisateur: Option<&str>,
    secret: &str,
    nature: Nature,
    maintenant_simule: NaiveDateTime,
    validite_minutes: i64,
) -> Resultat<Verification> {
    let v = examiner(c, bac_id, utilisateur, secret, nature, maintenant_simule, validite_minutes)?;
    if let Verification::Valable(_) = v {
        c.execute("UPDATE jeton SET utilise = 1 WHERE empreinte = ?1", [empreinte(secret)])?;
    }
    Ok(v)
}
