//! La feuille d'émargement imprimable : une page par demi-journée, avec l'état de chaque
//! stagiaire (« Présent » une fois confirmé par le formateur), l'heure de sa signature à
//! l'écran, et la place de la signature du formateur ; puis le récapitulatif des heures. C'est
//! un vrai document de la formation : il ne porte pas la mention du simulateur.

use chorus_domain::emargement::{DemiJournee, Presence, heures, heures_lisibles};

use crate::erreur::Erreur;
use crate::formation::Formation;
use crate::production::{Colonne, DocumentPdf, Tableau};

/// Ce qui est noté pour un stagiaire et une demi-journée.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFeuille {
    pub presence: Presence,
    /// « Signé le 23/11/2026 à 09:12 », « Feuille papier », ou vide.
    pub mention: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StagiaireFeuille {
    pub nom: String,
    /// Une case par demi-journée du calendrier, dans l'ordre.
    pub cases: Vec<CaseFeuille>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeuilleEmargement {
    pub formation: Formation,
    pub calendrier: Vec<DemiJournee>,
    pub stagiaires: Vec<StagiaireFeuille>,
}

/// La feuille de toutes les demi-journées (`seulement` : `None`), ou d'une seule (son rang).
pub fn feuille_emargement(f: &FeuilleEmargement, seulement: Option<u8>) -> Result<Vec<u8>, Erreur> {
    let titre = format!("Feuille d'émargement — {}", f.formation.titre);
    let mut doc = DocumentPdf::nouveau(&titre).document_de_formation();
    let signature = if f.formation.formateur.trim().is_empty() {
        "Signature du formateur".to_string()
    } else {
        format!("Signature du formateur : {}", f.formation.formateur)
    };
    let choisies: Vec<&DemiJournee> =
        f.calendrier.iter().filter(|d| seulement.is_none_or(|r| d.rang == r)).collect();
    for (i, d) in choisies.iter().enumerate() {
        if i > 0 {
            doc = doc.saut_de_page();
        }
        doc = doc
            .titre("Feuille d'émargement")
            .fiche(&f.formation.fiche())
            .intertitre(&format!("Demi-journée du {}", d.libelle()))
            .tableau(Tableau {
                colonnes: vec![
                    Colonne::new("N°", 0.4),
                    Colonne::new("Stagiaire", 2.6),
                    Colonne::new("Présence", 1.4),
                    Colonne::new("Signature", 2.4),
                ],
                lignes: f
                    .stagiaires
                    .iter()
                    .enumerate()
                    .map(|(n, s)| {
                        let case = s.cases.get(usize::from(d.rang) - 1);
                        vec![
                            (n + 1).to_string(),
                            s.nom.clone(),
                            case.map_or(Presence::NonSigne, |c| c.presence).libelle().to_string(),
                            case.map(|c| c.mention.clone()).unwrap_or_default(),
                        ]
                    })
                    .collect(),
            })
            .paragraphe(
                "Seules les présences confirmées par le formateur (« Présent ») sont retenues pour l'attestation.",
            )
            .signatures(&[signature.as_str()]);
    }
    if seulement.is_none() && !f.calendrier.is_empty() {
        doc = doc.saut_de_page().titre("Récapitulatif des présences").tableau(Tableau {
            colonnes: vec![
                Colonne::new("Stagiaire", 3.0),
                Colonne::new("Demi-journées confirmées", 1.6).a_droite(),
                Colonne::new("Heures", 1.2).a_droite(),
            ],
            lignes: f
                .stagiaires
                .iter()
                .map(|s| {
                    let n = s.cases.iter().filter(|c| c.presence.compte()).count();
                    vec![s.nom.clone(), format!("{n} / {}", f.calendrier.len()), heures_lisibles(heures(n))]
                })
                .collect(),
        });
    }
    doc.produire()
}

#[cfg(test)]
pub(crate) mod tests {
    use chorus_domain::emargement::calendrier;
    use chrono::NaiveDate;

    use super::*;
    use crate::production::tests::texte_du_pdf;

    pub(crate) fn formation() -> Formation {
        Formation {
            titre: "Déposer ses factures sur Chorus Pro".into(),
            organisme: "Chambre de métiers et de l'artisanat".into(),
            lieu: "CMA Lozère, Mende".into(),
            formateur: "Anne Martin".into(),
            organisme_formateur: "Formations Martin".into(),
            date_debut: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            date_fin: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            duree: "7 heures (2 demi-journées)".into(),
        }
    }

    #[test]
    fn une_page_par_demi_journee_puis_le_recapitulatif() {
        let case = |presence, mention: &str| CaseFeuille { presence, mention: mention.into() };
        let f = FeuilleEmargement {
            formation: formation(),
            calendrier: calendrier(formation().date_debut, formation().date_fin, 2),
            stagiaires: vec![
                StagiaireFeuille {
                    nom: "Zoé Lœuvre".into(),
                    cases: vec![
                        case(Presence::Confirme, "Signé le 23/11/2026 à 09:12"),
                        case(Presence::Signe, "Signé le 23/11/2026 à 13:40"),
                    ],
                },
                StagiaireFeuille {
                    nom: "Paul Martin".into(),
                    cases: vec![case(Presence::Absent, ""), case(Presence::Confirme, "Feuille papier")],
                },
            ],
        };
        let pdf = feuille_emargement(&f, None).unwrap();
        assert_eq!(lopdf::Document::load_mem(&pdf).unwrap().get_pages().len(), 3);
        let texte = texte_du_pdf(&pdf);
        for attendu in [
            "Feuille d'émargement",
            "Chambre de métiers et de l'artisanat",
            "CMA Lozère, Mende",
            "Anne Martin (Formations Martin)",
            "le lundi 23 novembre 2026",
            "Demi-journée du lundi 23 novembre 2026, matin",
            "Demi-journée du lundi 23 novembre 2026, après-midi",
            "Zoé Lœuvre",
            "Présent",
            "Signé, à confirmer",
            "Absent",
            "Signé le 23/11/2026 à 09:12",
            "Feuille papier",
            "Signature du formateur : Anne Martin",
            "Récapitulatif des présences",
            "3,5 heures",
        ] {
            assert!(texte.contains(attendu), "« {attendu} » absent de :\n{texte}");
        }
        assert!(!texte.contains("SIMULATEUR") && !texte.contains("fictif"), "un vrai document : {texte}");
        let une = texte_du_pdf(&feuille_emargement(&f, Some(2)).unwrap());
        assert!(une.contains("après-midi") && !une.contains(", matin") && !une.contains("Récapitulatif"));
    }
}
