//! Comportement par défaut de l'acheteur public simulé : quand une facture lui est mise à
//! disposition, il la traite selon un calendrier fixe, dans le délai de paiement.
//!
//! Calendrier (jours après la mise à disposition), documenté dans `docs/guide-formateur.md` :
//!
//! | délai | service fait | mandatée | mise à dispo. comptable | comptabilisée | mise en paiement |
//! |---|---|---|---|---|---|
//! | 30 j | 3 | 10 | 11 | 15 | 20 |
//! | 50 j | 5 | 20 | 21 | 30 | 40 |
//! | 60 j | 5 | 25 | 26 | 35 | 45 |
//!
//! Un destinataire qui ne remonte pas la mise en paiement s'arrête à « Comptabilisée ».
//!
//! Un avoir n'est jamais payé au fournisseur : il diminue ce que l'acheteur doit. Choix du
//! simulateur (les sources ne disent pas quels statuts un avoir reçoit) : le comptable
//! l'enregistre (« Comptabilisée ») le jour où il comptabiliserait une facture, et rien ne suit.
//!
//! Pour un autre délai (délai contractuel plus court, par exemple), le calendrier de 30 jours
//! est mis à l'échelle (jours arrondis, la moitié vers le haut), puis corrigé pour rester
//! strictement croissant avec une mise en paiement la veille de l'échéance au plus tard.
//! Un délai de moins de 6 jours ne laisse pas la place à cinq étapes distinctes avant
//! l'échéance : les étapes tombent alors les jours 1 à 5 (la mise en paiement peut dépasser
//! l'échéance, ce qui n'arrive pas avec un délai réglementaire).

use std::collections::BTreeSet;

use chrono::{Days, NaiveDate};

use crate::scenario::{FactureVue, Partie, Regle};
use crate::statut::{Acteur, Statut};

/// Une étape du calendrier de l'acheteur simulé.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Etape {
    pub statut: Statut,
    pub acteur: Acteur,
    /// Jours après la mise à disposition.
    pub jours: u32,
}

/// Le calendrier pour un destinataire, et pour une facture ou un avoir (`avoir`).
pub fn calendrier(delai_jours: u16, mise_en_paiement_non_remontee: bool, avoir: bool) -> Vec<Etape> {
    let jours = jours_des_etapes(delai_jours);
    ETAPES
        .iter()
        .zip(jours)
        .filter(|((statut, _), _)| !(mise_en_paiement_non_remontee && *statut == Statut::MiseEnPaiement))
        .filter(|((statut, _), _)| !avoir || *statut == Statut::Comptabilisee)
        .map(|(&(statut, acteur), jours)| Etape { statut, acteur, jours })
        .collect()
}

/// Les cinq étapes du parcours classique, dans l'ordre, avec qui les fait.
const ETAPES: [(Statut, Acteur); 5] = [
    (Statut::ServiceFait, Acteur::Destinataire),
    (Statut::Mandatee, Acteur::Destinataire),
    (Statut::MiseADispositionComptable, Acteur::Comptable),
    (Statut::Comptabilisee, Acteur::Comptable),
    (Statut::MiseEnPaiement, Acteur::Comptable),
];

const CALENDRIER_30: [u32; 5] = [3, 10, 11, 15, 20];
const CALENDRIER_50: [u32; 5] = [5, 20, 21, 30, 40];
const CALENDRIER_60: [u32; 5] = [5, 25, 26, 35, 45];

fn jours_des_etapes(delai_jours: u16) -> [u32; 5] {
    match delai_jours {
        30 => CALENDRIER_30,
        50 => CALENDRIER_50,
        60 => CALENDRIER_60,
        autre => calendrier_proportionnel(u32::from(autre)),
    }
}

/// Le calendrier de 30 jours mis à l'échelle d'un autre délai.
fn calendrier_proportionnel(delai: u32) -> [u32; 5] {
    // Arrondi à l'entier le plus proche, la moitié vers le haut : (2·j·d + 30) / 60.
    let mut jours = CALENDRIER_30.map(|j| (2 * j * delai + 30) / 60);
    // Strictement croissant, à partir du premier jour après la mise à disposition.
    let mut minimum = 1;
    for j in &mut jours {
        *j = (*j).max(minimum);
        minimum = *j + 1;
    }
    // La mise en paiement tombe au plus tard la veille de l'échéance, les étapes précédentes
    // se tassent devant elle (possible seulement si le délai laisse cinq jours distincts).
    if delai > 5 {
        let mut maximum = delai - 1;
        for j in jours.iter_mut().rev() {
            *j = (*j).min(maximum);
            maximum = j.saturating_sub(1);
        }
    }
    jours
}

/// Rang d'un statut dans la suite des statuts de traitement (voir [`crate::statut`]).
fn rang(statut: Statut) -> Option<u8> {
    match statut {
        Statut::MiseADisposition | Statut::Completee => Some(0),
        Statut::ServiceFait => Some(1),
        Statut::Mandatee => Some(2),
        Statut::MiseADispositionComptable => Some(3),
        Statut::Comptabilisee => Some(4),
        Statut::MiseEnPaiement => Some(5),
        _ => None,
    }
}

