//! The JSON simulation API (`/api/sim/v1`): every endpoint, the two kinds of bearer token,
//! isolation between trainers route by route, French errors for malformed bodies, and the
//! examples of `docs/api.md` run against the real application.

mod commun;

use axum::http::{Method, StatusCode};
use chorus_store::Horloge;
use commun::{ClientApi, Formateur, Navigateur, Portail, date_fixe};
use serde_json::{Value, json};

/// A public buyer of the demo directory that requires neither service code nor order number,
/// with a 30-day payment term.
const COMMUNE: &str = "21852884200097";
const JETON_DU_SERVEUR: &str = "jeton-de-demarrage-0123456789";
const INCONNU: &str = "00000000-0000-4000-8000-000000000000";
/// BATIMENTS DU CAUSSE SAS : titulaire des marchés de travaux du monde simulé.
const TITULAIRE: &str = "62211306600055";
/// ATELIER D'ARCHITECTURE SERRE : le maître d'œuvre, pas un titulaire.
const ARCHITECTE: &str = "49228449200070";

/// A valid `soumettre` body: 2 × 600 € HT at 20 %, amounts given both as strings and numbers.
fn facture(numero: &str) -> Value {
    json!({
        "modeDepot": "SAISIE_API",
        "numeroFactureSaisi": numero,
        "dateFacture": "2026-11-20",
        "idUtilisateurCourant": 0,
        "destinataire": { "codeDestinataire": COMMUNE, "codeServiceExecutant": null },
        "fournisseur": { "idFournisseur": null },
        "cadreDeFacturation": { "codeCadreFacturation": "A1_FACTURE_FOURNISSEUR", "codeStructureValideur": null },
        "references": {
            "deviseFacture": "EUR", "typeFacture": "FACTURE", "typeTva": "TVA_SUR_DEBIT",
            "motifExonerationTva": null, "numeroMarche": null, "numeroBonCommande": null,
            "numeroFactureOrigine": null, "modePaiement": "VIREMENT"
        },
        "lignePoste": [{
            "lignePosteNumero": 1, "lignePosteReference": "FORM-1", "lignePosteDenomination": "Journée de formation",
            "lignePosteQuantite": 2, "lignePosteUnite": "jour", "lignePosteMontantUnitaireHT": "600.00",
            "lignePosteMontantRemiseHT": null, "lignePosteTauxTva": null, "lignePosteTauxTvaManuel": 20
        }],
        "montantTotal": { "montantHtTotal": "1200.00", "montantTVA": 240.00, "montantTtcTotal": "1440.00", "montantAPayer": 1440 }
    })
}

/// A trainer logged in to the console, and a script holding their personal token.
async fn formateur_et_client(portail: &Portail, email: &str) -> (Formateur, ClientApi) {
    let mut f = Formateur::connecte(portail, email).await;
    let jeton = f.jeton_api().await;
    let client = ClientApi::new(&portail.app, &jeton);
    (f, client)
}

/// A new free-practice sandbox: its id and the whole answer.
async fn creer_bac(client: &ClientApi, stagiaire: &str) -> (String, Value) {
    let r = client.post("/api/sim/v1/bacs", json!({ "stagiaire": stagiaire, "scenario": null })).await;
    r.assert_statut(StatusCode::CREATED);
    (r.texte_de("idBac"), r.json)
}

async fn soumettre(client: &ClientApi, bac: &str, numero: &str) -> String {
    let r = client.post(&format!("/api/sim/v1/bacs/{bac}/factures"), facture(numero)).await;
    r.assert_statut(StatusCode::CREATED);
    assert_eq!(r.json["codeRetour"], 0, "{}", r.texte);
    r.texte_de("identifiantFactureCPP")
}

/// One trainer's script, a free-practice sandbox and one invoice sent in it: `b` and `f` are the
/// paths of the sandbox and of the invoice.
struct Scene {
    portail: Portail,
    client: ClientApi,
    bac: String,
    cree: Value,
    id: String,
    b: String,
    f: String,
}

async fn scene(numero: &str) -> Scene {
    let portail = Portail::nouveau();
    let (_, client) = formateur_et_client(&portail, "a@exemple.fr").await;
    let (bac, cree) = creer_bac(&client, "Camille Martin").await;
    let id = soumettre(&client, &bac, numero).await;
    let b = format!("/api/sim/v1/bacs/{bac}");
    let f = format!("{b}/factures/{id}");
    Scene { portail, client, bac, cree, id, b, f }
}

/// Every route of the API, with a plausible body.
fn toutes_les_routes(bac: &str, facture_id: &str) -> Vec<(Method, String, Option<Value>)> {
    let b = format!("/api/sim/v1/bacs/{bac}");
    let f = format!("{b}/factures/{facture_id}");
    vec![
        (Method::POST, "/api/sim/v1/bacs".into(), Some(json!({ "stagiaire": "Camille Martin" }))),
        (Method::GET, b.clone(), None),
        (Method::POST, format!("{b}/horloge"), Some(json!({ "avancerJours": 1 }))),
        (Method::POST, format!("{b}/reinitialiser"), None),
        (Method::GET, format!("{b}/factures"), None),
        (Method::POST, format!("{b}/factures"), Some(facture("ISOL-1"))),
        (Method::GET, f.clone(), None),
        (Method::POST, format!("{f}/traiter"), Some(json!({ "nouveauStatut": "SERVICE_FAIT" }))),
        (Method::POST, format!("{f}/completer"), Some(json!({ "commentaire": "Pièce ajoutée" }))),
        (Method::GET, format!("{f}/delai-paiement"), None),
        (Method::POST, format!("{f}/traiter-a-valider"), Some(json!({ "action": "VALIDATION" }))),
        (Method::POST, format!("{f}/corriger-valideur"), Some(json!({ "identifiantStructure": TITULAIRE }))),
    ]
}

async fn appeler(
    client: &ClientApi,
    (methode, chemin, corps): &(Method, String, Option<Value>),
) -> commun::ReponseApi {
    client.envoyer(methode.clone(), chemin, corps.as_ref().map(|c| c.to_string().into_bytes())).await
}

