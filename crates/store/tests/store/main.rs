//! Tests du stockage sur de vrais fichiers SQLite (dans un dossier temporaire) : schéma,
//! données livrées, imports de l'annuaire, cas d'usage des factures et des bacs à sable,
//! journal et comptes.

mod acheteur;
mod annuaire_volumineux;
mod bac;
mod base;
mod bilan;
mod classe;
mod cloture;
mod commun;
mod compte;
mod cours;
mod demo;
mod emargement;
mod facture;
mod flux;
mod gestion;
mod gestionnaire_simule;
mod journal;
mod mise_a_jour;
mod modules;
mod mon_compte;
mod paiement;
mod piece_jointe;
mod pilotage;
mod proprietes;
mod quiz;
mod rattachement;
mod reference;
mod sauvegarde;
mod suivi;
mod travaux;
mod validation;
