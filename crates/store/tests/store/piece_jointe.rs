//! Dépôt d'une facture PDF, pièces jointes et certificat de dépôt.

use chorus_documents::DocumentPdf;
use chorus_domain::Statut;
use chorus_domain::piece_jointe::MO;
use chorus_store::facture::{Envoi, Issue};
use chorus_store::piece_jointe::{self as pj, ModeDepot};
use chorus_store::{Erreur, facture};

use crate::commun::{Monde, Stagiaire, compter, saisie};
use chorus_store::depart;

fn un_pdf(texte: &str) -> Vec<u8> {
    DocumentPdf::nouveau("Facture").titre("Facture").paragraphe(texte).produire().unwrap()
}

fn deposer(m: &Monde, s: &Stagiaire, nom: &str, contenu: &[u8]) -> Result<String, pj::RefusFichier> {
    m.store
        .ecrire(|tx| {
            pj::deposer_pdf(
                tx,
                &s.bac_id,
                &s.structure_id,
                pj::controler_pdf(nom, contenu.to_vec()),
                &m.horloge,
            )
        })
        .unwrap()
}

fn saisir_depot(m: &Monde, s: &Stagiaire, depot: &str, numero: &str, envoi: Envoi) -> Issue {
    m.store
        .ecrire(|tx| {
            pj::saisir_depot(tx, &s.bac_id, &s.structure_id, depot, &saisie(numero), envoi, &m.horloge)
        })
        .unwrap()
}

fn acceptee(issue: Issue) -> String {
    match issue {
        Issue::Acceptee(id) => id,
        Issue::Refusee(a) => panic!("refusée : {a:?}"),
    }
}

fn joindre(
    m: &Monde,
    s: &Stagiaire,
    facture: &str,
    nom: &str,
    taille: usize,
) -> Result<String, pj::RefusFichier> {
    let contenu = vec![b'x'; taille];
    m.store
        .ecrire(|tx| {
            pj::ajouter_au_brouillon(tx, &s.bac_id, &s.structure_id, facture, nom, &contenu, &m.horloge)
        })
        .unwrap()
}

