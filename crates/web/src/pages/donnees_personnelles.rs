//! « Données personnelles » : ce que le simulateur garde sur un stagiaire, pourquoi et combien de
//! temps, en français simple. Les durées sont celles que l'organisme a réglées sur ce serveur.

use chorus_store::cloture;
use maud::{Markup, html};

use super::gabarit;

pub async fn page() -> Markup {
    let conservation = cloture::conservation_mois();
    let suppression = cloture::suppression_jours();
    gabarit(
        "Données personnelles",
        None,
        None,
        html! {
            h1 { "Vos données personnelles dans le simulateur" }
            p.chapeau { "Ce simulateur sert à s'entraîner au portail Chorus Pro pendant une formation. Il ne garde sur vous que ce qu'il faut pour la formation et pour en prouver le suivi." }
            h2 { "Ce qui est gardé, et pourquoi" }
            ul {
                li { strong { "Votre nom" } " (celui que vous tapez en rejoignant la classe) : pour la feuille d'émargement, votre attestation et le suivi du formateur." }
                li { strong { "Vos signatures d'émargement" } " (date, heure, nom tapé, tracé éventuel) : pour prouver votre présence à chaque demi-journée." }
                li { strong { "Votre compte d'entraînement" } " (identifiant, mot de passe chiffré, adresse électronique si vous en donnez une) et " strong { "votre bac à sable" } " : les structures, factures, fichiers et messages fictifs que vous créez pendant les exercices." }
                li { strong { "Vos résultats" } " : exercices, quiz, questionnaire de satisfaction, pour votre attestation et le bilan de la session." }
            }
            p { "Les entreprises, acheteurs publics et factures du simulateur sont fictifs : n'y saisissez aucune donnée réelle (vraies factures, coordonnées bancaires, données de clients)." }
            h2 { "Combien de temps" }
            ul {
                li { "À la fin de la formation, le formateur clôt la classe. " strong { (suppression) " jours" } " plus tard, votre bac à sable, votre compte, vos messages, vos signatures, vos réponses aux quiz et au questionnaire sont " strong { "supprimés" } " — vraiment effacés de la base, pas seulement masqués." }
                li { "Les documents de la session — la feuille d'émargement, les attestations et le tableau des résultats — sont gardés " strong { (conservation) " mois" } " après la clôture, pour les contrôles de l'organisme de formation (preuves de présence et d'évaluation), puis supprimés." }
                li { "Un compte de pratique libre, hors classe, reste tant que l'organisme ne le supprime pas." }
            }
            h2 { "Ce que vous pouvez faire" }
            ul {
                li { "Avant la suppression, téléchargez votre attestation et vos résultats depuis votre feuille d'émargement (menu « Émargement »)." }
                li { "Pour toute question, ou pour demander la suppression de vos données plus tôt, adressez-vous à votre formateur ou à l'organisme de formation qui a organisé la session : c'est lui qui est responsable de ces données." }
            }
            p.aide { "Les durées ci-dessus sont celles que l'organisme a réglées sur ce serveur." }
        },
    )
}
