//! Le journal des appels : chaque appel d'un connecteur authentifié (jeton valide) est noté au
//! journal de son bac — service, statut, `codeRetour`, durée, corps envoyé et reçu — pour qu'un
//! stagiaire voie pourquoi son connecteur échoue. Les contenus de fichiers (`fichierFlux`…)
//! sont remplacés par leur taille, et les corps sont tronqués.

use std::time::Instant;

use axum::body::{Body, to_bytes};
use axum::extract::{OriginalUri, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chorus_store::piste::{self, Appel};
use serde_json::Value;

use super::reponse::ErreurPiste;
use crate::etat::AppState;

/// La taille gardée d'un corps au journal.
const GARDE: usize = 8 * 1024;

/// Les champs dont le contenu (un fichier en base64) n'est pas recopié au journal.
const FICHIERS: [&str; 3] = ["fichierFlux", "pieceJointeFichier", "fichierResultat"];

pub async fn noter(State(etat): State<AppState>, requete: Request, suite: Next) -> Response {
    let debut = Instant::now();
    let Some(jeton) = crate::api::client::jeton_bearer(requete.headers()) else {
        return suite.run(requete).await;
    };
    let bac = etat.lire_par_cle(move |c, h| piste::bac_du_jeton(c, &jeton, h.maintenant())).ok().flatten();
    // Sans jeton valable, l'appel n'appartient à aucun bac : rien à noter.
    let Some(bac) = bac else { return suite.run(requete).await };
    let mut requete = requete;
    requete.extensions_mut().insert(super::acces::BacDuJeton(bac.clone()));
    // Sous le routeur imbriqué, l'adresse a perdu son préfixe `/cpro` : l'adresse d'origine le garde.
    let adresse =
        requete.extensions().get::<OriginalUri>().map_or_else(|| requete.uri().clone(), |o| o.0.clone());
    let (methode, service) = (requete.method().to_string(), adresse.path().to_string());
    let (parties, corps) = requete.into_parts();
    let Ok(envoye) = to_bytes(corps, crate::api::flux::CORPS_MAX).await else {
        return ErreurPiste {
            statut: axum::http::StatusCode::PAYLOAD_TOO_LARGE,
            code_retour: super::reponse::CODE_REFUS,
            libelle: "Le corps de la requête dépasse la taille acceptée.".into(),
        }
        .into_response();
    };
    let reponse = suite.run(Request::from_parts(parties, Body::from(envoye.clone()))).await;
    let (parties, corps) = reponse.into_parts();
    let recu = to_bytes(corps, usize::MAX).await.unwrap_or_default();
    let code_retour = serde_json::from_slice::<Value>(&recu).ok().and_then(|v| v.get("codeRetour")?.as_i64());
    let appel = Appel {
        horodatage: etat.horloge.maintenant(),
        methode,
        service,
        statut_http: parties.status.as_u16(),
        code_retour,
        duree_us: i64::try_from(debut.elapsed().as_micros()).unwrap_or(i64::MAX),
        requete: resume(&envoye),
        reponse: resume(&recu),
    };
    // Noté sans faire attendre le connecteur ; un échec d'écriture n'empêche pas la réponse.
    let etat_ecriture = etat.clone();
    tokio::spawn(async move {
        if let Err(e) = etat_ecriture.ecrire(move |tx, _| piste::noter_appel(tx, &bac, &appel)).await {
            tracing::warn!("journal des appels : {e}");
        }
    });
    Response::from_parts(parties, Body::from(recu))
}

/// Un corps tel que le journal le garde : du JSON remis en forme, fichiers remplacés par leur
/// taille, tronqué à [`GARDE`] octets.
fn resume(octets: &[u8]) -> String {
    let texte = match serde_json::from_slice::<Value>(octets) {
        Ok(mut v) => {
            masquer(&mut v);
            serde_json::to_string_pretty(&v).unwrap_or_default()
        }
        Err(_) => String::from_utf8_lossy(octets).into_owned(),
    };
    if texte.len() <= GARDE {
        return texte;
    }
    let mut fin = GARDE;
    while !texte.is_char_boundary(fin) {
        fin -= 1;
    }
    format!("{}\n… ({} octets en tout)", &texte[..fin], texte.len())
}

fn masquer(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (nom, valeur) in m.iter_mut() {
                match valeur {
                    Value::String(s) if FICHIERS.contains(&nom.as_str()) => {
                        *s = format!("(fichier en base64, {} caractères)", s.len());
                    }
                    autre => masquer(autre),
                }
            }
        }
        Value::Array(l) => l.iter_mut().for_each(masquer),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn un_fichier_est_remplace_par_sa_taille_et_un_long_corps_est_tronque() {
        let r = resume(br#"{"nomFichier": "f.xml", "fichierFlux": "QUJD"}"#);
        assert!(r.contains("(fichier en base64, 4 caractères)") && r.contains("f.xml"), "{r}");
        let long = format!("\"{}\"", "é".repeat(10_000));
        let r = resume(long.as_bytes());
        assert!(r.len() < GARDE + 100 && r.ends_with("octets en tout)"), "{}", r.len());
    }
}
