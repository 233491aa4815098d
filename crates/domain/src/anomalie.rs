//! Une anomalie de saisie : le champ en cause et un message en français qui dit quoi faire.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anomalie {
    /// Le nom du champ du formulaire (`destinataire`, `code_service`, `ligne_quantite`…).
    pub champ: String,
    /// Pour un champ de ligne, le numéro de la ligne (à partir de 1).
    pub ligne: Option<usize>,
    /// Code stable pour les tests, le journal et le débriefing (`DESTINATAIRE_INCONNU`…).
    pub code: &'static str,
    pub message: String,
}

impl Anomalie {
    pub fn champ(champ: &str, code: &'static str, message: impl Into<String>) -> Self {
        Anomalie { champ: champ.to_string(), ligne: None, code, message: message.into() }
    }
    pub fn ligne(champ: &str, ligne: usize, code: &'static str, message: impl Into<String>) -> Self {
        Anomalie { champ: champ.to_string(), ligne: Some(ligne), code, message: message.into() }
    }
}

/// Ce qu'une anomalie dit en quelques mots, pour la grille du formateur et le débriefing : le
/// message complet, propre à chaque saisie, ne se regroupe pas. Un code inconnu reste tel quel.
pub fn libelle_debriefing(code: &str) -> &str {
    match code {
        "CHAMP_OBLIGATOIRE" => "Champ obligatoire laissé vide",
        "LONGUEUR_MAX" => "Texte trop long",
        "CARACTERE_DE_CONTROLE" | "CARACTERES_NON_AUTORISES" => "Caractères non autorisés",
        "DATE_INVALIDE" => "Date mal écrite",
        "DATE_HORS_LIMITES" => "Date hors des limites admises",
        "DATE_FUTURE" => "Facture datée dans le futur",
        "CODE_INCONNU" => "Code inconnu (cadre, type, mode de paiement…)",
        "NOMBRE_INVALIDE" => "Nombre mal écrit",
        "VALEUR_TROP_GRANDE" => "Valeur trop grande",
        "VALEUR_NON_POSITIVE" | "VALEUR_NEGATIVE" => "Valeur négative ou nulle",
        "TROP_DE_DECIMALES" => "Trop de décimales",
        "TAUX_TVA_INVALIDE" => "Taux de TVA invalide",
        "REMISE_SUPERIEURE_AU_MONTANT" => "Remise supérieure au montant de la ligne",
        "AUCUNE_LIGNE" => "Facture sans ligne",
        "TROP_DE_LIGNES" => "Trop de lignes",
        "NUMERO_DEJA_UTILISE" => "Numéro de facture déjà utilisé",
        "CADRE_NON_DISPONIBLE" => "Cadre de facturation non disponible",
        "MOTIF_EXONERATION_OBLIGATOIRE" => "Motif d'exonération de TVA manquant",
        "MONTANT_ABSURDE" => "Montant invraisemblable",
        "MONTANT_NUL" => "Montant nul",
        "FACTURE_ORIGINE_OBLIGATOIRE" => "Facture d'origine de l'avoir manquante",
        "DESTINATAIRE_INCONNU" => "Destinataire absent de l'annuaire (SIRET)",
        "DESTINATAIRE_INACTIF" => "Destinataire inactif",
        "DESTINATAIRE_MOA_UNIQUEMENT" => "Destinataire réservé aux factures de travaux",
        "SERVICE_INCONNU" => "Code service inconnu",
        "SERVICE_INACTIF" => "Code service fermé",
        "SERVICE_OBLIGATOIRE" => "Code service manquant",
        "ENGAGEMENT_OBLIGATOIRE" => "Numéro d'engagement manquant",
        "SERVICE_OU_ENGAGEMENT" => "Ni code service ni numéro d'engagement",
        "SERVICE_FACTURES_PUBLIQUES" => "Service réservé « FACTURES_PUBLIQUES » choisi",
        "RECYCLAGE_SANS_CHANGEMENT" => "Recyclage sans correction",
        "RECYCLAGE_HORS_ACHEMINEMENT" => "Recyclage modifiant autre chose que l'acheminement",
        "PIECE_ABSENTE" => "Pièce jointe sans fichier",
        "PIECE_NOM_TROP_LONG" => "Nom de pièce jointe trop long",
        "PIECE_SANS_EXTENSION" => "Pièce jointe sans extension",
        "PIECE_EXTENSION_REFUSEE" => "Format de pièce jointe refusé",
        "PIECE_VIDE" => "Pièce jointe vide",
        "PIECE_TROP_GROSSE" => "Pièce jointe trop lourde",
        "FACTURE_TROP_LOURDE" => "Facture et pièces trop lourdes",
        autre => autre,
    }
}
