//! Le moteur du temps simulé : avancer l'horloge d'un bac et faire jouer, dans l'ordre des
//! dates, toutes les parties simulées — le destinataire public et son comptable, les valideurs
//! (titulaire, mandataire), la maîtrise d'œuvre et la maîtrise d'ouvrage des travaux, Chorus
//! Pro lui-même (la validation tacite au bout de 15 jours, le silence de la MOE au bout de 7),
//! les gestionnaires principaux des structures simulées — par les mêmes cas d'usage qu'un
//! humain.
//!
//! À chaque tour, le moteur relit l'état du bac, demande à chaque partie sa prochaine action
//! datée (son comportement par défaut, du domaine, ou la règle du scénario qui la remplace), et
//! joue la plus ancienne ; à date égale, la facture (ou la demande) la plus ancienne d'abord,
//! puis Chorus Pro avant le valideur (ou la maîtrise d'œuvre, d'ouvrage), le valideur avant
//! l'acheteur, l'acheteur avant le gestionnaire. Le résultat ne dépend donc que de l'état du bac et du scénario.

use std::collections::BTreeSet;

use chorus_domain::Statut;
use chorus_domain::acheteur_simule::{self, Prochaine};
use chorus_domain::circuit;
use chorus_domain::facture::CadreFacturation;
use chorus_domain::scenario::{DecisionRattachement, FactureVue, Partie, Regle};
use chorus_domain::statut::Acteur;
use chorus_domain::travaux::{self as regles_travaux, simulees};
use chorus_domain::validation::{self, MotifRefus, Reponse, RoleMarche};
use chrono::{Days, NaiveDate, NaiveTime};
use rusqlite::{Connection, params};

use crate::bac::{self, decaler};
use crate::erreur::{Erreur, Resultat};
use crate::horloge::Horloge;
use crate::journal::{self, Coup, Joueur, evenement};
use crate::rattachement::{self, DemandeEnAttente};
use crate::travaux::{self, Geste};

/// Nombre de jours dont on peut avancer l'horloge en une fois.
pub const AVANCE_MAX_JOURS: u32 = 365;

/// Garde-fou : une avancée d'un an pour une classe chargée joue quelques centaines de coups.
const COUPS_MAX: usize = 20_000;

