//! Données de référence communes : l'annuaire des destinataires publics et leurs services,
//! le registre fictif des entreprises, les taux des intérêts moratoires.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::io::Read;

use chorus_domain::annuaire::{EnteteAnnuaire, EnteteServices};
use chorus_domain::delai_paiement::{self, TauxSemestre};
use chorus_domain::saisie::DestinataireConnu;
use chorus_domain::structure::{
    Adresse, Entreprise, ParametresDestinataire, Service, StructurePublique, TypeIdentifiant,
};
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Row, params};
use rust_decimal::Decimal;

use crate::erreur::{Erreur, Resultat};

/// Compte rendu d'un import : les bonnes lignes sont gardées, les mauvaises signalées.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RapportImport {
    pub lignes_lues: usize,
    pub importees: usize,
    /// (numéro de ligne dans le fichier, message), limité aux [`ERREURS_DETAILLEES`] premières.
    pub erreurs: Vec<(usize, String)>,
    pub nombre_erreurs: usize,
}

/// Au-delà, les erreurs sont comptées sans être détaillées (un fichier entièrement faux ne
/// doit pas produire un rapport de plusieurs mégaoctets).
pub const ERREURS_DETAILLEES: usize = 200;

impl RapportImport {
    pub(crate) fn erreur(&mut self, ligne: usize, message: String) {
        self.nombre_erreurs += 1;
        if self.erreurs.len() < ERREURS_DETAILLEES {
            self.erreurs.push((ligne, message));
        }
    }
}

/// Le message d'une ligne refusée, sans le « ligne N : » que le rapport donne déjà à part.
fn sans_numero_de_ligne(e: chorus_domain::Erreur) -> String {
    match e {
        chorus_domain::Erreur::Annuaire { message, .. } => message,
        autre => autre.to_string(),
    }
}

/// Majuscules sans accents : « Hôpital » et « HOPITAL » se trouvent l'un l'autre.
pub fn normaliser(texte: &str) -> String {
    texte
        .chars()
        .flat_map(|c| c.to_uppercase())
        .map(|c| match c {
            'À' | 'Â' | 'Ä' | 'Á' | 'Ã' => 'A',
            'Ç' => 'C',
            'É' | 'È' | 'Ê' | 'Ë' => 'E',
            'Î' | 'Ï' | 'Í' => 'I',
            'Ô' | 'Ö' | 'Ó' | 'Õ' => 'O',
            'Ù' | 'Û' | 'Ü' | 'Ú' => 'U',
            'Ÿ' => 'Y',
            'Œ' => 'O',
            autre => autre,
        })
        .collect()
}

/// Repère les lignes du fichier au passage des octets, pour donner à chaque enregistrement le
/// numéro de la ligne où il commence. Le compteur du lecteur CSV ne suffit pas : il compte à
/// partir de la fin de l'enregistrement précédent, donc avant les lignes vides sautées et
/// avant le `\n` d'une fin de ligne Windows (`\r\n`), et il ignore les fins de ligne `\r`.
struct SuiviLignes<R> {
    source: R,
    /// Position (en octets) du prochain octet lu.
    position: u64,
    /// Numéro de la ligne du prochain octet lu.
    ligne: usize,
    /// La ligne courante a déjà son premier caractère dans `debuts`.
    ligne_commencee: bool,
    /// Le dernier octet lu est un `\r` (le `\n` qui suit éventuellement ne fait pas une ligne de plus).
    apres_cr: bool,
    /// Pour chaque ligne non vide lue et pas encore dépassée : (position de son premier
    /// caractère, numéro de ligne).
    debuts: VecDeque<(u64, usize)>,
}

impl<R: Read> SuiviLignes<R> {
    fn new(source: R) -> Self {
        SuiviLignes {
            source,
            position: 0,
            ligne: 1,
            ligne_commencee: false,
            apres_cr: false,
            debuts: VecDeque::new(),
        }
    }

