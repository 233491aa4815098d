//! Ce qu'a fait l'horloge : après « Avancer l'horloge », ce qui s'est passé pendant ces jours,
//! facture par facture (statuts atteints, qui a agi), et les messages reçus. Tout se lit dans
//! le journal (les avancées d'horloge y sont notées) et dans la messagerie du bac.

use chrono::{Days, NaiveDate};
use rusqlite::{Connection, OptionalExtension, params};

use crate::erreur::{Erreur, Resultat};
use crate::journal::evenement;
use crate::messagerie::POUR_LE_LECTEUR;

/// Un changement de statut pendant l'avancée.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Etape {
    pub date: NaiveDate,
    pub statut: String,
    /// Code de l'acteur (`DESTINATAIRE`, `COMPTABLE`, `SYSTEME`…).
    pub acteur: String,
    pub commentaire: String,
}

/// Une facture qui a bougé pendant l'avancée, avec ses étapes dans l'ordre.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactureAvancee {
    pub facture_id: String,
    pub numero: String,
    pub raison_sociale_destinataire: String,
    pub etapes: Vec<Etape>,
}

/// Un message arrivé dans la messagerie pendant l'avancée.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRecu {
    pub id: i64,
    pub objet: String,
    pub date: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Avancee {
    pub id: i64,
    /// Le jour de départ (exclu) et le jour d'arrivée (inclus).
    pub de: NaiveDate,
    pub a: NaiveDate,
    pub jours: u64,
    pub factures: Vec<FactureAvancee>,
    pub messages: Vec<MessageRecu>,
}

/// La dernière avancée d'horloge du bac, s'il y en a une.
pub fn derniere(c: &Connection, bac_id: &str) -> Resultat<Option<i64>> {
    Ok(c.prepare_cached("SELECT max(id) FROM journal WHERE bac_id = ?1 AND evenement = ?2")?
        .query_row(params![bac_id, evenement::HORLOGE], |r| r.get(0))?)
}

/// Ce qu'a fait l'avancée `id` du bac : une avancée d'un autre bac est introuvable. `lecteur` :
/// le stagiaire de classe qui lit (il ne voit que son propre courrier, même en binôme).
pub fn bilan(c: &Connection, bac_id: &str, id: i64, lecteur: Option<&str>) -> Resultat<Avancee> {
    let (a, jours): (NaiveDate, String) = c
        .prepare_cached(
            "SELECT date_simulee, commentaire FROM journal WHERE bac_id = ?1 AND id = ?2 AND evenement = ?3",
        )?
        .query_row(params![bac_id, id, evenement::HORLOGE], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or(Erreur::Introuvable("avancée d'horloge"))?;
    // « Horloge avancée de N jour(s) » : le nombre de jours est dans le commentaire du journal.
    let jours: u64 = jours.split_whitespace().find_map(|m| m.parse().ok()).unwrap_or(0);
    let de = a.checked_sub_days(Days::new(jours)).unwrap_or(a);
    let precedente: i64 = c
        .prepare_cached(
            "SELECT coalesce(max(id), 0) FROM journal WHERE bac_id = ?1 AND evenement = ?2 AND id < ?3",
        )?
        .query_row(params![bac_id, evenement::HORLOGE, id], |r| r.get(0))?;
    // Les étapes jouées pendant l'avancée sont notées avant elle au journal, après la précédente
    // avancée, et datées après le jour de départ (les actions du stagiaire ce jour-là n'en sont pas).
    let mut st = c.prepare_cached(
        "SELECT j.facture_id, f.numero, f.raison_sociale_destinataire, j.date_simulee, j.statut, j.acteur,
                j.commentaire
         FROM journal j JOIN facture f ON f.id = j.facture_id AND f.bac_id = j.bac_id
         WHERE j.bac_id = ?1 AND j.evenement = ?2 AND j.id > ?3 AND j.id < ?4 AND j.date_simulee > ?5
         ORDER BY f.ordre, j.id",
    )?;
    let lignes = st
        .query_map(params![bac_id, evenement::STATUT, precedente, id, de], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                Etape { date: r.get(3)?, statut: r.get(4)?, acteur: r.get(5)?, commentaire: r.get(6)? },
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut factures: Vec<FactureAvancee> = Vec::new();
    for (facture_id, numero, raison_sociale_destinataire, etape) in lignes {
        match factures.iter_mut().find(|f| f.facture_id == facture_id) {
            Some(f) => f.etapes.push(etape),
            None => factures.push(FactureAvancee {
                facture_id,
                numero,
                raison_sociale_destinataire,
                etapes: vec![etape],
            }),
        }
    }
    let mut st = c.prepare_cached(&format!(
        "SELECT id, objet, date(envoye_le) FROM message
         WHERE bac_id = ?1 AND {POUR_LE_LECTEUR} AND date(envoye_le) > ?3 AND date(envoye_le) <= ?4 ORDER BY id"
    ))?;
    let messages = st
        .query_map(params![bac_id, lecteur, de, a], |r| {
            Ok(MessageRecu { id: r.get(0)?, objet: r.get(1)?, date: r.get(2)? })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Avancee { id, de, a, jours, factures, messages })
}
