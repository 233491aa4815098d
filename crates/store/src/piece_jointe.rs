//! Les fichiers d'une facture : le PDF d'une facture déposée (mode « dépôt PDF ») et les pièces
//! jointes, avec les règles de Chorus Pro (nom, extension, taille, total par facture) ; et le
//! certificat de dépôt.

use std::sync::atomic::{AtomicU64, Ordering};

use chorus_documents::certificat::{CertificatDepot, Partie};
use chorus_domain::Statut;
use chorus_domain::piece_jointe::{self as regles, RefusPiece};
use chorus_domain::saisie::SaisieBrute;
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use crate::bac;
use crate::erreur::{Erreur, Resultat};
use crate::facture::{self, Envoi, Issue};
use crate::horloge::Horloge;

/// Le PDF de la facture elle-même (dépôt PDF).
pub const NATURE_FACTURE: &str = "FACTURE";
/// Une pièce jointe complémentaire.
pub const NATURE_COMPLEMENTAIRE: &str = "COMPLEMENTAIRE";
/// Un fichier envoyé par l'API (`ajouter/fichier`) qu'aucune facture ne cite encore.
pub const NATURE_FICHIER_API: &str = "FICHIER_API";

pub use crate::facture::ModeDepot;

/// Un fichier stocké (sans son contenu).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub id: String,
    pub structure_id: String,
    /// `None` : PDF déposé dont la facture n'est pas encore enregistrée.
    pub facture_id: Option<String>,
    pub nature: String,
    pub nom: String,
    pub type_mime: String,
    pub taille: u64,
    /// Date simulée de l'ajout.
    pub ajoutee_le: NaiveDate,
    /// Son rang dans le bac : le `pieceJointeId` de l'API.
    pub numero: i64,
}

impl Piece {
    pub fn est_pdf_de_facture(&self) -> bool {
        self.nature == NATURE_FACTURE
    }
}

/// Un fichier refusé : le code (journal, tests) et le message qui dit quoi faire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusFichier {
    pub code: &'static str,
    pub message: String,
}

impl From<RefusPiece> for RefusFichier {
    fn from(r: RefusPiece) -> Self {
        RefusFichier { code: r.code(), message: r.to_string() }
    }
}

impl From<chorus_documents::Erreur> for RefusFichier {
    fn from(e: chorus_documents::Erreur) -> Self {
        RefusFichier { code: e.code(), message: e.to_string() }
    }
}

const COLONNES: &str = "id, structure_id, facture_id, nature, nom, type_mime, taille, ajoutee_le, ordre";

fn depuis_ligne(r: &rusqlite::Row<'_>) -> rusqlite::Result<Piece> {
    Ok(Piece {
        id: r.get(0)?,
        structure_id: r.get(1)?,
        facture_id: r.get(2)?,
        nature: r.get(3)?,
        nom: r.get(4)?,
        type_mime: r.get(5)?,
        taille: r.get::<_, i64>(6)?.max(0) as u64,
        ajoutee_le: r.get(7)?,
        numero: r.get(8)?,
    })
}

/// Les fichiers refusés vont au journal comme les anomalies de saisie : matière du suivi.
fn tracer_refus(
    c: &Connection,
    bac: &bac::Bac,
    facture_id: Option<&str>,
    refus: &RefusFichier,
    horloge: &Horloge,
) -> Resultat<()> {
    crate::facture::tracer_codes(c, bac, &[refus.code], facture_id, horloge)
}

