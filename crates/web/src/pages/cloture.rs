//! La clôture d'une classe, côté console : ce qui sera gardé et supprimé, quand ; le bouton qui
//! clôt ; puis les documents gardés, à télécharger pendant toute la durée de conservation.

use axum::extract::{Path, State};
use axum::response::Response;
use chorus_store::{classe, cloture};
use maud::{Markup, html};

use super::champ_csrf;
use super::fin_de_formation::LectureClasse;
use super::formateur::{ActionClasse, dates, gabarit_console};
use super::pieces::servir_fichier;
use crate::erreur::AppError;
use crate::etat::AppState;
use crate::format;
use crate::session::FormateurConnecte;

fn taille(octets: u64) -> String {
    chorus_domain::piece_jointe::taille_lisible(octets)
}

fn page(
    f: &FormateurConnecte,
    c: &classe::Classe,
    clos: Option<&cloture::Cloture>,
    documents: &[cloture::Document],
    message: Option<&str>,
) -> Markup {
    gabarit_console(
        &format!("Clôture — {}", c.titre),
        &f.csrf,
        Some(&f.formateur.email),
        html! {
            p { a href={ "/formateur/classes/" (c.id) } { "← " (c.titre) } }
            h1 { "Clôture de la classe" }
            p.chapeau { (dates(c)) @if !c.lieu.is_empty() { " — " (c.lieu) } }
            @if let Some(m) = message { p.message-succes role="status" { (m) } }
            @match clos {
                None => {
                    p { "Clore la classe fige ses documents et planifie la suppression des données personnelles des stagiaires :" }
                    ul {
                        li { "gardés " (cloture::conservation_mois()) " mois : la feuille d'émargement, les attestations (toutes, et celle de chacun), les résultats de la classe ;" }
                        li { "supprimés " (cloture::suppression_jours()) " jours après la clôture : les bacs à sable des stagiaires (factures, fichiers, journal, messages), leurs comptes, leurs signatures, leurs réponses aux quiz et au questionnaire." }
                    }
                    p { "D'ici là, chaque stagiaire télécharge son attestation et ses résultats depuis sa feuille d'émargement. Plus personne ne peut rejoindre une classe close. " a href="/donnees-personnelles" { "La notice « données personnelles »" } "." }
                    form method="post" action={ "/formateur/classes/" (c.id) "/clore" } {
                        (champ_csrf(&f.csrf))
                        button.bouton.bouton-principal type="submit" data-confirmer="Clore la classe ? Ses documents sont figés, et les données des stagiaires seront supprimées à la date indiquée." { "Clore la classe" }
                    }
                }
                Some(k) => {
                    p { "Classe close le " (format::date_longue(k.close_le)) "." }
                    @match k.donnees_supprimees_le {
                        Some(d) => p { "Les données des stagiaires ont été supprimées le " (format::date_longue(d)) "." }
                        None => p { "Les données des stagiaires seront supprimées le " strong { (format::date_longue(k.suppression_le)) } "." }
                    }
                    p { "Les documents ci-dessous sont gardés jusqu'au " (format::date_longue(k.conserver_jusqu_au)) ", puis supprimés avec la classe." }
                    h2 { "Documents gardés" }
                    ul {
                        @for d in documents {
                            li { a href={ "/formateur/classes/" (c.id) "/documents/" (d.id) } download { (d.nom) } " (" (taille(d.taille)) ")" }
                        }
                    }
                }
            }
        },
    )
}

pub async fn page_get(State(etat): State<AppState>, l: LectureClasse) -> Result<Markup, AppError> {
    let (c, clos, documents) = l
        .lire(&etat, |c, _, f, id| {
            let classe = classe::charger(c, f, id)?;
            let clos = cloture::cloture(c, id)?;
            let documents = if clos.is_some() { cloture::documents(c, f, id)? } else { Vec::new() };
            Ok((classe, clos, documents))
        })
        .await?;
    Ok(page(&l.f, &c, clos.as_ref(), &documents, None))
}

/// `POST …/clore` : les documents sont rendus sur une lecture (PDF, CSV), puis gardés avec la
/// clôture dans une courte transaction.
pub async fn clore(State(etat): State<AppState>, a: ActionClasse) -> Result<Markup, AppError> {
    let (fid, id) = (a.f.formateur.id.clone(), a.id.clone());
    let documents = etat.lire(move |c, h| cloture::preparer(c, &fid, &id, h)).await?;
    let fid = a.f.formateur.id.clone();
    etat.ecrire(move |tx, h| cloture::clore(tx, &fid, documents, h)).await?;
    let (fid, id) = (a.f.formateur.id.clone(), a.id.clone());
    let (c, clos, documents) = etat
        .lire(move |c, _| {
            Ok((classe::charger(c, &fid, &id)?, cloture::cloture(c, &id)?, cloture::documents(c, &fid, &id)?))
        })
        .await?;
    Ok(page(&a.f, &c, clos.as_ref(), &documents, Some("La classe est close ; ses documents sont gardés.")))
}

/// `GET …/documents/{document}` : un document gardé d'une classe du formateur.
pub async fn document(
    State(etat): State<AppState>,
    f: FormateurConnecte,
    Path((id, document)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let fid = f.formateur.id.clone();
    let (d, contenu) = etat.lire(move |c, _| cloture::document(c, &fid, &id, &document)).await?;
    Ok(servir_fichier(&d.nom, &d.type_mime, contenu, false))
}
