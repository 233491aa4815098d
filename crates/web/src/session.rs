//! Sessions (tower-sessions) conservées dans la base SQLite, jeton anti-falsification (CSRF)
//! par session, et l'extracteur du stagiaire connecté.

use async_trait::async_trait;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use chorus_store::Store;
use chorus_store::bac::{Bac, StructureFournisseur};
use chorus_store::compte::Utilisateur;
use rand::RngCore;
use rusqlite::{OptionalExtension, params};
use tower_sessions::Session;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

use crate::erreur::AppError;
use crate::etat::AppState;
use crate::lecture_seule::LectureSeule;

const CLE_UTILISATEUR: &str = "utilisateur";
const CLE_CSRF: &str = "csrf";
/// Le bac à sable de ce poste (navigateur) : sa messagerie est lisible sans être connecté au
/// portail, comme une boîte aux lettres électronique.
const CLE_BAC: &str = "bac";
/// Le compte dont le mot de passe est vérifié et qui doit encore saisir son code de connexion.
const CLE_ATTENTE_CODE: &str = "attente_code";
/// Le formateur connecté à la console (indépendant du portail : un formateur peut aussi
/// s'entraîner comme stagiaire dans le même navigateur).
const CLE_FORMATEUR: &str = "formateur";
/// Le stagiaire de classe à qui appartient ce poste.
const CLE_PARTICIPANT: &str = "participant";
/// Le bac à sable d'un stagiaire où le formateur joue l'acheteur public.
const CLE_ACHETEUR_POUR: &str = "acheteur_pour";
/// Le stagiaire dont le formateur regarde le portail en lecture seule.
const CLE_LECTURE_POUR: &str = "lecture_pour";

/// Magasin de sessions dans la table `session`.
///
/// Chaque requête prolonge la session (expiration après inactivité), ce qui voudrait dire une
/// écriture en base par page vue : avec 30 stagiaires, ces écritures se mettraient en file
/// derrière l'écrivain. On retient donc ce qui a été écrit en dernier, et une session inchangée
/// n'est réécrite que si son expiration avance de plus d'une minute. Ce qui est retenu sert
/// aussi à la lecture : une page vue ne relit pas sa session en base (seul ce module touche la
/// table, le serveur est le seul processus à l'ouvrir). Les sessions expirées sont oubliées au
/// fil de l'eau : la mémoire reste bornée.
#[derive(Clone)]
pub struct MagasinSessions {
    store: Store,
    ecrites: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<Id, Retenue>>>,
}

/// Ce que la base a de la session, tel qu'écrit en dernier (l'expiration du `record` est
/// celle de la dernière requête ; `expire` est celle de la base).
struct Retenue {
    expire: i64,
    record: Record,
}

/// Au-delà de ce nombre de sessions retenues, les expirées sont oubliées.
const RETENUES_AVANT_MENAGE: usize = 2048;

/// Précision de l'expiration en base, en secondes.
const TOLERANCE_EXPIRATION: i64 = 60;

impl std::fmt::Debug for MagasinSessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MagasinSessions")
    }
}

impl MagasinSessions {
    pub fn new(store: Store) -> Self {
        MagasinSessions { store, ecrites: Default::default() }
    }

    /// Vrai si la base a déjà ces données avec une expiration assez proche ; la copie retenue
    /// prend alors l'expiration du moment. Les données sont comparées telles quelles (quelques
    /// clés) : ni sérialisées ni copiées à chaque page vue.
    fn deja_ecrite(&self, record: &Record, expire: i64) -> bool {
        let mut ecrites = self.ecrites.lock().unwrap_or_else(|e| e.into_inner());
        match ecrites.get_mut(&record.id) {
            Some(r) if r.record.data == record.data && expire - r.expire < TOLERANCE_EXPIRATION => {
                r.record.expiry_date = record.expiry_date;
                true
            }
            _ => false,
        }
    }

