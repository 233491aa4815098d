//! Accueil : la synthèse du fournisseur (sa « liste de travail ») et l'horloge du bac à sable.

use axum::extract::State;
use chorus_domain::Statut;
use chorus_domain::choix_simulateur::ChoixSimulateur;
use chorus_store::facture::{self, Filtre};
use maud::{Markup, html};

use super::cours::marque_choix;
use super::{champ_csrf, gabarit, pastille};
use crate::erreur::AppError;
use crate::etat::AppState;
use crate::format;
use crate::session::Stagiaire;

pub async fn page(State(etat): State<AppState>, stagiaire: Stagiaire) -> Result<Markup, AppError> {
    let (bac_id, sid) = (stagiaire.bac.id.clone(), stagiaire.structure.id.clone());
    let uid = stagiaire.utilisateur.id.clone();
    let (comptes, a_traiter, exercice, reussis) = etat
        .lire(move |c, _| {
            let exercice = chorus_store::scenario::en_cours(c, &bac_id)?.map(|s| s.titre);
            let reussis = chorus_store::scenario::reussis(c, &uid)?.len();
            let comptes = facture::compter_par_statut_pour(c, &bac_id, Some(&sid))?;
            let mut a_traiter = Vec::new();
            for s in [Statut::Brouillon, Statut::ARecycler, Statut::Suspendue, Statut::Rejetee] {
                let (lignes, _) = facture::lister_pour(
                    c,
                    &bac_id,
                    Some(&sid),
                    &Filtre { statut: Some(s), numero: None, page: 1 },
                )?;
                a_traiter.extend(lignes);
            }
            // Un rejet traité quitte la liste de travail (« Traiter le rejet »).
            let traites = chorus_store::suivi::rejets_traites(c, &bac_id, &sid)?;
            a_traiter.retain(|f| !traites.contains(&f.id));
            Ok((comptes, a_traiter, exercice, reussis))
        })
        .await?;
    let emargement = match crate::session::participant(&stagiaire.session).await? {
        // Un encart en plus : s'il ne peut pas s'afficher, l'accueil s'affiche sans lui.
        Some(p) => etat.lire(move |c, h| chorus_store::emargement::pour_stagiaire(c, &p, h)).await.ok(),
        None => None,
    };
    let nombre = |s: Statut| comptes.iter().find(|(x, _)| *x == s).map_or(0, |(_, n)| *n);
    let total: usize = comptes.iter().map(|(_, n)| n).sum();
    let brouillons = nombre(Statut::Brouillon);
    let ctx = stagiaire.contexte(&etat.horloge);
    Ok(gabarit(
        "Accueil",
        Some(&stagiaire.csrf),
        Some(&ctx),
        html! {
            h1 { "Synthèse" }
            p.chapeau {
                "Structure " strong { (stagiaire.structure.raison_sociale) }
                " — SIRET " (stagiaire.structure.identifiant)
            }
            @if let Some(f) = &emargement { (super::emargement::encart(f)) }
            @if brouillons > 0 {
                div.alerte.alerte-attention role="alert" {
                    p {
                        strong { (brouillons) " facture(s) enregistrée(s) mais jamais envoyée(s). " }
                        "Un brouillon n'est pas transmis : l'acheteur public ne le voit pas et ne le paiera pas. "
                        "Ouvrez-le et cliquez sur « Valider et envoyer »."
                    }
                }
            }
            section.tuiles aria-label="Compteurs" {
                (tuile("Factures émises", total, "/factures-emises"))
                (tuile("Brouillons", brouillons, "/factures-emises?statut=BROUILLON"))
                (tuile("À recycler", nombre(Statut::ARecycler), "/factures-emises?statut=A_RECYCLER"))
                (tuile("Suspendues", nombre(Statut::Suspendue), "/factures-emises?statut=SUSPENDUE"))
                (tuile("Rejetées", nombre(Statut::Rejetee), "/factures-emises?statut=REJETEE"))
                (tuile("Mises en paiement", nombre(Statut::MiseEnPaiement), "/factures-emises?statut=MISE_EN_PAIEMENT"))
            }
            section {
                h2 { "Factures sur lesquelles vous devez intervenir" }
                @if a_traiter.is_empty() {
                    p { "Aucune : rien n'attend d'action de votre part." }
                } @else {
                    table.tableau {
                        thead { tr { th scope="col" { "N° de facture" } th scope="col" { "Destinataire" } th scope="col" { "Statut" } th scope="col" { "Que faire ?" } } }
                        tbody {
                            @for f in &a_traiter {
                                tr {
                                    td { a href={ "/factures-emises/" (f.id) } { (f.numero) } }
                                    td { (f.raison_sociale_destinataire) }
                                    td { (pastille(f.statut)) }
                                    td { (f.statut.explication()) }
                                }
                            }
                        }
                    }
                }
            }
            section.carte.exercices-accueil aria-labelledby="titre-exercices" {
                h2 #titre-exercices { "Exercices" }
                @if let Some(titre) = &exercice {
                    p { "Exercice en cours : " strong { (titre) } ". " a.bouton.bouton-principal href="/exercice" { "Reprendre" } }
                } @else {
                    p { "Aucun exercice en cours. " a href="/exercices" { "Choisir un exercice" } }
                }
                p.aide { (reussis) " exercice(s) réussi(s) — " a href="/exercices" { "voir le catalogue et votre progression" } }
            }
            section.actions-rapides {
                h2 { "Facturation" }
                div.grille-tuiles {
                    a.tuile-domaine href="/factures-emises/saisir" { strong { "Saisir une facture" } span { "Créer une facture directement sur le portail." } }
                    a.tuile-domaine href="/factures-emises" { strong { "Factures émises" } span { "Rechercher et suivre vos factures." } }
                    a.tuile-domaine href="/annuaire" { strong { "Annuaire des structures publiques" } span { "Trouver le SIRET, le code service et les obligations d'un acheteur." } }
                }
            }
            (bloc_horloge(&stagiaire.csrf, ctx.date_simulee, &stagiaire.bac))
        },
    ))
}

