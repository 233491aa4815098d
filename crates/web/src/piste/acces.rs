//! L'accès à l'API comme PISTE le donne : un jeton OAuth obtenu avec les identifiants de
//! l'application du bac (`client_credentials`), puis, à chaque appel, ce jeton
//! (`Authorization: Bearer`) et le compte technique de la structure (`cpro-account`,
//! `base64(identifiant:mot de passe)`).

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use chorus_domain::compte_technique;
use chorus_store::{piste, raccordement};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::reponse::ErreurPiste;
use crate::etat::AppState;

/// `POST /api/oauth/token` : le jeton d'accès de l'application.
pub async fn jeton(State(etat): State<AppState>, corps: Bytes) -> Response {
    let champs = champs_du_formulaire(&corps);
    let champ = |nom: &str| champs.iter().find(|(n, _)| n == nom).map(|(_, v)| v.as_str()).unwrap_or("");
    if champ("grant_type") != "client_credentials" {
        return erreur_oauth("unsupported_grant_type");
    }
    let (client_id, secret) = (champ("client_id").to_string(), champ("client_secret").to_string());
    let bac = match etat.lire_par_cle(move |c, _| piste::authentifier(c, &client_id, &secret)) {
        Ok(Some(bac)) => bac,
        // Le même refus pour un identifiant inconnu et un mauvais secret, comme PISTE.
        Ok(None) => return erreur_oauth("invalid_client"),
        Err(e) => return super::reponse::ErreurPiste::from(e).into_response(),
    };
    let scope = match champ("scope") {
        "" => "openid".to_string(),
        s => s.to_string(),
    };
    match etat.ecrire(move |tx, h| piste::emettre_jeton(tx, &bac, h.maintenant())).await {
        Ok(jeton) => Json(json!({
            "access_token": jeton,
            "token_type": "Bearer",
            "expires_in": piste::DUREE_JETON_SECONDES,
            "scope": scope,
        }))
        .into_response(),
        Err(e) => ErreurPiste::from(e).into_response(),
    }
}

fn erreur_oauth(code: &str) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({ "error": code }))).into_response()
}

/// Les champs d'un corps `application/x-www-form-urlencoded`. Un client réel construit ce
/// corps en collant les valeurs sans les encoder : un `%` qui n'introduit pas un octet encodé
/// est gardé tel quel, et `+` reste `+` si le décodage échoue.
fn champs_du_formulaire(corps: &[u8]) -> Vec<(String, String)> {
    let texte = String::from_utf8_lossy(corps);
    texte
        .trim()
        .split('&')
        .filter(|paire| !paire.is_empty())
        .map(|paire| {
            let (nom, valeur) = paire.split_once('=').unwrap_or((paire, ""));
            (decoder(nom), decoder(valeur))
        })
        .collect()
}

fn decoder(s: &str) -> String {
    let octets = s.as_bytes();
    let mut sortie = Vec::with_capacity(octets.len());
    let mut i = 0;
    while i < octets.len() {
        match octets[i] {
            b'+' => sortie.push(b' '),
            b'%' => match octets.get(i + 1..i + 3) {
                Some(h) if h.iter().all(u8::is_ascii_hexdigit) => {
                    let texte = std::str::from_utf8(h).unwrap_or("00");
                    sortie.push(u8::from_str_radix(texte, 16).unwrap_or(0));
                    i += 3;
                    continue;
                }
                _ => sortie.push(b'%'),
            },
            b => sortie.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&sortie).into_owned()
}

/// Le bac d'un jeton valable, déjà lu pour cette requête (par le journal des appels).
#[derive(Clone)]
pub struct BacDuJeton(pub String);

/// L'appelant d'un service : le bac de son jeton, et la structure de son compte technique.
pub struct AppelPiste {
    pub bac_id: String,
    pub structure_id: String,
}

/// Les comptes techniques dont le mot de passe a déjà été vérifié : l'empreinte SHA-256 de
/// l'en-tête `cpro-account` reçu, et l'empreinte Argon2 contre laquelle il a été vérifié. Un
/// mot de passe changé change l'empreinte Argon2 en base : la vérification est refaite.
#[derive(Default)]
pub struct ComptesVerifies {
    verifies: Mutex<HashMap<[u8; 32], String>>,
}

/// Au-delà, la mémoire des vérifications repart de zéro (une salle en a quelques dizaines).
const VERIFIES_MAX: usize = 4096;

impl ComptesVerifies {
    fn connu(&self, cle: &[u8; 32], empreinte: &str) -> bool {
        self.verifies.lock().unwrap_or_else(PoisonError::into_inner).get(cle).is_some_and(|e| e == empreinte)
    }

    fn retenir(&self, cle: [u8; 32], empreinte: String) {
        let mut verifies = self.verifies.lock().unwrap_or_else(PoisonError::into_inner);
        if verifies.len() >= VERIFIES_MAX {
            verifies.clear();
        }
        verifies.insert(cle, empreinte);
    }
}

/// Un jeton absent, inconnu ou expiré (choix du simulateur : la réponse de RFC 6750, celle
/// d'une passerelle OAuth ; le corps exact de PISTE n'est pas documenté).
fn jeton_refuse(description: &str) -> Response {
    let mut r = (
        StatusCode::UNAUTHORIZED,
        Json(json!({ "error": "invalid_token", "error_description": description })),
    )
        .into_response();
    r.headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer error=\"invalid_token\""));
    r
}