    /// La ligne d'un enregistrement dont la lecture a commencé à l'octet `debut` : la première
    /// ligne non vide qui commence à partir de là (le lecteur CSV ne saute que des fins de ligne
    /// avant un enregistrement).
    fn ligne_de(&mut self, debut: u64) -> usize {
        while self.debuts.front().is_some_and(|&(p, _)| p < debut) {
            self.debuts.pop_front();
        }
        self.debuts.front().map_or(self.ligne, |&(_, ligne)| ligne)
    }
}

impl<R: Read> Read for SuiviLignes<R> {
    fn read(&mut self, tampon: &mut [u8]) -> std::io::Result<usize> {
        let n = self.source.read(tampon)?;
        for &octet in &tampon[..n] {
            match octet {
                b'\n' => {
                    if !self.apres_cr {
                        self.ligne += 1;
                    }
                    self.ligne_commencee = false;
                    self.apres_cr = false;
                }
                b'\r' => {
                    self.ligne += 1;
                    self.ligne_commencee = false;
                    self.apres_cr = true;
                }
                _ => {
                    self.apres_cr = false;
                    if !self.ligne_commencee {
                        self.ligne_commencee = true;
                        self.debuts.push_back((self.position, self.ligne));
                    }
                }
            }
            self.position += 1;
        }
        Ok(n)
    }
}

/// Parcourt un fichier `;` : `lire_entete` reçoit la première ligne, `traiter` chaque ligne
/// suivante (numéro de ligne dans le fichier, à partir de 1, l'en-tête étant la ligne 1 ;
/// champs). Le fichier peut ne pas être en UTF-8 valide : les octets invalides sont remplacés
/// plutôt que de perdre la ligne. None si le fichier est vide.
pub(crate) fn parcourir_csv<E>(
    source: impl Read,
    lire_entete: impl FnOnce(&[&str]) -> Resultat<E>,
    mut traiter: impl FnMut(&E, usize, &[&str]) -> Resultat<()>,
) -> Resultat<Option<E>> {
    let mut lecteur = csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .flexible(true)
        .from_reader(SuiviLignes::new(source));
    let mut enregistrement = csv::ByteRecord::new();
    let mut lire_entete = Some(lire_entete);
    let mut entete: Option<E> = None;
    while lecteur.read_byte_record(&mut enregistrement)? {
        let debut = enregistrement.position().map_or(0, |p| p.byte());
        let ligne = lecteur.get_mut().ligne_de(debut);
        // Sans copie quand le champ est en UTF-8 valide (le cas courant).
        let champs: Vec<Cow<'_, str>> = enregistrement.iter().map(String::from_utf8_lossy).collect();
        let champs: Vec<&str> = champs.iter().map(|c| c.as_ref()).collect();
        match (&entete, lire_entete.take()) {
            (None, Some(f)) => entete = Some(f(&champs)?),
            (Some(e), _) => {
                if !champs.iter().all(|c| c.trim().is_empty()) {
                    traiter(e, ligne, &champs)?;
                }
            }
            (None, None) => unreachable!("l'en-tête est lu à la première ligne"),
        }
    }
    Ok(entete)
}

/// Importe (ou met à jour) l'annuaire des destinataires depuis un export Chorus Pro.
pub fn importer_annuaire(c: &Connection, source: impl Read) -> Resultat<RapportImport> {
    let rapport = importer_annuaire_sans_index(c, source)?;
    c.execute_batch("DROP TABLE IF EXISTS temp.annuaire_vus;")?;
    reconstruire_index_de_recherche(c)?;
    Ok(rapport)
}

