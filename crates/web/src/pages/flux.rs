//! Le dépôt d'une facture structurée (Factur-X, UBL, CII) depuis « Déposer facture », et
//! « Suivi des flux » : chaque flux, son état, son historique et son compte rendu (à l'écran et
//! en PDF). Le fichier est lu sur le réservoir des tâches bloquantes, avant la transaction qui
//! enregistre le dépôt.

use axum::Router;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chorus_domain::choix_simulateur::ChoixSimulateur;
use chorus_flux::{Limites, SyntaxeFlux};
use chorus_store::flux::{self, Canal, CompteRendu, Depot, EtatFlux, FichierLu};
use maud::{Markup, html};

use super::pieces::{LIMITE_ENVOI, lire_envoi, multipart};
use super::{Contexte, champ_csrf, gabarit};
use crate::erreur::AppError;
use crate::etat::AppState;
use crate::session::Stagiaire;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/factures-emises/deposer-flux", post(recevoir).layer(DefaultBodyLimit::max(LIMITE_ENVOI)))
        .route("/suivi-des-flux", get(liste))
        .route("/suivi-des-flux/{numero}", get(detail))
        .route("/suivi-des-flux/{numero}/compte-rendu.pdf", get(compte_rendu_pdf))
        .route("/factures-emises/{id}/facture-structuree/{syntaxe}", get(facture_structuree))
}

/// Le formulaire de dépôt d'un flux, sous celui du PDF dans « Déposer facture ».
pub fn formulaire(csrf: &str, refus: Option<&str>) -> Markup {
    html! {
        section #depot-flux {
            h2 { "Déposer un fichier structuré (Factur-X, UBL, CII)" }
            p {
                "Votre logiciel de facturation produit une Factur-X (un PDF qui contient la facture en XML) ou un fichier "
                "XML (UBL 2.1, CII D16B) : déposez-le tel quel. Ses données sont lues dans le fichier, sans rien saisir ; "
                "le portail le traite comme un " strong { "flux" } ", que vous suivez dans "
                a href="/suivi-des-flux" { "Suivi des flux" } ". "
                (super::cours::marque_choix(ChoixSimulateur::LectureDesFlux))
            }
            @if let Some(r) = refus {
                div.alerte.alerte-erreur role="alert" tabindex="-1" id="resume-erreurs-flux" {
                    h3 { "Le fichier est refusé" }
                    p { a href="#fichier-flux" { (r) } }
                }
            }
            form method="post" action="/factures-emises/deposer-flux" enctype="multipart/form-data" {
                (champ_csrf(csrf))
                div.champ {
                    label for="syntaxe" { "Format du fichier (syntaxeFlux)" }
                    select #syntaxe name="syntaxe" {
                        option value="" selected { "Détection automatique" }
                        @for s in SyntaxeFlux::TOUTES {
                            option value=(s.code()) { (s.libelle()) " — " (s.code()) }
                        }
                    }
                }
                div class={ "champ" @if refus.is_some() { " champ-en-erreur" } } {
                    label for="fichier-flux" { "Fichier" span.obligatoire aria-hidden="true" { " *" } }
                    p.aide #fichier-flux-aide {
                        "Une facture : .pdf (Factur-X) ou .xml, de 10 Mo au plus. Un lot : une archive .zip ou .tar.gz de "
                        "500 factures au plus, de 10 Mo au plus ; les bonnes factures sont intégrées, les autres rejetées avec leur motif."
                    }
                    input #fichier-flux type="file" name="fichier" accept=".pdf,.xml,.zip,.tar.gz,.tgz,application/pdf,application/xml,text/xml,application/zip,application/gzip" required
                        aria-describedby="fichier-flux-aide" aria-invalid=[refus.map(|_| "true")];
                }
                button.bouton.bouton-principal type="submit" { "Déposer le flux" }
            }
        }
    }
}

