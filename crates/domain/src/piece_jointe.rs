//! Les pièces jointes d'une facture et leurs règles.
//!
//! Règles publiées par l'AIFE (« Pièces jointes dans Chorus Pro : quelques règles à
//! respecter », reprises par le connecteur OCA `l10n_fr_chorus_account`) : nom de 50 caractères
//! au plus, extension comprise ; extension obligatoire et prise dans une liste fermée ; pas de
//! fichier vide ; 10 Mo au plus par fichier ; 120 Mo au plus pour la facture et ses pièces
//! jointes ensemble.
//!
//! Le « Mo » de ces règles est compté ici en mébioctets (1 Mo = 1 048 576 octets) : la source
//! ne le précise pas, et c'est la lecture la plus favorable au fournisseur.

use thiserror::Error;

/// Longueur maximale du nom d'un fichier, extension comprise (en caractères).
pub const LONGUEUR_MAX_NOM: usize = 50;

/// Un mégaoctet, tel que compté par le simulateur.
pub const MO: u64 = 1024 * 1024;

/// Taille maximale d'un fichier (pièce jointe ou PDF de la facture).
pub const TAILLE_MAX_FICHIER: u64 = 10 * MO;

/// Taille maximale de la facture et de toutes ses pièces jointes réunies.
pub const TAILLE_MAX_FACTURE: u64 = 120 * MO;

/// Les extensions acceptées par Chorus Pro, dans l'ordre de la liste publiée.
pub const EXTENSIONS_AUTORISEES: [&str; 35] = [
    "BMP", "GIF", "FAX", "ODT", "PPT", "TIFF", "XLS", "BZ2", "GZ", "JPEG", "P7S", "RTF", "TXT", "XML", "CSV",
    "GZIP", "JPG", "PDF", "SVG", "XHTML", "XLSX", "DOC", "HTM", "ODP", "PNG", "TGZ", "XLC", "ZIP", "DOCX",
    "HTML", "ODS", "PPS", "TIF", "XLM", "PPTX",
];

/// Pourquoi un fichier est refusé ; le message dit quoi faire.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RefusPiece {
    #[error("Choisissez un fichier : aucun fichier n'a été envoyé.")]
    NomVide,
    #[error(
        "Le nom du fichier « {nom} » compte {longueur} caractères : Chorus Pro n'en accepte que 50 au plus, \
         extension comprise. Renommez le fichier avec un nom plus court, puis recommencez."
    )]
    NomTropLong { nom: String, longueur: usize },
    #[error(
        "Le fichier « {nom} » n'a pas d'extension : Chorus Pro exige une extension (.pdf, .jpg, .xlsx…). \
         Renommez le fichier avec son extension, puis recommencez."
    )]
    SansExtension { nom: String },
    #[error(
        "Le format « .{extension} » du fichier « {nom} » n'est pas accepté par Chorus Pro. Formats acceptés : {}. \
         Enregistrez le document dans l'un de ces formats (par exemple en PDF), puis recommencez.",
        liste_extensions()
    )]
    ExtensionRefusee { nom: String, extension: String },
    #[error(
        "Le fichier « {nom} » est vide (0 octet) : Chorus Pro refuse les fichiers vides. Vérifiez le fichier choisi."
    )]
    Vide { nom: String },
    #[error(
        "Le fichier « {nom} » pèse {} : Chorus Pro n'accepte pas de fichier de plus de 10 Mo. \
         Réduisez-le (compression, résolution des images) ou découpez-le en plusieurs pièces jointes.",
        taille_lisible(*taille)
    )]
    TropGros { nom: String, taille: u64 },
    #[error(
        "Avec le fichier « {nom} », la facture et ses pièces jointes pèseraient {} : Chorus Pro limite l'ensemble \
         à 120 Mo. Retirez ou allégez des pièces jointes, puis recommencez.",
        taille_lisible(*total)
    )]
    FactureTropLourde { nom: String, total: u64 },
}

impl RefusPiece {
    /// Code stable pour les tests, le journal et le débriefing.
    pub fn code(&self) -> &'static str {
        match self {
            RefusPiece::NomVide => "PIECE_ABSENTE",
            RefusPiece::NomTropLong { .. } => "PIECE_NOM_TROP_LONG",
            RefusPiece::SansExtension { .. } => "PIECE_SANS_EXTENSION",
            RefusPiece::ExtensionRefusee { .. } => "PIECE_EXTENSION_REFUSEE",
            RefusPiece::Vide { .. } => "PIECE_VIDE",
            RefusPiece::TropGros { .. } => "PIECE_TROP_GROSSE",
            RefusPiece::FactureTropLourde { .. } => "FACTURE_TROP_LOURDE",
        }
    }
}