// Les colonnes d'une ligne : les regrouper dans une structure n'ajouterait rien.
#[allow(clippy::too_many_arguments)]
fn inserer(
    c: &Connection,
    bac_id: &str,
    structure_id: &str,
    facture_id: Option<&str>,
    nature: &str,
    nom: &str,
    contenu: Source<'_>,
    date: NaiveDate,
) -> Resultat<String> {
    let id = Uuid::now_v7().to_string();
    let taille = contenu.taille();
    let octets: Option<&[u8]> = match &contenu {
        Source::Octets(o) => Some(o),
        Source::Fichier { .. } => None,
    };
    c.prepare_cached(
        "INSERT INTO piece_jointe (id, bac_id, structure_id, facture_id, nature, nom, type_mime, taille, contenu,
             ajoutee_le, ordre)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, coalesce(?9, zeroblob(?8)), ?10,
                 (SELECT coalesce(max(ordre), 0) + 1 FROM piece_jointe WHERE bac_id = ?2))",
    )?
    .execute(params![
        id,
        bac_id,
        structure_id,
        facture_id,
        nature,
        nom,
        regles::type_mime(nom),
        taille as i64,
        octets,
        date,
    ])?;
    // Un fichier reçu sur disque est recopié par morceaux dans la base : il n'est jamais tout
    // entier en mémoire.
    if let Source::Fichier { chemin, .. } = contenu {
        let ligne = c.last_insert_rowid();
        let mut blob = c.blob_open(rusqlite::MAIN_DB, "piece_jointe", "contenu", ligne, false)?;
        let mut fichier = std::fs::File::open(chemin)?;
        std::io::copy(&mut fichier, &mut blob)?;
    }
    Ok(id)
}

/// Le contenu d'un fichier à garder : en mémoire, ou dans le fichier temporaire où l'envoi a été
/// reçu (et qu'on ne charge pas en mémoire).
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    Octets(&'a [u8]),
    Fichier { chemin: &'a std::path::Path, taille: u64 },
}

impl Source<'_> {
    pub fn taille(&self) -> u64 {
        match self {
            Source::Octets(o) => o.len() as u64,
            Source::Fichier { taille, .. } => *taille,
        }
    }
}

impl<'a> From<&'a [u8]> for Source<'a> {
    fn from(o: &'a [u8]) -> Self {
        Source::Octets(o)
    }
}

impl<'a, const N: usize> From<&'a [u8; N]> for Source<'a> {
    fn from(o: &'a [u8; N]) -> Self {
        Source::Octets(o)
    }
}

impl<'a> From<&'a Vec<u8>> for Source<'a> {
    fn from(o: &'a Vec<u8>) -> Self {
        Source::Octets(o)
    }
}

/// Un PDF de dépôt contrôlé : règles des fichiers (nom, taille), puis vrai PDF lisible, sans
/// mot de passe, dans les limites de décompression. Le contrôle se fait **avant** la
/// transaction (il peut prendre jusqu'à deux secondes sur un fichier piégé) ; seul un
/// `PdfControle` peut être déposé.
#[derive(Debug, Clone)]
pub struct PdfControle {
    nom: String,
    contenu: Vec<u8>,
}

impl PdfControle {
    pub fn nom(&self) -> &str {
        &self.nom
    }
}

/// Contrôle un PDF à déposer, hors de toute transaction.
pub fn controler_pdf(nom: &str, contenu: Vec<u8>) -> Result<PdfControle, RefusFichier> {
    let nom = regles::nom_sans_chemin(nom).to_string();
    regles::controler(&nom, contenu.len() as u64, 0).map_err(RefusFichier::from)?;
    if regles::extension(&nom).as_deref() != Some("PDF") {
        return Err(RefusFichier {
            code: "DEPOT_PAS_PDF",
            message: format!(
                "Le dépôt d'une facture attend un fichier PDF (nom terminé par .pdf) : « {nom} » n'en est pas un. \
                 Pour ajouter ce fichier en pièce jointe, enregistrez d'abord la facture, puis joignez-le."
            ),
        });
    }
    chorus_documents::verifier_pdf(&contenu).map_err(RefusFichier::from)?;
    Ok(PdfControle { nom, contenu })
}

/// La place qu'occupent les fichiers d'un bac à sable, au plus (réglage du serveur,
/// `--quota-bac-mo`) : au-delà, un dépôt ou une pièce jointe est refusé, rien de ce qui est
/// déjà gardé n'est touché.
static QUOTA_PAR_BAC: AtomicU64 = AtomicU64::new(QUOTA_PAR_BAC_DEFAUT);

/// 200 Mo par bac à sable : des dizaines de factures avec leurs pièces, bien plus qu'une
/// journée de formation n'en produit.
pub const QUOTA_PAR_BAC_DEFAUT: u64 = 200 * 1024 * 1024;

pub fn fixer_quota_par_bac(octets: u64) {
    QUOTA_PAR_BAC.store(octets, Ordering::Relaxed);
}

