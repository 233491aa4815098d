//! Comptes utilisateurs du portail simulé : mot de passe haché (Argon2id), authentification.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use std::sync::LazyLock;

use argon2::Argon2;
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use crate::erreur::{Erreur, Resultat};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Utilisateur {
    pub id: String,
    pub bac_id: String,
    pub email: String,
    pub nom: String,
    pub prenom: String,
    pub structure_id: Option<String>,
}

/// Ce qu'il faut pour créer un compte.
#[derive(Debug, Clone, Copy)]
pub struct NouveauCompte<'a> {
    pub email: &'a str,
    pub nom: &'a str,
    pub prenom: &'a str,
    pub mot_de_passe: &'a str,
}

pub fn hacher(mot_de_passe: &str) -> Resultat<String> {
    let sel = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(mot_de_passe.as_bytes(), &sel)
        .map(|h| h.to_string())
        .map_err(|e| Erreur::Invalide(format!("hachage du mot de passe impossible : {e}")))
}

/// Un mot de passe à hacher après la transaction qui l'a enregistré : Argon2 prend des
/// dizaines de millisecondes, que l'écrivain unique ne doit pas attendre.
pub(crate) struct Differe {
    table: &'static str,
    cle: &'static str,
    id: String,
    marque: String,
    mot_de_passe: String,
}

thread_local! {
    /// Les hachages demandés par la transaction en cours sur ce fil ([`crate::Store::ecrire`]
    /// les vide avant, les fait après le COMMIT, les oublie si elle est défaite).
    static A_HACHER: std::cell::RefCell<Vec<Differe>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// La valeur à écrire dans la colonne `mot_de_passe` de la ligne `cle = id` de `table` : une
/// marque, qui ne vérifie aucun mot de passe, remplacée par le hachage juste après la
/// transaction.
pub(crate) fn hacher_apres(table: &'static str, cle: &'static str, id: &str, mot_de_passe: &str) -> String {
    let marque = format!("hachage-en-cours:{}", Uuid::new_v4());
    A_HACHER.with(|v| {
        v.borrow_mut().push(Differe {
            table,
            cle,
            id: id.to_string(),
            marque: marque.clone(),
            mot_de_passe: mot_de_passe.to_string(),
        })
    });
    marque
}

pub(crate) fn oublier_les_hachages() {
    A_HACHER.with(|v| v.borrow_mut().clear());
}

pub(crate) fn prendre_les_hachages() -> Vec<Differe> {
    A_HACHER.with(|v| std::mem::take(&mut *v.borrow_mut()))
}

/// Les hachages d'une transaction, calculés hors de l'écrivain.
pub(crate) fn hacher_les_differes(differes: Vec<Differe>) -> Resultat<Vec<(Differe, String)>> {
    differes
        .into_iter()
        .map(|d| {
            let h = hacher(&d.mot_de_passe)?;
            Ok((d, h))
        })
        .collect()
}

/// Remplace chaque marque par son hachage (si rien ne l'a changée entre-temps).
pub(crate) fn ecrire_les_hachages(c: &Connection, haches: &[(Differe, String)]) -> Resultat<()> {
    for (d, hache) in haches {
        // `table` et `cle` viennent du code du simulateur, jamais d'une saisie.
        c.execute(
            &format!("UPDATE {} SET mot_de_passe = ?1 WHERE {} = ?2 AND mot_de_passe = ?3", d.table, d.cle),
            params![hache, d.id, d.marque],
        )?;
    }
    Ok(())
}

pub(crate) fn verifier(mot_de_passe: &str, hache: &str) -> bool {
    PasswordHash::new(hache)
        .map(|h| Argon2::default().verify_password(mot_de_passe.as_bytes(), &h).is_ok())
        .unwrap_or(false)
}

/// Un hachage quelconque, vérifié quand l'identifiant n'existe pas : la réponse prend le même
/// temps qu'un mauvais mot de passe, et ne trahit donc pas l'existence du compte.
pub(crate) static HACHE_LEURRE: LazyLock<String> =
    LazyLock::new(|| hacher("mot de passe leurre").unwrap_or_default());

pub fn creer(
    c: &Connection,
    bac_id: &str,
    email: &str,
    nom: &str,
    prenom: &str,
    mot_de_passe: &str,
    structure_id: Option<&str>,
) -> Resultat<Utilisateur> {
    let id = Uuid::new_v4().to_string();
    let hache = hacher_apres("utilisateur", "id", &id, mot_de_passe);
    c.execute(
        "INSERT INTO utilisateur (id, bac_id, email, nom, prenom, mot_de_passe, structure_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![id, bac_id, email.trim(), nom, prenom, hache, structure_id],
    )?;
    Ok(Utilisateur {
        id,
        bac_id: bac_id.to_string(),
        email: email.trim().to_string(),
        nom: nom.to_string(),
        prenom: prenom.to_string(),
        structure_id: structure_id.map(str::to_string),
    })
}

const COLONNES: &str = "id, bac_id, email, nom, prenom, structure_id";

fn lire(r: &rusqlite::Row<'_>) -> rusqlite::Result<Utilisateur> {
    Ok(Utilisateur {
        id: r.get(0)?,
        bac_id: r.get(1)?,
        email: r.get(2)?,
        nom: r.get(3)?,
        prenom: r.get(4)?,
        structure_id: r.get(5)?,
    })
}

/// Vérifie identifiant et mot de passe ; la même erreur dans les deux cas d'échec.
pub fn authentifier(c: &Connection, email: &str, mot_de_passe: &str) -> Resultat<Utilisateur> {
    let trouve: Option<(Utilisateur, String)> = c
        .prepare_cached(&format!("SELECT {COLONNES}, mot_de_passe FROM utilisateur WHERE email = ?1"))?
        .query_row([email.trim()], |r| Ok((lire(r)?, r.get(6)?)))
        .optional()?;
    match trouve {
        Some((u, hache)) if verifier(mot_de_passe, &hache) => Ok(u),
        Some(_) => Err(Erreur::Authentification),
        None => {
            let _ = verifier(mot_de_passe, &HACHE_LEURRE);
            Err(Erreur::Authentification)
        }
    }
}

pub fn utilisateur(c: &Connection, id: &str) -> Resultat<Option<Utilisateur>> {
    Ok(c.prepare_cached(&format!("SELECT {COLONNES} FROM utilisateur WHERE id = ?1"))?
        .query_row([id], lire)
        .optional()?)
}

/// Ce que donne une tentative de connexion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Connexion {
    Reussie(Utilisateur),
    /// Identifiant inconnu, compte non activé ou mauvais mot de passe : la même réponse.
    Refusee,
    /// Trop d'échecs : bloqué jusqu'à cette heure (réelle).
    Bloquee(chrono::NaiveDateTime),
}

