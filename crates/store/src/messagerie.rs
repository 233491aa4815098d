//! La messagerie du bac à sable : le substitut du courrier électronique. Chorus Pro y envoie
//! ce qu'il enverrait par e-mail (activation, code de connexion, notifications…).

use chrono::NaiveDateTime;
use rusqlite::{Connection, OptionalExtension, params};

use crate::erreur::{Erreur, Resultat};

/// L'expéditeur des messages du portail simulé.
pub const EXPEDITEUR_PORTAIL: &str = "ne-pas-repondre@simulateur-chorus.exemple";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub id: i64,
    pub destinataire: String,
    pub expediteur: String,
    pub objet: String,
    pub corps: String,
    pub lien: Option<String>,
    /// Date et heure simulées de l'envoi.
    pub envoye_le: NaiveDateTime,
    pub lu: bool,
}

pub struct Nouveau<'a> {
    pub destinataire: &'a str,
    pub objet: &'a str,
    pub corps: &'a str,
    pub lien: Option<&'a str>,
}

pub fn envoyer(c: &Connection, bac_id: &str, m: Nouveau<'_>, envoye_le: NaiveDateTime) -> Resultat<i64> {
    envoyer_de(c, bac_id, EXPEDITEUR_PORTAIL, m, envoye_le)
}

/// Un message d'un autre expéditeur que le portail (le formateur).
pub fn envoyer_de(
    c: &Connection,
    bac_id: &str,
    expediteur: &str,
    m: Nouveau<'_>,
    envoye_le: NaiveDateTime,
) -> Resultat<i64> {
    c.prepare_cached(
        "INSERT INTO message (bac_id, destinataire, expediteur, objet, corps, lien, envoye_le)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![bac_id, m.destinataire, expediteur, m.objet, m.corps, m.lien, envoye_le])?;
    Ok(c.last_insert_rowid())
}

fn lire(r: &rusqlite::Row<'_>) -> rusqlite::Result<Message> {
    Ok(Message {
        id: r.get(0)?,
        destinataire: r.get(1)?,
        expediteur: r.get(2)?,
        objet: r.get(3)?,
        corps: r.get(4)?,
        lien: r.get(5)?,
        envoye_le: r.get(6)?,
        lu: r.get(7)?,
    })
}

/// Les messages du bac à sable, du plus récent au plus ancien.
pub fn boite(c: &Connection, bac_id: &str) -> Resultat<Vec<Message>> {
    boite_de(c, bac_id, None)
}

/// Un stagiaire de classe ne lit que le courrier de ses propres comptes, même dans le bac
/// qu'il partage avec un binôme (sinon il lirait ses codes de connexion).
pub(crate) const POUR_LE_LECTEUR: &str = "(?2 IS NULL OR lower(destinataire) IN (
        SELECT lower(email) FROM utilisateur WHERE bac_id = ?1 AND participant_id = ?2
        UNION SELECT lower(email_contact) FROM utilisateur WHERE bac_id = ?1 AND participant_id = ?2))";

/// Les messages que lit `lecteur` (un stagiaire de classe), ou tout le bac sans lecteur.
pub fn boite_de(c: &Connection, bac_id: &str, lecteur: Option<&str>) -> Resultat<Vec<Message>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT id, destinataire, expediteur, objet, corps, lien, envoye_le, lu FROM message
         WHERE bac_id = ?1 AND {POUR_LE_LECTEUR} ORDER BY id DESC LIMIT 200"
    ))?;
    let v = st.query_map(params![bac_id, lecteur], lire)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(v)
}

/// Un message, marqué lu.
pub fn ouvrir(c: &Connection, bac_id: &str, id: i64) -> Resultat<Message> {
    ouvrir_pour(c, bac_id, None, id)
}

/// Un message que `lecteur` peut lire (voir [`boite_de`]), marqué lu.
pub fn ouvrir_pour(c: &Connection, bac_id: &str, lecteur: Option<&str>, id: i64) -> Resultat<Message> {
    let m = consulter_pour(c, bac_id, lecteur, id)?;
    c.execute("UPDATE message SET lu = 1 WHERE bac_id = ?1 AND id = ?2", params![bac_id, id])?;
    Ok(m)
}

/// Un message que `lecteur` peut lire, sans le marquer lu : le formateur qui regarde la
/// messagerie d'un stagiaire ne doit rien y changer.
pub fn consulter_pour(c: &Connection, bac_id: &str, lecteur: Option<&str>, id: i64) -> Resultat<Message> {
    c.prepare_cached(&format!(
        "SELECT id, destinataire, expediteur, objet, corps, lien, envoye_le, lu FROM message
         WHERE bac_id = ?1 AND {POUR_LE_LECTEUR} AND id = ?3"
    ))?
    .query_row(params![bac_id, lecteur, id], lire)
    .optional()?
    .ok_or(Erreur::Introuvable("message"))
}

pub fn non_lus(c: &Connection, bac_id: &str) -> Resultat<usize> {
    Ok(c.query_row("SELECT count(*) FROM message WHERE bac_id = ?1 AND NOT lu", [bac_id], |r| {
        r.get::<_, i64>(0)
    })? as usize)
}
