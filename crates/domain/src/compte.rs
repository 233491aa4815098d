//! Les comptes utilisateurs du portail : formulaire « Informations personnelles », règles du
//! mot de passe, liens d'activation et code de connexion à deux facteurs, blocage après des
//! échecs de connexion, rôles.
//!
//! Sources : création de compte (KB0011479 « Créer et gérer votre compte utilisateur » : champs
//! obligatoires marqués d'un astérisque rouge, téléphone facultatif, adresse de contact égale par
//! défaut à l'adresse de connexion, lien d'activation valable 60 minutes) ; double
//! authentification obligatoire depuis la mi-septembre 2024 (code envoyé par e-mail) ; blocage
//! après 5 tentatives infructueuses, levé au bout d'une heure ; rôles « gestionnaire principal »
//! et « utilisateur » (la notion de gestionnaire secondaire n'existe plus).
//!
//! Tout ce que ces sources ne disent pas (format exact des adresses et noms admis, règles de
//! complexité du mot de passe, durée de validité et longueur du code à deux facteurs) est un
//! choix du simulateur, signalé comme tel ci-dessous. Rien ici ne lit l'horloge : l'heure
//! courante est toujours passée en argument.

use chrono::{NaiveDateTime, TimeDelta, Timelike};
use serde::{Deserialize, Serialize};

use crate::anomalie::Anomalie;
use crate::erreur::Erreur;

// ---------------------------------------------------------------------------------------------
// Formulaire de création de compte
// ---------------------------------------------------------------------------------------------

/// Longueur maximale d'une adresse e-mail (RFC 5321 : 254 caractères utilisables).
pub const EMAIL_LONGUEUR_MAX: usize = 254;
/// Longueur maximale de la partie de l'adresse avant le « @ » (RFC 5321).
pub const EMAIL_PARTIE_LOCALE_MAX: usize = 64;
/// Longueur maximale du nom et du prénom (choix du simulateur).
pub const NOM_LONGUEUR_MAX: usize = 100;
/// Nombre de chiffres d'un numéro de téléphone : 9 au moins (choix du simulateur), 15 au plus
/// (maximum de la norme internationale E.164, indicatif du pays compris).
pub const TELEPHONE_CHIFFRES_MIN: usize = 9;
pub const TELEPHONE_CHIFFRES_MAX: usize = 15;
/// Longueur maximale du champ téléphone, séparateurs compris (choix du simulateur : 15 chiffres,
/// le « + » et un séparateur entre chaque chiffre tiennent dans 30 caractères).
pub const TELEPHONE_LONGUEUR_MAX: usize = 30;

const LIBELLE_EMAIL_CONNEXION: &str = "Adresse e-mail de connexion";
const LIBELLE_EMAIL_CONTACT: &str = "Adresse e-mail de contact";
const LIBELLE_NOM: &str = "Nom";
const LIBELLE_PRENOM: &str = "Prénom";
const LIBELLE_TELEPHONE: &str = "Téléphone";
const LIBELLE_MOT_DE_PASSE: &str = "Mot de passe";
const LIBELLE_CONFIRMATION: &str = "Confirmation du mot de passe";

/// Le formulaire « Informations personnelles » tel que tapé (tout est texte).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreationCompte {
    pub email_connexion: String,
    pub nom: String,
    pub prenom: String,
    /// Facultatif.
    pub telephone: String,
    /// Facultatif : vide, les notifications partent vers l'adresse de connexion.
    pub email_contact: String,
}

/// Les contrôles du formulaire de création de compte. Une liste vide veut dire : le compte
/// peut être créé (les espaces au début et à la fin des champs sont ignorés ; à l'appelant de
/// les retirer avant d'enregistrer, voir [`normaliser_email`]).
pub fn controler_creation(c: &CreationCompte) -> Vec<Anomalie> {
    let mut anomalies = Vec::new();

    let email = c.email_connexion.trim();
    if email.is_empty() {
        anomalies.push(Anomalie::champ(
            "email_connexion",
            "EMAIL_OBLIGATOIRE",
            format!(
                "Renseignez « {LIBELLE_EMAIL_CONNEXION} » : c'est votre identifiant pour vous connecter au \
                 portail et l'adresse où vous recevrez le lien d'activation du compte (par exemple \
                 « jean.dupont@entreprise.fr »)."
            ),
        ));
    } else if let Some(probleme) = probleme_email(email) {
        anomalies.push(Anomalie::champ(
            "email_connexion",
            "EMAIL_INVALIDE",
            format!(
                "« {LIBELLE_EMAIL_CONNEXION} » : {probleme}. Corrigez l'adresse : le lien d'activation du \
                 compte y sera envoyé."
            ),
        ));
    }

    controler_nom(&CHAMP_NOM, &c.nom, &mut anomalies);
    controler_nom(&CHAMP_PRENOM, &c.prenom, &mut anomalies);
    controler_telephone(&c.telephone, &mut anomalies);

    let contact = c.email_contact.trim();
    if !contact.is_empty()
        && let Some(probleme) = probleme_email(contact)
    {
        anomalies.push(Anomalie::champ(
            "email_contact",
            "EMAIL_INVALIDE",
            format!(
                "« {LIBELLE_EMAIL_CONTACT} » : {probleme}. Corrigez l'adresse, ou laissez le champ vide pour \
                 recevoir les notifications sur votre adresse de connexion."
            ),
        ));
    }

    anomalies
}

/// L'adresse telle qu'on l'enregistre et qu'on la compare : sans espaces autour, en minuscules.
/// Mettre la partie avant le « @ » en minuscules n'est pas garanti par la norme, mais toutes
/// les messageries courantes l'ignorent : c'est le choix du simulateur, pour qu'un stagiaire
/// qui tape « Jean.Dupont@… » retrouve son compte.
pub fn normaliser_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Caractères refusés avant le « @ » : admis par la norme entre guillemets seulement, ce sont
/// en pratique des fautes de frappe (« jean,dupont@… ») ou deux adresses collées.
const INTERDITS_PARTIE_LOCALE: &[char] = &['(', ')', '<', '>', '[', ']', ',', ';', ':', '\\', '"'];

