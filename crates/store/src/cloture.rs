//! Clore une classe, garder ses documents, effacer les données personnelles de ses stagiaires.
//!
//! À la clôture, les feuilles d'émargement, les attestations et les résultats de la classe sont
//! figés en documents (PDF, CSV) et gardés pendant la durée de conservation de l'organisme
//! (réglage `--conservation-mois`, 36 mois par défaut) : ce sont les preuves d'une formation
//! qu'un audit demande. Les bacs à sable des stagiaires, leurs comptes, messages, signatures,
//! tentatives de quiz et questionnaires sont supprimés après un délai (réglage
//! `--suppression-jours`, 30 jours par défaut), le temps pour chacun de télécharger son
//! attestation et ses résultats. Au terme de la conservation, la classe et ses documents sont
//! supprimés à leur tour. Choix du simulateur : les deux durées par défaut ; l'organisme les
//! règle selon sa politique.

use std::sync::atomic::{AtomicU32, Ordering};

use chrono::{Months, NaiveDate};
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use crate::erreur::{Erreur, Resultat};
use crate::horloge::Horloge;
use crate::{attestation, classe, emargement, export};

/// 36 mois : la durée d'un cycle de certification d'un organisme de formation, le temps qu'un
/// audit puisse demander les preuves d'une session.
pub const CONSERVATION_MOIS_DEFAUT: u32 = 36;
/// 30 jours après la clôture : le temps de télécharger son attestation et ses résultats.
pub const SUPPRESSION_JOURS_DEFAUT: u32 = 30;

static CONSERVATION_MOIS: AtomicU32 = AtomicU32::new(CONSERVATION_MOIS_DEFAUT);
static SUPPRESSION_JOURS: AtomicU32 = AtomicU32::new(SUPPRESSION_JOURS_DEFAUT);

/// Les deux durées du serveur (`serve --conservation-mois --suppression-jours`).
pub fn regler(conservation_mois: u32, suppression_jours: u32) {
    CONSERVATION_MOIS.store(conservation_mois, Ordering::Relaxed);
    SUPPRESSION_JOURS.store(suppression_jours, Ordering::Relaxed);
}

pub fn conservation_mois() -> u32 {
    CONSERVATION_MOIS.load(Ordering::Relaxed)
}

pub fn suppression_jours() -> u32 {
    SUPPRESSION_JOURS.load(Ordering::Relaxed)
}

/// Une classe close.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cloture {
    pub close_le: NaiveDate,
    /// Le jour où les données des stagiaires sont (ou seront) supprimées.
    pub suppression_le: NaiveDate,
    pub conserver_jusqu_au: NaiveDate,
    pub donnees_supprimees_le: Option<NaiveDate>,
}

/// Un document gardé (sans son contenu).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub id: String,
    pub nature: String,
    pub nom: String,
    pub type_mime: String,
    pub taille: u64,
}

/// Les documents d'une classe, rendus hors de la transaction qui les enregistre.
pub struct Documents {
    classe_id: String,
    fichiers: Vec<Fichier>,
}

struct Fichier {
    nature: &'static str,
    /// Le stagiaire d'une attestation individuelle.
    participant: Option<String>,
    nom: String,
    type_mime: &'static str,
    contenu: Vec<u8>,
}

/// La clôture d'une classe, si elle est close.
pub fn cloture(c: &Connection, classe_id: &str) -> Resultat<Option<Cloture>> {
    Ok(c.prepare_cached(
        "SELECT close_le, suppression_le, conserver_jusqu_au, donnees_supprimees_le FROM cloture_classe
         WHERE classe_id = ?1",
    )?
    .query_row([classe_id], |r| {
        Ok(Cloture {
            close_le: r.get(0)?,
            suppression_le: r.get(1)?,
            conserver_jusqu_au: r.get(2)?,
            donnees_supprimees_le: r.get(3)?,
        })
    })
    .optional()?)
}

/// Un nom de fichier sûr et lisible à partir d'un titre ou d'un nom (« Zoé Lœuvre » →
/// « zoé-lœuvre »).
pub fn nom_de_fichier(texte: &str) -> String {
    let s: String =
        texte.chars().map(|c| if c.is_alphanumeric() { c } else { '-' }).collect::<String>().to_lowercase();
    s.split('-').filter(|m| !m.is_empty()).take(8).collect::<Vec<_>>().join("-")
}

