//! Les bacs à sable : horloge simulée, acheteur simulé, réinitialisation, isolement.

use chorus_domain::Statut;
use chorus_store::journal::{self, evenement};
use chorus_store::{Erreur, bac, compte, demo, facture};
use chrono::NaiveDate;

use crate::commun::{COLLEGE, COMMUNE, Monde, Stagiaire, compter, j, jour};
use crate::facture::{charger, deposer, historique, statuts};
use chorus_store::depart;
use chorus_store::moteur;

/// Office national (EPIC national, catégorie 4120) : entreprise publique, 60 jours.
const OFFICE_NATIONAL: &str = "38496988700072";

fn avancer(m: &Monde, s: &Stagiaire, jours: u32) -> chorus_store::Resultat<NaiveDate> {
    m.store.ecrire(|tx| moteur::avancer(tx, &s.bac_id, jours, &m.horloge))
}

fn le_bac(m: &Monde, s: &Stagiaire) -> bac::Bac {
    m.store.lire(|c| bac::bac(c, &s.bac_id)).unwrap()
}

#[test]
fn avancer_fait_jouer_l_acheteur_dans_l_ordre_des_dates() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let a = deposer(&m, &s, "FA-A", COMMUNE);
    assert_eq!(avancer(&m, &s, 1).unwrap(), j(1));
    // Un jour plus tard, l'acheteur n'a encore rien fait (service fait à J+3).
    assert_eq!(charger(&m, &s, &a).statut, Statut::MiseADisposition);
    let b = deposer(&m, &s, "FA-B", COMMUNE);
    let fb = charger(&m, &s, &b);
    assert_eq!((fb.date_depot, fb.date_mise_a_disposition), (Some(j(1)), Some(j(1))));

    assert_eq!(avancer(&m, &s, 25).unwrap(), j(26));
    let le_bac = le_bac(&m, &s);
    assert_eq!(le_bac.decalage_jours, 26);
    assert_eq!(le_bac.date_simulee(&m.horloge), j(26));

    for (id, depot) in [(&a, 0), (&b, 1)] {
        let f = charger(&m, &s, id);
        assert_eq!(f.statut, Statut::MiseEnPaiement);
        // La mise à disposition garde sa date ; la date du statut est celle de la dernière étape.
        assert_eq!((f.date_mise_a_disposition, f.date_statut), (Some(j(depot)), j(depot + 20)));
        let h = historique(&m, &s, id);
        assert_eq!(
            statuts(&h),
            [
                Statut::Deposee,
                Statut::EnCoursAcheminement,
                Statut::MiseADisposition,
                Statut::ServiceFait,
                Statut::Mandatee,
                Statut::MiseADispositionComptable,
                Statut::Comptabilisee,
                Statut::MiseEnPaiement,
            ]
        );
        // Le calendrier de l'acheteur à 30 jours : 3, 10, 11, 15, 20 jours après la mise à disposition.
        let dates: Vec<NaiveDate> = h.iter().map(|e| e.date_simulee).collect();
        let attendues: Vec<NaiveDate> = [0, 0, 0, 3, 10, 11, 15, 20].iter().map(|d| j(depot + d)).collect();
        assert_eq!(dates, attendues);
        let acteurs: Vec<&str> = h.iter().map(|e| e.acteur.as_str()).collect();
        assert_eq!(
            acteurs,
            [
                "FOURNISSEUR",
                "SYSTEME",
                "SYSTEME",
                "DESTINATAIRE",
                "DESTINATAIRE",
                "COMPTABLE",
                "COMPTABLE",
                "COMPTABLE"
            ]
        );
        // L'heure réelle est celle de l'horloge, pas la date simulée.
        assert!(h.iter().all(|e| e.horodatage == m.horloge.maintenant()));
    }

    // Les étapes des deux factures, entrelacées dans l'ordre des dates (à date égale, la plus
    // ancienne facture d'abord).
    let entrees = m.store.lire(|c| journal::entrees(c, &s.bac_id)).unwrap();
    let derniere_horloge = entrees.iter().rposition(|e| e.evenement == evenement::HORLOGE).unwrap();
    assert_eq!(entrees[derniere_horloge].date_simulee, j(26));
    // Au journal, les étapes de l'acheteur précèdent l'avancée d'horloge qui les a fait jouer
    // (elles sont datées de leur propre jour, antérieur) : elles suivent la dernière mise à
    // disposition.
    let debut = entrees.iter().rposition(|e| e.statut == Some(Statut::MiseADisposition)).unwrap() + 1;
    let dates_journal: Vec<NaiveDate> = entrees.iter().map(|e| e.date_simulee).collect();
    assert!(
        dates_journal.windows(2).all(|w| w[0] <= w[1]),
        "journal dans l'ordre des dates : {dates_journal:?}"
    );
    let etapes: Vec<(&str, Statut, NaiveDate)> = entrees[debut..derniere_horloge]
        .iter()
        .map(|e| {
            let qui = if e.facture_id.as_deref() == Some(a.as_str()) { "A" } else { "B" };
            (qui, e.statut.unwrap(), e.date_simulee)
        })
        .collect();
    assert_eq!(
        etapes,
        [
            ("A", Statut::ServiceFait, j(3)),
            ("B", Statut::ServiceFait, j(4)),
            ("A", Statut::Mandatee, j(10)),
            ("A", Statut::MiseADispositionComptable, j(11)),
            ("B", Statut::Mandatee, j(11)),
            ("B", Statut::MiseADispositionComptable, j(12)),
            ("A", Statut::Comptabilisee, j(15)),
            ("B", Statut::Comptabilisee, j(16)),
            ("A", Statut::MiseEnPaiement, j(20)),
            ("B", Statut::MiseEnPaiement, j(21)),
        ]
    );

    // Plus rien à faire : avancer encore n'ajoute que l'entrée d'horloge.
    let avant = entrees.len();
    avancer(&m, &s, 30).unwrap();
    let apres = m.store.lire(|c| journal::entrees(c, &s.bac_id)).unwrap();
    assert_eq!(apres.len(), avant + 1);
    assert_eq!((apres[avant].evenement.as_str(), apres[avant].date_simulee), (evenement::HORLOGE, j(56)));
}

