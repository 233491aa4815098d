//! Les flux déposés : un fichier structuré (Factur-X, UBL, CII) ou une archive de factures,
//! suivis dans « Suivi des flux » et par le compte rendu (`consulterCR`, `consulterCRDetaille`).
//!
//! Le fichier est lu au dépôt, hors de toute transaction (`chorus_flux::lire`) ; le dépôt ne fait
//! qu'enregistrer ce qui a été lu. Le flux avance ensuite en temps réel, sans que personne ne
//! touche à l'horloge — un connecteur qui interroge le compte rendu le voit aboutir, comme sur la
//! vraie plateforme : reçu (IN_RECU), en cours de traitement une seconde plus tard, intégré,
//! intégré partiellement ou rejeté deux secondes après. Un fichier illisible est irrecevable
//! (QP_IRRECEVABLE) puis rejeté. Ces délais sont un choix du simulateur ; avancer l'horloge du
//! bac termine aussitôt les flux en cours. À l'intégration, chaque facture passe exactement les
//! contrôles de « Saisir facture » ([`facture::saisir`]).

use chorus_domain::saisie::SaisieBrute;
use chorus_flux::{Champ, FactureLue, SyntaxeFlux};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::erreur::{Erreur, Resultat};
use crate::facture::{self, Envoi, Issue};
use crate::horloge::Horloge;
use crate::{bac, piece_jointe};

pub use chorus_domain::flux::EtatFlux;
use chorus_domain::flux::{Etape, etapes_dues};

/// Le canal du dépôt, qui donne le `modeDepot` des factures intégrées.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Canal {
    Portail,
    Api,
}

impl Canal {
    fn code(self) -> &'static str {
        match self {
            Canal::Portail => "PORTAIL",
            Canal::Api => "API",
        }
    }

    fn mode_depot(self) -> piece_jointe::ModeDepot {
        match self {
            Canal::Portail => piece_jointe::ModeDepot::UploadPortail,
            Canal::Api => piece_jointe::ModeDepot::UploadApi,
        }
    }
}

/// Un fichier de facture du flux, tel que la lecture l'a rendu.
pub struct FichierLu {
    pub nom: String,
    pub lecture: Result<FactureLue, chorus_flux::Refus>,
}

/// Ce qu'on dépose : le fichier (ou l'archive) et ce que sa lecture a donné.
pub struct Depot {
    pub nom_fichier: String,
    /// La syntaxe annoncée ou reconnue ; `None` si le fichier n'a pas pu être reconnu.
    pub syntaxe: Option<SyntaxeFlux>,
    pub canal: Canal,
    /// Le refus du fichier entier (archive illisible, format inconnu…).
    pub refus: Option<String>,
    pub fichiers: Vec<FichierLu>,
}

/// Une facture lue, gardée jusqu'à son intégration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lue {
    pub saisie: SaisieBrute,
    pub syntaxe: String,
    pub fournisseur: Option<String>,
    pub destinataire: Option<String>,
    pub total_ht: Decimal,
    pub total_ttc: Decimal,
    pub montant_a_payer: Decimal,
    pub remarques: Vec<String>,
    /// Les règles de la norme EN 16931 enfreintes : (identifiant, terme, texte de la norme).
    #[serde(default)]
    pub regles: Vec<(String, String, String)>,
    /// BT-5 : la devise de la facture.
    #[serde(default)]
    pub devise: Option<String>,
}

impl From<&FactureLue> for Lue {
    fn from(f: &FactureLue) -> Lue {
        Lue {
            saisie: f.saisie.clone(),
            syntaxe: f.syntaxe.code().to_string(),
            fournisseur: f.fournisseur.as_ref().map(|i| i.valeur.clone()),
            destinataire: f.destinataire.as_ref().map(|i| i.valeur.clone()),
            total_ht: f.totaux.total_ht,
            total_ttc: f.totaux.total_ttc,
            montant_a_payer: f.totaux.montant_a_payer,
            remarques: f.remarques.clone(),
            regles: f.regles.iter().map(|r| (r.regle.clone(), r.terme.clone(), r.texte.clone())).collect(),
            devise: f.devise.clone(),
        }
    }
}

/// Une erreur du compte rendu : la règle, l'élément du fichier (terme de la norme et chemin
/// XML) et ce qu'il faut corriger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErreurFlux {
    pub regle: String,
    pub terme: Option<String>,
    pub chemin: Option<String>,
    pub libelle: String,
}

/// Un flux, pour la liste de « Suivi des flux ».
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flux {
    pub numero: String,
    pub structure_id: String,
    pub nom_fichier: String,
    pub syntaxe: String,
    pub canal: String,
    pub date_depot: NaiveDate,
    pub depose_le: DateTime<Utc>,
    pub etat: EtatFlux,
    pub refus: Option<String>,
    pub factures: usize,
    pub integrees: usize,
}

