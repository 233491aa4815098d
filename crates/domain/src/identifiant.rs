//! L'identifiant d'une structure saisi à sa création, selon son type
//! ([`TypeIdentifiant`]) : contrôle de forme et normalisation.
//!
//! Chorus Pro ne publie le format que du SIRET (14 chiffres vérifiés auprès de l'INSEE). Pour
//! les autres types, les formats ci-dessous sont des choix du simulateur, appuyés quand c'est
//! possible sur l'organisme qui attribue le numéro (ISEE pour le RIDET, ISPF pour le numéro
//! TAHITI, préfixes TVA de la Commission européenne pour les numéros intracommunautaires).

use crate::siret::Siret;
use crate::structure::TypeIdentifiant;

/// Les pays de l'Union européenne autres que la France, par leur préfixe de numéro de TVA
/// intracommunautaire. La Grèce a pour préfixe TVA « EL » ; son code ISO « GR » est toléré.
pub const PAYS_UE_HORS_FRANCE: [(&str, &str); 27] = [
    ("AT", "Autriche"),
    ("BE", "Belgique"),
    ("BG", "Bulgarie"),
    ("CY", "Chypre"),
    ("CZ", "Tchéquie"),
    ("DE", "Allemagne"),
    ("DK", "Danemark"),
    ("EE", "Estonie"),
    ("EL", "Grèce"),
    ("ES", "Espagne"),
    ("FI", "Finlande"),
    ("GR", "Grèce"),
    ("HR", "Croatie"),
    ("HU", "Hongrie"),
    ("IE", "Irlande"),
    ("IT", "Italie"),
    ("LT", "Lituanie"),
    ("LU", "Luxembourg"),
    ("LV", "Lettonie"),
    ("MT", "Malte"),
    ("NL", "Pays-Bas"),
    ("PL", "Pologne"),
    ("PT", "Portugal"),
    ("RO", "Roumanie"),
    ("SE", "Suède"),
    ("SI", "Slovénie"),
    ("SK", "Slovaquie"),
];

/// Numéro de TVA intracommunautaire : de 2 à 13 lettres ou chiffres après le code pays (le
/// plus long format national, celui des Pays-Bas, en compte 12). Choix du simulateur : le
/// format propre à chaque pays n'est pas vérifié.
pub const TVA_UE_LONGUEUR_MIN: usize = 2;
pub const TVA_UE_LONGUEUR_MAX: usize = 13;
/// Numéro d'immatriculation d'une structure hors UE : 1 à 18 caractères (choix du simulateur).
pub const HORS_UE_LONGUEUR_MAX: usize = 18;
/// Identifiant facultatif d'un particulier ou d'une structure en cours d'immatriculation.
pub const IDENTIFIANT_LIBRE_LONGUEUR_MAX: usize = 80;
/// Numéro d'établissement retenu quand seul le numéro de l'entreprise est saisi (RIDET et
/// TAHITI). L'ISEE numérote les établissements « '001' puis '002' … » : 001 est le premier
/// établissement. Pour le numéro TAHITI, l'ISPF dit seulement que l'établissement est un
/// numéro d'ordre sur 3 chiffres : 001 par analogie (choix du simulateur).
pub const ETABLISSEMENT_PAR_DEFAUT: &str = "001";

