//! Du contenu d'une facture structurée à ce que la saisie de Chorus Pro demande : la facture lue
//! devient une [`SaisieBrute`], qui passe ensuite exactement les contrôles d'une facture saisie
//! au portail (destinataire dans l'annuaire, code service, engagement, cadre, taux de TVA,
//! numéro déjà utilisé…), sans qu'ils soient réécrits ici.
//!
//! Où chaque donnée se trouve (flux-formats.md §0, §1.2) : cadre BT-23, code service BT-10,
//! engagement juridique BT-13, marché BT-12, destinataire BT-46 (SIRET, schéma 0009) ou BT-47
//! (immatriculation : SIRET sous le schéma 0002 des anciens connecteurs, ou le code Chorus `1`).

use chorus_domain::facture::CadreFacturation;
use chorus_domain::montants::arrondir;
use chorus_domain::saisie::{LigneBrute, SaisieBrute};
use rust_decimal::Decimal;

use crate::syntaxe::SyntaxeFlux;

/// Une partie (vendeur BG-4, acheteur BG-7) telle que le fichier la donne.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Partie {
    pub nom: Option<String>,
    /// BT-29 / BT-46 : identifiants, avec leur schéma.
    pub identifiants: Vec<(String, Option<String>)>,
    /// BT-30 / BT-47 : l'immatriculation légale, avec son schéma.
    pub immatriculation: Option<(String, Option<String>)>,
    /// BT-31 / BT-48.
    pub tva: Option<String>,
}

/// Un identifiant d'une partie, retenu comme son SIRET, et d'où il vient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identifiant {
    pub valeur: String,
    pub schema: Option<String>,
    /// Le terme métier qui le portait (« BT-46 », « BT-47 »…).
    pub terme: &'static str,
}

/// Les montants que le fichier déclare (BG-22) : ceux que Chorus Pro affiche et met en paiement.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TotauxDeclares {
    /// BT-109.
    pub total_ht: Decimal,
    /// BT-110.
    pub total_tva: Decimal,
    /// BT-112.
    pub total_ttc: Decimal,
    /// BT-113.
    pub deja_paye: Decimal,
    /// BT-115.
    pub montant_a_payer: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LigneDonnee {
    pub id: String,
    pub reference: Option<String>,
    pub designation: Option<String>,
    pub quantite: Decimal,
    pub unite: String,
    pub prix_net: Decimal,
    pub quantite_de_base: Option<Decimal>,
    pub remises: Decimal,
    pub frais: Decimal,
    pub montant_net: Decimal,
    pub taux: Option<Decimal>,
    pub categorie: String,
}

/// Une remise (BG-20) ou des frais (BG-21) sur l'ensemble de la facture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemiseOuFrais {
    pub frais: bool,
    pub montant: Decimal,
    pub motif: Option<String>,
    pub taux: Option<Decimal>,
    pub categorie: String,
}

/// Une ligne du récapitulatif de TVA (BG-23).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TauxDonne {
    pub categorie: String,
    pub taux: Option<Decimal>,
    pub motif: Option<String>,
}

/// Ce que le fichier contient, en types simples (rempli par le module du modèle).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Donnees {
    pub avoir: bool,
    pub type_code: Option<String>,
    pub numero: Option<String>,
    pub date: Option<String>,
    pub cadre: Option<String>,
    pub profil: Option<String>,
    pub vendeur: Partie,
    pub acheteur: Partie,
    pub code_service: Option<String>,
    pub engagement: Option<String>,
    pub marche: Option<String>,
    pub moyen_paiement: Option<String>,
    pub code_date_tva: Option<String>,
    pub taux: Vec<TauxDonne>,
    pub factures_precedentes: Vec<String>,
    pub notes: Vec<String>,
    pub lignes: Vec<LigneDonnee>,
    pub remises_et_frais: Vec<RemiseOuFrais>,
    pub totaux: TotauxDeclares,
    pub devise: Option<String>,
}

