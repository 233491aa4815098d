//! `--mode piste` : un connecteur d'ERP qui pousse des factures par l'API Chorus Pro
//! (`factures/v1/soumettre`), `--clients` appels simultanés avec le jeton et le compte technique
//! du bac de démonstration formation1 (identifiants fixes, `docs/api-chorus-pro.md`), mesuré
//! dans la même exécution que `/healthz`.

use std::time::{Duration, Instant};

use base64::Engine;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{AUTHORIZATION, CONTENT_TYPE};
use hyper::{Request, StatusCode};

use crate::charge::{self, Mesure};
use crate::http;

const CLIENT_ID: &str = "demo-formation1";
const CLIENT_SECRET: &str = "demo-secret-formation1";
const COMPTE: &str = "TECH_92391234900068@cpro.exemple:Raccordement-API-2026";
/// COMMUNE DE VALCOMBE : ni code service ni engagement obligatoires.
const DESTINATAIRE: &str = "21852884200097";

pub struct Piste {
    pub sante: Mesure,
    pub soumettre: Mesure,
}

async fn jeton(url: &str, client_id: &str, client_secret: &str) -> Result<String, String> {
    let corps = format!(
        "grant_type=client_credentials&client_id={client_id}&client_secret={client_secret}&scope=openid"
    );
    let requete = Request::post(format!("{url}api/oauth/token"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Full::new(Bytes::from(corps)))
        .map_err(|e| e.to_string())?;
    let r = http::lire(&http::nouveau_client(), requete).await?;
    let v: serde_json::Value =
        serde_json::from_str(&r.corps).map_err(|e| format!("jeton : {e} ; {}", r.corps))?;
    v["access_token"].as_str().map(str::to_string).ok_or_else(|| format!("pas de jeton : {}", r.corps))
}

fn facture(numero: &str) -> String {
    serde_json::json!({
        "modeDepot": "SAISIE_API",
        "numeroFactureSaisi": numero,
        "dateFacture": chrono::Local::now().date_naive().format("%Y-%m-%d").to_string(),
        "destinataire": { "codeDestinataire": DESTINATAIRE },
        "cadreDeFacturation": { "codeCadreFacturation": "A1_FACTURE_FOURNISSEUR" },
        "references": { "deviseFacture": "EUR", "typeFacture": "FACTURE", "typeTva": "TVA_SUR_DEBIT", "modePaiement": "VIREMENT" },
        "lignePoste": [{ "lignePosteNumero": 1, "lignePosteReference": "R-1", "lignePosteDenomination": "Prestation",
            "lignePosteQuantite": 1, "lignePosteUnite": "jour", "lignePosteMontantUnitaireHT": 1000, "lignePosteTauxTvaManuel": 20 }],
    })
    .to_string()
}

pub async fn mesurer(url: &str, clients: usize, duree: Duration) -> Result<Piste, String> {
    let url = if url.ends_with('/') { url.to_string() } else { format!("{url}/") };
    let jeton = jeton(&url, CLIENT_ID, CLIENT_SECRET).await?;
    let compte = base64::engine::general_purpose::STANDARD.encode(COMPTE);
    let sante = charge::mesurer(&format!("{url}healthz"), None, clients, duree).await;
    let soumettre =
        en_boucle(format!("{url}cpro/factures/v1/soumettre"), jeton, compte, clients, duree, |rang, n| {
            facture(&format!("ERP-{rang}-{n}"))
        })
        .await?;
    Ok(Piste { sante, soumettre })
}

/// Un service de l'API appelé en boucle par `clients` connecteurs avec le même corps (une
/// lecture : `rechercher/fournisseur`…), avec les identifiants PISTE et le compte technique
/// donnés (`login:mot de passe`).
pub async fn mesurer_appel(
    url: &str,
    (client_id, client_secret, compte): (&str, &str, &str),
    service: &str,
    corps: &str,
    clients: usize,
    duree: Duration,
) -> Result<Mesure, String> {
    let url = if url.ends_with('/') { url.to_string() } else { format!("{url}/") };
    let jeton = jeton(&url, client_id, client_secret).await?;
    let compte = base64::engine::general_purpose::STANDARD.encode(compte);
    let corps = corps.to_string();
    en_boucle(format!("{url}cpro/{service}"), jeton, compte, clients, duree, move |_, _| corps.clone()).await
}

/// `clients` connecteurs qui appellent `adresse` sans pause jusqu'à la fin de `duree`, avec le
/// jeton et le compte technique donnés ; `corps(client, n)` donne le corps du n-ième appel.
async fn en_boucle(
    adresse: String,
    jeton: String,
    compte: String,
    clients: usize,
    duree: Duration,
    corps: impl Fn(usize, usize) -> String + Clone + Send + 'static,
) -> Result<Mesure, String> {
    let fin = Instant::now() + duree;
    let debut = Instant::now();
    let taches: Vec<_> = (0..clients)
        .map(|rang| {
            let (adresse, jeton, compte, corps) =
                (adresse.clone(), jeton.clone(), compte.clone(), corps.clone());
            tokio::spawn(async move {
                let client = http::nouveau_client();
                let (mut latences, mut erreurs, mut premiere) = (Vec::new(), 0, None);
                let mut n = 0;
                while Instant::now() < fin {
                    n += 1;
                    let t = Instant::now();
                    let requete = Request::post(&adresse)
                        .header(AUTHORIZATION, format!("Bearer {jeton}"))
                        .header("cpro-account", &compte)
                        .header(CONTENT_TYPE, "application/json;charset=utf-8")
                        .body(Full::new(Bytes::from(corps(rang, n))))
                        .expect("requête");
                    match client.request(requete).await {
                        Ok(r) if r.status() == StatusCode::OK => {
                            let _ = r.into_body().collect().await;
                            latences.push(t.elapsed());
                        }
                        Ok(r) => {
                            erreurs += 1;
                            let statut = r.status();
                            let corps =
                                r.into_body().collect().await.map(|c| c.to_bytes()).unwrap_or_default();
                            premiere.get_or_insert(format!("{statut} {}", String::from_utf8_lossy(&corps)));
                        }
                        Err(e) => {
                            erreurs += 1;
                            premiere.get_or_insert(e.to_string());
                        }
                    }
                }
                (latences, erreurs, premiere)
            })
        })
        .collect();
    let (mut latences, mut erreurs, mut premiere) = (Vec::new(), 0, None);
    for t in taches {
        let (l, e, p) = t.await.map_err(|e| e.to_string())?;
        latences.extend(l);
        erreurs += e;
        if premiere.is_none() {
            premiere = p;
        }
    }
    Ok(Mesure::nouvelle(latences, erreurs, premiere, debut.elapsed()))
}
