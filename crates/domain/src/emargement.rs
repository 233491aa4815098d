//! La feuille d'émargement numérique : chaque stagiaire signe pour la demi-journée en cours,
//! le formateur confirme. Seule la confirmation du formateur compte pour l'attestation : c'est
//! lui qui atteste la présence, comme sur la feuille papier qu'il contresigne.

use chrono::{Datelike, NaiveDate, NaiveTime, Weekday};

use crate::classe::HEURES_PAR_DEMI_JOURNEE;
use crate::dates::date_en_toutes_lettres;

/// Le matin ou l'après-midi d'un jour de formation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Moment {
    Matin,
    ApresMidi,
}

impl Moment {
    pub fn libelle(self) -> &'static str {
        match self {
            Moment::Matin => "matin",
            Moment::ApresMidi => "après-midi",
        }
    }
}

/// Une demi-journée de la formation ; `rang` commence à 1 et c'est lui qu'on stocke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemiJournee {
    pub rang: u8,
    pub date: NaiveDate,
    pub moment: Moment,
}

impl DemiJournee {
    /// « lundi 23 novembre 2026, matin ».
    pub fn libelle(&self) -> String {
        format!("{}, {}", date_en_toutes_lettres(self.date), self.moment.libelle())
    }

    /// « 23/11/2026 matin » : pour les en-têtes de colonnes et les fichiers.
    pub fn libelle_court(&self) -> String {
        format!("{} {}", self.date.format("%d/%m/%Y"), self.moment.libelle())
    }
}

/// Les demi-journées d'une formation : matin puis après-midi de chaque jour ouvré, du premier
/// jour jusqu'à leur nombre. Le samedi et le dimanche sont sautés tant que les jours restants
/// suffisent : une formation « du vendredi au lundi » en deux jours n'a pas lieu le week-end.
pub fn calendrier(debut: NaiveDate, fin: NaiveDate, nombre: u8) -> Vec<DemiJournee> {
    let jours: Vec<NaiveDate> = debut.iter_days().take_while(|d| *d <= fin).collect();
    let ouvres: Vec<NaiveDate> =
        jours.iter().copied().filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)).collect();
    let retenus = if 2 * ouvres.len() >= usize::from(nombre) { ouvres } else { jours };
    retenus
        .into_iter()
        .flat_map(|date| [(date, Moment::Matin), (date, Moment::ApresMidi)])
        .take(usize::from(nombre))
        .zip(1..)
        .map(|((date, moment), rang)| DemiJournee { rang, date, moment })
        .collect()
}

/// L'après-midi commence à 12 h 30 (heure de la salle).
pub fn moment_de(heure: NaiveTime) -> Moment {
    if heure < NaiveTime::from_hms_opt(12, 30, 0).unwrap_or_default() {
        Moment::Matin
    } else {
        Moment::ApresMidi
    }
}

/// La demi-journée qu'un stagiaire peut signer maintenant : celle du jour et du moment ; un
/// jour qui n'a qu'une demi-journée l'offre toute la journée (une formation d'une matinée
/// s'émarge encore à 13 h).
pub fn demi_journee_courante(
    calendrier: &[DemiJournee],
    date: NaiveDate,
    heure: NaiveTime,
) -> Option<DemiJournee> {
    let du_jour: Vec<&DemiJournee> = calendrier.iter().filter(|d| d.date == date).collect();
    match du_jour.as_slice() {
        [] => None,
        [seule] => Some(**seule),
        plusieurs => plusieurs.iter().find(|d| d.moment == moment_de(heure)).map(|d| **d),
    }
}

/// Où en est la présence d'un stagiaire pour une demi-journée.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    NonSigne,
    /// Le stagiaire a signé à l'écran ; le formateur doit confirmer.
    Signe,
    /// Le formateur a confirmé (ou a reporté une signature faite sur papier) : la demi-journée
    /// compte.
    Confirme,
    Absent,
}

impl Presence {
    pub fn code(self) -> &'static str {
        match self {
            Presence::NonSigne => "NON_SIGNE",
            Presence::Signe => "SIGNE",
            Presence::Confirme => "CONFIRME",
            Presence::Absent => "ABSENT",
        }
    }

    pub fn depuis_code(code: &str) -> Option<Presence> {
        [Presence::NonSigne, Presence::Signe, Presence::Confirme, Presence::Absent]
            .into_iter()
            .find(|p| p.code() == code)
    }

    /// Ce que la feuille d'émargement en dit.
    pub fn libelle(self) -> &'static str {
        match self {
            Presence::NonSigne => "Non signé",
            Presence::Signe => "Signé, à confirmer",
            Presence::Confirme => "Présent",
            Presence::Absent => "Absent",
        }
    }

    pub fn compte(self) -> bool {
        self == Presence::Confirme
    }
}

