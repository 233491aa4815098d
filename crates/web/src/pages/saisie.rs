//! « Saisir une facture » : le formulaire du portail, ses deux boutons (« Enregistrer » et
//! « Valider et envoyer ») et l'écran de confirmation de l'envoi.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chorus_domain::Anomalie;
use chorus_domain::choix_simulateur::ChoixSimulateur;
use chorus_domain::facture::{CadreFacturation, Facture, ModePaiement, TypeFacture, TypeTva};
use chorus_domain::montants::TauxTva;
use chorus_domain::saisie::{LigneBrute, SaisieBrute};
use chorus_store::facture::{self, Envoi, Issue};
use maud::{Markup, html};
use serde::Deserialize;

use super::cours::marque_choix;
use super::portail::{Onglet, onglets_factures_emises};
use super::{Contexte, champ_csrf, champ_texte, erreurs_du_champ, gabarit, id_champ};
use crate::erreur::AppError;
use crate::etat::AppState;
use crate::format;
use crate::formulaire::Champs;
use crate::session::Stagiaire;

/// Lignes vides proposées sous les lignes déjà saisies.
const LIGNES_VIDES: usize = 2;

const CHAMPS_LIGNE: [&str; 7] = [
    "ligne_reference",
    "ligne_designation",
    "ligne_quantite",
    "ligne_unite",
    "ligne_prix_unitaire_ht",
    "ligne_remise_ht",
    "ligne_taux_tva",
];

/// Relit le formulaire tel que tapé. Les lignes entièrement vides sont écartées, pour que les
/// numéros de ligne des anomalies correspondent aux lignes réaffichées.
pub fn saisie_depuis(champs: &Champs) -> SaisieBrute {
    let colonnes: Vec<Vec<String>> = CHAMPS_LIGNE.iter().map(|n| champs.tous(n)).collect();
    let nombre = colonnes.iter().map(Vec::len).max().unwrap_or(0);
    let valeur = |col: usize, i: usize| colonnes[col].get(i).cloned().unwrap_or_default();
    let lignes = (0..nombre)
        .map(|i| LigneBrute {
            reference: valeur(0, i),
            designation: valeur(1, i),
            quantite: valeur(2, i),
            unite: valeur(3, i),
            prix_unitaire_ht: valeur(4, i),
            remise_ht: valeur(5, i),
            taux_tva: valeur(6, i),
        })
        .filter(|l| !l.est_vide())
        .collect();
    SaisieBrute {
        numero: champs.un("numero"),
        date_facture: champs.un("date_facture"),
        type_facture: champs.un("type_facture"),
        cadre: champs.un("cadre"),
        destinataire: champs.un("destinataire"),
        code_service: champs.un("code_service"),
        numero_engagement: champs.un("numero_engagement"),
        numero_marche: champs.un("numero_marche"),
        mode_paiement: champs.un("mode_paiement"),
        type_tva: champs.un("type_tva"),
        motif_exoneration: champs.un("motif_exoneration"),
        numero_facture_origine: champs.un("numero_facture_origine"),
        commentaire: champs.un("commentaire"),
        code_structure_valideur: champs.un("code_structure_valideur"),
        code_service_valideur: champs.un("code_service_valideur"),
        lignes,
    }
}

#[derive(Deserialize)]
pub struct Prerempli {
    #[serde(default)]
    destinataire: String,
}

pub async fn formulaire(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    Query(p): Query<Prerempli>,
) -> Markup {
    let ctx = stagiaire.contexte(&etat.horloge);
    let brut = SaisieBrute {
        destinataire: p.destinataire.chars().filter(char::is_ascii_digit).take(14).collect(),
        date_facture: ctx.date_simulee.to_string(),
        ..SaisieBrute::default()
    };
    page_formulaire(&ctx, &brut, &[], None)
}

