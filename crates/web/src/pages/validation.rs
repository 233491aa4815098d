//! « Factures à valider » : le côté du titulaire ou du mandataire désigné comme valideur d'une
//! facture de sous-traitant (A9) ou de cotraitant (A12). La liste des factures où la structure
//! de travail est valideur, et pour chacune ce que le valideur a sous les yeux pour décider —
//! lignes, TVA, totaux, pièces jointes, PDF déposé — puis « Valider » ou « Refuser » (motif de la
//! liste), avant la fin des 15 jours.
//!
//! Les mêmes pages servent à jouer un valideur que personne ne joue dans le bac (« Jouer un
//! valideur », pour le stagiaire seul ou pour le formateur depuis sa console) ; chaque geste
//! passe par `validation::repondre`, le même cas d'usage que le valideur simulé, les scénarios
//! et l'API.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chorus_domain::Statut;
use chorus_domain::facture::CadreFacturation;
use chorus_domain::statut::MOTIF_LONGUEUR_MAX;
use chorus_domain::validation::{self as regles, MOTIFS_REFUS, MotifRefus, Reponse};
use chorus_store::facture::FactureStockee;
use chorus_store::journal::{self, Coup, Entree, Joueur};
use chorus_store::piece_jointe::{ModeDepot, Piece};
use chorus_store::validation::{self, FactureAValider, ValideurSimule};
use maud::{Markup, html};

use super::acheteur::{Joue, espace_de_jeu};
use super::{Contexte, champ_csrf, gabarit, pastille};
use crate::erreur::AppError;
use crate::etat::AppState;
use crate::format;
use crate::formulaire::Champs;
use crate::session::{Stagiaire, verifier_csrf};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/factures-a-valider", get(liste))
        .route("/factures-a-valider/{id}", get(facture))
        .route("/factures-a-valider/{id}/{geste}", post(repondre))
        .route("/factures-a-valider/{id}/fichiers/{piece}", get(telecharger))
        .route("/factures-a-valider/{id}/fichiers/{piece}/apercu", get(apercu))
        .route("/valideur", get(valideurs))
        .route("/valideur/{siret}", get(liste_jouee))
        .route("/valideur/{siret}/factures/{id}", get(facture_jouee))
        .route("/valideur/{siret}/factures/{id}/{geste}", post(repondre_joue))
        .route("/valideur/{siret}/factures/{id}/fichiers/{piece}", get(telecharger_joue))
        .route("/valideur/{siret}/factures/{id}/fichiers/{piece}/apercu", get(apercu_joue))
}

/// Le poste du valideur : le bac, le SIRET de la structure qui valide, qui joue, et l'espace
/// où la page s'affiche (le portail, ou l'espace de jeu).
struct Poste<'a> {
    bac_id: String,
    siret: String,
    csrf: &'a str,
    session: &'a tower_sessions::Session,
    joueur: Joueur,
    stagiaire: Option<&'a Stagiaire>,
    /// L'adresse de la liste ; celle d'une facture est `{liste}/{id}` (portail) ou
    /// `{liste}/factures/{id}` (jeu).
    liste: String,
    /// `None` : le portail ; `Some(pour)` : l'espace de jeu (`pour` : les stagiaires du bac que
    /// joue le formateur).
    jeu: Option<Option<&'a str>>,
}

