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

/// L'état partagé : un seul compteur de références à copier par requête (les couches du
/// routeur et les extracteurs le clonent plusieurs fois chacune).
#[derive(Clone)]
pub struct AppState(Arc<Etat>);

impl std::ops::Deref for AppState {
    type Target = Etat;
    fn deref(&self) -> &Etat {
        &self.0
    }
}

/// Modifier l'état ne se fait qu'au démarrage, avant que le routeur ne le partage (sinon la
/// modification ne porterait que sur cette copie).
impl std::ops::DerefMut for AppState {
    fn deref_mut(&mut self) -> &mut Etat {
        Arc::make_mut(&mut self.0)
    }
}

#[derive(Clone)]
pub struct Etat {
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
    /// Le compte, le bac et la structure de chaque session, tant que rien n'a été écrit.
    pub identites: Arc<crate::identites::Identites>,
    /// Les comptes techniques dont le mot de passe a déjà été vérifié (API Chorus Pro).
    pub comptes_techniques: Arc<crate::piste::acces::ComptesVerifies>,
}

impl AppState {
    pub fn new(store: Store, horloge: Horloge) -> Self {
        AppState(Arc::new(Etat {
            store,
            horloge,
            config: Config::default(),
            catalogue: Arc::new(Catalogue::livre()),
            ecritures: Arc::new(watch::channel(0).0),
            limiteur: Arc::default(),
            quiz: Arc::new(CatalogueQuiz::livre()),
            cours: Arc::new(CatalogueCours::livre()),
            identites: Arc::default(),
            comptes_techniques: Arc::default(),
        }))
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
        let v = self.ecrire_en_file(f).await?.map_err(AppError::from)?;
        self.signaler_ecriture();
        Ok(v)
    }

    /// Le cas d'usage confié au fil de l'écrivain ; la requête attend sa réponse sans occuper
    /// de fil (seuls les mots de passe à hacher en prennent un, après coup).
    async fn ecrire_en_file<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection, &Horloge) -> Resultat<T> + Send + 'static,
    ) -> Result<Resultat<T>, AppError> {
        let horloge = self.horloge;
        let (envoi, reception) = tokio::sync::oneshot::channel();
        self.store.ecrire_en_file(
            move |c| f(c, &horloge),
            move |ecrit| {
                let _ = envoi.send(ecrit);
            },
        );
        let ecrit = reception.await.map_err(|_| AppError::Interne("écrivain arrêté".to_string()))?;
        if ecrit.a_des_hachages() {
            let store = self.store.clone();
            tokio::task::spawn_blocking(move || store.achever(ecrit))
                .await
                .map_err(|e| AppError::Interne(e.to_string()))
        } else {
            // Un cas d'usage qui a paniqué (il a été défait) est une erreur interne de cette
            // requête seule, comme l'était la tâche bloquante interrompue.
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.store.achever(ecrit)))
                .map_err(|_| AppError::Interne("cas d'usage interrompu".to_string()))
        }
    }

    /// Un cas d'usage dont les anomalies de saisie reviennent au formulaire : la transaction
    /// est défaite, et les anomalies (avec leurs champs) sont rendues à la page.
    pub async fn ecrire_saisie<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection, &Horloge) -> Resultat<T> + Send + 'static,
    ) -> Result<Result<T, Vec<chorus_domain::Anomalie>>, AppError> {
        match self.ecrire_en_file(f).await? {
            Ok(v) => {
                self.signaler_ecriture();
                Ok(Ok(v))
            }
            Err(chorus_store::Erreur::Anomalies(a)) => Ok(Err(a)),
            Err(e) => Err(AppError::from(e)),
        }
    }
}
