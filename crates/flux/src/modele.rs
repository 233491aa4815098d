//! Le seul module qui connaît les crates `en16931` (le modèle) et `en16931-formats` (UBL, CII,
//! Factur-X) : il lit les octets et en rend les données en types simples ([`Donnees`]), et écrit
//! une facture saisie en CII ou UBL. Changer de bibliothèque ne toucherait qu'ici.

use en16931::Invoice;
use en16931::invoice::{DocumentKind, Party};
use en16931_formats::{Error as ErreurLecture, Syntax, zugferd};
use rust_decimal::Decimal;

use crate::correspondance::{
    Donnees, LigneDonnee, Partie, RegleEnfreinte, RemiseOuFrais, TauxDonne, TotauxDeclares,
};
use crate::erreur::Refus;
use crate::production::{
    FactureAEcrire, PartieAEcrire, SyntaxeEcrite, categorie, code_paiement, code_type, code_unite, numero_tva,
};
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

/// Écrit une facture saisie en CII ou en UBL (profil EN 16931) : le modèle est construit, les
/// montants de TVA et les totaux recalculés par groupe de taux (`Reconciler`), puis écrit.
pub(crate) fn ecrire(f: &FactureAEcrire<'_>, syntaxe: SyntaxeEcrite) -> Result<String, String> {
    let cible = match syntaxe {
        SyntaxeEcrite::Cii => Syntax::Cii,
        SyntaxeEcrite::Ubl => Syntax::Ubl,
    };
    let inv = construire(f)?;
    en16931_formats::write_unchecked(&inv, cible).map(|w| w.xml).map_err(|e| e.to_string())
}

/// Joint la facture, en CII (profil EN 16931), au PDF/A-3 qui la montre : le fichier
/// `factur-x.xml`, sa relation `Alternative`, et les métadonnées XMP Factur-X (profil,
/// version, nom du fichier). La facture doit respecter les règles de la norme : une facture
/// qui les enfreint n'a pas de forme Factur-X, et la règle enfreinte est rendue.
pub(crate) fn factur_x(f: &FactureAEcrire<'_>, pdf_a3: &[u8]) -> Result<Vec<u8>, String> {
    use en16931::profiles::En16931;
    use en16931::validation::profile::Validated;
    let inv = construire(f)?;
    let prouvee = Validated::<En16931>::new(inv).map_err(|rejet| {
        let regles: Vec<String> =
            rejet.report().fatal().map(|x| format!("{} ({})", x.rule, x.message)).collect();
        format!("la facture enfreint les règles de la norme EN 16931 : {}", regles.join(" ; "))
    })?;
    let options = zugferd::EmbedOptions {
        metadata: Some(zugferd::Metadata {
            title: format!("{} : facture {}", f.vendeur.nom, f.facture.numero),
            subject: format!(
                "Facture {} du {}, émise par {}",
                f.facture.numero, f.facture.date_facture, f.vendeur.nom
            ),
            author: f.vendeur.nom.clone(),
        }),
        // La date du fichier joint est celle de la facture : un même document donne les mêmes octets.
        modified: f.facture.date_facture.and_hms_opt(12, 0, 0).map(|d| {
            std::time::UNIX_EPOCH
                + std::time::Duration::from_secs(d.and_utc().timestamp().max(0).unsigned_abs())
        }),
        ..Default::default()
    };
    zugferd::embed(pdf_a3, &prouvee, &options).map_err(|e| format!("Factur-X : {e}"))
}

