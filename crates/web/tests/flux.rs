//! Structured invoices deposited as a flux: from "Déposer facture" in the portal and through
//! the simulation API (`deposer/flux` fields), followed in "Suivi des flux" and in the
//! compte-rendu (`consulterCRDetaille` fields) until they are integrated or rejected.

mod commun;

use std::path::Path;

use axum::http::StatusCode;
use base64::Engine;
use commun::{ClientApi, Formateur, Portail, Stagiaire, echapper};
use serde_json::json;

/// COMMUNE DE VALCOMBE: a training-directory buyer that requires neither service nor order number.
const COMMUNE: &str = "21852884200097";

/// The public-buyer CII sample, addressed to Valcombe and issued by `siret`, numbered `numero`.
fn cii(siret: &str, numero: &str) -> String {
    let chemin = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus/chorus-samples/cii_en16931_b2g.xml");
    std::fs::read_to_string(chemin)
        .unwrap()
        .replace("21990001600011", COMMUNE)
        .replace("219900016", &COMMUNE[..9])
        .replace("12345678200010", siret)
        .replace("123456782", &siret[..9])
        .replace("SERV-COMPTA", "SERVICES_TECHNIQUES")
        .replace("<ram:ID>F2026-00042</ram:ID>", &format!("<ram:ID>{numero}</ram:ID>"))
}

fn base64(octets: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(octets)
}

async fn client(portail: &Portail) -> ClientApi {
    let mut f = Formateur::connecte(portail, "formateur@exemple.fr").await;
    let jeton = f.jeton_api().await;
    ClientApi::new(&portail.app, &jeton)
}

#[tokio::test]
async fn un_flux_depose_par_l_api_se_suit_jusqu_a_l_integration() {
    let portail = Portail::nouveau();
    let client = client(&portail).await;
    let r = client.post("/api/sim/v1/bacs", json!({ "stagiaire": "Camille Martin" })).await;
    r.assert_statut(StatusCode::CREATED);
    let (bac, siret) = (r.texte_de("idBac"), r.json["structure"]["siret"].as_str().unwrap().to_string());
    let b = format!("/api/sim/v1/bacs/{bac}");
    let xml = cii(&siret, "FX-API-1");
    let r = client
        .post(
            &format!("{b}/flux"),
            json!({ "fichierFlux": base64(xml.as_bytes()), "nomFichier": "UNCEFACT-1.xml", "syntaxeFlux": "IN_DP_E1_CII_16B" }),
        )
        .await;
    r.assert_statut(StatusCode::OK);
    assert_eq!(r.json["codeRetour"], 0, "{}", r.texte);
    let numero = r.texte_de("numeroFluxDepot");
    assert!(r.json["dateDepot"].is_string(), "{}", r.texte);
    // Reçu : les deux états ont la même valeur, comme consulterCR et consulterCRDetaille.
    let cr = client.get(&format!("{b}/flux/{numero}")).await;
    cr.assert_statut(StatusCode::OK);
    assert_eq!(cr.json["etatCourantFlux"], "IN_RECU");
    assert_eq!(cr.json["etatCourantDepotFlux"], "IN_RECU");
    // L'horloge du bac termine le traitement.
    client.post(&format!("{b}/horloge"), json!({ "avancerJours": 1 })).await.assert_statut(StatusCode::OK);
    let cr = client.get(&format!("{b}/flux/{numero}")).await;
    assert_eq!(cr.json["etatCourantDepotFlux"], "IN_INTEGRE", "{}", cr.texte);
    assert_eq!(cr.json["listeErreurDP"], json!([]));
    let f = &cr.json["listeFactures"][0];
    assert_eq!(f["numeroFacture"], "FX-API-1");
    assert_eq!(f["montantTTC"], "540.00");
    let id = f["identifiantFactureCPP"].as_str().unwrap();
    let facture = client.get(&format!("{b}/factures/{id}")).await;
    facture.assert_statut(StatusCode::OK);
    assert!(facture.texte.contains("UPLOAD_API"), "{}", facture.texte);

    // Le même numéro de facture une seconde fois : rejeté, l'erreur nomme la règle et l'élément.
    let r = client
        .post(
            &format!("{b}/flux"),
            json!({ "fichierFlux": base64(xml.as_bytes()), "nomFichier": "UNCEFACT-2.xml" }),
        )
        .await;
    let numero = r.texte_de("numeroFluxDepot");
    client.post(&format!("{b}/horloge"), json!({ "avancerJours": 1 })).await.assert_statut(StatusCode::OK);
    let cr = client.get(&format!("{b}/flux/{numero}")).await;
    assert_eq!(cr.json["etatCourantDepotFlux"], "IN_REJETE", "{}", cr.texte);
    let e = &cr.json["listeErreurDP"][0];
    assert_eq!(e["numeroDP"], "FX-API-1");
    assert_eq!(e["codeRegle"], "NUMERO_DEJA_UTILISE", "{}", cr.texte);
    assert_eq!(e["element"], "BT-1");
    assert_eq!(e["cheminXml"], "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:ID");
}

