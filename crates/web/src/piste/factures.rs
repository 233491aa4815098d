//! `factures/v1` côté fournisseur : soumettre une facture saisie, la retrouver, la consulter,
//! suivre ses statuts. Les mêmes cas d'usage que le portail (`simulation::soumettre`, le
//! journal, la facture stockée) : ce que l'API fait se voit dans « Factures émises ».

use axum::extract::State;
use chorus_domain::montants;
use chorus_store::facture::{self, Issue};
use chorus_store::{journal, piste, simulation};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::acces::AppelPiste;
use super::reponse::{ErreurPiste, Resultat, pagination, parametres_retour, succes};
use crate::api::client::CorpsJson;
use crate::etat::AppState;

/// Un montant stocké (texte décimal) en nombre JSON, comme le vrai service l'écrit.
pub(super) fn montant(texte: &str) -> Value {
    texte.parse::<Decimal>().map_or(Value::Null, decimal)
}

/// Un montant arrondi au centime, en nombre JSON : entier s'il n'a pas de centimes.
pub(super) fn decimal(d: Decimal) -> Value {
    nombre(montants::arrondir(d))
}

/// Un nombre décimal en nombre JSON (entier s'il l'est) : les clients typés attendent des nombres.
fn nombre(d: Decimal) -> Value {
    use rust_decimal::prelude::ToPrimitive;
    let d = d.normalize();
    if d.scale() == 0 {
        d.to_i64().map_or(Value::Null, |n| json!(n))
    } else {
        d.to_f64().map_or(Value::Null, |n| json!(n))
    }
}

/// Les numéros (`…Id`) d'une liste de pièces jointes citées par une facture
/// (`pieceJointePrincipale`, `pieceJointeComplementaire`), en nombre ou en texte.
pub(super) fn pieces_citees(corps: &Value, liste: &str, champ: &str) -> Result<Vec<i64>, ErreurPiste> {
    let Some(elements) = corps.get(liste).filter(|v| !v.is_null()) else {
        return Ok(Vec::new());
    };
    let Some(elements) = elements.as_array() else {
        return Err(ErreurPiste::refus(format!("« {liste} » : une liste est attendue.")));
    };
    elements
        .iter()
        .enumerate()
        .map(|(rang, e)| {
            super::reponse::entier(e, &[champ]).filter(|n| *n > 0).ok_or_else(|| {
                ErreurPiste::refus(format!(
                    "« {liste}[{rang}].{champ} » : le numéro rendu par « ajouter/fichier » (pieceJointeId) est obligatoire."
                ))
            })
        })
        .collect()
}

