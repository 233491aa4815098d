//! Les factures d'un bac à sable par l'API : les déposer avec le corps JSON du service
//! `soumettre` de Chorus Pro, les lire avec leur historique, jouer le destinataire
//! (`traiter`), compléter une facture suspendue, lire le délai de paiement. Ce module ne fait
//! que traduire le JSON vers les cas d'usage du stockage et leurs résultats vers le JSON.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use chorus_domain::Statut;
use chorus_domain::delai_paiement::Situation;
use chorus_domain::montants;
use chorus_domain::saisie::{LigneBrute, MontantsDeclares, SaisieBrute};
use chorus_store::acheteur::{self, Joueur, Traitement};
use chorus_store::facture::{self, Filtre, Issue};
use chorus_store::paiement::{self, EtatPaiement};
use chorus_store::{journal, simulation, suivi};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::client::{ClientApi, CorpsJson};
use super::lecture::Objet;
use crate::erreur::{AppError, ErreurApi};
use crate::etat::AppState;

type Reponse = Result<(StatusCode, Json<Value>), ErreurApi>;

/// Le `libelle` d'une réponse réussie, tel que Chorus Pro l'écrit.
const LIBELLE_SUCCES: &str = "TRA_MSG_00.000";

/// Un montant en texte, toujours avec deux décimales (« 1440.00 ») : jamais de nombre à virgule
/// flottante dans une réponse.
fn montant(d: Decimal) -> String {
    let mut m = d.round_dp(2);
    m.rescale(2);
    m.to_string()
}

/// `GET /api/sim/v1/bacs/{idBac}/factures`, 50 par page (`?page=2`).
pub async fn lister(
    State(etat): State<AppState>,
    client: ClientApi,
    Path(id_bac): Path<String>,
    RawQuery(requete): RawQuery,
) -> Reponse {
    let page = match requete.as_deref().unwrap_or("").split('&').find_map(|p| p.strip_prefix("page=")) {
        None => 1,
        Some(p) => p.parse::<usize>().ok().filter(|p| *p >= 1).ok_or_else(|| {
            AppError::Requete(format!("« page={p} » : le numéro de page est un entier à partir de 1"))
        })?,
    };
    let formateur_id = client.formateur.id;
    let (factures, total) = etat
        .lire(move |c, _| {
            simulation::bac_du_formateur(c, &formateur_id, &id_bac)?;
            facture::lister(c, &id_bac, &Filtre { page, ..Filtre::default() })
        })
        .await?;
    let factures: Vec<Value> = factures
        .iter()
        .map(|f| {
            json!({
                "identifiantFactureCPP": f.id,
                "numeroFacture": f.numero,
                "statutFacture": f.statut.code(),
                "dateFacture": f.date_facture,
                "dateDepot": f.date_depot,
                "dateStatut": f.date_statut,
                "codeDestinataire": f.destinataire,
                "raisonSocialeDestinataire": f.raison_sociale_destinataire,
                "montantTtcTotal": montant(f.total_ttc),
            })
        })
        .collect();
    Ok((
        StatusCode::OK,
        Json(json!({ "factures": factures, "total": total, "page": page, "parPage": facture::PAR_PAGE })),
    ))
}

