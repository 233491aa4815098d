//! Les coordonnées bancaires d'une structure fournisseur (fiche structure, bloc « Coordonnées
//! bancaires ») : un nom (« Compte principal »), le titulaire, l'IBAN, le BIC, et la case
//! « Affactureur » quand le compte est celui d'un affactureur (factor) à qui la créance est cédée.
//!
//! Chorus Pro n'accepte que des IBAN. L'IBAN est lu par la crate `iban_validate` (forme
//! générale, clé de contrôle ISO 13616, format du pays) ; ses erreurs sont traduites en messages
//! qui disent quoi corriger. Pour un IBAN français (ou monégasque), la clé RIB est vérifiée en
//! plus. Le BIC doit être celui d'une banque du pays de l'IBAN.

use std::fmt;

use iban::{Iban as IbanIso, IbanLike, ParseBaseIbanError, ParseIbanError};

use crate::Anomalie;

/// Longueur maximale du nom donné aux coordonnées (« Compte principal »).
pub const NOM_MAX: usize = 50;
/// Longueur maximale du nom du titulaire du compte.
pub const TITULAIRE_MAX: usize = 100;

/// Longueur de l'IBAN de chaque pays, d'après le registre IBAN de SWIFT (celui qu'embarque
/// `iban_validate`) : elle permet de dire « il manque un caractère » plutôt que « la clé est
/// fausse », ce que donnerait la seule clé de contrôle.
const LONGUEURS: &[(&str, usize)] = &[
    ("AD", 24),
    ("AE", 23),
    ("AL", 28),
    ("AT", 20),
    ("AZ", 28),
    ("BA", 20),
    ("BE", 16),
    ("BG", 22),
    ("BH", 22),
    ("BI", 27),
    ("BR", 29),
    ("BY", 28),
    ("CH", 21),
    ("CR", 22),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DJ", 27),
    ("DK", 18),
    ("DO", 28),
    ("EE", 20),
    ("EG", 29),
    ("ES", 24),
    ("FI", 18),
    ("FK", 18),
    ("FO", 18),
    ("FR", 27),
    ("GB", 22),
    ("GE", 22),
    ("GI", 23),
    ("GL", 18),
    ("GR", 27),
    ("GT", 28),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IL", 23),
    ("IQ", 23),
    ("IS", 26),
    ("IT", 27),
    ("JO", 30),
    ("KW", 30),
    ("KZ", 20),
    ("LB", 28),
    ("LC", 32),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("LY", 25),
    ("MC", 27),
    ("MD", 24),
    ("ME", 22),
    ("MK", 19),
    ("MN", 20),
    ("MR", 27),
    ("MT", 31),
    ("MU", 30),
    ("NI", 28),
    ("NL", 18),
    ("NO", 15),
    ("OM", 23),
    ("PL", 28),
    ("PS", 29),
    ("PT", 25),
    ("QA", 29),
    ("RO", 24),
    ("RS", 22),
    ("RU", 33),
    ("SA", 24),
    ("SC", 31),
    ("SD", 18),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("SO", 23),
    ("ST", 25),
    ("SV", 28),
    ("TL", 23),
    ("TN", 24),
    ("TR", 26),
    ("UA", 29),
    ("VA", 22),
    ("VG", 24),
    ("XK", 20),
    ("YE", 30),
];

/// La longueur de l'IBAN d'un pays, s'il utilise l'IBAN.
pub fn longueur_iban(pays: &str) -> Option<usize> {
    LONGUEURS.iter().find(|(p, _)| *p == pays).map(|(_, n)| *n)
}

/// Pays dont les banques ont un BIC à leur propre code mais des IBAN d'un autre pays : les
/// départements et collectivités d'outre-mer ont des IBAN « FR » et des BIC « RE », « GP »… ;
/// Jersey, Guernesey et l'île de Man des IBAN « GB » ; Åland des IBAN « FI ».
const PAYS_BIC_RATTACHES: &[(&str, &[&str])] = &[
    ("FR", &["GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF", "NC", "PF", "WF", "TF"]),
    ("GB", &["JE", "GG", "IM"]),
    ("FI", &["AX"]),
];

