//! Les flux par l'API de simulation, avec les champs de Chorus Pro : `POST …/flux` comme
//! `factures/v1/deposer/flux` (`fichierFlux` en base64, `nomFichier`, `syntaxeFlux` — absente :
//! détection automatique), `GET …/flux/{numeroFluxDepot}` comme `consulterCR` et
//! `consulterCRDetaille` (les deux états, `listeErreurDP`, `listeErreurTechnique`), plus la
//! liste des factures intégrées. Le flux avance seul en quelques secondes, ou avec l'horloge du
//! bac (`POST …/horloge`).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use base64::Engine;
use chorus_flux::{Limites, SyntaxeFlux};
use chorus_store::flux::{self, Canal};
use chorus_store::simulation;
use serde_json::{Value, json};

use super::client::{ClientApi, CorpsJson};
use super::lecture::Objet;
use crate::erreur::{AppError, ErreurApi};
use crate::etat::AppState;

type ReponseApi = Result<(StatusCode, Json<Value>), ErreurApi>;

/// La taille d'un corps de `deposer/flux` : un fichier de 10 Mo en base64, et la marge du JSON.
pub const CORPS_MAX: usize = 16 * 1024 * 1024;

fn refus(code: u16, libelle: &str) -> (StatusCode, Json<Value>) {
    (StatusCode::BAD_REQUEST, Json(json!({ "codeRetour": code, "libelle": libelle })))
}

/// Un corps de `deposer/flux` lu et son fichier contrôlé (hors du fil asynchrone) : le dépôt à
/// enregistrer et `idFournisseur` s'il est donné, ou le refus (code et libellé) de Chorus Pro.
/// Les deux portes s'en servent : l'API de simulation et l'API Chorus Pro (PISTE).
pub(crate) async fn lire_le_corps(
    corps: &Value,
) -> Result<Result<(flux::Depot, Option<String>), (u16, String)>, AppError> {
    let o = Objet::racine(
        corps,
        r#"{"fichierFlux": "PD94bWwg…", "nomFichier": "facture.xml", "syntaxeFlux": "IN_DP_E1_CII_16B"}"#,
    )?;
    let nom = o.texte("nomFichier")?;
    let syntaxe = o.texte("syntaxeFlux")?;
    let fournisseur = Some(o.texte_ou_nombre("idFournisseur")?).filter(|s| !s.trim().is_empty());
    let contenu = base64::engine::general_purpose::STANDARD
        .decode(o.texte("fichierFlux")?.trim())
        .map_err(|_| AppError::Requete("« fichierFlux » : le fichier doit être encodé en base64".into()))?;
    if nom.trim().is_empty() {
        return Ok(Err((
            20002,
            "« nomFichier » est obligatoire : le nom du fichier déposé, avec son extension.".into(),
        )));
    }
    let annoncee = match syntaxe.trim() {
        "" => None,
        code => match SyntaxeFlux::depuis_code(code) {
            Some(s) => Some(s),
            None => {
                let lues: Vec<&str> = SyntaxeFlux::TOUTES.iter().map(|s| s.code()).collect();
                return Ok(Err((
                    20003,
                    format!(
                        "« syntaxeFlux » : « {code} » n'est pas lu par le simulateur ; il lit {}.",
                        lues.join(", ")
                    ),
                )));
            }
        },
    };
    if contenu.len() > Limites::default().octets_max {
        // La réponse observée de Chorus Pro pour un flux trop lourd.
        return Ok(Err((20001, "GDP_MSG_11.022".into())));
    }
    let nom_fichier = chorus_domain::piece_jointe::nom_sans_chemin(&nom).to_string();
    let depot = tokio::task::spawn_blocking(move || {
        crate::pages::flux::lire_le_depot(nom_fichier, &contenu, annoncee, Canal::Api)
    })
    .await
    .map_err(|e| AppError::Interne(e.to_string()))?;
    Ok(Ok((depot, fournisseur)))
}

