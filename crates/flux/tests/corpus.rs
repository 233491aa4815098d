//! Les factures officielles de la norme (`../shared/corpus/`) et les exemples adressés à un
//! acheteur public, lus comme le portail les lirait ; les fichiers hostiles, refusés vite.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::{Duration, Instant};

use chorus_flux::{Limites, Refus, SyntaxeFlux, lire};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
}

fn fichiers(dossier: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(corpus().join(dossier))
        .unwrap_or_else(|e| panic!("{dossier} : {e} (../shared/ doit être à côté du dépôt)"))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("xml")))
        .collect();
    v.sort();
    v
}

/// Un montant du fichier, lu sans le lecteur testé : le texte du premier élément de ce nom
/// local (sous le récapitulatif des montants, BG-22).
fn montant_du_fichier(xml: &str, noms: &[&str]) -> Option<Decimal> {
    let doc = roxmltree::Document::parse(xml).ok()?;
    let recap = doc.descendants().find(|n| {
        matches!(
            n.tag_name().name(),
            "SpecifiedTradeSettlementHeaderMonetarySummation" | "LegalMonetaryTotal"
        )
    })?;
    noms.iter().find_map(|nom| {
        recap
            .children()
            .find(|n| n.tag_name().name() == *nom)
            .and_then(|n| Decimal::from_str(n.text()?.trim()).ok())
    })
}

/// Le montant HT des lignes de la saisie (quantité × prix − remise, arrondi au centime).
fn total_ht_des_lignes(l: &chorus_flux::FactureLue) -> Decimal {
    let d = |s: &str| if s.is_empty() { Decimal::ZERO } else { Decimal::from_str(s).unwrap() };
    l.saisie
        .lignes
        .iter()
        .map(|x| chorus_domain::montants::arrondir(d(&x.quantite) * d(&x.prix_unitaire_ht) - d(&x.remise_ht)))
        .sum()
}

#[test]
fn chaque_facture_de_la_norme_est_lue_avec_ses_totaux_intacts() {
    let mut lus = 0;
    let mut en_defaut = Vec::new();
    let mut regles_fr = std::collections::BTreeSet::new();
    for dossier in ["en16931/cii-examples", "en16931/ubl-examples", "en16931/ubl-testfiles"] {
        for chemin in fichiers(dossier) {
            let octets = std::fs::read(&chemin).unwrap();
            let nom = chemin.file_name().unwrap().to_string_lossy().to_string();
            let lu = lire(&octets, None, &Limites::default()).unwrap_or_else(|r| panic!("{nom} : {r}"));
            let xml = String::from_utf8_lossy(&octets);
            let attendu =
                |noms: &[&str]| montant_du_fichier(&xml, noms).unwrap_or_else(|| panic!("{nom} : {noms:?}"));
            assert_eq!(
                lu.totaux.total_ht,
                attendu(&["TaxBasisTotalAmount", "TaxExclusiveAmount"]),
                "{nom} : BT-109"
            );
            assert_eq!(
                lu.totaux.total_ttc,
                attendu(&["GrandTotalAmount", "TaxInclusiveAmount"]),
                "{nom} : BT-112"
            );
            assert_eq!(
                lu.totaux.montant_a_payer,
                attendu(&["DuePayableAmount", "PayableAmount"]),
                "{nom} : BT-115"
            );
            // Les lignes de la saisie (remises et frais d'ensemble compris) redonnent le HT.
            assert_eq!(total_ht_des_lignes(&lu), lu.totaux.total_ht, "{nom} : lignes de la saisie");
            let attendue =
                if nom.starts_with("CII") || nom.contains("cii") || xml.contains("CrossIndustryInvoice") {
                    SyntaxeFlux::E1Cii
                } else {
                    SyntaxeFlux::E1Ubl
                };
            assert_eq!(lu.syntaxe, attendue, "{nom}");
            assert!(!lu.saisie.numero.is_empty(), "{nom} : BT-1");
            if lu.regles.iter().any(|r| !r.regle.starts_with("BR-FR")) {
                eprintln!("{nom} : {:?}", lu.regles);
                en_defaut.push(nom.clone());
            }
            for r in lu.regles.iter().filter(|r| r.regle.starts_with("BR-FR")) {
                regles_fr.insert(format!("{nom} {}", r.regle));
            }
            lus += 1;
        }
    }
    assert_eq!(lus, 15 + 19 + 29);
    // Les exemples officiels respectent les règles de la norme. Une divergence connue : l'exemple 5
    // a deux moyens de paiement (BG-16) ; le modèle n'en garde qu'un, et BR-61 s'y applique
    // autrement que dans la validation officielle.
    assert_eq!(en_defaut, ["CII_example5.xml"]);
    // Ce que les règles françaises d'un dépôt sur Chorus Pro y trouvent (des exemples écrits pour
    // d'autres pays) : numéros de facture d'origine trop longs, deux factures d'origine, un nom
    // d'acheteur trop long.
    let attendues = [
        "CreditNote-Max_content.xml BR-FR-CPRO-02",
        "CreditNote-Max_content.xml BR-FR-CPRO-20",
        "Invoice-Max_content.xml BR-FR-CPRO-02",
        "Invoice-Max_content.xml BR-FR-CPRO-20",
        "sample-discount-price.xml BR-FR-CPRO-44",
    ];
    assert_eq!(regles_fr.iter().map(String::as_str).collect::<Vec<_>>(), attendues);
}

