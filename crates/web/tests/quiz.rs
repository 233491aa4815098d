//! The quizzes through the portal: practice (one question at a time, corrected at once with
//! its explanation and reference) and exam (drawn once, no correction before it is handed in,
//! then a score per programme item), each user seeing only their own attempts.

mod commun;

use axum::http::StatusCode;
use chorus_domain::quiz::{Question, lettre};
use chorus_store::quiz::{CatalogueQuiz, QUESTIONS_PAR_EXAMEN};
use commun::{Portail, Reponse, Stagiaire, echapper};

fn question(id: &str) -> Question {
    CatalogueQuiz::livre()
        .questions()
        .iter()
        .find(|q| q.id == id)
        .cloned()
        .unwrap_or_else(|| panic!("question {id}"))
}

fn bonnes_lettres(q: &Question) -> Vec<String> {
    q.bonnes.iter().map(|&r| lettre(r).to_string()).collect()
}

/// A wrong answer: the first choice that is not a right one.
fn mauvaise_lettre(q: &Question) -> String {
    let rang = (0..q.choix.len()).find(|r| !q.bonnes.contains(r)).expect("a wrong choice");
    lettre(rang).to_string()
}

/// The attempt page a start redirected to.
fn tentative_de(r: &Reponse) -> String {
    assert_eq!(r.statut, StatusCode::SEE_OTHER, "expected a redirect; body:\n{}", r.extrait());
    let chemin = r.location().to_string();
    assert!(chemin.starts_with("/quiz/tentatives/"), "{chemin}");
    chemin
}

/// The question asked on a practice page (hidden field `question`).
fn question_posee(page: &Reponse) -> Question {
    let champ = "name=\"question\" value=\"";
    let debut = page.corps.find(champ).expect("a practice question") + champ.len();
    let fin = debut + page.corps[debut..].find('"').unwrap();
    question(&page.corps[debut..fin])
}

/// The questions of an exam page, in order (fields `q-<id>`).
fn questions_de_l_examen(page: &Reponse) -> Vec<Question> {
    let mut ids: Vec<String> = Vec::new();
    for morceau in page.corps.split("name=\"q-").skip(1) {
        let id = &morceau[..morceau.find('"').unwrap()];
        if !ids.iter().any(|i| i == id) {
            ids.push(id.to_string());
        }
    }
    ids.iter().map(|id| question(id)).collect()
}

async fn commencer_entrainement(s: &mut Stagiaire, item: &str) -> String {
    s.get("/quiz").await.assert_statut(StatusCode::OK);
    tentative_de(&s.post_form("/quiz/entrainement", &[("item", item)]).await)
}

#[tokio::test]
async fn la_page_des_quiz_liste_les_points_du_programme() {
    let portail = Portail::nouveau();
    let mut s = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    let r = s.get("/quiz").await;
    r.assert_statut(StatusCode::OK)
        .assert_contient("href=\"/quiz\"")
        .assert_contient("Sous-traitance et cotraitance")
        .assert_contient("Sécuriser ses pratiques")
        .assert_contient("Examen « Déposer ses factures dématérialisées sur le portail Chorus Pro »")
        .assert_contient("Examen « La facturation via Chorus Pro »")
        .assert_contient("Les règles applicables depuis 2016");
    assert_eq!(
        r.corps.matches("action=\"/quiz/entrainement\"").count(),
        chorus_domain::programme::ItemProgramme::TOUS.len(),
        "one practice per programme item"
    );
}