/// Modifier un brouillon : le formulaire prérempli, qui réenregistre le même brouillon.
pub async fn modifier(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<Markup, AppError> {
    let bac_id = stagiaire.bac.id.clone();
    let fid = id.clone();
    let f = etat.lire(move |c, _| facture::charger(c, &bac_id, &fid)).await?;
    if f.structure_id != stagiaire.structure.id {
        return Err(AppError::Introuvable("Facture".into()));
    }
    if f.statut != chorus_domain::Statut::Brouillon {
        return Err(AppError::Refus(
            "Seul un brouillon peut être modifié : cette facture a déjà été envoyée.".into(),
        ));
    }
    let ctx = stagiaire.contexte(&etat.horloge);
    Ok(page_formulaire(&ctx, &facture::saisie_de(&f.facture), &[], Some(&id)))
}

pub async fn soumettre(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    champs: Champs,
) -> Result<Response, AppError> {
    stagiaire.verifier_csrf(&champs.un("csrf")).await?;
    let brut = saisie_depuis(&champs);
    let ctx = stagiaire.contexte(&etat.horloge);
    let bac_id = stagiaire.bac.id.clone();
    let structure_id = stagiaire.structure.id.clone();
    let brouillon = Some(champs.un("brouillon")).filter(|b| !b.is_empty());
    let envoi = match (champs.un("action").as_str(), champs.un("confirme").as_str()) {
        ("enregistrer", _) => Envoi::Enregistrer,
        ("envoyer", "oui") => Envoi::ValiderEtEnvoyer,
        ("envoyer", _) => {
            let b = brut.clone();
            let br = brouillon.clone();
            let verifiee = etat
                .ecrire(move |tx, h| {
                    facture::previsualiser_envoi(tx, &bac_id, &structure_id, br.as_deref(), &b, h)
                })
                .await?;
            return Ok(match verifiee {
                Ok(f) => {
                    let nom = raison_sociale(&etat, &f.destinataire).await?;
                    page_confirmation(&ctx, &brut, &f, &nom, brouillon.as_deref()).into_response()
                }
                Err(anomalies) => refus(&ctx, &brut, &anomalies, brouillon.as_deref()),
            });
        }
        ("modifier", _) => return Ok(page_formulaire(&ctx, &brut, &[], brouillon.as_deref()).into_response()),
        _ => {
            return Err(AppError::Requete(
                "Choisissez « Enregistrer » ou « Valider et envoyer » en bas du formulaire.".into(),
            ));
        }
    };
    // Analysée et son destinataire lu avant le tour de l'écrivain, qui n'a plus qu'à vérifier
    // ce qui dépend du bac à sable et à enregistrer.
    let preparee = etat.lire_par_cle(|c, _| facture::preparer(c, &brut))?;
    let br = brouillon.clone();
    let (store, version) = (etat.store.clone(), stagiaire.version_identite);
    let (bac, structure) = (stagiaire.bac.clone(), stagiaire.structure.clone());
    let issue = etat
        .ecrire(move |tx, h| {
            // Le bac et la structure de la session valent encore si aucune identité n'a été
            // écrite depuis qu'elle les a lus ; sinon (l'horloge du bac a avancé, la structure a
            // changé…), ils sont relus sous ce tour.
            let (bac, structure) = if store.identites_inchangees_depuis(version) {
                (bac, structure)
            } else {
                chorus_store::bac::avec_structure(tx, &bac_id, &structure_id)?
            };
            facture::saisir_preparee(tx, &bac, &structure, br.as_deref(), preparee, envoi, h)
        })
        .await?;
    Ok(match issue {
        Issue::Acceptee(id) => Redirect::to(&format!("/factures-emises/{id}")).into_response(),
        Issue::Refusee(anomalies) => refus(&ctx, &brut, &anomalies, brouillon.as_deref()),
    })
}

pub fn refus(
    ctx: &Contexte<'_>,
    brut: &SaisieBrute,
    anomalies: &[Anomalie],
    brouillon: Option<&str>,
) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, page_formulaire(ctx, brut, anomalies, brouillon)).into_response()
}

fn select_codes(nom: &str, libelle: &str, valeur: &str, options: &[(&str, &str)]) -> Markup {
    html! {
        div.champ {
            label for=(nom) { (libelle) }
            select id=(nom) name=(nom) {
                @for (code, lib) in options {
                    option value=(code) selected[*code == valeur] { (lib) }
                }
            }
        }
    }
}

