//! SIREN et SIRET : 9 et 14 chiffres, clé de Luhn, exception de La Poste.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::erreur::{Erreur, ErreurIdentifiant};

/// SIREN de La Poste : ses établissements sont trop nombreux pour la clé de Luhn, l'INSEE
/// les valide par la somme de leurs chiffres (multiple de 5).
const SIREN_LA_POSTE: &str = "356000000";

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Siren(String);

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Siret(String);

fn chiffres(nom: &'static str, saisie: &str, attendu: usize) -> Result<String, ErreurIdentifiant> {
    // Les espaces sont tolérés à la saisie (« 123 456 789 00012 ») : on les retire.
    let compact: String = saisie.chars().filter(|c| !c.is_whitespace()).collect();
    if let Some((i, c)) = compact.chars().enumerate().find(|(_, c)| !c.is_ascii_digit()) {
        return Err(ErreurIdentifiant::CaractereNonNumerique { nom, position: i + 1, caractere: c });
    }
    let n = compact.chars().count();
    if n != attendu {
        return Err(ErreurIdentifiant::Longueur { nom, attendu, trouve: n });
    }
    Ok(compact)
}

/// Clé de Luhn : en partant de la droite, un chiffre sur deux est doublé.
pub fn luhn_valide(chiffres: &str) -> bool {
    let somme: u32 = chiffres
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    somme % 10 == 0
}

impl Siren {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Numéro de TVA intracommunautaire français : FR + clé + SIREN,
    /// clé = (12 + 3 × (SIREN mod 97)) mod 97.
    pub fn numero_tva(&self) -> String {
        let n: u64 = self.0.parse().expect("SIREN validé : 9 chiffres");
        let cle = (12 + 3 * (n % 97)) % 97;
        format!("FR{cle:02}{}", self.0)
    }
}

impl FromStr for Siren {
    type Err = Erreur;
    fn from_str(s: &str) -> Result<Self, Erreur> {
        let c = chiffres("SIREN", s, 9)?;
        if !luhn_valide(&c) {
            return Err(ErreurIdentifiant::CleDeControle { nom: "SIREN", valeur: c }.into());
        }
        Ok(Siren(c))
    }
}

impl Siret {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn siren(&self) -> Siren {
        Siren(self.0[..9].to_string())
    }

    /// Numéro interne de classement de l'établissement (les 5 derniers chiffres).
    pub fn nic(&self) -> &str {
        &self.0[9..]
    }
}

impl FromStr for Siret {
    type Err = Erreur;
    fn from_str(s: &str) -> Result<Self, Erreur> {
        let c = chiffres("SIRET", s, 14)?;
        if &c[..9] == SIREN_LA_POSTE {
            let somme: u32 = c.bytes().map(|b| u32::from(b - b'0')).sum();
            if somme % 5 != 0 {
                return Err(ErreurIdentifiant::CleDeControle { nom: "SIRET", valeur: c }.into());
            }
            return Ok(Siret(c));
        }
        if !luhn_valide(&c[..9]) {
            return Err(ErreurIdentifiant::CleDeControleSiren { siren: c[..9].to_string() }.into());
        }
        if !luhn_valide(&c) {
            return Err(ErreurIdentifiant::CleDeControle { nom: "SIRET", valeur: c }.into());
        }
        Ok(Siret(c))
    }
}

macro_rules! conversions {
    ($t:ty) => {
        impl TryFrom<String> for $t {
            type Error = Erreur;
            fn try_from(s: String) -> Result<Self, Erreur> {
                s.parse()
            }
        }
        impl From<$t> for String {
            fn from(v: $t) -> String {
                v.0
            }
        }
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}
conversions!(Siren);
conversions!(Siret);
