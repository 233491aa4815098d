//! SIREN et SIRET : 9 et 14 chiffres, clé de Luhn, exception de La Poste.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::erreur::{Erreur, ErreurIdentifiant};

/// SIREN de La Poste : ses établissements sont trop nombreux pour la clé de Luhn, l'INSEE
/// les valide par la somme de leurs chiffres (multiple de 5).
const SIREN_LA_POSTE: &str = "356000000";
/// Le siège de La Poste garde, lui, la clé de Luhn (la somme de ses chiffres vaut 26).
const SIRET_SIEGE_LA_POSTE: &str = "35600000000048";

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
    somme.is_multiple_of(10)
}

impl Siren {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Numéro de TVA intracommunautaire français : FR + clé + SIREN,
    /// clé = (12 + 3 × (SIREN mod 97)) mod 97.
    pub fn numero_tva(&self) -> String {
        // SIREN mod 97, chiffre par chiffre (le SIREN est validé : que des chiffres).
        let reste = self.0.bytes().fold(0u64, |r, b| (r * 10 + u64::from(b.wrapping_sub(b'0'))) % 97);
        let cle = (12 + 3 * reste) % 97;
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
        if &c[..9] == SIREN_LA_POSTE && c != SIRET_SIEGE_LA_POSTE {
            let somme: u32 = c.bytes().map(|b| u32::from(b - b'0')).sum();
            if !somme.is_multiple_of(5) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn erreur_siret(s: &str) -> ErreurIdentifiant {
        match s.parse::<Siret>() {
            Err(Erreur::Identifiant(e)) => e,
            autre => panic!("erreur d'identifiant attendue pour {s}, obtenu {autre:?}"),
        }
    }

    #[test]
    fn siret_valides_de_l_annuaire_de_formation() {
        for s in ["21852884200097", "26236940800063", "26949711100048", "38496988700072", "24613751700016"] {
            let siret: Siret = s.parse().unwrap_or_else(|e| panic!("{s} : {e}"));
            assert_eq!(siret.as_str(), s);
            assert_eq!(siret.siren().as_str(), &s[..9]);
            assert_eq!(siret.nic(), &s[9..]);
        }
    }

    #[test]
    fn les_espaces_de_saisie_sont_retires() {
        let siret: Siret = " 218 528 842 00097 ".parse().unwrap();
        assert_eq!(siret.to_string(), "21852884200097");
        let siren: Siren = "218 528 842".parse().unwrap();
        assert_eq!(siren.as_str(), "218528842");
    }

    #[test]
    fn longueur_fausse() {
        let e = erreur_siret("2185288420009");
        assert_eq!(e, ErreurIdentifiant::Longueur { nom: "SIRET", attendu: 14, trouve: 13 });
        assert_eq!(e.to_string(), "le SIRET doit comporter 14 chiffres (vous en avez saisi 13)");
        let e = "21852884".parse::<Siren>().unwrap_err();
        assert_eq!(e.to_string(), "le SIREN doit comporter 9 chiffres (vous en avez saisi 8)");
        assert_eq!(erreur_siret(""), ErreurIdentifiant::Longueur { nom: "SIRET", attendu: 14, trouve: 0 });
    }

    #[test]
    fn caractere_non_numerique() {
        let e = erreur_siret("2185288420009A");
        assert_eq!(
            e,
            ErreurIdentifiant::CaractereNonNumerique { nom: "SIRET", position: 14, caractere: 'A' }
        );
        assert_eq!(
            e.to_string(),
            "le SIRET ne doit contenir que des chiffres : le caractère « A » en position 14 n'est pas un chiffre"
        );
        // Un caractère non ASCII ne fait pas paniquer le découpage.
        assert!(matches!(
            erreur_siret("é1852884200097"),
            ErreurIdentifiant::CaractereNonNumerique { position: 1, .. }
        ));
    }

    #[test]
    fn cle_de_controle_du_siret() {
        let e = erreur_siret("21852884200098");
        assert_eq!(e, ErreurIdentifiant::CleDeControle { nom: "SIRET", valeur: "21852884200098".into() });
        assert!(e.to_string().contains("clé de contrôle (algorithme de Luhn) est fausse"));
    }

    #[test]
    fn cle_de_controle_du_siren_dans_le_siret() {
        let e = erreur_siret("21852884300097");
        assert_eq!(e, ErreurIdentifiant::CleDeControleSiren { siren: "218528843".into() });
        assert_eq!(
            e.to_string(),
            "le SIREN de ce SIRET (218528843) est invalide : sa clé de contrôle est fausse"
        );
        let e = "218528843".parse::<Siren>().unwrap_err();
        assert_eq!(
            e,
            Erreur::Identifiant(ErreurIdentifiant::CleDeControle {
                nom: "SIREN",
                valeur: "218528843".into()
            })
        );
    }

    #[test]
    fn la_poste_somme_des_chiffres() {
        // Le siège garde la clé de Luhn (somme des chiffres 26, pas un multiple de 5).
        assert!("35600000000048".parse::<Siret>().is_ok());
        // Un établissement : somme 15, multiple de 5, alors que la clé de Luhn est fausse.
        assert!(!luhn_valide("35600000000001"));
        assert!("35600000000001".parse::<Siret>().is_ok());
        // Clé de Luhn juste mais somme 19 : refusé.
        assert!(luhn_valide("35600000000014"));
        assert_eq!(
            erreur_siret("35600000000014"),
            ErreurIdentifiant::CleDeControle { nom: "SIRET", valeur: "35600000000014".into() }
        );
    }

    #[test]
    fn numero_de_tva_intracommunautaire() {
        let siren: Siren = "923912349".parse().unwrap();
        // Calcul indépendant : 3 × (n mod 97) ≡ 3 × n (mod 97).
        let n: i128 = 923_912_349;
        let cle = (12 + 3 * n).rem_euclid(97);
        assert_eq!(cle, 83);
        assert_eq!(siren.numero_tva(), format!("FR{cle:02}923912349"));
        assert_eq!(siren.numero_tva(), "FR83923912349");
        // Une clé à un chiffre garde son zéro : SIREN 100000207 → (12 + 3 × 94) mod 97 = 3.
        let autre: Siren = "100000207".parse().unwrap();
        assert_eq!((12 + 3 * 100_000_207_i128).rem_euclid(97), 3);
        assert_eq!(autre.numero_tva(), "FR03100000207");
    }

    #[test]
    fn serde_valide_a_la_lecture() {
        assert!(Siret::try_from("21852884200098".to_string()).is_err());
        assert_eq!(String::from(Siret::try_from("21852884200097".to_string()).unwrap()), "21852884200097");
    }
}