#[tokio::test]
async fn sans_jeton_ou_avec_un_jeton_faux_chaque_route_repond_401() {
    let portail = Portail::avec_jeton_formateur(JETON_DU_SERVEUR);
    let (_, client) = formateur_et_client(&portail, "a@exemple.fr").await;
    let (bac, _) = creer_bac(&client, "Camille Martin").await;
    let id = soumettre(&client, &bac, "AUTH-1").await;
    let sans = ClientApi::sans_jeton(&portail.app);
    let faux =
        ClientApi::new(&portail.app, "csb_0000000000000000000000000000000000000000000000000000000000000000");
    let presque = ClientApi::new(&portail.app, &JETON_DU_SERVEUR[..JETON_DU_SERVEUR.len() - 1]);
    for route in toutes_les_routes(&bac, &id) {
        for c in [&sans, &faux, &presque] {
            let r = appeler(c, &route).await;
            r.assert_erreur(StatusCode::UNAUTHORIZED, "jeton");
            assert_eq!(r.entetes.get("www-authenticate").and_then(|v| v.to_str().ok()), Some("Bearer"));
        }
    }
    // Another scheme than Bearer is no token either.
    let mut basique = ClientApi::sans_jeton(&portail.app);
    basique.schema = "Basic";
    basique.jeton = Some(JETON_DU_SERVEUR.into());
    basique.get(&format!("/api/sim/v1/bacs/{bac}")).await.assert_erreur(StatusCode::UNAUTHORIZED, "jeton");
    // The start-up token itself is accepted: here the only (so the first) trainer is A.
    let demarrage = ClientApi::new(&portail.app, JETON_DU_SERVEUR);
    demarrage.get(&format!("/api/sim/v1/bacs/{bac}")).await.assert_statut(StatusCode::OK);
}

#[tokio::test]
async fn autre_formateur_ou_identifiant_inconnu_404_sur_chaque_route() {
    let portail = Portail::nouveau();
    let (_, a) = formateur_et_client(&portail, "a@exemple.fr").await;
    let (_, b) = formateur_et_client(&portail, "b@exemple.fr").await;
    let (bac, _) = creer_bac(&a, "Camille Martin").await;
    let id = soumettre(&a, &bac, "ISOL-0").await;
    // Trainer B reaches nothing of trainer A's sandbox, whatever the route.
    for route in toutes_les_routes(&bac, &id).iter().skip(1) {
        appeler(&b, route).await.assert_erreur(StatusCode::NOT_FOUND, "introuvable");
    }
    // Unknown sandbox, and unknown invoice in a sandbox of one's own.
    for route in toutes_les_routes(INCONNU, &id).iter().skip(1) {
        appeler(&a, route).await.assert_erreur(StatusCode::NOT_FOUND, "introuvable");
    }
    for route in toutes_les_routes(&bac, INCONNU).iter().skip(6) {
        appeler(&a, route).await.assert_erreur(StatusCode::NOT_FOUND, "introuvable");
    }
    // Nothing changed in A's sandbox: B's attempts had no effect.
    let r = a.get(&format!("/api/sim/v1/bacs/{bac}")).await;
    r.assert_statut(StatusCode::OK);
    assert_eq!(r.json["dateSimulee"], date_fixe().to_string());
    assert_eq!(r.json["factures"]["total"], 1);
    // An address the API does not know answers in JSON too.
    a.get("/api/sim/v1/bacs/x/y/z").await.assert_erreur(StatusCode::NOT_FOUND, "n'existe pas");
}

#[tokio::test]
async fn le_jeton_du_demarrage_vaut_pour_le_premier_formateur() {
    let portail = Portail::avec_jeton_formateur(JETON_DU_SERVEUR);
    let horloge = Horloge::fixe(date_fixe());
    portail
        .store()
        .ecrire(|tx| chorus_store::formateur::creer_premier(tx, &horloge))
        .expect("first trainer")
        .expect("a fresh database has no trainer");
    let (_, second) = formateur_et_client(&portail, "second@exemple.fr").await;
    let demarrage = ClientApi::new(&portail.app, JETON_DU_SERVEUR);
    let (bac, _) = creer_bac(&demarrage, "Camille Martin").await;
    demarrage.get(&format!("/api/sim/v1/bacs/{bac}")).await.assert_statut(StatusCode::OK);
    second.get(&format!("/api/sim/v1/bacs/{bac}")).await.assert_statut(StatusCode::NOT_FOUND);
    let premier =
        portail.store().lire(chorus_store::formateur::premier).expect("read").expect("a first trainer");
    assert_eq!(premier.email, chorus_store::formateur::PREMIER_FORMATEUR);
    let stagiaires = portail
        .store()
        .lire(|c| chorus_store::classe::stagiaires_du_bac(c, &premier.id, &bac))
        .expect("read");
    assert_eq!(stagiaires.as_deref(), Some("Camille Martin"));
}

