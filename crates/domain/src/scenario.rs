//! Les scénarios d'exercice (`fixtures/scenarios/*.toml`, décrits dans `docs/scenarios.md`) :
//! une situation professionnelle, le comportement scripté des autres parties (l'acheteur
//! public), des objectifs vérifiés sur le journal du bac à sable, des indices et un débriefing.
//!
//! Ici, la forme du fichier et ses contrôles ([`controler`], avec numéros de ligne), la règle
//! qui dit quand l'acheteur scripté agit ([`Regle::concerne`]) et l'évaluation des objectifs
//! sur des faits déjà lus ([`Faits`]) : rien ne lit de fichier ni de base.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::Statut;
use crate::siret::Siret;
use crate::statut::{CIBLES_ACHETEUR, MOTIF_LONGUEUR_MAX};

/// Nombre d'indices au plus par objectif (trois niveaux, du plus discret au plus explicite).
pub const INDICES_MAX: usize = 3;

/// Délai maximal d'une règle de l'acheteur scripté, en jours.
pub const APRES_JOURS_MAX: u32 = 365;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Identifiant stable (lettres minuscules, chiffres, tirets) : la progression s'y rattache.
    pub id: String,
    pub titre: String,
    pub niveau: Niveau,
    /// Durée estimée, en minutes.
    pub duree_minutes: u32,
    /// Les points du programme de la formation couverts.
    pub programme: Vec<ItemProgramme>,
    /// La situation, racontée au stagiaire (texte, paragraphes séparés par une ligne vide).
    pub briefing: String,
    #[serde(default)]
    pub depart: Depart,
    /// Le comportement scripté des autres parties : l'acheteur public et son comptable, les
    /// valideurs, les gestionnaires des structures simulées.
    #[serde(default, rename = "partie", alias = "acheteur")]
    pub regles: Vec<Regle>,
    #[serde(rename = "objectif")]
    pub objectifs: Vec<Objectif>,
    /// Le mot de la fin, quand tous les objectifs sont atteints.
    #[serde(default)]
    pub conclusion: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Niveau {
    Decouverte,
    Intermediaire,
    Avance,
}

impl Niveau {
    pub fn libelle(self) -> &'static str {
        match self {
            Niveau::Decouverte => "Découverte",
            Niveau::Intermediaire => "Intermédiaire",
            Niveau::Avance => "Avancé",
        }
    }
}

/// Comment l'exercice est fait.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Pas à pas : l'étape en cours et ses indices sont montrés d'emblée.
    Decouverte,
    /// Indices à la demande, comptés ; les essais aussi.
    Entrainement,
    /// La mise en situation : pas d'indice, une seule réponse par question, le débriefing à la
    /// fin seulement.
    Evaluation,
}

impl Mode {
    pub const TOUS: [Mode; 3] = [Mode::Decouverte, Mode::Entrainement, Mode::Evaluation];

    pub fn code(self) -> &'static str {
        match self {
            Mode::Decouverte => "decouverte",
            Mode::Entrainement => "entrainement",
            Mode::Evaluation => "evaluation",
        }
    }

    pub fn depuis_code(code: &str) -> Option<Mode> {
        Mode::TOUS.into_iter().find(|m| m.code() == code)
    }

    pub fn libelle(self) -> &'static str {
        match self {
            Mode::Decouverte => "Découverte (pas à pas)",
            Mode::Entrainement => "Entraînement (indices à la demande)",
            Mode::Evaluation => "Évaluation (mise en situation, sans indice)",
        }
    }

    /// Le nom court, pour un tableau ou une liste de choix.
    pub fn nom(self) -> &'static str {
        match self {
            Mode::Decouverte => "Découverte",
            Mode::Entrainement => "Entraînement",
            Mode::Evaluation => "Évaluation",
        }
    }

    /// Ce que le mode change pour le stagiaire.
    pub fn description(self) -> &'static str {
        match self {
            Mode::Decouverte => {
                "l'étape en cours est signalée et ses indices sont affichés : pour une première fois."
            }
            Mode::Entrainement => {
                "les indices s'ouvrent à la demande, un par un ; indices et essais sont comptés."
            }
            Mode::Evaluation => {
                "aucun indice, une seule réponse par question, le résultat et le débriefing à la fin : la mise en situation."
            }
        }
    }

    pub fn indices_permis(self) -> bool {
        self != Mode::Evaluation
    }
}

pub use crate::programme::ItemProgramme;

/// L'état du bac à sable au début de l'exercice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Depart {
    /// Le stagiaire doit déjà avoir sa structure fournisseur, prête à facturer.
    #[serde(default = "vrai")]
    pub structure_requise: bool,
    /// Factures déjà là au début (un brouillon oublié, une facture à corriger par un avoir).
    #[serde(default, rename = "facture")]
    pub factures: Vec<FactureDepart>,
    /// Messages déjà dans la messagerie (un hameçonnage, un collègue trop curieux).
    #[serde(default, rename = "message")]
    pub messages: Vec<MessageDepart>,
    /// Documents remis au stagiaire : bon de commande, lettre de l'acheteur…
    #[serde(default, rename = "document")]
    pub documents: Vec<DocumentDepart>,
    /// Les marchés de travaux de l'exercice : leur fiche d'identité est remise au stagiaire (en
    /// PDF) et consultable dans « Factures de travaux ».
    #[serde(default, rename = "marche")]
    pub marches: Vec<crate::travaux::FicheMarche>,
    /// Des factures structurées « produites par le logiciel de facturation » du stagiaire, qu'il
    /// télécharge depuis la page de l'exercice et dépose comme flux.
    #[serde(default, rename = "fichier")]
    pub fichiers: Vec<FichierDepart>,
}

/// Un fichier de factures structurées remis au stagiaire : une facture en XML (`.xml`) ou en
/// Factur-X (`.pdf`), ou un lot de plusieurs dans une archive (`.zip`). Le vendeur est la structure du stagiaire ; le
/// fichier est écrit au moment où il le télécharge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FichierDepart {
    /// Le nom du fichier : `….xml` (ou `….pdf` en Factur-X) pour une facture, `….zip` pour un lot.
    pub nom: String,
    /// `cii` (par défaut), `ubl` ou `facturx` (un PDF/A-3 qui porte sa CII).
    #[serde(default = "cii")]
    pub syntaxe: String,
    /// Les factures du fichier (mêmes rubriques que `[[depart.facture]]`).
    #[serde(rename = "facture")]
    pub factures: Vec<FactureDepart>,
}

fn cii() -> String {
    "cii".into()
}

/// Un document de l'exercice, que le stagiaire ouvre en PDF depuis la page de l'exercice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentDepart {
    /// « Bon de commande n° BC-2026-0147 », « Fiche d'identité du marché »…
    pub titre: String,
    /// Qui l'a émis (l'acheteur public, en général).
    pub emetteur: String,
    /// Les rubriques du document, dans l'ordre : `[["Engagement juridique", "2100045871"], …]`.
    #[serde(default)]
    pub champs: Vec<(String, String)>,
    /// Le texte libre qui suit (paragraphes séparés par une ligne vide).
    #[serde(default)]
    pub texte: String,
}

