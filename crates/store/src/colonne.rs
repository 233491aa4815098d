//! Les dates telles qu'elles sont écrites en base, relues sans analyser un format `strftime` à
//! chaque ligne : une page de facture en lit une dizaine, la liste des factures des centaines.
//! Ce qui n'a pas exactement la forme attendue passe par la lecture générale de rusqlite.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use rusqlite::Row;
use rusqlite::types::ValueRef;

/// Une date `AAAA-MM-JJ`.
pub fn date(r: &Row<'_>, i: usize) -> rusqlite::Result<NaiveDate> {
    match r.get_ref(i)? {
        ValueRef::Text(t) if let Some(d) = analyser_date(t) => Ok(d),
        _ => r.get(i),
    }
}

/// Une date `AAAA-MM-JJ` ou NULL.
pub fn date_ou_rien(r: &Row<'_>, i: usize) -> rusqlite::Result<Option<NaiveDate>> {
    match r.get_ref(i)? {
        ValueRef::Null => Ok(None),
        ValueRef::Text(t) if let Some(d) = analyser_date(t) => Ok(Some(d)),
        _ => r.get(i),
    }
}

/// Un horodatage UTC tel que chrono l'écrit : `AAAA-MM-JJ HH:MM:SS[.fraction]+00:00`.
pub fn horodatage(r: &Row<'_>, i: usize) -> rusqlite::Result<DateTime<Utc>> {
    match r.get_ref(i)? {
        ValueRef::Text(t) if let Some(h) = analyser_horodatage(t) => Ok(h),
        _ => r.get(i),
    }
}

/// Une date telle que rusqlite l'écrit (`AAAA-MM-JJ`), sans passer par un format `strftime`.
pub fn texte_date(d: NaiveDate) -> String {
    use chrono::Datelike;
    if !(0..=9999).contains(&d.year()) {
        return d.format("%F").to_string();
    }
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// Un horodatage UTC tel que rusqlite l'écrit (`%F %T%.f%:z` : la fraction en 0, 3, 6 ou 9
/// chiffres selon ce qu'elle porte), sans passer par un format `strftime`.
pub fn texte_horodatage(h: &DateTime<Utc>) -> String {
    use chrono::Timelike;
    let nanos = h.nanosecond();
    if nanos >= 1_000_000_000 || !(0..=9999).contains(&chrono::Datelike::year(h)) {
        return h.format("%F %T%.f%:z").to_string();
    }
    let fraction = match nanos {
        0 => String::new(),
        n if n % 1_000_000 == 0 => format!(".{:03}", n / 1_000_000),
        n if n % 1_000 == 0 => format!(".{:06}", n / 1_000),
        n => format!(".{n:09}"),
    };
    format!(
        "{} {:02}:{:02}:{:02}{fraction}+00:00",
        texte_date(h.date_naive()),
        h.hour(),
        h.minute(),
        h.second()
    )
}

fn chiffres(t: &[u8]) -> Option<u32> {
    t.iter().try_fold(0u32, |n, c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
}

fn analyser_date(t: &[u8]) -> Option<NaiveDate> {
    if t.len() != 10 || t[4] != b'-' || t[7] != b'-' {
        return None;
    }
    let annee = i32::try_from(chiffres(&t[0..4])?).ok()?;
    NaiveDate::from_ymd_opt(annee, chiffres(&t[5..7])?, chiffres(&t[8..10])?)
}

fn analyser_horodatage(t: &[u8]) -> Option<DateTime<Utc>> {
    let reste = t.strip_suffix(b"+00:00")?;
    if reste.len() < 19 || reste[10] != b' ' || reste[13] != b':' || reste[16] != b':' {
        return None;
    }
    let date = analyser_date(&reste[..10])?;
    let (h, m, s) = (chiffres(&reste[11..13])?, chiffres(&reste[14..16])?, chiffres(&reste[17..19])?);
    let nanos = match &reste[19..] {
        [] => 0,
        [b'.', fraction @ ..] if (1..=9).contains(&fraction.len()) => {
            chiffres(fraction)? * 10u32.pow(9 - fraction.len() as u32)
        }
        _ => return None,
    };
    let heure = NaiveTime::from_hms_nano_opt(h, m, s, nanos)?;
    Some(date.and_time(heure).and_utc())
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    use super::*;

    /// Chaque forme lue ici donne ce que donne la lecture générale de rusqlite.
    #[test]
    fn memes_valeurs_que_la_lecture_generale() {
        let c = Connection::open_in_memory().unwrap();
        for texte in [
            "2026-12-05",
            "2024-02-29",
            "2026-12-05 20:13:45.311317171+00:00",
            "2026-12-05 20:13:45.3+00:00",
            "2026-12-05 20:13:45+00:00",
            "2026-12-05T20:13:45+00:00",
            "2026-12-05 21:13:45+01:00",
        ] {
            c.query_row("SELECT ?1", [texte], |r| {
                if texte.len() == 10 {
                    assert_eq!(date(r, 0)?, r.get::<_, NaiveDate>(0)?, "{texte}");
                    assert_eq!(date_ou_rien(r, 0)?, Some(r.get::<_, NaiveDate>(0)?), "{texte}");
                } else {
                    assert_eq!(horodatage(r, 0)?, r.get::<_, DateTime<Utc>>(0)?, "{texte}");
                }
                Ok(())
            })
            .unwrap();
        }
        c.query_row("SELECT NULL", [], |r| {
            assert_eq!(date_ou_rien(r, 0)?, None);
            Ok(())
        })
        .unwrap();
    }

    /// Ce qui est écrit ici est exactement ce que rusqlite écrirait.
    #[test]
    fn memes_textes_que_l_ecriture_generale() {
        use rusqlite::ToSql;
        use rusqlite::types::ToSqlOutput;

        fn texte(v: &dyn ToSql) -> String {
            match v.to_sql().unwrap() {
                ToSqlOutput::Owned(rusqlite::types::Value::Text(t)) => t,
                autre => panic!("{autre:?}"),
            }
        }
        let jour = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
        for d in
            [jour, NaiveDate::from_ymd_opt(24, 2, 29).unwrap(), NaiveDate::from_ymd_opt(12026, 1, 1).unwrap()]
        {
            assert_eq!(texte_date(d), texte(&d));
        }
        for (seconde, nanos) in [
            (45, 0),
            (45, 300_000_000),
            (45, 311_000),
            (45, 311_317_171),
            (5, 1_000),
            (0, 5),
            (59, 1_500_000_000),
        ] {
            let h = jour.and_hms_nano_opt(20, 3, seconde, nanos).unwrap().and_utc();
            assert_eq!(texte_horodatage(&h), texte(&h), "{nanos}");
            let relu = analyser_horodatage(texte_horodatage(&h).as_bytes());
            if nanos < 1_000_000_000 {
                assert_eq!(relu, Some(h));
            }
        }
    }

    #[test]
    fn une_date_impossible_reste_une_erreur() {
        let c = Connection::open_in_memory().unwrap();
        for texte in ["2026-02-30", "2026-13-01", "2026-1-011", "abcd-ef-gh"] {
            c.query_row("SELECT ?1", [texte], |r| {
                assert!(date(r, 0).is_err(), "{texte}");
                Ok(())
            })
            .unwrap();
        }
    }
}
