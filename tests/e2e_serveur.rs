//! End-to-end: the real chorus-sandbox binary on loopback, driven as a browser would
//! (session cookie, CSRF field, redirects read by hand), across a restart on the same data.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::header::{CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use hyper::{HeaderMap, Method, Request, StatusCode};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::{Child, Command};

const MOT_DE_PASSE: &str = "Formation-2026";
const COMMUNE: &str = "21852884200097";
/// A cold debug build seeding its demo data on a busy CI machine: be generous.
const DELAI_DEMARRAGE: Duration = Duration::from_secs(30);
const DELAI_REQUETE: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread")]
async fn parcours_d_un_stagiaire_et_redemarrage() {
    let donnees = tempfile::tempdir().expect("dossier temporaire");
    let serveur = Serveur::demarrer(donnees.path()).await;
    let mut nav = Navigateur::new(&serveur.url);

    let sante = nav.get("/healthz").await;
    assert_eq!(sante.statut, StatusCode::OK, "{}", sante.extrait());
    assert_eq!(sante.corps.trim(), "ok");

    assert_renvoie_vers_connexion(&mut nav).await;

    // A wrong password is refused and leaves the visitor logged out.
    nav.get("/connexion").await;
    let refus = nav
        .post("/connexion", &[("identifiant", "formation2@exemple.fr"), ("mot_de_passe", "pas-le-bon")])
        .await;
    assert_eq!(refus.statut, StatusCode::UNAUTHORIZED, "{}", refus.extrait());
    assert_renvoie_vers_connexion(&mut nav).await;

    nav.connecter("formation2@exemple.fr").await;

    let annuaire = nav.get("/annuaire?q=VALCOMBE").await;
    assert_eq!(annuaire.statut, StatusCode::OK, "{}", annuaire.extrait());
    let mentions_commune = annuaire.corps.matches(COMMUNE).count();
    assert!(mentions_commune > 0, "l'annuaire ne montre pas la commune {COMMUNE} : {}", annuaire.extrait());

    // Sent to a buyer that requires nothing: straight to « Mise à disposition ».
    let facture = nav.envoyer_facture("E2E-0001").await;
    let page = nav.get(&facture).await;
    assert_eq!(page.statut, StatusCode::OK, "{}", page.extrait());
    assert_contient(&page, "Mise à disposition du destinataire");
    // 2 × 600 € HT at 20 %: French amounts, narrow no-break space between thousands.
    assert_contient(&page, "1\u{202f}200,00");
    assert_contient(&page, "1\u{202f}440,00");

    let doublon = nav.post("/factures-emises/saisir", &champs_facture("E2E-0001")).await;
    assert_eq!(doublon.statut, StatusCode::UNPROCESSABLE_ENTITY, "{}", doublon.extrait());
    assert_contient(&doublon, "E2E-0001");
    assert_contient(&doublon, "déjà");

    // Sandboxes are isolated: another trainee, or a made-up id, gets a plain 404.
    let mut voisin = Navigateur::new(&serveur.url);
    voisin.connecter("formation3@exemple.fr").await;
    let chez_le_voisin = voisin.get(&facture).await;
    assert_eq!(
        chez_le_voisin.statut,
        StatusCode::NOT_FOUND,
        "formation3 voit la facture de formation2 : {}",
        chez_le_voisin.extrait()
    );
    let inventee = nav.get("/factures-emises/00000000-0000-4000-8000-000000000000").await;
    assert_eq!(inventee.statut, StatusCode::NOT_FOUND, "{}", inventee.extrait());

    // A 30-day buyer puts the invoice into payment 20 simulated days after receiving it.
    let horloge = nav.post("/bac/horloge", &[("jours", "25")]).await;
    assert_eq!(horloge.statut, StatusCode::SEE_OTHER, "{}", horloge.extrait());
    let page = nav.get(&facture).await;
    assert_contient(&page, "Mise en paiement");

    let reinit = nav.post("/bac/reinitialiser", &[("confirme", "oui")]).await;
    assert_eq!(reinit.statut, StatusCode::SEE_OTHER, "{}", reinit.extrait());
    let liste = nav.get("/factures-emises").await;
    assert_eq!(liste.statut, StatusCode::OK, "{}", liste.extrait());
    assert!(!liste.corps.contains("E2E-0001"), "la facture est encore listée après réinitialisation");

    // State written before a restart must survive it, and the demo data must not be
    // seeded a second time.
    let gardee = nav.envoyer_facture("E2E-0002").await;
    serveur.arreter().await;
    let serveur = Serveur::demarrer(donnees.path()).await;
    let mut nav = Navigateur::new(&serveur.url);
    nav.connecter("formation2@exemple.fr").await;

    let annuaire = nav.get("/annuaire?q=VALCOMBE").await;
    assert_eq!(
        annuaire.corps.matches(COMMUNE).count(),
        mentions_commune,
        "l'annuaire a changé après redémarrage (données de démo dupliquées ?)"
    );
    let liste = nav.get("/factures-emises").await;
    assert_contient(&liste, "E2E-0002");
    let page = nav.get(&gardee).await;
    assert_eq!(page.statut, StatusCode::OK, "{}", page.extrait());
    assert_contient(&page, "Mise à disposition du destinataire");

    serveur.arreter().await;
}