/// Contrôle pragmatique d'une adresse e-mail (sans espaces autour) : la raison du refus, à
/// insérer dans une phrase, ou `None` si l'adresse est acceptée. Choix du simulateur : un seul
/// « @ », partie locale non vide de 64 caractères au plus sans point en tête, en fin ni doublé,
/// domaine fait d'étiquettes de lettres, chiffres et tirets séparées par des points, extension
/// finale d'au moins 2 caractères non tous numériques, 254 caractères au plus, ni espace ni
/// caractère de contrôle.
fn probleme_email(email: &str) -> Option<String> {
    const EXEMPLE: &str = "par exemple « jean.dupont@entreprise.fr »";
    if email.chars().any(char::is_control) {
        return Some(
            "l'adresse contient un caractère invisible (tabulation, retour à la ligne…) ; retapez-la au \
             clavier plutôt que de la coller"
                .into(),
        );
    }
    let n = email.chars().count();
    if n > EMAIL_LONGUEUR_MAX {
        return Some(format!("l'adresse est trop longue ({n} caractères, {EMAIL_LONGUEUR_MAX} au maximum)"));
    }
    if email.chars().any(char::is_whitespace) {
        return Some(format!(
            "une adresse e-mail ne contient pas d'espace, {EXEMPLE} ; supprimez les espaces"
        ));
    }
    let (locale, domaine) = match email.split('@').count() {
        1 => {
            return Some(format!(
                "il manque le signe « @ » entre votre identifiant et le nom de domaine, {EXEMPLE}"
            ));
        }
        2 => email.split_once('@').unwrap_or_default(),
        _ => {
            return Some(
                "l'adresse contient plusieurs « @ » alors qu'une adresse n'en comporte qu'un seul ; vérifiez \
                 que vous n'avez pas saisi deux adresses"
                    .into(),
            );
        }
    };
    if locale.is_empty() {
        return Some(format!("il manque la partie avant le « @ », {EXEMPLE}"));
    }
    if locale.chars().count() > EMAIL_PARTIE_LOCALE_MAX {
        return Some(format!(
            "la partie avant le « @ » dépasse {EMAIL_PARTIE_LOCALE_MAX} caractères ; vérifiez l'adresse"
        ));
    }
    if let Some(c) = locale.chars().find(|c| INTERDITS_PARTIE_LOCALE.contains(c)) {
        return Some(format!("le caractère « {c} » n'est pas admis dans une adresse e-mail"));
    }
    if locale.starts_with('.') || locale.ends_with('.') || locale.contains("..") {
        return Some(
            "la partie avant le « @ » ne peut ni commencer ni finir par un point, ni contenir deux points \
             de suite"
                .into(),
        );
    }
    if domaine.is_empty() {
        return Some("il manque le nom de domaine après le « @ », par exemple « entreprise.fr »".into());
    }
    let affiche = extrait(domaine, 60);
    if let Some(c) = domaine.chars().find(|c| !(c.is_alphanumeric() || *c == '-' || *c == '.')) {
        return Some(format!(
            "le nom de domaine « {affiche} » contient le caractère « {c} » ; il ne peut contenir que des \
             lettres, des chiffres, des tirets et des points"
        ));
    }
    if !domaine.contains('.') {
        return Some(format!(
            "le nom de domaine « {affiche} » doit contenir un point suivi de l'extension, par exemple \
             « entreprise.fr » ; vérifiez la fin de l'adresse (.fr, .com…)"
        ));
    }
    if domaine.split('.').any(|e| e.is_empty() || e.starts_with('-') || e.ends_with('-')) {
        return Some(format!(
            "le nom de domaine « {affiche} » est mal formé (point au début ou à la fin, deux points de suite, \
             ou tiret au bord d'un des mots)"
        ));
    }
    let extension = domaine.rsplit('.').next().unwrap_or_default();
    if extension.chars().count() < 2 || extension.chars().all(|c| c.is_ascii_digit()) {
        return Some(format!(
            "l'extension « .{} » du nom de domaine est incomplète ; vérifiez la fin de l'adresse (.fr, .com…)",
            extrait(extension, 20)
        ));
    }
    None
}

/// Caractères admis dans un nom ou un prénom, en plus des lettres (accentuées ou non) :
/// espace, tiret, apostrophes droite et typographique, point (« Jean-Ph. »).
fn caractere_de_nom(c: char) -> bool {
    c.is_alphabetic()
        || matches!(c, ' ' | '-' | '\'' | '’' | '.')
        // Accents « combinants » (une lettre suivie de son accent, après un copier-coller).
        || ('\u{0300}'..='\u{036F}').contains(&c)
}

/// Le nom ou le prénom : nom du champ, codes d'anomalie, libellé, ce qu'il faut y saisir.
#[derive(Clone, Copy)]
struct ChampNom {
    champ: &'static str,
    obligatoire: &'static str,
    trop_long: &'static str,
    invalide: &'static str,
    libelle: &'static str,
    quoi: &'static str,
}

const CHAMP_NOM: ChampNom = ChampNom {
    champ: "nom",
    obligatoire: "NOM_OBLIGATOIRE",
    trop_long: "NOM_TROP_LONG",
    invalide: "NOM_INVALIDE",
    libelle: LIBELLE_NOM,
    quoi: "votre nom de famille",
};

const CHAMP_PRENOM: ChampNom = ChampNom {
    champ: "prenom",
    obligatoire: "PRENOM_OBLIGATOIRE",
    trop_long: "PRENOM_TROP_LONG",
    invalide: "PRENOM_INVALIDE",
    libelle: LIBELLE_PRENOM,
    quoi: "votre prénom",
};

/// Nom ou prénom : obligatoire, au plus [`NOM_LONGUEUR_MAX`] caractères, lettres (accents
/// admis), espaces, tirets, apostrophes et points, au moins une lettre (choix du simulateur).
fn controler_nom(c: &ChampNom, valeur: &str, anomalies: &mut Vec<Anomalie>) {
    let ChampNom { champ, obligatoire, trop_long, invalide, libelle, quoi } = *c;
    let v = valeur.trim();
    if v.is_empty() {
        anomalies.push(Anomalie::champ(
            champ,
            obligatoire,
            format!(
                "Renseignez « {libelle} » : le champ est obligatoire (il est marqué d'un astérisque rouge). \
                 Saisissez {quoi} tel qu'il figure sur vos papiers d'identité."
            ),
        ));
        return;
    }
    let n = v.chars().count();
    if n > NOM_LONGUEUR_MAX {
        anomalies.push(Anomalie::champ(
            champ,
            trop_long,
            format!(
                "« {libelle} » ne doit pas dépasser {NOM_LONGUEUR_MAX} caractères (vous en avez saisi {n}) : \
                 saisissez {quoi} seul, sans titre ni fonction."
            ),
        ));
        return;
    }
    if let Some(c) = v.chars().find(|c| !caractere_de_nom(*c)) {
        let quel = if c.is_control() || c.is_whitespace() {
            format!(
                "un caractère invisible (U+{:04X}, par exemple une tabulation ou une espace insécable)",
                u32::from(c)
            )
        } else {
            format!("le caractère « {c} »")
        };
        anomalies.push(Anomalie::champ(
            champ,
            invalide,
            format!(
                "« {libelle} » contient {quel} : seuls les lettres (accentuées ou non), les espaces, les \
                 tirets, les apostrophes et les points sont admis. Retapez {quoi} au clavier."
            ),
        ));
        return;
    }
    if !v.chars().any(char::is_alphabetic) {
        anomalies.push(Anomalie::champ(
            champ,
            invalide,
            format!("« {libelle} » doit contenir au moins une lettre : saisissez {quoi}."),
        ));
    }
}

