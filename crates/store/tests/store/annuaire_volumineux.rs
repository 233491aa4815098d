//! Un export réaliste de l'annuaire, de la taille de l'annuaire réel de Chorus Pro (300 000
//! structures), importé comme le fait la commande `import-annuaire` (fichier lu par un
//! `BufReader`, une seule transaction). La durée de l'import est affichée ; pour la mesurer
//! dans les conditions réelles (binaire optimisé) :
//!
//! ```text
//! cargo test -p chorus-store --release big -- --nocapture
//! ```
//!
//! Sur une machine à deux cœurs, le test prend 11 à 15 s en debug (import 8 à 11 s, génération
//! du fichier 3 s) ; en release, l'import prend 3,3 à 4 s. S'il devenait trop lent en debug,
//! le réduire à 50 000 lignes et garder la variante à 300 000 en `#[ignore]`.

use std::io::{BufReader, BufWriter, Write};
use std::path::Path;
use std::time::Instant;

use chorus_domain::siret::luhn_valide;
use chorus_store::{Store, reference};

const ENTETE: &str = "TypeIdentifiant;Identifiant;RaisonSociale;EmetteurEdi;RecepteurEdi;GestionStatutMiseEnPaiement;\
GestionEngagement;GestionService;GestionServiceEngagement;EstMOA;EstMOAUniquement;StructureActive;Adresse;\
ComplementAdresse1;ComplementAdresse2;CodePostal;Ville;NumTelephone;Courriel;CodePays;LibellePays;\
CategorieJuridique;DelaiGlobalPaiementJours";

/// Ajoute à `chiffres` la clé qui rend le tout valide pour l'algorithme de Luhn.
fn avec_cle(chiffres: String) -> String {
    (0..10)
        .map(|cle| format!("{chiffres}{cle}"))
        .find(|c| luhn_valide(c))
        .expect("une clé de Luhn existe toujours")
}

/// Le SIRET de la n-ième structure : SIREN (8 chiffres + clé), puis NIC (4 chiffres + clé du
/// SIRET complet). Distincts pour n < 90 000 000.
fn siret(n: usize) -> String {
    let siren = avec_cle(format!("{:08}", 10_000_000 + n));
    avec_cle(format!("{siren}{:04}", n % 9_000 + 1))
}

const FORMES: [(&str, &str, &str); 8] = [
    ("COMMUNE DE", "7210", "30"),
    ("CENTRE HOSPITALIER DE", "7364", ""),
    ("Hôpital local de", "7364", "50"),
    ("COLLÈGE PUBLIC DE", "7331", "30"),
    ("EHPAD PUBLIC DE", "7366", ""),
    ("RÉGIE DES EAUX DE", "4140", ""),
    ("SYNDICAT INTERCOMMUNAL DE", "7355", "30"),
    ("Office public de l'habitat de", "7371", ""),
];
const VILLES: [&str; 10] = [
    "VALCOMBE",
    "MENDEVAL",
    "NIMONT",
    "MONTPERIER",
    "FLORANGE-DU-TARN",
    "SAINT-ÉTIENNE-DU-CAUSSE",
    "L'HOSPITALET",
    "AIGUES-VIVES",
    "PONT-DE-MONTVERT",
    "LE ROZIER",
];

fn booleen(n: usize, modulo: usize) -> &'static str {
    if n.is_multiple_of(modulo) { "true" } else { "false" }
}