/// Crash safety: while four trainees send invoices as fast as they can, the server is killed
/// with SIGKILL, twice; after each restart on the same data, every invoice the server had
/// acknowledged (303) is there.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_pendant_une_rafale_ne_perd_aucune_ecriture_acquittee() {
    let donnees = tempfile::tempdir().expect("dossier temporaire");
    let mut acquittees: Vec<(String, String, String)> = Vec::new();
    for tour in 0..2 {
        let serveur = Serveur::demarrer(donnees.path()).await;
        let mut taches = Vec::new();
        for n in 1..=4 {
            let url = serveur.url.clone();
            taches.push(tokio::spawn(async move {
                let mut nav = Navigateur::new(&url);
                let compte = format!("formation{n}@exemple.fr");
                nav.connecter(&compte).await;
                nav.get("/factures-emises/saisir").await;
                let mut faites = Vec::new();
                for i in 0.. {
                    let numero = format!("K{tour}-{n}-{i}");
                    match nav.tenter_facture(&numero).await {
                        Some(page) => faites.push((compte.clone(), numero, page)),
                        None => break,
                    }
                }
                faites
            }));
        }
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let pid = serveur.processus.id().expect("serveur en vie").to_string();
        Command::new("sh").args(["-c", "kill -KILL \"$0\"", &pid]).status().await.expect("kill -KILL");
        for t in taches {
            acquittees.extend(t.await.expect("tâche"));
        }
        drop(serveur);
    }
    assert!(acquittees.len() > 20, "trop peu d'écritures pendant la rafale : {}", acquittees.len());
    let serveur = Serveur::demarrer(donnees.path()).await;
    for n in 1..=4 {
        let compte = format!("formation{n}@exemple.fr");
        let mut nav = Navigateur::new(&serveur.url);
        nav.connecter(&compte).await;
        for (c, numero, page) in acquittees.iter().filter(|(c, _, _)| *c == compte) {
            let r = nav.get(page).await;
            assert!(
                r.statut == StatusCode::OK && r.corps.contains(&format!("Facture n° {numero}")),
                "{c} : {numero} acquittée puis perdue ({})",
                r.statut
            );
        }
    }
    serveur.arreter().await;
}

/// Backups while running: four trainees send invoices without pause; `chorus-sandbox backup`
/// copies the data folder meanwhile, twice; `restore` checks each copy and puts it in an empty
/// folder, where every invoice acknowledged before the backup began is found, the database's
/// integrity check is ok, and a server starts on it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn une_sauvegarde_pendant_les_ecritures_se_restaure_avec_chaque_ecriture_acquittee() {
    let donnees = tempfile::tempdir().expect("dossier temporaire");
    let sauvegardes = tempfile::tempdir().expect("dossier des sauvegardes");
    let serveur = Serveur::demarrer(donnees.path()).await;
    let acquittees: Arc<Mutex<Vec<String>>> = Arc::default();
    let fin = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut taches = Vec::new();
    for n in 1..=4 {
        let (url, acquittees, fin) = (serveur.url.clone(), Arc::clone(&acquittees), Arc::clone(&fin));
        taches.push(tokio::spawn(async move {
            let mut nav = Navigateur::new(&url);
            nav.connecter(&format!("formation{n}@exemple.fr")).await;
            nav.get("/factures-emises/saisir").await;
            for i in 0.. {
                if fin.load(std::sync::atomic::Ordering::Relaxed) {
                    break;
                }
                let numero = format!("S-{n}-{i}");
                let envoyee = nav.tenter_facture(&numero).await;
                assert!(envoyee.is_some(), "{numero} refusée pendant la sauvegarde");
                acquittees.lock().unwrap().push(numero);
            }
        }));
    }
    for tour in 0..2 {
        tokio::time::sleep(Duration::from_millis(700)).await;
        let avant: Vec<String> = acquittees.lock().unwrap().clone();
        let fichier = sauvegardes.path().join(format!("chorus-{tour}.sqlite"));
        let sortie = commande("backup", &fichier, donnees.path()).await;
        assert!(sortie.status.success(), "backup : {}", String::from_utf8_lossy(&sortie.stderr));
        assert!(String::from_utf8_lossy(&sortie.stdout).contains("intégrité vérifiée"));

        let restauree = sauvegardes.path().join(format!("donnees-{tour}"));
        let sortie = commande("restore", &fichier, &restauree).await;
        assert!(sortie.status.success(), "restore : {}", String::from_utf8_lossy(&sortie.stderr));
        let c = rusqlite::Connection::open(restauree.join("chorus.sqlite")).expect("base restaurée");
        let integrite: String = c.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
        assert_eq!(integrite, "ok");
        let mut st = c.prepare("SELECT count(*) FROM facture WHERE numero = ?1").unwrap();
        for numero in &avant {
            let n: i64 = st.query_row([numero], |r| r.get(0)).unwrap();
            assert_eq!(n, 1, "{numero} acquittée avant la sauvegarde {tour} et absente de la copie");
        }
        assert!(avant.len() > 10 * (tour + 1), "trop peu d'écritures avant la sauvegarde : {}", avant.len());
        // Restoring over existing data is refused: nothing is overwritten.
        let refus = commande("restore", &fichier, donnees.path()).await;
        assert!(!refus.status.success());
        assert!(String::from_utf8_lossy(&refus.stderr).contains("n'est pas vide"));
    }
    fin.store(true, std::sync::atomic::Ordering::Relaxed);
    for t in taches {
        t.await.expect("les envois ont tous abouti");
    }
    serveur.arreter().await;
    // A server starts on a restored folder, with the trainees' invoices.
    let serveur = Serveur::demarrer(&sauvegardes.path().join("donnees-1")).await;
    let mut nav = Navigateur::new(&serveur.url);
    nav.connecter("formation1@exemple.fr").await;
    let liste = nav.get("/factures-emises?numero=S-1-0").await;
    assert_contient(&liste, "S-1-0");
    serveur.arreter().await;
}

