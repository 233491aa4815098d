//! Les cas d'usage des factures : saisie, brouillon, envoi, acheminement, lecture, liste.

use chorus_domain::Statut;
use chorus_domain::saisie::SaisieBrute;
use chorus_store::facture::{self, Envoi, Filtre, Issue, PAR_PAGE};
use chorus_store::journal::{self, evenement};
use chorus_store::{Erreur, Resultat};
use rust_decimal_macros::dec;

use crate::commun::{COMMUNE, Monde, SIRET_HORS_ANNUAIRE, Stagiaire, compter, j, jour, saisie, saisie_pour};

pub fn saisir(
    m: &Monde,
    s: &Stagiaire,
    brouillon: Option<&str>,
    brut: &SaisieBrute,
    envoi: Envoi,
) -> Resultat<Issue> {
    m.store.ecrire(|tx| facture::saisir(tx, &s.bac_id, &s.structure_id, brouillon, brut, envoi, &m.horloge))
}

pub fn acceptee(issue: Resultat<Issue>) -> String {
    match issue {
        Ok(Issue::Acceptee(id)) => id,
        autre => panic!("saisie acceptée attendue : {autre:?}"),
    }
}

pub fn codes_refuses(issue: Resultat<Issue>) -> Vec<&'static str> {
    match issue {
        Ok(Issue::Refusee(anomalies)) => {
            let mut codes: Vec<&str> = anomalies.iter().map(|a| a.code).collect();
            codes.sort();
            codes
        }
        autre => panic!("saisie refusée attendue : {autre:?}"),
    }
}

/// Dépose (« Valider et envoyer ») une facture valide pour `destinataire`.
pub fn deposer(m: &Monde, s: &Stagiaire, numero: &str, destinataire: &str) -> String {
    acceptee(saisir(m, s, None, &saisie_pour(numero, destinataire), Envoi::ValiderEtEnvoyer))
}

pub fn charger(m: &Monde, s: &Stagiaire, id: &str) -> facture::FactureStockee {
    m.store.lire(|c| facture::charger(c, &s.bac_id, id)).unwrap()
}

pub fn historique(m: &Monde, s: &Stagiaire, id: &str) -> Vec<journal::Entree> {
    m.store.lire(|c| journal::historique_facture(c, &s.bac_id, id)).unwrap()
}

pub fn statuts(h: &[journal::Entree]) -> Vec<Statut> {
    h.iter().map(|e| e.statut.unwrap()).collect()
}

fn journal_du_bac(m: &Monde, s: &Stagiaire) -> Vec<journal::Entree> {
    m.store.lire(|c| journal::entrees(c, &s.bac_id)).unwrap()
}

#[test]
fn enregistrer_cree_un_brouillon_et_une_entree_de_journal() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let id = acceptee(saisir(&m, &s, None, &saisie("FA-2026-001"), Envoi::Enregistrer));
    let f = charger(&m, &s, &id);
    assert_eq!(f.statut, Statut::Brouillon);
    assert_eq!(f.structure_id, s.structure_id);
    assert_eq!(f.facture.numero, "FA-2026-001");
    assert_eq!((f.date_depot, f.date_mise_a_disposition, f.date_statut), (None, None, jour()));
    assert_eq!(f.raison_sociale_destinataire, "COMMUNE DE VALCOMBE (FICTIVE)");
    assert_eq!(f.totaux().total_ttc, dec!(433.80));

    let entrees = journal_du_bac(&m, &s);
    assert_eq!(entrees.len(), 1, "{entrees:#?}");
    let e = &entrees[0];
    assert_eq!(e.evenement, evenement::STATUT);
    assert_eq!((e.statut, e.facture_id.as_deref()), (Some(Statut::Brouillon), Some(id.as_str())));
    assert_eq!(
        (e.date_simulee, e.horodatage, e.acteur.as_str()),
        (jour(), m.horloge.maintenant(), "FOURNISSEUR")
    );
}

