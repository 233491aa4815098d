//! Two journeys in headless Chromium, driven through chromedriver (WebDriver):
//! - a craftsman creates an account, activates it from the sandbox's Messagerie, logs in with
//!   the code received there, creates the company from its SIRET, lands on the Synthèse, then
//!   deposits a PDF invoice and fetches its deposit certificate;
//! - a trainer and a trainee in two browsers: class, join code, invoice, rejection by the
//!   trainer playing the buyer, reset.
//!
//! The screenshots of `docs/guide-stagiaire.md` and `docs/guide-formateur.md` come from here, written only when
//! `CHORUS_CAPTURES` names a folder (relative paths start at the workspace root):
//! `CHORUS_CAPTURES=docs/captures cargo test -p chorus-web --test navigateur`. Without
//! chromedriver or chromium the test is skipped, except under CI (`CI` set) where it fails.

#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::{Child, Command};

const EMAIL: &str = "jeanne.martin@plomberie.exemple";
const MOT_DE_PASSE: &str = "Chantier-2026!x";
const SIRET: &str = "92391234900068";
const RAISON_SOCIALE: &str = "PLOMBERIE MARTIN";

const FORMATEUR: &str = "animatrice@cma-causse.exemple";
const NOUVEAU_MOT_DE_PASSE_FORMATEUR: &str = "Console-Formation-2026!";
const COMMUNE: &str = "21852884200097";

/// A cold debug build seeding its demo data on a busy CI machine: be generous.
const DELAI_DEMARRAGE: Duration = Duration::from_secs(30);
/// The whole journey in the browser, every wait included.
const DELAI_PARCOURS: Duration = Duration::from_secs(90);
/// One page to appear (a debug build answers in milliseconds).
const DELAI_ETAPE: Duration = Duration::from_secs(15);
/// ATELIER D'ARCHITECTURE SERRE, the maître d'œuvre: not the validator of an A9 invoice.
const ARCHITECTE: &str = "49228449200070";
/// BATIMENTS DU CAUSSE SAS, titulaire of the works contracts.
const TITULAIRE: &str = "62211306600055";

/// Screenshot size: the guide's images.
const LARGEUR: u32 = 1280;
const HAUTEUR: u32 = 900;

#[tokio::test(flavor = "multi_thread")]
async fn creer_son_compte_et_sa_structure_dans_chromium() {
    let Some(banc) = Banc::demarrer(|_| {}).await else { return };
    let parcours = banc.navigateur().await;
    banc.derouler(vec![parcours.client.clone()], async move { parcours.derouler().await }).await;
}

/// The trainer's day in two browsers (the trainer's laptop, a trainee's): the trainer creates
/// a class, the trainee joins with the code and sends an invoice, the trainer plays the public
/// buyer and rejects it, the trainee reads the reason, the trainer resets the trainee.
#[tokio::test(flavor = "multi_thread")]
async fn une_classe_dans_deux_navigateurs() {
    let mut mot_de_passe = String::new();
    let Some(banc) = Banc::demarrer(|donnees| mot_de_passe = creer_formateur(donnees)).await else { return };
    let formateur = banc.navigateur().await;
    let stagiaire = banc.navigateur().await;
    let clients = vec![formateur.client.clone(), stagiaire.client.clone()];
    banc.derouler(clients, async move { journee_de_formation(&formateur, &stagiaire, &mot_de_passe).await })
        .await;
}

/// A class day in a room: the join link comes from `--public-url`; a trainee joins, then logs
/// in again from another browser with the class login and signs the afternoon sheet; Entrée in
/// the entry form saves nothing; the clock summary after « Avancer l'horloge »; a phone-sized
/// screen (375 px) without sideways scrolling, its menu collapsed; the live grid of thirteen
/// trainees on a 1280×720 projector, at least twelve of them without scrolling.
#[tokio::test(flavor = "multi_thread")]
async fn une_salle_de_classe() {
    let mut mot_de_passe = String::new();
    let Some(banc) = Banc::demarrer_avec(SALLE, |donnees| mot_de_passe = creer_formateur(donnees)).await
    else {
        return;
    };
    let formateur = banc.navigateur().await;
    let poste = banc.navigateur().await;
    let autre_poste = banc.navigateur().await;
    let telephone = banc.telephone(375, 812).await;
    let clients = vec![
        formateur.client.clone(),
        poste.client.clone(),
        autre_poste.client.clone(),
        telephone.client.clone(),
    ];
    let postes = [poste, autre_poste, telephone];
    banc.derouler(clients, async move { salle_de_classe(&formateur, &postes, &mot_de_passe).await }).await;
}

/// The options of the classroom's server: its public address, a Monday afternoon of a course
/// day (the afternoon sheet can be signed), a token for the simulation API.
const SALLE: &[&str] = &[
    "--public-url",
    "http://salle-b.exemple:8080",
    "--maintenant",
    "2026-11-23T14:00:00Z",
    "--trainer-token",
    "jeton-de-la-salle-b-0123456789",
];

/// Creates the trainer with the command line; returns the one-time password it prints.
fn creer_formateur(donnees: &Path) -> String {
    let sortie = std::process::Command::new(env!("CARGO_BIN_EXE_chorus-sandbox"))
        .args(["formateur", "create", "--email", FORMATEUR, "--data"])
        .arg(donnees)
        .env_remove("CHORUS_DATA")
        .output()
        .expect("chorus-sandbox formateur create");
    let texte = String::from_utf8_lossy(&sortie.stdout);
    texte
        .lines()
        .find_map(|l| l.split("première connexion) : ").nth(1))
        .unwrap_or_else(|| panic!("pas de mot de passe dans : {texte}"))
        .trim()
        .to_string()
}

