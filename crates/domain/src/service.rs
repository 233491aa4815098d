//! Les services d'une structure (fournisseur ou publique) : leur code et leur libellé.

use crate::anomalie::Anomalie;

/// Longueur maximale d'un code service (colonne Chorus Pro de l'annexe XP Z12-012).
pub const CODE_SERVICE_LONGUEUR_MAX: usize = 100;
pub const LIBELLE_SERVICE_LONGUEUR_MAX: usize = 100;

/// Contrôle un nouveau service ; retourne le code normalisé (majuscules, sans espaces autour).
/// Le code ne prend que des lettres sans accent, des chiffres, `_` et `-` : c'est ce qu'on
/// recopie dans les factures et les flux, il ne doit pas prêter à confusion.
pub fn controler(code: &str, libelle: &str) -> Result<String, Vec<Anomalie>> {
    let code = code.trim().to_uppercase();
    let libelle = libelle.trim();
    let mut anomalies = Vec::new();
    if code.is_empty() {
        anomalies.push(Anomalie::champ(
            "code",
            "CODE_SERVICE_OBLIGATOIRE",
            "Indiquez le code du service (par exemple ATELIER).",
        ));
    } else if code.chars().count() > CODE_SERVICE_LONGUEUR_MAX {
        anomalies.push(Anomalie::champ(
            "code",
            "CODE_SERVICE_TROP_LONG",
            format!("Le code service ne doit pas dépasser {CODE_SERVICE_LONGUEUR_MAX} caractères."),
        ));
    } else if let Some(c) = code.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-')) {
        anomalies.push(Anomalie::champ(
            "code",
            "CODE_SERVICE_CARACTERE",
            format!(
                "Le code service ne peut contenir que des lettres sans accent, des chiffres, « _ » et « - » : « {c} » n'est pas accepté."
            ),
        ));
    }
    if libelle.is_empty() {
        anomalies.push(Anomalie::champ(
            "libelle",
            "LIBELLE_SERVICE_OBLIGATOIRE",
            "Indiquez le libellé du service (par exemple « Atelier de Valcombe »).",
        ));
    } else if libelle.chars().count() > LIBELLE_SERVICE_LONGUEUR_MAX {
        anomalies.push(Anomalie::champ(
            "libelle",
            "LIBELLE_SERVICE_TROP_LONG",
            format!("Le libellé ne doit pas dépasser {LIBELLE_SERVICE_LONGUEUR_MAX} caractères."),
        ));
    } else if libelle.chars().any(char::is_control) {
        anomalies.push(Anomalie::champ(
            "libelle",
            "LIBELLE_SERVICE_CARACTERE",
            "Le libellé contient un caractère invisible : retapez-le.",
        ));
    }
    if anomalies.is_empty() { Ok(code) } else { Err(anomalies) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn un_service_valide_est_normalise() {
        assert_eq!(controler(" atelier_2 ", "Atelier").unwrap(), "ATELIER_2");
    }

    #[test]
    fn chaque_erreur_a_son_code() {
        let codes =
            |c: &str, l: &str| controler(c, l).unwrap_err().into_iter().map(|a| a.code).collect::<Vec<_>>();
        assert_eq!(codes("", "x"), ["CODE_SERVICE_OBLIGATOIRE"]);
        assert_eq!(codes("ÉTÉ", "x"), ["CODE_SERVICE_CARACTERE"]);
        assert_eq!(codes("A B", "x"), ["CODE_SERVICE_CARACTERE"]);
        assert_eq!(codes(&"A".repeat(101), "x"), ["CODE_SERVICE_TROP_LONG"]);
        assert_eq!(codes("A", ""), ["LIBELLE_SERVICE_OBLIGATOIRE"]);
        assert_eq!(codes("A", &"x".repeat(101)), ["LIBELLE_SERVICE_TROP_LONG"]);
        assert_eq!(codes("A", "x\u{7}"), ["LIBELLE_SERVICE_CARACTERE"]);
    }
}