/// Avance l'horloge du bac de `jours` et fait jouer, dans l'ordre des dates, tout ce que les
/// parties simulées avaient à faire d'ici là. Retourne la nouvelle date simulée.
pub fn avancer(c: &Connection, bac_id: &str, jours: u32, horloge: &Horloge) -> Resultat<NaiveDate> {
    if jours == 0 || jours > AVANCE_MAX_JOURS {
        return Err(Erreur::Invalide(format!(
            "Le nombre de jours doit être compris entre 1 et {AVANCE_MAX_JOURS}."
        )));
    }
    // Les flux encore en traitement aboutissent d'abord, au jour de leur dépôt : leurs
    // factures suivent ensuite l'avancée comme les autres.
    crate::flux::terminer_du_bac(c, bac_id, horloge)?;
    let avant = bac::bac(c, bac_id)?;
    let depart = avant.date_simulee(horloge);
    c.execute("UPDATE bac SET decalage_jours = decalage_jours + ?2 WHERE id = ?1", params![bac_id, jours])?;
    let arrivee = decaler(depart, i64::from(jours));
    // Les coups des parties, datés de leur propre jour, précèdent l'avancée d'horloge au
    // journal : il reste dans l'ordre des dates.
    jouer_parties_simulees(c, bac_id, arrivee, horloge)?;
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

/// Un coup d'une partie simulée, prêt à jouer.
#[derive(Debug, Clone)]
enum Coup_ {
    /// Le destinataire ou son comptable : l'étape de son calendrier, ou une règle du scénario.
    Acheteur { facture: String, prochaine: Prochaine },
    /// Un valideur que personne ne joue répond (son comportement par défaut, ou une règle).
    Valideur { facture: String, niveau: u8, reponse: Reponse, regle: Option<usize> },
    /// Chorus Pro constate que le valideur n'a pas répondu dans les 15 jours.
    Tacite { facture: String },
    /// Un gestionnaire principal simulé répond à une demande de rattachement.
    Gestionnaire { demande: DemandeEnAttente, approuver: bool, commentaire: String },
    /// La maîtrise d'œuvre ou d'ouvrage simulée agit sur un dossier de travaux.
    Maitrise { facture: String, acteur: Acteur, geste: Geste, regle: Option<usize> },
    /// Chorus Pro constate que la maîtrise d'œuvre n'a pas traité la pièce dans ses 7 jours.
    SilenceMoe { facture: String },
}

/// Un coup daté, avec ce qui l'ordonne à date égale.
struct Prevu {
    date: NaiveDate,
    /// Le rang de la facture ou de la demande dans le bac.
    ordre: i64,
    /// Chorus Pro (0), le valideur (1), l'acheteur (2), le gestionnaire (3).
    rang_partie: u8,
    coup: Coup_,
}

/// Fait jouer les parties simulées jusqu'au jour `jusqu_au` compris.
fn jouer_parties_simulees(
    c: &Connection,
    bac_id: &str,
    jusqu_au: NaiveDate,
    horloge: &Horloge,
) -> Resultat<()> {
    let regles = crate::scenario::en_cours(c, bac_id)?.map(|s| s.regles).unwrap_or_default();
    // Les règles que le cycle de vie a refusées (une facture déjà suspendue une fois, par
    // exemple) : elles ne rejouent pas.
    let mut impossibles: BTreeSet<(String, usize)> = BTreeSet::new();
    for _ in 0..COUPS_MAX {
        let mut prevus = coups_de_l_acheteur(c, bac_id, &regles, &impossibles)?;
        prevus.extend(coups_des_valideurs(c, bac_id, &regles, &impossibles)?);
        prevus.extend(coups_des_gestionnaires(c, bac_id, &regles)?);
        prevus.extend(coups_des_maitrises(c, bac_id, &regles, &impossibles)?);
        let Some(p) = prevus
            .into_iter()
            .filter(|p| p.date <= jusqu_au)
            .min_by_key(|p| (p.date, p.ordre, p.rang_partie))
        else {
            return Ok(());
        };
        jouer(c, bac_id, p, horloge, &mut impossibles)?;
    }
    Err(Erreur::Interne(format!("les parties simulées du bac {bac_id} ne s'arrêtent pas de jouer")))
}

fn jouer(
    c: &Connection,
    bac_id: &str,
    p: Prevu,
    horloge: &Horloge,
    impossibles: &mut BTreeSet<(String, usize)>,
) -> Resultat<()> {
    let date = p.date;
    match p.coup {
        Coup_::Acheteur { facture, prochaine: Prochaine::Etape(etape), .. } => {
            crate::acheteur::traiter_par_defaut(c, bac_id, &facture, etape.statut, date, horloge)?;
        }
        Coup_::Acheteur { facture, prochaine: Prochaine::Regle(n), .. } => {
            let Some(r) = p_regle(&regles_du_bac(c, bac_id)?, n) else { return Ok(()) };
            let Some(action) = r.action else {
                impossibles.insert((facture, n));
                return Ok(());
            };
            let t = crate::acheteur::Traitement {
                nouveau_statut: action,
                motif: &r.motif,
                numero_mandat: &r.numero_mandat,
            };
            match crate::acheteur::traiter_par_le_scenario(c, bac_id, &facture, &t, (n, date), horloge) {
                Ok(_) => {}
                // Une règle que le cycle de vie ne permet plus ne joue pas : l'acheteur passe à
                // la suite.
                Err(Erreur::Domaine(_)) => {
                    impossibles.insert((facture, n));
                }
                Err(e) => return Err(e),
            }
        }
        Coup_::Valideur { facture, niveau, reponse, regle } => {
            let joueur = if regle.is_some() { Joueur::Scenario } else { Joueur::Simulateur };
            let coup = Coup { joueur, date, regle };
            match (crate::validation::repondre(c, bac_id, &facture, niveau, &reponse, coup, horloge), regle) {
                (Ok(_), _) => {}
                // Une règle de scénario que les règles refusent ne joue pas ; le valideur reprend
                // son comportement par défaut.
                (Err(Erreur::Domaine(_) | Erreur::Invalide(_)), Some(n)) => {
                    impossibles.insert((facture, n));
                }
                (Err(e), _) => return Err(e),
            }
        }
        Coup_::Tacite { facture } => {
            crate::validation::constater_absence(c, bac_id, &facture, date, horloge)?;
        }
        Coup_::SilenceMoe { facture } => {
            travaux::constater_silence_de_la_moe(c, bac_id, &facture, date, horloge)?;
        }
        Coup_::Maitrise { facture, acteur, geste, regle } => {
            let joueur = if regle.is_some() { Joueur::Scenario } else { Joueur::Simulateur };
            let coup = Coup { joueur, date, regle };
            match (travaux::agir(c, bac_id, &facture, acteur, &geste, coup, horloge), regle) {
                (Ok(_), _) => {}
                // Une règle que le circuit refuse ne joue pas ; la partie reprend son
                // comportement par défaut.
                (Err(Erreur::Domaine(_) | Erreur::Invalide(_)), Some(n)) => {
                    impossibles.insert((facture, n));
                }
                (Err(e), _) => return Err(e),
            }
        }
        Coup_::Gestionnaire { demande, approuver, commentaire } => {
            let d = rattachement::Decision {
                demandeur_id: &demande.demandeur_id,
                structure_id: &demande.structure_id,
                approuver,
                commentaire: &commentaire,
            };
            // Le gestionnaire simulé répond à l'ouverture des bureaux, le jour dû.
            let instant = date.and_time(NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default());
            rattachement::decider_le(c, bac_id, &demande.gestionnaire_id, d, instant)?;
        }
    }
    Ok(())
}

fn regles_du_bac(c: &Connection, bac_id: &str) -> Resultat<Vec<Regle>> {
    Ok(crate::scenario::en_cours(c, bac_id)?.map(|s| s.regles).unwrap_or_default())
}

fn p_regle(regles: &[Regle], n: usize) -> Option<Regle> {
    regles.get(n).cloned()
}

fn apres(date: NaiveDate, jours: u32) -> NaiveDate {
    date.checked_add_days(Days::new(u64::from(jours))).unwrap_or(date)
}

/// Les règles du scénario déjà jouées sur chaque facture, d'après le journal.
fn regles_jouees(c: &Connection, bac_id: &str) -> Resultat<BTreeSet<(String, usize)>> {
    let mut st = c.prepare_cached(
        "SELECT facture_id, json_extract(donnees, '$.regle') FROM journal
         WHERE bac_id = ?1 AND evenement = 'STATUT' AND json_extract(donnees, '$.regle') IS NOT NULL",
    )?;
    let jouees = st.query_map([bac_id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    let mut v = BTreeSet::new();
    for j in jouees {
        let (facture, regle) = j?;
        if let Ok(regle) = usize::try_from(regle) {
            v.insert((facture, regle));
        }
    }
    Ok(v)
}

/// La prochaine action de l'acheteur (destinataire, comptable) sur chaque facture qu'il a
/// encore à traiter.
fn coups_de_l_acheteur(
    c: &Connection,
    bac_id: &str,
    regles: &[Regle],
    impossibles: &BTreeSet<(String, usize)>,
) -> Resultat<Vec<Prevu>> {
    let mut st = c.prepare_cached(
        // Après un complément, le destinataire reprend la facture à la date du complément : son
        // calendrier repart de là (le délai de paiement aussi, R2192-29).
        "SELECT f.id, f.statut, f.ordre,
                coalesce((SELECT max(j.date_simulee) FROM journal j
                          WHERE j.bac_id = f.bac_id AND j.facture_id = f.id AND j.statut = 'COMPLETEE'),
                         f.date_mise_a_disposition),
                coalesce(a.delai_paiement_jours, 30), coalesce(a.mise_en_paiement_non_remontee, 0),
                f.destinataire, coalesce(json_extract(f.saisie, '$.code_service'), ''),
                coalesce(json_extract(f.saisie, '$.numero_engagement'), ''), f.date_statut,
                coalesce(json_extract(f.saisie, '$.type_facture'), '') = 'AVOIR',
                coalesce(json_extract(f.saisie, '$.cadre'), ''), f.total_ht
         FROM facture f LEFT JOIN annuaire_structure a ON a.identifiant = f.destinataire
         WHERE f.bac_id = ?1 AND f.date_mise_a_disposition IS NOT NULL
           AND f.statut IN ('MISE_A_DISPOSITION', 'COMPLETEE', 'SERVICE_FAIT', 'MANDATEE',
                            'MISE_A_DISPOSITION_COMPTABLE', 'COMPTABILISEE')
         ORDER BY f.ordre",
    )?;
    struct Ligne {
        id: String,
        statut: String,
        ordre: i64,
        mise_a_disposition: NaiveDate,
        delai: u16,
        mep: bool,
        destinataire: String,
        code_service: String,
        numero_engagement: String,
        date_statut: NaiveDate,
        avoir: bool,
        cadre: String,
        total_ht: String,
    }
    let lignes = st
        .query_map([bac_id], |r| {
            Ok(Ligne {
                id: r.get(0)?,
                statut: r.get(1)?,
                ordre: r.get(2)?,
                mise_a_disposition: r.get(3)?,
                delai: r.get(4)?,
                mep: r.get(5)?,
                destinataire: r.get(6)?,
                code_service: r.get(7)?,
                numero_engagement: r.get(8)?,
                date_statut: r.get(9)?,
                avoir: r.get(10)?,
                cadre: r.get(11)?,
                total_ht: r.get(12)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut faites = if regles.is_empty() { BTreeSet::new() } else { regles_jouees(c, bac_id)? };
    faites.extend(impossibles.iter().cloned());
    let mut v = Vec::new();
    for l in lignes {
        let (Ok(statut), Ok(_)) = (Statut::depuis_code(&l.statut), CadreFacturation::depuis_code(&l.cadre))
        else {
            continue;
        };
        let calendrier = acheteur_simule::calendrier(l.delai, l.mep, l.avoir);
        let suivi = acheteur_simule::Suivi {
            vue: FactureVue {
                statut,
                destinataire: &l.destinataire,
                code_service: &l.code_service,
                numero_engagement: &l.numero_engagement,
                valideur: "",
                total_ht: l.total_ht.parse().unwrap_or_default(),
            },
            date_statut: l.date_statut,
            mise_a_disposition: l.mise_a_disposition,
        };
        let faites_ici: BTreeSet<usize> =
            faites.iter().filter(|(f, _)| *f == l.id).map(|(_, n)| *n).collect();
        if let Some((date, prochaine)) =
            acheteur_simule::prochaine_action(&suivi, (regles, &faites_ici), &calendrier)
        {
            v.push(Prevu {
                date,
                ordre: l.ordre,
                rang_partie: 2,
                coup: Coup_::Acheteur { facture: l.id, prochaine },
            });
        }
    }
    Ok(v)
}

/// Pour chaque facture qui attend un valideur : la validation tacite de Chorus Pro au bout de
/// 15 jours et, si personne ne joue ce valideur dans le bac, sa réponse simulée.
fn coups_des_valideurs(
    c: &Connection,
    bac_id: &str,
    regles: &[Regle],
    impossibles: &BTreeSet<(String, usize)>,
) -> Resultat<Vec<Prevu>> {
    // Un valideur que joue un humain, dans ce bac ou (en classe) dans celui d'un autre
    // stagiaire, répond lui-même : le moteur ne simule que son silence.
    let mut st = c.prepare_cached(&format!(
        "SELECT f.id, f.statut, f.ordre, f.date_statut, coalesce(json_extract(f.saisie, '$.cadre'), ''),
                CASE f.statut WHEN 'A_VALIDER_2' THEN f.valideur_2 ELSE f.valideur_1 END AS valideur,
                f.destinataire, coalesce(json_extract(f.saisie, '$.code_service'), ''),
                coalesce(json_extract(f.saisie, '$.numero_engagement'), ''), f.total_ht,
                EXISTS (SELECT 1 FROM structure s JOIN rattachement r ON r.structure_id = s.id AND r.statut = 'VALIDE'
                        JOIN utilisateur u ON u.id = r.utilisateur_id AND NOT u.simule
                        WHERE s.bac_id = {proprietaire} AND s.identifiant =
                              CASE f.statut WHEN 'A_VALIDER_2' THEN f.valideur_2 ELSE f.valideur_1 END)
         FROM facture f WHERE f.bac_id = ?1 AND f.statut IN ('A_VALIDER_1', 'A_VALIDER_2') ORDER BY f.ordre",
        proprietaire = crate::bac::bac_du_valideur(
            "f.bac_id",
            "(CASE f.statut WHEN 'A_VALIDER_2' THEN f.valideur_2 ELSE f.valideur_1 END)"
        )
    ))?;
    type LigneValidation =
        (String, String, i64, NaiveDate, String, Option<String>, (String, String, String, String), bool);
    let lignes: Vec<LigneValidation> = st
        .query_map([bac_id], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                (r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?),
                r.get(10)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let jouees = if regles.is_empty() { BTreeSet::new() } else { regles_jouees(c, bac_id)? };
    let mut v = Vec::new();
    for (
        id,
        statut,
        ordre,
        date_statut,
        cadre,
        valideur,
        (destinataire, code_service, engagement, ht),
        joue,
    ) in lignes
    {
        let (Ok(statut), Ok(cadre)) = (Statut::depuis_code(&statut), CadreFacturation::depuis_code(&cadre))
        else {
            continue;
        };
        let niveau = circuit::niveau_de_validation(statut).unwrap_or(1);
        let valideur = valideur.unwrap_or_default();
        v.push(Prevu {
            date: validation::jour_de_la_validation_tacite(date_statut),
            ordre,
            rang_partie: 0,
            coup: Coup_::Tacite { facture: id.clone() },
        });
        if joue {
            // Un humain du bac joue ce valideur : il répond lui-même, ou Chorus Pro constatera
            // son silence.
            continue;
        }
        let vue = FactureVue {
            statut,
            destinataire: &destinataire,
            code_service: &code_service,
            numero_engagement: &engagement,
            valideur: &valideur,
            total_ht: ht.parse().unwrap_or_default(),
        };
        let regle = regles.iter().enumerate().find(|(n, r)| {
            let cle = (id.clone(), *n);
            r.partie() == Partie::Valideur
                && r.concerne(&vue)
                && !jouees.contains(&cle)
                && !impossibles.contains(&cle)
        });
        let (jours, reponse, numero) = match regle {
            Some((_, r)) if r.silence => continue,
            Some((n, r)) => match reponse_de_la_regle(r) {
                Some(reponse) => (r.apres_jours, reponse, Some(n)),
                None => continue,
            },
            None => {
                let role = crate::reference::entreprise(c, &valideur)?
                    .map(|e| RoleMarche::depuis_registre(&e.role))
                    .unwrap_or(RoleMarche::Autre);
                let mandataire = mandataire_du_registre(c)?;
                let (jours, reponse) =
                    validation::reponse_simulee(cadre, niveau, role, mandataire.as_deref());
                (jours, reponse, None)
            }
        };
        v.push(Prevu {
            date: apres(date_statut, jours),
            ordre,
            rang_partie: 1,
            coup: Coup_::Valideur { facture: id, niveau, reponse, regle: numero },
        });
    }
    Ok(v)
}

/// La réponse qu'une règle de valideur donne (les contrôles du scénario garantissent sa forme).
fn reponse_de_la_regle(r: &Regle) -> Option<Reponse> {
    match r.action? {
        Statut::Validee1 | Statut::Validee2 => Some(Reponse::Valider { second_valideur: None }),
        Statut::ErreurFournisseurSurValideur | Statut::ErreurCotraitantSurValideur => {
            let motif = validation::MOTIFS_REFUS.iter().find(|m| m.erreur_de_valideur)?;
            Some(Reponse::Refuser { motif, precision: r.precision.clone() })
        }
        Statut::Refusee1 | Statut::Refusee2 => {
            let motif = MotifRefus::depuis_code(&r.motif)?;
            Some(Reponse::Refuser { motif, precision: r.precision.clone() })
        }
        _ => None,
    }
}

/// Le mandataire du groupement du monde simulé : celui que désigne un cotraitant simulé.
fn mandataire_du_registre(c: &Connection) -> Resultat<Option<String>> {
    use rusqlite::OptionalExtension;
    Ok(c.prepare_cached(
        "SELECT siret FROM entreprise WHERE role = 'mandataire' AND active ORDER BY rowid LIMIT 1",
    )?
    .query_row([], |r| r.get(0))
    .optional()?)
}

/// Les réponses des gestionnaires principaux simulés aux demandes de rattachement.
fn coups_des_gestionnaires(c: &Connection, bac_id: &str, regles: &[Regle]) -> Resultat<Vec<Prevu>> {
    let delai = u32::try_from(chorus_domain::compte::DELAI_REPONSE_GESTIONNAIRE_SIMULE_JOURS).unwrap_or(2);
    let mut v = Vec::new();
    for (ordre, demande) in
        rattachement::demandes_aux_gestionnaires_simules(c, bac_id)?.into_iter().enumerate()
    {
        let regle = regles.iter().find(|r| r.concerne_la_demande(&demande.identifiant_structure));
        let (jours, approuver, commentaire) = match regle {
            Some(r) if r.silence => continue,
            Some(r) => {
                (r.apres_jours, r.rattachement != Some(DecisionRattachement::Refuser), r.motif.clone())
            }
            None => (delai, true, rattachement::REPONSE_DU_GESTIONNAIRE_SIMULE.to_string()),
        };
        v.push(Prevu {
            date: apres(demande.demande_le, jours),
            ordre: i64::try_from(ordre).unwrap_or(i64::MAX),
            rang_partie: 3,
            coup: Coup_::Gestionnaire { demande, approuver, commentaire },
        });
    }
    Ok(v)
}

/// Ce que la maîtrise d'œuvre et la maîtrise d'ouvrage simulées font des dossiers de travaux
/// qu'elles ont en main (leur comportement par défaut, ou une règle du scénario), et le constat
/// par Chorus Pro du silence de la MOE au bout de 7 jours.
fn coups_des_maitrises(
    c: &Connection,
    bac_id: &str,
    regles: &[Regle],
    impossibles: &BTreeSet<(String, usize)>,
) -> Resultat<Vec<Prevu>> {
    let mut st = c.prepare_cached(
        "SELECT f.id, f.statut, f.ordre, f.date_statut, coalesce(json_extract(f.saisie, '$.cadre'), ''),
                coalesce(f.moe, ''), f.destinataire, coalesce(json_extract(f.saisie, '$.code_service'), ''),
                coalesce(json_extract(f.saisie, '$.numero_engagement'), ''), f.total_ht
         FROM facture f WHERE f.bac_id = ?1 AND f.travaux
           AND f.statut IN ('MISE_A_DISPOSITION_MOE', 'PRISE_EN_COMPTE_MOE', 'MISE_A_DISPOSITION_MOA',
                            'PRISE_EN_COMPTE_MOA', 'A_ASSOCIER_FOURNISSEUR')
         ORDER BY f.ordre",
    )?;
    type Ligne = ((String, String, i64, NaiveDate, String), (String, String, String, String, String));
    let lignes: Vec<Ligne> = st
        .query_map([bac_id], |r| {
            Ok((
                (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?),
                (r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?),
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let jouees = if regles.is_empty() { BTreeSet::new() } else { regles_jouees(c, bac_id)? };
    let mut v = Vec::new();
    for ((id, statut, ordre, date_statut, cadre), (moe, destinataire, code_service, engagement, ht)) in lignes
    {
        let (Ok(statut), Ok(cadre)) = (Statut::depuis_code(&statut), CadreFacturation::depuis_code(&cadre))
        else {
            continue;
        };
        let historique = travaux::historique(c, bac_id, &id)?;
        let depuis =
            |s: Statut| historique.iter().rev().find(|(x, _)| *x == s).map_or(date_statut, |(_, d)| *d);
        let acteur = if travaux::CHEZ_LA_MOE.contains(&statut) || statut == Statut::AAssocierFournisseur {
            Acteur::Moe
        } else {
            Acteur::Moa
        };
        if acteur == Acteur::Moe && statut != Statut::AAssocierFournisseur {
            v.push(Prevu {
                date: regles_travaux::lendemain(
                    depuis(Statut::MiseADispositionMoe),
                    regles_travaux::DELAI_MOE_JOURS,
                ),
                ordre,
                rang_partie: 0,
                coup: Coup_::SilenceMoe { facture: id.clone() },
            });
        }
        // Une maîtrise d'œuvre tenue par un stagiaire du bac agit elle-même.
        if acteur == Acteur::Moe && travaux::moe_jouee(c, bac_id, &moe)? {
            continue;
        }
        let vue = FactureVue {
            statut,
            destinataire: &destinataire,
            code_service: &code_service,
            numero_engagement: &engagement,
            valideur: &moe,
            total_ht: ht.parse().unwrap_or_default(),
        };
        let partie = if acteur == Acteur::Moe { Partie::Moe } else { Partie::Moa };
        let regle = regles.iter().enumerate().find(|(n, r)| {
            let cle = (id.clone(), *n);
            r.partie() == partie && r.concerne(&vue) && !jouees.contains(&cle) && !impossibles.contains(&cle)
        });
        let (date, geste, numero) = match regle {
            Some((_, r)) if r.silence => continue,
            Some((n, r)) => match geste_de_la_regle(r) {
                Some(geste) => (apres(date_statut, r.apres_jours), geste, Some(n)),
                None => continue,
            },
            None => {
                let procedure_tacite = historique.iter().any(|(s, _)| *s == Statut::RemplaceeParA22);
                let (depart, jours, geste) = match statut {
                    Statut::MiseADispositionMoe => {
                        (Statut::MiseADispositionMoe, simulees::MOE_PRISE_EN_COMPTE, Geste::PrendreEnCompte)
                    }
                    Statut::PriseEnCompteMoe => (
                        Statut::MiseADispositionMoe,
                        simulees::MOE_TRANSMISSION,
                        Geste::Transmettre { montant_admis_ht: None, au_service_financier: false },
                    ),
                    Statut::MiseADispositionMoa => {
                        (Statut::MiseADispositionMoa, simulees::MOA_PRISE_EN_COMPTE, Geste::PrendreEnCompte)
                    }
                    Statut::PriseEnCompteMoa if cadre.est_decompte_final() || procedure_tacite => (
                        Statut::MiseADispositionMoa,
                        simulees::MOA_DECOMPTE_GENERAL,
                        Geste::NotifierDecompteGeneral { montant_ht: None },
                    ),
                    Statut::PriseEnCompteMoa => (
                        Statut::MiseADispositionMoa,
                        simulees::MOA_VALIDATION,
                        Geste::Valider { montant_admis_ht: None },
                    ),
                    // Le titulaire n'a pas signé le décompte général dans ses 30 jours.
                    _ => (Statut::AAssocierFournisseur, simulees::MOE_DGD_TACITE, Geste::DeposerDgdTacite),
                };
                (apres(depuis(depart), jours).max(date_statut), geste, None)
            }
        };
        v.push(Prevu {
            date,
            ordre,
            rang_partie: 1,
            coup: Coup_::Maitrise { facture: id, acteur, geste, regle: numero },
        });
    }
    Ok(v)
}

/// Le geste qu'une règle de la maîtrise d'œuvre ou d'ouvrage fait jouer (les contrôles du
/// scénario garantissent sa forme).
fn geste_de_la_regle(r: &Regle) -> Option<Geste> {
    let montant = r.montant_admis_ht.as_deref().and_then(|m| regles_travaux::lire_montant(m).ok());
    let moe = r.partie() == Partie::Moe;
    Some(match r.action? {
        Statut::PriseEnCompteMoe | Statut::PriseEnCompteMoa => Geste::PrendreEnCompte,
        Statut::TransmiseMoa => Geste::Transmettre { montant_admis_ht: montant, au_service_financier: false },
        Statut::MiseADisposition if moe => {
            Geste::Transmettre { montant_admis_ht: montant, au_service_financier: true }
        }
        Statut::MiseADisposition => Geste::Valider { montant_admis_ht: montant },
        Statut::AAssocierFournisseur => Geste::NotifierDecompteGeneral { montant_ht: montant },
        Statut::RefuseeMoe => {
            let motif = regles_travaux::MotifMoe::depuis_code(&r.motif)?.texte(&r.precision).ok()?;
            Geste::Refuser { motif }
        }
        Statut::RefuseeMoa => Geste::Refuser { motif: r.motif.clone() },
        Statut::ErreurFournisseurSurMoe | Statut::ErreurFournisseurSurMoa => {
            Geste::SignalerErreur { motif: r.motif.clone() }
        }
        Statut::ACompleter => Geste::DemanderComplement { motif: r.motif.clone() },
        _ => return None,
    })
}
