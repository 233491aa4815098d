//! Les circuits de facturation : pour chaque cadre, qui dépose, quels valideurs agissent et dans
//! quel ordre, quels statuts suivent lesquels et qui fait passer de l'un à l'autre. Un circuit est
//! une table d'arcs ; la réception par le destinataire et son comptable, commune à tous, suit les
//! règles de [`crate::statut`]. Une seule fonction, [`transition`], décide pour tous.
//!
//! Sources (`chorus-pro-domain.md` §1.7, §1.8) : la suite des statuts de la validation est
//! déduite de l'ordre de l'énumération de l'API et des règles de la sous-traitance ; là où les
//! sources se taisent, les choix du simulateur sont dans [`crate::choix_simulateur`] :
//!
//! - le second valideur (le mandataire, pour le sous-traitant d'un cotraitant) est désigné par
//!   le premier valideur quand il valide ; sans validation expresse du premier (validation
//!   tacite), il n'y a pas de second niveau et la facture part vers le destinataire ;
//! - une facture de cotraitant (A12) suit la même validation que celle d'un sous-traitant, avec
//!   le même délai de 15 jours (la règle des 15 jours est écrite pour la sous-traitance,
//!   articles R2193-12 et R2193-16) ;
//! - une facture « À recycler » d'un circuit avec validation, une fois recyclée, repart au
//!   statut « Déposée » sans repasser par ses valideurs (ils ont déjà donné leur accord).

use crate::Erreur;
use crate::facture::CadreFacturation;
use crate::statut::{self, Acteur, Action, CIBLES_ACHETEUR, Contexte, Statut, motif_valide, refus};

/// Ce qu'un arc demande en plus de l'acteur et du statut de départ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    Toujours,
    /// Un motif, obligatoire, de 255 caractères au plus.
    Motif,
    /// Un second valideur est désigné.
    SecondValideur,
    /// Aucun second valideur n'est désigné.
    SansSecondValideur,
    /// Les 15 jours laissés au valideur (7 jours pour la MOE) sont écoulés.
    DelaiEcoule,
    /// Travaux : le décompte général n'a pas été notifié dans son délai, et le titulaire n'a pas
    /// encore engagé la procédure tacite.
    DelaiDecompteGeneralEcoule,
    /// Travaux : en procédure tacite, les 10 jours de la MOA sont écoulés.
    DelaiTaciteEcoule,
    /// Travaux : les 30 jours du titulaire pour signer le décompte général notifié sont écoulés.
    DelaiSignatureEcoule,
}

/// Un passage permis d'un statut à un autre.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arc {
    /// `None` : la facture n'existe pas encore.
    pub de: Option<Statut>,
    pub action: Action,
    pub acteur: Acteur,
    pub vers: Statut,
    pub si: Condition,
}

const fn arc(de: Option<Statut>, action: Action, acteur: Acteur, vers: Statut, si: Condition) -> Arc {
    Arc { de, action, acteur, vers, si }
}

use Acteur::{Fournisseur, Moa, Moe, PremierValideur, SecondValideur, Systeme};
use Condition::{
    DelaiDecompteGeneralEcoule, DelaiEcoule, DelaiSignatureEcoule, DelaiTaciteEcoule, Motif,
    SansSecondValideur, Toujours,
};
use Statut::*;

/// La fin commune à tous les circuits : acheminement, mise à disposition, et les suites que le
/// fournisseur donne aux retours du destinataire. Les statuts que donnent le destinataire et son
/// comptable (`Action::Traiter`) suivent les règles de la réception.
const RECEPTION: &[Arc] = &[
    arc(Some(Deposee), Action::Acheminer, Systeme, EnCoursAcheminement, Toujours),
    arc(Some(EnCoursAcheminement), Action::MettreADisposition, Systeme, MiseADisposition, Toujours),
    arc(Some(ARecycler), Action::Recycler, Fournisseur, Deposee, Toujours),
    arc(Some(Suspendue), Action::Completer, Fournisseur, Completee, Toujours),
];

/// Le dépôt d'une facture sans valideur.
const DEPOT_DIRECT: &[Arc] = &[
    arc(None, Action::Enregistrer, Fournisseur, Brouillon, Toujours),
    arc(Some(Brouillon), Action::Enregistrer, Fournisseur, Brouillon, Toujours),
    arc(None, Action::ValiderEtEnvoyer, Fournisseur, Deposee, Toujours),
    arc(Some(Brouillon), Action::ValiderEtEnvoyer, Fournisseur, Deposee, Toujours),
];

/// Le dépôt et le premier niveau de validation, communs à la sous-traitance et à la cotraitance.
const PREMIER_NIVEAU: &[Arc] = &[
    arc(None, Action::Enregistrer, Fournisseur, Brouillon, Toujours),
    arc(Some(Brouillon), Action::Enregistrer, Fournisseur, Brouillon, Toujours),
    arc(None, Action::ValiderEtEnvoyer, Fournisseur, AValider1, Toujours),
    arc(Some(Brouillon), Action::ValiderEtEnvoyer, Fournisseur, AValider1, Toujours),
    arc(Some(AValider1), Action::Valider, PremierValideur, Validee1, Toujours),
    arc(Some(AValider1), Action::Refuser, PremierValideur, Refusee1, Motif),
    arc(
        Some(AValider1),
        Action::SignalerErreurDeValideur,
        PremierValideur,
        ErreurFournisseurSurValideur,
        Motif,
    ),
    arc(
        Some(AValider1),
        Action::ConstaterAbsenceDeValidation,
        Systeme,
        AbsenceValidation1HorsDelai,
        DelaiEcoule,
    ),
    arc(Some(ErreurFournisseurSurValideur), Action::CorrigerValideur, Fournisseur, AValider1, Toujours),
    // Sans validation expresse, pas de second valideur désigné : la facture va au destinataire.
    arc(Some(AbsenceValidation1HorsDelai), Action::Transmettre, Systeme, Deposee, Toujours),
];

/// Le second niveau de la sous-traitance : le sous-traitant d'un cotraitant, validé par le
/// cotraitant puis par le mandataire du groupement.
const SECOND_NIVEAU: &[Arc] = &[
    arc(Some(Validee1), Action::Transmettre, Systeme, AValider2, Condition::SecondValideur),
    arc(Some(Validee1), Action::Transmettre, Systeme, Deposee, SansSecondValideur),
    arc(Some(AValider2), Action::Valider, SecondValideur, Validee2, Toujours),
    arc(Some(AValider2), Action::Refuser, SecondValideur, Refusee2, Motif),
    arc(
        Some(AValider2),
        Action::SignalerErreurDeValideur,
        SecondValideur,
        ErreurCotraitantSurValideur,
        Motif,
    ),
    arc(
        Some(AValider2),
        Action::ConstaterAbsenceDeValidation,
        Systeme,
        AbsenceValidation2HorsDelai,
        DelaiEcoule,
    ),
    arc(Some(ErreurCotraitantSurValideur), Action::CorrigerValideur, PremierValideur, AValider2, Toujours),
    arc(Some(Validee2), Action::Transmettre, Systeme, Deposee, Toujours),
    arc(Some(AbsenceValidation2HorsDelai), Action::Transmettre, Systeme, Deposee, Toujours),
];

/// La cotraitance n'a qu'un niveau : le mandataire valide, la facture part au destinataire.
const APRES_LE_MANDATAIRE: &[Arc] = &[arc(Some(Validee1), Action::Transmettre, Systeme, Deposee, Toujours)];

/// Travaux : le dépôt d'une pièce par le titulaire, sans valideur.
const DEPOT_TRAVAUX: &[Arc] = &[
    arc(None, Action::Enregistrer, Fournisseur, Brouillon, Toujours),
    arc(Some(Brouillon), Action::Enregistrer, Fournisseur, Brouillon, Toujours),
    arc(None, Action::ValiderEtEnvoyer, Fournisseur, Deposee, Toujours),
    arc(Some(Brouillon), Action::ValiderEtEnvoyer, Fournisseur, Deposee, Toujours),
];

