//! Le journal d'un bac à sable : qui a fait quoi, quand (date simulée et heure réelle).
//! On n'y fait qu'ajouter ; l'historique d'une facture en est une lecture.

use chorus_domain::Statut;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, params};

use crate::erreur::Resultat;

/// Nature d'une entrée du journal.
pub mod evenement {
    /// Une facture change de statut.
    pub const STATUT: &str = "STATUT";
    /// Une saisie a été refusée : les anomalies rencontrées (pour le suivi du formateur).
    pub const ANOMALIES: &str = "ANOMALIES";
    /// L'horloge du bac à sable a avancé.
    pub const HORLOGE: &str = "HORLOGE";
    /// Un message signalé comme frauduleux par le stagiaire.
    pub const SIGNALEMENT: &str = "SIGNALEMENT";
    /// Le lien piégé d'un message d'exercice a été suivi.
    pub const LIEN_PIEGE: &str = "LIEN_PIEGE";
    /// Une réponse à une question d'exercice.
    pub const REPONSE: &str = "REPONSE";
    /// Un brouillon supprimé par le fournisseur (il n'avait jamais été envoyé).
    pub const BROUILLON_SUPPRIME: &str = "BROUILLON_SUPPRIME";
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entree {
    pub id: i64,
    pub facture_id: Option<String>,
    pub evenement: String,
    pub statut: Option<Statut>,
    pub date_simulee: NaiveDate,
    pub horodatage: DateTime<Utc>,
    /// Code de l'acteur (`FOURNISSEUR`, `SYSTEME`, `DESTINATAIRE`, `COMPTABLE`).
    pub acteur: String,
    pub commentaire: String,
    pub donnees: Option<String>,
}

/// Ce qu'on ajoute au journal.
pub struct Nouvelle<'a> {
    pub bac_id: &'a str,
    pub facture_id: Option<&'a str>,
    pub evenement: &'a str,
    pub statut: Option<Statut>,
    pub date_simulee: NaiveDate,
    pub horodatage: DateTime<Utc>,
    pub acteur: &'a str,
    pub commentaire: &'a str,
    pub donnees: Option<String>,
}

/// Qui joue une partie simulée (l'acheteur public, un valideur) : gardé au journal pour le
/// débriefing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Joueur {
    /// Le stagiaire, en mode « Jouer l'acheteur public » ou « Jouer les autres parties ».
    Stagiaire,
    /// Le formateur, depuis sa console.
    Formateur,
    /// Le comportement scripté d'un scénario.
    Scenario,
    /// Un script du formateur, par l'API de simulation.
    Api,
    /// Un connecteur (logiciel de facturation), par l'API Chorus Pro du bac (PISTE).
    Connecteur,
    /// Le comportement par défaut de la partie simulée.
    Simulateur,
}

/// Qui joue, à quelle date simulée, et selon quelle règle de scénario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Coup {
    pub joueur: Joueur,
    pub date: NaiveDate,
    pub regle: Option<usize>,
}

/// Joint des données à une entrée du journal (qui a joué, le numéro de mandat…).
pub fn annoter(c: &Connection, bac_id: &str, id: i64, donnees: &serde_json::Value) -> Resultat<()> {
    c.execute(
        "UPDATE journal SET donnees = ?3 WHERE id = ?1 AND bac_id = ?2",
        params![id, bac_id, donnees.to_string()],
    )?;
    Ok(())
}

pub fn ajouter(c: &Connection, e: Nouvelle<'_>) -> Resultat<i64> {
    ajouter_ensemble(c, &[e])
}

