//! « Gérer ma structure » : informations, services, utilisateurs et leurs rôles. Tout le
//! monde rattaché peut consulter ; modifier est réservé au gestionnaire principal, sauf
//! l'activation ou la fermeture d'un service, ouverte aux utilisateurs habilités sur ce service.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chorus_domain::compte::Role;
use chorus_domain::{Anomalie, service};
use chorus_store::gestion::{self, NouvellesInformations};
use maud::{Markup, html};

use super::{champ_csrf, champ_texte, gabarit, resume_anomalies};
use crate::erreur::AppError;
use crate::etat::AppState;
use crate::formulaire::Champs;
use crate::session::Stagiaire;

struct Vue {
    details: gestion::Details,
    services: Vec<gestion::ServiceStructure>,
    membres: Vec<gestion::Membre>,
    role: Option<Role>,
}

async fn charger(etat: &AppState, s: &Stagiaire) -> Result<Vue, AppError> {
    let (bac, sid, uid) = (s.bac.id.clone(), s.structure.id.clone(), s.utilisateur.id.clone());
    etat.lire(move |c, _| {
        Ok(Vue {
            details: gestion::details(c, &bac, &sid)?,
            services: gestion::services(c, &bac, &sid)?,
            membres: gestion::membres(c, &bac, &sid)?,
            role: chorus_store::structure::role(c, &uid, &sid)?,
        })
    })
    .await
}