/// L'import lui-même ; les identifiants lus sont notés dans `temp.annuaire_vus`.
fn importer_annuaire_sans_index(c: &Connection, source: impl Read) -> Resultat<RapportImport> {
    c.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS annuaire_vus (identifiant TEXT PRIMARY KEY) WITHOUT ROWID;
                     DELETE FROM temp.annuaire_vus;",
    )?;
    let mut vu = c.prepare("INSERT OR IGNORE INTO temp.annuaire_vus VALUES (?1)")?;
    let mut rapport = RapportImport::default();
    let mut insertion = c.prepare(
        "INSERT OR REPLACE INTO annuaire_structure VALUES
         (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,
          ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25)",
    )?;
    let entete = parcourir_csv(
        source,
        |colonnes| Ok(EnteteAnnuaire::depuis(colonnes)?),
        |entete, ligne, champs| {
            rapport.lignes_lues += 1;
            match entete.lire(ligne, champs) {
                Ok(s) => {
                    let p = &s.parametres;
                    insertion.execute(params![
                        s.identifiant,
                        s.type_identifiant.code_numerique(),
                        s.raison_sociale,
                        normaliser(&s.raison_sociale),
                        p.emetteur_edi,
                        p.recepteur_edi,
                        p.mise_en_paiement_non_remontee,
                        p.engagement_obligatoire,
                        p.code_service_obligatoire,
                        p.service_ou_engagement,
                        p.service_et_engagement,
                        p.est_moa,
                        p.est_moa_uniquement,
                        p.active,
                        s.adresse.adresse,
                        s.adresse.complement1,
                        s.adresse.complement2,
                        s.adresse.code_postal,
                        s.adresse.ville,
                        s.telephone,
                        s.courriel,
                        s.adresse.code_pays,
                        s.adresse.libelle_pays,
                        s.categorie_juridique,
                        s.delai_paiement_jours,
                    ])?;
                    vu.execute([&s.identifiant])?;
                    rapport.importees += 1;
                }
                Err(e) => rapport.erreur(ligne, sans_numero_de_ligne(e)),
            }
            Ok(())
        },
    )?;
    if entete.is_none() {
        return Err(Erreur::Invalide("le fichier d'annuaire est vide (aucun en-tête)".into()));
    }
    Ok(rapport)
}

/// Ce que le remplacement de l'annuaire a fait.
#[derive(Debug, Clone, Default)]
pub struct Remplacement {
    pub annuaire: RapportImport,
    pub services: Option<RapportImport>,
    /// Les structures absentes du nouvel export, retirées avec leurs services.
    pub retirees: usize,
}

/// Remplace l'annuaire par un export plus récent (et ses services), dans la transaction de
/// l'appelant : les lecteurs voient l'ancien annuaire, puis le nouveau, jamais un mélange, et le
/// serveur n'a pas à s'arrêter. Les structures que l'export ne contient plus sont retirées,
/// sauf celles de `garder` (l'annuaire de formation livré, dont les scénarios se servent :
/// `demo::identifiants_de_formation`) ; si des lignes
/// ont été refusées, rien n'est retiré (une structure refusée n'a pas à disparaître).
pub fn remplacer_annuaire(
    c: &Connection,
    annuaire: impl Read,
    services: Option<impl Read>,
    garder: &[String],
) -> Resultat<Remplacement> {
    c.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS annuaire_avant (identifiant TEXT PRIMARY KEY) WITHOUT ROWID;
                     DELETE FROM temp.annuaire_avant;
                     INSERT INTO temp.annuaire_avant SELECT identifiant FROM annuaire_structure;",
    )?;
    let rapport = importer_annuaire_sans_index(c, annuaire)?;
    let services = services.map(|s| importer_services(c, s)).transpose()?;
    let mut retirees = 0;
    if rapport.nombre_erreurs == 0 && services.as_ref().is_none_or(|s| s.nombre_erreurs == 0) {
        // Les identifiants que le fichier vient d'écrire ne sont plus « d'avant ».
        let mut gardee = c.prepare("DELETE FROM temp.annuaire_avant WHERE identifiant = ?1")?;
        for id in garder {
            gardee.execute([id])?;
        }
        retirees = c.execute(
            "DELETE FROM annuaire_structure WHERE identifiant IN (SELECT identifiant FROM temp.annuaire_avant)
               AND identifiant NOT IN (SELECT identifiant FROM temp.annuaire_vus)",
            [],
        )?;
        c.execute(
            "DELETE FROM annuaire_service WHERE identifiant_structure NOT IN (SELECT identifiant FROM annuaire_structure)",
            [],
        )?;
    }
    c.execute_batch("DROP TABLE temp.annuaire_avant; DROP TABLE IF EXISTS temp.annuaire_vus;")?;
    reconstruire_index_de_recherche(c)?;
    Ok(Remplacement { annuaire: rapport, services, retirees })
}

