//! `transverses/v1` : l'état du service, les listes de référence, les comptes rendus de flux ; et
//! les rattachements du compte (`utilisateurs/v1/monCompte`), qui ne sont qu'une liste de plus.

use axum::Json;
use chorus_domain::facture::{CadreFacturation, ModePaiement, TypeDemandePaiement};
use chorus_store::piece_jointe::ModeDepot;
use serde_json::{Value, json};

use super::acces::AppelPiste;
use super::reponse::{Resultat, succes};
use crate::api::client::CorpsJson;

/// `GET health-check` : la réponse que le vrai service enveloppe comme une `ResponseEntity`
/// (`body`, `statusCodeValue`, `statusCode`, les champs que go-choruspro lit).
pub async fn sante(_appel: AppelPiste) -> Json<Value> {
    Json(
        json!({ "body": "Chorus Pro (simulateur) : service disponible", "statusCodeValue": 200, "statusCode": "OK" }),
    )
}

/// `recuperer/devises` : le simulateur ne facture qu'en euros.
pub async fn devises(_appel: AppelPiste) -> Resultat {
    Ok(succes(json!({ "listeDevises": [{ "codeDevise": "EUR", "libelleDevise": "Euro" }] })))
}

/// `recuperer/modedepot` : les canaux par lesquels une facture arrive.
pub async fn modes_depot(_appel: AppelPiste) -> Resultat {
    let modes: Vec<Value> = [
        ModeDepot::SaisiePortail,
        ModeDepot::DepotPdfPortail,
        ModeDepot::SaisieApi,
        ModeDepot::DepotPdfApi,
        ModeDepot::UploadPortail,
        ModeDepot::UploadApi,
    ]
    .iter()
    .map(|m| json!({ "modeDepot": m.code() }))
    .collect();
    Ok(succes(json!({ "listeModeDepot": modes })))
}

/// `recuperer/modereglements`.
pub async fn modes_reglement(_appel: AppelPiste) -> Resultat {
    let modes: Vec<Value> = ModePaiement::TOUS.iter().map(|m| json!({ "modePaiement": m.code() })).collect();
    Ok(succes(json!({ "listeModePaiement": modes })))
}

/// `recuperer/cadrefacturation` (`typeDemandePaiement` : FACTURE ou FACTURE_TRAVAUX, tous sinon).
pub async fn cadres(_appel: AppelPiste, CorpsJson(corps): CorpsJson) -> Resultat {
    let voulu = match corps.get("typeDemandePaiement").and_then(Value::as_str).map(str::trim) {
        Some("FACTURE") => Some(TypeDemandePaiement::Facture),
        Some("FACTURE_TRAVAUX") => Some(TypeDemandePaiement::FactureTravaux),
        Some("") | None => None,
        Some(autre) => {
            return Err(super::reponse::ErreurPiste::refus(format!(
                "« typeDemandePaiement » : « {autre} » n'est pas un type de demande de paiement (FACTURE ou FACTURE_TRAVAUX)."
            )));
        }
    };
    let cadres: Vec<Value> = CadreFacturation::TOUS
        .iter()
        .filter(|c| voulu.is_none_or(|v| c.type_demande() == v))
        .map(|c| json!({ "codeCadreFacturation": c.code() }))
        .collect();
    Ok(succes(json!({ "listeCadreFacturation": cadres })))
}

