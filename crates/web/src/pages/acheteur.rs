//! « Jouer l'acheteur public » : un espace à part, aux couleurs distinctes, où le stagiaire
//! prend la place des structures publiques qui ont reçu les factures de son bac à sable. Il y
//! voit leurs « Factures reçues » et fait ce que font le destinataire et le comptable : rejeter,
//! suspendre, mettre « À recycler », service fait, mandater, jusqu'à la mise en paiement.
//! Chaque action passe par `acheteur::traiter`, le même cas d'usage que la console du formateur
//! et les scénarios ; la page ne propose que ce que les règles permettent, et le serveur
//! revérifie tout.
//!
//! La page d'une facture reçue montre, avant les actions, ce que le destinataire a sous les
//! yeux pour décider : les lignes, la TVA et les totaux, les pièces jointes et le PDF déposé.
//! Ses fichiers se téléchargent par des adresses de l'espace de l'acheteur, limitées au bac
//! joué (jamais celui d'un autre stagiaire).

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chorus_domain::Statut;
use chorus_domain::choix_simulateur::ChoixSimulateur;
use chorus_domain::statut::Acteur;
use chorus_domain::statut::MOTIF_LONGUEUR_MAX;
use chorus_domain::suites::NUMERO_MANDAT_LONGUEUR_MAX;
use chorus_store::acheteur::{self, Joueur, Possibilites, Traitement};
use chorus_store::facture::FactureStockee;
use chorus_store::journal::{self, Entree};
use chorus_store::piece_jointe::{ModeDepot, Piece};
use chorus_store::reference;
use maud::{Markup, html};

use super::cours::marque_choix;
use super::{Contexte, champ_csrf, gabarit, pastille};
use crate::erreur::AppError;
use crate::etat::AppState;
use crate::format;
use crate::formulaire::Champs;
use crate::session::{self, Stagiaire, verifier_csrf};

/// Qui joue l'acheteur public : le stagiaire dans son propre bac à sable, ou le formateur dans
/// le bac d'un stagiaire de l'une de ses classes (choisi depuis la console).
pub struct Joue {
    pub(crate) bac_id: String,
    pub(crate) csrf: String,
    pub(crate) session: tower_sessions::Session,
    pub(crate) joueur: Joueur,
    pub(crate) stagiaire: Option<Stagiaire>,
    /// Pour le formateur : les stagiaires du bac à sable joué.
    pub(crate) pour: Option<String>,
}

impl Joue {
    pub(crate) fn contexte(&self, horloge: &chorus_store::Horloge) -> Option<Contexte<'_>> {
        self.stagiaire.as_ref().map(|s| s.contexte(horloge))
    }
}

impl axum::extract::FromRequestParts<AppState> for Joue {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        etat: &AppState,
    ) -> Result<Self, AppError> {
        let session = tower_sessions::Session::from_request_parts(parts, etat)
            .await
            .map_err(|(_, m)| AppError::Interne(m.to_string()))?;
        if let Some((formateur, bac)) = session::acheteur_pour(&session).await? {
            let (f, b) = (formateur.clone(), bac.clone());
            // Vérifié à chaque requête : le bac est toujours celui d'un stagiaire de ses classes.
            if let Some(noms) =
                etat.lire(move |c, _| chorus_store::classe::stagiaires_du_bac(c, &f, &b)).await?
            {
                let csrf = session::jeton_csrf(&session).await?;
                return Ok(Joue {
                    bac_id: bac,
                    csrf,
                    session,
                    joueur: Joueur::Formateur,
                    stagiaire: None,
                    pour: Some(noms),
                });
            }
        }
        let s = Stagiaire::from_request_parts(parts, etat).await?;
        Ok(Joue {
            bac_id: s.bac.id.clone(),
            csrf: s.csrf.clone(),
            session: s.session.clone(),
            joueur: Joueur::Stagiaire,
            stagiaire: Some(s),
            pour: None,
        })
    }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/acheteur", get(accueil))
        .route("/acheteur/reglages", post(reglages))
        .route("/acheteur/structures/{identifiant}", get(factures_recues))
        .route("/acheteur/factures/{id}", get(facture))
        .route("/acheteur/factures/{id}/traiter", post(traiter))
        .route("/acheteur/factures/{id}/fichiers/{piece}", get(telecharger))
        .route("/acheteur/factures/{id}/fichiers/{piece}/apercu", get(apercu))
}

