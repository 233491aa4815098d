//! « Factures émises » : la liste avec ses filtres, la page d'une facture (lignes, totaux,
//! historique des statuts, délai de paiement) et l'envoi d'un brouillon.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chorus_domain::Statut;
use chorus_domain::delai_paiement;
use chorus_domain::facture::TypeFacture;
use chorus_domain::statut::Acteur;
use chorus_store::facture::{self, FactureStockee, Filtre, Issue, PAR_PAGE};
use chorus_store::journal::{self, Entree};
use maud::{Markup, html};
use serde::Deserialize;

use super::portail::{Onglet, onglets_factures_emises};
use super::{Contexte, champ_csrf, gabarit, pastille};
use crate::erreur::AppError;
use crate::etat::AppState;
use crate::format;
use crate::formulaire::Champs;
use crate::session::Stagiaire;

#[derive(Deserialize, Default)]
pub struct FiltreRequete {
    #[serde(default)]
    statut: String,
    #[serde(default)]
    numero: String,
    #[serde(default)]
    page: Option<String>,
}

pub async fn liste(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    Query(q): Query<FiltreRequete>,
) -> Result<Markup, AppError> {
    let statut = match q.statut.trim() {
        "" => None,
        code => Some(Statut::depuis_code(code).map_err(|_| {
            AppError::Requete(format!(
                "Le statut « {code} » n'existe pas : choisissez un statut dans la liste."
            ))
        })?),
    };
    let page = q.page.as_deref().and_then(|p| p.trim().parse::<usize>().ok()).unwrap_or(1).clamp(1, 100_000);
    let filtre = Filtre { statut, numero: Some(q.numero.clone()), page, ..Filtre::default() };
    let (bac_id, sid) = (stagiaire.bac.id.clone(), stagiaire.structure.id.clone());
    let (lignes, total) =
        etat.lire(move |c, _| facture::lister_pour(c, &bac_id, Some(&sid), &filtre)).await?;
    let pages = total.div_ceil(PAR_PAGE).max(1);
    let ctx = stagiaire.contexte(&etat.horloge);
    let lien_page = |p: usize| {
        let mut s = format!("/factures-emises?page={p}");
        if let Some(st) = statut {
            s.push_str("&statut=");
            s.push_str(st.code());
        }
        if !q.numero.is_empty() {
            s.push_str("&numero=");
            s.push_str(&encoder(&q.numero));
        }
        s
    };
    Ok(gabarit(
        "Factures émises",
        Some(&stagiaire.csrf),
        Some(&ctx),
        html! {
            (onglets_factures_emises(Some(Onglet::Rechercher)))
            h1 { "Rechercher une facture émise" }
            form.filtres method="get" action="/factures-emises" role="search" {
                div.champ {
                    label for="statut" { "Statut" }
                    select #statut name="statut" {
                        option value="" { "Tous les statuts" }
                        @for s in chorus_domain::circuit::statuts_parcourus() {
                            option value=(s.code()) selected[statut == Some(s)] { (s.libelle()) }
                        }
                    }
                }
                div.champ {
                    label for="numero" { "Numéro de facture" }
                    input #numero type="search" name="numero" value=(q.numero) maxlength="20";
                }
                button.bouton.bouton-principal type="submit" { "Rechercher" }
            }
            p { (total) " facture(s)." }
            @if lignes.is_empty() {
                p.vide { "Aucune facture. " a href="/factures-emises/saisir" { "Saisir une facture" } }
            } @else {
                div.defilement tabindex="0" {
                    table.tableau {
                        thead { tr {
                            th scope="col" { "N° de facture" } th scope="col" { "Destinataire" }
                            th scope="col" { "Date de facture" } th scope="col" { "Date de dépôt" }
                            th scope="col" { "Montant TTC" } th scope="col" { "Statut" } th scope="col" { "Depuis le" }
                        } }
                        tbody {
                            @for f in &lignes {
                                tr {
                                    td { a href={ "/factures-emises/" (f.id) } { (f.numero) } }
                                    td { (f.raison_sociale_destinataire) br; small.nombre { (f.destinataire) } }
                                    td { (format::date_courte(f.date_facture)) }
                                    td { @if let Some(d) = f.date_depot { (format::date_courte(d)) } @else { "—" } }
                                    td.nombre { (format::euros(f.total_ttc)) }
                                    td { (pastille(f.statut)) }
                                    td { (format::date_courte(f.date_statut)) }
                                }
                            }
                        }
                    }
                }
                @if pages > 1 {
                    nav.pagination aria-label="Pages" {
                        @if page > 1 { a href=(lien_page(page - 1)) rel="prev" { "← Précédente" } }
                        span { "Page " (page) " sur " (pages) }
                        @if page < pages { a href=(lien_page(page + 1)) rel="next" { "Suivante →" } }
                    }
                }
            }
        },
    ))
}

