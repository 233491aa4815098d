//! Les factures de travaux : ce que le titulaire dépose (le formulaire de dépôt et le PDF de
//! sa pièce), la numérotation des pièces qui suivent dans le dossier, les montants que la
//! maîtrise d'œuvre admet, les délais de chaque étape et ce que font la maîtrise d'œuvre (MOE)
//! et la maîtrise d'ouvrage (MOA) simulées.
//!
//! Sources (`chorus-pro-domain.md` §1.9, §2, §6) : le titulaire dépose un projet de décompte
//! mensuel (A4 ; A10 sous-traitant, A13 cotraitant) ou final (A7 ; A11, A14) dans « Factures de
//! travaux », les pièces de travaux se **déposent** (leur saisie a été supprimée) ; la MOE dispose
//! de 7 jours et le délai de paiement court de sa réception horodatée par Chorus Pro ; un écart
//! de montant n'est pas un motif de refus, la MOE saisit les montants admis ; bonne pratique de
//! numérotation : le numéro du premier déposant suivi d'un suffixe (EA, EAV). Délais du décompte
//! général : CCAG-Travaux 2021, articles 12.4.2 à 12.4.4 (30 jours pour le notifier à compter de
//! la réception du projet de décompte final, 30 jours au titulaire pour le signer, 10 jours à la
//! MOA en procédure tacite) — un marché peut y déroger dans son CCAP. Le délai de paiement du
//! solde court de la réception du décompte général et définitif par le maître d'ouvrage (décret
//! n° 2013-269, article 2, repris par le code de la commande publique). Les délais des parties
//! simulées et la suite exacte des statuts sont des choix du simulateur
//! ([`crate::choix_simulateur`]).

use chrono::{Days, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::anomalie::Anomalie;
use crate::facture::CadreFacturation;
use crate::saisie::{LigneBrute, SaisieBrute};
use crate::siret::Siret;
use crate::statut::Acteur;
use crate::structure::StructurePublique;

/// Les jours de la MOE pour traiter un projet de décompte, à compter de sa réception.
pub const DELAI_MOE_JOURS: u32 = 7;
/// Les jours du maître d'ouvrage pour notifier le décompte général, à compter de la réception
/// du projet de décompte final par la MOE (CCAG-Travaux 2021, article 12.4.2).
pub const DELAI_DECOMPTE_GENERAL_JOURS: u32 = 30;
/// Les jours du titulaire pour signer le décompte général notifié (article 12.4.3).
pub const DELAI_SIGNATURE_JOURS: u32 = 30;
/// Les jours du maître d'ouvrage, en procédure tacite, après le projet de décompte général du
/// titulaire (article 12.4.4).
pub const DELAI_MOA_TACITE_JOURS: u32 = 10;

/// Le dernier jour d'un délai de `jours` jours qui part de `depart` (le jour du départ ne
/// compte pas).
pub fn dernier_jour(depart: NaiveDate, jours: u32) -> NaiveDate {
    depart.checked_add_days(Days::new(u64::from(jours))).unwrap_or(depart)
}

/// Le délai est-il écoulé à la date `aujourd_hui` (le lendemain de son dernier jour) ?
pub fn ecoule(depart: NaiveDate, jours: u32, aujourd_hui: NaiveDate) -> bool {
    aujourd_hui > dernier_jour(depart, jours)
}

/// Le lendemain du dernier jour : le jour où Chorus Pro constate un silence.
pub fn lendemain(depart: NaiveDate, jours: u32) -> NaiveDate {
    let d = dernier_jour(depart, jours);
    d.succ_opt().unwrap_or(d)
}

/// Le formulaire de dépôt d'une pièce de travaux, tel que saisi à côté du PDF.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DepotBrut {
    pub cadre: String,
    pub numero: String,
    pub date_piece: String,
    /// Le maître d'ouvrage : SIRET de la structure publique destinataire.
    pub destinataire: String,
    pub code_service: String,
    pub numero_engagement: String,
    pub numero_marche: String,
    /// Le SIRET de la maîtrise d'œuvre du marché.
    pub moe: String,
    /// A10, A11 : le titulaire ; A13, A14 : le mandataire du groupement.
    pub valideur: String,
    pub montant_ht: String,
    pub taux_tva: String,
    pub motif_exoneration: String,
    pub commentaire: String,
}

