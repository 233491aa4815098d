//! Le suivi du paiement des factures : les dates tirées de l'historique des statuts (mise à
//! disposition, suspension, complétion, mise en paiement), la table des taux des intérêts
//! moratoires, et le calcul du domaine ([`chorus_domain::delai_paiement::calculer`]).

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use chorus_domain::Statut;
use chorus_domain::delai_paiement::{self, Donnees, Situation, SuiviPaiement, Suspension, TauxSemestre};
use chorus_domain::facture::{CadreFacturation, TypeFacture};
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};
use rust_decimal::Decimal;

use crate::bac;
use crate::erreur::{Erreur, Resultat};
use crate::facture::{self, FactureStockee};
use crate::horloge::Horloge;

/// Valeur de la colonne `statut` d'un taux encore à confirmer.
const STATUT_A_VERIFIER: &str = "a_verifier";
const STATUT_PUBLIE: &str = "publie";

/// Délai appliqué quand le destinataire n'est plus dans l'annuaire : le cas général (R2192-10).
const DELAI_PAR_DEFAUT: u16 = 30;

/// Les taux de la table, du plus ancien au plus récent. Une ligne illisible (modifiée hors du
/// simulateur) est écartée plutôt que de rendre tous les suivis impossibles.
pub fn lister_taux(c: &Connection) -> Resultat<Vec<TauxSemestre>> {
    // La table change quelques fois par an ; chaque page qui calcule des intérêts la lit. Elle
    // est gardée en mémoire par base, avec la version que ses déclencheurs font avancer.
    static EN_MEMOIRE: Mutex<Vec<(String, i64, Vec<TauxSemestre>)>> = Mutex::new(Vec::new());
    let version: i64 = c.prepare_cached("SELECT version FROM taux_version")?.query_row([], |r| r.get(0))?;
    let base = c.path().unwrap_or_default().to_string();
    if !base.is_empty()
        && let Some((_, _, taux)) = EN_MEMOIRE
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .find(|(b, v, _)| *b == base && *v == version)
    {
        return Ok(taux.clone());
    }
    let taux = lire_les_taux(c)?;
    if !base.is_empty() {
        let mut memoire = EN_MEMOIRE.lock().unwrap_or_else(PoisonError::into_inner);
        memoire.retain(|(b, _, _)| *b != base);
        memoire.push((base, version, taux.clone()));
    }
    Ok(taux)
}

fn lire_les_taux(c: &Connection) -> Resultat<Vec<TauxSemestre>> {
    let mut st = c.prepare_cached(
        "SELECT debut_semestre, taux_bce, statut FROM taux_interets_moratoires ORDER BY debut_semestre",
    )?;
    let lignes = st
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(lignes
        .into_iter()
        .filter_map(|(debut, bce, statut)| {
            Some(TauxSemestre {
                debut: debut.parse().ok()?,
                taux_bce: bce.parse().ok()?,
                a_verifier: statut == STATUT_A_VERIFIER,
            })
        })
        .collect())
}

/// Ajoute le taux d'un semestre, ou remplace celui qui y était. Le taux des intérêts moratoires
/// est recalculé ici (BCE + 8 points) : la table ne peut pas contredire la règle.
pub fn definir_taux(c: &Connection, taux: &TauxSemestre) -> Resultat<()> {
    // Revalidé ici : l'appelant a pu construire la valeur sans passer par `lire_taux`.
    let controle = delai_paiement::lire_taux(taux.debut, &taux.taux_bce.to_string())?;
    let interets =
        controle.taux_interets().ok_or_else(|| Erreur::Invalide("taux de la BCE démesuré".to_string()))?;
    c.prepare_cached(
        "INSERT INTO taux_interets_moratoires (debut_semestre, taux_bce, taux, statut) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (debut_semestre) DO UPDATE SET taux_bce = ?2, taux = ?3, statut = ?4",
    )?
    .execute(params![
        controle.debut.to_string(),
        controle.taux_bce.to_string(),
        interets.to_string(),
        if taux.a_verifier { STATUT_A_VERIFIER } else { STATUT_PUBLIE },
    ])?;
    Ok(())
}

/// Les dates qui comptent pour le délai, lues dans l'historique des statuts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Jalons {
    /// La dernière mise à disposition : après un recyclage, c'est elle qui fait partir le délai
    /// (le bon destinataire ne reçoit la facture qu'à ce moment-là).
    pub mise_a_disposition: Option<NaiveDate>,
    pub suspensions: Vec<Suspension>,
    /// La première mise en paiement.
    pub mise_en_paiement: Option<NaiveDate>,
}