/// L'espace de l'acheteur : un bandeau et un cadre de couleur qui ne se confondent pas avec le
/// portail du fournisseur.
fn espace(pour: Option<&str>, contenu: Markup) -> Markup {
    espace_de_jeu("l'acheteur public", pour, contenu)
}

/// L'espace où l'on joue une autre partie que le fournisseur (`qui` : « l'acheteur public »,
/// « un valideur »…) : un bandeau et un cadre de couleur qui ne se confondent pas avec le
/// portail, et le passage d'une partie à l'autre.
pub(crate) fn espace_de_jeu(qui: &str, pour: Option<&str>, contenu: Markup) -> Markup {
    html! {
        div.mode-acheteur {
            div.bandeau-acheteur role="note" {
                strong { "Vous jouez " (qui) }
                @if let Some(noms) = pour {
                    " dans le bac à sable de " strong { (noms) } " — chaque action est notée comme venant du formateur. "
                    a href="/formateur" { "Revenir à la console" }
                } @else {
                    span.explication-partie { " — une autre partie que le fournisseur, pour voir l'autre côté du circuit." }
                    " " a href="/" { "Revenir au portail du fournisseur" }
                }
                nav.parties-jouees aria-label="Parties à jouer" {
                    "Jouer : " a href="/acheteur" { "l'acheteur public" } " · " a href="/valideur" { "un valideur" }
                    " · " a href="/moe" { "une maîtrise d'œuvre" } " · " a href="/moa" { "une maîtrise d'ouvrage" }
                    " · " a href="/gestionnaire" { "un gestionnaire de structure" }
                }
            }
            (contenu)
        }
    }
}

pub async fn accueil(State(etat): State<AppState>, stagiaire: Joue) -> Result<Markup, AppError> {
    let bac_id = stagiaire.bac_id.clone();
    let (structures, a_recycler) = etat
        .lire(move |c, _| {
            Ok((acheteur::structures_destinataires(c, &bac_id)?, acheteur::a_recycler_autorise(c, &bac_id)?))
        })
        .await?;
    let ctx = stagiaire.contexte(&etat.horloge);
    Ok(gabarit(
        "Jouer l'acheteur public",
        Some(&stagiaire.csrf),
        ctx.as_ref(),
        espace(
            stagiaire.pour.as_deref(),
            html! {
                h1 { "Jouer l'acheteur public" }
                p.chapeau { "Pour comprendre ce que voit votre client : ouvrez les « Factures reçues » d'une structure publique, puis traitez une facture. Le fournisseur (vous, dans le portail) est prévenu dans la messagerie, et voit le nouveau statut dans « Factures émises »." }
                h2 { "Structures publiques qui ont reçu vos factures" }
                @if structures.is_empty() {
                    p.vide { "Aucune facture transmise pour l'instant : envoyez d'abord une facture depuis le portail du fournisseur. " a href="/factures-emises/saisir" { "Saisir une facture" } }
                } @else {
                    div.defilement tabindex="0" {
                        table.tableau {
                            thead { tr {
                                th scope="col" { "Structure publique" } th scope="col" { "SIRET" }
                                th scope="col" { "Factures reçues" } th scope="col" { "À traiter" }
                            } }
                            tbody {
                                @for s in &structures {
                                    tr {
                                        td { a href={ "/acheteur/structures/" (s.identifiant) } { (s.raison_sociale) } }
                                        td.nombre { (s.identifiant) }
                                        td.nombre { (s.factures) }
                                        td.nombre { (s.a_traiter) }
                                    }
                                }
                            }
                        }
                    }
                }
                section {
                    h2 { "Réglage : « À recycler » " (marque_choix(ChoixSimulateur::ARecycler)) }
                    p { "Les sources ne disent pas si le destinataire peut encore mettre lui-même une facture « À recycler » (erreur de SIRET, de service ou d'engagement) : l'exemple officiel de l'API le propose, des logiciels récents ne le proposent plus. Dans ce simulateur, c'est permis par défaut, pour s'exercer au recyclage." }
                    form method="post" action="/acheteur/reglages" {
                        (champ_csrf(&stagiaire.csrf))
                        @if a_recycler {
                            p { "Actuellement : " strong { "le destinataire peut mettre une facture « À recycler »." } }
                            input type="hidden" name="a_recycler" value="non";
                            button.bouton type="submit" { "Ne plus le permettre" }
                        } @else {
                            p { "Actuellement : " strong { "le destinataire ne peut pas mettre une facture « À recycler »" } " (il rejette ou suspend)." }
                            input type="hidden" name="a_recycler" value="oui";
                            button.bouton type="submit" { "Le permettre" }
                        }
                    }
                }
            },
        ),
    ))
}

