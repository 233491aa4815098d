//! Les factures de travaux par l'API de simulation, avec les noms de champs du service
//! `facturesTravaux` de Chorus Pro (`idFactureTravaux`, `numeroFactureTravaux`,
//! `statutFactureTravaux`, `typeFactureTravaux`, `identifiantDestinataire`…) : déposer un projet
//! de décompte, lire les dossiers d'un bac et leur chaîne de pièces, faire agir la maîtrise
//! d'œuvre ou la maîtrise d'ouvrage, et déposer la pièce suivante du titulaire (DGD). Les mêmes
//! cas d'usage que le portail (`chorus_store::travaux`).
//!
//! L'API ne transporte pas de fichier : le PDF de chaque pièce déposée est produit par le
//! simulateur à partir des données envoyées (choix du simulateur, documenté dans docs/api.md).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chorus_domain::facture::CadreFacturation;
use chorus_domain::statut::Acteur;
use chorus_domain::travaux::{self as regles, DepotBrut, MotifMoe};
use chorus_domain::{Anomalie, Statut};
use chorus_store::facture::{FactureStockee, Issue};
use chorus_store::journal::{Coup, Joueur};
use chorus_store::travaux::{self, Geste, PieceSuivanteBrute};
use chorus_store::{piece_jointe as pj, simulation};
use rusqlite::Connection;
use serde_json::{Value, json};

use super::client::{ClientApi, CorpsJson};
use super::lecture::Objet;
use crate::erreur::{AppError, ErreurApi};
use crate::etat::AppState;

type ReponseApi = Result<(StatusCode, Json<Value>), ErreurApi>;

const LIBELLE_SUCCES: &str = "TRA_MSG_00.000";

/// Le chemin JSON d'un champ du formulaire de dépôt, pour les anomalies.
fn chemin_du_champ(champ: &str) -> &str {
    match champ {
        "cadre" => "cadreDeFacturation.codeCadreFacturation",
        "numero" => "numeroFactureTravaux",
        "date_piece" => "dateFactureTravaux",
        "destinataire" => "identifiantDestinataire",
        "code_service" => "codeServiceExecutant",
        "numero_engagement" => "numeroBonCommande",
        "numero_marche" => "numeroMarche",
        "moe" => "identifiantMoe",
        "valideur" => "cadreDeFacturation.codeStructureValideur",
        "montant_ht" => "montantHT",
        "taux_tva" => "tauxTva",
        "motif_exoneration" => "motifExonerationTva",
        autre => autre,
    }
}

fn refus_anomalies(anomalies: &[Anomalie]) -> (StatusCode, Json<Value>) {
    let detail: Vec<Value> = anomalies
        .iter()
        .map(|a| json!({ "champ": chemin_du_champ(&a.champ), "code": a.code, "message": a.message }))
        .collect();
    let messages: Vec<&str> = anomalies.iter().map(|a| a.message.as_str()).collect();
    (
        StatusCode::BAD_REQUEST,
        Json(json!({
            "codeRetour": StatusCode::BAD_REQUEST.as_u16(),
            "libelle": format!("La pièce est refusée : {} anomalie(s). {}", anomalies.len(), messages.join(" ")),
            "anomalies": detail,
        })),
    )
}

/// « 2026-11-22 » (ISO, comme l'API de Chorus Pro) devient la date du formulaire.
fn date_du_formulaire(iso: &str) -> String {
    chrono::NaiveDate::parse_from_str(iso.trim(), "%Y-%m-%d")
        .map(|d| d.format("%d/%m/%Y").to_string())
        .unwrap_or_else(|_| iso.to_string())
}

/// Le PDF d'une pièce déposée par l'API, produit puis contrôlé hors de toute transaction.
async fn pdf_controle(titre: &str, lignes: &[(&str, &str)]) -> Result<pj::PdfControle, AppError> {
    let contenu = travaux::pdf_produit(titre, lignes)?;
    crate::pages::pieces::controler_pdf("piece-de-travaux.pdf".into(), contenu)
        .await
        .map_err(|r| AppError::Interne(r.message))
}

