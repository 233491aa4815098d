//! Le côté de l'acheteur public, joué à la main : les « Factures reçues » de chaque structure
//! publique destinataire des factures d'un bac à sable, et les actions du destinataire et du
//! comptable (API `traiterFactureRecue`).
//!
//! Un seul cas d'usage, [`traiter`], sert à tous ceux qui jouent l'acheteur : le stagiaire en
//! mode « Jouer l'acheteur public », le formateur dans sa console, un scénario, l'API. Il charge
//! la facture, demande à [`statut::transition`] si l'action est permise, enregistre le
//! changement (journal et projection) et prévient le fournisseur, dans la même transaction.

use chorus_domain::Statut;
use chorus_domain::circuit::{self, Circuit};
use chorus_domain::facture::TypeFacture;
use chorus_domain::statut::{Acteur, Action, Contexte};
use chorus_domain::suites;
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};
use rust_decimal::Decimal;

use crate::erreur::{Erreur, Resultat};
use crate::facture::{self, FactureStockee};
use crate::horloge::Horloge;
use crate::{bac, journal, notification, piece_jointe, reference};

pub use crate::journal::{Coup, Joueur};

/// Ce que le destinataire (ou le comptable) fait de la facture, tel que demandé.
#[derive(Debug, Clone, Copy)]
pub struct Traitement<'a> {
    pub nouveau_statut: Statut,
    /// Obligatoire pour rejeter ou suspendre ; 255 caractères au plus.
    pub motif: &'a str,
    /// `numeroDPMandat`, avec « Mandatée » seulement ; facultatif.
    pub numero_mandat: &'a str,
}

// Quels statuts l'acheteur donne, et lesquels reviennent au comptable : règles de Chorus Pro.
pub use chorus_domain::statut::{CIBLES_ACHETEUR as CIBLES, acteur_de};

/// Le réglage « À recycler » du bac à sable (voir `docs/architecture.md`).
pub fn a_recycler_autorise(c: &Connection, bac_id: &str) -> Resultat<bool> {
    c.prepare_cached("SELECT a_recycler_autorise FROM bac WHERE id = ?1")?
        .query_row([bac_id], |r| r.get(0))
        .optional()?
        .ok_or(Erreur::Introuvable("bac à sable"))
}

pub fn regler_a_recycler(c: &Connection, bac_id: &str, autorise: bool) -> Resultat<()> {
    let n = c.execute("UPDATE bac SET a_recycler_autorise = ?2 WHERE id = ?1", params![bac_id, autorise])?;
    if n == 0 {
        return Err(Erreur::Introuvable("bac à sable"));
    }
    Ok(())
}

/// Une facture reçue par le destinataire : une facture qui lui a été mise à disposition. Il ne
/// voit ni un brouillon, ni une facture qui attend encore son valideur (A9, A12).
pub fn facture_recue(c: &Connection, bac_id: &str, facture_id: &str) -> Resultat<FactureStockee> {
    let f = facture::charger(c, bac_id, facture_id)?;
    if f.date_mise_a_disposition.is_none() {
        return Err(Erreur::Introuvable("facture"));
    }
    Ok(f)
}

/// Ce que le destinataire reçoit avec une facture : comment elle a été déposée, et ses
/// fichiers (le PDF déposé d'abord, puis les pièces jointes).
pub fn fichiers_recus(
    c: &Connection,
    bac_id: &str,
    facture_id: &str,
) -> Resultat<(piece_jointe::ModeDepot, Vec<piece_jointe::Piece>)> {
    facture_recue(c, bac_id, facture_id)?;
    Ok((piece_jointe::mode_depot(c, bac_id, facture_id)?, piece_jointe::lister(c, bac_id, facture_id)?))
}

/// Un fichier d'une facture reçue, avec son contenu. Celui d'une autre facture, d'un brouillon
/// ou d'un autre bac est « introuvable ».
pub fn fichier_recu(
    c: &Connection,
    bac_id: &str,
    facture_id: &str,
    piece_id: &str,
) -> Resultat<(piece_jointe::Piece, Vec<u8>)> {
    facture_recue(c, bac_id, facture_id)?;
    let (piece, contenu) = piece_jointe::contenu(c, bac_id, piece_id)?;
    if piece.facture_id.as_deref() != Some(facture_id) {
        return Err(Erreur::Introuvable("pièce jointe"));
    }
    Ok((piece, contenu))
}

fn mise_en_paiement_non_remontee(c: &Connection, destinataire: &str) -> Resultat<bool> {
    Ok(reference::structure_publique(c, destinataire)?
        .is_some_and(|s| s.parametres.mise_en_paiement_non_remontee))
}

