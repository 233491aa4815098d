//! Les classes d'un formateur et leurs stagiaires. Un stagiaire rejoint une classe avec le code
//! court affiché au tableau et son seul nom : il reçoit un bac à sable construit depuis le point
//! de départ de la classe. Deux stagiaires peuvent partager un bac (binôme) : l'un est alors le
//! gestionnaire principal de la structure que l'autre demande à rejoindre.
//!
//! Tout ce qui part d'un formateur passe par `charger(formateur, classe)` : un formateur
//! n'atteint que ses classes.

use chorus_domain::Anomalie;
use chorus_domain::classe::{self as regles, Depart, DescriptionClasse};
use chorus_domain::scenario::{Mode, Scenario};
use chrono::NaiveDate;
use rand::Rng;
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use crate::compte::{self, Utilisateur};
use crate::depart;
use crate::depart::PointDepart;
use crate::erreur::{Erreur, Resultat};
use crate::horloge::Horloge;
use crate::moteur;
use crate::{reference, scenario};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classe {
    pub id: String,
    pub formateur_id: String,
    pub titre: String,
    pub date_debut: NaiveDate,
    pub date_fin: NaiveDate,
    pub demi_journees: u8,
    pub lieu: String,
    pub organisme: String,
    pub code: String,
    pub depart: Depart,
    pub double_authentification: bool,
}

impl Classe {
    pub fn heures(&self) -> f32 {
        f32::from(self.demi_journees) * regles::HEURES_PAR_DEMI_JOURNEE
    }
}

const COLONNES: &str = "id, formateur_id, titre, date_debut, date_fin, demi_journees, lieu, organisme, code, \
                        depart, double_authentification";

fn lire(r: &rusqlite::Row<'_>) -> rusqlite::Result<Classe> {
    let depart: String = r.get(9)?;
    Ok(Classe {
        id: r.get(0)?,
        formateur_id: r.get(1)?,
        titre: r.get(2)?,
        date_debut: r.get(3)?,
        date_fin: r.get(4)?,
        demi_journees: r.get(5)?,
        lieu: r.get(6)?,
        organisme: r.get(7)?,
        code: r.get(8)?,
        depart: Depart::depuis_code(&depart).unwrap_or(Depart::PratiqueLibre),
        double_authentification: r.get(10)?,
    })
}

fn code_aleatoire() -> String {
    let mut r = rand::rngs::OsRng;
    (0..regles::LONGUEUR_CODE)
        .map(|_| char::from(regles::ALPHABET_CODE[r.gen_range(0..regles::ALPHABET_CODE.len())]))
        .collect()
}

/// Un code libre dans `table.colonne` (les collisions sont rarissimes : on retire).
fn code_libre(c: &Connection, requete: &str) -> Resultat<String> {
    loop {
        let code = code_aleatoire();
        let pris: bool = c.prepare_cached(requete)?.query_row([&code], |r| r.get(0))?;
        if !pris {
            return Ok(code);
        }
    }
}

/// Crée une classe ; la double authentification y est active par défaut, comme sur le portail.
pub fn creer(
    c: &Connection,
    formateur_id: &str,
    d: &DescriptionClasse,
    horloge: &Horloge,
) -> Resultat<Classe> {
    let id = Uuid::new_v4().to_string();
    let code = code_libre(c, "SELECT count(*) > 0 FROM classe WHERE code = ?1")?;
    c.execute(
        "INSERT INTO classe (id, formateur_id, titre, date_debut, date_fin, demi_journees, lieu, organisme, code,
                             depart, cree_le)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            id,
            formateur_id,
            d.titre,
            d.date_debut,
            d.date_fin,
            d.demi_journees,
            d.lieu,
            d.organisme,
            code,
            d.depart.code(),
            horloge.maintenant()
        ],
    )?;
    charger(c, formateur_id, &id)
}