#[test]
fn une_facture_qui_enfreint_la_norme_nomme_ses_regles() {
    let octets = std::fs::read(corpus().join("chorus-samples/cii_bad.xml")).unwrap();
    let lu = lire(&octets, None, &Limites::default()).unwrap();
    let regles: Vec<&str> = lu.regles.iter().map(|r| r.regle.as_str()).collect();
    assert!(regles.iter().any(|r| r.starts_with("BR-CO")), "{:?}", lu.regles);
    // Le SIRET de l'acheteur ne commence pas par son SIREN : règle française BR-FR-09.
    let fr = lu.regles.iter().find(|r| r.regle == "BR-FR-09").expect("BR-FR-09");
    assert_eq!(fr.terme, "BT-46/BT-47");
    assert!(fr.texte.contains("ne commence pas par son SIREN"), "{}", fr.texte);
    for chantillon in ["cii_en16931_b2g.xml", "ubl_en16931_b2g.xml", "facturx_en16931_b2g.pdf"] {
        let octets = std::fs::read(corpus().join("chorus-samples").join(chantillon)).unwrap();
        assert_eq!(lire(&octets, None, &Limites::default()).unwrap().regles, [], "{chantillon}");
    }
}

#[test]
fn une_facture_pour_un_acheteur_public_donne_sa_saisie_chorus() {
    for (fichier, syntaxe) in [
        ("cii_en16931_b2g.xml", SyntaxeFlux::E1Cii),
        ("ubl_en16931_b2g.xml", SyntaxeFlux::E1Ubl),
        ("cii_en16931_b2g_B1.xml", SyntaxeFlux::E1Cii),
        ("ubl_en16931_b2g_B1.xml", SyntaxeFlux::E1Ubl),
    ] {
        let octets = std::fs::read(corpus().join("chorus-samples").join(fichier)).unwrap();
        let lu =
            lire(&octets, Some(syntaxe), &Limites::default()).unwrap_or_else(|r| panic!("{fichier} : {r}"));
        let s = &lu.saisie;
        assert_eq!(s.cadre, "A1_FACTURE_FOURNISSEUR", "{fichier}");
        assert_eq!(s.destinataire, "21990001600011", "{fichier}");
        assert_eq!(lu.destinataire.as_ref().unwrap().terme, "BT-46", "{fichier}");
        assert_eq!(s.code_service, "SERV-COMPTA", "{fichier}");
        assert_eq!(s.numero_engagement, "EJ1000012345", "{fichier}");
        assert_eq!(s.numero_marche, "MARCHE-2026-007", "{fichier}");
        assert_eq!(s.type_facture, "FACTURE", "{fichier}");
        assert_eq!(s.mode_paiement, "VIREMENT", "{fichier}");
        assert_eq!(lu.fournisseur.as_ref().unwrap().valeur, "12345678200010", "{fichier}");
        assert_eq!((lu.totaux.total_ht, lu.totaux.total_ttc), (dec!(450.00), dec!(540.00)), "{fichier}");
        // La saisie passe l'analyse du domaine : ce sont ses contrôles qui jugeront le flux.
        let f = chorus_domain::saisie::analyser(s).unwrap_or_else(|a| panic!("{fichier} : {a:?}"));
        assert_eq!(f.totaux().total_ttc, dec!(540.00), "{fichier}");
    }
}

