//! Les quiz : le catalogue des questions (les fichiers `fixtures/quiz/*.toml`, relus dès qu'un
//! fichier change ; sans dossier, ceux livrés dans le binaire) et les tentatives de chaque
//! stagiaire, en entraînement (un point du programme, correction après chaque question) ou en
//! examen (des questions de tous les points, corrigées à la fin).
//!
//! Les scores par point du programme ([`scores_par_item`]) nourrissent l'attestation de fin de
//! formation : on y retient, pour chaque point, la meilleure tentative d'examen.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

use chorus_domain::programme::Programme;
use chorus_domain::quiz::{self, Question, Score};
use chorus_domain::scenario::{Defaut, ItemProgramme, ligne_de_table};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use crate::erreur::{Erreur, Resultat};
use crate::fichiers::{FichierRefuse, Rechargeable};

/// Les quiz livrés, compilés dans le binaire (un test vérifie qu'il n'en manque aucun).
pub const LIVRES: &[(&str, &str)] = &[
    ("contexte.toml", include_str!("../../../fixtures/quiz/contexte.toml")),
    ("portail.toml", include_str!("../../../fixtures/quiz/portail.toml")),
    ("circuit-facture.toml", include_str!("../../../fixtures/quiz/circuit-facture.toml")),
    ("paiement.toml", include_str!("../../../fixtures/quiz/paiement.toml")),
    ("sous-traitance.toml", include_str!("../../../fixtures/quiz/sous-traitance.toml")),
    ("securite.toml", include_str!("../../../fixtures/quiz/securite.toml")),
    ("travaux.toml", include_str!("../../../fixtures/quiz/travaux.toml")),
    ("reforme.toml", include_str!("../../../fixtures/quiz/reforme.toml")),
    ("regles-2016.toml", include_str!("../../../fixtures/quiz/regles-2016.toml")),
    ("concernes.toml", include_str!("../../../fixtures/quiz/concernes.toml")),
    ("enjeux.toml", include_str!("../../../fixtures/quiz/enjeux.toml")),
    ("modes-echange.toml", include_str!("../../../fixtures/quiz/modes-echange.toml")),
    ("types-factures.toml", include_str!("../../../fixtures/quiz/types-factures.toml")),
    ("obligations-acheteur.toml", include_str!("../../../fixtures/quiz/obligations-acheteur.toml")),
];

/// Nombre de questions d'un examen (moins si le catalogue en a moins).
pub const QUESTIONS_PAR_EXAMEN: usize = 20;

#[derive(Debug)]
pub struct CatalogueQuiz(Rechargeable<Vec<Question>>);

impl CatalogueQuiz {
    pub fn livre() -> CatalogueQuiz {
        CatalogueQuiz(Rechargeable::livre(LIVRES, controler_fichiers))
    }

    pub fn depuis_dossier(dossier: &Path) -> CatalogueQuiz {
        CatalogueQuiz(Rechargeable::depuis_dossier(dossier, controler_fichiers))
    }

    /// Toutes les questions, dans l'ordre du programme puis des fichiers.
    pub fn questions(&self) -> Arc<Vec<Question>> {
        self.0.contenu()
    }

    pub fn refuses(&self) -> Arc<Vec<FichierRefuse>> {
        self.0.refuses()
    }

    /// Nombre de questions de chaque point du programme (0 pour un point sans question).
    pub fn nombre_par_item(&self) -> BTreeMap<ItemProgramme, usize> {
        let mut n: BTreeMap<ItemProgramme, usize> = ItemProgramme::TOUS.iter().map(|&i| (i, 0)).collect();
        for q in self.questions().iter() {
            *n.entry(q.item).or_default() += 1;
        }
        n
    }
}

