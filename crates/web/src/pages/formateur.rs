//! La console du formateur : connexion, classes et codes d'accès (avec QR code), stagiaires et
//! leurs identifiants, réinitialisation et horloge d'un stagiaire ou de toute la classe,
//! double authentification par classe. Un formateur n'atteint que ses classes : chaque action
//! passe par `classe::charger(formateur, classe)` dans le stockage.

pub mod identifiants;
pub mod profil;

use std::sync::Arc;

use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chorus_domain::Anomalie;
use chorus_domain::classe::{self as regles, Depart, SaisieClasse};
use chorus_domain::compte as regles_compte;
use chorus_domain::scenario::{Mode, Scenario};
use chorus_store::classe::{self, Classe, Participant};
use chorus_store::formateur::{self, Connexion};
use maud::{Markup, PreEscaped, html};
use serde::Deserialize;
use tower_sessions::Session;

use super::{champ_csrf, champ_texte, resume_anomalies};
use crate::erreur::AppError;
use crate::etat::AppState;
use crate::format;
use crate::formulaire::Champs;
use crate::limite::Essai;
use crate::session::{self, FormateurConnecte, jeton_csrf, verifier_csrf};
use chorus_store::moteur;

/// La mise en page de la console : même bandeau « simulateur », en-tête d'une autre couleur
/// pour qu'un formateur qui projette son écran ne soit jamais pris pour un stagiaire.
pub(crate) fn gabarit_console(titre: &str, csrf: &str, formateur: Option<&str>, contenu: Markup) -> Markup {
    super::document(
        &format!("{titre} · Console du formateur · Simulateur Chorus Pro"),
        Some(csrf),
        "console du formateur : rien n'est transmis à l'administration.",
        html! {
            div.entete.entete-console {
                div.entete-gauche {
                    a.marque href="/formateur" { span.marque-nom { "Console du formateur" } span.marque-simu { "Chorus Pro · simulateur" } }
                }
                @if let Some(email) = formateur {
                    nav.menu aria-label="Menu de la console" {
                        a href="/formateur" { "Mes classes" }
                        a href="/formateur/mot-de-passe" { "Mot de passe" }
                    }
                    div.entete-droite {
                        span.qui { (email) }
                        form method="post" action="/formateur/deconnexion" {
                            (champ_csrf(csrf))
                            button.lien type="submit" { "Se déconnecter" }
                        }
                    }
                }
            }
        },
        contenu,
    )
}

/// Les pages de la console rangées à part : cartes des identifiants, profil du formateur.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().merge(identifiants::routes()).merge(profil::routes())
}

// --- Connexion -------------------------------------------------------------------------------

fn page_connexion(csrf: &str, email: &str, message: Option<&str>) -> Markup {
    gabarit_console(
        "Connexion",
        csrf,
        None,
        html! {
            div.carte.carte-etroite {
                h1 { "Connexion du formateur" }
                @if let Some(m) = message { div.alerte.alerte-erreur role="alert" { p { (m) } } }
                form method="post" action="/formateur/connexion" {
                    (champ_csrf(csrf))
                    div.champ {
                        label for="email" { "Adresse électronique" }
                        input #email type="email" name="email" value=(email) required autocomplete="username";
                    }
                    div.champ {
                        label for="mot_de_passe" { "Mot de passe" }
                        input #mot_de_passe type="password" name="mot_de_passe" required autocomplete="current-password";
                    }
                    button.bouton.bouton-principal type="submit" { "Se connecter" }
                }
                p.aide { "Pas encore de compte ? Il se crée sur la machine du simulateur : " code { "chorus-sandbox formateur create --email vous@exemple.fr" } "." }
                p { a href="/" { "Aller au portail des stagiaires" } }
            }
        },
    )
}

pub async fn page_connexion_get(session: Session) -> Result<Markup, AppError> {
    Ok(page_connexion(&jeton_csrf(&session).await?, "", None))
}