/// L'annuaire des structures publiques au format de l'export de Chorus Pro (séparateur `;`, les
/// colonnes de l'export réel : ni la catégorie juridique ni le délai, aides du simulateur) : ce
/// que [`importer_annuaire`] relit.
pub fn exporter_annuaire(c: &Connection) -> Resultat<Vec<u8>> {
    let mut sortie = csv::WriterBuilder::new().delimiter(b';').from_writer(Vec::new());
    sortie.write_record([
        "TypeIdentifiant",
        "Identifiant",
        "RaisonSociale",
        "EmetteurEdi",
        "RecepteurEdi",
        "GestionStatutMiseEnPaiement",
        "GestionEngagement",
        "GestionService",
        "GestionServiceEngagement",
        "EstMOA",
        "EstMOAUniquement",
        "StructureActive",
        "Adresse",
        "ComplementAdresse1",
        "ComplementAdresse2",
        "CodePostal",
        "Ville",
        "NumTelephone",
        "Courriel",
        "CodePays",
        "LibellePays",
    ])?;
    let mut st = c.prepare(
        "SELECT type_identifiant, identifiant, raison_sociale, emetteur_edi, recepteur_edi,
                mise_en_paiement_non_remontee, engagement_obligatoire, code_service_obligatoire,
                service_ou_engagement, est_moa, est_moa_uniquement, active, adresse, complement1,
                complement2, code_postal, ville, telephone, courriel, code_pays, libelle_pays
         FROM annuaire_structure ORDER BY identifiant",
    )?;
    let mut lignes = st.query([])?;
    let booleen = |b: bool| if b { "true" } else { "false" };
    while let Some(r) = lignes.next()? {
        let mut champs: Vec<String> = vec![r.get::<_, i64>(0)?.to_string(), r.get(1)?, r.get(2)?];
        for i in 3..12 {
            champs.push(booleen(r.get(i)?).to_string());
        }
        for i in 12..21 {
            champs.push(r.get(i)?);
        }
        sortie.write_record(&champs)?;
    }
    sortie.into_inner().map_err(|e| Erreur::Invalide(format!("export de l'annuaire : {e}")))
}

/// Importe (ou met à jour) les services des structures publiques.
pub fn importer_services(c: &Connection, source: impl Read) -> Resultat<RapportImport> {
    let mut rapport = RapportImport::default();
    let mut insertion = c.prepare("INSERT OR REPLACE INTO annuaire_service VALUES (?1, ?2, ?3, ?4, ?5)")?;
    parcourir_csv(
        source,
        |colonnes| Ok(EnteteServices::depuis(colonnes)?),
        |entete, ligne, champs| {
            rapport.lignes_lues += 1;
            match entete.lire(ligne, champs) {
                Ok(s) => {
                    insertion.execute(params![
                        s.identifiant_structure,
                        s.code,
                        s.libelle,
                        s.engagement_obligatoire,
                        s.actif
                    ])?;
                    rapport.importees += 1;
                }
                Err(e) => rapport.erreur(ligne, sans_numero_de_ligne(e)),
            }
            Ok(())
        },
    )?;
    Ok(rapport)
}

/// Importe le registre fictif des entreprises (`sirene-formation.csv`).
pub fn importer_entreprises(c: &Connection, source: impl Read) -> Resultat<RapportImport> {
    let mut rapport = RapportImport::default();
    let mut insertion =
        c.prepare("INSERT OR REPLACE INTO entreprise VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")?;
    parcourir_csv(
        source,
        |_| Ok(()),
        |_, ligne, champs| {
            rapport.lignes_lues += 1;
            // Siret;Siren;RaisonSociale;CategorieJuridique;FormeJuridique;Adresse;CodePostal;Ville;EtablissementActif;Role
            if champs.len() < 10 {
                rapport.erreur(ligne, format!("10 colonnes attendues, {} trouvées", champs.len()));
                return Ok(());
            }
            if let Err(e) = champs[0].parse::<chorus_domain::Siret>() {
                rapport.erreur(ligne, e.to_string());
                return Ok(());
            }
            insertion.execute(params![
                champs[0].trim(),
                champs[2].trim(),
                champs[3].trim(),
                champs[4].trim(),
                champs[5].trim(),
                champs[6].trim(),
                champs[7].trim(),
                champs[8].trim().eq_ignore_ascii_case("true"),
                champs[9].trim(),
            ])?;
            rapport.importees += 1;
            Ok(())
        },
    )?;
    Ok(rapport)
}

