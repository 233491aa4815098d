//! Les réponses de l'API : `codeRetour` 0 et `TRA_MSG_00.000` quand tout va bien, un
//! `codeRetour` et un `libelle` en français sinon, jamais une erreur 500 pour une entrée fausse.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::erreur::AppError;

/// Le libellé d'un appel réussi, tel que le vrai service le renvoie.
pub const LIBELLE_SUCCES: &str = "TRA_MSG_00.000";

/// Le code d'un refus fonctionnel (champ manquant, facture introuvable…), celui que le vrai
/// service donne à un flux introuvable (§7.4). Choix du simulateur : le même pour tous les
/// refus, le libellé disant lequel.
pub const CODE_REFUS: i64 = 20001;

/// Un refus de l'API.
#[derive(Debug)]
pub struct ErreurPiste {
    pub statut: StatusCode,
    pub code_retour: i64,
    pub libelle: String,
}

impl ErreurPiste {
    pub fn refus(libelle: impl Into<String>) -> Self {
        ErreurPiste { statut: StatusCode::BAD_REQUEST, code_retour: CODE_REFUS, libelle: libelle.into() }
    }

    pub fn introuvable(libelle: impl Into<String>) -> Self {
        ErreurPiste { statut: StatusCode::NOT_FOUND, code_retour: CODE_REFUS, libelle: libelle.into() }
    }

    pub fn non_autorise(libelle: impl Into<String>) -> Self {
        ErreurPiste { statut: StatusCode::UNAUTHORIZED, code_retour: 401, libelle: libelle.into() }
    }
}

impl From<AppError> for ErreurPiste {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Introuvable(m) => ErreurPiste::introuvable(m),
            AppError::TropVolumineux => ErreurPiste {
                statut: StatusCode::PAYLOAD_TOO_LARGE,
                code_retour: CODE_REFUS,
                libelle: "Le corps de la requête dépasse la taille acceptée.".into(),
            },
            AppError::Requete(m) | AppError::Refus(m) | AppError::Interdit(m) => ErreurPiste::refus(m),
            autre => ErreurPiste {
                statut: StatusCode::INTERNAL_SERVER_ERROR,
                code_retour: 500,
                libelle: format!("Erreur du simulateur : {autre}"),
            },
        }
    }
}

impl From<chorus_store::Erreur> for ErreurPiste {
    fn from(e: chorus_store::Erreur) -> Self {
        ErreurPiste::from(AppError::from(e))
    }
}

impl From<crate::erreur::ErreurApi> for ErreurPiste {
    fn from(e: crate::erreur::ErreurApi) -> Self {
        ErreurPiste::from(e.0)
    }
}

impl IntoResponse for ErreurPiste {
    fn into_response(self) -> Response {
        (self.statut, Json(json!({ "codeRetour": self.code_retour, "libelle": self.libelle })))
            .into_response()
    }
}

/// Une réponse réussie : `codeRetour` 0, `libelle` `TRA_MSG_00.000`, et les champs donnés.
pub fn succes(mut champs: Value) -> Json<Value> {
    if let Value::Object(m) = &mut champs {
        m.insert("codeRetour".into(), json!(0));
        m.insert("libelle".into(), json!(LIBELLE_SUCCES));
    }
    Json(champs)
}

pub type Resultat = Result<Json<Value>, ErreurPiste>;

/// `parametresRetour` d'une réponse paginée.
pub fn parametres_retour(page: usize, par_page: usize, total: usize) -> Value {
    let pages = total.div_ceil(par_page.max(1)).max(1);
    json!({ "pageCourante": page, "pages": pages, "nbResultatsParPage": par_page, "total": total })
}

/// La page demandée et la taille des pages d'un bloc de pagination (`pageResultatDemandee`,
/// `nbResultatsParPage`) : 1 et 10 par défaut, 0 compris (les clients typés envoient 0 pour
/// « non renseigné »), 1 000 au plus par page.
pub fn pagination(bloc: Option<&Value>) -> (usize, usize) {
    let nombre = |nom: &str| bloc.and_then(|b| b.get(nom)).and_then(Value::as_u64).filter(|n| *n > 0);
    let page = nombre("pageResultatDemandee").unwrap_or(1);
    let par_page = nombre("nbResultatsParPage").unwrap_or(10).min(1000);
    (usize::try_from(page).unwrap_or(1), usize::try_from(par_page).unwrap_or(10))
}

/// Le premier des champs `noms` de `corps` qui porte un entier, en nombre ou en texte (les
/// clients réels envoient l'un ou l'autre).
pub fn entier(corps: &Value, noms: &[&str]) -> Option<i64> {
    match noms.iter().find_map(|n| corps.get(*n).filter(|v| !v.is_null()))? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Un champ texte non vide du corps, sans ses espaces autour.
pub fn texte_facultatif(corps: &Value, nom: &str) -> Option<String> {
    corps.get(nom).and_then(Value::as_str).map(str::trim).filter(|t| !t.is_empty()).map(str::to_string)
}

/// Une saisie refusée par les contrôles du portail : chaque anomalie, code et message, en un
/// libellé qui commence par `quoi` (« Facture refusée »).
pub fn refus_des_anomalies(quoi: &str, anomalies: &[chorus_domain::Anomalie]) -> ErreurPiste {
    let messages: Vec<String> = anomalies.iter().map(|a| format!("{} : {}", a.code, a.message)).collect();
    ErreurPiste::refus(format!("{quoi} ({} anomalie(s)). {}", anomalies.len(), messages.join(" ")))
}

/// La page demandée d'une liste déjà lue en entier : le rang (à partir de 0) de son premier
/// élément, ses éléments, et le `parametresRetour` de la réponse.
pub fn page_de<T>(elements: &[T], (page, par_page): (usize, usize)) -> (usize, &[T], Value) {
    let debut = debut_de_page(page, par_page).min(elements.len());
    let fin = debut.saturating_add(par_page).min(elements.len());
    (debut, &elements[debut..fin], parametres_retour(page, par_page, elements.len()))
}

/// Le rang du premier résultat de la page `page` (numérotée à partir de 1).
pub fn debut_de_page(page: usize, par_page: usize) -> usize {
    page.saturating_sub(1).saturating_mul(par_page)
}

pub async fn service_inconnu() -> ErreurPiste {
    ErreurPiste::introuvable(
        "Ce service de l'API Chorus Pro n'existe pas dans le simulateur (voir docs/api.md, « L'API Chorus Pro »).",
    )
}
