//! Ce que le gestionnaire principal règle sur sa structure au-delà de ses services : les
//! coordonnées bancaires, les espaces (et les abonnements des utilisateurs), et le compte
//! technique qui raccorde un logiciel à l'API.
//!
//! Chaque ligne porte le `bac_id` de son bac à sable et chaque requête le filtre : les
//! coordonnées d'un autre bac sont « introuvables ». Le rôle de gestionnaire principal est
//! vérifié par le portail avant l'appel ; ces fonctions reçoivent la structure de travail de
//! l'utilisateur connecté.

use chorus_domain::compte_technique::{self, EtatMotDePasse};
use chorus_domain::coordonnees_bancaires::{self, CoordonneesBancaires};
use chorus_domain::espace::{Espace, Mode};
use chorus_domain::{Anomalie, compte::Role};
use std::sync::LazyLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordVerifier};
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};

use crate::erreur::{Erreur, Resultat};
use crate::horloge::Horloge;
use crate::{bac, compte, journal, messagerie};

/// Natures des entrées du journal écrites ici (suivi du formateur).
pub mod evenement {
    pub const COORDONNEES_BANCAIRES: &str = "COORDONNEES_BANCAIRES";
    pub const ESPACES: &str = "ESPACES";
    pub const COMPTE_TECHNIQUE: &str = "COMPTE_TECHNIQUE";
}

/// Écrit au journal une action du fournisseur sur sa structure.
fn noter(
    c: &Connection,
    bac_id: &str,
    evenement: &str,
    commentaire: &str,
    horloge: &Horloge,
) -> Resultat<()> {
    journal::noter_du_fournisseur(c, bac_id, evenement, commentaire, None, horloge)
}

/// Prévient les gestionnaires principaux de la structure (messagerie du bac).
fn prevenir_gestionnaires(
    c: &Connection,
    bac_id: &str,
    structure_id: &str,
    objet: &str,
    corps: &str,
    lien: &str,
    horloge: &Horloge,
) -> Resultat<()> {
    let instant = bac::bac(c, bac_id)?.maintenant_simule(horloge);
    let mut st = c.prepare_cached(
        "SELECT utilisateur_id FROM rattachement
         WHERE bac_id = ?1 AND structure_id = ?2 AND role = ?3 AND statut = 'VALIDE'",
    )?;
    let gestionnaires: Vec<String> = st
        .query_map(params![bac_id, structure_id, Role::GestionnairePrincipal.code()], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for g in gestionnaires {
        let adresse = compte::adresse_de_contact(c, &g)?;
        messagerie::envoyer(
            c,
            bac_id,
            messagerie::Nouveau { destinataire: &adresse, objet, corps, lien: Some(lien) },
            instant,
        )?;
    }
    Ok(())
}

fn raison_sociale(c: &Connection, bac_id: &str, structure_id: &str) -> Resultat<String> {
    c.query_row(
        "SELECT raison_sociale FROM structure WHERE bac_id = ?1 AND id = ?2",
        [bac_id, structure_id],
        |r| r.get(0),
    )
    .optional()?
    .ok_or(Erreur::Introuvable("structure"))
}

// ---------------------------------------------------------------------------------------------
// Coordonnées bancaires
// ---------------------------------------------------------------------------------------------

/// Des coordonnées bancaires enregistrées.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coordonnee {
    /// L'identifiant que l'API appelle `idCoordonneeBancaire`.
    pub id: i64,
    pub nom: String,
    pub titulaire: String,
    /// Format électronique (sans espaces).
    pub iban: String,
    pub bic: String,
    pub affactureur: bool,
    pub active: bool,
    /// Date simulée de l'ajout.
    pub ajoutee_le: NaiveDate,
}

impl Coordonnee {
    /// L'IBAN par groupes de 4 caractères.
    pub fn iban_papier(&self) -> String {
        coordonnees_bancaires::format_papier(&self.iban)
    }
}

