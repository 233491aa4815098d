//! Les règles de Chorus Pro, sans entrée-sortie : identifiants, structures et annuaire,
//! saisie et contrôles des factures, montants, cycle de vie des statuts, délai global de
//! paiement et comportement par défaut de l'acheteur public simulé.
//!
//! Les dates sont toujours passées en argument : rien ici ne lit l'horloge.

pub mod acheteur_simule;
pub mod annuaire;
pub mod anomalie;
pub mod choix_simulateur;
pub mod circuit;
pub mod classe;
pub mod compte;
pub mod compte_technique;
pub mod coordonnees_bancaires;
pub mod cours;
pub mod creation_structure;
pub mod dates;
pub mod delai_paiement;
pub mod emargement;
pub mod erreur;
pub mod espace;
pub mod facture;
pub mod flux;
pub mod identifiant;
pub mod montants;
pub mod piece_jointe;
pub mod programme;
pub mod questionnaire;
pub mod quiz;
pub mod saisie;
pub mod scenario;
pub mod service;
pub mod siret;
pub mod statut;
pub mod structure;
pub mod suites;
pub mod travaux;
pub mod validation;

pub use anomalie::Anomalie;
pub use erreur::Erreur;
pub use siret::{Siren, Siret};
pub use statut::Statut;