impl Poste<'_> {
    fn de_la_structure(s: &Stagiaire) -> Poste<'_> {
        Poste {
            bac_id: s.bac.id.clone(),
            siret: s.structure.identifiant.clone(),
            csrf: &s.csrf,
            session: &s.session,
            joueur: Joueur::Stagiaire,
            stagiaire: Some(s),
            liste: "/factures-a-valider".into(),
            jeu: None,
        }
    }

    fn joue(j: &Joue, siret: String) -> Poste<'_> {
        Poste {
            bac_id: j.bac_id.clone(),
            liste: format!("/valideur/{siret}"),
            siret,
            csrf: &j.csrf,
            session: &j.session,
            joueur: j.joueur,
            stagiaire: j.stagiaire.as_ref(),
            jeu: Some(j.pour.as_deref()),
        }
    }

    fn lien(&self, facture_id: &str) -> String {
        match self.jeu {
            None => format!("{}/{facture_id}", self.liste),
            Some(_) => format!("{}/factures/{facture_id}", self.liste),
        }
    }

    fn page(&self, titre: &str, horloge: &chorus_store::Horloge, contenu: Markup) -> Markup {
        let ctx: Option<Contexte<'_>> = self.stagiaire.map(|s| s.contexte(horloge));
        let contenu = match self.jeu {
            None => html! {
                p.fil { a href="/" { "Accueil" } " › " a href="/facturation" { "Facturation" } " › Factures à valider" }
                (contenu)
            },
            Some(pour) => espace_de_jeu("un valideur", pour, contenu),
        };
        gabarit(titre, Some(self.csrf), ctx.as_ref(), contenu)
    }
}

/// Un SIRET joué : seulement un valideur que personne ne joue dans le bac.
async fn valideur_joue(etat: &AppState, j: &Joue, siret: &str) -> Result<(), AppError> {
    let (bac_id, s) = (j.bac_id.clone(), siret.to_string());
    if etat.lire(move |c, _| validation::est_simule(c, &bac_id, &s)).await? {
        Ok(())
    } else {
        Err(AppError::Introuvable("Valideur introuvable parmi ceux que vous pouvez jouer".into()))
    }
}

// -- Les listes ------------------------------------------------------------------------------

pub async fn liste(State(etat): State<AppState>, stagiaire: Stagiaire) -> Result<Markup, AppError> {
    let poste = Poste::de_la_structure(&stagiaire);
    page_liste(&etat, &poste).await
}

pub async fn liste_jouee(
    State(etat): State<AppState>,
    joue: Joue,
    Path(siret): Path<String>,
) -> Result<Markup, AppError> {
    valideur_joue(&etat, &joue, &siret).await?;
    let poste = Poste::joue(&joue, siret);
    page_liste(&etat, &poste).await
}

async fn page_liste(etat: &AppState, poste: &Poste<'_>) -> Result<Markup, AppError> {
    let (bac_id, siret) = (poste.bac_id.clone(), poste.siret.clone());
    let (factures, nom) = etat
        .lire(move |c, _| {
            let nom = chorus_store::reference::entreprise(c, &siret)?.map(|e| e.raison_sociale);
            Ok((validation::factures_a_valider(c, &bac_id, &siret)?, nom))
        })
        .await?;
    let nom = nom.or_else(|| poste.stagiaire.map(|s| s.structure.raison_sociale.clone())).unwrap_or_default();
    Ok(poste.page(
        "Factures à valider",
        &etat.horloge,
        html! {
            h1 { "Factures à valider" }
            p.chapeau { strong { (nom) } " — SIRET " (poste.siret) }
            p { "Les factures de sous-traitants (cadre A9) et de cotraitants (cadre A12) qui vous désignent comme valideur. \
                 Vous avez 15 jours à compter de leur dépôt pour les valider ou les refuser ; sans réponse, elles sont réputées \
                 validées et partent vers l'acheteur (articles R2193-13 et R2193-16 du code de la commande publique)." }
            @if factures.is_empty() {
                p.vide { "Aucune facture ne vous attend." }
            } @else {
                (tableau(poste, &factures))
            }
        },
    ))
}

