//! Émargement, attestations, questionnaire de satisfaction et export, de bout en bout : le
//! stagiaire signe depuis son poste, le formateur confirme dans sa console, puis télécharge
//! la feuille, les attestations et les résultats. Cloisonnement : un autre formateur reçoit
//! 404, un stagiaire n'agit que pour lui-même et n'ouvre pas la console.

mod commun;

use axum::http::StatusCode;
use commun::{Formateur, Navigateur, Portail, date_fixe, rejoindre};
use lopdf::Document;

fn texte_pdf(octets: &[u8]) -> String {
    let doc = Document::load_mem(octets).expect("readable PDF");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    doc.extract_text(&pages).expect("text").replace('\u{a0}', " ")
}

/// Une classe qui a lieu aujourd'hui (le jour fixe des tests), en `demi_journees` ; son id et
/// son code. Avec une seule demi-journée, l'émargement est ouvert toute la journée.
async fn classe_du_jour(f: &mut Formateur, demi_journees: &str) -> (String, String) {
    let r = f
        .post_form(
            "/formateur/classes",
            &[
                ("titre", "Déposer ses factures dématérialisées sur le portail Chorus Pro"),
                ("date_debut", &date_fixe().format("%Y-%m-%d").to_string()),
                ("date_fin", ""),
                ("demi_journees", demi_journees),
                ("lieu", "CMA Lozère, Mende"),
                ("organisme", "Chambre de métiers et de l'artisanat"),
                ("depart", "pratique_libre"),
            ],
        )
        .await;
    let chemin = r.location().to_string();
    let page = f.get(&chemin).await;
    page.assert_statut(StatusCode::OK);
    let marque = "class=\"code-classe-grand\"";
    let debut = page.corps.find(marque).expect("join code") + marque.len();
    let debut = debut + page.corps[debut..].find('>').expect("end of tag") + 1;
    (chemin.trim_start_matches("/formateur/classes/").to_string(), page.corps[debut..debut + 6].to_string())
}

async fn signer(nav: &mut Navigateur, nom: &str) -> commun::Reponse {
    nav.get("/emargement").await.assert_statut(StatusCode::OK);
    nav.post_form("/emargement", &[("certifie", "oui"), ("nom_signe", nom), ("trace", "")]).await
}

/// The participant ids of the console's attendance sheet, in order (from the attestation links).
fn participants(page: &str, classe: &str) -> Vec<String> {
    let marque = format!("href=\"/formateur/classes/{classe}/attestations/");
    page.split(&marque).skip(1).map(|s| s[..s.find('"').expect("end of link")].to_string()).collect()
}