/// Contrôle chaque fichier (nom, texte) ; un identifiant de question ne sert qu'une fois dans
/// tout le catalogue (les réponses enregistrées s'y rattachent) : le second fichier est refusé.
/// Le catalogue et `chorus-sandbox quiz check` contrôlent de la même façon.
pub fn controler_fichiers(fichiers: Vec<(String, String)>) -> (Vec<Question>, Vec<FichierRefuse>) {
    let mut questions: Vec<Question> = Vec::new();
    let mut refuses = Vec::new();
    for (fichier, texte) in fichiers {
        match quiz::controler(&texte) {
            Ok(q) => {
                let pris: BTreeSet<&str> = questions.iter().map(|q| q.id.as_str()).collect();
                let doublons: Vec<Defaut> = q
                    .questions
                    .iter()
                    .enumerate()
                    .filter(|(_, nouvelle)| pris.contains(nouvelle.id.as_str()))
                    .map(|(i, nouvelle)| Defaut {
                        ligne: ligne_de_table(&texte, "question", i),
                        message: format!(
                            "question n° {} : l'identifiant « {} » est déjà celui d'une question d'un autre fichier",
                            i + 1,
                            nouvelle.id
                        ),
                    })
                    .collect();
                if doublons.is_empty() {
                    questions.extend(q.questions);
                } else {
                    refuses.push(FichierRefuse { fichier, defauts: doublons });
                }
            }
            Err(defauts) => refuses.push(FichierRefuse { fichier, defauts }),
        }
    }
    // Tri stable : l'ordre des fichiers est gardé à l'intérieur de chaque point.
    questions.sort_by_key(|q| q.item);
    (questions, refuses)
}

/// Entraînement : un point du programme, la correction après chaque réponse. Examen : des
/// questions de tous les points, aucune correction avant la fin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Entrainement,
    Examen,
}

impl Mode {
    fn code(self) -> &'static str {
        match self {
            Mode::Entrainement => "entrainement",
            Mode::Examen => "examen",
        }
    }

    fn depuis_code(code: &str) -> Mode {
        if code == "examen" { Mode::Examen } else { Mode::Entrainement }
    }

    pub fn libelle(self) -> &'static str {
        match self {
            Mode::Entrainement => "Entraînement",
            Mode::Examen => "Examen",
        }
    }
}

/// Une réponse enregistrée.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reponse {
    pub question_id: String,
    pub choix: Vec<usize>,
    pub juste: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Tentative {
    pub id: String,
    pub mode: Mode,
    pub item: Option<ItemProgramme>,
    /// Le programme d'un examen (None : tous les points).
    pub programme: Option<Programme>,
    pub questions: Vec<Question>,
    pub commencee_le: DateTime<Utc>,
    pub terminee_le: Option<DateTime<Utc>>,
    pub reponses: Vec<Reponse>,
}

impl Tentative {
    pub fn terminee(&self) -> bool {
        self.terminee_le.is_some()
    }

    pub fn reponse(&self, question_id: &str) -> Option<&Reponse> {
        self.reponses.iter().find(|r| r.question_id == question_id)
    }

    /// La prochaine question sans réponse (entraînement).
    pub fn question_suivante(&self) -> Option<&Question> {
        self.questions.iter().find(|q| self.reponse(&q.id).is_none())
    }

    /// Les scores de la tentative, par point du programme, sur les questions répondues.
    pub fn scores(&self) -> BTreeMap<ItemProgramme, Score> {
        quiz::scores_par_item(
            self.questions.iter().filter_map(|q| self.reponse(&q.id).map(|r| (q.item, r.juste))),
        )
    }

    pub fn score(&self) -> Score {
        self.scores()
            .values()
            .fold(Score::default(), |a, s| Score { bonnes: a.bonnes + s.bonnes, total: a.total + s.total })
    }
}

/// Sur quoi porte une tentative : un point du programme (entraînement), ou un examen sur les
/// points d'un programme (ou de tous).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Portee {
    Point(ItemProgramme),
    Examen(Option<Programme>),
}