/// Le modèle EN 16931 d'une facture saisie.
fn construire(f: &FactureAEcrire<'_>) -> Result<Invoice, String> {
    use en16931::invoice::{
        CreditTransfer, InvoiceLine, LineAllowanceCharge, PaymentInstructions, PaymentMeans, PostalAddress,
        PrecedingInvoice, PriceDetails,
    };
    use en16931::{
        Date, DocumentReference, Identifier, InvoiceAmount, Percentage, Quantity, UnitPriceAmount,
    };

    let fa = f.facture;
    let montant =
        |d: Decimal| InvoiceAmount::try_from(d.round_dp(2)).map_err(|e| format!("montant {d} : {e}"));
    let date = |d: chrono::NaiveDate| {
        use chrono::Datelike;
        Date::new(d.year(), d.month() as u8, d.day() as u8).map_err(|e| e.to_string())
    };
    let partie = |p: &PartieAEcrire| -> Result<Party, String> {
        let adresse = PostalAddress::new(p.adresse.clone(), p.ville.clone(), p.code_postal.clone(), "FR")
            .map_err(|e| e.to_string())?;
        let mut partie = Party::new(p.nom.clone(), adresse);
        partie.identifiers = vec![Identifier::schemed(p.siret.clone(), "0009")];
        if p.siret.len() == 14 {
            partie.legal_registration = Some(Identifier::schemed(&p.siret[..9], "0002"));
        }
        Ok(partie)
    };
    let mut vendeur = partie(&f.vendeur)?;
    if let Some(tva) = (f.vendeur.siret.len() == 14).then(|| numero_tva(&f.vendeur.siret[..9])).flatten() {
        vendeur.vat_identifier = Some(tva);
    }
    let acheteur = partie(&f.acheteur)?;
    let mut b = Invoice::builder(
        "urn:cen.eu:en16931:2017",
        fa.numero.clone(),
        date(fa.date_facture)?,
        code_type(fa.type_facture),
        "EUR",
    )
    .seller(vendeur)
    .buyer(acheteur)
    .business_process(fa.cadre.code_court());
    if !fa.code_service.is_empty() {
        b = b.buyer_reference(fa.code_service.clone());
    }
    if !fa.numero_engagement.is_empty() {
        b = b.purchase_order_reference(DocumentReference::new(fa.numero_engagement.clone()));
    }
    if !fa.numero_marche.is_empty() {
        b = b.contract_reference(DocumentReference::new(fa.numero_marche.clone()));
    }
    if fa.type_facture == chorus_domain::facture::TypeFacture::Facture {
        b = b.payment_terms("Paiement dans le délai global de paiement applicable à l'acheteur public.");
        let means = (fa.mode_paiement == chorus_domain::facture::ModePaiement::Virement)
            .then(|| f.iban.clone())
            .flatten()
            .map(|iban| {
                PaymentMeans::CreditTransfer(vec![CreditTransfer {
                    account_identifier: Some(iban),
                    ..Default::default()
                }])
            });
        b = b.payment(PaymentInstructions {
            means_code: Some(code_paiement(fa.mode_paiement).into()),
            means,
            ..Default::default()
        });
    }
    if fa.type_facture == chorus_domain::facture::TypeFacture::Avoir {
        // Un montant dû positif demande des conditions de paiement (règle BR-CO-25).
        b = b.payment_terms(
            "Avoir à déduire des sommes dues par l'acheteur public au titre de la facture d'origine.",
        );
    }
    if !fa.commentaire.trim().is_empty() {
        b = b.note(fa.commentaire.trim().to_string());
    }
    for (i, l) in fa.lignes.iter().enumerate() {
        let taux = l.taux_tva.pourcentage();
        let cat = categorie(fa.type_tva, taux);
        let mut ligne = InvoiceLine::new(
            (i + 1).to_string(),
            if l.designation.is_empty() { l.reference.clone() } else { l.designation.clone() },
            Quantity::new(l.quantite),
            code_unite(&l.unite),
            montant(l.montant_ht())?,
            cat,
            Some(Percentage::new(if cat == "S" { taux } else { Decimal::ZERO })),
        )
        .with_price(PriceDetails {
            net_price: UnitPriceAmount::new(l.prix_unitaire_ht),
            ..Default::default()
        });
        if !l.remise_ht.is_zero() {
            ligne.allowances.push(LineAllowanceCharge {
                amount: montant(l.remise_ht)?,
                base_amount: None,
                percentage: None,
                reason: Some("Remise".into()),
                reason_code: None,
            });
        }
        if !l.reference.is_empty() {
            ligne.item.seller_identifier = Some(l.reference.clone());
        }
        b = b.line(ligne);
    }
    let motif =
        Some(fa.motif_exoneration.as_str()).filter(|m| !m.trim().is_empty()).unwrap_or("Exonération de TVA");
    let mut reconciliateur = en16931::reconcile::Reconciler::new()
        .exemption("E", Some(motif), None)
        .exemption("O", Some("Hors du champ de la TVA"), None);
    if fa.cadre == chorus_domain::facture::CadreFacturation::A2FactureFournisseurDejaPayee {
        reconciliateur = reconciliateur.paid(montant(fa.totaux().total_ttc)?);
    }
    let mut inv = b.build_reconciled_with(&reconciliateur).map_err(|e| e.to_string())?;
    if fa.type_facture == chorus_domain::facture::TypeFacture::Avoir {
        // En CII, le code 381 suffit à dire l'avoir ; le modèle le dit aussi (règle BR-CL-01).
        inv.kind = DocumentKind::CreditNote;
        if !fa.numero_facture_origine.is_empty() {
            inv.preceding_invoices.push(PrecedingInvoice {
                reference: DocumentReference::new(fa.numero_facture_origine.clone()),
                issue_date: None,
            });
        }
    }
    Ok(inv)
}
