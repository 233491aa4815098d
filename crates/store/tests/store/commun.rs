//! Ce que partagent les tests : une base neuve dans un dossier temporaire, initialisée avec
//! les données livrées, et une saisie de facture valide.

use chorus_domain::saisie::{LigneBrute, SaisieBrute};
use chorus_store::{Horloge, Store, compte, demo};
use chrono::NaiveDate;
use tempfile::TempDir;

/// Le jour « réel » de tous les tests de cas d'usage.
pub fn jour() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

pub fn horloge() -> Horloge {
    Horloge::fixe(jour())
}

/// `jour()` + n jours.
pub fn j(n: u64) -> NaiveDate {
    jour().checked_add_days(chrono::Days::new(n)).unwrap()
}

/// COMMUNE DE VALCOMBE : active, délai 30 jours, ni code service ni engagement exigés.
pub const COMMUNE: &str = "21852884200097";
/// COLLEGE JEAN-MOULIN : délai 30 jours, ne remonte pas la mise en paiement, rien d'exigé.
pub const COLLEGE: &str = "19078401700013";
/// Un SIRET valide qui n'est pas dans l'annuaire (une entreprise du registre fictif).
pub const SIRET_HORS_ANNUAIRE: &str = "92391234900068";

/// Une base vide (schéma appliqué), dans un dossier temporaire gardé tant que le test vit.
pub fn base_vide() -> (TempDir, Store) {
    let dossier = tempfile::tempdir().unwrap();
    let store = Store::ouvrir(dossier.path()).unwrap();
    (dossier, store)
}

/// Un compte de démonstration : son bac à sable et sa structure.
#[derive(Debug, Clone)]
pub struct Stagiaire {
    pub bac_id: String,
    pub structure_id: String,
}

/// Une base initialisée avec les données livrées et les comptes de démonstration.
pub struct Monde {
    pub _dossier: TempDir,
    pub store: Store,
    pub horloge: Horloge,
}

impl Monde {
    pub fn nouveau() -> Monde {
        let (dossier, store) = base_vide();
        let horloge = horloge();
        demo::initialiser(&store, &horloge).unwrap();
        Monde { _dossier: dossier, store, horloge }
    }

    /// Le n-ième compte de démonstration (à partir de 1).
    pub fn stagiaire(&self, n: usize) -> Stagiaire {
        let u = self
            .store
            .lire(|c| compte::authentifier(c, &demo::identifiant_demo(n), demo::MOT_DE_PASSE_DEMO))
            .unwrap();
        Stagiaire {
            bac_id: u.bac_id,
            structure_id: u.structure_id.expect("structure du compte de démonstration"),
        }
    }
}

/// Une facture valide pour la commune de Valcombe, datée de la veille du jour des tests.
pub fn saisie(numero: &str) -> SaisieBrute {
    saisie_pour(numero, COMMUNE)
}

pub fn saisie_pour(numero: &str, destinataire: &str) -> SaisieBrute {
    SaisieBrute {
        numero: numero.into(),
        date_facture: "21/11/2026".into(),
        destinataire: destinataire.into(),
        lignes: vec![LigneBrute {
            designation: "Entretien des espaces verts".into(),
            quantite: "3".into(),
            prix_unitaire_ht: "120,50".into(),
            taux_tva: "20".into(),
            ..LigneBrute::default()
        }],
        ..SaisieBrute::default()
    }
}

/// Nombre de lignes d'une table, tous bacs confondus.
pub fn compter(store: &Store, table: &str) -> i64 {
    store.lire(|c| Ok(c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)).unwrap()
}