/// Une règle de la norme EN 16931 que la facture enfreint : son identifiant, le terme qu'elle
/// vise (`BG-25[2]/BT-151`) et son texte, tel que la norme l'écrit (en anglais).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegleEnfreinte {
    pub regle: String,
    pub terme: String,
    pub texte: String,
}

/// Une facture lue dans un flux, prête pour les contrôles de la saisie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactureLue {
    pub syntaxe: SyntaxeFlux,
    /// La facture comme si elle avait été saisie au portail.
    pub saisie: SaisieBrute,
    /// Le SIRET du fournisseur (BT-29 ou BT-30), s'il y en a un.
    pub fournisseur: Option<Identifiant>,
    /// Le SIRET du destinataire public (BT-46 ou BT-47), s'il y en a un.
    pub destinataire: Option<Identifiant>,
    pub totaux: TotauxDeclares,
    pub devise: Option<String>,
    /// Ce que le lecteur a signalé (éléments en double, non repris) et les choix faits ici pour
    /// ramener la facture à la saisie (lignes ramenées à leur montant net…).
    pub remarques: Vec<String>,
    /// Les règles de la norme EN 16931 enfreintes (vide pour une facture conforme).
    pub regles: Vec<RegleEnfreinte>,
}

/// Une donnée de la saisie, pour nommer dans un compte rendu l'élément du fichier qui la porte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Champ {
    Numero,
    DateFacture,
    TypeFacture,
    Cadre,
    Destinataire,
    CodeService,
    Engagement,
    Marche,
    ModePaiement,
    TauxTva,
    FactureOrigine,
    Fournisseur,
}

impl Champ {
    /// Le champ de la saisie (`SaisieBrute`, formulaire) qui reçoit la donnée.
    pub fn depuis_saisie(nom: &str) -> Option<Champ> {
        Some(match nom {
            "numero" => Champ::Numero,
            "date_facture" => Champ::DateFacture,
            "type_facture" => Champ::TypeFacture,
            "cadre" => Champ::Cadre,
            "destinataire" => Champ::Destinataire,
            "code_service" => Champ::CodeService,
            "numero_engagement" => Champ::Engagement,
            "numero_marche" => Champ::Marche,
            "mode_paiement" => Champ::ModePaiement,
            "numero_facture_origine" => Champ::FactureOrigine,
            n if n.starts_with("ligne_taux_tva") => Champ::TauxTva,
            _ => return None,
        })
    }