pub fn quota_par_bac() -> u64 {
    QUOTA_PAR_BAC.load(Ordering::Relaxed)
}

/// La place occupée par les fichiers du bac, en octets.
pub fn occupation(c: &Connection, bac_id: &str) -> Resultat<u64> {
    let n: i64 = c
        .prepare_cached("SELECT coalesce(sum(taille), 0) FROM piece_jointe WHERE bac_id = ?1")?
        .query_row([bac_id], |r| r.get(0))?;
    Ok(n.max(0) as u64)
}

fn verifier_quota(
    c: &Connection,
    bac_id: &str,
    ajout: u64,
    libere: u64,
) -> Resultat<Result<(), RefusFichier>> {
    let quota = quota_par_bac();
    let apres = occupation(c, bac_id)?.saturating_sub(libere).saturating_add(ajout);
    if apres <= quota {
        return Ok(Ok(()));
    }
    Ok(Err(RefusFichier {
        code: "QUOTA_BAC",
        message: format!(
            "Votre bac à sable n'a plus de place pour ce fichier : ses fichiers occupent déjà {} sur les {} permis. \
             Retirez des pièces jointes de vos brouillons, ou demandez à votre formateur de réinitialiser le bac à sable.",
            regles::taille_lisible(occupation(c, bac_id)?),
            regles::taille_lisible(quota)
        ),
    }))
}

/// « Déposer une facture » : le PDF déjà contrôlé ([`controler_pdf`]) est gardé en attendant
/// que le fournisseur saisisse ou corrige les données ; un refus du contrôle est tracé au
/// journal. Renvoie l'identifiant du dépôt en cours.
pub fn deposer_pdf(
    c: &Connection,
    bac_id: &str,
    structure_id: &str,
    controle: Result<PdfControle, RefusFichier>,
    horloge: &Horloge,
) -> Resultat<Result<String, RefusFichier>> {
    let bac = bac::bac(c, bac_id)?;
    bac::structure_fournisseur(c, bac_id, structure_id)?;
    let pdf = match controle {
        Ok(pdf) => pdf,
        Err(refus) => {
            tracer_refus(c, &bac, None, &refus, horloge)?;
            return Ok(Err(refus));
        }
    };
    // Un seul dépôt en cours par structure : un PDF abandonné ne s'accumule pas.
    let abandonne: i64 = c
        .prepare_cached(
            "SELECT coalesce(sum(taille), 0) FROM piece_jointe
             WHERE bac_id = ?1 AND structure_id = ?2 AND facture_id IS NULL AND nature = 'FACTURE'",
        )?
        .query_row([bac_id, structure_id], |r| r.get(0))?;
    if let Err(refus) = verifier_quota(c, bac_id, pdf.contenu.len() as u64, abandonne.max(0) as u64)? {
        tracer_refus(c, &bac, None, &refus, horloge)?;
        return Ok(Err(refus));
    }
    c.prepare_cached(
        "DELETE FROM piece_jointe
         WHERE bac_id = ?1 AND structure_id = ?2 AND facture_id IS NULL AND nature = 'FACTURE'",
    )?
    .execute([bac_id, structure_id])?;
    let date = bac.date_simulee(horloge);
    let id =
        inserer(c, bac_id, structure_id, None, NATURE_FACTURE, &pdf.nom, Source::Octets(&pdf.contenu), date)?;
    Ok(Ok(id))
}

/// Le PDF d'un dépôt en cours de cette structure ; `Introuvable` s'il a déjà servi à une
/// facture, s'il a été remplacé par un autre dépôt, ou s'il est d'une autre structure.
pub fn depot_en_cours(c: &Connection, bac_id: &str, structure_id: &str, depot_id: &str) -> Resultat<Piece> {
    c.prepare_cached(&format!(
        "SELECT {COLONNES} FROM piece_jointe
         WHERE bac_id = ?1 AND structure_id = ?2 AND id = ?3 AND facture_id IS NULL AND nature = 'FACTURE'"
    ))?
    .query_row([bac_id, structure_id, depot_id], depuis_ligne)
    .optional()?
    .ok_or(Erreur::Introuvable("dépôt en cours"))
}

