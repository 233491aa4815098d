//! Le stockage du simulateur dans SQLite (mode WAL) : schéma versionné, données de référence
//! (annuaire, registre des entreprises, taux), bacs à sable et tout ce qu'ils contiennent, et
//! les cas d'usage qui font une chose complète dans une transaction.
//!
//! Les données de référence sont communes à tous les bacs à sable et ne changent pas pendant
//! un exercice ; tout le reste porte l'identifiant de son bac à sable (`bac_id`) et n'est lu
//! qu'à travers lui.

pub mod acheteur;
pub mod acquittement;
pub mod attestation;
pub mod avancee;
pub mod bac;
pub mod base;
pub mod bilan;
pub mod catalogue;
pub mod classe;
pub mod cloture;
pub mod colonne;
pub mod compte;
pub mod cours;
pub mod demo;
pub mod depart;
pub mod emargement;
pub mod engagement;
pub mod erreur;
pub mod export;
pub mod facture;
pub mod fichiers;
pub mod flux;
pub mod formateur;
pub mod gestion;
pub mod horloge;
pub mod jeton;
pub mod jeton_api;
pub mod journal;
pub mod messagerie;
pub mod moteur;
pub mod notification;
pub mod paiement;
pub mod piece_jointe;
pub mod pilotage;
pub mod piste;
pub mod questionnaire;
pub mod quiz;
pub mod raccordement;
pub mod rattachement;
pub mod reference;
pub mod sauvegarde;
pub mod scenario;
pub mod simulation;
pub mod structure;
pub mod suivi;
pub mod travaux;
pub mod validation;

pub use base::Store;
pub use erreur::{Erreur, Resultat};
pub use horloge::Horloge;
