//! Le scénario en cours d'un bac à sable : le commencer (le bac repart de zéro, sans toucher
//! aux comptes ni aux structures, avec les factures et les messages du départ), le quitter,
//! répondre à ses questions, et lire les faits que vérifient ses objectifs. L'acheteur
//! scripté joue ses règles pendant les avancées d'horloge ([`crate::moteur::avancer`]).

use std::collections::{BTreeSet, HashMap};

use chorus_domain::Statut;
use chorus_domain::saisie::{LigneBrute, SaisieBrute};
use chorus_domain::scenario::{
    FactureDepart, FactureFaits, Faits, Mode, Resultat as ResultatScenario, Scenario,
};
use chrono::{Days, NaiveDateTime};
use rusqlite::{Connection, OptionalExtension, params};

use crate::bac;
use crate::depart;
use crate::erreur::{Erreur, Resultat};
use crate::facture::{self, Envoi};
use crate::horloge::Horloge;
use crate::journal::{self, evenement};
use crate::paiement::{self, EtatPaiement};

/// Longueur maximale d'une réponse à une question d'exercice.
pub const REPONSE_LONGUEUR_MAX: usize = 200;

/// Le scénario en cours, s'il y en a un.
pub fn en_cours(c: &Connection, bac_id: &str) -> Resultat<Option<Scenario>> {
    Ok(exercice(c, bac_id)?.map(|e| e.scenario))
}

/// L'exercice en cours d'un bac : le scénario, le mode, et la fin d'une évaluation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exercice {
    pub scenario: Scenario,
    pub mode: Mode,
    /// Une évaluation terminée : le résultat est figé, le débriefing s'affiche.
    pub termine: bool,
}

