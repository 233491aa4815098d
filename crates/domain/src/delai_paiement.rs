//! Délai global de paiement (DGP) d'une facture, tel que le code de la commande publique le
//! calcule. Chorus Pro ne gère pas les délais : c'est un complément pédagogique du simulateur.
//!
//! - départ : mise à disposition du destinataire (R2192-12 à R2192-15) ;
//! - délai : 30, 50 ou 60 jours selon l'acheteur (R2192-10, R2192-11) ;
//! - une seule interruption (suspension), avant l'échéance (R2192-27) ; à la complétion, un
//!   nouveau délai de 30 jours, ou du solde restant à courir à la date de la suspension s'il
//!   est plus long (R2192-29) ;
//! - retard : des intérêts moratoires dès le lendemain de l'échéance (L2192-13), au taux de la
//!   BCE en vigueur le premier jour du semestre où ils commencent à courir, majoré de 8 points
//!   (R2192-31) : montant TTC × jours de retard × taux / 365, arrondi au centime par la règle de
//!   [`crate::montants::arrondir`] ; plus l'indemnité forfaitaire de 40 € (D2192-35) ; le tout
//!   versé dans les 45 jours suivant la mise en paiement du principal (R2192-36).

use chrono::{Datelike, Days, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::erreur::Erreur;
use crate::montants::arrondir;

/// Délai réglementaire selon l'acheteur, en jours (R2192-10 et R2192-11).
///
/// Chorus Pro ne gère pas les délais et son annuaire n'en donne aucun : le délai se déduit de
/// la nature juridique de l'acheteur (et du contrat, qui peut fixer plus court). L'annuaire de
/// formation porte deux colonnes propres au simulateur, `CategorieJuridique` (code INSEE) et
/// `DelaiGlobalPaiementJours` ; si la seconde est renseignée, elle prime ; sinon on déduit de
/// la catégorie :
/// - 50 jours pour les établissements publics de santé (7364 établissement d'hospitalisation,
///   7365 syndicat inter-hospitalier) ;
/// - 60 jours pour les entreprises publiques : établissements publics nationaux à caractère
///   industriel ou commercial (4110, 4120), exploitants publics (4130) et sociétés (5xxx :
///   sociétés d'économie mixte, sociétés publiques locales) ; **pas** les établissements
///   publics locaux industriels ou commerciaux (4140) ni les régies locales (4150), que
///   R2192-11 2° exclut : 30 jours ;
/// - 30 jours sinon (État, collectivités, leurs établissements, dont les établissements
///   médico-sociaux 7366 — piège classique).
pub fn delai_reglementaire(categorie_juridique: Option<&str>, delai_annuaire: Option<u16>) -> u16 {
    if let Some(jours) = delai_annuaire {
        return jours;
    }
    let categorie = categorie_juridique.map(str::trim).unwrap_or("");
    if categorie.is_empty() || !categorie.bytes().all(|b| b.is_ascii_digit()) {
        return DELAI_ETAT_COLLECTIVITES;
    }
    match categorie {
        "7364" | "7365" => DELAI_SANTE,
        "4110" | "4120" | "4130" => DELAI_ENTREPRISES_PUBLIQUES,
        c if c.starts_with('5') => DELAI_ENTREPRISES_PUBLIQUES,
        _ => DELAI_ETAT_COLLECTIVITES,
    }
}

/// R2192-10 : l'État, les collectivités territoriales et leurs établissements publics.
const DELAI_ETAT_COLLECTIVITES: u16 = 30;
/// R2192-11 1° : les établissements publics de santé.
const DELAI_SANTE: u16 = 50;
/// R2192-11 2° : les entreprises publiques.
const DELAI_ENTREPRISES_PUBLIQUES: u16 = 60;

/// L'article du code de la commande publique d'où vient le délai.
pub fn article_du_delai(jours: u16) -> &'static str {
    match jours {
        50 => "R2192-11 1° du code de la commande publique (établissements publics de santé)",
        60 => {
            "R2192-11 2° du code de la commande publique (entreprises publiques, sauf les établissements publics locaux)"
        }
        _ => {
            "R2192-10 du code de la commande publique (État, collectivités territoriales et leurs établissements)"
        }
    }
}

/// Où en est le délai d'une facture, à une date donnée.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuiviDelai {
    /// Date de mise à disposition du destinataire : départ du délai (R2192-12).
    pub debut: NaiveDate,
    pub delai_jours: u16,
    pub echeance: NaiveDate,
    /// Date de mise en paiement, si elle a eu lieu.
    pub mise_en_paiement: Option<NaiveDate>,
    /// Jours restants avant l'échéance (0 le jour même), à la date de référence.
    pub jours_restants: i64,
    /// Jours de retard (0 si à l'heure), à la date de référence.
    pub jours_retard: i64,
}

/// `reference` est la date de mise en paiement si elle existe, sinon la date simulée du jour.
/// Payer le jour de l'échéance n'est pas un retard.
pub fn suivre(
    debut: NaiveDate,
    delai_jours: u16,
    mise_en_paiement: Option<NaiveDate>,
    aujourd_hui: NaiveDate,
) -> SuiviDelai {
    // `checked_add_days` ne peut échouer qu'aux confins du calendrier de chrono (an 262 143) :
    // on s'arrête alors à la dernière date représentable plutôt que de paniquer.
    let echeance = debut.checked_add_days(Days::new(u64::from(delai_jours))).unwrap_or(NaiveDate::MAX);
    let reference = mise_en_paiement.unwrap_or(aujourd_hui);
    let ecart = echeance.signed_duration_since(reference).num_days();
    SuiviDelai {
        debut,
        delai_jours,
        echeance,
        mise_en_paiement,
        jours_restants: ecart.max(0),
        jours_retard: (-ecart).max(0),
    }
}

/// L'article de loi (code de la commande publique) d'où vient une date ou un chiffre du suivi.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Article {
    /// R2192-10 : 30 jours pour l'État, les collectivités territoriales et leurs établissements.
    DelaiEtatCollectivites,
    /// R2192-11 1° : 50 jours pour les établissements publics de santé.
    DelaiSante,
    /// R2192-11 2° : 60 jours pour les entreprises publiques.
    DelaiEntreprisesPubliques,
    /// R2192-12 à R2192-15 : le délai court de la réception de la demande de paiement ; pour une
    /// facture déposée sur le portail, de sa mise à disposition.
    Depart,
    /// Décret n° 2013-269, article 2 : le délai de paiement du solde d'un marché de travaux
    /// court de la réception du décompte général et définitif par le maître d'ouvrage.
    DepartSolde,
    /// R2192-22 et R2192-23 : le sous-traitant payé directement a le délai du titulaire, qui
    /// court de la réception par l'acheteur de l'accord du titulaire, ou de l'expiration des
    /// quinze jours de R2193-12 (R2193-16 sur le portail).
    DepartSousTraitant,
    /// R2192-27 : le délai peut être interrompu une seule fois.
    Interruption,
    /// R2192-29 : à la réception des pièces, un nouveau délai de 30 jours ou du solde restant.
    NouveauDelai,
    /// L2192-13 : le retard fait courir les intérêts moratoires dès le lendemain de l'échéance.
    Retard,
    /// R2192-31 : taux de la BCE au premier jour du semestre, majoré de 8 points.
    Taux,
    /// D2192-35 : indemnité forfaitaire pour frais de recouvrement de 40 €.
    IndemniteForfaitaire,
    /// R2192-36 : intérêts et indemnité versés dans les 45 jours suivant la mise en paiement.
    VersementInterets,
}

