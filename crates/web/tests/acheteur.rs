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
    r.assert_contient(r#"href="/parties""#).assert_contient("Jouer les autres parties");
    let r = s.get("/parties").await;
    r.assert_statut(StatusCode::OK)
        .assert_contient(r#"href="/acheteur""#)
        .assert_contient("Jouer l'acheteur public");
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

/// A PDF deposit in a sandbox, kept as a draft, given an attachment, then sent: what the buyer
/// receives. Returns the invoice id.
fn depot_pdf_envoye(portail: &Portail, bac: &str, numero: &str, pdf: &[u8], piece: (&str, &[u8])) -> String {
    use chorus_domain::saisie::{LigneBrute, SaisieBrute};
    use chorus_store::facture::{self, Envoi, Issue};
    use chorus_store::piece_jointe as pj;
    let horloge = chorus_store::Horloge::fixe(commun::date_fixe());
    let ligne = |designation: &str, quantite: &str, prix: &str, remise: &str, taux: &str| LigneBrute {
        reference: "REF-1".into(),
        designation: designation.into(),
        quantite: quantite.into(),
        unite: "heure".into(),
        prix_unitaire_ht: prix.into(),
        remise_ht: remise.into(),
        taux_tva: taux.into(),
    };
    let brut = SaisieBrute {
        numero: numero.into(),
        date_facture: commun::date_fixe().to_string(),
        destinataire: COMMUNE.into(),
        lignes: vec![
            ligne("Entretien des espaces verts", "2", "150", "10", "20"),
            ligne("Engrais biologique", "3", "12,50", "", "5,5"),
        ],
        ..SaisieBrute::default()
    };
    portail
        .store()
        .ecrire(|c| {
            let sid = chorus_store::simulation::structure_du_bac(c, bac, None)?.expect("a structure").id;
            let depot = pj::deposer_pdf(
                c,
                bac,
                &sid,
                pj::controler_pdf(&format!("{numero}.pdf"), pdf.to_vec()),
                &horloge,
            )?
            .expect("a real PDF");
            let Issue::Acceptee(id) =
                pj::saisir_depot(c, bac, &sid, &depot, &brut, Envoi::Enregistrer, &horloge)?
            else {
                panic!("valid data");
            };
            pj::ajouter_au_brouillon(c, bac, &sid, &id, piece.0, piece.1, &horloge)?
                .expect("a valid attachment");
            assert!(matches!(facture::envoyer_brouillon(c, bac, &id, &horloge)?, Issue::Acceptee(_)));
            Ok(id)
        })
        .expect("invoice sent")
}

/// The ids of an invoice's files: the deposited PDF, then the attachment.
fn fichiers(portail: &Portail, bac: &str, facture: &str) -> (String, String) {
    let pieces = portail.store().lire(|c| chorus_store::piece_jointe::lister(c, bac, facture)).unwrap();
    assert_eq!(pieces.len(), 2);
    (pieces[0].id.clone(), pieces[1].id.clone())
}

/// The buyer's view of a received invoice shows, before the actions, its lines, the VAT
/// breakdown and totals, the attachments and the deposited PDF, served from the played
/// sandbox only: the trainer playing the buyer for one trainee never reaches another's files.
#[tokio::test]
async fn la_facture_recue_montre_lignes_tva_pieces_et_pdf_du_seul_bac_joue() {
    let portail = Portail::nouveau();
    let mut anne = commun::Formateur::connecte(&portail, "anne@cma.exemple.fr").await;
    let mut bruno = commun::Formateur::connecte(&portail, "bruno@cci.exemple.fr").await;
    let (classe, code) = anne.creer_classe("pratique_libre").await;
    let mut marie = commun::rejoindre(&portail.app, &code, "Marie Dupont", "").await;
    let mut paul = commun::rejoindre(&portail.app, &code, "Paul Martin", "").await;
    let bac = |rang: u32| {
        let ps = portail.store().lire(|c| chorus_store::classe::participants(c, &classe)).unwrap();
        ps.into_iter().find(|p| p.rang == rang).unwrap().bac_id
    };
    let (bac_marie, bac_paul) = (bac(1), bac(2));
    let pdf = chorus_documents::DocumentPdf::nouveau("Facture").titre("Facture FA-PDF-1").produire().unwrap();
    let id = depot_pdf_envoye(&portail, &bac_marie, "FA-PDF-1", &pdf, ("bon de livraison.jpg", b"JPEG..."));
    let (pdf_id, piece_id) = fichiers(&portail, &bac_marie, &id);
    let autre_pdf =
        chorus_documents::DocumentPdf::nouveau("Facture").titre("Facture de Paul").produire().unwrap();
    let id_paul =
        depot_pdf_envoye(&portail, &bac_paul, "FA-PAUL-1", &autre_pdf, ("devis.pdf", b"%PDF-devis"));
    let (pdf_paul, piece_paul) = fichiers(&portail, &bac_paul, &id_paul);

    anne.post_form(
        &format!("/formateur/classes/{classe}/jouer-acheteur"),
        &[("participant", portail.participant_id(&classe, 1))],
    )
    .await
    .assert_redirige("/acheteur");
    let r = anne.get(&format!("/acheteur/factures/{id}")).await;
    r.assert_statut(StatusCode::OK)
        .assert_contient("dans le bac à sable de <strong>Marie Dupont</strong>")
        .assert_contient("Lignes de la facture")
        .assert_contient("Entretien des espaces verts")
        .assert_contient("Engrais biologique")
        .assert_contient("2 heure")
        .assert_contient("150,00 €")
        .assert_contient("10,00 €")
        .assert_contient("290,00 €")
        .assert_contient("37,50 €")
        .assert_contient("5,5 %")
        .assert_contient("Récapitulatif de TVA")
        .assert_contient("58,00 €")
        .assert_contient("2,06 €")
        .assert_contient("327,50 €")
        .assert_contient("60,06 €")
        .assert_contient("387,56 €")
        .assert_contient("Dépôt PDF")
        .assert_contient("bon de livraison.jpg")
        .assert_contient(&format!(r#"href="/acheteur/factures/{id}/fichiers/{piece_id}""#))
        .assert_contient(&format!(r#"data="/acheteur/factures/{id}/fichiers/{pdf_id}/apercu""#));
    let lignes = r.corps.find("Lignes de la facture").unwrap();
    let pieces = r.corps.find("bon de livraison.jpg").unwrap();
    let actions = r.corps.find("Traiter la facture").unwrap();
    assert!(lignes < pieces && pieces < actions, "the invoice before the action forms");
    let csp = r.entetes.get("content-security-policy").and_then(|v| v.to_str().ok()).unwrap_or("");
    assert!(csp.contains("object-src 'self'"), "{csp}");

    let t = anne.telecharger(&format!("/acheteur/factures/{id}/fichiers/{piece_id}")).await;
    assert_eq!((t.statut, t.octets.as_slice()), (StatusCode::OK, b"JPEG...".as_slice()));
    assert!(t.entete("content-disposition").starts_with("attachment"), "{}", t.entete("content-disposition"));
    let vu = anne.telecharger(&format!("/acheteur/factures/{id}/fichiers/{pdf_id}/apercu")).await;
    assert_eq!((vu.statut, vu.entete("content-type")), (StatusCode::OK, "application/pdf"));
    assert!(vu.entete("content-disposition").starts_with("inline"));
    assert_eq!(vu.octets, pdf);
    // An attachment is never opened inline.
    let r = anne.telecharger(&format!("/acheteur/factures/{id}/fichiers/{piece_id}/apercu")).await;
    assert_eq!(r.statut, StatusCode::NOT_FOUND);

    // Paul's invoice and files are out of reach while Anne plays in Marie's sandbox.
    anne.get(&format!("/acheteur/factures/{id_paul}")).await.assert_statut(StatusCode::NOT_FOUND);
    for chemin in [
        format!("/acheteur/factures/{id_paul}/fichiers/{piece_paul}"),
        format!("/acheteur/factures/{id_paul}/fichiers/{pdf_paul}/apercu"),
        format!("/acheteur/factures/{id}/fichiers/{piece_paul}"),
        format!("/acheteur/factures/{id}/fichiers/{pdf_paul}/apercu"),
    ] {
        assert_eq!(anne.telecharger(&chemin).await.statut, StatusCode::NOT_FOUND, "{chemin}");
    }
    // Another trainer plays nobody's buyer; Paul, playing his own buyer, sees his sandbox only.
    let r = bruno.telecharger(&format!("/acheteur/factures/{id}/fichiers/{piece_id}")).await;
    assert_eq!(r.statut, StatusCode::SEE_OTHER);
    paul.nav.get("/").await;
    let r = paul.nav.telecharger(&format!("/acheteur/factures/{id}/fichiers/{piece_id}")).await;
    assert_eq!(r.statut, StatusCode::NOT_FOUND);
    let t = paul.nav.telecharger(&format!("/acheteur/factures/{id_paul}/fichiers/{piece_paul}")).await;
    assert_eq!((t.statut, t.octets.as_slice()), (StatusCode::OK, b"%PDF-devis".as_slice()));
    // Marie, playing her own buyer, sees the same page.
    marie
        .nav
        .get(&format!("/acheteur/factures/{id}"))
        .await
        .assert_statut(StatusCode::OK)
        .assert_contient("387,56 €");
}

/// An invoice keyed in the portal: lines and totals, no attachment, no PDF, and the page keeps
/// the portal's strict content policy.
#[tokio::test]
async fn une_facture_saisie_sans_piece_ni_pdf() {
    let portail = Portail::nouveau();
    let (mut s, id) = stagiaire_avec_facture(&portail, "FA-ACH-9", COMMUNE).await;
    let r = s.get(&format!("/acheteur/factures/{id}")).await;
    r.assert_statut(StatusCode::OK)
        .assert_contient("Entretien des espaces verts")
        .assert_contient("300,00 €")
        .assert_contient("360,00 €")
        .assert_contient("Aucune pièce jointe.")
        .assert_absent("<object");
    let csp = r.entetes.get("content-security-policy").and_then(|v| v.to_str().ok()).unwrap_or("");
    assert!(csp.contains("object-src 'none'"), "{csp}");
}