/// Importe la table des taux (`DebutSemestre;TauxBCE;TauxInteretsMoratoires;Statut`).
pub fn importer_taux(c: &Connection, source: impl Read) -> Resultat<RapportImport> {
    let mut rapport = RapportImport::default();
    let mut insertion =
        c.prepare("INSERT OR REPLACE INTO taux_interets_moratoires VALUES (?1, ?2, ?3, ?4)")?;
    parcourir_csv(
        source,
        |_| Ok(()),
        |_, ligne, champs| {
            rapport.lignes_lues += 1;
            if champs.len() < 4 {
                rapport.erreur(ligne, format!("4 colonnes attendues, {} trouvées", champs.len()));
                return Ok(());
            }
            match taux_de_la_ligne(champs) {
                Ok(taux) => {
                    let interets = taux.taux_interets().unwrap_or_default();
                    let statut = if taux.a_verifier { "a_verifier" } else { "publie" };
                    insertion.execute(params![
                        taux.debut.to_string(),
                        taux.taux_bce.to_string(),
                        interets.to_string(),
                        statut
                    ])?;
                    rapport.importees += 1;
                }
                Err(message) => rapport.erreur(ligne, message),
            }
            Ok(())
        },
    )?;
    Ok(rapport)
}

/// Une ligne de la table des taux, contrôlée : début de semestre, taux plausible, taux des
/// intérêts égal au taux de la BCE + 8 points (R2192-31), statut connu.
fn taux_de_la_ligne(champs: &[&str]) -> Result<TauxSemestre, String> {
    let debut = NaiveDate::parse_from_str(champs[0].trim(), "%Y-%m-%d")
        .map_err(|_| format!("DebutSemestre « {} » n'est pas une date AAAA-MM-JJ", champs[0].trim()))?;
    let mut taux = delai_paiement::lire_taux(debut, champs[1]).map_err(|e| e.to_string())?;
    let annonce: Option<Decimal> = champs[2].trim().replace(',', ".").parse().ok();
    if annonce != taux.taux_interets() {
        return Err(format!(
            "TauxInteretsMoratoires « {} » : il doit valoir le taux de la BCE + 8 points ({})",
            champs[2].trim(),
            taux.taux_interets().unwrap_or_default()
        ));
    }
    taux.a_verifier = match champs[3].trim() {
        "publie" => false,
        "a_verifier" => true,
        autre => return Err(format!("Statut « {autre} » : publie ou a_verifier attendu")),
    };
    Ok(taux)
}

const COLONNES_STRUCTURE: &str = "identifiant, type_identifiant, raison_sociale, emetteur_edi, recepteur_edi,
    mise_en_paiement_non_remontee, engagement_obligatoire, code_service_obligatoire,
    service_ou_engagement, service_et_engagement, est_moa, est_moa_uniquement, active,
    adresse, complement1, complement2, code_postal, ville, telephone, courriel, code_pays,
    libelle_pays, categorie_juridique, delai_paiement_jours";

