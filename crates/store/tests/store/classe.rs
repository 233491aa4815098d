//! Formateurs, classes, arrivée des stagiaires avec le code, binômes, réinitialisation et
//! horloge de classe, et cloisonnement entre formateurs.

use chorus_domain::classe::{Depart, SaisieClasse, controler};
use chorus_store::classe::{self, Classe};
use chorus_store::formateur::{self, Connexion};
use chorus_store::{Erreur, bac, compte, facture, rattachement};

use crate::commun::{Monde, saisie};

pub fn classe(m: &Monde, formateur_id: &str, depart: Depart) -> Classe {
    let d = controler(&SaisieClasse {
        titre: "La facturation via Chorus Pro".into(),
        date_debut: "2026-11-23".into(),
        demi_journees: "2".into(),
        depart: depart.code().into(),
        ..SaisieClasse::default()
    })
    .unwrap();
    m.store.ecrire(|c| classe::creer(c, formateur_id, &d, &m.horloge)).unwrap()
}

pub fn formateur(m: &Monde, email: &str) -> String {
    m.store.ecrire(|c| formateur::creer(c, email, &m.horloge)).unwrap().0.id
}

#[test]
fn formateur_mot_de_passe_unique_puis_change() {
    let m = Monde::nouveau();
    let (premier, mdp) = m.store.ecrire(|c| formateur::creer_premier(c, &m.horloge)).unwrap().unwrap();
    assert_eq!(premier.email, formateur::PREMIER_FORMATEUR);
    assert!(m.store.ecrire(|c| formateur::creer_premier(c, &m.horloge)).unwrap().is_none());
    let maintenant = m.horloge.maintenant().naive_utc();
    let connecte =
        m.store.ecrire(|c| formateur::connecter(c, "FORMATEUR@exemple.fr", &mdp, maintenant)).unwrap();
    assert!(matches!(connecte, Connexion::Reussie(f) if f.mot_de_passe_a_changer));
    let faible = m.store.ecrire(|c| formateur::changer_mot_de_passe(c, &premier.id, "court", "court"));
    assert!(matches!(faible, Err(Erreur::Anomalies(_))));
    m.store
        .ecrire(|c| formateur::changer_mot_de_passe(c, &premier.id, "Salle 12, CMA-48", "Salle 12, CMA-48"))
        .unwrap();
    let f = m.store.lire(|c| formateur::formateur(c, &premier.id)).unwrap().unwrap();
    assert!(!f.mot_de_passe_a_changer);
    // L'ancien mot de passe ne sert plus ; cinq échecs bloquent le compte.
    for _ in 0..4 {
        let r = m.store.ecrire(|c| formateur::connecter(c, &f.email, &mdp, maintenant)).unwrap();
        assert_eq!(r, Connexion::Refusee);
    }
    let r = m.store.ecrire(|c| formateur::connecter(c, &f.email, &mdp, maintenant)).unwrap();
    assert!(matches!(r, Connexion::Bloquee(_)));
    let r = m.store.ecrire(|c| formateur::connecter(c, &f.email, "Salle 12, CMA-48", maintenant)).unwrap();
    assert!(matches!(r, Connexion::Bloquee(_)), "bloqué même avec le bon mot de passe");
    // Doublon et adresse invalide.
    assert!(matches!(
        m.store.ecrire(|c| formateur::creer(c, "formateur@exemple.fr", &m.horloge)),
        Err(Erreur::Invalide(_))
    ));
    assert!(matches!(
        m.store.ecrire(|c| formateur::creer(c, "pas une adresse", &m.horloge)),
        Err(Erreur::Invalide(_))
    ));
}

