//! Every shipped scenario played through the portal: once to success, and once with the wrong
//! action, where the objective it guards is shown not met. The scripted buyer acts during
//! clock advances, through the same use case as a trainer playing the buyer.

mod commun;

use axum::http::StatusCode;
use chorus_store::catalogue::{Catalogue, LIVRES};
use commun::{Navigateur, Portail, Reponse, Saisie, Stagiaire, corps_multipart};

const COMMUNE: &str = "21852884200097";
const DEPARTEMENT: &str = "22221733300095";
const HOPITAL: &str = "26236940800063";

async fn commencer(portail: &Portail, id: &str) -> Stagiaire {
    let mut s = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    s.get("/exercices").await.assert_statut(StatusCode::OK).assert_contient(id);
    s.post_form(&format!("/exercices/{id}/commencer"), &[("x", "y")]).await.assert_redirige("/exercice");
    s
}

async fn avancer(s: &mut Stagiaire, jours: u32) {
    s.post_form("/bac/horloge", &[("jours", &jours.to_string())]).await.assert_redirige_vers_le_bilan();
}

/// The exercise page; `atteints` objectives are met, the others not.
async fn objectifs(s: &mut Navigateur, atteints: &[&str], manques: &[&str]) -> Reponse {
    let r = s.get("/exercice?debriefing=1").await;
    r.assert_statut(StatusCode::OK);
    for libelle in atteints {
        r.assert_contient(&format!("✓ {libelle}"));
    }
    for libelle in manques {
        r.assert_contient(&format!("✗ {libelle}"));
    }
    r
}

#[tokio::test]
async fn le_catalogue_livre_est_complet_et_valide() {
    let dossier = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/scenarios");
    let catalogue = Catalogue::depuis_dossier(&dossier);
    assert!(catalogue.refuses().is_empty(), "{:?}", catalogue.refuses());
    let aucun: (Vec<String>, Vec<String>) = (vec![], vec![]);
    assert_eq!(
        chorus_store::fichiers::ecarts_avec_le_dossier(&dossier, LIVRES),
        aucun,
        "every scenario file is compiled into the binary"
    );
    assert_eq!(Catalogue::livre().scenarios().len(), LIVRES.len());
}

#[tokio::test]
async fn premiere_facture_reussie() {
    let portail = Portail::nouveau();
    let mut s = commencer(&portail, "premiere-facture").await;
    let r = s.get("/exercice").await;
    r.assert_contient("Ma première facture à une commune")
        .assert_contient("Score : <strong>0 / 5</strong>")
        .assert_contient("○ Respecté jusqu'ici")
        .assert_contient("Voir l'indice 1 sur 3");
    s.envoyer(&Saisie::valide("EX-1", COMMUNE)).await;
    s.get("/exercice").await.assert_contient("✓ Atteint");
    avancer(&mut s, 30).await;
    let r = s.get("/exercice").await;
    r.assert_contient("Exercice réussi").assert_contient("5 / 5");
}

#[tokio::test]
async fn premiere_facture_laissee_en_brouillon() {
    let portail = Portail::nouveau();
    let mut s = commencer(&portail, "premiere-facture").await;
    s.enregistrer(&Saisie::valide("EX-1", COMMUNE)).await;
    avancer(&mut s, 30).await;
    objectifs(
        &mut s,
        &[],
        &[
            "Envoyer une facture à la commune de Valcombe",
            "Suivre la facture jusqu'à sa mise en paiement",
            "Ne laisser aucune facture en brouillon",
        ],
    )
    .await;
}

