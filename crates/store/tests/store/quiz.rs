//! Les quiz : le catalogue livré (chaque fichier valide, le binaire complet, tous les points du
//! programme couverts), son rechargement, et les tentatives avec leurs scores par point.

use std::collections::BTreeMap;

use chorus_domain::delai_paiement::montant_interets;
use chorus_domain::montants::format_nombre;
use chorus_domain::programme::Programme;
use chorus_domain::scenario::ItemProgramme;
use chorus_store::fichiers::ecarts_avec_le_dossier;
use chorus_store::quiz::{self, CatalogueQuiz, LIVRES, Mode, Portee, QUESTIONS_PAR_EXAMEN};
use chorus_store::{Erreur, compte, demo};
use rust_decimal_macros::dec;

use crate::commun::Monde;

fn dossier_livre() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/quiz")
}

fn utilisateur(m: &Monde, n: usize) -> String {
    m.store.lire(|c| compte::authentifier(c, &demo::identifiant_demo(n), demo::MOT_DE_PASSE_DEMO)).unwrap().id
}

#[test]
fn le_catalogue_livre_est_complet_et_valide() {
    let catalogue = CatalogueQuiz::depuis_dossier(&dossier_livre());
    assert!(catalogue.refuses().is_empty(), "{:?}", catalogue.refuses());
    let aucun: (Vec<String>, Vec<String>) = (vec![], vec![]);
    assert_eq!(
        ecarts_avec_le_dossier(&dossier_livre(), LIVRES),
        aucun,
        "chaque fichier de quiz est compilé dans le binaire"
    );
    assert_eq!(*CatalogueQuiz::livre().questions(), *catalogue.questions());
    assert!(catalogue.questions().len() >= 60, "au moins 60 questions : {}", catalogue.questions().len());
    for (item, n) in catalogue.nombre_par_item() {
        assert!(n >= 6, "le point « {} » n'a que {n} question(s)", item.libelle());
    }
}

/// Les questions de calcul donnent le résultat du simulateur, au centime.
#[test]
fn les_calculs_d_interets_du_quiz_tombent_juste() {
    let catalogue = CatalogueQuiz::livre();
    let questions = catalogue.questions();
    for (id, montant, jours, taux) in [
        ("pai-interets-calcul", dec!(12000), 20, dec!(10.15)),
        ("pai-interets-calcul-2", dec!(5000), 15, dec!(12.50)),
    ] {
        let q = questions.iter().find(|q| q.id == id).unwrap();
        let attendu = format!("{} €", format_nombre(montant_interets(montant, jours, taux).unwrap(), 2));
        assert_eq!(q.choix[q.bonnes[0]], attendu, "{id}");
    }
    let total = questions.iter().find(|q| q.id == "pai-total-du").unwrap();
    let interets = montant_interets(dec!(12000), 20, dec!(10.15)).unwrap();
    assert_eq!(total.choix[total.bonnes[0]], format!("{} €", format_nombre(interets + dec!(40), 2)));
}

const QUIZ_A: &str = r#"
item = "securite"
titre = "A"

[[question]]
id = "q-1"
enonce = "Une question ?"
choix = ["Oui", "Non"]
bonnes = ["A"]
explication = "Parce que."
reference = "Une source"
"#;

#[test]
fn le_dossier_est_relu_et_un_identifiant_ne_sert_qu_une_fois() {
    let dossier = tempfile::tempdir().unwrap();
    std::fs::write(dossier.path().join("a.toml"), QUIZ_A).unwrap();
    let catalogue = CatalogueQuiz::depuis_dossier(dossier.path());
    assert_eq!(catalogue.questions().len(), 1);
    let b = QUIZ_A.replace("titre = \"A\"", "titre = \"B\"");
    std::fs::write(dossier.path().join("b.toml"), &b).unwrap();
    assert_eq!(catalogue.questions().len(), 1);
    let refus = catalogue.refuses();
    assert_eq!(refus.len(), 1);
    assert_eq!(refus[0].fichier, "b.toml");
    assert_eq!(refus[0].defauts[0].ligne, 5, "{}", refus[0].defauts[0]);
    assert!(refus[0].defauts[0].message.contains("déjà celui d'une question"), "{}", refus[0].defauts[0]);
    std::fs::write(dossier.path().join("b.toml"), b.replace("q-1", "q-2")).unwrap();
    assert_eq!(catalogue.questions().len(), 2);
    assert!(catalogue.refuses().is_empty());
}