/// `soumettre` : une facture saisie par l'API, au nom de la structure du compte technique.
/// `modeDepot` SAISIE_API (les données seules), ou DEPOT_PDF_API : les données et le PDF de la
/// facture, envoyé d'abord par `ajouter/fichier` et cité en `pieceJointePrincipale` ; dans les
/// deux cas, `pieceJointeComplementaire` joint d'autres fichiers envoyés de même. Le PDF est
/// contrôlé comme un dépôt sur le portail, avant la transaction. Choix du simulateur :
/// `fournisseur.idFournisseur` n'est pas relu, la structure étant celle du compte technique.
pub async fn soumettre(
    State(etat): State<AppState>,
    appel: AppelPiste,
    CorpsJson(corps): CorpsJson,
) -> Resultat {
    let s = crate::api::factures::lire_soumission(&corps)?;
    if s.mode == "DEPOT_PDF_SIGNE_API" {
        return Err(ErreurPiste::refus(
            "« modeDepot » DEPOT_PDF_SIGNE_API : le simulateur ne vérifie pas de signature électronique ; \
             déposez le PDF en DEPOT_PDF_API.",
        ));
    }
    crate::api::factures::verifier_mode(&s.mode, &["SAISIE_API", "DEPOT_PDF_API"])?;
    let principales = pieces_citees(&corps, "pieceJointePrincipale", "pieceJointePrincipaleId")?;
    let complementaires = pieces_citees(&corps, "pieceJointeComplementaire", "pieceJointeComplementaireId")?;
    let principal = match (s.mode == "DEPOT_PDF_API", principales.as_slice()) {
        (true, [n]) => Some(*n),
        (true, []) => {
            return Err(ErreurPiste::refus(
                "En DEPOT_PDF_API, « pieceJointePrincipale » cite le PDF de la facture : envoyez-le par \
                 « ajouter/fichier », puis donnez son numéro en pieceJointePrincipaleId.",
            ));
        }
        (true, _) => {
            return Err(ErreurPiste::refus(
                "« pieceJointePrincipale » : une facture n'a qu'un PDF ; joignez les autres fichiers en \
                 pieceJointeComplementaire.",
            ));
        }
        (false, []) => None,
        (false, _) => {
            return Err(ErreurPiste::refus(
                "« pieceJointePrincipale » est le PDF d'une facture déposée en DEPOT_PDF_API ; en SAISIE_API, \
                 joignez vos fichiers en pieceJointeComplementaire.",
            ));
        }
    };
    if let Some(numero) = principal {
        // Le PDF de la facture est lu puis contrôlé hors de l'écrivain, comme un dépôt du portail.
        let (bac, structure) = (appel.bac_id.clone(), appel.structure_id.clone());
        let (piece, contenu) = etat
            .lire(move |c, _| chorus_store::piece_jointe::contenu_fichier_api(c, &bac, &structure, numero))
            .await
            .map_err(|_| piece_inconnue(numero))?;
        crate::pages::pieces::controler_pdf(piece.nom, contenu)
            .await
            .map_err(|r| ErreurPiste::refus(format!("pieceJointePrincipale : {}", r.message)))?;
    }
    let AppelPiste { bac_id, structure_id } = appel;
    let mut s = s;
    let issue = etat
        .ecrire(move |tx, h| {
            // Les connecteurs réels n'envoient pas `dateFacture` (le vrai service répond une erreur
            // 500 quand elle est donnée, d'après un client publié) : la facture est alors datée du
            // jour du dépôt, dans le temps du bac.
            if s.brut.date_facture.trim().is_empty() {
                s.brut.date_facture = chorus_store::bac::bac(tx, &bac_id)?.date_simulee(h).to_string();
            }
            let issue = simulation::soumettre(tx, &bac_id, &structure_id, &s.brut, &s.declares, h)?;
            Ok(match issue {
                Issue::Acceptee(id) => {
                    if principal.is_some() || !complementaires.is_empty() {
                        let rattachement = chorus_store::piece_jointe::rattacher_fichiers_api(
                            tx,
                            &bac_id,
                            &structure_id,
                            &id,
                            principal,
                            &complementaires,
                        )?;
                        // Un fichier manquant défait la facture entière : rien n'est à moitié déposé.
                        rattachement.map_err(|r| chorus_store::Erreur::Invalide(r.message))?;
                    }
                    if principal.is_some() {
                        chorus_store::piece_jointe::noter_mode_depot_api_pdf(tx, &bac_id, &id)?;
                    }
                    Ok((facture::charger(tx, &bac_id, &id)?, piste::identifiant_cpp(tx, &bac_id, &id)?))
                }
                Issue::Refusee(anomalies) => Err(anomalies),
            })
        })
        .await?;
    match issue {
        Ok((f, identifiant)) => Ok(succes(json!({
            "identifiantFactureCPP": identifiant,
            "numeroFacture": f.facture.numero,
            "statutFacture": f.statut.code(),
            "dateDepot": f.date_depot,
        }))),
        Err(anomalies) => Err(super::reponse::refus_des_anomalies("Facture refusée", &anomalies)),
    }
}

pub(super) fn piece_inconnue(numero: i64) -> ErreurPiste {
    ErreurPiste::refus(format!(
        "La pièce jointe n° {numero} n'existe pas, ou a déjà été jointe à une facture : envoyez le fichier par \
         « ajouter/fichier » et citez le numéro rendu (pieceJointeId)."
    ))
}

/// `rechercher/fournisseur` : les factures envoyées par la structure, les plus récentes d'abord.
/// Critères lus : `numeroFacture`, `numeroFluxDepot`, `statutCourant[]`, `typeFacture` ; les
/// autres sont ignorés, comme les valeurs nulles ou zéro qu'envoient les clients typés.
/// Les statuts demandés (`statutCourant`) : une liste, ou un seul code.
pub(super) fn statuts_demandes(corps: &Value) -> Vec<String> {
    match corps.get("statutCourant") {
        Some(Value::Array(l)) => l.iter().filter_map(Value::as_str).map(str::to_string).collect(),
        Some(Value::String(s)) if !s.trim().is_empty() => vec![s.trim().to_string()],
        _ => Vec::new(),
    }
}

