//! Les comptes des formateurs : créés en ligne de commande avec un mot de passe à usage unique
//! (à changer à la première connexion), hachés en Argon2id, bloqués après trop d'échecs comme
//! ceux du portail.

use chorus_domain::compte as regles;
use chrono::NaiveDateTime;
use rand::Rng;
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use crate::compte::{HACHE_LEURRE, hacher_apres, verifier};
use crate::erreur::{Erreur, Resultat};
use crate::horloge::Horloge;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Formateur {
    pub id: String,
    pub email: String,
    /// Le mot de passe à usage unique n'a pas encore été changé.
    pub mot_de_passe_a_changer: bool,
}

/// L'adresse du formateur créé au premier démarrage sur un dossier de données vide.
pub const PREMIER_FORMATEUR: &str = "formateur@exemple.fr";

/// Un mot de passe tiré au hasard qui respecte les règles du portail : quatre groupes
/// « Majuscule, minuscule, chiffre, minuscule » séparés par des tirets (lisible au tableau,
/// ≈ 66 bits d'entropie).
pub fn mot_de_passe_aleatoire() -> String {
    const MAJ: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    const MIN: &[u8] = b"abcdefghijkmnopqrstuvwxyz";
    const CHIFFRES: &[u8] = b"23456789";
    let mut r = rand::rngs::OsRng;
    let mut tire = |jeu: &[u8]| char::from(jeu[r.gen_range(0..jeu.len())]);
    (0..4)
        .map(|_| [tire(MAJ), tire(MIN), tire(CHIFFRES), tire(MIN)].iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// Crée un formateur ; retourne son mot de passe à usage unique (il n'est gardé que haché).
pub fn creer(c: &Connection, email: &str, horloge: &Horloge) -> Resultat<(Formateur, String)> {
    let email = regles::normaliser_email(email);
    if let Some(a) = regles::controler_creation(&regles::CreationCompte {
        email_connexion: email.clone(),
        nom: "Formateur".into(),
        prenom: "Formateur".into(),
        ..Default::default()
    })
    .into_iter()
    .find(|a| a.champ == "email_connexion")
    {
        return Err(Erreur::Invalide(a.message));
    }
    let existe: bool =
        c.query_row("SELECT count(*) > 0 FROM formateur WHERE email = ?1", [&email], |r| r.get(0))?;
    if existe {
        return Err(Erreur::Invalide(format!("Un formateur existe déjà avec l'adresse {email}.")));
    }
    let mot_de_passe = mot_de_passe_aleatoire();
    let id = Uuid::new_v4().to_string();
    c.execute(
        "INSERT INTO formateur (id, email, mot_de_passe, cree_le) VALUES (?1, ?2, ?3, ?4)",
        params![id, email, hacher_apres("formateur", "id", &id, &mot_de_passe), horloge.maintenant()],
    )?;
    Ok((Formateur { id, email, mot_de_passe_a_changer: true }, mot_de_passe))
}

/// Au premier démarrage, un premier formateur ; `None` s'il en existe déjà un.
pub fn creer_premier(c: &Connection, horloge: &Horloge) -> Resultat<Option<(Formateur, String)>> {
    let aucun: bool = c.query_row("SELECT count(*) = 0 FROM formateur", [], |r| r.get(0))?;
    if aucun { creer(c, PREMIER_FORMATEUR, horloge).map(Some) } else { Ok(None) }
}

/// Lit `id, email, a_changer`, dans cet ordre.
pub(crate) fn depuis_ligne(r: &rusqlite::Row<'_>) -> rusqlite::Result<Formateur> {
    Ok(Formateur { id: r.get(0)?, email: r.get(1)?, mot_de_passe_a_changer: r.get(2)? })
}

pub fn formateur(c: &Connection, id: &str) -> Resultat<Option<Formateur>> {
    Ok(c.prepare_cached("SELECT id, email, a_changer FROM formateur WHERE id = ?1")?
        .query_row([id], depuis_ligne)
        .optional()?)
}

/// Le premier formateur (le plus ancien) : celui que `serve` crée sur un dossier de données
/// vide, à qui revient le jeton donné au démarrage (`--trainer-token`).
pub fn premier(c: &Connection) -> Resultat<Option<Formateur>> {
    Ok(c.prepare_cached("SELECT id, email, a_changer FROM formateur ORDER BY cree_le, rowid LIMIT 1")?
        .query_row([], depuis_ligne)
        .optional()?)
}

pub fn par_email(c: &Connection, email: &str) -> Resultat<Option<Formateur>> {
    Ok(c.prepare_cached("SELECT id, email, a_changer FROM formateur WHERE email = ?1")?
        .query_row([regles::normaliser_email(email)], depuis_ligne)
        .optional()?)
}

/// Ce que les documents de formation disent du formateur.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Profil {
    /// Son prénom et son nom (vide tant qu'il ne l'a pas donné).
    pub nom: String,
    /// Son organisme de formation (facultatif).
    pub organisme: String,
}

pub fn profil(c: &Connection, formateur_id: &str) -> Resultat<Profil> {
    c.prepare_cached("SELECT nom, organisme FROM formateur WHERE id = ?1")?
        .query_row([formateur_id], |r| Ok(Profil { nom: r.get(0)?, organisme: r.get(1)? }))
        .optional()?
        .ok_or(Erreur::Introuvable("formateur"))
}

/// Enregistre le nom et l'organisme du formateur, contrôlés par le domaine.
pub fn definir_profil(c: &Connection, formateur_id: &str, nom: &str, organisme: &str) -> Resultat<Profil> {
    let (nom, organisme) =
        chorus_domain::classe::controler_profil_formateur(nom, organisme).map_err(Erreur::Anomalies)?;
    let n = c.execute(
        "UPDATE formateur SET nom = ?2, organisme = ?3 WHERE id = ?1",
        params![formateur_id, nom, organisme],
    )?;
    if n == 0 {
        return Err(Erreur::Introuvable("formateur"));
    }
    Ok(Profil { nom, organisme })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Connexion {
    Reussie(Formateur),
    Refusee,
    Bloquee(NaiveDateTime),
}

/// Ce que la vérification du mot de passe d'un formateur a trouvé, avant d'écrire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    Bon(Formateur),
    Mauvais(Option<String>),
    Bloque(NaiveDateTime),
}

/// La lecture et la vérification (Argon2), sur une connexion de lecture, avec les mêmes
/// règles de blocage que le portail (heure réelle).
pub fn verifier_connexion(
    c: &Connection,
    email: &str,
    mot_de_passe: &str,
    maintenant: NaiveDateTime,
) -> Resultat<Verification> {
    let trouve: Option<(Formateur, String, u32, Option<NaiveDateTime>)> = c
        .prepare_cached(
            "SELECT id, email, a_changer, mot_de_passe, echecs_connexion, dernier_echec FROM formateur
             WHERE email = ?1",
        )?
        .query_row([email.trim()], |r| {
            Ok((
                Formateur { id: r.get(0)?, email: r.get(1)?, mot_de_passe_a_changer: r.get(2)? },
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .optional()?;
    let Some((f, hache, echecs, dernier)) = trouve else {
        let _ = verifier(mot_de_passe, &HACHE_LEURRE);
        return Ok(Verification::Mauvais(None));
    };
    if regles::est_bloque(echecs, dernier, maintenant) {
        return Ok(Verification::Bloque(regles::fin_blocage(echecs, dernier).unwrap_or(maintenant)));
    }
    Ok(if verifier(mot_de_passe, &hache) { Verification::Bon(f) } else { Verification::Mauvais(Some(f.id)) })
}

/// Ce que la vérification donne, dans la transaction : les échecs comptés ou remis à zéro.
pub fn enregistrer_connexion(
    c: &Connection,
    v: Verification,
    maintenant: NaiveDateTime,
) -> Resultat<Connexion> {
    Ok(match v {
        Verification::Bon(f) => {
            c.execute(
                "UPDATE formateur SET echecs_connexion = 0, dernier_echec = NULL WHERE id = ?1",
                [&f.id],
            )?;
            Connexion::Reussie(f)
        }
        Verification::Bloque(fin) => Connexion::Bloquee(fin),
        Verification::Mauvais(None) => Connexion::Refusee,
        Verification::Mauvais(Some(id)) => {
            let (echecs, dernier): (u32, Option<NaiveDateTime>) = c.query_row(
                "SELECT echecs_connexion, dernier_echec FROM formateur WHERE id = ?1",
                [&id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let echecs = regles::echecs_apres_echec(echecs, dernier, maintenant);
            c.execute(
                "UPDATE formateur SET echecs_connexion = ?2, dernier_echec = ?3 WHERE id = ?1",
                params![id, echecs, maintenant],
            )?;
            match regles::fin_blocage(echecs, Some(maintenant)) {
                Some(fin) => Connexion::Bloquee(fin),
                None => Connexion::Refusee,
            }
        }
    })
}

/// Vérifier puis enregistrer, d'un coup (scripts et tests).
pub fn connecter(
    c: &Connection,
    email: &str,
    mot_de_passe: &str,
    maintenant: NaiveDateTime,
) -> Resultat<Connexion> {
    let v = verifier_connexion(c, email, mot_de_passe, maintenant)?;
    enregistrer_connexion(c, v, maintenant)
}

/// Remplace le mot de passe (à usage unique ou non) après contrôle des règles du portail.
pub fn changer_mot_de_passe(
    c: &Connection,
    formateur_id: &str,
    nouveau: &str,
    confirmation: &str,
) -> Resultat<()> {
    let f = formateur(c, formateur_id)?.ok_or(Erreur::Introuvable("formateur"))?;
    let anomalies = regles::controler_mot_de_passe(nouveau, confirmation, &f.email, "");
    if !anomalies.is_empty() {
        return Err(Erreur::Anomalies(anomalies));
    }
    c.execute(
        "UPDATE formateur SET mot_de_passe = ?2, a_changer = 0 WHERE id = ?1",
        params![formateur_id, hacher_apres("formateur", "id", formateur_id, nouveau)],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn les_mots_de_passe_tires_respectent_les_regles() {
        for _ in 0..50 {
            let m = mot_de_passe_aleatoire();
            assert_eq!(m.chars().count(), 19);
            assert!(regles::controler_mot_de_passe(&m, &m, "formateur@exemple.fr", "").is_empty(), "{m}");
        }
    }
}
