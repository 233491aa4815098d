//! « Factures de travaux » : l'espace du titulaire d'un marché de travaux (ou de son
//! sous-traitant, de son cotraitant). Ses onglets, comme sur le portail : « Synthèse » (les
//! dossiers qui attendent quelque chose de lui), « Déposer » (le PDF du projet de décompte,
//! puis le formulaire de dépôt à côté du PDF affiché), « Rechercher », « À traiter (maîtrise
//! d'œuvre) » quand sa structure est la MOE d'un dossier, et la « Fiche d'identité du marché ».
//!
//! La page d'un dossier montre qui a la main et jusqu'à quand, la chaîne des pièces et ses PDF,
//! et les gestes du titulaire : « Compléter », « Recycler », « Déposer la pièce de facturation
//! suivante », « Refuser le décompte général ». Chaque geste passe par le cas d'usage du store
//! (`chorus_store::travaux`), le même que l'API et les scénarios.

use axum::Router;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chorus_domain::choix_simulateur::ChoixSimulateur;
use chorus_domain::facture::CadreFacturation;
use chorus_domain::piece_jointe::{self as regles_pj, TAILLE_MAX_FICHIER};
use chorus_domain::statut::{Acteur, MOTIF_LONGUEUR_MAX};
use chorus_domain::suites::Acheminement;
use chorus_domain::travaux::{self as regles, DepotBrut, FicheMarche};
use chorus_domain::{Anomalie, Statut};
use chorus_store::facture::{FactureStockee, Issue};
use chorus_store::journal::{self, Coup, Entree, Joueur};
use chorus_store::piece_jointe::{self as pj, Piece, RefusFichier};
use chorus_store::travaux::{
    self, Acces, Delais, Geste, LigneDossier, PieceSuivanteBrute, PieceTravaux, Recyclage,
};
use chrono::NaiveDate;
use maud::{Markup, html};
use serde::Deserialize;

use super::cours::marque_choix;
use super::pieces::{self, LIMITE_ENVOI, lire_envoi, multipart};
use super::{Contexte, champ_csrf, champ_texte, gabarit, pastille, resume_anomalies};
use crate::erreur::AppError;
use crate::etat::AppState;
use crate::format;
use crate::formulaire::Champs;
use crate::session::Stagiaire;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/factures-de-travaux", get(synthese))
        .route("/factures-de-travaux/rechercher", get(rechercher))
        .route(
            "/factures-de-travaux/deposer",
            get(page_depot).post(recevoir).layer(DefaultBodyLimit::max(LIMITE_ENVOI)),
        )
        .route("/factures-de-travaux/deposer/{depot}", get(formulaire).post(soumettre))
        .route("/factures-de-travaux/deposer/{depot}/pdf", get(pdf_du_depot))
        .route("/factures-de-travaux/marche", get(fiches))
        .route("/factures-de-travaux/marche/{rang}/pdf", get(fiche_pdf))
        .route("/factures-de-travaux/{id}", get(dossier))
        .route(
            "/factures-de-travaux/{id}/completer",
            post(completer).layer(DefaultBodyLimit::max(LIMITE_ENVOI)),
        )
        .route("/factures-de-travaux/{id}/recycler", get(formulaire_recyclage).post(recycler))
        .route(
            "/factures-de-travaux/{id}/piece-suivante",
            get(formulaire_piece_suivante)
                .post(deposer_piece_suivante)
                .layer(DefaultBodyLimit::max(LIMITE_ENVOI)),
        )
        .route("/factures-de-travaux/{id}/refuser-decompte", post(refuser_decompte))
        .route("/factures-de-travaux/{id}/pieces/{piece}", get(pdf_de_piece))
        .route("/factures-de-travaux/{id}/fichiers/{fichier}", get(fichier))
}

// -- L'espace et ses onglets ---------------------------------------------------------------

/// Les onglets de l'application « Factures de travaux ».
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Onglet {
    Synthese,
    Deposer,
    Rechercher,
    ATraiter,
    Marche,
}

pub fn onglets(actif: Option<Onglet>) -> Markup {
    let onglets = [
        (Onglet::Synthese, "Synthèse", "/factures-de-travaux"),
        (Onglet::Deposer, "Déposer", "/factures-de-travaux/deposer"),
        (Onglet::Rechercher, "Rechercher", "/factures-de-travaux/rechercher"),
        (Onglet::ATraiter, "À traiter (maîtrise d'œuvre)", "/factures-de-travaux/a-traiter"),
        (Onglet::Marche, "Fiche d'identité du marché", "/factures-de-travaux/marche"),
    ];
    html! {
        p.fil { a href="/" { "Accueil" } " › " a href="/facturation" { "Facturation" } " › Factures de travaux" }
        nav.onglets aria-label="Factures de travaux" {
            @for (onglet, libelle, lien) in onglets {
                @if Some(onglet) == actif {
                    a.onglet-actif href=(lien) aria-current="page" { (libelle) }
                } @else {
                    a href=(lien) { (libelle) }
                }
            }
        }
    }
}

/// L'accès de l'utilisateur à l'espace pour sa structure de travail.
pub async fn acces(etat: &AppState, s: &Stagiaire) -> Result<Acces, AppError> {
    let (bac_id, uid, sid) = (s.bac.id.clone(), s.utilisateur.id.clone(), s.structure.id.clone());
    etat.lire(move |c, _| travaux::acces(c, &bac_id, &uid, &sid)).await
}

/// La page de l'espace fermé : ce qu'il faut faire pour l'ouvrir, comme le portail le dit.
fn espace_ferme(ctx: &Contexte<'_>, a: Acces) -> Response {
    let page = gabarit(
        "Factures de travaux",
        Some(&ctx.stagiaire.csrf),
        Some(ctx),
        html! {
            p.fil { a href="/" { "Accueil" } " › " a href="/facturation" { "Facturation" } " › Factures de travaux" }
            h1 { "Factures de travaux" }
            div.alerte.alerte-attention role="alert" {
                @if a == Acces::Ferme {
                    p { "L'espace « Factures de travaux » n'est pas ouvert à votre structure ("
                        (ctx.stagiaire.structure.raison_sociale) "). Le gestionnaire principal l'ajoute dans "
                        a href="/structure/espaces" { "Gestion de la structure › Espaces" } " (« Ajouter des espaces »), "
                        "puis chaque utilisateur s'y abonne en modification." }
                } @else {
                    p { "Vous n'êtes pas abonné à l'espace « Factures de travaux » de votre structure. Abonnez-vous en "
                        "modification dans " a href="/structure/espaces#abonnements" { "Mes abonnements aux espaces" } "." }
                }
            }
        },
    );
    (StatusCode::FORBIDDEN, page).into_response()
}

/// L'espace ouvert à l'utilisateur, ou la page qui dit comment l'ouvrir. `modifier` : la page
/// agit (déposer, compléter…), l'abonnement en consultation ne suffit pas.
pub(crate) async fn ouvert(
    etat: &AppState,
    s: &Stagiaire,
    modifier: bool,
) -> Result<Result<Acces, Response>, AppError> {
    let a = acces(etat, s).await?;
    let ctx = s.contexte(&etat.horloge);
    Ok(match a {
        Acces::Ferme | Acces::NonAbonne => Err(espace_ferme(&ctx, a)),
        Acces::Consultation if modifier => Err((
            StatusCode::FORBIDDEN,
            super::page_erreur(
                "Factures de travaux",
                "Vous êtes abonné à l'espace « Factures de travaux » en consultation seulement : demandez au \
                 gestionnaire principal un abonnement en modification pour déposer ou agir sur un dossier.",
            ),
        )
            .into_response()),
        a => Ok(a),
    })
}