/// Où se trouve, dans le corps de `soumettre`, le champ que nomme une anomalie de la saisie.
fn chemin_du_champ(champ: &str, ligne: Option<usize>) -> String {
    let entete = match champ {
        "numero" => "numeroFactureSaisi",
        "date_facture" => "dateFacture",
        "type_facture" => "references.typeFacture",
        "cadre" => "cadreDeFacturation.codeCadreFacturation",
        "destinataire" => "destinataire.codeDestinataire",
        "code_service" => "destinataire.codeServiceExecutant",
        "numero_engagement" => "references.numeroBonCommande",
        "numero_marche" => "references.numeroMarche",
        "mode_paiement" => "references.modePaiement",
        "type_tva" => "references.typeTva",
        "motif_exoneration" => "references.motifExonerationTva",
        "numero_facture_origine" => "references.numeroFactureOrigine",
        "code_structure_valideur" => "cadreDeFacturation.codeStructureValideur",
        "code_service_valideur" => "cadreDeFacturation.codeServiceValideur",
        "lignes" => "lignePoste",
        "montant_ht_total" => "montantTotal.montantHtTotal",
        "montant_tva" => "montantTotal.montantTVA",
        "montant_ttc_total" => "montantTotal.montantTtcTotal",
        "montant_a_payer" => "montantTotal.montantAPayer",
        _ => "",
    };
    if !entete.is_empty() {
        return entete.to_string();
    }
    let ligne_poste = match champ {
        "ligne_reference" => "lignePosteReference",
        "ligne_designation" => "lignePosteDenomination",
        "ligne_quantite" => "lignePosteQuantite",
        "ligne_unite" => "lignePosteUnite",
        "ligne_prix_unitaire_ht" => "lignePosteMontantUnitaireHT",
        "ligne_remise_ht" => "lignePosteMontantRemiseHT",
        "ligne_taux_tva" => "lignePosteTauxTvaManuel",
        autre => return autre.to_string(),
    };
    format!("lignePoste[{}].{ligne_poste}", ligne.unwrap_or(1).saturating_sub(1))
}

/// Le taux d'une ligne : `lignePosteTauxTvaManuel` (le taux en %), sinon le code
/// `lignePosteTauxTva`, traduit seulement quand sa correspondance est attestée (`TVA1`, 0 %) ;
/// un autre code est refusé plutôt que deviné. Le second élément dit si c'est la franchise en
/// base (son libellé sert alors de motif d'exonération par défaut).
fn taux_de_la_ligne(l: &Objet<'_>, rang: usize) -> Result<(String, bool), AppError> {
    let manuel = l.texte_ou_nombre("lignePosteTauxTvaManuel")?;
    if !manuel.trim().is_empty() {
        return Ok((manuel, false));
    }
    let code = l.texte_ou_nombre("lignePosteTauxTva")?;
    let code = code.trim();
    if code.is_empty() {
        return Ok((String::new(), false));
    }
    match montants::taux_du_code_tva(code) {
        Some(taux) => Ok((taux.libelle().to_string(), true)),
        None => Err(AppError::Requete(format!(
            "« lignePoste[{rang}].lignePosteTauxTva » : le code « {code} » n'a pas de taux connu avec certitude \
             (seul {franchise}, 0 %, « {libelle} », est établi). Donnez le taux en pourcentage dans \
             « lignePosteTauxTvaManuel » : 20, 10, 5.5, 2.1 ou 0",
            franchise = montants::CODE_TVA_FRANCHISE,
            libelle = montants::LIBELLE_TVA_FRANCHISE
        ))),
    }
}

/// Ce que contient le corps de `soumettre`, pour la saisie du portail.
pub(crate) struct Soumission {
    pub(crate) brut: SaisieBrute,
    pub(crate) declares: MontantsDeclares,
    /// `fournisseur.idFournisseur` : le SIRET de la structure qui facture, si le bac en a plusieurs.
    pub(crate) fournisseur: Option<String>,
    /// `modeDepot`, sans ses espaces ; vide s'il n'est pas donné.
    pub(crate) mode: String,
}

/// Refuse un `modeDepot` que la porte ne reçoit pas.
pub(crate) fn verifier_mode(mode: &str, acceptes: &[&str]) -> Result<(), AppError> {
    if mode.is_empty() || acceptes.contains(&mode) {
        return Ok(());
    }
    Err(AppError::Requete(format!(
        "« modeDepot » : ce service reçoit {}, pas « {mode} »",
        acceptes.join(" ou ")
    )))
}

const EXEMPLE_SOUMETTRE: &str = r#"{"numeroFactureSaisi": "FA-2026-001", "dateFacture": "2026-11-20", …}"#;

