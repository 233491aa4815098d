//! Les fichiers d'une facture : pièces jointes d'un brouillon (ajouter, retirer), téléchargement,
//! certificat de dépôt ; et la lecture des envois de fichiers (multipart), partagée avec le dépôt.

use axum::Router;
use axum::extract::multipart::{Field, Multipart, MultipartError};
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chorus_domain::Statut;
use chorus_domain::piece_jointe::{self as regles, TAILLE_MAX_FACTURE, TAILLE_MAX_FICHIER, taille_lisible};
use chorus_store::facture::{self, FactureStockee};
use chorus_store::piece_jointe::{self as pj, ModeDepot, Piece, RefusFichier};
use maud::{Markup, html};

use super::{champ_csrf, gabarit, page_erreur, pastille};
use crate::erreur::AppError;
use crate::etat::AppState;
use crate::format;
use crate::formulaire::Champs;
use crate::session::Stagiaire;

/// Limite d'un envoi de fichiers : 120 Mo de fichiers au plus pour une facture, plus la marge
/// des en-têtes du formulaire. Le reste du portail garde sa petite limite.
pub const LIMITE_ENVOI: usize = TAILLE_MAX_FACTURE as usize + 4 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/factures-emises/{id}/pieces",
            get(page).post(ajouter).layer(DefaultBodyLimit::max(LIMITE_ENVOI)),
        )
        .route("/factures-emises/{id}/pieces/{piece}", get(telecharger))
        .route("/factures-emises/{id}/pieces/{piece}/retirer", post(retirer))
        .route("/factures-emises/{id}/certificat-depot", get(certificat))
}

/// Un fichier reçu, écrit au fil de l'envoi dans un fichier temporaire (effacé avec lui) : un
/// envoi n'est jamais tout entier en mémoire. Au-delà de 10 Mo, rien n'est gardé (seule sa
/// taille compte : il sera refusé).
pub struct FichierRecu {
    pub nom: String,
    pub taille: u64,
    fichier: Option<tempfile::NamedTempFile>,
}

impl FichierRecu {
    /// Un champ « fichier » où rien n'a été choisi.
    pub fn vide() -> FichierRecu {
        FichierRecu { nom: String::new(), taille: 0, fichier: None }
    }

    /// Le contenu, pour ce qui doit être lu en entier (le contrôle d'un PDF, 10 Mo au plus).
    pub async fn lire(&self) -> Result<Vec<u8>, AppError> {
        let Some(f) = &self.fichier else { return Ok(Vec::new()) };
        let chemin = f.path().to_path_buf();
        tokio::fs::read(chemin).await.map_err(|e| AppError::Interne(format!("lecture de l'envoi : {e}")))
    }

    /// Le contenu à recopier dans la base sans le charger.
    pub fn source(&self) -> pj::Source<'_> {
        match &self.fichier {
            Some(f) => pj::Source::Fichier { chemin: f.path(), taille: self.taille },
            None => pj::Source::Octets(&[]),
        }
    }
}

/// La place que le serveur garde libre sur le disque de ses données : en dessous, les envois
/// de fichiers sont refusés (réglage `--reserve-disque-mo`), et rien de ce qui est gardé n'est
/// touché.
static RESERVE_DISQUE: std::sync::OnceLock<(std::path::PathBuf, u64)> = std::sync::OnceLock::new();

/// Fixe, au démarrage, le dossier des données et la place à y garder libre.
pub fn garder_libre(dossier: &std::path::Path, octets: u64) {
    let _ = RESERVE_DISQUE.set((dossier.to_path_buf(), octets));
}

/// L'espace libre du disque des données est-il sous la réserve ?
fn disque_plein() -> bool {
    let Some((dossier, reserve)) = RESERVE_DISQUE.get() else { return false };
    match rustix::fs::statvfs(dossier) {
        Ok(s) => s.f_bavail.saturating_mul(s.f_frsize) < *reserve,
        Err(_) => false,
    }
}

/// Ce qu'un formulaire d'envoi de fichiers contient.
pub struct EnvoiRecu {
    pub fichiers: Vec<FichierRecu>,
    /// Les autres champs du formulaire (un commentaire, par exemple).
    pub champs: Vec<(String, String)>,
}

impl EnvoiRecu {
    pub fn champ(&self, nom: &str) -> String {
        self.champs.iter().find(|(k, _)| k == nom).map(|(_, v)| v.clone()).unwrap_or_default()
    }
}