pub async fn connecter(
    State(etat): State<AppState>,
    crate::limite::AdresseClient(adresse): crate::limite::AdresseClient,
    session: Session,
    champs: Champs,
) -> Result<Response, AppError> {
    verifier_csrf(&session, &champs.un("csrf")).await?;
    let (email, mot_de_passe) = (champs.un("email"), champs.un("mot_de_passe"));
    if let Some(attente) = etat.limiteur.attente(adresse, Essai::ConnexionRefusee) {
        let csrf = jeton_csrf(&session).await?;
        let message = crate::limite::message(attente);
        return Ok(
            (StatusCode::TOO_MANY_REQUESTS, page_connexion(&csrf, &email, Some(&message))).into_response()
        );
    }
    let e = email.clone();
    let verification = etat
        .lire(move |c, h| formateur::verifier_connexion(c, &e, &mot_de_passe, h.maintenant().naive_utc()))
        .await?;
    let resultat = etat
        .ecrire(move |tx, h| formateur::enregistrer_connexion(tx, verification, h.maintenant().naive_utc()))
        .await?;
    let csrf = jeton_csrf(&session).await?;
    match resultat {
        Connexion::Reussie(f) => {
            session::ouvrir_console(&session, &f.id).await?;
            Ok(Redirect::to("/formateur").into_response())
        }
        // Même message pour une adresse inconnue et un mauvais mot de passe : on ne révèle pas
        // quels formateurs existent.
        Connexion::Refusee => {
            etat.limiteur.noter(adresse, Essai::ConnexionRefusee);
            Ok((
                StatusCode::UNAUTHORIZED,
                page_connexion(&csrf, &email, Some("Adresse électronique ou mot de passe incorrect.")),
            )
                .into_response())
        }
        Connexion::Bloquee(fin) => Ok((
            StatusCode::TOO_MANY_REQUESTS,
            page_connexion(&csrf, &email, Some(&regles_compte::message_blocage(fin))),
        )
            .into_response()),
    }
}

pub async fn deconnecter(f: FormateurConnecte, champs: Champs) -> Result<Redirect, AppError> {
    verifier_csrf(&f.session, &champs.un("csrf")).await?;
    session::fermer_console(&f.session).await?;
    Ok(Redirect::to("/formateur/connexion"))
}

fn page_mot_de_passe(f: &FormateurConnecte, anomalies: &[Anomalie]) -> Markup {
    gabarit_console(
        "Mot de passe",
        &f.csrf,
        Some(&f.formateur.email),
        html! {
            div.carte.carte-etroite {
                h1 { "Choisir votre mot de passe" }
                @if f.formateur.mot_de_passe_a_changer {
                    div.alerte.alerte-info role="status" { p { "Le mot de passe reçu à la création du compte ne sert qu'une fois : choisissez le vôtre pour ouvrir la console." } }
                }
                (resume_anomalies("Ce mot de passe ne convient pas :", anomalies))
                ul { @for r in regles_compte::regles_mot_de_passe() { li { (r) } } }
                form method="post" action=(session::PAGE_MOT_DE_PASSE_FORMATEUR) novalidate {
                    (champ_csrf(&f.csrf))
                    (champ_texte(anomalies, "mot_de_passe", "Nouveau mot de passe", "", true, None, ("password", 128)))
                    (champ_texte(anomalies, "confirmation", "Confirmez le mot de passe", "", true, None, ("password", 128)))
                    button.bouton.bouton-principal type="submit" { "Enregistrer" }
                }
            }
        },
    )
}

pub async fn page_mot_de_passe_get(f: FormateurConnecte) -> Markup {
    page_mot_de_passe(&f, &[])
}

pub async fn changer_mot_de_passe(
    State(etat): State<AppState>,
    f: FormateurConnecte,
    champs: Champs,
) -> Result<Response, AppError> {
    verifier_csrf(&f.session, &champs.un("csrf")).await?;
    let id = f.formateur.id.clone();
    let (mdp, confirmation) = (champs.un("mot_de_passe"), champs.un("confirmation"));
    let resultat = etat
        .ecrire_saisie(move |tx, _| formateur::changer_mot_de_passe(tx, &id, &mdp, &confirmation))
        .await?;
    match resultat {
        Ok(()) => Ok(Redirect::to("/formateur").into_response()),
        Err(anomalies) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page_mot_de_passe(&f, &anomalies)).into_response())
        }
    }
}

// --- Classes ---------------------------------------------------------------------------------

