//! L'état partagé du serveur : la base, l'horloge réelle, les réglages.

use std::sync::Arc;

use chorus_store::catalogue::Catalogue;
use chorus_store::cours::CatalogueCours;
use chorus_store::quiz::CatalogueQuiz;
use chorus_store::{Horloge, Resultat, Store};
use rusqlite::Connection;
use tokio::sync::watch;

use crate::erreur::AppError;

#[derive(Debug, Clone)]
pub struct Config {
    /// Déconnexion après ce temps sans activité.
    pub inactivite_minutes: i64,
    /// Jeton (bearer) de l'API de simulation, donné au démarrage ; sans lui, l'API est fermée.
    pub jeton_formateur: Option<String>,
    /// L'adresse que la salle ouvre pour rejoindre une classe (voir `adresse.rs`).
    pub adresses: crate::adresse::AdressesDuPortail,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            inactivite_minutes: 120,
            jeton_formateur: None,
            adresses: crate::adresse::AdressesDuPortail {
                locales: vec!["http://127.0.0.1:8080".to_string()],
                boucle_locale_seulement: true,
                ..Default::default()
            },
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub horloge: Horloge,
    pub config: Config,
    /// Les scénarios d'exercice : ceux livrés, ou ceux d'un dossier relu à chaque changement.
    pub catalogue: Arc<Catalogue>,
    /// Avancé à chaque écriture réussie : réveille le suivi en direct des classes, qui vérifie
    /// alors si sa grille a changé (voir docs/architecture.md, « Suivi en direct »).
    pub ecritures: Arc<watch::Sender<u64>>,
    /// La limite des essais par adresse (connexions, codes, créations de compte).
    pub limiteur: Arc<crate::limite::Limiteur>,
    /// Les questions des quiz : celles livrées, ou celles d'un dossier relu à chaque changement.
    pub quiz: Arc<CatalogueQuiz>,
    /// Les leçons : celles livrées, ou celles d'un dossier relu à chaque changement.
    pub cours: Arc<CatalogueCours>,
}

impl AppState {
    pub fn new(store: Store, horloge: Horloge) -> Self {
        AppState {
            store,
            horloge,
            config: Config::default(),
            catalogue: Arc::new(Catalogue::livre()),
            ecritures: Arc::new(watch::channel(0).0),
            limiteur: Arc::default(),
            quiz: Arc::new(CatalogueQuiz::livre()),
            cours: Arc::new(CatalogueCours::livre()),
        }
    }

    fn signaler_ecriture(&self) {
        self.ecritures.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// Lecture en base, hors du fil asynchrone (SQLite est bloquant).
    pub async fn lire<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection, &Horloge) -> Resultat<T> + Send + 'static,
    ) -> Result<T, AppError> {
        let store = self.store.clone();
        let horloge = self.horloge;
        tokio::task::spawn_blocking(move || store.lire(|c| f(c, &horloge)))
            .await
            .map_err(|e| AppError::Interne(e.to_string()))?
            .map_err(AppError::from)
    }

    /// Une lecture courte par clé (le compte et le bac d'une session, une facture et son
    /// historique) : quelques dizaines de microsecondes, faites sur le fil de la requête plutôt
    /// que confiées au réservoir des tâches bloquantes, dont l'aller-retour coûterait plus que la
    /// lecture. Tout ce qui peut parcourir beaucoup de lignes passe par [`AppState::lire`].
    pub fn lire_par_cle<T>(
        &self,
        f: impl FnOnce(&Connection, &Horloge) -> Resultat<T>,
    ) -> Result<T, AppError> {
        self.store.lire(|c| f(c, &self.horloge)).map_err(AppError::from)
    }

    /// Un cas d'usage dans une transaction, hors du fil asynchrone.
    pub async fn ecrire<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection, &Horloge) -> Resultat<T> + Send + 'static,
    ) -> Result<T, AppError> {
        let store = self.store.clone();
        let horloge = self.horloge;
        let v = tokio::task::spawn_blocking(move || store.ecrire(|tx| f(tx, &horloge)))
            .await
            .map_err(|e| AppError::Interne(e.to_string()))?
            .map_err(AppError::from)?;
        self.signaler_ecriture();
        Ok(v)
    }

    /// Un cas d'usage dont les anomalies de saisie reviennent au formulaire : la transaction
    /// est défaite, et les anomalies (avec leurs champs) sont rendues à la page.
    pub async fn ecrire_saisie<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection, &Horloge) -> Resultat<T> + Send + 'static,
    ) -> Result<Result<T, Vec<chorus_domain::Anomalie>>, AppError> {
        let store = self.store.clone();
        let horloge = self.horloge;
        match tokio::task::spawn_blocking(move || store.ecrire(|tx| f(tx, &horloge)))
            .await
            .map_err(|e| AppError::Interne(e.to_string()))?
        {
            Ok(v) => {
                self.signaler_ecriture();
                Ok(Ok(v))
            }
            Err(chorus_store::Erreur::Anomalies(a)) => Ok(Err(a)),
            Err(e) => Err(AppError::from(e)),
        }
    }
}
