//! Des fichiers `*.toml` d'un dossier, relus dès qu'un fichier est ajouté, retiré ou modifié,
//! sans redémarrer ; sans dossier, ceux livrés avec le simulateur, compilés dans le binaire.
//! Les scénarios ([`crate::catalogue`]) et les quiz ([`crate::quiz`]) se chargent ainsi.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::SystemTime;

use chorus_domain::scenario::Defaut;

/// Un fichier refusé, avec ses défauts : la console et les commandes `check` les montrent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FichierRefuse {
    pub fichier: String,
    pub defauts: Vec<Defaut>,
}

/// Ce qu'on tire d'un ensemble de fichiers (nom, texte) : le contenu accepté et les refus.
pub type Lecture<T> = fn(Vec<(String, String)>) -> (T, Vec<FichierRefuse>);

type Signature = Vec<(PathBuf, Option<SystemTime>, u64)>;

#[derive(Debug)]
struct Charge<T> {
    /// Nom, date de modification et taille de chaque fichier lu : s'ils changent, on relit.
    signature: Signature,
    contenu: Arc<T>,
    refuses: Arc<Vec<FichierRefuse>>,
}

#[derive(Debug)]
pub struct Rechargeable<T> {
    dossier: Option<PathBuf>,
    lecture: Lecture<T>,
    charge: RwLock<Charge<T>>,
}

impl<T: Default> Rechargeable<T> {
    /// Les fichiers livrés, lus une fois.
    pub fn livre(fichiers: &[(&str, &str)], lecture: Lecture<T>) -> Self {
        let (contenu, refuses) =
            lecture(fichiers.iter().map(|(nom, texte)| (nom.to_string(), texte.to_string())).collect());
        Rechargeable {
            dossier: None,
            lecture,
            charge: RwLock::new(Charge {
                signature: Vec::new(),
                contenu: Arc::new(contenu),
                refuses: Arc::new(refuses),
            }),
        }
    }

    /// Les fichiers d'un dossier, relus à chaque modification.
    pub fn depuis_dossier(dossier: &Path, lecture: Lecture<T>) -> Self {
        let r = Rechargeable {
            dossier: Some(dossier.to_path_buf()),
            lecture,
            charge: RwLock::new(Charge {
                signature: Vec::new(),
                contenu: Arc::default(),
                refuses: Arc::default(),
            }),
        };
        r.rafraichir(true);
        r
    }

    pub fn contenu(&self) -> Arc<T> {
        self.rafraichir(false);
        self.charge.read().map(|c| c.contenu.clone()).unwrap_or_default()
    }

    pub fn refuses(&self) -> Arc<Vec<FichierRefuse>> {
        self.rafraichir(false);
        self.charge.read().map(|c| c.refuses.clone()).unwrap_or_default()
    }

    /// Relit le dossier si un fichier a été ajouté, retiré ou modifié : quelques appels `stat`
    /// par page, bien moins qu'une relecture.
    fn rafraichir(&self, premiere_fois: bool) {
        let Some(dossier) = &self.dossier else { return };
        let signature = signature(dossier);
        if !premiere_fois && self.charge.read().is_ok_and(|c| c.signature == signature) {
            return;
        }
        let fichiers = signature
            .iter()
            .filter_map(|(chemin, _, _)| {
                let nom = chemin.file_name()?.to_string_lossy().into_owned();
                Some((nom, std::fs::read_to_string(chemin).unwrap_or_default()))
            })
            .collect();
        let (contenu, refuses) = (self.lecture)(fichiers);
        if let Ok(mut c) = self.charge.write() {
            *c = Charge { signature, contenu: Arc::new(contenu), refuses: Arc::new(refuses) };
        }
    }
}

/// Ce qui sépare les fichiers livrés (compilés dans le binaire) de ceux du dossier : (dans le
/// dossier seulement, livrés seulement). Les tests vérifient que le binaire n'oublie rien.
pub fn ecarts_avec_le_dossier(dossier: &Path, livres: &[(&str, &str)]) -> (Vec<String>, Vec<String>) {
    let dans_le_dossier: Vec<String> = signature(dossier)
        .iter()
        .filter_map(|(chemin, _, _)| Some(chemin.file_name()?.to_string_lossy().into_owned()))
        .collect();
    let absents = dans_le_dossier.iter().filter(|n| !livres.iter().any(|(l, _)| l == n)).cloned().collect();
    let en_trop = livres
        .iter()
        .filter(|(l, _)| !dans_le_dossier.iter().any(|n| n == l))
        .map(|(l, _)| l.to_string())
        .collect();
    (absents, en_trop)
}

fn signature(dossier: &Path) -> Signature {
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
