//! Test helpers for the portal: the real application (temporary SQLite database, demo data,
//! fixed clock) driven in memory with `tower::ServiceExt::oneshot`, and one small client per
//! actor, in the style of crates.io's backend test helpers:
//!
//! - [`Visiteur`]: an anonymous visitor (keeps whatever cookie the server hands out);
//! - [`Stagiaire`]: a trainee logged in with a demo account.
//!
//! Both keep the latest `chorus_session` cookie and re-read the CSRF token from the
//! `<meta name="csrf">` tag of the last HTML page; [`Navigateur::post_form`] adds it to every
//! form, [`Navigateur::post_form_sans_csrf`] sends the fields exactly as given.

#![allow(dead_code)] // Each test file uses its own subset of the helpers.

use std::ops::{Deref, DerefMut};

use axum::Router;
use axum::body::Body;
use axum::http::header::{CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, Method, Request, StatusCode};
use chrono::NaiveDate;
use http_body_util::BodyExt;
use tower::ServiceExt;

/// The fixed "real" date of every test (the simulated date starts there).
pub fn date_fixe() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).expect("valid date")
}

/// The application over a temporary database, built exactly as the server builds it.
pub struct Portail {
    pub app: Router,
    _dossier: tempfile::TempDir,
}

impl Portail {
    pub fn nouveau() -> Portail {
        Portail::construire(None)
    }

    /// The application started with a trainer token (`--trainer-token`).
    pub fn avec_jeton_formateur(jeton: &str) -> Portail {
        Portail::construire(Some(jeton.to_string()))
    }

    fn construire(jeton_formateur: Option<String>) -> Portail {
        Portail::avec_config(|config| config.jeton_formateur = jeton_formateur)
    }

    /// The application whose settings `regler` changes (address of the room, token…).
    pub fn avec_config(regler: impl FnOnce(&mut chorus_web::etat::Config)) -> Portail {
        let dossier = tempfile::tempdir().expect("temporary directory");
        let store = chorus_store::Store::ouvrir(dossier.path()).expect("open the database");
        let horloge = chorus_store::Horloge::fixe(date_fixe());
        chorus_store::demo::initialiser(&store, &horloge).expect("demo data");
        let mut etat = chorus_web::AppState::new(store, horloge);
        regler(&mut etat.config);
        let app = chorus_web::app(etat);
        Portail { app, _dossier: dossier }
    }

    /// A second instance of the application on the same database (a restart), whose real
    /// clock is `horloge`: to let links, codes and lockouts run out.
    pub fn avec_horloge(&self, horloge: chorus_store::Horloge) -> Router {
        let store = chorus_store::Store::ouvrir(self._dossier.path()).expect("reopen the database");
        chorus_web::app(chorus_web::AppState::new(store, horloge))
    }

    /// [`Portail::avec_horloge`] with the fixed date's noon (the clock of [`Portail::nouveau`])
    /// moved by `minutes`.
    pub fn minutes_plus_tard(&self, minutes: i64) -> Router {
        let midi = date_fixe().and_hms_opt(12, 0, 0).expect("noon exists").and_utc();
        self.avec_horloge(chorus_store::Horloge::Fixe(midi + chrono::TimeDelta::minutes(minutes)))
    }
}

/// What came back from the portal.
#[derive(Debug)]
pub struct Reponse {
    pub statut: StatusCode,
    pub entetes: HeaderMap,
    pub corps: String,
}