/// Téléphone (facultatif). Choix du simulateur : chiffres, espaces, points, tirets et un « + »
/// initial ; de 9 à 15 chiffres (hors « + » ou « 00 » de l'international) ; un numéro qui
/// commence par 0 sans indicatif est un numéro français et doit compter 10 chiffres.
fn controler_telephone(valeur: &str, anomalies: &mut Vec<Anomalie>) {
    const EXEMPLES: &str = "par exemple « 01 23 45 67 89 » ou « +33 1 23 45 67 89 »";
    let t = valeur.trim();
    if t.is_empty() {
        return;
    }
    let invalide = |message: String| Anomalie::champ("telephone", "TELEPHONE_INVALIDE", message);
    if let Some(c) = t.chars().find(|c| !(c.is_ascii_digit() || matches!(c, ' ' | '+' | '.' | '-'))) {
        let quel = if c.is_control() || c.is_whitespace() {
            format!("un caractère invisible (U+{:04X})", u32::from(c))
        } else {
            format!("le caractère « {c} »")
        };
        anomalies.push(invalide(format!(
            "« {LIBELLE_TELEPHONE} » contient {quel} : seuls les chiffres, les espaces, les points, les tirets \
             et le « + » de l'indicatif international sont admis, {EXEMPLES}. Le téléphone est facultatif : \
             vous pouvez aussi laisser le champ vide."
        )));
        return;
    }
    if t.chars().skip(1).any(|c| c == '+') {
        anomalies.push(invalide(format!(
            "« {LIBELLE_TELEPHONE} » : le signe « + » n'est admis qu'au début du numéro, devant l'indicatif \
             du pays ({EXEMPLES})."
        )));
        return;
    }
    let n = t.chars().count();
    if n > TELEPHONE_LONGUEUR_MAX {
        anomalies.push(invalide(format!(
            "« {LIBELLE_TELEPHONE} » est trop long ({n} caractères, {TELEPHONE_LONGUEUR_MAX} au maximum) : \
             saisissez un seul numéro, {EXEMPLES}."
        )));
        return;
    }
    let chiffres: String = t.chars().filter(char::is_ascii_digit).collect();
    let international = t.starts_with('+') || chiffres.starts_with("00");
    let significatifs =
        if !t.starts_with('+') && chiffres.starts_with("00") { chiffres.len() - 2 } else { chiffres.len() };
    if !international && chiffres.starts_with('0') && chiffres.len() != 10 {
        anomalies.push(Anomalie::champ(
            "telephone",
            "TELEPHONE_LONGUEUR",
            format!(
                "« {LIBELLE_TELEPHONE} » : un numéro français compte 10 chiffres (vous en avez saisi {}), par \
                 exemple « 01 23 45 67 89 ». Pour un numéro étranger, commencez par « + » suivi de \
                 l'indicatif du pays.",
                chiffres.len()
            ),
        ));
    } else if !(TELEPHONE_CHIFFRES_MIN..=TELEPHONE_CHIFFRES_MAX).contains(&significatifs) {
        anomalies.push(Anomalie::champ(
            "telephone",
            "TELEPHONE_LONGUEUR",
            format!(
                "« {LIBELLE_TELEPHONE} » doit comporter de {TELEPHONE_CHIFFRES_MIN} à {TELEPHONE_CHIFFRES_MAX} \
                 chiffres, indicatif du pays compris (vous en avez saisi {significatifs}) : vérifiez le \
                 numéro, {EXEMPLES}."
            ),
        ));
    }
}

// ---------------------------------------------------------------------------------------------
// Mot de passe
// ---------------------------------------------------------------------------------------------

/// Longueur minimale du mot de passe.
///
/// Les règles de complexité réelles du portail ne sont pas publiées (la documentation dit
/// seulement « Choisissez le mot de passe … règles de complexité »). Celles du simulateur sont
/// un choix, conforme aux recommandations de l'ANSSI pour un mot de passe protégé par un second
/// facteur : au moins 12 caractères mêlant majuscules, minuscules, chiffres et caractères
/// spéciaux, sans lien avec l'identité de l'utilisateur. Les longueurs se comptent en
/// caractères, pas en octets (« é » compte pour un).
pub const MOT_DE_PASSE_LONGUEUR_MIN: usize = 12;
/// Longueur maximale (choix du simulateur : assez pour une phrase de passe, pas au-delà pour
/// borner le coût du hachage).
pub const MOT_DE_PASSE_LONGUEUR_MAX: usize = 128;
/// En deçà de cette longueur, un nom ou une partie d'adresse n'est pas recherché dans le mot
/// de passe (« Le », « Li » interdiraient presque tout).
const FRAGMENT_IDENTITE_MIN: usize = 3;

const REGLES_MOT_DE_PASSE: &[&str] = &[
    "Au moins 12 caractères.",
    "Au moins une lettre majuscule.",
    "Au moins une lettre minuscule.",
    "Au moins un chiffre.",
    "Au moins un caractère spécial, par exemple ! ? @ # % & * - _ ou une espace.",
    "Ni la partie de votre adresse e-mail de connexion placée avant le « @ », ni votre nom.",
    "Au plus 128 caractères.",
];

/// Les règles affichées sous le champ « Mot de passe », une phrase par règle (voir
/// [`MOT_DE_PASSE_LONGUEUR_MIN`] : ce sont des choix du simulateur).
pub fn regles_mot_de_passe() -> &'static [&'static str] {
    REGLES_MOT_DE_PASSE
}

/// Un caractère spécial : ni lettre, ni chiffre, ni caractère de contrôle. L'espace en est un
/// (les phrases de passe sont encouragées).
fn caractere_special(c: char) -> bool {
    !c.is_alphanumeric() && !c.is_control()
}

/// Contrôle le mot de passe choisi et sa confirmation. Chaque règle non respectée donne sa
/// propre anomalie (champ `mot_de_passe`) ; la confirmation différente donne une anomalie sur
/// le champ `confirmation`. Un mot de passe vide donne une seule anomalie `MDP_OBLIGATOIRE`
/// plutôt que la liste de toutes les règles. Le mot de passe n'est jamais recopié dans les
/// messages. `email` est l'adresse de connexion, `nom` le nom de famille.
pub fn controler_mot_de_passe(mdp: &str, confirmation: &str, email: &str, nom: &str) -> Vec<Anomalie> {
    let mut anomalies = Vec::new();
    let anomalie = |code: &'static str, message: String| Anomalie::champ("mot_de_passe", code, message);

    if mdp.is_empty() {
        anomalies.push(anomalie(
            "MDP_OBLIGATOIRE",
            format!(
                "Saisissez un mot de passe dans « {LIBELLE_MOT_DE_PASSE} » en respectant les règles affichées \
                 sous le champ (au moins {MOT_DE_PASSE_LONGUEUR_MIN} caractères, majuscule, minuscule, \
                 chiffre et caractère spécial)."
            ),
        ));
        return anomalies;
    }

    let n = mdp.chars().count();
    if n < MOT_DE_PASSE_LONGUEUR_MIN {
        anomalies.push(anomalie(
            "MDP_TROP_COURT",
            format!(
                "Le mot de passe doit comporter au moins {MOT_DE_PASSE_LONGUEUR_MIN} caractères (vous en avez \
                 saisi {n}) : allongez-le. Une courte phrase de plusieurs mots est plus facile à retenir \
                 qu'une suite de signes."
            ),
        ));
    }
    if n > MOT_DE_PASSE_LONGUEUR_MAX {
        anomalies.push(anomalie(
            "MDP_TROP_LONG",
            format!(
                "Le mot de passe ne doit pas dépasser {MOT_DE_PASSE_LONGUEUR_MAX} caractères (vous en avez \
                 saisi {n}) : raccourcissez-le."
            ),
        ));
    }
    if !mdp.chars().any(char::is_uppercase) {
        anomalies.push(anomalie(
            "MDP_MAJUSCULE",
            "Le mot de passe doit contenir au moins une lettre majuscule (A, B, C…) : ajoutez-en une.".into(),
        ));
    }
    if !mdp.chars().any(char::is_lowercase) {
        anomalies.push(anomalie(
            "MDP_MINUSCULE",
            "Le mot de passe doit contenir au moins une lettre minuscule (a, b, c…) : ajoutez-en une.".into(),
        ));
    }
    if !mdp.chars().any(|c| c.is_ascii_digit()) {
        anomalies.push(anomalie(
            "MDP_CHIFFRE",
            "Le mot de passe doit contenir au moins un chiffre (0 à 9) : ajoutez-en un.".into(),
        ));
    }
    if !mdp.chars().any(caractere_special) {
        anomalies.push(anomalie(
            "MDP_SPECIAL",
            "Le mot de passe doit contenir au moins un caractère spécial, par exemple ! ? @ # % & * - _ ou \
             une espace : ajoutez-en un."
                .into(),
        ));
    }
    if let Some(message) = identite_dans_mot_de_passe(mdp, email, nom) {
        anomalies.push(anomalie("MDP_CONTIENT_IDENTITE", message));
    }

    if confirmation.is_empty() {
        anomalies.push(Anomalie::champ(
            "confirmation",
            "MDP_CONFIRMATION",
            format!(
                "Retapez le mot de passe dans « {LIBELLE_CONFIRMATION} » : cela évite de choisir sans le \
                 savoir un mot de passe contenant une faute de frappe."
            ),
        ));
    } else if confirmation != mdp {
        anomalies.push(Anomalie::champ(
            "confirmation",
            "MDP_CONFIRMATION",
            format!(
                "« {LIBELLE_CONFIRMATION} » ne correspond pas au mot de passe : retapez exactement le même \
                 mot de passe dans les deux champs (attention aux majuscules et à la touche Verr. Maj.)."
            ),
        ));
    }
    anomalies
}

