//! Les sessions de formation (« classes ») d'un formateur : ce qu'on en saisit, le code court
//! qui permet à un stagiaire de rejoindre la classe avec son seul nom, et le point de départ
//! des bacs à sable de ses stagiaires.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::Anomalie;

/// Les caractères du code d'accès : ni 0/O, ni 1/I/L, ni 2/Z, ni 5/S, ni 8/B, pour qu'un
/// code lu au vidéoprojecteur ou dicté à voix haute ne soit pas mal recopié.
pub const ALPHABET_CODE: &[u8] = b"34679ACDEFGHJKMNPQRTUVWXY";
/// 25⁶ ≈ 244 millions de codes : assez pour qu'on ne tombe pas sur celui d'une autre classe
/// en tapant au hasard (et la saisie est limitée comme une connexion).
pub const LONGUEUR_CODE: usize = 6;

pub const TITRE_LONGUEUR_MAX: usize = 120;
pub const LIEU_LONGUEUR_MAX: usize = 120;
pub const ORGANISME_LONGUEUR_MAX: usize = 120;
pub const NOM_STAGIAIRE_LONGUEUR_MAX: usize = 80;
/// Une formation de plusieurs jours tient en dix jours au plus (vingt demi-journées).
pub const DEMI_JOURNEES_MAX: u8 = 20;
/// Les formations « Chorus Pro » des chambres consulaires durent une journée : 7 heures.
pub const HEURES_PAR_DEMI_JOURNEE: f32 = 3.5;
/// Une classe compte au plus ce nombre de stagiaires (salle et machine du formateur).
pub const STAGIAIRES_MAX: usize = 60;

/// Ce que chaque stagiaire trouve en entrant dans son bac à sable, et que la réinitialisation
/// restaure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Depart {
    /// Un compte et une entreprise déjà inscrite, prête à facturer.
    PratiqueLibre,
    /// Rien : le stagiaire crée son compte puis sa structure (première heure du programme).
    CreationDuCompte,
}

impl Depart {
    pub const TOUS: [Depart; 2] = [Depart::PratiqueLibre, Depart::CreationDuCompte];

    pub fn code(self) -> &'static str {
        match self {
            Depart::PratiqueLibre => "pratique_libre",
            Depart::CreationDuCompte => "creation_du_compte",
        }
    }

    pub fn libelle(self) -> &'static str {
        match self {
            Depart::PratiqueLibre => "Pratique libre : un compte et une entreprise prêts à facturer",
            Depart::CreationDuCompte => {
                "Création du compte : le stagiaire crée son compte et sa structure (ou se rattache à celle d'un binôme)"
            }
        }
    }

    pub fn depuis_code(code: &str) -> Option<Depart> {
        Depart::TOUS.into_iter().find(|d| d.code() == code)
    }
}

/// Une classe telle que le formateur la décrit.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SaisieClasse {
    pub titre: String,
    pub date_debut: String,
    pub date_fin: String,
    pub demi_journees: String,
    pub lieu: String,
    pub organisme: String,
    pub depart: String,
}

/// Une classe contrôlée.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DescriptionClasse {
    pub titre: String,
    pub date_debut: NaiveDate,
    pub date_fin: NaiveDate,
    pub demi_journees: u8,
    pub lieu: String,
    pub organisme: String,
    pub depart: Depart,
}

impl DescriptionClasse {
    /// Durée de la formation, en heures (pour l'attestation).
    pub fn heures(&self) -> f32 {
        f32::from(self.demi_journees) * HEURES_PAR_DEMI_JOURNEE
    }
}

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

fn texte(anomalies: &mut Vec<Anomalie>, champ: &str, valeur: &str, max: usize, obligatoire: (bool, &str)) {
    let v = valeur.trim();
    if v.is_empty() && obligatoire.0 {
        anomalies.push(Anomalie::champ(champ, "OBLIGATOIRE", format!("Indiquez {}.", obligatoire.1)));
    } else if v.chars().count() > max {
        anomalies.push(Anomalie::champ(
            champ,
            "TROP_LONG",
            format!("{max} caractères au plus ({} saisis).", v.chars().count()),
        ));
    }
}