/// Commence une tentative. En entraînement, toutes les questions du point `item`, dans un
/// ordre mélangé ; en examen, [`QUESTIONS_PAR_EXAMEN`] questions réparties entre les points du
/// programme choisi. `graine` fixe le tirage, gardé avec la tentative.
pub fn commencer(
    c: &Connection,
    utilisateur_id: &str,
    mode: Mode,
    portee: Option<Portee>,
    catalogue: &[Question],
    graine: u64,
    maintenant: DateTime<Utc>,
) -> Resultat<String> {
    let (item, programme) = match portee {
        Some(Portee::Point(i)) => (Some(i), None),
        Some(Portee::Examen(p)) => (None, p),
        None => (None, None),
    };
    let tirees = match (mode, item) {
        (Mode::Entrainement, Some(item)) => {
            let du_point: Vec<Question> = catalogue.iter().filter(|q| q.item == item).cloned().collect();
            quiz::tirer(&du_point, &[item], du_point.len(), graine)
        }
        (Mode::Entrainement, None) => {
            return Err(Erreur::Invalide(
                "Choisissez le point du programme sur lequel vous entraîner.".into(),
            ));
        }
        (Mode::Examen, _) => {
            let items = programme.map_or(&ItemProgramme::TOUS[..], Programme::items);
            quiz::tirer(catalogue, items, QUESTIONS_PAR_EXAMEN, graine)
        }
    };
    if tirees.is_empty() {
        return Err(Erreur::Invalide("Il n'y a pas encore de question pour ce point du programme.".into()));
    }
    let participant: Option<String> = c
        .prepare_cached("SELECT participant_id FROM utilisateur WHERE id = ?1")?
        .query_row([utilisateur_id], |r| r.get(0))
        .optional()?
        .ok_or(Erreur::Introuvable("compte"))?;
    let id = Uuid::new_v4().to_string();
    c.execute(
        "INSERT INTO quiz_tentative
             (id, utilisateur_id, participant_id, mode, item, graine, questions, commencee_le, programme)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            id,
            utilisateur_id,
            participant,
            mode.code(),
            item.map(ItemProgramme::code),
            // SQLite n'a que des entiers signés : on garde les 64 bits tels quels.
            graine as i64,
            serde_json::to_string(&tirees)?,
            maintenant,
            programme.map(Programme::code)
        ],
    )?;
    Ok(id)
}

/// Une tentative de cet utilisateur ; celle d'un autre est introuvable.
pub fn tentative(c: &Connection, utilisateur_id: &str, id: &str) -> Resultat<Tentative> {
    /// Une ligne de `quiz_tentative`, telle que lue.
    struct Ligne {
        mode: String,
        item: Option<String>,
        questions: String,
        commencee_le: DateTime<Utc>,
        terminee_le: Option<DateTime<Utc>>,
        programme: Option<String>,
    }
    let Ligne { mode, item, questions, commencee_le, terminee_le, programme } = c
        .prepare_cached(
            "SELECT mode, item, questions, commencee_le, terminee_le, programme FROM quiz_tentative
             WHERE id = ?1 AND utilisateur_id = ?2",
        )?
        .query_row(params![id, utilisateur_id], |r| {
            Ok(Ligne {
                mode: r.get(0)?,
                item: r.get(1)?,
                questions: r.get(2)?,
                commencee_le: r.get(3)?,
                terminee_le: r.get(4)?,
                programme: r.get(5)?,
            })
        })
        .optional()?
        .ok_or(Erreur::Introuvable("tentative de quiz"))?;
    let reponses = c
        .prepare_cached("SELECT question_id, choix, juste FROM quiz_reponse WHERE tentative_id = ?1")?
        .query_map([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, bool>(2)?)))?
        .map(|l| {
            let (question_id, choix, juste) = l?;
            Ok(Reponse { question_id, choix: serde_json::from_str(&choix)?, juste })
        })
        .collect::<Resultat<Vec<_>>>()?;
    Ok(Tentative {
        id: id.to_string(),
        mode: Mode::depuis_code(&mode),
        item: item.as_deref().and_then(ItemProgramme::depuis_code),
        programme: programme.as_deref().and_then(Programme::depuis_code),
        questions: serde_json::from_str(&questions)?,
        commencee_le,
        terminee_le,
        reponses,
    })
}

/// Entraînement : enregistre la réponse à une question et dit si elle est juste. La première
/// réponse compte ; la tentative se termine avec la dernière question.
pub fn repondre(
    c: &Connection,
    utilisateur_id: &str,
    tentative_id: &str,
    question_id: &str,
    choix: &[usize],
    maintenant: DateTime<Utc>,
) -> Resultat<bool> {
    let t = tentative(c, utilisateur_id, tentative_id)?;
    if t.mode != Mode::Entrainement {
        return Err(Erreur::Invalide("Un examen se rend en une fois, avec toutes ses réponses.".into()));
    }
    let q =
        t.questions.iter().find(|q| q.id == question_id).ok_or_else(|| {
            Erreur::Invalide("Cette question ne fait pas partie de cet entraînement.".into())
        })?;
    if t.reponse(question_id).is_some() {
        return Err(Erreur::Invalide(
            "Vous avez déjà répondu à cette question : c'est la première réponse qui compte. Passez à la suivante.".into(),
        ));
    }
    let juste = enregistrer(c, tentative_id, q, choix, maintenant)?;
    if t.reponses.len() + 1 == t.questions.len() {
        terminer(c, tentative_id, maintenant)?;
    }
    Ok(juste)
}

