//! Ce que chaque stagiaire d'une classe a accompli, lu dans le journal de son bac à sable et
//! dans ses factures : la grille de suivi du formateur et la matière du débriefing.
//!
//! Le journal note l'acteur (fournisseur, destinataire…) mais pas le compte qui a agi : deux
//! stagiaires en binôme, qui travaillent dans le même bac pour la même entreprise, ont donc
//! le même bilan, celui de leur bac (`bac_partage` le signale à l'écran).
//!
//! Toute la classe se lit en une requête : les agrégats par bac sont calculés une fois, sur
//! les seuls bacs de la classe, par les index `journal_bac_facture` et `facture_bac_statut`.

use std::collections::HashMap;
use std::fmt;

use chorus_domain::Statut;
use chorus_domain::anomalie::libelle_debriefing;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};

use crate::erreur::{Erreur, Resultat};
use crate::journal::evenement;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BilanStagiaire {
    pub participant_id: String,
    pub nom: String,
    pub bac_id: String,
    /// Le bac est partagé avec un binôme : les chiffres sont ceux du bac commun.
    pub bac_partage: bool,
    /// Factures sorties du brouillon (envoyées, quel que soit leur sort ensuite).
    pub factures_envoyees: u32,
    /// Statuts distincts atteints par ses factures, dans l'ordre du cycle de vie.
    pub statuts_atteints: Vec<Statut>,
    /// Saisies ou fichiers refusés (entrées `ANOMALIES` du journal).
    pub anomalies: u32,
    /// Factures rejetées par l'acheteur.
    pub rejets: u32,
    /// La dernière action du stagiaire lui-même (pas celles de l'acheteur, ni les avancées
    /// d'horloge, que le formateur peut faire pour toute la classe).
    pub derniere_activite: Option<DateTime<Utc>>,
}

/// Les bacs concernés et les stagiaires retenus : une classe entière ou un seul stagiaire.
struct Perimetre {
    bacs: &'static str,
    stagiaires: &'static str,
}

const CLASSE: Perimetre =
    Perimetre { bacs: "SELECT bac_id FROM participant WHERE classe_id = ?1", stagiaires: "p.classe_id = ?1" };

const PARTICIPANT: Perimetre =
    Perimetre { bacs: "SELECT bac_id FROM participant WHERE id = ?1", stagiaires: "p.id = ?1" };

fn requete(p: &Perimetre) -> String {
    let Perimetre { bacs, stagiaires } = p;
    format!(
        "SELECT p.id, p.nom, p.bac_id,
                (SELECT count(*) FROM participant q WHERE q.bac_id = p.bac_id) > 1,
                coalesce(f.envoyees, 0), j.statuts, coalesce(j.anomalies, 0), coalesce(j.rejets, 0), j.derniere
         FROM participant p
         LEFT JOIN (SELECT bac_id, count(*) AS envoyees FROM facture
                    WHERE bac_id IN ({bacs}) AND statut <> 'BROUILLON' GROUP BY bac_id) f ON f.bac_id = p.bac_id
         LEFT JOIN (SELECT bac_id,
                           group_concat(DISTINCT CASE WHEN evenement = '{statut}' THEN statut END) AS statuts,
                           sum(evenement = '{anomalies}') AS anomalies,
                           count(DISTINCT CASE WHEN evenement = '{statut}' AND statut = 'REJETEE'
                                               THEN facture_id END) AS rejets,
                           max(CASE WHEN acteur = 'FOURNISSEUR' AND evenement <> '{horloge}'
                                    THEN horodatage END) AS derniere
                    FROM journal WHERE bac_id IN ({bacs}) GROUP BY bac_id) j ON j.bac_id = p.bac_id
         WHERE {stagiaires} ORDER BY p.rang",
        statut = evenement::STATUT,
        anomalies = evenement::ANOMALIES,
        horloge = evenement::HORLOGE,
    )
}

fn lire(r: &rusqlite::Row<'_>) -> rusqlite::Result<BilanStagiaire> {
    let statuts: Option<String> = r.get(5)?;
    let mut statuts_atteints: Vec<Statut> =
        statuts.iter().flat_map(|s| s.split(',')).filter_map(|code| Statut::depuis_code(code).ok()).collect();
    // L'ordre de déclaration des statuts est celui du cycle de vie.
    statuts_atteints.sort();
    statuts_atteints.dedup();
    Ok(BilanStagiaire {
        participant_id: r.get(0)?,
        nom: r.get(1)?,
        bac_id: r.get(2)?,
        bac_partage: r.get(3)?,
        factures_envoyees: r.get(4)?,
        statuts_atteints,
        anomalies: r.get(6)?,
        rejets: r.get(7)?,
        derniere_activite: r.get(8)?,
    })
}

