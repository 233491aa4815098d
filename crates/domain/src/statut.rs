//! Les statuts d'une facture (l'énumération complète de l'API, avec les libellés du portail),
//! qui agit, et les règles de la réception par le destinataire et son comptable, communes à tous
//! les circuits. Qui passe d'un statut à l'autre dans chaque cadre de facturation : voir
//! [`crate::circuit`].

use serde::{Deserialize, Serialize};

use crate::erreur::Erreur;
use crate::facture::TypeFacture;

/// Longueur maximale d'un motif de rejet ou de suspension (API `traiterFactureRecue`).
pub const MOTIF_LONGUEUR_MAX: usize = 255;

/// D'où vient le libellé français d'un statut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrigineLibelle {
    /// Libellé du portail ou des codes du cycle de vie (C01–C40) relayés par les opérateurs.
    Publie,
    /// Les sources donnent le code de l'API sans son libellé : libellé choisi par le simulateur.
    Simulateur,
}

macro_rules! statuts {
    ($($(#[$m:meta])* $var:ident => $code:literal, $libelle:literal, $origine:ident;)+) => {
        /// L'état d'une demande de paiement, dans l'ordre où l'API les énumère
        /// (`recupererEtatParTypeDemandePaiement`, `statutCourantCode`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum Statut { $($(#[$m])* #[serde(rename = $code)] $var,)+ }

        impl Statut {
            pub const TOUS: [Statut; [$($code),+].len()] = [$(Statut::$var,)+];

            /// Le code tel que l'API l'écrit (`statutFacture`, `histoStatutCode`).
            pub fn code(self) -> &'static str {
                match self { $(Statut::$var => $code,)+ }
            }

            /// Le libellé affiché par le portail.
            pub fn libelle(self) -> &'static str {
                match self { $(Statut::$var => $libelle,)+ }
            }

            /// Le libellé vient-il des sources, ou du simulateur ?
            pub fn origine_libelle(self) -> OrigineLibelle {
                match self { $(Statut::$var => OrigineLibelle::$origine,)+ }
            }
        }
    };
}

statuts! {
    Brouillon => "BROUILLON", "Brouillon", Publie;
    /// Mise à disposition du premier valideur (C13).
    AValider1 => "A_VALIDER_1", "Mise à disposition du premier valideur", Publie;
    /// Refusée par le premier valideur pour erreur dans les données d'acheminement (C24).
    ErreurFournisseurSurValideur => "ERREUR_FOURNISSEUR_SUR_VALIDEUR", "Refusée par le premier valideur pour erreur dans les données d'acheminement", Publie;
    /// Refusée par le premier valideur pour autre motif (C14).
    Refusee1 => "REFUSEE_1", "Refusée par le premier valideur pour autre motif", Publie;
    Validee1 => "VALIDEE_1", "Validée par le premier valideur", Simulateur;
    /// Validation 1 hors délai (C15).
    AbsenceValidation1HorsDelai => "ABSENCE_VALIDATION_1_HORS_DELAI", "Validation 1 hors délai", Publie;
    /// Mise à disposition du second valideur (C25).
    AValider2 => "A_VALIDER_2", "Mise à disposition du second valideur", Publie;
    /// Refusée par le second valideur pour erreur des données d'acheminement (C26).
    ErreurCotraitantSurValideur => "ERREUR_COTRAITANT_SUR_VALIDEUR", "Refusée par le second valideur pour erreur des données d'acheminement", Publie;
    /// Refusée par le second valideur pour autre motif (C17).
    Refusee2 => "REFUSEE_2", "Refusée par le second valideur pour autre motif", Publie;
    /// Validée par le second valideur (C16).
    Validee2 => "VALIDEE_2", "Validée par le second valideur", Publie;
    /// Validation 2 hors délai (C18).
    AbsenceValidation2HorsDelai => "ABSENCE_VALIDATION_2_HORS_DELAI", "Validation 2 hors délai", Publie;
    Deposee => "DEPOSEE", "Déposée", Publie;
    /// Refusée par la MOE pour erreur dans les données d'acheminement (C28).
    ErreurFournisseurSurMoe => "ERREUR_FOURNISSEUR_SUR_MOE", "Refusée par la MOE pour erreur dans les données d'acheminement", Publie;
    EnCoursAcheminement => "EN_COURS_ACHEMINEMENT", "En cours d'acheminement vers le destinataire", Publie;
    MiseADisposition => "MISE_A_DISPOSITION", "Mise à disposition du destinataire", Publie;
    ARecycler => "A_RECYCLER", "À recycler", Publie;
    Suspendue => "SUSPENDUE", "Suspendue", Publie;
    Rejetee => "REJETEE", "Rejetée", Publie;
    Mandatee => "MANDATEE", "Mandatée", Publie;
    MiseEnPaiement => "MISE_EN_PAIEMENT", "Mise en paiement", Publie;
    Comptabilisee => "COMPTABILISEE", "Comptabilisée", Publie;
    MiseADispositionComptable => "MISE_A_DISPOSITION_COMPTABLE", "Mise à disposition du comptable", Publie;
    Abandonnee => "ABANDONNEE", "Abandonnée", Simulateur;
    Supprimee => "SUPPRIMEE", "Supprimée", Simulateur;
    /// Associée (C21).
    Associee => "ASSOCIEE", "Associée", Publie;
    EnCoursTraitementPivotS => "EN_COURS_TRAITEMENT_PIVOT_S", "En cours de traitement par Chorus Pro", Simulateur;
    AValiderMoe => "A_VALIDER_MOE", "À valider par la MOE", Simulateur;
    /// Refusée par la MOE pour autre motif (C19).
    RefuseeMoe => "REFUSEE_MOE", "Refusée par la MOE pour autre motif", Publie;
    EnAttenteRecyclageFournisseur => "EN_ATTENTE_RECYCLAGE_FOURNISSEUR", "En attente de recyclage par le fournisseur", Simulateur;
    ErreurMoeSurFournisseur => "ERREUR_MOE_SUR_FOURNISSEUR", "Erreur de la MOE sur le fournisseur", Simulateur;
    ErreurMoaSurFournisseur => "ERREUR_MOA_SUR_FOURNISSEUR", "Erreur de la MOA sur le fournisseur", Simulateur;
    InterpreteeOcr => "INTERPRETEE_OCR", "Lue par reconnaissance de caractères", Simulateur;
    /// Complétée – mise à disposition (C12).
    Completee => "COMPLETEE", "Complétée – mise à disposition", Publie;
    /// Refusée par la MOA pour erreur dans les données d'acheminement (C31).
    ErreurFournisseurSurMoa => "ERREUR_FOURNISSEUR_SUR_MOA", "Refusée par la MOA pour erreur dans les données d'acheminement", Publie;
    /// C31 aussi : le libellé publié ne distingue pas l'erreur de la MOE de celle du fournisseur.
    ErreurMoeSurMoa => "ERREUR_MOE_SUR_MOA", "Refusée par la MOA pour erreur de la MOE", Simulateur;
    ErreurDestinatairePd => "ERREUR_DESTINATAIRE_PD", "Erreur de destinataire (projet de décompte)", Simulateur;
    ErreurDestinataireEa => "ERREUR_DESTINATAIRE_EA", "Erreur de destinataire (état d'acompte)", Simulateur;
    ServiceFait => "SERVICE_FAIT", "Service fait", Publie;
    /// Non conforme – non intégrée (C37).
    NonConforme => "NON_CONFORME", "Non conforme – non intégrée", Publie;
    AAssocierMoe => "A_ASSOCIER_MOE", "À associer par la MOE", Simulateur;
    ErreurDeMoe => "ERREUR_DE_MOE", "Erreur de MOE", Simulateur;
    /// Mise à disposition MOE (C27).
    MiseADispositionMoe => "MISE_A_DISPOSITION_MOE", "Mise à disposition MOE", Publie;
    /// Prise en compte MOE (C29).
    PriseEnCompteMoe => "PRISE_EN_COMPTE_MOE", "Prise en compte MOE", Publie;
    AAssocierMoa => "A_ASSOCIER_MOA", "À associer par la MOA", Simulateur;
    ErreurDeMoa => "ERREUR_DE_MOA", "Erreur de MOA", Simulateur;
    /// Refusée par la MOA pour autre motif (C32).
    RefuseeMoa => "REFUSEE_MOA", "Refusée par la MOA pour autre motif", Publie;
    /// Mise à disposition fournisseur (C33).
    AAssocierFournisseur => "A_ASSOCIER_FOURNISSEUR", "Mise à disposition fournisseur", Publie;
    /// Refusée par le fournisseur pour autre motif (C20).
    RefuseeFournisseur => "REFUSEE_FOURNISSEUR", "Refusée par le fournisseur pour autre motif", Publie;
    /// Demande de complément (C34).
    ACompleter => "A_COMPLETER", "Demande de complément", Publie;
    /// Transmise à la MOA (C35).
    TransmiseMoa => "TRANSMISE_MOA", "Transmise à la MOA", Publie;
    /// Prise en compte par le destinataire (C36).
    PriseEnCompteDestinataire => "PRISE_EN_COMPTE_DESTINATAIRE", "Prise en compte par le destinataire", Publie;
    RemplaceeParA22 => "REMPLACEE_PAR_A22", "Remplacée par un projet de décompte général (A22)", Simulateur;
    DupliqueApresRefus => "DUPLIQUE_APRES_REFUS", "Dupliquée après refus", Simulateur;
    /// Mise à disposition MOA (C30).
    MiseADispositionMoa => "MISE_A_DISPOSITION_MOA", "Mise à disposition MOA", Publie;
    /// Prise en compte par la MOA (C38).
    PriseEnCompteMoa => "PRISE_EN_COMPTE_MOA", "Prise en compte par la MOA", Publie;
    AbsenceValidationMoeDelaiReglementaire => "ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE", "Absence de validation par la MOE dans le délai réglementaire", Simulateur;
    TechniqueInconnu => "TECHNIQUE_INCONNU", "Statut technique inconnu", Simulateur;
}