#[tokio::test]
async fn entrainement_une_bonne_et_une_mauvaise_reponse_corrigees_aussitot() {
    let portail = Portail::nouveau();
    let mut s = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    let tentative = commencer_entrainement(&mut s, "paiement").await;

    // A right answer: the correction, its explanation and reference, at once.
    let page = s.get(&tentative).await;
    page.assert_statut(StatusCode::OK).assert_contient("Question 1 sur").assert_contient("<fieldset>");
    let q1 = question_posee(&page);
    let champs: Vec<(&str, String)> = bonnes_lettres(&q1)
        .into_iter()
        .map(|l| ("reponse", l))
        .chain([("question", q1.id.clone())])
        .collect();
    let r = s.post_form(&format!("{tentative}/repondre"), &champs).await;
    assert_eq!(r.location(), format!("{tentative}/questions/{}", q1.id));
    s.get(r.location())
        .await
        .assert_statut(StatusCode::OK)
        .assert_contient("✓ Juste.")
        .assert_contient(&echapper(&q1.explication))
        .assert_contient(&echapper(&q1.reference))
        .assert_contient("Question suivante");

    // A wrong answer: « Faux », and the right letters.
    let page = s.get(&tentative).await;
    page.assert_contient("Question 2 sur");
    let q2 = question_posee(&page);
    assert_ne!(q1.id, q2.id);
    let r = s
        .post_form(
            &format!("{tentative}/repondre"),
            &[("question", q2.id.as_str()), ("reponse", &mauvaise_lettre(&q2))],
        )
        .await;
    s.get(r.location())
        .await
        .assert_contient("✗ Faux.")
        .assert_contient(&format!("La bonne réponse était {}.", q2.lettres_bonnes()))
        .assert_contient(&echapper(&q2.explication));

    // The first answer counts; no answer at all is refused with a message.
    s.post_form(
        &format!("{tentative}/repondre"),
        &[("question", q2.id.as_str()), ("reponse", &bonnes_lettres(&q2)[0])],
    )
    .await
    .assert_statut(StatusCode::BAD_REQUEST)
    .assert_contient("déjà répondu");
    let q3 = question_posee(&s.get(&tentative).await);
    s.post_form(&format!("{tentative}/repondre"), &[("question", q3.id.as_str())])
        .await
        .assert_statut(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contient("Cochez au moins une réponse");
    s.post_form(&format!("{tentative}/repondre"), &[("question", q3.id.as_str()), ("reponse", "Z")])
        .await
        .assert_statut(StatusCode::BAD_REQUEST);

    // The practice history on the quiz page.
    s.get("/quiz").await.assert_contient("1 / 2 (50 %)");
}

#[tokio::test]
async fn examen_sans_correction_avant_la_fin_puis_score_par_point() {
    let portail = Portail::nouveau();
    let mut s = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    s.get("/quiz").await;
    let tentative = tentative_de(&s.post_form("/quiz/examen", &[("x", "y")]).await);
    let page = s.get(&tentative).await;
    page.assert_statut(StatusCode::OK).assert_contient("Rendre l'examen").assert_absent("✓ Juste.");
    let questions = questions_de_l_examen(&page);
    assert_eq!(questions.len(), QUESTIONS_PAR_EXAMEN);
    // A reload does not reshuffle.
    assert_eq!(questions, questions_de_l_examen(&s.get(&tentative).await));
    // No correction before the end.
    s.get(&format!("{tentative}/questions/{}", questions[0].id)).await.assert_statut(StatusCode::NOT_FOUND);

    // All right, except the first question (wrong) and the second (left blank).
    let mut champs: Vec<(String, String)> =
        vec![(format!("q-{}", questions[0].id), mauvaise_lettre(&questions[0]))];
    for q in &questions[2..] {
        champs.extend(bonnes_lettres(q).into_iter().map(|l| (format!("q-{}", q.id), l)));
    }
    s.post_form(&format!("{tentative}/rendre"), &champs).await.assert_redirige(&tentative);
    let bilan = s.get(&tentative).await;
    bilan
        .assert_statut(StatusCode::OK)
        .assert_contient(&format!(
            "{} bonne(s) réponse(s) sur {}",
            QUESTIONS_PAR_EXAMEN - 2,
            QUESTIONS_PAR_EXAMEN
        ))
        .assert_contient("Score par point du programme")
        .assert_contient("✗ Faux.")
        .assert_contient("✗ Sans réponse.")
        .assert_contient(&echapper(&questions[5].explication));
    assert_eq!(bilan.corps.matches("✓ Juste.").count(), QUESTIONS_PAR_EXAMEN - 2);

    // Handed in once only.
    s.post_form(&format!("{tentative}/rendre"), &champs)
        .await
        .assert_statut(StatusCode::BAD_REQUEST)
        .assert_contient("déjà rendu");

    // The best exam per item on the quiz page: the first two questions' items lost a point.
    let accueil = s.get("/quiz").await;
    let item = questions[0].item.libelle();
    let ligne = &accueil.corps[accueil.corps.find(item).unwrap()..];
    let ligne = &ligne[..ligne.find("</tr>").unwrap()];
    assert!(!ligne.contains("(100 %)"), "{ligne}");
    accueil.assert_contient("Voir la correction");
}

#[tokio::test]
async fn un_stagiaire_ne_voit_que_ses_tentatives() {
    let portail = Portail::nouveau();
    let mut a = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    let mut b = Stagiaire::connecte(&portail.app, "formation2@exemple.fr").await;
    let tentative = commencer_entrainement(&mut a, "securite").await;
    let q = question_posee(&a.get(&tentative).await);
    a.post_form(
        &format!("{tentative}/repondre"),
        &[("question", q.id.as_str()), ("reponse", &bonnes_lettres(&q)[0])],
    )
    .await
    .assert_statut(StatusCode::SEE_OTHER);

    b.get(&tentative).await.assert_statut(StatusCode::NOT_FOUND);
    b.get(&format!("{tentative}/questions/{}", q.id)).await.assert_statut(StatusCode::NOT_FOUND);
    b.get("/quiz").await;
    b.post_form(&format!("{tentative}/repondre"), &[("question", q.id.as_str()), ("reponse", "A")])
        .await
        .assert_statut(StatusCode::NOT_FOUND);
    b.post_form(&format!("{tentative}/rendre"), &[("x", "y")]).await.assert_statut(StatusCode::NOT_FOUND);
    b.get("/quiz").await.assert_absent(&tentative).assert_absent("Mes tentatives");
    a.get("/quiz").await.assert_contient(&tentative);
}

#[tokio::test]
async fn les_formulaires_sans_jeton_sont_refuses() {
    let portail = Portail::nouveau();
    let mut s = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    s.post_form_sans_csrf("/quiz/examen", &[("x", "y")]).await.assert_statut(StatusCode::FORBIDDEN);
    s.post_form_sans_csrf("/quiz/entrainement", &[("item", "paiement")])
        .await
        .assert_statut(StatusCode::FORBIDDEN);
    let tentative = commencer_entrainement(&mut s, "paiement").await;
    let q = question_posee(&s.get(&tentative).await);
    s.post_form_sans_csrf(&format!("{tentative}/repondre"), &[("question", q.id.as_str()), ("reponse", "A")])
        .await
        .assert_statut(StatusCode::FORBIDDEN);
    // The refused answer was not recorded: the same question is still asked.
    assert_eq!(question_posee(&s.get(&tentative).await).id, q.id);
    s.post_form("/quiz/entrainement", &[("item", "facturation")])
        .await
        .assert_statut(StatusCode::BAD_REQUEST)
        .assert_contient("pas un point du programme");
}