/// `consulterCR` et `consulterCRDetaille` : le compte rendu d'un flux déposé par ce bac
/// (`numeroFluxDepot`), ses deux états courants (`etatCourantFlux`, `etatCourantDepotFlux`) et,
/// pour le détail, `listeErreurDP` et `listeErreurTechnique`.
pub async fn compte_rendu(
    axum::extract::State(etat): axum::extract::State<crate::etat::AppState>,
    appel: AppelPiste,
    CorpsJson(corps): CorpsJson,
) -> Result<Json<Value>, super::reponse::ErreurPiste> {
    let numero =
        corps.get("numeroFluxDepot").and_then(Value::as_str).map(str::trim).unwrap_or("").to_string();
    if numero.is_empty() {
        return Err(super::reponse::ErreurPiste::refus("Le champ « numeroFluxDepot » est obligatoire."));
    }
    let bac = appel.bac_id.clone();
    let cr = etat
        .lire(move |c, _| match chorus_store::flux::compte_rendu(c, &bac, &numero) {
            Ok(cr) => Ok(Some(cr)),
            Err(chorus_store::Erreur::Introuvable(_)) => Ok(None),
            Err(e) => Err(e),
        })
        .await?;
    match cr {
        Some(cr) => Ok(Json(crate::api::flux::compte_rendu_json(&cr))),
        // La réponse observée de Chorus Pro pour un numéro de flux inconnu (§7.4).
        None => Err(super::reponse::ErreurPiste {
            statut: axum::http::StatusCode::NOT_FOUND,
            code_retour: 20001,
            libelle: "POQ_MSG_01.003 - Flux introuvable.".into(),
        }),
    }
}

/// `recuperer/typeidentifiant/structure`.
pub async fn types_identifiant(_appel: AppelPiste) -> Resultat {
    let types: Vec<Value> = chorus_domain::structure::TypeIdentifiant::TOUS
        .iter()
        .map(|t| json!({ "typeIdentifiantStructure": t.code_api() }))
        .collect();
    Ok(succes(json!({ "listeTypeIdentifiant": types })))
}

/// `recuperer/formatflux` : les syntaxes de flux que le simulateur lit.
pub async fn formats_flux(_appel: AppelPiste) -> Resultat {
    let formats: Vec<Value> =
        chorus_flux::SyntaxeFlux::TOUTES.iter().map(|s| json!({ "formatFlux": s.code() })).collect();
    Ok(succes(json!({ "listeFormatFlux": formats })))
}

/// `recuperer/typedp` : les types de demande de paiement.
pub async fn types_demande_paiement(_appel: AppelPiste) -> Resultat {
    Ok(succes(json!({ "listeTypeDemandePaiement": [
        { "typeDemandePaiement": "FACTURE" },
        { "typeDemandePaiement": "FACTURE_TRAVAUX" },
    ] })))
}

/// La structure du compte technique, telle que les listes de rattachement la décrivent.
async fn structure_de_l_appel(
    etat: &crate::etat::AppState,
    appel: &AppelPiste,
) -> Result<chorus_store::bac::StructureFournisseur, super::reponse::ErreurPiste> {
    let (bac, structure) = (appel.bac_id.clone(), appel.structure_id.clone());
    Ok(etat.lire(move |c, _| chorus_store::bac::structure_fournisseur(c, &bac, &structure)).await?)
}

/// `recuperer/structures/actives/fournisseur` : la structure du compte technique.
pub async fn structures_fournisseur(
    axum::extract::State(etat): axum::extract::State<crate::etat::AppState>,
    appel: AppelPiste,
) -> Resultat {
    let s = structure_de_l_appel(&etat, &appel).await?;
    Ok(succes(json!({ "listeStructures": [{
        "idStructureCPP": chorus_store::piste::id_cpp_de_l_annuaire(&s.identifiant),
        "identifiant": s.identifiant,
        "designationStructure": s.raison_sociale,
    }] })))
}

/// `recuperer/structures/actives/destinataire` : les structures publiques qui ont reçu des
/// factures du bac, que le compte technique peut jouer (`traiter/recue`, choix du simulateur).
pub async fn structures_destinataire(
    axum::extract::State(etat): axum::extract::State<crate::etat::AppState>,
    appel: AppelPiste,
) -> Resultat {
    let bac = appel.bac_id.clone();
    let structures = etat.lire(move |c, _| chorus_store::acheteur::structures_destinataires(c, &bac)).await?;
    let liste: Vec<Value> = structures
        .iter()
        .map(|s| {
            json!({
                "idStructureCPP": chorus_store::piste::id_cpp_de_l_annuaire(&s.identifiant),
                "identifiant": s.identifiant,
                "designationStructure": s.raison_sociale,
            })
        })
        .collect();
    Ok(succes(json!({ "listeStructures": liste })))
}

