//! `facturesTravaux/v1` : retrouver les pièces de travaux (projets de décompte, états
//! d'acompte, décomptes) selon le rôle de celui qui cherche — le fournisseur qui les a
//! déposées, la maîtrise d'œuvre qui les reçoit, le maître d'ouvrage. Les mêmes listes que
//! l'espace « Factures de travaux » du portail (`travaux::dossiers_*`).

use axum::extract::State;
use chorus_store::facture::Issue;
use chorus_store::piece_jointe as pj;
use chorus_store::{bac, piste, travaux};
use serde_json::{Value, json};

use super::acces::AppelPiste;
use super::factures::decimal;
use super::reponse::{ErreurPiste, Resultat, entier, page_de, pagination, succes, texte_facultatif};
use crate::api::client::CorpsJson;
use crate::etat::AppState;

/// `rechercher` : `roleUtilisateur` FOURNISSEUR (par défaut : les pièces déposées par la
/// structure du compte technique), MOE (celles que reçoit cette structure comme maîtrise
/// d'œuvre) ou MOA (celles que reçoit le maître d'ouvrage `idDestinataire` ; comme pour les
/// factures reçues, le compte technique joue les structures publiques de son bac). Aucune pièce :
/// `codeRetour` 20007 `GFT_MSG_01.075`, comme le vrai service.
pub async fn rechercher(
    State(etat): State<AppState>,
    appel: AppelPiste,
    CorpsJson(corps): CorpsJson,
) -> Resultat {
    let role = corps.get("roleUtilisateur").and_then(Value::as_str).map(str::trim).unwrap_or("FOURNISSEUR");
    if !matches!(role, "" | "FOURNISSEUR" | "MOE" | "MOA") {
        return Err(super::reponse::ErreurPiste::refus(format!(
            "« roleUtilisateur » : « {role} » ; le simulateur cherche en FOURNISSEUR, MOE ou MOA."
        )));
    }
    let role = role.to_string();
    let moa = entier(&corps, &["idDestinataire"]).and_then(piste::identifiant_de_l_id_cpp);
    let statuts = super::factures::statuts_demandes(&corps);
    let demandee = pagination(corps.get("rechercheFactureTravaux"));
    let AppelPiste { bac_id, structure_id } = appel;
    let lignes = etat
        .lire(move |c, h| {
            let siret = bac::structure_fournisseur(c, &bac_id, &structure_id)?.identifiant;
            let aujourd_hui = bac::bac(c, &bac_id)?.date_simulee(h);
            let dossiers = match role.as_str() {
                "MOE" => travaux::dossiers_de_la_moe(c, &bac_id, &siret)?,
                "MOA" => {
                    let moa = moa.ok_or(chorus_store::Erreur::Invalide(
                        "En MOA, « idDestinataire » (l'idStructureCPP du maître d'ouvrage) est obligatoire."
                            .into(),
                    ))?;
                    travaux::dossiers_de_la_moa(c, &bac_id, &moa)?
                }
                _ => travaux::dossiers_du_fournisseur(c, &bac_id, &structure_id, aujourd_hui)?,
            };
            Ok(dossiers
                .into_iter()
                .filter(|d| statuts.is_empty() || statuts.iter().any(|s| s == d.statut.code()))
                .collect::<Vec<_>>())
        })
        .await?;
    let (_, page, retour) = page_de(&lignes, demandee);
    if lignes.is_empty() {
        return Ok(axum::Json(json!({
            "codeRetour": 20007,
            "libelle": "GFT_MSG_01.075",
            "listeFacturesTravaux": [],
            "parametresRetour": retour,
        })));
    }
    let liste: Vec<Value> = page
        .iter()
        .map(|d| {
            json!({
                "idFactureTravaux": d.ordre,
                "numeroFactureTravaux": d.numero,
                "statutFactureTravaux": d.statut.code(),
                "typeFactureTravaux": d.cadre.code(),
                "dateDepot": d.date_depot,
                "dateHeureEtatCourant": d.date_statut.and_time(chrono::NaiveTime::MIN),
                "identifiantFournisseur": d.identifiant_fournisseur,
                "designationFournisseur": d.fournisseur,
                "identifiantDestinataire": d.destinataire,
                "designationDestinataire": d.maitre_ouvrage,
                "montantHT": decimal(d.montant_ht),
                "montantAdmisHT": d.montant_admis_ht.map(decimal),
                "aTraiter": d.a_traiter,
            })
        })
        .collect();
    Ok(succes(json!({ "listeFacturesTravaux": liste, "parametresRetour": retour })))
}