#[test]
fn rejoindre_en_pratique_libre_donne_un_compte_et_une_entreprise() {
    let m = Monde::nouveau();
    let f = formateur(&m, "anne@cma.exemple.fr");
    let cl = classe(&m, &f, Depart::PratiqueLibre);
    assert_eq!(cl.code.len(), 6);
    assert!(cl.double_authentification, "activée par défaut");
    let code_tape = format!(" {}-{} ", &cl.code[..3].to_lowercase(), &cl.code[3..]);
    let a = m
        .store
        .ecrire(|c| classe::rejoindre(c, &code_tape, "  Marie   Dupont-Élan ", None, &m.horloge))
        .unwrap();
    let (u, mdp) = a.compte.clone().unwrap();
    assert_eq!(u.email, format!("{}@classe.fr", a.code_binome.to_lowercase()));
    assert!(mdp.split('-').count() == 3 && mdp.is_ascii(), "deux mots et deux chiffres : {mdp}");
    assert_eq!((u.prenom.as_str(), u.nom.as_str()), ("Marie", "Dupont-Élan"));
    let connecte = m.store.lire(|c| compte::authentifier(c, &u.email, &mdp)).unwrap();
    assert_eq!(connecte.bac_id, a.bac_id);
    let b = m.store.lire(|c| bac::bac(c, &a.bac_id)).unwrap();
    assert!(b.double_authentification);
    // Un deuxième stagiaire : une autre entreprise, un autre bac.
    let a2 = m.store.ecrire(|c| classe::rejoindre(c, &cl.code, "Paul", None, &m.horloge)).unwrap();
    assert_ne!(a2.bac_id, a.bac_id);
    let s1 =
        m.store.lire(|c| bac::structure_fournisseur(c, &a.bac_id, u.structure_id.as_ref().unwrap())).unwrap();
    let u2 = a2.compte.unwrap().0;
    let s2 = m
        .store
        .lire(|c| bac::structure_fournisseur(c, &a2.bac_id, u2.structure_id.as_ref().unwrap()))
        .unwrap();
    assert_ne!(s1.identifiant, s2.identifiant);
    let p = m.store.lire(|c| classe::participants(c, &cl.id)).unwrap();
    assert_eq!(
        p.iter().map(|p| (p.nom.as_str(), p.rang)).collect::<Vec<_>>(),
        [("Marie Dupont-Élan", 1), ("Paul", 2)]
    );
    assert_eq!(p[0].identifiants, std::slice::from_ref(&u.email));
}

#[test]
fn codes_et_noms_refuses_avec_un_message() {
    let m = Monde::nouveau();
    let f = formateur(&m, "anne@cma.exemple.fr");
    let cl = classe(&m, &f, Depart::PratiqueLibre);
    for (code, nom, binome, champ) in [
        ("ZZZZZZ", "Marie", None, "code"),
        ("AAAAAA", "Marie", None, "code"),
        ("'; DROP TABLE classe; --", "Marie", None, "code"),
        (cl.code.as_str(), "   ", None, "nom"),
        (cl.code.as_str(), "Marie", Some("KKKKKK"), "binome"),
        (cl.code.as_str(), "Marie", Some("0"), "binome"),
    ] {
        match m.store.ecrire(|c| classe::rejoindre(c, code, nom, binome, &m.horloge)) {
            Err(Erreur::Anomalies(a)) => assert_eq!(a[0].champ, champ, "{code} {nom}"),
            autre => panic!("{code} {nom} : {autre:?}"),
        }
    }
    assert!(m.store.lire(|c| classe::participants(c, &cl.id)).unwrap().is_empty(), "rien n'est créé");
}

#[test]
fn en_binome_le_collegue_valide_le_rattachement() {
    let m = Monde::nouveau();
    let f = formateur(&m, "anne@cma.exemple.fr");
    let cl = classe(&m, &f, Depart::PratiqueLibre);
    let marie = m.store.ecrire(|c| classe::rejoindre(c, &cl.code, "Marie Dupont", None, &m.horloge)).unwrap();
    let paul = m
        .store
        .ecrire(|c| {
            classe::rejoindre(c, &cl.code, "Paul Martin", Some(&marie.code_binome.to_lowercase()), &m.horloge)
        })
        .unwrap();
    assert_eq!(paul.bac_id, marie.bac_id, "même bac, même entreprise");
    let (gp, _) = marie.compte.unwrap();
    let (assistant, _) = paul.compte.unwrap();
    assert_eq!(assistant.structure_id, None, "le binôme demande à rejoindre la structure");
    let structure = gp.structure_id.clone().unwrap();
    m.store
        .ecrire(|c| rattachement::demander(c, &paul.bac_id, &assistant.id, &structure, &m.horloge))
        .unwrap();
    let en_attente = m.store.lire(|c| rattachement::en_attente(c, &marie.bac_id, &gp.id)).unwrap();
    assert_eq!(en_attente.len(), 1, "la demande attend Marie, gestionnaire principale");
    let p = m.store.lire(|c| classe::participants(c, &cl.id)).unwrap();
    assert_eq!(p[0].binomes, ["Paul Martin"]);
}

