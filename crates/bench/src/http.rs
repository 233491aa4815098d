//! A minimal browser-like HTTP client: keep-alive connection, session cookie and CSRF token.
//!
//! Written by hand on top of hyper-util rather than with a full HTTP client crate: the
//! benchmark must measure the server, not a client's redirect or cookie-jar machinery,
//! and the portal only needs one cookie and one hidden form field.

use std::collections::BTreeMap;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use hyper::{HeaderMap, Method, Request, StatusCode};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

/// No single request of the simulator should take this long; past it the run is broken.
pub const DELAI_REQUETE: Duration = Duration::from_secs(30);

pub type ClientHttp = Client<HttpConnector, Full<Bytes>>;

/// A client that keeps one idle connection: each task sends its requests one after the
/// other, so one connection per task is exactly what a browser tab would hold.
pub fn nouveau_client() -> ClientHttp {
    Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(1)
        .pool_idle_timeout(Duration::from_secs(90))
        .build_http()
}

/// A fully read response: status, headers and body as text (pages are UTF-8 HTML).
pub struct Reponse {
    pub statut: StatusCode,
    pub entetes: HeaderMap,
    pub corps: String,
}

impl Reponse {
    pub fn location(&self) -> Option<&str> {
        self.entetes.get(LOCATION).and_then(|v| v.to_str().ok())
    }

    /// The first characters of the body, to put in an error message.
    pub fn extrait(&self) -> String {
        extrait(&self.corps)
    }
}

pub fn extrait(texte: &str) -> String {
    const MAX: usize = 400;
    let court: String = texte.chars().take(MAX).collect();
    let court = court.split_whitespace().collect::<Vec<_>>().join(" ");
    if texte.chars().count() > MAX { format!("{court} …") } else { court }
}

/// A logged-in (or not yet logged-in) user of the portal.
pub struct Session {
    client: ClientHttp,
    base: String,
    cookies: BTreeMap<String, String>,
    csrf: Option<String>,
}

impl Session {
    /// `base` is the server URL, with or without its trailing slash.
    pub fn new(base: &str) -> Self {
        Session {
            client: nouveau_client(),
            base: base.trim_end_matches('/').to_string(),
            cookies: BTreeMap::new(),
            csrf: None,
        }
    }

    pub fn url(&self, chemin: &str) -> String {
        format!("{}{}", self.base, chemin)
    }

    /// The `Cookie:` header value a browser would send, for the load tasks to share.
    pub fn entete_cookie(&self) -> Option<String> {
        if self.cookies.is_empty() {
            return None;
        }
        let paires: Vec<String> = self.cookies.iter().map(|(n, v)| format!("{n}={v}")).collect();
        Some(paires.join("; "))
    }

    pub fn csrf(&self) -> Result<&str, String> {
        self.csrf
            .as_deref()
            .ok_or_else(|| "aucun jeton CSRF lu : charger une page avant de poster".to_string())
    }

    pub async fn get(&mut self, chemin: &str) -> Result<Reponse, String> {
        let requete = self.requete(Method::GET, chemin).body(Full::new(Bytes::new()));
        self.envoyer(requete.map_err(|e| e.to_string())?).await
    }

    /// Posts an urlencoded form; the CSRF field is added here so callers cannot forget it.
    pub async fn post(&mut self, chemin: &str, champs: &[(&str, &str)]) -> Result<Reponse, String> {
        let csrf = self.csrf()?.to_string();
        let mut tous = vec![("csrf", csrf.as_str())];
        tous.extend_from_slice(champs);
        let corps = encoder_formulaire(&tous);
        let requete = self
            .requete(Method::POST, chemin)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Full::new(Bytes::from(corps)));
        self.envoyer(requete.map_err(|e| e.to_string())?).await
    }

    /// Posts a `multipart/form-data` form with one PDF in the field `fichier`, the CSRF token
    /// first, as the portal's file forms do.
    pub async fn post_fichier(
        &mut self,
        chemin: &str,
        champs: &[(&str, &str)],
        (nom, contenu): (&str, &[u8]),
    ) -> Result<Reponse, String> {
        let frontiere = "----chorus-bench-frontiere";
        let csrf = self.csrf()?.to_string();
        let mut corps = Vec::new();
        for (n, v) in [("csrf", csrf.as_str())].iter().chain(champs) {
            corps.extend(
                format!("--{frontiere}\r\nContent-Disposition: form-data; name=\"{n}\"\r\n\r\n{v}\r\n")
                    .bytes(),
            );
        }
        corps.extend(
            format!(
                "--{frontiere}\r\nContent-Disposition: form-data; name=\"fichier\"; filename=\"{nom}\"\r\n\
                 Content-Type: application/pdf\r\n\r\n"
            )
            .bytes(),
        );
        corps.extend_from_slice(contenu);
        corps.extend(format!("\r\n--{frontiere}--\r\n").bytes());
        let requete = self
            .requete(Method::POST, chemin)
            .header(CONTENT_TYPE, format!("multipart/form-data; boundary={frontiere}"))
            .body(Full::new(Bytes::from(corps)));
        self.envoyer(requete.map_err(|e| e.to_string())?).await
    }

    /// Logs in and loads the home page, whose CSRF token belongs to the new session.
    pub async fn connecter(&mut self, identifiant: &str, mot_de_passe: &str) -> Result<(), String> {
        self.get("/connexion").await?;
        let r =
            self.post("/connexion", &[("identifiant", identifiant), ("mot_de_passe", mot_de_passe)]).await?;
        if r.statut != StatusCode::SEE_OTHER {
            return Err(format!("connexion de {identifiant} refusée : {} {}", r.statut, r.extrait()));
        }
        let accueil = self.get("/").await?;
        if accueil.statut != StatusCode::OK {
            return Err(format!("accueil après connexion : {} {}", accueil.statut, accueil.extrait()));
        }
        Ok(())
    }

    fn requete(&self, methode: Method, chemin: &str) -> hyper::http::request::Builder {
        let mut requete = Request::builder().method(methode).uri(self.url(chemin));
        if let Some(cookie) = self.entete_cookie() {
            requete = requete.header(COOKIE, cookie);
        }
        requete
    }

    async fn envoyer(&mut self, requete: Request<Full<Bytes>>) -> Result<Reponse, String> {
        let chemin = requete.uri().path().to_string();
        let reponse = lire(&self.client, requete).await.map_err(|e| format!("{chemin} : {e}"))?;
        self.retenir_cookies(&reponse.entetes);
        if let Some(jeton) = jeton_csrf(&reponse.corps) {
            self.csrf = Some(jeton);
        }
        Ok(reponse)
    }

    /// Keeps the latest value of each cookie: the session id may change at login.
    fn retenir_cookies(&mut self, entetes: &HeaderMap) {
        for valeur in entetes.get_all(SET_COOKIE) {
            let Ok(texte) = valeur.to_str() else { continue };
            let paire = texte.split(';').next().unwrap_or("");
            let Some((nom, valeur)) = paire.split_once('=') else {
                continue;
            };
            let efface = valeur.is_empty() || texte.to_ascii_lowercase().contains("max-age=0");
            if efface {
                self.cookies.remove(nom.trim());
            } else {
                self.cookies.insert(nom.trim().to_string(), valeur.trim().to_string());
            }
        }
    }
}

