//! Les suites d'une facture renvoyée par le destinataire, côté fournisseur : le panneau du
//! statut sur la page de la facture (ce que cela veut dire, qui l'a donné, que faire), et les
//! formulaires « Recycler », « Compléter » et « Traiter le rejet ».

use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chorus_domain::suites::{self, Acheminement};
use chorus_domain::{Anomalie, Statut};
use chorus_store::facture::{self, FactureStockee};
use chorus_store::suivi::{self, Complement, Suivi};
use maud::{Markup, html};

use super::pieces;
use super::{Contexte, champ_csrf, champ_texte, gabarit, pastille, resume_anomalies};
use crate::erreur::AppError;
use crate::etat::AppState;
use crate::format;
use crate::formulaire::Champs;
use crate::session::Stagiaire;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/factures-emises/{id}/recycler", get(formulaire_recyclage).post(recycler))
        .route(
            "/factures-emises/{id}/completer",
            get(formulaire_complement).post(completer).layer(DefaultBodyLimit::max(pieces::LIMITE_ENVOI)),
        )
        .route("/factures-emises/{id}/traiter-rejet", post(traiter_rejet))
        .route("/factures-emises/{id}/corriger-valideur", get(formulaire_correction).post(corriger_valideur))
}

/// Le panneau du statut, en tête de la page d'une facture : ce que le statut veut dire, qui l'a
/// donné, le motif du destinataire, et le bouton de la suite à donner.
pub fn panneau(fs: &FactureStockee, suivi: &Suivi, csrf: &str) -> Markup {
    let s = fs.statut;
    let classe = if s.attend_le_fournisseur() && suivi.rejet_traite_le.is_none() {
        "alerte alerte-attention panneau-statut"
    } else {
        "alerte alerte-info panneau-statut"
    };
    let base = format!("/factures-emises/{}", fs.id);
    html! {
        div class=(classe) {
            p { strong { "Ce que cela veut dire : " } (s.explication_pour(fs.facture.type_facture)) }
            p { strong { "Qui a donné ce statut : " } (suites::qui_le_donne(s)) ", le " (format::date_courte(fs.date_statut)) "." }
            @if s.origine_libelle() == chorus_domain::statut::OrigineLibelle::Simulateur {
                p.aide { "Les sources ne donnent pas le libellé de ce statut (code " code { (s.code()) } ") : il est du simulateur "
                    (super::cours::marque_choix(chorus_domain::choix_simulateur::ChoixSimulateur::LibellesStatuts)) "." }
            }
            @if matches!(s, Statut::AValider1 | Statut::AValider2) {
                p {
                    strong { "Réponse attendue au plus tard le " (format::date_courte(chorus_domain::validation::dernier_jour(fs.date_statut))) }
                    " ; sans réponse, la facture sera réputée validée le "
                    (format::date_courte(chorus_domain::validation::jour_de_la_validation_tacite(fs.date_statut)))
                    " et partira vers l'acheteur "
                    (super::cours::marque_choix(chorus_domain::choix_simulateur::ChoixSimulateur::DelaiDeValidation)) "."
                }
            }
            @if matches!(s, Statut::ARecycler | Statut::Suspendue | Statut::Rejetee) {
                @if let Some(m) = &suivi.motif {
                    p { strong { "Motif du destinataire : " } "« " (m) " »" }
                }
            }
            @if matches!(s, Statut::Refusee1 | Statut::Refusee2 | Statut::ErreurFournisseurSurValideur | Statut::ErreurCotraitantSurValideur) {
                @if let Some(m) = &suivi.motif {
                    p { strong { "Motif du valideur : " } "« " (m) " »" }
                }
            }
            @match s {
                Statut::ARecycler => {
                    p.boutons { a.bouton.bouton-principal href={ (base) "/recycler" } { "Recycler la facture" } }
                }
                Statut::Suspendue => {
                    p.boutons { a.bouton.bouton-principal href={ (base) "/completer" } { "Compléter la facture" } }
                }
                Statut::ErreurFournisseurSurValideur => {
                    p.boutons { a.bouton.bouton-principal href={ (base) "/corriger-valideur" } { "Corriger le valideur" } }
                }
                Statut::Rejetee => {
                    @if let Some(le) = suivi.rejet_traite_le {
                        p {
                            "Rejet traité le " (format::date_courte(le)) ". Cette facture ne sera pas payée : émettez une "
                            strong { "nouvelle facture, avec un nouveau numéro" }
                            " (le numéro « " (fs.facture.numero) " » ne peut plus servir)."
                        }
                        p.boutons { a.bouton.bouton-principal href="/factures-emises/saisir" { "Saisir la nouvelle facture" } }
                    } @else {
                        form method="post" action={ (base) "/traiter-rejet" } {
                            (champ_csrf(csrf))
                            button.bouton.bouton-principal type="submit" { "Traiter le rejet" }
                        }
                        p.aide { "« Traiter le rejet » atteste que vous avez pris connaissance du rejet ; la facture quitte alors votre liste de travail." }
                    }
                }
                _ => {}
            }
        }
    }
}