fn contexte<'a>(
    f: &FactureStockee,
    motif: Option<&'a str>,
    mep_non_remontee: bool,
    a_recycler: bool,
) -> Contexte<'a> {
    Contexte {
        motif,
        deja_suspendue: f.deja_suspendue,
        mise_en_paiement_non_remontee: mep_non_remontee,
        a_recycler_autorise: a_recycler,
        avoir: f.facture.type_facture == TypeFacture::Avoir,
        ..Contexte::default()
    }
}

/// Joue une action du destinataire ou du comptable sur une facture reçue ; retourne le nouveau
/// statut. Refusée avec un message si les règles de Chorus Pro ne la permettent pas.
pub fn traiter(
    c: &Connection,
    bac_id: &str,
    facture_id: &str,
    t: &Traitement<'_>,
    joueur: Joueur,
    horloge: &Horloge,
) -> Resultat<Statut> {
    let date = bac::bac(c, bac_id)?.date_simulee(horloge);
    jouer(c, bac_id, facture_id, t, Coup { joueur, date, regle: None }, horloge, true)
}

/// Le même traitement, joué par l'acheteur scripté d'un scénario le jour où sa règle tombe
/// (pendant une avancée d'horloge, ce jour peut précéder la date simulée) ; le numéro de la
/// règle va au journal, pour qu'elle ne joue qu'une fois par facture.
pub fn traiter_par_le_scenario(
    c: &Connection,
    bac_id: &str,
    facture_id: &str,
    t: &Traitement<'_>,
    (regle, date): (usize, NaiveDate),
    horloge: &Horloge,
) -> Resultat<Statut> {
    let coup = Coup { joueur: Joueur::Scenario, date, regle: Some(regle) };
    jouer(c, bac_id, facture_id, t, coup, horloge, true)
}

/// L'étape du calendrier par défaut de l'acheteur simulé, jouée le jour où elle tombe : le même
/// cas d'usage que pour un humain (mêmes contrôles, même journal, « joué par » le simulateur),
/// sans message immédiat : l'activité du jour l'annonce (voir `notification`).
pub fn traiter_par_defaut(
    c: &Connection,
    bac_id: &str,
    facture_id: &str,
    statut: Statut,
    date: NaiveDate,
    horloge: &Horloge,
) -> Resultat<Statut> {
    let t = Traitement { nouveau_statut: statut, motif: "", numero_mandat: "" };
    let coup = Coup { joueur: Joueur::Simulateur, date, regle: None };
    jouer(c, bac_id, facture_id, &t, coup, horloge, false)
}

/// Le traitement, annoncé aussitôt au fournisseur (`immediat`) quand un humain ou un scénario
/// donne le statut à la main.
fn jouer(
    c: &Connection,
    bac_id: &str,
    facture_id: &str,
    t: &Traitement<'_>,
    coup: Coup,
    horloge: &Horloge,
    immediat: bool,
) -> Resultat<Statut> {
    let f = facture_recue(c, bac_id, facture_id)?;
    let motif = suites::verifier_motif(t.motif)?;
    let numero_mandat = match t.nouveau_statut {
        Statut::Mandatee => suites::verifier_numero_mandat(t.numero_mandat)?,
        _ => None,
    };
    let mep = mise_en_paiement_non_remontee(c, &f.facture.destinataire)?;
    let ctx = contexte(&f, Some(&motif), mep, a_recycler_autorise(c, bac_id)?);
    let acteur = acteur_de(t.nouveau_statut);
    let circuit = Circuit::de(f.facture.cadre);
    let nouveau =
        circuit::transition(circuit, Some(f.statut), Action::Traiter(t.nouveau_statut), acteur, &ctx)?;
    let commentaire = match (&numero_mandat, motif.is_empty()) {
        (Some(n), true) => format!("Mandat n° {n}"),
        (Some(n), false) => format!("Mandat n° {n} — {motif}"),
        (None, _) => motif,
    };
    let ch = facture::Changement { statut: nouveau, acteur, date: coup.date, commentaire: &commentaire };
    let entree = facture::changer_statut(c, bac_id, facture_id, ch, horloge)?;
    let donnees =
        serde_json::json!({ "joue_par": coup.joueur, "numero_mandat": numero_mandat, "regle": coup.regle });
    journal::annoter(c, bac_id, entree, &donnees)?;
    if immediat {
        let moment = coup.date.and_time(horloge.maintenant().time());
        notification::evenement_facture(c, bac_id, facture_id, nouveau, &commentaire, moment)?;
    }
    Ok(nouveau)
}

/// Une action que l'acheteur peut faire maintenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Possible {
    pub statut: Statut,
    pub acteur: Acteur,
    pub motif_obligatoire: bool,
}

/// Ce que l'acheteur peut faire d'une facture, et ce qui lui est refusé par un paramètre
/// (mise en paiement non remontée, « À recycler » désactivé), avec l'explication.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Possibilites {
    pub actions: Vec<Possible>,
    pub empechements: Vec<String>,
}

