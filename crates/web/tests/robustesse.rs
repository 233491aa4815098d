//! The server under hostile or heavy use: a crafted PDF that inflates to gigabytes does not
//! hold the writer, writes from many trainees never answer « database is locked », storage
//! quotas, throttled logins, and hostile paths and bodies never get a 5xx.

mod commun;

use std::time::{Duration, Instant};

use axum::http::StatusCode;
use commun::{Portail, Saisie, Stagiaire};

const COMMUNE: &str = "21852884200097";

/// 150 pages sharing one content stream that inflates to 60 MiB: a file under 100 KB.
fn pdf_piege() -> Vec<u8> {
    chorus_documents::pdf_piege(150, 60 * 1024 * 1024)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn un_pdf_piege_est_refuse_vite_sans_bloquer_les_autres() {
    let portail = Portail::nouveau();
    let mut attaquant = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    let mut voisin = Stagiaire::connecte(&portail.app, "formation2@exemple.fr").await;
    attaquant.get("/factures-emises/deposer").await.assert_statut(StatusCode::OK);
    voisin.get("/factures-emises/saisir").await;
    let piege = pdf_piege();
    let attaque = async {
        let debut = Instant::now();
        let r = attaquant.post_fichiers("/factures-emises/deposer", &[("facture.pdf", &piege)]).await;
        (r, debut.elapsed())
    };
    let envois = async {
        // Pendant que le PDF piégé est contrôlé, le voisin envoie ses factures.
        tokio::time::sleep(Duration::from_millis(50)).await;
        let mut pire = Duration::ZERO;
        for i in 0..5 {
            let debut = Instant::now();
            voisin.envoyer(&Saisie::valide(&format!("V-{i}"), COMMUNE)).await;
            pire = pire.max(debut.elapsed());
        }
        pire
    };
    let ((r, duree_attaque), pire) = tokio::join!(attaque, envois);
    r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY).assert_contient("beaucoup trop lourd à lire");
    assert!(duree_attaque < Duration::from_secs(10), "contrôle du PDF piégé : {duree_attaque:?}");
    assert!(pire < Duration::from_secs(1), "un envoi du voisin a attendu {pire:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn trente_deux_envois_simultanes_passent_tous() {
    let portail = Portail::nouveau();
    let mut taches = Vec::new();
    for n in 1..=4 {
        let app = portail.app.clone();
        taches.push(tokio::spawn(async move {
            let mut s = Stagiaire::connecte(&app, &format!("formation{n}@exemple.fr")).await;
            s.get("/factures-emises/saisir").await;
            let mut envoyees = Vec::new();
            for i in 0..8 {
                envoyees.push(s.envoyer(&Saisie::valide(&format!("C{n}-{i}"), COMMUNE)).await);
            }
            envoyees.len()
        }));
    }
    let mut total = 0;
    for t in taches {
        total += t.await.expect("no task panics");
    }
    assert_eq!(total, 32);
}

/// Every route of the portal and of the APIs, read from the sources (`.route("…"`), with the
/// routes nested under `/moe`, `/moa`, the simulation API's prefix and `/cpro`.
fn toutes_les_routes() -> Vec<String> {
    let racine = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
    let mut fichiers = vec![std::path::PathBuf::from(racine).join("lib.rs")];
    for dossier in ["pages", "pages/formateur", "api", "piste"] {
        let Ok(entrees) = std::fs::read_dir(std::path::Path::new(racine).join(dossier)) else { continue };
        for e in entrees.flatten() {
            if e.path().extension().is_some_and(|x| x == "rs") {
                fichiers.push(e.path());
            }
        }
    }
    let mut routes = Vec::new();
    for f in fichiers {
        let texte = std::fs::read_to_string(&f).unwrap();
        let nom = f.file_name().unwrap().to_string_lossy().to_string();
        let mut reste = texte.as_str();
        while let Some(i) = reste.find(".route(") {
            reste = &reste[i + 7..];
            let debut = reste.find('"').unwrap() + 1;
            let fin = debut + reste[debut..].find('"').unwrap();
            let chemin = &reste[debut..fin];
            match (nom.as_str(), chemin) {
                ("maitrises.rs", c) if c.starts_with("/{siret}") => {
                    routes.push(format!("/moe{c}"));
                    routes.push(format!("/moa{c}"));
                }
                ("mod.rs", c) if f.to_string_lossy().contains("/api/") => {
                    routes.push(format!("/api/sim/v1{c}"))
                }
                ("mod.rs", c) if f.to_string_lossy().contains("/piste/") && !c.starts_with("/api/") => {
                    routes.push(format!("/cpro{c}"))
                }
                (_, c) => routes.push(c.to_string()),
            }
        }
    }
    // The Chorus Pro API's routes come from its contract table.
    routes.extend(chorus_web::piste::contrat::SERVICES.iter().map(|s| format!("/cpro{}", s.chemin)));
    // Un `.route(` qui ne prend pas une chaîne littérale n'est pas une route à essayer.
    routes.retain(|r| r.starts_with('/') && r.bytes().all(|b| b.is_ascii_graphic()));
    routes.sort();
    routes.dedup();
    routes
}

/// Hostile values for a path parameter.
const PARAMETRES: [&str; 8] = [
    "%0A",
    "%00",
    "%27%20OR%201%3D1--",
    "..%2F..%2Fetc%2Fpasswd",
    "%3Cscript%3E",
    "%C3%A9t%C3%A9",
    "00000000-0000-0000-0000-000000000000",
    "x",
];

fn remplir(route: &str, valeur: &str) -> String {
    let mut chemin = String::new();
    let mut dans = false;
    for ch in route.chars() {
        match ch {
            '{' => {
                dans = true;
                chemin.push_str(valeur);
            }
            '}' => dans = false,
            _ if dans => {}
            c => chemin.push(c),
        }
    }
    chemin
}

#[tokio::test]
async fn aucune_route_ne_repond_5xx_a_des_parametres_et_corps_hostiles() {
    let portail = Portail::avec_jeton_formateur("jeton-de-demarrage-0123456789");
    let routes = toutes_les_routes();
    assert!(routes.len() > 150, "{} routes only", routes.len());
    let mut stagiaire = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    let mut anonyme = commun::Navigateur::new(&portail.app);
    let api = commun::ClientApi::new(&portail.app, "jeton-de-demarrage-0123456789");
    anonyme.get("/connexion").await;
    let long = "a".repeat(3000);
    let corps_hostiles: [&[(&str, &str)]; 3] = [
        &[("numero", "\u{0}"), ("montant", "1e400"), ("motif", "<script>"), ("jours", "-1")],
        &[("id", "'; DROP TABLE facture; --"), ("destinataire", "%00"), ("commentaire", long.as_str())],
        &[],
    ];
    let mut essais = 0;
    // Se déconnecter au milieu réduirait le reste de l'essai à des redirections.
    for route in routes.iter().filter(|r| !r.ends_with("deconnexion")) {
        for valeur in PARAMETRES {
            let chemin = remplir(route, valeur);
            for nav in [&mut *stagiaire, &mut anonyme] {
                let r = nav.get(&chemin).await;
                assert!(r.statut.as_u16() < 500, "GET {chemin}: {} {}", r.statut, r.extrait());
                for corps in corps_hostiles {
                    let r = nav.post_form(&chemin, corps).await;
                    assert!(r.statut.as_u16() < 500, "POST {chemin}: {} {}", r.statut, r.extrait());
                    essais += 2;
                }
            }
            if route.starts_with("/api/") {
                for corps in [&b"{\"stagiaire\": 12, \"avancerJours\": [1]}"[..], b"\xff\xfe", b"[]", b"null"]
                {
                    let r = api.post_brut(&chemin, corps).await;
                    assert!(r.statut.as_u16() < 500, "POST {chemin} (JSON): {} {}", r.statut, r.texte);
                    essais += 1;
                }
            }
        }
    }
    assert!(essais > 5000, "{essais}");
    // Toujours connecté à la fin : l'essai a bien porté sur les pages du stagiaire.
    stagiaire.get("/").await.assert_statut(StatusCode::OK);
}

#[tokio::test]
async fn le_quota_du_bac_refuse_les_fichiers_de_trop_sans_rien_perdre() {
    chorus_store::piece_jointe::fixer_quota_par_bac(1024 * 1024);
    let portail = Portail::nouveau();
    let mut s = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    let id = s.enregistrer(&Saisie::valide("Q-1", COMMUNE)).await;
    let page = format!("/factures-emises/{id}/pieces");
    s.get(&page).await;
    let fichier = vec![b'a'; 400 * 1024];
    for nom in ["a.txt", "b.txt"] {
        s.post_fichiers(&page, &[(nom, &fichier)]).await.assert_redirige(&page);
    }
    let r = s.post_fichiers(&page, &[("c.txt", &fichier)]).await;
    r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY).assert_contient("n'a plus de place");
    s.get(&page).await.assert_contient("a.txt").assert_contient("b.txt").assert_absent("c.txt");
}

