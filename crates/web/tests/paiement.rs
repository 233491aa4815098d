//! « Suivi du paiement » d'une facture et « Suivi des paiements » du bac à sable, à travers
//! HTTP : chaque date et chaque chiffre avec son article, l'exemple de l'hôpital suspendu puis
//! payé en retard, la vue d'ensemble, l'échappement, et les factures des autres introuvables.
//! Les statuts que seul l'acheteur donne (suspension, mise en paiement) sont posés directement
//! dans la base, à la date simulée voulue, avec `chorus_store::facture::changer_statut`.

mod commun;

use axum::Router;
use axum::http::StatusCode;
use chorus_domain::Statut;
use chorus_domain::delai_paiement;
use chorus_domain::statut::Acteur;
use chorus_store::facture::{self, Changement};
use chorus_store::{Horloge, Store, demo, paiement};
use chrono::NaiveDate;
use commun::{Saisie, Stagiaire, Visiteur, date_fixe, echapper};
use tempfile::TempDir;

const COMMUNE: &str = "21852884200097";
const HOPITAL: &str = "26236940800063";

fn d(a: i32, m: u32, j: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(a, m, j).unwrap()
}

/// `date_fixe()` + n jours.
fn j(n: u64) -> NaiveDate {
    date_fixe().checked_add_days(chrono::Days::new(n)).unwrap()
}

/// Le portail sur une base temporaire, avec un accès direct à la base pour jouer l'acheteur et
/// pour regarder le bac à une autre date réelle (sans que l'acheteur simulé agisse entre-temps).
struct Banc {
    dossier: TempDir,
    store: Store,
    app: Router,
}

impl Banc {
    fn nouveau() -> Banc {
        let dossier = tempfile::tempdir().unwrap();
        let store = Store::ouvrir(dossier.path()).unwrap();
        let horloge = Horloge::fixe(date_fixe());
        demo::initialiser(&store, &horloge).unwrap();
        let app = chorus_web::app(chorus_web::AppState::new(store.clone(), horloge));
        Banc { dossier, store, app }
    }

    /// Le même portail, le `le` au lieu de la date fixe.
    fn le(&self, le: NaiveDate) -> Router {
        let store = Store::ouvrir(self.dossier.path()).unwrap();
        chorus_web::app(chorus_web::AppState::new(store, Horloge::fixe(le)))
    }

    fn bac_de(&self, facture_id: &str) -> String {
        self.store
            .lire(
                |c| Ok(c.query_row("SELECT bac_id FROM facture WHERE id = ?1", [facture_id], |r| r.get(0))?),
            )
            .unwrap()
    }

    /// L'acheteur (ou le fournisseur, pour la complétion) donne `statut` à la facture le `date`.
    fn statut(&self, facture_id: &str, statut: Statut, date: NaiveDate) {
        let bac_id = self.bac_de(facture_id);
        let acteur = if statut == Statut::Completee { Acteur::Fournisseur } else { Acteur::Destinataire };
        let ch = Changement { statut, acteur, date, commentaire: "" };
        let horloge = Horloge::fixe(date);
        self.store.ecrire(|tx| facture::changer_statut(tx, &bac_id, facture_id, ch, &horloge)).unwrap();
    }

    fn taux(&self, debut: NaiveDate, bce: &str) {
        let t = delai_paiement::lire_taux(debut, bce).unwrap();
        self.store.ecrire(|tx| paiement::definir_taux(tx, &t)).unwrap();
    }
}

fn suivi(id: &str) -> String {
    format!("/factures-emises/{id}/suivi-paiement")
}