#[tokio::test]
async fn rejet_engagement_sans_ej_puis_nouvelle_facture() {
    let portail = Portail::nouveau();
    let mut s = commencer(&portail, "rejet-engagement").await;
    // The purchase order is a document of the exercise, as a PDF.
    s.get("/exercice").await.assert_contient(r#"href="/exercice/documents/1""#);
    let bon = s.telecharger("/exercice/documents/1").await;
    assert_eq!(bon.entete("content-type"), "application/pdf");
    let doc = lopdf::Document::load_mem(&bon.octets).expect("a PDF");
    let texte = doc.extract_text(&doc.get_pages().keys().copied().collect::<Vec<_>>()).expect("text");
    assert!(texte.contains("BC-2026-0147") && texte.contains("COMMUNE DE VALCOMBE"), "{texte}");
    s.get("/exercice/documents/2").await.assert_statut(StatusCode::NOT_FOUND);
    s.get("/exercice/documents/x").await.assert_statut(StatusCode::NOT_FOUND);
    let mut voisin = Stagiaire::connecte(&portail.app, "formation2@exemple.fr").await;
    voisin.get("/exercice/documents/1").await.assert_statut(StatusCode::NOT_FOUND);
    // Wrong action: no EJ. The scripted commune rejects it two days later, with its reason.
    let id = s.envoyer(&Saisie::valide("EX-1", COMMUNE)).await;
    avancer(&mut s, 1).await;
    s.get(&format!("/factures-emises/{id}")).await.assert_absent("Rejetée");
    avancer(&mut s, 1).await;
    let r = s.get(&format!("/factures-emises/{id}")).await;
    r.assert_contient("Rejetée").assert_contient("BC-2026-0147");
    avancer(&mut s, 40).await;
    objectifs(
        &mut s,
        &[],
        &["Envoyer une facture qui porte le numéro du bon de commande", "Obtenir la mise en paiement"],
    )
    .await;
    // The buyer's rejection is the scenario's, in the journal.
    let store = portail.store();
    let joue_par: String = store
        .lire(|c| {
            Ok(c.query_row(
                "SELECT json_extract(donnees, '$.joue_par') FROM journal WHERE statut = 'REJETEE'",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(joue_par, "SCENARIO");

    // A new invoice, new number, with the EJ: paid.
    s.envoyer(&Saisie::valide("EX-2", COMMUNE).avec("numero_engagement", "BC-2026-0147")).await;
    avancer(&mut s, 30).await;
    s.get("/exercice").await.assert_contient("Exercice réussi");
}

#[tokio::test]
async fn mauvais_service_recycle() {
    let portail = Portail::nouveau();
    let mut s = commencer(&portail, "mauvais-service").await;
    let ej = "EJ-CHV-2026-318";
    let id = s.envoyer(&Saisie::valide("EX-1", HOPITAL).avec("numero_engagement", ej)).await;
    avancer(&mut s, 2).await;
    s.get(&format!("/factures-emises/{id}")).await.assert_contient("À recycler").assert_contient("ACHATS");
    objectifs(
        &mut s,
        &[],
        &[
            "Faire parvenir la facture au service",
            "Obtenir la mise en paiement",
            "Ne laisser aucune facture « À recycler »",
        ],
    )
    .await;
    s.post_form(
        &format!("/factures-emises/{id}/recycler"),
        &[
            ("destinataire", HOPITAL),
            ("code_service", "ACHATS"),
            ("numero_engagement", ej),
            ("commentaire", ""),
        ],
    )
    .await
    .assert_redirige(&format!("/factures-emises/{id}"));
    avancer(&mut s, 50).await;
    s.get("/exercice").await.assert_contient("Exercice réussi").assert_contient("5 / 5");
}

#[tokio::test]
async fn mauvais_service_refait_au_lieu_de_recycler() {
    let portail = Portail::nouveau();
    let mut s = commencer(&portail, "mauvais-service").await;
    let ej = "EJ-CHV-2026-318";
    let id = s.envoyer(&Saisie::valide("EX-1", HOPITAL).avec("numero_engagement", ej)).await;
    avancer(&mut s, 2).await;
    // Wrong action: a new invoice to the right service instead of recycling the first one. It
    // is paid, but the objective « recycle, don't redo » fails: the first stays « À recycler ».
    s.get(&format!("/factures-emises/{id}")).await.assert_contient("À recycler");
    let autre = Saisie::valide("EX-2", HOPITAL).avec("numero_engagement", ej).avec("code_service", "ACHATS");
    s.envoyer(&autre).await;
    avancer(&mut s, 50).await;
    objectifs(&mut s, &["Obtenir la mise en paiement"], &["Ne laisser aucune facture « À recycler »"])
        .await
        .assert_absent("Exercice réussi");
}

/// « Envoyer le complément », with one file.
async fn completer(nav: &mut Navigateur, id: &str) {
    let csrf = nav.csrf.clone().expect("a page was read");
    let (type_contenu, corps) = corps_multipart(
        &[("csrf", &csrf), ("commentaire", "Attestation de passage jointe")],
        &[("attestation.pdf", b"%PDF-1.4 attestation")],
    );
    nav.post_brut(&format!("/factures-emises/{id}/completer"), &type_contenu, corps)
        .await
        .assert_redirige(&format!("/factures-emises/{id}"));
}

#[tokio::test]
async fn suspendue_piece_completee() {
    let portail = Portail::nouveau();
    let mut s = commencer(&portail, "suspendue-piece").await;
    let id = s.envoyer(&Saisie::valide("EX-1", DEPARTEMENT).avec("code_service", "DIR_ROUTES")).await;
    avancer(&mut s, 3).await;
    s.ouvrir_dernier("Facture EX-1 suspendue").await.assert_contient("attestation de passage");
    completer(&mut s, &id).await;
    avancer(&mut s, 30).await;
    s.get("/exercice").await.assert_contient("Exercice réussi");
    // The rule played once: the completed invoice was not suspended a second time.
    s.get(&format!("/factures-emises/{id}")).await.assert_contient("Le comptable a lancé le virement");
}

#[tokio::test]
async fn suspendue_piece_jamais_completee() {
    let portail = Portail::nouveau();
    let mut s = commencer(&portail, "suspendue-piece").await;
    s.envoyer(&Saisie::valide("EX-1", DEPARTEMENT).avec("code_service", "DIR_ROUTES")).await;
    avancer(&mut s, 3).await;
    // Wrong action: a new invoice instead of completing the suspended one. The rule suspends
    // the second one too (a scripted buyer is consistent), so nothing is ever paid.
    s.envoyer(&Saisie::valide("EX-2", DEPARTEMENT).avec("code_service", "DIR_ROUTES")).await;
    avancer(&mut s, 60).await;
    objectifs(
        &mut s,
        &[],
        &[
            "Compléter la facture suspendue",
            "Obtenir la mise en paiement",
            "Ne laisser aucune facture suspendue",
        ],
    )
    .await;
}

#[tokio::test]
async fn exercices_cloisonnes_et_proteges() {
    let portail = Portail::nouveau();
    let mut s = commencer(&portail, "suspendue-piece").await;
    s.envoyer(&Saisie::valide("EX-1", DEPARTEMENT).avec("code_service", "DIR_ROUTES")).await;
    // Another trainee's sandbox has no exercise, and the scripted buyer does not act there.
    let mut voisin = Stagiaire::connecte(&portail.app, "formation2@exemple.fr").await;
    voisin.get("/exercice").await.assert_redirige("/exercices");
    let id = voisin.envoyer(&Saisie::valide("V-1", DEPARTEMENT).avec("code_service", "DIR_ROUTES")).await;
    voisin.post_form("/bac/horloge", &[("jours", "5")]).await.assert_redirige_vers_le_bilan();
    voisin.get(&format!("/factures-emises/{id}")).await.assert_absent("Suspendue");
    // Unknown scenario, and no CSRF token.
    voisin
        .post_form("/exercices/inconnu/commencer", &[("x", "y")])
        .await
        .assert_statut(StatusCode::NOT_FOUND);
    voisin
        .post_form_sans_csrf("/exercices/premiere-facture/commencer", &[("x", "y")])
        .await
        .assert_statut(StatusCode::FORBIDDEN);
    // Quitting keeps the invoices.
    s.post_form("/exercice/quitter", &[("x", "y")]).await.assert_redirige("/exercices");
    s.assert_nombre_factures(1).await;
    // Anonymous: to the login page.
    let mut anonyme = Navigateur::new(&portail.app);
    anonyme.get("/exercices").await.assert_redirige("/connexion");
}

#[test]
fn scenario_check_donne_les_lignes_des_erreurs() {
    let dossier = tempfile::tempdir().unwrap();
    let bon = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/scenarios/suspendue-piece.toml");
    let texte = std::fs::read_to_string(&bon).unwrap();
    let mauvais = dossier.path().join("mauvais.toml");
    std::fs::write(&mauvais, texte.replace("action = \"SUSPENDUE\"", "action = \"DEPOSEE\"")).unwrap();
    let sortie = std::process::Command::new(env!("CARGO_BIN_EXE_chorus-sandbox"))
        .args(["scenario", "check"])
        .arg(&bon)
        .arg(&mauvais)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&sortie.stdout);
    assert!(!sortie.status.success());
    assert!(stdout.contains("suspendue-piece.toml : correct"), "{stdout}");
    let ligne = texte.lines().position(|l| l.starts_with("[[acheteur]]")).unwrap() + 1;
    assert!(
        stdout.contains(&format!("mauvais.toml:{ligne}: règle de l'acheteur n° 1 : l'action « DEPOSEE »")),
        "{stdout}"
    );
    assert!(String::from_utf8_lossy(&sortie.stderr).contains("1 fichier(s) de scénario à corriger"));
}

#[test]
fn le_catalogue_relit_un_fichier_modifie_sans_redemarrer() {
    let dossier = tempfile::tempdir().unwrap();
    let texte = LIVRES[0].1;
    std::fs::write(dossier.path().join("a.toml"), texte).unwrap();
    let catalogue = Catalogue::depuis_dossier(dossier.path());
    assert_eq!(catalogue.scenarios().len(), 1);
    let titre = &catalogue.scenarios()[0].titre.clone();
    // A changed title (and size) is seen at the next read; a broken file is reported, not served.
    std::fs::write(
        dossier.path().join("a.toml"),
        texte.replace(titre.as_str(), "Titre modifié pendant la séance"),
    )
    .unwrap();
    std::fs::write(dossier.path().join("b.toml"), "id = \"b\"\ntitre = 3\n").unwrap();
    assert_eq!(catalogue.scenarios()[0].titre, "Titre modifié pendant la séance");
    let refuses = catalogue.refuses();
    assert_eq!(refuses.len(), 1);
    assert_eq!((refuses[0].fichier.as_str(), refuses[0].defauts[0].ligne), ("b.toml", 2));
}

/// The trainer launches one exercise for the whole class: every sandbox starts it, the
/// scripted buyer plays there, a latecomer gets it; another trainer cannot touch the class.
#[tokio::test]
async fn exercice_lance_pour_toute_la_classe() {
    let portail = Portail::nouveau();
    let mut f = commun::Formateur::connecte(&portail, "animatrice@cma.exemple").await;
    let (classe, code) = f.creer_classe("pratique_libre").await;
    let mut alice = commun::rejoindre(&portail.app, &code, "Alice Roux", "").await.nav;
    alice.get("/exercice").await.assert_redirige("/exercices");
    // A draft made before the exercise is wiped when it starts.
    alice.get("/factures-emises/saisir").await;
    alice
        .post_form("/factures-emises/saisir", &Saisie::valide("AVANT-1", COMMUNE).champs("enregistrer", &[]))
        .await;

    let chemin = format!("/formateur/classes/{classe}");
    f.get(&chemin).await.assert_contient("Exercice pour toute la classe").assert_contient("suspendue-piece");
    let r = f.post_form(&format!("{chemin}/exercice"), &[("scenario", "suspendue-piece")]).await;
    r.assert_statut(StatusCode::OK)
        .assert_contient("Exercice « Il manque une pièce : facture suspendue » lancé dans 1 bac(s) à sable.")
        .assert_contient("En cours : <strong>Il manque une pièce : facture suspendue</strong>");
    alice.get("/exercice").await.assert_contient("Il manque une pièce : facture suspendue");
    alice.get("/factures-emises").await.assert_absent("AVANT-1");

    // A latecomer starts the same exercise; the scripted buyer suspends her invoice.
    let mut bruno = commun::rejoindre(&portail.app, &code, "Bruno Sarda", "").await.nav;
    bruno.get("/exercice").await.assert_contient("Il manque une pièce : facture suspendue");
    bruno.get("/factures-emises/saisir").await;
    let saisie = Saisie::valide("B-1", DEPARTEMENT).avec("code_service", "DIR_ROUTES");
    bruno.post_form("/factures-emises/saisir", &saisie.champs("envoyer", &[("confirme", "oui")])).await;
    f.post_form(&format!("{chemin}/horloge"), &[("jours", "3")]).await.assert_statut(StatusCode::OK);
    bruno.get("/factures-emises?statut=SUSPENDUE").await.assert_contient("B-1");

    // Unknown exercise: a French 400; another trainer: 404, and nothing changes.
    f.post_form(&format!("{chemin}/exercice"), &[("scenario", "inconnu")])
        .await
        .assert_statut(StatusCode::BAD_REQUEST)
        .assert_contient("n'existe pas");
    let mut autre = commun::Formateur::connecte(&portail, "autre@cma.exemple").await;
    autre
        .post_form(&format!("{chemin}/exercice"), &[("scenario", "")])
        .await
        .assert_statut(StatusCode::NOT_FOUND);
    alice.get("/exercice").await.assert_statut(StatusCode::OK);

    // Stopped for everyone; the invoices stay.
    let r = f.post_form(&format!("{chemin}/exercice"), &[("scenario", "")]).await;
    r.assert_contient("Exercice arrêté dans 2 bac(s) à sable");
    bruno.get("/exercice").await.assert_redirige("/exercices");
    bruno.get("/factures-emises").await.assert_contient("B-1");
}

// ---------------------------------------------------------------------------------------------
// Questions, starting invoices and messages
// ---------------------------------------------------------------------------------------------

const EHPAD: &str = "26949711100048";
const RECTORAT: &str = "17440942500066";
const COLLEGE: &str = "19078401700013";

async fn repondre(s: &mut Navigateur, objectif: &str, reponse: &str) {
    s.get("/exercice").await;
    s.post_form("/exercice/repondre", &[("objectif", objectif), ("reponse", reponse)])
        .await
        .assert_redirige("/exercice#objectifs");
}

/// The id of the first invoice linked from a page.
fn premiere_facture(page: &str) -> String {
    page.split("href=\"/factures-emises/")
        .skip(1)
        .find_map(|suite| suite.get(..36).filter(|id| uuid::Uuid::parse_str(id).is_ok()))
        .expect("an invoice link")
        .to_string()
}

/// The id of the newest message with this subject.
async fn message(s: &mut Navigateur, objet: &str) -> i64 {
    s.boite().await.into_iter().find(|m| m.objet == objet).unwrap_or_else(|| panic!("« {objet} »")).id
}

#[tokio::test]
async fn annuaire_obligations() {
    let portail = Portail::nouveau();
    let mut s = commencer(&portail, "annuaire-obligations").await;
    // The portal itself refuses the invoice without EJ: that is what the annuaire warned of.
    s.envoi_refuse(&Saisie::valide("R-1", RECTORAT).avec("code_service", "DSI"), "engagement").await;
    repondre(&mut s, "delai", "50").await;
    objectifs(
        &mut s,
        &[],
        &[
            "Déterminer le délai légal de paiement du rectorat",
            "Adresser la facture au service",
            "Indiquer le numéro d'engagement juridique",
        ],
    )
    .await;
    repondre(&mut s, "delai", "30 jours").await;
    s.envoyer(
        &Saisie::valide("R-1", RECTORAT).avec("code_service", "DSI").avec("numero_engagement", "2100045871"),
    )
    .await;
    let r = s.get("/exercice").await;
    r.assert_contient("Exercice réussi").assert_contient("(2 essais)");
}

#[tokio::test]
async fn avoir_sur_une_facture_envoyee() {
    let portail = Portail::nouveau();
    let mut s = commencer(&portail, "avoir").await;
    let r = s.get("/factures-emises").await;
    r.assert_contient("FA-2026-090").assert_contient("Mise à disposition");
    // Wrong: a second invoice instead of a credit note.
    s.envoyer(&Saisie::valide("FA-2026-091", COMMUNE)).await;
    repondre(&mut s, "montant", "192").await;
    objectifs(&mut s, &[], &["Envoyer un avoir à la commune", "Calculer le montant de l'avoir"]).await;
    let avoir = Saisie::valide("AV-2026-001", COMMUNE)
        .avec("type_facture", "AVOIR")
        .avec("numero_facture_origine", "FA-2026-090")
        .ligne1("quantite", "2")
        .ligne1("prix_unitaire_ht", "80");
    // A credit note saved but not sent does not count, and leaves a draft behind.
    s.enregistrer(&avoir).await;
    objectifs(
        &mut s,
        &[],
        &["Envoyer un avoir à la commune", "Envoyer l'avoir, pas seulement l'enregistrer"],
    )
    .await;
    let brouillon = premiere_facture(&s.get("/factures-emises?statut=BROUILLON").await.corps);
    s.get(&format!("/factures-emises/{brouillon}/envoyer")).await.assert_statut(StatusCode::OK);
    s.post_form(&format!("/factures-emises/{brouillon}/envoyer"), &[("confirme", "oui")])
        .await
        .assert_redirige(&format!("/factures-emises/{brouillon}"));
    repondre(&mut s, "montant", "160,00").await;
    s.get("/exercice").await.assert_contient("Exercice réussi");
}

#[tokio::test]
async fn brouillon_oublie() {
    let portail = Portail::nouveau();
    let mut s = commencer(&portail, "brouillon-oublie").await;
    let r = s.get("/factures-emises?statut=BROUILLON").await;
    r.assert_contient("FA-2026-077");
    // Nothing done yet: every objective is still to do, none shown as failed.
    s.get("/exercice").await.assert_contient("○ À faire").assert_absent("✗");
    repondre(&mut s, "pourquoi", "3").await;
    // The answer is echoed in its own words, not as the option's rank.
    s.get("/exercice")
        .await
        .assert_contient("Votre réponse : « Chorus Pro met trois semaines à acheminer une facture »");
    objectifs(&mut s, &[], &["Faire parvenir la facture à l'EHPAD", "Comprendre ce qui s'est passé"])
        .await
        .assert_contient("✗ Ne laisser aucune facture en brouillon");
    let id = premiere_facture(&s.get("/factures-emises?statut=BROUILLON").await.corps);
    s.get(&format!("/factures-emises/{id}/envoyer")).await.assert_statut(StatusCode::OK);
    s.post_form(&format!("/factures-emises/{id}/envoyer"), &[("confirme", "oui")])
        .await
        .assert_redirige(&format!("/factures-emises/{id}"));
    repondre(&mut s, "pourquoi", "1").await;
    s.get("/exercice").await.assert_contient("Exercice réussi");
    s.get(&format!("/factures-emises/{id}")).await.assert_contient(EHPAD);
}

#[tokio::test]
async fn retard_et_interets_moratoires() {
    let portail = Portail::nouveau();
    let mut s = commencer(&portail, "retard-interets").await;
    avancer(&mut s, 30).await;
    let id = premiere_facture(&s.get("/factures-emises").await.corps);
    s.get(&format!("/factures-emises/{id}")).await.assert_absent("Mise en paiement");
    objectifs(&mut s, &[], &["Suivre la facture jusqu'à sa mise en paiement"]).await;
    avancer(&mut s, 10).await;
    // The scripted commune paid on day 39: 9 days late. The figure is the portal's own.
    let suivi = s.get(&format!("/factures-emises/{id}/suivi-paiement")).await;
    suivi.assert_contient("9 jours");
    let store = portail.store();
    let interets = store
        .lire(|c| {
            let bac: String = c.query_row("SELECT bac_id FROM facture WHERE id = ?1", [&id], |r| r.get(0))?;
            chorus_store::scenario::faits(c, &bac, &chorus_store::Horloge::fixe(commun::date_fixe()))
        })
        .unwrap()
        .interets_moratoires;
    assert_eq!(interets.len(), 1);
    repondre(&mut s, "jours", "39").await;
    repondre(&mut s, "interets", "40").await;
    repondre(&mut s, "indemnite", "3").await;
    objectifs(
        &mut s,
        &["Suivre la facture jusqu'à sa mise en paiement"],
        &[
            "Compter les jours de retard",
            "Calculer les intérêts moratoires",
            "Connaître l'indemnité forfaitaire",
        ],
    )
    .await;
    repondre(&mut s, "jours", "9").await;
    repondre(&mut s, "interets", &interets[0].to_string().replace('.', ",")).await;
    repondre(&mut s, "indemnite", "1").await;
    s.get("/exercice").await.assert_contient("Exercice réussi");
}

#[tokio::test]
async fn hopital_et_ehpad() {
    let portail = Portail::nouveau();
    let mut s = commencer(&portail, "hopital-ehpad-delais").await;
    repondre(&mut s, "delai-hopital", "30").await;
    objectifs(
        &mut s,
        &[],
        &[
            "Envoyer la facture du centre hospitalier",
            "Envoyer la facture de l'EHPAD",
            "Délai de paiement du centre hospitalier",
        ],
    )
    .await;
    s.envoyer(&Saisie::valide("H-1", HOPITAL).avec("numero_engagement", "EJ-CHV-2026-410")).await;
    s.envoyer(&Saisie::valide("E-1", EHPAD).avec("numero_engagement", "BC-GENT-2026-31")).await;
    repondre(&mut s, "delai-hopital", "50").await;
    // The classic mistake: an EHPAD is not a health establishment.
    repondre(&mut s, "delai-ehpad", "50").await;
    objectifs(&mut s, &["Délai de paiement du centre hospitalier"], &["Délai de paiement de l'EHPAD public"])
        .await;
    repondre(&mut s, "delai-ehpad", "30").await;
    s.get("/exercice").await.assert_contient("Exercice réussi");
}

#[tokio::test]
async fn college_sans_mise_en_paiement() {
    let portail = Portail::nouveau();
    let mut s = commencer(&portail, "college-mise-en-paiement").await;
    let id = s.envoyer(&Saisie::valide("C-1", COLLEGE)).await;
    avancer(&mut s, 5).await;
    objectifs(&mut s, &[], &["Suivre la facture jusqu'à son dernier statut"]).await;
    avancer(&mut s, 55).await;
    let r = s.get(&format!("/factures-emises/{id}")).await;
    r.assert_contient("Comptabilisée").assert_absent("Le comptable a lancé le virement");
    repondre(&mut s, "pourquoi", "2").await;
    objectifs(&mut s, &["Suivre la facture jusqu'à son dernier statut"], &["Comprendre pourquoi"]).await;
    repondre(&mut s, "pourquoi", "1").await;
    s.get("/exercice").await.assert_contient("Exercice réussi");
}

#[tokio::test]
async fn hameconnage_signale_sans_cliquer() {
    let portail = Portail::nouveau();
    let mut s = commencer(&portail, "hameconnage").await;
    let objet = "Action requise : votre compte Chorus Pro sera suspendu sous 24 h";
    let m = message(&mut s, objet).await;
    let r = s.ouvrir_dernier(objet).await;
    r.assert_contient("securite@chorus-pro-gouv.info").assert_contient("Signaler comme frauduleux");
    // Reporting needs the CSRF token; then it is noted.
    s.post_form_sans_csrf(&format!("/messagerie/{m}/signaler"), &[("x", "y")])
        .await
        .assert_statut(StatusCode::FORBIDDEN);
    s.post_form(&format!("/messagerie/{m}/signaler"), &[("x", "y")])
        .await
        .assert_redirige(&format!("/messagerie/{m}"));
    s.get(&format!("/messagerie/{m}"))
        .await
        .assert_contient("Vous avez signalé ce message comme frauduleux.");
    repondre(&mut s, "indice", "2").await;
    objectifs(&mut s, &["Signaler le message frauduleux"], &["Reconnaître le signe qui ne trompe pas"]).await;
    repondre(&mut s, "indice", "1").await;
    s.get("/exercice").await.assert_contient("Exercice réussi").assert_contient("5 / 5");
}

#[tokio::test]
async fn hameconnage_lien_suivi() {
    let portail = Portail::nouveau();
    let mut s = commencer(&portail, "hameconnage").await;
    let m = message(&mut s, "Action requise : votre compte Chorus Pro sera suspendu sous 24 h").await;
    s.get(&format!("/messagerie/{m}/lien"))
        .await
        .assert_statut(StatusCode::OK)
        .assert_contient("Ce lien était un piège");
    objectifs(&mut s, &[], &["Signaler le message frauduleux"])
        .await
        .assert_contient("✗ Ne pas suivre le lien du message");
    // An ordinary message has no trap link; another trainee cannot reach this one.
    let mut voisin = Stagiaire::connecte(&portail.app, "formation2@exemple.fr").await;
    voisin.get(&format!("/messagerie/{m}/lien")).await.assert_statut(StatusCode::NOT_FOUND);
    voisin
        .post_form(&format!("/messagerie/{m}/signaler"), &[("x", "y")])
        .await
        .assert_statut(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn mot_de_passe_demande_par_un_collegue() {
    let portail = Portail::nouveau();
    let mut s = commencer(&portail, "mot-de-passe-collegue").await;
    s.ouvrir_dernier("Tes codes Chorus Pro pendant tes congés ?")
        .await
        .assert_contient("julien.vidal@entreprise.exemple");
    repondre(&mut s, "reponse", "1").await;
    repondre(&mut s, "qui", "3").await;
    objectifs(&mut s, &[], &["Répondre à Julien", "Savoir qui donne l'accès à Julien"]).await;
    repondre(&mut s, "qui", "1").await;
    objectifs(&mut s, &["Savoir qui donne l'accès à Julien"], &["Répondre à Julien"]).await;
    repondre(&mut s, "reponse", "2").await;
    s.get("/exercice").await.assert_contient("Exercice réussi");
    // Bad answers: unknown question, empty, too long — French 4xx, nothing saved.
    s.post_form("/exercice/repondre", &[("objectif", "inconnu"), ("reponse", "1")])
        .await
        .assert_statut(StatusCode::NOT_FOUND);
    s.post_form("/exercice/repondre", &[("objectif", "qui"), ("reponse", "  ")])
        .await
        .assert_statut(StatusCode::BAD_REQUEST)
        .assert_contient("Donnez une réponse");
    s.post_form("/exercice/repondre", &[("objectif", "qui"), ("reponse", &"x".repeat(201))])
        .await
        .assert_statut(StatusCode::BAD_REQUEST);
    s.get("/exercice").await.assert_contient("Exercice réussi");
}

/// A class that starts by creating accounts: the trainer launches the exercise, the trainee
/// creates account and structure, then answers.
#[tokio::test]
async fn creer_son_compte_et_sa_structure_en_classe() {
    let portail = Portail::nouveau();
    let mut f = commun::Formateur::connecte(&portail, "animatrice@cma.exemple").await;
    let (classe, code) = f.creer_classe("creation_du_compte").await;
    let chemin = format!("/formateur/classes/{classe}");
    f.post_form(&format!("{chemin}/double-authentification"), &[("active", "non")]).await;
    let mut marie = commun::rejoindre(&portail.app, &code, "Marie Dupont", "").await.nav;
    f.post_form(&format!("{chemin}/exercice"), &[("scenario", "creer-compte-structure")])
        .await
        .assert_contient("lancé dans 1 bac(s) à sable");
    // Not offered in the self-study catalogue: it starts without an account.
    compte_et_connexion(&mut marie, "marie@plomberie.exemple").await;
    // Without a structure the portal sends her to create it: the objective is not met yet.
    assert_eq!(objectifs_atteints(&portail, "Marie Dupont"), vec![false, false]);
    marie
        .post_form("/structure/creer", &[("type_identifiant", "SIRET"), ("identifiant", "92391234900068")])
        .await
        .assert_redirige("/");
    marie.get("/exercices").await.assert_absent("creer-compte-structure");
    repondre(&mut marie, "gestionnaire", "2").await;
    objectifs(&mut marie, &["Créer la structure de votre entreprise"], &["Savoir qui gère la structure"])
        .await;
    repondre(&mut marie, "gestionnaire", "1").await;
    marie.get("/exercice").await.assert_contient("Exercice réussi");
}

#[tokio::test]
async fn rejoindre_la_structure_de_l_entreprise_en_classe() {
    let portail = Portail::nouveau();
    let mut f = commun::Formateur::connecte(&portail, "animatrice@cma.exemple").await;
    let (classe, code) = f.creer_classe("creation_du_compte").await;
    let chemin = format!("/formateur/classes/{classe}");
    f.post_form(&format!("{chemin}/double-authentification"), &[("active", "non")]).await;
    f.post_form(&format!("{chemin}/exercice"), &[("scenario", "rejoindre-structure")]).await;
    let mut paul = commun::rejoindre(&portail.app, &code, "Paul Martin", "").await.nav;
    compte_et_connexion(&mut paul, "paul@albouy.exemple").await;
    let existe = paul
        .post_form("/structure/creer", &[("type_identifiant", "SIRET"), ("identifiant", "98049212800023")])
        .await;
    existe.assert_statut(StatusCode::UNPROCESSABLE_ENTITY).assert_contient("Demander le rattachement");
    let debut = existe.corps.find("name=\"structure\" value=\"").expect("structure id") + 24;
    let sid = existe.corps[debut..debut + 36].to_string();
    paul.post_form("/structure/rattacher", &[("structure", sid.as_str())])
        .await
        .assert_statut(StatusCode::OK);
    // Before the simulated manager answers, the objective is not met.
    assert_eq!(objectifs_atteints(&portail, "Paul Martin"), vec![false, false]);
    f.post_form(&format!("{chemin}/horloge"), &[("jours", "5")]).await.assert_statut(StatusCode::OK);
    assert_eq!(objectifs_atteints(&portail, "Paul Martin"), vec![true, false]);
    repondre(&mut paul, "qui-valide", "1").await;
    paul.get("/exercice").await.assert_contient("Exercice réussi");
}

/// Creates the account on this station, activates it, and logs in (two-step login off).
async fn compte_et_connexion(nav: &mut Navigateur, email: &str) {
    const MDP: &str = "Tournesol-Bleu-42!";
    nav.get("/compte/creer").await.assert_statut(StatusCode::OK);
    nav.post_form(
        "/compte/creer",
        &[
            ("email_connexion", email),
            ("nom", "Dupont"),
            ("prenom", "Marie"),
            ("telephone", ""),
            ("email_contact", ""),
        ],
    )
    .await
    .assert_statut(StatusCode::OK);
    let m = nav.ouvrir_dernier("Activez votre compte").await;
    let lien = commun::lien_de(&m.corps, "/compte/activer/").expect("activation link");
    nav.get(&lien).await.assert_statut(StatusCode::OK);
    nav.post_form(&lien, &[("mot_de_passe", MDP), ("confirmation", MDP)]).await.assert_statut(StatusCode::OK);
    nav.get("/connexion").await.assert_statut(StatusCode::OK);
    nav.post_form("/connexion", &[("identifiant", email), ("mot_de_passe", MDP)]).await.assert_redirige("/");
}

// ---------------------------------------------------------------------------------------------
// Modes and progress
// ---------------------------------------------------------------------------------------------

async fn commencer_en(portail: &Portail, id: &str, mode: &str) -> Stagiaire {
    let mut s = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    s.get("/exercices").await.assert_statut(StatusCode::OK);
    s.post_form(&format!("/exercices/{id}/commencer"), &[("mode", mode)]).await.assert_redirige("/exercice");
    s
}

#[tokio::test]
async fn decouverte_montre_l_etape_en_cours_et_ses_indices() {
    let portail = Portail::nouveau();
    let mut s = commencer_en(&portail, "premiere-facture", "decouverte").await;
    let r = s.get("/exercice").await;
    r.assert_contient("Découverte (pas à pas)")
        .assert_contient("➜ Étape en cours")
        .assert_contient("Indice 3 : </strong>SIRET 21852884200097");
    s.envoyer(&Saisie::valide("D-1", COMMUNE)).await;
    // The next step is now the payment.
    let r = s.get("/exercice").await;
    r.assert_contient("➜ Étape en cours</span> Suivre la facture");
}

#[tokio::test]
async fn entrainement_indices_a_la_demande_et_progression_gardee() {
    let portail = Portail::nouveau();
    let mut s = commencer_en(&portail, "premiere-facture", "entrainement").await;
    s.get("/exercice").await.assert_absent("Indice 1 : ");
    s.post_form("/exercice/indice", &[("objectif", "envoyee")]).await.assert_redirige("/exercice#objectifs");
    let r = s.get("/exercice").await;
    r.assert_contient("Indice 1 : ").assert_contient("Voir l'indice 2 sur 3").assert_absent("Indice 2 : ");
    for _ in 0..5 {
        s.post_form("/exercice/indice", &[("objectif", "envoyee")]).await;
    }
    s.get("/exercice")
        .await
        .assert_contient("Indice 3 : ")
        .assert_absent(r#"name="objectif" value="envoyee"><button"#);
    s.post_form("/exercice/indice", &[("objectif", "inconnu")]).await.assert_statut(StatusCode::NOT_FOUND);
    s.envoyer(&Saisie::valide("E-1", COMMUNE)).await;
    avancer(&mut s, 30).await;
    s.get("/exercice").await.assert_contient("Exercice réussi");
    // Another exercise empties the sandbox, but the progress stays, also after a restart.
    s.post_form("/exercices/hameconnage/commencer", &[("mode", "entrainement")]).await;
    s.assert_nombre_factures(0).await;
    let apres = portail.avec_horloge(chorus_store::Horloge::fixe(commun::date_fixe()));
    let mut s = Stagiaire::connecte(&apres, "formation1@exemple.fr").await;
    let r = s.get("/exercices").await;
    let proposes = r.corps.matches(r#"<tr id="exercice-"#).count();
    assert!(proposes >= 12, "{proposes} exercises listed");
    r.assert_contient("✓ Entraînement : 5/5")
        .assert_contient(&format!("1 exercice(s) réussi(s) sur {proposes}"));
    s.get("/")
        .await
        .assert_contient("Exercice en cours : <strong>Un message urgent de « Chorus Pro »</strong>");
    let store = portail.store();
    let atteints: i64 = store
        .lire(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM progression_objectif WHERE scenario = 'premiere-facture'",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(atteints, 3);
}

#[tokio::test]
async fn evaluation_sans_indice_une_reponse_resultat_a_la_fin() {
    let portail = Portail::nouveau();
    let mut s = commencer_en(&portail, "hopital-ehpad-delais", "evaluation").await;
    let r = s.get("/exercice").await;
    r.assert_contient("Évaluation (mise en situation, sans indice)")
        .assert_absent("Voir l'indice")
        .assert_absent("Score :")
        .assert_contient("Terminer l'évaluation");
    s.post_form("/exercice/indice", &[("objectif", "delai-ehpad")])
        .await
        .assert_statut(StatusCode::CONFLICT)
        .assert_contient("Pas d'indice en évaluation");
    s.envoyer(&Saisie::valide("H-1", HOPITAL).avec("numero_engagement", "EJ-CHV-2026-410")).await;
    repondre(&mut s, "delai-hopital", "50").await;
    repondre(&mut s, "delai-ehpad", "50").await;
    // One answer per question, and no verdict before the end.
    s.post_form("/exercice/repondre", &[("objectif", "delai-ehpad"), ("reponse", "30")])
        .await
        .assert_statut(StatusCode::CONFLICT)
        .assert_contient("une fois à chaque question");
    s.get("/exercice").await.assert_absent("✓").assert_absent("Débriefing");
    s.post_form("/exercice/terminer", &[("x", "y")]).await.assert_redirige("/exercice#debriefing");
    let r = s.get("/exercice").await;
    r.assert_contient("Score : <strong>3 / 6</strong>")
        .assert_contient("✗ Délai de paiement de l'EHPAD public")
        .assert_contient("✗ Envoyer la facture de l'EHPAD")
        .assert_contient("R2192-10");
    // Frozen: nothing changes the result any more.
    s.post_form("/exercice/terminer", &[("x", "y")]).await.assert_statut(StatusCode::CONFLICT);
    s.post_form("/exercice/repondre", &[("objectif", "delai-ehpad"), ("reponse", "30")])
        .await
        .assert_statut(StatusCode::CONFLICT);
    s.get("/exercices").await.assert_contient("Évaluation : 3/6");
    s.post_form("/exercices/hameconnage/commencer", &[("mode", "examen")])
        .await
        .assert_statut(StatusCode::BAD_REQUEST);
}

/// Which objectives a class trainee has met, read from the store (a trainee without a
/// structure yet cannot open the exercise page).
fn objectifs_atteints(portail: &Portail, nom: &str) -> Vec<bool> {
    let horloge = chorus_store::Horloge::fixe(commun::date_fixe());
    portail
        .store()
        .lire(|c| {
            let bac: String =
                c.query_row("SELECT bac_id FROM participant WHERE nom = ?1", [nom], |r| r.get(0))?;
            let s = chorus_store::scenario::en_cours(c, &bac)?.expect("an exercise");
            let faits = chorus_store::scenario::faits(c, &bac, &horloge)?;
            Ok(s.evaluer(&faits).objectifs.iter().map(|e| e.atteint()).collect())
        })
        .expect("read")
}

/// In a class that starts by creating accounts, resetting the class erases the accounts; the
/// trainee's progress stays with them for the end-of-course documents.
#[tokio::test]
async fn la_progression_survit_a_la_remise_a_zero_de_la_classe() {
    let portail = Portail::nouveau();
    let mut f = commun::Formateur::connecte(&portail, "animatrice@cma.exemple").await;
    let (classe, code) = f.creer_classe("creation_du_compte").await;
    let chemin = format!("/formateur/classes/{classe}");
    f.post_form(&format!("{chemin}/double-authentification"), &[("active", "non")]).await;
    f.post_form(&format!("{chemin}/exercice"), &[("scenario", "creer-compte-structure")]).await;
    let mut marie = commun::rejoindre(&portail.app, &code, "Marie Dupont", "").await.nav;
    compte_et_connexion(&mut marie, "marie@plomberie.exemple").await;
    marie
        .post_form("/structure/creer", &[("type_identifiant", "SIRET"), ("identifiant", "92391234900068")])
        .await
        .assert_redirige("/");
    repondre(&mut marie, "gestionnaire", "1").await;
    marie.get("/exercice").await.assert_contient("Exercice réussi");

    f.post_form(&format!("{chemin}/reinitialiser"), &[("x", "")]).await.assert_statut(StatusCode::OK);
    marie.get("/compte/creer").await.assert_statut(StatusCode::OK);
    let csv = f.telecharger(&format!("{chemin}/resultats.csv")).await;
    let csv = String::from_utf8(csv.octets).expect("UTF-8");
    assert!(csv.contains("Créer son compte et sa structure"), "{csv}");
}

/// BATIMENTS DU CAUSSE SAS, titulaire of the school contract in the sub-contracting exercises.
const TITULAIRE: &str = "62211306600055";

fn sous_traitance(numero: &str, valideur: &str, prix: &str) -> Saisie {
    Saisie::valide(numero, COMMUNE)
        .avec("cadre", "A9_FACTURE_SOUSTRAITANT")
        .avec("code_structure_valideur", valideur)
        .ligne1("quantite", "1")
        .ligne1("prix_unitaire_ht", prix)
}

#[tokio::test]
async fn sous_traitant_paiement_direct_reussi() {
    let portail = Portail::nouveau();
    let mut s = commencer(&portail, "sous-traitant-paiement-direct").await;
    s.get("/exercice").await.assert_contient("Acte spécial de sous-traitance");
    s.envoyer(&sous_traitance("ST-EX-1", TITULAIRE, "3500")).await;
    repondre(&mut s, "quinze-jours", "2").await;
    avancer(&mut s, 5).await;
    objectifs(&mut s, &["Obtenir l'accord du titulaire"], &["Être payé par la commune"]).await;
    avancer(&mut s, 30).await;
    s.get("/exercice").await.assert_contient("Exercice réussi");
}

#[tokio::test]
async fn sous_traitant_qui_designe_le_maitre_d_oeuvre() {
    let portail = Portail::nouveau();
    let mut s = commencer(&portail, "sous-traitant-paiement-direct").await;
    // The architect (maître d'œuvre) is not the validator: it says so after two days.
    let id = s.envoyer(&sous_traitance("ST-EX-1", "49228449200070", "3500")).await;
    avancer(&mut s, 2).await;
    s.post_form(
        &format!("/factures-emises/{id}/corriger-valideur"),
        &[("code_structure_valideur", TITULAIRE)],
    )
    .await
    .assert_redirige(&format!("/factures-emises/{id}"));
    avancer(&mut s, 40).await;
    objectifs(
        &mut s,
        &[
            "Déposer la facture en sous-traitant (cadre A9), avec le titulaire comme valideur",
            "Être payé par la commune",
        ],
        &["Désigner le bon valideur du premier coup"],
    )
    .await;
}

#[tokio::test]
async fn titulaire_silencieux_validation_tacite() {
    let portail = Portail::nouveau();
    let mut s = commencer(&portail, "titulaire-silencieux").await;
    let id = s.envoyer(&sous_traitance("ST-EX-2", TITULAIRE, "1800")).await;
    avancer(&mut s, 15).await;
    s.get(&format!("/factures-emises/{id}")).await.assert_contient("Mise à disposition du premier valideur");
    avancer(&mut s, 1).await;
    s.get(&format!("/factures-emises/{id}")).await.assert_contient("Validation 1 hors délai");
    repondre(&mut s, "depart-delai", "2").await;
    s.get(&format!("/factures-emises/{id}/suivi-paiement"))
        .await
        .assert_contient("fin des 15 jours laissés au titulaire");
    avancer(&mut s, 30).await;
    s.get("/exercice").await.assert_contient("Exercice réussi");
}

#[tokio::test]
async fn refus_du_titulaire_puis_nouvelle_facture() {
    let portail = Portail::nouveau();
    let mut s = commencer(&portail, "refus-du-titulaire").await;
    // The exercise starts with ST-REF-1 waiting for the titulaire, who refuses it two days later.
    s.assert_nombre_factures(1)
        .await
        .assert_contient("ST-REF-1")
        .assert_contient("Mise à disposition du premier valideur");
    avancer(&mut s, 2).await;
    let r = s.get("/factures-emises?numero=ST-REF-1").await;
    r.assert_contient("Refusée par le premier valideur pour autre motif");
    repondre(&mut s, "motif", "1").await;
    repondre(&mut s, "que-faire", "2").await;
    s.envoyer(&sous_traitance("ST-REF-2", TITULAIRE, "3500")).await;
    avancer(&mut s, 5).await;
    objectifs(&mut s, &["Faire valider une nouvelle facture au montant de l'acte spécial"], &[]).await;
    avancer(&mut s, 30).await;
    s.get("/exercice").await.assert_contient("Exercice réussi");
}

#[tokio::test]
async fn cotraitant_groupement_reussi() {
    let portail = Portail::nouveau();
    let mut s = commencer(&portail, "cotraitant-groupement").await;
    let facture = Saisie::valide("CO-EX-1", "22221733300095")
        .avec("code_service", "DIR_ROUTES")
        .avec("cadre", "A12_FACTURE_COTRAITANT")
        .avec("code_structure_valideur", "54006756800076")
        .ligne1("quantite", "1")
        .ligne1("prix_unitaire_ht", "2800");
    s.envoyer(&facture).await;
    repondre(&mut s, "qui-valide", "1").await;
    avancer(&mut s, 5).await;
    objectifs(&mut s, &["Obtenir la validation du mandataire"], &[]).await;
    avancer(&mut s, 30).await;
    s.get("/exercice").await.assert_contient("Exercice réussi");
}

/// Deposits a works piece in « Factures de travaux » (the PDF, then the deposit form) and
/// returns the dossier's id.
async fn deposer_travaux(s: &mut Stagiaire, champs: &[(&str, &str)]) -> String {
    let pdf =
        chorus_documents::DocumentPdf::nouveau("Décompte").titre("Projet de décompte").produire().unwrap();
    s.get("/factures-de-travaux/deposer").await.assert_statut(StatusCode::OK);
    let r = s.post_fichiers("/factures-de-travaux/deposer", &[("decompte.pdf", &pdf)]).await;
    let formulaire = r.location().to_string();
    let mut tout: Vec<(&str, &str)> = vec![
        ("date_piece", ""),
        ("destinataire", COMMUNE),
        ("code_service", "SERVICES_TECHNIQUES"),
        ("numero_engagement", "EJ-2026-0318"),
        ("numero_marche", "2026-TRV-031"),
        ("moe", "49228449200070"),
        ("valideur", ""),
        ("taux_tva", "20"),
        ("motif_exoneration", ""),
        ("commentaire", ""),
    ];
    let page = s.get(&formulaire).await;
    // The form proposes the sandbox's date.
    let apres = &page.corps[page.corps.find(r#"name="date_piece""#).expect("date field")..];
    let debut = apres.find(r#"value=""#).expect("date value") + 7;
    let date = apres[debut..debut + 10].to_string();
    tout.retain(|(k, _)| !champs.iter().any(|(c, _)| c == k));
    let mut valeurs: Vec<(String, String)> =
        tout.into_iter().chain(champs.iter().copied()).map(|(k, v)| (k.to_string(), v.to_string())).collect();
    for (k, v) in &mut valeurs {
        if k == "date_piece" && v.is_empty() {
            *v = date.clone();
        }
    }
    let r = s.post_form(&formulaire, &valeurs).await;
    let lieu = r.location().to_string();
    assert!(!lieu.contains("deposer"), "{}", r.extrait());
    lieu.trim_start_matches("/factures-de-travaux/").to_string()
}

#[tokio::test]
async fn premier_decompte_mensuel_reussi() {
    let portail = Portail::nouveau();
    let mut s = commencer(&portail, "premier-decompte-mensuel").await;
    // The exercise opens the works space and hands over the fiche d'identité du marché.
    s.get("/exercice").await.assert_contient("Fiche d'identité du marché n° 2026-TRV-031");
    s.get("/factures-de-travaux/marche").await.assert_statut(StatusCode::OK).assert_contient("EJ-2026-0318");
    deposer_travaux(
        &mut s,
        &[("cadre", "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR"), ("numero", "PDM-01"), ("montant_ht", "18000")],
    )
    .await;
    repondre(&mut s, "pas-a1", "2").await;
    repondre(&mut s, "depart", "2").await;
    avancer(&mut s, 5).await;
    objectifs(&mut s, &["Suivre la pièce jusqu'au maître d'ouvrage"], &[]).await;
    avancer(&mut s, 25).await;
    s.get("/exercice").await.assert_contient("Exercice réussi");
}

#[tokio::test]
async fn premier_decompte_mensuel_en_facture_a1() {
    let portail = Portail::nouveau();
    let mut s = commencer(&portail, "premier-decompte-mensuel").await;
    s.envoyer(
        &Saisie::valide("SIT-01", COMMUNE)
            .avec("code_service", "SERVICES_TECHNIQUES")
            .avec("numero_engagement", "EJ-2026-0318"),
    )
    .await;
    avancer(&mut s, 30).await;
    objectifs(
        &mut s,
        &[],
        &[
            "Déposer un projet de décompte mensuel (cadre A4) adressé à la maîtrise d'œuvre du chantier",
            "Suivre la pièce jusqu'au maître d'ouvrage",
        ],
    )
    .await;
}

#[tokio::test]
async fn moe_montant_admis_reussi() {
    let portail = Portail::nouveau();
    let mut s = commencer(&portail, "moe-montant-admis").await;
    let id = deposer_travaux(
        &mut s,
        &[("cadre", "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR"), ("numero", "PDM-02"), ("montant_ht", "15000")],
    )
    .await;
    avancer(&mut s, 3).await;
    s.get(&format!("/factures-de-travaux/{id}")).await.assert_contient("Mise à disposition MOE");
    avancer(&mut s, 1).await;
    s.get(&format!("/factures-de-travaux/{id}"))
        .await
        .assert_contient("PDM-02-EA")
        .assert_contient("14\u{202f}200,00 € HT");
    repondre(&mut s, "montant", "17 040,00").await;
    repondre(&mut s, "pas-un-refus", "2").await;
    avancer(&mut s, 25).await;
    s.get("/exercice").await.assert_contient("Exercice réussi");
}

#[tokio::test]
async fn decompte_final_jusqu_au_dgd_reussi() {
    let portail = Portail::nouveau();
    let mut s = commencer(&portail, "decompte-final-dgd").await;
    let id = deposer_travaux(
        &mut s,
        &[("cadre", "A7_PROJET_DECOMPTE_FINAL_FOURNISSEUR"), ("numero", "PDF-01"), ("montant_ht", "96000")],
    )
    .await;
    avancer(&mut s, 13).await;
    objectifs(&mut s, &["Recevoir le décompte général"], &["Signer et déposer le DGD (cadre A8)"]).await;
    repondre(&mut s, "trente-jours", "3").await;
    let pdf = chorus_documents::DocumentPdf::nouveau("DGD").titre("DGD signé").produire().unwrap();
    let csrf = s.csrf.clone().unwrap();
    let (t, corps) = corps_multipart(
        &[
            ("csrf", &csrf),
            ("cadre", "A8_DECOMPTE_GENERAL_DEFINITIF_FOURNISSEUR"),
            ("numero", "PDF-01-DGD"),
            ("montant_ht", "96000,00"),
            ("commentaire", ""),
        ],
        &[("dgd.pdf", &pdf)],
    );
    s.post_brut(&format!("/factures-de-travaux/{id}/piece-suivante"), &t, corps)
        .await
        .assert_redirige(&format!("/factures-de-travaux/{id}"));
    avancer(&mut s, 25).await;
    s.get("/exercice").await.assert_contient("Exercice réussi");
}

#[tokio::test]
async fn sous_traitant_decompte_travaux_reussi() {
    let portail = Portail::nouveau();
    let mut s = commencer(&portail, "sous-traitant-decompte-travaux").await;
    let fiche = s.get("/factures-de-travaux/marche").await;
    fiche.assert_contient("Sous-traitant payé directement").assert_contient("A10");
    deposer_travaux(
        &mut s,
        &[
            ("cadre", "A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT"),
            ("numero", "ST-DM-01"),
            ("montant_ht", "6400"),
            ("valideur", TITULAIRE),
            ("taux_tva", "0"),
            ("motif_exoneration", "Autoliquidation"),
        ],
    )
    .await;
    repondre(&mut s, "autoliquidation", "2").await;
    avancer(&mut s, 5).await;
    avancer(&mut s, 5).await;
    s.get("/exercice").await.assert_contient("Exercice réussi");
}

#[tokio::test]
async fn moe_montant_admis_redepose_en_facture() {
    let portail = Portail::nouveau();
    let mut s = commencer(&portail, "moe-montant-admis").await;
    s.envoyer(
        &Saisie::valide("SIT-02", COMMUNE)
            .avec("code_service", "SERVICES_TECHNIQUES")
            .avec("numero_engagement", "EJ-2026-0318"),
    )
    .await;
    repondre(&mut s, "pas-un-refus", "1").await;
    avancer(&mut s, 30).await;
    objectifs(
        &mut s,
        &[],
        &[
            "Déposer le projet de décompte mensuel (A4) à la maîtrise d'œuvre du marché",
            "Savoir ce que signifie l'écart de montant",
        ],
    )
    .await;
}

#[tokio::test]
async fn decompte_final_sans_signer_le_dgd() {
    let portail = Portail::nouveau();
    let mut s = commencer(&portail, "decompte-final-dgd").await;
    deposer_travaux(
        &mut s,
        &[("cadre", "A7_PROJET_DECOMPTE_FINAL_FOURNISSEUR"), ("numero", "PDF-02"), ("montant_ht", "96000")],
    )
    .await;
    avancer(&mut s, 20).await;
    objectifs(
        &mut s,
        &["Recevoir le décompte général"],
        &["Signer et déposer le DGD (cadre A8)", "Être payé du solde"],
    )
    .await;
}

#[tokio::test]
async fn sous_traitant_qui_depose_en_titulaire() {
    let portail = Portail::nouveau();
    let mut s = commencer(&portail, "sous-traitant-decompte-travaux").await;
    deposer_travaux(
        &mut s,
        &[
            ("cadre", "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR"),
            ("numero", "ST-DM-02"),
            ("montant_ht", "6400"),
        ],
    )
    .await;
    avancer(&mut s, 10).await;
    objectifs(
        &mut s,
        &[],
        &[
            "Déposer un projet de décompte mensuel de sous-traitant (A10), avec le titulaire comme valideur",
            "Désigner la maîtrise d'œuvre du marché",
        ],
    )
    .await;
}
