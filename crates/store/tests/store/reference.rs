//! Import de l'annuaire (lignes refusées, en-têtes) et recherche dans l'annuaire.

use chorus_store::reference::{self, RapportImport};
use chorus_store::{Erreur, Store, demo};

use crate::commun::{base_vide, compter};

const ENTETE: &str = "TypeIdentifiant;Identifiant;RaisonSociale;EmetteurEdi;RecepteurEdi;GestionStatutMiseEnPaiement;\
GestionEngagement;GestionService;GestionServiceEngagement;EstMOA;EstMOAUniquement;StructureActive;Adresse;\
ComplementAdresse1;ComplementAdresse2;CodePostal;Ville;NumTelephone;Courriel;CodePays;LibellePays;\
CategorieJuridique;DelaiGlobalPaiementJours";

/// Une ligne complète (23 colonnes) pour `ENTETE`.
fn ligne(
    type_id: &str,
    siret: &str,
    nom: &str,
    actif: &str,
    cp: &str,
    categorie: &str,
    delai: &str,
) -> String {
    format!(
        "{type_id};{siret};{nom};false;false;false;false;false;false;true;false;{actif};1 RUE DU TEST;;;{cp};\
         VALCOMBE;0400000000;factures@exemple.fr;FR;FRANCE;{categorie};{delai}"
    )
}

fn importer(store: &Store, texte: &str) -> chorus_store::Resultat<RapportImport> {
    store.ecrire(|tx| reference::importer_annuaire(tx, texte.as_bytes()))
}

fn identifiants(v: &[chorus_domain::structure::StructurePublique]) -> Vec<&str> {
    v.iter().map(|s| s.identifiant.as_str()).collect()
}

#[test]
fn les_mauvaises_lignes_sont_signalees_avec_leur_numero_de_ligne() {
    let (_dossier, store) = base_vide();
    let lignes = [
        ENTETE.to_string(),                                                                 // 1
        ligne("1", "21852884200097", "COMMUNE DE VALCOMBE", "true", "48100", "7210", "30"), // 2 bonne
        ligne("1", "21852884200098", "CLE FAUSSE", "true", "48100", "7210", "30"),          // 3 clé de Luhn
        ligne("9", "21852884200097", "TYPE INCONNU", "true", "48100", "7210", "30"),        // 4 type inconnu
        String::new(),                                                                      // 5 vide, ignorée
        ligne("1", "22221733300095", "BOOLEEN FAUX", "peut-etre", "48000", "7220", "30"),   // 6 booléen
        "1;23273016800027;TROP COURTE".to_string(),                                         // 7 trop courte
        ligne("1", "26236940800063", "CENTRE HOSPITALIER", "true", "48100", "7364", ""),    // 8 bonne
    ];
    let rapport = importer(&store, &lignes.join("\n")).unwrap();
    assert_eq!(rapport.lignes_lues, 6, "{rapport:?}");
    assert_eq!(rapport.importees, 2, "{rapport:?}");
    assert_eq!(rapport.nombre_erreurs, 4, "{rapport:?}");
    let numeros: Vec<usize> = rapport.erreurs.iter().map(|(l, _)| *l).collect();
    assert_eq!(numeros, [3, 4, 6, 7], "{rapport:?}");
    let messages: Vec<&str> = rapport.erreurs.iter().map(|(_, m)| m.as_str()).collect();
    assert!(messages[0].contains("SIRET valide") && messages[0].contains("Luhn"), "{}", messages[0]);
    assert!(messages[1].contains("TypeIdentifiant") && messages[1].contains("« 9 »"), "{}", messages[1]);
    assert!(messages[2].contains("StructureActive") && messages[2].contains("peut-etre"), "{}", messages[2]);
    assert!(messages[3].contains("ne compte que 3 champ(s)"), "{}", messages[3]);
    // Le numéro de ligne est donné à part : le message ne le répète pas.
    for (_, message) in &rapport.erreurs {
        assert!(!message.starts_with("ligne "), "{message}");
    }

    let gardes = store.lire(|c| reference::rechercher_annuaire(c, "2", 100)).unwrap();
    assert_eq!(identifiants(&gardes), ["26236940800063", "21852884200097"]);
    let hopital = store.lire(|c| reference::structure_publique(c, "26236940800063")).unwrap().unwrap();
    // Délai vide : déduit de la catégorie juridique (établissement de santé, 50 jours).
    assert_eq!(hopital.delai_paiement_jours, 50);
}

