//! Les dates écrites à la française, pour les pages et les documents : « 22 novembre 2026 »,
//! « lundi 23 novembre 2026 ».

use chrono::{Datelike, NaiveDate};

pub const JOURS: [&str; 7] = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"];
pub const MOIS: [&str; 12] = [
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

/// « 22 novembre 2026 ».
pub fn date_longue(d: NaiveDate) -> String {
    format!("{} {} {}", d.day(), MOIS[d.month0() as usize], d.year())
}

/// « lundi 23 novembre 2026 ».
pub fn date_en_toutes_lettres(d: NaiveDate) -> String {
    format!("{} {}", JOURS[d.weekday().num_days_from_monday() as usize], date_longue(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_en_francais() {
        let d = NaiveDate::from_ymd_opt(2026, 8, 3).unwrap();
        assert_eq!(date_longue(d), "3 août 2026");
        assert_eq!(date_en_toutes_lettres(d), "lundi 3 août 2026");
    }
}
