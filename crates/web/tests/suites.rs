//! The supplier's follow-ups through HTTP, one test per path: recycle an « À recycler »
//! invoice, complete a suspended one, acknowledge a rejection then issue a new invoice under a
//! new number; and the two journeys reject → new invoice, suspend → complete → paid.

mod commun;

use axum::http::StatusCode;
use commun::{Navigateur, Portail, Reponse, Saisie, Stagiaire, corps_multipart, echapper};

const COMMUNE: &str = "21852884200097";
/// Département du Causse: the code service is mandatory.
const DEPARTEMENT: &str = "22221733300095";

#[tokio::test]
async fn recycler_une_facture_a_recycler() {
    let portail = Portail::nouveau();
    let mut s = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    let id = s.envoyer(&Saisie::valide("FA-REC-1", COMMUNE)).await;
    // Nothing to recycle yet.
    s.get(&format!("/factures-emises/{id}/recycler")).await.assert_statut(StatusCode::CONFLICT);
    s.traiter_en_acheteur(&id, "A_RECYCLER", "Facture à adresser au Département, direction des routes").await;

    let r = s.get(&format!("/factures-emises/{id}")).await;
    r.assert_contient("À recycler")
        .assert_contient("Facture à adresser au Département, direction des routes")
        .assert_contient(&format!(r#"href="/factures-emises/{id}/recycler""#));
    let r = s.get(&format!("/factures-emises/{id}/recycler")).await;
    r.assert_statut(StatusCode::OK)
        .assert_contient(&format!(r#"value="{COMMUNE}""#))
        .assert_contient("FA-REC-1");

    // Checked like keyed entry: the Département requires a code service.
    let r = s
        .post_form(
            &format!("/factures-emises/{id}/recycler"),
            &[("destinataire", DEPARTEMENT), ("code_service", ""), ("numero_engagement", "")],
        )
        .await;
    r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contient("La facture ne peut pas être recyclée")
        .assert_contient(&format!(r#"value="{DEPARTEMENT}""#));
    s.post_form_sans_csrf(
        &format!("/factures-emises/{id}/recycler"),
        &[("destinataire", DEPARTEMENT), ("code_service", "DIR_ROUTES")],
    )
    .await
    .assert_statut(StatusCode::FORBIDDEN);
    s.post_form(
        &format!("/factures-emises/{id}/recycler"),
        &[
            ("destinataire", DEPARTEMENT),
            ("code_service", "DIR_ROUTES"),
            ("numero_engagement", ""),
            ("commentaire", ""),
        ],
    )
    .await
    .assert_redirige(&format!("/factures-emises/{id}"));
    let r = s.get(&format!("/factures-emises/{id}")).await;
    r.assert_contient("Facture n° FA-REC-1")
        .assert_contient("Mise à disposition du destinataire")
        .assert_contient(DEPARTEMENT)
        .assert_contient("DIR_ROUTES");
    // Still one invoice: the same one, same number.
    s.assert_nombre_factures(1).await;
}

/// « Envoyer le complément » : le formulaire de fichiers, jeton d'abord.
async fn completer(nav: &mut Navigateur, id: &str, commentaire: &str, fichiers: &[(&str, &[u8])]) -> Reponse {
    let csrf = nav.csrf.clone().expect("a page was read");
    let (type_contenu, corps) = corps_multipart(&[("csrf", &csrf), ("commentaire", commentaire)], fichiers);
    nav.post_brut(&format!("/factures-emises/{id}/completer"), &type_contenu, corps).await
}

#[tokio::test]
async fn completer_une_facture_suspendue() {
    let portail = Portail::nouveau();
    let mut s = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    let id = s.envoyer(&Saisie::valide("FA-SUS-1", COMMUNE)).await;
    s.traiter_en_acheteur(&id, "SUSPENDUE", "Il manque le bon de livraison signé").await;
    let r = s.get(&format!("/factures-emises/{id}")).await;
    r.assert_contient("Suspendue")
        .assert_contient("Il manque le bon de livraison signé")
        .assert_contient(&format!(r#"href="/factures-emises/{id}/completer""#))
        // R2192-29 : la complétion ouvre un nouveau délai ; l'ancien ne « reprend » pas.
        .assert_contient("un nouveau délai s'ouvrira : 30 jours, ou le solde restant")
        .assert_absent("repris");
    let r = s.get(&format!("/factures-emises/{id}/completer")).await;
    r.assert_statut(StatusCode::OK).assert_contient("Il manque le bon de livraison signé");
    let r = completer(&mut s, &id, "  ", &[]).await;
    r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY).assert_contient("sans commentaire ni pièce jointe");
    // Une pièce refusée (extension) : rien n'est gardé, ni la pièce ni le complément.
    let r = completer(&mut s, &id, "Voici le bon", &[("bon.exe", b"MZ")]).await;
    r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY).assert_contient("bon.exe");
    s.get(&format!("/factures-emises/{id}")).await.assert_contient("Suspendue").assert_absent("bon.exe");
    // Sans jeton : refusé.
    let (type_contenu, corps) = corps_multipart(&[("commentaire", "x")], &[]);
    s.post_brut(&format!("/factures-emises/{id}/completer"), &type_contenu, corps)
        .await
        .assert_statut(StatusCode::FORBIDDEN);
    let commentaire = "Bon de livraison n° 42 <b>signé</b>";
    completer(&mut s, &id, commentaire, &[("bon-de-livraison-42.pdf", b"%PDF-1.4 bon signe")])
        .await
        .assert_redirige(&format!("/factures-emises/{id}"));
    s.get(&format!("/factures-emises/{id}")).await.assert_contient("bon-de-livraison-42.pdf");
    let r = s.get(&format!("/factures-emises/{id}")).await;
    r.assert_contient("Complétée").assert_contient(&echapper(commentaire)).assert_absent("<b>signé</b>");
    r.assert_contient("un nouveau délai de 30 jours s'est ouvert").assert_absent("repris");
    // Completed once: no second completion, and no second suspension offered to the buyer.
    s.get(&format!("/factures-emises/{id}/completer")).await.assert_statut(StatusCode::CONFLICT);
    s.get(&format!("/acheteur/factures/{id}")).await.assert_absent(r#"value="SUSPENDUE""#);
}

#[tokio::test]
async fn traiter_le_rejet_puis_nouvelle_facture() {
    let portail = Portail::nouveau();
    let mut s = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    let id = s.envoyer(&Saisie::valide("FA-REJ-1", COMMUNE)).await;
    s.traiter_en_acheteur(&id, "REJETEE", "Le prix unitaire ne correspond pas au devis").await;

    let r = s.get("/").await;
    r.assert_contient("FA-REJ-1");
    let r = s.get(&format!("/factures-emises/{id}")).await;
    r.assert_contient("Le prix unitaire ne correspond pas au devis").assert_contient("Traiter le rejet");
    s.post_form_sans_csrf(&format!("/factures-emises/{id}/traiter-rejet"), &[("x", "y")])
        .await
        .assert_statut(StatusCode::FORBIDDEN);
    s.post_form(&format!("/factures-emises/{id}/traiter-rejet"), &[("x", "y")])
        .await
        .assert_redirige(&format!("/factures-emises/{id}"));
    let r = s.get(&format!("/factures-emises/{id}")).await;
    r.assert_contient("Rejet traité le 22/11/2026")
        .assert_contient("nouvelle facture, avec un nouveau numéro")
        .assert_absent(&format!(r#"action="/factures-emises/{id}/traiter-rejet""#));
    s.post_form(&format!("/factures-emises/{id}/traiter-rejet"), &[("x", "y")])
        .await
        .assert_statut(StatusCode::CONFLICT);
    // The acknowledged rejection has left the work list (« Synthèse »).
    s.get("/factures-emises/synthese")
        .await
        .assert_contient("Aucune : rien n'attend d'action de votre part.");

    // The rejected invoice's number cannot be used again, and the message says why.
    s.envoi_refuse(
        &Saisie::valide("FA-REJ-1", COMMUNE),
        "est celui d'une facture rejetée par le destinataire",
    )
    .await;
    let nouvelle = s.envoyer(&Saisie::valide("FA-REJ-2", COMMUNE)).await;
    s.get(&format!("/factures-emises/{nouvelle}"))
        .await
        .assert_contient("Mise à disposition du destinataire");
    s.assert_nombre_factures(2).await;
}

#[tokio::test]
async fn suites_refusees_sur_la_facture_d_un_autre() {
    let portail = Portail::nouveau();
    let mut s = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    let id = s.envoyer(&Saisie::valide("FA-AUT-1", COMMUNE)).await;
    s.traiter_en_acheteur(&id, "REJETEE", "Prix").await;
    let mut voisin = Stagiaire::connecte(&portail.app, "formation2@exemple.fr").await;
    for chemin in ["recycler", "completer"] {
        voisin.get(&format!("/factures-emises/{id}/{chemin}")).await.assert_statut(StatusCode::NOT_FOUND);
    }
    voisin
        .post_form(&format!("/factures-emises/{id}/traiter-rejet"), &[("x", "y")])
        .await
        .assert_statut(StatusCode::NOT_FOUND);
    completer(&mut voisin, &id, "x", &[]).await.assert_statut(StatusCode::NOT_FOUND);
    s.get(&format!("/factures-emises/{id}")).await.assert_contient("Traiter le rejet");
}

#[tokio::test]
async fn parcours_suspendre_completer_puis_payee() {
    let portail = Portail::nouveau();
    let mut s = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    let id = s.envoyer(&Saisie::valide("FA-PAY-1", COMMUNE)).await;
    s.traiter_en_acheteur(&id, "SUSPENDUE", "Attestation d'assurance manquante").await;
    s.ouvrir_dernier("Facture FA-PAY-1 suspendue").await.assert_contient("Attestation d'assurance manquante");
    completer(&mut s, &id, "Attestation jointe", &[("attestation.pdf", b"%PDF-1.4 attestation")])
        .await
        .assert_redirige(&format!("/factures-emises/{id}"));
    s.post_form("/bac/horloge", &[("jours", "25")]).await.assert_redirige_vers_le_bilan();
    let r = s.get(&format!("/factures-emises/{id}")).await;
    r.assert_contient("Le comptable a lancé le virement").assert_contient("Payée dans le délai");
}