#[test]
fn numeros_de_ligne_avec_fins_de_ligne_windows_et_champ_sur_deux_lignes() {
    let (_dossier, store) = base_vide();
    // Fin de ligne CRLF, et un champ entre guillemets qui contient un retour à la ligne : le
    // numéro rapporté est celui de la ligne où commence l'enregistrement fautif.
    let texte = format!(
        "{ENTETE}\r\n{}\r\n{}\r\n{}\r\n",
        ligne("1", "21852884200097", "\"COMMUNE\nDE VALCOMBE\"", "true", "48100", "7210", "30"),
        ligne("1", "21852884200097", "DOUBLON", "oui", "48100", "7210", "45"),
        ligne("1", "22221733300095", "DEPARTEMENT", "true", "48000", "7220", "30"),
    );
    let rapport = importer(&store, &texte).unwrap();
    assert_eq!((rapport.lignes_lues, rapport.importees), (3, 2), "{rapport:?}");
    assert_eq!(rapport.erreurs.len(), 1, "{rapport:?}");
    assert_eq!(rapport.erreurs[0].0, 4, "{rapport:?}");
    assert!(rapport.erreurs[0].1.contains("DelaiGlobalPaiementJours"), "{rapport:?}");
    let commune = store.lire(|c| reference::structure_publique(c, "21852884200097")).unwrap().unwrap();
    assert_eq!(commune.raison_sociale, "COMMUNE\nDE VALCOMBE");
}

#[test]
fn numeros_de_ligne_quelle_que_soit_la_fin_de_ligne() {
    // Même contenu, trois conventions de fin de ligne (Unix, Windows, ancien Mac), avec des
    // lignes vides (ou faites d'espaces) au milieu et à la fin.
    let lignes = [
        ENTETE.to_string(),
        ligne("1", "21852884200097", "COMMUNE", "true", "48100", "7210", "30"),
        String::new(),
        String::new(),
        ligne("1", "22221733300095", "DEPARTEMENT", "vrai", "48000", "7220", "30"),
        "   ".to_string(),
        ligne("1", "2322", "REGION", "true", "30000", "7230", "30"),
        String::new(),
    ];
    for fin in ["\n", "\r\n", "\r"] {
        let (_dossier, store) = base_vide();
        let rapport = importer(&store, &lignes.join(fin)).unwrap();
        let numeros: Vec<usize> = rapport.erreurs.iter().map(|(l, _)| *l).collect();
        assert_eq!(numeros, [5, 7], "fin de ligne {fin:?} : {rapport:?}");
        assert_eq!((rapport.lignes_lues, rapport.importees), (3, 1), "{fin:?}");
    }
}

#[test]
fn numeros_de_ligne_du_fichier_des_services() {
    let (_dossier, store) = base_vide();
    let texte = "IdentifiantStructure;CodeService;LibelleService;EngagementObligatoire;Actif\r\n\
                 21852884200097;ACHATS;Achats;false;true\r\n\
                 \r\n\
                 21852884200097;;Sans code;false;true\r\n\
                 21852884200097;VOIRIE;Voirie;false;ferme\r\n";
    let r = store.ecrire(|tx| reference::importer_services(tx, texte.as_bytes())).unwrap();
    assert_eq!((r.lignes_lues, r.importees), (3, 1), "{r:?}");
    let numeros: Vec<usize> = r.erreurs.iter().map(|(l, _)| *l).collect();
    assert_eq!(numeros, [4, 5], "{r:?}");
}

