//! L'annuaire des structures publiques : recherche et fiche (services, obligations), et le
//! délai légal de l'acheteur, aide du simulateur que le vrai annuaire ne donne pas.

use axum::extract::{Path, Query, State};
use chorus_domain::choix_simulateur::ChoixSimulateur;
use chorus_domain::delai_paiement;
use chorus_domain::structure::{FACTURES_PUBLIQUES, StructurePublique};
use chorus_store::reference;
use maud::{Markup, html};
use serde::Deserialize;

use super::cours::marque_choix;
use super::gabarit;
use crate::erreur::AppError;
use crate::etat::AppState;
use crate::session::Stagiaire;

/// Les résultats d'une page.
const PAR_PAGE: usize = 50;

#[derive(Deserialize)]
pub struct Recherche {
    #[serde(default)]
    q: String,
    /// La page demandée (1 par défaut) ; un texte qui n'est pas un nombre vaut 1.
    #[serde(default)]
    page: String,
}

/// Les obligations d'un destinataire, comme des étiquettes lisibles.
pub fn obligations(s: &StructurePublique) -> Markup {
    let p = &s.parametres;
    html! {
        ul.etiquettes {
            @if !p.active { li.etiquette.etiquette-rouge { "Structure inactive" } }
            @if p.service_et_engagement { li.etiquette { "Code service ET n° d'engagement obligatoires" } }
            @else {
                @if p.code_service_obligatoire { li.etiquette { "Code service obligatoire" } }
                @if p.engagement_obligatoire { li.etiquette { "N° d'engagement obligatoire" } }
            }
            @if p.service_ou_engagement { li.etiquette { "Code service OU n° d'engagement obligatoire" } }
            @if p.est_moa_uniquement { li.etiquette.etiquette-rouge { "Maîtrise d'ouvrage uniquement (travaux)" } }
            @else if p.est_moa { li.etiquette.etiquette-neutre { "Maîtrise d'ouvrage" } }
            @if p.mise_en_paiement_non_remontee { li.etiquette.etiquette-neutre { "Ne remonte pas la mise en paiement" } }
        }
    }
}

pub async fn recherche(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    Query(r): Query<Recherche>,
) -> Result<Markup, AppError> {
    let q = r.q.trim().to_string();
    let requete = q.clone();
    let page = r.page.trim().parse::<usize>().unwrap_or(1).clamp(1, 1000);
    let trouvees = if q.is_empty() {
        reference::PageAnnuaire::default()
    } else {
        etat.lire(move |c, _| reference::chercher_dans_l_annuaire(c, &requete, page, PAR_PAGE)).await?
    };
    let resultats = &trouvees.structures;
    let pages = trouvees.total.div_ceil(PAR_PAGE).max(1);
    let lien_page = |n: usize| format!("/annuaire?q={}&page={n}", super::factures::encoder(&q));
    let ctx = stagiaire.contexte(&etat.horloge);
    Ok(gabarit(
        "Annuaire des structures publiques",
        Some(&stagiaire.csrf),
        Some(&ctx),
        html! {
            h1 { "Annuaire des structures publiques" }
            p.chapeau { "Cherchez votre client public par son SIRET, son nom, sa ville ou son code postal. Notez les obligations affichées : Chorus Pro refusera une facture qui ne les respecte pas." }
            form.recherche method="get" action="/annuaire" role="search" {
                label for="q" { "SIRET, nom, ville ou code postal" }
                input #q type="search" name="q" value=(q) maxlength="200";
                button.bouton.bouton-principal type="submit" { "Rechercher" }
            }
            @if !q.is_empty() {
                @if resultats.is_empty() {
                    p.vide { "Aucune structure publique ne correspond à « " (q) " ». Vérifiez l'orthographe, ou cherchez par code postal." }
                } @else {
                    p {
                        @if trouvees.plus {
                            "Plus de " (reference::RESULTATS_CLASSES_MAX) " structures correspondent : précisez la recherche (un nom plus complet, la ville, le code postal ou le SIRET)."
                        } @else {
                            (trouvees.total) " résultat(s)."
                        }
                        " Les noms qui commencent par votre recherche viennent d'abord."
                    }
                    table.tableau {
                        thead { tr {
                            th scope="col" { "SIRET" } th scope="col" { "Raison sociale" }
                            th scope="col" { "Ville" } th scope="col" { "Obligations" }
                        } }
                        tbody {
                            @for s in resultats {
                                tr {
                                    td.nombre { a href={ "/annuaire/" (s.identifiant) } { (s.identifiant) } }
                                    td { (s.raison_sociale) }
                                    td { (s.adresse.code_postal) " " (s.adresse.ville) }
                                    td { (obligations(s)) }
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
            }
        },
    ))
}

pub async fn fiche(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    Path(identifiant): Path<String>,
) -> Result<Markup, AppError> {
    let id = identifiant.clone();
    let trouve = etat
        .lire(move |c, _| {
            let Some(s) = reference::structure_publique(c, &id)? else { return Ok(None) };
            Ok(Some((s, reference::services(c, &id)?)))
        })
        .await?;
    let Some((s, services)) = trouve else {
        return Err(AppError::Introuvable("Structure publique introuvable".into()));
    };
    let ctx = stagiaire.contexte(&etat.horloge);
    Ok(gabarit(
        &s.raison_sociale,
        Some(&stagiaire.csrf),
        Some(&ctx),
        html! {
            p { a href="/annuaire" { "← Annuaire" } }
            h1 { (s.raison_sociale) }
            dl.fiche {
                dt { "Identifiant (" (s.type_identifiant.libelle()) ")" } dd.nombre { (s.identifiant) }
                dt { "Adresse" } dd { (s.adresse.adresse) ", " (s.adresse.code_postal) " " (s.adresse.ville) }
            }
            div.alerte.alerte-info.aide-simulateur {
                p {
                    strong { "Délai légal selon la nature de l'acheteur : " (s.delai_paiement_jours) " jours" }
                    " — " (delai_paiement::article_du_delai(s.delai_paiement_jours))
                    @if let Some(c) = &s.categorie_juridique { " ; catégorie juridique INSEE " (c) }
                    "."
                }
                p {
                    "Aide du simulateur, absente du vrai annuaire " (marque_choix(ChoixSimulateur::DelaiLegalAnnuaire))
                    " : Chorus Pro ne gère pas les délais de paiement. Le délai se déduit de la nature juridique de "
                    "l'acheteur (État, collectivité, établissement public de santé, entreprise publique…) et du contrat, "
                    "qui peut prévoir plus court."
                }
            }
            h2 { "Obligations pour facturer" }
            (obligations(&s))
            h2 { "Services" }
            table.tableau {
                thead { tr { th scope="col" { "Code service" } th scope="col" { "Libellé" } th scope="col" { "N° d'engagement" } th scope="col" { "État" } } }
                tbody {
                    @for sv in &services {
                        tr {
                            td { code { (sv.code) } }
                            td {
                                (sv.libelle)
                                @if sv.code == FACTURES_PUBLIQUES { br; small { "Réservé aux factures entre entités publiques : un fournisseur ne doit pas l'utiliser." } }
                            }
                            td { @if sv.engagement_obligatoire { "obligatoire" } @else { "—" } }
                            td { @if sv.actif { "actif" } @else { span.etiquette.etiquette-rouge { "fermé" } } }
                        }
                    }
                }
            }
            @if s.parametres.active {
                p { a.bouton.bouton-principal href={ "/factures-emises/saisir?destinataire=" (s.identifiant) } { "Saisir une facture pour cette structure" } }
            }
        },
    ))
}
