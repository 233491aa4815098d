//! Les suites que le fournisseur donne à une facture renvoyée par le destinataire : recycler
//! une facture « À recycler », compléter une facture suspendue, traiter un rejet. Les règles
//! sont dans `chorus_domain::statut` (quel statut) et `chorus_domain::suites` (quelles données).

use chorus_domain::circuit::{self, Circuit};
use chorus_domain::statut::{Acteur, Action, Contexte};
use chorus_domain::suites::{self, Acheminement};
use chorus_domain::{Anomalie, Statut, saisie};
use chrono::NaiveDate;
use rusqlite::{Connection, params};

use crate::erreur::{Erreur, Resultat};
use crate::facture::{self, FactureStockee};
use crate::horloge::Horloge;
use crate::journal;
use crate::{bac, reference};

/// Entrée du journal : le fournisseur a pris connaissance d'un rejet (« Traiter le rejet »).
pub const REJET_TRAITE: &str = "REJET_TRAITE";

/// Une facture de la structure `structure_id` ; celle d'une autre structure est introuvable,
/// même dans le même bac à sable.
fn facture_de(
    c: &Connection,
    bac_id: &str,
    structure_id: &str,
    facture_id: &str,
) -> Resultat<FactureStockee> {
    let f = facture::charger(c, bac_id, facture_id)?;
    if f.structure_id != structure_id {
        return Err(Erreur::Introuvable("facture"));
    }
    Ok(f)
}

/// Ce que la page d'une facture montre de ses suites.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Suivi {
    /// Le motif (ou commentaire) du dernier statut donné par le destinataire, le comptable ou
    /// un valideur.
    pub motif: Option<String>,
    /// « Traiter le rejet » a été fait, à cette date simulée.
    pub rejet_traite_le: Option<NaiveDate>,
}

pub fn suivi(c: &Connection, bac_id: &str, facture_id: &str) -> Resultat<Suivi> {
    let facture = crate::facture::charger(c, bac_id, facture_id)?;
    Ok(suivi_depuis(&facture, &journal::historique_facture(c, bac_id, facture_id)?))
}

/// Le même suivi, d'après la facture et l'historique de ses statuts déjà lus (la page d'une
/// facture les lit pour elle-même) : le motif est celui du dernier statut donné par l'une de
/// ces parties.
pub fn suivi_depuis(facture: &crate::facture::FactureStockee, historique: &[journal::Entree]) -> Suivi {
    let motif = historique
        .iter()
        .rev()
        .find(|e| {
            e.evenement == journal::evenement::STATUT
                && ["DESTINATAIRE", "COMPTABLE", "PREMIER_VALIDEUR", "SECOND_VALIDEUR"]
                    .contains(&e.acteur.as_str())
        })
        .map(|e| e.commentaire.clone());
    Suivi { motif: motif.filter(|m| !m.trim().is_empty()), rejet_traite_le: facture.rejet_traite_le }
}

/// Recycle une facture « À recycler » : seules les données d'acheminement changent, elle garde
/// son numéro, repasse tous les contrôles de la saisie (obligations du nouveau destinataire
/// comprises), puis repart au statut « Déposée » et est acheminée comme au premier envoi.
/// Les anomalies reviennent au formulaire ; rien n'est alors modifié.
// Les arguments d'un cas d'usage : les regrouper dans une structure n'ajouterait rien.
pub fn recycler(
    c: &Connection,
    bac_id: &str,
    structure_id: &str,
    facture_id: &str,
    a: &Acheminement,
    commentaire: &str,
    horloge: &Horloge,
) -> Resultat<Result<(), Vec<Anomalie>>> {
    let bac = bac::bac(c, bac_id)?;
    let f = facture_de(c, bac_id, structure_id, facture_id)?;
    let circuit = Circuit::de(f.facture.cadre);
    let nouveau = circuit::transition(
        circuit,
        Some(f.statut),
        Action::Recycler,
        Acteur::Fournisseur,
        &Contexte::default(),
    )?;
    let commentaire = suites::verifier_motif(commentaire).map_err(|_| {
        Erreur::Invalide("Le commentaire du recyclage ne doit pas dépasser 255 caractères.".into())
    })?;
    let brut = suites::saisie_recyclee(&facture::saisie_de(&f.facture), a);
    let recyclee = match saisie::analyser(&brut) {
        Ok(r) => r,
        Err(anomalies) => return Ok(Err(anomalies)),
    };
    let mut anomalies = suites::controler_recyclage(&f.facture, &recyclee);
    if anomalies.is_empty() {
        let destinataire = reference::destinataire(c, &recyclee.destinataire)?;
        let ctx = saisie::Contexte {
            destinataire: destinataire.as_ref(),
            // Le même numéro : c'est la même facture.
            numero_deja_utilise: false,
            aujourd_hui: bac.date_simulee(horloge),
        };
        anomalies = saisie::controler(&recyclee, &ctx);
    }
    if !anomalies.is_empty() {
        return Ok(Err(anomalies));
    }
    let raison_sociale = reference::structure_publique(c, &recyclee.destinataire)?
        .map(|s| s.raison_sociale)
        .unwrap_or_default();
    // Le nouveau destinataire reçoit la facture à la nouvelle mise à disposition : c'est d'elle
    // que partent son délai de paiement et le calendrier de l'acheteur simulé.
    c.execute(
        "UPDATE facture SET saisie = ?3, destinataire = ?4, raison_sociale_destinataire = ?5,
             date_mise_a_disposition = NULL
         WHERE bac_id = ?1 AND id = ?2",
        params![bac_id, facture_id, serde_json::to_string(&recyclee)?, recyclee.destinataire, raison_sociale],
    )?;
    let date = bac.date_simulee(horloge);
    let ch =
        facture::Changement { statut: nouveau, acteur: Acteur::Fournisseur, date, commentaire: &commentaire };
    facture::changer_statut(c, bac_id, facture_id, ch, horloge)?;
    facture::acheminer(c, bac_id, facture_id, circuit, date, horloge)?;
    Ok(Ok(()))
}