/// Examen : enregistre toutes les réponses (question → rangs cochés) et termine la tentative.
/// Une question laissée sans réponse compte fausse.
pub fn rendre_examen(
    c: &Connection,
    utilisateur_id: &str,
    tentative_id: &str,
    reponses: &BTreeMap<String, Vec<usize>>,
    maintenant: DateTime<Utc>,
) -> Resultat<()> {
    let t = tentative(c, utilisateur_id, tentative_id)?;
    if t.mode != Mode::Examen {
        return Err(Erreur::Invalide(
            "Cette tentative est un entraînement : répondez question par question.".into(),
        ));
    }
    if t.terminee() {
        return Err(Erreur::Invalide("Cet examen est déjà rendu : ses réponses ne changent plus.".into()));
    }
    if let Some(inconnue) = reponses.keys().find(|id| !t.questions.iter().any(|q| &q.id == *id)) {
        return Err(Erreur::Invalide(format!(
            "La question « {inconnue} » ne fait pas partie de cet examen."
        )));
    }
    for q in &t.questions {
        enregistrer(c, tentative_id, q, reponses.get(&q.id).map(Vec::as_slice).unwrap_or(&[]), maintenant)?;
    }
    terminer(c, tentative_id, maintenant)
}

fn enregistrer(
    c: &Connection,
    tentative_id: &str,
    q: &Question,
    choix: &[usize],
    maintenant: DateTime<Utc>,
) -> Resultat<bool> {
    if let Some(&hors) = choix.iter().find(|&&r| r >= q.choix.len()) {
        return Err(Erreur::Invalide(format!(
            "La réponse « {} » n'existe pas : cette question a {} choix.",
            quiz::lettre(hors),
            q.choix.len()
        )));
    }
    let choix: Vec<usize> = choix.iter().copied().collect::<BTreeSet<_>>().into_iter().collect();
    let juste = q.est_juste(&choix);
    c.prepare_cached(
        "INSERT INTO quiz_reponse (tentative_id, question_id, item, choix, juste, repondue_le)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        tentative_id,
        q.id,
        q.item.code(),
        serde_json::to_string(&choix)?,
        juste,
        maintenant
    ])?;
    Ok(juste)
}

fn terminer(c: &Connection, tentative_id: &str, maintenant: DateTime<Utc>) -> Resultat<()> {
    c.execute("UPDATE quiz_tentative SET terminee_le = ?2 WHERE id = ?1", params![tentative_id, maintenant])?;
    Ok(())
}

/// Une tentative, telle que la liste des tentatives la montre.
#[derive(Debug, Clone, PartialEq)]
pub struct ResumeTentative {
    pub id: String,
    pub mode: Mode,
    pub item: Option<ItemProgramme>,
    pub commencee_le: DateTime<Utc>,
    pub terminee_le: Option<DateTime<Utc>>,
    pub bonnes: u32,
    pub repondues: u32,
    pub questions: u32,
}

/// Les tentatives de l'utilisateur, les plus récentes d'abord.
pub fn tentatives(c: &Connection, utilisateur_id: &str) -> Resultat<Vec<ResumeTentative>> {
    let mut st = c.prepare_cached(
        "SELECT t.id, t.mode, t.item, t.commencee_le, t.terminee_le,
                coalesce(sum(r.juste), 0), count(r.question_id), json_array_length(t.questions)
         FROM quiz_tentative t LEFT JOIN quiz_reponse r ON r.tentative_id = t.id
         WHERE t.utilisateur_id = ?1
         GROUP BY t.id ORDER BY t.commencee_le DESC, t.rowid DESC",
    )?;
    let lignes = st.query_map([utilisateur_id], |r| {
        Ok(ResumeTentative {
            id: r.get(0)?,
            mode: Mode::depuis_code(&r.get::<_, String>(1)?),
            item: r.get::<_, Option<String>>(2)?.as_deref().and_then(ItemProgramme::depuis_code),
            commencee_le: r.get(3)?,
            terminee_le: r.get(4)?,
            bonnes: r.get(5)?,
            repondues: r.get(6)?,
            questions: r.get(7)?,
        })
    })?;
    Ok(lignes.collect::<Result<_, _>>()?)
}

