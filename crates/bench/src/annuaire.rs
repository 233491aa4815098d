//! `--mode annuaire` : la recherche dans l'annuaire à la taille de l'annuaire réel. Un export
//! fictif de `--structures` structures publiques (300 000 par défaut) et de leurs services est
//! écrit, puis importé par `chorus-sandbox import-annuaire` **pendant que le serveur tourne** ;
//! chaque recherche du portail (`GET /annuaire?q=…`) est ensuite mesurée par un stagiaire seul,
//! puis par `--clients` stagiaires à la fois.

use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use chorus_domain::siret::luhn_valide;

use crate::charge::{self, Mesure};
use crate::http::Session;

const ENTETE: &str = "TypeIdentifiant;Identifiant;RaisonSociale;EmetteurEdi;RecepteurEdi;GestionStatutMiseEnPaiement;\
GestionEngagement;GestionService;GestionServiceEngagement;EstMOA;EstMOAUniquement;StructureActive;Adresse;\
ComplementAdresse1;ComplementAdresse2;CodePostal;Ville;NumTelephone;Courriel;CodePays;LibellePays;\
CategorieJuridique;DelaiGlobalPaiementJours";

/// Les formes de structures publiques, et leur catégorie juridique.
const FORMES: [(&str, &str); 10] = [
    ("COMMUNE DE", "7210"),
    ("CENTRE HOSPITALIER DE", "7364"),
    ("COLLÈGE PUBLIC DE", "7331"),
    ("LYCÉE POLYVALENT DE", "7331"),
    ("EHPAD PUBLIC DE", "7366"),
    ("RÉGIE DES EAUX DE", "4140"),
    ("SYNDICAT INTERCOMMUNAL DE", "7355"),
    ("CAISSE DES ÉCOLES DE", "7361"),
    ("CENTRE COMMUNAL D'ACTION SOCIALE DE", "7361"),
    ("OFFICE PUBLIC DE L'HABITAT DE", "4140"),
];
const DEBUTS: [&str; 24] = [
    "VAL",
    "MONT",
    "BEAU",
    "ROCHE",
    "FONT",
    "SAINT-MARTIN-DE-",
    "CHÂTEAU",
    "VILLE",
    "BOIS",
    "PONT",
    "LA ",
    "SAINT-",
    "BELLE",
    "CLAIR",
    "NEUF",
    "GRAND",
    "FLOR",
    "MARS",
    "AIGUES-",
    "COL",
    "SAULX",
    "ÉTANG",
    "LES ",
    "BRIE",
];
const MILIEUX: [&str; 36] = [
    "COMBE", "FORT", "LIEU", "RIVE", "MAR", "BRUN", "VERT", "PRÉ", "MONT", "VAL", "BORD", "CHAMP", "LAC",
    "ROC", "FAGE", "BUIS", "NAY", "GARD", "MAS", "TOUR", "MOUL", "VIGNE", "SALLE", "CROIX", "JARD", "PIN",
    "HAYE", "LOUP", "BARRE", "CLOS", "PUY", "SERRE", "COURT", "VERN", "FONT", "BOSC",
];
const FINS: [&str; 40] = [
    "",
    "E",
    "ES",
    "IN",
    "INE",
    "ON",
    "AC",
    "AN",
    "ANS",
    "EL",
    "ELLE",
    "ET",
    "ETTE",
    "EUIL",
    "IÈRES",
    "Y",
    "IS",
    "OUX",
    "ARD",
    "AGNE",
    "AT",
    "ERAN",
    "EVILLE",
    "-SUR-MER",
    "-LE-HAUT",
    "-LE-BAS",
    "-EN-VAL",
    "-LÈS-BAINS",
    "-D'AUGE",
    "ON-LA-ROCHE",
    "AS",
    "ERS",
    "IEU",
    "OLLES",
    "ADOUR",
    "ENS",
    "OIS",
    "URE",
    "AIN",
    "ERY",
];

/// La ville de rang `n` : 24 × 36 × 40 = 34 560 noms, autant que de communes en France.
pub fn ville(n: usize) -> String {
    let (d, m, f) = (
        n % DEBUTS.len(),
        (n / DEBUTS.len()) % MILIEUX.len(),
        (n / (DEBUTS.len() * MILIEUX.len())) % FINS.len(),
    );
    format!("{}{}{}", DEBUTS[d], MILIEUX[m], FINS[f])
}

fn avec_cle(chiffres: String) -> String {
    (0..10).map(|cle| format!("{chiffres}{cle}")).find(|c| luhn_valide(c)).expect("une clé de Luhn existe")
}

/// Le SIRET de la n-ième structure (distincts pour n < 90 000 000).
pub fn siret(n: usize) -> String {
    let siren = avec_cle(format!("{:08}", 10_000_000 + n));
    avec_cle(format!("{siren}{:04}", n % 9_000 + 1))
}