#[test]
fn colonnes_inconnues_ignorees_et_ordre_libre() {
    let (_dossier, store) = base_vide();
    let texte = "\u{feff}Identifiant;Inconnue;TypeIdentifiant;RaisonSociale;GestionStatutMiseEnPaiement;\
                 GestionEngagement;GestionService;GestionServiceEngagement;EstMOA;EstMOAUniquement;\
                 StructureActive;CodePostal;Ville;AutreColonne\n\
                 21852884200097;xxx;1;Commune de Valcombe;false;true;false;false;true;false;true;48100;Valcombe;yyy\n";
    let rapport = importer(&store, texte).unwrap();
    assert_eq!((rapport.lignes_lues, rapport.importees, rapport.nombre_erreurs), (1, 1, 0), "{rapport:?}");
    let s = store.lire(|c| reference::structure_publique(c, "21852884200097")).unwrap().unwrap();
    assert_eq!(s.raison_sociale, "Commune de Valcombe");
    assert_eq!(s.adresse.code_postal, "48100");
    assert!(
        s.parametres.engagement_obligatoire && s.parametres.active && !s.parametres.code_service_obligatoire
    );
    // Sans les deux colonnes de formation : pas de catégorie, délai réglementaire par défaut.
    assert_eq!(s.categorie_juridique, None);
    assert_eq!(s.delai_paiement_jours, 30);
}

#[test]
fn export_sans_les_colonnes_de_formation() {
    let (_dossier, store) = base_vide();
    // L'export réel de Chorus Pro n'a ni CategorieJuridique ni DelaiGlobalPaiementJours.
    let colonnes: Vec<&str> = ENTETE.split(';').take(21).collect();
    let mut texte = colonnes.join(";");
    for l in demo::ANNUAIRE.lines().skip(1) {
        let champs: Vec<&str> = l.split(';').take(21).collect();
        texte.push('\n');
        texte.push_str(&champs.join(";"));
    }
    let rapport = importer(&store, &texte).unwrap();
    assert_eq!((rapport.importees, rapport.nombre_erreurs), (16, 0), "{rapport:?}");
    let hopital = store.lire(|c| reference::structure_publique(c, "26236940800063")).unwrap().unwrap();
    assert_eq!((hopital.categorie_juridique, hopital.delai_paiement_jours), (None, 30));
    let office = store.lire(|c| reference::structure_publique(c, "38496988700072")).unwrap().unwrap();
    assert_eq!(office.delai_paiement_jours, 30);
}

#[test]
fn colonne_obligatoire_absente_refuse_le_fichier_entier() {
    let (_dossier, store) = base_vide();
    let colonnes: Vec<&str> = ENTETE.split(';').filter(|c| *c != "GestionService").collect();
    let mut texte = colonnes.join(";");
    texte.push_str("\n1;21852884200097;COMMUNE;false;false;false;false;false;true;false;true;;;;48100;VALCOMBE;;;FR;FRANCE;7210;30");
    match importer(&store, &texte) {
        Err(e @ Erreur::Domaine(chorus_domain::Erreur::EnteteAnnuaire(_))) => {
            let m = e.to_string();
            assert!(m.starts_with("en-tête du fichier : colonne « GestionService » absente"), "{m}");
            assert!(m.contains("point-virgule"), "{m}");
        }
        autre => panic!("en-tête refusé attendu : {autre:?}"),
    }
    assert_eq!(compter(&store, "annuaire_structure"), 0);

    // Un fichier séparé par des virgules : le message le dit aussi.
    let virgules = ENTETE.replace(';', ",");
    let m = importer(&store, &virgules).unwrap_err().to_string();
    assert!(m.contains("absente") && m.contains("point-virgule"), "{m}");
}

#[test]
fn fichier_vide_refuse() {
    let (_dossier, store) = base_vide();
    for texte in ["", "\n\n", "\r\n"] {
        match importer(&store, texte) {
            Err(Erreur::Invalide(m)) => assert!(m.contains("vide"), "{m}"),
            autre => panic!("fichier vide refusé attendu pour {texte:?} : {autre:?}"),
        }
    }
    // Un en-tête seul n'est pas une erreur : rien à importer.
    let r = importer(&store, ENTETE).unwrap();
    assert_eq!(r, RapportImport::default());
}