/// Un dépôt de pièce de travaux lu d'un corps JSON, et `idFournisseur` s'il est donné : les
/// champs du dépôt de l'espace « Factures de travaux », que lisent l'API de simulation et
/// `facturesTravaux/v1/soumettre`.
pub(crate) fn lire_depot(corps: &Value) -> Result<(DepotBrut, Option<String>), AppError> {
    let o = Objet::racine(
        corps,
        r#"{"cadreDeFacturation": {"codeCadreFacturation": "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR"}, "numeroFactureTravaux": "PD-2026-11", …}"#,
    )?;
    let cadre = o.objet("cadreDeFacturation")?;
    let brut = DepotBrut {
        cadre: cadre.texte("codeCadreFacturation")?,
        valideur: cadre.texte("codeStructureValideur")?,
        numero: o.texte("numeroFactureTravaux")?,
        date_piece: date_du_formulaire(&o.texte("dateFactureTravaux")?),
        destinataire: o.texte("identifiantDestinataire")?,
        code_service: o.texte("codeServiceExecutant")?,
        numero_engagement: o.texte("numeroBonCommande")?,
        numero_marche: o.texte("numeroMarche")?,
        moe: o.texte("identifiantMoe")?,
        montant_ht: o.texte_ou_nombre("montantHT")?.replace('.', ","),
        taux_tva: o.texte_ou_nombre("tauxTva")?.replace('.', ","),
        motif_exoneration: chorus_domain::montants::mention_d_exoneration(&o.texte("motifExonerationTva")?)
            .to_string(),
        commentaire: o.texte("commentaire")?,
    };
    let fournisseur = Some(o.texte_ou_nombre("idFournisseur")?).filter(|s| !s.trim().is_empty());
    Ok((brut, fournisseur))
}

/// Le PDF d'une pièce déposée sans fichier : le simulateur le produit d'après ses données (ce
/// que le logiciel du titulaire aurait produit), puis le contrôle comme un dépôt.
pub(crate) async fn pdf_de_la_piece(brut: &DepotBrut) -> Result<pj::PdfControle, AppError> {
    let nature = CadreFacturation::depuis_code(&brut.cadre).map(regles::nature).unwrap_or("Pièce de travaux");
    let titre = format!("{nature} n° {}", brut.numero);
    let lignes =
        [("Marché", &brut.numero_marche), ("Montant HT", &brut.montant_ht), ("Taux de TVA", &brut.taux_tva)];
    let lignes: Vec<(&str, &str)> = lignes.iter().map(|(k, v)| (*k, v.as_str())).collect();
    pdf_controle(&titre, &lignes).await
}

/// `POST /api/sim/v1/bacs/{idBac}/factures-travaux` : le titulaire (ou son sous-traitant, son
/// cotraitant) dépose un projet de décompte, comme dans « Factures de travaux › Déposer ».
pub async fn deposer(
    State(etat): State<AppState>,
    client: ClientApi,
    Path(id_bac): Path<String>,
    CorpsJson(corps): CorpsJson,
) -> ReponseApi {
    let (brut, fournisseur) = lire_depot(&corps)?;
    // Le PDF est produit et contrôlé avant la transaction.
    let controle = pdf_de_la_piece(&brut).await?;
    let formateur_id = client.formateur.id;
    let issue = etat
        .ecrire(move |tx, h| {
            simulation::bac_du_formateur(tx, &formateur_id, &id_bac)?;
            let structure = simulation::structure_deposante(tx, &id_bac, fournisseur.as_deref())?;
            let depot = match pj::deposer_pdf(tx, &id_bac, &structure.id, Ok(controle), h)? {
                Ok(d) => d,
                Err(r) => return Err(chorus_store::Erreur::Invalide(r.message)),
            };
            Ok(match travaux::deposer(tx, &id_bac, &structure.id, &depot, &brut, h)? {
                Issue::Acceptee(id) => Ok(travaux::charger(tx, &id_bac, &id)?),
                Issue::Refusee(anomalies) => Err(anomalies),
            })
        })
        .await?;
    match issue {
        Ok(f) => Ok((
            StatusCode::CREATED,
            Json(json!({
                "codeRetour": 0,
                "libelle": LIBELLE_SUCCES,
                "idFactureTravaux": f.id,
                "numeroFactureTravaux": f.facture.numero,
                "typeFactureTravaux": f.facture.cadre.code(),
                "dateDepot": f.date_depot,
                "statutFactureTravaux": f.statut.code(),
            })),
        )),
        Err(anomalies) => Ok(refus_anomalies(&anomalies)),
    }
}