/// Contrôle l'identifiant saisi pour une structure du type `t` et le renvoie normalisé (la
/// forme à enregistrer et à comparer), ou renvoie le message à afficher sous le champ.
///
/// - SIRET : 14 chiffres, clé de Luhn (voir [`Siret`]) ; les espaces sont retirés.
/// - Structure européenne hors France : numéro de TVA intracommunautaire, préfixe d'un pays de
///   [`PAYS_UE_HORS_FRANCE`] puis 2 à 13 lettres ou chiffres ; les espaces, points et tirets
///   sont retirés, les lettres mises en majuscules (« be 0123.456.789 » → « BE0123456789 »).
/// - Structure hors UE : 1 à 18 lettres sans accent, chiffres ou tirets ; espaces retirés,
///   majuscules.
/// - RIDET (Nouvelle-Calédonie) : numéro RID de l'entreprise sur 7 chiffres (un ancien numéro
///   de 6 chiffres est complété par un 0 à gauche), suivi ou non des 3 chiffres de
///   l'établissement, séparés ou non par un point ; normalisé sur 10 chiffres, établissement
///   [`ETABLISSEMENT_PAR_DEFAUT`] s'il est omis (« 1234567 » → « 1234567001 »).
/// - TAHITI (Polynésie française) : 6 caractères (6 chiffres, ou depuis octobre 2011 une lettre
///   et 5 chiffres), suivis ou non des 3 chiffres de l'établissement, séparés ou non par un
///   point ou une espace ; normalisé sur 9 caractères en majuscules, établissement
///   [`ETABLISSEMENT_PAR_DEFAUT`] s'il est omis (« a12345 » → « A12345001 »).
/// - Particulier, structure en cours d'immatriculation : Chorus Pro attribue l'identifiant.
///   Une saisie vide est acceptée et donne une chaîne vide (l'appelant génère l'identifiant) ;
///   sinon 1 à 80 caractères imprimables, espaces du début et de la fin retirés.
pub fn controler_identifiant(t: TypeIdentifiant, saisie: &str) -> Result<String, String> {
    match t {
        TypeIdentifiant::Siret => controler_siret(saisie),
        TypeIdentifiant::UeHorsFrance => controler_tva_ue(saisie),
        TypeIdentifiant::HorsUe => controler_hors_ue(saisie),
        TypeIdentifiant::Ridet => controler_ridet(saisie),
        TypeIdentifiant::Tahiti => controler_tahiti(saisie),
        TypeIdentifiant::EnCoursImmatriculation | TypeIdentifiant::Particulier => {
            controler_identifiant_libre(t, saisie)
        }
    }
}

/// L'aide affichée sous le champ « Identifiant » selon le type choisi. Chaque exemple est
/// accepté par [`controler_identifiant`].
pub fn exemple(t: TypeIdentifiant) -> &'static str {
    match t {
        TypeIdentifiant::Siret => "14 chiffres, ex. 923 912 349 00068",
        TypeIdentifiant::UeHorsFrance => {
            "code du pays en 2 lettres puis numéro de TVA intracommunautaire, ex. DE123456789"
        }
        TypeIdentifiant::HorsUe => {
            "numéro d'immatriculation dans le pays, 1 à 18 lettres, chiffres ou tirets, ex. CHE-123456789"
        }
        TypeIdentifiant::Ridet => "7 chiffres, puis les 3 chiffres de l'établissement, ex. 1234567.001",
        TypeIdentifiant::Tahiti => {
            "une lettre ou un chiffre et 5 chiffres, puis les 3 chiffres de l'établissement, ex. A12345 001"
        }
        TypeIdentifiant::EnCoursImmatriculation | TypeIdentifiant::Particulier => {
            "laissez le champ vide : Chorus Pro attribue l'identifiant"
        }
    }
}

/// Le caractère tel qu'on peut le citer dans un message (les invisibles par leur code).
fn cite(c: char) -> String {
    if c.is_control() || c.is_whitespace() {
        format!("invisible U+{:04X}", u32::from(c))
    } else {
        format!("« {c} »")
    }
}

/// Une erreur de [`Siret`] (« le SIRET doit… ») en phrase : majuscule initiale, point final.
fn phrase(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(premier) => format!("{}{}.", premier.to_uppercase(), c.as_str()),
        None => String::new(),
    }
}

