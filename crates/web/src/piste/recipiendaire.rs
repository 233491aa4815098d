//! `factures/v1` côté destinataire : rechercher les factures reçues, en consulter une, la
//! traiter (`traiter/recue`). Choix du simulateur : le compte technique d'un bac joue les
//! structures publiques qui reçoivent les factures de ce bac, comme le stagiaire les joue sur
//! le portail (« Jouer l'acheteur public ») ; l'environnement de qualification de l'AIFE donne
//! de même aux testeurs une structure fournisseur et une structure destinataire. Les statuts
//! passent par le même cas d'usage que sur le portail (`acheteur::traiter`), noté « joué par un
//! connecteur » au journal. Une recherche sans résultat répond `codeRetour` 20000
//! `TRA_MSG_00.015`, comme le vrai service.

use axum::extract::State;
use chorus_domain::Statut;
use chorus_store::acheteur::{self, Traitement};
use chorus_store::journal::Joueur;
use chorus_store::{facture, piste};
use serde_json::{Value, json};

use super::acces::AppelPiste;
use super::factures::{facture_complete, montant, statuts_demandes};
use super::reponse::{
    ErreurPiste, Resultat, entier, pagination, parametres_retour, succes, texte_facultatif,
};
use crate::api::client::CorpsJson;
use crate::etat::AppState;

/// Le SIRET du destinataire demandé : `idDestinataire` (son `idStructureCPP`) ou
/// `structureDestinataire.identifiantStructureDestinataire` ; aucun : tous ceux du bac.
fn destinataire_demande(corps: &Value) -> Option<String> {
    entier(corps, &["idDestinataire"]).and_then(piste::identifiant_de_l_id_cpp).or_else(|| {
        corps
            .get("structureDestinataire")
            .and_then(|s| s.get("identifiantStructureDestinataire"))
            .and_then(Value::as_str)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    })
}

/// `rechercher/recipiendaire` : les factures mises à disposition des structures publiques du
/// bac (ou de l'une, `idDestinataire`), les plus récentes d'abord. Critères lus : le
/// destinataire, `statutCourant`, `numeroFacture`, `typeFacture`.
pub async fn rechercher(
    State(etat): State<AppState>,
    appel: AppelPiste,
    CorpsJson(corps): CorpsJson,
) -> Resultat {
    let criteres = piste::Criteres {
        numero_facture: texte_facultatif(&corps, "numeroFacture"),
        numero_flux_depot: None,
        statuts: statuts_demandes(&corps),
        type_facture: texte_facultatif(&corps, "typeFacture"),
    };
    let destinataire = destinataire_demande(&corps);
    let (page, par_page) =
        pagination(corps.get("paramRecherche").or_else(|| corps.get("rechercheFactureParRecipiendaire")));
    let bac_id = appel.bac_id.clone();
    let (factures, total) = etat
        .lire(move |c, _| {
            let cote = piste::Cote::Destinataire(destinataire.as_deref());
            piste::rechercher_factures(c, &bac_id, cote, &criteres, page, par_page)
        })
        .await?;
    let liste: Vec<Value> = factures
        .iter()
        .map(|f| {
            json!({
                "idFacture": f.identifiant_cpp,
                "numeroFacture": f.numero,
                "statut": f.statut,
                "typeFacture": f.type_facture,
                "codeFournisseur": f.fournisseur,
                "designationFournisseur": f.raison_sociale_fournisseur,
                "typeIdentifiantFournisseur": "SIRET",
                "codeDestinataire": f.destinataire,
                "codeServiceExecutant": f.code_service,
                "dateFacture": f.date_facture,
                "dateDepot": f.date_depot,
                "dateHeureEtatCourant": f.date_statut.and_time(chrono::NaiveTime::MIN),
                "montantHT": montant(&f.montant_ht),
                "montantTTC": montant(&f.montant_ttc),
                "montantAPayer": montant(&f.montant_a_payer),
                "numeroBonCommande": f.numero_engagement,
                "numeroMarche": f.numero_marche,
                "devise": "EUR",
                "factureTelechargeeParDestinataire": false,
                "typeDemandePaiement": "FACTURE",
            })
        })
        .collect();
    let champs =
        json!({ "listeFactures": liste, "parametresRetour": parametres_retour(page, par_page, total) });
    if total == 0 {
        // Ce que le vrai service répond à une recherche vide, et que les connecteurs attendent.
        let mut vide = champs;
        vide["codeRetour"] = json!(20000);
        vide["libelle"] = json!("TRA_MSG_00.015");
        return Ok(axum::Json(vide));
    }
    Ok(succes(champs))
}