/// Ajoute des entrées d'un seul `INSERT` (dans l'ordre) : les étapes d'une facture acheminée
/// dès son dépôt s'écrivent ensemble, sous le tour de l'écrivain. Rend l'id de la dernière.
pub fn ajouter_ensemble(c: &Connection, entrees: &[Nouvelle<'_>]) -> Resultat<i64> {
    const COLONNES: usize = 9;
    const UNE: &str = "INSERT INTO journal (bac_id, facture_id, evenement, statut, date_simulee, horodatage, acteur, commentaire, donnees)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
    // Une entrée seule (le cas courant) garde son texte fixe ; plusieurs ajoutent leurs lignes.
    let plusieurs;
    let sql = if entrees.len() == 1 {
        UNE
    } else {
        let valeurs: Vec<String> = (1..entrees.len())
            .map(|i| {
                let n = i * COLONNES;
                let places: Vec<String> = (n + 1..=n + COLONNES).map(|p| format!("?{p}")).collect();
                format!("({})", places.join(", "))
            })
            .collect();
        plusieurs = format!("{UNE}, {}", valeurs.join(", "));
        plusieurs.as_str()
    };
    let mut requete = c.prepare_cached(sql)?;
    for (i, e) in entrees.iter().enumerate() {
        let n = i * COLONNES;
        requete.raw_bind_parameter(n + 1, e.bac_id)?;
        requete.raw_bind_parameter(n + 2, e.facture_id)?;
        requete.raw_bind_parameter(n + 3, e.evenement)?;
        requete.raw_bind_parameter(n + 4, e.statut.map(Statut::code))?;
        requete.raw_bind_parameter(n + 5, crate::colonne::texte_date(e.date_simulee))?;
        requete.raw_bind_parameter(n + 6, crate::colonne::texte_horodatage(&e.horodatage))?;
        requete.raw_bind_parameter(n + 7, e.acteur)?;
        requete.raw_bind_parameter(n + 8, e.commentaire)?;
        requete.raw_bind_parameter(n + 9, e.donnees.as_deref())?;
    }
    requete.raw_execute()?;
    Ok(c.last_insert_rowid())
}

/// Écrit au journal une action du fournisseur (hors factures), à la date simulée du bac.
pub fn noter_du_fournisseur(
    c: &Connection,
    bac_id: &str,
    evenement: &str,
    commentaire: &str,
    donnees: Option<String>,
    horloge: &crate::Horloge,
) -> Resultat<()> {
    let date = crate::bac::bac(c, bac_id)?.date_simulee(horloge);
    ajouter(
        c,
        Nouvelle {
            bac_id,
            facture_id: None,
            evenement,
            statut: None,
            date_simulee: date,
            horodatage: horloge.maintenant(),
            acteur: "FOURNISSEUR",
            commentaire,
            donnees,
        },
    )?;
    Ok(())
}

fn lire(r: &rusqlite::Row<'_>) -> rusqlite::Result<Entree> {
    let statut: Option<String> = r.get(3)?;
    Ok(Entree {
        id: r.get(0)?,
        facture_id: r.get(1)?,
        evenement: r.get(2)?,
        statut: statut.and_then(|s| Statut::depuis_code(&s).ok()),
        date_simulee: crate::colonne::date(r, 4)?,
        horodatage: crate::colonne::horodatage(r, 5)?,
        acteur: r.get(6)?,
        commentaire: r.get(7)?,
        donnees: r.get(8)?,
    })
}

/// L'historique des statuts d'une facture, du plus ancien au plus récent.
pub fn historique_facture(c: &Connection, bac_id: &str, facture_id: &str) -> Resultat<Vec<Entree>> {
    let mut st = c.prepare_cached(
        "SELECT id, facture_id, evenement, statut, date_simulee, horodatage, acteur, commentaire, donnees
         FROM journal WHERE bac_id = ?1 AND facture_id = ?2 AND evenement = 'STATUT' ORDER BY id",
    )?;
    let v = st.query_map([bac_id, facture_id], lire)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(v)
}

/// Tout le journal d'un bac à sable, du plus ancien au plus récent.
pub fn entrees(c: &Connection, bac_id: &str) -> Resultat<Vec<Entree>> {
    let mut st = c.prepare_cached(
        "SELECT id, facture_id, evenement, statut, date_simulee, horodatage, acteur, commentaire, donnees
         FROM journal WHERE bac_id = ?1 ORDER BY id",
    )?;
    let v = st.query_map([bac_id], lire)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(v)
}
