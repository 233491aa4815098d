//! « Mon compte » through HTTP, in memory: personal details, password change (and the security
//! message), the structure switcher, notification preferences and the activity notifications
//! they decide (daily activity, weekly summary for the main manager), CSRF on every form.
//! The fixed date, 22 November 2026, is a Sunday: advancing 10 days crosses Mondays 23 and 30
//! November, and the simulated buyer (30-day deadline) does « Service fait » on the 25th and
//! « Mandatée » on 2 December.

mod commun;

use axum::http::StatusCode;
use commun::{Navigateur, Portail, Reponse, Saisie, Stagiaire, lien_de};

const COMMUNE: &str = "21852884200097";
const FORMATION1: &str = "formation1@exemple.fr";
const STRUCTURE1: &str = "PLOMBERIE MARTIN";
/// Formation2's structure in its own sandbox; free in formation1's.
const SIRET_GIRAUD: &str = "92960199500020";
const GIRAUD: &str = "ELECTRICITE GENERALE GIRAUD SARL";
const NOUVEAU_MDP: &str = "Tournesol-Bleu-42!";
const MDP_PAUL: &str = "Atelier-2026!y";
const FORMULAIRE_EXPIRE: &str = "Ce formulaire a expiré";
const MDP_MODIFIE: &str = "Votre mot de passe a été modifié";
const RECAPITULATIF: &str = "Récapitulatif hebdomadaire";

fn activite(jour: &str) -> String {
    format!("Activité du {jour} sur Chorus Pro")
}

/// The ids offered by the switcher (`name="structure" value="…"`), in page order.
fn structures_proposees(page: &str) -> Vec<String> {
    let marque = r#"name="structure" value=""#;
    page.match_indices(marque)
        .map(|(i, _)| {
            let debut = i + marque.len();
            page[debut..debut + page[debut..].find('"').expect("end of the value")].to_string()
        })
        .collect()
}

/// Creates a second structure for the logged-in user (who then works on it).
async fn creer_structure(s: &mut Stagiaire, siret: &str) {
    s.get("/structure/creer").await.assert_statut(StatusCode::OK);
    s.post_form("/structure/creer", &[("type_identifiant", "SIRET"), ("identifiant", siret)])
        .await
        .assert_redirige("/");
}

async fn avancer(s: &mut Stagiaire, jours: &str) {
    s.post_form("/bac/horloge", &[("jours", jours)]).await.assert_redirige_vers_le_bilan();
}

/// Subjects of the mailbox, oldest first.
async fn objets(nav: &mut Navigateur) -> Vec<String> {
    nav.boite().await.into_iter().rev().map(|m| m.objet).collect()
}

