//! Rattachement d'un utilisateur à une structure existante : la demande, puis la décision du
//! gestionnaire principal (« Approbations »), chacune annoncée dans la messagerie.

use chorus_domain::compte::Role;
use rusqlite::{Connection, OptionalExtension, params};

use crate::bac;
use crate::erreur::{Erreur, Resultat};
use crate::horloge::Horloge;
use crate::messagerie;

/// Une demande en attente, vue par le gestionnaire principal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Demande {
    pub utilisateur_id: String,
    pub nom: String,
    pub prenom: String,
    pub email: String,
    pub structure_id: String,
    pub structure: String,
}

/// Ce que la demande est devenue, vue par le demandeur.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EtatDemande {
    pub structure: String,
    pub identifiant: String,
    pub statut: String,
}

fn informer(
    c: &Connection,
    bac_id: &str,
    destinataire_id: &str,
    objet: &str,
    corps: &str,
    horloge: &Horloge,
) -> Resultat<()> {
    let instant = bac::bac(c, bac_id)?.maintenant_simule(horloge);
    let adresse = crate::compte::adresse_de_contact(c, destinataire_id)?;
    messagerie::envoyer(
        c,
        bac_id,
        messagerie::Nouveau { destinataire: &adresse, objet, corps, lien: Some("/approbations") },
        instant,
    )?;
    Ok(())
}