fn vrai() -> bool {
    true
}

impl Depart {
    /// Le stagiaire doit avoir sa structure : l'exercice le demande, ou il commence avec des
    /// factures à son nom.
    pub fn demande_une_structure(&self) -> bool {
        self.structure_requise || !self.factures.is_empty()
    }
}

impl Default for Depart {
    fn default() -> Self {
        Depart {
            structure_requise: true,
            factures: Vec::new(),
            messages: Vec::new(),
            documents: Vec::new(),
            marches: Vec::new(),
            fichiers: Vec::new(),
        }
    }
}

/// Une facture du point de départ, saisie par le stagiaire avant l'exercice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FactureDepart {
    pub numero: String,
    pub destinataire: String,
    #[serde(default)]
    pub code_service: String,
    #[serde(default)]
    pub numero_engagement: String,
    pub designation: String,
    #[serde(default = "un_texte")]
    pub quantite: String,
    pub prix_unitaire_ht: String,
    #[serde(default = "vingt")]
    pub taux_tva: String,
    /// Datée de tant de jours avant le début de l'exercice.
    #[serde(default)]
    pub jours_avant: u32,
    /// `false` : restée en brouillon ; `true` : envoyée (mise à disposition du destinataire,
    /// ou de son valideur pour une facture de sous-traitant ou de cotraitant).
    #[serde(default)]
    pub envoyee: bool,
    /// Le cadre de facturation (code de l'API) ; A1 par défaut.
    #[serde(default)]
    pub cadre: Option<String>,
    /// Le SIRET du valideur, pour les cadres A9 et A12.
    #[serde(default)]
    pub valideur: Option<String>,
}

fn un_texte() -> String {
    "1".into()
}

fn vingt() -> String {
    "20".into()
}

/// Un message déjà dans la messagerie au début de l'exercice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessageDepart {
    /// Référence du message dans le scénario, pour les objectifs.
    pub id: String,
    pub expediteur: String,
    pub objet: String,
    pub corps: String,
    /// Un piège : le bouton « Suivre le lien » mène à une page qui le dit (et le journal le
    /// note) ; l'adresse affichée dans le corps est celle que verrait la victime.
    #[serde(default)]
    pub piege: bool,
}

/// Une partie simulée qu'un scénario peut scripter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Partie {
    /// Le destinataire public (ordonnateur, service gestionnaire).
    Destinataire,
    /// Le comptable public du destinataire.
    Comptable,
    /// Le titulaire ou le mandataire qui valide une facture de sous-traitant ou de cotraitant.
    Valideur,
    /// Le gestionnaire principal simulé d'une structure, qui répond aux demandes de rattachement.
    Gestionnaire,
    /// La maîtrise d'œuvre d'un marché de travaux.
    Moe,
    /// La maîtrise d'ouvrage d'un marché de travaux.
    Moa,
}

impl Partie {
    pub fn libelle(self) -> &'static str {
        match self {
            Partie::Destinataire => "le destinataire",
            Partie::Comptable => "le comptable",
            Partie::Valideur => "le valideur",
            Partie::Gestionnaire => "le gestionnaire principal",
            Partie::Moe => "la maîtrise d'œuvre",
            Partie::Moa => "la maîtrise d'ouvrage",
        }
    }
}

/// La réponse scriptée d'un gestionnaire principal à une demande de rattachement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DecisionRattachement {
    Accepter,
    Refuser,
}

/// Une règle d'une partie simulée : quand une facture (ou une demande de rattachement)
/// correspond, la partie fait `action` (ou répond au rattachement, ou se tait) `apres_jours`
/// jours après que la facture est arrivée au statut déclencheur. Une règle joue au plus une fois
/// par facture ; tant qu'elle attend, la partie ne fait rien d'autre de la facture. Les règles de
/// l'acheteur s'écrivent `[[acheteur]]` ou `[[partie]]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Regle {
    /// Qui agit ; sans précision, déduit de l'action.
    #[serde(default)]
    pub qui: Option<Partie>,
    #[serde(default)]
    pub quand: Declencheur,
    #[serde(default)]
    pub apres_jours: u32,
    /// Le statut que donne la partie : le destinataire ou son comptable, ou le valideur
    /// (`VALIDEE_1`, `REFUSEE_1`, `ERREUR_FOURNISSEUR_SUR_VALIDEUR`…).
    #[serde(default)]
    pub action: Option<Statut>,
    /// La réponse d'un gestionnaire principal simulé à une demande de rattachement.
    #[serde(default)]
    pub rattachement: Option<DecisionRattachement>,
    /// La partie ne répond pas (un valideur qui laisse passer ses 15 jours).
    #[serde(default)]
    pub silence: bool,
    /// Obligatoire pour un rejet ou une suspension ; pour un refus du valideur, le code d'un motif
    /// de la liste (`MONTANT_NON_CONFORME`…).
    #[serde(default)]
    pub motif: String,
    /// La précision d'un refus du valideur.
    #[serde(default)]
    pub precision: String,
    /// Avec « Mandatée » : le numéro de mandat.
    #[serde(default)]
    pub numero_mandat: String,
    /// La maîtrise d'œuvre (ou d'ouvrage) qui transmet, valide ou notifie un décompte : le
    /// montant HT qu'elle admet (« 11900,00 ») ; sans lui, le montant demandé.
    #[serde(default)]
    pub montant_admis_ht: Option<String>,
}

/// Ce qui déclenche une règle : le statut de la facture et, au choix, son destinataire, son
/// service, la présence de son engagement juridique, son valideur ; pour le gestionnaire, la
/// structure demandée.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Declencheur {
    #[serde(default = "mise_a_disposition")]
    pub statut: Statut,
    /// SIRET du destinataire.
    #[serde(default)]
    pub destinataire: Option<String>,
    /// Le code service saisi sur la facture.
    #[serde(default)]
    pub code_service: Option<String>,
    /// Tout code service sauf celui-ci (une facture adressée au mauvais service).
    #[serde(default)]
    pub sauf_code_service: Option<String>,
    /// `true` : facture sans numéro d'engagement ; `false` : avec.
    #[serde(default)]
    pub sans_engagement: Option<bool>,
    /// SIRET du valideur à qui la facture est soumise.
    #[serde(default)]
    pub valideur: Option<String>,
    /// SIRET de la structure dont le gestionnaire reçoit la demande de rattachement.
    #[serde(default)]
    pub structure: Option<String>,
    /// Une facture dont le total HT dépasse ce montant (par exemple, celui de l'acte spécial
    /// de sous-traitance), en euros : « 4200 » ou « 4200,00 ».
    #[serde(default)]
    pub montant_ht_superieur_a: Option<String>,
}

fn mise_a_disposition() -> Statut {
    Statut::MiseADisposition
}

impl Default for Declencheur {
    fn default() -> Self {
        Declencheur {
            statut: Statut::MiseADisposition,
            destinataire: None,
            code_service: None,
            sauf_code_service: None,
            sans_engagement: None,
            valideur: None,
            structure: None,
            montant_ht_superieur_a: None,
        }
    }
}