/// Contrôle la description d'une classe ; toutes les anomalies à la fois.
pub fn controler(s: &SaisieClasse) -> Result<DescriptionClasse, Vec<Anomalie>> {
    let mut anomalies = Vec::new();
    texte(&mut anomalies, "titre", &s.titre, TITRE_LONGUEUR_MAX, (true, "le titre de la formation"));
    texte(&mut anomalies, "lieu", &s.lieu, LIEU_LONGUEUR_MAX, (false, ""));
    texte(&mut anomalies, "organisme", &s.organisme, ORGANISME_LONGUEUR_MAX, (false, ""));
    let debut = date(&s.date_debut);
    let fin = if s.date_fin.trim().is_empty() { debut } else { date(&s.date_fin) };
    if debut.is_none() {
        anomalies.push(Anomalie::champ(
            "date_debut",
            "DATE",
            "Indiquez la date du premier jour (jj/mm/aaaa).",
        ));
    }
    if fin.is_none() {
        anomalies.push(Anomalie::champ("date_fin", "DATE", "La date du dernier jour n'est pas une date."));
    }
    if let (Some(d), Some(f)) = (debut, fin)
        && f < d
    {
        anomalies.push(Anomalie::champ(
            "date_fin",
            "DATES",
            "Le dernier jour ne peut pas précéder le premier jour.",
        ));
    }
    let demi_journees = match s.demi_journees.trim().parse::<u8>() {
        Ok(n) if (1..=DEMI_JOURNEES_MAX).contains(&n) => Some(n),
        _ => {
            anomalies.push(Anomalie::champ(
                "demi_journees",
                "DEMI_JOURNEES",
                format!(
                    "Le nombre de demi-journées est un nombre entier de 1 à {DEMI_JOURNEES_MAX} (2 pour une journée)."
                ),
            ));
            None
        }
    };
    if let (Some(d), Some(f), Some(n)) = (debut, fin, demi_journees) {
        let jours = (f - d).num_days() + 1;
        if i64::from(n) > 2 * jours {
            anomalies.push(Anomalie::champ(
                "demi_journees",
                "DEMI_JOURNEES",
                format!("{n} demi-journées ne tiennent pas en {jours} jour(s) : deux par jour au plus."),
            ));
        }
    }
    let depart = Depart::depuis_code(s.depart.trim());
    if depart.is_none() {
        anomalies.push(Anomalie::champ("depart", "DEPART", "Choisissez le point de départ des stagiaires."));
    }
    match (debut, fin, demi_journees, depart) {
        (Some(date_debut), Some(date_fin), Some(demi_journees), Some(depart)) if anomalies.is_empty() => {
            Ok(DescriptionClasse {
                titre: s.titre.trim().to_string(),
                date_debut,
                date_fin,
                demi_journees,
                lieu: s.lieu.trim().to_string(),
                organisme: s.organisme.trim().to_string(),
                depart,
            })
        }
        _ => Err(anomalies),
    }
}

/// Le code tel qu'un stagiaire le tape : espaces, tirets et minuscules acceptés. `None` s'il ne
/// peut pas être un code de classe.
pub fn normaliser_code(saisi: &str) -> Option<String> {
    let code: String =
        saisi.chars().filter(|c| !c.is_whitespace() && *c != '-').map(|c| c.to_ascii_uppercase()).collect();
    (code.len() == LONGUEUR_CODE && code.bytes().all(|b| ALPHABET_CODE.contains(&b))).then_some(code)
}

