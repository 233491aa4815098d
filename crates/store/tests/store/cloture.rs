//! Closing a class: its attendance sheets, attestations and results are kept as documents; the
//! trainees' sandboxes, accounts, messages and signatures are really deleted after the delay;
//! the class and its documents go at the end of the retention period.

use chorus_store::classe;
use chorus_store::emargement::{self, Signature};
use chorus_store::{cloture, formateur};

use crate::commun::{COMMUNE, Monde, Stagiaire, compter, j, jour};
use crate::facture::deposer;

#[test]
fn clore_une_classe_garde_ses_documents_puis_supprime_les_donnees_des_stagiaires() {
    let m = Monde::nouveau();
    let f = m.store.ecrire(|c| formateur::creer(c, "f@exemple.fr", &m.horloge)).unwrap().0.id;
    let cl = crate::emargement::classe(&m, &f, "1");
    let mut bacs = Vec::new();
    let mut identifiants: Vec<String> = Vec::new();
    for nom in ["Zoé Lœuvre", "Paul Martin"] {
        let a = m.store.ecrire(|c| classe::rejoindre(c, &cl.code, nom, None, &m.horloge)).unwrap();
        let (compte, _) = a.compte.clone().expect("a free-practice account");
        let s = Stagiaire {
            bac_id: a.bac_id.clone(),
            structure_id: compte.structure_id.clone().expect("structure"),
        };
        deposer(&m, &s, &format!("CL-{}", bacs.len()), COMMUNE);
        let signature = Signature { certifie: true, nom: nom.into(), trace: String::new() };
        m.store.ecrire(|c| emargement::signer(c, &a.participant_id, &signature, &m.horloge)).unwrap();
        identifiants.push(compte.email.clone());
        bacs.push((a.bac_id, a.participant_id, compte.id));
    }
    let (bacs_avant, factures_avant) = (compter(&m.store, "bac"), compter(&m.store, "facture"));

    // Closing renders the documents outside the writer, then keeps them.
    let documents = m.store.lire(|c| cloture::preparer(c, &f, &cl.id, &m.horloge)).unwrap();
    let clos = m.store.ecrire(|c| cloture::clore(c, &f, documents, &m.horloge)).unwrap();
    assert_eq!(clos.suppression_le, jour() + chrono::Days::new(30));
    assert_eq!(clos.conserver_jusqu_au, j(0).checked_add_months(chrono::Months::new(36)).unwrap());
    let gardes = m.store.lire(|c| cloture::documents(c, &f, &cl.id)).unwrap();
    let natures: Vec<&str> = gardes.iter().map(|d| d.nature.as_str()).collect();
    assert_eq!(natures, ["EMARGEMENT", "ATTESTATIONS", "RESULTATS", "ATTESTATION", "ATTESTATION"]);
    let (_, pdf) = m.store.lire(|c| cloture::document(c, &f, &cl.id, &gardes[0].id)).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    // Another trainer reaches none of it; nobody can join any more; a second closing is refused.
    let autre = m.store.ecrire(|c| formateur::creer(c, "g@exemple.fr", &m.horloge)).unwrap().0.id;
    assert!(m.store.lire(|c| cloture::documents(c, &autre, &cl.id)).is_err());
    assert!(m.store.ecrire(|c| classe::rejoindre(c, &cl.code, "Retardataire", None, &m.horloge)).is_err());
    assert!(m.store.lire(|c| cloture::preparer(c, &f, &cl.id, &m.horloge)).is_err());
    // Until the deletion day, each trainee still downloads their own attestation.
    let (nom, attestation) =
        m.store.lire(|c| cloture::attestation_du_participant(c, &bacs[0].1)).unwrap().expect("kept");
    assert!(nom.starts_with("attestation-") && attestation.starts_with(b"%PDF-"), "{nom}");
    let rien = m.store.ecrire(|c| cloture::purger(c, clos.suppression_le.pred_opt().unwrap())).unwrap();
    assert_eq!(rien, cloture::Purge::default());

    // On the deletion day: the sandboxes and everything in them are gone; the documents stay.
    let purge = m.store.ecrire(|c| cloture::purger(c, clos.suppression_le)).unwrap();
    assert_eq!((purge.classes, purge.bacs, purge.archives), (1, 2, 0));
    assert_eq!(compter(&m.store, "bac"), bacs_avant - 2);
    assert_eq!(compter(&m.store, "facture"), factures_avant - 2);
    for table in ["participant", "emargement"] {
        assert_eq!(compter(&m.store, table), 0, "{table}");
    }
    for (bac, participant, compte) in &bacs {
        let restes: i64 = m
            .store
            .lire(|c| {
                Ok(c.query_row(
                    "SELECT (SELECT count(*) FROM utilisateur WHERE id = ?3)
                          + (SELECT count(*) FROM message WHERE bac_id = ?1)
                          + (SELECT count(*) FROM journal WHERE bac_id = ?1)
                          + (SELECT count(*) FROM piece_jointe WHERE bac_id = ?1)
                          + (SELECT count(*) FROM quiz_tentative WHERE participant_id = ?2 OR utilisateur_id = ?3)
                          + (SELECT count(*) FROM document_classe WHERE participant_id = ?2)",
                    [bac, participant, compte],
                    |r| r.get(0),
                )?)
            })
            .unwrap();
        assert_eq!(restes, 0, "{bac}");
    }
    assert_eq!(m.store.lire(|c| cloture::documents(c, &f, &cl.id)).unwrap().len(), 5);
    // Really deleted: the freed pages are reused, and after a VACUUM the file is smaller and
    // neither the trainees' logins nor their invoice numbers can be read anywhere in it.
    m.store.compacter_le_journal().unwrap();
    let avant = std::fs::metadata(m.store.chemin()).unwrap().len();
    let libres: i64 = m.store.lire(|c| Ok(c.query_row("PRAGMA freelist_count", [], |r| r.get(0))?)).unwrap();
    rusqlite::Connection::open(m.store.chemin()).unwrap().execute_batch("VACUUM").unwrap();
    m.store.compacter_le_journal().unwrap();
    let octets = std::fs::read(m.store.chemin()).unwrap();
    assert!(
        libres == 0 || (octets.len() as u64) < avant,
        "{libres} free pages, {avant} → {} bytes",
        octets.len()
    );
    for marque in [identifiants[0].as_str(), identifiants[1].as_str(), "CL-0", "CL-1"] {
        assert!(
            !octets.windows(marque.len()).any(|w| w == marque.as_bytes()),
            "« {marque} » still in the file"
        );
    }
    assert_eq!(
        m.store.lire(|c| cloture::documents(c, &f, &cl.id)).unwrap().len(),
        5,
        "the documents survive"
    );

    // At the end of the retention period: the class and its documents.
    let purge = m.store.ecrire(|c| cloture::purger(c, clos.conserver_jusqu_au)).unwrap();
    assert_eq!(purge.archives, 1);
    assert_eq!(compter(&m.store, "document_classe"), 0);
    assert!(m.store.lire(|c| classe::charger(c, &f, &cl.id)).is_err());
}

/// A centre's year: the console's home lists the most recent classes and says how many there are.
#[test]
fn la_console_montre_les_classes_les_plus_recentes_et_leur_nombre() {
    let m = Monde::nouveau();
    let f = m.store.ecrire(|c| formateur::creer(c, "f@exemple.fr", &m.horloge)).unwrap().0.id;
    let ids: Vec<String> = (0..5).map(|_| crate::emargement::classe(&m, &f, "1").id).collect();
    let (recentes, total) = m.store.lire(|c| classe::lister_recentes(c, &f, 3)).unwrap();
    assert_eq!((recentes.len(), total), (3, 5));
    let toutes = m.store.lire(|c| classe::lister(c, &f)).unwrap();
    let attendues: Vec<&str> = toutes.iter().take(3).map(|(c, _)| c.id.as_str()).collect();
    assert_eq!(recentes.iter().map(|(c, _)| c.id.as_str()).collect::<Vec<_>>(), attendues);
    assert_eq!(ids.len(), 5);
}
