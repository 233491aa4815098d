//! Les documents de fin de formation d'une classe : la feuille d'émargement en PDF, les
//! attestations de présence et des acquis (une par stagiaire, ou toutes en un PDF), et
//! l'export des résultats pour le tableur de l'organisme.

use chorus_documents::{Attestation, CaseFeuille, FeuilleEmargement, Formation, StagiaireFeuille};
use chorus_domain::emargement::heures_lisibles;
use chorus_domain::programme::OBJECTIFS;
use rusqlite::Connection;

use crate::bilan::{self, BilanStagiaire};
use crate::classe::Classe;
use crate::emargement::{self, Feuille, LigneFeuille, heure_locale};
use crate::erreur::{Erreur, Resultat};
use crate::formateur;
use crate::horloge::Horloge;

/// « Déposée, Mise à disposition du destinataire, Rejetée ».
pub fn statuts_lisibles(b: &BilanStagiaire) -> String {
    b.statuts_atteints.iter().map(|s| s.libelle()).collect::<Vec<_>>().join(", ")
}

/// Ce que l'attestation dit du travail dans le simulateur.
fn realisations(b: &BilanStagiaire) -> Vec<(String, String)> {
    let mut lignes = vec![
        ("Factures envoyées".into(), b.factures_envoyees.to_string()),
        (
            "Statuts suivis".into(),
            if b.statuts_atteints.is_empty() { "—".into() } else { statuts_lisibles(b) },
        ),
        ("Saisies refusées puis reprises".into(), b.anomalies.to_string()),
        ("Rejets reçus".into(), b.rejets.to_string()),
    ];
    if b.bac_partage {
        lignes.push(("Travail en binôme".into(), "chiffres de l'entreprise partagée avec son binôme".into()));
    }
    lignes
}

/// La formation telle que les documents l'énoncent : le formateur par son nom (son profil),
/// à défaut par son adresse ; l'organisme de la classe, à défaut celui du formateur.
fn formation(c: &Connection, classe: &Classe) -> Resultat<Formation> {
    let email = formateur::formateur(c, &classe.formateur_id)?.map(|f| f.email).unwrap_or_default();
    let profil = formateur::profil(c, &classe.formateur_id)?;
    let organisme =
        if classe.organisme.trim().is_empty() { profil.organisme.clone() } else { classe.organisme.clone() };
    Ok(Formation {
        titre: classe.titre.clone(),
        organisme,
        lieu: classe.lieu.clone(),
        formateur: if profil.nom.is_empty() { email } else { profil.nom },
        organisme_formateur: profil.organisme,
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

/// Ce que le stagiaire a montré : ses examens de quiz (meilleur score par point du programme)
/// et ses exercices faits en évaluation (mise en situation). Rien d'inventé : sans examen ni
/// évaluation, la section n'apparaît pas.
fn evaluations(c: &Connection, participant_id: &str) -> Resultat<Vec<(String, String)>> {
    let mut v: Vec<(String, String)> = crate::quiz::scores_par_item_participant(c, participant_id)?
        .into_iter()
        .map(|(item, bonnes, total)| (format!("Quiz — {}", item.libelle()), format!("{bonnes} / {total}")))
        .collect();
    v.extend(
        crate::scenario::progression_du_participant(c, participant_id)?
            .into_iter()
            .filter(|p| p.mode == chorus_domain::scenario::Mode::Evaluation)
            .map(|p| {
                let verdict = if p.reussi { " (réussie)" } else { "" };
                (
                    format!("Mise en situation — {}", p.titre),
                    format!("{} / {}{verdict}", p.points, p.points_max),
                )
            }),
    );
    Ok(v)
}

fn attestation_de(
    (feuille, formation): (&Feuille, &Formation),
    l: &LigneFeuille,
    b: &BilanStagiaire,
    evaluations: Vec<(String, String)>,
    horloge: &Horloge,
) -> Attestation {
    Attestation {
        formation: formation.clone(),
        stagiaire: l.nom.clone(),
        demi_journees_confirmees: l.demi_journees_confirmees(),
        demi_journees_prevues: feuille.calendrier.len(),
        heures_presence: l.heures(),
        objectifs: OBJECTIFS.iter().map(|o| o.to_string()).collect(),
        realisations: realisations(b),
        evaluations,
        delivree_le: heure_locale(horloge.maintenant()).date(),
    }
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
    let b = bilan::du_participant(c, &l.participant_id)?;
    let a =
        attestation_de((&f, &formation(c, &f.classe)?), l, &b, evaluations(c, &l.participant_id)?, horloge);
    Ok((l.nom.clone(), chorus_documents::attestation(&a)?))
}

/// Les attestations de toute la classe, une par page.
pub fn attestations(
    c: &Connection,
    formateur_id: &str,
    classe_id: &str,
    horloge: &Horloge,
) -> Resultat<Vec<u8>> {
    let (f, bilans) = resultats(c, formateur_id, classe_id)?;
    let formation = formation(c, &f.classe)?;
    let toutes = f
        .lignes
        .iter()
        .zip(&bilans)
        .map(|(l, b)| Ok(attestation_de((&f, &formation), l, b, evaluations(c, &l.participant_id)?, horloge)))
        .collect::<Resultat<Vec<Attestation>>>()?;
    Ok(chorus_documents::attestations(&f.classe.titre, &toutes)?)
}

/// La feuille d'une classe du formateur et le bilan de chacun de ses stagiaires, dans l'ordre
/// des lignes de la feuille.
pub(crate) fn resultats(
    c: &Connection,
    formateur_id: &str,
    classe_id: &str,
) -> Resultat<(Feuille, Vec<BilanStagiaire>)> {
    let f = emargement::feuille(c, formateur_id, classe_id)?;
    let mut par_participant: std::collections::HashMap<String, BilanStagiaire> =
        bilan::de_la_classe(c, &f.classe.id)?.into_iter().map(|b| (b.participant_id.clone(), b)).collect();
    let bilans = f
        .lignes
        .iter()
        .map(|l| par_participant.remove(&l.participant_id).ok_or(Erreur::Introuvable("bilan du stagiaire")))
        .collect::<Resultat<Vec<_>>>()?;
    Ok((f, bilans))
}
