//! Le suivi du paiement : table des taux (import, ajout, modification), dates tirées de
//! l'historique des statuts, calcul sur une facture, vue d'ensemble des factures à surveiller.

use chorus_domain::Statut;
use chorus_domain::delai_paiement::{self, Situation, SuspensionSansEffet, TauxSemestre};
use chorus_domain::statut::Acteur;
use chorus_store::facture::{self, Changement, Envoi};
use chorus_store::paiement::{self, EtatPaiement};
use chorus_store::{Erreur, Horloge, reference};
use chrono::NaiveDate;
use rust_decimal_macros::dec;

use crate::commun::{COMMUNE, Monde, Stagiaire, base_vide, j, jour, saisie_pour};
use crate::facture::{acceptee, saisir};

const HOPITAL: &str = "26236940800063";

fn d(a: i32, m: u32, j: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(a, m, j).unwrap()
}

fn statut(m: &Monde, s: &Stagiaire, id: &str, statut: Statut, date: NaiveDate) {
    let acteur = if statut == Statut::Completee { Acteur::Fournisseur } else { Acteur::Destinataire };
    let ch = Changement { statut, acteur, date, commentaire: "" };
    m.store.ecrire(|tx| facture::changer_statut(tx, &s.bac_id, id, ch, &m.horloge)).unwrap();
}

fn deposer(m: &Monde, s: &Stagiaire, numero: &str, destinataire: &str) -> String {
    let mut brut = saisie_pour(numero, destinataire);
    brut.numero_engagement = "EJ-2026-001".into();
    acceptee(saisir(m, s, None, &brut, Envoi::ValiderEtEnvoyer))
}

fn suivi_le(m: &Monde, s: &Stagiaire, id: &str, le: NaiveDate) -> paiement::SuiviFacture {
    let horloge = Horloge::fixe(le);
    m.store.lire(|c| paiement::suivi_facture(c, &s.bac_id, &s.structure_id, id, &horloge)).unwrap()
}

