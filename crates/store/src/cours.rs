//! Le catalogue des leçons : les fichiers `fixtures/cours/*.toml` d'un dossier, relus dès
//! qu'un fichier change ; sans dossier, celles livrées dans le binaire.

use std::path::Path;
use std::sync::Arc;

use chorus_domain::cours::{self, Lecon};
use chorus_domain::programme::ItemProgramme;
use chorus_domain::scenario::Defaut;

use crate::fichiers::{FichierRefuse, Rechargeable};

/// Les leçons livrées, compilées dans le binaire (un test vérifie qu'il n'en manque aucune).
pub const LIVRES: &[(&str, &str)] = &[
    ("contexte.toml", include_str!("../../../fixtures/cours/contexte.toml")),
    ("portail.toml", include_str!("../../../fixtures/cours/portail.toml")),
    ("circuit-facture.toml", include_str!("../../../fixtures/cours/circuit-facture.toml")),
    ("travaux.toml", include_str!("../../../fixtures/cours/travaux.toml")),
    ("paiement.toml", include_str!("../../../fixtures/cours/paiement.toml")),
    ("sous-traitance.toml", include_str!("../../../fixtures/cours/sous-traitance.toml")),
    ("securite.toml", include_str!("../../../fixtures/cours/securite.toml")),
    ("reforme.toml", include_str!("../../../fixtures/cours/reforme.toml")),
    ("regles-2016.toml", include_str!("../../../fixtures/cours/regles-2016.toml")),
    ("concernes.toml", include_str!("../../../fixtures/cours/concernes.toml")),
    ("enjeux.toml", include_str!("../../../fixtures/cours/enjeux.toml")),
    ("modes-echange.toml", include_str!("../../../fixtures/cours/modes-echange.toml")),
    ("types-factures.toml", include_str!("../../../fixtures/cours/types-factures.toml")),
    ("obligations-acheteur.toml", include_str!("../../../fixtures/cours/obligations-acheteur.toml")),
];

#[derive(Debug)]
pub struct CatalogueCours(Rechargeable<Vec<Lecon>>);

impl CatalogueCours {
    pub fn livre() -> CatalogueCours {
        CatalogueCours(Rechargeable::livre(LIVRES, controler_fichiers))
    }

    pub fn depuis_dossier(dossier: &Path) -> CatalogueCours {
        CatalogueCours(Rechargeable::depuis_dossier(dossier, controler_fichiers))
    }

    /// Les leçons, dans l'ordre des points du programme.
    pub fn lecons(&self) -> Arc<Vec<Lecon>> {
        self.0.contenu()
    }

    pub fn refuses(&self) -> Arc<Vec<FichierRefuse>> {
        self.0.refuses()
    }

    pub fn lecon(&self, item: ItemProgramme) -> Option<Lecon> {
        self.lecons().iter().find(|l| l.item == item).cloned()
    }
}

/// Contrôle chaque fichier (nom, texte) ; un point du programme n'a qu'une leçon : le second
/// fichier est refusé. Le catalogue et `chorus-sandbox cours check` contrôlent de la même façon.
pub fn controler_fichiers(fichiers: Vec<(String, String)>) -> (Vec<Lecon>, Vec<FichierRefuse>) {
    let mut lecons: Vec<Lecon> = Vec::new();
    let mut refuses = Vec::new();
    for (fichier, texte) in fichiers {
        match cours::controler(&texte) {
            Ok(l) if lecons.iter().any(|autre| autre.item == l.item) => refuses.push(FichierRefuse {
                fichier,
                defauts: vec![Defaut {
                    ligne: 1,
                    message: format!("le point « {} » a déjà sa leçon dans un autre fichier", l.item.code()),
                }],
            }),
            Ok(l) => lecons.push(l),
            Err(defauts) => refuses.push(FichierRefuse { fichier, defauts }),
        }
    }
    lecons.sort_by_key(|l| l.item);
    (lecons, refuses)
}

/// Les renvois d'une leçon vers des exercices qui n'existent pas (identifiants inconnus du
/// catalogue des scénarios).
pub fn exercices_inconnus<'a>(lecon: &'a Lecon, scenarios: &[&str]) -> Vec<&'a str> {
    lecon.exercices.iter().map(String::as_str).filter(|id| !scenarios.contains(id)).collect()
}
