//! Pourquoi un fichier n'a pas pu être lu : un refus du flux entier (« erreur technique » du
//! compte rendu), avec un message en français qui dit quoi corriger.

use thiserror::Error;

use crate::syntaxe::SyntaxeFlux;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Refus {
    #[error("Le fichier est vide.")]
    Vide,
    #[error(
        "Le fichier pèse {taille} octets ; un flux d'une facture est limité à {limite} octets. \
         Déposez un fichier par facture, ou une archive pour un lot."
    )]
    TropGros { taille: usize, limite: usize },
    #[error(
        "Le fichier déclare une DTD (<!DOCTYPE …>) : elle est refusée, car elle permet d'y définir \
         des entités (dont des entités externes). Une facture UBL ou CII n'en a jamais besoin : \
         retirez-la."
    )]
    DtdInterdite,
    #[error(
        "Le fichier imbrique ses éléments sur {profondeur} niveaux ; au-delà de {limite}, il est \
         refusé. Une facture n'en a jamais autant : le fichier n'est pas une facture."
    )]
    TropProfond { profondeur: usize, limite: usize },
    #[error("Le fichier n'est pas un XML bien formé (ligne {ligne}, colonne {colonne}) : {detail}")]
    XmlMalForme { ligne: u32, colonne: u32, detail: String },
    #[error("L'encodage du fichier ({encodage}) n'est pas accepté : un flux XML est en UTF-8.")]
    Encodage { encodage: String },
    #[error(
        "Le fichier n'est pas une facture UBL 2.1 (Invoice, CreditNote) ni CII D16B \
         (CrossIndustryInvoice) : son élément racine est « {racine} »."
    )]
    PasUneFacture { racine: String },
    #[error(
        "Le format du fichier n'est pas reconnu : déposez une facture Factur-X (PDF), UBL 2.1 ou \
         CII D16B (XML)."
    )]
    FormatInconnu,
    #[error(
        "Le PDF ne contient pas de facture structurée (fichier factur-x.xml joint) : ce n'est pas \
         une Factur-X. Un PDF simple se dépose avec « Déposer facture » et les données saisies."
    )]
    PdfSansFacture,
    #[error("Le PDF n'a pas pu être lu : {detail}")]
    PdfIllisible { detail: String },
    #[error("L'archive ne peut pas être lue ({detail}) : produisez-la à nouveau (.zip ou .tar.gz).")]
    ArchiveIllisible { detail: String },
    #[error("L'archive ne contient aucun fichier de facture.")]
    ArchiveVide,
    #[error(
        "L'archive contient plus de {limite} factures : un flux en compte {limite} au plus ; partagez le lot."
    )]
    ArchiveTropDeFactures { limite: usize },
    #[error(
        "L'archive dépasse {limite} octets une fois décompressée : partagez le lot en plusieurs archives."
    )]
    ArchiveTropLourde { limite: u64 },
    #[error("La lecture de l'archive a dépassé {secondes} secondes : partagez le lot en plusieurs archives.")]
    ArchiveTropLongue { secondes: u64 },
    #[error(
        "La syntaxe annoncée ({annoncee}) n'est pas celle du fichier, qui est un flux {detectee}. \
         Choisissez « détection automatique » ou la syntaxe {detectee}."
    )]
    SyntaxeDifferente { annoncee: String, detectee: String },
}

impl Refus {
    pub(crate) fn syntaxe_differente(annoncee: SyntaxeFlux, detectee: SyntaxeFlux) -> Refus {
        Refus::SyntaxeDifferente {
            annoncee: annoncee.code().to_string(),
            detectee: detectee.code().to_string(),
        }
    }

    /// Un code court et stable, pour les comptes rendus et les tests.
    pub fn code(&self) -> &'static str {
        match self {
            Refus::Vide => "FICHIER_VIDE",
            Refus::TropGros { .. } => "FICHIER_TROP_GROS",
            Refus::DtdInterdite => "DTD_INTERDITE",
            Refus::TropProfond { .. } => "XML_TROP_PROFOND",
            Refus::XmlMalForme { .. } => "XML_MAL_FORME",
            Refus::Encodage { .. } => "ENCODAGE",
            Refus::PasUneFacture { .. } => "PAS_UNE_FACTURE",
            Refus::FormatInconnu => "FORMAT_INCONNU",
            Refus::PdfSansFacture => "PDF_SANS_FACTURE",
            Refus::PdfIllisible { .. } => "PDF_ILLISIBLE",
            Refus::SyntaxeDifferente { .. } => "SYNTAXE_DIFFERENTE",
            Refus::ArchiveIllisible { .. } => "ARCHIVE_ILLISIBLE",
            Refus::ArchiveVide => "ARCHIVE_VIDE",
            Refus::ArchiveTropDeFactures { .. } => "ARCHIVE_TROP_DE_FACTURES",
            Refus::ArchiveTropLourde { .. } => "ARCHIVE_TROP_LOURDE",
            Refus::ArchiveTropLongue { .. } => "ARCHIVE_TROP_LONGUE",
        }
    }
}
