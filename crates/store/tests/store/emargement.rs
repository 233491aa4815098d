//! Émargement, attestations, questionnaire de satisfaction et export des résultats d'une
//! classe : seule la confirmation du formateur compte, un formateur n'atteint que ses classes.

use chorus_domain::classe::{Depart, SaisieClasse, controler};
use chorus_domain::emargement::Presence;
use chorus_domain::questionnaire::Reponses;
use chorus_store::classe::{self, Arrivee, Classe};
use chorus_store::emargement::{self, Decision, Signature};
use chorus_store::facture::Envoi;
use chorus_store::{Erreur, Horloge, attestation, bilan, export, formateur, questionnaire};
use lopdf::Document;

use crate::commun::{Monde, Stagiaire, j, jour};
use crate::facture::{acceptee, deposer, saisir};

pub fn classe(m: &Monde, formateur_id: &str, demi_journees: &str) -> Classe {
    let d = controler(&SaisieClasse {
        titre: "Déposer ses factures sur Chorus Pro".into(),
        date_debut: jour().format("%Y-%m-%d").to_string(),
        demi_journees: demi_journees.into(),
        lieu: "CMA Lozère, Mende".into(),
        organisme: "Chambre de métiers et de l'artisanat".into(),
        depart: Depart::PratiqueLibre.code().into(),
        ..SaisieClasse::default()
    })
    .unwrap();
    m.store.ecrire(|c| classe::creer(c, formateur_id, &d, &m.horloge)).unwrap()
}

fn formateur(m: &Monde, email: &str) -> String {
    m.store.ecrire(|c| formateur::creer(c, email, &m.horloge)).unwrap().0.id
}

fn rejoindre(m: &Monde, cl: &Classe, nom: &str) -> Arrivee {
    m.store.ecrire(|c| classe::rejoindre(c, &cl.code, nom, None, &m.horloge)).unwrap()
}

fn signature(nom: &str) -> Signature {
    Signature { certifie: true, nom: nom.into(), trace: String::new() }
}

fn texte_pdf(octets: &[u8]) -> String {
    let doc = Document::load_mem(octets).expect("PDF relisible");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    doc.extract_text(&pages).expect("texte").replace('\u{a0}', " ")
}

#[test]
fn signer_puis_confirmer_seule_la_confirmation_compte() {
    let m = Monde::nouveau();
    let f = formateur(&m, "f@exemple.fr");
    // Une seule demi-journée : elle s'émarge à toute heure du jour (le fuseau de la machine
    // de test n'y change rien).
    let cl = classe(&m, &f, "1");
    let zoe = rejoindre(&m, &cl, "Zoé Lœuvre");
    let paul = rejoindre(&m, &cl, "Paul Martin");

    // La case, le nom exact (casse et accents mis à part), sinon rien n'est enregistré.
    let e = m.store.ecrire(|c| {
        emargement::signer(
            c,
            &zoe.participant_id,
            &Signature { certifie: false, ..signature("Paul") },
            &m.horloge,
        )
    });
    match e {
        Err(Erreur::Anomalies(a)) => {
            assert_eq!(a.iter().map(|a| a.champ.as_str()).collect::<Vec<_>>(), ["certifie", "nom_signe"])
        }
        autre => panic!("anomalies attendues : {autre:?}"),
    }
    let d =
        m.store.ecrire(|c| emargement::signer(c, &zoe.participant_id, &signature("zoe loeuvre"), &m.horloge));
    assert_eq!(d.unwrap().rang, 1);

    let feuille = m.store.lire(|c| emargement::feuille(c, &f, &cl.id)).unwrap();
    assert_eq!(feuille.lignes[0].cases[0].presence, Presence::Signe);
    assert_eq!(feuille.lignes[0].heures(), 0.0, "une signature non confirmée ne compte pas");
    assert!(feuille.lignes[0].cases[0].mention().starts_with("Signé le 22/11/2026 à "));

    // Confirmer en bloc : seules les signatures ; Paul, qui n'a pas signé, reste non signé.
    let n = m
        .store
        .ecrire(|c| emargement::decider(c, &f, &cl.id, None, 1, Decision::Confirmer, &m.horloge))
        .unwrap();
    assert_eq!(n, 1);
    let feuille = m.store.lire(|c| emargement::feuille(c, &f, &cl.id)).unwrap();
    assert_eq!(feuille.lignes[0].heures(), 3.5);
    assert_eq!(feuille.lignes[1].cases[0].presence, Presence::NonSigne);

    // Confirmer Paul seul est refusé ; le noter présent d'après la feuille papier, accepté.
    let r = m.store.ecrire(|c| {
        emargement::decider(c, &f, &cl.id, Some(&paul.participant_id), 1, Decision::Confirmer, &m.horloge)
    });
    assert!(matches!(r, Err(Erreur::Invalide(_))), "{r:?}");
    m.store
        .ecrire(|c| {
            emargement::decider(
                c,
                &f,
                &cl.id,
                Some(&paul.participant_id),
                1,
                Decision::PresentPapier,
                &m.horloge,
            )
        })
        .unwrap();
    // Zoé, confirmée, ne peut plus signer ; notée absente, non plus.
    let r =
        m.store.ecrire(|c| emargement::signer(c, &zoe.participant_id, &signature("Zoé Lœuvre"), &m.horloge));
    assert!(matches!(r, Err(Erreur::Invalide(_))));

    let pdf = m.store.lire(|c| attestation::feuille_pdf(c, &f, &cl.id, None)).unwrap();
    let texte = texte_pdf(&pdf);
    for attendu in
        ["Feuille d'émargement", "Zoé Lœuvre", "Paul Martin", "Présent", "Feuille papier", "f@exemple.fr"]
    {
        assert!(texte.contains(attendu), "« {attendu} » absent de :\n{texte}");
    }
    // Une demi-journée qui n'existe pas.
    let r = m.store.lire(|c| attestation::feuille_pdf(c, &f, &cl.id, Some(2)));
    assert!(matches!(r, Err(Erreur::Introuvable(_))));
}

