//! Les engagements juridiques (EJ) des acheteurs publics : le numéro du bon de commande ou du
//! marché que la facture rappelle (`references.numeroBonCommande`). Des données de référence
//! communes à tous les bacs, livrées avec le simulateur (`fixtures/engagements-formation.csv`) :
//! les commandes que citent les scénarios. `engagementsJuridiques/v1/rechercher` les retrouve,
//! comme un connecteur vérifie un EJ avant d'adresser sa facture.

use std::io::Read;

use rusqlite::{Connection, params};

use crate::erreur::Resultat;
use crate::reference::{RapportImport, parcourir_csv};

/// Un engagement juridique.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Engagement {
    /// `idEngagementJuridique`.
    pub id: i64,
    pub numero: String,
    /// Le SIRET de la structure publique qui a passé la commande.
    pub structure: String,
    pub code_service: String,
    /// `BON_DE_COMMANDE` (la valeur de l'exemple officiel) ou `MARCHE`.
    pub type_engagement: String,
    /// `COMMANDE` (l'état de l'exemple officiel).
    pub etat: String,
    pub date_creation: String,
    /// Vides quand la commande ne les donne pas.
    pub montant_ht: String,
    pub montant_ttc: String,
    pub objet: String,
    /// La structure est active dans l'annuaire (`statutStructureReceptrice`).
    pub structure_active: bool,
}

const COLONNES: usize = 9;

/// Importe (ou met à jour) les engagements
/// (`NumeroEngagementJuridique;IdentifiantStructure;CodeServiceExecutant;TypeEngagementJuridique;
/// EtatCourant;DateCreation;MontantTotalHT;MontantTotalTTC;Objet`).
pub fn importer(c: &Connection, source: impl Read) -> Resultat<RapportImport> {
    let mut rapport = RapportImport::default();
    let mut insertion = c.prepare(
        "INSERT OR REPLACE INTO engagement_juridique (numero, structure, code_service, type_engagement, etat,
             date_creation, montant_ht, montant_ttc, objet)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    parcourir_csv(
        source,
        |_| Ok(()),
        |_, ligne, champs| {
            rapport.lignes_lues += 1;
            if champs.len() < COLONNES {
                rapport.erreur(ligne, format!("{COLONNES} colonnes attendues, {} trouvées", champs.len()));
                return Ok(());
            }
            let champ = |i: usize| champs[i].trim();
            // 50 caractères au plus : la limite d'un EJ dans Chorus Pro.
            if champ(0).is_empty() || champ(0).chars().count() > 50 {
                rapport.erreur(ligne, "numéro d'engagement vide ou de plus de 50 caractères".to_string());
                return Ok(());
            }
            if let Err(e) = champ(1).parse::<chorus_domain::Siret>() {
                rapport.erreur(ligne, e.to_string());
                return Ok(());
            }
            insertion.execute(params![
                champ(0),
                champ(1),
                champ(2),
                champ(3),
                champ(4),
                champ(5),
                champ(6),
                champ(7),
                champ(8)
            ])?;
            rapport.importees += 1;
            Ok(())
        },
    )?;
    Ok(rapport)
}

pub fn nombre(c: &Connection) -> Resultat<usize> {
    let n: i64 = c.query_row("SELECT count(*) FROM engagement_juridique", [], |r| r.get(0))?;
    Ok(n.max(0) as usize)
}

/// Les critères d'une recherche ; un critère absent ne filtre pas.
#[derive(Debug, Clone, Default)]
pub struct Criteres {
    pub structure: Option<String>,
    pub numero: Option<String>,
    pub etat: Option<String>,
}

/// Les engagements qui répondent aux critères, par structure puis numéro.
pub fn rechercher(c: &Connection, criteres: &Criteres) -> Resultat<Vec<Engagement>> {
    let mut st = c.prepare_cached(
        "SELECT e.id, e.numero, e.structure, e.code_service, e.type_engagement, e.etat, e.date_creation,
                e.montant_ht, e.montant_ttc, e.objet, coalesce(a.active, 0)
         FROM engagement_juridique e LEFT JOIN annuaire_structure a ON a.identifiant = e.structure
         WHERE (?1 IS NULL OR e.structure = ?1) AND (?2 IS NULL OR e.numero = ?2) AND (?3 IS NULL OR e.etat = ?3)
         ORDER BY e.structure, e.numero
         LIMIT 1000",
    )?;
    let v = st
        .query_map(params![criteres.structure, criteres.numero, criteres.etat], |r| {
            Ok(Engagement {
                id: r.get(0)?,
                numero: r.get(1)?,
                structure: r.get(2)?,
                code_service: r.get(3)?,
                type_engagement: r.get(4)?,
                etat: r.get(5)?,
                date_creation: r.get(6)?,
                montant_ht: r.get(7)?,
                montant_ttc: r.get(8)?,
                objet: r.get(9)?,
                structure_active: r.get(10)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(v)
}

#[cfg(test)]
mod tests {
    use crate::catalogue::Catalogue;

    /// Chaque commande qu'un scénario remet au stagiaire (bon de commande, fiche de marché,
    /// facture de départ) se retrouve par l'API, chez l'acheteur qui l'a passée.
    #[test]
    fn chaque_engagement_cite_par_un_scenario_est_livre() {
        let livres: Vec<(String, String)> = crate::demo::ENGAGEMENTS
            .lines()
            .skip(1)
            .map(|l| {
                let c: Vec<&str> = l.split(';').collect();
                (c[0].to_string(), c[1].to_string())
            })
            .collect();
        let livre = |numero: &str, structure: Option<&str>| {
            livres.iter().any(|(n, s)| n == numero && structure.is_none_or(|st| st == s))
        };
        let mut cites = 0;
        for s in Catalogue::livre().scenarios().iter() {
            for d in &s.depart.documents {
                for (champ, valeur) in &d.champs {
                    if champ == "Numéro d'engagement juridique" {
                        cites += 1;
                        assert!(livre(valeur, None), "{} : {valeur}", s.id);
                    }
                }
            }
            for m in s.depart.marches.iter().filter(|m| !m.numero_engagement.is_empty()) {
                cites += 1;
                assert!(
                    livre(&m.numero_engagement, Some(&m.maitre_ouvrage)),
                    "{} : {}",
                    s.id,
                    m.numero_engagement
                );
            }
            for f in s.depart.factures.iter().filter(|f| !f.numero_engagement.is_empty()) {
                cites += 1;
                assert!(
                    livre(&f.numero_engagement, Some(&f.destinataire)),
                    "{} : {}",
                    s.id,
                    f.numero_engagement
                );
            }
        }
        assert!(cites >= 5, "{cites}");
    }
}