#[test]
fn deposer_un_pdf_puis_saisir_ses_donnees_et_l_envoyer() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let pdf = un_pdf("FA-DEPOT-1");
    let depot = deposer(&m, &s, "C:\\Mes documents\\facture FA-DEPOT-1.pdf", &pdf).unwrap();
    let en_cours = m.store.lire(|c| pj::depot_en_cours(c, &s.bac_id, &s.structure_id, &depot)).unwrap();
    assert_eq!(
        (en_cours.nom.as_str(), en_cours.taille, en_cours.facture_id),
        ("facture FA-DEPOT-1.pdf", pdf.len() as u64, None)
    );

    // Des données fausses : refusées comme en saisie, le dépôt reste en cours.
    let refus = m
        .store
        .ecrire(|tx| {
            let mut brut = saisie("FA-DEPOT-1");
            brut.destinataire = "123".into();
            pj::saisir_depot(
                tx,
                &s.bac_id,
                &s.structure_id,
                &depot,
                &brut,
                Envoi::ValiderEtEnvoyer,
                &m.horloge,
            )
        })
        .unwrap();
    assert!(matches!(refus, Issue::Refusee(_)), "{refus:?}");
    m.store.lire(|c| pj::depot_en_cours(c, &s.bac_id, &s.structure_id, &depot)).unwrap();

    let id = acceptee(saisir_depot(&m, &s, &depot, "FA-DEPOT-1", Envoi::Enregistrer));
    assert_eq!(m.store.lire(|c| pj::mode_depot(c, &s.bac_id, &id)).unwrap(), ModeDepot::DepotPdfPortail);
    // Le dépôt a servi : il n'est plus « en cours ».
    let r = m.store.lire(|c| pj::depot_en_cours(c, &s.bac_id, &s.structure_id, &depot));
    assert!(matches!(r, Err(Erreur::Introuvable(_))), "{r:?}");

    let piece = joindre(&m, &s, &id, "bon de livraison.jpg", 1000).unwrap();
    let autre = joindre(&m, &s, &id, "photo.png", 10).unwrap();
    m.store.ecrire(|tx| pj::retirer(tx, &s.bac_id, &s.structure_id, &id, &autre)).unwrap();
    // Le PDF de la facture ne se retire pas.
    let r = m.store.ecrire(|tx| pj::retirer(tx, &s.bac_id, &s.structure_id, &id, &depot));
    assert!(matches!(r, Err(Erreur::Domaine(_))), "{r:?}");
    let pieces = m.store.lire(|c| pj::lister(c, &s.bac_id, &id)).unwrap();
    let noms: Vec<&str> = pieces.iter().map(|p| p.nom.as_str()).collect();
    assert_eq!(noms, ["facture FA-DEPOT-1.pdf", "bon de livraison.jpg"]);
    assert_eq!(m.store.lire(|c| pj::total(c, &s.bac_id, &id)).unwrap(), pdf.len() as u64 + 1000);
    let (p, octets) = m.store.lire(|c| pj::contenu(c, &s.bac_id, &piece)).unwrap();
    assert_eq!((p.type_mime.as_str(), octets.len()), ("image/jpeg", 1000));

    // Pas de certificat pour un brouillon.
    let r = m.store.lire(|c| pj::certificat(c, &s.bac_id, &s.structure_id, &id));
    assert!(matches!(r, Err(Erreur::Domaine(_))), "{r:?}");

    let envoyee = m.store.ecrire(|tx| facture::envoyer_brouillon(tx, &s.bac_id, &id, &m.horloge)).unwrap();
    assert_eq!(envoyee, Issue::Acceptee(id.clone()));
    // Après l'envoi, plus d'ajout par le brouillon…
    let r = m.store.ecrire(|tx| {
        pj::ajouter_au_brouillon(tx, &s.bac_id, &s.structure_id, &id, "tard.pdf", b"x", &m.horloge)
    });
    assert!(matches!(r, Err(Erreur::Domaine(_))), "{r:?}");
    // … mais la fonction de la transaction de l'appelant joint, avec les mêmes règles.
    let r = m.store.ecrire(|tx| pj::joindre(tx, &s.bac_id, &id, "complement.pdf", b"x", &m.horloge)).unwrap();
    assert!(r.is_ok(), "{r:?}");
    let r = m.store.ecrire(|tx| pj::joindre(tx, &s.bac_id, &id, "complement.exe", b"x", &m.horloge)).unwrap();
    assert_eq!(r.unwrap_err().code, "PIECE_EXTENSION_REFUSEE");

    let certificat = m.store.lire(|c| pj::certificat(c, &s.bac_id, &s.structure_id, &id)).unwrap();
    chorus_documents::verifier_pdf(&certificat).unwrap();
    let doc = lopdf::Document::load_mem(&certificat).unwrap();
    let texte = doc.extract_text(&[1]).unwrap();
    assert!(texte.contains("déposée le 22/11/2026"), "{texte}");
    assert!(texte.contains("FA-DEPOT-1"), "{texte}");
    assert!(texte.contains("Dépôt PDF sur le portail"), "{texte}");
}

#[test]
fn un_pdf_depose_doit_etre_un_vrai_pdf() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let pdf = un_pdf("x");
    for (nom, contenu, code) in [
        ("facture.pdf", b"pas un pdf".to_vec(), "PAS_UN_PDF"),
        ("facture.pdf", pdf[..pdf.len() / 2].to_vec(), "PDF_ILLISIBLE"),
        ("facture.pdf", Vec::new(), "PIECE_VIDE"),
        ("facture.jpg", pdf.clone(), "DEPOT_PAS_PDF"),
        (&format!("{}.pdf", "f".repeat(47)), pdf.clone(), "PIECE_NOM_TROP_LONG"),
        ("facture.pdf", vec![b'%'; (10 * MO + 1) as usize], "PIECE_TROP_GROSSE"),
    ] {
        let refus = deposer(&m, &s, nom, &contenu).unwrap_err();
        assert_eq!(refus.code, code, "{nom} : {}", refus.message);
    }
    assert_eq!(compter(&m.store, "piece_jointe"), 0);
    // Chaque refus est au journal, comme une anomalie de saisie.
    let n: i64 = m
        .store
        .lire(|c| {
            Ok(c.query_row("SELECT count(*) FROM journal WHERE evenement = 'ANOMALIES'", [], |r| r.get(0))?)
        })
        .unwrap();
    assert_eq!(n, 6);
}

#[test]
fn un_nouveau_depot_remplace_le_depot_abandonne() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let premier = deposer(&m, &s, "a.pdf", &un_pdf("a")).unwrap();
    let second = deposer(&m, &s, "b.pdf", &un_pdf("b")).unwrap();
    assert_eq!(compter(&m.store, "piece_jointe"), 1);
    let r = saisir_depot_resultat(&m, &s, &premier);
    assert!(matches!(r, Err(Erreur::Introuvable(_))), "{r:?}");
    acceptee(saisir_depot(&m, &s, &second, "FA-B", Envoi::ValiderEtEnvoyer));
}