#[test]
fn fichier_latin1_lu_sans_perdre_la_ligne() {
    let (_dossier, store) = base_vide();
    let mut octets = format!("{ENTETE}\n").into_bytes();
    // « HÔPITAL » en Windows-1252 : l'octet 0xD4 n'est pas de l'UTF-8 valide.
    let ligne = ligne("1", "26236940800063", "H\u{0}PITAL", "true", "48100", "7364", "50");
    octets.extend(ligne.as_bytes().iter().map(|&b| if b == 0 { 0xD4 } else { b }));
    let rapport = store.ecrire(|tx| reference::importer_annuaire(tx, octets.as_slice())).unwrap();
    assert_eq!((rapport.importees, rapport.nombre_erreurs), (1, 0), "{rapport:?}");
    let s = store.lire(|c| reference::structure_publique(c, "26236940800063")).unwrap().unwrap();
    assert_eq!(s.raison_sociale, "H\u{fffd}PITAL");
}

#[test]
fn reimporter_met_a_jour_sans_dupliquer() {
    let (_dossier, store) = base_vide();
    importer(&store, demo::ANNUAIRE).unwrap();
    let modifie = demo::ANNUAIRE.replace("COMMUNE DE VALCOMBE (FICTIVE)", "VILLE DE VALCOMBE");
    let r = importer(&store, &modifie).unwrap();
    assert_eq!(r.importees, 16);
    assert_eq!(compter(&store, "annuaire_structure"), 16);
    let s = store.lire(|c| reference::structure_publique(c, "21852884200097")).unwrap().unwrap();
    assert_eq!(s.raison_sociale, "VILLE DE VALCOMBE");
    // La colonne de recherche suit le nouveau nom.
    let v = store.lire(|c| reference::rechercher_annuaire(c, "ville de", 10)).unwrap();
    assert_eq!(identifiants(&v), ["21852884200097"]);
}

#[test]
fn au_dela_de_deux_cents_erreurs_elles_sont_comptees_sans_detail() {
    let (_dossier, store) = base_vide();
    let mut texte = ENTETE.to_string();
    for _ in 0..250 {
        texte.push_str("\n1;123;X");
    }
    let r = importer(&store, &texte).unwrap();
    assert_eq!((r.lignes_lues, r.importees, r.nombre_erreurs), (250, 0, 250));
    assert_eq!(r.erreurs.len(), reference::ERREURS_DETAILLEES);
    assert_eq!(r.erreurs.last().unwrap().0, reference::ERREURS_DETAILLEES + 1);
}

// ----- Recherche dans l'annuaire ----------------------------------------------------------

fn annuaire_de_formation() -> (tempfile::TempDir, Store) {
    let (dossier, store) = base_vide();
    let r = importer(&store, demo::ANNUAIRE).unwrap();
    assert_eq!(r.importees, 16);
    (dossier, store)
}

fn chercher(store: &Store, requete: &str) -> Vec<String> {
    store
        .lire(|c| reference::rechercher_annuaire(c, requete, 50))
        .unwrap()
        .into_iter()
        .map(|s| s.identifiant)
        .collect()
}

#[test]
fn recherche_par_siret_complet_ou_debut_de_siret() {
    let (_dossier, store) = annuaire_de_formation();
    assert_eq!(chercher(&store, "21852884200097"), ["21852884200097"]);
    assert_eq!(chercher(&store, " 218 528 842 00097 "), ["21852884200097"]);
    // Début de SIRET : les structures dont le SIRET commence ainsi, et elles seules.
    let mut debut = chercher(&store, "218");
    debut.sort();
    assert_eq!(debut, ["21852884200097"]);
    let mut communes = chercher(&store, "21");
    communes.sort();
    assert_eq!(communes, ["21068604400012", "21852884200097", "21917231900044"]);
    // Le SIREN seul suffit.
    assert_eq!(chercher(&store, "190784017"), ["19078401700013"]);
    assert!(chercher(&store, "99999").is_empty());
    // Un SIRET trop long ne trouve rien (et ne déborde pas sur le suivant).
    assert!(chercher(&store, "218528842000970").is_empty());
}

