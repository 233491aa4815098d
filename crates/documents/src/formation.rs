//! Ce que la feuille d'émargement et l'attestation disent de la formation : les mentions
//! qu'exige un document de formation professionnelle (intitulé, organisme, lieu, formateur,
//! dates, durée).

use chorus_domain::dates::date_en_toutes_lettres;
use chrono::NaiveDate;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Formation {
    pub titre: String,
    pub organisme: String,
    pub lieu: String,
    /// Le formateur : son prénom et son nom (son profil dans la console), à défaut son adresse
    /// électronique.
    pub formateur: String,
    /// L'organisme du formateur, s'il en a donné un ; imprimé à côté de son nom quand ce n'est
    /// pas déjà l'organisme de la formation.
    pub organisme_formateur: String,
    pub date_debut: NaiveDate,
    pub date_fin: NaiveDate,
    /// « 7 heures (2 demi-journées) ».
    pub duree: String,
}

impl Formation {
    /// « le lundi 23 novembre 2026 », « du lundi 23 au mardi 24 novembre 2026 » (écrit en entier).
    pub fn dates(&self) -> String {
        if self.date_debut == self.date_fin {
            format!("le {}", date_en_toutes_lettres(self.date_debut))
        } else {
            format!(
                "du {} au {}",
                date_en_toutes_lettres(self.date_debut),
                date_en_toutes_lettres(self.date_fin)
            )
        }
    }

    /// « Anne Martin (CMA de la Lozère) », ou le nom seul.
    pub fn formateur_et_organisme(&self) -> String {
        let o = self.organisme_formateur.trim();
        if o.is_empty() || o == self.organisme.trim() || self.formateur.trim().is_empty() {
            self.formateur.clone()
        } else {
            format!("{} ({o})", self.formateur)
        }
    }

    /// Les paires libellé-valeur de la fiche d'en-tête.
    pub fn fiche(&self) -> Vec<(&'static str, String)> {
        let ou_tiret = |s: &str| if s.trim().is_empty() { "—".to_string() } else { s.to_string() };
        vec![
            ("Formation", self.titre.clone()),
            ("Organisme de formation", ou_tiret(&self.organisme)),
            ("Lieu", ou_tiret(&self.lieu)),
            ("Formateur", ou_tiret(&self.formateur_et_organisme())),
            ("Dates", self.dates()),
            ("Durée", self.duree.clone()),
        ]
    }
}