/// Un montant avec ses deux décimales : « 12000.00 ».
fn montant(m: rust_decimal::Decimal) -> String {
    format!("{:.2}", m.round_dp(2))
}

/// Une ligne de la liste des dossiers.
fn resume(f: &FactureStockee, identifiant_fournisseur: &str) -> Value {
    let t = f.totaux();
    json!({
        "idFactureTravaux": f.id,
        "numeroFactureTravaux": f.facture.numero,
        "statutFactureTravaux": f.statut.code(),
        "libelleStatut": f.statut.libelle(),
        "typeFactureTravaux": f.facture.cadre.code(),
        "dateFactureTravaux": f.facture.date_facture,
        "dateDepot": f.date_depot,
        "identifiantFournisseur": identifiant_fournisseur,
        "identifiantDestinataire": f.facture.destinataire,
        "identifiantServiceExecutant": f.facture.code_service,
        "identifiantMoe": f.moe,
        "numeroMarche": f.facture.numero_marche,
        "montantHT": montant(t.total_ht),
        "montantTTC": montant(t.total_ttc),
        "montantAdmisHT": f.montant_admis_ht.map(montant),
        "montantAPayer": montant(f.montant_a_payer()),
    })
}

fn identifiant_fournisseur(
    c: &Connection,
    bac_id: &str,
    f: &FactureStockee,
) -> Result<String, chorus_store::Erreur> {
    Ok(chorus_store::bac::structure_fournisseur(c, bac_id, &f.structure_id)?.identifiant)
}

