//! Les documents remis au stagiaire dans un exercice (bon de commande, fiche d'identité du
//! marché…) : un en-tête d'émetteur, des rubriques, un texte, comme le papier qu'un artisan
//! reçoit de son client public.

use crate::erreur::Erreur;
use crate::production::DocumentPdf;

pub struct PieceExercice<'a> {
    pub titre: &'a str,
    pub emetteur: &'a str,
    pub champs: &'a [(String, String)],
    pub texte: &'a str,
    /// L'exercice d'où vient la pièce, rappelé en bas de page.
    pub exercice: &'a str,
}

pub fn piece_exercice(p: &PieceExercice<'_>) -> Result<Vec<u8>, Erreur> {
    let mut doc = DocumentPdf::nouveau(p.titre).paragraphe_gras(p.emetteur).espace(6.0).titre(p.titre);
    if !p.champs.is_empty() {
        doc = doc.fiche(p.champs);
    }
    for paragraphe in p.texte.split("\n\n").map(str::trim).filter(|t| !t.is_empty()) {
        doc = doc.paragraphe(paragraphe);
    }
    doc.espace(8.0)
        .paragraphe(&format!(
            "Document de l'exercice « {} » du simulateur : fictif, sans valeur.",
            p.exercice
        ))
        .produire()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn le_bon_de_commande_porte_ses_rubriques() {
        let champs = vec![("Engagement juridique".to_string(), "BC-2026-0147".to_string())];
        let pdf = piece_exercice(&PieceExercice {
            titre: "Bon de commande n° BC-2026-0147",
            emetteur: "COMMUNE DE VALCOMBE (FICTIVE)",
            champs: &champs,
            texte: "Entretien des menuiseries.\n\nLivraison : mairie.",
            exercice: "Le bon de commande oublié",
        })
        .expect("PDF");
        let texte = crate::production::tests::texte_du_pdf(&pdf);
        for attendu in [
            "Bon de commande n° BC-2026-0147",
            "COMMUNE DE VALCOMBE",
            "Engagement juridique",
            "Livraison : mairie.",
        ] {
            assert!(texte.contains(attendu), "{attendu} manque : {texte}");
        }
    }
}