fn tuile(libelle: &str, nombre: usize, lien: &str) -> Markup {
    html! { a.compteur href=(lien) { span.compteur-nombre { (nombre) } span.compteur-libelle { (libelle) } } }
}

/// Le temps du bac à sable : avancer l'horloge pour voir l'acheteur simulé traiter les factures.
pub fn bloc_horloge(csrf: &str, date: chrono::NaiveDate, bac: &chorus_store::bac::Bac) -> Markup {
    let double_authentification = bac.double_authentification;
    html! {
        section.bac-a-sable aria-labelledby="titre-bac" {
            h2 #titre-bac { "Bac à sable" }
            p {
                "Date simulée : " strong { (format::date_longue(date)) } ". "
                "Dans le simulateur, le temps n'avance que quand vous le décidez : l'acheteur public "
                "simulé traite alors vos factures comme il le ferait pendant ces jours, selon un calendrier fixe "
                (marque_choix(ChoixSimulateur::CalendrierAcheteur)) "."
            }
            form.en-ligne method="post" action="/bac/horloge" {
                (champ_csrf(csrf))
                label for="jours" { "Avancer de" }
                input #jours type="number" name="jours" min="1" max="365" value="5" required;
                span { "jour(s)" }
                button.bouton type="submit" { "Avancer l'horloge" }
            }
            @if let Some(classe) = &bac.classe {
                p {
                    "Double authentification (code reçu dans la messagerie à chaque connexion) : "
                    strong { @if double_authentification { "activée" } @else { "désactivée" } }
                    " par le formateur de la classe « " (classe) " »."
                }
            } @else {
                form.en-ligne method="post" action="/bac/double-authentification" {
                    (champ_csrf(csrf))
                    span {
                        "Double authentification (code reçu dans la messagerie à chaque connexion) : "
                        strong { @if double_authentification { "activée" } @else { "désactivée" } } "."
                    }
                    input type="hidden" name="active" value=(if double_authentification { "non" } else { "oui" });
                    button.bouton type="submit" { @if double_authentification { "La désactiver" } @else { "L'activer" } }
                }
            }
            p { a href="/bac/reinitialiser" { "Réinitialiser le bac à sable…" } }
        }
    }
}
