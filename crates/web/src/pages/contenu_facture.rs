//! Ce que contient une facture, tel que le fournisseur, la confirmation d'envoi et l'acheteur
//! le lisent : les lignes, puis la TVA par taux et les totaux. Un seul rendu, pour que les trois
//! vues montrent les mêmes chiffres de la même façon.

use chorus_domain::facture::Facture;
use chorus_domain::montants::Totaux;
use chorus_store::piece_jointe::Piece;
use maud::{Markup, html};

use crate::format;

/// Le tableau des lignes (la référence de l'article sous sa désignation).
pub fn lignes(f: &Facture) -> Markup {
    html! {
        div.defilement tabindex="0" {
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

/// Les fichiers reçus avec la facture, par celui qui la traite (acheteur, valideur) : les pièces
/// jointes à télécharger et le PDF déposé, affiché dans la page. `base` : l'adresse de la facture
/// dans l'espace de celui qui la lit ; ses fichiers sont sous `{base}/fichiers/{piece}`.
pub fn fichiers_recus(base: &str, fichiers: &[Piece]) -> Markup {
    let lien = |p: &Piece| format!("{base}/fichiers/{}", p.id);
    let pieces: Vec<&Piece> = fichiers.iter().filter(|p| !p.est_pdf_de_facture()).collect();
    html! {
        section #fichiers-recus {
            h2 { "Pièces jointes" }
            @if pieces.is_empty() {
                p.vide { "Aucune pièce jointe." }
            } @else {
                ul {
                    @for p in &pieces {
                        li {
                            a href=(lien(p)) download { (p.nom) }
                            " (" (chorus_domain::piece_jointe::taille_lisible(p.taille)) ", ajoutée le " (format::date_courte(p.ajoutee_le)) ")"
                        }
                    }
                }
            }
            @if let Some(pdf) = fichiers.iter().find(|p| p.est_pdf_de_facture()) {
                @let apercu = format!("{}/apercu", lien(pdf));
                details.pdf-recu open {
                    summary { "PDF de la facture déposé par le fournisseur : " (pdf.nom) }
                    p {
                        a href=(apercu) target="_blank" { "Ouvrir le PDF dans un nouvel onglet" }
                        " · " a href=(lien(pdf)) download { "Télécharger le PDF" }
                    }
                    object.depot-pdf data=(apercu) type="application/pdf" aria-label={ "PDF de la facture " (pdf.nom) } {
                        p { "Votre navigateur n'affiche pas le PDF ici : " a href=(apercu) target="_blank" { "ouvrez-le dans un nouvel onglet" } "." }
                    }
                }
            }
        }
    }
}

/// L'historique des statuts, du plus récent au plus ancien, avec qui les a donnés.
pub fn historique(entrees: &[chorus_store::journal::Entree]) -> Markup {
    use chorus_domain::statut::Acteur;
    html! {
        section {
            h2 { "Historique des statuts" }
            ol.chronologie {
                @for e in entrees.iter().rev() {
                    li {
                        @if let Some(s) = e.statut { (super::pastille(s)) }
                        " le " strong { (format::date_courte(e.date_simulee)) }
                        " — " (Acteur::depuis_code(&e.acteur).map(Acteur::libelle).unwrap_or(&e.acteur))
                        @if !e.commentaire.is_empty() { " : « " (e.commentaire) " »" }
                    }
                }
            }
        }
    }
}
