//! De la saisie brute (ce que le stagiaire a tapé) à une [`Facture`], puis les contrôles de
//! Chorus Pro. Chaque problème devient une [`Anomalie`] qui nomme le champ.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::anomalie::Anomalie;
use crate::facture::{CadreFacturation, Facture, ModePaiement, TypeFacture, TypeTva};
use crate::montants::{self, Ligne, TauxTva, Totaux, format_euros, format_nombre};
use crate::siret::Siret;
use crate::structure::{FACTURES_PUBLIQUES, Service, StructurePublique};

/// Le formulaire tel que tapé : tout est texte, rien n'est encore vérifié.
/// Les noms de champs sont ceux du formulaire du portail et de [`Anomalie::champ`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaisieBrute {
    pub numero: String,
    pub date_facture: String,
    pub type_facture: String,
    pub cadre: String,
    pub destinataire: String,
    pub code_service: String,
    pub numero_engagement: String,
    pub numero_marche: String,
    pub mode_paiement: String,
    pub type_tva: String,
    pub motif_exoneration: String,
    pub numero_facture_origine: String,
    pub commentaire: String,
    /// Cadres A9 et A12 : le SIRET du valideur (`cadreDeFacturation.codeStructureValideur`).
    #[serde(default)]
    pub code_structure_valideur: String,
    /// Son service, facultatif (`cadreDeFacturation.codeServiceValideur`).
    #[serde(default)]
    pub code_service_valideur: String,
    pub lignes: Vec<LigneBrute>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LigneBrute {
    pub reference: String,
    pub designation: String,
    pub quantite: String,
    pub unite: String,
    pub prix_unitaire_ht: String,
    pub remise_ht: String,
    pub taux_tva: String,
}

impl LigneBrute {
    /// Une ligne laissée entièrement vide dans le formulaire est ignorée.
    pub fn est_vide(&self) -> bool {
        [
            &self.reference,
            &self.designation,
            &self.quantite,
            &self.unite,
            &self.prix_unitaire_ht,
            &self.remise_ht,
        ]
        .iter()
        .all(|s| s.trim().is_empty())
    }
}

/// Le destinataire trouvé dans l'annuaire, avec ses services.
#[derive(Debug, Clone)]
pub struct DestinataireConnu {
    pub structure: StructurePublique,
    pub services: Vec<Service>,
}

/// Ce que les contrôles doivent savoir du monde.
#[derive(Debug, Clone)]
pub struct Contexte<'a> {
    /// Le destinataire de l'annuaire dont l'identifiant a été saisi, s'il existe.
    pub destinataire: Option<&'a DestinataireConnu>,
    /// Le fournisseur a déjà une autre facture avec ce numéro.
    pub numero_deja_utilise: bool,
    /// La date simulée du bac à sable.
    pub aujourd_hui: NaiveDate,
}

// ---------------------------------------------------------------------------------------------
// Limites de la saisie
// ---------------------------------------------------------------------------------------------

/// Chorus Pro limite le numéro de facture à 20 caractères : au-delà, le dépôt est refusé.
/// On n'y admet que des lettres sans accent, des chiffres et `- _ / .`, les caractères que
/// tous les logiciels de facturation et les formats de flux (UBL, CII) transportent sans
/// surprise ; les espaces sont refusés (« FA 12 » et « FA12 » seraient deux numéros).
pub const NUMERO_LONGUEUR_MAX: usize = 20;
pub const CODE_SERVICE_LONGUEUR_MAX: usize = 100;
pub const ENGAGEMENT_LONGUEUR_MAX: usize = 50;
pub const MARCHE_LONGUEUR_MAX: usize = 50;
pub const MOTIF_EXONERATION_LONGUEUR_MAX: usize = 255;
pub const COMMENTAIRE_LONGUEUR_MAX: usize = 2000;
pub const DESIGNATION_LONGUEUR_MAX: usize = 250;
pub const REFERENCE_LONGUEUR_MAX: usize = 50;
pub const UNITE_LONGUEUR_MAX: usize = 20;
/// Nombre maximal de lignes d'une facture saisie dans ce simulateur.
pub const LIGNES_MAX: usize = 100;
/// Au-delà de ce montant TTC, la facture est sûrement une erreur de saisie.
const MONTANT_TTC_MAX: Decimal = Decimal::from_parts(1_000_000_000, 0, 0, false, 0);
const QUANTITE_MAX: Decimal = Decimal::from_parts(1_000_000, 0, 0, false, 0);
const PRIX_MAX: Decimal = Decimal::from_parts(100_000_000, 0, 0, false, 0);

const LIBELLE_NUMERO: &str = "Numéro de facture";
const LIBELLE_DATE: &str = "Date de facture";
const LIBELLE_TYPE_FACTURE: &str = "Type de facture";
const LIBELLE_CADRE: &str = "Cadre de facturation";
const LIBELLE_DESTINATAIRE: &str = "SIRET du destinataire";
const LIBELLE_CODE_SERVICE: &str = "Code service";
const LIBELLE_ENGAGEMENT: &str = "Numéro d'engagement juridique (bon de commande)";
const LIBELLE_MARCHE: &str = "Numéro de marché";
const LIBELLE_MODE_PAIEMENT: &str = "Mode de paiement";
const LIBELLE_TYPE_TVA: &str = "Type de TVA";
const LIBELLE_MOTIF_EXONERATION: &str = "Motif d'exonération de TVA";
const LIBELLE_FACTURE_ORIGINE: &str = "Numéro de la facture d'origine";
const LIBELLE_COMMENTAIRE: &str = "Commentaire";
const LIBELLE_VALIDEUR: &str = "SIRET du valideur";
const LIBELLE_SERVICE_VALIDEUR: &str = "Code service du valideur";

// ---------------------------------------------------------------------------------------------
// Analyse de la forme
// ---------------------------------------------------------------------------------------------

/// Les listes fermées du formulaire (type de facture, cadre, mode de paiement, type de TVA).
trait ListeDeCodes: Sized + Copy + 'static {
    fn tous() -> &'static [Self];
    fn code(self) -> &'static str;
    fn libelle(self) -> &'static str;
}

macro_rules! liste_de_codes {
    ($($t:ty),+) => {$(
        impl ListeDeCodes for $t {
            fn tous() -> &'static [Self] { <$t>::TOUS }
            fn code(self) -> &'static str { <$t>::code(self) }
            fn libelle(self) -> &'static str { <$t>::libelle(self) }
        }
    )+};
}
liste_de_codes!(TypeFacture, CadreFacturation, ModePaiement, TypeTva);

/// Où se trouve le champ analysé : l'en-tête de la facture ou une ligne.
#[derive(Clone, Copy)]
struct Champ {
    nom: &'static str,
    libelle: &'static str,
    ligne: Option<usize>,
}

impl Champ {
    fn entete(nom: &'static str, libelle: &'static str) -> Self {
        Champ { nom, libelle, ligne: None }
    }
    fn ligne(nom: &'static str, libelle: &'static str, ligne: usize) -> Self {
        Champ { nom, libelle, ligne: Some(ligne) }
    }
    /// Le nom du champ tel qu'affiché : « Quantité (ligne 2) ».
    fn affiche(&self) -> String {
        match self.ligne {
            Some(n) => format!("« {} (ligne {n}) »", self.libelle),
            None => format!("« {} »", self.libelle),
        }
    }
}

/// Ce qu'un nombre du formulaire doit respecter.
struct RegleNombre {
    /// Vide accepté (vaut 0).
    facultatif: bool,
    /// Strictement positif (sinon : positif ou nul).
    strictement_positif: bool,
    maximum: Decimal,
    decimales: u32,
    /// Montant en euros : le symbole « € » final est toléré.
    euros: bool,
    /// Ce que le champ attend, pour le message « obligatoire ».
    attendu: &'static str,
    /// Conseil quand la valeur est négative (ou nulle pour une quantité).
    si_negatif: &'static str,
}

const REGLE_QUANTITE: RegleNombre = RegleNombre {
    facultatif: false,
    strictement_positif: true,
    maximum: QUANTITE_MAX,
    decimales: 4,
    euros: false,
    attendu: "saisissez le nombre d'unités facturées, par exemple 3 ou 2,5",
    si_negatif: "elle doit être supérieure à 0 ; pour annuler tout ou partie d'une facture, émettez un avoir",
};

const REGLE_PRIX: RegleNombre = RegleNombre {
    facultatif: false,
    strictement_positif: false,
    maximum: PRIX_MAX,
    decimales: 6,
    euros: true,
    attendu: "saisissez le prix d'une unité hors taxes, par exemple 125,50",
    si_negatif: "il ne peut pas être négatif ; une réduction se saisit dans la remise, une annulation par un avoir",
};

/// La remise est un montant en euros : on l'exige au centime (choix du simulateur).
const REGLE_REMISE: RegleNombre = RegleNombre {
    facultatif: true,
    strictement_positif: false,
    maximum: PRIX_MAX,
    decimales: 2,
    euros: true,
    attendu: "",
    si_negatif: "saisissez le montant de la remise sans signe moins",
};

