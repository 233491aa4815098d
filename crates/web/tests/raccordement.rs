//! Réglages de la structure à travers le portail : coordonnées bancaires (IBAN, BIC,
//! affactureur), espaces et abonnements, compte technique et expiration de son mot de passe.
//! Le gestionnaire principal fait tout ; un utilisateur simple consulte, reçoit 403 sur chaque
//! modification de la structure, et rien ne change.

mod commun;

use axum::Router;
use axum::http::StatusCode;
use chorus_store::{Horloge, Store, compte, raccordement};
use commun::{Navigateur, Reponse, Stagiaire, date_fixe, echapper};

const GP: &str = "formation1@exemple.fr";
const COLLEGUE: &str = "collegue@exemple.fr";
const IBAN_FR: &str = "FR7630006000011234567890189";
const IBAN_FR_PAPIER: &str = "FR76 3000 6000 0112 3456 7890 189";
const IBAN_DE: &str = "DE89370400440532013000";
const MDP_TECHNIQUE: &str = "Raccordement-API-2026";

const COORDONNEES: &str = "/structure/coordonnees-bancaires";
const ESPACES: &str = "/structure/espaces";
const COMPTE_TECHNIQUE: &str = "/structure/compte-technique";
const EXPIRE: &str =
    "Le mot de passe du compte technique a expiré : les échanges par API sont refusés. Changez-le.";

/// Le portail sur une base temporaire, dont on garde la base pour préparer des données et
/// relancer l'application avec une autre horloge.
struct Banc {
    app: Router,
    store: Store,
    _dossier: tempfile::TempDir,
}

impl Banc {
    fn nouveau() -> Banc {
        let dossier = tempfile::tempdir().expect("dossier temporaire");
        let store = Store::ouvrir(dossier.path()).expect("base");
        let horloge = Horloge::fixe(date_fixe());
        chorus_store::demo::initialiser(&store, &horloge).expect("données de démonstration");
        // Ces tests créent le compte technique : les structures de démonstration, qui en ont
        // un pour brancher un connecteur sans rien régler, repartent sans.
        store
            .ecrire(|c| Ok(c.execute("DELETE FROM compte_technique", [])?))
            .expect("comptes techniques effacés");
        let app = chorus_web::app(chorus_web::AppState::new(store.clone(), horloge));
        Banc { app, store, _dossier: dossier }
    }

    /// La même base, servie avec une horloge réelle `jours` plus tard.
    fn jours_plus_tard(&self, jours: u64) -> Router {
        let horloge = Horloge::fixe(date_fixe() + chrono::Days::new(jours));
        chorus_web::app(chorus_web::AppState::new(self.store.clone(), horloge))
    }

