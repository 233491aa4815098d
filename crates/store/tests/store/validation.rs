//! La validation des factures de sous-traitant (A9) et de cotraitant (A12), par le moteur et
//! par les cas d'usage : un test par chemin (validée, refusée, tacite, erreur de valideur
//! corrigée, deux niveaux), et les contrôles du valideur au dépôt.

use chorus_domain::Statut::{self, *};
use chorus_domain::saisie::SaisieBrute;
use chorus_domain::scenario::{self, Mode};
use chorus_domain::validation::{MotifRefus, Reponse};
use chorus_store::facture::Envoi;
use chorus_store::journal::{Coup, Joueur};
use chorus_store::{Erreur, acheteur, moteur, paiement, validation};

use crate::commun::{COMMUNE, Monde, Stagiaire, j, saisie};
use crate::facture::{acceptee, charger, codes_refuses, historique, saisir};

/// BATIMENTS DU CAUSSE SAS : le titulaire des marchés de travaux du monde simulé.
const TITULAIRE: &str = "62211306600055";
/// ETANCHEITE ROCHE SARL : un cotraitant.
const COTRAITANT: &str = "33079647500086";
/// Le mandataire du groupement (TRAVAUX PUBLICS JOUVE SAS).
const MANDATAIRE: &str = "54006756800076";
/// ELECTRICITE GENERALE GIRAUD SARL : une entreprise sans rôle dans les marchés.
const AUTRE_ENTREPRISE: &str = "92960199500020";
/// ANCIENNE QUINCAILLERIE DELMAS : établissement fermé.
const FERMEE: &str = "53611402800049";

fn a9(numero: &str, valideur: &str) -> SaisieBrute {
    SaisieBrute {
        cadre: "A9_FACTURE_SOUSTRAITANT".into(),
        code_structure_valideur: valideur.into(),
        ..saisie(numero)
    }
}

fn deposer(m: &Monde, s: &Stagiaire, brut: &SaisieBrute) -> String {
    acceptee(saisir(m, s, None, brut, Envoi::ValiderEtEnvoyer))
}

fn avancer(m: &Monde, s: &Stagiaire, jours: u32) {
    m.store.ecrire(|tx| moteur::avancer(tx, &s.bac_id, jours, &m.horloge)).unwrap();
}

/// (statut, date) de chaque entrée de l'historique.
fn etapes(m: &Monde, s: &Stagiaire, id: &str) -> Vec<(Statut, chrono::NaiveDate)> {
    historique(m, s, id).iter().map(|e| (e.statut.unwrap(), e.date_simulee)).collect()
}

fn recue_par_l_acheteur(m: &Monde, s: &Stagiaire, id: &str) -> bool {
    m.store.lire(|c| acheteur::facture_recue(c, &s.bac_id, id)).is_ok()
}

#[test]
fn le_valideur_est_controle_au_depot() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let refus = |brut: &SaisieBrute| codes_refuses(saisir(&m, &s, None, brut, Envoi::ValiderEtEnvoyer));
    assert_eq!(refus(&a9("ST-1", "")), ["VALIDEUR_OBLIGATOIRE"]);
    assert_eq!(refus(&a9("ST-1", "62211306600056")), ["VALIDEUR_SIRET_INVALIDE"]);
    assert_eq!(refus(&a9("ST-1", "12000015300011")), ["VALIDEUR_INCONNU"]);
    assert_eq!(refus(&a9("ST-1", FERMEE)), ["VALIDEUR_FERME"]);
    assert_eq!(refus(&a9("ST-1", COMMUNE)), ["VALIDEUR_EST_LE_DESTINATAIRE"]);
    let moi =
        m.store.lire(|c| chorus_store::bac::structure_fournisseur(c, &s.bac_id, &s.structure_id)).unwrap();
    assert_eq!(refus(&a9("ST-1", &moi.identifiant)), ["VALIDEUR_EST_LE_FOURNISSEUR"]);
    let a1 = SaisieBrute { code_structure_valideur: TITULAIRE.into(), ..saisie("FA-1") };
    assert_eq!(refus(&a1), ["VALIDEUR_HORS_CADRE"]);
    // Un brouillon A9 sans valideur s'enregistre : seul l'envoi exige tout.
    acceptee(saisir(&m, &s, None, &a9("ST-2", ""), Envoi::Enregistrer));
}

