//! Accueil : la synthèse du fournisseur (sa « liste de travail ») et l'horloge du bac à sable.

use axum::extract::State;
use axum::response::Redirect;
use chorus_domain::Statut;
use chorus_domain::choix_simulateur::ChoixSimulateur;
use chorus_store::acquittement;
use chorus_store::facture::{self, Filtre};
use maud::{Markup, html};

use super::cours::marque_choix;
use super::portail::{Onglet, onglets_factures_emises};
use super::{champ_csrf, gabarit, pastille};
use crate::erreur::AppError;
use crate::etat::AppState;
use crate::format;
use crate::formulaire::Champs;
use crate::session::Stagiaire;

/// L'accueil du portail : les tuiles des domaines (« Accéder au domaine »), la fenêtre des
/// retours à acquitter, et à part, l'espace « Bac à sable / Formation ».
pub async fn page(State(etat): State<AppState>, stagiaire: Stagiaire) -> Result<Markup, AppError> {
    let (bac_id, sid) = (stagiaire.bac.id.clone(), stagiaire.structure.id.clone());
    let uid = stagiaire.utilisateur.id.clone();
    let (retours, exercice, reussis) = etat
        .lire(move |c, _| {
            let exercice = chorus_store::scenario::en_cours(c, &bac_id)?.map(|s| s.titre);
            let reussis = chorus_store::scenario::reussis(c, &uid)?.len();
            let retours = acquittement::a_acquitter(c, &bac_id, &uid, &sid)?;
            Ok((retours, exercice, reussis))
        })
        .await?;
    let emargement = match crate::session::participant(&stagiaire.session).await? {
        // Un encart en plus : s'il ne peut pas s'afficher, l'accueil s'affiche sans lui.
        Some(p) => etat.lire(move |c, h| chorus_store::emargement::pour_stagiaire(c, &p, h)).await.ok(),
        None => None,
    };
    let ctx = stagiaire.contexte(&etat.horloge);
    Ok(gabarit(
        "Accueil",
        Some(&stagiaire.csrf),
        Some(&ctx),
        html! {
            h1 { "Accueil" }
            p.chapeau {
                "Bonjour " (stagiaire.utilisateur.prenom) ". Structure " strong { (stagiaire.structure.raison_sociale) }
                " — SIRET " (stagiaire.structure.identifiant)
            }
            @if !retours.is_empty() { (fenetre_retours(&stagiaire.csrf, &retours)) }
            div.grille-tuiles {
                (tuile_domaine("Facturation", "Factures émises : saisir, déposer, envoyer et suivre vos factures. Annuaire des structures publiques.", "/facturation"))
                (tuile_domaine("Organisation", "Votre structure, ses services, ses utilisateurs, les demandes de rattachement.", "/organisation"))
                (tuile_domaine("Raccordements", "Le compte technique des logiciels qui échangent avec le portail par API.", "/raccordements"))
            }
            section.bac-a-sable aria-labelledby="titre-formation" {
                h2 #titre-formation { "Bac à sable / Formation" }
                p.aide { "Ce qui suit n'existe pas sur le vrai portail : ce sont les outils du simulateur." }
                @if let Some(f) = &emargement { (super::emargement::encart(f)) }
                p {
                    @if let Some(titre) = &exercice {
                        "Exercice en cours : " strong { (titre) } ". " a.bouton.bouton-principal href="/exercice" { "Reprendre" }
                    } @else {
                        "Aucun exercice en cours. " a href="/exercices" { "Choisir un exercice" }
                    }
                }
                p.aide { (reussis) " exercice(s) réussi(s) — " a href="/exercices" { "voir le catalogue et votre progression" } }
                p {
                    a href="/bac" { "L'horloge du bac à sable" } " · " a href="/cours" { "Cours" } " · "
                    a href="/quiz" { "Quiz" } " · " a href="/messagerie" { "Messagerie" }
                }
            }
        },
    ))
}

fn tuile_domaine(titre: &str, description: &str, lien: &str) -> Markup {
    super::portail::tuile(titre, description, lien, "Accéder au domaine")
}

