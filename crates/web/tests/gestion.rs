//! « Gérer ma structure » à travers le portail : un second utilisateur rejoint la structure
//! d'un compte de démonstration par une demande de rattachement, puis le gestionnaire
//! principal gère services, habilitations, rôle et détachement ; chaque refus dit pourquoi.

mod commun;

use axum::http::StatusCode;
use commun::{Navigateur, Portail, Stagiaire, lien_de};

const MDP_PAUL: &str = "Atelier-2026!y";

/// Paul crée son compte dans le bac à sable de formation1 (même poste), l'active, se connecte
/// et demande à rejoindre PLOMBERIE MARTIN ; formation1 approuve. Retourne les deux navigateurs.
async fn equipe(portail: &Portail) -> (Stagiaire, Navigateur) {
    let mut gp = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    // Le poste de formation1 sert à créer le compte de Paul : même bac à sable.
    let mut paul = Navigateur::new(&portail.app);
    paul.cookie = gp.cookie.clone();
    paul.csrf = gp.csrf.clone();
    paul.post_form("/deconnexion", &[("", "")]).await.assert_redirige("/connexion");
    paul.get("/compte/creer").await.assert_statut(StatusCode::OK);
    paul.post_form(
        "/compte/creer",
        &[("email_connexion", "paul@artisan.exemple"), ("nom", "Durand"), ("prenom", "Paul")],
    )
    .await
    .assert_statut(StatusCode::OK);
    let message = paul.ouvrir_dernier("Activez votre compte").await;
    let lien = lien_de(&message.corps, "/compte/activer/").expect("lien d'activation");
    paul.get(&lien).await.assert_statut(StatusCode::OK);
    paul.post_form(&lien, &[("mot_de_passe", MDP_PAUL), ("confirmation", MDP_PAUL)])
        .await
        .assert_statut(StatusCode::OK);
    paul.post_form("/connexion", &[("identifiant", "paul@artisan.exemple"), ("mot_de_passe", MDP_PAUL)])
        .await
        .assert_redirige("/");
    paul.get("/").await.assert_redirige("/structure/creer");
    paul.get("/structure/creer").await.assert_statut(StatusCode::OK);
    let existe = paul
        .post_form("/structure/creer", &[("type_identifiant", "SIRET"), ("identifiant", "92391234900068")])
        .await;
    existe.assert_statut(StatusCode::UNPROCESSABLE_ENTITY).assert_contient("Demander le rattachement");
    let debut = existe.corps.find("name=\"structure\" value=\"").expect("structure id") + 24;
    let sid = existe.corps[debut..debut + 36].to_string();
    paul.post_form("/structure/rattacher", &[("structure", sid.as_str())])
        .await
        .assert_statut(StatusCode::OK);
    paul.get("/structure/creer").await.assert_contient("en attente");

    // formation1 se reconnecte dans son propre navigateur et approuve.
    gp = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    let approbations = gp.get("/approbations").await;
    approbations.assert_statut(StatusCode::OK).assert_contient("paul@artisan.exemple");
    let debut = approbations.corps.find("name=\"demandeur\" value=\"").expect("demandeur") + 24;
    let demandeur = approbations.corps[debut..debut + 36].to_string();
    gp.post_form(
        "/approbations",
        &[
            ("demandeur", demandeur.as_str()),
            ("structure", sid.as_str()),
            ("decision", "approuver"),
            ("commentaire", "Bienvenue"),
        ],
    )
    .await
    .assert_redirige("/approbations");
    paul.get("/").await.assert_statut(StatusCode::OK).assert_contient("PLOMBERIE MARTIN");
    paul.ouvrir_dernier("Votre demande de rattachement est acceptée").await.assert_contient("Bienvenue");
    (gp, paul)
}

/// L'identifiant du premier utilisateur proposé dans les formulaires de la page après `apres`.
fn id_de(page: &str, apres: &str) -> String {
    let depart = page.find(apres).expect("utilisateur cité");
    let marque = "name=\"utilisateur\" value=\"";
    let debut = depart + page[depart..].find(marque).expect("formulaire de l'utilisateur") + marque.len();
    page[debut..debut + 36].to_string()
}