/// Ce que la vérification du mot de passe a trouvé, avant d'écrire quoi que ce soit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    Bon(Utilisateur),
    /// Mauvais mot de passe d'un compte connu (l'échec sera compté), ou compte inconnu.
    Mauvais(Option<String>),
    Bloque(chrono::NaiveDateTime),
}

/// La lecture et la vérification du mot de passe (Argon2, des dizaines de millisecondes), sur
/// une connexion de lecture : rien n'est écrit ici. `bac` restreint la recherche au bac à sable
/// du poste, s'il est connu ; sans lui, l'adresse est cherchée dans tous les bacs (comptes de
/// démonstration, comptes créés par l'API du formateur), et seule une adresse présente dans un
/// seul bac peut se connecter. Le blocage suit l'heure réelle : c'est une protection, pas un
/// exercice.
pub fn verifier_connexion(
    c: &Connection,
    bac: Option<&str>,
    email: &str,
    mot_de_passe: &str,
    maintenant: chrono::NaiveDateTime,
) -> Resultat<Verification> {
    use chorus_domain::compte as regles;
    // D'abord dans le bac du poste ; sinon partout (un poste de la salle sert à plusieurs comptes
    // de démonstration à la suite), une adresse présente dans un seul bac.
    let mut trouves = chercher(c, bac, email)?;
    if trouves.is_empty() && bac.is_some() {
        trouves = chercher(c, None, email)?;
    }
    let [(u, hache, echecs, dernier)] = trouves.as_slice() else {
        let _ = verifier(mot_de_passe, &HACHE_LEURRE);
        return Ok(Verification::Mauvais(None));
    };
    if regles::est_bloque(*echecs, *dernier, maintenant) {
        return Ok(Verification::Bloque(regles::fin_blocage(*echecs, *dernier).unwrap_or(maintenant)));
    }
    let bon = match hache {
        Some(h) => verifier(mot_de_passe, h),
        None => {
            let _ = verifier(mot_de_passe, &HACHE_LEURRE);
            false
        }
    };
    Ok(if bon { Verification::Bon(u.clone()) } else { Verification::Mauvais(Some(u.id.clone())) })
}

