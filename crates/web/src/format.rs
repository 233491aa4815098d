//! Affichage à la française : dates, montants.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

const MOIS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// « 22/11/2026 ».
pub fn date_courte(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// « 22 novembre 2026 ».
pub fn date_longue(d: NaiveDate) -> String {
    format!("{} {} {}", d.day(), MOIS[d.month0() as usize], d.year())
}

pub fn euros(m: Decimal) -> String {
    chorus_domain::montants::format_euros(m)
}

pub fn nombre(m: Decimal) -> String {
    chorus_domain::montants::format_nombre(m, 0)
}