fn structure_depuis(r: &Row<'_>) -> rusqlite::Result<StructurePublique> {
    let code_type: u8 = r.get(1)?;
    Ok(StructurePublique {
        identifiant: r.get(0)?,
        type_identifiant: TypeIdentifiant::depuis_code_numerique(&code_type.to_string())
            .unwrap_or(TypeIdentifiant::Siret),
        raison_sociale: r.get(2)?,
        parametres: ParametresDestinataire {
            emetteur_edi: r.get(3)?,
            recepteur_edi: r.get(4)?,
            mise_en_paiement_non_remontee: r.get(5)?,
            engagement_obligatoire: r.get(6)?,
            code_service_obligatoire: r.get(7)?,
            service_ou_engagement: r.get(8)?,
            service_et_engagement: r.get(9)?,
            est_moa: r.get(10)?,
            est_moa_uniquement: r.get(11)?,
            active: r.get(12)?,
        },
        adresse: Adresse {
            adresse: r.get(13)?,
            complement1: r.get(14)?,
            complement2: r.get(15)?,
            code_postal: r.get(16)?,
            ville: r.get(17)?,
            code_pays: r.get(20)?,
            libelle_pays: r.get(21)?,
        },
        telephone: r.get(18)?,
        courriel: r.get(19)?,
        categorie_juridique: r.get(22)?,
        delai_paiement_jours: r.get(23)?,
    })
}

/// Échappe `%`, `_` et `\` pour un motif LIKE (les caractères tapés sont cherchés tels quels).
fn motif_like(texte: &str) -> String {
    let mut m = String::with_capacity(texte.len() + 2);
    m.push('%');
    for c in texte.chars() {
        if matches!(c, '%' | '_' | '\\') {
            m.push('\\');
        }
        m.push(c);
    }
    m.push('%');
    m
}

/// Au-delà de ce nombre de structures trouvées, une recherche n'est pas classée en entier : la
/// réponse dit qu'il y en a plus, et demande de préciser. Choix du simulateur : borne le
/// travail d'une recherche trop large (« de ») sur l'annuaire réel.
pub const RESULTATS_CLASSES_MAX: usize = 500;

/// Une page de résultats de l'annuaire.
#[derive(Debug, Clone, Default)]
pub struct PageAnnuaire {
    pub structures: Vec<StructurePublique>,
    /// Le nombre de structures trouvées, au plus [`RESULTATS_CLASSES_MAX`].
    pub total: usize,
    /// Il y en a plus que [`RESULTATS_CLASSES_MAX`].
    pub plus: bool,
}

/// La requête plein texte d'un texte normalisé, passée en paramètre (le texte tapé n'est
/// jamais lu comme une syntaxe de requête) : des trigrammes de son mot le plus long, entre
/// guillemets (un guillemet doublé), tous exigés ; `None` en deçà de trois caractères. Le mot
/// le plus long est d'ordinaire le plus distinctif (« PONTCOURT » dans « collège public de
/// Pontcourt ») : les mots courants ont des listes immenses dans l'index. Un trigramme sur
/// trois, et le dernier, couvrent le mot ; le texte entier est vérifié ensuite sur chaque ligne.
fn trigrammes(normalise: &str) -> Option<String> {
    let mot =
        normalise.split_whitespace().max_by_key(|m| m.chars().count()).filter(|m| m.chars().count() >= 3);
    let caracteres: Vec<char> = mot.unwrap_or(normalise).chars().collect();
    if caracteres.len() < 3 {
        return None;
    }
    let fenetres: Vec<&[char]> = caracteres.windows(3).collect();
    let mut choisis: Vec<String> = Vec::new();
    for (i, fenetre) in fenetres.iter().enumerate() {
        let t: String = fenetre.iter().collect();
        if (i % 3 == 0 || i + 1 == fenetres.len()) && !choisis.contains(&t) {
            choisis.push(t);
        }
    }
    Some(choisis.iter().map(|t| format!("\"{}\"", t.replace('"', "\"\""))).collect::<Vec<_>>().join(" AND "))
}

/// Rebâtit l'index de recherche par nom et ville depuis l'annuaire (après un import, ou sur un
/// dossier de données d'avant l'index).
pub fn reconstruire_index_de_recherche(c: &Connection) -> Resultat<()> {
    c.execute("DELETE FROM annuaire_recherche", [])?;
    let mut lecture = c.prepare("SELECT identifiant, recherche, ville FROM annuaire_structure")?;
    let mut insertion =
        c.prepare("INSERT INTO annuaire_recherche (identifiant, nom, ville) VALUES (?1, ?2, ?3)")?;
    let mut lignes = lecture.query([])?;
    while let Some(l) = lignes.next()? {
        let (identifiant, nom, ville): (String, String, String) = (l.get(0)?, l.get(1)?, l.get(2)?);
        insertion.execute(params![identifiant, nom, normaliser(&ville)])?;
    }
    Ok(())
}