#[test]
fn recherche_par_code_postal() {
    let (_dossier, store) = annuaire_de_formation();
    let mut valcombe = chercher(&store, "48100");
    valcombe.sort();
    assert_eq!(
        valcombe,
        ["19078401700013", "21852884200097", "21917231900044", "26236940800063", "26949711100048"]
    );
    assert_eq!(chercher(&store, "34000").len(), 2);
}

#[test]
fn recherche_par_nom_sans_accents_ni_casse() {
    let (_dossier, store) = annuaire_de_formation();
    assert_eq!(chercher(&store, "hospitalier"), ["26236940800063"]);
    assert_eq!(chercher(&store, "Centre Hospitalier"), ["26236940800063"]);
    // Le nom est « HOSPITALIER » : « hôpital » ne le trouve pas.
    assert!(chercher(&store, "hôpital").is_empty());
    assert_eq!(chercher(&store, "collège jean-moulin"), ["19078401700013"]);
    assert_eq!(chercher(&store, "ÉHPAD"), ["26949711100048"]);
    assert_eq!(chercher(&store, "  université  "), ["19551978000082"]);
    // « valcombe » : le nom ou la ville ; les résultats sont triés par raison sociale.
    let valcombe = store.lire(|c| reference::rechercher_annuaire(c, "valcombe", 50)).unwrap();
    let noms: Vec<&str> = valcombe.iter().map(|s| s.raison_sociale.as_str()).collect();
    assert_eq!(
        noms,
        [
            "CAISSE DES ECOLES DE VALCOMBE (FICTIVE)",
            "CENTRE HOSPITALIER DE VALCOMBE (FICTIF)",
            "COLLEGE JEAN-MOULIN DE VALCOMBE (FICTIF)",
            "COMMUNE DE VALCOMBE (FICTIVE)",
            "EHPAD PUBLIC LES GENTIANES (FICTIF)",
        ]
    );
    // La limite est respectée.
    assert_eq!(store.lire(|c| reference::rechercher_annuaire(c, "valcombe", 2)).unwrap().len(), 2);
    // La structure rendue est complète.
    let college = &valcombe[2];
    assert!(college.parametres.mise_en_paiement_non_remontee);
    assert_eq!((college.delai_paiement_jours, college.categorie_juridique.as_deref()), (30, Some("7331")));
}

#[test]
fn les_metacaracteres_sont_cherches_tels_quels() {
    let (_dossier, store) = annuaire_de_formation();
    for requete in ["%", "_", "%%", "\\", "\\%", "%VALCOMBE", "VAL_OMBE", "VALCOMBE%"] {
        assert!(chercher(&store, requete).is_empty(), "« {requete} » ne doit rien trouver");
    }
    // L'apostrophe fait partie de noms réels.
    assert_eq!(chercher(&store, "l'habitat"), ["27379392700040"]);
    for requete in [
        "'; DROP TABLE annuaire_structure; --",
        "\" OR 1=1 --",
        "' OR '1'='1",
        "1' OR '1'='1",
        "); DELETE FROM annuaire_structure; --",
    ] {
        assert!(chercher(&store, requete).is_empty(), "« {requete} »");
    }
    assert_eq!(compter(&store, "annuaire_structure"), 16);
}