#[test]
fn valide_par_le_titulaire_puis_traitee_par_l_acheteur() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let id = deposer(&m, &s, &a9("ST-1", TITULAIRE));
    let f = charger(&m, &s, &id);
    assert_eq!((f.statut, f.date_depot), (AValider1, Some(j(0))));
    assert!(!recue_par_l_acheteur(&m, &s, &id), "l'acheteur ne la voit pas avant l'accord");
    avancer(&m, &s, 4);
    assert_eq!(charger(&m, &s, &id).statut, AValider1);
    avancer(&m, &s, 1);
    assert_eq!(
        etapes(&m, &s, &id),
        [
            (AValider1, j(0)),
            (Validee1, j(5)),
            (Deposee, j(5)),
            (EnCoursAcheminement, j(5)),
            (MiseADisposition, j(5))
        ]
    );
    assert!(recue_par_l_acheteur(&m, &s, &id));
    let h = historique(&m, &s, &id);
    assert_eq!(h[1].acteur, "PREMIER_VALIDEUR");
    assert!(h[1].donnees.as_deref().unwrap_or("").contains("SIMULATEUR"), "{:?}", h[1].donnees);
    // La date de dépôt reste celle du dépôt ; le délai de paiement part de la mise à
    // disposition, le jour où l'acheteur reçoit l'accord du titulaire (R2192-23).
    assert_eq!(charger(&m, &s, &id).date_depot, Some(j(0)));
    let suivi =
        m.store.lire(|c| paiement::suivi_facture(c, &s.bac_id, &s.structure_id, &id, &m.horloge)).unwrap();
    let paiement::EtatPaiement::Suivie(p) = suivi.etat else { panic!("{:?}", suivi.etat) };
    assert_eq!(p.debut, j(5));
    assert_eq!(suivi.depart, paiement::DepartDuDelai::AccordDuValideur(j(5)));
    // L'acheteur simulé traite ensuite comme une facture classique.
    avancer(&m, &s, 3);
    assert_eq!(charger(&m, &s, &id).statut, ServiceFait);
}

#[test]
fn refusee_par_le_valideur_avec_un_motif() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let id = deposer(&m, &s, &a9("ST-1", TITULAIRE));
    let motif = MotifRefus::depuis_code("MONTANT_NON_CONFORME").unwrap();
    let repondre = |reponse: &Reponse| {
        m.store.ecrire(|tx| {
            let coup = Coup { joueur: Joueur::Stagiaire, date: j(0), regle: None };
            validation::repondre(tx, &s.bac_id, &id, 1, reponse, coup, &m.horloge)
        })
    };
    // « Autre motif » sans précision : refusé, rien n'a bougé.
    let autre = Reponse::Refuser { motif: MotifRefus::depuis_code("AUTRE").unwrap(), precision: " ".into() };
    assert!(matches!(repondre(&autre), Err(Erreur::Invalide(m)) if m.contains("précision")));
    // Le second niveau n'est pas le sien.
    let r = m.store.ecrire(|tx| {
        let coup = Coup { joueur: Joueur::Stagiaire, date: j(0), regle: None };
        validation::repondre(
            tx,
            &s.bac_id,
            &id,
            2,
            &Reponse::Valider { second_valideur: None },
            coup,
            &m.horloge,
        )
    });
    assert!(matches!(r, Err(Erreur::Domaine(_))), "{r:?}");
    let refus = Reponse::Refuser { motif, precision: "Le contrat prévoit 300 €".into() };
    assert_eq!(repondre(&refus).unwrap(), Refusee1);
    let h = historique(&m, &s, &id);
    assert_eq!(
        h.last().unwrap().commentaire,
        "Montant non conforme au contrat de sous-traitance ou à la convention de groupement — Le contrat prévoit 300 €"
    );
    // C'est fini : ni le temps ni personne n'y change rien.
    avancer(&m, &s, 30);
    assert_eq!(charger(&m, &s, &id).statut, Refusee1);
    assert!(!recue_par_l_acheteur(&m, &s, &id));
    assert!(matches!(repondre(&Reponse::Valider { second_valideur: None }), Err(Erreur::Domaine(_))));
}