pub fn exercice(c: &Connection, bac_id: &str) -> Resultat<Option<Exercice>> {
    let ligne: Option<(Option<String>, Option<String>, bool)> = c
        .prepare_cached(
            "SELECT scenario, scenario_mode, scenario_termine_le IS NOT NULL FROM bac WHERE id = ?1",
        )?
        .query_row([bac_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let (json, mode, termine) = ligne.ok_or(Erreur::Introuvable("bac à sable"))?;
    let Some(json) = json else { return Ok(None) };
    let mode = mode.as_deref().and_then(Mode::depuis_code).unwrap_or(Mode::Entrainement);
    Ok(Some(Exercice { scenario: serde_json::from_str(&json)?, mode, termine }))
}

/// La structure fournisseur du stagiaire dans ce bac (celle d'un compte qui n'est pas simulé,
/// rattaché et validé), s'il en a une.
pub fn structure_du_stagiaire(c: &Connection, bac_id: &str) -> Resultat<Option<String>> {
    Ok(c.prepare_cached(
        "SELECT r.structure_id FROM rattachement r JOIN utilisateur u ON u.id = r.utilisateur_id
             WHERE r.bac_id = ?1 AND r.statut = 'VALIDE' AND u.simule = 0
             ORDER BY r.role = 'GESTIONNAIRE_PRINCIPAL' DESC LIMIT 1",
    )?
    .query_row([bac_id], |r| r.get(0))
    .optional()?)
}

/// Commence (ou recommence) un scénario : les factures, le journal, la messagerie et
/// l'horloge du bac repartent de zéro ; les comptes et les structures restent. Les factures
/// et les messages du départ sont posés au nom du stagiaire.
pub fn commencer(
    c: &Connection,
    bac_id: &str,
    (scenario, mode): (&Scenario, Mode),
    structure_id: Option<&str>,
    horloge: &Horloge,
) -> Resultat<()> {
    let depart = &scenario.depart;
    if depart.demande_une_structure() && structure_id.is_none() {
        return Err(Erreur::Invalide(
            "Cet exercice commence avec votre structure fournisseur déjà créée : créez-la d'abord (menu « Ma structure »), puis revenez ici."
                .into(),
        ));
    }
    depart::effacer_l_activite(c, bac_id)?;
    c.execute(
        "UPDATE bac SET scenario = ?2, scenario_mode = ?3, scenario_termine_le = NULL, decalage_jours = 0
         WHERE id = ?1",
        params![bac_id, serde_json::to_string(scenario)?, mode.code()],
    )?;
    if let Some(structure) = structure_id {
        for f in &depart.factures {
            poser_facture(c, bac_id, structure, f, horloge)?;
        }
        if !depart.marches.is_empty() {
            crate::travaux::ouvrir_l_espace(c, bac_id, structure, horloge)?;
        }
    }
    let maintenant = bac::bac(c, bac_id)?.maintenant_simule(horloge);
    for m in &depart.messages {
        poser_message(c, bac_id, m, maintenant)?;
    }
    Ok(())
}

fn poser_facture(
    c: &Connection,
    bac_id: &str,
    structure_id: &str,
    f: &FactureDepart,
    horloge: &Horloge,
) -> Resultat<()> {
    let aujourd_hui = bac::bac(c, bac_id)?.date_simulee(horloge);
    let date = aujourd_hui.checked_sub_days(Days::new(u64::from(f.jours_avant))).unwrap_or(aujourd_hui);
    let brut = SaisieBrute {
        numero: f.numero.clone(),
        date_facture: date.to_string(),
        type_facture: "FACTURE".into(),
        cadre: f.cadre.clone().unwrap_or_else(|| "A1_FACTURE_FOURNISSEUR".into()),
        code_structure_valideur: f.valideur.clone().unwrap_or_default(),
        destinataire: f.destinataire.clone(),
        code_service: f.code_service.clone(),
        numero_engagement: f.numero_engagement.clone(),
        mode_paiement: "VIREMENT".into(),
        type_tva: "TVA_SUR_DEBIT".into(),
        lignes: vec![LigneBrute {
            designation: f.designation.clone(),
            quantite: f.quantite.clone(),
            prix_unitaire_ht: f.prix_unitaire_ht.clone(),
            taux_tva: f.taux_tva.clone(),
            ..LigneBrute::default()
        }],
        ..SaisieBrute::default()
    };
    let envoi = if f.envoyee { Envoi::ValiderEtEnvoyer } else { Envoi::Enregistrer };
    facture::saisir(c, bac_id, structure_id, None, &brut, envoi, horloge)?;
    Ok(())
}

/// Un message du départ, adressé à chaque compte (non simulé) du bac.
fn poser_message(
    c: &Connection,
    bac_id: &str,
    m: &chorus_domain::scenario::MessageDepart,
    envoye_le: NaiveDateTime,
) -> Resultat<()> {
    let mut st = c.prepare_cached("SELECT email FROM utilisateur WHERE bac_id = ?1 AND simule = 0")?;
    let destinataires: Vec<String> =
        st.query_map([bac_id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    for destinataire in destinataires {
        c.execute(
            "INSERT INTO message (bac_id, destinataire, expediteur, objet, corps, lien, envoye_le, scenario_ref, piege)
             VALUES (?1, ?2, ?3, ?4, ?5, NULL, ?6, ?7, ?8)",
            params![bac_id, destinataire, m.expediteur, m.objet, m.corps, envoye_le, m.id, m.piege],
        )?;
        if m.piege {
            // Le bouton « Suivre le lien » du message mène à la page qui explique le piège.
            let id = c.last_insert_rowid();
            c.execute(
                "UPDATE message SET lien = ?2 WHERE id = ?1",
                params![id, format!("/messagerie/{id}/lien")],
            )?;
        }
    }
    Ok(())
}

/// Les fiches d'identité des marchés de travaux du bac : celles de l'exercice en cours, ou
/// celle du marché de démonstration.
pub fn fiches_des_marches(
    c: &Connection,
    bac_id: &str,
) -> Resultat<Vec<chorus_domain::travaux::FicheMarche>> {
    let marches = en_cours(c, bac_id)?.map(|s| s.depart.marches).unwrap_or_default();
    Ok(if marches.is_empty() { vec![chorus_domain::travaux::marche_de_demonstration()] } else { marches })
}

/// Le document n° `rang` (à partir de 1) de l'exercice en cours, en PDF : ses documents, puis
/// les fiches d'identité de ses marchés de travaux (pour le titulaire `titulaire`).
pub fn document_pdf(c: &Connection, bac_id: &str, rang: usize, titulaire: &str) -> Resultat<Vec<u8>> {
    let s = en_cours(c, bac_id)?.ok_or(Erreur::Introuvable("exercice en cours"))?;
    let i = rang.checked_sub(1).ok_or(Erreur::Introuvable("document"))?;
    if let Some(fiche) = i.checked_sub(s.depart.documents.len()).and_then(|n| s.depart.marches.get(n)) {
        return crate::travaux::fiche_pdf(c, fiche, titulaire);
    }
    let d = s.depart.documents.get(i).ok_or(Erreur::Introuvable("document"))?;
    Ok(chorus_documents::piece_exercice(&chorus_documents::PieceExercice {
        titre: &d.titre,
        emetteur: &d.emetteur,
        champs: &d.champs,
        texte: &d.texte,
        exercice: &s.titre,
    })?)
}

/// Un fichier de factures structurées de l'exercice en cours, lu pour la structure du
/// stagiaire (le vendeur) ; il s'écrit ensuite, hors de la lecture ([`FichierDExercice::ecrire`]).
pub fn fichier(
    c: &Connection,
    bac_id: &str,
    structure_id: &str,
    rang: usize,
    horloge: &Horloge,
) -> Resultat<FichierDExercice> {
    let s = en_cours(c, bac_id)?.ok_or(Erreur::Introuvable("exercice en cours"))?;
    let f =
        rang.checked_sub(1).and_then(|i| s.depart.fichiers.get(i)).ok_or(Erreur::Introuvable("fichier"))?;
    let factures = f
        .factures
        .iter()
        .map(|d| crate::flux::facture_d_exercice(c, bac_id, structure_id, d, horloge))
        .collect::<Resultat<Vec<_>>>()?;
    Ok(FichierDExercice { nom: f.nom.clone(), syntaxe: f.syntaxe.clone(), factures })
}

/// Les factures d'un fichier d'exercice, prêtes à écrire.
pub struct FichierDExercice {
    pub nom: String,
    /// `cii`, `ubl` ou `facturx`.
    syntaxe: String,
    factures: Vec<crate::flux::FactureStructuree>,
}

impl FichierDExercice {
    /// Le contenu du fichier : la facture (XML ou Factur-X), ou l'archive .zip d'un lot.
    pub fn ecrire(&self) -> Resultat<Vec<u8>> {
        let fichiers = self
            .factures
            .iter()
            .map(|fs| {
                let numero = &fs.facture.numero;
                match self.syntaxe.as_str() {
                    "facturx" => Ok((format!("{numero}.pdf"), fs.factur_x()?)),
                    "ubl" => {
                        Ok((format!("{numero}.xml"), fs.xml(chorus_flux::SyntaxeEcrite::Ubl)?.into_bytes()))
                    }
                    _ => Ok((format!("{numero}.xml"), fs.xml(chorus_flux::SyntaxeEcrite::Cii)?.into_bytes())),
                }
            })
            .collect::<Resultat<Vec<_>>>()?;
        match fichiers.as_slice() {
            [(_, octets)] => Ok(octets.clone()),
            _ => crate::flux::archive_zip(&fichiers),
        }
    }
}

/// Quitte le scénario : l'acheteur reprend son comportement par défaut ; rien n'est effacé.
pub fn quitter(c: &Connection, bac_id: &str) -> Resultat<()> {
    let n = c.execute("UPDATE bac SET scenario = NULL WHERE id = ?1", [bac_id])?;
    if n == 0 {
        return Err(Erreur::Introuvable("bac à sable"));
    }
    Ok(())
}

/// L'exercice en cours, refusé s'il s'agit d'une évaluation déjà terminée.
fn exercice_ouvert(c: &Connection, bac_id: &str) -> Resultat<Exercice> {
    let e = exercice(c, bac_id)?.ok_or(Erreur::Introuvable("exercice en cours"))?;
    if e.termine {
        return Err(Erreur::Conflit(
            "L'évaluation est terminée : son résultat ne change plus. Recommencez l'exercice pour vous entraîner.".into(),
        ));
    }
    Ok(e)
}

/// Répond à une question de l'exercice en cours ; retourne le nombre d'essais. En évaluation,
/// une seule réponse par question.
pub fn repondre(
    c: &Connection,
    bac_id: &str,
    objectif: &str,
    valeur: &str,
    horloge: &Horloge,
) -> Resultat<u32> {
    let e = exercice_ouvert(c, bac_id)?;
    let o = e
        .scenario
        .objectifs
        .iter()
        .find(|o| o.id == objectif && o.verification.question().is_some())
        .ok_or(Erreur::Introuvable("question"))?;
    if e.mode == Mode::Evaluation && tentatives(c, bac_id)?.contains_key(&o.id) {
        return Err(Erreur::Conflit("En évaluation, on ne répond qu'une fois à chaque question.".into()));
    }
    let valeur = valeur.trim();
    if valeur.is_empty() {
        return Err(Erreur::Invalide("Donnez une réponse avant de valider.".into()));
    }
    if valeur.chars().count() > REPONSE_LONGUEUR_MAX {
        return Err(Erreur::Invalide(format!(
            "Une réponse compte {REPONSE_LONGUEUR_MAX} caractères au plus."
        )));
    }
    c.execute(
        "INSERT INTO scenario_reponse (bac_id, objectif, valeur) VALUES (?1, ?2, ?3)
         ON CONFLICT (bac_id, objectif) DO UPDATE SET valeur = excluded.valeur, tentatives = tentatives + 1",
        params![bac_id, o.id, valeur],
    )?;
    let commentaire = format!("{} : {valeur}", o.id);
    journal::noter_du_fournisseur(c, bac_id, evenement::REPONSE, &commentaire, None, horloge)?;
    Ok(c.query_row(
        "SELECT tentatives FROM scenario_reponse WHERE bac_id = ?1 AND objectif = ?2",
        [bac_id, &o.id],
        |r| r.get(0),
    )?)
}

/// Ouvre l'indice suivant d'un objectif (entraînement et découverte) ; retourne le nombre
/// d'indices vus.
pub fn voir_indice(c: &Connection, bac_id: &str, objectif: &str) -> Resultat<u32> {
    let e = exercice_ouvert(c, bac_id)?;
    if !e.mode.indices_permis() {
        return Err(Erreur::Conflit("Pas d'indice en évaluation : c'est une mise en situation.".into()));
    }
    let o = e.scenario.objectifs.iter().find(|o| o.id == objectif).ok_or(Erreur::Introuvable("objectif"))?;
    let max = u32::try_from(o.indices.len()).unwrap_or(u32::MAX);
    c.execute(
        "INSERT INTO scenario_indice (bac_id, objectif, vus) VALUES (?1, ?2, min(1, ?3))
         ON CONFLICT (bac_id, objectif) DO UPDATE SET vus = min(vus + 1, ?3)",
        params![bac_id, o.id, max],
    )?;
    Ok(indices_vus(c, bac_id)?.get(&o.id).copied().unwrap_or(0))
}

/// Les indices ouverts, par objectif.
pub fn indices_vus(c: &Connection, bac_id: &str) -> Resultat<HashMap<String, u32>> {
    let mut st = c.prepare_cached("SELECT objectif, vus FROM scenario_indice WHERE bac_id = ?1")?;
    let v = st.query_map([bac_id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    Ok(v)
}

/// Termine une évaluation : le résultat est figé et gardé dans la progression du stagiaire.
pub fn terminer(c: &Connection, bac_id: &str, utilisateur_id: &str, horloge: &Horloge) -> Resultat<()> {
    let e = exercice_ouvert(c, bac_id)?;
    c.execute(
        "UPDATE bac SET scenario_termine_le = ?2 WHERE id = ?1",
        params![bac_id, horloge.maintenant()],
    )?;
    let faits = faits(c, bac_id, horloge)?;
    let aides = (indices_vus(c, bac_id)?.values().sum(), tentatives(c, bac_id)?.values().sum());
    let r = e.scenario.evaluer(&faits);
    noter_progression(c, utilisateur_id, (&e.scenario, e.mode), (&r, aides), horloge)
}

/// Garde la progression du stagiaire : chaque objectif atteint (une fois pour toutes), et le
/// meilleur résultat du scénario dans ce mode.
/// `(indices, essais)` : les indices ouverts et les réponses données pendant l'exercice.
pub fn noter_progression(
    c: &Connection,
    utilisateur_id: &str,
    (scenario, mode): (&Scenario, Mode),
    (r, (indices, essais)): (&ResultatScenario<'_>, (u32, u32)),
    horloge: &Horloge,
) -> Resultat<()> {
    for e in r.objectifs.iter().filter(|e| e.atteint()) {
        c.prepare_cached(
            "INSERT OR IGNORE INTO progression_objectif (utilisateur_id, participant_id, scenario, objectif, atteint_le)
             VALUES (?1, (SELECT participant_id FROM utilisateur WHERE id = ?1), ?2, ?3, ?4)",
        )?
        .execute(params![utilisateur_id, scenario.id, e.objectif.id, horloge.maintenant()])?;
    }
    c.prepare_cached(
        "INSERT INTO progression (utilisateur_id, participant_id, scenario, mode, points, points_max, reussi, indices, essais,
                                  mis_a_jour, titre)
         VALUES (?1, (SELECT participant_id FROM utilisateur WHERE id = ?1), ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (utilisateur_id, scenario, mode) DO UPDATE SET
             points = max(points, excluded.points), points_max = excluded.points_max, titre = excluded.titre,
             reussi = reussi OR excluded.reussi, indices = excluded.indices, essais = excluded.essais,
             mis_a_jour = excluded.mis_a_jour",
    )?
    .execute(params![
        utilisateur_id,
        scenario.id,
        mode.code(),
        r.points,
        r.points_max,
        r.reussi,
        indices,
        essais,
        horloge.maintenant(),
        scenario.titre
    ])?;
    Ok(())
}

/// Le meilleur résultat d'un stagiaire dans un scénario, pour un mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progression {
    pub scenario: String,
    pub titre: String,
    pub mode: Mode,
    pub points: u32,
    pub points_max: u32,
    pub reussi: bool,
}

/// Les scénarios qu'un stagiaire a réussis, dans un mode ou un autre.
pub fn reussis(c: &Connection, utilisateur_id: &str) -> Resultat<BTreeSet<String>> {
    Ok(progression(c, utilisateur_id)?.into_iter().filter(|p| p.reussi).map(|p| p.scenario).collect())
}

pub fn progression(c: &Connection, utilisateur_id: &str) -> Resultat<Vec<Progression>> {
    lire_progression(c, "p.utilisateur_id = ?1", utilisateur_id)
}

/// La progression d'un stagiaire de classe : celle de ses comptes, même effacés depuis (il peut
/// en avoir recréé un après une remise au point de départ).
pub fn progression_du_participant(c: &Connection, participant_id: &str) -> Resultat<Vec<Progression>> {
    lire_progression(c, "p.participant_id = ?1", participant_id)
}

fn lire_progression(c: &Connection, filtre: &str, cle: &str) -> Resultat<Vec<Progression>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT p.scenario, p.titre, p.mode, max(p.points), max(p.points_max), max(p.reussi) FROM progression p
         WHERE {filtre} GROUP BY p.scenario, p.mode ORDER BY p.titre, p.mode"
    ))?;
    let v = st
        .query_map([cle], |r| {
            let mode: String = r.get(2)?;
            Ok(Progression {
                scenario: r.get(0)?,
                titre: r.get(1)?,
                mode: Mode::depuis_code(&mode).unwrap_or(Mode::Entrainement),
                points: r.get(3)?,
                points_max: r.get(4)?,
                reussi: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(v)
}

/// Les essais sur chaque question de l'exercice en cours.
pub fn tentatives(c: &Connection, bac_id: &str) -> Resultat<HashMap<String, u32>> {
    let mut st = c.prepare_cached("SELECT objectif, tentatives FROM scenario_reponse WHERE bac_id = ?1")?;
    let v = st.query_map([bac_id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    Ok(v)
}

/// Ce qu'un message d'exercice est : un piège ? déjà signalé ?
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EtatMessage {
    pub piege: bool,
    pub signale: bool,
}

pub fn etat_message(c: &Connection, bac_id: &str, id: i64) -> Resultat<EtatMessage> {
    Ok(c.prepare_cached("SELECT piege, signale_le IS NOT NULL FROM message WHERE bac_id = ?1 AND id = ?2")?
        .query_row(params![bac_id, id], |r| Ok(EtatMessage { piege: r.get(0)?, signale: r.get(1)? }))
        .optional()?
        .unwrap_or_default())
}

/// Ce que fait le stagiaire d'un message : le signaler comme frauduleux, ou suivre son lien.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Geste {
    Signaler,
    SuivreLeLien,
}

/// Note le geste sur le message (déjà vérifié comme lisible par ce stagiaire) et au journal.
pub fn noter_geste(c: &Connection, bac_id: &str, id: i64, geste: Geste, horloge: &Horloge) -> Resultat<()> {
    let b = bac::bac(c, bac_id)?;
    let (colonne, evenement, commentaire) = match geste {
        Geste::Signaler => ("signale_le", evenement::SIGNALEMENT, "Message signalé comme frauduleux"),
        Geste::SuivreLeLien => ("lien_suivi_le", evenement::LIEN_PIEGE, "Lien d'un message frauduleux suivi"),
    };
    let n = c.execute(
        &format!("UPDATE message SET {colonne} = coalesce({colonne}, ?3) WHERE bac_id = ?1 AND id = ?2"),
        params![bac_id, id, b.maintenant_simule(horloge)],
    )?;
    if n == 0 {
        return Err(Erreur::Introuvable("message"));
    }
    let reference: Option<String> =
        c.query_row("SELECT scenario_ref FROM message WHERE id = ?1", [id], |r| r.get(0))?;
    let donnees = serde_json::json!({ "message": id, "scenario_ref": reference }).to_string();
    journal::noter_du_fournisseur(c, bac_id, evenement, commentaire, Some(donnees), horloge)
}

/// Ce que les objectifs vérifient : chaque facture du bac avec tous les statuts qu'elle a
/// eus, les intérêts moratoires des factures payées en retard, les structures du stagiaire,
/// ses réponses et ce qu'il a fait des messages de l'exercice.
pub fn faits(c: &Connection, bac_id: &str, horloge: &Horloge) -> Resultat<Faits> {
    let mut statuts: HashMap<String, BTreeSet<Statut>> = HashMap::new();
    let mut st = c.prepare_cached(
        "SELECT facture_id, statut FROM journal
         WHERE bac_id = ?1 AND evenement = 'STATUT' AND facture_id IS NOT NULL",
    )?;
    let lignes = st.query_map([bac_id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    for ligne in lignes {
        let (facture, statut) = ligne?;
        if let Ok(s) = Statut::depuis_code(&statut) {
            statuts.entry(facture).or_default().insert(s);
        }
    }
    let mut st = c.prepare_cached(
        "SELECT id, structure_id, coalesce(json_extract(saisie, '$.type_facture'), 'FACTURE'), destinataire,
                coalesce(json_extract(saisie, '$.code_service'), ''),
                coalesce(json_extract(saisie, '$.numero_engagement'), ''), statut,
                coalesce(json_extract(saisie, '$.cadre'), ''), coalesce(valideur_1, ''), coalesce(moe, '')
         FROM facture WHERE bac_id = ?1 ORDER BY ordre",
    )?;
    let lignes = st
        .query_map([bac_id], |r| {
            Ok((
                (r.get::<_, String>(0)?, r.get::<_, String>(1)?),
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                (
                    r.get::<_, String>(6)?,
                    r.get::<_, String>(7)?,
                    r.get::<_, String>(8)?,
                    r.get::<_, String>(9)?,
                ),
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut pieces: HashMap<String, BTreeSet<chorus_domain::facture::CadreFacturation>> = HashMap::new();
    let mut st = c.prepare_cached("SELECT facture_id, cadre FROM piece_travaux WHERE bac_id = ?1")?;
    for ligne in st.query_map([bac_id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
        let (facture, cadre) = ligne?;
        if let Ok(cadre) = chorus_domain::facture::CadreFacturation::depuis_code(&cadre) {
            pieces.entry(facture).or_default().insert(cadre);
        }
    }
    let mut faits = Faits::default();
    for (
        (id, structure_id),
        type_facture,
        destinataire,
        code_service,
        numero_engagement,
        (statut, cadre, valideur, moe),
    ) in lignes
    {
        let statut = Statut::depuis_code(&statut)?;
        let cadre = chorus_domain::facture::CadreFacturation::depuis_code(&cadre)?;
        if statut == Statut::MiseEnPaiement
            && let EtatPaiement::Suivie(suivi) =
                paiement::suivi_facture(c, bac_id, &structure_id, &id, horloge)?.etat
            && let Some(montant) = suivi.interets.and_then(|i| i.montant)
        {
            faits.interets_moratoires.push(montant);
        }
        let mut tous = statuts.remove(&id).unwrap_or_default();
        tous.insert(statut);
        faits.factures.push(FactureFaits {
            type_facture,
            destinataire,
            code_service,
            numero_engagement,
            statut,
            statuts: tous,
            cadre,
            valideur,
            moe,
            pieces: pieces.remove(&id).unwrap_or_default(),
        });
    }
    let mut st = c.prepare_cached(
        "SELECT s.identifiant FROM rattachement r JOIN utilisateur u ON u.id = r.utilisateur_id
         JOIN structure s ON s.id = r.structure_id
         WHERE r.bac_id = ?1 AND r.statut = 'VALIDE' AND u.simule = 0",
    )?;
    faits.structures = st.query_map([bac_id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    let mut st = c.prepare_cached("SELECT objectif, valeur FROM scenario_reponse WHERE bac_id = ?1")?;
    faits.reponses =
        st.query_map([bac_id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    let mut st = c.prepare_cached(
        "SELECT scenario_ref, signale_le IS NOT NULL, lien_suivi_le IS NOT NULL FROM message
         WHERE bac_id = ?1 AND scenario_ref IS NOT NULL",
    )?;
    for ligne in
        st.query_map([bac_id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, bool>(1)?, r.get::<_, bool>(2)?)))?
    {
        let (reference, signale, suivi) = ligne?;
        if signale {
            faits.messages_signales.insert(reference.clone());
        }
        if suivi {
            faits.liens_suivis.insert(reference);
        }
    }
    for f in crate::flux::traites(c, bac_id)? {
        faits.flux.push(f);
    }
    Ok(faits)
}