/// The annuaire exported as Chorus Pro's export (what `telecharger/annuaire/destinataire`
/// serves) is read back by the import to the same structures and parameters, its two training
/// columns aside.
#[test]
fn l_export_de_l_annuaire_se_relit_a_l_identique() {
    let (_d1, source) = base_vide();
    importer(&source, demo::ANNUAIRE).unwrap();
    let export = source.lire(reference::exporter_annuaire).unwrap();
    let texte = String::from_utf8(export).unwrap();
    assert!(texte.starts_with(&ENTETE.split(';').take(21).collect::<Vec<_>>().join(";")), "{texte}");
    assert!(!texte.contains("DelaiGlobalPaiementJours"));
    let (_d2, copie) = base_vide();
    let rapport = importer(&copie, &texte).unwrap();
    assert_eq!((rapport.importees, rapport.nombre_erreurs), (16, 0), "{rapport:?}");
    let toutes = |s: &Store| s.lire(|c| reference::rechercher_annuaire(c, "", 100)).unwrap();
    let sans_aides = |mut v: Vec<chorus_domain::structure::StructurePublique>| {
        for s in &mut v {
            s.categorie_juridique = None;
            s.delai_paiement_jours = 0;
        }
        v
    };
    assert_eq!(toutes(&source).len(), 16);
    assert_eq!(sans_aides(toutes(&copie)), sans_aides(toutes(&source)));
}

/// The ranking a trainee expects, on an index built for it: for digits, the exact SIRET, then
/// the SIRETs that start so (a SIREN gives its establishments), then the postcode; for words,
/// the names that start with them, then those that contain them (a partial word will do,
/// accents and case aside), then the towns; alphabetical in each group; paged.
#[test]
fn la_recherche_classe_le_siret_exact_puis_les_debuts_de_nom_et_se_pagine() {
    let (_dossier, store) = base_vide();
    let avec_ville = |siret: &str, nom: &str, cp: &str, ville: &str| {
        ligne("1", siret, nom, "true", cp, "7210", "30").replace(";VALCOMBE;", &format!(";{ville};"))
    };
    let texte = [
        ENTETE.to_string(),
        avec_ville("21852884200097", "ÉCOLE DE VALCOMBE", "48100", "NIMONT"),
        avec_ville("21852884200105", "Valcombe Habitat", "48100", "NIMONT"),
        avec_ville("21852884200113", "SYNDICAT DE VALCOMBE-LE-HAUT", "48200", "NIMONT"),
        avec_ville("26236940800063", "MAIRIE ANNEXE", "21852", "VALCOMBE"),
        avec_ville("19078401700013", "ABBAYE DE NIMONT", "48100", "NIMONT"),
    ]
    .join("\n");
    let rapport = importer(&store, &texte).unwrap();
    assert_eq!(rapport.nombre_erreurs, 0, "{rapport:?}");
    let page = |q: &str, n: usize, par_page: usize| {
        store.lire(|c| reference::chercher_dans_l_annuaire(c, q, n, par_page)).unwrap()
    };
    let noms = |p: &reference::PageAnnuaire| {
        p.structures.iter().map(|s| s.raison_sociale.clone()).collect::<Vec<_>>()
    };
    assert_eq!(
        noms(&page("valcombe", 1, 10)),
        ["Valcombe Habitat", "ÉCOLE DE VALCOMBE", "SYNDICAT DE VALCOMBE-LE-HAUT", "MAIRIE ANNEXE"]
    );
    // A partial word, without its accent, anywhere in the name.
    assert_eq!(noms(&page("lcomb", 1, 10)).len(), 4);
    assert_eq!(noms(&page("ecole de val", 1, 10)), ["ÉCOLE DE VALCOMBE"]);
    assert_eq!(noms(&page("Abbaye", 1, 10)), ["ABBAYE DE NIMONT"]);
    // Pages of two: the total, then the second page.
    let p = page("valcombe", 2, 2);
    assert_eq!((p.total, p.plus), (4, false));
    assert_eq!(noms(&p), ["SYNDICAT DE VALCOMBE-LE-HAUT", "MAIRIE ANNEXE"]);
    assert!(page("valcombe", 3, 2).structures.is_empty());
    // Digits: the exact SIRET first, then the SIREN's other establishments, then the postcode.
    let ids =
        |p: &reference::PageAnnuaire| p.structures.iter().map(|s| s.identifiant.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&page("21852884200105", 1, 10)), ["21852884200105"]);
    // (alphabetical within a group: ÉCOLE, SYNDICAT, Valcombe)
    assert_eq!(ids(&page("218528842", 1, 10)), ["21852884200097", "21852884200113", "21852884200105"]);
    assert_eq!(
        ids(&page("21852", 1, 10)),
        ["21852884200097", "21852884200113", "21852884200105", "26236940800063"]
    );
    // Quotes and FTS operators are searched as text, never as query syntax.
    for hostile in ["\"", "valcombe\" OR \"x", "NEAR(a b)", "*", "val*", "-valcombe", "^val"] {
        let _ = page(hostile, 1, 10);
    }
    // A re-import replaces the index with the new export, in one transaction.
    importer(
        &store,
        &[ENTETE.to_string(), avec_ville("21852884200097", "ÉCOLE DU BOURG", "48100", "NIMONT")].join("\n"),
    )
    .unwrap();
    assert_eq!(noms(&page("bourg", 1, 10)), ["ÉCOLE DU BOURG"]);
    assert_eq!(noms(&page("ecole de val", 1, 10)), Vec::<String>::new());
}

