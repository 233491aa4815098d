//! Le formateur aux côtés d'un stagiaire : lui écrire dans sa messagerie, regarder son bac à
//! sable tel qu'il le voit. Toujours au travers d'une classe du formateur : un autre
//! formateur n'atteint ni le stagiaire ni son courrier.

use chorus_domain::classe as regles;
use rusqlite::{Connection, OptionalExtension};

use crate::erreur::{Erreur, Resultat};
use crate::horloge::Horloge;
use crate::messagerie::{self, Nouveau};
use crate::{bac, classe};

/// L'expéditeur affiché des messages du formateur.
pub const EXPEDITEUR_FORMATEUR: &str = "Votre formateur";

/// Dépose un message dans la messagerie du stagiaire : un exemplaire par compte qu'il a créé
/// ou reçu, et seulement ceux-là. Son binôme, qui partage le bac, ne le lit pas. Retourne le
/// nombre de comptes atteints.
pub fn ecrire_au_stagiaire(
    c: &Connection,
    formateur_id: &str,
    classe_id: &str,
    participant_id: &str,
    objet: &str,
    corps: &str,
    horloge: &Horloge,
) -> Resultat<usize> {
    let p = classe::participant(c, formateur_id, classe_id, participant_id)?;
    let (objet, corps) = regles::controler_message(objet, corps).map_err(Erreur::Anomalies)?;
    if p.identifiants.is_empty() {
        return Err(Erreur::Invalide(format!(
            "{} n'a pas encore de compte : le message n'aurait pas de destinataire. Écrivez-lui une fois \
             son compte créé.",
            p.nom
        )));
    }
    let envoye_le = bac::bac(c, &p.bac_id)?.maintenant_simule(horloge);
    for email in &p.identifiants {
        let m = Nouveau { destinataire: email, objet: &objet, corps: &corps, lien: None };
        messagerie::envoyer_de(c, &p.bac_id, EXPEDITEUR_FORMATEUR, m, envoye_le)?;
    }
    Ok(p.identifiants.len())
}

/// Ce que le formateur regarde « comme le stagiaire » : son bac et son compte (le premier
/// créé), s'il en a un.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vue {
    pub participant_id: String,
    pub classe_id: String,
    pub nom: String,
    pub bac_id: String,
    pub utilisateur_id: Option<String>,
}

/// La vue d'un stagiaire d'une classe du formateur ; `None` pour tout autre stagiaire. Relu
/// à chaque requête : un stagiaire retiré ou une classe d'un autre ferme la vue aussitôt.
pub fn vue_du_formateur(c: &Connection, formateur_id: &str, participant_id: &str) -> Resultat<Option<Vue>> {
    Ok(c.prepare_cached(
        "SELECT p.id, p.classe_id, p.nom, p.bac_id,
                (SELECT u.id FROM utilisateur u WHERE u.participant_id = p.id AND u.bac_id = p.bac_id
                 ORDER BY u.rowid LIMIT 1)
         FROM participant p JOIN classe c ON c.id = p.classe_id
         WHERE p.id = ?1 AND c.formateur_id = ?2",
    )?
    .query_row([participant_id, formateur_id], |r| {
        Ok(Vue {
            participant_id: r.get(0)?,
            classe_id: r.get(1)?,
            nom: r.get(2)?,
            bac_id: r.get(3)?,
            utilisateur_id: r.get(4)?,
        })
    })
    .optional()?)
}