/// La prochaine étape due d'une facture au statut `courant`, mise à disposition le
/// `mise_a_disposition`, avec sa date ; None si l'acheteur n'a plus rien à faire
/// (facture rejetée, suspendue, à recycler, déjà payée…).
pub fn prochaine_etape(
    courant: Statut,
    mise_a_disposition: NaiveDate,
    calendrier: &[Etape],
) -> Option<(Etape, NaiveDate)> {
    let rang_courant = rang(courant).filter(|&r| r < 5)?;
    let etape = calendrier.iter().find(|e| rang(e.statut).is_some_and(|r| r > rang_courant))?;
    let date = mise_a_disposition.checked_add_days(Days::new(u64::from(etape.jours)))?;
    Some((*etape, date))
}

/// Ce que l'acheteur fait ensuite d'une facture : une règle du scénario (son rang), ou l'étape
/// de son calendrier par défaut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prochaine {
    Etape(Etape),
    Regle(usize),
}

/// Une facture telle que l'acheteur la voit pour décider de sa prochaine action.
#[derive(Debug, Clone, Copy)]
pub struct Suivi<'a> {
    pub vue: FactureVue<'a>,
    /// Le jour où la facture est arrivée à son statut actuel.
    pub date_statut: NaiveDate,
    /// Mise à disposition (ou complément) : le départ du calendrier par défaut.
    pub mise_a_disposition: NaiveDate,
}