    fn retenir(&self, record: &Record, expire: i64) {
        let mut ecrites = self.ecrites.lock().unwrap_or_else(|e| e.into_inner());
        if ecrites.len() >= RETENUES_AVANT_MENAGE {
            let maintenant = time::OffsetDateTime::now_utc().unix_timestamp();
            ecrites.retain(|_, r| r.expire > maintenant);
        }
        ecrites.insert(record.id, Retenue { expire, record: record.clone() });
    }

    /// La session retenue, si elle n'a pas expiré en base.
    fn retenue(&self, id: &Id) -> Option<Record> {
        let maintenant = time::OffsetDateTime::now_utc().unix_timestamp();
        let ecrites = self.ecrites.lock().unwrap_or_else(|e| e.into_inner());
        ecrites.get(id).filter(|r| r.expire > maintenant).map(|r| r.record.clone())
    }

    fn oublier(&self, id: &Id) {
        let mut ecrites = self.ecrites.lock().unwrap_or_else(|e| e.into_inner());
        ecrites.remove(id);
    }

    async fn bloquant<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Store) -> chorus_store::Resultat<T> + Send + 'static,
    ) -> session_store::Result<T> {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || f(&store))
            .await
            .map_err(|e| session_store::Error::Backend(e.to_string()))?
            .map_err(|e| session_store::Error::Backend(e.to_string()))
    }
}

/// Une session qui ne garde qu'un jeton anti-falsification (le formulaire de connexion d'un
/// visiteur) ne vit que trente minutes sans activité : des milliers de visites sans suite ne
/// s'accumulent pas deux heures dans la base.
pub const SESSION_ANONYME_MINUTES: i64 = 30;

fn expiration(r: &Record) -> i64 {
    let anonyme = r.data.keys().all(|k| k == CLE_CSRF);
    let fin = r.expiry_date.unix_timestamp();
    if anonyme {
        fin.min(time::OffsetDateTime::now_utc().unix_timestamp() + SESSION_ANONYME_MINUTES * 60)
    } else {
        fin
    }
}

fn encoder(r: &Record) -> session_store::Result<String> {
    serde_json::to_string(r).map_err(|e| session_store::Error::Encode(e.to_string()))
}

#[async_trait]
impl SessionStore for MagasinSessions {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        // Un identifiant déjà pris (probabilité négligeable sur 128 bits) est tiré à nouveau.
        loop {
            let id = record.id.to_string();
            let donnees = encoder(record)?;
            let expire = expiration(record);
            let cree = self
                .bloquant(move |s| {
                    s.ecrire(|tx| {
                        // Le ménage des sessions expirées est fait par l'entretien du serveur.
                        Ok(tx.execute(
                            "INSERT OR IGNORE INTO session (id, donnees, expire_le) VALUES (?1, ?2, ?3)",
                            params![id, donnees, expire],
                        )? == 1)
                    })
                })
                .await?;
            if cree {
                self.retenir(record, expire);
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let expire = expiration(record);
        if self.deja_ecrite(record, expire) {
            return Ok(());
        }
        let id = record.id.to_string();
        let donnees = encoder(record)?;
        self.bloquant(move |s| {
            s.ecrire(|tx| {
                tx.prepare_cached(
                    "INSERT INTO session (id, donnees, expire_le) VALUES (?1, ?2, ?3)
                     ON CONFLICT (id) DO UPDATE SET donnees = excluded.donnees, expire_le = excluded.expire_le",
                )?
                .execute(params![id, donnees, expire])?;
                Ok(())
            })
        })
        .await?;
        self.retenir(record, expire);
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        if let Some(r) = self.retenue(id) {
            return Ok(Some(r));
        }
        let id = id.to_string();
        let maintenant = time::OffsetDateTime::now_utc().unix_timestamp();
        let donnees: Option<String> = self
            .bloquant(move |s| {
                s.lire(|c| {
                    Ok(c.prepare_cached("SELECT donnees FROM session WHERE id = ?1 AND expire_le > ?2")?
                        .query_row(params![id, maintenant], |r| r.get(0))
                        .optional()?)
                })
            })
            .await?;
        donnees
            .map(|d| serde_json::from_str(&d).map_err(|e| session_store::Error::Decode(e.to_string())))
            .transpose()
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.oublier(id);
        let id = id.to_string();
        self.bloquant(move |s| {
            s.ecrire(|tx| {
                tx.execute("DELETE FROM session WHERE id = ?1", [id])?;
                Ok(())
            })
        })
        .await
    }
}

/// Efface les sessions expirées (l'entretien du serveur le fait chaque minute).
pub fn purger(store: &Store) -> chorus_store::Resultat<()> {
    let maintenant = time::OffsetDateTime::now_utc().unix_timestamp();
    store.ecrire(|c| {
        c.prepare_cached("DELETE FROM session WHERE expire_le <= ?1")?.execute([maintenant])?;
        Ok(())
    })
}

/// Le jeton anti-falsification de la session (créé au premier besoin).
pub async fn jeton_csrf(session: &Session) -> Result<String, AppError> {
    if let Some(j) = session.get::<String>(CLE_CSRF).await? {
        return Ok(j);
    }
    let mut octets = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut octets);
    let jeton: String = octets.iter().map(|b| format!("{b:02x}")).collect();
    session.insert(CLE_CSRF, &jeton).await?;
    Ok(jeton)
}