/// Ce que la règle regarde d'une facture.
#[derive(Debug, Clone, Copy)]
pub struct FactureVue<'a> {
    pub statut: Statut,
    pub destinataire: &'a str,
    pub code_service: &'a str,
    pub numero_engagement: &'a str,
    /// Le SIRET du valideur au niveau où la facture attend (vide hors validation).
    pub valideur: &'a str,
    pub total_ht: rust_decimal::Decimal,
}

impl Regle {
    /// La partie qui joue la règle.
    pub fn partie(&self) -> Partie {
        if let Some(qui) = self.qui {
            return qui;
        }
        if self.rattachement.is_some() {
            return Partie::Gestionnaire;
        }
        match self.action {
            Some(
                Statut::PriseEnCompteMoe
                | Statut::RefuseeMoe
                | Statut::ErreurFournisseurSurMoe
                | Statut::ACompleter
                | Statut::TransmiseMoa,
            ) => Partie::Moe,
            Some(Statut::PriseEnCompteMoa | Statut::RefuseeMoa | Statut::ErreurFournisseurSurMoa) => {
                Partie::Moa
            }
            _ if matches!(self.quand.statut, Statut::MiseADispositionMoe | Statut::PriseEnCompteMoe) => {
                Partie::Moe
            }
            _ if matches!(self.quand.statut, Statut::MiseADispositionMoa | Statut::PriseEnCompteMoa) => {
                Partie::Moa
            }
            Some(s) if s.est_de_validation() => Partie::Valideur,
            Some(s) if crate::statut::acteur_de(s) == crate::statut::Acteur::Comptable => Partie::Comptable,
            Some(_) => Partie::Destinataire,
            None if self.quand.statut.est_de_validation() => Partie::Valideur,
            None => Partie::Destinataire,
        }
    }

    /// La règle s'applique-t-elle à cette facture, dans son statut actuel ?
    pub fn concerne(&self, f: &FactureVue<'_>) -> bool {
        let q = &self.quand;
        self.partie() != Partie::Gestionnaire
            && q.statut == f.statut
            && q.destinataire.as_deref().is_none_or(|d| d == f.destinataire)
            && q.code_service.as_deref().is_none_or(|s| s == f.code_service)
            && q.sauf_code_service.as_deref().is_none_or(|s| s != f.code_service)
            && q.sans_engagement.is_none_or(|sans| sans == f.numero_engagement.trim().is_empty())
            && q.valideur.as_deref().is_none_or(|v| v == f.valideur)
            && q.montant_ht_superieur_a
                .as_deref()
                .is_none_or(|m| lire_montant(m).is_some_and(|m| f.total_ht > m))
    }

    /// La règle d'un gestionnaire s'applique-t-elle à une demande de rattachement à cette
    /// structure ?
    pub fn concerne_la_demande(&self, structure: &str) -> bool {
        self.partie() == Partie::Gestionnaire
            && self.quand.structure.as_deref().is_none_or(|s| s == structure)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Objectif {
    pub id: String,
    /// Ce que le stagiaire doit faire, dit simplement.
    pub libelle: String,
    pub verification: Verification,
    #[serde(default = "un")]
    pub points: u32,
    /// Du plus discret au plus explicite.
    #[serde(default)]
    pub indices: Vec<String>,
    /// Ce qu'il fallait faire, avec la règle et sa référence : montré au débriefing.
    pub explication: String,
}

fn un() -> u32 {
    1
}

/// Ce qui dit qu'un objectif est atteint, vérifié sur le journal et l'état du bac à sable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Verification {
    /// Une facture du stagiaire (vers `destinataire` s'il est donné) a atteint ce statut.
    StatutAtteint {
        statut: Statut,
        #[serde(default)]
        destinataire: Option<String>,
    },
    /// Aucune facture n'a jamais eu ce statut (par exemple : jamais rejetée).
    StatutJamaisAtteint { statut: Statut },
    /// Une facture envoyée à `destinataire` portait un numéro d'engagement.
    EnvoyeeAvecEngagement { destinataire: String },
    /// Une facture envoyée à `destinataire` portait ce code service.
    EnvoyeeAuService { destinataire: String, code_service: String },
    /// Aucune facture ne reste en brouillon.
    AucunBrouillon,
    /// Aucune facture n'est restée à ce statut (par exemple : « À recycler » jamais recyclée).
    AucuneFactureAuStatut { statut: Statut },
    /// Un avoir envoyé à ce destinataire.
    AvoirEnvoye { destinataire: String },
    /// Une facture envoyée dans ce cadre (A9, A12) qui désigne ce valideur.
    EnvoyeeAvecValideur { cadre: crate::facture::CadreFacturation, valideur: String },
    /// Un projet de décompte déposé dans ce cadre (A4, A7, A10…), qui désigne cette maîtrise
    /// d'œuvre si elle est donnée.
    DecompteDepose {
        cadre: crate::facture::CadreFacturation,
        #[serde(default)]
        moe: Option<String>,
    },
    /// Une pièce de ce cadre (A8 : le DGD signé, A22, A23…) déposée dans un dossier de travaux.
    PieceDeposee { cadre: crate::facture::CadreFacturation },
    /// Un flux déposé par le stagiaire a fini dans cet état (`IN_INTEGRE`, `IN_INTEGRE_PARTIEL`,
    /// `IN_REJETE`) ; avec `destinataire`, il a intégré une facture pour lui ; avec `regle`, son
    /// compte rendu porte cette erreur (`SERVICE_OBLIGATOIRE`, `DESTINATAIRE_INCONNU`…).
    FluxTraite {
        etat: String,
        #[serde(default)]
        destinataire: Option<String>,
        #[serde(default)]
        regle: Option<String>,
    },
    /// Le stagiaire a sa structure fournisseur (créée, ou rejointe et validée).
    StructureCreee,
    /// Le stagiaire est rattaché (rattachement validé) à la structure de ce SIRET.
    RattacheA { siret: String },
    /// Une question posée sur la page de l'exercice ; une des réponses attendues (les
    /// nombres se comparent en valeur : « 50 », « 50,00 » et « 50 jours » se valent).
    Reponse { question: String, attendues: Vec<String> },
    /// Une question à choix ; `bonne` compte à partir de 1.
    Choix { question: String, options: Vec<String>, bonne: usize },
    /// Le montant des intérêts moratoires d'une facture payée en retard, au centime.
    InteretsMoratoires { question: String },
    /// Le message (du départ) a été signalé comme frauduleux.
    MessageSignale { message: String },
    /// Le lien piégé du message n'a jamais été suivi.
    LienJamaisSuivi { message: String },
}

impl Verification {
    /// La question posée au stagiaire, pour les objectifs qui en sont une.
    pub fn question(&self) -> Option<&str> {
        match self {
            Verification::Reponse { question, .. }
            | Verification::Choix { question, .. }
            | Verification::InteretsMoratoires { question } => Some(question),
            _ => None,
        }
    }
}

/// Un montant en euros écrit dans un scénario : « 4200 », « 4200,00 », « 4 200 € ».
fn lire_montant(texte: &str) -> Option<rust_decimal::Decimal> {
    let t: String = texte.chars().filter(|c| !c.is_whitespace() && *c != '€').collect();
    t.replace(',', ".").parse().ok()
}

/// Une réponse telle que comparée : sans espaces ni casse, l'unité (€, jours, %) retirée, la
/// virgule décimale lue comme un point ; un nombre se compare en valeur.
fn meme_reponse(donnee: &str, attendue: &str) -> bool {
    fn forme(s: &str) -> String {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase();
        let s = s.trim_end_matches('€').trim_end_matches("euros").trim_end_matches("jours");
        s.trim_end_matches('%').replace(',', ".")
    }
    let (d, a) = (forme(donnee), forme(attendue));
    match (d.parse::<rust_decimal::Decimal>(), a.parse::<rust_decimal::Decimal>()) {
        (Ok(x), Ok(y)) => x == y,
        _ => !d.is_empty() && d == a,
    }
}

/// Une facture du bac telle que les vérifications la voient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactureFaits {
    /// `FACTURE` ou `AVOIR`.
    pub type_facture: String,
    pub destinataire: String,
    pub code_service: String,
    pub numero_engagement: String,
    pub statut: Statut,
    /// Tous les statuts qu'elle a eus, d'après le journal.
    pub statuts: BTreeSet<Statut>,
    pub cadre: crate::facture::CadreFacturation,
    /// Le SIRET du premier valideur (A9, A12), vide sinon.
    pub valideur: String,
    /// Travaux : le SIRET de la maîtrise d'œuvre désignée, vide sinon.
    pub moe: String,
    /// Travaux : les cadres des pièces déposées dans le dossier (état d'acompte, DGD…).
    pub pieces: BTreeSet<crate::facture::CadreFacturation>,
}