pub(crate) fn lire_soumission(corps: &Value) -> Result<Soumission, AppError> {
    let racine = Objet::racine(corps, EXEMPLE_SOUMETTRE)?;
    let mode = racine.texte("modeDepot")?.trim().to_string();
    let destinataire = racine.objet("destinataire")?;
    let cadre = racine.objet("cadreDeFacturation")?;
    let references = racine.objet("references")?;
    let devise = references.texte("deviseFacture")?;
    if !devise.trim().is_empty() && !devise.trim().eq_ignore_ascii_case("EUR") {
        return Err(AppError::Requete(format!(
            "« references.deviseFacture » : le simulateur ne facture qu'en euros (EUR), pas en « {} »",
            devise.trim()
        )));
    }
    let totaux = racine.objet("montantTotal")?;
    let remise_globale = totaux.texte_ou_nombre("montantRemiseGlobaleTTC")?;
    if remise_globale.trim().parse::<Decimal>().is_ok_and(|r| !r.is_zero()) {
        return Err(AppError::Requete(
            "« montantTotal.montantRemiseGlobaleTTC » : le simulateur ne gère pas la remise globale ; portez la \
             remise sur les lignes (lignePosteMontantRemiseHT)"
                .into(),
        ));
    }
    let mut franchise = false;
    let lignes = racine
        .liste("lignePoste")?
        .iter()
        .enumerate()
        .map(|(rang, l)| {
            let (taux_tva, en_franchise) = taux_de_la_ligne(l, rang)?;
            franchise |= en_franchise;
            Ok(LigneBrute {
                reference: l.texte("lignePosteReference")?,
                designation: l.texte("lignePosteDenomination")?,
                quantite: l.texte_ou_nombre("lignePosteQuantite")?,
                unite: l.texte("lignePosteUnite")?,
                prix_unitaire_ht: l.texte_ou_nombre("lignePosteMontantUnitaireHT")?,
                remise_ht: l.texte_ou_nombre("lignePosteMontantRemiseHT")?,
                taux_tva,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let fournisseur =
        Some(racine.objet("fournisseur")?.texte_ou_nombre("idFournisseur")?).filter(|s| !s.trim().is_empty());
    Ok(Soumission {
        brut: SaisieBrute {
            numero: racine.texte("numeroFactureSaisi")?,
            date_facture: racine.texte("dateFacture")?,
            type_facture: references.texte("typeFacture")?,
            cadre: cadre.texte("codeCadreFacturation")?,
            destinataire: destinataire.texte("codeDestinataire")?,
            code_service: destinataire.texte("codeServiceExecutant")?,
            numero_engagement: references.texte("numeroBonCommande")?,
            numero_marche: references.texte("numeroMarche")?,
            mode_paiement: references.texte("modePaiement")?,
            type_tva: references.texte("typeTva")?,
            motif_exoneration: Some(
                montants::mention_d_exoneration(&references.texte("motifExonerationTva")?).to_string(),
            )
            .filter(|m| !m.trim().is_empty() || !franchise)
            .unwrap_or_else(|| montants::LIBELLE_TVA_FRANCHISE.to_string()),
            numero_facture_origine: references.texte("numeroFactureOrigine")?,
            commentaire: racine.texte("commentaire")?,
            code_structure_valideur: cadre.texte("codeStructureValideur")?,
            code_service_valideur: cadre.texte("codeServiceValideur")?,
            lignes,
        },
        declares: MontantsDeclares {
            montant_ht_total: totaux.texte_ou_nombre("montantHtTotal")?,
            montant_tva: totaux.texte_ou_nombre("montantTVA")?,
            montant_ttc_total: totaux.texte_ou_nombre("montantTtcTotal")?,
            montant_a_payer: totaux.texte_ou_nombre("montantAPayer")?,
        },
        fournisseur: fournisseur.map(|f| f.trim().to_string()),
        mode,
    })
}

/// `POST /api/sim/v1/bacs/{idBac}/factures` : le service `soumettre`.
pub async fn soumettre(
    State(etat): State<AppState>,
    client: ClientApi,
    Path(id_bac): Path<String>,
    CorpsJson(corps): CorpsJson,
) -> Reponse {
    let s = lire_soumission(&corps)?;
    verifier_mode(&s.mode, &["SAISIE_API"])?;
    let formateur_id = client.formateur.id;
    let issue = etat
        .ecrire(move |tx, h| {
            simulation::bac_du_formateur(tx, &formateur_id, &id_bac)?;
            let Some(structure) = simulation::structure_du_bac(tx, &id_bac, s.fournisseur.as_deref())? else {
                return Ok(Err(s.fournisseur));
            };
            let issue = simulation::soumettre(tx, &id_bac, &structure.id, &s.brut, &s.declares, h)?;
            Ok(Ok(match issue {
                Issue::Acceptee(id) => Ok(facture::charger(tx, &id_bac, &id)?),
                Issue::Refusee(anomalies) => Err(anomalies),
            }))
        })
        .await?;
    match issue {
        Err(fournisseur) => Err(AppError::Requete(format!(
            "« fournisseur.idFournisseur » : aucune structure de ce bac à sable n'a l'identifiant « {} » ; \
             indiquez le SIRET de la structure du bac (voir GET /api/sim/v1/bacs/{{idBac}}), ou omettez le champ",
            fournisseur.unwrap_or_default()
        ))
        .into()),
        Ok(Ok(f)) => Ok((
            StatusCode::CREATED,
            Json(json!({
                "codeRetour": 0,
                "libelle": LIBELLE_SUCCES,
                "identifiantFactureCPP": f.id,
                "numeroFacture": f.facture.numero,
                "dateDepot": f.date_depot,
                "statutFacture": f.statut.code(),
            })),
        )),
        Ok(Err(anomalies)) => {
            let detail: Vec<Value> = anomalies
                .iter()
                .map(|a| json!({ "champ": chemin_du_champ(&a.champ, a.ligne), "code": a.code, "message": a.message }))
                .collect();
            let messages: Vec<&str> = anomalies.iter().map(|a| a.message.as_str()).collect();
            Ok((
                StatusCode::BAD_REQUEST,
                Json(json!({
                    "codeRetour": StatusCode::BAD_REQUEST.as_u16(),
                    "libelle": format!(
                        "La facture est refusée : {} anomalie(s). {}",
                        anomalies.len(),
                        messages.join(" ")
                    ),
                    "anomalies": detail,
                })),
            ))
        }
    }
}

/// `GET /api/sim/v1/bacs/{idBac}/factures/{idFacture}`
pub async fn lire(
    State(etat): State<AppState>,
    client: ClientApi,
    Path((id_bac, id_facture)): Path<(String, String)>,
) -> Reponse {
    let formateur_id = client.formateur.id;
    let (f, historique, mode, noms) = etat
        .lire(move |c, _| {
            simulation::bac_du_formateur(c, &formateur_id, &id_bac)?;
            let f = facture::charger(c, &id_bac, &id_facture)?;
            let historique = journal::historique_facture(c, &id_bac, &id_facture)?;
            let mode = chorus_store::piece_jointe::mode_depot(c, &id_bac, &id_facture)?;
            let nom = |s: &str| -> Result<Option<String>, chorus_store::Erreur> {
                Ok(chorus_store::reference::entreprise(c, s)?.map(|e| e.raison_sociale))
            };
            let noms = (
                nom(&f.facture.code_structure_valideur)?,
                f.valideur_2.as_deref().map(nom).transpose()?.flatten(),
            );
            Ok((f, historique, mode, noms))
        })
        .await?;
    let date_de = |statuts: &[Statut]| {
        historique
            .iter()
            .rev()
            .find(|e| e.statut.is_some_and(|s| statuts.contains(&s)))
            .map(|e| e.date_simulee)
    };
    let cadre = json!({
        "codeCadreFacturation": f.facture.cadre.code(),
        "codeStructureValideur": f.facture.code_structure_valideur,
        "codeServiceValideur": f.facture.code_service_valideur,
        "codeValideur1": f.facture.code_structure_valideur,
        "typeIdentifiantValideur1": (!f.facture.code_structure_valideur.is_empty()).then_some("SIRET"),
        "raisonSocialeValideur1": noms.0,
        "dateValidation1": date_de(&[Statut::Validee1, Statut::AbsenceValidation1HorsDelai]),
        "codeValideur2": f.valideur_2,
        "typeIdentifiantValideur2": f.valideur_2.as_ref().map(|_| "SIRET"),
        "raisonSocialeValideur2": noms.1,
        "dateValidation2": date_de(&[Statut::Validee2, Statut::AbsenceValidation2HorsDelai]),
    });
    let t = f.totaux();
    let histo: Vec<Value> = historique
        .iter()
        .filter_map(|e| {
            Some(json!({
                "histoStatutId": e.id,
                "histoStatutCode": e.statut?.code(),
                "histoStatutDatePassage": e.date_simulee,
                "histoStatutCommentaire": e.commentaire,
                "histoStatutActeur": e.acteur,
            }))
        })
        .collect();
    let ff = &f.facture;
    Ok((
        StatusCode::OK,
        Json(json!({
            "identifiantFactureCPP": f.id,
            "numeroFacture": ff.numero,
            "statutCourantCode": f.statut.code(),
            "libelleStatut": f.statut.libelle(),
            "modeDepot": mode.code(),
            "dateFacture": ff.date_facture,
            "dateDepot": f.date_depot,
            "dateStatut": f.date_statut,
            "destinataire": {
                "codeDestinataire": ff.destinataire,
                "codeServiceExecutant": ff.code_service,
                "raisonSociale": f.raison_sociale_destinataire,
            },
            "cadreDeFacturation": cadre,
            "references": {
                "typeFacture": ff.type_facture.code(),
                "numeroBonCommande": ff.numero_engagement,
                "numeroMarche": ff.numero_marche,
                "modePaiement": ff.mode_paiement.code(),
                "typeTva": ff.type_tva.code(),
                "motifExonerationTva": ff.motif_exoneration,
                "numeroFactureOrigine": ff.numero_facture_origine,
                "deviseFacture": "EUR",
            },
            "montantTotal": {
                "montantHtTotal": montant(t.total_ht),
                "montantTVA": montant(t.total_tva),
                "montantTtcTotal": montant(t.total_ttc),
                "montantAPayer": montant(t.montant_a_payer),
            },
            "historiquesDesStatuts": { "histoStatut": histo },
        })),
    ))
}

/// `POST …/factures/{idFacture}/traiter` : le destinataire ou le comptable (API
/// `traiterFactureRecue`).
pub async fn traiter(
    State(etat): State<AppState>,
    client: ClientApi,
    Path((id_bac, id_facture)): Path<(String, String)>,
    CorpsJson(corps): CorpsJson,
) -> Reponse {
    let corps =
        Objet::racine(&corps, r#"{"nouveauStatut": "SUSPENDUE", "motif": "Bon de livraison manquant"}"#)?;
    let cibles: Vec<&str> = acheteur::CIBLES.iter().map(|s| s.code()).collect();
    let code = corps.texte_requis(
        "nouveauStatut",
        &format!("le statut à donner à la facture, parmi {}", cibles.join(", ")),
    )?;
    let nouveau_statut = Statut::depuis_code(&code).map_err(|_| {
        AppError::Requete(format!(
            "« nouveauStatut » : « {} » n'est pas un statut de Chorus Pro ; le destinataire et le comptable \
             donnent {}",
            code.trim(),
            cibles.join(", ")
        ))
    })?;
    let (motif, numero_mandat) = (corps.texte("motif")?, corps.texte("numeroDPMandat")?);
    let formateur_id = client.formateur.id;
    let (f, date) = etat
        .ecrire(move |tx, h| {
            let bac = simulation::bac_du_formateur(tx, &formateur_id, &id_bac)?;
            let t = Traitement { nouveau_statut, motif: &motif, numero_mandat: &numero_mandat };
            acheteur::traiter(tx, &id_bac, &id_facture, &t, Joueur::Api, h)?;
            Ok((facture::charger(tx, &id_bac, &id_facture)?, bac.date_simulee(h)))
        })
        .await?;
    Ok((
        StatusCode::OK,
        Json(json!({
            "codeRetour": 0,
            "libelle": LIBELLE_SUCCES,
            "idFacture": f.id,
            "numeroFacture": f.facture.numero,
            "nouveauStatut": f.statut.code(),
            "dateTraitement": date,
        })),
    ))
}

/// `POST …/factures/{idFacture}/completer` : le fournisseur complète une facture suspendue.
pub async fn completer(
    State(etat): State<AppState>,
    client: ClientApi,
    Path((id_bac, id_facture)): Path<(String, String)>,
    CorpsJson(corps): CorpsJson,
) -> Reponse {
    let corps = Objet::racine(&corps, r#"{"commentaire": "Bon de livraison n° 42 joint"}"#)?;
    let commentaire = corps.texte("commentaire")?;
    let formateur_id = client.formateur.id;
    let f = etat
        .ecrire(move |tx, h| {
            simulation::bac_du_formateur(tx, &formateur_id, &id_bac)?;
            let f = facture::charger(tx, &id_bac, &id_facture)?;
            let complement = suivi::Complement { commentaire: &commentaire, pieces_jointes: 0 };
            suivi::completer(tx, &id_bac, &f.structure_id, &id_facture, &complement, h)?;
            facture::charger(tx, &id_bac, &id_facture)
        })
        .await?;
    Ok((
        StatusCode::OK,
        Json(json!({
            "codeRetour": 0,
            "libelle": LIBELLE_SUCCES,
            "identifiantFactureCPP": f.id,
            "numeroFacture": f.facture.numero,
            "statutFacture": f.statut.code(),
        })),
    ))
}

fn situation(s: Situation) -> &'static str {
    match s {
        Situation::EnCours { .. } => "EN_COURS",
        Situation::Interrompu => "INTERROMPU",
        Situation::EnRetard { .. } => "EN_RETARD",
        Situation::PayeeDansLeDelai => "PAYEE_DANS_LE_DELAI",
        Situation::PayeeEnRetard { .. } => "PAYEE_EN_RETARD",
    }
}

/// `GET …/factures/{idFacture}/delai-paiement` : le calcul de « Suivi du paiement », tel quel.
pub async fn delai_paiement(
    State(etat): State<AppState>,
    client: ClientApi,
    Path((id_bac, id_facture)): Path<(String, String)>,
) -> Reponse {
    let formateur_id = client.formateur.id;
    let suivi = etat
        .lire(move |c, h| {
            simulation::bac_du_formateur(c, &formateur_id, &id_bac)?;
            let f = facture::charger(c, &id_bac, &id_facture)?;
            paiement::suivi_facture(c, &id_bac, &f.structure_id, &id_facture, h)
        })
        .await?;
    let vide = |situation: &str| {
        json!({
            "situation": situation, "statutFacture": suivi.facture.statut.code(), "dateDebut": null,
            "delaiJours": suivi.delai_jours, "dateEcheance": null, "joursSuspension": 0, "dateMiseEnPaiement": null,
            "joursRetard": 0, "tauxInteretsMoratoires": null, "interetsMoratoires": null, "indemniteForfaitaire": null,
        })
    };
    let corps = match &suivi.etat {
        EtatPaiement::NonTransmise => vide("NON_TRANSMISE"),
        EtatPaiement::EnAttente(_) => vide("EN_ATTENTE"),
        EtatPaiement::Rejetee(_) => vide("REJETEE"),
        EtatPaiement::RefuseeParLeValideur(_) => vide("REFUSEE_PAR_LE_VALIDEUR"),
        // Un avoir n'est pas payé : ni délai, ni échéance, ni intérêts.
        EtatPaiement::Avoir => {
            let mut v = vide("AVOIR_NON_PAYABLE");
            v["delaiJours"] = json!(null);
            v
        }
        EtatPaiement::Suivie(s) => {
            let interets = s.interets.as_ref();
            let zero_si_a_l_heure = |v: Option<Decimal>| match interets {
                None => Some(montant(Decimal::ZERO)),
                Some(_) => v.map(montant),
            };
            json!({
                "situation": situation(s.situation()),
                "statutFacture": suivi.facture.statut.code(),
                "dateDebut": s.debut,
                "delaiJours": s.delai_jours,
                "dateEcheance": s.echeance,
                "joursRestants": s.jours_restants,
                "joursSuspension": s.interruption.as_ref().and_then(|i| i.jours_arretes).unwrap_or(0),
                "dateMiseEnPaiement": s.mise_en_paiement,
                "joursRetard": s.jours_retard,
                "tauxInteretsMoratoires": interets.and_then(|i| i.taux.as_ref()).map(|t| t.taux.normalize().to_string()),
                "interetsMoratoires": zero_si_a_l_heure(interets.and_then(|i| i.montant)),
                "indemniteForfaitaire": zero_si_a_l_heure(interets.map(|i| i.indemnite_forfaitaire)),
            })
        }
    };
    Ok((StatusCode::OK, Json(corps)))
}