#[tokio::test]
async fn signer_confirmer_puis_feuille_et_attestation() {
    let portail = Portail::nouveau();
    let mut f = Formateur::connecte(&portail, "formatrice@cma48.exemple.fr").await;
    let (classe, code) = classe_du_jour(&mut f, "1").await;
    let mut zoe = rejoindre(&portail.app, &code, "Zoé Lœuvre", "").await.nav;
    let mut paul = rejoindre(&portail.app, &code, "Paul Martin", "").await.nav;

    // L'accueil du portail invite à signer.
    zoe.get("/").await.assert_statut(StatusCode::OK).assert_contient("Signer la feuille d'émargement");
    // Sans la case ni le bon nom : la page revient avec les erreurs.
    zoe.get("/emargement").await;
    let r = zoe.post_form("/emargement", &[("nom_signe", "Paul Martin")]).await;
    r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contient("Je certifie être présent(e)")
        .assert_contient("Tapez votre nom tel qu'il figure sur la feuille");
    // Un tracé forgé est refusé, pas recopié.
    let r = zoe
        .post_form(
            "/emargement",
            &[("certifie", "oui"), ("nom_signe", "Zoé Lœuvre"), ("trace", "M 1 1 <script>")],
        )
        .await;
    r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY).assert_absent("<script>");
    signer(&mut zoe, "zoé lœuvre").await.assert_redirige("/emargement/signe");
    zoe.get("/emargement/signe")
        .await
        .assert_contient("Signature enregistrée")
        .assert_contient("Signé, à confirmer");
    // Un dessin valide est gardé et redessiné.
    paul.get("/emargement").await;
    paul.post_form(
        "/emargement",
        &[("certifie", "oui"), ("nom_signe", "Paul Martin"), ("trace", "M 10 10 L 60 40 L 90 20")],
    )
    .await
    .assert_redirige("/emargement/signe");
    paul.get("/emargement").await.assert_contient("<polyline points=\"10,10 60,40 90,20\"");

    // Avant confirmation, l'attestation ne compte aucune heure.
    let page = f.get(&format!("/formateur/classes/{classe}/emargement")).await;
    page.assert_statut(StatusCode::OK).assert_contient("Signé, à confirmer");
    let ids = participants(&page.corps, &classe);
    assert_eq!(ids.len(), 2);
    let a = f.telecharger(&format!("/formateur/classes/{classe}/attestations/{}", ids[0])).await;
    assert_eq!(a.statut, StatusCode::OK);
    assert_eq!(a.entete("content-type"), "application/pdf");
    assert!(texte_pdf(&a.octets).contains("0 heures"), "{}", texte_pdf(&a.octets));

    // Le formateur confirme Zoé seule.
    f.post_form(
        &format!("/formateur/classes/{classe}/emargement"),
        &[("participant", ids[0].as_str()), ("demi_journee", "1"), ("decision", "confirmer")],
    )
    .await
    .assert_redirige(&format!("/formateur/classes/{classe}/emargement"));
    let pdf = f.telecharger(&format!("/formateur/classes/{classe}/emargement.pdf")).await;
    assert_eq!(pdf.statut, StatusCode::OK);
    let texte = texte_pdf(&pdf.octets);
    for attendu in [
        "Feuille d'émargement",
        "Zoé Lœuvre",
        "Présent",
        "Paul Martin",
        "Signé, à confirmer",
        "Signé le 22/11/2026 à",
    ] {
        assert!(texte.contains(attendu), "« {attendu} » absent de :\n{texte}");
    }
    let seule = f.telecharger(&format!("/formateur/classes/{classe}/emargement.pdf?demi_journee=1")).await;
    assert_eq!(seule.statut, StatusCode::OK);
    let r = f.telecharger(&format!("/formateur/classes/{classe}/emargement.pdf?demi_journee=9")).await;
    assert_eq!(r.statut, StatusCode::NOT_FOUND);
    let r = f.telecharger(&format!("/formateur/classes/{classe}/emargement.pdf?demi_journee=x")).await;
    assert_eq!(r.statut, StatusCode::NOT_FOUND);

    // Confirmée, la demi-journée compte : 3,5 heures, la formation, les dates, les acquis.
    let a = f.telecharger(&format!("/formateur/classes/{classe}/attestations/{}", ids[0])).await;
    let texte = texte_pdf(&a.octets);
    for attendu in [
        "Attestation de présence et des acquis de fin de formation",
        "Zoé Lœuvre",
        "Déposer ses factures dématérialisées sur le portail Chorus Pro",
        "le dimanche 22 novembre 2026",
        "3,5 heures",
        "Factures envoyées",
    ] {
        assert!(texte.contains(attendu), "« {attendu} » absent de :\n{texte}");
    }
    let toutes = f.telecharger(&format!("/formateur/classes/{classe}/attestations.pdf")).await;
    let texte = texte_pdf(&toutes.octets);
    assert!(texte.contains("Zoé Lœuvre") && texte.contains("Paul Martin"));

    // Zoé voit sa présence confirmée et ne peut plus signer.
    zoe.get("/emargement").await.assert_contient("Présent").assert_absent("name=\"certifie\"");
    // Une action inconnue, une demi-journée absurde : 400 avec un message, pas de panique.
    let r = f
        .post_form(
            &format!("/formateur/classes/{classe}/emargement"),
            &[("demi_journee", "1"), ("decision", "tout")],
        )
        .await;
    r.assert_statut(StatusCode::BAD_REQUEST);
    let r = f
        .post_form(
            &format!("/formateur/classes/{classe}/emargement"),
            &[("demi_journee", "300"), ("decision", "confirmer")],
        )
        .await;
    r.assert_statut(StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn questionnaire_synthese_et_export_csv() {
    let portail = Portail::nouveau();
    let mut f = Formateur::connecte(&portail, "formatrice@cma48.exemple.fr").await;
    let (classe, code) = classe_du_jour(&mut f, "2").await;
    let mut zoe = rejoindre(&portail.app, &code, "=HYPERLINK(\"x\") Zoé", "").await.nav;
    let mut paul = rejoindre(&portail.app, &code, "Paul Martin", "").await.nav;

    zoe.get("/questionnaire").await.assert_statut(StatusCode::OK).assert_contient("Envoyer mes réponses");
    let r = zoe.post_form("/questionnaire", &[("objectifs", "5"), ("contenu", "9")]).await;
    r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY).assert_contient("Choisissez une note de 1 à 5");
    let notes = |n: [&'static str; 6], commentaire: &'static str| {
        vec![
            ("objectifs", n[0]),
            ("contenu", n[1]),
            ("formateur", n[2]),
            ("rythme", n[3]),
            ("utilite", n[4]),
            ("recommandation", n[5]),
            ("commentaire", commentaire),
        ]
    };
    zoe.post_form("/questionnaire", &notes(["5", "4", "5", "3", "5", "5"], "<b>Très</b> concret"))
        .await
        .assert_redirige("/questionnaire/merci");
    // Modifiable : la page reprend les réponses, la nouvelle remplace l'ancienne.
    zoe.get("/questionnaire").await.assert_contient("Modifier mes réponses");
    zoe.post_form("/questionnaire", &notes(["4", "4", "5", "3", "5", "5"], "<b>Très</b> concret"))
        .await
        .assert_redirige("/questionnaire/merci");
    paul.get("/questionnaire").await;
    paul.post_form("/questionnaire", &notes(["5", "4", "5", "2", "5", "4"], "")).await;

    let s = f.get(&format!("/formateur/classes/{classe}/questionnaire")).await;
    s.assert_statut(StatusCode::OK)
        .assert_contient("2 réponse(s)")
        .assert_contient("4,5 / 5")
        .assert_contient("2,5 / 5")
        .assert_contient("&lt;b&gt;Très&lt;/b&gt; concret")
        .assert_absent("<b>Très</b>");

    // Paul est noté présent d'après la feuille papier pour le matin.
    let page = f.get(&format!("/formateur/classes/{classe}/emargement")).await;
    let ids = participants(&page.corps, &classe);
    f.post_form(
        &format!("/formateur/classes/{classe}/emargement"),
        &[("participant", ids[1].as_str()), ("demi_journee", "1"), ("decision", "papier")],
    )
    .await;

    let csv = f.telecharger(&format!("/formateur/classes/{classe}/resultats.csv")).await;
    assert_eq!(csv.statut, StatusCode::OK);
    assert!(csv.entete("content-type").starts_with("text/csv"));
    assert!(csv.octets.starts_with(b"\xEF\xBB\xBF"));
    let mut lecteur = csv::ReaderBuilder::new().delimiter(b';').from_reader(&csv.octets[3..]);
    let entetes = lecteur.headers().expect("header").clone();
    let lignes: Vec<csv::StringRecord> = lecteur.records().map(|r| r.expect("row")).collect();
    assert_eq!(lignes.len(), 2);
    let colonne =
        |nom: &str| entetes.iter().position(|e| e == nom).unwrap_or_else(|| panic!("{nom}: {entetes:?}"));
    assert_eq!(&lignes[0][0], "'=HYPERLINK(\"x\") Zoé", "formula guarded");
    assert_eq!(&lignes[1][colonne("Demi-journées confirmées")], "1");
    assert_eq!(&lignes[1][colonne("Heures de présence")], "3,5 heures");
    assert_eq!(&lignes[0][colonne("Questionnaire : commentaire")], "<b>Très</b> concret");
    assert!(entetes.iter().any(|e| e == "Factures envoyées"));
}

#[tokio::test]
async fn cloisonnement_entre_formateurs_et_stagiaires() {
    let portail = Portail::nouveau();
    let mut f = Formateur::connecte(&portail, "formatrice@cma48.exemple.fr").await;
    let mut autre = Formateur::connecte(&portail, "autre@cma48.exemple.fr").await;
    let (classe, code) = classe_du_jour(&mut f, "1").await;
    let mut zoe = rejoindre(&portail.app, &code, "Zoé", "").await.nav;
    let page = f.get(&format!("/formateur/classes/{classe}/emargement")).await;
    let ids = participants(&page.corps, &classe);

    for chemin in ["emargement", "questionnaire"] {
        autre
            .get(&format!("/formateur/classes/{classe}/{chemin}"))
            .await
            .assert_statut(StatusCode::NOT_FOUND);
    }
    for chemin in ["emargement.pdf", "attestations.pdf", "resultats.csv", &format!("attestations/{}", ids[0])]
    {
        let r = autre.telecharger(&format!("/formateur/classes/{classe}/{chemin}")).await;
        assert_eq!(r.statut, StatusCode::NOT_FOUND, "{chemin}");
    }
    autre.get("/formateur").await;
    autre
        .post_form(
            &format!("/formateur/classes/{classe}/emargement"),
            &[("participant", ids[0].as_str()), ("demi_journee", "1"), ("decision", "absent")],
        )
        .await
        .assert_statut(StatusCode::NOT_FOUND);

    // Le stagiaire n'ouvre pas la console : il est renvoyé à la connexion du formateur.
    zoe.get("/").await;
    zoe.get(&format!("/formateur/classes/{classe}/emargement")).await.assert_redirige("/formateur/connexion");
    let r = zoe.telecharger(&format!("/formateur/classes/{classe}/resultats.csv")).await;
    assert_eq!(r.statut, StatusCode::SEE_OTHER);
    // Il signe pour lui-même seulement : un champ « participant » glissé dans le formulaire
    // n'est pas lu, c'est sa session qui désigne sa ligne.
    zoe.get("/emargement").await;
    zoe.post_form("/emargement", &[("certifie", "oui"), ("nom_signe", "Zoé"), ("participant", "autre")])
        .await
        .assert_redirige("/emargement/signe");
    // Un poste qui n'a rejoint aucune classe n'a ni émargement ni questionnaire.
    let mut inconnu = Navigateur::new(&portail.app);
    inconnu.get("/emargement").await.assert_statut(StatusCode::FORBIDDEN);
    inconnu.get("/questionnaire").await.assert_statut(StatusCode::FORBIDDEN);
    // Sans jeton CSRF, rien n'est signé.
    let r = zoe.post_form_sans_csrf("/emargement", &[("certifie", "oui"), ("nom_signe", "Zoé")]).await;
    r.assert_statut(StatusCode::FORBIDDEN);
    let r = f
        .post_form_sans_csrf(
            &format!("/formateur/classes/{classe}/emargement"),
            &[("demi_journee", "1"), ("decision", "confirmer")],
        )
        .await;
    r.assert_statut(StatusCode::FORBIDDEN);
}

/// The attestation's « Évaluation des acquis » lists the trainee's quiz exam per programme item
/// and the exercises done in assessment mode; nothing when there were none.
#[tokio::test]
async fn l_attestation_reprend_les_examens_et_les_mises_en_situation() {
    let portail = Portail::nouveau();
    let mut f = Formateur::connecte(&portail, "formatrice@cma48.exemple.fr").await;
    let (classe, code) = classe_du_jour(&mut f, "1").await;
    f.post_form(&format!("/formateur/classes/{classe}/double-authentification"), &[("active", "non")]).await;
    let mut zoe = rejoindre(&portail.app, &code, "Zoé Lœuvre", "").await.nav;
    let page = f.get(&format!("/formateur/classes/{classe}/emargement")).await;
    let id = participants(&page.corps, &classe).remove(0);
    let avant = f.telecharger(&format!("/formateur/classes/{classe}/attestations/{id}")).await;
    assert!(!texte_pdf(&avant.octets).contains("Évaluation des acquis"));

    // An exam handed in blank, and a phishing exercise assessed: signalled, link not followed.
    zoe.get("/quiz").await.assert_statut(StatusCode::OK);
    let tentative = zoe.post_form("/quiz/examen", &[("x", "y")]).await.location().to_string();
    zoe.get(&tentative).await.assert_statut(StatusCode::OK);
    zoe.post_form(&format!("{tentative}/rendre"), &[("x", "y")]).await.assert_redirige(&tentative);
    zoe.get("/exercices").await;
    zoe.post_form("/exercices/hameconnage/commencer", &[("mode", "evaluation")])
        .await
        .assert_redirige("/exercice");
    let m =
        zoe.boite().await.into_iter().find(|m| m.objet.starts_with("Action requise")).expect("message").id;
    zoe.get(&format!("/messagerie/{m}")).await;
    zoe.post_form(&format!("/messagerie/{m}/signaler"), &[("x", "y")]).await;
    zoe.get("/exercice").await;
    zoe.post_form("/exercice/terminer", &[("x", "y")]).await.assert_redirige("/exercice#debriefing");

    let apres = f.telecharger(&format!("/formateur/classes/{classe}/attestations/{id}")).await;
    let texte = texte_pdf(&apres.octets);
    assert!(texte.contains("Évaluation des acquis"), "{texte}");
    assert!(texte.contains("Quiz — Le circuit de la facture"), "{texte}");
    assert!(texte.contains("Mise en situation — Un message urgent de « Chorus Pro »"), "{texte}");
    // Reported (2 points); « link not followed » counts only once the rest is done: 2 / 5.
    assert!(texte.contains("2 / 5"), "{texte}");
    // The results export carries the same.
    let csv = f.telecharger(&format!("/formateur/classes/{classe}/resultats.csv")).await;
    let csv = String::from_utf8(csv.octets).expect("UTF-8");
    assert!(
        csv.contains("Quiz : meilleur examen;Exercices réussis;Mises en situation (évaluation)"),
        "{csv}"
    );
    assert!(csv.contains("0 / 20;;Un message urgent de « Chorus Pro » : 2 / 5"), "{csv}");
}

/// A class trainee who logs in again from another browser with the class credentials (here with
/// the two-step code) gets back their class place: they sign the afternoon on their own line,
/// and no second trainee appears.
#[tokio::test]
async fn reconnecte_sur_un_autre_poste_il_signe_l_apres_midi_sur_sa_ligne() {
    let portail = Portail::nouveau();
    let mut f = Formateur::connecte(&portail, "formatrice@cma48.exemple.fr").await;
    let (classe, code) = classe_du_jour(&mut f, "2").await;
    let marie = rejoindre(&portail.app, &code, "Marie Dupont", "").await;
    let (identifiant, mdp) = (marie.identifiant.expect("login"), marie.mot_de_passe.expect("password"));

    // After lunch, another computer: nothing links it to the class yet.
    let apres_midi = portail.minutes_plus_tard(120);
    let mut poste = Navigateur::new(&apres_midi);
    poste.get("/emargement").await.assert_statut(StatusCode::FORBIDDEN);
    poste.get("/connexion").await.assert_statut(StatusCode::OK);
    poste
        .post_form("/connexion", &[("identifiant", identifiant.as_str()), ("mot_de_passe", mdp.as_str())])
        .await
        .assert_redirige("/connexion/code");
    let code_connexion = poste.code_de_connexion().await;
    poste.get("/connexion/code").await.assert_statut(StatusCode::OK);
    poste.post_form("/connexion/code", &[("code", code_connexion.as_str())]).await.assert_redirige("/");
    signer(&mut poste, "Marie Dupont").await.assert_redirige("/emargement/signe");

    let mut f = f.sur(&apres_midi);
    let page = f.get(&format!("/formateur/classes/{classe}/emargement")).await;
    assert_eq!(participants(&page.corps, &classe).len(), 1, "no second trainee");
    let apres_midi_pdf =
        f.telecharger(&format!("/formateur/classes/{classe}/emargement.pdf?demi_journee=2")).await;
    let texte = texte_pdf(&apres_midi_pdf.octets);
    assert!(texte.contains("Marie Dupont") && texte.contains("Signé, à confirmer"), "{texte}");
    let matin = f.telecharger(&format!("/formateur/classes/{classe}/emargement.pdf?demi_journee=1")).await;
    assert!(!texte_pdf(&matin.octets).contains("Signé, à confirmer"), "the afternoon, not the morning");

    // Without the two-step code, a third computer gets its place back at once.
    f.post_form(&format!("/formateur/classes/{classe}/double-authentification"), &[("active", "non")]).await;
    let mut troisieme = Navigateur::new(&apres_midi);
    troisieme.get("/connexion").await;
    troisieme
        .post_form("/connexion", &[("identifiant", identifiant.as_str()), ("mot_de_passe", mdp.as_str())])
        .await
        .assert_redirige("/");
    troisieme.get("/emargement").await.assert_statut(StatusCode::OK).assert_contient("Marie Dupont");
    troisieme.get("/questionnaire").await.assert_statut(StatusCode::OK);
}

/// The trainer's name and organisation (« Mon profil ») are printed on the attendance sheet and
/// the attestations, which are real training documents: no simulator mention on them, while
/// the Chorus-like certificat de dépôt keeps it.
#[tokio::test]
async fn le_profil_du_formateur_sur_les_documents_de_formation_sans_mention_du_simulateur() {
    let portail = Portail::nouveau();
    let mut f = Formateur::connecte(&portail, "formatrice@cma48.exemple.fr").await;
    f.get("/formateur").await.assert_contient("Mon profil").assert_contient("href=\"/formateur/profil\"");
    f.get("/formateur/profil").await.assert_statut(StatusCode::OK);
    f.post_form("/formateur/profil", &[("nom", "  "), ("organisme", "CMA")])
        .await
        .assert_statut(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contient("Indiquez votre prénom et votre nom.");
    f.post_form("/formateur/profil", &[("nom", "Anne Martin"), ("organisme", "CMA de la Lozère")])
        .await
        .assert_statut(StatusCode::OK)
        .assert_contient("Profil enregistré")
        .assert_contient("value=\"Anne Martin\"");
    f.get("/formateur").await.assert_contient("Anne Martin").assert_contient("CMA de la Lozère");

    let (classe, code) = classe_du_jour(&mut f, "1").await;
    let mut zoe = rejoindre(&portail.app, &code, "Zoé Lœuvre", "").await.nav;
    signer(&mut zoe, "Zoé Lœuvre").await.assert_redirige("/emargement/signe");
    let page = f.get(&format!("/formateur/classes/{classe}/emargement")).await;
    let id = participants(&page.corps, &classe).remove(0);

    let feuille =
        texte_pdf(&f.telecharger(&format!("/formateur/classes/{classe}/emargement.pdf")).await.octets);
    let attestation =
        texte_pdf(&f.telecharger(&format!("/formateur/classes/{classe}/attestations/{id}")).await.octets);
    let toutes =
        texte_pdf(&f.telecharger(&format!("/formateur/classes/{classe}/attestations.pdf")).await.octets);
    for texte in [&feuille, &attestation, &toutes] {
        assert!(texte.contains("Anne Martin (CMA de la Lozère)"), "{texte}");
        assert!(!texte.contains("formatrice@cma48.exemple.fr"), "the name, not the address: {texte}");
        for mention in ["SIMULATEUR DE FORMATION", "document fictif", "sans valeur"] {
            assert!(!texte.contains(mention), "« {mention} » on a training document:\n{texte}");
        }
    }
    assert!(feuille.contains("Signature du formateur : Anne Martin"), "{feuille}");
    assert!(attestation.contains("Le formateur : Anne Martin"), "{attestation}");

    // The certificat de dépôt imitates Chorus Pro: it keeps the simulator mark.
    let mut s = commun::Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    let facture = s.envoyer(&commun::Saisie::valide("FA-CERT-1", "21852884200097")).await;
    let certificat = s.telecharger(&format!("/factures-emises/{facture}/certificat-depot")).await;
    assert_eq!(certificat.statut, StatusCode::OK);
    let texte = texte_pdf(&certificat.octets);
    assert!(texte.contains("SIMULATEUR DE FORMATION") && texte.contains("sans valeur"), "{texte}");
}

/// Closing a class from the console: what will be kept and deleted, and when; then the kept
/// documents to download. Each trainee downloads their attestation and results until the
/// deletion; nobody joins a closed class; the personal data notice gives this server's periods.
#[tokio::test]
async fn clore_la_classe_garde_les_documents_et_chacun_telecharge_les_siens() {
    let portail = Portail::nouveau();
    let mut f = Formateur::connecte(&portail, "formatrice@cma48.exemple.fr").await;
    let (classe, code) = classe_du_jour(&mut f, "1").await;
    let mut zoe = rejoindre(&portail.app, &code, "Zoé Lœuvre", "").await.nav;
    signer(&mut zoe, "Zoé Lœuvre").await.assert_redirige("/emargement/signe");

    let page = f.get(&format!("/formateur/classes/{classe}/cloture")).await;
    page.assert_statut(StatusCode::OK)
        .assert_contient("gardés 36 mois")
        .assert_contient("30 jours après la clôture");
    let r = f.post_form::<&str, &str>(&format!("/formateur/classes/{classe}/clore"), &[]).await;
    r.assert_statut(StatusCode::OK)
        .assert_contient("La classe est close")
        .assert_contient("feuille-emargement.pdf");
    let lien = format!("href=\"/formateur/classes/{classe}/documents/");
    let documents: Vec<String> =
        r.corps.split(&lien).skip(1).map(|s| s[..s.find('"').expect("end of link")].to_string()).collect();
    assert_eq!(documents.len(), 4, "sheet, attestations, results, Zoé's attestation");
    let pdf = f.telecharger(&format!("/formateur/classes/{classe}/documents/{}", documents[0])).await;
    assert_eq!(pdf.statut, StatusCode::OK);
    assert!(texte_pdf(&pdf.octets).contains("Zoé Lœuvre"));
    // A second closing is refused; another trainer reaches nothing.
    let r = f.post_form::<&str, &str>(&format!("/formateur/classes/{classe}/clore"), &[]).await;
    assert!(r.statut.is_client_error(), "{}", r.statut);
    let mut autre = Formateur::connecte(&portail, "autre@cma48.exemple.fr").await;
    autre.get(&format!("/formateur/classes/{classe}/cloture")).await.assert_statut(StatusCode::NOT_FOUND);
    autre
        .get(&format!("/formateur/classes/{classe}/documents/{}", documents[0]))
        .await
        .assert_statut(StatusCode::NOT_FOUND);

    // The trainee's own documents.
    zoe.get("/emargement").await.assert_contient("/emargement/attestation.pdf");
    let a = zoe.telecharger("/emargement/attestation.pdf").await;
    assert_eq!(a.statut, StatusCode::OK);
    assert!(texte_pdf(&a.octets).contains("Zoé Lœuvre"));
    let csv = zoe.get("/emargement/resultats.csv").await;
    csv.assert_statut(StatusCode::OK).assert_contient("Zoé Lœuvre");
    // Nobody joins a closed class.
    let mut tard = Navigateur::new(&portail.app);
    tard.get("/rejoindre").await;
    let r = tard
        .post_form("/rejoindre", &[("code", code.as_str()), ("nom", "Retardataire"), ("binome", "")])
        .await;
    r.assert_contient("Cette classe est close");
    // The notice, readable without an account, with this server's periods.
    Navigateur::new(&portail.app)
        .get("/donnees-personnelles")
        .await
        .assert_statut(StatusCode::OK)
        .assert_contient("30 jours")
        .assert_contient("36 mois");
}