#[tokio::test]
async fn un_poste_ne_peut_pas_enchainer_les_mots_de_passe_faux() {
    let portail = Portail::nouveau();
    let mut poste = commun::Navigateur::new(&portail.app);
    poste.get("/connexion").await;
    // Dix essais faux sur dix comptes différents : aucun compte n'est bloqué (moins de 5 échecs
    // chacun), mais le poste, lui, est arrêté.
    for n in 1..=10 {
        let r = poste
            .post_form(
                "/connexion",
                &[("identifiant", format!("inconnu{n}@exemple.fr")), ("mot_de_passe", "faux".into())],
            )
            .await;
        r.assert_statut(StatusCode::UNAUTHORIZED);
    }
    let r = poste
        .post_form(
            "/connexion",
            &[
                ("identifiant", "formation1@exemple.fr"),
                ("mot_de_passe", chorus_store::demo::MOT_DE_PASSE_DEMO),
            ],
        )
        .await;
    r.assert_statut(StatusCode::TOO_MANY_REQUESTS).assert_contient("Trop de tentatives depuis ce poste");
    // Le compte visé n'a rien compté : la limite arrête le poste avant toute vérification.
    let echecs: i64 = portail
        .store()
        .lire(|c| {
            Ok(c.query_row(
                "SELECT echecs_connexion FROM utilisateur WHERE email = 'formation1@exemple.fr'",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(echecs, 0);
}

#[tokio::test]
async fn une_visite_sans_formulaire_ne_cree_pas_de_session() {
    let portail = Portail::nouveau();
    let compter = || {
        portail
            .store()
            .lire(|c| Ok(c.query_row("SELECT count(*) FROM session", [], |r| r.get::<_, i64>(0))?))
            .unwrap()
    };
    let avant = compter();
    for chemin in
        ["/healthz", "/", "/factures-emises", "/cours", "/annuaire", "/formateur", "/assets/app.css"]
    {
        let mut visiteur = commun::Navigateur::new(&portail.app);
        let r = visiteur.get(chemin).await;
        assert!(r.entetes.get("set-cookie").is_none(), "{chemin} pose un cookie");
    }
    assert_eq!(compter(), avant);
    // Le formulaire de connexion, lui, a besoin de son jeton.
    let mut visiteur = commun::Navigateur::new(&portail.app);
    visiteur.get("/connexion").await.assert_statut(StatusCode::OK);
    assert_eq!(compter(), avant + 1);
    // Une page du portail n'est jamais gardée en cache.
    let r = visiteur.get("/connexion").await;
    assert_eq!(r.entetes.get("cache-control").and_then(|v| v.to_str().ok()), Some("no-store"));
}
