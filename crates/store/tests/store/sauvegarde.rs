//! Backups: a copy is checked before anything is restored from it, and a restore never
//! overwrites data.

use chorus_store::sauvegarde;

use crate::commun::base_vide;

#[test]
fn une_copie_se_controle_et_se_restaure_seulement_dans_un_dossier_vide() {
    let (dossier, store) = base_vide();
    chorus_store::demo::initialiser(&store, &chorus_store::Horloge::Systeme).unwrap();
    let copies = tempfile::tempdir().unwrap();
    let copie = copies.path().join("copie.sqlite");
    let contenu = sauvegarde::sauvegarder(dossier.path(), &copie).unwrap();
    assert_eq!(contenu.version_schema, chorus_store::base::nombre_de_migrations());
    assert!(contenu.bacs >= 5, "{contenu:?}");
    // Never over an existing file, nor into a folder that has data.
    assert!(sauvegarde::sauvegarder(dossier.path(), &copie).is_err());
    let refus = sauvegarde::restaurer(&copie, dossier.path()).unwrap_err().to_string();
    assert!(refus.contains("n'est pas vide"), "{refus}");

    let neuf = copies.path().join("neuf");
    let restauree = sauvegarde::restaurer(&copie, &neuf).unwrap();
    assert_eq!(restauree.bacs, contenu.bacs);
    assert!(neuf.join("chorus.sqlite").is_file());
    assert!(!neuf.join("chorus.sqlite.restauration").exists());
}

#[test]
fn une_copie_illisible_endommagee_ou_plus_recente_est_refusee() {
    let copies = tempfile::tempdir().unwrap();
    let texte = copies.path().join("texte.sqlite");
    std::fs::write(&texte, b"ceci n'est pas une base").unwrap();
    let refus = sauvegarde::controler(&texte).unwrap_err().to_string();
    assert!(refus.contains("n'est pas une base SQLite lisible"), "{refus}");

    let (dossier, store) = base_vide();
    drop(store);
    let copie = copies.path().join("copie.sqlite");
    sauvegarde::sauvegarder(dossier.path(), &copie).unwrap();
    // A schema from a newer release.
    let plus_recente = copies.path().join("recente.sqlite");
    std::fs::copy(&copie, &plus_recente).unwrap();
    rusqlite::Connection::open(&plus_recente).unwrap().pragma_update(None, "user_version", 999).unwrap();
    let refus = sauvegarde::controler(&plus_recente).unwrap_err().to_string();
    assert!(refus.contains("plus récente"), "{refus}");
    // A damaged page: the integrity check says so, nothing is restored.
    let abimee = copies.path().join("abimee.sqlite");
    let mut octets = std::fs::read(&copie).unwrap();
    let milieu = octets.len() / 2;
    for o in &mut octets[milieu..milieu + 4096] {
        *o = 0x5a;
    }
    std::fs::write(&abimee, &octets).unwrap();
    assert!(sauvegarde::controler(&abimee).is_err());
    let neuf = copies.path().join("neuf");
    assert!(sauvegarde::restaurer(&abimee, &neuf).is_err());
    assert!(!neuf.join("chorus.sqlite").exists());
}