    /// Le terme métier de la norme EN 16931.
    pub fn terme(self) -> &'static str {
        match self {
            Champ::Numero => "BT-1",
            Champ::DateFacture => "BT-2",
            Champ::TypeFacture => "BT-3",
            Champ::Cadre => "BT-23",
            Champ::Destinataire => "BT-46/BT-47",
            Champ::CodeService => "BT-10",
            Champ::Engagement => "BT-13",
            Champ::Marche => "BT-12",
            Champ::ModePaiement => "BT-81",
            Champ::TauxTva => "BT-152",
            Champ::FactureOrigine => "BT-25",
            Champ::Fournisseur => "BT-29/BT-30",
        }
    }

    /// Le chemin de l'élément dans un fichier de cette syntaxe (une Factur-X porte une CII).
    pub fn chemin(self, syntaxe: SyntaxeFlux) -> &'static str {
        let ubl = syntaxe == SyntaxeFlux::E1Ubl;
        match self {
            Champ::Numero if ubl => "/Invoice/cbc:ID",
            Champ::Numero => "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:ID",
            Champ::DateFacture if ubl => "/Invoice/cbc:IssueDate",
            Champ::DateFacture => {
                "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString"
            }
            Champ::TypeFacture if ubl => "/Invoice/cbc:InvoiceTypeCode",
            Champ::TypeFacture => "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:TypeCode",
            Champ::Cadre if ubl => "/Invoice/cbc:ProfileID",
            Champ::Cadre => {
                "/rsm:CrossIndustryInvoice/rsm:ExchangedDocumentContext/ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID"
            }
            Champ::Destinataire if ubl => {
                "/Invoice/cac:AccountingCustomerParty/cac:Party/cac:PartyIdentification/cbc:ID"
            }
            Champ::Destinataire => {
                "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement/ram:BuyerTradeParty/ram:GlobalID"
            }
            Champ::CodeService if ubl => "/Invoice/cbc:BuyerReference",
            Champ::CodeService => {
                "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement/ram:BuyerReference"
            }
            Champ::Engagement if ubl => "/Invoice/cac:OrderReference/cbc:ID",
            Champ::Engagement => {
                "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement/ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID"
            }
            Champ::Marche if ubl => "/Invoice/cac:ContractDocumentReference/cbc:ID",
            Champ::Marche => {
                "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement/ram:ContractReferencedDocument/ram:IssuerAssignedID"
            }
            Champ::ModePaiement if ubl => "/Invoice/cac:PaymentMeans/cbc:PaymentMeansCode",
            Champ::ModePaiement => {
                "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode"
            }
            Champ::TauxTva if ubl => {
                "/Invoice/cac:InvoiceLine/cac:Item/cac:ClassifiedTaxCategory/cbc:Percent"
            }
            Champ::TauxTva => {
                "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem/ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/ram:RateApplicablePercent"
            }
            Champ::FactureOrigine if ubl => {
                "/Invoice/cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID"
            }
            Champ::FactureOrigine => {
                "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/ram:InvoiceReferencedDocument/ram:IssuerAssignedID"
            }
            Champ::Fournisseur if ubl => {
                "/Invoice/cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID"
            }
            Champ::Fournisseur => {
                "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement/ram:SellerTradeParty/ram:SpecifiedLegalOrganization/ram:ID"
            }
        }
    }
}

/// Le SIRET d'une partie, cherché comme Chorus Pro l'accepte (flux-formats.md §1.2, §1.3) :
/// d'abord un identifiant BT-46/BT-29 au schéma 0009 (SIRET) ou `1` (code Chorus « SIRET »),
/// puis l'immatriculation BT-47/BT-30 si elle a 14 chiffres (les anciens connecteurs y mettent
/// le SIRET sous le schéma 0002), enfin le premier identifiant de 14 chiffres.
pub(crate) fn siret(
    p: &Partie,
    identifiant: &'static str,
    immatriculation: &'static str,
) -> Option<Identifiant> {
    let quatorze = |v: &str| v.len() == 14 && v.bytes().all(|b| b.is_ascii_digit());
    let de = |(v, s): &(String, Option<String>), terme| Identifiant {
        valeur: v.clone(),
        schema: s.clone(),
        terme,
    };
    p.identifiants
        .iter()
        .find(|(_, s)| matches!(s.as_deref(), Some("0009" | "1")))
        .map(|i| de(i, identifiant))
        .or_else(|| p.immatriculation.as_ref().filter(|(v, _)| quatorze(v)).map(|i| de(i, immatriculation)))
        .or_else(|| p.identifiants.iter().find(|(v, _)| quatorze(v)).map(|i| de(i, identifiant)))
        .or_else(|| p.immatriculation.as_ref().map(|i| de(i, immatriculation)))
}

