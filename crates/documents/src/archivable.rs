//! La sortie PDF/A-3b des documents : la même mise en page que [`crate::production`], écrite
//! par `krilla` avec ses polices embarquées (Liberation Sans, dont les chasses sont celles
//! d'Helvetica : les coupures de ligne et les montants alignés à droite tombent au même
//! endroit), un profil de couleur et les métadonnées XMP que la norme exige. `krilla` vérifie
//! la conformité PDF/A-3b en écrivant le fichier et refuse ce qui ne l'est pas.
//!
//! C'est le support d'une facture Factur-X : le XML CII y est joint ensuite (crate des flux).

use chrono::Datelike;
use krilla::Document;
use krilla::SerializeSettings;
use krilla::color::luma;
use krilla::configure::{Archival, ConfigurationBuilder};
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::{DateTime, Metadata};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, TextDirection};

use crate::erreur::Erreur;
use crate::metriques::octet_winansi;
use crate::production::{HAUTEUR_PAGE, LARGEUR_PAGE, Police, Trace};

static LIBERATION: &[u8] = include_bytes!("../../../assets/polices/LiberationSans-Regular.ttf");
static LIBERATION_GRAS: &[u8] = include_bytes!("../../../assets/polices/LiberationSans-Bold.ttf");

/// Écrit les pages en PDF/A-3b, daté de `date`.
pub(crate) fn assembler(
    titre: &str,
    pages: Vec<Vec<Trace>>,
    date: chrono::NaiveDate,
) -> Result<Vec<u8>, Erreur> {
    let echec = |quoi: &str| Erreur::Production(format!("PDF/A-3 : {quoi}"));
    let normale = Font::new(LIBERATION.into(), 0).ok_or_else(|| echec("police illisible"))?;
    let grasse = Font::new(LIBERATION_GRAS.into(), 0).ok_or_else(|| echec("police grasse illisible"))?;
    let configuration = ConfigurationBuilder::new()
        .with_archival_validator(Archival::A3_B)
        .finish()
        .map_err(|e| echec(&format!("{e:?}")))?;
    let reglages = SerializeSettings { configuration, ..SerializeSettings::default() };
    let mut doc = Document::new_with(reglages);
    let jour = DateTime::new(u16::try_from(date.year()).unwrap_or(2026))
        .month(u8::try_from(date.month()).unwrap_or(1))
        .day(u8::try_from(date.day()).unwrap_or(1));
    doc.set_metadata(
        Metadata::new()
            .title(titre.to_string())
            .language("fr".to_string())
            .creator("Simulateur Chorus Pro (formation)".to_string())
            .creation_date(jour),
    );
    let format = PageSettings::from_wh(LARGEUR_PAGE, HAUTEUR_PAGE).ok_or_else(|| echec("format de page"))?;
    for traces in pages {
        let mut page = doc.start_page_with(format.clone());
        let mut surface = page.surface();
        let mut gris = 0.0_f32;
        for t in traces {
            match t {
                Trace::Texte { x, y, police, corps, texte } => {
                    let police = if police == Police::Grasse { grasse.clone() } else { normale.clone() };
                    surface.set_fill(Some(remplissage(gris)));
                    // krilla compte les ordonnées depuis le haut de la page.
                    let depart = Point::from_xy(x, HAUTEUR_PAGE - y);
                    surface.draw_text(depart, police, corps, &lisible(&texte), false, TextDirection::Auto);
                }
                Trace::Cadre { x, y, l, h, fond } => {
                    let Some(rectangle) = Rect::from_xywh(x, HAUTEUR_PAGE - y - h, l, h) else { continue };
                    let mut chemin = PathBuilder::new();
                    chemin.push_rect(rectangle);
                    let Some(chemin) = chemin.finish() else { continue };
                    surface.set_fill(fond.map(remplissage));
                    surface.set_stroke(Some(Stroke { width: 0.5, ..Stroke::default() }));
                    surface.draw_path(&chemin);
                    surface.set_stroke(None);
                }
                Trace::Gris(g) => gris = g,
            }
        }
        surface.finish();
        page.finish();
    }
    doc.finish().map_err(|e| echec(&format!("{e:?}")))
}

fn remplissage(gris: f32) -> Fill {
    let niveau = (gris.clamp(0.0, 1.0) * 255.0).round() as u8;
    Fill { paint: luma::Color::new(niveau).into(), opacity: NormalizedF32::ONE, ..Fill::default() }
}

/// Le texte tel que la sortie Helvetica l'écrit (le jeu WinAnsi, « ? » pour le reste) : les
/// deux sorties disent la même chose, et aucun glyphe manquant ne rend le fichier non conforme.
fn lisible(texte: &str) -> String {
    texte
        .chars()
        .map(|c| {
            if c.is_control() {
                return ' ';
            }
            match octet_winansi(c) {
                // Les espaces fines (celles des montants) s'écrivent en espace insécable, comme
                // dans la sortie Helvetica.
                Some(0xA0) => '\u{A0}',
                Some(_) => c,
                None => '?',
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::production::{Colonne, DocumentPdf, Tableau};

    #[test]
    fn un_document_pdfa3_declare_sa_conformite_et_embarque_ses_polices() {
        let pdf = DocumentPdf::nouveau("Facture n° F-1 « essai »")
            .titre("Facture n° F-1")
            .fiche(&[("Montant", "1\u{202f}200,00 €"), ("Flèche", "→ remplacée")])
            .tableau(Tableau {
                colonnes: vec![Colonne::new("Désignation", 3.0), Colonne::new("Montant HT", 1.0).a_droite()],
                lignes: vec![vec!["Journée de formation œuvre".into(), "1 000,00".into()]],
            })
            .produire_pdfa3(chrono::NaiveDate::from_ymd_opt(2026, 12, 5).expect("date"))
            .expect("PDF/A-3");
        let doc = lopdf::Document::load_mem(&pdf).expect("relu");
        let catalogue = doc.catalog().expect("catalogue");
        let xmp = doc
            .get_object(catalogue.get(b"Metadata").and_then(lopdf::Object::as_reference).expect("XMP"))
            .and_then(lopdf::Object::as_stream)
            .expect("flux XMP");
        let xmp = String::from_utf8_lossy(&xmp.content);
        assert!(xmp.contains("<pdfaid:part>3</pdfaid:part>"), "{xmp}");
        assert!(xmp.contains("<pdfaid:conformance>B</pdfaid:conformance>"), "{xmp}");
        assert!(catalogue.has(b"OutputIntents"), "profil de couleur absent");
        let polices_embarquees = doc
            .objects
            .values()
            .filter_map(|o| o.as_dict().ok())
            .filter(|d| d.has(b"FontFile2") || d.has(b"FontFile3"))
            .count();
        assert!(polices_embarquees >= 2, "polices non embarquées ({polices_embarquees})");
        let texte = doc.extract_text(&[1]).expect("texte");
        for attendu in ["Facture n° F-1", "1\u{a0}200,00 €", "? remplacée", "Journée de formation œuvre"]
        {
            assert!(texte.contains(attendu), "{attendu} manque : {texte}");
        }
    }
}