fn formulaire_classe(csrf: &str, s: &SaisieClasse, anomalies: &[Anomalie]) -> Markup {
    html! {
        section.carte #nouvelle-classe {
            h2 { "Nouvelle classe" }
            (resume_anomalies("La classe n'a pas été créée :", anomalies))
            form method="post" action="/formateur/classes" novalidate {
                (champ_csrf(csrf))
                (champ_texte(anomalies, "titre", "Intitulé de la formation", &s.titre, true, Some("Par exemple : Déposer ses factures dématérialisées sur le portail Chorus Pro"), ("text", regles::TITRE_LONGUEUR_MAX)))
                div.rangee-champs {
                    (champ_texte(anomalies, "date_debut", "Premier jour", &s.date_debut, true, None, ("date", 10)))
                    (champ_texte(anomalies, "date_fin", "Dernier jour", &s.date_fin, false, Some("Vide : le même jour"), ("date", 10)))
                    (champ_texte(anomalies, "demi_journees", "Demi-journées", &s.demi_journees, true, Some("2 pour une journée (7 heures)"), ("number", 2)))
                }
                (champ_texte(anomalies, "lieu", "Lieu", &s.lieu, false, None, ("text", regles::LIEU_LONGUEUR_MAX)))
                (champ_texte(anomalies, "organisme", "Organisme de formation", &s.organisme, false, Some("Par exemple : Chambre de métiers et de l'artisanat de la Lozère"), ("text", regles::ORGANISME_LONGUEUR_MAX)))
                fieldset.champ {
                    legend { "Point de départ des stagiaires" }
                    @for d in Depart::TOUS {
                        label.choix {
                            input type="radio" name="depart" value=(d.code()) checked[s.depart == d.code()];
                            " " (d.libelle())
                        }
                    }
                }
                button.bouton.bouton-principal type="submit" { "Créer la classe" }
            }
        }
    }
}

/// `sections` : ce qui suit la création d'une classe (profil du formateur, jeton de l'API).
fn page_classes(
    f: &FormateurConnecte,
    classes: &[(Classe, usize)],
    s: &SaisieClasse,
    anomalies: &[Anomalie],
    sections: Markup,
) -> Markup {
    gabarit_console(
        "Mes classes",
        &f.csrf,
        Some(&f.formateur.email),
        html! {
            h1 { "Mes classes" }
            @if classes.is_empty() {
                p.vide { "Aucune classe pour l'instant : créez la première ci-dessous, puis donnez son code aux stagiaires." }
            } @else {
                table.tableau {
                    thead { tr { th scope="col" { "Formation" } th scope="col" { "Dates" } th scope="col" { "Lieu" } th scope="col" { "Code" } th.nombre scope="col" { "Stagiaires" } } }
                    tbody {
                        @for (c, n) in classes {
                            tr {
                                td { a href={ "/formateur/classes/" (c.id) } { (c.titre) } }
                                td { (dates(c)) }
                                td { (c.lieu) }
                                td { code.code-classe { (c.code) } }
                                td.nombre { (n) }
                            }
                        }
                    }
                }
            }
            (formulaire_classe(&f.csrf, s, anomalies))
            (sections)
        },
    )
}

pub(crate) fn dates(c: &Classe) -> String {
    if c.date_debut == c.date_fin {
        format::date_longue(c.date_debut)
    } else {
        format!("du {} au {}", format::date_courte(c.date_debut), format::date_courte(c.date_fin))
    }
}

/// Les classes montrées d'abord sur l'accueil de la console ; « toutes » les montre toutes.
const CLASSES_RECENTES: usize = 20;

#[derive(serde::Deserialize)]
pub struct ChoixClasses {
    #[serde(default)]
    toutes: String,
}

pub async fn classes(
    State(etat): State<AppState>,
    f: FormateurConnecte,
    Query(q): Query<ChoixClasses>,
) -> Result<Markup, AppError> {
    let jeton = super::jeton_api::section_de(&etat, &f).await?;
    accueil_avec(&etat, &f, jeton, q.toutes == "oui").await
}

/// L'accueil de la console (classes, nouvelle classe, jeton de l'API), avec la section du
/// jeton donnée par l'appelant (qui y montre un jeton tout juste généré).
pub async fn accueil(etat: &AppState, f: &FormateurConnecte, jeton_api: Markup) -> Result<Markup, AppError> {
    accueil_avec(etat, f, jeton_api, false).await
}

async fn accueil_avec(
    etat: &AppState,
    f: &FormateurConnecte,
    jeton_api: Markup,
    toutes: bool,
) -> Result<Markup, AppError> {
    let id = f.formateur.id.clone();
    let limite = if toutes { usize::MAX >> 1 } else { CLASSES_RECENTES };
    let (classes, total) = etat.lire(move |c, _| classe::lister_recentes(c, &id, limite)).await?;
    let defaut = SaisieClasse {
        demi_journees: "2".into(),
        depart: Depart::PratiqueLibre.code().into(),
        date_debut: etat.horloge.aujourd_hui().format("%Y-%m-%d").to_string(),
        ..SaisieClasse::default()
    };
    let profil = profil::section_de(etat, f).await?;
    let plus_anciennes = html! {
        @if total > classes.len() {
            p { "Les " (classes.len()) " classes les plus récentes sur " (total) ". " a href="/formateur?toutes=oui" { "Voir toutes les classes" } }
        }
    };
    Ok(page_classes(f, &classes, &defaut, &[], html! { (plus_anciennes) (profil) (jeton_api) }))
}

