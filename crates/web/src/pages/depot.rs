//! « Déposer une facture » (dépôt PDF) : le fournisseur envoie le PDF de sa facture, puis
//! saisit ou corrige ses données à côté du PDF affiché, et l'enregistre ou l'envoie. Les données
//! passent par les mêmes contrôles que la saisie.

use axum::Router;
use axum::extract::Query;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use chorus_domain::facture::CadreFacturation;
use chorus_domain::piece_jointe::{self as regles, TAILLE_MAX_FICHIER};
use chorus_domain::saisie::SaisieBrute;
use chorus_store::facture::{Envoi, Issue};
use chorus_store::piece_jointe::{self as pj, Piece, RefusFichier};
use maud::{Markup, html};

use super::pieces::{self, LIMITE_ENVOI, lire_envoi, multipart};
use super::portail::{Onglet, onglets_factures_emises};
use super::saisie::{Cible, page_confirmation_vers, page_formulaire_vers, saisie_depuis};
use super::{Contexte, champ_csrf, gabarit};
use crate::erreur::AppError;
use crate::etat::AppState;
use crate::formulaire::Champs;
use crate::session::Stagiaire;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/factures-emises/deposer",
            get(page_depot).post(recevoir).layer(DefaultBodyLimit::max(LIMITE_ENVOI)),
        )
        .route("/factures-emises/deposer/{depot}", get(formulaire).post(soumettre))
        .route("/factures-emises/deposer/{depot}/pdf", get(pdf))
}

/// La page de saisie d'un dépôt affiche le PDF dans un `<object>` : sa politique de sécurité
/// l'autorise, pour les fichiers du simulateur seulement.
fn avec_pdf_integre(mut r: Response) -> Response {
    r.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; object-src 'self'; frame-src 'self'; base-uri 'none'; \
             form-action 'self'; frame-ancestors 'none'",
        ),
    );
    r
}

pub(super) fn page_envoi(
    stagiaire: &Stagiaire,
    ctx: &Contexte<'_>,
    refus: Option<&RefusFichier>,
    refus_flux: Option<&str>,
) -> Markup {
    gabarit(
        "Déposer une facture",
        Some(&stagiaire.csrf),
        Some(ctx),
        html! {
            (onglets_factures_emises(Some(Onglet::Deposer)))
            h1 { "Déposer une facture (PDF)" }
            p.chapeau {
                "Pour une facture faite en dehors du portail, dans votre logiciel : déposez son PDF, puis vérifiez et complétez "
                "les données de la facture à côté du PDF affiché, avant de l'enregistrer ou de l'envoyer."
            }
            @if let Some(r) = refus {
                div.alerte.alerte-erreur.resume-erreurs role="alert" tabindex="-1" id="resume-erreurs" {
                    h2 { "Le fichier est refusé" }
                    ul { li { a href="#fichier" { (r.message) } } }
                }
            }
            form method="post" action="/factures-emises/deposer" enctype="multipart/form-data" {
                (champ_csrf(&stagiaire.csrf))
                // Comme sur le portail, le cadre se choisit avant le fichier ; il reste modifiable
                // dans le formulaire qui suit.
                div.champ {
                    label for="cadre" { "Cadre de facturation" }
                    p.aide #cadre-aide { "A1 pour une facture ordinaire ; A9 si vous êtes sous-traitant payé directement, A12 si vous êtes cotraitant : un valideur vous sera demandé." }
                    select #cadre name="cadre" aria-describedby="cadre-aide" {
                        @for c in CadreFacturation::de_facture() {
                            option value=(c.code()) selected[c == CadreFacturation::A1FactureFournisseur] { (c.libelle()) }
                        }
                    }
                }
                div class={ "champ" @if refus.is_some() { " champ-en-erreur" } } {
                    label for="fichier" { "PDF de la facture" span.obligatoire aria-hidden="true" { " *" } }
                    p.aide #fichier-aide {
                        "Un PDF « texte » produit par votre logiciel (pas un scan), sans mot de passe, de 10 Mo au plus, "
                        "dont le nom compte 50 caractères au plus."
                    }
                    input #fichier type="file" name="fichier" accept=".pdf,application/pdf" required
                        aria-describedby="fichier-aide" aria-invalid=[refus.map(|_| "true")];
                }
                button.bouton.bouton-principal type="submit" { "Continuer" }
            }
            p.aide { "Vous préférez taper la facture dans le portail ? " a href="/factures-emises/saisir" { "Saisir une facture" } }
            (super::flux::formulaire(&stagiaire.csrf, refus_flux))
        },
    )
}

