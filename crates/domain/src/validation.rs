//! La validation d'une facture de sous-traitant (A9) ou de cotraitant (A12) : le valideur
//! désigné au dépôt (`cadreDeFacturation.codeStructureValideur`, facultativement
//! `codeServiceValideur`), son délai de 15 jours, ses motifs de refus, et ce que fait un valideur
//! simulé quand personne ne joue son rôle.
//!
//! Sources : « Le titulaire dispose de quinze jours à compter de ce dépôt pour accepter ou
//! refuser la demande de paiement » (article R2193-16 du code de la commande publique, pour une
//! demande déposée sur le portail ; silence vaut acceptation, R2193-13) ; le
//! délai de paiement du sous-traitant court de la réception par l'acheteur de l'accord du
//! titulaire ou de l'expiration de ces quinze jours (R2192-22, R2192-23) ; seul le sous-traitant
//! de premier rang est payé directement (communauté Chorus Pro, sous-traitance et cotraitance).
//! Choix du simulateur, là où les sources se taisent : le décompte des jours, la liste des motifs
//! de refus et le comportement des valideurs simulés (voir [`crate::choix_simulateur`]).

use chrono::{Days, NaiveDate};

use crate::facture::CadreFacturation;
use crate::siret::Siret;

/// Le délai du valideur, en jours (articles R2193-12 et R2193-16).
pub const DELAI_VALIDATION_JOURS: u64 = 15;

/// Longueur maximale du code service du valideur et du complément d'un refus.
pub const CODE_SERVICE_VALIDEUR_MAX: usize = 100;

/// Le dernier jour où le valideur peut répondre : le quinzième après celui où la facture lui a
/// été mise à disposition (le jour du dépôt ne compte pas).
pub fn dernier_jour(mise_a_disposition_du_valideur: NaiveDate) -> NaiveDate {
    mise_a_disposition_du_valideur
        .checked_add_days(Days::new(DELAI_VALIDATION_JOURS))
        .unwrap_or(mise_a_disposition_du_valideur)
}

/// Le jour où Chorus Pro constate l'absence de réponse : le lendemain du dernier jour. Le délai
/// de paiement du sous-traitant court de cette date (expiration des quinze jours).
pub fn jour_de_la_validation_tacite(mise_a_disposition_du_valideur: NaiveDate) -> NaiveDate {
    let d = dernier_jour(mise_a_disposition_du_valideur);
    d.succ_opt().unwrap_or(d)
}

/// Les quinze jours sont-ils écoulés à la date `aujourd_hui` ?
pub fn delai_ecoule(mise_a_disposition_du_valideur: NaiveDate, aujourd_hui: NaiveDate) -> bool {
    aujourd_hui > dernier_jour(mise_a_disposition_du_valideur)
}

/// Un motif de refus d'une facture à valider (`listeMotifRefusFactureAValider` : `idMotif`,
/// `codeMotif`, `libelleMotif`). La liste du vrai portail n'est pas publiée : celle-ci est un
/// choix du simulateur, tirée des raisons de refus que donne la réglementation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MotifRefus {
    pub id: u32,
    pub code: &'static str,
    pub libelle: &'static str,
    /// Le valideur n'est pas le bon : la facture revient au fournisseur pour qu'il le corrige
    /// (erreur dans les données d'acheminement), au lieu d'être refusée.
    pub erreur_de_valideur: bool,
    /// Le motif appelle une précision (le complément est alors obligatoire).
    pub precision_obligatoire: bool,
}

const fn motif(id: u32, code: &'static str, libelle: &'static str) -> MotifRefus {
    MotifRefus { id, code, libelle, erreur_de_valideur: false, precision_obligatoire: false }
}