/// `postes`: the room's laptop, another browser after lunch, a phone.
async fn salle_de_classe(formateur: &Parcours, postes: &[Parcours; 3], mot_de_passe: &str) {
    let [poste, autre_poste, telephone] = postes;
    formateur.dimensionner().await;
    poste.dimensionner().await;
    autre_poste.dimensionner().await;

    // 1. The trainer's class: the address projected is the room's, not the console's.
    formateur.connecter_formateur(mot_de_passe).await;
    formateur.saisir("titre", "La facturation via Chorus Pro").await;
    formateur.saisir_date("date_debut", "2026-11-23").await;
    formateur.saisir("demi_journees", "2").await;
    formateur.saisir("lieu", "CCI, salle B").await;
    formateur.cliquer_bouton("Créer la classe").await;
    formateur.attendre_titre("La facturation via Chorus Pro").await;
    let code = formateur.texte(Locator::Css(".code-classe-grand")).await.trim().to_string();
    let chemin_classe = formateur.chemin().await;
    let projetee = formateur.texte(Locator::Id("adresse-salle-projetee")).await;
    assert_eq!(projetee, "http://salle-b.exemple:8080/rejoindre", "l'adresse projetée");
    assert!(formateur.base.starts_with("http://127.0.0.1:"), "la console est ouverte sur la boucle locale");

    // 2. Twelve trainees join through the simulation API (a script before the course).
    let crees = formateur
        .client
        .execute_async(
            "const [code, fini] = arguments;
             Promise.all(Array.from({ length: 12 }, (_, i) => fetch('/api/sim/v1/bacs', {
                 method: 'POST',
                 headers: { 'Authorization': 'Bearer jeton-de-la-salle-b-0123456789', 'Content-Type': 'application/json' },
                 body: JSON.stringify({ stagiaire: 'Stagiaire ' + (i + 1) + ' Salle', scenario: null, codeClasse: code }),
             }).then(r => r.status))).then(fini);",
            vec![serde_json::json!(code)],
        )
        .await
        .expect("stagiaires créés par l'API");
    let statuts: Vec<u16> = serde_json::from_value(crees).expect("statuts");
    assert!(statuts.iter().all(|s| *s == 201), "création des stagiaires : {statuts:?}");

    // 3. A trainee joins on the room's laptop with the code and her name.
    poste.aller(&format!("/rejoindre?code={code}")).await;
    poste.attendre_titre("Rejoindre une classe").await;
    poste.saisir("nom", "Lucie Marchal").await;
    poste.cliquer_bouton("Rejoindre la classe").await;
    poste.attendre_titre("Bienvenue dans la classe").await;
    let identifiant = poste.texte(Locator::Id("identifiant-classe")).await;
    let mdp = poste.texte(Locator::Id("mot-de-passe-classe")).await;
    assert!(
        identifiant.ends_with("@classe.fr") && identifiant.len() <= 16,
        "identifiant court : {identifiant}"
    );
    poste.cliquer_lien("Entrer dans le portail").await;
    poste.attendre_titre("Accueil").await;

    // 4. Entrée in a field of the entry form saves nothing and sends nothing.
    poste.aller("/factures-emises/saisir").await;
    poste.attendre_titre("Saisir une facture").await;
    poste.saisir("numero", "LM-ENTREE").await;
    poste.saisir("destinataire", COMMUNE).await;
    let numero = poste.attendre(Locator::Id("numero")).await;
    numero.send_keys("\u{E007}").await.expect("touche Entrée");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(poste.chemin().await, "/factures-emises/saisir", "Entrée ne doit rien envoyer");
    poste.aller("/factures-emises?numero=LM-ENTREE").await;
    poste.attendre_titre("Rechercher une facture émise").await;
    let liste = poste.texte(Locator::Css("main")).await;
    assert!(liste.contains("0 facture(s)"), "Entrée n'a enregistré aucun brouillon : {liste}");

    // 5. The clock summary: an invoice sent, five days later the commune has acted on it.
    poste.envoyer_facture("LM-001", "Réfection d'un muret", "900").await;
    let chemin_facture = poste.chemin().await;
    poste.saisir("jours-barre", "5").await;
    poste.cliquer_bouton("Avancer l'horloge").await;
    poste.attendre_titre("Ce qu'a fait l'horloge").await;
    let bilan = poste.texte(Locator::Css("main")).await;
    assert!(bilan.contains("Facture n° LM-001"), "le bilan nomme la facture : {bilan}");
    assert!(bilan.contains("Service fait"), "le bilan montre le statut atteint : {bilan}");
    assert!(bilan.contains("Destinataire"), "le bilan dit qui a agi : {bilan}");
    poste.capture("15-horloge").await;

    // 6. After lunch, another browser: the class login brings her back to her place.
    autre_poste.connecter_stagiaire_de_classe(&identifiant, &mdp).await;
    autre_poste.aller("/factures-emises?numero=LM-001").await;
    let liste = autre_poste.texte(Locator::Css("main")).await;
    assert!(liste.contains("LM-001"), "le même bac à sable : {liste}");
    autre_poste.aller("/emargement").await;
    autre_poste.attendre_titre("Feuille d'émargement").await;
    let feuille = autre_poste.texte(Locator::Css("main")).await;
    assert!(feuille.contains("Lucie Marchal") && feuille.contains("après-midi"), "sa feuille : {feuille}");
    autre_poste.cliquer_href("#certifie").await;
    autre_poste.saisir("nom_signe", "Lucie Marchal").await;
    autre_poste.cliquer_bouton("Signer").await;
    let signe = autre_poste.attendre(Locator::Css("[role=status]")).await;
    let signe = signe.text().await.expect("confirmation de la signature");
    assert!(signe.to_lowercase().contains("sign"), "après la signature : {signe}");
    autre_poste.verifier_accessibilite("feuille signée").await;

    // 7. A phone, then a tablet (the desktop trainee's window at 768 × 1024): no page scrolls
    // sideways and the header leaves the page's title in sight.
    telephone.connecter_stagiaire_de_classe(&identifiant, &mdp).await;
    poste.dimensionner_a(768, 1024).await;
    for ecran in [telephone, poste] {
        for chemin in [
            chemin_facture.as_str(),
            "/emargement",
            "/acheteur",
            "/parties",
            "/messagerie",
            "/",
            "/facturation",
            "/factures-emises/synthese",
            "/factures-emises/saisir",
            "/factures-emises",
            "/annuaire?q=valcombe",
            "/cours/paiement",
            "/bac/horloge",
            "/quiz",
            "/exercices",
        ] {
            ecran.aller(chemin).await;
            ecran.attendre(Locator::Css("main h1")).await;
            ecran.verifier_petit_ecran(chemin).await;
            ecran.verifier_accessibilite(chemin).await;
        }
    }
    telephone.aller("/").await;
    telephone.attendre_titre("Accueil").await;
    let menus = telephone.attendre(Locator::Id("menus")).await;
    assert!(!menus.is_displayed().await.expect("visibilité"), "menus repliés sur un téléphone");
    telephone.cliquer_bouton("Menu").await;
    assert!(menus.is_displayed().await.expect("visibilité"), "menus dépliés par le bouton");
    telephone.capture_taille("16-telephone", 375, 812).await;
    telephone.aller("/factures-emises/saisir").await;
    telephone.attendre_titre("Saisir une facture").await;
    telephone.capture_taille("17-telephone-saisie", 375, 812).await;
    poste.aller("/factures-emises").await;
    poste.attendre_titre("Rechercher une facture émise").await;
    poste.capture_taille("20-tablette-factures", 768, 1024).await;

    // 8. The projector: the live grid of thirteen trainees, twelve at least without scrolling.
    formateur.dimensionner_a(1280, 720).await;
    formateur.aller(&format!("{chemin_classe}/suivi")).await;
    formateur.attendre(Locator::Css("td[id^='envoyees-']")).await;
    formateur.verifier_sans_defilement_horizontal("suivi").await;
    formateur.verifier_accessibilite("suivi en direct").await;
    let visibles = formateur
        .client
        .execute(
            "return Array.from(document.querySelectorAll('td[id^=envoyees-]'))
                 .filter(td => td.getBoundingClientRect().bottom <= window.innerHeight).length;",
            vec![],
        )
        .await
        .expect("lignes visibles");
    let visibles: usize = serde_json::from_value(visibles).expect("nombre");
    formateur.capture_taille("18-videoprojecteur", 1280, 720).await;
    assert!(visibles >= 12, "{visibles} stagiaires visibles sans défiler au vidéoprojecteur");

    // 9. The trainer's other pages: the identifiers' cards, the satisfaction survey's results,
    // the console's home with the profile; each checked for accessibility.
    for (chemin, titre) in [
        (format!("{chemin_classe}/identifiants"), "Identifiants de la classe"),
        (format!("{chemin_classe}/questionnaire"), "Questionnaire de satisfaction"),
        ("/formateur".to_string(), "Mes classes"),
    ] {
        formateur.aller(&chemin).await;
        formateur.attendre(Locator::Css("main h1")).await;
        formateur.verifier_accessibilite(titre).await;
    }
}

/// The server, chromedriver, and the browsers opened on them.
struct Banc {
    outils: Outils,
    serveur: Processus,
    pilote: Processus,
    captures: Option<PathBuf>,
    debut: Instant,
    fin: Instant,
    profils: Mutex<Vec<tempfile::TempDir>>,
    _donnees: tempfile::TempDir,
}

impl Banc {
    /// `None` when the browser is missing (outside CI). `preparer` runs on the data folder
    /// before the server starts.
    async fn demarrer(preparer: impl FnOnce(&Path)) -> Option<Banc> {
        Banc::demarrer_avec(&[], preparer).await
    }

    /// [`Banc::demarrer`] with more options for `serve`.
    async fn demarrer_avec(options: &[&str], preparer: impl FnOnce(&Path)) -> Option<Banc> {
        let outils = Outils::trouver()?;
        let debut = Instant::now();
        let donnees = tempfile::tempdir().expect("dossier temporaire");
        preparer(donnees.path());
        let serveur = Processus::serveur(donnees.path(), options).await;
        let pilote = Processus::chromedriver(&outils.chromedriver).await;
        // A relative path is taken from the workspace root (tests run in crates/web).
        let racine = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let captures = std::env::var_os("CHORUS_CAPTURES").filter(|d| !d.is_empty()).map(|d| racine.join(d));
        Some(Banc {
            outils,
            serveur,
            pilote,
            captures,
            debut,
            fin: Instant::now() + DELAI_DEMARRAGE + DELAI_PARCOURS,
            profils: Mutex::new(Vec::new()),
            _donnees: donnees,
        })
    }

