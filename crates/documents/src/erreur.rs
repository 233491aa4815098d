//! L'unique type d'erreur des documents : un PDF déposé refusé (le message dit quoi faire), ou
//! un document qui n'a pas pu être produit.

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Erreur {
    #[error("Le fichier est vide (0 octet) : choisissez le PDF de votre facture.")]
    Vide,
    #[error(
        "Ce fichier n'est pas un PDF (son contenu ne commence pas comme celui d'un PDF), même si son nom se \
         termine par .pdf. Enregistrez ou exportez la facture au format PDF depuis votre logiciel, puis recommencez."
    )]
    PasUnPdf,
    #[error(
        "Ce PDF est protégé par un mot de passe (ou chiffré) : Chorus Pro ne peut pas le lire. Enregistrez une \
         copie sans protection (dans votre logiciel : « Enregistrer sous » ou « Imprimer en PDF », sans mot de passe), \
         puis recommencez."
    )]
    Protege,
    #[error(
        "Ce PDF est illisible : il est abîmé ou incomplet (téléchargement interrompu, fichier tronqué). Produisez à \
         nouveau le PDF depuis votre logiciel, puis recommencez."
    )]
    Illisible,
    #[error("Ce PDF ne contient aucune page : vérifiez que vous avez choisi le bon fichier.")]
    SansPage,
    #[error(
        "Ce PDF est beaucoup trop lourd à lire : une fois décompressé, son contenu dépasse ce qu'une facture peut \
         contenir (64 Mo), ou sa lecture prend trop de temps. Produisez à nouveau le PDF depuis votre logiciel \
         (« Imprimer en PDF »), puis recommencez."
    )]
    TropLourd,
    /// Un document du simulateur n'a pas pu être produit (ne devrait pas arriver).
    #[error("production du document PDF : {0}")]
    Production(String),
}

impl Erreur {
    /// Code stable pour les tests, le journal et le débriefing.
    pub fn code(&self) -> &'static str {
        match self {
            Erreur::Vide => "PDF_VIDE",
            Erreur::PasUnPdf => "PAS_UN_PDF",
            Erreur::Protege => "PDF_PROTEGE",
            Erreur::Illisible => "PDF_ILLISIBLE",
            Erreur::SansPage => "PDF_SANS_PAGE",
            Erreur::TropLourd => "PDF_TROP_LOURD",
            Erreur::Production(_) => "PRODUCTION_PDF",
        }
    }
}

impl From<lopdf::Error> for Erreur {
    fn from(e: lopdf::Error) -> Self {
        Erreur::Production(e.to_string())
    }
}
