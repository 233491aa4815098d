//! The trainer's side of a virtual class, through the console's real routes: log in, create
//! a class, let N trainees join with its code, then time the reset of one trainee and of the
//! whole class, or load the live follow-up (page and event stream) while the trainees submit
//! invoices.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::COOKIE;
use hyper::{Request, StatusCode};

use crate::amorcage::{date_facture, envoyer_facture};
use crate::charge::{self, Mesure};
use crate::http::{self, Session};

/// The password the benchmark's trainer chooses after the one-time one.
const MOT_DE_PASSE: &str = "Classe virtuelle, salle 12";

pub struct Classe {
    pub formateur: Session,
    pub id: String,
    pub stagiaires: Vec<Session>,
    /// The trainees' ids, in the order they joined.
    pub participants: Vec<String>,
}

/// Logs the trainer in, choosing a new password if the console asks for it.
pub async fn connecter(url: &str, email: &str, mot_de_passe: &str) -> Result<Session, String> {
    let mut f = Session::new(url);
    f.get("/formateur/connexion").await?;
    let r = f.post("/formateur/connexion", &[("email", email), ("mot_de_passe", mot_de_passe)]).await?;
    if r.statut != StatusCode::SEE_OTHER {
        return Err(format!("connexion du formateur {email} : {} {}", r.statut, r.extrait()));
    }
    if f.get("/formateur").await?.location() == Some("/formateur/mot-de-passe") {
        f.get("/formateur/mot-de-passe").await?;
        let r = f
            .post(
                "/formateur/mot-de-passe",
                &[("mot_de_passe", MOT_DE_PASSE), ("confirmation", MOT_DE_PASSE)],
            )
            .await?;
        if r.statut != StatusCode::SEE_OTHER {
            return Err(format!("nouveau mot de passe du formateur : {} {}", r.statut, r.extrait()));
        }
    }
    f.get("/formateur").await?;
    Ok(f)
}

/// A one-day free-practice class that `stagiaires` trainees join, each in their own browser.
pub async fn preparer(url: &str, mut formateur: Session, stagiaires: usize) -> Result<Classe, String> {
    let r = formateur
        .post(
            "/formateur/classes",
            &[
                ("titre", "Classe virtuelle"),
                ("date_debut", &date_facture()),
                ("date_fin", ""),
                ("demi_journees", "2"),
                ("lieu", ""),
                ("organisme", ""),
                ("depart", "pratique_libre"),
            ],
        )
        .await?;
    let chemin = r.location().unwrap_or_default().to_string();
    let Some(id) = chemin.strip_prefix("/formateur/classes/").map(str::to_string) else {
        return Err(format!("création de la classe : {} {}", r.statut, r.extrait()));
    };
    let page = formateur.get(&chemin).await?;
    let code = apres(&page.corps, "class=\"code-classe-grand\"", 6).ok_or("code de la classe introuvable")?;
    let mut sessions = Vec::with_capacity(stagiaires);
    for rang in 1..=stagiaires {
        let mut s = Session::new(url);
        s.get(&format!("/rejoindre?code={code}")).await?;
        let nom = format!("Stagiaire {rang}");
        let r = s.post("/rejoindre", &[("code", &code), ("nom", &nom), ("binome", "")]).await?;
        if r.statut != StatusCode::OK {
            return Err(format!("{nom} rejoint la classe : {} {}", r.statut, r.extrait()));
        }
        s.get("/factures-emises/saisir").await?;
        sessions.push(s);
    }
    let page = formateur.get(&chemin).await?;
    let mut participants: Vec<String> = Vec::new();
    for morceau in page.corps.split("name=\"participant\" value=\"").skip(1) {
        let p = morceau[..morceau.find('"').unwrap_or(0)].to_string();
        if !participants.contains(&p) {
            participants.push(p);
        }
    }
    if participants.len() != stagiaires {
        return Err(format!(
            "{} stagiaires sur la page de la classe, {stagiaires} attendus",
            participants.len()
        ));
    }
    Ok(Classe { formateur, id, stagiaires: sessions, participants })
}

/// The `n` characters after the end of the tag that carries `marque`.
fn apres(page: &str, marque: &str, n: usize) -> Option<String> {
    let debut = page.find(marque)?;
    let debut = debut + page[debut..].find('>')? + 1;
    Some(page[debut..].chars().take(n).collect())
}

/// A reset as the trainer sees it: the HTTP round trip (the class page comes back with it),
/// and the time the server itself reports for the reset.
pub struct Reinitialisations {
    pub http: Mesure,
    pub serveur: Vec<Duration>,
}

/// Gives each of these trainees `factures` invoices (so that a reset has work to undo).
pub async fn remplir(classe: &mut Classe, qui: &[usize], factures: usize, tour: usize) -> Result<(), String> {
    let date = date_facture();
    for &i in qui {
        for k in 1..=factures {
            envoyer_facture(&mut classe.stagiaires[i], &format!("R{tour}-{i}-{k}"), &date).await?;
        }
    }
    Ok(())
}