/// La facture `id` de la structure du stagiaire (introuvable sinon, même dans le même bac).
async fn facture_du_stagiaire(
    etat: &AppState,
    stagiaire: &Stagiaire,
    id: String,
) -> Result<FactureStockee, AppError> {
    let (bac_id, sid) = (stagiaire.bac.id.clone(), stagiaire.structure.id.clone());
    etat.lire(move |c, _| {
        let f = facture::charger(c, &bac_id, &id)?;
        if f.structure_id != sid {
            return Err(chorus_store::Erreur::Introuvable("facture"));
        }
        Ok(f)
    })
    .await
}

fn exiger(fs: &FactureStockee, attendu: Statut, quoi: &str) -> Result<(), AppError> {
    if fs.statut != attendu {
        return Err(AppError::Refus(format!(
            "Seule une facture au statut « {} » peut être {quoi} ; celle-ci est au statut « {} ».",
            attendu.libelle(),
            fs.statut.libelle()
        )));
    }
    Ok(())
}

pub async fn formulaire_recyclage(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    Path(id): Path<String>,
) -> Result<Markup, AppError> {
    let fs = facture_du_stagiaire(&etat, &stagiaire, id).await?;
    exiger(&fs, Statut::ARecycler, "recyclée")?;
    let ctx = stagiaire.contexte(&etat.horloge);
    Ok(page_recyclage(&ctx, &fs, &Acheminement::de(&fs.facture), "", &[]))
}

fn page_recyclage(
    ctx: &Contexte<'_>,
    fs: &FactureStockee,
    a: &Acheminement,
    commentaire: &str,
    anomalies: &[Anomalie],
) -> Markup {
    gabarit(
        "Recycler la facture",
        Some(&ctx.stagiaire.csrf),
        Some(ctx),
        html! {
            p { a href={ "/factures-emises/" (fs.id) } { "← Facture " (fs.facture.numero) } }
            h1 { "Recycler la facture n° " (fs.facture.numero) " " (pastille(fs.statut)) }
            div.alerte.alerte-info {
                p { "Corrigez seulement les données d'acheminement indiquées par le destinataire. La facture garde son numéro « " (fs.facture.numero) " » et tout le reste (lignes, montants) ; elle repart au statut « Déposée » vers le destinataire." }
            }
            (resume_anomalies("La facture ne peut pas être recyclée :", anomalies))
            form.saisie method="post" action={ "/factures-emises/" (fs.id) "/recycler" } novalidate {
                (champ_csrf(&ctx.stagiaire.csrf))
                (champ_texte(anomalies, "destinataire", "SIRET du destinataire", &a.destinataire, true, Some("14 chiffres, tel que dans l'annuaire."), ("text", 14)))
                (champ_texte(anomalies, "code_service", "Code service", &a.code_service, false, Some("Obligatoire si le destinataire l'exige (voir sa fiche dans l'annuaire)."), ("text", 100)))
                (champ_texte(anomalies, "numero_engagement", "Numéro d'engagement", &a.numero_engagement, false, Some("Le numéro du bon de commande, si le destinataire l'exige."), ("text", 50)))
                div.champ {
                    label for="commentaire" { "Commentaire pour le destinataire (facultatif)" }
                    textarea #commentaire name="commentaire" rows="2" maxlength="255" { (commentaire) }
                }
                div.boutons {
                    button.bouton.bouton-principal type="submit" { "Renvoyer la facture" }
                    a.bouton href={ "/factures-emises/" (fs.id) } { "Annuler" }
                }
            }
        },
    )
}