/// `chorus-sandbox backup|restore FICHIER --data DOSSIER`, run to completion.
async fn commande(action: &str, fichier: &Path, donnees: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_chorus-sandbox"))
        .arg(action)
        .arg(fichier)
        .arg("--data")
        .arg(donnees)
        .env_remove("CHORUS_DATA")
        .output()
        .await
        .unwrap_or_else(|e| panic!("chorus-sandbox {action} : {e}"))
}

/// The returned-invoice journeys, the trainee playing the public buyer: reject → new invoice
/// under a new number; suspend → complete → paid by the simulated buyer.
#[tokio::test(flavor = "multi_thread")]
async fn rejet_puis_nouvelle_facture_et_suspension_completee_puis_payee() {
    let donnees = tempfile::tempdir().expect("dossier temporaire");
    let serveur = Serveur::demarrer(donnees.path()).await;
    let mut nav = Navigateur::new(&serveur.url);
    nav.connecter("formation4@exemple.fr").await;

    let rejetee = nav.envoyer_facture("E2E-REJ-1").await;
    nav.jouer_l_acheteur(&rejetee, "REJETEE", "Le prix ne correspond pas au devis").await;
    let page = nav.get(&rejetee).await;
    assert_contient(&page, "Le prix ne correspond pas au devis");
    assert_contient(&page, "Traiter le rejet");
    let r = nav.post(&format!("{rejetee}/traiter-rejet"), &[("confirme", "oui")]).await;
    assert_eq!(r.statut, StatusCode::SEE_OTHER, "{}", r.extrait());
    assert_contient(&nav.get(&rejetee).await, "Rejet traité le");
    let meme_numero = nav.post("/factures-emises/saisir", &champs_facture("E2E-REJ-1")).await;
    assert_eq!(meme_numero.statut, StatusCode::UNPROCESSABLE_ENTITY, "{}", meme_numero.extrait());
    assert_contient(&meme_numero, "facture rejetée");
    let nouvelle = nav.envoyer_facture("E2E-REJ-2").await;
    assert_contient(&nav.get(&nouvelle).await, "Mise à disposition du destinataire");

    let suspendue = nav.envoyer_facture("E2E-SUS-1").await;
    nav.jouer_l_acheteur(&suspendue, "SUSPENDUE", "Bon de livraison manquant").await;
    nav.get(&format!("{suspendue}/completer")).await;
    let r = nav
        .post_fichiers(
            &format!("{suspendue}/completer"),
            &[("commentaire", "Bon de livraison n° 42")],
            &[("bon-de-livraison-42.txt", b"Livre le 20/11/2026, signe M. Durand")],
        )
        .await;
    assert_eq!(r.statut, StatusCode::SEE_OTHER, "{}", r.extrait());
    assert_contient(&nav.get(&suspendue).await, "Complétée");
    let horloge = nav.post("/bac/horloge", &[("jours", "25")]).await;
    assert_eq!(horloge.statut, StatusCode::SEE_OTHER, "{}", horloge.extrait());
    let page = nav.get(&suspendue).await;
    assert_contient(&page, "Le comptable a lancé le virement");

    serveur.arreter().await;
}

