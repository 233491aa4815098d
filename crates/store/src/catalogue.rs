//! Le catalogue des scénarios : les fichiers `*.toml` d'un dossier (par défaut
//! `fixtures/scenarios`), relus dès qu'un fichier change, sans redémarrer ; sans dossier, les
//! scénarios livrés avec le simulateur, compilés dans le binaire.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::SystemTime;

use chorus_domain::scenario::{self, Defaut, Scenario};

/// Les scénarios livrés, compilés dans le binaire (un test vérifie qu'il n'en manque aucun).
pub const LIVRES: &[(&str, &str)] = &[
    ("annuaire-obligations.toml", include_str!("../../../fixtures/scenarios/annuaire-obligations.toml")),
    ("avoir.toml", include_str!("../../../fixtures/scenarios/avoir.toml")),
    ("brouillon-oublie.toml", include_str!("../../../fixtures/scenarios/brouillon-oublie.toml")),
    (
        "college-mise-en-paiement.toml",
        include_str!("../../../fixtures/scenarios/college-mise-en-paiement.toml"),
    ),
    ("creer-compte-structure.toml", include_str!("../../../fixtures/scenarios/creer-compte-structure.toml")),
    ("hameconnage.toml", include_str!("../../../fixtures/scenarios/hameconnage.toml")),
    ("hopital-ehpad-delais.toml", include_str!("../../../fixtures/scenarios/hopital-ehpad-delais.toml")),
    ("mauvais-service.toml", include_str!("../../../fixtures/scenarios/mauvais-service.toml")),
    ("mot-de-passe-collegue.toml", include_str!("../../../fixtures/scenarios/mot-de-passe-collegue.toml")),
    ("premiere-facture.toml", include_str!("../../../fixtures/scenarios/premiere-facture.toml")),
    ("rejet-engagement.toml", include_str!("../../../fixtures/scenarios/rejet-engagement.toml")),
    ("rejoindre-structure.toml", include_str!("../../../fixtures/scenarios/rejoindre-structure.toml")),
    ("retard-interets.toml", include_str!("../../../fixtures/scenarios/retard-interets.toml")),
    ("suspendue-piece.toml", include_str!("../../../fixtures/scenarios/suspendue-piece.toml")),
];

/// Un fichier refusé, avec ses défauts : la console et `scenario check` les montrent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FichierRefuse {
    pub fichier: String,
    pub defauts: Vec<Defaut>,
}

#[derive(Debug, Default)]
struct Charge {
    /// Nom, date de modification et taille de chaque fichier lu : s'ils changent, on relit.
    signature: Vec<(PathBuf, Option<SystemTime>, u64)>,
    scenarios: Arc<Vec<Scenario>>,
    refuses: Arc<Vec<FichierRefuse>>,
}

#[derive(Debug)]
pub struct Catalogue {
    dossier: Option<PathBuf>,
    charge: RwLock<Charge>,
}

impl Catalogue {
    /// Les scénarios livrés avec le simulateur.
    pub fn livre() -> Catalogue {
        let (scenarios, refuses) =
            lire(LIVRES.iter().map(|(nom, texte)| (nom.to_string(), texte.to_string())));
        Catalogue {
            dossier: None,
            charge: RwLock::new(Charge {
                signature: Vec::new(),
                scenarios: Arc::new(scenarios),
                refuses: Arc::new(refuses),
            }),
        }
    }

    /// Les scénarios d'un dossier, relus à chaque modification.
    pub fn depuis_dossier(dossier: &Path) -> Catalogue {
        let c = Catalogue { dossier: Some(dossier.to_path_buf()), charge: RwLock::new(Charge::default()) };
        c.rafraichir();
        c
    }

    pub fn scenarios(&self) -> Arc<Vec<Scenario>> {
        self.rafraichir();
        self.charge.read().map(|c| c.scenarios.clone()).unwrap_or_default()
    }

    pub fn refuses(&self) -> Arc<Vec<FichierRefuse>> {
        self.rafraichir();
        self.charge.read().map(|c| c.refuses.clone()).unwrap_or_default()
    }

    pub fn scenario(&self, id: &str) -> Option<Scenario> {
        self.scenarios().iter().find(|s| s.id == id).cloned()
    }

    /// Relit le dossier si un fichier a été ajouté, retiré ou modifié : quelques appels `stat`
    /// par page, bien moins qu'une relecture.
    fn rafraichir(&self) {
        let Some(dossier) = &self.dossier else { return };
        let signature = signature(dossier);
        if self.charge.read().is_ok_and(|c| c.signature == signature) {
            return;
        }
        let fichiers = signature.iter().filter_map(|(chemin, _, _)| {
            let nom = chemin.file_name()?.to_string_lossy().into_owned();
            Some((nom, std::fs::read_to_string(chemin).unwrap_or_default()))
        });
        let (scenarios, refuses) = lire(fichiers);
        if let Ok(mut c) = self.charge.write() {
            *c = Charge { signature, scenarios: Arc::new(scenarios), refuses: Arc::new(refuses) };
        }
    }
}

fn signature(dossier: &Path) -> Vec<(PathBuf, Option<SystemTime>, u64)> {
    let mut s: Vec<_> = std::fs::read_dir(dossier)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| {
            let meta = std::fs::metadata(&p).ok();
            let modifie = meta.as_ref().and_then(|m| m.modified().ok());
            let taille = meta.map(|m| m.len()).unwrap_or(0);
            (p, modifie, taille)
        })
        .collect();
    s.sort();
    s
}

/// Contrôle chaque fichier ; deux scénarios ne peuvent pas porter le même identifiant.
fn lire(fichiers: impl Iterator<Item = (String, String)>) -> (Vec<Scenario>, Vec<FichierRefuse>) {
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