/// Le stagiaire signe : possible tant que le formateur n'a rien décidé ; signer deux fois ne
/// change rien.
pub fn signer(actuelle: Presence) -> Result<Presence, &'static str> {
    match actuelle {
        Presence::NonSigne | Presence::Signe => Ok(Presence::Signe),
        Presence::Confirme => {
            Err("Votre présence est déjà confirmée par le formateur pour cette demi-journée.")
        }
        Presence::Absent => Err(
            "Le formateur vous a noté absent pour cette demi-journée : adressez-vous à lui s'il s'agit d'une erreur.",
        ),
    }
}

/// Le formateur confirme une signature faite à l'écran.
pub fn confirmer(actuelle: Presence) -> Result<Presence, &'static str> {
    match actuelle {
        Presence::Signe | Presence::Confirme => Ok(Presence::Confirme),
        Presence::NonSigne => Err(
            "Ce stagiaire n'a pas signé cette demi-journée : s'il a signé la feuille papier, choisissez « Présent (papier) ».",
        ),
        Presence::Absent => {
            Err("Ce stagiaire est noté absent : choisissez « Présent (papier) » pour corriger.")
        }
    }
}

/// Heures de présence attestées.
pub fn heures(demi_journees_confirmees: usize) -> f32 {
    demi_journees_confirmees as f32 * HEURES_PAR_DEMI_JOURNEE
}

/// « 7 heures », « 3,5 heures ».
pub fn heures_lisibles(h: f32) -> String {
    if h.fract() == 0.0 { format!("{h:.0} heures") } else { format!("{h:.1} heures").replace('.', ",") }
}

/// Le nom tapé vaut signature s'il est celui du stagiaire, casse, accents et espaces mis à part.
pub fn nom_concorde(tape: &str, nom: &str, sans_accents: impl Fn(&str) -> String) -> bool {
    // « Lœuvre » se tape souvent « Loeuvre » : la ligature est d'abord défaite.
    let n = |s: &str| {
        let mots = s.split_whitespace().collect::<Vec<_>>().join(" ");
        sans_accents(&mots.replace(['œ', 'Œ'], "oe").replace(['æ', 'Æ'], "ae")).to_lowercase()
    };
    !tape.trim().is_empty() && n(tape) == n(nom)
}

/// La signature dessinée à l'écran : des tracés « M x y L x y … » en coordonnées entières dans
/// un cadre de 400 × 150. On n'accepte que cette grammaire, bornée en taille : la signature est
/// ensuite redessinée dans les pages et le PDF sans rien interpréter d'autre.
pub const SIGNATURE_LONGUEUR_MAX: usize = 12_000;
pub const SIGNATURE_LARGEUR: u16 = 400;
pub const SIGNATURE_HAUTEUR: u16 = 150;

/// Les tracés d'une signature : chaque trait est une suite de points.
pub type Traits = Vec<Vec<(u16, u16)>>;

pub fn lire_signature(texte: &str) -> Result<Traits, &'static str> {
    const ILLISIBLE: &str = "La signature dessinée est illisible : effacez-la et signez de nouveau.";
    if texte.len() > SIGNATURE_LONGUEUR_MAX {
        return Err("La signature dessinée est trop longue : effacez-la et signez plus simplement.");
    }
    let mut traits: Traits = Vec::new();
    let mut mots = texte.split_whitespace();
    while let Some(commande) = mots.next() {
        let (x, y) = (mots.next(), mots.next());
        let point = match (x.and_then(|x| x.parse::<u16>().ok()), y.and_then(|y| y.parse::<u16>().ok())) {
            (Some(x), Some(y)) if x <= SIGNATURE_LARGEUR && y <= SIGNATURE_HAUTEUR => (x, y),
            _ => return Err(ILLISIBLE),
        };
        match commande {
            "M" => traits.push(vec![point]),
            "L" => traits.last_mut().ok_or(ILLISIBLE)?.push(point),
            _ => return Err(ILLISIBLE),
        }
    }
    if traits.iter().map(Vec::len).sum::<usize>() < 2 {
        return Err(
            "La signature dessinée est vide : signez dans le cadre, ou laissez-le vide et cochez la case.",
        );
    }
    Ok(traits)
}