/// Écrit l'annuaire (`annuaire.csv`) et ses services (`services.csv`, un à trois par structure).
pub fn ecrire_export(dossier: &Path, structures: usize) -> Result<(), String> {
    let erreur = |e: std::io::Error| format!("export fictif : {e}");
    let mut a = BufWriter::new(std::fs::File::create(dossier.join("annuaire.csv")).map_err(erreur)?);
    let mut s = BufWriter::new(std::fs::File::create(dossier.join("services.csv")).map_err(erreur)?);
    writeln!(a, "{ENTETE}").map_err(erreur)?;
    writeln!(s, "IdentifiantStructure;CodeService;LibelleService;EngagementObligatoire;Actif")
        .map_err(erreur)?;
    let villes = 34_560;
    for n in 0..structures {
        let (forme, categorie) = FORMES[n % FORMES.len()];
        let v = ville((n / FORMES.len()) % villes);
        let nom = if n / (FORMES.len() * villes) == 0 {
            format!("{forme} {v}")
        } else {
            format!("{forme} {v} ({})", n / (FORMES.len() * villes) + 1)
        };
        let code_postal = format!("{:05}", 1_000 + (n * 37) % 94_000);
        let siret = siret(n);
        writeln!(
            a,
            "1;{siret};{nom};false;false;false;{};{};false;{};false;{};{} RUE DE LA MAIRIE;;;{code_postal};{v};0400000000;factures@exemple.fr;FR;FRANCE;{categorie};",
            n % 5 == 0,
            n % 3 == 0,
            n % 7 == 0,
            n % 97 != 0,
            n % 200 + 1,
        )
        .map_err(erreur)?;
        writeln!(s, "{siret};FACTURES_PUBLIQUES;Service des factures publiques;false;true")
            .map_err(erreur)?;
        for k in 0..n % 3 {
            writeln!(s, "{siret};SERVICE_{k};Service {k};{};true", k == 1).map_err(erreur)?;
        }
    }
    a.flush().map_err(erreur)?;
    s.flush().map_err(erreur)
}

/// Les recherches mesurées : leur nom et la requête tapée.
pub fn recherches(structures: usize) -> Vec<(String, String)> {
    let milieu = structures / 2;
    vec![
        ("une ville entière".into(), ville(4321)),
        ("un mot partiel".into(), "ROCHECOMB".into()),
        ("le début d'un nom".into(), format!("college public de {}", ville(777).to_lowercase())),
        ("un mot courant (borné à 500)".into(), "hospitalier".into()),
        ("un SIRET complet".into(), siret(milieu)),
        ("un SIREN (ses établissements)".into(), siret(milieu)[..9].to_string()),
    ]
}

/// Une recherche mesurée seule puis à plusieurs.
pub struct MesureRecherche {
    pub nom: String,
    pub requete: String,
    pub resultats: String,
    pub seul: Mesure,
    pub ensemble: Mesure,
}

pub struct Annuaire {
    pub structures: usize,
    pub import: Duration,
    pub mesures: Vec<MesureRecherche>,
}

fn encoder(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Importe l'export dans le dossier du serveur en marche, puis mesure chaque recherche.
pub async fn mesurer(
    binaire: &Path,
    donnees: &Path,
    session: &mut Session,
    structures: usize,
    clients: usize,
    duree: Duration,
) -> Result<Annuaire, String> {
    let export = tempfile::tempdir().map_err(|e| e.to_string())?;
    eprintln!("Écriture d'un annuaire fictif de {structures} structures…");
    ecrire_export(export.path(), structures)?;
    eprintln!("Import pendant que le serveur tourne…");
    let debut = Instant::now();
    let sortie = tokio::process::Command::new(binaire)
        .arg("import-annuaire")
        .arg(export.path().join("annuaire.csv"))
        .arg("--services")
        .arg(export.path().join("services.csv"))
        .arg("--data")
        .arg(donnees)
        .env_remove("CHORUS_DATA")
        .output()
        .await
        .map_err(|e| format!("import-annuaire : {e}"))?;
    let import = debut.elapsed();
    if !sortie.status.success() {
        return Err(format!("import-annuaire : {}", String::from_utf8_lossy(&sortie.stderr)));
    }
    let cookie = session.entete_cookie().ok_or("pas de cookie de session")?;
    let mut mesures = Vec::new();
    for (nom, requete) in recherches(structures) {
        let chemin = format!("/annuaire?q={}", encoder(&requete));
        let page = session.get(&chemin).await?;
        if page.statut != hyper::StatusCode::OK {
            return Err(format!("{chemin} : {} {}", page.statut, page.extrait()));
        }
        let resultats =
            page.corps.split("<p>").nth(1).and_then(|p| p.split('.').next()).unwrap_or("?").to_string();
        let url = session.url(&chemin);
        charge::mesurer(&url, Some(&cookie), 1, duree.min(Duration::from_secs(1))).await;
        eprintln!("Mesure de « {requete} » : un stagiaire, puis {clients}…");
        let seul = charge::mesurer(&url, Some(&cookie), 1, duree).await;
        let ensemble = charge::mesurer(&url, Some(&cookie), clients, duree).await;
        mesures.push(MesureRecherche { nom, requete, resultats, seul, ensemble });
    }
    Ok(Annuaire { structures, import, mesures })
}