#[tokio::test]
async fn les_refus_de_l_api_des_flux() {
    let portail = Portail::nouveau();
    let client = client(&portail).await;
    let r = client.post("/api/sim/v1/bacs", json!({ "stagiaire": "Camille Martin" })).await;
    let b = format!("/api/sim/v1/bacs/{}", r.texte_de("idBac"));
    // Un numéro inconnu : la réponse de Chorus Pro.
    let r = client.get(&format!("{b}/flux/CPP20261122999999")).await;
    r.assert_statut(StatusCode::NOT_FOUND);
    assert_eq!(r.json, json!({ "codeRetour": 20001, "libelle": "POQ_MSG_01.003 - Flux introuvable." }));
    // Pas du base64.
    let r = client.post(&format!("{b}/flux"), json!({ "fichierFlux": "%%%", "nomFichier": "f.xml" })).await;
    r.assert_erreur(StatusCode::BAD_REQUEST, "base64");
    // Une syntaxe que le simulateur ne lit pas.
    let r = client
        .post(
            &format!("{b}/flux"),
            json!({ "fichierFlux": base64(b"<x/>"), "nomFichier": "f.xml", "syntaxeFlux": "IN_DP_E1_XCBL" }),
        )
        .await;
    r.assert_statut(StatusCode::BAD_REQUEST);
    assert_eq!(r.json["codeRetour"], 20003);
    // Un champ du mauvais type.
    let r = client.post(&format!("{b}/flux"), json!({ "fichierFlux": 12, "nomFichier": "f.xml" })).await;
    r.assert_statut(StatusCode::BAD_REQUEST);
    // Un fichier annoncé en UBL qui est une CII : reçu, puis irrecevable et rejeté, avec son erreur technique.
    let r = client
        .post(
            &format!("{b}/flux"),
            json!({ "fichierFlux": base64(cii("12345678200010", "X").as_bytes()), "nomFichier": "f.xml", "syntaxeFlux": "IN_DP_E1_UBL_INVOICE" }),
        )
        .await;
    assert_eq!(r.json["codeRetour"], 0, "{}", r.texte);
    let numero = r.texte_de("numeroFluxDepot");
    client.post(&format!("{b}/horloge"), json!({ "avancerJours": 1 })).await;
    let cr = client.get(&format!("{b}/flux/{numero}")).await;
    assert_eq!(cr.json["etatCourantFlux"], "IN_REJETE");
    let technique = cr.json["listeErreurTechnique"][0]["libelleErreur"].as_str().unwrap();
    assert!(technique.contains("IN_DP_E1_CII_16B"), "{technique}");
    let etats: Vec<&str> =
        cr.json["historiqueEtats"].as_array().unwrap().iter().map(|e| e["etat"].as_str().unwrap()).collect();
    assert_eq!(etats, ["IN_RECU", "QP_IRRECEVABLE", "IN_REJETE"]);
}

fn siret_de_formation1(portail: &Portail) -> String {
    let store = portail.store();
    let u = store
        .lire(|c| {
            chorus_store::compte::authentifier(
                c,
                "formation1@exemple.fr",
                chorus_store::demo::MOT_DE_PASSE_DEMO,
            )
        })
        .unwrap();
    store
        .lire(|c| chorus_store::bac::structure_fournisseur(c, &u.bac_id, u.structure_id.as_deref().unwrap()))
        .unwrap()
        .identifiant
}