pub async fn recycler(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    Path(id): Path<String>,
    champs: Champs,
) -> Result<Response, AppError> {
    stagiaire.verifier_csrf(&champs.un("csrf")).await?;
    let fs = facture_du_stagiaire(&etat, &stagiaire, id.clone()).await?;
    exiger(&fs, Statut::ARecycler, "recyclée")?;
    let a = Acheminement {
        destinataire: champs.un("destinataire"),
        code_service: champs.un("code_service"),
        numero_engagement: champs.un("numero_engagement"),
    };
    let commentaire = champs.un("commentaire");
    let (bac_id, sid, fid, a2, com) = (
        stagiaire.bac.id.clone(),
        stagiaire.structure.id.clone(),
        id.clone(),
        a.clone(),
        commentaire.clone(),
    );
    let issue = etat.ecrire(move |tx, h| suivi::recycler(tx, &bac_id, &sid, &fid, &a2, &com, h)).await?;
    match issue {
        Ok(()) => Ok(Redirect::to(&format!("/factures-emises/{id}")).into_response()),
        Err(anomalies) => {
            let ctx = stagiaire.contexte(&etat.horloge);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page_recyclage(&ctx, &fs, &a, &commentaire, &anomalies))
                .into_response())
        }
    }
}

pub async fn formulaire_complement(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    Path(id): Path<String>,
) -> Result<Markup, AppError> {
    let fs = facture_du_stagiaire(&etat, &stagiaire, id.clone()).await?;
    exiger(&fs, Statut::Suspendue, "complétée")?;
    let (bac_id, fid) = (stagiaire.bac.id.clone(), id);
    let s = etat.lire(move |c, _| suivi::suivi(c, &bac_id, &fid)).await?;
    let ctx = stagiaire.contexte(&etat.horloge);
    Ok(page_complement(&ctx, &fs, &s, "", None))
}

fn page_complement(
    ctx: &Contexte<'_>,
    fs: &FactureStockee,
    s: &Suivi,
    commentaire: &str,
    erreur: Option<&str>,
) -> Markup {
    gabarit(
        "Compléter la facture",
        Some(&ctx.stagiaire.csrf),
        Some(ctx),
        html! {
            p { a href={ "/factures-emises/" (fs.id) } { "← Facture " (fs.facture.numero) } }
            h1 { "Compléter la facture n° " (fs.facture.numero) " " (pastille(fs.statut)) }
            @if let Some(m) = &s.motif {
                div.alerte.alerte-attention { p { strong { "Ce que le destinataire demande : " } "« " (m) " »" } }
            }
            @if let Some(e) = erreur {
                div.alerte.alerte-erreur.resume-erreurs role="alert" tabindex="-1" id="resume-erreurs" {
                    h2 { "Le complément ne peut pas être envoyé :" }
                    p { a href="#commentaire" { (e) } }
                }
            }
            form.saisie method="post" action={ "/factures-emises/" (fs.id) "/completer" } enctype="multipart/form-data" novalidate {
                (champ_csrf(&ctx.stagiaire.csrf))
                div class={ "champ" @if erreur.is_some() { " champ-en-erreur" } } {
                    label for="commentaire" { "Commentaire pour le destinataire" span.obligatoire aria-hidden="true" { " *" } }
                    p.aide #commentaire-aide { "Répondez au motif : la précision demandée, ou la pièce que vous lui transmettez. 2 000 caractères au plus." }
                    textarea #commentaire name="commentaire" rows="4" maxlength="2000" aria-describedby="commentaire-aide"
                        aria-invalid=[erreur.is_some().then_some("true")] { (commentaire) }
                }
                div.champ {
                    label for="fichier" { "Pièces jointes" }
                    p.aide #fichier-aide { "Facultatif : la pièce demandée (bon de livraison, attestation…). Nom de 50 caractères au plus, 10 Mo au plus par fichier." }
                    input #fichier type="file" name="fichier" multiple aria-describedby="fichier-aide";
                }
                div.boutons {
                    button.bouton.bouton-principal type="submit" { "Envoyer le complément" }
                    a.bouton href={ "/factures-emises/" (fs.id) } { "Annuler" }
                }
            }
        },
    )
}

