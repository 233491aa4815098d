//! Le côté de la maîtrise d'œuvre (MOE) et de la maîtrise d'ouvrage (MOA) d'un dossier de
//! travaux. Une structure du bac qui est la MOE d'un dossier (un stagiaire en binôme crée
//! l'architecte) le traite dans « Factures de travaux » › « À traiter (maîtrise d'œuvre) » ; la
//! MOE que personne ne tient et la MOA, toujours simulée, se jouent dans « Jouer les autres
//! parties » (le stagiaire seul, ou le formateur depuis sa console).
//!
//! Chaque geste — prendre en compte, transmettre avec le montant admis, valider, notifier le
//! décompte général, demander un complément, refuser, signaler une erreur d'acheminement,
//! déposer le DGD tacite — passe par `travaux::agir`, le même cas d'usage que la partie simulée,
//! les scénarios et l'API ; la page ne propose que les gestes que le circuit permet.

use axum::Extension;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chorus_domain::choix_simulateur::ChoixSimulateur;
use chorus_domain::statut::{Acteur, Action, MOTIF_LONGUEUR_MAX};
use chorus_domain::travaux::{self as regles, MOTIFS_REFUS_MOE, MotifMoe};
use chorus_store::journal::{Coup, Joueur};
use chorus_store::travaux::{self, Geste, LigneDossier, Maitrise};
use maud::{Markup, html};

use super::acheteur::{Joue, espace_de_jeu};
use super::cours::marque_choix;
use super::travaux::{Dossier, Onglet, charger_dossier, onglets};
use super::{Contexte, champ_csrf, gabarit, pastille};
use crate::erreur::AppError;
use crate::etat::AppState;
use crate::format;
use crate::formulaire::Champs;
use crate::session::{Stagiaire, verifier_csrf};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/factures-de-travaux/a-traiter", get(liste))
        .route("/factures-de-travaux/a-traiter/{id}", get(dossier))
        .route("/factures-de-travaux/a-traiter/{id}/agir", post(agir))
        .route("/factures-de-travaux/a-traiter/{id}/pieces/{piece}", get(piece))
        .route("/factures-de-travaux/a-traiter/{id}/fichiers/{fichier}", get(fichier))
        .route("/moe", get(maitrises_d_oeuvre))
        .route("/moa", get(maitrises_d_ouvrage))
        .nest("/moe", jeu().layer(Extension(Role::Moe)))
        .nest("/moa", jeu().layer(Extension(Role::Moa)))
}

/// Les pages d'une maîtrise jouée, sous `/moe` ou `/moa` (le rôle vient de la couche).
fn jeu() -> Router<AppState> {
    Router::new()
        .route("/{siret}", get(liste_jouee))
        .route("/{siret}/dossiers/{id}", get(dossier_joue))
        .route("/{siret}/dossiers/{id}/agir", post(agir_joue))
        .route("/{siret}/dossiers/{id}/pieces/{piece}", get(piece_jouee))
        .route("/{siret}/dossiers/{id}/fichiers/{fichier}", get(fichier_joue))
}

/// La partie qui regarde le dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Moe,
    Moa,
}

impl Role {
    fn acteur(self) -> Acteur {
        match self {
            Role::Moe => Acteur::Moe,
            Role::Moa => Acteur::Moa,
        }
    }

    fn chemin(self) -> &'static str {
        match self {
            Role::Moe => "moe",
            Role::Moa => "moa",
        }
    }

    fn nom(self) -> &'static str {
        match self {
            Role::Moe => "la maîtrise d'œuvre",
            Role::Moa => "la maîtrise d'ouvrage",
        }
    }
}

/// Le poste de la MOE ou de la MOA : le bac, son SIRET, qui joue, et l'espace où la page
/// s'affiche (le portail de la structure, ou l'espace de jeu).
struct Poste<'a> {
    bac_id: String,
    siret: String,
    role: Role,
    csrf: &'a str,
    session: &'a tower_sessions::Session,
    joueur: Joueur,
    stagiaire: Option<&'a Stagiaire>,
    liste: String,
    /// `None` : le portail ; `Some(pour)` : l'espace de jeu.
    jeu: Option<Option<&'a str>>,
}