pub async fn reglages(
    State(etat): State<AppState>,
    stagiaire: Joue,
    champs: Champs,
) -> Result<Redirect, AppError> {
    verifier_csrf(&stagiaire.session, &champs.un("csrf")).await?;
    let autorise = match champs.un("a_recycler").as_str() {
        "oui" => true,
        "non" => false,
        _ => {
            return Err(AppError::Requete("Choisissez de permettre ou non le statut « À recycler ».".into()));
        }
    };
    let bac_id = stagiaire.bac_id.clone();
    etat.ecrire(move |tx, _| acheteur::regler_a_recycler(tx, &bac_id, autorise)).await?;
    Ok(Redirect::to("/acheteur"))
}

pub async fn factures_recues(
    State(etat): State<AppState>,
    stagiaire: Joue,
    Path(identifiant): Path<String>,
) -> Result<Markup, AppError> {
    let bac_id = stagiaire.bac_id.clone();
    let id = identifiant.clone();
    let (factures, structure) = etat
        .lire(move |c, _| {
            Ok((acheteur::factures_recues(c, &bac_id, &id)?, reference::structure_publique(c, &id)?))
        })
        .await?;
    // Une structure qui n'a rien reçu de ce bac n'a pas de place dans son espace.
    let Some(structure) = structure.filter(|_| !factures.is_empty()) else {
        return Err(AppError::Introuvable(
            "Structure publique introuvable parmi les destinataires de vos factures".into(),
        ));
    };
    let ctx = stagiaire.contexte(&etat.horloge);
    Ok(gabarit(
        &format!("Factures reçues — {}", structure.raison_sociale),
        Some(&stagiaire.csrf),
        ctx.as_ref(),
        espace(
            stagiaire.pour.as_deref(),
            html! {
                p { a href="/acheteur" { "← Structures publiques" } }
                h1 { "Factures reçues" }
                p.chapeau { strong { (structure.raison_sociale) } " — SIRET " (structure.identifiant) }
                @if structure.parametres.mise_en_paiement_non_remontee {
                    div.alerte.alerte-info { p { "Cette structure ne remonte pas le statut « Mise en paiement » dans Chorus Pro (paramètre de l'annuaire) : ses factures s'arrêtent au plus tard à « Comptabilisée »." } }
                }
                div.defilement tabindex="0" {
                    table.tableau {
                        thead { tr {
                            th scope="col" { "N° de facture" } th scope="col" { "Fournisseur" }
                            th scope="col" { "Date de dépôt" } th scope="col" { "Montant TTC" }
                            th scope="col" { "Statut" } th scope="col" { "Depuis le" }
                        } }
                        tbody {
                            @for f in &factures {
                                tr {
                                    td { a href={ "/acheteur/factures/" (f.id) } { (f.numero) } }
                                    td { (f.fournisseur) br; small.nombre { (f.identifiant_fournisseur) } }
                                    td { @if let Some(d) = f.date_depot { (format::date_courte(d)) } @else { "—" } }
                                    td.nombre { (format::euros(f.total_ttc)) }
                                    td { (pastille(f.statut)) }
                                    td { (format::date_courte(f.date_statut)) }
                                }
                            }
                        }
                    }
                }
            },
        ),
    ))
}