fn tableau(poste: &Poste<'_>, factures: &[FactureAValider]) -> Markup {
    html! {
        div.defilement tabindex="0" {
            table.tableau {
                caption.visuellement-cache { "Factures où vous êtes valideur" }
                thead { tr {
                    th scope="col" { "N° de facture" } th scope="col" { "Fournisseur" } th scope="col" { "Cadre" }
                    th scope="col" { "Déposée le" } th scope="col" { "Montant TTC" } th scope="col" { "Statut" }
                    th scope="col" { "À répondre avant" }
                } }
                tbody {
                    @for f in factures {
                        tr {
                            td { a href=(poste.lien(&f.id)) { (f.numero) } @if f.a_traiter { " " strong { "(à traiter)" } } }
                            td { (f.fournisseur) br; small.nombre { (f.identifiant_fournisseur) } }
                            td { (code_court(f.cadre)) @if f.niveau == 2 { br; small { "second niveau" } } }
                            td { @if let Some(d) = f.date_depot { (format::date_courte(d)) } @else { "—" } }
                            td.nombre { (format::euros(f.total_ttc)) }
                            td { (pastille(f.statut)) }
                            td { @if f.a_traiter && matches!(f.statut, Statut::AValider1 | Statut::AValider2) {
                                (format::date_courte(regles::dernier_jour(f.date_statut)))
                            } @else { "—" } }
                        }
                    }
                }
            }
        }
    }
}

fn code_court(cadre: CadreFacturation) -> &'static str {
    match cadre {
        CadreFacturation::A9FactureSousTraitant => "A9 sous-traitant",
        CadreFacturation::A12FactureCotraitant => "A12 cotraitant",
        _ => "autre",
    }
}

/// « Jouer un valideur » : les valideurs des factures du bac que personne ne joue.
pub async fn valideurs(State(etat): State<AppState>, joue: Joue) -> Result<Markup, AppError> {
    let bac_id = joue.bac_id.clone();
    let liste: Vec<ValideurSimule> = etat.lire(move |c, _| validation::valideurs_simules(c, &bac_id)).await?;
    let ctx = joue.contexte(&etat.horloge);
    Ok(gabarit(
        "Jouer un valideur",
        Some(&joue.csrf),
        ctx.as_ref(),
        espace_de_jeu(
            "un valideur",
            joue.pour.as_deref(),
            html! {
                h1 { "Jouer un valideur" }
                p.chapeau { "Le titulaire d'un marché valide les factures de ses sous-traitants payés directement (cadre A9), le \
                    mandataire d'un groupement celles des cotraitants (cadre A12). Ici, vous prenez la place d'un valideur que \
                    personne ne joue dans ce bac à sable ; sinon, le simulateur répond pour lui (il valide au bout de 5 jours s'il \
                    est bien titulaire ou mandataire, il signale une erreur de valideur au bout de 2 jours sinon) " (super::cours::marque_choix(chorus_domain::choix_simulateur::ChoixSimulateur::ValideurSimule)) "." }
                @if liste.is_empty() {
                    p.vide { "Aucune facture de sous-traitant ou de cotraitant dans ce bac à sable. Déposez-en une depuis le portail (cadre A9 ou A12)." }
                } @else {
                    div.defilement tabindex="0" {
                        table.tableau {
                            caption.visuellement-cache { "Valideurs que vous pouvez jouer" }
                            thead { tr {
                                th scope="col" { "Valideur" } th scope="col" { "SIRET" }
                                th scope="col" { "Factures" } th scope="col" { "À traiter" }
                            } }
                            tbody {
                                @for v in &liste {
                                    tr {
                                        td { a href={ "/valideur/" (v.siret) } { @if v.raison_sociale.is_empty() { "(entreprise inconnue)" } @else { (v.raison_sociale) } } }
                                        td.nombre { (v.siret) }
                                        td.nombre { (v.factures) }
                                        td.nombre { (v.a_traiter) }
                                    }
                                }
                            }
                        }
                    }
                }
            },
        ),
    ))
}

// -- La facture --------------------------------------------------------------------------------