impl Reponse {
    /// The `Location` header of a redirect ("" if none).
    pub fn location(&self) -> &str {
        self.entetes.get(LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    /// A short excerpt of the body, for assertion messages.
    pub fn extrait(&self) -> String {
        let debut = self.corps.find("<main").unwrap_or(0);
        self.corps[debut..].chars().take(3000).collect()
    }

    #[track_caller]
    pub fn assert_statut(&self, attendu: StatusCode) -> &Self {
        assert_eq!(self.statut, attendu, "unexpected status; body:\n{}", self.extrait());
        self
    }

    #[track_caller]
    pub fn assert_contient(&self, texte: &str) -> &Self {
        assert!(self.corps.contains(texte), "« {texte} » missing from the page:\n{}", self.extrait());
        self
    }

    #[track_caller]
    pub fn assert_absent(&self, texte: &str) -> &Self {
        assert!(!self.corps.contains(texte), "« {texte} » must not be in the page:\n{}", self.extrait());
        self
    }

    /// A 303 redirect to `vers`.
    #[track_caller]
    pub fn assert_redirige(&self, vers: &str) -> &Self {
        assert_eq!(
            (self.statut, self.location()),
            (StatusCode::SEE_OTHER, vers),
            "expected a 303 to {vers}; body:\n{}",
            self.extrait()
        );
        self
    }

    /// The 303 after « Avancer l'horloge » : to the summary of what the clock did.
    #[track_caller]
    pub fn assert_redirige_vers_le_bilan(&self) -> &Self {
        assert_eq!(self.statut, StatusCode::SEE_OTHER, "expected a redirect; body:\n{}", self.extrait());
        assert!(self.location().starts_with("/bac/horloge?avancee="), "{}", self.location());
        self
    }

    /// The id of the invoice this response redirects to (`/factures-emises/{id}`).
    #[track_caller]
    pub fn id_facture(&self) -> String {
        assert_eq!(self.statut, StatusCode::SEE_OTHER, "expected a redirect; body:\n{}", self.extrait());
        let id = self
            .location()
            .strip_prefix("/factures-emises/")
            .unwrap_or_else(|| panic!("redirect to {} instead of an invoice", self.location()));
        uuid::Uuid::parse_str(id).unwrap_or_else(|_| panic!("« {id} » is not a uuid"));
        id.to_string()
    }
}

/// HTML escaping as maud does it (`&`, `<`, `>`, `"`).
pub fn echapper(texte: &str) -> String {
    texte.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// `application/x-www-form-urlencoded` (also good for a query string value).
pub fn encoder(texte: &str) -> String {
    let mut s = String::with_capacity(texte.len());
    for b in texte.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => s.push(b as char),
            b' ' => s.push('+'),
            _ => s.push_str(&format!("%{b:02X}")),
        }
    }
    s
}

pub fn corps_formulaire<K: AsRef<str>, V: AsRef<str>>(champs: &[(K, V)]) -> String {
    champs
        .iter()
        .map(|(k, v)| format!("{}={}", encoder(k.as_ref()), encoder(v.as_ref())))
        .collect::<Vec<_>>()
        .join("&")
}

/// A browser without JavaScript: a cookie jar of one cookie, and the last CSRF token seen.
pub struct Navigateur {
    app: Router,
    pub cookie: Option<String>,
    pub csrf: Option<String>,
}

impl Navigateur {
    pub fn new(app: &Router) -> Navigateur {
        Navigateur { app: app.clone(), cookie: None, csrf: None }
    }

    pub async fn get(&mut self, chemin: &str) -> Reponse {
        self.envoyer(Method::GET, chemin, None, Vec::new()).await
    }

    /// A form POST with the current CSRF token added.
    pub async fn post_form<K: AsRef<str>, V: AsRef<str>>(
        &mut self,
        chemin: &str,
        champs: &[(K, V)],
    ) -> Reponse {
        let csrf = self.csrf.clone().expect("no CSRF token yet: GET a page first");
        let mut corps = corps_formulaire(champs);
        if !corps.is_empty() {
            corps.push('&');
        }
        corps.push_str("csrf=");
        corps.push_str(&encoder(&csrf));
        self.post_brut(chemin, "application/x-www-form-urlencoded", corps.into_bytes()).await
    }

    /// A form POST with exactly these fields (no CSRF token unless given).
    pub async fn post_form_sans_csrf<K: AsRef<str>, V: AsRef<str>>(
        &mut self,
        chemin: &str,
        champs: &[(K, V)],
    ) -> Reponse {
        let corps = corps_formulaire(champs);
        self.post_brut(chemin, "application/x-www-form-urlencoded", corps.into_bytes()).await
    }

    pub async fn post_brut(&mut self, chemin: &str, type_contenu: &str, corps: Vec<u8>) -> Reponse {
        self.envoyer(Method::POST, chemin, Some(type_contenu), corps).await
    }

    async fn envoyer(
        &mut self,
        methode: Method,
        chemin: &str,
        type_contenu: Option<&str>,
        corps: Vec<u8>,
    ) -> Reponse {
        let mut requete = Request::builder().method(methode).uri(chemin);
        if let Some(c) = &self.cookie {
            requete = requete.header(COOKIE, format!("{}={c}", chorus_web::COOKIE_SESSION));
        }
        if let Some(t) = type_contenu {
            requete = requete.header(CONTENT_TYPE, t);
        }
        let requete = requete.body(Body::from(corps)).expect("valid request");
        let reponse = self.app.clone().oneshot(requete).await.expect("the router never fails");
        let (parties, corps) = reponse.into_parts();
        let octets = corps.collect().await.expect("readable body").to_bytes();
        let corps = String::from_utf8(octets.to_vec()).expect("UTF-8 body");
        self.retenir_cookie(&parties.headers);
        if let Some(jeton) = meta_csrf(&corps) {
            self.csrf = Some(jeton);
        }
        Reponse { statut: parties.status, entetes: parties.headers, corps }
    }

