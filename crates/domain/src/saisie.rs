//! De la saisie brute (ce que le stagiaire a tapé) à une [`Facture`], puis les contrôles de
//! Chorus Pro. Chaque problème devient une [`Anomalie`] qui nomme le champ.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::anomalie::Anomalie;
use crate::facture::Facture;
use crate::structure::{Service, StructurePublique};

/// Le formulaire tel que tapé : tout est texte, rien n'est encore vérifié.
/// Les noms de champs sont ceux du formulaire du portail et de [`Anomalie::champ`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaisieBrute {
    pub numero: String,
    pub date_facture: String,
    pub type_facture: String,
    pub cadre: String,
    pub destinataire: String,
    pub code_service: String,
    pub numero_engagement: String,
    pub numero_marche: String,
    pub mode_paiement: String,
    pub type_tva: String,
    pub motif_exoneration: String,
    pub numero_facture_origine: String,
    pub commentaire: String,
    pub lignes: Vec<LigneBrute>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LigneBrute {
    pub reference: String,
    pub designation: String,
    pub quantite: String,
    pub unite: String,
    pub prix_unitaire_ht: String,
    pub remise_ht: String,
    pub taux_tva: String,
}

impl LigneBrute {
    /// Une ligne laissée entièrement vide dans le formulaire est ignorée.
    pub fn est_vide(&self) -> bool {
        [&self.reference, &self.designation, &self.quantite, &self.unite, &self.prix_unitaire_ht, &self.remise_ht]
            .iter()
            .all(|s| s.trim().is_empty())
    }
}

/// Le destinataire trouvé dans l'annuaire, avec ses services.
#[derive(Debug, Clone)]
pub struct DestinataireConnu {
    pub structure: StructurePublique,
    pub services: Vec<Service>,
}

/// Ce que les contrôles doivent savoir du monde.
#[derive(Debug, Clone)]
pub struct Contexte<'a> {
    /// Le destinataire de l'annuaire dont l'identifiant a été saisi, s'il existe.
    pub destinataire: Option<&'a DestinataireConnu>,
    /// Le fournisseur a déjà une autre facture avec ce numéro.
    pub numero_deja_utilise: bool,
    /// La date simulée du bac à sable.
    pub aujourd_hui: NaiveDate,
}

/// Analyse la saisie brute. Retourne la facture si chaque champ a la bonne forme, sinon toutes
/// les anomalies de forme (champ obligatoire vide, nombre illisible, date invalide, longueur…).
pub fn analyser(brut: &SaisieBrute) -> Result<Facture, Vec<Anomalie>> {
    let _ = brut;
    todo!()
}

/// Les contrôles de Chorus Pro sur une facture bien formée (destinataire, service, engagement,
/// numéro, date, TVA…). Une liste vide veut dire : la facture peut être envoyée.
pub fn controler(facture: &Facture, ctx: &Contexte<'_>) -> Vec<Anomalie> {
    let _ = (facture, ctx);
    todo!()
}

/// Analyse puis contrôle : toutes les anomalies d'un coup, ou la facture prête à envoyer.
pub fn verifier(brut: &SaisieBrute, ctx: &Contexte<'_>) -> Result<Facture, Vec<Anomalie>> {
    let facture = analyser(brut)?;
    let anomalies = controler(&facture, ctx);
    if anomalies.is_empty() { Ok(facture) } else { Err(anomalies) }
}
