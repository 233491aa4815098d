//! Le compte, le bac à sable et la structure d'une session, retenus entre deux requêtes.
//!
//! Chaque page d'un stagiaire commence par eux ; ils ne changent presque jamais (un
//! rattachement, une réinitialisation), alors que la page elle-même est relue sans cesse. Ils
//! sont retenus sous le numéro de version des données du magasin, lu **avant** la lecture :
//! la moindre écriture validée le fait changer, et la lecture suivante repasse par la base.
//! Rien ne peut donc être servi de périmé ; au pire, une écriture ailleurs coûte une relecture.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use chorus_store::bac::{Bac, StructureFournisseur};
use chorus_store::compte::Utilisateur;
use chorus_store::{Resultat, Store, bac, compte};

/// Le compte (absent s'il a été effacé), son bac et sa structure de travail éventuelle.
pub type Identite = Option<(Utilisateur, Bac, Option<StructureFournisseur>)>;

/// Au-delà, les entrées d'une version passée sont oubliées (une salle en compte quelques dizaines).
const RETENUES_MAX: usize = 4096;

#[derive(Default)]
pub struct Identites {
    retenues: Mutex<HashMap<String, (u64, Arc<Identite>)>>,
}

impl Identites {
    /// L'identité du compte `id`, relue en base seulement si une écriture a eu lieu depuis.
    pub fn de(&self, store: &Store, id: &str) -> Resultat<Arc<Identite>> {
        let version = store.version_des_donnees();
        if let Some((v, identite)) = self.retenues.lock().unwrap_or_else(PoisonError::into_inner).get(id)
            && *v == version
        {
            return Ok(identite.clone());
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
            retenues.retain(|_, (v, _)| *v == version);
            if retenues.len() >= RETENUES_MAX {
                retenues.clear();
            }
        }
        retenues.insert(id.to_string(), (version, identite.clone()));
        Ok(identite)
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