/// « Enregistrer » ou « Valider et envoyer » la facture d'un PDF déposé : les données saisies
/// ou corrigées passent exactement par les contrôles de la saisie ; le PDF devient le fichier
/// de la facture, qui est marquée « Dépôt PDF ».
// Les arguments d'un cas d'usage : les regrouper dans une structure n'ajouterait rien.
#[allow(clippy::too_many_arguments)]
pub fn saisir_depot(
    c: &Connection,
    bac_id: &str,
    structure_id: &str,
    depot_id: &str,
    brut: &SaisieBrute,
    envoi: Envoi,
    horloge: &Horloge,
) -> Resultat<Issue> {
    depot_en_cours(c, bac_id, structure_id, depot_id)?;
    let issue = facture::saisir(c, bac_id, structure_id, None, brut, envoi, horloge)?;
    if let Issue::Acceptee(id) = &issue {
        c.prepare_cached("UPDATE piece_jointe SET facture_id = ?3 WHERE bac_id = ?1 AND id = ?2")?
            .execute([bac_id, depot_id, id])?;
        noter_mode_depot(c, bac_id, id, ModeDepot::DepotPdfPortail)?;
    }
    Ok(issue)
}

/// Le premier temps de « Valider et envoyer » d'un dépôt : tous les contrôles, rien d'enregistré.
pub fn previsualiser_depot(
    c: &Connection,
    bac_id: &str,
    structure_id: &str,
    depot_id: &str,
    brut: &SaisieBrute,
    horloge: &Horloge,
) -> Resultat<Result<chorus_domain::facture::Facture, Vec<chorus_domain::Anomalie>>> {
    depot_en_cours(c, bac_id, structure_id, depot_id)?;
    facture::previsualiser_envoi(c, bac_id, structure_id, None, brut, horloge)
}

/// `ajouter/fichier` : un fichier envoyé par un connecteur, gardé pour la structure du compte
/// technique jusqu'à ce qu'une facture le cite (`pieceJointePrincipaleId`,
/// `pieceJointeComplementaireId`). Les règles des pièces jointes et le quota du bac
/// s'appliquent ; renvoie son numéro (`pieceJointeId`), le rang du fichier dans le bac.
pub fn ajouter_fichier_api(
    c: &Connection,
    bac_id: &str,
    structure_id: &str,
    nom: &str,
    contenu: &[u8],
    horloge: &Horloge,
) -> Resultat<Result<i64, RefusFichier>> {
    let bac = bac::bac(c, bac_id)?;
    bac::structure_fournisseur(c, bac_id, structure_id)?;
    let nom = regles::nom_sans_chemin(nom);
    let controle = match regles::controler(nom, contenu.len() as u64, 0).map_err(RefusFichier::from) {
        Ok(()) => verifier_quota(c, bac_id, contenu.len() as u64, 0)?,
        Err(refus) => Err(refus),
    };
    if let Err(refus) = controle {
        tracer_refus(c, &bac, None, &refus, horloge)?;
        return Ok(Err(refus));
    }
    let date = bac.date_simulee(horloge);
    let id = inserer(c, bac_id, structure_id, None, NATURE_FICHIER_API, nom, Source::Octets(contenu), date)?;
    Ok(Ok(c
        .prepare_cached("SELECT ordre FROM piece_jointe WHERE bac_id = ?1 AND id = ?2")?
        .query_row([bac_id, &id], |r| r.get(0))?))
}

/// Un fichier envoyé par l'API que la structure n'a pas encore cité dans une facture, par son
/// numéro (`pieceJointeId`) ; `Introuvable` pour un fichier d'une autre structure ou déjà cité.
pub fn fichier_api(c: &Connection, bac_id: &str, structure_id: &str, numero: i64) -> Resultat<Piece> {
    c.prepare_cached(&format!(
        "SELECT {COLONNES} FROM piece_jointe
         WHERE bac_id = ?1 AND structure_id = ?2 AND ordre = ?3 AND facture_id IS NULL AND nature = 'FICHIER_API'"
    ))?
    .query_row(params![bac_id, structure_id, numero], depuis_ligne)
    .optional()?
    .ok_or(Erreur::Introuvable("pièce jointe"))
}

