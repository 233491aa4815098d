//! Les documents de fin de formation d'une classe : la feuille d'émargement en PDF, les
//! attestations de présence et des acquis (une par stagiaire, ou toutes en un PDF), et
//! l'export des résultats pour le tableur de l'organisme.

use chorus_documents::{Attestation, CaseFeuille, FeuilleEmargement, Formation, StagiaireFeuille};
use chorus_domain::Statut;
use chorus_domain::emargement::heures_lisibles;
use chorus_domain::programme::OBJECTIFS;
use rusqlite::Connection;

use crate::classe::Classe;
use crate::emargement::{self, Feuille, LigneFeuille, heure_locale};
use crate::erreur::{Erreur, Resultat};
use crate::formateur;
use crate::horloge::Horloge;

/// Ce qu'un stagiaire a fait dans son bac à sable.
///
/// Lecture provisoire, directement dans le journal, en attendant le bilan par stagiaire du
/// suivi de classe (mêmes champs) : c'est lui qui devra la remplacer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Realisations {
    pub factures_envoyees: usize,
    pub statuts_atteints: Vec<Statut>,
    pub anomalies: usize,
    pub rejets: usize,
}

pub fn realisations_provisoires(c: &Connection, bac_id: &str) -> Resultat<Realisations> {
    let factures_envoyees = c
        .prepare_cached("SELECT count(*) FROM facture WHERE bac_id = ?1 AND statut <> 'BROUILLON'")?
        .query_row([bac_id], |r| r.get(0))?;
    let mut statuts: Vec<Statut> = c
        .prepare_cached(
            "SELECT DISTINCT statut FROM journal WHERE bac_id = ?1 AND evenement = 'STATUT' AND statut IS NOT NULL",
        )?
        .query_map([bac_id], |r| r.get::<_, String>(0))?
        .filter_map(|s| s.ok().and_then(|s| Statut::depuis_code(&s).ok()))
        .filter(|s| *s != Statut::Brouillon)
        .collect();
    // L'ordre du cycle de vie (celui de l'énumération), pas celui de la base.
    statuts.sort_by_key(|s| Statut::TOUS.iter().position(|t| t == s));
    let (anomalies, rejets) = c
        .prepare_cached(
            "SELECT count(*) FILTER (WHERE evenement = 'ANOMALIES'),
                    count(*) FILTER (WHERE evenement = 'STATUT' AND statut = 'REJETEE')
             FROM journal WHERE bac_id = ?1",
        )?
        .query_row([bac_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(Realisations { factures_envoyees, statuts_atteints: statuts, anomalies, rejets })
}

impl Realisations {
    pub fn statuts_lisibles(&self) -> String {
        self.statuts_atteints.iter().map(|s| s.libelle()).collect::<Vec<_>>().join(", ")
    }

    /// Les lignes de l'attestation.
    fn lignes(&self) -> Vec<(String, String)> {
        vec![
            ("Factures envoyées".into(), self.factures_envoyees.to_string()),
            (
                "Statuts suivis".into(),
                if self.statuts_atteints.is_empty() { "—".into() } else { self.statuts_lisibles() },
            ),
            ("Saisies refusées puis reprises".into(), self.anomalies.to_string()),
            ("Rejets reçus".into(), self.rejets.to_string()),
        ]
    }
}

/// La formation telle que les documents l'énoncent.
fn formation(c: &Connection, classe: &Classe) -> Resultat<Formation> {
    let formateur = formateur::formateur(c, &classe.formateur_id)?.map(|f| f.email).unwrap_or_default();
    Ok(Formation {
        titre: classe.titre.clone(),
        organisme: classe.organisme.clone(),
        lieu: classe.lieu.clone(),
        formateur,
        date_debut: classe.date_debut,
        date_fin: classe.date_fin,
        duree: format!("{} ({} demi-journée(s))", heures_lisibles(classe.heures()), classe.demi_journees),
    })
}

/// La feuille d'émargement d'une classe du formateur, en PDF ; `seulement` : une demi-journée.
pub fn feuille_pdf(
    c: &Connection,
    formateur_id: &str,
    classe_id: &str,
    seulement: Option<u8>,
) -> Resultat<Vec<u8>> {
    let f = emargement::feuille(c, formateur_id, classe_id)?;
    if let Some(rang) = seulement
        && !f.calendrier.iter().any(|d| d.rang == rang)
    {
        return Err(Erreur::Introuvable("demi-journée"));
    }
    let document = FeuilleEmargement {
        formation: formation(c, &f.classe)?,
        calendrier: f.calendrier.clone(),
        stagiaires: f
            .lignes
            .iter()
            .map(|l| StagiaireFeuille {
                nom: l.nom.clone(),
                cases: l
                    .cases
                    .iter()
                    .map(|case| CaseFeuille { presence: case.presence, mention: case.mention() })
                    .collect(),
            })
            .collect(),
    };
    Ok(chorus_documents::feuille_emargement(&document, seulement)?)
}

fn attestation_de(
    c: &Connection,
    feuille: &Feuille,
    formation: &Formation,
    l: &LigneFeuille,
    horloge: &Horloge,
) -> Resultat<Attestation> {
    Ok(Attestation {
        formation: formation.clone(),
        stagiaire: l.nom.clone(),
        demi_journees_confirmees: l.demi_journees_confirmees(),
        demi_journees_prevues: feuille.calendrier.len(),
        heures_presence: l.heures(),
        objectifs: OBJECTIFS.iter().map(|o| o.to_string()).collect(),
        realisations: realisations_provisoires(c, &l.bac_id)?.lignes(),
        evaluations: Vec::new(),
        delivree_le: heure_locale(horloge.maintenant()).date(),
    })
}

/// L'attestation d'un stagiaire d'une classe du formateur : son nom et le PDF.
pub fn attestation(
    c: &Connection,
    formateur_id: &str,
    classe_id: &str,
    participant_id: &str,
    horloge: &Horloge,
) -> Resultat<(String, Vec<u8>)> {
    let f = emargement::feuille(c, formateur_id, classe_id)?;
    let l = f
        .lignes
        .iter()
        .find(|l| l.participant_id == participant_id)
        .ok_or(Erreur::Introuvable("stagiaire"))?;
    let a = attestation_de(c, &f, &formation(c, &f.classe)?, l, horloge)?;
    Ok((l.nom.clone(), chorus_documents::attestation(&a)?))
}

/// Les attestations de toute la classe, une par page.
pub fn attestations(
    c: &Connection,
    formateur_id: &str,
    classe_id: &str,
    horloge: &Horloge,
) -> Resultat<Vec<u8>> {
    let f = emargement::feuille(c, formateur_id, classe_id)?;
    let formation = formation(c, &f.classe)?;
    let toutes = f
        .lignes
        .iter()
        .map(|l| attestation_de(c, &f, &formation, l, horloge))
        .collect::<Resultat<Vec<_>>>()?;
    Ok(chorus_documents::attestations(&f.classe.titre, &toutes)?)
}

/// Un stagiaire dans l'export : sa ligne de la feuille et ce qu'il a fait.
pub(crate) fn resultats(
    c: &Connection,
    formateur_id: &str,
    classe_id: &str,
) -> Resultat<(Feuille, Vec<Realisations>)> {
    let f = emargement::feuille(c, formateur_id, classe_id)?;
    let r = f.lignes.iter().map(|l| realisations_provisoires(c, &l.bac_id)).collect::<Resultat<Vec<_>>>()?;
    Ok((f, r))
}
