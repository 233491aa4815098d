//! The live follow-up of a class through the web layer: the grid and its debrief reasons,
//! the server-sent events, the trainer's message to one trainee, and the read-only view of a
//! trainee's portal; each new route closed to another trainer and to trainees.

mod commun;

use std::time::Duration;

use axum::body::Body;
use axum::http::header::{CONTENT_TYPE, COOKIE};
use axum::http::{Request, StatusCode};
use commun::{Arrivee, Formateur, Portail, Saisie, rejoindre};
use http_body_util::BodyExt;
use tower::ServiceExt;

const COMMUNE: &str = "21852884200097";

async fn envoyer_facture(stagiaire: &mut Arrivee, numero: &str) -> String {
    stagiaire.nav.get("/factures-emises/saisir").await.assert_statut(StatusCode::OK);
    stagiaire
        .nav
        .post_form(
            "/factures-emises/saisir",
            &Saisie::valide(numero, COMMUNE).champs("envoyer", &[("confirme", "oui")]),
        )
        .await
        .id_facture()
}

/// The buyer (here the trainer, straight through the store) rejects the invoice.
fn rejeter(p: &Portail, classe_id: &str, facture: &str, motif: &str) {
    let bac_id =
        p.store().lire(|c| chorus_store::classe::participants(c, classe_id)).unwrap()[0].bac_id.clone();
    let horloge = chorus_store::Horloge::fixe(commun::date_fixe());
    p.store()
        .ecrire(|tx| {
            let t = chorus_store::acheteur::Traitement {
                nouveau_statut: chorus_domain::Statut::Rejetee,
                motif,
                numero_mandat: "",
            };
            chorus_store::acheteur::traiter(
                tx,
                &bac_id,
                facture,
                &t,
                chorus_store::acheteur::Joueur::Formateur,
                &horloge,
            )
        })
        .unwrap();
}