#[test]
fn une_factur_x_est_lue_comme_sa_cii() {
    let pdf = std::fs::read(corpus().join("chorus-samples/facturx_en16931_b2g.pdf")).unwrap();
    assert_eq!(SyntaxeFlux::detecter(&pdf), Some(SyntaxeFlux::E2FacturX));
    let lu = lire(&pdf, None, &Limites::default()).unwrap();
    assert_eq!(lu.syntaxe, SyntaxeFlux::E2FacturX);
    let cii = std::fs::read(corpus().join("chorus-samples/cii_en16931_b2g.xml")).unwrap();
    let de_la_cii = lire(&cii, None, &Limites::default()).unwrap();
    assert_eq!(lu.saisie, de_la_cii.saisie);
    assert_eq!(lu.totaux, de_la_cii.totaux);
    // Annoncée comme du XML, elle est refusée : la syntaxe annoncée n'est pas la sienne.
    let r = lire(&pdf, Some(SyntaxeFlux::E1Cii), &Limites::default()).unwrap_err();
    assert_eq!(r.code(), "SYNTAXE_DIFFERENTE");
    assert!(r.to_string().contains("IN_DP_E2_CII_FACTURX"), "{r}");
}

/// Le refus doit tomber vite : avant le travail qu'il évite.
fn refuse_vite(octets: &[u8], code: &str) -> Refus {
    let debut = Instant::now();
    let r = lire(octets, None, &Limites::default()).unwrap_err();
    assert!(debut.elapsed() < Duration::from_millis(500), "{code} refusé en {:?}", debut.elapsed());
    assert_eq!(r.code(), code, "{r}");
    r
}

#[test]
fn les_fichiers_hostiles_sont_refuses_vite_avec_un_message_clair() {
    // « Milliard de rires » : des entités qui s'emboîtent.
    let mut bombe = String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n");
    for i in 1..10 {
        let prec = if i == 1 { "lol".to_string() } else { format!("lol{}", i - 1) };
        bombe.push_str(&format!("<!ENTITY lol{i} \"{}\">\n", format!("&{prec};").repeat(10)));
    }
    bombe.push_str(
        "]>\n<Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\">&lol9;</Invoice>",
    );
    let r = refuse_vite(bombe.as_bytes(), "DTD_INTERDITE");
    assert!(r.to_string().contains("DTD"), "{r}");
    // Entité externe (XXE).
    let xxe = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\
               <rsm:CrossIndustryInvoice xmlns:rsm=\"urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100\">&xxe;</rsm:CrossIndustryInvoice>";
    refuse_vite(xxe.as_bytes(), "DTD_INTERDITE");
    // 50 Mo : refusé sur sa taille, sans être analysé.
    let mut gros =
        b"<Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\"><cbc:Note>".to_vec();
    gros.resize(50 * 1024 * 1024, b'a');
    let r = refuse_vite(&gros, "FICHIER_TROP_GROS");
    assert!(r.to_string().contains("limité"), "{r}");
    // Imbrication sans fin.
    let profond = format!(
        "<Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\">{}{}</Invoice>",
        "<a>".repeat(5000),
        "</a>".repeat(5000)
    );
    refuse_vite(profond.as_bytes(), "XML_TROP_PROFOND");
    // Ni facture, ni XML, ni PDF de facture.
    refuse_vite(b"<Order xmlns=\"urn:x\"/>", "PAS_UNE_FACTURE");
    refuse_vite(b"bonjour", "FORMAT_INCONNU");
    refuse_vite(b"", "FICHIER_VIDE");
    let mal_forme =
        "<Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\"><cbc:ID>1</Invoice>";
    refuse_vite(mal_forme.as_bytes(), "XML_MAL_FORME");
    let pdf_simple = chorus_pdf_simple();
    let r = refuse_vite(&pdf_simple, "PDF_SANS_FACTURE");
    assert!(r.to_string().contains("Factur-X"), "{r}");
}

/// Un PDF d'une page, sans pièce jointe.
fn chorus_pdf_simple() -> Vec<u8> {
    let objets = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut positions = Vec::new();
    for (i, o) in objets.iter().enumerate() {
        positions.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objets.len() + 1).as_bytes());
    for p in positions {
        pdf.extend_from_slice(format!("{p:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objets.len() + 1)
            .as_bytes(),
    );
    pdf
}
