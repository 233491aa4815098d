//! Le seul module qui connaît les crates `en16931` (le modèle) et `en16931-formats` (UBL, CII,
//! Factur-X) : il lit les octets et en rend les données en types simples ([`Donnees`]). Changer
//! de bibliothèque ne toucherait qu'ici.

use en16931::Invoice;
use en16931::invoice::{DocumentKind, Party};
use en16931_formats::{Error as ErreurLecture, Syntax, zugferd};
use rust_decimal::Decimal;

use crate::correspondance::{
    Donnees, LigneDonnee, Partie, RegleEnfreinte, RemiseOuFrais, TauxDonne, TotauxDeclares,
};
use crate::erreur::Refus;
use crate::syntaxe::SyntaxeFlux;

/// Lit une facture UBL, CII ou Factur-X. Les octets ont déjà passé les limites de taille et le
/// refus des DTD ([`crate::lecture`]) ; la profondeur est bornée ici, avant l'analyse.
pub(crate) fn lire(
    octets: &[u8],
    flux_pdf_max: usize,
) -> Result<(SyntaxeFlux, Donnees, Vec<String>, Vec<RegleEnfreinte>), Refus> {
    let limites =
        zugferd::Limits::new().with_max_stream_bytes(flux_pdf_max).with_max_total_bytes(flux_pdf_max * 2);
    let lu = en16931_formats::read_with(octets, &limites).map_err(refus)?;
    let syntaxe = match (lu.pdf.is_some(), lu.syntax) {
        (true, _) => SyntaxeFlux::E2FacturX,
        (false, Syntax::Ubl) => SyntaxeFlux::E1Ubl,
        (false, _) => SyntaxeFlux::E1Cii,
    };
    let remarques = lu.entries.iter().map(|e| e.to_string()).collect();
    Ok((syntaxe, donnees(&lu.invoice), remarques, regles_enfreintes(&lu.invoice)))
}

/// Les règles de la norme EN 16931 (BR-…, BR-CO-…) que la facture enfreint, d'après le jeu
/// complet des règles du noyau de la norme ; seules les fatales comptent (la seule règle
/// d'avertissement, BR-51, porte sur le masquage d'un numéro de carte).
fn regles_enfreintes(f: &Invoice) -> Vec<RegleEnfreinte> {
    en16931::validation::validate(f)
        .fatal()
        .map(|x| RegleEnfreinte {
            regle: x.rule.clone(),
            terme: x.path.to_string(),
            texte: x.message.clone(),
        })
        .collect()
}

fn refus(e: ErreurLecture) -> Refus {
    match e {
        ErreurLecture::Encoding { found } => Refus::Encodage { encodage: found },
        ErreurLecture::Xml { message, line, column } => {
            if message.contains("DTD") || message.contains("DOCTYPE") || message.contains("ntit") {
                Refus::DtdInterdite
            } else {
                Refus::XmlMalForme { ligne: line, colonne: column, detail: message }
            }
        }
        ErreurLecture::TooDeep { depth, limit } => Refus::TropProfond { profondeur: depth, limite: limit },
        ErreurLecture::NotAnInvoice { found, .. } => Refus::PasUneFacture { racine: found },
        ErreurLecture::Pdf(zugferd::Error::NoInvoice { .. }) => Refus::PdfSansFacture,
        ErreurLecture::Pdf(autre) => Refus::PdfIllisible { detail: autre.to_string() },
        _ => Refus::FormatInconnu,
    }
}

fn texte(s: &Option<String>) -> Option<String> {
    s.as_ref().map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

fn partie(p: &Party) -> Partie {
    Partie {
        nom: texte(&p.name),
        identifiants: p
            .identifiers
            .iter()
            .map(|i| (i.content().trim().to_string(), i.scheme().map(str::to_string)))
            .collect(),
        immatriculation: p
            .legal_registration
            .as_ref()
            .map(|i| (i.content().trim().to_string(), i.scheme().map(str::to_string))),
        tva: texte(&p.vat_identifier),
    }
}

fn donnees(f: &Invoice) -> Donnees {
    let lignes = f
        .lines
        .iter()
        .map(|l| LigneDonnee {
            id: l.id.clone(),
            reference: texte(&l.item.seller_identifier),
            designation: texte(&l.item.name),
            quantite: l.quantity.into_decimal(),
            unite: l.unit_code.as_str().to_string(),
            prix_net: l.price.net_price.into_decimal(),
            quantite_de_base: l.price.base_quantity.map(|q| q.into_decimal()),
            remises: l.allowances.iter().map(|a| a.amount.into_decimal()).sum(),
            frais: l.charges.iter().map(|c| c.amount.into_decimal()).sum(),
            montant_net: l.net_amount.into_decimal(),
            taux: l.vat.rate.map(|r| r.into_decimal()),
            categorie: l.vat.category.as_str().to_string(),
        })
        .collect();
    let remise_ou_frais = |a: &en16931::invoice::DocumentAllowanceCharge, frais: bool| RemiseOuFrais {
        frais,
        montant: a.amount.into_decimal(),
        motif: texte(&a.reason),
        taux: a.vat.rate.map(|r| r.into_decimal()),
        categorie: a.vat.category.as_str().to_string(),
    };
    let t = &f.totals;
    Donnees {
        avoir: f.kind == DocumentKind::CreditNote,
        type_code: f.type_code.as_ref().map(|c| c.as_str().to_string()),
        numero: texte(&f.number),
        date: f.issue_date.map(|d| d.to_string()),
        cadre: texte(&f.business_process),
        profil: texte(&f.specification_id),
        vendeur: partie(&f.seller),
        acheteur: partie(&f.buyer),
        code_service: texte(&f.buyer_reference),
        engagement: f.purchase_order_reference.as_ref().map(|r| r.as_str().trim().to_string()),
        marche: f.contract_reference.as_ref().map(|r| r.as_str().trim().to_string()),
        moyen_paiement: f
            .payment
            .as_ref()
            .and_then(|p| p.means_code.as_ref())
            .map(|c| c.as_str().to_string()),
        code_date_tva: f.vat_point_date_code.as_ref().map(|c| c.as_str().to_string()),
        taux: f
            .vat_breakdown
            .iter()
            .map(|v| TauxDonne {
                categorie: v.category.as_str().to_string(),
                taux: v.rate.map(|r| r.into_decimal()),
                motif: texte(&v.exemption_reason),
            })
            .collect(),
        factures_precedentes: f
            .preceding_invoices
            .iter()
            .map(|p| p.reference.as_str().trim().to_string())
            .collect(),
        notes: f.notes.iter().filter_map(|n| texte(&n.note)).collect(),
        lignes,
        remises_et_frais: f
            .allowances
            .iter()
            .map(|a| remise_ou_frais(a, false))
            .chain(f.charges.iter().map(|c| remise_ou_frais(c, true)))
            .collect(),
        totaux: TotauxDeclares {
            total_ht: t.taxable_total.into_decimal(),
            total_tva: t.vat_total.map_or(Decimal::ZERO, |v| v.into_decimal()),
            total_ttc: t.gross_total.into_decimal(),
            deja_paye: t.paid.map_or(Decimal::ZERO, |v| v.into_decimal()),
            montant_a_payer: t.due.into_decimal(),
        },
        devise: f.currency.as_ref().map(|c| c.as_str().to_string()),
    }
}
