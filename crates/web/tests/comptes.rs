//! Accounts through HTTP, in memory: « Créer un compte » from a fresh browser (which opens a
//! sandbox of its own), the activation link, the two-step login, lockout after failed
//! attempts, « Mot de passe oublié », creating one's structure, and CSRF on these forms.
//! Links, codes and lockouts run out on a second instance of the application over the same
//! database, whose clock is later (the first one's is fixed at noon, 22 November 2026).

mod commun;

use axum::http::StatusCode;
use commun::{Navigateur, Portail, Reponse, Stagiaire, Visiteur, bandeau, echapper, lien_de};

/// A password that follows every rule (and contains neither the names nor the e-mails below).
const MDP: &str = "Tournesol-Bleu-42!";
const AUTRE_MDP: &str = "Girafe Verte 2027?";
const EMAIL: &str = "jeanne.dupuis@exemple.fr";
const NOM: &str = "Dupuis";
const PRENOM: &str = "Jeanne";

const ACTIVATION: &str = "Activez votre compte";
const CODE: &str = "Votre code de connexion";
const REINITIALISATION: &str = "Réinitialisation de votre mot de passe";
const REFUS_CONNEXION: &str = "Identifiant ou mot de passe incorrect.";
const LIEN_NON_VALABLE: &str = "Ce lien n'est pas valable";
const LIEN_EXPIRE: &str = "Ce lien a expiré";
const FORMULAIRE_EXPIRE: &str = "Ce formulaire a expiré";

/// A SIRET of the fictitious register: ELECTRICITE GENERALE GIRAUD SARL.
const SIRET_REGISTRE: &str = "92960199500020";
const RAISON_REGISTRE: &str = "ELECTRICITE GENERALE GIRAUD SARL";
/// A closed establishment of the register.
const SIRET_FERME: &str = "53611402800049";
/// A valid SIRET (Luhn keys right) that the register does not know.
const SIRET_ABSENT: &str = "73282932000074";

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn champs_compte(email: &str) -> Vec<(&'static str, String)> {
    vec![
        ("email_connexion", email.to_string()),
        ("nom", NOM.to_string()),
        ("prenom", PRENOM.to_string()),
        ("telephone", "01 23 45 67 89".to_string()),
        ("email_contact", String::new()),
    ]
}

/// « Créer un compte » with valid fields; the page that follows (not checked).
async fn demander_compte(nav: &mut Navigateur, email: &str) -> Reponse {
    nav.get("/compte/creer").await.assert_statut(StatusCode::OK);
    nav.post_form("/compte/creer", &champs_compte(email)).await
}

/// « Créer un compte », accepted.
async fn creer_compte(nav: &mut Navigateur, email: &str) {
    let r = demander_compte(nav, email).await;
    r.assert_statut(StatusCode::OK)
        .assert_contient("<h1>Votre compte est créé</h1>")
        .assert_contient(&format!("Un message vient d'être envoyé à <strong>{email}</strong>"));
}

/// The link of the newest message with this subject, checked: `prefixe` then 64 hex digits.
async fn lien_recu(nav: &mut Navigateur, objet: &str, prefixe: &str) -> String {
    let m = nav.ouvrir_dernier(objet).await;
    let lien = lien_de(&m.corps, prefixe).unwrap_or_else(|| panic!("no {prefixe} link:\n{}", m.extrait()));
    let secret = &lien[prefixe.len()..];
    assert!(secret.len() == 64 && secret.bytes().all(|b| b.is_ascii_hexdigit()), "secret « {secret} »");
    lien
}

/// The code of the newest « Votre code de connexion » message.
async fn code_recu(nav: &mut Navigateur) -> String {
    let m = nav.ouvrir_dernier(CODE).await;
    let marque = "Voici votre code de connexion au portail : ";
    let debut = m.corps.find(marque).unwrap_or_else(|| panic!("no code:\n{}", m.extrait())) + marque.len();
    let code: String = m.corps[debut..].chars().take(6).collect();
    assert!(code.bytes().all(|b| b.is_ascii_digit()), "code « {code} »");
    code
}

/// Chooses `mdp` with the link; the login page follows.
async fn choisir_mot_de_passe(nav: &mut Navigateur, lien: &str, mdp: &str) -> Reponse {
    nav.get(lien).await.assert_statut(StatusCode::OK);
    nav.post_form(lien, &[("mot_de_passe", mdp), ("confirmation", mdp)]).await
}

/// Creates the account and activates it with [`MDP`].
async fn compte_active(nav: &mut Navigateur, email: &str) {
    creer_compte(nav, email).await;
    let lien = lien_recu(nav, ACTIVATION, "/compte/activer/").await;
    choisir_mot_de_passe(nav, &lien, MDP)
        .await
        .assert_statut(StatusCode::OK)
        .assert_contient("Votre compte est activé");
}