/// Le bilan de chaque stagiaire de la classe, dans l'ordre d'arrivée.
pub fn de_la_classe(c: &Connection, classe_id: &str) -> Resultat<Vec<BilanStagiaire>> {
    let mut st = c.prepare_cached(&requete(&CLASSE))?;
    let v = st.query_map([classe_id], lire)?.collect::<rusqlite::Result<_>>()?;
    Ok(v)
}

/// Le bilan d'un stagiaire (pour son attestation de fin de formation).
pub fn du_participant(c: &Connection, participant_id: &str) -> Resultat<BilanStagiaire> {
    c.prepare_cached(&requete(&PARTICIPANT))?
        .query_row([participant_id], lire)
        .optional()?
        .ok_or(Erreur::Introuvable("stagiaire"))
}

/// D'où vient un motif du débriefing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NatureMotif {
    Rejet,
    Suspension,
    ARecycler,
    /// Une saisie ou un fichier refusé à l'entrée.
    Anomalie,
}

impl NatureMotif {
    pub fn libelle(self) -> &'static str {
        match self {
            Self::Rejet => "Rejet",
            Self::Suspension => "Suspension",
            Self::ARecycler => "À recycler",
            Self::Anomalie => "Anomalie",
        }
    }
}

/// Un motif rencontré dans la classe, et combien de fois.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Motif {
    pub nature: NatureMotif,
    pub libelle: String,
    pub nombre: u32,
}

impl fmt::Display for Motif {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} : {}", self.nature.libelle(), self.libelle)
    }
}

/// Les motifs de rejet, de suspension et de renvoi « À recycler » donnés par l'acheteur, et les
/// anomalies de saisie, de toute la classe : les plus fréquents d'abord.
pub fn motifs(c: &Connection, classe_id: &str) -> Resultat<Vec<Motif>> {
    let mut st = c.prepare_cached(
        "SELECT statut, commentaire, donnees FROM journal
         WHERE bac_id IN (SELECT bac_id FROM participant WHERE classe_id = ?1)
           AND (evenement = 'ANOMALIES'
                OR (evenement = 'STATUT' AND statut IN ('REJETEE', 'SUSPENDUE', 'A_RECYCLER') AND commentaire <> ''))",
    )?;
    let mut comptes: HashMap<(NatureMotif, String), u32> = HashMap::new();
    let lignes = st.query_map([classe_id], |r| {
        Ok((r.get::<_, Option<String>>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<String>>(2)?))
    })?;
    for ligne in lignes {
        let (statut, commentaire, donnees) = ligne?;
        let nature = match statut.as_deref() {
            Some("REJETEE") => NatureMotif::Rejet,
            Some("SUSPENDUE") => NatureMotif::Suspension,
            Some(_) => NatureMotif::ARecycler,
            None => NatureMotif::Anomalie,
        };
        if nature == NatureMotif::Anomalie {
            let mut codes: Vec<String> =
                donnees.and_then(|d| serde_json::from_str(&d).ok()).unwrap_or_default();
            // Un même refus peut citer deux fois le même code (deux champs vides) : on compte
            // les saisies refusées pour ce motif, pas les champs.
            codes.sort();
            codes.dedup();
            for code in codes {
                *comptes.entry((nature, libelle_debriefing(&code).to_string())).or_default() += 1;
            }
        } else {
            *comptes.entry((nature, commentaire.trim().to_string())).or_default() += 1;
        }
    }
    let mut v: Vec<Motif> =
        comptes.into_iter().map(|((nature, libelle), nombre)| Motif { nature, libelle, nombre }).collect();
    v.sort_by(|a, b| b.nombre.cmp(&a.nombre).then(a.nature.cmp(&b.nature)).then(a.libelle.cmp(&b.libelle)));
    Ok(v)
}

/// [`motifs`] sous forme de texte (« Rejet : Montant erroné ») : les plus fréquents d'abord.
pub fn motifs_de_rejet(c: &Connection, classe_id: &str) -> Resultat<Vec<(String, u32)>> {
    Ok(motifs(c, classe_id)?.into_iter().map(|m| (m.to_string(), m.nombre)).collect())
}
