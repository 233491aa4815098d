//! Le compte, le bac à sable et la structure d'une session, retenus entre deux requêtes.
//!
//! Chaque page d'un stagiaire commence par eux ; ils ne changent presque jamais (un
//! rattachement, une réinitialisation), alors que la page elle-même est relue sans cesse. Ils
//! sont retenus sous le numéro de version des identités du magasin, lu **avant** la lecture :
//! toute écriture validée par ce serveur qui touche un compte, un bac, une structure, une
//! classe ou un participant le fait changer, et la lecture suivante repasse par la base. Les
//! factures que la classe écrit sans cesse, elles, ne le font pas bouger.
//!
//! Une commande lancée à côté du serveur (`clore-classes`, une restauration) écrit sans passer
//! par son écrivain : une identité retenue n'est donc jamais gardée plus de
//! [`AGE_MAX`], ce qui borne le temps où elle pourrait l'ignorer.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use chorus_store::bac::{Bac, StructureFournisseur};
use chorus_store::compte::Utilisateur;
use chorus_store::{Resultat, Store, bac, compte};

/// Le compte (absent s'il a été effacé), son bac et sa structure de travail éventuelle.
pub type Identite = Option<(Utilisateur, Bac, Option<StructureFournisseur>)>;

/// Une identité retenue est relue au-delà de cet âge, même si rien n'a été écrit par ce serveur.
pub const AGE_MAX: Duration = Duration::from_secs(30);

/// Au-delà, les entrées d'une version passée sont oubliées (une salle en compte quelques dizaines).
const RETENUES_MAX: usize = 4096;

/// Une identité, la version sous laquelle elle a été lue, et quand.
type Retenue = (u64, Instant, Arc<Identite>);

#[derive(Default)]
pub struct Identites {
    retenues: Mutex<HashMap<String, Retenue>>,
}

impl Identites {
    /// L'identité du compte `id`, relue en base seulement si une identité a été écrite depuis
    /// (ou si elle a été lue il y a plus de [`AGE_MAX`]).
    pub fn de(&self, store: &Store, id: &str) -> Resultat<Arc<Identite>> {
        Ok(self.de_sous_version(store, id)?.1)
    }

    /// [`Identites::de`], avec la version des identités sous laquelle elle a été lue : une
    /// écriture peut reprendre ce qu'elle contient sans le relire, si cette version n'a pas
    /// bougé d'ici son tour ([`Store::identites_inchangees_depuis`]).
    pub fn de_sous_version(&self, store: &Store, id: &str) -> Resultat<(u64, Arc<Identite>)> {
        let version = store.version_des_identites();
        let maintenant = Instant::now();
        if let Some((v, lue, identite)) = self.retenues.lock().unwrap_or_else(PoisonError::into_inner).get(id)
            && *v == version
            && maintenant.duration_since(*lue) < AGE_MAX
        {
            return Ok((*v, identite.clone()));
        }
        let identite = Arc::new(store.lire(|c| {
            let Some(u) = compte::utilisateur(c, id)? else { return Ok(None) };
            let b = bac::bac(c, &u.bac_id)?;
            let structure = match &u.structure_id {
                Some(s) => Some(bac::structure_fournisseur(c, &u.bac_id, s)?),
                None => None,
            };
            Ok(Some((u, b, structure)))
        })?);
        let mut retenues = self.retenues.lock().unwrap_or_else(PoisonError::into_inner);
        if retenues.len() >= RETENUES_MAX {
            retenues.retain(|_, (v, lue, _)| *v == version && maintenant.duration_since(*lue) < AGE_MAX);
            if retenues.len() >= RETENUES_MAX {
                retenues.clear();
            }
        }
        retenues.insert(id.to_string(), (version, maintenant, identite.clone()));
        Ok((version, identite))
    }
}

#[cfg(test)]
mod tests {
    use chorus_store::horloge::Horloge;

    use super::*;

    fn store_de_demo() -> (tempfile::TempDir, Store, String) {
        let dossier = tempfile::tempdir().unwrap();
        let store = Store::ouvrir(dossier.path()).unwrap();
        let horloge = Horloge::fixe(chrono::NaiveDate::from_ymd_opt(2026, 12, 5).unwrap());
        chorus_store::demo::initialiser(&store, &horloge).unwrap();
        let id = store
            .lire(|c| {
                Ok(c.query_row(
                    "SELECT id FROM utilisateur WHERE email = 'formation1@exemple.fr'",
                    [],
                    |r| r.get(0),
                )?)
            })
            .unwrap();
        (dossier, store, id)
    }

    fn raison_sociale(i: &Identite) -> String {
        i.as_ref().unwrap().2.as_ref().unwrap().raison_sociale.clone()
    }

    #[test]
    fn retenue_tant_que_rien_n_est_ecrit_relue_des_qu_une_ecriture_est_validee() {
        let (_d, store, id) = store_de_demo();
        let identites = Identites::default();
        let premiere = identites.de(&store, &id).unwrap();
        assert!(Arc::ptr_eq(&premiere, &identites.de(&store, &id).unwrap()), "sans écriture, la même");

        // Une écriture qui ne touche aucune identité (ici le journal d'un bac) la laisse retenue.
        store
            .ecrire(|c| {
                c.execute(
                    "INSERT INTO journal (bac_id, evenement, date_simulee, horodatage, acteur)
                     SELECT bac_id, 'HORLOGE', '2026-12-05', '2026-12-05T10:00:00Z', 'SYSTEME'
                     FROM utilisateur WHERE id = ?1",
                    [&id],
                )?;
                Ok(())
            })
            .unwrap();
        assert!(Arc::ptr_eq(&premiere, &identites.de(&store, &id).unwrap()), "le journal n'y change rien");

        store
            .ecrire(|c| {
                c.execute(
                    "UPDATE structure SET raison_sociale = 'PLOMBERIE RENOMMÉE'
                     WHERE id = (SELECT structure_id FROM utilisateur WHERE id = ?1)",
                    [&id],
                )?;
                Ok(())
            })
            .unwrap();
        assert_eq!(raison_sociale(&identites.de(&store, &id).unwrap()), "PLOMBERIE RENOMMÉE");

        store.ecrire(|c| Ok(c.execute("DELETE FROM utilisateur WHERE id = ?1", [&id])?)).unwrap();
        assert!(identites.de(&store, &id).unwrap().is_none(), "un compte effacé ne survit pas en mémoire");
    }
}