    /// (bac, structure) d'un compte.
    fn bac_et_structure(&self, email: &str) -> (String, String) {
        let email = email.to_string();
        self.store
            .lire(move |c| {
                Ok(c.query_row(
                    "SELECT bac_id, structure_id FROM utilisateur WHERE email = ?1",
                    [email],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?)
            })
            .expect("compte connu")
    }

    /// Un utilisateur simple (rôle « utilisateur », rattachement validé) sur la structure de
    /// `formation1`, avec le mot de passe des comptes de démonstration.
    fn creer_collegue(&self) {
        let (bac, structure) = self.bac_et_structure(GP);
        self.store
            .ecrire(|tx| {
                let u = compte::creer(
                    tx,
                    &bac,
                    COLLEGUE,
                    "Collègue",
                    "Camille",
                    chorus_store::demo::MOT_DE_PASSE_DEMO,
                    Some(&structure),
                )?;
                tx.execute(
                    "INSERT INTO rattachement (utilisateur_id, structure_id, bac_id, role, statut)
                     VALUES (?1, ?2, ?3, 'UTILISATEUR', 'VALIDE')",
                    [&u.id, &structure, &bac],
                )?;
                Ok(())
            })
            .expect("collègue créé");
    }

    /// Le compte technique de la structure de `formation1`.
    fn compte_technique(&self) -> Option<raccordement::CompteTechnique> {
        let (bac, structure) = self.bac_et_structure(GP);
        self.store.lire(move |c| raccordement::compte_technique(c, &bac, &structure)).unwrap()
    }

    fn verifier(&self, identifiant: &str, mdp: &str, jours: u64) -> Option<(String, String)> {
        let horloge = Horloge::fixe(date_fixe() + chrono::Days::new(jours));
        self.store.lire(|c| raccordement::verifier_compte_technique(c, identifiant, mdp, &horloge)).unwrap()
    }

    /// Les identifiants (en base) des coordonnées de la structure de `formation1`.
    fn coordonnees(&self) -> Vec<raccordement::Coordonnee> {
        let (bac, structure) = self.bac_et_structure(GP);
        self.store.lire(move |c| raccordement::coordonnees(c, &bac, &structure)).unwrap()
    }
}

fn champs_cb<'a>(nom: &'a str, iban: &'a str, bic: &'a str, affactureur: bool) -> Vec<(&'a str, &'a str)> {
    let mut v = vec![("nom", nom), ("titulaire", "SARL ACME & Fils"), ("iban", iban), ("bic", bic)];
    if affactureur {
        v.push(("affactureur", "oui"));
    }
    v
}

async fn ajouter_cb(nav: &mut Navigateur, nom: &str, iban: &str, bic: &str, affactureur: bool) {
    nav.get(COORDONNEES).await.assert_statut(StatusCode::OK);
    nav.post_form(COORDONNEES, &champs_cb(nom, iban, bic, affactureur))
        .await
        .assert_redirige("/structure/coordonnees-bancaires?fait=ajout");
}

/// Le 403 d'une action réservée au gestionnaire principal.
#[track_caller]
fn assert_reserve(r: &Reponse) {
    r.assert_statut(StatusCode::FORBIDDEN).assert_contient("gestionnaire principal");
}

