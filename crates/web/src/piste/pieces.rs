//! Les pièces jointes par l'API : `transverses/v1/ajouter/fichier` garde un fichier et rend son
//! numéro (`pieceJointeId`), qu'une facture cite ensuite (`soumettre` : `pieceJointePrincipale`
//! en DEPOT_PDF_API, `pieceJointeComplementaire` ; `completer`). Les règles sont celles du
//! portail : nom de 50 caractères au plus, extension de la liste de Chorus Pro, 10 Mo par
//! fichier, 120 Mo par facture, et le quota du bac à sable.

use axum::extract::State;
use base64::Engine;
use chorus_domain::piece_jointe as regles;
use serde_json::{Value, json};

use super::acces::AppelPiste;
use super::reponse::{ErreurPiste, Resultat, succes, texte_facultatif};
use crate::api::client::CorpsJson;
use crate::etat::AppState;

/// Le `codeRetour` d'un fichier de plus de 10 Mo (la documentation du client go-choruspro :
/// « Si le fichier dépasse cette taille, une erreur 20003 sera remontée »).
const CODE_FICHIER_TROP_GROS: i64 = 20003;

/// Le nom gardé : `pieceJointeNom`, complété de `pieceJointeExtension` s'il ne la porte pas déjà.
fn nom_du_fichier(nom: &str, extension: Option<&str>) -> String {
    let nom = regles::nom_sans_chemin(nom.trim());
    let extension = extension.map(|e| e.trim().trim_start_matches('.')).filter(|e| !e.is_empty());
    match extension {
        Some(ext) if regles::extension(nom).is_none_or(|e| !e.eq_ignore_ascii_case(ext)) => {
            format!("{nom}.{}", ext.to_ascii_lowercase())
        }
        _ => nom.to_string(),
    }
}

/// `ajouter/fichier` : `pieceJointeFichier` (base64), `pieceJointeNom`, `pieceJointeExtension`
/// (`pieceJointeTypeMime` est accepté mais le type servi se déduit de l'extension, comme pour
/// les fichiers joints sur le portail). Le fichier attend, dans le bac de la structure du compte
/// technique, qu'une facture le cite ; il compte dans le quota du bac.
pub async fn ajouter_fichier(
    State(etat): State<AppState>,
    appel: AppelPiste,
    CorpsJson(corps): CorpsJson,
) -> Resultat {
    let Some(nom) = texte_facultatif(&corps, "pieceJointeNom") else {
        return Err(ErreurPiste::refus(
            "« pieceJointeNom » est obligatoire : le nom du fichier, avec son extension.",
        ));
    };
    let extension = texte_facultatif(&corps, "pieceJointeExtension");
    let nom = nom_du_fichier(&nom, extension.as_deref());
    let Some(fichier) = corps.get("pieceJointeFichier").and_then(Value::as_str).map(str::to_string) else {
        return Err(ErreurPiste::refus(
            "« pieceJointeFichier » est obligatoire : le contenu du fichier, en base64.",
        ));
    };
    // Le décodage d'un fichier de 10 Mo prend quelques millisecondes : hors du fil asynchrone.
    let contenu = tokio::task::spawn_blocking(move || {
        let sans_blancs: Vec<u8> = fichier.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
        base64::engine::general_purpose::STANDARD.decode(sans_blancs)
    })
    .await
    .map_err(|_| ErreurPiste::refus("« pieceJointeFichier » : le fichier n'a pas pu être lu."))?
    .map_err(|_| ErreurPiste::refus("« pieceJointeFichier » : le fichier doit être encodé en base64."))?;
    if contenu.len() as u64 > regles::TAILLE_MAX_FICHIER {
        let refus = regles::RefusPiece::TropGros { nom, taille: contenu.len() as u64 };
        return Err(ErreurPiste {
            statut: axum::http::StatusCode::BAD_REQUEST,
            code_retour: CODE_FICHIER_TROP_GROS,
            libelle: refus.to_string(),
        });
    }
    let AppelPiste { bac_id, structure_id } = appel;
    let numero = etat
        .ecrire(move |tx, h| {
            chorus_store::piece_jointe::ajouter_fichier_api(tx, &bac_id, &structure_id, &nom, &contenu, h)
        })
        .await?
        .map_err(|refus| ErreurPiste::refus(refus.message))?;
    Ok(succes(json!({ "pieceJointeId": numero })))
}

/// `recuperer/typespj` : les types de pièces jointes d'une facture (`typeObjet` FACTURE ou
/// FACTURE_TRAVAUX ; rien pour les autres objets, que le simulateur ne garde pas). Choix du
/// simulateur : la liste des types du vrai service n'est pas publiée ; ce sont les deux rôles
/// qu'un fichier a dans le simulateur, le PDF de la facture et une pièce complémentaire.
pub async fn types(_appel: AppelPiste, CorpsJson(corps): CorpsJson) -> Resultat {
    let objet = texte_facultatif(&corps, "typeObjet").unwrap_or_else(|| "FACTURE".into());
    let liste: Vec<Value> = match objet.as_str() {
        "FACTURE" | "FACTURE_TRAVAUX" => [
            (1, "FACTURE", "Le PDF de la facture (pièce principale)"),
            (2, "COMPLEMENTAIRE", "Pièce jointe complémentaire"),
        ]
        .iter()
        .map(|(id, code, libelle)| {
            json!({
                "idTypePieceJointe": id,
                "codeTypePieceJointe": code,
                "libelleTypePieceJointe": libelle,
                "typeObjet": objet,
            })
        })
        .collect(),
        _ => Vec::new(),
    };
    Ok(succes(json!({ "listeTypePieceJointe": liste })))
}

#[cfg(test)]
mod tests {
    use super::nom_du_fichier;

    #[test]
    fn le_nom_prend_son_extension_une_seule_fois() {
        assert_eq!(nom_du_fichier("bon-de-commande", Some("PDF")), "bon-de-commande.pdf");
        assert_eq!(nom_du_fichier("bon-de-commande.pdf", Some("pdf")), "bon-de-commande.pdf");
        assert_eq!(nom_du_fichier("bon.PDF", Some(".pdf")), "bon.PDF");
        assert_eq!(nom_du_fichier("photo.jpg", None), "photo.jpg");
        assert_eq!(nom_du_fichier("../../etc/passwd", Some("txt")), "passwd.txt");
    }
}