/// A script drives the simulation API of the real binary with the token given at start-up:
/// sandbox, invoice through `soumettre`, clock, status history, over real HTTP.
#[tokio::test(flavor = "multi_thread")]
async fn api_de_simulation_avec_le_jeton_du_demarrage() {
    let donnees = tempfile::tempdir().expect("dossier temporaire");
    let jeton = "jeton-e2e-de-la-salle-12";
    let serveur = Serveur::demarrer_avec(donnees.path(), &["--trainer-token", jeton]).await;
    let api =
        Api { client: Client::builder(TokioExecutor::new()).build_http(), base: serveur.url.clone(), jeton };

    let (statut, refus) = api.appeler(Method::GET, "/api/sim/v1/bacs/inconnu", None, false).await;
    assert_eq!(statut, StatusCode::UNAUTHORIZED, "{refus}");
    assert_eq!(refus["codeRetour"], 401);

    let (statut, bac) = api
        .appeler(
            Method::POST,
            "/api/sim/v1/bacs",
            Some(r#"{"stagiaire": "Camille Martin", "scenario": null}"#.into()),
            true,
        )
        .await;
    assert_eq!(statut, StatusCode::CREATED, "{bac}");
    let id_bac = bac["idBac"].as_str().expect("idBac").to_string();
    let date = bac["dateSimulee"].as_str().expect("dateSimulee").to_string();
    let facture = format!(
        r#"{{"numeroFactureSaisi": "E2E-API-1", "dateFacture": "{date}",
            "destinataire": {{"codeDestinataire": "{COMMUNE}"}},
            "cadreDeFacturation": {{"codeCadreFacturation": "A1_FACTURE_FOURNISSEUR"}},
            "references": {{"typeFacture": "FACTURE", "typeTva": "TVA_SUR_DEBIT", "modePaiement": "VIREMENT", "deviseFacture": "EUR"}},
            "lignePoste": [{{"lignePosteDenomination": "Journée de formation", "lignePosteQuantite": 2,
                             "lignePosteMontantUnitaireHT": 600, "lignePosteTauxTvaManuel": 20}}],
            "montantTotal": {{"montantTtcTotal": "1440.00"}}}}"#
    );
    let (statut, depot) =
        api.appeler(Method::POST, &format!("/api/sim/v1/bacs/{id_bac}/factures"), Some(facture), true).await;
    assert_eq!(statut, StatusCode::CREATED, "{depot}");
    assert_eq!(depot["codeRetour"], 0);
    assert_eq!(depot["statutFacture"], "MISE_A_DISPOSITION");
    let id_facture = depot["identifiantFactureCPP"].as_str().expect("identifiantFactureCPP").to_string();

    // A 30-day buyer puts the invoice into payment 20 simulated days after receiving it.
    let (statut, horloge) = api
        .appeler(
            Method::POST,
            &format!("/api/sim/v1/bacs/{id_bac}/horloge"),
            Some(r#"{"avancerJours": 25}"#.into()),
            true,
        )
        .await;
    assert_eq!(statut, StatusCode::OK, "{horloge}");
    let (_, lue) = api
        .appeler(Method::GET, &format!("/api/sim/v1/bacs/{id_bac}/factures/{id_facture}"), None, true)
        .await;
    assert_eq!(lue["statutCourantCode"], "MISE_EN_PAIEMENT", "{lue}");
    let (_, delai) = api
        .appeler(
            Method::GET,
            &format!("/api/sim/v1/bacs/{id_bac}/factures/{id_facture}/delai-paiement"),
            None,
            true,
        )
        .await;
    assert_eq!(delai["situation"], "PAYEE_DANS_LE_DELAI", "{delai}");

    serveur.arreter().await;
}