    /// A new browser (its own Chromium profile: its own cookies).
    async fn navigateur(&self) -> Parcours {
        self.ouvrir(None).await
    }

    /// A phone's browser: Chromium's device emulation at `largeur` × `hauteur` (a desktop
    /// window cannot be narrower than 500 px).
    async fn telephone(&self, largeur: u32, hauteur: u32) -> Parcours {
        self.ouvrir(Some((largeur, hauteur))).await
    }

    async fn ouvrir(&self, telephone: Option<(u32, u32)>) -> Parcours {
        let profil = tempfile::tempdir().expect("dossier temporaire du profil Chromium");
        let client = ClientBuilder::rustls()
            .expect("rustls")
            .capabilities(capacites(&self.outils.chromium, profil.path(), telephone))
            .connect(&self.pilote.url)
            .await
            .unwrap_or_else(|e| panic!("session WebDriver impossible : {e}\n{}", self.pilote.sortie()));
        self.profils.lock().unwrap().push(profil);
        println!("Chromium prêt en {:.1} s", self.debut.elapsed().as_secs_f32());
        Parcours { client, base: self.serveur.url.clone(), fin: self.fin, captures: self.captures.clone() }
    }

    /// Runs the journey in its own task, so that a failed step still ends the WebDriver
    /// sessions: chromedriver then quits Chromium cleanly before being killed.
    async fn derouler(self, clients: Vec<Client>, parcours: impl Future<Output = ()> + Send + 'static) {
        let etapes = Instant::now();
        let resultat = tokio::time::timeout(DELAI_PARCOURS, tokio::spawn(parcours)).await;
        for client in clients {
            let _ = tokio::time::timeout(Duration::from_secs(10), client.close()).await;
        }
        match resultat {
            Err(_) => panic!("le parcours dépasse {} s", DELAI_PARCOURS.as_secs()),
            Ok(Err(echec)) if echec.is_panic() => std::panic::resume_unwind(echec.into_panic()),
            Ok(Err(echec)) => panic!("parcours interrompu : {echec}"),
            Ok(Ok(())) => {}
        }
        println!(
            "parcours dans le navigateur : {:.1} s (total {:.1} s)",
            etapes.elapsed().as_secs_f32(),
            self.debut.elapsed().as_secs_f32()
        );
    }
}