/// Rend les documents d'une classe du formateur (lecture seule : à faire hors de l'écrivain) :
/// la feuille d'émargement, les attestations de tous, celle de chacun, les résultats.
pub fn preparer(
    c: &Connection,
    formateur_id: &str,
    classe_id: &str,
    horloge: &Horloge,
) -> Resultat<Documents> {
    let classe = classe::charger(c, formateur_id, classe_id)?;
    if cloture(c, classe_id)?.is_some() {
        return Err(deja_close());
    }
    let pdf = "application/pdf";
    let mut fichiers = vec![
        Fichier {
            nature: "EMARGEMENT",
            participant: None,
            nom: "feuille-emargement.pdf".into(),
            type_mime: pdf,
            contenu: attestation::feuille_pdf(c, formateur_id, classe_id, None)?,
        },
        Fichier {
            nature: "ATTESTATIONS",
            participant: None,
            nom: "attestations.pdf".into(),
            type_mime: pdf,
            contenu: attestation::attestations(c, formateur_id, classe_id, horloge)?,
        },
        Fichier {
            nature: "RESULTATS",
            participant: None,
            nom: "resultats-classe.csv".into(),
            type_mime: "text/csv; charset=utf-8",
            contenu: export::resultats_csv(c, formateur_id, classe_id)?,
        },
    ];
    for ligne in emargement::feuille(c, formateur_id, classe_id)?.lignes {
        let (nom, contenu) =
            attestation::attestation(c, formateur_id, classe_id, &ligne.participant_id, horloge)?;
        fichiers.push(Fichier {
            nature: "ATTESTATION",
            participant: Some(ligne.participant_id.clone()),
            nom: format!("attestation-{}.pdf", nom_de_fichier(&nom)),
            type_mime: pdf,
            contenu,
        });
    }
    Ok(Documents { classe_id: classe.id, fichiers })
}

fn deja_close() -> Erreur {
    chorus_domain::Erreur::Transition("Cette classe est déjà close.".into()).into()
}