#[test]
fn examen_scores_par_point_et_meilleure_tentative() {
    let m = Monde::nouveau();
    let u = utilisateur(&m, 1);
    let catalogue = CatalogueQuiz::livre().questions();
    let maintenant = m.horloge.maintenant();
    let cma = Some(Portee::Examen(Some(Programme::Cma)));
    let id =
        m.store.ecrire(|tx| quiz::commencer(tx, &u, Mode::Examen, cma, &catalogue, 7, maintenant)).unwrap();
    let t = m.store.lire(|c| quiz::tentative(c, &u, &id)).unwrap();
    assert_eq!(t.questions.len(), QUESTIONS_PAR_EXAMEN);
    assert_eq!(t.programme, Some(Programme::Cma));
    assert!(t.questions.iter().all(|q| Programme::Cma.items().contains(&q.item)));
    assert_eq!(t.questions, m.store.lire(|c| quiz::tentative(c, &u, &id)).unwrap().questions, "tirage gardé");

    // Tout juste sauf les questions « paiement » laissées sans réponse.
    let reponses: BTreeMap<String, Vec<usize>> = t
        .questions
        .iter()
        .filter(|q| q.item != ItemProgramme::Paiement)
        .map(|q| (q.id.clone(), q.bonnes.clone()))
        .collect();
    m.store.ecrire(|tx| quiz::rendre_examen(tx, &u, &id, &reponses, maintenant)).unwrap();
    let deja = m.store.ecrire(|tx| quiz::rendre_examen(tx, &u, &id, &reponses, maintenant));
    assert!(matches!(deja, Err(Erreur::Invalide(ref m)) if m.contains("déjà rendu")), "{deja:?}");

    let scores = m.store.lire(|c| quiz::scores_par_item(c, &u)).unwrap();
    assert_eq!(scores.len(), Programme::Cma.items().len(), "{scores:?}");
    for (item, bonnes, total) in &scores {
        assert!(*total >= 2, "{scores:?}");
        if *item == ItemProgramme::Paiement {
            assert_eq!(*bonnes, 0);
        } else {
            assert_eq!(bonnes, total);
        }
    }

    // Un second examen parfait : pour chaque point, la meilleure tentative compte.
    let id2 =
        m.store.ecrire(|tx| quiz::commencer(tx, &u, Mode::Examen, cma, &catalogue, 8, maintenant)).unwrap();
    let t2 = m.store.lire(|c| quiz::tentative(c, &u, &id2)).unwrap();
    let parfaites = t2.questions.iter().map(|q| (q.id.clone(), q.bonnes.clone())).collect();
    m.store.ecrire(|tx| quiz::rendre_examen(tx, &u, &id2, &parfaites, maintenant)).unwrap();
    let scores = m.store.lire(|c| quiz::scores_par_item(c, &u)).unwrap();
    assert!(scores.iter().all(|(_, b, t)| b == t), "{scores:?}");
    assert_eq!(m.store.lire(|c| quiz::tentatives(c, &u)).unwrap().len(), 2);
}

#[test]
fn entrainement_question_par_question_et_historique() {
    let m = Monde::nouveau();
    let u = utilisateur(&m, 1);
    let catalogue = CatalogueQuiz::livre().questions();
    let maintenant = m.horloge.maintenant();
    let sans_point =
        m.store.ecrire(|tx| quiz::commencer(tx, &u, Mode::Entrainement, None, &catalogue, 1, maintenant));
    assert!(matches!(sans_point, Err(Erreur::Invalide(_))));
    let id = m
        .store
        .ecrire(|tx| {
            quiz::commencer(
                tx,
                &u,
                Mode::Entrainement,
                Some(Portee::Point(ItemProgramme::SousTraitance)),
                &catalogue,
                1,
                maintenant,
            )
        })
        .unwrap();
    let t = m.store.lire(|c| quiz::tentative(c, &u, &id)).unwrap();
    assert!(t.questions.iter().all(|q| q.item == ItemProgramme::SousTraitance));
    let n = t.questions.len();
    let mut bonnes = 0;
    for (i, q) in t.questions.iter().enumerate() {
        // La première question reçoit une réponse fausse (sauf si son dernier choix est juste).
        let choix = if i == 0 { vec![q.choix.len() - 1] } else { q.bonnes.clone() };
        let juste = m.store.ecrire(|tx| quiz::repondre(tx, &u, &id, &q.id, &choix, maintenant)).unwrap();
        assert_eq!(juste, q.est_juste(&choix));
        bonnes += u32::from(juste);
    }
    let q = &t.questions[0];
    let encore = m.store.ecrire(|tx| quiz::repondre(tx, &u, &id, &q.id, &q.bonnes, maintenant));
    assert!(matches!(encore, Err(Erreur::Invalide(ref m)) if m.contains("déjà répondu")), "{encore:?}");
    let hors = m.store.ecrire(|tx| quiz::repondre(tx, &u, &id, "inconnue", &[0], maintenant));
    assert!(matches!(hors, Err(Erreur::Invalide(_))));
    assert!(m.store.lire(|c| quiz::tentative(c, &u, &id)).unwrap().terminee());

    let historique = m.store.lire(|c| quiz::entrainement_par_item(c, &u)).unwrap();
    assert_eq!(historique, vec![(ItemProgramme::SousTraitance, bonnes, u32::try_from(n).unwrap())]);
    assert!(
        m.store.lire(|c| quiz::scores_par_item(c, &u)).unwrap().is_empty(),
        "l'entraînement n'est pas un examen"
    );
}

#[test]
fn une_tentative_n_est_lue_que_par_son_auteur() {
    let m = Monde::nouveau();
    let (u1, u2) = (utilisateur(&m, 1), utilisateur(&m, 2));
    let catalogue = CatalogueQuiz::livre().questions();
    let maintenant = m.horloge.maintenant();
    let id =
        m.store.ecrire(|tx| quiz::commencer(tx, &u1, Mode::Examen, None, &catalogue, 3, maintenant)).unwrap();
    assert!(matches!(m.store.lire(|c| quiz::tentative(c, &u2, &id)), Err(Erreur::Introuvable(_))));
    let vide = BTreeMap::new();
    let rendu = m.store.ecrire(|tx| quiz::rendre_examen(tx, &u2, &id, &vide, maintenant));
    assert!(matches!(rendu, Err(Erreur::Introuvable(_))));
    assert!(m.store.lire(|c| quiz::tentatives(c, &u2)).unwrap().is_empty());
    assert!(m.store.lire(|c| quiz::scores_par_item_participant(c, "personne")).unwrap().is_empty());
}