/// Les jalons d'un historique de statuts, du plus ancien au plus récent.
pub fn jalons(historique: impl IntoIterator<Item = (Statut, NaiveDate)>) -> Jalons {
    let mut j = Jalons::default();
    for (statut, date) in historique {
        match statut {
            Statut::MiseADisposition => j.mise_a_disposition = Some(date),
            Statut::Suspendue => j.suspensions.push(Suspension { suspendue_le: date, completee_le: None }),
            Statut::Completee => {
                if let Some(s) = j.suspensions.last_mut().filter(|s| s.completee_le.is_none()) {
                    s.completee_le = Some(date);
                }
            }
            Statut::MiseEnPaiement => {
                j.mise_en_paiement.get_or_insert(date);
            }
            _ => {}
        }
    }
    j
}

/// Où en est le paiement d'une facture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EtatPaiement {
    /// Brouillon : jamais envoyée, aucun délai ne court.
    NonTransmise,
    /// Déposée, en cours d'acheminement ou à recycler : le délai partira de la mise à disposition.
    EnAttente(Statut),
    /// Rejetée : elle ne sera pas payée, il faut une nouvelle facture.
    Rejetee(NaiveDate),
    /// Refusée par son valideur (titulaire, mandataire) : elle ne sera pas payée.
    RefuseeParLeValideur(NaiveDate),
    /// Un avoir transmis : jamais payé au fournisseur, il diminue ce que l'acheteur doit ; ni
    /// échéance ni intérêts moratoires.
    Avoir,
    Suivie(Box<SuiviPaiement>),
}

/// Ce qui fait partir le délai de paiement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DepartDuDelai {
    /// La mise à disposition du destinataire (R2192-12 à R2192-15).
    MiseADisposition,
    /// Sous-traitant payé directement : la réception par l'acheteur de l'accord du valideur,
    /// le jour où la facture validée lui est mise à disposition (R2192-22, R2192-23).
    AccordDuValideur(NaiveDate),
    /// Sous-traitant payé directement, sans réponse du valideur : l'expiration des quinze jours
    /// (R2192-23, R2193-12, R2193-16).
    ExpirationDuDelaiDeValidation(NaiveDate),
    /// Projet de décompte mensuel : sa réception par la maîtrise d'œuvre, horodatée par Chorus
    /// Pro (la dernière, après un recyclage ou un complément).
    ReceptionMoe(NaiveDate),
    /// Solde d'un marché de travaux : la réception du décompte général et définitif par le
    /// maître d'ouvrage.
    ReceptionDgd(NaiveDate),
}

impl DepartDuDelai {
    /// La date de départ, quand elle ne se lit pas dans la mise à disposition du destinataire.
    pub fn date(self) -> Option<NaiveDate> {
        match self {
            Self::ReceptionMoe(d) | Self::ReceptionDgd(d) => Some(d),
            _ => None,
        }
    }
}

/// Le départ du délai d'une facture, d'après son cadre et son historique : pour un
/// sous-traitant, la dernière validation (expresse ou tacite) avant la mise à disposition.
pub fn depart_du_delai(cadre: CadreFacturation, historique: &[(Statut, NaiveDate)]) -> DepartDuDelai {
    if cadre.est_travaux() {
        let final_ = cadre.est_decompte_final();
        let recherche = if final_ { Statut::Associee } else { Statut::MiseADispositionMoe };
        let date = historique.iter().rev().find(|(s, _)| *s == recherche).map(|(_, d)| *d);
        return match (date, final_) {
            (Some(d), false) => DepartDuDelai::ReceptionMoe(d),
            (Some(d), true) => DepartDuDelai::ReceptionDgd(d),
            (None, _) => DepartDuDelai::MiseADisposition,
        };
    }
    if cadre != CadreFacturation::A9FactureSousTraitant {
        return DepartDuDelai::MiseADisposition;
    }
    historique
        .iter()
        .rev()
        .find_map(|(s, d)| match s {
            Statut::Validee1 | Statut::Validee2 => Some(DepartDuDelai::AccordDuValideur(*d)),
            Statut::AbsenceValidation1HorsDelai | Statut::AbsenceValidation2HorsDelai => {
                Some(DepartDuDelai::ExpirationDuDelaiDeValidation(*d))
            }
            _ => None,
        })
        .unwrap_or(DepartDuDelai::MiseADisposition)
}