fn controler_siret(saisie: &str) -> Result<String, String> {
    let compact: String = saisie.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.is_empty() {
        return Err(
            "Saisissez le SIRET de la structure : 14 chiffres, ex. 923 912 349 00068. Il figure sur \
             l'extrait Kbis et sur l'avis de situation au répertoire SIRENE de l'INSEE."
                .into(),
        );
    }
    if compact.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("FR")) {
        return Err(
            "Vous avez saisi un numéro de TVA intracommunautaire (il commence par FR) : saisissez le SIRET \
             de la structure, 14 chiffres, ex. 923 912 349 00068."
                .into(),
        );
    }
    match compact.parse::<Siret>() {
        Ok(siret) => Ok(siret.to_string()),
        Err(e) => {
            let mut message = phrase(&e.to_string());
            if compact.len() == 9 && compact.bytes().all(|b| b.is_ascii_digit()) {
                message.push_str(
                    " Ces 9 chiffres sont un SIREN, le numéro de l'entreprise : ajoutez à la suite les 5 \
                     chiffres (NIC) de l'établissement pour obtenir son SIRET.",
                );
            } else {
                message.push_str(
                    " Recopiez le SIRET tel qu'il figure sur l'extrait Kbis ou l'avis de situation SIRENE.",
                );
            }
            Err(message)
        }
    }
}

fn controler_tva_ue(saisie: &str) -> Result<String, String> {
    let compact: String = saisie
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '.' | '-'))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if compact.is_empty() {
        return Err(
            "Saisissez le numéro de TVA intracommunautaire de la structure : le code du pays en 2 lettres \
             suivi du numéro, ex. DE123456789."
                .into(),
        );
    }
    let mut chars = compact.chars();
    let prefixe: String = chars.by_ref().take(2).collect();
    let reste = chars.as_str();
    if prefixe.chars().count() < 2 || !prefixe.chars().all(|c| c.is_ascii_alphabetic()) {
        return Err(
            "Un numéro de TVA intracommunautaire commence par le code du pays en 2 lettres (DE pour \
             l'Allemagne, BE pour la Belgique, EL pour la Grèce…) : ajoutez-le devant le numéro, ex. \
             DE123456789."
                .into(),
        );
    }
    if prefixe == "FR" {
        return Err(
            "Une structure française s'identifie par son SIRET : choisissez le type d'identifiant « SIRET » \
             et saisissez ses 14 chiffres."
                .into(),
        );
    }
    if prefixe == "GB" || prefixe == "XI" {
        return Err(
            "Le Royaume-Uni ne fait plus partie de l'Union européenne : choisissez le type d'identifiant \
             « Structure hors UE »."
                .into(),
        );
    }
    if !PAYS_UE_HORS_FRANCE.iter().any(|(code, _)| *code == prefixe) {
        return Err(format!(
            "« {prefixe} » n'est pas le code d'un pays de l'Union européenne : corrigez le code du pays \
             (par exemple DE, BE, ES, IT) ou, pour une structure établie hors de l'Union, choisissez le type \
             d'identifiant « Structure hors UE »."
        ));
    }
    if let Some(c) = reste.chars().find(|c| !c.is_ascii_alphanumeric()) {
        return Err(format!(
            "Après le code du pays {prefixe}, le numéro de TVA ne contient que des lettres sans accent et des \
             chiffres : le caractère {} n'est pas admis.",
            cite(c)
        ));
    }
    let n = reste.chars().count();
    if !(TVA_UE_LONGUEUR_MIN..=TVA_UE_LONGUEUR_MAX).contains(&n) {
        return Err(format!(
            "Après le code du pays {prefixe}, le numéro de TVA doit comporter de {TVA_UE_LONGUEUR_MIN} à \
             {TVA_UE_LONGUEUR_MAX} lettres ou chiffres (vous en avez saisi {n}) : recopiez-le tel qu'il \
             figure sur les factures de la structure."
        ));
    }
    if !reste.chars().any(|c| c.is_ascii_digit()) {
        return Err(format!(
            "Après le code du pays {prefixe}, le numéro de TVA doit contenir des chiffres : recopiez-le tel \
             qu'il figure sur les factures de la structure, ex. DE123456789."
        ));
    }
    Ok(format!("{prefixe}{reste}"))
}