/// Où le formulaire s'envoie, et ce qu'il montre à côté : la saisie, ou la facture d'un dépôt
/// PDF (le PDF affiché, l'envoi vers le dépôt en cours).
pub struct Cible<'a> {
    pub action: &'a str,
    pub titre: &'a str,
    pub apercu: Option<Markup>,
}

const SAISIE: Cible<'static> =
    Cible { action: "/factures-emises/saisir", titre: "Saisir une facture", apercu: None };

pub fn page_formulaire(
    ctx: &Contexte<'_>,
    brut: &SaisieBrute,
    anomalies: &[Anomalie],
    brouillon: Option<&str>,
) -> Markup {
    page_formulaire_vers(ctx, brut, anomalies, brouillon, &SAISIE)
}

pub fn page_formulaire_vers(
    ctx: &Contexte<'_>,
    brut: &SaisieBrute,
    anomalies: &[Anomalie],
    brouillon: Option<&str>,
    cible: &Cible<'_>,
) -> Markup {
    let csrf = &ctx.stagiaire.csrf;
    let lignes: Vec<LigneBrute> = brut
        .lignes
        .iter()
        .cloned()
        .chain(
            std::iter::repeat_with(|| LigneBrute { taux_tva: "20".into(), ..LigneBrute::default() })
                .take(LIGNES_VIDES),
        )
        .collect();
    // Les cadres du type de demande de paiement « facture » (`recupererCadreFacturation`) ; les
    // pièces de travaux se déposent ailleurs.
    let cadres: Vec<(&str, &str)> = CadreFacturation::de_facture().map(|c| (c.code(), c.libelle())).collect();
    let types: Vec<(&str, &str)> = TypeFacture::TOUS.iter().map(|t| (t.code(), t.libelle())).collect();
    let modes: Vec<(&str, &str)> = ModePaiement::TOUS.iter().map(|m| (m.code(), m.libelle())).collect();
    let types_tva: Vec<(&str, &str)> = TypeTva::TOUS.iter().map(|t| (t.code(), t.libelle())).collect();
    gabarit(
        cible.titre,
        Some(csrf),
        Some(ctx),
        html! {
            (onglets_factures_emises(Some(if cible.apercu.is_some() { Onglet::Deposer } else { Onglet::Saisir })))
            h1 { @if brouillon.is_some() { "Modifier le brouillon" } @else { (cible.titre) } }
            @if let Some(apercu) = &cible.apercu { (apercu) }
            p.chapeau { "Les champs marqués d'un astérisque rouge " span.obligatoire { "*" } " sont obligatoires." }
            @if !anomalies.is_empty() {
                div.alerte.alerte-erreur.resume-erreurs role="alert" tabindex="-1" id="resume-erreurs" {
                    h2 { "La facture ne peut pas être " @if anomalies.iter().any(|a| a.code == "NUMERO_DEJA_UTILISE") && anomalies.len() == 1 { "enregistrée" } @else { "acceptée" } " : " (anomalies.len()) " anomalie(s)" }
                    ul {
                        @for a in anomalies {
                            li { a href={ "#" (id_champ(&a.champ, a.ligne)) } { (a.message) } }
                        }
                    }
                }
            }
            form.saisie method="post" action=(cible.action) novalidate {
                // Entrée dans un champ n'enregistre ni n'envoie rien.
                (super::sans_soumission_implicite())
                (champ_csrf(csrf))
                @if let Some(b) = brouillon { input type="hidden" name="brouillon" value=(b); }
                fieldset {
                    legend { "1. Destinataire de la facture" }
                    (champ_texte(anomalies, "destinataire", "SIRET du destinataire (votre client public)", &brut.destinataire, true,
                        Some("14 chiffres. C'est le SIRET de l'acheteur public, pas le vôtre : cherchez-le dans l'annuaire."), ("text", 20)))
                    p.aide { a href="/annuaire" target="_blank" { "Ouvrir l'annuaire dans un nouvel onglet" } }
                    (champ_texte(anomalies, "code_service", "Code service", &brut.code_service, false,
                        Some("Obligatoire si l'annuaire l'indique pour ce destinataire."), ("text", 100)))
                }
                fieldset {
                    legend { "2. Fournisseur" }
                    p { strong { (ctx.stagiaire.structure.raison_sociale) } " — SIRET " (ctx.stagiaire.structure.identifiant) }
                }
                fieldset {
                    legend { "3. Cadre de facturation" }
                    (select_codes("cadre", "Cadre de facturation", &brut.cadre, &cadres))
                    p.aide { "A2 : la facture est déjà payée (par carte d'achat, par exemple) ; le montant à payer sera nul. \
                        A9 : vous êtes sous-traitant de premier rang, payé directement par l'acheteur. \
                        A12 : vous êtes cotraitant d'un groupement." }
                    div.groupe-valideur {
                        p.aide { strong { "Valideur (A9 et A12 seulement). " }
                            "Votre facture passe d'abord par lui : pour A9, le titulaire du marché (ou le cotraitant qui vous a \
                             sous-traité les travaux) ; pour A12, le mandataire du groupement. Il a 15 jours pour l'accepter ou la \
                             refuser ; sans réponse, elle est réputée acceptée. Laissez vide pour A1 et A2." }
                        (champ_texte(anomalies, "code_structure_valideur", "SIRET du valideur", &brut.code_structure_valideur, false,
                            Some("14 chiffres, tels qu'ils figurent sur l'acte de sous-traitance ou la convention de groupement."), ("text", 20)))
                        (champ_texte(anomalies, "code_service_valideur", "Code service du valideur (facultatif)", &brut.code_service_valideur, false,
                            None, ("text", 100)))
                    }
                    (select_codes("type_facture", "Type de facture", &brut.type_facture, &types))
                    (champ_texte(anomalies, "numero_facture_origine", "Numéro de la facture d'origine", &brut.numero_facture_origine, false,
                        Some("Pour un avoir seulement : le numéro de la facture qu'il annule ou réduit."), ("text", 20)))
                }
                fieldset {
                    legend { "4. Références de la facture" }
                    (champ_texte(anomalies, "numero", "Numéro de facture", &brut.numero, true,
                        Some("20 caractères au plus. Un numéro ne sert qu'une fois, même après un rejet."), ("text", 20)))
                    p.aide { "Unicité du numéro pour votre structure, toutes années confondues : " (marque_choix(ChoixSimulateur::UniciteNumero)) }
                    (champ_texte(anomalies, "date_facture", "Date de facture", &brut.date_facture, true, None, ("date", 10)))
                    p.aide { "Une date postérieure à la date du jour est refusée : " (marque_choix(ChoixSimulateur::DateFuture)) }
                    (champ_texte(anomalies, "numero_engagement", "Numéro d'engagement juridique (n° de bon de commande)", &brut.numero_engagement, false,
                        Some("Le numéro donné par l'acheteur sur son bon de commande. Obligatoire si l'annuaire l'indique."), ("text", 50)))
                    (champ_texte(anomalies, "numero_marche", "Numéro de marché", &brut.numero_marche, false,
                        Some("Le numéro du marché public, s'il y en a un. Ce n'est pas le numéro d'engagement : chacun a son champ."), ("text", 50)))
                    (select_codes("mode_paiement", "Mode de paiement", &brut.mode_paiement, &modes))
                    (select_codes("type_tva", "Type de TVA", &brut.type_tva, &types_tva))
                    (champ_texte(anomalies, "motif_exoneration", "Motif d'exonération de TVA", &brut.motif_exoneration, false,
                        Some("Obligatoire si une ligne est à 0 % (par exemple : « TVA non applicable, art. 293 B du CGI »)."), ("text", 255)))
                }
                fieldset {
                    legend { "5. Lignes de la facture" }
                    @if let Some(e) = anomalies.iter().find(|a| a.champ == "lignes") {
                        p.message-erreur id="lignes" { (e.message) }
                    }
                    div.defilement tabindex="0" {
                        table.tableau.lignes #lignes-facture {
                            thead { tr {
                                th scope="col" { "Référence" } th scope="col" { "Désignation *" } th scope="col" { "Quantité *" }
                                th scope="col" { "Unité" } th scope="col" { "Prix unitaire HT (€) *" } th scope="col" { "Remise HT (€)" }
                                th scope="col" { "TVA (%) *" }
                            } }
                            tbody {
                                @for (i, l) in lignes.iter().enumerate() {
                                    (ligne_formulaire(anomalies, i + 1, l))
                                }
                            }
                        }
                    }
                    p.aide { "Remplissez autant de lignes que nécessaire ; les lignes laissées vides sont ignorées. Enregistrez pour obtenir d'autres lignes vides." }
                }
                fieldset {
                    legend { "6. Commentaire" }
                    div.champ {
                        label for="commentaire" { "Commentaire (facultatif)" }
                        @let erreurs = erreurs_du_champ(anomalies, "commentaire", None);
                        @if !erreurs.is_empty() { p.message-erreur { @for e in &erreurs { (e.message) } } }
                        textarea #commentaire name="commentaire" rows="3" maxlength="2000" { (brut.commentaire) }
                    }
                }
                div.boutons {
                    button.bouton type="submit" name="action" value="enregistrer" { "Enregistrer (brouillon)" }
                    button.bouton.bouton-principal type="submit" name="action" value="envoyer" { "Valider et envoyer" }
                }
                p.aide { "« Enregistrer » garde la facture en brouillon : elle n'est PAS transmise. Seul « Valider et envoyer » l'envoie au destinataire." }
            }
        },
    )
}