/// Les classes du formateur, les plus récentes d'abord, avec leur nombre de stagiaires.
pub fn lister(c: &Connection, formateur_id: &str) -> Resultat<Vec<(Classe, usize)>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {COLONNES}, (SELECT count(*) FROM participant p WHERE p.classe_id = classe.id)
         FROM classe WHERE formateur_id = ?1 ORDER BY date_debut DESC, cree_le DESC"
    ))?;
    let v = st.query_map([formateur_id], |r| Ok((lire(r)?, r.get(11)?)))?.collect::<rusqlite::Result<_>>()?;
    Ok(v)
}

/// Les `limite` classes les plus récentes du formateur, et le nombre de toutes ses classes : la
/// console d'un centre qui tient cent classes par an n'affiche pas l'année entière.
pub fn lister_recentes(
    c: &Connection,
    formateur_id: &str,
    limite: usize,
) -> Resultat<(Vec<(Classe, usize)>, usize)> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {COLONNES}, (SELECT count(*) FROM participant p WHERE p.classe_id = classe.id)
         FROM classe WHERE formateur_id = ?1 ORDER BY date_debut DESC, cree_le DESC LIMIT ?2"
    ))?;
    let v = st
        .query_map(params![formateur_id, limite as i64], |r| Ok((lire(r)?, r.get(11)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let total: i64 = c
        .prepare_cached("SELECT count(*) FROM classe WHERE formateur_id = ?1")?
        .query_row([formateur_id], |r| r.get(0))?;
    Ok((v, total.max(0) as usize))
}

/// Une classe du formateur ; celle d'un autre formateur est « introuvable ».
pub fn charger(c: &Connection, formateur_id: &str, classe_id: &str) -> Resultat<Classe> {
    c.prepare_cached(&format!("SELECT {COLONNES} FROM classe WHERE id = ?1 AND formateur_id = ?2"))?
        .query_row([classe_id, formateur_id], lire)
        .optional()?
        .ok_or(Erreur::Introuvable("classe"))
}

/// La classe d'un stagiaire et son nom : ce que le stagiaire voit de sa classe passe par son
/// identifiant de participant (celui de sa session), jamais par celui d'une classe.
pub fn du_participant(c: &Connection, participant_id: &str) -> Resultat<(Classe, String)> {
    let colonnes: String = COLONNES.split(", ").map(|col| format!("c.{col}")).collect::<Vec<_>>().join(", ");
    c.prepare_cached(&format!(
        "SELECT {colonnes}, p.nom FROM participant p JOIN classe c ON c.id = p.classe_id WHERE p.id = ?1"
    ))?
    .query_row([participant_id], |r| Ok((lire(r)?, r.get(11)?)))
    .optional()?
    .ok_or(Erreur::Introuvable("stagiaire"))
}

pub fn par_code(c: &Connection, code: &str) -> Resultat<Option<Classe>> {
    Ok(c.prepare_cached(&format!("SELECT {COLONNES} FROM classe WHERE code = ?1"))?
        .query_row([code], lire)
        .optional()?)
}

/// Un stagiaire de la classe, tel que le formateur le suit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    pub id: String,
    pub classe_id: String,
    pub bac_id: String,
    pub nom: String,
    pub rang: u32,
    pub code_binome: String,
    /// Les identifiants de connexion des comptes qu'il a créés ou reçus.
    pub identifiants: Vec<String>,
    /// Les autres stagiaires du même bac à sable.
    pub binomes: Vec<String>,
    pub decalage_jours: i64,
}

/// Les stagiaires de la classe, dans l'ordre d'arrivée.
pub fn participants(c: &Connection, classe_id: &str) -> Resultat<Vec<Participant>> {
    let mut st = c.prepare_cached(
        "SELECT p.id, p.classe_id, p.bac_id, p.nom, p.rang, p.code_binome, b.decalage_jours,
                (SELECT group_concat(email, ' ') FROM
                    (SELECT u.email FROM utilisateur u WHERE u.participant_id = p.id ORDER BY u.rowid)),
                (SELECT group_concat(q.nom, ', ') FROM participant q WHERE q.bac_id = p.bac_id AND q.id <> p.id)
         FROM participant p JOIN bac b ON b.id = p.bac_id
         WHERE p.classe_id = ?1 ORDER BY p.rang",
    )?;
    let v = st
        .query_map([classe_id], |r| {
            let liste = |i: usize, sep: &str| -> rusqlite::Result<Vec<String>> {
                Ok(r.get::<_, Option<String>>(i)?
                    .map(|s| s.split(sep).map(str::to_string).collect())
                    .unwrap_or_default())
            };
            Ok(Participant {
                id: r.get(0)?,
                classe_id: r.get(1)?,
                bac_id: r.get(2)?,
                nom: r.get(3)?,
                rang: r.get(4)?,
                code_binome: r.get(5)?,
                decalage_jours: r.get(6)?,
                identifiants: liste(7, " ")?,
                binomes: liste(8, ", ")?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(v)
}

/// Un stagiaire d'une classe du formateur (sinon « introuvable »).
pub fn participant(c: &Connection, formateur_id: &str, classe_id: &str, id: &str) -> Resultat<Participant> {
    charger(c, formateur_id, classe_id)?;
    participants(c, classe_id)?.into_iter().find(|p| p.id == id).ok_or(Erreur::Introuvable("stagiaire"))
}

/// Ce que reçoit un stagiaire qui rejoint une classe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arrivee {
    pub classe: Classe,
    pub participant_id: String,
    pub bac_id: String,
    pub code_binome: String,
    /// Le compte prêt à l'emploi et son mot de passe (affiché une fois), en pratique libre.
    pub compte: Option<(Utilisateur, String)>,
}

/// Pourquoi on ne peut pas rejoindre : le message dit quoi faire.
fn refus(champ: &str, code: &'static str, message: &str) -> Erreur {
    Erreur::Anomalies(vec![Anomalie::champ(champ, code, message)])
}

/// La classe du code tapé par un stagiaire.
fn classe_du_code(c: &Connection, code: &str) -> Resultat<Classe> {
    let inconnu =
        "Aucune classe n'a ce code. Vérifiez-le au tableau (6 caractères, sans 0 ni O, sans 1 ni I).";
    let code = regles::normaliser_code(code).ok_or_else(|| refus("code", "CODE_CLASSE", inconnu))?;
    let classe = par_code(c, &code)?.ok_or_else(|| refus("code", "CODE_CLASSE", inconnu))?;
    let close: bool = c
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM cloture_classe WHERE classe_id = ?1)")?
        .query_row([&classe.id], |r| r.get(0))?;
    if close {
        return Err(refus(
            "code",
            "CLASSE_CLOSE",
            "Cette classe est close : on ne peut plus la rejoindre. Demandez à votre formateur.",
        ));
    }
    Ok(classe)
}

/// Un stagiaire déjà inscrit dans la classe sous le nom qu'on vient de taper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Homonyme {
    pub participant_id: String,
    pub nom: String,
    /// Les identifiants de connexion de ses comptes ; vide : il n'en a pas encore.
    pub identifiants: Vec<String>,
}

/// Ce que donne « Rejoindre la classe » sur le portail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entree {
    Arrivee(Arrivee),
    /// Ce nom figure déjà dans la classe : sans doute le même stagiaire, revenu sur un autre
    /// poste, qui doit retrouver son bac à sable plutôt que d'en recevoir un vide. Rien n'est
    /// créé.
    DejaInscrit {
        classe: Classe,
        nom: String,
        homonymes: Vec<Homonyme>,
    },
}

/// Les stagiaires de la classe qui portent ce nom, casse, accents et espaces mis à part (le
/// nom qu'on tape pour émarger se compare de la même façon).
fn homonymes(c: &Connection, classe_id: &str, nom: &str) -> Resultat<Vec<Participant>> {
    Ok(participants(c, classe_id)?
        .into_iter()
        .filter(|p| chorus_domain::emargement::nom_concorde(nom, &p.nom, reference::normaliser))
        .collect())
}

/// « Rejoindre la classe » depuis le portail : comme [`rejoindre`], sauf si le nom figure déjà
/// dans la classe et que le stagiaire n'a pas confirmé être une autre personne
/// (`autre_personne`) ; on lui propose alors de reprendre sa place.
pub fn rejoindre_sans_doublon(
    c: &Connection,
    code: &str,
    nom: &str,
    binome: Option<&str>,
    autre_personne: bool,
    horloge: &Horloge,
) -> Resultat<Entree> {
    let classe = classe_du_code(c, code)?;
    let nom_controle = regles::controler_nom_stagiaire(nom).map_err(|a| Erreur::Anomalies(vec![a]))?;
    if !autre_personne {
        let homonymes: Vec<Homonyme> = homonymes(c, &classe.id, &nom_controle)?
            .into_iter()
            .map(|p| Homonyme { participant_id: p.id, nom: p.nom, identifiants: p.identifiants })
            .collect();
        if !homonymes.is_empty() {
            return Ok(Entree::DejaInscrit { classe, nom: nom_controle, homonymes });
        }
    }
    rejoindre(c, code, nom, binome, horloge).map(Entree::Arrivee)
}

/// Un stagiaire revenu sur un autre poste reprend sa place dans la classe, s'il n'a pas encore
/// de compte (sinon, c'est en se connectant à son compte qu'il la retrouve : son mot de passe
/// prouve qui il est). Le nom tapé doit être le sien.
pub fn reprendre_sans_compte(
    c: &Connection,
    code: &str,
    nom: &str,
    participant_id: &str,
) -> Resultat<Arrivee> {
    let classe = classe_du_code(c, code)?;
    let p = homonymes(c, &classe.id, nom)?
        .into_iter()
        .find(|p| p.id == participant_id)
        .ok_or(Erreur::Introuvable("stagiaire"))?;
    if let Some(identifiant) = p.identifiants.first() {
        return Err(Erreur::Invalide(format!(
            "{} a déjà un compte : reconnectez-vous avec l'identifiant {identifiant} et son mot de passe.",
            p.nom
        )));
    }
    Ok(Arrivee { classe, participant_id: p.id, bac_id: p.bac_id, code_binome: p.code_binome, compte: None })
}

/// Le stagiaire de classe à qui appartient ce compte, s'il y en a un : la connexion à ce compte,
/// depuis n'importe quel poste, rend au stagiaire sa place dans la classe.
pub fn participant_du_compte(c: &Connection, utilisateur_id: &str) -> Resultat<Option<String>> {
    Ok(c.prepare_cached(
        "SELECT p.id FROM utilisateur u JOIN participant p ON p.id = u.participant_id AND p.bac_id = u.bac_id
         WHERE u.id = ?1",
    )?
    .query_row([utilisateur_id], |r| r.get(0))
    .optional()?)
}

/// Rejoindre la classe de code `code` sous le nom `nom` ; avec `binome`, le code de binôme d'un
/// collègue de la même classe, pour partager son bac à sable (et son entreprise).
pub fn rejoindre(
    c: &Connection,
    code: &str,
    nom: &str,
    binome: Option<&str>,
    horloge: &Horloge,
) -> Resultat<Arrivee> {
    let classe = classe_du_code(c, code)?;
    let nom = regles::controler_nom_stagiaire(nom).map_err(|a| Erreur::Anomalies(vec![a]))?;
    let rang: u32 = c.query_row(
        "SELECT coalesce(max(rang), 0) + 1 FROM participant WHERE classe_id = ?1",
        [&classe.id],
        |r| r.get(0),
    )?;
    if rang as usize > regles::STAGIAIRES_MAX {
        return Err(refus(
            "code",
            "CLASSE_COMPLETE",
            &format!(
                "Cette classe compte déjà {} stagiaires : adressez-vous au formateur.",
                regles::STAGIAIRES_MAX
            ),
        ));
    }
    let binome = match binome.map(str::trim).filter(|b| !b.is_empty()) {
        None => None,
        Some(b) => {
            let message = "Aucun stagiaire de cette classe n'a ce code de binôme. Demandez-le à votre collègue : \
                           il est affiché sur sa page de bienvenue, et le formateur le retrouve dans sa console.";
            let b = regles::normaliser_code(b).ok_or_else(|| refus("binome", "CODE_BINOME", message))?;
            let bac_id: Option<String> = c
                .query_row(
                    "SELECT bac_id FROM participant WHERE classe_id = ?1 AND code_binome = ?2",
                    [&classe.id, &b],
                    |r| r.get(0),
                )
                .optional()?;
            Some(bac_id.ok_or_else(|| refus("binome", "CODE_BINOME", message))?)
        }
    };
    let participant_id = Uuid::new_v4().to_string();
    let code_binome = code_libre(c, "SELECT count(*) > 0 FROM participant WHERE code_binome = ?1")?;
    let bac_id = match &binome {
        Some(b) => b.clone(),
        None => creer_bac(c, &classe, &nom, rang, horloge)?,
    };
    c.execute(
        "INSERT INTO participant (id, classe_id, bac_id, nom, code_binome, rang, rejoint_le)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![participant_id, classe.id, bac_id, nom, code_binome, rang, horloge.maintenant()],
    )?;
    let compte = match classe.depart {
        Depart::CreationDuCompte => None,
        Depart::PratiqueLibre => {
            // Le titulaire du bac reçoit l'entreprise ; son binôme un compte sans structure, qui
            // demande à la rejoindre : le premier valide la demande.
            let structure: Option<String> = match binome {
                Some(_) => None,
                None => c
                    .query_row("SELECT id FROM structure WHERE bac_id = ?1 LIMIT 1", [&bac_id], |r| r.get(0))
                    .optional()?,
            };
            let (prenom, nom_famille) = regles::decouper_nom(&nom);
            let email = regles::identifiant_stagiaire(&code_binome);
            let mot_de_passe = mot_de_passe_de_classe(&email, &nom);
            let u = compte::creer(
                c,
                &bac_id,
                &email,
                &nom_famille,
                &prenom,
                &mot_de_passe,
                structure.as_deref(),
            )?;
            if let Some(s) = &structure {
                c.execute(
                    "INSERT INTO rattachement (utilisateur_id, structure_id, bac_id, role, statut)
                     VALUES (?1, ?2, ?3, 'GESTIONNAIRE_PRINCIPAL', 'VALIDE')",
                    params![u.id, s, bac_id],
                )?;
                crate::structure::initialiser_espaces(c, &bac_id, s)?;
            }
            // Le mot de passe tiré est gardé pour la carte que le formateur imprime.
            c.execute(
                "UPDATE utilisateur SET participant_id = ?2, mot_de_passe_initial = ?3 WHERE id = ?1",
                [&u.id, &participant_id, &mot_de_passe],
            )?;

            Some((u, mot_de_passe))
        }
    };
    // L'exercice que fait déjà la classe attend le retardataire (son binôme, qui partage son
    // bac, l'a déjà) ; un exercice qui demande une structure attend qu'il l'ait créée.
    if binome.is_none()
        && let Some((s, mode)) = exercice(c, &classe.id)?
    {
        let structure = scenario::structure_du_stagiaire(c, &bac_id)?;
        if structure.is_some() || !s.depart.demande_une_structure() {
            scenario::commencer(c, &bac_id, (&s, mode), structure.as_deref(), horloge)?;
        }
    }
    Ok(Arrivee { classe, participant_id, bac_id, code_binome, compte })
}

fn creer_bac(c: &Connection, classe: &Classe, nom: &str, rang: u32, horloge: &Horloge) -> Resultat<String> {
    let libelle = format!("{} — {nom}", classe.titre);
    let bac_id = match classe.depart {
        Depart::CreationDuCompte => {
            depart::creer_vide(c, &libelle, &PointDepart::CreationDuCompte, horloge)?.id
        }
        Depart::PratiqueLibre => {
            // Chaque stagiaire reçoit une entreprise différente du registre fictif (au-delà de
            // la quarantaine, on recommence : les bacs sont isolés, deux homonymes ne se voient pas).
            let entreprises = reference::entreprises_stagiaires(c)?;
            let e = entreprises
                .get((rang as usize - 1) % entreprises.len().max(1))
                .ok_or(Erreur::Introuvable("entreprise du registre"))?;
            let id = Uuid::new_v4().to_string();
            depart::inserer_pratique_libre(c, &id, &libelle, e, horloge)?;
            id
        }
    };
    c.execute(
        "UPDATE bac SET double_authentification = ?2 WHERE id = ?1",
        params![bac_id, classe.double_authentification],
    )?;
    Ok(bac_id)
}

/// Les stagiaires (noms) d'un bac à sable, s'il appartient à une classe du formateur ; `None`
/// sinon : le formateur ne joue l'acheteur que chez ses propres stagiaires.
pub fn stagiaires_du_bac(c: &Connection, formateur_id: &str, bac_id: &str) -> Resultat<Option<String>> {
    Ok(c.query_row(
        "SELECT group_concat(p.nom, ', ') FROM participant p JOIN classe c ON c.id = p.classe_id
         WHERE p.bac_id = ?1 AND c.formateur_id = ?2",
        [bac_id, formateur_id],
        |r| r.get::<_, Option<String>>(0),
    )?)
}

/// Le stagiaire de classe `participant_id` travaille-t-il dans ce bac ?
pub fn participant_du_bac(c: &Connection, participant_id: &str, bac_id: &str) -> Resultat<bool> {
    Ok(c.query_row(
        "SELECT count(*) > 0 FROM participant WHERE id = ?1 AND bac_id = ?2",
        [participant_id, bac_id],
        |r| r.get(0),
    )?)
}

/// Le compte créé sur le poste d'un stagiaire de classe est le sien (sa messagerie, la
/// feuille de suivi du formateur).
pub fn attribuer_compte(
    c: &Connection,
    participant_id: &str,
    bac_id: &str,
    utilisateur_id: &str,
) -> Resultat<()> {
    c.execute(
        "UPDATE utilisateur SET participant_id = ?1
         WHERE id = ?3 AND bac_id = ?2 AND EXISTS (SELECT 1 FROM participant WHERE id = ?1 AND bac_id = ?2)",
        [participant_id, bac_id, utilisateur_id],
    )?;
    Ok(())
}

/// Les bacs à sable (distincts) d'une classe, ou d'un seul de ses stagiaires.
fn bacs(
    c: &Connection,
    formateur_id: &str,
    classe_id: &str,
    participant: Option<&str>,
) -> Resultat<Vec<String>> {
    charger(c, formateur_id, classe_id)?;
    let mut st = c.prepare_cached(
        "SELECT DISTINCT bac_id FROM participant WHERE classe_id = ?1 AND (?2 IS NULL OR id = ?2) ORDER BY bac_id",
    )?;
    let v: Vec<String> =
        st.query_map(params![classe_id, participant], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    if participant.is_some() && v.is_empty() {
        return Err(Erreur::Introuvable("stagiaire"));
    }
    Ok(v)
}

/// Ramène au point de départ la classe entière, ou un seul stagiaire (et son binôme, qui
/// partage son bac) ; retourne le nombre de bacs réinitialisés.
pub fn reinitialiser(
    c: &Connection,
    formateur_id: &str,
    classe_id: &str,
    participant: Option<&str>,
) -> Resultat<usize> {
    let bacs = bacs(c, formateur_id, classe_id, participant)?;
    for b in &bacs {
        depart::reinitialiser(c, b)?;
    }
    Ok(bacs.len())
}

/// Avance l'horloge de la classe entière ou d'un stagiaire ; les parties simulées jouent.
pub fn avancer(
    c: &Connection,
    formateur_id: &str,
    classe_id: &str,
    participant: Option<&str>,
    jours: u32,
    horloge: &Horloge,
) -> Resultat<usize> {
    let bacs = bacs(c, formateur_id, classe_id, participant)?;
    for b in &bacs {
        moteur::avancer(c, b, jours, horloge)?;
    }
    Ok(bacs.len())
}

/// Active ou coupe la double authentification pour toute la classe (et ses futurs stagiaires).
pub fn regler_double_authentification(
    c: &Connection,
    formateur_id: &str,
    classe_id: &str,
    active: bool,
) -> Resultat<()> {
    charger(c, formateur_id, classe_id)?;
    c.execute("UPDATE classe SET double_authentification = ?2 WHERE id = ?1", params![classe_id, active])?;
    c.execute(
        "UPDATE bac SET double_authentification = ?2 WHERE id IN (SELECT bac_id FROM participant WHERE classe_id = ?1)",
        params![classe_id, active],
    )?;
    Ok(())
}

/// Un nouveau mot de passe pour un compte d'un stagiaire de la classe (il l'a oublié) ; le
/// compte est débloqué.
pub fn nouveau_mot_de_passe(
    c: &Connection,
    formateur_id: &str,
    classe_id: &str,
    participant_id: &str,
) -> Resultat<(String, String)> {
    let p = participant(c, formateur_id, classe_id, participant_id)?;
    let email = p.identifiants.first().ok_or_else(|| {
        Erreur::Invalide(format!("{} n'a pas encore de compte : il doit d'abord le créer.", p.nom))
    })?;
    let u = compte::par_email(c, &p.bac_id, email)?.ok_or(Erreur::Introuvable("compte"))?;
    let mot_de_passe = mot_de_passe_de_classe(email, &p.nom);
    compte::definir_mot_de_passe(c, &u.id, &mot_de_passe)?;
    // Donné par le formateur, il va sur la carte comme celui de l'arrivée.
    c.execute("UPDATE utilisateur SET mot_de_passe_initial = ?2 WHERE id = ?1", [&u.id, &mot_de_passe])?;
    compte::noter_succes(c, &u.id)?;
    Ok((email.clone(), mot_de_passe))
}

/// Un mot de passe de classe (`Jardin-47-Pomme`) qui respecte les règles du portail pour ce
/// compte : tiré de nouveau dans le cas rarissime où un mot rappelle le nom du stagiaire.
fn mot_de_passe_de_classe(email: &str, nom: &str) -> String {
    let mut r = rand::rngs::OsRng;
    (0..1000)
        .map(|_| regles::mot_de_passe_de_classe(|n| r.gen_range(0..n)))
        .find(|m| chorus_domain::compte::controler_mot_de_passe(m, m, email, nom).is_empty())
        // Un nom fait de morceaux de tous les mots de la liste : des groupes tirés au hasard.
        .unwrap_or_else(crate::formateur::mot_de_passe_aleatoire)
}

/// La carte des identifiants d'un stagiaire, que le formateur imprime et découpe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Carte {
    pub rang: u32,
    pub nom: String,
    pub code_binome: String,
    /// L'identifiant de connexion de son compte (le premier, s'il en a créé plusieurs).
    pub identifiant: Option<String>,
    /// Le compte a un mot de passe (en création du compte : activé).
    pub compte_active: bool,
    /// Le mot de passe tiré par le simulateur, tant que le stagiaire ne l'a pas changé.
    pub mot_de_passe: Option<String>,
}

/// Les cartes des identifiants des stagiaires d'une classe du formateur, dans l'ordre
/// d'arrivée.
pub fn cartes(c: &Connection, formateur_id: &str, classe_id: &str) -> Resultat<(Classe, Vec<Carte>)> {
    let classe = charger(c, formateur_id, classe_id)?;
    let mut st = c.prepare_cached(
        "SELECT p.rang, p.nom, p.code_binome, u.email, u.mot_de_passe IS NOT NULL, u.mot_de_passe_initial
         FROM participant p
         LEFT JOIN utilisateur u ON u.id = (SELECT v.id FROM utilisateur v WHERE v.participant_id = p.id
                                            ORDER BY v.rowid LIMIT 1)
         WHERE p.classe_id = ?1 ORDER BY p.rang",
    )?;
    let cartes = st
        .query_map([&classe.id], |r| {
            Ok(Carte {
                rang: r.get(0)?,
                nom: r.get(1)?,
                code_binome: r.get(2)?,
                identifiant: r.get(3)?,
                compte_active: r.get::<_, Option<bool>>(4)?.unwrap_or(false),
                mot_de_passe: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok((classe, cartes))
}

/// Ce que donne le lancement d'un exercice pour toute la classe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LancementExercice {
    /// Bacs à sable où l'exercice a commencé (ou s'est arrêté).
    pub bacs: usize,
    /// Stagiaires sans structure fournisseur (création du compte pas finie) : l'exercice ne
    /// peut pas commencer chez eux ; le formateur le relancera.
    pub sans_structure: Vec<String>,
}

/// Lance un exercice dans le bac de chaque stagiaire de la classe (qui repart de zéro), ou
/// l'arrête (`None`, les factures restent) ; les stagiaires qui arrivent ensuite le reçoivent.
pub fn lancer_exercice(
    c: &Connection,
    formateur_id: &str,
    classe_id: &str,
    (s, mode): (Option<&Scenario>, Mode),
    horloge: &Horloge,
) -> Resultat<LancementExercice> {
    let bacs = bacs(c, formateur_id, classe_id, None)?;
    let json = s.map(serde_json::to_string).transpose()?;
    c.execute(
        "UPDATE classe SET scenario = ?2, scenario_mode = ?3 WHERE id = ?1",
        params![classe_id, json, mode.code()],
    )?;
    let mut lancement = LancementExercice { bacs: 0, sans_structure: Vec::new() };
    for b in &bacs {
        match (s, scenario::structure_du_stagiaire(c, b)?) {
            (None, _) => scenario::quitter(c, b)?,
            (Some(s), None) if s.depart.demande_une_structure() => {
                lancement.sans_structure.extend(noms_du_bac(c, b)?);
                continue;
            }
            (Some(s), structure) => scenario::commencer(c, b, (s, mode), structure.as_deref(), horloge)?,
        }
        lancement.bacs += 1;
    }
    Ok(lancement)
}

/// L'exercice en cours pour toute la classe, et son mode, s'il y en a un.
pub fn exercice(c: &Connection, classe_id: &str) -> Resultat<Option<(Scenario, Mode)>> {
    let (json, mode): (Option<String>, Option<String>) = c
        .prepare_cached("SELECT scenario, scenario_mode FROM classe WHERE id = ?1")?
        .query_row([classe_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or(Erreur::Introuvable("classe"))?;
    let mode = mode.as_deref().and_then(Mode::depuis_code).unwrap_or(Mode::Entrainement);
    Ok(json.map(|j| serde_json::from_str(&j)).transpose()?.map(|s| (s, mode)))
}

fn noms_du_bac(c: &Connection, bac_id: &str) -> Resultat<Vec<String>> {
    let mut st = c.prepare_cached("SELECT nom FROM participant WHERE bac_id = ?1 ORDER BY rang")?;
    Ok(st.query_map([bac_id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?)
}