/// Ce que les vérifications lisent d'un bac à sable.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Faits {
    pub factures: Vec<FactureFaits>,
    /// Les intérêts moratoires dus sur les factures payées en retard.
    pub interets_moratoires: Vec<rust_decimal::Decimal>,
    /// SIRET des structures auxquelles le stagiaire est rattaché (rattachement validé).
    pub structures: BTreeSet<String>,
    /// Réponses données aux questions de l'exercice, par objectif.
    pub reponses: std::collections::BTreeMap<String, String>,
    /// Messages du départ signalés comme frauduleux, et ceux dont le lien piégé a été suivi.
    pub messages_signales: BTreeSet<String>,
    pub liens_suivis: BTreeSet<String>,
    /// Les flux déposés par le stagiaire et arrivés au bout de leur traitement.
    pub flux: Vec<FluxFaits>,
}

/// Un flux traité : son état final, les destinataires des factures qu'il a intégrées, les
/// règles des erreurs de son compte rendu.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FluxFaits {
    pub etat: String,
    pub destinataires_integres: BTreeSet<String>,
    pub regles: BTreeSet<String>,
}

impl Verification {
    /// `objectif` : l'identifiant de l'objectif, sous lequel sa réponse est rangée.
    pub fn verifiee(&self, objectif: &str, faits: &Faits) -> bool {
        let envoyee = |f: &&FactureFaits| f.statut != Statut::Brouillon;
        let reponse = faits.reponses.get(objectif).map(String::as_str);
        match self {
            Verification::StatutAtteint { statut, destinataire } => faits.factures.iter().any(|f| {
                f.statuts.contains(statut) && destinataire.as_deref().is_none_or(|d| d == f.destinataire)
            }),
            Verification::StatutJamaisAtteint { statut } => {
                !faits.factures.iter().any(|f| f.statuts.contains(statut))
            }
            Verification::EnvoyeeAvecEngagement { destinataire } => faits
                .factures
                .iter()
                .filter(envoyee)
                .any(|f| f.destinataire == *destinataire && !f.numero_engagement.trim().is_empty()),
            Verification::EnvoyeeAuService { destinataire, code_service } => faits
                .factures
                .iter()
                .filter(envoyee)
                .any(|f| f.destinataire == *destinataire && f.code_service == *code_service),
            Verification::AucunBrouillon => !faits.factures.iter().any(|f| f.statut == Statut::Brouillon),
            Verification::AucuneFactureAuStatut { statut } => {
                !faits.factures.iter().any(|f| f.statut == *statut)
            }
            Verification::AvoirEnvoye { destinataire } => faits
                .factures
                .iter()
                .filter(envoyee)
                .any(|f| f.type_facture == "AVOIR" && f.destinataire == *destinataire),
            Verification::EnvoyeeAvecValideur { cadre, valideur } => {
                faits.factures.iter().filter(envoyee).any(|f| f.cadre == *cadre && f.valideur == *valideur)
            }
            Verification::DecompteDepose { cadre, moe } => faits
                .factures
                .iter()
                .filter(envoyee)
                .any(|f| f.cadre == *cadre && moe.as_deref().is_none_or(|m| m == f.moe)),
            Verification::PieceDeposee { cadre } => faits.factures.iter().any(|f| f.pieces.contains(cadre)),
            Verification::FluxTraite { etat, destinataire, regle } => faits.flux.iter().any(|f| {
                f.etat == *etat
                    && destinataire.as_ref().is_none_or(|d| f.destinataires_integres.contains(d))
                    && regle.as_ref().is_none_or(|r| f.regles.contains(r))
            }),
            Verification::StructureCreee => !faits.structures.is_empty(),
            Verification::RattacheA { siret } => faits.structures.contains(siret),
            Verification::Reponse { attendues, .. } => {
                reponse.is_some_and(|r| attendues.iter().any(|a| meme_reponse(r, a)))
            }
            Verification::Choix { bonne, .. } => reponse.is_some_and(|r| r.trim() == bonne.to_string()),
            Verification::InteretsMoratoires { .. } => reponse
                .is_some_and(|r| faits.interets_moratoires.iter().any(|i| meme_reponse(r, &i.to_string()))),
            Verification::MessageSignale { message } => faits.messages_signales.contains(message),
            Verification::LienJamaisSuivi { message } => !faits.liens_suivis.contains(message),
        }
    }

    /// Un objectif « négatif » (ne jamais…, ne rien laisser…) est tenu dès le début : il ne
    /// rapporte ses points qu'une fois les objectifs à atteindre tous atteints.
    /// Une interdiction qui porte sur l'état final (« aucun brouillon », « aucune facture
    /// suspendue ») : enfreinte, elle se rattrape encore. Tant que l'exercice dure, elle est « à
    /// faire », pas « pas respectée » : un brouillon posé par le départ de l'exercice ne doit pas
    /// s'afficher comme une faute avant que le stagiaire ait agi.
    pub fn se_rattrape(&self) -> bool {
        matches!(self, Verification::AucunBrouillon | Verification::AucuneFactureAuStatut { .. })
    }

    pub fn est_une_interdiction(&self) -> bool {
        matches!(
            self,
            Verification::StatutJamaisAtteint { .. }
                | Verification::AucunBrouillon
                | Verification::AucuneFactureAuStatut { .. }
                | Verification::LienJamaisSuivi { .. }
        )
    }
}