/// Minuscules sans accents, pour comparer « Hélène » et « helene ».
fn replier(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' | 'í' | 'ì' => 'i',
            'ô' | 'ö' | 'ó' | 'ò' | 'õ' => 'o',
            'ù' | 'û' | 'ü' | 'ú' => 'u',
            'ç' => 'c',
            'ÿ' | 'ý' => 'y',
            'ñ' => 'n',
            autre => autre,
        })
        .filter(|c| !('\u{0300}'..='\u{036F}').contains(c))
        .collect()
}

/// Le mot de passe contient-il la partie locale de l'adresse de connexion, le nom, ou l'un des
/// mots du nom composé (« Dupont-Martin » → « dupont », « martin ») ? Comparaison sans
/// majuscules ni accents ; les fragments de moins de 3 caractères sont ignorés.
fn identite_dans_mot_de_passe(mdp: &str, email: &str, nom: &str) -> Option<String> {
    let mdp = replier(mdp);
    let contient =
        |fragment: &str| fragment.chars().count() >= FRAGMENT_IDENTITE_MIN && mdp.contains(fragment);

    let email = email.trim();
    let locale = replier(email.rsplit_once('@').map_or(email, |(l, _)| l));
    if contient(&locale) {
        return Some(format!(
            "Le mot de passe ne doit pas contenir la partie de votre adresse e-mail placée avant le « @ » \
             (« {} ») : un mot de passe lié à votre identité est trop facile à deviner. Choisissez-en un \
             autre.",
            extrait(&locale, 64)
        ));
    }
    let nom = replier(nom.trim());
    let fragment_du_nom =
        std::iter::once(nom.as_str()).chain(nom.split(|c: char| !c.is_alphanumeric())).find(|f| contient(f));
    fragment_du_nom.map(|f| {
        format!(
            "Le mot de passe ne doit pas contenir votre nom (« {} ») : un mot de passe lié à votre identité \
             est trop facile à deviner. Choisissez-en un autre.",
            extrait(f, 100)
        )
    })
}

// ---------------------------------------------------------------------------------------------
// Liens d'activation et de réinitialisation, code de connexion
// ---------------------------------------------------------------------------------------------

/// Durée de validité du lien d'activation (et, choix du simulateur, du lien de
/// réinitialisation du mot de passe) : « Vous disposez de 60 minutes à partir de l'envoi du
/// message pour activer votre compte » (KB0011479).
pub const VALIDITE_LIEN_ACTIVATION_MINUTES: i64 = 60;
/// Durée de validité du code de connexion envoyé par e-mail. La source dit seulement que le
/// code a une validité limitée : 10 minutes est un choix du simulateur.
pub const VALIDITE_CODE_CONNEXION_MINUTES: i64 = 10;
/// Nombre de chiffres du code de connexion (choix du simulateur, usage courant).
pub const CODE_CONNEXION_CHIFFRES: usize = 6;
/// Tolérance pour un lien ou un code daté un peu dans le futur (horloges décalées).
const TOLERANCE_AVANCE: TimeDelta = TimeDelta::minutes(1);

/// Un lien (ou un code) émis à `emis` et valable `minutes` minutes est-il encore valable à
/// `maintenant` ? Oui tant que `maintenant < emis + minutes`, et à condition que `maintenant`
/// ne précède pas `emis` de plus d'une minute. Une durée nulle ou négative n'est jamais valable.
pub fn lien_valide(emis: NaiveDateTime, maintenant: NaiveDateTime, minutes: i64) -> bool {
    if minutes <= 0 {
        return false;
    }
    let pas_trop_tot = emis.checked_sub_signed(TOLERANCE_AVANCE).is_none_or(|debut| maintenant >= debut);
    // Une durée hors des dates représentables n'expire jamais.
    let pas_expire = TimeDelta::try_minutes(minutes)
        .and_then(|d| emis.checked_add_signed(d))
        .is_none_or(|fin| maintenant < fin);
    pas_trop_tot && pas_expire
}

/// Le code saisi a-t-il la forme d'un code de connexion : exactement
/// [`CODE_CONNEXION_CHIFFRES`] chiffres, les espaces au début et à la fin étant ignorés ?
pub fn code_bien_forme(code: &str) -> bool {
    let code = code.trim();
    code.len() == CODE_CONNEXION_CHIFFRES && code.bytes().all(|b| b.is_ascii_digit())
}

// ---------------------------------------------------------------------------------------------
// Blocage après des échecs de connexion
// ---------------------------------------------------------------------------------------------

/// Le compte se bloque après 5 tentatives de connexion infructueuses et se débloque au bout
/// d'une heure (référence de l'interface du portail, §0).
pub const ECHECS_AVANT_BLOCAGE: u32 = 5;
pub const DUREE_BLOCAGE_MINUTES: i64 = 60;

/// L'heure de fin du blocage, si le nombre d'échecs consécutifs l'a déclenché (le blocage
/// court à partir du dernier échec) ; `None` si le compte n'a pas été bloqué.
pub fn fin_blocage(echecs_consecutifs: u32, dernier_echec: Option<NaiveDateTime>) -> Option<NaiveDateTime> {
    if echecs_consecutifs < ECHECS_AVANT_BLOCAGE {
        return None;
    }
    dernier_echec.map(|d| {
        d.checked_add_signed(TimeDelta::minutes(DUREE_BLOCAGE_MINUTES)).unwrap_or(NaiveDateTime::MAX)
    })
}

/// Le compte est-il bloqué à `maintenant` ? Il l'est du 5ᵉ échec jusqu'à une heure après,
/// exclue : à `dernier_echec + 60 minutes` tout juste, la connexion est de nouveau possible.
pub fn est_bloque(
    echecs_consecutifs: u32,
    dernier_echec: Option<NaiveDateTime>,
    maintenant: NaiveDateTime,
) -> bool {
    fin_blocage(echecs_consecutifs, dernier_echec).is_some_and(|fin| maintenant < fin)
}