/// « .bmp, .gif, … » : la liste montrée à l'utilisateur.
pub fn liste_extensions() -> String {
    EXTENSIONS_AUTORISEES
        .iter()
        .map(|e| format!(".{}", e.to_ascii_lowercase()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// « 10,0 Mo », « 512 octets » : une taille lisible par une personne.
pub fn taille_lisible(octets: u64) -> String {
    if octets < 1024 {
        return format!("{octets} octet{}", if octets > 1 { "s" } else { "" });
    }
    let (valeur, unite) =
        if octets < MO { (octets as f64 / 1024.0, "Ko") } else { (octets as f64 / MO as f64, "Mo") };
    // Arrondi vers le haut : un fichier de 10 Mo + 1 octet ne doit pas s'afficher « 10,0 Mo ».
    let dixiemes = (valeur * 10.0).ceil() / 10.0;
    format!("{dixiemes:.1} {unite}").replace('.', ",")
}

/// L'extension d'un nom de fichier, en majuscules (ce qui suit le dernier point).
pub fn extension(nom: &str) -> Option<String> {
    let (base, ext) = nom.rsplit_once('.')?;
    (!base.is_empty() && !ext.is_empty()).then(|| ext.to_ascii_uppercase())
}

/// Le nom d'un fichier tel qu'un navigateur l'envoie, sans chemin (certains navigateurs anciens
/// envoient `C:\Users\…\facture.pdf`) ni espaces autour.
pub fn nom_sans_chemin(nom: &str) -> &str {
    nom.rsplit(['/', '\\']).next().unwrap_or(nom).trim()
}

/// Contrôle un fichier à joindre : `deja_joint` est le total (en octets) de ce que la facture
/// porte déjà (son PDF et ses autres pièces jointes).
pub fn controler(nom: &str, taille: u64, deja_joint: u64) -> Result<(), RefusPiece> {
    if nom.is_empty() {
        return Err(RefusPiece::NomVide);
    }
    let longueur = nom.chars().count();
    if longueur > LONGUEUR_MAX_NOM {
        return Err(RefusPiece::NomTropLong { nom: nom.to_string(), longueur });
    }
    let Some(ext) = extension(nom) else {
        return Err(RefusPiece::SansExtension { nom: nom.to_string() });
    };
    if !EXTENSIONS_AUTORISEES.contains(&ext.as_str()) {
        return Err(RefusPiece::ExtensionRefusee {
            nom: nom.to_string(),
            extension: ext.to_ascii_lowercase(),
        });
    }
    if taille == 0 {
        return Err(RefusPiece::Vide { nom: nom.to_string() });
    }
    if taille > TAILLE_MAX_FICHIER {
        return Err(RefusPiece::TropGros { nom: nom.to_string(), taille });
    }
    let total = deja_joint.saturating_add(taille);
    if total > TAILLE_MAX_FACTURE {
        return Err(RefusPiece::FactureTropLourde { nom: nom.to_string(), total });
    }
    Ok(())
}

/// Le type MIME d'un fichier d'après son extension, pour le servir au navigateur.
pub fn type_mime(nom: &str) -> &'static str {
    match extension(nom).as_deref() {
        Some("PDF") => "application/pdf",
        Some("JPG" | "JPEG") => "image/jpeg",
        Some("PNG") => "image/png",
        Some("GIF") => "image/gif",
        Some("BMP") => "image/bmp",
        Some("TIF" | "TIFF") => "image/tiff",
        Some("SVG") => "image/svg+xml",
        Some("TXT") => "text/plain",
        Some("CSV") => "text/csv",
        Some("XML") => "application/xml",
        Some("HTM" | "HTML" | "XHTML") => "text/html",
        Some("ZIP") => "application/zip",
        Some("GZ" | "GZIP" | "TGZ") => "application/gzip",
        Some("DOCX") => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Some("XLSX") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Some("PPTX") => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        Some("ODT") => "application/vnd.oasis.opendocument.text",
        Some("ODS") => "application/vnd.oasis.opendocument.spreadsheet",
        Some("ODP") => "application/vnd.oasis.opendocument.presentation",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn un_fichier_conforme_passe() {
        assert_eq!(controler("bon-de-livraison.pdf", 2048, 0), Ok(()));
        assert_eq!(controler("Photo.JPG", 1, 0), Ok(()));
        assert_eq!(controler("archive.tar.gz", 1, 0), Ok(()));
    }

    #[test]
    fn cinquante_caracteres_oui_cinquante_et_un_non() {
        let cinquante = format!("{}.pdf", "a".repeat(46));
        assert_eq!(cinquante.chars().count(), 50);
        assert_eq!(controler(&cinquante, 10, 0), Ok(()));
        let cinquante_et_un = format!("{}.pdf", "a".repeat(47));
        let refus = controler(&cinquante_et_un, 10, 0).unwrap_err();
        assert_eq!(refus.code(), "PIECE_NOM_TROP_LONG");
        assert!(refus.to_string().contains("51 caractères"), "{refus}");
        // Les caractères accentués comptent pour un.
        let accents = format!("{}.pdf", "é".repeat(46));
        assert_eq!(controler(&accents, 10, 0), Ok(()));
    }

    #[test]
    fn extension_obligatoire_et_dans_la_liste() {
        assert_eq!(controler("facture", 10, 0).unwrap_err().code(), "PIECE_SANS_EXTENSION");
        assert_eq!(controler("facture.", 10, 0).unwrap_err().code(), "PIECE_SANS_EXTENSION");
        assert_eq!(controler(".pdf", 10, 0).unwrap_err().code(), "PIECE_SANS_EXTENSION");
        let refus = controler("programme.exe", 10, 0).unwrap_err();
        assert_eq!(refus.code(), "PIECE_EXTENSION_REFUSEE");
        assert!(refus.to_string().contains("« .exe »"), "{refus}");
        assert!(refus.to_string().contains(".pdf"), "{refus}");
        for ext in EXTENSIONS_AUTORISEES {
            assert_eq!(controler(&format!("piece.{}", ext.to_ascii_lowercase()), 1, 0), Ok(()), "{ext}");
        }
        assert_eq!(EXTENSIONS_AUTORISEES.len(), 35);
    }

    #[test]
    fn pas_de_fichier_vide_ni_de_nom_vide() {
        assert_eq!(controler("vide.pdf", 0, 0).unwrap_err().code(), "PIECE_VIDE");
        assert_eq!(controler("", 10, 0).unwrap_err().code(), "PIECE_ABSENTE");
    }

    #[test]
    fn dix_mo_au_plus_par_fichier() {
        assert_eq!(controler("gros.pdf", 10 * MO, 0), Ok(()));
        let refus = controler("gros.pdf", 10 * MO + 1, 0).unwrap_err();
        assert_eq!(refus.code(), "PIECE_TROP_GROSSE");
        assert!(refus.to_string().contains("10,1 Mo"), "{refus}");
    }

    #[test]
    fn cent_vingt_mo_au_plus_pour_la_facture() {
        // Onze fichiers de 10 Mo et un douzième : l'ensemble fait juste 120 Mo.
        assert_eq!(controler("douzieme.pdf", 10 * MO, 110 * MO), Ok(()));
        let refus = controler("treizieme.pdf", 1, 120 * MO).unwrap_err();
        assert_eq!(refus.code(), "FACTURE_TROP_LOURDE");
        assert!(refus.to_string().contains("120 Mo"), "{refus}");
        assert_eq!(controler("x.pdf", 1, u64::MAX).unwrap_err().code(), "FACTURE_TROP_LOURDE");
    }

    #[test]
    fn nom_sans_chemin_et_tailles_lisibles() {
        assert_eq!(nom_sans_chemin(r"C:\Users\moi\facture.pdf"), "facture.pdf");
        assert_eq!(nom_sans_chemin("dossier/facture.pdf "), "facture.pdf");
        assert_eq!(taille_lisible(1), "1 octet");
        assert_eq!(taille_lisible(512), "512 octets");
        assert_eq!(taille_lisible(1536), "1,5 Ko");
        assert_eq!(taille_lisible(10 * MO), "10,0 Mo");
        assert_eq!(type_mime("a.PDF"), "application/pdf");
        assert_eq!(type_mime("a.inconnu"), "application/octet-stream");
    }
}