/// `recuperer/etats/traitement` : les statuts qu'un destinataire (ou son comptable) peut donner
/// à une facture au statut `statutCourant`, d'après le circuit d'une facture ordinaire.
pub async fn etats_traitement(_appel: AppelPiste, CorpsJson(corps): CorpsJson) -> Resultat {
    use chorus_domain::circuit;
    use chorus_domain::statut::{Action, CIBLES_ACHETEUR, Contexte, Statut, acteur_de};
    let code = corps.get("statutCourant").and_then(Value::as_str).map(str::trim).unwrap_or_default();
    let courant = Statut::depuis_code(code).map_err(|_| {
        super::reponse::ErreurPiste::refus(format!(
            "« statutCourant » : « {code} » n'est pas un statut de facture."
        ))
    })?;
    // Un motif quelconque : on demande ce qui est possible, le motif se donne avec l'action.
    let ctx = Contexte { motif: Some("motif"), a_recycler_autorise: true, ..Contexte::default() };
    let possibles: Vec<Value> = CIBLES_ACHETEUR
        .iter()
        .filter(|&&cible| {
            circuit::transition(
                &circuit::CLASSIQUE,
                Some(courant),
                Action::Traiter(cible),
                acteur_de(cible),
                &ctx,
            )
            .is_ok()
        })
        .map(|s| json!({ "statutPossiblePourTraitement": s.code() }))
        .collect();
    Ok(succes(json!({ "listeStatutsPossiblesPourTraitement": possibles })))
}

/// `recuperer/coordbanc/valides` : les coordonnées bancaires actives de la structure du compte
/// technique (`codeCoordonneesBancairesFournisseur` d'une facture).
pub async fn coordonnees_bancaires(
    axum::extract::State(etat): axum::extract::State<crate::etat::AppState>,
    appel: AppelPiste,
) -> Resultat {
    let (bac, structure) = (appel.bac_id.clone(), appel.structure_id.clone());
    let coordonnees =
        etat.lire(move |c, _| chorus_store::raccordement::coordonnees_valides(c, &bac, &structure)).await?;
    let liste: Vec<Value> = coordonnees
        .iter()
        .map(|x| json!({ "idCoordonneeBancaire": x.id, "nomCoordonneeBancaire": x.nom }))
        .collect();
    Ok(succes(json!({ "listeCoordonneeBancaire": liste })))
}

/// `telecharger/annuaire/destinataire` : l'annuaire des structures publiques, en base64
/// (`fichierResultat`). Choix du simulateur : le fichier est le CSV de l'export de l'annuaire
/// (séparateur `;`, les colonnes de l'export réel), celui que `import-annuaire` relit ; la forme
/// exacte du fichier que rend le vrai service n'est pas publiée.
pub async fn annuaire(
    axum::extract::State(etat): axum::extract::State<crate::etat::AppState>,
    _appel: AppelPiste,
) -> Resultat {
    use base64::Engine;
    let csv = etat.lire(|c, _| chorus_store::reference::exporter_annuaire(c)).await?;
    Ok(succes(json!({ "fichierResultat": base64::engine::general_purpose::STANDARD.encode(csv) })))
}

/// `utilisateurs/v1/monCompte/recuperer/rattachements` : la structure du compte technique.
pub async fn rattachements(
    axum::extract::State(etat): axum::extract::State<crate::etat::AppState>,
    appel: AppelPiste,
) -> Resultat {
    let s = structure_de_l_appel(&etat, &appel).await?;
    Ok(succes(json!({
        "listeStructureRattachement": [{
            "idStructure": chorus_store::piste::id_cpp_de_l_annuaire(&s.identifiant),
            "identifiantStructure": s.identifiant,
            "typeIdentifiantStructure": "SIRET",
            "designationStructure": s.raison_sociale,
            "statutRattachementStructure": "ACTIF",
            "listeServicesRattache": [],
        }],
        "parametresRetour": super::reponse::parametres_retour(1, 10, 1),
    })))
}

