//! Réglages de la structure au-delà de ses services : coordonnées bancaires (et affacturage),
//! espaces et abonnements des utilisateurs, compte technique pour l'API (domaine
//! « Raccordements »). Tout utilisateur rattaché consulte ; modifier la structure est réservé
//! au gestionnaire principal, vérifié à chaque requête. Chacun gère ses propres abonnements.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chorus_domain::Anomalie;
use chorus_domain::compte::Role;
use chorus_domain::compte_technique::{EtatMotDePasse, VALIDITE_MOT_DE_PASSE_TECHNIQUE_JOURS};
use chorus_domain::coordonnees_bancaires::{self, NOM_MAX, SaisieCoordonnees, TITULAIRE_MAX};
use chorus_domain::espace::{Espace, Mode};
use chorus_store::Erreur;
use chorus_store::raccordement::{self, AbonnementUtilisateur, CompteTechnique, Coordonnee};
use maud::{Markup, html};
use serde::Deserialize;

use super::{champ_csrf, champ_texte, erreurs_du_champ, gabarit, resume_anomalies};
use crate::erreur::AppError;
use crate::etat::AppState;
use crate::format;
use crate::formulaire::Champs;
use crate::session::Stagiaire;

/// `?fait=…` après une action réussie : le bandeau de confirmation à afficher.
#[derive(Debug, Default, Deserialize)]
pub struct Retour {
    fait: Option<String>,
}

fn confirmation(message: Option<&str>) -> Markup {
    html! {
        @if let Some(m) = message {
            div.alerte.alerte-info role="status" { p { (m) } }
        }
    }
}

/// Les liens entre les réglages de la structure.
fn sous_menu(actif: &str) -> Markup {
    let liens = [
        ("/structure", "Ma structure"),
        ("/structure/coordonnees-bancaires", "Coordonnées bancaires"),
        ("/structure/espaces", "Espaces"),
        ("/structure/compte-technique", "Compte technique"),
    ];
    html! {
        nav.filtres aria-label="Réglages de la structure" {
            @for (href, libelle) in liens {
                @if href == actif {
                    strong aria-current="page" { (libelle) }
                } @else {
                    a href=(href) { (libelle) }
                }
                " "
            }
        }
    }
}

async fn est_gestionnaire(etat: &AppState, s: &Stagiaire) -> Result<bool, AppError> {
    Ok(s.role(etat).await? == Some(Role::GestionnairePrincipal))
}

fn reserve_au_gestionnaire(quoi: &str) -> Markup {
    html! {
        p.aide {
            "Seul le gestionnaire principal de la structure peut " (quoi)
            ". Vous pouvez consulter cette page ; demandez-lui d'agir si un changement est nécessaire."
        }
    }
}

