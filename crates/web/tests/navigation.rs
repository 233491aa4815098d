//! The real portal's navigation and a class day's small comforts: the pop-up of rejected or
//! suspended invoices and their acknowledgement, what the clock did, deleting a forgotten
//! draft, a confirmation that names the buyer and shows the lines.

mod commun;

use axum::http::StatusCode;
use commun::{Portail, Saisie, Stagiaire};

const COMMUNE: &str = "21852884200097";

#[tokio::test]
async fn la_fenetre_des_retours_s_acquitte() {
    let portail = Portail::nouveau();
    let mut s = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    s.get("/").await.assert_absent("Tout acquitter et fermer");
    let rejetee = s.envoyer(&Saisie::valide("FA-POP-1", COMMUNE)).await;
    let suspendue = s.envoyer(&Saisie::valide("FA-POP-2", COMMUNE)).await;
    s.traiter_en_acheteur(&rejetee, "REJETEE", "Prix non conforme au devis").await;
    s.traiter_en_acheteur(&suspendue, "SUSPENDUE", "Joindre le bon de livraison signé").await;

    let r = s.get("/").await;
    r.assert_contient(r#"<dialog class="fenetre-retours" open"#)
        .assert_contient("FA-POP-1")
        .assert_contient("Prix non conforme au devis")
        .assert_contient("FA-POP-2")
        .assert_contient("Joindre le bon de livraison signé")
        .assert_contient("Tout acquitter et fermer")
        .assert_contient("Acquitter les factures sélectionnées");
    let case = |r: &commun::Reponse, numero: &str| {
        let i = r.corps.find(numero).expect("the invoice's row");
        let debut = r.corps[..i].rfind(r#"name="retour" value=""#).expect("its checkbox") + 21;
        r.corps[debut..debut + r.corps[debut..].find('"').unwrap()].to_string()
    };
    let id_rejet = case(&r, "FA-POP-1");

    // Nothing ticked: a clear message, nothing acknowledged.
    s.post_form("/acquitter", &[("quoi", "selection")]).await.assert_statut(StatusCode::BAD_REQUEST);
    s.post_form("/acquitter", &[("quoi", "selection"), ("retour", "abc")])
        .await
        .assert_statut(StatusCode::BAD_REQUEST);
    s.post_form("/acquitter", &[("quoi", "selection"), ("retour", "999999")])
        .await
        .assert_statut(StatusCode::BAD_REQUEST);
    s.post_form_sans_csrf("/acquitter", &[("quoi", "tout")]).await.assert_statut(StatusCode::FORBIDDEN);

    // The selected one only, then all of them.
    s.post_form("/acquitter", &[("quoi", "selection"), ("retour", id_rejet.as_str())])
        .await
        .assert_redirige("/");
    s.get("/").await.assert_absent("FA-POP-1").assert_contient("FA-POP-2");
    s.post_form("/acquitter", &[("quoi", "tout")]).await.assert_redirige("/");
    s.get("/").await.assert_absent("Tout acquitter et fermer");
    // Acknowledging is not processing: both invoices stay in the work list.
    s.get("/factures-emises/synthese").await.assert_contient("FA-POP-1").assert_contient("FA-POP-2");

    // Another account of another sandbox never sees them, nor acknowledges them.
    let mut autre = Stagiaire::connecte(&portail.app, "formation2@exemple.fr").await;
    autre.get("/").await.assert_absent("FA-POP-");
}

#[tokio::test]
async fn ce_qu_a_fait_l_horloge() {
    let portail = Portail::nouveau();
    let mut s = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    s.get("/bac/horloge").await.assert_contient("L'horloge n'a pas encore avancé");
    s.envoyer(&Saisie::valide("FA-HOR-1", COMMUNE)).await;
    let r = s.post_form("/bac/horloge", &[("jours", "12")]).await;
    r.assert_redirige_vers_le_bilan();
    let bilan = s.get(r.location()).await;
    bilan
        .assert_statut(StatusCode::OK)
        .assert_contient(
            "L'horloge a avancé de <strong>12 jour(s)</strong>, du 22/11/2026 au <strong>04/12/2026</strong>",
        )
        .assert_contient("Facture n° FA-HOR-1")
        .assert_contient("Service fait</span> le <strong>25/11/2026</strong> — Destinataire")
        .assert_contient("Mandatée</span> le <strong>02/12/2026</strong> — Destinataire")
        .assert_contient(
            "Mise à disposition du comptable</span> le <strong>03/12/2026</strong> — Comptable public",
        )
        .assert_absent("Déposée</span>");
    // Without a parameter: the last advance; a later one only shows its own days.
    let seconde = s.post_form("/bac/horloge", &[("jours", "5")]).await.location().to_string();
    let b2 = s.get(&seconde).await;
    b2.assert_contient("du 04/12/2026 au <strong>09/12/2026</strong>")
        .assert_contient("Comptabilisée</span> le <strong>07/12/2026</strong>")
        .assert_absent("Service fait</span>");
    s.get("/bac/horloge").await.assert_contient("du 04/12/2026 au <strong>09/12/2026</strong>");
    // Another sandbox's advance is not found; a malformed id neither.
    let mut autre = Stagiaire::connecte(&portail.app, "formation2@exemple.fr").await;
    autre.get(r.location()).await.assert_statut(StatusCode::NOT_FOUND);
    autre.get("/bac/horloge?avancee=%0A").await.assert_statut(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn un_brouillon_oublie_se_supprime_pas_une_facture_envoyee() {
    let portail = Portail::nouveau();
    let mut s = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    let brouillon = s.enregistrer(&Saisie::valide("FA-OUBLI", COMMUNE)).await;
    let envoyee = s.envoyer(&Saisie::valide("FA-ENVOI", COMMUNE)).await;
    s.get(&format!("/factures-emises/{brouillon}"))
        .await
        .assert_contient(&format!(r#"action="/factures-emises/{brouillon}/supprimer""#))
        .assert_contient("data-confirmer");
    s.get(&format!("/factures-emises/{envoyee}")).await.assert_absent("/supprimer");
    s.post_form(&format!("/factures-emises/{envoyee}/supprimer"), &[("x", "y")])
        .await
        .assert_statut(StatusCode::CONFLICT);
    s.post_form_sans_csrf(&format!("/factures-emises/{brouillon}/supprimer"), &[("x", "y")])
        .await
        .assert_statut(StatusCode::FORBIDDEN);
    // Someone else's draft is not found.
    let mut autre = Stagiaire::connecte(&portail.app, "formation2@exemple.fr").await;
    autre
        .post_form(&format!("/factures-emises/{brouillon}/supprimer"), &[("x", "y")])
        .await
        .assert_statut(StatusCode::NOT_FOUND);
    s.post_form(&format!("/factures-emises/{brouillon}/supprimer"), &[("x", "y")])
        .await
        .assert_redirige("/factures-emises/synthese");
    s.get(&format!("/factures-emises/{brouillon}")).await.assert_statut(StatusCode::NOT_FOUND);
    s.get("/factures-emises/synthese").await.assert_absent("jamais envoyée");
    s.assert_nombre_factures(1).await;
}

#[tokio::test]
async fn la_confirmation_nomme_l_acheteur_et_montre_les_lignes() {
    let portail = Portail::nouveau();
    let mut s = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    let saisie = Saisie::valide("FA-CONF-1", COMMUNE).ligne1("designation", "Remplacement d'une serrure");
    let r = s.post_form("/factures-emises/saisir", &saisie.champs("envoyer", &[])).await;
    r.assert_statut(StatusCode::OK)
        .assert_contient("<h1>Confirmer l'envoi de la facture</h1>")
        .assert_contient("COMMUNE DE VALCOMBE (FICTIVE) (SIRET 21852884200097)")
        .assert_contient("Lignes de la facture")
        .assert_contient("Remplacement d'une serrure");
    // A draft sent later: same confirmation.
    let id = s.enregistrer(&saisie.avec("numero", "FA-CONF-2")).await;
    s.get(&format!("/factures-emises/{id}/envoyer"))
        .await
        .assert_contient("COMMUNE DE VALCOMBE (FICTIVE)")
        .assert_contient("Remplacement d'une serrure");
}

#[tokio::test]
async fn entree_dans_un_champ_ne_fait_rien_sans_les_boutons() {
    let portail = Portail::nouveau();
    let mut s = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    let r = s.get("/factures-emises/saisir").await;
    // The form's first submit button, the one a browser presses on Entrée, is disabled.
    let formulaire = &r.corps[r.corps.find(r#"<form class="saisie""#).expect("the entry form")..];
    let premier = &formulaire[formulaire.find("<button").expect("a button")..];
    let premier = &premier[..premier.find('>').unwrap()];
    assert!(premier.contains("disabled") && premier.contains(r#"type="submit""#), "{premier}");
    // Without an action, the server saves nothing.
    let sans_bouton =
        s.post_form("/factures-emises/saisir", &Saisie::valide("FA-ENT-1", COMMUNE).champs("", &[])).await;
    sans_bouton.assert_statut(StatusCode::BAD_REQUEST);
    s.assert_nombre_factures(0).await;
}