/// Où en est un objectif.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Etat {
    Atteint,
    AFaire,
    /// Une interdiction tenue jusqu'ici, alors que l'exercice n'est pas fini.
    Respecte,
    /// Une interdiction enfreinte.
    Enfreint,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EtatObjectif<'a> {
    pub objectif: &'a Objectif,
    pub etat: Etat,
}

impl EtatObjectif<'_> {
    pub fn atteint(&self) -> bool {
        self.etat == Etat::Atteint
    }
}

/// Le résultat d'un scénario sur un bac à sable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resultat<'a> {
    pub objectifs: Vec<EtatObjectif<'a>>,
    pub points: u32,
    pub points_max: u32,
    /// Tous les objectifs « à faire » sont atteints et aucune interdiction n'est enfreinte.
    pub reussi: bool,
}

impl Scenario {
    pub fn evaluer(&self, faits: &Faits) -> Resultat<'_> {
        let verifies: Vec<bool> =
            self.objectifs.iter().map(|o| o.verification.verifiee(&o.id, faits)).collect();
        let a_faire_atteints =
            self.objectifs.iter().zip(&verifies).all(|(o, &v)| v || o.verification.est_une_interdiction());
        let objectifs: Vec<EtatObjectif<'_>> = self
            .objectifs
            .iter()
            .zip(verifies)
            .map(|(o, v)| {
                let etat = match (o.verification.est_une_interdiction(), v) {
                    (false, true) => Etat::Atteint,
                    (false, false) => Etat::AFaire,
                    (true, false) if o.verification.se_rattrape() => Etat::AFaire,
                    (true, false) => Etat::Enfreint,
                    (true, true) if a_faire_atteints => Etat::Atteint,
                    (true, true) => Etat::Respecte,
                };
                EtatObjectif { objectif: o, etat }
            })
            .collect();
        let points = objectifs.iter().filter(|e| e.atteint()).map(|e| e.objectif.points).sum();
        let points_max = self.objectifs.iter().map(|o| o.points).sum();
        let reussi = objectifs.iter().all(EtatObjectif::atteint);
        Resultat { objectifs, points, points_max, reussi }
    }
}

/// Un défaut d'un fichier de scénario, avec sa ligne (1 pour le début du fichier).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Defaut {
    pub ligne: usize,
    pub message: String,
}

impl std::fmt::Display for Defaut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ligne {} : {}", self.ligne, self.message)
    }
}

/// Lit et contrôle un fichier de scénario. Toutes les erreurs de sens sont rapportées, chacune
/// avec la ligne de la table en cause.
pub fn controler(texte: &str) -> Result<Scenario, Vec<Defaut>> {
    let scenario: Scenario = lire_toml(texte)?;
    let mut defauts = Vec::new();
    let mut defaut = |ligne: usize, message: String| defauts.push(Defaut { ligne, message });
    let ligne_cle = |cle: &str| ligne_de_la_cle(texte, cle).unwrap_or(1);

    if !est_un_identifiant(&scenario.id) {
        defaut(
            ligne_cle("id"),
            "l'identifiant ne doit contenir que des minuscules sans accent, des chiffres et des tirets"
                .into(),
        );
    }
    for (cle, valeur) in [("titre", &scenario.titre), ("briefing", &scenario.briefing)] {
        if valeur.trim().is_empty() {
            defaut(ligne_cle(cle), format!("« {cle} » ne doit pas être vide"));
        }
    }
    if scenario.duree_minutes == 0 || scenario.duree_minutes > 240 {
        defaut(
            ligne_cle("duree_minutes"),
            "la durée estimée doit être comprise entre 1 et 240 minutes".into(),
        );
    }
    if scenario.programme.is_empty() {
        defaut(ligne_cle("programme"), "indiquez au moins un point du programme couvert".into());
    }

    for (i, r) in scenario.regles.iter().enumerate() {
        let table = if texte.contains("[[partie]]") { "partie" } else { "acheteur" };
        let ligne = ligne_de_table(texte, table, i);
        for message in defauts_de_regle(r) {
            let regle = if table == "acheteur" {
                format!("règle de l'acheteur n° {}", i + 1)
            } else {
                format!("règle n° {} ({})", i + 1, r.partie().libelle())
            };
            defaut(ligne, format!("{regle} : {message}"));
        }
    }

    for (i, f) in scenario.depart.factures.iter().enumerate() {
        let ligne = ligne_de_table(texte, "depart.facture", i);
        if let Err(e) = f.destinataire.parse::<Siret>() {
            defaut(
                ligne,
                format!("facture de départ n° {} : destinataire « {} » : {e}", i + 1, f.destinataire),
            );
        }
        if let Some(cadre) = &f.cadre {
            match crate::facture::CadreFacturation::depuis_code(cadre) {
                Err(e) => defaut(ligne, format!("facture de départ n° {} : {e}", i + 1)),
                Ok(c) if c.est_travaux() => defaut(
                    ligne,
                    format!(
                        "facture de départ n° {} : le cadre {} est celui d'une pièce de travaux, qui ne se saisit \
                         pas ; donnez plutôt la fiche du marché ([[depart.marche]])",
                        i + 1,
                        c.code()
                    ),
                ),
                Ok(c) if crate::circuit::Circuit::de(c).exige_un_valideur() => {
                    if let Err(e) = f.valideur.as_deref().unwrap_or("").parse::<Siret>() {
                        defaut(
                            ligne,
                            format!(
                                "facture de départ n° {} : le cadre {} demande un valideur : {e}",
                                i + 1,
                                c.code()
                            ),
                        );
                    }
                }
                Ok(_) => {}
            }
        }
        if f.numero.trim().is_empty() || f.designation.trim().is_empty() {
            defaut(
                ligne,
                format!("facture de départ n° {} : « numero » et « designation » sont obligatoires", i + 1),
            );
        }
    }
    let mut refs = BTreeSet::new();
    for (i, m) in scenario.depart.messages.iter().enumerate() {
        let ligne = ligne_de_table(texte, "depart.message", i);
        if !refs.insert(m.id.as_str()) {
            defaut(
                ligne,
                format!("message de départ n° {} : l'identifiant « {} » est déjà pris", i + 1, m.id),
            );
        }
        if m.objet.trim().is_empty() || m.corps.trim().is_empty() || m.expediteur.trim().is_empty() {
            defaut(
                ligne,
                format!(
                    "message de départ n° {} : « expediteur », « objet » et « corps » sont obligatoires",
                    i + 1
                ),
            );
        }
    }
    for (i, d) in scenario.depart.documents.iter().enumerate() {
        if d.titre.trim().is_empty() || d.emetteur.trim().is_empty() {
            let ligne = ligne_de_table(texte, "depart.document", i);
            defaut(ligne, format!("document n° {} : « titre » et « emetteur » sont obligatoires", i + 1));
        }
    }
    for (i, f) in scenario.depart.fichiers.iter().enumerate() {
        let ligne = ligne_de_table(texte, "depart.fichier", i);
        let attendue = match (f.factures.len() > 1, f.syntaxe.as_str()) {
            (true, _) => ".zip",
            (false, "facturx") => ".pdf",
            (false, _) => ".xml",
        };
        if f.factures.is_empty() {
            defaut(
                ligne,
                format!("fichier n° {} : il faut au moins une « [[depart.fichier.facture]] »", i + 1),
            );
        } else if !f.nom.ends_with(attendue) || f.nom.len() <= attendue.len() {
            defaut(
                ligne,
                format!(
                    "fichier n° {} : « nom » doit finir par {attendue} (une facture : .xml, ou .pdf en Factur-X ; un lot : .zip)",
                    i + 1
                ),
            );
        }
        if !matches!(f.syntaxe.as_str(), "cii" | "ubl" | "facturx") {
            defaut(ligne, format!("fichier n° {} : « syntaxe » vaut cii, ubl ou facturx", i + 1));
        }
    }
    for (i, m) in scenario.depart.marches.iter().enumerate() {
        let ligne = ligne_de_table(texte, "depart.marche", i);
        let sirets = [("maitre_ouvrage", &m.maitre_ouvrage), ("maitre_oeuvre", &m.maitre_oeuvre)]
            .into_iter()
            .chain((!m.titulaire.is_empty()).then_some(("titulaire", &m.titulaire)))
            // Un intervenant sans SIRET est l'entreprise du stagiaire.
            .chain(m.intervenants.iter().filter(|i| !i.siret.is_empty()).map(|i| ("intervenant", &i.siret)));
        for (cle, siret) in sirets {
            if let Err(e) = siret.parse::<Siret>() {
                defaut(ligne, format!("marché n° {} : {cle} « {siret} » : {e}", i + 1));
            }
        }
        if m.intitule.trim().is_empty() || m.numero_marche.trim().is_empty() {
            defaut(
                ligne,
                format!("marché n° {} : « intitule » et « numero_marche » sont obligatoires", i + 1),
            );
        }
    }
    if scenario.objectifs.is_empty() {
        defaut(1, "un scénario doit avoir au moins un objectif ([[objectif]])".into());
    }
    let mut ids = BTreeSet::new();
    for (i, o) in scenario.objectifs.iter().enumerate() {
        let ligne = ligne_de_table(texte, "objectif", i);
        let mut d = |m: String| defaut(ligne, format!("objectif n° {} : {m}", i + 1));
        if !ids.insert(o.id.as_str()) {
            d(format!("l'identifiant « {} » est déjà pris par un autre objectif", o.id));
        }
        if o.libelle.trim().is_empty() || o.explication.trim().is_empty() {
            d("« libelle » et « explication » sont obligatoires".into());
        }
        if o.indices.len() > INDICES_MAX {
            d(format!("{INDICES_MAX} indices au plus (il y en a {})", o.indices.len()));
        }
        if o.points == 0 {
            d("un objectif vaut au moins 1 point".into());
        }
        let destinataires = match &o.verification {
            Verification::StatutAtteint { destinataire, .. } => destinataire.iter().collect(),
            Verification::EnvoyeeAvecEngagement { destinataire }
            | Verification::EnvoyeeAuService { destinataire, .. }
            | Verification::AvoirEnvoye { destinataire } => vec![destinataire],
            Verification::RattacheA { siret } => vec![siret],
            _ => vec![],
        };
        match &o.verification {
            Verification::Reponse { question, attendues }
                if question.trim().is_empty() || attendues.is_empty() =>
            {
                d("une question demande son texte et au moins une réponse attendue".into());
            }
            Verification::Choix { question, options, bonne } => {
                if question.trim().is_empty() || options.len() < 2 {
                    d("une question à choix demande son texte et au moins deux options".into());
                }
                if *bonne == 0 || *bonne > options.len() {
                    d(format!("« bonne » doit désigner une des {} options (à partir de 1)", options.len()));
                }
            }
            Verification::MessageSignale { message } | Verification::LienJamaisSuivi { message }
                if !scenario.depart.messages.iter().any(|m| m.id == *message) =>
            {
                d(format!("le message « {message} » n'est pas dans [[depart.message]]"));
            }
            _ => {}
        }
        for s in destinataires {
            if let Err(e) = s.parse::<Siret>() {
                d(format!("destinataire « {s} » : {e}"));
            }
        }
    }
    if defauts.is_empty() { Ok(scenario) } else { Err(defauts) }
}