/// Travaux : la maîtrise d'œuvre. La pièce déposée lui est acheminée ; elle a 7 jours pour la
/// prendre en compte, arrêter les montants admis et la transmettre à la maîtrise d'ouvrage (ou,
/// pour un état d'acompte validé, au service financier). Un écart de montant n'est pas un motif
/// de refus : elle corrige le montant admis.
const MAITRISE_D_OEUVRE: &[Arc] = &[
    arc(Some(Deposee), Action::Acheminer, Systeme, MiseADispositionMoe, Toujours),
    arc(Some(MiseADispositionMoe), Action::PrendreEnCompte, Moe, PriseEnCompteMoe, Toujours),
    arc(Some(MiseADispositionMoe), Action::Refuser, Moe, RefuseeMoe, Motif),
    arc(Some(PriseEnCompteMoe), Action::Refuser, Moe, RefuseeMoe, Motif),
    arc(Some(MiseADispositionMoe), Action::SignalerErreurDeValideur, Moe, ErreurFournisseurSurMoe, Motif),
    arc(Some(PriseEnCompteMoe), Action::SignalerErreurDeValideur, Moe, ErreurFournisseurSurMoe, Motif),
    arc(Some(ErreurFournisseurSurMoe), Action::Recycler, Fournisseur, Deposee, Toujours),
    arc(Some(MiseADispositionMoe), Action::DemanderComplement, Moe, ACompleter, Motif),
    arc(Some(PriseEnCompteMoe), Action::DemanderComplement, Moe, ACompleter, Motif),
    arc(Some(ACompleter), Action::Completer, Fournisseur, MiseADispositionMoe, Toujours),
    arc(Some(MiseADispositionMoe), Action::TransmettreMoa, Moe, TransmiseMoa, Toujours),
    arc(Some(PriseEnCompteMoe), Action::TransmettreMoa, Moe, TransmiseMoa, Toujours),
    arc(
        Some(MiseADispositionMoe),
        Action::ConstaterAbsenceDeValidation,
        Systeme,
        AbsenceValidationMoeDelaiReglementaire,
        DelaiEcoule,
    ),
    arc(
        Some(PriseEnCompteMoe),
        Action::ConstaterAbsenceDeValidation,
        Systeme,
        AbsenceValidationMoeDelaiReglementaire,
        DelaiEcoule,
    ),
    arc(Some(AbsenceValidationMoeDelaiReglementaire), Action::Transmettre, Systeme, TransmiseMoa, Toujours),
    arc(Some(TransmiseMoa), Action::Acheminer, Systeme, MiseADispositionMoa, Toujours),
    arc(Some(MiseADispositionMoa), Action::PrendreEnCompte, Moa, PriseEnCompteMoa, Toujours),
    arc(Some(MiseADispositionMoa), Action::Refuser, Moa, RefuseeMoa, Motif),
    arc(Some(PriseEnCompteMoa), Action::Refuser, Moa, RefuseeMoa, Motif),
    arc(Some(MiseADispositionMoa), Action::SignalerErreurDeValideur, Moa, ErreurFournisseurSurMoa, Motif),
    arc(Some(PriseEnCompteMoa), Action::SignalerErreurDeValideur, Moa, ErreurFournisseurSurMoa, Motif),
    // Le fournisseur corrige le destinataire, le code service ou l'engagement : la pièce, déjà
    // vérifiée par la MOE, repart à la (bonne) MOA.
    arc(Some(ErreurFournisseurSurMoa), Action::Recycler, Fournisseur, TransmiseMoa, Toujours),
];

/// Travaux, pendant le chantier : l'état d'acompte validé part au service financier, par la
/// MOA (A19) ou directement par la MOE (A16).
const ACOMPTE: &[Arc] = &[
    arc(Some(MiseADispositionMoe), Action::TransmettreServiceFinancier, Moe, MiseADisposition, Toujours),
    arc(Some(PriseEnCompteMoe), Action::TransmettreServiceFinancier, Moe, MiseADisposition, Toujours),
    arc(Some(MiseADispositionMoa), Action::Valider, Moa, MiseADisposition, Toujours),
    arc(Some(PriseEnCompteMoa), Action::Valider, Moa, MiseADisposition, Toujours),
];

/// Travaux, en fin de chantier : le décompte général notifié au titulaire (A20 par la MOA, A18
/// par la MOE ; A25 par la MOA en procédure tacite), qu'il signe (DGD, A8) ou refuse ; s'il se
/// tait au-delà de ses 30 jours, le décompte général devient définitif et la MOE le dépose
/// (A24) ; la procédure tacite (A22, puis A23) si le décompte général ne lui est pas notifié à
/// temps.
const DECOMPTE_GENERAL: &[Arc] = &[
    arc(Some(MiseADispositionMoa), Action::NotifierDecompteGeneral, Moa, AAssocierFournisseur, Toujours),
    arc(Some(PriseEnCompteMoa), Action::NotifierDecompteGeneral, Moa, AAssocierFournisseur, Toujours),
    arc(Some(PriseEnCompteMoe), Action::NotifierDecompteGeneral, Moe, AAssocierFournisseur, Toujours),
    arc(Some(AAssocierFournisseur), Action::SignerDecompteGeneral, Fournisseur, Associee, Toujours),
    arc(Some(AAssocierFournisseur), Action::Refuser, Fournisseur, RefuseeFournisseur, Motif),
    arc(
        Some(AAssocierFournisseur),
        Action::DeposerDecompteGeneralTacite,
        Moe,
        Associee,
        DelaiSignatureEcoule,
    ),
    arc(Some(Associee), Action::Acheminer, Systeme, MiseADisposition, Toujours),
    arc(
        Some(MiseADispositionMoe),
        Action::DeposerProjetDecompteGeneral,
        Fournisseur,
        RemplaceeParA22,
        DelaiDecompteGeneralEcoule,
    ),
    arc(
        Some(PriseEnCompteMoe),
        Action::DeposerProjetDecompteGeneral,
        Fournisseur,
        RemplaceeParA22,
        DelaiDecompteGeneralEcoule,
    ),
    arc(
        Some(TransmiseMoa),
        Action::DeposerProjetDecompteGeneral,
        Fournisseur,
        RemplaceeParA22,
        DelaiDecompteGeneralEcoule,
    ),
    arc(
        Some(MiseADispositionMoa),
        Action::DeposerProjetDecompteGeneral,
        Fournisseur,
        RemplaceeParA22,
        DelaiDecompteGeneralEcoule,
    ),
    arc(
        Some(PriseEnCompteMoa),
        Action::DeposerProjetDecompteGeneral,
        Fournisseur,
        RemplaceeParA22,
        DelaiDecompteGeneralEcoule,
    ),
    arc(Some(RemplaceeParA22), Action::Acheminer, Systeme, MiseADispositionMoa, Toujours),
    arc(
        Some(MiseADispositionMoa),
        Action::DeposerDecompteGeneralTacite,
        Fournisseur,
        Associee,
        DelaiTaciteEcoule,
    ),
    arc(
        Some(PriseEnCompteMoa),
        Action::DeposerDecompteGeneralTacite,
        Fournisseur,
        Associee,
        DelaiTaciteEcoule,
    ),
];

/// Le service financier reçoit la pièce payable (état d'acompte validé, DGD) et la traite comme
/// une facture : seules les suites du fournisseur de la réception (« Compléter » une facture
/// suspendue) ; une pièce de travaux ne repart pas « À recycler » vers son fournisseur.
const RECEPTION_TRAVAUX: &[Arc] =
    &[arc(Some(Suspendue), Action::Completer, Fournisseur, Completee, Toujours)];

/// Les travaux d'un sous-traitant ou d'un cotraitant : son titulaire ou son mandataire valide
/// d'abord (premier niveau), puis la pièce part à la maîtrise d'œuvre.
const VALIDATION_TRAVAUX: &[Arc] = &[
    arc(None, Action::Enregistrer, Fournisseur, Brouillon, Toujours),
    arc(Some(Brouillon), Action::Enregistrer, Fournisseur, Brouillon, Toujours),
    arc(None, Action::ValiderEtEnvoyer, Fournisseur, AValider1, Toujours),
    arc(Some(Brouillon), Action::ValiderEtEnvoyer, Fournisseur, AValider1, Toujours),
    arc(Some(AValider1), Action::Valider, PremierValideur, Validee1, Toujours),
    arc(Some(AValider1), Action::Refuser, PremierValideur, Refusee1, Motif),
    arc(
        Some(AValider1),
        Action::SignalerErreurDeValideur,
        PremierValideur,
        ErreurFournisseurSurValideur,
        Motif,
    ),
    arc(
        Some(AValider1),
        Action::ConstaterAbsenceDeValidation,
        Systeme,
        AbsenceValidation1HorsDelai,
        DelaiEcoule,
    ),
    arc(Some(ErreurFournisseurSurValideur), Action::CorrigerValideur, Fournisseur, AValider1, Toujours),
    arc(Some(AbsenceValidation1HorsDelai), Action::Transmettre, Systeme, Deposee, Toujours),
    arc(Some(Validee1), Action::Transmettre, Systeme, Deposee, Toujours),
];

