//! Les leçons livrées : chaque fichier valide et compilé dans le binaire, une leçon et au moins
//! six questions de quiz pour chaque point des deux programmes, des renvois vers des exercices
//! qui existent ; et la relecture d'un dossier.

use chorus_domain::programme::Programme;
use chorus_store::catalogue::Catalogue;
use chorus_store::cours::{self, CatalogueCours, LIVRES};
use chorus_store::fichiers::ecarts_avec_le_dossier;
use chorus_store::quiz::CatalogueQuiz;

fn dossier_livre() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/cours")
}

#[test]
fn les_lecons_livrees_sont_completes_et_valides() {
    let catalogue = CatalogueCours::depuis_dossier(&dossier_livre());
    assert!(catalogue.refuses().is_empty(), "{:?}", catalogue.refuses());
    let aucun: (Vec<String>, Vec<String>) = (vec![], vec![]);
    assert_eq!(
        ecarts_avec_le_dossier(&dossier_livre(), LIVRES),
        aucun,
        "chaque leçon est compilée dans le binaire"
    );
    assert_eq!(*CatalogueCours::livre().lecons(), *catalogue.lecons());
}

#[test]
fn chaque_point_des_deux_programmes_a_sa_lecon_et_six_questions() {
    let lecons = CatalogueCours::livre().lecons();
    let quiz = CatalogueQuiz::livre();
    let questions = quiz.nombre_par_item();
    for programme in Programme::TOUS {
        for item in programme.items() {
            assert!(
                lecons.iter().any(|l| l.item == *item),
                "programme {} : le point « {} » n'a pas de leçon",
                programme.code(),
                item.libelle()
            );
            let n = questions.get(item).copied().unwrap_or(0);
            assert!(
                n >= 6,
                "programme {} : le point « {} » n'a que {n} question(s)",
                programme.code(),
                item.libelle()
            );
        }
    }
    // La réforme, au programme des deux formations, a au moins dix questions.
    let reforme = questions.get(&chorus_domain::programme::ItemProgramme::Reforme).copied().unwrap_or(0);
    assert!(reforme >= 10, "{reforme}");
}

#[test]
fn les_exercices_cites_existent() {
    let scenarios = Catalogue::livre().scenarios();
    let ids: Vec<&str> = scenarios.iter().map(|s| s.id.as_str()).collect();
    for l in CatalogueCours::livre().lecons().iter() {
        assert!(cours::exercices_inconnus(l, &ids).is_empty(), "{:?} : {:?}", l.item, l.exercices);
    }
}

#[test]
fn chaque_fait_date_porte_une_date_plausible() {
    let au_plus_tard = chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
    for l in CatalogueCours::livre().lecons().iter() {
        for f in l.parties.iter().flat_map(|p| &p.faits) {
            if let Some(d) = f.a_jour_au {
                assert!(d <= au_plus_tard, "{:?} : {d}", l.item);
            }
        }
    }
}

const LECON: &str = r#"
item = "securite"
titre = "A"
duree_minutes = 5
chapeau = "Un chapeau."

[[partie]]
titre = "Une partie"

[[partie.fait]]
texte = "Un fait."
source = "Une source"
"#;

#[test]
fn le_dossier_est_relu_et_un_point_n_a_qu_une_lecon() {
    let dossier = tempfile::tempdir().unwrap();
    std::fs::write(dossier.path().join("a.toml"), LECON).unwrap();
    let catalogue = CatalogueCours::depuis_dossier(dossier.path());
    assert_eq!(catalogue.lecons().len(), 1);
    std::fs::write(dossier.path().join("b.toml"), LECON.replace("titre = \"A\"", "titre = \"B\"")).unwrap();
    assert_eq!(catalogue.lecons().len(), 1);
    let refus = catalogue.refuses();
    assert_eq!(refus.len(), 1);
    assert!(refus[0].defauts[0].message.contains("a déjà sa leçon"), "{:?}", refus[0]);
    std::fs::write(dossier.path().join("b.toml"), LECON.replace("\"securite\"", "\"reforme\"")).unwrap();
    assert_eq!(catalogue.lecons().len(), 2);
}