fn defauts_de_regle(r: &Regle) -> Vec<String> {
    let mut d = Vec::new();
    let reponses =
        usize::from(r.action.is_some()) + usize::from(r.rattachement.is_some()) + usize::from(r.silence);
    if reponses != 1 {
        d.push(
            "donnez une réponse, et une seule : « action », « rattachement » ou « silence = true »".into(),
        );
    }
    if r.apres_jours > APRES_JOURS_MAX {
        d.push(format!("« apres_jours » ne peut dépasser {APRES_JOURS_MAX}"));
    }
    if r.motif.chars().count() > MOTIF_LONGUEUR_MAX {
        d.push(format!("le motif dépasse {MOTIF_LONGUEUR_MAX} caractères"));
    }
    for (cle, valeur) in [
        ("destinataire", &r.quand.destinataire),
        ("valideur", &r.quand.valideur),
        ("structure", &r.quand.structure),
    ] {
        if let Some(s) = valeur
            && let Err(e) = s.parse::<Siret>()
        {
            d.push(format!("{cle} « {s} » : {e}"));
        }
    }
    if let Some(m) = &r.quand.montant_ht_superieur_a
        && lire_montant(m).is_none()
    {
        d.push(format!(
            "« montant_ht_superieur_a » : « {m} » n'est pas un montant en euros (par exemple 4200,00)"
        ));
    }
    match r.partie() {
        Partie::Destinataire | Partie::Comptable => defauts_de_l_acheteur(r, &mut d),
        Partie::Valideur => defauts_du_valideur(r, &mut d),
        Partie::Moe | Partie::Moa => defauts_des_maitrises(r, &mut d),
        Partie::Gestionnaire => {
            if r.rattachement.is_none() {
                d.push("le gestionnaire répond à une demande de rattachement : « rattachement = \"ACCEPTER\" » ou « \"REFUSER\" »".into());
            }
        }
    }
    d
}

fn defauts_de_l_acheteur(r: &Regle, d: &mut Vec<String>) {
    if let Some(action) = r.action {
        if !CIBLES_ACHETEUR.contains(&action) {
            d.push(format!(
                "l'action « {} » n'est pas une action de l'acheteur public ou de son comptable",
                action.code()
            ));
        }
        let motif_obligatoire = matches!(action, Statut::Rejetee | Statut::Suspendue);
        if motif_obligatoire && r.motif.trim().is_empty() {
            d.push("un rejet ou une suspension demande un motif".into());
        }
    }
    if r.rattachement.is_some() {
        d.push("seul un gestionnaire répond à une demande de rattachement".into());
    }
    if !matches!(r.quand.statut, Statut::MiseADisposition | Statut::Completee)
        && rang_de_traitement(r.quand.statut).is_none()
    {
        d.push(format!(
            "le statut déclencheur « {} » n'est pas un statut où la facture est chez l'acheteur",
            r.quand.statut.code()
        ));
    }
}