/// Un circuit de facturation.
#[derive(Debug, PartialEq, Eq)]
pub struct Circuit {
    pub nom: &'static str,
    /// Qui dépose la facture, dit au stagiaire.
    pub deposant: &'static str,
    /// Les valideurs possibles, dans l'ordre (aucun : la facture va droit au destinataire).
    pub valideurs: &'static [&'static str],
    /// Le dépôt, la validation, la maîtrise d'œuvre et d'ouvrage, la réception : par morceaux.
    arcs: &'static [&'static [Arc]],
    /// La réception par le destinataire et son comptable suit les règles communes
    /// ([`crate::statut`]) depuis ces statuts seulement.
    reception: bool,
}

/// A1 et A2 : le fournisseur dépose, le destinataire reçoit.
pub const CLASSIQUE: Circuit = Circuit {
    nom: "Facture d'un fournisseur",
    deposant: "le fournisseur (titulaire du marché)",
    valideurs: &[],
    arcs: &[DEPOT_DIRECT, RECEPTION],
    reception: true,
};

/// A9 : le sous-traitant payé directement dépose, le titulaire valide.
pub const SOUS_TRAITANT: Circuit = Circuit {
    nom: "Facture d'un sous-traitant (paiement direct)",
    deposant: "le sous-traitant de premier rang, admis au paiement direct",
    valideurs: &[
        "le titulaire du marché (ou le cotraitant qui a sous-traité les travaux)",
        "le mandataire du groupement (sous-traitant d'un cotraitant seulement)",
    ],
    arcs: &[PREMIER_NIVEAU, SECOND_NIVEAU, RECEPTION],
    reception: true,
};

/// A12 : le cotraitant d'un groupement dépose, le mandataire valide.
pub const COTRAITANT: Circuit = Circuit {
    nom: "Facture d'un cotraitant",
    deposant: "le cotraitant d'un groupement",
    valideurs: &["le mandataire du groupement"],
    arcs: &[PREMIER_NIVEAU, APRES_LE_MANDATAIRE, RECEPTION],
    reception: true,
};

/// A4 : le projet de décompte mensuel du titulaire, pendant le chantier.
pub const TRAVAUX_MENSUEL: Circuit = Circuit {
    nom: "Projet de décompte mensuel",
    deposant: "le titulaire du marché de travaux",
    valideurs: &[],
    arcs: &[DEPOT_TRAVAUX, MAITRISE_D_OEUVRE, ACOMPTE, RECEPTION_TRAVAUX],
    reception: true,
};

/// A10 et A13 : le projet de décompte mensuel d'un sous-traitant ou d'un cotraitant, validé
/// d'abord par son titulaire ou son mandataire.
pub const TRAVAUX_MENSUEL_VALIDE: Circuit = Circuit {
    nom: "Projet de décompte mensuel d'un sous-traitant ou d'un cotraitant",
    deposant: "le sous-traitant (A10) ou le cotraitant (A13)",
    valideurs: &["le titulaire du marché (A10) ou le mandataire du groupement (A13)"],
    arcs: &[VALIDATION_TRAVAUX, MAITRISE_D_OEUVRE, ACOMPTE, RECEPTION_TRAVAUX],
    reception: true,
};

/// A7 : le projet de décompte final du titulaire, jusqu'au décompte général et définitif.
pub const TRAVAUX_FINAL: Circuit = Circuit {
    nom: "Projet de décompte final",
    deposant: "le titulaire du marché de travaux",
    valideurs: &[],
    arcs: &[DEPOT_TRAVAUX, MAITRISE_D_OEUVRE, DECOMPTE_GENERAL, RECEPTION_TRAVAUX],
    reception: true,
};

/// A11 et A14 : le projet de décompte final d'un sous-traitant ou d'un cotraitant.
pub const TRAVAUX_FINAL_VALIDE: Circuit = Circuit {
    nom: "Projet de décompte final d'un sous-traitant ou d'un cotraitant",
    deposant: "le sous-traitant (A11) ou le cotraitant (A14)",
    valideurs: &["le titulaire du marché (A11) ou le mandataire du groupement (A14)"],
    arcs: &[VALIDATION_TRAVAUX, MAITRISE_D_OEUVRE, DECOMPTE_GENERAL, RECEPTION_TRAVAUX],
    reception: true,
};

/// Les pièces que déposent la MOE, la MOA ou, en fin de procédure, le titulaire (états
/// d'acompte, décomptes généraux, DGD) : dans le simulateur, elles ne circulent pas seules, elles
/// font avancer le dossier ouvert par le projet de décompte du fournisseur.
pub const PIECE_SUIVANTE: Circuit = Circuit {
    nom: "Pièce de travaux déposée dans un dossier existant",
    deposant: "la maîtrise d'œuvre, la maîtrise d'ouvrage ou le titulaire, dans le dossier",
    valideurs: &[],
    arcs: &[],
    reception: false,
};

impl Circuit {
    /// Le circuit d'un cadre de facturation.
    pub fn de(cadre: CadreFacturation) -> &'static Circuit {
        match cadre {
            CadreFacturation::A1FactureFournisseur | CadreFacturation::A2FactureFournisseurDejaPayee => {
                &CLASSIQUE
            }
            CadreFacturation::A9FactureSousTraitant => &SOUS_TRAITANT,
            CadreFacturation::A12FactureCotraitant => &COTRAITANT,
            CadreFacturation::A4ProjetDecompteMensuel => &TRAVAUX_MENSUEL,
            CadreFacturation::A10ProjetDecompteMensuelSousTraitant
            | CadreFacturation::A13ProjetDecompteMensuelCotraitant => &TRAVAUX_MENSUEL_VALIDE,
            CadreFacturation::A7ProjetDecompteFinal => &TRAVAUX_FINAL,
            CadreFacturation::A11ProjetDecompteFinalSousTraitant
            | CadreFacturation::A14ProjetDecompteFinalCotraitant => &TRAVAUX_FINAL_VALIDE,
            _ => &PIECE_SUIVANTE,
        }
    }

    pub const TOUS: [&'static Circuit; 7] = [
        &CLASSIQUE,
        &SOUS_TRAITANT,
        &COTRAITANT,
        &TRAVAUX_MENSUEL,
        &TRAVAUX_MENSUEL_VALIDE,
        &TRAVAUX_FINAL,
        &TRAVAUX_FINAL_VALIDE,
    ];

    /// Les arcs du circuit, réception comprise.
    pub fn arcs(&self) -> impl Iterator<Item = &'static Arc> {
        self.arcs.iter().flat_map(|morceau| morceau.iter())
    }

    /// Le destinataire peut-il renvoyer la facture « À recycler » (selon le réglage du bac) ?
    /// Pas une pièce de travaux : son acheminement a été vérifié par la MOE et la MOA.
    pub fn a_recycler_par_le_destinataire(&self) -> bool {
        self.reception && !self.est_travaux()
    }

    /// Un circuit de travaux : maîtrise d'œuvre et maîtrise d'ouvrage.
    pub fn est_travaux(&self) -> bool {
        self.arcs().any(|a| a.acteur == Moe)
    }

    /// Le dépôt attend l'accord d'un valideur désigné par le fournisseur.
    pub fn exige_un_valideur(&self) -> bool {
        !self.valideurs.is_empty()
    }

    /// Tous les statuts qu'une facture de ce circuit peut avoir.
    pub fn statuts(&self) -> Vec<Statut> {
        let reception = if self.reception { &CIBLES_ACHETEUR[..] } else { &[] };
        let mut v: Vec<Statut> = self
            .arcs()
            .map(|a| a.vers)
            .chain(reception.iter().copied())
            .filter(|s| *s != Statut::ARecycler || self.a_recycler_par_le_destinataire())
            .collect();
        v.sort_by_key(|s| Statut::TOUS.iter().position(|t| t == s));
        v.dedup();
        v
    }
}