fn page(
    etat: &AppState,
    s: &Stagiaire,
    v: &Vue,
    anomalies: &[Anomalie],
    service_saisi: (&str, &str),
) -> Markup {
    let gp = v.role == Some(Role::GestionnairePrincipal);
    let d = &v.details;
    let ctx = s.contexte(&etat.horloge);
    gabarit(
        "Gérer ma structure",
        Some(&s.csrf),
        Some(&ctx),
        html! {
            h1 { "Gérer ma structure" }
            p.chapeau {
                "Votre rôle : " strong { (v.role.map_or("—", Role::libelle)) } ". "
                @if !gp { "Seul le gestionnaire principal modifie la structure et ses utilisateurs." }
            }
            nav.grille-tuiles aria-label="Autres réglages de la structure" {
                a.tuile-domaine href="/structure/coordonnees-bancaires" { strong { "Coordonnées bancaires" } span { "IBAN, BIC, affacturage." } }
                a.tuile-domaine href="/structure/espaces" { strong { "Espaces" } span { "Factures émises, factures de travaux, sollicitations…" } }
                a.tuile-domaine href="/structure/compte-technique" { strong { "Compte technique" } span { "Pour les échanges par API (mot de passe valable 424 jours)." } }
            }
            section {
                h2 { "Informations générales" }
                @if !d.verifiee { p { span.etiquette.etiquette-rouge { "Non vérifiée" } " Identifiant non contrôlé dans le répertoire des entreprises." } }
                form method="post" action="/structure/informations" {
                    (champ_csrf(&s.csrf))
                    dl.fiche {
                        dt { "Type d'identifiant" } dd { (d.type_identifiant) }
                        dt { "Identifiant" } dd.nombre { (d.identifiant) }
                    }
                    @let verrouillee = d.verifiee && d.type_identifiant == "SIRET";
                    div.champ {
                        label for="raison_sociale" { "Raison sociale" }
                        @if verrouillee { p.aide { "Reprise du répertoire des entreprises : elle ne se modifie pas ici." } }
                        input #raison_sociale name="raison_sociale" value=(d.raison_sociale) maxlength="100" readonly[verrouillee || !gp];
                    }
                    div.champ { label for="adresse" { "Adresse" } input #adresse name="adresse" value=(d.adresse) maxlength="200" readonly[!gp]; }
                    div.champ { label for="code_postal" { "Code postal" } input #code_postal name="code_postal" value=(d.code_postal) maxlength="10" readonly[!gp]; }
                    div.champ { label for="ville" { "Ville" } input #ville name="ville" value=(d.ville) maxlength="100" readonly[!gp]; }
                    @if gp { button.bouton.bouton-principal type="submit" { "Enregistrer" } }
                }
            }
            section {
                h2 { "Services" }
                p.aide { "Les services organisent le travail dans la structure ; un utilisateur peut être habilité sur certains services seulement." }
                @if v.services.is_empty() { p.vide { "Aucun service." } } @else {
                    table.tableau {
                        thead { tr { th scope="col" { "Code" } th scope="col" { "Libellé" } th scope="col" { "État" } th scope="col" { "Action" } } }
                        tbody {
                            @for sv in &v.services {
                                tr {
                                    td { code { (sv.code) } } td { (sv.libelle) }
                                    td { @if sv.actif { "actif" } @else { span.etiquette.etiquette-rouge { "fermé" } } }
                                    td {
                                        form method="post" action="/structure/services/etat" {
                                            (champ_csrf(&s.csrf))
                                            input type="hidden" name="code" value=(sv.code);
                                            input type="hidden" name="actif" value=(if sv.actif { "non" } else { "oui" });
                                            button.bouton type="submit" { @if sv.actif { "Fermer" } @else { "Activer" } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                @if gp {
                    h3 { "Créer un service" }
                    (resume_anomalies("Le service ne peut pas être créé :", anomalies))
                    form method="post" action="/structure/services" novalidate {
                        (champ_csrf(&s.csrf))
                        (champ_texte(anomalies, "code", "Code du service", service_saisi.0, true, Some("Lettres sans accent, chiffres, _ et -."), ("text", 100)))
                        (champ_texte(anomalies, "libelle", "Libellé", service_saisi.1, true, None, ("text", 100)))
                        button.bouton.bouton-principal type="submit" { "Créer le service" }
                    }
                }
            }
            section {
                h2 { "Utilisateurs" }
                table.tableau {
                    thead { tr { th scope="col" { "Utilisateur" } th scope="col" { "Rôle" } th scope="col" { "Habilitations" } @if gp { th scope="col" { "Actions" } } } }
                    tbody {
                        @for m in &v.membres {
                            tr {
                                td { (m.prenom) " " (m.nom) br; small { (m.email) } }
                                td { (m.role.libelle()) @if m.statut == "EN_ATTENTE" { br; span.etiquette { "demande en attente" } } }
                                td {
                                    @if m.role == Role::GestionnairePrincipal { "tous les services" }
                                    @else if m.statut == "VALIDE" && gp && !v.services.is_empty() {
                                        form method="post" action="/structure/utilisateurs/habilitations" {
                                            (champ_csrf(&s.csrf))
                                            input type="hidden" name="utilisateur" value=(m.id);
                                            @for sv in &v.services {
                                                @let id = format!("hab-{}-{}", m.id, sv.code);
                                                div { input id=(id) type="checkbox" name="service" value=(sv.code) checked[m.services.contains(&sv.code)]; label for=(id) { " " (sv.code) } }
                                            }
                                            button.bouton type="submit" { "Enregistrer les habilitations" }
                                        }
                                    }
                                    @else if m.services.is_empty() { "aucune" } @else { (m.services.join(", ")) }
                                }
                                @if gp {
                                    td {
                                        @if m.role != Role::GestionnairePrincipal && m.statut == "VALIDE" {
                                            form method="post" action="/structure/utilisateurs/gestionnaire" {
                                                (champ_csrf(&s.csrf))
                                                input type="hidden" name="utilisateur" value=(m.id);
                                                button.bouton type="submit" { "Lui transférer le rôle de gestionnaire principal" }
                                            }
                                            form method="post" action="/structure/utilisateurs/detacher" {
                                                (champ_csrf(&s.csrf))
                                                input type="hidden" name="utilisateur" value=(m.id);
                                                button.bouton.bouton-danger type="submit" { "Détacher de la structure" }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                @if gp { p { "Les demandes de rattachement se traitent dans " a href="/approbations" { "Approbations" } "." } }
            }
        },
    )
}

pub async fn page_gestion(State(etat): State<AppState>, s: Stagiaire) -> Result<Markup, AppError> {
    let v = charger(&etat, &s).await?;
    Ok(page(&etat, &s, &v, &[], ("", "")))
}

pub async fn informations(
    State(etat): State<AppState>,
    s: Stagiaire,
    champs: Champs,
) -> Result<Redirect, AppError> {
    s.verifier_csrf(&champs.un("csrf")).await?;
    s.exiger_gestionnaire(&etat).await?;
    let (bac, sid, uid) = (s.bac.id.clone(), s.structure.id.clone(), s.utilisateur.id.clone());
    etat.ecrire(move |tx, _| {
        let i = NouvellesInformations {
            raison_sociale: &champs.un("raison_sociale"),
            adresse: &champs.un("adresse"),
            code_postal: &champs.un("code_postal"),
            ville: &champs.un("ville"),
        };
        gestion::modifier_informations(tx, &bac, &uid, &sid, &i)
    })
    .await?;
    Ok(Redirect::to("/structure"))
}

pub async fn creer_service(
    State(etat): State<AppState>,
    s: Stagiaire,
    champs: Champs,
) -> Result<Response, AppError> {
    s.verifier_csrf(&champs.un("csrf")).await?;
    s.exiger_gestionnaire(&etat).await?;
    let (code, libelle) = (champs.un("code"), champs.un("libelle"));
    let normalise = match service::controler(&code, &libelle) {
        Ok(c) => c,
        Err(anomalies) => {
            let v = charger(&etat, &s).await?;
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                page(&etat, &s, &v, &anomalies, (&code, &libelle)),
            )
                .into_response());
        }
    };
    let (bac, sid, uid) = (s.bac.id.clone(), s.structure.id.clone(), s.utilisateur.id.clone());
    let l = libelle.clone();
    let r = etat.ecrire(move |tx, _| gestion::creer_service(tx, &bac, &uid, &sid, &normalise, &l)).await;
    match r {
        Ok(()) => Ok(Redirect::to("/structure").into_response()),
        Err(AppError::Requete(m)) => {
            let v = charger(&etat, &s).await?;
            let a = [Anomalie::champ("code", "SERVICE_EXISTANT", m)];
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page(&etat, &s, &v, &a, (&code, &libelle))).into_response())
        }
        Err(e) => Err(e),
    }
}

pub async fn etat_service(
    State(etat): State<AppState>,
    s: Stagiaire,
    champs: Champs,
) -> Result<Redirect, AppError> {
    s.verifier_csrf(&champs.un("csrf")).await?;
    let actif = match champs.un("actif").as_str() {
        "oui" => true,
        "non" => false,
        _ => return Err(AppError::Requete("Choisissez « Activer » ou « Fermer ».".into())),
    };
    let (bac, sid, uid, code) =
        (s.bac.id.clone(), s.structure.id.clone(), s.utilisateur.id.clone(), champs.un("code"));
    etat.ecrire(move |tx, _| gestion::changer_etat_service(tx, &bac, &uid, &sid, &code, actif)).await?;
    Ok(Redirect::to("/structure"))
}

/// Les trois actions du gestionnaire sur un utilisateur.
enum ActionMembre {
    Detacher,
    Gestionnaire,
    Habilitations(Vec<String>),
}

async fn agir(
    etat: AppState,
    s: Stagiaire,
    champs: Champs,
    action: ActionMembre,
) -> Result<Redirect, AppError> {
    s.verifier_csrf(&champs.un("csrf")).await?;
    s.exiger_gestionnaire(&etat).await?;
    let (bac, sid, uid, cible) =
        (s.bac.id.clone(), s.structure.id.clone(), s.utilisateur.id.clone(), champs.un("utilisateur"));
    etat.ecrire(move |tx, _| match &action {
        ActionMembre::Detacher => gestion::detacher(tx, &bac, &uid, &sid, &cible),
        ActionMembre::Gestionnaire => gestion::transferer_gestionnaire(tx, &bac, &uid, &sid, &cible),
        ActionMembre::Habilitations(codes) => {
            gestion::definir_habilitations(tx, &bac, &uid, &sid, &cible, codes)
        }
    })
    .await?;
    Ok(Redirect::to("/structure"))
}

pub async fn detacher(
    State(etat): State<AppState>,
    s: Stagiaire,
    champs: Champs,
) -> Result<Redirect, AppError> {
    agir(etat, s, champs, ActionMembre::Detacher).await
}

pub async fn gestionnaire(
    State(etat): State<AppState>,
    s: Stagiaire,
    champs: Champs,
) -> Result<Redirect, AppError> {
    agir(etat, s, champs, ActionMembre::Gestionnaire).await
}

pub async fn habilitations(
    State(etat): State<AppState>,
    s: Stagiaire,
    champs: Champs,
) -> Result<Redirect, AppError> {
    let codes = champs.tous("service");
    agir(etat, s, champs, ActionMembre::Habilitations(codes)).await
}
