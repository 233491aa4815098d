//! Le menu « Cours » : la théorie des deux programmes de formation, une leçon par point, à
//! lire en cinq minutes, chaque fait avec sa source ; et la page des choix du simulateur. Ces
//! pages sont ouvertes à tous (on peut réviser chez soi sans compte) ; connecté, le stagiaire y
//! retrouve ses menus et peut s'entraîner sur les questions de la leçon.

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::get;
use chorus_domain::choix_simulateur::ChoixSimulateur;
use chorus_domain::cours::Lecon;
use chorus_domain::programme::{ItemProgramme, Programme};
use chorus_domain::quiz::{Question, lettre};
use maud::{Markup, html};

use super::{champ_csrf, gabarit};
use crate::erreur::AppError;
use crate::etat::AppState;
use crate::format;
use crate::session::Stagiaire;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cours", get(sommaire))
        .route("/cours/{item}", get(lecon))
        .route("/choix-du-simulateur", get(choix_du_simulateur))
}

/// La marque « choix du simulateur » : un lien vers l'explication du choix, là où le
/// stagiaire le rencontre.
pub fn marque_choix(choix: ChoixSimulateur) -> Markup {
    html! {
        a.choix-simulateur href={ "/choix-du-simulateur#" (choix.ancre()) } title=(choix.titre()) {
            "choix du simulateur"
        }
    }
}

fn page(titre: &str, stagiaire: Option<&Stagiaire>, etat: &AppState, contenu: Markup) -> Markup {
    match stagiaire {
        Some(s) => {
            let ctx = s.contexte(&etat.horloge);
            gabarit(titre, Some(&s.csrf), Some(&ctx), contenu)
        }
        None => gabarit(titre, None, None, contenu),
    }
}

pub async fn sommaire(State(etat): State<AppState>, stagiaire: Option<Stagiaire>) -> Markup {
    let lecons = etat.cours.lecons();
    let contenu = html! {
        h1 { "Cours" }
        p.chapeau {
            "La théorie des formations à Chorus Pro, point par point : une leçon de cinq minutes environ, en mots "
            "simples, chaque fait avec sa source (article de loi, page officielle). Chaque leçon se termine par ses "
            "questions de quiz et par l'exercice qui la met en pratique. Pour la garder, imprimez-la."
        }
        @for p in Programme::TOUS {
            section.carte aria-labelledby={ "programme-" (p.code()) } {
                h2 id={ "programme-" (p.code()) } { "« " (p.intitule()) " »" }
                p.aide { "Le programme des " (p.organisme()) "." }
                ol.lecons {
                    @for item in p.items() {
                        li {
                            @match lecons.iter().find(|l| l.item == *item) {
                                Some(l) => {
                                    a href={ "/cours/" (item.code()) } { (l.titre) }
                                    " " small { "(" (l.duree_minutes) " min)" }
                                },
                                None => { (item.libelle()) " " small { "(leçon indisponible)" } },
                            }
                        }
                    }
                }
            }
        }
        p { a href="/choix-du-simulateur" { "Ce que le simulateur fait à sa façon, là où les sources se taisent" } }
    };
    page("Cours", stagiaire.as_ref(), &etat, contenu)
}