impl Article {
    pub const TOUS: [Article; 12] = [
        Self::DelaiEtatCollectivites,
        Self::DelaiSante,
        Self::DelaiEntreprisesPubliques,
        Self::Depart,
        Self::DepartSolde,
        Self::DepartSousTraitant,
        Self::Interruption,
        Self::NouveauDelai,
        Self::Retard,
        Self::Taux,
        Self::IndemniteForfaitaire,
        Self::VersementInterets,
    ];

    /// Le numéro de l'article, tel qu'on le cite : « R2192-29 ».
    pub fn numero(self) -> &'static str {
        match self {
            Self::DelaiEtatCollectivites => "R2192-10",
            Self::DelaiSante => "R2192-11 1°",
            Self::DelaiEntreprisesPubliques => "R2192-11 2°",
            Self::Depart => "R2192-12 à R2192-15",
            Self::DepartSolde => "R2192-12 et suivants (solde des travaux)",
            Self::DepartSousTraitant => "R2192-22 et R2192-23",
            Self::Interruption => "R2192-27",
            Self::NouveauDelai => "R2192-29",
            Self::Retard => "L2192-13",
            Self::Taux => "R2192-31",
            Self::IndemniteForfaitaire => "D2192-35",
            Self::VersementInterets => "R2192-36",
        }
    }

    /// Ce que dit l'article, en une phrase.
    pub fn regle(self) -> &'static str {
        match self {
            Self::DelaiEtatCollectivites => {
                "30 jours pour l'État, les collectivités territoriales et leurs établissements publics."
            }
            Self::DelaiSante => "50 jours pour les établissements publics de santé.",
            Self::DelaiEntreprisesPubliques => {
                "60 jours pour les entreprises publiques, sauf celles qui sont des établissements publics \
                 locaux (30 jours)."
            }
            Self::Depart => {
                "Le délai court de la réception de la facture ; sur le portail, de sa mise à disposition \
                 du destinataire. Il court même si la facture est incomplète : ce qui manque se réclame \
                 par une interruption. Si le marché le prévoit, il court de la réception par le maître \
                 d'œuvre : pour un projet de décompte déposé sur Chorus Pro, de sa réception par la MOE \
                 horodatée par la plateforme."
            }
            Self::DepartSolde => {
                "Pour le solde d'un marché de travaux, le délai court de la réception par le maître \
                 d'ouvrage du décompte général et définitif : règle de l'article 2 du décret n° 2013-269 \
                 du 29 mars 2013, reprise par le code de la commande publique parmi les règles du point \
                 de départ du délai."
            }
            Self::DepartSousTraitant => {
                "Le sous-traitant payé directement a le même délai que le titulaire ; il court de la \
                 réception par l'acheteur de l'accord du titulaire sur la demande de paiement ou, sans \
                 réponse du titulaire dans les quinze jours (R2193-12 et R2193-16), de l'expiration de ce délai."
            }
            Self::Interruption => {
                "Le délai peut être interrompu une seule fois, si des pièces ou mentions manquent."
            }
            Self::NouveauDelai => {
                "À la réception des pièces, un nouveau délai s'ouvre : 30 jours, ou le solde qui restait \
                 à courir à la date de l'interruption s'il est plus long."
            }
            Self::Retard => {
                "Dès le lendemain de l'échéance, le retard fait courir des intérêts moratoires, de plein \
                 droit et sans formalité, jusqu'à la mise en paiement."
            }
            Self::Taux => {
                "Taux de la Banque centrale européenne en vigueur le premier jour du semestre où les \
                 intérêts ont commencé à courir, majoré de 8 points."
            }
            Self::IndemniteForfaitaire => {
                "Tout retard donne droit à une indemnité forfaitaire de 40 € pour frais de recouvrement."
            }
            Self::VersementInterets => {
                "Les intérêts et l'indemnité sont versés dans les 45 jours qui suivent la mise en \
                 paiement du principal."
            }
        }
    }

    /// L'article qui fixe un délai réglementaire de `jours`.
    pub fn du_delai(jours: u16) -> Article {
        match jours {
            DELAI_SANTE => Self::DelaiSante,
            DELAI_ENTREPRISES_PUBLIQUES => Self::DelaiEntreprisesPubliques,
            _ => Self::DelaiEtatCollectivites,
        }
    }
}

/// Le nouveau délai minimal ouvert par la complétion d'une facture suspendue (R2192-29).
pub const NOUVEAU_DELAI_MINIMUM: i64 = 30;
/// Points ajoutés au taux de la BCE (R2192-31).
pub const MAJORATION_POINTS: Decimal = Decimal::from_parts(8, 0, 0, false, 0);
/// Indemnité forfaitaire pour frais de recouvrement, en euros (D2192-35).
pub const INDEMNITE_FORFAITAIRE: Decimal = Decimal::from_parts(40, 0, 0, false, 0);
/// Jours après la mise en paiement pour verser intérêts et indemnité (R2192-36).
pub const JOURS_VERSEMENT_INTERETS: i64 = 45;
/// Base annuelle du calcul des intérêts, même en année bissextile.
pub const JOURS_PAR_AN: i64 = 365;

/// Un taux de la table des intérêts moratoires : le taux de la BCE en vigueur le premier jour
/// d'un semestre.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TauxSemestre {
    /// 1er janvier ou 1er juillet.
    pub debut: NaiveDate,
    /// Taux des opérations principales de refinancement de la BCE, en pourcentage.
    pub taux_bce: Decimal,
    /// Taux encore à confirmer par la publication officielle.
    pub a_verifier: bool,
}

impl TauxSemestre {
    /// Le taux des intérêts moratoires : taux de la BCE + 8 points (R2192-31). None seulement
    /// pour un taux de la BCE démesuré, qu'on n'additionne pas plutôt que de paniquer.
    pub fn taux_interets(&self) -> Option<Decimal> {
        self.taux_bce.checked_add(MAJORATION_POINTS)
    }
}

/// Le premier jour du semestre civil qui contient `date` (1er janvier ou 1er juillet).
pub fn debut_de_semestre(date: NaiveDate) -> NaiveDate {
    let mois = if date.month() <= 6 { 1 } else { 7 };
    NaiveDate::from_ymd_opt(date.year(), mois, 1).unwrap_or(date)
}