/// Un scénario dont le valideur se tait : il laisse passer ses quinze jours.
fn valideur_silencieux(m: &Monde, s: &Stagiaire) {
    let texte = r#"
id = "silence"
titre = "Le titulaire ne répond pas"
niveau = "intermediaire"
duree_minutes = 20
programme = ["sous-traitance"]
briefing = "Le titulaire ne répond pas."

[[partie]]
qui = "valideur"
quand = { statut = "A_VALIDER_1" }
silence = true

[[objectif]]
id = "paye"
libelle = "Être payé"
verification = { type = "statut_atteint", statut = "MISE_EN_PAIEMENT" }
explication = "Silence vaut accord."
"#;
    let sc = scenario::controler(texte).unwrap();
    m.store
        .ecrire(|tx| {
            chorus_store::scenario::commencer(
                tx,
                &s.bac_id,
                (&sc, Mode::Entrainement),
                Some(&s.structure_id),
                &m.horloge,
            )
        })
        .unwrap();
}

#[test]
fn validee_tacitement_au_bout_de_quinze_jours() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    valideur_silencieux(&m, &s);
    let id = deposer(&m, &s, &a9("ST-1", TITULAIRE));
    // Le quinzième jour est encore le sien.
    avancer(&m, &s, 15);
    assert_eq!(charger(&m, &s, &id).statut, AValider1);
    avancer(&m, &s, 1);
    assert_eq!(
        etapes(&m, &s, &id)[1..],
        [
            (AbsenceValidation1HorsDelai, j(16)),
            (Deposee, j(16)),
            (EnCoursAcheminement, j(16)),
            (MiseADisposition, j(16))
        ]
    );
    let h = historique(&m, &s, &id);
    assert_eq!(h[1].acteur, "SYSTEME");
    assert!(h[1].commentaire.contains("R2193-16"), "{}", h[1].commentaire);
    let suivi =
        m.store.lire(|c| paiement::suivi_facture(c, &s.bac_id, &s.structure_id, &id, &m.horloge)).unwrap();
    assert_eq!(suivi.depart, paiement::DepartDuDelai::ExpirationDuDelaiDeValidation(j(16)));
}

#[test]
fn erreur_de_valideur_corrigee_par_le_fournisseur() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let id = deposer(&m, &s, &a9("ST-1", AUTRE_ENTREPRISE));
    avancer(&m, &s, 2);
    let f = charger(&m, &s, &id);
    assert_eq!((f.statut, f.date_statut), (ErreurFournisseurSurValideur, j(2)));
    assert!(historique(&m, &s, &id).last().unwrap().commentaire.starts_with("Erreur de valideur"));
    let corriger = |siret: &str| {
        m.store
            .ecrire(|tx| {
                validation::corriger_valideur(tx, &s.bac_id, &s.structure_id, &id, (siret, ""), &m.horloge)
            })
            .unwrap()
            .err()
            .unwrap_or_default()
            .iter()
            .map(|a| a.code)
            .collect::<Vec<_>>()
    };
    assert_eq!(corriger(AUTRE_ENTREPRISE), ["VALIDEUR_INCHANGE"]);
    assert_eq!(corriger(FERMEE), ["VALIDEUR_FERME"]);
    assert_eq!(charger(&m, &s, &id).statut, ErreurFournisseurSurValideur, "rien n'a bougé");
    assert!(corriger(TITULAIRE).is_empty());
    let f = charger(&m, &s, &id);
    assert_eq!((f.statut, f.facture.code_structure_valideur.as_str()), (AValider1, TITULAIRE));
    // Les 15 jours du nouveau valideur partent de la correction ; il valide 5 jours après.
    avancer(&m, &s, 5);
    assert_eq!(etapes(&m, &s, &id).last().unwrap(), &(MiseADisposition, j(7)));
    // Une facture d'une autre structure du bac ne se corrige pas.
    let autre = m.store.ecrire(|tx| {
        validation::corriger_valideur(tx, &s.bac_id, "structure-inventee", &id, (TITULAIRE, ""), &m.horloge)
    });
    assert!(matches!(autre, Err(Erreur::Introuvable(_))));
}