/// Refuse un formulaire dont le jeton ne correspond pas à celui de la session.
pub async fn verifier_csrf(session: &Session, recu: &str) -> Result<(), AppError> {
    match session.get::<String>(CLE_CSRF).await? {
        Some(attendu) if !recu.is_empty() && egal_temps_constant(attendu.as_bytes(), recu.as_bytes()) => {
            Ok(())
        }
        _ => Err(AppError::Formulaire),
    }
}

pub(crate) fn egal_temps_constant(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub async fn ouvrir(session: &Session, utilisateur_id: &str, bac_id: &str) -> Result<(), AppError> {
    // Nouvel identifiant de session à la connexion : une session fixée à l'avance par un tiers
    // ne devient jamais une session connectée.
    session.cycle_id().await?;
    session.remove::<String>(CLE_ATTENTE_CODE).await?;
    session.insert(CLE_BAC, bac_id).await?;
    session.insert(CLE_UTILISATEUR, utilisateur_id).await?;
    Ok(())
}

/// Mot de passe vérifié, code de connexion envoyé : on attend le code.
pub async fn attendre_code(session: &Session, utilisateur_id: &str, bac_id: &str) -> Result<(), AppError> {
    session.cycle_id().await?;
    session.insert(CLE_BAC, bac_id).await?;
    session.insert(CLE_ATTENTE_CODE, utilisateur_id).await?;
    Ok(())
}

pub async fn en_attente_de_code(session: &Session) -> Result<Option<String>, AppError> {
    Ok(session.get::<String>(CLE_ATTENTE_CODE).await?)
}

/// Rattache ce poste à un bac à sable (création de compte).
pub async fn lier_bac(session: &Session, bac_id: &str) -> Result<(), AppError> {
    session.insert(CLE_BAC, bac_id).await?;
    Ok(())
}

pub async fn bac_du_poste(session: &Session) -> Result<Option<String>, AppError> {
    Ok(session.get::<String>(CLE_BAC).await?)
}

/// Déconnexion : le poste garde son bac à sable (et donc sa messagerie).
pub async fn fermer(session: &Session) -> Result<(), AppError> {
    session.remove::<String>(CLE_UTILISATEUR).await?;
    session.remove::<String>(CLE_ATTENTE_CODE).await?;
    session.cycle_id().await?;
    Ok(())
}

/// Un stagiaire rejoint sa classe : ce poste devient le sien, connecté ou non à un compte.
pub async fn entrer_en_classe(
    session: &Session,
    participant_id: &str,
    bac_id: &str,
    utilisateur_id: Option<&str>,
) -> Result<(), AppError> {
    session.cycle_id().await?;
    session.remove::<String>(CLE_ATTENTE_CODE).await?;
    session.remove::<String>(CLE_UTILISATEUR).await?;
    session.insert(CLE_BAC, bac_id).await?;
    session.insert(CLE_PARTICIPANT, participant_id).await?;
    if let Some(u) = utilisateur_id {
        session.insert(CLE_UTILISATEUR, u).await?;
    }
    Ok(())
}

/// Le stagiaire de classe de ce poste, s'il y en a un.
pub async fn participant(session: &Session) -> Result<Option<String>, AppError> {
    Ok(session.get::<String>(CLE_PARTICIPANT).await?)
}

pub async fn ouvrir_console(session: &Session, formateur_id: &str) -> Result<(), AppError> {
    session.cycle_id().await?;
    session.insert(CLE_FORMATEUR, formateur_id).await?;
    Ok(())
}

/// Le formateur joue désormais l'acheteur public dans ce bac (vérifié par l'appelant).
pub async fn jouer_acheteur_pour(session: &Session, bac_id: &str) -> Result<(), AppError> {
    // Un seul rôle à la fois dans le bac d'un stagiaire : agir comme acheteur, ou regarder.
    session.remove::<String>(CLE_LECTURE_POUR).await?;
    session.insert(CLE_ACHETEUR_POUR, bac_id).await?;
    Ok(())
}

/// Le formateur connecté et le bac où il joue l'acheteur, s'il en a choisi un.
pub async fn acheteur_pour(session: &Session) -> Result<Option<(String, String)>, AppError> {
    let formateur = session.get::<String>(CLE_FORMATEUR).await?;
    let bac = session.get::<String>(CLE_ACHETEUR_POUR).await?;
    Ok(formateur.zip(bac))
}

/// Le formateur regarde désormais le portail de ce stagiaire (vérifié par l'appelant).
pub async fn voir_comme(session: &Session, participant_id: &str) -> Result<(), AppError> {
    session.remove::<String>(CLE_ACHETEUR_POUR).await?;
    session.insert(CLE_LECTURE_POUR, participant_id).await?;
    Ok(())
}

/// Le formateur connecté et le stagiaire qu'il regarde, s'il en a choisi un.
pub async fn lecture_pour(session: &Session) -> Result<Option<(String, String)>, AppError> {
    let formateur = session.get::<String>(CLE_FORMATEUR).await?;
    let participant = session.get::<String>(CLE_LECTURE_POUR).await?;
    Ok(formateur.zip(participant))
}

pub async fn quitter_lecture(session: &Session) -> Result<(), AppError> {
    session.remove::<String>(CLE_LECTURE_POUR).await?;
    Ok(())
}

/// Le compte dont la requête voit le portail : celui du stagiaire regardé en lecture seule,
/// sinon celui qui est connecté sur ce poste.
async fn utilisateur_de(parts: &Parts, session: &Session) -> Result<Option<String>, AppError> {
    match parts.extensions.get::<LectureSeule>() {
        Some(l) => Ok(l.vue.utilisateur_id.clone()),
        None => Ok(session.get::<String>(CLE_UTILISATEUR).await?),
    }
}

pub async fn fermer_console(session: &Session) -> Result<(), AppError> {
    session.remove::<String>(CLE_LECTURE_POUR).await?;
    session.remove::<String>(CLE_ACHETEUR_POUR).await?;
    session.remove::<String>(CLE_FORMATEUR).await?;
    session.cycle_id().await?;
    Ok(())
}

/// Le formateur connecté à la console. Tant que son mot de passe à usage unique n'est pas
/// changé, seule la page de changement lui est ouverte.
pub struct FormateurConnecte {
    pub formateur: chorus_store::formateur::Formateur,
    pub csrf: String,
    pub session: Session,
}

/// La page où le formateur remplace son mot de passe à usage unique.
pub const PAGE_MOT_DE_PASSE_FORMATEUR: &str = "/formateur/mot-de-passe";

impl FromRequestParts<AppState> for FormateurConnecte {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, etat: &AppState) -> Result<Self, AppError> {
        let session = session_de(parts, etat).await?;
        let Some(id) = session.get::<String>(CLE_FORMATEUR).await? else {
            return Err(AppError::FormateurNonConnecte);
        };
        let csrf = jeton_csrf(&session).await?;
        let Some(formateur) = etat.lire(move |c, _| chorus_store::formateur::formateur(c, &id)).await? else {
            session.remove::<String>(CLE_FORMATEUR).await?;
            return Err(AppError::FormateurNonConnecte);
        };
        if formateur.mot_de_passe_a_changer && parts.uri.path() != PAGE_MOT_DE_PASSE_FORMATEUR {
            return Err(AppError::Redirection(PAGE_MOT_DE_PASSE_FORMATEUR));
        }
        Ok(FormateurConnecte { formateur, csrf, session })
    }
}