impl Statut {
    pub fn depuis_code(code: &str) -> Result<Self, Erreur> {
        Self::TOUS
            .into_iter()
            .find(|s| s.code() == code.trim())
            .ok_or_else(|| Erreur::CodeInconnu { champ: "statut", valeur: code.to_string() })
    }

    /// Ce que le statut veut dire pour le fournisseur, et ce qu'il doit faire.
    pub fn explication(self) -> &'static str {
        match self {
            Self::Brouillon => {
                "La facture est enregistrée mais n'a PAS été envoyée : l'acheteur ne la voit pas. \
                 Ouvrez-la et cliquez sur « Valider et envoyer »."
            }
            Self::Deposee => {
                "Chorus Pro a bien reçu et intégré votre facture : sa date de dépôt fait foi. Rien à \
                 faire, elle part vers le destinataire."
            }
            Self::EnCoursAcheminement => {
                "La facture est en route vers l'espace du destinataire. Rien à faire."
            }
            Self::MiseADisposition => {
                "Le destinataire a reçu la facture dans son espace : le délai de paiement court à partir \
                 de cette date. Rien à faire, suivez son traitement."
            }
            Self::ARecycler => {
                "Le destinataire signale une erreur dans les données d'acheminement (SIRET, code service \
                 ou numéro d'engagement). Cliquez sur « Recycler », corrigez ces données et renvoyez la \
                 facture, sans changer son numéro."
            }
            Self::Suspendue => {
                "Le destinataire attend une pièce ou une précision (voir le motif). Cliquez sur \
                 « Compléter » et ajoutez ce qui manque (pièce jointe, commentaire) : un nouveau délai de \
                 paiement s'ouvrira alors."
            }
            Self::Completee => {
                "Vous avez complété la facture : elle est de nouveau à la disposition du destinataire. \
                 Rien à faire."
            }
            Self::Rejetee => {
                "Le destinataire a refusé la facture (voir le motif). Elle ne sera jamais payée : cliquez \
                 sur « Traiter le rejet » pour en prendre connaissance, puis émettez une nouvelle facture \
                 avec un nouveau numéro."
            }
            Self::ServiceFait => {
                "Le destinataire a constaté que la prestation a bien été réalisée. Rien à faire."
            }
            Self::Mandatee => {
                "Le destinataire a ordonné le paiement (mandat) et transmet la facture à son comptable. \
                 Rien à faire."
            }
            Self::MiseADispositionComptable => "Le comptable public a reçu le mandat. Rien à faire.",
            Self::Comptabilisee => "Le comptable a enregistré la dépense. Rien à faire.",
            Self::MiseEnPaiement => {
                "Le comptable a lancé le virement : le paiement arrive sur votre compte dans les jours \
                 qui suivent."
            }
            Self::AValider1 => {
                "La facture attend l'accord du premier valideur que vous avez désigné : le titulaire du \
                 marché (sous-traitance) ou le mandataire du groupement (cotraitance). Il a 15 jours à \
                 compter du dépôt pour la valider ou la refuser ; sans réponse dans ce délai, elle est \
                 réputée validée et part vers le destinataire. Rien à faire."
            }
            Self::ErreurFournisseurSurValideur => {
                "Le valideur que vous avez désigné répond qu'il n'est pas le bon (voir le motif) : la \
                 facture ne partira pas tant que vous ne l'aurez pas corrigé. Cliquez sur « Corriger le \
                 valideur » et indiquez le SIRET du titulaire (ou du mandataire) du marché."
            }
            Self::Refusee1 => {
                "Le premier valideur a refusé la demande de paiement (voir le motif). Elle ne sera pas \
                 payée : réglez le désaccord avec lui, puis déposez une nouvelle facture avec un nouveau \
                 numéro."
            }
            Self::Validee1 => {
                "Le premier valideur a donné son accord : la facture part vers le destinataire, ou vers le \
                 second valideur s'il y en a un. Rien à faire."
            }
            Self::AbsenceValidation1HorsDelai => {
                "Le premier valideur n'a pas répondu dans les 15 jours : son silence vaut accord (validation \
                 tacite). La facture part vers le destinataire. Rien à faire."
            }
            Self::AValider2 => {
                "Le premier valideur a donné son accord ; la facture attend celui du second valideur (le \
                 mandataire du groupement), qui a lui aussi 15 jours. Rien à faire."
            }
            Self::ErreurCotraitantSurValideur => {
                "Le second valideur répond qu'il n'est pas le bon : c'est au premier valideur (le \
                 cotraitant qui vous a sous-traité les travaux) de le corriger. Prévenez-le."
            }
            Self::Refusee2 => {
                "Le second valideur a refusé la demande de paiement (voir le motif). Elle ne sera pas \
                 payée : réglez le désaccord, puis déposez une nouvelle facture avec un nouveau numéro."
            }
            Self::Validee2 => {
                "Le second valideur a donné son accord : la facture part vers le destinataire. Rien à faire."
            }
            Self::AbsenceValidation2HorsDelai => {
                "Le second valideur n'a pas répondu dans les 15 jours : son silence vaut accord. La facture \
                 part vers le destinataire. Rien à faire."
            }
            Self::MiseADispositionMoe => {
                "Votre pièce de travaux est arrivée chez le maître d'œuvre (MOE) : il a 7 jours pour la \
                 vérifier, arrêter les montants admis et la transmettre au maître d'ouvrage. Votre délai \
                 de paiement court depuis ce jour (réception par le MOE, horodatée par Chorus Pro). Rien \
                 à faire."
            }
            Self::PriseEnCompteMoe => {
                "Le maître d'œuvre a pris votre pièce en compte et la vérifie. Rien à faire."
            }
            Self::RefuseeMoe => {
                "Le maître d'œuvre a refusé votre pièce (voir le motif) : le circuit de facturation \
                 s'arrête. Un écart de montant n'est pas un motif de refus : le MOE corrige le montant. \
                 Réglez le désaccord avec lui, puis déposez un nouveau projet avec un nouveau numéro."
            }
            Self::ErreurFournisseurSurMoe => {
                "Le maître d'œuvre répond que cette pièce ne le concerne pas (erreur dans les données \
                 d'acheminement) : cliquez sur « Recycler » et corrigez le maître d'œuvre ou le \
                 destinataire, comme sur la fiche d'identité du marché."
            }
            Self::ACompleter => {
                "Le maître d'œuvre vous demande un complément (voir le motif) : cliquez sur « Compléter » \
                 et ajoutez la pièce ou la précision demandée."
            }
            Self::AbsenceValidationMoeDelaiReglementaire => {
                "Le maître d'œuvre n'a pas traité votre pièce dans les 7 jours : elle part au maître \
                 d'ouvrage sur la base de votre projet. Rien à faire ; votre délai de paiement court \
                 toujours depuis la réception par le MOE."
            }
            Self::TransmiseMoa => {
                "Le maître d'œuvre a établi l'état d'acompte (ou le projet de décompte général) et l'a \
                 transmis au maître d'ouvrage. Rien à faire."
            }
            Self::MiseADispositionMoa => {
                "Le maître d'ouvrage (MOA) a reçu l'état d'acompte (ou le projet de décompte général) \
                 pour le valider. Rien à faire."
            }
            Self::PriseEnCompteMoa => {
                "Le maître d'ouvrage a pris la pièce en compte et la vérifie. Rien à faire."
            }
            Self::RefuseeMoa => {
                "Le maître d'ouvrage a refusé la pièce (voir le motif) : le circuit s'arrête. \
                 Rapprochez-vous du maître d'œuvre et du maître d'ouvrage, puis déposez un nouveau projet \
                 avec un nouveau numéro."
            }
            Self::ErreurFournisseurSurMoa => {
                "Le maître d'ouvrage répond que la pièce ne lui était pas destinée (erreur dans les \
                 données d'acheminement) : cliquez sur « Recycler » et corrigez le destinataire, le code \
                 service ou le numéro d'engagement, comme sur la fiche d'identité du marché. La pièce, déjà \
                 vérifiée par le maître d'œuvre, repart directement au maître d'ouvrage."
            }
            Self::AAssocierFournisseur => {
                "Le décompte général vous est notifié. Vous avez 30 jours (délai du CCAG-Travaux 2021, retenu par le simulateur) pour le signer et le renvoyer : \
                 « Déposer la pièce de facturation suivante », le décompte général signé (cadre A8) ; ou \
                 refusez-le en disant pourquoi."
            }
            Self::Associee => {
                "Le décompte général et définitif (DGD) est déposé : signé par vous (A8), tacite (A23), \
                 ou déposé par le maître d'œuvre faute de votre signature dans les 30 jours (A24, choix du simulateur). Il part \
                 au service financier pour le paiement du solde. Rien à faire."
            }
            Self::RefuseeFournisseur => {
                "Vous avez refusé de signer le décompte général : le différend se règle par un mémoire en \
                 réclamation adressé au maître d'ouvrage, hors de Chorus Pro."
            }
            Self::RemplaceeParA22 => {
                "Le décompte général ne vous a pas été notifié à temps : vous avez déposé votre projet de \
                 décompte général (A22). Le maître d'ouvrage a 10 jours (CCAG-Travaux 2021, retenu par le simulateur) pour vous notifier le décompte \
                 général ; sans réponse, vous pourrez déposer le décompte général et définitif tacite \
                 (A23)."
            }
            _ => {
                "Ce statut appartient à un circuit que ce simulateur ne fait pas parcourir (flux, \
                 mémoires de justice, remboursements)."
            }
        }
    }

    /// Ce que le statut veut dire pour une pièce de ce type : un avoir n'est jamais payé, les
    /// statuts de l'acheteur n'y annoncent donc aucun paiement.
    pub fn explication_pour(self, type_facture: TypeFacture) -> &'static str {
        if type_facture == TypeFacture::Facture {
            return self.explication();
        }
        match self {
            Self::MiseADisposition => {
                "Le destinataire a reçu l'avoir dans son espace. Un avoir n'est jamais payé : il diminue ce \
                 que l'acheteur vous doit, sans échéance ni intérêts. Rien à faire."
            }
            Self::ServiceFait | Self::Mandatee | Self::MiseADispositionComptable => {
                "Le destinataire traite l'avoir, qui viendra en déduction de ce qu'il vous doit. Rien à faire."
            }
            Self::Comptabilisee => {
                "Le comptable public a enregistré l'avoir : il diminue ce que l'acheteur vous doit. Un avoir \
                 n'est jamais payé. Rien à faire."
            }
            Self::MiseEnPaiement => {
                "Un avoir n'est jamais mis en paiement : il diminue ce que l'acheteur vous doit."
            }
            autre => autre.explication(),
        }
    }

    /// Rang dans la suite des statuts de traitement, qui ne peut qu'avancer.
    fn rang_traitement(self) -> Option<u8> {
        match self {
            Self::MiseADisposition | Self::Completee => Some(0),
            Self::ServiceFait => Some(1),
            Self::Mandatee => Some(2),
            Self::MiseADispositionComptable => Some(3),
            Self::Comptabilisee => Some(4),
            Self::MiseEnPaiement => Some(5),
            _ => None,
        }
    }

    /// Statut qui renvoie la facture au fournisseur (il doit agir, ou prendre connaissance d'un
    /// refus).
    pub fn attend_le_fournisseur(self) -> bool {
        matches!(
            self,
            Self::Brouillon
                | Self::ARecycler
                | Self::Suspendue
                | Self::Rejetee
                | Self::ErreurFournisseurSurValideur
                | Self::Refusee1
                | Self::Refusee2
                | Self::RefuseeMoe
                | Self::ErreurFournisseurSurMoe
                | Self::ACompleter
                | Self::RefuseeMoa
                | Self::ErreurFournisseurSurMoa
                | Self::AAssocierFournisseur
        )
    }

    /// Un statut du circuit des travaux, avant le service financier.
    pub fn est_de_travaux(self) -> bool {
        matches!(
            self,
            Self::MiseADispositionMoe
                | Self::PriseEnCompteMoe
                | Self::RefuseeMoe
                | Self::ErreurFournisseurSurMoe
                | Self::ACompleter
                | Self::AbsenceValidationMoeDelaiReglementaire
                | Self::TransmiseMoa
                | Self::MiseADispositionMoa
                | Self::PriseEnCompteMoa
                | Self::RefuseeMoa
                | Self::ErreurFournisseurSurMoa
                | Self::AAssocierFournisseur
                | Self::Associee
                | Self::RefuseeFournisseur
                | Self::RemplaceeParA22
        )
    }

    /// Un statut de la validation par le titulaire ou le mandataire (cadres A9, A12).
    pub fn est_de_validation(self) -> bool {
        matches!(
            self,
            Self::AValider1
                | Self::ErreurFournisseurSurValideur
                | Self::Refusee1
                | Self::Validee1
                | Self::AbsenceValidation1HorsDelai
                | Self::AValider2
                | Self::ErreurCotraitantSurValideur
                | Self::Refusee2
                | Self::Validee2
                | Self::AbsenceValidation2HorsDelai
        )
    }

    /// La facture a été transmise (elle n'est plus un brouillon).
    pub fn est_transmise(self) -> bool {
        self != Self::Brouillon
    }

    /// Plus aucune action n'est possible.
    pub fn est_final(self) -> bool {
        matches!(
            self,
            Self::Rejetee
                | Self::MiseEnPaiement
                | Self::Refusee1
                | Self::Refusee2
                | Self::RefuseeMoe
                | Self::RefuseeMoa
                | Self::RefuseeFournisseur
        )
    }
}