/// Le nouveau nombre d'échecs consécutifs après un échec à `maintenant`. Un blocage terminé
/// remet le compteur à zéro : le premier échec après la fin du blocage compte pour 1 (sinon
/// le compte serait rebloqué une heure dès la première faute de frappe). Choix du simulateur.
/// Pendant le blocage, le mot de passe n'est pas vérifié : n'appelez pas cette fonction.
/// Une connexion réussie remet le compteur à 0.
pub fn echecs_apres_echec(
    echecs_consecutifs: u32,
    dernier_echec: Option<NaiveDateTime>,
    maintenant: NaiveDateTime,
) -> u32 {
    match fin_blocage(echecs_consecutifs, dernier_echec) {
        Some(fin) if maintenant >= fin => 1,
        _ => echecs_consecutifs.saturating_add(1),
    }
}

/// Combien de tentatives restent avant le blocage (0 quand le compte est bloqué).
pub fn tentatives_restantes(echecs_consecutifs: u32) -> u32 {
    ECHECS_AVANT_BLOCAGE.saturating_sub(echecs_consecutifs)
}

/// Le message affiché à la place du formulaire de connexion pendant le blocage. L'heure est
/// arrondie à la minute supérieure : « après 14 h 06 » pour une fin à 14 h 05 min 30 s.
pub fn message_blocage(fin: NaiveDateTime) -> String {
    let fin = if fin.second() > 0 || fin.nanosecond() > 0 {
        fin.with_second(0)
            .and_then(|f| f.with_nanosecond(0))
            .and_then(|f| f.checked_add_signed(TimeDelta::minutes(1)))
            .unwrap_or(fin)
    } else {
        fin
    };
    format!(
        "Votre compte est bloqué suite à plusieurs tentatives de connexion infructueuses. Réessayez après \
         {:02} h {:02} ou utilisez « Mot de passe oublié ».",
        fin.hour(),
        fin.minute()
    )
}

// ---------------------------------------------------------------------------------------------
// Rôles
// ---------------------------------------------------------------------------------------------

/// Le rôle d'un utilisateur dans une structure. Le nouveau portail n'en connaît que deux (« la
/// notion de gestionnaire secondaire n'existe plus ») : le gestionnaire principal, créateur de
/// la structure, qui gère la structure et valide les rattachements, et l'utilisateur. Les codes
/// sont ceux du champ `roleUtilisateur` de l'API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    GestionnairePrincipal,
    Utilisateur,
}

impl Role {
    pub const TOUS: [Role; 2] = [Role::GestionnairePrincipal, Role::Utilisateur];

    pub fn code(self) -> &'static str {
        match self {
            Role::GestionnairePrincipal => "GESTIONNAIRE_PRINCIPAL",
            Role::Utilisateur => "UTILISATEUR",
        }
    }

    pub fn libelle(self) -> &'static str {
        match self {
            Role::GestionnairePrincipal => "Gestionnaire principal",
            Role::Utilisateur => "Utilisateur",
        }
    }

    pub fn depuis_code(code: &str) -> Result<Self, Erreur> {
        Self::TOUS
            .into_iter()
            .find(|r| r.code() == code.trim())
            .ok_or_else(|| Erreur::CodeInconnu { champ: "rôle de l'utilisateur", valeur: code.to_string() })
    }
}

/// Les `max` premiers caractères, suivis de « … » si le texte est plus long.
fn extrait(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(max).collect::<String>())
    }
}