/// Une facture d'un flux, dans le compte rendu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactureDuFlux {
    pub rang: usize,
    pub nom_fichier: String,
    pub numero_facture: Option<String>,
    pub destinataire: Option<String>,
    pub montant_ttc: Option<Decimal>,
    pub facture_id: Option<String>,
    pub statut: Option<String>,
    pub refus: Option<String>,
    pub erreurs: Vec<ErreurFlux>,
}

/// Le compte rendu détaillé d'un flux.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompteRendu {
    pub flux: Flux,
    pub historique: Vec<(EtatFlux, DateTime<Utc>, NaiveDate)>,
    pub factures: Vec<FactureDuFlux>,
}

/// Enregistre un dépôt ; rend son numéro (`numeroFluxDepot`) et sa date de dépôt (simulée). Le
/// flux est reçu (IN_RECU).
pub fn deposer(
    c: &Connection,
    bac_id: &str,
    structure_id: &str,
    depot: &Depot,
    horloge: &Horloge,
) -> Resultat<(String, NaiveDate)> {
    let b = bac::bac(c, bac_id)?;
    bac::structure_fournisseur(c, bac_id, structure_id)?;
    let date = b.date_simulee(horloge);
    let maintenant = horloge.maintenant();
    let ordre: i64 = c
        .prepare_cached("SELECT coalesce(max(ordre), 0) + 1 FROM flux WHERE bac_id = ?1")?
        .query_row([bac_id], |r| r.get(0))?;
    // Un numéro par dépôt, unique dans le bac (sa forme est un choix du simulateur).
    let numero = format!("CPP{}{:06}", date.format("%Y%m%d"), ordre);
    let syntaxe = depot.syntaxe.map_or("INCONNUE", SyntaxeFlux::code);
    let refus = depot.refus.clone().or_else(|| {
        (depot.fichiers.len() == 1)
            .then(|| depot.fichiers[0].lecture.as_ref().err().map(ToString::to_string))
            .flatten()
    });
    c.prepare_cached(
        "INSERT INTO flux (bac_id, numero, structure_id, nom_fichier, syntaxe, canal, date_depot, depose_le, etat, refus, ordre)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        bac_id,
        numero,
        structure_id,
        depot.nom_fichier,
        syntaxe,
        depot.canal.code(),
        date,
        maintenant.to_rfc3339(),
        EtatFlux::Recu.code(),
        refus,
        ordre
    ])?;
    noter_etat(c, bac_id, &numero, EtatFlux::Recu, maintenant, date)?;
    if refus.is_none() || depot.fichiers.len() > 1 {
        let mut st = c.prepare_cached(
            "INSERT INTO flux_facture (bac_id, numero, rang, nom_fichier, syntaxe, lue, refus) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for (rang, f) in depot.fichiers.iter().enumerate() {
            let (syntaxe, lue, refus) = match &f.lecture {
                Ok(l) => (Some(l.syntaxe.code()), Some(serde_json::to_string(&Lue::from(l))?), None),
                Err(r) => (None, None, Some(r.to_string())),
            };
            st.execute(params![bac_id, numero, rang + 1, f.nom, syntaxe, lue, refus])?;
        }
    }
    crate::journal::noter_du_fournisseur(
        c,
        bac_id,
        "FLUX_DEPOSE",
        &format!("Flux {numero} déposé ({})", depot.nom_fichier),
        None,
        horloge,
    )?;
    Ok((numero, date))
}

