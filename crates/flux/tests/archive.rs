//! Un lot de factures en archive : chaque fichier lu à son tour, refusé seul s'il est mauvais ;
//! les archives hostiles (bombes, trop de fichiers) refusées vite.

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use chorus_flux::{Limites, LimitesArchive, lire_archive};

fn echantillon(nom: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus").join(nom)).unwrap()
}

fn zip(fichiers: &[(&str, &[u8])]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (nom, contenu) in fichiers {
        z.start_file(*nom, options).unwrap();
        z.write_all(contenu).unwrap();
    }
    z.finish().unwrap().into_inner()
}

fn tar_gz(fichiers: &[(&str, &[u8])]) -> Vec<u8> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let mut t = tar::Builder::new(gz);
    for (nom, contenu) in fichiers {
        let mut entete = tar::Header::new_gnu();
        entete.set_size(contenu.len() as u64);
        entete.set_mode(0o644);
        entete.set_cksum();
        t.append_data(&mut entete, nom, *contenu).unwrap();
    }
    t.into_inner().unwrap().finish().unwrap()
}

#[test]
fn un_lot_zip_lit_chaque_facture_et_refuse_la_mauvaise_seule() {
    let cii = echantillon("chorus-samples/cii_en16931_b2g.xml");
    let ubl = echantillon("chorus-samples/ubl_en16931_b2g.xml");
    let archive = zip(&[
        ("lot/F1.xml", &cii),
        ("lot/F2.xml", &ubl),
        ("__MACOSX/._F1.xml", b"x"),
        ("lot/mauvais.xml", b"<Order/>"),
    ]);
    let lus = lire_archive(&archive, None, &Limites::default(), &LimitesArchive::default()).unwrap();
    let noms: Vec<&str> = lus.iter().map(|f| f.nom.as_str()).collect();
    assert_eq!(noms, ["F1.xml", "F2.xml", "mauvais.xml"]);
    assert!(lus[0].lecture.is_ok() && lus[1].lecture.is_ok());
    assert_eq!(lus[2].lecture.as_ref().unwrap_err().code(), "PAS_UNE_FACTURE");
}

#[test]
fn un_lot_tar_gz_se_lit_aussi() {
    let cii = echantillon("chorus-samples/cii_en16931_b2g.xml");
    let lus = lire_archive(
        &tar_gz(&[("a.xml", &cii), ("b.xml", &cii)]),
        None,
        &Limites::default(),
        &LimitesArchive::default(),
    )
    .unwrap();
    assert_eq!(lus.len(), 2);
    assert!(lus.iter().all(|f| f.lecture.is_ok()));
}

#[test]
fn les_archives_hostiles_sont_arretees_vite() {
    // Une bombe : 200 Mo de zéros dans une entrée de quelques centaines de kilo-octets. Elle n'est
    // décompressée que jusqu'à la borne d'un fichier.
    let zeros = vec![0u8; 200 * 1024 * 1024];
    let bombe = zip(&[("bombe.xml", &zeros)]);
    drop(zeros);
    assert!(bombe.len() < 1024 * 1024, "{} octets", bombe.len());
    let debut = Instant::now();
    let lus = lire_archive(&bombe, None, &Limites::default(), &LimitesArchive::default()).unwrap();
    assert_eq!(lus[0].lecture.as_ref().unwrap_err().code(), "FICHIER_TROP_GROS");
    assert!(debut.elapsed() < Duration::from_secs(2), "{:?}", debut.elapsed());
    // Trop décompressé en tout : l'archive entière est refusée.
    let neuf_mo = vec![b' '; 9 * 1024 * 1024];
    let lourde = zip(&[("1.xml", &neuf_mo), ("2.xml", &neuf_mo), ("3.xml", &neuf_mo)]);
    let bornes = LimitesArchive { total_decompresse_max: 20 * 1024 * 1024, ..LimitesArchive::default() };
    let r = lire_archive(&lourde, None, &Limites::default(), &bornes).err().unwrap();
    assert_eq!(r.code(), "ARCHIVE_TROP_LOURDE");
    // Plus de 500 factures.
    let noms: Vec<String> = (0..501).map(|i| format!("{i}.xml")).collect();
    let fichiers: Vec<(&str, &[u8])> = noms.iter().map(|n| (n.as_str(), &b"<x/>"[..])).collect();
    let r =
        lire_archive(&zip(&fichiers), None, &Limites::default(), &LimitesArchive::default()).err().unwrap();
    assert_eq!(r.code(), "ARCHIVE_TROP_DE_FACTURES");
    assert!(r.to_string().contains("500"), "{r}");
    // Une archive abîmée, une archive vide.
    let mut abimee = zip(&[("a.xml", b"<x/>")]);
    abimee.truncate(20);
    assert_eq!(
        lire_archive(&abimee, None, &Limites::default(), &LimitesArchive::default()).err().unwrap().code(),
        "ARCHIVE_ILLISIBLE"
    );
    assert_eq!(
        lire_archive(&zip(&[]), None, &Limites::default(), &LimitesArchive::default()).err().unwrap().code(),
        "ARCHIVE_VIDE"
    );
}