impl FromRequestParts<AppState> for AppelPiste {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, etat: &AppState) -> Result<Self, Response> {
        let Some(jeton) = crate::api::client::jeton_bearer(&parts.headers) else {
            return Err(jeton_refuse(
                "En-tête « Authorization: Bearer <jeton> » absent : demandez un jeton à /api/oauth/token.",
            ));
        };
        // Le journal des appels a déjà lu le bac du jeton : il le laisse dans la requête.
        let bac = match parts.extensions.get::<BacDuJeton>() {
            Some(BacDuJeton(bac)) => Some(bac.clone()),
            None => etat
                .lire_par_cle(move |c, h| piste::bac_du_jeton(c, &jeton, h.maintenant()))
                .map_err(|e| ErreurPiste::from(e).into_response())?,
        };
        let Some(bac_id) = bac else {
            return Err(jeton_refuse("Jeton inconnu ou expiré (une heure) : demandez-en un nouveau."));
        };
        let compte = parts.headers.get("cpro-account").and_then(|v| v.to_str().ok()).unwrap_or("").trim();
        let refus = |m: &str| ErreurPiste::non_autorise(m).into_response();
        if compte.is_empty() {
            return Err(refus(
                "En-tête « cpro-account » absent : il porte base64(identifiant:mot de passe) du compte technique \
                 de la structure (page « Compte technique » du portail).",
            ));
        }
        let decode = base64::engine::general_purpose::STANDARD
            .decode(compte)
            .ok()
            .and_then(|o| String::from_utf8(o).ok());
        let Some((identifiant, mot_de_passe)) =
            decode.as_deref().and_then(|t| t.split_once(':')).map(|(i, m)| (i.to_string(), m.to_string()))
        else {
            return Err(refus(
                "En-tête « cpro-account » illisible : attendu base64(identifiant:mot de passe).",
            ));
        };
        let cle: [u8; 32] = Sha256::digest(compte.as_bytes()).into();
        let trouve = etat
            .lire_par_cle(move |c, _| raccordement::compte_technique_par_identifiant(c, &identifiant))
            .map_err(|e| ErreurPiste::from(e).into_response())?;
        let mauvais = "Compte technique inconnu, mot de passe faux ou expiré.";
        let Some(trouve) = trouve else {
            let _ =
                tokio::task::spawn_blocking(move || raccordement::verifier_un_leurre(&mot_de_passe)).await;
            return Err(refus(mauvais));
        };
        if !etat.comptes_techniques.connu(&cle, &trouve.empreinte) {
            let empreinte = trouve.empreinte.clone();
            let correct = tokio::task::spawn_blocking(move || {
                raccordement::mot_de_passe_correct(&mot_de_passe, &empreinte)
            })
            .await
            .unwrap_or(false);
            if !correct {
                return Err(refus(mauvais));
            }
            etat.comptes_techniques.retenir(cle, trouve.empreinte.clone());
        }
        let bac_du_compte = trouve.bac_id.clone();
        let aujourd_hui = etat
            .lire_par_cle(move |c, h| Ok(chorus_store::bac::bac(c, &bac_du_compte)?.date_simulee(h)))
            .map_err(|e| ErreurPiste::from(e).into_response())?;
        if compte_technique::etat(trouve.change_le, aujourd_hui).est_expire() {
            return Err(refus(mauvais));
        }
        // Le jeton et le compte technique doivent venir du même bac à sable.
        if trouve.bac_id != bac_id {
            return Err(refus(
                "Le compte technique n'appartient pas au bac à sable de l'application qui a obtenu le jeton.",
            ));
        }
        Ok(AppelPiste { bac_id, structure_id: trouve.structure_id })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn un_corps_non_encode_est_lu_comme_il_a_ete_ecrit() {
        let champs = champs_du_formulaire(
            b"grant_type=client_credentials&client_id=a-b&client_secret=x%y&scope=openid",
        );
        assert_eq!(champs[2], ("client_secret".into(), "x%y".into()));
        let encode = champs_du_formulaire(b"client_secret=a%2Bb+c");
        assert_eq!(encode[0].1, "a+b c");
    }
}