/// Le BIC d'une banque de `pays_bic` peut-il tenir un IBAN de `pays_iban` ?
pub fn pays_compatibles(pays_iban: &str, pays_bic: &str) -> bool {
    pays_iban == pays_bic
        || PAYS_BIC_RATTACHES.iter().any(|(iban, bics)| *iban == pays_iban && bics.contains(&pays_bic))
}

/// Un IBAN contrôlé : forme, clé de contrôle, format du pays (et clé RIB en France).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Iban(IbanIso);

impl Iban {
    /// Le format électronique, sans espaces (`FR7630006000011234567890189`) : celui qu'on stocke.
    pub fn electronique(&self) -> &str {
        self.0.electronic_str()
    }

    /// Le code pays (deux lettres).
    pub fn pays(&self) -> &str {
        self.0.country_code()
    }
}

/// Le format « papier », par groupes de 4 caractères (`FR76 3000 6000 0112 3456 7890 189`).
impl fmt::Display for Iban {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// Un IBAN stocké (format électronique) présenté par groupes de 4 caractères.
pub fn format_papier(electronique: &str) -> String {
    let caracteres: Vec<char> = electronique.chars().filter(|c| !c.is_whitespace()).collect();
    caracteres.chunks(4).map(|g| g.iter().collect::<String>()).collect::<Vec<_>>().join(" ")
}

/// Ce qu'on a tapé, sans les espaces (y compris insécables), en majuscules.
fn normaliser(saisie: &str) -> String {
    saisie.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_uppercase).collect()
}

/// Contrôle un IBAN ; le message d'erreur dit ce qui ne va pas et quoi faire.
pub fn controler_iban(saisie: &str) -> Result<Iban, String> {
    let iban = normaliser(saisie);
    if iban.is_empty() {
        return Err(
            "Saisissez l'IBAN du compte : il figure sur le RIB (relevé d'identité bancaire) délivré par la \
                    banque, et commence par le code du pays (FR pour un compte tenu en France)."
                .into(),
        );
    }
    if let Some(c) = iban.chars().find(|c| !c.is_ascii_alphanumeric()) {
        return Err(format!(
            "L'IBAN ne contient que des lettres et des chiffres (les espaces entre les groupes sont acceptés) : \
             le caractère « {c} » n'en fait pas partie. Recopiez l'IBAN depuis le RIB."
        ));
    }
    let n = iban.chars().count();
    let pays: String = iban.chars().take(2).collect();
    if n < 2 || !pays.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(format!(
            "L'IBAN commence par le code du pays sur deux lettres (FR pour la France, DE pour l'Allemagne…) : \
             « {pays} » n'en est pas un. Recopiez l'IBAN depuis le RIB, sans oublier ses premières lettres."
        ));
    }
    let cle: String = iban.chars().skip(2).take(2).collect();
    if cle.chars().count() < 2 || !cle.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!(
            "Après le code pays, l'IBAN porte deux chiffres de clé de contrôle (par exemple {pays}76) : « {cle} » \
             n'en sont pas. Recopiez l'IBAN depuis le RIB."
        ));
    }
    // Le registre connaît la longueur de chaque pays : un pays absent n'utilise pas l'IBAN, ce
    // qu'on dit avant de parler de clé de contrôle.
    let Some(attendu) = longueur_iban(&pays) else {
        return Err(format!(
            "« {pays} » n'est le code d'aucun pays qui utilise l'IBAN : vérifiez les deux premières lettres \
             (FR pour un compte tenu en France)."
        ));
    };
    if n != attendu {
        let correction =
            if n < attendu { "il manque des caractères" } else { "des caractères ont été ajoutés" };
        return Err(format!(
            "Un IBAN commençant par {pays} compte {attendu} caractères (vous en avez saisi {n}) : {correction}. \
             Recopiez-le depuis le RIB, groupe de 4 par groupe de 4."
        ));
    }
    let lu = iban.parse::<IbanIso>().map_err(|e| match e {
        ParseIbanError::InvalidBaseIban { source: ParseBaseIbanError::InvalidChecksum } => format!(
            "L'IBAN {} est invalide : sa clé de contrôle (les deux chiffres « {cle} » après {pays}) ne correspond pas \
             au reste du numéro. Un caractère a sans doute été mal recopié ou deux chiffres inversés : reprenez-le \
             depuis le RIB.",
            format_papier(&iban)
        ),
        ParseIbanError::InvalidBaseIban { source: ParseBaseIbanError::InvalidFormat } => {
            "L'IBAN n'a pas la forme d'un IBAN : deux lettres de pays, deux chiffres de clé, puis des lettres ou \
             des chiffres. Recopiez-le depuis le RIB."
                .to_string()
        }
        ParseIbanError::UnknownCountry(_) => format!(
            "« {pays} » n'est le code d'aucun pays qui utilise l'IBAN : vérifiez les deux premières lettres \
             (FR pour un compte tenu en France)."
        ),
        ParseIbanError::InvalidBban(_) => format!(
            "Le numéro de compte de cet IBAN ne suit pas le format des comptes du pays {pays} : des lettres se \
             trouvent là où la banque met des chiffres (ou l'inverse). Vérifiez chaque caractère sur le RIB \
             (un O à la place d'un 0, un I à la place d'un 1…)."
        ),
    })?;
    if matches!(lu.country_code(), "FR" | "MC")
        && let Some(message) = controler_cle_rib(lu.bban())
    {
        return Err(message);
    }
    Ok(Iban(lu))
}