fn controler_hors_ue(saisie: &str) -> Result<String, String> {
    let compact: String =
        saisie.chars().filter(|c| !c.is_whitespace()).map(|c| c.to_ascii_uppercase()).collect();
    if compact.is_empty() {
        return Err(format!(
            "Saisissez le numéro d'immatriculation de la structure dans son pays (registre du commerce, \
             numéro fiscal…) : 1 à {HORS_UE_LONGUEUR_MAX} lettres, chiffres ou tirets."
        ));
    }
    if let Some(c) = compact.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-')) {
        return Err(format!(
            "Le numéro d'immatriculation ne peut contenir que des lettres sans accent, des chiffres et des \
             tirets : retirez le caractère {} (points, barres obliques et autres signes ne sont pas admis).",
            cite(c)
        ));
    }
    let n = compact.chars().count();
    if n > HORS_UE_LONGUEUR_MAX {
        return Err(format!(
            "Le numéro d'immatriculation ne doit pas dépasser {HORS_UE_LONGUEUR_MAX} caractères (vous en avez \
             saisi {n}) : saisissez le numéro seul, sans le nom du registre ni du pays."
        ));
    }
    if !compact.chars().any(|c| c.is_ascii_alphanumeric()) {
        return Err(
            "Le numéro d'immatriculation doit contenir au moins une lettre ou un chiffre : recopiez-le tel \
             qu'il figure sur les documents officiels de la structure."
                .into(),
        );
    }
    Ok(compact)
}

fn controler_ridet(saisie: &str) -> Result<String, String> {
    const EXEMPLE: &str = "ex. 1234567.001";
    let compact: String = saisie.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.is_empty() {
        return Err(format!(
            "Saisissez le numéro RIDET de la structure : les 7 chiffres de l'entreprise suivis des 3 chiffres \
             de l'établissement, {EXEMPLE}. Il figure sur l'avis de situation RIDET délivré par l'ISEE."
        ));
    }
    if let Some(c) = compact.chars().find(|c| !(c.is_ascii_digit() || *c == '.')) {
        return Err(format!(
            "Le numéro RIDET ne contient que des chiffres, avec éventuellement un point avant les 3 chiffres \
             de l'établissement ({EXEMPLE}) : le caractère {} n'est pas admis.",
            cite(c)
        ));
    }
    let (rid, etablissement) = match compact.split_once('.') {
        Some((_, e)) if e.contains('.') => {
            return Err(format!(
                "Le numéro RIDET ne comporte qu'un seul point, entre l'entreprise et l'établissement \
                 ({EXEMPLE})."
            ));
        }
        Some((r, e)) => (r, Some(e)),
        None => match compact.len() {
            6 | 7 => (compact.as_str(), None),
            10 => (&compact[..7], Some(&compact[7..])),
            n => {
                let conseil = if n == 9 {
                    " Si le numéro de l'entreprise n'a que 6 chiffres, séparez l'établissement par un point, \
                     ex. 123456.001."
                } else {
                    ""
                };
                return Err(format!(
                    "Un numéro RIDET compte 7 chiffres pour l'entreprise, ou 10 avec les 3 chiffres de \
                     l'établissement (vous en avez saisi {n}), ex. 1234567 ou 1234567.001.{conseil}"
                ));
            }
        },
    };
    if !(6..=7).contains(&rid.len()) {
        return Err(format!(
            "Le numéro de l'entreprise (avant le point) doit comporter 7 chiffres (vous en avez saisi {}), \
             {EXEMPLE}.",
            rid.len()
        ));
    }
    if rid.bytes().all(|b| b == b'0') {
        return Err(format!(
            "« {rid} » n'est pas un numéro d'entreprise : recopiez le numéro RIDET inscrit sur l'avis de \
             situation, {EXEMPLE}."
        ));
    }
    let etablissement = match etablissement {
        None => ETABLISSEMENT_PAR_DEFAUT,
        Some(e) if e.len() != 3 => {
            return Err(format!(
                "Le numéro d'établissement (après le point) doit comporter 3 chiffres (vous en avez saisi {}), \
                 {EXEMPLE}.",
                e.len()
            ));
        }
        Some("000") => {
            return Err(
                "Les établissements sont numérotés à partir de 001 : « 000 » n'existe pas. Vérifiez le numéro \
                 sur l'avis de situation RIDET (le premier établissement est 001)."
                    .into(),
            );
        }
        Some(e) => e,
    };
    Ok(format!("{rid:0>7}{etablissement}"))
}

