//! La feuille d'émargement d'une classe : le stagiaire signe à l'écran pour la demi-journée en
//! cours, le formateur confirme, note un absent ou reporte une signature faite sur papier.
//!
//! Les heures sont celles de la machine du simulateur, qui est dans la salle (le portable du
//! formateur ou le petit serveur de la chambre) : ni l'heure UTC, ni la date simulée des bacs.

use chorus_domain::Anomalie;
use chorus_domain::emargement::{self as regles, DemiJournee, Presence};
use chrono::{DateTime, Local, NaiveDateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use crate::classe::{self, Classe};
use crate::erreur::{Erreur, Resultat};
use crate::horloge::Horloge;
use crate::reference;

/// L'heure de la salle.
pub fn heure_locale(t: DateTime<Utc>) -> NaiveDateTime {
    t.with_timezone(&Local).naive_local()
}

/// Ce qui est noté pour un stagiaire et une demi-journée.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub presence: Presence,
    /// Quand le stagiaire a signé à l'écran (heure de la salle).
    pub signe_le: Option<NaiveDateTime>,
    /// Présence reportée par le formateur depuis une feuille papier.
    pub papier: bool,
    /// Le tracé de la signature dessinée, sous sa forme contrôlée.
    pub trace: Option<String>,
}

impl Case {
    fn vide() -> Case {
        Case { presence: Presence::NonSigne, signe_le: None, papier: false, trace: None }
    }

    /// « Signé le 23/11/2026 à 09:12 », « Feuille papier », ou rien.
    pub fn mention(&self) -> String {
        match (self.signe_le, self.papier) {
            (Some(t), _) => format!("Signé le {}", t.format("%d/%m/%Y à %H:%M")),
            (None, true) => "Feuille papier".to_string(),
            (None, false) => String::new(),
        }
    }
}

/// Un stagiaire sur la feuille : une case par demi-journée, dans l'ordre.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LigneFeuille {
    pub participant_id: String,
    pub bac_id: String,
    pub nom: String,
    pub cases: Vec<Case>,
}

impl LigneFeuille {
    /// Les demi-journées qui comptent : celles que le formateur a confirmées.
    pub fn demi_journees_confirmees(&self) -> usize {
        self.cases.iter().filter(|c| c.presence.compte()).count()
    }

    pub fn demi_journees_signees(&self) -> usize {
        self.cases.iter().filter(|c| c.signe_le.is_some()).count()
    }