pub const MOTIFS_REFUS: [MotifRefus; 8] = [
    MotifRefus {
        erreur_de_valideur: true,
        ..motif(
            1,
            "ERREUR_VALIDEUR",
            "Erreur de valideur : nous ne sommes ni le titulaire ni le mandataire de ce marché",
        )
    },
    motif(2, "PRESTATIONS_NON_REALISEES", "Travaux ou prestations non réalisés"),
    motif(
        3,
        "MONTANT_NON_CONFORME",
        "Montant non conforme au contrat de sous-traitance ou à la convention de groupement",
    ),
    motif(4, "HORS_ACTE_SPECIAL", "Prestations hors du champ de l'acte spécial de sous-traitance"),
    motif(
        5,
        "SOUS_TRAITANT_NON_ACCEPTE",
        "Sous-traitant non accepté ou conditions de paiement non agréées par l'acheteur",
    ),
    motif(6, "SECOND_RANG", "Sous-traitant de second rang : pas de paiement direct"),
    motif(7, "DOUBLON", "Demande de paiement déjà présentée"),
    MotifRefus { precision_obligatoire: true, ..motif(8, "AUTRE", "Autre motif (précisez)") },
];

impl MotifRefus {
    pub fn depuis_code(code: &str) -> Option<&'static MotifRefus> {
        MOTIFS_REFUS.iter().find(|m| m.code == code.trim())
    }
}

/// Le motif et sa précision, en un texte de 255 caractères au plus (le journal et l'historique
/// de la facture).
pub fn texte_du_refus(m: &MotifRefus, precision: &str) -> Result<String, String> {
    let precision = precision.trim();
    if m.precision_obligatoire && precision.is_empty() {
        return Err(format!(
            "Le motif « {} » demande une précision : dites pourquoi vous refusez.",
            m.libelle
        ));
    }
    let texte =
        if precision.is_empty() { m.libelle.to_string() } else { format!("{} — {precision}", m.libelle) };
    let n = texte.chars().count();
    if n > crate::statut::MOTIF_LONGUEUR_MAX {
        return Err(format!(
            "Le motif et sa précision ne doivent pas dépasser {} caractères (ils en comptent {n}) : \
             raccourcissez la précision.",
            crate::statut::MOTIF_LONGUEUR_MAX
        ));
    }
    Ok(texte)
}

/// Ce que le registre des entreprises dit du valideur désigné.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValideurConnu {
    pub raison_sociale: String,
    pub active: bool,
}

/// Ce que la saisie vérifie du valideur, à partir de ce que le registre et l'annuaire en disent.
#[derive(Debug, Clone, Copy)]
pub struct VerificationValideur<'a> {
    pub cadre: CadreFacturation,
    /// Le SIRET du valideur tel que saisi (espaces retirés).
    pub valideur: &'a str,
    pub code_service_valideur: &'a str,
    /// L'entreprise du registre qui porte ce SIRET, s'il y en a une.
    pub connu: Option<&'a ValideurConnu>,
    /// Le SIRET du fournisseur qui dépose.
    pub fournisseur: &'a str,
    /// Le SIRET du destinataire saisi.
    pub destinataire: &'a str,
}

