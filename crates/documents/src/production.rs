//! Une mise en page simple et réutilisable : titre, intertitres, paragraphes, fiches
//! libellé-valeur et tableaux, coupés en lignes et en pages, sur du A4.
//!
//! Les polices sont Helvetica et Helvetica-Bold, deux des 14 polices standard que tout lecteur
//! PDF possède : rien à embarquer, et le codage WinAnsi couvre les accents français, « », œ, €.
//! Chaque page porte sa pagination en pied et, sauf pour un document de formation réel, la
//! mention du simulateur en tête.

use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Document, Object, Stream, StringFormat, dictionary};

use crate::erreur::Erreur;
use crate::metriques::{self, octet_winansi};

/// A4 en points.
pub(crate) const LARGEUR_PAGE: f32 = 595.28;
pub(crate) const HAUTEUR_PAGE: f32 = 841.89;
const MARGE: f32 = 50.0;
const HAUT: f32 = HAUTEUR_PAGE - 64.0;
const BAS: f32 = 52.0;
const LARGEUR_UTILE: f32 = LARGEUR_PAGE - 2.0 * MARGE;
const CORPS: f32 = 10.0;
const CORPS_TABLEAU: f32 = 9.0;
const MARGE_CELLULE: f32 = 4.0;

const MENTION_SIMULATEUR: &str =
    "SIMULATEUR DE FORMATION — document fictif, sans valeur, produit par le simulateur Chorus Pro";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Police {
    Normale,
    Grasse,
}