/// La fenêtre que le portail ouvre à la connexion après un rejet ou une suspension.
fn fenetre_retours(csrf: &str, retours: &[acquittement::Retour]) -> Markup {
    html! {
        dialog.fenetre-retours open aria-labelledby="titre-retours" {
            form method="post" action="/acquitter" {
                (champ_csrf(csrf))
                h2 #titre-retours { "Factures rejetées ou suspendues" }
                p { "Le destinataire a rejeté ou suspendu ces factures. Prenez-en connaissance, puis acquittez-les." }
                div.defilement tabindex="0" {
                    table.tableau {
                        thead { tr {
                            th scope="col" { span.visuellement-cache { "Sélection" } }
                            th scope="col" { "Date de dépôt" } th scope="col" { "N° de facture" }
                            th scope="col" { "Destinataire" } th scope="col" { "Statut" } th scope="col" { "Motif" }
                        } }
                        tbody {
                            @for r in retours {
                                tr {
                                    td {
                                        input type="checkbox" name="retour" value=(r.id) id={ "retour-" (r.id) }
                                            aria-label={ "Sélectionner la facture " (r.numero) };
                                    }
                                    td { @if let Some(d) = r.date_depot { (format::date_courte(d)) } @else { "—" } }
                                    td { a href={ "/factures-emises/" (r.facture_id) } { (r.numero) } }
                                    td { (r.raison_sociale_destinataire) }
                                    td { (r.statut.libelle()) " le " (format::date_courte(r.date)) }
                                    td { (r.motif) }
                                }
                            }
                        }
                    }
                }
                div.boutons {
                    button.bouton.bouton-principal type="submit" name="quoi" value="tout" { "Tout acquitter et fermer" }
                    button.bouton type="submit" name="quoi" value="selection" { "Acquitter les factures sélectionnées" }
                }
            }
        }
    }
}

/// « Tout acquitter et fermer » ou « Acquitter les factures sélectionnées ».
pub async fn acquitter(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    champs: Champs,
) -> Result<Redirect, AppError> {
    stagiaire.verifier_csrf(&champs.un("csrf")).await?;
    let ids: Vec<i64> = if champs.un("quoi") == "tout" {
        Vec::new()
    } else {
        let choisis = champs.tous("retour");
        if choisis.is_empty() {
            return Err(AppError::Requete(
                "Cochez au moins une facture à acquitter, ou choisissez « Tout acquitter et fermer ».".into(),
            ));
        }
        choisis
            .iter()
            .map(|v| {
                v.trim()
                    .parse::<i64>()
                    .map_err(|_| AppError::Requete(format!("« {v} » n'est pas un retour à acquitter.")))
            })
            .collect::<Result<_, _>>()?
    };
    let (bac_id, sid, uid) =
        (stagiaire.bac.id.clone(), stagiaire.structure.id.clone(), stagiaire.utilisateur.id.clone());
    etat.ecrire(move |tx, h| acquittement::acquitter(tx, &bac_id, &uid, &sid, &ids, h.maintenant())).await?;
    Ok(Redirect::to("/"))
}

/// « Synthèse » de « Factures émises » : la liste de travail du fournisseur (brouillons et
/// factures renvoyées) et ses compteurs.
pub async fn synthese(State(etat): State<AppState>, stagiaire: Stagiaire) -> Result<Markup, AppError> {
    let (bac_id, sid) = (stagiaire.bac.id.clone(), stagiaire.structure.id.clone());
    let (comptes, a_traiter) = etat
        .lire(move |c, _| {
            let comptes = facture::compter_par_statut_pour(c, &bac_id, Some(&sid))?;
            let mut a_traiter = Vec::new();
            for s in [Statut::Brouillon, Statut::ARecycler, Statut::Suspendue, Statut::Rejetee] {
                let (lignes, _) = facture::lister_pour(
                    c,
                    &bac_id,
                    Some(&sid),
                    &Filtre { statut: Some(s), numero: None, page: 1, ..Filtre::default() },
                )?;
                a_traiter.extend(lignes);
            }
            // Un rejet traité quitte la liste de travail (« Traiter le rejet »).
            let traites = chorus_store::suivi::rejets_traites(c, &bac_id, &sid)?;
            a_traiter.retain(|f| !traites.contains(&f.id));
            Ok((comptes, a_traiter))
        })
        .await?;
    let nombre = |s: Statut| comptes.iter().find(|(x, _)| *x == s).map_or(0, |(_, n)| *n);
    let total: usize = comptes.iter().map(|(_, n)| n).sum();
    let brouillons = nombre(Statut::Brouillon);
    let ctx = stagiaire.contexte(&etat.horloge);
    Ok(gabarit(
        "Synthèse",
        Some(&stagiaire.csrf),
        Some(&ctx),
        html! {
            (onglets_factures_emises(Some(Onglet::Synthese)))
            h1 { "Synthèse" }
            p.chapeau {
                "Structure " strong { (stagiaire.structure.raison_sociale) }
                " — SIRET " (stagiaire.structure.identifiant)
            }
            @if brouillons > 0 {
                div.alerte.alerte-attention role="alert" {
                    p {
                        strong { (brouillons) " facture(s) enregistrée(s) mais jamais envoyée(s). " }
                        "Un brouillon n'est pas transmis : l'acheteur public ne le voit pas et ne le paiera pas. "
                        "Ouvrez-le et cliquez sur « Valider et envoyer », ou supprimez-le s'il n'a plus lieu d'être."
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
                    div.defilement tabindex="0" {
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
            }
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