/// Les statuts qu'une facture peut avoir dans le simulateur, tous circuits confondus, dans
/// l'ordre de l'API.
pub fn statuts_parcourus() -> Vec<Statut> {
    let mut v: Vec<Statut> = Circuit::TOUS.iter().flat_map(|c| c.statuts()).collect();
    v.sort_by_key(|s| Statut::TOUS.iter().position(|t| t == s));
    v.dedup();
    v
}

/// La règle unique du cycle de vie : dans ce circuit, depuis `courant` (`None` pour une facture
/// pas encore créée), `acteur` peut-il faire `action` ? Si oui, le nouveau statut ; sinon un
/// refus expliqué.
pub fn transition(
    circuit: &Circuit,
    courant: Option<Statut>,
    action: Action,
    acteur: Acteur,
    ctx: &Contexte<'_>,
) -> Result<Statut, Erreur> {
    if let Action::Traiter(cible) = action {
        if !circuit.reception {
            return refus("Cette pièce ne va pas au destinataire : elle complète un dossier de travaux.");
        }
        if cible == Statut::ARecycler && !circuit.a_recycler_par_le_destinataire() {
            return refus(
                "Une pièce de travaux ne se met pas « À recycler » : le destinataire la rejette ou la suspend.",
            );
        }
        return statut::traiter(courant, cible, acteur, ctx);
    }
    let de_l_action: Vec<&Arc> = circuit.arcs().filter(|a| a.action == action).collect();
    if de_l_action.is_empty() {
        return refus(format!("Cette action n'existe pas pour une « {} ».", circuit.nom.to_lowercase()));
    }
    let depuis: Vec<&Arc> = de_l_action.iter().copied().filter(|a| a.de == courant).collect();
    let permis: Vec<&Arc> = depuis.iter().copied().filter(|a| a.acteur == acteur).collect();
    if permis.is_empty() {
        let acteur_possible = de_l_action.iter().any(|a| a.acteur == acteur);
        return refus(if depuis.is_empty() && acteur_possible {
            refus_du_statut(action, courant)
        } else {
            refus_de_l_acteur(action, courant)
        });
    }
    let mut attente = None;
    for a in permis {
        match a.si {
            Toujours => return Ok(a.vers),
            Motif => {
                motif_valide(ctx, a.vers)?;
                return Ok(a.vers);
            }
            Condition::SecondValideur if ctx.second_valideur => return Ok(a.vers),
            SansSecondValideur if !ctx.second_valideur => return Ok(a.vers),
            DelaiEcoule if ctx.delai_de_validation_ecoule => return Ok(a.vers),
            DelaiEcoule if a.de.is_some_and(Statut::est_de_travaux) => {
                attente = Some(
                    "La maîtrise d'œuvre a encore le temps de répondre : elle dispose de 7 jours à compter de \
                     la réception du projet de décompte.",
                )
            }
            DelaiEcoule => {
                attente = Some(
                    "Le valideur a encore le temps de répondre : il dispose de 15 jours à compter du dépôt \
                     (articles R2193-12 et R2193-16 du code de la commande publique).",
                )
            }
            DelaiDecompteGeneralEcoule if ctx.delai_decompte_general_ecoule && !ctx.procedure_tacite => {
                return Ok(a.vers);
            }
            DelaiDecompteGeneralEcoule => {
                attente = Some(if ctx.procedure_tacite {
                    "Vous avez déjà déposé votre projet de décompte général (procédure tacite)."
                } else {
                    "Le maître d'ouvrage a encore le temps de vous notifier le décompte général (30 jours \
                     après la réception de votre projet de décompte final par le maître d'œuvre)."
                })
            }
            DelaiTaciteEcoule if ctx.delai_tacite_ecoule && ctx.procedure_tacite => return Ok(a.vers),
            DelaiSignatureEcoule if ctx.delai_signature_ecoule => return Ok(a.vers),
            DelaiSignatureEcoule => {
                attente = Some(
                    "Le titulaire a encore le temps de signer le décompte général : 30 jours à compter de sa \
                     notification.",
                )
            }
            DelaiTaciteEcoule => {
                attente = Some(
                    "Le décompte général et définitif tacite se dépose seulement en procédure tacite, 10 jours \
                     après votre projet de décompte général sans réponse du maître d'ouvrage.",
                )
            }
            Condition::SecondValideur | SansSecondValideur => {}
        }
    }
    refus(attente.unwrap_or("Cette action n'est pas possible maintenant."))
}

fn libelle(courant: Option<Statut>) -> &'static str {
    courant.map(Statut::libelle).unwrap_or("nouvelle facture")
}

/// Pourquoi cet acteur ne peut pas faire cette action.
fn refus_de_l_acteur(action: Action, courant: Option<Statut>) -> String {
    if courant.is_some_and(Statut::est_de_travaux)
        && matches!(action, Action::Valider | Action::Refuser | Action::SignalerErreurDeValideur)
    {
        return "Cette action revient à la maîtrise d'œuvre ou d'ouvrage qui a la pièce en main.".into();
    }
    match action {
        Action::Enregistrer | Action::ValiderEtEnvoyer => {
            "Seul le fournisseur enregistre ou envoie sa facture."
        }
        Action::Acheminer | Action::MettreADisposition => "L'acheminement est fait par Chorus Pro.",
        Action::Recycler => "Seul le fournisseur recycle sa facture.",
        Action::Completer => "Seul le fournisseur complète sa facture.",
        Action::Valider | Action::Refuser | Action::SignalerErreurDeValideur => {
            "Seul le valideur désigné à ce niveau valide ou refuse la facture."
        }
        Action::CorrigerValideur => {
            "Seul celui qui a désigné le valideur peut le corriger : le fournisseur pour le premier \
             valideur, le premier valideur pour le second."
        }
        Action::ConstaterAbsenceDeValidation | Action::Transmettre => {
            "Chorus Pro fait suivre la facture validée, ou constate l'absence de réponse du valideur."
        }
        Action::Traiter(_) => "Cette action revient au destinataire ou à son comptable.",
        Action::PrendreEnCompte => "Seules la maîtrise d'œuvre et la maîtrise d'ouvrage prennent une pièce en compte.",
        Action::DemanderComplement | Action::TransmettreMoa | Action::TransmettreServiceFinancier => {
            "Cette action revient à la maîtrise d'œuvre."
        }
        Action::NotifierDecompteGeneral => "Le décompte général est notifié par la maîtrise d'ouvrage (ou d'œuvre).",
        Action::SignerDecompteGeneral | Action::DeposerProjetDecompteGeneral => {
            "Cette pièce se dépose par le titulaire du marché."
        }
        Action::DeposerDecompteGeneralTacite => {
            "Le décompte général et définitif tacite se dépose par le titulaire (procédure tacite, A23), ou par \
             la maîtrise d'œuvre quand le titulaire n'a pas signé à temps le décompte général (A24)."
        }
    }
    .to_string()
}