/// Qui agit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Acteur {
    /// Le fournisseur (le stagiaire).
    Fournisseur,
    /// Chorus Pro lui-même (acheminement, mise à disposition).
    Systeme,
    /// Le destinataire public (ordonnateur, service gestionnaire).
    Destinataire,
    /// Le comptable public.
    Comptable,
    /// Le premier valideur : le titulaire du marché (ou le cotraitant qui a sous-traité) pour une
    /// facture de sous-traitant, le mandataire pour une facture de cotraitant.
    PremierValideur,
    /// Le second valideur : le mandataire du groupement, pour le sous-traitant d'un cotraitant.
    SecondValideur,
    /// La maîtrise d'œuvre d'un marché de travaux (l'architecte, le bureau d'études).
    Moe,
    /// La maîtrise d'ouvrage d'un marché de travaux (l'acheteur public qui fait construire).
    Moa,
}

impl Acteur {
    pub fn code(self) -> &'static str {
        match self {
            Self::Fournisseur => "FOURNISSEUR",
            Self::Systeme => "SYSTEME",
            Self::Destinataire => "DESTINATAIRE",
            Self::Comptable => "COMPTABLE",
            Self::PremierValideur => "PREMIER_VALIDEUR",
            Self::SecondValideur => "SECOND_VALIDEUR",
            Self::Moe => "MOE",
            Self::Moa => "MOA",
        }
    }
    pub const TOUS: [Acteur; 8] = [
        Self::Fournisseur,
        Self::Systeme,
        Self::Destinataire,
        Self::Comptable,
        Self::PremierValideur,
        Self::SecondValideur,
        Self::Moe,
        Self::Moa,
    ];
    pub fn depuis_code(code: &str) -> Result<Self, Erreur> {
        Self::TOUS
            .into_iter()
            .find(|a| a.code() == code)
            .ok_or_else(|| Erreur::CodeInconnu { champ: "acteur", valeur: code.to_string() })
    }
    pub fn libelle(self) -> &'static str {
        match self {
            Self::Fournisseur => "Fournisseur",
            Self::Systeme => "Chorus Pro",
            Self::Destinataire => "Destinataire",
            Self::Comptable => "Comptable public",
            Self::PremierValideur => "Premier valideur",
            Self::SecondValideur => "Second valideur",
            Self::Moe => "Maîtrise d'œuvre",
            Self::Moa => "Maîtrise d'ouvrage",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Action {
    /// « Enregistrer » : brouillon.
    Enregistrer,
    /// « Valider et envoyer ».
    ValiderEtEnvoyer,
    /// Chorus Pro achemine la facture.
    Acheminer,
    /// Chorus Pro met la facture à disposition du destinataire.
    MettreADisposition,
    /// Le destinataire ou le comptable fait passer la facture au statut cible
    /// (`traiterFactureRecue`, `nouveauStatut`).
    Traiter(Statut),
    /// Le fournisseur recycle une facture « À recycler » (retour à DEPOSEE).
    Recycler,
    /// Le fournisseur complète une facture suspendue.
    Completer,
    /// Le valideur donne son accord (`traiter/factureAValider`, action `VALIDATION`).
    Valider,
    /// Le valideur refuse la demande de paiement, avec un motif (action `REFUS`).
    Refuser,
    /// Le valideur répond qu'il n'est pas le bon valideur (erreur dans les données
    /// d'acheminement), avec un motif.
    SignalerErreurDeValideur,
    /// Celui qui a désigné le valideur le corrige (`corriger/valideur/facture`).
    CorrigerValideur,
    /// Chorus Pro constate que le valideur n'a pas répondu dans les 15 jours.
    ConstaterAbsenceDeValidation,
    /// Chorus Pro fait suivre une facture validée : au second valideur, ou au destinataire.
    Transmettre,
    /// La MOE ou la MOA prend la pièce de travaux en compte (« Prise en compte »).
    PrendreEnCompte,
    /// La MOE demande un complément au fournisseur, avec un motif.
    DemanderComplement,
    /// La MOE, montants admis arrêtés, transmet à la MOA l'état d'acompte (A15) ou le projet de
    /// décompte général (A17).
    TransmettreMoa,
    /// La MOE transmet directement au service financier l'état d'acompte validé (A16).
    TransmettreServiceFinancier,
    /// La MOA (A20) ou la MOE (A18) notifie le décompte général au titulaire.
    NotifierDecompteGeneral,
    /// Le titulaire signe le décompte général et le dépose (DGD, A8) : « Déposer la pièce de
    /// facturation suivante ».
    SignerDecompteGeneral,
    /// Sans décompte général notifié à temps, le titulaire dépose son projet de décompte général
    /// (A22, procédure tacite).
    DeposerProjetDecompteGeneral,
    /// Sans réponse de la MOA au projet de décompte général du titulaire, il dépose le décompte
    /// général et définitif tacite (A23).
    DeposerDecompteGeneralTacite,
}

/// Ce que la règle doit savoir au-delà du statut courant.
#[derive(Debug, Clone, Copy, Default)]
pub struct Contexte<'a> {
    /// Motif donné avec l'action (obligatoire pour rejeter ou suspendre).
    pub motif: Option<&'a str>,
    /// La facture a déjà été suspendue une fois.
    pub deja_suspendue: bool,
    /// Le destinataire ne remonte pas la mise en paiement (paramètre de l'annuaire).
    pub mise_en_paiement_non_remontee: bool,
    /// Le destinataire peut encore mettre une facture « À recycler » (réglage, voir docs).
    pub a_recycler_autorise: bool,
    /// La pièce est un avoir : elle diminue ce que l'acheteur doit, elle n'est jamais payée.
    pub avoir: bool,
    /// Un second valideur est désigné (sous-traitant d'un cotraitant).
    pub second_valideur: bool,
    /// Les 15 jours laissés au valideur sont écoulés (ou, en travaux, les 7 jours de la MOE).
    pub delai_de_validation_ecoule: bool,
    /// Travaux : le délai de notification du décompte général est écoulé.
    pub delai_decompte_general_ecoule: bool,
    /// Travaux : le dossier est en procédure tacite (le titulaire a déposé son projet de décompte
    /// général, A22).
    pub procedure_tacite: bool,
    /// Travaux : les 10 jours laissés à la MOA après le projet de décompte général du titulaire
    /// sont écoulés.
    pub delai_tacite_ecoule: bool,
    /// Travaux : les 30 jours laissés au titulaire pour signer le décompte général notifié sont
    /// écoulés.
    pub delai_signature_ecoule: bool,
}

