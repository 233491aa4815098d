//! Les pages du portail simulé. Chaque page dit qu'elle est un simulateur : bandeau, titre,
//! couleurs distinctes, aucun logo de l'État.

pub mod accueil;
pub mod acheteur;
pub mod annuaire;
pub mod bac;
pub mod cloture;
pub mod compte;
pub mod connexion;
pub mod contenu_facture;
pub mod cours;
pub mod depot;
pub mod donnees_personnelles;
pub mod emargement;
pub mod exercices;
pub mod factures;
pub mod fin_de_formation;
pub mod flux;
pub mod formateur;
pub mod gestion;
pub mod jeton_api;
pub mod maitrises;
pub mod messagerie;
pub mod mon_compte;
pub mod paiement;
pub mod parties;
pub mod pieces;
pub mod portail;
pub mod questionnaire;
pub mod quiz;
pub mod raccordement;
pub mod rattachement;
pub mod rejoindre;
pub mod saisie;
pub mod structure;
pub mod suites;
pub mod suivi_classe;
pub mod travaux;
pub mod validation;

use axum::http::StatusCode;
use axum::response::IntoResponse;
use chorus_domain::{Anomalie, Statut};
use maud::{DOCTYPE, Markup, html};

use crate::format;
use crate::session::Stagiaire;

/// Ce que l'en-tête affiche d'un stagiaire connecté.
pub struct Contexte<'a> {
    pub stagiaire: &'a Stagiaire,
    pub date_simulee: chrono::NaiveDate,
}

impl Stagiaire {
    pub fn contexte(&self, horloge: &chorus_store::Horloge) -> Contexte<'_> {
        Contexte { stagiaire: self, date_simulee: self.bac.date_simulee(horloge) }
    }
}