#[test]
fn reinitialiser_et_avancer_la_classe() {
    let m = Monde::nouveau();
    let f = formateur(&m, "anne@cma.exemple.fr");
    let cl = classe(&m, &f, Depart::PratiqueLibre);
    let mut bacs = Vec::new();
    for n in 0..30 {
        let a = m
            .store
            .ecrire(|c| classe::rejoindre(c, &cl.code, &format!("Stagiaire {n}"), None, &m.horloge))
            .unwrap();
        let u = a.compte.unwrap().0;
        let s = u.structure_id.clone().unwrap();
        m.store
            .ecrire(|c| {
                facture::saisir(
                    c,
                    &a.bac_id,
                    &s,
                    None,
                    &saisie("F-1"),
                    facture::Envoi::ValiderEtEnvoyer,
                    &m.horloge,
                )
            })
            .unwrap();
        // Une facture de sous-traitant aussi : le titulaire simulé et Chorus Pro jouent.
        let sous_traitance = chorus_domain::saisie::SaisieBrute {
            cadre: "A9_FACTURE_SOUSTRAITANT".into(),
            code_structure_valideur: "62211306600055".into(),
            ..saisie("ST-1")
        };
        m.store
            .ecrire(|c| {
                facture::saisir(
                    c,
                    &a.bac_id,
                    &s,
                    None,
                    &sous_traitance,
                    facture::Envoi::ValiderEtEnvoyer,
                    &m.horloge,
                )
            })
            .unwrap();
        bacs.push((a.participant_id, a.bac_id));
    }
    let debut = std::time::Instant::now();
    let n = m.store.ecrire(|c| classe::avancer(c, &f, &cl.id, None, 3, &m.horloge)).unwrap();
    assert_eq!(n, 30);
    eprintln!("avancée de 3 jours pour 30 bacs : {:?}", debut.elapsed());
    let n = m.store.ecrire(|c| classe::reinitialiser(c, &f, &cl.id, Some(&bacs[0].0))).unwrap();
    assert_eq!(n, 1);
    let factures =
        |bac: &str| m.store.lire(|c| facture::lister(c, bac, &facture::Filtre::default())).unwrap().1;
    assert_eq!((factures(&bacs[0].1), factures(&bacs[1].1)), (0, 2));
    // Trente jours de plus pour les 29 autres : la sous-traitance validée, tout payé.
    let debut = std::time::Instant::now();
    m.store.ecrire(|c| classe::avancer(c, &f, &cl.id, None, 30, &m.horloge)).unwrap();
    eprintln!("avancée de 30 jours pour 30 bacs : {:?}", debut.elapsed());
    let payees: usize = m
        .store
        .lire(|c| {
            Ok(c.query_row("SELECT count(*) FROM facture WHERE statut = 'MISE_EN_PAIEMENT'", [], |r| {
                r.get::<_, i64>(0)
            })? as usize)
        })
        .unwrap();
    assert_eq!(payees, 29 * 2);
    assert_eq!(m.store.lire(|c| bac::bac(c, &bacs[1].1)).unwrap().decalage_jours, 33);
    let debut = std::time::Instant::now();
    let n = m.store.ecrire(|c| classe::reinitialiser(c, &f, &cl.id, None)).unwrap();
    assert_eq!(n, 30);
    eprintln!("réinitialisation de 30 bacs : {:?}", debut.elapsed());
    assert!(bacs.iter().all(|(_, b)| factures(b) == 0));
    assert_eq!(m.store.lire(|c| bac::bac(c, &bacs[1].1)).unwrap().decalage_jours, 0);
}