fn ligne_formulaire(anomalies: &[Anomalie], n: usize, l: &LigneBrute) -> Markup {
    let cellule = |nom: &str, valeur: &str, libelle: &str, mode: &str, longueur: usize| {
        let erreurs = erreurs_du_champ(anomalies, nom, Some(n));
        let id = id_champ(nom, Some(n));
        html! {
            td class={ @if !erreurs.is_empty() { "champ-en-erreur" } } {
                label.invisible for=(id) { (libelle) " (ligne " (n) ")" }
                input id=(id) name=(nom) type="text" inputmode=(mode) value=(valeur) maxlength=(longueur)
                    aria-invalid=[(!erreurs.is_empty()).then_some("true")];
                @for e in &erreurs { p.message-erreur { (e.message) } }
            }
        }
    };
    let erreurs_taux = erreurs_du_champ(anomalies, "ligne_taux_tva", Some(n));
    let id_taux = id_champ("ligne_taux_tva", Some(n));
    html! {
        tr {
            (cellule("ligne_reference", &l.reference, "Référence", "text", 50))
            (cellule("ligne_designation", &l.designation, "Désignation", "text", 250))
            (cellule("ligne_quantite", &l.quantite, "Quantité", "decimal", 20))
            (cellule("ligne_unite", &l.unite, "Unité", "text", 20))
            (cellule("ligne_prix_unitaire_ht", &l.prix_unitaire_ht, "Prix unitaire HT", "decimal", 20))
            (cellule("ligne_remise_ht", &l.remise_ht, "Remise HT", "decimal", 20))
            td class={ @if !erreurs_taux.is_empty() { "champ-en-erreur" } } {
                label.invisible for=(id_taux) { "Taux de TVA (ligne " (n) ")" }
                @let connu = TauxTva::depuis_saisie(&l.taux_tva).ok();
                select id=(id_taux) name="ligne_taux_tva" {
                    @if connu.is_none() && !l.taux_tva.trim().is_empty() {
                        option value=(l.taux_tva) selected { (l.taux_tva) }
                    }
                    @for t in TauxTva::TOUS {
                        option value=(t.libelle()) selected[connu == Some(t)] { (t.libelle()) " %" }
                    }
                }
                @for e in &erreurs_taux { p.message-erreur { (e.message) } }
            }
        }
    }
}