impl DepotBrut {
    /// La saisie équivalente, sur une seule ligne : le montant HT du projet de décompte à son
    /// taux de TVA. Elle passe les contrôles d'une facture (destinataire, service, engagement,
    /// numéro, date, TVA).
    pub fn saisie(&self) -> SaisieBrute {
        let designation = CadreFacturation::depuis_code(&self.cadre)
            .map(|c| designation(c).to_string())
            .unwrap_or_else(|_| "Pièce de travaux".into());
        SaisieBrute {
            numero: self.numero.clone(),
            date_facture: self.date_piece.clone(),
            type_facture: "FACTURE".into(),
            cadre: self.cadre.clone(),
            destinataire: self.destinataire.clone(),
            code_service: self.code_service.clone(),
            numero_engagement: self.numero_engagement.clone(),
            numero_marche: self.numero_marche.clone(),
            mode_paiement: "VIREMENT".into(),
            // Travaux immobiliers : TVA exigible à l'encaissement.
            type_tva: "TVA_SUR_ENCAISSEMENT".into(),
            motif_exoneration: self.motif_exoneration.clone(),
            numero_facture_origine: String::new(),
            commentaire: self.commentaire.clone(),
            code_structure_valideur: self.valideur.clone(),
            code_service_valideur: String::new(),
            lignes: vec![LigneBrute {
                reference: String::new(),
                designation,
                quantite: "1".into(),
                unite: String::new(),
                prix_unitaire_ht: self.montant_ht.clone(),
                remise_ht: String::new(),
                taux_tva: self.taux_tva.clone(),
            }],
        }
    }
}

/// Une anomalie de la saisie équivalente ([`DepotBrut::saisie`]), rapportée au champ du
/// formulaire de dépôt et dite avec ses mots : la date de la pièce, le montant HT, le taux de
/// TVA, le valideur.
pub fn anomalie_du_depot(mut a: Anomalie) -> Anomalie {
    let champ = match (a.champ.as_str(), a.ligne) {
        ("date_facture", _) => Some("date_piece"),
        ("code_structure_valideur", _) => Some("valideur"),
        ("ligne_taux_tva", Some(_)) => Some("taux_tva"),
        ("ligne_prix_unitaire_ht" | "ligne_quantite" | "ligne_remise_ht" | "lignes", _) => Some("montant_ht"),
        _ => None,
    };
    if let Some(c) = champ {
        a.champ = c.to_string();
        a.ligne = None;
    }
    a.message = a
        .message
        .replace("« Date de facture »", "« Date de la pièce »")
        .replace("« Numéro de facture »", "« Numéro de la pièce »")
        .replace("« Prix unitaire HT »", "« Montant HT »");
    a
}

/// Ce que dit la ligne unique d'une pièce de travaux.
pub fn designation(cadre: CadreFacturation) -> &'static str {
    nature(cadre)
}

/// La nature d'une pièce, d'après son cadre, pour le stagiaire.
pub fn nature(cadre: CadreFacturation) -> &'static str {
    use CadreFacturation::*;
    match cadre {
        A4ProjetDecompteMensuel
        | A10ProjetDecompteMensuelSousTraitant
        | A13ProjetDecompteMensuelCotraitant => "Projet de décompte mensuel",
        A7ProjetDecompteFinal | A11ProjetDecompteFinalSousTraitant | A14ProjetDecompteFinalCotraitant => {
            "Projet de décompte final"
        }
        A5EtatAcompteFournisseur | A15EtatAcompteMoe => "État d'acompte",
        A6EtatAcompteValideFournisseur | A16EtatAcompteValideMoe | A19EtatAcompteValideMoa => {
            "État d'acompte validé"
        }
        A17ProjetDecompteGeneralMoe | A22ProjetDecompteGeneralTacite => "Projet de décompte général",
        A18DecompteGeneralMoe | A20DecompteGeneralMoa => "Décompte général",
        A8DecompteGeneralDefinitif => "Décompte général et définitif (signé)",
        A23DecompteGeneralDefinitifTacite | A24DecompteGeneralDefinitifTaciteMoe => {
            "Décompte général et définitif tacite"
        }
        A25DecompteGeneralDefinitifMoaTacite => "Décompte général (procédure tacite)",
        _ => "Facture",
    }
}

/// Le suffixe que la bonne pratique ajoute au numéro du premier déposant : EA (état d'acompte)
/// et EAV (état d'acompte validé) sont ceux de la communauté Chorus Pro ; les autres sont des
/// choix du simulateur dans le même esprit.
pub fn suffixe(cadre: CadreFacturation) -> &'static str {
    use CadreFacturation::*;
    match cadre {
        A15EtatAcompteMoe => "EA",
        A16EtatAcompteValideMoe | A19EtatAcompteValideMoa => "EAV",
        A17ProjetDecompteGeneralMoe | A22ProjetDecompteGeneralTacite => "PDG",
        A18DecompteGeneralMoe | A20DecompteGeneralMoa | A25DecompteGeneralDefinitifMoaTacite => "DG",
        A8DecompteGeneralDefinitif
        | A23DecompteGeneralDefinitifTacite
        | A24DecompteGeneralDefinitifTaciteMoe => "DGD",
        _ => "",
    }
}

/// Le numéro que la bonne pratique donne à une pièce qui suit dans le dossier : celui du
/// projet de décompte du titulaire, suivi du suffixe de la pièce.
pub fn numero_suggere(numero_du_projet: &str, cadre: CadreFacturation) -> String {
    match suffixe(cadre) {
        "" => numero_du_projet.to_string(),
        s => format!("{numero_du_projet}-{s}"),
    }
}

