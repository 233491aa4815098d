//! Les suites données par le fournisseur : recycler, compléter, traiter le rejet, et le
//! numéro d'une nouvelle facture après un rejet. Un test par parcours.

use chorus_domain::Statut;
use chorus_domain::suites::Acheminement;
use chorus_store::facture::Envoi;
use chorus_store::suivi::{self, Complement};
use chorus_store::{Erreur, journal};

use crate::acheteur::traiter;
use crate::commun::{COMMUNE, Monde, Stagiaire, j, saisie};
use crate::facture::{acceptee, charger, codes_refuses, deposer, historique, saisir};
use chorus_store::moteur;

/// Département du Causse : le code service est obligatoire.
const DEPARTEMENT: &str = "22221733300095";

fn recycler(m: &Monde, s: &Stagiaire, id: &str, a: &Acheminement) -> Result<Vec<&'static str>, Erreur> {
    m.store
        .ecrire(|tx| suivi::recycler(tx, &s.bac_id, &s.structure_id, id, a, "Service corrigé", &m.horloge))
        .map(|r| r.err().unwrap_or_default().iter().map(|a| a.code).collect())
}

#[test]
fn recycler_une_facture_a_recycler() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let id = deposer(&m, &s, "FA-1", COMMUNE);
    // Pas de recyclage tant que le destinataire n'a rien demandé.
    let a = Acheminement {
        destinataire: DEPARTEMENT.into(),
        code_service: "DIR_ROUTES".into(),
        ..Default::default()
    };
    assert!(matches!(recycler(&m, &s, &id, &a), Err(Erreur::Domaine(_))));
    traiter(&m, &s, &id, Statut::ARecycler, "Ce n'est pas la commune : envoyez au Département").unwrap();

    // Rien de changé : refusé ; les obligations du nouveau destinataire s'appliquent.
    let inchange = Acheminement { destinataire: COMMUNE.into(), ..Default::default() };
    assert_eq!(recycler(&m, &s, &id, &inchange).unwrap(), ["RECYCLAGE_SANS_CHANGEMENT"]);
    let sans_service = Acheminement { destinataire: DEPARTEMENT.into(), ..Default::default() };
    let codes = recycler(&m, &s, &id, &sans_service).unwrap();
    assert!(codes.iter().any(|c| c.contains("SERVICE")), "{codes:?}");
    assert_eq!(charger(&m, &s, &id).statut, Statut::ARecycler, "rien n'est modifié par un refus");

    assert!(recycler(&m, &s, &id, &a).unwrap().is_empty());
    let f = charger(&m, &s, &id);
    assert_eq!(f.statut, Statut::MiseADisposition);
    assert_eq!((f.facture.numero.as_str(), f.facture.destinataire.as_str()), ("FA-1", DEPARTEMENT));
    assert_eq!(f.facture.code_service, "DIR_ROUTES");
    assert!(!f.raison_sociale_destinataire.is_empty());
    let h: Vec<Statut> = historique(&m, &s, &id).iter().filter_map(|e| e.statut).collect();
    assert_eq!(
        &h[h.len() - 4..],
        [Statut::ARecycler, Statut::Deposee, Statut::EnCoursAcheminement, Statut::MiseADisposition]
    );
    // Le nouveau destinataire a reçu la facture aujourd'hui : son calendrier part d'aujourd'hui.
    m.store.ecrire(|tx| moteur::avancer(tx, &s.bac_id, 3, &m.horloge)).unwrap();
    let e = historique(&m, &s, &id).pop().unwrap();
    assert_eq!((e.statut, e.date_simulee), (Some(Statut::ServiceFait), j(3)));
}

#[test]
fn completer_une_facture_suspendue() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let id = deposer(&m, &s, "FA-1", COMMUNE);
    let completer = |commentaire: &str| {
        m.store.ecrire(|tx| {
            let c = Complement { commentaire, pieces_jointes: 0 };
            suivi::completer(tx, &s.bac_id, &s.structure_id, &id, &c, &m.horloge)
        })
    };
    assert!(matches!(completer("trop tôt"), Err(Erreur::Domaine(_))));
    traiter(&m, &s, &id, Statut::Suspendue, "Bon de livraison manquant").unwrap();
    assert_eq!(
        m.store.lire(|c| suivi::suivi(c, &s.bac_id, &id)).unwrap().motif.as_deref(),
        Some("Bon de livraison manquant")
    );
    let vide = completer("   ").unwrap_err().to_string();
    assert!(vide.contains("sans commentaire ni pièce jointe"), "{vide}");
    completer("Bon de livraison n° 42 signé le 20/11").unwrap();
    let f = charger(&m, &s, &id);
    assert_eq!(f.statut, Statut::Completee);
    let e = historique(&m, &s, &id).pop().unwrap();
    assert_eq!(
        (e.acteur.as_str(), e.commentaire.as_str()),
        ("FOURNISSEUR", "Bon de livraison n° 42 signé le 20/11")
    );
}