/// L'index de recherche est-il à bâtir (annuaire présent, index vide) ?
pub fn index_de_recherche_a_batir(c: &Connection) -> Resultat<bool> {
    let vide: bool = c.query_row("SELECT NOT EXISTS (SELECT 1 FROM annuaire_recherche)", [], |r| r.get(0))?;
    Ok(vide && nombre_structures_publiques(c)? > 0)
}

/// Recherche dans l'annuaire : par SIRET (ou son début), par code postal, ou par nom.
pub fn rechercher_annuaire(c: &Connection, requete: &str, limite: usize) -> Resultat<Vec<StructurePublique>> {
    Ok(chercher_dans_l_annuaire(c, requete, 1, limite)?.structures)
}

/// Une page (numérotée à partir de 1) de la recherche dans l'annuaire, classée comme un
/// stagiaire l'attend. Des chiffres : le SIRET exact, puis les SIRET qui commencent ainsi (un
/// SIREN donne ses établissements), puis les structures du code postal. Un texte : les noms qui
/// commencent par les mots tapés, puis ceux qui les contiennent, puis les villes ; par ordre
/// alphabétique dans chaque groupe. Accents et casse ne comptent pas.
pub fn chercher_dans_l_annuaire(
    c: &Connection,
    requete: &str,
    page: usize,
    par_page: usize,
) -> Resultat<PageAnnuaire> {
    let compacte: String = requete.chars().filter(|c| !c.is_whitespace()).collect();
    let par_page = par_page.max(1);
    let debut = page.max(1).saturating_sub(1).saturating_mul(par_page);
    // Les structures trouvées (au plus la borne, plus une pour savoir s'il y en a d'autres) :
    // leur identifiant, leur groupe et leur nom sans accents, classés en mémoire (quelques
    // centaines de lignes au plus) ; puis les seules structures de la page demandée, lues en entier.
    let ligne = |r: &Row<'_>| Ok((r.get::<_, u8>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(0)?));
    let mut trouvees: Vec<(u8, String, String)> = if !compacte.is_empty()
        && compacte.chars().all(|c| c.is_ascii_digit())
    {
        c.prepare_cached(&format!(
            "SELECT identifiant,
                    CASE WHEN identifiant = ?1 THEN 0 WHEN substr(identifiant, 1, length(?1)) = ?1 THEN 1 ELSE 2 END,
                    recherche
             FROM annuaire_structure
             WHERE identifiant >= ?1 AND identifiant < ?1 || ':' OR code_postal = ?1
             LIMIT {}",
            RESULTATS_CLASSES_MAX + 1
        ))?
        .query_map(params![compacte], ligne)?
        .collect::<rusqlite::Result<_>>()?
    } else {
        // Une requête vide liste tout l'annuaire, borné comme le reste. L'index donne les lignes
        // qui ont des trigrammes du texte tapé (la requête plein texte est un paramètre) ; le
        // texte entier est vérifié sur elles. En deçà de trois caractères (« de »), les noms sont
        // parcourus.
        let normalise = normaliser(requete.trim());
        let requete_fts = trigrammes(&normalise);
        let sql = if requete_fts.is_some() {
            format!(
                "SELECT identifiant,
                        CASE WHEN substr(nom, 1, length(?3)) = ?3 THEN 0 WHEN nom LIKE ?2 ESCAPE '\\' THEN 1 ELSE 2 END,
                        nom
                 FROM annuaire_recherche
                 WHERE annuaire_recherche MATCH ?1 AND (nom LIKE ?2 ESCAPE '\\' OR ville LIKE ?2 ESCAPE '\\')
                 LIMIT {}",
                RESULTATS_CLASSES_MAX + 1
            )
        } else {
            format!(
                "SELECT identifiant,
                        CASE WHEN substr(recherche, 1, length(?3)) = ?3 THEN 0 WHEN recherche LIKE ?2 ESCAPE '\\' THEN 1 ELSE 2 END,
                        recherche
                 FROM annuaire_structure
                 WHERE ?1 IS NULL AND (recherche LIKE ?2 ESCAPE '\\' OR ville LIKE ?2 ESCAPE '\\')
                 LIMIT {}",
                RESULTATS_CLASSES_MAX + 1
            )
        };
        c.prepare_cached(&sql)?
            .query_map(params![requete_fts, motif_like(&normalise), normalise], ligne)?
            .collect::<rusqlite::Result<_>>()?
    };
    let plus = trouvees.len() > RESULTATS_CLASSES_MAX;
    trouvees.truncate(RESULTATS_CLASSES_MAX);
    // Par ordre alphabétique sans accents ni casse (le nom normalisé) : « École » avec les E.
    trouvees.sort_unstable();
    let total = trouvees.len();
    let mut structures = Vec::with_capacity(par_page.min(total));
    for (_, _, identifiant) in trouvees.iter().skip(debut).take(par_page) {
        if let Some(s) = structure_publique(c, identifiant)? {
            structures.push(s);
        }
    }
    Ok(PageAnnuaire { structures, total, plus })
}