pub(crate) fn refus(message: impl Into<String>) -> Result<Statut, Erreur> {
    Err(Erreur::Transition(message.into()))
}

pub(crate) fn motif_valide(ctx: &Contexte<'_>, cible: Statut) -> Result<(), Erreur> {
    let motif = ctx.motif.map(str::trim).unwrap_or("");
    if motif.is_empty() {
        return Err(Erreur::Transition(format!(
            "Le motif est obligatoire pour passer une facture au statut « {} ».",
            cible.libelle()
        )));
    }
    let n = motif.chars().count();
    if n > MOTIF_LONGUEUR_MAX {
        return Err(Erreur::Transition(format!(
            "Le motif ne doit pas dépasser {MOTIF_LONGUEUR_MAX} caractères (il en compte {n})."
        )));
    }
    Ok(())
}

/// Les règles de la réception : ce que le destinataire et son comptable peuvent donner comme
/// statut, depuis le statut courant. Communes à tous les circuits (voir [`crate::circuit`]).
pub(crate) fn traiter(
    courant: Option<Statut>,
    cible: Statut,
    acteur: Acteur,
    ctx: &Contexte<'_>,
) -> Result<Statut, Erreur> {
    use Statut::*;
    let Some(courant) = courant else {
        return refus("Cette facture n'existe pas encore.");
    };
    let Some(rang) = courant.rang_traitement() else {
        return refus(format!(
            "Une facture au statut « {} » ne peut pas être traitée par le destinataire.",
            courant.libelle()
        ));
    };
    let autorise = match acteur {
        Acteur::Destinataire => true,
        Acteur::Comptable => matches!(cible, MiseADispositionComptable | Comptabilisee | MiseEnPaiement),
        _ => false,
    };
    if !autorise {
        return refus(format!(
            "Le statut « {} » ne peut pas être donné par : {}.",
            cible.libelle(),
            acteur.libelle().to_lowercase()
        ));
    }
    match cible {
        Suspendue | Rejetee => {
            // Interruption du délai « une seule fois » et « avant l'ordonnancement » (R2192-27) ;
            // le rejet suit la même borne : après le mandat, la facture est engagée.
            if rang >= 2 {
                return refus(format!(
                    "Une facture au statut « {} » ne peut plus être {} : le mandat a déjà été émis \
                     (règle du simulateur, appuyée sur l'article R2192-27).",
                    courant.libelle(),
                    if cible == Suspendue { "suspendue" } else { "rejetée" }
                ));
            }
            if cible == Suspendue && ctx.deja_suspendue {
                return refus(
                    "Cette facture a déjà été suspendue une fois : le délai de paiement ne peut être \
                     interrompu qu'une seule fois (article R2192-27 du code de la commande publique).",
                );
            }
            motif_valide(ctx, cible)?;
            Ok(cible)
        }
        ARecycler => {
            if !ctx.a_recycler_autorise {
                return refus(
                    "Le statut « À recycler » n'est pas proposé au destinataire dans ce bac à sable : \
                     rejetez ou suspendez la facture.",
                );
            }
            if rang != 0 {
                return refus(
                    "Seule une facture qui vient d'être mise à disposition peut être mise « À recycler ».",
                );
            }
            Ok(ARecycler)
        }
        ServiceFait | Mandatee | MiseADispositionComptable | Comptabilisee | MiseEnPaiement => {
            if cible == MiseEnPaiement && ctx.avoir {
                return refus(
                    "Un avoir n'est jamais mis en paiement : il ne se paie pas au fournisseur, il diminue ce \
                     que l'acheteur lui doit.",
                );
            }
            if cible == MiseEnPaiement && ctx.mise_en_paiement_non_remontee {
                return refus(
                    "Ce destinataire ne remonte pas le statut « Mise en paiement » dans Chorus Pro \
                     (paramètre de l'annuaire).",
                );
            }
            // Toujours Some pour ces statuts ; pas de panique même si la liste venait à changer.
            let Some(rang_cible) = cible.rang_traitement() else {
                return refus(format!("Le statut « {} » ne peut pas être donné ici.", cible.libelle()));
            };
            if rang_cible <= rang {
                return refus(format!(
                    "La facture est déjà au statut « {} » : « {} » ne peut pas venir après.",
                    courant.libelle(),
                    cible.libelle()
                ));
            }
            Ok(cible)
        }
        autre => {
            refus(format!("Le statut « {} » ne peut pas être donné par le destinataire.", autre.libelle()))
        }
    }
}