/// Écrit un export de `lignes` structures dans `chemin`.
fn ecrire_export(chemin: &Path, lignes: usize) {
    let mut f = BufWriter::new(std::fs::File::create(chemin).unwrap());
    writeln!(f, "{ENTETE}").unwrap();
    for n in 0..lignes {
        let (forme, categorie, delai) = FORMES[n % FORMES.len()];
        let ville = VILLES[(n / 7) % VILLES.len()];
        let code_postal = format!("{:05}", 1_000 + (n * 37) % 94_000);
        writeln!(
            f,
            "1;{};{forme} {ville} N°{n};{};{};{};{};{};{};{};{};{};{} RUE DE LA RÉPUBLIQUE;BP {};;{code_postal};{ville};\
             04{:08};factures{n}@exemple.fr;FR;FRANCE;{categorie};{delai}",
            siret(n),
            booleen(n, 3),
            booleen(n, 4),
            booleen(n, 11),
            booleen(n, 5),
            booleen(n, 6),
            booleen(n, 13),
            booleen(n, 2),
            if n % 17 == 0 { "true" } else { "false" },
            if n % 97 == 0 { "false" } else { "true" },
            n % 200 + 1,
            n % 999,
            n,
        )
        .unwrap();
    }
    f.flush().unwrap();
}

fn importer_export(lignes: usize) {
    let dossier = tempfile::tempdir().unwrap();
    let chemin = dossier.path().join("annuaire.csv");
    let debut = Instant::now();
    ecrire_export(&chemin, lignes);
    let generation = debut.elapsed();

    // Comme `chorus-web import-annuaire` : ouverture de la base, fichier bufferisé, une écriture.
    let store = Store::ouvrir(&dossier.path().join("data")).unwrap();
    let debut = Instant::now();
    let source = BufReader::new(std::fs::File::open(&chemin).unwrap());
    let rapport = store.ecrire(|tx| reference::importer_annuaire(tx, source)).unwrap();
    let duree = debut.elapsed();
    println!(
        "import de {lignes} lignes : {:.2} s (génération du fichier : {:.2} s, {} Mo)",
        duree.as_secs_f64(),
        generation.as_secs_f64(),
        std::fs::metadata(&chemin).unwrap().len() / 1_000_000
    );

    assert_eq!(rapport.nombre_erreurs, 0, "{:?}", &rapport.erreurs[..rapport.erreurs.len().min(5)]);
    assert_eq!((rapport.lignes_lues, rapport.importees), (lignes, lignes));
    assert_eq!(store.lire(reference::nombre_structures_publiques).unwrap(), lignes);

    // Recherche par SIRET complet, au milieu et à la fin du fichier.
    for n in [0, lignes / 2, lignes - 1] {
        let s = siret(n);
        let debut = Instant::now();
        let trouves = store.lire(|c| reference::rechercher_annuaire(c, &s, 20)).unwrap();
        assert!(debut.elapsed().as_millis() < 500, "recherche par SIRET trop lente : {:?}", debut.elapsed());
        assert_eq!(trouves.len(), 1, "{s}");
        let t = &trouves[0];
        assert_eq!(t.identifiant, s);
        assert!(t.raison_sociale.ends_with(&format!(" N°{n}")), "{}", t.raison_sociale);
        let (_, categorie, _) = FORMES[n % FORMES.len()];
        assert_eq!(t.categorie_juridique.as_deref(), Some(categorie));
        let attendu = match categorie {
            "7364" => 50,
            _ => 30,
        };
        assert_eq!(t.delai_paiement_jours, attendu);
        assert_eq!(t.parametres.active, n % 97 != 0);
    }
    // Par début de SIRET (le SIREN), par nom sans accents, par code postal : bornés par la limite.
    let s = siret(lignes / 3);
    let par_siren = store.lire(|c| reference::rechercher_annuaire(c, &s[..9], 20)).unwrap();
    assert_eq!(par_siren.len(), 1);
    let par_nom = store.lire(|c| reference::rechercher_annuaire(c, "hopital local de valcombe", 20)).unwrap();
    assert_eq!(par_nom.len(), 20);
    assert!(par_nom.iter().all(|s| s.raison_sociale.starts_with("Hôpital local de VALCOMBE")));
    let par_cp = store.lire(|c| reference::rechercher_annuaire(c, "01037", 1_000)).unwrap();
    assert!(!par_cp.is_empty() && par_cp.iter().all(|s| s.adresse.code_postal == "01037"));
}

#[test]
fn big_import_annuaire_300k() {
    importer_export(300_000);
}
