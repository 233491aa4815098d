//! The "Cours" menu and the page of the simulator's choices: open to anyone (studying at home
//! without an account), each lesson with its sources, its quiz questions and its exercises;
//! logged in, the trainee keeps the portal's menus and can practise the lesson's questions.

mod commun;

use axum::http::StatusCode;
use chorus_domain::choix_simulateur::ChoixSimulateur;
use chorus_domain::programme::{ItemProgramme, Programme};
use chorus_store::cours::CatalogueCours;
use chorus_store::quiz::CatalogueQuiz;
use commun::{Portail, Stagiaire, Visiteur, echapper};

#[tokio::test]
async fn le_sommaire_liste_les_deux_programmes_sans_compte() {
    let p = Portail::nouveau();
    let mut v = Visiteur::new(&p.app);
    let r = v.get("/cours").await;
    r.assert_statut(StatusCode::OK).assert_contient("<h1>Cours</h1>");
    for programme in Programme::TOUS {
        r.assert_contient(&echapper(programme.intitule()));
        for item in programme.items() {
            r.assert_contient(&format!(r#"href="/cours/{}""#, item.code()));
        }
    }
    r.assert_absent("leçon indisponible").assert_contient(r#"href="/choix-du-simulateur""#);
}

#[tokio::test]
async fn chaque_lecon_montre_ses_sources_ses_questions_et_ses_exercices() {
    let p = Portail::nouveau();
    let mut v = Visiteur::new(&p.app);
    let lecons = CatalogueCours::livre().lecons();
    let questions = CatalogueQuiz::livre().questions();
    for item in ItemProgramme::TOUS {
        let l = lecons.iter().find(|l| l.item == item).expect("a lesson per item");
        let r = v.get(&format!("/cours/{}", item.code())).await;
        r.assert_statut(StatusCode::OK).assert_contient(&format!("<h1>{}</h1>", echapper(&l.titre)));
        let sources = r.corps.matches(r#"<p class="source">Source : "#).count();
        let faits: usize = l.parties.iter().map(|p| p.faits.len()).sum();
        assert_eq!(sources, faits, "{item:?}: every fact shows its source");
        let du_point = questions.iter().filter(|q| q.item == item).count();
        assert_eq!(r.corps.matches("<summary>Voir la réponse</summary>").count(), du_point, "{item:?}");
        assert!(du_point >= 6, "{item:?}");
        if let Some(q) = questions.iter().find(|q| q.item == item) {
            r.assert_contient(&echapper(&q.enonce));
        }
        for f in l.parties.iter().flat_map(|p| &p.faits).filter(|f| f.a_jour_au.is_some()) {
            let d = f.a_jour_au.unwrap().format("%d/%m/%Y").to_string();
            r.assert_contient(&format!("à jour au {d}"));
        }
        // A dated question (every reform question is) shows when it was checked.
        for q in questions.iter().filter(|q| q.item == item) {
            if let Some(d) = q.a_jour_au {
                r.assert_contient(&format!(
                    "{} (à jour au {})",
                    echapper(&q.reference),
                    d.format("%d/%m/%Y")
                ));
            }
        }
        // Without an account: no practice button, an invitation to log in where exercises exist.
        r.assert_absent(r#"action="/quiz/entrainement""#).assert_contient("data-imprimer");
    }
    v.get("/cours/inconnu").await.assert_statut(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn connecte_le_stagiaire_s_entraine_depuis_la_lecon() {
    let p = Portail::nouveau();
    let mut s = Stagiaire::connecte(&p.app, "formation1@exemple.fr").await;
    let r = s.get("/cours/paiement").await;
    r.assert_statut(StatusCode::OK)
        .assert_contient(r#"href="/cours""#)
        .assert_contient(r#"action="/quiz/entrainement""#)
        .assert_contient(r#"name="item" value="paiement""#)
        .assert_contient("Payé en retard : les intérêts moratoires")
        .assert_contient(r#"href="/exercices#exercice-retard-interets""#);
    let t = s.post_form("/quiz/entrainement", &[("item", "paiement")]).await;
    assert!(t.location().starts_with("/quiz/tentatives/"), "{}", t.location());
    // The exam of one programme draws from its items only.
    let e = s.post_form("/quiz/examen", &[("programme", "cci")]).await;
    let examen = s.get(e.location()).await;
    examen.assert_statut(StatusCode::OK).assert_contient("Examen — La facturation via Chorus Pro");
    s.post_form("/quiz/examen", &[("programme", "autre")]).await.assert_statut(StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn la_page_des_choix_du_simulateur_les_liste_tous() {
    let p = Portail::nouveau();
    let mut v = Visiteur::new(&p.app);
    let r = v.get("/choix-du-simulateur").await;
    r.assert_statut(StatusCode::OK);
    for c in ChoixSimulateur::TOUS {
        r.assert_contient(&format!(r#"id="{}""#, c.ancre())).assert_contient(&echapper(c.titre()));
    }
}

/// The marks lead to the page, where the trainee meets the choices.
#[tokio::test]
async fn les_choix_sont_marques_la_ou_le_stagiaire_les_rencontre() {
    let p = Portail::nouveau();
    let mut s = Stagiaire::connecte(&p.app, "formation1@exemple.fr").await;
    for (page, choix) in [
        ("/bac", ChoixSimulateur::CalendrierAcheteur),
        ("/factures-emises/saisir", ChoixSimulateur::DateFuture),
        ("/factures-emises/saisir", ChoixSimulateur::UniciteNumero),
        ("/annuaire/38496988700072", ChoixSimulateur::DelaiLegalAnnuaire),
        ("/messagerie", ChoixSimulateur::Messagerie),
        ("/suivi-paiements", ChoixSimulateur::SuiviDuDelai),
        ("/mon-compte", ChoixSimulateur::ReglesMotDePasse),
    ] {
        s.get(page).await.assert_contient(&format!(r#"href="/choix-du-simulateur#{}""#, choix.ancre()));
    }
    // The national public office (EPIC, 4120): a public company, 60 days, labelled as a help.
    s.get("/annuaire/38496988700072")
        .await
        .assert_contient("Délai légal selon la nature de l'acheteur : 60 jours")
        .assert_contient("catégorie juridique INSEE 4120");
    // Search results list the buyer's real parameters only: no delay among them.
    s.get("/annuaire?q=hospitalier").await.assert_absent("Délai");
}