#[test]
fn traiter_le_rejet_puis_nouveau_numero() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let id = deposer(&m, &s, "FA-1", COMMUNE);
    let traiter_rejet =
        || m.store.ecrire(|tx| suivi::traiter_rejet(tx, &s.bac_id, &s.structure_id, &id, &m.horloge));
    assert!(matches!(traiter_rejet(), Err(Erreur::Domaine(_))), "pas de rejet à traiter");
    traiter(&m, &s, &id, Statut::Rejetee, "Prix unitaire erroné").unwrap();
    assert_eq!(m.store.lire(|c| suivi::a_reprendre(c, &s.bac_id, &s.structure_id)).unwrap(), 1);
    traiter_rejet().unwrap();
    assert_eq!(
        m.store.lire(|c| suivi::suivi(c, &s.bac_id, &id)).unwrap().rejet_traite_le,
        Some(crate::commun::jour())
    );
    assert_eq!(m.store.lire(|c| suivi::a_reprendre(c, &s.bac_id, &s.structure_id)).unwrap(), 0);
    assert!(traiter_rejet().unwrap_err().to_string().contains("déjà été traité"));
    let entrees = m.store.lire(|c| journal::entrees(c, &s.bac_id)).unwrap();
    assert!(entrees.iter().any(|e| e.evenement == suivi::REJET_TRAITE));

    // Le numéro de la facture rejetée ne peut plus servir, avec un message qui dit pourquoi.
    let r = m.store.ecrire(|tx| {
        chorus_store::facture::saisir(
            tx,
            &s.bac_id,
            &s.structure_id,
            None,
            &saisie("FA-1"),
            Envoi::ValiderEtEnvoyer,
            &m.horloge,
        )
    });
    match r {
        Ok(chorus_store::facture::Issue::Refusee(a)) => {
            assert_eq!(a.len(), 1);
            assert!(
                a[0].message.contains("facture rejetée") && a[0].message.contains("nouveau numéro"),
                "{}",
                a[0].message
            );
        }
        autre => panic!("{autre:?}"),
    }
    assert_eq!(
        codes_refuses(saisir(&m, &s, None, &saisie("FA-1"), Envoi::Enregistrer)),
        ["NUMERO_DEJA_UTILISE"]
    );
    // Un numéro déjà pris par une facture qui n'est pas rejetée garde le message habituel.
    deposer(&m, &s, "FA-2", COMMUNE);
    match m.store.ecrire(|tx| {
        chorus_store::facture::saisir(
            tx,
            &s.bac_id,
            &s.structure_id,
            None,
            &saisie("FA-2"),
            Envoi::ValiderEtEnvoyer,
            &m.horloge,
        )
    }) {
        Ok(chorus_store::facture::Issue::Refusee(a)) => {
            assert!(a[0].message.contains("Vous avez déjà une facture"))
        }
        autre => panic!("{autre:?}"),
    }
    let nouvelle = acceptee(saisir(&m, &s, None, &saisie("FA-3"), Envoi::ValiderEtEnvoyer));
    assert_eq!(charger(&m, &s, &nouvelle).statut, Statut::MiseADisposition);
}

#[test]
fn les_suites_d_une_autre_structure_sont_introuvables() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let voisin = m.stagiaire(2);
    let id = deposer(&m, &s, "FA-1", COMMUNE);
    traiter(&m, &s, &id, Statut::Rejetee, "Prix").unwrap();
    let r =
        m.store.ecrire(|tx| suivi::traiter_rejet(tx, &voisin.bac_id, &voisin.structure_id, &id, &m.horloge));
    assert!(matches!(r, Err(Erreur::Introuvable(_))), "{r:?}");
    let r = m.store.ecrire(|tx| suivi::traiter_rejet(tx, &s.bac_id, &voisin.structure_id, &id, &m.horloge));
    assert!(matches!(r, Err(Erreur::Introuvable(_))), "{r:?}");
}

#[test]
fn suspendre_completer_puis_payee_par_l_acheteur_simule() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let id = deposer(&m, &s, "FA-1", COMMUNE);
    traiter(&m, &s, &id, Statut::Suspendue, "Attestation manquante").unwrap();
    // Suspendue : l'acheteur simulé attend, même longtemps.
    m.store.ecrire(|tx| moteur::avancer(tx, &s.bac_id, 40, &m.horloge)).unwrap();
    assert_eq!(charger(&m, &s, &id).statut, Statut::Suspendue);
    m.store
        .ecrire(|tx| {
            let c = Complement { commentaire: "Attestation jointe", pieces_jointes: 0 };
            suivi::completer(tx, &s.bac_id, &s.structure_id, &id, &c, &m.horloge)
        })
        .unwrap();
    // Son calendrier repart du complément (jour 40) : mise en paiement 20 jours plus tard.
    m.store.ecrire(|tx| moteur::avancer(tx, &s.bac_id, 19, &m.horloge)).unwrap();
    assert_eq!(charger(&m, &s, &id).statut, Statut::Comptabilisee);
    m.store.ecrire(|tx| moteur::avancer(tx, &s.bac_id, 1, &m.horloge)).unwrap();
    let e = historique(&m, &s, &id).pop().unwrap();
    assert_eq!((e.statut, e.date_simulee), (Some(Statut::MiseEnPaiement), j(60)));
    let dates: Vec<_> = historique(&m, &s, &id).iter().map(|e| e.date_simulee).collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "historique dans l'ordre des dates : {dates:?}");
}