#[tokio::test]
async fn deposer_une_facture_structuree_dans_le_portail_et_suivre_son_flux() {
    let portail = Portail::nouveau();
    let siret = siret_de_formation1(&portail);
    let mut s = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    s.get("/factures-emises/deposer")
        .await
        .assert_statut(StatusCode::OK)
        .assert_contient("Déposer un fichier structuré")
        .assert_contient("IN_DP_E2_CII_FACTURX");
    let xml = cii(&siret, "FX-PORTAIL-1");
    let r = s.post_fichiers("/factures-emises/deposer-flux", &[("facture.xml", xml.as_bytes())]).await;
    r.assert_statut(StatusCode::SEE_OTHER);
    let page = r.location().to_string();
    assert!(page.starts_with("/suivi-des-flux/CPP"), "{page}");
    let r = s.get(&page).await;
    r.assert_statut(StatusCode::OK).assert_contient("Reçu").assert_contient("IN_RECU");
    assert_eq!(
        r.entetes.get("refresh").and_then(|v| v.to_str().ok()),
        Some("2"),
        "the page follows the flux"
    );
    // Avancer l'horloge termine le traitement ; la facture est dans « Factures émises ».
    s.post_form("/bac/horloge", &[("jours", "1")]).await;
    let r = s.get(&page).await;
    r.assert_statut(StatusCode::OK)
        .assert_contient("Intégré")
        .assert_contient("IN_INTEGRE")
        .assert_contient("voir la facture");
    assert!(r.entetes.get("refresh").is_none());
    s.get("/suivi-des-flux")
        .await
        .assert_statut(StatusCode::OK)
        .assert_contient("facture.xml")
        .assert_contient("1 / 1");
    s.assert_nombre_factures(1).await;
    let pdf = s.telecharger(&format!("{page}/compte-rendu.pdf")).await;
    assert_eq!(pdf.statut, StatusCode::OK);
    assert_eq!(pdf.entete("content-type"), "application/pdf");
    assert!(pdf.entete("content-disposition").starts_with("attachment"));
    assert!(pdf.octets.starts_with(b"%PDF"));
    // Un autre stagiaire ne voit pas ce flux.
    let mut autre = Stagiaire::connecte(&portail.app, "formation2@exemple.fr").await;
    autre.get(&page).await.assert_statut(StatusCode::NOT_FOUND);
    autre.get("/suivi-des-flux").await.assert_statut(StatusCode::OK).assert_absent("facture.xml");
}

#[tokio::test]
async fn un_fichier_refuse_au_portail_le_dit_en_francais() {
    let portail = Portail::nouveau();
    let mut s = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    s.get("/factures-emises/deposer").await;
    // Un fichier trop lourd est refusé avant d'être lu.
    let gros = vec![b'<'; 11 * 1024 * 1024];
    let r = s.post_fichiers("/factures-emises/deposer-flux", &[("gros.xml", &gros)]).await;
    r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY).assert_contient(&echapper("limité à 10485760 octets"));
    // Une DTD : déposé, puis irrecevable, avec le message qui dit pourquoi.
    s.get("/factures-emises/deposer").await;
    let bombe = b"<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"b\">]><Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\">&a;</Invoice>";
    let r = s.post_fichiers("/factures-emises/deposer-flux", &[("bombe.xml", bombe)]).await;
    let page = r.location().to_string();
    s.post_form("/bac/horloge", &[("jours", "1")]).await;
    s.get(&page).await.assert_statut(StatusCode::OK).assert_contient("Rejeté").assert_contient("DTD");
}

#[tokio::test]
async fn un_lot_avec_une_mauvaise_facture_est_integre_partiellement() {
    use std::io::Write;
    let portail = Portail::nouveau();
    let siret = siret_de_formation1(&portail);
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for (nom, contenu) in [
        ("F-LOT-1.xml", cii(&siret, "F-LOT-1")),
        ("F-LOT-2.xml", cii(&siret, "F-LOT-2")),
        // Adressée à un acheteur qui n'est pas dans l'annuaire.
        ("F-LOT-3.xml", cii(&siret, "F-LOT-3").replace(COMMUNE, "21990001600011")),
    ] {
        z.start_file(nom, options).unwrap();
        z.write_all(contenu.as_bytes()).unwrap();
    }
    let archive = z.finish().unwrap().into_inner();
    let mut s = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    s.get("/factures-emises/deposer").await;
    let r = s.post_fichiers("/factures-emises/deposer-flux", &[("lot.zip", &archive)]).await;
    r.assert_statut(StatusCode::SEE_OTHER);
    let page = r.location().to_string();
    s.post_form("/bac/horloge", &[("jours", "1")]).await;
    let r = s.get(&page).await;
    r.assert_statut(StatusCode::OK)
        .assert_contient("Intégré partiellement")
        .assert_contient("IN_INTEGRE_PARTIEL")
        .assert_contient("2 sur 3")
        .assert_contient("DESTINATAIRE_INCONNU")
        .assert_contient("F-LOT-3");
    s.assert_nombre_factures(2).await;
}

