//! Le catalogue des scénarios : les fichiers `*.toml` d'un dossier (par défaut
//! `fixtures/scenarios`), relus dès qu'un fichier change, sans redémarrer ; sans dossier, les
//! scénarios livrés avec le simulateur, compilés dans le binaire.

use std::path::Path;
use std::sync::Arc;

use chorus_domain::scenario::{self, Defaut, Scenario};

use crate::fichiers::Rechargeable;

/// Les scénarios livrés, compilés dans le binaire (un test vérifie qu'il n'en manque aucun).
pub const LIVRES: &[(&str, &str)] = &[
    (
        "sous-traitant-decompte-travaux.toml",
        include_str!("../../../fixtures/scenarios/sous-traitant-decompte-travaux.toml"),
    ),
    ("decompte-final-dgd.toml", include_str!("../../../fixtures/scenarios/decompte-final-dgd.toml")),
    ("moe-montant-admis.toml", include_str!("../../../fixtures/scenarios/moe-montant-admis.toml")),
    (
        "premier-decompte-mensuel.toml",
        include_str!("../../../fixtures/scenarios/premier-decompte-mensuel.toml"),
    ),
    ("annuaire-obligations.toml", include_str!("../../../fixtures/scenarios/annuaire-obligations.toml")),
    ("avoir.toml", include_str!("../../../fixtures/scenarios/avoir.toml")),
    ("brouillon-oublie.toml", include_str!("../../../fixtures/scenarios/brouillon-oublie.toml")),
    (
        "college-mise-en-paiement.toml",
        include_str!("../../../fixtures/scenarios/college-mise-en-paiement.toml"),
    ),
    ("cotraitant-groupement.toml", include_str!("../../../fixtures/scenarios/cotraitant-groupement.toml")),
    ("creer-compte-structure.toml", include_str!("../../../fixtures/scenarios/creer-compte-structure.toml")),
    ("flux-lot-partiel.toml", include_str!("../../../fixtures/scenarios/flux-lot-partiel.toml")),
    ("flux-premier-depot.toml", include_str!("../../../fixtures/scenarios/flux-premier-depot.toml")),
    ("flux-rejete-service.toml", include_str!("../../../fixtures/scenarios/flux-rejete-service.toml")),
    ("hameconnage.toml", include_str!("../../../fixtures/scenarios/hameconnage.toml")),
    ("hopital-ehpad-delais.toml", include_str!("../../../fixtures/scenarios/hopital-ehpad-delais.toml")),
    ("mauvais-service.toml", include_str!("../../../fixtures/scenarios/mauvais-service.toml")),
    ("mot-de-passe-collegue.toml", include_str!("../../../fixtures/scenarios/mot-de-passe-collegue.toml")),
    ("premiere-facture.toml", include_str!("../../../fixtures/scenarios/premiere-facture.toml")),
    ("refus-du-titulaire.toml", include_str!("../../../fixtures/scenarios/refus-du-titulaire.toml")),
    ("rejet-engagement.toml", include_str!("../../../fixtures/scenarios/rejet-engagement.toml")),
    ("rejoindre-structure.toml", include_str!("../../../fixtures/scenarios/rejoindre-structure.toml")),
    ("retard-interets.toml", include_str!("../../../fixtures/scenarios/retard-interets.toml")),
    (
        "sous-traitant-paiement-direct.toml",
        include_str!("../../../fixtures/scenarios/sous-traitant-paiement-direct.toml"),
    ),
    ("suspendue-piece.toml", include_str!("../../../fixtures/scenarios/suspendue-piece.toml")),
    ("titulaire-silencieux.toml", include_str!("../../../fixtures/scenarios/titulaire-silencieux.toml")),
];

pub use crate::fichiers::FichierRefuse;

#[derive(Debug)]
pub struct Catalogue(Rechargeable<Vec<Scenario>>);

impl Catalogue {
    /// Les scénarios livrés avec le simulateur.
    pub fn livre() -> Catalogue {
        Catalogue(Rechargeable::livre(LIVRES, lire))
    }

    /// Les scénarios d'un dossier, relus à chaque modification.
    pub fn depuis_dossier(dossier: &Path) -> Catalogue {
        Catalogue(Rechargeable::depuis_dossier(dossier, lire))
    }

    pub fn scenarios(&self) -> Arc<Vec<Scenario>> {
        self.0.contenu()
    }

    pub fn refuses(&self) -> Arc<Vec<FichierRefuse>> {
        self.0.refuses()
    }

    pub fn scenario(&self, id: &str) -> Option<Scenario> {
        self.scenarios().iter().find(|s| s.id == id).cloned()
    }
}

/// Contrôle chaque fichier ; deux scénarios ne peuvent pas porter le même identifiant.
fn lire(fichiers: Vec<(String, String)>) -> (Vec<Scenario>, Vec<FichierRefuse>) {
    let mut scenarios: Vec<Scenario> = Vec::new();
    let mut refuses = Vec::new();
    for (fichier, texte) in fichiers {
        match scenario::controler(&texte) {
            Ok(s) if scenarios.iter().any(|autre| autre.id == s.id) => refuses.push(FichierRefuse {
                fichier,
                defauts: vec![Defaut {
                    ligne: 1,
                    message: format!("l'identifiant « {} » est déjà celui d'un autre scénario", s.id),
                }],
            }),
            Ok(s) => scenarios.push(s),
            Err(defauts) => refuses.push(FichierRefuse { fichier, defauts }),
        }
    }
    scenarios.sort_by(|a, b| (a.niveau as u8, &a.titre).cmp(&(b.niveau as u8, &b.titre)));
    (scenarios, refuses)
}