impl Parcours {
    async fn derouler(&self) {
        self.dimensionner().await;

        // 1. The portal opens on the login page; « Créer un compte ».
        self.aller("/").await;
        self.attendre_titre("Se connecter").await;
        assert_eq!(self.chemin().await, "/connexion", "l'accueil sans session doit mener à la connexion");
        self.cliquer_lien("Créer un compte").await;
        self.attendre_titre("Créer un compte").await;
        self.saisir("email_connexion", EMAIL).await;
        self.saisir("nom", "Martin").await;
        self.saisir("prenom", "Jeanne").await;
        self.capture("01-creer-un-compte").await;
        self.cliquer_bouton("Créer mon compte").await;
        self.attendre_titre("Votre compte est créé").await;
        let confirmation = self.texte(Locator::Css("[role=status]")).await;
        assert!(
            confirmation.contains(&format!("Un message vient d'être envoyé à {EMAIL}")),
            "confirmation de création : {confirmation}"
        );

        // 2. The activation message in the sandbox's Messagerie.
        self.cliquer_lien("Ouvrir la messagerie").await;
        self.attendre_titre("Messagerie du bac à sable").await;
        let boite = self.texte(Locator::Css("main")).await;
        assert!(boite.contains(EMAIL), "la messagerie ne montre pas le destinataire {EMAIL} : {boite}");
        self.capture("02-messagerie").await;
        self.cliquer_lien("Activez votre compte").await;
        self.attendre_titre("Activez votre compte").await;
        let message = self.texte(Locator::Css("article")).await;
        assert!(message.contains("60 minutes"), "message d'activation : {message}");
        self.capture("03-message-activation").await;
        self.cliquer_lien("Suivre le lien").await;
        self.attendre_titre("Activer votre compte : choisir un mot de passe").await;
        assert!(self.chemin().await.starts_with("/compte/activer/"), "le lien d'activation");

        // 3. A weak password is refused with the list of what is wrong, then a good one.
        self.saisir("mot_de_passe", "abc").await;
        self.saisir("confirmation", "abc").await;
        self.cliquer_bouton("Soumettre").await;
        let resume = self.attendre(Locator::Css("[role=alert]")).await;
        let resume = resume.text().await.expect("texte du résumé des erreurs");
        assert!(resume.contains("Ce mot de passe ne convient pas"), "résumé des erreurs : {resume}");
        assert!(resume.contains("au moins 12 caractères"), "la règle de longueur manque : {resume}");
        let regles = self.texte(Locator::Css("main ul:not(#resume-erreurs ul)")).await;
        assert!(regles.contains("Au moins un caractère spécial"), "règles du mot de passe : {regles}");
        self.capture("04-mot-de-passe").await;
        self.saisir("mot_de_passe", MOT_DE_PASSE).await;
        self.saisir("confirmation", MOT_DE_PASSE).await;
        self.cliquer_bouton("Soumettre").await;
        let active = self.attendre(Locator::Css("[role=status]")).await;
        let active = active.text().await.expect("texte du bandeau");
        assert!(active.contains("Votre compte est activé"), "après le mot de passe : {active}");
        self.attendre_titre("Se connecter").await;

        // 4. Login: password, then the code received in the Messagerie (same tab).
        self.saisir("identifiant", EMAIL).await;
        self.saisir("mot_de_passe", MOT_DE_PASSE).await;
        self.cliquer_bouton("Se connecter").await;
        self.attendre_titre("Saisir le code de connexion").await;
        assert_eq!(self.chemin().await, "/connexion/code");
        self.aller("/messagerie").await;
        self.attendre_titre("Messagerie du bac à sable").await;
        self.cliquer_lien("Votre code de connexion").await;
        self.attendre_titre("Votre code de connexion").await;
        let message = self.texte(Locator::Css("article")).await;
        let code = code_a_six_chiffres(&message)
            .unwrap_or_else(|| panic!("pas de code à 6 chiffres dans le message : {message}"));
        self.aller("/connexion/code").await;
        self.attendre_titre("Saisir le code de connexion").await;
        self.saisir("code", &code).await;
        self.capture("05-code-de-connexion").await;
        self.cliquer_bouton("Valider").await;

        // 5. First login: the company, from its SIRET checked in the register.
        self.attendre_titre("Créer votre structure").await;
        assert_eq!(self.chemin().await, "/structure/creer");
        let accueil = self.texte(Locator::Css("main")).await;
        assert!(accueil.contains("Bienvenue Jeanne Martin"), "page de la structure : {accueil}");
        assert!(accueil.contains("gestionnaire principal"), "page de la structure : {accueil}");
        let choix = self.attendre(Locator::Id("type_identifiant")).await;
        choix.select_by_value("SIRET").await.expect("choix du type SIRET");
        self.saisir("identifiant", SIRET).await;
        self.capture("06-structure").await;
        self.cliquer_bouton("Créer la structure").await;
        self.attendre_titre("Accueil").await;
        assert_eq!(self.chemin().await, "/");
        let accueil = self.texte(Locator::Css("main")).await;
        assert!(accueil.contains(RAISON_SOCIALE), "l'accueil ne montre pas {RAISON_SOCIALE} : {accueil}");
        assert!(accueil.contains(SIRET), "l'accueil ne montre pas le SIRET : {accueil}");
        // The real portal's way in: domain « Facturation », application « Factures émises »,
        // its tabs ; the user menu under the name.
        self.cliquer_href("main a[href='/facturation']").await;
        self.attendre_titre("Facturation").await;
        self.cliquer_href("main a[href='/factures-emises/synthese']").await;
        self.attendre_titre("Synthèse").await;
        let onglets = self.texte(Locator::Css("nav.onglets")).await;
        for onglet in ["Synthèse", "Déposer facture", "Saisir facture", "Rechercher"] {
            assert!(onglets.contains(onglet), "onglet « {onglet} » absent : {onglets}");
        }
        // Each tab leads to its page, and the tab of the page is the current one.
        for (onglet, titre) in [
            ("/factures-emises/deposer", "Déposer une facture (PDF)"),
            ("/factures-emises/saisir", "Saisir une facture"),
            ("/factures-emises", "Rechercher une facture émise"),
            ("/factures-emises/synthese", "Synthèse"),
        ] {
            self.cliquer_href(&format!("nav.onglets a[href='{onglet}']")).await;
            self.attendre_titre(titre).await;
            self.attendre(Locator::Css(&format!("nav.onglets a[href='{onglet}'][aria-current='page']")))
                .await;
        }
        self.capture("07-synthese").await;
        self.cliquer_href("summary").await;
        self.cliquer_href(".menu-utilisateur a[href='/mon-compte/habilitations']").await;
        self.attendre_titre("Mes habilitations").await;

        // 6. Deposit a PDF invoice made elsewhere: the PDF is shown beside the form.
        let dossier = tempfile::tempdir().expect("dossier du PDF");
        let pdf = dossier.path().join("facture-FA-2026-001.pdf");
        let contenu = chorus_documents::DocumentPdf::nouveau("Facture")
            .titre("Facture FA-2026-001")
            .paragraphe("Commune de Valcombe — remplacement de trois portes : 1 200,00 € HT")
            .produire()
            .expect("PDF");
        std::fs::write(&pdf, contenu).expect("écriture du PDF");
        self.aller("/factures-emises/deposer").await;
        self.attendre_titre("Déposer une facture (PDF)").await;
        let fichier = self.attendre(Locator::Id("fichier")).await;
        fichier.send_keys(&pdf.display().to_string()).await.expect("choix du fichier");
        self.cliquer_bouton("Continuer").await;
        self.attendre_titre("Déposer une facture : données de la facture").await;
        let apercu = self.attendre(Locator::Css("object.depot-pdf")).await;
        let source = apercu.attr("data").await.expect("attribut data").unwrap_or_default();
        assert!(source.ends_with("/pdf"), "le PDF affiché : {source}");
        self.saisir("numero", "FA-2026-001").await;
        self.saisir("destinataire", COMMUNE).await;
        self.saisir("ligne_designation-1", "Remplacement de trois portes").await;
        self.saisir("ligne_quantite-1", "1").await;
        self.saisir("ligne_prix_unitaire_ht-1", "1200").await;
        self.client.execute("window.scrollTo(0, 0);", vec![]).await.expect("retour en haut de page");
        self.capture("08-depot-pdf").await;
        self.cliquer_bouton("Valider et envoyer").await;
        self.attendre_titre("Confirmer l'envoi de la facture").await;
        self.cliquer_bouton("Confirmer l'envoi").await;
        let certificat = self.attendre(Locator::LinkText("Télécharger le certificat de dépôt (PDF)")).await;
        let page = self.texte(Locator::Css("main")).await;
        assert!(page.contains("Mise à disposition du destinataire"), "après le dépôt : {page}");
        assert!(page.contains("facture-FA-2026-001.pdf"), "le PDF déposé est joint : {page}");
        self.verifier_accessibilite("facture déposée").await;
        self.capture("09-facture-deposee").await;
        // The certificate, fetched by the page itself (same session): a real PDF.
        let lien = certificat.attr("href").await.expect("href").expect("lien du certificat");
        let debut = self
            .client
            .execute_async(
                "const [lien, fini] = arguments;
                 fetch(lien).then(r => r.arrayBuffer()).then(b => fini([b.byteLength, String.fromCharCode(...new Uint8Array(b.slice(0, 5)))]));",
                vec![serde_json::json!(lien)],
            )
            .await
            .expect("téléchargement du certificat");
        let (taille, entete): (usize, String) = serde_json::from_value(debut).expect("taille et en-tête");
        assert_eq!(entete, "%PDF-", "le certificat de dépôt n'est pas un PDF");
        assert!(taille > 500, "certificat de dépôt de {taille} octets");

        // 7. An exercise, step by step: the current step and its hints are shown.
        self.aller("/exercices").await;
        self.attendre_titre("Exercices").await;
        let mode = self.attendre(Locator::Id("mode-premiere-facture")).await;
        mode.select_by_value("decouverte").await.expect("mode découverte");
        let commencer =
            self.attendre(Locator::Css("form[action='/exercices/premiere-facture/commencer'] button")).await;
        commencer.click().await.expect("Commencer");
        self.accepter_la_confirmation("repartent de zéro").await;
        self.attendre_titre("Ma première facture à une commune").await;
        let page = self.texte(Locator::Css("main")).await;
        assert!(page.contains("Étape en cours"), "l'exercice en découverte : {page}");
        assert!(page.contains("Indice 1"), "les indices de l'étape : {page}");
        self.capture("12-exercice").await;

        // 8. A practice quiz: one question, answered, corrected at once with its reference.
        self.aller("/quiz").await;
        self.attendre_titre("Quiz").await;
        let entrainement = self
            .attendre(Locator::XPath(
                "//form[@action='/quiz/entrainement'][input[@value='paiement']]//button",
            ))
            .await;
        entrainement.click().await.expect("S'entraîner : paiement");
        let premier_choix = self.attendre(Locator::Css("fieldset input[value='A']")).await;
        self.verifier_accessibilite("question de quiz").await;
        premier_choix.click().await.expect("choix A");
        self.cliquer_bouton("Valider ma réponse").await;
        // The corrected question replaces the form once the answer is saved.
        self.attendre(Locator::Css("article.question-corrigee")).await;
        let correction = self.texte(Locator::Css("main")).await;
        assert!(correction.contains("Référence"), "la correction cite sa référence : {correction}");
        self.verifier_accessibilite("correction de quiz").await;
        self.capture("14-quiz").await;

        // 9. Sub-contracting: an A9 invoice naming the architect as validator, who answers
        // « wrong validator » (played by the trainee); the supplier corrects the validator.
        self.aller("/factures-emises/saisir").await;
        self.attendre_titre("Saisir une facture").await;
        let cadre = self.attendre(Locator::Id("cadre")).await;
        cadre.select_by_value("A9_FACTURE_SOUSTRAITANT").await.expect("cadre A9");
        self.saisir("code_structure_valideur", ARCHITECTE).await;
        self.saisir("numero", "ST-2026-001").await;
        self.saisir("destinataire", COMMUNE).await;
        self.saisir("numero_marche", "2026-TRV-031").await;
        self.saisir("ligne_designation-1", "Plomberie des sanitaires").await;
        self.saisir("ligne_quantite-1", "1").await;
        self.saisir("ligne_prix_unitaire_ht-1", "3500").await;
        self.cliquer_bouton("Valider et envoyer").await;
        self.attendre_titre("Confirmer l'envoi de la facture").await;
        let confirmation = self.texte(Locator::Css("main")).await;
        assert!(
            confirmation.contains(ARCHITECTE) && confirmation.contains("A9"),
            "confirmation : {confirmation}"
        );
        self.cliquer_bouton("Confirmer l'envoi").await;
        self.attendre_titre("Facture n° ST-2026-001 Mise à disposition du premier valideur").await;
        let facture = self.chemin().await;
        self.aller("/parties").await;
        self.attendre_titre("Jouer les autres parties").await;
        self.cliquer_href("main a[href='/valideur']").await;
        self.attendre_titre("Jouer un valideur").await;
        self.cliquer_lien("ATELIER D'ARCHITECTURE SERRE").await;
        self.attendre_titre("Factures à valider").await;
        self.cliquer_lien("ST-2026-001").await;
        self.attendre_titre("Facture n° ST-2026-001 Mise à disposition du premier valideur").await;
        let page = self.texte(Locator::Css("main")).await;
        assert!(
            page.contains("Plomberie des sanitaires") && page.contains("Répondez au plus tard"),
            "{page}"
        );
        self.capture("19-valideur").await;
        let motif = self.attendre(Locator::Id("motif")).await;
        motif.select_by_value("ERREUR_VALIDEUR").await.expect("motif erreur de valideur");
        self.cliquer_bouton("Refuser").await;
        self.attendre_titre(
            "Facture n° ST-2026-001 Refusée par le premier valideur pour erreur dans les données d'acheminement",
        )
        .await;
        self.aller(&facture).await;
        self.cliquer_lien("Corriger le valideur").await;
        self.attendre_titre(
            "Corriger le valideur de la facture n° ST-2026-001 Refusée par le premier valideur pour erreur dans les \
             données d'acheminement",
        )
        .await;
        self.saisir("code_structure_valideur", TITULAIRE).await;
        self.cliquer_bouton("Renvoyer au valideur").await;
        self.attendre_titre("Facture n° ST-2026-001 Mise à disposition du premier valideur").await;
        let page = self.texte(Locator::Css("main")).await;
        assert!(page.contains(TITULAIRE), "le nouveau valideur : {page}");
        // The trainee's own structure validates nothing; no rattachement request is waiting.
        self.aller("/factures-a-valider").await;
        self.attendre_titre("Factures à valider").await;
        self.aller("/gestionnaire").await;
        self.attendre_titre("Jouer un gestionnaire de structure").await;

        // 10. Works: the manager opens the « Factures de travaux » space and subscribes; a
        // projet de décompte is deposited (PDF, then the deposit form beside it); the trainee,
        // playing the MOE, transmits an amount lower than asked, which the dossier shows.
        self.aller("/factures-de-travaux").await;
        self.attendre_titre("Factures de travaux").await;
        self.aller("/structure/espaces").await;
        self.attendre_titre("Espaces de la structure").await;
        self.cliquer_href("#espace-FACTURES_TRAVAUX").await;
        self.cliquer_bouton("Ajouter les espaces cochés").await;
        self.attendre_titre("Espaces de la structure").await;
        let mode = self.attendre(Locator::Id("mode-FACTURES_TRAVAUX")).await;
        mode.select_by_value("MODIFICATION").await.expect("abonnement en modification");
        self.cliquer_href("form:has(#mode-FACTURES_TRAVAUX) button").await;
        self.attendre_titre("Espaces de la structure").await;
        self.aller("/facturation").await;
        self.attendre_titre("Facturation").await;
        self.cliquer_href("a[href='/factures-de-travaux']").await;
        self.attendre_titre("Factures de travaux").await;
        self.cliquer_lien("Fiche d'identité du marché").await;
        self.attendre_titre("Fiche d'identité du marché").await;
        let pdf = dossier.path().join("decompte-PD-2026-11.pdf");
        let contenu = chorus_documents::DocumentPdf::nouveau("Projet de décompte")
            .titre("Projet de décompte mensuel PD-2026-11")
            .paragraphe("Réhabilitation de l'école du bourg — gros œuvre : 18 000,00 € HT")
            .produire()
            .expect("PDF");
        std::fs::write(&pdf, contenu).expect("écriture du PDF");
        self.aller("/factures-de-travaux/deposer").await;
        self.attendre_titre("Déposer un projet de décompte").await;
        let fichier = self.attendre(Locator::Id("fichier")).await;
        fichier.send_keys(&pdf.display().to_string()).await.expect("choix du fichier");
        self.cliquer_bouton("Continuer").await;
        self.attendre_titre("Déposer un projet de décompte : formulaire de dépôt").await;
        self.attendre(Locator::Css("object.depot-pdf")).await;
        self.saisir("numero", "PD-2026-11").await;
        self.saisir("destinataire", COMMUNE).await;
        self.saisir("code_service", "SERVICES_TECHNIQUES").await;
        self.saisir("numero_engagement", "EJ-2026-0318").await;
        self.saisir("moe", ARCHITECTE).await;
        self.saisir("montant_ht", "18000").await;
        self.client.execute("window.scrollTo(0, 0);", vec![]).await.expect("retour en haut de page");
        self.capture("20-depot-travaux").await;
        self.cliquer_bouton("Déposer").await;
        self.attendre_titre("Projet de décompte mensuel n° PD-2026-11 Mise à disposition MOE").await;
        let dossier_travaux = self.chemin().await;
        let page = self.texte(Locator::Css("main")).await;
        assert!(page.contains("(7 jours)"), "les 7 jours de la MOE : {page}");
        self.aller("/moe").await;
        self.attendre_titre("Jouer une maîtrise d'œuvre").await;
        self.cliquer_lien("ATELIER D'ARCHITECTURE SERRE").await;
        self.attendre_titre("À traiter (maîtrise d'œuvre)").await;
        self.cliquer_lien("PD-2026-11").await;
        self.attendre_titre("Projet de décompte mensuel n° PD-2026-11 Mise à disposition MOE").await;
        self.saisir("montant-transmettre", "16500").await;
        self.capture("21-moe").await;
        self.cliquer_bouton("Transmettre").await;
        self.attendre_titre("Projet de décompte mensuel n° PD-2026-11 Mise à disposition MOA").await;
        self.aller(&dossier_travaux).await;
        self.attendre_titre("Projet de décompte mensuel n° PD-2026-11 Mise à disposition MOA").await;
        let page = self.texte(Locator::Css("main")).await;
        assert!(page.contains("PD-2026-11-EA") && page.contains("diffère du montant demandé"), "{page}");
        self.capture("22-dossier-travaux").await;
    }
}