fn contient_caractere_de_controle(s: &str) -> bool {
    s.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

/// Les taux proposés, pour les messages : « 20, 10, 5,5, 2,1 ou 0 % ».
fn taux_proposes() -> String {
    let libelles: Vec<&str> = TauxTva::TOUS.iter().map(|t| t.libelle()).collect();
    match libelles.split_last() {
        Some((dernier, autres)) => format!("{} ou {dernier} %", autres.join(", ")),
        None => String::new(),
    }
}

/// Lecture d'un nombre saisi : virgule ou point décimal, espaces (même insécables) entre les
/// milliers. Refuse les deux séparateurs à la fois (« 1.234,56 » est ambigu).
enum Nombre {
    Valeur(Decimal),
    Illisible,
    TropDeChiffres,
}

fn lire_nombre(brut: &str, euros: bool) -> Nombre {
    let mut compact: String = brut.chars().filter(|c| !c.is_whitespace()).collect();
    if euros && compact.ends_with('€') {
        compact.pop();
    }
    let (negatif, corps) = match compact.strip_prefix('-') {
        Some(reste) => (true, reste),
        None => (false, compact.strip_prefix('+').unwrap_or(&compact)),
    };
    let separateurs = corps.chars().filter(|c| matches!(c, ',' | '.')).count();
    if separateurs > 1 || !corps.chars().all(|c| c.is_ascii_digit() || c == ',' || c == '.') {
        return Nombre::Illisible;
    }
    let (entier, decimales) = corps.split_once([',', '.']).unwrap_or((corps, ""));
    if entier.is_empty() && decimales.is_empty() {
        return Nombre::Illisible;
    }
    let entier = entier.trim_start_matches('0');
    let decimales = decimales.trim_end_matches('0');
    // Bien au-delà de toutes les bornes du formulaire, et dans la précision de `Decimal`.
    if entier.len() > 15 || decimales.len() > 12 {
        return Nombre::TropDeChiffres;
    }
    let texte = format!(
        "{}{}.{}",
        if negatif { "-" } else { "" },
        if entier.is_empty() { "0" } else { entier },
        if decimales.is_empty() { "0" } else { decimales }
    );
    match Decimal::from_str_exact(&texte) {
        Ok(v) => Nombre::Valeur(v.normalize()),
        Err(_) => Nombre::Illisible,
    }
}

/// Le début d'une saisie, sans caractère de contrôle, pour la citer dans un message.
fn extrait(saisie: &str, longueur: usize) -> String {
    let propre: String = saisie.chars().filter(|c| !c.is_control()).collect();
    if propre.chars().count() > longueur {
        format!("{}…", propre.chars().take(longueur).collect::<String>())
    } else {
        propre
    }
}

/// Lecture d'une date : AAAA-MM-JJ ou JJ/MM/AAAA.
fn lire_date(brut: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(brut, "%Y-%m-%d").or_else(|_| NaiveDate::parse_from_str(brut, "%d/%m/%Y")).ok()
}

/// Une date au format français : 05/03/2025.
fn date_fr(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

/// Accumule les anomalies de forme pendant l'analyse.
#[derive(Default)]
struct Analyse {
    anomalies: Vec<Anomalie>,
}

impl Analyse {
    fn signaler(&mut self, champ: Champ, code: &'static str, message: String) {
        self.anomalies.push(Anomalie { champ: champ.nom.to_string(), ligne: champ.ligne, code, message });
    }

    /// Un texte : sans espaces autour, sans caractère de contrôle, pas trop long ; s'il est
    /// obligatoire, `obligatoire` dit quoi y mettre.
    fn texte(&mut self, champ: Champ, brut: &str, maximum: usize, obligatoire: Option<&str>) -> String {
        let valeur = brut.trim();
        if contient_caractere_de_controle(valeur) {
            self.signaler(
                champ,
                "CARACTERE_DE_CONTROLE",
                format!(
                    "{} contient un caractère invisible non autorisé (caractère de contrôle, souvent apporté \
                     par un copier-coller) : effacez le champ et retapez le texte au clavier.",
                    champ.affiche()
                ),
            );
        }
        if valeur.is_empty() {
            if let Some(conseil) = obligatoire {
                self.signaler(
                    champ,
                    "CHAMP_OBLIGATOIRE",
                    format!("{} est obligatoire : {conseil}.", champ.affiche()),
                );
            }
            return String::new();
        }
        let longueur = valeur.chars().count();
        if longueur > maximum {
            self.signaler(
                champ,
                "LONGUEUR_MAX",
                format!(
                    "{} compte {longueur} caractères alors que Chorus Pro en accepte {maximum} au plus : raccourcissez la saisie.",
                    champ.affiche()
                ),
            );
        }
        valeur.to_string()
    }

    fn numero(&mut self, brut: &str) -> String {
        let champ = Champ::entete("numero", LIBELLE_NUMERO);
        let numero = self.texte(
            champ,
            brut,
            NUMERO_LONGUEUR_MAX,
            Some("recopiez le numéro qui figure sur votre facture (celui donné par votre logiciel de facturation)"),
        );
        if contient_caractere_de_controle(&numero) {
            return numero;
        }
        let mut interdits: Vec<String> = Vec::new();
        for c in numero.chars() {
            if !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/' | '.')) {
                let affiche = if c.is_whitespace() { "espace".to_string() } else { format!("« {c} »") };
                if !interdits.contains(&affiche) {
                    interdits.push(affiche);
                }
            }
        }
        if !interdits.is_empty() {
            self.signaler(
                champ,
                "CARACTERES_NON_AUTORISES",
                format!(
                    "{} ne peut contenir que des lettres sans accent, des chiffres et les signes - _ / . : \
                     retirez {} (par exemple « FA-2025-0042 »).",
                    champ.affiche(),
                    interdits.join(", ")
                ),
            );
        }
        numero
    }

    fn date(&mut self, brut: &str) -> Option<NaiveDate> {
        let champ = Champ::entete("date_facture", LIBELLE_DATE);
        let saisie = self.texte(
            champ,
            brut,
            usize::MAX,
            Some("saisissez la date qui figure sur la facture, au format JJ/MM/AAAA"),
        );
        if saisie.is_empty() || contient_caractere_de_controle(&saisie) {
            return None;
        }
        let Some(date) = lire_date(&saisie) else {
            self.signaler(
                champ,
                "DATE_INVALIDE",
                format!(
                    "{} : « {} » n'est pas une date valide. Saisissez-la au format JJ/MM/AAAA \
                     (par exemple 05/03/2025) et vérifiez que ce jour existe.",
                    champ.affiche(),
                    extrait(&saisie, 30)
                ),
            );
            return None;
        };
        if !(2000..=2099).contains(&date.year()) {
            self.signaler(
                champ,
                "DATE_HORS_LIMITES",
                format!(
                    "{} : l'année {} n'est pas plausible pour une facture. Saisissez une date entre 2000 et 2099, \
                     avec l'année sur quatre chiffres (au format JJ/MM/AAAA).",
                    champ.affiche(),
                    date.year()
                ),
            );
            return None;
        }
        Some(date)
    }

    fn code<T: ListeDeCodes>(&mut self, champ: Champ, brut: &str, defaut: T) -> T {
        let saisie = brut.trim();
        if saisie.is_empty() {
            return defaut;
        }
        let majuscules = saisie.to_uppercase();
        if let Some(trouve) = T::tous().iter().copied().find(|t| t.code() == majuscules) {
            return trouve;
        }
        let possibles: Vec<String> =
            T::tous().iter().map(|t| format!("{} ({})", t.code(), t.libelle())).collect();
        let saisie_affichee = extrait(saisie, 60);
        self.signaler(
            champ,
            "CODE_INCONNU",
            format!(
                "{} : « {saisie_affichee} » n'est pas une valeur possible. Choisissez parmi : {}.",
                champ.affiche(),
                possibles.join(", ")
            ),
        );
        defaut
    }

    fn nombre(&mut self, champ: Champ, brut: &str, regle: &RegleNombre) -> Option<Decimal> {
        let saisie = brut.trim();
        if saisie.is_empty() {
            if regle.facultatif {
                return Some(Decimal::ZERO);
            }
            self.signaler(
                champ,
                "CHAMP_OBLIGATOIRE",
                format!("{} est obligatoire : {}.", champ.affiche(), regle.attendu),
            );
            return None;
        }
        let valeur = match lire_nombre(saisie, regle.euros) {
            Nombre::Valeur(v) => v,
            Nombre::Illisible => {
                let saisie_affichee = extrait(saisie, 40);
                self.signaler(
                    champ,
                    "NOMBRE_INVALIDE",
                    format!(
                        "{} : « {saisie_affichee} » n'est pas un nombre. Saisissez uniquement des chiffres, avec une \
                         virgule pour les décimales et, si vous voulez, des espaces entre les milliers \
                         (par exemple 1 234,50).",
                        champ.affiche()
                    ),
                );
                return None;
            }
            Nombre::TropDeChiffres => {
                self.signaler(
                    champ,
                    "VALEUR_TROP_GRANDE",
                    format!(
                        "{} comporte trop de chiffres : la valeur ne doit pas dépasser {}. Vérifiez la saisie.",
                        champ.affiche(),
                        format_nombre(regle.maximum, 0)
                    ),
                );
                return None;
            }
        };
        let mut correct = true;
        if valeur.is_sign_negative() && !valeur.is_zero() || regle.strictement_positif && valeur.is_zero() {
            self.signaler(
                champ,
                if regle.strictement_positif { "VALEUR_NON_POSITIVE" } else { "VALEUR_NEGATIVE" },
                format!("{} vaut {} : {}.", champ.affiche(), format_nombre(valeur, 0), regle.si_negatif),
            );
            correct = false;
        }
        if valeur > regle.maximum {
            self.signaler(
                champ,
                "VALEUR_TROP_GRANDE",
                format!(
                    "{} vaut {} : la valeur ne doit pas dépasser {}. Vérifiez la saisie (virgule mal placée ?).",
                    champ.affiche(),
                    format_nombre(valeur, 0),
                    format_nombre(regle.maximum, 0)
                ),
            );
            correct = false;
        }
        if valeur.scale() > regle.decimales {
            self.signaler(
                champ,
                "TROP_DE_DECIMALES",
                format!(
                    "{} a {} décimales : {} au maximum. Arrondissez la valeur.",
                    champ.affiche(),
                    valeur.scale(),
                    regle.decimales
                ),
            );
            correct = false;
        }
        correct.then_some(valeur)
    }

    fn taux(&mut self, champ: Champ, brut: &str) -> Option<TauxTva> {
        let saisie = brut.trim();
        if saisie.is_empty() {
            self.signaler(
                champ,
                "CHAMP_OBLIGATOIRE",
                format!("{} est obligatoire : choisissez {}.", champ.affiche(), taux_proposes()),
            );
            return None;
        }
        let compact: String = saisie.chars().filter(|c| !c.is_whitespace()).collect();
        match TauxTva::depuis_saisie(&compact) {
            Ok(t) => Some(t),
            Err(_) => {
                let saisie_affichee = extrait(saisie, 20);
                self.signaler(
                    champ,
                    "TAUX_TVA_INVALIDE",
                    format!(
                        "{} : « {saisie_affichee} » n'est pas un taux de TVA français en vigueur. Choisissez {}.",
                        champ.affiche(),
                        taux_proposes()
                    ),
                );
                None
            }
        }
    }

    fn ligne(&mut self, n: usize, brute: &LigneBrute) -> Option<Ligne> {
        let reference = self.texte(
            Champ::ligne("ligne_reference", "Référence", n),
            &brute.reference,
            REFERENCE_LONGUEUR_MAX,
            None,
        );
        let designation = self.texte(
            Champ::ligne("ligne_designation", "Désignation", n),
            &brute.designation,
            DESIGNATION_LONGUEUR_MAX,
            Some("décrivez la fourniture ou la prestation facturée"),
        );
        let unite =
            self.texte(Champ::ligne("ligne_unite", "Unité", n), &brute.unite, UNITE_LONGUEUR_MAX, None);
        let quantite =
            self.nombre(Champ::ligne("ligne_quantite", "Quantité", n), &brute.quantite, &REGLE_QUANTITE);
        let prix = self.nombre(
            Champ::ligne("ligne_prix_unitaire_ht", "Prix unitaire HT", n),
            &brute.prix_unitaire_ht,
            &REGLE_PRIX,
        );
        let champ_remise = Champ::ligne("ligne_remise_ht", "Remise HT", n);
        let remise = self.nombre(champ_remise, &brute.remise_ht, &REGLE_REMISE);
        let taux = self.taux(Champ::ligne("ligne_taux_tva", "Taux de TVA", n), &brute.taux_tva);
        let (quantite, prix_unitaire_ht, remise_ht, taux_tva) = (quantite?, prix?, remise?, taux?);
        // Bornes vérifiées (quantité ≤ 10⁶, prix ≤ 10⁸) : le produit tient toujours dans un Decimal.
        let Some(brut_ligne) = quantite.checked_mul(prix_unitaire_ht) else {
            self.signaler(
                Champ::ligne("ligne_quantite", "Quantité", n),
                "VALEUR_TROP_GRANDE",
                format!("Le montant de la ligne {n} est trop grand pour être calculé : vérifiez la quantité et le prix unitaire."),
            );
            return None;
        };
        if remise_ht > brut_ligne {
            self.signaler(
                champ_remise,
                "REMISE_SUPERIEURE_AU_MONTANT",
                format!(
                    "{} : la remise dépasse le montant de la ligne (quantité × prix unitaire HT = {}). Saisissez \
                     la remise en euros (pas en pourcentage), au plus égale à ce montant.",
                    champ_remise.affiche(),
                    format_euros(brut_ligne)
                ),
            );
            return None;
        }
        Some(Ligne { reference, designation, quantite, unite, prix_unitaire_ht, remise_ht, taux_tva })
    }
}

/// Analyse la saisie brute. Retourne la facture si chaque champ a la bonne forme, sinon toutes
/// les anomalies de forme (champ obligatoire vide, nombre illisible, date invalide, longueur…).
pub fn analyser(brut: &SaisieBrute) -> Result<Facture, Vec<Anomalie>> {
    let mut a = Analyse::default();
    let numero = a.numero(&brut.numero);
    let date_facture = a.date(&brut.date_facture);
    let type_facture =
        a.code(Champ::entete("type_facture", LIBELLE_TYPE_FACTURE), &brut.type_facture, TypeFacture::Facture);
    let cadre =
        a.code(Champ::entete("cadre", LIBELLE_CADRE), &brut.cadre, CadreFacturation::A1FactureFournisseur);

    let champ_destinataire = Champ::entete("destinataire", LIBELLE_DESTINATAIRE);
    let destinataire_compact: String = brut.destinataire.chars().filter(|c| !c.is_whitespace()).collect();
    let destinataire = a.texte(
        champ_destinataire,
        &destinataire_compact,
        usize::MAX,
        Some(
            "saisissez le SIRET (14 chiffres) de la structure publique à qui vous adressez la facture — votre \
             client, pas vous — tel qu'il figure dans l'annuaire Chorus Pro ou sur son bon de commande",
        ),
    );
    let code_service = a.texte(
        Champ::entete("code_service", LIBELLE_CODE_SERVICE),
        &brut.code_service,
        CODE_SERVICE_LONGUEUR_MAX,
        None,
    );
    let numero_engagement = a.texte(
        Champ::entete("numero_engagement", LIBELLE_ENGAGEMENT),
        &brut.numero_engagement,
        ENGAGEMENT_LONGUEUR_MAX,
        None,
    );
    let numero_marche = a.texte(
        Champ::entete("numero_marche", LIBELLE_MARCHE),
        &brut.numero_marche,
        MARCHE_LONGUEUR_MAX,
        None,
    );
    let mode_paiement = a.code(
        Champ::entete("mode_paiement", LIBELLE_MODE_PAIEMENT),
        &brut.mode_paiement,
        ModePaiement::Virement,
    );
    let type_tva = a.code(Champ::entete("type_tva", LIBELLE_TYPE_TVA), &brut.type_tva, TypeTva::TvaSurDebit);
    let motif_exoneration = a.texte(
        Champ::entete("motif_exoneration", LIBELLE_MOTIF_EXONERATION),
        &brut.motif_exoneration,
        MOTIF_EXONERATION_LONGUEUR_MAX,
        None,
    );
    let numero_facture_origine = a.texte(
        Champ::entete("numero_facture_origine", LIBELLE_FACTURE_ORIGINE),
        &brut.numero_facture_origine,
        NUMERO_LONGUEUR_MAX,
        None,
    );
    let commentaire = a.texte(
        Champ::entete("commentaire", LIBELLE_COMMENTAIRE),
        &brut.commentaire,
        COMMENTAIRE_LONGUEUR_MAX,
        None,
    );

    let valideur_compact: String =
        brut.code_structure_valideur.chars().filter(|c| !c.is_whitespace()).collect();
    let code_structure_valideur =
        a.texte(Champ::entete("code_structure_valideur", LIBELLE_VALIDEUR), &valideur_compact, 20, None);
    let code_service_valideur = a.texte(
        Champ::entete("code_service_valideur", LIBELLE_SERVICE_VALIDEUR),
        &brut.code_service_valideur,
        crate::validation::CODE_SERVICE_VALIDEUR_MAX,
        None,
    );

    let saisies: Vec<&LigneBrute> = brut.lignes.iter().filter(|l| !l.est_vide()).collect();
    let champ_lignes = Champ::entete("lignes", "Lignes de la facture");
    if saisies.is_empty() {
        a.signaler(
            champ_lignes,
            "AUCUNE_LIGNE",
            "La facture doit comporter au moins une ligne : renseignez la désignation, la quantité, le prix \
             unitaire HT et le taux de TVA de ce que vous facturez."
                .to_string(),
        );
    }
    if saisies.len() > LIGNES_MAX {
        a.signaler(
            champ_lignes,
            "TROP_DE_LIGNES",
            format!(
                "La facture compte {} lignes : la saisie en ligne en accepte {LIGNES_MAX} au plus. Regroupez des \
                 lignes, ou déposez la facture sous forme de fichier.",
                saisies.len()
            ),
        );
    }
    // Seules les LIGNES_MAX premières lignes sont examinées une à une : la liste d'anomalies
    // reste lisible même pour une saisie de milliers de lignes.
    let lignes: Vec<Option<Ligne>> =
        saisies.iter().take(LIGNES_MAX).enumerate().map(|(i, l)| a.ligne(i + 1, l)).collect();

    match (date_facture, a.anomalies.is_empty()) {
        (Some(date_facture), true) => Ok(Facture {
            numero,
            date_facture,
            type_facture,
            cadre,
            destinataire,
            code_service,
            numero_engagement,
            numero_marche,
            mode_paiement,
            type_tva,
            motif_exoneration,
            numero_facture_origine,
            commentaire,
            code_structure_valideur,
            code_service_valideur,
            lignes: lignes.into_iter().flatten().collect(),
        }),
        _ => Err(a.anomalies),
    }
}

// ---------------------------------------------------------------------------------------------
// Contrôles de Chorus Pro
// ---------------------------------------------------------------------------------------------

/// Les totaux, calculés avec des opérations vérifiées : None si un montant déborde (une
/// facture construite hors du formulaire peut porter n'importe quelle valeur).
fn totaux_sans_debordement(facture: &Facture) -> Option<Totaux> {
    let mut bases: Vec<(TauxTva, Decimal)> = Vec::new();
    for taux in TauxTva::TOUS {
        let mut base = Decimal::ZERO;
        let mut presente = false;
        for l in facture.lignes.iter().filter(|l| l.taux_tva == taux) {
            let montant = l.quantite.checked_mul(l.prix_unitaire_ht)?.checked_sub(l.remise_ht)?;
            base = base.checked_add(montants::arrondir(montant))?;
            presente = true;
        }
        if presente {
            bases.push((taux, base));
        }
    }
    let mut total_ht = Decimal::ZERO;
    let mut total_tva = Decimal::ZERO;
    for (taux, base) in bases {
        let tva = base.checked_mul(taux.pourcentage())?.checked_div(Decimal::ONE_HUNDRED)?;
        total_ht = total_ht.checked_add(base)?;
        total_tva = total_tva.checked_add(montants::arrondir(tva))?;
    }
    total_ht.checked_add(total_tva)?;
    // Aucun débordement possible : le calcul officiel (le même, non vérifié) peut se faire.
    Some(facture.totaux())
}

/// Les services qu'un fournisseur peut choisir, pour les messages.
fn liste_des_services(d: &DestinataireConnu) -> String {
    let ouverts: Vec<String> = d
        .services
        .iter()
        .filter(|s| s.actif && !s.code.eq_ignore_ascii_case(FACTURES_PUBLIQUES))
        .map(|s| if s.libelle.is_empty() { s.code.clone() } else { format!("{} ({})", s.code, s.libelle) })
        .collect();
    if ouverts.is_empty() {
        format!(
            "« {} » n'a aucun service ouvert aux fournisseurs dans l'annuaire : demandez le bon code à votre client.",
            d.structure.raison_sociale
        )
    } else {
        format!(
            "Codes service de « {} » dans l'annuaire : {}.",
            d.structure.raison_sociale,
            ouverts.join(", ")
        )
    }
}

const MESSAGE_SERVICE_INCONNU_OU_INACTIF: &str =
    "Le code service de la structure publique destinataire est inconnu ou inactif";

/// Les contrôles de Chorus Pro sur une facture bien formée (destinataire, service, engagement,
/// numéro, date, TVA…). Une liste vide veut dire : la facture peut être envoyée.
pub fn controler(facture: &Facture, ctx: &Contexte<'_>) -> Vec<Anomalie> {
    let mut anomalies = Vec::new();
    let numero = facture.numero.trim();

    if ctx.numero_deja_utilise {
        anomalies.push(Anomalie::champ(
            "numero",
            "NUMERO_DEJA_UTILISE",
            format!(
                "Vous avez déjà une facture portant le numéro « {numero} » : chaque facture doit avoir un numéro \
                 unique. Même si la première a été rejetée, une nouvelle facture doit porter un nouveau numéro \
                 (la facture rejetée reste enregistrée dans Chorus Pro). Si la facture est « À recycler », ne la \
                 ressaisissez pas : corrigez-la et renvoyez-la depuis son suivi."
            ),
        ));
    }

    if facture.date_facture > ctx.aujourd_hui {
        anomalies.push(Anomalie::champ(
            "date_facture",
            "DATE_FUTURE",
            format!(
                "« {LIBELLE_DATE} » : le {} est postérieur à aujourd'hui ({}). Une facture ne peut pas être datée \
                 dans le futur : saisissez la date d'émission qui figure sur la facture (règle du simulateur).",
                date_fr(facture.date_facture),
                date_fr(ctx.aujourd_hui)
            ),
        ));
    }

    controler_destinataire(facture, ctx, &mut anomalies);

    let lignes_sans_tva: Vec<String> = facture
        .lignes
        .iter()
        .enumerate()
        .filter(|(_, l)| l.taux_tva == TauxTva::Zero)
        .map(|(i, _)| (i + 1).to_string())
        .collect();
    if !lignes_sans_tva.is_empty() && facture.motif_exoneration.trim().is_empty() {
        let lignes = match lignes_sans_tva.as_slice() {
            [une] => format!("La ligne {une} est"),
            plusieurs => format!("Les lignes {} sont", plusieurs.join(", ")),
        };
        anomalies.push(Anomalie::champ(
            "motif_exoneration",
            "MOTIF_EXONERATION_OBLIGATOIRE",
            format!(
                "{lignes} à 0 % de TVA : renseignez « {LIBELLE_MOTIF_EXONERATION} » avec la mention légale qui \
                 justifie l'absence de TVA (par exemple « TVA non applicable, article 293 B du CGI » pour une \
                 micro-entreprise)."
            ),
        ));
    }

    match totaux_sans_debordement(facture) {
        None => anomalies.push(Anomalie::champ(
            "lignes",
            "MONTANT_ABSURDE",
            "Les montants de la facture sont trop grands pour être calculés : vérifiez les quantités et les prix \
             unitaires (virgule mal placée ?).",
        )),
        Some(totaux) => {
            if totaux.total_ttc > MONTANT_TTC_MAX {
                anomalies.push(Anomalie::champ(
                    "lignes",
                    "MONTANT_ABSURDE",
                    format!(
                        "Le montant TTC de la facture ({}) dépasse {} : c'est sûrement une erreur de saisie. \
                         Vérifiez les quantités et les prix unitaires (virgule mal placée ?).",
                        format_euros(totaux.total_ttc),
                        format_euros(MONTANT_TTC_MAX)
                    ),
                ));
            }
            if facture.type_facture == TypeFacture::Facture && totaux.total_ht <= Decimal::ZERO {
                anomalies.push(Anomalie::champ(
                    "lignes",
                    "MONTANT_NUL",
                    format!(
                        "Le montant total HT de la facture est de {} : une facture doit avoir un montant positif. \
                         Vérifiez les quantités, les prix unitaires et les remises ; pour annuler une facture, \
                         émettez un avoir.",
                        format_euros(totaux.total_ht)
                    ),
                ));
            }
        }
    }

    if facture.type_facture == TypeFacture::Avoir && facture.numero_facture_origine.trim().is_empty() {
        anomalies.push(Anomalie::champ(
            "numero_facture_origine",
            "FACTURE_ORIGINE_OBLIGATOIRE",
            format!(
                "Un avoir corrige une facture déjà émise : renseignez « {LIBELLE_FACTURE_ORIGINE} » avec le numéro \
                 de la facture qu'il annule ou réduit."
            ),
        ));
    }

    anomalies
}

/// Destinataire, code service et engagement juridique.
fn controler_destinataire(facture: &Facture, ctx: &Contexte<'_>, anomalies: &mut Vec<Anomalie>) {
    let code_service = facture.code_service.trim();
    let engagement = facture.numero_engagement.trim();
    let factures_publiques = code_service.eq_ignore_ascii_case(FACTURES_PUBLIQUES);

    let Some(d) = ctx.destinataire else {
        let identifiant = facture.destinataire.trim();
        let affiche = extrait(identifiant, 40);
        let precision = match identifiant.parse::<Siret>() {
            // Les destinataires publics sont identifiés par leur SIRET : un identifiant qui
            // contient des chiffres mais n'en est pas un est presque toujours une faute de frappe.
            Err(e) if identifiant.chars().any(|c| c.is_ascii_digit()) => format!(" D'ailleurs, {e}."),
            _ => String::new(),
        };
        anomalies.push(Anomalie::champ(
            "destinataire",
            "DESTINATAIRE_INCONNU",
            format!(
                "Aucune structure publique de l'annuaire Chorus Pro ne porte l'identifiant « {affiche} ».{precision} \
                 Vérifiez que vous avez saisi le SIRET de votre client (la structure publique qui reçoit la \
                 facture) et non le vôtre, puis recherchez-le dans l'annuaire des destinataires (par son nom ou \
                 son SIRET)."
            ),
        ));
        // Le service réservé est une erreur quel que soit le destinataire : on le dit tout de suite.
        if factures_publiques {
            anomalies.push(anomalie_factures_publiques(None));
        }
        return;
    };
    let s = &d.structure;
    let p = &s.parametres;

    if !p.active {
        anomalies.push(Anomalie::champ(
            "destinataire",
            "DESTINATAIRE_INACTIF",
            format!(
                "La structure « {} » ({}) est inactive dans Chorus Pro : elle ne peut plus recevoir de factures \
                 (fusion, changement de SIRET…). Demandez à votre client l'identifiant de la structure qui la \
                 remplace, puis recherchez-la dans l'annuaire.",
                s.raison_sociale, s.identifiant
            ),
        ));
    }
    if p.est_moa_uniquement {
        anomalies.push(Anomalie::champ(
            "destinataire",
            "DESTINATAIRE_MOA_UNIQUEMENT",
            format!(
                "La structure « {} » ne reçoit que des factures de travaux (maîtrise d'ouvrage uniquement, selon \
                 l'annuaire) : une facture de fournitures ou de services ne peut pas lui être adressée. Vérifiez \
                 auprès de votre client le SIRET de la structure à facturer.",
                s.raison_sociale
            ),
        ));
    }

    // Le service choisi, s'il existe dans l'annuaire.
    let mut service: Option<&Service> = None;
    if factures_publiques {
        anomalies.push(anomalie_factures_publiques(Some(d)));
    } else if !code_service.is_empty() {
        service = d.services.iter().find(|sv| sv.code == code_service);
        match service {
            None => {
                let proche = d.services.iter().find(|sv| sv.code.eq_ignore_ascii_case(code_service));
                let suggestion = proche
                    .map(|sv| format!(" Vouliez-vous dire « {} » ? Le code s'écrit exactement comme dans l'annuaire.", sv.code))
                    .unwrap_or_default();
                anomalies.push(Anomalie::champ(
                    "code_service",
                    "SERVICE_INCONNU",
                    format!(
                        "{MESSAGE_SERVICE_INCONNU_OU_INACTIF} : « {code_service} » n'existe pas pour « {} ».{suggestion} \
                         Recopiez le code service donné par votre client (souvent sur le bon de commande). {}",
                        s.raison_sociale,
                        liste_des_services(d)
                    ),
                ));
            }
            Some(sv) if !sv.actif => anomalies.push(Anomalie::champ(
                "code_service",
                "SERVICE_INACTIF",
                format!(
                    "{MESSAGE_SERVICE_INCONNU_OU_INACTIF} : le service « {} » de « {} » est fermé. Demandez à votre \
                     client le service qui l'a remplacé. {}",
                    sv.code,
                    s.raison_sociale,
                    liste_des_services(d)
                ),
            )),
            Some(_) => {}
        }
    }

    let mut obligation_signalee = false;
    if code_service.is_empty() && p.exige_code_service() {
        obligation_signalee = true;
        anomalies.push(Anomalie::champ(
            "code_service",
            "SERVICE_OBLIGATOIRE",
            format!(
                "La structure « {} » exige un code service sur ses factures (paramètre de l'annuaire) : sans lui, \
                 la facture ne peut pas être acheminée au bon service. {}",
                s.raison_sociale,
                liste_des_services(d)
            ),
        ));
    }
    if engagement.is_empty() {
        if p.exige_engagement() {
            obligation_signalee = true;
            anomalies.push(Anomalie::champ(
                "numero_engagement",
                "ENGAGEMENT_OBLIGATOIRE",
                format!(
                    "La structure « {} » exige le numéro d'engagement juridique sur toutes ses factures (paramètre \
                     de la structure dans l'annuaire) : recopiez le numéro de bon de commande ou d'engagement que \
                     votre client vous a communiqué, sinon la facture sera rejetée.",
                    s.raison_sociale
                ),
            ));
        } else if let Some(sv) = service.filter(|sv| sv.engagement_obligatoire) {
            obligation_signalee = true;
            anomalies.push(Anomalie::champ(
                "numero_engagement",
                "ENGAGEMENT_OBLIGATOIRE",
                format!(
                    "Le service « {} » de « {} » exige le numéro d'engagement juridique (paramètre du service dans \
                     l'annuaire) : recopiez le numéro de bon de commande ou d'engagement que votre client vous a \
                     communiqué, sinon la facture sera rejetée.",
                    sv.code, s.raison_sociale
                ),
            ));
        }
    }
    // Si une obligation plus précise vient d'être signalée, la règle « l'un ou l'autre » n'ajoute rien.
    if p.service_ou_engagement && code_service.is_empty() && engagement.is_empty() && !obligation_signalee {
        anomalies.push(Anomalie::champ(
            "code_service",
            "SERVICE_OU_ENGAGEMENT",
            format!(
                "La structure « {} » exige au moins l'un des deux : le code service ou le numéro d'engagement \
                 juridique (paramètre de l'annuaire). Renseignez celui que votre client vous a donné ; le bon de \
                 commande porte souvent les deux. {}",
                s.raison_sociale,
                liste_des_services(d)
            ),
        ));
    }
}

fn anomalie_factures_publiques(d: Option<&DestinataireConnu>) -> Anomalie {
    let liste = d.map(|d| format!(" {}", liste_des_services(d))).unwrap_or_default();
    Anomalie::champ(
        "code_service",
        "SERVICE_FACTURES_PUBLIQUES",
        format!(
            "Le service « {FACTURES_PUBLIQUES} » est réservé aux factures échangées entre entités publiques : \
             un fournisseur ne doit jamais l'utiliser, sa facture serait rejetée. Laissez le code service vide \
             ou choisissez le service indiqué par votre client.{liste}"
        ),
    )
}

/// Analyse puis contrôle : toutes les anomalies d'un coup, ou la facture prête à envoyer.
pub fn verifier(brut: &SaisieBrute, ctx: &Contexte<'_>) -> Result<Facture, Vec<Anomalie>> {
    let facture = analyser(brut)?;
    let anomalies = controler(&facture, ctx);
    if anomalies.is_empty() { Ok(facture) } else { Err(anomalies) }
}

// ---------------------------------------------------------------------------------------------
// Montants déclarés (bloc `montantTotal` du service `soumettre`)
// ---------------------------------------------------------------------------------------------

/// Les totaux que le logiciel du fournisseur déclare à côté des lignes (bloc `montantTotal`
/// du service `soumettre`), tels que reçus ; vide : non déclaré.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MontantsDeclares {
    pub montant_ht_total: String,
    pub montant_tva: String,
    pub montant_ttc_total: String,
    pub montant_a_payer: String,
}

