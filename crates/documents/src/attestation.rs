//! L'attestation de présence et des acquis de fin de formation, une par stagiaire : la
//! formation, les heures de présence confirmées, les objectifs du programme, ce que le
//! stagiaire a fait dans le simulateur ; les résultats des évaluations (quiz) viendront
//! s'y ajouter en une section de plus, sans rien changer au reste. C'est un vrai document de la
//! formation, que l'organisme remet au stagiaire : il ne porte pas la mention du simulateur.

use chorus_domain::emargement::heures_lisibles;
use chrono::NaiveDate;

use crate::erreur::Erreur;
use crate::formation::Formation;
use crate::production::{Colonne, DocumentPdf, Tableau};

#[derive(Debug, Clone, PartialEq)]
pub struct Attestation {
    pub formation: Formation,
    pub stagiaire: String,
    pub demi_journees_confirmees: usize,
    pub demi_journees_prevues: usize,
    pub heures_presence: f32,
    pub objectifs: Vec<String>,
    /// Ce que le stagiaire a réalisé dans le simulateur : libellé et valeur.
    pub realisations: Vec<(String, String)>,
    /// Résultats des évaluations par point du programme (point, résultat) ; vide tant
    /// qu'aucune évaluation n'a eu lieu : la section n'apparaît pas.
    pub evaluations: Vec<(String, String)>,
    /// Date de délivrance (jour réel).
    pub delivree_le: NaiveDate,
}

fn ajouter(doc: DocumentPdf, a: &Attestation) -> DocumentPdf {
    let f = &a.formation;
    let organisme = if f.organisme.trim().is_empty() { "L'organisme de formation" } else { &f.organisme };
    let mut doc = doc
        .titre("Attestation de présence et des acquis de fin de formation")
        .paragraphe(&format!(
            "{organisme} atteste que {} a suivi la formation « {} », {}, pour une durée de présence de {} \
             ({} demi-journée(s) sur {}).",
            a.stagiaire,
            f.titre,
            f.dates(),
            heures_lisibles(a.heures_presence),
            a.demi_journees_confirmees,
            a.demi_journees_prevues
        ))
        .intertitre("La formation")
        .fiche(&f.fiche())
        .intertitre("Présence")
        .fiche(&[
            ("Stagiaire", a.stagiaire.clone()),
            (
                "Demi-journées de présence confirmées",
                format!("{} sur {}", a.demi_journees_confirmees, a.demi_journees_prevues),
            ),
            ("Heures de présence", heures_lisibles(a.heures_presence)),
        ])
        .intertitre("Objectifs de la formation");
    for o in &a.objectifs {
        doc = doc.paragraphe(&format!("• {o}"));
    }
    doc = doc.intertitre("Acquis : mise en situation sur le simulateur du portail Chorus Pro");
    doc = if a.realisations.is_empty() {
        doc.paragraphe("Aucune activité enregistrée dans le simulateur.")
    } else {
        doc.fiche(&a.realisations)
    };
    if !a.evaluations.is_empty() {
        doc = doc.intertitre("Évaluation des acquis").tableau(Tableau {
            colonnes: vec![Colonne::new("Point du programme", 3.0), Colonne::new("Résultat", 1.0).a_droite()],
            lignes: a.evaluations.iter().map(|(p, r)| vec![p.clone(), r.clone()]).collect(),
        });
    }
    let date = a.delivree_le.format("%d/%m/%Y");
    let fait =
        if f.lieu.trim().is_empty() { format!("Le {date}.") } else { format!("À {}, le {date}.", f.lieu) };
    let formateur = if f.formateur.trim().is_empty() {
        "Le formateur".to_string()
    } else {
        format!("Le formateur : {}", f.formateur)
    };
    doc.espace(8.0).paragraphe(&fait).signatures(&[formateur.as_str(), "Cachet et signature de l'organisme"])
}

/// L'attestation d'un stagiaire.
pub fn attestation(a: &Attestation) -> Result<Vec<u8>, Erreur> {
    let doc = DocumentPdf::nouveau(&format!("Attestation de fin de formation — {}", a.stagiaire));
    ajouter(doc.document_de_formation(), a).produire()
}

/// Les attestations de toute la classe, une par page, en un seul PDF à imprimer.
pub fn attestations(titre: &str, toutes: &[Attestation]) -> Result<Vec<u8>, Erreur> {
    let mut doc =
        DocumentPdf::nouveau(&format!("Attestations de fin de formation — {titre}")).document_de_formation();
    for (i, a) in toutes.iter().enumerate() {
        if i > 0 {
            doc = doc.saut_de_page();
        }
        doc = ajouter(doc, a);
    }
    if toutes.is_empty() {
        doc = doc.paragraphe("Aucun stagiaire dans cette classe.");
    }
    doc.produire()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::production::tests::texte_du_pdf;

    fn a(nom: &str) -> Attestation {
        Attestation {
            formation: crate::emargement::tests::formation(),
            stagiaire: nom.into(),
            demi_journees_confirmees: 1,
            demi_journees_prevues: 2,
            heures_presence: 3.5,
            objectifs: vec!["Saisir ou déposer une facture.".into()],
            realisations: vec![
                ("Factures envoyées".into(), "3".into()),
                ("Statuts atteints".into(), "Déposée, Rejetée".into()),
            ],
            evaluations: vec![],
            delivree_le: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        }
    }

    #[test]
    fn l_attestation_dit_la_formation_les_heures_et_les_acquis() {
        let texte = texte_du_pdf(&attestation(&a("Zoé Lœuvre")).unwrap());
        for attendu in [
            "Attestation de présence et des acquis de fin de formation",
            "Chambre de métiers et de l'artisanat atteste que Zoé Lœuvre",
            "a suivi la formation « Déposer ses factures sur",
            "le lundi 23 novembre 2026",
            "3,5 heures",
            "1 sur 2",
            "Saisir ou déposer une facture.",
            "Factures envoyées",
            "Déposée, Rejetée",
            "À CMA Lozère, Mende, le 23/11/2026.",
            "Cachet et signature de l'organisme",
            "Anne Martin (Formations Martin)",
            "Le formateur : Anne Martin",
        ] {
            assert!(texte.contains(attendu), "« {attendu} » absent de :\n{texte}");
        }
        assert!(!texte.contains("SIMULATEUR DE FORMATION") && !texte.contains("sans valeur"), "{texte}");
        assert!(!texte.contains("Évaluation des acquis"), "pas d'évaluation inventée");
        let avec = Attestation {
            evaluations: vec![("Le cadre de facturation".into(), "8 / 10".into())],
            ..a("Paul")
        };
        assert!(texte_du_pdf(&attestation(&avec).unwrap()).contains("Évaluation des acquis"));
    }

    #[test]
    fn toutes_les_attestations_en_un_pdf() {
        let pdf = attestations("Classe", &[a("Zoé Lœuvre"), a("Paul Martin")]).unwrap();
        let pages = lopdf::Document::load_mem(&pdf).unwrap().get_pages().len();
        assert!(pages >= 2);
        let texte = texte_du_pdf(&pdf);
        assert!(texte.contains("Zoé Lœuvre") && texte.contains("Paul Martin"));
    }
}