struct Vue {
    facture: FactureStockee,
    possibilites: Possibilites,
    historique: Vec<Entree>,
    mode: ModeDepot,
    fichiers: Vec<Piece>,
}

impl Vue {
    /// Le PDF de la facture, pour un dépôt PDF.
    fn pdf_depose(&self) -> Option<&Piece> {
        self.fichiers.iter().find(|p| p.est_pdf_de_facture())
    }
}

async fn charger(etat: &AppState, stagiaire: &Joue, id: String) -> Result<Vue, AppError> {
    let bac_id = stagiaire.bac_id.clone();
    etat.lire(move |c, _| {
        let facture = acheteur::facture_recue(c, &bac_id, &id)?;
        let possibilites = acheteur::possibilites(c, &bac_id, &facture)?;
        let historique = journal::historique_facture(c, &bac_id, &id)?;
        let (mode, fichiers) = acheteur::fichiers_recus(c, &bac_id, &id)?;
        Ok(Vue { facture, possibilites, historique, mode, fichiers })
    })
    .await
}

/// La page d'une facture reçue ; avec un PDF déposé, sa politique de sécurité permet de
/// l'afficher dans la page.
fn reponse_facture(v: &Vue, page: Markup) -> Response {
    let r = page.into_response();
    if v.pdf_depose().is_some() { super::pieces::avec_pdf_integre(r) } else { r }
}

pub async fn facture(
    State(etat): State<AppState>,
    stagiaire: Joue,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let v = charger(&etat, &stagiaire, id).await?;
    let ctx = stagiaire.contexte(&etat.horloge);
    Ok(reponse_facture(&v, page_facture(&stagiaire, ctx.as_ref(), &v, None, &Saisi::default())))
}

/// Un fichier d'une facture reçue du bac joué, en téléchargement.
pub async fn telecharger(
    State(etat): State<AppState>,
    joue: Joue,
    Path((id, piece)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let bac_id = joue.bac_id.clone();
    let (p, contenu) = etat.lire(move |c, _| acheteur::fichier_recu(c, &bac_id, &id, &piece)).await?;
    Ok(super::pieces::servir_fichier(&p.nom, &p.type_mime, contenu, false))
}

/// Le PDF déposé d'une facture reçue, affiché dans la page (seul le PDF de la facture s'ouvre
/// ainsi ; une pièce jointe se télécharge).
pub async fn apercu(
    State(etat): State<AppState>,
    joue: Joue,
    Path((id, piece)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let bac_id = joue.bac_id.clone();
    let (p, contenu) = etat.lire(move |c, _| acheteur::fichier_recu(c, &bac_id, &id, &piece)).await?;
    if !p.est_pdf_de_facture() {
        return Err(AppError::Introuvable("PDF de la facture introuvable".into()));
    }
    Ok(super::pieces::servir_fichier(&p.nom, &p.type_mime, contenu, true))
}

/// Ce que contient la facture : lignes, TVA par taux, totaux.
fn contenu_facture(fs: &FactureStockee) -> Markup {
    let f = &fs.facture;
    let t = fs.totaux();
    html! {
        section #contenu-facture {
            h2 { "Contenu de la facture" }
            (super::contenu_facture::lignes(f))
            (super::contenu_facture::recapitulatif(&t))
        }
    }
}

/// Ce que l'acheteur avait tapé, réaffiché avec l'erreur.
#[derive(Default)]
struct Saisi {
    statut: String,
    motif: String,
    numero_mandat: String,
}

fn titre_action(s: Statut) -> &'static str {
    match s {
        Statut::ServiceFait => "Constater le service fait",
        Statut::Mandatee => "Mandater",
        Statut::MiseADispositionComptable => "Mettre à disposition du comptable",
        Statut::Comptabilisee => "Comptabiliser",
        Statut::MiseEnPaiement => "Mettre en paiement",
        Statut::Suspendue => "Suspendre",
        Statut::ARecycler => "Mettre « À recycler »",
        Statut::Rejetee => "Rejeter",
        _ => "Traiter",
    }
}