impl Poste<'_> {
    fn de_la_structure(s: &Stagiaire) -> Poste<'_> {
        Poste {
            bac_id: s.bac.id.clone(),
            siret: s.structure.identifiant.clone(),
            role: Role::Moe,
            csrf: &s.csrf,
            session: &s.session,
            joueur: Joueur::Stagiaire,
            stagiaire: Some(s),
            liste: "/factures-de-travaux/a-traiter".into(),
            jeu: None,
        }
    }

    fn joue(j: &Joue, role: Role, siret: String) -> Poste<'_> {
        Poste {
            bac_id: j.bac_id.clone(),
            liste: format!("/{}/{siret}", role.chemin()),
            siret,
            role,
            csrf: &j.csrf,
            session: &j.session,
            joueur: j.joueur,
            stagiaire: j.stagiaire.as_ref(),
            jeu: Some(j.pour.as_deref()),
        }
    }

    fn lien(&self, id: &str) -> String {
        match self.jeu {
            None => format!("{}/{id}", self.liste),
            Some(_) => format!("{}/dossiers/{id}", self.liste),
        }
    }

    fn page(&self, titre: &str, horloge: &chorus_store::Horloge, contenu: Markup) -> Markup {
        let ctx: Option<Contexte<'_>> = self.stagiaire.map(|s| s.contexte(horloge));
        let contenu = match self.jeu {
            None => html! { (onglets(Some(Onglet::ATraiter))) (contenu) },
            Some(pour) => espace_de_jeu(
                match self.role {
                    Role::Moe => "une maîtrise d'œuvre",
                    Role::Moa => "une maîtrise d'ouvrage",
                },
                pour,
                contenu,
            ),
        };
        gabarit(titre, Some(self.csrf), ctx.as_ref(), contenu)
    }

    async fn dossier(&self, etat: &AppState, id: String) -> Result<Dossier, AppError> {
        let (siret, role) = (self.siret.clone(), self.role);
        charger_dossier(etat, self.bac_id.clone(), id, move |c, bac_id, id| match role {
            Role::Moe => travaux::dossier_de_la_moe(c, bac_id, &siret, id),
            Role::Moa => travaux::dossier_de_la_moa(c, bac_id, &siret, id),
        })
        .await
    }
}

/// Une maîtrise jouée : une MOE que personne ne tient dans le bac, ou une MOA d'un dossier du bac.
async fn maitrise_jouee(etat: &AppState, j: &Joue, role: Role, siret: &str) -> Result<(), AppError> {
    let (bac_id, s) = (j.bac_id.clone(), siret.to_string());
    let liste = etat.lire(move |c, _| maitrises(c, &bac_id, role)).await?;
    if liste.iter().any(|m| m.siret == s && !m.jouee) {
        Ok(())
    } else {
        Err(AppError::Introuvable(format!("{} introuvable parmi celles que vous pouvez jouer", role.nom())))
    }
}

fn maitrises(
    c: &rusqlite::Connection,
    bac_id: &str,
    role: Role,
) -> Result<Vec<Maitrise>, chorus_store::Erreur> {
    match role {
        Role::Moe => travaux::maitrises_d_oeuvre(c, bac_id),
        // La MOA est une structure publique : toujours simulée.
        Role::Moa => Ok(travaux::maitrises_d_ouvrage(c, bac_id)?
            .into_iter()
            .map(|m| Maitrise { jouee: false, ..m })
            .collect()),
    }
}

// -- Les listes ------------------------------------------------------------------------------

pub async fn liste(State(etat): State<AppState>, s: Stagiaire) -> Result<Response, AppError> {
    if let Err(r) = super::travaux::ouvert(&etat, &s, false).await? {
        return Ok(r);
    }
    page_liste(&etat, &Poste::de_la_structure(&s)).await.map(IntoResponse::into_response)
}

async fn liste_jouee(
    State(etat): State<AppState>,
    joue: Joue,
    Extension(role): Extension<Role>,
    Path(siret): Path<String>,
) -> Result<Markup, AppError> {
    maitrise_jouee(&etat, &joue, role, &siret).await?;
    page_liste(&etat, &Poste::joue(&joue, role, siret)).await
}