/// Clôt la classe : ses documents rendus par [`preparer`] sont gardés, la date de suppression
/// des données des stagiaires et celle de la fin de conservation sont fixées. Personne ne peut
/// plus rejoindre la classe.
pub fn clore(
    c: &Connection,
    formateur_id: &str,
    documents: Documents,
    horloge: &Horloge,
) -> Resultat<Cloture> {
    let classe = classe::charger(c, formateur_id, &documents.classe_id)?;
    if cloture(c, &classe.id)?.is_some() {
        return Err(deja_close());
    }
    let aujourd_hui = horloge.aujourd_hui();
    let suppression_le = aujourd_hui + chrono::Days::new(u64::from(suppression_jours()));
    let conserver_jusqu_au =
        aujourd_hui.checked_add_months(Months::new(conservation_mois())).unwrap_or(NaiveDate::MAX);
    c.prepare_cached(
        "INSERT INTO cloture_classe (classe_id, close_le, suppression_le, conserver_jusqu_au) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![classe.id, aujourd_hui, suppression_le, conserver_jusqu_au])?;
    let mut insertion = c.prepare_cached(
        "INSERT INTO document_classe (id, classe_id, nature, participant_id, nom, type_mime, contenu, ordre)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for (ordre, f) in documents.fichiers.iter().enumerate() {
        insertion.execute(params![
            Uuid::now_v7().to_string(),
            classe.id,
            f.nature,
            f.participant,
            f.nom,
            f.type_mime,
            f.contenu,
            ordre as i64
        ])?;
    }
    Ok(Cloture { close_le: aujourd_hui, suppression_le, conserver_jusqu_au, donnees_supprimees_le: None })
}

/// Les documents gardés d'une classe du formateur.
pub fn documents(c: &Connection, formateur_id: &str, classe_id: &str) -> Resultat<Vec<Document>> {
    classe::charger(c, formateur_id, classe_id)?;
    let mut st = c.prepare_cached(
        "SELECT id, nature, nom, type_mime, length(contenu) FROM document_classe WHERE classe_id = ?1 ORDER BY ordre",
    )?;
    let v = st
        .query_map([classe_id], |r| {
            Ok(Document {
                id: r.get(0)?,
                nature: r.get(1)?,
                nom: r.get(2)?,
                type_mime: r.get(3)?,
                taille: r.get::<_, i64>(4)?.max(0) as u64,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(v)
}

/// Un document d'une classe du formateur, et son contenu.
pub fn document(
    c: &Connection,
    formateur_id: &str,
    classe_id: &str,
    id: &str,
) -> Resultat<(Document, Vec<u8>)> {
    classe::charger(c, formateur_id, classe_id)?;
    c.prepare_cached(
        "SELECT id, nature, nom, type_mime, length(contenu), contenu FROM document_classe
         WHERE classe_id = ?1 AND id = ?2",
    )?
    .query_row([classe_id, id], |r| {
        Ok((
            Document {
                id: r.get(0)?,
                nature: r.get(1)?,
                nom: r.get(2)?,
                type_mime: r.get(3)?,
                taille: r.get::<_, i64>(4)?.max(0) as u64,
            },
            r.get(5)?,
        ))
    })
    .optional()?
    .ok_or(Erreur::Introuvable("document"))
}

/// L'attestation gardée d'un stagiaire d'une classe close (qu'il télécharge lui-même), et la
/// date où ses données seront supprimées.
pub fn attestation_du_participant(
    c: &Connection,
    participant_id: &str,
) -> Resultat<Option<(String, Vec<u8>)>> {
    Ok(c.prepare_cached(
        "SELECT nom, contenu FROM document_classe WHERE participant_id = ?1 AND nature = 'ATTESTATION'",
    )?
    .query_row([participant_id], |r| Ok((r.get(0)?, r.get(1)?)))
    .optional()?)
}

/// Ce que l'entretien a supprimé.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Purge {
    /// Classes dont les données des stagiaires ont été supprimées.
    pub classes: usize,
    pub bacs: usize,
    /// Classes supprimées avec leurs documents, au terme de leur conservation.
    pub archives: usize,
}

/// L'entretien : supprime les données des stagiaires des classes closes dont le jour est venu,
/// puis les classes et leurs documents au terme de leur conservation. Les suppressions sont
/// réelles (lignes et fichiers, qui sont des BLOB de la base) ; la place libérée est reprise
/// par les écritures suivantes, ou rendue au disque par `VACUUM`.
pub fn purger(c: &Connection, aujourd_hui: NaiveDate) -> Resultat<Purge> {
    let mut purge = Purge::default();
    let echues: Vec<String> = c
        .prepare_cached(
            "SELECT classe_id FROM cloture_classe WHERE donnees_supprimees_le IS NULL AND suppression_le <= ?1",
        )?
        .query_map([aujourd_hui], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if echues.is_empty() && !archives_echues(c, aujourd_hui)? {
        return Ok(purge);
    }
    // Ce qui est supprimé ici est aussi écrasé dans les pages de la base, pas seulement marqué
    // libre ; un `VACUUM` rend ensuite la place au disque.
    c.execute_batch("PRAGMA secure_delete = ON;")?;
    let resultat = purger_les_echeances(c, aujourd_hui, &echues, &mut purge);
    c.execute_batch("PRAGMA secure_delete = OFF;")?;
    resultat?;
    Ok(purge)
}

fn archives_echues(c: &Connection, aujourd_hui: NaiveDate) -> Resultat<bool> {
    Ok(c.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM cloture_classe WHERE donnees_supprimees_le IS NOT NULL AND conserver_jusqu_au <= ?1)",
    )?
    .query_row([aujourd_hui], |r| r.get(0))?)
}

fn purger_les_echeances(
    c: &Connection,
    aujourd_hui: NaiveDate,
    echues: &[String],
    purge: &mut Purge,
) -> Resultat<()> {
    for classe_id in echues {
        purge.bacs += supprimer_les_donnees_des_stagiaires(c, classe_id)?;
        c.prepare_cached("UPDATE cloture_classe SET donnees_supprimees_le = ?2 WHERE classe_id = ?1")?
            .execute(params![classe_id, aujourd_hui])?;
        purge.classes += 1;
    }
    let expirees: Vec<String> = c
        .prepare_cached(
            "SELECT classe_id FROM cloture_classe WHERE donnees_supprimees_le IS NOT NULL AND conserver_jusqu_au <= ?1",
        )?
        .query_map([aujourd_hui], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for classe_id in expirees {
        c.prepare_cached("DELETE FROM classe WHERE id = ?1")?.execute([&classe_id])?;
        purge.archives += 1;
    }
    Ok(())
}

/// Les bacs à sable des stagiaires de la classe et tout ce qui en dépend (comptes, factures,
/// fichiers, journal, messages), leurs signatures, questionnaires, tentatives de quiz et
/// progressions. Renvoie le nombre de bacs supprimés.
fn supprimer_les_donnees_des_stagiaires(c: &Connection, classe_id: &str) -> Resultat<usize> {
    // Ce qui ne suit pas les suppressions en cascade (les tentatives et progressions gardent
    // leurs lignes, détachées, quand un compte disparaît) est supprimé d'abord.
    let comptes =
        "SELECT u.id FROM utilisateur u JOIN participant p ON p.bac_id = u.bac_id WHERE p.classe_id = ?1";
    for table in ["quiz_tentative", "progression", "progression_objectif"] {
        c.execute(
            &format!(
                "DELETE FROM {table} WHERE participant_id IN (SELECT id FROM participant WHERE classe_id = ?1)
                 OR utilisateur_id IN ({comptes})"
            ),
            [classe_id],
        )?;
    }
    let bacs: Vec<String> = c
        .prepare_cached("SELECT DISTINCT bac_id FROM participant WHERE classe_id = ?1")?
        .query_map([classe_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    // Les signatures et questionnaires suivent leur stagiaire ; les comptes, factures, fichiers,
    // journal et messages suivent leur bac.
    c.execute("DELETE FROM participant WHERE classe_id = ?1", [classe_id])?;
    let mut suppression = c.prepare_cached("DELETE FROM bac WHERE id = ?1")?;
    for bac in &bacs {
        suppression.execute([bac])?;
    }
    Ok(bacs.len())
}

/// Les classes terminées avant `avant` et pas encore closes : (formateur, classe, titre).
pub fn classes_a_clore(c: &Connection, avant: NaiveDate) -> Resultat<Vec<(String, String, String)>> {
    let v = c
        .prepare(
            "SELECT formateur_id, id, titre FROM classe
             WHERE date_fin < ?1 AND id NOT IN (SELECT classe_id FROM cloture_classe) ORDER BY date_fin",
        )?
        .query_map([avant], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(v)
}