/// Demande le rattachement de l'utilisateur à la structure ; ses gestionnaires principaux en
/// sont avertis.
pub fn demander(
    c: &Connection,
    bac_id: &str,
    utilisateur_id: &str,
    structure_id: &str,
    horloge: &Horloge,
) -> Resultat<()> {
    let (raison_sociale, identifiant): (String, String) = c
        .query_row(
            "SELECT raison_sociale, identifiant FROM structure WHERE bac_id = ?1 AND id = ?2",
            [bac_id, structure_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .ok_or(Erreur::Introuvable("structure"))?;
    let deja: Option<String> = c
        .query_row(
            "SELECT statut FROM rattachement WHERE utilisateur_id = ?1 AND structure_id = ?2",
            [utilisateur_id, structure_id],
            |r| r.get(0),
        )
        .optional()?;
    match deja.as_deref() {
        Some("VALIDE") => return Err(Erreur::Invalide("Vous êtes déjà rattaché à cette structure.".into())),
        Some("EN_ATTENTE") => {
            return Err(Erreur::Invalide("Votre demande de rattachement est déjà en attente.".into()));
        }
        _ => {}
    }
    let demande_le = bac::bac(c, bac_id)?.date_simulee(horloge);
    c.execute(
        "INSERT OR REPLACE INTO rattachement (utilisateur_id, structure_id, bac_id, role, statut, demande_le)
         VALUES (?1, ?2, ?3, ?4, 'EN_ATTENTE', ?5)",
        params![utilisateur_id, structure_id, bac_id, Role::Utilisateur.code(), demande_le],
    )?;
    let (nom, prenom, email): (String, String, String) =
        c.query_row("SELECT nom, prenom, email FROM utilisateur WHERE id = ?1", [utilisateur_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
    let mut st = c.prepare(
        "SELECT utilisateur_id FROM rattachement WHERE structure_id = ?1 AND role = ?2 AND statut = 'VALIDE'",
    )?;
    let gestionnaires: Vec<String> = st
        .query_map(params![structure_id, Role::GestionnairePrincipal.code()], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let corps = format!(
        "Bonjour,\n\n{prenom} {nom} ({email}) demande à être rattaché(e) à votre structure {raison_sociale} ({identifiant}).\n\n\
         En tant que gestionnaire principal, vérifiez que cette personne travaille bien pour votre structure, puis \
         approuvez ou refusez sa demande dans « Approbations »."
    );
    for g in gestionnaires {
        informer(c, bac_id, &g, "Nouvelle demande de rattachement", &corps, horloge)?;
    }
    Ok(())
}

/// Les demandes en attente sur les structures dont l'utilisateur est gestionnaire principal.
pub fn en_attente(c: &Connection, bac_id: &str, gestionnaire_id: &str) -> Resultat<Vec<Demande>> {
    let mut st = c.prepare_cached(
        "SELECT u.id, u.nom, u.prenom, u.email, s.id, s.raison_sociale || ' (' || s.identifiant || ')'
         FROM rattachement d
         JOIN utilisateur u ON u.id = d.utilisateur_id
         JOIN structure s ON s.id = d.structure_id
         WHERE d.bac_id = ?1 AND d.statut = 'EN_ATTENTE' AND EXISTS (
             SELECT 1 FROM rattachement g WHERE g.structure_id = d.structure_id AND g.utilisateur_id = ?2
               AND g.role = 'GESTIONNAIRE_PRINCIPAL' AND g.statut = 'VALIDE')
         ORDER BY u.nom",
    )?;
    let v = st
        .query_map([bac_id, gestionnaire_id], |r| {
            Ok(Demande {
                utilisateur_id: r.get(0)?,
                nom: r.get(1)?,
                prenom: r.get(2)?,
                email: r.get(3)?,
                structure_id: r.get(4)?,
                structure: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(v)
}

/// Les demandes de l'utilisateur qui ne sont pas validées (en attente ou refusées).
pub fn mes_demandes(c: &Connection, utilisateur_id: &str) -> Resultat<Vec<EtatDemande>> {
    let mut st = c.prepare_cached(
        "SELECT s.raison_sociale, s.identifiant, r.statut FROM rattachement r JOIN structure s ON s.id = r.structure_id
         WHERE r.utilisateur_id = ?1 AND r.statut <> 'VALIDE' ORDER BY s.raison_sociale",
    )?;
    let v = st
        .query_map([utilisateur_id], |r| {
            Ok(EtatDemande { structure: r.get(0)?, identifiant: r.get(1)?, statut: r.get(2)? })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(v)
}

/// La décision d'un gestionnaire principal sur une demande.
#[derive(Debug, Clone, Copy)]
pub struct Decision<'a> {
    pub demandeur_id: &'a str,
    pub structure_id: &'a str,
    pub approuver: bool,
    pub commentaire: &'a str,
}

/// La décision du gestionnaire principal ; le demandeur en est averti, avec le commentaire.
pub fn decider(
    c: &Connection,
    bac_id: &str,
    gestionnaire_id: &str,
    d: Decision<'_>,
    horloge: &Horloge,
) -> Resultat<()> {
    let instant = bac::bac(c, bac_id)?.maintenant_simule(horloge);
    decider_le(c, bac_id, gestionnaire_id, d, instant)
}

/// La même décision, à l'instant simulé donné (un gestionnaire simulé répond le jour dû, pendant
/// une avancée d'horloge).
pub fn decider_le(
    c: &Connection,
    bac_id: &str,
    gestionnaire_id: &str,
    d: Decision<'_>,
    instant: chrono::NaiveDateTime,
) -> Resultat<()> {
    let Decision { demandeur_id, structure_id, approuver, commentaire } = d;
    let est_gestionnaire =
        crate::structure::role(c, gestionnaire_id, structure_id)? == Some(Role::GestionnairePrincipal);
    if !est_gestionnaire {
        return Err(Erreur::Introuvable("demande de rattachement"));
    }
    let n = c.execute(
        "UPDATE rattachement SET statut = ?4 WHERE utilisateur_id = ?1 AND structure_id = ?2 AND bac_id = ?3
           AND statut = 'EN_ATTENTE'",
        params![demandeur_id, structure_id, bac_id, if approuver { "VALIDE" } else { "REFUSE" }],
    )?;
    if n == 0 {
        return Err(Erreur::Introuvable("demande de rattachement"));
    }
    let structure: String =
        c.query_row("SELECT raison_sociale FROM structure WHERE id = ?1", [structure_id], |r| r.get(0))?;
    if approuver {
        c.execute(
            "UPDATE utilisateur SET structure_id = ?2 WHERE id = ?1 AND structure_id IS NULL",
            params![demandeur_id, structure_id],
        )?;
    }
    let (objet, mut corps) = if approuver {
        (
            "Votre demande de rattachement est acceptée",
            format!(
                "Bonjour,\n\nVotre rattachement à la structure {structure} a été validé par son gestionnaire principal. \
                     Vous pouvez désormais travailler pour cette structure."
            ),
        )
    } else {
        (
            "Votre demande de rattachement est refusée",
            format!(
                "Bonjour,\n\nLe gestionnaire principal de la structure {structure} a refusé votre demande de rattachement."
            ),
        )
    };
    if !commentaire.trim().is_empty() {
        corps.push_str(&format!("\n\nSon commentaire : « {} »", commentaire.trim()));
    }
    let adresse = crate::compte::adresse_de_contact(c, demandeur_id)?;
    messagerie::envoyer(
        c,
        bac_id,
        messagerie::Nouveau { destinataire: &adresse, objet, corps: &corps, lien: None },
        instant,
    )?;
    Ok(())
}

/// Une demande de rattachement qui attend la réponse d'un gestionnaire principal simulé.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemandeEnAttente {
    pub demandeur_id: String,
    pub structure_id: String,
    /// Le SIRET (ou l'identifiant) de la structure demandée.
    pub identifiant_structure: String,
    pub gestionnaire_id: String,
    pub demande_le: chrono::NaiveDate,
    /// Prénom et nom du demandeur, raison sociale de la structure.
    pub demandeur: String,
    pub raison_sociale: String,
}

/// Les demandes de rattachement en attente dont le gestionnaire principal est simulé, dans
/// l'ordre où elles ont été faites : le moteur les fait répondre
/// ([`chorus_domain::compte::DELAI_REPONSE_GESTIONNAIRE_SIMULE_JOURS`] jours après, sans scénario).
pub fn demandes_aux_gestionnaires_simules(c: &Connection, bac_id: &str) -> Resultat<Vec<DemandeEnAttente>> {
    let mut st = c.prepare_cached(
        "SELECT d.utilisateur_id, d.structure_id, s.identifiant, g.utilisateur_id, d.demande_le,
                trim(coalesce(du.prenom, '') || ' ' || coalesce(du.nom, '')), s.raison_sociale
         FROM rattachement d
         JOIN structure s ON s.id = d.structure_id
         JOIN utilisateur du ON du.id = d.utilisateur_id
         JOIN rattachement g ON g.structure_id = d.structure_id AND g.role = 'GESTIONNAIRE_PRINCIPAL' AND g.statut = 'VALIDE'
         JOIN utilisateur u ON u.id = g.utilisateur_id AND u.simule
         WHERE d.bac_id = ?1 AND d.statut = 'EN_ATTENTE' AND d.demande_le IS NOT NULL
         ORDER BY d.demande_le, d.utilisateur_id",
    )?;
    let v = st
        .query_map([bac_id], |r| {
            Ok(DemandeEnAttente {
                demandeur_id: r.get(0)?,
                structure_id: r.get(1)?,
                identifiant_structure: r.get(2)?,
                gestionnaire_id: r.get(3)?,
                demande_le: r.get(4)?,
                demandeur: r.get(5)?,
                raison_sociale: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(v)
}

/// Ce que répond un gestionnaire simulé, sans scénario.
pub const REPONSE_DU_GESTIONNAIRE_SIMULE: &str =
    "Bienvenue dans l'équipe : vous pouvez maintenant déposer nos factures.";

/// Une structure existante dont le gestionnaire principal est simulé : pour s'exercer seul au
/// rattachement. Retourne l'identifiant de la structure.
pub fn creer_structure_a_gestionnaire_simule(
    c: &Connection,
    bac_id: &str,
    entreprise: &chorus_domain::structure::Entreprise,
    gestionnaire: (&str, &str),
) -> Resultat<String> {
    let uid = uuid::Uuid::new_v4().to_string();
    let (prenom, nom) = gestionnaire;
    let email = format!("gestionnaire.{}@exemple.fr", entreprise.siret);
    c.execute(
        "INSERT INTO utilisateur (id, bac_id, email, nom, prenom, simule) VALUES (?1, ?2, ?3, ?4, ?5, 1)",
        params![uid, bac_id, email, nom, prenom],
    )?;
    crate::structure::creer(
        c,
        bac_id,
        &uid,
        &crate::structure::NouvelleStructure {
            type_identifiant: chorus_domain::structure::TypeIdentifiant::Siret,
            identifiant: &entreprise.siret,
            raison_sociale: &entreprise.raison_sociale,
            adresse: &entreprise.adresse,
            code_postal: &entreprise.code_postal,
            ville: &entreprise.ville,
            verifiee: true,
        },
    )
}