/// Le nom sous lequel un stagiaire rejoint une classe (sur la feuille d'émargement et
/// l'attestation).
pub fn controler_nom_stagiaire(nom: &str) -> Result<String, Anomalie> {
    let nom = nom.split_whitespace().collect::<Vec<_>>().join(" ");
    if nom.is_empty() {
        return Err(Anomalie::champ("nom", "OBLIGATOIRE", "Indiquez votre prénom et votre nom."));
    }
    if nom.chars().count() > NOM_STAGIAIRE_LONGUEUR_MAX {
        return Err(Anomalie::champ(
            "nom",
            "TROP_LONG",
            format!("{NOM_STAGIAIRE_LONGUEUR_MAX} caractères au plus."),
        ));
    }
    if nom.chars().any(char::is_control) {
        return Err(Anomalie::champ("nom", "CARACTERES", "Le nom contient des caractères invalides."));
    }
    Ok(nom)
}

/// Le message que le formateur dépose dans la messagerie d'un stagiaire.
pub const OBJET_MESSAGE_LONGUEUR_MAX: usize = 120;
pub const CORPS_MESSAGE_LONGUEUR_MAX: usize = 2000;

/// L'objet (une ligne) et le texte d'un message du formateur, nettoyés ; les anomalies disent
/// quoi corriger, champ par champ.
pub fn controler_message(objet: &str, corps: &str) -> Result<(String, String), Vec<Anomalie>> {
    let objet = objet.split_whitespace().collect::<Vec<_>>().join(" ");
    // Les fins de ligne du formulaire (CRLF) deviennent des sauts de ligne simples : le texte
    // s'affiche par paragraphes séparés d'une ligne vide.
    let corps = corps.replace("\r\n", "\n").trim().to_string();
    let mut anomalies = Vec::new();
    if objet.is_empty() {
        anomalies.push(Anomalie::champ("objet", "OBLIGATOIRE", "Indiquez l'objet du message."));
    } else if objet.chars().count() > OBJET_MESSAGE_LONGUEUR_MAX {
        anomalies.push(Anomalie::champ(
            "objet",
            "TROP_LONG",
            format!("L'objet ne doit pas dépasser {OBJET_MESSAGE_LONGUEUR_MAX} caractères."),
        ));
    }
    if corps.is_empty() {
        anomalies.push(Anomalie::champ("corps", "OBLIGATOIRE", "Écrivez le texte du message."));
    } else if corps.chars().count() > CORPS_MESSAGE_LONGUEUR_MAX {
        anomalies.push(Anomalie::champ(
            "corps",
            "TROP_LONG",
            format!(
                "Le message ne doit pas dépasser {CORPS_MESSAGE_LONGUEUR_MAX} caractères (il en compte {}).",
                corps.chars().count()
            ),
        ));
    }
    if objet.chars().chain(corps.chars()).any(|c| c.is_control() && c != '\n') {
        anomalies.push(Anomalie::champ(
            "corps",
            "CARACTERES",
            "Le message contient des caractères invalides.",
        ));
    }
    if anomalies.is_empty() { Ok((objet, corps)) } else { Err(anomalies) }
}

/// « Marie Dupont » → (« Marie », « Dupont ») ; un seul mot : c'est le nom.
pub fn decouper_nom(nom: &str) -> (String, String) {
    match nom.split_once(' ') {
        Some((p, n)) => (p.to_string(), n.to_string()),
        None => (String::new(), nom.to_string()),
    }
}

/// Le domaine des identifiants de connexion des stagiaires de classe : court, à taper par des
/// stagiaires qui n'ont pas l'habitude du clavier.
pub const DOMAINE_IDENTIFIANTS: &str = "classe.fr";

/// L'identifiant de connexion d'un stagiaire de classe en pratique libre : son code de binôme
/// (`k7f3hq@classe.fr`), unique dans le simulateur et tiré dans l'alphabet du code de classe,
/// sans 0/O ni 1/I : il se recopie sans erreur depuis une carte ou le tableau.
pub fn identifiant_stagiaire(code_binome: &str) -> String {
    format!("{}@{DOMAINE_IDENTIFIANTS}", code_binome.trim().to_ascii_lowercase())
}