/// Le défaut du valideur désigné, s'il y en a un : (code de l'anomalie, message).
pub fn controler_valideur(v: &VerificationValideur<'_>) -> Option<(&'static str, String)> {
    let exige = crate::circuit::Circuit::de(v.cadre).exige_un_valideur();
    if !exige {
        if v.valideur.is_empty() && v.code_service_valideur.is_empty() {
            return None;
        }
        return Some((
            "VALIDEUR_HORS_CADRE",
            "Le valideur ne se renseigne que pour une facture de sous-traitant (cadre A9) ou de cotraitant \
             (cadre A12). Pour ce cadre, laissez les champs du valideur vides."
                .into(),
        ));
    }
    let qui = if v.cadre == CadreFacturation::A12FactureCotraitant {
        "le SIRET du mandataire du groupement, qui doit prendre connaissance de votre facture"
    } else {
        "le SIRET du titulaire du marché, qui doit accepter votre demande de paiement"
    };
    if v.valideur.is_empty() {
        return Some((
            "VALIDEUR_OBLIGATOIRE",
            format!("Pour le cadre « {} », le valideur est obligatoire : indiquez {qui}.", v.cadre.libelle()),
        ));
    }
    if let Err(e) = v.valideur.parse::<Siret>() {
        return Some(("VALIDEUR_SIRET_INVALIDE", format!("SIRET du valideur « {} » : {e}", v.valideur)));
    }
    if v.valideur == v.fournisseur {
        return Some((
            "VALIDEUR_EST_LE_FOURNISSEUR",
            format!("Vous avez indiqué votre propre SIRET comme valideur : indiquez {qui}."),
        ));
    }
    if v.valideur == v.destinataire {
        return Some((
            "VALIDEUR_EST_LE_DESTINATAIRE",
            format!(
                "Le SIRET du valideur est celui du destinataire public. Le valideur est une entreprise : \
                 indiquez {qui}."
            ),
        ));
    }
    let Some(connu) = v.connu else {
        return Some((
            "VALIDEUR_INCONNU",
            format!(
                "Aucune entreprise de SIRET {} n'est inscrite dans Chorus Pro : vérifiez le SIRET sur l'acte \
                 de sous-traitance ou la convention de groupement.",
                v.valideur
            ),
        ));
    };
    if !connu.active {
        return Some((
            "VALIDEUR_FERME",
            format!(
                "L'établissement {} ({}) est fermé : il ne peut pas valider de facture. Vérifiez le SIRET de \
                 l'établissement en activité.",
                connu.raison_sociale, v.valideur
            ),
        ));
    }
    if v.code_service_valideur.chars().count() > CODE_SERVICE_VALIDEUR_MAX {
        return Some((
            "CODE_SERVICE_VALIDEUR_TROP_LONG",
            format!("Le code service du valideur compte {CODE_SERVICE_VALIDEUR_MAX} caractères au plus."),
        ));
    }
    None
}

/// Ce que répond un valideur.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reponse {
    /// Accord ; le premier valideur d'un sous-traitant de cotraitant désigne le mandataire.
    Valider { second_valideur: Option<String> },
    /// Refus avec un motif de la liste (l'erreur de valideur renvoie la facture au fournisseur).
    Refuser { motif: &'static MotifRefus, precision: String },
}

/// Le rôle d'une entreprise dans les marchés du monde simulé (colonne `Role` du registre).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleMarche {
    Titulaire,
    Mandataire,
    Cotraitant,
    /// Un sous-traitant : désigné comme valideur, c'est que le déposant est son propre
    /// sous-traitant, de second rang.
    SousTraitant,
    Autre,
}

impl RoleMarche {
    pub fn depuis_registre(role: &str) -> RoleMarche {
        match role {
            "titulaire_travaux" | "titulaire" => RoleMarche::Titulaire,
            "mandataire" => RoleMarche::Mandataire,
            "cotraitant" => RoleMarche::Cotraitant,
            "sous_traitant" => RoleMarche::SousTraitant,
            _ => RoleMarche::Autre,
        }
    }
}

/// Jours après la mise à disposition où un valideur simulé donne son accord.
pub const JOURS_ACCORD_SIMULE: u32 = 5;
/// Jours après la mise à disposition où un valideur simulé signale qu'il n'est pas le bon.
pub const JOURS_ERREUR_SIMULEE: u32 = 2;