fn aide_action(s: Statut) -> &'static str {
    match s {
        Statut::Suspendue => {
            "Une pièce ou une précision manque : le délai de paiement est interrompu ; au complément du fournisseur, un nouveau délai s'ouvre. Une seule fois, et avant le mandat."
        }
        Statut::ARecycler => {
            "Erreur de SIRET, de code service ou de numéro d'engagement : le fournisseur corrige et renvoie la même facture."
        }
        Statut::Rejetee => {
            "Erreur dans les données de facturation (prix, quantités, mentions) : la facture ne sera jamais payée, le fournisseur doit en émettre une nouvelle."
        }
        Statut::Mandatee => "L'ordonnateur émet le mandat de paiement et transmet la facture au comptable.",
        Statut::MiseEnPaiement => "Le comptable lance le virement.",
        _ => "",
    }
}

fn page_facture(
    j: &Joue,
    ctx: Option<&Contexte<'_>>,
    v: &Vue,
    erreur: Option<&str>,
    saisi: &Saisi,
) -> Markup {
    let fs = &v.facture;
    let f = &fs.facture;
    let csrf = &j.csrf;
    let action = format!("/acheteur/factures/{}/traiter", fs.id);
    gabarit(
        &format!("Facture reçue {}", f.numero),
        Some(csrf),
        ctx,
        espace(
            j.pour.as_deref(),
            html! {
                p { a href={ "/acheteur/structures/" (f.destinataire) } { "← Factures reçues de " (fs.raison_sociale_destinataire) } }
                h1 { "Facture reçue n° " (f.numero) " " (pastille(fs.statut)) }
                dl.fiche {
                    dt { "Type" } dd { (f.type_facture.libelle()) @if !f.numero_facture_origine.is_empty() { " de la facture n° " (f.numero_facture_origine) } }
                    dt { "Cadre de facturation" } dd { (f.cadre.libelle()) }
                    dt { "Mode de dépôt" } dd { (v.mode.libelle()) }
                    dt { "Destinataire" } dd { (fs.raison_sociale_destinataire) " (" (f.destinataire) ")" }
                    dt { "Code service" } dd { @if f.code_service.is_empty() { "—" } @else { code { (f.code_service) } } }
                    dt { "N° d'engagement" } dd { @if f.numero_engagement.is_empty() { "—" } @else { (f.numero_engagement) } }
                    dt { "Date de facture" } dd { (format::date_courte(f.date_facture)) }
                    dt { "Date de dépôt" } dd { @if let Some(d) = fs.date_depot { (format::date_courte(d)) } @else { "—" } }
                    dt { "Montant TTC" } dd.nombre { strong { (format::euros(fs.totaux().total_ttc)) } }
                    @if !f.commentaire.is_empty() { dt { "Commentaire du fournisseur" } dd { (f.commentaire) } }
                }
                (contenu_facture(fs))
                (super::contenu_facture::fichiers_recus(&format!("/acheteur/factures/{}", fs.id), &v.fichiers))
                @if let Some(e) = erreur {
                    div.alerte.alerte-erreur.resume-erreurs role="alert" tabindex="-1" id="resume-erreurs" {
                        h2 { "Action impossible :" }
                        p { (e) }
                    }
                }
                section {
                    h2 { "Traiter la facture" }
                    @if v.possibilites.actions.is_empty() {
                        p.vide { "Aucune action possible au statut « " (fs.statut.libelle()) " »." }
                    }
                    @for e in &v.possibilites.empechements {
                        div.alerte.alerte-info { p { (e) } }
                    }
                    @for p in &v.possibilites.actions {
                        @let code = p.statut.code();
                        @let id_motif = format!("motif-{code}");
                        @let id_mandat = format!("mandat-{code}");
                        @let repris = saisi.statut == code;
                        form.action-acheteur method="post" action=(action) {
                            (champ_csrf(csrf))
                            input type="hidden" name="statut" value=(code);
                            h3 { (titre_action(p.statut)) " → " (pastille(p.statut)) }
                            p.aide {
                                (if p.acteur == Acteur::Comptable { "Action du comptable public. " } else { "Action du destinataire. " }) (aide_action(p.statut))
                                @if matches!(p.statut, Statut::Suspendue | Statut::Rejetee) {
                                    " Plus possible une fois la facture « Mandatée » " (marque_choix(ChoixSimulateur::RejetApresMandat)) "."
                                }
                                @if p.statut == Statut::ARecycler { " " (marque_choix(ChoixSimulateur::ARecycler)) }
                            }
                            @if p.statut == Statut::Mandatee {
                                div.champ {
                                    label for=(id_mandat) { "Numéro de mandat (facultatif)" }
                                    input id=(id_mandat) name="numero_mandat" type="text" maxlength=(NUMERO_MANDAT_LONGUEUR_MAX)
                                        value=(if repris { saisi.numero_mandat.as_str() } else { "" });
                                }
                            }
                            div.champ {
                                label for=(id_motif) {
                                    @if p.motif_obligatoire { "Motif" span.obligatoire aria-hidden="true" { " *" } } @else { "Commentaire (facultatif)" }
                                }
                                p.aide { (MOTIF_LONGUEUR_MAX) " caractères au plus." @if p.motif_obligatoire { " Le fournisseur le lira : dites ce qui ne va pas et ce qu'il doit faire." } }
                                textarea id=(id_motif) name="motif" rows="2" maxlength=(MOTIF_LONGUEUR_MAX) required[p.motif_obligatoire] {
                                    (if repris { saisi.motif.as_str() } else { "" })
                                }
                            }
                            button class={ "bouton " @if matches!(p.statut, Statut::Rejetee) { "bouton-danger" } @else { "bouton-principal" } } type="submit" {
                                (titre_action(p.statut))
                            }
                        }
                    }
                }
                (super::contenu_facture::historique(&v.historique))
            },
        ),
    )
}