async fn session_de(parts: &mut Parts, etat: &AppState) -> Result<Session, AppError> {
    Session::from_request_parts(parts, etat).await.map_err(|(_, m)| AppError::Interne(m.to_string()))
}

/// La valeur `cle` de la session (sinon l'erreur `absente`), le jeton CSRF et la session.
async fn valeur_de_session(
    parts: &mut Parts,
    etat: &AppState,
    cle: &str,
    absente: AppError,
) -> Result<(String, String, Session), AppError> {
    let session = session_de(parts, etat).await?;
    let Some(valeur) = session.get::<String>(cle).await? else {
        return Err(absente);
    };
    let csrf = jeton_csrf(&session).await?;
    Ok((valeur, csrf, session))
}

/// Le poste : une session rattachée à un bac à sable, connectée ou non.
pub struct Poste {
    pub bac_id: String,
    pub csrf: String,
    pub session: Session,
    /// Le formateur regarde ce poste comme le stagiaire : rien ne doit y changer.
    pub lecture_seule: Option<LectureSeule>,
}

impl FromRequestParts<AppState> for Poste {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, etat: &AppState) -> Result<Self, AppError> {
        let session = session_de(parts, etat).await?;
        if let Some(l) = parts.extensions.get::<LectureSeule>() {
            let csrf = jeton_csrf(&session).await?;
            let bac_id = l.vue.bac_id.clone();
            return Ok(Poste { bac_id, csrf, session, lecture_seule: Some(l.clone()) });
        }
        // Un visiteur sans bac n'a rien à garder : pas de jeton, donc pas de session créée.
        let Some(bac_id) = session.get::<String>(CLE_BAC).await? else {
            return Err(AppError::NonConnecte);
        };
        let csrf = jeton_csrf(&session).await?;
        Ok(Poste { bac_id, csrf, session, lecture_seule: None })
    }
}

