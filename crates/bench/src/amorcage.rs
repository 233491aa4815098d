//! Seeding: fill formation1's sandbox with N sent invoices, timing it.

use std::time::{Duration, Instant};

use hyper::StatusCode;

use crate::http::Session;

/// The public buyer that asks for nothing (no service code, no commitment number), so
/// every seeded invoice goes straight to « Mise à disposition du destinataire ».
pub const DESTINATAIRE: &str = "21852884200097";

pub struct Amorcage {
    pub factures: usize,
    pub duree: Duration,
}

impl Amorcage {
    pub fn par_seconde(&self) -> f64 {
        self.factures as f64 / self.duree.as_secs_f64().max(f64::EPSILON)
    }
}

/// Empties the sandbox first: with `--url` it may hold a previous run's invoices, whose
/// numbers would clash and whose count would skew the list page.
pub async fn reinitialiser(session: &mut Session) -> Result<(), String> {
    let r = session.post("/bac/reinitialiser", &[("confirme", "oui")]).await?;
    if r.statut != StatusCode::SEE_OTHER {
        return Err(format!("réinitialisation du bac à sable : {} {}", r.statut, r.extrait()));
    }
    // The page after the redirect carries the CSRF token the next POSTs will need.
    session.get("/").await?;
    Ok(())
}

/// Sends `nombre` invoices one after the other, as a single trainee would: the figure is
/// the write path's latency-bound throughput (SQLite serialises writes anyway).
pub async fn creer_factures(session: &mut Session, nombre: usize) -> Result<Amorcage, String> {
    let date = date_facture();
    let debut = Instant::now();
    for rang in 1..=nombre {
        let numero = format!("B-{rang:04}");
        envoyer_facture(session, &numero, &date).await?;
    }
    Ok(Amorcage { factures: nombre, duree: debut.elapsed() })
}

pub async fn envoyer_facture(session: &mut Session, numero: &str, date: &str) -> Result<(), String> {
    let r = session.post("/factures-emises/saisir", &champs_facture(numero, date)).await?;
    let vers_facture = r.location().is_some_and(|l| l.contains("/factures-emises/"));
    if r.statut != StatusCode::SEE_OTHER || !vers_facture {
        return Err(format!(
            "création de la facture {numero} : {} (Location {:?}) {}",
            r.statut,
            r.location(),
            r.extrait()
        ));
    }
    Ok(())
}

/// One-line invoice « Valider et envoyer », already confirmed.
fn champs_facture<'a>(numero: &'a str, date: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("action", "envoyer"),
        ("confirme", "oui"),
        ("numero", numero),
        ("date_facture", date),
        ("type_facture", "FACTURE"),
        ("cadre", "A1_FACTURE_FOURNISSEUR"),
        ("destinataire", DESTINATAIRE),
        ("code_service", ""),
        ("numero_engagement", ""),
        ("numero_marche", ""),
        ("mode_paiement", "VIREMENT"),
        ("type_tva", "TVA_SUR_DEBIT"),
        ("motif_exoneration", ""),
        ("commentaire", "Classe virtuelle"),
        ("ligne_reference", "FORM-1"),
        ("ligne_designation", "Journée de formation"),
        ("ligne_quantite", "1"),
        ("ligne_unite", "jour"),
        ("ligne_prix_unitaire_ht", "1000"),
        ("ligne_remise_ht", "0"),
        ("ligne_taux_tva", "20"),
    ]
}

/// The invoice date must not be after the sandbox's simulated date, which starts at the
/// server's today: the earlier of the local and UTC dates is safe whichever it uses.
pub fn date_facture() -> String {
    let locale = chrono::Local::now().date_naive();
    let utc = chrono::Utc::now().date_naive();
    locale.min(utc).format("%Y-%m-%d").to_string()
}

/// The MOE of the works dossiers seeded here (the architect of the training register).
pub const MOE: &str = "49228449200070";

/// Opens the « Factures de travaux » space to formation1's structure and subscribes the user,
/// then deposits `nombre` projets de décompte mensuels (PDF, then the deposit form). Returns
/// the seeding figures and the id of the last dossier.
pub async fn creer_dossiers_travaux(
    session: &mut Session,
    nombre: usize,
) -> Result<(Amorcage, String), String> {
    session.get("/structure/espaces").await?;
    session.post("/structure/espaces", &[("espace", "FACTURES_TRAVAUX")]).await?;
    session
        .post("/structure/espaces/abonnement", &[("espace", "FACTURES_TRAVAUX"), ("mode", "MODIFICATION")])
        .await?;
    let pdf = chorus_documents::DocumentPdf::nouveau("Projet de décompte")
        .titre("Projet de décompte mensuel")
        .paragraphe("Réhabilitation de l'école du bourg : situation de travaux")
        .produire()
        .map_err(|e| e.to_string())?;
    let date = date_facture();
    let debut = Instant::now();
    let mut dernier = String::new();
    for rang in 1..=nombre {
        let numero = format!("T-{rang:04}");
        session.get("/factures-de-travaux/deposer").await?;
        let r = session.post_fichier("/factures-de-travaux/deposer", &[], ("decompte.pdf", &pdf)).await?;
        let formulaire = match r.location() {
            Some(l) if r.statut == StatusCode::SEE_OTHER => l.to_string(),
            _ => return Err(format!("dépôt du PDF {numero} : {} {}", r.statut, r.extrait())),
        };
        session.get(&formulaire).await?;
        let champs = [
            ("cadre", "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR"),
            ("numero", numero.as_str()),
            ("date_piece", date.as_str()),
            ("destinataire", DESTINATAIRE),
            ("numero_marche", "2026-TRV-031"),
            ("moe", MOE),
            ("montant_ht", "12000"),
            ("taux_tva", "20"),
        ];
        let r = session.post(&formulaire, &champs).await?;
        match r.location() {
            Some(l) if r.statut == StatusCode::SEE_OTHER && !l.contains("deposer") => {
                dernier = l.trim_start_matches("/factures-de-travaux/").to_string();
            }
            _ => return Err(format!("dépôt du projet {numero} : {} {}", r.statut, r.extrait())),
        }
    }
    Ok((Amorcage { factures: nombre, duree: debut.elapsed() }, dernier))
}