fn controler_tahiti(saisie: &str) -> Result<String, String> {
    const EXEMPLE: &str = "ex. A12345 001 ou 123456 001";
    let compact: String =
        saisie.chars().filter(|c| !c.is_whitespace() && *c != '.').map(|c| c.to_ascii_uppercase()).collect();
    if compact.is_empty() {
        return Err(format!(
            "Saisissez le numéro TAHITI de la structure : une lettre ou un chiffre suivi de 5 chiffres, puis \
             les 3 chiffres de l'établissement, {EXEMPLE}. Il figure sur l'avis de situation délivré par \
             l'ISPF."
        ));
    }
    if let Some(c) = compact.chars().find(|c| !c.is_ascii_alphanumeric()) {
        return Err(format!(
            "Le numéro TAHITI ne contient que des chiffres et, en première position, une lettre ({EXEMPLE}) : \
             le caractère {} n'est pas admis.",
            cite(c)
        ));
    }
    let n = compact.len();
    if n != 6 && n != 9 {
        return Err(format!(
            "Un numéro TAHITI compte 6 caractères pour l'entreprise, ou 9 avec les 3 chiffres de \
             l'établissement (vous en avez saisi {n}), {EXEMPLE}."
        ));
    }
    if let Some((i, c)) = compact.char_indices().skip(1).find(|(_, c)| !c.is_ascii_digit()) {
        return Err(format!(
            "Dans un numéro TAHITI, seul le premier caractère peut être une lettre : le caractère « {c} » en \
             position {} doit être un chiffre ({EXEMPLE}).",
            i + 1
        ));
    }
    let etablissement = if n == 9 { &compact[6..] } else { ETABLISSEMENT_PAR_DEFAUT };
    Ok(format!("{}{etablissement}", &compact[..6]))
}

