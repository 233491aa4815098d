//! Le journal : on n'y fait qu'ajouter ; l'historique d'une facture en est une lecture
//! chronologique.

use chorus_domain::Statut;
use chorus_store::facture;
use chorus_store::facture::Envoi;
use chorus_store::journal::{self, evenement};

use crate::commun::{COMMUNE, Monde, SIRET_HORS_ANNUAIRE, Stagiaire, saisie, saisie_pour};
use crate::facture::{acceptee, deposer, historique, saisir, statuts};
use chorus_store::depart;
use chorus_store::moteur;

fn entrees(m: &Monde, s: &Stagiaire) -> Vec<journal::Entree> {
    m.store.lire(|c| journal::entrees(c, &s.bac_id)).unwrap()
}

/// Les entrées déjà écrites sont toujours là, inchangées, au début du journal.
fn assert_prefixe(avant: &[journal::Entree], apres: &[journal::Entree]) {
    assert!(apres.len() > avant.len(), "le journal doit grandir : {} puis {}", avant.len(), apres.len());
    assert_eq!(&apres[..avant.len()], avant);
    assert!(apres.windows(2).all(|w| w[0].id < w[1].id), "identifiants croissants : {apres:#?}");
}

#[test]
fn le_journal_ne_fait_que_grandir() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let mut vu = entrees(&m, &s);
    assert!(vu.is_empty());

    let mut etape = |action: &dyn Fn()| {
        action();
        let apres = entrees(&m, &s);
        assert_prefixe(&vu, &apres);
        vu = apres;
    };
    let brouillon = std::cell::RefCell::new(String::new());
    etape(&|| {
        *brouillon.borrow_mut() = acceptee(saisir(&m, &s, None, &saisie("FA-1"), Envoi::Enregistrer));
    });
    // Une saisie refusée laisse sa trace.
    etape(&|| {
        saisir(&m, &s, None, &saisie_pour("FA-2", SIRET_HORS_ANNUAIRE), Envoi::ValiderEtEnvoyer).unwrap();
    });
    // Modifier puis envoyer le brouillon.
    etape(&|| {
        let id = brouillon.borrow().clone();
        acceptee(saisir(&m, &s, Some(&id), &saisie("FA-1"), Envoi::ValiderEtEnvoyer));
    });
    etape(&|| {
        deposer(&m, &s, "FA-3", COMMUNE);
    });
    etape(&|| {
        m.store.ecrire(|tx| moteur::avancer(tx, &s.bac_id, 12, &m.horloge)).unwrap();
    });

    // Après une réinitialisation, les identifiants ne repartent pas de 1 : une entrée
    // supprimée n'est jamais « remplacée » par une autre (AUTOINCREMENT).
    let max_avant = vu.last().unwrap().id;
    m.store.ecrire(|tx| depart::reinitialiser(tx, &s.bac_id)).unwrap();
    assert!(entrees(&m, &s).is_empty());
    deposer(&m, &s, "FA-1", COMMUNE);
    let apres = entrees(&m, &s);
    assert!(apres[0].id > max_avant, "{} <= {max_avant}", apres[0].id);
}

#[test]
fn les_journaux_des_bacs_s_entrelacent_sans_se_meler() {
    let m = Monde::nouveau();
    let s1 = m.stagiaire(1);
    let s2 = m.stagiaire(2);
    for n in 0..3 {
        deposer(&m, &s1, &format!("FA-{n}"), COMMUNE);
        deposer(&m, &s2, &format!("FA-{n}"), COMMUNE);
    }
    let e1 = entrees(&m, &s1);
    let e2 = entrees(&m, &s2);
    assert_eq!((e1.len(), e2.len()), (9, 9));
    assert!(e1.windows(2).all(|w| w[0].id < w[1].id));
    assert!(e2.windows(2).all(|w| w[0].id < w[1].id));
    assert!(e1.iter().all(|a| e2.iter().all(|b| a.id != b.id)));
}

#[test]
fn historique_dans_l_ordre_chronologique() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let id = acceptee(saisir(&m, &s, None, &saisie("FA-1"), Envoi::Enregistrer));
    // Deux jours passent avant l'envoi, puis l'acheteur traite la facture ; une autre facture
    // et une saisie refusée s'intercalent dans le journal.
    m.store.ecrire(|tx| moteur::avancer(tx, &s.bac_id, 2, &m.horloge)).unwrap();
    saisir(&m, &s, None, &saisie_pour("FA-2", SIRET_HORS_ANNUAIRE), Envoi::ValiderEtEnvoyer).unwrap();
    let issue = m.store.ecrire(|tx| facture::envoyer_brouillon(tx, &s.bac_id, &id, &m.horloge));
    acceptee(issue);
    deposer(&m, &s, "FA-3", COMMUNE);
    m.store.ecrire(|tx| moteur::avancer(tx, &s.bac_id, 11, &m.horloge)).unwrap();

    let h = historique(&m, &s, &id);
    assert_eq!(
        statuts(&h),
        [
            Statut::Brouillon,
            Statut::Deposee,
            Statut::EnCoursAcheminement,
            Statut::MiseADisposition,
            Statut::ServiceFait,
            Statut::Mandatee,
            Statut::MiseADispositionComptable,
        ]
    );
    assert!(h.windows(2).all(|w| w[0].id < w[1].id && w[0].date_simulee <= w[1].date_simulee), "{h:#?}");
    assert!(
        h.iter().all(|e| e.evenement == evenement::STATUT && e.facture_id.as_deref() == Some(id.as_str()))
    );
    let dates: Vec<_> = h.iter().map(|e| e.date_simulee).collect();
    use crate::commun::j;
    assert_eq!(dates, [j(0), j(2), j(2), j(2), j(5), j(12), j(13)]);
    // Une facture inconnue n'a pas d'historique.
    assert!(historique(&m, &s, "facture-inventee").is_empty());
}