/// Un fichier que le stockage ne verra pas : trop lourd (son contenu n'a pas été gardé) ou
/// absent (rien de choisi). La règle du domaine dit pourquoi il est refusé.
pub fn refus_avant_stockage(f: &FichierRecu) -> Option<RefusFichier> {
    if f.taille > TAILLE_MAX_FICHIER || (f.nom.is_empty() && f.taille == 0) {
        regles::controler(regles::nom_sans_chemin(&f.nom), f.taille, 0).err().map(RefusFichier::from)
    } else {
        None
    }
}

/// Longueur maximale d'un champ texte dans un envoi de fichiers.
const CHAMP_TEXTE_MAX: usize = 20_000;

/// Pourquoi un envoi de fichiers n'a pas pu être lu.
pub enum EchecEnvoi {
    Erreur(AppError),
    /// Plus lourd que la limite des envois : une page 413 qui parle de fichiers.
    TropVolumineux,
    /// Le disque du serveur n'a plus la place de garder des fichiers.
    DisquePlein,
}

impl From<AppError> for EchecEnvoi {
    fn from(e: AppError) -> Self {
        EchecEnvoi::Erreur(e)
    }
}

impl IntoResponse for EchecEnvoi {
    fn into_response(self) -> Response {
        match self {
            EchecEnvoi::Erreur(e) => e.into_response(),
            EchecEnvoi::TropVolumineux => trop_volumineux(),
            EchecEnvoi::DisquePlein => (
                StatusCode::INSUFFICIENT_STORAGE,
                page_erreur(
                    "Envoi impossible pour l'instant",
                    "Le serveur du simulateur manque de place sur son disque : il n'accepte plus de fichiers. Rien de \
                     ce que vous avez déjà enregistré n'est perdu. Prévenez votre formateur, puis réessayez plus tard.",
                ),
            )
                .into_response(),
        }
    }
}

/// La page 413 d'un envoi de fichiers trop lourd.
pub fn trop_volumineux() -> Response {
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        page_erreur(
            "Envoi trop volumineux",
            "Les fichiers envoyés dépassent ce que Chorus Pro accepte pour une facture : 10 Mo au plus par \
             fichier et 120 Mo au plus pour la facture et toutes ses pièces jointes. Envoyez moins de fichiers à \
             la fois, ou allégez-les, puis recommencez.",
        ),
    )
        .into_response()
}

fn erreur_envoi(e: MultipartError) -> EchecEnvoi {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        EchecEnvoi::TropVolumineux
    } else {
        EchecEnvoi::Erreur(AppError::Requete(
            "L'envoi du fichier a échoué (formulaire incomplet ou interrompu). Rechargez la page et recommencez."
                .into(),
        ))
    }
}

async fn lire_fichier(mut champ: Field<'_>) -> Result<FichierRecu, EchecEnvoi> {
    use tokio::io::AsyncWriteExt;
    let nom = champ.file_name().unwrap_or("").to_string();
    let temporaire = tempfile::NamedTempFile::new()
        .map_err(|e| EchecEnvoi::Erreur(AppError::Interne(format!("fichier temporaire : {e}"))))?;
    let copie = temporaire
        .as_file()
        .try_clone()
        .map_err(|e| EchecEnvoi::Erreur(AppError::Interne(format!("fichier temporaire : {e}"))))?;
    let mut ecrit = tokio::fs::File::from_std(copie);
    let mut taille: u64 = 0;
    while let Some(morceau) = champ.chunk().await.map_err(erreur_envoi)? {
        taille = taille.saturating_add(morceau.len() as u64);
        // Un fichier trop gros est lu jusqu'au bout (pour dire sa taille) sans être gardé.
        if taille <= TAILLE_MAX_FICHIER {
            ecrit
                .write_all(&morceau)
                .await
                .map_err(|e| EchecEnvoi::Erreur(AppError::Interne(format!("fichier temporaire : {e}"))))?;
        }
    }
    ecrit
        .flush()
        .await
        .map_err(|e| EchecEnvoi::Erreur(AppError::Interne(format!("fichier temporaire : {e}"))))?;
    let fichier = (taille <= TAILLE_MAX_FICHIER && taille > 0).then_some(temporaire);
    Ok(FichierRecu { nom, taille, fichier })
}