fn saisir_depot_resultat(m: &Monde, s: &Stagiaire, depot: &str) -> chorus_store::Resultat<Issue> {
    m.store.ecrire(|tx| {
        pj::saisir_depot(
            tx,
            &s.bac_id,
            &s.structure_id,
            depot,
            &saisie("FA-X"),
            Envoi::Enregistrer,
            &m.horloge,
        )
    })
}

#[test]
fn les_fichiers_d_un_autre_bac_sont_introuvables() {
    let m = Monde::nouveau();
    let (s1, s2) = (m.stagiaire(1), m.stagiaire(2));
    let depot = deposer(&m, &s1, "a.pdf", &un_pdf("a")).unwrap();
    let r = saisir_depot_resultat(&m, &s2, &depot);
    assert!(matches!(r, Err(Erreur::Introuvable(_))), "{r:?}");
    let id = acceptee(saisir_depot(&m, &s1, &depot, "FA-1", Envoi::Enregistrer));
    let piece = joindre(&m, &s1, &id, "a.txt", 3).unwrap();
    for r in [
        m.store.lire(|c| pj::contenu(c, &s2.bac_id, &piece)).map(|_| ()),
        m.store
            .lire(|c| pj::lister(c, &s2.bac_id, &id))
            .and_then(|v| if v.is_empty() { Err(Erreur::Introuvable("")) } else { Ok(()) }),
        m.store.ecrire(|tx| pj::retirer(tx, &s2.bac_id, &s2.structure_id, &id, &piece)),
        m.store.lire(|c| pj::certificat(c, &s2.bac_id, &s2.structure_id, &id)).map(|_| ()),
    ] {
        assert!(matches!(r, Err(Erreur::Introuvable(_))), "{r:?}");
    }
    let r = m.store.ecrire(|tx| {
        pj::ajouter_au_brouillon(tx, &s2.bac_id, &s2.structure_id, &id, "b.txt", b"b", &m.horloge)
    });
    assert!(matches!(r, Err(Erreur::Introuvable(_))), "{r:?}");
}

#[test]
fn une_facture_saisie_a_aussi_ses_pieces_et_son_certificat() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let id = acceptee(
        m.store
            .ecrire(|tx| {
                facture::saisir(
                    tx,
                    &s.bac_id,
                    &s.structure_id,
                    None,
                    &saisie("FA-S"),
                    Envoi::Enregistrer,
                    &m.horloge,
                )
            })
            .unwrap(),
    );
    assert_eq!(m.store.lire(|c| pj::mode_depot(c, &s.bac_id, &id)).unwrap(), ModeDepot::SaisiePortail);
    assert_eq!(joindre(&m, &s, &id, "vide.pdf", 0).unwrap_err().code, "PIECE_VIDE");
    joindre(&m, &s, &id, "devis.pdf", 10).unwrap();
    m.store.ecrire(|tx| facture::envoyer_brouillon(tx, &s.bac_id, &id, &m.horloge)).unwrap();
    assert_eq!(
        m.store.lire(|c| facture::charger(c, &s.bac_id, &id)).unwrap().statut,
        Statut::MiseADisposition
    );
    let certificat = m.store.lire(|c| pj::certificat(c, &s.bac_id, &s.structure_id, &id)).unwrap();
    let texte = lopdf::Document::load_mem(&certificat).unwrap().extract_text(&[1]).unwrap();
    assert!(texte.contains("Saisie sur le portail") && texte.contains("devis.pdf"), "{texte}");
}

#[test]
fn reinitialiser_efface_les_fichiers_et_les_depots_en_cours() {
    let m = Monde::nouveau();
    let (s1, s2) = (m.stagiaire(1), m.stagiaire(2));
    let depot = deposer(&m, &s1, "a.pdf", &un_pdf("a")).unwrap();
    let id = acceptee(saisir_depot(&m, &s1, &depot, "FA-1", Envoi::Enregistrer));
    joindre(&m, &s1, &id, "a.txt", 3).unwrap();
    deposer(&m, &s1, "en-cours.pdf", &un_pdf("b")).unwrap();
    deposer(&m, &s2, "autre-bac.pdf", &un_pdf("c")).unwrap();
    assert_eq!(compter(&m.store, "piece_jointe"), 4);
    m.store.ecrire(|tx| depart::reinitialiser(tx, &s1.bac_id)).unwrap();
    assert_eq!(compter(&m.store, "piece_jointe"), 1, "seul le dépôt de l'autre bac reste");
}