/// La page complète. `csrf` est repris dans `<meta name="csrf">` pour les scripts et les tests.
pub fn gabarit(titre: &str, csrf: Option<&str>, ctx: Option<&Contexte<'_>>, contenu: Markup) -> Markup {
    let lecture = crate::lecture_seule::en_cours();
    let contenu = match &lecture {
        None => contenu,
        Some(l) => html! {
            (bandeau_lecture_seule(l))
            // Un fieldset désactivé désactive tous les champs et boutons qu'il contient : la
            // page se lit telle quelle, sans rien pouvoir envoyer (le serveur refuse de toute
            // façon).
            fieldset.lecture-seule disabled { (contenu) }
        },
    };
    document(
        &format!("{titre} · Simulateur Chorus Pro (formation)"),
        csrf,
        "ce site n'est pas Chorus Pro : rien n'est transmis à l'administration, les structures et les montants sont fictifs.",
        html! {
                div.entete {
                    div.entete-gauche {
                        a.marque href="/" { span.marque-nom { "Chorus Pro" } span.marque-simu { "simulateur" } }
                    }
                    @if let Some(ctx) = ctx {
                        // Sur un écran étroit, app.js replie les menus derrière ce bouton ; sans
                        // JavaScript ils restent dépliés.
                        button.bouton-menu type="button" aria-controls="menus liens-formation" aria-expanded="false" hidden { "Menu" }
                        div #menus .menus {
                            nav.menu aria-label="Menu du portail" {
                                a href="/" { "Accueil" }
                                a href="/facturation" { "Facturation" }
                                a href="/organisation" { "Organisation" }
                                a href="/raccordements" { "Raccordements" }
                                a href="/approbations" { "Approbations" }
                            }
                            details.menu-utilisateur {
                                summary {
                                    span.visuellement-cache { "Menu de l'utilisateur : " }
                                    (ctx.stagiaire.utilisateur.prenom) " " (ctx.stagiaire.utilisateur.nom)
                                    span.structure-courante { (ctx.stagiaire.structure.raison_sociale) }
                                }
                                ul {
                                    li { a href="/mon-compte" { "Mon compte" } }
                                    li { a href="/mon-compte#rattachements" { "Mes rattachements" } }
                                    li { a href="/mon-compte/habilitations" { "Mes habilitations" } }
                                    @if lecture.is_none() {
                                        li {
                                            form method="post" action="/deconnexion" {
                                                input type="hidden" name="csrf" value=(ctx.stagiaire.csrf);
                                                button.lien type="submit" { "Se déconnecter" }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                @if let Some(ctx) = ctx { (barre_formation(ctx, lecture.is_none())) }
        },
        contenu,
    )
}

/// La barre « Bac à sable / Formation » : ce qui n'existe pas sur le vrai portail (le temps
/// simulé, les exercices, les quiz, les cours, la messagerie qui remplace le courriel, jouer
/// l'acheteur public), à part du menu du portail et d'une autre couleur, pour que personne ne
/// les prenne pour des fonctions de Chorus Pro.
fn barre_formation(ctx: &Contexte<'_>, actions: bool) -> Markup {
    html! {
        nav.barre-formation aria-label="Bac à sable et formation" {
            span.titre-formation { "Bac à sable / Formation" }
            span.date-simulee title="Date du bac à sable (simulée)" {
                "Date simulée : " strong { (format::date_longue(ctx.date_simulee)) }
            }
            @if actions {
                form.horloge-rapide method="post" action="/bac/horloge" {
                    input type="hidden" name="csrf" value=(ctx.stagiaire.csrf);
                    label for="jours-barre" { "Avancer de" }
                    input #jours-barre type="number" name="jours" min="1" max="365" value="5" required;
                    span { "j" }
                    button.bouton type="submit" { "Avancer l'horloge" }
                }
            }
            // Sur un petit écran, ces liens se replient avec les menus du portail (app.js).
            span #liens-formation .liens-formation {
                a href="/bac" { "Bac à sable" }
                a href="/exercices" { "Exercices" }
                a href="/quiz" { "Quiz" }
                a href="/cours" { "Cours" }
                a href="/suivi-paiements" { "Suivi des paiements" }
                a href="/messagerie" { "Messagerie" }
                a.menu-acheteur href="/parties" { "Jouer les autres parties" }
            }
        }
    }
}

/// Le bandeau du formateur qui regarde le portail d'un stagiaire.
fn bandeau_lecture_seule(l: &crate::lecture_seule::LectureSeule) -> Markup {
    html! {
        div.bandeau-lecture-seule role="note" {
            p {
                strong { "Lecture seule" }
                " — vous voyez le portail de " strong { (l.vue.nom) } " tel qu'il le voit. Aucune action n'y est possible."
                @if l.vue.utilisateur_id.is_none() { " " (l.vue.nom) " n'a pas encore créé son compte." }
            }
            div.actions-lecture-seule {
                a.bouton href={ "/formateur/classes/" (l.vue.classe_id) "/suivi" } { "Revenir au suivi de la classe" }
                form method="post" action="/formateur/lecture-seule/quitter" {
                    (champ_csrf(&l.csrf))
                    input type="hidden" name="classe" value=(l.vue.classe_id);
                    button.bouton type="submit" { "Quitter la lecture seule" }
                }
            }
        }
    }
}

/// Le squelette commun au portail et à la console : en-tête HTML, bandeau « simulateur »
/// (jamais confondu avec le vrai portail), l'en-tête propre à chaque espace, le contenu.
pub fn document(
    titre_complet: &str,
    csrf: Option<&str>,
    avertissement: &str,
    entete: Markup,
    contenu: Markup,
) -> Markup {
    html! {
        (DOCTYPE)
        html lang="fr" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                @if let Some(j) = csrf { meta name="csrf" content=(j); }
                title { (titre_complet) }
                link rel="stylesheet" href="/assets/app.css";
                script src="/assets/app.js" defer {}
            }
            body {
                a.evitement href="#contenu" { "Aller au contenu" }
                // Le bandeau « simulateur » est dans l'en-tête de la page (un repère ARIA) : aucune
                // partie de la page ne reste hors des repères.
                header.haut-de-page {
                    div.bandeau-simulateur role="note" {
                        strong { "SIMULATEUR DE FORMATION" }
                        " — " (avertissement)
                    }
                    (entete)
                }
                main #contenu tabindex="-1" { (contenu) }
                footer.pied {
                    "Simulateur d'entraînement au portail Chorus Pro — données fictives, à usage de formation uniquement. "
                    a href="/donnees-personnelles" { "Données personnelles" }
                }
            }
        }
    }
}

pub fn page_erreur(titre: &str, message: &str) -> Markup {
    gabarit(
        titre,
        None,
        None,
        html! {
            h1 { (titre) }
            div.alerte.alerte-erreur role="alert" { p { (message) } }
            p { a href="/" { "Revenir à l'accueil" } }
        },
    )
}

pub async fn introuvable() -> impl IntoResponse {
    (StatusCode::NOT_FOUND, page_erreur("Page introuvable", "Cette adresse n'existe pas dans le simulateur."))
}

/// Pastille de statut, avec une couleur par famille de statut.
pub fn pastille(statut: Statut) -> Markup {
    let famille = match statut {
        Statut::Brouillon => "brouillon",
        Statut::ARecycler | Statut::Suspendue => "attention",
        Statut::Rejetee | Statut::Refusee1 | Statut::Refusee2 => "rejet",
        Statut::ErreurFournisseurSurValideur | Statut::ErreurCotraitantSurValideur => "attention",
        Statut::MiseEnPaiement => "paye",
        _ => "en-cours",
    };
    html! { span class={ "pastille pastille-" (famille) } { (statut.libelle()) } }
}

/// Le premier bouton d'un formulaire qui envoie quelque chose : désactivé, il devient le bouton
/// par défaut, et la touche Entrée dans un champ n'envoie plus rien (HTML : la soumission
/// implicite est sans effet quand le bouton par défaut est désactivé). Les vrais boutons gardent
/// leur sens.
pub fn sans_soumission_implicite() -> Markup {
    html! { button.soumission-implicite type="submit" disabled hidden aria-hidden="true" tabindex="-1" { "Ne rien faire" } }
}

/// Champ caché du jeton anti-falsification.
pub fn champ_csrf(jeton: &str) -> Markup {
    html! { input type="hidden" name="csrf" value=(jeton); }
}

/// Identifiant HTML d'un champ (et ancre du résumé des erreurs).
pub fn id_champ(champ: &str, ligne: Option<usize>) -> String {
    match ligne {
        Some(n) => format!("{champ}-{n}"),
        None => champ.to_string(),
    }
}

pub fn erreurs_du_champ<'a>(
    anomalies: &'a [Anomalie],
    champ: &str,
    ligne: Option<usize>,
) -> Vec<&'a Anomalie> {
    anomalies.iter().filter(|a| a.champ == champ && a.ligne == ligne).collect()
}

/// Un champ texte avec son libellé, son aide et ses erreurs.
pub fn champ_texte(
    anomalies: &[Anomalie],
    nom: &str,
    libelle: &str,
    valeur: &str,
    obligatoire: bool,
    aide: Option<&str>,
    attributs: (&str, usize),
) -> Markup {
    let (type_champ, longueur) = attributs;
    let erreurs = erreurs_du_champ(anomalies, nom, None);
    let id_aide = format!("{nom}-aide");
    let id_erreur = format!("{nom}-erreur");
    let decrit = match (aide.is_some(), erreurs.is_empty()) {
        (true, false) => format!("{id_aide} {id_erreur}"),
        (true, true) => id_aide.clone(),
        (false, false) => id_erreur.clone(),
        (false, true) => String::new(),
    };
    html! {
        div class={ "champ" @if !erreurs.is_empty() { " champ-en-erreur" } } {
            label for=(nom) { (libelle) @if obligatoire { span.obligatoire aria-hidden="true" { " *" } } }
            @if let Some(a) = aide { p.aide id=(id_aide) { (a) } }
            @if !erreurs.is_empty() {
                p.message-erreur id=(id_erreur) { @for e in &erreurs { (e.message) " " } }
            }
            input id=(nom) name=(nom) type=(type_champ) value=(valeur) maxlength=(longueur)
                required[obligatoire] aria-invalid=[(!erreurs.is_empty()).then_some("true")]
                aria-describedby=[(!decrit.is_empty()).then_some(decrit.as_str())];
        }
    }
}

/// Le résumé des anomalies en haut d'un formulaire, avec un lien vers chaque champ.
pub fn resume_anomalies(titre: &str, anomalies: &[Anomalie]) -> Markup {
    html! {
        @if !anomalies.is_empty() {
            div.alerte.alerte-erreur.resume-erreurs role="alert" tabindex="-1" id="resume-erreurs" {
                h2 { (titre) }
                ul {
                    @for a in anomalies {
                        li { a href={ "#" (id_champ(&a.champ, a.ligne)) } { (a.message) } }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    /// Ce que les pages insèrent est échappé, caractères accentués et texte autour compris
    /// (l'échappement de maud recopie d'un bloc ce qui n'a rien à échapper).
    #[test]
    fn tout_texte_insere_est_echappe() {
        for (texte, attendu) in [
            ("", ""),
            ("Plomberie Dupré & fils", "Plomberie Dupré &amp; fils"),
            ("\"><script>alert('é')</script>", "&quot;&gt;&lt;script&gt;alert('é')&lt;/script&gt;"),
            ("<<>>&&\"\"", "&lt;&lt;&gt;&gt;&amp;&amp;&quot;&quot;"),
            ("n° 12 € — ß", "n° 12 € — ß"),
        ] {
            let page = maud::html! { p title=(texte) { (texte) } }.into_string();
            assert_eq!(page, format!("<p title=\"{attendu}\">{attendu}</p>"), "{texte}");
        }
    }
}