/// Les mots des mots de passe de classe : des noms communs sans accent (rien à chercher sur
/// le clavier), de cinq lettres au moins, qui ne commencent ni par I ni par O (lus l ou 0).
pub const MOTS_DE_PASSE: &[&str] = &[
    "Abeille",
    "Abricot",
    "Ananas",
    "Arbre",
    "Ardoise",
    "Balcon",
    "Baleine",
    "Banane",
    "Bateau",
    "Biscuit",
    "Bougie",
    "Bouquet",
    "Bouton",
    "Brioche",
    "Cabane",
    "Cactus",
    "Caillou",
    "Camion",
    "Canard",
    "Carotte",
    "Cartable",
    "Castor",
    "Cerise",
    "Chaton",
    "Chemin",
    "Cheval",
    "Citron",
    "Clocher",
    "Colline",
    "Concombre",
    "Coquille",
    "Crayon",
    "Croissant",
    "Dauphin",
    "Domino",
    "Dragon",
    "Fanfare",
    "Farine",
    "Fenouil",
    "Figue",
    "Flocon",
    "Fontaine",
    "Fourmi",
    "Fraise",
    "Framboise",
    "Gaufre",
    "Girafe",
    "Grenier",
    "Griotte",
    "Guitare",
    "Hamac",
    "Hibou",
    "Horloge",
    "Jambon",
    "Jardin",
    "Jasmin",
    "Jonquille",
    "Lanterne",
    "Lapin",
    "Lavande",
    "Lilas",
    "Limonade",
    "Loutre",
    "Luciole",
    "Macaron",
    "Manteau",
    "Marmotte",
    "Marron",
    "Melon",
    "Mimosa",
    "Miroir",
    "Moineau",
    "Moulin",
    "Mouton",
    "Muguet",
    "Myrtille",
    "Navet",
    "Navire",
    "Noisette",
    "Nuage",
    "Panier",
    "Papillon",
    "Parasol",
    "Pelouse",
    "Perle",
    "Piano",
    "Pigeon",
    "Pinson",
    "Pivoine",
    "Plage",
    "Poire",
    "Poivron",
    "Pomme",
    "Potiron",
    "Prairie",
    "Prune",
    "Radis",
    "Raisin",
    "Renard",
    "Rocher",
    "Ruisseau",
    "Sabot",
    "Salade",
    "Sapin",
    "Sardine",
    "Sorbet",
    "Soleil",
    "Tambour",
    "Tartine",
    "Tilleul",
    "Tomate",
    "Tonneau",
    "Tortue",
    "Toupie",
    "Tracteur",
    "Tulipe",
    "Vanille",
    "Verger",
    "Village",
    "Violon",
    "Voilier",
];

/// Les chiffres des mots de passe de classe : ni 0 ni 1, qu'on confond avec O et l.
const CHIFFRES_MOT_DE_PASSE: &[u8] = b"23456789";

/// Un mot de passe de classe, `Jardin-47-Pomme` : deux mots, deux chiffres, des tirets, soit
/// majuscule, minuscule, chiffre et caractère spécial, de 14 caractères au moins (les règles du
/// portail). Facile à lire sur une carte et à taper, au prix d'une entropie modeste (environ
/// 20 bits) : il protège un bac d'entraînement sur le réseau de la salle, derrière le blocage
/// après 5 échecs, et le stagiaire peut le changer. `tirer(n)` rend un entier de `0..n` (le
/// hasard vient de l'appelant : le domaine n'en tire pas).
pub fn mot_de_passe_de_classe(mut tirer: impl FnMut(usize) -> usize) -> String {
    let n = MOTS_DE_PASSE.len();
    let premier = tirer(n) % n;
    // Deux mots différents : « Pomme-47-Pomme » se retient mal.
    let second = (premier + 1 + tirer(n - 1) % (n - 1)) % n;
    let mut chiffre = || {
        char::from(CHIFFRES_MOT_DE_PASSE[tirer(CHIFFRES_MOT_DE_PASSE.len()) % CHIFFRES_MOT_DE_PASSE.len()])
    };
    let (d, u) = (chiffre(), chiffre());
    format!("{}-{d}{u}-{}", MOTS_DE_PASSE[premier], MOTS_DE_PASSE[second])
}

