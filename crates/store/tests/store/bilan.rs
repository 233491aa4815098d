//! Le bilan des stagiaires d'une classe (grille de suivi, débriefing) : factures envoyées,
//! statuts atteints, anomalies, rejets, dernière activité, motifs les plus fréquents.

use chorus_domain::Statut;
use chorus_domain::classe::Depart;
use chorus_store::facture::Envoi;
use chorus_store::{Erreur, bilan, classe};

use crate::acheteur::traiter;
use crate::classe::{classe, formateur};
use crate::commun::{COMMUNE, Monde, Stagiaire, saisie};
use crate::facture::{codes_refuses, deposer, saisir};

/// Un stagiaire rejoint la classe ; le titulaire du bac reçoit l'entreprise (son binôme non).
fn stagiaire(m: &Monde, code: &str, nom: &str, binome: Option<&str>) -> (classe::Arrivee, Option<Stagiaire>) {
    let a = m.store.ecrire(|c| classe::rejoindre(c, code, nom, binome, &m.horloge)).unwrap();
    let structure = a.compte.as_ref().and_then(|(u, _)| u.structure_id.clone());
    let s = structure.map(|structure_id| Stagiaire { bac_id: a.bac_id.clone(), structure_id });
    (a, s)
}

#[test]
fn bilan_de_la_classe_et_motifs_du_debriefing() {
    let m = Monde::nouveau();
    let f = formateur(&m, "anne@cma.exemple.fr");
    let cl = classe(&m, &f, Depart::PratiqueLibre);
    let (marie, sm) = stagiaire(&m, &cl.code, "Marie Dupont", None);
    let sm = sm.unwrap();
    let (paul, _) = stagiaire(&m, &cl.code, "Paul Martin", Some(&marie.code_binome));
    let (lea, sl) = stagiaire(&m, &cl.code, "Léa Roux", None);
    let sl = sl.unwrap();
    stagiaire(&m, &cl.code, "Zoé", None);

    // Marie : deux factures envoyées (une rejetée), un brouillon, une saisie refusée.
    let fa1 = deposer(&m, &sm, "FA-1", COMMUNE);
    deposer(&m, &sm, "FA-2", COMMUNE);
    saisir(&m, &sm, None, &saisie("FA-3"), Envoi::Enregistrer).unwrap();
    let mut sans_destinataire = saisie("FA-4");
    sans_destinataire.destinataire = "12345678900000".into();
    assert_eq!(
        codes_refuses(saisir(&m, &sm, None, &sans_destinataire, Envoi::ValiderEtEnvoyer)),
        ["DESTINATAIRE_INCONNU"]
    );
    traiter(&m, &sm, &fa1, Statut::Rejetee, "Montant erroné").unwrap();
    // Léa : une facture suspendue, une autre rejetée pour le même motif que Marie.
    let fl1 = deposer(&m, &sl, "L-1", COMMUNE);
    let fl2 = deposer(&m, &sl, "L-2", COMMUNE);
    traiter(&m, &sl, &fl1, Statut::Suspendue, "Bon de commande manquant").unwrap();
    traiter(&m, &sl, &fl2, Statut::Rejetee, "  Montant erroné ").unwrap();
    // Zoé n'a encore rien fait ; le formateur avance l'horloge de tous.
    m.store.ecrire(|c| classe::avancer(c, &f, &cl.id, None, 3, &m.horloge)).unwrap();

    let b = m.store.lire(|c| bilan::de_la_classe(c, &cl.id)).unwrap();
    let noms: Vec<&str> = b.iter().map(|b| b.nom.as_str()).collect();
    assert_eq!(noms, ["Marie Dupont", "Paul Martin", "Léa Roux", "Zoé"]);
    let (bm, bp, bl, bz) = (&b[0], &b[1], &b[2], &b[3]);
    assert_eq!((bm.factures_envoyees, bm.anomalies, bm.rejets), (2, 1, 1));
    assert_eq!(
        bm.statuts_atteints,
        [
            Statut::Brouillon,
            Statut::Deposee,
            Statut::EnCoursAcheminement,
            Statut::MiseADisposition,
            Statut::Rejetee,
            // L'acheteur simulé a constaté le service fait pendant l'avancée d'horloge.
            Statut::ServiceFait,
        ]
    );
    assert!(bm.bac_partage && bp.bac_partage, "le binôme partage le bac");
    assert_eq!(
        (bp.factures_envoyees, bp.anomalies, bp.rejets, &bp.statuts_atteints),
        (2, 1, 1, &bm.statuts_atteints),
        "les chiffres du bac commun"
    );
    assert_eq!(bm.derniere_activite, Some(m.horloge.maintenant()));
    assert_eq!((bl.factures_envoyees, bl.rejets, bl.bac_partage), (2, 1, false));
    assert!(bl.statuts_atteints.contains(&Statut::Suspendue));
    assert_eq!((bz.factures_envoyees, bz.anomalies, bz.rejets), (0, 0, 0));
    assert!(bz.statuts_atteints.is_empty());
    assert_eq!(bz.derniere_activite, None, "l'avancée d'horloge du formateur n'est pas une activité");

    assert_eq!(m.store.lire(|c| bilan::du_participant(c, &paul.participant_id)).unwrap(), *bp);
    assert_eq!(m.store.lire(|c| bilan::du_participant(c, &lea.participant_id)).unwrap(), *bl);
    assert!(matches!(m.store.lire(|c| bilan::du_participant(c, "inconnu")), Err(Erreur::Introuvable(_))));

    let motifs = m.store.lire(|c| bilan::motifs_de_rejet(c, &cl.id)).unwrap();
    assert_eq!(
        motifs,
        [
            ("Rejet : Montant erroné".to_string(), 2),
            ("Suspension : Bon de commande manquant".to_string(), 1),
            ("Anomalie : Destinataire absent de l'annuaire (SIRET)".to_string(), 1),
        ]
    );
}

#[test]
fn une_classe_vide_ou_d_un_autre_n_a_pas_de_bilan_melange() {
    let m = Monde::nouveau();
    let f = formateur(&m, "anne@cma.exemple.fr");
    let a = classe(&m, &f, Depart::PratiqueLibre);
    let b = classe(&m, &f, Depart::PratiqueLibre);
    assert!(m.store.lire(|c| bilan::de_la_classe(c, &a.id)).unwrap().is_empty());
    let s = stagiaire(&m, &b.code, "Marie", None).1.unwrap();
    let fa = deposer(&m, &s, "FA-1", COMMUNE);
    traiter(&m, &s, &fa, Statut::Rejetee, "Doublon").unwrap();
    assert!(m.store.lire(|c| bilan::de_la_classe(c, &a.id)).unwrap().is_empty());
    assert!(m.store.lire(|c| bilan::motifs_de_rejet(c, &a.id)).unwrap().is_empty());
    assert_eq!(m.store.lire(|c| bilan::motifs_de_rejet(c, &b.id)).unwrap().len(), 1);
}
