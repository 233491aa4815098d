//! L'entretien du serveur en marche, pour que la mémoire et le disque restent bornés sur une
//! journée de classe (ou une année) : chaque minute, les sessions expirées sont effacées ; et
//! quand personne n'a écrit depuis la dernière fois, le journal WAL est ramené à zéro (sous
//! des lectures continues, les points de contrôle automatiques de SQLite ne peuvent pas
//! toujours le vider).

use std::time::Duration;

use crate::etat::AppState;

/// L'intervalle entre deux passages.
pub const PERIODE: Duration = Duration::from_secs(60);

pub async fn entretenir(etat: AppState) {
    let mut derniere_ecriture = *etat.ecritures.borrow();
    let mut intervalle = tokio::time::interval(PERIODE);
    intervalle.tick().await;
    loop {
        intervalle.tick().await;
        let ecritures = *etat.ecritures.borrow();
        let au_repos = ecritures == derniere_ecriture;
        etat.limiteur.oublier_l_ancien();
        derniere_ecriture = ecritures;
        let store = etat.store.clone();
        let resultat = tokio::task::spawn_blocking(move || {
            crate::session::purger(&store)?;
            if au_repos {
                store.compacter_le_journal()?;
            }
            Ok::<(), chorus_store::Erreur>(())
        })
        .await;
        if let Ok(Err(e)) = resultat {
            tracing::warn!("entretien : {e}");
        }
    }
}