/// Le nom et l'organisme du formateur, tels que les documents de formation les impriment.
pub const FORMATEUR_NOM_LONGUEUR_MAX: usize = 80;

/// Contrôle le profil du formateur : son prénom et son nom (obligatoires), son organisme
/// (facultatif, celui de la classe le remplace sur les documents).
pub fn controler_profil_formateur(nom: &str, organisme: &str) -> Result<(String, String), Vec<Anomalie>> {
    let propre = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let (nom, organisme) = (propre(nom), propre(organisme));
    let mut anomalies = Vec::new();
    texte(&mut anomalies, "nom", &nom, FORMATEUR_NOM_LONGUEUR_MAX, (true, "votre prénom et votre nom"));
    texte(&mut anomalies, "organisme", &organisme, ORGANISME_LONGUEUR_MAX, (false, ""));
    if nom.chars().chain(organisme.chars()).any(char::is_control) {
        anomalies.push(Anomalie::champ("nom", "CARACTERES", "Le texte contient des caractères invalides."));
    }
    if anomalies.is_empty() { Ok((nom, organisme)) } else { Err(anomalies) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn saisie() -> SaisieClasse {
        SaisieClasse {
            titre: "Déposer ses factures dématérialisées sur le portail Chorus Pro".into(),
            date_debut: "2026-11-23".into(),
            date_fin: "".into(),
            demi_journees: "2".into(),
            lieu: "CMA Lozère, Mende".into(),
            organisme: "Chambre de métiers et de l'artisanat".into(),
            depart: "pratique_libre".into(),
        }
    }

    #[test]
    fn une_journee() {
        let c = controler(&saisie()).unwrap();
        assert_eq!(c.date_fin, c.date_debut);
        assert_eq!(c.heures(), 7.0);
        assert_eq!(c.depart, Depart::PratiqueLibre);
    }

    #[test]
    fn toutes_les_anomalies_a_la_fois() {
        let s = SaisieClasse {
            titre: " ".into(),
            date_debut: "23/11/2026".into(),
            demi_journees: "0".into(),
            depart: "autre".into(),
            lieu: "x".repeat(121),
            ..SaisieClasse::default()
        };
        let a = controler(&s).unwrap_err();
        let champs: Vec<_> = a.iter().map(|a| a.champ.as_str()).collect();
        assert_eq!(champs, ["titre", "lieu", "date_debut", "date_fin", "demi_journees", "depart"]);
    }

    #[test]
    fn dates_et_demi_journees_coherentes() {
        let s = SaisieClasse { date_fin: "2026-11-22".into(), ..saisie() };
        assert_eq!(controler(&s).unwrap_err()[0].code, "DATES");
        let s = SaisieClasse { demi_journees: "3".into(), ..saisie() };
        assert_eq!(controler(&s).unwrap_err()[0].code, "DEMI_JOURNEES");
        let s = SaisieClasse { date_fin: "2026-11-24".into(), demi_journees: "4".into(), ..saisie() };
        assert_eq!(controler(&s).unwrap().heures(), 14.0);
    }

    #[test]
    fn codes() {
        assert_eq!(normaliser_code(" k7f-3ha ").as_deref(), Some("K7F3HA"));
        assert_eq!(normaliser_code("k7f 3h"), None);
        assert_eq!(normaliser_code("k7f-3hq").as_deref(), Some("K7F3HQ"));
        assert_eq!(normaliser_code("K0F3HQ"), None); // 0 n'est pas dans l'alphabet
        assert_eq!(normaliser_code("K7F3HQX"), None);
        assert_eq!(normaliser_code("' OR 1"), None);
        for b in ALPHABET_CODE {
            assert!(!b"01258BILOSZ".contains(b));
        }
    }

    #[test]
    fn identifiants_des_stagiaires() {
        assert_eq!(identifiant_stagiaire("K7F3HQ"), "k7f3hq@classe.fr");
        assert_eq!(identifiant_stagiaire(" k7f3hq "), "k7f3hq@classe.fr");
        assert_eq!(decouper_nom("Marie Dupont Élan"), ("Marie".into(), "Dupont Élan".into()));
        assert_eq!(decouper_nom("Paul"), (String::new(), "Paul".into()));
    }

    #[test]
    fn noms() {
        assert_eq!(controler_nom_stagiaire("  Marie   Dupont ").unwrap(), "Marie Dupont");
        assert!(controler_nom_stagiaire("  ").is_err());
        assert!(controler_nom_stagiaire(&"é".repeat(81)).is_err());
        assert!(controler_nom_stagiaire("A\u{0}B").is_err());
    }

    #[test]
    fn message_du_formateur_controle() {
        assert_eq!(
            controler_message("  Pause   déjeuner ", "Reprise à 14 h.\r\n\r\nMerci.").unwrap(),
            ("Pause déjeuner".to_string(), "Reprise à 14 h.\n\nMerci.".to_string())
        );
        let a = controler_message(" ", "").unwrap_err();
        assert_eq!(a.iter().map(|a| a.champ.as_str()).collect::<Vec<_>>(), ["objet", "corps"]);
        let long = "x".repeat(CORPS_MESSAGE_LONGUEUR_MAX + 1);
        assert_eq!(controler_message("Objet", &long).unwrap_err()[0].code, "TROP_LONG");
        assert_eq!(controler_message("Objet", "a\u{0}b").unwrap_err()[0].code, "CARACTERES");
    }

    #[test]
    fn mots_de_passe_de_classe_faciles_et_conformes() {
        use crate::compte::controler_mot_de_passe;
        for m in MOTS_DE_PASSE {
            assert!(m.len() >= 5 && m.is_ascii(), "{m}");
            assert!(!m.starts_with(['I', 'O']), "{m}");
            assert!(m[1..].chars().all(|c| c.is_ascii_lowercase()), "{m}");
        }
        // Tous les tirages extrêmes, puis un balayage : toujours deux mots différents.
        let mut graine = 7usize;
        for essai in 0..500 {
            let mut tirer = |n: usize| match essai {
                0 => 0,
                1 => n - 1,
                _ => {
                    graine = graine.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    (graine >> 33) % n
                }
            };
            let m = mot_de_passe_de_classe(&mut tirer);
            let parties: Vec<&str> = m.split('-').collect();
            assert_eq!(parties.len(), 3, "{m}");
            assert_ne!(parties[0], parties[2], "{m}");
            assert!(parties[1].len() == 2 && parties[1].bytes().all(|b| (b'2'..=b'9').contains(&b)), "{m}");
            assert!(controler_mot_de_passe(&m, &m, "k7f3hq@classe.fr", "Marie Dupont").is_empty(), "{m}");
        }
    }

    #[test]
    fn profil_du_formateur() {
        assert_eq!(
            controler_profil_formateur("  Anne   Martin ", " CMA de la Lozère "),
            Ok(("Anne Martin".to_string(), "CMA de la Lozère".to_string()))
        );
        assert_eq!(controler_profil_formateur("Anne Martin", ""), Ok(("Anne Martin".into(), String::new())));
        let a = controler_profil_formateur(" ", &"x".repeat(121)).unwrap_err();
        assert_eq!(a.iter().map(|a| a.champ.as_str()).collect::<Vec<_>>(), ["nom", "organisme"]);
    }
}
