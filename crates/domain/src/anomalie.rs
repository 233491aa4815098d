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
