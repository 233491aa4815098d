//! L'entretien du serveur en marche, pour que la mémoire et le disque restent bornés sur une
//! journée de classe (ou une année) : chaque minute, les sessions et les jetons de l'API
//! expirés sont effacés, comme les données des stagiaires des classes closes le jour venu ; et quand personne n'a écrit depuis la dernière fois, le journal WAL
//! est ramené à zéro (sous des lectures continues, les points de contrôle automatiques de
//! SQLite ne peuvent pas toujours le vider).

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
        let horloge = etat.horloge;
        let resultat = tokio::task::spawn_blocking(move || {
            crate::session::purger(&store)?;
            store.ecrire(|c| chorus_store::piste::purger_les_jetons(c, chrono::Utc::now()))?;
            // Les données des stagiaires des classes closes, puis les classes au terme de leur
            // conservation, le jour venu.
            let purge = store.ecrire(|c| chorus_store::cloture::purger(c, horloge.aujourd_hui()))?;
            if purge != chorus_store::cloture::Purge::default() {
                tracing::info!(
                    "données des stagiaires supprimées : {} classe(s), {} bac(s) ; {} classe(s) supprimée(s) au terme de leur conservation",
                    purge.classes,
                    purge.bacs,
                    purge.archives
                );
            }
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

/// Le traitement des flux déposés : deux fois par seconde, s'il y a des flux en cours, ceux dont
/// l'étape suivante est due avancent (reçu, en cours de traitement, intégré ou rejeté), sans
/// que personne ne touche à l'horloge — un connecteur qui interroge le compte rendu le voit
/// aboutir en quelques secondes.
pub async fn traiter_les_flux(etat: AppState) {
    let mut intervalle = tokio::time::interval(Duration::from_millis(500));
    intervalle.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        intervalle.tick().await;
        let en_cours = etat.lire_par_cle(|c, _| chorus_store::flux::en_cours(c));
        if matches!(en_cours, Ok(true))
            && let Err(e) = etat.ecrire(chorus_store::flux::avancer).await
        {
            tracing::warn!("traitement des flux : {e}");
        }
    }
}