/// Toutes les coordonnées de la structure : les actives d'abord, puis les désactivées.
pub fn coordonnees(c: &Connection, bac_id: &str, structure_id: &str) -> Resultat<Vec<Coordonnee>> {
    let mut st = c.prepare_cached(
        "SELECT id, nom, titulaire, iban, bic, affactureur, active, ajoutee_le FROM coordonnee_bancaire
         WHERE bac_id = ?1 AND structure_id = ?2 ORDER BY active DESC, id",
    )?;
    let v = st
        .query_map([bac_id, structure_id], |r| {
            Ok(Coordonnee {
                id: r.get(0)?,
                nom: r.get(1)?,
                titulaire: r.get(2)?,
                iban: r.get(3)?,
                bic: r.get(4)?,
                affactureur: r.get(5)?,
                active: r.get(6)?,
                ajoutee_le: r.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(v)
}

/// Les coordonnées qu'on peut choisir dans une facture (« Référence bancaire ») : les actives.
pub fn coordonnees_valides(c: &Connection, bac_id: &str, structure_id: &str) -> Resultat<Vec<Coordonnee>> {
    Ok(coordonnees(c, bac_id, structure_id)?.into_iter().filter(|x| x.active).collect())
}

/// Ajoute des coordonnées contrôlées à la structure ; un IBAN déjà enregistré (actif) est
/// refusé avec une anomalie sur le champ `iban`. Les gestionnaires principaux sont prévenus :
/// un changement de coordonnées bancaires qu'on n'a pas fait soi-même est le signe d'une fraude.
pub fn ajouter_coordonnees(
    c: &Connection,
    bac_id: &str,
    structure_id: &str,
    cb: &CoordonneesBancaires,
    horloge: &Horloge,
) -> Resultat<i64> {
    let structure = raison_sociale(c, bac_id, structure_id)?;
    let iban = cb.iban.electronique();
    let deja: Option<String> = c
        .query_row(
            "SELECT nom FROM coordonnee_bancaire WHERE bac_id = ?1 AND structure_id = ?2 AND iban = ?3 AND active = 1",
            [bac_id, structure_id, iban],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(nom) = deja {
        return Err(Erreur::Anomalies(vec![Anomalie::champ(
            "iban",
            "IBAN_DEJA_ENREGISTRE",
            format!(
                "Ce compte ({}) est déjà enregistré pour la structure sous le nom « {nom} » : inutile de l'ajouter \
                 une seconde fois.",
                cb.iban
            ),
        )]));
    }
    let date = bac::bac(c, bac_id)?.date_simulee(horloge);
    c.execute(
        "INSERT INTO coordonnee_bancaire (bac_id, structure_id, nom, titulaire, iban, bic, affactureur, active, ajoutee_le)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8)",
        params![bac_id, structure_id, cb.nom, cb.titulaire, iban, cb.bic.as_str(), cb.affactureur, date],
    )?;
    let id = c.last_insert_rowid();
    let de_l_affactureur = if cb.affactureur { " (compte de l'affactureur)" } else { "" };
    noter(
        c,
        bac_id,
        evenement::COORDONNEES_BANCAIRES,
        &format!("Coordonnées bancaires ajoutées : « {} », {}{de_l_affactureur}", cb.nom, cb.iban),
        horloge,
    )?;
    prevenir_gestionnaires(
        c,
        bac_id,
        structure_id,
        "Coordonnées bancaires ajoutées",
        &format!(
            "Bonjour,\n\nDe nouvelles coordonnées bancaires ont été ajoutées à la structure {structure} :\n\
             « {} », titulaire {}, IBAN {}, BIC {}{de_l_affactureur}.\n\n\
             Si vous n'êtes pas à l'origine de ce changement, désactivez-les tout de suite : un changement de \
             coordonnées bancaires que personne n'a demandé est le signe d'une tentative de fraude.",
            cb.nom, cb.titulaire, cb.iban, cb.bic
        ),
        "/structure/coordonnees-bancaires",
        horloge,
    )?;
    Ok(id)
}

/// Désactive des coordonnées de la structure (elles restent affichées, mais ne se choisissent
/// plus). Celles d'une autre structure ou d'un autre bac sont introuvables.
pub fn desactiver_coordonnees(
    c: &Connection,
    bac_id: &str,
    structure_id: &str,
    id: i64,
    horloge: &Horloge,
) -> Resultat<()> {
    let trouve: Option<(String, String, bool)> = c
        .query_row(
            "SELECT nom, iban, active FROM coordonnee_bancaire WHERE id = ?1 AND bac_id = ?2 AND structure_id = ?3",
            params![id, bac_id, structure_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((nom, iban, active)) = trouve else {
        return Err(Erreur::Introuvable("coordonnée bancaire"));
    };
    if !active {
        return Ok(());
    }
    c.execute(
        "UPDATE coordonnee_bancaire SET active = 0 WHERE id = ?1 AND bac_id = ?2 AND structure_id = ?3",
        params![id, bac_id, structure_id],
    )?;
    noter(
        c,
        bac_id,
        evenement::COORDONNEES_BANCAIRES,
        &format!(
            "Coordonnées bancaires désactivées : « {nom} », {}",
            coordonnees_bancaires::format_papier(&iban)
        ),
        horloge,
    )?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Espaces et abonnements
// ---------------------------------------------------------------------------------------------

/// Les espaces ouverts à la structure, dans l'ordre du portail.
pub fn espaces(c: &Connection, bac_id: &str, structure_id: &str) -> Resultat<Vec<Espace>> {
    let mut st =
        c.prepare_cached("SELECT espace FROM espace_structure WHERE bac_id = ?1 AND structure_id = ?2")?;
    let codes: Vec<String> =
        st.query_map([bac_id, structure_id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    let mut v: Vec<Espace> = codes.iter().filter_map(|code| Espace::depuis_code(code).ok()).collect();
    v.sort();
    Ok(v)
}

/// « Ajouter des espaces » : ouvre ces espaces à la structure (ceux déjà ouverts sont ignorés).
/// Retourne le nombre d'espaces réellement ajoutés.
pub fn ajouter_espaces(
    c: &Connection,
    bac_id: &str,
    structure_id: &str,
    nouveaux: &[Espace],
    horloge: &Horloge,
) -> Resultat<usize> {
    raison_sociale(c, bac_id, structure_id)?;
    let mut ajoutes = Vec::new();
    for e in nouveaux {
        let n = c.execute(
            "INSERT OR IGNORE INTO espace_structure (bac_id, structure_id, espace) VALUES (?1, ?2, ?3)",
            params![bac_id, structure_id, e.code()],
        )?;
        if n == 1 {
            ajoutes.push(e.libelle());
        }
    }
    if !ajoutes.is_empty() {
        noter(c, bac_id, evenement::ESPACES, &format!("Espaces ajoutés : {}", ajoutes.join(", ")), horloge)?;
    }
    Ok(ajoutes.len())
}

/// Retire un espace à la structure, et les abonnements de ses utilisateurs à cet espace.
pub fn retirer_espace(
    c: &Connection,
    bac_id: &str,
    structure_id: &str,
    espace: Espace,
    horloge: &Horloge,
) -> Resultat<()> {
    let n = c.execute(
        "DELETE FROM espace_structure WHERE bac_id = ?1 AND structure_id = ?2 AND espace = ?3",
        params![bac_id, structure_id, espace.code()],
    )?;
    if n == 0 {
        return Err(Erreur::Introuvable("espace de la structure"));
    }
    // Les abonnements suivent par la clé étrangère (ON DELETE CASCADE) ; on le redit ici pour
    // ne pas dépendre du réglage des clés étrangères de la connexion.
    c.execute(
        "DELETE FROM abonnement WHERE bac_id = ?1 AND structure_id = ?2 AND espace = ?3",
        params![bac_id, structure_id, espace.code()],
    )?;
    noter(c, bac_id, evenement::ESPACES, &format!("Espace retiré : {}", espace.libelle()), horloge)?;
    Ok(())
}

/// Les abonnements d'un utilisateur aux espaces de la structure.
pub fn abonnements(
    c: &Connection,
    bac_id: &str,
    utilisateur_id: &str,
    structure_id: &str,
) -> Resultat<Vec<(Espace, Mode)>> {
    let mut st = c.prepare_cached(
        "SELECT espace, mode FROM abonnement WHERE bac_id = ?1 AND utilisateur_id = ?2 AND structure_id = ?3",
    )?;
    let brut: Vec<(String, String)> = st
        .query_map([bac_id, utilisateur_id, structure_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut v: Vec<(Espace, Mode)> = brut
        .iter()
        .filter_map(|(e, m)| Some((Espace::depuis_code(e).ok()?, Mode::depuis_code(m).ok()?)))
        .collect();
    v.sort_by_key(|(e, _)| *e);
    Ok(v)
}

/// L'abonnement d'un utilisateur de la structure, vu par le gestionnaire principal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbonnementUtilisateur {
    pub prenom: String,
    pub nom: String,
    pub email: String,
    pub espace: Espace,
    pub mode: Mode,
}

/// Tous les abonnements des utilisateurs rattachés à la structure.
pub fn abonnements_structure(
    c: &Connection,
    bac_id: &str,
    structure_id: &str,
) -> Resultat<Vec<AbonnementUtilisateur>> {
    let mut st = c.prepare_cached(
        "SELECT u.prenom, u.nom, u.email, a.espace, a.mode FROM abonnement a
         JOIN utilisateur u ON u.id = a.utilisateur_id
         JOIN rattachement r ON r.utilisateur_id = a.utilisateur_id AND r.structure_id = a.structure_id
         WHERE a.bac_id = ?1 AND a.structure_id = ?2 AND r.statut = 'VALIDE'
         ORDER BY u.nom, u.prenom, u.email",
    )?;
    let brut: Vec<(String, String, String, String, String)> = st
        .query_map([bac_id, structure_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut v: Vec<AbonnementUtilisateur> = brut
        .into_iter()
        .filter_map(|(prenom, nom, email, e, m)| {
            Some(AbonnementUtilisateur {
                prenom,
                nom,
                email,
                espace: Espace::depuis_code(&e).ok()?,
                mode: Mode::depuis_code(&m).ok()?,
            })
        })
        .collect();
    v.sort_by(|a, b| (&a.nom, &a.prenom, &a.email, a.espace).cmp(&(&b.nom, &b.prenom, &b.email, b.espace)));
    Ok(v)
}

/// « Mes abonnements aux espaces » : l'utilisateur s'abonne à un espace de la structure dans ce
/// mode, ou s'en désabonne (`None`). L'espace doit être ouvert à la structure, et l'utilisateur
/// rattaché à celle-ci.
pub fn abonner(
    c: &Connection,
    bac_id: &str,
    utilisateur_id: &str,
    structure_id: &str,
    espace: Espace,
    mode: Option<Mode>,
) -> Resultat<()> {
    if crate::structure::role(c, utilisateur_id, structure_id)?.is_none() {
        return Err(Erreur::Introuvable("structure"));
    }
    match mode {
        None => {
            c.execute(
                "DELETE FROM abonnement WHERE bac_id = ?1 AND utilisateur_id = ?2 AND structure_id = ?3 AND espace = ?4",
                params![bac_id, utilisateur_id, structure_id, espace.code()],
            )?;
        }
        Some(mode) => {
            if !espaces(c, bac_id, structure_id)?.contains(&espace) {
                return Err(Erreur::Invalide(format!(
                    "L'espace « {} » n'est pas ouvert à votre structure : demandez à son gestionnaire principal de \
                     l'ajouter (« Ajouter des espaces »), puis abonnez-vous.",
                    espace.libelle()
                )));
            }
            c.execute(
                "INSERT INTO abonnement (bac_id, utilisateur_id, structure_id, espace, mode) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (utilisateur_id, structure_id, espace) DO UPDATE SET mode = excluded.mode",
                params![bac_id, utilisateur_id, structure_id, espace.code(), mode.code()],
            )?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Compte technique
// ---------------------------------------------------------------------------------------------

/// Le compte technique d'une structure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompteTechnique {
    pub identifiant: String,
    /// Date simulée du dernier choix du mot de passe.
    pub change_le: NaiveDate,
    /// Date simulée de la création du compte.
    pub cree_le: NaiveDate,
}

impl CompteTechnique {
    /// Le jour où le mot de passe expire.
    pub fn expiration(&self) -> NaiveDate {
        compte_technique::expiration(self.change_le)
    }

    pub fn etat(&self, aujourd_hui: NaiveDate) -> EtatMotDePasse {
        compte_technique::etat(self.change_le, aujourd_hui)
    }
}

pub fn compte_technique(
    c: &Connection,
    bac_id: &str,
    structure_id: &str,
) -> Resultat<Option<CompteTechnique>> {
    Ok(c.prepare_cached(
        "SELECT identifiant, change_le, cree_le FROM compte_technique WHERE bac_id = ?1 AND structure_id = ?2",
    )?
    .query_row([bac_id, structure_id], |r| {
        Ok(CompteTechnique { identifiant: r.get(0)?, change_le: r.get(1)?, cree_le: r.get(2)? })
    })
    .optional()?)
}

/// Crée le compte technique de la structure avec ce mot de passe, ou, s'il existe, en change le
/// mot de passe : les 424 jours de validité repartent de la date simulée du jour. Un mot de
/// passe qui ne suit pas les règles est refusé (anomalies sur `mot_de_passe` et `confirmation`).
pub fn definir_compte_technique(
    c: &Connection,
    bac_id: &str,
    structure_id: &str,
    mot_de_passe: &str,
    confirmation: &str,
    horloge: &Horloge,
) -> Resultat<CompteTechnique> {
    let (identifiant_structure, structure): (String, String) = c
        .query_row(
            "SELECT identifiant, raison_sociale FROM structure WHERE bac_id = ?1 AND id = ?2",
            [bac_id, structure_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .ok_or(Erreur::Introuvable("structure"))?;
    let existant = compte_technique(c, bac_id, structure_id)?;
    let identifiant = match &existant {
        Some(ct) => ct.identifiant.clone(),
        None => identifiant_libre(c, &identifiant_structure)?,
    };
    let anomalies =
        compte_technique::controler_mot_de_passe(mot_de_passe, confirmation, &identifiant, &structure);
    if !anomalies.is_empty() {
        return Err(Erreur::Anomalies(anomalies));
    }
    let date = bac::bac(c, bac_id)?.date_simulee(horloge);
    let hache = compte::hacher_apres("compte_technique", "structure_id", structure_id, mot_de_passe);
    c.execute(
        "INSERT INTO compte_technique (structure_id, bac_id, identifiant, mot_de_passe, change_le, cree_le)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)
         ON CONFLICT (structure_id) DO UPDATE SET mot_de_passe = excluded.mot_de_passe, change_le = excluded.change_le",
        params![structure_id, bac_id, identifiant, hache, date],
    )?;
    let expiration = compte_technique::expiration(date);
    let (objet, quoi) = if existant.is_some() {
        ("Mot de passe du compte technique changé", "Le mot de passe du compte technique a été changé")
    } else {
        ("Compte technique créé", "Le compte technique a été créé")
    };
    noter(c, bac_id, evenement::COMPTE_TECHNIQUE, &format!("{quoi} ({identifiant})"), horloge)?;
    prevenir_gestionnaires(
        c,
        bac_id,
        structure_id,
        objet,
        &format!(
            "Bonjour,\n\n{quoi} pour la structure {structure}.\n\nIdentifiant : {identifiant}\n\
             Le mot de passe expire le {} : changez-le avant cette date, sinon les échanges par API seront refusés.\n\n\
             Si vous n'êtes pas à l'origine de ce changement, changez le mot de passe tout de suite.",
            expiration.format("%d/%m/%Y")
        ),
        "/structure/compte-technique",
        horloge,
    )?;
    Ok(CompteTechnique { identifiant, change_le: date, cree_le: existant.map_or(date, |ct| ct.cree_le) })
}

/// Le premier identifiant technique libre dans tout le simulateur pour cette structure.
fn identifiant_libre(c: &Connection, identifiant_structure: &str) -> Resultat<String> {
    let mut st = c.prepare_cached("SELECT 1 FROM compte_technique WHERE identifiant = ?1")?;
    for rang in 1.. {
        let candidat = compte_technique::identifiant(identifiant_structure, rang);
        if !st.exists([&candidat])? {
            return Ok(candidat);
        }
    }
    unreachable!("les rangs ne s'épuisent pas")
}

fn verifier(mot_de_passe: &str, hache: &str) -> bool {
    PasswordHash::new(hache)
        .is_ok_and(|h| Argon2::default().verify_password(mot_de_passe.as_bytes(), &h).is_ok())
}

/// Un hachage quelconque, vérifié quand l'identifiant n'existe pas.
static HACHE_LEURRE: LazyLock<String> =
    LazyLock::new(|| compte::hacher("compte technique leurre").unwrap_or_default());

/// Vérifie l'identifiant et le mot de passe d'un compte technique (pour l'API) : le bac à sable
/// et la structure qu'il représente, ou `None` si l'identifiant est inconnu, le mot de passe
/// faux, ou le mot de passe expiré à la date simulée de son bac.
///
/// La date simulée dépend du bac à sable du compte : on passe donc l'horloge réelle, et la date
/// est calculée une fois le compte trouvé.
pub fn verifier_compte_technique(
    c: &Connection,
    identifiant: &str,
    mot_de_passe: &str,
    horloge: &Horloge,
) -> Resultat<Option<(String, String)>> {
    let trouve: Option<(String, String, String, NaiveDate)> = c
        .prepare_cached(
            "SELECT bac_id, structure_id, mot_de_passe, change_le FROM compte_technique WHERE identifiant = ?1",
        )?
        .query_row([identifiant.trim()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()?;
    let Some((bac_id, structure_id, hache, change_le)) = trouve else {
        // Même durée qu'un mauvais mot de passe : la réponse ne dit pas si le compte existe.
        let _ = verifier(mot_de_passe, &HACHE_LEURRE);
        return Ok(None);
    };
    if !verifier(mot_de_passe, &hache) {
        return Ok(None);
    }
    let aujourd_hui = bac::bac(c, &bac_id)?.date_simulee(horloge);
    if compte_technique::etat(change_le, aujourd_hui).est_expire() {
        return Ok(None);
    }
    Ok(Some((bac_id, structure_id)))
}

/// Un compte technique trouvé par son identifiant, avant toute vérification du mot de passe :
/// l'API garde en mémoire les empreintes déjà vérifiées, pour ne pas refaire un hachage Argon2
/// (des dizaines de millisecondes) à chaque appel d'un connecteur.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompteTechniqueTrouve {
    pub bac_id: String,
    pub structure_id: String,
    /// L'empreinte Argon2 du mot de passe : elle change avec lui.
    pub empreinte: String,
    pub change_le: NaiveDate,
}

pub fn compte_technique_par_identifiant(
    c: &Connection,
    identifiant: &str,
) -> Resultat<Option<CompteTechniqueTrouve>> {
    Ok(c.prepare_cached(
        "SELECT bac_id, structure_id, mot_de_passe, change_le FROM compte_technique WHERE identifiant = ?1",
    )?
    .query_row([identifiant.trim()], |r| {
        Ok(CompteTechniqueTrouve {
            bac_id: r.get(0)?,
            structure_id: r.get(1)?,
            empreinte: r.get(2)?,
            change_le: r.get(3)?,
        })
    })
    .optional()?)
}

/// Le mot de passe correspond-il à l'empreinte ? (Argon2 : à appeler hors du fil asynchrone.)
pub fn mot_de_passe_correct(mot_de_passe: &str, empreinte: &str) -> bool {
    verifier(mot_de_passe, empreinte)
}

/// Le même temps qu'une vérification, pour un identifiant inconnu : la réponse ne dit pas si
/// le compte existe.
pub fn verifier_un_leurre(mot_de_passe: &str) {
    let _ = verifier(mot_de_passe, &HACHE_LEURRE);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;
    use chorus_domain::coordonnees_bancaires::SaisieCoordonnees;

    const MDP: &str = "Raccordement-API-2026";

    struct Banc {
        store: Store,
        horloge: Horloge,
        bac_id: String,
        structure_id: String,
        _dossier: tempfile::TempDir,
    }

    fn date_fixe() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    fn banc() -> Banc {
        let dossier = tempfile::tempdir().unwrap();
        let store = Store::ouvrir(dossier.path()).unwrap();
        let horloge = Horloge::fixe(date_fixe());
        crate::demo::initialiser(&store, &horloge).unwrap();
        let (bac_id, structure_id) = store
            .lire(|c| {
                Ok(c.query_row(
                    "SELECT bac_id, structure_id FROM utilisateur WHERE email = 'formation1@exemple.fr'",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?)
            })
            .unwrap();
        Banc { store, horloge, bac_id, structure_id, _dossier: dossier }
    }

    fn cb(iban: &str, bic: &str) -> CoordonneesBancaires {
        coordonnees_bancaires::controler(&SaisieCoordonnees {
            nom: "Compte principal",
            titulaire: "ACME",
            iban,
            bic,
            affactureur: false,
        })
        .unwrap()
    }

    #[test]
    fn coordonnees_ajoutees_desactivees_et_cloisonnees_par_bac() {
        let b = banc();
        let h = b.horloge;
        let (bac, st) = (b.bac_id.clone(), b.structure_id.clone());
        let id = b
            .store
            .ecrire(|tx| {
                ajouter_coordonnees(tx, &bac, &st, &cb("FR7630006000011234567890189", "BNPAFRPP"), &h)
            })
            .unwrap();
        // Le même IBAN une seconde fois : anomalie sur le champ iban.
        let e = b
            .store
            .ecrire(|tx| {
                ajouter_coordonnees(tx, &bac, &st, &cb("FR76 3000 6000 0112 3456 7890 189", "BNPAFRPP"), &h)
            })
            .unwrap_err();
        assert!(matches!(&e, Erreur::Anomalies(a) if a[0].code == "IBAN_DEJA_ENREGISTRE"), "{e:?}");
        let liste = b.store.lire(|c| coordonnees(c, &bac, &st)).unwrap();
        assert_eq!(liste.len(), 1);
        assert_eq!(liste[0].iban_papier(), "FR76 3000 6000 0112 3456 7890 189");
        assert_eq!(liste[0].ajoutee_le, date_fixe());
        // Un autre bac ne la voit pas et ne peut pas la désactiver.
        let (autre_bac, autre_st): (String, String) = b
            .store
            .lire(|c| {
                Ok(c.query_row(
                    "SELECT bac_id, structure_id FROM utilisateur WHERE email = 'formation2@exemple.fr'",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?)
            })
            .unwrap();
        assert!(b.store.lire(|c| coordonnees(c, &autre_bac, &autre_st)).unwrap().is_empty());
        let e = b.store.ecrire(|tx| desactiver_coordonnees(tx, &autre_bac, &autre_st, id, &h)).unwrap_err();
        assert!(matches!(e, Erreur::Introuvable(_)));
        b.store.ecrire(|tx| desactiver_coordonnees(tx, &bac, &st, id, &h)).unwrap();
        assert!(b.store.lire(|c| coordonnees_valides(c, &bac, &st)).unwrap().is_empty());
        // Désactivée, elle peut être ajoutée de nouveau.
        b.store
            .ecrire(|tx| {
                ajouter_coordonnees(tx, &bac, &st, &cb("FR7630006000011234567890189", "BNPAFRPP"), &h)
            })
            .unwrap();
        assert_eq!(b.store.lire(|c| coordonnees_valides(c, &bac, &st)).unwrap().len(), 1);
        // Journal : deux ajouts et une désactivation.
        let n: i64 = b
            .store
            .lire(|c| {
                Ok(c.query_row(
                    "SELECT count(*) FROM journal WHERE bac_id = ?1 AND evenement = 'COORDONNEES_BANCAIRES'",
                    [&bac],
                    |r| r.get(0),
                )?)
            })
            .unwrap();
        assert_eq!(n, 3);
    }

    #[test]
    fn une_structure_de_demonstration_a_factures_emises_et_son_gestionnaire_abonne() {
        let b = banc();
        let h = b.horloge;
        let (bac, st) = (b.bac_id.clone(), b.structure_id.clone());
        let uid: String = b
            .store
            .lire(|c| {
                Ok(c.query_row(
                    "SELECT id FROM utilisateur WHERE email = 'formation1@exemple.fr'",
                    [],
                    |r| r.get(0),
                )?)
            })
            .unwrap();
        assert_eq!(b.store.lire(|c| espaces(c, &bac, &st)).unwrap(), [Espace::FacturesEmises]);
        assert_eq!(
            b.store.lire(|c| abonnements(c, &bac, &uid, &st)).unwrap(),
            [(Espace::FacturesEmises, Mode::Modification)]
        );
        let n = b
            .store
            .ecrire(|tx| {
                ajouter_espaces(tx, &bac, &st, &[Espace::SollicitationsEmises, Espace::FacturesEmises], &h)
            })
            .unwrap();
        assert_eq!(n, 1);
        b.store
            .ecrire(|tx| abonner(tx, &bac, &uid, &st, Espace::SollicitationsEmises, Some(Mode::Consultation)))
            .unwrap();
        let e = b
            .store
            .ecrire(|tx| abonner(tx, &bac, &uid, &st, Espace::FacturesRecues, Some(Mode::Consultation)))
            .unwrap_err();
        assert!(e.to_string().contains("n'est pas ouvert"), "{e}");
        assert_eq!(b.store.lire(|c| abonnements_structure(c, &bac, &st)).unwrap().len(), 2);
        // Retirer l'espace retire les abonnements.
        b.store.ecrire(|tx| retirer_espace(tx, &bac, &st, Espace::SollicitationsEmises, &h)).unwrap();
        assert_eq!(
            b.store.lire(|c| abonnements(c, &bac, &uid, &st)).unwrap(),
            [(Espace::FacturesEmises, Mode::Modification)]
        );
        let e =
            b.store.ecrire(|tx| retirer_espace(tx, &bac, &st, Espace::SollicitationsEmises, &h)).unwrap_err();
        assert!(matches!(e, Erreur::Introuvable(_)));
        // Se désabonner.
        b.store.ecrire(|tx| abonner(tx, &bac, &uid, &st, Espace::FacturesEmises, None)).unwrap();
        assert!(b.store.lire(|c| abonnements(c, &bac, &uid, &st)).unwrap().is_empty());
    }

    #[test]
    fn compte_technique_cree_change_et_expire() {
        let b = banc();
        let h = b.horloge;
        let (bac, st) = (b.bac_id.clone(), b.structure_id.clone());
        // Les structures de démonstration ont leur compte technique : celle-ci repart sans.
        b.store
            .ecrire(|tx| Ok(tx.execute("DELETE FROM compte_technique WHERE structure_id = ?1", [&st])?))
            .unwrap();
        let e =
            b.store.ecrire(|tx| definir_compte_technique(tx, &bac, &st, "court", "court", &h)).unwrap_err();
        assert!(matches!(&e, Erreur::Anomalies(a) if a.iter().any(|x| x.code == "MDP_TROP_COURT")));
        assert!(b.store.lire(|c| compte_technique(c, &bac, &st)).unwrap().is_none());
        let ct = b.store.ecrire(|tx| definir_compte_technique(tx, &bac, &st, MDP, MDP, &h)).unwrap();
        assert!(ct.identifiant.starts_with("TECH_") && ct.identifiant.ends_with("@cpro.exemple"));
        assert_eq!(ct.expiration(), NaiveDate::from_ymd_opt(2028, 1, 20).unwrap());
        let ok = b.store.lire(|c| verifier_compte_technique(c, &ct.identifiant, MDP, &h)).unwrap();
        assert_eq!(ok, Some((bac.clone(), st.clone())));
        // Casse de l'identifiant indifférente ; mauvais mot de passe, identifiant inconnu : refusés.
        let minuscules = ct.identifiant.to_lowercase();
        assert!(b.store.lire(|c| verifier_compte_technique(c, &minuscules, MDP, &h)).unwrap().is_some());
        assert!(
            b.store
                .lire(|c| verifier_compte_technique(c, &ct.identifiant, "Autre-Mot-2026", &h))
                .unwrap()
                .is_none()
        );
        assert!(
            b.store.lire(|c| verifier_compte_technique(c, "TECH_0@cpro.exemple", MDP, &h)).unwrap().is_none()
        );
        // 424 jours plus tard : expiré.
        let tard = Horloge::fixe(date_fixe() + chrono::Days::new(424));
        assert!(
            b.store.lire(|c| verifier_compte_technique(c, &ct.identifiant, MDP, &tard)).unwrap().is_none()
        );
        // Changer le mot de passe ce jour-là fait repartir les 424 jours ; l'identifiant reste.
        let nouveau = "Nouveau-Secret-API-2028";
        let ct2 =
            b.store.ecrire(|tx| definir_compte_technique(tx, &bac, &st, nouveau, nouveau, &tard)).unwrap();
        assert_eq!((ct2.identifiant.as_str(), ct2.cree_le), (ct.identifiant.as_str(), date_fixe()));
        assert_eq!(ct2.change_le, date_fixe() + chrono::Days::new(424));
        assert!(
            b.store
                .lire(|c| verifier_compte_technique(c, &ct.identifiant, nouveau, &tard))
                .unwrap()
                .is_some()
        );
        assert!(
            b.store.lire(|c| verifier_compte_technique(c, &ct.identifiant, MDP, &tard)).unwrap().is_none()
        );
    }

    #[test]
    fn l_identifiant_technique_est_unique_dans_tout_le_simulateur() {
        let b = banc();
        let h = b.horloge;
        let (bac, st) = (b.bac_id.clone(), b.structure_id.clone());
        let ct = b.store.ecrire(|tx| definir_compte_technique(tx, &bac, &st, MDP, MDP, &h)).unwrap();
        // Un autre bac où la même entreprise est la structure : l'identifiant prend un rang.
        let (bac2, st2) = b
            .store
            .ecrire(|tx| {
                let e = crate::reference::entreprises_stagiaires(tx)?.remove(0);
                let siret: String =
                    tx.query_row("SELECT identifiant FROM structure WHERE id = ?1", [&st], |r| r.get(0))?;
                assert_eq!(e.siret, siret, "formation1 a la première entreprise du registre");
                let (bac, u) = crate::depart::creer_pratique_libre(
                    tx,
                    "Autre",
                    &e,
                    &compte::NouveauCompte {
                        email: "autre@exemple.fr",
                        nom: "Autre",
                        prenom: "Personne",
                        mot_de_passe: MDP,
                    },
                    &h,
                )?;
                Ok((bac.id, u.structure_id.unwrap()))
            })
            .unwrap();
        let ct2 = b.store.ecrire(|tx| definir_compte_technique(tx, &bac2, &st2, MDP, MDP, &h)).unwrap();
        assert_ne!(ct.identifiant, ct2.identifiant);
        assert!(ct2.identifiant.ends_with("_2@cpro.exemple"), "{}", ct2.identifiant);
        assert_eq!(
            b.store.lire(|c| verifier_compte_technique(c, &ct2.identifiant, MDP, &h)).unwrap(),
            Some((bac2, st2))
        );
    }
}