#[test]
fn avancer_par_petits_pas_donne_le_meme_calendrier() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let a = deposer(&m, &s, "FA-A", COMMUNE);
    for _ in 0..12 {
        avancer(&m, &s, 1).unwrap();
    }
    assert_eq!(charger(&m, &s, &a).statut, Statut::MiseADispositionComptable);
    let dates: Vec<NaiveDate> = historique(&m, &s, &a).iter().map(|e| e.date_simulee).collect();
    assert_eq!(dates, [j(0), j(0), j(0), j(3), j(10), j(11)]);
}

#[test]
fn le_delai_de_l_acheteur_fixe_son_calendrier() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    // Délai de 60 jours : 5, 25, 26, 35, 45.
    let office = deposer(&m, &s, "FA-R", OFFICE_NATIONAL);
    avancer(&m, &s, 30).unwrap();
    assert_eq!(charger(&m, &s, &office).statut, Statut::MiseADispositionComptable);
    avancer(&m, &s, 15).unwrap();
    let h = historique(&m, &s, &office);
    assert_eq!(h.last().map(|e| (e.statut.unwrap(), e.date_simulee)), Some((Statut::MiseEnPaiement, j(45))));
    let dates: Vec<NaiveDate> = h[3..].iter().map(|e| e.date_simulee).collect();
    assert_eq!(dates, [j(5), j(25), j(26), j(35), j(45)]);
}

#[test]
fn acheteur_qui_ne_remonte_pas_la_mise_en_paiement() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let id = deposer(&m, &s, "FA-C", COLLEGE);
    avancer(&m, &s, 30).unwrap();
    let f = charger(&m, &s, &id);
    assert_eq!((f.statut, f.date_statut), (Statut::Comptabilisee, j(15)));
    avancer(&m, &s, 200).unwrap();
    let h = historique(&m, &s, &id);
    assert_eq!(h.len(), 7, "{h:#?}");
    assert_eq!(h.last().unwrap().statut, Some(Statut::Comptabilisee));
    assert_eq!(charger(&m, &s, &id).statut, Statut::Comptabilisee);
}

#[test]
fn les_brouillons_n_avancent_pas() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let id = crate::facture::acceptee(crate::facture::saisir(
        &m,
        &s,
        None,
        &crate::commun::saisie("FA-1"),
        facture::Envoi::Enregistrer,
    ));
    avancer(&m, &s, 100).unwrap();
    assert_eq!(charger(&m, &s, &id).statut, Statut::Brouillon);
    assert_eq!(historique(&m, &s, &id).len(), 1);
}