pub async fn traiter(
    State(etat): State<AppState>,
    stagiaire: Joue,
    Path(id): Path<String>,
    champs: Champs,
) -> Result<Response, AppError> {
    verifier_csrf(&stagiaire.session, &champs.un("csrf")).await?;
    let saisi = Saisi {
        statut: champs.un("statut"),
        motif: champs.un("motif"),
        numero_mandat: champs.un("numero_mandat"),
    };
    let cible = Statut::depuis_code(&saisi.statut).ok().filter(|s| acheteur::CIBLES.contains(s)).ok_or_else(
        || AppError::Requete("Choisissez une action proposée sur la page de la facture.".into()),
    )?;
    // La facture doit être de ce bac (404 sinon) avant toute autre réponse.
    charger(&etat, &stagiaire, id.clone()).await?;
    let (bac_id, fid, motif, mandat) =
        (stagiaire.bac_id.clone(), id.clone(), saisi.motif.clone(), saisi.numero_mandat.clone());
    let joueur = stagiaire.joueur;
    let resultat = etat
        .ecrire(move |tx, h| {
            let t = Traitement { nouveau_statut: cible, motif: &motif, numero_mandat: &mandat };
            acheteur::traiter(tx, &bac_id, &fid, &t, joueur, h)
        })
        .await;
    match resultat {
        Ok(_) => Ok(Redirect::to(&format!("/acheteur/factures/{id}")).into_response()),
        Err(AppError::Refus(message)) => {
            let v = charger(&etat, &stagiaire, id).await?;
            let ctx = stagiaire.contexte(&etat.horloge);
            let page = page_facture(&stagiaire, ctx.as_ref(), &v, Some(&message), &saisi);
            let mut r = reponse_facture(&v, page);
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(e),
    }
}