struct Vue {
    facture: FactureStockee,
    /// Le bac à sable de la facture : celui du valideur, ou en classe celui du stagiaire qui
    /// l'a déposée.
    bac_facture: String,
    niveau: u8,
    historique: Vec<Entree>,
    mode: ModeDepot,
    fichiers: Vec<Piece>,
    fournisseur: String,
    valideurs: (String, Option<String>),
}

async fn charger(etat: &AppState, poste: &Poste<'_>, id: String) -> Result<Vue, AppError> {
    let (bac_id, siret) = (poste.bac_id.clone(), poste.siret.clone());
    etat.lire(move |c, _| {
        let (facture, niveau, bac_facture) = validation::facture_a_valider(c, &bac_id, &siret, &id)?;
        let historique = journal::historique_facture(c, &bac_facture, &id)?;
        let (mode, fichiers) = validation::fichiers_a_valider(c, &bac_id, &siret, &id)?;
        let f = chorus_store::bac::structure_fournisseur(c, &bac_facture, &facture.structure_id)?;
        let nom = |s: &str| -> Result<String, chorus_store::Erreur> {
            Ok(chorus_store::reference::entreprise(c, s)?
                .map(|e| format!("{} ({s})", e.raison_sociale))
                .unwrap_or(s.to_string()))
        };
        let premier = nom(&facture.facture.code_structure_valideur)?;
        let second = facture.valideur_2.as_deref().map(nom).transpose()?;
        Ok(Vue {
            bac_facture,
            niveau,
            historique,
            mode,
            fichiers,
            fournisseur: format!("{} ({})", f.raison_sociale, f.identifiant),
            valideurs: (premier, second),
            facture,
        })
    })
    .await
}

/// Ce que le valideur avait tapé, réaffiché avec l'erreur.
#[derive(Default)]
struct Saisi {
    motif: String,
    precision: String,
    second_valideur: String,
}

pub async fn facture(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let poste = Poste::de_la_structure(&stagiaire);
    let v = charger(&etat, &poste, id).await?;
    Ok(reponse(&v, page_facture(&etat, &poste, &v, None, &Saisi::default())))
}

