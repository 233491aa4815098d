//! L'heure réelle, injectée : les tests fixent la date, le serveur lit l'horloge du système.
//! La date simulée d'un bac à sable est la date réelle décalée de son nombre de jours.

use chrono::{DateTime, NaiveDate, Utc};

#[derive(Debug, Clone, Copy)]
pub enum Horloge {
    Systeme,
    Fixe(DateTime<Utc>),
}

impl Horloge {
    pub fn maintenant(&self) -> DateTime<Utc> {
        match self {
            Horloge::Systeme => Utc::now(),
            Horloge::Fixe(t) => *t,
        }
    }

    pub fn aujourd_hui(&self) -> NaiveDate {
        self.maintenant().date_naive()
    }

    /// Horloge fixe au jour donné, midi UTC : pratique pour les tests.
    pub fn fixe(date: NaiveDate) -> Self {
        Horloge::Fixe(date.and_hms_opt(12, 0, 0).expect("midi existe").and_utc())
    }
}