pub async fn page_depot(State(etat): State<AppState>, stagiaire: Stagiaire) -> Markup {
    let ctx = stagiaire.contexte(&etat.horloge);
    page_envoi(&stagiaire, &ctx, None, None)
}

pub async fn recevoir(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    envoi: Result<Multipart, MultipartRejection>,
) -> Response {
    let recu = match lire_envoi(&stagiaire, multipart(envoi)).await {
        Ok(r) => r,
        Err(echec) => return echec.into_response(),
    };
    // Le cadre choisi avec le fichier, s'il en est un de la liste : le formulaire le reprend.
    let cadre = recu
        .champs
        .iter()
        .find(|(nom, _)| nom == "cadre")
        .and_then(|(_, v)| CadreFacturation::de_facture().find(|c| c.code() == v.as_str()));
    let fichier = recu.fichiers.into_iter().next();
    let refus = match fichier {
        None => Some(RefusFichier::from(regles::RefusPiece::NomVide)),
        // Trop gros : le contenu n'a pas été gardé, la règle du domaine dit pourquoi.
        Some(f) if f.taille > TAILLE_MAX_FICHIER => {
            regles::controler(regles::nom_sans_chemin(&f.nom), f.taille, 0).err().map(RefusFichier::from)
        }
        Some(f) => {
            let (bac_id, sid) = (stagiaire.bac.id.clone(), stagiaire.structure.id.clone());
            let contenu = match f.lire().await {
                Ok(c) => c,
                Err(e) => return e.into_response(),
            };
            let controle = pieces::controler_pdf(f.nom, contenu).await;
            let issue = etat.ecrire(move |tx, h| pj::deposer_pdf(tx, &bac_id, &sid, controle, h)).await;
            match issue {
                Ok(Ok(depot)) => {
                    let suite = match cadre {
                        Some(c) => format!("/factures-emises/deposer/{depot}?cadre={}", c.code()),
                        None => format!("/factures-emises/deposer/{depot}"),
                    };
                    return Redirect::to(&suite).into_response();
                }
                Ok(Err(r)) => Some(r),
                Err(e) => return e.into_response(),
            }
        }
    };
    let ctx = stagiaire.contexte(&etat.horloge);
    (StatusCode::UNPROCESSABLE_ENTITY, page_envoi(&stagiaire, &ctx, refus.as_ref(), None)).into_response()
}

async fn depot_en_cours(etat: &AppState, stagiaire: &Stagiaire, depot: &str) -> Result<Piece, AppError> {
    let (bac_id, sid, depot) = (stagiaire.bac.id.clone(), stagiaire.structure.id.clone(), depot.to_string());
    etat.lire(move |c, _| pj::depot_en_cours(c, &bac_id, &sid, &depot)).await.map_err(|e| match e {
        AppError::Introuvable(_) => AppError::Introuvable(
            "Ce dépôt n'est plus en cours (la facture a déjà été enregistrée, ou un autre PDF a été déposé depuis)"
                .into(),
        ),
        autre => autre,
    })
}

fn apercu(piece: &Piece) -> Markup {
    let lien = format!("/factures-emises/deposer/{}/pdf", piece.id);
    html! {
        section.depot-apercu aria-label="PDF déposé" {
            p {
                "PDF déposé : " strong { (piece.nom) } " (" (regles::taille_lisible(piece.taille)) "). "
                a href=(lien) target="_blank" { "Ouvrir le PDF dans un nouvel onglet" }
            }
            div.alerte.alerte-info {
                p {
                    "Le vrai portail lit le PDF et pré-remplit une partie du formulaire ; le simulateur ne le lit pas : "
                    "recopiez les données de la facture depuis le PDF, et vérifiez-les comme vous le feriez sur le portail."
                }
            }
            object.depot-pdf data=(lien) type="application/pdf" aria-label={ "PDF de la facture " (piece.nom) } {
                p { "Votre navigateur n'affiche pas le PDF ici : " a href=(lien) target="_blank" { "ouvrez-le dans un nouvel onglet" } "." }
            }
        }
    }
}