/// Une erreur « saisie refusée » du stockage devient des anomalies à réafficher ; le reste suit
/// le chemin ordinaire des erreurs.
fn separer_anomalies<T>(r: chorus_store::Resultat<T>) -> chorus_store::Resultat<Result<T, Vec<Anomalie>>> {
    match r {
        Ok(v) => Ok(Ok(v)),
        Err(Erreur::Anomalies(a)) => Ok(Err(a)),
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------------------------------------
// Coordonnées bancaires
// ---------------------------------------------------------------------------------------------

/// Ce que la personne a tapé, réaffiché tel quel si la saisie est refusée.
#[derive(Debug, Default, Clone)]
struct SaisieCb {
    nom: String,
    titulaire: String,
    iban: String,
    bic: String,
    affactureur: bool,
}

impl SaisieCb {
    fn depuis(champs: &Champs) -> SaisieCb {
        SaisieCb {
            nom: champs.un("nom"),
            titulaire: champs.un("titulaire"),
            iban: champs.un("iban"),
            bic: champs.un("bic"),
            affactureur: champs.un("affactureur") == "oui",
        }
    }
}

async fn liste_coordonnees(etat: &AppState, s: &Stagiaire) -> Result<Vec<Coordonnee>, AppError> {
    let (bac, sid) = (s.bac.id.clone(), s.structure.id.clone());
    etat.lire(move |c, _| raccordement::coordonnees(c, &bac, &sid)).await
}

struct VueCoordonnees<'a> {
    liste: &'a [Coordonnee],
    gestionnaire: bool,
    saisie: &'a SaisieCb,
    anomalies: &'a [Anomalie],
    message: Option<&'a str>,
}

fn page_coordonnees(etat: &AppState, s: &Stagiaire, v: &VueCoordonnees<'_>) -> Markup {
    let ctx = s.contexte(&etat.horloge);
    let anomalies = v.anomalies;
    let erreurs_affactureur = erreurs_du_champ(anomalies, "affactureur", None);
    gabarit(
        "Coordonnées bancaires",
        Some(&s.csrf),
        Some(&ctx),
        html! {
            (sous_menu("/structure/coordonnees-bancaires"))
            h1 { "Coordonnées bancaires" }
            p.chapeau {
                "Les comptes sur lesquels " strong { (s.structure.raison_sociale) } " est payée. Sur le portail, en saisissant "
                "ou en déposant une facture, on choisit l'un d'eux dans « Référence bancaire » : l'acheteur public paie sur ce "
                "compte (dans ce simulateur, ce choix n'est pas encore proposé dans le formulaire de saisie)."
            }
            (confirmation(v.message))
            section {
                h2 { "Comptes de la structure" }
                @if v.liste.is_empty() {
                    p.vide { "Aucune coordonnée bancaire enregistrée." }
                } @else {
                    table.tableau {
                        thead {
                            tr {
                                th scope="col" { "Nom" }
                                th scope="col" { "Titulaire" }
                                th scope="col" { "IBAN" }
                                th scope="col" { "BIC" }
                                th scope="col" { "État" }
                                @if v.gestionnaire { th scope="col" { "Action" } }
                            }
                        }
                        tbody {
                            @for cb in v.liste {
                                tr {
                                    td {
                                        (cb.nom)
                                        @if cb.affactureur { br; span.etiquette { "Compte de l'affactureur" } }
                                    }
                                    td { (cb.titulaire) }
                                    td { code { (cb.iban_papier()) } }
                                    td { code { (cb.bic) } }
                                    td {
                                        @if cb.active { "Active" } @else { span.etiquette.etiquette-neutre { "Désactivée" } }
                                        br; small { "ajoutée le " (format::date_courte(cb.ajoutee_le)) }
                                    }
                                    @if v.gestionnaire {
                                        td {
                                            @if cb.active {
                                                form method="post" action={ "/structure/coordonnees-bancaires/" (cb.id) "/desactiver" } {
                                                    (champ_csrf(&s.csrf))
                                                    button.bouton.bouton-danger type="submit" { "Désactiver" }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            section {
                h2 { "Ajouter des coordonnées bancaires" }
                @if v.gestionnaire {
                    (resume_anomalies("Les coordonnées bancaires ne peuvent pas être enregistrées :", anomalies))
                    form method="post" action="/structure/coordonnees-bancaires" novalidate {
                        (champ_csrf(&s.csrf))
                        (champ_texte(anomalies, "nom", "Nom des coordonnées", &v.saisie.nom, true,
                            Some("Le nom sous lequel vous choisirez ce compte dans une facture, par exemple « Compte principal »."),
                            ("text", NOM_MAX)))
                        (champ_texte(anomalies, "titulaire", "Titulaire du compte", &v.saisie.titulaire, true,
                            Some("Tel qu'il est écrit sur le RIB."), ("text", TITULAIRE_MAX)))
                        (champ_texte(anomalies, "iban", "IBAN", &v.saisie.iban, true,
                            Some("Recopiez-le depuis le RIB ; les espaces sont acceptés. Un IBAN français commence par FR et compte 27 caractères."),
                            ("text", 42)))
                        (champ_texte(anomalies, "bic", "BIC", &v.saisie.bic, true,
                            Some("8 ou 11 caractères, sur le RIB à côté de l'IBAN. Exemple : BNPAFRPP."), ("text", 14)))
                        div class={ "champ" @if !erreurs_affactureur.is_empty() { " champ-en-erreur" } } {
                            input #affactureur type="checkbox" name="affactureur" value="oui" checked[v.saisie.affactureur]
                                aria-describedby="affactureur-aide";
                            label for="affactureur" { " Affactureur" }
                            p.aide #affactureur-aide {
                                "Cochez cette case si le compte est celui d'un affactureur (une société d'affacturage à qui "
                                "vous cédez vos factures) : le titulaire est alors l'affactureur. Choisissez ce compte dans "
                                "« Référence bancaire » en saisissant la facture, et écrivez la mention de subrogation dans le "
                                "champ « Commentaire » de la facture, comme le conseille l'AIFE : le RIB de l'affactureur "
                                "imprimé sur le PDF ne suffit pas."
                            }
                        }
                        button.bouton.bouton-principal type="submit" { "Enregistrer les coordonnées" }
                    }
                } @else {
                    (reserve_au_gestionnaire("ajouter ou désactiver des coordonnées bancaires"))
                }
            }
            p.aide {
                "Un changement de coordonnées bancaires se fait ici, par le gestionnaire principal, et ses gestionnaires "
                "en sont avertis dans la messagerie. Méfiez-vous d'un courriel ou d'un appel qui demande de « mettre à "
                "jour un RIB » : c'est la fraude au faux RIB."
            }
        },
    )
}

pub async fn coordonnees(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    Query(retour): Query<Retour>,
) -> Result<Markup, AppError> {
    let liste = liste_coordonnees(&etat, &stagiaire).await?;
    let gestionnaire = est_gestionnaire(&etat, &stagiaire).await?;
    let message = match retour.fait.as_deref() {
        Some("ajout") => {
            Some("Les coordonnées bancaires sont enregistrées : vous pouvez les choisir dans vos factures.")
        }
        Some("desactivation") => Some(
            "Les coordonnées bancaires sont désactivées : elles ne se choisissent plus dans une facture.",
        ),
        _ => None,
    };
    let saisie = SaisieCb::default();
    Ok(page_coordonnees(
        &etat,
        &stagiaire,
        &VueCoordonnees { liste: &liste, gestionnaire, saisie: &saisie, anomalies: &[], message },
    ))
}

pub async fn ajouter_coordonnees(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    champs: Champs,
) -> Result<Response, AppError> {
    stagiaire.verifier_csrf(&champs.un("csrf")).await?;
    stagiaire.exiger_gestionnaire(&etat).await?;
    let saisie = SaisieCb::depuis(&champs);
    let controle = coordonnees_bancaires::controler(&SaisieCoordonnees {
        nom: &saisie.nom,
        titulaire: &saisie.titulaire,
        iban: &saisie.iban,
        bic: &saisie.bic,
        affactureur: saisie.affactureur,
    });
    let resultat = match controle {
        Err(anomalies) => Err(anomalies),
        Ok(cb) => {
            let (bac, sid) = (stagiaire.bac.id.clone(), stagiaire.structure.id.clone());
            etat.ecrire(move |tx, h| {
                separer_anomalies(raccordement::ajouter_coordonnees(tx, &bac, &sid, &cb, h))
            })
            .await?
        }
    };
    match resultat {
        Ok(_) => Ok(Redirect::to("/structure/coordonnees-bancaires?fait=ajout").into_response()),
        Err(anomalies) => {
            let liste = liste_coordonnees(&etat, &stagiaire).await?;
            let vue = VueCoordonnees {
                liste: &liste,
                gestionnaire: true,
                saisie: &saisie,
                anomalies: &anomalies,
                message: None,
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page_coordonnees(&etat, &stagiaire, &vue)).into_response())
        }
    }
}

pub async fn desactiver_coordonnees(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    Path(id): Path<String>,
    champs: Champs,
) -> Result<Redirect, AppError> {
    stagiaire.verifier_csrf(&champs.un("csrf")).await?;
    stagiaire.exiger_gestionnaire(&etat).await?;
    let id: i64 = id.parse().map_err(|_| AppError::Introuvable("Coordonnée bancaire introuvable".into()))?;
    let (bac, sid) = (stagiaire.bac.id.clone(), stagiaire.structure.id.clone());
    etat.ecrire(move |tx, h| raccordement::desactiver_coordonnees(tx, &bac, &sid, id, h)).await?;
    Ok(Redirect::to("/structure/coordonnees-bancaires?fait=desactivation"))
}

// ---------------------------------------------------------------------------------------------
// Espaces et abonnements
// ---------------------------------------------------------------------------------------------

struct VueEspaces {
    ouverts: Vec<Espace>,
    mes_abonnements: Vec<(Espace, Mode)>,
    tous_abonnements: Vec<AbonnementUtilisateur>,
    gestionnaire: bool,
}

async fn charger_espaces(etat: &AppState, s: &Stagiaire) -> Result<VueEspaces, AppError> {
    let (bac, sid, uid) = (s.bac.id.clone(), s.structure.id.clone(), s.utilisateur.id.clone());
    let gestionnaire = est_gestionnaire(etat, s).await?;
    etat.lire(move |c, _| {
        Ok(VueEspaces {
            ouverts: raccordement::espaces(c, &bac, &sid)?,
            mes_abonnements: raccordement::abonnements(c, &bac, &uid, &sid)?,
            tous_abonnements: if gestionnaire {
                raccordement::abonnements_structure(c, &bac, &sid)?
            } else {
                Vec::new()
            },
            gestionnaire,
        })
    })
    .await
}

fn page_espaces(
    etat: &AppState,
    s: &Stagiaire,
    v: &VueEspaces,
    anomalies: &[Anomalie],
    message: Option<&str>,
) -> Markup {
    let ctx = s.contexte(&etat.horloge);
    let fermes: Vec<Espace> = Espace::TOUS.into_iter().filter(|e| !v.ouverts.contains(e)).collect();
    let mode_de = |e: Espace| v.mes_abonnements.iter().find(|(x, _)| *x == e).map(|(_, m)| *m);
    gabarit(
        "Espaces de la structure",
        Some(&s.csrf),
        Some(&ctx),
        html! {
            (sous_menu("/structure/espaces"))
            h1 { "Espaces de la structure" }
            p.chapeau {
                "Un espace est un ensemble de fonctionnalités de Chorus Pro (Factures émises, Factures de travaux, "
                "Sollicitations…). Le gestionnaire principal ouvre à la structure les espaces dont elle a besoin ; "
                "chaque utilisateur s'abonne ensuite à ceux qu'il utilise, en consultation ou en modification."
            }
            (confirmation(message))
            (resume_anomalies("Les espaces ne peuvent pas être modifiés :", anomalies))
            section {
                h2 { "Liste des espaces de la structure" }
                @if v.ouverts.is_empty() {
                    p.vide { "Aucun espace : la structure ne peut rien faire dans Chorus Pro tant que son gestionnaire principal n'en a pas ajouté." }
                } @else {
                    table.tableau {
                        thead {
                            tr {
                                th scope="col" { "Espace" }
                                th scope="col" { "À quoi il sert" }
                                @if v.gestionnaire { th scope="col" { "Action" } }
                            }
                        }
                        tbody {
                            @for e in &v.ouverts {
                                tr {
                                    td { strong { (e.libelle()) } }
                                    td { (e.description()) }
                                    @if v.gestionnaire {
                                        td {
                                            form method="post" action={ "/structure/espaces/" (e.code()) "/retirer" } {
                                                (champ_csrf(&s.csrf))
                                                button.bouton.bouton-danger type="submit" { "Retirer" }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                @if v.gestionnaire {
                    p.aide { "Retirer un espace retire aussi les abonnements des utilisateurs à cet espace." }
                }
            }
            section {
                h2 { "Ajouter des espaces" }
                @if !v.gestionnaire {
                    (reserve_au_gestionnaire("ajouter ou retirer des espaces"))
                } @else if fermes.is_empty() {
                    p { "Tous les espaces sont déjà ouverts à la structure." }
                } @else {
                    form method="post" action="/structure/espaces" {
                        (champ_csrf(&s.csrf))
                        fieldset.champ #espace {
                            legend { "Espaces à ajouter" }
                            @for e in &fermes {
                                div {
                                    input id={ "espace-" (e.code()) } type="checkbox" name="espace" value=(e.code());
                                    label for={ "espace-" (e.code()) } { " " strong { (e.libelle()) } " — " (e.description()) }
                                }
                            }
                        }
                        button.bouton.bouton-principal type="submit" { "Ajouter les espaces cochés" }
                    }
                }
            }
            section #abonnements {
                h2 { "Mes abonnements aux espaces" }
                p {
                    "Abonnez-vous aux espaces de la structure dont vous avez besoin : « Consultation » pour voir, "
                    "« Modification » pour agir (saisir, déposer, traiter). Dans Chorus Pro, déconnectez-vous puis "
                    "reconnectez-vous pour voir apparaître un nouvel espace."
                }
                @if v.ouverts.is_empty() {
                    p.vide { "Aucun espace ouvert à la structure : rien à quoi s'abonner." }
                } @else {
                    table.tableau {
                        thead { tr { th scope="col" { "Espace" } th scope="col" { "Mon abonnement" } } }
                        tbody {
                            @for e in &v.ouverts {
                                @let actuel = mode_de(*e);
                                @let id = format!("mode-{}", e.code());
                                tr {
                                    td { label for=(id) { (e.libelle()) } }
                                    td {
                                        form.en-ligne method="post" action="/structure/espaces/abonnement" {
                                            (champ_csrf(&s.csrf))
                                            input type="hidden" name="espace" value=(e.code());
                                            select id=(id) name="mode" {
                                                option value="AUCUN" selected[actuel.is_none()] { "Non abonné" }
                                                @for m in Mode::TOUS {
                                                    option value=(m.code()) selected[actuel == Some(m)] { (m.libelle()) }
                                                }
                                            }
                                            " "
                                            button.bouton type="submit" { "Enregistrer" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                p.aide {
                    "Dans ce simulateur, les abonnements ne limitent que l'accès à l'espace « Factures de travaux » : "
                    "les factures émises restent accessibles à tous les utilisateurs de la structure."
                }
            }
            @if v.gestionnaire {
                section {
                    h2 { "Abonnements des utilisateurs de la structure" }
                    @if v.tous_abonnements.is_empty() {
                        p.vide { "Aucun utilisateur abonné." }
                    } @else {
                        table.tableau {
                            thead { tr { th scope="col" { "Utilisateur" } th scope="col" { "Espace" } th scope="col" { "Mode" } } }
                            tbody {
                                @for a in &v.tous_abonnements {
                                    tr {
                                        td { (a.prenom) " " (a.nom) br; small { (a.email) } }
                                        td { (a.espace.libelle()) }
                                        td { (a.mode.libelle()) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

pub async fn espaces(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    Query(retour): Query<Retour>,
) -> Result<Markup, AppError> {
    let vue = charger_espaces(&etat, &stagiaire).await?;
    let message = match retour.fait.as_deref() {
        Some("ajout") => {
            Some("Les espaces sont ajoutés à la structure : ses utilisateurs peuvent s'y abonner.")
        }
        Some("retrait") => {
            Some("L'espace est retiré de la structure, ainsi que les abonnements à cet espace.")
        }
        Some("abonnement") => Some("Votre abonnement est enregistré."),
        _ => None,
    };
    Ok(page_espaces(&etat, &stagiaire, &vue, &[], message))
}

fn espace_demande(code: &str) -> Result<Espace, AppError> {
    Espace::depuis_code(code).map_err(|_| AppError::Introuvable(format!("Espace « {code} » introuvable")))
}

pub async fn ajouter_espaces(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    champs: Champs,
) -> Result<Response, AppError> {
    stagiaire.verifier_csrf(&champs.un("csrf")).await?;
    stagiaire.exiger_gestionnaire(&etat).await?;
    let choisis = champs
        .tous("espace")
        .iter()
        .map(|code| {
            Espace::depuis_code(code).map_err(|_| {
                AppError::Requete(format!(
                    "« {code} » n'est pas un espace de Chorus Pro : choisissez dans la liste."
                ))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    if choisis.is_empty() {
        let vue = charger_espaces(&etat, &stagiaire).await?;
        let anomalies = [Anomalie::champ(
            "espace",
            "ESPACE_NON_CHOISI",
            "Cochez au moins un espace à ajouter, puis cliquez sur « Ajouter les espaces cochés ».",
        )];
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            page_espaces(&etat, &stagiaire, &vue, &anomalies, None),
        )
            .into_response());
    }
    let (bac, sid) = (stagiaire.bac.id.clone(), stagiaire.structure.id.clone());
    etat.ecrire(move |tx, h| raccordement::ajouter_espaces(tx, &bac, &sid, &choisis, h)).await?;
    Ok(Redirect::to("/structure/espaces?fait=ajout").into_response())
}

pub async fn retirer_espace(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    Path(code): Path<String>,
    champs: Champs,
) -> Result<Redirect, AppError> {
    stagiaire.verifier_csrf(&champs.un("csrf")).await?;
    stagiaire.exiger_gestionnaire(&etat).await?;
    let espace = espace_demande(&code)?;
    let (bac, sid) = (stagiaire.bac.id.clone(), stagiaire.structure.id.clone());
    etat.ecrire(move |tx, h| raccordement::retirer_espace(tx, &bac, &sid, espace, h)).await?;
    Ok(Redirect::to("/structure/espaces?fait=retrait"))
}

/// « Mes abonnements aux espaces » : chacun gère les siens, sans être gestionnaire.
pub async fn abonner(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    champs: Champs,
) -> Result<Redirect, AppError> {
    stagiaire.verifier_csrf(&champs.un("csrf")).await?;
    let espace = espace_demande(&champs.un("espace"))?;
    let mode = match champs.un("mode").as_str() {
        "AUCUN" => None,
        code => Some(Mode::depuis_code(code).map_err(|_| {
            AppError::Requete("Choisissez « Non abonné », « Consultation » ou « Modification ».".into())
        })?),
    };
    let (bac, sid, uid) =
        (stagiaire.bac.id.clone(), stagiaire.structure.id.clone(), stagiaire.utilisateur.id.clone());
    etat.ecrire(move |tx, _| raccordement::abonner(tx, &bac, &uid, &sid, espace, mode)).await?;
    Ok(Redirect::to("/structure/espaces?fait=abonnement"))
}

// ---------------------------------------------------------------------------------------------
// Compte technique
// ---------------------------------------------------------------------------------------------

fn bandeau_expiration(ct: &CompteTechnique, etat_mdp: EtatMotDePasse) -> Markup {
    html! {
        @match etat_mdp {
            EtatMotDePasse::Expire { .. } => {
                div.alerte.alerte-erreur role="alert" {
                    p {
                        strong { "Le mot de passe du compte technique a expiré : les échanges par API sont refusés. Changez-le." }
                        " Il a expiré le " (format::date_longue(ct.expiration())) "."
                    }
                }
            }
            EtatMotDePasse::ExpireBientot { jours_restants } => {
                div.alerte.alerte-attention role="alert" {
                    p {
                        strong { "Le mot de passe du compte technique expire dans " (jours_restants) " jour(s), le " (format::date_longue(ct.expiration())) "." }
                        " Changez-le avant cette date, sinon les échanges par API seront refusés ; pensez à reporter le "
                        "nouveau mot de passe dans le logiciel raccordé."
                    }
                }
            }
            EtatMotDePasse::Valide { .. } => {}
        }
    }
}

/// L'application PISTE du bac à sable, et ses identifiants s'ils viennent d'être générés.
#[derive(Default)]
pub struct VuePiste {
    application: Option<chorus_store::piste::Application>,
    nouveaux: Option<chorus_store::piste::Identifiants>,
}

fn page_compte_technique(
    etat: &AppState,
    s: &Stagiaire,
    compte: Option<&CompteTechnique>,
    gestionnaire: bool,
    anomalies: &[Anomalie],
    message: Option<&str>,
    piste: &VuePiste,
) -> Markup {
    let ctx = s.contexte(&etat.horloge);
    let aujourd_hui = ctx.date_simulee;
    gabarit(
        "Compte technique",
        Some(&s.csrf),
        Some(&ctx),
        html! {
            (sous_menu("/structure/compte-technique"))
            h1 { "Compte technique" }
            p.chapeau {
                "Le compte technique (utilisateur technique) est celui qu'utilise un logiciel — votre ERP, votre logiciel "
                "de facturation ou votre plateforme — pour échanger avec Chorus Pro par API, avec l'application PISTE "
                "déclarée dans la demande de raccordement. Il ne sert pas à se connecter au portail."
            }
            (confirmation(message))
            @if let Some(ct) = compte {
                @let etat_mdp = ct.etat(aujourd_hui);
                (bandeau_expiration(ct, etat_mdp))
                section {
                    h2 { "Le compte" }
                    dl.fiche {
                        dt { "Identifiant" } dd { code { (ct.identifiant) } }
                        dt { "Créé le" } dd { (format::date_longue(ct.cree_le)) }
                        dt { "Mot de passe choisi le" } dd { (format::date_longue(ct.change_le)) }
                        dt { "Expiration du mot de passe" } dd { (format::date_longue(ct.expiration())) }
                        dt { "Jours restants" }
                        dd {
                            @match etat_mdp {
                                EtatMotDePasse::Expire { depuis_jours: 0 } => { "aucun : expiré aujourd'hui" }
                                EtatMotDePasse::Expire { depuis_jours } => { "aucun : expiré depuis " (depuis_jours) " jour(s)" }
                                EtatMotDePasse::ExpireBientot { jours_restants } | EtatMotDePasse::Valide { jours_restants } => {
                                    (jours_restants) " jour(s)"
                                }
                            }
                        }
                    }
                }
            } @else {
                p.vide { "La structure n'a pas encore de compte technique : il en faut un pour demander un raccordement par API." }
            }
            section {
                h2 { @if compte.is_some() { "Changer le mot de passe" } @else { "Créer le compte technique" } }
                @if gestionnaire {
                    p {
                        "Le mot de passe est valable " (VALIDITE_MOT_DE_PASSE_TECHNIQUE_JOURS) " jours (14 mois) à partir du jour "
                        "où vous le choisissez ; le changer fait repartir ce délai. Il ne sera plus jamais affiché : notez-le "
                        "dans un coffre-fort de mots de passe et reportez-le dans le logiciel raccordé."
                    }
                    (resume_anomalies("Le mot de passe ne peut pas être enregistré :", anomalies))
                    form method="post" action="/structure/compte-technique" novalidate {
                        (champ_csrf(&s.csrf))
                        (champ_texte(anomalies, "mot_de_passe", "Mot de passe", "", true,
                            Some("Au moins 12 caractères, avec une majuscule, une minuscule, un chiffre et un caractère spécial."),
                            ("password", 128)))
                        (champ_texte(anomalies, "confirmation", "Confirmation du mot de passe", "", true, None, ("password", 128)))
                        button.bouton.bouton-principal type="submit" {
                            @if compte.is_some() { "Changer le mot de passe" } @else { "Créer le compte technique" }
                        }
                    }
                } @else {
                    (reserve_au_gestionnaire("créer le compte technique ou en changer le mot de passe"))
                }
            }
            (section_piste(s, compte, gestionnaire, piste))
        },
    )
}

/// Ce que le portail PISTE donnerait (l'application, son identifiant et son secret), montré ici
/// parce que le simulateur tient lieu de PISTE : une aide du simulateur, signalée comme telle.
fn section_piste(
    s: &Stagiaire,
    compte: Option<&CompteTechnique>,
    gestionnaire: bool,
    piste: &VuePiste,
) -> Markup {
    html! {
        section {
            h2 { "Raccordement API : l'application PISTE de ce bac à sable" }
            p.aide {
                "Aide du simulateur, absente du vrai portail : sur Chorus Pro, l'application et ses identifiants "
                "s'obtiennent sur le portail PISTE (piste.gouv.fr). Ici, le simulateur tient lieu de PISTE : "
                "un connecteur ne change que ses deux adresses de base."
            }
            dl.fiche {
                dt { "Adresse du jeton (OAuth)" } dd { code { "/api/oauth/token" } " sur ce serveur" }
                dt { "Adresse des services" } dd { code { "/cpro/" } " (par exemple " code { "/cpro/factures/v1/soumettre" } ")" }
                dt { "Identifiant client (client_id)" }
                dd { @match &piste.application { Some(a) => { code { (a.client_id) } }, None => { "aucune application pour l'instant" } } }
                dt { "Compte technique (en-tête cpro-account)" }
                dd { @match compte { Some(ct) => { code { (ct.identifiant) } " et son mot de passe, en base64" }, None => { "à créer ci-dessus" } } }
            }
            @if let Some(n) = &piste.nouveaux {
                div.alerte.alerte-info role="status" {
                    p { strong { "Nouveaux identifiants : le secret ne sera plus jamais affiché." } " Reportez-les dans le connecteur." }
                    dl.fiche {
                        dt { "client_id" } dd { code { (n.client_id) } }
                        dt { "client_secret" } dd { code { (n.client_secret) } }
                    }
                }
            }
            p { a href="/structure/compte-technique/appels-api" { "Journal des appels API" } " : ce que le connecteur a envoyé et reçu." }
            @if gestionnaire {
                form method="post" action="/structure/compte-technique/piste"
                    data-confirmer="Générer de nouveaux identifiants ? L'ancien secret et les jetons déjà délivrés cesseront aussitôt de fonctionner." {
                    (champ_csrf(&s.csrf))
                    button.bouton type="submit" {
                        @if piste.application.is_some() { "Renouveler les identifiants PISTE" } @else { "Créer l'application PISTE" }
                    }
                }
            } @else {
                (reserve_au_gestionnaire("créer ou renouveler les identifiants PISTE"))
            }
        }
    }
}

async fn lire_piste(etat: &AppState, s: &Stagiaire) -> Result<VuePiste, AppError> {
    let bac = s.bac.id.clone();
    let application = etat.lire(move |c, _| chorus_store::piste::application(c, &bac)).await?;
    Ok(VuePiste { application, nouveaux: None })
}

/// Crée ou renouvelle l'application PISTE du bac : la page montre le secret une seule fois.
pub async fn renouveler_piste(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    champs: Champs,
) -> Result<Markup, AppError> {
    stagiaire.verifier_csrf(&champs.un("csrf")).await?;
    stagiaire.exiger_gestionnaire(&etat).await?;
    let bac = stagiaire.bac.id.clone();
    let nouveaux = etat.ecrire(move |tx, h| chorus_store::piste::renouveler(tx, &bac, h)).await?;
    let compte = lire_compte_technique(&etat, &stagiaire).await?;
    let mut piste = lire_piste(&etat, &stagiaire).await?;
    piste.nouveaux = Some(nouveaux);
    Ok(page_compte_technique(&etat, &stagiaire, compte.as_ref(), true, &[], None, &piste))
}

async fn lire_compte_technique(etat: &AppState, s: &Stagiaire) -> Result<Option<CompteTechnique>, AppError> {
    let (bac, sid) = (s.bac.id.clone(), s.structure.id.clone());
    etat.lire(move |c, _| raccordement::compte_technique(c, &bac, &sid)).await
}

pub async fn compte_technique(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    Query(retour): Query<Retour>,
) -> Result<Markup, AppError> {
    let compte = lire_compte_technique(&etat, &stagiaire).await?;
    let gestionnaire = est_gestionnaire(&etat, &stagiaire).await?;
    let message = match retour.fait.as_deref() {
        Some("cree") => Some(
            "Le compte technique est créé. Notez son identifiant et son mot de passe pour le logiciel raccordé.",
        ),
        Some("change") => {
            Some("Le mot de passe du compte technique est changé : reportez-le dans le logiciel raccordé.")
        }
        _ => None,
    };
    let piste = lire_piste(&etat, &stagiaire).await?;
    Ok(page_compte_technique(&etat, &stagiaire, compte.as_ref(), gestionnaire, &[], message, &piste))
}

pub async fn definir_compte_technique(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    champs: Champs,
) -> Result<Response, AppError> {
    stagiaire.verifier_csrf(&champs.un("csrf")).await?;
    stagiaire.exiger_gestionnaire(&etat).await?;
    let (mdp, confirmation) = (champs.un("mot_de_passe"), champs.un("confirmation"));
    let (bac, sid) = (stagiaire.bac.id.clone(), stagiaire.structure.id.clone());
    let resultat = etat
        .ecrire(move |tx, h| {
            let existait = raccordement::compte_technique(tx, &bac, &sid)?.is_some();
            let r = raccordement::definir_compte_technique(tx, &bac, &sid, &mdp, &confirmation, h);
            Ok(separer_anomalies(r)?.map(|_| existait))
        })
        .await?;
    match resultat {
        Ok(true) => Ok(Redirect::to("/structure/compte-technique?fait=change").into_response()),
        Ok(false) => Ok(Redirect::to("/structure/compte-technique?fait=cree").into_response()),
        Err(anomalies) => {
            let compte = lire_compte_technique(&etat, &stagiaire).await?;
            let piste = lire_piste(&etat, &stagiaire).await?;
            let page =
                page_compte_technique(&etat, &stagiaire, compte.as_ref(), true, &anomalies, None, &piste);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

/// « Journal des appels API » : les derniers appels du connecteur à l'API Chorus Pro de ce bac,
/// avec ce qu'il a envoyé et reçu (aide du simulateur : le vrai portail ne montre pas cela).
pub async fn appels_api(State(etat): State<AppState>, stagiaire: Stagiaire) -> Result<Markup, AppError> {
    let bac = stagiaire.bac.id.clone();
    let appels = etat.lire(move |c, _| chorus_store::piste::appels(c, &bac)).await?;
    let ctx = stagiaire.contexte(&etat.horloge);
    Ok(gabarit(
        "Journal des appels API",
        Some(&stagiaire.csrf),
        Some(&ctx),
        html! {
            (sous_menu("/structure/compte-technique"))
            h1 { "Journal des appels API" }
            p.aide {
                "Aide du simulateur, absente du vrai portail : les " (chorus_store::piste::APPELS_GARDES)
                " derniers appels à l'API Chorus Pro de ce bac à sable (jeton valide), le plus récent d'abord. "
                "Les contenus de fichiers sont remplacés par leur taille."
            }
            @if appels.is_empty() {
                p.vide { "Aucun appel pour l'instant : branchez un connecteur (voir la page « Compte technique »)." }
            } @else {
                table {
                    thead { tr { th { "Heure (réelle)" } th { "Service" } th { "HTTP" } th { "codeRetour" } th { "Durée" } th { "Échange" } } }
                    tbody {
                        @for a in &appels {
                            tr {
                                td { (a.horodatage.with_timezone(&chrono::Local).format("%d/%m/%Y %H:%M:%S")) }
                                td { code { (a.methode) " " (a.service) } }
                                td.nombre { (a.statut_http) }
                                td.nombre { @match a.code_retour { Some(c) => { (c) }, None => { "—" } } }
                                td.nombre { (format!("{:.1} ms", a.duree_us as f64 / 1000.0)) }
                                td {
                                    details {
                                        summary { "Requête et réponse" }
                                        h3 { "Envoyé" } pre { (a.requete) }
                                        h3 { "Reçu" } pre { (a.reponse) }
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