pub async fn facture_jouee(
    State(etat): State<AppState>,
    joue: Joue,
    Path((siret, id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    valideur_joue(&etat, &joue, &siret).await?;
    let poste = Poste::joue(&joue, siret);
    let v = charger(&etat, &poste, id).await?;
    Ok(reponse(&v, page_facture(&etat, &poste, &v, None, &Saisi::default())))
}

/// Avec un PDF déposé, la politique de sécurité de la page permet de l'afficher.
fn reponse(v: &Vue, page: Markup) -> Response {
    let r = page.into_response();
    if v.fichiers.iter().any(Piece::est_pdf_de_facture) { super::pieces::avec_pdf_integre(r) } else { r }
}

fn page_facture(etat: &AppState, poste: &Poste<'_>, v: &Vue, erreur: Option<&str>, saisi: &Saisi) -> Markup {
    let fs = &v.facture;
    let f = &fs.facture;
    let lien = poste.lien(&fs.id);
    let a_valider = matches!((fs.statut, v.niveau), (Statut::AValider1, 1) | (Statut::AValider2, 2));
    let a_corriger = fs.statut == Statut::ErreurCotraitantSurValideur && v.niveau == 1;
    poste.page(
        &format!("Facture à valider {}", f.numero),
        &etat.horloge,
        html! {
            p { a href=(poste.liste) { "← Factures à valider" } }
            h1 { "Facture n° " (f.numero) " " (pastille(fs.statut)) }
            dl.fiche {
                dt { "Fournisseur" } dd { (v.fournisseur) }
                dt { "Cadre de facturation" } dd { (f.cadre.libelle()) }
                dt { "Vous validez" } dd { @if v.niveau == 2 { "au second niveau (mandataire du groupement)" } @else { "au premier niveau" } }
                dt { "Premier valideur" } dd { (v.valideurs.0) @if !f.code_service_valideur.is_empty() { " — service " code { (f.code_service_valideur) } } }
                @if let Some(second) = &v.valideurs.1 { dt { "Second valideur" } dd { (second) } }
                dt { "Destinataire public" } dd { (fs.raison_sociale_destinataire) " (" (f.destinataire) ")" }
                dt { "N° de marché" } dd { @if f.numero_marche.is_empty() { "—" } @else { (f.numero_marche) } }
                dt { "Date de facture" } dd { (format::date_courte(f.date_facture)) }
                dt { "Date de dépôt" } dd { @if let Some(d) = fs.date_depot { (format::date_courte(d)) } @else { "—" } }
                dt { "Mode de dépôt" } dd { (v.mode.libelle()) }
                dt { "Montant TTC" } dd.nombre { strong { (format::euros(fs.totaux().total_ttc)) } }
                @if !f.commentaire.is_empty() { dt { "Commentaire du fournisseur" } dd { (f.commentaire) } }
            }
            @if a_valider {
                div.alerte.alerte-attention { p {
                    "Répondez au plus tard le " strong { (format::date_courte(regles::dernier_jour(fs.date_statut))) } " : sans réponse, "
                    "la facture sera réputée validée le " (format::date_courte(regles::jour_de_la_validation_tacite(fs.date_statut)))
                    " et partira vers l'acheteur (articles R2193-13 et R2193-16)."
                } }
            }
            section #contenu-facture {
                h2 { "Contenu de la facture" }
                (super::contenu_facture::lignes(f))
                (super::contenu_facture::recapitulatif(&fs.totaux()))
            }
            (super::contenu_facture::fichiers_recus(&lien, &v.fichiers))
            @if let Some(e) = erreur {
                div.alerte.alerte-erreur.resume-erreurs role="alert" tabindex="-1" id="resume-erreurs" {
                    h2 { "Action impossible :" }
                    p { (e) }
                }
            }
            section {
                h2 { "Répondre" }
                @if a_valider {
                    (formulaire_valider(poste, v, &lien, saisi))
                    (formulaire_refuser(poste, &lien, saisi))
                } @else if a_corriger {
                    (formulaire_second_valideur(poste, &lien, saisi))
                } @else {
                    p.vide { "Rien à faire au statut « " (fs.statut.libelle()) " »." }
                }
            }
            (super::contenu_facture::historique(&v.historique))
        },
    )
}

fn formulaire_valider(poste: &Poste<'_>, v: &Vue, lien: &str, saisi: &Saisi) -> Markup {
    let second_possible = v.niveau == 1 && v.facture.facture.cadre == CadreFacturation::A9FactureSousTraitant;
    html! {
        form.action-acheteur method="post" action={ (lien) "/repondre" } {
            (champ_csrf(poste.csrf))
            input type="hidden" name="reponse" value="valider";
            h3 { "Valider la demande de paiement" }
            p.aide { "Vous acceptez que l'acheteur paie directement ce montant au fournisseur. La facture part aussitôt vers l'acheteur." }
            @if second_possible {
                div.champ {
                    label for="second_valideur" { "SIRET du mandataire du groupement (facultatif)" }
                    p.aide #second_valideur-aide { "Seulement si vous êtes cotraitant d'un groupement et que ce sous-traitant est le vôtre : \
                        la facture passera ensuite par le mandataire, second valideur. Sinon, laissez vide." }
                    input #second_valideur name="second_valideur" type="text" maxlength="20" value=(saisi.second_valideur)
                        aria-describedby="second_valideur-aide";
                }
            }
            button.bouton.bouton-principal type="submit" { "Valider" }
        }
    }
}

fn formulaire_refuser(poste: &Poste<'_>, lien: &str, saisi: &Saisi) -> Markup {
    html! {
        form.action-acheteur method="post" action={ (lien) "/repondre" } {
            (champ_csrf(poste.csrf))
            input type="hidden" name="reponse" value="refuser";
            h3 { "Refuser" }
            p.aide { "Le premier motif de la liste dit que vous n'êtes pas le bon valideur : la facture revient au fournisseur, qui corrige \
                le valideur. Les autres motifs refusent la demande de paiement : elle ne sera pas payée. "
                (super::cours::marque_choix(chorus_domain::choix_simulateur::ChoixSimulateur::MotifsRefus)) }
            div.champ {
                label for="motif" { "Motif du refus" span.obligatoire aria-hidden="true" { " *" } }
                select #motif name="motif" required {
                    option value="" { "— Choisissez un motif —" }
                    @for m in &MOTIFS_REFUS {
                        option value=(m.code) selected[saisi.motif == m.code] { (m.libelle) }
                    }
                }
            }
            div.champ {
                label for="precision" { "Précision (obligatoire pour « Autre motif »)" }
                textarea #precision name="precision" rows="2" maxlength=(MOTIF_LONGUEUR_MAX) { (saisi.precision) }
            }
            button.bouton.bouton-danger type="submit" { "Refuser" }
        }
    }
}