pub async fn completer(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    Path(id): Path<String>,
    envoi: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let recu = match pieces::lire_envoi(&stagiaire, pieces::multipart(envoi)).await {
        Ok(r) => r,
        Err(echec) => return echec.into_response(),
    };
    completer_avec(&etat, &stagiaire, id, recu).await.unwrap_or_else(IntoResponse::into_response)
}

async fn completer_avec(
    etat: &AppState,
    stagiaire: &Stagiaire,
    id: String,
    recu: pieces::EnvoiRecu,
) -> Result<Response, AppError> {
    let fs = facture_du_stagiaire(etat, stagiaire, id.clone()).await?;
    exiger(&fs, Statut::Suspendue, "complétée")?;
    let commentaire = recu.champ("commentaire");
    // Un champ « fichier » vide (rien de choisi) n'est pas une pièce.
    let fichiers: Vec<_> =
        recu.fichiers.into_iter().filter(|f| !(f.nom.is_empty() && f.taille == 0)).collect();
    let (bac_id, sid, fid, com) =
        (stagiaire.bac.id.clone(), stagiaire.structure.id.clone(), id.clone(), commentaire.clone());
    let resultat = etat
        .ecrire(move |tx, h| {
            // Les pièces et le complément forment un tout : une pièce refusée annule l'ensemble
            // (la transaction est défaite), rien n'est gardé à moitié.
            for f in &fichiers {
                let refus = match pieces::refus_avant_stockage(f) {
                    Some(r) => Some(r.message),
                    None => chorus_store::piece_jointe::joindre(tx, &bac_id, &fid, &f.nom, f.source(), h)?
                        .err()
                        .map(|r| r.message),
                };
                if let Some(message) = refus {
                    return Err(chorus_store::Erreur::Invalide(format!("« {} » : {message}", f.nom)));
                }
            }
            let complement = Complement { commentaire: &com, pieces_jointes: fichiers.len() };
            suivi::completer(tx, &bac_id, &sid, &fid, &complement, h)
        })
        .await;
    match resultat {
        Ok(()) => Ok(Redirect::to(&format!("/factures-emises/{id}")).into_response()),
        // Le complément refusé revient au formulaire, avec ce qui avait été tapé.
        Err(AppError::Refus(message) | AppError::Requete(message)) => {
            let (bac_id, fid) = (stagiaire.bac.id.clone(), id);
            let s = etat.lire(move |c, _| suivi::suivi(c, &bac_id, &fid)).await?;
            let ctx = stagiaire.contexte(&etat.horloge);
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                page_complement(&ctx, &fs, &s, &commentaire, Some(&message)),
            )
                .into_response())
        }
        Err(e) => Err(e),
    }
}