/// La clé RIB française (les deux derniers chiffres du BBAN) : 97 − (89 × banque + 15 × guichet
/// + 3 × compte) mod 97, les lettres du numéro de compte valant 1 à 9.
fn controler_cle_rib(bban: &str) -> Option<String> {
    let chiffre = |c: char| -> u64 {
        match c {
            '0'..='9' => u64::from(c as u8 - b'0'),
            'A'..='I' => u64::from(c as u8 - b'A' + 1),
            'J'..='R' => u64::from(c as u8 - b'J' + 1),
            'S'..='Z' => u64::from(c as u8 - b'S' + 2),
            _ => 0,
        }
    };
    let nombre = |s: &str| s.chars().fold(0u64, |acc, c| (acc * 10 + chiffre(c)) % 97);
    if bban.len() != 23 {
        return None;
    }
    let (banque, guichet, compte, cle) = (&bban[0..5], &bban[5..10], &bban[10..21], &bban[21..23]);
    let attendue = 97 - (89 * nombre(banque) + 15 * nombre(guichet) + 3 * nombre(compte)) % 97;
    (cle.parse::<u64>().ok() != Some(attendue)).then(|| {
        format!(
            "La clé RIB de cet IBAN (ses deux derniers chiffres, « {cle} ») ne correspond pas aux codes banque, \
             guichet et numéro de compte : l'IBAN a sans doute été recopié d'un RIB erroné. Reprenez-le depuis un \
             RIB délivré par la banque."
        )
    })
}

/// Un BIC (code SWIFT) contrôlé : 4 lettres (banque), 2 lettres (pays), 2 lettres ou chiffres
/// (localisation), et éventuellement 3 lettres ou chiffres (agence).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bic(String);

impl Bic {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Le code pays (lettres 5 et 6).
    pub fn pays(&self) -> &str {
        &self.0[4..6]
    }
}