#[test]
fn valider_et_envoyer_met_a_disposition_le_jour_meme() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let id = deposer(&m, &s, "FA-2026-001", COMMUNE);
    let f = charger(&m, &s, &id);
    assert_eq!(f.statut, Statut::MiseADisposition);
    assert_eq!(
        (f.date_depot, f.date_mise_a_disposition, f.date_statut),
        (Some(jour()), Some(jour()), jour())
    );

    let h = historique(&m, &s, &id);
    assert_eq!(statuts(&h), [Statut::Deposee, Statut::EnCoursAcheminement, Statut::MiseADisposition]);
    assert!(h.iter().all(|e| e.date_simulee == jour() && e.evenement == evenement::STATUT), "{h:#?}");
    let acteurs: Vec<&str> = h.iter().map(|e| e.acteur.as_str()).collect();
    assert_eq!(acteurs, ["FOURNISSEUR", "SYSTEME", "SYSTEME"]);
    // Rien d'autre au journal.
    assert_eq!(journal_du_bac(&m, &s).len(), 3);

    let (liste, total) = m.store.lire(|c| facture::lister(c, &s.bac_id, &Filtre::default())).unwrap();
    assert_eq!(total, 1);
    let r = &liste[0];
    assert_eq!(
        (r.id.as_str(), r.numero.as_str(), r.statut),
        (id.as_str(), "FA-2026-001", Statut::MiseADisposition)
    );
    assert_eq!((r.destinataire.as_str(), r.date_depot, r.total_ttc), (COMMUNE, Some(jour()), dec!(433.80)));
    assert_eq!(r.date_facture, j(0).pred_opt().unwrap());
}

#[test]
fn saisie_refusee_ne_cree_pas_de_facture_mais_trace_les_anomalies() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let mut brut = saisie_pour("FA-2026-001", SIRET_HORS_ANNUAIRE);
    brut.date_facture = "30/11/2026".into();
    let codes = codes_refuses(saisir(&m, &s, None, &brut, Envoi::ValiderEtEnvoyer));
    assert_eq!(codes, ["DATE_FUTURE", "DESTINATAIRE_INCONNU"]);
    assert_eq!(compter(&m.store, "facture"), 0);

    let entrees = journal_du_bac(&m, &s);
    assert_eq!(entrees.len(), 1, "{entrees:#?}");
    let e = &entrees[0];
    assert_eq!((e.evenement.as_str(), e.facture_id.as_deref(), e.statut), (evenement::ANOMALIES, None, None));
    let mut traces: Vec<String> = serde_json::from_str(e.donnees.as_deref().unwrap()).unwrap();
    traces.sort();
    assert_eq!(traces, codes);
    assert_eq!(e.date_simulee, jour());

    // Une saisie mal formée est refusée même en brouillon.
    let mut vide = saisie("");
    vide.lignes.clear();
    let codes = codes_refuses(saisir(&m, &s, None, &vide, Envoi::Enregistrer));
    assert_eq!(codes, ["AUCUNE_LIGNE", "CHAMP_OBLIGATOIRE"]);
    assert_eq!(compter(&m.store, "facture"), 0);
    assert_eq!(journal_du_bac(&m, &s).len(), 2);
}

#[test]
fn numero_deja_utilise_meme_par_un_brouillon() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    acceptee(saisir(&m, &s, None, &saisie("FA-1"), Envoi::Enregistrer));
    assert_eq!(
        codes_refuses(saisir(&m, &s, None, &saisie("FA-1"), Envoi::ValiderEtEnvoyer)),
        ["NUMERO_DEJA_UTILISE"]
    );
    assert_eq!(
        codes_refuses(saisir(&m, &s, None, &saisie("FA-1"), Envoi::Enregistrer)),
        ["NUMERO_DEJA_UTILISE"]
    );
    // Un numéro déjà envoyé aussi.
    deposer(&m, &s, "FA-2", COMMUNE);
    assert_eq!(
        codes_refuses(saisir(&m, &s, None, &saisie("FA-2"), Envoi::Enregistrer)),
        ["NUMERO_DEJA_UTILISE"]
    );
    // Un autre brouillon ne peut pas prendre ce numéro en étant modifié.
    let autre = acceptee(saisir(&m, &s, None, &saisie("FA-3"), Envoi::Enregistrer));
    assert_eq!(
        codes_refuses(saisir(&m, &s, Some(&autre), &saisie("FA-1"), Envoi::Enregistrer)),
        ["NUMERO_DEJA_UTILISE"]
    );
    assert_eq!(charger(&m, &s, &autre).facture.numero, "FA-3");
    assert_eq!(compter(&m.store, "facture"), 3);
    // Le numéro est propre à chaque fournisseur : un autre stagiaire peut l'utiliser.
    let s2 = m.stagiaire(2);
    deposer(&m, &s2, "FA-1", COMMUNE);
    assert_eq!(compter(&m.store, "facture"), 4);
}