/// `structures/v1/lister/rattachementsutilisateur` : les services de la structure du compte
/// technique auxquels il est rattaché — tous, un compte technique agissant pour toute sa
/// structure (choix du simulateur). `idService` est le rang du service, comme dans
/// `rechercher/services`.
pub async fn rattachements_utilisateur(
    axum::extract::State(etat): axum::extract::State<crate::etat::AppState>,
    appel: AppelPiste,
    CorpsJson(corps): CorpsJson,
) -> Resultat {
    let s = structure_de_l_appel(&etat, &appel).await?;
    let (bac, structure) = (appel.bac_id.clone(), appel.structure_id.clone());
    let services = etat.lire(move |c, _| chorus_store::gestion::services(c, &bac, &structure)).await?;
    let demandee = super::reponse::pagination(corps.get("parametresListerRattachementsStructureUtilisateur"));
    let (debut, page, retour) = super::reponse::page_de(&services, demandee);
    let liste: Vec<Value> = page
        .iter()
        .enumerate()
        .map(|(rang, sv)| {
            json!({
                "idService": debut + rang + 1,
                "codeService": sv.code,
                "nomService": sv.libelle,
                "statutRattachement": if sv.actif { "ACTIF" } else { "INACTIF" },
            })
        })
        .collect();
    Ok(succes(json!({
        "idStructure": chorus_store::piste::id_cpp_de_l_annuaire(&s.identifiant),
        "identifiantStructure": s.identifiant,
        "designationStructure": s.raison_sociale,
        "listeServices": liste,
        "premierService": demandee.0 == 1,
        "parametresRetour": retour,
    })))
}

/// `recuperer/pays` : les pays que le simulateur connaît — la France et les autres pays de
/// l'Union européenne (ceux des numéros de TVA intracommunautaire) ; choix du simulateur, la
/// liste du vrai service compte tous les pays.
pub async fn pays(_appel: AppelPiste) -> Resultat {
    let mut liste = vec![json!({ "codePays": "FR", "libellePays": "France" })];
    liste.extend(
        chorus_domain::identifiant::PAYS_UE_HORS_FRANCE
            .iter()
            // « EL » est le préfixe de TVA de la Grèce ; son code de pays est « GR ».
            .filter(|(code, _)| *code != "EL")
            .map(|(code, libelle)| json!({ "codePays": code, "libellePays": libelle })),
    );
    Ok(succes(json!({ "listePays": liste })))
}

/// `recuperer/tauxtva` : les codes de taux dont la correspondance est attestée — `TVA1` seul
/// (franchise en base, 0 %). Les autres codes ne sont pas publiés : une ligne donne son taux par
/// `lignePosteTauxTvaManuel`, et `soumettre` refuse un code qu'il ne sait pas traduire.
pub async fn taux_tva(_appel: AppelPiste) -> Resultat {
    Ok(succes(json!({ "listeTauxTva": [{
        "codeTauxTva": chorus_domain::montants::CODE_TVA_FRANCHISE,
        "libelleTauxTva": "Art 293B(FranchiseEnBase)",
        "valeurTauxTva": 0,
    }] })))
}

/// `recuperer/motifs/exonerationtva` : les mentions d'exonération que le simulateur propose
/// (`chorus_domain::montants::MOTIFS_EXONERATION`, codes choisis par le simulateur).
pub async fn motifs_exoneration(_appel: AppelPiste) -> Resultat {
    let liste: Vec<Value> = chorus_domain::montants::MOTIFS_EXONERATION
        .iter()
        .map(|(code, libelle)| json!({ "codeMotifExonerationTva": code, "libelleMotifExonerationTva": libelle }))
        .collect();
    Ok(succes(json!({ "listeMotifsExonerationTva": liste })))
}