impl fmt::Display for Bic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Contrôle un BIC ; le message d'erreur dit ce qui ne va pas et quoi faire.
pub fn controler_bic(saisie: &str) -> Result<Bic, String> {
    let bic = normaliser(saisie);
    if bic.is_empty() {
        return Err(
            "Saisissez le BIC (code SWIFT) de la banque : 8 ou 11 lettres et chiffres, il figure sur le \
                    RIB à côté de l'IBAN."
                .into(),
        );
    }
    if let Some(c) = bic.chars().find(|c| !c.is_ascii_alphanumeric()) {
        return Err(format!(
            "Le BIC ne contient que des lettres et des chiffres : le caractère « {c} » n'en fait pas partie. \
             Recopiez-le depuis le RIB."
        ));
    }
    let n = bic.chars().count();
    if n != 8 && n != 11 {
        return Err(format!(
            "Le BIC compte 8 ou 11 caractères (vous en avez saisi {n}) : recopiez-le depuis le RIB, par exemple \
             BNPAFRPP ou BNPAFRPPXXX."
        ));
    }
    let banque = &bic[0..4];
    if !banque.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(format!(
            "Les 4 premiers caractères du BIC sont le code de la banque, en lettres : « {banque} » contient un \
             chiffre. Recopiez le BIC depuis le RIB."
        ));
    }
    let pays = &bic[4..6];
    if !pays.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(format!(
            "Les caractères 5 et 6 du BIC sont le code du pays de la banque (FR pour la France) : « {pays} » n'en \
             est pas un. Recopiez le BIC depuis le RIB."
        ));
    }
    Ok(Bic(bic))
}

/// Ce que la personne a tapé dans le formulaire.
#[derive(Debug, Clone, Copy, Default)]
pub struct SaisieCoordonnees<'a> {
    pub nom: &'a str,
    pub titulaire: &'a str,
    pub iban: &'a str,
    pub bic: &'a str,
    pub affactureur: bool,
}

/// Des coordonnées bancaires contrôlées.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoordonneesBancaires {
    /// Le nom sous lequel on les choisit dans une facture (« Compte principal »).
    pub nom: String,
    pub titulaire: String,
    pub iban: Iban,
    pub bic: Bic,
    /// Le compte est celui d'un affactureur (la mention de subrogation va dans le
    /// « Commentaire » de la facture).
    pub affactureur: bool,
}

