//! Le moteur du temps simulé : avancer l'horloge d'un bac et faire jouer, dans l'ordre des
//! dates, les parties simulées (l'acheteur public et son comptable, les gestionnaires des
//! structures simulées), par les mêmes cas d'usage qu'un humain.

use chorus_domain::Statut;
use std::collections::BTreeSet;

use chorus_domain::acheteur_simule::{self, Prochaine};
use chorus_domain::circuit::{self, Circuit};
use chorus_domain::facture::CadreFacturation;
use chorus_domain::scenario::{FactureVue, Regle};
use chorus_domain::statut::{Action, Contexte};
use chrono::NaiveDate;
use rusqlite::{Connection, params};

use crate::bac::{self, decaler};
use crate::erreur::{Erreur, Resultat};
use crate::facture;
use crate::horloge::Horloge;
use crate::journal::{self, evenement};

/// Nombre de jours dont on peut avancer l'horloge en une fois.
pub const AVANCE_MAX_JOURS: u32 = 365;
/// Avance l'horloge du bac de `jours` et fait jouer, dans l'ordre des dates, tout ce que les
/// parties simulées avaient à faire d'ici là. Retourne la nouvelle date simulée.
pub fn avancer(c: &Connection, bac_id: &str, jours: u32, horloge: &Horloge) -> Resultat<NaiveDate> {
    if jours == 0 || jours > AVANCE_MAX_JOURS {
        return Err(Erreur::Invalide(format!(
            "Le nombre de jours doit être compris entre 1 et {AVANCE_MAX_JOURS}."
        )));
    }
    let avant = bac::bac(c, bac_id)?;
    let depart = avant.date_simulee(horloge);
    c.execute("UPDATE bac SET decalage_jours = decalage_jours + ?2 WHERE id = ?1", params![bac_id, jours])?;
    let arrivee = decaler(depart, i64::from(jours));
    // Les étapes de l'acheteur, datées de leur propre jour, précèdent l'avancée d'horloge au
    // journal : il reste dans l'ordre des dates.
    jouer_parties_simulees(c, bac_id, arrivee, horloge)?;
    crate::rattachement::repondre_pour_les_gestionnaires_simules(c, bac_id, arrivee, horloge)?;
    crate::notification::apres_avancee(c, bac_id, depart, arrivee, horloge)?;
    journal::ajouter(
        c,
        journal::Nouvelle {
            bac_id,
            facture_id: None,
            evenement: evenement::HORLOGE,
            statut: None,
            date_simulee: arrivee,
            horodatage: horloge.maintenant(),
            acteur: "FOURNISSEUR",
            commentaire: &format!("Horloge avancée de {jours} jour(s)"),
            donnees: None,
        },
    )?;
    Ok(arrivee)
}

/// Une facture que l'acheteur simulé a encore à traiter.
struct EnCours {
    id: String,
    circuit: &'static Circuit,
    statut: Statut,
    mise_a_disposition: NaiveDate,
    calendrier: Vec<acheteur_simule::Etape>,
    mise_en_paiement_non_remontee: bool,
    /// Un avoir : jamais mis en paiement.
    avoir: bool,
    destinataire: String,
    code_service: String,
    numero_engagement: String,
    /// Le jour où la facture est arrivée à son statut actuel.
    date_statut: NaiveDate,
    /// Les règles du scénario déjà jouées (ou devenues impossibles) pour cette facture.
    regles_faites: BTreeSet<usize>,
}

impl EnCours {
    fn prochaine(&self, regles: &[Regle]) -> Option<(NaiveDate, Prochaine)> {
        let suivi = acheteur_simule::Suivi {
            vue: FactureVue {
                statut: self.statut,
                destinataire: &self.destinataire,
                code_service: &self.code_service,
                numero_engagement: &self.numero_engagement,
            },
            date_statut: self.date_statut,
            mise_a_disposition: self.mise_a_disposition,
        };
        acheteur_simule::prochaine_action(&suivi, (regles, &self.regles_faites), &self.calendrier)
    }
}

