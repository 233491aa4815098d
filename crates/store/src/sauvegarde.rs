//! Sauvegarder le dossier de données pendant que le serveur tourne, et le restaurer.
//!
//! Tout le dossier tient dans la base `chorus.sqlite` (les PDF et pièces jointes y sont des
//! BLOB). La copie se fait par `VACUUM INTO` depuis une connexion de lecture à part : elle lit
//! un seul instantané de la base (WAL), sans bloquer l'écrivain du serveur ni être bloquée par
//! lui, et produit un fichier compact, cohérent, sans journal à côté. La restauration contrôle
//! la copie (intégrité, version du schéma), la place dans un dossier vide, puis l'ouvre : les
//! migrations d'une version plus récente du simulateur s'appliquent alors.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use crate::base::Store;
use crate::erreur::{Erreur, Resultat};

/// Le nom de la base dans le dossier de données.
pub const FICHIER_BASE: &str = "chorus.sqlite";

/// Ce que contient une copie contrôlée.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contenu {
    pub version_schema: usize,
    pub bacs: i64,
    pub factures: i64,
    pub octets: u64,
}

/// Copie la base du dossier `donnees` dans `fichier` (qui ne doit pas exister), pendant que le
/// serveur peut écrire, puis contrôle la copie.
pub fn sauvegarder(donnees: &Path, fichier: &Path) -> Resultat<Contenu> {
    let base = donnees.join(FICHIER_BASE);
    if !base.is_file() {
        return Err(Erreur::Invalide(format!("pas de base {} à sauvegarder", base.display())));
    }
    if fichier.exists() {
        return Err(Erreur::Invalide(format!(
            "{} existe déjà : choisissez un nouveau nom de fichier (la sauvegarde n'écrase rien)",
            fichier.display()
        )));
    }
    // Une connexion ordinaire (une base WAL ne s'ouvre en lecture seule que si sa mémoire
    // partagée existe déjà) ; `VACUUM INTO` ne fait que lire la base d'origine.
    let c = Connection::open_with_flags(
        &base,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    // Le serveur peut être en train de faire un point de contrôle : on l'attend un peu.
    c.busy_timeout(Duration::from_secs(30))?;
    let cible = fichier.to_str().ok_or_else(|| Erreur::Invalide("chemin de sauvegarde illisible".into()))?;
    c.execute("VACUUM INTO ?1", [cible])?;
    drop(c);
    controler(fichier)
}

/// Contrôle une copie sans la modifier : intégrité de SQLite, base du simulateur, version du
/// schéma connue de ce binaire (ou plus ancienne).
pub fn controler(fichier: &Path) -> Resultat<Contenu> {
    let octets = std::fs::metadata(fichier)
        .map_err(|e| Erreur::Invalide(format!("{} : {e}", fichier.display())))?
        .len();
    // `immutable` : la copie est lue telle quelle, sans verrou ni fichier annexe créé à côté.
    let chemin = fichier.display().to_string().replace('%', "%25").replace('?', "%3f").replace('#', "%23");
    let adresse = format!("file:{chemin}?immutable=1");
    let c = Connection::open_with_flags(
        &adresse,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI,
    )
    .map_err(|e| {
        Erreur::Invalide(format!("{} n'est pas une base SQLite lisible : {e}", fichier.display()))
    })?;
    let integrite: String = c.query_row("PRAGMA integrity_check", [], |r| r.get(0)).map_err(|e| {
        Erreur::Invalide(format!("{} n'est pas une base SQLite lisible : {e}", fichier.display()))
    })?;
    if integrite != "ok" {
        return Err(Erreur::Invalide(format!("{} est endommagé : {integrite}", fichier.display())));
    }
    let version_schema: usize = c.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let connue = crate::base::nombre_de_migrations();
    if version_schema > connue {
        return Err(Erreur::Invalide(format!(
            "{} vient d'une version plus récente du simulateur (schéma {version_schema}, celui-ci connaît {connue}) : \
             restaurez-la avec cette version-là",
            fichier.display()
        )));
    }
    let compter = |table: &str| -> Resultat<i64> {
        c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).map_err(|_| {
            Erreur::Invalide(format!(
                "{} n'est pas une sauvegarde du simulateur (table {table} absente)",
                fichier.display()
            ))
        })
    };
    Ok(Contenu { version_schema, bacs: compter("bac")?, factures: compter("facture")?, octets })
}

/// Restaure la copie `fichier` dans le dossier `donnees`, qui doit être vide (ou absent) : rien
/// de ce qui existe n'est écrasé. La base restaurée est ouverte une fois, ce qui applique les
/// migrations si la copie vient d'une version antérieure.
pub fn restaurer(fichier: &Path, donnees: &Path) -> Resultat<Contenu> {
    let avant = controler(fichier)?;
    if donnees.exists() {
        let occupe = std::fs::read_dir(donnees)
            .map_err(|e| Erreur::Invalide(format!("{} : {e}", donnees.display())))?
            .next()
            .is_some();
        if occupe {
            return Err(Erreur::Invalide(format!(
                "le dossier {} n'est pas vide : restaurez dans un dossier neuf, puis démarrez le serveur sur lui",
                donnees.display()
            )));
        }
    }
    std::fs::create_dir_all(donnees)?;
    let provisoire: PathBuf = donnees.join(format!("{FICHIER_BASE}.restauration"));
    std::fs::copy(fichier, &provisoire)?;
    std::fs::rename(&provisoire, donnees.join(FICHIER_BASE))?;
    let store = Store::ouvrir(donnees)?;
    let version_schema = store.version_schema()?;
    drop(store);
    Ok(Contenu { version_schema, ..avant })
}
