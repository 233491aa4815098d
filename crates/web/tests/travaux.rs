//! Works invoices through the portal: the « Factures de travaux » space and its gating, the
//! deposit of a projet de décompte (PDF then deposit form), the MOE and the MOA played alone,
//! the amount admitted by the MOE, the payment follow-up from the MOE's receipt; a trainee's own
//! MOE structure working in « À traiter (maîtrise d'œuvre) » with a complément; the final
//! statement through to the DGD deposited with « Déposer la pièce de facturation suivante »;
//! and the isolation of the dossiers.

mod commun;

use axum::http::StatusCode;
use chrono::Days;
use commun::{Portail, Reponse, Saisie, Stagiaire, date_fixe, echapper};

const COMMUNE: &str = "21852884200097";
/// ATELIER D'ARCHITECTURE SERRE: the MOE of the register.
const MOE: &str = "49228449200070";

fn jour(n: u64) -> String {
    date_fixe().checked_add_days(Days::new(n)).unwrap().format("%d/%m/%Y").to_string()
}

fn un_pdf(titre: &str) -> Vec<u8> {
    chorus_documents::DocumentPdf::nouveau("Projet de décompte").titre(titre).produire().unwrap()
}

fn depot<'a>(cadre: &'a str, numero: &'a str, montant: &'a str, moe: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("cadre", cadre),
        ("numero", numero),
        ("date_piece", "22/11/2026"),
        ("destinataire", COMMUNE),
        ("code_service", ""),
        ("numero_engagement", ""),
        ("numero_marche", "2026-TRV-031"),
        ("moe", moe),
        ("valideur", ""),
        ("montant_ht", montant),
        ("taux_tva", "20"),
        ("motif_exoneration", ""),
        ("commentaire", ""),
    ]
}

async fn ouvrir_l_espace(s: &mut Stagiaire) {
    s.get("/structure/espaces").await.assert_statut(StatusCode::OK);
    s.post_form("/structure/espaces", &[("espace", "FACTURES_TRAVAUX")]).await;
    s.post_form("/structure/espaces/abonnement", &[("espace", "FACTURES_TRAVAUX"), ("mode", "MODIFICATION")])
        .await;
}