fn formulaire_second_valideur(poste: &Poste<'_>, lien: &str, saisi: &Saisi) -> Markup {
    html! {
        form.action-acheteur method="post" action={ (lien) "/second-valideur" } {
            (champ_csrf(poste.csrf))
            h3 { "Corriger le second valideur" }
            p.aide { "Le second valideur a répondu qu'il n'est pas le mandataire de ce groupement : indiquez le bon SIRET." }
            div.champ {
                label for="second_valideur" { "SIRET du mandataire du groupement" span.obligatoire aria-hidden="true" { " *" } }
                input #second_valideur name="second_valideur" type="text" maxlength="20" required value=(saisi.second_valideur);
            }
            button.bouton.bouton-principal type="submit" { "Corriger" }
        }
    }
}

// -- Les gestes --------------------------------------------------------------------------------

/// `…/repondre` (valider, refuser) ou `…/second-valideur` (le corriger).
pub async fn repondre(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    Path((id, geste)): Path<(String, String)>,
    champs: Champs,
) -> Result<Response, AppError> {
    let geste = Geste::depuis_chemin(&geste)?;
    geste_de(&etat, &Poste::de_la_structure(&stagiaire), id, champs, geste).await
}

pub async fn repondre_joue(
    State(etat): State<AppState>,
    joue: Joue,
    Path((siret, id, geste)): Path<(String, String, String)>,
    champs: Champs,
) -> Result<Response, AppError> {
    let geste = Geste::depuis_chemin(&geste)?;
    valideur_joue(&etat, &joue, &siret).await?;
    geste_de(&etat, &Poste::joue(&joue, siret), id, champs, geste).await
}

#[derive(Clone, Copy)]
enum Geste {
    Repondre,
    CorrigerLeSecond,
}

impl Geste {
    fn depuis_chemin(chemin: &str) -> Result<Geste, AppError> {
        match chemin {
            "repondre" => Ok(Geste::Repondre),
            "second-valideur" => Ok(Geste::CorrigerLeSecond),
            _ => Err(AppError::Introuvable("Action introuvable".into())),
        }
    }
}

