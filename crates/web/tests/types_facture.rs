//! The other invoice kinds through the portal: a credit note (AVOIR) needs the number of the
//! invoice it corrects; an A2 invoice (already paid) has nothing left to pay, so no late
//! interest can arise; a draft saved but never sent shows on the home page and in the list
//! filtered on BROUILLON.

mod commun;

use axum::http::StatusCode;
use commun::{Portail, Saisie, Stagiaire};

const COMMUNE: &str = "21852884200097";

#[tokio::test]
async fn un_avoir_cite_la_facture_qu_il_corrige() {
    let p = Portail::nouveau();
    let mut s = Stagiaire::connecte(&p.app, "formation1@exemple.fr").await;
    s.envoyer(&Saisie::valide("FA-2026-100", COMMUNE)).await;
    let avoir = Saisie::valide("AV-2026-001", COMMUNE).avec("type_facture", "AVOIR");
    s.envoi_refuse(&avoir, "Un avoir corrige une facture déjà émise").await;
    let id = s.envoyer(&avoir.avec("numero_facture_origine", "FA-2026-100")).await;
    s.get(&format!("/factures-emises/{id}"))
        .await
        .assert_statut(StatusCode::OK)
        .assert_contient("Avoir")
        .assert_contient("FA-2026-100");
    s.assert_nombre_factures(2).await;
}

/// Un avoir n'est jamais payé : l'acheteur simulé l'enregistre (« Comptabilisée ») et s'arrête ;
/// ni échéance, ni intérêts, ni « le paiement arrive sur votre compte », même très en retard.
#[tokio::test]
async fn un_avoir_n_est_jamais_mis_en_paiement() {
    let p = Portail::nouveau();
    let mut s = Stagiaire::connecte(&p.app, "formation1@exemple.fr").await;
    s.envoyer(&Saisie::valide("FA-2026-110", COMMUNE)).await;
    let avoir = Saisie::valide("AV-2026-002", COMMUNE)
        .avec("type_facture", "AVOIR")
        .avec("numero_facture_origine", "FA-2026-110");
    let id = s.envoyer(&avoir).await;
    s.post_form("/bac/horloge", &[("jours", "90")]).await.assert_redirige_vers_le_bilan();

    let page = s.get(&format!("/factures-emises/{id}")).await;
    page.assert_statut(StatusCode::OK)
        .assert_contient("Comptabilisée")
        .assert_absent("pastille-paye")
        .assert_contient("Un avoir n'est jamais payé")
        .assert_contient(r#"href="/choix-du-simulateur#traitement-avoir""#)
        .assert_absent("arrive sur votre compte")
        .assert_absent("Échéance");
    let suivi = s.get(&format!("/factures-emises/{id}/suivi-paiement")).await;
    suivi
        .assert_statut(StatusCode::OK)
        .assert_contient("Cette pièce est un avoir : elle n'est jamais payée")
        .assert_absent("Intérêts moratoires")
        .assert_absent("Échéance");
    // La facture d'origine, elle, est mise en paiement ; l'avoir n'est pas « à surveiller ».
    s.get("/factures-emises?statut=MISE_EN_PAIEMENT")
        .await
        .assert_contient("FA-2026-110")
        .assert_absent("AV-2026-002");
    s.get("/suivi-paiements").await.assert_absent("AV-2026-002");
}

#[tokio::test]
async fn une_facture_a2_deja_payee_n_a_rien_a_payer() {
    let p = Portail::nouveau();
    let mut s = Stagiaire::connecte(&p.app, "formation1@exemple.fr").await;
    let a2 = Saisie::valide("FA-A2-001", COMMUNE).avec("cadre", "A2_FACTURE_FOURNISSEUR_DEJA_PAYEE");
    let id = s.envoyer(&a2).await;
    let r = s.get(&format!("/factures-emises/{id}")).await;
    r.assert_statut(StatusCode::OK).assert_contient("A2");
    let montant = r.corps.split("Montant à payer").nth(1).expect("the amount to pay");
    assert!(montant[..200.min(montant.len())].contains("0,00"), "{}", &montant[..200.min(montant.len())]);
    // Même payée en retard, une facture déjà payée ne donne aucun intérêt moratoire.
    s.post_form("/bac/horloge", &[("jours", "90")]).await.assert_redirige_vers_le_bilan();
    let suivi = s.get(&format!("/factures-emises/{id}/suivi-paiement")).await;
    suivi
        .assert_statut(StatusCode::OK)
        .assert_absent("Total dû par l'acheteur en plus de la facture</th><td>40");
}

#[tokio::test]
async fn le_brouillon_jamais_envoye_se_voit() {
    let p = Portail::nouveau();
    let mut s = Stagiaire::connecte(&p.app, "formation1@exemple.fr").await;
    s.enregistrer(&Saisie::valide("FA-BR-001", COMMUNE)).await;
    s.get("/factures-emises/synthese")
        .await
        .assert_contient("1 facture(s) enregistrée(s) mais jamais envoyée(s).");
    s.get("/factures-emises?statut=BROUILLON")
        .await
        .assert_contient("<p>1 facture(s).</p>")
        .assert_contient("FA-BR-001");
}
