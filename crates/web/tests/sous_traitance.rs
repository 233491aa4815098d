//! Sub-contracting through the portal: the sub-contractor deposits an A9 invoice, the titulaire
//! validates it in « Factures à valider », the buyer receives it, and the payment follow-up
//! starts the delay on the day of the titulaire's agreement. Also: playing a simulated
//! validator alone, correcting a wrong validator, and the isolation of validators' pages.

mod commun;

use axum::http::StatusCode;
use chrono::Days;
use commun::{Formateur, Portail, Saisie, Stagiaire, date_fixe, echapper};

const COMMUNE: &str = "21852884200097";
/// BATIMENTS DU CAUSSE SAS, titulaire of the works contracts of the simulated world.
const TITULAIRE: &str = "62211306600055";
/// PEINTURE BONNET: a company with no role in the contracts.
const AUTRE_ENTREPRISE: &str = "55198423000062";

fn a9(numero: &str, valideur: &str) -> Saisie {
    Saisie::valide(numero, COMMUNE)
        .avec("cadre", "A9_FACTURE_SOUSTRAITANT")
        .avec("code_structure_valideur", valideur)
        .avec("numero_marche", "2026-TRV-031")
}

fn jour(n: u64) -> String {
    date_fixe().checked_add_days(Days::new(n)).unwrap().format("%d/%m/%Y").to_string()
}

async fn avancer(s: &mut Stagiaire, jours: &str) {
    s.post_form("/bac/horloge", &[("jours", jours)]).await.assert_redirige_vers_le_bilan();
}