pub async fn rechercher_fournisseur(
    State(etat): State<AppState>,
    appel: AppelPiste,
    CorpsJson(corps): CorpsJson,
) -> Resultat {
    let statuts = statuts_demandes(&corps);
    let criteres = piste::Criteres {
        numero_facture: super::reponse::texte_facultatif(&corps, "numeroFacture"),
        numero_flux_depot: super::reponse::texte_facultatif(&corps, "numeroFluxDepot"),
        statuts,
        type_facture: super::reponse::texte_facultatif(&corps, "typeFacture"),
    };
    let (page, par_page) = pagination(corps.get("rechercheFactureParFournisseur"));
    let AppelPiste { bac_id, structure_id } = appel;
    let (factures, total) = etat
        .lire(move |c, _| {
            piste::factures_du_fournisseur(c, &bac_id, &structure_id, &criteres, page, par_page)
        })
        .await?;
    let liste: Vec<Value> = factures
        .iter()
        .map(|f| {
            json!({
                "identifiantFactureCPP": f.identifiant_cpp,
                "numeroFacture": f.numero,
                "statut": f.statut,
                "typeFacture": f.type_facture,
                "dateFacture": f.date_facture,
                "dateDepot": f.date_depot,
                "dateHeureEtatCourant": f.date_statut.and_time(chrono::NaiveTime::MIN),
                "codeDestinataire": f.destinataire,
                "designationDestinataire": f.raison_sociale_destinataire,
                "codeServiceExecutant": f.code_service,
                "numeroBonCommande": f.numero_engagement,
                "numeroMarche": f.numero_marche,
                "montantHT": montant(&f.montant_ht),
                "montantTTC": montant(&f.montant_ttc),
                "montantAPayer": montant(&f.montant_a_payer),
                "devise": "EUR",
                "numeroFluxDepot": f.numero_flux_depot,
                "modeDepot": f.mode_depot,
                "rejetTraite": f.rejet_traite,
                "typeDemandePaiement": "FACTURE",
            })
        })
        .collect();
    Ok(succes(
        json!({ "listeFactures": liste, "parametresRetour": parametres_retour(page, par_page, total) }),
    ))
}

/// Les champs où une facture de la structure est désignée, le premier étant celui qu'on nomme.
pub(super) const IDENTIFIANT_FACTURE: &[&str] = &["identifiantFactureCPP", "idFacture"];

/// La facture demandée par le premier champ entier de `noms` (en nombre ou en texte), si elle est
/// de la structure du compte technique.
pub(super) async fn facture_demandee(
    etat: &AppState,
    appel: &AppelPiste,
    corps: &Value,
    noms: &[&str],
) -> Result<(i64, String), ErreurPiste> {
    let identifiant = super::reponse::entier(corps, noms).ok_or_else(|| {
        ErreurPiste::refus(format!("Le champ « {} » (un nombre entier) est obligatoire.", noms[0]))
    })?;
    let (bac, structure) = (appel.bac_id.clone(), appel.structure_id.clone());
    let id = etat.lire(move |c, _| piste::facture_de_l_identifiant(c, &bac, &structure, identifiant)).await?;
    id.map(|id| (identifiant, id)).ok_or_else(|| {
        ErreurPiste::introuvable(format!("Facture {identifiant} introuvable pour cette structure."))
    })
}

/// `consulter/fournisseur` : la facture complète.
pub async fn consulter_fournisseur(
    State(etat): State<AppState>,
    appel: AppelPiste,
    CorpsJson(corps): CorpsJson,
) -> Resultat {
    let (identifiant, id) = facture_demandee(&etat, &appel, &corps, IDENTIFIANT_FACTURE).await?;
    let bac = appel.bac_id.clone();
    let (fs, pieces) = etat
        .lire(move |c, _| {
            Ok((facture::charger(c, &bac, &id)?, chorus_store::piece_jointe::lister(c, &bac, &id)?))
        })
        .await?;
    Ok(succes(json!({ "facture": facture_complete(identifiant, &fs, &pieces) })))
}