/// A connector deposits a structured invoice (`deposer/flux` fields) and polls the
/// compte-rendu, as real ERP connectors do, without touching the sandbox clock: the flux must
/// end (IN_INTEGRE) within a few seconds of real time.
#[tokio::test(flavor = "multi_thread")]
async fn un_connecteur_voit_son_flux_aboutir_sans_toucher_a_l_horloge() {
    use base64::Engine;
    let donnees = tempfile::tempdir().expect("dossier temporaire");
    let jeton = "jeton-e2e-des-flux-00012";
    let serveur = Serveur::demarrer_avec(donnees.path(), &["--trainer-token", jeton]).await;
    let api =
        Api { client: Client::builder(TokioExecutor::new()).build_http(), base: serveur.url.clone(), jeton };
    let (statut, bac) = api
        .appeler(Method::POST, "/api/sim/v1/bacs", Some(r#"{"stagiaire": "Camille Martin"}"#.into()), true)
        .await;
    assert_eq!(statut, StatusCode::CREATED, "{bac}");
    let id_bac = bac["idBac"].as_str().expect("idBac").to_string();
    let siret = bac["structure"]["siret"].as_str().expect("siret").to_string();
    let echantillon = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus/chorus-samples/cii_en16931_b2g.xml");
    let xml = std::fs::read_to_string(echantillon)
        .expect("../shared/corpus")
        .replace("21990001600011", COMMUNE)
        .replace("219900016", &COMMUNE[..9])
        .replace("12345678200010", &siret)
        .replace("123456782", &siret[..9])
        .replace("SERV-COMPTA", "SERVICES_TECHNIQUES");
    let corps = serde_json::json!({
        "fichierFlux": base64::engine::general_purpose::STANDARD.encode(xml.as_bytes()),
        "nomFichier": "UNCEFACT-1.xml",
        "syntaxeFlux": "IN_DP_E1_CII_16B",
    });
    let (statut, depot) = api
        .appeler(Method::POST, &format!("/api/sim/v1/bacs/{id_bac}/flux"), Some(corps.to_string()), true)
        .await;
    assert_eq!(statut, StatusCode::OK, "{depot}");
    let numero = depot["numeroFluxDepot"].as_str().expect("numeroFluxDepot").to_string();
    let debut = std::time::Instant::now();
    let mut etats = Vec::new();
    let cr = loop {
        let (_, cr) =
            api.appeler(Method::GET, &format!("/api/sim/v1/bacs/{id_bac}/flux/{numero}"), None, true).await;
        let etat = cr["etatCourantDepotFlux"].as_str().unwrap_or("").to_string();
        if etats.last() != Some(&etat) {
            etats.push(etat.clone());
        }
        if ["IN_INTEGRE", "IN_INTEGRE_PARTIEL", "IN_REJETE"].contains(&etat.as_str()) {
            break cr;
        }
        assert!(debut.elapsed() < Duration::from_secs(15), "flux toujours {etat} après 15 s");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(cr["etatCourantDepotFlux"], "IN_INTEGRE", "{cr}");
    assert_eq!(etats.first().map(String::as_str), Some("IN_RECU"), "{etats:?}");
    assert!(etats.contains(&"IN_EN_COURS_TRAITEMENT_CPP".to_string()), "{etats:?}");
    assert_eq!(cr["listeFactures"][0]["montantTTC"], "540.00", "{cr}");
    serveur.arreter().await;
}

/// A real Chorus Pro client (PyPI `chorus-api`) pointed at the server, with the demo sandbox's
/// fixed credentials: token, health-check, a recipient searched and consulted, its services, a
/// CII flux deposited and followed by `consulterCR` until integrated, then the flux's invoices.
/// Outside CI, without the package, the test says so and stops; in CI its absence fails.
#[tokio::test]
async fn un_vrai_client_chorus_pro_s_y_branche_en_changeant_ses_adresses() {
    let donnees = tempfile::tempdir().expect("dossier temporaire");
    let serveur = Serveur::demarrer(donnees.path()).await;
    let echantillon = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus/chorus-samples/cii_en16931_b2g.xml");
    // formation1's structure (PLOMBERIE MARTIN) issues the invoice to Valcombe.
    let siret = "92391234900068";
    let xml = std::fs::read_to_string(echantillon)
        .expect("../shared/corpus")
        .replace("21990001600011", COMMUNE)
        .replace("219900016", &COMMUNE[..9])
        .replace("12345678200010", siret)
        .replace("123456782", &siret[..9])
        .replace("SERV-COMPTA", "SERVICES_TECHNIQUES")
        .replace("<ram:ID>F2026-00042</ram:ID>", "<ram:ID>ERP-CLIENT-1</ram:ID>");
    let fichier = donnees.path().join("UNCEFACT-1.xml");
    std::fs::write(&fichier, xml).expect("fichier du flux");
    // The official Factur-X sample, readdressed the same way inside its embedded CII.
    let facturx = donnees.path().join("facture.pdf");
    std::fs::write(&facturx, facturx_readressee(siret, "ERP-CLIENT-2")).expect("Factur-X");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/outils/client_chorus_api.py");
    let sortie = Command::new("python3")
        .arg(&script)
        .arg(&serveur.url)
        .arg(&fichier)
        .arg("ERP-CLIENT-1")
        .arg(&facturx)
        .arg("ERP-CLIENT-2")
        .output()
        .await
        .expect("python3");
    let (texte, erreurs) = (String::from_utf8_lossy(&sortie.stdout), String::from_utf8_lossy(&sortie.stderr));
    match sortie.status.code() {
        Some(0) => {
            assert!(texte.contains("facture du flux : ERP-CLIENT-1"), "{texte}");
            assert!(texte.contains("facture du flux : ERP-CLIENT-2"), "{texte}");
            assert!(texte.contains("facture saisie relue : MISE_A_DISPOSITION"), "{texte}");
        }
        Some(2) if std::env::var_os("CI").is_none() => eprintln!("client chorus-api non exécuté : {erreurs}"),
        _ => panic!("le client chorus-api a échoué :\n{texte}\n{erreurs}"),
    }
    serveur.arreter().await;
}

/// The shared corpus's Factur-X (`facturx_en16931_b2g.pdf`) with its embedded CII readdressed
/// from `supplier` to Valcombe and renumbered `numero`: the embedded file is rewritten in place.
fn facturx_readressee(fournisseur: &str, numero: &str) -> Vec<u8> {
    let chemin = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus/chorus-samples/facturx_en16931_b2g.pdf");
    let mut doc = lopdf::Document::load(chemin).expect("../shared/corpus Factur-X");
    let mut reecrits = 0;
    for objet in doc.objects.values_mut() {
        let lopdf::Object::Stream(flux) = objet else { continue };
        let Ok(contenu) = flux.decompressed_content() else { continue };
        let Ok(xml) = String::from_utf8(contenu) else { continue };
        if !xml.contains("CrossIndustryInvoice") {
            continue;
        }
        let xml = xml
            .replace("21990001600011", COMMUNE)
            .replace("219900016", &COMMUNE[..9])
            .replace("12345678200010", fournisseur)
            .replace("123456782", &fournisseur[..9])
            .replace("SERV-COMPTA", "SERVICES_TECHNIQUES")
            .replace("<ram:ID>F2026-00042</ram:ID>", &format!("<ram:ID>{numero}</ram:ID>"));
        let taille = xml.len() as i64;
        flux.set_plain_content(xml.into_bytes());
        if let Ok(lopdf::Object::Dictionary(p)) = flux.dict.get_mut(b"Params") {
            p.set("Size", taille);
        }
        reecrits += 1;
    }
    assert_eq!(reecrits, 1, "one embedded CII in the Factur-X");
    let mut octets = Vec::new();
    doc.save_to(&mut octets).expect("PDF");
    octets
}

/// A script of the simulation API: JSON in, JSON out, a bearer token.
struct Api<'a> {
    client: Client<HttpConnector, Full<Bytes>>,
    base: String,
    jeton: &'a str,
}

impl Api<'_> {
    async fn appeler(
        &self,
        methode: Method,
        chemin: &str,
        corps: Option<String>,
        avec_jeton: bool,
    ) -> (StatusCode, serde_json::Value) {
        let mut requete = Request::builder()
            .method(methode)
            .uri(format!("{}{chemin}", self.base))
            .header(CONTENT_TYPE, "application/json");
        if avec_jeton {
            requete = requete.header("authorization", format!("Bearer {}", self.jeton));
        }
        let requete = requete.body(Full::new(Bytes::from(corps.unwrap_or_default()))).expect("requête");
        let echange = async {
            let reponse = self.client.request(requete).await.expect("réponse HTTP");
            let statut = reponse.status();
            let octets = reponse.into_body().collect().await.expect("corps").to_bytes();
            (statut, serde_json::from_slice(&octets).unwrap_or(serde_json::Value::Null))
        };
        tokio::time::timeout(DELAI_REQUETE, echange)
            .await
            .unwrap_or_else(|_| panic!("{chemin} : pas de réponse en {} s", DELAI_REQUETE.as_secs()))
    }
}

async fn assert_renvoie_vers_connexion(nav: &mut Navigateur) {
    let accueil = nav.get("/").await;
    assert_eq!(accueil.statut, StatusCode::SEE_OTHER, "{}", accueil.extrait());
    let vers = accueil.location().unwrap_or_default();
    assert!(vers.contains("/connexion"), "redirigé vers {vers:?}");
}

fn assert_contient(reponse: &Reponse, attendu: &str) {
    assert!(
        reponse.corps.contains(attendu),
        "« {attendu} » absent de la page ({}) : {}",
        reponse.statut,
        reponse.extrait()
    );
}

/// The simplest valid invoice, « Valider et envoyer » already confirmed.
fn champs_facture(numero: &str) -> Vec<(&'static str, String)> {
    // Never after the sandbox's date (the server's today), whichever clock it reads.
    let date =
        chrono::Local::now().date_naive().min(chrono::Utc::now().date_naive()).format("%Y-%m-%d").to_string();
    [
        ("action", "envoyer"),
        ("confirme", "oui"),
        ("numero", numero),
        ("date_facture", date.as_str()),
        ("type_facture", "FACTURE"),
        ("cadre", "A1_FACTURE_FOURNISSEUR"),
        ("destinataire", COMMUNE),
        ("code_service", ""),
        ("numero_engagement", ""),
        ("numero_marche", ""),
        ("mode_paiement", "VIREMENT"),
        ("type_tva", "TVA_SUR_DEBIT"),
        ("motif_exoneration", ""),
        ("commentaire", ""),
        ("ligne_reference", "FORM-1"),
        ("ligne_designation", "Journée de formation"),
        ("ligne_quantite", "2"),
        ("ligne_unite", "jour"),
        ("ligne_prix_unitaire_ht", "600"),
        ("ligne_remise_ht", "0"),
        ("ligne_taux_tva", "20"),
    ]
    .into_iter()
    .map(|(nom, valeur)| (nom, valeur.to_string()))
    .collect()
}

// ---------------------------------------------------------------------------------------
// The server process

type Journal = Arc<Mutex<Vec<String>>>;

/// The running binary; killed on drop so that a failed assertion leaves no process behind.
struct Serveur {
    processus: Child,
    url: String,
    journal: Journal,
}

impl Serveur {
    async fn demarrer(donnees: &Path) -> Serveur {
        Serveur::demarrer_avec(donnees, &[]).await
    }

    /// The server with extra arguments after `serve` (`--trainer-token …`).
    async fn demarrer_avec(donnees: &Path, arguments: &[&str]) -> Serveur {
        let mut processus = Command::new(env!("CARGO_BIN_EXE_chorus-sandbox"))
            .args(["serve", "--addr", "127.0.0.1:0", "--data"])
            .arg(donnees)
            .args(arguments)
            .env_remove("CHORUS_ADDR")
            .env_remove("CHORUS_DATA")
            .env_remove("CHORUS_TRAINER_TOKEN")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("lancement de chorus-sandbox");
        let journal = Journal::default();
        let (tx, rx) = tokio::sync::oneshot::channel();
        tokio::spawn(vider(processus.stdout.take().unwrap(), journal.clone(), Some(tx)));
        tokio::spawn(vider(processus.stderr.take().unwrap(), journal.clone(), None));
        let url = match tokio::time::timeout(DELAI_DEMARRAGE, rx).await {
            Ok(Ok(url)) => url,
            _ => panic!(
                "pas de ligne « Simulateur prêt : http://… » en {} s ; sortie du serveur :\n{}",
                DELAI_DEMARRAGE.as_secs(),
                journal.lock().unwrap().join("\n")
            ),
        };
        Serveur { processus, url, journal }
    }

    /// SIGTERM, as the contract promises a clean stop on it (the data must be flushed
    /// before the restart on the same directory).
    async fn arreter(mut self) {
        let pid = self.processus.id().expect("serveur encore en vie").to_string();
        // The shell builtin: /bin/kill is not on every minimal Debian.
        Command::new("sh").args(["-c", "kill -TERM \"$0\"", &pid]).status().await.expect("kill -TERM");
        let fin = tokio::time::timeout(Duration::from_secs(10), self.processus.wait()).await;
        assert!(fin.is_ok(), "le serveur ne s'arrête pas sur SIGTERM en 10 s");
    }
}

impl Drop for Serveur {
    fn drop(&mut self) {
        // Shown by the test harness only when the test fails: the server's side of it.
        if std::thread::panicking() {
            eprintln!(
                "--- sortie de chorus-sandbox ---\n{}",
                self.journal.lock().map(|j| j.join("\n")).unwrap_or_default()
            );
        }
    }
}

/// Drains a pipe (the server must never block on it) and reports the announced URL.
async fn vider(
    flux: impl AsyncRead + Unpin,
    journal: Journal,
    mut annonce: Option<tokio::sync::oneshot::Sender<String>>,
) {
    let mut lignes = BufReader::new(flux).lines();
    while let Ok(Some(ligne)) = lignes.next_line().await {
        if ligne.contains("Simulateur prêt")
            && let Some(debut) = ligne.find("http://")
            && let Some(tx) = annonce.take()
        {
            let url = ligne[debut..].split_whitespace().next().unwrap_or_default();
            let _ = tx.send(url.trim_end_matches('/').to_string());
        }
        let mut journal = journal.lock().unwrap();
        if journal.len() >= 200 {
            journal.remove(0);
        }
        journal.push(ligne);
    }
}

// ---------------------------------------------------------------------------------------
// A browser, reduced to what the portal needs: one cookie jar and the CSRF meta tag

struct Reponse {
    statut: StatusCode,
    entetes: HeaderMap,
    corps: String,
}

impl Reponse {
    fn location(&self) -> Option<&str> {
        self.entetes.get(LOCATION).and_then(|v| v.to_str().ok())
    }

    fn extrait(&self) -> String {
        let texte: String = self.corps.chars().take(600).collect();
        texte.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

struct Navigateur {
    client: Client<HttpConnector, Full<Bytes>>,
    base: String,
    cookies: BTreeMap<String, String>,
    csrf: Option<String>,
}

impl Navigateur {
    fn new(base: &str) -> Self {
        Navigateur {
            client: Client::builder(TokioExecutor::new()).build_http(),
            base: base.trim_end_matches('/').to_string(),
            cookies: BTreeMap::new(),
            csrf: None,
        }
    }

    async fn get(&mut self, chemin: &str) -> Reponse {
        self.envoyer(Method::GET, chemin, None).await
    }

    /// Posts an urlencoded form with the CSRF token of the last page seen.
    async fn post<V: AsRef<str>>(&mut self, chemin: &str, champs: &[(&str, V)]) -> Reponse {
        let csrf = self.csrf.clone().expect("aucune page avec <meta name=\"csrf\"> lue");
        let mut corps = format!("csrf={}", encoder(&csrf));
        for (nom, valeur) in champs {
            corps.push_str(&format!("&{}={}", encoder(nom), encoder(valeur.as_ref())));
        }
        self.envoyer(
            Method::POST,
            chemin,
            Some(("application/x-www-form-urlencoded".into(), corps.into_bytes())),
        )
        .await
    }

    /// A `multipart/form-data` POST (a form that can carry files): the CSRF token first, as the
    /// portal's forms send it, then the text fields, then the files of the field `fichier`.
    async fn post_fichiers(
        &mut self,
        chemin: &str,
        champs: &[(&str, &str)],
        fichiers: &[(&str, &[u8])],
    ) -> Reponse {
        let csrf = self.csrf.clone().expect("aucune page avec <meta name=\"csrf\"> lue");
        let frontiere = "----e2e-frontiere-51c2";
        let mut corps = Vec::new();
        for (nom, valeur) in std::iter::once(&("csrf", csrf.as_str())).chain(champs) {
            corps.extend(
                format!(
                    "--{frontiere}\r\nContent-Disposition: form-data; name=\"{nom}\"\r\n\r\n{valeur}\r\n"
                )
                .bytes(),
            );
        }
        for (nom, contenu) in fichiers {
            corps.extend(
                format!(
                    "--{frontiere}\r\nContent-Disposition: form-data; name=\"fichier\"; filename=\"{nom}\"\r\n\
                     Content-Type: application/octet-stream\r\n\r\n"
                )
                .bytes(),
            );
            corps.extend_from_slice(contenu);
            corps.extend(b"\r\n");
        }
        corps.extend(format!("--{frontiere}--\r\n").bytes());
        let type_contenu = format!("multipart/form-data; boundary={frontiere}");
        self.envoyer(Method::POST, chemin, Some((type_contenu, corps))).await
    }

    /// Logs in; the session id may change, so the token is re-read on the next page.
    async fn connecter(&mut self, identifiant: &str) {
        self.get("/connexion").await;
        let r =
            self.post("/connexion", &[("identifiant", identifiant), ("mot_de_passe", MOT_DE_PASSE)]).await;
        assert_eq!(r.statut, StatusCode::SEE_OTHER, "connexion de {identifiant} : {}", r.extrait());
        assert_eq!(r.location(), Some("/"), "connexion de {identifiant}");
        let accueil = self.get("/").await;
        assert_eq!(accueil.statut, StatusCode::OK, "{}", accueil.extrait());
    }

    /// Sends an invoice and returns the path of its page.
    async fn envoyer_facture(&mut self, numero: &str) -> String {
        let r = self.post("/factures-emises/saisir", &champs_facture(numero)).await;
        assert_eq!(r.statut, StatusCode::SEE_OTHER, "envoi de {numero} : {}", r.extrait());
        let location = r.location().expect("Location après l'envoi").to_string();
        let chemin = location.strip_prefix(&self.base).unwrap_or(&location).to_string();
        assert!(chemin.starts_with("/factures-emises/"), "envoi de {numero} redirigé vers {location}");
        chemin
    }

    /// In « Jouer l'acheteur public », gives `statut` to the invoice at `chemin`
    /// (`/factures-emises/{id}`).
    async fn jouer_l_acheteur(&mut self, chemin: &str, statut: &str, motif: &str) {
        let id = chemin.trim_start_matches("/factures-emises/");
        let page = self.get(&format!("/acheteur/factures/{id}")).await;
        assert_eq!(page.statut, StatusCode::OK, "{}", page.extrait());
        assert_contient(&page, "Vous jouez l'acheteur public");
        let r = self
            .post(&format!("/acheteur/factures/{id}/traiter"), &[("statut", statut), ("motif", motif)])
            .await;
        assert_eq!(r.statut, StatusCode::SEE_OTHER, "{statut} : {}", r.extrait());
    }

    /// Sends an invoice; its page only if the server acknowledged it (303 to the invoice). A
    /// server killed mid-request is not an acknowledgement.
    async fn tenter_facture(&mut self, numero: &str) -> Option<String> {
        let csrf = self.csrf.clone()?;
        let mut champs = champs_facture(numero);
        champs.push(("csrf", csrf));
        let corps = champs
            .iter()
            .map(|(k, v)| format!("{}={}", encoder(k), encoder(v)))
            .collect::<Vec<_>>()
            .join("&");
        let mut requete =
            Request::builder().method(Method::POST).uri(format!("{}/factures-emises/saisir", self.base));
        let paires: Vec<String> = self.cookies.iter().map(|(n, v)| format!("{n}={v}")).collect();
        requete = requete
            .header(COOKIE, paires.join("; "))
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded");
        let requete = requete.body(Full::new(Bytes::from(corps))).ok()?;
        match tokio::time::timeout(Duration::from_secs(5), self.client.request(requete)).await {
            Ok(Ok(r)) if r.status() == StatusCode::SEE_OTHER => r
                .headers()
                .get(LOCATION)
                .and_then(|l| l.to_str().ok())
                .filter(|l| l.contains("/factures-emises/"))
                .map(|l| l.strip_prefix(&self.base).unwrap_or(l).to_string()),
            _ => None,
        }
    }

    async fn envoyer(
        &mut self,
        methode: Method,
        chemin: &str,
        formulaire: Option<(String, Vec<u8>)>,
    ) -> Reponse {
        let mut requete = Request::builder().method(methode).uri(format!("{}{chemin}", self.base));
        if !self.cookies.is_empty() {
            let paires: Vec<String> = self.cookies.iter().map(|(n, v)| format!("{n}={v}")).collect();
            requete = requete.header(COOKIE, paires.join("; "));
        }
        let corps = match formulaire {
            Some((type_contenu, corps)) => {
                requete = requete.header(CONTENT_TYPE, type_contenu);
                Bytes::from(corps)
            }
            None => Bytes::new(),
        };
        let requete = requete.body(Full::new(corps)).expect("requête");
        let echange = async {
            let reponse = self.client.request(requete).await.expect("réponse HTTP");
            let (parties, corps) = reponse.into_parts();
            let octets = corps.collect().await.expect("corps").to_bytes();
            Reponse {
                statut: parties.status,
                entetes: parties.headers,
                corps: String::from_utf8_lossy(&octets).into_owned(),
            }
        };
        let reponse = tokio::time::timeout(DELAI_REQUETE, echange)
            .await
            .unwrap_or_else(|_| panic!("{chemin} : pas de réponse en {} s", DELAI_REQUETE.as_secs()));
        self.retenir_cookies(&reponse.entetes);
        if let Some(jeton) = jeton_csrf(&reponse.corps) {
            self.csrf = Some(jeton);
        }
        reponse
    }

    fn retenir_cookies(&mut self, entetes: &HeaderMap) {
        for entete in entetes.get_all(SET_COOKIE) {
            let texte = entete.to_str().expect("Set-Cookie lisible");
            let paire = texte.split(';').next().unwrap_or_default();
            let Some((nom, valeur)) = paire.split_once('=') else {
                continue;
            };
            if valeur.is_empty() || texte.to_ascii_lowercase().contains("max-age=0") {
                self.cookies.remove(nom.trim());
            } else {
                self.cookies.insert(nom.trim().to_string(), valeur.trim().to_string());
            }
        }
    }
}

/// `<meta name="csrf" content="…">`, whatever the attribute order.
fn jeton_csrf(html: &str) -> Option<String> {
    html.split("<meta").skip(1).find_map(|balise| {
        let balise = balise.split('>').next()?;
        if !balise.contains("name=\"csrf\"") {
            return None;
        }
        let debut = balise.find("content=\"")? + "content=\"".len();
        let fin = balise[debut..].find('"')? + debut;
        Some(balise[debut..fin].replace("&amp;", "&"))
    })
}

/// Form encoding as a browser does it (UTF-8, space as `+`).
fn encoder(texte: &str) -> String {
    texte
        .bytes()
        .map(|octet| match octet {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                (octet as char).to_string()
            }
            b' ' => "+".to_string(),
            _ => format!("%{octet:02X}"),
        })
        .collect()
}
