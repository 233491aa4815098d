//! Les données livrées avec le simulateur, chargées au premier démarrage : l'annuaire de
//! formation, ses services, le registre fictif des entreprises, les taux, et les comptes de
//! démonstration (un bac à sable de pratique libre chacun).

use crate::base::Store;
use crate::depart;
use crate::erreur::{Erreur, Resultat};
use crate::horloge::Horloge;
use crate::{compte, reference};

pub const ANNUAIRE: &str = include_str!("../../../fixtures/annuaire-formation.csv");
pub const SERVICES: &str = include_str!("../../../fixtures/services-formation.csv");
pub const ENTREPRISES: &str = include_str!("../../../fixtures/sirene-formation.csv");
pub const TAUX: &str = include_str!("../../../fixtures/taux-interets-moratoires.csv");
pub const ENGAGEMENTS: &str = include_str!("../../../fixtures/engagements-formation.csv");

/// Les identifiants des structures de l'annuaire de formation livré.
pub fn identifiants_de_formation() -> Vec<String> {
    ANNUAIRE.lines().skip(1).filter_map(|l| l.split(';').nth(1).map(str::to_string)).collect()
}

/// Mot de passe des comptes de démonstration (affiché au démarrage et dans le README).
pub const MOT_DE_PASSE_DEMO: &str = "Formation-2026";

/// Le mot de passe du compte technique de chaque structure de démonstration (l'identifiant est
/// `TECH_<SIRET>@cpro.exemple`, voir `docs/api.md`), pour brancher un connecteur sans rien régler.
pub const MOT_DE_PASSE_TECHNIQUE_DEMO: &str = "Raccordement-API-2026";

/// Les identifiants PISTE fixes et documentés du bac de démonstration `n`.
pub fn identifiants_piste_demo(n: usize) -> crate::piste::Identifiants {
    crate::piste::Identifiants {
        client_id: format!("demo-formation{n}"),
        client_secret: format!("demo-secret-formation{n}"),
    }
}
pub const NOMBRE_COMPTES_DEMO: usize = 5;

/// L'identifiant du n-ième compte de démonstration (à partir de 1).
pub fn identifiant_demo(n: usize) -> String {
    format!("formation{n}@exemple.fr")
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompteDemo {
    pub identifiant: String,
    pub structure: String,
}

/// Charge les données de référence et crée les comptes de démonstration si la base est neuve.
/// Sans effet sur une base déjà initialisée : on peut l'appeler à chaque démarrage.
pub fn initialiser(store: &Store, horloge: &Horloge) -> Resultat<()> {
    store.ecrire(|tx| {
        // Les engagements sont arrivés après les premiers dossiers de données : ils se chargent
        // aussi dans un dossier déjà initialisé.
        if crate::engagement::nombre(tx)? == 0 {
            let rapport = crate::engagement::importer(tx, ENGAGEMENTS.as_bytes())?;
            if rapport.nombre_erreurs > 0 {
                return Err(Erreur::Invalide(format!(
                    "données livrées (engagements) : {:?}",
                    rapport.erreurs
                )));
            }
        }
        // De même pour l'index de recherche de l'annuaire, sur un dossier d'avant l'index.
        if reference::index_de_recherche_a_batir(tx)? {
            reference::reconstruire_index_de_recherche(tx)?;
        }
        let deja: i64 = tx.query_row("SELECT count(*) FROM bac", [], |r| r.get(0))?;
        if deja > 0 {
            return Ok(());
        }
        if reference::nombre_structures_publiques(tx)? == 0 {
            for (nom, rapport) in [
                ("annuaire", reference::importer_annuaire(tx, ANNUAIRE.as_bytes())?),
                ("services", reference::importer_services(tx, SERVICES.as_bytes())?),
                ("entreprises", reference::importer_entreprises(tx, ENTREPRISES.as_bytes())?),
                ("taux", reference::importer_taux(tx, TAUX.as_bytes())?),
            ] {
                if rapport.nombre_erreurs > 0 {
                    return Err(Erreur::Invalide(format!("données livrées ({nom}) : {:?}", rapport.erreurs)));
                }
            }
        }
        let entreprises = reference::entreprises_stagiaires(tx)?;
        for (i, entreprise) in entreprises.iter().take(NOMBRE_COMPTES_DEMO).enumerate() {
            let n = i + 1;
            let (bac, utilisateur) = depart::creer_pratique_libre(
                tx,
                &format!("Démonstration {n}"),
                entreprise,
                &compte::NouveauCompte {
                    email: &identifiant_demo(n),
                    nom: "Stagiaire",
                    prenom: &format!("Démo {n}"),
                    mot_de_passe: MOT_DE_PASSE_DEMO,
                },
                horloge,
            )?;
            // Les comptes de démonstration entrent sans code : « ouvrez l'adresse et vous y êtes ».
            tx.execute("UPDATE bac SET double_authentification = 0 WHERE id = ?1", [&bac.id])?;
            // Un connecteur se branche sur un bac de démonstration sans rien régler.
            if let Some(structure_id) = &utilisateur.structure_id {
                crate::raccordement::definir_compte_technique(
                    tx,
                    &bac.id,
                    structure_id,
                    MOT_DE_PASSE_TECHNIQUE_DEMO,
                    MOT_DE_PASSE_TECHNIQUE_DEMO,
                    horloge,
                )?;
                // Ni message ni entrée de journal pour ce réglage d'installation.
                depart::effacer_l_activite(tx, &bac.id)?;
            }
            crate::piste::definir(tx, &bac.id, &identifiants_piste_demo(n), horloge)?;
        }
        Ok(())
    })
}

/// Les comptes de démonstration présents dans la base, avec leur structure.
pub fn comptes(store: &Store) -> Resultat<Vec<CompteDemo>> {
    store.lire(|c| {
        let mut st = c.prepare(
            "SELECT u.email, s.raison_sociale || ' (SIRET ' || s.identifiant || ')'
             FROM utilisateur u JOIN structure s ON s.id = u.structure_id
             WHERE u.email LIKE 'formation%@exemple.fr' ORDER BY u.email",
        )?;
        let v = st
            .query_map([], |r| Ok(CompteDemo { identifiant: r.get(0)?, structure: r.get(1)? }))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    })
}