/// De qui on lit les scores : le compte du portail, ou le stagiaire de classe (l'attestation
/// de fin de formation le connaît ; ses réponses restent même si son compte est effacé).
#[derive(Debug, Clone, Copy)]
enum Qui<'a> {
    Utilisateur(&'a str),
    Participant(&'a str),
}

impl<'a> Qui<'a> {
    fn filtre(self) -> (&'static str, &'a str) {
        match self {
            Qui::Utilisateur(id) => ("t.utilisateur_id = ?1", id),
            Qui::Participant(id) => ("t.participant_id = ?1", id),
        }
    }
}

/// Les scores d'examen par point du programme : pour chaque point, la meilleure tentative
/// d'examen rendue (bonnes réponses, questions posées sur ce point). Les points jamais
/// évalués n'y sont pas.
pub fn scores_par_item(c: &Connection, utilisateur_id: &str) -> Resultat<Vec<(ItemProgramme, u32, u32)>> {
    meilleurs_examens(c, Qui::Utilisateur(utilisateur_id))
}

/// [`scores_par_item`] pour un stagiaire de classe (`participant.id`), tous ses comptes réunis.
pub fn scores_par_item_participant(
    c: &Connection,
    participant_id: &str,
) -> Resultat<Vec<(ItemProgramme, u32, u32)>> {
    meilleurs_examens(c, Qui::Participant(participant_id))
}

fn meilleurs_examens(c: &Connection, qui: Qui<'_>) -> Resultat<Vec<(ItemProgramme, u32, u32)>> {
    let (filtre, id) = qui.filtre();
    let sql = format!(
        "SELECT r.item, sum(r.juste), count(*)
         FROM quiz_reponse r JOIN quiz_tentative t ON t.id = r.tentative_id
         WHERE {filtre} AND t.mode = 'examen' AND t.terminee_le IS NOT NULL
         GROUP BY r.tentative_id, r.item"
    );
    let mut meilleurs: BTreeMap<ItemProgramme, Score> = BTreeMap::new();
    for (item, score) in scores_lus(c, &sql, id)? {
        let garde = meilleurs.entry(item).or_insert(score);
        if score.meilleur_que(*garde) {
            *garde = score;
        }
    }
    Ok(meilleurs.into_iter().map(|(i, s)| (i, s.bonnes, s.total)).collect())
}

/// L'historique d'entraînement par point du programme : toutes les réponses données en
/// entraînement (bonnes, données).
pub fn entrainement_par_item(
    c: &Connection,
    utilisateur_id: &str,
) -> Resultat<Vec<(ItemProgramme, u32, u32)>> {
    let (filtre, id) = Qui::Utilisateur(utilisateur_id).filtre();
    let sql = format!(
        "SELECT r.item, sum(r.juste), count(*)
         FROM quiz_reponse r JOIN quiz_tentative t ON t.id = r.tentative_id
         WHERE {filtre} AND t.mode = 'entrainement'
         GROUP BY r.item"
    );
    Ok(scores_lus(c, &sql, id)?.into_iter().map(|(i, s)| (i, s.bonnes, s.total)).collect())
}

fn scores_lus(c: &Connection, sql: &str, id: &str) -> Resultat<Vec<(ItemProgramme, Score)>> {
    let mut st = c.prepare_cached(sql)?;
    let lignes =
        st.query_map([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?, r.get::<_, u32>(2)?)))?;
    let mut scores = Vec::new();
    for l in lignes {
        let (item, bonnes, total) = l?;
        // Un point du programme retiré depuis ne compte plus.
        if let Some(item) = ItemProgramme::depuis_code(&item) {
            scores.push((item, Score { bonnes, total }));
        }
    }
    Ok(scores)
}
