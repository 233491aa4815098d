//! La facture lisible d'une facture saisie : la page qu'un logiciel de facturation imprimerait
//! (émetteur, destinataire, références Chorus Pro, lignes, ventilation de la TVA, totaux), en
//! PDF/A-3. C'est la partie visible d'une Factur-X ; le XML lui est joint par la crate des flux.

use chorus_domain::facture::{Facture, ModePaiement, TypeFacture, TypeTva};
use chorus_domain::montants::{format_euros, format_nombre};

use crate::erreur::Erreur;
use crate::production::{Colonne, DocumentPdf, Tableau};

/// Une partie de la facture telle qu'elle est imprimée.
pub struct PartieLisible<'a> {
    pub nom: &'a str,
    pub siret: &'a str,
    pub adresse: &'a str,
    pub code_postal: &'a str,
    pub ville: &'a str,
}

pub struct FactureLisible<'a> {
    pub facture: &'a Facture,
    pub vendeur: PartieLisible<'a>,
    pub acheteur: PartieLisible<'a>,
    /// L'IBAN du fournisseur, pour un paiement par virement.
    pub iban: Option<&'a str>,
}

/// Le PDF/A-3 de la facture, daté de sa date de facture.
pub fn facture_pdfa3(f: &FactureLisible<'_>) -> Result<Vec<u8>, Erreur> {
    let fa = f.facture;
    let nature = match fa.type_facture {
        TypeFacture::Facture => "Facture",
        TypeFacture::Avoir => "Avoir",
    };
    let titre = format!("{nature} n° {}", fa.numero);
    let adresse = |p: &PartieLisible<'_>| format!("{}, {} {}", p.adresse, p.code_postal, p.ville);
    let mut doc = DocumentPdf::nouveau(&format!("{titre} — {}", f.vendeur.nom))
        .paragraphe_gras(f.vendeur.nom)
        .paragraphe(&format!("{}\nSIRET {}", adresse(&f.vendeur), f.vendeur.siret))
        .espace(6.0)
        .titre(&titre);
    let mut fiche: Vec<(String, String)> = vec![
        ("Date de facture".into(), fa.date_facture.format("%d/%m/%Y").to_string()),
        (
            "Destinataire".into(),
            format!("{}\n{}\nSIRET {}", f.acheteur.nom, adresse(&f.acheteur), f.acheteur.siret),
        ),
    ];
    let mut ajouter = |libelle: &str, valeur: &str| {
        if !valeur.trim().is_empty() {
            fiche.push((libelle.into(), valeur.into()));
        }
    };
    ajouter("Code service", &fa.code_service);
    ajouter("Engagement juridique (n° de bon de commande)", &fa.numero_engagement);
    ajouter("Numéro de marché", &fa.numero_marche);
    ajouter("Facture d'origine", &fa.numero_facture_origine);
    ajouter("Cadre de facturation", fa.cadre.libelle());
    doc = doc.fiche(&fiche);

    let lignes = fa
        .lignes
        .iter()
        .map(|l| {
            vec![
                l.reference.clone(),
                l.designation.clone(),
                format!("{} {}", format_nombre(l.quantite, 0), l.unite),
                format_nombre(l.prix_unitaire_ht, 2),
                format_nombre(l.remise_ht, 2),
                format!("{} %", format_nombre(l.taux_tva.pourcentage(), 0)),
                format_nombre(l.montant_ht(), 2),
            ]
        })
        .collect();
    doc = doc.tableau(Tableau {
        colonnes: vec![
            Colonne::new("Référence", 1.2),
            Colonne::new("Désignation", 3.0),
            Colonne::new("Quantité", 1.2).a_droite(),
            Colonne::new("Prix unitaire HT", 1.3).a_droite(),
            Colonne::new("Remise HT", 1.0).a_droite(),
            Colonne::new("TVA", 0.8).a_droite(),
            Colonne::new("Montant HT", 1.3).a_droite(),
        ],
        lignes,
    });

    let totaux = fa.totaux();
    let mut montants: Vec<(String, String)> = vec![("Total HT".into(), format_euros(totaux.total_ht))];
    for t in &totaux.tva {
        montants.push((
            format!("TVA {} % sur {}", format_nombre(t.taux.pourcentage(), 0), format_euros(t.base_ht)),
            format_euros(t.montant_tva),
        ));
    }
    montants.push(("Total TTC".into(), format_euros(totaux.total_ttc)));
    if totaux.montant_a_payer != totaux.total_ttc {
        montants.push(("Net à payer".into(), format_euros(totaux.montant_a_payer)));
    }
    doc = doc.fiche(&montants);

    let mut mentions = Vec::new();
    if matches!(fa.type_tva, TypeTva::Exoneration | TypeTva::SansTva)
        && !fa.motif_exoneration.trim().is_empty()
    {
        mentions.push(format!("Exonération de TVA : {}", fa.motif_exoneration.trim()));
    }
    if fa.type_facture == TypeFacture::Facture {
        let mode = match (fa.mode_paiement, f.iban) {
            (ModePaiement::Virement, Some(iban)) => format!(
                "Paiement par virement sur le compte IBAN {}, dans le délai global de paiement de l'acheteur public.",
                chorus_domain::coordonnees_bancaires::format_papier(iban)
            ),
            (m, _) => format!("Mode de paiement : {}.", m.libelle()),
        };
        mentions.push(mode);
    }
    if !fa.commentaire.trim().is_empty() {
        mentions.push(fa.commentaire.trim().to_string());
    }
    for m in &mentions {
        doc = doc.paragraphe(m);
    }
    doc.espace(8.0)
        .paragraphe(
            "Facture électronique Factur-X (profil EN 16931) : ses données structurées sont dans le fichier \
             factur-x.xml joint à ce PDF.",
        )
        .produire_pdfa3(fa.date_facture)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chorus_domain::facture::CadreFacturation;
    use chorus_domain::montants::{Ligne, TauxTva};
    use rust_decimal::Decimal;

    #[test]
    fn la_page_porte_les_references_les_lignes_et_les_totaux() {
        let facture = Facture {
            numero: "F-2026-014".into(),
            date_facture: chrono::NaiveDate::from_ymd_opt(2026, 11, 20).expect("date"),
            type_facture: TypeFacture::Facture,
            cadre: CadreFacturation::A1FactureFournisseur,
            destinataire: "21852884200097".into(),
            code_service: "SERVICES_TECHNIQUES".into(),
            numero_engagement: "EJ-2026-0042".into(),
            numero_marche: String::new(),
            mode_paiement: ModePaiement::Virement,
            type_tva: TypeTva::TvaSurDebit,
            motif_exoneration: String::new(),
            numero_facture_origine: String::new(),
            commentaire: String::new(),
            code_structure_valideur: String::new(),
            code_service_valideur: String::new(),
            lignes: vec![Ligne {
                reference: "POSE".into(),
                designation: "Pose de menuiseries".into(),
                quantite: Decimal::from(2),
                unite: "jour".into(),
                prix_unitaire_ht: Decimal::from(600),
                remise_ht: Decimal::ZERO,
                taux_tva: TauxTva::Normal,
            }],
        };
        let partie = |nom| PartieLisible {
            nom,
            siret: "40483304800022",
            adresse: "1 rue Haute",
            code_postal: "48100",
            ville: "VALCOMBE",
        };
        let pdf = facture_pdfa3(&FactureLisible {
            facture: &facture,
            vendeur: partie("MENUISERIE DU CAUSSE"),
            acheteur: partie("COMMUNE DE VALCOMBE"),
            iban: Some("FR7630006000011234567890189"),
        })
        .expect("PDF/A-3");
        let texte = lopdf::Document::load_mem(&pdf).and_then(|d| d.extract_text(&[1])).expect("texte");
        for attendu in [
            "Facture n° F-2026-014",
            "SERVICES_TECHNIQUES",
            "EJ-2026-0042",
            "A1 : Dépôt par un fournisseur d'une facture",
            "Pose de menuiseries",
            "1\u{a0}200,00",
            "1\u{a0}440,00 €",
            "FR76 3000 6000 0112 3456 7890 189",
        ] {
            assert!(texte.contains(attendu), "{attendu} manque : {texte}");
        }
        assert!(!texte.contains("Numéro de marché"), "rubrique vide imprimée : {texte}");
    }
}