/// The two browsers of [`une_classe_dans_deux_navigateurs`].
async fn journee_de_formation(formateur: &Parcours, stagiaire: &Parcours, mot_de_passe: &str) {
    formateur.dimensionner().await;
    stagiaire.dimensionner().await;

    // 1. The trainer logs in with the one-time password, then chooses their own.
    formateur.connecter_formateur(mot_de_passe).await;

    // 2. A one-day class in free practice; the code is shown large.
    formateur.saisir("titre", "Déposer ses factures sur Chorus Pro").await;
    formateur.saisir_date("date_debut", "2026-11-23").await;
    formateur.saisir("demi_journees", "2").await;
    formateur.saisir("lieu", "Mendeval").await;
    formateur.cliquer_bouton("Créer la classe").await;
    formateur.attendre_titre("Déposer ses factures sur Chorus Pro").await;
    let code = formateur.texte(Locator::Css(".code-classe-grand")).await;
    let chemin_classe = formateur.chemin().await;
    assert_eq!(code.trim().len(), 6, "code de la classe : {code}");
    formateur.capture("10-console-classe").await;

    // 3. The trainee joins with the code and a name only, and enters the portal.
    stagiaire.aller(&format!("/rejoindre?code={}", code.trim())).await;
    stagiaire.attendre_titre("Rejoindre une classe").await;
    stagiaire.saisir("nom", "Paul Delmas").await;
    stagiaire.cliquer_bouton("Rejoindre la classe").await;
    stagiaire.attendre_titre("Bienvenue dans la classe").await;
    let identifiant = stagiaire.texte(Locator::Id("identifiant-classe")).await;
    assert!(identifiant.contains('@'), "identifiant de connexion : {identifiant}");
    stagiaire.cliquer_lien("Entrer dans le portail").await;
    stagiaire.attendre_titre("Accueil").await;

    // 4. The trainee keys and sends an invoice to the commune.
    stagiaire.envoyer_facture("PD-001", "Taille des haies du cimetière", "480").await;
    let facture = stagiaire.texte(Locator::Css("main")).await;
    assert!(facture.contains("Mise à disposition du destinataire"), "facture envoyée : {facture}");
    let chemin_facture = stagiaire.chemin().await;

    // 4 bis. The live follow-up: the trainer's grid updates by itself (server-sent events)
    // when the trainee sends a second invoice.
    formateur.aller(&format!("{chemin_classe}/suivi")).await;
    let envoyees = Locator::Css("td[id^='envoyees-']");
    assert_eq!(formateur.texte(envoyees).await.trim(), "1", "une facture envoyée");
    stagiaire.envoyer_facture("PD-002", "Désherbage des allées", "120").await;
    formateur.attendre_texte(envoyees, "2").await;
    formateur.capture("13-suivi-direct").await;
    formateur.aller(&chemin_classe).await;

    // 5. The trainer sees it on the class page, plays the buyer and rejects it.
    formateur.client.refresh().await.expect("rechargement de la console");
    let ligne = formateur
        .texte(Locator::XPath("//table[@id='stagiaires']//tr[th[normalize-space()='Paul Delmas']]"))
        .await;
    assert!(ligne.contains('1'), "une facture envoyée : {ligne}");
    formateur.cliquer_bouton("Jouer l'acheteur public").await;
    formateur.attendre_titre("Jouer l'acheteur public").await;
    formateur.cliquer_lien("COMMUNE DE VALCOMBE (FICTIVE)").await;
    formateur.attendre_titre("Factures reçues").await;
    formateur.verifier_accessibilite("factures reçues").await;
    formateur.cliquer_lien("PD-001").await;
    formateur.attendre(Locator::Id("motif-REJETEE")).await;
    formateur.verifier_accessibilite("facture reçue, vue de l'acheteur").await;
    formateur.saisir("motif-REJETEE", "Prix non conforme au devis n° 12 : 400 € HT").await;
    formateur.capture("11-formateur-acheteur").await;
    formateur.cliquer_bouton("Rejeter").await;
    // The invoice's own title carries its new status (the old page also said « Rejetée », in
    // the button's description: wait for the title).
    formateur.attendre(Locator::XPath("//h1[contains(normalize-space(), 'Rejetée')]")).await;
    formateur.verifier_accessibilite("facture rejetée, vue de l'acheteur").await;

    // 6. The trainee reads the rejection and its reason.
    stagiaire.aller(&chemin_facture).await;
    let facture = stagiaire.texte(Locator::Css("main")).await;
    assert!(facture.contains("Rejetée"), "la facture rejetée : {facture}");
    assert!(facture.contains("Prix non conforme au devis n° 12"), "le motif : {facture}");
    stagiaire.verifier_accessibilite("facture rejetée").await;

    // 6 bis. Back on the home page, the portal's pop-up lists the rejection until acknowledged.
    stagiaire.aller("/").await;
    let fenetre = stagiaire.attendre(Locator::Css("dialog[open]")).await;
    let contenu = fenetre.text().await.expect("texte de la fenêtre");
    assert!(contenu.contains("PD-001"), "la fenêtre des retours : {contenu}");
    stagiaire.verifier_accessibilite("accueil avec la fenêtre des retours").await;
    stagiaire.cliquer_bouton("Tout acquitter et fermer").await;
    stagiaire.attendre_titre("Accueil").await;
    assert!(
        stagiaire.client.find(Locator::Css("dialog[open]")).await.is_err(),
        "la fenêtre acquittée ne revient pas"
    );

    // 7. The trainer resets the trainee (after the confirmation dialog).
    formateur.cliquer_lien("Revenir à la console").await;
    formateur.cliquer_lien("Déposer ses factures sur Chorus Pro").await;
    formateur.attendre_titre("Déposer ses factures sur Chorus Pro").await;
    formateur.cliquer_bouton("Réinitialiser").await;
    formateur.accepter_la_confirmation("Paul Delmas").await;
    formateur.attendre(Locator::Css("[role=status]")).await;

    // 8. The trainee's sandbox is back at its starting point.
    stagiaire.aller("/factures-emises").await;
    let liste = stagiaire.texte(Locator::Css("main")).await;
    assert!(!liste.contains("PD-001"), "après la réinitialisation : {liste}");
}