/// La facture soumise par l'API avec son PDF : « DEPOT_PDF_API ».
pub fn noter_mode_depot_api_pdf(c: &Connection, bac_id: &str, facture_id: &str) -> Resultat<()> {
    noter_mode_depot(c, bac_id, facture_id, ModeDepot::DepotPdfApi)
}

/// Un fichier envoyé par l'API devenu le PDF d'une pièce de travaux (qui en garde sa copie) :
/// il n'attend plus d'être cité.
pub fn consommer_fichier_api(c: &Connection, bac_id: &str, structure_id: &str, numero: i64) -> Resultat<()> {
    let piece = fichier_api(c, bac_id, structure_id, numero)?;
    c.prepare_cached("DELETE FROM piece_jointe WHERE bac_id = ?1 AND id = ?2")?
        .execute([bac_id, &piece.id])?;
    Ok(())
}

/// Le contenu d'un fichier envoyé par l'API et pas encore cité.
pub fn contenu_fichier_api(
    c: &Connection,
    bac_id: &str,
    structure_id: &str,
    numero: i64,
) -> Resultat<(Piece, Vec<u8>)> {
    let piece = fichier_api(c, bac_id, structure_id, numero)?;
    contenu(c, bac_id, &piece.id)
}

/// Rattache à une facture de la structure des fichiers envoyés par l'API : le PDF de la facture
/// (`principal`, déjà contrôlé comme un dépôt PDF) et des pièces complémentaires. Le total de
/// la facture reste sous 120 Mo ; un numéro inconnu ou déjà cité laisse tout en l'état.
pub fn rattacher_fichiers_api(
    c: &Connection,
    bac_id: &str,
    structure_id: &str,
    facture_id: &str,
    principal: Option<i64>,
    complementaires: &[i64],
) -> Resultat<Result<(), RefusFichier>> {
    let f = facture::charger(c, bac_id, facture_id)?;
    if f.structure_id != structure_id {
        return Err(Erreur::Introuvable("facture"));
    }
    let mut pieces = Vec::new();
    for (numero, nature) in principal
        .iter()
        .map(|n| (*n, NATURE_FACTURE))
        .chain(complementaires.iter().map(|n| (*n, NATURE_COMPLEMENTAIRE)))
    {
        match fichier_api(c, bac_id, structure_id, numero) {
            Ok(p) if !pieces.iter().any(|(q, _): &(Piece, _)| q.id == p.id) => pieces.push((p, nature)),
            Ok(_) => {}
            Err(Erreur::Introuvable(_)) => {
                return Ok(Err(RefusFichier {
                    code: "PIECE_JOINTE_INCONNUE",
                    message: format!(
                        "La pièce jointe n° {numero} n'existe pas, ou a déjà été jointe à une facture : \
                         envoyez le fichier par « ajouter/fichier » et citez le numéro rendu (pieceJointeId)."
                    ),
                }));
            }
            Err(e) => return Err(e),
        }
    }
    let mut cumul = total(c, bac_id, facture_id)?;
    for (p, _) in &pieces {
        if let Err(refus) = regles::controler(&p.nom, p.taille, cumul) {
            return Ok(Err(refus.into()));
        }
        cumul = cumul.saturating_add(p.taille);
    }
    let mut maj = c.prepare_cached(
        "UPDATE piece_jointe SET facture_id = ?3, nature = ?4 WHERE bac_id = ?1 AND id = ?2",
    )?;
    for (p, nature) in &pieces {
        maj.execute(params![bac_id, p.id, facture_id, nature])?;
    }
    Ok(Ok(()))
}

/// Total des fichiers d'une facture (son PDF et ses pièces jointes), en octets.
pub fn total(c: &Connection, bac_id: &str, facture_id: &str) -> Resultat<u64> {
    let n: i64 = c
        .prepare_cached(
            "SELECT coalesce(sum(taille), 0) FROM piece_jointe WHERE bac_id = ?1 AND facture_id = ?2",
        )?
        .query_row([bac_id, facture_id], |r| r.get(0))?;
    Ok(n.max(0) as u64)
}