/// « L'outil vous demandera de confirmer votre demande d'envoi » : le récapitulatif, et la
/// saisie reportée en champs cachés pour l'envoi ou le retour au formulaire.
fn page_confirmation(
    ctx: &Contexte<'_>,
    brut: &SaisieBrute,
    f: &Facture,
    destinataire: &str,
    brouillon: Option<&str>,
) -> Markup {
    page_confirmation_vers(ctx, brut, f, destinataire, brouillon, SAISIE.action)
}

/// La raison sociale du destinataire (annuaire), pour que la confirmation nomme le client.
pub async fn raison_sociale(etat: &AppState, identifiant: &str) -> Result<String, AppError> {
    let id = identifiant.to_string();
    etat.lire(move |c, _| Ok(chorus_store::reference::structure_publique(c, &id)?.map(|s| s.raison_sociale)))
        .await
        .map(Option::unwrap_or_default)
}

pub fn page_confirmation_vers(
    ctx: &Contexte<'_>,
    brut: &SaisieBrute,
    f: &Facture,
    destinataire: &str,
    brouillon: Option<&str>,
    action: &str,
) -> Markup {
    let t = f.totaux();
    let cache = |nom: &str, valeur: &str| html! { input type="hidden" name=(nom) value=(valeur); };
    let champs_caches = html! {
        (champ_csrf(&ctx.stagiaire.csrf))
        @if let Some(b) = brouillon { (cache("brouillon", b)) }
        (cache("numero", &brut.numero)) (cache("date_facture", &brut.date_facture))
        (cache("type_facture", &brut.type_facture)) (cache("cadre", &brut.cadre))
        (cache("destinataire", &brut.destinataire)) (cache("code_service", &brut.code_service))
        (cache("numero_engagement", &brut.numero_engagement)) (cache("numero_marche", &brut.numero_marche))
        (cache("mode_paiement", &brut.mode_paiement)) (cache("type_tva", &brut.type_tva))
        (cache("motif_exoneration", &brut.motif_exoneration)) (cache("numero_facture_origine", &brut.numero_facture_origine))
        (cache("commentaire", &brut.commentaire))
        (cache("code_structure_valideur", &brut.code_structure_valideur))
        (cache("code_service_valideur", &brut.code_service_valideur))
        @for l in &brut.lignes {
            (cache("ligne_reference", &l.reference)) (cache("ligne_designation", &l.designation))
            (cache("ligne_quantite", &l.quantite)) (cache("ligne_unite", &l.unite))
            (cache("ligne_prix_unitaire_ht", &l.prix_unitaire_ht)) (cache("ligne_remise_ht", &l.remise_ht))
            (cache("ligne_taux_tva", &l.taux_tva))
        }
    };
    gabarit(
        "Confirmer l'envoi",
        Some(&ctx.stagiaire.csrf),
        Some(ctx),
        html! {
            (onglets_factures_emises(None))
            h1 { "Confirmer l'envoi de la facture" }
            div.alerte.alerte-info {
                p {
                    "Vous allez transmettre la facture " strong { (f.numero) } " à "
                    strong { @if destinataire.is_empty() { (f.destinataire) } @else { (destinataire) " (SIRET " (f.destinataire) ")" } }
                    ". Une fois envoyée, elle ne pourra plus être modifiée."
                }
            }
            dl.fiche {
                dt { "Destinataire" } dd { @if destinataire.is_empty() { "—" } @else { (destinataire) } " " small.nombre { "(" (f.destinataire) ")" } }
                dt { "Cadre de facturation" } dd { (f.cadre.libelle()) }
                @if !f.code_structure_valideur.is_empty() {
                    dt { "Valideur" } dd { (f.code_structure_valideur) " — il a 15 jours pour valider votre facture avant qu'elle parte vers l'acheteur" }
                }
                dt { "Date de facture" } dd { (format::date_courte(f.date_facture)) }
                dt { "Code service" } dd { @if f.code_service.is_empty() { "—" } @else { (f.code_service) } }
                dt { "N° d'engagement" } dd { @if f.numero_engagement.is_empty() { "—" } @else { (f.numero_engagement) } }
                dt { "Total HT" } dd.nombre { (format::euros(t.total_ht)) }
                dt { "TVA" } dd.nombre { (format::euros(t.total_tva)) }
                dt { "Total TTC" } dd.nombre { strong { (format::euros(t.total_ttc)) } }
                dt { "Montant à payer" } dd.nombre { (format::euros(t.montant_a_payer)) }
            }
            (super::contenu_facture::lignes(f))
            div.boutons {
                form method="post" action=(action) {
                    (champs_caches)
                    input type="hidden" name="confirme" value="oui";
                    button.bouton.bouton-principal type="submit" name="action" value="envoyer" { "Confirmer l'envoi" }
                }
                form method="post" action=(action) {
                    (champs_caches)
                    button.bouton type="submit" name="action" value="modifier" { "Revenir à la saisie" }
                }
            }
        },
    )
}