/// Chorus Pro refuse une facture dont les totaux déclarés ne sont pas ceux de ses lignes
/// (« Header synthesis is not correct ») : au centime près, puisque les totaux se calculent
/// ligne à ligne avec l'arrondi de [`montants::arrondir`].
pub fn controler_montants_declares(declares: &MontantsDeclares, totaux: &Totaux) -> Vec<Anomalie> {
    let verifications = [
        ("montant_ht_total", "Montant HT total", &declares.montant_ht_total, totaux.total_ht),
        ("montant_tva", "Montant de TVA", &declares.montant_tva, totaux.total_tva),
        ("montant_ttc_total", "Montant TTC total", &declares.montant_ttc_total, totaux.total_ttc),
        ("montant_a_payer", "Montant à payer", &declares.montant_a_payer, totaux.montant_a_payer),
    ];
    let mut anomalies = Vec::new();
    for (champ, libelle, brut, calcule) in verifications {
        if brut.trim().is_empty() {
            continue;
        }
        match lire_nombre(brut, true) {
            Nombre::Valeur(v) if v == calcule => {}
            Nombre::Valeur(v) => anomalies.push(Anomalie::champ(
                champ,
                "MONTANT_INCOHERENT",
                format!(
                    "« {libelle} » : vous déclarez {}, mais les lignes de la facture donnent {}. Corrigez le \
                     montant déclaré ou les lignes : Chorus Pro refuse une facture dont les totaux ne \
                     correspondent pas aux lignes.",
                    format_euros(v),
                    format_euros(calcule)
                ),
            )),
            Nombre::Illisible | Nombre::TropDeChiffres => anomalies.push(Anomalie::champ(
                champ,
                "MONTANT_ILLISIBLE",
                format!(
                    "« {libelle} » : « {} » n'est pas un montant. Écrivez-le avec un point ou une virgule \
                     décimale, par exemple 1440.00.",
                    extrait(brut, 30)
                ),
            )),
        }
    }
    anomalies
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::structure::{Adresse, ParametresDestinataire, TypeIdentifiant};
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    const SIRET_COMMUNE: &str = "21852884200097";

    fn d(a: i32, m: u32, j: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(a, m, j).unwrap()
    }

    fn ligne_brute(designation: &str, quantite: &str, prix: &str, taux: &str) -> LigneBrute {
        LigneBrute {
            designation: designation.into(),
            quantite: quantite.into(),
            prix_unitaire_ht: prix.into(),
            taux_tva: taux.into(),
            ..LigneBrute::default()
        }
    }

    fn saisie_valide() -> SaisieBrute {
        SaisieBrute {
            numero: "FA-2025-0042".into(),
            date_facture: "2025-03-05".into(),
            destinataire: SIRET_COMMUNE.into(),
            lignes: vec![ligne_brute("Entretien des espaces verts", "3", "120,50", "20")],
            ..SaisieBrute::default()
        }
    }

    fn facture_valide() -> Facture {
        analyser(&saisie_valide()).unwrap()
    }

    fn anomalies(brut: &SaisieBrute) -> Vec<Anomalie> {
        match analyser(brut) {
            Err(a) => a,
            Ok(f) => panic!("anomalies attendues, facture acceptée : {f:?}"),
        }
    }

    /// L'unique anomalie d'une saisie.
    fn seule(brut: &SaisieBrute) -> Anomalie {
        let a = anomalies(brut);
        assert_eq!(a.len(), 1, "{a:#?}");
        a.into_iter().next().unwrap()
    }

    fn avec(modifier: impl FnOnce(&mut SaisieBrute)) -> SaisieBrute {
        let mut s = saisie_valide();
        modifier(&mut s);
        s
    }

    fn avec_ligne(modifier: impl FnOnce(&mut LigneBrute)) -> SaisieBrute {
        avec(|s| modifier(&mut s.lignes[0]))
    }

    fn verifie(a: &Anomalie, champ: &str, ligne: Option<usize>, code: &str, extraits: &[&str]) {
        assert_eq!((a.champ.as_str(), a.ligne, a.code), (champ, ligne, code), "{a:#?}");
        for e in extraits {
            assert!(a.message.contains(e), "« {e} » absent de : {}", a.message);
        }
    }

    // ----- analyser -----------------------------------------------------------------------

    #[test]
    fn saisie_minimale_avec_valeurs_par_defaut() {
        let f = analyser(&avec(|s| s.destinataire = " 218 528 842 00097 ".into())).unwrap();
        assert_eq!(f.numero, "FA-2025-0042");
        assert_eq!(f.date_facture, d(2025, 3, 5));
        assert_eq!(f.type_facture, TypeFacture::Facture);
        assert_eq!(f.cadre, CadreFacturation::A1FactureFournisseur);
        assert_eq!(f.mode_paiement, ModePaiement::Virement);
        assert_eq!(f.type_tva, TypeTva::TvaSurDebit);
        assert_eq!(f.destinataire, SIRET_COMMUNE);
        assert_eq!(f.lignes.len(), 1);
        let l = &f.lignes[0];
        assert_eq!(
            (l.quantite, l.prix_unitaire_ht, l.remise_ht, l.taux_tva),
            (dec!(3), dec!(120.50), dec!(0), TauxTva::Normal)
        );
        assert_eq!(f.totaux().total_ttc, dec!(433.80));
    }

    #[test]
    fn saisie_complete_et_codes_en_minuscules() {
        let f = analyser(&SaisieBrute {
            numero: "  AV_2025/01.b  ".into(),
            date_facture: "31/12/2024".into(),
            type_facture: "avoir".into(),
            cadre: "A2_FACTURE_FOURNISSEUR_DEJA_PAYEE".into(),
            destinataire: SIRET_COMMUNE.into(),
            code_service: " ECOLES ".into(),
            numero_engagement: "EJ-147853".into(),
            numero_marche: "M2024-12".into(),
            mode_paiement: "cheque".into(),
            type_tva: "TVA_SUR_ENCAISSEMENT".into(),
            motif_exoneration: String::new(),
            numero_facture_origine: "FA-2024-0001".into(),
            commentaire: "Ligne 1\nLigne 2\tavec tabulation".into(),
            code_structure_valideur: " 622 113 066 00055 ".into(),
            code_service_valideur: "COMPTA".into(),
            lignes: vec![
                LigneBrute::default(),
                LigneBrute {
                    reference: "R1".into(),
                    designation: "Fournitures".into(),
                    quantite: "1\u{a0}234,5".into(),
                    unite: "kg".into(),
                    prix_unitaire_ht: "0.123456".into(),
                    remise_ht: "1,50 €".into(),
                    taux_tva: "5,5 %".into(),
                },
            ],
        })
        .unwrap();
        assert_eq!(f.numero, "AV_2025/01.b");
        assert_eq!(f.date_facture, d(2024, 12, 31));
        assert_eq!(f.type_facture, TypeFacture::Avoir);
        assert_eq!(f.cadre, CadreFacturation::A2FactureFournisseurDejaPayee);
        assert_eq!(f.mode_paiement, ModePaiement::Cheque);
        assert_eq!(f.type_tva, TypeTva::TvaSurEncaissement);
        assert_eq!(f.code_service, "ECOLES");
        assert_eq!(f.commentaire, "Ligne 1\nLigne 2\tavec tabulation");
        assert_eq!(
            (f.code_structure_valideur.as_str(), f.code_service_valideur.as_str()),
            ("62211306600055", "COMPTA")
        );
        assert_eq!(f.lignes.len(), 1);
        let l = &f.lignes[0];
        assert_eq!((l.quantite, l.prix_unitaire_ht, l.remise_ht), (dec!(1234.5), dec!(0.123456), dec!(1.5)));
        assert_eq!(l.taux_tva, TauxTva::Reduit);
        assert_eq!(f.totaux().montant_a_payer, Decimal::ZERO);
    }

    #[test]
    fn numero_obligatoire() {
        let a = seule(&avec(|s| s.numero = "   ".into()));
        verifie(&a, "numero", None, "CHAMP_OBLIGATOIRE", &["« Numéro de facture » est obligatoire"]);
    }

    #[test]
    fn numero_de_20_caracteres_au_plus() {
        assert!(analyser(&avec(|s| s.numero = "A".repeat(20))).is_ok());
        let a = seule(&avec(|s| s.numero = "A".repeat(21)));
        verifie(
            &a,
            "numero",
            None,
            "LONGUEUR_MAX",
            &["« Numéro de facture »", "21 caractères", "20 au plus"],
        );
    }

    #[test]
    fn numero_caracteres_non_autorises() {
        let a = seule(&avec(|s| s.numero = "FA 2025#1".into()));
        verifie(&a, "numero", None, "CARACTERES_NON_AUTORISES", &["espace", "« # »", "lettres sans accent"]);
        let a = seule(&avec(|s| s.numero = "FACTURÉ1".into()));
        verifie(&a, "numero", None, "CARACTERES_NON_AUTORISES", &["« É »"]);
    }

    #[test]
    fn date_obligatoire_et_formats() {
        let a = seule(&avec(|s| s.date_facture = String::new()));
        verifie(
            &a,
            "date_facture",
            None,
            "CHAMP_OBLIGATOIRE",
            &["« Date de facture » est obligatoire", "JJ/MM/AAAA"],
        );
        for (saisie, attendu) in
            [("05/03/2025", d(2025, 3, 5)), ("2025-03-05", d(2025, 3, 5)), (" 29/02/2024 ", d(2024, 2, 29))]
        {
            assert_eq!(analyser(&avec(|s| s.date_facture = saisie.into())).unwrap().date_facture, attendu);
        }
        for saisie in ["31/02/2025", "2025-13-01", "05.03.2025", "hier", "29/02/2025", "2025/03/05"] {
            let a = seule(&avec(|s| s.date_facture = saisie.into()));
            verifie(
                &a,
                "date_facture",
                None,
                "DATE_INVALIDE",
                &[saisie, "n'est pas une date valide", "JJ/MM/AAAA"],
            );
        }
    }

    #[test]
    fn date_entre_2000_et_2099() {
        for saisie in ["31/12/1999", "2100-01-01", "05/03/25"] {
            let a = seule(&avec(|s| s.date_facture = saisie.into()));
            verifie(&a, "date_facture", None, "DATE_HORS_LIMITES", &["entre 2000 et 2099"]);
        }
        assert!(analyser(&avec(|s| s.date_facture = "01/01/2000".into())).is_ok());
        assert!(analyser(&avec(|s| s.date_facture = "31/12/2099".into())).is_ok());
    }

    #[test]
    fn codes_inconnus() {
        let a = seule(&avec(|s| s.type_facture = "ACOMPTE".into()));
        verifie(
            &a,
            "type_facture",
            None,
            "CODE_INCONNU",
            &["« Type de facture »", "« ACOMPTE »", "FACTURE (Facture), AVOIR (Avoir)"],
        );
        let a = seule(&avec(|s| s.cadre = "A3".into()));
        verifie(&a, "cadre", None, "CODE_INCONNU", &["« Cadre de facturation »", "A1_FACTURE_FOURNISSEUR"]);
        let a = seule(&avec(|s| s.mode_paiement = "CB".into()));
        verifie(&a, "mode_paiement", None, "CODE_INCONNU", &["« Mode de paiement »", "VIREMENT (Virement)"]);
        let a = seule(&avec(|s| s.type_tva = "TVA".into()));
        verifie(&a, "type_tva", None, "CODE_INCONNU", &["« Type de TVA »", "EXONERATION (Exonération)"]);
    }

    #[test]
    fn destinataire_obligatoire() {
        let a = seule(&avec(|s| s.destinataire = " \u{a0} ".into()));
        verifie(
            &a,
            "destinataire",
            None,
            "CHAMP_OBLIGATOIRE",
            &["« SIRET du destinataire » est obligatoire", "votre client, pas vous"],
        );
    }

    #[test]
    fn longueurs_maximales_de_l_en_tete() {
        type Poser = fn(&mut SaisieBrute, String);
        let cas: [(&str, usize, Poser); 6] = [
            ("code_service", 100, |s, v| s.code_service = v),
            ("numero_engagement", 50, |s, v| s.numero_engagement = v),
            ("numero_marche", 50, |s, v| s.numero_marche = v),
            ("motif_exoneration", 255, |s, v| s.motif_exoneration = v),
            ("commentaire", 2000, |s, v| s.commentaire = v),
            ("numero_facture_origine", 20, |s, v| s.numero_facture_origine = v),
        ];
        for (champ, max, poser) in cas {
            assert!(analyser(&avec(|s| poser(s, "é".repeat(max)))).is_ok(), "{champ} à {max}");
            let a = seule(&avec(|s| poser(s, "é".repeat(max + 1))));
            verifie(
                &a,
                champ,
                None,
                "LONGUEUR_MAX",
                &[&format!("{} caractères", max + 1), &format!("{max} au plus")],
            );
        }
    }

    #[test]
    fn aucune_ligne() {
        let a = seule(&avec(|s| s.lignes.clear()));
        verifie(&a, "lignes", None, "AUCUNE_LIGNE", &["au moins une ligne"]);
        // Des lignes vides (même avec le taux par défaut) ne comptent pas.
        let a = seule(&avec(|s| {
            s.lignes =
                vec![LigneBrute { taux_tva: "20".into(), ..LigneBrute::default() }, LigneBrute::default()]
        }));
        assert_eq!(a.code, "AUCUNE_LIGNE");
    }

    #[test]
    fn cent_lignes_au_plus() {
        let l = ligne_brute("Article", "1", "1", "20");
        assert_eq!(analyser(&avec(|s| s.lignes = vec![l.clone(); 100])).unwrap().lignes.len(), 100);
        let a = seule(&avec(|s| s.lignes = vec![l.clone(); 101]));
        verifie(&a, "lignes", None, "TROP_DE_LIGNES", &["101 lignes", "100 au plus"]);
    }

    #[test]
    fn lignes_numerotees_sans_les_lignes_vides() {
        let a = seule(&avec(|s| {
            s.lignes = vec![
                ligne_brute("A", "1", "1", "20"),
                LigneBrute::default(),
                ligne_brute("B", "zéro", "1", "20"),
            ]
        }));
        verifie(&a, "ligne_quantite", Some(2), "NOMBRE_INVALIDE", &["« Quantité (ligne 2) »", "« zéro »"]);
    }

    #[test]
    fn designation_obligatoire_et_longueur() {
        let a = seule(&avec_ligne(|l| l.designation = " ".into()));
        verifie(
            &a,
            "ligne_designation",
            Some(1),
            "CHAMP_OBLIGATOIRE",
            &["« Désignation (ligne 1) » est obligatoire"],
        );
        let a = seule(&avec_ligne(|l| l.designation = "x".repeat(251)));
        verifie(&a, "ligne_designation", Some(1), "LONGUEUR_MAX", &["251 caractères"]);
        let a = seule(&avec_ligne(|l| l.reference = "x".repeat(51)));
        verifie(&a, "ligne_reference", Some(1), "LONGUEUR_MAX", &["« Référence (ligne 1) »"]);
        let a = seule(&avec_ligne(|l| l.unite = "x".repeat(21)));
        verifie(&a, "ligne_unite", Some(1), "LONGUEUR_MAX", &["« Unité (ligne 1) »", "20 au plus"]);
    }

    #[test]
    fn quantite() {
        let q = |v: &str| avec_ligne(|l| l.quantite = v.into());
        verifie(
            &seule(&q("")),
            "ligne_quantite",
            Some(1),
            "CHAMP_OBLIGATOIRE",
            &["« Quantité (ligne 1) » est obligatoire"],
        );
        for v in ["abc", "1.234,5", "1,2,3", "1e3", "--1", ",", "12a"] {
            verifie(&seule(&q(v)), "ligne_quantite", Some(1), "NOMBRE_INVALIDE", &["n'est pas un nombre"]);
        }
        verifie(
            &seule(&q("0")),
            "ligne_quantite",
            Some(1),
            "VALEUR_NON_POSITIVE",
            &["supérieure à 0", "avoir"],
        );
        verifie(&seule(&q("-2")), "ligne_quantite", Some(1), "VALEUR_NON_POSITIVE", &["vaut -2"]);
        verifie(
            &seule(&q("1 000 000,0001")),
            "ligne_quantite",
            Some(1),
            "VALEUR_TROP_GRANDE",
            &["1\u{202f}000\u{202f}000"],
        );
        verifie(
            &seule(&q("1,23456")),
            "ligne_quantite",
            Some(1),
            "TROP_DE_DECIMALES",
            &["5 décimales", "4 au maximum"],
        );
        verifie(
            &seule(&q("99999999999999999999")),
            "ligne_quantite",
            Some(1),
            "VALEUR_TROP_GRANDE",
            &["trop de chiffres"],
        );
        for (v, attendu) in [
            ("1 000 000", dec!(1000000)),
            ("1\u{202f}234,5", dec!(1234.5)),
            ("0,0001", dec!(0.0001)),
            ("2.50000", dec!(2.5)),
            (",5", dec!(0.5)),
            ("+3", dec!(3)),
        ] {
            assert_eq!(analyser(&q(v)).unwrap().lignes[0].quantite, attendu, "{v}");
        }
    }

    #[test]
    fn prix_unitaire() {
        let p = |v: &str| avec_ligne(|l| l.prix_unitaire_ht = v.into());
        verifie(
            &seule(&p(" ")),
            "ligne_prix_unitaire_ht",
            Some(1),
            "CHAMP_OBLIGATOIRE",
            &["« Prix unitaire HT (ligne 1) »"],
        );
        verifie(
            &seule(&p("-1")),
            "ligne_prix_unitaire_ht",
            Some(1),
            "VALEUR_NEGATIVE",
            &["ne peut pas être négatif"],
        );
        verifie(
            &seule(&p("100000000,01")),
            "ligne_prix_unitaire_ht",
            Some(1),
            "VALEUR_TROP_GRANDE",
            &["100\u{202f}000\u{202f}000"],
        );
        verifie(
            &seule(&p("0,1234567")),
            "ligne_prix_unitaire_ht",
            Some(1),
            "TROP_DE_DECIMALES",
            &["7 décimales", "6 au maximum"],
        );
        verifie(&seule(&p("douze")), "ligne_prix_unitaire_ht", Some(1), "NOMBRE_INVALIDE", &["« douze »"]);
        // Un prix nul est une forme valide (la facture à 0 € est refusée par les contrôles).
        assert_eq!(analyser(&p("0")).unwrap().lignes[0].prix_unitaire_ht, Decimal::ZERO);
        assert_eq!(analyser(&p("100 000 000 €")).unwrap().lignes[0].prix_unitaire_ht, dec!(100000000));
    }

    #[test]
    fn remise() {
        let r = |v: &str| avec_ligne(|l| l.remise_ht = v.into());
        assert_eq!(analyser(&r("")).unwrap().lignes[0].remise_ht, Decimal::ZERO);
        assert_eq!(analyser(&r("361,50")).unwrap().lignes[0].remise_ht, dec!(361.50)); // = 3 × 120,50
        verifie(
            &seule(&r("361,51")),
            "ligne_remise_ht",
            Some(1),
            "REMISE_SUPERIEURE_AU_MONTANT",
            &["la remise dépasse le montant de la ligne", "361,50 €", "pas en pourcentage"],
        );
        verifie(&seule(&r("-5")), "ligne_remise_ht", Some(1), "VALEUR_NEGATIVE", &["sans signe moins"]);
        verifie(&seule(&r("1,005")), "ligne_remise_ht", Some(1), "TROP_DE_DECIMALES", &["2 au maximum"]);
        verifie(&seule(&r("10%")), "ligne_remise_ht", Some(1), "NOMBRE_INVALIDE", &["« 10% »"]);
    }

    #[test]
    fn taux_de_tva() {
        let t = |v: &str| avec_ligne(|l| l.taux_tva = v.into());
        verifie(
            &seule(&t("")),
            "ligne_taux_tva",
            Some(1),
            "CHAMP_OBLIGATOIRE",
            &["« Taux de TVA (ligne 1) »", "20, 10, 5,5, 2,1 ou 0 %"],
        );
        verifie(
            &seule(&t("19,6")),
            "ligne_taux_tva",
            Some(1),
            "TAUX_TVA_INVALIDE",
            &["« 19,6 »", "20, 10, 5,5, 2,1 ou 0 %"],
        );
        verifie(&seule(&t("normal")), "ligne_taux_tva", Some(1), "TAUX_TVA_INVALIDE", &["« normal »"]);
        for (v, attendu) in [
            ("20", TauxTva::Normal),
            ("10 %", TauxTva::Intermediaire),
            ("5.5", TauxTva::Reduit),
            ("2,1", TauxTva::Particulier),
            ("0", TauxTva::Zero),
        ] {
            assert_eq!(analyser(&t(v)).unwrap().lignes[0].taux_tva, attendu);
        }
    }

    #[test]
    fn caracteres_de_controle_refuses() {
        let a = seule(&avec(|s| s.commentaire = "Bonjour\u{0}".into()));
        verifie(
            &a,
            "commentaire",
            None,
            "CARACTERE_DE_CONTROLE",
            &["« Commentaire »", "caractère invisible"],
        );
        let a = seule(&avec(|s| s.numero = "FA\u{1b}1".into()));
        verifie(&a, "numero", None, "CARACTERE_DE_CONTROLE", &[]);
        let a = seule(&avec_ligne(|l| l.designation = "Vis\u{7}".into()));
        verifie(&a, "ligne_designation", Some(1), "CARACTERE_DE_CONTROLE", &["« Désignation (ligne 1) »"]);
        assert!(analyser(&avec(|s| s.commentaire = "a\r\nb\tc".into())).is_ok());
    }

    #[test]
    fn toutes_les_anomalies_d_un_coup() {
        let a = anomalies(&SaisieBrute {
            numero: String::new(),
            date_facture: "32/01/2025".into(),
            mode_paiement: "CARTE".into(),
            lignes: vec![
                ligne_brute("", "0", "-1", "7"),
                ligne_brute("Ok", "1", "1", "20"),
                LigneBrute { remise_ht: "5".into(), ..ligne_brute("Remise", "1", "1", "20") },
            ],
            ..SaisieBrute::default()
        });
        let codes: Vec<(&str, Option<usize>, &str)> =
            a.iter().map(|a| (a.champ.as_str(), a.ligne, a.code)).collect();
        assert_eq!(
            codes,
            vec![
                ("numero", None, "CHAMP_OBLIGATOIRE"),
                ("date_facture", None, "DATE_INVALIDE"),
                ("destinataire", None, "CHAMP_OBLIGATOIRE"),
                ("mode_paiement", None, "CODE_INCONNU"),
                ("ligne_designation", Some(1), "CHAMP_OBLIGATOIRE"),
                ("ligne_quantite", Some(1), "VALEUR_NON_POSITIVE"),
                ("ligne_prix_unitaire_ht", Some(1), "VALEUR_NEGATIVE"),
                ("ligne_taux_tva", Some(1), "TAUX_TVA_INVALIDE"),
                ("ligne_remise_ht", Some(3), "REMISE_SUPERIEURE_AU_MONTANT"),
            ]
        );
        assert!(a.iter().all(|a| !a.message.is_empty()));
    }

    #[test]
    fn html_script_et_sql_acceptes_comme_texte() {
        let script = "<script>alert('x')</script>";
        let sql = "'; DROP TABLE factures; --";
        let f = analyser(&avec(|s| {
            s.commentaire = format!("{script} {sql} \" & < > %s {{}}");
            s.code_service = "<b>ACHATS</b>".into();
            s.numero_marche = "1' OR '1'='1".into();
            s.motif_exoneration = "<img src=x onerror=alert(1)>".into();
            s.lignes[0].designation = format!("{sql}{script}");
            s.lignes[0].reference = "\"><svg/onload=1>".into();
            s.lignes[0].unite = "`$(rm -rf /)`".into();
        }))
        .unwrap();
        assert_eq!(f.commentaire, format!("{script} {sql} \" & < > %s {{}}"));
        assert_eq!(f.lignes[0].designation, format!("{sql}{script}"));
        assert_eq!(f.numero_marche, "1' OR '1'='1");
        assert_eq!(f.lignes[0].unite, "`$(rm -rf /)`");
    }

    proptest! {
        #[test]
        fn analyser_ne_panique_jamais(
            numero in ".{0,30}",
            date in ".{0,15}",
            destinataire in ".{0,20}",
            texte in ".{0,40}",
            lignes in prop::collection::vec((".{0,10}", "[-+0-9 ,.€a]{0,14}", "[-+0-9 ,.€]{0,14}", "[-+0-9 ,.%]{0,6}"), 0..4),
        ) {
            let brut = SaisieBrute {
                numero,
                date_facture: date,
                destinataire,
                code_service: texte.clone(),
                commentaire: texte.clone(),
                type_tva: texte,
                lignes: lignes
                    .into_iter()
                    .map(|(designation, q, p, t)| LigneBrute { designation, quantite: q, prix_unitaire_ht: p.clone(), remise_ht: p, taux_tva: t, ..LigneBrute::default() })
                    .collect(),
                ..SaisieBrute::default()
            };
            let ctx = Contexte { destinataire: None, numero_deja_utilise: false, aujourd_hui: d(2025, 6, 1) };
            match verifier(&brut, &ctx) {
                Ok(f) => prop_assert!(!f.lignes.is_empty()),
                Err(a) => prop_assert!(!a.is_empty() && a.iter().all(|a| !a.message.is_empty())),
            }
        }
    }

    // ----- controler ----------------------------------------------------------------------

    fn service(code: &str, engagement_obligatoire: bool, actif: bool) -> Service {
        Service {
            identifiant_structure: SIRET_COMMUNE.into(),
            code: code.into(),
            libelle: format!("Service {code}"),
            engagement_obligatoire,
            actif,
        }
    }

    fn destinataire(parametres: ParametresDestinataire) -> DestinataireConnu {
        DestinataireConnu {
            structure: StructurePublique {
                type_identifiant: TypeIdentifiant::Siret,
                identifiant: SIRET_COMMUNE.into(),
                raison_sociale: "COMMUNE DE VALCOMBE (FICTIVE)".into(),
                parametres,
                adresse: Adresse::default(),
                telephone: String::new(),
                courriel: String::new(),
                categorie_juridique: Some("7210".into()),
                delai_paiement_jours: 30,
            },
            services: vec![
                service(FACTURES_PUBLIQUES, false, true),
                service("ECOLES", false, true),
                service("LABO", true, true),
                service("ANCIEN", false, false),
            ],
        }
    }

    fn actif() -> ParametresDestinataire {
        ParametresDestinataire { active: true, ..ParametresDestinataire::default() }
    }

    fn controle(f: &Facture, d: Option<&DestinataireConnu>) -> Vec<Anomalie> {
        controler(f, &Contexte { destinataire: d, numero_deja_utilise: false, aujourd_hui: d_jour() })
    }

    fn d_jour() -> NaiveDate {
        d(2025, 6, 1)
    }

    fn codes(a: &[Anomalie]) -> Vec<&'static str> {
        a.iter().map(|a| a.code).collect()
    }

    fn controle_seul(f: &Facture, d: Option<&DestinataireConnu>) -> Anomalie {
        let a = controle(f, d);
        assert_eq!(a.len(), 1, "{a:#?}");
        a.into_iter().next().unwrap()
    }

    fn facture(modifier: impl FnOnce(&mut Facture)) -> Facture {
        let mut f = facture_valide();
        modifier(&mut f);
        f
    }

    #[test]
    fn facture_conforme() {
        let d = destinataire(actif());
        assert!(controle(&facture_valide(), Some(&d)).is_empty());
        let ctx = Contexte { destinataire: Some(&d), numero_deja_utilise: false, aujourd_hui: d_jour() };
        assert!(verifier(&saisie_valide(), &ctx).is_ok());
    }

    #[test]
    fn destinataire_inconnu() {
        let a = controle_seul(&facture_valide(), None);
        verifie(
            &a,
            "destinataire",
            None,
            "DESTINATAIRE_INCONNU",
            &["« 21852884200097 »", "SIRET de votre client", "et non le vôtre", "annuaire"],
        );
        // Un SIRET mal formé : le message dit pourquoi.
        let a = controle_seul(&facture(|f| f.destinataire = "2185288420009".into()), None);
        assert!(a.message.contains("14 chiffres (vous en avez saisi 13)"), "{}", a.message);
    }

    #[test]
    fn destinataire_inconnu_sans_controles_de_service() {
        // Aucun contrôle de service ni d'engagement sans destinataire connu…
        let a = controle(&facture(|f| f.code_service = "N_IMPORTE_QUOI".into()), None);
        assert_eq!(codes(&a), ["DESTINATAIRE_INCONNU"]);
        // … sauf le service réservé aux entités publiques, qui est toujours une erreur.
        let a = controle(&facture(|f| f.code_service = FACTURES_PUBLIQUES.into()), None);
        assert_eq!(codes(&a), ["DESTINATAIRE_INCONNU", "SERVICE_FACTURES_PUBLIQUES"]);
    }

    #[test]
    fn destinataire_inactif() {
        let d = destinataire(ParametresDestinataire::default());
        let a = controle_seul(&facture_valide(), Some(&d));
        verifie(&a, "destinataire", None, "DESTINATAIRE_INACTIF", &["est inactive", "COMMUNE DE VALCOMBE"]);
    }

    #[test]
    fn destinataire_moa_uniquement() {
        let d = destinataire(ParametresDestinataire { est_moa: true, est_moa_uniquement: true, ..actif() });
        let a = controle_seul(&facture_valide(), Some(&d));
        verifie(&a, "destinataire", None, "DESTINATAIRE_MOA_UNIQUEMENT", &["factures de travaux"]);
        // Simple MOA : pas d'anomalie.
        let d = destinataire(ParametresDestinataire { est_moa: true, ..actif() });
        assert!(controle(&facture_valide(), Some(&d)).is_empty());
    }

    #[test]
    fn service_factures_publiques() {
        let d = destinataire(actif());
        let a = controle_seul(&facture(|f| f.code_service = "factures_publiques".into()), Some(&d));
        verifie(
            &a,
            "code_service",
            None,
            "SERVICE_FACTURES_PUBLIQUES",
            &["réservé aux factures échangées entre entités publiques", "ECOLES"],
        );
        assert!(!a.message.contains("ANCIEN"), "les services fermés ne sont pas proposés");
    }

    #[test]
    fn service_inconnu() {
        let d = destinataire(actif());
        let a = controle_seul(&facture(|f| f.code_service = "CANTINE".into()), Some(&d));
        verifie(
            &a,
            "code_service",
            None,
            "SERVICE_INCONNU",
            &[
                "Le code service de la structure publique destinataire est inconnu ou inactif",
                "« CANTINE »",
                "ECOLES (Service ECOLES)",
            ],
        );
        let a = controle_seul(&facture(|f| f.code_service = "ecoles".into()), Some(&d));
        verifie(&a, "code_service", None, "SERVICE_INCONNU", &["Vouliez-vous dire « ECOLES » ?"]);
    }

    #[test]
    fn service_inactif() {
        let d = destinataire(actif());
        let a = controle_seul(&facture(|f| f.code_service = "ANCIEN".into()), Some(&d));
        verifie(
            &a,
            "code_service",
            None,
            "SERVICE_INACTIF",
            &["inconnu ou inactif", "« ANCIEN »", "est fermé", "LABO"],
        );
    }

    #[test]
    fn service_obligatoire() {
        let d = destinataire(ParametresDestinataire { code_service_obligatoire: true, ..actif() });
        let a = controle_seul(&facture_valide(), Some(&d));
        verifie(&a, "code_service", None, "SERVICE_OBLIGATOIRE", &["exige un code service", "ECOLES"]);
        assert!(controle(&facture(|f| f.code_service = "ECOLES".into()), Some(&d)).is_empty());
    }

    #[test]
    fn engagement_obligatoire_pour_la_structure() {
        let d = destinataire(ParametresDestinataire { engagement_obligatoire: true, ..actif() });
        let a = controle_seul(&facture_valide(), Some(&d));
        verifie(
            &a,
            "numero_engagement",
            None,
            "ENGAGEMENT_OBLIGATOIRE",
            &["La structure", "paramètre de la structure"],
        );
        assert!(controle(&facture(|f| f.numero_engagement = "EJ1".into()), Some(&d)).is_empty());
    }

    #[test]
    fn engagement_obligatoire_pour_le_service() {
        let d = destinataire(actif());
        let a = controle_seul(&facture(|f| f.code_service = "LABO".into()), Some(&d));
        verifie(
            &a,
            "numero_engagement",
            None,
            "ENGAGEMENT_OBLIGATOIRE",
            &["Le service « LABO »", "paramètre du service"],
        );
        assert!(
            controle(
                &facture(|f| {
                    f.code_service = "LABO".into();
                    f.numero_engagement = "EJ1".into()
                }),
                Some(&d)
            )
            .is_empty()
        );
    }

    #[test]
    fn service_et_engagement() {
        let d = destinataire(ParametresDestinataire {
            code_service_obligatoire: true,
            engagement_obligatoire: true,
            service_et_engagement: true,
            ..actif()
        });
        assert_eq!(
            codes(&controle(&facture_valide(), Some(&d))),
            ["SERVICE_OBLIGATOIRE", "ENGAGEMENT_OBLIGATOIRE"]
        );
        let f = facture(|f| f.code_service = "ECOLES".into());
        assert_eq!(codes(&controle(&f, Some(&d))), ["ENGAGEMENT_OBLIGATOIRE"]);
    }

    #[test]
    fn service_ou_engagement() {
        let d = destinataire(ParametresDestinataire { service_ou_engagement: true, ..actif() });
        let a = controle_seul(&facture_valide(), Some(&d));
        verifie(&a, "code_service", None, "SERVICE_OU_ENGAGEMENT", &["au moins l'un des deux"]);
        assert!(controle(&facture(|f| f.code_service = "ECOLES".into()), Some(&d)).is_empty());
        assert!(controle(&facture(|f| f.numero_engagement = "EJ1".into()), Some(&d)).is_empty());
    }

    #[test]
    fn numero_deja_utilise() {
        let d = destinataire(actif());
        let a = controler(
            &facture_valide(),
            &Contexte { destinataire: Some(&d), numero_deja_utilise: true, aujourd_hui: d_jour() },
        );
        assert_eq!(a.len(), 1);
        verifie(
            &a[0],
            "numero",
            None,
            "NUMERO_DEJA_UTILISE",
            &["« FA-2025-0042 »", "Même si la première a été rejetée", "nouveau numéro"],
        );
    }

    #[test]
    fn date_future() {
        let d = destinataire(actif());
        let a = controle_seul(&facture(|f| f.date_facture = d_jour().succ_opt().unwrap()), Some(&d));
        verifie(&a, "date_facture", None, "DATE_FUTURE", &["02/06/2025", "01/06/2025", "dans le futur"]);
        assert!(controle(&facture(|f| f.date_facture = d_jour()), Some(&d)).is_empty());
    }

    #[test]
    fn motif_d_exoneration_obligatoire_a_0() {
        let d = destinataire(actif());
        let brut = avec(|s| {
            s.lignes.push(ligne_brute("Formation", "1", "500", "0"));
            s.lignes.push(ligne_brute("Livre", "2", "10", "5,5"));
            s.lignes.push(ligne_brute("Stage", "1", "100", "0"));
        });
        let f = analyser(&brut).unwrap();
        let a = controle_seul(&f, Some(&d));
        verifie(
            &a,
            "motif_exoneration",
            None,
            "MOTIF_EXONERATION_OBLIGATOIRE",
            &["Les lignes 2, 4 sont à 0 %", "293 B"],
        );
        let f = analyser(&avec(|s| s.lignes[0].taux_tva = "0".into())).unwrap();
        verifie(
            &controle_seul(&f, Some(&d)),
            "motif_exoneration",
            None,
            "MOTIF_EXONERATION_OBLIGATOIRE",
            &["La ligne 1 est"],
        );
        let f = analyser(&avec(|s| {
            s.lignes[0].taux_tva = "0".into();
            s.motif_exoneration = "Exonération de TVA, article 261-4-4° du CGI".into();
        }))
        .unwrap();
        assert!(controle(&f, Some(&d)).is_empty());
    }

    #[test]
    fn exoneration_avec_taux_positif_toleree() {
        let d = destinataire(actif());
        for type_tva in [TypeTva::Exoneration, TypeTva::SansTva] {
            assert!(controle(&facture(|f| f.type_tva = type_tva), Some(&d)).is_empty());
        }
    }

    #[test]
    fn montant_absurde() {
        let d = destinataire(actif());
        let f = analyser(&avec(|s| s.lignes[0] = ligne_brute("Or", "1000000", "1000", "20"))).unwrap();
        let a = controle_seul(&f, Some(&d));
        verifie(
            &a,
            "lignes",
            None,
            "MONTANT_ABSURDE",
            &["1\u{202f}200\u{202f}000\u{202f}000,00 €", "1\u{202f}000\u{202f}000\u{202f}000,00 €"],
        );
        // Exactement un milliard TTC : accepté.
        let f = analyser(&avec(|s| s.lignes[0] = ligne_brute("Or", "1000000", "1000", "0"))).unwrap();
        let f = Facture { motif_exoneration: "Exonération".into(), ..f };
        assert!(controle(&f, Some(&d)).is_empty());
        // Une facture construite hors formulaire, aux montants démesurés : pas de panique.
        let f = facture(|f| {
            f.lignes[0].quantite = Decimal::MAX;
            f.lignes[0].prix_unitaire_ht = Decimal::MAX;
        });
        assert_eq!(codes(&controle(&f, Some(&d))), ["MONTANT_ABSURDE"]);
    }

    #[test]
    fn montant_nul() {
        let d = destinataire(actif());
        let f = analyser(&avec(|s| s.lignes[0].prix_unitaire_ht = "0".into())).unwrap();
        verifie(&controle_seul(&f, Some(&d)), "lignes", None, "MONTANT_NUL", &["0,00 €", "avoir"]);
        // Remise égale au montant : 0 aussi.
        let f = analyser(&avec(|s| s.lignes[0].remise_ht = "361,50".into())).unwrap();
        assert_eq!(codes(&controle(&f, Some(&d))), ["MONTANT_NUL"]);
        // 0,004 € : arrondi à 0,00 €.
        let f = analyser(&avec(|s| {
            s.lignes[0].quantite = "1".into();
            s.lignes[0].prix_unitaire_ht = "0,004".into()
        }))
        .unwrap();
        assert_eq!(codes(&controle(&f, Some(&d))), ["MONTANT_NUL"]);
        // Un avoir n'est pas concerné par cette règle.
        let f = analyser(&avec(|s| {
            s.type_facture = "AVOIR".into();
            s.numero_facture_origine = "FA-1".into();
            s.lignes[0].prix_unitaire_ht = "0".into();
        }))
        .unwrap();
        assert!(controle(&f, Some(&d)).is_empty());
    }

    #[test]
    fn avoir_sans_facture_d_origine() {
        let d = destinataire(actif());
        let f = facture(|f| f.type_facture = TypeFacture::Avoir);
        let a = controle_seul(&f, Some(&d));
        verifie(
            &a,
            "numero_facture_origine",
            None,
            "FACTURE_ORIGINE_OBLIGATOIRE",
            &["« Numéro de la facture d'origine »"],
        );
        assert!(
            controle(
                &facture(|f| {
                    f.type_facture = TypeFacture::Avoir;
                    f.numero_facture_origine = "FA-1".into()
                }),
                Some(&d)
            )
            .is_empty()
        );
    }

    #[test]
    fn cadre_a2_autorise() {
        let d = destinataire(actif());
        let f = facture(|f| f.cadre = CadreFacturation::A2FactureFournisseurDejaPayee);
        assert!(controle(&f, Some(&d)).is_empty());
        assert_eq!(f.totaux().montant_a_payer, Decimal::ZERO);
    }

    #[test]
    fn cadres_a9_a12_passent_les_controles_de_la_facture() {
        // Le valideur se contrôle à part, avec le registre des entreprises (`validation`).
        let d = destinataire(actif());
        for cadre in [CadreFacturation::A9FactureSousTraitant, CadreFacturation::A12FactureCotraitant] {
            assert!(controle(&facture(|f| f.cadre = cadre), Some(&d)).is_empty());
        }
    }

    #[test]
    fn plusieurs_anomalies_de_controle_ensemble() {
        let dest = destinataire(ParametresDestinataire {
            engagement_obligatoire: true,
            ..ParametresDestinataire::default()
        });
        let f = facture(|f| {
            f.date_facture = d(2026, 1, 1);
            f.code_service = "CANTINE".into();
            f.type_facture = TypeFacture::Avoir;
        });
        let a = controler(
            &f,
            &Contexte { destinataire: Some(&dest), numero_deja_utilise: true, aujourd_hui: d_jour() },
        );
        assert_eq!(
            codes(&a),
            [
                "NUMERO_DEJA_UTILISE",
                "DATE_FUTURE",
                "DESTINATAIRE_INACTIF",
                "SERVICE_INCONNU",
                "ENGAGEMENT_OBLIGATOIRE",
                "FACTURE_ORIGINE_OBLIGATOIRE"
            ]
        );
    }

    #[test]
    fn les_montants_declares_doivent_etre_ceux_des_lignes() {
        let totaux = montants::calculer(
            &[Ligne {
                reference: String::new(),
                designation: "Journée".into(),
                quantite: dec!(2),
                unite: String::new(),
                prix_unitaire_ht: dec!(600),
                remise_ht: Decimal::ZERO,
                taux_tva: TauxTva::Normal,
            }],
            false,
        );
        let justes = MontantsDeclares {
            montant_ht_total: "1200".into(),
            montant_tva: "240.00".into(),
            montant_ttc_total: "1440,00".into(),
            montant_a_payer: String::new(),
        };
        assert!(controler_montants_declares(&justes, &totaux).is_empty());
        let faux =
            MontantsDeclares { montant_ttc_total: "1400".into(), montant_tva: "deux cents".into(), ..justes };
        let codes: Vec<_> =
            controler_montants_declares(&faux, &totaux).iter().map(|a| (a.champ.clone(), a.code)).collect();
        assert_eq!(
            codes,
            [
                ("montant_tva".to_string(), "MONTANT_ILLISIBLE"),
                ("montant_ttc_total".to_string(), "MONTANT_INCOHERENT")
            ]
        );
    }
}