/// Lit un formulaire `multipart/form-data` : le jeton anti-falsification d'abord (il précède
/// les fichiers dans chaque formulaire du portail ; un fichier qui arrive avant lui est refusé
/// sans être lu), puis les fichiers du champ `fichier`.
pub async fn lire_envoi(
    stagiaire: &Stagiaire,
    envoi: Result<Multipart, AppError>,
) -> Result<EnvoiRecu, EchecEnvoi> {
    let mut envoi = envoi?;
    if disque_plein() {
        return Err(EchecEnvoi::DisquePlein);
    }
    let mut jeton_verifie = false;
    let mut fichiers = Vec::new();
    let mut champs = Vec::new();
    while let Some(champ) = envoi.next_field().await.map_err(erreur_envoi)? {
        let nom = champ.name().unwrap_or("").to_string();
        if nom == "csrf" {
            let jeton = champ.text().await.map_err(erreur_envoi)?;
            stagiaire.verifier_csrf(&jeton).await?;
            jeton_verifie = true;
        } else if !jeton_verifie {
            return Err(AppError::Formulaire.into());
        } else if nom == "fichier" {
            fichiers.push(lire_fichier(champ).await?);
        } else {
            let texte = champ.text().await.map_err(erreur_envoi)?;
            if texte.len() > CHAMP_TEXTE_MAX {
                return Err(AppError::TropVolumineux.into());
            }
            champs.push((nom, texte));
        }
    }
    if !jeton_verifie {
        return Err(AppError::Formulaire.into());
    }
    Ok(EnvoiRecu { fichiers, champs })
}

/// Le contrôle d'un PDF à déposer, sur le réservoir des tâches bloquantes (un fichier piégé
/// peut le faire durer deux secondes) et avant toute transaction : l'écrivain n'attend jamais
/// un contrôle.
pub async fn controler_pdf(nom: String, contenu: Vec<u8>) -> Result<pj::PdfControle, RefusFichier> {
    tokio::task::spawn_blocking(move || pj::controler_pdf(&nom, contenu)).await.unwrap_or_else(|_| {
        Err(RefusFichier {
            code: "PDF_ILLISIBLE",
            message: "Ce PDF n'a pas pu être lu. Produisez à nouveau le PDF depuis votre logiciel, puis recommencez."
                .into(),
        })
    })
}

/// L'extracteur multipart, dont le refus (pas un formulaire de fichiers) devient une page.
pub fn multipart(
    m: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Multipart, AppError> {
    m.map_err(|_| {
        AppError::Requete(
            "Ce formulaire attend un fichier : utilisez le bouton « Parcourir » de la page.".into(),
        )
    })
}

/// `Content-Disposition` d'un fichier : nom ASCII de repli, et nom exact encodé (RFC 6266).
pub fn disposition(mode: &str, nom: &str) -> HeaderValue {
    let repli: String = nom
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') { c } else { '_' })
        .collect();
    let encode: String = nom
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    HeaderValue::from_str(&format!("{mode}; filename=\"{repli}\"; filename*=UTF-8''{encode}"))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

/// Un fichier à envoyer au navigateur : en ligne pour un PDF affiché dans la page, en
/// téléchargement sinon (un fichier déposé ne s'exécute jamais dans le portail).
pub fn servir_fichier(nom: &str, type_mime: &str, contenu: Vec<u8>, en_ligne: bool) -> Response {
    let type_mime = if en_ligne { "application/pdf" } else { type_mime };
    let mut r = contenu.into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(type_mime).unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    h.insert(header::CONTENT_DISPOSITION, disposition(if en_ligne { "inline" } else { "attachment" }, nom));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    if en_ligne {
        // Le PDF s'affiche dans une page du portail, et nulle part ailleurs ; il ne charge rien.
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("SAMEORIGIN"));
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'self'"),
        );
    } else {
        h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; sandbox"));
    }
    r
}

/// Une page qui affiche un PDF du simulateur dans un `<object>` : sa politique de sécurité
/// l'autorise, pour les fichiers du simulateur seulement (le reste du portail n'en intègre
/// aucun).
pub fn avec_pdf_integre(mut r: Response) -> Response {
    r.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; object-src 'self'; frame-src 'self'; base-uri 'none'; \
             form-action 'self'; frame-ancestors 'none'",
        ),
    );
    r
}

/// La facture de la structure du stagiaire, et ses fichiers.
async fn facture_et_pieces(
    etat: &AppState,
    stagiaire: &Stagiaire,
    id: &str,
) -> Result<(FactureStockee, Vec<Piece>, ModeDepot), AppError> {
    let (bac_id, sid, id) = (stagiaire.bac.id.clone(), stagiaire.structure.id.clone(), id.to_string());
    etat.lire_par_cle(move |c, _| {
        let f = facture::charger(c, &bac_id, &id)?;
        if f.structure_id != sid {
            return Err(chorus_store::Erreur::Introuvable("facture"));
        }
        let pieces = pj::lister(c, &bac_id, &id)?;
        let mode = pj::mode_depot(c, &bac_id, &id)?;
        Ok((f, pieces, mode))
    })
}