    pub fn heures(&self) -> f32 {
        regles::heures(self.demi_journees_confirmees())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Feuille {
    pub classe: Classe,
    pub calendrier: Vec<DemiJournee>,
    pub lignes: Vec<LigneFeuille>,
}

pub fn calendrier(classe: &Classe) -> Vec<DemiJournee> {
    regles::calendrier(classe.date_debut, classe.date_fin, classe.demi_journees)
}

fn cases(c: &Connection, participant_id: &str, n: usize) -> Resultat<Vec<Case>> {
    let mut v = vec![Case::vide(); n];
    let mut st = c.prepare_cached(
        "SELECT demi_journee, presence, signe_le, papier, trace FROM emargement WHERE participant_id = ?1",
    )?;
    let lignes = st.query_map([participant_id], |r| {
        Ok((
            r.get::<_, usize>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<NaiveDateTime>>(2)?,
            r.get::<_, bool>(3)?,
            r.get::<_, Option<String>>(4)?,
        ))
    })?;
    for ligne in lignes {
        let (rang, presence, signe_le, papier, trace) = ligne?;
        // Une demi-journée retirée depuis (la classe a été raccourcie) ne s'affiche plus.
        if let Some(case) = rang.checked_sub(1).and_then(|i| v.get_mut(i)) {
            *case = Case {
                presence: Presence::depuis_code(&presence).unwrap_or(Presence::NonSigne),
                signe_le,
                papier,
                trace,
            };
        }
    }
    Ok(v)
}

/// La feuille d'une classe déjà chargée (donc déjà vérifiée).
pub(crate) fn feuille_de(c: &Connection, classe: Classe) -> Resultat<Feuille> {
    let calendrier = calendrier(&classe);
    let mut lignes = Vec::new();
    for p in classe::participants(c, &classe.id)? {
        lignes.push(LigneFeuille {
            cases: cases(c, &p.id, calendrier.len())?,
            participant_id: p.id,
            bac_id: p.bac_id,
            nom: p.nom,
        });
    }
    Ok(Feuille { classe, calendrier, lignes })
}

/// La feuille d'émargement d'une classe du formateur.
pub fn feuille(c: &Connection, formateur_id: &str, classe_id: &str) -> Resultat<Feuille> {
    let classe = classe::charger(c, formateur_id, classe_id)?;
    feuille_de(c, classe)
}

/// Ce que le stagiaire voit de son émargement.
#[derive(Debug, Clone, PartialEq)]
pub struct MaFeuille {
    pub classe: Classe,
    pub nom: String,
    pub calendrier: Vec<DemiJournee>,
    pub cases: Vec<Case>,
    /// La demi-journée qu'il peut signer maintenant.
    pub courante: Option<DemiJournee>,
}

impl MaFeuille {
    pub fn case_courante(&self) -> Option<&Case> {
        self.courante.and_then(|d| self.cases.get(usize::from(d.rang) - 1))
    }
}

pub fn pour_stagiaire(c: &Connection, participant_id: &str, horloge: &Horloge) -> Resultat<MaFeuille> {
    let (classe, nom) = classe::du_participant(c, participant_id)?;
    let calendrier = calendrier(&classe);
    let maintenant = heure_locale(horloge.maintenant());
    let courante = regles::demi_journee_courante(&calendrier, maintenant.date(), maintenant.time());
    let cases = cases(c, participant_id, calendrier.len())?;
    Ok(MaFeuille { classe, nom, calendrier, cases, courante })
}

fn presence(c: &Connection, participant_id: &str, rang: u8) -> Resultat<Presence> {
    let code: Option<String> = c
        .prepare_cached("SELECT presence FROM emargement WHERE participant_id = ?1 AND demi_journee = ?2")?
        .query_row(params![participant_id, rang], |r| r.get(0))
        .optional()?;
    Ok(code.and_then(|p| Presence::depuis_code(&p)).unwrap_or(Presence::NonSigne))
}

/// La signature du stagiaire à l'écran, telle qu'il l'a envoyée.
#[derive(Debug, Clone, Default)]
pub struct Signature {
    /// « Je certifie être présent(e) » coché.
    pub certifie: bool,
    /// Son nom, tapé en guise de signature.
    pub nom: String,
    /// Le tracé dessiné (vide sans JavaScript).
    pub trace: String,
}

/// Le stagiaire signe pour la demi-journée en cours ; retourne laquelle.
pub fn signer(
    c: &Connection,
    participant_id: &str,
    s: &Signature,
    horloge: &Horloge,
) -> Resultat<DemiJournee> {
    let feuille = pour_stagiaire(c, participant_id, horloge)?;
    let Some(demi) = feuille.courante else {
        let prochaine =
            feuille.calendrier.iter().find(|d| d.date >= heure_locale(horloge.maintenant()).date());
        return Err(Erreur::Invalide(match prochaine {
            Some(d) => format!("L'émargement de la prochaine demi-journée ouvrira le {}.", d.libelle()),
            None => "La formation est terminée : il n'y a plus de demi-journée à émarger.".to_string(),
        }));
    };
    let mut anomalies = Vec::new();
    if !s.certifie {
        anomalies.push(Anomalie::champ(
            "certifie",
            "CERTIFICATION",
            "Cochez « Je certifie être présent(e) » pour signer.",
        ));
    }
    if !regles::nom_concorde(&s.nom, &feuille.nom, reference::normaliser) {
        anomalies.push(Anomalie::champ(
            "nom_signe",
            "NOM",
            format!("Tapez votre nom tel qu'il figure sur la feuille : « {} ».", feuille.nom),
        ));
    }
    let trace = match s.trace.trim() {
        "" => None,
        t => match regles::lire_signature(t) {
            Ok(traits) => Some(regles::ecrire_signature(&traits)),
            Err(m) => {
                anomalies.push(Anomalie::champ("trace", "SIGNATURE", m));
                None
            }
        },
    };
    if !anomalies.is_empty() {
        return Err(Erreur::Anomalies(anomalies));
    }
    let nouvelle = regles::signer(presence(c, participant_id, demi.rang)?)
        .map_err(|m| Erreur::Invalide(m.to_string()))?;
    c.execute(
        "INSERT INTO emargement (participant_id, demi_journee, presence, signe_le, nom_signe, trace)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (participant_id, demi_journee) DO UPDATE SET
             presence = excluded.presence, signe_le = excluded.signe_le,
             nom_signe = excluded.nom_signe, trace = excluded.trace",
        params![
            participant_id,
            demi.rang,
            nouvelle.code(),
            heure_locale(horloge.maintenant()),
            s.nom.trim(),
            trace
        ],
    )?;
    Ok(demi)
}

/// Ce que le formateur décide pour une case de la feuille.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Confirmer la signature faite à l'écran.
    Confirmer,
    /// Le stagiaire a signé la feuille papier : présent.
    PresentPapier,
    Absent,
    /// Revenir à « non signé » (une erreur de clic) ; la signature à l'écran est oubliée.
    Effacer,
}

impl Decision {
    pub fn depuis_code(code: &str) -> Option<Decision> {
        match code {
            "confirmer" => Some(Decision::Confirmer),
            "papier" => Some(Decision::PresentPapier),
            "absent" => Some(Decision::Absent),
            "effacer" => Some(Decision::Effacer),
            _ => None,
        }
    }
}

fn demi_journee(classe: &Classe, rang: u8) -> Resultat<DemiJournee> {
    calendrier(classe).into_iter().find(|d| d.rang == rang).ok_or(Erreur::Introuvable("demi-journée"))
}

/// Le formateur décide pour un stagiaire, ou pour toute la classe (`participant` vide) : en
/// bloc, seules les signatures à l'écran sont confirmées, les autres cases restent telles
/// quelles. Retourne le nombre de cases changées.
pub fn decider(
    c: &Connection,
    formateur_id: &str,
    classe_id: &str,
    participant: Option<&str>,
    rang: u8,
    decision: Decision,
    horloge: &Horloge,
) -> Resultat<usize> {
    let classe = classe::charger(c, formateur_id, classe_id)?;
    demi_journee(&classe, rang)?;
    let cibles: Vec<String> = match participant {
        Some(p) => vec![classe::participant(c, formateur_id, classe_id, p)?.id],
        None if decision == Decision::Confirmer => {
            classe::participants(c, &classe.id)?.into_iter().map(|p| p.id).collect()
        }
        None => return Err(Erreur::Invalide("Choisissez le stagiaire concerné.".into())),
    };
    let maintenant = heure_locale(horloge.maintenant());
    let mut changees = 0;
    for p in &cibles {
        let actuelle = presence(c, p, rang)?;
        match decision {
            Decision::Confirmer => match regles::confirmer(actuelle) {
                Ok(_) if actuelle == Presence::Confirme => {}
                Ok(nouvelle) => {
                    changees += c.execute(
                        "UPDATE emargement SET presence = ?3, decide_le = ?4
                         WHERE participant_id = ?1 AND demi_journee = ?2",
                        params![p, rang, nouvelle.code(), maintenant],
                    )?;
                }
                Err(m) if participant.is_some() => return Err(Erreur::Invalide(m.to_string())),
                Err(_) => {}
            },
            Decision::PresentPapier | Decision::Absent => {
                let (nouvelle, papier) = match decision {
                    Decision::Absent => (Presence::Absent, false),
                    _ => (Presence::Confirme, true),
                };
                changees += c.execute(
                    "INSERT INTO emargement (participant_id, demi_journee, presence, decide_le, papier)
                     VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (participant_id, demi_journee) DO UPDATE SET
                         presence = excluded.presence, decide_le = excluded.decide_le, papier = excluded.papier",
                    params![p, rang, nouvelle.code(), maintenant, papier],
                )?;
            }
            Decision::Effacer => {
                changees += c.execute(
                    "DELETE FROM emargement WHERE participant_id = ?1 AND demi_journee = ?2",
                    params![p, rang],
                )?;
            }
        }
    }
    Ok(changees)
}