fn defauts_du_valideur(r: &Regle, d: &mut Vec<String>) {
    use crate::circuit::niveau_de_validation;
    let attente = match r.quand.statut {
        Statut::AValider1 => 1,
        Statut::AValider2 => 2,
        autre => {
            d.push(format!(
                "le statut déclencheur d'un valideur est A_VALIDER_1 ou A_VALIDER_2, pas « {} »",
                autre.code()
            ));
            return;
        }
    };
    let Some(action) = r.action else { return };
    let permises: [Statut; 3] = if attente == 1 {
        [Statut::Validee1, Statut::Refusee1, Statut::ErreurFournisseurSurValideur]
    } else {
        [Statut::Validee2, Statut::Refusee2, Statut::ErreurCotraitantSurValideur]
    };
    if !permises.contains(&action) || niveau_de_validation(action) != Some(attente) {
        d.push(format!(
            "l'action « {} » n'est pas une réponse du valideur à ce niveau ({})",
            action.code(),
            permises.map(Statut::code).join(", ")
        ));
        return;
    }
    if matches!(action, Statut::Refusee1 | Statut::Refusee2) {
        match crate::validation::MotifRefus::depuis_code(&r.motif) {
            Some(m) if !m.erreur_de_valideur => {
                if let Err(e) = crate::validation::texte_du_refus(m, &r.precision) {
                    d.push(e);
                }
            }
            _ => d.push(format!(
                "un refus du valideur donne le code d'un motif de la liste : {}",
                crate::validation::MOTIFS_REFUS
                    .iter()
                    .filter(|m| !m.erreur_de_valideur)
                    .map(|m| m.code)
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }
}

/// Une règle de la maîtrise d'œuvre ou d'ouvrage : déclenchée quand la pièce est entre ses
/// mains, une action qu'elle peut faire, un motif quand il le faut, un montant lisible.
fn defauts_des_maitrises(r: &Regle, d: &mut Vec<String>) {
    let moe = r.partie() == Partie::Moe;
    let (declencheurs, actions): (&[Statut], &[Statut]) = if moe {
        (
            &[Statut::MiseADispositionMoe, Statut::PriseEnCompteMoe],
            &[
                Statut::PriseEnCompteMoe,
                Statut::TransmiseMoa,
                Statut::MiseADisposition,
                Statut::AAssocierFournisseur,
                Statut::RefuseeMoe,
                Statut::ErreurFournisseurSurMoe,
                Statut::ACompleter,
            ],
        )
    } else {
        (
            &[Statut::MiseADispositionMoa, Statut::PriseEnCompteMoa],
            &[
                Statut::PriseEnCompteMoa,
                Statut::MiseADisposition,
                Statut::AAssocierFournisseur,
                Statut::RefuseeMoa,
                Statut::ErreurFournisseurSurMoa,
            ],
        )
    };
    let liste = |v: &[Statut]| v.iter().map(|s| s.code()).collect::<Vec<_>>().join(", ");
    if !declencheurs.contains(&r.quand.statut) {
        d.push(format!(
            "le statut déclencheur de {} est {}, pas « {} »",
            r.partie().libelle(),
            liste(declencheurs),
            r.quand.statut.code()
        ));
    }
    if let Some(action) = r.action {
        if !actions.contains(&action) {
            d.push(format!(
                "l'action « {} » n'est pas une action de {} ({})",
                action.code(),
                r.partie().libelle(),
                liste(actions)
            ));
        }
        if action == Statut::RefuseeMoe {
            match crate::travaux::MotifMoe::depuis_code(&r.motif) {
                Some(m) => {
                    if let Err(e) = m.texte(&r.precision) {
                        d.push(e);
                    }
                }
                None => d.push(format!(
                    "un refus de la maîtrise d'œuvre donne le code d'un motif de la liste : {}",
                    crate::travaux::MOTIFS_REFUS_MOE.map(|m| m.code).join(", ")
                )),
            }
        }
        let motif_libre = matches!(
            action,
            Statut::RefuseeMoa
                | Statut::ErreurFournisseurSurMoe
                | Statut::ErreurFournisseurSurMoa
                | Statut::ACompleter
        );
        if motif_libre && r.motif.trim().is_empty() {
            d.push(format!("l'action « {} » demande un motif", action.code()));
        }
    }
    if let Some(m) = &r.montant_admis_ht
        && crate::travaux::lire_montant(m).is_err()
    {
        d.push(format!(
            "« montant_admis_ht » : « {m} » n'est pas un montant en euros (par exemple 11900,00)"
        ));
    }
}

fn rang_de_traitement(s: Statut) -> Option<u8> {
    match s {
        Statut::ServiceFait => Some(1),
        Statut::Mandatee => Some(2),
        Statut::MiseADispositionComptable => Some(3),
        Statut::Comptabilisee => Some(4),
        _ => None,
    }
}

/// Un identifiant stable : minuscules sans accent, chiffres et tirets.
pub(crate) fn est_un_identifiant(id: &str) -> bool {
    !id.is_empty() && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Lit un fichier TOML ; une erreur de syntaxe ou de forme devient un défaut à sa ligne.
pub(crate) fn lire_toml<T: serde::de::DeserializeOwned>(texte: &str) -> Result<T, Vec<Defaut>> {
    toml::from_str(texte).map_err(|e| {
        let ligne = e.span().map(|s| ligne_de(texte, s.start)).unwrap_or(1);
        vec![Defaut { ligne, message: e.message().trim().to_string() }]
    })
}

fn ligne_de(texte: &str, octet: usize) -> usize {
    texte[..octet.min(texte.len())].matches('\n').count() + 1
}

/// La ligne de la `n`-ième table `[[nom]]` (0 pour la première).
pub fn ligne_de_table(texte: &str, nom: &str, n: usize) -> usize {
    let entete = format!("[[{nom}]]");
    texte
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with(&entete))
        .nth(n)
        .map(|(i, _)| i + 1)
        .unwrap_or(1)
}

/// La ligne d'une clé de premier niveau (`cle = …`).
pub(crate) fn ligne_de_la_cle(texte: &str, cle: &str) -> Option<usize> {
    texte
        .lines()
        .position(|l| {
            l.trim_start().strip_prefix(cle).is_some_and(|reste| reste.trim_start().starts_with('='))
        })
        .map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
id = "essai"
titre = "Essai"
niveau = "decouverte"
duree_minutes = 10
programme = ["circuit-facture"]
briefing = "Une situation."

[[acheteur]]
quand = { destinataire = "26236940800063", sans_engagement = true }
apres_jours = 2
action = "REJETEE"
motif = "Engagement juridique manquant."

[[objectif]]
id = "payee"
libelle = "Être payé"
verification = { type = "statut_atteint", statut = "MISE_EN_PAIEMENT" }
explication = "Il faut l'EJ."
"#;

    #[test]
    fn un_scenario_minimal_est_accepte() {
        let s = controler(MINIMAL).unwrap();
        assert_eq!(s.regles.len(), 1);
        assert_eq!(s.regles[0].quand.statut, Statut::MiseADisposition);
        assert!(s.depart.structure_requise);
        assert_eq!(s.objectifs[0].points, 1);
    }

    /// MINIMAL, ses règles remplacées par ces tables `[[partie]]`.
    fn avec_parties(parties: &str) -> String {
        let debut = MINIMAL.find("[[acheteur]]").unwrap();
        let fin = MINIMAL.find("[[objectif]]").unwrap();
        format!("{}{parties}\n{}", &MINIMAL[..debut], &MINIMAL[fin..])
    }

    fn defauts(parties: &str) -> Vec<String> {
        controler(&avec_parties(parties)).err().unwrap_or_default().into_iter().map(|d| d.message).collect()
    }

    #[test]
    fn les_regles_des_autres_parties() {
        let s = controler(&avec_parties(
            "[[partie]]\nquand = { statut = \"A_VALIDER_1\" }\napres_jours = 3\naction = \"REFUSEE_1\"\n\
             motif = \"MONTANT_NON_CONFORME\"\n\n[[partie]]\nquand = { statut = \"A_VALIDER_1\", valideur = \"62211306600055\" }\n\
             silence = true\n\n[[partie]]\nquand = { structure = \"98049212800023\" }\nrattachement = \"REFUSER\"\n\
             motif = \"Inconnu chez nous\"\n",
        ))
        .unwrap();
        let parties: Vec<Partie> = s.regles.iter().map(Regle::partie).collect();
        assert_eq!(parties, [Partie::Valideur, Partie::Valideur, Partie::Gestionnaire]);
        assert!(s.regles[2].concerne_la_demande("98049212800023"));
        assert!(!s.regles[2].concerne_la_demande("92391234900068"));
        let vue = FactureVue {
            statut: Statut::AValider1,
            destinataire: "21852884200097",
            code_service: "",
            numero_engagement: "",
            valideur: "33079647500086",
            total_ht: rust_decimal::Decimal::ZERO,
        };
        assert!(s.regles[0].concerne(&vue) && !s.regles[1].concerne(&vue));

        let d = defauts("[[partie]]\nquand = { statut = \"A_VALIDER_1\" }\naction = \"VALIDEE_2\"\n");
        assert!(d[0].contains("n'est pas une réponse du valideur à ce niveau"), "{d:?}");
        let d = defauts(
            "[[partie]]\nquand = { statut = \"A_VALIDER_1\" }\naction = \"REFUSEE_1\"\nmotif = \"Trop cher\"\n",
        );
        assert!(d[0].contains("code d'un motif de la liste"), "{d:?}");
        let d = defauts(
            "[[partie]]\nqui = \"valideur\"\nquand = { statut = \"MISE_A_DISPOSITION\" }\nsilence = true\n",
        );
        assert!(d[0].contains("A_VALIDER_1 ou A_VALIDER_2"), "{d:?}");
        let d = defauts(
            "[[partie]]\nquand = { statut = \"A_VALIDER_1\" }\naction = \"VALIDEE_1\"\nsilence = true\n",
        );
        assert!(d[0].contains("une réponse, et une seule"), "{d:?}");
        let d = defauts("[[partie]]\nqui = \"gestionnaire\"\nsilence = false\n");
        assert!(d.iter().any(|m| m.contains("« rattachement = ")), "{d:?}");
        // Le nom de la table et le numéro de la règle dans les messages.
        let d = defauts("[[partie]]\naction = \"DEPOSEE\"\n");
        assert!(d[0].starts_with("règle n° 1 (le destinataire) :"), "{d:?}");
    }

    #[test]
    fn les_erreurs_de_sens_donnent_leur_ligne() {
        let texte =
            MINIMAL.replace("motif = \"Engagement juridique manquant.\"", "").replace("\"payee\"", "\"x\"");
        let texte = format!(
            "{texte}\n[[objectif]]\nid = \"x\"\nlibelle = \"b\"\nverification = {{ type = \"aucun_brouillon\" }}\nexplication = \"c\"\n"
        );
        let defauts = controler(&texte).unwrap_err();
        assert_eq!(defauts.len(), 2, "{defauts:?}");
        assert_eq!(defauts[0].ligne, 9, "{}", defauts[0]);
        assert!(defauts[0].message.contains("motif"));
        assert!(defauts[1].message.contains("déjà pris"), "{}", defauts[1]);
        assert_eq!(defauts[1].ligne, 21);
    }

    #[test]
    fn les_erreurs_de_syntaxe_donnent_leur_ligne() {
        let texte = MINIMAL.replace("action = \"REJETEE\"", "action = \"PAYEE\"");
        let defauts = controler(&texte).unwrap_err();
        assert_eq!(defauts[0].ligne, 12, "{}", defauts[0]);
        let defauts = controler(&MINIMAL.replace("apres_jours", "apres_jour")).unwrap_err();
        assert!(defauts[0].message.contains("apres_jour"), "{}", defauts[0]);
    }

    #[test]
    fn une_regle_regarde_le_statut_le_destinataire_le_service_et_l_engagement() {
        let s = controler(MINIMAL).unwrap();
        let r = &s.regles[0];
        let f = FactureVue {
            statut: Statut::MiseADisposition,
            destinataire: "26236940800063",
            code_service: "ACHATS",
            numero_engagement: "",
            valideur: "",
            total_ht: rust_decimal::Decimal::ZERO,
        };
        assert!(r.concerne(&f));
        assert!(!r.concerne(&FactureVue { numero_engagement: "EJ-1", ..f }));
        assert!(!r.concerne(&FactureVue { statut: Statut::ServiceFait, ..f }));
        assert!(!r.concerne(&FactureVue { destinataire: "21852884200097", ..f }));
    }

    #[test]
    fn evaluation_des_objectifs() {
        let s = controler(MINIMAL).unwrap();
        let mut faits = Faits::default();
        assert!(!s.evaluer(&faits).reussi);
        faits.factures.push(FactureFaits {
            type_facture: "FACTURE".into(),
            destinataire: "26236940800063".into(),
            code_service: "ACHATS".into(),
            numero_engagement: "EJ".into(),
            statut: Statut::MiseEnPaiement,
            statuts: [Statut::Deposee, Statut::MiseEnPaiement].into(),
            cadre: crate::facture::CadreFacturation::A1FactureFournisseur,
            valideur: String::new(),
            moe: String::new(),
            pieces: BTreeSet::new(),
        });
        let r = s.evaluer(&faits);
        assert!(r.reussi);
        assert_eq!((r.points, r.points_max), (1, 1));
    }

    #[test]
    fn les_reponses_se_comparent_en_valeur() {
        for (donnee, attendue) in [
            ("50", "50"),
            (" 50 jours", "50"),
            ("0,89", "0.89"),
            ("0,89 €", "0.89"),
            ("12.50", "12,5"),
            ("Oui", "oui"),
        ] {
            assert!(meme_reponse(donnee, attendue), "{donnee} ~ {attendue}");
        }
        for (donnee, attendue) in [("0,9", "0.89"), ("", ""), ("30", "50")] {
            assert!(!meme_reponse(donnee, attendue), "{donnee} ≠ {attendue}");
        }
    }
}