macro_rules! espace {
    ($etat:expr, $s:expr, $modifier:expr) => {
        match ouvert($etat, $s, $modifier).await? {
            Ok(a) => a,
            Err(r) => return Ok(r),
        }
    };
}

// -- Synthèse et Rechercher ----------------------------------------------------------------

async fn dossiers(etat: &AppState, s: &Stagiaire) -> Result<Vec<LigneDossier>, AppError> {
    let (bac_id, sid) = (s.bac.id.clone(), s.structure.id.clone());
    etat.lire(move |c, h| {
        let aujourd_hui = chorus_store::bac::bac(c, &bac_id)?.date_simulee(h);
        travaux::dossiers_du_fournisseur(c, &bac_id, &sid, aujourd_hui)
    })
    .await
}

fn tableau(dossiers: &[&LigneDossier], legende: &str) -> Markup {
    html! {
        div.defilement tabindex="0" {
            table.tableau {
                caption.visuellement-cache { (legende) }
                thead { tr {
                    th scope="col" { "N° de la pièce" } th scope="col" { "Cadre" } th scope="col" { "Maître d'ouvrage" }
                    th scope="col" { "Déposée le" } th scope="col" { "Montant HT demandé" } th scope="col" { "Montant HT admis" }
                    th scope="col" { "Statut" }
                } }
                tbody {
                    @for d in dossiers {
                        tr {
                            td { a href={ "/factures-de-travaux/" (d.id) } { (d.numero) } @if d.a_traiter { " " strong { "(à traiter)" } } }
                            td { (d.cadre.code_court()) br; small { (regles::nature(d.cadre)) } }
                            td { (d.maitre_ouvrage) }
                            td { @if let Some(j) = d.date_depot { (format::date_courte(j)) } @else { "—" } }
                            td.nombre { (format::euros(d.montant_ht)) }
                            td.nombre { @if let Some(m) = d.montant_admis_ht { (format::euros(m)) } @else { "—" } }
                            td { (pastille(d.statut)) }
                        }
                    }
                }
            }
        }
    }
}

pub async fn synthese(State(etat): State<AppState>, s: Stagiaire) -> Result<Response, AppError> {
    espace!(&etat, &s, false);
    let tous = dossiers(&etat, &s).await?;
    let a_traiter: Vec<&LigneDossier> = tous.iter().filter(|d| d.a_traiter).collect();
    let en_cours: Vec<&LigneDossier> = tous
        .iter()
        .filter(|d| {
            !d.a_traiter
                && !matches!(
                    d.statut,
                    Statut::MiseEnPaiement
                        | Statut::RefuseeMoe
                        | Statut::RefuseeMoa
                        | Statut::RefuseeFournisseur
                )
        })
        .collect();
    let ctx = s.contexte(&etat.horloge);
    Ok(gabarit(
        "Factures de travaux — Synthèse",
        Some(&s.csrf),
        Some(&ctx),
        html! {
            (onglets(Some(Onglet::Synthese)))
            h1 { "Factures de travaux" }
            p.chapeau { "Vos projets de décompte et ce qu'ils sont devenus : chez la maîtrise d'œuvre (MOE), chez le maître "
                "d'ouvrage (MOA), au service financier. Une pièce de travaux se dépose (PDF et formulaire de dépôt) ; elle ne se saisit pas." }
            h2 { "À traiter (" (a_traiter.len()) ")" }
            @if a_traiter.is_empty() { p.vide { "Aucun dossier n'attend de geste de votre part." } }
            @else { (tableau(&a_traiter, "Dossiers qui attendent votre geste")) }
            h2 { "En cours (" (en_cours.len()) ")" }
            @if en_cours.is_empty() {
                p.vide { "Aucun dossier en cours. " a href="/factures-de-travaux/deposer" { "Déposer un projet de décompte" } }
            } @else { (tableau(&en_cours, "Dossiers en cours")) }
        },
    )
    .into_response())
}

#[derive(Deserialize, Default)]
pub struct Recherche {
    #[serde(default)]
    numero: String,
    #[serde(default)]
    statut: String,
}

pub async fn rechercher(
    State(etat): State<AppState>,
    s: Stagiaire,
    Query(q): Query<Recherche>,
) -> Result<Response, AppError> {
    espace!(&etat, &s, false);
    let tous = dossiers(&etat, &s).await?;
    let numero = q.numero.trim().to_lowercase();
    let statut = Statut::depuis_code(&q.statut).ok();
    let trouves: Vec<&LigneDossier> = tous
        .iter()
        .filter(|d| numero.is_empty() || d.numero.to_lowercase().contains(&numero))
        .filter(|d| statut.is_none_or(|st| d.statut == st))
        .collect();
    let statuts: std::collections::BTreeSet<(&str, &str)> =
        tous.iter().map(|d| (d.statut.code(), d.statut.libelle())).collect();
    let ctx = s.contexte(&etat.horloge);
    Ok(gabarit(
        "Factures de travaux — Rechercher",
        Some(&s.csrf),
        Some(&ctx),
        html! {
            (onglets(Some(Onglet::Rechercher)))
            h1 { "Rechercher un dossier de travaux" }
            form.filtres method="get" action="/factures-de-travaux/rechercher" {
                div.champ {
                    label for="numero" { "N° de la pièce (contient)" }
                    input #numero name="numero" type="text" maxlength="20" value=(q.numero);
                }
                div.champ {
                    label for="statut" { "Statut" }
                    select #statut name="statut" {
                        option value="" { "Tous" }
                        @for (code, libelle) in &statuts { option value=(code) selected[q.statut == *code] { (libelle) } }
                    }
                }
                button.bouton type="submit" { "Rechercher" }
            }
            p { (trouves.len()) " dossier(s)." }
            @if !trouves.is_empty() { (tableau(&trouves, "Résultats de la recherche")) }
        },
    )
    .into_response())
}

// -- Déposer -------------------------------------------------------------------------------

fn page_envoi(s: &Stagiaire, ctx: &Contexte<'_>, refus: Option<&RefusFichier>) -> Markup {
    gabarit(
        "Déposer une pièce de travaux",
        Some(&s.csrf),
        Some(ctx),
        html! {
            (onglets(Some(Onglet::Deposer)))
            h1 { "Déposer un projet de décompte" }
            p.chapeau {
                "Étape 1 sur 2 : le PDF de votre projet de décompte (mensuel pendant le chantier, final à la fin). "
                "Vous remplirez ensuite le formulaire de dépôt à côté du PDF affiché, d'après la "
                a href="/factures-de-travaux/marche" { "fiche d'identité du marché" } "."
            }
            @if let Some(r) = refus {
                div.alerte.alerte-erreur.resume-erreurs role="alert" tabindex="-1" id="resume-erreurs" {
                    h2 { "Le fichier est refusé" }
                    ul { li { a href="#fichier" { (r.message) } } }
                }
            }
            form method="post" action="/factures-de-travaux/deposer" enctype="multipart/form-data" {
                (champ_csrf(&s.csrf))
                div class={ "champ" @if refus.is_some() { " champ-en-erreur" } } {
                    label for="fichier" { "PDF du projet de décompte" span.obligatoire aria-hidden="true" { " *" } }
                    p.aide #fichier-aide {
                        "Un PDF « texte » produit par votre logiciel (pas un scan), sans mot de passe, de 10 Mo au plus, "
                        "dont le nom compte 50 caractères au plus."
                    }
                    input #fichier type="file" name="fichier" accept=".pdf,application/pdf" required
                        aria-describedby="fichier-aide" aria-invalid=[refus.map(|_| "true")];
                }
                button.bouton.bouton-principal type="submit" { "Continuer" }
            }
        },
    )
}