#[test]
fn deux_niveaux_pour_le_sous_traitant_d_un_cotraitant() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let id = deposer(&m, &s, &a9("ST-1", COTRAITANT));
    avancer(&m, &s, 5);
    let f = charger(&m, &s, &id);
    assert_eq!((f.statut, f.valideur_2.as_deref()), (AValider2, Some(MANDATAIRE)));
    // Le mandataire voit la facture dans ses « Factures à valider », au second niveau.
    let liste = m.store.lire(|c| validation::factures_a_valider(c, &s.bac_id, MANDATAIRE)).unwrap();
    assert_eq!((liste.len(), liste[0].niveau, liste[0].a_traiter), (1, 2, true));
    let cotraitant = m.store.lire(|c| validation::factures_a_valider(c, &s.bac_id, COTRAITANT)).unwrap();
    assert_eq!((cotraitant[0].niveau, cotraitant[0].a_traiter), (1, false));
    avancer(&m, &s, 5);
    assert_eq!(
        etapes(&m, &s, &id)[1..],
        [
            (Validee1, j(5)),
            (AValider2, j(5)),
            (Validee2, j(10)),
            (Deposee, j(10)),
            (EnCoursAcheminement, j(10)),
            (MiseADisposition, j(10))
        ]
    );
}

#[test]
fn une_facture_de_cotraitant_passe_par_le_mandataire() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let brut = SaisieBrute {
        cadre: "A12_FACTURE_COTRAITANT".into(),
        code_structure_valideur: MANDATAIRE.into(),
        ..saisie("CO-1")
    };
    let id = deposer(&m, &s, &brut);
    avancer(&m, &s, 5);
    assert_eq!(etapes(&m, &s, &id)[1], (Validee1, j(5)));
    assert_eq!(charger(&m, &s, &id).statut, MiseADisposition);
    // Un titulaire n'est pas le valideur d'un cotraitant : il répond qu'il n'est pas le bon.
    let brut = SaisieBrute { numero: "CO-3".into(), code_structure_valideur: TITULAIRE.into(), ..brut };
    let id = deposer(&m, &s, &brut);
    avancer(&m, &s, 2);
    assert_eq!(charger(&m, &s, &id).statut, ErreurFournisseurSurValideur);
}

#[test]
fn chaque_structure_ne_voit_que_ses_factures_a_valider() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let voisin = m.stagiaire(2);
    let id = deposer(&m, &s, &a9("ST-1", TITULAIRE));
    let vue = |bac: &str, siret: &str| m.store.lire(|c| validation::facture_a_valider(c, bac, siret, &id));
    assert_eq!(vue(&s.bac_id, TITULAIRE).unwrap().1, 1);
    assert!(matches!(vue(&s.bac_id, MANDATAIRE), Err(Erreur::Introuvable(_))));
    assert!(matches!(vue(&voisin.bac_id, TITULAIRE), Err(Erreur::Introuvable(_))));
    assert!(
        m.store.lire(|c| validation::factures_a_valider(c, &voisin.bac_id, TITULAIRE)).unwrap().is_empty()
    );
}

#[test]
fn le_sous_traitant_d_un_sous_traitant_n_est_pas_paye_directement() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    // CHARPENTES ALBOUY SARL is itself a sub-contractor: naming it as validator means the
    // depositor is its sub-contractor, of second rank.
    let id = deposer(&m, &s, &a9("ST-1", "92097818600053"));
    avancer(&m, &s, 2);
    let f = charger(&m, &s, &id);
    assert_eq!(f.statut, Refusee1);
    assert!(historique(&m, &s, &id).last().unwrap().commentaire.starts_with("Sous-traitant de second rang"));
}