    /// Keeps the latest `chorus_session` cookie; a removal cookie empties the jar.
    fn retenir_cookie(&mut self, entetes: &HeaderMap) {
        let prefixe = format!("{}=", chorus_web::COOKIE_SESSION);
        for valeur in entetes.get_all(SET_COOKIE) {
            let Ok(texte) = valeur.to_str() else { continue };
            let Some(reste) = texte.strip_prefix(&prefixe) else { continue };
            let valeur = reste.split(';').next().unwrap_or("").trim();
            let supprime = valeur.is_empty() || texte.to_ascii_lowercase().contains("max-age=0");
            self.cookie = (!supprime).then(|| valeur.to_string());
        }
    }
}

/// A message as listed in the sandbox mailbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRecu {
    pub id: i64,
    /// « Reçu le » as shown (`22/11/2026 12:00`).
    pub recu_le: String,
    pub destinataire: String,
    pub objet: String,
}

impl Navigateur {
    /// The same browser (cookie and CSRF token) on another instance of the application.
    pub fn sur(&self, app: &Router) -> Navigateur {
        Navigateur { app: app.clone(), cookie: self.cookie.clone(), csrf: self.csrf.clone() }
    }

    /// The messages of this browser's sandbox mailbox, newest first.
    pub async fn boite(&mut self) -> Vec<MessageRecu> {
        let r = self.get("/messagerie").await;
        r.assert_statut(StatusCode::OK).assert_contient("<h1>Messagerie du bac à sable</h1>");
        let marque = r#"href="/messagerie/"#;
        let mut messages = Vec::new();
        for ligne in r.corps.split("<tr").skip(1) {
            let Some(debut) = ligne.find(marque) else { continue };
            let reste = &ligne[debut + marque.len()..];
            let id = reste[..reste.find('"').expect("end of the link")].parse().expect("numeric message id");
            let cellules: Vec<String> = ligne.split("<td").skip(1).map(texte_cellule).collect();
            assert_eq!(cellules.len(), 4, "a mailbox row has 4 cells: {ligne}");
            messages.push(MessageRecu {
                id,
                recu_le: cellules[0].clone(),
                destinataire: cellules[2].clone(),
                objet: cellules[3].clone(),
            });
        }
        messages
    }

    /// Opens the newest message with this subject (asserting there is one).
    pub async fn ouvrir_dernier(&mut self, objet: &str) -> Reponse {
        let boite = self.boite().await;
        let m = boite
            .iter()
            .find(|m| m.objet == objet)
            .unwrap_or_else(|| panic!("no message « {objet} » in the mailbox: {boite:?}"));
        let r = self.get(&format!("/messagerie/{}", m.id)).await;
        r.assert_statut(StatusCode::OK).assert_contient(&format!("<h1>{}</h1>", echapper(objet)));
        r
    }
}

impl Navigateur {
    /// The code of the newest « Votre code de connexion » message of this browser's mailbox.
    pub async fn code_de_connexion(&mut self) -> String {
        let m = self.ouvrir_dernier("Votre code de connexion").await;
        let marque = "Voici votre code de connexion au portail : ";
        let debut =
            m.corps.find(marque).unwrap_or_else(|| panic!("no code:\n{}", m.extrait())) + marque.len();
        let code: String = m.corps[debut..].chars().take(6).collect();
        assert!(code.bytes().all(|b| b.is_ascii_digit()), "code « {code} »");
        code
    }
}

/// The text of a table cell (what follows `<td`), tags removed.
fn texte_cellule(cellule: &str) -> String {
    let debut = cellule.find('>').map_or(0, |i| i + 1);
    let fin = cellule.find("</td>").unwrap_or(cellule.len());
    let mut texte = String::new();
    let mut dans_balise = false;
    for c in cellule[debut..fin].chars() {
        match c {
            '<' => dans_balise = true,
            '>' => dans_balise = false,
            c if !dans_balise => texte.push(c),
            _ => {}
        }
    }
    texte.trim().to_string()
}