/// Un utilisateur connecté, qui n'a peut-être pas encore de structure.
pub struct Connecte {
    pub utilisateur: Utilisateur,
    pub bac: Bac,
    pub csrf: String,
    pub session: Session,
}

impl FromRequestParts<AppState> for Connecte {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, etat: &AppState) -> Result<Self, AppError> {
        let session = session_de(parts, etat).await?;
        let Some(id) = utilisateur_de(parts, &session).await? else {
            return Err(AppError::NonConnecte);
        };
        let csrf = jeton_csrf(&session).await?;
        let trouve = etat.identites.de(&etat.store, &id)?;
        match trouve.as_ref() {
            Some((utilisateur, bac, _)) => {
                Ok(Connecte { utilisateur: utilisateur.clone(), bac: bac.clone(), csrf, session })
            }
            // Compte effacé (bac remis au point de départ) : le poste garde son bac, sa classe
            // et la console éventuelle.
            None => {
                session.remove::<String>(CLE_UTILISATEUR).await?;
                Err(AppError::NonConnecte)
            }
        }
    }
}

/// Le stagiaire d'une classe, sur son poste : connecté ou non à un compte du portail (le
/// matin du premier jour, il émarge avant d'avoir créé son compte). Il n'agit que sur sa
/// propre participation, celle que sa session désigne.
pub struct StagiaireDeClasse {
    pub participant_id: String,
    pub csrf: String,
    pub session: Session,
}