/// En classe, la structure d'un stagiaire peut être le valideur de la facture qu'un autre a
/// déposée dans son propre bac : elle la voit dans ses « Factures à valider », reçoit le
/// message, y répond ; le moteur ne joue pas ce valideur à sa place. Hors de la classe, rien
/// ne passe.
#[test]
fn en_classe_un_stagiaire_valide_la_facture_d_un_autre() {
    use chorus_domain::classe::Depart;
    use chorus_store::classe;

    let m = Monde::nouveau();
    let formateur = crate::classe::formateur(&m, "anne@cma.exemple.fr");
    let cl = crate::classe::classe(&m, &formateur, Depart::PratiqueLibre);
    let arrivee = |nom: &str| {
        let a = m.store.ecrire(|c| classe::rejoindre(c, &cl.code, nom, None, &m.horloge)).unwrap();
        let (structure_id, siret): (String, String) = m
            .store
            .lire(|c| {
                Ok(c.query_row(
                    "SELECT id, identifiant FROM structure WHERE bac_id = ?1",
                    [&a.bac_id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?)
            })
            .unwrap();
        (Stagiaire { bac_id: a.bac_id, structure_id }, siret)
    };
    let (sous_traitant, _) = arrivee("Paul Sous-Traitant");
    let (titulaire, siret_titulaire) = arrivee("Marie Titulaire");
    let id = deposer(&m, &sous_traitant, &a9("ST-CL-1", &siret_titulaire));

    // La titulaire la voit chez elle, et son message l'attend dans sa messagerie.
    let liste =
        m.store.lire(|c| validation::factures_a_valider(c, &titulaire.bac_id, &siret_titulaire)).unwrap();
    assert_eq!(
        liste.iter().map(|f| (f.numero.as_str(), f.a_traiter)).collect::<Vec<_>>(),
        [("ST-CL-1", true)]
    );
    let (_, niveau, bac_facture) =
        m.store.lire(|c| validation::facture_a_valider(c, &titulaire.bac_id, &siret_titulaire, &id)).unwrap();
    assert_eq!((niveau, bac_facture.as_str()), (1, sous_traitant.bac_id.as_str()));
    let messages: i64 = m
        .store
        .lire(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM message WHERE bac_id = ?1 AND objet = 'Facture ST-CL-1 à valider'",
                [&titulaire.bac_id],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(messages, 1);
    // Elle n'est plus un valideur « simulé » du bac du sous-traitant : personne ne le joue à sa
    // place, et le moteur ne répond pas pour elle (seule la validation tacite resterait).
    assert!(!m.store.lire(|c| validation::est_simule(c, &sous_traitant.bac_id, &siret_titulaire)).unwrap());
    avancer(&m, &sous_traitant, 6);
    assert_eq!(charger(&m, &sous_traitant, &id).statut, AValider1);

    // Elle valide : la facture suit son chemin dans le bac du sous-traitant.
    m.store
        .ecrire(|tx| {
            let date = chorus_store::bac::bac(tx, &bac_facture)?.date_simulee(&m.horloge);
            let coup = Coup { joueur: Joueur::Stagiaire, date, regle: None };
            validation::repondre(
                tx,
                &bac_facture,
                &id,
                1,
                &Reponse::Valider { second_valideur: None },
                coup,
                &m.horloge,
            )
        })
        .unwrap();
    assert_eq!(charger(&m, &sous_traitant, &id).statut, MiseADisposition);
    assert!(recue_par_l_acheteur(&m, &sous_traitant, &id));

    // Un troisième stagiaire de la classe qui recrée chez lui la structure de la titulaire n'en
    // devient pas le valideur : il ne voit rien, et c'est toujours elle que le moteur attend.
    let luc = m.store.ecrire(|c| classe::rejoindre(c, &cl.code, "Luc Usurpateur", None, &m.horloge)).unwrap();
    let luc_id = luc.compte.as_ref().expect("a free-practice account").0.id.clone();
    m.store
        .ecrire(|tx| {
            chorus_store::structure::creer(
                tx,
                &luc.bac_id,
                &luc_id,
                &chorus_store::structure::NouvelleStructure {
                    type_identifiant: chorus_domain::structure::TypeIdentifiant::Siret,
                    identifiant: &siret_titulaire,
                    raison_sociale: "COPIE",
                    adresse: "",
                    code_postal: "",
                    ville: "",
                    verifiee: true,
                },
            )
        })
        .unwrap();
    let id_bis = deposer(&m, &sous_traitant, &a9("ST-CL-2", &siret_titulaire));
    assert!(
        m.store
            .lire(|c| validation::factures_a_valider(c, &luc.bac_id, &siret_titulaire))
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        m.store.lire(|c| validation::facture_a_valider(c, &luc.bac_id, &siret_titulaire, &id_bis)),
        Err(Erreur::Introuvable(_))
    ));
    assert_eq!(
        m.store
            .lire(|c| validation::factures_a_valider(c, &titulaire.bac_id, &siret_titulaire))
            .unwrap()
            .len(),
        2
    );

    // Un stagiaire hors de la classe, avec la même entreprise pour valideur, ne voit rien.
    let dehors = m.stagiaire(1);
    assert!(matches!(
        m.store.lire(|c| validation::facture_a_valider(c, &dehors.bac_id, &siret_titulaire, &id)),
        Err(Erreur::Introuvable(_))
    ));
    // Et un autre SIRET de la classe ne la voit pas non plus.
    assert!(matches!(
        m.store.lire(|c| validation::facture_a_valider(c, &titulaire.bac_id, TITULAIRE, &id)),
        Err(Erreur::Introuvable(_))
    ));
}

/// Le second valideur répond qu'il n'est pas le bon (ERREUR_COTRAITANT_SUR_VALIDEUR) : le
/// premier valideur, le cotraitant, en désigne un autre, qui a ses 15 jours à son tour. Un
/// second valideur qui ne convient pas est refusé, et rien ne change.
#[test]
fn le_cotraitant_corrige_le_second_valideur() {
    let m = Monde::nouveau();
    let s = m.stagiaire(1);
    let id = deposer(&m, &s, &a9("ST-2N", COTRAITANT));
    avancer(&m, &s, 5);
    assert_eq!(charger(&m, &s, &id).statut, AValider2);
    let coup = |m: &Monde| Coup {
        joueur: Joueur::Stagiaire,
        date: m
            .store
            .lire(|c| chorus_store::bac::bac(c, &s.bac_id).map(|b| b.date_simulee(&m.horloge)))
            .unwrap(),
        regle: None,
    };
    let erreur = chorus_domain::validation::MOTIFS_REFUS.iter().find(|m| m.erreur_de_valideur).unwrap();
    m.store
        .ecrire(|tx| {
            validation::repondre(
                tx,
                &s.bac_id,
                &id,
                2,
                &Reponse::Refuser { motif: erreur, precision: "Nous ne sommes pas le mandataire".into() },
                coup(&m),
                &m.horloge,
            )
        })
        .unwrap();
    assert_eq!(charger(&m, &s, &id).statut, ErreurCotraitantSurValideur);
    // The cotraitant sees it to handle, at the first level.
    let liste = m.store.lire(|c| validation::factures_a_valider(c, &s.bac_id, COTRAITANT)).unwrap();
    assert_eq!((liste[0].niveau, liste[0].a_traiter), (1, true));
    // The supplier himself cannot be named, nor a closed company: refused, nothing changes.
    let refuse = m
        .store
        .ecrire(|tx| validation::corriger_second_valideur(tx, &s.bac_id, &id, FERMEE, coup(&m), &m.horloge));
    assert!(matches!(refuse, Err(Erreur::Invalide(_))), "{refuse:?}");
    assert_eq!(charger(&m, &s, &id).statut, ErreurCotraitantSurValideur);
    let corrige = m.store.ecrire(|tx| {
        validation::corriger_second_valideur(tx, &s.bac_id, &id, TITULAIRE, coup(&m), &m.horloge)
    });
    assert_eq!(corrige.unwrap(), AValider2);
    let f = charger(&m, &s, &id);
    assert_eq!((f.statut, f.valideur_2.as_deref()), (AValider2, Some(TITULAIRE)));
    // The new second validator has it to handle; the former one no longer sees it.
    let nouveau = m.store.lire(|c| validation::factures_a_valider(c, &s.bac_id, TITULAIRE)).unwrap();
    assert_eq!((nouveau[0].niveau, nouveau[0].a_traiter), (2, true));
    assert!(m.store.lire(|c| validation::factures_a_valider(c, &s.bac_id, MANDATAIRE)).unwrap().is_empty());
}
