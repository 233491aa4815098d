//! Le contrôle d'un PDF déposé : Chorus Pro doit pouvoir l'ouvrir et le lire, donc un vrai PDF,
//! complet, avec au moins une page, sans mot de passe.

use std::time::{Duration, Instant};

use lopdf::{DecompressError, Document, LoadOptions};

use crate::erreur::Erreur;

/// Ce qu'on sait d'un PDF accepté.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PdfVerifie {
    pub pages: usize,
}

/// L'en-tête `%PDF-` peut être précédé de quelques octets parasites : les lecteurs le
/// cherchent dans le premier kilo-octet.
const ZONE_ENTETE: usize = 1024;
/// La marque de fin `%%EOF` se cherche de même dans le dernier kilo-octet.
const ZONE_FIN: usize = 1024;

/// Tout le contenu du document décompressé (toutes ses pages ensemble, et chaque flux lu au
/// chargement) ne dépasse pas cette taille : au-delà, le fichier est fabriqué pour saturer le
/// serveur (bombe de décompression), pas une facture. Une facture de cent pages en est loin.
pub const LIMITE_DECOMPRESSION: usize = 64 * 1024 * 1024;

/// Le contrôle d'un PDF ne dure pas plus longtemps que ceci, toutes pages comprises.
pub const LIMITE_DUREE: Duration = Duration::from_secs(2);

fn depasse(e: &lopdf::Error) -> bool {
    matches!(e, lopdf::Error::Decompress(DecompressError::MemoryLimitExceeded { .. }))
}

fn contient(octets: &[u8], motif: &[u8]) -> bool {
    octets.windows(motif.len()).any(|w| w == motif)
}

/// Accepte un PDF lisible par Chorus Pro, ou dit pourquoi il est refusé.
pub fn verifier_pdf(octets: &[u8]) -> Result<PdfVerifie, Erreur> {
    if octets.is_empty() {
        return Err(Erreur::Vide);
    }
    if !contient(&octets[..octets.len().min(ZONE_ENTETE)], b"%PDF-") {
        return Err(Erreur::PasUnPdf);
    }
    let fin = &octets[octets.len().saturating_sub(ZONE_FIN)..];
    let complet = contient(fin, b"%%EOF");
    let debut = Instant::now();
    let options = LoadOptions { max_decompressed_size: Some(LIMITE_DECOMPRESSION), ..LoadOptions::default() };
    let document = match Document::load_mem_with_options(octets, options) {
        Ok(d) => d,
        Err(e) if depasse(&e) => return Err(Erreur::TropLourd),
        // Un PDF chiffré que la bibliothèque n'a pas su ouvrir reste un PDF protégé : c'est ce
        // qu'il faut dire au fournisseur, pas « illisible ».
        Err(_) if contient(octets, b"/Encrypt") => return Err(Erreur::Protege),
        Err(_) => return Err(Erreur::Illisible),
    };
    if document.is_encrypted() || document.was_encrypted() {
        return Err(Erreur::Protege);
    }
    // Sans marque de fin, le fichier a été coupé : même si une partie se lit, la facture
    // pourrait y manquer.
    if !complet {
        return Err(Erreur::Illisible);
    }
    let pages = document.get_pages();
    if pages.is_empty() {
        return Err(Erreur::SansPage);
    }
    // Le budget vaut pour le document entier : cent pages qui partagent un même flux de
    // 60 Mo décompressé le consomment cent fois.
    let mut reste = LIMITE_DECOMPRESSION;
    for id in pages.values() {
        if debut.elapsed() > LIMITE_DUREE {
            return Err(Erreur::TropLourd);
        }
        match document.get_page_content_with_limit(*id, reste) {
            Ok(contenu) => reste = reste.saturating_sub(contenu.len()),
            Err(e) if depasse(&e) => return Err(Erreur::TropLourd),
            Err(_) => return Err(Erreur::Illisible),
        }
    }
    Ok(PdfVerifie { pages: pages.len() })
}