/// Fait jouer l'acheteur simulé jusqu'à `jusqu_au` : à chaque tour, l'action due la plus
/// ancienne (à date égale, la facture la plus ancienne) est appliquée, à sa propre date.
fn jouer_parties_simulees(
    c: &Connection,
    bac_id: &str,
    jusqu_au: NaiveDate,
    horloge: &Horloge,
) -> Resultat<()> {
    let regles = crate::scenario::en_cours(c, bac_id)?.map(|s| s.regles).unwrap_or_default();
    let mut st = c.prepare_cached(
        // Après un complément, le destinataire reprend la facture à la date du complément : son
        // calendrier repart de là (le délai de paiement aussi, R2192-29).
        "SELECT f.id, f.statut,
                coalesce((SELECT max(j.date_simulee) FROM journal j
                          WHERE j.bac_id = f.bac_id AND j.facture_id = f.id AND j.statut = 'COMPLETEE'),
                         f.date_mise_a_disposition),
                coalesce(a.delai_paiement_jours, 30), coalesce(a.mise_en_paiement_non_remontee, 0),
                f.destinataire, coalesce(json_extract(f.saisie, '$.code_service'), ''),
                coalesce(json_extract(f.saisie, '$.numero_engagement'), ''), f.date_statut,
                coalesce(json_extract(f.saisie, '$.type_facture'), '') = 'AVOIR',
                coalesce(json_extract(f.saisie, '$.cadre'), '')
         FROM facture f LEFT JOIN annuaire_structure a ON a.identifiant = f.destinataire
         WHERE f.bac_id = ?1 AND f.date_mise_a_disposition IS NOT NULL
           AND f.statut IN ('MISE_A_DISPOSITION', 'COMPLETEE', 'SERVICE_FAIT', 'MANDATEE',
                            'MISE_A_DISPOSITION_COMPTABLE', 'COMPTABILISEE')
         ORDER BY f.ordre",
    )?;
    let mut en_cours: Vec<EnCours> = st
        .query_map([bac_id], |r| {
            let statut: String = r.get(1)?;
            let delai: u16 = r.get(3)?;
            let mep: bool = r.get(4)?;
            Ok((
                r.get::<_, String>(0)?,
                statut,
                r.get::<_, NaiveDate>(2)?,
                delai,
                mep,
                (r.get(5)?, r.get(6)?, r.get(7)?),
                r.get(8)?,
                (r.get::<_, bool>(9)?, r.get::<_, String>(10)?),
            ))
        })?
        .filter_map(|r| r.ok())
        .filter_map(
            |(
                id,
                statut,
                mad,
                delai,
                mep,
                (destinataire, code_service, numero_engagement),
                date_statut,
                (avoir, cadre),
            )| {
                Some(EnCours {
                    id,
                    circuit: Circuit::de(CadreFacturation::depuis_code(&cadre).ok()?),
                    statut: Statut::depuis_code(&statut).ok()?,
                    mise_a_disposition: mad,
                    calendrier: acheteur_simule::calendrier(delai, mep, avoir),
                    mise_en_paiement_non_remontee: mep,
                    avoir,
                    destinataire,
                    code_service,
                    numero_engagement,
                    date_statut,
                    regles_faites: BTreeSet::new(),
                })
            },
        )
        .collect();
    if !regles.is_empty() {
        marquer_les_regles_jouees(c, bac_id, &mut en_cours)?;
    }
    loop {
        let prochaine = en_cours
            .iter()
            .enumerate()
            .filter_map(|(i, f)| f.prochaine(&regles).map(|(date, p)| (date, i, p)))
            .filter(|(date, _, _)| *date <= jusqu_au)
            .min_by_key(|(date, i, _)| (*date, *i));
        let Some((date, i, prochaine)) = prochaine else { break };
        let f = &mut en_cours[i];
        let nouveau = match prochaine {
            Prochaine::Etape(etape) => {
                let ctx = Contexte {
                    mise_en_paiement_non_remontee: f.mise_en_paiement_non_remontee,
                    avoir: f.avoir,
                    ..Contexte::default()
                };
                let action = Action::Traiter(etape.statut);
                let nouveau = circuit::transition(f.circuit, Some(f.statut), action, etape.acteur, &ctx)?;
                let ch = facture::Changement { statut: nouveau, acteur: etape.acteur, date, commentaire: "" };
                facture::changer_statut(c, bac_id, &f.id, ch, horloge)?;
                nouveau
            }
            Prochaine::Regle(n) => {
                f.regles_faites.insert(n);
                let r = &regles[n];
                let t = crate::acheteur::Traitement {
                    nouveau_statut: r.action,
                    motif: &r.motif,
                    numero_mandat: &r.numero_mandat,
                };
                match crate::acheteur::traiter_par_le_scenario(c, bac_id, &f.id, &t, (n, date), horloge) {
                    Ok(nouveau) => nouveau,
                    // Une règle que le cycle de vie ne permet plus (facture déjà suspendue une
                    // fois, par exemple) ne joue pas : l'acheteur passe à la suite.
                    Err(Erreur::Domaine(_)) => continue,
                    Err(e) => return Err(e),
                }
            }
        };
        f.statut = nouveau;
        f.date_statut = date;
    }
    Ok(())
}

/// Les règles du scénario déjà jouées sur chaque facture, d'après le journal.
fn marquer_les_regles_jouees(c: &Connection, bac_id: &str, en_cours: &mut [EnCours]) -> Resultat<()> {
    let mut st = c.prepare_cached(
        "SELECT facture_id, json_extract(donnees, '$.regle') FROM journal
         WHERE bac_id = ?1 AND evenement = 'STATUT' AND json_extract(donnees, '$.regle') IS NOT NULL",
    )?;
    let jouees = st.query_map([bac_id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    for j in jouees {
        let (facture, regle) = j?;
        if let (Some(f), Ok(regle)) = (en_cours.iter_mut().find(|f| f.id == facture), usize::try_from(regle))
        {
            f.regles_faites.insert(regle);
        }
    }
    Ok(())
}