/// La facture reçue demandée (`idFacture` ou `identifiantFactureCPP`) : introuvable tant
/// qu'elle n'a pas été mise à disposition de son destinataire.
async fn facture_recue(
    etat: &AppState,
    appel: &AppelPiste,
    corps: &Value,
) -> Result<(i64, String), ErreurPiste> {
    let identifiant = entier(corps, &["idFacture", "identifiantFactureCPP"])
        .ok_or_else(|| ErreurPiste::refus("Le champ « idFacture » (un nombre entier) est obligatoire."))?;
    let bac = appel.bac_id.clone();
    let id = etat.lire(move |c, _| piste::facture_recue_de_l_identifiant(c, &bac, identifiant)).await?;
    id.map(|id| (identifiant, id)).ok_or_else(|| {
        ErreurPiste::introuvable(format!("Facture {identifiant} introuvable chez les destinataires."))
    })
}

/// `consulter/recipiendaire` : la facture complète, vue par son destinataire.
pub async fn consulter(
    State(etat): State<AppState>,
    appel: AppelPiste,
    CorpsJson(corps): CorpsJson,
) -> Resultat {
    let (identifiant, id) = facture_recue(&etat, &appel, &corps).await?;
    let bac = appel.bac_id.clone();
    let (fs, pieces) = etat
        .lire(move |c, _| {
            Ok((acheteur::facture_recue(c, &bac, &id)?, chorus_store::piece_jointe::lister(c, &bac, &id)?))
        })
        .await?;
    Ok(succes(json!({ "facture": facture_complete(identifiant, &fs, &pieces) })))
}

/// `traiter/recue` : le destinataire (ou son comptable) donne un nouveau statut : `SERVICE_FAIT`,
/// `MANDATEE` (avec `numeroDPMandat`), `REJETEE` ou `SUSPENDUE` (avec `motif`), `A_RECYCLER`…
/// Ce que le circuit refuse revient avec son explication.
pub async fn traiter(
    State(etat): State<AppState>,
    appel: AppelPiste,
    CorpsJson(corps): CorpsJson,
) -> Resultat {
    let (identifiant, id) = facture_recue(&etat, &appel, &corps).await?;
    let code = texte_facultatif(&corps, "nouveauStatut")
        .ok_or_else(|| ErreurPiste::refus("Le champ « nouveauStatut » est obligatoire."))?;
    let statut = Statut::depuis_code(&code)
        .map_err(|_| ErreurPiste::refus(format!("« {code} » n'est pas un statut de facture.")))?;
    let motif = texte_facultatif(&corps, "motif").unwrap_or_default();
    let numero_mandat = texte_facultatif(&corps, "numeroDPMandat").unwrap_or_default();
    let bac = appel.bac_id.clone();
    let (nouveau, numero, date) = etat
        .ecrire(move |tx, h| {
            let t = Traitement { nouveau_statut: statut, motif: &motif, numero_mandat: &numero_mandat };
            let nouveau = acheteur::traiter(tx, &bac, &id, &t, Joueur::Connecteur, h)?;
            let f = facture::charger(tx, &bac, &id)?;
            Ok((nouveau, f.facture.numero, f.date_statut))
        })
        .await?;
    Ok(succes(json!({
        "idFacture": identifiant,
        "numeroFacture": numero,
        "nouveauStatut": nouveau.code(),
        "dateTraitement": date,
    })))
}