#[test]
fn pas_de_signature_hors_des_jours_de_formation() {
    let m = Monde::nouveau();
    let f = formateur(&m, "f@exemple.fr");
    let cl = classe(&m, &f, "1");
    let zoe = rejoindre(&m, &cl, "Zoé");
    let demain = Horloge::fixe(j(1));
    let r = m.store.ecrire(|c| emargement::signer(c, &zoe.participant_id, &signature("Zoé"), &demain));
    match r {
        Err(Erreur::Invalide(m)) => assert!(m.contains("terminée"), "{m}"),
        autre => panic!("{autre:?}"),
    }
}

#[test]
fn un_autre_formateur_ne_voit_ni_ne_decide_rien() {
    let m = Monde::nouveau();
    let f = formateur(&m, "f@exemple.fr");
    let autre = formateur(&m, "autre@exemple.fr");
    let cl = classe(&m, &f, "2");
    let zoe = rejoindre(&m, &cl, "Zoé");
    assert!(matches!(m.store.lire(|c| emargement::feuille(c, &autre, &cl.id)), Err(Erreur::Introuvable(_))));
    let r = m.store.ecrire(|c| {
        emargement::decider(c, &autre, &cl.id, Some(&zoe.participant_id), 1, Decision::Absent, &m.horloge)
    });
    assert!(matches!(r, Err(Erreur::Introuvable(_))));
    let r = m.store.lire(|c| attestation::attestation(c, &autre, &cl.id, &zoe.participant_id, &m.horloge));
    assert!(matches!(r, Err(Erreur::Introuvable(_))));
    assert!(matches!(
        m.store.lire(|c| export::resultats_csv(c, &autre, &cl.id)),
        Err(Erreur::Introuvable(_))
    ));
    assert!(matches!(
        m.store.lire(|c| questionnaire::synthese(c, &autre, &cl.id)),
        Err(Erreur::Introuvable(_))
    ));
    // Un stagiaire d'une autre classe n'est pas « de » cette classe.
    let cl2 = classe(&m, &f, "2");
    let paul = rejoindre(&m, &cl2, "Paul");
    let r = m.store.ecrire(|c| {
        emargement::decider(c, &f, &cl.id, Some(&paul.participant_id), 1, Decision::Absent, &m.horloge)
    });
    assert!(matches!(r, Err(Erreur::Introuvable(_))));
}

fn stagiaire(m: &Monde, a: &Arrivee) -> Stagiaire {
    let structure_id = m
        .store
        .lire(|c| Ok(c.query_row("SELECT id FROM structure WHERE bac_id = ?1", [&a.bac_id], |r| r.get(0))?))
        .unwrap();
    Stagiaire { bac_id: a.bac_id.clone(), structure_id }
}