#[test]
fn avancer_de_0_ou_plus_d_un_an_est_refuse() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    for jours in [0, 366, u32::MAX] {
        match avancer(&m, &s, jours) {
            Err(Erreur::Invalide(msg)) => assert!(msg.contains("entre 1 et 365"), "{msg}"),
            autre => panic!("{jours} jours : refus attendu, obtenu {autre:?}"),
        }
    }
    assert_eq!(le_bac(&m, &s).decalage_jours, 0);
    assert_eq!(compter(&m.store, "journal"), 0);
    assert_eq!(avancer(&m, &s, moteur::AVANCE_MAX_JOURS).unwrap(), j(365));
    // Un bac inventé.
    let r = m.store.ecrire(|tx| moteur::avancer(tx, "bac-invente", 1, &m.horloge));
    assert!(matches!(r, Err(Erreur::Introuvable("bac à sable"))), "{r:?}");
}

#[test]
fn avancer_un_bac_ne_touche_pas_les_autres() {
    let m = Monde::nouveau();
    let s1 = m.stagiaire(1);
    let s2 = m.stagiaire(2);
    let f2 = deposer(&m, &s2, "FA-1", COMMUNE);
    avancer(&m, &s1, 30).unwrap();
    assert_eq!(le_bac(&m, &s2).decalage_jours, 0);
    assert_eq!(charger(&m, &s2, &f2).statut, Statut::MiseADisposition);
    assert_eq!(historique(&m, &s2, &f2).len(), 3);
}

#[test]
fn reinitialiser_revient_au_point_de_depart() {
    let m = Monde::nouveau();
    let s1 = m.stagiaire(1);
    let s2 = m.stagiaire(2);
    deposer(&m, &s1, "FA-1", COMMUNE);
    crate::facture::acceptee(crate::facture::saisir(
        &m,
        &s1,
        None,
        &crate::commun::saisie("FA-2"),
        facture::Envoi::Enregistrer,
    ));
    avancer(&m, &s1, 10).unwrap();
    let f2 = deposer(&m, &s2, "FA-1", COMMUNE);
    avancer(&m, &s2, 3).unwrap();
    let journal_s2 = m.store.lire(|c| journal::entrees(c, &s2.bac_id)).unwrap();

    m.store.ecrire(|tx| depart::reinitialiser(tx, &s1.bac_id)).unwrap();

    let b1 = le_bac(&m, &s1);
    assert_eq!((b1.decalage_jours, b1.date_simulee(&m.horloge)), (0, jour()));
    assert_eq!(b1.libelle, "Démonstration 1");
    let (liste, total) =
        m.store.lire(|c| facture::lister(c, &s1.bac_id, &facture::Filtre::default())).unwrap();
    assert_eq!((liste.len(), total), (0, 0));
    assert!(m.store.lire(|c| journal::entrees(c, &s1.bac_id)).unwrap().is_empty());
    // Le compte et la structure restent : le stagiaire est toujours connecté, et peut
    // réutiliser ses numéros de facture.
    let u = m
        .store
        .lire(|c| compte::authentifier(c, &demo::identifiant_demo(1), demo::MOT_DE_PASSE_DEMO))
        .unwrap();
    assert_eq!(
        (u.bac_id.as_str(), u.structure_id.as_deref()),
        (s1.bac_id.as_str(), Some(s1.structure_id.as_str()))
    );
    m.store.lire(|c| bac::structure_fournisseur(c, &s1.bac_id, &s1.structure_id)).unwrap();
    deposer(&m, &s1, "FA-1", COMMUNE);

    // L'autre bac n'a pas bougé.
    assert_eq!(le_bac(&m, &s2).decalage_jours, 3);
    assert_eq!(charger(&m, &s2, &f2).statut, Statut::ServiceFait);
    assert_eq!(m.store.lire(|c| journal::entrees(c, &s2.bac_id)).unwrap(), journal_s2);
    assert_eq!(compter(&m.store, "utilisateur"), 5);
    assert_eq!(compter(&m.store, "structure"), 5);
    assert_eq!(compter(&m.store, "bac"), 5);

    let r = m.store.ecrire(|tx| depart::reinitialiser(tx, "bac-invente"));
    assert!(matches!(r, Err(Erreur::Introuvable("bac à sable"))), "{r:?}");
}