#[tokio::test]
async fn le_gestionnaire_gere_services_habilitations_role_et_detachement() {
    let portail = Portail::nouveau();
    let (mut gp, mut paul) = equipe(&portail).await;

    let page = gp.get("/structure").await;
    page.assert_statut(StatusCode::OK)
        .assert_contient("Gestionnaire principal")
        .assert_contient("paul@artisan.exemple");
    // Un code de service invalide : 422, avec ce qui a été tapé.
    gp.post_form("/structure/services", &[("code", "ÉTÉ"), ("libelle", "<b>Été</b>")])
        .await
        .assert_statut(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contient("n'est pas accepté")
        .assert_contient("&lt;b&gt;Été&lt;/b&gt;");
    gp.post_form("/structure/services", &[("code", "atelier"), ("libelle", "Atelier")])
        .await
        .assert_redirige("/structure");
    gp.post_form("/structure/services", &[("code", "BUREAU"), ("libelle", "Bureau")])
        .await
        .assert_redirige("/structure");
    gp.post_form("/structure/services", &[("code", "ATELIER"), ("libelle", "Bis")])
        .await
        .assert_statut(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contient("existe déjà");

    // Paul, simple utilisateur : tout ce qui est réservé au gestionnaire lui est refusé.
    paul.get("/structure")
        .await
        .assert_statut(StatusCode::OK)
        .assert_contient("Seul le gestionnaire principal");
    let paul_id = id_de(&gp.get("/structure").await.corps, "paul@artisan.exemple");
    for (chemin, champs) in [
        ("/structure/services", vec![("code", "X"), ("libelle", "X")]),
        ("/structure/informations", vec![("adresse", "ailleurs")]),
        (
            "/structure/utilisateurs/habilitations",
            vec![("utilisateur", paul_id.as_str()), ("service", "ATELIER")],
        ),
        ("/structure/utilisateurs/gestionnaire", vec![("utilisateur", paul_id.as_str())]),
        ("/structure/utilisateurs/detacher", vec![("utilisateur", paul_id.as_str())]),
    ] {
        paul.post_form(chemin, &champs)
            .await
            .assert_statut(StatusCode::FORBIDDEN)
            .assert_contient("gestionnaire principal");
    }
    // Sans habilitation sur ATELIER, Paul ne peut pas le fermer ; habilité, il le peut.
    paul.post_form("/structure/services/etat", &[("code", "ATELIER"), ("actif", "non")])
        .await
        .assert_statut(StatusCode::FORBIDDEN)
        .assert_contient("habilitation sur le service ATELIER");
    gp.post_form(
        "/structure/utilisateurs/habilitations",
        &[("utilisateur", paul_id.as_str()), ("service", "ATELIER")],
    )
    .await
    .assert_redirige("/structure");
    paul.post_form("/structure/services/etat", &[("code", "ATELIER"), ("actif", "non")])
        .await
        .assert_redirige("/structure");
    paul.post_form("/structure/services/etat", &[("code", "BUREAU"), ("actif", "non")])
        .await
        .assert_statut(StatusCode::FORBIDDEN);
    gp.get("/structure").await.assert_contient("fermé");

    // Sans jeton : 403 et rien ne change.
    gp.post_form_sans_csrf("/structure/utilisateurs/detacher", &[("utilisateur", paul_id.as_str())])
        .await
        .assert_statut(StatusCode::FORBIDDEN);

    // Le gestionnaire transfère son rôle à Paul, qui peut alors détacher l'ancien gestionnaire.
    gp.post_form("/structure/utilisateurs/gestionnaire", &[("utilisateur", paul_id.as_str())])
        .await
        .assert_redirige("/structure");
    let gp_id = id_de(&paul.get("/structure").await.corps, "formation1@exemple.fr");
    paul.post_form("/structure/utilisateurs/detacher", &[("utilisateur", gp_id.as_str())])
        .await
        .assert_redirige("/structure");
    // Détaché, formation1 n'a plus de structure : retour à « Créer votre structure ».
    gp.get("/").await.assert_redirige("/structure/creer");
}

/// Un compte rattaché à deux structures ne voit, dans « Factures émises » et sur l'accueil, que
/// les factures de la structure sur laquelle il travaille.
#[tokio::test]
async fn les_factures_sont_celles_de_la_structure_de_travail() {
    use commun::Saisie;
    let portail = Portail::nouveau();
    let mut s = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    let plomberie = s.envoyer(&Saisie::valide("PLOMB-1", "21852884200097")).await;
    // Une seconde structure, créée par le même compte : il y travaille aussitôt.
    s.get("/structure/creer").await.assert_statut(StatusCode::OK);
    s.post_form("/structure/creer", &[("type_identifiant", "SIRET"), ("identifiant", "92960199500020")])
        .await
        .assert_redirige("/");
    s.get("/").await.assert_contient("ELECTRICITE GENERALE GIRAUD SARL");
    let elec = s.envoyer(&Saisie::valide("ELEC-1", "21852884200097")).await;
    let liste = s.get("/factures-emises").await;
    liste.assert_contient("ELEC-1").assert_absent("PLOMB-1");
    s.get(&format!("/factures-emises/{plomberie}")).await.assert_statut(StatusCode::NOT_FOUND);
    s.get(&format!("/factures-emises/{plomberie}/envoyer")).await.assert_statut(StatusCode::NOT_FOUND);
    s.get(&format!("/factures-emises/{elec}")).await.assert_statut(StatusCode::OK);

    // Retour sur la plomberie avec le sélecteur de « Mon compte ».
    let compte = s.get("/mon-compte").await;
    let marque = "name=\"structure\" value=\"";
    let debut = compte.corps.find(marque).expect("sélecteur de structure") + marque.len();
    let sid = compte.corps[debut..debut + 36].to_string();
    s.post_form("/mon-compte/structure", &[("structure", sid.as_str())]).await.assert_redirige("/");
    s.get("/factures-emises").await.assert_contient("PLOMB-1").assert_absent("ELEC-1");
    s.get(&format!("/factures-emises/{elec}")).await.assert_statut(StatusCode::NOT_FOUND);
}
