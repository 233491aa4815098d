//! The server under hostile or heavy use: a crafted PDF that inflates to gigabytes does not
//! hold the writer, writes from many trainees never answer « database is locked », storage
//! quotas, throttled logins, and hostile paths and bodies never get a 5xx.

mod commun;

use std::time::{Duration, Instant};

use axum::http::StatusCode;
use commun::{Portail, Saisie, Stagiaire};

const COMMUNE: &str = "21852884200097";

/// 150 pages sharing one content stream that inflates to 60 MiB: a file under 100 KB.
fn pdf_piege() -> Vec<u8> {
    chorus_documents::pdf_piege(150, 60 * 1024 * 1024)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn un_pdf_piege_est_refuse_vite_sans_bloquer_les_autres() {
    let portail = Portail::nouveau();
    let mut attaquant = Stagiaire::connecte(&portail.app, "formation1@exemple.fr").await;
    let mut voisin = Stagiaire::connecte(&portail.app, "formation2@exemple.fr").await;
    attaquant.get("/factures-emises/deposer").await.assert_statut(StatusCode::OK);
    voisin.get("/factures-emises/saisir").await;
    let piege = pdf_piege();
    let attaque = async {
        let debut = Instant::now();
        let r = attaquant.post_fichiers("/factures-emises/deposer", &[("facture.pdf", &piege)]).await;
        (r, debut.elapsed())
    };
    let envois = async {
        // Pendant que le PDF piégé est contrôlé, le voisin envoie ses factures.
        tokio::time::sleep(Duration::from_millis(50)).await;
        let mut pire = Duration::ZERO;
        for i in 0..5 {
            let debut = Instant::now();
            voisin.envoyer(&Saisie::valide(&format!("V-{i}"), COMMUNE)).await;
            pire = pire.max(debut.elapsed());
        }
        pire
    };
    let ((r, duree_attaque), pire) = tokio::join!(attaque, envois);
    r.assert_statut(StatusCode::UNPROCESSABLE_ENTITY).assert_contient("beaucoup trop lourd à lire");
    assert!(duree_attaque < Duration::from_secs(10), "contrôle du PDF piégé : {duree_attaque:?}");
    assert!(pire < Duration::from_secs(1), "un envoi du voisin a attendu {pire:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn trente_deux_envois_simultanes_passent_tous() {
    let portail = Portail::nouveau();
    let mut taches = Vec::new();
    for n in 1..=4 {
        let app = portail.app.clone();
        taches.push(tokio::spawn(async move {
            let mut s = Stagiaire::connecte(&app, &format!("formation{n}@exemple.fr")).await;
            s.get("/factures-emises/saisir").await;
            let mut envoyees = Vec::new();
            for i in 0..8 {
                envoyees.push(s.envoyer(&Saisie::valide(&format!("C{n}-{i}"), COMMUNE)).await);
            }
            envoyees.len()
        }));
    }
    let mut total = 0;
    for t in taches {
        total += t.await.expect("no task panics");
    }
    assert_eq!(total, 32);
}