pub async fn page_depot(State(etat): State<AppState>, s: Stagiaire) -> Result<Response, AppError> {
    espace!(&etat, &s, true);
    let ctx = s.contexte(&etat.horloge);
    Ok(page_envoi(&s, &ctx, None).into_response())
}

pub async fn recevoir(
    State(etat): State<AppState>,
    s: Stagiaire,
    envoi: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    espace!(&etat, &s, true);
    let recu = match lire_envoi(&s, multipart(envoi)).await {
        Ok(r) => r,
        Err(echec) => return Ok(echec.into_response()),
    };
    let refus = match recu.fichiers.into_iter().next() {
        None => Some(RefusFichier::from(regles_pj::RefusPiece::NomVide)),
        Some(f) if f.taille > TAILLE_MAX_FICHIER || f.nom.is_empty() => pieces::refus_avant_stockage(&f),
        Some(f) => {
            let (bac_id, sid) = (s.bac.id.clone(), s.structure.id.clone());
            let contenu = f.lire().await?;
            let controle = pieces::controler_pdf(f.nom, contenu).await;
            match etat.ecrire(move |tx, h| pj::deposer_pdf(tx, &bac_id, &sid, controle, h)).await? {
                Ok(depot) => {
                    return Ok(Redirect::to(&format!("/factures-de-travaux/deposer/{depot}")).into_response());
                }
                Err(r) => Some(r),
            }
        }
    };
    let ctx = s.contexte(&etat.horloge);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page_envoi(&s, &ctx, refus.as_ref())).into_response())
}

async fn depot_en_cours(etat: &AppState, s: &Stagiaire, depot: &str) -> Result<Piece, AppError> {
    let (bac_id, sid, depot) = (s.bac.id.clone(), s.structure.id.clone(), depot.to_string());
    etat.lire(move |c, _| pj::depot_en_cours(c, &bac_id, &sid, &depot)).await.map_err(|e| match e {
        AppError::Introuvable(_) => AppError::Introuvable(
            "Ce dépôt n'est plus en cours (la pièce a déjà été déposée, ou un autre PDF a été envoyé depuis)"
                .into(),
        ),
        autre => autre,
    })
}

/// Le formulaire de dépôt pré-rempli d'après la fiche d'identité du marché en cours.
fn brut_initial(fiche: Option<&FicheMarche>, aujourd_hui: NaiveDate) -> DepotBrut {
    let mut b = DepotBrut {
        cadre: CadreFacturation::A4ProjetDecompteMensuel.code().into(),
        date_piece: aujourd_hui.format("%d/%m/%Y").to_string(),
        taux_tva: "20".into(),
        ..DepotBrut::default()
    };
    if let Some(f) = fiche {
        b.numero_marche = f.numero_marche.clone();
    }
    b
}

fn depot_depuis(champs: &Champs) -> DepotBrut {
    DepotBrut {
        cadre: champs.un("cadre"),
        numero: champs.un("numero"),
        date_piece: champs.un("date_piece"),
        destinataire: champs.un("destinataire"),
        code_service: champs.un("code_service"),
        numero_engagement: champs.un("numero_engagement"),
        numero_marche: champs.un("numero_marche"),
        moe: champs.un("moe"),
        valideur: champs.un("valideur"),
        montant_ht: champs.un("montant_ht"),
        taux_tva: champs.un("taux_tva"),
        motif_exoneration: champs.un("motif_exoneration"),
        commentaire: champs.un("commentaire"),
    }
}

fn page_formulaire(ctx: &Contexte<'_>, depot: &Piece, b: &DepotBrut, anomalies: &[Anomalie]) -> Markup {
    let action = format!("/factures-de-travaux/deposer/{}", depot.id);
    let lien_pdf = format!("{action}/pdf");
    let erreurs_cadre = super::erreurs_du_champ(anomalies, "cadre", None);
    let t = |nom: &str, libelle: &str, valeur: &str, obligatoire: bool, aide: Option<&str>| {
        champ_texte(anomalies, nom, libelle, valeur, obligatoire, aide, ("text", 100))
    };
    gabarit(
        "Déposer une pièce de travaux : formulaire de dépôt",
        Some(&ctx.stagiaire.csrf),
        Some(ctx),
        html! {
            (onglets(Some(Onglet::Deposer)))
            h1 { "Déposer un projet de décompte : formulaire de dépôt" }
            (resume_anomalies("Le dépôt est refusé : corrigez ces points", anomalies))
            div.depot-disposition {
                section.depot-apercu aria-label="PDF déposé" {
                    p { "PDF déposé : " strong { (depot.nom) } " (" (regles_pj::taille_lisible(depot.taille)) "). "
                        a href=(lien_pdf) target="_blank" { "Ouvrir le PDF dans un nouvel onglet" } }
                    object.depot-pdf data=(lien_pdf) type="application/pdf" aria-label={ "PDF " (depot.nom) } {
                        p { "Votre navigateur n'affiche pas le PDF ici : " a href=(lien_pdf) target="_blank" { "ouvrez-le dans un nouvel onglet" } "." }
                    }
                }
                form.saisie method="post" action=(action) novalidate {
                    (super::sans_soumission_implicite())
                    (champ_csrf(&ctx.stagiaire.csrf))
                    div class={ "champ" @if !erreurs_cadre.is_empty() { " champ-en-erreur" } } {
                        label for="cadre" { "Cadre de facturation" span.obligatoire aria-hidden="true" { " *" } }
                        p.aide #cadre-aide { "A4 : votre projet de décompte mensuel, pendant le chantier ; A7 : le projet de décompte final. "
                            "Sous-traitant payé directement : A10, A11 ; cotraitant : A13, A14." }
                        @if !erreurs_cadre.is_empty() { p.message-erreur #cadre-erreur { @for e in &erreurs_cadre { (e.message) " " } } }
                        select #cadre name="cadre" aria-describedby="cadre-aide" {
                            @for c in CadreFacturation::TRAVAUX_DU_FOURNISSEUR {
                                option value=(c.code()) selected[b.cadre == c.code()] { (c.libelle()) }
                            }
                        }
                    }
                    (t("numero", "Numéro de la pièce", &b.numero, true, Some("Le numéro de votre projet de décompte, unique pour votre structure (20 caractères au plus).")))
                    (t("date_piece", "Date de la pièce", &b.date_piece, true, Some("Au format JJ/MM/AAAA.")))
                    fieldset {
                        legend { "Maître d'ouvrage (destinataire)" }
                        (t("destinataire", "SIRET du maître d'ouvrage", &b.destinataire, true, Some("La structure publique, paramétrée « Structure avec MOA » dans l'annuaire.")))
                        (t("code_service", "Code service", &b.code_service, false, Some("S'il l'exige : voir la fiche d'identité du marché.")))
                        (t("numero_engagement", "Numéro d'engagement juridique", &b.numero_engagement, false, Some("S'il l'exige (le n° de bon de commande ou d'engagement, distinct du n° de marché).")))
                        (t("numero_marche", "Numéro de marché", &b.numero_marche, false, None))
                    }
                    (t("moe", "SIRET de la maîtrise d'œuvre", &b.moe, true, Some("L'architecte ou le bureau d'études qui suit le chantier : voir la fiche d'identité du marché.")))
                    (t("valideur", "SIRET du valideur (A10, A11, A13, A14)", &b.valideur, false, Some("Sous-traitant : le titulaire du marché ; cotraitant : le mandataire du groupement. Vide pour A4 et A7.")))
                    fieldset {
                        legend { "Montants" }
                        (t("montant_ht", "Montant HT demandé (€)", &b.montant_ht, true, Some("Le montant HT de votre projet de décompte, par exemple 12 500,00.")))
                        (t("taux_tva", "Taux de TVA (%)", &b.taux_tva, true, Some("20, 10, 5,5… ; 0 pour une TVA autoliquidée (sous-traitant du bâtiment), avec le motif.")))
                        (t("motif_exoneration", "Motif d'exonération", &b.motif_exoneration, false, Some("Avec un taux de 0 % : « Autoliquidation » pour un sous-traitant du bâtiment.")))
                    }
                    div.champ {
                        label for="commentaire" { "Commentaire" }
                        textarea #commentaire name="commentaire" rows="2" maxlength="2000" { (b.commentaire) }
                    }
                    div.boutons {
                        button.bouton.bouton-principal type="submit" { "Déposer" }
                        a.bouton href="/factures-de-travaux" { "Annuler" }
                    }
                }
            }
        },
    )
}