#[test]
fn reinitialiser_la_creation_du_compte_efface_comptes_et_structures() {
    let m = Monde::nouveau();
    let f = formateur(&m, "anne@cma.exemple.fr");
    let cl = classe(&m, &f, Depart::CreationDuCompte);
    let a = m.store.ecrire(|c| classe::rejoindre(c, &cl.code, "Marie", None, &m.horloge)).unwrap();
    assert!(a.compte.is_none(), "le stagiaire crée son compte lui-même");
    let avant = m.store.lire(|c| compter_bac(c, &a.bac_id)).unwrap();
    m.store
        .ecrire(|c| {
            let u = compte::creer(
                c,
                &a.bac_id,
                "marie@exemple.fr",
                "Dupont",
                "Marie",
                "Un mot de passe 1!",
                None,
            )?;
            c.execute(
                "UPDATE utilisateur SET participant_id = ?2 WHERE id = ?1",
                [&u.id, &a.participant_id],
            )?;
            Ok(())
        })
        .unwrap();
    assert_eq!(
        m.store.lire(|c| classe::participants(c, &cl.id)).unwrap()[0].identifiants,
        ["marie@exemple.fr"]
    );
    m.store.ecrire(|c| classe::reinitialiser(c, &f, &cl.id, None)).unwrap();
    assert_eq!(
        m.store.lire(|c| compter_bac(c, &a.bac_id)).unwrap(),
        avant,
        "retour exact au point de départ"
    );
    assert!(m.store.lire(|c| compte::par_email(c, &a.bac_id, "marie@exemple.fr")).unwrap().is_none());
    assert_eq!(
        m.store.lire(|c| classe::participants(c, &cl.id)).unwrap().len(),
        1,
        "le stagiaire reste inscrit"
    );
}

fn introuvable<T>(r: chorus_store::Resultat<T>) -> bool {
    matches!(r, Err(Erreur::Introuvable(_)))
}

fn compter_bac(c: &rusqlite::Connection, bac: &str) -> chorus_store::Resultat<(i64, i64)> {
    let n =
        |t: &str| c.query_row(&format!("SELECT count(*) FROM {t} WHERE bac_id = ?1"), [bac], |r| r.get(0));
    Ok((n("utilisateur")?, n("structure")?))
}

#[test]
fn un_formateur_n_atteint_que_ses_classes() {
    let m = Monde::nouveau();
    let anne = formateur(&m, "anne@cma.exemple.fr");
    let bruno = formateur(&m, "bruno@cci.exemple.fr");
    let cl = classe(&m, &anne, Depart::PratiqueLibre);
    let a = m.store.ecrire(|c| classe::rejoindre(c, &cl.code, "Marie", None, &m.horloge)).unwrap();
    assert!(introuvable(m.store.lire(|c| classe::charger(c, &bruno, &cl.id))));
    assert!(introuvable(m.store.ecrire(|c| classe::reinitialiser(c, &bruno, &cl.id, None))));
    assert!(introuvable(m.store.ecrire(|c| classe::avancer(c, &bruno, &cl.id, None, 1, &m.horloge))));
    assert!(introuvable(
        m.store.ecrire(|c| classe::regler_double_authentification(c, &bruno, &cl.id, false))
    ));
    assert!(introuvable(m.store.ecrire(|c| classe::nouveau_mot_de_passe(
        c,
        &bruno,
        &cl.id,
        &a.participant_id
    ))));
    assert!(introuvable(m.store.ecrire(|c| classe::reinitialiser(c, &anne, &cl.id, Some("autre")))));
    assert!(m.store.lire(|c| classe::lister(c, &bruno)).unwrap().is_empty());
    // La double authentification suit la classe, pour les bacs existants et futurs.
    m.store.ecrire(|c| classe::regler_double_authentification(c, &anne, &cl.id, false)).unwrap();
    assert!(!m.store.lire(|c| bac::bac(c, &a.bac_id)).unwrap().double_authentification);
    let a2 = m.store.ecrire(|c| classe::rejoindre(c, &cl.code, "Paul", None, &m.horloge)).unwrap();
    assert!(!m.store.lire(|c| bac::bac(c, &a2.bac_id)).unwrap().double_authentification);
    // Nouveau mot de passe donné par la formatrice.
    let (email, mdp) =
        m.store.ecrire(|c| classe::nouveau_mot_de_passe(c, &anne, &cl.id, &a.participant_id)).unwrap();
    assert_eq!(m.store.lire(|c| compte::authentifier(c, &email, &mdp)).unwrap().bac_id, a.bac_id);
}