fn liste_pieces(fs: &FactureStockee, pieces: &[Piece], csrf: Option<&str>) -> Markup {
    html! {
        @if pieces.is_empty() {
            p.vide { "Aucune pièce jointe." }
        } @else {
            div.defilement tabindex="0" {
                table.tableau {
                    thead { tr {
                        th scope="col" { "Fichier" } th scope="col" { "Nature" } th scope="col" { "Taille" }
                        th scope="col" { "Ajouté le" }
                        @if csrf.is_some() { th scope="col" { "Action" } }
                    } }
                    tbody {
                        @for p in pieces {
                            tr {
                                td { a href={ "/factures-emises/" (fs.id) "/pieces/" (p.id) } download { (p.nom) } }
                                td { @if p.est_pdf_de_facture() { "Facture (PDF déposé)" } @else { "Pièce jointe" } }
                                td.nombre { (taille_lisible(p.taille)) }
                                td { (format::date_courte(p.ajoutee_le)) }
                                @if let Some(jeton) = csrf {
                                    td {
                                        @if !p.est_pdf_de_facture() {
                                            form method="post" action={ "/factures-emises/" (fs.id) "/pieces/" (p.id) "/retirer" } {
                                                (champ_csrf(jeton))
                                                button.lien type="submit" { "Retirer " span.invisible { (p.nom) } }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            p.aide { "Total : " (taille_lisible(pieces.iter().map(|p| p.taille).sum())) " sur 120 Mo autorisés pour la facture et ses pièces jointes." }
        }
    }
}

/// Le bloc « Dépôt et pièces jointes » de la page d'une facture.
pub fn bloc_facture(fs: &FactureStockee, pieces: &[Piece], mode: ModeDepot) -> Markup {
    html! {
        section #pieces-jointes {
            h2 { "Dépôt et pièces jointes" }
            dl.fiche {
                dt { "Mode de dépôt" } dd { (mode.libelle()) }
            }
            (liste_pieces(fs, pieces, None))
            p.boutons {
                @if fs.statut == Statut::Brouillon {
                    a.bouton href={ "/factures-emises/" (fs.id) "/pieces" } { "Ajouter ou retirer des pièces jointes" }
                }
                @if fs.date_depot.is_some() {
                    a.bouton href={ "/factures-emises/" (fs.id) "/certificat-depot" } download { "Télécharger le certificat de dépôt (PDF)" }
                }
            }
            @if fs.date_depot.is_some() {
                (super::flux::liens_facture_structuree(&fs.id))
            }
        }
    }
}

fn page_pieces(
    stagiaire: &Stagiaire,
    ctx: &super::Contexte<'_>,
    fs: &FactureStockee,
    pieces: &[Piece],
    refus: &[RefusFichier],
    ajoutes: usize,
) -> Markup {
    let modifiable = fs.statut == Statut::Brouillon;
    gabarit(
        &format!("Pièces jointes de la facture {}", fs.facture.numero),
        Some(&stagiaire.csrf),
        Some(ctx),
        html! {
            p { a href={ "/factures-emises/" (fs.id) } { "← Facture n° " (fs.facture.numero) } }
            h1 { "Pièces jointes de la facture n° " (fs.facture.numero) " " (pastille(fs.statut)) }
            @if !refus.is_empty() {
                div.alerte.alerte-erreur.resume-erreurs role="alert" tabindex="-1" id="resume-erreurs" {
                    h2 { (refus.len()) " fichier(s) refusé(s)" }
                    ul { @for r in refus { li { a href="#fichier" { (r.message) } } } }
                }
            }
            @if ajoutes > 0 {
                div.alerte.alerte-info role="status" { p { (ajoutes) " fichier(s) ajouté(s)." } }
            }
            (liste_pieces(fs, pieces, modifiable.then_some(stagiaire.csrf.as_str())))
            @if modifiable {
                form method="post" action={ "/factures-emises/" (fs.id) "/pieces" } enctype="multipart/form-data" {
                    (champ_csrf(&stagiaire.csrf))
                    div class={ "champ" @if !refus.is_empty() { " champ-en-erreur" } } {
                        label for="fichier" { "Fichier(s) à joindre" }
                        p.aide #fichier-aide {
                            "Nom de 50 caractères au plus (extension comprise), 10 Mo au plus par fichier, 120 Mo pour la facture "
                            "et toutes ses pièces jointes. Formats acceptés : " (regles::liste_extensions()) "."
                        }
                        input #fichier type="file" name="fichier" multiple aria-describedby="fichier-aide";
                    }
                    button.bouton.bouton-principal type="submit" { "Joindre" }
                }
            } @else {
                p { "Cette facture a été envoyée : ses pièces jointes ne se modifient plus." }
            }
        },
    )
}

pub async fn page(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    Path(id): Path<String>,
) -> Result<Markup, AppError> {
    let (fs, pieces, _) = facture_et_pieces(&etat, &stagiaire, &id).await?;
    let ctx = stagiaire.contexte(&etat.horloge);
    Ok(page_pieces(&stagiaire, &ctx, &fs, &pieces, &[], 0))
}

pub async fn ajouter(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    Path(id): Path<String>,
    envoi: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let recu = match lire_envoi(&stagiaire, multipart(envoi)).await {
        Ok(r) => r,
        Err(echec) => return echec.into_response(),
    };
    match ajouter_recus(&etat, &stagiaire, &id, recu).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn ajouter_recus(
    etat: &AppState,
    stagiaire: &Stagiaire,
    id: &str,
    recu: EnvoiRecu,
) -> Result<Response, AppError> {
    let mut refus = Vec::new();
    let mut ajoutes = 0;
    let fichiers = if recu.fichiers.is_empty() { vec![FichierRecu::vide()] } else { recu.fichiers };
    for f in fichiers {
        if let Some(r) = refus_avant_stockage(&f) {
            refus.push(r);
            continue;
        }
        let (bac_id, sid, fid) = (stagiaire.bac.id.clone(), stagiaire.structure.id.clone(), id.to_string());
        let issue = etat
            .ecrire(move |tx, h| pj::ajouter_au_brouillon(tx, &bac_id, &sid, &fid, &f.nom, f.source(), h))
            .await?;
        match issue {
            Ok(_) => ajoutes += 1,
            Err(r) => refus.push(r),
        }
    }
    if refus.is_empty() {
        return Ok(Redirect::to(&format!("/factures-emises/{id}/pieces")).into_response());
    }
    let (fs, pieces, _) = facture_et_pieces(etat, stagiaire, id).await?;
    let ctx = stagiaire.contexte(&etat.horloge);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page_pieces(stagiaire, &ctx, &fs, &pieces, &refus, ajoutes))
        .into_response())
}

pub async fn retirer(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    Path((id, piece)): Path<(String, String)>,
    champs: Champs,
) -> Result<Redirect, AppError> {
    stagiaire.verifier_csrf(&champs.un("csrf")).await?;
    let (bac_id, sid, fid) = (stagiaire.bac.id.clone(), stagiaire.structure.id.clone(), id.clone());
    etat.ecrire(move |tx, _| pj::retirer(tx, &bac_id, &sid, &fid, &piece)).await?;
    Ok(Redirect::to(&format!("/factures-emises/{id}/pieces")))
}

pub async fn telecharger(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    Path((id, piece)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let (bac_id, sid) = (stagiaire.bac.id.clone(), stagiaire.structure.id.clone());
    let (p, contenu) = etat
        .lire(move |c, _| {
            let (p, contenu) = pj::contenu(c, &bac_id, &piece)?;
            // Le fichier doit être celui de cette facture, de cette structure.
            if p.facture_id.as_deref() != Some(id.as_str()) || p.structure_id != sid {
                return Err(chorus_store::Erreur::Introuvable("pièce jointe"));
            }
            Ok((p, contenu))
        })
        .await?;
    Ok(servir_fichier(&p.nom, &p.type_mime, contenu, false))
}

pub async fn certificat(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let (bac_id, sid, fid) = (stagiaire.bac.id.clone(), stagiaire.structure.id.clone(), id.clone());
    let (pdf, numero) = etat
        .lire(move |c, _| {
            let pdf = pj::certificat(c, &bac_id, &sid, &fid)?;
            let numero = facture::charger(c, &bac_id, &fid)?.facture.numero;
            Ok((pdf, numero))
        })
        .await?;
    Ok(servir_fichier(&format!("certificat-depot-{numero}.pdf"), "application/pdf", pdf, false))
}
