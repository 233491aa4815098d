//! Le certificat de dépôt : « Chorus Pro certifie que la facture est bien intégrée dans ses
//! bases de données » ; le fournisseur l'exporte une fois la facture déposée. Sa mise en page
//! n'est pas publiée : celle-ci reprend les données du dépôt que l'API renvoie (identifiant,
//! numéro, date de dépôt, statut) et les parties de la facture.

use chorus_domain::montants::format_euros;
use chorus_domain::piece_jointe::taille_lisible;
use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::erreur::Erreur;
use crate::production::{Colonne, DocumentPdf, Tableau};

/// Une partie de la facture : raison sociale et identifiant (SIRET le plus souvent).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Partie {
    pub raison_sociale: String,
    pub identifiant: String,
}

/// Les données du certificat.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CertificatDepot {
    /// L'identifiant de la facture dans le portail (identifiantFactureCPP).
    pub identifiant_cpp: String,
    pub numero_facture: String,
    pub type_facture: String,
    pub date_facture: Option<NaiveDate>,
    /// La date (simulée) à laquelle la facture est passée au statut « Déposée ».
    pub date_depot: Option<NaiveDate>,
    /// « Saisie sur le portail », « Dépôt PDF sur le portail ».
    pub mode_depot: String,
    pub cadre: String,
    pub fournisseur: Partie,
    pub destinataire: Partie,
    pub code_service: String,
    pub numero_engagement: String,
    pub total_ht: Decimal,
    pub total_tva: Decimal,
    pub total_ttc: Decimal,
    pub montant_a_payer: Decimal,
    /// Nom et taille de chaque fichier déposé avec la facture.
    pub fichiers: Vec<(String, u64)>,
}

fn date(d: Option<NaiveDate>) -> String {
    d.map_or_else(|| "—".to_string(), |d| d.format("%d/%m/%Y").to_string())
}

fn ou_tiret(s: &str) -> &str {
    if s.trim().is_empty() { "—" } else { s }
}

/// Le certificat de dépôt, en PDF.
pub fn certificat_depot(c: &CertificatDepot) -> Result<Vec<u8>, Erreur> {
    let mut doc = DocumentPdf::nouveau(&format!("Certificat de dépôt — facture {}", c.numero_facture))
        .titre("Certificat de dépôt")
        .paragraphe(&format!(
            "Le portail certifie que la facture n° {} a été déposée le {} et intégrée dans ses bases de données.",
            c.numero_facture,
            date(c.date_depot)
        ))
        .intertitre("Dépôt")
        .fiche(&[
            ("Identifiant de la facture", c.identifiant_cpp.as_str()),
            ("Numéro de facture", c.numero_facture.as_str()),
            ("Date de dépôt", date(c.date_depot).as_str()),
            ("Mode de dépôt", ou_tiret(&c.mode_depot)),
            ("Cadre de facturation", ou_tiret(&c.cadre)),
            ("Type", ou_tiret(&c.type_facture)),
            ("Date de facture", date(c.date_facture).as_str()),
        ])
        .intertitre("Fournisseur")
        .fiche(&[
            ("Raison sociale", ou_tiret(&c.fournisseur.raison_sociale)),
            ("Identifiant (SIRET)", ou_tiret(&c.fournisseur.identifiant)),
        ])
        .intertitre("Destinataire")
        .fiche(&[
            ("Raison sociale", ou_tiret(&c.destinataire.raison_sociale)),
            ("Identifiant (SIRET)", ou_tiret(&c.destinataire.identifiant)),
            ("Code service", ou_tiret(&c.code_service)),
            ("N° d'engagement", ou_tiret(&c.numero_engagement)),
        ])
        .intertitre("Montants")
        .tableau(Tableau {
            colonnes: vec![
                Colonne::new("Total HT", 1.0).a_droite(),
                Colonne::new("Total TVA", 1.0).a_droite(),
                Colonne::new("Total TTC", 1.0).a_droite(),
                Colonne::new("Montant à payer", 1.0).a_droite(),
            ],
            lignes: vec![vec![
                format_euros(c.total_ht),
                format_euros(c.total_tva),
                format_euros(c.total_ttc),
                format_euros(c.montant_a_payer),
            ]],
        });
    if !c.fichiers.is_empty() {
        doc = doc.intertitre("Fichiers déposés").tableau(Tableau {
            colonnes: vec![Colonne::new("Fichier", 4.0), Colonne::new("Taille", 1.0).a_droite()],
            lignes: c
                .fichiers
                .iter()
                .map(|(nom, taille)| vec![nom.clone(), taille_lisible(*taille)])
                .collect(),
        });
    }
    doc.espace(10.0)
        .paragraphe(
            "Ce certificat atteste du dépôt, pas de la conformité de la facture : le destinataire peut encore la \
             rejeter, la suspendre ou la renvoyer à recycler. Suivez son statut dans « Factures émises ».",
        )
        .produire()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn le_certificat_dit_la_date_de_depot_et_les_parties() {
        let c = CertificatDepot {
            identifiant_cpp: "0b8f-1234".into(),
            numero_facture: "FA-2026-042".into(),
            type_facture: "Facture".into(),
            date_facture: NaiveDate::from_ymd_opt(2026, 11, 20),
            date_depot: NaiveDate::from_ymd_opt(2026, 11, 22),
            mode_depot: "Dépôt PDF sur le portail".into(),
            cadre: "A1 : Dépôt par un fournisseur d'une facture".into(),
            fournisseur: Partie {
                raison_sociale: "Jardins d'Émeraude".into(),
                identifiant: "12345678200010".into(),
            },
            destinataire: Partie {
                raison_sociale: "Commune de Lœuilly".into(),
                identifiant: "21800001400019".into(),
            },
            code_service: "SERV-01".into(),
            numero_engagement: String::new(),
            total_ht: Decimal::new(30000, 2),
            total_tva: Decimal::new(6000, 2),
            total_ttc: Decimal::new(36000, 2),
            montant_a_payer: Decimal::new(36000, 2),
            fichiers: vec![("facture.pdf".into(), 2048), ("bon de livraison.jpg".into(), 5 * 1024 * 1024)],
        };
        let pdf = certificat_depot(&c).expect("produit");
        let texte = crate::production::tests::texte_du_pdf(&pdf);
        for attendu in [
            "Certificat de dépôt",
            "déposée le 22/11/2026",
            "FA-2026-042",
            "0b8f-1234",
            "Jardins d'Émeraude",
            "12345678200010",
            "Commune de Lœuilly",
            "21800001400019",
            "SERV-01",
            "360,00 €",
            "bon de livraison.jpg",
            "5,0 Mo",
            "Dépôt PDF sur le portail",
        ] {
            assert!(texte.contains(attendu), "« {attendu} » absent de :\n{texte}");
        }
    }
}