pub async fn traiter_rejet(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    Path(id): Path<String>,
    champs: Champs,
) -> Result<Redirect, AppError> {
    stagiaire.verifier_csrf(&champs.un("csrf")).await?;
    let (bac_id, sid, fid) = (stagiaire.bac.id.clone(), stagiaire.structure.id.clone(), id.clone());
    etat.ecrire(move |tx, h| suivi::traiter_rejet(tx, &bac_id, &sid, &fid, h)).await?;
    Ok(Redirect::to(&format!("/factures-emises/{id}")))
}

fn page_correction(
    ctx: &Contexte<'_>,
    fs: &FactureStockee,
    (siret, service): (&str, &str),
    anomalies: &[Anomalie],
) -> Markup {
    gabarit(
        "Corriger le valideur",
        Some(&ctx.stagiaire.csrf),
        Some(ctx),
        html! {
            p { a href={ "/factures-emises/" (fs.id) } { "← Facture " (fs.facture.numero) } }
            h1 { "Corriger le valideur de la facture n° " (fs.facture.numero) " " (pastille(fs.statut)) }
            div.alerte.alerte-info {
                p { "L'entreprise " strong { (fs.facture.code_structure_valideur) } " a répondu qu'elle n'est pas le valideur de \
                    cette facture. Indiquez le SIRET du titulaire du marché (sous-traitance) ou du mandataire du groupement \
                    (cotraitance), tel qu'il figure sur l'acte de sous-traitance ou la convention de groupement. La facture \
                    garde son numéro et son contenu ; le nouveau valideur a 15 jours à partir d'aujourd'hui." }
            }
            (resume_anomalies("Le valideur ne peut pas être corrigé :", anomalies))
            form.saisie method="post" action={ "/factures-emises/" (fs.id) "/corriger-valideur" } novalidate {
                (champ_csrf(&ctx.stagiaire.csrf))
                (champ_texte(anomalies, "code_structure_valideur", "SIRET du valideur", siret, true, Some("14 chiffres."), ("text", 20)))
                (champ_texte(anomalies, "code_service_valideur", "Code service du valideur (facultatif)", service, false, None, ("text", 100)))
                div.boutons {
                    button.bouton.bouton-principal type="submit" { "Renvoyer au valideur" }
                    a.bouton href={ "/factures-emises/" (fs.id) } { "Annuler" }
                }
            }
        },
    )
}

pub async fn formulaire_correction(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    Path(id): Path<String>,
) -> Result<Markup, AppError> {
    let fs = facture_du_stagiaire(&etat, &stagiaire, id).await?;
    exiger(&fs, Statut::ErreurFournisseurSurValideur, "corrigée")?;
    let ctx = stagiaire.contexte(&etat.horloge);
    Ok(page_correction(&ctx, &fs, ("", ""), &[]))
}

pub async fn corriger_valideur(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    Path(id): Path<String>,
    champs: Champs,
) -> Result<Response, AppError> {
    stagiaire.verifier_csrf(&champs.un("csrf")).await?;
    let fs = facture_du_stagiaire(&etat, &stagiaire, id.clone()).await?;
    exiger(&fs, Statut::ErreurFournisseurSurValideur, "corrigée")?;
    let (siret, service) = (champs.un("code_structure_valideur"), champs.un("code_service_valideur"));
    let (bac_id, sid, fid, s2, sv2) = (
        stagiaire.bac.id.clone(),
        stagiaire.structure.id.clone(),
        id.clone(),
        siret.clone(),
        service.clone(),
    );
    let issue = etat
        .ecrire(move |tx, h| {
            chorus_store::validation::corriger_valideur(tx, &bac_id, &sid, &fid, (&s2, &sv2), h)
        })
        .await?;
    match issue {
        Ok(()) => Ok(Redirect::to(&format!("/factures-emises/{id}")).into_response()),
        Err(anomalies) => {
            let ctx = stagiaire.contexte(&etat.horloge);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page_correction(&ctx, &fs, (&siret, &service), &anomalies))
                .into_response())
        }
    }
}