/// Délai de réponse, en jours simulés, d'un gestionnaire principal simulé à une demande de
/// rattachement (choix du simulateur : assez court pour un exercice, assez long pour qu'il
/// faille faire avancer l'horloge).
pub const DELAI_REPONSE_GESTIONNAIRE_SIMULE_JOURS: u64 = 2;

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    fn h(heure: u32, minute: u32, seconde: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2025, 3, 14).unwrap().and_hms_opt(heure, minute, seconde).unwrap()
    }

    fn valide() -> CreationCompte {
        CreationCompte {
            email_connexion: "jean.dupont@entreprise.fr".into(),
            nom: "Dupont".into(),
            prenom: "Jean".into(),
            telephone: "01 23 45 67 89".into(),
            email_contact: String::new(),
        }
    }

    fn codes(anomalies: &[Anomalie]) -> Vec<(&str, &'static str)> {
        anomalies.iter().map(|a| (a.champ.as_str(), a.code)).collect()
    }

    /// Les anomalies d'un formulaire valide où un seul champ change.
    fn creation(modif: impl FnOnce(&mut CreationCompte)) -> Vec<Anomalie> {
        let mut c = valide();
        modif(&mut c);
        controler_creation(&c)
    }

    fn une_anomalie(modif: impl FnOnce(&mut CreationCompte)) -> Anomalie {
        let a = creation(modif);
        assert_eq!(a.len(), 1, "{a:?}");
        a.into_iter().next().unwrap()
    }

    // ----- création de compte -------------------------------------------------------------

    #[test]
    fn formulaire_valide() {
        assert_eq!(controler_creation(&valide()), vec![]);
        let c = CreationCompte {
            email_connexion: " Marie-Hélène.D'Arc+chorus@sous-domaine.Mairie-Exemple.fr ".into(),
            nom: "D’Arc-Lefèvre de la Tour".into(),
            prenom: "Marie-Hélène".into(),
            telephone: "+33 6 12 34 56 78".into(),
            email_contact: "compta@exemple.com".into(),
        };
        assert_eq!(controler_creation(&c), vec![]);
        // Téléphone et adresse de contact sont facultatifs.
        assert_eq!(creation(|c| c.telephone = "   ".into()), vec![]);
        assert_eq!(creation(|c| c.email_contact = "  ".into()), vec![]);
    }

    #[test]
    fn formulaire_vide() {
        let a = controler_creation(&CreationCompte::default());
        assert_eq!(
            codes(&a),
            vec![
                ("email_connexion", "EMAIL_OBLIGATOIRE"),
                ("nom", "NOM_OBLIGATOIRE"),
                ("prenom", "PRENOM_OBLIGATOIRE"),
            ]
        );
        assert!(a[0].message.contains("« Adresse e-mail de connexion »"));
        assert!(a[0].message.contains("lien d'activation"));
        assert!(a[1].message.contains("« Nom »") && a[1].message.contains("astérisque rouge"));
        assert!(a[2].message.contains("« Prénom »") && a[2].message.contains("votre prénom"));
        assert!(a.iter().all(|a| a.ligne.is_none()));
    }

    #[test]
    fn adresses_de_connexion_refusees() {
        let cas: &[(&str, &str)] = &[
            ("jean.dupontentreprise.fr", "il manque le signe « @ »"),
            ("jean@dupont@entreprise.fr", "plusieurs « @ »"),
            ("@entreprise.fr", "il manque la partie avant le « @ »"),
            ("jean.dupont@", "il manque le nom de domaine"),
            ("jean dupont@entreprise.fr", "pas d'espace"),
            ("jean.dupont@entreprise", "doit contenir un point"),
            ("jean.dupont@gmail..com", "est mal formé"),
            ("jean.dupont@.gmail.com", "est mal formé"),
            ("jean.dupont@gmail.com.", "est mal formé"),
            ("jean.dupont@-gmail.com", "est mal formé"),
            ("jean.dupont@entreprise.f", "l'extension « .f »"),
            ("jean.dupont@192.168.0.1", "l'extension « .1 »"),
            ("jean.dupont@entreprise,fr", "le caractère « , »"),
            ("jean,dupont@entreprise.fr", "le caractère « , » n'est pas admis"),
            ("<jean@entreprise.fr>", "le caractère « < » n'est pas admis"),
            (".jean@entreprise.fr", "ni commencer ni finir par un point"),
            ("jean.@entreprise.fr", "ni commencer ni finir par un point"),
            ("jean..dupont@entreprise.fr", "deux points de suite"),
            ("jean\tdupont@entreprise.fr", "caractère invisible"),
        ];
        for (email, attendu) in cas {
            let a = une_anomalie(|c| c.email_connexion = (*email).into());
            assert_eq!((a.champ.as_str(), a.code), ("email_connexion", "EMAIL_INVALIDE"), "{email}");
            assert!(a.message.contains(attendu), "{email} : {}", a.message);
            assert!(a.message.starts_with("« Adresse e-mail de connexion » : "), "{}", a.message);
            assert!(a.message.contains("Corrigez l'adresse"), "{}", a.message);
        }
    }

    #[test]
    fn longueurs_des_adresses() {
        let locale_64 = "a".repeat(64);
        assert_eq!(creation(|c| c.email_connexion = format!("{locale_64}@exemple.fr")), vec![]);
        let a = une_anomalie(|c| c.email_connexion = format!("{locale_64}b@exemple.fr"));
        assert!(a.message.contains("dépasse 64 caractères"), "{}", a.message);

        // 254 caractères : accepté ; 255 : refusé. Les caractères se comptent, pas les octets.
        let domaine = |n: usize| format!("{}.fr", "d".repeat(n));
        let email_254 = format!("{locale_64}@{}", domaine(254 - 65 - 3));
        assert_eq!(email_254.chars().count(), 254);
        assert_eq!(creation(|c| c.email_connexion = email_254.clone()), vec![]);
        let a = une_anomalie(|c| c.email_connexion = format!("{email_254}r"));
        assert!(a.message.contains("trop longue (255 caractères, 254 au maximum)"), "{}", a.message);
        let accents = format!("{}@exemple.fr", "é".repeat(64));
        assert_eq!(creation(|c| c.email_connexion = accents), vec![]);
    }

    #[test]
    fn adresse_de_contact() {
        let a = une_anomalie(|c| c.email_contact = "compta-entreprise.fr".into());
        assert_eq!((a.champ.as_str(), a.code), ("email_contact", "EMAIL_INVALIDE"));
        assert!(a.message.starts_with("« Adresse e-mail de contact » : il manque le signe « @ »"));
        assert!(a.message.contains("laissez le champ vide"), "{}", a.message);
        assert_eq!(creation(|c| c.email_contact = "compta@entreprise.fr".into()), vec![]);
    }

    #[test]
    fn normalisation_de_l_adresse() {
        assert_eq!(normaliser_email("  Jean.Dupont@Entreprise.FR "), "jean.dupont@entreprise.fr");
    }

    #[test]
    fn noms_et_prenoms() {
        for nom in [
            "Lefèvre",
            "N'Guyen",
            "O’Brien",
            "Saint-Exupéry",
            "de La Fontaine",
            "Jean-Ph.",
            "Ødegård",
            "Ζαχαρίου",
        ] {
            assert_eq!(creation(|c| c.nom = nom.into()), vec![], "{nom}");
            assert_eq!(creation(|c| c.prenom = nom.into()), vec![], "{nom}");
        }
        // Un « é » décomposé (e + accent combinant) est accepté.
        assert_eq!(creation(|c| c.prenom = "Rene\u{301}".into()), vec![]);

        let a = une_anomalie(|c| c.nom = "Dupont2".into());
        assert_eq!((a.champ.as_str(), a.code), ("nom", "NOM_INVALIDE"));
        assert!(a.message.contains("« Nom » contient le caractère « 2 »"), "{}", a.message);
        assert!(a.message.contains("Retapez votre nom de famille"), "{}", a.message);

        let a = une_anomalie(|c| c.prenom = "Jean\u{a0}Paul".into());
        assert_eq!((a.champ.as_str(), a.code), ("prenom", "PRENOM_INVALIDE"));
        assert!(a.message.contains("caractère invisible (U+00A0"), "{}", a.message);
        let a = une_anomalie(|c| c.prenom = "Jean\nPaul".into());
        assert!(a.message.contains("U+000A"), "{}", a.message);

        let a = une_anomalie(|c| c.nom = " - ".into());
        assert_eq!(a.code, "NOM_INVALIDE");
        assert!(a.message.contains("au moins une lettre"), "{}", a.message);

        // 100 caractères (accentués : un « é » compte pour un) : accepté ; 101 : refusé.
        assert_eq!(creation(|c| c.nom = "é".repeat(100)), vec![]);
        let a = une_anomalie(|c| c.nom = "é".repeat(101));
        assert_eq!((a.champ.as_str(), a.code), ("nom", "NOM_TROP_LONG"));
        assert!(a.message.contains("100 caractères (vous en avez saisi 101)"), "{}", a.message);
        let a = une_anomalie(|c| c.prenom = "a".repeat(101));
        assert_eq!(a.code, "PRENOM_TROP_LONG");
        assert_eq!(une_anomalie(|c| c.prenom = "  ".into()).code, "PRENOM_OBLIGATOIRE");
    }

    #[test]
    fn telephones_acceptes() {
        for t in [
            "0123456789",
            "01 23 45 67 89",
            "01.23.45.67.89",
            "01-23-45-67-89",
            "+33 1 23 45 67 89",
            "+33123456789",
            "0033 1 23 45 67 89",
            "+687 12 34 56",
            "+1 212 555 0100",
            "+49 30 1234567890",
            "612345678",
        ] {
            assert_eq!(creation(|c| c.telephone = t.into()), vec![], "{t}");
        }
    }

    #[test]
    fn telephones_refuses() {
        let cas: &[(&str, &str, &str)] = &[
            (
                "01 23 45 67 8",
                "TELEPHONE_LONGUEUR",
                "un numéro français compte 10 chiffres (vous en avez saisi 9)",
            ),
            ("01 23 45 67 89 0", "TELEPHONE_LONGUEUR", "(vous en avez saisi 11)"),
            (
                "+33 123456",
                "TELEPHONE_LONGUEUR",
                "de 9 à 15 chiffres, indicatif du pays compris (vous en avez saisi 8)",
            ),
            ("+33 12 34 56", "TELEPHONE_LONGUEUR", "(vous en avez saisi 8)"),
            ("+1234567890123456", "TELEPHONE_LONGUEUR", "(vous en avez saisi 16)"),
            ("0033 1 23", "TELEPHONE_LONGUEUR", "(vous en avez saisi 5)"),
            ("+", "TELEPHONE_LONGUEUR", "(vous en avez saisi 0)"),
            ("01 23 45 67 89 poste 12", "TELEPHONE_INVALIDE", "le caractère « p »"),
            ("(01) 23 45 67 89", "TELEPHONE_INVALIDE", "le caractère « ( »"),
            ("01\t23 45 67 89", "TELEPHONE_INVALIDE", "caractère invisible (U+0009)"),
            ("33+1 23 45 67 89", "TELEPHONE_INVALIDE", "n'est admis qu'au début"),
            (
                "0 1 2 3 4 5 6 7 8 9 . . . . . . ",
                "TELEPHONE_INVALIDE",
                "trop long (31 caractères, 30 au maximum)",
            ),
        ];
        for (t, code, attendu) in cas {
            let a = creation(|c| c.telephone = (*t).into());
            assert_eq!(a.len(), 1, "{t} : {a:?}");
            let a = &a[0];
            assert_eq!((a.champ.as_str(), a.code), ("telephone", *code), "{t}");
            assert!(a.message.contains(attendu), "{t} : {}", a.message);
            assert!(a.message.starts_with("« Téléphone »"), "{}", a.message);
        }
    }

    #[test]
    fn plusieurs_champs_en_erreur() {
        let c = CreationCompte {
            email_connexion: "x".into(),
            nom: "Dupont".into(),
            prenom: "J3an".into(),
            telephone: "abc".into(),
            email_contact: "y".into(),
        };
        assert_eq!(
            codes(&controler_creation(&c)),
            vec![
                ("email_connexion", "EMAIL_INVALIDE"),
                ("prenom", "PRENOM_INVALIDE"),
                ("telephone", "TELEPHONE_INVALIDE"),
                ("email_contact", "EMAIL_INVALIDE"),
            ]
        );
    }

    // ----- mot de passe -------------------------------------------------------------------

    const EMAIL: &str = "jean.dupont@entreprise.fr";
    const BON: &str = "Cheval-Batterie-7";

    fn mdp(m: &str) -> Vec<Anomalie> {
        controler_mot_de_passe(m, m, EMAIL, "Dupont")
    }

    fn seule(m: &str, code: &str) -> Anomalie {
        let a = mdp(m);
        assert_eq!(a.len(), 1, "{m} : {a:?}");
        assert_eq!((a[0].champ.as_str(), a[0].code), ("mot_de_passe", code), "{m}");
        a.into_iter().next().unwrap()
    }

    #[test]
    fn mot_de_passe_conforme() {
        assert_eq!(mdp(BON), vec![]);
        assert_eq!(mdp("Éléphant rose 42"), vec![]);
        // Une phrase de passe : l'espace est un caractère spécial.
        assert_eq!(mdp("Mon chat a 3 pattes"), vec![]);
        // Sans adresse ni nom connus, la règle d'identité ne s'applique pas.
        assert_eq!(controler_mot_de_passe(BON, BON, "", ""), vec![]);
    }

    #[test]
    fn les_regles_affichees() {
        let r = regles_mot_de_passe();
        assert_eq!(r.len(), 7);
        assert!(r[0].contains(&MOT_DE_PASSE_LONGUEUR_MIN.to_string()));
        assert!(r.iter().any(|l| l.contains(&MOT_DE_PASSE_LONGUEUR_MAX.to_string())));
        for mot in ["majuscule", "minuscule", "chiffre", "caractère spécial", "« @ »", "votre nom"] {
            assert!(r.iter().any(|l| l.contains(mot)), "{mot}");
        }
        assert!(r.iter().all(|l| l.ends_with('.') && l.chars().next().is_some_and(char::is_uppercase)));
    }

    #[test]
    fn chaque_regle_a_son_anomalie() {
        let a = seule("Chev-Batt-7", "MDP_TROP_COURT");
        assert!(a.message.contains("au moins 12 caractères (vous en avez saisi 11)"), "{}", a.message);
        let a = seule("cheval-batterie-7", "MDP_MAJUSCULE");
        assert!(a.message.contains("au moins une lettre majuscule"), "{}", a.message);
        let a = seule("CHEVAL-BATTERIE-7", "MDP_MINUSCULE");
        assert!(a.message.contains("au moins une lettre minuscule"), "{}", a.message);
        let a = seule("Cheval-Batterie-X", "MDP_CHIFFRE");
        assert!(a.message.contains("au moins un chiffre"), "{}", a.message);
        let a = seule("ChevalBatterie7", "MDP_SPECIAL");
        assert!(a.message.contains("au moins un caractère spécial"), "{}", a.message);
        let long = format!("Aa1!{}", "x".repeat(125));
        let a = seule(&long, "MDP_TROP_LONG");
        assert!(
            a.message.contains("ne doit pas dépasser 128 caractères (vous en avez saisi 129)"),
            "{}",
            a.message
        );
        assert_eq!(mdp(&long[..128]), vec![]);
    }

    #[test]
    fn toutes_les_regles_ensemble() {
        let a = controler_mot_de_passe("abc", "abd", EMAIL, "Dupont");
        assert_eq!(
            codes(&a),
            vec![
                ("mot_de_passe", "MDP_TROP_COURT"),
                ("mot_de_passe", "MDP_MAJUSCULE"),
                ("mot_de_passe", "MDP_CHIFFRE"),
                ("mot_de_passe", "MDP_SPECIAL"),
                ("confirmation", "MDP_CONFIRMATION"),
            ]
        );
    }

    #[test]
    fn mot_de_passe_vide() {
        let a = controler_mot_de_passe("", "", EMAIL, "Dupont");
        assert_eq!(codes(&a), vec![("mot_de_passe", "MDP_OBLIGATOIRE")]);
        assert!(a[0].message.contains("au moins 12 caractères"), "{}", a[0].message);
    }

    #[test]
    fn les_caracteres_se_comptent_pas_les_octets() {
        // 11 caractères mais 16 octets : trop court.
        let m = "Éléphé-ééé1";
        assert_eq!(m.chars().count(), 11);
        assert!(m.len() >= 12);
        let a = seule(m, "MDP_TROP_COURT");
        assert!(a.message.contains("(vous en avez saisi 11)"), "{}", a.message);
        // 12 caractères accentués : assez long ; « É » est une majuscule.
        assert_eq!(mdp("Éléphé-ééé12"), vec![]);
        // 128 « é » passent la limite haute (256 octets), 129 non.
        let m = format!("É1!{}", "é".repeat(125));
        assert_eq!(m.chars().count(), 128);
        assert_eq!(mdp(&m), vec![]);
        seule(&format!("{m}é"), "MDP_TROP_LONG");
    }

    #[test]
    fn identite_dans_le_mot_de_passe() {
        let a = seule("Jean.Dupont-2025", "MDP_CONTIENT_IDENTITE");
        assert!(a.message.contains("avant le « @ » (« jean.dupont »)"), "{}", a.message);
        assert!(!a.message.contains("2025"), "le mot de passe n'est pas recopié : {}", a.message);
        let a = seule("Mot-de-passe-DUPONT-1", "MDP_CONTIENT_IDENTITE");
        assert!(a.message.contains("votre nom (« dupont »)"), "{}", a.message);
        // Sans accents ni majuscules : « Hélène » est reconnue dans « HELENE ».
        let a = controler_mot_de_passe("Zz-HELENE-2025", "Zz-HELENE-2025", "h@x.fr", "Hélène");
        assert_eq!(codes(&a), vec![("mot_de_passe", "MDP_CONTIENT_IDENTITE")]);
        // Un nom composé : chaque mot compte.
        let a = controler_mot_de_passe("Martin-Zz-2025", "Martin-Zz-2025", "h@x.fr", "Dupont-Martin");
        assert!(a[0].message.contains("« martin »"), "{}", a[0].message);
        // Les fragments de moins de 3 caractères sont ignorés.
        assert_eq!(controler_mot_de_passe("Le-Lit-Rouge-42", "Le-Lit-Rouge-42", "le@x.fr", "Le"), vec![]);
    }

    #[test]
    fn confirmation() {
        let a = controler_mot_de_passe(BON, "Cheval-batterie-7", EMAIL, "Dupont");
        assert_eq!(codes(&a), vec![("confirmation", "MDP_CONFIRMATION")]);
        assert!(a[0].message.contains("ne correspond pas"), "{}", a[0].message);
        let a = controler_mot_de_passe(BON, "", EMAIL, "Dupont");
        assert_eq!(codes(&a), vec![("confirmation", "MDP_CONFIRMATION")]);
        assert!(a[0].message.starts_with("Retapez le mot de passe"), "{}", a[0].message);
    }

    // ----- liens et codes -----------------------------------------------------------------

    #[test]
    fn validite_du_lien_d_activation() {
        let emis = h(10, 0, 0);
        let m = VALIDITE_LIEN_ACTIVATION_MINUTES;
        assert_eq!(m, 60);
        assert!(lien_valide(emis, emis, m));
        assert!(lien_valide(emis, h(10, 59, 59), m));
        assert!(!lien_valide(emis, h(11, 0, 0), m));
        assert!(!lien_valide(emis, h(11, 0, 1), m));
        // Une minute d'avance tolérée, pas plus.
        assert!(lien_valide(emis, h(9, 59, 0), m));
        assert!(!lien_valide(emis, h(9, 58, 59), m));
        // Code de connexion : 10 minutes.
        assert!(lien_valide(emis, h(10, 9, 59), VALIDITE_CODE_CONNEXION_MINUTES));
        assert!(!lien_valide(emis, h(10, 10, 0), VALIDITE_CODE_CONNEXION_MINUTES));
        // Durées absurdes : pas de panique.
        assert!(!lien_valide(emis, emis, 0));
        assert!(!lien_valide(emis, emis, -5));
        assert!(lien_valide(emis, h(23, 0, 0), i64::MAX));
        assert!(lien_valide(NaiveDateTime::MAX, NaiveDateTime::MAX, 1));
        assert!(lien_valide(NaiveDateTime::MIN, NaiveDateTime::MIN, 1));
    }

    #[test]
    fn forme_du_code_de_connexion() {
        assert_eq!(CODE_CONNEXION_CHIFFRES, 6);
        assert!(code_bien_forme("123456"));
        assert!(code_bien_forme(" 012345\n"));
        for c in ["", "12345", "1234567", "123 456", "12345a", "１２３４５６", "١٢٣٤٥٦"] {
            assert!(!code_bien_forme(c), "{c}");
        }
    }

    // ----- blocage ------------------------------------------------------------------------

    #[test]
    fn blocage_au_cinquieme_echec() {
        let dernier = Some(h(14, 5, 0));
        assert_eq!(fin_blocage(4, dernier), None);
        assert!(!est_bloque(4, dernier, h(14, 5, 0)));
        assert_eq!(fin_blocage(5, dernier), Some(h(15, 5, 0)));
        assert!(est_bloque(5, dernier, h(14, 5, 0)));
        assert!(est_bloque(5, dernier, h(15, 4, 59)));
        // Débloqué au bout de 60 minutes tout juste.
        assert!(!est_bloque(5, dernier, h(15, 5, 0)));
        assert!(est_bloque(12, dernier, h(15, 0, 0)));
        assert_eq!(fin_blocage(5, None), None);
        assert!(!est_bloque(u32::MAX, None, h(15, 0, 0)));
        assert_eq!(fin_blocage(5, Some(NaiveDateTime::MAX)), Some(NaiveDateTime::MAX));
    }

    #[test]
    fn compteur_d_echecs() {
        let dernier = Some(h(14, 5, 0));
        assert_eq!(echecs_apres_echec(0, None, h(14, 0, 0)), 1);
        assert_eq!(echecs_apres_echec(4, dernier, h(14, 6, 0)), 5);
        // Après la fin du blocage, le compteur repart de 1.
        assert_eq!(echecs_apres_echec(5, dernier, h(15, 5, 0)), 1);
        assert_eq!(echecs_apres_echec(5, dernier, h(15, 0, 0)), 6);
        assert_eq!(echecs_apres_echec(u32::MAX, None, h(15, 0, 0)), u32::MAX);
        assert_eq!(tentatives_restantes(0), 5);
        assert_eq!(tentatives_restantes(4), 1);
        assert_eq!(tentatives_restantes(5), 0);
        assert_eq!(tentatives_restantes(9), 0);
    }

    #[test]
    fn message_de_blocage() {
        assert_eq!(
            message_blocage(h(15, 5, 0)),
            "Votre compte est bloqué suite à plusieurs tentatives de connexion infructueuses. Réessayez après \
             15 h 05 ou utilisez « Mot de passe oublié »."
        );
        // Arrondi à la minute supérieure.
        assert!(message_blocage(h(9, 7, 30)).contains("après 09 h 08 "));
        assert!(message_blocage(h(23, 59, 1)).contains("après 00 h 00 "));
        assert!(message_blocage(NaiveDateTime::MAX).contains(" h "));
    }

    // ----- rôles --------------------------------------------------------------------------

    #[test]
    fn roles() {
        assert_eq!(Role::GestionnairePrincipal.code(), "GESTIONNAIRE_PRINCIPAL");
        assert_eq!(Role::Utilisateur.code(), "UTILISATEUR");
        assert_eq!(Role::GestionnairePrincipal.libelle(), "Gestionnaire principal");
        assert_eq!(Role::Utilisateur.libelle(), "Utilisateur");
        for r in Role::TOUS {
            assert_eq!(Role::depuis_code(r.code()), Ok(r));
            assert_eq!(Role::depuis_code(&format!(" {} ", r.code())), Ok(r));
        }
        assert_eq!(
            Role::depuis_code("GESTIONNAIRE_SECONDAIRE"),
            Err(Erreur::CodeInconnu {
                champ: "rôle de l'utilisateur",
                valeur: "GESTIONNAIRE_SECONDAIRE".into()
            })
        );
    }

    #[test]
    fn roles_serde() {
        // Le code de l'API sert aussi de représentation sérialisée.
        for r in Role::TOUS {
            let v = serde::de::value::StrDeserializer::<serde::de::value::Error>::new(r.code());
            assert_eq!(Role::deserialize(v), Ok(r));
        }
    }

    proptest! {
        #[test]
        fn controles_sans_panique(
            mdp in "\\PC{0,140}",
            confirmation in "\\PC{0,20}",
            email in ".{0,80}",
            nom in ".{0,30}",
            prenom in ".{0,30}",
            telephone in "[-+. 0-9a\t]{0,35}",
        ) {
            let a = controler_mot_de_passe(&mdp, &confirmation, &email, &nom);
            prop_assert!(a.iter().all(|a| !a.message.is_empty()));
            prop_assert!(a.iter().all(|a| a.champ == "mot_de_passe" || a.champ == "confirmation"));
            let c = CreationCompte {
                email_connexion: email.clone(),
                nom,
                prenom,
                telephone,
                email_contact: email,
            };
            let a = controler_creation(&c);
            prop_assert!(a.iter().all(|a| !a.message.is_empty()));
        }

        #[test]
        fn les_mots_de_passe_generes_conformes_sont_acceptes(
            debut in "[A-Z][a-z]{6,20}",
            fin in "[0-9][!?#%&*_ -][a-z]{3,10}",
        ) {
            let m = format!("{debut}{fin}");
            prop_assert_eq!(controler_mot_de_passe(&m, &m, "qq@exemple.fr", "Qq"), vec![]);
        }
    }
}