/// Password then code: logged in.
async fn connecter_avec_code(nav: &mut Navigateur, email: &str, mdp: &str) {
    nav.get("/connexion").await.assert_statut(StatusCode::OK);
    nav.post_form("/connexion", &[("identifiant", email), ("mot_de_passe", mdp)])
        .await
        .assert_redirige("/connexion/code");
    nav.get("/connexion/code")
        .await
        .assert_statut(StatusCode::OK)
        .assert_contient(r#"href="/choix-du-simulateur#code-et-blocage""#);
    let code = code_recu(nav).await;
    nav.post_form("/connexion/code", &[("code", code.as_str())]).await.assert_redirige("/");
}

/// A fresh browser with a new account of a new sandbox, logged in, on « Créer votre structure ».
async fn compte_sans_structure(app: &axum::Router, email: &str) -> Navigateur {
    let mut nav = Navigateur::new(app);
    compte_active(&mut nav, email).await;
    connecter_avec_code(&mut nav, email, MDP).await;
    nav.get("/structure/creer")
        .await
        .assert_statut(StatusCode::OK)
        .assert_contient("<h1>Créer votre structure</h1>")
        .assert_contient(r#"href="/choix-du-simulateur#identifiants-hors-siret""#);
    nav
}

fn champs_structure<'a>(
    type_identifiant: &'a str,
    identifiant: &'a str,
    raison: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("type_identifiant", type_identifiant),
        ("identifiant", identifiant),
        ("raison_sociale", raison),
        ("adresse", ""),
        ("code_postal", ""),
        ("ville", ""),
    ]
}

/// The structure is created: back to the home page, which names it.
async fn structure_creee(nav: &mut Navigateur, champs: &[(&str, &str)], nom: &str, identifiant: &str) {
    nav.post_form("/structure/creer", champs).await.assert_redirige("/");
    nav.get("/")
        .await
        .assert_statut(StatusCode::OK)
        .assert_contient("<h1>Accueil</h1>")
        .assert_contient(&format!("<strong>{}</strong>", echapper(nom)))
        .assert_contient(identifiant);
}

/// A 422 on « Créer votre structure » with this message.
async fn structure_refusee(nav: &mut Navigateur, champs: &[(&str, &str)], message: &str) -> Reponse {
    let r = nav.post_form("/structure/creer", champs).await;
    r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contient("La structure ne peut pas être créée :")
        .assert_contient(&echapper(message));
    r
}