impl FromRequestParts<AppState> for StagiaireDeClasse {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, etat: &AppState) -> Result<Self, AppError> {
        let (participant_id, csrf, session) =
            valeur_de_session(parts, etat, CLE_PARTICIPANT, AppError::HorsClasse).await?;
        Ok(StagiaireDeClasse { participant_id, csrf, session })
    }
}

/// Le stagiaire connecté : son compte, son bac à sable, sa structure, et le jeton CSRF.
pub struct Stagiaire {
    pub utilisateur: Utilisateur,
    pub bac: Bac,
    pub structure: StructureFournisseur,
    /// La version des identités sous laquelle compte, bac et structure ont été lus.
    pub version_identite: u64,
    pub csrf: String,
    pub session: Session,
}

impl Stagiaire {
    pub async fn verifier_csrf(&self, recu: &str) -> Result<(), AppError> {
        verifier_csrf(&self.session, recu).await
    }

    /// Le rôle de l'utilisateur sur sa structure de travail.
    pub async fn role(&self, etat: &AppState) -> Result<Option<chorus_domain::compte::Role>, AppError> {
        let (uid, sid) = (self.utilisateur.id.clone(), self.structure.id.clone());
        etat.lire(move |c, _| chorus_store::structure::role(c, &uid, &sid)).await
    }

    /// Refuse (403, avec un message) ce qui est réservé au gestionnaire principal de la
    /// structure ; vérifié côté serveur à chaque requête, quel que soit ce que la page affiche.
    pub async fn exiger_gestionnaire(&self, etat: &AppState) -> Result<(), AppError> {
        match self.role(etat).await? {
            Some(chorus_domain::compte::Role::GestionnairePrincipal) => Ok(()),
            _ => Err(AppError::Interdit(format!(
                "Seul le gestionnaire principal de la structure {} peut faire cette action. Demandez-lui de la faire, \
                 ou de vous transférer ce rôle.",
                self.structure.raison_sociale
            ))),
        }
    }
}

impl FromRequestParts<AppState> for Stagiaire {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, etat: &AppState) -> Result<Self, AppError> {
        let session = session_de(parts, etat).await?;
        let Some(id) = utilisateur_de(parts, &session).await? else {
            return Err(AppError::NonConnecte);
        };
        let csrf = jeton_csrf(&session).await?;
        // Une lecture par clé sur le fil de la requête, et le plus souvent aucune.
        let (version_identite, trouve) = etat.identites.de_sous_version(&etat.store, &id)?;
        match trouve.as_ref() {
            Some((utilisateur, bac, Some(structure))) => Ok(Stagiaire {
                utilisateur: utilisateur.clone(),
                bac: bac.clone(),
                structure: structure.clone(),
                version_identite,
                csrf,
                session,
            }),
            // Premier pas après la première connexion : créer sa structure ou s'y rattacher.
            Some((_, _, None)) => Err(AppError::SansStructure),
            // Compte effacé (bac remis au point de départ) : le poste garde son bac, sa classe
            // et la console éventuelle.
            None => {
                session.remove::<String>(CLE_UTILISATEUR).await?;
                Err(AppError::NonConnecte)
            }
        }
    }
}

/// Les pages ouvertes à tous (cours, choix du simulateur) : le stagiaire s'il est connecté à une
/// structure, pour l'en-tête et les boutons d'entraînement ; sinon rien, sans redirection.
impl axum::extract::OptionalFromRequestParts<AppState> for Stagiaire {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, etat: &AppState) -> Result<Option<Self>, AppError> {
        match <Stagiaire as FromRequestParts<AppState>>::from_request_parts(parts, etat).await {
            Ok(s) => Ok(Some(s)),
            Err(AppError::NonConnecte | AppError::SansStructure) => Ok(None),
            Err(e) => Err(e),
        }
    }
}
