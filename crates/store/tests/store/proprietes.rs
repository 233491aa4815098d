//! Sur la vraie base : quoi que fassent les parties (acheteur, valideurs, fournisseur, horloge),
//! dans n'importe quel ordre, chaque facture reste dans un statut de son circuit, son statut
//! courant est le dernier de son historique, et son historique ne fait que s'allonger (rien n'y
//! est jamais réécrit ni effacé).

use chorus_domain::Statut;
use chorus_domain::circuit::Circuit;
use chorus_domain::saisie::SaisieBrute;
use chorus_domain::validation::{MOTIFS_REFUS, Reponse};
use chorus_store::acheteur::{self, Traitement};
use chorus_store::facture::Envoi;
use chorus_store::journal::{self, Coup, Joueur};
use chorus_store::{Erreur, facture, moteur, validation};
use proptest::prelude::*;

use crate::commun::{Monde, saisie};
use crate::facture::{acceptee, saisir};

const TITULAIRE: &str = "62211306600055";
const MANDATAIRE: &str = "54006756800076";
const AUTRE_ENTREPRISE: &str = "92960199500020";

/// Un geste d'une partie sur la facture `facture` (rang dans les factures déposées).
#[derive(Debug, Clone)]
enum Geste {
    Avancer(u32),
    Valider { facture: usize, niveau: u8 },
    Refuser { facture: usize, niveau: u8, motif: usize },
    Traiter { facture: usize, statut: usize },
    CorrigerValideur { facture: usize, titulaire: bool },
}

/// Ce que l'acheteur (destinataire ou comptable) peut tenter, permis ou non.
const CIBLES: [Statut; 8] = [
    Statut::ServiceFait,
    Statut::Mandatee,
    Statut::Rejetee,
    Statut::Suspendue,
    Statut::ARecycler,
    Statut::MiseADispositionComptable,
    Statut::Comptabilisee,
    Statut::MiseEnPaiement,
];

fn geste() -> impl Strategy<Value = Geste> {
    prop_oneof![
        (1u32..20).prop_map(Geste::Avancer),
        (0usize..3, 1u8..3).prop_map(|(facture, niveau)| Geste::Valider { facture, niveau }),
        (0usize..3, 1u8..3, 0..MOTIFS_REFUS.len()).prop_map(|(facture, niveau, motif)| Geste::Refuser {
            facture,
            niveau,
            motif
        }),
        (0usize..3, 0..CIBLES.len()).prop_map(|(facture, statut)| Geste::Traiter { facture, statut }),
        (0usize..3, any::<bool>())
            .prop_map(|(facture, titulaire)| Geste::CorrigerValideur { facture, titulaire }),
    ]
}

/// Un refus attendu des règles (geste interdit dans ce statut, saisie refusée) ; toute autre
/// erreur fait échouer la propriété.
fn refus_attendu(e: &Erreur) -> bool {
    matches!(e, Erreur::Domaine(_) | Erreur::Invalide(_) | Erreur::Anomalies(_) | Erreur::Introuvable(_))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn aucune_suite_de_gestes_ne_sort_une_facture_de_son_circuit(gestes in prop::collection::vec(geste(), 1..30)) {
        let m = Monde::nouveau();
        let s = m.stagiaire(1);
        let brut = |numero: &str, cadre: &str, valideur: &str| SaisieBrute {
            cadre: cadre.into(),
            code_structure_valideur: valideur.into(),
            ..saisie(numero)
        };
        let factures = [
            acceptee(saisir(&m, &s, None, &saisie("P-A1"), Envoi::ValiderEtEnvoyer)),
            acceptee(saisir(&m, &s, None, &brut("P-A9", "A9_FACTURE_SOUSTRAITANT", AUTRE_ENTREPRISE), Envoi::ValiderEtEnvoyer)),
            acceptee(saisir(&m, &s, None, &brut("P-A12", "A12_FACTURE_COTRAITANT", MANDATAIRE), Envoi::ValiderEtEnvoyer)),
        ];
        let historiques = |m: &Monde| -> Vec<Vec<(i64, Option<Statut>)>> {
            factures
                .iter()
                .map(|id| {
                    m.store
                        .lire(|c| journal::historique_facture(c, &s.bac_id, id))
                        .unwrap()
                        .into_iter()
                        .map(|e| (e.id, e.statut))
                        .collect()
                })
                .collect()
        };
        let mut avant = historiques(&m);
        for g in gestes {
            let r = m.store.ecrire(|tx| {
                let date = chorus_store::bac::bac(tx, &s.bac_id)?.date_simulee(&m.horloge);
                let coup = Coup { joueur: Joueur::Stagiaire, date, regle: None };
                match &g {
                    Geste::Avancer(n) => moteur::avancer(tx, &s.bac_id, *n, &m.horloge).map(|_| ()),
                    Geste::Valider { facture, niveau } => validation::repondre(
                        tx, &s.bac_id, &factures[*facture], *niveau,
                        &Reponse::Valider { second_valideur: None }, coup, &m.horloge,
                    ).map(|_| ()),
                    Geste::Refuser { facture, niveau, motif } => validation::repondre(
                        tx, &s.bac_id, &factures[*facture], *niveau,
                        &Reponse::Refuser { motif: &MOTIFS_REFUS[*motif], precision: "Précision du valideur".into() },
                        coup, &m.horloge,
                    ).map(|_| ()),
                    Geste::Traiter { facture, statut } => {
                        let t = Traitement { nouveau_statut: CIBLES[*statut], motif: "Motif de l'acheteur", numero_mandat: "" };
                        acheteur::traiter(tx, &s.bac_id, &factures[*facture], &t, Joueur::Stagiaire, &m.horloge).map(|_| ())
                    }
                    Geste::CorrigerValideur { facture, titulaire } => {
                        let siret = if *titulaire { TITULAIRE } else { MANDATAIRE };
                        validation::corriger_valideur(tx, &s.bac_id, &s.structure_id, &factures[*facture], (siret, ""), &m.horloge)
                            .map(|_| ())
                    }
                }
            });
            if let Err(e) = &r {
                prop_assert!(refus_attendu(e), "{g:?} : {e:?}");
            }
            let apres = historiques(&m);
            for (i, id) in factures.iter().enumerate() {
                // L'historique s'allonge : ce qui y était y reste, tel quel.
                prop_assert!(apres[i].len() >= avant[i].len(), "{g:?} a raccourci l'historique");
                prop_assert_eq!(&apres[i][..avant[i].len()], &avant[i][..], "{:?} a réécrit l'historique", g);
                // Le statut courant est le dernier de l'historique, et un statut du circuit.
                let f = m.store.lire(|c| facture::charger(c, &s.bac_id, id)).unwrap();
                prop_assert_eq!(Some(f.statut), apres[i].last().and_then(|(_, st)| *st));
                let circuit = Circuit::de(f.facture.cadre);
                prop_assert!(circuit.statuts().contains(&f.statut), "{:?} hors du circuit « {} »", f.statut, circuit.nom);
            }
            avant = apres;
        }
    }
}
