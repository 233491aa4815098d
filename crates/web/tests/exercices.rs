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
    s.post_form("/bac/horloge", &[("jours", &jours.to_string())]).await.assert_redirige("/");
}

/// The exercise page; `atteints` objectives are met, the others not.
async fn objectifs(s: &mut Stagiaire, atteints: &[&str], manques: &[&str]) -> Reponse {
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
        .assert_contient("Indice 1");
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
        &["Faire parvenir la facture au service", "Ne laisser aucune facture « À recycler »"],
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
    avancer(&mut s, 60).await;
    objectifs(&mut s, &[], &["Compléter la facture suspendue", "Obtenir la mise en paiement"])
        .await
        .assert_contient("○ Ne pas déposer une nouvelle facture pour la même prestation");
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
    voisin.post_form("/bac/horloge", &[("jours", "5")]).await.assert_redirige("/");
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