/// Bornes larges d'un taux de la BCE saisi à la main : il n'a jamais dépassé 5 % depuis 1999 ;
/// au-delà de ces bornes, c'est une faute de frappe (« 215 » pour « 2,15 »).
const TAUX_BCE_MIN: Decimal = Decimal::from_parts(10, 0, 0, true, 0);
const TAUX_BCE_MAX: Decimal = Decimal::from_parts(50, 0, 0, false, 0);

/// Lit un taux saisi (« 2,15 », « 2.15 », « 2,15 % ») et contrôle la date du semestre.
pub fn lire_taux(debut: NaiveDate, taux_bce: &str) -> Result<TauxSemestre, Erreur> {
    if debut_de_semestre(debut) != debut {
        return Err(Erreur::TauxInteret(format!(
            "Le {} n'est pas un début de semestre : un taux vaut à partir du 1er janvier ou du \
             1er juillet (article R2192-31 du code de la commande publique).",
            debut.format("%d/%m/%Y")
        )));
    }
    let propre = taux_bce.trim().trim_end_matches('%').trim().replace(',', ".");
    let valeur: Decimal = propre.parse().map_err(|_| {
        Erreur::TauxInteret(format!(
            "« {taux_bce} » n'est pas un taux : écrivez un nombre, par exemple 2,15 pour 2,15 %."
        ))
    })?;
    if valeur < TAUX_BCE_MIN || valeur > TAUX_BCE_MAX {
        return Err(Erreur::TauxInteret(format!(
            "Un taux de la BCE de {valeur} % n'est pas plausible : il doit être compris entre {TAUX_BCE_MIN} \
             et {TAUX_BCE_MAX} %."
        )));
    }
    if valeur.normalize().scale() > 3 {
        return Err(Erreur::TauxInteret(
            "Un taux de la BCE s'écrit avec trois décimales au plus.".to_string(),
        ));
    }
    Ok(TauxSemestre { debut, taux_bce: valeur.normalize(), a_verifier: false })
}

/// Une suspension de la facture : la date où le destinataire l'a suspendue et, si le
/// fournisseur l'a complétée, la date de la complétion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suspension {
    pub suspendue_le: NaiveDate,
    pub completee_le: Option<NaiveDate>,
}

/// Pourquoi une suspension n'interrompt pas le délai.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SuspensionSansEffet {
    /// Le délai n'avait pas encore commencé.
    AvantLeDepart,
    /// Le délai avait déjà expiré : il n'y a plus rien à interrompre, le retard court.
    ApresLEcheance,
    /// Le délai avait déjà été interrompu une fois (R2192-27).
    DejaInterrompu,
    /// La date de complétion précède celle de la suspension.
    CompleteeAvantSuspension,
}

impl SuspensionSansEffet {
    pub fn explication(self) -> &'static str {
        match self {
            Self::AvantLeDepart => "le délai n'avait pas encore commencé",
            Self::ApresLEcheance => "le délai avait déjà expiré : une suspension n'efface pas un retard",
            Self::DejaInterrompu => "le délai ne peut être interrompu qu'une seule fois (article R2192-27)",
            Self::CompleteeAvantSuspension => "la date de complétion précède la suspension",
        }
    }
}

/// L'interruption du délai et le nouveau délai qu'ouvre la complétion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interruption {
    pub suspendue_le: NaiveDate,
    pub completee_le: Option<NaiveDate>,
    /// Jours du délai déjà écoulés à la suspension.
    pub jours_ecoules: i64,
    /// Solde restant à courir à la date de la suspension (R2192-29).
    pub solde: i64,
    /// 30 jours, ou le solde s'il est plus long (R2192-29).
    pub nouveau_delai: i64,
    /// Jours pendant lesquels le délai est resté arrêté (None tant que la facture n'est pas complétée).
    pub jours_arretes: Option<i64>,
}

/// Le taux retenu pour les intérêts moratoires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TauxApplique {
    /// Premier jour du semestre où les intérêts ont commencé à courir (R2192-31).
    pub semestre: NaiveDate,
    /// La ligne de la table réellement utilisée.
    pub ligne: TauxSemestre,
    /// Taux des intérêts moratoires, en pourcentage (taux de la BCE + 8 points).
    pub taux: Decimal,
    /// Le semestre manque dans la table : le dernier taux connu avant lui a été pris.
    pub semestre_absent: bool,
}

/// Ce que le retard coûte à l'acheteur.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interets {
    /// Lendemain de l'échéance : premier jour de retard (L2192-13).
    pub premier_jour: NaiveDate,
    /// Mise en paiement, ou date du jour si la facture n'est pas encore payée.
    pub dernier_jour: NaiveDate,
    pub jours: i64,
    pub montant_ttc: Decimal,
    /// None si la table n'a aucun taux pour ce semestre ni avant.
    pub taux: Option<TauxApplique>,
    /// Montant TTC × jours × taux / 365, arrondi au centime ; None sans taux.
    pub montant: Option<Decimal>,
    /// 40 € (D2192-35).
    pub indemnite_forfaitaire: Decimal,
    /// Intérêts + indemnité ; None sans taux.
    pub total: Option<Decimal>,
    /// Date limite du versement (R2192-36), une fois la facture mise en paiement.
    pub a_verser_avant: Option<NaiveDate>,
    /// La facture n'est pas encore payée : les intérêts continuent de courir.
    pub provisoire: bool,
}

/// Tout ce qu'il faut pour suivre le paiement d'une facture.
#[derive(Debug, Clone, Copy)]
pub struct Donnees<'a> {
    /// Mise à disposition du destinataire.
    pub debut: NaiveDate,
    pub delai_jours: u16,
    /// Dans l'ordre chronologique.
    pub suspensions: &'a [Suspension],
    pub mise_en_paiement: Option<NaiveDate>,
    /// Date simulée du jour.
    pub aujourd_hui: NaiveDate,
    /// Montant TTC à payer.
    pub montant_ttc: Decimal,
    /// La table des taux, dans n'importe quel ordre.
    pub taux: &'a [TauxSemestre],
}

/// Où en est le paiement, en un mot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Situation {
    /// Pas encore payée, dans le délai.
    EnCours {
        jours_restants: i64,
    },
    /// Suspendue : le délai est arrêté jusqu'à la complétion.
    Interrompu,
    /// Pas encore payée, échéance dépassée.
    EnRetard {
        jours: i64,
    },
    PayeeDansLeDelai,
    PayeeEnRetard {
        jours: i64,
    },
}

