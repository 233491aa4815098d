//! Créer une structure : ce que Chorus Pro vérifie d'un SIRET auprès de l'INSEE (ici, dans le
//! registre fictif des entreprises) et ce que la fiche doit contenir.

use crate::anomalie::Anomalie;
use crate::siret::Siret;
use crate::structure::{Entreprise, TypeIdentifiant};

/// Longueur maximale d'une raison sociale.
pub const RAISON_SOCIALE_LONGUEUR_MAX: usize = 100;

/// Nom et adresse de la structure.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identite {
    pub raison_sociale: String,
    pub adresse: String,
    pub code_postal: String,
    pub ville: String,
}

/// Ce qu'il advient d'une demande de création.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// La structure peut être créée ; `verifiee` est faux pour un SIRET absent du registre que
    /// l'apprenant a déclaré être celui de son entreprise réelle.
    Acceptee { verifiee: bool },
    /// Refusée ; `proposer_non_verifie` : proposer la case « mon entreprise réelle ».
    Refusee { anomalies: Vec<Anomalie>, proposer_non_verifie: bool },
}

/// Vérifie une création. `identifiant` est déjà normalisé ([`crate::identifiant`]) ;
/// `registre` est l'entreprise trouvée dans le registre pour ce SIRET, s'il y en a une.
/// L'identité saisie est remplacée par celle du registre quand le SIRET y figure (Chorus Pro
/// reprend la raison sociale et l'adresse de l'INSEE) ; elle est retournée dans tous les cas.
pub fn verifier(
    type_identifiant: TypeIdentifiant,
    identifiant: &str,
    registre: Option<&Entreprise>,
    saisie: Identite,
    entreprise_reelle_declaree: bool,
) -> (Identite, Verdict) {
    let mut identite = saisie;
    let mut verifiee = true;
    if type_identifiant == TypeIdentifiant::Siret {
        match registre {
            Some(e) if !e.active => {
                let anomalie = Anomalie::champ(
                    "identifiant",
                    "ETABLISSEMENT_FERME",
                    format!(
                        "Le SIRET {} correspond à un établissement fermé ({}) selon le répertoire des entreprises : \
                         Chorus Pro n'accepte qu'un établissement actif. Utilisez le SIRET de votre établissement actuel \
                         (il change après un déménagement).",
                        e.siret, e.raison_sociale
                    ),
                );
                return (
                    identite,
                    Verdict::Refusee { anomalies: vec![anomalie], proposer_non_verifie: false },
                );
            }
            Some(e) => {
                identite = Identite {
                    raison_sociale: e.raison_sociale.clone(),
                    adresse: e.adresse.clone(),
                    code_postal: e.code_postal.clone(),
                    ville: e.ville.clone(),
                };
            }
            None if !entreprise_reelle_declaree => {
                let affiche =
                    identifiant.parse::<Siret>().map_or_else(|_| identifiant.to_string(), |s| s.to_string());
                let anomalie = Anomalie::champ(
                    "identifiant",
                    "SIRET_INCONNU",
                    format!(
                        "Le SIRET {affiche} n'existe pas dans le répertoire des entreprises du simulateur. Vérifiez-le \
                         (c'est celui de votre établissement, sur un extrait Kbis ou un avis de situation INSEE). S'il \
                         s'agit de votre propre entreprise réelle, cochez la case ci-dessous."
                    ),
                );
                return (
                    identite,
                    Verdict::Refusee { anomalies: vec![anomalie], proposer_non_verifie: true },
                );
            }
            None => verifiee = false,
        }
    }
    let mut anomalies = Vec::new();
    if identite.raison_sociale.trim().is_empty() {
        anomalies.push(Anomalie::champ(
            "raison_sociale",
            "RAISON_SOCIALE_OBLIGATOIRE",
            "Indiquez la raison sociale de la structure (ou vos nom et prénom pour un particulier).",
        ));
    }
    if identite.raison_sociale.chars().count() > RAISON_SOCIALE_LONGUEUR_MAX {
        anomalies.push(Anomalie::champ(
            "raison_sociale",
            "LONGUEUR_MAX",
            format!("La raison sociale ne doit pas dépasser {RAISON_SOCIALE_LONGUEUR_MAX} caractères."),
        ));
    }
    let verdict = if anomalies.is_empty() {
        Verdict::Acceptee { verifiee }
    } else {
        Verdict::Refusee { anomalies, proposer_non_verifie: !verifiee }
    };
    (identite, verdict)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entreprise(active: bool) -> Entreprise {
        Entreprise {
            siret: "92391234900068".into(),
            raison_sociale: "PLOMBERIE MARTIN".into(),
            categorie_juridique: "5710".into(),
            forme_juridique: "EI".into(),
            adresse: "13 RUE DU FOIRAIL".into(),
            code_postal: "48100".into(),
            ville: "VALCOMBE".into(),
            active,
            role: "stagiaire".into(),
        }
    }

    fn codes(v: &Verdict) -> Vec<&'static str> {
        match v {
            Verdict::Refusee { anomalies, .. } => anomalies.iter().map(|a| a.code).collect(),
            Verdict::Acceptee { .. } => Vec::new(),
        }
    }

    #[test]
    fn un_siret_du_registre_reprend_son_identite() {
        let e = entreprise(true);
        let (id, v) = verifier(TypeIdentifiant::Siret, &e.siret, Some(&e), Identite::default(), false);
        assert_eq!(v, Verdict::Acceptee { verifiee: true });
        assert_eq!(id.raison_sociale, "PLOMBERIE MARTIN");
        assert_eq!(id.ville, "VALCOMBE");
    }

    #[test]
    fn un_etablissement_ferme_est_refuse() {
        let e = entreprise(false);
        let (_, v) = verifier(TypeIdentifiant::Siret, &e.siret, Some(&e), Identite::default(), true);
        assert_eq!(codes(&v), ["ETABLISSEMENT_FERME"]);
    }

    #[test]
    fn un_siret_absent_du_registre_demande_une_declaration_puis_est_non_verifie() {
        let saisie = Identite { raison_sociale: "MON ENTREPRISE".into(), ..Identite::default() };
        let (_, v) = verifier(TypeIdentifiant::Siret, "73282932000074", None, saisie.clone(), false);
        assert_eq!(codes(&v), ["SIRET_INCONNU"]);
        assert!(matches!(v, Verdict::Refusee { proposer_non_verifie: true, .. }));
        let (_, v) = verifier(TypeIdentifiant::Siret, "73282932000074", None, saisie, true);
        assert_eq!(v, Verdict::Acceptee { verifiee: false });
        let (_, v) = verifier(TypeIdentifiant::Siret, "73282932000074", None, Identite::default(), true);
        assert_eq!(codes(&v), ["RAISON_SOCIALE_OBLIGATOIRE"]);
    }

    #[test]
    fn les_autres_identifiants_exigent_une_raison_sociale_raisonnable() {
        let (_, v) = verifier(TypeIdentifiant::HorsUe, "ABC123", None, Identite::default(), false);
        assert_eq!(codes(&v), ["RAISON_SOCIALE_OBLIGATOIRE"]);
        let longue = Identite { raison_sociale: "X".repeat(101), ..Identite::default() };
        let (_, v) = verifier(TypeIdentifiant::HorsUe, "ABC123", None, longue, false);
        assert_eq!(codes(&v), ["LONGUEUR_MAX"]);
        let bonne = Identite { raison_sociale: "ACME LTD".into(), ..Identite::default() };
        assert_eq!(
            verifier(TypeIdentifiant::HorsUe, "ABC123", None, bonne, false).1,
            Verdict::Acceptee { verifiee: true }
        );
    }
}