/// Qui dépose une pièce de ce cadre.
pub fn deposant(cadre: CadreFacturation) -> Acteur {
    use CadreFacturation::*;
    match cadre {
        A15EtatAcompteMoe
        | A16EtatAcompteValideMoe
        | A17ProjetDecompteGeneralMoe
        | A18DecompteGeneralMoe
        | A24DecompteGeneralDefinitifTaciteMoe => Acteur::Moe,
        A19EtatAcompteValideMoa | A20DecompteGeneralMoa | A25DecompteGeneralDefinitifMoaTacite => Acteur::Moa,
        _ => Acteur::Fournisseur,
    }
}

/// Le cadre du décompte général que notifie `acteur` : A18 par la MOE, A20 par la MOA, A25 par
/// la MOA en procédure tacite.
pub fn cadre_du_decompte_general(acteur: Acteur, procedure_tacite: bool) -> CadreFacturation {
    use CadreFacturation::*;
    match (acteur, procedure_tacite) {
        (Acteur::Moe, _) => A18DecompteGeneralMoe,
        (_, true) => A25DecompteGeneralDefinitifMoaTacite,
        (_, false) => A20DecompteGeneralMoa,
    }
}

/// La pièce payable du dossier : celle que le service financier reçoit et paie.
pub fn est_payable(cadre: CadreFacturation) -> bool {
    use CadreFacturation::*;
    matches!(
        cadre,
        A16EtatAcompteValideMoe
            | A19EtatAcompteValideMoa
            | A8DecompteGeneralDefinitif
            | A23DecompteGeneralDefinitifTacite
            | A24DecompteGeneralDefinitifTaciteMoe
    )
}

/// Un projet de décompte d'un sous-traitant ou d'un cotraitant : son titulaire ou son
/// mandataire le valide d'abord.
pub fn exige_un_valideur(cadre: CadreFacturation) -> bool {
    use CadreFacturation::*;
    matches!(
        cadre,
        A10ProjetDecompteMensuelSousTraitant
            | A11ProjetDecompteFinalSousTraitant
            | A13ProjetDecompteMensuelCotraitant
            | A14ProjetDecompteFinalCotraitant
    )
}

/// Le cadre d'une saisie de facture (« Saisir une facture », « Déposer une facture », API
/// `soumettre`) : une pièce de travaux ne s'y dépose pas.
pub fn anomalie_cadre_de_facture(cadre: CadreFacturation) -> Option<Anomalie> {
    cadre.est_travaux().then(|| {
        Anomalie::champ(
            "cadre",
            "CADRE_TRAVAUX",
            format!(
                "Le cadre « {} » est celui d'une pièce de travaux : elle se dépose dans l'espace « Factures de \
                 travaux » (PDF et formulaire de dépôt), pas dans « Factures émises ». Pour une facture de \
                 fournitures ou de services, choisissez A1, A2, A9 ou A12.",
                cadre.libelle()
            ),
        )
    })
}

/// Le cadre d'un dépôt dans « Factures de travaux » : un projet de décompte du fournisseur ;
/// les pièces suivantes se déposent depuis le dossier, par la partie à qui elles reviennent.
pub fn anomalie_cadre_de_depot(cadre: CadreFacturation) -> Option<Anomalie> {
    use CadreFacturation::*;
    let message = match cadre {
        c if CadreFacturation::TRAVAUX_DU_FOURNISSEUR.contains(&c) => return None,
        c if !c.est_travaux() => format!(
            "Le cadre « {} » est celui d'une facture : elle se saisit ou se dépose dans « Factures émises ». \
             Dans un marché de travaux, déposez ici votre projet de décompte mensuel (A4) ou final (A7).",
            c.libelle()
        ),
        A8DecompteGeneralDefinitif | A22ProjetDecompteGeneralTacite | A23DecompteGeneralDefinitifTacite => {
            format!(
                "Le cadre « {} » se dépose dans le dossier du projet de décompte final, par « Déposer la pièce de \
             facturation suivante » : ouvrez le dossier depuis « Synthèse » ou « Rechercher ».",
                cadre.libelle()
            )
        }
        A5EtatAcompteFournisseur | A6EtatAcompteValideFournisseur => format!(
            "Le cadre « {} » sert aux marchés où le titulaire établit lui-même l'état d'acompte : le \
             simulateur ne fait pas parcourir ce circuit. Déposez un projet de décompte mensuel (A4).",
            cadre.libelle()
        ),
        c => format!(
            "Le cadre « {} » est celui d'une pièce de la maîtrise d'œuvre ou de la maîtrise d'ouvrage : elle \
             la dépose elle-même dans le dossier. Le titulaire dépose son projet de décompte mensuel (A4) ou \
             final (A7) ; un sous-traitant, A10 ou A11 ; un cotraitant, A13 ou A14.",
            c.libelle()
        ),
    };
    Some(Anomalie::champ("cadre", "CADRE_NON_DEPOSABLE", message))
}