#[test]
fn brouillon_modifie_garde_une_seule_ligne() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let id = acceptee(saisir(&m, &s, None, &saisie("FA-1"), Envoi::Enregistrer));
    let mut modifie = saisie("FA-1-BIS");
    modifie.lignes[0].quantite = "5".into();
    assert_eq!(acceptee(saisir(&m, &s, Some(&id), &modifie, Envoi::Enregistrer)), id);
    // Garder son propre numéro n'est pas un doublon.
    assert_eq!(acceptee(saisir(&m, &s, Some(&id), &modifie, Envoi::Enregistrer)), id);
    assert_eq!(compter(&m.store, "facture"), 1);
    let f = charger(&m, &s, &id);
    assert_eq!((f.statut, f.facture.numero.as_str()), (Statut::Brouillon, "FA-1-BIS"));
    assert_eq!(f.facture.lignes[0].quantite, dec!(5));
    // Ré-enregistrer un brouillon ne change pas son statut : une seule entrée d'historique.
    assert_eq!(statuts(&historique(&m, &s, &id)), [Statut::Brouillon]);
    // L'ancien numéro est libéré.
    acceptee(saisir(&m, &s, None, &saisie("FA-1"), Envoi::Enregistrer));

    // Valider et envoyer le brouillon modifié : toujours la même facture.
    assert_eq!(acceptee(saisir(&m, &s, Some(&id), &modifie, Envoi::ValiderEtEnvoyer)), id);
    assert_eq!(compter(&m.store, "facture"), 2);
    let f = charger(&m, &s, &id);
    assert_eq!((f.statut, f.date_depot), (Statut::MiseADisposition, Some(jour())));
    assert_eq!(
        statuts(&historique(&m, &s, &id)),
        [Statut::Brouillon, Statut::Deposee, Statut::EnCoursAcheminement, Statut::MiseADisposition]
    );
    // Une facture envoyée ne se modifie plus.
    match saisir(&m, &s, Some(&id), &modifie, Envoi::Enregistrer) {
        Err(Erreur::Domaine(chorus_domain::Erreur::Transition(m))) => {
            assert!(m.contains("déjà été envoyée"), "{m}")
        }
        autre => panic!("{autre:?}"),
    }
    assert_eq!(charger(&m, &s, &id).statut, Statut::MiseADisposition);
}