/// Les tracés réécrits sous leur forme canonique (ce qu'on stocke).
pub fn ecrire_signature(traits: &Traits) -> String {
    let mut s = String::new();
    for t in traits {
        for (i, (x, y)) in t.iter().enumerate() {
            if !s.is_empty() {
                s.push(' ');
            }
            s.push_str(&format!("{} {x} {y}", if i == 0 { "M" } else { "L" }));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(j: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, j).unwrap()
    }

    fn h(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn une_journee_deux_demi_journees() {
        let c = calendrier(d(23), d(23), 2);
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].libelle(), "lundi 23 novembre 2026, matin");
        assert_eq!(c[1].libelle(), "lundi 23 novembre 2026, après-midi");
        assert_eq!(c[1].libelle_court(), "23/11/2026 après-midi");
        assert_eq!(c[1].rang, 2);
    }

    #[test]
    fn le_week_end_est_saute_s_il_reste_assez_de_jours() {
        // Du vendredi 27 au lundi 30 : vendredi et lundi.
        let c = calendrier(d(27), d(30), 4);
        assert_eq!(c.iter().map(|x| x.date).collect::<Vec<_>>(), [d(27), d(27), d(30), d(30)]);
        // Une formation du samedi garde son samedi.
        let c = calendrier(d(28), d(28), 1);
        assert_eq!(c[0].date, d(28));
        // Trois demi-journées sur deux jours : le second jour n'a que le matin.
        let c = calendrier(d(23), d(24), 3);
        assert_eq!(c[2].date, d(24));
        assert_eq!(c[2].moment, Moment::Matin);
    }

    #[test]
    fn la_demi_journee_courante() {
        let c = calendrier(d(23), d(24), 3);
        assert_eq!(demi_journee_courante(&c, d(23), h(9, 5)).map(|x| x.rang), Some(1));
        assert_eq!(demi_journee_courante(&c, d(23), h(14, 0)).map(|x| x.rang), Some(2));
        // Le 24 n'a que le matin : on l'émarge aussi en début d'après-midi.
        assert_eq!(demi_journee_courante(&c, d(24), h(13, 10)).map(|x| x.rang), Some(3));
        assert_eq!(demi_journee_courante(&c, d(22), h(9, 0)), None);
    }

    #[test]
    fn seule_la_confirmation_du_formateur_compte() {
        assert_eq!(signer(Presence::NonSigne), Ok(Presence::Signe));
        assert_eq!(signer(Presence::Signe), Ok(Presence::Signe));
        assert!(signer(Presence::Confirme).is_err());
        assert!(signer(Presence::Absent).is_err());
        assert_eq!(confirmer(Presence::Signe), Ok(Presence::Confirme));
        assert!(confirmer(Presence::NonSigne).is_err());
        assert!(!Presence::Signe.compte());
        assert!(Presence::Confirme.compte());
        assert_eq!(Presence::depuis_code("ABSENT"), Some(Presence::Absent));
        assert_eq!(heures_lisibles(heures(2)), "7 heures");
        assert_eq!(heures_lisibles(heures(1)), "3,5 heures");
    }

    #[test]
    fn le_nom_tape() {
        let sans = |s: &str| s.replace('é', "e").replace('É', "E");
        assert!(nom_concorde("  zoe   MARTIN ", "Zoé Martin", sans));
        assert!(!nom_concorde("Zoé", "Zoé Martin", sans));
        assert!(!nom_concorde(" ", "", sans));
        assert!(nom_concorde("Zoe Loeuvre", "Zoé Lœuvre", sans));
    }

    #[test]
    fn signatures_dessinees() {
        let t = lire_signature("M 10 20 L 30 40 L 50 60 M 1 1 L 2 2").unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!(ecrire_signature(&t), "M 10 20 L 30 40 L 50 60 M 1 1 L 2 2");
        for mauvaise in ["L 1 1", "M 10", "M 500 1 L 1 1", "M 1 1 L 1 1 <script>", "M -1 2 L 3 4", "M 1 1"] {
            assert!(lire_signature(mauvaise).is_err(), "{mauvaise}");
        }
        assert!(lire_signature(&"M 1 1 L 2 2 ".repeat(2000)).is_err());
    }
}
