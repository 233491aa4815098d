//! Affichage à la française : dates, montants.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

/// « 22/11/2026 ».
pub fn date_courte(d: NaiveDate) -> String {
    // Sans passer par un format `strftime` analysé à chaque appel : une page en affiche des dizaines.
    format!("{:02}/{:02}/{:04}", d.day(), d.month(), d.year())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_courte_a_la_francaise() {
        let d = |a, m, j| NaiveDate::from_ymd_opt(a, m, j).unwrap();
        assert_eq!(date_courte(d(2026, 9, 1)), "01/09/2026");
        assert_eq!(date_courte(d(2026, 12, 31)), "31/12/2026");
        assert_eq!(date_courte(d(999, 1, 5)), "05/01/0999");
    }
}