impl Police {
    fn nom(self) -> &'static str {
        match self {
            Police::Normale => "F1",
            Police::Grasse => "F2",
        }
    }

    fn chasses(self) -> &'static [u16; 256] {
        match self {
            Police::Normale => &metriques::HELVETICA,
            Police::Grasse => &metriques::HELVETICA_GRAS,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Alignement {
    #[default]
    Gauche,
    /// Pour les montants.
    Droite,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Colonne {
    pub entete: String,
    /// Part de la largeur du tableau (les parts sont rapportées à leur somme).
    pub part: f32,
    pub alignement: Alignement,
}

impl Colonne {
    pub fn new(entete: &str, part: f32) -> Colonne {
        Colonne { entete: entete.to_string(), part, alignement: Alignement::Gauche }
    }

    pub fn a_droite(mut self) -> Colonne {
        self.alignement = Alignement::Droite;
        self
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Tableau {
    pub colonnes: Vec<Colonne>,
    /// Une cellule manquante est vide ; une cellule en trop est ignorée.
    pub lignes: Vec<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq)]
enum Bloc {
    Titre(String),
    Intertitre(String),
    Paragraphe(String, Police),
    Fiche(Vec<(String, String)>),
    Tableau(Tableau),
    Espace(f32),
    SautDePage,
    Signatures(Vec<String>),
}

/// Un document à produire : on empile des blocs, puis [`DocumentPdf::produire`] les met en page.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentPdf {
    titre: String,
    blocs: Vec<Bloc>,
    mention_simulateur: bool,
}

impl DocumentPdf {
    /// `titre` va dans les propriétés du fichier et en pied de chaque page ; il n'est pas
    /// affiché en tête (voir [`DocumentPdf::titre`]). Chaque page porte la mention du
    /// simulateur, sauf [`DocumentPdf::document_de_formation`].
    pub fn nouveau(titre: &str) -> DocumentPdf {
        DocumentPdf { titre: titre.to_string(), blocs: Vec::new(), mention_simulateur: true }
    }

    /// Un vrai document de la formation (feuille d'émargement, attestation) : l'organisme le
    /// signe, le garde et le remet au financeur ; il ne dit donc pas « fictif, sans valeur ».
    /// Les documents qui imitent Chorus Pro (certificat de dépôt, pièces d'un exercice) gardent
    /// la mention, pour n'être jamais pris pour de vrais.
    pub fn document_de_formation(mut self) -> Self {
        self.mention_simulateur = false;
        self
    }

    /// Le grand titre du document.
    pub fn titre(mut self, texte: &str) -> Self {
        self.blocs.push(Bloc::Titre(texte.to_string()));
        self
    }

    pub fn intertitre(mut self, texte: &str) -> Self {
        self.blocs.push(Bloc::Intertitre(texte.to_string()));
        self
    }

    /// Un paragraphe, coupé à la largeur de la page ; un saut de ligne dans le texte est gardé.
    pub fn paragraphe(mut self, texte: &str) -> Self {
        self.blocs.push(Bloc::Paragraphe(texte.to_string(), Police::Normale));
        self
    }

    pub fn paragraphe_gras(mut self, texte: &str) -> Self {
        self.blocs.push(Bloc::Paragraphe(texte.to_string(), Police::Grasse));
        self
    }

    /// Des paires libellé-valeur, libellés en gras à gauche.
    pub fn fiche<L: AsRef<str>, V: AsRef<str>>(mut self, paires: &[(L, V)]) -> Self {
        self.blocs.push(Bloc::Fiche(
            paires.iter().map(|(l, v)| (l.as_ref().to_string(), v.as_ref().to_string())).collect(),
        ));
        self
    }

    pub fn tableau(mut self, tableau: Tableau) -> Self {
        self.blocs.push(Bloc::Tableau(tableau));
        self
    }

    /// La suite commence en haut d'une nouvelle page (un document par page : une attestation
    /// par stagiaire, une feuille par demi-journée).
    pub fn saut_de_page(mut self) -> Self {
        self.blocs.push(Bloc::SautDePage);
        self
    }

    /// Des cadres vides côte à côte, chacun sous son libellé (« Signature du formateur ») :
    /// la place de signatures à la main sur le document imprimé.
    pub fn signatures(mut self, libelles: &[&str]) -> Self {
        self.blocs.push(Bloc::Signatures(libelles.iter().map(|l| l.to_string()).collect()));
        self
    }

    /// Un blanc vertical, en points.
    pub fn espace(mut self, points: f32) -> Self {
        self.blocs.push(Bloc::Espace(points));
        self
    }

    /// Le fichier PDF.
    pub fn produire(&self) -> Result<Vec<u8>, Erreur> {
        assembler(&self.titre, self.pages())
    }

    /// Le même document en PDF/A-3b : polices embarquées, profil de couleur, métadonnées XMP,
    /// daté de `date` (la date du bac à sable). C'est la base d'une facture Factur-X, à laquelle
    /// le XML est joint ensuite.
    pub fn produire_pdfa3(&self, date: chrono::NaiveDate) -> Result<Vec<u8>, Erreur> {
        crate::archivable::assembler(&self.titre, self.pages(), date)
    }

    /// Chaque page mise en page, avec son en-tête (la mention, s'il y en a une) et son pied.
    fn pages(&self) -> Vec<Vec<Trace>> {
        let mut mise = Mise::default();
        mise.nouvelle_page();
        for bloc in &self.blocs {
            mise.bloc(bloc);
        }
        let mention = self.mention_simulateur.then_some(MENTION_SIMULATEUR);
        let total = mise.pages.len();
        mise.pages
            .into_iter()
            .enumerate()
            .map(|(i, corps)| {
                let mut page = Mise::default();
                page.nouvelle_page();
                page.traces().push(Trace::Gris(0.35));
                if let Some(m) = mention {
                    page.texte(MARGE, HAUTEUR_PAGE - 36.0, Police::Grasse, 8.0, m);
                }
                let pied = format!("Page {} / {total}", i + 1);
                let x_pied = LARGEUR_PAGE - MARGE - largeur(&pied, Police::Normale, 8.0);
                page.texte(x_pied, 30.0, Police::Normale, 8.0, &pied);
                let titre_pied = couper(&self.titre, Police::Normale, 8.0, LARGEUR_UTILE - 80.0);
                if let Some(t) = titre_pied.first() {
                    page.texte(MARGE, 30.0, Police::Normale, 8.0, t);
                }
                page.traces().push(Trace::Gris(0.0));
                let mut traces = page.pages.remove(0);
                traces.extend(corps);
                traces
            })
            .collect()
    }
}

/// Ce qu'un texte devient dans le PDF : ses octets WinAnsi (un caractère absent du codage
/// devient « ? », les caractères de contrôle des espaces).
pub(crate) fn encoder(texte: &str) -> Vec<u8> {
    texte.chars().map(|c| if c.is_control() { b' ' } else { octet_winansi(c).unwrap_or(b'?') }).collect()
}

fn largeur(texte: &str, police: Police, corps: f32) -> f32 {
    let chasses = police.chasses();
    let milliemes: u32 = encoder(texte).iter().map(|o| u32::from(chasses[usize::from(*o)])).sum();
    milliemes as f32 * corps / 1000.0
}

/// Coupe un texte en lignes d'au plus `largeur_max` points : aux espaces, et au milieu d'un
/// mot trop long pour tenir seul sur une ligne (un IBAN, une adresse).
fn couper(texte: &str, police: Police, corps: f32, largeur_max: f32) -> Vec<String> {
    let mut lignes = Vec::new();
    for paragraphe in texte.split('\n') {
        let mut courante = String::new();
        for mot in paragraphe.split(' ').filter(|m| !m.is_empty()) {
            let essai = if courante.is_empty() { mot.to_string() } else { format!("{courante} {mot}") };
            if largeur(&essai, police, corps) <= largeur_max {
                courante = essai;
                continue;
            }
            if !courante.is_empty() {
                lignes.push(std::mem::take(&mut courante));
            }
            for c in mot.chars() {
                courante.push(c);
                if largeur(&courante, police, corps) > largeur_max && courante.chars().count() > 1 {
                    courante.pop();
                    lignes.push(std::mem::take(&mut courante));
                    courante.push(c);
                }
            }
        }
        lignes.push(courante);
    }
    lignes
}

fn interligne(corps: f32) -> f32 {
    corps * 1.3
}

/// Ce qu'une page dessine, dans l'ordre : la mise en page le décide une fois, et chaque sortie
/// (PDF simple en Helvetica, PDF/A-3 aux polices embarquées) le traduit.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Trace {
    /// Un texte dont la ligne de base commence en (`x`, `y`), repère PDF (origine en bas à gauche).
    Texte { x: f32, y: f32, police: Police, corps: f32, texte: String },
    /// Un rectangle tracé d'un filet de 0,5 pt, rempli d'un gris (0 noir, 1 blanc) s'il en a un.
    Cadre { x: f32, y: f32, l: f32, h: f32, fond: Option<f32> },
    /// Le gris des textes qui suivent.
    Gris(f32),
}

#[derive(Default)]
struct Mise {
    pages: Vec<Vec<Trace>>,
    y: f32,
}

impl Mise {
    fn nouvelle_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = HAUT;
    }

    /// Passe à la page suivante si `hauteur` ne tient plus sur celle-ci.
    fn reserver(&mut self, hauteur: f32) {
        if self.y - hauteur < BAS && self.y < HAUT {
            self.nouvelle_page();
        }
    }

    fn traces(&mut self) -> &mut Vec<Trace> {
        if self.pages.is_empty() {
            self.nouvelle_page();
        }
        let n = self.pages.len() - 1;
        &mut self.pages[n]
    }

    fn texte(&mut self, x: f32, ligne_de_base: f32, police: Police, corps: f32, texte: &str) {
        let texte = texte.to_string();
        self.traces().push(Trace::Texte { x, y: ligne_de_base, police, corps, texte });
    }

    fn cadre(&mut self, x: f32, y: f32, l: f32, h: f32, fond: Option<f32>) {
        self.traces().push(Trace::Cadre { x, y, l, h, fond });
    }

    fn lignes_de_texte(&mut self, lignes: &[String], police: Police, corps: f32) {
        for l in lignes {
            self.reserver(interligne(corps));
            let base = self.y - corps;
            self.texte(MARGE, base, police, corps, l);
            self.y -= interligne(corps);
        }
    }

    fn bloc(&mut self, bloc: &Bloc) {
        match bloc {
            Bloc::Titre(t) => {
                let lignes = couper(t, Police::Grasse, 18.0, LARGEUR_UTILE);
                self.lignes_de_texte(&lignes, Police::Grasse, 18.0);
                self.y -= 8.0;
            }
            Bloc::Intertitre(t) => {
                // Un intertitre ne reste pas seul en bas de page.
                self.reserver(interligne(13.0) + 10.0 + 3.0 * interligne(CORPS));
                self.y -= 10.0;
                let lignes = couper(t, Police::Grasse, 13.0, LARGEUR_UTILE);
                self.lignes_de_texte(&lignes, Police::Grasse, 13.0);
                self.y -= 3.0;
            }
            Bloc::Paragraphe(t, police) => {
                let lignes = couper(t, *police, CORPS, LARGEUR_UTILE);
                self.lignes_de_texte(&lignes, *police, CORPS);
                self.y -= 5.0;
            }
            Bloc::Fiche(paires) => {
                let l_libelle = LARGEUR_UTILE * 0.36;
                let l_valeur = LARGEUR_UTILE - l_libelle - 8.0;
                for (libelle, valeur) in paires {
                    let gauche = couper(libelle, Police::Grasse, CORPS, l_libelle);
                    let droite = couper(valeur, Police::Normale, CORPS, l_valeur);
                    let n = gauche.len().max(droite.len());
                    self.reserver(n as f32 * interligne(CORPS));
                    for i in 0..n {
                        let base = self.y - CORPS - i as f32 * interligne(CORPS);
                        if let Some(t) = gauche.get(i) {
                            self.texte(MARGE, base, Police::Grasse, CORPS, t);
                        }
                        if let Some(t) = droite.get(i) {
                            self.texte(MARGE + l_libelle + 8.0, base, Police::Normale, CORPS, t);
                        }
                    }
                    self.y -= n as f32 * interligne(CORPS) + 2.0;
                }
                self.y -= 5.0;
            }
            Bloc::Tableau(t) => self.tableau(t),
            Bloc::Espace(p) => self.y -= p.clamp(0.0, HAUT - BAS),
            Bloc::SautDePage => {
                if self.y < HAUT {
                    self.nouvelle_page();
                }
            }
            Bloc::Signatures(libelles) => self.signatures(libelles),
        }
    }

    fn signatures(&mut self, libelles: &[String]) {
        if libelles.is_empty() {
            return;
        }
        const ECART: f32 = 16.0;
        const HAUTEUR_CADRE: f32 = 70.0;
        let n = libelles.len() as f32;
        let l = (LARGEUR_UTILE - ECART * (n - 1.0)) / n;
        let lignes: Vec<Vec<String>> = libelles.iter().map(|t| couper(t, Police::Grasse, CORPS, l)).collect();
        let hauteur_libelles = lignes.iter().map(Vec::len).max().unwrap_or(1) as f32 * interligne(CORPS);
        self.reserver(hauteur_libelles + HAUTEUR_CADRE + 6.0);
        for (i, texte) in lignes.iter().enumerate() {
            let x = MARGE + i as f32 * (l + ECART);
            for (k, ligne) in texte.iter().enumerate() {
                self.texte(x, self.y - CORPS - k as f32 * interligne(CORPS), Police::Grasse, CORPS, ligne);
            }
            self.cadre(x, self.y - hauteur_libelles - 4.0 - HAUTEUR_CADRE, l, HAUTEUR_CADRE, None);
        }
        self.y -= hauteur_libelles + HAUTEUR_CADRE + 14.0;
    }

    fn tableau(&mut self, t: &Tableau) {
        if t.colonnes.is_empty() {
            return;
        }
        let somme: f32 = t.colonnes.iter().map(|c| c.part.max(0.01)).sum();
        let largeurs: Vec<f32> =
            t.colonnes.iter().map(|c| c.part.max(0.01) / somme * LARGEUR_UTILE).collect();
        let entetes: Vec<String> = t.colonnes.iter().map(|c| c.entete.clone()).collect();
        self.reserver(2.0 * (interligne(CORPS_TABLEAU) + 2.0 * MARGE_CELLULE));
        self.rangee(&entetes, &largeurs, &t.colonnes, Police::Grasse);
        for ligne in &t.lignes {
            let hauteur = self.hauteur_rangee(ligne, &largeurs, Police::Normale);
            if self.y - hauteur < BAS {
                // L'en-tête est répété en haut de la page suivante.
                self.nouvelle_page();
                self.rangee(&entetes, &largeurs, &t.colonnes, Police::Grasse);
            }
            self.rangee(ligne, &largeurs, &t.colonnes, Police::Normale);
        }
        self.y -= 8.0;
    }

    fn hauteur_rangee(&self, cellules: &[String], largeurs: &[f32], police: Police) -> f32 {
        let n = largeurs
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let texte = cellules.get(i).map(String::as_str).unwrap_or("");
                couper(texte, police, CORPS_TABLEAU, l - 2.0 * MARGE_CELLULE).len()
            })
            .max()
            .unwrap_or(1);
        n as f32 * interligne(CORPS_TABLEAU) + 2.0 * MARGE_CELLULE
    }

    fn rangee(&mut self, cellules: &[String], largeurs: &[f32], colonnes: &[Colonne], police: Police) {
        let hauteur = self.hauteur_rangee(cellules, largeurs, police);
        let fond = (police == Police::Grasse).then_some(0.9);
        let mut x = MARGE;
        for (i, l) in largeurs.iter().enumerate() {
            self.cadre(x, self.y - hauteur, *l, hauteur, fond);
            let texte = cellules.get(i).map(String::as_str).unwrap_or("");
            let lignes = couper(texte, police, CORPS_TABLEAU, l - 2.0 * MARGE_CELLULE);
            for (k, ligne) in lignes.iter().enumerate() {
                let base =
                    self.y - MARGE_CELLULE - CORPS_TABLEAU - k as f32 * interligne(CORPS_TABLEAU) + 1.5;
                let gauche = match colonnes[i].alignement {
                    Alignement::Gauche => x + MARGE_CELLULE,
                    Alignement::Droite => x + l - MARGE_CELLULE - largeur(ligne, police, CORPS_TABLEAU),
                };
                self.texte(gauche, base, police, CORPS_TABLEAU, ligne);
            }
            x += l;
        }
        self.y -= hauteur;
    }
}

