//! « Déposer une facture » (PDF), pièces jointes et certificat de dépôt, through HTTP in memory:
//! a real PDF deposited and sent, every refusal of the rules, other sandboxes, CSRF, limits.

mod commun;

use axum::http::StatusCode;
use commun::{Portail, Saisie, Stagiaire, bandeau, corps_multipart, echapper};
use lopdf::{Document, EncryptionState, EncryptionVersion, Object, Permissions};

const COMMUNE: &str = "21852884200097";
const MO: usize = 1024 * 1024;

fn un_pdf(numero: &str) -> Vec<u8> {
    chorus_documents::DocumentPdf::nouveau("Facture")
        .titre(&format!("Facture {numero}"))
        .paragraphe("SIRET client 21852884200097 — 2 × 150,00 € HT")
        .produire()
        .expect("PDF")
}

/// The same PDF protected by an opening password.
fn pdf_protege() -> Vec<u8> {
    let mut doc = Document::load_mem(&un_pdf("FA-P")).unwrap();
    doc.trailer.set(
        "ID",
        Object::Array(vec![
            Object::string_literal(b"0123456789abcdef".to_vec()),
            Object::string_literal(b"fedcba9876543210".to_vec()),
        ]),
    );
    let etat = EncryptionState::try_from(EncryptionVersion::V2 {
        document: &doc,
        owner_password: "proprietaire",
        user_password: "secret",
        key_length: 128,
        permissions: Permissions::empty(),
    })
    .unwrap();
    doc.encrypt(&etat).unwrap();
    let mut octets = Vec::new();
    doc.save_to(&mut octets).unwrap();
    octets
}

fn texte_pdf(octets: &[u8]) -> String {
    let doc = Document::load_mem(octets).expect("readable PDF");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    doc.extract_text(&pages).expect("text").replace('\u{a0}', " ")
}

/// Deposits a PDF and returns the deposit form's address.
async fn deposer(s: &mut Stagiaire, nom: &str, contenu: &[u8]) -> String {
    s.get("/factures-emises/deposer").await.assert_statut(StatusCode::OK);
    let r = s.post_fichiers("/factures-emises/deposer", &[(nom, contenu)]).await;
    assert_eq!(r.statut, StatusCode::SEE_OTHER, "{}", r.extrait());
    let lieu = r.location().to_string();
    assert!(lieu.starts_with("/factures-emises/deposer/"), "{lieu}");
    lieu
}

/// A refused deposit: 422, the deposit page again, the message in the error summary.
async fn depot_refuse(s: &mut Stagiaire, nom: &str, contenu: &[u8], message: &str) {
    s.get("/factures-emises/deposer").await;
    let r = s.post_fichiers("/factures-emises/deposer", &[(nom, contenu)]).await;
    r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY).assert_contient("Le fichier est refusé");
    let b = bandeau(&r.corps).unwrap_or_default();
    assert!(b.contains(message), "« {message} » not in the banner: {b}");
}

