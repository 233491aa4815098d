//! Le bac à sable lui-même : un monde isolé par stagiaire, avec sa date simulée. Tout ce que
//! contient un bac (structures, factures, journal) s'y rattache par son `bac_id` ; sa création
//! et sa remise au point de départ sont dans [`crate::depart`], le temps qui passe et les
//! parties simulées qui jouent dans [`crate::moteur`].

use chrono::{Days, NaiveDate};
use rusqlite::{Connection, OptionalExtension, params};

use crate::erreur::{Erreur, Resultat};
use crate::horloge::Horloge;

/// Les bacs à sable de la classe du bac `?1` (lui compris ; hors classe, lui seul), en SQL : une
/// facture de sous-traitant déposée dans l'un peut avoir pour valideur la structure d'un autre
/// stagiaire, qui la voit et y répond. Rien d'autre ne passe d'un bac à l'autre.
pub(crate) const BACS_DE_LA_CLASSE: &str = "SELECT ?1 UNION SELECT voisin.bac_id FROM participant moi
     JOIN participant voisin ON voisin.classe_id = moi.classe_id WHERE moi.bac_id = ?1";

/// En SQL, le bac qui tient le valideur de SIRET `siret` pour une facture du bac `bac_facture`
/// (deux expressions SQL) : ce bac-là s'il a une structure de ce SIRET ; sinon, dans sa classe,
/// celui où une structure de ce SIRET a été créée en premier ; aucune : le bac de la facture, où
/// l'on joue ce valideur simulé. Comme sur le vrai portail, où un
/// SIRET n'a qu'une structure : un autre stagiaire qui la recréerait chez lui n'en devient pas
/// le valideur, et ne voit rien des factures qui la désignent.
pub(crate) fn bac_du_valideur(bac_facture: &str, siret: &str) -> String {
    // Deux sous-requêtes plutôt qu'un tri : SQLite refuse une colonne de la requête englobante
    // dans l'ORDER BY d'une sous-requête.
    format!(
        "coalesce(
           (SELECT s.bac_id FROM structure s WHERE s.identifiant = {siret} AND s.bac_id = {bac_facture} LIMIT 1),
           (SELECT s.bac_id FROM structure s WHERE s.identifiant = {siret}
              AND s.bac_id IN (SELECT voisin.bac_id FROM participant moi
                  JOIN participant voisin ON voisin.classe_id = moi.classe_id WHERE moi.bac_id = {bac_facture})
            ORDER BY s.rowid LIMIT 1),
           {bac_facture})"
    )
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bac {
    pub id: String,
    pub libelle: String,
    pub decalage_jours: i64,
    /// La connexion demande un code reçu dans la messagerie.
    pub double_authentification: bool,
    /// L'intitulé de la classe, si le bac est celui d'un stagiaire de classe : c'est alors le
    /// formateur qui règle la double authentification.
    pub classe: Option<String>,
}

impl Bac {
    /// La date simulée : date réelle + décalage.
    pub fn date_simulee(&self, horloge: &Horloge) -> NaiveDate {
        decaler(horloge.aujourd_hui(), self.decalage_jours)
    }

    /// L'instant simulé : l'heure réelle, au jour simulé (les liens « valables 60 minutes »
    /// expirent donc aussi quand on avance l'horloge d'un jour).
    pub fn maintenant_simule(&self, horloge: &Horloge) -> chrono::NaiveDateTime {
        self.date_simulee(horloge).and_time(horloge.maintenant().time())
    }
}

pub(crate) fn decaler(date: NaiveDate, jours: i64) -> NaiveDate {
    if jours >= 0 {
        date.checked_add_days(Days::new(jours as u64)).unwrap_or(date)
    } else {
        date.checked_sub_days(Days::new(jours.unsigned_abs())).unwrap_or(date)
    }
}

/// La structure fournisseur d'un bac à sable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StructureFournisseur {
    pub id: String,
    pub identifiant: String,
    pub raison_sociale: String,
    pub adresse: String,
    pub code_postal: String,
    pub ville: String,
}

impl StructureFournisseur {
    /// Lit `id, identifiant, raison_sociale, adresse, code_postal, ville`, dans cet ordre.
    pub fn depuis_ligne(r: &rusqlite::Row<'_>) -> rusqlite::Result<StructureFournisseur> {
        Ok(StructureFournisseur {
            id: r.get(0)?,
            identifiant: r.get(1)?,
            raison_sociale: r.get(2)?,
            adresse: r.get(3)?,
            code_postal: r.get(4)?,
            ville: r.get(5)?,
        })
    }
}

pub fn bac(c: &Connection, id: &str) -> Resultat<Bac> {
    c.prepare_cached(
        "SELECT id, libelle, decalage_jours, double_authentification,
                (SELECT c.titre FROM participant p JOIN classe c ON c.id = p.classe_id WHERE p.bac_id = bac.id LIMIT 1)
         FROM bac WHERE id = ?1",
    )?
    .query_row([id], |r| {
        Ok(Bac {
            id: r.get(0)?,
            libelle: r.get(1)?,
            decalage_jours: r.get(2)?,
            double_authentification: r.get(3)?,
            classe: r.get(4)?,
        })
    })
        .optional()?
        .ok_or(Erreur::Introuvable("bac à sable"))
}

pub fn structure_fournisseur(c: &Connection, bac_id: &str, id: &str) -> Resultat<StructureFournisseur> {
    c.prepare_cached(
        "SELECT id, identifiant, raison_sociale, adresse, code_postal, ville
         FROM structure WHERE bac_id = ?1 AND id = ?2",
    )?
    .query_row([bac_id, id], StructureFournisseur::depuis_ligne)
    .optional()?
    .ok_or(Erreur::Introuvable("structure"))
}

/// Le bac à sable et la structure fournisseur `structure_id` qui y travaille : ce dont une
/// saisie (et l'identité d'une session) a besoin.
pub fn avec_structure(
    c: &Connection,
    bac_id: &str,
    structure_id: &str,
) -> Resultat<(Bac, StructureFournisseur)> {
    Ok((bac(c, bac_id)?, structure_fournisseur(c, bac_id, structure_id)?))
}

/// Active ou désactive la double authentification (code reçu dans la messagerie) pour les
/// comptes de ce bac à sable.
pub fn regler_double_authentification(c: &Connection, bac_id: &str, active: bool) -> Resultat<()> {
    let n =
        c.execute("UPDATE bac SET double_authentification = ?2 WHERE id = ?1", params![bac_id, active])?;
    if n == 0 {
        return Err(Erreur::Introuvable("bac à sable"));
    }
    Ok(())
}