/// La prochaine action de l'acheteur sur une facture, avec sa date. Une règle du scénario qui
/// concerne la facture (et n'a pas encore joué) passe avant le calendrier par défaut : tant
/// qu'elle attend, l'acheteur ne fait rien d'autre de la facture (il la « regarde »).
pub fn prochaine_action(
    f: &Suivi<'_>,
    (regles, faites): (&[Regle], &BTreeSet<usize>),
    calendrier: &[Etape],
) -> Option<(NaiveDate, Prochaine)> {
    // Les règles de l'acheteur : celles du destinataire et de son comptable.
    let regle = regles.iter().enumerate().find(|(i, r)| {
        !faites.contains(i)
            && matches!(r.partie(), Partie::Destinataire | Partie::Comptable)
            && r.concerne(&f.vue)
    });
    if let Some((i, r)) = regle {
        let date = f.date_statut.checked_add_days(Days::new(u64::from(r.apres_jours)))?;
        return Some((date, Prochaine::Regle(i)));
    }
    prochaine_etape(f.vue.statut, f.mise_a_disposition, calendrier)
        .map(|(etape, date)| (date, Prochaine::Etape(etape)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jours(c: &[Etape]) -> Vec<u32> {
        c.iter().map(|e| e.jours).collect()
    }

    fn d(a: i32, m: u32, j: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(a, m, j).unwrap()
    }

    #[test]
    fn calendriers_de_reference() {
        assert_eq!(jours(&calendrier(30, false, false)), [3, 10, 11, 15, 20]);
        assert_eq!(jours(&calendrier(50, false, false)), [5, 20, 21, 30, 40]);
        assert_eq!(jours(&calendrier(60, false, false)), [5, 25, 26, 35, 45]);
    }

    #[test]
    fn statuts_et_acteurs() {
        let c = calendrier(30, false, false);
        let attendu = [
            (Statut::ServiceFait, Acteur::Destinataire),
            (Statut::Mandatee, Acteur::Destinataire),
            (Statut::MiseADispositionComptable, Acteur::Comptable),
            (Statut::Comptabilisee, Acteur::Comptable),
            (Statut::MiseEnPaiement, Acteur::Comptable),
        ];
        assert_eq!(c.iter().map(|e| (e.statut, e.acteur)).collect::<Vec<_>>(), attendu);
    }

    #[test]
    fn un_avoir_est_comptabilise_et_jamais_mis_en_paiement() {
        for (delai, jour) in [(30, 15), (50, 30), (60, 35)] {
            let c = calendrier(delai, false, true);
            assert_eq!(
                c.iter().map(|e| (e.statut, e.acteur, e.jours)).collect::<Vec<_>>(),
                [(Statut::Comptabilisee, Acteur::Comptable, jour)]
            );
        }
        assert!(calendrier(30, true, true).iter().all(|e| e.statut != Statut::MiseEnPaiement));
    }

    #[test]
    fn sans_mise_en_paiement_remontee() {
        let c = calendrier(50, true, false);
        assert_eq!(jours(&c), [5, 20, 21, 30]);
        assert_eq!(c.last().map(|e| e.statut), Some(Statut::Comptabilisee));
    }

    #[test]
    fn autres_delais_a_l_echelle() {
        // 45 jours : 4,5→5 ; 15 ; 16,5→17 ; 22,5→23 ; 30.
        assert_eq!(jours(&calendrier(45, false, false)), [5, 15, 17, 23, 30]);
        // 15 jours : 1,5→2 ; 5 ; 5,5→6 ; 7,5→8 ; 10.
        assert_eq!(jours(&calendrier(15, false, false)), [2, 5, 6, 8, 10]);
        // Délai très court : cinq jours distincts avant l'échéance.
        assert_eq!(jours(&calendrier(6, false, false)), [1, 2, 3, 4, 5]);
        assert_eq!(jours(&calendrier(7, false, false)), [1, 2, 3, 4, 5]);
        // Trop court pour cinq étapes avant l'échéance : jours 1 à 5.
        assert_eq!(jours(&calendrier(0, false, false)), [1, 2, 3, 4, 5]);
        assert_eq!(jours(&calendrier(3, true, false)), [1, 2, 3, 4]);
        for delai in 6..=400u16 {
            let j = jours(&calendrier(delai, false, false));
            assert_eq!(j.len(), 5);
            assert!(j.windows(2).all(|w| w[0] < w[1]), "{delai} : {j:?}");
            assert!(j[0] >= 1 && j[4] < u32::from(delai), "{delai} : {j:?}");
        }
        let j = jours(&calendrier(u16::MAX, false, false));
        assert!(j.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn prochaine_etape_depuis_chaque_statut() {
        let c = calendrier(30, false, false);
        let mad = d(2025, 1, 30);
        let p = |s| prochaine_etape(s, mad, &c).map(|(e, date)| (e.statut, e.acteur, date));
        assert_eq!(
            p(Statut::MiseADisposition),
            Some((Statut::ServiceFait, Acteur::Destinataire, d(2025, 2, 2)))
        );
        assert_eq!(p(Statut::Completee), Some((Statut::ServiceFait, Acteur::Destinataire, d(2025, 2, 2))));
        assert_eq!(p(Statut::ServiceFait), Some((Statut::Mandatee, Acteur::Destinataire, d(2025, 2, 9))));
        assert_eq!(
            p(Statut::Mandatee),
            Some((Statut::MiseADispositionComptable, Acteur::Comptable, d(2025, 2, 10)))
        );
        assert_eq!(
            p(Statut::MiseADispositionComptable),
            Some((Statut::Comptabilisee, Acteur::Comptable, d(2025, 2, 14)))
        );
        assert_eq!(
            p(Statut::Comptabilisee),
            Some((Statut::MiseEnPaiement, Acteur::Comptable, d(2025, 2, 19)))
        );
        for s in [
            Statut::MiseEnPaiement,
            Statut::Rejetee,
            Statut::Suspendue,
            Statut::ARecycler,
            Statut::Brouillon,
            Statut::Deposee,
            Statut::EnCoursAcheminement,
        ] {
            assert_eq!(p(s), None, "{s:?}");
        }
    }

    #[test]
    fn plus_rien_apres_comptabilisee_si_mise_en_paiement_non_remontee() {
        let c = calendrier(30, true, false);
        assert_eq!(prochaine_etape(Statut::Comptabilisee, d(2025, 1, 1), &c), None);
        assert!(prochaine_etape(Statut::Mandatee, d(2025, 1, 1), &c).is_some());
    }

    #[test]
    fn etapes_sautees_par_le_destinataire() {
        // Le destinataire a mis « Mandatée » sans « Service fait » : on repart de là.
        let c = calendrier(60, false, false);
        let (e, date) = prochaine_etape(Statut::Mandatee, d(2024, 2, 1), &c).unwrap();
        assert_eq!(e.statut, Statut::MiseADispositionComptable);
        assert_eq!(date, d(2024, 2, 27));
        assert_eq!(prochaine_etape(Statut::MiseADisposition, d(2024, 1, 1), &[]), None);
        assert_eq!(prochaine_etape(Statut::MiseADisposition, NaiveDate::MAX, &c), None);
    }

    #[test]
    fn une_regle_en_attente_retient_le_calendrier_par_defaut() {
        let regle: Regle =
            toml::from_str("action = \"SUSPENDUE\"\nmotif = \"Pièce manquante\"\napres_jours = 5")
                .expect("règle");
        let regles = [regle];
        let mad = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
        let f = Suivi {
            vue: FactureVue {
                statut: Statut::MiseADisposition,
                destinataire: "21852884200097",
                code_service: "",
                numero_engagement: "",
                valideur: "",
                total_ht: rust_decimal::Decimal::ZERO,
            },
            date_statut: mad,
            mise_a_disposition: mad,
        };
        let cal = calendrier(30, false, false);
        // The rule (day 5) comes before the default service fait (day 3).
        let (date, p) = prochaine_action(&f, (&regles, &BTreeSet::new()), &cal).unwrap();
        assert_eq!((date, p), (NaiveDate::from_ymd_opt(2026, 11, 7).unwrap(), Prochaine::Regle(0)));
        // Once played, the default calendar resumes.
        let (date, p) = prochaine_action(&f, (&regles, &BTreeSet::from([0])), &cal).unwrap();
        assert_eq!(date, NaiveDate::from_ymd_opt(2026, 11, 5).unwrap());
        assert!(matches!(p, Prochaine::Etape(e) if e.statut == Statut::ServiceFait));
    }
}