/// Le maître d'ouvrage d'un dépôt : une structure publique paramétrée « Structure avec MOA »
/// (`EstMOA`) ; le reste (existence, service, engagement) est contrôlé comme pour une facture.
pub fn anomalie_maitre_d_ouvrage(destinataire: Option<&StructurePublique>) -> Option<Anomalie> {
    let d = destinataire?;
    (!d.parametres.est_moa).then(|| {
        Anomalie::champ(
            "destinataire",
            "DESTINATAIRE_NON_MOA",
            format!(
                "{} ({}) n'est pas paramétrée « Structure avec MOA » dans l'annuaire : elle ne reçoit pas de \
                 pièces de travaux. Vérifiez le maître d'ouvrage sur la fiche d'identité du marché.",
                d.raison_sociale, d.identifiant
            ),
        )
    })
}

/// L'entreprise du registre derrière un SIRET saisi, pour contrôler la MOE ou le valideur.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntrepriseConnue {
    pub raison_sociale: String,
    pub active: bool,
}

/// La maîtrise d'œuvre désignée au dépôt : obligatoire, un SIRET valide d'une entreprise
/// inscrite et en activité, ni le fournisseur ni le maître d'ouvrage.
pub fn anomalie_moe(
    moe: &str,
    connue: Option<&EntrepriseConnue>,
    fournisseur: &str,
    destinataire: &str,
) -> Option<Anomalie> {
    let erreur = |code, message: String| Some(Anomalie::champ("moe", code, message));
    if moe.is_empty() {
        return erreur(
            "MOE_OBLIGATOIRE",
            "La maîtrise d'œuvre est obligatoire : indiquez le SIRET de l'architecte ou du bureau d'études qui \
             vérifie vos projets de décompte (fiche d'identité du marché)."
                .into(),
        );
    }
    if let Err(e) = moe.parse::<Siret>() {
        return erreur("MOE_SIRET_INVALIDE", format!("SIRET de la maîtrise d'œuvre « {moe} » : {e}"));
    }
    if moe == fournisseur {
        return erreur(
            "MOE_EST_LE_FOURNISSEUR",
            "Vous avez indiqué votre propre SIRET comme maîtrise d'œuvre : indiquez celui du maître d'œuvre du \
             marché."
                .into(),
        );
    }
    if moe == destinataire {
        return erreur(
            "MOE_EST_LE_DESTINATAIRE",
            "Le SIRET de la maîtrise d'œuvre est celui du maître d'ouvrage. Si le maître d'ouvrage assure \
             lui-même la maîtrise d'œuvre, la fiche d'identité du marché le précise ; sinon, indiquez le SIRET de \
             l'architecte ou du bureau d'études."
                .into(),
        );
    }
    match connue {
        None => erreur(
            "MOE_INCONNUE",
            format!(
                "Aucune structure de SIRET {moe} n'est inscrite dans Chorus Pro : vérifiez la fiche d'identité du marché."
            ),
        ),
        Some(e) if !e.active => erreur(
            "MOE_FERMEE",
            format!(
                "L'établissement {} ({moe}) est fermé : vérifiez le SIRET de la maîtrise d'œuvre.",
                e.raison_sociale
            ),
        ),
        Some(_) => None,
    }
}

/// Le valideur d'un projet de décompte de sous-traitant (le titulaire) ou de cotraitant (le
/// mandataire) : obligatoire pour ces cadres, interdit pour les autres.
pub fn anomalie_valideur(
    cadre: CadreFacturation,
    valideur: &str,
    connu: Option<&EntrepriseConnue>,
    fournisseur: &str,
) -> Option<Anomalie> {
    let erreur = |code, message: String| Some(Anomalie::champ("valideur", code, message));
    let qui = match cadre {
        CadreFacturation::A13ProjetDecompteMensuelCotraitant
        | CadreFacturation::A14ProjetDecompteFinalCotraitant => "le SIRET du mandataire du groupement",
        _ => "le SIRET du titulaire du marché, qui a sous-traité les travaux",
    };
    if !exige_un_valideur(cadre) {
        return (!valideur.is_empty()).then(|| {
            Anomalie::champ(
                "valideur",
                "VALIDEUR_HORS_CADRE",
                "Le valideur ne se renseigne que pour le projet de décompte d'un sous-traitant (A10, A11) ou d'un \
                 cotraitant (A13, A14) : laissez ce champ vide.",
            )
        });
    }
    if valideur.is_empty() {
        return erreur(
            "VALIDEUR_OBLIGATOIRE",
            format!("Pour le cadre « {} », indiquez {qui}.", cadre.libelle()),
        );
    }
    if let Err(e) = valideur.parse::<Siret>() {
        return erreur("VALIDEUR_SIRET_INVALIDE", format!("SIRET du valideur « {valideur} » : {e}"));
    }
    if valideur == fournisseur {
        return erreur(
            "VALIDEUR_EST_LE_FOURNISSEUR",
            format!("Vous avez indiqué votre propre SIRET : indiquez {qui}."),
        );
    }
    match connu {
        None => erreur(
            "VALIDEUR_INCONNU",
            format!("Aucune entreprise de SIRET {valideur} n'est inscrite dans Chorus Pro : indiquez {qui}."),
        ),
        Some(e) if !e.active => {
            erreur("VALIDEUR_FERME", format!("L'établissement {} ({valideur}) est fermé.", e.raison_sociale))
        }
        Some(_) => None,
    }
}