/// Ce que fait, sans scénario, un valideur que personne ne joue : il reconnaît les marchés où il
/// a un rôle. Le titulaire (ou le cotraitant qui a sous-traité) valide une facture de
/// sous-traitant, le mandataire celle d'un cotraitant et le second niveau ; une entreprise sans
/// ce rôle répond qu'elle n'est pas le bon valideur. Le cotraitant qui valide désigne le
/// mandataire du groupement (`mandataire`) comme second valideur. Un sous-traitant désigné comme
/// valideur d'une facture A9 refuse : celui qui dépose est son propre sous-traitant, de second
/// rang, et seul le sous-traitant de premier rang est payé directement (article L2193-11).
pub fn reponse_simulee(
    cadre: CadreFacturation,
    niveau: u8,
    role: RoleMarche,
    mandataire: Option<&str>,
) -> (u32, Reponse) {
    use CadreFacturation::{
        A9FactureSousTraitant, A10ProjetDecompteMensuelSousTraitant, A11ProjetDecompteFinalSousTraitant,
        A12FactureCotraitant, A13ProjetDecompteMensuelCotraitant, A14ProjetDecompteFinalCotraitant,
    };
    let sous_traitance = matches!(
        cadre,
        A9FactureSousTraitant | A10ProjetDecompteMensuelSousTraitant | A11ProjetDecompteFinalSousTraitant
    );
    let cotraitance = matches!(
        cadre,
        A12FactureCotraitant | A13ProjetDecompteMensuelCotraitant | A14ProjetDecompteFinalCotraitant
    );
    let reconnu = match (cadre, niveau, role) {
        (_, 1, RoleMarche::Titulaire | RoleMarche::Mandataire) if sous_traitance => true,
        (CadreFacturation::A9FactureSousTraitant, 1, RoleMarche::Cotraitant) => {
            return (
                JOURS_ACCORD_SIMULE,
                Reponse::Valider { second_valideur: mandataire.map(str::to_string) },
            );
        }
        // Travaux : le sous-traitant d'un cotraitant n'a qu'un niveau de validation, son cotraitant.
        (
            A10ProjetDecompteMensuelSousTraitant | A11ProjetDecompteFinalSousTraitant,
            1,
            RoleMarche::Cotraitant,
        ) => true,
        (_, 1, RoleMarche::SousTraitant) if sous_traitance => {
            let second_rang =
                MOTIFS_REFUS.iter().find(|m| m.code == "SECOND_RANG").unwrap_or(&MOTIFS_REFUS[0]);
            return (
                JOURS_ERREUR_SIMULEE,
                Reponse::Refuser {
                    motif: second_rang,
                    precision: "Vous êtes notre sous-traitant : facturez-nous directement.".into(),
                },
            );
        }
        (_, 1, RoleMarche::Mandataire) if cotraitance => true,
        (_, 2, RoleMarche::Mandataire) => true,
        _ => false,
    };
    if reconnu {
        (JOURS_ACCORD_SIMULE, Reponse::Valider { second_valideur: None })
    } else {
        (JOURS_ERREUR_SIMULEE, Reponse::Refuser { motif: &MOTIFS_REFUS[0], precision: String::new() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(a: i32, m: u32, j: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(a, m, j).unwrap()
    }

    #[test]
    fn quinze_jours_a_compter_du_depot() {
        let depot = d(2026, 11, 2);
        assert_eq!(dernier_jour(depot), d(2026, 11, 17));
        assert_eq!(jour_de_la_validation_tacite(depot), d(2026, 11, 18));
        assert!(!delai_ecoule(depot, d(2026, 11, 17)));
        assert!(delai_ecoule(depot, d(2026, 11, 18)));
        // Par-dessus la fin du mois et de l'année.
        assert_eq!(jour_de_la_validation_tacite(d(2026, 12, 20)), d(2027, 1, 5));
    }

    #[test]
    fn motifs_de_refus() {
        let mut codes = std::collections::BTreeSet::new();
        for m in &MOTIFS_REFUS {
            assert!(codes.insert(m.code) && !m.libelle.is_empty());
        }
        assert_eq!(MOTIFS_REFUS.iter().filter(|m| m.erreur_de_valideur).count(), 1);
        let autre = MotifRefus::depuis_code("AUTRE").unwrap();
        assert!(texte_du_refus(autre, " ").unwrap_err().contains("demande une précision"));
        assert_eq!(
            texte_du_refus(MotifRefus::depuis_code("DOUBLON").unwrap(), "déjà payée en octobre").unwrap(),
            "Demande de paiement déjà présentée — déjà payée en octobre"
        );
        assert!(texte_du_refus(autre, &"x".repeat(250)).unwrap_err().contains("255"));
    }

    fn verif<'a>(
        cadre: CadreFacturation,
        valideur: &'a str,
        connu: Option<&'a ValideurConnu>,
    ) -> VerificationValideur<'a> {
        VerificationValideur {
            cadre,
            valideur,
            code_service_valideur: "",
            connu,
            fournisseur: "92391234900068",
            destinataire: "21852884200097",
        }
    }

    #[test]
    fn le_valideur_est_verifie() {
        let actif = ValideurConnu { raison_sociale: "BATIMENTS DU CAUSSE SAS".into(), active: true };
        let ferme = ValideurConnu { raison_sociale: "QUINCAILLERIE (FERMEE)".into(), active: false };
        let a9 = CadreFacturation::A9FactureSousTraitant;
        let code = |v: VerificationValideur<'_>| controler_valideur(&v).map(|(c, _)| c);
        assert_eq!(code(verif(a9, "62211306600055", Some(&actif))), None);
        assert_eq!(code(verif(a9, "", None)), Some("VALIDEUR_OBLIGATOIRE"));
        assert_eq!(code(verif(a9, "62211306600056", None)), Some("VALIDEUR_SIRET_INVALIDE"));
        assert_eq!(code(verif(a9, "92391234900068", Some(&actif))), Some("VALIDEUR_EST_LE_FOURNISSEUR"));
        assert_eq!(code(verif(a9, "21852884200097", None)), Some("VALIDEUR_EST_LE_DESTINATAIRE"));
        assert_eq!(code(verif(a9, "62211306600055", None)), Some("VALIDEUR_INCONNU"));
        assert_eq!(code(verif(a9, "53611402800049", Some(&ferme))), Some("VALIDEUR_FERME"));
        let a1 = CadreFacturation::A1FactureFournisseur;
        assert_eq!(code(verif(a1, "", None)), None);
        assert_eq!(code(verif(a1, "62211306600055", Some(&actif))), Some("VALIDEUR_HORS_CADRE"));
        let m = controler_valideur(&verif(CadreFacturation::A12FactureCotraitant, "", None)).unwrap().1;
        assert!(m.contains("mandataire du groupement"), "{m}");
    }

    #[test]
    fn un_valideur_simule_reconnait_ses_marches() {
        use CadreFacturation::{A9FactureSousTraitant as A9, A12FactureCotraitant as A12};
        let valide = |r: (u32, Reponse)| matches!(r, (JOURS_ACCORD_SIMULE, Reponse::Valider { .. }));
        assert!(valide(reponse_simulee(A9, 1, RoleMarche::Titulaire, None)));
        assert!(valide(reponse_simulee(A12, 1, RoleMarche::Mandataire, None)));
        assert!(valide(reponse_simulee(A9, 2, RoleMarche::Mandataire, None)));
        assert!(!valide(reponse_simulee(A12, 1, RoleMarche::Titulaire, None)));
        assert!(!valide(reponse_simulee(A9, 1, RoleMarche::Autre, None)));
        assert_eq!(
            reponse_simulee(A9, 1, RoleMarche::Cotraitant, Some("54006756800076")),
            (JOURS_ACCORD_SIMULE, Reponse::Valider { second_valideur: Some("54006756800076".into()) })
        );
        // Le sous-traitant d'un sous-traitant n'est pas payé directement.
        let (jours, r) = reponse_simulee(A9, 1, RoleMarche::SousTraitant, None);
        assert_eq!(jours, JOURS_ERREUR_SIMULEE);
        assert!(matches!(r, Reponse::Refuser { motif, .. } if motif.code == "SECOND_RANG"));
        let (jours, r) = reponse_simulee(A9, 1, RoleMarche::Autre, None);
        assert_eq!(jours, JOURS_ERREUR_SIMULEE);
        assert!(matches!(r, Reponse::Refuser { motif, .. } if motif.erreur_de_valideur));
    }
}