/// Les statuts que l'acheteur peut donner, dans l'ordre où la page les propose.
pub const CIBLES_ACHETEUR: [Statut; 8] = [
    Statut::ServiceFait,
    Statut::Mandatee,
    Statut::MiseADispositionComptable,
    Statut::Comptabilisee,
    Statut::MiseEnPaiement,
    Statut::Suspendue,
    Statut::ARecycler,
    Statut::Rejetee,
];

/// Qui donne ce statut : les trois derniers statuts du parcours sont ceux du comptable.
pub fn acteur_de(cible: Statut) -> Acteur {
    match cible {
        Statut::MiseADispositionComptable | Statut::Comptabilisee | Statut::MiseEnPaiement => {
            Acteur::Comptable
        }
        _ => Acteur::Destinataire,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use Statut::*;
    use proptest::prelude::*;

    fn ctx() -> Contexte<'static> {
        Contexte::default()
    }

    /// Les règles du parcours classique (A1, A2).
    fn transition(
        courant: Option<Statut>,
        action: Action,
        acteur: Acteur,
        ctx: &Contexte<'_>,
    ) -> Result<Statut, Erreur> {
        crate::circuit::transition(&crate::circuit::CLASSIQUE, courant, action, acteur, ctx)
    }

    fn avec_motif(motif: &str) -> Contexte<'_> {
        Contexte { motif: Some(motif), ..Contexte::default() }
    }

    fn ok(courant: Option<Statut>, action: Action, acteur: Acteur, c: &Contexte<'_>) -> Statut {
        transition(courant, action, acteur, c)
            .unwrap_or_else(|e| panic!("{courant:?} {action:?} {acteur:?} : {e}"))
    }

    fn refuse(courant: Option<Statut>, action: Action, acteur: Acteur, c: &Contexte<'_>) -> String {
        match transition(courant, action, acteur, c) {
            Err(Erreur::Transition(m)) => m,
            autre => panic!("refus attendu pour {courant:?} {action:?} {acteur:?}, obtenu {autre:?}"),
        }
    }

    #[test]
    fn un_avoir_n_est_jamais_mis_en_paiement() {
        let c = Contexte { avoir: true, ..Contexte::default() };
        let m = refuse(Some(Comptabilisee), Action::Traiter(MiseEnPaiement), Acteur::Comptable, &c);
        assert!(m.contains("Un avoir n'est jamais mis en paiement"), "{m}");
        assert_eq!(
            ok(Some(MiseADisposition), Action::Traiter(Comptabilisee), Acteur::Comptable, &c),
            Comptabilisee
        );
        // Aucun statut ne promet un paiement pour un avoir.
        for s in Statut::TOUS {
            let e = s.explication_pour(TypeFacture::Avoir);
            assert!(!e.contains("arrive sur votre compte"), "{s:?} : {e}");
            assert_eq!(s.explication_pour(TypeFacture::Facture), s.explication());
        }
    }

    #[test]
    fn codes_et_libelles() {
        for s in Statut::TOUS {
            assert_eq!(Statut::depuis_code(s.code()).unwrap(), s);
            assert!(!s.libelle().is_empty() && !s.explication().is_empty());
        }
        assert!(Statut::depuis_code("PAYEE").is_err());
        assert_eq!(Acteur::depuis_code("COMPTABLE").unwrap(), Acteur::Comptable);
        assert!(Acteur::depuis_code("comptable").is_err());
        assert!(Rejetee.est_final() && MiseEnPaiement.est_final() && !Mandatee.est_final());
        assert!(ARecycler.attend_le_fournisseur() && !ServiceFait.attend_le_fournisseur());
        assert!(!Brouillon.est_transmise() && Deposee.est_transmise());
    }

    #[test]
    fn parcours_classique_complet() {
        let c = ctx();
        let mut s = ok(None, Action::Enregistrer, Acteur::Fournisseur, &c);
        assert_eq!(s, Brouillon);
        s = ok(Some(s), Action::Enregistrer, Acteur::Fournisseur, &c);
        assert_eq!(s, Brouillon);
        s = ok(Some(s), Action::ValiderEtEnvoyer, Acteur::Fournisseur, &c);
        assert_eq!(s, Deposee);
        s = ok(Some(s), Action::Acheminer, Acteur::Systeme, &c);
        assert_eq!(s, EnCoursAcheminement);
        s = ok(Some(s), Action::MettreADisposition, Acteur::Systeme, &c);
        assert_eq!(s, MiseADisposition);
        for (cible, acteur) in [
            (ServiceFait, Acteur::Destinataire),
            (Mandatee, Acteur::Destinataire),
            (MiseADispositionComptable, Acteur::Comptable),
            (Comptabilisee, Acteur::Comptable),
            (MiseEnPaiement, Acteur::Comptable),
        ] {
            s = ok(Some(s), Action::Traiter(cible), acteur, &c);
            assert_eq!(s, cible);
        }
        assert_eq!(ok(None, Action::ValiderEtEnvoyer, Acteur::Fournisseur, &c), Deposee);
    }

    #[test]
    fn etapes_facultatives_sautees_mais_ordre_impose() {
        let c = ctx();
        assert_eq!(ok(Some(MiseADisposition), Action::Traiter(Mandatee), Acteur::Destinataire, &c), Mandatee);
        assert_eq!(
            ok(Some(MiseADisposition), Action::Traiter(MiseEnPaiement), Acteur::Comptable, &c),
            MiseEnPaiement
        );
        assert_eq!(ok(Some(Completee), Action::Traiter(ServiceFait), Acteur::Destinataire, &c), ServiceFait);
        let m = refuse(Some(Mandatee), Action::Traiter(ServiceFait), Acteur::Destinataire, &c);
        assert_eq!(
            m,
            "La facture est déjà au statut « Mandatée » : « Service fait » ne peut pas venir après."
        );
        refuse(Some(Comptabilisee), Action::Traiter(Comptabilisee), Acteur::Comptable, &c);
        refuse(Some(Comptabilisee), Action::Traiter(MiseADispositionComptable), Acteur::Comptable, &c);
    }

    #[test]
    fn qui_peut_faire_quoi() {
        let c = ctx();
        assert_eq!(
            refuse(None, Action::Enregistrer, Acteur::Destinataire, &c),
            "Seul le fournisseur enregistre ou envoie sa facture."
        );
        assert_eq!(
            refuse(Some(Deposee), Action::Acheminer, Acteur::Fournisseur, &c),
            "L'acheminement est fait par Chorus Pro."
        );
        assert_eq!(
            refuse(Some(MiseADisposition), Action::Traiter(ServiceFait), Acteur::Comptable, &c),
            "Le statut « Service fait » ne peut pas être donné par : comptable public."
        );
        refuse(Some(MiseADisposition), Action::Traiter(Mandatee), Acteur::Fournisseur, &c);
        refuse(Some(MiseADisposition), Action::Traiter(ServiceFait), Acteur::Systeme, &c);
        assert_eq!(
            refuse(Some(ARecycler), Action::Recycler, Acteur::Destinataire, &c),
            "Seul le fournisseur recycle sa facture."
        );
        assert_eq!(
            refuse(Some(Suspendue), Action::Completer, Acteur::Comptable, &c),
            "Seul le fournisseur complète sa facture."
        );
    }

    #[test]
    fn facture_envoyee_non_modifiable() {
        let m = refuse(Some(Deposee), Action::ValiderEtEnvoyer, Acteur::Fournisseur, &ctx());
        assert!(m.contains("déjà été envoyée (statut « Déposée »)"), "{m}");
        refuse(Some(Rejetee), Action::Enregistrer, Acteur::Fournisseur, &ctx());
    }

    #[test]
    fn acheminement_dans_l_ordre() {
        let c = ctx();
        assert_eq!(
            refuse(Some(Brouillon), Action::Acheminer, Acteur::Systeme, &c),
            "Acheminement impossible depuis le statut « Brouillon »."
        );
        refuse(Some(Deposee), Action::MettreADisposition, Acteur::Systeme, &c);
        refuse(None, Action::Acheminer, Acteur::Systeme, &c);
    }

    #[test]
    fn traitement_seulement_apres_mise_a_disposition() {
        for s in [Brouillon, Deposee, EnCoursAcheminement, ARecycler, Suspendue, Rejetee] {
            let m = refuse(Some(s), Action::Traiter(ServiceFait), Acteur::Destinataire, &ctx());
            assert!(m.contains("ne peut pas être traitée par le destinataire"), "{m}");
        }
        assert_eq!(
            refuse(None, Action::Traiter(ServiceFait), Acteur::Destinataire, &ctx()),
            "Cette facture n'existe pas encore."
        );
        // Des statuts que le destinataire ne donne pas.
        for cible in [Brouillon, Deposee, MiseADisposition, Completee, EnCoursAcheminement] {
            refuse(Some(MiseADisposition), Action::Traiter(cible), Acteur::Destinataire, &ctx());
        }
    }

    #[test]
    fn suspension_puis_completer() {
        let c = avec_motif("Il manque le bon de livraison signé");
        assert_eq!(
            ok(Some(MiseADisposition), Action::Traiter(Suspendue), Acteur::Destinataire, &c),
            Suspendue
        );
        assert_eq!(ok(Some(ServiceFait), Action::Traiter(Suspendue), Acteur::Destinataire, &c), Suspendue);
        assert_eq!(ok(Some(Suspendue), Action::Completer, Acteur::Fournisseur, &ctx()), Completee);
        let m = refuse(Some(MiseADisposition), Action::Completer, Acteur::Fournisseur, &ctx());
        assert_eq!(
            m,
            "Seule une facture suspendue peut être complétée (statut actuel : « Mise à disposition du destinataire »)."
        );
    }

    #[test]
    fn suspension_une_seule_fois() {
        let c = Contexte { motif: Some("Pièce manquante"), deja_suspendue: true, ..Contexte::default() };
        let m = refuse(Some(Completee), Action::Traiter(Suspendue), Acteur::Destinataire, &c);
        assert!(m.contains("déjà été suspendue une fois") && m.contains("R2192-27"), "{m}");
        // Le rejet reste possible après une suspension.
        assert_eq!(ok(Some(Completee), Action::Traiter(Rejetee), Acteur::Destinataire, &c), Rejetee);
    }

    #[test]
    fn ni_suspension_ni_rejet_apres_le_mandat() {
        let c = avec_motif("Erreur de prix");
        for s in [Mandatee, MiseADispositionComptable, Comptabilisee] {
            let m = refuse(Some(s), Action::Traiter(Suspendue), Acteur::Destinataire, &c);
            assert!(m.contains("ne peut plus être suspendue : le mandat a déjà été émis"), "{m}");
            let m = refuse(Some(s), Action::Traiter(Rejetee), Acteur::Destinataire, &c);
            assert!(m.contains("ne peut plus être rejetée"), "{m}");
        }
        refuse(Some(MiseADisposition), Action::Traiter(Suspendue), Acteur::Comptable, &c);
    }

    #[test]
    fn motif_obligatoire_et_limite() {
        for motif in [None, Some(""), Some("   ")] {
            let c = Contexte { motif, ..Contexte::default() };
            assert_eq!(
                refuse(Some(MiseADisposition), Action::Traiter(Rejetee), Acteur::Destinataire, &c),
                "Le motif est obligatoire pour passer une facture au statut « Rejetée »."
            );
            assert_eq!(
                refuse(Some(MiseADisposition), Action::Traiter(Suspendue), Acteur::Destinataire, &c),
                "Le motif est obligatoire pour passer une facture au statut « Suspendue »."
            );
        }
        let long = "é".repeat(MOTIF_LONGUEUR_MAX + 1);
        assert_eq!(
            refuse(
                Some(MiseADisposition),
                Action::Traiter(Rejetee),
                Acteur::Destinataire,
                &avec_motif(&long)
            ),
            "Le motif ne doit pas dépasser 255 caractères (il en compte 256)."
        );
        let juste = "é".repeat(MOTIF_LONGUEUR_MAX);
        assert_eq!(
            ok(Some(MiseADisposition), Action::Traiter(Rejetee), Acteur::Destinataire, &avec_motif(&juste)),
            Rejetee
        );
    }

    #[test]
    fn mise_en_paiement_non_remontee() {
        let c = Contexte { mise_en_paiement_non_remontee: true, ..Contexte::default() };
        let m = refuse(Some(Comptabilisee), Action::Traiter(MiseEnPaiement), Acteur::Comptable, &c);
        assert!(m.contains("ne remonte pas le statut « Mise en paiement »"), "{m}");
        assert_eq!(ok(Some(Mandatee), Action::Traiter(Comptabilisee), Acteur::Comptable, &c), Comptabilisee);
    }

    #[test]
    fn a_recycler_selon_le_reglage() {
        let m = refuse(Some(MiseADisposition), Action::Traiter(ARecycler), Acteur::Destinataire, &ctx());
        assert!(m.contains("n'est pas proposé au destinataire"), "{m}");
        let c = Contexte { a_recycler_autorise: true, ..Contexte::default() };
        assert_eq!(
            ok(Some(MiseADisposition), Action::Traiter(ARecycler), Acteur::Destinataire, &c),
            ARecycler
        );
        refuse(Some(ServiceFait), Action::Traiter(ARecycler), Acteur::Destinataire, &c);
        assert_eq!(ok(Some(ARecycler), Action::Recycler, Acteur::Fournisseur, &c), Deposee);
        let m = refuse(Some(Rejetee), Action::Recycler, Acteur::Fournisseur, &c);
        assert!(m.contains("Seule une facture « À recycler » peut être recyclée"), "{m}");
    }

    #[test]
    fn rien_apres_rejet_ou_mise_en_paiement() {
        let c = Contexte { motif: Some("motif"), a_recycler_autorise: true, ..Contexte::default() };
        for fin in [Rejetee, MiseEnPaiement] {
            for action in actions() {
                for acteur in ACTEURS {
                    assert!(
                        transition(Some(fin), action, acteur, &c).is_err(),
                        "{fin:?} {action:?} {acteur:?}"
                    );
                }
            }
        }
    }

    const ACTEURS: [Acteur; 4] =
        [Acteur::Fournisseur, Acteur::Systeme, Acteur::Destinataire, Acteur::Comptable];

    /// Toutes les actions, pour les tests des circuits aussi.
    pub(crate) fn actions() -> Vec<Action> {
        let mut v = vec![
            Action::Enregistrer,
            Action::ValiderEtEnvoyer,
            Action::Acheminer,
            Action::MettreADisposition,
            Action::Recycler,
            Action::Completer,
            Action::Valider,
            Action::Refuser,
            Action::SignalerErreurDeValideur,
            Action::CorrigerValideur,
            Action::ConstaterAbsenceDeValidation,
            Action::Transmettre,
            Action::PrendreEnCompte,
            Action::DemanderComplement,
            Action::TransmettreMoa,
            Action::TransmettreServiceFinancier,
            Action::NotifierDecompteGeneral,
            Action::SignerDecompteGeneral,
            Action::DeposerProjetDecompteGeneral,
            Action::DeposerDecompteGeneralTacite,
        ];
        v.extend(Statut::TOUS.map(Action::Traiter));
        v
    }

    /// Ordre d'avancement d'une facture sur le parcours classique ; les statuts de retour au
    /// fournisseur (à recycler, suspendue, rejetée) n'en ont pas.
    fn ordre(s: Statut) -> Option<u8> {
        match s {
            Brouillon => Some(0),
            Deposee => Some(1),
            EnCoursAcheminement => Some(2),
            MiseADisposition | Completee => Some(3),
            ServiceFait => Some(4),
            Mandatee => Some(5),
            MiseADispositionComptable => Some(6),
            Comptabilisee => Some(7),
            MiseEnPaiement => Some(8),
            _ => None,
        }
    }

    /// L'acteur qui fait normalement cette action.
    fn acteur_attendu(action: Action) -> Acteur {
        match action {
            Action::Enregistrer | Action::ValiderEtEnvoyer | Action::Recycler | Action::Completer => {
                Acteur::Fournisseur
            }
            Action::Acheminer | Action::MettreADisposition => Acteur::Systeme,
            Action::Traiter(MiseADispositionComptable | Comptabilisee | MiseEnPaiement) => Acteur::Comptable,
            Action::Traiter(_) => Acteur::Destinataire,
            Action::Valider | Action::Refuser | Action::SignalerErreurDeValideur => Acteur::PremierValideur,
            Action::CorrigerValideur => Acteur::Fournisseur,
            Action::ConstaterAbsenceDeValidation | Action::Transmettre => Acteur::Systeme,
            Action::PrendreEnCompte
            | Action::DemanderComplement
            | Action::TransmettreMoa
            | Action::TransmettreServiceFinancier
            | Action::NotifierDecompteGeneral => Acteur::Moe,
            Action::SignerDecompteGeneral
            | Action::DeposerProjetDecompteGeneral
            | Action::DeposerDecompteGeneralTacite => Acteur::Fournisseur,
        }
    }

    /// Un pas au hasard, avec une bonne chance d'être plausible (acteur attendu, motif donné,
    /// suspension et complément fréquents) pour explorer les parcours profonds.
    fn pas_quelconque() -> impl Strategy<Value = (Action, Acteur, Option<&'static str>, bool)> {
        let motif = prop::sample::select(vec![
            None,
            Some(""),
            Some("  "),
            Some("Pièce manquante"),
            Some("Prix faux"),
            Some(LONG),
        ]);
        let action = prop_oneof![
            3 => prop::sample::select(actions()),
            1 => Just(Action::Traiter(Suspendue)),
            1 => Just(Action::Completer),
            1 => Just(Action::Recycler),
            1 => Just(Action::Traiter(ARecycler)),
        ];
        (action, prop::option::weighted(0.3, prop::sample::select(ACTEURS.to_vec())), motif, any::<bool>())
            .prop_map(|(action, acteur, motif, a_recycler)| {
                (action, acteur.unwrap_or_else(|| acteur_attendu(action)), motif, a_recycler)
            })
    }

    const LONG: &str = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\
                        xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\
                        xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";

    /// Un parcours qui commence par l'envoi : les tirages au hasard avancent plus loin.
    fn prefixe() -> impl Strategy<Value = Vec<(Action, Acteur, Option<&'static str>, bool)>> {
        prop::sample::select(vec![
            vec![],
            vec![(Action::ValiderEtEnvoyer, Acteur::Fournisseur, None, false)],
            vec![
                (Action::ValiderEtEnvoyer, Acteur::Fournisseur, None, false),
                (Action::Acheminer, Acteur::Systeme, None, false),
                (Action::MettreADisposition, Acteur::Systeme, None, false),
            ],
        ])
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        #[test]
        fn le_cycle_de_vie_respecte_ses_regles(
            debut in prefixe(),
            pas in prop::collection::vec(pas_quelconque(), 0..60),
            mise_en_paiement_non_remontee in any::<bool>(),
            avoir in any::<bool>(),
        ) {
            let mut courant: Option<Statut> = None;
            let mut historique: Vec<Statut> = Vec::new();
            let mut dernier_ordre: Option<u8> = None;
            for (action, acteur, motif, a_recycler_autorise) in debut.into_iter().chain(pas) {
                let ctx = Contexte {
                    motif,
                    // L'appelant tient l'information à jour à partir de l'historique.
                    deja_suspendue: historique.contains(&Suspendue),
                    mise_en_paiement_non_remontee,
                    a_recycler_autorise,
                    avoir,
                    ..Contexte::default()
                };
                let resultat = transition(courant, action, acteur, &ctx);
                if courant.is_some_and(Statut::est_final) {
                    prop_assert!(resultat.is_err(), "action acceptée après {:?} : {:?}", courant, action);
                }
                let Ok(nouveau) = resultat else { continue };

                // Le rang de traitement ne recule que par les chemins du fournisseur.
                if let Some(o) = ordre(nouveau) {
                    if let Some(avant) = dernier_ordre {
                        let chemin_fournisseur = matches!(action, Action::Recycler | Action::Completer);
                        prop_assert!(
                            o >= avant || chemin_fournisseur,
                            "recul de {:?} (ordre {}) après l'ordre {} par {:?}", nouveau, o, avant, action
                        );
                    }
                    dernier_ordre = Some(o);
                }
                if let (Action::Traiter(_), Some(avant), Some(apres)) =
                    (action, courant.and_then(Statut::rang_traitement), nouveau.rang_traitement())
                {
                    prop_assert!(apres > avant);
                }
                // Les motifs obligatoires ont bien été donnés.
                if matches!(nouveau, Suspendue | Rejetee) {
                    let m = motif.map(str::trim).unwrap_or("");
                    prop_assert!(!m.is_empty() && m.chars().count() <= MOTIF_LONGUEUR_MAX);
                }
                if mise_en_paiement_non_remontee || avoir {
                    prop_assert_ne!(nouveau, MiseEnPaiement);
                }

                // L'historique ne fait que s'allonger.
                let ancien = historique.clone();
                historique.push(nouveau);
                prop_assert_eq!(historique.len(), ancien.len() + 1);
                prop_assert_eq!(&historique[..ancien.len()], &ancien[..]);
                courant = Some(nouveau);
            }
            prop_assert!(historique.iter().filter(|s| **s == Suspendue).count() <= 1);
            // Après un statut final, plus rien n'a été ajouté.
            if let Some(i) = historique.iter().position(|s| s.est_final()) {
                prop_assert_eq!(i, historique.len() - 1);
            }
        }
    }
}