pub async fn creer_classe(
    State(etat): State<AppState>,
    f: FormateurConnecte,
    champs: Champs,
) -> Result<Response, AppError> {
    verifier_csrf(&f.session, &champs.un("csrf")).await?;
    let s = SaisieClasse {
        titre: champs.un("titre"),
        date_debut: champs.un("date_debut"),
        date_fin: champs.un("date_fin"),
        demi_journees: champs.un("demi_journees"),
        lieu: champs.un("lieu"),
        organisme: champs.un("organisme"),
        depart: champs.un("depart"),
    };
    match regles::controler(&s) {
        Ok(d) => {
            let id = f.formateur.id.clone();
            let cree = etat.ecrire(move |tx, h| classe::creer(tx, &id, &d, h)).await?;
            Ok(Redirect::to(&format!("/formateur/classes/{}", cree.id)).into_response())
        }
        Err(anomalies) => {
            let id = f.formateur.id.clone();
            let classes = etat.lire(move |c, _| classe::lister(c, &id)).await?;
            let jeton = super::jeton_api::section_de(&etat, &f).await?;
            let profil = profil::section_de(&etat, &f).await?;
            let sections = html! { (profil) (jeton) };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page_classes(&f, &classes, &s, &anomalies, sections))
                .into_response())
        }
    }
}

/// L'adresse du portail que la salle ouvre : celle donnée au démarrage, ou l'une des adresses
/// de la machine sur le réseau local (`choix`) ; jamais celle que le navigateur du formateur
/// a utilisée (voir `adresse.rs`).
pub(crate) fn adresse_du_portail(etat: &AppState, choix: Option<usize>) -> String {
    etat.config.adresses.pour_la_salle(choix)
}

/// L'adresse que les stagiaires ouvrent pour rejoindre la classe, et de quoi choisir l'adresse
/// de la salle quand la machine en a plusieurs.
pub(crate) struct Salle {
    pub rejoindre: String,
    pub choix: usize,
}

fn salle(etat: &AppState, choix: Option<usize>, code: &str) -> Salle {
    let choix = choix.filter(|&i| i < etat.config.adresses.locales.len()).unwrap_or(0);
    Salle { rejoindre: format!("{}/rejoindre?code={code}", adresse_du_portail(etat, Some(choix))), choix }
}

/// Le choix de l'adresse de la salle (`?adresse=N` sur la page de la classe).
#[derive(Deserialize)]
pub struct ChoixAdresse {
    #[serde(default)]
    adresse: Option<String>,
}

impl ChoixAdresse {
    pub(crate) fn choix(&self) -> Option<usize> {
        self.adresse.as_deref().and_then(|a| a.trim().parse().ok())
    }
}

/// Ce que la page de la classe dit de l'adresse : le choix parmi les adresses du réseau local,
/// ou l'avertissement d'un serveur que la salle ne peut pas joindre.
fn reglage_adresse(etat: &AppState, c: &Classe, choix: usize) -> Markup {
    let a = &etat.config.adresses;
    html! {
        @if a.boucle_locale_seulement {
            div.alerte.alerte-attention {
                p {
                    "Le simulateur n'écoute que sur cet ordinateur : les postes de la salle ne pourront pas ouvrir ce lien. "
                    "Relancez-le avec " code { "--addr 0.0.0.0:8080" } " et, de préférence, "
                    code { "--public-url http://ADRESSE-DE-CE-POSTE:8080" } " (voir le README)."
                }
            }
        } @else if a.a_choisir() {
            form.en-ligne method="get" action={ "/formateur/classes/" (c.id) } {
                label for="adresse-salle" { "Adresse de ce poste sur le réseau de la salle" }
                select #adresse-salle name="adresse" {
                    @for (i, l) in a.locales.iter().enumerate() {
                        option value=(i) selected[i == choix] { (l) }
                    }
                }
                button.bouton type="submit" { "Utiliser cette adresse" }
            }
        }
    }
}

fn qr_svg(texte: &str) -> Option<String> {
    let code = qrcode::QrCode::new(texte.as_bytes()).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(220, 220)
            .dark_color(qrcode::render::svg::Color("#000000"))
            .light_color(qrcode::render::svg::Color("#ffffff"))
            .build(),
    )
}