/// Re-importing a newer export replaces the old one, in one transaction: structures it no
/// longer holds go (with their services), the delivered training structures stay for the
/// scenarios, and when lines are refused nothing is removed.
#[test]
fn un_nouvel_export_remplace_l_ancien_et_garde_l_annuaire_de_formation() {
    let (_dossier, store) = base_vide();
    demo::initialiser(&store, &chorus_store::Horloge::Systeme).unwrap();
    let formation = store.lire(reference::nombre_structures_publiques).unwrap();
    let export = |lignes: &[String]| [vec![ENTETE.to_string()], lignes.to_vec()].concat().join("\n");
    let x = ligne("1", "10000000900017", "ANCIENNE REGIE", "true", "48100", "7210", "30");
    let y = ligne("1", "10000001700010", "SYNDICAT DES EAUX", "true", "48100", "7210", "30");
    let z = ligne("1", "10000002500013", "NOUVEAU SYNDICAT", "true", "48100", "7210", "30");
    let services = "IdentifiantStructure;CodeService;LibelleService;EngagementObligatoire;Actif\n10000000900017;S1;Service;false;true";
    let remplacer = |texte: String, services: Option<&str>| {
        store
            .ecrire(|tx| {
                reference::remplacer_annuaire(
                    tx,
                    texte.as_bytes(),
                    services.map(str::as_bytes),
                    &demo::identifiants_de_formation(),
                )
            })
            .unwrap()
    };
    let r = remplacer(export(&[x.clone(), y.clone()]), Some(services));
    assert_eq!((r.annuaire.importees, r.retirees), (2, 0));
    assert_eq!(store.lire(reference::nombre_structures_publiques).unwrap(), formation + 2);

    // The newer export: X is gone, Z arrives; a line refused keeps everything.
    let r = remplacer(export(&[y.clone(), z.clone(), "1;pas-un-siret;X".into()]), None);
    assert_eq!((r.annuaire.nombre_erreurs > 0, r.retirees), (true, 0));
    let r = remplacer(export(&[y, z]), None);
    assert_eq!(r.retirees, 1);
    assert_eq!(store.lire(reference::nombre_structures_publiques).unwrap(), formation + 2);
    assert!(store.lire(|c| reference::structure_publique(c, "10000000900017")).unwrap().is_none());
    assert!(store.lire(|c| reference::services(c, "10000000900017")).unwrap().is_empty());
    assert!(store.lire(|c| reference::structure_publique(c, "21852884200097")).unwrap().is_some());
    let trouvees = store.lire(|c| reference::chercher_dans_l_annuaire(c, "syndicat", 1, 10)).unwrap();
    // The training directory has one more syndicat.
    assert_eq!(trouvees.total, 3, "{:?}", trouvees.structures);
    assert!(
        store
            .lire(|c| reference::chercher_dans_l_annuaire(c, "ancienne regie", 1, 10))
            .unwrap()
            .structures
            .is_empty()
    );
}