// ---------------------------------------------------------------------------------------------
// 1. « Créer un compte »
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn creer_un_compte_depuis_un_poste_neuf_ouvre_un_bac_a_sable() {
    let portail = Portail::nouveau();
    let mut nav = Navigateur::new(&portail.app);
    // A fresh browser has no sandbox, hence no mailbox.
    nav.get("/messagerie").await.assert_redirige("/connexion");

    nav.get("/compte/creer")
        .await
        .assert_statut(StatusCode::OK)
        .assert_contient("<h1>Créer un compte</h1>")
        .assert_contient(r#"action="/compte/creer""#);

    let email_faux = r#"jeanne"dupuis@exemple.fr"#;
    let prenom_balise = "<b>Zoé</b>";
    let r = nav
        .post_form(
            "/compte/creer",
            &[
                ("email_connexion", email_faux),
                ("nom", "   "),
                ("prenom", prenom_balise),
                ("telephone", "01 23"),
                ("email_contact", "contact@"),
            ],
        )
        .await;
    r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contient("Le compte ne peut pas être créé :")
        .assert_contient(&echapper("le caractère « \" » n'est pas admis dans une adresse e-mail"))
        .assert_contient("Renseignez « Nom » : le champ est obligatoire")
        .assert_contient("« Prénom » contient le caractère « &lt; »")
        .assert_contient("un numéro français compte 10 chiffres (vous en avez saisi 4)")
        .assert_contient("« Adresse e-mail de contact » : il manque le nom de domaine après le « @ »")
        // What was typed comes back, escaped.
        .assert_contient(&format!(r#"value="{}""#, echapper(email_faux)))
        .assert_contient(r#"value="&lt;b&gt;Zoé&lt;/b&gt;""#)
        .assert_contient(r#"value="01 23""#)
        .assert_contient(r#"value="contact@""#)
        .assert_absent(prenom_balise);
    // Refused: still no sandbox.
    nav.get("/messagerie").await.assert_redirige("/connexion");

    creer_compte(&mut nav, EMAIL).await;
    let boite = nav.boite().await;
    assert_eq!(boite.len(), 1, "{boite:?}");
    assert_eq!((boite[0].objet.as_str(), boite[0].destinataire.as_str()), (ACTIVATION, EMAIL));
    assert_eq!(boite[0].recu_le, "22/11/2026 12:00");
    let lien = lien_recu(&mut nav, ACTIVATION, "/compte/activer/").await;
    let id_message = boite[0].id;

    // The new sandbox is a world of its own: a demo trainee sees neither the message nor the link.
    let mut demo = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    demo.get("/messagerie")
        .await
        .assert_statut(StatusCode::OK)
        .assert_contient("Aucun message.")
        .assert_absent(EMAIL)
        .assert_absent(ACTIVATION);
    demo.get(&format!("/messagerie/{id_message}")).await.assert_statut(StatusCode::NOT_FOUND);
    demo.get(&lien).await.assert_statut(StatusCode::NOT_FOUND).assert_contient(LIEN_NON_VALABLE);
    // Nor does a browser without a sandbox.
    let mut inconnu = Navigateur::new(&portail.app);
    inconnu.get(&lien).await.assert_statut(StatusCode::NOT_FOUND).assert_contient(LIEN_NON_VALABLE);
    // The link is still good where it was sent.
    nav.get(&lien).await.assert_statut(StatusCode::OK);
}

// ---------------------------------------------------------------------------------------------
// 2. The same address twice
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn une_adresse_par_bac_a_sable_mais_les_bacs_sont_des_mondes_separes() {
    let portail = Portail::nouveau();
    let mut nav = Navigateur::new(&portail.app);
    creer_compte(&mut nav, EMAIL).await;

    // Same browser, hence same sandbox: refused, even written otherwise.
    for variante in [EMAIL, "  Jeanne.Dupuis@EXEMPLE.fr "] {
        let r = demander_compte(&mut nav, variante).await;
        r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contient("Un compte existe déjà avec cette adresse électronique")
            .assert_contient(&format!(r#"value="{}""#, variante));
    }
    assert_eq!(nav.boite().await.len(), 1, "no second activation message");

    // Another fresh browser opens another sandbox, where the address is free.
    let mut autre = Navigateur::new(&portail.app);
    creer_compte(&mut autre, EMAIL).await;
    let boite = autre.boite().await;
    assert_eq!(boite.len(), 1, "{boite:?}");
    assert_eq!(boite[0].destinataire, EMAIL);
    assert_eq!(nav.boite().await.len(), 1, "the first sandbox did not receive the second message");
    // Each link belongs to its sandbox.
    let lien_autre = lien_recu(&mut autre, ACTIVATION, "/compte/activer/").await;
    nav.get(&lien_autre).await.assert_statut(StatusCode::NOT_FOUND);
}

// ---------------------------------------------------------------------------------------------
// 3. Activation
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn activation_regles_du_mot_de_passe_et_lien_a_usage_unique() {
    let portail = Portail::nouveau();
    let mut nav = Navigateur::new(&portail.app);
    creer_compte(&mut nav, EMAIL).await;
    let lien = lien_recu(&mut nav, ACTIVATION, "/compte/activer/").await;

    // Not activated yet: the same refusal as a wrong password.
    nav.get("/connexion").await;
    let r = nav.post_form("/connexion", &[("identifiant", EMAIL), ("mot_de_passe", MDP)]).await;
    r.assert_statut(StatusCode::UNAUTHORIZED).assert_contient(REFUS_CONNEXION);

    nav.get(&lien)
        .await
        .assert_statut(StatusCode::OK)
        .assert_contient("<h1>Activer votre compte : choisir un mot de passe</h1>")
        .assert_contient("<li>Au moins 12 caractères.</li>")
        .assert_contient(&format!(r#"action="{lien}""#));

    let r = nav.post_form(&lien, &[("mot_de_passe", "abc"), ("confirmation", "abc")]).await;
    r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contient("Ce mot de passe ne convient pas :")
        .assert_contient("au moins 12 caractères (vous en avez saisi 3)")
        .assert_contient("au moins une lettre majuscule")
        .assert_contient("au moins un chiffre")
        .assert_contient("au moins un caractère spécial")
        .assert_absent("doit contenir au moins une lettre minuscule");

    let avec_nom = "Famille-Dupuis-2026";
    let r = nav.post_form(&lien, &[("mot_de_passe", avec_nom), ("confirmation", avec_nom)]).await;
    r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contient("Le mot de passe ne doit pas contenir votre nom (« dupuis »)")
        .assert_absent(avec_nom);

    let r = nav.post_form(&lien, &[("mot_de_passe", MDP), ("confirmation", "Tournesol-Bleu-43!")]).await;
    r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contient("ne correspond pas au mot de passe")
        .assert_absent(MDP);

    // Still not activated by the refused attempts.
    nav.get("/connexion").await;
    let r = nav.post_form("/connexion", &[("identifiant", EMAIL), ("mot_de_passe", "abc")]).await;
    r.assert_statut(StatusCode::UNAUTHORIZED);

    // The link survived the refusals.
    let r = nav.post_form(&lien, &[("mot_de_passe", MDP), ("confirmation", MDP)]).await;
    r.assert_statut(StatusCode::OK)
        .assert_contient("<h1>Se connecter</h1>")
        .assert_contient("Votre compte est activé");

    // Used: it is worth nothing any more, shown or submitted.
    let r = nav.get(&lien).await;
    r.assert_statut(StatusCode::NOT_FOUND)
        .assert_contient(LIEN_NON_VALABLE)
        .assert_contient("Recevoir un nouveau lien");
    let r = nav.post_form(&lien, &[("mot_de_passe", AUTRE_MDP), ("confirmation", AUTRE_MDP)]).await;
    r.assert_statut(StatusCode::NOT_FOUND).assert_contient(LIEN_NON_VALABLE);

    // Forged or malformed links.
    let zeros = format!("/compte/activer/{}", "0".repeat(64));
    let court = format!("/compte/activer/{}", "a".repeat(63));
    for faux in [zeros.as_str(), court.as_str(), "/compte/activer/pas-un-secret"] {
        nav.get(faux).await.assert_statut(StatusCode::NOT_FOUND).assert_contient(LIEN_NON_VALABLE);
    }
    // An address with a control character reaches no page at all.
    nav.get("/compte/activer/%00").await.assert_statut(StatusCode::NOT_FOUND);
    let r = nav.post_form(&zeros, &[("mot_de_passe", AUTRE_MDP), ("confirmation", AUTRE_MDP)]).await;
    r.assert_statut(StatusCode::NOT_FOUND).assert_contient(LIEN_NON_VALABLE);

    // The password chosen is the one: the login goes on to the code.
    nav.get("/connexion").await;
    nav.post_form("/connexion", &[("identifiant", EMAIL), ("mot_de_passe", MDP)])
        .await
        .assert_redirige("/connexion/code");
}

#[tokio::test]
async fn un_lien_d_activation_expire_au_bout_de_60_minutes_et_se_redemande() {
    let portail = Portail::nouveau();
    let mut nav = Navigateur::new(&portail.app);
    creer_compte(&mut nav, EMAIL).await;
    let lien = lien_recu(&mut nav, ACTIVATION, "/compte/activer/").await;

    // 59 minutes later, still good.
    let mut presque = nav.sur(&portail.minutes_plus_tard(59));
    presque.get(&lien).await.assert_statut(StatusCode::OK);

    let plus_tard = portail.minutes_plus_tard(61);
    let mut nav = nav.sur(&plus_tard);
    let r = nav.get(&lien).await;
    r.assert_statut(StatusCode::GONE)
        .assert_contient(&format!("<h1>{LIEN_EXPIRE}</h1>"))
        .assert_contient("Recevoir un nouveau lien")
        .assert_contient(r#"action="/compte/mot-de-passe-oublie""#);
    let r = nav.post_form(&lien, &[("mot_de_passe", MDP), ("confirmation", MDP)]).await;
    r.assert_statut(StatusCode::GONE).assert_contient(LIEN_EXPIRE);

    // « Recevoir un nouveau lien »: a never activated account gets a new activation message.
    let r = nav.post_form("/compte/mot-de-passe-oublie", &[("email", EMAIL)]).await;
    r.assert_statut(StatusCode::OK).assert_contient("<h1>Demande enregistrée</h1>");
    let boite = nav.boite().await;
    let activations: Vec<_> = boite.iter().filter(|m| m.objet == ACTIVATION).collect();
    assert_eq!(activations.len(), 2, "{boite:?}");
    assert!(boite.iter().all(|m| m.objet != REINITIALISATION), "{boite:?}");
    assert_eq!(activations[0].recu_le, "22/11/2026 13:01");
    let nouveau = lien_recu(&mut nav, ACTIVATION, "/compte/activer/").await;
    assert_ne!(nouveau, lien);

    // The old link is replaced, the new one works.
    nav.get(&lien).await.assert_statut(StatusCode::NOT_FOUND).assert_contient(LIEN_NON_VALABLE);
    choisir_mot_de_passe(&mut nav, &nouveau, MDP)
        .await
        .assert_statut(StatusCode::OK)
        .assert_contient("Votre compte est activé");
}

// ---------------------------------------------------------------------------------------------
// 4. Two-step login
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn connexion_en_deux_etapes_avec_le_code_de_la_messagerie() {
    let portail = Portail::nouveau();
    let mut nav = Navigateur::new(&portail.app);
    compte_active(&mut nav, EMAIL).await;

    nav.get("/connexion").await;
    nav.post_form("/connexion", &[("identifiant", EMAIL), ("mot_de_passe", MDP)])
        .await
        .assert_redirige("/connexion/code");
    // Not logged in before the code.
    nav.get("/").await.assert_redirige("/connexion");
    nav.get("/structure/creer").await.assert_redirige("/connexion");
    nav.get("/connexion/code")
        .await
        .assert_statut(StatusCode::OK)
        .assert_contient("<h1>Saisir le code de connexion</h1>");

    let boite = nav.boite().await;
    assert_eq!((boite[0].objet.as_str(), boite[0].destinataire.as_str()), (CODE, EMAIL));
    let code = code_recu(&mut nav).await;

    let faux = format!("{:06}", (code.parse::<u32>().expect("digits") + 1) % 1_000_000);
    let r = nav.post_form("/connexion/code", &[("code", faux.as_str())]).await;
    r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY).assert_contient("Ce code est incorrect.");
    for mal_forme in ["12a456", "12345", "1234567", ""] {
        let r = nav.post_form("/connexion/code", &[("code", mal_forme)]).await;
        r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contient("Le code de connexion compte 6 chiffres, sans lettre.");
    }
    nav.get("/").await.assert_redirige("/connexion");

    // The right code (spaces around are forgiven): logged in, and first of all a structure.
    nav.post_form("/connexion/code", &[("code", format!(" {code} ").as_str())]).await.assert_redirige("/");
    nav.get("/").await.assert_redirige("/structure/creer");
    nav.get("/factures-emises").await.assert_redirige("/structure/creer");
    nav.get("/structure/creer")
        .await
        .assert_statut(StatusCode::OK)
        .assert_contient(&format!("Bienvenue {PRENOM} {NOM}."));
    // The code was used up with the login.
    let r = nav.post_form("/connexion/code", &[("code", code.as_str())]).await;
    r.assert_redirige("/connexion");
}

#[tokio::test]
async fn un_code_de_connexion_expire_au_bout_de_10_minutes() {
    let portail = Portail::nouveau();
    let mut nav = Navigateur::new(&portail.app);
    compte_active(&mut nav, EMAIL).await;
    nav.get("/connexion").await;
    nav.post_form("/connexion", &[("identifiant", EMAIL), ("mot_de_passe", MDP)])
        .await
        .assert_redirige("/connexion/code");
    let code = code_recu(&mut nav).await;

    let plus_tard = portail.minutes_plus_tard(11);
    let mut nav = nav.sur(&plus_tard);
    let r = nav.post_form("/connexion/code", &[("code", code.as_str())]).await;
    r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY).assert_contient("Ce code a expiré");
    nav.get("/").await.assert_redirige("/connexion");

    // Logging in again sends a new code, good at this time.
    connecter_avec_code(&mut nav, EMAIL, MDP).await;
    nav.get("/").await.assert_redirige("/structure/creer");
}

#[tokio::test]
async fn les_comptes_de_demonstration_entrent_sans_code() {
    let portail = Portail::nouveau();
    let mut v = Visiteur::new(&portail.app);
    v.get("/connexion").await.assert_statut(StatusCode::OK).assert_contient("Comptes de démonstration");
    v.post_form(
        "/connexion",
        &[("identifiant", "formation1@exemple.fr"), ("mot_de_passe", chorus_store::demo::MOT_DE_PASSE_DEMO)],
    )
    .await
    .assert_redirige("/");
    v.get("/").await.assert_statut(StatusCode::OK).assert_contient("<h1>Accueil</h1>");
    assert!(v.boite().await.is_empty(), "no code sent");
}

// ---------------------------------------------------------------------------------------------
// 5. Lockout
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn cinq_echecs_bloquent_le_compte_une_heure() {
    let portail = Portail::nouveau();
    let compte = "formation2@exemple.fr";
    let bon = chorus_store::demo::MOT_DE_PASSE_DEMO;
    let mut v = Visiteur::new(&portail.app);
    v.get("/connexion").await;

    let mut refus = Vec::new();
    for essai in 1..=4 {
        let r = v.post_form("/connexion", &[("identifiant", compte), ("mot_de_passe", "Mauvais-2026")]).await;
        assert_eq!(r.statut, StatusCode::UNAUTHORIZED, "attempt {essai}: {}", r.extrait());
        r.assert_contient(REFUS_CONNEXION).assert_contient(&format!(r#"value="{compte}""#));
        refus.push(bandeau(&r.corps).expect("a banner"));
    }
    let r = v.post_form("/connexion", &[("identifiant", compte), ("mot_de_passe", "Mauvais-2026")]).await;
    r.assert_statut(StatusCode::FORBIDDEN)
        .assert_contient("Votre compte est bloqué")
        .assert_contient("Réessayez après 13 h 00");
    // Even the right password.
    let r = v.post_form("/connexion", &[("identifiant", compte), ("mot_de_passe", bon)]).await;
    r.assert_statut(StatusCode::FORBIDDEN).assert_contient("Votre compte est bloqué");
    v.get("/").await.assert_redirige("/connexion");

    // Unknown address: exactly the refusal of a wrong password.
    let r = v.post_form("/connexion", &[("identifiant", "personne@exemple.fr"), ("mot_de_passe", bon)]).await;
    r.assert_statut(StatusCode::UNAUTHORIZED);
    assert_eq!(bandeau(&r.corps).as_ref(), Some(&refus[0]));
    assert!(refus.iter().all(|m| m == &refus[0]), "{refus:?}");

    // Other accounts are not locked.
    Stagiaire::connecte(&portail.app, "formation3@exemple.fr").await;

    // 59 minutes later, still locked; 61 minutes later, open again.
    let mut v59 = Navigateur::new(&portail.minutes_plus_tard(59));
    v59.get("/connexion").await;
    let r = v59.post_form("/connexion", &[("identifiant", compte), ("mot_de_passe", bon)]).await;
    r.assert_statut(StatusCode::FORBIDDEN).assert_contient("Votre compte est bloqué");
    let mut v61 = Navigateur::new(&portail.minutes_plus_tard(61));
    v61.get("/connexion").await;
    v61.post_form("/connexion", &[("identifiant", compte), ("mot_de_passe", bon)]).await.assert_redirige("/");
    v61.get("/").await.assert_statut(StatusCode::OK).assert_contient("<h1>Accueil</h1>");
}

#[tokio::test]
async fn une_connexion_reussie_par_code_remet_les_echecs_a_zero() {
    let portail = Portail::nouveau();
    let mut nav = Navigateur::new(&portail.app);
    compte_active(&mut nav, EMAIL).await;
    nav.get("/connexion").await;
    nav.post_form("/connexion", &[("identifiant", EMAIL), ("mot_de_passe", MDP)])
        .await
        .assert_redirige("/connexion/code");
    let code = code_recu(&mut nav).await;
    let faux = format!("{:06}", (code.parse::<u32>().expect("digits") + 1) % 1_000_000);
    for _ in 0..4 {
        let r = nav.post_form("/connexion/code", &[("code", faux.as_str())]).await;
        r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY).assert_contient("Ce code est incorrect.");
    }
    nav.post_form("/connexion/code", &[("code", code.as_str())]).await.assert_redirige("/");
    nav.get("/structure/creer").await.assert_statut(StatusCode::OK);
    nav.post_form("/deconnexion", &[] as &[(&str, &str)]).await.assert_redirige("/connexion");

    // One typo after a successful login is one failure, not the fifth.
    nav.get("/connexion").await;
    let r =
        nav.post_form("/connexion", &[("identifiant", EMAIL), ("mot_de_passe", "Faute-de-frappe-1")]).await;
    r.assert_statut(StatusCode::UNAUTHORIZED).assert_contient(REFUS_CONNEXION);
}

// ---------------------------------------------------------------------------------------------
// 6. « Mot de passe oublié »
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn mot_de_passe_oublie_sans_reveler_quels_comptes_existent() {
    let portail = Portail::nouveau();
    let mut nav = Navigateur::new(&portail.app);
    compte_active(&mut nav, EMAIL).await;

    nav.get("/compte/mot-de-passe-oublie")
        .await
        .assert_statut(StatusCode::OK)
        .assert_contient("<h1>Mot de passe oublié</h1>");
    let existant = nav.post_form("/compte/mot-de-passe-oublie", &[("email", EMAIL)]).await;
    existant.assert_statut(StatusCode::OK).assert_contient("<h1>Demande enregistrée</h1>");
    let inconnu = "personne@exemple.fr";
    let absent = nav.post_form("/compte/mot-de-passe-oublie", &[("email", inconnu)]).await;
    absent.assert_statut(StatusCode::OK);
    assert_eq!(existant.corps.replace(EMAIL, "…"), absent.corps.replace(inconnu, "…"), "same page");

    let boite = nav.boite().await;
    let envois: Vec<_> = boite.iter().filter(|m| m.objet == REINITIALISATION).collect();
    assert_eq!(envois.len(), 1, "{boite:?}");
    assert_eq!(envois[0].destinataire, EMAIL);
    assert!(boite.iter().all(|m| m.destinataire != inconnu), "{boite:?}");
    let lien = lien_recu(&mut nav, REINITIALISATION, "/compte/reinitialiser/").await;

    // A reset link is not an activation link.
    let secret = lien.trim_start_matches("/compte/reinitialiser/");
    nav.get(&format!("/compte/activer/{secret}")).await.assert_statut(StatusCode::NOT_FOUND);

    nav.get(&lien)
        .await
        .assert_statut(StatusCode::OK)
        .assert_contient("<h1>Choisir un nouveau mot de passe</h1>");
    let r = nav.post_form(&lien, &[("mot_de_passe", "court"), ("confirmation", "court")]).await;
    r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY).assert_contient("au moins 12 caractères");
    let r = nav.post_form(&lien, &[("mot_de_passe", AUTRE_MDP), ("confirmation", AUTRE_MDP)]).await;
    r.assert_statut(StatusCode::OK).assert_contient("Votre mot de passe a été changé");
    nav.get(&lien).await.assert_statut(StatusCode::NOT_FOUND).assert_contient(LIEN_NON_VALABLE);

    nav.get("/connexion").await;
    let r = nav.post_form("/connexion", &[("identifiant", EMAIL), ("mot_de_passe", MDP)]).await;
    r.assert_statut(StatusCode::UNAUTHORIZED).assert_contient(REFUS_CONNEXION);
    connecter_avec_code(&mut nav, EMAIL, AUTRE_MDP).await;
    nav.get("/").await.assert_redirige("/structure/creer");
}

// ---------------------------------------------------------------------------------------------
// 7. Creating one's structure
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn creer_sa_structure_avec_un_siret() {
    let portail = Portail::nouveau();
    let mut nav = compte_sans_structure(&portail.app, EMAIL).await;
    for page in ["/", "/factures-emises", "/factures-emises/saisir", "/bac/reinitialiser"] {
        let r = nav.get(page).await;
        assert_eq!((r.statut, r.location()), (StatusCode::SEE_OTHER, "/structure/creer"), "{page}");
    }

    let r = structure_refusee(
        &mut nav,
        &champs_structure("SIRET", SIRET_FERME, ""),
        "correspond à un établissement fermé (ANCIENNE QUINCAILLERIE DELMAS (FERMEE))",
    )
    .await;
    r.assert_absent(r#"name="non_verifie""#).assert_contient(&format!(r#"value="{SIRET_FERME}""#));

    let r = structure_refusee(
        &mut nav,
        &champs_structure("SIRET", "92960199500021", ""),
        "Le SIRET 92960199500021 est invalide : sa clé de contrôle (algorithme de Luhn) est fausse",
    )
    .await;
    r.assert_absent(r#"name="non_verifie""#);
    structure_refusee(&mut nav, &champs_structure("SIRET", "", ""), "Saisissez le SIRET de la structure")
        .await;
    structure_refusee(
        &mut nav,
        &champs_structure("INCONNU", SIRET_REGISTRE, ""),
        "Choisissez un type d'identifiant",
    )
    .await;

    let r = structure_refusee(
        &mut nav,
        &champs_structure("SIRET", SIRET_ABSENT, "Mon entreprise réelle"),
        "n'existe pas dans le répertoire des entreprises du simulateur",
    )
    .await;
    r.assert_contient(r#"name="non_verifie""#).assert_contient(r#"value="Mon entreprise réelle""#);

    // Box ticked but no name: the name is asked, the box is still offered.
    let mut champs = champs_structure("SIRET", SIRET_ABSENT, "");
    champs.push(("non_verifie", "oui"));
    let r = structure_refusee(&mut nav, &champs, "Indiquez la raison sociale de la structure").await;
    r.assert_contient(r#"name="non_verifie""#);
    nav.get("/").await.assert_redirige("/structure/creer");

    let mut champs = champs_structure("SIRET", "732 829 320 00074", "Mon entreprise réelle");
    champs.push(("non_verifie", "oui"));
    structure_creee(&mut nav, &champs, "Mon entreprise réelle", SIRET_ABSENT).await;
    nav.get("/factures-emises").await.assert_statut(StatusCode::OK);
}

#[tokio::test]
async fn un_siret_du_repertoire_ne_se_cree_qu_une_fois_par_bac_a_sable() {
    let portail = Portail::nouveau();
    let mut nav = compte_sans_structure(&portail.app, EMAIL).await;
    // The register's name wins over what is typed.
    structure_creee(
        &mut nav,
        &champs_structure("SIRET", SIRET_REGISTRE, "Autre nom"),
        RAISON_REGISTRE,
        SIRET_REGISTRE,
    )
    .await;
    nav.get("/").await.assert_absent("Autre nom");

    // A colleague creates an account on the same browser, hence in the same sandbox.
    nav.post_form("/deconnexion", &[] as &[(&str, &str)]).await.assert_redirige("/connexion");
    let collegue = "paul.renard@exemple.fr";
    compte_active(&mut nav, collegue).await;
    connecter_avec_code(&mut nav, collegue, MDP).await;
    nav.get("/structure/creer")
        .await
        .assert_statut(StatusCode::OK)
        .assert_contient("Bienvenue Jeanne Dupuis");
    let r = structure_refusee(
        &mut nav,
        &champs_structure("SIRET", "929 601 995 00020", ""),
        &format!("La structure {RAISON_REGISTRE} ({SIRET_REGISTRE}) existe déjà dans Chorus Pro"),
    )
    .await;
    r.assert_contient("Demandez à son gestionnaire principal de vous y rattacher.");
    nav.get("/").await.assert_redirige("/structure/creer");

    // In another sandbox the same SIRET is free.
    let mut ailleurs = compte_sans_structure(&portail.app, "autre.sandbox@exemple.fr").await;
    structure_creee(
        &mut ailleurs,
        &champs_structure("SIRET", SIRET_REGISTRE, ""),
        RAISON_REGISTRE,
        SIRET_REGISTRE,
    )
    .await;
}

#[tokio::test]
async fn creer_sa_structure_avec_les_autres_types_d_identifiant() {
    let portail = Portail::nouveau();

    let mut ue = compte_sans_structure(&portail.app, "ue@exemple.fr").await;
    structure_refusee(
        &mut ue,
        &champs_structure("UE_HORS_FRANCE", "DE123456789", ""),
        "Indiquez la raison sociale de la structure",
    )
    .await
    .assert_absent(r#"name="non_verifie""#);
    structure_refusee(
        &mut ue,
        &champs_structure("UE_HORS_FRANCE", "FR12345678901", "Berliner Bau GmbH"),
        "Une structure française s'identifie par son SIRET",
    )
    .await;
    structure_creee(
        &mut ue,
        &champs_structure("UE_HORS_FRANCE", "de 123.456.789", "Berliner Bau GmbH"),
        "Berliner Bau GmbH",
        "DE123456789",
    )
    .await;

    let mut ridet = compte_sans_structure(&portail.app, "ridet@exemple.fr").await;
    structure_creee(
        &mut ridet,
        &champs_structure("RIDET", "1234567", "Nouméa Services"),
        "Nouméa Services",
        "1234567001",
    )
    .await;

    let mut tahiti = compte_sans_structure(&portail.app, "tahiti@exemple.fr").await;
    let r = structure_refusee(
        &mut tahiti,
        &champs_structure("TAHITI", "ABCDEF", "Papeete Pêche"),
        "Dans un numéro TAHITI, seul le premier caractère peut être une lettre : le caractère « B » en position 2",
    )
    .await;
    r.assert_contient(r#"value="ABCDEF""#).assert_contient(r#"<option value="TAHITI" selected>"#);
    tahiti.get("/").await.assert_redirige("/structure/creer");
    structure_creee(
        &mut tahiti,
        &champs_structure("TAHITI", "a12345", "Papeete Pêche"),
        "Papeete Pêche",
        "A12345001",
    )
    .await;

    let mut particulier = compte_sans_structure(&portail.app, "particulier@exemple.fr").await;
    structure_refusee(
        &mut particulier,
        &champs_structure("PARTICULIER", "", ""),
        "Indiquez la raison sociale",
    )
    .await;
    structure_creee(
        &mut particulier,
        &champs_structure("PARTICULIER", "", "Jeanne Dupuis"),
        "Jeanne Dupuis",
        "CPP",
    )
    .await;
}

// ---------------------------------------------------------------------------------------------
// 8. CSRF, mailbox access
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn les_formulaires_du_compte_exigent_le_jeton_csrf() {
    let portail = Portail::nouveau();

    // « Créer un compte » without token, or with another browser's token: nothing created.
    let mut autre = Navigateur::new(&portail.app);
    autre.get("/compte/creer").await;
    let jeton_autre = autre.csrf.clone().expect("token");
    let mut nav = Navigateur::new(&portail.app);
    nav.get("/compte/creer").await;
    let sans = champs_compte(EMAIL);
    let r = nav.post_form_sans_csrf("/compte/creer", &sans).await;
    r.assert_statut(StatusCode::FORBIDDEN).assert_contient(FORMULAIRE_EXPIRE);
    let mut faux = sans.clone();
    faux.push(("csrf", jeton_autre));
    nav.post_form_sans_csrf("/compte/creer", &faux).await.assert_statut(StatusCode::FORBIDDEN);
    nav.get("/messagerie").await.assert_redirige("/connexion");

    // Activation link: refused without token, and still usable.
    creer_compte(&mut nav, EMAIL).await;
    let lien = lien_recu(&mut nav, ACTIVATION, "/compte/activer/").await;
    let r = nav.post_form_sans_csrf(&lien, &[("mot_de_passe", MDP), ("confirmation", MDP)]).await;
    r.assert_statut(StatusCode::FORBIDDEN).assert_contient(FORMULAIRE_EXPIRE);
    nav.get(&lien).await.assert_statut(StatusCode::OK);
    let r = nav.post_form_sans_csrf("/compte/mot-de-passe-oublie", &[("email", EMAIL)]).await;
    r.assert_statut(StatusCode::FORBIDDEN);
    assert_eq!(nav.boite().await.len(), 1, "no new link sent");
    choisir_mot_de_passe(&mut nav, &lien, MDP).await.assert_statut(StatusCode::OK);

    // Login code: refused without token, the right code still works afterwards.
    nav.get("/connexion").await;
    let r = nav.post_form_sans_csrf("/connexion", &[("identifiant", EMAIL), ("mot_de_passe", MDP)]).await;
    r.assert_statut(StatusCode::FORBIDDEN);
    nav.post_form("/connexion", &[("identifiant", EMAIL), ("mot_de_passe", MDP)])
        .await
        .assert_redirige("/connexion/code");
    let code = code_recu(&mut nav).await;
    let r = nav.post_form_sans_csrf("/connexion/code", &[("code", code.as_str())]).await;
    r.assert_statut(StatusCode::FORBIDDEN).assert_contient(FORMULAIRE_EXPIRE);
    nav.get("/").await.assert_redirige("/connexion");
    nav.post_form("/connexion/code", &[("code", code.as_str())]).await.assert_redirige("/");

    // Structure: refused without token, nothing created.
    nav.get("/structure/creer").await;
    let r = nav.post_form_sans_csrf("/structure/creer", &champs_structure("SIRET", SIRET_REGISTRE, "")).await;
    r.assert_statut(StatusCode::FORBIDDEN).assert_contient(FORMULAIRE_EXPIRE);
    nav.get("/").await.assert_redirige("/structure/creer");
}

#[tokio::test]
async fn la_messagerie_demande_un_poste_rattache_a_un_bac() {
    let portail = Portail::nouveau();
    let mut v = Visiteur::new(&portail.app);
    v.get("/messagerie").await.assert_redirige("/connexion");
    v.get("/messagerie/1").await.assert_redirige("/connexion");

    let mut nav = Navigateur::new(&portail.app);
    creer_compte(&mut nav, EMAIL).await;
    let id = nav.boite().await[0].id;
    nav.get(&format!("/messagerie/{id}")).await.assert_statut(StatusCode::OK);
    for faux in ["/messagerie/999999", "/messagerie/abc", "/messagerie/-1", "/messagerie/1e3"] {
        let r = nav.get(faux).await;
        assert_eq!(r.statut, StatusCode::NOT_FOUND, "{faux}: {}", r.extrait());
    }
    // Opened, the message is no longer shown as unread.
    let r = nav.get("/messagerie").await;
    r.assert_statut(StatusCode::OK).assert_absent("non-lu");
}

/// Un poste de la salle sert à plusieurs comptes de démonstration à la suite : après la
/// déconnexion de l'un, l'autre se connecte dans le même navigateur.
#[tokio::test]
async fn un_meme_navigateur_enchaine_deux_comptes_de_demonstration() {
    let portail = Portail::nouveau();
    let mut nav = Navigateur::new(&portail.app);
    nav.get("/connexion").await.assert_statut(StatusCode::OK);
    let mdp = chorus_store::demo::MOT_DE_PASSE_DEMO;
    nav.post_form("/connexion", &[("identifiant", "formation1@exemple.fr"), ("mot_de_passe", mdp)])
        .await
        .assert_redirige("/");
    nav.get("/").await.assert_contient("PLOMBERIE MARTIN");
    nav.post_form("/deconnexion", &[("", "")]).await.assert_redirige("/connexion");
    nav.get("/connexion").await.assert_statut(StatusCode::OK);
    nav.post_form("/connexion", &[("identifiant", "formation2@exemple.fr"), ("mot_de_passe", mdp)])
        .await
        .assert_redirige("/");
    nav.get("/").await.assert_contient("ELECTRICITE GENERALE GIRAUD SARL").assert_absent("PLOMBERIE MARTIN");
}

/// La double authentification se règle par bac à sable, depuis la page « Bac à sable ».
#[tokio::test]
async fn la_double_authentification_se_regle_dans_le_bac() {
    let portail = Portail::nouveau();
    let mut s = Stagiaire::connecte(&portail.app, "formation3@exemple.fr").await;
    s.get("/bac").await.assert_contient("<strong>désactivée</strong>");
    s.post_form("/bac/double-authentification", &[("active", "oui")]).await.assert_redirige("/bac");
    s.get("/bac").await.assert_contient("<strong>activée</strong>");
    s.post_form("/bac/double-authentification", &[("active", "peut-être")])
        .await
        .assert_statut(StatusCode::BAD_REQUEST);
    s.post_form_sans_csrf("/bac/double-authentification", &[("active", "non")])
        .await
        .assert_statut(StatusCode::FORBIDDEN);
    // Désormais, la connexion de ce compte demande un code.
    let mut nav = Navigateur::new(&portail.app);
    nav.get("/connexion").await.assert_statut(StatusCode::OK);
    nav.post_form(
        "/connexion",
        &[("identifiant", "formation3@exemple.fr"), ("mot_de_passe", chorus_store::demo::MOT_DE_PASSE_DEMO)],
    )
    .await
    .assert_redirige("/connexion/code");
}
