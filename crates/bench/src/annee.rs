//! `--mode annee` : une année de formation sur un seul dossier de données. `--classes` classes
//! (100 par défaut) de `--stagiaires` stagiaires (12), une par semaine sur l'année écoulée,
//! chacun avec son bac à sable, `--factures` factures envoyées (avec leur journal et les
//! messages qu'elles font naître), un examen de quiz rendu et sa signature d'émargement ; les trois quarts des classes
//! closes, comme le formateur le fait en fin de session. Les pages d'un stagiaire de la dernière
//! classe sont ensuite mesurées sur ce serveur, puis les mêmes pages sur un serveur neuf (le bac
//! de démonstration formation1, avec autant de factures) : le rapport entre les deux.

use std::path::Path;
use std::time::{Duration, Instant};

use chorus_domain::classe::{Depart, SaisieClasse, controler};
use chorus_domain::saisie::{LigneBrute, SaisieBrute};
use chorus_store::emargement::Signature;
use chorus_store::facture::Envoi;
use chorus_store::{Horloge, Store, classe, cloture, demo, emargement, facture, formateur, quiz};

use crate::charge::{self, Mesure};
use crate::http::Session;

/// Ce que le peuplement a créé, et le stagiaire dont les pages sont mesurées.
pub struct Annee {
    pub classes: usize,
    pub stagiaires: usize,
    pub factures: usize,
    pub duree: Duration,
    pub octets: u64,
    pub identifiant: String,
    pub mot_de_passe: String,
    /// Le formateur (son mot de passe à usage unique) et la dernière classe.
    pub formateur: (String, String),
    pub derniere_classe: String,
    /// Le compte technique du stagiaire mesuré (`login:mot de passe`), pour l'API Chorus Pro ;
    /// ses identifiants PISTE sont [`CLIENT_ID`] et [`CLIENT_SECRET`].
    pub compte_technique: String,
}

pub const CLIENT_ID: &str = "annee-stagiaire";
pub const CLIENT_SECRET: &str = "annee-secret-stagiaire";
const MOT_DE_PASSE_TECHNIQUE: &str = "Raccordement-API-2026";

fn saisie(numero: &str, date: chrono::NaiveDate) -> SaisieBrute {
    SaisieBrute {
        numero: numero.into(),
        date_facture: date.format("%d/%m/%Y").to_string(),
        destinataire: "21852884200097".into(),
        lignes: vec![LigneBrute {
            designation: "Entretien des espaces verts".into(),
            quantite: "3".into(),
            prix_unitaire_ht: "120,50".into(),
            taux_tva: "20".into(),
            ..LigneBrute::default()
        }],
        ..SaisieBrute::default()
    }
}