/// `repetitions` resets of the first trainee (`seul`) or of the whole class, each after
/// giving the sandboxes concerned `factures` invoices again.
pub async fn reinitialiser(
    classe: &mut Classe,
    seul: bool,
    repetitions: usize,
    factures: usize,
) -> Result<Reinitialisations, String> {
    let qui: Vec<usize> = if seul { vec![0] } else { (0..classe.stagiaires.len()).collect() };
    let chemin = format!("/formateur/classes/{}/reinitialiser", classe.id);
    let participant = classe.participants[0].clone();
    let (mut latences, mut serveur, mut erreurs, mut premiere_erreur) = (Vec::new(), Vec::new(), 0, None);
    let debut = Instant::now();
    for tour in 0..repetitions {
        remplir(classe, &qui, factures, tour + if seul { 0 } else { repetitions }).await?;
        let champs: Vec<(&str, &str)> = if seul { vec![("participant", &participant)] } else { vec![] };
        let t = Instant::now();
        let r = classe.formateur.post(&chemin, &champs).await?;
        let ecoule = t.elapsed();
        match duree_annoncee(&r.corps) {
            Some(d) if r.statut == StatusCode::OK => {
                latences.push(ecoule);
                serveur.push(d);
            }
            _ => {
                erreurs += 1;
                premiere_erreur.get_or_insert(format!("{chemin} : {} {}", r.statut, r.extrait()));
            }
        }
    }
    serveur.sort_unstable();
    Ok(Reinitialisations {
        http: Mesure::nouvelle(latences, erreurs, premiere_erreur, debut.elapsed()),
        serveur,
    })
}

/// « N bac(s) à sable remis au point de départ en 12 ms. » → 12 ms.
fn duree_annoncee(page: &str) -> Option<Duration> {
    let debut = page.find("remis au point de départ en ")? + "remis au point de départ en ".len();
    let ms: u64 = page[debut..].split(' ').next()?.parse().ok()?;
    Some(Duration::from_millis(ms))
}

/// What the live follow-up looked like while the class worked.
pub struct Suivi {
    pub page: Mesure,
    pub saisies: Mesure,
    /// For each event of the stream: time since the first submission it was the first to show.
    pub fraicheur: Mesure,
}

/// The trainees submit invoices back to back for `duree`, while `tableaux` clients reload
/// the follow-up page and one browser listens to its event stream.
pub async fn suivre(classe: Classe, tableaux: usize, duree: Duration) -> Result<Suivi, String> {
    let cookie = classe.formateur.entete_cookie().ok_or("pas de cookie pour le formateur")?;
    let page = classe.formateur.url(&format!("/formateur/classes/{}/suivi", classe.id));
    let flux = classe.formateur.url(&format!("/formateur/classes/{}/evenements", classe.id));
    let en_attente: Arc<Mutex<Option<Instant>>> = Arc::default();
    let fin = Instant::now() + duree;

    let ecoute = tokio::spawn(ecouter(flux, cookie.clone(), en_attente.clone(), fin));
    let saisies: Vec<_> = classe
        .stagiaires
        .into_iter()
        .enumerate()
        .map(|(i, s)| tokio::spawn(saisir_en_boucle(s, i, en_attente.clone(), fin)))
        .collect();
    let debut = Instant::now();
    let m_page = charge::mesurer(&page, Some(&cookie), tableaux, duree).await;

    let (mut latences, mut erreurs, mut premiere_erreur) = (Vec::new(), 0, None);
    for tache in saisies {
        let (l, e, p) = tache.await.map_err(|e| e.to_string())?;
        latences.extend(l);
        erreurs += e;
        if premiere_erreur.is_none() {
            premiere_erreur = p;
        }
    }
    let m_saisies = Mesure::nouvelle(latences, erreurs, premiere_erreur, debut.elapsed());
    let fraicheur = ecoute.await.map_err(|e| e.to_string())??;
    Ok(Suivi { page: m_page, saisies: m_saisies, fraicheur })
}

type Resultats = (Vec<Duration>, usize, Option<String>);

async fn saisir_en_boucle(
    mut s: Session,
    rang: usize,
    en_attente: Arc<Mutex<Option<Instant>>>,
    fin: Instant,
) -> Resultats {
    let date = date_facture();
    let (mut latences, mut erreurs, mut premiere) = (Vec::new(), 0, None);
    let mut n = 0;
    while Instant::now() < fin {
        n += 1;
        let t = Instant::now();
        match envoyer_facture(&mut s, &format!("S{rang}-{n}"), &date).await {
            Ok(()) => {
                latences.push(t.elapsed());
                en_attente.lock().expect("verrou").get_or_insert_with(Instant::now);
            }
            Err(e) => {
                erreurs += 1;
                premiere.get_or_insert(e);
            }
        }
    }
    (latences, erreurs, premiere)
}

/// Reads the event stream until `fin`; each `grille` event clears the oldest submission it
/// reflects, and records how long that submission waited to appear on the trainer's screen.
async fn ecouter(
    url: String,
    cookie: String,
    en_attente: Arc<Mutex<Option<Instant>>>,
    fin: Instant,
) -> Result<Mesure, String> {
    let client = http::nouveau_client();
    let requete =
        Request::get(&url).header(COOKIE, cookie).body(Full::new(Bytes::new())).map_err(|e| e.to_string())?;
    let reponse = client.request(requete).await.map_err(|e| format!("{url} : {e}"))?;
    if reponse.status() != StatusCode::OK {
        return Err(format!("{url} : {}", reponse.status()));
    }
    let mut corps = reponse.into_body();
    let debut = Instant::now();
    let mut latences = Vec::new();
    while let Ok(Some(trame)) = tokio::time::timeout_at(fin.into(), corps.frame()).await {
        let Ok(trame) = trame else { break };
        let Some(donnees) = trame.data_ref() else { continue };
        if !String::from_utf8_lossy(donnees).contains("event: grille") {
            continue;
        }
        if let Some(depuis) = en_attente.lock().expect("verrou").take() {
            latences.push(depuis.elapsed());
        }
    }
    Ok(Mesure::nouvelle(latences, 0, None, debut.elapsed()))
}