async fn page_liste(etat: &AppState, poste: &Poste<'_>) -> Result<Markup, AppError> {
    let (bac_id, siret, role) = (poste.bac_id.clone(), poste.siret.clone(), poste.role);
    let (dossiers, nom) = etat
        .lire(move |c, _| {
            let nom = match chorus_store::reference::entreprise(c, &siret)? {
                Some(e) => e.raison_sociale,
                None => chorus_store::reference::structure_publique(c, &siret)?
                    .map(|s| s.raison_sociale)
                    .unwrap_or_default(),
            };
            let d = match role {
                Role::Moe => travaux::dossiers_de_la_moe(c, &bac_id, &siret)?,
                Role::Moa => travaux::dossiers_de_la_moa(c, &bac_id, &siret)?,
            };
            Ok((d, nom))
        })
        .await?;
    let titre = match poste.role {
        Role::Moe => "À traiter (maîtrise d'œuvre)",
        Role::Moa => "À traiter (maîtrise d'ouvrage)",
    };
    Ok(poste.page(
        titre,
        &etat.horloge,
        html! {
            h1 { (titre) }
            p.chapeau { strong { (nom) } " — SIRET " (poste.siret) }
            @match poste.role {
                Role::Moe => p { "Les projets de décompte où votre structure est la maîtrise d'œuvre. Vous avez 7 jours à compter de leur "
                    "réception pour les prendre en compte, arrêter le montant admis et transmettre l'état d'acompte (ou le projet de décompte "
                    "général) ; sans réponse, Chorus Pro les transmet au maître d'ouvrage. Un écart de montant n'est pas un motif de refus." },
                Role::Moa => p { "Les états d'acompte et projets de décompte général que la maîtrise d'œuvre vous a transmis : valider "
                    "l'état d'acompte (il part au service financier), notifier le décompte général au titulaire, ou refuser." },
            }
            @if dossiers.is_empty() {
                p.vide { "Aucun dossier ne vous est parvenu." }
            } @else {
                (tableau(poste, &dossiers))
            }
        },
    ))
}