/// Le suivi complet du délai de paiement d'une facture.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuiviPaiement {
    pub debut: NaiveDate,
    pub delai_jours: u16,
    pub article_delai: Article,
    /// Début + délai, sans interruption.
    pub echeance_initiale: NaiveDate,
    pub interruption: Option<Interruption>,
    pub suspensions_sans_effet: Vec<(Suspension, SuspensionSansEffet)>,
    /// None tant que le délai est interrompu.
    pub echeance: Option<NaiveDate>,
    pub mise_en_paiement: Option<NaiveDate>,
    pub aujourd_hui: NaiveDate,
    /// Jours avant l'échéance (0 le jour même) ; None si payée ou interrompue.
    pub jours_restants: Option<i64>,
    /// Jours de retard (0 si à l'heure), à la mise en paiement ou à ce jour.
    pub jours_retard: i64,
    /// Some dès qu'il y a un jour de retard sur une somme due.
    pub interets: Option<Interets>,
}

impl SuiviPaiement {
    pub fn situation(&self) -> Situation {
        match (self.mise_en_paiement, self.echeance) {
            (Some(_), _) if self.jours_retard > 0 => Situation::PayeeEnRetard { jours: self.jours_retard },
            (Some(_), _) => Situation::PayeeDansLeDelai,
            (None, None) => Situation::Interrompu,
            (None, Some(_)) if self.jours_retard > 0 => Situation::EnRetard { jours: self.jours_retard },
            (None, Some(_)) => Situation::EnCours { jours_restants: self.jours_restants.unwrap_or(0) },
        }
    }

    /// Jours pendant lesquels le délai a couru, de la mise à disposition à l'échéance,
    /// interruption déduite ; None tant que le délai est interrompu.
    pub fn jours_de_delai(&self) -> Option<i64> {
        let echeance = self.echeance?;
        let arretes = self.interruption.as_ref().and_then(|i| i.jours_arretes).unwrap_or(0);
        Some((echeance - self.debut).num_days() - arretes)
    }
}

/// `date` + `jours`, ou la dernière date représentable aux confins du calendrier de chrono
/// (an 262 143) plutôt qu'une panique.
fn plus_jours(date: NaiveDate, jours: i64) -> NaiveDate {
    let n = u64::try_from(jours).unwrap_or(0);
    date.checked_add_days(Days::new(n)).unwrap_or(NaiveDate::MAX)
}

/// Le taux de la table pour le semestre `semestre` : la ligne de ce semestre, sinon la plus
/// récente avant lui.
pub fn taux_du_semestre(semestre: NaiveDate, table: &[TauxSemestre]) -> Option<TauxApplique> {
    let ligne = table.iter().filter(|t| t.debut <= semestre).max_by_key(|t| t.debut)?;
    Some(TauxApplique {
        semestre,
        taux: ligne.taux_interets()?,
        semestre_absent: ligne.debut != semestre,
        ligne: ligne.clone(),
    })
}

/// Montant TTC × jours × taux / 365, arrondi au centime. None si le calcul déborde (montants
/// absurdes) : mieux vaut ne rien afficher que paniquer.
pub fn montant_interets(montant_ttc: Decimal, jours: i64, taux: Decimal) -> Option<Decimal> {
    let numerateur = montant_ttc.checked_mul(Decimal::from(jours))?.checked_mul(taux)?;
    let diviseur = Decimal::from(JOURS_PAR_AN * 100);
    Some(arrondir(numerateur.checked_div(diviseur)?))
}

