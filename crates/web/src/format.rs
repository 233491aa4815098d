//! Affichage à la française : dates, montants.

use chrono::NaiveDate;
use rust_decimal::Decimal;

/// « 22/11/2026 ».
pub fn date_courte(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// « 22 novembre 2026 ».
pub fn date_longue(d: NaiveDate) -> String {
    chorus_domain::dates::date_longue(d)
}

pub fn euros(m: Decimal) -> String {
    chorus_domain::montants::format_euros(m)
}

pub fn nombre(m: Decimal) -> String {
    chorus_domain::montants::format_nombre(m, 0)
}

/// Une valeur à placer dans un paramètre d'URL (`?identifiant=…`) : tout ce qui n'est pas
/// lettre, chiffre ou `-_.~` devient %XX.
pub fn parametre_url(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