#[tokio::test]
async fn deposer_un_pdf_saisir_ses_donnees_l_envoyer_et_telecharger_le_certificat() {
    let portail = Portail::nouveau();
    let mut s = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    s.get("/factures-emises/synthese").await.assert_contient(r#"href="/factures-emises/deposer""#);
    let pdf = un_pdf("FA-DEP-1");
    let formulaire = deposer(&mut s, "facture FA-DEP-1.pdf", &pdf).await;

    // The keyed-data form next to the PDF, which is served from the sandbox.
    let r = s.get(&formulaire).await;
    r.assert_statut(StatusCode::OK)
        .assert_contient("facture FA-DEP-1.pdf")
        .assert_contient(&format!(
            r#"<object class="depot-pdf" data="{formulaire}/pdf" type="application/pdf""#
        ))
        .assert_contient(&format!(r#"action="{formulaire}""#));
    let csp = r.entetes.get("content-security-policy").and_then(|v| v.to_str().ok()).unwrap_or("");
    assert!(csp.contains("object-src 'self'"), "{csp}");
    let vu = s.telecharger(&format!("{formulaire}/pdf")).await;
    assert_eq!(vu.statut, StatusCode::OK);
    assert_eq!(vu.entete("content-type"), "application/pdf");
    assert!(vu.entete("content-disposition").starts_with("inline"), "{}", vu.entete("content-disposition"));
    assert_eq!(vu.octets, pdf);

    // Wrong data: the same checks as keyed entry, the form comes back with the PDF.
    let saisie = Saisie::valide("FA-DEP-1", COMMUNE);
    let fausse = saisie.clone().avec("destinataire", "12345678901234");
    let r = s.post_form(&formulaire, &fausse.champs("envoyer", &[("confirme", "oui")])).await;
    r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contient("La facture ne peut pas être")
        .assert_contient(&format!("{formulaire}/pdf"));
    fausse.assert_reaffichee(&r);

    // « Valider et envoyer » asks for confirmation, then sends.
    let r = s.post_form(&formulaire, &saisie.champs("envoyer", &[])).await;
    r.assert_statut(StatusCode::OK).assert_contient("Confirmer l'envoi de la facture");
    r.assert_contient(&format!(r#"action="{formulaire}""#));
    let id = s.post_form(&formulaire, &saisie.champs("envoyer", &[("confirme", "oui")])).await.id_facture();

    let page = s.get(&format!("/factures-emises/{id}")).await;
    page.assert_statut(StatusCode::OK)
        .assert_contient("Dépôt PDF")
        .assert_contient("facture FA-DEP-1.pdf")
        .assert_contient("Télécharger le certificat de dépôt (PDF)")
        .assert_absent("Ajouter ou retirer des pièces jointes");
    // The deposit is used: its form is gone.
    s.get(&formulaire).await.assert_statut(StatusCode::NOT_FOUND);

    let certificat = s.telecharger(&format!("/factures-emises/{id}/certificat-depot")).await;
    assert_eq!(certificat.statut, StatusCode::OK);
    assert_eq!(certificat.entete("content-type"), "application/pdf");
    assert!(certificat.entete("content-disposition").contains("certificat-depot-FA-DEP-1.pdf"));
    let texte = texte_pdf(&certificat.octets);
    for attendu in [
        "Certificat de dépôt",
        "déposée le 22/11/2026",
        "FA-DEP-1",
        &id,
        COMMUNE,
        "360,00 €",
        "Dépôt PDF sur le portail",
        "facture FA-DEP-1.pdf",
    ] {
        assert!(texte.contains(attendu), "« {attendu} » missing from the certificate:\n{texte}");
    }

    // The deposited PDF is downloadable from the invoice.
    let lien =
        commun::lien_de(&page.corps, &format!("/factures-emises/{id}/pieces/")).expect("link to the PDF");
    let t = s.telecharger(&lien).await;
    assert_eq!((t.statut, t.octets.len()), (StatusCode::OK, pdf.len()));
    assert!(t.entete("content-disposition").starts_with("attachment"));
}

#[tokio::test]
async fn un_depot_enregistre_en_brouillon_recoit_des_pieces_jointes_avant_l_envoi() {
    let portail = Portail::nouveau();
    let mut s = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    let formulaire = deposer(&mut s, "FA-DEP-2.pdf", &un_pdf("FA-DEP-2")).await;
    let id = s
        .post_form(&formulaire, &Saisie::valide("FA-DEP-2", COMMUNE).champs("enregistrer", &[]))
        .await
        .id_facture();
    let pieces = format!("/factures-emises/{id}/pieces");
    let page = s.get(&format!("/factures-emises/{id}")).await;
    page.assert_contient("Dépôt PDF")
        .assert_contient(&format!(r#"href="{pieces}""#))
        .assert_absent("certificat-depot");
    s.telecharger(&format!("/factures-emises/{id}/certificat-depot")).await;
    assert_eq!(
        s.telecharger(&format!("/factures-emises/{id}/certificat-depot")).await.statut,
        StatusCode::CONFLICT
    );

    s.get(&pieces).await.assert_statut(StatusCode::OK).assert_contient(r#"enctype="multipart/form-data""#);
    let r = s
        .post_fichiers(&pieces, &[("bon de livraison.jpg", b"JPEG..."), ("devis signé.pdf", b"%PDF-devis")])
        .await;
    r.assert_redirige(&pieces);
    let r = s.get(&pieces).await;
    r.assert_contient("bon de livraison.jpg").assert_contient("devis signé.pdf").assert_contient("Retirer");
    // Remove one.
    let debut = r.corps.find("/retirer\"").expect("a remove form");
    let action_debut = r.corps[..debut].rfind("action=\"").expect("action") + "action=\"".len();
    let retirer = format!("{}/retirer", &r.corps[action_debut..debut]);
    s.post_form(&retirer, &[] as &[(&str, &str)]).await.assert_redirige(&pieces);
    let r = s.get(&pieces).await;
    assert_eq!(
        ["bon de livraison.jpg", "devis signé.pdf"].iter().filter(|n| r.corps.contains(*n)).count(),
        1
    );

    // Sent: the attachments stay, downloadable, but no longer change.
    s.get(&format!("/factures-emises/{id}/envoyer")).await.assert_statut(StatusCode::OK);
    s.post_form(&format!("/factures-emises/{id}/envoyer"), &[("confirme", "oui")])
        .await
        .assert_redirige(&format!("/factures-emises/{id}"));
    let r = s.post_fichiers(&pieces, &[("tard.pdf", b"%PDF")]).await;
    r.assert_statut(StatusCode::CONFLICT).assert_contient("déjà été envoyée");
    s.get(&pieces).await.assert_contient("ne se modifient plus").assert_absent("Retirer");
    let cert = s.telecharger(&format!("/factures-emises/{id}/certificat-depot")).await;
    assert_eq!(cert.statut, StatusCode::OK);
    assert!(texte_pdf(&cert.octets).contains("déposée le 22/11/2026"));
}

#[tokio::test]
async fn un_pdf_depose_doit_etre_un_vrai_pdf_lisible_sans_mot_de_passe() {
    let portail = Portail::nouveau();
    let mut s = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    depot_refuse(&mut s, "facture.pdf", b"Ceci est un texte renomme en .pdf", "n'est pas un PDF").await;
    depot_refuse(&mut s, "facture.pdf", &pdf_protege(), "protégé par un mot de passe").await;
    let pdf = un_pdf("FA-T");
    depot_refuse(&mut s, "facture.pdf", &pdf[..pdf.len() / 2], "illisible").await;
    depot_refuse(&mut s, "facture.pdf", b"", "est vide").await;
    depot_refuse(&mut s, "facture.docx", &pdf, "attend un fichier PDF").await;
    let long = format!("{}.pdf", "n".repeat(47));
    depot_refuse(&mut s, &long, &pdf, "compte 51 caractères").await;
    depot_refuse(&mut s, "facture.pdf", &vec![b'%'; 10 * MO + 1], "plus de 10 Mo").await;
    // No file chosen at all.
    let r = s.post_fichiers("/factures-emises/deposer", &[]).await;
    r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY).assert_contient("Choisissez un fichier");
    // Escaped back.
    depot_refuse(&mut s, "<b>x.exe", &pdf, &echapper("« <b>x.exe »")).await;
    assert_eq!(s.assert_nombre_factures(0).await.statut, StatusCode::OK);
}

#[tokio::test]
async fn les_regles_des_pieces_jointes() {
    let portail = Portail::nouveau();
    let mut s = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    let id = s.enregistrer(&Saisie::valide("FA-PJ", COMMUNE)).await;
    let pieces = format!("/factures-emises/{id}/pieces");
    s.get(&pieces).await;
    for (nom, contenu, message) in [
        (format!("{}.pdf", "a".repeat(47)), vec![b'x'; 10], "compte 51 caractères"),
        ("programme.exe".to_string(), vec![b'x'; 10], "n'est pas accepté par Chorus Pro"),
        ("sans-extension".to_string(), vec![b'x'; 10], "n'a pas d'extension"),
        ("vide.pdf".to_string(), Vec::new(), "est vide"),
        ("gros.pdf".to_string(), vec![b'x'; 10 * MO + 1], "plus de 10 Mo"),
    ] {
        let r = s.post_fichiers(&pieces, &[(&nom, &contenu)]).await;
        r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY).assert_contient("fichier(s) refusé(s)");
        let b = bandeau(&r.corps).unwrap_or_default();
        assert!(b.contains(message), "{nom}: « {message} » not in: {b}");
    }
    // 50 characters and exactly 10 Mo are accepted.
    let cinquante = format!("{}.pdf", "a".repeat(46));
    s.post_fichiers(&pieces, &[(&cinquante, &vec![b'x'; 10 * MO])]).await.assert_redirige(&pieces);

    // Up to 120 Mo for the invoice: 11 more files of 10 Mo fit, the next byte does not.
    let dix = vec![b'y'; 10 * MO];
    for i in 0..11 {
        s.post_fichiers(&pieces, &[(&format!("partie-{i}.zip"), &dix)]).await.assert_redirige(&pieces);
    }
    let r = s.post_fichiers(&pieces, &[("un-octet-de-trop.txt", b"z")]).await;
    r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bandeau(&r.corps).unwrap_or_default().contains("limite l'ensemble à 120 Mo"), "{}", r.extrait());
    s.get(&pieces).await.assert_contient("120,0 Mo sur 120 Mo autorisés");
}

#[tokio::test]
async fn un_envoi_au_dela_de_la_limite_recoit_une_page_413() {
    let portail = Portail::nouveau();
    let mut s = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    let id = s.enregistrer(&Saisie::valide("FA-413", COMMUNE)).await;
    s.get("/").await;
    let csrf = s.csrf.clone().unwrap();
    let gros = vec![b'x'; 125 * MO];
    let (type_contenu, corps) = corps_multipart(&[("csrf", &csrf)], &[("enorme.zip", &gros)]);
    let r = s.post_brut(&format!("/factures-emises/{id}/pieces"), &type_contenu, corps).await;
    r.assert_statut(StatusCode::PAYLOAD_TOO_LARGE)
        .assert_contient("Envoi trop volumineux")
        .assert_contient("120 Mo");
    // The rest of the portal keeps its small limit.
    let r = s.post_form("/bac/horloge", &[("jours", "x".repeat(3 * MO).as_str())]).await;
    r.assert_statut(StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn sans_jeton_csrf_rien_n_est_depose() {
    let portail = Portail::nouveau();
    let mut s = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    let id = s.enregistrer(&Saisie::valide("FA-CSRF", COMMUNE)).await;
    let pdf = un_pdf("FA-CSRF");
    s.post_fichiers_sans_csrf("/factures-emises/deposer", &[("f.pdf", &pdf)])
        .await
        .assert_statut(StatusCode::FORBIDDEN);
    s.post_fichiers_sans_csrf(&format!("/factures-emises/{id}/pieces"), &[("f.pdf", &pdf)])
        .await
        .assert_statut(StatusCode::FORBIDDEN);
    // A wrong token, and a token sent after the file.
    let (t, corps) = corps_multipart(&[("csrf", "faux")], &[("f.pdf", &pdf)]);
    s.post_brut("/factures-emises/deposer", &t, corps).await.assert_statut(StatusCode::FORBIDDEN);
    let csrf = s.csrf.clone().unwrap();
    let (t, mut corps) = corps_multipart(&[], &[("f.pdf", &pdf)]);
    let fin = corps.len() - "------simulateur-frontiere-7d1f3a--\r\n".len();
    corps.truncate(fin);
    corps.extend(format!("------simulateur-frontiere-7d1f3a\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n------simulateur-frontiere-7d1f3a--\r\n").bytes());
    s.post_brut("/factures-emises/deposer", &t, corps).await.assert_statut(StatusCode::FORBIDDEN);
    // Not a multipart form at all.
    let r = s.post_form("/factures-emises/deposer", &[("fichier", "x")]).await;
    r.assert_statut(StatusCode::BAD_REQUEST);
    s.get(&format!("/factures-emises/{id}/pieces")).await.assert_contient("Aucune pièce jointe.");
}

#[tokio::test]
async fn les_fichiers_d_un_autre_bac_sont_introuvables() {
    let portail = Portail::nouveau();
    let mut s1 = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    let mut s2 = Stagiaire::connecte(&portail.app, "formation2@exemple.fr").await;
    let formulaire = deposer(&mut s1, "FA-B1.pdf", &un_pdf("FA-B1")).await;
    let id = s1
        .post_form(&formulaire, &Saisie::valide("FA-B1", COMMUNE).champs("enregistrer", &[]))
        .await
        .id_facture();
    let pieces = format!("/factures-emises/{id}/pieces");
    s1.post_fichiers(&pieces, &[("note.txt", b"note")]).await.assert_redirige(&pieces);
    let page = s1.get(&format!("/factures-emises/{id}")).await;
    let lien = commun::lien_de(&page.corps, &format!("/factures-emises/{id}/pieces/")).expect("a file link");
    let formulaire2 = deposer(&mut s1, "FA-B2.pdf", &un_pdf("FA-B2")).await;

    s2.get("/").await;
    for chemin in [
        lien.as_str(),
        &pieces,
        &formulaire2,
        &format!("{formulaire2}/pdf"),
        &format!("/factures-emises/{id}/certificat-depot"),
    ] {
        assert_eq!(s2.telecharger(chemin).await.statut, StatusCode::NOT_FOUND, "{chemin}");
    }
    s2.post_fichiers(&pieces, &[("x.txt", b"x")]).await.assert_statut(StatusCode::NOT_FOUND);
    s2.post_form(&format!("{lien}/retirer"), &[] as &[(&str, &str)])
        .await
        .assert_statut(StatusCode::NOT_FOUND);
    s2.post_form(&formulaire2, &Saisie::valide("FA-B2", COMMUNE).champs("enregistrer", &[]))
        .await
        .assert_statut(StatusCode::NOT_FOUND);
    // Made-up ids too.
    let invente = uuid::Uuid::new_v4();
    assert_eq!(
        s1.telecharger(&format!("/factures-emises/{id}/pieces/{invente}")).await.statut,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        s1.telecharger(&format!("/factures-emises/deposer/{invente}")).await.statut,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn une_facture_saisie_a_son_certificat_et_la_reinitialisation_efface_les_fichiers() {
    let portail = Portail::nouveau();
    let mut s = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    let id = s.envoyer(&Saisie::valide("FA-SAISIE", COMMUNE)).await;
    let page = s.get(&format!("/factures-emises/{id}")).await;
    page.assert_contient("<dd>Saisie</dd>").assert_contient("certificat-depot");
    let cert = s.telecharger(&format!("/factures-emises/{id}/certificat-depot")).await;
    let texte = texte_pdf(&cert.octets);
    assert!(texte.contains("déposée le 22/11/2026") && texte.contains("Saisie sur le portail"), "{texte}");

    let formulaire = deposer(&mut s, "en-cours.pdf", &un_pdf("X")).await;
    s.get("/bac/reinitialiser").await;
    s.post_form("/bac/reinitialiser", &[("confirme", "oui")]).await.assert_redirige("/");
    assert_eq!(s.telecharger(&format!("{formulaire}/pdf")).await.statut, StatusCode::NOT_FOUND);
    s.assert_nombre_factures(0).await;
}