/// Contrôle la saisie ; chaque problème est une anomalie sur son champ (`nom`, `titulaire`,
/// `iban`, `bic`).
pub fn controler(s: &SaisieCoordonnees<'_>) -> Result<CoordonneesBancaires, Vec<Anomalie>> {
    let mut anomalies = Vec::new();
    let nom = s.nom.trim();
    if nom.is_empty() {
        anomalies.push(Anomalie::champ(
            "nom",
            "NOM_OBLIGATOIRE",
            "Donnez un nom à ces coordonnées bancaires (par exemple « Compte principal ») : c'est lui que vous \
             choisirez dans « Référence bancaire » en saisissant une facture.",
        ));
    } else if nom.chars().count() > NOM_MAX {
        anomalies.push(Anomalie::champ(
            "nom",
            "NOM_TROP_LONG",
            format!(
                "Le nom des coordonnées ne doit pas dépasser {NOM_MAX} caractères (vous en avez saisi {}) : \
                 raccourcissez-le.",
                nom.chars().count()
            ),
        ));
    }
    let titulaire = s.titulaire.trim();
    if titulaire.is_empty() {
        anomalies.push(Anomalie::champ(
            "titulaire",
            "TITULAIRE_OBLIGATOIRE",
            "Indiquez le titulaire du compte, tel qu'il est écrit sur le RIB (la raison sociale de la structure, \
             ou celle de l'affactureur si le compte est le sien).",
        ));
    } else if titulaire.chars().count() > TITULAIRE_MAX {
        anomalies.push(Anomalie::champ(
            "titulaire",
            "TITULAIRE_TROP_LONG",
            format!(
                "Le nom du titulaire ne doit pas dépasser {TITULAIRE_MAX} caractères (vous en avez saisi {}) : \
                 raccourcissez-le.",
                titulaire.chars().count()
            ),
        ));
    }
    let iban =
        controler_iban(s.iban).map_err(|m| anomalies.push(Anomalie::champ("iban", "IBAN_INVALIDE", m)));
    let bic = controler_bic(s.bic).map_err(|m| anomalies.push(Anomalie::champ("bic", "BIC_INVALIDE", m)));
    if let (Ok(iban), Ok(bic)) = (&iban, &bic)
        && !pays_compatibles(iban.pays(), bic.pays())
    {
        anomalies.push(Anomalie::champ(
            "bic",
            "BIC_PAYS_DIFFERENT",
            format!(
                "Le BIC {bic} est celui d'une banque du pays {} (ses lettres 5 et 6), alors que l'IBAN est celui d'un \
                 compte du pays {} : l'IBAN et le BIC doivent venir du même RIB. Vérifiez les deux.",
                bic.pays(),
                iban.pays()
            ),
        ));
    }
    match (iban, bic) {
        (Ok(iban), Ok(bic)) if anomalies.is_empty() => Ok(CoordonneesBancaires {
            nom: nom.to_string(),
            titulaire: titulaire.to_string(),
            iban,
            bic,
            affactureur: s.affactureur,
        }),
        _ => Err(anomalies),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IBAN_FR: &str = "FR7630006000011234567890189";
    const IBAN_DE: &str = "DE89370400440532013000";

    /// Calcule les deux chiffres de clé d'un IBAN (ISO 7064, mod 97-10).
    fn avec_cle(pays: &str, bban: &str) -> String {
        let reordonne = format!("{bban}{pays}00");
        let reste = reordonne.chars().fold(0u32, |acc, c| {
            let v = c.to_digit(36).expect("lettre ou chiffre");
            if v < 10 { (acc * 10 + v) % 97 } else { (acc * 100 + v) % 97 }
        });
        format!("{pays}{:02}{bban}", 98 - reste)
    }

    fn saisie<'a>(iban: &'a str, bic: &'a str) -> SaisieCoordonnees<'a> {
        SaisieCoordonnees { nom: "Compte principal", titulaire: "ACME SARL", iban, bic, affactureur: false }
    }

    fn codes(r: Result<CoordonneesBancaires, Vec<Anomalie>>) -> Vec<(String, &'static str)> {
        r.expect_err("refusé").into_iter().map(|a| (a.champ, a.code)).collect()
    }

    #[test]
    fn des_iban_reels_de_test_sont_acceptes_et_presentes_par_groupes_de_4() {
        let fr = controler_iban(IBAN_FR).unwrap();
        assert_eq!(fr.to_string(), "FR76 3000 6000 0112 3456 7890 189");
        assert_eq!(fr.electronique(), IBAN_FR);
        assert_eq!(fr.pays(), "FR");
        let de = controler_iban("de89 3704 0044 0532 0130 00").unwrap();
        assert_eq!(de.to_string(), "DE89 3704 0044 0532 0130 00");
        assert_eq!(format_papier(IBAN_DE), "DE89 3704 0044 0532 0130 00");
        // Espaces quelconques, insécables compris, et minuscules.
        assert!(controler_iban(" fr76\u{a0}3000 6000 0112 3456 7890 189 ").is_ok());
    }

    #[test]
    fn la_table_des_longueurs_concorde_avec_des_iban_valides() {
        for iban in [
            IBAN_FR,
            IBAN_DE,
            "BE68539007547034",
            "ES9121000418450200051332",
            "IT60X0542811101000000123456",
            "GB29NWBK60161331926819",
            "CH9300762011623852957",
            "LU280019400644750000",
            "NL91ABNA0417164300",
            "MC5811222000010123456789030",
        ] {
            assert_eq!(longueur_iban(&iban[..2]), Some(iban.len()), "{iban}");
            controler_iban(iban).unwrap_or_else(|e| panic!("{iban} : {e}"));
        }
    }

    #[test]
    fn chaque_erreur_d_iban_a_son_message() {
        let msg = |s: &str| controler_iban(s).expect_err(s);
        assert!(msg("").contains("Saisissez l'IBAN"));
        // Mauvaise clé : deux chiffres inversés.
        let m = msg("FR7630006000011234567890198");
        assert!(m.contains("clé de contrôle") && m.contains("« 76 »"), "{m}");
        // Longueur.
        let m = msg("FR763000600001123456789018");
        assert!(m.contains("compte 27 caractères (vous en avez saisi 26)") && m.contains("il manque"), "{m}");
        let m = msg("DE893704004405320130001");
        assert!(m.contains("compte 22 caractères (vous en avez saisi 23)"), "{m}");
        // Lettres et signes.
        assert!(msg("7630006000011234567890189").contains("code du pays"));
        assert!(msg("FRAB30006000011234567890189").contains("deux chiffres de clé"));
        assert!(msg("FR76-3000-6000").contains("« - »"));
        assert!(msg("ZZ7630006000011234567890189").contains("« ZZ » n'est le code d'aucun pays"));
        assert!(msg("FR76300060000112345678901890123456789").contains("compte 27 caractères"));
        // Clé juste mais lettres à la place des chiffres du code banque : format du pays.
        let lettres = avec_cle("FR", "3OOO6000011234567890189");
        assert!(msg(&lettres).contains("format des comptes du pays FR"), "{}", msg(&lettres));
        // Clé IBAN juste, clé RIB fausse.
        let rib_faux = avec_cle("FR", "30006000011234567890188");
        assert!(msg(&rib_faux).contains("clé RIB"), "{}", msg(&rib_faux));
    }

    #[test]
    fn le_bic_a_8_ou_11_caracteres() {
        assert_eq!(controler_bic("bnpa fr pp").unwrap().as_str(), "BNPAFRPP");
        assert_eq!(controler_bic("BNPAFRPPXXX").unwrap().pays(), "FR");
        assert!(controler_bic("").unwrap_err().contains("Saisissez le BIC"));
        assert!(controler_bic("BNPAFRP").unwrap_err().contains("vous en avez saisi 7"));
        assert!(controler_bic("BNPAFRPPXX").unwrap_err().contains("8 ou 11"));
        assert!(controler_bic("BNP1FRPP").unwrap_err().contains("code de la banque"));
        assert!(controler_bic("BNPA12PP").unwrap_err().contains("code du pays"));
        assert!(controler_bic("BNPA.RPP").unwrap_err().contains("« . »"));
    }

    #[test]
    fn le_bic_doit_etre_du_pays_de_l_iban() {
        let c = controler(&saisie(IBAN_FR, "BNPAFRPP")).unwrap();
        assert_eq!((c.nom.as_str(), c.bic.as_str(), c.affactureur), ("Compte principal", "BNPAFRPP", false));
        assert!(controler(&saisie(IBAN_DE, "COBADEFFXXX")).is_ok());
        assert_eq!(codes(controler(&saisie(IBAN_FR, "COBADEFFXXX"))), [("bic".into(), "BIC_PAYS_DIFFERENT")]);
        // Outre-mer : IBAN « FR », BIC « RE ».
        assert!(controler(&saisie(IBAN_FR, "AGRIRERX")).is_ok());
        assert!(pays_compatibles("GB", "JE") && !pays_compatibles("JE", "GB"));
    }

    #[test]
    fn toutes_les_anomalies_d_un_coup() {
        let long = "x".repeat(NOM_MAX + 1);
        let s = SaisieCoordonnees { nom: &long, titulaire: " ", iban: "FR76", bic: "?", affactureur: true };
        assert_eq!(
            codes(controler(&s)),
            [
                ("nom".into(), "NOM_TROP_LONG"),
                ("titulaire".into(), "TITULAIRE_OBLIGATOIRE"),
                ("iban".into(), "IBAN_INVALIDE"),
                ("bic".into(), "BIC_INVALIDE"),
            ]
        );
        let s = SaisieCoordonnees {
            nom: "",
            titulaire: &"y".repeat(TITULAIRE_MAX + 1),
            ..saisie(IBAN_FR, "BNPAFRPP")
        };
        assert_eq!(
            codes(controler(&s)),
            [("nom".into(), "NOM_OBLIGATOIRE"), ("titulaire".into(), "TITULAIRE_TROP_LONG")]
        );
    }
}