/// Le cadre de facturation d'après BT-23 : un code A1…A25 (ou son code long de l'API) ; les
/// codes de la réforme (B1, S1, M1…) sont ramenés au cadre Chorus Pro équivalent — un choix du
/// simulateur, la correspondance n'étant publiée nulle part (flux-formats.md §1.4). Absent, ou
/// identifiant de processus d'un autre cadre d'échange (une URN, comme celle de Peppol BIS) :
/// A1, le cadre par défaut. Un autre code est rendu tel quel, et la saisie le refuse.
pub(crate) fn cadre(bt23: Option<&str>, bt24: Option<&str>) -> String {
    let code = |c: &str| {
        let c = c.trim();
        CadreFacturation::TOUS
            .iter()
            .find(|k| k.code() == c || k.code_court() == c)
            .map(|k| k.code().to_string())
            .or_else(|| reforme(c).map(|k| k.code().to_string()))
    };
    match bt23 {
        Some(c) if c.contains(':') => CadreFacturation::A1FactureFournisseur.code().to_string(),
        Some(c) => code(c).unwrap_or_else(|| c.to_string()),
        // Un code A… écrit dans BT-24 (le profil), comme certains générateurs le font.
        None => {
            bt24.and_then(code).unwrap_or_else(|| CadreFacturation::A1FactureFournisseur.code().to_string())
        }
    }
}

/// B/S/M suivi du cas : 1 dépôt, 2 déjà payée, 3 sous-traitance à paiement direct, 4 facture
/// définitive après acompte, 6 cotraitance (flux-formats.md §1.4). Les autres cas (5 interdit en
/// B2G, 7 à 9) n'ont pas d'équivalent.
fn reforme(c: &str) -> Option<CadreFacturation> {
    let mut car = c.chars();
    let (Some(nature), Some(cas), None) = (car.next(), car.next(), car.next()) else { return None };
    if !matches!(nature, 'B' | 'S' | 'M') {
        return None;
    }
    Some(match cas {
        '1' | '4' => CadreFacturation::A1FactureFournisseur,
        '2' => CadreFacturation::A2FactureFournisseurDejaPayee,
        '3' => CadreFacturation::A9FactureSousTraitant,
        '6' => CadreFacturation::A12FactureCotraitant,
        _ => return None,
    })
}

/// BT-3 : 380 (facture), 384 (rectificative), 389 (autofacture) et 386 (acompte) sont des
/// factures ; 381 un avoir (flux-formats.md §1.5). Les autres codes sont rendus tels quels, et
/// la saisie les refuse (261 et 751 ne sont pas acceptés par Chorus Pro).
fn type_facture(avoir: bool, code: Option<&str>) -> String {
    match code.map(str::trim) {
        _ if avoir => "AVOIR".to_string(),
        None | Some("380" | "384" | "389" | "386") => "FACTURE".to_string(),
        Some("381") => "AVOIR".to_string(),
        Some(autre) => autre.to_string(),
    }
}

/// BT-81 (UNTDID 4461) vers `modePaiement` : 30, 31, 42, 58 virement ; 20 chèque ; 49, 59
/// prélèvement ; 10 espèces ; 97 report ; 57 et les autres : autre (flux-formats.md §1.6). Un
/// avoir n'a pas de mode de paiement.
fn mode_paiement(code: Option<&str>) -> String {
    match code.map(str::trim) {
        None => String::new(),
        Some("30" | "31" | "42" | "58") => "VIREMENT".to_string(),
        Some("20") => "CHEQUE".to_string(),
        Some("49" | "59") => "PRELEVEMENT".to_string(),
        Some("10") => "ESPECE".to_string(),
        Some("97") => "REPORT".to_string(),
        Some(_) => "AUTRE".to_string(),
    }
}

/// Le régime de TVA de la saisie : exonération si toutes les catégories sont E (exonéré), sans
/// TVA si elles sont O (hors champ), TVA sur les encaissements si BT-8 vaut 72 (date du
/// paiement), sinon TVA sur les débits.
fn type_tva(d: &Donnees) -> String {
    let categories: Vec<&str> = d.taux.iter().map(|t| t.categorie.as_str()).collect();
    if !categories.is_empty() && categories.iter().all(|c| *c == "E") {
        "EXONERATION".to_string()
    } else if !categories.is_empty() && categories.iter().all(|c| *c == "O") {
        "SANS_TVA".to_string()
    } else if d.code_date_tva.as_deref() == Some("72") {
        "TVA_SUR_ENCAISSEMENT".to_string()
    } else {
        "TVA_SUR_DEBIT".to_string()
    }
}