#[test]
fn attestation_heures_confirmees_et_realisations() {
    let m = Monde::nouveau();
    let f = formateur(&m, "f@exemple.fr");
    let cl = classe(&m, &f, "2");
    let zoe = rejoindre(&m, &cl, "Zoé Lœuvre");
    let s = stagiaire(&m, &zoe);
    deposer(&m, &s, "FA-1", crate::commun::COMMUNE);
    acceptee(saisir(&m, &s, None, &crate::commun::saisie("FA-2"), Envoi::Enregistrer));
    m.store
        .ecrire(|c| {
            emargement::decider(
                c,
                &f,
                &cl.id,
                Some(&zoe.participant_id),
                2,
                Decision::PresentPapier,
                &m.horloge,
            )
        })
        .unwrap();
    let r = m.store.lire(|c| bilan::du_participant(c, &zoe.participant_id)).unwrap();
    assert_eq!(r.factures_envoyees, 1, "le brouillon n'est pas envoyé");
    assert!(!r.statuts_atteints.is_empty());
    let (nom, pdf) =
        m.store.lire(|c| attestation::attestation(c, &f, &cl.id, &zoe.participant_id, &m.horloge)).unwrap();
    assert_eq!(nom, "Zoé Lœuvre");
    let texte = texte_pdf(&pdf);
    for attendu in [
        "Attestation de présence et des acquis de fin de formation",
        "Zoé Lœuvre",
        "Déposer ses factures sur Chorus Pro",
        "le dimanche 22 novembre 2026",
        "3,5 heures",
        "1 sur 2",
        "Objectifs de la formation",
        "Factures envoyées",
        "Déposée",
    ] {
        assert!(texte.contains(attendu), "« {attendu} » absent de :\n{texte}");
    }
    let toutes = m.store.lire(|c| attestation::attestations(c, &f, &cl.id, &m.horloge)).unwrap();
    assert!(texte_pdf(&toutes).contains("Zoé Lœuvre"));
}

#[test]
fn questionnaire_modifiable_jusqu_a_la_fin_puis_synthese_et_export() {
    let m = Monde::nouveau();
    let f = formateur(&m, "f@exemple.fr");
    let cl = classe(&m, &f, "2");
    let zoe = rejoindre(&m, &cl, "=1+1 Zoé");
    let paul = rejoindre(&m, &cl, "Paul");
    let rep = |notes: [u8; 6], c: &str| Reponses { notes: notes.to_vec(), commentaire: c.into() };
    m.store
        .ecrire(|c| questionnaire::repondre(c, &zoe.participant_id, &rep([1; 6], ""), &m.horloge))
        .unwrap();
    // Reprise : la seconde réponse remplace la première.
    m.store
        .ecrire(|c| {
            questionnaire::repondre(c, &zoe.participant_id, &rep([5, 4, 5, 3, 5, 5], "@Bien"), &m.horloge)
        })
        .unwrap();
    m.store
        .ecrire(|c| {
            questionnaire::repondre(c, &paul.participant_id, &rep([4, 4, 5, 2, 5, 4], ""), &m.horloge)
        })
        .unwrap();
    let (_, s) = m.store.lire(|c| questionnaire::synthese(c, &f, &cl.id)).unwrap();
    assert_eq!(s.repondants, 2);
    assert_eq!(s.questions[0].moyenne, Some(4.5));
    assert_eq!(s.questions[3].repartition, [0, 1, 1, 0, 0]);
    assert_eq!(s.commentaires, ["@Bien"]);
    // Après le dernier jour, le questionnaire est clos.
    let r = m
        .store
        .ecrire(|c| questionnaire::repondre(c, &paul.participant_id, &rep([1; 6], ""), &Horloge::fixe(j(1))));
    assert!(matches!(r, Err(Erreur::Invalide(_))));

    let csv = m.store.lire(|c| export::resultats_csv(c, &f, &cl.id)).unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "marque d'ordre UTF-8");
    let mut lecteur = csv::ReaderBuilder::new().delimiter(b';').from_reader(&csv[3..]);
    let entetes = lecteur.headers().unwrap().clone();
    assert_eq!(&entetes[0], "Stagiaire");
    let lignes: Vec<csv::StringRecord> = lecteur.records().map(Result::unwrap).collect();
    assert_eq!(lignes.len(), 2);
    assert_eq!(&lignes[0][0], "'=1+1 Zoé", "formule neutralisée");
    assert_eq!(&lignes[0][3], "0 heures");
    assert_eq!(&lignes[0][11], "5");
    assert_eq!(&lignes[0][entetes.len() - 1], "'@Bien");
    assert_eq!(&lignes[1][0], "Paul");
}
