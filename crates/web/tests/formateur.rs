//! The trainer's console and trainees joining a class, through the web layer: one-time
//! password, classes and join codes, class-wide two-step login, binômes where one trainee is
//! the other's gestionnaire principal, reset and clock, and isolation between trainers,
//! trainees and sandboxes.

mod commun;

use axum::http::StatusCode;
use commun::{Formateur, MDP_FORMATEUR, Navigateur, Portail, Saisie, rejoindre};

const COMMUNE: &str = "21852884200097";

#[tokio::test]
async fn console_fermee_sans_connexion_et_mot_de_passe_unique_a_changer() {
    let p = Portail::nouveau();
    let mut visiteur = Navigateur::new(&p.app);
    visiteur.get("/formateur").await.assert_redirige("/formateur/connexion");
    visiteur.get("/formateur/classes/xyz").await.assert_redirige("/formateur/connexion");
    visiteur.get("/formateur/connexion").await.assert_statut(StatusCode::OK);
    // Même message pour une adresse inconnue et un mauvais mot de passe.
    let inconnu = visiteur
        .post_form("/formateur/connexion", &[("email", "personne@exemple.fr"), ("mot_de_passe", "x")])
        .await;
    inconnu
        .assert_statut(StatusCode::UNAUTHORIZED)
        .assert_contient("Adresse électronique ou mot de passe incorrect.");
    let horloge = chorus_store::Horloge::fixe(commun::date_fixe());
    let (_, unique) =
        p.store().ecrire(|tx| chorus_store::formateur::creer(tx, "anne@cma.exemple.fr", &horloge)).unwrap();
    let faux = visiteur
        .post_form(
            "/formateur/connexion",
            &[("email", "anne@cma.exemple.fr"), ("mot_de_passe", "Faux-mot-2026")],
        )
        .await;
    faux.assert_statut(StatusCode::UNAUTHORIZED);
    assert_eq!(
        faux.corps.replace("anne@cma.exemple.fr", "X"),
        inconnu.corps.replace("personne@exemple.fr", "X")
    );
    // Sans jeton CSRF : refusé.
    visiteur
        .post_form_sans_csrf(
            "/formateur/connexion",
            &[("email", "anne@cma.exemple.fr"), ("mot_de_passe", &unique)],
        )
        .await
        .assert_statut(StatusCode::FORBIDDEN);
    visiteur
        .post_form(
            "/formateur/connexion",
            &[("email", "anne@cma.exemple.fr"), ("mot_de_passe", unique.as_str())],
        )
        .await
        .assert_redirige("/formateur");
    // Tant que le mot de passe à usage unique n'est pas changé, la console reste fermée.
    visiteur.get("/formateur").await.assert_redirige("/formateur/mot-de-passe");
    visiteur
        .post_form("/formateur/classes", &[("titre", "x")])
        .await
        .assert_redirige("/formateur/mot-de-passe");
    visiteur.get("/formateur/mot-de-passe").await.assert_contient("ne sert qu'une fois");
    visiteur
        .post_form("/formateur/mot-de-passe", &[("mot_de_passe", "court"), ("confirmation", "court")])
        .await
        .assert_statut(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contient("au moins 12 caractères");
    visiteur
        .post_form(
            "/formateur/mot-de-passe",
            &[("mot_de_passe", MDP_FORMATEUR), ("confirmation", MDP_FORMATEUR)],
        )
        .await
        .assert_redirige("/formateur");
    visiteur.get("/formateur").await.assert_statut(StatusCode::OK).assert_contient("Aucune classe");
    // Le mot de passe à usage unique ne sert plus.
    let mut autre = Navigateur::new(&p.app);
    autre.get("/formateur/connexion").await;
    autre
        .post_form(
            "/formateur/connexion",
            &[("email", "anne@cma.exemple.fr"), ("mot_de_passe", unique.as_str())],
        )
        .await
        .assert_statut(StatusCode::UNAUTHORIZED);
    // Déconnexion.
    visiteur.post_form("/formateur/deconnexion", &[("x", "")]).await.assert_redirige("/formateur/connexion");
    visiteur.get("/formateur").await.assert_redirige("/formateur/connexion");
}

#[tokio::test]
async fn creer_une_classe_controle_la_saisie_et_affiche_le_code_et_le_qr_code() {
    let p = Portail::nouveau();
    let mut anne = Formateur::connecte(&p, "anne@cma.exemple.fr").await;
    let r = anne
        .post_form(
            "/formateur/classes",
            &[
                ("titre", "<script>alert(1)</script>"),
                ("date_debut", "2026-11-24"),
                ("date_fin", "2026-11-23"),
                ("demi_journees", "0"),
                ("depart", "pratique_libre"),
            ],
        )
        .await;
    r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contient("Le dernier jour ne peut pas précéder le premier jour.")
        .assert_contient("Le nombre de demi-journées est un nombre entier de 1 à 20")
        .assert_contient("&lt;script&gt;alert(1)&lt;/script&gt;")
        .assert_absent("<script>alert(1)");
    let (id, code) = anne.creer_classe("pratique_libre").await;
    let page = anne.get(&format!("/formateur/classes/{id}")).await;
    page.assert_contient(&code)
        .assert_contient("<svg")
        .assert_contient("/rejoindre")
        .assert_contient("7 heures")
        .assert_contient("activée (code reçu dans la messagerie)");
    anne.get("/formateur").await.assert_contient(&code);
}

#[tokio::test]
async fn un_stagiaire_rejoint_avec_le_code_et_la_connexion_en_deux_etapes_suit_la_classe() {
    let p = Portail::nouveau();
    let mut anne = Formateur::connecte(&p, "anne@cma.exemple.fr").await;
    let (id, code) = anne.creer_classe("pratique_libre").await;
    // Code tapé en minuscules avec un tiret : accepté.
    let tape = format!("{}-{}", code[..3].to_lowercase(), &code[3..]);
    let mut marie = rejoindre(&p.app, &tape, "Marie Dupont", "").await;
    let identifiant = marie.identifiant.clone().expect("a ready account");
    let mot_de_passe = marie.mot_de_passe.clone().expect("its password");
    // Court et facile à taper : le code de binôme, puis « @classe.fr ».
    assert_eq!(identifiant, format!("{}@classe.fr", marie.code_binome.to_lowercase()));
    marie.nav.get("/").await.assert_statut(StatusCode::OK).assert_contient("PLOMBERIE MARTIN");
    marie
        .nav
        .get("/bac")
        .await
        .assert_statut(StatusCode::OK)
        .assert_contient("par le formateur de la classe");
    // Dans une classe, c'est le formateur qui règle la double authentification.
    marie
        .nav
        .post_form("/bac/double-authentification", &[("active", "non")])
        .await
        .assert_statut(StatusCode::FORBIDDEN)
        .assert_contient("c'est le formateur qui active ou coupe");
    // La formatrice voit la stagiaire et son identifiant (jamais son mot de passe).
    anne.get(&format!("/formateur/classes/{id}"))
        .await
        .assert_contient("Marie Dupont")
        .assert_contient(&identifiant)
        .assert_absent(&mot_de_passe);
    // Reconnexion : la classe a la connexion en deux étapes, le code arrive dans la messagerie.
    marie.nav.post_form("/deconnexion", &[("x", "")]).await;
    marie.nav.get("/connexion").await;
    marie
        .nav
        .post_form(
            "/connexion",
            &[("identifiant", identifiant.as_str()), ("mot_de_passe", mot_de_passe.as_str())],
        )
        .await
        .assert_redirige("/connexion/code");
    assert!(marie.nav.boite().await.iter().any(|m| m.objet.contains("code")), "code de connexion reçu");
    // La formatrice coupe la double authentification pour la classe : mot de passe seul.
    anne.post_form(&format!("/formateur/classes/{id}/double-authentification"), &[("active", "non")])
        .await
        .assert_statut(StatusCode::OK)
        .assert_contient("désactivée");
    let mut poste2 = Navigateur::new(&p.app);
    poste2.get("/connexion").await;
    poste2
        .post_form(
            "/connexion",
            &[("identifiant", identifiant.as_str()), ("mot_de_passe", mot_de_passe.as_str())],
        )
        .await
        .assert_redirige("/");
    // Mot de passe oublié : la formatrice en donne un nouveau.
    let r = anne
        .post_form(
            &format!("/formateur/classes/{id}/mot-de-passe"),
            &[("participant", p.participant_id(&id, 1))],
        )
        .await;
    r.assert_statut(StatusCode::OK).assert_contient("Nouveau mot de passe pour");
    let nouveau = commun::texte_de(
        &r.corps.replace("<strong class=\"mot-de-passe-affiche\">", "<strong id=\"mdp\">"),
        "mdp",
    )
    .expect("the new password");
    let mut poste3 = Navigateur::new(&p.app);
    poste3.get("/connexion").await;
    poste3
        .post_form("/connexion", &[("identifiant", identifiant.as_str()), ("mot_de_passe", nouveau.as_str())])
        .await
        .assert_redirige("/");
}

#[tokio::test]
async fn codes_refuses_avec_un_message_precis() {
    let p = Portail::nouveau();
    let mut anne = Formateur::connecte(&p, "anne@cma.exemple.fr").await;
    let (_, code) = anne.creer_classe("pratique_libre").await;
    let mut nav = Navigateur::new(&p.app);
    nav.get("/rejoindre").await;
    nav.post_form("/rejoindre", &[("code", "ZZZZZZ"), ("nom", "Marie")])
        .await
        .assert_statut(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contient("Aucune classe n'a ce code");
    nav.post_form("/rejoindre", &[("code", code.as_str()), ("nom", "")])
        .await
        .assert_statut(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contient("Indiquez votre prénom et votre nom.");
    nav.post_form("/rejoindre", &[("code", code.as_str()), ("nom", "Paul"), ("binome", "KKKKKK")])
        .await
        .assert_statut(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contient("Aucun stagiaire de cette classe n'a ce code de binôme");
    nav.post_form_sans_csrf("/rejoindre", &[("code", code.as_str()), ("nom", "Paul")])
        .await
        .assert_statut(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn en_binome_un_stagiaire_valide_le_rattachement_de_l_autre() {
    let p = Portail::nouveau();
    let mut anne = Formateur::connecte(&p, "anne@cma.exemple.fr").await;
    let (id, code) = anne.creer_classe("pratique_libre").await;
    anne.post_form(&format!("/formateur/classes/{id}/double-authentification"), &[("active", "non")]).await;
    let mut marie = rejoindre(&p.app, &code, "Marie Dupont", "").await;
    let mut paul = rejoindre(&p.app, &code, "Paul Martin", &marie.code_binome.to_lowercase()).await;
    // Paul a un compte sans structure : il demande à rejoindre celle de Marie.
    paul.nav.get("/").await.assert_redirige("/structure/creer");
    paul.nav.get("/structure/creer").await;
    let existe = paul
        .nav
        .post_form("/structure/creer", &[("type_identifiant", "SIRET"), ("identifiant", "92391234900068")])
        .await;
    existe.assert_statut(StatusCode::UNPROCESSABLE_ENTITY).assert_contient("Demander le rattachement");
    let debut = existe.corps.find("name=\"structure\" value=\"").expect("structure id") + 24;
    let sid = existe.corps[debut..debut + 36].to_string();
    paul.nav
        .post_form("/structure/rattacher", &[("structure", sid.as_str())])
        .await
        .assert_statut(StatusCode::OK);
    // Marie, gestionnaire principale, voit la demande et l'approuve.
    let demandes = marie.nav.get("/approbations").await;
    demandes.assert_statut(StatusCode::OK).assert_contient("Paul");
    let debut = demandes.corps.find("name=\"demandeur\" value=\"").expect("requester id") + 24;
    let demandeur = demandes.corps[debut..debut + 36].to_string();
    marie
        .nav
        .post_form(
            "/approbations",
            &[
                ("decision", "approuver"),
                ("demandeur", demandeur.as_str()),
                ("structure", sid.as_str()),
                ("commentaire", "Bienvenue"),
            ],
        )
        .await
        .assert_redirige("/approbations");
    paul.nav.get("/").await.assert_statut(StatusCode::OK).assert_contient("PLOMBERIE MARTIN");
    // Chacun ne lit que son courrier, dans le bac partagé.
    let boite_paul = paul.nav.boite().await;
    assert!(boite_paul.iter().all(|m| m.destinataire == paul.identifiant.clone().unwrap()), "{boite_paul:?}");
    assert!(!boite_paul.is_empty(), "Paul est prévenu de la décision");
    let boite_marie = marie.nav.boite().await;
    assert!(
        boite_marie.iter().all(|m| m.destinataire == marie.identifiant.clone().unwrap()),
        "{boite_marie:?}"
    );
    for m in &boite_paul {
        marie.nav.get(&format!("/messagerie/{}", m.id)).await.assert_statut(StatusCode::NOT_FOUND);
    }
    // La console montre le binôme.
    anne.get(&format!("/formateur/classes/{id}"))
        .await
        .assert_contient("Paul Martin")
        .assert_contient("Marie Dupont");
}

#[tokio::test]
async fn reinitialiser_et_avancer_depuis_la_console() {
    let p = Portail::nouveau();
    let mut anne = Formateur::connecte(&p, "anne@cma.exemple.fr").await;
    let (id, code) = anne.creer_classe("pratique_libre").await;
    let mut marie = rejoindre(&p.app, &code, "Marie Dupont", "").await;
    let mut paul = rejoindre(&p.app, &code, "Paul Martin", "").await;
    for s in [&mut marie, &mut paul] {
        s.nav.get("/factures-emises/saisir").await;
        s.nav
            .post_form(
                "/factures-emises/saisir",
                &Saisie::valide("F-2026-001", COMMUNE).champs("envoyer", &[("confirme", "oui")]),
            )
            .await;
        s.nav.get("/factures-emises").await.assert_contient("<p>1 facture(s).</p>");
    }
    let r = anne.post_form(&format!("/formateur/classes/{id}/horloge"), &[("jours", "3")]).await;
    r.assert_statut(StatusCode::OK).assert_contient("Horloge avancée de 3 jour(s) pour 2 bac(s)");
    anne.post_form(&format!("/formateur/classes/{id}/horloge"), &[("jours", "abc")])
        .await
        .assert_statut(StatusCode::BAD_REQUEST);
    anne.post_form(&format!("/formateur/classes/{id}/horloge"), &[("jours", "0")])
        .await
        .assert_statut(StatusCode::BAD_REQUEST);
    // Un seul stagiaire, puis toute la classe.
    let marie_id = p.participant_id(&id, 1);
    anne.post_form(&format!("/formateur/classes/{id}/reinitialiser"), &[("participant", marie_id.as_str())])
        .await
        .assert_contient("1 bac(s) à sable remis au point de départ");
    marie.nav.get("/factures-emises").await.assert_contient("<p>0 facture(s).</p>");
    paul.nav.get("/factures-emises").await.assert_contient("<p>1 facture(s).</p>");
    anne.post_form(&format!("/formateur/classes/{id}/reinitialiser"), &[("x", "")])
        .await
        .assert_contient("2 bac(s) à sable remis au point de départ");
    paul.nav.get("/factures-emises").await.assert_contient("<p>0 facture(s).</p>");
    // Les stagiaires restent connectés.
    paul.nav.get("/").await.assert_statut(StatusCode::OK);
}

#[tokio::test]
async fn creation_du_compte_en_classe_puis_reinitialisation() {
    let p = Portail::nouveau();
    let mut anne = Formateur::connecte(&p, "anne@cma.exemple.fr").await;
    let (id, code) = anne.creer_classe("creation_du_compte").await;
    let mut marie = rejoindre(&p.app, &code, "Marie Dupont", "").await;
    assert!(marie.identifiant.is_none(), "pas de compte tout prêt");
    marie.nav.get("/compte/creer").await.assert_statut(StatusCode::OK);
    creer_le_compte_de_marie(&mut marie.nav).await;
    assert_eq!(marie.nav.boite().await.len(), 1, "le message d'activation");
    anne.get(&format!("/formateur/classes/{id}")).await.assert_contient("marie@plomberie.exemple");
    // Une voisine qui rejoint la classe ne voit pas ce courrier… même en binôme.
    let mut voisine = rejoindre(&p.app, &code, "Julie", &marie.code_binome).await;
    assert!(voisine.nav.boite().await.is_empty());
    anne.post_form(&format!("/formateur/classes/{id}/reinitialiser"), &[("x", "")]).await;
    assert!(marie.nav.boite().await.is_empty());
    anne.get(&format!("/formateur/classes/{id}")).await.assert_absent("marie@plomberie.exemple");
    // Le poste reste celui de la stagiaire : elle recrée son compte.
    marie.nav.get("/compte/creer").await.assert_statut(StatusCode::OK);
}

#[tokio::test]
async fn un_formateur_n_atteint_que_ses_classes_et_un_stagiaire_jamais_la_console() {
    let p = Portail::nouveau();
    let mut anne = Formateur::connecte(&p, "anne@cma.exemple.fr").await;
    let mut bruno = Formateur::connecte(&p, "bruno@cci.exemple.fr").await;
    let (id, code) = anne.creer_classe("pratique_libre").await;
    let mut marie = rejoindre(&p.app, &code, "Marie Dupont", "").await;
    let marie_id = p.participant_id(&id, 1);
    bruno.get(&format!("/formateur/classes/{id}")).await.assert_statut(StatusCode::NOT_FOUND);
    for (action, champs) in [
        ("reinitialiser", vec![("x", "")]),
        ("horloge", vec![("jours", "1")]),
        ("double-authentification", vec![("active", "non")]),
        ("mot-de-passe", vec![("participant", marie_id.as_str())]),
    ] {
        bruno
            .post_form(&format!("/formateur/classes/{id}/{action}"), &champs)
            .await
            .assert_statut(StatusCode::NOT_FOUND);
    }
    bruno.get("/formateur").await.assert_absent(&code);
    // Anne : un stagiaire d'une autre classe ou inventé est introuvable.
    anne.post_form(&format!("/formateur/classes/{id}/reinitialiser"), &[("participant", "inconnu")])
        .await
        .assert_statut(StatusCode::NOT_FOUND);
    // La stagiaire n'entre pas dans la console.
    marie.nav.get("/formateur").await.assert_redirige("/formateur/connexion");
    marie.nav.get(&format!("/formateur/classes/{id}")).await.assert_redirige("/formateur/connexion");
    marie
        .nav
        .post_form(&format!("/formateur/classes/{id}/reinitialiser"), &[("x", "")])
        .await
        .assert_redirige("/formateur/connexion");
}

#[tokio::test]
async fn le_formateur_joue_l_acheteur_dans_le_bac_d_un_stagiaire() {
    let p = Portail::nouveau();
    let mut anne = Formateur::connecte(&p, "anne@cma.exemple.fr").await;
    let mut bruno = Formateur::connecte(&p, "bruno@cci.exemple.fr").await;
    let (id, code) = anne.creer_classe("pratique_libre").await;
    let mut marie = rejoindre(&p.app, &code, "Marie Dupont", "").await;
    marie.nav.get("/factures-emises/saisir").await;
    let r = marie
        .nav
        .post_form(
            "/factures-emises/saisir",
            &Saisie::valide("F-2026-007", COMMUNE).champs("envoyer", &[("confirme", "oui")]),
        )
        .await;
    let facture = r.id_facture();
    let marie_id = p.participant_id(&id, 1);
    // Un autre formateur ne peut pas jouer l'acheteur chez une stagiaire d'Anne.
    bruno
        .post_form(&format!("/formateur/classes/{id}/jouer-acheteur"), &[("participant", marie_id.as_str())])
        .await
        .assert_statut(StatusCode::NOT_FOUND);
    bruno.get(&format!("/acheteur/factures/{facture}")).await.assert_redirige("/connexion");
    // Anne choisit Marie dans la console, et rejette la facture avec un motif.
    anne.post_form(&format!("/formateur/classes/{id}/jouer-acheteur"), &[("participant", marie_id.as_str())])
        .await
        .assert_redirige("/acheteur");
    anne.get("/acheteur").await.assert_statut(StatusCode::OK).assert_contient("dans le bac à sable de");
    anne.get(&format!("/acheteur/factures/{facture}"))
        .await
        .assert_statut(StatusCode::OK)
        .assert_contient("Marie Dupont")
        .assert_contient("F-2026-007");
    anne.post_form(
        &format!("/acheteur/factures/{facture}/traiter"),
        &[("statut", "REJETEE"), ("motif", "Prix unitaire différent du devis")],
    )
    .await
    .assert_redirige(&format!("/acheteur/factures/{facture}"));
    marie
        .nav
        .get(&format!("/factures-emises/{facture}"))
        .await
        .assert_contient("Rejetée")
        .assert_contient("Prix unitaire différent du devis");
    // Le journal dit que c'est le formateur qui a joué.
    let donnees: String = p
        .store()
        .lire(|c| {
            Ok(c.query_row(
                "SELECT donnees FROM journal WHERE facture_id = ?1 AND statut = 'REJETEE'",
                [&facture],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert!(donnees.contains("FORMATEUR"), "{donnees}");
}

/// The class logins are short and easy to type: the binôme code at `classe.fr`, a password of two
/// simple words and two digits (no 0 or 1), which the portal's password rules accept.
#[tokio::test]
async fn identifiants_de_classe_faciles_a_taper() {
    let p = Portail::nouveau();
    let mut anne = Formateur::connecte(&p, "anne@cma.exemple.fr").await;
    let (_, code) = anne.creer_classe("pratique_libre").await;
    for nom in ["Marie Dupont", "Jean-Édouard Lœuvre", "Paul"] {
        let a = rejoindre(&p.app, &code, nom, "").await;
        let identifiant = a.identifiant.expect("login");
        let mdp = a.mot_de_passe.expect("password");
        assert_eq!(identifiant, format!("{}@classe.fr", a.code_binome.to_lowercase()));
        let local = identifiant.trim_end_matches("@classe.fr");
        assert!(!local.contains(['0', 'o', '1', 'i', 'l']), "no ambiguous character: {identifiant}");
        let parties: Vec<&str> = mdp.split('-').collect();
        assert_eq!(parties.len(), 3, "{mdp}");
        for mot in [parties[0], parties[2]] {
            assert!(mot.len() >= 5 && mot.is_ascii(), "{mdp}");
            assert!(mot.starts_with(|c: char| c.is_ascii_uppercase()), "{mdp}");
            assert!(mot[1..].chars().all(|c| c.is_ascii_lowercase()), "{mdp}");
        }
        assert!(parties[1].len() == 2 && parties[1].bytes().all(|b| (b'2'..=b'9').contains(&b)), "{mdp}");
        assert!(
            chorus_domain::compte::controler_mot_de_passe(&mdp, &mdp, &identifiant, nom).is_empty(),
            "{mdp}"
        );
    }
}

/// Joining again with a name already in the class (case and accents aside) creates nobody: a
/// page offers to log in again with the class login (prefilled), and only an explicit « I am
/// another person » creates a second trainee.
#[tokio::test]
async fn rejoindre_sous_le_meme_nom_propose_de_reprendre_sa_place() {
    let p = Portail::nouveau();
    let mut anne = Formateur::connecte(&p, "anne@cma.exemple.fr").await;
    let (id, code) = anne.creer_classe("pratique_libre").await;
    let marie = rejoindre(&p.app, &code, "Marie Dupont-Élan", "").await;
    let identifiant = marie.identifiant.clone().expect("login");
    let nombre = |p: &Portail| p.store().lire(|c| chorus_store::classe::participants(c, &id)).unwrap().len();

    let mut poste = Navigateur::new(&p.app);
    poste.get(&format!("/rejoindre?code={code}")).await;
    let r = poste
        .post_form("/rejoindre", &[("code", code.as_str()), ("nom", " MARIE dupont-elan "), ("binome", "")])
        .await;
    r.assert_statut(StatusCode::OK)
        .assert_contient("Vous êtes peut-être déjà inscrit")
        .assert_contient("« Marie Dupont-Élan » figure déjà")
        .assert_contient(&identifiant)
        .assert_absent("Bienvenue dans la classe")
        .assert_absent(&marie.mot_de_passe.clone().unwrap());
    assert_eq!(nombre(&p), 1, "nobody created");
    let lien = commun::lien_de(&r.corps, "/connexion?identifiant=").expect("a link to log in again");
    assert_eq!(lien, format!("/connexion?identifiant={}", identifiant.replace('@', "%40")));
    poste.get(&lien).await.assert_statut(StatusCode::OK).assert_contient(&format!(
        r#"name="identifiant" required autocomplete="username" value="{identifiant}""#
    ));
    // The « other person » form needs its box ticked.
    let r = poste
        .post_form(
            "/rejoindre",
            &[("code", code.as_str()), ("nom", "Marie Dupont-Élan"), ("binome", ""), ("homonyme", "1")],
        )
        .await;
    r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contient("Cochez la case pour confirmer")
        .assert_contient(r##"href="#autre_personne""##);
    assert_eq!(nombre(&p), 1);
    let r = poste
        .post_form(
            "/rejoindre",
            &[
                ("code", code.as_str()),
                ("nom", "Marie Dupont-Élan"),
                ("binome", ""),
                ("homonyme", "1"),
                ("autre_personne", "oui"),
            ],
        )
        .await;
    r.assert_statut(StatusCode::OK).assert_contient("Bienvenue dans la classe");
    assert_eq!(nombre(&p), 2);
    assert_ne!(commun::texte_de(&r.corps, "identifiant-classe"), Some(identifiant));
}

/// In a class where trainees create their own account, one who has not created it yet takes
/// their place back on another computer (attendance sheet, binôme code) with their name alone.
#[tokio::test]
async fn sans_compte_encore_on_reprend_sa_place_sur_un_autre_poste() {
    let p = Portail::nouveau();
    let mut anne = Formateur::connecte(&p, "anne@cma.exemple.fr").await;
    let (id, code) = anne.creer_classe("creation_du_compte").await;
    let lea = rejoindre(&p.app, &code, "Léa Martin", "").await;
    let mut poste = Navigateur::new(&p.app);
    poste.get("/rejoindre").await;
    let r = poste
        .post_form("/rejoindre", &[("code", code.as_str()), ("nom", "lea martin"), ("binome", "")])
        .await;
    r.assert_statut(StatusCode::OK).assert_contient("C'est moi : reprendre ma place");
    let lea_id = p.participant_id(&id, 1);
    assert!(r.corps.contains(&format!(r#"name="reprendre" value="{lea_id}""#)), "{}", r.extrait());
    let r = poste
        .post_form(
            "/rejoindre",
            &[("code", code.as_str()), ("nom", "lea martin"), ("reprendre", lea_id.as_str())],
        )
        .await;
    r.assert_statut(StatusCode::OK).assert_contient("Vous retrouvez votre place dans la classe");
    assert_eq!(commun::texte_de(&r.corps, "code-binome"), Some(lea.code_binome));
    poste.get("/emargement").await.assert_statut(StatusCode::OK).assert_contient("Léa Martin");
    assert_eq!(p.store().lire(|c| chorus_store::classe::participants(c, &id)).unwrap().len(), 1);
    // Someone else's place cannot be taken with another name.
    let mut intrus = Navigateur::new(&p.app);
    intrus.get("/rejoindre").await;
    intrus
        .post_form("/rejoindre", &[("code", code.as_str()), ("nom", "Paul"), ("reprendre", lea_id.as_str())])
        .await
        .assert_statut(StatusCode::NOT_FOUND);
    intrus.get("/emargement").await.assert_statut(StatusCode::FORBIDDEN);
}

/// The printable cards of a class: one per trainee with name, class code, login and the password
/// drawn by the simulator, shown only until the trainee changes it; the trainer's « Nouveau mot
/// de passe » updates it. Another trainer gets 404, a trainee never enters the console.
#[tokio::test]
async fn cartes_des_identifiants_a_imprimer() {
    let p = Portail::nouveau();
    let mut anne = Formateur::connecte(&p, "anne@cma.exemple.fr").await;
    let mut bruno = Formateur::connecte(&p, "bruno@cci.exemple.fr").await;
    let (id, code) = anne.creer_classe("pratique_libre").await;
    anne.post_form(&format!("/formateur/classes/{id}/double-authentification"), &[("active", "non")]).await;
    let chemin = format!("/formateur/classes/{id}/identifiants");
    anne.get(&format!("/formateur/classes/{id}"))
        .await
        .assert_contient(&format!(r#"href="{chemin}?adresse=0""#));
    anne.get(&chemin)
        .await
        .assert_statut(StatusCode::OK)
        .assert_contient("Personne n'a encore rejoint la classe.");
    let mut marie = rejoindre(&p.app, &code, "Marie Dupont", "").await;
    let paul = rejoindre(&p.app, &code, "Paul Martin", "").await;
    let (marie_login, marie_mdp) = (marie.identifiant.clone().unwrap(), marie.mot_de_passe.clone().unwrap());

    let cartes = anne.get(&chemin).await;
    cartes
        .assert_statut(StatusCode::OK)
        .assert_contient("Cartes des identifiants")
        .assert_contient("data-imprimer")
        .assert_contient(&code)
        .assert_contient("http://127.0.0.1:8080");
    for (nom, login, mdp) in [
        ("Marie Dupont", &marie_login, &marie_mdp),
        ("Paul Martin", paul.identifiant.as_ref().unwrap(), paul.mot_de_passe.as_ref().unwrap()),
    ] {
        cartes
            .assert_contient(&format!(r#"aria-label="Carte de {nom}""#))
            .assert_contient(login)
            .assert_contient(mdp);
    }
    assert_eq!(cartes.corps.matches("class=\"carte-identifiants\"").count(), 2);

    // Marie chooses her own password: her card no longer shows one.
    let nouveau = "Mon atelier, 2026 !";
    marie.nav.get("/mon-compte").await.assert_statut(StatusCode::OK);
    marie
        .nav
        .post_form(
            "/mon-compte/mot-de-passe",
            &[("actuel", marie_mdp.as_str()), ("mot_de_passe", nouveau), ("confirmation", nouveau)],
        )
        .await
        .assert_redirige("/mon-compte?enregistre=mot-de-passe");
    anne.get(&chemin)
        .await
        .assert_absent(&marie_mdp)
        .assert_absent(nouveau)
        .assert_contient("modifié par le stagiaire");
    // She forgot it: the trainer's new password goes on her card, and opens the account.
    let r = anne
        .post_form(
            &format!("/formateur/classes/{id}/mot-de-passe"),
            &[("participant", p.participant_id(&id, 1))],
        )
        .await;
    let donne = commun::texte_de(
        &r.corps.replace("<strong class=\"mot-de-passe-affiche\">", "<strong id=\"mdp\">"),
        "mdp",
    )
    .expect("the new password");
    assert_eq!(donne.split('-').count(), 3, "an easy class password: {donne}");
    anne.get(&chemin).await.assert_contient(&donne).assert_absent("modifié par le stagiaire");
    let mut poste = Navigateur::new(&p.app);
    poste.get("/connexion").await;
    poste
        .post_form("/connexion", &[("identifiant", marie_login.as_str()), ("mot_de_passe", donne.as_str())])
        .await
        .assert_redirige("/");

    // Another trainer: 404; a trainee: back to the trainer's login.
    bruno.get(&chemin).await.assert_statut(StatusCode::NOT_FOUND);
    marie.nav.get(&chemin).await.assert_redirige("/formateur/connexion");
}

/// In a class where trainees create their account, the card gives the name, the class code,
/// the binôme code, and the account address once it exists.
#[tokio::test]
async fn cartes_en_creation_du_compte() {
    let p = Portail::nouveau();
    let mut anne = Formateur::connecte(&p, "anne@cma.exemple.fr").await;
    let (id, code) = anne.creer_classe("creation_du_compte").await;
    let mut marie = rejoindre(&p.app, &code, "Marie Dupont", "").await;
    let chemin = format!("/formateur/classes/{id}/identifiants");
    anne.get(&chemin)
        .await
        .assert_contient("Marie Dupont")
        .assert_contient(&code)
        .assert_contient(&marie.code_binome)
        .assert_contient("compte pas encore créé");
    marie.nav.get("/compte/creer").await;
    creer_le_compte_de_marie(&mut marie.nav).await;
    anne.get(&chemin)
        .await
        .assert_contient("marie@plomberie.exemple")
        .assert_contient("à choisir avec le lien d'activation")
        .assert_absent("compte pas encore créé");
}

/// The token given at start-up (`--trainer-token`) is announced, where the console shows the API
/// token, to the trainer it applies to (the first one) only.
#[tokio::test]
async fn le_jeton_du_demarrage_est_signale_au_premier_formateur() {
    let p = Portail::avec_jeton_formateur("jeton-de-la-salle-12-cma48");
    let mut anne = Formateur::connecte(&p, "anne@cma.exemple.fr").await;
    let mut bruno = Formateur::connecte(&p, "bruno@cci.exemple.fr").await;
    let accueil = anne.get("/formateur").await;
    accueil
        .assert_contient("id=\"jeton-demarrage\"")
        .assert_contient("--trainer-token")
        .assert_absent("jeton-de-la-salle-12-cma48");
    anne.jeton_api().await;
    anne.get("/formateur").await.assert_contient("id=\"jeton-demarrage\"");
    bruno.get("/formateur").await.assert_statut(StatusCode::OK).assert_absent("id=\"jeton-demarrage\"");
    let sans = Portail::nouveau();
    let mut anne = Formateur::connecte(&sans, "anne@cma.exemple.fr").await;
    anne.get("/formateur").await.assert_absent("id=\"jeton-demarrage\"");
}

/// The join link and its QR code come from the address given at startup (`--public-url`),
/// never from the address the trainer's own browser used; without it, on all interfaces, the
/// machine's local addresses are offered, and a loopback-only server is flagged.
#[tokio::test]
async fn l_adresse_de_la_salle_vient_du_demarrage_pas_du_navigateur() {
    use chorus_web::adresse::{AdressesDuPortail, adresses};

    let publique = Portail::avec_config(|c| {
        c.adresses =
            AdressesDuPortail { publique: Some("http://salle-b.exemple:8080".into()), ..Default::default() }
    });
    let mut f = Formateur::connecte(&publique, "formateur@exemple.fr").await;
    let (id, code) = f.creer_classe("pratique_libre").await;
    let page = f.get(&format!("/formateur/classes/{id}")).await;
    page.assert_contient(
        r#"<strong id="adresse-salle-projetee">http://salle-b.exemple:8080/rejoindre</strong>"#,
    )
    .assert_absent("127.0.0.1")
    .assert_absent("localhost")
    .assert_absent("Adresse de ce poste sur le réseau de la salle");
    assert!(page.corps.contains("<svg"), "the QR code");
    rejoindre(&publique.app, &code, "Marie Dupont", "").await;
    let cartes = f.get(&format!("/formateur/classes/{id}/identifiants")).await;
    cartes.assert_contient("http://salle-b.exemple:8080");

    // On all interfaces, two local addresses: the trainer picks one; a wrong choice falls back.
    let machine =
        ["127.0.0.1".parse().unwrap(), "192.168.1.20".parse().unwrap(), "10.0.0.5".parse().unwrap()];
    let lan =
        Portail::avec_config(|c| c.adresses = adresses("0.0.0.0:8080".parse().unwrap(), None, &machine));
    let mut f = Formateur::connecte(&lan, "formateur@exemple.fr").await;
    let (id, code) = f.creer_classe("pratique_libre").await;
    rejoindre(&lan.app, &code, "Marie Dupont", "").await;
    f.get(&format!("/formateur/classes/{id}"))
        .await
        .assert_contient(r#"id="adresse-salle-projetee">http://192.168.1.20:8080/rejoindre"#)
        .assert_contient("Adresse de ce poste sur le réseau de la salle")
        .assert_contient(r#"<option value="1">http://10.0.0.5:8080</option>"#);
    f.get(&format!("/formateur/classes/{id}?adresse=1"))
        .await
        .assert_contient(r#"id="adresse-salle-projetee">http://10.0.0.5:8080/rejoindre"#)
        .assert_contient(&format!(r#"href="/formateur/classes/{id}/identifiants?adresse=1""#));
    // The cards print the address the trainer chose, the one projected.
    f.get(&format!("/formateur/classes/{id}/identifiants?adresse=1"))
        .await
        .assert_contient("http://10.0.0.5:8080")
        .assert_absent("http://192.168.1.20:8080");
    f.get(&format!("/formateur/classes/{id}?adresse=%0A"))
        .await
        .assert_statut(StatusCode::OK)
        .assert_contient(r#"id="adresse-salle-projetee">http://192.168.1.20:8080/rejoindre"#);

    // Listening on loopback only: the class page warns that the room cannot come.
    let local = Portail::nouveau();
    let mut f = Formateur::connecte(&local, "formateur@exemple.fr").await;
    let (id, _) = f.creer_classe("pratique_libre").await;
    f.get(&format!("/formateur/classes/{id}"))
        .await
        .assert_contient("les postes de la salle ne pourront pas ouvrir ce lien")
        .assert_contient("--public-url");
}

/// Marie, trainee of a « création du compte » class, fills in « Créer un compte ».
async fn creer_le_compte_de_marie(nav: &mut Navigateur) {
    nav.post_form(
        "/compte/creer",
        &[
            ("email_connexion", "marie@plomberie.exemple"),
            ("nom", "Dupont"),
            ("prenom", "Marie"),
            ("telephone", ""),
            ("email_contact", ""),
        ],
    )
    .await
    .assert_statut(StatusCode::OK);
}
