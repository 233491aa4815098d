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

use chrono::NaiveDate;

use crate::statut::{Acteur, Statut};

/// Une étape du calendrier de l'acheteur simulé.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Etape {
    pub statut: Statut,
    pub acteur: Acteur,
    /// Jours après la mise à disposition.
    pub jours: u32,
}

/// Le calendrier pour un destinataire.
pub fn calendrier(delai_jours: u16, mise_en_paiement_non_remontee: bool) -> Vec<Etape> {
    let _ = (delai_jours, mise_en_paiement_non_remontee);
    todo!()
}

/// La prochaine étape due d'une facture au statut `courant`, mise à disposition le
/// `mise_a_disposition`, avec sa date ; None si l'acheteur n'a plus rien à faire
/// (facture rejetée, suspendue, à recycler, déjà payée…).
pub fn prochaine_etape(
    courant: Statut,
    mise_a_disposition: NaiveDate,
    calendrier: &[Etape],
) -> Option<(Etape, NaiveDate)> {
    let _ = (courant, mise_a_disposition, calendrier);
    todo!()
}
