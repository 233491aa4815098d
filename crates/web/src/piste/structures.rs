//! `structures/v1` : l'annuaire des structures publiques, comme un connecteur le consulte
//! avant d'adresser une facture (code service obligatoire ? engagement juridique ?) ; et les
//! deux services de `transverses/v1` qui cherchent dans les mêmes référentiels (destinataires,
//! registre des entreprises).

use chorus_domain::structure::StructurePublique;
use chorus_store::{piste, reference};
use serde_json::{Value, json};

use super::acces::AppelPiste;
use super::reponse::{ErreurPiste, Resultat, page_de, pagination, succes};
use crate::api::client::CorpsJson;
use crate::etat::AppState;
use axum::extract::State;

fn texte<'a>(v: Option<&'a Value>, nom: &str) -> &'a str {
    v.and_then(|o| o.get(nom)).and_then(Value::as_str).map(str::trim).unwrap_or("")
}

/// Le premier des champs `noms` de `v` qui est renseigné (vide si aucun).
fn premier_texte(v: Option<&Value>, noms: &[&str]) -> String {
    noms.iter().map(|n| texte(v, n)).find(|t| !t.is_empty()).unwrap_or("").to_string()
}

/// Une page de la recherche dans l'annuaire, lue et classée par la base (le SIRET exact, puis
/// ceux qui commencent ainsi, les noms qui commencent par la recherche, puis les autres), et son
/// `parametresRetour` ; le total est borné à `RESULTATS_CLASSES_MAX` (choix du simulateur).
async fn page_de_l_annuaire(
    etat: &AppState,
    requete: String,
    (page, par_page): (usize, usize),
) -> Result<(Vec<StructurePublique>, Value), ErreurPiste> {
    let trouvees =
        etat.lire(move |c, _| reference::chercher_dans_l_annuaire(c, &requete, page, par_page)).await?;
    Ok((trouvees.structures, super::reponse::parametres_retour(page, par_page, trouvees.total)))
}

/// `rechercher` : par identifiant (SIRET ou son début) ou par raison sociale.
pub async fn rechercher(
    State(etat): State<AppState>,
    _appel: AppelPiste,
    CorpsJson(corps): CorpsJson,
) -> Resultat {
    let criteres = corps.get("structure");
    let requete =
        premier_texte(criteres, &["identifiantStructure", "raisonSocialeStructure", "libelleStructure"]);
    if requete.is_empty() {
        return Err(ErreurPiste::refus(
            "Indiquez un critère dans « structure » : identifiantStructure, raisonSocialeStructure ou libelleStructure.",
        ));
    }
    let (page, retour) = page_de_l_annuaire(&etat, requete, pagination(corps.get("parametres"))).await?;
    let liste: Vec<Value> = page
        .iter()
        .map(|s| {
            json!({
                "idStructureCPP": piste::id_cpp_de_l_annuaire(&s.identifiant),
                "identifiantStructure": s.identifiant,
                "typeIdentifiantStructure": s.type_identifiant.code_api(),
                "designationStructure": s.raison_sociale,
                "statut": if s.parametres.active { "ACTIF" } else { "INACTIF" },
            })
        })
        .collect();
    Ok(succes(json!({ "listeStructures": liste, "parametresRetour": retour })))
}