fn tableau(poste: &Poste<'_>, dossiers: &[LigneDossier]) -> Markup {
    html! {
        div.defilement tabindex="0" {
            table.tableau {
                caption.visuellement-cache { "Dossiers de travaux reçus" }
                thead { tr {
                    th scope="col" { "N° de la pièce" } th scope="col" { "Titulaire" } th scope="col" { "Cadre" }
                    th scope="col" { "Montant HT demandé" } th scope="col" { "Montant HT admis" } th scope="col" { "Statut" }
                } }
                tbody {
                    @for d in dossiers {
                        tr {
                            td { a href=(poste.lien(&d.id)) { (d.numero) } @if d.a_traiter { " " strong { "(à traiter)" } } }
                            td { (d.fournisseur) br; small.nombre { (d.identifiant_fournisseur) } }
                            td { (d.cadre.code_court()) br; small { (regles::nature(d.cadre)) } }
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

/// « Jouer une maîtrise d'œuvre » ou « … d'ouvrage » : celles des dossiers du bac.
async fn page_maitrises(etat: &AppState, joue: &Joue, role: Role) -> Result<Markup, AppError> {
    let bac_id = joue.bac_id.clone();
    let liste = etat.lire(move |c, _| maitrises(c, &bac_id, role)).await?;
    let ctx = joue.contexte(&etat.horloge);
    let (titre, explication) = match role {
        Role::Moe => (
            "Jouer une maîtrise d'œuvre",
            "La maîtrise d'œuvre (l'architecte, le bureau d'études) reçoit les projets de décompte, arrête le montant admis et \
             transmet l'état d'acompte au maître d'ouvrage. Sans vous, elle le prend en compte au 2e jour et le transmet au 5e, \
             au montant demandé.",
        ),
        Role::Moa => (
            "Jouer une maîtrise d'ouvrage",
            "Le maître d'ouvrage (l'acheteur public qui fait faire les travaux) valide l'état d'acompte ou notifie le décompte \
             général. Sans vous, il prend la pièce en compte le lendemain, valide l'état d'acompte le surlendemain et notifie le \
             décompte général au 8e jour.",
        ),
    };
    Ok(gabarit(
        titre,
        Some(&joue.csrf),
        ctx.as_ref(),
        espace_de_jeu(
            match role {
                Role::Moe => "une maîtrise d'œuvre",
                Role::Moa => "une maîtrise d'ouvrage",
            },
            joue.pour.as_deref(),
            html! {
                h1 { (titre) }
                p.chapeau { (explication) " " (marque_choix(ChoixSimulateur::MaitrisesSimulees)) }
                @if liste.is_empty() {
                    p.vide { "Aucun dossier de travaux dans ce bac à sable. Déposez un projet de décompte dans « Facturation › Factures de travaux »." }
                } @else {
                    div.defilement tabindex="0" {
                        table.tableau {
                            caption.visuellement-cache { (titre) }
                            thead { tr { th scope="col" { "Structure" } th scope="col" { "SIRET" } th scope="col" { "Dossiers" } th scope="col" { "À traiter" } } }
                            tbody {
                                @for m in &liste {
                                    tr {
                                        td {
                                            @if m.jouee { (m.raison_sociale) " " small { "(tenue par un stagiaire du bac)" } }
                                            @else { a href={ "/" (role.chemin()) "/" (m.siret) } { @if m.raison_sociale.is_empty() { "(structure inconnue)" } @else { (m.raison_sociale) } } }
                                        }
                                        td.nombre { (m.siret) }
                                        td.nombre { (m.dossiers) }
                                        td.nombre { (m.a_traiter) }
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

pub async fn maitrises_d_oeuvre(State(etat): State<AppState>, joue: Joue) -> Result<Markup, AppError> {
    page_maitrises(&etat, &joue, Role::Moe).await
}

pub async fn maitrises_d_ouvrage(State(etat): State<AppState>, joue: Joue) -> Result<Markup, AppError> {
    page_maitrises(&etat, &joue, Role::Moa).await
}

// -- Le dossier ------------------------------------------------------------------------------

/// Ce que la partie avait tapé, réaffiché avec l'erreur.
#[derive(Default)]
struct Saisi {
    montant: String,
    motif: String,
    precision: String,
    texte: String,
}

async fn page_dossier(
    etat: &AppState,
    poste: &Poste<'_>,
    id: String,
    erreur: Option<&str>,
    saisi: &Saisi,
) -> Result<Markup, AppError> {
    let d = poste.dossier(etat, id).await?;
    let actions = travaux::actions_possibles(&d.facture, &d.statuts, d.aujourd_hui, poste.role.acteur());
    let fs = &d.facture;
    let lien = poste.lien(&fs.id);
    Ok(poste.page(
        &format!("Dossier de travaux {}", fs.facture.numero),
        &etat.horloge,
        html! {
            p { a href=(poste.liste) { "← Dossiers reçus" } }
            h1 { (regles::nature(fs.facture.cadre)) " n° " (fs.facture.numero) " " (pastille(fs.statut)) }
            p.chapeau { "Vous êtes " (poste.role.nom()) " de ce dossier." }
            @if let Some(e) = erreur {
                div.alerte.alerte-erreur.resume-erreurs role="alert" tabindex="-1" id="resume-erreurs" {
                    h2 { "Action impossible :" } p { (e) }
                }
            }
            (super::travaux::fiche_du_dossier(&d))
            (super::travaux::delais_du_dossier(&d))
            section {
                h2 { "Traiter la pièce" }
                @if actions.is_empty() {
                    p.vide { "Rien à faire pour " (poste.role.nom()) " au statut « " (fs.statut.libelle()) " »." }
                } @else {
                    (formulaires(poste, &d, &lien, &actions, saisi))
                }
            }
            (super::travaux::chaine_des_pieces(&d, &lien))
            (super::contenu_facture::historique(&d.historique))
        },
    ))
}

fn bouton_simple(poste: &Poste<'_>, lien: &str, geste: &str, titre: &str, aide: &str) -> Markup {
    html! {
        form.action-acheteur method="post" action={ (lien) "/agir" } {
            (champ_csrf(poste.csrf))
            input type="hidden" name="geste" value=(geste);
            h3 { (titre) }
            p.aide { (aide) }
            button.bouton.bouton-principal type="submit" { (titre) }
        }
    }
}

fn champ_montant(id: &str, libelle: &str, valeur: &str, aide: &str) -> Markup {
    html! {
        div.champ {
            label for=(id) { (libelle) }
            p.aide id={ (id) "-aide" } { (aide) }
            input id=(id) name="montant" type="text" inputmode="decimal" maxlength="20" value=(valeur) aria-describedby={ (id) "-aide" };
        }
    }
}

fn formulaires(poste: &Poste<'_>, d: &Dossier, lien: &str, actions: &[Action], saisi: &Saisi) -> Markup {
    let fs = &d.facture;
    let demande = fs.totaux().total_ht;
    let admis = fs.montant_admis_ht.unwrap_or(demande);
    let final_ = fs.facture.cadre.est_decompte_final();
    let montant = |defaut: rust_decimal::Decimal| {
        if saisi.montant.is_empty() { super::travaux::montant_saisi(defaut) } else { saisi.montant.clone() }
    };
    let peut = |a: Action| actions.contains(&a);
    html! {
        @if peut(Action::PrendreEnCompte) {
            (bouton_simple(poste, lien, "prendre-en-compte", "Prendre en compte",
                "Vous signalez au titulaire que vous vérifiez la pièce. Vos délais continuent de courir."))
        }
        @if peut(Action::TransmettreMoa) || peut(Action::TransmettreServiceFinancier) {
            form.action-acheteur method="post" action={ (lien) "/agir" } {
                (champ_csrf(poste.csrf))
                input type="hidden" name="geste" value="transmettre";
                h3 { "Transmettre" }
                p.aide { @if final_ { "Vous établissez le projet de décompte général (A17) et le transmettez au maître d'ouvrage." }
                    @else { "Vous établissez l'état d'acompte au montant que vous admettez : au maître d'ouvrage (A15), ou, si le marché le prévoit, "
                        "directement au service financier (état d'acompte validé, A16)." } }
                (champ_montant("montant-transmettre", "Montant HT admis (€)", &montant(demande),
                    "Le montant demandé est proposé ; saisissez celui que vous admettez. Un écart n'est pas un motif de refus."))
                @if peut(Action::TransmettreMoa) && peut(Action::TransmettreServiceFinancier) {
                    fieldset.champ {
                        legend { "Transmettre à" }
                        label { input type="radio" name="destination" value="moa" checked; " la maîtrise d'ouvrage (état d'acompte, A15)" }
                        br;
                        label { input type="radio" name="destination" value="service-financier"; " directement au service financier (état d'acompte validé, A16)" }
                    }
                }
                button.bouton.bouton-principal type="submit" { "Transmettre" }
            }
        }
        @if peut(Action::Valider) {
            form.action-acheteur method="post" action={ (lien) "/agir" } {
                (champ_csrf(poste.csrf))
                input type="hidden" name="geste" value="valider";
                h3 { "Valider l'état d'acompte" }
                p.aide { "L'état d'acompte validé (A19) part au service financier, qui le paie." }
                (champ_montant("montant-valider", "Montant HT validé (€)", &montant(admis), "Le montant admis par la maîtrise d'œuvre est proposé."))
                button.bouton.bouton-principal type="submit" { "Valider" }
            }
        }
        @if peut(Action::NotifierDecompteGeneral) {
            form.action-acheteur method="post" action={ (lien) "/agir" } {
                (champ_csrf(poste.csrf))
                input type="hidden" name="geste" value="notifier";
                h3 { "Notifier le décompte général" }
                p.aide { "Le décompte général (" (regles::cadre_du_decompte_general(poste.role.acteur(), travaux::procedure_tacite(&d.statuts)).code_court()) ") "
                    "est mis à disposition du titulaire, qui a 30 jours pour le signer (DGD, A8)." }
                (champ_montant("montant-notifier", "Montant HT du décompte général (€)", &montant(admis), "Le montant admis est proposé."))
                button.bouton.bouton-principal type="submit" { "Notifier le décompte général" }
            }
        }
        @if peut(Action::DeposerDecompteGeneralTacite) {
            (bouton_simple(poste, lien, "dgd-tacite", "Déposer le DGD tacite (A24)",
                "Le titulaire n'a pas signé le décompte général dans ses 30 jours : il devient définitif, vous le déposez."))
        }
        @if peut(Action::DemanderComplement) {
            form.action-acheteur method="post" action={ (lien) "/agir" } {
                (champ_csrf(poste.csrf))
                input type="hidden" name="geste" value="complement";
                h3 { "Demander un complément" }
                div.champ {
                    label for="texte-complement" { "Ce qui manque" span.obligatoire aria-hidden="true" { " *" } }
                    textarea #texte-complement name="texte" rows="2" maxlength=(MOTIF_LONGUEUR_MAX) required { (saisi.texte) }
                }
                button.bouton type="submit" { "Demander un complément" }
            }
        }
        @if peut(Action::Refuser) {
            form.action-acheteur method="post" action={ (lien) "/agir" } {
                (champ_csrf(poste.csrf))
                input type="hidden" name="geste" value="refuser";
                h3 { "Refuser" }
                p.aide { "Un refus arrête tout le circuit de facturation : le titulaire devra déposer un nouveau projet. "
                    (marque_choix(ChoixSimulateur::MotifsRefus)) }
                div.champ {
                    label for="motif" { "Motif du refus" span.obligatoire aria-hidden="true" { " *" } }
                    select #motif name="motif" required {
                        option value="" { "— Choisissez un motif —" }
                        @for m in &MOTIFS_REFUS_MOE { option value=(m.code) selected[saisi.motif == m.code] { (m.libelle) } }
                    }
                }
                div.champ {
                    label for="precision" { "Précision (obligatoire pour « Autre motif »)" }
                    textarea #precision name="precision" rows="2" maxlength=(MOTIF_LONGUEUR_MAX) { (saisi.precision) }
                }
                button.bouton.bouton-danger type="submit" { "Refuser" }
            }
        }
        @if peut(Action::SignalerErreurDeValideur) {
            form.action-acheteur method="post" action={ (lien) "/agir" } {
                (champ_csrf(poste.csrf))
                input type="hidden" name="geste" value="erreur";
                h3 { "Signaler une erreur d'acheminement" }
                p.aide { "La pièce ne vous concerne pas (mauvaise maîtrise d'œuvre, mauvais maître d'ouvrage) : elle revient au titulaire, qui la recycle." }
                div.champ {
                    label for="texte-erreur" { "Précision pour le titulaire" span.obligatoire aria-hidden="true" { " *" } }
                    textarea #texte-erreur name="texte" rows="2" maxlength=(MOTIF_LONGUEUR_MAX) required { (saisi.texte) }
                }
                button.bouton.bouton-danger type="submit" { "Signaler une erreur d'acheminement" }
            }
        }
    }
}

pub async fn dossier(
    State(etat): State<AppState>,
    s: Stagiaire,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    if let Err(r) = super::travaux::ouvert(&etat, &s, false).await? {
        return Ok(r);
    }
    Ok(page_dossier(&etat, &Poste::de_la_structure(&s), id, None, &Saisi::default()).await?.into_response())
}

async fn dossier_joue(
    State(etat): State<AppState>,
    joue: Joue,
    Extension(role): Extension<Role>,
    Path((siret, id)): Path<(String, String)>,
) -> Result<Markup, AppError> {
    maitrise_jouee(&etat, &joue, role, &siret).await?;
    page_dossier(&etat, &Poste::joue(&joue, role, siret), id, None, &Saisi::default()).await
}

// -- Les gestes ------------------------------------------------------------------------------

fn montant(saisi: &Saisi) -> Result<Option<rust_decimal::Decimal>, String> {
    if saisi.montant.trim().is_empty() {
        return Ok(None);
    }
    regles::lire_montant(&saisi.montant).map(Some)
}

fn geste_de(champs: &Champs, saisi: &Saisi) -> Result<Geste, String> {
    Ok(match champs.un("geste").as_str() {
        "prendre-en-compte" => Geste::PrendreEnCompte,
        "transmettre" => Geste::Transmettre {
            montant_admis_ht: montant(saisi)?,
            au_service_financier: champs.un("destination") == "service-financier",
        },
        "valider" => Geste::Valider { montant_admis_ht: montant(saisi)? },
        "notifier" => Geste::NotifierDecompteGeneral { montant_ht: montant(saisi)? },
        "dgd-tacite" => Geste::DeposerDgdTacite,
        "complement" if saisi.texte.trim().is_empty() => return Err("Dites ce qui manque.".into()),
        "complement" => Geste::DemanderComplement { motif: saisi.texte.clone() },
        "erreur" if saisi.texte.trim().is_empty() => {
            return Err("Dites au titulaire pourquoi la pièce ne vous concerne pas.".into());
        }
        "erreur" => Geste::SignalerErreur { motif: saisi.texte.clone() },
        "refuser" => {
            let m =
                MotifMoe::depuis_code(&saisi.motif).ok_or("Choisissez le motif du refus dans la liste.")?;
            Geste::Refuser { motif: m.texte(&saisi.precision)? }
        }
        _ => return Err("Choisissez une action sur la page du dossier.".into()),
    })
}

async fn agir_sur(
    etat: &AppState,
    poste: &Poste<'_>,
    id: String,
    champs: Champs,
) -> Result<Response, AppError> {
    verifier_csrf(poste.session, &champs.un("csrf")).await?;
    // Le dossier doit être à cette partie, dans ce bac (404 sinon), avant toute autre réponse.
    poste.dossier(etat, id.clone()).await?;
    let saisi = Saisi {
        montant: champs.un("montant"),
        motif: champs.un("motif"),
        precision: champs.un("precision"),
        texte: champs.un("texte"),
    };
    let erreur = match geste_de(&champs, &saisi) {
        Err(m) => m,
        Ok(geste) => {
            let (bac_id, fid, acteur, joueur) =
                (poste.bac_id.clone(), id.clone(), poste.role.acteur(), poste.joueur);
            let r = etat
                .ecrire(move |tx, h| {
                    let date = chorus_store::bac::bac(tx, &bac_id)?.date_simulee(h);
                    let coup = Coup { joueur, date, regle: None };
                    travaux::agir(tx, &bac_id, &fid, acteur, &geste, coup, h)
                })
                .await;
            match r {
                Ok(_) => return Ok(Redirect::to(&poste.lien(&id)).into_response()),
                Err(AppError::Refus(m) | AppError::Requete(m)) => m,
                Err(e) => return Err(e),
            }
        }
    };
    let mut r = page_dossier(etat, poste, id, Some(&erreur), &saisi).await?.into_response();
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(r)
}

pub async fn agir(
    State(etat): State<AppState>,
    s: Stagiaire,
    Path(id): Path<String>,
    champs: Champs,
) -> Result<Response, AppError> {
    if let Err(r) = super::travaux::ouvert(&etat, &s, true).await? {
        return Ok(r);
    }
    agir_sur(&etat, &Poste::de_la_structure(&s), id, champs).await
}

async fn agir_joue(
    State(etat): State<AppState>,
    joue: Joue,
    Extension(role): Extension<Role>,
    Path((siret, id)): Path<(String, String)>,
    champs: Champs,
) -> Result<Response, AppError> {
    maitrise_jouee(&etat, &joue, role, &siret).await?;
    agir_sur(&etat, &Poste::joue(&joue, role, siret), id, champs).await
}

// -- Les PDF ---------------------------------------------------------------------------------

async fn servir_piece(
    etat: &AppState,
    poste: &Poste<'_>,
    id: String,
    piece: String,
) -> Result<Response, AppError> {
    poste.dossier(etat, id.clone()).await?;
    let bac_id = poste.bac_id.clone();
    let (nom, pdf) = etat.lire(move |c, _| travaux::pdf_de_piece(c, &bac_id, &id, &piece)).await?;
    Ok(super::pieces::servir_fichier(&nom, "application/pdf", pdf, true))
}

async fn servir_fichier(
    etat: &AppState,
    poste: &Poste<'_>,
    id: String,
    fichier: String,
) -> Result<Response, AppError> {
    let d = poste.dossier(etat, id).await?;
    super::travaux::servir_fichier_du_dossier(etat, &poste.bac_id, &d, &fichier).await
}

pub async fn piece(
    State(etat): State<AppState>,
    s: Stagiaire,
    Path((id, piece)): Path<(String, String)>,
) -> Result<Response, AppError> {
    if let Err(r) = super::travaux::ouvert(&etat, &s, false).await? {
        return Ok(r);
    }
    servir_piece(&etat, &Poste::de_la_structure(&s), id, piece).await
}

pub async fn fichier(
    State(etat): State<AppState>,
    s: Stagiaire,
    Path((id, fichier)): Path<(String, String)>,
) -> Result<Response, AppError> {
    if let Err(r) = super::travaux::ouvert(&etat, &s, false).await? {
        return Ok(r);
    }
    servir_fichier(&etat, &Poste::de_la_structure(&s), id, fichier).await
}

async fn piece_jouee(
    State(etat): State<AppState>,
    joue: Joue,
    Extension(role): Extension<Role>,
    Path((siret, id, piece)): Path<(String, String, String)>,
) -> Result<Response, AppError> {
    maitrise_jouee(&etat, &joue, role, &siret).await?;
    servir_piece(&etat, &Poste::joue(&joue, role, siret), id, piece).await
}

async fn fichier_joue(
    State(etat): State<AppState>,
    joue: Joue,
    Extension(role): Extension<Role>,
    Path((siret, id, fichier)): Path<(String, String, String)>,
) -> Result<Response, AppError> {
    maitrise_jouee(&etat, &joue, role, &siret).await?;
    servir_fichier(&etat, &Poste::joue(&joue, role, siret), id, fichier).await
}