/// Le délai global de paiement d'une facture, tel que la loi le calcule, à la date du jour.
pub fn calculer(d: &Donnees<'_>) -> SuiviPaiement {
    let delai = i64::from(d.delai_jours);
    let echeance_initiale = plus_jours(d.debut, delai);
    let mut interruption: Option<Interruption> = None;
    let mut sans_effet = Vec::new();
    for s in d.suspensions {
        let motif = if interruption.is_some() {
            Some(SuspensionSansEffet::DejaInterrompu)
        } else if s.suspendue_le < d.debut {
            Some(SuspensionSansEffet::AvantLeDepart)
        } else if s.suspendue_le > echeance_initiale {
            Some(SuspensionSansEffet::ApresLEcheance)
        } else if s.completee_le.is_some_and(|c| c < s.suspendue_le) {
            Some(SuspensionSansEffet::CompleteeAvantSuspension)
        } else {
            None
        };
        if let Some(m) = motif {
            sans_effet.push((*s, m));
            continue;
        }
        let jours_ecoules = (s.suspendue_le - d.debut).num_days();
        let solde = (echeance_initiale - s.suspendue_le).num_days();
        interruption = Some(Interruption {
            suspendue_le: s.suspendue_le,
            completee_le: s.completee_le,
            jours_ecoules,
            solde,
            nouveau_delai: solde.max(NOUVEAU_DELAI_MINIMUM),
            jours_arretes: s.completee_le.map(|c| (c - s.suspendue_le).num_days()),
        });
    }
    let echeance = match &interruption {
        None => Some(echeance_initiale),
        Some(i) => i.completee_le.map(|c| plus_jours(c, i.nouveau_delai)),
    };
    let reference = d.mise_en_paiement.unwrap_or(d.aujourd_hui);
    let ecart = echeance.map(|e| (e - reference).num_days());
    let jours_retard = ecart.map_or(0, |e| (-e).max(0));
    let jours_restants = match (d.mise_en_paiement, ecart) {
        (None, Some(e)) => Some(e.max(0)),
        _ => None,
    };
    let interets = match echeance {
        Some(e) if jours_retard > 0 && d.montant_ttc > Decimal::ZERO => {
            let premier_jour = plus_jours(e, 1);
            let taux = taux_du_semestre(debut_de_semestre(premier_jour), d.taux);
            let montant = taux.as_ref().and_then(|t| montant_interets(d.montant_ttc, jours_retard, t.taux));
            Some(Interets {
                premier_jour,
                dernier_jour: reference,
                jours: jours_retard,
                montant_ttc: d.montant_ttc,
                taux,
                montant,
                indemnite_forfaitaire: INDEMNITE_FORFAITAIRE,
                total: montant.and_then(|m| m.checked_add(INDEMNITE_FORFAITAIRE)),
                a_verser_avant: d.mise_en_paiement.map(|m| plus_jours(m, JOURS_VERSEMENT_INTERETS)),
                provisoire: d.mise_en_paiement.is_none(),
            })
        }
        _ => None,
    };
    SuiviPaiement {
        debut: d.debut,
        delai_jours: d.delai_jours,
        article_delai: Article::du_delai(d.delai_jours),
        echeance_initiale,
        interruption,
        suspensions_sans_effet: sans_effet,
        echeance,
        mise_en_paiement: d.mise_en_paiement,
        aujourd_hui: d.aujourd_hui,
        jours_restants,
        jours_retard,
        interets,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(a: i32, m: u32, j: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(a, m, j).unwrap()
    }

    #[test]
    fn delai_selon_la_categorie_juridique() {
        assert_eq!(delai_reglementaire(Some("7364"), None), 50); // établissement d'hospitalisation
        assert_eq!(delai_reglementaire(Some("7365"), None), 50); // syndicat inter-hospitalier
        assert_eq!(delai_reglementaire(Some("7366"), None), 30); // EHPAD public : piège, 30 jours
        assert_eq!(delai_reglementaire(Some("4110"), None), 60); // EPIC national
        assert_eq!(delai_reglementaire(Some("4120"), None), 60); // EPIC national
        assert_eq!(delai_reglementaire(Some("4130"), None), 60); // exploitant public
        // Établissements publics locaux : exclus des entreprises publiques par R2192-11 2°.
        assert_eq!(delai_reglementaire(Some("4140"), None), 30); // EPIC local
        assert_eq!(delai_reglementaire(Some("4150"), None), 30); // régie locale
        assert_eq!(delai_reglementaire(Some("5710"), None), 60); // SAS (entreprise publique)
        assert_eq!(delai_reglementaire(Some("7210"), None), 30); // commune
        assert_eq!(delai_reglementaire(Some("7172"), None), 30); // service de l'État
        assert_eq!(delai_reglementaire(Some(" 7364 "), None), 50);
        assert_eq!(delai_reglementaire(Some(""), None), 30);
        assert_eq!(delai_reglementaire(Some("abc"), None), 30);
        assert_eq!(delai_reglementaire(None, None), 30);
    }

    #[test]
    fn le_delai_de_l_annuaire_prime() {
        assert_eq!(delai_reglementaire(Some("7210"), Some(60)), 60);
        assert_eq!(delai_reglementaire(Some("7364"), Some(30)), 30);
        assert_eq!(delai_reglementaire(None, Some(50)), 50);
    }

    #[test]
    fn articles() {
        assert!(article_du_delai(50).contains("R2192-11 1°"));
        assert!(article_du_delai(60).contains("R2192-11 2°"));
        assert!(article_du_delai(30).contains("R2192-10"));
    }

    #[test]
    fn en_cours_avant_l_echeance() {
        let s = suivre(d(2025, 1, 10), 30, None, d(2025, 1, 20));
        assert_eq!(s.echeance, d(2025, 2, 9));
        assert_eq!((s.jours_restants, s.jours_retard), (20, 0));
        assert_eq!(s.mise_en_paiement, None);
    }

    #[test]
    fn paye_le_jour_de_l_echeance_n_est_pas_en_retard() {
        let s = suivre(d(2025, 1, 10), 30, Some(d(2025, 2, 9)), d(2025, 6, 1));
        assert_eq!((s.jours_restants, s.jours_retard), (0, 0));
    }

    #[test]
    fn retard_compte_a_la_date_de_mise_en_paiement() {
        // Payée 5 jours après l'échéance ; la date du jour (plus tardive) ne compte plus.
        let s = suivre(d(2025, 1, 10), 30, Some(d(2025, 2, 14)), d(2025, 12, 31));
        assert_eq!((s.jours_restants, s.jours_retard), (0, 5));
        // Pas encore payée, 3 jours après l'échéance.
        let s = suivre(d(2025, 1, 10), 30, None, d(2025, 2, 12));
        assert_eq!((s.jours_restants, s.jours_retard), (0, 3));
    }

    #[test]
    fn fins_de_mois_et_annees_bissextiles() {
        assert_eq!(suivre(d(2024, 1, 31), 30, None, d(2024, 1, 31)).echeance, d(2024, 3, 1));
        assert_eq!(suivre(d(2023, 1, 31), 30, None, d(2023, 1, 31)).echeance, d(2023, 3, 2));
        assert_eq!(suivre(d(2024, 2, 28), 1, None, d(2024, 2, 28)).echeance, d(2024, 2, 29));
        assert_eq!(suivre(d(2024, 12, 15), 50, None, d(2024, 12, 15)).echeance, d(2025, 2, 3));
        assert_eq!(suivre(d(2027, 12, 31), 60, None, d(2027, 12, 31)).echeance, d(2028, 2, 29));
    }

    #[test]
    fn aux_limites_du_calendrier_sans_paniquer() {
        let s = suivre(NaiveDate::MAX, 60, None, NaiveDate::MIN);
        assert_eq!(s.echeance, NaiveDate::MAX);
        assert_eq!(s.jours_retard, 0);
    }

    fn date_2020_2030() -> impl Strategy<Value = NaiveDate> {
        // Du 1er janvier 2020 au 31 décembre 2030.
        (0u64..4018).prop_map(|n| d(2020, 1, 1).checked_add_days(chrono::Days::new(n)).unwrap())
    }

    proptest! {
        #[test]
        fn proprietes_du_suivi(
            debut in date_2020_2030(),
            delai in prop_oneof![Just(30u16), Just(50u16), Just(60u16), 0u16..400],
            paiement in prop::option::of(date_2020_2030()),
            aujourd_hui in date_2020_2030(),
        ) {
            let s = suivre(debut, delai, paiement, aujourd_hui);
            prop_assert_eq!((s.echeance - s.debut).num_days(), i64::from(delai));
            let reference = paiement.unwrap_or(aujourd_hui);
            prop_assert_eq!(s.jours_restants - s.jours_retard, (s.echeance - reference).num_days());
            prop_assert!(s.jours_restants >= 0 && s.jours_retard >= 0);
            prop_assert!(s.jours_restants == 0 || s.jours_retard == 0);
            if paiement.is_some_and(|p| p <= s.echeance) {
                prop_assert_eq!(s.jours_retard, 0);
            }
        }
    }

    // --- Le calcul complet : interruption, intérêts, indemnité -------------------------------

    use rust_decimal_macros::dec;

    /// La table livrée avec le simulateur (`fixtures/taux-interets-moratoires.csv`).
    fn table() -> Vec<TauxSemestre> {
        [
            (2023, 1, dec!(2.50)),
            (2023, 7, dec!(4.00)),
            (2024, 1, dec!(4.50)),
            (2024, 7, dec!(4.25)),
            (2025, 1, dec!(3.15)),
            (2025, 7, dec!(2.15)),
            (2026, 1, dec!(2.15)),
        ]
        .into_iter()
        .map(|(a, m, t)| TauxSemestre { debut: d(a, m, 1), taux_bce: t, a_verifier: a == 2026 })
        .collect()
    }

    fn donnees<'a>(
        debut: NaiveDate,
        delai: u16,
        suspensions: &'a [Suspension],
        paiement: Option<NaiveDate>,
        aujourd_hui: NaiveDate,
        montant: Decimal,
        taux: &'a [TauxSemestre],
    ) -> Donnees<'a> {
        Donnees {
            debut,
            delai_jours: delai,
            suspensions,
            mise_en_paiement: paiement,
            aujourd_hui,
            montant_ttc: montant,
            taux,
        }
    }

    #[test]
    fn hopital_50_jours_suspendu_12_jours_paye_9_jours_en_retard() {
        // Mise à disposition le 3 mars 2025 ; échéance initiale 50 jours plus tard, le 22 avril.
        // Suspendue le 13 mars (10 jours écoulés, solde 40 jours), complétée le 25 mars (12 jours
        // d'arrêt) : nouveau délai de 40 jours (plus long que 30), échéance le 4 mai.
        // Mise en paiement le 13 mai : 9 jours de retard, du 5 au 13 mai inclus.
        // Taux : BCE au 1er janvier 2025 (3,15 %) + 8 = 11,15 %.
        // Intérêts : 12 345,67 × 9 × 11,15 / 100 / 365 = 33,942… → 33,94 € ; + 40 € = 73,94 €.
        let t = table();
        let suspensions = [Suspension { suspendue_le: d(2025, 3, 13), completee_le: Some(d(2025, 3, 25)) }];
        let s = calculer(&donnees(
            d(2025, 3, 3),
            50,
            &suspensions,
            Some(d(2025, 5, 13)),
            d(2025, 6, 30),
            dec!(12345.67),
            &t,
        ));
        assert_eq!(s.article_delai, Article::DelaiSante);
        assert_eq!(s.echeance_initiale, d(2025, 4, 22));
        let i = s.interruption.clone().unwrap();
        assert_eq!((i.jours_ecoules, i.solde, i.nouveau_delai, i.jours_arretes), (10, 40, 40, Some(12)));
        assert_eq!(s.echeance, Some(d(2025, 5, 4)));
        assert_eq!(s.jours_de_delai(), Some(50));
        assert_eq!(s.jours_retard, 9);
        assert_eq!(s.jours_restants, None);
        assert_eq!(s.situation(), Situation::PayeeEnRetard { jours: 9 });
        let im = s.interets.unwrap();
        assert_eq!((im.premier_jour, im.dernier_jour, im.jours), (d(2025, 5, 5), d(2025, 5, 13), 9));
        let taux = im.taux.unwrap();
        assert_eq!((taux.semestre, taux.taux, taux.semestre_absent), (d(2025, 1, 1), dec!(11.15), false));
        assert_eq!(im.montant, Some(dec!(33.94)));
        assert_eq!(im.indemnite_forfaitaire, dec!(40));
        assert_eq!(im.total, Some(dec!(73.94)));
        assert_eq!(im.a_verser_avant, Some(d(2025, 6, 27)));
        assert!(!im.provisoire);
    }

    #[test]
    fn commune_suspendue_tard_repart_pour_30_jours() {
        // 30 jours à partir du 1er septembre 2025 (échéance 1er octobre) ; suspendue le 26
        // septembre (solde 5 jours), complétée le 2 octobre : nouveau délai de 30 jours → 1er
        // novembre. Payée le 20 novembre : 19 jours de retard, taux du 2e semestre 2025
        // (2,15 + 8 = 10,15 %). 2 400 × 19 × 10,15 / 36 500 = 12,680… → 12,68 €.
        let t = table();
        let suspensions = [Suspension { suspendue_le: d(2025, 9, 26), completee_le: Some(d(2025, 10, 2)) }];
        let s = calculer(&donnees(
            d(2025, 9, 1),
            30,
            &suspensions,
            Some(d(2025, 11, 20)),
            d(2025, 12, 1),
            dec!(2400),
            &t,
        ));
        let i = s.interruption.clone().unwrap();
        assert_eq!((i.solde, i.nouveau_delai), (5, 30));
        assert_eq!(s.echeance, Some(d(2025, 11, 1)));
        assert_eq!(s.jours_de_delai(), Some(55));
        let im = s.interets.unwrap();
        assert_eq!(im.jours, 19);
        assert_eq!(im.taux.unwrap().taux, dec!(10.15));
        assert_eq!(im.montant, Some(dec!(12.68)));
        assert_eq!(im.total, Some(dec!(52.68)));
    }

    #[test]
    fn completee_apres_l_echeance_initiale_le_solde_se_mesure_a_la_suspension() {
        // Suspendue au 20e jour sur 30 (solde 10), complétée 40 jours plus tard, bien après
        // l'échéance initiale : le solde reste celui du jour de la suspension, donc 30 jours.
        let suspensions = [Suspension { suspendue_le: d(2025, 1, 21), completee_le: Some(d(2025, 3, 2)) }];
        let s =
            calculer(&donnees(d(2025, 1, 1), 30, &suspensions, None, d(2025, 3, 10), dec!(100), &table()));
        let i = s.interruption.clone().unwrap();
        assert_eq!((i.solde, i.nouveau_delai, i.jours_arretes), (10, 30, Some(40)));
        assert_eq!(s.echeance, Some(d(2025, 4, 1)));
        assert_eq!(s.situation(), Situation::EnCours { jours_restants: 22 });
        assert!(s.interets.is_none());
    }

    #[test]
    fn suspendue_sans_completion_le_delai_est_arrete() {
        let suspensions = [Suspension { suspendue_le: d(2025, 1, 11), completee_le: None }];
        let s = calculer(&donnees(d(2025, 1, 1), 30, &suspensions, None, d(2025, 6, 1), dec!(100), &table()));
        assert_eq!(s.echeance, None);
        assert_eq!((s.jours_retard, s.jours_restants), (0, None));
        assert_eq!(s.situation(), Situation::Interrompu);
        assert_eq!(s.jours_de_delai(), None);
        assert!(s.interets.is_none());
    }

    #[test]
    fn suspensions_sans_effet() {
        let t = table();
        // Une deuxième suspension ne compte pas (R2192-27) ; une suspension après l'échéance
        // n'efface pas le retard ; une avant le départ n'a pas de sens.
        let suspensions = [
            Suspension { suspendue_le: d(2024, 12, 20), completee_le: Some(d(2024, 12, 22)) },
            Suspension { suspendue_le: d(2025, 1, 5), completee_le: Some(d(2025, 1, 10)) },
            Suspension { suspendue_le: d(2025, 1, 20), completee_le: Some(d(2025, 1, 25)) },
        ];
        let s = calculer(&donnees(d(2025, 1, 1), 30, &suspensions, None, d(2025, 1, 26), dec!(100), &t));
        assert_eq!(
            s.suspensions_sans_effet.iter().map(|(_, m)| *m).collect::<Vec<_>>(),
            vec![SuspensionSansEffet::AvantLeDepart, SuspensionSansEffet::DejaInterrompu]
        );
        assert_eq!(s.interruption.as_ref().unwrap().suspendue_le, d(2025, 1, 5));
        // Solde au 5 janvier : 26 jours → nouveau délai 30 à partir du 10 → 9 février.
        assert_eq!(s.echeance, Some(d(2025, 2, 9)));

        let tardive = [Suspension { suspendue_le: d(2025, 2, 5), completee_le: Some(d(2025, 2, 6)) }];
        let s = calculer(&donnees(d(2025, 1, 1), 30, &tardive, None, d(2025, 2, 10), dec!(100), &t));
        assert_eq!(s.suspensions_sans_effet[0].1, SuspensionSansEffet::ApresLEcheance);
        assert_eq!((s.echeance, s.jours_retard), (Some(d(2025, 1, 31)), 10));

        let a_l_envers = [Suspension { suspendue_le: d(2025, 1, 10), completee_le: Some(d(2025, 1, 5)) }];
        let s = calculer(&donnees(d(2025, 1, 1), 30, &a_l_envers, None, d(2025, 1, 10), dec!(100), &t));
        assert_eq!(s.suspensions_sans_effet[0].1, SuspensionSansEffet::CompleteeAvantSuspension);
        assert_eq!(s.echeance, Some(d(2025, 1, 31)));
    }

    #[test]
    fn suspendue_le_jour_de_l_echeance_interrompt_encore() {
        let suspensions = [Suspension { suspendue_le: d(2025, 1, 31), completee_le: Some(d(2025, 2, 3)) }];
        let s = calculer(&donnees(d(2025, 1, 1), 30, &suspensions, None, d(2025, 2, 3), dec!(100), &table()));
        assert!(s.suspensions_sans_effet.is_empty());
        assert_eq!(s.interruption.as_ref().unwrap().solde, 0);
        assert_eq!(s.echeance, Some(d(2025, 3, 5)));
    }

    #[test]
    fn pas_encore_payee_les_interets_courent_a_ce_jour() {
        // Échéance 31 janvier 2025, 5 jours de retard au 5 février : 1 000 × 5 × 11,15 / 36 500
        // = 1,527… → 1,53 €, provisoire, sans date limite de versement.
        let s = calculer(&donnees(d(2025, 1, 1), 30, &[], None, d(2025, 2, 5), dec!(1000), &table()));
        assert_eq!(s.situation(), Situation::EnRetard { jours: 5 });
        let im = s.interets.unwrap();
        assert_eq!(im.montant, Some(dec!(1.53)));
        assert_eq!(im.total, Some(dec!(41.53)));
        assert!(im.provisoire);
        assert_eq!(im.a_verser_avant, None);
    }

    #[test]
    fn le_semestre_est_celui_du_premier_jour_de_retard() {
        let t = table();
        // Échéance le 30 juin 2024 : les intérêts commencent le 1er juillet, taux de juillet
        // (4,25 + 8), pas celui de janvier (4,50 + 8).
        let debut = d(2024, 5, 31);
        let s = calculer(&donnees(debut, 30, &[], Some(d(2024, 7, 10)), d(2024, 7, 10), dec!(1000), &t));
        assert_eq!(s.echeance, Some(d(2024, 6, 30)));
        let taux = s.interets.unwrap().taux.unwrap();
        assert_eq!((taux.semestre, taux.taux), (d(2024, 7, 1), dec!(12.25)));
        // Échéance le 31 décembre 2024 : semestre du 1er janvier 2025, même si le retard dure
        // jusqu'en juillet (le taux ne change pas en cours de retard).
        let s =
            calculer(&donnees(d(2024, 12, 1), 30, &[], Some(d(2025, 7, 15)), d(2025, 8, 1), dec!(1000), &t));
        let taux = s.interets.unwrap().taux.unwrap();
        assert_eq!((taux.semestre, taux.taux), (d(2025, 1, 1), dec!(11.15)));
    }

    #[test]
    fn semestre_absent_de_la_table() {
        let t = table();
        // 2027 n'est pas dans la table : le dernier taux connu (janvier 2026, à vérifier) sert.
        let s = calculer(&donnees(d(2027, 1, 1), 30, &[], None, d(2027, 3, 1), dec!(1000), &t));
        let taux = s.interets.clone().unwrap().taux.unwrap();
        assert!(taux.semestre_absent && taux.ligne.a_verifier);
        assert_eq!((taux.semestre, taux.ligne.debut), (d(2027, 1, 1), d(2026, 1, 1)));
        // Avant le premier taux de la table : pas de taux, pas de montant, mais le retard et
        // l'indemnité restent dus.
        let s = calculer(&donnees(d(2020, 1, 1), 30, &[], None, d(2020, 3, 1), dec!(1000), &t));
        let im = s.interets.unwrap();
        assert_eq!((im.taux, im.montant, im.total), (None, None, None));
        assert_eq!(im.indemnite_forfaitaire, dec!(40));
    }

    #[test]
    fn rien_a_payer_rien_a_reclamer() {
        let s = calculer(&donnees(d(2025, 1, 1), 30, &[], None, d(2025, 3, 1), Decimal::ZERO, &table()));
        assert_eq!(s.jours_retard, 29);
        assert!(s.interets.is_none());
        let s = calculer(&donnees(d(2025, 1, 1), 30, &[], None, d(2025, 3, 1), dec!(-50), &table()));
        assert!(s.interets.is_none());
    }

    #[test]
    fn annee_bissextile_base_365() {
        // 366 jours de retard sur l'année 2024 : la base reste 365 (l'intérêt dépasse d'un jour
        // le taux annuel). 36 500 × 366 × 12,50 / 36 500 = 4 575,00 €.
        let s = calculer(&donnees(
            d(2023, 12, 1),
            30,
            &[],
            Some(d(2024, 12, 31)),
            d(2025, 1, 1),
            dec!(36500),
            &table(),
        ));
        assert_eq!(s.echeance, Some(d(2023, 12, 31)));
        let im = s.interets.unwrap();
        assert_eq!(im.jours, 366);
        assert_eq!(im.taux.as_ref().unwrap().taux, dec!(12.50));
        assert_eq!(im.montant, Some(dec!(4575.00)));
        // Une facture de 50 jours mise à disposition le 10 janvier 2024 : échéance le 29 février.
        let s = calculer(&donnees(d(2024, 1, 10), 50, &[], None, d(2024, 2, 29), dec!(1), &table()));
        assert_eq!((s.echeance, s.jours_restants), (Some(d(2024, 2, 29)), Some(0)));
    }

    #[test]
    fn montants_extremes_sans_paniquer() {
        let s = calculer(&donnees(d(2025, 1, 1), 30, &[], None, NaiveDate::MAX, Decimal::MAX, &table()));
        let im = s.interets.unwrap();
        assert_eq!(im.montant, None);
        let t = [TauxSemestre { debut: d(2025, 1, 1), taux_bce: Decimal::MAX, a_verifier: false }];
        let s = calculer(&donnees(d(2025, 1, 1), 30, &[], None, d(2025, 3, 1), dec!(10), &t));
        assert_eq!(s.interets.unwrap().taux, None);
        let s = calculer(&donnees(NaiveDate::MAX, 60, &[], None, NaiveDate::MIN, dec!(10), &[]));
        assert_eq!(s.echeance, Some(NaiveDate::MAX));
    }

    #[test]
    fn debut_de_semestre_et_lecture_d_un_taux() {
        assert_eq!(debut_de_semestre(d(2025, 6, 30)), d(2025, 1, 1));
        assert_eq!(debut_de_semestre(d(2025, 7, 1)), d(2025, 7, 1));
        assert_eq!(debut_de_semestre(d(2024, 12, 31)), d(2024, 7, 1));
        let t = lire_taux(d(2026, 7, 1), " 2,15 % ").unwrap();
        assert_eq!((t.taux_bce, t.taux_interets()), (dec!(2.15), Some(dec!(10.15))));
        assert_eq!(lire_taux(d(2026, 1, 1), "-0.5").unwrap().taux_bce, dec!(-0.5));
        for (debut, saisie, attendu) in [
            (d(2026, 7, 2), "2,15", "n'est pas un début de semestre"),
            (d(2026, 7, 1), "deux", "n'est pas un taux"),
            (d(2026, 7, 1), "215", "n'est pas plausible"),
            (d(2026, 7, 1), "2,1234", "trois décimales"),
            (d(2026, 7, 1), "", "n'est pas un taux"),
        ] {
            let e = lire_taux(debut, saisie).unwrap_err().to_string();
            assert!(e.contains(attendu), "{saisie} : {e}");
        }
    }

    #[test]
    fn chaque_article_a_son_numero_et_sa_regle() {
        for a in Article::TOUS {
            assert!(!a.numero().is_empty() && !a.regle().is_empty());
        }
        assert_eq!(Article::du_delai(50), Article::DelaiSante);
        assert_eq!(Article::du_delai(60), Article::DelaiEntreprisesPubliques);
        assert_eq!(Article::du_delai(30), Article::DelaiEtatCollectivites);
    }

    fn suspension_quelconque() -> impl Strategy<Value = (i64, Option<i64>)> {
        // (jour de la suspension après le départ, durée de l'arrêt)
        (0i64..70, prop::option::of(0i64..120))
    }

    /// Intérêts en centimes, calculés sur des entiers : centimes × jours × taux (en millièmes de
    /// point) / (365 × 100 × 1000), arrondis à la moitié supérieure.
    fn interets_entiers(centimes: i64, jours: i64, taux_milliemes: i64) -> i128 {
        let n = i128::from(centimes) * i128::from(jours) * i128::from(taux_milliemes);
        let q = 365 * 100 * 1000;
        (2 * n + q) / (2 * q)
    }

    proptest! {
        #[test]
        fn une_suspension_ne_raccourcit_jamais_le_delai_legal(
            debut in date_2020_2030(),
            delai in prop_oneof![Just(30u16), Just(50u16), Just(60u16)],
            (jour, arret) in suspension_quelconque(),
            paiement_apres in prop::option::of(0i64..200),
        ) {
            let suspendue_le = plus_jours(debut, jour);
            let suspensions = [Suspension { suspendue_le, completee_le: arret.map(|a| plus_jours(suspendue_le, a)) }];
            let paiement = paiement_apres.map(|p| plus_jours(debut, p));
            let t = table();
            let s = calculer(&donnees(debut, delai, &suspensions, paiement, plus_jours(debut, 400), dec!(1000), &t));
            if let Some(total) = s.jours_de_delai() {
                prop_assert!(total >= i64::from(delai), "{} jours courus pour un délai de {}", total, delai);
            }
            if let (Some(e), Some(i)) = (s.echeance, &s.interruption) {
                // Jamais avant l'échéance initiale décalée de l'arrêt, jamais moins de 30 jours
                // après la complétion.
                let c = i.completee_le.unwrap();
                prop_assert!(e >= plus_jours(s.echeance_initiale, i.jours_arretes.unwrap()));
                prop_assert!((e - c).num_days() >= NOUVEAU_DELAI_MINIMUM);
                prop_assert_eq!(i.jours_ecoules + i.solde, i64::from(delai));
            }
            if jour <= i64::from(delai) {
                prop_assert!(s.interruption.is_some());
            } else {
                prop_assert!(s.interruption.is_none());
                prop_assert_eq!(s.echeance, Some(s.echeance_initiale));
            }
        }

        #[test]
        fn payee_a_temps_aucun_interet(
            debut in date_2020_2030(),
            delai in prop_oneof![Just(30u16), Just(50u16), Just(60u16), 0u16..400],
            avance in 0i64..60,
            suspension in prop::option::of(suspension_quelconque()),
            centimes in 1i64..100_000_000_000,
        ) {
            let t = table();
            let suspensions: Vec<Suspension> = suspension.iter().map(|&(jour, arret)| {
                let s = plus_jours(debut, jour);
                Suspension { suspendue_le: s, completee_le: Some(plus_jours(s, arret.unwrap_or(0))) }
            }).collect();
            let sans_paiement = calculer(&donnees(debut, delai, &suspensions, None, debut, Decimal::new(centimes, 2), &t));
            let echeance = sans_paiement.echeance.unwrap();
            let paiement = echeance.checked_sub_days(Days::new(avance as u64)).unwrap().max(debut);
            let s = calculer(&donnees(debut, delai, &suspensions, Some(paiement), plus_jours(echeance, 500), Decimal::new(centimes, 2), &t));
            prop_assert_eq!(s.jours_retard, 0);
            prop_assert!(s.interets.is_none());
            prop_assert_eq!(s.situation(), Situation::PayeeDansLeDelai);
        }

        #[test]
        fn interets_au_centime(
            debut in date_2020_2030(),
            retard in 1i64..800,
            centimes in 1i64..100_000_000_000,
        ) {
            let t = table();
            let echeance = plus_jours(debut, 30);
            let s = calculer(&donnees(debut, 30, &[], Some(plus_jours(echeance, retard)), echeance, Decimal::new(centimes, 2), &t));
            prop_assert_eq!(s.jours_retard, retard);
            let im = s.interets.unwrap();
            prop_assert_eq!(im.premier_jour, plus_jours(echeance, 1));
            prop_assert_eq!(im.indemnite_forfaitaire, dec!(40));
            match im.taux {
                None => prop_assert!(plus_jours(echeance, 1) < d(2023, 1, 1)),
                Some(taux) => {
                    prop_assert_eq!(taux.semestre, debut_de_semestre(plus_jours(echeance, 1)));
                    prop_assert!(taux.ligne.debut <= taux.semestre);
                    let milliemes = (taux.taux * dec!(1000)).normalize().to_string().parse::<i64>().unwrap();
                    let attendu = Decimal::from_i128_with_scale(interets_entiers(centimes, retard, milliemes), 2);
                    let montant = im.montant.unwrap();
                    prop_assert_eq!(montant, attendu);
                    prop_assert!(montant.normalize().scale() <= 2);
                    prop_assert_eq!(im.total, Some(montant + dec!(40)));
                    // Un jour de plus ne coûte jamais moins.
                    let s2 = calculer(&donnees(debut, 30, &[], Some(plus_jours(echeance, retard + 1)), echeance, Decimal::new(centimes, 2), &t));
                    prop_assert!(s2.interets.unwrap().montant.unwrap() >= montant);
                }
            }
        }
    }
}
