//! Le questionnaire de satisfaction de fin de formation : une réponse par stagiaire, qu'il peut
//! reprendre jusqu'au dernier jour de la formation ; le formateur n'en voit que la synthèse de
//! sa classe (et l'export).

use std::collections::HashMap;

use chorus_domain::questionnaire::{self as regles, QUESTIONS, Reponses, Synthese};
use rusqlite::{Connection, OptionalExtension, params};

use crate::classe::{self, Classe};
use crate::emargement::heure_locale;
use crate::erreur::{Erreur, Resultat};
use crate::horloge::Horloge;

/// Le questionnaire se remplit jusqu'au soir du dernier jour.
pub fn ouvert(classe: &Classe, horloge: &Horloge) -> bool {
    heure_locale(horloge.maintenant()).date() <= classe.date_fin
}

/// La réponse du stagiaire, s'il a déjà répondu.
pub fn reponse(c: &Connection, participant_id: &str) -> Resultat<Option<Reponses>> {
    let commentaire: Option<String> = c
        .prepare_cached("SELECT commentaire FROM questionnaire WHERE participant_id = ?1")?
        .query_row([participant_id], |r| r.get(0))
        .optional()?;
    let Some(commentaire) = commentaire else { return Ok(None) };
    let mut notes = Vec::with_capacity(QUESTIONS.len());
    let mut st =
        c.prepare_cached("SELECT note FROM questionnaire_note WHERE participant_id = ?1 AND question = ?2")?;
    for q in QUESTIONS {
        notes.push(st.query_row(params![participant_id, q.code], |r| r.get(0)).optional()?.unwrap_or(0));
    }
    Ok(Some(Reponses { notes, commentaire }))
}

/// Enregistre (ou remplace) la réponse du stagiaire.
pub fn repondre(c: &Connection, participant_id: &str, r: &Reponses, horloge: &Horloge) -> Resultat<()> {
    let (classe, _) = classe::du_participant(c, participant_id)?;
    if !ouvert(&classe, horloge) {
        return Err(Erreur::Invalide(
            "La formation est terminée : le questionnaire est clos et vos réponses ne peuvent plus changer."
                .into(),
        ));
    }
    c.execute(
        "INSERT INTO questionnaire (participant_id, commentaire, repondu_le) VALUES (?1, ?2, ?3)
         ON CONFLICT (participant_id) DO UPDATE SET commentaire = excluded.commentaire, repondu_le = excluded.repondu_le",
        params![participant_id, r.commentaire, horloge.maintenant()],
    )?;
    let mut st = c.prepare_cached(
        "INSERT INTO questionnaire_note (participant_id, question, note) VALUES (?1, ?2, ?3)
         ON CONFLICT (participant_id, question) DO UPDATE SET note = excluded.note",
    )?;
    for (q, note) in QUESTIONS.iter().zip(&r.notes) {
        st.execute(params![participant_id, q.code, note])?;
    }
    Ok(())
}

/// Les réponses de la classe, par stagiaire.
pub fn reponses_de_la_classe(c: &Connection, classe_id: &str) -> Resultat<HashMap<String, Reponses>> {
    let mut toutes = HashMap::new();
    for p in classe::participants(c, classe_id)? {
        if let Some(r) = reponse(c, &p.id)? {
            toutes.insert(p.id, r);
        }
    }
    Ok(toutes)
}

/// La synthèse du questionnaire pour une classe du formateur ; les réponses dans l'ordre
/// d'arrivée des stagiaires, sans leur nom (les commentaires restent anonymes à l'écran).
pub fn synthese(c: &Connection, formateur_id: &str, classe_id: &str) -> Resultat<(Classe, Synthese)> {
    let classe = classe::charger(c, formateur_id, classe_id)?;
    let mut par_participant = reponses_de_la_classe(c, &classe.id)?;
    let ordonnees: Vec<Reponses> = classe::participants(c, &classe.id)?
        .into_iter()
        .filter_map(|p| par_participant.remove(&p.id))
        .collect();
    Ok((classe, regles::synthese(&ordonnees)))
}