/// La structure désignée par `idStructureCPP` ou `idStructure` (les clients réels envoient
/// l'un ou l'autre, en nombre ou en texte) : un identifiant entier de l'API, ou un SIRET.
async fn structure_designee(etat: &AppState, corps: &Value) -> Result<(i64, StructurePublique), ErreurPiste> {
    let valeur =
        ["idStructureCPP", "idStructure"].iter().find_map(|n| corps.get(*n).filter(|v| !v.is_null()));
    let designation = match valeur {
        Some(Value::Number(n)) => n.as_i64().map(|n| n.to_string()),
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
        _ => None,
    };
    let Some(designation) = designation else {
        return Err(ErreurPiste::refus("Le champ « idStructureCPP » (ou « idStructure ») est obligatoire."));
    };
    let d = designation.clone();
    let trouvee = etat
        .lire(move |c, _| {
            // Un SIRET en texte, ou son identifiant entier (le SIRET lu comme un nombre).
            let identifiant =
                if d.len() == 14 { Some(d) } else { d.parse().ok().and_then(piste::identifiant_de_l_id_cpp) };
            let Some(identifiant) = identifiant else { return Ok(None) };
            let Some(s) = reference::structure_publique(c, &identifiant)? else { return Ok(None) };
            Ok(piste::id_cpp_de_l_annuaire(&identifiant).map(|id| (id, s)))
        })
        .await?;
    trouvee.ok_or_else(|| {
        ErreurPiste::introuvable(format!("Aucune structure de l'annuaire ne correspond à « {designation} »."))
    })
}

/// `consulter` : la fiche d'une structure publique et ses paramètres de facturation.
pub async fn consulter(
    State(etat): State<AppState>,
    _appel: AppelPiste,
    CorpsJson(corps): CorpsJson,
) -> Resultat {
    let (id, s) = structure_designee(&etat, &corps).await?;
    let p = &s.parametres;
    Ok(succes(json!({
        "informationGenerales": {
            "idStructureCPP": id,
            "identifiantStructure": s.identifiant,
            "typeIdentifiantStructure": s.type_identifiant.code_api(),
            "libelleStructure": s.raison_sociale,
            "raisonSocialeStructure": s.raison_sociale,
            "emailStructure": s.courriel,
            "structurePriveePublique": "PUBLIQUE",
        },
        "parametres": {
            "codeServiceDoitEtreRenseigne": p.code_service_obligatoire,
            "numeroEJDoitEtreRenseigne": p.engagement_obligatoire,
            "gestionNumeroEJOuCodeService": p.service_ou_engagement,
            "estMoaUniquement": p.est_moa_uniquement,
            "getaMoa": p.est_moa,
            "statutMiseEnPaiementNestPasRemonte": p.mise_en_paiement_non_remontee,
            "connexionEDI": p.emetteur_edi,
            "recevoirDonneesViaEDI": p.recepteur_edi,
        },
        "adressePostaleDuSiege": {
            "adresse": s.adresse.adresse,
            "complementAdresse1": s.adresse.complement1,
            "complementAdresse2": s.adresse.complement2,
            "codePostal": s.adresse.code_postal,
            "ville": s.adresse.ville,
            "pays": s.adresse.code_pays,
            "telephone": s.telephone,
        },
    })))
}

/// `rechercher/services` : les services d'une structure (`idStructure`).
pub async fn services(
    State(etat): State<AppState>,
    _appel: AppelPiste,
    CorpsJson(corps): CorpsJson,
) -> Resultat {
    let (_, s) = structure_designee(&etat, &corps).await?;
    let identifiant = s.identifiant.clone();
    let services = etat.lire(move |c, _| reference::services(c, &identifiant)).await?;
    let (debut, page, retour) =
        page_de(&services, pagination(corps.get("parametresRechercherServicesStructure")));
    let liste: Vec<Value> = page
        .iter()
        .enumerate()
        .map(|(rang, sv)| {
            json!({
                // Choix du simulateur : le rang du service dans sa structure.
                "idService": debut + rang + 1,
                "codeService": sv.code,
                "libelleService": sv.libelle,
                "estActif": sv.actif,
                "statutService": if sv.actif { "ACTIF" } else { "INACTIF" },
            })
        })
        .collect();
    Ok(succes(json!({ "listeServices": liste, "parametresRetour": retour })))
}