async fn geste_de(
    etat: &AppState,
    poste: &Poste<'_>,
    id: String,
    champs: Champs,
    geste: Geste,
) -> Result<Response, AppError> {
    verifier_csrf(poste.session, &champs.un("csrf")).await?;
    let saisi = Saisi {
        motif: champs.un("motif"),
        precision: champs.un("precision"),
        second_valideur: champs.un("second_valideur"),
    };
    // La facture doit être à ce valideur, dans ce bac (404 sinon), avant toute autre réponse.
    let v = charger(etat, poste, id.clone()).await?;
    let reponse = match (geste, champs.un("reponse").as_str()) {
        (Geste::Repondre, "valider") => {
            Some(Reponse::Valider { second_valideur: Some(saisi.second_valideur.clone()) })
        }
        (Geste::Repondre, "refuser") => {
            let Some(motif) = MotifRefus::depuis_code(&saisi.motif) else {
                return refus(etat, poste, &v, "Choisissez le motif du refus dans la liste.", &saisi);
            };
            Some(Reponse::Refuser { motif, precision: saisi.precision.clone() })
        }
        (Geste::Repondre, _) => {
            return Err(AppError::Requete(
                "Choisissez « Valider » ou « Refuser » sur la page de la facture.".into(),
            ));
        }
        (Geste::CorrigerLeSecond, _) => None,
    };
    // La facture change dans son bac, à la date de son bac (en classe, celui du sous-traitant).
    let (bac_id, fid, niveau, joueur) = (v.bac_facture.clone(), id.clone(), v.niveau, poste.joueur);
    let second = saisi.second_valideur.clone();
    let resultat = etat
        .ecrire(move |tx, h| {
            let date = chorus_store::bac::bac(tx, &bac_id)?.date_simulee(h);
            let coup = Coup { joueur, date, regle: None };
            match &reponse {
                Some(r) => validation::repondre(tx, &bac_id, &fid, niveau, r, coup, h).map(|_| ()),
                None => validation::corriger_second_valideur(tx, &bac_id, &fid, &second, coup, h).map(|_| ()),
            }
        })
        .await;
    match resultat {
        Ok(()) => Ok(Redirect::to(&poste.lien(&id)).into_response()),
        Err(AppError::Refus(m) | AppError::Requete(m)) => {
            let v = charger(etat, poste, id).await?;
            refus(etat, poste, &v, &m, &saisi)
        }
        Err(e) => Err(e),
    }
}

/// La page de la facture, avec le message qui dit pourquoi le geste est refusé (422).
fn refus(
    etat: &AppState,
    poste: &Poste<'_>,
    v: &Vue,
    message: &str,
    saisi: &Saisi,
) -> Result<Response, AppError> {
    let mut r = reponse(v, page_facture(etat, poste, v, Some(message), saisi));
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(r)
}

// -- Les fichiers ------------------------------------------------------------------------------

async fn fichier(
    etat: &AppState,
    poste: &Poste<'_>,
    id: String,
    piece: String,
    apercu: bool,
) -> Result<Response, AppError> {
    let (bac_id, siret) = (poste.bac_id.clone(), poste.siret.clone());
    let (p, contenu) =
        etat.lire(move |c, _| validation::fichier_a_valider(c, &bac_id, &siret, &id, &piece)).await?;
    if apercu && !p.est_pdf_de_facture() {
        return Err(AppError::Introuvable("PDF de la facture introuvable".into()));
    }
    Ok(super::pieces::servir_fichier(&p.nom, &p.type_mime, contenu, apercu))
}

pub async fn telecharger(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    Path((id, piece)): Path<(String, String)>,
) -> Result<Response, AppError> {
    fichier(&etat, &Poste::de_la_structure(&stagiaire), id, piece, false).await
}

pub async fn apercu(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    Path((id, piece)): Path<(String, String)>,
) -> Result<Response, AppError> {
    fichier(&etat, &Poste::de_la_structure(&stagiaire), id, piece, true).await
}

pub async fn telecharger_joue(
    State(etat): State<AppState>,
    joue: Joue,
    Path((siret, id, piece)): Path<(String, String, String)>,
) -> Result<Response, AppError> {
    valideur_joue(&etat, &joue, &siret).await?;
    fichier(&etat, &Poste::joue(&joue, siret), id, piece, false).await
}

pub async fn apercu_joue(
    State(etat): State<AppState>,
    joue: Joue,
    Path((siret, id, piece)): Path<(String, String, String)>,
) -> Result<Response, AppError> {
    valideur_joue(&etat, &joue, &siret).await?;
    fichier(&etat, &Poste::joue(&joue, siret), id, piece, true).await
}