/// Encodage minimal d'un paramètre d'URL (les caractères réservés deviennent %XX).
pub(crate) fn encoder(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

struct Detail {
    facture: FactureStockee,
    historique: Vec<Entree>,
    suivi: chorus_store::suivi::Suivi,
    /// Le délai tel que la loi le calcule (suspensions, intérêts) : le même que la page « Suivi
    /// du paiement », pour que les deux ne se contredisent jamais.
    paiement: Option<delai_paiement::SuiviPaiement>,
    pieces: Vec<chorus_store::piece_jointe::Piece>,
    mode: chorus_store::piece_jointe::ModeDepot,
}

/// Tout ce que montre la page d'une facture, en une lecture : chaque donnée n'y est lue qu'une
/// fois (la facture et son historique servent aussi au suivi du paiement).
async fn charger(etat: &AppState, stagiaire: &Stagiaire, id: String) -> Result<Detail, AppError> {
    let (bac_id, sid) = (stagiaire.bac.id.clone(), stagiaire.structure.id.clone());
    let aujourd_hui = stagiaire.bac.date_simulee(&etat.horloge);
    etat.lire_par_cle(move |c, _| {
        let facture = facture::charger(c, &bac_id, &id)?;
        // Une facture d'une autre structure du même bac n'est pas visible depuis celle-ci.
        if facture.structure_id != sid {
            return Err(chorus_store::Erreur::Introuvable("facture"));
        }
        let historique = journal::historique_facture(c, &bac_id, &id)?;
        let suivi = chorus_store::suivi::suivi_depuis(&facture, &historique);
        let pieces = chorus_store::piece_jointe::lister(c, &bac_id, &id)?;
        let mode = facture.mode_depot;
        let s = chorus_store::paiement::suivi_de(c, facture, &historique, aujourd_hui)?;
        let paiement = match s.etat {
            chorus_store::paiement::EtatPaiement::Suivie(p) => Some(*p),
            _ => None,
        };
        Ok(Detail { facture: s.facture, historique, suivi, paiement, pieces, mode })
    })
}

pub async fn detail(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let d = charger(&etat, &stagiaire, id).await?;
    // Un dossier de travaux se suit dans son espace (après un complément, une notification…).
    if d.facture.facture.cadre.est_travaux() {
        return Ok(Redirect::to(&format!("/factures-de-travaux/{}", d.facture.id)).into_response());
    }
    let pieces = super::pieces::bloc_facture(&d.facture, &d.pieces, d.mode);
    let ctx = stagiaire.contexte(&etat.horloge);
    Ok(page_detail(&ctx, &d, pieces).into_response())
}

fn page_detail(ctx: &Contexte<'_>, d: &Detail, pieces: Markup) -> Markup {
    let fs = &d.facture;
    let f = &fs.facture;
    let t = fs.totaux();
    gabarit(
        &format!("Facture {}", f.numero),
        Some(&ctx.stagiaire.csrf),
        Some(ctx),
        html! {
            (onglets_factures_emises(None))
            h1 { "Facture n° " (f.numero) " " (pastille(fs.statut)) }
            (super::suites::panneau(fs, &d.suivi, &ctx.stagiaire.csrf))
            @if fs.statut == Statut::Brouillon {
                p.boutons {
                    a.bouton.bouton-principal href={ "/factures-emises/" (fs.id) "/envoyer" } { "Valider et envoyer" }
                    a.bouton href={ "/factures-emises/" (fs.id) "/modifier" } { "Modifier le brouillon" }
                    form method="post" action={ "/factures-emises/" (fs.id) "/supprimer" }
                        data-confirmer={ "Supprimer le brouillon " (f.numero) " ? Il n'a jamais été envoyé ; ses pièces jointes seront effacées aussi." } {
                        (champ_csrf(&ctx.stagiaire.csrf))
                        button.bouton.bouton-danger type="submit" { "Supprimer le brouillon" }
                    }
                }
            }
            div.colonnes {
                section {
                    h2 { "Destinataire" }
                    dl.fiche {
                        dt { "SIRET" } dd.nombre { (f.destinataire) }
                        dt { "Raison sociale" } dd { @if fs.raison_sociale_destinataire.is_empty() { "—" } @else { (fs.raison_sociale_destinataire) } }
                        dt { "Code service" } dd { @if f.code_service.is_empty() { "—" } @else { code { (f.code_service) } } }
                    }
                }
                section {
                    h2 { "Références" }
                    dl.fiche {
                        dt { "Cadre de facturation" } dd { (f.cadre.libelle()) }
                        @if !f.code_structure_valideur.is_empty() {
                            dt { "Valideur" } dd.nombre { (f.code_structure_valideur)
                                @if !f.code_service_valideur.is_empty() { " — service " code { (f.code_service_valideur) } } }
                        }
                        @if let Some(second) = &fs.valideur_2 { dt { "Second valideur" } dd.nombre { (second) } }
                        dt { "Type" } dd { (f.type_facture.libelle()) }
                        @if !f.numero_facture_origine.is_empty() { dt { "Facture d'origine" } dd { (f.numero_facture_origine) } }
                        dt { "Date de facture" } dd { (format::date_courte(f.date_facture)) }
                        dt { "N° d'engagement" } dd { @if f.numero_engagement.is_empty() { "—" } @else { (f.numero_engagement) } }
                        dt { "N° de marché" } dd { @if f.numero_marche.is_empty() { "—" } @else { (f.numero_marche) } }
                        dt { "Mode de paiement" } dd { (f.mode_paiement.libelle()) }
                        dt { "Type de TVA" } dd { (f.type_tva.libelle()) }
                        @if !f.motif_exoneration.is_empty() { dt { "Motif d'exonération" } dd { (f.motif_exoneration) } }
                        dt { "Date de dépôt" } dd { @if let Some(dd) = fs.date_depot { (format::date_courte(dd)) } @else { "non envoyée" } }
                    }
                }
            }
            section {
                h2 { "Lignes" }
                (super::contenu_facture::lignes(f))
                (super::contenu_facture::recapitulatif(&t))
                @if !f.commentaire.is_empty() { p { strong { "Commentaire : " } (f.commentaire) } }
            }
            (pieces)
            @if f.type_facture == TypeFacture::Avoir && fs.statut.est_transmise() && fs.statut != Statut::Rejetee {
                section {
                    h2 { "Paiement" }
                    p { "Un avoir n'est jamais payé : il diminue ce que l'acheteur vous doit au titre de la facture n° "
                        (f.numero_facture_origine) ". Ni délai de paiement, ni échéance, ni intérêts moratoires. "
                        "L'acheteur simulé l'enregistre (« Comptabilisée ») et s'arrête là "
                        (super::cours::marque_choix(chorus_domain::choix_simulateur::ChoixSimulateur::TraitementAvoir)) "." }
                }
            }
            @if let Some(p) = &d.paiement {
                (bloc_delai(p))
                p { a href={ "/factures-emises/" (fs.id) "/suivi-paiement" } { "Suivi du paiement : chaque date, la loi qui la fixe, les intérêts de retard" } }
            }
            section {
                h2 { "Historique des statuts" }
                ol.chronologie {
                    @for e in d.historique.iter().rev() {
                        li {
                            @if let Some(s) = e.statut { (pastille(s)) }
                            " le " strong { (format::date_courte(e.date_simulee)) }
                            " — " (Acteur::depuis_code(&e.acteur).map(Acteur::libelle).unwrap_or(&e.acteur))
                            @if !e.commentaire.is_empty() { " : « " (e.commentaire) " »" }
                            small.horodatage { " (enregistré à " (e.horodatage.format("%H:%M:%S")) ", heure réelle)" }
                        }
                    }
                }
            }
        },
    )
}

/// Le délai global de paiement en bref ; le détail, article par article, est sur la page
/// « Suivi du paiement ».
fn bloc_delai(s: &delai_paiement::SuiviPaiement) -> Markup {
    use delai_paiement::Situation;
    html! {
        section.delai {
            h2 { "Délai de paiement" }
            p.aide { "Chorus Pro ne calcule pas les délais : ce suivi est un complément pédagogique du simulateur." }
            dl.fiche {
                dt { "Départ du délai" } dd { (format::date_courte(s.debut)) " — mise à disposition du destinataire (R2192-12)" }
                dt { "Délai applicable" } dd { (s.delai_jours) " jours — " (delai_paiement::article_du_delai(s.delai_jours)) }
                @if let Some(i) = &s.interruption {
                    dt { "Suspension" }
                    dd {
                        "délai interrompu le " (format::date_courte(i.suspendue_le)) " (R2192-27)"
                        @match i.completee_le {
                            Some(c) => { " ; à la complétion du " (format::date_courte(c)) ", un nouveau délai de "
                                (i.nouveau_delai) " jours s'est ouvert : 30 jours, ou le solde restant s'il est plus long (R2192-29)" }
                            None => { " ; à la réception des pièces, un nouveau délai s'ouvrira : 30 jours, ou le solde restant ("
                                (i.solde) " jours) s'il est plus long (R2192-29)" }
                        }
                    }
                }
                dt { "Échéance" }
                dd { @match s.echeance { Some(e) => strong { (format::date_courte(e)) }, None => "aucune tant que la facture est suspendue" } }
                @if let Some(m) = s.mise_en_paiement {
                    dt { "Mise en paiement" } dd { (format::date_courte(m)) }
                }
                dt { "Situation" }
                dd {
                    @match s.situation() {
                        Situation::EnRetard { jours } | Situation::PayeeEnRetard { jours } => {
                            span.etiquette.etiquette-rouge { (jours) " jour(s) de retard" }
                        }
                        Situation::PayeeDansLeDelai => span.etiquette { "Payée dans le délai" },
                        Situation::Interrompu => span.etiquette.etiquette-neutre { "Délai interrompu (suspension)" },
                        Situation::EnCours { jours_restants } => {
                            span.etiquette.etiquette-neutre { (jours_restants) " jour(s) restant(s)" }
                        }
                    }
                }
            }
        }
    }
}

/// « Supprimer le brouillon » : un brouillon oublié, qui n'a plus lieu d'être.
pub async fn supprimer(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    Path(id): Path<String>,
    champs: Champs,
) -> Result<Redirect, AppError> {
    stagiaire.verifier_csrf(&champs.un("csrf")).await?;
    let (bac_id, sid) = (stagiaire.bac.id.clone(), stagiaire.structure.id.clone());
    etat.ecrire(move |tx, h| facture::supprimer_brouillon(tx, &bac_id, &sid, &id, h)).await?;
    Ok(Redirect::to("/factures-emises/synthese"))
}

pub async fn confirmer_envoi(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    Path(id): Path<String>,
) -> Result<Markup, AppError> {
    let d = charger(&etat, &stagiaire, id).await?;
    let ctx = stagiaire.contexte(&etat.horloge);
    if d.facture.statut != Statut::Brouillon {
        return Err(AppError::Refus("Cette facture a déjà été envoyée.".into()));
    }
    let f = &d.facture.facture;
    Ok(gabarit(
        "Confirmer l'envoi",
        Some(&stagiaire.csrf),
        Some(&ctx),
        html! {
            (onglets_factures_emises(None))
            h1 { "Confirmer l'envoi de la facture " (f.numero) }
            div.alerte.alerte-info {
                p {
                    "Vous allez transmettre cette facture de " strong { (format::euros(d.facture.totaux().total_ttc)) } " TTC au destinataire "
                    strong { @if d.facture.raison_sociale_destinataire.is_empty() { (f.destinataire) } @else { (d.facture.raison_sociale_destinataire) } }
                    " (SIRET " (f.destinataire) "). Une fois envoyée, elle ne pourra plus être modifiée."
                }
            }
            (super::contenu_facture::lignes(f))
            form method="post" action={ "/factures-emises/" (d.facture.id) "/envoyer" } {
                (champ_csrf(&stagiaire.csrf))
                input type="hidden" name="confirme" value="oui";
                button.bouton.bouton-principal type="submit" { "Confirmer l'envoi" }
                " "
                a.bouton href={ "/factures-emises/" (d.facture.id) } { "Annuler" }
            }
        },
    ))
}

pub async fn envoyer(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    Path(id): Path<String>,
    champs: Champs,
) -> Result<Response, AppError> {
    stagiaire.verifier_csrf(&champs.un("csrf")).await?;
    if champs.un("confirme") != "oui" {
        return Ok(Redirect::to(&format!("/factures-emises/{id}/envoyer")).into_response());
    }
    charger(&etat, &stagiaire, id.clone()).await?;
    let bac_id = stagiaire.bac.id.clone();
    let fid = id.clone();
    let issue = etat.ecrire(move |tx, h| facture::envoyer_brouillon(tx, &bac_id, &fid, h)).await?;
    match issue {
        Issue::Acceptee(id) => Ok(Redirect::to(&format!("/factures-emises/{id}")).into_response()),
        Issue::Refusee(anomalies) => {
            // Le brouillon ne passe pas les contrôles : on rouvre la saisie avec les anomalies.
            let d = charger(&etat, &stagiaire, id).await?;
            let ctx = stagiaire.contexte(&etat.horloge);
            let brut = facture::saisie_de(&d.facture.facture);
            Ok(super::saisie::refus(&ctx, &brut, &anomalies, Some(&d.facture.id)))
        }
    }
}