fn cible<'a>(action: &'a str, piece: &Piece) -> Cible<'a> {
    Cible { action, titre: "Déposer une facture : données de la facture", apercu: Some(apercu(piece)) }
}

/// Le cadre choisi à l'étape du fichier (`?cadre=`).
#[derive(serde::Deserialize)]
pub struct CadreChoisi {
    #[serde(default)]
    cadre: Option<String>,
}

pub async fn formulaire(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    Path(depot): Path<String>,
    Query(choisi): Query<CadreChoisi>,
) -> Result<Response, AppError> {
    let piece = depot_en_cours(&etat, &stagiaire, &depot).await?;
    let ctx = stagiaire.contexte(&etat.horloge);
    let cadre = choisi
        .cadre
        .and_then(|v| CadreFacturation::de_facture().find(|c| c.code() == v).map(|c| c.code().to_string()))
        .unwrap_or_default();
    let brut = SaisieBrute { date_facture: ctx.date_simulee.to_string(), cadre, ..SaisieBrute::default() };
    let action = format!("/factures-emises/deposer/{depot}");
    Ok(avec_pdf_integre(
        page_formulaire_vers(&ctx, &brut, &[], None, &cible(&action, &piece)).into_response(),
    ))
}

pub async fn soumettre(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    Path(depot): Path<String>,
    champs: Champs,
) -> Result<Response, AppError> {
    stagiaire.verifier_csrf(&champs.un("csrf")).await?;
    let piece = depot_en_cours(&etat, &stagiaire, &depot).await?;
    let brut = saisie_depuis(&champs);
    let ctx = stagiaire.contexte(&etat.horloge);
    let action = format!("/factures-emises/deposer/{depot}");
    let formulaire = |anomalies: &[chorus_domain::Anomalie], code: StatusCode| {
        avec_pdf_integre(
            (code, page_formulaire_vers(&ctx, &brut, anomalies, None, &cible(&action, &piece)))
                .into_response(),
        )
    };
    let (bac_id, sid) = (stagiaire.bac.id.clone(), stagiaire.structure.id.clone());
    let envoi = match (champs.un("action").as_str(), champs.un("confirme").as_str()) {
        ("enregistrer", _) => Envoi::Enregistrer,
        ("envoyer", "oui") => Envoi::ValiderEtEnvoyer,
        ("envoyer", _) => {
            let (b, d) = (brut.clone(), depot.clone());
            let verifiee =
                etat.ecrire(move |tx, h| pj::previsualiser_depot(tx, &bac_id, &sid, &d, &b, h)).await?;
            return Ok(match verifiee {
                Ok(f) => {
                    let nom = super::saisie::raison_sociale(&etat, &f.destinataire).await?;
                    page_confirmation_vers(&ctx, &brut, &f, &nom, None, &action).into_response()
                }
                Err(anomalies) => formulaire(&anomalies, StatusCode::UNPROCESSABLE_ENTITY),
            });
        }
        ("modifier", _) => return Ok(formulaire(&[], StatusCode::OK)),
        _ => {
            return Err(AppError::Requete(
                "Choisissez « Enregistrer » ou « Valider et envoyer » en bas du formulaire.".into(),
            ));
        }
    };
    let (b, d) = (brut.clone(), depot.clone());
    let issue = etat.ecrire(move |tx, h| pj::saisir_depot(tx, &bac_id, &sid, &d, &b, envoi, h)).await?;
    Ok(match issue {
        Issue::Acceptee(id) => Redirect::to(&format!("/factures-emises/{id}")).into_response(),
        Issue::Refusee(anomalies) => formulaire(&anomalies, StatusCode::UNPROCESSABLE_ENTITY),
    })
}

pub async fn pdf(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    Path(depot): Path<String>,
) -> Result<Response, AppError> {
    depot_en_cours(&etat, &stagiaire, &depot).await?;
    let bac_id = stagiaire.bac.id.clone();
    let (piece, contenu) = etat.lire(move |c, _| pj::contenu(c, &bac_id, &depot)).await?;
    Ok(pieces::servir_fichier(&piece.nom, &piece.type_mime, contenu, true))
}