#[test]
fn rejoindre_sous_un_nom_deja_inscrit_propose_de_reprendre_sa_place() {
    let m = Monde::nouveau();
    let f = formateur(&m, "anne@cma.exemple.fr");
    let cl = classe(&m, &f, Depart::PratiqueLibre);
    let marie =
        m.store.ecrire(|c| classe::rejoindre(c, &cl.code, "Marie Dupont-Élan", None, &m.horloge)).unwrap();
    let identifiant = marie.compte.clone().unwrap().0.email;
    // Casse, accents et espaces mis à part, c'est le même nom : rien n'est créé.
    let entree = m
        .store
        .ecrire(|c| {
            classe::rejoindre_sans_doublon(c, &cl.code, " marie  dupont-elan ", None, false, &m.horloge)
        })
        .unwrap();
    match entree {
        classe::Entree::DejaInscrit { nom, homonymes, .. } => {
            assert_eq!(nom, "marie dupont-elan");
            assert_eq!(homonymes.len(), 1);
            assert_eq!(homonymes[0].participant_id, marie.participant_id);
            assert_eq!(homonymes[0].identifiants, std::slice::from_ref(&identifiant));
        }
        autre => panic!("un second stagiaire créé : {autre:?}"),
    }
    assert_eq!(m.store.lire(|c| classe::participants(c, &cl.id)).unwrap().len(), 1);
    // Une autre personne du même nom, qui l'a confirmé : un nouveau stagiaire, un autre bac.
    let entree = m
        .store
        .ecrire(|c| classe::rejoindre_sans_doublon(c, &cl.code, "Marie Dupont-Élan", None, true, &m.horloge))
        .unwrap();
    let classe::Entree::Arrivee(homonyme) = entree else { panic!("confirmé : il rejoint") };
    assert_ne!(homonyme.bac_id, marie.bac_id);
    // Un autre nom passe sans question.
    let entree = m
        .store
        .ecrire(|c| classe::rejoindre_sans_doublon(c, &cl.code, "Marie Dupond", None, false, &m.horloge))
        .unwrap();
    assert!(matches!(entree, classe::Entree::Arrivee(_)));
    assert_eq!(m.store.lire(|c| classe::participants(c, &cl.id)).unwrap().len(), 3);
    // Le code et le nom restent contrôlés d'abord.
    assert!(matches!(
        m.store.ecrire(|c| classe::rejoindre_sans_doublon(c, "ZZZZZZ", "Marie", None, false, &m.horloge)),
        Err(Erreur::Anomalies(_))
    ));
}

#[test]
fn sans_compte_on_reprend_sa_place_avec_son_nom_avec_un_compte_on_se_reconnecte() {
    let m = Monde::nouveau();
    let f = formateur(&m, "anne@cma.exemple.fr");
    let cl = classe(&m, &f, Depart::CreationDuCompte);
    let lea = m.store.ecrire(|c| classe::rejoindre(c, &cl.code, "Léa Martin", None, &m.horloge)).unwrap();
    let reprise = m
        .store
        .ecrire(|c| classe::reprendre_sans_compte(c, &cl.code, "LEA MARTIN", &lea.participant_id))
        .unwrap();
    assert_eq!(
        (reprise.participant_id.as_str(), reprise.bac_id.as_str()),
        (lea.participant_id.as_str(), lea.bac_id.as_str())
    );
    assert_eq!(reprise.code_binome, lea.code_binome);
    // Pas avec un autre nom, ni dans une autre classe.
    assert!(matches!(
        m.store.ecrire(|c| classe::reprendre_sans_compte(c, &cl.code, "Paul", &lea.participant_id)),
        Err(Erreur::Introuvable(_))
    ));
    let autre = classe(&m, &f, Depart::CreationDuCompte);
    assert!(matches!(
        m.store.ecrire(|c| classe::reprendre_sans_compte(c, &autre.code, "Léa Martin", &lea.participant_id)),
        Err(Erreur::Introuvable(_))
    ));
    // Son compte créé, c'est son mot de passe qui prouve qui elle est.
    let saisie = chorus_domain::compte::CreationCompte {
        email_connexion: "lea@menuiserie.exemple".into(),
        nom: "Martin".into(),
        prenom: "Léa".into(),
        ..Default::default()
    };
    m.store
        .ecrire(|c| {
            let u = compte::creer_en_attente(c, &lea.bac_id, &saisie)?;
            classe::attribuer_compte(c, &lea.participant_id, &lea.bac_id, &u.id)
        })
        .unwrap();
    assert!(matches!(
        m.store.ecrire(|c| classe::reprendre_sans_compte(c, &cl.code, "Léa Martin", &lea.participant_id)),
        Err(Erreur::Invalide(m)) if m.contains("lea@menuiserie.exemple")
    ));
}