/// Deposits a projet de décompte and returns the dossier's id.
async fn deposer(s: &mut Stagiaire, cadre: &str, numero: &str, montant: &str) -> String {
    s.get("/factures-de-travaux/deposer").await.assert_statut(StatusCode::OK);
    let r = s.post_fichiers("/factures-de-travaux/deposer", &[("decompte.pdf", &un_pdf(numero))]).await;
    let formulaire = r.location().to_string();
    assert!(formulaire.starts_with("/factures-de-travaux/deposer/"), "{formulaire}");
    let page = s.get(&formulaire).await;
    page.assert_statut(StatusCode::OK);
    // Entrée in a field deposits nothing: the form's default button is a disabled one.
    let champs = &page.corps[page.corps.find(r#"<form class="saisie""#).expect("the deposit form")..];
    let premier = &champs[champs.find("<button").expect("a button")..];
    assert!(premier[..premier.find('>').unwrap()].contains("disabled"), "{}", &premier[..80]);
    let r = s.post_form(&formulaire, &depot(cadre, numero, montant, MOE)).await;
    let lieu = r.location().to_string();
    assert!(lieu.starts_with("/factures-de-travaux/") && !lieu.contains("deposer"), "{lieu} {}", r.extrait());
    lieu.trim_start_matches("/factures-de-travaux/").to_string()
}

async fn avancer(s: &mut Stagiaire, jours: &str) {
    s.post_form("/bac/horloge", &[("jours", jours)]).await.assert_redirige_vers_le_bilan();
}

async fn dossier(s: &mut Stagiaire, id: &str) -> Reponse {
    let r = s.get(&format!("/factures-de-travaux/{id}")).await;
    r.assert_statut(StatusCode::OK);
    r
}

#[tokio::test]
async fn espace_depot_moe_et_moa_joues_montant_admis_et_paiement() {
    let portail = Portail::nouveau();
    let mut s = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;

    // 1. The space is a portal application, closed until the structure opens it and the user
    //    subscribes to it.
    s.get("/facturation").await.assert_contient(r#"href="/factures-de-travaux""#);
    s.get("/factures-de-travaux")
        .await
        .assert_statut(StatusCode::FORBIDDEN)
        .assert_contient("n'est pas ouvert à votre structure");
    s.get("/structure/espaces").await;
    s.post_form("/structure/espaces", &[("espace", "FACTURES_TRAVAUX")]).await;
    s.get("/factures-de-travaux").await.assert_statut(StatusCode::FORBIDDEN).assert_contient("pas abonné");
    s.post_form("/structure/espaces/abonnement", &[("espace", "FACTURES_TRAVAUX"), ("mode", "CONSULTATION")])
        .await;
    s.get("/factures-de-travaux").await.assert_statut(StatusCode::OK).assert_contient("Synthèse");
    s.get("/factures-de-travaux/deposer")
        .await
        .assert_statut(StatusCode::FORBIDDEN)
        .assert_contient("consultation");
    s.post_form("/structure/espaces/abonnement", &[("espace", "FACTURES_TRAVAUX"), ("mode", "MODIFICATION")])
        .await;

    // 2. The fiche d'identité du marché, as a page and a PDF.
    s.get("/factures-de-travaux/marche")
        .await
        .assert_contient("2026-TRV-031")
        .assert_contient(MOE)
        .assert_contient("EJ-2026-0318");
    let pdf = s.telecharger("/factures-de-travaux/marche/1/pdf").await;
    assert_eq!(pdf.statut, StatusCode::OK);
    assert!(pdf.octets.starts_with(b"%PDF"));

    // 3. Deposit: the PDF, then the form; anomalies come back next to their fields.
    let r = s.post_fichiers("/factures-de-travaux/deposer", &[("decompte.pdf", &un_pdf("PD-1"))]).await;
    let formulaire = r.location().to_string();
    s.get(&formulaire)
        .await
        .assert_contient(r#"value="A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR" selected"#)
        .assert_contient(r#"value="2026-TRV-031""#);
    let r = s
        .post_form(&formulaire, &depot("A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR", "PD-1", "12 000,00", ""))
        .await;
    r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY).assert_contient("maîtrise d'œuvre");
    r.assert_contient(r##"href="#moe""##);
    let r = s
        .post_form(&formulaire, &depot("A8_DECOMPTE_GENERAL_DEFINITIF_FOURNISSEUR", "PD-1", "12 000,00", MOE))
        .await;
    r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contient("Déposer la pièce de facturation suivante");
    let r = s
        .post_form(&formulaire, &depot("A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR", "PD-1", "12 000,00", MOE))
        .await;
    let id = r.location().trim_start_matches("/factures-de-travaux/").to_string();
    dossier(&mut s, &id)
        .await
        .assert_contient("Mise à disposition MOE")
        .assert_contient(&format!("jusqu'au <strong>{}</strong> (7 jours)", jour(7)))
        .assert_contient("ATELIER D'ARCHITECTURE SERRE");
    // The dossier is not an invoice of « Factures émises ».
    s.get(&format!("/factures-emises/{id}")).await.assert_redirige(&format!("/factures-de-travaux/{id}"));
    s.get("/factures-emises").await.assert_absent("PD-1");
    // The payment delay runs from the MOE's receipt (today).
    s.get(&format!("/factures-emises/{id}/suivi-paiement"))
        .await
        .assert_contient("Réception par la maîtrise d'œuvre")
        .assert_contient(&format!("la MOE a jusqu'au {}", jour(7)));

    // 4. Playing the MOE: an amount error is not a refusal; the MOE admits 10 000 € HT.
    s.get("/parties").await.assert_contient(r#"href="/moe""#).assert_contient(r#"href="/moa""#);
    s.get("/moe").await.assert_contient(&format!("/moe/{MOE}"));
    let moe = format!("/moe/{MOE}/dossiers/{id}");
    s.get(&moe)
        .await
        .assert_statut(StatusCode::OK)
        .assert_contient("Prendre en compte")
        .assert_contient("Montant HT admis");
    let r = s.post_form(&format!("{moe}/agir"), &[("geste", "refuser"), ("motif", "ERREUR_MONTANT")]).await;
    r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY).assert_contient("n'est pas un motif de refus");
    s.post_form(&format!("{moe}/agir"), &[("geste", "prendre-en-compte")]).await.assert_redirige(&moe);
    s.post_form(
        &format!("{moe}/agir"),
        &[("geste", "transmettre"), ("montant", "10 000,00"), ("destination", "moa")],
    )
    .await
    .assert_redirige(&moe);
    dossier(&mut s, &id)
        .await
        .assert_contient("Mise à disposition MOA")
        .assert_contient("PD-1-EA")
        .assert_contient("10\u{202f}000,00 € HT")
        .assert_contient("diffère du montant demandé");

    // 5. Playing the MOA: it validates the état d'acompte; the service financier receives it.
    let moa = format!("/moa/{COMMUNE}/dossiers/{id}");
    s.get(&moa).await.assert_statut(StatusCode::OK).assert_contient("Valider l'état d'acompte");
    s.post_form(&format!("{moa}/agir"), &[("geste", "valider"), ("montant", "")]).await.assert_redirige(&moa);
    let page = dossier(&mut s, &id).await;
    page.assert_contient("PD-1-EAV").assert_contient("Mise à disposition");
    // The admitted amount (10 000 € HT + 20 % = 12 000 € TTC) is what the buyer pays.
    s.get(&format!("/acheteur/structures/{COMMUNE}"))
        .await
        .assert_contient("PD-1")
        .assert_contient("12\u{202f}000,00");
    let paiement = s.get(&format!("/factures-emises/{id}/suivi-paiement")).await;
    paiement
        .assert_contient("12\u{202f}000,00")
        .assert_contient("Échéance sans suspension")
        .assert_contient(&jour(30))
        .assert_contient("Transmise à la maîtrise d'ouvrage")
        .assert_contient("dans les 7 jours de la MOE");

    // 6. A works piece cannot be keyed in « Factures émises ».
    let saisie = Saisie::valide("PD-2", COMMUNE).avec("cadre", "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR");
    s.get("/factures-emises/saisir").await;
    let r = s.post_form("/factures-emises/saisir", &saisie.champs("envoyer", &[])).await;
    r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contient("elle se dépose dans l'espace « Factures de travaux »");
}

#[tokio::test]
async fn la_moe_silencieuse_laisse_passer_ses_7_jours() {
    let portail = Portail::nouveau();
    let mut s = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    ouvrir_l_espace(&mut s).await;
    // The MOE is the trainee's own structure (a binôme): nobody simulates it, nobody acts.
    s.post_form(
        "/structure/creer",
        &[
            ("type_identifiant", "SIRET"),
            ("identifiant", MOE),
            ("raison_sociale", ""),
            ("adresse", ""),
            ("code_postal", ""),
            ("ville", ""),
        ],
    )
    .await
    .assert_redirige("/");
    travailler_pour_la_premiere(&portail, &mut s).await;
    let id = deposer(&mut s, "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR", "PD-7", "8 000,00").await;
    avancer(&mut s, "7").await;
    dossier(&mut s, &id).await.assert_contient("Mise à disposition MOE");
    avancer(&mut s, "1").await;
    let page = dossier(&mut s, &id).await;
    page.assert_contient("Absence de validation par la MOE dans le délai réglementaire")
        .assert_contient(&format!("entre le {} et le {}", jour(0), jour(7)));
}

/// Switches to the trainee's first (supplier) structure and returns its SIRET.
async fn travailler_pour_la_premiere(portail: &Portail, s: &mut Stagiaire) -> String {
    let identifiant = s.identifiant.clone();
    let (id, siret): (String, String) = portail
        .store()
        .lire(|c| {
            Ok(c.query_row(
                "SELECT s.id, s.identifiant FROM structure s JOIN utilisateur u ON u.bac_id = s.bac_id
                 WHERE u.email = ?1 AND s.identifiant <> ?2 ORDER BY s.rowid LIMIT 1",
                [identifiant.as_str(), MOE],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?)
        })
        .unwrap();
    s.post_form("/mon-compte/structure", &[("structure", id.as_str())]).await.assert_redirige("/");
    siret
}

async fn travailler_pour_la_moe(portail: &Portail, s: &mut Stagiaire) {
    let identifiant = s.identifiant.clone();
    let id: String = portail
        .store()
        .lire(|c| {
            Ok(c.query_row(
                "SELECT s.id FROM structure s JOIN utilisateur u ON u.bac_id = s.bac_id
                 WHERE u.email = ?1 AND s.identifiant = ?2",
                [identifiant.as_str(), MOE],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    s.post_form("/mon-compte/structure", &[("structure", id.as_str())]).await.assert_redirige("/");
}

#[tokio::test]
async fn la_moe_du_stagiaire_demande_un_complement_puis_transmet() {
    let portail = Portail::nouveau();
    let mut s = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    ouvrir_l_espace(&mut s).await;
    s.post_form(
        "/structure/creer",
        &[
            ("type_identifiant", "SIRET"),
            ("identifiant", MOE),
            ("raison_sociale", ""),
            ("adresse", ""),
            ("code_postal", ""),
            ("ville", ""),
        ],
    )
    .await
    .assert_redirige("/");
    // The MOE's structure has its own space and subscription.
    s.get("/factures-de-travaux/a-traiter").await.assert_statut(StatusCode::FORBIDDEN);
    ouvrir_l_espace(&mut s).await;
    travailler_pour_la_premiere(&portail, &mut s).await;
    let id = deposer(&mut s, "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR", "PD-3", "5 000,00").await;
    // A MOE held by a trainee is not offered to play.
    s.get("/moe").await.assert_contient("tenue par un stagiaire du bac");
    s.get(&format!("/moe/{MOE}/dossiers/{id}")).await.assert_statut(StatusCode::NOT_FOUND);

    travailler_pour_la_moe(&portail, &mut s).await;
    s.get("/factures-de-travaux/a-traiter").await.assert_contient("PD-3").assert_contient("(à traiter)");
    let lien = format!("/factures-de-travaux/a-traiter/{id}");
    let r = s.post_form(&format!("{lien}/agir"), &[("geste", "complement"), ("texte", "")]).await;
    r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY).assert_contient("Dites ce qui manque.");
    s.post_form(&format!("{lien}/agir"), &[("geste", "complement"), ("texte", "Joindre l'attachement n° 3")])
        .await
        .assert_redirige(&lien);
    // The MOE's structure is not the supplier: its own dossier pages are not there.
    s.get(&format!("/factures-de-travaux/{id}")).await.assert_statut(StatusCode::NOT_FOUND);

    travailler_pour_la_premiere(&portail, &mut s).await;
    avancer(&mut s, "2").await;
    s.get("/factures-de-travaux").await.assert_contient("PD-3").assert_contient("(à traiter)");
    dossier(&mut s, &id)
        .await
        .assert_contient("Demande de complément")
        .assert_contient("Joindre l'attachement n° 3");
    let csrf = s.csrf.clone().expect("token");
    let (type_contenu, corps) = commun::corps_multipart(
        &[("csrf", &csrf), ("commentaire", "Attachement joint")],
        &[("attachement.pdf", &un_pdf("Attachement 3"))],
    );
    s.post_brut(&format!("/factures-de-travaux/{id}/completer"), &type_contenu, corps)
        .await
        .assert_redirige(&format!("/factures-de-travaux/{id}"));
    // The MOE's 7 days start again from the completion (day 2).
    dossier(&mut s, &id)
        .await
        .assert_contient("Mise à disposition MOE")
        .assert_contient(&format!("jusqu'au <strong>{}</strong> (7 jours)", jour(9)));

    travailler_pour_la_moe(&portail, &mut s).await;
    s.post_form(
        &format!("{lien}/agir"),
        &[("geste", "transmettre"), ("montant", ""), ("destination", "service-financier")],
    )
    .await
    .assert_redirige(&lien);
    s.get(&lien).await.assert_contient("PD-3-EAV").assert_contient("État d'acompte validé");
}

#[tokio::test]
async fn decompte_final_jusqu_au_dgd_depose_par_le_titulaire() {
    let portail = Portail::nouveau();
    let mut s = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    ouvrir_l_espace(&mut s).await;
    let id = deposer(&mut s, "A7_PROJET_DECOMPTE_FINAL_FOURNISSEUR", "PDF-1", "40 000,00").await;
    dossier(&mut s, &id).await.assert_contient(&format!("au plus tard le <strong>{}</strong>", jour(30)));
    // The simulated MOE transmits the projet de décompte général on day 5, the MOA notifies the
    // décompte général 8 days after receiving it.
    avancer(&mut s, "13").await;
    let page = dossier(&mut s, &id).await;
    page.assert_contient("Mise à disposition fournisseur")
        .assert_contient("PDF-1-PDG")
        .assert_contient("PDF-1-DG")
        .assert_contient("Déposer la pièce de facturation suivante")
        .assert_contient(&format!("jusqu'au <strong>{}</strong> (30 jours) pour signer", jour(43)));
    let formulaire = s.get(&format!("/factures-de-travaux/{id}/piece-suivante")).await;
    formulaire
        .assert_contient(r#"value="A8_DECOMPTE_GENERAL_DEFINITIF_FOURNISSEUR""#)
        .assert_contient(r#"value="PDF-1-DGD""#)
        .assert_contient(r#"value="40000,00""#);
    let csrf = s.csrf.clone().expect("token");
    let envoi = |montant: &'static str| {
        commun::corps_multipart(
            &[
                ("csrf", &csrf),
                ("cadre", "A8_DECOMPTE_GENERAL_DEFINITIF_FOURNISSEUR"),
                ("numero", "PDF-1-DGD"),
                ("montant_ht", montant),
                ("commentaire", ""),
            ],
            &[("dgd-signe.pdf", &un_pdf("DGD signé"))],
        )
    };
    let (t, corps) = envoi("41000,00");
    let r = s.post_brut(&format!("/factures-de-travaux/{id}/piece-suivante"), &t, corps).await;
    r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY).assert_contient(r##"href="#montant_ht""##);
    let (t, corps) = envoi("40000,00");
    s.post_brut(&format!("/factures-de-travaux/{id}/piece-suivante"), &t, corps)
        .await
        .assert_redirige(&format!("/factures-de-travaux/{id}"));
    let page = dossier(&mut s, &id).await;
    page.assert_contient("PDF-1-DGD").assert_contient("pièce payable").assert_contient("Mise à disposition");
    // The deposited DGD is the trainee's PDF.
    let lien = commun::lien_de(&page.corps, &format!("/factures-de-travaux/{id}/pieces/")).expect("DGD link");
    let dgd = s.telecharger(&lien).await;
    assert!(dgd.octets.starts_with(b"%PDF"));
    s.get(&format!("/factures-emises/{id}/suivi-paiement"))
        .await
        .assert_contient("réception du décompte général et définitif")
        .assert_contient(&echapper("Décompte général et définitif déposé"));
}

#[tokio::test]
async fn un_dossier_reste_dans_son_bac_et_a_sa_structure() {
    let portail = Portail::nouveau();
    let mut a = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    ouvrir_l_espace(&mut a).await;
    let id = deposer(&mut a, "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR", "PD-9", "1 000,00").await;
    let mut b = Stagiaire::connecte(&portail.app, "formation2@exemple.fr").await;
    ouvrir_l_espace(&mut b).await;
    b.get(&format!("/factures-de-travaux/{id}")).await.assert_statut(StatusCode::NOT_FOUND);
    b.get(&format!("/moe/{MOE}/dossiers/{id}")).await.assert_statut(StatusCode::NOT_FOUND);
    b.get(&format!("/moa/{COMMUNE}/dossiers/{id}")).await.assert_statut(StatusCode::NOT_FOUND);
    b.get("/factures-de-travaux").await.assert_absent("PD-9");
    let r = b.post_form(&format!("/moe/{MOE}/dossiers/{id}/agir"), &[("geste", "prendre-en-compte")]).await;
    r.assert_statut(StatusCode::NOT_FOUND);
    dossier(&mut a, &id).await.assert_contient("Mise à disposition MOE");
}

#[tokio::test]
async fn le_formateur_joue_la_moe_et_la_moa_d_un_stagiaire() {
    let portail = Portail::nouveau();
    let mut anne = commun::Formateur::connecte(&portail, "anne@cma.exemple.fr").await;
    let (classe, code) = anne.creer_classe("pratique_libre").await;
    let marie = commun::rejoindre(&portail.app, &code, "Marie Dupont", "").await;
    let mut marie = marie.nav;
    let bac = portail
        .store()
        .lire(|c| chorus_store::classe::participants(c, &classe))
        .unwrap()
        .into_iter()
        .find(|p| p.rang == 1)
        .unwrap()
        .bac_id;
    // Marie's structure opens the space (as the manager does), then she deposits.
    let structure: String = portail
        .store()
        .lire(|c| Ok(c.query_row("SELECT id FROM structure WHERE bac_id = ?1", [&bac], |r| r.get(0))?))
        .unwrap();
    portail
        .store()
        .ecrire(|tx| {
            chorus_store::travaux::ouvrir_l_espace(
                tx,
                &bac,
                &structure,
                &chorus_store::Horloge::fixe(date_fixe()),
            )
        })
        .unwrap();
    marie.get("/factures-de-travaux/deposer").await.assert_statut(StatusCode::OK);
    let r = marie.post_fichiers("/factures-de-travaux/deposer", &[("decompte.pdf", &un_pdf("PD-M"))]).await;
    let formulaire = r.location().to_string();
    marie.get(&formulaire).await;
    let r = marie
        .post_form(&formulaire, &depot("A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR", "PD-M", "7000", MOE))
        .await;
    let id = r.location().trim_start_matches("/factures-de-travaux/").to_string();

    anne.post_form(
        &format!("/formateur/classes/{classe}/jouer-acheteur"),
        &[("participant", portail.participant_id(&classe, 1))],
    )
    .await
    .assert_redirige("/acheteur");
    anne.get("/moe")
        .await
        .assert_contient("dans le bac à sable de <strong>Marie Dupont</strong>")
        .assert_contient(MOE);
    let moe = format!("/moe/{MOE}/dossiers/{id}");
    anne.post_form(
        &format!("{moe}/agir"),
        &[("geste", "transmettre"), ("montant", "6500"), ("destination", "moa")],
    )
    .await
    .assert_redirige(&moe);
    let moa = format!("/moa/{COMMUNE}/dossiers/{id}");
    anne.post_form(&format!("{moa}/agir"), &[("geste", "valider"), ("montant", "")])
        .await
        .assert_redirige(&moa);
    let page = marie.get(&format!("/factures-de-travaux/{id}")).await;
    page.assert_contient("PD-M-EAV").assert_contient("6\u{202f}500,00 € HT");
    // The journal says who played.
    let joueurs: Vec<String> = portail
        .store()
        .lire(|c| {
            let mut st = c.prepare(
                "SELECT json_extract(donnees, '$.joue_par') FROM journal WHERE bac_id = ?1 AND facture_id = ?2
                 AND acteur IN ('MOE', 'MOA')",
            )?;
            Ok(st
                .query_map([&bac, &id], |r| r.get::<_, Option<String>>(0))?
                .filter_map(|r| r.ok().flatten())
                .collect())
        })
        .unwrap();
    assert!(!joueurs.is_empty() && joueurs.iter().all(|j| j == "FORMATEUR"), "{joueurs:?}");
}

#[tokio::test]
async fn erreur_d_acheminement_signalee_par_la_moe_puis_recyclage() {
    let portail = Portail::nouveau();
    let mut s = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    ouvrir_l_espace(&mut s).await;
    let id = deposer(&mut s, "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR", "PD-R", "3000").await;
    let moe = format!("/moe/{MOE}/dossiers/{id}");
    s.get(&moe).await;
    s.post_form(&format!("{moe}/agir"), &[("geste", "erreur"), ("texte", "Ce chantier n'est pas le nôtre")])
        .await
        .assert_redirige(&moe);
    let page = dossier(&mut s, &id).await;
    page.assert_contient("Refusée par la MOE pour erreur dans les données d'acheminement")
        .assert_contient(&format!("/factures-de-travaux/{id}/recycler"));
    let formulaire = s.get(&format!("/factures-de-travaux/{id}/recycler")).await;
    formulaire.assert_contient("Ce chantier n'est pas le nôtre").assert_contient(r#"name="moe""#);
    // A SIRET that is not an MOE of the register is refused, nothing changes.
    let r = s
        .post_form(
            &format!("/factures-de-travaux/{id}/recycler"),
            &[("moe", "12"), ("destinataire", COMMUNE), ("code_service", ""), ("numero_engagement", "")],
        )
        .await;
    r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY).assert_contient(r##"href="#moe""##);
    dossier(&mut s, &id)
        .await
        .assert_contient("Refusée par la MOE pour erreur dans les données d'acheminement");
    // Sending it back unchanged is refused too.
    let inchange = [("moe", MOE), ("destinataire", COMMUNE), ("code_service", ""), ("numero_engagement", "")];
    let r = s.post_form(&format!("/factures-de-travaux/{id}/recycler"), &inchange).await;
    r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY).assert_contient("Rien n'a changé");
    s.post_form(
        &format!("/factures-de-travaux/{id}/recycler"),
        &[
            ("moe", MOE),
            ("destinataire", COMMUNE),
            ("code_service", "SERVICES_TECHNIQUES"),
            ("numero_engagement", "EJ-2026-0318"),
        ],
    )
    .await
    .assert_redirige(&format!("/factures-de-travaux/{id}"));
    dossier(&mut s, &id).await.assert_contient("Mise à disposition MOE").assert_contient("PD-R");
}
