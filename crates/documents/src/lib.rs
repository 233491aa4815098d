//! Les documents PDF du simulateur, en fonctions pures (des données en entrée, des octets en
//! sortie) :
//!
//! - [`controle`] : le PDF qu'un fournisseur dépose doit être un vrai PDF, lisible, avec au
//!   moins une page, sans mot de passe ;
//! - [`production`] : une petite mise en page (titre, intertitres, paragraphes, fiches
//!   libellé-valeur, tableaux) en Helvetica, accents français compris, réutilisée par chaque
//!   document produit, et la même en PDF/A-3b aux polices embarquées (`archivable`) ;
//! - [`facture_lisible`] : la page d'une facture saisie, support PDF/A-3 d'une Factur-X ;
//! - [`certificat`] : le certificat de dépôt d'une facture ;
//! - [`emargement`] : la feuille d'émargement d'une classe, par demi-journée ;
//! - [`attestation`] : l'attestation de présence et des acquis de fin de formation.

mod archivable;
pub mod attestation;
pub mod certificat;
pub mod controle;
pub mod emargement;
pub mod erreur;
pub mod facture_lisible;
pub mod formation;
mod metriques;
pub mod piece_exercice;
pub mod production;

pub use attestation::{Attestation, attestation, attestations};
pub use certificat::{CertificatDepot, certificat_depot};
pub use controle::{LIMITE_DECOMPRESSION, PdfVerifie, pdf_piege, verifier_pdf};
pub use emargement::{CaseFeuille, FeuilleEmargement, StagiaireFeuille, feuille_emargement};
pub use erreur::Erreur;
pub use facture_lisible::{FactureLisible, PartieLisible, facture_pdfa3};
pub use formation::Formation;
pub use piece_exercice::{PieceExercice, piece_exercice};
pub use production::{Alignement, Colonne, DocumentPdf, Tableau};