/// Un montant saisi par la MOE ou la MOA (« 12 500,00 », « 12500.5 ») : positif ou nul, au
/// centime.
pub fn lire_montant(texte: &str) -> Result<Decimal, String> {
    let t: String = texte.chars().filter(|c| !c.is_whitespace() && *c != '€' && *c != '\u{a0}').collect();
    if t.is_empty() {
        return Err("Le montant admis est obligatoire.".into());
    }
    let m: Decimal = t
        .replace(',', ".")
        .parse()
        .map_err(|_| format!("« {texte} » n'est pas un montant : écrivez par exemple 12 500,00."))?;
    if m.is_sign_negative() {
        return Err("Le montant admis ne peut pas être négatif.".into());
    }
    if m.scale() > 2 {
        return Err("Le montant admis s'écrit au centime près (deux décimales au plus).".into());
    }
    if m > Decimal::new(99_999_999_999, 2) {
        return Err("Ce montant dépasse ce que le portail accepte.".into());
    }
    Ok(m)
}

/// Le TTC d'un montant HT admis : la TVA du projet de décompte, au même taux moyen, arrondie au
/// centime.
pub fn ttc_admis(ht_demande: Decimal, ttc_demande: Decimal, ht_admis: Decimal) -> Decimal {
    if ht_demande.is_zero() {
        return ht_admis;
    }
    let tva = (ttc_demande - ht_demande) * ht_admis / ht_demande;
    (ht_admis + tva).round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// Ce que la MOE peut donner comme raison d'un refus. La liste du portail n'est pas publiée :
/// choix du simulateur, avec l'« erreur de montant » qui n'est **pas** un refus depuis le
/// 19 février 2025 — la MOE saisit alors le montant admis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MotifMoe {
    pub code: &'static str,
    pub libelle: &'static str,
}

pub const MOTIFS_REFUS_MOE: [MotifMoe; 5] = [
    MotifMoe { code: "ERREUR_MONTANT", libelle: "Erreur de montant" },
    MotifMoe { code: "TRAVAUX_NON_EXECUTES", libelle: "Travaux non exécutés" },
    MotifMoe { code: "HORS_MARCHE", libelle: "Pièce sans rapport avec le marché" },
    MotifMoe { code: "DOUBLON", libelle: "Projet de décompte déjà déposé" },
    MotifMoe { code: "AUTRE", libelle: "Autre motif (à préciser)" },
];

/// Pourquoi « Erreur de montant » ne refuse pas.
pub const ERREUR_DE_MONTANT_N_EST_PAS_UN_REFUS: &str = "Une erreur de montant n'est pas un motif de refus : \
     depuis le 19 février 2025, la maîtrise d'œuvre corrige le montant. Choisissez « Transmettre » et saisissez \
     le montant admis ; le titulaire le verra sur l'état d'acompte. Refuser arrêterait tout le circuit de \
     facturation.";

impl MotifMoe {
    pub fn depuis_code(code: &str) -> Option<&'static MotifMoe> {
        MOTIFS_REFUS_MOE.iter().find(|m| m.code == code)
    }

    /// Le texte du refus : le libellé, et la précision (obligatoire pour « Autre motif »).
    /// L'erreur de montant est refusée avec l'explication.
    pub fn texte(&self, precision: &str) -> Result<String, String> {
        let precision = precision.trim();
        match self.code {
            "ERREUR_MONTANT" => Err(ERREUR_DE_MONTANT_N_EST_PAS_UN_REFUS.into()),
            "AUTRE" if precision.is_empty() => Err("Précisez le motif du refus.".into()),
            _ if precision.is_empty() => Ok(self.libelle.to_string()),
            _ => Ok(format!("{} : {precision}", self.libelle)),
        }
    }
}

/// La fiche d'identité d'un marché de travaux, que la communauté Chorus Pro recommande de
/// remplir avant la première pièce : qui dépose quoi, avec quel cadre, les SIRET de chacun, le
/// code service et l'engagement juridique du maître d'ouvrage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FicheMarche {
    pub intitule: String,
    pub numero_marche: String,
    /// Le SIRET du maître d'ouvrage, destinataire des pièces.
    pub maitre_ouvrage: String,
    #[serde(default)]
    pub code_service: String,
    #[serde(default)]
    pub numero_engagement: String,
    /// Le SIRET de la maîtrise d'œuvre.
    pub maitre_oeuvre: String,
    /// Le SIRET du titulaire ; vide : l'entreprise du stagiaire.
    #[serde(default)]
    pub titulaire: String,
    #[serde(default, rename = "intervenant")]
    pub intervenants: Vec<Intervenant>,
}