/// Une facture saisie, téléchargée en CII puis redéposée comme flux (sous un autre numéro) :
/// elle s'intègre avec les mêmes montants ; l'UBL se télécharge aussi.
#[tokio::test]
async fn une_facture_saisie_se_telecharge_structuree_et_se_redepose() {
    let portail = Portail::nouveau();
    let mut s = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    let id = s.envoyer(&commun::Saisie::valide("FA-STRUCT-1", COMMUNE)).await;
    s.get(&format!("/factures-emises/{id}"))
        .await
        .assert_contient("Télécharger la facture structurée (CII, XML)");
    // Sans coordonnées bancaires, une facture payable par virement ne peut pas être structurée
    // (BR-61) : le simulateur le dit.
    let sans_iban = s.telecharger(&format!("/factures-emises/{id}/facture-structuree/cii")).await;
    assert_eq!(sans_iban.statut, StatusCode::CONFLICT);
    assert!(String::from_utf8_lossy(&sans_iban.octets).contains("BR-61"));
    s.get("/structure/coordonnees-bancaires").await.assert_statut(StatusCode::OK);
    s.post_form(
        "/structure/coordonnees-bancaires",
        &[
            ("nom", "Compte courant"),
            ("titulaire", "Formation 1"),
            ("iban", "FR7630006000011234567890189"),
            ("bic", "AGRIFRPP"),
        ],
    )
    .await
    .assert_redirige("/structure/coordonnees-bancaires?fait=ajout");
    let cii = s.telecharger(&format!("/factures-emises/{id}/facture-structuree/cii")).await;
    assert_eq!(cii.statut, StatusCode::OK);
    assert!(cii.entete("content-disposition").starts_with("attachment"));
    let xml = String::from_utf8(cii.octets).unwrap();
    assert!(xml.contains("<ram:ID>A1</ram:ID>"), "cadre BT-23 : {xml}");
    let ubl = s.telecharger(&format!("/factures-emises/{id}/facture-structuree/ubl")).await;
    assert!(String::from_utf8(ubl.octets).unwrap().contains("<cbc:ProfileID>A1</cbc:ProfileID>"));
    let autre = s.telecharger(&format!("/factures-emises/{id}/facture-structuree/pdf")).await;
    assert_eq!(autre.statut, StatusCode::NOT_FOUND);
    // Redéposée sous un autre numéro.
    let xml = xml.replace("<ram:ID>FA-STRUCT-1</ram:ID>", "<ram:ID>FA-STRUCT-2</ram:ID>");
    s.get("/factures-emises/deposer").await;
    let r = s.post_fichiers("/factures-emises/deposer-flux", &[("FA-STRUCT-2.xml", xml.as_bytes())]).await;
    let page = r.location().to_string();
    s.post_form("/bac/horloge", &[("jours", "1")]).await;
    s.get(&page).await.assert_statut(StatusCode::OK).assert_contient("IN_INTEGRE");
    s.assert_nombre_factures(2).await;
    // En Factur-X : un PDF/A-3 qui porte la CII de la facture, relu comme un flux E2. Redéposé
    // tel quel, son numéro est déjà pris : la facture est refusée, le compte rendu le dit.
    let fx = s.telecharger(&format!("/factures-emises/{id}/facture-structuree/facturx")).await;
    assert_eq!(fx.statut, StatusCode::OK);
    assert_eq!(fx.entete("content-type"), "application/pdf");
    assert!(fx.entete("content-disposition").starts_with("attachment"));
    assert!(fx.entete("content-disposition").contains("FA-STRUCT-1-facturx.pdf"));
    let lu = chorus_flux::lire(&fx.octets, None, &chorus_flux::Limites::default()).expect("Factur-X relue");
    assert_eq!(lu.syntaxe, chorus_flux::SyntaxeFlux::E2FacturX);
    assert_eq!(lu.saisie.numero, "FA-STRUCT-1");
    s.get("/factures-emises/deposer").await;
    let r =
        s.post_fichiers("/factures-emises/deposer-flux", &[("FA-STRUCT-1.pdf", fx.octets.as_slice())]).await;
    let page = r.location().to_string();
    s.post_form("/bac/horloge", &[("jours", "1")]).await;
    s.get(&page)
        .await
        .assert_contient("IN_DP_E2_CII_FACTURX")
        .assert_contient("IN_REJETE")
        .assert_contient("FA-STRUCT-1");
    s.assert_nombre_factures(2).await;
}