fn nombre(d: Decimal) -> String {
    d.normalize().to_string()
}

/// Une ligne du fichier en ligne de saisie (quantité × prix unitaire − remise). Quand le prix
/// porte sur une quantité de base autre que 1, ou que des frais s'ajoutent à la ligne, la ligne
/// est ramenée à son montant net (quantité 1) : le montant facturé reste celui du fichier.
fn ligne(l: &LigneDonnee, remarques: &mut Vec<String>) -> LigneBrute {
    let base = l.quantite_de_base.filter(|b| !b.is_zero()).unwrap_or(Decimal::ONE);
    let brut = l.quantite * l.prix_net;
    // Arrondi comme la saisie calcule le montant d'une ligne (au centime, demi vers le haut).
    let exacte = base == Decimal::ONE && l.frais.is_zero() && arrondir(brut - l.remises) == l.montant_net;
    let (quantite, prix, remise) = if exacte {
        (l.quantite, l.prix_net, l.remises)
    } else {
        remarques.push(format!(
            "Ligne {} : reprise pour son montant net ({} €), le détail quantité × prix unitaire ne le donnant pas.",
            l.id,
            nombre(l.montant_net)
        ));
        (Decimal::ONE, l.montant_net, Decimal::ZERO)
    };
    LigneBrute {
        reference: l.reference.clone().unwrap_or_else(|| l.id.clone()),
        designation: l.designation.clone().unwrap_or_default(),
        quantite: nombre(quantite),
        unite: l.unite.clone(),
        prix_unitaire_ht: nombre(prix),
        remise_ht: if remise.is_zero() { String::new() } else { nombre(remise) },
        taux_tva: taux_de(l.taux, &l.categorie),
    }
}

/// Le taux de TVA de la saisie : celui du fichier ; sans taux, 0 pour les catégories qui n'en
/// ont pas (E exonéré, Z taux zéro, O hors champ, AE autoliquidation, K et G livraisons et
/// exportations hors de France).
fn taux_de(taux: Option<Decimal>, categorie: &str) -> String {
    match taux {
        Some(t) => nombre(t),
        None if matches!(categorie, "E" | "Z" | "O" | "AE" | "K" | "G") => "0".to_string(),
        None => String::new(),
    }
}