/// Une autre entreprise du marché : sous-traitant payé directement, cotraitant, mandataire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Intervenant {
    pub role: RoleIntervenant,
    /// Vide : l'entreprise du stagiaire (un exercice où il est sous-traitant ou cotraitant).
    #[serde(default)]
    pub siret: String,
    /// Ce qu'il exécute (« Lot 4 — charpente »).
    #[serde(default)]
    pub lot: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoleIntervenant {
    SousTraitant,
    Cotraitant,
    Mandataire,
}

/// Une ligne de « qui dépose quoi ».
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LigneFiche {
    /// « Titulaire », « Maîtrise d'œuvre »…
    pub role: &'static str,
    pub siret: String,
    pub precision: String,
    /// Les pièces qu'il dépose, dans l'ordre du chantier.
    pub cadres: Vec<CadreFacturation>,
    /// Qui valide ses projets de décompte avant la MOE (SIRET), s'il y en a un.
    pub valideur: Option<String>,
}

impl FicheMarche {
    /// Le mandataire du groupement, s'il est nommé.
    fn mandataire(&self) -> Option<&str> {
        self.intervenants.iter().find(|i| i.role == RoleIntervenant::Mandataire).map(|i| i.siret.as_str())
    }

    /// Qui dépose quoi, avec le SIRET de l'entreprise du stagiaire (`stagiaire`) là où la
    /// fiche la laisse en blanc : le titulaire, ou un intervenant sans SIRET.
    pub fn qui_depose_quoi(&self, stagiaire: &str) -> Vec<LigneFiche> {
        use CadreFacturation::*;
        let titulaire = if self.titulaire.is_empty() { stagiaire } else { &self.titulaire };
        let mut v = vec![LigneFiche {
            role: "Titulaire",
            siret: titulaire.to_string(),
            precision: String::new(),
            cadres: vec![A4ProjetDecompteMensuel, A7ProjetDecompteFinal, A8DecompteGeneralDefinitif],
            valideur: None,
        }];
        for i in &self.intervenants {
            let (role, cadres, valideur) = match i.role {
                RoleIntervenant::SousTraitant => (
                    "Sous-traitant payé directement",
                    vec![A10ProjetDecompteMensuelSousTraitant, A11ProjetDecompteFinalSousTraitant],
                    Some(titulaire.to_string()),
                ),
                RoleIntervenant::Cotraitant => (
                    "Cotraitant",
                    vec![A13ProjetDecompteMensuelCotraitant, A14ProjetDecompteFinalCotraitant],
                    Some(self.mandataire().unwrap_or(titulaire).to_string()),
                ),
                RoleIntervenant::Mandataire => ("Mandataire du groupement", Vec::new(), None),
            };
            let siret = if i.siret.is_empty() { stagiaire } else { &i.siret };
            v.push(LigneFiche { role, siret: siret.to_string(), precision: i.lot.clone(), cadres, valideur });
        }
        v.push(LigneFiche {
            role: "Maîtrise d'œuvre",
            siret: self.maitre_oeuvre.clone(),
            precision: String::new(),
            cadres: vec![
                A15EtatAcompteMoe,
                A16EtatAcompteValideMoe,
                A17ProjetDecompteGeneralMoe,
                A18DecompteGeneralMoe,
            ],
            valideur: None,
        });
        v.push(LigneFiche {
            role: "Maîtrise d'ouvrage",
            siret: self.maitre_ouvrage.clone(),
            precision: [
                (!self.code_service.is_empty()).then(|| format!("code service {}", self.code_service)),
                (!self.numero_engagement.is_empty())
                    .then(|| format!("engagement juridique {}", self.numero_engagement)),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", "),
            cadres: vec![A19EtatAcompteValideMoa, A20DecompteGeneralMoa],
            valideur: None,
        });
        v
    }
}

/// La fiche du marché de démonstration, quand aucun exercice n'en donne : l'école de
/// Valcombe, avec les entreprises du registre de formation.
pub fn marche_de_demonstration() -> FicheMarche {
    FicheMarche {
        intitule: "Réhabilitation de l'école du bourg".into(),
        numero_marche: "2026-TRV-031".into(),
        maitre_ouvrage: "21852884200097".into(),
        code_service: "SERVICES_TECHNIQUES".into(),
        numero_engagement: "EJ-2026-0318".into(),
        maitre_oeuvre: "49228449200070".into(),
        titulaire: String::new(),
        intervenants: vec![Intervenant {
            role: RoleIntervenant::SousTraitant,
            siret: "92097818600053".into(),
            lot: "Charpente".into(),
        }],
    }
}