struct Suivi {
    classe: Classe,
    participants: Vec<Participant>,
    /// Par bac : factures envoyées.
    envoyees: std::collections::HashMap<String, usize>,
    /// L'exercice lancé pour toute la classe (et son mode), et ceux qu'on peut lancer.
    exercice: Option<(Scenario, Mode)>,
    catalogue: Arc<Vec<Scenario>>,
}

async fn charger_suivi(etat: &AppState, f: &FormateurConnecte, classe_id: String) -> Result<Suivi, AppError> {
    let fid = f.formateur.id.clone();
    let catalogue = etat.catalogue.scenarios();
    etat.lire(move |c, _| {
        let classe = classe::charger(c, &fid, &classe_id)?;
        let participants = classe::participants(c, &classe.id)?;
        // Le bilan de la classe (celui du suivi en direct) donne les factures envoyées par bac.
        let envoyees = chorus_store::bilan::de_la_classe(c, &classe.id)?
            .into_iter()
            .map(|b| (b.bac_id, b.factures_envoyees as usize))
            .collect();
        let exercice = classe::exercice(c, &classe.id)?;
        Ok(Suivi { classe, participants, envoyees, exercice, catalogue })
    })
    .await
}

fn page_classe(
    etat: &AppState,
    f: &FormateurConnecte,
    s: &Suivi,
    salle: &Salle,
    message: Option<Markup>,
) -> Markup {
    let adresse = salle.rejoindre.as_str();
    let c = &s.classe;
    let aujourd_hui_reel = |p: &Participant| p.decalage_jours;
    gabarit_console(
        &c.titre,
        &f.csrf,
        Some(&f.formateur.email),
        html! {
            p { a href="/formateur" { "← Mes classes" } }
            h1 { (c.titre) }
            p { a.bouton.bouton-principal href={ "/formateur/classes/" (c.id) "/suivi" } { "Suivi en direct de la classe" } }
            @if let Some(m) = message { (m) }
            div.colonnes-classe {
                section.carte {
                    h2 { "Rejoindre la classe" }
                    p { "Les stagiaires ouvrent " strong #adresse-salle-projetee { (adresse.split('?').next().unwrap_or(adresse)) } " et saisissent le code :" }
                    p.code-classe-grand aria-label={ "Code de la classe : " (c.code.chars().map(String::from).collect::<Vec<_>>().join(" ")) } { (c.code) }
                    @if let Some(svg) = qr_svg(adresse) {
                        figure.qr {
                            // Le SVG est produit par la bibliothèque à partir de l'adresse : il ne
                            // contient aucun texte saisi.
                            (PreEscaped(svg))
                            figcaption { "Ou flashez ce QR code avec une tablette." }
                        }
                    }
                    (reglage_adresse(etat, c, salle.choix))
                }
                section.carte {
                    h2 { "La classe" }
                    dl.fiche {
                        dt { "Dates" } dd { (dates(c)) }
                        dt { "Durée" } dd { (c.demi_journees) " demi-journée(s), " (chorus_domain::emargement::heures_lisibles(c.heures())) }
                        @if !c.lieu.is_empty() { dt { "Lieu" } dd { (c.lieu) } }
                        @if !c.organisme.is_empty() { dt { "Organisme" } dd { (c.organisme) } }
                        dt { "Point de départ" } dd { (c.depart.libelle()) }
                        dt { "Double authentification" } dd { @if c.double_authentification { "activée (code reçu dans la messagerie)" } @else { "désactivée" } }
                    }
                    form method="post" action={ "/formateur/classes/" (c.id) "/double-authentification" } {
                        (champ_csrf(&f.csrf))
                        input type="hidden" name="active" value=(if c.double_authentification { "non" } else { "oui" });
                        button.bouton type="submit" {
                            @if c.double_authentification { "Désactiver la double authentification" } @else { "Activer la double authentification" }
                        }
                    }
                }
            }
            section.carte {
                h2 { "Émargement et fin de formation" }
                p { "Les stagiaires signent depuis leur poste ; vous confirmez, puis imprimez la feuille d'émargement et les attestations, consultez le questionnaire de satisfaction et exportez les résultats." }
                p { a.bouton.bouton-principal href={ "/formateur/classes/" (c.id) "/emargement" } { "Ouvrir la feuille d'émargement" } }
                p { a href={ "/formateur/classes/" (c.id) "/cloture" } { "Clôture de la classe, documents gardés et données des stagiaires" } }
            }
            section.carte {
                h2 { "Toute la classe" }
                div.actions-classe {
                    form method="post" action={ "/formateur/classes/" (c.id) "/horloge" } {
                        (champ_csrf(&f.csrf))
                        label for="jours-classe" { "Avancer l'horloge de " }
                        input #jours-classe type="number" name="jours" min="1" max=(moteur::AVANCE_MAX_JOURS) value="1" required;
                        " jour(s) "
                        button.bouton type="submit" { "Avancer pour tous" }
                    }
                    form method="post" action={ "/formateur/classes/" (c.id) "/reinitialiser" } {
                        (champ_csrf(&f.csrf))
                        button.bouton.bouton-danger type="submit" data-confirmer="Remettre toute la classe au point de départ ? Les factures et messages de tous les stagiaires seront effacés." { "Réinitialiser toute la classe" }
                    }
                }
            }
            (section_exercice(&f.csrf, s))
            section {
                h2 { "Stagiaires (" (s.participants.len()) ")" }
                p { a.bouton href={ (identifiants::chemin(&c.id)) "?adresse=" (salle.choix) } { "Imprimer les cartes des identifiants" } }
                @if s.participants.is_empty() {
                    p.vide { "Personne n'a encore rejoint la classe." }
                } @else {
                    table.tableau #stagiaires {
                        thead { tr {
                            th scope="col" { "N°" } th scope="col" { "Stagiaire" } th scope="col" { "Identifiant de connexion" }
                            th scope="col" { "Code de binôme" } th scope="col" { "Binôme" } th.nombre scope="col" { "Factures envoyées" } th scope="col" { "Horloge" } th scope="col" { "Actions" }
                        } }
                        tbody {
                            @for p in &s.participants {
                                tr {
                                    td.nombre { (p.rang) }
                                    th scope="row" { (p.nom) }
                                    td { @if p.identifiants.is_empty() { span.vide { "pas encore de compte" } } @else { @for i in &p.identifiants { code { (i) } " " } } }
                                    td { code { (p.code_binome) } }
                                    td { @if p.binomes.is_empty() { "—" } @else { (p.binomes.join(", ")) } }
                                    td.nombre { (s.envoyees.get(&p.bac_id).copied().unwrap_or(0)) }
                                    td { @match aujourd_hui_reel(p) { 0 => "jour réel", n => { "+" (n) " j" } } }
                                    td.actions-stagiaire {
                                        form method="post" action={ "/formateur/classes/" (c.id) "/horloge" } {
                                            (champ_csrf(&f.csrf))
                                            input type="hidden" name="participant" value=(p.id);
                                            input type="hidden" name="jours" value="1";
                                            button.lien type="submit" { "+1 jour" }
                                        }
                                        form method="post" action={ "/formateur/classes/" (c.id) "/reinitialiser" } {
                                            (champ_csrf(&f.csrf))
                                            input type="hidden" name="participant" value=(p.id);
                                            button.lien type="submit" data-confirmer={ "Remettre " (p.nom) " au point de départ ? Ses factures et ses messages seront effacés." } { "Réinitialiser" }
                                        }
                                        form method="post" action={ "/formateur/classes/" (c.id) "/jouer-acheteur" } {
                                            (champ_csrf(&f.csrf))
                                            input type="hidden" name="participant" value=(p.id);
                                            button.lien type="submit" { "Jouer l'acheteur public" }
                                        }
                                        @if !p.identifiants.is_empty() {
                                            form method="post" action={ "/formateur/classes/" (c.id) "/mot-de-passe" } {
                                                (champ_csrf(&f.csrf))
                                                input type="hidden" name="participant" value=(p.id);
                                                button.lien type="submit" { "Nouveau mot de passe" }
                                            }
                                        }
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

/// « Jouer l'acheteur public » dans le bac d'un stagiaire : ses factures reçues, les actions du
/// destinataire et du comptable, notées comme venant du formateur.
pub async fn jouer_acheteur(
    State(etat): State<AppState>,
    ActionClasse { f, id, champs, .. }: ActionClasse,
) -> Result<Redirect, AppError> {
    let p = stagiaire_choisi(&etat, &f, id, &champs).await?;
    session::jouer_acheteur_pour(&f.session, &p.bac_id).await?;
    Ok(Redirect::to("/acheteur"))
}

/// Le stagiaire que désigne le formulaire, dans une classe du formateur (sinon « introuvable »).
pub(super) async fn stagiaire_choisi(
    etat: &AppState,
    f: &FormateurConnecte,
    classe_id: String,
    champs: &Champs,
) -> Result<Participant, AppError> {
    let participant = participant_choisi(champs).ok_or(AppError::Introuvable("Stagiaire".into()))?;
    let fid = f.formateur.id.clone();
    etat.lire(move |c, _| classe::participant(c, &fid, &classe_id, &participant)).await
}

pub async fn page_classe_get(
    State(etat): State<AppState>,
    f: FormateurConnecte,
    Path(id): Path<String>,
    Query(q): Query<ChoixAdresse>,
) -> Result<Markup, AppError> {
    let s = charger_suivi(&etat, &f, id).await?;
    let salle = salle(&etat, q.choix(), &s.classe.code);
    Ok(page_classe(&etat, &f, &s, &salle, None))
}

/// Après une action sur la classe : la page de la classe, avec ce qui vient d'être fait.
async fn apres_action(
    etat: &AppState,
    f: &FormateurConnecte,
    id: String,
    message: Markup,
) -> Result<Markup, AppError> {
    let s = charger_suivi(etat, f, id).await?;
    let salle = salle(etat, None, &s.classe.code);
    Ok(page_classe(etat, f, &s, &salle, Some(message)))
}

/// Une action de la console sur une classe : formateur connecté, formulaire vérifié (CSRF),
/// classe désignée par l'adresse. Que la classe soit bien la sienne, le stockage le vérifie.
pub struct ActionClasse {
    pub(crate) f: FormateurConnecte,
    pub(crate) id: String,
    pub(crate) champs: Champs,
}

impl FromRequest<AppState> for ActionClasse {
    type Rejection = AppError;

    async fn from_request(req: Request, etat: &AppState) -> Result<Self, AppError> {
        let (mut parts, corps) = req.into_parts();
        let f = FormateurConnecte::from_request_parts(&mut parts, etat).await?;
        let Path(id) = Path::<String>::from_request_parts(&mut parts, etat)
            .await
            .map_err(|_| AppError::Introuvable("Classe introuvable".into()))?;
        let champs = Champs::from_request(Request::from_parts(parts, corps), etat).await?;
        verifier_csrf(&f.session, &champs.un("csrf")).await?;
        Ok(ActionClasse { f, id, champs })
    }
}

fn section_exercice(csrf: &str, s: &Suivi) -> Markup {
    let action = format!("/formateur/classes/{}/exercice", s.classe.id);
    html! {
        section.carte #exercice-classe {
            h2 { "Exercice pour toute la classe" }
            @if let Some((e, mode)) = &s.exercice {
                p { "En cours : " strong { (e.titre) } " (" (mode.nom()) ") — chaque stagiaire suit ses objectifs dans « Exercices »." }
            } @else {
                p.aide { "Lancez le même exercice chez tous les stagiaires : leur bac à sable repart de zéro, l'acheteur public suit le scénario, et ceux qui rejoignent la classe ensuite le reçoivent aussi." }
            }
            form method="post" action=(action) {
                (champ_csrf(csrf))
                label for="scenario" { "Exercice" }
                " "
                select #scenario name="scenario" required {
                    @for sc in s.catalogue.iter() {
                        option value=(sc.id) { (sc.titre) " (" (sc.niveau.libelle()) ", " (sc.duree_minutes) " min)" }
                    }
                }
                " "
                label for="mode-classe" { "Mode" }
                " "
                select #mode-classe name="mode" {
                    @for m in Mode::TOUS { option value=(m.code()) selected[m == Mode::Entrainement] { (m.nom()) } }
                }
                " "
                button.bouton type="submit" data-confirmer="Les factures, messages et horloges de tous les stagiaires repartent de zéro pour cet exercice. Lancer ?" { "Lancer pour toute la classe" }
            }
            @if s.exercice.is_some() {
                form method="post" action=(action) {
                    (champ_csrf(csrf))
                    input type="hidden" name="scenario" value="";
                    button.lien type="submit" { "Arrêter l'exercice (les factures restent)" }
                }
            }
        }
    }
}

/// Lance un exercice chez tous les stagiaires de la classe, ou l'arrête (`scenario` vide).
pub async fn lancer_exercice(
    State(etat): State<AppState>,
    ActionClasse { f, id, champs }: ActionClasse,
) -> Result<Markup, AppError> {
    let choisi = champs.un("scenario");
    let scenario = match choisi.trim() {
        "" => None,
        code => Some(etat.catalogue.scenario(code).ok_or_else(|| {
            AppError::Requete(format!(
                "L'exercice « {code} » n'existe pas (ou plus) : choisissez-en un dans la liste."
            ))
        })?),
    };
    let mode = super::exercices::mode_choisi(&champs)?;
    let titre = scenario.as_ref().map(|s| s.titre.clone());
    let (fid, cid) = (f.formateur.id.clone(), id.clone());
    let l = etat
        .ecrire(move |tx, h| classe::lancer_exercice(tx, &fid, &cid, (scenario.as_ref(), mode), h))
        .await?;
    let mut texte = match titre {
        Some(t) => format!("Exercice « {t} » lancé dans {} bac(s) à sable.", l.bacs),
        None => format!("Exercice arrêté dans {} bac(s) à sable ; les factures restent.", l.bacs),
    };
    if !l.sans_structure.is_empty() {
        texte.push_str(&format!(
            " Pas encore lancé pour {} : leur structure n'est pas encore créée ; relancez l'exercice quand ce sera fait.",
            l.sans_structure.join(", ")
        ));
    }
    apres_action(&etat, &f, id, succes(texte)).await
}

pub(super) fn participant_choisi(champs: &Champs) -> Option<String> {
    Some(champs.un("participant")).filter(|p| !p.is_empty())
}

pub(super) fn succes(texte: String) -> Markup {
    html! { div.alerte.alerte-info role="status" { p { (texte) } } }
}

pub async fn reinitialiser(
    State(etat): State<AppState>,
    ActionClasse { f, id, champs }: ActionClasse,
) -> Result<Markup, AppError> {
    let (fid, cid, participant) = (f.formateur.id.clone(), id.clone(), participant_choisi(&champs));
    let debut = std::time::Instant::now();
    let n = etat.ecrire(move |tx, _| classe::reinitialiser(tx, &fid, &cid, participant.as_deref())).await?;
    let duree = debut.elapsed();
    let texte = format!(
        "{n} bac(s) à sable remis au point de départ en {} ms.",
        (duree.as_secs_f64() * 1000.0).round()
    );
    apres_action(&etat, &f, id, succes(texte)).await
}

pub async fn avancer(
    State(etat): State<AppState>,
    ActionClasse { f, id, champs }: ActionClasse,
) -> Result<Markup, AppError> {
    let jours: u32 = champs.un("jours").trim().parse().map_err(|_| {
        AppError::Requete(format!(
            "Indiquez un nombre de jours entier entre 1 et {}.",
            moteur::AVANCE_MAX_JOURS
        ))
    })?;
    let (fid, cid, participant) = (f.formateur.id.clone(), id.clone(), participant_choisi(&champs));
    let n =
        etat.ecrire(move |tx, h| classe::avancer(tx, &fid, &cid, participant.as_deref(), jours, h)).await?;
    let texte = format!(
        "Horloge avancée de {jours} jour(s) pour {n} bac(s) à sable ; les acheteurs simulés ont joué."
    );
    apres_action(&etat, &f, id, succes(texte)).await
}

pub async fn double_authentification(
    State(etat): State<AppState>,
    ActionClasse { f, id, champs }: ActionClasse,
) -> Result<Markup, AppError> {
    let active = champs.un("active") == "oui";
    let (fid, cid) = (f.formateur.id.clone(), id.clone());
    etat.ecrire(move |tx, _| classe::regler_double_authentification(tx, &fid, &cid, active)).await?;
    let texte = if active {
        "Double authentification activée : à leur prochaine connexion, les stagiaires saisiront le code reçu dans leur messagerie."
    } else {
        "Double authentification désactivée pour cette classe : l'identifiant et le mot de passe suffisent."
    };
    apres_action(&etat, &f, id, succes(texte.to_string())).await
}

pub async fn nouveau_mot_de_passe(
    State(etat): State<AppState>,
    ActionClasse { f, id, champs }: ActionClasse,
) -> Result<Markup, AppError> {
    let participant = participant_choisi(&champs).ok_or(AppError::Introuvable("Stagiaire".into()))?;
    let (fid, cid) = (f.formateur.id.clone(), id.clone());
    let (email, mdp) =
        match etat.ecrire(move |tx, _| classe::nouveau_mot_de_passe(tx, &fid, &cid, &participant)).await {
            Ok(r) => r,
            Err(AppError::Requete(m)) => return Err(AppError::Refus(m)),
            Err(e) => return Err(e),
        };
    let message = html! {
        div.alerte.alerte-info role="status" {
            p { "Nouveau mot de passe pour " code { (email) } " : " strong.mot-de-passe-affiche { (mdp) } }
            p { "Dictez-le ou notez-le pour le stagiaire ; il figure aussi sur sa carte (« Imprimer les cartes des identifiants ») tant qu'il ne l'a pas changé. Le compte est débloqué." }
        }
    };
    apres_action(&etat, &f, id, message).await
}