#[tokio::test]
async fn le_gestionnaire_ajoute_et_desactive_des_coordonnees_bancaires() {
    let banc = Banc::nouveau();
    let mut gp = Stagiaire::connecte(&banc.app, GP).await;
    gp.get(COORDONNEES)
        .await
        .assert_statut(StatusCode::OK)
        .assert_contient("<h1>Coordonnées bancaires</h1>")
        .assert_contient("Aucune coordonnée bancaire enregistrée.")
        .assert_contient(r#"action="/structure/coordonnees-bancaires""#)
        .assert_contient("mention de subrogation");

    // Espaces et minuscules acceptés ; l'IBAN est rangé au format électronique.
    ajouter_cb(&mut gp, "Compte principal", "fr76 3000 6000 0112 3456 7890 189", "bnpa frpp", false).await;
    ajouter_cb(&mut gp, "Affacturage", IBAN_DE, "COBADEFFXXX", true).await;
    let r = gp.get("/structure/coordonnees-bancaires?fait=ajout").await;
    r.assert_statut(StatusCode::OK)
        .assert_contient("Les coordonnées bancaires sont enregistrées")
        .assert_contient(IBAN_FR_PAPIER)
        .assert_contient("BNPAFRPP")
        .assert_contient("DE89 3704 0044 0532 0130 00")
        .assert_contient("Compte de l'affactureur")
        .assert_contient("SARL ACME &amp; Fils")
        .assert_contient("ajoutée le 22/11/2026");
    let enregistrees = banc.coordonnees();
    assert_eq!(enregistrees.len(), 2);
    assert_eq!((enregistrees[0].iban.as_str(), enregistrees[0].affactureur), (IBAN_FR, false));
    assert!(enregistrees[1].affactureur);

    // Le même compte une seconde fois : refusé, rien d'ajouté.
    let r = gp.post_form(COORDONNEES, &champs_cb("Doublon", IBAN_FR, "BNPAFRPP", false)).await;
    r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY).assert_contient("déjà enregistré pour la structure");
    assert_eq!(banc.coordonnees().len(), 2);

    // Les gestionnaires sont prévenus (fraude au faux RIB).
    let boite = gp.boite().await;
    assert_eq!(boite.iter().filter(|m| m.objet == "Coordonnées bancaires ajoutées").count(), 2);

    // Désactiver : la ligne reste, marquée « Désactivée », sans bouton.
    let id = enregistrees[0].id;
    gp.get(COORDONNEES).await;
    gp.post_form(&format!("{COORDONNEES}/{id}/desactiver"), &[] as &[(&str, &str)])
        .await
        .assert_redirige("/structure/coordonnees-bancaires?fait=desactivation");
    let r = gp.get(COORDONNEES).await;
    r.assert_contient("Désactivée").assert_absent(&format!(r#"action="{COORDONNEES}/{id}/desactiver""#));
    assert!(!banc.coordonnees().iter().find(|c| c.id == id).unwrap().active);
    // Désactivé, le compte peut être ajouté de nouveau.
    ajouter_cb(&mut gp, "Compte principal", IBAN_FR, "BNPAFRPP", false).await;
    assert_eq!(banc.coordonnees().iter().filter(|c| c.active).count(), 2);
}

#[tokio::test]
async fn iban_et_bic_fautifs_sont_refuses_en_422_avec_la_saisie_reaffichee() {
    let banc = Banc::nouveau();
    let mut gp = Stagiaire::connecte(&banc.app, GP).await;
    let script = "<script>alert(1)</script>";
    let cas: &[(&str, &str, &str)] = &[
        // Clé fausse : deux chiffres inversés.
        ("FR7630006000011234567890198", "BNPAFRPP", "sa clé de contrôle (les deux chiffres « 76 » après FR)"),
        // Longueur.
        ("FR76 3000 6000 0112 3456 7890 18", "BNPAFRPP", "compte 27 caractères (vous en avez saisi 26)"),
        ("DE8937040044053201300099", "COBADEFF", "compte 22 caractères (vous en avez saisi 24)"),
        // Lettres et signes.
        ("7630006000011234567890189", "BNPAFRPP", "code du pays sur deux lettres"),
        ("FRXX30006000011234567890189", "BNPAFRPP", "deux chiffres de clé de contrôle"),
        ("FR76-3000-6000-0112-3456-7890-189", "BNPAFRPP", "le caractère « - » n'en fait pas partie"),
        ("ZZ7630006000011234567890189", "BNPAFRPP", "« ZZ » n'est le code d'aucun pays"),
        (script, "BNPAFRPP", "le caractère « < » n'en fait pas partie"),
        // BIC.
        (IBAN_FR, "COBADEFFXXX", "celui d'une banque du pays DE"),
        (IBAN_FR, "BNPAFRP", "Le BIC compte 8 ou 11 caractères (vous en avez saisi 7)"),
        (IBAN_FR, "BNP1FRPP", "code de la banque"),
        (IBAN_FR, "", "Saisissez le BIC"),
        ("", "BNPAFRPP", "Saisissez l'IBAN"),
    ];
    for (iban, bic, message) in cas {
        gp.get(COORDONNEES).await;
        let r = gp.post_form(COORDONNEES, &champs_cb(script, iban, bic, true)).await;
        r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contient("Les coordonnées bancaires ne peuvent pas être enregistrées")
            .assert_contient(&echapper(message))
            // Tout ce qui a été tapé revient, échappé.
            .assert_contient(&format!(r#"value="{}""#, echapper(script)))
            .assert_contient(r#"value="SARL ACME &amp; Fils""#)
            .assert_contient(&format!(r#"value="{}""#, echapper(iban)))
            .assert_contient(&format!(r#"name="bic" type="text" value="{}""#, echapper(bic)))
            .assert_contient(r#"value="oui" checked"#)
            .assert_absent(script);
    }
    // Champs obligatoires et longueurs.
    gp.get(COORDONNEES).await;
    let long = "N".repeat(51);
    let r = gp
        .post_form(
            COORDONNEES,
            &[("nom", long.as_str()), ("titulaire", " "), ("iban", IBAN_FR), ("bic", "BNPAFRPP")],
        )
        .await;
    r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contient("ne doit pas dépasser 50 caractères (vous en avez saisi 51)")
        .assert_contient("Indiquez le titulaire du compte")
        .assert_contient(r##"href="#titulaire""##);
    assert!(banc.coordonnees().is_empty(), "rien n'est enregistré");
    gp.get(COORDONNEES).await.assert_contient("Aucune coordonnée bancaire enregistrée.");
}

#[tokio::test]
async fn les_coordonnees_d_un_autre_bac_sont_introuvables() {
    let banc = Banc::nouveau();
    let mut gp = Stagiaire::connecte(&banc.app, GP).await;
    ajouter_cb(&mut gp, "Compte principal", IBAN_FR, "BNPAFRPP", false).await;
    let id = banc.coordonnees()[0].id;

    let mut autre = Stagiaire::connecte(&banc.app, "formation2@exemple.fr").await;
    autre
        .get(COORDONNEES)
        .await
        .assert_contient("Aucune coordonnée bancaire enregistrée.")
        .assert_absent(IBAN_FR_PAPIER);
    for chemin in [format!("{COORDONNEES}/{id}/desactiver"), format!("{COORDONNEES}/abc/desactiver")] {
        autre
            .post_form(&chemin, &[] as &[(&str, &str)])
            .await
            .assert_statut(StatusCode::NOT_FOUND)
            .assert_contient("oordonnée bancaire introuvable");
    }
    assert!(banc.coordonnees()[0].active, "toujours active");
}

#[tokio::test]
async fn un_utilisateur_simple_consulte_mais_ne_modifie_rien() {
    let banc = Banc::nouveau();
    let mut gp = Stagiaire::connecte(&banc.app, GP).await;
    ajouter_cb(&mut gp, "Compte principal", IBAN_FR, "BNPAFRPP", false).await;
    gp.get(COMPTE_TECHNIQUE).await;
    gp.post_form(COMPTE_TECHNIQUE, &[("mot_de_passe", MDP_TECHNIQUE), ("confirmation", MDP_TECHNIQUE)])
        .await
        .assert_redirige("/structure/compte-technique?fait=cree");
    let avant = banc.compte_technique().expect("compte technique");
    let id = banc.coordonnees()[0].id;

    banc.creer_collegue();
    let mut u = Stagiaire::connecte(&banc.app, COLLEGUE).await;
    // Consulter : oui, sans formulaires de modification.
    u.get(COORDONNEES)
        .await
        .assert_statut(StatusCode::OK)
        .assert_contient(IBAN_FR_PAPIER)
        .assert_contient("Seul le gestionnaire principal de la structure peut ajouter ou désactiver")
        .assert_absent(r#"name="iban""#)
        .assert_absent("/desactiver");
    u.get(ESPACES)
        .await
        .assert_statut(StatusCode::OK)
        .assert_contient("Factures émises")
        .assert_contient("Seul le gestionnaire principal de la structure peut ajouter ou retirer des espaces")
        .assert_absent("/retirer")
        .assert_absent("Abonnements des utilisateurs de la structure");
    u.get(COMPTE_TECHNIQUE)
        .await
        .assert_statut(StatusCode::OK)
        .assert_contient(&avant.identifiant)
        .assert_contient("Seul le gestionnaire principal de la structure peut créer le compte technique")
        .assert_absent(r#"name="mot_de_passe""#);

    // Modifier la structure : 403 à chaque fois.
    let mdp = "Autre-Secret-API-2026";
    assert_reserve(&u.post_form(COORDONNEES, &champs_cb("Pirate", IBAN_DE, "COBADEFF", false)).await);
    assert_reserve(&u.post_form(&format!("{COORDONNEES}/{id}/desactiver"), &[] as &[(&str, &str)]).await);
    assert_reserve(&u.post_form(ESPACES, &[("espace", "FACTURES_TRAVAUX")]).await);
    assert_reserve(&u.post_form(&format!("{ESPACES}/FACTURES_EMISES/retirer"), &[] as &[(&str, &str)]).await);
    assert_reserve(&u.post_form(COMPTE_TECHNIQUE, &[("mot_de_passe", mdp), ("confirmation", mdp)]).await);

    // Rien n'a changé.
    let apres = banc.coordonnees();
    assert_eq!(apres.len(), 1);
    assert!(apres[0].active);
    assert_eq!(banc.compte_technique(), Some(avant.clone()));
    assert!(banc.verifier(&avant.identifiant, MDP_TECHNIQUE, 0).is_some());
    assert!(banc.verifier(&avant.identifiant, mdp, 0).is_none());
    let r = gp.get(ESPACES).await;
    r.assert_contient("/structure/espaces/FACTURES_EMISES/retirer")
        .assert_absent("/structure/espaces/FACTURES_TRAVAUX/retirer");

    // S'abonner soi-même : oui, c'est « Mes abonnements aux espaces ».
    u.post_form("/structure/espaces/abonnement", &[("espace", "FACTURES_EMISES"), ("mode", "CONSULTATION")])
        .await
        .assert_redirige("/structure/espaces?fait=abonnement");
    u.get(ESPACES).await.assert_contient(r#"<option value="CONSULTATION" selected>Consultation</option>"#);
    gp.get(ESPACES).await.assert_contient("Camille Collègue").assert_contient(COLLEGUE);
}

#[tokio::test]
async fn espaces_ajoutes_retires_et_abonnements() {
    let banc = Banc::nouveau();
    let mut gp = Stagiaire::connecte(&banc.app, GP).await;
    // Au départ : « Factures émises », le gestionnaire y est abonné en modification.
    let r = gp.get(ESPACES).await;
    r.assert_statut(StatusCode::OK)
        .assert_contient("<h1>Espaces de la structure</h1>")
        .assert_contient(r#"action="/structure/espaces/FACTURES_EMISES/retirer""#)
        .assert_contient(r#"<option value="MODIFICATION" selected>Modification</option>"#)
        .assert_contient(r#"value="FACTURES_TRAVAUX""#)
        .assert_absent(r#"action="/structure/espaces/FACTURES_TRAVAUX/retirer""#);

    gp.post_form(ESPACES, &[("espace", "FACTURES_TRAVAUX"), ("espace", "SOLLICITATIONS_EMISES")])
        .await
        .assert_redirige("/structure/espaces?fait=ajout");
    gp.get("/structure/espaces?fait=ajout")
        .await
        .assert_contient("Les espaces sont ajoutés")
        .assert_contient(r#"action="/structure/espaces/FACTURES_TRAVAUX/retirer""#)
        .assert_contient(r#"action="/structure/espaces/SOLLICITATIONS_EMISES/retirer""#);
    gp.post_form(
        "/structure/espaces/abonnement",
        &[("espace", "FACTURES_TRAVAUX"), ("mode", "CONSULTATION")],
    )
    .await
    .assert_redirige("/structure/espaces?fait=abonnement");
    let (bac, st) = banc.bac_et_structure(GP);
    let uid: String = banc
        .store
        .lire(|c| Ok(c.query_row("SELECT id FROM utilisateur WHERE email = ?1", [GP], |r| r.get(0))?))
        .unwrap();
    let abonnements = |b: &Banc| {
        let (bac, st, uid) = (bac.clone(), st.clone(), uid.clone());
        b.store.lire(move |c| raccordement::abonnements(c, &bac, &uid, &st)).unwrap()
    };
    use chorus_domain::espace::{Espace, Mode};
    assert_eq!(
        abonnements(&banc),
        [(Espace::FacturesEmises, Mode::Modification), (Espace::FacturesTravaux, Mode::Consultation)]
    );

    // Retirer un espace retire les abonnements qui s'y rapportent.
    gp.post_form(&format!("{ESPACES}/FACTURES_TRAVAUX/retirer"), &[] as &[(&str, &str)])
        .await
        .assert_redirige("/structure/espaces?fait=retrait");
    assert_eq!(abonnements(&banc), [(Espace::FacturesEmises, Mode::Modification)]);

    // Se désabonner.
    gp.post_form("/structure/espaces/abonnement", &[("espace", "FACTURES_EMISES"), ("mode", "AUCUN")]).await;
    assert!(abonnements(&banc).is_empty());

    // Saisies fautives.
    gp.get(ESPACES).await;
    gp.post_form(ESPACES, &[] as &[(&str, &str)])
        .await
        .assert_statut(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contient("Cochez au moins un espace à ajouter");
    gp.post_form(ESPACES, &[("espace", "<b>X</b>")])
        .await
        .assert_statut(StatusCode::BAD_REQUEST)
        .assert_contient("&lt;b&gt;X&lt;/b&gt;")
        .assert_absent("<b>X</b>");
    gp.post_form(&format!("{ESPACES}/FACTURES_TRAVAUX/retirer"), &[] as &[(&str, &str)])
        .await
        .assert_statut(StatusCode::NOT_FOUND);
    gp.post_form(&format!("{ESPACES}/INCONNU/retirer"), &[] as &[(&str, &str)])
        .await
        .assert_statut(StatusCode::NOT_FOUND);
    gp.post_form("/structure/espaces/abonnement", &[("espace", "FACTURES_RECUES"), ("mode", "MODIFICATION")])
        .await
        .assert_statut(StatusCode::BAD_REQUEST)
        .assert_contient("n'est pas ouvert à votre structure");
    gp.post_form("/structure/espaces/abonnement", &[("espace", "FACTURES_EMISES"), ("mode", "TOUT")])
        .await
        .assert_statut(StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn compte_technique_cree_puis_expire_425_jours_plus_tard() {
    let banc = Banc::nouveau();
    let mut gp = Stagiaire::connecte(&banc.app, GP).await;
    gp.get(COMPTE_TECHNIQUE)
        .await
        .assert_statut(StatusCode::OK)
        .assert_contient("La structure n'a pas encore de compte technique")
        .assert_contient("Créer le compte technique");

    // Mot de passe hors des règles : 422, et le mot de passe tapé n'est jamais réaffiché.
    let faible = "motdepasse<1>";
    let r = gp.post_form(COMPTE_TECHNIQUE, &[("mot_de_passe", faible), ("confirmation", "autre")]).await;
    r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contient("Le mot de passe ne peut pas être enregistré")
        .assert_contient("au moins une lettre majuscule")
        .assert_contient("ne correspond pas au mot de passe")
        .assert_absent(&echapper(faible));
    assert!(banc.compte_technique().is_none());

    gp.post_form(COMPTE_TECHNIQUE, &[("mot_de_passe", MDP_TECHNIQUE), ("confirmation", MDP_TECHNIQUE)])
        .await
        .assert_redirige("/structure/compte-technique?fait=cree");
    let ct = banc.compte_technique().expect("créé");
    let siret: String = {
        let (_, st) = banc.bac_et_structure(GP);
        banc.store
            .lire(
                |c| Ok(c.query_row("SELECT identifiant FROM structure WHERE id = ?1", [&st], |r| r.get(0))?),
            )
            .unwrap()
    };
    assert_eq!(ct.identifiant, format!("TECH_{siret}@cpro.exemple"));
    gp.get("/structure/compte-technique?fait=cree")
        .await
        .assert_contient("Le compte technique est créé")
        .assert_contient(&ct.identifiant)
        .assert_contient("20 janvier 2028")
        .assert_contient("424 jour(s)")
        .assert_contient("Changer le mot de passe")
        .assert_absent(EXPIRE.split(':').next().unwrap());
    assert!(gp.boite().await.iter().any(|m| m.objet == "Compte technique créé"));
    let attendu = Some(banc.bac_et_structure(GP));
    assert_eq!(banc.verifier(&ct.identifiant, MDP_TECHNIQUE, 0), attendu);

    // 400 jours plus tard : l'expiration approche.
    let mut bientot = gp.sur(&banc.jours_plus_tard(400));
    bientot
        .get(COMPTE_TECHNIQUE)
        .await
        .assert_contient("Le mot de passe du compte technique expire dans 24 jour(s), le 20 janvier 2028.");

    // 425 jours plus tard : expiré, l'API refuse.
    let mut tard = gp.sur(&banc.jours_plus_tard(425));
    tard.get(COMPTE_TECHNIQUE)
        .await
        .assert_statut(StatusCode::OK)
        .assert_contient(&echapper(EXPIRE))
        .assert_contient("aucun : expiré depuis 1 jour(s)");
    assert_eq!(banc.verifier(&ct.identifiant, MDP_TECHNIQUE, 425), None);

    // Le gestionnaire change le mot de passe : 424 jours de nouveau, l'identifiant reste.
    let nouveau = "Nouveau-Secret-API-2028";
    tard.post_form(COMPTE_TECHNIQUE, &[("mot_de_passe", nouveau), ("confirmation", nouveau)])
        .await
        .assert_redirige("/structure/compte-technique?fait=change");
    tard.get(COMPTE_TECHNIQUE)
        .await
        .assert_absent(&echapper(EXPIRE))
        .assert_contient("424 jour(s)")
        .assert_contient(&ct.identifiant);
    assert_eq!(banc.verifier(&ct.identifiant, nouveau, 425), attendu);
    assert_eq!(banc.verifier(&ct.identifiant, MDP_TECHNIQUE, 425), None);
    assert_eq!(banc.compte_technique().unwrap().cree_le, date_fixe());
}

#[tokio::test]
async fn chaque_formulaire_exige_le_jeton_csrf() {
    let banc = Banc::nouveau();
    let mut gp = Stagiaire::connecte(&banc.app, GP).await;
    ajouter_cb(&mut gp, "Compte principal", IBAN_FR, "BNPAFRPP", false).await;
    let id = banc.coordonnees()[0].id;
    let desactiver = format!("{COORDONNEES}/{id}/desactiver");
    let retirer = format!("{ESPACES}/FACTURES_EMISES/retirer");
    let cas: [(&str, Vec<(&str, &str)>); 6] = [
        (COORDONNEES, champs_cb("Autre", IBAN_DE, "COBADEFF", false)),
        (&desactiver, vec![]),
        (ESPACES, vec![("espace", "FACTURES_TRAVAUX")]),
        (&retirer, vec![]),
        ("/structure/espaces/abonnement", vec![("espace", "FACTURES_EMISES"), ("mode", "AUCUN")]),
        (COMPTE_TECHNIQUE, vec![("mot_de_passe", MDP_TECHNIQUE), ("confirmation", MDP_TECHNIQUE)]),
    ];
    for (chemin, champs) in cas {
        gp.post_form_sans_csrf(chemin, &champs)
            .await
            .assert_statut(StatusCode::FORBIDDEN)
            .assert_contient("Formulaire expiré");
    }
    assert_eq!(banc.coordonnees().len(), 1);
    assert!(banc.coordonnees()[0].active);
    assert!(banc.compte_technique().is_none());
}