#[test]
fn envoyer_un_brouillon_repasse_tous_les_controles() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let bon = acceptee(saisir(&m, &s, None, &saisie("FA-1"), Envoi::Enregistrer));
    let issue = m.store.ecrire(|tx| facture::envoyer_brouillon(tx, &s.bac_id, &bon, &m.horloge));
    assert_eq!(acceptee(issue), bon);
    let f = charger(&m, &s, &bon);
    assert_eq!(
        (f.statut, f.date_depot, f.date_mise_a_disposition),
        (Statut::MiseADisposition, Some(jour()), Some(jour()))
    );
    assert_eq!(f.facture, chorus_domain::saisie::analyser(&saisie("FA-1")).unwrap());

    // Un brouillon n'a qu'à être bien formé : le destinataire inconnu passe…
    let mauvais =
        acceptee(saisir(&m, &s, None, &saisie_pour("FA-2", SIRET_HORS_ANNUAIRE), Envoi::Enregistrer));
    // … mais pas à l'envoi.
    let issue = m.store.ecrire(|tx| facture::envoyer_brouillon(tx, &s.bac_id, &mauvais, &m.horloge));
    assert_eq!(codes_refuses(issue), ["DESTINATAIRE_INCONNU"]);
    let f = charger(&m, &s, &mauvais);
    assert_eq!((f.statut, f.date_depot), (Statut::Brouillon, None));
    assert_eq!(statuts(&historique(&m, &s, &mauvais)), [Statut::Brouillon]);
    let derniere = journal_du_bac(&m, &s).pop().unwrap();
    assert_eq!(
        (derniere.evenement.as_str(), derniere.facture_id.as_deref()),
        (evenement::ANOMALIES, Some(mauvais.as_str()))
    );

    // Envoyer une facture déjà envoyée : refusé par le cycle de vie.
    let issue = m.store.ecrire(|tx| facture::envoyer_brouillon(tx, &s.bac_id, &bon, &m.horloge));
    assert!(matches!(issue, Err(Erreur::Domaine(chorus_domain::Erreur::Transition(_)))), "{issue:?}");
}

#[test]
fn chaque_lecture_est_limitee_a_son_bac_a_sable() {
    let m = Monde::nouveau();
    let s1 = m.stagiaire(1);
    let s2 = m.stagiaire(2);
    let id = deposer(&m, &s1, "FA-1", COMMUNE);
    let brouillon = acceptee(saisir(&m, &s1, None, &saisie("FA-2"), Envoi::Enregistrer));

    for f in [&id, &brouillon] {
        assert!(matches!(
            m.store.lire(|c| facture::charger(c, &s2.bac_id, f)),
            Err(Erreur::Introuvable("facture"))
        ));
        let envoi = m.store.ecrire(|tx| facture::envoyer_brouillon(tx, &s2.bac_id, f, &m.horloge));
        assert!(matches!(envoi, Err(Erreur::Introuvable("facture"))), "{envoi:?}");
        // Modifier le brouillon d'un autre bac, même avec sa propre structure : introuvable.
        let r = saisir(&m, &s2, Some(f), &saisie("FA-9"), Envoi::Enregistrer);
        assert!(matches!(r, Err(Erreur::Introuvable("facture"))), "{r:?}");
        assert!(historique(&m, &s2, f).is_empty());
        let r = m.store.ecrire(|tx| {
            facture::changer_statut(
                tx,
                &s2.bac_id,
                f,
                facture::Changement {
                    statut: Statut::ServiceFait,
                    acteur: chorus_domain::statut::Acteur::Destinataire,
                    date: jour(),
                    commentaire: "",
                },
                &m.horloge,
            )
        });
        assert!(matches!(r, Err(Erreur::Introuvable("facture"))), "{r:?}");
    }
    // Saisir avec la structure d'un autre bac : introuvable.
    let r = m.store.ecrire(|tx| {
        facture::saisir(
            tx,
            &s2.bac_id,
            &s1.structure_id,
            None,
            &saisie("FA-3"),
            Envoi::Enregistrer,
            &m.horloge,
        )
    });
    assert!(matches!(r, Err(Erreur::Introuvable("structure"))), "{r:?}");
    // Un bac inventé.
    let r = m.store.ecrire(|tx| {
        facture::saisir(
            tx,
            "bac-invente",
            &s1.structure_id,
            None,
            &saisie("FA-3"),
            Envoi::Enregistrer,
            &m.horloge,
        )
    });
    assert!(matches!(r, Err(Erreur::Introuvable("bac à sable"))), "{r:?}");

    let (liste, total) = m.store.lire(|c| facture::lister(c, &s2.bac_id, &Filtre::default())).unwrap();
    assert_eq!((liste.len(), total), (0, 0));
    assert!(m.store.lire(|c| facture::compter_par_statut(c, &s2.bac_id)).unwrap().is_empty());
    assert!(journal_du_bac(&m, &s2).is_empty());
    // Rien n'a bougé chez le premier.
    assert_eq!(charger(&m, &s1, &id).statut, Statut::MiseADisposition);
    assert_eq!(charger(&m, &s1, &brouillon).facture.numero, "FA-2");
    assert_eq!(compter(&m.store, "facture"), 2);
}