#[tokio::test]
async fn la_page_montre_le_compte_ses_rattachements_et_ses_preferences() {
    let portail = Portail::nouveau();
    let mut anonyme = Navigateur::new(&portail.app);
    anonyme.get("/mon-compte").await.assert_redirige("/connexion");

    let mut s = Stagiaire::connecte(&portail.app, FORMATION1).await;
    let accueil = s.get("/").await;
    accueil.assert_contient(r#"href="/mon-compte""#);
    let r = s.get("/mon-compte").await;
    r.assert_statut(StatusCode::OK)
        .assert_contient("<h1>Mon compte</h1>")
        .assert_contient("Mes informations personnelles")
        .assert_contient(&format!(r#"value="{FORMATION1}" readonly"#))
        .assert_contient(r#"name="nom" type="text" value="Stagiaire""#)
        .assert_contient(r#"name="prenom" type="text" value="Démo 1""#)
        .assert_contient("Mes rattachements")
        .assert_contient(STRUCTURE1)
        .assert_contient("92391234900068")
        .assert_contient("Gestionnaire principal")
        .assert_contient("Validé")
        .assert_contient("Structure de travail actuelle")
        .assert_contient(r#"href="/structure/creer""#)
        .assert_contient("Se rattacher à une autre structure")
        .assert_contient("Au moins 12 caractères.")
        .assert_contient("Recevoir des notifications périodiques d'activité")
        .assert_contient(r#"name="quotidienne" value="oui" checked"#)
        .assert_contient(r#"name="hebdomadaire" value="oui" checked"#);
    // The only structure is the current one: nothing to switch to.
    assert!(structures_proposees(&r.corps).is_empty());
}

#[tokio::test]
async fn informations_personnelles_refusees_puis_enregistrees() {
    let portail = Portail::nouveau();
    let mut s = Stagiaire::connecte(&portail.app, FORMATION1).await;
    s.get("/mon-compte").await.assert_statut(StatusCode::OK);

    let refus = s
        .post_form(
            "/mon-compte/informations",
            &[("nom", "Dupont"), ("prenom", "Jeanne"), ("telephone", "01 23 45"), ("email_contact", "")],
        )
        .await;
    refus
        .assert_statut(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contient("Vos informations ne peuvent pas être enregistrées")
        .assert_contient("un numéro français compte 10 chiffres")
        .assert_contient(r#"value="Dupont""#)
        .assert_contient(r#"value="01 23 45""#);
    let vide = s.post_form("/mon-compte/informations", &[("nom", ""), ("prenom", "<b>")]).await;
    vide.assert_statut(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contient("Renseignez « Nom »")
        .assert_contient(r#"value="&lt;b&gt;""#)
        .assert_absent("<b>");
    // Nothing was saved.
    s.get("/mon-compte").await.assert_contient(r#"value="Stagiaire""#);

    s.post_form(
        "/mon-compte/informations",
        &[
            ("nom", "Dupont"),
            ("prenom", "Jeanne"),
            ("telephone", "+33 6 12 34 56 78"),
            ("email_contact", "compta@plomberie-martin.exemple"),
            // The login e-mail cannot be changed here, whatever is sent.
            ("email_connexion", "pirate@exemple.fr"),
        ],
    )
    .await
    .assert_redirige("/mon-compte?enregistre=informations");
    let r = s.get("/mon-compte?enregistre=informations").await;
    r.assert_statut(StatusCode::OK)
        .assert_contient("Vos informations personnelles sont enregistrées.")
        .assert_contient(r#"value="Dupont""#)
        .assert_contient(r#"value="Jeanne""#)
        .assert_contient(r#"value="+33 6 12 34 56 78""#)
        .assert_contient(r#"value="compta@plomberie-martin.exemple""#)
        .assert_contient(&format!(r#"value="{FORMATION1}" readonly"#));
    // The header shows the new name; the login is unchanged.
    s.get("/").await.assert_contient("Jeanne Dupont");
    let mut autre = Navigateur::new(&portail.app);
    autre.get("/connexion").await;
    autre
        .post_form(
            "/connexion",
            &[("identifiant", FORMATION1), ("mot_de_passe", chorus_store::demo::MOT_DE_PASSE_DEMO)],
        )
        .await
        .assert_redirige("/");
}

#[tokio::test]
async fn changer_de_mot_de_passe() {
    let portail = Portail::nouveau();
    let mut s = Stagiaire::connecte(&portail.app, FORMATION1).await;
    s.get("/mon-compte").await.assert_statut(StatusCode::OK);
    let demo = chorus_store::demo::MOT_DE_PASSE_DEMO;

    // Wrong current password, several times: refused, and not counted as failed logins.
    for _ in 0..6 {
        let r = s
            .post_form(
                "/mon-compte/mot-de-passe",
                &[("actuel", "Pas-le-bon-1!"), ("mot_de_passe", NOUVEAU_MDP), ("confirmation", NOUVEAU_MDP)],
            )
            .await;
        r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contient("Le mot de passe n'a pas été changé")
            .assert_contient("Le mot de passe actuel est incorrect")
            // Passwords are never shown back.
            .assert_absent("Pas-le-bon-1!")
            .assert_absent(NOUVEAU_MDP);
    }
    // A weak new password: each broken rule is listed.
    let faible = s
        .post_form(
            "/mon-compte/mot-de-passe",
            &[("actuel", demo), ("mot_de_passe", "court"), ("confirmation", "court")],
        )
        .await;
    faible
        .assert_statut(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_absent("Le mot de passe actuel est incorrect")
        .assert_contient("au moins 12 caractères")
        .assert_contient("au moins une lettre majuscule")
        .assert_contient("au moins un chiffre")
        .assert_contient("au moins un caractère spécial");
    let differente = s
        .post_form(
            "/mon-compte/mot-de-passe",
            &[("actuel", demo), ("mot_de_passe", NOUVEAU_MDP), ("confirmation", "Autre-chose-42!")],
        )
        .await;
    differente.assert_statut(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!objets(&mut s).await.iter().any(|o| o == MDP_MODIFIE), "nothing changed yet");

    s.post_form(
        "/mon-compte/mot-de-passe",
        &[("actuel", demo), ("mot_de_passe", NOUVEAU_MDP), ("confirmation", NOUVEAU_MDP)],
    )
    .await
    .assert_redirige("/mon-compte?enregistre=mot-de-passe");
    s.get("/mon-compte?enregistre=mot-de-passe")
        .await
        .assert_statut(StatusCode::OK)
        .assert_contient("Votre mot de passe a été modifié. Un message de confirmation");
    let boite = s.boite().await;
    assert_eq!(boite[0].objet, MDP_MODIFIE, "{boite:?}");
    assert_eq!(boite[0].destinataire, FORMATION1);
    s.ouvrir_dernier(MDP_MODIFIE)
        .await
        .assert_contient(FORMATION1)
        .assert_contient("Mot de passe oublié")
        .assert_absent(NOUVEAU_MDP);

    // A fresh browser: the old password fails, the new one works.
    let mut nav = Navigateur::new(&portail.app);
    nav.get("/connexion").await.assert_statut(StatusCode::OK);
    nav.post_form("/connexion", &[("identifiant", FORMATION1), ("mot_de_passe", demo)])
        .await
        .assert_statut(StatusCode::UNAUTHORIZED);
    nav.post_form("/connexion", &[("identifiant", FORMATION1), ("mot_de_passe", NOUVEAU_MDP)])
        .await
        .assert_redirige("/");
    nav.get("/").await.assert_statut(StatusCode::OK).assert_contient(STRUCTURE1);
}

#[tokio::test]
async fn selecteur_de_structure() {
    let portail = Portail::nouveau();
    let mut s = Stagiaire::connecte(&portail.app, FORMATION1).await;
    s.get("/").await.assert_contient(&format!("<strong>{STRUCTURE1}</strong>"));

    // « Se rattacher à une autre structure » leads to the structure page, which works for a
    // user who already has one: formation1 creates a second structure and works on it.
    creer_structure(&mut s, SIRET_GIRAUD).await;
    s.get("/").await.assert_contient(&format!("<strong>{GIRAUD}</strong>"));
    let page = s.get("/mon-compte").await;
    page.assert_statut(StatusCode::OK).assert_contient(STRUCTURE1).assert_contient(GIRAUD);
    assert_eq!(page.corps.matches("Gestionnaire principal").count(), 2);
    let [plomberie] = structures_proposees(&page.corps).try_into().expect("one other structure");

    s.post_form("/mon-compte/structure", &[("structure", plomberie.as_str())]).await.assert_redirige("/");
    s.get("/").await.assert_contient(&format!("<strong>{STRUCTURE1}</strong>"));
    let [giraud] = structures_proposees(&s.get("/mon-compte").await.corps).try_into().expect("one other");
    assert_ne!(giraud, plomberie);
    s.post_form("/mon-compte/structure", &[("structure", giraud.as_str())]).await.assert_redirige("/");
    s.get("/").await.assert_contient(&format!("<strong>{GIRAUD}</strong>"));

    // Made-up ids and another sandbox's structure are « introuvable ».
    for id in ["00000000-0000-4000-8000-000000000000", "", "' OR 1=1 --"] {
        s.post_form("/mon-compte/structure", &[("structure", id)]).await.assert_statut(StatusCode::NOT_FOUND);
    }
    let mut voisin = Stagiaire::connecte(&portail.app, "formation2@exemple.fr").await;
    creer_structure(&mut voisin, "98049212800023").await;
    let [chez_le_voisin] =
        structures_proposees(&voisin.get("/mon-compte").await.corps).try_into().expect("one other");
    s.post_form("/mon-compte/structure", &[("structure", chez_le_voisin.as_str())])
        .await
        .assert_statut(StatusCode::NOT_FOUND);
    s.get("/").await.assert_contient(&format!("<strong>{GIRAUD}</strong>"));
}

#[tokio::test]
async fn chaque_formulaire_exige_le_jeton_csrf() {
    let portail = Portail::nouveau();
    let mut s = Stagiaire::connecte(&portail.app, FORMATION1).await;
    s.get("/mon-compte").await.assert_statut(StatusCode::OK);
    for action in [
        "/mon-compte/informations",
        "/mon-compte/mot-de-passe",
        "/mon-compte/notifications",
        "/mon-compte/structure",
    ] {
        for csrf in [None, Some("faux")] {
            let mut champs = vec![
                ("nom", "Dupont"),
                ("prenom", "Jeanne"),
                ("actuel", chorus_store::demo::MOT_DE_PASSE_DEMO),
                ("mot_de_passe", NOUVEAU_MDP),
                ("confirmation", NOUVEAU_MDP),
                ("structure", "x"),
            ];
            if let Some(j) = csrf {
                champs.push(("csrf", j));
            }
            s.post_form_sans_csrf(action, &champs)
                .await
                .assert_statut(StatusCode::FORBIDDEN)
                .assert_contient(FORMULAIRE_EXPIRE);
        }
    }
    // Nothing changed: same name, same preferences, same password.
    s.get("/mon-compte")
        .await
        .assert_contient(r#"value="Stagiaire""#)
        .assert_contient(r#"name="quotidienne" value="oui" checked"#);
    assert!(objets(&mut s).await.is_empty());
}

/// The body of an opened message.
fn corps_du_message(r: &Reponse) -> &str {
    let debut = r.corps.find("<article").expect("message body");
    &r.corps[debut..]
}

#[tokio::test]
async fn notifications_d_activite_et_recapitulatif_hebdomadaire() {
    let portail = Portail::nouveau();
    let mut s = Stagiaire::connecte(&portail.app, FORMATION1).await;
    s.get("/factures-emises/saisir").await.assert_statut(StatusCode::OK);
    s.envoyer(&Saisie::valide("FA-NOTIF-1", COMMUNE)).await;
    assert!(objets(&mut s).await.is_empty(), "sending an invoice notifies nothing by itself");

    avancer(&mut s, "10").await;
    let boite = s.boite().await;
    let activites: Vec<(&str, &str)> = boite
        .iter()
        .filter(|m| m.objet.starts_with("Activité du"))
        .map(|m| (m.objet.as_str(), m.recu_le.as_str()))
        .collect();
    // Newest first: one message per day with events, none for the days without.
    assert_eq!(
        activites,
        [
            (activite("02/12/2026").as_str(), "02/12/2026 07:00"),
            (activite("25/11/2026").as_str(), "25/11/2026 07:00")
        ]
    );
    assert!(boite.iter().all(|m| m.destinataire == FORMATION1), "{boite:?}");
    let service_fait = s.ouvrir_dernier(&activite("25/11/2026")).await;
    let texte = corps_du_message(&service_fait);
    assert!(texte.contains("FA-NOTIF-1") && texte.contains("Service fait"), "{texte}");
    assert!(!texte.contains("Mandatée"), "{texte}");
    assert!(lien_de(texte, "/factures-emises").is_some(), "a link to the invoices");
    s.ouvrir_dernier(&activite("02/12/2026")).await.assert_contient("FA-NOTIF-1").assert_contient("Mandatée");

    // Mondays 23 and 30 November: the main manager's weekly summary.
    let recaps: Vec<&str> =
        boite.iter().filter(|m| m.objet == RECAPITULATIF).map(|m| m.recu_le.as_str()).collect();
    assert_eq!(recaps, ["30/11/2026 07:00", "23/11/2026 07:00"]);
    let recap = s.ouvrir_dernier(RECAPITULATIF).await;
    recap
        .assert_contient("semaine du lundi 23/11/2026 au dimanche 29/11/2026")
        .assert_contient(STRUCTURE1)
        .assert_contient("Changements de statut dans la semaine : 1.")
        .assert_contient("Service fait : 1")
        .assert_contient("Total : 1 facture(s).");
    assert_eq!(boite.len(), 4, "{boite:?}");
}

#[tokio::test]
async fn les_cases_decochees_coupent_les_notifications() {
    let portail = Portail::nouveau();
    let mut s = Stagiaire::connecte(&portail.app, FORMATION1).await;
    s.get("/mon-compte").await.assert_statut(StatusCode::OK);
    // Daily unchecked, weekly kept.
    s.post_form("/mon-compte/notifications", &[("hebdomadaire", "oui")])
        .await
        .assert_redirige("/mon-compte?enregistre=notifications");
    let page = s.get("/mon-compte?enregistre=notifications").await;
    page.assert_contient("Vos préférences de notification sont enregistrées.")
        .assert_absent(r#"name="quotidienne" value="oui" checked"#)
        .assert_contient(r#"name="hebdomadaire" value="oui" checked"#);
    s.envoyer(&Saisie::valide("FA-NOTIF-2", COMMUNE)).await;
    avancer(&mut s, "10").await;
    assert_eq!(objets(&mut s).await, [RECAPITULATIF, RECAPITULATIF]);

    // Both unchecked: nothing at all.
    s.get("/mon-compte").await;
    s.post_form::<&str, &str>("/mon-compte/notifications", &[])
        .await
        .assert_redirige("/mon-compte?enregistre=notifications");
    avancer(&mut s, "30").await;
    assert_eq!(objets(&mut s).await, [RECAPITULATIF, RECAPITULATIF]);

    // Daily only: activity messages, no summary.
    s.get("/mon-compte").await;
    s.post_form("/mon-compte/notifications", &[("quotidienne", "oui")]).await;
    s.envoyer(&Saisie::valide("FA-NOTIF-3", COMMUNE)).await;
    avancer(&mut s, "10").await;
    let nouveaux: Vec<String> = objets(&mut s).await.into_iter().skip(2).collect();
    assert!(!nouveaux.is_empty() && nouveaux.iter().all(|o| o.starts_with("Activité du")), "{nouveaux:?}");
}

/// Paul joins PLOMBERIE MARTIN as a simple user (same workstation, approved by formation1).
async fn paul_rejoint_la_structure(portail: &Portail) -> Stagiaire {
    let gp = Stagiaire::connecte(&portail.app, FORMATION1).await;
    let mut paul = Navigateur::new(&portail.app);
    paul.cookie = gp.cookie.clone();
    paul.csrf = gp.csrf.clone();
    paul.post_form("/deconnexion", &[("", "")]).await.assert_redirige("/connexion");
    paul.get("/compte/creer").await;
    paul.post_form(
        "/compte/creer",
        &[("email_connexion", "paul@artisan.exemple"), ("nom", "Durand"), ("prenom", "Paul")],
    )
    .await
    .assert_statut(StatusCode::OK);
    let message = paul.ouvrir_dernier("Activez votre compte").await;
    let lien = lien_de(&message.corps, "/compte/activer/").expect("activation link");
    paul.get(&lien).await;
    paul.post_form(&lien, &[("mot_de_passe", MDP_PAUL), ("confirmation", MDP_PAUL)])
        .await
        .assert_statut(StatusCode::OK);
    paul.post_form("/connexion", &[("identifiant", "paul@artisan.exemple"), ("mot_de_passe", MDP_PAUL)])
        .await
        .assert_redirige("/");
    paul.get("/structure/creer").await;
    let existe = paul
        .post_form("/structure/creer", &[("type_identifiant", "SIRET"), ("identifiant", "92391234900068")])
        .await;
    let [sid] = structures_proposees(&existe.corps).try_into().expect("the existing structure");
    paul.post_form("/structure/rattacher", &[("structure", sid.as_str())])
        .await
        .assert_statut(StatusCode::OK);

    let mut gp = Stagiaire::connecte(&portail.app, FORMATION1).await;
    let approbations = gp.get("/approbations").await;
    let marque = r#"name="demandeur" value=""#;
    let debut = approbations.corps.find(marque).expect("a request") + marque.len();
    let demandeur = approbations.corps[debut..debut + 36].to_string();
    gp.post_form(
        "/approbations",
        &[("demandeur", demandeur.as_str()), ("structure", sid.as_str()), ("decision", "approuver")],
    )
    .await
    .assert_redirige("/approbations");
    paul.get("/").await.assert_statut(StatusCode::OK);
    gp
}

#[tokio::test]
async fn le_recapitulatif_ne_va_qu_au_gestionnaire_principal() {
    let portail = Portail::nouveau();
    let mut gp = paul_rejoint_la_structure(&portail).await;
    let avant = gp.boite().await.len();
    gp.get("/factures-emises/saisir").await;
    gp.envoyer(&Saisie::valide("FA-EQUIPE-1", COMMUNE)).await;
    avancer(&mut gp, "3").await;
    let boite = gp.boite().await;
    let nouveaux: Vec<(&str, &str)> =
        boite[..boite.len() - avant].iter().map(|m| (m.objet.as_str(), m.destinataire.as_str())).collect();
    // Both users have both boxes checked (the default): both get the day's activity, only the
    // main manager gets Monday's summary.
    let jour = activite("25/11/2026");
    assert_eq!(
        nouveaux,
        [(jour.as_str(), "paul@artisan.exemple"), (jour.as_str(), FORMATION1), (RECAPITULATIF, FORMATION1),]
    );
}