/// Une chaîne de texte des propriétés du fichier : UTF-16 avec sa marque d'ordre.
fn texte_pdf(texte: &str) -> Object {
    let mut octets = vec![0xFE, 0xFF];
    for unite in texte.encode_utf16() {
        octets.extend(unite.to_be_bytes());
    }
    Object::String(octets, StringFormat::Hexadecimal)
}

fn police(nom: &str) -> Dictionary {
    dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => nom,
        "Encoding" => "WinAnsiEncoding",
    }
}

/// Les tracés d'une page en opérations PDF.
fn operations(traces: Vec<Trace>) -> Vec<Operation> {
    let mut ops = Vec::new();
    for t in traces {
        match t {
            Trace::Texte { x, y, police, corps, texte } => ops.extend([
                Operation::new("BT", vec![]),
                Operation::new("Tf", vec![police.nom().into(), corps.into()]),
                Operation::new("Td", vec![x.into(), y.into()]),
                Operation::new("Tj", vec![Object::String(encoder(&texte), StringFormat::Literal)]),
                Operation::new("ET", vec![]),
            ]),
            Trace::Cadre { x, y, l, h, fond } => {
                ops.push(Operation::new("w", vec![0.5.into()]));
                if let Some(gris) = fond {
                    ops.push(Operation::new("g", vec![gris.into()]));
                    ops.push(Operation::new("re", vec![x.into(), y.into(), l.into(), h.into()]));
                    ops.push(Operation::new("f", vec![]));
                    ops.push(Operation::new("g", vec![0.into()]));
                }
                ops.push(Operation::new("re", vec![x.into(), y.into(), l.into(), h.into()]));
                ops.push(Operation::new("S", vec![]));
            }
            Trace::Gris(g) => ops.push(Operation::new("g", vec![g.into()])),
        }
    }
    ops
}