/// `POST /api/sim/v1/bacs/{idBac}/flux`.
pub async fn deposer(
    State(etat): State<AppState>,
    client: ClientApi,
    Path(id_bac): Path<String>,
    CorpsJson(corps): CorpsJson,
) -> ReponseApi {
    let (depot, fournisseur) = match lire_le_corps(&corps).await? {
        Ok(lu) => lu,
        Err((code, libelle)) => return Ok(refus(code, &libelle)),
    };
    let formateur_id = client.formateur.id;
    let (numero, date) = etat
        .ecrire(move |c, h| {
            simulation::bac_du_formateur(c, &formateur_id, &id_bac)?;
            let structure = simulation::structure_deposante(c, &id_bac, fournisseur.as_deref())?;
            flux::deposer(c, &id_bac, &structure.id, &depot, h)
        })
        .await?;
    Ok((
        StatusCode::OK,
        Json(json!({
            "codeRetour": 0,
            "libelle": "TRA_MSG_00.000",
            "numeroFluxDepot": numero,
            "dateDepot": date,
        })),
    ))
}

/// `GET /api/sim/v1/bacs/{idBac}/flux/{numeroFluxDepot}`.
pub async fn lire(
    State(etat): State<AppState>,
    client: ClientApi,
    Path((id_bac, numero)): Path<(String, String)>,
) -> ReponseApi {
    let formateur_id = client.formateur.id;
    let cr = etat
        .lire(move |c, _| {
            simulation::bac_du_formateur(c, &formateur_id, &id_bac)?;
            match flux::compte_rendu(c, &id_bac, &numero) {
                Ok(cr) => Ok(Some(cr)),
                Err(chorus_store::Erreur::Introuvable(_)) => Ok(None),
                Err(e) => Err(e),
            }
        })
        .await?;
    let Some(cr) = cr else {
        // La réponse observée de Chorus Pro pour un numéro de flux inconnu.
        return Ok((
            StatusCode::NOT_FOUND,
            Json(json!({ "codeRetour": 20001, "libelle": "POQ_MSG_01.003 - Flux introuvable." })),
        ));
    };
    Ok((StatusCode::OK, Json(compte_rendu_json(&cr))))
}

/// Le compte rendu d'un flux avec les champs de `consulterCR` et `consulterCRDetaille` (les deux
/// noms de l'état courant que lisent les clients réels, §7.4).
pub(crate) fn compte_rendu_json(cr: &flux::CompteRendu) -> Value {
    let f = &cr.flux;
    let mut erreurs_dp = Vec::new();
    for x in &cr.factures {
        for e in &x.erreurs {
            erreurs_dp.push(json!({
                "numeroDP": x.numero_facture,
                "identifiantDestinataire": x.destinataire,
                "rang": x.rang,
                "codeRegle": e.regle,
                "element": e.terme,
                "cheminXml": e.chemin,
                "libelleErreurDP": e.libelle,
            }));
        }
    }
    let erreurs_techniques: Vec<Value> =
        f.refus.iter().map(|r| json!({ "codeErreur": "IRRECEVABILITE", "libelleErreur": r })).collect();
    let factures: Vec<Value> = cr
        .factures
        .iter()
        .filter_map(|x| {
            Some(json!({
                "identifiantFactureCPP": x.facture_id.as_ref()?,
                "numeroFacture": x.numero_facture,
                "statut": x.statut,
                "montantTTC": x.montant_ttc.map(|m| m.round_dp(2).to_string()),
            }))
        })
        .collect();
    json!({
            "codeRetour": 0,
            "libelle": "TRA_MSG_00.000",
            "numeroFluxDepot": f.numero,
            "nomFichier": f.nom_fichier,
            "nomFichierFlux": f.nom_fichier,
            "dateHeureEtatCourantFlux": cr.historique.last().map(|(_, instant, _)| instant.to_rfc3339()),
            "syntaxeFlux": f.syntaxe,
            "dateDepotFlux": f.date_depot,
            "etatCourantFlux": f.etat.code(),
            "etatCourantDepotFlux": f.etat.code(),
            "libelleEtatCourantFlux": f.etat.libelle(),
            "historiqueEtats": cr.historique.iter().map(|(e, instant, date)| json!({
                "etat": e.code(), "horodatage": instant.to_rfc3339(), "dateSimulee": date,
            })).collect::<Vec<_>>(),
            "listeErreurDP": erreurs_dp,
            "listeErreurTechnique": erreurs_techniques,
            "listeFactures": factures,
    })
}
