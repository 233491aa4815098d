//! L'export des résultats d'une classe pour le tableur de l'organisme : une ligne par
//! stagiaire (présence, heures, ce qu'il a fait dans le simulateur, ses réponses au
//! questionnaire). UTF-8 avec marque d'ordre et point-virgule : c'est ce qu'Excel en français
//! ouvre d'un double-clic sans abîmer les accents.

use chorus_domain::emargement::heures_lisibles;
use chorus_domain::questionnaire::QUESTIONS;
use rusqlite::Connection;

use crate::attestation;
use crate::erreur::{Erreur, Resultat};
use crate::questionnaire;

const MARQUE_UTF8: &[u8] = b"\xEF\xBB\xBF";

/// Une cellule qu'un tableur prendrait pour une formule (`=`, `+`, `-`, `@`, ou une tabulation
/// ou un retour en tête) est préfixée d'une apostrophe : un nom ou un commentaire saisi par un
/// stagiaire ne s'exécute jamais à l'ouverture du fichier.
pub fn neutraliser(cellule: &str) -> String {
    match cellule.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cellule}"),
        _ => cellule.to_string(),
    }
}

/// Les résultats d'une classe du formateur, en CSV.
pub fn resultats_csv(c: &Connection, formateur_id: &str, classe_id: &str) -> Resultat<Vec<u8>> {
    resultats_csv_de(c, formateur_id, classe_id, None)
}

/// Les résultats d'un stagiaire de classe, en CSV (sa seule ligne), qu'il télécharge lui-même.
pub fn resultats_du_participant(c: &Connection, participant_id: &str) -> Resultat<Vec<u8>> {
    let (classe, _) = crate::classe::du_participant(c, participant_id)?;
    resultats_csv_de(c, &classe.formateur_id, &classe.id, Some(participant_id))
}

fn resultats_csv_de(
    c: &Connection,
    formateur_id: &str,
    classe_id: &str,
    seulement: Option<&str>,
) -> Resultat<Vec<u8>> {
    let (feuille, bilans) = attestation::resultats(c, formateur_id, classe_id)?;
    let reponses = questionnaire::reponses_de_la_classe(c, &feuille.classe.id)?;
    let mut sortie = MARQUE_UTF8.to_vec();
    {
        let mut w = csv::WriterBuilder::new().delimiter(b';').from_writer(&mut sortie);
        let mut entete: Vec<String> = [
            "Stagiaire",
            "Demi-journées signées",
            "Demi-journées confirmées",
            "Heures de présence",
            "Factures envoyées",
            "Statuts atteints",
            "Saisies refusées",
            "Rejets reçus",
            "Quiz : meilleur examen",
            "Exercices réussis",
            "Mises en situation (évaluation)",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        entete.extend(QUESTIONS.iter().map(|q| format!("Questionnaire : {}", q.libelle)));
        entete.push("Questionnaire : commentaire".into());
        w.write_record(&entete).map_err(Erreur::Csv)?;
        for (l, r) in feuille.lignes.iter().zip(&bilans) {
            if seulement.is_some_and(|p| p != l.participant_id) {
                continue;
            }
            let mut ligne = vec![
                l.nom.clone(),
                l.demi_journees_signees().to_string(),
                l.demi_journees_confirmees().to_string(),
                heures_lisibles(l.heures()),
                r.factures_envoyees.to_string(),
                attestation::statuts_lisibles(r),
                r.anomalies.to_string(),
                r.rejets.to_string(),
            ];
            ligne.extend(acquis(c, &l.participant_id)?);
            match reponses.get(&l.participant_id) {
                Some(rep) => {
                    ligne.extend(rep.notes.iter().map(|n| n.to_string()));
                    ligne.push(rep.commentaire.clone());
                }
                None => ligne.extend(std::iter::repeat_n(String::new(), QUESTIONS.len() + 1)),
            }
            w.write_record(ligne.iter().map(|c| neutraliser(c))).map_err(Erreur::Csv)?;
        }
        w.flush()?;
    }
    Ok(sortie)
}

/// Le meilleur examen de quiz (toutes questions confondues), les exercices réussis, et le
/// score de chaque exercice fait en évaluation.
fn acquis(c: &Connection, participant_id: &str) -> Resultat<[String; 3]> {
    let scores = crate::quiz::scores_par_item_participant(c, participant_id)?;
    let (bonnes, total) = scores.iter().fold((0, 0), |(b, t), (_, bi, ti)| (b + bi, t + ti));
    let quiz = if total == 0 { String::new() } else { format!("{bonnes} / {total}") };
    let progression = crate::scenario::progression_du_participant(c, participant_id)?;
    let mut reussis: Vec<&str> = progression.iter().filter(|p| p.reussi).map(|p| p.titre.as_str()).collect();
    reussis.dedup();
    let evaluations: Vec<String> = progression
        .iter()
        .filter(|p| p.mode == chorus_domain::scenario::Mode::Evaluation)
        .map(|p| format!("{} : {} / {}", p.titre, p.points, p.points_max))
        .collect();
    Ok([quiz, reussis.join(", "), evaluations.join(", ")])
}

#[cfg(test)]
mod tests {
    use super::neutraliser;

    #[test]
    fn formules_neutralisees() {
        assert_eq!(neutraliser("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutraliser("+33 6"), "'+33 6");
        assert_eq!(neutraliser("-1"), "'-1");
        assert_eq!(neutraliser("@SOMME"), "'@SOMME");
        assert_eq!(neutraliser("Zoé"), "Zoé");
        assert_eq!(neutraliser(""), "");
    }
}