/// Pourquoi cette action n'est pas possible depuis ce statut.
fn refus_du_statut(action: Action, courant: Option<Statut>) -> String {
    let l = libelle(courant);
    if courant.is_some_and(Statut::est_de_travaux)
        && matches!(
            action,
            Action::Valider
                | Action::Refuser
                | Action::SignalerErreurDeValideur
                | Action::PrendreEnCompte
                | Action::DemanderComplement
                | Action::TransmettreMoa
                | Action::TransmettreServiceFinancier
                | Action::NotifierDecompteGeneral
        )
    {
        return format!("La pièce n'est pas à cette étape du circuit des travaux (statut actuel : « {l} »).");
    }
    match (action, courant) {
        (Action::Enregistrer | Action::ValiderEtEnvoyer, Some(s)) => format!(
            "Cette facture a déjà été envoyée (statut « {} ») : elle ne peut plus être modifiée ni renvoyée.",
            s.libelle()
        ),
        (Action::Acheminer | Action::MettreADisposition, _) => {
            format!("Acheminement impossible depuis le statut « {l} ».")
        }
        (Action::Recycler, _) => {
            format!("Seule une facture « À recycler » peut être recyclée (statut actuel : « {l} »).")
        }
        (Action::Completer, _) => {
            format!("Seule une facture suspendue peut être complétée (statut actuel : « {l} »).")
        }
        (Action::Valider | Action::Refuser | Action::SignalerErreurDeValideur, _) => {
            format!("Cette facture n'attend pas de validation (statut actuel : « {l} »).")
        }
        (Action::CorrigerValideur, _) => format!(
            "Seule une facture refusée pour erreur de valideur peut être corrigée (statut actuel : « {l} »)."
        ),
        (Action::ConstaterAbsenceDeValidation, _) => {
            format!("Cette facture n'attend pas de validation (statut actuel : « {l} »).")
        }
        (Action::Transmettre, _) => {
            format!("Seule une facture validée est transmise (statut actuel : « {l} »).")
        }
        (Action::SignerDecompteGeneral, _) => {
            format!("Seul un décompte général qui vous est notifié se signe (statut actuel : « {l} »).")
        }
        (Action::DeposerProjetDecompteGeneral | Action::DeposerDecompteGeneralTacite, _) => format!(
            "La procédure tacite concerne un projet de décompte final en attente chez la maîtrise d'œuvre ou \
             d'ouvrage (statut actuel : « {l} »)."
        ),
        _ => format!("Action impossible depuis le statut « {l} »."),
    }
}

/// Le niveau de validation d'un statut : 1, 2, ou aucun.
pub fn niveau_de_validation(s: Statut) -> Option<u8> {
    match s {
        AValider1 | ErreurFournisseurSurValideur | Refusee1 | Validee1 | AbsenceValidation1HorsDelai => {
            Some(1)
        }
        AValider2 | ErreurCotraitantSurValideur | Refusee2 | Validee2 | AbsenceValidation2HorsDelai => {
            Some(2)
        }
        _ => None,
    }
}