/// La facture du fichier, ramenée à la saisie de Chorus Pro.
pub(crate) fn rapporter(
    syntaxe: SyntaxeFlux,
    d: Donnees,
    mut remarques: Vec<String>,
    mut regles: Vec<RegleEnfreinte>,
) -> FactureLue {
    regles.extend(crate::regles_fr::controler(&d));
    let mut lignes: Vec<LigneBrute> = d.lignes.iter().map(|l| ligne(l, &mut remarques)).collect();
    // Remises et frais sur l'ensemble de la facture (BG-20, BG-21) : une ligne chacun, négative
    // pour une remise, pour que les totaux restent ceux du fichier.
    for (i, rf) in d.remises_et_frais.iter().enumerate() {
        let montant = if rf.frais { rf.montant } else { -rf.montant };
        let nature = if rf.frais { "Frais" } else { "Remise" };
        lignes.push(LigneBrute {
            reference: format!("{}-{}", nature.to_uppercase(), i + 1),
            designation: rf.motif.clone().map_or_else(|| nature.to_string(), |m| format!("{nature} : {m}")),
            quantite: "1".to_string(),
            unite: String::new(),
            prix_unitaire_ht: nombre(montant),
            remise_ht: String::new(),
            taux_tva: taux_de(rf.taux, &rf.categorie),
        });
    }
    let saisie = SaisieBrute {
        numero: d.numero.clone().unwrap_or_default(),
        date_facture: d.date.clone().unwrap_or_default(),
        type_facture: type_facture(d.avoir, d.type_code.as_deref()),
        cadre: cadre(d.cadre.as_deref(), d.profil.as_deref()),
        destinataire: siret(&d.acheteur, "BT-46", "BT-47").map(|i| i.valeur).unwrap_or_default(),
        code_service: d.code_service.clone().unwrap_or_default(),
        numero_engagement: d.engagement.clone().unwrap_or_default(),
        numero_marche: d.marche.clone().unwrap_or_default(),
        mode_paiement: if d.avoir { String::new() } else { mode_paiement(d.moyen_paiement.as_deref()) },
        type_tva: type_tva(&d),
        motif_exoneration: d.taux.iter().find_map(|t| t.motif.clone()).unwrap_or_default(),
        numero_facture_origine: d.factures_precedentes.first().cloned().unwrap_or_default(),
        commentaire: d.notes.join("\n"),
        code_structure_valideur: String::new(),
        code_service_valideur: String::new(),
        lignes,
    };
    FactureLue {
        syntaxe,
        saisie,
        fournisseur: siret(&d.vendeur, "BT-29", "BT-30"),
        destinataire: siret(&d.acheteur, "BT-46", "BT-47"),
        totaux: d.totaux,
        devise: d.devise,
        remarques,
        regles,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn le_cadre_d_apres_bt23() {
        assert_eq!(cadre(Some("A1"), None), "A1_FACTURE_FOURNISSEUR");
        assert_eq!(cadre(Some("A9_FACTURE_SOUSTRAITANT"), None), "A9_FACTURE_SOUSTRAITANT");
        assert_eq!(cadre(Some("A4"), None), "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR");
        assert_eq!(cadre(Some("B1"), None), "A1_FACTURE_FOURNISSEUR");
        assert_eq!(cadre(Some("S2"), None), "A2_FACTURE_FOURNISSEUR_DEJA_PAYEE");
        assert_eq!(cadre(Some("S3"), None), "A9_FACTURE_SOUSTRAITANT");
        assert_eq!(cadre(Some("M6"), None), "A12_FACTURE_COTRAITANT");
        assert_eq!(cadre(Some("S5"), None), "S5");
        assert_eq!(cadre(None, Some("A2")), "A2_FACTURE_FOURNISSEUR_DEJA_PAYEE");
        assert_eq!(cadre(None, Some("urn:cen.eu:en16931:2017")), "A1_FACTURE_FOURNISSEUR");
        assert_eq!(
            cadre(Some("urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"), None),
            "A1_FACTURE_FOURNISSEUR"
        );
        assert_eq!(cadre(Some("Z9"), None), "Z9");
    }

    #[test]
    fn le_siret_sous_ses_trois_formes() {
        let siret_ = "26730001700016".to_string();
        let p = Partie { identifiants: vec![(siret_.clone(), Some("0009".into()))], ..Default::default() };
        assert_eq!(siret(&p, "BT-46", "BT-47").unwrap().terme, "BT-46");
        let p = Partie { immatriculation: Some((siret_.clone(), Some("0002".into()))), ..Default::default() };
        assert_eq!(siret(&p, "BT-46", "BT-47").unwrap().valeur, siret_);
        let p = Partie { identifiants: vec![(siret_.clone(), Some("1".into()))], ..Default::default() };
        assert_eq!(siret(&p, "BT-46", "BT-47").unwrap().schema.as_deref(), Some("1"));
        assert_eq!(siret(&Partie::default(), "BT-46", "BT-47"), None);
    }

    #[test]
    fn types_et_modes_de_paiement() {
        assert_eq!(type_facture(false, Some("380")), "FACTURE");
        assert_eq!(type_facture(false, Some("381")), "AVOIR");
        assert_eq!(type_facture(true, None), "AVOIR");
        assert_eq!(type_facture(false, Some("751")), "751");
        assert_eq!(mode_paiement(Some("58")), "VIREMENT");
        assert_eq!(mode_paiement(Some("49")), "PRELEVEMENT");
        assert_eq!(mode_paiement(None), "");
    }
}
