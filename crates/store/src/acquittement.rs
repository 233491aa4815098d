//! L'acquittement des retours : à la connexion, le portail ouvre une fenêtre qui liste les
//! factures rejetées ou suspendues depuis la dernière fois (date de dépôt, numéro,
//! destinataire, motif) avec « Tout acquitter et fermer » et « Acquitter les factures
//! sélectionnées ». Chaque utilisateur acquitte pour lui-même chaque changement de statut.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, params};

use chorus_domain::Statut;

use crate::erreur::{Erreur, Resultat};
use crate::journal::evenement;

/// Un retour à acquitter : un rejet ou une suspension d'une facture de la structure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retour {
    /// L'entrée du journal du changement de statut : ce qu'on acquitte.
    pub id: i64,
    pub facture_id: String,
    pub numero: String,
    pub raison_sociale_destinataire: String,
    pub date_depot: Option<NaiveDate>,
    /// Rejetée ou suspendue.
    pub statut: Statut,
    pub date: NaiveDate,
    /// Le motif du destinataire.
    pub motif: String,
}

/// Les rejets et suspensions des factures de la structure que l'utilisateur n'a pas encore
/// acquittés, les plus récents d'abord.
pub fn a_acquitter(
    c: &Connection,
    bac_id: &str,
    utilisateur_id: &str,
    structure_id: &str,
) -> Resultat<Vec<Retour>> {
    let mut st = c.prepare_cached(
        "SELECT j.id, f.id, f.numero, f.raison_sociale_destinataire, f.date_depot, j.statut, j.date_simulee,
                j.commentaire
         FROM journal j JOIN facture f ON f.id = j.facture_id AND f.bac_id = j.bac_id
         WHERE j.bac_id = ?1 AND f.structure_id = ?3 AND j.evenement = ?4
           AND j.statut IN ('REJETEE', 'SUSPENDUE')
           AND NOT EXISTS (SELECT 1 FROM acquittement a WHERE a.utilisateur_id = ?2 AND a.journal_id = j.id)
         ORDER BY j.id DESC",
    )?;
    let lignes = st.query_map(params![bac_id, utilisateur_id, structure_id, evenement::STATUT], |r| {
        Ok(Retour {
            id: r.get(0)?,
            facture_id: r.get(1)?,
            numero: r.get(2)?,
            raison_sociale_destinataire: r.get(3)?,
            date_depot: r.get(4)?,
            statut: statut_du_journal(r.get(5)?),
            date: r.get(6)?,
            motif: r.get(7)?,
        })
    })?;
    Ok(lignes.collect::<rusqlite::Result<_>>()?)
}

/// La requête ne retient que `REJETEE` et `SUSPENDUE` : un autre code ne peut pas arriver.
fn statut_du_journal(code: String) -> Statut {
    Statut::depuis_code(&code).unwrap_or(Statut::Rejetee)
}

/// Acquitte les retours `ids` (tous ceux à acquitter si `ids` est vide : « Tout acquitter et
/// fermer »). Un identifiant qui n'est pas un retour de cette structure est refusé.
pub fn acquitter(
    c: &Connection,
    bac_id: &str,
    utilisateur_id: &str,
    structure_id: &str,
    ids: &[i64],
    maintenant: DateTime<Utc>,
) -> Resultat<usize> {
    let possibles = a_acquitter(c, bac_id, utilisateur_id, structure_id)?;
    let choisis: Vec<i64> = if ids.is_empty() {
        possibles.iter().map(|r| r.id).collect()
    } else {
        if let Some(inconnu) = ids.iter().find(|id| !possibles.iter().any(|r| r.id == **id)) {
            return Err(Erreur::Invalide(format!(
                "Le retour n° {inconnu} n'est pas à acquitter (déjà acquitté, ou d'une autre structure)."
            )));
        }
        ids.to_vec()
    };
    let mut st = c.prepare_cached(
        "INSERT OR IGNORE INTO acquittement (bac_id, utilisateur_id, journal_id, acquitte_le) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for id in &choisis {
        st.execute(params![bac_id, utilisateur_id, id, maintenant])?;
    }
    Ok(choisis.len())
}