pub async fn lecon(
    State(etat): State<AppState>,
    stagiaire: Option<Stagiaire>,
    Path(code): Path<String>,
) -> Result<Markup, AppError> {
    let introuvable = || {
        AppError::Introuvable("Cette leçon n'existe pas : choisissez-en une dans le menu « Cours ».".into())
    };
    let item = ItemProgramme::depuis_code(&code).ok_or_else(introuvable)?;
    let l = etat.cours.lecon(item).ok_or_else(introuvable)?;
    let questions: Vec<Question> = etat.quiz.questions().iter().filter(|q| q.item == item).cloned().collect();
    let scenarios = etat.catalogue.scenarios();
    let exercices: Vec<(&str, &str)> = l
        .exercices
        .iter()
        .filter_map(|id| scenarios.iter().find(|s| &s.id == id).map(|s| (s.id.as_str(), s.titre.as_str())))
        .collect();
    let contenu = html! {
        p.fil { a href="/cours" { "Cours" } " › " (item.libelle()) }
        article.lecon {
            h1 { (l.titre) }
            p.chapeau { (l.chapeau) }
            p.aide {
                "Lecture : " (l.duree_minutes) " minutes · "
                @for (i, p) in item.programmes().iter().enumerate() {
                    @if i > 0 { " et " }
                    "programme « " (p.intitule()) " »"
                }
                @if let Some(d) = l.plus_ancienne_verification() {
                    " · faits datés vérifiés au plus tôt le " (format::date_courte(d))
                }
            }
            @for partie in &l.parties {
                section {
                    h2 { (partie.titre) }
                    @for fait in &partie.faits {
                        div.fait {
                            @for para in fait.paragraphes() { p { (para) } }
                            p.source {
                                "Source : " (fait.source)
                                @if let Some(d) = fait.a_jour_au { " — à jour au " (format::date_courte(d)) }
                            }
                        }
                    }
                }
            }
            (section_questions(&l, &questions, stagiaire.as_ref()))
            section {
                h2 { "Mettre en pratique" }
                @if exercices.is_empty() {
                    p { "Pas encore d'exercice sur ce point : entraînez-vous avec les questions ci-dessus." }
                } @else {
                    ul {
                        @for (id, titre) in &exercices {
                            li {
                                "Exercice « " (titre) " »"
                                @if stagiaire.is_some() {
                                    " — " a href={ "/exercices#exercice-" (id) } { "le commencer depuis le menu « Exercices »" }
                                }
                            }
                        }
                    }
                    @if stagiaire.is_none() {
                        p.aide { a href="/connexion" { "Connectez-vous" } " ou " a href="/compte/creer" { "créez un compte d'entraînement" } " pour faire les exercices." }
                    }
                }
            }
            p.boutons.sans-impression { button.bouton type="button" data-imprimer { "Imprimer la leçon" } }
        }
    };
    Ok(page(&l.titre, stagiaire.as_ref(), &etat, contenu))
}

/// Les questions du quiz du même point, chacune avec sa correction à déplier ; connecté, un
/// bouton pour s'y entraîner avec les scores gardés.
fn section_questions(l: &Lecon, questions: &[Question], stagiaire: Option<&Stagiaire>) -> Markup {
    html! {
        section {
            h2 { "Vérifiez vos connaissances" }
            @if questions.is_empty() {
                p { "Pas encore de question sur ce point." }
            } @else {
                p.aide { (questions.len()) " questions. Répondez de tête, puis dépliez la correction." }
                ol.questions-lecon {
                    @for q in questions {
                        li {
                            p { (q.enonce) }
                            ul.choix-lecon {
                                @for (i, c) in q.choix.iter().enumerate() { li { (lettre(i)) ". " (c) } }
                            }
                            details {
                                summary { "Voir la réponse" }
                                p { strong { "Réponse : " (q.lettres_bonnes()) ". " } (q.explication) }
                                p.source {
                                    "Référence : " (q.reference)
                                    @if let Some(d) = q.a_jour_au { " (à jour au " (crate::format::date_courte(d)) ")" }
                                }
                            }
                        }
                    }
                }
                @if let Some(s) = stagiaire {
                    form.sans-impression method="post" action="/quiz/entrainement" {
                        (champ_csrf(&s.csrf))
                        input type="hidden" name="item" value=(l.item.code());
                        button.bouton.bouton-principal type="submit" { "S'entraîner sur ces questions (score gardé)" }
                    }
                }
            }
        }
    }
}

pub async fn choix_du_simulateur(State(etat): State<AppState>, stagiaire: Option<Stagiaire>) -> Markup {
    let contenu = html! {
        h1 { "Les choix du simulateur" }
        p.chapeau {
            "Ce simulateur reproduit le portail Chorus Pro et les règles que les sources officielles décrivent. Là où "
            "elles se taisent, il a dû choisir un comportement. Chaque choix est listé ici, avec sa raison et ce que "
            "disent les sources : ne les prenez pas pour des règles du vrai portail. Dans les pages, la mention "
            "« choix du simulateur » renvoie ici."
        }
        @for c in ChoixSimulateur::TOUS {
            section.carte id=(c.ancre()) aria-labelledby={ "titre-" (c.ancre()) } {
                h2 id={ "titre-" (c.ancre()) } { (c.titre()) }
                dl.fiche {
                    dt { "Ce que fait le simulateur" } dd { (c.ce_que_fait_le_simulateur()) }
                    dt { "Pourquoi" } dd { (c.pourquoi()) }
                    dt { "Ce que disent les sources" } dd { (c.ce_que_disent_les_sources()) }
                }
            }
        }
    };
    page("Les choix du simulateur", stagiaire.as_ref(), &etat, contenu)
}