fn controler_identifiant_libre(t: TypeIdentifiant, saisie: &str) -> Result<String, String> {
    let v = saisie.trim();
    if v.is_empty() {
        return Ok(String::new());
    }
    let qui = match t {
        TypeIdentifiant::Particulier => "Pour un particulier",
        _ => "Pour une structure en cours d'immatriculation",
    };
    if let Some(c) = v.chars().find(|c| c.is_control()) {
        return Err(format!(
            "L'identifiant contient un caractère invisible (U+{:04X}) : retapez-le au clavier. {qui}, vous \
             pouvez aussi laisser le champ vide : Chorus Pro attribue alors l'identifiant.",
            u32::from(c)
        ));
    }
    let n = v.chars().count();
    if n > IDENTIFIANT_LIBRE_LONGUEUR_MAX {
        return Err(format!(
            "L'identifiant ne doit pas dépasser {IDENTIFIANT_LIBRE_LONGUEUR_MAX} caractères (vous en avez \
             saisi {n}). {qui}, laissez plutôt le champ vide : Chorus Pro attribue alors l'identifiant."
        ));
    }
    Ok(v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ok(t: TypeIdentifiant, saisie: &str) -> String {
        controler_identifiant(t, saisie).unwrap_or_else(|e| panic!("{saisie:?} refusé : {e}"))
    }

    fn refus(t: TypeIdentifiant, saisie: &str) -> String {
        match controler_identifiant(t, saisie) {
            Err(e) => e,
            Ok(v) => panic!("{saisie:?} accepté ({v}) alors qu'il devait être refusé"),
        }
    }

    /// Message en phrase : majuscule au début, point à la fin.
    fn phrase_complete(m: &str) -> bool {
        m.chars().next().is_some_and(|c| c.is_uppercase() || c == '«') && m.ends_with('.')
    }

    #[test]
    fn les_exemples_sont_acceptes() {
        for t in TypeIdentifiant::TOUS {
            let ex = exemple(t);
            assert!(!ex.is_empty());
            match ex.split_once("ex. ") {
                Some((_, saisie)) => {
                    ok(t, saisie);
                }
                None => assert_eq!(ok(t, ""), ""),
            }
        }
        assert_eq!(exemple(TypeIdentifiant::Siret), "14 chiffres, ex. 923 912 349 00068");
    }

    #[test]
    fn siret() {
        let t = TypeIdentifiant::Siret;
        assert_eq!(ok(t, " 923 912 349 00068 "), "92391234900068");
        assert_eq!(ok(t, "21852884200097"), "21852884200097");

        let e = refus(t, "2185288420009");
        assert!(e.starts_with("Le SIRET doit comporter 14 chiffres (vous en avez saisi 13)."), "{e}");
        assert!(e.contains("Recopiez le SIRET"), "{e}");
        let e = refus(t, "21852884200098");
        assert!(e.contains("clé de contrôle (algorithme de Luhn) est fausse"), "{e}");
        let e = refus(t, "2185288420009A");
        assert!(e.starts_with("Le SIRET ne doit contenir que des chiffres"), "{e}");
        let e = refus(t, "218 528 842");
        assert!(e.contains("vous en avez saisi 9") && e.contains("SIREN") && e.contains("NIC"), "{e}");
        let e = refus(t, "FR83923912349");
        assert!(e.contains("numéro de TVA intracommunautaire"), "{e}");
        let e = refus(t, "  ");
        assert!(e.starts_with("Saisissez le SIRET"), "{e}");
        // Pas de découpage au milieu d'un caractère accentué.
        assert!(refus(t, "aé").contains("ne doit contenir que des chiffres"));
    }

    #[test]
    fn tva_intracommunautaire() {
        let t = TypeIdentifiant::UeHorsFrance;
        assert_eq!(ok(t, "DE123456789"), "DE123456789");
        assert_eq!(ok(t, " de 123 456 789 "), "DE123456789");
        assert_eq!(ok(t, "BE 0123.456.789"), "BE0123456789");
        assert_eq!(ok(t, "NL123456789B01"), "NL123456789B01");
        assert_eq!(ok(t, "ATU12345678"), "ATU12345678");
        assert_eq!(ok(t, "EL123456789"), "EL123456789");
        assert_eq!(ok(t, "GR123456789"), "GR123456789");
        assert_eq!(ok(t, "ES-X1234567-L"), "ESX1234567L");
        assert_eq!(ok(t, "MT12"), "MT12");
        assert_eq!(ok(t, "IT1234567890123"), "IT1234567890123");

        assert_eq!(PAYS_UE_HORS_FRANCE.len(), 27);
        assert!(!PAYS_UE_HORS_FRANCE.iter().any(|(c, _)| *c == "FR"));
        for (code, _) in PAYS_UE_HORS_FRANCE {
            assert_eq!(ok(t, &format!("{code}12345678")), format!("{code}12345678"));
        }

        let e = refus(t, "FR83923912349");
        assert!(e.contains("choisissez le type d'identifiant « SIRET »"), "{e}");
        let e = refus(t, "GB123456789");
        assert!(e.contains("Royaume-Uni") && e.contains("« Structure hors UE »"), "{e}");
        assert!(refus(t, "XI123456789").contains("Royaume-Uni"));
        let e = refus(t, "CHE123456789");
        assert!(e.starts_with("« CH » n'est pas le code d'un pays de l'Union européenne"), "{e}");
        let e = refus(t, "123456789");
        assert!(e.contains("commence par le code du pays en 2 lettres"), "{e}");
        assert!(refus(t, "D").contains("commence par le code du pays"));
        let e = refus(t, "DE1");
        assert!(e.contains("de 2 à 13 lettres ou chiffres (vous en avez saisi 1)"), "{e}");
        let e = refus(t, "IT12345678901234");
        assert!(e.contains("(vous en avez saisi 14)"), "{e}");
        let e = refus(t, "DE123/456");
        assert!(e.contains("le caractère « / » n'est pas admis"), "{e}");
        let e = refus(t, "DEé12345");
        assert!(e.contains("« é »"), "{e}");
        let e = refus(t, "DEUTSCHLAND");
        assert!(e.contains("doit contenir des chiffres"), "{e}");
        assert!(refus(t, "").starts_with("Saisissez le numéro de TVA intracommunautaire"));
        assert!(refus(t, "éé12345").contains("commence par le code du pays"));
    }

    #[test]
    fn hors_ue() {
        let t = TypeIdentifiant::HorsUe;
        assert_eq!(ok(t, "CHE-123456789"), "CHE-123456789");
        assert_eq!(ok(t, " hrb 12345 "), "HRB12345");
        assert_eq!(ok(t, "7"), "7");
        assert_eq!(ok(t, &"A".repeat(18)), "A".repeat(18));

        let e = refus(t, &"A".repeat(19));
        assert!(e.contains("ne doit pas dépasser 18 caractères (vous en avez saisi 19)"), "{e}");
        let e = refus(t, "CHE-123.456.789");
        assert!(e.contains("le caractère « . »"), "{e}");
        let e = refus(t, "Zürich-1");
        assert!(e.contains("« ü »"), "{e}");
        let e = refus(t, "12\u{7}3");
        assert!(e.contains("invisible U+0007"), "{e}");
        assert!(refus(t, "--").contains("au moins une lettre ou un chiffre"));
        assert!(refus(t, " ").starts_with("Saisissez le numéro d'immatriculation"));
    }

    #[test]
    fn ridet() {
        let t = TypeIdentifiant::Ridet;
        assert_eq!(ok(t, "1234567"), "1234567001");
        assert_eq!(ok(t, "1234567.001"), "1234567001");
        assert_eq!(ok(t, "1234567.002"), "1234567002");
        assert_eq!(ok(t, "1234567001"), "1234567001");
        assert_eq!(ok(t, "1 234 567.003"), "1234567003");
        assert_eq!(ok(t, "123456"), "0123456001");
        assert_eq!(ok(t, "123456.004"), "0123456004");

        let e = refus(t, "123456789");
        assert!(e.contains("(vous en avez saisi 9)") && e.contains("123456.001"), "{e}");
        let e = refus(t, "12345678");
        assert!(e.contains("7 chiffres pour l'entreprise, ou 10") && e.contains("saisi 8"), "{e}");
        assert!(refus(t, "12345").contains("saisi 5"));
        assert!(refus(t, "12345678901").contains("saisi 11"));
        let e = refus(t, "12345.001");
        assert!(e.contains("avant le point) doit comporter 7 chiffres (vous en avez saisi 5)"), "{e}");
        let e = refus(t, "1234567.01");
        assert!(e.contains("(après le point) doit comporter 3 chiffres (vous en avez saisi 2)"), "{e}");
        assert!(refus(t, "1234567.").contains("vous en avez saisi 0"));
        let e = refus(t, "1234567.000");
        assert!(e.contains("à partir de 001"), "{e}");
        assert!(refus(t, "1234567000").contains("à partir de 001"));
        let e = refus(t, "1234567.001.2");
        assert!(e.contains("qu'un seul point"), "{e}");
        let e = refus(t, "1234567-001");
        assert!(e.contains("le caractère « - » n'est pas admis"), "{e}");
        assert!(refus(t, "0000000").contains("n'est pas un numéro d'entreprise"));
        assert!(refus(t, "").starts_with("Saisissez le numéro RIDET"));
    }

    #[test]
    fn tahiti() {
        let t = TypeIdentifiant::Tahiti;
        assert_eq!(ok(t, "A12345"), "A12345001");
        assert_eq!(ok(t, "a12345"), "A12345001");
        assert_eq!(ok(t, "123456"), "123456001");
        assert_eq!(ok(t, "A12345 002"), "A12345002");
        assert_eq!(ok(t, "A12345.002"), "A12345002");
        assert_eq!(ok(t, "123456789"), "123456789");

        let e = refus(t, "AB1234");
        assert!(e.contains("le caractère « B » en position 2 doit être un chiffre"), "{e}");
        assert!(refus(t, "A12345 00B").contains("« B » en position 9"));
        let e = refus(t, "A1234");
        assert!(e.contains("6 caractères pour l'entreprise, ou 9") && e.contains("saisi 5"), "{e}");
        assert!(refus(t, "A1234500").contains("saisi 8"));
        assert!(refus(t, "A123450012").contains("saisi 10"));
        let e = refus(t, "A12-345");
        assert!(e.contains("le caractère « - » n'est pas admis"), "{e}");
        assert!(refus(t, "É12345").contains("« É »"));
        assert!(refus(t, "").starts_with("Saisissez le numéro TAHITI"));
    }

    #[test]
    fn identifiant_attribue_par_chorus_pro() {
        for t in [TypeIdentifiant::Particulier, TypeIdentifiant::EnCoursImmatriculation] {
            assert_eq!(ok(t, ""), "");
            assert_eq!(ok(t, "   "), "");
            assert_eq!(ok(t, " Dossier n° 2025/42 – Zoé "), "Dossier n° 2025/42 – Zoé");
            assert_eq!(ok(t, &"é".repeat(80)), "é".repeat(80));
            let e = refus(t, &"é".repeat(81));
            assert!(e.contains("80 caractères (vous en avez saisi 81)") && e.contains("laissez"), "{e}");
            let e = refus(t, "abc\u{1b}def");
            assert!(e.contains("caractère invisible (U+001B)"), "{e}");
        }
        assert!(refus(TypeIdentifiant::Particulier, &"x".repeat(81)).contains("Pour un particulier"));
        assert!(
            refus(TypeIdentifiant::EnCoursImmatriculation, &"x".repeat(81))
                .contains("en cours d'immatriculation")
        );
    }

    #[test]
    fn les_messages_sont_des_phrases() {
        let cas: &[(TypeIdentifiant, &str)] = &[
            (TypeIdentifiant::Siret, ""),
            (TypeIdentifiant::Siret, "123"),
            (TypeIdentifiant::Siret, "21852884300097"),
            (TypeIdentifiant::UeHorsFrance, "ZZ12345"),
            (TypeIdentifiant::UeHorsFrance, "DE1"),
            (TypeIdentifiant::HorsUe, "a.b"),
            (TypeIdentifiant::Ridet, "12"),
            (TypeIdentifiant::Ridet, "1234567.000"),
            (TypeIdentifiant::Tahiti, "ABCDEF"),
            (TypeIdentifiant::Particulier, "\u{0}"),
        ];
        for (t, s) in cas {
            let e = refus(*t, s);
            assert!(phrase_complete(&e), "{t:?} {s:?} : {e}");
        }
    }

    proptest! {
        #[test]
        fn controler_identifiant_ne_panique_jamais(
            i in 0usize..7,
            saisie in prop_oneof![".{0,30}", "[0-9 .A-Za-z-]{0,16}", "\\PC{0,100}"],
        ) {
            let t = TypeIdentifiant::TOUS[i];
            match controler_identifiant(t, &saisie) {
                // Normaliser deux fois ne change rien.
                Ok(v) => prop_assert_eq!(controler_identifiant(t, &v), Ok(v.clone())),
                Err(e) => prop_assert!(phrase_complete(&e), "{}", e),
            }
        }
    }
}