/// Joint un fichier à une facture du bac, quel que soit son statut, dans la transaction de
/// l'appelant : les règles de Chorus Pro s'appliquent (nom, extension, vide, 10 Mo, 120 Mo
/// pour l'ensemble). C'est à l'appelant de dire si le statut le permet (brouillon, facture
/// suspendue à compléter…). Un refus est tracé au journal.
pub fn joindre<'a>(
    c: &Connection,
    bac_id: &str,
    facture_id: &str,
    nom: &str,
    contenu: impl Into<Source<'a>>,
    horloge: &Horloge,
) -> Resultat<Result<String, RefusFichier>> {
    let contenu = contenu.into();
    let bac = bac::bac(c, bac_id)?;
    let f = facture::charger(c, bac_id, facture_id)?;
    let nom = regles::nom_sans_chemin(nom);
    let deja = total(c, bac_id, facture_id)?;
    let controle = regles::controler(nom, contenu.taille(), deja).map_err(RefusFichier::from);
    let controle = match controle {
        Ok(()) => verifier_quota(c, bac_id, contenu.taille(), 0)?,
        Err(refus) => Err(refus),
    };
    if let Err(refus) = controle {
        tracer_refus(c, &bac, Some(facture_id), &refus, horloge)?;
        return Ok(Err(refus));
    }
    let id = inserer(
        c,
        bac_id,
        &f.structure_id,
        Some(facture_id),
        NATURE_COMPLEMENTAIRE,
        nom,
        contenu,
        bac.date_simulee(horloge),
    )?;
    Ok(Ok(id))
}

/// La facture `facture_id` de la structure, si c'est encore un brouillon.
fn brouillon_de(c: &Connection, bac_id: &str, structure_id: &str, facture_id: &str) -> Resultat<()> {
    let f = facture::charger(c, bac_id, facture_id)?;
    if f.structure_id != structure_id {
        return Err(Erreur::Introuvable("facture"));
    }
    if f.statut != Statut::Brouillon {
        return Err(chorus_domain::Erreur::Transition(
            "Les pièces jointes s'ajoutent ou se retirent avant l'envoi : cette facture a déjà été envoyée."
                .into(),
        )
        .into());
    }
    Ok(())
}

/// Ajouter une pièce jointe à un brouillon.
pub fn ajouter_au_brouillon<'a>(
    c: &Connection,
    bac_id: &str,
    structure_id: &str,
    facture_id: &str,
    nom: &str,
    contenu: impl Into<Source<'a>>,
    horloge: &Horloge,
) -> Resultat<Result<String, RefusFichier>> {
    brouillon_de(c, bac_id, structure_id, facture_id)?;
    joindre(c, bac_id, facture_id, nom, contenu, horloge)
}

/// Retirer une pièce jointe d'un brouillon (le PDF d'une facture déposée reste : c'est la
/// facture elle-même).
pub fn retirer(
    c: &Connection,
    bac_id: &str,
    structure_id: &str,
    facture_id: &str,
    piece_id: &str,
) -> Resultat<()> {
    brouillon_de(c, bac_id, structure_id, facture_id)?;
    let piece = lire_piece(c, bac_id, piece_id)?;
    if piece.facture_id.as_deref() != Some(facture_id) {
        return Err(Erreur::Introuvable("pièce jointe"));
    }
    if piece.est_pdf_de_facture() {
        return Err(chorus_domain::Erreur::Transition(
            "Le PDF de la facture déposée ne se retire pas : c'est la facture elle-même. Pour en changer, \
             déposez une nouvelle facture."
                .into(),
        )
        .into());
    }
    c.prepare_cached("DELETE FROM piece_jointe WHERE bac_id = ?1 AND id = ?2")?
        .execute([bac_id, piece_id])?;
    Ok(())
}

/// Les fichiers d'une facture, le PDF de la facture d'abord, puis dans l'ordre d'ajout.
pub fn lister(c: &Connection, bac_id: &str, facture_id: &str) -> Resultat<Vec<Piece>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {COLONNES} FROM piece_jointe WHERE bac_id = ?1 AND facture_id = ?2
         ORDER BY nature = 'FACTURE' DESC, ordre"
    ))?;
    let v = st.query_map([bac_id, facture_id], depuis_ligne)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(v)
}