#[test]
fn liste_paginee_la_plus_recente_d_abord_et_filtres() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    m.store
        .ecrire(|tx| {
            for n in 1..=120 {
                let envoi = if n % 10 == 0 { Envoi::ValiderEtEnvoyer } else { Envoi::Enregistrer };
                let issue = facture::saisir(
                    tx,
                    &s.bac_id,
                    &s.structure_id,
                    None,
                    &saisie(&format!("FA-{n:04}")),
                    envoi,
                    &m.horloge,
                )?;
                assert!(matches!(issue, Issue::Acceptee(_)), "{issue:?}");
            }
            Ok(())
        })
        .unwrap();
    let lister = |filtre: Filtre| m.store.lire(|c| facture::lister(c, &s.bac_id, &filtre)).unwrap();
    let numeros = |l: &[facture::Resume]| l.iter().map(|r| r.numero.clone()).collect::<Vec<_>>();
    let attendus = |de: usize, a: usize| (a..=de).rev().map(|n| format!("FA-{n:04}")).collect::<Vec<_>>();

    assert_eq!(PAR_PAGE, 50);
    let (p1, total) = lister(Filtre { page: 1, ..Filtre::default() });
    assert_eq!(total, 120);
    assert_eq!(numeros(&p1), attendus(120, 71));
    let (p2, total) = lister(Filtre { page: 2, ..Filtre::default() });
    assert_eq!((numeros(&p2), total), (attendus(70, 21), 120));
    let (p3, total) = lister(Filtre { page: 3, ..Filtre::default() });
    assert_eq!((numeros(&p3), total), (attendus(20, 1), 120));
    let (p4, total) = lister(Filtre { page: 4, ..Filtre::default() });
    assert_eq!((p4.len(), total), (0, 120));
    // Page 0 : la première.
    assert_eq!(numeros(&lister(Filtre::default()).0), attendus(120, 71));
    assert_eq!(p1[0].statut, Statut::MiseADisposition);
    assert_eq!(p1[1].statut, Statut::Brouillon);

    // Par statut.
    let (envoyees, total) = lister(Filtre { statut: Some(Statut::MiseADisposition), ..Filtre::default() });
    assert_eq!(total, 12);
    assert_eq!(numeros(&envoyees), (1..=12).rev().map(|n| format!("FA-{:04}", n * 10)).collect::<Vec<_>>());
    let (_, total) = lister(Filtre { statut: Some(Statut::Brouillon), ..Filtre::default() });
    assert_eq!(total, 108);
    let (brouillons_p3, _) = lister(Filtre { statut: Some(Statut::Brouillon), page: 3, ..Filtre::default() });
    assert_eq!(brouillons_p3.len(), 8);
    assert_eq!(lister(Filtre { statut: Some(Statut::Rejetee), ..Filtre::default() }).1, 0);

    // Par numéro (contient).
    let (l, total) = lister(Filtre { numero: Some("011".into()), ..Filtre::default() });
    assert_eq!(total, 11);
    assert_eq!(numeros(&l).last().unwrap(), "FA-0011");
    let (l, total) = lister(Filtre { numero: Some(" fa-0099 ".into()), ..Filtre::default() });
    assert_eq!((numeros(&l), total), (vec!["FA-0099".to_string()], 1));
    // Les deux filtres ensemble.
    let (l, _) = lister(Filtre {
        statut: Some(Statut::MiseADisposition),
        numero: Some("FA-01".into()),
        page: 1,
        travaux: false,
    });
    assert_eq!(numeros(&l), ["FA-0120", "FA-0110", "FA-0100"]);
    // Les métacaractères de LIKE sont cherchés tels quels.
    for motif in ["%", "_", "A_0", "FA%1", "\\"] {
        assert_eq!(lister(Filtre { numero: Some(motif.into()), ..Filtre::default() }).1, 0, "{motif}");
    }
    // Un filtre vide ne filtre pas.
    assert_eq!(lister(Filtre { numero: Some("   ".into()), ..Filtre::default() }).1, 120);

    let mut par_statut = m.store.lire(|c| facture::compter_par_statut(c, &s.bac_id)).unwrap();
    par_statut.sort();
    assert_eq!(par_statut, [(Statut::Brouillon, 108), (Statut::MiseADisposition, 12)]);
}