/// Makes the structure of SIRET `siret` the working structure of this trainee.
async fn travailler_pour(portail: &Portail, s: &mut Stagiaire, siret: &str) {
    let identifiant = s.identifiant.clone();
    let id: String = portail
        .store()
        .lire(|c| {
            Ok(c.query_row(
                "SELECT s.id FROM structure s JOIN utilisateur u ON u.bac_id = s.bac_id
                 WHERE u.email = ?1 AND s.identifiant = ?2",
                [identifiant.as_str(), siret],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    s.post_form("/mon-compte/structure", &[("structure", id.as_str())]).await.assert_redirige("/");
}

#[tokio::test]
async fn sous_traitant_titulaire_acheteur_paiement() {
    let portail = Portail::nouveau();
    let mut s = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    let fournisseur =
        portail.store().lire(|c| Ok(c.query_row("SELECT identifiant FROM structure s JOIN utilisateur u ON u.structure_id = s.id WHERE u.email = 'formation1@exemple.fr'", [], |r| r.get::<_, String>(0))?)).unwrap();
    // In a binôme, the partner runs the titulaire in the same sandbox: here, the same person
    // creates the titulaire's structure (a company of the register).
    s.post_form(
        "/structure/creer",
        &[
            ("type_identifiant", "SIRET"),
            ("identifiant", TITULAIRE),
            ("raison_sociale", ""),
            ("adresse", ""),
            ("code_postal", ""),
            ("ville", ""),
        ],
    )
    .await
    .assert_redirige("/");
    travailler_pour(&portail, &mut s, &fournisseur).await;

    // 1. The sub-contractor: « Factures à valider » is a portal application; the A9 form.
    s.get("/facturation").await.assert_contient(r#"href="/factures-a-valider""#);
    let formulaire = s.get("/factures-emises/saisir").await;
    formulaire
        .assert_contient(r#"value="A9_FACTURE_SOUSTRAITANT""#)
        .assert_contient(r#"value="A12_FACTURE_COTRAITANT""#)
        .assert_contient(r#"name="code_structure_valideur""#);
    s.envoi_refuse(&a9("ST-1", ""), "le valideur est obligatoire").await;
    let r = s.post_form("/factures-emises/saisir", &a9("ST-1", TITULAIRE).champs("envoyer", &[])).await;
    r.assert_statut(StatusCode::OK).assert_contient("Confirmer l'envoi").assert_contient(TITULAIRE);
    let id = s.envoyer(&a9("ST-1", TITULAIRE)).await;
    s.get(&format!("/factures-emises/{id}"))
        .await
        .assert_contient("Mise à disposition du premier valideur")
        .assert_contient(TITULAIRE)
        .assert_contient(&format!("Réponse attendue au plus tard le {}", jour(15)))
        .assert_contient(&format!("réputée validée le {}", jour(16)));
    // The buyer does not see it before the titulaire's agreement.
    s.get(&format!("/acheteur/factures/{id}")).await.assert_statut(StatusCode::NOT_FOUND);
    // The titulaire's users are told in the messagerie, with the last day to answer.
    s.get("/messagerie").await.assert_contient("Facture ST-1 à valider");
    avancer(&mut s, "3").await;
    s.get(&format!("/factures-emises/{id}")).await.assert_contient("Mise à disposition du premier valideur");

    // 2. The titulaire: its « Factures à valider », the invoice, refusing needs a motif.
    travailler_pour(&portail, &mut s, TITULAIRE).await;
    s.get("/factures-a-valider")
        .await
        .assert_statut(StatusCode::OK)
        .assert_contient("ST-1")
        .assert_contient("(à traiter)");
    let page = s.get(&format!("/factures-a-valider/{id}")).await;
    page.assert_statut(StatusCode::OK)
        .assert_contient("Entretien des espaces verts")
        .assert_contient("Récapitulatif de TVA")
        .assert_contient(&format!("Répondez au plus tard le <strong>{}</strong>", jour(15)))
        .assert_contient("Sous-traitant de second rang : pas de paiement direct");
    let r = s
        .post_form(&format!("/factures-a-valider/{id}/repondre"), &[("reponse", "refuser"), ("motif", "")])
        .await;
    r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contient("Choisissez le motif du refus dans la liste.");
    s.post_form(
        &format!("/factures-a-valider/{id}/repondre"),
        &[("reponse", "valider"), ("second_valideur", "")],
    )
    .await
    .assert_redirige(&format!("/factures-a-valider/{id}"));
    s.get(&format!("/factures-a-valider/{id}"))
        .await
        .assert_contient("Mise à disposition du destinataire")
        .assert_contient("Validée par le premier valideur")
        .assert_contient("Rien à faire");

    // 3. The buyer receives it the day of the agreement; the sub-contractor follows the payment.
    travailler_pour(&portail, &mut s, &fournisseur).await;
    s.get(&format!("/acheteur/factures/{id}")).await.assert_statut(StatusCode::OK);
    let paiement = s.get(&format!("/factures-emises/{id}/suivi-paiement")).await;
    paiement
        .assert_statut(StatusCode::OK)
        .assert_contient("l'acheteur reçoit l'accord du titulaire")
        .assert_contient("R2192-22 et R2192-23")
        .assert_contient(&jour(3))
        .assert_contient(&jour(33));
    avancer(&mut s, "20").await;
    s.get(&format!("/factures-emises/{id}")).await.assert_contient("Mise en paiement");
    s.get(&format!("/factures-emises/{id}/suivi-paiement"))
        .await
        .assert_contient("mise en paiement dans le délai")
        .assert_contient(&jour(23));
}

#[tokio::test]
async fn jouer_un_valideur_simule_et_corriger_un_valideur() {
    let portail = Portail::nouveau();
    let mut s = Stagiaire::connecte(&portail.app, "formation2@exemple.fr").await;
    let voisin_de_bac = Stagiaire::connecte(&portail.app, "formation3@exemple.fr").await;
    let id = s.envoyer(&a9("ST-2", TITULAIRE)).await;
    // The titulaire is simulated: the trainee alone can play it.
    s.get("/parties").await.assert_statut(StatusCode::OK).assert_contient(r#"href="/valideur""#);
    s.get("/valideur").await.assert_contient("BATIMENTS DU CAUSSE SAS").assert_contient(TITULAIRE);
    let chemin = format!("/valideur/{TITULAIRE}/factures/{id}");
    s.get(&chemin).await.assert_statut(StatusCode::OK).assert_contient("Vous jouez un valideur");
    s.post_form(
        &format!("{chemin}/repondre"),
        &[("reponse", "refuser"), ("motif", "MONTANT_NON_CONFORME"), ("precision", "Acte spécial : 300 €")],
    )
    .await
    .assert_redirige(&chemin);
    s.get(&format!("/factures-emises/{id}"))
        .await
        .assert_contient("Refusée par le premier valideur pour autre motif")
        .assert_contient(&echapper("Montant non conforme au contrat de sous-traitance ou à la convention de groupement — Acte spécial : 300 €"));

    // A company that is not a titulaire answers « wrong validator » after 2 days.
    let id = s.envoyer(&a9("ST-3", AUTRE_ENTREPRISE)).await;
    avancer(&mut s, "2").await;
    let page = s.get(&format!("/factures-emises/{id}")).await;
    page.assert_contient("Refusée par le premier valideur pour erreur dans les données d'acheminement")
        .assert_contient("Corriger le valideur");
    let r = s
        .post_form(
            &format!("/factures-emises/{id}/corriger-valideur"),
            &[("code_structure_valideur", AUTRE_ENTREPRISE)],
        )
        .await;
    r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY).assert_contient("indiquez-en un autre");
    s.post_form(
        &format!("/factures-emises/{id}/corriger-valideur"),
        &[("code_structure_valideur", TITULAIRE)],
    )
    .await
    .assert_redirige(&format!("/factures-emises/{id}"));
    s.get(&format!("/factures-emises/{id}")).await.assert_contient("Mise à disposition du premier valideur");

    // Another sandbox sees none of it.
    let mut voisin = voisin_de_bac;
    voisin.get(&format!("/valideur/{TITULAIRE}")).await.assert_statut(StatusCode::NOT_FOUND);
    voisin.get(&format!("/valideur/{TITULAIRE}/factures/{id}")).await.assert_statut(StatusCode::NOT_FOUND);
    voisin.get(&format!("/factures-a-valider/{id}")).await.assert_statut(StatusCode::NOT_FOUND);
    let r = voisin
        .post_form(&format!("/valideur/{TITULAIRE}/factures/{id}/repondre"), &[("reponse", "valider")])
        .await;
    assert_eq!(r.statut, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn le_formateur_joue_le_valideur_d_un_stagiaire() {
    let portail = Portail::nouveau();
    let mut anne = Formateur::connecte(&portail, "anne@cma.exemple.fr").await;
    let (classe, code) = anne.creer_classe("pratique_libre").await;
    let mut marie = commun::rejoindre(&portail.app, &code, "Marie Dupont", "").await;
    let bac = portail
        .store()
        .lire(|c| chorus_store::classe::participants(c, &classe))
        .unwrap()
        .into_iter()
        .find(|p| p.rang == 1)
        .unwrap()
        .bac_id;
    let id = portail
        .store()
        .ecrire(|tx| {
            let structure: String =
                tx.query_row("SELECT id FROM structure WHERE bac_id = ?1", [&bac], |r| r.get(0))?;
            let brut = chorus_domain::saisie::SaisieBrute {
                numero: "ST-9".into(),
                date_facture: date_fixe().to_string(),
                destinataire: COMMUNE.into(),
                cadre: "A9_FACTURE_SOUSTRAITANT".into(),
                code_structure_valideur: TITULAIRE.into(),
                lignes: vec![chorus_domain::saisie::LigneBrute {
                    designation: "Charpente".into(),
                    quantite: "1".into(),
                    prix_unitaire_ht: "900".into(),
                    taux_tva: "20".into(),
                    ..Default::default()
                }],
                ..Default::default()
            };
            let envoi = chorus_store::facture::Envoi::ValiderEtEnvoyer;
            match chorus_store::facture::saisir(
                tx,
                &bac,
                &structure,
                None,
                &brut,
                envoi,
                &chorus_store::Horloge::fixe(date_fixe()),
            )? {
                chorus_store::facture::Issue::Acceptee(id) => Ok(id),
                autre => panic!("{autre:?}"),
            }
        })
        .unwrap();
    anne.post_form(
        &format!("/formateur/classes/{classe}/jouer-acheteur"),
        &[("participant", portail.participant_id(&classe, 1))],
    )
    .await
    .assert_redirige("/acheteur");
    anne.get("/valideur")
        .await
        .assert_contient("dans le bac à sable de <strong>Marie Dupont</strong>")
        .assert_contient(TITULAIRE);
    let chemin = format!("/valideur/{TITULAIRE}/factures/{id}");
    anne.post_form(&format!("{chemin}/repondre"), &[("reponse", "valider")]).await.assert_redirige(&chemin);
    marie
        .nav
        .get(&format!("/factures-emises/{id}"))
        .await
        .assert_contient("Mise à disposition du destinataire");
    let journal = portail.store().lire(|c| chorus_store::journal::historique_facture(c, &bac, &id)).unwrap();
    assert!(journal[1].donnees.as_deref().unwrap_or("").contains("FORMATEUR"), "{:?}", journal[1]);
}

/// In a class, one trainee's structure validates another's invoice: Paul, sub-contractor,
/// names Marie's company as titulaire; Marie finds it in her « Factures à valider » and her
/// mailbox, opens its PDF, validates it; Paul's invoice goes on to the commune. A trainee
/// outside the class cannot open it.
#[tokio::test]
async fn en_classe_le_titulaire_est_un_autre_stagiaire() {
    let portail = Portail::nouveau();
    let mut anne = Formateur::connecte(&portail, "anne@cma.exemple.fr").await;
    let (_, code) = anne.creer_classe("pratique_libre").await;
    let mut paul = Stagiaire::de_la_classe(commun::rejoindre(&portail.app, &code, "Paul Bonnet", "").await);
    let mut marie = Stagiaire::de_la_classe(commun::rejoindre(&portail.app, &code, "Marie Roche", "").await);
    let siret_de = |identifiant: &str| -> String {
        portail
            .store()
            .lire(|c| {
                Ok(c.query_row(
                    "SELECT s.identifiant FROM structure s JOIN utilisateur u ON u.structure_id = s.id WHERE u.email = ?1",
                    [identifiant],
                    |r| r.get(0),
                )?)
            })
            .unwrap()
    };
    let siret_marie = siret_de(&marie.identifiant);
    let id = paul.envoyer(&a9("ST-CL-1", &siret_marie)).await;
    paul.get(&format!("/factures-emises/{id}"))
        .await
        .assert_contient("Mise à disposition du premier valideur");

    marie.get("/factures-a-valider").await.assert_contient("ST-CL-1").assert_contient("(à traiter)");
    marie.get("/messagerie").await.assert_contient("Facture ST-CL-1 à valider");
    let page = marie.get(&format!("/factures-a-valider/{id}")).await;
    page.assert_statut(StatusCode::OK).assert_contient("Entretien des espaces verts");
    marie
        .post_form(
            &format!("/factures-a-valider/{id}/repondre"),
            &[("reponse", "valider"), ("second_valideur", "")],
        )
        .await
        .assert_redirige(&format!("/factures-a-valider/{id}"));
    paul.get(&format!("/factures-emises/{id}"))
        .await
        .assert_contient("Mise à disposition du destinataire")
        .assert_contient("Validée par le premier valideur");

    // A PDF deposit: the cadre chosen with the file (A9) comes to the form; the validator opens
    // the deposited PDF from her page.
    paul.get("/factures-emises/deposer").await.assert_contient(r#"<option value="A9_FACTURE_SOUSTRAITANT""#);
    let pdf = chorus_documents::DocumentPdf::nouveau("Facture")
        .titre("Facture ST-CL-2")
        .paragraphe("Sous-traitance : peinture du préau, 2 × 150,00 € HT")
        .produire()
        .expect("PDF");
    let csrf = paul.csrf.clone().expect("a page was read");
    let (type_contenu, corps) = commun::corps_multipart(
        &[("csrf", &csrf), ("cadre", "A9_FACTURE_SOUSTRAITANT")],
        &[("facture ST-CL-2.pdf", &pdf)],
    );
    let r = paul.post_brut("/factures-emises/deposer", &type_contenu, corps).await;
    let formulaire = r.location().to_string();
    assert!(formulaire.ends_with("?cadre=A9_FACTURE_SOUSTRAITANT"), "{formulaire}");
    paul.get(&formulaire).await.assert_contient(r#"<option value="A9_FACTURE_SOUSTRAITANT" selected>"#);
    let action = formulaire.split('?').next().unwrap().to_string();
    let id_pdf = paul
        .post_form(&action, &a9("ST-CL-2", &siret_marie).champs("envoyer", &[("confirme", "oui")]))
        .await
        .id_facture();
    let page = marie.get(&format!("/factures-a-valider/{id_pdf}")).await;
    page.assert_statut(StatusCode::OK).assert_contient("facture ST-CL-2.pdf");
    let lien = commun::lien_de(&page.corps, &format!("/factures-a-valider/{id_pdf}/fichiers/"))
        .expect("a link to the deposited PDF");
    let fichier = marie.telecharger(lien.trim_end_matches("/apercu")).await;
    assert_eq!(fichier.statut, StatusCode::OK);
    assert_eq!(fichier.octets, pdf);

    // Outside the class, nothing: not even the validator's own page, nor the invoice itself.
    let mut dehors = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    dehors.get(&format!("/factures-a-valider/{id}")).await.assert_statut(StatusCode::NOT_FOUND);
    dehors.get(&format!("/factures-emises/{id}")).await.assert_statut(StatusCode::NOT_FOUND);
    // Marie validates; she does not see Paul's invoice as her own.
    marie.get(&format!("/factures-emises/{id}")).await.assert_statut(StatusCode::NOT_FOUND);
}