pub async fn formulaire(
    State(etat): State<AppState>,
    s: Stagiaire,
    Path(depot): Path<String>,
) -> Result<Response, AppError> {
    espace!(&etat, &s, true);
    let piece = depot_en_cours(&etat, &s, &depot).await?;
    let bac_id = s.bac.id.clone();
    let fiche = etat.lire(move |c, _| chorus_store::scenario::fiches_des_marches(c, &bac_id)).await?;
    let ctx = s.contexte(&etat.horloge);
    let b = brut_initial(fiche.first(), ctx.date_simulee);
    Ok(pieces::avec_pdf_integre(page_formulaire(&ctx, &piece, &b, &[]).into_response()))
}

pub async fn soumettre(
    State(etat): State<AppState>,
    s: Stagiaire,
    Path(depot): Path<String>,
    champs: Champs,
) -> Result<Response, AppError> {
    s.verifier_csrf(&champs.un("csrf")).await?;
    espace!(&etat, &s, true);
    let piece = depot_en_cours(&etat, &s, &depot).await?;
    let brut = depot_depuis(&champs);
    let (bac_id, sid, b) = (s.bac.id.clone(), s.structure.id.clone(), brut.clone());
    let issue = etat.ecrire(move |tx, h| travaux::deposer(tx, &bac_id, &sid, &depot, &b, h)).await?;
    Ok(match issue {
        Issue::Acceptee(id) => Redirect::to(&format!("/factures-de-travaux/{id}")).into_response(),
        Issue::Refusee(anomalies) => {
            let ctx = s.contexte(&etat.horloge);
            pieces::avec_pdf_integre(
                (StatusCode::UNPROCESSABLE_ENTITY, page_formulaire(&ctx, &piece, &brut, &anomalies))
                    .into_response(),
            )
        }
    })
}

pub async fn pdf_du_depot(
    State(etat): State<AppState>,
    s: Stagiaire,
    Path(depot): Path<String>,
) -> Result<Response, AppError> {
    depot_en_cours(&etat, &s, &depot).await?;
    let bac_id = s.bac.id.clone();
    let (piece, contenu) = etat.lire(move |c, _| pj::contenu(c, &bac_id, &depot)).await?;
    Ok(pieces::servir_fichier(&piece.nom, &piece.type_mime, contenu, true))
}

// -- La fiche d'identité du marché ---------------------------------------------------------