/// Ce que le fournisseur ajoute à une facture suspendue.
#[derive(Debug, Clone, Default)]
pub struct Complement<'a> {
    pub commentaire: &'a str,
    /// Nombre de pièces jointes déposées avec ce complément. Le dépôt des pièces jointes se
    /// branche ici : il les enregistre dans la même transaction, avant d'appeler [`completer`]
    /// avec leur nombre (un complément sans commentaire ni pièce est refusé).
    pub pieces_jointes: usize,
}

/// Complète une facture suspendue : elle passe à « Complétée » et revient au destinataire ; le
/// commentaire figure à l'historique des statuts.
pub fn completer(
    c: &Connection,
    bac_id: &str,
    structure_id: &str,
    facture_id: &str,
    complement: &Complement<'_>,
    horloge: &Horloge,
) -> Resultat<()> {
    let bac = bac::bac(c, bac_id)?;
    let f = facture_de(c, bac_id, structure_id, facture_id)?;
    let circuit = Circuit::de(f.facture.cadre);
    let nouveau = circuit::transition(
        circuit,
        Some(f.statut),
        Action::Completer,
        Acteur::Fournisseur,
        &Contexte::default(),
    )?;
    let commentaire = suites::verifier_complement(complement.commentaire, complement.pieces_jointes)?;
    let ch = facture::Changement {
        statut: nouveau,
        acteur: Acteur::Fournisseur,
        date: bac.date_simulee(horloge),
        commentaire: &commentaire,
    };
    facture::changer_statut(c, bac_id, facture_id, ch, horloge)?;
    Ok(())
}

/// « Traiter le rejet » : le fournisseur atteste avoir pris connaissance du rejet ; la facture
/// quitte les factures à traiter. Elle reste rejetée : il faut en émettre une nouvelle, sous
/// un nouveau numéro.
pub fn traiter_rejet(
    c: &Connection,
    bac_id: &str,
    structure_id: &str,
    facture_id: &str,
    horloge: &Horloge,
) -> Resultat<()> {
    let bac = bac::bac(c, bac_id)?;
    let f = facture_de(c, bac_id, structure_id, facture_id)?;
    if f.statut != Statut::Rejetee {
        return Err(Erreur::Domaine(chorus_domain::Erreur::Transition(format!(
            "Seule une facture rejetée a un rejet à traiter (statut actuel : « {} »).",
            f.statut.libelle()
        ))));
    }
    if suivi(c, bac_id, facture_id)?.rejet_traite_le.is_some() {
        return Err(Erreur::Domaine(chorus_domain::Erreur::Transition(
            "Ce rejet a déjà été traité : il reste à émettre une nouvelle facture, sous un nouveau numéro."
                .into(),
        )));
    }
    let date = bac.date_simulee(horloge);
    c.execute(
        "UPDATE facture SET rejet_traite_le = ?3 WHERE bac_id = ?1 AND id = ?2",
        params![bac_id, facture_id, date],
    )?;
    journal::ajouter(
        c,
        journal::Nouvelle {
            bac_id,
            facture_id: Some(facture_id),
            evenement: REJET_TRAITE,
            statut: None,
            date_simulee: date,
            horodatage: horloge.maintenant(),
            acteur: Acteur::Fournisseur.code(),
            commentaire: "",
            donnees: None,
        },
    )?;
    Ok(())
}

/// Les factures de la structure que le fournisseur doit reprendre : à recycler, suspendues, ou
/// rejetées dont le rejet n'est pas encore traité.
pub fn a_reprendre(c: &Connection, bac_id: &str, structure_id: &str) -> Resultat<usize> {
    Ok(c.prepare_cached(
        "SELECT count(*) FROM facture WHERE bac_id = ?1 AND structure_id = ?2
           AND (statut IN ('A_RECYCLER', 'SUSPENDUE') OR (statut = 'REJETEE' AND rejet_traite_le IS NULL))",
    )?
    .query_row([bac_id, structure_id], |r| r.get::<_, i64>(0))? as usize)
}

/// Les factures rejetées de la structure dont le rejet a été traité : elles quittent la liste
/// de travail du fournisseur.
pub fn rejets_traites(c: &Connection, bac_id: &str, structure_id: &str) -> Resultat<Vec<String>> {
    let mut st = c.prepare_cached(
        "SELECT id FROM facture WHERE bac_id = ?1 AND structure_id = ?2 AND statut = 'REJETEE'
           AND rejet_traite_le IS NOT NULL",
    )?;
    let v = st.query_map([bac_id, structure_id], |r| r.get(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(v)
}