#[test]
fn la_table_livree_puis_ajout_et_modification_d_un_taux() {
    let m = Monde::nouveau();
    let taux = m.store.lire(paiement::lister_taux).unwrap();
    assert_eq!(taux.len(), 8);
    assert_eq!(taux[0], TauxSemestre { debut: d(2023, 1, 1), taux_bce: dec!(2.5), a_verifier: false });
    assert!(taux[6].a_verifier && taux[6].debut == d(2026, 1, 1));
    // Le second semestre 2026 est dans la table, à vérifier.
    assert_eq!(taux[7], TauxSemestre { debut: d(2026, 7, 1), taux_bce: dec!(2.15), a_verifier: true });

    let nouveau = delai_paiement::lire_taux(d(2026, 7, 1), "2,15").unwrap();
    m.store.ecrire(|tx| paiement::definir_taux(tx, &nouveau)).unwrap();
    let confirme = TauxSemestre { debut: d(2026, 1, 1), taux_bce: dec!(2.40), a_verifier: false };
    m.store.ecrire(|tx| paiement::definir_taux(tx, &confirme)).unwrap();
    let taux = m.store.lire(paiement::lister_taux).unwrap();
    assert_eq!(taux.len(), 8);
    assert_eq!(taux[6], TauxSemestre { debut: d(2026, 1, 1), taux_bce: dec!(2.4), a_verifier: false });
    assert_eq!(taux[7].debut, d(2026, 7, 1));
    // La colonne du taux des intérêts suit : BCE + 8.
    let interets: String = m
        .store
        .lire(|c| {
            Ok(c.query_row(
                "SELECT taux FROM taux_interets_moratoires WHERE debut_semestre = '2026-01-01'",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(interets, "10.4");

    // Une valeur construite à la main passe quand même les contrôles.
    for faux in [
        TauxSemestre { debut: d(2026, 8, 1), taux_bce: dec!(2), a_verifier: false },
        TauxSemestre { debut: d(2026, 7, 1), taux_bce: dec!(215), a_verifier: false },
    ] {
        let e = m.store.ecrire(|tx| paiement::definir_taux(tx, &faux)).unwrap_err();
        assert!(matches!(e, Erreur::Domaine(_)), "{e:?}");
    }
    assert_eq!(m.store.lire(paiement::lister_taux).unwrap().len(), 8);
}

#[test]
fn l_import_des_taux_refuse_les_lignes_fausses() {
    let (_dossier, store) = base_vide();
    let texte = "DebutSemestre;TauxBCE;TauxInteretsMoratoires;Statut\n\
                 2025-01-01;3.15;11.15;publie\n\
                 2025-02-01;3.15;11.15;publie\n\
                 2025-07-01;2,15;10,15;a_verifier\n\
                 2026-01-01;2.15;10.00;publie\n\
                 2026-07-01;2.15;10.15;peut-etre\n\
                 demain;2.15;10.15;publie\n\
                 2027-01-01;2.15\n";
    let rapport = store.ecrire(|tx| reference::importer_taux(tx, texte.as_bytes())).unwrap();
    assert_eq!((rapport.lignes_lues, rapport.importees, rapport.nombre_erreurs), (7, 2, 5), "{rapport:?}");
    let numeros: Vec<usize> = rapport.erreurs.iter().map(|(l, _)| *l).collect();
    assert_eq!(numeros, [3, 5, 6, 7, 8]);
    assert!(rapport.erreurs[0].1.contains("début de semestre"), "{:?}", rapport.erreurs);
    assert!(rapport.erreurs[1].1.contains("BCE + 8 points"), "{:?}", rapport.erreurs);
    let taux = store.lire(paiement::lister_taux).unwrap();
    assert_eq!(
        taux.iter().map(|t| (t.debut, t.a_verifier)).collect::<Vec<_>>(),
        // 2026-07-01 vient de la migration qui l'ajoute à toute base, pas de la ligne refusée.
        [(d(2025, 1, 1), false), (d(2025, 7, 1), true), (d(2026, 7, 1), true)]
    );
}

#[test]
fn les_jalons_viennent_de_l_historique() {
    let h = [
        (Statut::Deposee, d(2026, 1, 5)),
        (Statut::MiseADisposition, d(2026, 1, 5)),
        (Statut::ARecycler, d(2026, 1, 6)),
        (Statut::Deposee, d(2026, 1, 8)),
        (Statut::MiseADisposition, d(2026, 1, 8)),
        (Statut::Suspendue, d(2026, 1, 10)),
        (Statut::Completee, d(2026, 1, 15)),
        (Statut::ServiceFait, d(2026, 1, 16)),
        (Statut::MiseEnPaiement, d(2026, 2, 1)),
        (Statut::MiseEnPaiement, d(2026, 2, 3)),
    ];
    let j = paiement::jalons(h);
    assert_eq!(j.mise_a_disposition, Some(d(2026, 1, 8)));
    assert_eq!(j.suspensions.len(), 1);
    assert_eq!(
        (j.suspensions[0].suspendue_le, j.suspensions[0].completee_le),
        (d(2026, 1, 10), Some(d(2026, 1, 15)))
    );
    assert_eq!(j.mise_en_paiement, Some(d(2026, 2, 1)));
    // Une complétion sans suspension ouverte ne s'accroche à rien.
    let j = paiement::jalons([(Statut::Completee, d(2026, 1, 2)), (Statut::Suspendue, d(2026, 1, 3))]);
    assert_eq!(j.suspensions[0].completee_le, None);
}

#[test]
fn hopital_suspendu_12_jours_et_paye_9_jours_en_retard() {
    // Mise à disposition le 22 novembre 2026, 50 jours : échéance initiale le 11 janvier 2027.
    // Suspendue le 2 décembre (10 jours écoulés, solde 40), complétée le 14 décembre : nouveau
    // délai de 40 jours, échéance le 23 janvier. Mise en paiement le 1er février : 9 jours de
    // retard, à partir du 24 janvier, donc au taux du 1er semestre 2027 (saisi : 2,00 + 8 = 10 %).
    // 433,80 € TTC × 9 × 10 / 36 500 = 1,0696… → 1,07 € ; avec les 40 € : 41,07 €.
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let semestre = delai_paiement::lire_taux(d(2027, 1, 1), "2").unwrap();
    m.store.ecrire(|tx| paiement::definir_taux(tx, &semestre)).unwrap();
    let id = deposer(&m, &s, "FA-CH-1", HOPITAL);
    statut(&m, &s, &id, Statut::Suspendue, j(10));
    statut(&m, &s, &id, Statut::Completee, j(22));

    let pendant = suivi_le(&m, &s, &id, j(30));
    let EtatPaiement::Suivie(sv) = &pendant.etat else { panic!("{:?}", pendant.etat) };
    assert_eq!(pendant.delai_jours, 50);
    assert_eq!(sv.echeance, Some(d(2027, 1, 23)));
    assert_eq!(sv.situation(), Situation::EnCours { jours_restants: 32 });

    statut(&m, &s, &id, Statut::MiseEnPaiement, d(2027, 2, 1));
    let apres = suivi_le(&m, &s, &id, d(2027, 3, 1));
    let EtatPaiement::Suivie(sv) = &apres.etat else { panic!("{:?}", apres.etat) };
    assert_eq!(sv.debut, jour());
    assert_eq!(sv.echeance_initiale, d(2027, 1, 11));
    let i = sv.interruption.as_ref().unwrap();
    assert_eq!((i.solde, i.nouveau_delai, i.jours_arretes), (40, 40, Some(12)));
    assert_eq!(sv.jours_retard, 9);
    let im = sv.interets.as_ref().unwrap();
    assert_eq!(im.montant_ttc, dec!(433.80));
    assert_eq!(im.taux.as_ref().unwrap().taux, dec!(10));
    assert!(!im.taux.as_ref().unwrap().semestre_absent);
    assert_eq!((im.montant, im.total), (Some(dec!(1.07)), Some(dec!(41.07))));
    assert_eq!(im.a_verser_avant, Some(d(2027, 3, 18)));
}

#[test]
fn une_deuxieme_suspension_n_arrete_pas_le_delai() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let id = deposer(&m, &s, "FA-2S", COMMUNE);
    statut(&m, &s, &id, Statut::Suspendue, j(5));
    statut(&m, &s, &id, Statut::Completee, j(7));
    statut(&m, &s, &id, Statut::Suspendue, j(9));
    let sf = suivi_le(&m, &s, &id, j(20));
    let EtatPaiement::Suivie(sv) = &sf.etat else { panic!("{:?}", sf.etat) };
    assert_eq!(sv.suspensions_sans_effet.len(), 1);
    assert_eq!(sv.suspensions_sans_effet[0].1, SuspensionSansEffet::DejaInterrompu);
    // Solde au 5e jour : 25 → 30 jours à partir de la complétion (j+7).
    assert_eq!(sv.echeance, Some(j(37)));
}

#[test]
fn etats_sans_delai_et_factures_introuvables() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let autre = m.stagiaire(2);
    let mut brut = saisie_pour("FA-BR", COMMUNE);
    brut.numero_engagement.clear();
    let brouillon = acceptee(saisir(&m, &s, None, &brut, Envoi::Enregistrer));
    assert_eq!(suivi_le(&m, &s, &brouillon, jour()).etat, EtatPaiement::NonTransmise);
    let rejetee = deposer(&m, &s, "FA-REJ", COMMUNE);
    statut(&m, &s, &rejetee, Statut::Rejetee, j(3));
    assert_eq!(suivi_le(&m, &s, &rejetee, j(4)).etat, EtatPaiement::Rejetee(j(3)));
    let a_recycler = deposer(&m, &s, "FA-REC", COMMUNE);
    statut(&m, &s, &a_recycler, Statut::ARecycler, j(1));
    assert_eq!(suivi_le(&m, &s, &a_recycler, j(4)).etat, EtatPaiement::EnAttente(Statut::ARecycler));

    // La facture d'un autre bac, ou un identifiant inventé, est introuvable.
    let horloge = Horloge::fixe(jour());
    for (bac, structure, id) in [
        (&autre.bac_id, &autre.structure_id, rejetee.as_str()),
        (&s.bac_id, &autre.structure_id, rejetee.as_str()),
        (&s.bac_id, &s.structure_id, "' OR 1=1 --"),
    ] {
        let e = m.store.lire(|c| paiement::suivi_facture(c, bac, structure, id, &horloge)).unwrap_err();
        assert!(matches!(e, Erreur::Introuvable("facture")), "{e:?}");
    }
}

#[test]
fn les_factures_a_surveiller() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let autre = m.stagiaire(2);
    // Toutes mises à disposition le 22 novembre 2026 ; on regarde le 17 décembre.
    let proche = deposer(&m, &s, "FA-PROCHE", COMMUNE); // échéance 22/12 : 5 jours
    deposer(&m, &s, "FA-LOIN", HOPITAL); // échéance 11/01 : 25 jours
    let payee = deposer(&m, &s, "FA-PAYEE", COMMUNE);
    statut(&m, &s, &payee, Statut::MiseEnPaiement, j(20));
    let suspendue = deposer(&m, &s, "FA-SUSP", COMMUNE);
    statut(&m, &s, &suspendue, Statut::Suspendue, j(3));
    // Suspendue et complétée le jour de sa mise à disposition : solde de 30 jours, nouveau délai
    // de 30 jours, même échéance que les autres.
    let meme_jour = deposer(&m, &s, "FA-SUSP-J0", COMMUNE);
    statut(&m, &s, &meme_jour, Statut::Suspendue, j(0));
    statut(&m, &s, &meme_jour, Statut::Completee, j(0));
    deposer(&m, &autre, "FA-AUTRE", COMMUNE);

    let liste = |le: NaiveDate| {
        let horloge = Horloge::fixe(le);
        m.store.lire(|c| paiement::a_surveiller(c, &s.bac_id, &s.structure_id, 10, &horloge)).unwrap()
    };
    let numeros = |v: &[paiement::ASurveiller]| v.iter().map(|f| f.numero.clone()).collect::<Vec<_>>();

    let v = liste(j(25));
    assert_eq!(numeros(&v), ["FA-PROCHE", "FA-SUSP-J0"]);
    assert_eq!(v[0].situation(), Situation::EnCours { jours_restants: 5 });
    assert_eq!(v[0].montant_ttc, dec!(433.80));

    // Le 5 janvier : les deux factures à 30 jours sont en retard (14 jours), l'hôpital arrive à
    // 6 jours de son échéance, la facture payée à temps et la suspendue n'y sont pas.
    let v = liste(d(2027, 1, 5));
    assert_eq!(numeros(&v), ["FA-PROCHE", "FA-SUSP-J0", "FA-LOIN"]);
    assert_eq!(v[0].situation(), Situation::EnRetard { jours: 14 });
    assert_eq!(v[2].situation(), Situation::EnCours { jours_restants: 6 });

    // Payée en retard : elle reste dans la liste (des intérêts sont dus), après les autres.
    statut(&m, &s, &proche, Statut::MiseEnPaiement, d(2027, 1, 2));
    let v = liste(d(2027, 1, 5));
    assert_eq!(numeros(&v), ["FA-SUSP-J0", "FA-LOIN", "FA-PROCHE"]);
    assert_eq!(v[2].situation(), Situation::PayeeEnRetard { jours: 11 });

    // Le bac d'un autre stagiaire ne voit que sa facture, pas encore à surveiller.
    let horloge = Horloge::fixe(j(5));
    let v = m
        .store
        .lire(|c| paiement::a_surveiller(c, &autre.bac_id, &autre.structure_id, 10, &horloge))
        .unwrap();
    assert!(v.is_empty());
}