/// `GET /api/sim/v1/bacs/{idBac}/factures-travaux` : les dossiers du bac, le plus récent d'abord.
pub async fn lister(
    State(etat): State<AppState>,
    client: ClientApi,
    Path(id_bac): Path<String>,
) -> ReponseApi {
    let formateur_id = client.formateur.id;
    let liste = etat
        .lire(move |c, _| {
            simulation::bac_du_formateur(c, &formateur_id, &id_bac)?;
            let ids: Vec<String> = c
                .prepare_cached(
                    "SELECT id FROM facture WHERE bac_id = ?1 AND travaux ORDER BY ordre DESC LIMIT 500",
                )?
                .query_map([&id_bac], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            ids.iter()
                .map(|id| {
                    let f = travaux::charger(c, &id_bac, id)?;
                    Ok(resume(&f, &identifiant_fournisseur(c, &id_bac, &f)?))
                })
                .collect::<Result<Vec<_>, chorus_store::Erreur>>()
        })
        .await?;
    Ok((
        StatusCode::OK,
        Json(json!({ "codeRetour": 0, "libelle": LIBELLE_SUCCES, "listeFacturesTravaux": liste })),
    ))
}

/// Un dossier de travaux en entier : le résumé, ses délais, sa chaîne de pièces, son historique
/// (`GET …/factures-travaux/{id}`, `facturesTravaux/v1/consulter`).
pub(crate) fn dossier(
    c: &Connection,
    bac_id: &str,
    facture_id: &str,
    h: &chorus_store::Horloge,
) -> Result<Value, chorus_store::Erreur> {
    let f = travaux::charger(c, bac_id, facture_id)?;
    let hist = travaux::historique(c, bac_id, facture_id)?;
    let delais = travaux::delais(f.facture.cadre, f.statut, &hist);
    let aujourd_hui = chorus_store::bac::bac(c, bac_id)?.date_simulee(h);
    let mut v = resume(&f, &identifiant_fournisseur(c, bac_id, &f)?);
    v["delais"] = json!({
        "dateReceptionMoe": delais.reception_moe,
        "dateLimiteMoe": delais.limite_moe,
        "dateLimiteDecompteGeneral": delais.limite_decompte_general,
        "dateLimiteSignature": delais.limite_signature,
        "dateLimiteMoaProcedureTacite": delais.limite_moa_tacite,
    });
    v["piecesSuivantesPossibles"] = json!(
        travaux::pieces_suivantes_possibles(&f, &hist, aujourd_hui)
            .iter()
            .map(|c| c.code())
            .collect::<Vec<_>>()
    );
    v["pieces"] = json!(
        travaux::pieces(c, bac_id, facture_id)?
            .iter()
            .map(|p| json!({
                "idPiece": p.id,
                "typeFactureTravaux": p.cadre.code(),
                "nature": regles::nature(p.cadre),
                "numeroFactureTravaux": p.numero,
                "deposant": p.deposant.code(),
                "identifiantDeposant": p.identifiant_deposant,
                "dateDepot": p.date_depot,
                "montantHT": montant(p.montant_ht),
                "montantTTC": montant(p.montant_ttc),
                "piecePayable": regles::est_payable(p.cadre),
            }))
            .collect::<Vec<_>>()
    );
    v["historique"] = json!(
        chorus_store::journal::historique_facture(c, bac_id, facture_id)?
            .iter()
            .map(|e| json!({
                "statut": e.statut.map(Statut::code),
                "date": e.date_simulee,
                "acteur": e.acteur,
                "commentaire": e.commentaire,
            }))
            .collect::<Vec<_>>()
    );
    Ok(v)
}

/// `GET …/factures-travaux/{idFactureTravaux}` : le dossier, ses délais, sa chaîne de pièces et
/// son historique.
pub async fn lire(
    State(etat): State<AppState>,
    client: ClientApi,
    Path((id_bac, id)): Path<(String, String)>,
) -> ReponseApi {
    let formateur_id = client.formateur.id;
    let dossier = etat
        .lire(move |c, h| {
            simulation::bac_du_formateur(c, &formateur_id, &id_bac)?;
            dossier(c, &id_bac, &id, h)
        })
        .await?;
    let mut reponse = json!({ "codeRetour": 0, "libelle": LIBELLE_SUCCES });
    reponse["factureTravaux"] = dossier;
    Ok((StatusCode::OK, Json(reponse)))
}

/// Le geste demandé à la MOE ou à la MOA.
fn geste(o: &Objet<'_>) -> Result<Geste, AppError> {
    let montant = || -> Result<Option<rust_decimal::Decimal>, AppError> {
        let t = o.texte_ou_nombre("montantAdmisHT")?;
        if t.trim().is_empty() {
            return Ok(None);
        }
        regles::lire_montant(&t.replace('.', ","))
            .map(Some)
            .map_err(|m| AppError::Requete(format!("« montantAdmisHT » : {m}")))
    };
    let motif = |quoi: &str| -> Result<String, AppError> { o.texte_requis("motif", quoi) };
    let action = o.texte_requis("action", "l'action de la maîtrise d'œuvre ou d'ouvrage")?;
    Ok(match action.trim() {
        "PRENDRE_EN_COMPTE" => Geste::PrendreEnCompte,
        "TRANSMETTRE_MOA" => Geste::Transmettre { montant_admis_ht: montant()?, au_service_financier: false },
        "TRANSMETTRE_SERVICE_FINANCIER" => {
            Geste::Transmettre { montant_admis_ht: montant()?, au_service_financier: true }
        }
        "VALIDER" => Geste::Valider { montant_admis_ht: montant()? },
        "NOTIFIER_DECOMPTE_GENERAL" => Geste::NotifierDecompteGeneral { montant_ht: montant()? },
        "DEPOSER_DGD_TACITE" => Geste::DeposerDgdTacite,
        "DEMANDER_COMPLEMENT" => Geste::DemanderComplement { motif: motif("ce qui manque")? },
        "SIGNALER_ERREUR_ACHEMINEMENT" => {
            Geste::SignalerErreur { motif: motif("pourquoi la pièce ne la concerne pas")? }
        }
        "REFUSER" => {
            let code = o.texte_requis("motifRefus", "le code du motif de refus")?;
            let m = MotifMoe::depuis_code(code.trim()).ok_or_else(|| {
                AppError::Requete(format!(
                    "« motifRefus » : « {code} » n'est pas un motif de la liste ({})",
                    regles::MOTIFS_REFUS_MOE.iter().map(|m| m.code).collect::<Vec<_>>().join(", ")
                ))
            })?;
            Geste::Refuser { motif: m.texte(&o.texte("complementInfo")?).map_err(AppError::Requete)? }
        }
        autre => {
            return Err(AppError::Requete(format!(
                "« action » : « {autre} » n'est pas une action ; donnez PRENDRE_EN_COMPTE, TRANSMETTRE_MOA, \
                 TRANSMETTRE_SERVICE_FINANCIER, VALIDER, NOTIFIER_DECOMPTE_GENERAL, DEMANDER_COMPLEMENT, REFUSER, \
                 SIGNALER_ERREUR_ACHEMINEMENT ou DEPOSER_DGD_TACITE"
            )));
        }
    })
}

/// `POST …/factures-travaux/{idFactureTravaux}/traiter` : la MOE (`"role": "MOE"`) ou la MOA
/// (`"MOA"`) agit sur le dossier, comme depuis ses pages.
pub async fn traiter(
    State(etat): State<AppState>,
    client: ClientApi,
    Path((id_bac, id)): Path<(String, String)>,
    CorpsJson(corps): CorpsJson,
) -> ReponseApi {
    let o = Objet::racine(
        &corps,
        r#"{"role": "MOE", "action": "TRANSMETTRE_MOA", "montantAdmisHT": "10000.00"}"#,
    )?;
    let acteur = match o.texte_requis("role", "« MOE » ou « MOA »")?.trim() {
        "MOE" => Acteur::Moe,
        "MOA" => Acteur::Moa,
        autre => {
            return Err(
                AppError::Requete(format!("« role » : « {autre} » ; donnez « MOE » ou « MOA »")).into()
            );
        }
    };
    let g = geste(&o)?;
    let formateur_id = client.formateur.id;
    let (statut, date) = etat
        .ecrire(move |tx, h| {
            let bac = simulation::bac_du_formateur(tx, &formateur_id, &id_bac)?;
            let date = bac.date_simulee(h);
            let coup = Coup { joueur: Joueur::Api, date, regle: None };
            Ok((travaux::agir(tx, &id_bac, &id, acteur, &g, coup, h)?, date))
        })
        .await?;
    Ok((
        StatusCode::OK,
        Json(json!({
            "codeRetour": 0,
            "libelle": LIBELLE_SUCCES,
            "statutFactureTravaux": statut.code(),
            "dateTraitement": date,
        })),
    ))
}

/// `POST …/factures-travaux/{idFactureTravaux}/piece-suivante` : le titulaire dépose le DGD
/// signé (A8), son projet de décompte général (A22) ou le DGD tacite (A23).
pub async fn piece_suivante(
    State(etat): State<AppState>,
    client: ClientApi,
    Path((id_bac, id)): Path<(String, String)>,
    CorpsJson(corps): CorpsJson,
) -> ReponseApi {
    let o = Objet::racine(
        &corps,
        r#"{"typeFactureTravaux": "A8_DECOMPTE_GENERAL_DEFINITIF_FOURNISSEUR", "numeroFactureTravaux": "PDF-1-DGD", "montantHT": "40000.00"}"#,
    )?;
    let brut = PieceSuivanteBrute {
        cadre: o.texte_requis("typeFactureTravaux", "le cadre de la pièce (A8, A22 ou A23)")?,
        numero: o.texte("numeroFactureTravaux")?,
        montant_ht: o.texte_ou_nombre("montantHT")?.replace('.', ","),
        commentaire: o.texte("commentaire")?,
    };
    let titre = format!("Pièce n° {}", brut.numero);
    let controle = pdf_controle(&titre, &[("Cadre", &brut.cadre), ("Montant HT", &brut.montant_ht)]).await?;
    let formateur_id = client.formateur.id;
    // Des anomalies défont la transaction : le PDF produit pour la pièce n'est pas gardé.
    let issue = etat
        .ecrire_saisie(move |tx, h| {
            simulation::bac_du_formateur(tx, &formateur_id, &id_bac)?;
            let f = travaux::charger(tx, &id_bac, &id)?;
            let depot = match pj::deposer_pdf(tx, &id_bac, &f.structure_id, Ok(controle), h)? {
                Ok(d) => d,
                Err(r) => return Err(chorus_store::Erreur::Invalide(r.message)),
            };
            travaux::deposer_piece_suivante(tx, &id_bac, &f.structure_id, &id, &depot, &brut, h)?
                .map_err(chorus_store::Erreur::Anomalies)
        })
        .await?;
    match issue {
        Ok(statut) => Ok((
            StatusCode::OK,
            Json(
                json!({ "codeRetour": 0, "libelle": LIBELLE_SUCCES, "statutFactureTravaux": statut.code() }),
            ),
        )),
        Err(anomalies) => Ok(refus_anomalies(&anomalies)),
    }
}