/// Ce que la vérification donne, dans la transaction : un échec est compté (blocage après
/// trop d'échecs). Les échecs ne sont remis à zéro qu'une fois la connexion complète (code
/// compris) : sinon le bon mot de passe permettrait d'essayer des codes sans fin.
pub fn enregistrer_connexion(
    c: &Connection,
    v: Verification,
    maintenant: chrono::NaiveDateTime,
) -> Resultat<Connexion> {
    use chorus_domain::compte as regles;
    Ok(match v {
        Verification::Bon(u) => Connexion::Reussie(u),
        Verification::Bloque(fin) => Connexion::Bloquee(fin),
        Verification::Mauvais(None) => Connexion::Refusee,
        Verification::Mauvais(Some(id)) => {
            let echecs = noter_echec(c, &id, maintenant)?;
            match regles::fin_blocage(echecs, Some(maintenant)) {
                Some(fin) if echecs >= regles::ECHECS_AVANT_BLOCAGE => Connexion::Bloquee(fin),
                _ => Connexion::Refusee,
            }
        }
    })
}

/// Vérifier puis enregistrer, d'un coup (scripts et tests) ; le serveur fait la vérification
/// sur une connexion de lecture, hors de l'écrivain.
pub fn connecter(
    c: &Connection,
    bac: Option<&str>,
    email: &str,
    mot_de_passe: &str,
    maintenant: chrono::NaiveDateTime,
) -> Resultat<Connexion> {
    let v = verifier_connexion(c, bac, email, mot_de_passe, maintenant)?;
    enregistrer_connexion(c, v, maintenant)
}

type Trouve = (Utilisateur, Option<String>, u32, Option<chrono::NaiveDateTime>);