/// The first link of the page starting with `prefixe` (e.g. `/compte/activer/`).
pub fn lien_de(page: &str, prefixe: &str) -> Option<String> {
    let debut = page.find(&format!(r#"href="{prefixe}"#))? + r#"href=""#.len();
    let fin = page[debut..].find('"')?;
    Some(page[debut..debut + fin].to_string())
}

/// The text of the page's error or information banner (`role="alert"` or `role="status"`).
pub fn bandeau(page: &str) -> Option<String> {
    let debut = page.find(r#"role="alert""#).or_else(|| page.find(r#"role="status""#))?;
    let reste = &page[debut..];
    let fin = reste.find("</div>")?;
    Some(texte_cellule(&format!("{}</td>", &reste[..fin])))
}

/// The token of `<meta name="csrf" content="…">`.
pub fn meta_csrf(page: &str) -> Option<String> {
    let debut = page.find(r#"<meta name="csrf" content=""#)? + r#"<meta name="csrf" content=""#.len();
    let fin = page[debut..].find('"')?;
    Some(page[debut..debut + fin].to_string())
}

/// An anonymous visitor.
pub struct Visiteur(Navigateur);

impl Visiteur {
    pub fn new(app: &Router) -> Visiteur {
        Visiteur(Navigateur::new(app))
    }
}

impl Deref for Visiteur {
    type Target = Navigateur;
    fn deref(&self) -> &Navigateur {
        &self.0
    }
}

impl DerefMut for Visiteur {
    fn deref_mut(&mut self) -> &mut Navigateur {
        &mut self.0
    }
}

/// A trainee logged in with a demo account (password `MOT_DE_PASSE_DEMO`).
pub struct Stagiaire {
    nav: Navigateur,
    pub identifiant: String,
}

impl Stagiaire {
    /// A class trainee just arrived in free practice: the joining browser is logged in.
    pub fn de_la_classe(arrivee: Arrivee) -> Stagiaire {
        Stagiaire { nav: arrivee.nav, identifiant: arrivee.identifiant.expect("a free-practice login") }
    }

    pub async fn connecte(app: &Router, identifiant: &str) -> Stagiaire {
        let mut nav = Navigateur::new(app);
        nav.get("/connexion").await.assert_statut(StatusCode::OK);
        nav.post_form(
            "/connexion",
            &[("identifiant", identifiant), ("mot_de_passe", chorus_store::demo::MOT_DE_PASSE_DEMO)],
        )
        .await
        .assert_redirige("/");
        // The home page gives the token of the new session.
        nav.get("/").await.assert_statut(StatusCode::OK);
        Stagiaire { nav, identifiant: identifiant.to_string() }
    }

    /// The list of invoices, asserting how many there are.
    pub async fn assert_nombre_factures(&mut self, attendu: usize) -> Reponse {
        let r = self.get("/factures-emises").await;
        r.assert_statut(StatusCode::OK).assert_contient(&format!("<p>{attendu} facture(s).</p>"));
        r
    }

    /// The simulated date shown in the header, e.g. « 22 novembre 2026 ».
    pub async fn date_simulee(&mut self) -> String {
        let r = self.get("/").await;
        r.assert_statut(StatusCode::OK);
        let marque = "Date simulée : <strong>";
        let debut = r.corps.find(marque).expect("simulated date in the header") + marque.len();
        let fin = r.corps[debut..].find('<').expect("end of the date");
        r.corps[debut..debut + fin].to_string()
    }
}

impl Deref for Stagiaire {
    type Target = Navigateur;
    fn deref(&self) -> &Navigateur {
        &self.nav
    }
}

impl DerefMut for Stagiaire {
    fn deref_mut(&mut self) -> &mut Navigateur {
        &mut self.nav
    }
}

/// An invoice entry form, as typed: header fields then lines (repeated `ligne_*` fields).
#[derive(Debug, Clone)]
pub struct Saisie {
    pub entete: Vec<(String, String)>,
    pub lignes: Vec<[String; 7]>,
}

const CHAMPS_LIGNE: [&str; 7] = [
    "ligne_reference",
    "ligne_designation",
    "ligne_quantite",
    "ligne_unite",
    "ligne_prix_unitaire_ht",
    "ligne_remise_ht",
    "ligne_taux_tva",
];

impl Saisie {
    /// A valid invoice for `destinataire` dated on the fixed date: 2 × 150 € HT at 20 %.
    pub fn valide(numero: &str, destinataire: &str) -> Saisie {
        Saisie {
            entete: vec![
                ("numero".into(), numero.into()),
                ("date_facture".into(), date_fixe().to_string()),
                ("type_facture".into(), "FACTURE".into()),
                ("cadre".into(), "A1_FACTURE_FOURNISSEUR".into()),
                ("destinataire".into(), destinataire.into()),
                ("code_service".into(), String::new()),
                ("numero_engagement".into(), String::new()),
                ("numero_marche".into(), String::new()),
                ("mode_paiement".into(), "VIREMENT".into()),
                ("type_tva".into(), "TVA_SUR_DEBIT".into()),
                ("motif_exoneration".into(), String::new()),
                ("commentaire".into(), String::new()),
            ],
            lignes: vec![ligne("REF-1", "Entretien des espaces verts", "2", "150", "20")],
        }
    }

    /// Sets a header field.
    pub fn avec(mut self, champ: &str, valeur: &str) -> Saisie {
        match self.entete.iter_mut().find(|(k, _)| k == champ) {
            Some((_, v)) => *v = valeur.to_string(),
            None => self.entete.push((champ.to_string(), valeur.to_string())),
        }
        self
    }

    pub fn lignes(mut self, lignes: Vec<[String; 7]>) -> Saisie {
        self.lignes = lignes;
        self
    }

    /// Sets one field (`designation`, `quantite`, `taux_tva`…) of line 1.
    pub fn ligne1(mut self, champ: &str, valeur: &str) -> Saisie {
        let i = CHAMPS_LIGNE.iter().position(|c| *c == format!("ligne_{champ}")).expect("line field");
        self.lignes[0][i] = valeur.to_string();
        self
    }

    /// The form fields for a button (`enregistrer` / `envoyer`), plus extra fields.
    pub fn champs(&self, action: &str, autres: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut v = self.entete.clone();
        for l in &self.lignes {
            for (nom, valeur) in CHAMPS_LIGNE.iter().zip(l) {
                v.push(((*nom).to_string(), valeur.clone()));
            }
        }
        // The two empty lines the portal always offers.
        for _ in 0..2 {
            for nom in CHAMPS_LIGNE {
                v.push((nom.to_string(), if nom == "ligne_taux_tva" { "20".into() } else { String::new() }));
            }
        }
        v.push(("action".into(), action.into()));
        v.extend(autres.iter().map(|(k, v)| ((*k).to_string(), (*v).to_string())));
        v
    }

    /// Every non-empty text typed, as (field, value).
    pub fn valeurs_tapees(&self) -> Vec<(String, String)> {
        self.entete
            .iter()
            .cloned()
            .chain(
                self.lignes
                    .iter()
                    .flat_map(|l| CHAMPS_LIGNE.iter().map(|c| c.to_string()).zip(l.iter().cloned())),
            )
            .filter(|(_, v)| !v.trim().is_empty())
            .collect()
    }

    /// Asserts that a re-rendered form shows back everything typed, escaped.
    #[track_caller]
    pub fn assert_reaffichee(&self, r: &Reponse) {
        for (champ, v) in self.valeurs_tapees() {
            let attendu = if champ == "commentaire" {
                format!(">{}</textarea>", echapper(&v))
            } else {
                format!(r#"value="{}""#, echapper(&v))
            };
            assert!(r.corps.contains(&attendu), "{champ}: « {attendu} » not shown back:\n{}", r.extrait());
        }
    }
}

pub fn ligne(reference: &str, designation: &str, quantite: &str, prix: &str, taux: &str) -> [String; 7] {
    [
        reference.into(),
        designation.into(),
        quantite.into(),
        "unité".into(),
        prix.into(),
        String::new(),
        taux.into(),
    ]
}

impl Stagiaire {
    /// « Enregistrer » : a draft; returns its id.
    pub async fn enregistrer(&mut self, saisie: &Saisie) -> String {
        self.post_form("/factures-emises/saisir", &saisie.champs("enregistrer", &[])).await.id_facture()
    }

    /// Plays the buyer of its own sandbox and gives `statut` (a Chorus Pro code) to the invoice.
    pub async fn traiter_en_acheteur(&mut self, id: &str, statut: &str, motif: &str) {
        self.get(&format!("/acheteur/factures/{id}")).await.assert_statut(StatusCode::OK);
        self.post_form(&format!("/acheteur/factures/{id}/traiter"), &[("statut", statut), ("motif", motif)])
            .await
            .assert_redirige(&format!("/acheteur/factures/{id}"));
    }

    /// « Valider et envoyer », confirmed: returns the id of the sent invoice.
    pub async fn envoyer(&mut self, saisie: &Saisie) -> String {
        self.post_form("/factures-emises/saisir", &saisie.champs("envoyer", &[("confirme", "oui")]))
            .await
            .id_facture()
    }

    /// « Valider et envoyer » refused by Chorus Pro's checks: a 422 with the form re-rendered,
    /// everything typed shown back, and the expected message.
    pub async fn envoi_refuse(&mut self, saisie: &Saisie, message: &str) -> Reponse {
        let r = self
            .post_form("/factures-emises/saisir", &saisie.champs("envoyer", &[("confirme", "oui")]))
            .await;
        r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contient("La facture ne peut pas être")
            .assert_contient(&echapper(message))
            .assert_contient(r#"<form class="saisie" method="post" action="/factures-emises/saisir""#);
        saisie.assert_reaffichee(&r);
        r
    }
}

impl Portail {
    /// The database behind the application (another connection pool on the same file).
    pub fn store(&self) -> chorus_store::Store {
        chorus_store::Store::ouvrir(self._dossier.path()).expect("reopen the database")
    }

    /// The id of the class trainee who joined `rang`-th (from 1).
    pub fn participant_id(&self, classe_id: &str, rang: u32) -> String {
        let participants = self.store().lire(|c| chorus_store::classe::participants(c, classe_id)).unwrap();
        participants.into_iter().find(|x| x.rang == rang).expect("participant").id
    }
}

/// A trainer logged in to the console, with their own password chosen.
pub struct Formateur {
    nav: Navigateur,
    pub email: String,
}

/// The password every test trainer chooses after the one-time one.
pub const MDP_FORMATEUR: &str = "Salle 12, CMA-48";

impl Formateur {
    pub async fn connecte(portail: &Portail, email: &str) -> Formateur {
        let horloge = chorus_store::Horloge::fixe(date_fixe());
        let (_, unique) = portail
            .store()
            .ecrire(|tx| chorus_store::formateur::creer(tx, email, &horloge))
            .expect("create the trainer");
        let mut nav = Navigateur::new(&portail.app);
        nav.get("/formateur/connexion").await.assert_statut(StatusCode::OK);
        nav.post_form("/formateur/connexion", &[("email", email), ("mot_de_passe", unique.as_str())])
            .await
            .assert_redirige("/formateur");
        nav.get("/formateur").await.assert_redirige("/formateur/mot-de-passe");
        nav.get("/formateur/mot-de-passe").await.assert_statut(StatusCode::OK);
        nav.post_form(
            "/formateur/mot-de-passe",
            &[("mot_de_passe", MDP_FORMATEUR), ("confirmation", MDP_FORMATEUR)],
        )
        .await
        .assert_redirige("/formateur");
        nav.get("/formateur").await.assert_statut(StatusCode::OK);
        Formateur { nav, email: email.to_string() }
    }

    /// Creates a one-day class with this starting point; its id and join code.
    pub async fn creer_classe(&mut self, depart: &str) -> (String, String) {
        let r = self
            .post_form(
                "/formateur/classes",
                &[
                    ("titre", "Déposer ses factures dématérialisées sur le portail Chorus Pro"),
                    ("date_debut", "2026-11-23"),
                    ("date_fin", ""),
                    ("demi_journees", "2"),
                    ("lieu", "CMA Lozère, Mende"),
                    ("organisme", "Chambre de métiers et de l'artisanat"),
                    ("depart", depart),
                ],
            )
            .await;
        let chemin = r.location().to_string();
        assert!(chemin.starts_with("/formateur/classes/"), "{chemin}");
        let page = self.get(&chemin).await;
        page.assert_statut(StatusCode::OK);
        let marque = "class=\"code-classe-grand\"";
        let debut = page.corps.find(marque).expect("the join code") + marque.len();
        let debut = debut + page.corps[debut..].find('>').expect("end of tag") + 1;
        let code = page.corps[debut..debut + 6].to_string();
        (chemin.trim_start_matches("/formateur/classes/").to_string(), code)
    }
}

impl Deref for Formateur {
    type Target = Navigateur;
    fn deref(&self) -> &Navigateur {
        &self.nav
    }
}

impl DerefMut for Formateur {
    fn deref_mut(&mut self) -> &mut Navigateur {
        &mut self.nav
    }
}

/// What a trainee noted when joining a class.
pub struct Arrivee {
    pub nav: Navigateur,
    pub identifiant: Option<String>,
    pub mot_de_passe: Option<String>,
    pub code_binome: String,
}

/// The text of the element with this id (`<code id="…">text</code>`).
pub fn texte_de(page: &str, id: &str) -> Option<String> {
    let marque = format!("id=\"{id}\"");
    let debut = page.find(&marque)? + marque.len();
    let debut = debut + page[debut..].find('>')? + 1;
    let fin = debut + page[debut..].find('<')?;
    Some(page[debut..fin].to_string())
}

/// A new browser joins the class with this name (and a colleague's binôme code).
pub async fn rejoindre(app: &Router, code: &str, nom: &str, binome: &str) -> Arrivee {
    let mut nav = Navigateur::new(app);
    nav.get(&format!("/rejoindre?code={code}")).await.assert_statut(StatusCode::OK).assert_contient(code);
    let r = nav.post_form("/rejoindre", &[("code", code), ("nom", nom), ("binome", binome)]).await;
    r.assert_statut(StatusCode::OK).assert_contient("Bienvenue dans la classe");
    Arrivee {
        identifiant: texte_de(&r.corps, "identifiant-classe"),
        mot_de_passe: texte_de(&r.corps, "mot-de-passe-classe"),
        code_binome: texte_de(&r.corps, "code-binome").expect("binôme code"),
        nav,
    }
}

/// A `multipart/form-data` body: text fields first (in order), then files, each in the field
/// `fichier`. Returns the content type (with its boundary) and the body.
pub fn corps_multipart(champs: &[(&str, &str)], fichiers: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let frontiere = "----simulateur-frontiere-7d1f3a";
    let mut corps = Vec::new();
    for (nom, valeur) in champs {
        corps.extend(
            format!("--{frontiere}\r\nContent-Disposition: form-data; name=\"{nom}\"\r\n\r\n{valeur}\r\n")
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
    (format!("multipart/form-data; boundary={frontiere}"), corps)
}

/// A downloaded file.
#[derive(Debug)]
pub struct Telechargement {
    pub statut: StatusCode,
    pub entetes: HeaderMap,
    pub octets: Vec<u8>,
}

impl Telechargement {
    pub fn entete(&self, nom: &str) -> &str {
        self.entetes.get(nom).and_then(|v| v.to_str().ok()).unwrap_or("")
    }
}

impl Navigateur {
    /// Sends files (field `fichier`) with the current CSRF token first, as the portal's forms do.
    pub async fn post_fichiers(&mut self, chemin: &str, fichiers: &[(&str, &[u8])]) -> Reponse {
        let csrf = self.csrf.clone().expect("no CSRF token yet: GET a page first");
        let (type_contenu, corps) = corps_multipart(&[("csrf", &csrf)], fichiers);
        self.post_brut(chemin, &type_contenu, corps).await
    }

    /// Sends files without any CSRF token.
    pub async fn post_fichiers_sans_csrf(&mut self, chemin: &str, fichiers: &[(&str, &[u8])]) -> Reponse {
        let (type_contenu, corps) = corps_multipart(&[], fichiers);
        self.post_brut(chemin, &type_contenu, corps).await
    }

    /// A GET whose body is a file, not a page (the cookie jar and CSRF token are unchanged).
    pub async fn telecharger(&mut self, chemin: &str) -> Telechargement {
        let mut requete = Request::builder().method(Method::GET).uri(chemin);
        if let Some(c) = &self.cookie {
            requete = requete.header(COOKIE, format!("{}={c}", chorus_web::COOKIE_SESSION));
        }
        let requete = requete.body(Body::empty()).expect("valid request");
        let reponse = self.app.clone().oneshot(requete).await.expect("the router never fails");
        let (parties, corps) = reponse.into_parts();
        let octets = corps.collect().await.expect("readable body").to_bytes().to_vec();
        Telechargement { statut: parties.status, entetes: parties.headers, octets }
    }
}

impl Formateur {
    /// Generates (or regenerates) the personal API token from the console home page.
    pub async fn jeton_api(&mut self) -> String {
        self.get("/formateur").await.assert_statut(StatusCode::OK).assert_contient("API de simulation");
        let r = self.post_form("/formateur/jeton-api", &[] as &[(&str, &str)]).await;
        r.assert_statut(StatusCode::OK).assert_contient("il ne sera plus affiché");
        assert_eq!(r.entetes.get("cache-control").and_then(|v| v.to_str().ok()), Some("no-store"));
        texte_de(&r.corps, "jeton-api-nouveau").expect("the new token is shown")
    }
}

/// A script calling the simulation API with a bearer token (or none).
#[derive(Clone)]
pub struct ClientApi {
    app: Router,
    pub jeton: Option<String>,
    /// The authorization scheme (`Bearer`).
    pub schema: &'static str,
}

/// What the API answered.
#[derive(Debug)]
pub struct ReponseApi {
    pub statut: StatusCode,
    pub entetes: HeaderMap,
    pub texte: String,
    /// The body as JSON (`null` if it is not JSON).
    pub json: serde_json::Value,
}

impl ReponseApi {
    #[track_caller]
    pub fn assert_statut(&self, attendu: StatusCode) -> &Self {
        assert_eq!(self.statut, attendu, "unexpected status; body:\n{}", self.texte);
        self
    }

    /// The French `libelle` of an error, with its `codeRetour` equal to the HTTP status.
    #[track_caller]
    pub fn assert_erreur(&self, attendu: StatusCode, extrait: &str) -> &Self {
        self.assert_statut(attendu);
        assert_eq!(self.json["codeRetour"], attendu.as_u16(), "{}", self.texte);
        let libelle = self.libelle();
        assert!(libelle.contains(extrait), "« {extrait} » missing from the libelle: {libelle}");
        for anglais in ["expected", "invalid type", "missing field", "EOF", "Failed to"] {
            assert!(!libelle.contains(anglais), "English text in the libelle: {libelle}");
        }
        self
    }

    /// The paths of the fields named by the `anomalies` of a refused invoice.
    pub fn champs_en_anomalie(&self) -> Vec<String> {
        let anomalies =
            self.json["anomalies"].as_array().unwrap_or_else(|| panic!("no anomalies in {}", self.texte));
        anomalies.iter().filter_map(|a| a["champ"].as_str().map(str::to_string)).collect()
    }

    pub fn libelle(&self) -> &str {
        self.json["libelle"].as_str().unwrap_or("")
    }

    /// A string field of the JSON body.
    #[track_caller]
    pub fn texte_de(&self, champ: &str) -> String {
        self.json[champ]
            .as_str()
            .unwrap_or_else(|| panic!("no string « {champ} » in {}", self.texte))
            .to_string()
    }
}

impl ClientApi {
    pub fn new(app: &Router, jeton: &str) -> ClientApi {
        ClientApi { app: app.clone(), jeton: Some(jeton.to_string()), schema: "Bearer" }
    }

    pub fn sans_jeton(app: &Router) -> ClientApi {
        ClientApi { app: app.clone(), jeton: None, schema: "Bearer" }
    }

    pub async fn get(&self, chemin: &str) -> ReponseApi {
        self.envoyer(Method::GET, chemin, None).await
    }

    pub async fn post(&self, chemin: &str, corps: serde_json::Value) -> ReponseApi {
        self.envoyer(Method::POST, chemin, Some(corps.to_string().into_bytes())).await
    }

    /// A POST with exactly these bytes (malformed JSON, empty body…).
    pub async fn post_brut(&self, chemin: &str, corps: &[u8]) -> ReponseApi {
        self.envoyer(Method::POST, chemin, Some(corps.to_vec())).await
    }

    pub async fn envoyer(&self, methode: Method, chemin: &str, corps: Option<Vec<u8>>) -> ReponseApi {
        let mut requete = Request::builder().method(methode).uri(chemin);
        if let Some(j) = &self.jeton {
            requete = requete.header("authorization", format!("{} {j}", self.schema));
        }
        if corps.is_some() {
            requete = requete.header(CONTENT_TYPE, "application/json");
        }
        let requete = requete.body(Body::from(corps.unwrap_or_default())).expect("valid request");
        let reponse = self.app.clone().oneshot(requete).await.expect("the router never fails");
        let (parties, corps) = reponse.into_parts();
        let octets = corps.collect().await.expect("readable body").to_bytes();
        let texte = String::from_utf8(octets.to_vec()).expect("UTF-8 body");
        let json = serde_json::from_str(&texte).unwrap_or(serde_json::Value::Null);
        ReponseApi { statut: parties.status, entetes: parties.headers, texte, json }
    }
}