/// Peuple `dossier` (une base neuve) avec une année de classes.
pub fn peupler(dossier: &Path, classes: usize, stagiaires: usize, factures: usize) -> Result<Annee, String> {
    let e = |e: chorus_store::Erreur| e.to_string();
    let debut = Instant::now();
    let store = Store::ouvrir(dossier).map_err(e)?;
    let aujourd_hui = Horloge::Systeme.aujourd_hui();
    demo::initialiser(&store, &Horloge::Systeme).map_err(e)?;
    let (f, mot_de_passe_formateur) =
        store.ecrire(|c| formateur::creer(c, "formatrice@annee.exemple.fr", &Horloge::Systeme)).map_err(e)?;
    let questions = quiz::CatalogueQuiz::livre().questions();
    let mut derniere_classe = String::new();
    let mut compte_technique = String::new();
    let mut mesure = (String::new(), String::new());
    for k in 0..classes {
        // Une classe par semaine (ou plus serrées), la dernière aujourd'hui.
        let jour = aujourd_hui - chrono::Days::new(((classes - 1 - k) * 364 / classes.max(1)) as u64);
        let horloge = Horloge::fixe(jour);
        let d = controler(&SaisieClasse {
            titre: format!("Déposer ses factures sur Chorus Pro — session {}", k + 1),
            date_debut: jour.format("%Y-%m-%d").to_string(),
            demi_journees: "1".into(),
            lieu: "CMA, salle 2".into(),
            organisme: "Chambre de métiers et de l'artisanat".into(),
            depart: Depart::PratiqueLibre.code().into(),
            ..SaisieClasse::default()
        })
        .map_err(|a| format!("{a:?}"))?;
        let cl = store.ecrire(|c| classe::creer(c, &f.id, &d, &horloge)).map_err(e)?;
        store.ecrire(|c| classe::regler_double_authentification(c, &f.id, &cl.id, false)).map_err(e)?;
        for s in 0..stagiaires {
            let nom = format!("Stagiaire {} de la session {}", s + 1, k + 1);
            let a = store.ecrire(|c| classe::rejoindre(c, &cl.code, &nom, None, &horloge)).map_err(e)?;
            let (compte, mot_de_passe) = a.compte.clone().ok_or("un compte de pratique libre")?;
            let structure = compte.structure_id.clone().ok_or("une structure")?;
            store
                .ecrire(|c| {
                    for n in 0..factures {
                        facture::saisir(
                            c,
                            &a.bac_id,
                            &structure,
                            None,
                            &saisie(&format!("A{k}-{s}-{n:03}"), jour),
                            Envoi::ValiderEtEnvoyer,
                            &horloge,
                        )?;
                    }
                    // Un examen de quiz, rendu avec une réponse à chaque question.
                    let examen = quiz::commencer(
                        c,
                        &compte.id,
                        quiz::Mode::Examen,
                        Some(quiz::Portee::Examen(None)),
                        &questions,
                        (k * 100 + s) as u64,
                        horloge.maintenant(),
                    )?;
                    let tentative = quiz::tentative(c, &compte.id, &examen)?;
                    let reponses = tentative.questions.iter().map(|q| (q.id.clone(), vec![0])).collect();
                    quiz::rendre_examen(c, &compte.id, &examen, &reponses, horloge.maintenant())?;
                    let signature = Signature { certifie: true, nom: nom.clone(), trace: String::new() };
                    // La demi-journée en cours à l'heure fixe de l'horloge, s'il y en a une.
                    let _ = emargement::signer(c, &a.participant_id, &signature, &horloge);
                    Ok(())
                })
                .map_err(e)?;
            mesure = (compte.email.clone(), mot_de_passe);
            if k + 1 == classes && s + 1 == stagiaires {
                // Le connecteur du stagiaire mesuré : ses identifiants PISTE et son compte technique.
                compte_technique = store
                    .ecrire(|c| {
                        let ids = chorus_store::piste::Identifiants {
                            client_id: CLIENT_ID.into(),
                            client_secret: CLIENT_SECRET.into(),
                        };
                        chorus_store::piste::definir(c, &a.bac_id, &ids, &horloge)?;
                        let t = chorus_store::raccordement::definir_compte_technique(
                            c,
                            &a.bac_id,
                            &structure,
                            MOT_DE_PASSE_TECHNIQUE,
                            MOT_DE_PASSE_TECHNIQUE,
                            &horloge,
                        )?;
                        Ok(format!("{}:{MOT_DE_PASSE_TECHNIQUE}", t.identifiant))
                    })
                    .map_err(e)?;
            }
        }
        derniere_classe = cl.id.clone();
        // Les trois quarts des classes passées sont closes.
        if k % 4 != 3 && k + 1 < classes {
            let documents = store.lire(|c| cloture::preparer(c, &f.id, &cl.id, &horloge)).map_err(e)?;
            store.ecrire(|c| cloture::clore(c, &f.id, documents, &horloge)).map_err(e)?;
        }
    }
    store.compacter_le_journal().map_err(e)?;
    drop(store);
    let octets = std::fs::metadata(dossier.join("chorus.sqlite")).map(|m| m.len()).unwrap_or(0);
    Ok(Annee {
        classes,
        stagiaires,
        factures,
        duree: debut.elapsed(),
        octets,
        identifiant: mesure.0,
        mot_de_passe: mesure.1,
        formateur: (f.email.clone(), mot_de_passe_formateur),
        derniere_classe,
        compte_technique,
    })
}

/// Les pages mesurées d'un stagiaire : leur nom et leur chemin (la facture : la première de la
/// liste).
pub async fn pages(session: &mut Session) -> Result<Vec<(String, String)>, String> {
    let liste = session.get("/factures-emises").await?;
    let facture = liste
        .corps
        .split("href=\"")
        .filter_map(|m| m.split('"').next())
        .find(|c| c.strip_prefix("/factures-emises/").is_some_and(|id| id.len() == 36))
        .ok_or("aucune facture dans la liste")?
        .to_string();
    Ok(vec![
        ("Accueil".into(), "/".into()),
        ("Factures émises".into(), "/factures-emises".into()),
        ("Une facture".into(), facture),
        ("Annuaire : « valcombe »".into(), "/annuaire?q=valcombe".into()),
        ("Suivi des paiements".into(), "/suivi-paiements".into()),
        ("Messagerie".into(), "/messagerie".into()),
    ])
}

/// Les pages mesurées du formateur : ses classes, la dernière, son suivi et son émargement.
pub fn pages_console(classe: &str) -> Vec<(String, String)> {
    vec![
        ("Console : les classes".into(), "/formateur".into()),
        ("Console : la classe".into(), format!("/formateur/classes/{classe}")),
        ("Console : l'émargement".into(), format!("/formateur/classes/{classe}/emargement")),
    ]
}

/// Chaque page mesurée pour `clients` stagiaires à la fois (ici, la même session).
pub async fn mesurer(
    session: &mut Session,
    pages: &[(String, String)],
    clients: usize,
    duree: Duration,
) -> Result<Vec<Mesure>, String> {
    let cookie = session.entete_cookie().ok_or("pas de cookie de session")?;
    let mut mesures = Vec::new();
    for (_, chemin) in pages {
        let r = session.get(chemin).await?;
        if r.statut != hyper::StatusCode::OK {
            return Err(format!("{chemin} : {} {}", r.statut, r.extrait()));
        }
        let url = session.url(chemin);
        charge::mesurer(&url, Some(&cookie), clients, duree.min(Duration::from_secs(1))).await;
        mesures.push(charge::mesurer(&url, Some(&cookie), clients, duree).await);
    }
    Ok(mesures)
}