/// Le texte d'une ligne du tableau du suivi : la cellule de l'élément puis les suivantes.
#[track_caller]
fn ligne_du_tableau(page: &str, element: &str) -> String {
    let debut = page
        .find(&format!(r#"<th scope="row">{element}</th>"#))
        .unwrap_or_else(|| panic!("pas de ligne « {element} »"));
    let fin = page[debut..].find("</tr>").unwrap() + debut;
    let mut texte = String::new();
    let mut dans_balise = false;
    for c in page[debut..fin].chars() {
        match c {
            '<' => {
                dans_balise = true;
                texte.push(' ');
            }
            '>' => dans_balise = false,
            c if !dans_balise => texte.push(c),
            _ => {}
        }
    }
    texte.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[tokio::test]
async fn hopital_suspendu_12_jours_et_paye_9_jours_en_retard() {
    // Mise à disposition le 22/11/2026, 50 jours : échéance initiale le 11/01/2027. Suspendue le
    // 02/12 (10 jours écoulés, solde 40), complétée le 14/12 : nouveau délai de 40 jours,
    // échéance le 23/01/2027. Mise en paiement le 01/02/2027 : 9 jours de retard à partir du
    // 24/01, au taux du 1er semestre 2027 (BCE 2 % + 8 = 10 %).
    // 360,00 € × 9 × 10 % / 365 = 0,8876… → 0,89 € ; avec les 40 € : 40,89 €.
    let banc = Banc::nouveau();
    banc.taux(d(2027, 1, 1), "2");
    let mut s = Stagiaire::connecte(&banc.app, "formation1@exemple.fr").await;
    let id = s.envoyer(&Saisie::valide("FA-CH-1", HOPITAL).avec("numero_engagement", "EJ-CH-2026-15")).await;
    s.get(&format!("/factures-emises/{id}")).await.assert_contient(&format!(r#"href="{}""#, suivi(&id)));

    let r = s.get(&suivi(&id)).await;
    r.assert_statut(StatusCode::OK)
        .assert_contient("Suivi du paiement — facture n° FA-CH-1")
        .assert_contient("complément pédagogique")
        .assert_contient("50 jours avant l'échéance");

    banc.statut(&id, Statut::Suspendue, j(10));
    let mut pendant = s.sur(&banc.le(j(15)));
    let r = pendant.get(&suivi(&id)).await;
    r.assert_statut(StatusCode::OK).assert_contient("Délai interrompu (suspendue)");
    assert!(
        ligne_du_tableau(&r.corps, "Échéance").contains("aucune tant que la facture n'est pas complétée")
    );
    assert!(ligne_du_tableau(&r.corps, "Complétion : un nouveau délai s'ouvre").contains("pas encore"));
    // La page de la facture dit la même chose que le suivi du paiement.
    pendant
        .get(&format!("/factures-emises/{id}"))
        .await
        .assert_contient("Délai interrompu (suspension)")
        .assert_contient("aucune tant que la facture est suspendue");

    banc.statut(&id, Statut::Completee, j(22));
    banc.statut(&id, Statut::MiseEnPaiement, d(2027, 2, 1));
    let mut apres = s.sur(&banc.le(d(2027, 3, 1)));
    let r = apres.get(&suivi(&id)).await;
    r.assert_statut(StatusCode::OK).assert_contient("Payée avec 9 jours de retard");
    apres
        .get(&format!("/factures-emises/{id}"))
        .await
        .assert_contient("<strong>23/01/2027</strong>")
        .assert_contient("9 jour(s) de retard");
    let attendu = [
        ("Départ du délai : mise à disposition du destinataire", "22/11/2026 art. R2192-12 à R2192-15"),
        ("Délai réglementaire du destinataire", "50 jours art. R2192-11 1°"),
        ("Échéance sans suspension", "11/01/2027 (22/11/2026 + 50 jours)"),
        ("Suspension : le délai s'arrête", "02/12/2026 — 10 jours du délai déjà écoulés art. R2192-27"),
        ("Solde restant à courir à la date de la suspension", "40 jours art. R2192-29"),
        ("Complétion : un nouveau délai s'ouvre", "14/12/2026 — délai arrêté pendant 12 jours art. R2192-29"),
        ("Nouveau délai", "40 jours : le solde, plus long que 30 jours art. R2192-29"),
        ("Échéance", "23/01/2027 art. R2192-29"),
        ("Mise en paiement", "01/02/2027"),
        ("Jours de retard", "9 jours , du 24/01/2027 au 01/02/2027 (mise en paiement incluse) art. L2192-13"),
        (
            "Taux des intérêts moratoires",
            "10 % = taux de la BCE au 01/01/2027 (2 %) + 8 points art. R2192-31",
        ),
        ("Intérêts moratoires", "360,00 € × 9 j × 10 % ÷ 365 = 0,89 € choix du simulateur art. L2192-13"),
        ("Indemnité forfaitaire pour frais de recouvrement", "40,00 € art. D2192-35"),
        ("Total dû par l'acheteur en plus de la facture", "40,89 €"),
        ("À verser au plus tard le", "18/03/2027 art. R2192-36"),
    ];
    for (element, valeur) in attendu {
        let l = ligne_du_tableau(&r.corps, &echapper(element));
        assert!(l.contains(valeur), "« {element} » : « {valeur} » attendu dans « {l} »");
    }
}

#[tokio::test]
async fn l_acheteur_simule_paie_dans_le_delai() {
    let banc = Banc::nouveau();
    let mut s = Stagiaire::connecte(&banc.app, "formation1@exemple.fr").await;
    let id = s.envoyer(&Saisie::valide("FA-COM-1", COMMUNE)).await;
    s.post_form("/bac/horloge", &[("jours", "25")]).await.assert_redirige_vers_le_bilan();
    let r = s.get(&suivi(&id)).await;
    r.assert_statut(StatusCode::OK).assert_contient("Payée dans le délai").assert_absent("Jours de retard");
    assert!(ligne_du_tableau(&r.corps, "Mise en paiement").contains("12/12/2026"));
    assert!(ligne_du_tableau(&r.corps, "Échéance").contains("22/12/2026"));
    s.get("/suivi-paiements")
        .await
        .assert_statut(StatusCode::OK)
        .assert_contient("Aucune facture en retard ni attendue dans les 10 prochains jours");
}

#[tokio::test]
async fn la_vue_d_ensemble_des_paiements() {
    let banc = Banc::nouveau();
    let mut s = Stagiaire::connecte(&banc.app, "formation1@exemple.fr").await;
    let commune = s.envoyer(&Saisie::valide("FA-COMMUNE", COMMUNE)).await; // échéance 22/12/2026
    let hopital =
        s.envoyer(&Saisie::valide("FA-HOPITAL", HOPITAL).avec("numero_engagement", "EJ-CH-2026-15")).await; // 11/01/2027
    let payee = s.envoyer(&Saisie::valide("FA-PAYEE", COMMUNE)).await;
    banc.statut(&payee, Statut::MiseEnPaiement, d(2026, 12, 30)); // 8 jours de retard
    let suspendue = s.envoyer(&Saisie::valide("FA-SUSPENDUE", COMMUNE)).await;
    banc.statut(&suspendue, Statut::Suspendue, j(2));
    s.enregistrer(&Saisie::valide("FA-BROUILLON", COMMUNE)).await;

    let r = s.get("/").await;
    r.assert_contient(r#"<a href="/suivi-paiements">Suivi des paiements</a>"#);

    // Le 5 janvier 2027 : la facture de la commune a 14 jours de retard, celle de l'hôpital
    // arrive dans 6 jours, la facture payée en retard doit ses intérêts.
    let mut plus_tard = s.sur(&banc.le(d(2027, 1, 5)));
    let r = plus_tard.get("/suivi-paiements").await;
    r.assert_statut(StatusCode::OK)
        .assert_contient("<h1>Suivi des paiements</h1>")
        .assert_contient("Factures en retard (1)")
        .assert_contient("Échéance dans les 10 prochains jours (1)")
        .assert_contient("Payées en retard : intérêts et indemnité dus (1)")
        .assert_contient(&format!(r#"href="{}""#, suivi(&commune)))
        .assert_contient(&format!(r#"href="{}""#, suivi(&hopital)))
        .assert_contient("14 jours de retard, pas encore payée")
        .assert_contient("6 jours avant l'échéance")
        .assert_contient("Payée avec 8 jours de retard")
        .assert_absent("FA-SUSPENDUE")
        .assert_absent("FA-BROUILLON");
    // Intérêts de la facture payée : 360 × 8 × 10,15 % / 365 = 0,80 € (taux du 2e semestre 2026,
    // à vérifier : 2,15 + 8) ; avec les 40 € : 40,80 €.
    let ordre: Vec<usize> =
        ["FA-COMMUNE", "FA-HOPITAL", "FA-PAYEE"].iter().map(|n| r.corps.find(n).unwrap()).collect();
    assert!(ordre.windows(2).all(|w| w[0] < w[1]), "{ordre:?}");
    r.assert_contient("40,80 €");

    // Le détail de la facture payée dit que le taux du semestre reste à vérifier.
    let r = plus_tard.get(&suivi(&payee)).await;
    r.assert_contient("Taux à vérifier : pas encore confirmé par la publication officielle.");

    // Les états sans délai.
    let r = plus_tard.get(&suivi(&suspendue)).await;
    r.assert_statut(StatusCode::OK).assert_contient("le délai de paiement est arrêté");
}

#[tokio::test]
async fn brouillon_et_facture_rejetee() {
    let banc = Banc::nouveau();
    let mut s = Stagiaire::connecte(&banc.app, "formation1@exemple.fr").await;
    let brouillon = s.enregistrer(&Saisie::valide("FA-BR", COMMUNE)).await;
    s.get(&suivi(&brouillon))
        .await
        .assert_statut(StatusCode::OK)
        .assert_contient("Cette facture est un brouillon")
        .assert_absent("D'où ça vient");
    let rejetee = s.envoyer(&Saisie::valide("FA-REJ", COMMUNE)).await;
    banc.statut(&rejetee, Statut::Rejetee, j(3));
    s.get(&suivi(&rejetee))
        .await
        .assert_statut(StatusCode::OK)
        .assert_contient("Cette facture a été rejetée le 25/11/2026");
}

#[tokio::test]
async fn les_factures_des_autres_sont_introuvables() {
    let banc = Banc::nouveau();
    let mut autre = Stagiaire::connecte(&banc.app, "formation2@exemple.fr").await;
    let sienne = autre.envoyer(&Saisie::valide("FA-AUTRE-1", COMMUNE)).await;
    banc.statut(&sienne, Statut::MiseEnPaiement, d(2027, 1, 1));

    let mut s = Stagiaire::connecte(&banc.app, "formation1@exemple.fr").await;
    for id in [
        sienne.clone(),
        uuid::Uuid::new_v4().to_string(),
        "'%20OR%201=1%20--".to_string(),
        "%3Cscript%3E".to_string(),
    ] {
        let r = s.get(&suivi(&id)).await;
        assert_eq!(r.statut, StatusCode::NOT_FOUND, "{id}");
        // Un identifiant encodé (%) n'atteint aucune page ; un identifiant bien formé mais
        // étranger est une facture introuvable.
        r.assert_contient(if id.contains('%') { "Page introuvable" } else { "facture introuvable" })
            .assert_absent("FA-AUTRE");
    }
    let mut plus_tard = s.sur(&banc.le(d(2027, 1, 5)));
    plus_tard.get("/suivi-paiements").await.assert_statut(StatusCode::OK).assert_absent("FA-AUTRE");
    // La sienne, elle, la voit.
    let mut autre_plus_tard = autre.sur(&banc.le(d(2027, 1, 5)));
    autre_plus_tard.get("/suivi-paiements").await.assert_contient("FA-AUTRE-1");

    // Sans être connecté : vers la connexion.
    let mut v = Visiteur::new(&banc.app);
    for chemin in [suivi(&sienne), "/suivi-paiements".to_string()] {
        let r = v.get(&chemin).await;
        assert_eq!((r.statut, r.location()), (StatusCode::SEE_OTHER, "/connexion"), "{chemin}");
    }
}

#[tokio::test]
async fn tout_est_echappe() {
    // Le nom du destinataire vient de l'annuaire, qu'un formateur peut importer : on y glisse
    // du HTML pour vérifier que les deux pages l'échappent.
    let banc = Banc::nouveau();
    let mut s = Stagiaire::connecte(&banc.app, "formation1@exemple.fr").await;
    let id = s.envoyer(&Saisie::valide("FA-XSS", COMMUNE)).await;
    let script = "<script>alert(1)</script>";
    banc.store
        .ecrire(|tx| {
            tx.execute("UPDATE facture SET raison_sociale_destinataire = ?1 WHERE id = ?2", [script, &id])?;
            Ok(())
        })
        .unwrap();
    let mut plus_tard = s.sur(&banc.le(d(2027, 1, 5)));
    for chemin in [suivi(&id), "/suivi-paiements".to_string()] {
        let r = plus_tard.get(&chemin).await;
        r.assert_statut(StatusCode::OK).assert_contient(&echapper(script)).assert_absent(script);
    }
}