/// La facture complète, telle que `consulter/fournisseur` et `consulter/recipiendaire` la
/// rendent.
pub(super) fn facture_complete(
    identifiant: i64,
    fs: &facture::FactureStockee,
    pieces: &[chorus_store::piece_jointe::Piece],
) -> Value {
    let f = &fs.facture;
    let t = fs.totaux();
    let lignes: Vec<Value> = f
        .lignes
        .iter()
        .enumerate()
        .map(|(rang, l)| {
            json!({
                "lignePosteNumero": rang + 1,
                "lignePosteReference": l.reference,
                "lignePosteDenomination": l.designation,
                "lignePosteQuantite": nombre(l.quantite),
                "lignePosteUnite": l.unite,
                "lignePosteMontantUnitaireHT": nombre(l.prix_unitaire_ht),
                "lignePosteMontantRemiseHT": nombre(l.remise_ht),
                "lignePosteTauxTvaManuel": nombre(l.taux_tva.pourcentage()),
            })
        })
        .collect();
    json!({
            "identifiantFactureCPP": identifiant,
            "numeroFacture": f.numero,
            "statutFacture": fs.statut.code(),
            "modeDepot": fs.mode_depot.code(),
            "dateDepot": fs.date_depot,
            "cadreDeFacturation": {
                "codeCadreFacturation": f.cadre.code(),
                "codeStructureValideur": Some(&f.code_structure_valideur).filter(|v| !v.is_empty()),
            },
            "destinataire": {
                "codeDestinataire": f.destinataire,
                "libelleDestinataire": fs.raison_sociale_destinataire,
                "codeServiceExecutant": f.code_service,
            },
            "references": {
                "dateFacture": f.date_facture,
                "typeFacture": f.type_facture.code(),
                "typeTva": f.type_tva.code(),
                "modePaiement": f.mode_paiement.code(),
                "deviseFacture": "EUR",
                "numeroBonCommande": f.numero_engagement,
                "numeroMarche": f.numero_marche,
                "numeroFactureOrigine": Some(&f.numero_facture_origine).filter(|v| !v.is_empty()),
                "motifExonerationTva": Some(&f.motif_exoneration).filter(|v| !v.is_empty()),
            },
            "lignesDePoste": { "lignePoste": lignes },
            "montantTotal": {
                "montantHtTotal": decimal(t.total_ht),
                "montantTVA": decimal(t.total_tva),
                "montantTtcTotal": decimal(t.total_ttc),
                "montantAPayer": decimal(t.montant_a_payer),
            },
            "listeDesPiecesJointes": { "pieceJointe": pieces.iter().map(piece_jointe).collect::<Vec<_>>() },
    })
}

/// Un fichier de la facture comme `consulter/*` le liste : son numéro, son nom sans extension,
/// son extension et son type (ceux de `recuperer/typespj`).
fn piece_jointe(p: &chorus_store::piece_jointe::Piece) -> Value {
    let (designation, extension) = p.nom.rsplit_once('.').unwrap_or((&p.nom, ""));
    let (code, libelle) = if p.est_pdf_de_facture() {
        ("FACTURE", "Le PDF de la facture (pièce principale)")
    } else {
        ("COMPLEMENTAIRE", "Pièce jointe complémentaire")
    };
    json!({
        "pieceJointeId": p.numero,
        "pieceJointeDesignation": designation,
        "pieceJointeExtension": extension.to_ascii_uppercase(),
        "pieceJointeTypeCode": code,
        "pieceJointeTypeLibelle": libelle,
    })
}

/// `consulter/historique` : les statuts de la facture, le plus récent d'abord.
pub async fn historique(
    State(etat): State<AppState>,
    appel: AppelPiste,
    CorpsJson(corps): CorpsJson,
) -> Resultat {
    let (_, id) = facture_demandee(&etat, &appel, &corps, IDENTIFIANT_FACTURE).await?;
    let bac = appel.bac_id.clone();
    let (fs, entrees) = etat
        .lire(move |c, _| Ok((facture::charger(c, &bac, &id)?, journal::historique_facture(c, &bac, &id)?)))
        .await?;
    let statuts: Vec<Value> = entrees
        .iter()
        .rev()
        .filter_map(|e| {
            let statut = e.statut?;
            Some(json!({
                "histoStatutId": e.id,
                "histoStatutCode": statut.code(),
                "histoStatutDatePassage": e.date_simulee.and_time(chrono::NaiveTime::MIN),
                "histoStatutCommentaire": e.commentaire,
            }))
        })
        .collect();
    Ok(succes(json!({
        "statutCourantCode": fs.statut.code(),
        "historiquesDesStatuts": { "histoStatut": statuts },
    })))
}