/// Le suivi du paiement d'une facture, tel que la page l'affiche.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuiviFacture {
    pub facture: FactureStockee,
    pub delai_jours: u16,
    pub etat: EtatPaiement,
    /// La facture est passée par « À recycler » : son délai part de la dernière mise à
    /// disposition (choix du simulateur).
    pub recyclee: bool,
    pub depart: DepartDuDelai,
}

/// Le délai réglementaire du destinataire (annuaire), ou le cas général s'il n'y est plus.
fn delai_du_destinataire(c: &Connection, identifiant: &str) -> Resultat<u16> {
    // Une seule colonne : chaque page de facture la lit.
    let delai: Option<u16> = c
        .prepare_cached("SELECT delai_paiement_jours FROM annuaire_structure WHERE identifiant = ?1")?
        .query_row([identifiant], |r| r.get(0))
        .optional()?;
    Ok(delai.unwrap_or(DELAI_PAR_DEFAUT))
}

#[allow(clippy::too_many_arguments)]
fn etat(
    statut: Statut,
    depart: DepartDuDelai,
    avoir: bool,
    date_statut: NaiveDate,
    delai_jours: u16,
    montant: Decimal,
    jalons: &Jalons,
    aujourd_hui: NaiveDate,
    taux: &[TauxSemestre],
) -> EtatPaiement {
    match statut {
        Statut::Brouillon => return EtatPaiement::NonTransmise,
        Statut::Rejetee => return EtatPaiement::Rejetee(date_statut),
        Statut::Refusee1
        | Statut::Refusee2
        | Statut::RefuseeMoe
        | Statut::RefuseeMoa
        | Statut::RefuseeFournisseur => return EtatPaiement::RefuseeParLeValideur(date_statut),
        _ if avoir => return EtatPaiement::Avoir,
        Statut::Deposee | Statut::EnCoursAcheminement | Statut::ARecycler => {
            return EtatPaiement::EnAttente(statut);
        }
        _ => {}
    }
    let Some(debut) = depart.date().or(jalons.mise_a_disposition) else {
        return EtatPaiement::EnAttente(statut);
    };
    EtatPaiement::Suivie(Box::new(delai_paiement::calculer(&Donnees {
        debut,
        delai_jours,
        suspensions: &jalons.suspensions,
        mise_en_paiement: jalons.mise_en_paiement,
        aujourd_hui,
        montant_ttc: montant,
        taux,
    })))
}

/// Le suivi du paiement de la facture `facture_id`, vu par la structure `structure_id` : une
/// facture d'un autre bac ou d'une autre structure est introuvable, comme sur sa page.
pub fn suivi_facture(
    c: &Connection,
    bac_id: &str,
    structure_id: &str,
    facture_id: &str,
    horloge: &Horloge,
) -> Resultat<SuiviFacture> {
    let facture = facture::charger(c, bac_id, facture_id)?;
    if facture.structure_id != structure_id {
        return Err(Erreur::Introuvable("facture"));
    }
    let aujourd_hui = bac::bac(c, bac_id)?.date_simulee(horloge);
    let historique = crate::journal::historique_facture(c, bac_id, facture_id)?;
    suivi_de(c, facture, &historique, aujourd_hui)
}

/// Le suivi d'une facture déjà chargée avec son historique (la page d'une facture les a lus
/// pour elle-même : ils ne sont pas relus).
pub fn suivi_de(
    c: &Connection,
    facture: FactureStockee,
    historique: &[crate::journal::Entree],
    aujourd_hui: NaiveDate,
) -> Resultat<SuiviFacture> {
    let delai_jours = delai_du_destinataire(c, &facture.facture.destinataire)?;
    let j = jalons(historique.iter().filter_map(|e| Some((e.statut?, e.date_simulee))));
    let recyclee = historique.iter().any(|e| e.statut == Some(Statut::ARecycler));
    let statuts: Vec<(Statut, NaiveDate)> =
        historique.iter().filter_map(|e| Some((e.statut?, e.date_simulee))).collect();
    let depart = depart_du_delai(facture.facture.cadre, &statuts);
    let suivre = |taux: &[TauxSemestre]| {
        etat(
            facture.statut,
            depart,
            facture.facture.type_facture == TypeFacture::Avoir,
            facture.date_statut,
            delai_jours,
            facture.montant_a_payer(),
            &j,
            aujourd_hui,
            taux,
        )
    };
    // La table des taux ne sert qu'aux intérêts d'un retard : elle n'est lue que s'il y en a un.
    let mut suivi = suivre(&[]);
    if matches!(&suivi, EtatPaiement::Suivie(p) if p.interets.is_some()) {
        suivi = suivre(&lister_taux(c)?);
    }
    Ok(SuiviFacture { facture, delai_jours, etat: suivi, recyclee, depart })
}