pub fn structure_publique(c: &Connection, identifiant: &str) -> Resultat<Option<StructurePublique>> {
    Ok(c.prepare_cached(&format!(
        "SELECT {COLONNES_STRUCTURE} FROM annuaire_structure WHERE identifiant = ?1"
    ))?
    .query_row([identifiant], structure_depuis)
    .optional()?)
}

pub fn services(c: &Connection, identifiant: &str) -> Resultat<Vec<Service>> {
    let mut st = c.prepare_cached(
        "SELECT identifiant_structure, code_service, libelle, engagement_obligatoire, actif
         FROM annuaire_service WHERE identifiant_structure = ?1 ORDER BY code_service",
    )?;
    let services = st
        .query_map([identifiant], |r| {
            Ok(Service {
                identifiant_structure: r.get(0)?,
                code: r.get(1)?,
                libelle: r.get(2)?,
                engagement_obligatoire: r.get(3)?,
                actif: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(services)
}

/// Le destinataire et ses services, pour les contrôles de saisie.
pub fn destinataire(c: &Connection, identifiant: &str) -> Resultat<Option<DestinataireConnu>> {
    let Some(structure) = structure_publique(c, identifiant)? else {
        return Ok(None);
    };
    let services = services(c, identifiant)?;
    Ok(Some(DestinataireConnu { structure, services }))
}

pub fn nombre_structures_publiques(c: &Connection) -> Resultat<usize> {
    Ok(c.query_row("SELECT count(*) FROM annuaire_structure", [], |r| r.get::<_, i64>(0))? as usize)
}

pub fn entreprise(c: &Connection, siret: &str) -> Resultat<Option<Entreprise>> {
    Ok(c.prepare_cached(
        "SELECT siret, raison_sociale, categorie_juridique, forme_juridique, adresse, code_postal, ville, active, role
         FROM entreprise WHERE siret = ?1",
    )?
    .query_row([siret], |r| {
        Ok(Entreprise {
            siret: r.get(0)?,
            raison_sociale: r.get(1)?,
            categorie_juridique: r.get(2)?,
            forme_juridique: r.get(3)?,
            adresse: r.get(4)?,
            code_postal: r.get(5)?,
            ville: r.get(6)?,
            active: r.get(7)?,
            role: r.get(8)?,
        })
    })
    .optional()?)
}

/// Les entreprises des stagiaires du registre fictif, dans l'ordre du fichier.
pub fn entreprises_stagiaires(c: &Connection) -> Resultat<Vec<Entreprise>> {
    let mut st =
        c.prepare("SELECT siret FROM entreprise WHERE role = 'stagiaire' AND active ORDER BY rowid")?;
    let sirets = st.query_map([], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
    let mut v = Vec::new();
    for s in sirets {
        if let Some(e) = entreprise(c, &s)? {
            v.push(e);
        }
    }
    Ok(v)
}