#[test]
fn saisie_de_redonne_la_meme_facture() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let mut brut = saisie("FA-1");
    brut.lignes[0].remise_ht = "10,5".into();
    brut.lignes[0].quantite = "2,5000".into();
    brut.commentaire = "Commande du 3 novembre".into();
    let id = acceptee(saisir(&m, &s, None, &brut, Envoi::Enregistrer));
    let f = charger(&m, &s, &id);
    let refaite = facture::saisie_de(&f.facture);
    assert_eq!(chorus_domain::saisie::analyser(&refaite).unwrap(), f.facture);
}

#[test]
fn page_demandee_au_dela_de_tout() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    deposer(&m, &s, "FA-1", COMMUNE);
    for page in [2, 1_000_000, usize::MAX / PAR_PAGE + 2, usize::MAX] {
        let (l, total) =
            m.store.lire(|c| facture::lister(c, &s.bac_id, &Filtre { page, ..Filtre::default() })).unwrap();
        assert_eq!((l.len(), total), (0, 1), "page {page}");
    }
}

#[test]
fn brouillon_d_une_autre_structure_du_meme_bac() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let id = acceptee(saisir(&m, &s, None, &saisie("FA-1"), Envoi::Enregistrer));
    // Une seconde structure dans le même bac à sable (le schéma le permet).
    m.store
        .ecrire(|tx| {
            tx.execute(
                "INSERT INTO structure (id, bac_id, type_identifiant, identifiant, raison_sociale, adresse, code_postal, ville)
                 VALUES ('autre-structure', ?1, 1, '92960199500020', 'AUTRE', '', '', '')",
                [&s.bac_id],
            )?;
            Ok(())
        })
        .unwrap();
    let autre = Stagiaire { bac_id: s.bac_id.clone(), structure_id: "autre-structure".into() };
    let journal_avant = journal_du_bac(&m, &s);
    for envoi in [Envoi::Enregistrer, Envoi::ValiderEtEnvoyer] {
        let r = saisir(&m, &autre, Some(&id), &saisie("FA-2"), envoi);
        assert!(matches!(r, Err(Erreur::Introuvable("facture"))), "{envoi:?} : {r:?}");
    }
    // Le brouillon est intact et le journal n'a rien reçu.
    let f = charger(&m, &s, &id);
    assert_eq!(
        (f.statut, f.facture.numero.as_str(), f.structure_id.as_str()),
        (Statut::Brouillon, "FA-1", s.structure_id.as_str())
    );
    assert_eq!(journal_du_bac(&m, &s), journal_avant);
}

#[test]
fn previsualiser_l_envoi_n_enregistre_rien() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let apercu = m
        .store
        .ecrire(|tx| {
            facture::previsualiser_envoi(tx, &s.bac_id, &s.structure_id, None, &saisie("FA-1"), &m.horloge)
        })
        .unwrap();
    assert_eq!(apercu.unwrap().numero, "FA-1");
    assert_eq!(compter(&m.store, "facture"), 0);
    assert!(journal_du_bac(&m, &s).is_empty());

    let apercu = m
        .store
        .ecrire(|tx| {
            facture::previsualiser_envoi(
                tx,
                &s.bac_id,
                &s.structure_id,
                None,
                &saisie_pour("FA-1", SIRET_HORS_ANNUAIRE),
                &m.horloge,
            )
        })
        .unwrap();
    let codes: Vec<&str> = apercu.unwrap_err().iter().map(|a| a.code).collect();
    assert_eq!(codes, ["DESTINATAIRE_INCONNU"]);
    assert_eq!(compter(&m.store, "facture"), 0);
    let e = journal_du_bac(&m, &s);
    assert_eq!((e.len(), e[0].evenement.as_str()), (1, evenement::ANOMALIES));
}