/// `deposer/flux` : un fichier structuré (Factur-X, UBL, CII) en base64, au nom de la structure
/// du compte technique ; ses factures arrivent en `UPLOAD_API` une fois le flux intégré.
pub async fn deposer_flux(
    State(etat): State<AppState>,
    appel: AppelPiste,
    CorpsJson(corps): CorpsJson,
) -> Resultat {
    let depot = match crate::api::flux::lire_le_corps(&corps).await? {
        Ok((depot, _)) => depot,
        Err((code, libelle)) => {
            return Err(ErreurPiste {
                statut: axum::http::StatusCode::BAD_REQUEST,
                code_retour: code.into(),
                libelle,
            });
        }
    };
    let AppelPiste { bac_id, structure_id } = appel;
    let (numero, date) =
        etat.ecrire(move |c, h| chorus_store::flux::deposer(c, &bac_id, &structure_id, &depot, h)).await?;
    Ok(succes(json!({ "numeroFluxDepot": numero, "dateDepot": date })))
}

/// Au-delà, `telecharger/groupe` refuse, comme le vrai service (HTTP 413).
const TAILLE_MAX_TELECHARGEMENT: usize = 120 * 1024 * 1024;

/// `telecharger/groupe` : les factures demandées (`listeFacture[].idFacture`), au format PDF —
/// le PDF déposé, ou la page lisible d'une facture saisie ; une facture seule est le PDF même,
/// plusieurs font une archive ZIP (choix du simulateur : la forme du fichier groupé n'est pas
/// publiée). Les factures de la structure, et celles que reçoivent les destinataires que joue le
/// compte technique. Le format PIVOT n'est pas simulé.
pub async fn telecharger_groupe(
    State(etat): State<AppState>,
    appel: AppelPiste,
    CorpsJson(corps): CorpsJson,
) -> Resultat {
    use base64::Engine;
    match corps.get("format").and_then(Value::as_str).map(str::trim) {
        None | Some("") | Some("PDF") => {}
        Some(autre) => {
            return Err(ErreurPiste::refus(format!(
                "« format » : « {autre} » n'est pas simulé ; demandez le format PDF."
            )));
        }
    }
    let identifiants: Vec<i64> = corps
        .get("listeFacture")
        .and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .filter_map(|f| super::reponse::entier(f, &["idFacture", "identifiantFactureCPP"]))
                .collect()
        })
        .unwrap_or_default();
    if identifiants.is_empty() || identifiants.len() > 100 {
        return Err(ErreurPiste::refus(
            "Le champ « listeFacture » donne de 1 à 100 factures (« idFacture »).",
        ));
    }
    let AppelPiste { bac_id, structure_id } = appel;
    let fichiers = etat
        .lire(move |c, _| {
            let mut fichiers = Vec::with_capacity(identifiants.len());
            for identifiant in identifiants {
                let id = match piste::facture_de_l_identifiant(c, &bac_id, &structure_id, identifiant)? {
                    Some(id) => Some(id),
                    None => piste::facture_recue_de_l_identifiant(c, &bac_id, identifiant)?,
                };
                let Some(id) = id else {
                    return Ok(Err(identifiant));
                };
                fichiers.push(chorus_store::flux::pdf_de_la_facture(c, &bac_id, &id)?);
            }
            Ok(Ok(fichiers))
        })
        .await?
        .map_err(|identifiant| {
            ErreurPiste::introuvable(format!("Facture {identifiant} introuvable pour ce compte."))
        })?;
    // Rendus (et zippés) sur le réservoir des tâches bloquantes, hors de toute connexion.
    let contenu = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, chorus_store::Erreur> {
        let fichiers = fichiers.into_iter().map(|f| f.produire()).collect::<Result<Vec<_>, _>>()?;
        match fichiers.as_slice() {
            [(_, pdf)] => Ok(pdf.clone()),
            _ => chorus_store::piste::archive_zip(&fichiers),
        }
    })
    .await
    .map_err(|e| ErreurPiste::from(crate::erreur::AppError::Interne(format!("rendu des PDF : {e}"))))??;
    if contenu.len() > TAILLE_MAX_TELECHARGEMENT {
        return Err(ErreurPiste {
            statut: axum::http::StatusCode::PAYLOAD_TOO_LARGE,
            code_retour: super::reponse::CODE_REFUS,
            libelle: "Les factures demandées dépassent 120 Mo : demandez-en moins à la fois.".into(),
        });
    }
    Ok(succes(json!({ "fichierResultat": base64::engine::general_purpose::STANDARD.encode(contenu) })))
}