/// Ce que font, par défaut, la maîtrise d'œuvre et la maîtrise d'ouvrage simulées, en jours à
/// compter de la réception de la pièce (choix du simulateur, réglables par les scénarios).
pub mod simulees {
    /// La MOE prend en compte le projet de décompte.
    pub const MOE_PRISE_EN_COMPTE: u32 = 2;
    /// Puis elle admet le montant demandé et transmet l'état d'acompte (A15) ou le projet de
    /// décompte général (A17) à la MOA : dans ses 7 jours.
    pub const MOE_TRANSMISSION: u32 = 5;
    /// La MOA prend en compte l'état d'acompte ou le projet de décompte général.
    pub const MOA_PRISE_EN_COMPTE: u32 = 1;
    /// La MOA valide l'état d'acompte (A19).
    pub const MOA_VALIDATION: u32 = 2;
    /// La MOA notifie le décompte général (A20), bien dans ses 30 jours.
    pub const MOA_DECOMPTE_GENERAL: u32 = 8;
    /// Le titulaire muet au-delà de ses 30 jours : la MOE dépose le DGD tacite (A24) le
    /// lendemain du dernier jour.
    pub const MOE_DGD_TACITE: u32 = super::DELAI_SIGNATURE_JOURS + 1;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(a: i32, m: u32, j: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(a, m, j).unwrap()
    }

    #[test]
    fn sept_jours_pour_la_moe() {
        let recue = d(2026, 12, 1);
        assert_eq!(dernier_jour(recue, DELAI_MOE_JOURS), d(2026, 12, 8));
        assert!(!ecoule(recue, DELAI_MOE_JOURS, d(2026, 12, 8)));
        assert!(ecoule(recue, DELAI_MOE_JOURS, d(2026, 12, 9)));
        assert_eq!(lendemain(recue, DELAI_MOE_JOURS), d(2026, 12, 9));
        const { assert!(simulees::MOE_TRANSMISSION <= DELAI_MOE_JOURS) };
    }

    #[test]
    fn numerotation_bonne_pratique() {
        assert_eq!(numero_suggere("PDM-2026-03", CadreFacturation::A15EtatAcompteMoe), "PDM-2026-03-EA");
        assert_eq!(
            numero_suggere("PDM-2026-03", CadreFacturation::A19EtatAcompteValideMoa),
            "PDM-2026-03-EAV"
        );
        assert_eq!(numero_suggere("PDF-1", CadreFacturation::A8DecompteGeneralDefinitif), "PDF-1-DGD");
        assert_eq!(numero_suggere("X", CadreFacturation::A4ProjetDecompteMensuel), "X");
    }

    #[test]
    fn chaque_cadre_a_son_deposant_et_sa_nature() {
        for c in CadreFacturation::TOUS.iter().filter(|c| c.est_travaux()) {
            assert_ne!(nature(*c), "Facture", "{c:?}");
        }
        assert_eq!(deposant(CadreFacturation::A15EtatAcompteMoe), Acteur::Moe);
        assert_eq!(deposant(CadreFacturation::A20DecompteGeneralMoa), Acteur::Moa);
        assert_eq!(deposant(CadreFacturation::A8DecompteGeneralDefinitif), Acteur::Fournisseur);
        assert!(est_payable(CadreFacturation::A19EtatAcompteValideMoa));
        assert!(!est_payable(CadreFacturation::A15EtatAcompteMoe));
    }

    #[test]
    fn une_piece_de_travaux_ne_se_saisit_pas_comme_une_facture() {
        let a = anomalie_cadre_de_facture(CadreFacturation::A4ProjetDecompteMensuel).unwrap();
        assert_eq!(a.code, "CADRE_TRAVAUX");
        assert!(a.message.contains("Factures de travaux"), "{}", a.message);
        assert!(anomalie_cadre_de_facture(CadreFacturation::A9FactureSousTraitant).is_none());
        // Et une facture ne se dépose pas dans « Factures de travaux ».
        let a = anomalie_cadre_de_depot(CadreFacturation::A1FactureFournisseur).unwrap();
        assert!(a.message.contains("A4"), "{}", a.message);
        let a = anomalie_cadre_de_depot(CadreFacturation::A8DecompteGeneralDefinitif).unwrap();
        assert!(a.message.contains("Déposer la pièce de facturation suivante"), "{}", a.message);
        let a = anomalie_cadre_de_depot(CadreFacturation::A15EtatAcompteMoe).unwrap();
        assert!(a.message.contains("maîtrise d'œuvre"), "{}", a.message);
        for c in CadreFacturation::TRAVAUX_DU_FOURNISSEUR {
            assert!(anomalie_cadre_de_depot(c).is_none());
        }
    }

    #[test]
    fn la_moe_est_controlee() {
        let connue = EntrepriseConnue { raison_sociale: "ATELIER".into(), active: true };
        let f = "62211306600055";
        let moa = "21852884200097";
        let moe = "49228449200070";
        assert!(anomalie_moe(moe, Some(&connue), f, moa).is_none());
        assert_eq!(anomalie_moe("", None, f, moa).unwrap().code, "MOE_OBLIGATOIRE");
        assert_eq!(anomalie_moe("4922844920007", None, f, moa).unwrap().code, "MOE_SIRET_INVALIDE");
        assert_eq!(anomalie_moe(f, Some(&connue), f, moa).unwrap().code, "MOE_EST_LE_FOURNISSEUR");
        assert_eq!(anomalie_moe(moa, Some(&connue), f, moa).unwrap().code, "MOE_EST_LE_DESTINATAIRE");
        assert_eq!(anomalie_moe(moe, None, f, moa).unwrap().code, "MOE_INCONNUE");
        let fermee = EntrepriseConnue { active: false, ..connue };
        assert_eq!(anomalie_moe(moe, Some(&fermee), f, moa).unwrap().code, "MOE_FERMEE");
    }

