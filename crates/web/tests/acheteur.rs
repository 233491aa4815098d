//! « Jouer l'acheteur public » through HTTP: a separate area listing the public structures that
//! received the sandbox's invoices, their « Factures reçues », the buyer's actions (only those
//! the rules allow now), mandatory reasons, the À recycler setting, CSRF, foreign ids.

mod commun;

use axum::http::StatusCode;
use commun::{Portail, Saisie, Stagiaire, echapper};

const COMMUNE: &str = "21852884200097";
const COLLEGE: &str = "19078401700013";
const SCRIPT: &str = "<script>alert(1)</script>";

async fn stagiaire_avec_facture(portail: &Portail, numero: &str, destinataire: &str) -> (Stagiaire, String) {
    let mut s = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    let id = s.envoyer(&Saisie::valide(numero, destinataire)).await;
    (s, id)
}

async fn traiter(s: &mut Stagiaire, id: &str, statut: &str, motif: &str) -> commun::Reponse {
    s.get(&format!("/acheteur/factures/{id}")).await.assert_statut(StatusCode::OK);
    s.post_form(&format!("/acheteur/factures/{id}/traiter"), &[("statut", statut), ("motif", motif)]).await
}

#[tokio::test]
async fn un_espace_a_part_avec_les_factures_recues() {
    let portail = Portail::nouveau();
    let (mut s, id) = stagiaire_avec_facture(&portail, "FA-ACH-1", COMMUNE).await;
    s.enregistrer(&Saisie::valide("BROUILLON-1", COLLEGE)).await;

    let r = s.get("/").await;
    r.assert_contient(r#"href="/acheteur""#).assert_contient("Jouer l'acheteur public");
    let r = s.get("/acheteur").await;
    r.assert_statut(StatusCode::OK)
        .assert_contient("Vous jouez l'acheteur public")
        .assert_contient("mode-acheteur")
        .assert_contient(&format!(r#"href="/acheteur/structures/{COMMUNE}""#))
        // A draft is never transmitted: the college received nothing.
        .assert_absent(COLLEGE);
    let r = s.get(&format!("/acheteur/structures/{COMMUNE}")).await;
    r.assert_statut(StatusCode::OK)
        .assert_contient("Factures reçues")
        .assert_contient(&format!(r#"href="/acheteur/factures/{id}""#))
        .assert_contient("FA-ACH-1");
    let r = s.get(&format!("/acheteur/factures/{id}")).await;
    r.assert_statut(StatusCode::OK)
        .assert_contient("Vous jouez l'acheteur public")
        .assert_contient(r#"value="REJETEE""#)
        .assert_contient(r#"value="SUSPENDUE""#)
        .assert_contient(r#"value="SERVICE_FAIT""#)
        .assert_contient(r#"value="MISE_EN_PAIEMENT""#)
        .assert_contient("Numéro de mandat");
}

#[tokio::test]
async fn rejeter_exige_un_motif_et_previent_le_fournisseur() {
    let portail = Portail::nouveau();
    let (mut s, id) = stagiaire_avec_facture(&portail, "FA-ACH-2", COMMUNE).await;
    let r = traiter(&mut s, &id, "REJETEE", "   ").await;
    r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contient("Le motif est obligatoire pour passer une facture au statut « Rejetée ».");
    let trop_long = "x".repeat(256);
    let r = traiter(&mut s, &id, "REJETEE", &trop_long).await;
    r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY).assert_contient("255 caractères");
    // The typed reason is shown back in the right form.
    r.assert_contient(&format!(">{trop_long}</textarea>"));

    let motif = format!("Prix faux {SCRIPT}");
    traiter(&mut s, &id, "REJETEE", &motif).await.assert_redirige(&format!("/acheteur/factures/{id}"));
    let r = s.get(&format!("/acheteur/factures/{id}")).await;
    r.assert_contient("Aucune action possible").assert_absent(SCRIPT);

    let r = s.get(&format!("/factures-emises/{id}")).await;
    r.assert_contient("Rejetée")
        .assert_contient(&echapper(&motif))
        .assert_absent(SCRIPT)
        .assert_contient("Traiter le rejet")
        .assert_contient("le destinataire (le service");
    let m = s.ouvrir_dernier("Facture FA-ACH-2 rejetée").await;
    m.assert_contient(&echapper(&motif)).assert_absent(SCRIPT);
}

#[tokio::test]
async fn seules_les_actions_permises_sont_proposees_et_acceptees() {
    let portail = Portail::nouveau();
    let (mut s, id) = stagiaire_avec_facture(&portail, "FA-ACH-3", COMMUNE).await;
    s.get(&format!("/acheteur/factures/{id}")).await;
    s.post_form(
        &format!("/acheteur/factures/{id}/traiter"),
        &[("statut", "MANDATEE"), ("numero_mandat", "M-2026-7")],
    )
    .await
    .assert_redirige(&format!("/acheteur/factures/{id}"));
    let r = s.get(&format!("/acheteur/factures/{id}")).await;
    r.assert_contient("Mandat n° M-2026-7")
        .assert_absent(r#"value="SUSPENDUE""#)
        .assert_absent(r#"value="REJETEE""#)
        .assert_absent(r#"value="SERVICE_FAIT""#);
    let r = traiter(&mut s, &id, "SUSPENDUE", "Pièce manquante").await;
    r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY).assert_contient("le mandat a déjà été émis");
    let r = traiter(&mut s, &id, "SERVICE_FAIT", "").await;
    r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY).assert_contient("ne peut pas venir après");
    // Statuses the buyer never gives, or made-up ones.
    for statut in ["DEPOSEE", "BROUILLON", "COMPLETEE", "N_IMPORTE_QUOI", ""] {
        traiter(&mut s, &id, statut, "").await.assert_statut(StatusCode::BAD_REQUEST);
    }
}

#[tokio::test]
async fn mise_en_paiement_non_remontee() {
    let portail = Portail::nouveau();
    let (mut s, id) = stagiaire_avec_facture(&portail, "FA-ACH-4", COLLEGE).await;
    traiter(&mut s, &id, "COMPTABILISEE", "").await.assert_statut(StatusCode::SEE_OTHER);
    let r = s.get(&format!("/acheteur/factures/{id}")).await;
    r.assert_contient("ne remonte pas le statut « Mise en paiement »")
        .assert_absent(r#"value="MISE_EN_PAIEMENT""#);
    s.get(&format!("/acheteur/structures/{COLLEGE}")).await.assert_contient("ne remonte pas le statut");
    traiter(&mut s, &id, "MISE_EN_PAIEMENT", "").await.assert_statut(StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn reglage_a_recycler() {
    let portail = Portail::nouveau();
    let (mut s, id) = stagiaire_avec_facture(&portail, "FA-ACH-5", COMMUNE).await;
    s.get(&format!("/acheteur/factures/{id}")).await.assert_contient(r#"value="A_RECYCLER""#);
    s.get("/acheteur").await.assert_contient("Ne plus le permettre");
    s.post_form("/acheteur/reglages", &[("a_recycler", "non")]).await.assert_redirige("/acheteur");
    s.get("/acheteur").await.assert_contient("Le permettre");
    let r = s.get(&format!("/acheteur/factures/{id}")).await;
    r.assert_absent(r#"value="A_RECYCLER""#).assert_contient("n'est pas proposé au destinataire");
    traiter(&mut s, &id, "A_RECYCLER", "Mauvais service")
        .await
        .assert_statut(StatusCode::UNPROCESSABLE_ENTITY);
    s.post_form("/acheteur/reglages", &[("a_recycler", "peut-etre")])
        .await
        .assert_statut(StatusCode::BAD_REQUEST);
    s.post_form_sans_csrf("/acheteur/reglages", &[("a_recycler", "oui")])
        .await
        .assert_statut(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn csrf_et_identifiants_etrangers() {
    let portail = Portail::nouveau();
    let (mut s, id) = stagiaire_avec_facture(&portail, "FA-ACH-6", COMMUNE).await;
    let brouillon = s.enregistrer(&Saisie::valide("BR-ACH", COMMUNE)).await;
    s.get(&format!("/acheteur/factures/{id}")).await;
    s.post_form_sans_csrf(&format!("/acheteur/factures/{id}/traiter"), &[("statut", "SERVICE_FAIT")])
        .await
        .assert_statut(StatusCode::FORBIDDEN);
    s.post_form_sans_csrf(
        &format!("/acheteur/factures/{id}/traiter"),
        &[("statut", "SERVICE_FAIT"), ("csrf", "faux")],
    )
    .await
    .assert_statut(StatusCode::FORBIDDEN);

    // Another trainee's sandbox, a draft, a made-up id or structure: 404.
    let mut voisin = Stagiaire::connecte(&portail.app, "formation2@exemple.fr").await;
    voisin.get(&format!("/acheteur/factures/{id}")).await.assert_statut(StatusCode::NOT_FOUND);
    voisin
        .post_form(&format!("/acheteur/factures/{id}/traiter"), &[("statut", "SERVICE_FAIT")])
        .await
        .assert_statut(StatusCode::NOT_FOUND);
    voisin.get(&format!("/acheteur/structures/{COMMUNE}")).await.assert_statut(StatusCode::NOT_FOUND);
    s.get(&format!("/acheteur/factures/{brouillon}")).await.assert_statut(StatusCode::NOT_FOUND);
    s.get("/acheteur/factures/00000000-0000-4000-8000-000000000000")
        .await
        .assert_statut(StatusCode::NOT_FOUND);
    s.get("/acheteur/factures/'%20OR%201=1").await.assert_statut(StatusCode::NOT_FOUND);
    s.get(&format!("/acheteur/structures/{COLLEGE}")).await.assert_statut(StatusCode::NOT_FOUND);
    s.get("/acheteur/structures/%3Cscript%3E")
        .await
        .assert_statut(StatusCode::NOT_FOUND)
        .assert_absent("<script>");
    // The trainee's invoice is untouched.
    s.get(&format!("/factures-emises/{id}")).await.assert_contient("Mise à disposition du destinataire");
}

#[tokio::test]
async fn sans_connexion_retour_a_la_connexion() {
    let portail = Portail::nouveau();
    let mut v = commun::Visiteur::new(&portail.app);
    v.get("/acheteur").await.assert_redirige("/connexion");
}
