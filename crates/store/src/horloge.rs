//! L'heure réelle, injectée : les tests fixent la date, le serveur lit l'horloge du système.
//! La date simulée d'un bac à sable est la date réelle décalée de son nombre de jours.

use chrono::{DateTime, NaiveDate, Utc};

#[derive(Debug, Clone, Copy)]
pub enum Horloge {
    Systeme,
    Fixe(DateTime<Utc>),
    /// L'heure du système décalée : le temps passe, à partir d'un autre instant (démonstrations
    /// et tests de bout en bout, `serve --maintenant`).
    Decalee(chrono::TimeDelta),
}

impl Horloge {
    pub fn maintenant(&self) -> DateTime<Utc> {
        match self {
            Horloge::Systeme => Utc::now(),
            Horloge::Fixe(t) => *t,
            Horloge::Decalee(d) => Utc::now() + *d,
        }
    }

    pub fn aujourd_hui(&self) -> NaiveDate {
        self.maintenant().date_naive()
    }

    /// L'horloge du système, décalée pour qu'il soit `maintenant` à cet instant.
    pub fn a_partir_de(maintenant: DateTime<Utc>) -> Self {
        Horloge::Decalee(maintenant - Utc::now())
    }

    /// Horloge fixe au jour donné, midi UTC : pratique pour les tests.
    pub fn fixe(date: NaiveDate) -> Self {
        Horloge::Fixe(date.and_hms_opt(12, 0, 0).expect("midi existe").and_utc())
    }
}
