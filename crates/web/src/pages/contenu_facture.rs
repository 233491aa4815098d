//! Ce que contient une facture, tel que le fournisseur, la confirmation d'envoi et l'acheteur
//! le lisent : les lignes, puis la TVA par taux et les totaux. Un seul rendu, pour que les trois
//! vues montrent les mêmes chiffres de la même façon.

use chorus_domain::facture::Facture;
use chorus_domain::montants::Totaux;
use maud::{Markup, html};

use crate::format;

/// Le tableau des lignes (la référence de l'article sous sa désignation).
pub fn lignes(f: &Facture) -> Markup {
    html! {
        div.defilement {
            table.tableau.lignes-lues {
                caption { "Lignes de la facture" }
                thead { tr {
                    th scope="col" { "Désignation" } th scope="col" { "Quantité" } th scope="col" { "Prix unitaire HT" }
                    th scope="col" { "Remise HT" } th scope="col" { "TVA" } th scope="col" { "Montant HT" }
                } }
                tbody {
                    @for l in &f.lignes {
                        tr {
                            td {
                                (l.designation)
                                @if !l.reference.is_empty() { br; small { "Réf. " (l.reference) } }
                            }
                            td.nombre { (format::nombre(l.quantite)) @if !l.unite.is_empty() { " " (l.unite) } }
                            td.nombre { (format::euros(l.prix_unitaire_ht)) }
                            td.nombre { @if l.remise_ht.is_zero() { "—" } @else { (format::euros(l.remise_ht)) } }
                            td.nombre { (l.taux_tva.libelle()) " %" }
                            td.nombre { (format::euros(l.montant_ht())) }
                        }
                    }
                }
            }
        }
    }
}

/// La TVA par taux et les totaux.
pub fn recapitulatif(t: &Totaux) -> Markup {
    html! {
        div.colonnes {
            table.tableau.recap {
                caption { "Récapitulatif de TVA" }
                thead { tr { th scope="col" { "Taux" } th scope="col" { "Base HT" } th scope="col" { "TVA" } } }
                tbody {
                    @for l in &t.tva {
                        tr { td.nombre { (l.taux.libelle()) " %" } td.nombre { (format::euros(l.base_ht)) } td.nombre { (format::euros(l.montant_tva)) } }
                    }
                }
            }
            dl.fiche.totaux {
                dt { "Total HT" } dd.nombre { (format::euros(t.total_ht)) }
                dt { "Total TVA" } dd.nombre { (format::euros(t.total_tva)) }
                dt { "Total TTC" } dd.nombre { strong { (format::euros(t.total_ttc)) } }
                dt { "Montant à payer" } dd.nombre { strong { (format::euros(t.montant_a_payer)) } }
            }
        }
    }
}