fn noter_etat(
    c: &Connection,
    bac_id: &str,
    numero: &str,
    etat: EtatFlux,
    instant: DateTime<Utc>,
    date: NaiveDate,
) -> Resultat<()> {
    c.prepare_cached(
        "INSERT INTO flux_etat (bac_id, numero, etat, horodatage, date_simulee) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![bac_id, numero, etat.code(), instant.to_rfc3339(), date])?;
    c.prepare_cached("UPDATE flux SET etat = ?3, termine = ?4 WHERE bac_id = ?1 AND numero = ?2")?
        .execute(params![bac_id, numero, etat.code(), etat.est_final()])?;
    Ok(())
}

/// Il y a des flux en cours de traitement (le serveur ne les fait avancer que s'il y en a).
pub fn en_cours(c: &Connection) -> Resultat<bool> {
    Ok(c.prepare_cached("SELECT 1 FROM flux WHERE termine = 0 LIMIT 1")?
        .query_row([], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Fait avancer les flux en cours dont l'étape suivante est due ; rend combien ont avancé.
pub fn avancer(c: &Connection, horloge: &Horloge) -> Resultat<usize> {
    avancer_ou(c, None, horloge)
}

/// Termine aussitôt les flux en cours d'un bac (l'horloge du bac a été avancée).
pub fn terminer_du_bac(c: &Connection, bac_id: &str, horloge: &Horloge) -> Resultat<usize> {
    avancer_ou(c, Some(bac_id), horloge)
}

fn avancer_ou(c: &Connection, jusqu_au_bout: Option<&str>, horloge: &Horloge) -> Resultat<usize> {
    let maintenant = horloge.maintenant();
    let en_cours: Vec<(String, String, String, String, String, bool, bool)> = c
        .prepare_cached(
            "SELECT bac_id, numero, structure_id, etat, depose_le, refus IS NOT NULL, canal = 'API' FROM flux
             WHERE termine = 0 AND (?1 IS NULL OR bac_id = ?1)",
        )?
        .query_map([jusqu_au_bout], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut avances = 0;
    for (bac_id, numero, structure_id, etat, depose_le, irrecevable, par_l_api) in en_cours {
        let depose_le = DateTime::parse_from_rfc3339(&depose_le)
            .map_err(|e| Erreur::Invalide(format!("flux {numero} : {e}")))?
            .with_timezone(&Utc);
        let ecoule = if jusqu_au_bout.is_some() { i64::MAX } else { (maintenant - depose_le).num_seconds() };
        let courant = EtatFlux::depuis_code(&etat).unwrap_or(EtatFlux::Recu);
        let date = bac::bac(c, &bac_id)?.date_simulee(horloge);
        let etapes = etapes_dues(irrecevable, courant, ecoule);
        for etape in &etapes {
            let etat = match etape {
                Etape::Noter(e) => *e,
                Etape::Integrer => {
                    let canal = if par_l_api { Canal::Api } else { Canal::Portail };
                    integrer(c, &bac_id, &numero, &structure_id, canal, horloge)?
                }
            };
            noter_etat(c, &bac_id, &numero, etat, maintenant, date)?;
        }
        let avance = !etapes.is_empty();
        avances += usize::from(avance);
    }
    Ok(avances)
}

/// Intègre les factures lues du flux : chacune passe les contrôles de la saisie ; rend l'état
/// final du flux.
fn integrer(
    c: &Connection,
    bac_id: &str,
    numero: &str,
    structure_id: &str,
    canal: Canal,
    horloge: &Horloge,
) -> Resultat<EtatFlux> {
    let factures: Vec<(i64, Option<String>, Option<String>)> = c
        .prepare_cached(
            "SELECT rang, lue, refus FROM flux_facture WHERE bac_id = ?1 AND numero = ?2 ORDER BY rang",
        )?
        .query_map([bac_id, numero], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let siret = bac::structure_fournisseur(c, bac_id, structure_id)?.identifiant;
    let (mut integrees, total) = (0, factures.len());
    for (rang, lue, refus) in factures {
        let Some(lue) = lue else {
            let e = ErreurFlux {
                regle: "FICHIER_IRRECEVABLE".into(),
                terme: None,
                chemin: None,
                libelle: refus.unwrap_or_default(),
            };
            enregistrer_issue(c, bac_id, numero, rang, None, &[e])?;
            continue;
        };
        let lue: Lue = serde_json::from_str(&lue)?;
        let syntaxe = SyntaxeFlux::depuis_code(&lue.syntaxe).unwrap_or(SyntaxeFlux::E1Cii);
        let mut erreurs = controles_du_flux(&lue, syntaxe, &siret);
        // Le destinataire d'abord, comme Chorus Pro l'exige de tout dépôt : même une facture
        // que l'analyse refuse par ailleurs dit s'il est inconnu.
        if crate::reference::destinataire(c, &lue.saisie.destinataire)?.is_none() {
            let d =
                if lue.saisie.destinataire.is_empty() { "(aucun)" } else { lue.saisie.destinataire.as_str() };
            erreurs.push(ErreurFlux {
                regle: "DESTINATAIRE_INCONNU".into(),
                terme: Some(Champ::Destinataire.terme().to_string()),
                chemin: Some(Champ::Destinataire.chemin(syntaxe).to_string()),
                libelle: format!(
                    "Aucune structure publique de l'annuaire Chorus Pro ne porte l'identifiant « {d} » : le SIRET de \
                     l'acheteur (identifiant BT-46, schéma 0009, ou immatriculation BT-47) doit être celui de votre \
                     client public. Recherchez-le dans l'annuaire des destinataires, corrigez-le dans votre logiciel, \
                     puis déposez la facture à nouveau."
                ),
            });
        }
        let en_erreurs = |anomalies: Vec<chorus_domain::Anomalie>| {
            anomalies.into_iter().map(move |a| {
                let champ = Champ::depuis_saisie(&a.champ);
                ErreurFlux {
                    regle: a.code.to_string(),
                    terme: champ.map(|ch| ch.terme().to_string()),
                    chemin: champ.map(|ch| ch.chemin(syntaxe).to_string()),
                    libelle: match a.ligne {
                        Some(n) => format!("Ligne {n} : {}", a.message),
                        None => a.message,
                    },
                }
            })
        };
        if !erreurs.is_empty() {
            // Le flux ne sera pas intégré ; le compte rendu dit aussi ce que la saisie refuserait.
            if let Err(anomalies) =
                facture::previsualiser_envoi(c, bac_id, structure_id, None, &lue.saisie, horloge)?
            {
                let deja: Vec<String> = erreurs.iter().map(|e| e.regle.clone()).collect();
                erreurs.extend(en_erreurs(anomalies).filter(|e| !deja.contains(&e.regle)));
            }
            enregistrer_issue(c, bac_id, numero, rang, None, &erreurs)?;
            continue;
        }
        match facture::saisir(c, bac_id, structure_id, None, &lue.saisie, Envoi::ValiderEtEnvoyer, horloge)? {
            Issue::Acceptee(id) => {
                piece_jointe::noter_mode_depot(c, bac_id, &id, canal.mode_depot())?;
                c.prepare_cached("UPDATE facture SET numero_flux_depot = ?3 WHERE bac_id = ?1 AND id = ?2")?
                    .execute([bac_id, &id, numero])?;
                enregistrer_issue(c, bac_id, numero, rang, Some(&id), &[])?;
                integrees += 1;
            }
            Issue::Refusee(anomalies) => {
                let erreurs: Vec<ErreurFlux> = en_erreurs(anomalies).collect();
                enregistrer_issue(c, bac_id, numero, rang, None, &erreurs)?;
            }
        }
    }
    Ok(chorus_domain::flux::etat_final(integrees, total))
}

/// Ce que le flux vérifie avant la saisie : les règles de la norme EN 16931, le fournisseur est
/// la structure qui dépose, et les montants déclarés sont ceux des lignes (« synthèse de
/// l'en-tête »).
fn controles_du_flux(lue: &Lue, syntaxe: SyntaxeFlux, siret: &str) -> Vec<ErreurFlux> {
    let mut erreurs: Vec<ErreurFlux> = lue
        .regles
        .iter()
        .map(|(regle, terme, texte)| ErreurFlux {
            regle: regle.clone(),
            terme: Some(terme.clone()),
            chemin: None,
            libelle: if regle.starts_with("BR-FR") {
                // Les règles françaises de Chorus Pro : leur texte est déjà en français.
                format!("{texte} Corrigez la facture dans votre logiciel de facturation, puis déposez-la à nouveau.")
            } else {
                format!(
                    "La facture ne respecte pas la règle {regle} de la norme EN 16931 ({terme}) : « {texte} » \
                     Corrigez-la dans votre logiciel de facturation, puis déposez-la à nouveau."
                )
            },
        })
        .collect();
    if let Some(d) = lue.devise.as_deref().filter(|d| *d != "EUR") {
        erreurs.push(ErreurFlux {
            regle: "DEVISE".into(),
            terme: Some("BT-5".into()),
            chemin: None,
            libelle: format!(
                "La facture est en {d} : le simulateur n'intègre que des factures en euros (EUR). Émettez la \
                 facture en euros."
            ),
        });
    }
    let chemin = Some(Champ::Fournisseur.chemin(syntaxe).to_string());
    let terme = Some(Champ::Fournisseur.terme().to_string());
    match &lue.fournisseur {
        Some(f) if f != siret => erreurs.push(ErreurFlux {
            regle: "FOURNISSEUR_INCONNU".into(),
            terme,
            chemin,
            libelle: format!(
                "L'identifiant fournisseur de la facture ({f}) n'est pas celui de la structure qui dépose le flux \
                 ({siret}) : un flux se dépose depuis la structure du vendeur. Corrigez le SIRET du vendeur dans \
                 votre logiciel, ou déposez depuis la bonne structure."
            ),
        }),
        None => erreurs.push(ErreurFlux {
            regle: "FOURNISSEUR_ABSENT".into(),
            terme,
            chemin,
            libelle: format!(
                "La facture ne porte pas le SIRET du fournisseur (identifiant du vendeur, schéma 0009, ou son \
                 immatriculation) : Chorus Pro ne peut pas la rattacher à votre structure ({siret})."
            ),
        }),
        Some(_) => {}
    }
    if let Ok(f) = chorus_domain::saisie::analyser(&lue.saisie) {
        let t = f.totaux();
        if t.total_ht != lue.total_ht || t.total_ttc != lue.total_ttc {
            erreurs.push(ErreurFlux {
                regle: "BR-CO-15".into(),
                terme: Some("BT-109/BT-112".into()),
                chemin: None,
                libelle: format!(
                    "La synthèse de l'en-tête n'est pas correcte : les lignes donnent {} € HT et {} € TTC, la facture \
                     déclare {} € HT et {} € TTC. Le total TTC est le total HT plus la TVA de chaque taux.",
                    t.total_ht, t.total_ttc, lue.total_ht, lue.total_ttc
                ),
            });
        }
    }
    erreurs
}

fn enregistrer_issue(
    c: &Connection,
    bac_id: &str,
    numero: &str,
    rang: i64,
    facture_id: Option<&str>,
    erreurs: &[ErreurFlux],
) -> Resultat<()> {
    let erreurs = (!erreurs.is_empty()).then(|| serde_json::to_string(erreurs)).transpose()?;
    c.prepare_cached("UPDATE flux_facture SET facture_id = ?4, erreurs = ?5 WHERE bac_id = ?1 AND numero = ?2 AND rang = ?3")?
        .execute(params![bac_id, numero, rang, facture_id, erreurs])?;
    Ok(())
}

const COLONNES: &str = "f.numero, f.structure_id, f.nom_fichier, f.syntaxe, f.canal, f.date_depot, f.depose_le, f.etat, f.refus,
     (SELECT count(*) FROM flux_facture x WHERE x.bac_id = f.bac_id AND x.numero = f.numero),
     (SELECT count(*) FROM flux_facture x WHERE x.bac_id = f.bac_id AND x.numero = f.numero AND x.facture_id IS NOT NULL)";

fn flux_depuis(r: &rusqlite::Row<'_>) -> rusqlite::Result<Flux> {
    let depose_le: String = r.get(6)?;
    let etat: String = r.get(7)?;
    Ok(Flux {
        numero: r.get(0)?,
        structure_id: r.get(1)?,
        nom_fichier: r.get(2)?,
        syntaxe: r.get(3)?,
        canal: r.get(4)?,
        date_depot: r.get(5)?,
        depose_le: DateTime::parse_from_rfc3339(&depose_le)
            .map(|d| d.with_timezone(&Utc))
            .unwrap_or_default(),
        etat: EtatFlux::depuis_code(&etat).unwrap_or(EtatFlux::Recu),
        refus: r.get(8)?,
        factures: r.get::<_, i64>(9)? as usize,
        integrees: r.get::<_, i64>(10)? as usize,
    })
}

/// Les flux de la structure, le plus récent d'abord.
pub fn lister(c: &Connection, bac_id: &str, structure_id: &str) -> Resultat<Vec<Flux>> {
    let sql = format!(
        "SELECT {COLONNES} FROM flux f WHERE f.bac_id = ?1 AND f.structure_id = ?2 ORDER BY f.ordre DESC"
    );
    Ok(c.prepare_cached(&sql)?
        .query_map([bac_id, structure_id], flux_depuis)?
        .collect::<rusqlite::Result<_>>()?)
}

/// Une facture du flux telle que la base la rend : rang, fichier, facture lue, refus, facture
/// créée, erreurs, statut de la facture créée.
type LigneDuFlux =
    (i64, String, Option<String>, Option<String>, Option<String>, Option<String>, Option<String>);

/// Le compte rendu d'un flux du bac ; `Introuvable` pour un numéro inconnu (ou d'un autre bac).
pub fn compte_rendu(c: &Connection, bac_id: &str, numero: &str) -> Resultat<CompteRendu> {
    let sql = format!("SELECT {COLONNES} FROM flux f WHERE f.bac_id = ?1 AND f.numero = ?2");
    let flux = c
        .prepare_cached(&sql)?
        .query_row([bac_id, numero], flux_depuis)
        .optional()?
        .ok_or(Erreur::Introuvable("flux"))?;
    let historique = c
        .prepare_cached("SELECT etat, horodatage, date_simulee FROM flux_etat WHERE bac_id = ?1 AND numero = ?2 ORDER BY rowid")?
        .query_map([bac_id, numero], |r| {
            let (etat, instant): (String, String) = (r.get(0)?, r.get(1)?);
            Ok((
                EtatFlux::depuis_code(&etat).unwrap_or(EtatFlux::Recu),
                DateTime::parse_from_rfc3339(&instant).map(|d| d.with_timezone(&Utc)).unwrap_or_default(),
                r.get::<_, NaiveDate>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let lignes: Vec<LigneDuFlux> = c
        .prepare_cached(
            "SELECT x.rang, x.nom_fichier, x.lue, x.refus, x.facture_id, x.erreurs, f.statut
             FROM flux_facture x LEFT JOIN facture f ON f.bac_id = x.bac_id AND f.id = x.facture_id
             WHERE x.bac_id = ?1 AND x.numero = ?2 ORDER BY x.rang",
        )?
        .query_map([bac_id, numero], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut factures = Vec::with_capacity(lignes.len());
    for (rang, nom_fichier, lue, refus, facture_id, erreurs, statut) in lignes {
        let lue: Option<Lue> = lue.map(|l| serde_json::from_str(&l)).transpose()?;
        let erreurs: Vec<ErreurFlux> =
            erreurs.map(|e| serde_json::from_str(&e)).transpose()?.unwrap_or_default();
        factures.push(FactureDuFlux {
            rang: rang as usize,
            nom_fichier,
            numero_facture: lue.as_ref().map(|l| l.saisie.numero.clone()).filter(|n| !n.is_empty()),
            destinataire: lue.as_ref().and_then(|l| l.destinataire.clone()),
            montant_ttc: lue.as_ref().map(|l| l.total_ttc),
            facture_id,
            statut,
            refus,
            erreurs,
        });
    }
    Ok(CompteRendu { flux, historique, factures })
}

/// Le compte rendu d'intégration en PDF (« Télécharger le compte rendu »).
pub fn compte_rendu_pdf(c: &Connection, bac_id: &str, structure_id: &str, numero: &str) -> Resultat<Vec<u8>> {
    let cr = compte_rendu(c, bac_id, numero)?;
    if cr.flux.structure_id != structure_id {
        return Err(Erreur::Introuvable("flux"));
    }
    let f = &cr.flux;
    let titre = format!("Compte rendu du flux {}", f.numero);
    let mut doc = chorus_documents::DocumentPdf::nouveau(&titre).titre(&titre).fiche(&[
        ("Fichier", f.nom_fichier.clone()),
        ("Syntaxe du flux", f.syntaxe.clone()),
        ("Date de dépôt", f.date_depot.format("%d/%m/%Y").to_string()),
        ("État", format!("{} ({})", f.etat.libelle(), f.etat.code())),
        ("Factures intégrées", format!("{} sur {}", f.integrees, f.factures)),
    ]);
    if let Some(r) = &f.refus {
        doc = doc.intertitre("Erreur technique").paragraphe(r);
    }
    let mut erreurs = chorus_documents::Tableau {
        colonnes: vec![
            chorus_documents::Colonne::new("Rang", 0.6),
            chorus_documents::Colonne::new("N° de facture", 1.6),
            chorus_documents::Colonne::new("Règle", 1.6),
            chorus_documents::Colonne::new("Élément", 1.4),
            chorus_documents::Colonne::new("Message", 5.0),
        ],
        lignes: Vec::new(),
    };
    for x in &cr.factures {
        for e in &x.erreurs {
            erreurs.lignes.push(vec![
                x.rang.to_string(),
                x.numero_facture.clone().unwrap_or_default(),
                e.regle.clone(),
                e.terme.clone().unwrap_or_default(),
                match &e.chemin {
                    Some(ch) => format!("{} ({ch})", e.libelle),
                    None => e.libelle.clone(),
                },
            ]);
        }
    }
    if !erreurs.lignes.is_empty() {
        doc = doc.intertitre("Erreurs des factures non intégrées").tableau(erreurs);
    }
    let integrees: Vec<Vec<String>> = cr
        .factures
        .iter()
        .filter(|x| x.facture_id.is_some())
        .map(|x| {
            vec![
                x.rang.to_string(),
                x.numero_facture.clone().unwrap_or_default(),
                x.destinataire.clone().unwrap_or_default(),
                x.montant_ttc.map(chorus_domain::montants::format_euros).unwrap_or_default(),
            ]
        })
        .collect();
    if !integrees.is_empty() {
        doc = doc.intertitre("Factures intégrées").tableau(chorus_documents::Tableau {
            colonnes: vec![
                chorus_documents::Colonne::new("Rang", 0.6),
                chorus_documents::Colonne::new("N° de facture", 2.0),
                chorus_documents::Colonne::new("Destinataire", 2.0),
                chorus_documents::Colonne::new("Montant TTC", 1.6).a_droite(),
            ],
            lignes: integrees,
        });
    }
    Ok(doc.produire()?)
}

/// Ce qu'il faut pour écrire une facture envoyée en facture structurée : la facture, ses deux
/// parties, l'IBAN du fournisseur. Lu d'un coup ; l'écriture (XML, PDF) se fait ensuite, hors
/// de toute transaction.
pub struct FactureStructuree {
    pub facture: chorus_domain::facture::Facture,
    pub vendeur: chorus_flux::PartieAEcrire,
    pub acheteur: chorus_flux::PartieAEcrire,
    pub iban: Option<String>,
}

/// Une facture de la structure, lue pour être écrite en facture structurée : le vendeur et son
/// compte bancaire actif, l'acheteur de l'annuaire. Elle peut ensuite être déposée à nouveau
/// comme flux.
pub fn facture_structuree(
    c: &Connection,
    bac_id: &str,
    structure_id: &str,
    facture_id: &str,
) -> Resultat<FactureStructuree> {
    let fs = facture::charger(c, bac_id, facture_id)?;
    if fs.structure_id != structure_id {
        return Err(Erreur::Introuvable("facture"));
    }
    let (vendeur, acheteur) =
        parties(c, bac_id, structure_id, &fs.facture.destinataire, &fs.raison_sociale_destinataire)?;
    let iban =
        crate::raccordement::coordonnees_valides(c, bac_id, structure_id)?.into_iter().next().map(|x| x.iban);
    if iban.is_none()
        && fs.facture.type_facture == chorus_domain::facture::TypeFacture::Facture
        && fs.facture.mode_paiement == chorus_domain::facture::ModePaiement::Virement
    {
        return Err(Erreur::Conflit(
            "Une facture structurée payable par virement porte l'IBAN du fournisseur (règle BR-61 de la norme \
             EN 16931) : votre structure n'a pas de coordonnées bancaires actives. Ajoutez-les dans Raccordements › \
             Coordonnées bancaires, puis téléchargez à nouveau la facture."
                .into(),
        ));
    }
    Ok(FactureStructuree { facture: fs.facture, vendeur, acheteur, iban })
}

/// La facture telle qu'un PDF la montre (`telecharger/groupe`) : le PDF déposé, ou la page
/// lisible à produire — hors de la lecture, qui ne doit pas tenir une connexion pendant le rendu.
pub enum PdfDeFacture {
    Depose { nom: String, contenu: Vec<u8> },
    AProduire(Box<FactureStructuree>),
}

impl PdfDeFacture {
    /// Le nom du fichier et son contenu (la page lisible est rendue ici).
    pub fn produire(self) -> Resultat<(String, Vec<u8>)> {
        match self {
            Self::Depose { nom, contenu } => Ok((nom, contenu)),
            Self::AProduire(f) => Ok((f.nom_de_fichier("facture.pdf"), f.page_lisible()?)),
        }
    }
}

/// Le PDF d'une facture : celui qu'on a déposé s'il y en a un, sinon sa page lisible (celle du
/// Factur-X, avec l'IBAN de la structure s'il y en a un).
pub fn pdf_de_la_facture(c: &Connection, bac_id: &str, facture_id: &str) -> Resultat<PdfDeFacture> {
    if let Some(depose) =
        piece_jointe::lister(c, bac_id, facture_id)?.into_iter().find(|p| p.est_pdf_de_facture())
    {
        let (piece, contenu) = piece_jointe::contenu(c, bac_id, &depose.id)?;
        return Ok(PdfDeFacture::Depose { nom: piece.nom, contenu });
    }
    let fs = facture::charger(c, bac_id, facture_id)?;
    let (vendeur, acheteur) =
        parties(c, bac_id, &fs.structure_id, &fs.facture.destinataire, &fs.raison_sociale_destinataire)?;
    let iban = crate::raccordement::coordonnees_valides(c, bac_id, &fs.structure_id)?
        .into_iter()
        .next()
        .map(|x| x.iban);
    Ok(PdfDeFacture::AProduire(Box::new(FactureStructuree { facture: fs.facture, vendeur, acheteur, iban })))
}

impl FactureStructuree {
    /// La page lisible de la facture, en PDF/A-3b.
    fn page_lisible(&self) -> Resultat<Vec<u8>> {
        fn partie(p: &chorus_flux::PartieAEcrire) -> chorus_documents::PartieLisible<'_> {
            chorus_documents::PartieLisible {
                nom: &p.nom,
                siret: &p.siret,
                adresse: &p.adresse,
                code_postal: &p.code_postal,
                ville: &p.ville,
            }
        }
        chorus_documents::facture_pdfa3(&chorus_documents::FactureLisible {
            facture: &self.facture,
            vendeur: partie(&self.vendeur),
            acheteur: partie(&self.acheteur),
            iban: self.iban.as_deref(),
        })
        .map_err(|e| Erreur::Invalide(e.to_string()))
    }

    fn a_ecrire(&self) -> chorus_flux::FactureAEcrire<'_> {
        chorus_flux::FactureAEcrire {
            facture: &self.facture,
            vendeur: self.vendeur.clone(),
            acheteur: self.acheteur.clone(),
            iban: self.iban.clone(),
        }
    }

    /// Le nom du fichier : le numéro de la facture, réduit à des caractères sûrs, et `suffixe`.
    pub fn nom_de_fichier(&self, suffixe: &str) -> String {
        let nom: String = self
            .facture
            .numero
            .chars()
            .map(|ch| if ch.is_ascii_alphanumeric() || ch == '-' { ch } else { '_' })
            .collect();
        format!("{nom}-{suffixe}")
    }

    /// La facture en CII ou en UBL (profil EN 16931).
    pub fn xml(&self, syntaxe: chorus_flux::SyntaxeEcrite) -> Resultat<String> {
        chorus_flux::ecrire(&self.a_ecrire(), syntaxe).map_err(|e| Erreur::Invalide(e.to_string()))
    }

    /// La facture en Factur-X : sa page lisible en PDF/A-3b, la CII jointe (profil EN 16931).
    pub fn factur_x(&self) -> Resultat<Vec<u8>> {
        let visuel = self.page_lisible()?;
        chorus_flux::factur_x(&self.a_ecrire(), &visuel).map_err(|e| Erreur::Invalide(e.to_string()))
    }
}

/// Les flux du bac arrivés au bout de leur traitement, pour la vérification des exercices.
pub fn traites(c: &Connection, bac_id: &str) -> Resultat<Vec<chorus_domain::scenario::FluxFaits>> {
    let numeros: Vec<String> = c
        .prepare_cached("SELECT numero FROM flux WHERE bac_id = ?1 AND termine = 1 ORDER BY ordre")?
        .query_map([bac_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    numeros
        .iter()
        .map(|n| {
            let cr = compte_rendu(c, bac_id, n)?;
            Ok(chorus_domain::scenario::FluxFaits {
                etat: cr.flux.etat.code().to_string(),
                destinataires_integres: cr
                    .factures
                    .iter()
                    .filter(|x| x.facture_id.is_some())
                    .filter_map(|x| x.destinataire.clone())
                    .collect(),
                regles: cr.factures.iter().flat_map(|x| x.erreurs.iter().map(|e| e.regle.clone())).collect(),
            })
        })
        .collect()
}

/// Une facture d'un fichier d'exercice, telle que la produirait le logiciel du stagiaire : le
/// vendeur est sa structure, la date est celle du bac moins `jours_avant`. Son compte bancaire
/// est celui de la structure ; sans coordonnées bancaires, un IBAN fictif, celui que « connaît
/// le logiciel » (choix du simulateur). Elle s'écrit ensuite en CII, en UBL ou en Factur-X.
pub fn facture_d_exercice(
    c: &Connection,
    bac_id: &str,
    structure_id: &str,
    d: &chorus_domain::scenario::FactureDepart,
    horloge: &Horloge,
) -> Resultat<FactureStructuree> {
    let date = bac::decaler(bac::bac(c, bac_id)?.date_simulee(horloge), -i64::from(d.jours_avant));
    let saisie = SaisieBrute {
        numero: d.numero.clone(),
        date_facture: date.to_string(),
        type_facture: "FACTURE".into(),
        cadre: d.cadre.clone().unwrap_or_else(|| "A1_FACTURE_FOURNISSEUR".into()),
        destinataire: d.destinataire.clone(),
        code_service: d.code_service.clone(),
        numero_engagement: d.numero_engagement.clone(),
        mode_paiement: "VIREMENT".into(),
        type_tva: "TVA_SUR_DEBIT".into(),
        lignes: vec![chorus_domain::saisie::LigneBrute {
            reference: "L1".into(),
            designation: d.designation.clone(),
            quantite: d.quantite.clone(),
            unite: "unité".into(),
            prix_unitaire_ht: d.prix_unitaire_ht.clone(),
            remise_ht: String::new(),
            taux_tva: d.taux_tva.clone(),
        }],
        ..SaisieBrute::default()
    };
    let facture = chorus_domain::saisie::analyser(&saisie)
        .map_err(|a| Erreur::Invalide(format!("facture {} du fichier d'exercice : {a:?}", d.numero)))?;
    let (vendeur, acheteur) = parties(c, bac_id, structure_id, &d.destinataire, "ACHETEUR")?;
    let iban = crate::raccordement::coordonnees_valides(c, bac_id, structure_id)?
        .into_iter()
        .next()
        .map_or_else(|| IBAN_DU_LOGICIEL.to_string(), |x| x.iban);
    Ok(FactureStructuree { facture, vendeur, acheteur, iban: Some(iban) })
}

/// L'IBAN fictif des fichiers d'exercice, quand la structure n'a pas de coordonnées bancaires.
const IBAN_DU_LOGICIEL: &str = "FR7630006000011234567890189";

/// Un lot de fichiers en archive .zip (les fichiers d'un exercice).
pub fn archive_zip(fichiers: &[(String, Vec<u8>)]) -> Resultat<Vec<u8>> {
    use std::io::Write;
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (nom, octets) in fichiers {
        z.start_file(nom.as_str(), options).map_err(|e| Erreur::Invalide(e.to_string()))?;
        z.write_all(octets)?;
    }
    Ok(z.finish().map_err(|e| Erreur::Invalide(e.to_string()))?.into_inner())
}

/// Le vendeur (la structure du stagiaire) et l'acheteur (de l'annuaire ; à défaut, son
/// identifiant et `nom_de_repli`) d'une facture à écrire en facture structurée.
fn parties(
    c: &Connection,
    bac_id: &str,
    structure_id: &str,
    destinataire: &str,
    nom_de_repli: &str,
) -> Resultat<(chorus_flux::PartieAEcrire, chorus_flux::PartieAEcrire)> {
    let v = bac::structure_fournisseur(c, bac_id, structure_id)?;
    let vendeur = chorus_flux::PartieAEcrire {
        nom: v.raison_sociale,
        siret: v.identifiant,
        adresse: v.adresse,
        code_postal: v.code_postal,
        ville: v.ville,
    };
    let acheteur = match crate::reference::structure_publique(c, destinataire)? {
        Some(a) => chorus_flux::PartieAEcrire {
            nom: a.raison_sociale,
            siret: a.identifiant,
            adresse: a.adresse.adresse,
            code_postal: a.adresse.code_postal,
            ville: a.adresse.ville,
        },
        None => chorus_flux::PartieAEcrire {
            nom: nom_de_repli.to_string(),
            siret: destinataire.to_string(),
            adresse: String::new(),
            code_postal: String::new(),
            ville: String::new(),
        },
    };
    Ok((vendeur, acheteur))
}