#[tokio::test]
async fn la_grille_montre_les_factures_envoyees_et_les_motifs_de_rejet() {
    let p = Portail::nouveau();
    let mut anne = Formateur::connecte(&p, "anne@cma.exemple.fr").await;
    let (id, code) = anne.creer_classe("pratique_libre").await;
    anne.get(&format!("/formateur/classes/{id}"))
        .await
        .assert_contient(&format!("href=\"/formateur/classes/{id}/suivi\""));
    anne.get(&format!("/formateur/classes/{id}/suivi"))
        .await
        .assert_statut(StatusCode::OK)
        .assert_contient("Personne n'a encore rejoint la classe.");
    let mut marie = rejoindre(&p.app, &code, "Marie Dupont", "").await;
    rejoindre(&p.app, &code, "Paul <b>Martin</b>", "").await;
    let facture = envoyer_facture(&mut marie, "F-2026-001").await;
    envoyer_facture(&mut marie, "F-2026-002").await;
    rejeter(&p, &id, &facture, "Prix <différent> du devis");
    let marie_id = p.participant_id(&id, 1);
    let r = anne.get(&format!("/formateur/classes/{id}/suivi")).await;
    r.assert_statut(StatusCode::OK)
        .assert_contient("Suivi en direct")
        .assert_contient(&format!(r#"<td class="nombre" id="envoyees-{marie_id}" data-direct>2</td>"#))
        .assert_contient(&format!(r#"<td class="nombre" id="rejets-{marie_id}" data-direct>1</td>"#))
        .assert_contient("Mise à disposition du destinataire")
        .assert_contient("Matière pour le débriefing")
        .assert_contient("Prix &lt;différent&gt; du devis")
        .assert_contient("Paul &lt;b&gt;Martin&lt;/b&gt;")
        .assert_contient(&format!(r#"data-flux="/formateur/classes/{id}/evenements?depuis="#))
        .assert_absent("<script>");
}

/// Opens the class's event stream as this trainer; returns the streaming body.
async fn ouvrir_flux(p: &Portail, cookie: &str, chemin: &str) -> (StatusCode, Body) {
    let requete = Request::builder()
        .uri(chemin)
        .header(COOKIE, format!("{}={cookie}", chorus_web::COOKIE_SESSION))
        .body(Body::empty())
        .unwrap();
    let reponse = p.app.clone().oneshot(requete).await.unwrap();
    let statut = reponse.status();
    if statut == StatusCode::OK {
        assert_eq!(reponse.headers()[CONTENT_TYPE], "text/event-stream");
    }
    (statut, reponse.into_body())
}

#[tokio::test]
async fn le_flux_envoie_la_grille_quand_un_stagiaire_agit() {
    let p = Portail::nouveau();
    let mut anne = Formateur::connecte(&p, "anne@cma.exemple.fr").await;
    let (id, code) = anne.creer_classe("pratique_libre").await;
    let mut marie = rejoindre(&p.app, &code, "Marie Dupont", "").await;
    let page = anne.get(&format!("/formateur/classes/{id}/suivi")).await;
    let debut = page.corps.find("data-flux=\"").unwrap() + "data-flux=\"".len();
    let flux = page.corps[debut..debut + page.corps[debut..].find('"').unwrap()].to_string();
    let cookie = anne.cookie.clone().unwrap();
    let (statut, mut corps) = ouvrir_flux(&p, &cookie, &flux).await;
    assert_eq!(statut, StatusCode::OK);
    // Nothing changed since the page was rendered: no event yet.
    assert!(tokio::time::timeout(Duration::from_millis(1500), corps.frame()).await.is_err());
    envoyer_facture(&mut marie, "F-2026-001").await;
    let trame = tokio::time::timeout(Duration::from_secs(10), corps.frame())
        .await
        .expect("an event within 10 s")
        .expect("a frame")
        .expect("no error");
    let texte = String::from_utf8(trame.into_data().expect("data frame").to_vec()).unwrap();
    let marie_id = p.participant_id(&id, 1);
    assert!(texte.starts_with("event: grille\n"), "{texte}");
    assert!(texte.contains(&format!(r#"id="envoyees-{marie_id}" data-direct>1<"#)), "{texte}");
    // A stale version (a reconnecting browser) gets the grid at once.
    let (_, mut corps) =
        ouvrir_flux(&p, &cookie, &format!("/formateur/classes/{id}/evenements?depuis=0")).await;
    let trame = tokio::time::timeout(Duration::from_secs(10), corps.frame()).await.expect("at once");
    assert!(trame.is_some());
}

#[tokio::test]
async fn le_message_n_arrive_qu_au_stagiaire_vise() {
    let p = Portail::nouveau();
    let mut anne = Formateur::connecte(&p, "anne@cma.exemple.fr").await;
    let (id, code) = anne.creer_classe("pratique_libre").await;
    let mut marie = rejoindre(&p.app, &code, "Marie Dupont", "").await;
    let mut paul = rejoindre(&p.app, &code, "Paul Martin", &marie.code_binome).await;
    let mut lea = rejoindre(&p.app, &code, "Léa Roux", "").await;
    let paul_id = p.participant_id(&id, 2);
    anne.get(&format!("/formateur/classes/{id}/suivi")).await;
    let r = anne
        .post_form(
            &format!("/formateur/classes/{id}/message"),
            &[
                ("participant", paul_id.as_str()),
                ("objet", "Votre facture"),
                ("corps", "Relisez le <SIRET>."),
            ],
        )
        .await;
    r.assert_statut(StatusCode::OK).assert_contient("Message déposé dans la messagerie de Paul Martin.");
    let boite = paul.nav.boite().await;
    assert_eq!(boite.iter().filter(|m| m.objet == "Votre facture").count(), 1, "{boite:?}");
    let ouvert = paul.nav.ouvrir_dernier("Votre facture").await;
    ouvert.assert_contient("Votre formateur").assert_contient("Relisez le &lt;SIRET&gt;.");
    // Neither his binôme (same sandbox) nor another trainee reads it.
    for autre in [&mut marie, &mut lea] {
        assert!(autre.nav.boite().await.iter().all(|m| m.objet != "Votre facture"));
    }
    // Empty or too long: refused with French messages, nothing sent.
    let trop_long = "x".repeat(chorus_domain::classe::CORPS_MESSAGE_LONGUEUR_MAX + 1);
    anne.post_form(
        &format!("/formateur/classes/{id}/message"),
        &[("participant", paul_id.as_str()), ("objet", ""), ("corps", trop_long.as_str())],
    )
    .await
    .assert_statut(StatusCode::UNPROCESSABLE_ENTITY)
    .assert_contient("Le message n'est pas parti")
    .assert_contient("Indiquez l'objet du message.")
    .assert_contient("Le message ne doit pas dépasser 2000 caractères");
    assert_eq!(paul.nav.boite().await.len(), boite.len(), "nothing more was sent");
}

#[tokio::test]
async fn la_lecture_seule_montre_le_portail_du_stagiaire_et_refuse_toute_action() {
    let p = Portail::nouveau();
    let mut anne = Formateur::connecte(&p, "anne@cma.exemple.fr").await;
    let (id, code) = anne.creer_classe("pratique_libre").await;
    let mut marie = rejoindre(&p.app, &code, "Marie Dupont", "").await;
    let facture = envoyer_facture(&mut marie, "F-2026-042").await;
    let marie_id = p.participant_id(&id, 1);
    anne.get(&format!("/formateur/classes/{id}/suivi")).await;
    anne.post_form(&format!("/formateur/classes/{id}/voir"), &[("participant", marie_id.as_str())])
        .await
        .assert_redirige("/");
    anne.get("/")
        .await
        .assert_statut(StatusCode::OK)
        .assert_contient("Lecture seule")
        .assert_contient("Marie Dupont")
        .assert_contient(r#"<fieldset class="lecture-seule" disabled>"#)
        .assert_absent(r#"action="/deconnexion""#);
    anne.get("/factures-emises").await.assert_statut(StatusCode::OK).assert_contient("F-2026-042");
    anne.get(&format!("/factures-emises/{facture}"))
        .await
        .assert_statut(StatusCode::OK)
        .assert_contient("F-2026-042")
        .assert_contient("Lecture seule");
    anne.get("/messagerie").await.assert_statut(StatusCode::OK).assert_contient("Lecture seule");
    // Forged POSTs, with a valid CSRF token, are refused and change nothing.
    anne.post_form(&format!("/factures-emises/{facture}/envoyer"), &[("x", "")])
        .await
        .assert_statut(StatusCode::FORBIDDEN)
        .assert_contient("lecture seule");
    anne.post_form(
        "/factures-emises/saisir",
        &Saisie::valide("F-2026-043", COMMUNE).champs("envoyer", &[("confirme", "oui")]),
    )
    .await
    .assert_statut(StatusCode::FORBIDDEN);
    anne.post_form("/bac/reinitialiser", &[("x", "")]).await.assert_statut(StatusCode::FORBIDDEN);
    marie.nav.get("/factures-emises").await.assert_contient("<p>1 facture(s).</p>");
    // The console still works; leaving the read-only view brings the trainer back.
    anne.get(&format!("/formateur/classes/{id}")).await.assert_statut(StatusCode::OK);
    anne.post_form("/formateur/lecture-seule/quitter", &[("classe", id.as_str())])
        .await
        .assert_redirige(&format!("/formateur/classes/{id}/suivi"));
    anne.get("/").await.assert_redirige("/connexion");
}

#[tokio::test]
async fn les_routes_du_suivi_sont_fermees_aux_autres() {
    let p = Portail::nouveau();
    let mut anne = Formateur::connecte(&p, "anne@cma.exemple.fr").await;
    let mut bruno = Formateur::connecte(&p, "bruno@cci.exemple.fr").await;
    let (id, code) = anne.creer_classe("pratique_libre").await;
    let mut marie = rejoindre(&p.app, &code, "Marie Dupont", "").await;
    let marie_id = p.participant_id(&id, 1);
    // Another trainer: 404 everywhere, and no read-only view of Anne's trainee.
    bruno.get(&format!("/formateur/classes/{id}/suivi")).await.assert_statut(StatusCode::NOT_FOUND);
    let (statut, _) =
        ouvrir_flux(&p, bruno.cookie.as_deref().unwrap(), &format!("/formateur/classes/{id}/evenements"))
            .await;
    assert_eq!(statut, StatusCode::NOT_FOUND);
    bruno
        .post_form(
            &format!("/formateur/classes/{id}/message"),
            &[("participant", marie_id.as_str()), ("objet", "x"), ("corps", "y")],
        )
        .await
        .assert_statut(StatusCode::NOT_FOUND);
    bruno
        .post_form(&format!("/formateur/classes/{id}/voir"), &[("participant", marie_id.as_str())])
        .await
        .assert_statut(StatusCode::NOT_FOUND);
    // Even with Anne's trainee id in his own class's address.
    let (sien, _) = bruno.creer_classe("pratique_libre").await;
    bruno
        .post_form(&format!("/formateur/classes/{sien}/voir"), &[("participant", marie_id.as_str())])
        .await
        .assert_statut(StatusCode::NOT_FOUND);
    bruno.get("/").await.assert_redirige("/connexion");
    assert!(marie.nav.boite().await.iter().all(|m| m.objet != "x"));
    // A trainee: sent to the console's login.
    marie.nav.get(&format!("/formateur/classes/{id}/suivi")).await.assert_redirige("/formateur/connexion");
    let (statut, _) =
        ouvrir_flux(&p, marie.nav.cookie.as_deref().unwrap(), &format!("/formateur/classes/{id}/evenements"))
            .await;
    assert_eq!(statut, StatusCode::SEE_OTHER);
    marie
        .nav
        .post_form(&format!("/formateur/classes/{id}/voir"), &[("participant", marie_id.as_str())])
        .await
        .assert_redirige("/formateur/connexion");
    marie
        .nav
        .post_form("/formateur/lecture-seule/quitter", &[("classe", id.as_str())])
        .await
        .assert_redirige("/formateur/connexion");
}