/// Une facture à surveiller, pour la vue d'ensemble.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ASurveiller {
    pub id: String,
    pub numero: String,
    pub raison_sociale_destinataire: String,
    pub statut: Statut,
    pub montant_ttc: Decimal,
    pub suivi: SuiviPaiement,
}

impl ASurveiller {
    pub fn situation(&self) -> Situation {
        self.suivi.situation()
    }
}

/// Les factures de la structure en retard (payées ou non) ou dont l'échéance tombe dans les
/// `jours` prochains jours, la plus pressante d'abord : retards non payés du plus ancien au plus
/// récent, puis échéances proches, puis retards payés (intérêts à réclamer).
pub fn a_surveiller(
    c: &Connection,
    bac_id: &str,
    structure_id: &str,
    jours: i64,
    horloge: &Horloge,
) -> Resultat<Vec<ASurveiller>> {
    let aujourd_hui = bac::bac(c, bac_id)?.date_simulee(horloge);
    let taux = lister_taux(c)?;
    let mut historiques: HashMap<String, Vec<(Statut, NaiveDate)>> = HashMap::new();
    {
        let mut st = c.prepare_cached(
            "SELECT j.facture_id, j.statut, j.date_simulee
             FROM journal j JOIN facture f ON f.id = j.facture_id AND f.bac_id = j.bac_id
             WHERE j.bac_id = ?1 AND f.structure_id = ?2 AND j.evenement = 'STATUT'
               AND f.statut <> 'BROUILLON'
             ORDER BY j.id",
        )?;
        let lignes = st.query_map(params![bac_id, structure_id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, NaiveDate>(2)?))
        })?;
        for ligne in lignes {
            let (id, statut, date) = ligne?;
            if let Some(s) = statut.and_then(|s| Statut::depuis_code(&s).ok()) {
                historiques.entry(id).or_default().push((s, date));
            }
        }
    }
    let mut st = c.prepare_cached(
        "SELECT f.id, f.numero, f.raison_sociale_destinataire, f.statut, f.date_statut, f.montant_a_payer,
                f.total_ttc, coalesce(a.delai_paiement_jours, ?3), coalesce(json_extract(f.saisie, '$.cadre'), '')
         FROM facture f LEFT JOIN annuaire_structure a ON a.identifiant = f.destinataire
         WHERE f.bac_id = ?1 AND f.structure_id = ?2 AND f.statut <> 'BROUILLON'
           AND coalesce(json_extract(f.saisie, '$.type_facture'), '') <> 'AVOIR'
         ORDER BY f.ordre",
    )?;
    let lignes = st
        .query_map(params![bac_id, structure_id, DELAI_PAR_DEFAUT], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, NaiveDate>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                (r.get::<_, u16>(7)?, r.get::<_, String>(8)?),
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut v = Vec::new();
    for (id, numero, raison_sociale, statut, date_statut, a_payer, ttc, (delai, cadre)) in lignes {
        let (Ok(statut), Ok(cadre)) = (Statut::depuis_code(&statut), CadreFacturation::depuis_code(&cadre))
        else {
            continue;
        };
        let historique = historiques.remove(&id).unwrap_or_default();
        let depart = depart_du_delai(cadre, &historique);
        let j = jalons(historique);
        let montant = a_payer.parse().unwrap_or_default();
        let EtatPaiement::Suivie(suivi) =
            etat(statut, depart, false, date_statut, delai, montant, &j, aujourd_hui, &taux)
        else {
            continue;
        };
        let garder = match suivi.situation() {
            Situation::EnRetard { .. } | Situation::PayeeEnRetard { .. } => true,
            Situation::EnCours { jours_restants } => jours_restants <= jours,
            Situation::Interrompu | Situation::PayeeDansLeDelai => false,
        };
        if garder {
            v.push(ASurveiller {
                id,
                numero,
                raison_sociale_destinataire: raison_sociale,
                statut,
                montant_ttc: if cadre.est_travaux() { montant } else { ttc.parse().unwrap_or_default() },
                suivi: *suivi,
            });
        }
    }
    v.sort_by_key(|f| {
        let rang = match f.situation() {
            Situation::EnRetard { .. } => 0,
            Situation::EnCours { .. } => 1,
            _ => 2,
        };
        (rang, f.suivi.echeance, f.numero.clone())
    });
    Ok(v)
}