    #[test]
    fn le_valideur_des_sous_traitants_et_cotraitants() {
        let connu = EntrepriseConnue { raison_sociale: "BATIMENTS".into(), active: true };
        let st = "92097818600053";
        let titulaire = "62211306600055";
        let a10 = CadreFacturation::A10ProjetDecompteMensuelSousTraitant;
        assert!(anomalie_valideur(a10, titulaire, Some(&connu), st).is_none());
        assert_eq!(anomalie_valideur(a10, "", None, st).unwrap().code, "VALIDEUR_OBLIGATOIRE");
        let a4 = CadreFacturation::A4ProjetDecompteMensuel;
        assert_eq!(anomalie_valideur(a4, titulaire, Some(&connu), st).unwrap().code, "VALIDEUR_HORS_CADRE");
        assert!(anomalie_valideur(a4, "", None, st).is_none());
        let m =
            anomalie_valideur(CadreFacturation::A13ProjetDecompteMensuelCotraitant, "", None, st).unwrap();
        assert!(m.message.contains("mandataire"), "{}", m.message);
    }

    #[test]
    fn montants_admis() {
        assert_eq!(lire_montant("12 500,50").unwrap(), Decimal::new(1_250_050, 2));
        assert_eq!(lire_montant("0").unwrap(), Decimal::ZERO);
        assert!(lire_montant("").is_err());
        assert!(lire_montant("-3").is_err());
        assert!(lire_montant("1,234").is_err());
        assert!(lire_montant("douze").is_err());
        // TVA à 20 % : 10 000 demandés (12 000 TTC), 8 500 admis → 10 200 TTC.
        let ttc = ttc_admis(Decimal::new(10_000, 0), Decimal::new(12_000, 0), Decimal::new(8_500, 0));
        assert_eq!(ttc, Decimal::new(10_200, 0));
        assert_eq!(ttc_admis(Decimal::ZERO, Decimal::ZERO, Decimal::ONE), Decimal::ONE);
    }

    #[test]
    fn l_erreur_de_montant_n_est_pas_un_refus() {
        let m = MotifMoe::depuis_code("ERREUR_MONTANT").unwrap();
        assert!(m.texte("").unwrap_err().contains("19 février 2025"));
        let autre = MotifMoe::depuis_code("AUTRE").unwrap();
        assert!(autre.texte(" ").is_err());
        assert_eq!(autre.texte("Pas de PV").unwrap(), "Autre motif (à préciser) : Pas de PV");
        assert_eq!(
            MotifMoe::depuis_code("TRAVAUX_NON_EXECUTES").unwrap().texte("").unwrap(),
            "Travaux non exécutés"
        );
    }

    #[test]
    fn la_fiche_dit_qui_depose_quoi() {
        let mut fiche = marche_de_demonstration();
        fiche.intervenants.push(Intervenant {
            role: RoleIntervenant::Cotraitant,
            siret: "33079647500086".into(),
            lot: String::new(),
        });
        let lignes = fiche.qui_depose_quoi("92391234900068");
        assert_eq!(lignes[0].siret, "92391234900068");
        assert_eq!(lignes[0].cadres[0], CadreFacturation::A4ProjetDecompteMensuel);
        let st = lignes.iter().find(|l| l.role.starts_with("Sous-traitant")).unwrap();
        assert_eq!(st.valideur.as_deref(), Some("92391234900068"));
        // Sans mandataire nommé, le titulaire valide pour le cotraitant.
        let co = lignes.iter().find(|l| l.role == "Cotraitant").unwrap();
        assert_eq!(co.valideur.as_deref(), Some("92391234900068"));
        let moa = lignes.last().unwrap();
        assert!(moa.precision.contains("SERVICES_TECHNIQUES") && moa.precision.contains("EJ-2026-0318"));
        // Les cadres de la fiche sont tous des cadres de travaux.
        assert!(lignes.iter().flat_map(|l| &l.cadres).all(|c| c.est_travaux()));
    }

    #[test]
    fn le_depot_devient_une_saisie_d_une_ligne() {
        let brut = DepotBrut {
            cadre: "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR".into(),
            numero: "PDM-01".into(),
            montant_ht: "12500".into(),
            taux_tva: "20".into(),
            ..DepotBrut::default()
        };
        let s = brut.saisie();
        assert_eq!(s.lignes.len(), 1);
        assert_eq!(s.lignes[0].designation, "Projet de décompte mensuel");
        assert_eq!(s.lignes[0].prix_unitaire_ht, "12500");
        assert_eq!(s.type_facture, "FACTURE");
    }
}