/// Un PDF fabriqué pour éprouver le contrôle (tests, banc d'essai) : `pages` pages qui
/// partagent un seul flux de contenu compressé, qui se décompresse en `taille` octets. Avec 150
/// pages et 60 Mo, le fichier pèse moins de 100 Ko.
pub fn pdf_piege(pages: usize, taille: usize) -> Vec<u8> {
    use lopdf::{Object, Stream, dictionary};
    let mut doc = Document::with_version("1.7");
    let mut flux = Stream::new(dictionary! {}, vec![b' '; taille]);
    let _ = flux.compress();
    let contenu = doc.add_object(flux);
    let racine_des_pages = doc.new_object_id();
    let enfants: Vec<Object> = (0..pages)
        .map(|_| {
            doc.add_object(dictionary! {
                "Type" => "Page",
                "Parent" => racine_des_pages,
                "Contents" => contenu,
                "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            })
            .into()
        })
        .collect();
    doc.objects.insert(
        racine_des_pages,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => enfants, "Count" => pages as i64 }),
    );
    let catalogue = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => racine_des_pages });
    doc.trailer.set("Root", catalogue);
    let mut octets = Vec::new();
    let _ = doc.save_to(&mut octets);
    octets
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::production::DocumentPdf;
    use lopdf::{EncryptionState, EncryptionVersion, Object, Permissions};

    fn pdf_valide() -> Vec<u8> {
        DocumentPdf::nouveau("Facture")
            .titre("Facture FA-1")
            .paragraphe("Montant : 360,00 €")
            .produire()
            .unwrap()
    }

    /// Le même PDF, protégé par un mot de passe d'ouverture (`utilisateur` vide : seulement un
    /// mot de passe de propriétaire, qui interdit la modification).
    pub(crate) fn pdf_chiffre(utilisateur: &str) -> Vec<u8> {
        let mut doc = Document::load_mem(&pdf_valide()).unwrap();
        doc.trailer.set(
            "ID",
            Object::Array(vec![
                Object::string_literal(b"0123456789abcdef".to_vec()),
                Object::string_literal(b"fedcba9876543210".to_vec()),
            ]),
        );
        let etat = EncryptionState::try_from(EncryptionVersion::V2 {
            document: &doc,
            owner_password: "proprietaire",
            user_password: utilisateur,
            key_length: 128,
            permissions: Permissions::empty(),
        })
        .unwrap();
        doc.encrypt(&etat).unwrap();
        let mut octets = Vec::new();
        doc.save_to(&mut octets).unwrap();
        octets
    }

    #[test]
    fn un_pdf_produit_est_accepte() {
        assert_eq!(verifier_pdf(&pdf_valide()), Ok(PdfVerifie { pages: 1 }));
    }

    #[test]
    fn un_fichier_vide_est_refuse() {
        assert_eq!(verifier_pdf(b""), Err(Erreur::Vide));
    }

    #[test]
    fn un_fichier_qui_n_est_pas_un_pdf_est_refuse() {
        assert_eq!(verifier_pdf(b"Bonjour, ceci est un texte renomme en .pdf"), Err(Erreur::PasUnPdf));
        assert_eq!(verifier_pdf(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]), Err(Erreur::PasUnPdf));
        // Un en-tête seul ne fait pas un PDF.
        assert_eq!(verifier_pdf(b"%PDF-1.7\n"), Err(Erreur::Illisible));
    }

    #[test]
    fn un_pdf_tronque_est_refuse() {
        let pdf = pdf_valide();
        for coupe in [pdf.len() / 3, pdf.len() / 2, pdf.len() - 10] {
            let erreur = verifier_pdf(&pdf[..coupe]).unwrap_err();
            assert!(matches!(erreur, Erreur::Illisible | Erreur::SansPage), "coupé à {coupe} : {erreur:?}");
        }
    }

    #[test]
    fn un_pdf_protege_est_refuse_avec_un_message_clair() {
        let erreur = verifier_pdf(&pdf_chiffre("secret")).unwrap_err();
        assert_eq!(erreur, Erreur::Protege);
        assert!(erreur.to_string().contains("protégé par un mot de passe"));
        // Chiffré sans mot de passe d'ouverture : Chorus Pro demande un PDF sans protection.
        assert_eq!(verifier_pdf(&pdf_chiffre("")), Err(Erreur::Protege));
    }

    #[test]
    fn un_pdf_sans_page_est_refuse() {
        let mut doc = Document::with_version("1.7");
        let pages = doc.add_object(
            lopdf::dictionary! { "Type" => "Pages", "Kids" => Vec::<Object>::new(), "Count" => 0 },
        );
        let catalogue = doc.add_object(lopdf::dictionary! { "Type" => "Catalog", "Pages" => pages });
        doc.trailer.set("Root", catalogue);
        let mut octets = Vec::new();
        doc.save_to(&mut octets).unwrap();
        assert_eq!(verifier_pdf(&octets), Err(Erreur::SansPage));
    }

    #[test]
    fn n_importe_quels_octets_ne_font_pas_paniquer() {
        let pdf = pdf_valide();
        for i in (0..pdf.len()).step_by(97) {
            let mut abime = pdf.clone();
            abime[i] ^= 0x5A;
            let _ = verifier_pdf(&abime);
        }
        let _ = verifier_pdf(b"%PDF-1.4\n%%EOF");
        let _ = verifier_pdf(
            b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 1 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF",
        );
    }

    #[test]
    fn une_bombe_de_decompression_partagee_par_toutes_les_pages_est_refusee_vite() {
        let piege = pdf_piege(150, 60 * 1024 * 1024);
        assert!(piege.len() < 200 * 1024, "{} octets", piege.len());
        let debut = Instant::now();
        assert_eq!(verifier_pdf(&piege), Err(Erreur::TropLourd));
        assert!(debut.elapsed() < Duration::from_secs(2), "{:?}", debut.elapsed());
        // Une seule page de 60 Mo reste sous la limite : c'est le total qui compte.
        assert!(verifier_pdf(&pdf_piege(1, 60 * 1024 * 1024)).is_ok());
    }
}