/// Un fichier du bac (sans son contenu) ; `Introuvable` pour un fichier d'un autre bac.
pub fn lire_piece(c: &Connection, bac_id: &str, piece_id: &str) -> Resultat<Piece> {
    c.prepare_cached(&format!("SELECT {COLONNES} FROM piece_jointe WHERE bac_id = ?1 AND id = ?2"))?
        .query_row([bac_id, piece_id], depuis_ligne)
        .optional()?
        .ok_or(Erreur::Introuvable("pièce jointe"))
}

/// Un fichier du bac et son contenu.
pub fn contenu(c: &Connection, bac_id: &str, piece_id: &str) -> Resultat<(Piece, Vec<u8>)> {
    let piece = lire_piece(c, bac_id, piece_id)?;
    let octets: Vec<u8> = c
        .prepare_cached("SELECT contenu FROM piece_jointe WHERE bac_id = ?1 AND id = ?2")?
        .query_row([bac_id, piece_id], |r| r.get(0))?;
    Ok((piece, octets))
}

/// Note comment une facture tout juste enregistrée est arrivée (saisie par défaut).
pub(crate) fn noter_mode_depot(
    c: &Connection,
    bac_id: &str,
    facture_id: &str,
    mode: ModeDepot,
) -> Resultat<()> {
    c.prepare_cached("UPDATE facture SET mode_depot = ?3 WHERE bac_id = ?1 AND id = ?2")?.execute([
        bac_id,
        facture_id,
        mode.code(),
    ])?;
    Ok(())
}

/// Comment la facture est arrivée : saisie, dépôt PDF ou API.
pub fn mode_depot(c: &Connection, bac_id: &str, facture_id: &str) -> Resultat<ModeDepot> {
    let code: String = c
        .prepare_cached("SELECT mode_depot FROM facture WHERE bac_id = ?1 AND id = ?2")?
        .query_row([bac_id, facture_id], |r| r.get(0))
        .optional()?
        .ok_or(Erreur::Introuvable("facture"))?;
    Ok(ModeDepot::depuis_code(&code))
}

/// Le certificat de dépôt (PDF) d'une facture envoyée de la structure ; la date de dépôt est la
/// date simulée de son passage au statut « Déposée ».
pub fn certificat(c: &Connection, bac_id: &str, structure_id: &str, facture_id: &str) -> Resultat<Vec<u8>> {
    let fs = facture::charger(c, bac_id, facture_id)?;
    if fs.structure_id != structure_id {
        return Err(Erreur::Introuvable("facture"));
    }
    let Some(date_depot) = fs.date_depot else {
        return Err(chorus_domain::Erreur::Transition(
            "Le certificat de dépôt n'existe qu'une fois la facture envoyée : ce brouillon n'a pas encore été déposé."
                .into(),
        )
        .into());
    };
    let fournisseur = bac::structure_fournisseur(c, bac_id, structure_id)?;
    let mode = mode_depot(c, bac_id, facture_id)?;
    let fichiers = lister(c, bac_id, facture_id)?.into_iter().map(|p| (p.nom, p.taille)).collect();
    let f = &fs.facture;
    let t = fs.totaux();
    let donnees = CertificatDepot {
        identifiant_cpp: fs.id.clone(),
        numero_facture: f.numero.clone(),
        type_facture: f.type_facture.libelle().to_string(),
        date_facture: Some(f.date_facture),
        date_depot: Some(date_depot),
        mode_depot: match mode {
            ModeDepot::SaisiePortail => "Saisie sur le portail".into(),
            ModeDepot::DepotPdfPortail => "Dépôt PDF sur le portail".into(),
            m => m.libelle().into(),
        },
        cadre: f.cadre.libelle().to_string(),
        fournisseur: Partie {
            raison_sociale: fournisseur.raison_sociale,
            identifiant: fournisseur.identifiant,
        },
        destinataire: Partie {
            raison_sociale: fs.raison_sociale_destinataire.clone(),
            identifiant: f.destinataire.clone(),
        },
        code_service: f.code_service.clone(),
        numero_engagement: f.numero_engagement.clone(),
        total_ht: t.total_ht,
        total_tva: t.total_tva,
        total_ttc: t.total_ttc,
        montant_a_payer: t.montant_a_payer,
        fichiers,
    };
    Ok(chorus_documents::certificat_depot(&donnees)?)
}