pub async fn fiches(State(etat): State<AppState>, s: Stagiaire) -> Result<Response, AppError> {
    espace!(&etat, &s, false);
    let (bac_id, siret) = (s.bac.id.clone(), s.structure.identifiant.clone());
    let fiches = etat
        .lire(move |c, _| {
            chorus_store::scenario::fiches_des_marches(c, &bac_id)?
                .into_iter()
                .map(|f| {
                    let lignes = travaux::lignes_de_la_fiche(c, &f, &siret)?;
                    let moa = chorus_store::reference::structure_publique(c, &f.maitre_ouvrage)?
                        .map(|s| s.raison_sociale)
                        .unwrap_or_default();
                    let moe = chorus_store::reference::entreprise(c, &f.maitre_oeuvre)?
                        .map(|e| e.raison_sociale)
                        .unwrap_or_default();
                    Ok((f, lignes, moa, moe))
                })
                .collect::<Result<Vec<_>, chorus_store::Erreur>>()
        })
        .await?;
    let ctx = s.contexte(&etat.horloge);
    Ok(gabarit(
        "Fiche d'identité du marché",
        Some(&s.csrf),
        Some(&ctx),
        html! {
            (onglets(Some(Onglet::Marche)))
            h1 { "Fiche d'identité du marché" }
            p.chapeau { "Établie avec le maître d'ouvrage avant la première pièce : qui dépose quoi, avec quel cadre de facturation, "
                "et les identifiants à reporter dans chaque dépôt. Gardez-la sous les yeux." }
            @for (rang, (f, lignes, moa, moe)) in fiches.iter().enumerate() {
                section.fiche-marche {
                    h2 { "Marché n° " (f.numero_marche) " — " (f.intitule) }
                    p { a href={ "/factures-de-travaux/marche/" (rang + 1) "/pdf" } { "La fiche en PDF" } }
                    dl.fiche {
                        dt { "Maître d'ouvrage (destinataire)" } dd { (moa) " — SIRET " span.nombre { (f.maitre_ouvrage) } }
                        dt { "Code service" } dd { @if f.code_service.is_empty() { "—" } @else { code { (f.code_service) } } }
                        dt { "Engagement juridique" } dd { @if f.numero_engagement.is_empty() { "—" } @else { code { (f.numero_engagement) } } }
                        dt { "Maîtrise d'œuvre" } dd { (moe) " — SIRET " span.nombre { (f.maitre_oeuvre) } }
                    }
                    div.defilement tabindex="0" {
                        table.tableau {
                            caption { "Qui dépose quoi" }
                            thead { tr { th scope="col" { "Rôle" } th scope="col" { "Entreprise" } th scope="col" { "SIRET" }
                                th scope="col" { "Cadres" } th scope="col" { "Valideur" } } }
                            tbody {
                                @for l in lignes {
                                    tr {
                                        td { (l.ligne.role) @if !l.ligne.precision.is_empty() { br; small { (l.ligne.precision) } } }
                                        td { (l.raison_sociale) }
                                        td.nombre { (l.ligne.siret) }
                                        td { @for (i, c) in l.ligne.cadres.iter().enumerate() { @if i > 0 { ", " } abbr title=(c.libelle()) { (c.code_court()) } } }
                                        td { @if let Some((siret, nom)) = &l.valideur { (nom) " (" (siret) ")" } @else { "—" } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
    .into_response())
}

pub async fn fiche_pdf(
    State(etat): State<AppState>,
    s: Stagiaire,
    Path(rang): Path<usize>,
) -> Result<Response, AppError> {
    espace!(&etat, &s, false);
    let (bac_id, siret) = (s.bac.id.clone(), s.structure.identifiant.clone());
    let pdf = etat
        .lire(move |c, _| {
            let fiches = chorus_store::scenario::fiches_des_marches(c, &bac_id)?;
            let f = rang
                .checked_sub(1)
                .and_then(|i| fiches.get(i))
                .ok_or(chorus_store::Erreur::Introuvable("fiche d'identité du marché"))?;
            travaux::fiche_pdf(c, f, &siret)
        })
        .await?;
    Ok(pieces::servir_fichier("fiche-identite-marche.pdf", "application/pdf", pdf, true))
}

// -- Le dossier ----------------------------------------------------------------------------

/// Ce que la page d'un dossier montre, à une partie ou à l'autre.
pub struct Dossier {
    pub facture: FactureStockee,
    pub pieces: Vec<PieceTravaux>,
    pub fichiers: Vec<Piece>,
    pub historique: Vec<Entree>,
    pub delais: Delais,
    pub moe: String,
    pub valideur: Option<String>,
    pub fournisseur: String,
    /// Ce que le titulaire peut déposer avec « Déposer la pièce de facturation suivante ».
    pub suivantes: Vec<CadreFacturation>,
    /// Les statuts du dossier et leurs dates, et la date simulée du jour (pour les gestes que
    /// le circuit permet).
    pub statuts: Vec<(Statut, NaiveDate)>,
    pub aujourd_hui: NaiveDate,
}

/// Un dossier, chargé après le contrôle d'accès `controle` (qui rend la facture si la partie
/// peut la voir).
pub async fn charger_dossier(
    etat: &AppState,
    bac_id: String,
    id: String,
    controle: impl FnOnce(&rusqlite::Connection, &str, &str) -> Result<FactureStockee, chorus_store::Erreur>
    + Send
    + 'static,
) -> Result<Dossier, AppError> {
    etat.lire(move |c, h| {
        let facture = controle(c, &bac_id, &id)?;
        let historique = journal::historique_facture(c, &bac_id, &id)?;
        let hist = travaux::statuts_du_journal(&historique);
        let aujourd_hui = chorus_store::bac::bac(c, &bac_id)?.date_simulee(h);
        let nom = |siret: &str| -> Result<String, chorus_store::Erreur> {
            let n =
                chorus_store::reference::entreprise(c, siret)?.map(|e| e.raison_sociale).unwrap_or_default();
            Ok(if n.is_empty() { siret.to_string() } else { format!("{n} ({siret})") })
        };
        let fournisseur = chorus_store::bac::structure_fournisseur(c, &bac_id, &facture.structure_id)?;
        let valideur = Some(facture.facture.code_structure_valideur.as_str())
            .filter(|v| !v.is_empty())
            .map(nom)
            .transpose()?;
        Ok(Dossier {
            pieces: travaux::pieces(c, &bac_id, &id)?,
            fichiers: pj::lister(c, &bac_id, &id)?,
            historique,
            delais: travaux::delais(facture.facture.cadre, facture.statut, &hist),
            moe: nom(facture.moe.as_deref().unwrap_or_default())?,
            valideur,
            fournisseur: format!("{} ({})", fournisseur.raison_sociale, fournisseur.identifiant),
            suivantes: travaux::pieces_suivantes_possibles(&facture, &hist, aujourd_hui),
            statuts: hist,
            aujourd_hui,
            facture,
        })
    })
    .await
}

async fn dossier_du_stagiaire(etat: &AppState, s: &Stagiaire, id: String) -> Result<Dossier, AppError> {
    let sid = s.structure.id.clone();
    charger_dossier(etat, s.bac.id.clone(), id, move |c, bac_id, id| {
        let f = travaux::charger(c, bac_id, id)?;
        if f.structure_id != sid {
            return Err(chorus_store::Erreur::Introuvable("dossier de travaux"));
        }
        Ok(f)
    })
    .await
}

/// Les montants et les parties d'un dossier.
pub fn fiche_du_dossier(d: &Dossier) -> Markup {
    let fs = &d.facture;
    let f = &fs.facture;
    let t = fs.totaux();
    html! {
        dl.fiche {
            dt { "Cadre de facturation" } dd { (f.cadre.libelle()) }
            dt { "Titulaire (fournisseur)" } dd { (d.fournisseur) }
            @if let Some(v) = &d.valideur { dt { "Valideur" } dd { (v) } }
            dt { "Maîtrise d'œuvre" } dd { (d.moe) }
            dt { "Maître d'ouvrage" } dd { (fs.raison_sociale_destinataire) " (" (f.destinataire) ")"
                @if !f.code_service.is_empty() { " — service " code { (f.code_service) } } }
            dt { "Engagement juridique" } dd { @if f.numero_engagement.is_empty() { "—" } @else { (f.numero_engagement) } }
            dt { "N° de marché" } dd { @if f.numero_marche.is_empty() { "—" } @else { (f.numero_marche) } }
            dt { "Date de la pièce" } dd { (format::date_courte(f.date_facture)) }
            dt { "Déposée le" } dd { @if let Some(j) = fs.date_depot { (format::date_courte(j)) } @else { "—" } }
            dt { "Montant demandé" } dd.nombre { (format::euros(t.total_ht)) " HT — " (format::euros(t.total_ttc)) " TTC" }
            @if let Some(admis) = fs.montant_admis_ht {
                dt { "Montant admis" } dd.nombre { strong { (format::euros(admis)) " HT — " (format::euros(fs.montant_a_payer())) " TTC" } }
            }
        }
        @if let Some(admis) = fs.montant_admis_ht.filter(|a| *a != t.total_ht) {
            div.alerte.alerte-info { p {
                "Le montant admis (" (format::euros(admis)) " HT) diffère du montant demandé (" (format::euros(t.total_ht)) " HT) : "
                "c'est le montant admis que porte la dernière pièce et que le service financier paiera. Un écart de montant "
                "n'est pas un refus ; si vous le contestez, voyez-le avec la maîtrise d'œuvre (et, à la fin du chantier, dans "
                "le décompte général)."
            } }
        }
    }
}

/// Qui a la main et jusqu'à quand.
pub fn delais_du_dossier(d: &Dossier) -> Markup {
    let dl = &d.delais;
    html! {
        @if dl.reception_moe.is_some() || dl.limite_signature.is_some() || dl.limite_moa_tacite.is_some() {
            section.delais-travaux {
                h2 { "Les délais du dossier" }
                ul {
                    @if let Some(r) = dl.reception_moe {
                        li { "Reçu par la maîtrise d'œuvre le " strong { (format::date_courte(r)) } " (horodatage de Chorus Pro) : "
                            "le délai de paiement d'un décompte mensuel part de ce jour." }
                    }
                    @if let Some(l) = dl.limite_moe {
                        li { "La maîtrise d'œuvre a jusqu'au " strong { (format::date_courte(l)) } " (7 jours) pour traiter la pièce ; "
                            "sans réponse, Chorus Pro la transmet au maître d'ouvrage." }
                    }
                    @if let Some(l) = dl.limite_decompte_general {
                        li { "Le décompte général doit être notifié au titulaire au plus tard le " strong { (format::date_courte(l)) }
                            " (30 jours après la réception du projet de décompte final par la MOE, CCAG-Travaux 2021) ; ensuite, le titulaire peut déposer son projet de décompte général (A22)." }
                    }
                    @if let Some(l) = dl.limite_signature {
                        li { "Le titulaire a jusqu'au " strong { (format::date_courte(l)) } " (30 jours) pour signer le décompte général ; "
                            "sans signature, il devient définitif et la maîtrise d'œuvre dépose le DGD tacite (A24)." }
                    }
                    @if let Some(l) = dl.limite_moa_tacite {
                        li { "Le maître d'ouvrage a jusqu'au " strong { (format::date_courte(l)) } " (10 jours) pour notifier "
                            "le décompte général ; ensuite, le titulaire peut déposer le DGD tacite (A23)." }
                    }
                }
                p.aide { (marque_choix(ChoixSimulateur::DelaisDecompteGeneral)) " " (marque_choix(ChoixSimulateur::RepriseDesDelaisTravaux)) }
            }
        }
    }
}

/// La chaîne des pièces : le projet de décompte, puis chaque pièce déposée dans le dossier.
/// `base` : l'adresse du dossier pour la partie qui regarde (ses liens vers les PDF).
pub fn chaine_des_pieces(d: &Dossier, base: &str) -> Markup {
    let fs = &d.facture;
    let t = fs.totaux();
    let pdf_du_projet = d.fichiers.iter().find(|p| p.est_pdf_de_facture());
    html! {
        section {
            h2 { "La chaîne des pièces" }
            div.defilement tabindex="0" {
                table.tableau {
                    caption.visuellement-cache { "Les pièces du dossier, dans l'ordre de leur dépôt" }
                    thead { tr {
                        th scope="col" { "Cadre" } th scope="col" { "Pièce" } th scope="col" { "N°" } th scope="col" { "Déposée par" }
                        th scope="col" { "Le" } th scope="col" { "Montant HT" } th scope="col" { "Montant TTC" } th scope="col" { "PDF" }
                    } }
                    tbody {
                        tr {
                            td { (fs.facture.cadre.code_court()) }
                            td { (regles::nature(fs.facture.cadre)) }
                            td { (fs.facture.numero) }
                            td { (d.fournisseur) }
                            td { @if let Some(j) = fs.date_depot { (format::date_courte(j)) } @else { "—" } }
                            td.nombre { (format::euros(t.total_ht)) }
                            td.nombre { (format::euros(t.total_ttc)) }
                            td { @if let Some(p) = pdf_du_projet { a href={ (base) "/fichiers/" (p.id) } { "PDF" span.visuellement-cache { " du projet " (fs.facture.numero) } } } @else { "—" } }
                        }
                        @for p in &d.pieces {
                            tr {
                                td { (p.cadre.code_court()) }
                                td { (regles::nature(p.cadre)) @if regles::est_payable(p.cadre) { br; small { "pièce payable" } } }
                                td { (p.numero) }
                                td { (p.deposant.libelle()) br; small { (p.raison_sociale_deposant) } }
                                td { (format::date_courte(p.date_depot)) }
                                td.nombre { (format::euros(p.montant_ht)) }
                                td.nombre { (format::euros(p.montant_ttc)) }
                                td { a href={ (base) "/pieces/" (p.id) } { "PDF" span.visuellement-cache { " de la pièce " (p.numero) } } }
                            }
                        }
                    }
                }
            }
            p.aide { "Les pièces de la maîtrise d'œuvre et de la maîtrise d'ouvrage portent le numéro du projet de décompte suivi d'un suffixe "
                "(EA : état d'acompte, EAV : état d'acompte validé…). " (marque_choix(ChoixSimulateur::PiecesDuDossier)) }
        }
    }
}

/// Ce que le titulaire peut faire du dossier, selon son statut.
fn gestes_du_titulaire(d: &Dossier, csrf: &str, modifier: bool) -> Markup {
    let fs = &d.facture;
    let base = format!("/factures-de-travaux/{}", fs.id);
    html! {
        section {
            h2 { "Actions" }
            @if !modifier {
                p.vide { "Abonnement en consultation : vous ne pouvez pas agir sur le dossier." }
            } @else {
                @match fs.statut {
                    Statut::ACompleter => {
                        form.saisie method="post" action={ (base) "/completer" } enctype="multipart/form-data" novalidate {
                            (super::sans_soumission_implicite())
                            (champ_csrf(csrf))
                            h3 { "Compléter" }
                            div.champ {
                                label for="commentaire" { "Votre réponse à la maîtrise d'œuvre" span.obligatoire aria-hidden="true" { " *" } }
                                textarea #commentaire name="commentaire" rows="3" maxlength="2000" required {}
                            }
                            div.champ {
                                label for="fichier-complement" { "Pièce jointe (facultatif)" }
                                input #fichier-complement type="file" name="fichier";
                            }
                            button.bouton.bouton-principal type="submit" { "Compléter" }
                        }
                    }
                    Statut::ErreurFournisseurSurMoe | Statut::ErreurFournisseurSurMoa => {
                        p { a.bouton.bouton-principal href={ (base) "/recycler" } { "Recycler" } }
                    }
                    Statut::Suspendue => {
                        p { "Le service financier a suspendu le paiement : " a.bouton href={ "/factures-emises/" (fs.id) "/completer" } { "Compléter" } }
                    }
                    _ => {}
                }
                @if !d.suivantes.is_empty() {
                    p { a.bouton.bouton-principal href={ (base) "/piece-suivante" } { "Déposer la pièce de facturation suivante" } }
                }
                @if fs.statut == Statut::AAssocierFournisseur {
                    form.action-acheteur method="post" action={ (base) "/refuser-decompte" } {
                        (champ_csrf(csrf))
                        h3 { "Refuser le décompte général" }
                        p.aide { "Vous contestez le décompte général : dites pourquoi. Le différend se règle ensuite par un mémoire en réclamation "
                            "adressé au maître d'ouvrage, hors de Chorus Pro." }
                        div.champ {
                            label for="motif" { "Motif du refus" span.obligatoire aria-hidden="true" { " *" } }
                            textarea #motif name="motif" rows="2" maxlength=(MOTIF_LONGUEUR_MAX) required {}
                        }
                        button.bouton.bouton-danger type="submit" { "Refuser le décompte général" }
                    }
                }
                @if !matches!(fs.statut, Statut::ACompleter | Statut::ErreurFournisseurSurMoe | Statut::ErreurFournisseurSurMoa | Statut::Suspendue | Statut::AAssocierFournisseur) && d.suivantes.is_empty() {
                    p.vide { "Rien à faire au statut « " (fs.statut.libelle()) " » : " (fs.statut.explication()) }
                }
            }
        }
    }
}

fn page_dossier(ctx: &Contexte<'_>, d: &Dossier, modifier: bool, erreur: Option<&str>) -> Markup {
    let fs = &d.facture;
    let base = format!("/factures-de-travaux/{}", fs.id);
    gabarit(
        &format!("Dossier de travaux {}", fs.facture.numero),
        Some(&ctx.stagiaire.csrf),
        Some(ctx),
        html! {
            (onglets(None))
            h1 { (regles::nature(fs.facture.cadre)) " n° " (fs.facture.numero) " " (pastille(fs.statut)) }
            @if let Some(e) = erreur {
                div.alerte.alerte-erreur.resume-erreurs role="alert" tabindex="-1" id="resume-erreurs" {
                    h2 { "Action impossible :" } p { (e) }
                }
            }
            div.alerte.alerte-info { p { (fs.statut.explication()) } }
            (fiche_du_dossier(d))
            (delais_du_dossier(d))
            p { a href={ "/factures-emises/" (fs.id) "/suivi-paiement" } { "Suivi du paiement" } " : le délai de paiement étape par étape, les échéances, les intérêts de retard." }
            (gestes_du_titulaire(d, &ctx.stagiaire.csrf, modifier))
            (chaine_des_pieces(d, &base))
            (super::contenu_facture::historique(&d.historique))
        },
    )
}

pub async fn dossier(
    State(etat): State<AppState>,
    s: Stagiaire,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let a = espace!(&etat, &s, false);
    let d = dossier_du_stagiaire(&etat, &s, id).await?;
    let ctx = s.contexte(&etat.horloge);
    Ok(page_dossier(&ctx, &d, a == Acces::Modification, None).into_response())
}

/// La page du dossier avec le message qui dit pourquoi le geste est refusé (422).
async fn refus(etat: &AppState, s: &Stagiaire, id: String, message: &str) -> Result<Response, AppError> {
    let d = dossier_du_stagiaire(etat, s, id).await?;
    let ctx = s.contexte(&etat.horloge);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page_dossier(&ctx, &d, true, Some(message))).into_response())
}

pub async fn completer(
    State(etat): State<AppState>,
    s: Stagiaire,
    Path(id): Path<String>,
    envoi: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    espace!(&etat, &s, true);
    let recu = match lire_envoi(&s, multipart(envoi)).await {
        Ok(r) => r,
        Err(echec) => return Ok(echec.into_response()),
    };
    dossier_du_stagiaire(&etat, &s, id.clone()).await?;
    let commentaire = recu.champ("commentaire");
    let fichier = recu.fichiers.into_iter().find(|f| !(f.nom.is_empty() && f.taille == 0));
    if let Some(r) = fichier.as_ref().and_then(pieces::refus_avant_stockage) {
        return refus(&etat, &s, id, &r.message).await;
    }
    let (bac_id, sid, fid) = (s.bac.id.clone(), s.structure.id.clone(), id.clone());
    let resultat = etat
        .ecrire(move |tx, h| {
            let f = fichier.as_ref().map(|f| (f.nom.as_str(), f.source()));
            travaux::completer(tx, &bac_id, &sid, &fid, &commentaire, f, h)
        })
        .await;
    match resultat {
        Ok(Ok(_)) => Ok(Redirect::to(&format!("/factures-de-travaux/{id}")).into_response()),
        Ok(Err(r)) => refus(&etat, &s, id, &r.message).await,
        Err(AppError::Refus(m) | AppError::Requete(m)) => refus(&etat, &s, id, &m).await,
        Err(e) => Err(e),
    }
}

pub async fn refuser_decompte(
    State(etat): State<AppState>,
    s: Stagiaire,
    Path(id): Path<String>,
    champs: Champs,
) -> Result<Response, AppError> {
    s.verifier_csrf(&champs.un("csrf")).await?;
    espace!(&etat, &s, true);
    dossier_du_stagiaire(&etat, &s, id.clone()).await?;
    let motif = champs.un("motif");
    if motif.trim().is_empty() {
        return refus(&etat, &s, id, "Dites pourquoi vous refusez le décompte général.").await;
    }
    let (bac_id, fid) = (s.bac.id.clone(), id.clone());
    let resultat = etat
        .ecrire(move |tx, h| {
            let date = chorus_store::bac::bac(tx, &bac_id)?.date_simulee(h);
            let coup = Coup { joueur: Joueur::Stagiaire, date, regle: None };
            travaux::agir(tx, &bac_id, &fid, Acteur::Fournisseur, &Geste::Refuser { motif }, coup, h)
        })
        .await;
    match resultat {
        Ok(_) => Ok(Redirect::to(&format!("/factures-de-travaux/{id}")).into_response()),
        Err(AppError::Refus(m) | AppError::Requete(m)) => refus(&etat, &s, id, &m).await,
        Err(e) => Err(e),
    }
}

// -- Recycler ------------------------------------------------------------------------------

fn page_recyclage(ctx: &Contexte<'_>, d: &Dossier, r: &Recyclage, anomalies: &[Anomalie]) -> Markup {
    let fs = &d.facture;
    let action = format!("/factures-de-travaux/{}/recycler", fs.id);
    let apres_moe = fs.statut == Statut::ErreurFournisseurSurMoe;
    let t = |nom: &str, libelle: &str, valeur: &str, obligatoire: bool| {
        champ_texte(anomalies, nom, libelle, valeur, obligatoire, None, ("text", 100))
    };
    gabarit(
        "Recycler la pièce de travaux",
        Some(&ctx.stagiaire.csrf),
        Some(ctx),
        html! {
            (onglets(None))
            p { a href={ "/factures-de-travaux/" (fs.id) } { "← Dossier " (fs.facture.numero) } }
            h1 { "Recycler la pièce n° " (fs.facture.numero) " " (pastille(fs.statut)) }
            div.alerte.alerte-attention { p { (fs.statut.explication()) } }
            @if let Some(m) = d.historique.last().map(|e| e.commentaire.as_str()).filter(|m| !m.is_empty()) {
                p { strong { "Ce que dit " @if apres_moe { "la maîtrise d'œuvre" } @else { "le maître d'ouvrage" } " : " } "« " (m) " »" }
            }
            (resume_anomalies("Le recyclage est refusé : corrigez ces points", anomalies))
            form.saisie method="post" action=(action) novalidate {
                (super::sans_soumission_implicite())
                (champ_csrf(&ctx.stagiaire.csrf))
                @if apres_moe {
                    (t("moe", "SIRET de la maîtrise d'œuvre", &r.moe, true))
                }
                (t("destinataire", "SIRET du maître d'ouvrage", &r.acheminement.destinataire, true))
                (t("code_service", "Code service", &r.acheminement.code_service, false))
                (t("numero_engagement", "Numéro d'engagement juridique", &r.acheminement.numero_engagement, false))
                p.aide { "La pièce garde son numéro. " @if apres_moe { "Elle repart à la maîtrise d'œuvre indiquée." } @else {
                    "Déjà vérifiée par la maîtrise d'œuvre, elle repart directement au maître d'ouvrage. " (marque_choix(ChoixSimulateur::RepriseDesDelaisTravaux)) } }
                div.boutons {
                    button.bouton.bouton-principal type="submit" { "Recycler" }
                    a.bouton href={ "/factures-de-travaux/" (fs.id) } { "Annuler" }
                }
            }
        },
    )
}

pub async fn formulaire_recyclage(
    State(etat): State<AppState>,
    s: Stagiaire,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    espace!(&etat, &s, true);
    let d = dossier_du_stagiaire(&etat, &s, id).await?;
    let r = Recyclage {
        acheminement: Acheminement::de(&d.facture.facture),
        moe: d.facture.moe.clone().unwrap_or_default(),
    };
    let ctx = s.contexte(&etat.horloge);
    Ok(page_recyclage(&ctx, &d, &r, &[]).into_response())
}

pub async fn recycler(
    State(etat): State<AppState>,
    s: Stagiaire,
    Path(id): Path<String>,
    champs: Champs,
) -> Result<Response, AppError> {
    s.verifier_csrf(&champs.un("csrf")).await?;
    espace!(&etat, &s, true);
    let d = dossier_du_stagiaire(&etat, &s, id.clone()).await?;
    let r = Recyclage {
        acheminement: Acheminement {
            destinataire: champs.un("destinataire"),
            code_service: champs.un("code_service"),
            numero_engagement: champs.un("numero_engagement"),
        },
        moe: if d.facture.statut == Statut::ErreurFournisseurSurMoe {
            champs.un("moe")
        } else {
            d.facture.moe.clone().unwrap_or_default()
        },
    };
    let (bac_id, sid, fid, rr) = (s.bac.id.clone(), s.structure.id.clone(), id.clone(), r.clone());
    let resultat = etat.ecrire(move |tx, h| travaux::recycler(tx, &bac_id, &sid, &fid, &rr, h)).await;
    let ctx = s.contexte(&etat.horloge);
    match resultat {
        Ok(Ok(_)) => Ok(Redirect::to(&format!("/factures-de-travaux/{id}")).into_response()),
        Ok(Err(anomalies)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page_recyclage(&ctx, &d, &r, &anomalies)).into_response())
        }
        Err(AppError::Refus(m) | AppError::Requete(m)) => refus(&etat, &s, id, &m).await,
        Err(e) => Err(e),
    }
}

// -- Déposer la pièce de facturation suivante ----------------------------------------------

fn page_piece_suivante(
    ctx: &Contexte<'_>,
    d: &Dossier,
    b: &PieceSuivanteBrute,
    anomalies: &[Anomalie],
) -> Markup {
    let fs = &d.facture;
    let action = format!("/factures-de-travaux/{}/piece-suivante", fs.id);
    let erreurs_fichier = super::erreurs_du_champ(anomalies, "fichier", None);
    gabarit(
        "Déposer la pièce de facturation suivante",
        Some(&ctx.stagiaire.csrf),
        Some(ctx),
        html! {
            (onglets(None))
            p { a href={ "/factures-de-travaux/" (fs.id) } { "← Dossier " (fs.facture.numero) } }
            h1 { "Déposer la pièce de facturation suivante" }
            p.chapeau { "Dossier n° " (fs.facture.numero) " — " (pastille(fs.statut)) }
            (resume_anomalies("Le dépôt est refusé : corrigez ces points", anomalies))
            @if d.suivantes.is_empty() {
                p.vide { "Ce dossier n'attend aucune pièce de votre part pour l'instant." }
            } @else {
                form.saisie method="post" action=(action) enctype="multipart/form-data" novalidate {
                    (super::sans_soumission_implicite())
                    (champ_csrf(&ctx.stagiaire.csrf))
                    div.champ {
                        label for="cadre" { "Pièce à déposer (cadre de facturation)" span.obligatoire aria-hidden="true" { " *" } }
                        select #cadre name="cadre" {
                            @for c in &d.suivantes {
                                option value=(c.code()) selected[b.cadre == c.code()] { (c.libelle()) }
                            }
                        }
                    }
                    (champ_texte(anomalies, "numero", "Numéro de la pièce", &b.numero, true,
                        Some("La bonne pratique : le numéro de votre projet de décompte suivi de DGD (ou PDG pour un projet de décompte général)."), ("text", 20)))
                    (champ_texte(anomalies, "montant_ht", "Montant HT (€)", &b.montant_ht, true,
                        Some("Le DGD reprend le montant du décompte général notifié."), ("text", 20)))
                    div.champ {
                        label for="commentaire" { "Commentaire" }
                        textarea #commentaire name="commentaire" rows="2" maxlength="2000" { (b.commentaire) }
                    }
                    div class={ "champ" @if !erreurs_fichier.is_empty() { " champ-en-erreur" } } {
                        label for="fichier" { "PDF de la pièce (le décompte signé)" span.obligatoire aria-hidden="true" { " *" } }
                        @if !erreurs_fichier.is_empty() { p.message-erreur { @for e in &erreurs_fichier { (e.message) " " } } }
                        input #fichier type="file" name="fichier" accept=".pdf,application/pdf" required;
                    }
                    div.boutons {
                        button.bouton.bouton-principal type="submit" { "Déposer" }
                        a.bouton href={ "/factures-de-travaux/" (fs.id) } { "Annuler" }
                    }
                }
            }
        },
    )
}

pub async fn formulaire_piece_suivante(
    State(etat): State<AppState>,
    s: Stagiaire,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    espace!(&etat, &s, true);
    let d = dossier_du_stagiaire(&etat, &s, id).await?;
    let b = match d.suivantes.first() {
        Some(c) => PieceSuivanteBrute {
            cadre: c.code().into(),
            numero: regles::numero_suggere(&d.facture.facture.numero, *c),
            montant_ht: montant_saisi(travaux::montant_propose(&d.facture, *c)),
            commentaire: String::new(),
        },
        None => PieceSuivanteBrute::default(),
    };
    let ctx = s.contexte(&etat.horloge);
    Ok(page_piece_suivante(&ctx, &d, &b, &[]).into_response())
}

pub async fn deposer_piece_suivante(
    State(etat): State<AppState>,
    s: Stagiaire,
    Path(id): Path<String>,
    envoi: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    espace!(&etat, &s, true);
    let recu = match lire_envoi(&s, multipart(envoi)).await {
        Ok(r) => r,
        Err(echec) => return Ok(echec.into_response()),
    };
    let d = dossier_du_stagiaire(&etat, &s, id.clone()).await?;
    let b = PieceSuivanteBrute {
        cadre: recu.champ("cadre"),
        numero: recu.champ("numero"),
        montant_ht: recu.champ("montant_ht"),
        commentaire: recu.champ("commentaire"),
    };
    let ctx = s.contexte(&etat.horloge);
    let formulaire = |anomalies: Vec<Anomalie>| {
        (StatusCode::UNPROCESSABLE_ENTITY, page_piece_suivante(&ctx, &d, &b, &anomalies)).into_response()
    };
    let fichier = recu.fichiers.into_iter().find(|f| !(f.nom.is_empty() && f.taille == 0));
    let Some(fichier) = fichier else {
        return Ok(formulaire(vec![Anomalie::champ(
            "fichier",
            "PDF_OBLIGATOIRE",
            "Joignez le PDF de la pièce (le décompte général signé).",
        )]));
    };
    if let Some(r) = pieces::refus_avant_stockage(&fichier) {
        return Ok(formulaire(vec![Anomalie::champ("fichier", "FICHIER_REFUSE", r.message)]));
    }
    let (bac_id, sid, fid, bb) = (s.bac.id.clone(), s.structure.id.clone(), id.clone(), b.clone());
    let contenu = fichier.lire().await?;
    let controle = pieces::controler_pdf(fichier.nom, contenu).await;
    let resultat = etat
        .ecrire_saisie(move |tx, h| {
            let depot = match pj::deposer_pdf(tx, &bac_id, &sid, controle, h)? {
                Ok(depot) => depot,
                Err(r) => {
                    return Err(chorus_store::Erreur::Anomalies(vec![Anomalie::champ(
                        "fichier",
                        "FICHIER_REFUSE",
                        r.message,
                    )]));
                }
            };
            // Des anomalies défont la transaction : le PDF envoyé n'est pas gardé.
            travaux::deposer_piece_suivante(tx, &bac_id, &sid, &fid, &depot, &bb, h)?
                .map_err(chorus_store::Erreur::Anomalies)
        })
        .await;
    match resultat {
        Ok(Ok(_)) => Ok(Redirect::to(&format!("/factures-de-travaux/{id}")).into_response()),
        Ok(Err(anomalies)) => Ok(formulaire(anomalies)),
        Err(AppError::Refus(m) | AppError::Requete(m)) => refus(&etat, &s, id, &m).await,
        Err(e) => Err(e),
    }
}

/// Un montant tel qu'on le tape dans un champ : « 40000,00 ».
pub fn montant_saisi(m: rust_decimal::Decimal) -> String {
    format!("{:.2}", m.round_dp(2)).replace('.', ",")
}

// -- Les fichiers --------------------------------------------------------------------------

pub async fn pdf_de_piece(
    State(etat): State<AppState>,
    s: Stagiaire,
    Path((id, piece)): Path<(String, String)>,
) -> Result<Response, AppError> {
    espace!(&etat, &s, false);
    dossier_du_stagiaire(&etat, &s, id.clone()).await?;
    let bac_id = s.bac.id.clone();
    let (nom, pdf) = etat.lire(move |c, _| travaux::pdf_de_piece(c, &bac_id, &id, &piece)).await?;
    Ok(pieces::servir_fichier(&nom, "application/pdf", pdf, true))
}

pub async fn fichier(
    State(etat): State<AppState>,
    s: Stagiaire,
    Path((id, fichier)): Path<(String, String)>,
) -> Result<Response, AppError> {
    espace!(&etat, &s, false);
    let d = dossier_du_stagiaire(&etat, &s, id).await?;
    servir_fichier_du_dossier(&etat, &s.bac.id, &d, &fichier).await
}

/// Un fichier joint au dossier (le PDF du projet, un complément), s'il est bien de ce dossier.
pub async fn servir_fichier_du_dossier(
    etat: &AppState,
    bac_id: &str,
    d: &Dossier,
    fichier: &str,
) -> Result<Response, AppError> {
    if !d.fichiers.iter().any(|p| p.id == fichier) {
        return Err(AppError::Introuvable("Fichier introuvable dans ce dossier".into()));
    }
    let (bac_id, fichier) = (bac_id.to_string(), fichier.to_string());
    let (p, contenu) = etat.lire(move |c, _| pj::contenu(c, &bac_id, &fichier)).await?;
    // Seul le PDF contrôlé du dépôt s'affiche ; un complément joint se télécharge.
    let en_ligne = p.est_pdf_de_facture();
    Ok(pieces::servir_fichier(&p.nom, &p.type_mime, contenu, en_ligne))
}