async fn commencer(portail: &Portail, id: &str) -> Stagiaire {
    let mut s = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    s.get("/exercices").await.assert_statut(StatusCode::OK).assert_contient(id);
    s.post_form(&format!("/exercices/{id}/commencer"), &[("x", "y")]).await.assert_redirige("/exercice");
    s
}

async fn repondre(s: &mut Stagiaire, objectif: &str, reponse: &str) {
    s.get("/exercice").await;
    s.post_form("/exercice/repondre", &[("objectif", objectif), ("reponse", reponse)]).await;
}

/// Downloads the exercise's file `rang`, deposits it as a flux and lets it end.
async fn deposer_le_fichier(s: &mut Stagiaire, octets: &[u8], nom: &str) -> String {
    s.get("/factures-emises/deposer").await;
    let r = s.post_fichiers("/factures-emises/deposer-flux", &[(nom, octets)]).await;
    r.assert_statut(StatusCode::SEE_OTHER);
    let page = r.location().to_string();
    s.post_form("/bac/horloge", &[("jours", "1")]).await;
    page
}

#[tokio::test]
async fn exercice_premier_depot_d_un_fichier_structure() {
    let portail = Portail::nouveau();
    let mut s = commencer(&portail, "flux-premier-depot").await;
    s.get("/exercice")
        .await
        .assert_contient(r#"href="/exercice/fichiers/1""#)
        .assert_contient("FX-2026-101.pdf");
    // La Factur-X « du logiciel » : un PDF qui porte sa CII, relue comme un flux E2.
    let f = s.telecharger("/exercice/fichiers/1").await;
    assert_eq!(f.entete("content-type"), "application/pdf");
    let lu = chorus_flux::lire(&f.octets, None, &chorus_flux::Limites::default()).expect("Factur-X");
    assert_eq!(lu.syntaxe, chorus_flux::SyntaxeFlux::E2FacturX);
    assert_eq!((lu.saisie.numero.as_str(), lu.saisie.destinataire.as_str()), ("FX-2026-101", COMMUNE));
    s.get("/exercice/fichiers/2").await.assert_statut(StatusCode::NOT_FOUND);
    let page = deposer_le_fichier(&mut s, &f.octets, "FX-2026-101.pdf").await;
    s.get(&page).await.assert_contient("IN_DP_E2_CII_FACTURX").assert_contient("IN_INTEGRE");
    repondre(&mut s, "bt10", "1").await;
    s.get("/exercice").await.assert_contient("Exercice réussi");
}

#[tokio::test]
async fn exercice_flux_rejete_puis_corrige() {
    let portail = Portail::nouveau();
    let mut s = commencer(&portail, "flux-rejete-service").await;
    let xml = String::from_utf8(s.telecharger("/exercice/fichiers/1").await.octets).unwrap();
    let page = deposer_le_fichier(&mut s, xml.as_bytes(), "FX-2026-205.xml").await;
    s.get(&page)
        .await
        .assert_contient("Rejeté")
        .assert_contient("SERVICE_OBLIGATOIRE")
        .assert_contient("BT-10");
    repondre(&mut s, "service", "DIR_ROUTES").await;
    // La correction du stagiaire : l'élément BT-10 ajouté avant le vendeur, comme l'indice le dit.
    let corrige = xml.replacen(
        "<ram:SellerTradeParty>",
        "<ram:BuyerReference>DIR_ROUTES</ram:BuyerReference><ram:SellerTradeParty>",
        1,
    );
    assert_ne!(corrige, xml);
    let page = deposer_le_fichier(&mut s, corrige.as_bytes(), "FX-2026-205.xml").await;
    s.get(&page).await.assert_contient("IN_INTEGRE");
    s.get("/exercice").await.assert_contient("Exercice réussi");
}

#[tokio::test]
async fn exercice_lot_integre_partiellement() {
    let portail = Portail::nouveau();
    let mut s = commencer(&portail, "flux-lot-partiel").await;
    let lot = s.telecharger("/exercice/fichiers/1").await;
    assert_eq!(lot.entete("content-type"), "application/zip");
    assert!(lot.octets.starts_with(b"PK"));
    let page = deposer_le_fichier(&mut s, &lot.octets, "factures-decembre.zip").await;
    s.get(&page)
        .await
        .assert_contient("Intégré partiellement")
        .assert_contient("2 sur 3")
        .assert_contient("ENGAGEMENT_OBLIGATOIRE")
        .assert_contient("FX-2026-303");
    repondre(&mut s, "motif", "1").await;
    s.get("/exercice").await.assert_contient("Exercice réussi");
}