/// Écrit le fichier, en Helvetica (non embarquée : tout lecteur PDF la possède).
fn assembler(titre: &str, pages: Vec<Vec<Trace>>) -> Result<Vec<u8>, Erreur> {
    let mut doc = Document::with_version("1.7");
    let id_pages = doc.new_object_id();
    let f1 = doc.add_object(police("Helvetica"));
    let f2 = doc.add_object(police("Helvetica-Bold"));
    let ressources = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => f1, "F2" => f2 } });
    let total = pages.len();
    let mut enfants = Vec::with_capacity(total);
    for traces in pages {
        let contenu = Content { operations: operations(traces) }.encode()?;
        let id_contenu = doc.add_object(Stream::new(dictionary! {}, contenu));
        let page = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => id_pages,
            "Contents" => id_contenu,
        });
        enfants.push(Object::Reference(page));
    }
    doc.objects.insert(
        id_pages,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => enfants,
            "Count" => i64::try_from(total).unwrap_or(i64::MAX),
            "Resources" => ressources,
            "MediaBox" => vec![0.into(), 0.into(), LARGEUR_PAGE.into(), HAUTEUR_PAGE.into()],
        }),
    );
    let catalogue = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => id_pages });
    doc.trailer.set("Root", catalogue);
    let infos = doc.add_object(dictionary! {
        "Title" => texte_pdf(titre),
        "Producer" => texte_pdf("Simulateur Chorus Pro (formation)"),
    });
    doc.trailer.set("Info", infos);
    doc.compress();
    let mut octets = Vec::new();
    doc.save_to(&mut octets).map_err(|e| Erreur::Production(e.to_string()))?;
    Ok(octets)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Le texte d'un PDF produit, relu par la même bibliothèque qu'un lecteur quelconque.
    pub(crate) fn texte_du_pdf(octets: &[u8]) -> String {
        let doc = Document::load_mem(octets).expect("PDF relisible");
        let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
        doc.extract_text(&pages).expect("texte extractible").replace('\u{a0}', " ")
    }

    #[test]
    fn un_document_se_relit_avec_ses_accents() {
        let pdf = DocumentPdf::nouveau("Essai « accentué »")
            .titre("Attestation de présence")
            .paragraphe("Élève : Zoé Lœuvre — coût 1\u{202f}234,56 € ; « guillemets » et l'apostrophe’")
            .fiche(&[("Numéro", "FA-2026-001"), ("Déposée le", "22/11/2026")])
            .tableau(Tableau {
                colonnes: vec![Colonne::new("Désignation", 3.0), Colonne::new("Montant", 1.0).a_droite()],
                lignes: vec![vec!["Entretien des espaces verts".into(), "300,00 €".into()]],
            })
            .produire()
            .expect("produit");
        assert!(pdf.starts_with(b"%PDF-1.7"));
        let texte = texte_du_pdf(&pdf);
        for attendu in [
            "Attestation de présence",
            "Zoé Lœuvre",
            "1 234,56 €",
            "« guillemets »",
            "apostrophe’",
            "FA-2026-001",
            "Déposée le",
            "Entretien des espaces verts",
            "300,00 €",
            "SIMULATEUR DE FORMATION",
            "Page 1 / 1",
        ] {
            assert!(texte.contains(attendu), "« {attendu} » absent de :\n{texte}");
        }
        crate::controle::verifier_pdf(&pdf).expect("le simulateur accepte ses propres PDF");
    }

    #[test]
    fn un_document_de_formation_n_a_pas_la_mention_du_simulateur() {
        let doc = DocumentPdf::nouveau("Attestation").titre("Attestation de présence");
        assert!(texte_du_pdf(&doc.clone().produire().unwrap()).contains("SIMULATEUR DE FORMATION"));
        let texte = texte_du_pdf(&doc.document_de_formation().produire().unwrap());
        assert!(texte.contains("Attestation de présence") && texte.contains("Page 1 / 1"), "{texte}");
        assert!(!texte.contains("SIMULATEUR") && !texte.contains("fictif"), "{texte}");
    }

    #[test]
    fn un_long_tableau_continue_sur_d_autres_pages() {
        let lignes = (1..=120).map(|i| vec![format!("Ligne {i}"), format!("{i},00 €")]).collect();
        let pdf = DocumentPdf::nouveau("Long")
            .titre("Long")
            .tableau(Tableau {
                colonnes: vec![Colonne::new("Désignation", 3.0), Colonne::new("Montant", 1.0).a_droite()],
                lignes,
            })
            .produire()
            .expect("produit");
        let doc = Document::load_mem(&pdf).expect("relisible");
        let n = doc.get_pages().len();
        assert!(n >= 3, "{n} page(s)");
        let texte = texte_du_pdf(&pdf);
        assert!(texte.contains("Ligne 120"));
        assert!(texte.contains(&format!("Page {n} / {n}")));
        // L'en-tête du tableau est répété sur chaque page.
        assert_eq!(texte.matches("Désignation").count(), n);
    }

    #[test]
    fn sauts_de_page_et_cadres_de_signature() {
        let pdf = DocumentPdf::nouveau("Deux pages")
            .titre("Première")
            .signatures(&["Signature du formateur", "Cachet de l'organisme"])
            .saut_de_page()
            .saut_de_page()
            .titre("Seconde")
            .produire()
            .expect("produit");
        let doc = Document::load_mem(&pdf).expect("relisible");
        assert_eq!(doc.get_pages().len(), 2, "un saut de page en haut de page n'en ajoute pas");
        let texte = texte_du_pdf(&pdf);
        assert!(texte.contains("Cachet de l'organisme"));
        assert!(texte.contains("Page 2 / 2"));
    }

    #[test]
    fn coupe_les_lignes_a_la_largeur() {
        let mot = "x".repeat(400);
        let lignes = couper(&format!("court {mot} fin"), Police::Normale, 10.0, 100.0);
        assert!(lignes.len() > 3);
        for l in &lignes {
            assert!(largeur(l, Police::Normale, 10.0) <= 100.0, "{l}");
        }
        assert_eq!(couper("a\nb", Police::Normale, 10.0, 100.0), vec!["a", "b"]);
        assert_eq!(encoder("€œ\t→"), vec![0x80, 0x9C, b' ', b'?']);
    }
}