/// Les actions que [`statut::transition`] permet maintenant sur cette facture : la page ne
/// propose que celles-là (et [`traiter`] revérifie tout).
pub fn possibilites(c: &Connection, bac_id: &str, f: &FactureStockee) -> Resultat<Possibilites> {
    let mep = mise_en_paiement_non_remontee(c, &f.facture.destinataire)?;
    let a_recycler = a_recycler_autorise(c, bac_id)?;
    // Un motif quelconque : on demande si l'action est possible, le motif sera saisi ensuite.
    let avec = contexte(f, Some("motif"), mep, a_recycler);
    let sans_parametres = contexte(f, Some("motif"), false, true);
    let circuit = Circuit::de(f.facture.cadre);
    let mut p = Possibilites::default();
    for cible in CIBLES {
        let acteur = acteur_de(cible);
        let action = Action::Traiter(cible);
        match circuit::transition(circuit, Some(f.statut), action, acteur, &avec) {
            Ok(_) => p.actions.push(Possible {
                statut: cible,
                acteur,
                motif_obligatoire: matches!(cible, Statut::Rejetee | Statut::Suspendue),
            }),
            Err(e)
                if circuit::transition(circuit, Some(f.statut), action, acteur, &sans_parametres).is_ok() =>
            {
                p.empechements.push(e.to_string());
            }
            Err(_) => {}
        }
    }
    Ok(p)
}

/// Une structure publique qui a reçu des factures de ce bac à sable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StructureDestinataire {
    pub identifiant: String,
    pub raison_sociale: String,
    pub factures: usize,
    /// Factures sur lesquelles le destinataire ou le comptable peut encore agir.
    pub a_traiter: usize,
}

/// Les statuts sur lesquels l'acheteur peut encore agir.
const EN_TRAITEMENT: &str = "('MISE_A_DISPOSITION', 'COMPLETEE', 'SERVICE_FAIT', 'MANDATEE', \
                             'MISE_A_DISPOSITION_COMPTABLE', 'COMPTABILISEE')";

/// Les structures publiques destinataires des factures transmises de ce bac à sable.
pub fn structures_destinataires(c: &Connection, bac_id: &str) -> Resultat<Vec<StructureDestinataire>> {
    let sql = format!(
        "SELECT destinataire, max(raison_sociale_destinataire), count(*), sum(statut IN {EN_TRAITEMENT})
         FROM facture WHERE bac_id = ?1 AND date_mise_a_disposition IS NOT NULL
         GROUP BY destinataire ORDER BY max(raison_sociale_destinataire), destinataire"
    );
    let mut st = c.prepare_cached(&sql)?;
    let v = st
        .query_map([bac_id], |r| {
            Ok(StructureDestinataire {
                identifiant: r.get(0)?,
                raison_sociale: r.get(1)?,
                factures: r.get::<_, i64>(2)? as usize,
                a_traiter: r.get::<_, i64>(3)? as usize,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(v)
}

/// Une ligne des « Factures reçues » d'une structure publique.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactureRecue {
    pub id: String,
    pub numero: String,
    pub fournisseur: String,
    pub identifiant_fournisseur: String,
    pub date_depot: Option<NaiveDate>,
    pub statut: Statut,
    pub date_statut: NaiveDate,
    pub total_ttc: Decimal,
}

/// Les « Factures reçues » par la structure publique `identifiant` de la part des
/// fournisseurs de ce bac à sable, la plus récente d'abord.
pub fn factures_recues(c: &Connection, bac_id: &str, identifiant: &str) -> Resultat<Vec<FactureRecue>> {
    let mut st = c.prepare_cached(
        // Une pièce de travaux arrive au service financier au montant admis.
        "SELECT f.id, f.numero, s.raison_sociale, s.identifiant, f.date_depot, f.statut, f.date_statut,
                CASE WHEN f.montant_admis_ht IS NULL THEN f.total_ttc ELSE f.montant_a_payer END
         FROM facture f JOIN structure s ON s.id = f.structure_id AND s.bac_id = f.bac_id
         WHERE f.bac_id = ?1 AND f.destinataire = ?2 AND f.date_mise_a_disposition IS NOT NULL
         ORDER BY f.ordre DESC LIMIT 500",
    )?;
    let v = st
        .query_map(params![bac_id, identifiant], |r| {
            let statut: String = r.get(5)?;
            let ttc: String = r.get(7)?;
            Ok(FactureRecue {
                id: r.get(0)?,
                numero: r.get(1)?,
                fournisseur: r.get(2)?,
                identifiant_fournisseur: r.get(3)?,
                date_depot: r.get(4)?,
                statut: Statut::depuis_code(&statut).unwrap_or(Statut::Deposee),
                date_statut: r.get(6)?,
                total_ttc: ttc.parse().unwrap_or_default(),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(v)
}