/// A string literal for XPath 1.0, which has no escape: quoted with whichever quote the text
/// lacks (the portal's texts use the straight apostrophe, never the double quote).
fn litteral_xpath(texte: &str) -> String {
    assert!(!texte.contains('"'), "texte avec guillemet droit : {texte}");
    if texte.contains('\'') { format!("\"{texte}\"") } else { format!("'{texte}'") }
}

/// The first word of exactly six digits (the date and time of the message have fewer).
fn code_a_six_chiffres(texte: &str) -> Option<String> {
    texte.split(|c: char| !c.is_ascii_digit()).find(|mot| mot.len() == 6).map(str::to_string)
}

// ---------------------------------------------------------------------------------------
// The browser, with waits bounded by the journey's deadline

struct Parcours {
    client: Client,
    base: String,
    fin: Instant,
    captures: Option<PathBuf>,
}

impl Parcours {
    /// What is left of the journey's time, at most [`DELAI_ETAPE`] for one wait.
    fn reste(&self) -> Duration {
        self.fin.saturating_duration_since(Instant::now()).min(DELAI_ETAPE)
    }

    async fn aller(&self, chemin: &str) {
        let url = format!("{}{chemin}", self.base);
        self.client.goto(&url).await.unwrap_or_else(|e| panic!("ouverture de {url} : {e}"));
    }

    async fn chemin(&self) -> String {
        self.client.current_url().await.expect("adresse courante").path().to_string()
    }

    /// Waits for an element; on failure, says where the browser is and what it shows.
    async fn attendre(&self, locator: Locator<'_>) -> Element {
        let quoi = format!("{locator:?}");
        match self
            .client
            .wait()
            .at_most(self.reste())
            .every(Duration::from_millis(50))
            .for_element(locator)
            .await
        {
            Ok(element) => element,
            Err(e) => {
                let url = self.client.current_url().await.map(|u| u.to_string()).unwrap_or_default();
                let page = match self.client.find(Locator::Css("body")).await {
                    Ok(corps) => corps.text().await.unwrap_or_default(),
                    Err(_) => String::new(),
                };
                let page: String = page.chars().take(1500).collect();
                panic!("{quoi} introuvable ({e}) sur {url} :\n{page}");
            }
        }
    }

    /// Waits for the page whose title is `titre`, then checks its accessibility: every page of
    /// the journeys goes through here.
    async fn attendre_titre(&self, titre: &str) {
        self.attendre(Locator::XPath(&format!("//h1[normalize-space()={}]", litteral_xpath(titre)))).await;
        self.verifier_accessibilite(titre).await;
    }

    /// Clicks the first element matching a CSS selector (a link by its address, a summary…).
    async fn cliquer_href(&self, css: &str) {
        let element = self.attendre(Locator::Css(css)).await;
        element.click().await.unwrap_or_else(|e| panic!("clic sur {css} : {e}"));
    }