#[test]
fn le_compte_d_un_stagiaire_de_classe_le_ramene_a_sa_place() {
    let m = Monde::nouveau();
    let f = formateur(&m, "anne@cma.exemple.fr");
    let cl = classe(&m, &f, Depart::PratiqueLibre);
    let a = m.store.ecrire(|c| classe::rejoindre(c, &cl.code, "Marie", None, &m.horloge)).unwrap();
    let u = a.compte.unwrap().0;
    assert_eq!(m.store.lire(|c| classe::participant_du_compte(c, &u.id)).unwrap(), Some(a.participant_id));
    let demo = m
        .store
        .lire(|c| {
            compte::authentifier(
                c,
                &chorus_store::demo::identifiant_demo(1),
                chorus_store::demo::MOT_DE_PASSE_DEMO,
            )
        })
        .unwrap();
    assert_eq!(m.store.lire(|c| classe::participant_du_compte(c, &demo.id)).unwrap(), None);
}

#[test]
fn cartes_des_identifiants_le_mot_de_passe_tire_jusqu_a_ce_qu_il_change() {
    let m = Monde::nouveau();
    let f = formateur(&m, "anne@cma.exemple.fr");
    let cl = classe(&m, &f, Depart::PratiqueLibre);
    let a = m.store.ecrire(|c| classe::rejoindre(c, &cl.code, "Marie Dupont", None, &m.horloge)).unwrap();
    let (u, mdp) = a.compte.clone().unwrap();
    let carte = |m: &Monde| m.store.lire(|c| classe::cartes(c, &f, &cl.id)).unwrap().1.remove(0);
    let c1 = carte(&m);
    assert_eq!(
        (c1.nom.as_str(), c1.identifiant.as_deref(), c1.mot_de_passe.as_deref()),
        ("Marie Dupont", Some(u.email.as_str()), Some(mdp.as_str()))
    );
    assert!(c1.compte_active);
    // Le stagiaire choisit le sien : la carte ne dit plus rien du mot de passe.
    let nouveau = "Mon jardin, 2026 !";
    let anomalies = m
        .store
        .ecrire(|c| {
            compte::changer_mot_de_passe(
                c,
                &a.bac_id,
                &u.id,
                compte::ChangementMotDePasse { actuel: &mdp, nouveau, confirmation: nouveau },
                &m.horloge,
            )
        })
        .unwrap();
    assert!(anomalies.is_empty(), "{anomalies:?}");
    assert_eq!(carte(&m).mot_de_passe, None);
    // Le formateur lui en donne un nouveau : il est sur la carte, et il ouvre le compte.
    let (email, donne) =
        m.store.ecrire(|c| classe::nouveau_mot_de_passe(c, &f, &cl.id, &a.participant_id)).unwrap();
    assert_eq!(email, u.email);
    assert_eq!(carte(&m).mot_de_passe.as_deref(), Some(donne.as_str()));
    assert!(m.store.lire(|c| compte::authentifier(c, &email, &donne)).is_ok());
    // Les cartes d'une autre formatrice : introuvables.
    let autre = formateur(&m, "paule@cci.exemple.fr");
    assert!(matches!(m.store.lire(|c| classe::cartes(c, &autre, &cl.id)), Err(Erreur::Introuvable(_))));
}

#[test]
fn le_profil_du_formateur_est_controle_et_garde() {
    let m = Monde::nouveau();
    let f = formateur(&m, "anne@cma.exemple.fr");
    assert_eq!(m.store.lire(|c| formateur::profil(c, &f)).unwrap(), formateur::Profil::default());
    assert!(matches!(
        m.store.ecrire(|c| formateur::definir_profil(c, &f, "  ", "CMA")),
        Err(Erreur::Anomalies(a)) if a[0].champ == "nom"
    ));
    m.store.ecrire(|c| formateur::definir_profil(c, &f, " Anne  Martin ", "CMA de la Lozère")).unwrap();
    assert_eq!(
        m.store.lire(|c| formateur::profil(c, &f)).unwrap(),
        formateur::Profil { nom: "Anne Martin".into(), organisme: "CMA de la Lozère".into() }
    );
}
