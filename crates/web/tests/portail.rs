//! The portal through HTTP, in memory: every page, sessions and CSRF, invoice entry and the
//! Chorus Pro checks, bad input, other trainees' sandboxes, the sandbox clock and its reset.
//! Each test gets its own database (demo data, clock fixed on 22 November 2026).

mod commun;

use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use commun::{Navigateur, Portail, Reponse, Saisie, Stagiaire, Visiteur, echapper, encoder, ligne};

const COMMUNE: &str = "21852884200097";
const DEPARTEMENT: &str = "22221733300095";
const REGION: &str = "23273016800027";
const PREFECTURE: &str = "13220845500064";
const RECTORAT: &str = "17440942500066";
const HOPITAL: &str = "26236940800063";
const EHPAD: &str = "26949711100048";
const COMMUNE_FUSIONNEE: &str = "21068604400012";
/// A supplier of the fictitious company register, not a public buyer.
const FOURNISSEUR: &str = "92391234900068";

const BANDEAU: &str = "SIMULATEUR DE FORMATION";
const SCRIPT: &str = "<script>alert(1)</script>";
const SCRIPT_ECHAPPE: &str = "&lt;script&gt;alert(1)&lt;/script&gt;";
const IMG: &str = r#""><img src=x onerror=alert(1)>"#;
const IMG_BRUTE: &str = "<img src=x onerror=alert(1)>";
const IMG_ECHAPPE: &str = "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;";
const SQL: &str = "'; DROP TABLE facture; --";

fn uuid_au_hasard() -> String {
    uuid::Uuid::new_v4().to_string()
}