    /// The element's text; a page still being replaced after a click makes the element stale:
    /// it is then looked for again in the new page.
    async fn texte(&self, locator: Locator<'_>) -> String {
        loop {
            match self.attendre(locator).await.text().await {
                Ok(texte) => return texte,
                Err(fantoccini::error::CmdError::Standard(e))
                    if e.error == fantoccini::error::ErrorStatus::StaleElementReference
                        && !self.reste().is_zero() =>
                {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(e) => panic!("texte de l'élément {locator:?} : {e}"),
            }
        }
    }

    async fn saisir(&self, id: &str, valeur: &str) {
        let champ = self.attendre(Locator::Id(id)).await;
        champ.clear().await.unwrap_or_else(|e| panic!("effacement de #{id} : {e}"));
        champ.send_keys(valeur).await.unwrap_or_else(|e| panic!("saisie dans #{id} : {e}"));
    }

    /// A date field: typed as the browser's date widget expects (day, month, year in French).
    async fn saisir_date(&self, id: &str, iso: &str) {
        let champ = self.attendre(Locator::Id(id)).await;
        self.client
            .execute(
                "arguments[0].value = arguments[1];",
                vec![serde_json::to_value(&champ).expect("élément"), serde_json::json!(iso)],
            )
            .await
            .unwrap_or_else(|e| panic!("date dans #{id} : {e}"));
    }

    /// Keys an invoice of one line to the commune and sends it (confirmation included).
    async fn envoyer_facture(&self, numero: &str, designation: &str, prix: &str) {
        self.aller("/factures-emises/saisir").await;
        self.saisir("numero", numero).await;
        self.saisir("destinataire", COMMUNE).await;
        self.saisir("ligne_designation-1", designation).await;
        self.saisir("ligne_quantite-1", "1").await;
        self.saisir("ligne_prix_unitaire_ht-1", prix).await;
        self.cliquer_bouton("Valider et envoyer").await;
        self.attendre_titre("Confirmer l'envoi de la facture").await;
        self.cliquer_bouton("Confirmer l'envoi").await;
        self.attendre(Locator::XPath(&format!("//h1[contains(., {})]", litteral_xpath(numero)))).await;
    }

    /// Waits, without reloading, until the element's text is `attendu`.
    async fn attendre_texte(&self, locator: Locator<'_>, attendu: &str) {
        loop {
            let texte = self.texte(locator).await;
            if texte.trim() == attendu {
                return;
            }
            assert!(!self.reste().is_zero(), "{locator:?} : « {texte} » au lieu de « {attendu} »");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The `data-confirmer` dialog: checks its text, then accepts it.
    async fn accepter_la_confirmation(&self, contient: &str) {
        let texte = self.client.get_alert_text().await.expect("boîte de confirmation");
        assert!(texte.contains(contient), "confirmation : {texte}");
        self.client.accept_alert().await.expect("confirmation acceptée");
    }

    async fn cliquer_lien(&self, libelle: &str) {
        let lien = self.attendre(Locator::LinkText(libelle)).await;
        lien.click().await.unwrap_or_else(|e| panic!("clic sur le lien « {libelle} » : {e}"));
    }

    async fn cliquer_bouton(&self, libelle: &str) {
        let bouton = self
            .attendre(Locator::XPath(&format!("//button[normalize-space()={}]", litteral_xpath(libelle))))
            .await;
        bouton.click().await.unwrap_or_else(|e| panic!("clic sur le bouton « {libelle} » : {e}"));
    }

    /// A viewport of exactly LARGEUR × HAUTEUR: the window, minus what Chromium keeps for
    /// its own (invisible, in headless mode) frame.
    async fn dimensionner(&self) {
        self.dimensionner_a(LARGEUR, HAUTEUR).await;
    }

    /// The trainer logs in with the one-time password, then chooses their own.
    async fn connecter_formateur(&self, mot_de_passe: &str) {
        self.aller("/formateur").await;
        self.attendre_titre("Connexion du formateur").await;
        self.saisir("email", FORMATEUR).await;
        self.saisir("mot_de_passe", mot_de_passe).await;
        self.cliquer_bouton("Se connecter").await;
        self.attendre_titre("Choisir votre mot de passe").await;
        self.saisir("mot_de_passe", NOUVEAU_MOT_DE_PASSE_FORMATEUR).await;
        self.saisir("confirmation", NOUVEAU_MOT_DE_PASSE_FORMATEUR).await;
        self.cliquer_bouton("Enregistrer").await;
        self.attendre_titre("Mes classes").await;
    }

    /// A class trainee logs in with the class login (and the two-step code from the sandbox's
    /// Messagerie), from a browser that never joined the class.
    async fn connecter_stagiaire_de_classe(&self, identifiant: &str, mot_de_passe: &str) {
        self.aller(&format!("/connexion?identifiant={identifiant}")).await;
        self.attendre_titre("Se connecter").await;
        self.saisir("mot_de_passe", mot_de_passe).await;
        self.cliquer_bouton("Se connecter").await;
        self.attendre_titre("Saisir le code de connexion").await;
        self.aller("/messagerie").await;
        // The newest code first: the list is sorted from the most recent message.
        self.cliquer_lien("Votre code de connexion").await;
        let message = self.texte(Locator::Css("article")).await;
        let code = code_a_six_chiffres(&message).expect("code à six chiffres");
        self.aller("/connexion/code").await;
        self.saisir("code", &code).await;
        self.cliquer_bouton("Valider").await;
        self.attendre_titre("Accueil").await;
    }

    /// A small screen: nothing scrolls sideways, and the page's title shows in the upper half
    /// of the window on arrival (the header does not push the content out of sight).
    async fn verifier_petit_ecran(&self, quoi: &str) {
        self.verifier_sans_defilement_horizontal(quoi).await;
        let mesure = self
            .client
            .execute(
                "return [Math.round(document.querySelector('main h1').getBoundingClientRect().top),
                         window.innerHeight];",
                vec![],
            )
            .await
            .expect("position du titre");
        let (haut, fenetre): (i64, i64) = serde_json::from_value(mesure).expect("deux nombres");
        assert!(
            (0..fenetre / 2).contains(&haut),
            "{quoi} : le titre commence à {haut} px dans une fenêtre de {fenetre} px"
        );
    }

    /// The page is no wider than the window: nothing scrolls sideways.
    async fn verifier_sans_defilement_horizontal(&self, quoi: &str) {
        let mesure = self
            .client
            .execute("return [document.documentElement.scrollWidth, window.innerWidth];", vec![])
            .await
            .expect("mesure de la page");
        let (largeur, fenetre): (u32, u32) = serde_json::from_value(mesure).expect("deux nombres");
        if largeur > fenetre {
            // The deepest elements that stick out, to say what to fix.
            let depassent = self
                .client
                .execute(
                    "return Array.from(document.querySelectorAll('body *'))
                         .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                                      && !Array.from(e.children).some(c => c.getBoundingClientRect().right > window.innerWidth + 1))
                         .slice(0, 5)
                         .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : '')
                                   + ' (' + Math.round(e.getBoundingClientRect().right) + ' px)');",
                    vec![],
                )
                .await
                .expect("éléments qui dépassent");
            panic!(
                "{quoi} : la page fait {largeur} px pour une fenêtre de {fenetre} px ; dépassent : {depassent}"
            );
        }
    }

    /// A viewport of exactly `largeur` × `hauteur`.
    async fn dimensionner_a(&self, largeur: u32, hauteur: u32) {
        self.client.set_window_size(largeur, hauteur).await.expect("taille de la fenêtre");
        let cadre = self
            .client
            .execute(
                "return [window.outerWidth - window.innerWidth, window.outerHeight - window.innerHeight];",
                vec![],
            )
            .await
            .expect("mesure de la fenêtre");
        let cadre: Vec<u32> = serde_json::from_value(cadre).expect("deux nombres");
        self.client
            .set_window_size(largeur + cadre[0], hauteur + cadre[1])
            .await
            .expect("taille de la fenêtre");
    }

    /// Runs axe-core on the page and fails on any serious or critical violation. The script
    /// comes from npm (`axe-core`, installed by `.ci/run`); missing, the check is skipped,
    /// except under CI.
    async fn verifier_accessibilite(&self, quoi: &str) {
        let Some(axe) = axe_core() else { return };
        self.client.execute(axe, vec![]).await.unwrap_or_else(|e| panic!("chargement d'axe-core : {e}"));
        let resultat = self
            .client
            .execute_async(
                "const fini = arguments[arguments.length - 1];
                 axe.run(document, { resultTypes: ['violations'] })
                   .then(r => fini([r.passes.length, r.violations
                     .filter(v => v.impact === 'serious' || v.impact === 'critical')
                     .map(v => v.impact + ' ' + v.id + ' : ' + v.help + ' — '
                          + v.nodes.slice(0, 5).map(n => n.target.join(' ')).join(' | '))]))
                   .catch(e => fini([0, ['axe-core en échec : ' + e]]));",
                vec![],
            )
            .await
            .unwrap_or_else(|e| panic!("axe-core sur {quoi} : {e}"));
        let (reussies, violations): (usize, Vec<String>) =
            serde_json::from_value(resultat).expect("règles réussies et violations");
        // Axe really ran: a page always passes some rules (lang, title, landmarks…).
        assert!(reussies > 5 || !violations.is_empty(), "axe-core n'a rien vérifié sur {quoi}");
        let url = self.client.current_url().await.map(|u| u.path().to_string()).unwrap_or_default();
        assert!(violations.is_empty(), "accessibilité de {quoi} ({url}) :\n{}", violations.join("\n"));
    }

    /// Always taken (the screenshot must work), written only into `CHORUS_CAPTURES`.
    async fn capture(&self, nom: &str) {
        self.capture_taille(nom, LARGEUR, HAUTEUR).await;
    }

    /// [`Parcours::capture`] of a window of another size.
    async fn capture_taille(&self, nom: &str, largeur: u32, hauteur: u32) {
        let png = self.client.screenshot().await.unwrap_or_else(|e| panic!("capture {nom} : {e}"));
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 24, "la capture {nom} n'est pas un PNG");
        // IHDR: width and height, big-endian, right after the signature and the chunk header.
        let dimension = |i: usize| u32::from_be_bytes([png[i], png[i + 1], png[i + 2], png[i + 3]]);
        assert_eq!((dimension(16), dimension(20)), (largeur, hauteur), "taille de la capture {nom}");
        if let Some(dossier) = &self.captures {
            std::fs::create_dir_all(dossier).expect("dossier des captures");
            let fichier = dossier.join(format!("{nom}.png"));
            std::fs::write(&fichier, &png)
                .unwrap_or_else(|e| panic!("écriture de {}: {e}", fichier.display()));
            println!("capture : {} ({} Ko)", fichier.display(), png.len() / 1024);
        }
    }
}