/// Sends one request and reads the whole body, within [`DELAI_REQUETE`].
pub async fn lire(client: &ClientHttp, requete: Request<Full<Bytes>>) -> Result<Reponse, String> {
    let echange = async {
        let reponse = client.request(requete).await.map_err(|e| format!("{e:?}"))?;
        let (parties, corps) = reponse.into_parts();
        let octets = corps.collect().await.map_err(|e| e.to_string())?.to_bytes();
        Ok(Reponse {
            statut: parties.status,
            entetes: parties.headers,
            corps: String::from_utf8_lossy(&octets).into_owned(),
        })
    };
    tokio::time::timeout(DELAI_REQUETE, echange)
        .await
        .map_err(|_| format!("pas de réponse en {} s", DELAI_REQUETE.as_secs()))?
}

/// Sends `requete` and reads the answer's body frame by frame without keeping it, as a load
/// generator should (the client shares the machine's cores with the server it measures): the
/// status, and the body as text only when it is not 200.
pub async fn lire_sans_garder(client: &ClientHttp, requete: Request<Full<Bytes>>) -> Result<Reponse, String> {
    let echange = async {
        let reponse = client.request(requete).await.map_err(|e| format!("{e:?}"))?;
        let (parties, mut corps) = reponse.into_parts();
        if parties.status != StatusCode::OK {
            let octets = corps.collect().await.map_err(|e| e.to_string())?.to_bytes();
            let corps = String::from_utf8_lossy(&octets).into_owned();
            return Ok(Reponse { statut: parties.status, entetes: parties.headers, corps });
        }
        while let Some(trame) = corps.frame().await {
            trame.map_err(|e| e.to_string())?;
        }
        Ok(Reponse { statut: parties.status, entetes: parties.headers, corps: String::new() })
    };
    tokio::time::timeout(DELAI_REQUETE, echange)
        .await
        .map_err(|_| format!("pas de réponse en {} s", DELAI_REQUETE.as_secs()))?
}

/// Reads `<meta name="csrf" content="…">`, whatever the attribute order.
pub fn jeton_csrf(html: &str) -> Option<String> {
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

/// `application/x-www-form-urlencoded`, as a browser encodes it (UTF-8, space as `+`).
pub fn encoder_formulaire(champs: &[(&str, &str)]) -> String {
    let paires: Vec<String> =
        champs.iter().map(|(nom, valeur)| format!("{}={}", encoder(nom), encoder(valeur))).collect();
    paires.join("&")
}

fn encoder(texte: &str) -> String {
    let mut sortie = String::with_capacity(texte.len());
    for octet in texte.bytes() {
        match octet {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => sortie.push(octet as char),
            b' ' => sortie.push('+'),
            _ => sortie.push_str(&format!("%{octet:02X}")),
        }
    }
    sortie
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lit_le_jeton_csrf_quel_que_soit_l_ordre_des_attributs() {
        let html = r#"<head><meta charset="utf-8"><meta content="abc&amp;1" name="csrf"></head>"#;
        assert_eq!(jeton_csrf(html).as_deref(), Some("abc&1"));
        let html = r#"<meta name="csrf" content="XYZ">"#;
        assert_eq!(jeton_csrf(html).as_deref(), Some("XYZ"));
        assert_eq!(jeton_csrf("<meta name=\"viewport\" content=\"w\">"), None);
    }

    #[test]
    fn encode_comme_un_navigateur() {
        assert_eq!(
            encoder_formulaire(&[("identifiant", "formation1@exemple.fr"), ("q", "a b é")]),
            "identifiant=formation1%40exemple.fr&q=a+b+%C3%A9"
        );
    }
}