#[tokio::test]
async fn regenerer_le_jeton_revoque_l_ancien_et_seule_l_empreinte_est_gardee() {
    let portail = Portail::nouveau();
    let mut f = Formateur::connecte(&portail, "a@exemple.fr").await;
    f.get("/formateur").await.assert_contient("Vous n'avez pas encore de jeton.");
    let ancien = f.jeton_api().await;
    let nouveau = f.jeton_api().await;
    assert_ne!(ancien, nouveau);
    assert!(nouveau.starts_with("csb_") && nouveau.len() == 68, "{nouveau}");
    ClientApi::new(&portail.app, &ancien)
        .post("/api/sim/v1/bacs", json!({ "stagiaire": "A B" }))
        .await
        .assert_statut(StatusCode::UNAUTHORIZED);
    creer_bac(&ClientApi::new(&portail.app, &nouveau), "Camille Martin").await;
    // Shown once: the home page no longer has it, and the database only its SHA-256.
    let page = f.get("/formateur").await;
    page.assert_absent(&nouveau).assert_contient("Un jeton est actif depuis le 22/11/2026");
    let garde: String = portail
        .store()
        .lire(|c| {
            Ok(c.query_row("SELECT jeton_api FROM formateur WHERE email = 'a@exemple.fr'", [], |r| r.get(0))?)
        })
        .expect("read");
    assert_eq!(garde.len(), 64);
    assert!(!garde.contains(&nouveau[4..]));
    // The form is protected like every console form.
    f.post_form_sans_csrf("/formateur/jeton-api", &[] as &[(&str, &str)])
        .await
        .assert_statut(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn creer_un_bac_le_lire_et_s_y_connecter() {
    let portail = Portail::nouveau();
    let (mut f, client) = formateur_et_client(&portail, "a@exemple.fr").await;
    let (bac, cree) = creer_bac(&client, "Camille Martin").await;
    assert_eq!(cree["dateSimulee"], date_fixe().to_string());
    assert_eq!(cree["structure"]["siret"].as_str().map(str::len), Some(14));
    assert!(!cree["structure"]["raisonSociale"].as_str().unwrap_or("").is_empty());
    assert_eq!(cree["classe"]["titre"], chorus_store::simulation::TITRE_CLASSE_API);
    let r = client.get(&format!("/api/sim/v1/bacs/{bac}")).await;
    r.assert_statut(StatusCode::OK);
    assert_eq!(r.json["idBac"], bac.as_str());
    assert_eq!(r.json["stagiaires"], json!(["Camille Martin"]));
    assert_eq!(r.json["factures"], json!({ "total": 0, "parStatut": {}, "aReprendre": 0 }));
    assert_eq!(r.json["structure"], cree["structure"]);
    // A second sandbox lands in the same API class, which the console lists.
    let (_, deux) = creer_bac(&client, "Dominique Leroy").await;
    assert_eq!(deux["classe"]["code"], cree["classe"]["code"]);
    f.get("/formateur").await.assert_contient("Bacs à sable créés par l");

    // The trainee logs in with the credentials the API gave (two-step login is on by default).
    let mut stagiaire = Navigateur::new(&portail.app);
    stagiaire.get("/connexion").await;
    let r = stagiaire
        .post_form(
            "/connexion",
            &[
                ("identifiant", cree["connexion"]["identifiant"].as_str().unwrap_or("")),
                ("mot_de_passe", cree["connexion"]["motDePasse"].as_str().unwrap_or("")),
            ],
        )
        .await;
    r.assert_redirige("/connexion/code");

    // In a class of the trainer's own, by its code.
    let (_, code) = f.creer_classe("pratique_libre").await;
    let r = client.post("/api/sim/v1/bacs", json!({ "stagiaire": "Eve Durand", "codeClasse": code })).await;
    r.assert_statut(StatusCode::CREATED);
    assert_eq!(r.json["classe"]["code"], code.as_str());
    let (_, code_compte) = f.creer_classe("creation_du_compte").await;
    client
        .post("/api/sim/v1/bacs", json!({ "stagiaire": "Eve Durand", "codeClasse": code_compte }))
        .await
        .assert_erreur(StatusCode::CONFLICT, "pratique libre");
    let (_, autre) = formateur_et_client(&portail, "b@exemple.fr").await;
    autre
        .post("/api/sim/v1/bacs", json!({ "stagiaire": "Eve Durand", "codeClasse": code }))
        .await
        .assert_erreur(StatusCode::NOT_FOUND, "Classe introuvable");
    // An unknown scenario is refused with the list of those that exist.
    client
        .post("/api/sim/v1/bacs", json!({ "stagiaire": "Eve Durand", "scenario": "rejet-simple" }))
        .await
        .assert_erreur(StatusCode::BAD_REQUEST, "Scénarios disponibles");
}

#[tokio::test]
async fn corps_mal_formes_400_avec_un_libelle_en_francais() {
    let Scene { client, b, f, .. } = scene("MAL-1").await;
    let post_routes = [
        "/api/sim/v1/bacs".to_string(),
        format!("{b}/horloge"),
        format!("{b}/factures"),
        format!("{f}/traiter"),
        format!("{f}/completer"),
        format!("{b}/reinitialiser"),
    ];
    for chemin in &post_routes {
        client
            .post_brut(chemin, b"{\"stagiaire\": ")
            .await
            .assert_erreur(StatusCode::BAD_REQUEST, "n'est pas du JSON valide (ligne 1");
        client
            .post_brut(chemin, b"[1, 2]")
            .await
            .assert_erreur(StatusCode::BAD_REQUEST, "doit être un objet JSON");
        client.post_brut(chemin, "\u{feff}{}".as_bytes()).await.assert_statut(StatusCode::BAD_REQUEST);
    }
    // Empty body where one is expected.
    for chemin in &post_routes[..5] {
        client.post_brut(chemin, b"").await.assert_erreur(StatusCode::BAD_REQUEST, "vide");
    }
    let cas = [
        ("/api/sim/v1/bacs".to_string(), json!({}), "« stagiaire » est obligatoire"),
        (
            "/api/sim/v1/bacs".to_string(),
            json!({ "stagiaire": ["Camille"] }),
            "« stagiaire » doit être un texte, et non une liste",
        ),
        // A number is not silently turned into a name.
        (
            "/api/sim/v1/bacs".to_string(),
            json!({ "stagiaire": 12 }),
            "« stagiaire » doit être un texte, et non un nombre",
        ),
        (format!("{b}/horloge"), json!({}), "« avancerJours » est obligatoire"),
        (
            format!("{b}/horloge"),
            json!({ "avancerJours": "trois" }),
            "« avancerJours » doit être un nombre entier positif",
        ),
        (format!("{b}/horloge"), json!({ "avancerJours": -2 }), "nombre entier positif"),
        (format!("{b}/horloge"), json!({ "avancerJours": 400 }), "entre 1 et 365"),
        (
            format!("{b}/factures"),
            json!({ "destinataire": "21852884200097" }),
            "« destinataire » doit être un objet, et non un texte",
        ),
        (format!("{b}/factures"), json!({ "lignePoste": [1] }), "« lignePoste[0] » doit être un objet"),
        (
            format!("{b}/factures"),
            json!({ "references": { "typeFacture": true } }),
            "« references.typeFacture » doit être un texte",
        ),
        (format!("{b}/factures"), json!({ "references": { "deviseFacture": "USD" } }), "qu'en euros"),
        (format!("{b}/factures"), json!({ "modeDepot": "DEPOT_PDF_API" }), "SAISIE_API"),
        (format!("{f}/traiter"), json!({}), "« nouveauStatut » est obligatoire"),
        (format!("{f}/traiter"), json!({ "nouveauStatut": "PAYEE" }), "n'est pas un statut de Chorus Pro"),
        (
            format!("{f}/completer"),
            json!({ "commentaire": { "texte": "x" } }),
            "« commentaire » doit être un texte",
        ),
    ];
    for (chemin, corps, attendu) in cas {
        client.post(&chemin, corps).await.assert_erreur(StatusCode::BAD_REQUEST, attendu);
    }
    // The app's body limit stays, answered in French.
    let enorme = format!("{{\"stagiaire\": \"{}\"}}", "a".repeat(3 * 1024 * 1024));
    client
        .post_brut("/api/sim/v1/bacs", enorme.as_bytes())
        .await
        .assert_erreur(StatusCode::PAYLOAD_TOO_LARGE, "2 Mo");
    // No Content-Type header: a `curl -d` without `-H` is still read as JSON.
    let r =
        client.envoyer(Method::POST, &format!("{b}/horloge"), Some(br#"{"avancerJours": 1}"#.to_vec())).await;
    r.assert_statut(StatusCode::OK);
}

#[tokio::test]
async fn soumettre_accepte_une_facture_et_la_rend_lisible() {
    let portail = Portail::nouveau();
    let (_, client) = formateur_et_client(&portail, "a@exemple.fr").await;
    let (bac, cree) = creer_bac(&client, "Camille Martin").await;
    let mut corps = facture("API-0001");
    corps["fournisseur"]["idFournisseur"] = cree["structure"]["siret"].clone();
    let r = client.post(&format!("/api/sim/v1/bacs/{bac}/factures"), corps).await;
    r.assert_statut(StatusCode::CREATED);
    assert_eq!(r.json["codeRetour"], 0);
    assert_eq!(r.json["libelle"], "TRA_MSG_00.000");
    assert_eq!(r.json["numeroFacture"], "API-0001");
    assert_eq!(r.json["dateDepot"], date_fixe().to_string());
    assert_eq!(r.json["statutFacture"], "MISE_A_DISPOSITION");
    let id = r.texte_de("identifiantFactureCPP");
    assert!(r.entetes.get("set-cookie").is_none(), "the API never sets a session cookie");

    let liste = client.get(&format!("/api/sim/v1/bacs/{bac}/factures")).await;
    liste.assert_statut(StatusCode::OK);
    assert_eq!(liste.json["total"], 1);
    assert_eq!(liste.json["factures"][0]["identifiantFactureCPP"], id.as_str());
    assert_eq!(liste.json["factures"][0]["montantTtcTotal"], "1440.00");
    client
        .get(&format!("/api/sim/v1/bacs/{bac}/factures?page=0"))
        .await
        .assert_erreur(StatusCode::BAD_REQUEST, "page");

    let d = client.get(&format!("/api/sim/v1/bacs/{bac}/factures/{id}")).await;
    d.assert_statut(StatusCode::OK);
    assert_eq!(d.json["statutCourantCode"], "MISE_A_DISPOSITION");
    assert_eq!(d.json["modeDepot"], "SAISIE_API");
    assert_eq!(
        d.json["montantTotal"],
        json!({ "montantHtTotal": "1200.00", "montantTVA": "240.00", "montantTtcTotal": "1440.00", "montantAPayer": "1440.00" })
    );
    let codes: Vec<&str> = d.json["historiquesDesStatuts"]["histoStatut"]
        .as_array()
        .expect("history")
        .iter()
        .filter_map(|h| h["histoStatutCode"].as_str())
        .collect();
    assert_eq!(codes, ["DEPOSEE", "EN_COURS_ACHEMINEMENT", "MISE_A_DISPOSITION"]);
    let synthese = client.get(&format!("/api/sim/v1/bacs/{bac}")).await;
    assert_eq!(synthese.json["factures"]["parStatut"], json!({ "MISE_A_DISPOSITION": 1 }));

    // A VAT code whose rate is not established is refused rather than guessed.
    let mut code_tva = facture("API-0002");
    code_tva["lignePoste"][0]["lignePosteTauxTvaManuel"] = Value::Null;
    code_tva["lignePoste"][0]["lignePosteTauxTva"] = json!("TVA20");
    let r = client.post(&format!("/api/sim/v1/bacs/{bac}/factures"), code_tva).await;
    r.assert_erreur(StatusCode::BAD_REQUEST, "« lignePoste[0].lignePosteTauxTva » : le code « TVA20 »");
    assert!(r.json["libelle"].as_str().unwrap().contains("lignePosteTauxTvaManuel"), "{}", r.json);

    // TVA1 is the franchise en base (art. 293 B du CGI): 0 %, its label as the exemption motive.
    let mut franchise = facture("API-0003");
    franchise["lignePoste"][0]["lignePosteTauxTvaManuel"] = Value::Null;
    franchise["lignePoste"][0]["lignePosteTauxTva"] = json!("TVA1");
    franchise["references"]["typeTva"] = json!("EXONERATION");
    franchise["montantTotal"] = json!({});
    let r = client.post(&format!("/api/sim/v1/bacs/{bac}/factures"), franchise).await;
    r.assert_statut(StatusCode::CREATED);
    let id = r.json["identifiantFactureCPP"].as_str().unwrap().to_string();
    let lue = client.get(&format!("/api/sim/v1/bacs/{bac}/factures/{id}")).await;
    assert_eq!(lue.json["montantTotal"]["montantTVA"], json!("0.00"), "{}", lue.json);
    assert_eq!(
        lue.json["references"]["motifExonerationTva"],
        json!("Art 293B (FranchiseEnBase)"),
        "{}",
        lue.json
    );
}

#[tokio::test]
async fn soumettre_refuse_avec_un_code_retour_et_les_anomalies() {
    let portail = Portail::nouveau();
    let (_, client) = formateur_et_client(&portail, "a@exemple.fr").await;
    let (bac, _) = creer_bac(&client, "Camille Martin").await;
    soumettre(&client, &bac, "API-0001").await;
    let mut corps = facture("API-0001");
    corps["montantTotal"]["montantTtcTotal"] = json!("1400.00");
    corps["lignePoste"][0]["lignePosteQuantite"] = json!("deux");
    let r = client.post(&format!("/api/sim/v1/bacs/{bac}/factures"), corps).await;
    r.assert_erreur(StatusCode::BAD_REQUEST, "La facture est refusée");
    let champs = r.champs_en_anomalie();
    assert!(champs.iter().any(|c| c == "lignePoste[0].lignePosteQuantite"), "{champs:?}");
    let r = client
        .post(&format!("/api/sim/v1/bacs/{bac}/factures"), {
            let mut c = facture("API-0001");
            c["montantTotal"]["montantTtcTotal"] = json!("1400.00");
            c
        })
        .await;
    let champs = r.champs_en_anomalie();
    assert_eq!(champs, ["numeroFactureSaisi", "montantTotal.montantTtcTotal"], "{}", r.texte);
    assert!(r.libelle().contains("1\u{202f}440,00"), "{}", r.libelle());
    let mut inconnu = facture("API-0003");
    inconnu["destinataire"]["codeDestinataire"] = json!("12345678900000");
    let r = client.post(&format!("/api/sim/v1/bacs/{bac}/factures"), inconnu).await;
    r.assert_statut(StatusCode::BAD_REQUEST);
    assert_ne!(r.json["codeRetour"], 0);
    let champs = r.champs_en_anomalie();
    assert!(champs.iter().any(|c| c == "destinataire.codeDestinataire"), "{}", r.texte);
    let mut autre_fournisseur = facture("API-0004");
    autre_fournisseur["fournisseur"]["idFournisseur"] = json!("41234567800011");
    client
        .post(&format!("/api/sim/v1/bacs/{bac}/factures"), autre_fournisseur)
        .await
        .assert_erreur(StatusCode::BAD_REQUEST, "idFournisseur");
    // Nothing refused was recorded.
    assert_eq!(client.get(&format!("/api/sim/v1/bacs/{bac}/factures")).await.json["total"], 1);
}

#[tokio::test]
async fn traiter_et_completer_suivent_les_regles_du_portail() {
    let Scene { portail, client, bac, f, .. } = scene("REG-1").await;
    client
        .post(&format!("{f}/traiter"), json!({ "nouveauStatut": "SUSPENDUE" }))
        .await
        .assert_erreur(StatusCode::CONFLICT, "motif");
    client
        .post(&format!("{f}/completer"), json!({ "commentaire": "Rien à compléter" }))
        .await
        .assert_statut(StatusCode::CONFLICT);
    let r = client
        .post(&format!("{f}/traiter"), json!({ "nouveauStatut": "REJETEE", "motif": "Prix erroné" }))
        .await;
    r.assert_statut(StatusCode::OK);
    assert_eq!(r.json["nouveauStatut"], "REJETEE");
    assert_eq!(r.json["dateTraitement"], date_fixe().to_string());
    client
        .post(&format!("{f}/traiter"), json!({ "nouveauStatut": "SERVICE_FAIT" }))
        .await
        .assert_statut(StatusCode::CONFLICT);
    let d = client.get(&f).await;
    let dernier = d.json["historiquesDesStatuts"]["histoStatut"]
        .as_array()
        .and_then(|h| h.last())
        .cloned()
        .unwrap_or_default();
    assert_eq!(dernier["histoStatutCommentaire"], "Prix erroné");
    assert_eq!(dernier["histoStatutActeur"], "DESTINATAIRE");
    // The debrief tells API actions apart.
    let joue_par: String = portail
        .store()
        .lire(|c| {
            Ok(c.query_row(
                "SELECT json_extract(donnees, '$.joue_par') FROM journal WHERE statut = 'REJETEE'",
                [],
                |r| r.get(0),
            )?)
        })
        .expect("read");
    assert_eq!(joue_par, "API");
    let delai = client.get(&format!("{f}/delai-paiement")).await;
    delai.assert_statut(StatusCode::OK);
    assert_eq!(delai.json["situation"], "REJETEE");
    // Resetting empties the sandbox and brings its clock back.
    client
        .post(&format!("/api/sim/v1/bacs/{bac}/horloge"), json!({ "avancerJours": 3 }))
        .await
        .assert_statut(StatusCode::OK);
    let r = client.post_brut(&format!("/api/sim/v1/bacs/{bac}/reinitialiser"), b"").await;
    r.assert_statut(StatusCode::OK);
    assert_eq!(r.json, json!({ "dateSimulee": date_fixe().to_string() }));
    assert_eq!(client.get(&format!("/api/sim/v1/bacs/{bac}/factures")).await.json["total"], 0);
    client.get(&f).await.assert_statut(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn suspendue_completee_puis_delai_de_paiement_comme_sur_le_portail() {
    let Scene { portail, client, bac, cree, id, b, f } = scene("DGP-1").await;
    let r = client.post(&format!("{b}/horloge"), json!({ "avancerJours": 5 })).await;
    assert_eq!(r.json, json!({ "dateSimulee": "2026-11-27" }));
    let r = client
        .post(
            &format!("{f}/traiter"),
            json!({ "nouveauStatut": "SUSPENDUE", "motif": "Bon de livraison manquant" }),
        )
        .await;
    assert_eq!(r.json["nouveauStatut"], "SUSPENDUE", "{}", r.texte);
    assert_eq!(client.get(&b).await.json["factures"]["aReprendre"], 1);
    let interrompu = client.get(&format!("{f}/delai-paiement")).await;
    assert_eq!(interrompu.json["situation"], "INTERROMPU");
    assert_eq!(interrompu.json["dateEcheance"], Value::Null);
    client.post(&format!("{b}/horloge"), json!({ "avancerJours": 3 })).await.assert_statut(StatusCode::OK);
    let r = client.post(&format!("{f}/completer"), json!({ "commentaire": "Bon de livraison n° 42" })).await;
    r.assert_statut(StatusCode::OK);
    assert_eq!(r.json["statutFacture"], "COMPLETEE");
    client.post(&format!("{b}/horloge"), json!({ "avancerJours": 2 })).await.assert_statut(StatusCode::OK);
    let d = client.get(&format!("{f}/delai-paiement")).await;
    d.assert_statut(StatusCode::OK);
    // Received on 22/11, suspended on 27/11 (5 days run), completed on 30/11: a new 30-day term
    // (R2192-29), the term stopped for 3 days.
    assert_eq!(
        d.json,
        json!({
            "situation": "EN_COURS", "statutFacture": "COMPLETEE", "dateDebut": "2026-11-22", "delaiJours": 30,
            "dateEcheance": "2026-12-30", "joursRestants": 28, "joursSuspension": 3, "dateMiseEnPaiement": null,
            "joursRetard": 0, "tauxInteretsMoratoires": null, "interetsMoratoires": "0.00", "indemniteForfaitaire": "0.00"
        })
    );

    // The trainee's « Suivi du paiement » page shows the same figures.
    portail
        .store()
        .ecrire(|tx| chorus_store::bac::regler_double_authentification(tx, &bac, false))
        .expect("two-step login off");
    let mut stagiaire = Navigateur::new(&portail.app);
    stagiaire.get("/connexion").await;
    stagiaire
        .post_form(
            "/connexion",
            &[
                ("identifiant", cree["connexion"]["identifiant"].as_str().unwrap_or("")),
                ("mot_de_passe", cree["connexion"]["motDePasse"].as_str().unwrap_or("")),
            ],
        )
        .await
        .assert_redirige("/");
    stagiaire
        .get(&format!("/factures-emises/{id}/suivi-paiement"))
        .await
        .assert_statut(StatusCode::OK)
        .assert_contient("Échéance le 30/12/2026 : il reste 28 jours")
        .assert_contient("délai arrêté pendant 3 jours");

    // The simulated buyer starts again from the completion and pays 20 days later (20/12),
    // within the new term.
    client.post(&format!("{b}/horloge"), json!({ "avancerJours": 30 })).await.assert_statut(StatusCode::OK);
    let payee = client.get(&format!("{f}/delai-paiement")).await;
    assert_eq!(payee.json["situation"], "PAYEE_DANS_LE_DELAI", "{}", payee.texte);
    assert_eq!(payee.json["statutFacture"], "MISE_EN_PAIEMENT");
}

/// Every `curl` example of `docs/api.md`, in the order of the document, is accepted by the API:
/// the documentation cannot drift from what the server does.
#[tokio::test]
async fn les_exemples_de_la_documentation_sont_acceptes() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/api.md"))
        .expect("docs/api.md");
    let portail = Portail::nouveau();
    let (_, client) = formateur_et_client(&portail, "a@exemple.fr").await;
    let mut variables: Vec<(String, String)> = Vec::new();
    let mut exemples = 0;
    for bloc in doc.split("```").skip(1).step_by(2) {
        let Some(commande) = bloc.strip_prefix("sh\n").filter(|b| b.trim_start().starts_with("curl")) else {
            continue;
        };
        let (methode, chemin, corps) = commande_curl(commande);
        let mut chemin = chemin;
        let mut corps = corps;
        for (nom, valeur) in &variables {
            chemin = chemin.replace(nom, valeur);
            corps = corps.map(|c| c.replace(nom, valeur));
        }
        if let Some(c) = &corps {
            serde_json::from_str::<Value>(c)
                .unwrap_or_else(|e| panic!("invalid JSON in the example of {chemin}: {e}\n{c}"));
        }
        let r = client.envoyer(methode.clone(), &chemin, corps.map(String::into_bytes)).await;
        assert!(r.statut.is_success(), "{methode} {chemin}: {}\n{}", r.statut, r.texte);
        if let Some(id) = r.json["idBac"].as_str() {
            variables.push(("$BAC".into(), id.into()));
        }
        if let Some(id) = r.json["idFactureTravaux"].as_str() {
            variables.retain(|(n, _)| n != "$DOSSIER");
            variables.push(("$DOSSIER".into(), id.into()));
        }
        if let Some(n) = r.json["numeroFluxDepot"].as_str() {
            variables.retain(|(v, _)| v != "$FLUX");
            variables.push(("$FLUX".into(), n.into()));
        }
        if let Some(id) = r.json["identifiantFactureCPP"].as_str() {
            variables.retain(|(n, _)| n != "$FACTURE");
            variables.push(("$FACTURE".into(), id.into()));
        }
        exemples += 1;
    }
    assert!(exemples >= 10, "only {exemples} curl examples found in docs/api.md");
}

/// Method, path (after the host) and `-d` body of a `curl` command written over several lines.
fn commande_curl(commande: &str) -> (Method, String, Option<String>) {
    let une_ligne = commande.replace("\\\n", " ");
    let url = une_ligne
        .split_whitespace()
        .find_map(|m| m.trim_matches('"').strip_prefix("http://localhost:8080"))
        .unwrap_or_else(|| panic!("no http://localhost:8080 URL in: {commande}"))
        .to_string();
    let corps = une_ligne.find("-d '").map(|debut| {
        let reste = &une_ligne[debut + 4..];
        reste[..reste.find('\'').expect("closing quote of -d")].to_string()
    });
    let methode = if une_ligne.contains("-X POST") || corps.is_some() { Method::POST } else { Method::GET };
    (methode, url, corps)
}

/// A sandbox created on an exercise: the scripted buyer suspends the invoice sent by API.
#[tokio::test]
async fn creer_un_bac_sur_un_exercice() {
    let portail = Portail::nouveau();
    let (_, client) = formateur_et_client(&portail, "a@exemple.fr").await;
    client
        .post("/api/sim/v1/bacs", json!({ "stagiaire": "Louis Bernard", "scenario": "inconnu" }))
        .await
        .assert_erreur(StatusCode::BAD_REQUEST, "suspendue-piece");
    client
        .post(
            "/api/sim/v1/bacs",
            json!({ "stagiaire": "Louis Bernard", "scenario": "suspendue-piece", "mode": "examen" }),
        )
        .await
        .assert_erreur(StatusCode::BAD_REQUEST, "evaluation");
    let r = client
        .post(
            "/api/sim/v1/bacs",
            json!({ "stagiaire": "Louis Bernard", "scenario": "suspendue-piece", "mode": "evaluation" }),
        )
        .await;
    r.assert_statut(StatusCode::CREATED);
    assert_eq!(r.json["scenario"]["id"], "suspendue-piece");
    assert_eq!(r.json["scenario"]["mode"], "evaluation");
    let bac = r.json["idBac"].as_str().expect("idBac").to_string();
    let mut f = facture("DEP-1");
    f["destinataire"] = json!({ "codeDestinataire": "22221733300095", "codeServiceExecutant": "DIR_ROUTES" });
    let id = client.post(&format!("/api/sim/v1/bacs/{bac}/factures"), f).await.json["identifiantFactureCPP"]
        .as_str()
        .expect("invoice id")
        .to_string();
    client
        .post(&format!("/api/sim/v1/bacs/{bac}/horloge"), json!({ "avancerJours": 3 }))
        .await
        .assert_statut(StatusCode::OK);
    let d = client.get(&format!("/api/sim/v1/bacs/{bac}/factures/{id}")).await;
    assert_eq!(d.json["statutCourantCode"], "SUSPENDUE", "{}", d.json);
    let dernier = d.json["historiquesDesStatuts"]["histoStatut"]
        .as_array()
        .and_then(|h| h.last())
        .cloned()
        .unwrap_or_default();
    assert!(
        dernier["histoStatutCommentaire"].as_str().unwrap_or_default().contains("attestation de passage")
    );
}

/// A9 through the API: the validator is mandatory and checked, the invoice waits for it, the
/// trainer makes the validator answer (refusal for a wrong validator, then validation after the
/// supplier's correction), and the invoice reads back with the consultation fields.
#[tokio::test]
async fn sous_traitance_par_l_api() {
    let s = scene("FA-A1").await;
    let client = &s.client;
    let a9 = |numero: &str, valideur: Value| {
        let mut f = facture(numero);
        f["cadreDeFacturation"] =
            json!({ "codeCadreFacturation": "A9_FACTURE_SOUSTRAITANT", "codeStructureValideur": valideur });
        f
    };
    let factures = format!("{}/factures", s.b);
    for (valideur, code) in
        [(json!(null), "VALIDEUR_OBLIGATOIRE"), (json!("12000015300011"), "VALIDEUR_INCONNU")]
    {
        let r = client.post(&factures, a9("ST-1", valideur)).await;
        r.assert_statut(StatusCode::BAD_REQUEST);
        assert_eq!(r.json["codeRetour"], 400);
        assert_eq!(
            r.json["anomalies"][0]["champ"], "cadreDeFacturation.codeStructureValideur",
            "{}",
            r.texte
        );
        assert_eq!(r.json["anomalies"][0]["code"], code, "{}", r.texte);
    }
    let r = client.post(&factures, a9("ST-1", json!(ARCHITECTE))).await;
    r.assert_statut(StatusCode::CREATED);
    assert_eq!(r.json["statutFacture"], "A_VALIDER_1", "{}", r.texte);
    let f = format!("{factures}/{}", r.texte_de("identifiantFactureCPP"));
    let lue = client.get(&f).await;
    assert_eq!(lue.json["cadreDeFacturation"]["codeValideur1"], ARCHITECTE, "{}", lue.texte);
    assert_eq!(lue.json["cadreDeFacturation"]["raisonSocialeValideur1"], "ATELIER D'ARCHITECTURE SERRE");
    assert_eq!(lue.json["cadreDeFacturation"]["dateValidation1"], Value::Null);

    let motifs = client.get("/api/sim/v1/motifs-refus").await;
    motifs.assert_statut(StatusCode::OK);
    assert_eq!(motifs.json["listeMotifRefusFactureAValider"].as_array().unwrap().len(), 8);
    let r = client
        .post(&format!("{f}/traiter-a-valider"), json!({ "action": "REFUS", "motifRefus": "TROP_CHER" }))
        .await;
    r.assert_statut(StatusCode::BAD_REQUEST);
    assert!(r.json["libelle"].as_str().unwrap().contains("n'est pas un motif de la liste"), "{}", r.texte);
    let r =
        client.post(&format!("{f}/traiter-a-valider"), json!({ "action": "REFUS", "motifRefus": 1 })).await;
    r.assert_statut(StatusCode::OK);
    assert_eq!(r.json["statutFacture"], "ERREUR_FOURNISSEUR_SUR_VALIDEUR", "{}", r.texte);
    // Waiting for no validator now: 409.
    let r = client.post(&format!("{f}/traiter-a-valider"), json!({ "action": "VALIDATION" })).await;
    r.assert_statut(StatusCode::CONFLICT);
    let r =
        client.post(&format!("{f}/corriger-valideur"), json!({ "identifiantStructure": ARCHITECTE })).await;
    r.assert_statut(StatusCode::BAD_REQUEST);
    let r =
        client.post(&format!("{f}/corriger-valideur"), json!({ "identifiantStructure": TITULAIRE })).await;
    r.assert_statut(StatusCode::OK);
    assert_eq!(r.json["statutFacture"], "A_VALIDER_1", "{}", r.texte);
    let r = client.post(&format!("{f}/traiter-a-valider"), json!({ "action": "VALIDATION" })).await;
    assert_eq!(r.json["statutFacture"], "MISE_A_DISPOSITION", "{}", r.texte);
    let lue = client.get(&f).await;
    assert_eq!(lue.json["cadreDeFacturation"]["codeValideur1"], TITULAIRE);
    assert_eq!(lue.json["cadreDeFacturation"]["dateValidation1"], date_fixe().to_string());
    let acteurs: Vec<&str> = lue.json["historiquesDesStatuts"]["histoStatut"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["histoStatutActeur"].as_str().unwrap())
        .collect();
    assert_eq!(
        acteurs,
        [
            "FOURNISSEUR",
            "PREMIER_VALIDEUR",
            "FOURNISSEUR",
            "PREMIER_VALIDEUR",
            "SYSTEME",
            "SYSTEME",
            "SYSTEME"
        ]
    );
    // A classic invoice waits for no validator.
    let r = client.post(&format!("{}/traiter-a-valider", s.f), json!({ "action": "VALIDATION" })).await;
    r.assert_statut(StatusCode::CONFLICT);
}

/// Works pieces through the API: the deposit with its checks, the MOE and the MOA made to act
/// (an amount error is not a refusal, a gesture the circuit does not allow is a conflict), the
/// dossier read back with its deadlines and chain of pieces, and another trainer's script kept
/// out.
#[tokio::test]
async fn factures_de_travaux_par_l_api() {
    let s = scene("FA-T1").await;
    let client = &s.client;
    let travaux = format!("{}/factures-travaux", s.b);
    let projet = |cadre: &str, numero: &str, moe: Value| {
        json!({
            "cadreDeFacturation": { "codeCadreFacturation": cadre },
            "numeroFactureTravaux": numero, "dateFactureTravaux": "2026-11-22",
            "identifiantDestinataire": "21852884200097", "numeroMarche": "2026-TRV-031",
            "identifiantMoe": moe, "montantHT": "12000.00", "tauxTva": "20"
        })
    };
    let r =
        client.post(&travaux, projet("A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR", "PD-1", json!(null))).await;
    r.assert_statut(StatusCode::BAD_REQUEST);
    assert_eq!(r.json["anomalies"][0]["champ"], "identifiantMoe", "{}", r.texte);
    let r = client.post(&travaux, projet("A1_FACTURE_FOURNISSEUR", "PD-1", json!(ARCHITECTE))).await;
    r.assert_statut(StatusCode::BAD_REQUEST);
    assert_eq!(r.json["anomalies"][0]["champ"], "cadreDeFacturation.codeCadreFacturation", "{}", r.texte);
    let r = client
        .post(&travaux, projet("A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR", "PD-1", json!(ARCHITECTE)))
        .await;
    r.assert_statut(StatusCode::CREATED);
    assert_eq!(r.json["statutFactureTravaux"], "MISE_A_DISPOSITION_MOE", "{}", r.texte);
    let d = format!("{travaux}/{}", r.texte_de("idFactureTravaux"));

    let r = client
        .post(
            &format!("{d}/traiter"),
            json!({ "role": "MOE", "action": "REFUSER", "motifRefus": "ERREUR_MONTANT" }),
        )
        .await;
    r.assert_statut(StatusCode::BAD_REQUEST);
    assert!(r.json["libelle"].as_str().unwrap().contains("n'est pas un motif de refus"), "{}", r.texte);
    let r = client.post(&format!("{d}/traiter"), json!({ "role": "MOA", "action": "VALIDER" })).await;
    r.assert_statut(StatusCode::CONFLICT);
    let r = client
        .post(
            &format!("{d}/traiter"),
            json!({ "role": "MOE", "action": "TRANSMETTRE_MOA", "montantAdmisHT": "10000.00" }),
        )
        .await;
    r.assert_statut(StatusCode::OK);
    assert_eq!(r.json["statutFactureTravaux"], "MISE_A_DISPOSITION_MOA", "{}", r.texte);
    let r = client.post(&format!("{d}/traiter"), json!({ "role": "MOA", "action": "VALIDER" })).await;
    assert_eq!(r.json["statutFactureTravaux"], "MISE_A_DISPOSITION", "{}", r.texte);

    let lu = client.get(&d).await;
    lu.assert_statut(StatusCode::OK);
    let f = &lu.json["factureTravaux"];
    assert_eq!(f["montantHT"], "12000.00", "{}", lu.texte);
    assert_eq!(f["montantAdmisHT"], "10000.00");
    assert_eq!(f["montantAPayer"], "12000.00");
    assert_eq!(f["delais"]["dateReceptionMoe"], "2026-11-22");
    let pieces: Vec<(&str, &str)> = f["pieces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["typeFactureTravaux"].as_str().unwrap(), p["numeroFactureTravaux"].as_str().unwrap()))
        .collect();
    assert_eq!(pieces, [("A15_ETAT_ACOMPTE_MOE", "PD-1-EA"), ("A19_ETAT_ACOMPTE_VALIDE_MOA", "PD-1-EAV")]);
    let liste = client.get(&travaux).await;
    assert_eq!(liste.json["listeFacturesTravaux"].as_array().unwrap().len(), 1);
    // The dossier is not among the invoices of « Factures émises ».
    let factures = client.get(&format!("{}/factures", s.b)).await;
    assert!(!factures.texte.contains("PD-1"), "{}", factures.texte);

    // Another trainer's script sees nothing of this sandbox.
    let (_, autre) = formateur_et_client(&s.portail, "b@exemple.fr").await;
    autre.get(&d).await.assert_statut(StatusCode::NOT_FOUND);
    let r =
        autre.post(&format!("{d}/traiter"), json!({ "role": "MOE", "action": "PRENDRE_EN_COMPTE" })).await;
    r.assert_statut(StatusCode::NOT_FOUND);
}

/// Un avoir réduit ce que l'acheteur doit : l'API ne lui donne ni délai ni échéance, même
/// longtemps après sa comptabilisation.
#[tokio::test]
async fn un_avoir_n_a_ni_delai_ni_echeance_dans_l_api() {
    let Scene { client, b, .. } = scene("AV-ORIG-1").await;
    let mut avoir = facture("AV-1");
    avoir["references"]["typeFacture"] = json!("AVOIR");
    avoir["references"]["numeroFactureOrigine"] = json!("AV-ORIG-1");
    let r = client.post(&format!("{b}/factures"), avoir).await;
    r.assert_statut(StatusCode::CREATED);
    let id = r.texte_de("identifiantFactureCPP");
    client.post(&format!("{b}/horloge"), json!({ "avancerJours": 90 })).await.assert_statut(StatusCode::OK);
    let delai = client.get(&format!("{b}/factures/{id}/delai-paiement")).await;
    delai.assert_statut(StatusCode::OK);
    assert_eq!(delai.json["situation"], "AVOIR_NON_PAYABLE", "{}", delai.texte);
    assert_eq!(delai.json["statutFacture"], "COMPTABILISEE");
    for champ in
        ["delaiJours", "dateEcheance", "interetsMoratoires", "indemniteForfaitaire", "dateMiseEnPaiement"]
    {
        assert!(delai.json[champ].is_null(), "{champ} : {}", delai.texte);
    }
}