fn capacites(chromium: &Path, profil: &Path, telephone: Option<(u32, u32)>) -> fantoccini::wd::Capabilities {
    let mut options = serde_json::json!({
        "binary": chromium,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--lang=fr-FR",
            format!("--window-size={LARGEUR},{HAUTEUR}"),
            format!("--user-data-dir={}", profil.display()),
        ],
    });
    if let Some((largeur, hauteur)) = telephone {
        options["mobileEmulation"] = serde_json::json!({
            "deviceMetrics": { "width": largeur, "height": hauteur, "pixelRatio": 1.0, "touch": true },
            "userAgent": "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Mobile Safari/537.36",
        });
    }
    let mut capacites = fantoccini::wd::Capabilities::new();
    capacites.insert("goog:chromeOptions".to_string(), options);
    capacites
}

// ---------------------------------------------------------------------------------------
// chromedriver, chromium and the server

struct Outils {
    chromedriver: PathBuf,
    chromium: PathBuf,
}

impl Outils {
    /// `None` (the test is skipped) when the browser is missing, unless under CI.
    fn trouver() -> Option<Outils> {
        let chromedriver = executable("CHROMEDRIVER", "chromedriver");
        let chromium = executable("CHROMIUM", "chromium");
        match (chromedriver, chromium) {
            (Some(chromedriver), Some(chromium)) => Some(Outils { chromedriver, chromium }),
            _ if std::env::var_os("CI").is_some() => panic!(
                "chromedriver ou chromium introuvable alors que CI est défini : installez les paquets Debian \
                 chromium et chromium-driver (voir .ci/run)"
            ),
            _ => {
                println!(
                    "test navigateur ignoré : chromedriver ou chromium introuvable \
                     (apt-get install chromium chromium-driver)"
                );
                None
            }
        }
    }
}

/// The axe-core script (`AXE_CORE`, or `target/axe/node_modules/axe-core/axe.min.js` from the
/// workspace root, where `.ci/run` installs it), read once.
fn axe_core() -> Option<&'static str> {
    static AXE: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    AXE.get_or_init(|| {
        let chemin = std::env::var_os("AXE_CORE").map(PathBuf::from).unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/axe/node_modules/axe-core/axe.min.js")
        });
        match std::fs::read_to_string(&chemin) {
            Ok(script) => Some(script),
            Err(_) if std::env::var_os("CI").is_some() => {
                panic!("axe-core introuvable ({}) alors que CI est défini : voir .ci/run", chemin.display())
            }
            Err(_) => {
                println!(
                    "contrôle d'accessibilité ignoré : {} introuvable \
                     (npm install --prefix target/axe axe-core@4)",
                    chemin.display()
                );
                None
            }
        }
    })
    .as_deref()
}

/// The program named by the variable `variable`, or `nom` in /usr/bin or on the PATH.
fn executable(variable: &str, nom: &str) -> Option<PathBuf> {
    if let Some(chemin) = std::env::var_os(variable) {
        return Some(PathBuf::from(chemin)).filter(|c| c.is_file());
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::iter::once(PathBuf::from("/usr/bin"))
        .chain(std::env::split_paths(&path))
        .map(|dossier| dossier.join(nom))
        .find(|c| c.is_file())
}

type Journal = Arc<Mutex<Vec<String>>>;
/// Recognises the line where a child announces its URL.
type Annonce = fn(&str) -> Option<String>;

/// A child process in its own process group, killed with the whole group on drop: chromedriver
/// takes Chromium's processes with it even when a failed assertion skipped `client.close()`.
struct Processus {
    nom: &'static str,
    processus: Child,
    url: String,
    journal: Journal,
}

impl Processus {
    async fn serveur(donnees: &Path, options: &[&str]) -> Processus {
        let mut commande = Command::new(env!("CARGO_BIN_EXE_chorus-sandbox"));
        commande
            .args(["serve", "--addr", "127.0.0.1:0", "--data"])
            .arg(donnees)
            .args(options)
            .env_remove("CHORUS_ADDR")
            .env_remove("CHORUS_DATA");
        Processus::lancer("chorus-sandbox", commande, |ligne| {
            let debut = ligne.find("http://").filter(|_| ligne.contains("Simulateur prêt"))?;
            let url = ligne[debut..].split_whitespace().next()?;
            Some(url.trim_end_matches('/').to_string())
        })
        .await
    }

    /// On a port chosen by chromedriver itself (`--port=0`), read back from its first lines.
    async fn chromedriver(programme: &Path) -> Processus {
        let mut commande = Command::new(programme);
        commande.args(["--port=0", "--log-level=WARNING"]);
        Processus::lancer("chromedriver", commande, |ligne| {
            let port = ligne.split("started successfully on port ").nth(1)?;
            let port: u16 = port.trim().trim_end_matches('.').parse().ok()?;
            Some(format!("http://127.0.0.1:{port}"))
        })
        .await
    }

    async fn lancer(nom: &'static str, mut commande: Command, annonce: Annonce) -> Processus {
        let mut processus = commande
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("lancement de {nom} : {e}"));
        let journal = Journal::default();
        let (tx, rx) = tokio::sync::oneshot::channel();
        tokio::spawn(vider(processus.stdout.take().unwrap(), journal.clone(), Some((annonce, tx))));
        tokio::spawn(vider(processus.stderr.take().unwrap(), journal.clone(), None));
        let url = match tokio::time::timeout(DELAI_DEMARRAGE, rx).await {
            Ok(Ok(url)) => url,
            _ => panic!(
                "{nom} ne s'annonce pas en {} s ; sa sortie :\n{}",
                DELAI_DEMARRAGE.as_secs(),
                journal.lock().unwrap().join("\n")
            ),
        };
        Processus { nom, processus, url, journal }
    }

    fn sortie(&self) -> String {
        self.journal.lock().map(|j| j.join("\n")).unwrap_or_default()
    }
}

impl Drop for Processus {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("--- sortie de {} ---\n{}", self.nom, self.sortie());
        }
        if let Some(pid) = self.processus.id() {
            // The group's id is the child's pid (process_group(0)); the shell builtin kill
            // takes a negative id for a group.
            let groupe = format!("-{pid}");
            let _ = std::process::Command::new("sh")
                .args(["-c", "kill -KILL \"$0\" 2>/dev/null", &groupe])
                .stdin(Stdio::null())
                .status();
        }
    }
}

/// Drains a pipe (the child must never block on it) and reports the first announced URL.
async fn vider(
    flux: impl AsyncRead + Unpin,
    journal: Journal,
    mut annonce: Option<(Annonce, tokio::sync::oneshot::Sender<String>)>,
) {
    let mut lignes = BufReader::new(flux).lines();
    while let Ok(Some(ligne)) = lignes.next_line().await {
        if let Some((lire, _)) = &annonce
            && let Some(url) = lire(&ligne)
            && let Some((_, tx)) = annonce.take()
        {
            let _ = tx.send(url);
        }
        let mut journal = journal.lock().unwrap();
        if journal.len() >= 200 {
            journal.remove(0);
        }
        journal.push(ligne);
    }
}