async fn recevoir(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    envoi: Result<Multipart, MultipartRejection>,
) -> Response {
    let recu = match lire_envoi(&stagiaire, multipart(envoi)).await {
        Ok(r) => r,
        Err(echec) => return echec.into_response(),
    };
    let annoncee = recu.champ("syntaxe");
    let Some(fichier) = recu.fichiers.into_iter().find(|f| !f.nom.is_empty()) else {
        return refuser(&etat, &stagiaire, "Choisissez le fichier à déposer.");
    };
    let annoncee = match annoncee.trim() {
        "" => None,
        code => match SyntaxeFlux::depuis_code(code) {
            Some(s) => Some(s),
            None => {
                return refuser(
                    &etat,
                    &stagiaire,
                    "Ce format n'est pas proposé : choisissez-en un dans la liste.",
                );
            }
        },
    };
    // Un fichier (ou une archive) de plus de 10 Mo n'a pas été gardé à la réception.
    let limite = Limites::default().octets_max;
    if fichier.taille > limite as u64 {
        let refus = chorus_flux::Refus::TropGros { taille: fichier.taille as usize, limite };
        return refuser(&etat, &stagiaire, &refus.to_string());
    }
    let contenu = match fichier.lire().await {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    let nom = chorus_domain::piece_jointe::nom_sans_chemin(&fichier.nom).to_string();
    // La lecture (archive, analyse XML, extraction du PDF) se fait ici, hors de la transaction.
    let Ok(depot) =
        tokio::task::spawn_blocking(move || lire_le_depot(nom, &contenu, annoncee, Canal::Portail)).await
    else {
        return AppError::Interne("lecture du flux interrompue".into()).into_response();
    };
    let (bac_id, sid) = (stagiaire.bac.id.clone(), stagiaire.structure.id.clone());
    match etat.ecrire(move |c, h| flux::deposer(c, &bac_id, &sid, &depot, h)).await {
        Ok((numero, _)) => Redirect::to(&format!("/suivi-des-flux/{numero}")).into_response(),
        Err(e) => e.into_response(),
    }
}

/// Lit ce qui est déposé — un fichier de facture, ou une archive de factures — en dépôt de flux.
/// Lent (analyse XML, décompression) : à appeler sur le réservoir des tâches bloquantes.
pub fn lire_le_depot(nom: String, contenu: &[u8], annoncee: Option<SyntaxeFlux>, canal: Canal) -> Depot {
    let limites = Limites::default();
    if chorus_flux::FormatArchive::detecter(contenu).is_some() {
        return match chorus_flux::lire_archive(
            contenu,
            annoncee,
            &limites,
            &chorus_flux::LimitesArchive::default(),
        ) {
            Ok(lus) => Depot {
                syntaxe: annoncee
                    .or_else(|| lus.iter().find_map(|f| f.lecture.as_ref().ok().map(|l| l.syntaxe))),
                nom_fichier: nom,
                canal,
                refus: None,
                fichiers: lus.into_iter().map(|f| FichierLu { nom: f.nom, lecture: f.lecture }).collect(),
            },
            Err(r) => Depot {
                nom_fichier: nom,
                syntaxe: annoncee,
                canal,
                refus: Some(r.to_string()),
                fichiers: Vec::new(),
            },
        };
    }
    Depot {
        syntaxe: annoncee.or_else(|| SyntaxeFlux::detecter(contenu)),
        nom_fichier: nom.clone(),
        canal,
        refus: None,
        fichiers: vec![FichierLu { nom, lecture: chorus_flux::lire(contenu, annoncee, &limites) }],
    }
}

fn refuser(etat: &AppState, stagiaire: &Stagiaire, message: &str) -> Response {
    let ctx = stagiaire.contexte(&etat.horloge);
    (StatusCode::UNPROCESSABLE_ENTITY, super::depot::page_envoi(stagiaire, &ctx, None, Some(message)))
        .into_response()
}

fn pastille_flux(e: EtatFlux) -> Markup {
    let classe = match e {
        EtatFlux::Integre => "pastille pastille-paye",
        EtatFlux::IntegrePartiel => "pastille pastille-attention",
        EtatFlux::Rejete | EtatFlux::Irrecevable => "pastille pastille-rejet",
        _ => "pastille pastille-en-cours",
    };
    html! { span class=(classe) title=(e.code()) { (e.libelle()) } }
}

fn fil() -> Markup {
    html! { p.fil { a href="/" { "Accueil" } " › " a href="/facturation" { "Facturation" } " › Suivi des flux" } }
}

async fn liste(State(etat): State<AppState>, stagiaire: Stagiaire) -> Result<Markup, AppError> {
    let (bac_id, sid) = (stagiaire.bac.id.clone(), stagiaire.structure.id.clone());
    let tous = etat.lire(move |c, _| flux::lister(c, &bac_id, &sid)).await?;
    let ctx = stagiaire.contexte(&etat.horloge);
    Ok(gabarit(
        "Suivi des flux",
        Some(&stagiaire.csrf),
        Some(&ctx),
        html! {
            (fil())
            h1 { "Suivi des flux" }
            p.chapeau {
                "Les fichiers structurés déposés par votre structure (portail ou API), leur état et leur compte rendu "
                "d'intégration. Un flux est traité en quelques secondes : reçu, en cours de traitement, puis intégré, "
                "intégré partiellement ou rejeté. "
                (super::cours::marque_choix(ChoixSimulateur::TraitementDesFlux))
            }
            @if tous.is_empty() {
                p.vide {
                    "Aucun flux déposé par votre structure. Déposez une Factur-X ou un fichier XML depuis "
                    a href="/factures-emises/deposer#depot-flux" { "Déposer facture" } "."
                }
            } @else {
                div.defilement tabindex="0" {
                    table.tableau {
                        caption.visuellement-cache { "Flux déposés, le plus récent d'abord" }
                        thead { tr {
                            th scope="col" { "N° de flux" } th scope="col" { "Fichier" } th scope="col" { "Syntaxe" }
                            th scope="col" { "Canal" } th scope="col" { "Date de dépôt" } th scope="col" { "État" }
                            th scope="col" { "Factures intégrées" }
                        } }
                        tbody {
                            @for f in &tous {
                                tr {
                                    td { a href={ "/suivi-des-flux/" (f.numero) } { (f.numero) } }
                                    td { (f.nom_fichier) }
                                    td { code { (f.syntaxe) } }
                                    td { (if f.canal == "API" { "API" } else { "Portail" }) }
                                    td { (f.date_depot.format("%d/%m/%Y")) }
                                    td { (pastille_flux(f.etat)) }
                                    td.nombre { (f.integrees) " / " (f.factures) }
                                }
                            }
                        }
                    }
                }
            }
        },
    ))
}

async fn charger(etat: &AppState, stagiaire: &Stagiaire, numero: String) -> Result<CompteRendu, AppError> {
    let (bac_id, sid) = (stagiaire.bac.id.clone(), stagiaire.structure.id.clone());
    let cr = etat.lire(move |c, _| flux::compte_rendu(c, &bac_id, &numero)).await?;
    // Le flux d'une autre structure du même bac n'est pas visible depuis celle-ci.
    if cr.flux.structure_id != sid {
        return Err(AppError::Introuvable("flux".into()));
    }
    Ok(cr)
}

async fn detail(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    Path(numero): Path<String>,
) -> Result<Response, AppError> {
    let cr = charger(&etat, &stagiaire, numero).await?;
    let ctx = stagiaire.contexte(&etat.horloge);
    let mut reponse = page_detail(&stagiaire, &ctx, &cr).into_response();
    if !cr.flux.etat.est_final() {
        // Le flux avance tout seul : la page se recharge jusqu'à la fin du traitement.
        reponse.headers_mut().insert(header::REFRESH, axum::http::HeaderValue::from_static("2"));
    }
    Ok(reponse)
}

fn page_detail(stagiaire: &Stagiaire, ctx: &Contexte<'_>, cr: &CompteRendu) -> Markup {
    let f = &cr.flux;
    gabarit(
        &format!("Flux {}", f.numero),
        Some(&stagiaire.csrf),
        Some(ctx),
        html! {
            (fil())
            h1 { "Flux n° " (f.numero) " " (pastille_flux(f.etat)) }
            @if !f.etat.est_final() {
                p.alerte role="status" {
                    "Traitement en cours : cette page se met à jour toute seule. "
                    (super::cours::marque_choix(ChoixSimulateur::TraitementDesFlux))
                }
            }
            dl.fiche {
                dt { "Fichier" } dd { (f.nom_fichier) }
                dt { "Syntaxe (syntaxeFlux)" } dd { code { (f.syntaxe) } }
                dt { "Canal" } dd { (if f.canal == "API" { "API (deposer/flux)" } else { "Portail (Déposer facture)" }) }
                dt { "Date de dépôt" } dd { (f.date_depot.format("%d/%m/%Y")) }
                dt { "État (etatCourantDepotFlux)" } dd { (f.etat.libelle()) " — " code { (f.etat.code()) } }
                dt { "Factures intégrées" } dd { (f.integrees) " sur " (f.factures) }
            }
            @if let Some(r) = &f.refus {
                div.alerte.alerte-erreur {
                    h2 { "Erreur technique : le fichier est irrecevable" }
                    p { (r) }
                }
            }
            h2 { "Historique" }
            ol {
                @for (e, instant, date) in &cr.historique {
                    li { (e.libelle()) " (" code { (e.code()) } ") — " (date.format("%d/%m/%Y")) ", "
                        (instant.with_timezone(&chrono::Local).format("%H:%M:%S")) }
                }
            }
            @if !cr.factures.is_empty() {
                h2 { "Factures du flux" }
                @for x in &cr.factures {
                    section.carte.facture-du-flux {
                        h3 {
                            "Facture " (x.rang) " : " (x.numero_facture.as_deref().unwrap_or("sans numéro"))
                        }
                        @if let Some(id) = &x.facture_id {
                            p { "Intégrée — " a href={ "/factures-emises/" (id) } { "voir la facture" }
                                @if let Some(s) = &x.statut { " (" (s) ")" } }
                        } @else if f.etat.est_final() {
                            p { strong { "Non intégrée." } }
                            @if let Some(r) = &x.refus { p { (r) } }
                            @if !x.erreurs.is_empty() {
                                ul.erreurs-flux {
                                    @for e in &x.erreurs {
                                        li {
                                            code { (e.regle) } " "
                                            @if let Some(t) = &e.terme { "(" (t) ") " }
                                            (e.libelle)
                                            @if let Some(ch) = &e.chemin { br; small { "Élément : " code { (ch) } } }
                                        }
                                    }
                                }
                            }
                        } @else {
                            p { "En attente d'intégration." }
                        }
                    }
                }
            }
            p.boutons {
                @if f.etat.est_final() {
                    a.bouton href={ "/suivi-des-flux/" (f.numero) "/compte-rendu.pdf" } download { "Télécharger le compte rendu (PDF)" }
                }
                a.bouton href="/suivi-des-flux" { "Tous les flux" }
                a.bouton href="/factures-emises/deposer#depot-flux" { "Déposer un autre fichier" }
            }
        },
    )
}

async fn compte_rendu_pdf(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    Path(numero): Path<String>,
) -> Result<Response, AppError> {
    let (bac_id, sid, n) = (stagiaire.bac.id.clone(), stagiaire.structure.id.clone(), numero.clone());
    let pdf = etat.lire(move |c, _| flux::compte_rendu_pdf(c, &bac_id, &sid, &n)).await?;
    Ok(super::pieces::servir_fichier(&format!("compte-rendu-{numero}.pdf"), "application/pdf", pdf, false))
}

/// « Télécharger la facture structurée » : la facture en CII, en UBL ou en Factur-X (PDF/A-3
/// avec la CII jointe), à regarder, ou à déposer à nouveau comme flux. Lue, puis écrite hors de
/// la lecture (le PDF demande quelques millisecondes).
async fn facture_structuree(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    Path((id, format)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let syntaxe = match format.as_str() {
        "cii" => Some(chorus_flux::SyntaxeEcrite::Cii),
        "ubl" => Some(chorus_flux::SyntaxeEcrite::Ubl),
        "facturx" => None,
        _ => return Err(AppError::Introuvable("format".into())),
    };
    let (bac_id, sid) = (stagiaire.bac.id.clone(), stagiaire.structure.id.clone());
    let fs = etat.lire(move |c, _| flux::facture_structuree(c, &bac_id, &sid, &id)).await?;
    let (nom, type_mime, octets) = tokio::task::spawn_blocking(move || match syntaxe {
        Some(s) => fs
            .xml(s)
            .map(|xml| (fs.nom_de_fichier(&format!("{format}.xml")), "application/xml", xml.into_bytes())),
        None => fs.factur_x().map(|pdf| (fs.nom_de_fichier("facturx.pdf"), "application/pdf", pdf)),
    })
    .await
    .map_err(|e| AppError::Interne(e.to_string()))??;
    Ok(super::pieces::servir_fichier(&nom, type_mime, octets, false))
}

/// Les liens de téléchargement de la facture structurée, sur la page d'une facture envoyée.
pub fn liens_facture_structuree(id: &str) -> Markup {
    html! {
        p.boutons {
            a.bouton href={ "/factures-emises/" (id) "/facture-structuree/facturx" } download { "Télécharger en Factur-X (PDF)" }
            a.bouton href={ "/factures-emises/" (id) "/facture-structuree/cii" } download { "Télécharger la facture structurée (CII, XML)" }
            a.bouton href={ "/factures-emises/" (id) "/facture-structuree/ubl" } download { "Télécharger la facture structurée (UBL, XML)" }
        }
        p.aide {
            "La même facture, écrite comme la produirait un logiciel de facturation (profil EN 16931) : le cadre, "
            "le code service, l'engagement et le marché y sont à leur place. La Factur-X est un PDF lisible (PDF/A-3) "
            "qui porte ces mêmes données dans un fichier XML joint (factur-x.xml). Vous pouvez la déposer à nouveau "
            "comme flux, sous un autre numéro."
        }
    }
}
