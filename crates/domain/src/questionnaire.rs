//! Le questionnaire de satisfaction « à chaud », rempli par chaque stagiaire à la fin de la
//! formation : des notes de 1 à 5 et un commentaire libre, et la synthèse de la classe que le
//! formateur présente au bilan (et verse au dossier qualité de l'organisme).

use crate::Anomalie;

/// Une question notée de 1 (pas du tout) à 5 (tout à fait).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Question {
    /// Nom du champ du formulaire et de la colonne de l'export.
    pub code: &'static str,
    pub libelle: &'static str,
}

pub const QUESTIONS: [Question; 6] = [
    Question { code: "objectifs", libelle: "Les objectifs annoncés de la formation ont été atteints." },
    Question { code: "contenu", libelle: "Le contenu était clair et bien organisé." },
    Question { code: "formateur", libelle: "Le formateur a su transmettre et répondre à mes questions." },
    Question { code: "rythme", libelle: "Le rythme et la durée étaient adaptés." },
    Question { code: "utilite", libelle: "Ce que j'ai appris me servira pour facturer mes clients publics." },
    Question { code: "recommandation", libelle: "Je recommanderais cette formation à un collègue." },
];

pub const NOTE_MIN: u8 = 1;
pub const NOTE_MAX: u8 = 5;
pub const COMMENTAIRE_LONGUEUR_MAX: usize = 2000;

/// Ce que veut dire chaque note, pour les libellés du formulaire.
pub fn sens_de_la_note(note: u8) -> &'static str {
    match note {
        1 => "pas du tout d'accord",
        2 => "plutôt pas d'accord",
        3 => "moyennement d'accord",
        4 => "plutôt d'accord",
        _ => "tout à fait d'accord",
    }
}

/// Les réponses d'un stagiaire : une note par question, dans l'ordre de [`QUESTIONS`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reponses {
    pub notes: Vec<u8>,
    pub commentaire: String,
}

/// Contrôle les réponses saisies (`notes` : le texte de chaque champ, dans l'ordre des
/// questions) ; toutes les anomalies à la fois, chacune sur son champ.
pub fn controler(notes: &[String], commentaire: &str) -> Result<Reponses, Vec<Anomalie>> {
    let mut anomalies = Vec::new();
    let mut lues = Vec::with_capacity(QUESTIONS.len());
    for (i, q) in QUESTIONS.iter().enumerate() {
        match notes.get(i).map(|n| n.trim().parse::<u8>()) {
            Some(Ok(n)) if (NOTE_MIN..=NOTE_MAX).contains(&n) => lues.push(n),
            _ => anomalies.push(Anomalie::champ(
                q.code,
                "NOTE",
                format!("Choisissez une note de {NOTE_MIN} à {NOTE_MAX} pour « {} »", q.libelle),
            )),
        }
    }
    let commentaire = commentaire.trim();
    if commentaire.chars().count() > COMMENTAIRE_LONGUEUR_MAX {
        anomalies.push(Anomalie::champ(
            "commentaire",
            "TROP_LONG",
            format!(
                "Le commentaire compte {} caractères : {COMMENTAIRE_LONGUEUR_MAX} au plus.",
                commentaire.chars().count()
            ),
        ));
    }
    if anomalies.is_empty() {
        Ok(Reponses { notes: lues, commentaire: commentaire.to_string() })
    } else {
        Err(anomalies)
    }
}

/// La synthèse d'une question pour la classe.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntheseQuestion {
    pub question: Question,
    /// `None` sans aucune réponse.
    pub moyenne: Option<f32>,
    /// Nombre de réponses pour chaque note, de 1 à 5.
    pub repartition: [usize; 5],
}

#[derive(Debug, Clone, PartialEq)]
pub struct Synthese {
    pub repondants: usize,
    pub questions: Vec<SyntheseQuestion>,
    /// Les commentaires non vides, dans l'ordre des réponses.
    pub commentaires: Vec<String>,
}

pub fn synthese(reponses: &[Reponses]) -> Synthese {
    let questions = QUESTIONS
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let mut repartition = [0usize; 5];
            let notes: Vec<u8> = reponses.iter().filter_map(|r| r.notes.get(i).copied()).collect();
            for n in &notes {
                if let Some(case) = repartition.get_mut(usize::from(n.saturating_sub(NOTE_MIN))) {
                    *case += 1;
                }
            }
            let moyenne = (!notes.is_empty())
                .then(|| notes.iter().map(|n| f32::from(*n)).sum::<f32>() / notes.len() as f32);
            SyntheseQuestion { question: *q, moyenne, repartition }
        })
        .collect();
    Synthese {
        repondants: reponses.len(),
        questions,
        commentaires: reponses.iter().map(|r| r.commentaire.clone()).filter(|c| !c.is_empty()).collect(),
    }
}

/// « 4,3 / 5 ».
pub fn moyenne_lisible(m: Option<f32>) -> String {
    m.map_or_else(|| "—".to_string(), |m| format!("{m:.1} / 5").replace('.', ","))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notes(n: &[&str]) -> Vec<String> {
        n.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn toutes_les_notes_sont_exigees() {
        let a = controler(&notes(&["5", "0", "", "4", "6"]), "").unwrap_err();
        let champs: Vec<_> = a.iter().map(|a| a.champ.as_str()).collect();
        assert_eq!(champs, ["contenu", "formateur", "utilite", "recommandation"]);
        let r = controler(&notes(&["5", "4", "3", "2", "1", "5"]), "  Très concret  ").unwrap();
        assert_eq!(r.notes, [5, 4, 3, 2, 1, 5]);
        assert_eq!(r.commentaire, "Très concret");
        let long = "x".repeat(COMMENTAIRE_LONGUEUR_MAX + 1);
        assert_eq!(controler(&notes(&["5"; 6]), &long).unwrap_err()[0].champ, "commentaire");
    }

    #[test]
    fn moyennes_et_repartition() {
        let r = |n: [u8; 6], c: &str| Reponses { notes: n.to_vec(), commentaire: c.into() };
        let s =
            synthese(&[r([5, 4, 5, 3, 5, 5], "Bien"), r([4, 4, 5, 2, 5, 4], ""), r([3, 4, 5, 4, 5, 5], "")]);
        assert_eq!(s.repondants, 3);
        assert_eq!(s.questions[0].moyenne, Some(4.0));
        assert_eq!(s.questions[0].repartition, [0, 0, 1, 1, 1]);
        assert_eq!(moyenne_lisible(s.questions[3].moyenne), "3,0 / 5");
        assert_eq!(moyenne_lisible(s.questions[5].moyenne), "4,7 / 5");
        assert_eq!(s.commentaires, ["Bien"]);
        assert_eq!(synthese(&[]).questions[0].moyenne, None);
        assert_eq!(moyenne_lisible(None), "—");
    }
}