// ---------------------------------------------------------------------------------------------
// 1. Every page renders
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn chaque_page_s_affiche_pour_un_stagiaire_connecte() {
    let portail = Portail::nouveau();
    let mut s = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;

    let pages: &[(&str, &[&str])] = &[
        (
            "/",
            &[
                "<h1>Accueil</h1>",
                r#"href="/facturation""#,
                "Accéder au domaine",
                "Démo 1 Stagiaire",
                "Date simulée : <strong>22 novembre 2026</strong>",
                "Avancer l'horloge",
                "Bac à sable / Formation",
            ],
        ),
        (
            "/facturation",
            &["<h1>Facturation</h1>", r#"href="/factures-emises/synthese""#, r#"href="/annuaire""#],
        ),
        ("/organisation", &["<h1>Organisation</h1>", r#"href="/structure""#, r#"href="/approbations""#]),
        ("/raccordements", &["<h1>Raccordements</h1>", r#"href="/structure/compte-technique""#]),
        (
            "/factures-emises/synthese",
            &[
                "<h1>Synthèse</h1>",
                r#"aria-current="page">Synthèse</a>"#,
                r#"href="/factures-emises/deposer">Déposer facture</a>"#,
                r#"href="/factures-emises/saisir">Saisir facture</a>"#,
                r#"href="/factures-emises">Rechercher</a>"#,
            ],
        ),
        (
            "/mon-compte/habilitations",
            &["<h1>Mes habilitations</h1>", "Gestionnaire principal", "Tous les services"],
        ),
        ("/bac", &["<h1>Bac à sable</h1>", "Avancer l'horloge", "Réinitialiser le bac à sable"]),
        ("/bac/horloge", &["<h1>Ce qu'a fait l'horloge</h1>", "L'horloge n'a pas encore avancé"]),
        ("/annuaire", &["<h1>Annuaire des structures publiques</h1>", r#"name="q""#]),
        (
            "/annuaire?q=hospitalier",
            &[
                "1 résultat(s)",
                r#"href="/annuaire/26236940800063""#,
                "CENTRE HOSPITALIER DE VALCOMBE (FICTIF)",
                "N° d'engagement obligatoire",
            ],
        ),
        (
            "/annuaire/26236940800063",
            &[
                "<h1>CENTRE HOSPITALIER DE VALCOMBE (FICTIF)</h1>",
                "<code>TRAVAUX</code>",
                "Direction des travaux",
                "N° d'engagement obligatoire",
                "Délai légal selon la nature de l'acheteur : 50 jours",
                "catégorie juridique INSEE 7364",
                "Aide du simulateur, absente du vrai annuaire",
                r#"href="/choix-du-simulateur#delai-legal-annuaire""#,
                r#"href="/factures-emises/saisir?destinataire=26236940800063""#,
            ],
        ),
        (
            "/factures-emises",
            &["<h1>Rechercher une facture émise</h1>", "<p>0 facture(s).</p>", "Aucune facture."],
        ),
        (
            "/factures-emises/saisir",
            &[
                "<h1>Saisir une facture</h1>",
                r#"name="destinataire" type="text" value="""#,
                r#"name="date_facture" type="date" value="2026-11-22""#,
                "Valider et envoyer",
                "Enregistrer (brouillon)",
            ],
        ),
        (
            "/factures-emises/saisir?destinataire=21852884200097",
            &[r#"name="destinataire" type="text" value="21852884200097""#],
        ),
        (
            "/bac/reinitialiser",
            &[
                "<h1>Réinitialiser le bac à sable</h1>",
                "Oui, tout effacer et recommencer",
                r#"name="confirme" value="oui""#,
            ],
        ),
    ];
    for (chemin, attendus) in pages {
        let r = s.get(chemin).await;
        assert_eq!(r.statut, StatusCode::OK, "{chemin}: {}", r.extrait());
        r.assert_contient(BANDEAU).assert_contient(r#"<html lang="fr">"#);
        for a in *attendus {
            assert!(r.corps.contains(a), "{chemin}: « {a} » missing:\n{}", r.extrait());
        }
        let csrf = s.csrf.clone().expect("token");
        r.assert_contient(&format!(r#"<meta name="csrf" content="{csrf}">"#));
    }
    // A SIRET typed with spaces and letters is reduced to its digits in the prefilled form.
    let r = s.get("/factures-emises/saisir?destinataire=218%20528%20842%2000097").await;
    r.assert_statut(StatusCode::OK)
        .assert_contient(r#"name="destinataire" type="text" value="21852884200097""#);

    let r = s.get("/healthz").await;
    assert_eq!((r.statut, r.corps.as_str()), (StatusCode::OK, "ok"));

    let r = s.get("/assets/app.css").await;
    r.assert_statut(StatusCode::OK);
    let type_css = r.entetes.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    assert!(type_css.starts_with("text/css"), "{type_css}");
    assert!(r.corps.contains('{'), "a stylesheet");
    let r = s.get("/assets/app.js").await;
    r.assert_statut(StatusCode::OK);
    s.get("/assets/inconnu.css").await.assert_statut(StatusCode::NOT_FOUND);

    for chemin in ["/nimporte-quoi", "/factures-emises/saisir/en-trop", "/bac/inconnu"] {
        let r = s.get(chemin).await;
        assert_eq!(r.statut, StatusCode::NOT_FOUND, "{chemin}");
        r.assert_contient(BANDEAU)
            .assert_contient("<h1>Page introuvable</h1>")
            .assert_contient("Cette adresse n'existe pas dans le simulateur.")
            .assert_contient(r#"<html lang="fr">"#);
    }
    let r = s.get("/annuaire/00000000000000").await;
    r.assert_statut(StatusCode::NOT_FOUND).assert_contient("Structure publique introuvable");
}

// ---------------------------------------------------------------------------------------------
// 2. Anonymous visitors
// ---------------------------------------------------------------------------------------------

const PAGES_DU_PORTAIL: [&str; 10] = [
    "/",
    "/annuaire",
    "/annuaire?q=hospitalier",
    "/annuaire/26236940800063",
    "/factures-emises",
    "/factures-emises?statut=BROUILLON",
    "/factures-emises/saisir",
    "/factures-emises/saisir?destinataire=21852884200097",
    "/bac/reinitialiser",
    "/factures-emises/00000000-0000-4000-8000-000000000000",
];

#[tokio::test]
async fn un_visiteur_anonyme_est_renvoye_vers_la_connexion() {
    let portail = Portail::nouveau();
    let mut v = Visiteur::new(&portail.app);
    let id = uuid_au_hasard();
    let pages_facture = [format!("/factures-emises/{id}/envoyer"), format!("/factures-emises/{id}/modifier")];
    for chemin in PAGES_DU_PORTAIL.iter().copied().chain(pages_facture.iter().map(String::as_str)) {
        let r = v.get(chemin).await;
        assert_eq!((r.statut, r.location()), (StatusCode::SEE_OTHER, "/connexion"), "GET {chemin}");
    }

    // The login page itself, with the demo accounts and a token.
    let r = v.get("/connexion").await;
    r.assert_statut(StatusCode::OK)
        .assert_contient(BANDEAU)
        .assert_contient("<h1>Se connecter</h1>")
        .assert_contient("formation1@exemple.fr")
        .assert_contient(r#"<meta name="csrf" content=""#);
    assert!(v.cookie.is_some(), "the login page opens an anonymous session");
    v.get("/healthz").await.assert_statut(StatusCode::OK);
    v.get("/assets/app.css").await.assert_statut(StatusCode::OK);

    // POST without being logged in: with the anonymous session's token, and with no session.
    let paires =
        |v: &[(&str, &str)]| v.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>();
    let posts: [(String, Vec<(String, String)>); 6] = [
        (
            "/factures-emises/saisir".into(),
            Saisie::valide("FA-ANON-1", COMMUNE).champs("envoyer", &[("confirme", "oui")]),
        ),
        ("/bac/horloge".into(), paires(&[("jours", "10")])),
        ("/bac/reinitialiser".into(), paires(&[("confirme", "oui")])),
        ("/deconnexion".into(), vec![]),
        (format!("/factures-emises/{id}/envoyer"), paires(&[("confirme", "oui")])),
        ("/connexion".into(), paires(&[("identifiant", "formation1@exemple.fr"), ("mot_de_passe", "x")])),
    ];
    for (chemin, champs) in &posts {
        let r = v.post_form(chemin, champs).await;
        verifier_refus_anonyme(chemin, &r);
        let mut sans_session = Navigateur::new(&portail.app);
        let r = sans_session.post_form_sans_csrf(chemin, champs).await;
        verifier_refus_anonyme(chemin, &r);
        if chemin == "/connexion" {
            // Logging in needs the token of the login page.
            r.assert_statut(StatusCode::FORBIDDEN);
        } else {
            r.assert_redirige("/connexion");
        }
    }
    // Still nobody logged in.
    v.get("/").await.assert_redirige("/connexion");
}

#[track_caller]
fn verifier_refus_anonyme(chemin: &str, r: &Reponse) {
    let ok = match r.statut {
        StatusCode::SEE_OTHER => r.location() == "/connexion",
        // A wrong password from the anonymous session is a 401: still refused.
        StatusCode::FORBIDDEN | StatusCode::UNAUTHORIZED => true,
        _ => false,
    };
    assert!(ok, "POST {chemin}: {} {}\n{}", r.statut, r.location(), r.extrait());
}

// ---------------------------------------------------------------------------------------------
// 3. Login and logout
// ---------------------------------------------------------------------------------------------

/// The error box of the login page.
fn alerte(r: &Reponse) -> String {
    let debut = r.corps.find(r#"role="alert""#).expect("an error box");
    let fin = r.corps[debut..].find("</div>").expect("end of the box");
    r.corps[debut..debut + fin].to_string()
}

#[tokio::test]
async fn connexion_refusee_puis_acceptee_puis_deconnexion() {
    let portail = Portail::nouveau();
    let mut v = Visiteur::new(&portail.app);
    v.get("/connexion").await.assert_statut(StatusCode::OK);
    let cookie_anonyme = v.cookie.clone().expect("anonymous session cookie");

    let mauvais_mot_de_passe = v
        .post_form(
            "/connexion",
            &[("identifiant", "formation1@exemple.fr"), ("mot_de_passe", "formation-2026")],
        )
        .await;
    mauvais_mot_de_passe
        .assert_statut(StatusCode::UNAUTHORIZED)
        .assert_contient("Identifiant ou mot de passe incorrect")
        .assert_contient(r#"value="formation1@exemple.fr""#);
    let compte_inconnu = v
        .post_form(
            "/connexion",
            &[("identifiant", "personne@exemple.fr"), ("mot_de_passe", "Formation-2026")],
        )
        .await;
    compte_inconnu
        .assert_statut(StatusCode::UNAUTHORIZED)
        .assert_contient("Identifiant ou mot de passe incorrect");
    assert_eq!(alerte(&mauvais_mot_de_passe), alerte(&compte_inconnu), "no account enumeration");
    let vide = v.post_form("/connexion", &[("identifiant", ""), ("mot_de_passe", "")]).await;
    vide.assert_statut(StatusCode::UNAUTHORIZED);
    v.get("/").await.assert_redirige("/connexion");

    // The right password, but no token, or a wrong one.
    let bons =
        [("identifiant", "formation1@exemple.fr"), ("mot_de_passe", chorus_store::demo::MOT_DE_PASSE_DEMO)];
    v.post_form_sans_csrf("/connexion", &bons)
        .await
        .assert_statut(StatusCode::FORBIDDEN)
        .assert_contient("Formulaire expiré");
    let mut faux = bons.to_vec();
    faux.push(("csrf", "0000"));
    v.post_form_sans_csrf("/connexion", &faux).await.assert_statut(StatusCode::FORBIDDEN);
    v.get("/").await.assert_redirige("/connexion");

    // The right login: back home, under a new session id.
    v.get("/connexion").await;
    v.post_form("/connexion", &bons).await.assert_redirige("/");
    let cookie_connecte = v.cookie.clone().expect("session cookie");
    assert_ne!(cookie_connecte, cookie_anonyme, "the session id changes on login (session fixation)");
    v.get("/")
        .await
        .assert_statut(StatusCode::OK)
        .assert_contient("<h1>Accueil</h1>")
        .assert_contient("Démo 1 Stagiaire");
    // Whoever knew the anonymous cookie is not logged in.
    let mut tiers = Navigateur::new(&portail.app);
    tiers.cookie = Some(cookie_anonyme);
    tiers.get("/").await.assert_redirige("/connexion");

    // Logout needs the token too.
    v.post_form_sans_csrf("/deconnexion", &[("csrf", "faux")]).await.assert_statut(StatusCode::FORBIDDEN);
    v.get("/").await.assert_statut(StatusCode::OK);
    v.post_form("/deconnexion", &[] as &[(&str, &str)]).await.assert_redirige("/connexion");
    v.get("/").await.assert_redirige("/connexion");
    v.get("/factures-emises").await.assert_redirige("/connexion");
    // The old logged-in cookie is dead on the server side too.
    let mut rejoue = Navigateur::new(&portail.app);
    rejoue.cookie = Some(cookie_connecte);
    rejoue.get("/").await.assert_redirige("/connexion");
}

// ---------------------------------------------------------------------------------------------
// 4. CSRF
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn un_formulaire_sans_jeton_valide_est_refuse_et_rien_n_est_enregistre() {
    let portail = Portail::nouveau();
    let mut s = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    // The token of another (anonymous) session is no better than a made-up one.
    let mut autre = Visiteur::new(&portail.app);
    autre.get("/connexion").await;
    let jeton_autre = autre.csrf.clone().expect("token");
    assert_ne!(Some(&jeton_autre), s.csrf.as_ref());
    let jetons_faux = [None, Some(String::new()), Some("faux".to_string()), Some(jeton_autre)];

    let saisie = Saisie::valide("FA-CSRF-1", COMMUNE);
    let formulaires: [(&str, Vec<(String, String)>); 4] = [
        ("/factures-emises/saisir", saisie.champs("envoyer", &[("confirme", "oui")])),
        ("/factures-emises/saisir", saisie.champs("enregistrer", &[])),
        ("/bac/horloge", vec![("jours".into(), "10".into())]),
        ("/bac/reinitialiser", vec![("confirme".into(), "oui".into())]),
    ];
    let tenter = async |s: &mut Stagiaire| {
        for (chemin, champs) in &formulaires {
            for jeton in &jetons_faux {
                let mut champs = champs.clone();
                if let Some(j) = jeton {
                    champs.push(("csrf".into(), j.clone()));
                }
                let r = s.post_form_sans_csrf(chemin, &champs).await;
                assert_eq!(r.statut, StatusCode::FORBIDDEN, "POST {chemin} with token {jeton:?}");
                r.assert_contient("Formulaire expiré").assert_contient(BANDEAU);
            }
        }
    };
    tenter(&mut s).await;
    s.assert_nombre_factures(0).await;
    assert_eq!(s.date_simulee().await, "22 novembre 2026");

    // With an invoice and a draft saved, the forged resets and sends change nothing either.
    let envoyee = s.envoyer(&Saisie::valide("FA-CSRF-2", COMMUNE)).await;
    let brouillon = s.enregistrer(&Saisie::valide("FA-CSRF-3", COMMUNE)).await;
    tenter(&mut s).await;
    let chemin = format!("/factures-emises/{brouillon}/envoyer");
    s.post_form_sans_csrf(&chemin, &[("confirme", "oui")]).await.assert_statut(StatusCode::FORBIDDEN);
    s.post_form_sans_csrf(&chemin, &[("confirme", "oui"), ("csrf", "faux")])
        .await
        .assert_statut(StatusCode::FORBIDDEN);
    let liste = s.assert_nombre_factures(2).await;
    liste.assert_contient("FA-CSRF-2").assert_contient("FA-CSRF-3").assert_absent("FA-CSRF-1");
    s.get(&format!("/factures-emises/{brouillon}")).await.assert_contient("pastille-brouillon");
    s.get(&format!("/factures-emises/{envoyee}")).await.assert_contient("Mise à disposition du destinataire");
    assert_eq!(s.date_simulee().await, "22 novembre 2026");
}

// ---------------------------------------------------------------------------------------------
// 5. Invoice entry
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn valider_et_envoyer_passe_par_la_confirmation() {
    let portail = Portail::nouveau();
    let mut s = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    let saisie = Saisie::valide("FA-2026-0001", COMMUNE)
        .avec("code_service", "SERVICES_TECHNIQUES")
        .avec("commentaire", "Intervention de novembre");

    // First click: the confirmation screen, nothing saved yet.
    let r = s.post_form("/factures-emises/saisir", &saisie.champs("envoyer", &[])).await;
    r.assert_statut(StatusCode::OK)
        .assert_contient(BANDEAU)
        .assert_contient("Confirmer l'envoi de la facture")
        .assert_contient("<strong>FA-2026-0001</strong>")
        .assert_contient("300,00 €")
        .assert_contient("60,00 €")
        .assert_contient("360,00 €")
        .assert_contient(r#"<input type="hidden" name="confirme" value="oui">"#)
        .assert_contient(
            r#"<input type="hidden" name="ligne_designation" value="Entretien des espaces verts">"#,
        )
        .assert_contient("Revenir à la saisie");
    s.assert_nombre_factures(0).await;

    // « Revenir à la saisie » gives the form back as typed.
    let r = s.post_form("/factures-emises/saisir", &saisie.champs("modifier", &[])).await;
    r.assert_statut(StatusCode::OK).assert_contient("<h1>Saisir une facture</h1>");
    saisie.assert_reaffichee(&r);
    s.assert_nombre_factures(0).await;

    // A button the form does not have.
    s.post_form("/factures-emises/saisir", &saisie.champs("supprimer", &[]))
        .await
        .assert_statut(StatusCode::BAD_REQUEST)
        .assert_contient("Choisissez « Enregistrer » ou « Valider et envoyer »");

    // Confirmed: sent, routed, made available to the buyer.
    let id = s.envoyer(&saisie).await;
    let r = s.get(&format!("/factures-emises/{id}")).await;
    r.assert_statut(StatusCode::OK)
        .assert_contient(BANDEAU)
        .assert_contient("Facture n° FA-2026-0001")
        .assert_contient(
            r#"<span class="pastille pastille-en-cours">Mise à disposition du destinataire</span>"#,
        )
        .assert_contient("COMMUNE DE VALCOMBE (FICTIVE)")
        .assert_contient("<code>SERVICES_TECHNIQUES</code>")
        .assert_contient("Entretien des espaces verts")
        .assert_contient("150,00 €")
        .assert_contient("300,00 €")
        .assert_contient("60,00 €")
        .assert_contient("<strong>360,00 €</strong>")
        .assert_contient("Intervention de novembre")
        .assert_contient("Historique des statuts")
        .assert_contient(">Déposée</span>")
        .assert_contient(">En cours d'acheminement vers le destinataire</span>")
        .assert_contient(">Mise à disposition du destinataire</span> le <strong>22/11/2026</strong>")
        .assert_contient("Départ du délai")
        .assert_contient("30 jours")
        .assert_absent(&format!("/factures-emises/{id}/envoyer"))
        .assert_absent(&format!("/factures-emises/{id}/modifier"));
    let liste = s.assert_nombre_factures(1).await;
    liste
        .assert_contient("FA-2026-0001")
        .assert_contient("360,00 €")
        .assert_contient(&format!("/factures-emises/{id}"));
    let accueil = s.get("/").await;
    accueil.assert_absent("jamais envoyée");

    // Amounts over a thousand, several rates: French format with a narrow no-break space.
    let saisie = Saisie::valide("FA-2026-0002", COMMUNE).lignes(vec![
        ligne("", "Tonte", "2", "150", "20"),
        ligne("", "Abonnement", "3", "1 000,00", "10"),
        ligne("", "Livres", "1,5", "10", "5,5"),
    ]);
    let id = s.envoyer(&saisie).await;
    let r = s.get(&format!("/factures-emises/{id}")).await;
    // HT 300 + 3 000 + 15 = 3 315 ; TVA 60 + 300 + 0,83 = 360,83 ; TTC 3 675,83.
    r.assert_contient("3\u{202f}315,00 €")
        .assert_contient("360,83 €")
        .assert_contient("<strong>3\u{202f}675,83 €</strong>")
        .assert_contient("5,5 %")
        .assert_contient("1,5");
    s.assert_nombre_factures(2).await;
}

#[tokio::test]
async fn un_brouillon_se_modifie_puis_s_envoie() {
    let portail = Portail::nouveau();
    let mut s = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    let saisie = Saisie::valide("FA-BROUILLON-1", COMMUNE);
    let id = s.enregistrer(&saisie).await;

    let r = s.get(&format!("/factures-emises/{id}")).await;
    r.assert_statut(StatusCode::OK)
        .assert_contient(r#"<span class="pastille pastille-brouillon">Brouillon</span>"#)
        .assert_contient("non envoyée")
        .assert_contient(&format!(r#"href="/factures-emises/{id}/envoyer""#))
        .assert_contient(&format!(r#"href="/factures-emises/{id}/modifier""#))
        .assert_absent("Départ du délai");
    s.get("/factures-emises/synthese")
        .await
        .assert_contient("1 facture(s) enregistrée(s) mais jamais envoyée(s).")
        .assert_contient("FA-BROUILLON-1");

    // Modify: the form is prefilled and carries the draft id.
    let r = s.get(&format!("/factures-emises/{id}/modifier")).await;
    r.assert_statut(StatusCode::OK)
        .assert_contient("<h1>Modifier le brouillon</h1>")
        .assert_contient(&format!(r#"<input type="hidden" name="brouillon" value="{id}">"#));
    saisie.assert_reaffichee(&r);
    let modifiee = saisie.clone().ligne1("designation", "Taille des haies").ligne1("quantite", "3");
    let r =
        s.post_form("/factures-emises/saisir", &modifiee.champs("enregistrer", &[("brouillon", &id)])).await;
    assert_eq!(r.id_facture(), id, "the same draft is saved again");
    s.assert_nombre_factures(1).await;
    let r = s.get(&format!("/factures-emises/{id}")).await;
    r.assert_contient("Taille des haies")
        .assert_absent("Entretien des espaces verts")
        .assert_contient("<strong>540,00 €</strong>")
        .assert_contient("pastille-brouillon");

    // Send it: confirmation page, a POST without « confirme » only goes back there.
    let chemin = format!("/factures-emises/{id}/envoyer");
    s.get(&chemin)
        .await
        .assert_statut(StatusCode::OK)
        .assert_contient("Confirmer l'envoi de la facture FA-BROUILLON-1")
        .assert_contient("540,00 €");
    s.post_form(&chemin, &[] as &[(&str, &str)]).await.assert_redirige(&chemin);
    s.get(&format!("/factures-emises/{id}")).await.assert_contient("pastille-brouillon");
    s.post_form(&chemin, &[("confirme", "oui")]).await.assert_redirige(&format!("/factures-emises/{id}"));
    let r = s.get(&format!("/factures-emises/{id}")).await;
    r.assert_contient(
        r#"<span class="pastille pastille-en-cours">Mise à disposition du destinataire</span>"#,
    )
    .assert_contient(">Brouillon</span>")
    .assert_contient(">Déposée</span>")
    .assert_contient("Taille des haies");
    s.assert_nombre_factures(1).await;
    s.get("/").await.assert_absent("jamais envoyée");

    // Once sent, it can be neither sent again nor modified.
    s.get(&chemin).await.assert_statut(StatusCode::CONFLICT).assert_contient("déjà été envoyée");
    s.post_form(&chemin, &[("confirme", "oui")]).await.assert_statut(StatusCode::CONFLICT);
    s.get(&format!("/factures-emises/{id}/modifier"))
        .await
        .assert_statut(StatusCode::CONFLICT)
        .assert_contient("Seul un brouillon peut être modifié");
    let r = s
        .post_form(
            "/factures-emises/saisir",
            &modifiee
                .clone()
                .ligne1("designation", "Autre chose")
                .champs("enregistrer", &[("brouillon", &id)]),
        )
        .await;
    r.assert_statut(StatusCode::CONFLICT).assert_contient("déjà été envoyée");
    s.get(&format!("/factures-emises/{id}"))
        .await
        .assert_contient("Taille des haies")
        .assert_absent("Autre chose")
        .assert_contient("Mise à disposition du destinataire");

    // A draft that does not pass the checks when sent: the form comes back with the anomaly.
    let sans_service = Saisie::valide("FA-BROUILLON-2", DEPARTEMENT);
    let id2 = s.enregistrer(&sans_service).await;
    let chemin2 = format!("/factures-emises/{id2}/envoyer");
    s.get(&chemin2).await.assert_statut(StatusCode::OK);
    let r = s.post_form(&chemin2, &[("confirme", "oui")]).await;
    r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contient("exige un code service sur ses factures")
        .assert_contient(&format!(r#"<input type="hidden" name="brouillon" value="{id2}">"#));
    sans_service.assert_reaffichee(&r);
    s.get(&format!("/factures-emises/{id2}")).await.assert_contient("pastille-brouillon");
    // Corrected in the form, sent with the draft id: still two invoices.
    let corrigee = sans_service.avec("code_service", "DIR_ROUTES");
    let r = s
        .post_form(
            "/factures-emises/saisir",
            &corrigee.champs("envoyer", &[("confirme", "oui"), ("brouillon", &id2)]),
        )
        .await;
    assert_eq!(r.id_facture(), id2);
    s.get(&format!("/factures-emises/{id2}"))
        .await
        .assert_contient("<code>DIR_ROUTES</code>")
        .assert_contient("Mise à disposition du destinataire");
    s.assert_nombre_factures(2).await;
}

// ---------------------------------------------------------------------------------------------
// 6. Chorus Pro's checks
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn les_controles_de_chorus_pro_renvoient_le_formulaire_avec_le_message() {
    let portail = Portail::nouveau();
    let mut s = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    let n = |i: u32| format!("FA-CTRL-{i:03}");

    let refus: Vec<(Saisie, &str)> = vec![
        (
            Saisie::valide(&n(1), FOURNISSEUR),
            "Aucune structure publique de l'annuaire Chorus Pro ne porte l'identifiant « 92391234900068 »",
        ),
        (
            Saisie::valide(&n(2), COMMUNE_FUSIONNEE),
            "est inactive dans Chorus Pro : elle ne peut plus recevoir de factures",
        ),
        (
            Saisie::valide(&n(3), DEPARTEMENT),
            "« DEPARTEMENT DU CAUSSE (FICTIF) » exige un code service sur ses factures",
        ),
        (
            Saisie::valide(&n(4), COMMUNE).avec("code_service", "FACTURES_PUBLIQUES"),
            "Le service « FACTURES_PUBLIQUES » est réservé aux factures échangées entre entités publiques",
        ),
        (
            Saisie::valide(&n(5), DEPARTEMENT).avec("code_service", "ANCIEN_SERVICE_VOIRIE"),
            "le service « ANCIEN_SERVICE_VOIRIE » de « DEPARTEMENT DU CAUSSE (FICTIF) » est fermé",
        ),
        (
            Saisie::valide(&n(6), DEPARTEMENT).avec("code_service", "dir_routes"),
            "Vouliez-vous dire « DIR_ROUTES » ?",
        ),
        (
            Saisie::valide(&n(7), PREFECTURE),
            "« PREFECTURE DU CAUSSE (FICTIVE) » exige le numéro d'engagement juridique sur toutes ses factures",
        ),
        (
            Saisie::valide(&n(8), REGION).avec("code_service", "DIR_LYCEES"),
            "Le service « DIR_LYCEES » de « REGION CEVENNES-GARRIGUES (FICTIVE) » exige le numéro d'engagement juridique",
        ),
        (
            Saisie::valide(&n(9), REGION),
            "exige au moins l'un des deux : le code service ou le numéro d'engagement juridique",
        ),
        (
            Saisie::valide(&n(10), RECTORAT).avec("code_service", "DAFPIC"),
            "exige le numéro d'engagement juridique sur toutes ses factures",
        ),
        (
            Saisie::valide(&n(11), RECTORAT).avec("numero_engagement", "EJ-2026-77"),
            "exige un code service sur ses factures",
        ),
        (
            Saisie::valide(&n(12), COMMUNE).avec("date_facture", "2026-11-23"),
            "le 23/11/2026 est postérieur à aujourd'hui (22/11/2026)",
        ),
        (
            Saisie::valide(&n(13), COMMUNE).ligne1("taux_tva", "7"),
            "« 7 » n'est pas un taux de TVA français en vigueur. Choisissez 20, 10, 5,5, 2,1 ou 0 %",
        ),
        (Saisie::valide(&n(14), COMMUNE).ligne1("taux_tva", "0"), "La ligne 1 est à 0 % de TVA"),
        (
            Saisie::valide(&n(15), COMMUNE).ligne1("quantite", "-2"),
            "« Quantité (ligne 1) » vaut -2 : elle doit être supérieure à 0",
        ),
        (Saisie::valide(&n(16), COMMUNE).lignes(vec![]), "La facture doit comporter au moins une ligne"),
        (
            Saisie::valide(&n(17), COMMUNE).ligne1("designation", &"x".repeat(10_000)),
            "« Désignation (ligne 1) » compte 10000 caractères alors que Chorus Pro en accepte 250 au plus",
        ),
    ];
    for (saisie, message) in &refus {
        s.envoi_refuse(saisie, message).await;
        // The confirmation step runs the same checks.
        let r = s.post_form("/factures-emises/saisir", &saisie.champs("envoyer", &[])).await;
        assert_eq!(r.statut, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        r.assert_contient(&echapper(message));
    }
    s.assert_nombre_factures(0).await;

    // A form error is also refused for a draft.
    let trop_long = &refus.last().expect("cases").0;
    let r = s.post_form("/factures-emises/saisir", &trop_long.champs("enregistrer", &[])).await;
    r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY).assert_contient("compte 10000 caractères");
    trop_long.assert_reaffichee(&r);

    // The same recipients with what they require are accepted.
    let acceptees = [
        Saisie::valide(&n(20), DEPARTEMENT).avec("code_service", "DIR_ROUTES"),
        Saisie::valide(&n(21), PREFECTURE).avec("numero_engagement", "EJ-2026-01"),
        Saisie::valide(&n(22), REGION).avec("code_service", "DIR_FORMATION"),
        Saisie::valide(&n(23), REGION).avec("numero_engagement", "EJ-2026-02"),
        Saisie::valide(&n(24), REGION)
            .avec("code_service", "DIR_LYCEES")
            .avec("numero_engagement", "EJ-2026-03"),
        Saisie::valide(&n(25), RECTORAT).avec("code_service", "DSI").avec("numero_engagement", "EJ-2026-04"),
        Saisie::valide(&n(26), COMMUNE)
            .ligne1("taux_tva", "0")
            .avec("motif_exoneration", "TVA non applicable, art. 293 B du CGI"),
    ];
    for saisie in &acceptees {
        s.envoyer(saisie).await;
    }
    s.assert_nombre_factures(acceptees.len()).await;

    // A number is used once, sent or draft.
    let double = Saisie::valide(&n(20), COMMUNE);
    let r = s
        .envoi_refuse(&double, "Vous avez déjà une facture portant le numéro « FA-CTRL-020 » : chaque facture doit avoir un numéro unique")
        .await;
    r.assert_contient("La facture ne peut pas être enregistrée : 1 anomalie(s)");
    let r = s.post_form("/factures-emises/saisir", &double.champs("enregistrer", &[])).await;
    r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contient("Vous avez déjà une facture portant le numéro");
    s.enregistrer(&Saisie::valide(&n(30), COMMUNE)).await;
    s.envoi_refuse(
        &Saisie::valide(&n(30), COMMUNE),
        "Vous avez déjà une facture portant le numéro « FA-CTRL-030 »",
    )
    .await;
    s.assert_nombre_factures(acceptees.len() + 1).await;
}

// ---------------------------------------------------------------------------------------------
// 7. Bad input
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn siret_mal_forme_et_html_dans_les_champs() {
    let portail = Portail::nouveau();
    let mut s = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    let deja = s.envoyer(&Saisie::valide("FA-AVANT-1", COMMUNE)).await;

    s.envoi_refuse(
        &Saisie::valide("FA-SIRET-1", "1234"),
        "Aucune structure publique de l'annuaire Chorus Pro ne porte l'identifiant « 1234 ». D'ailleurs, le SIRET doit comporter 14 chiffres (vous en avez saisi 4).",
    )
    .await;
    s.envoi_refuse(
        &Saisie::valide("FA-SIRET-2", "21852884200098"),
        "le SIRET 21852884200098 est invalide : sa clé de contrôle (algorithme de Luhn) est fausse",
    )
    .await
    .assert_contient("21852884200098");
    s.envoi_refuse(
        &Saisie::valide("FA-SIRET-3", "2185288420009A"),
        "le caractère « A » en position 14 n'est pas un chiffre",
    )
    .await;

    // HTML and script in every text field: shown back escaped, never as markup.
    let piegee = Saisie::valide(SCRIPT, COMMUNE)
        .avec("code_service", IMG)
        .avec("numero_engagement", SCRIPT)
        .avec("numero_marche", IMG)
        .avec("commentaire", SCRIPT)
        .ligne1("designation", IMG)
        .ligne1("reference", SCRIPT)
        .ligne1("unite", "<b>")
        .ligne1("quantite", SCRIPT);
    for action in ["envoyer", "enregistrer"] {
        let r = s.post_form("/factures-emises/saisir", &piegee.champs(action, &[("confirme", "oui")])).await;
        r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contient("ne peut contenir que des lettres sans accent")
            .assert_contient("« &lt; »")
            .assert_contient(SCRIPT_ECHAPPE)
            .assert_contient(IMG_ECHAPPE)
            .assert_absent(SCRIPT)
            .assert_absent(IMG_BRUTE)
            .assert_absent("<b>");
        piegee.assert_reaffichee(&r);
    }

    // Accepted as a draft (a valid number): every page shows it escaped.
    let brouillon = Saisie::valide("FA-HTML-1", COMMUNE)
        .avec("code_service", SCRIPT)
        .avec("numero_engagement", IMG)
        .avec("commentaire", IMG)
        .ligne1("designation", SCRIPT)
        .ligne1("reference", IMG);
    let id = s.enregistrer(&brouillon).await;
    let pages = [
        format!("/factures-emises/{id}"),
        format!("/factures-emises/{id}/modifier"),
        format!("/factures-emises/{id}/envoyer"),
        "/factures-emises".to_string(),
        "/".to_string(),
    ];
    for chemin in &pages {
        let r = s.get(chemin).await;
        assert_eq!(r.statut, StatusCode::OK, "{chemin}");
        r.assert_absent(SCRIPT).assert_absent(IMG_BRUTE);
    }
    s.get(&pages[0])
        .await
        .assert_contient(&format!("<td>{SCRIPT_ECHAPPE}<br>"))
        .assert_contient(&format!("<code>{SCRIPT_ECHAPPE}</code>"))
        .assert_contient(IMG_ECHAPPE);
    brouillon.assert_reaffichee(&s.get(&pages[1]).await);
    // Sending it fails on the unknown service: the message quotes it, escaped.
    let r = s.post_form(&pages[2], &[("confirme", "oui")]).await;
    r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contient(&format!("« {SCRIPT_ECHAPPE} » n'existe pas pour « COMMUNE DE VALCOMBE (FICTIVE) »"))
        .assert_absent(SCRIPT)
        .assert_absent(IMG_BRUTE);

    // Nothing saved before is lost.
    let liste = s.assert_nombre_factures(2).await;
    liste.assert_contient("FA-AVANT-1").assert_contient("FA-HTML-1");
    s.get(&format!("/factures-emises/{deja}")).await.assert_contient("Mise à disposition du destinataire");
}

#[tokio::test]
async fn sql_et_identifiants_forges() {
    let portail = Portail::nouveau();
    let mut s = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    let envoyee = s.envoyer(&Saisie::valide("FA-SQL-1", COMMUNE)).await;
    let brouillon = s
        .enregistrer(
            &Saisie::valide("FA-SQL-2", COMMUNE)
                .avec("numero_marche", SQL)
                .avec("commentaire", "Robert'); DROP TABLE facture;--")
                .ligne1("designation", SQL),
        )
        .await;
    s.get(&format!("/factures-emises/{brouillon}"))
        .await
        .assert_contient(&format!("<td>{SQL}<br>"))
        .assert_contient("Robert'); DROP TABLE facture;--");

    let q = encoder(SQL);
    s.get(&format!("/annuaire?q={q}"))
        .await
        .assert_statut(StatusCode::OK)
        .assert_contient(&format!("Aucune structure publique ne correspond à « {SQL} »"));
    for q in ["' OR '1'='1", "%", "_", "\\", "\"; --", "21852884200097' OR 1=1 --"] {
        let r = s.get(&format!("/annuaire?q={}", encoder(q))).await;
        r.assert_statut(StatusCode::OK).assert_contient("Aucune structure publique ne correspond");
    }
    s.get("/annuaire?q=valcombe").await.assert_statut(StatusCode::OK).assert_contient("COMMUNE DE VALCOMBE");
    // A page number that is not one is page 1; a page past the end is empty, not an error.
    for page in ["abc", "-1", "0", "99999999999999999999", "%00"] {
        s.get(&format!("/annuaire?q=valcombe&page={page}"))
            .await
            .assert_statut(StatusCode::OK)
            .assert_contient("COMMUNE DE VALCOMBE");
    }
    s.get("/annuaire?q=valcombe&page=7")
        .await
        .assert_statut(StatusCode::OK)
        .assert_absent("COMMUNE DE VALCOMBE");

    for (filtre, attendu) in [(SQL, 0), ("%", 0), ("_", 0), ("' OR 1=1 --", 0), ("SQL", 2), ("sql-1", 1)] {
        let r = s.get(&format!("/factures-emises?numero={}", encoder(filtre))).await;
        assert_eq!(r.statut, StatusCode::OK, "numero={filtre}");
        r.assert_contient(&format!("<p>{attendu} facture(s).</p>"))
            .assert_contient(&format!(r#"name="numero" value="{}""#, echapper(filtre)));
    }
    let liste = s.assert_nombre_factures(2).await;
    liste.assert_contient("FA-SQL-1").assert_contient("FA-SQL-2");

    // Forged invoice ids.
    let inconnu = uuid_au_hasard();
    for id in ["not-a-uuid", inconnu.as_str(), "%27%20OR%201%3D1%20--", "..%2F..%2Fetc%2Fpasswd"] {
        for chemin in [
            format!("/factures-emises/{id}"),
            format!("/factures-emises/{id}/envoyer"),
            format!("/factures-emises/{id}/modifier"),
        ] {
            let r = s.get(&chemin).await;
            assert_eq!(r.statut, StatusCode::NOT_FOUND, "GET {chemin}: {}", r.extrait());
            r.assert_contient(if id.contains('%') { "Page introuvable" } else { "facture introuvable" });
        }
        let r = s.post_form(&format!("/factures-emises/{id}/envoyer"), &[("confirme", "oui")]).await;
        assert_eq!(r.statut, StatusCode::NOT_FOUND, "POST envoyer {id}");
    }
    for confirme in ["oui", ""] {
        for action in ["envoyer", "enregistrer"] {
            let r = s
                .post_form(
                    "/factures-emises/saisir",
                    &Saisie::valide("FA-SQL-3", COMMUNE)
                        .champs(action, &[("brouillon", &inconnu), ("confirme", confirme)]),
                )
                .await;
            assert_eq!(r.statut, StatusCode::NOT_FOUND, "{action} {confirme}: {}", r.extrait());
        }
    }
    s.assert_nombre_factures(2).await;
    s.get(&format!("/factures-emises/{envoyee}")).await.assert_statut(StatusCode::OK);
}

#[tokio::test]
async fn les_factures_d_un_autre_stagiaire_sont_introuvables() {
    let portail = Portail::nouveau();
    let mut autre = Stagiaire::connecte(&portail.app, "formation2@exemple.fr").await;
    let saisie = Saisie::valide("FA-AUTRE-1", COMMUNE).ligne1("designation", "Prestation de formation2");
    let son_brouillon = autre.enregistrer(&saisie).await;
    let son_envoi = autre.envoyer(&Saisie::valide("FA-AUTRE-2", COMMUNE)).await;
    let page_avant = autre.get(&format!("/factures-emises/{son_brouillon}")).await;
    let jeton_autre = autre.csrf.clone().expect("token");

    let mut s = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    for id in [&son_brouillon, &son_envoi] {
        for chemin in [
            format!("/factures-emises/{id}"),
            format!("/factures-emises/{id}/envoyer"),
            format!("/factures-emises/{id}/modifier"),
        ] {
            let r = s.get(&chemin).await;
            assert_eq!(r.statut, StatusCode::NOT_FOUND, "GET {chemin}");
            r.assert_contient("facture introuvable").assert_absent("FA-AUTRE");
        }
        let r = s.post_form(&format!("/factures-emises/{id}/envoyer"), &[("confirme", "oui")]).await;
        assert_eq!(r.statut, StatusCode::NOT_FOUND, "POST envoyer {id}");
        for (action, confirme) in [("enregistrer", ""), ("envoyer", ""), ("envoyer", "oui")] {
            let champs = Saisie::valide("FA-PIRATE", COMMUNE)
                .ligne1("designation", "Écrasée par formation1")
                .champs(action, &[("brouillon", id.as_str()), ("confirme", confirme)]);
            let r = s.post_form("/factures-emises/saisir", &champs).await;
            assert_eq!(r.statut, StatusCode::NOT_FOUND, "{action}/{confirme} over {id}: {}", r.extrait());
        }
    }
    s.assert_nombre_factures(0).await.assert_absent("FA-AUTRE");
    s.get("/factures-emises?numero=AUTRE").await.assert_contient("<p>0 facture(s).</p>");
    // formation2's token is worthless in formation1's session.
    s.post_form_sans_csrf("/bac/reinitialiser", &[("confirme", "oui"), ("csrf", &jeton_autre)])
        .await
        .assert_statut(StatusCode::FORBIDDEN);

    // formation2's invoices are unchanged.
    let page_apres = autre.get(&format!("/factures-emises/{son_brouillon}")).await;
    page_apres
        .assert_statut(StatusCode::OK)
        .assert_contient("pastille-brouillon")
        .assert_contient("Prestation de formation2")
        .assert_absent("Écrasée");
    assert_eq!(page_avant.corps, page_apres.corps);
    autre.assert_nombre_factures(2).await.assert_absent("FA-PIRATE");
    autre
        .get(&format!("/factures-emises/{son_envoi}"))
        .await
        .assert_contient("Mise à disposition du destinataire");
}

#[tokio::test]
async fn parametres_invalides_et_formulaire_trop_gros() {
    let portail = Portail::nouveau();
    let mut s = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    let id = s.envoyer(&Saisie::valide("FA-PARAM-1", COMMUNE)).await;

    s.get("/factures-emises?statut=NIMPORTE")
        .await
        .assert_statut(StatusCode::BAD_REQUEST)
        .assert_contient(BANDEAU)
        .assert_contient("Le statut « NIMPORTE » n'existe pas");
    s.get(&format!("/factures-emises?statut={}", encoder(SCRIPT)))
        .await
        .assert_statut(StatusCode::BAD_REQUEST)
        .assert_contient(SCRIPT_ECHAPPE)
        .assert_absent(SCRIPT);
    s.get("/factures-emises?statut=MISE_A_DISPOSITION").await.assert_contient("<p>1 facture(s).</p>");
    s.get("/factures-emises?statut=BROUILLON").await.assert_contient("<p>0 facture(s).</p>");
    for page in ["abc", "-1", "0", "99999999999999999999"] {
        let r = s.get(&format!("/factures-emises?page={page}")).await;
        assert_eq!(r.statut, StatusCode::OK, "page={page}");
    }

    for (jours, message) in [
        ("abc", "« abc » n'est pas un nombre de jours"),
        ("", "n'est pas un nombre de jours"),
        ("-5", "« -5 » n'est pas un nombre de jours"),
        ("2,5", "n'est pas un nombre de jours"),
        ("99999999999", "n'est pas un nombre de jours"),
        ("0", "Le nombre de jours doit être compris entre 1 et 365."),
        ("366", "Le nombre de jours doit être compris entre 1 et 365."),
        ("1000", "Le nombre de jours doit être compris entre 1 et 365."),
    ] {
        let r = s.post_form("/bac/horloge", &[("jours", jours)]).await;
        assert_eq!(r.statut, StatusCode::BAD_REQUEST, "jours={jours}");
        r.assert_contient(message).assert_contient(BANDEAU);
    }
    assert_eq!(s.date_simulee().await, "22 novembre 2026");

    // 3 MB of form: refused as too large, nothing saved, still logged in.
    let enorme = "x".repeat(3 * 1024 * 1024);
    let saisie = Saisie::valide("FA-ENORME", COMMUNE).avec("commentaire", &enorme);
    for action in ["envoyer", "enregistrer"] {
        let r = s.post_form("/factures-emises/saisir", &saisie.champs(action, &[("confirme", "oui")])).await;
        r.assert_statut(StatusCode::PAYLOAD_TOO_LARGE).assert_contient("Formulaire trop volumineux");
    }
    s.post_form("/bac/horloge", &[("jours", enorme.as_str())])
        .await
        .assert_statut(StatusCode::PAYLOAD_TOO_LARGE);
    let mut v = Visiteur::new(&portail.app);
    v.get("/connexion").await;
    v.post_form("/connexion", &[("identifiant", enorme.as_str()), ("mot_de_passe", "x")])
        .await
        .assert_statut(StatusCode::PAYLOAD_TOO_LARGE);

    // Not a form at all.
    let r =
        s.post_brut("/factures-emises/saisir", "application/json", br#"{"numero":"FA-JSON"}"#.to_vec()).await;
    assert!(r.statut.is_client_error(), "{}", r.statut);
    let r =
        s.post_brut("/bac/horloge", "application/x-www-form-urlencoded", vec![0xff, 0xfe, b'=', 0x80]).await;
    assert!(r.statut.is_client_error(), "{}", r.statut);

    let liste = s.assert_nombre_factures(1).await;
    liste.assert_contient("FA-PARAM-1").assert_absent("FA-ENORME").assert_absent("FA-JSON");
    s.get(&format!("/factures-emises/{id}")).await.assert_statut(StatusCode::OK);
    assert_eq!(s.date_simulee().await, "22 novembre 2026");
    // A valid value does move the clock.
    s.post_form("/bac/horloge", &[("jours", " 3 ")]).await.assert_redirige_vers_le_bilan();
    assert_eq!(s.date_simulee().await, "25 novembre 2026");
}

// ---------------------------------------------------------------------------------------------
// 8. Sandbox clock and reset
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn horloge_delais_de_paiement_et_reinitialisation() {
    let portail = Portail::nouveau();
    let mut autre = Stagiaire::connecte(&portail.app, "formation2@exemple.fr").await;
    let facture_autre = autre.envoyer(&Saisie::valide("FA-AUTRE-1", COMMUNE)).await;

    let mut s = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    let commune = s.envoyer(&Saisie::valide("FA-DELAI-1", COMMUNE)).await;
    s.envoi_refuse(&Saisie::valide("FA-DELAI-2", HOPITAL), "exige le numéro d'engagement juridique").await;
    let hopital =
        s.envoyer(&Saisie::valide("FA-DELAI-2", HOPITAL).avec("numero_engagement", "EJ-CH-2026-15")).await;
    let ehpad = s.envoyer(&Saisie::valide("FA-DELAI-3", EHPAD).avec("numero_engagement", "EJ-EHPAD-7")).await;
    let brouillon = s.enregistrer(&Saisie::valide("FA-DELAI-4", COMMUNE)).await;

    let page = |id: &str| format!("/factures-emises/{id}");
    s.get(&page(&hopital))
        .await
        .assert_contient("50 jours")
        .assert_contient("<strong>11/01/2027</strong>")
        .assert_contient("50 jour(s) restant(s)");
    s.get(&page(&ehpad)).await.assert_contient("30 jours").assert_contient("<strong>22/12/2026</strong>");

    s.post_form("/bac/horloge", &[("jours", "25")]).await.assert_redirige_vers_le_bilan();
    assert_eq!(s.date_simulee().await, "17 décembre 2026");

    s.get(&page(&commune))
        .await
        .assert_contient(r#"<span class="pastille pastille-paye">Mise en paiement</span>"#)
        .assert_contient("Payée dans le délai")
        .assert_contient(">Service fait</span>")
        .assert_contient(">Mandatée</span>")
        .assert_contient(">Comptabilisée</span>")
        .assert_contient("<strong>22/12/2026</strong>")
        .assert_contient("12/12/2026");
    s.get(&page(&hopital))
        .await
        .assert_contient("50 jours")
        .assert_contient("25 jour(s) restant(s)")
        .assert_contient(r#"<span class="pastille pastille-en-cours">Mise à disposition du comptable</span>"#)
        .assert_contient(">Mandatée</span>")
        .assert_absent(">Comptabilisée</span>")
        .assert_absent("pastille-paye")
        .assert_absent("Payée dans le délai");
    s.get(&page(&ehpad)).await.assert_contient("30 jours").assert_contient("Payée dans le délai");
    // A draft is not sent, so nothing happens to it.
    s.get(&page(&brouillon)).await.assert_contient("pastille-brouillon").assert_absent("Service fait");
    s.get("/factures-emises?statut=MISE_EN_PAIEMENT").await.assert_contient("<p>2 facture(s).</p>");

    // The other trainee's sandbox has its own clock.
    assert_eq!(autre.date_simulee().await, "22 novembre 2026");
    autre
        .get(&page(&facture_autre))
        .await
        .assert_contient("Mise à disposition du destinataire")
        .assert_absent("Service fait");

    // Reset: a POST without « confirme » only shows the confirmation again.
    s.get("/bac/reinitialiser").await.assert_statut(StatusCode::OK);
    s.post_form("/bac/reinitialiser", &[] as &[(&str, &str)]).await.assert_redirige("/bac/reinitialiser");
    s.assert_nombre_factures(4).await;
    s.post_form("/bac/reinitialiser", &[("confirme", "oui")]).await.assert_redirige("/");
    s.assert_nombre_factures(0).await;
    assert_eq!(s.date_simulee().await, "22 novembre 2026");
    s.get(&page(&commune)).await.assert_statut(StatusCode::NOT_FOUND);
    s.get("/").await.assert_statut(StatusCode::OK).assert_absent("jamais envoyée");
    // Still logged in, and the numbers are free again.
    s.envoyer(&Saisie::valide("FA-DELAI-1", COMMUNE)).await;
    s.assert_nombre_factures(1).await;

    // The other trainee lost nothing.
    autre.assert_nombre_factures(1).await.assert_contient("FA-AUTRE-1");
    autre.get(&page(&facture_autre)).await.assert_statut(StatusCode::OK).assert_contient("FA-AUTRE-1");
    assert_eq!(autre.date_simulee().await, "22 novembre 2026");
}