fn chercher(c: &Connection, bac: Option<&str>, email: &str) -> Resultat<Vec<Trouve>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {COLONNES}, mot_de_passe, echecs_connexion, dernier_echec FROM utilisateur
         WHERE email = ?1 AND (?2 IS NULL OR bac_id = ?2) LIMIT 2"
    ))?;
    let v = st
        .query_map(params![email.trim(), bac], |r| Ok((lire(r)?, r.get(6)?, r.get(7)?, r.get(8)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(v)
}

/// Un échec de plus (mauvais mot de passe, mauvais code de connexion) ; le nombre d'échecs
/// consécutifs qui en résulte (après un blocage terminé, le compte repart de un).
pub fn noter_echec(c: &Connection, utilisateur_id: &str, maintenant: chrono::NaiveDateTime) -> Resultat<u32> {
    let (echecs, dernier): (u32, Option<chrono::NaiveDateTime>) = c.query_row(
        "SELECT echecs_connexion, dernier_echec FROM utilisateur WHERE id = ?1",
        [utilisateur_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let nouveau = chorus_domain::compte::echecs_apres_echec(echecs, dernier, maintenant);
    c.execute(
        "UPDATE utilisateur SET echecs_connexion = ?2, dernier_echec = ?3 WHERE id = ?1",
        params![utilisateur_id, nouveau, maintenant],
    )?;
    Ok(nouveau)
}

/// Une connexion réussie (mot de passe, puis code de connexion s'il en faut un) : les échecs
/// consécutifs repartent de zéro.
pub fn noter_succes(c: &Connection, utilisateur_id: &str) -> Resultat<()> {
    c.execute(
        "UPDATE utilisateur SET echecs_connexion = 0, dernier_echec = NULL WHERE id = ?1",
        [utilisateur_id],
    )?;
    Ok(())
}

/// Le compte est-il bloqué en ce moment ?
pub fn blocage(
    c: &Connection,
    utilisateur_id: &str,
    maintenant: chrono::NaiveDateTime,
) -> Resultat<Option<chrono::NaiveDateTime>> {
    let (echecs, dernier): (u32, Option<chrono::NaiveDateTime>) = c.query_row(
        "SELECT echecs_connexion, dernier_echec FROM utilisateur WHERE id = ?1",
        [utilisateur_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(if chorus_domain::compte::est_bloque(echecs, dernier, maintenant) {
        chorus_domain::compte::fin_blocage(echecs, dernier)
    } else {
        None
    })
}

/// Un compte créé par « Créer un compte » : il n'a pas encore de mot de passe (il le choisit en
/// suivant le lien d'activation).
pub fn creer_en_attente(
    c: &Connection,
    bac_id: &str,
    saisie: &chorus_domain::compte::CreationCompte,
) -> Resultat<Utilisateur> {
    let id = Uuid::new_v4().to_string();
    let email = saisie.email_connexion.trim();
    let contact = if saisie.email_contact.trim().is_empty() { email } else { saisie.email_contact.trim() };
    c.execute(
        "INSERT INTO utilisateur (id, bac_id, email, email_contact, nom, prenom, telephone)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![id, bac_id, email, contact, saisie.nom.trim(), saisie.prenom.trim(), saisie.telephone.trim()],
    )?;
    Ok(Utilisateur {
        id,
        bac_id: bac_id.to_string(),
        email: email.to_string(),
        nom: saisie.nom.trim().to_string(),
        prenom: saisie.prenom.trim().to_string(),
        structure_id: None,
    })
}

pub fn par_email(c: &Connection, bac_id: &str, email: &str) -> Resultat<Option<Utilisateur>> {
    Ok(c.prepare_cached(&format!("SELECT {COLONNES} FROM utilisateur WHERE bac_id = ?1 AND email = ?2"))?
        .query_row([bac_id, email.trim()], lire)
        .optional()?)
}

pub fn est_active(c: &Connection, utilisateur_id: &str) -> Resultat<bool> {
    Ok(c.query_row(
        "SELECT mot_de_passe IS NOT NULL FROM utilisateur WHERE id = ?1",
        [utilisateur_id],
        |r| r.get(0),
    )?)
}

/// Choisit (activation) ou change (réinitialisation) le mot de passe ; remet les échecs à zéro.
/// Le mot de passe tiré pour une classe est oublié : celui-ci, le stagiaire l'a choisi, et
/// la carte de ses identifiants ne doit plus rien en dire.
pub fn definir_mot_de_passe(c: &Connection, utilisateur_id: &str, mot_de_passe: &str) -> Resultat<()> {
    let hache = hacher_apres("utilisateur", "id", utilisateur_id, mot_de_passe);
    c.execute(
        "UPDATE utilisateur SET mot_de_passe = ?2, mot_de_passe_initial = NULL, echecs_connexion = 0, dernier_echec = NULL
         WHERE id = ?1",
        params![utilisateur_id, hache],
    )?;
    Ok(())
}

/// L'adresse où arrivent les messages de l'utilisateur (adresse de contact, sinon de connexion).
pub fn adresse_de_contact(c: &Connection, utilisateur_id: &str) -> Resultat<String> {
    Ok(c.query_row(
        "SELECT CASE WHEN email_contact = '' THEN email ELSE email_contact END FROM utilisateur WHERE id = ?1",
        [utilisateur_id],
        |r| r.get(0),
    )?)
}

/// Change la structure de travail de l'utilisateur (sélecteur de structure).
pub fn choisir_structure(c: &Connection, utilisateur_id: &str, structure_id: &str) -> Resultat<()> {
    let n = c.execute(
        "UPDATE utilisateur SET structure_id = ?2 WHERE id = ?1 AND EXISTS (
             SELECT 1 FROM rattachement r WHERE r.utilisateur_id = ?1 AND r.structure_id = ?2 AND r.statut = 'VALIDE')",
        params![utilisateur_id, structure_id],
    )?;
    if n == 0 {
        return Err(Erreur::Introuvable("structure"));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// « Mon compte »
// ---------------------------------------------------------------------------------------------

/// Ce que « Mon compte » affiche et modifie : les informations personnelles (l'adresse de
/// connexion ne change pas : c'est l'identifiant) et les préférences de notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Informations {
    pub email: String,
    pub nom: String,
    pub prenom: String,
    pub telephone: String,
    /// Vide : les messages partent vers l'adresse de connexion.
    pub email_contact: String,
    /// « Recevoir des notifications périodiques d'activité » (un message par jour d'activité).
    pub notification_quotidienne: bool,
    /// « Recevoir le récapitulatif hebdomadaire » (gestionnaires principaux seulement).
    pub recapitulatif_hebdomadaire: bool,
}

/// Les informations du compte, dans son bac à sable.
pub fn informations(c: &Connection, bac_id: &str, utilisateur_id: &str) -> Resultat<Informations> {
    c.prepare_cached(
        "SELECT email, nom, prenom, telephone, email_contact, notification_quotidienne, recapitulatif_hebdomadaire
         FROM utilisateur WHERE bac_id = ?1 AND id = ?2",
    )?
    .query_row([bac_id, utilisateur_id], |r| {
        Ok(Informations {
            email: r.get(0)?,
            nom: r.get(1)?,
            prenom: r.get(2)?,
            telephone: r.get(3)?,
            email_contact: r.get(4)?,
            notification_quotidienne: r.get(5)?,
            recapitulatif_hebdomadaire: r.get(6)?,
        })
    })
    .optional()?
    .ok_or(Erreur::Introuvable("compte"))
}

/// Enregistre nom, prénom, téléphone et adresse de contact (l'adresse de connexion de la saisie
/// est ignorée). La saisie doit avoir passé `chorus_domain::compte::controler_creation`.
pub fn modifier_informations(
    c: &Connection,
    bac_id: &str,
    utilisateur_id: &str,
    saisie: &chorus_domain::compte::CreationCompte,
) -> Resultat<()> {
    let n = c.execute(
        "UPDATE utilisateur SET nom = ?3, prenom = ?4, telephone = ?5, email_contact = ?6 WHERE bac_id = ?1 AND id = ?2",
        params![
            bac_id,
            utilisateur_id,
            saisie.nom.trim(),
            saisie.prenom.trim(),
            saisie.telephone.trim(),
            saisie.email_contact.trim()
        ],
    )?;
    if n == 0 {
        return Err(Erreur::Introuvable("compte"));
    }
    Ok(())
}

/// Enregistre les préférences de notification.
pub fn definir_notifications(
    c: &Connection,
    bac_id: &str,
    utilisateur_id: &str,
    quotidienne: bool,
    hebdomadaire: bool,
) -> Resultat<()> {
    let n = c.execute(
        "UPDATE utilisateur SET notification_quotidienne = ?3, recapitulatif_hebdomadaire = ?4
         WHERE bac_id = ?1 AND id = ?2",
        params![bac_id, utilisateur_id, quotidienne, hebdomadaire],
    )?;
    if n == 0 {
        return Err(Erreur::Introuvable("compte"));
    }
    Ok(())
}

/// Un rattachement du compte, pour « Mes rattachements ».
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RattachementCompte {
    pub structure_id: String,
    pub raison_sociale: String,
    pub identifiant: String,
    pub role: chorus_domain::compte::Role,
    /// `VALIDE`, `EN_ATTENTE` ou `REFUSE`.
    pub statut: String,
}

/// Les structures auxquelles le compte est rattaché ou a demandé à l'être, par raison sociale.
pub fn rattachements(
    c: &Connection,
    bac_id: &str,
    utilisateur_id: &str,
) -> Resultat<Vec<RattachementCompte>> {
    let mut st = c.prepare_cached(
        "SELECT s.id, s.raison_sociale, s.identifiant, r.role, r.statut
         FROM rattachement r JOIN structure s ON s.id = r.structure_id AND s.bac_id = r.bac_id
         WHERE r.bac_id = ?1 AND r.utilisateur_id = ?2
         ORDER BY s.raison_sociale, s.identifiant",
    )?;
    let lignes: Vec<(String, String, String, String, String)> = st
        .query_map([bac_id, utilisateur_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
        .collect::<rusqlite::Result<_>>()?;
    lignes
        .into_iter()
        .map(|(structure_id, raison_sociale, identifiant, role, statut)| {
            Ok(RattachementCompte {
                structure_id,
                raison_sociale,
                identifiant,
                role: chorus_domain::compte::Role::depuis_code(&role)?,
                statut,
            })
        })
        .collect()
}

/// Objet du message de sécurité envoyé après un changement de mot de passe.
pub const OBJET_MOT_DE_PASSE_MODIFIE: &str = "Votre mot de passe a été modifié";

/// Le changement de mot de passe demandé dans « Mon compte ».
#[derive(Debug, Clone, Copy)]
pub struct ChangementMotDePasse<'a> {
    pub actuel: &'a str,
    pub nouveau: &'a str,
    pub confirmation: &'a str,
}

/// Change le mot de passe depuis « Mon compte » : le mot de passe actuel est exigé (un mauvais
/// mot de passe actuel n'est pas compté comme un échec de connexion), le nouveau suit les
/// règles du domaine et diffère de l'actuel. Les anomalies reviennent au formulaire (liste vide
/// : c'est fait). Comme les vrais services, le portail prévient le titulaire par un message :
/// si ce n'est pas lui, il sait qu'il doit réagir.
pub fn changer_mot_de_passe(
    c: &Connection,
    bac_id: &str,
    utilisateur_id: &str,
    ch: ChangementMotDePasse<'_>,
    horloge: &crate::horloge::Horloge,
) -> Resultat<Vec<chorus_domain::Anomalie>> {
    let exact = mot_de_passe_actuel_exact(c, bac_id, utilisateur_id, ch.actuel)?;
    changer_mot_de_passe_verifie(c, bac_id, utilisateur_id, ch, exact, horloge)
}

/// Le mot de passe actuel est-il le bon ? (Argon2 : sur une connexion de lecture, avant la
/// transaction du changement.)
pub fn mot_de_passe_actuel_exact(
    c: &Connection,
    bac_id: &str,
    utilisateur_id: &str,
    actuel: &str,
) -> Resultat<bool> {
    let hache: Option<String> = c
        .query_row(
            "SELECT mot_de_passe FROM utilisateur WHERE bac_id = ?1 AND id = ?2",
            [bac_id, utilisateur_id],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    Ok(!actuel.is_empty() && hache.as_deref().is_some_and(|h| verifier(actuel, h)))
}

/// [`changer_mot_de_passe`], le mot de passe actuel déjà vérifié (`actuel_exact`).
pub fn changer_mot_de_passe_verifie(
    c: &Connection,
    bac_id: &str,
    utilisateur_id: &str,
    ch: ChangementMotDePasse<'_>,
    actuel_exact: bool,
    horloge: &crate::horloge::Horloge,
) -> Resultat<Vec<chorus_domain::Anomalie>> {
    use chorus_domain::Anomalie;
    use chorus_domain::compte as regles;
    let (email, nom): (String, String) = c
        .query_row(
            "SELECT email, nom FROM utilisateur WHERE bac_id = ?1 AND id = ?2",
            [bac_id, utilisateur_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .ok_or(Erreur::Introuvable("compte"))?;
    let mut anomalies = Vec::new();
    if ch.actuel.is_empty() {
        anomalies.push(Anomalie::champ(
            "actuel",
            "MDP_ACTUEL_OBLIGATOIRE",
            "Saisissez votre mot de passe actuel : il est demandé pour vérifier que c'est bien vous.",
        ));
    } else if !actuel_exact {
        anomalies.push(Anomalie::champ(
            "actuel",
            "MDP_ACTUEL_INCORRECT",
            "Le mot de passe actuel est incorrect. Retapez-le ; si vous l'avez oublié, déconnectez-vous et \
             utilisez « Mot de passe oublié ».",
        ));
    }
    anomalies.extend(regles::controler_mot_de_passe(ch.nouveau, ch.confirmation, &email, &nom));
    if !ch.nouveau.is_empty() && ch.nouveau == ch.actuel {
        anomalies.push(Anomalie::champ(
            "mot_de_passe",
            "MDP_IDENTIQUE",
            "Le nouveau mot de passe doit être différent du mot de passe actuel.",
        ));
    }
    if !anomalies.is_empty() {
        return Ok(anomalies);
    }
    definir_mot_de_passe(c, utilisateur_id, ch.nouveau)?;
    let instant = crate::bac::bac(c, bac_id)?.maintenant_simule(horloge);
    let adresse = adresse_de_contact(c, utilisateur_id)?;
    let corps = format!(
        "Bonjour,\n\nLe mot de passe du compte {email} a été modifié le {} à {} depuis « Mon compte ».\n\n\
         Si c'est vous, il n'y a rien à faire. Si vous n'êtes pas à l'origine de ce changement, quelqu'un \
         connaît peut-être votre mot de passe : choisissez-en un nouveau tout de suite avec « Mot de passe \
         oublié » et prévenez le gestionnaire principal de votre structure.",
        instant.format("%d/%m/%Y"),
        instant.format("%H:%M")
    );
    crate::messagerie::envoyer(
        c,
        bac_id,
        crate::messagerie::Nouveau {
            destinataire: &adresse,
            objet: OBJET_MOT_DE_PASSE_MODIFIE,
            corps: &corps,
            lien: Some("/compte/mot-de-passe-oublie"),
        },
        instant,
    )?;
    Ok(Vec::new())
}