/// `soumettre` : le titulaire (ou son sous-traitant, son cotraitant) dépose une pièce de travaux
/// — un projet de décompte mensuel (A4), un projet de décompte final (A7)… Choix du
/// simulateur : les champs du vrai service ne sont pas publiés ; ce sont ceux du dépôt de
/// l'espace « Factures de travaux », nommés comme dans `rechercher` (`numeroFactureTravaux`,
/// `dateFactureTravaux`, `identifiantDestinataire`, `codeServiceExecutant`, `numeroBonCommande`,
/// `numeroMarche`, `identifiantMoe`, `cadreDeFacturation{codeCadreFacturation,
/// codeStructureValideur}`, `montantHT`, `tauxTva`, `motifExonerationTva`, `commentaire`).
/// Le PDF de la pièce est cité en `pieceJointePrincipale` (envoyé par `ajouter/fichier`) ; sans
/// lui, le simulateur le produit d'après les données, comme l'API de simulation.
pub async fn soumettre(
    State(etat): State<AppState>,
    appel: AppelPiste,
    CorpsJson(corps): CorpsJson,
) -> Resultat {
    let (brut, _) = crate::api::travaux::lire_depot(&corps)?;
    let principales =
        super::factures::pieces_citees(&corps, "pieceJointePrincipale", "pieceJointePrincipaleId")?;
    let (controle, principal) = match principales.as_slice() {
        [] => (crate::api::travaux::pdf_de_la_piece(&brut).await?, None),
        [numero] => {
            let numero = *numero;
            let (bac, structure) = (appel.bac_id.clone(), appel.structure_id.clone());
            let (piece, contenu) = etat
                .lire(move |c, _| pj::contenu_fichier_api(c, &bac, &structure, numero))
                .await
                .map_err(|_| super::factures::piece_inconnue(numero))?;
            let controle = crate::pages::pieces::controler_pdf(piece.nom, contenu)
                .await
                .map_err(|r| ErreurPiste::refus(format!("pieceJointePrincipale : {}", r.message)))?;
            (controle, Some(numero))
        }
        _ => {
            return Err(ErreurPiste::refus(
                "« pieceJointePrincipale » : une pièce de travaux n'a qu'un PDF.",
            ));
        }
    };
    let AppelPiste { bac_id, structure_id } = appel;
    let issue = etat
        .ecrire(move |tx, h| {
            let depot = pj::deposer_pdf(tx, &bac_id, &structure_id, Ok(controle), h)?
                .map_err(|r| chorus_store::Erreur::Invalide(r.message))?;
            Ok(match travaux::deposer(tx, &bac_id, &structure_id, &depot, &brut, h)? {
                Issue::Acceptee(id) => {
                    if let Some(numero) = principal {
                        pj::consommer_fichier_api(tx, &bac_id, &structure_id, numero)?;
                    }
                    Ok((travaux::charger(tx, &bac_id, &id)?, piste::identifiant_cpp(tx, &bac_id, &id)?))
                }
                Issue::Refusee(anomalies) => Err(anomalies),
            })
        })
        .await?;
    match issue {
        Ok((f, identifiant)) => Ok(succes(json!({
            "idFactureTravaux": identifiant,
            "numeroFactureTravaux": f.facture.numero,
            "typeFactureTravaux": f.facture.cadre.code(),
            "dateDepot": f.date_depot,
            "statutFactureTravaux": f.statut.code(),
        }))),
        Err(anomalies) => Err(super::reponse::refus_des_anomalies("Pièce de travaux refusée", &anomalies)),
    }
}

const IDENTIFIANT_PIECE: &[&str] = &["idFactureTravaux"];

/// `consulter` : un dossier de travaux déposé par la structure, en entier — ses délais (MOE,
/// décompte général, procédure tacite), la chaîne de ses pièces, son historique.
pub async fn consulter(
    State(etat): State<AppState>,
    appel: AppelPiste,
    CorpsJson(corps): CorpsJson,
) -> Resultat {
    let (identifiant, id) =
        super::factures::facture_demandee(&etat, &appel, &corps, IDENTIFIANT_PIECE).await?;
    let bac = appel.bac_id.clone();
    let mut dossier = etat.lire(move |c, h| crate::api::travaux::dossier(c, &bac, &id, h)).await?;
    dossier["idFactureTravaux"] = json!(identifiant);
    Ok(succes(json!({ "factureTravaux": dossier })))
}

/// `recycler` : une pièce renvoyée pour erreur d'acheminement (par la MOE ou la MOA) repart avec
/// ses données corrigées, les champs de l'exemple publié : `idFactureTravaux`,
/// `identifiantDestinataire`, `codeServiceExecutant`, `numeroBonCommande` (et `identifiantMoe`
/// quand la MOE s'est dite non concernée). Un champ absent garde la valeur de la pièce.
pub async fn recycler(
    State(etat): State<AppState>,
    appel: AppelPiste,
    CorpsJson(corps): CorpsJson,
) -> Resultat {
    let (identifiant, id) =
        super::factures::facture_demandee(&etat, &appel, &corps, IDENTIFIANT_PIECE).await?;
    let champ = |nom: &str| texte_facultatif(&corps, nom);
    let (destinataire, service, engagement, moe) = (
        champ("identifiantDestinataire"),
        champ("codeServiceExecutant"),
        champ("numeroBonCommande"),
        champ("identifiantMoe"),
    );
    let AppelPiste { bac_id, structure_id } = appel;
    let issue = etat
        .ecrire(move |tx, h| {
            let f = travaux::charger(tx, &bac_id, &id)?;
            let r = travaux::Recyclage {
                acheminement: chorus_domain::suites::Acheminement {
                    destinataire: destinataire.unwrap_or(f.facture.destinataire.clone()),
                    code_service: service.unwrap_or(f.facture.code_service.clone()),
                    numero_engagement: engagement.unwrap_or(f.facture.numero_engagement.clone()),
                },
                moe: moe.or(f.moe.clone()).unwrap_or_default(),
            };
            Ok(match travaux::recycler(tx, &bac_id, &structure_id, &id, &r, h)? {
                Ok(_) => Ok(travaux::charger(tx, &bac_id, &id)?),
                Err(anomalies) => Err(anomalies),
            })
        })
        .await?;
    match issue {
        Ok(f) => Ok(succes(json!({
            "idFactureTravaux": identifiant,
            "numeroFactureTravaux": f.facture.numero,
            "dateDepotFactureTravaux": f.date_depot,
            "statutFactureTravaux": f.statut.code(),
        }))),
        Err(anomalies) => Err(super::reponse::refus_des_anomalies("Recyclage refusé", &anomalies)),
    }
}