/// L'acteur qui valide à ce niveau.
pub fn valideur(niveau: u8) -> Acteur {
    if niveau >= 2 { SecondValideur } else { PremierValideur }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    fn ctx() -> Contexte<'static> {
        Contexte::default()
    }

    fn motif(m: &'static str) -> Contexte<'static> {
        Contexte { motif: Some(m), ..Contexte::default() }
    }

    fn ok(c: &Circuit, s: Option<Statut>, a: Action, ac: Acteur, x: &Contexte<'_>) -> Statut {
        transition(c, s, a, ac, x).unwrap_or_else(|e| panic!("{s:?} {a:?} {ac:?} refusé : {e}"))
    }

    fn refuse(c: &Circuit, s: Option<Statut>, a: Action, ac: Acteur, x: &Contexte<'_>) -> String {
        match transition(c, s, a, ac, x) {
            Err(e) => e.to_string(),
            Ok(n) => panic!("{s:?} {a:?} {ac:?} accepté : {n:?}"),
        }
    }

    /// Déposer, puis faire suivre : les statuts que Chorus Pro enchaîne seul.
    fn acheminer(c: &Circuit, mut s: Statut) -> Vec<Statut> {
        let mut v = Vec::new();
        for a in [Action::Acheminer, Action::MettreADisposition] {
            s = ok(c, Some(s), a, Systeme, &ctx());
            v.push(s);
        }
        v
    }

    #[test]
    fn chaque_cadre_a_son_circuit() {
        assert_eq!(Circuit::de(CadreFacturation::A1FactureFournisseur), &CLASSIQUE);
        assert_eq!(Circuit::de(CadreFacturation::A2FactureFournisseurDejaPayee), &CLASSIQUE);
        assert_eq!(Circuit::de(CadreFacturation::A9FactureSousTraitant), &SOUS_TRAITANT);
        assert_eq!(Circuit::de(CadreFacturation::A12FactureCotraitant), &COTRAITANT);
        assert!(!CLASSIQUE.exige_un_valideur() && SOUS_TRAITANT.exige_un_valideur());
        assert!(CLASSIQUE.statuts().iter().all(|s| !s.est_de_validation()));
        assert!(COTRAITANT.statuts().iter().all(|s| niveau_de_validation(*s) != Some(2)));
        assert!(SOUS_TRAITANT.statuts().contains(&AValider2));
    }

    #[test]
    fn le_depot_d_un_sous_traitant_attend_son_valideur() {
        for c in [&SOUS_TRAITANT, &COTRAITANT] {
            assert_eq!(ok(c, None, Action::ValiderEtEnvoyer, Fournisseur, &ctx()), AValider1);
            assert_eq!(ok(c, Some(Brouillon), Action::ValiderEtEnvoyer, Fournisseur, &ctx()), AValider1);
            assert_eq!(ok(c, None, Action::Enregistrer, Fournisseur, &ctx()), Brouillon);
            // Pas d'acheminement avant la validation.
            refuse(c, Some(AValider1), Action::Acheminer, Systeme, &ctx());
        }
        assert_eq!(ok(&CLASSIQUE, None, Action::ValiderEtEnvoyer, Fournisseur, &ctx()), Deposee);
    }

    #[test]
    fn valide_par_le_titulaire() {
        let c = &SOUS_TRAITANT;
        assert_eq!(ok(c, Some(AValider1), Action::Valider, PremierValideur, &ctx()), Validee1);
        assert_eq!(ok(c, Some(Validee1), Action::Transmettre, Systeme, &ctx()), Deposee);
        assert_eq!(acheminer(c, Deposee), [EnCoursAcheminement, MiseADisposition]);
        // Le destinataire traite ensuite comme une facture classique.
        let servie =
            ok(c, Some(MiseADisposition), Action::Traiter(ServiceFait), Acteur::Destinataire, &ctx());
        assert_eq!(servie, ServiceFait);
    }

    #[test]
    fn refuse_avec_un_motif() {
        let c = &SOUS_TRAITANT;
        assert_eq!(
            refuse(c, Some(AValider1), Action::Refuser, PremierValideur, &ctx()),
            "Le motif est obligatoire pour passer une facture au statut « Refusée par le premier valideur pour autre motif »."
        );
        assert_eq!(
            ok(c, Some(AValider1), Action::Refuser, PremierValideur, &motif("Travaux non réalisés")),
            Refusee1
        );
        // Refusée : c'est fini, pour tout le monde.
        assert!(Refusee1.est_final());
        for a in [Action::Valider, Action::Transmettre, Action::CorrigerValideur, Action::Acheminer] {
            for ac in Acteur::TOUS {
                assert!(transition(c, Some(Refusee1), a, ac, &motif("m")).is_err());
            }
        }
    }

    #[test]
    fn tacite_au_bout_de_quinze_jours() {
        let c = &SOUS_TRAITANT;
        let m = refuse(c, Some(AValider1), Action::ConstaterAbsenceDeValidation, Systeme, &ctx());
        assert!(m.contains("15 jours") && m.contains("R2193-16"), "{m}");
        let ecoule = Contexte { delai_de_validation_ecoule: true, ..Contexte::default() };
        assert_eq!(
            ok(c, Some(AValider1), Action::ConstaterAbsenceDeValidation, Systeme, &ecoule),
            AbsenceValidation1HorsDelai
        );
        // Sans validation expresse, pas de second niveau : la facture va au destinataire.
        let avec_second = Contexte { second_valideur: true, ..Contexte::default() };
        assert_eq!(
            ok(c, Some(AbsenceValidation1HorsDelai), Action::Transmettre, Systeme, &avec_second),
            Deposee
        );
        // Le valideur ne peut pas constater son propre silence.
        refuse(c, Some(AValider1), Action::ConstaterAbsenceDeValidation, PremierValideur, &ecoule);
    }

    #[test]
    fn erreur_de_valideur_corrigee_par_le_fournisseur() {
        let c = &SOUS_TRAITANT;
        let e = ok(
            c,
            Some(AValider1),
            Action::SignalerErreurDeValideur,
            PremierValideur,
            &motif("Nous ne sommes pas titulaires de ce marché"),
        );
        assert_eq!(e, ErreurFournisseurSurValideur);
        assert!(e.attend_le_fournisseur());
        assert_eq!(
            refuse(c, Some(e), Action::CorrigerValideur, PremierValideur, &ctx()),
            "Seul celui qui a désigné le valideur peut le corriger : le fournisseur pour le premier valideur, le premier valideur pour le second."
        );
        assert_eq!(ok(c, Some(e), Action::CorrigerValideur, Fournisseur, &ctx()), AValider1);
        let m = refuse(c, Some(MiseADisposition), Action::CorrigerValideur, Fournisseur, &ctx());
        assert!(m.contains("Seule une facture refusée pour erreur de valideur"), "{m}");
    }

    #[test]
    fn deux_niveaux_pour_le_sous_traitant_d_un_cotraitant() {
        let c = &SOUS_TRAITANT;
        let second = Contexte { second_valideur: true, ..Contexte::default() };
        assert_eq!(ok(c, Some(Validee1), Action::Transmettre, Systeme, &second), AValider2);
        // Seul le second valideur agit à ce niveau.
        assert_eq!(
            refuse(c, Some(AValider2), Action::Valider, PremierValideur, &ctx()),
            "Seul le valideur désigné à ce niveau valide ou refuse la facture."
        );
        let e = ok(
            c,
            Some(AValider2),
            Action::SignalerErreurDeValideur,
            SecondValideur,
            &motif("Pas mandataire"),
        );
        assert_eq!(e, ErreurCotraitantSurValideur);
        // C'est le cotraitant (premier valideur) qui corrige le second valideur.
        refuse(c, Some(e), Action::CorrigerValideur, Fournisseur, &ctx());
        assert_eq!(ok(c, Some(e), Action::CorrigerValideur, PremierValideur, &ctx()), AValider2);
        assert_eq!(ok(c, Some(AValider2), Action::Valider, SecondValideur, &ctx()), Validee2);
        assert_eq!(ok(c, Some(Validee2), Action::Transmettre, Systeme, &second), Deposee);
        let ecoule = Contexte { delai_de_validation_ecoule: true, ..Contexte::default() };
        assert_eq!(
            ok(c, Some(AValider2), Action::ConstaterAbsenceDeValidation, Systeme, &ecoule),
            AbsenceValidation2HorsDelai
        );
        assert_eq!(ok(c, Some(AbsenceValidation2HorsDelai), Action::Transmettre, Systeme, &ctx()), Deposee);
        assert_eq!(ok(c, Some(AValider2), Action::Refuser, SecondValideur, &motif("Montant")), Refusee2);
        // Le cotraitant (A12) n'a qu'un niveau.
        assert_eq!(ok(&COTRAITANT, Some(Validee1), Action::Transmettre, Systeme, &second), Deposee);
    }

    #[test]
    fn pas_de_validation_dans_le_circuit_classique() {
        let m = refuse(&CLASSIQUE, Some(MiseADisposition), Action::Valider, PremierValideur, &ctx());
        assert_eq!(m, "Cette action n'existe pas pour une « facture d'un fournisseur ».");
    }

    /// Un projet de décompte mensuel, du dépôt au paiement : MOE, état d'acompte (A15), MOA,
    /// état d'acompte validé (A19), service financier.
    #[test]
    fn decompte_mensuel_jusqu_au_paiement() {
        let c = Circuit::de(CadreFacturation::A4ProjetDecompteMensuel);
        assert!(c.est_travaux() && !c.a_recycler_par_le_destinataire());
        assert_eq!(ok(c, None, Action::ValiderEtEnvoyer, Fournisseur, &ctx()), Deposee);
        assert_eq!(ok(c, Some(Deposee), Action::Acheminer, Systeme, &ctx()), MiseADispositionMoe);
        // Pas directement au destinataire : la MOE d'abord.
        refuse(c, Some(Deposee), Action::MettreADisposition, Systeme, &ctx());
        assert_eq!(ok(c, Some(MiseADispositionMoe), Action::PrendreEnCompte, Moe, &ctx()), PriseEnCompteMoe);
        // La MOA ne prend pas la place de la MOE.
        let m = refuse(c, Some(PriseEnCompteMoe), Action::Valider, Moa, &ctx());
        assert!(m.contains("pas à cette étape") && m.contains("Prise en compte MOE"), "{m}");
        let m = refuse(c, Some(PriseEnCompteMoe), Action::TransmettreMoa, Moa, &ctx());
        assert_eq!(m, "Cette action revient à la maîtrise d'œuvre.");
        assert_eq!(ok(c, Some(PriseEnCompteMoe), Action::TransmettreMoa, Moe, &ctx()), TransmiseMoa);
        assert_eq!(ok(c, Some(TransmiseMoa), Action::Acheminer, Systeme, &ctx()), MiseADispositionMoa);
        assert_eq!(ok(c, Some(MiseADispositionMoa), Action::PrendreEnCompte, Moa, &ctx()), PriseEnCompteMoa);
        assert_eq!(ok(c, Some(PriseEnCompteMoa), Action::Valider, Moa, &ctx()), MiseADisposition);
        let suite = [ServiceFait, Mandatee, MiseADispositionComptable, Comptabilisee, MiseEnPaiement];
        let mut s = MiseADisposition;
        for cible in suite {
            s = ok(c, Some(s), Action::Traiter(cible), statut::acteur_de(cible), &ctx());
        }
        assert_eq!(s, MiseEnPaiement);
        // Un état d'acompte validé par la MOE (A16) va droit au service financier.
        assert_eq!(
            ok(c, Some(PriseEnCompteMoe), Action::TransmettreServiceFinancier, Moe, &ctx()),
            MiseADisposition
        );
        // Le payeur ne met pas une pièce de travaux « À recycler ».
        let recycler = Contexte { a_recycler_autorise: true, ..Contexte::default() };
        let m =
            refuse(c, Some(MiseADisposition), Action::Traiter(ARecycler), Acteur::Destinataire, &recycler);
        assert!(m.contains("pièce de travaux"), "{m}");
    }

    /// La MOE refuse, signale une erreur d'acheminement ou demande un complément ; la MOA
    /// signale une erreur d'acheminement, que le fournisseur recycle.
    #[test]
    fn refus_recyclage_et_complement_en_travaux() {
        let c = &TRAVAUX_MENSUEL;
        refuse(c, Some(PriseEnCompteMoe), Action::Refuser, Moe, &ctx());
        assert_eq!(
            ok(c, Some(PriseEnCompteMoe), Action::Refuser, Moe, &motif("Travaux non exécutés")),
            RefuseeMoe
        );
        assert!(RefuseeMoe.est_final());
        let e = ok(
            c,
            Some(MiseADispositionMoe),
            Action::SignalerErreurDeValideur,
            Moe,
            &motif("Pas notre chantier"),
        );
        assert_eq!(e, ErreurFournisseurSurMoe);
        assert!(e.attend_le_fournisseur());
        assert_eq!(ok(c, Some(e), Action::Recycler, Fournisseur, &ctx()), Deposee);
        let a =
            ok(c, Some(PriseEnCompteMoe), Action::DemanderComplement, Moe, &motif("Joindre l'attachement"));
        assert_eq!(a, ACompleter);
        refuse(c, Some(a), Action::Completer, Moe, &ctx());
        assert_eq!(ok(c, Some(a), Action::Completer, Fournisseur, &ctx()), MiseADispositionMoe);
        let e =
            ok(c, Some(PriseEnCompteMoa), Action::SignalerErreurDeValideur, Moa, &motif("Mauvais service"));
        assert_eq!(e, ErreurFournisseurSurMoa);
        assert!(e.attend_le_fournisseur());
        refuse(c, Some(e), Action::Recycler, Moe, &ctx());
        assert_eq!(ok(c, Some(e), Action::Recycler, Fournisseur, &ctx()), TransmiseMoa);
        assert_eq!(ok(c, Some(PriseEnCompteMoa), Action::Refuser, Moa, &motif("Hors marché")), RefuseeMoa);
    }

    /// La MOE laisse passer ses 7 jours : Chorus Pro le constate et la pièce part à la MOA.
    #[test]
    fn la_moe_silencieuse_au_dela_de_sept_jours() {
        let c = &TRAVAUX_MENSUEL;
        let m = refuse(c, Some(MiseADispositionMoe), Action::ConstaterAbsenceDeValidation, Systeme, &ctx());
        assert!(m.contains("7 jours"), "{m}");
        let ecoule = Contexte { delai_de_validation_ecoule: true, ..Contexte::default() };
        let a = ok(c, Some(MiseADispositionMoe), Action::ConstaterAbsenceDeValidation, Systeme, &ecoule);
        assert_eq!(a, AbsenceValidationMoeDelaiReglementaire);
        assert_eq!(ok(c, Some(a), Action::Transmettre, Systeme, &ctx()), TransmiseMoa);
        // Trop tard pour la MOE.
        refuse(c, Some(a), Action::TransmettreMoa, Moe, &ctx());
    }

    /// Le projet de décompte final, jusqu'au DGD signé par le titulaire.
    #[test]
    fn decompte_final_jusqu_au_dgd_signe() {
        let c = Circuit::de(CadreFacturation::A7ProjetDecompteFinal);
        // Pas d'état d'acompte en fin de chantier.
        refuse(c, Some(PriseEnCompteMoe), Action::TransmettreServiceFinancier, Moe, &ctx());
        refuse(c, Some(PriseEnCompteMoa), Action::Valider, Moa, &ctx());
        assert_eq!(ok(c, Some(PriseEnCompteMoe), Action::TransmettreMoa, Moe, &ctx()), TransmiseMoa);
        assert_eq!(
            ok(c, Some(PriseEnCompteMoa), Action::NotifierDecompteGeneral, Moa, &ctx()),
            AAssocierFournisseur
        );
        // Le décompte général par la MOE (A18), si le marché le lui confie.
        assert_eq!(
            ok(c, Some(PriseEnCompteMoe), Action::NotifierDecompteGeneral, Moe, &ctx()),
            AAssocierFournisseur
        );
        assert!(AAssocierFournisseur.attend_le_fournisseur());
        refuse(c, Some(AAssocierFournisseur), Action::SignerDecompteGeneral, Moa, &ctx());
        let signe = ok(c, Some(AAssocierFournisseur), Action::SignerDecompteGeneral, Fournisseur, &ctx());
        assert_eq!(signe, Associee);
        assert_eq!(ok(c, Some(Associee), Action::Acheminer, Systeme, &ctx()), MiseADisposition);
        // Le titulaire se tait au-delà de ses 30 jours : la MOE dépose le DGD tacite (A24).
        let m = refuse(c, Some(AAssocierFournisseur), Action::DeposerDecompteGeneralTacite, Moe, &ctx());
        assert!(m.contains("30 jours"), "{m}");
        let signature = Contexte { delai_signature_ecoule: true, ..Contexte::default() };
        assert_eq!(
            ok(c, Some(AAssocierFournisseur), Action::DeposerDecompteGeneralTacite, Moe, &signature),
            Associee
        );
        // Ou le titulaire le refuse (réclamation), avec un motif.
        refuse(c, Some(AAssocierFournisseur), Action::Refuser, Fournisseur, &ctx());
        assert_eq!(
            ok(c, Some(AAssocierFournisseur), Action::Refuser, Fournisseur, &motif("Mémoire en réclamation")),
            RefuseeFournisseur
        );
        // Les circuits des sous-traitants et cotraitants passent d'abord par leur valideur.
        let v = Circuit::de(CadreFacturation::A11ProjetDecompteFinalSousTraitant);
        assert_eq!(ok(v, None, Action::ValiderEtEnvoyer, Fournisseur, &ctx()), AValider1);
        assert_eq!(ok(v, Some(AValider1), Action::Valider, PremierValideur, &ctx()), Validee1);
        assert_eq!(ok(v, Some(Validee1), Action::Transmettre, Systeme, &ctx()), Deposee);
        assert_eq!(ok(v, Some(Deposee), Action::Acheminer, Systeme, &ctx()), MiseADispositionMoe);
    }

    /// La procédure tacite : pas de décompte général à temps, le titulaire dépose son projet
    /// (A22), puis, la MOA muette 10 jours, le décompte général et définitif tacite (A23).
    #[test]
    fn procedure_tacite() {
        let c = &TRAVAUX_FINAL;
        let m =
            refuse(c, Some(MiseADispositionMoa), Action::DeposerProjetDecompteGeneral, Fournisseur, &ctx());
        assert!(m.contains("30 jours"), "{m}");
        let dg = Contexte { delai_decompte_general_ecoule: true, ..Contexte::default() };
        let r = ok(c, Some(MiseADispositionMoa), Action::DeposerProjetDecompteGeneral, Fournisseur, &dg);
        assert_eq!(r, RemplaceeParA22);
        assert_eq!(ok(c, Some(r), Action::Acheminer, Systeme, &ctx()), MiseADispositionMoa);
        let tacite =
            Contexte { delai_decompte_general_ecoule: true, procedure_tacite: true, ..Contexte::default() };
        // Une seule fois.
        let m =
            refuse(c, Some(MiseADispositionMoa), Action::DeposerProjetDecompteGeneral, Fournisseur, &tacite);
        assert!(m.contains("déjà déposé"), "{m}");
        let m =
            refuse(c, Some(MiseADispositionMoa), Action::DeposerDecompteGeneralTacite, Fournisseur, &tacite);
        assert!(m.contains("10 jours"), "{m}");
        let fin = Contexte { delai_tacite_ecoule: true, ..tacite };
        assert_eq!(
            ok(c, Some(MiseADispositionMoa), Action::DeposerDecompteGeneralTacite, Fournisseur, &fin),
            Associee
        );
        // La MOA peut encore notifier son décompte général pendant ses 10 jours.
        assert_eq!(
            ok(c, Some(MiseADispositionMoa), Action::NotifierDecompteGeneral, Moa, &tacite),
            AAssocierFournisseur
        );
        // Pas de procédure tacite pour un décompte mensuel.
        refuse(
            &TRAVAUX_MENSUEL,
            Some(MiseADispositionMoa),
            Action::DeposerProjetDecompteGeneral,
            Fournisseur,
            &dg,
        );
    }

    #[test]
    fn tous_les_statuts_parcourus_ont_un_libelle_et_une_explication_propres() {
        for s in statuts_parcourus() {
            assert!(!s.explication().contains("ne fait pas parcourir"), "{s:?}");
            assert_eq!(
                s.origine_libelle() == crate::statut::OrigineLibelle::Simulateur,
                matches!(s, Validee1 | RemplaceeParA22 | AbsenceValidationMoeDelaiReglementaire),
                "{s:?}"
            );
        }
    }

    // Les propriétés, sur tous les circuits : des suites d'actions quelconques, de n'importe
    // quelle partie, ne mènent jamais une facture hors de son circuit.

    use crate::statut::tests::actions;

    /// Un pas : l'action, l'acteur, un motif peut-être, et l'état du monde (second valideur
    /// désigné, délai écoulé, « À recycler » permis ; pour les travaux : délai du décompte
    /// général écoulé, délai de la MOA écoulé).
    type Pas = (Action, Acteur, Option<&'static str>, (bool, bool, bool), (bool, bool, bool));

    fn pas() -> impl Strategy<Value = Pas> {
        // Les actions du circuit reviennent souvent, pour aller loin.
        let action = prop_oneof![
            2 => prop::sample::select(actions()),
            2 => prop::sample::select(vec![
                Action::ValiderEtEnvoyer,
                Action::Valider,
                Action::Transmettre,
                Action::Acheminer,
                Action::MettreADisposition,
                Action::ConstaterAbsenceDeValidation,
                Action::CorrigerValideur,
                Action::SignalerErreurDeValideur,
                Action::PrendreEnCompte,
                Action::TransmettreMoa,
                Action::TransmettreServiceFinancier,
                Action::NotifierDecompteGeneral,
                Action::SignerDecompteGeneral,
                Action::DeposerProjetDecompteGeneral,
                Action::DeposerDecompteGeneralTacite,
            ]),
        ];
        (
            action,
            prop::option::weighted(0.3, prop::sample::select(Acteur::TOUS.to_vec())),
            any::<bool>(),
            prop::sample::select(vec![None, Some(""), Some("Motif"), Some("Motif"), Some("  ")]),
            (any::<bool>(), any::<bool>(), any::<bool>()),
            (any::<bool>(), any::<bool>(), any::<bool>()),
            0u8..4,
        )
            .prop_map(|(action, acteur, second_niveau, motif, monde, travaux, partie)| {
                let acteur = acteur.unwrap_or_else(|| acteur_attendu(action, second_niveau, partie));
                (action, acteur, motif, monde, travaux)
            })
    }

    /// L'acteur qui fait d'habitude cette action : pour valider ou refuser, l'un des valideurs,
    /// la MOE ou la MOA, au hasard.
    fn acteur_attendu(action: Action, second_niveau: bool, partie: u8) -> Acteur {
        match action {
            Action::Enregistrer
            | Action::ValiderEtEnvoyer
            | Action::Recycler
            | Action::Completer
            | Action::SignerDecompteGeneral
            | Action::DeposerProjetDecompteGeneral
            | Action::DeposerDecompteGeneralTacite => Fournisseur,
            Action::Valider
            | Action::Refuser
            | Action::SignalerErreurDeValideur
            | Action::CorrigerValideur
            | Action::PrendreEnCompte
            | Action::NotifierDecompteGeneral => match (partie, second_niveau) {
                (0, _) => Moe,
                (1, _) => Moa,
                (_, true) => SecondValideur,
                (_, false) => PremierValideur,
            },
            Action::DemanderComplement | Action::TransmettreMoa | Action::TransmettreServiceFinancier => Moe,
            Action::Traiter(s) => statut::acteur_de(s),
            _ => Systeme,
        }
    }

    /// Chaque statut d'un circuit est atteignable depuis une facture nouvelle, et rien d'autre.
    #[test]
    fn chaque_statut_d_un_circuit_est_atteignable() {
        for circuit in Circuit::TOUS {
            let mut vus: BTreeSet<Statut> = BTreeSet::new();
            let mut a_voir: Vec<Option<Statut>> = vec![None];
            while let Some(courant) = a_voir.pop() {
                for action in actions() {
                    for acteur in Acteur::TOUS {
                        for drapeaux in 0u8..64 {
                            let bit = |n: u8| drapeaux & (1 << n) != 0;
                            let ctx = Contexte {
                                motif: Some("motif"),
                                a_recycler_autorise: true,
                                second_valideur: bit(0),
                                delai_de_validation_ecoule: bit(1),
                                delai_decompte_general_ecoule: bit(2),
                                procedure_tacite: bit(3),
                                delai_tacite_ecoule: bit(4),
                                delai_signature_ecoule: bit(5),
                                ..Contexte::default()
                            };
                            if let Ok(n) = transition(circuit, courant, action, acteur, &ctx)
                                && vus.insert(n)
                            {
                                a_voir.push(Some(n));
                            }
                        }
                    }
                }
            }
            let attendus: BTreeSet<Statut> = circuit.statuts().into_iter().collect();
            assert_eq!(vus, attendus, "circuit « {} »", circuit.nom);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 768, ..ProptestConfig::default() })]

        #[test]
        fn aucun_circuit_ne_sort_de_ses_regles(
            n in 0usize..7,
            suite in prop::collection::vec(pas(), 0..80),
        ) {
            let circuit = Circuit::TOUS[n];
            let permis: BTreeSet<Statut> = circuit.statuts().into_iter().collect();
            let mut courant: Option<Statut> = None;
            let mut historique: Vec<Statut> = Vec::new();
            for (action, acteur, motif, (second, ecoule, a_recycler), (dg_ecoule, tacite_ecoule, signature_ecoule)) in suite {
                let tacite = historique.contains(&RemplaceeParA22);
                let ctx = Contexte {
                    motif,
                    deja_suspendue: historique.contains(&Suspendue),
                    a_recycler_autorise: a_recycler,
                    second_valideur: second,
                    delai_de_validation_ecoule: ecoule,
                    delai_decompte_general_ecoule: dg_ecoule,
                    // Comme dans le magasin : la procédure tacite est engagée par le dépôt de l'A22.
                    procedure_tacite: historique.contains(&RemplaceeParA22),
                    delai_tacite_ecoule: tacite_ecoule,
                    delai_signature_ecoule: signature_ecoule,
                    ..Contexte::default()
                };
                let r = transition(circuit, courant, action, acteur, &ctx);
                if courant.is_some_and(Statut::est_final) {
                    prop_assert!(r.is_err(), "{:?} accepté après {:?}", action, courant);
                }
                let Ok(nouveau) = r else { continue };
                prop_assert!(permis.contains(&nouveau), "{:?} hors du circuit « {} »", nouveau, circuit.nom);
                // Une fois déposée, une facture ne repasse jamais par la validation.
                if historique.contains(&Deposee) {
                    prop_assert!(!nouveau.est_de_validation(), "{:?} après le dépôt", nouveau);
                }
                // Le tacite ne vient qu'au bout du délai, les refus qu'avec un motif.
                if matches!(nouveau, AbsenceValidation1HorsDelai | AbsenceValidation2HorsDelai) {
                    prop_assert!(ecoule && acteur == Systeme);
                }
                if matches!(nouveau, Refusee1 | Refusee2 | ErreurFournisseurSurValideur | ErreurCotraitantSurValideur | Rejetee | Suspendue) {
                    prop_assert!(motif.is_some_and(|m| !m.trim().is_empty()));
                }
                // Chaque niveau n'est validé que par son valideur.
                if matches!(nouveau, Validee1 | Refusee1 | ErreurFournisseurSurValideur) {
                    prop_assert_eq!(acteur, PremierValideur);
                }
                if matches!(nouveau, Validee2 | Refusee2 | ErreurCotraitantSurValideur) {
                    prop_assert_eq!(acteur, SecondValideur);
                }
                if nouveau == AValider2 {
                    prop_assert!(historique.contains(&Validee1) || historique.contains(&ErreurCotraitantSurValideur));
                }
                // Les travaux : des statuts de travaux dans les seuls circuits de travaux ; chaque
                // maîtrise n'agit que sur ce qu'elle a en main ; le payeur ne reçoit qu'après la
                // MOE ; les délais tacites ne jouent qu'une fois écoulés.
                prop_assert_eq!(nouveau.est_de_travaux() && !circuit.est_travaux(), false);
                // (Sauf le recyclage d'une pièce dont la MOA a signalé une erreur : le fournisseur
                // la renvoie directement à la MOA.)
                let recyclee_vers_la_moa = nouveau == TransmiseMoa && action == Action::Recycler && acteur == Fournisseur;
                if matches!(nouveau, PriseEnCompteMoe | RefuseeMoe | ErreurFournisseurSurMoe | ACompleter | TransmiseMoa)
                    && acteur != Systeme
                    && !recyclee_vers_la_moa
                {
                    prop_assert_eq!(acteur, Moe);
                }
                if matches!(nouveau, PriseEnCompteMoa | RefuseeMoa | ErreurFournisseurSurMoa) {
                    prop_assert_eq!(acteur, Moa);
                }
                if nouveau == AbsenceValidationMoeDelaiReglementaire {
                    prop_assert!(ecoule && acteur == Systeme);
                }
                if circuit.est_travaux() && nouveau == MiseADisposition {
                    prop_assert!(historique.contains(&MiseADispositionMoe));
                }
                if nouveau == RemplaceeParA22 {
                    prop_assert!(dg_ecoule && !tacite && acteur == Fournisseur);
                }
                if nouveau == Associee && acteur == Fournisseur && action == Action::DeposerDecompteGeneralTacite {
                    prop_assert!(tacite && tacite_ecoule && historique.contains(&RemplaceeParA22));
                }
                if nouveau == Associee && acteur == Moe {
                    prop_assert!(signature_ecoule && courant == Some(AAssocierFournisseur));
                }
                if nouveau == Associee {
                    prop_assert!(matches!(acteur, Fournisseur | Moe));
                }
                // L'historique ne fait que s'allonger.
                let avant = historique.clone();
                historique.push(nouveau);
                prop_assert_eq!(&historique[..avant.len()], &avant[..]);
                courant = Some(nouveau);
            }
            prop_assert!(historique.iter().filter(|s| **s == Suspendue).count() <= 1);
            if let Some(i) = historique.iter().position(|s| s.est_final()) {
                prop_assert_eq!(i, historique.len() - 1);
            }
        }
    }
}