/// `transverses/v1/rechercher/destinataire` : les destinataires de l'annuaire par identifiant
/// (SIRET ou son début) ou par nom, ville ou code postal (`nomVilleCodePostal`).
pub async fn rechercher_destinataire(
    State(etat): State<AppState>,
    _appel: AppelPiste,
    CorpsJson(corps): CorpsJson,
) -> Resultat {
    let requete = premier_texte(Some(&corps), &["identifiant", "nomVilleCodePostal"]);
    if requete.is_empty() {
        return Err(ErreurPiste::refus("Indiquez « identifiant » ou « nomVilleCodePostal »."));
    }
    let (page, retour) =
        page_de_l_annuaire(&etat, requete, pagination(corps.get("parametresRecherche"))).await?;
    let liste: Vec<Value> = page
        .iter()
        .map(|s| {
            json!({
                "idStructureCPP": piste::id_cpp_de_l_annuaire(&s.identifiant),
                "siret": s.identifiant,
                "nomDestinataire": s.raison_sociale,
                "adresseCodePostal": s.adresse.code_postal,
                "adresseVille": s.adresse.ville,
            })
        })
        .collect();
    Ok(succes(json!({ "listeDestinataires": liste, "parametresRetour": retour })))
}

/// `transverses/v1/consulter/information/siret` : l'établissement dans le registre des
/// entreprises. Choix du simulateur : le registre fictif de formation tient lieu de la base
/// SIRENE de l'INSEE (le vrai service ne répond pas sur l'espace de qualification).
pub async fn information_siret(
    State(etat): State<AppState>,
    _appel: AppelPiste,
    CorpsJson(corps): CorpsJson,
) -> Resultat {
    let siret = texte(Some(&corps), "siretStructure").to_string();
    if siret.is_empty() {
        return Err(ErreurPiste::refus("Le champ « siretStructure » est obligatoire."));
    }
    let s = siret.clone();
    let trouvee = etat.lire(move |c, _| reference::entreprise(c, &s)).await?;
    let Some(e) = trouvee else {
        return Err(ErreurPiste::introuvable(format!(
            "Aucun établissement de SIRET « {siret} » dans le registre."
        )));
    };
    Ok(succes(json!({
        "siret": e.siret,
        "siren": e.siret.get(..9),
        "raisonSociale": e.raison_sociale,
        "categorieJuridique": e.categorie_juridique,
        "adresse": format!("{} {} {}", e.adresse, e.code_postal, e.ville).trim(),
        "estActif": e.active,
    })))
}

/// `consulter/service` : un service d'une structure (`idStructure`, `idService` — le rang du
/// service dans la liste de `rechercher/services`, choix du simulateur).
pub async fn consulter_service(
    State(etat): State<AppState>,
    _appel: AppelPiste,
    CorpsJson(corps): CorpsJson,
) -> Resultat {
    let (_, s) = structure_designee(&etat, &corps).await?;
    let rang = super::reponse::entier(&corps, &["idService"]).filter(|r| *r > 0).ok_or_else(|| {
        ErreurPiste::refus(
            "Le champ « idService » (un nombre entier, voir rechercher/services) est obligatoire.",
        )
    })?;
    let identifiant = s.identifiant.clone();
    let services = etat.lire(move |c, _| reference::services(c, &identifiant)).await?;
    let service = usize::try_from(rang - 1).ok().and_then(|i| services.get(i)).ok_or_else(|| {
        ErreurPiste::introuvable(format!(
            "Le service {rang} n'existe pas pour la structure {}.",
            s.identifiant
        ))
    })?;
    Ok(succes(json!({
        "informationsGenerales": {
            "codeService": service.code,
            "nomService": service.libelle,
            "descriptionService": service.libelle,
        },
        "parametres": { "numeroEngagement": service.engagement_obligatoire },
        "adressePostale": {
            "adresse": s.adresse.adresse,
            "codePostal": s.adresse.code_postal,
            "ville": s.adresse.ville,
            "pays": s.adresse.code_pays,
        },
    })))
}
