//! Les bacs à sable : un monde isolé par stagiaire, avec sa structure, ses utilisateurs, ses
//! factures, son journal et son horloge. Réinitialiser un bac le ramène à son point de départ
//! en une transaction.

use chorus_domain::Statut;
use std::collections::BTreeSet;

use chorus_domain::acheteur_simule::{self, Prochaine};
use chorus_domain::scenario::{FactureVue, Regle};
use chorus_domain::statut::{self, Action, Contexte};
use chorus_domain::structure::Entreprise;
use chrono::{Days, NaiveDate};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::erreur::{Erreur, Resultat};
use crate::horloge::Horloge;
use crate::journal::{self, evenement};
use crate::{compte, facture};

/// Nombre de jours dont on peut avancer l'horloge en une fois.
pub const AVANCE_MAX_JOURS: u32 = 365;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bac {
    pub id: String,
    pub libelle: String,
    pub decalage_jours: i64,
    /// La connexion demande un code reçu dans la messagerie.
    pub double_authentification: bool,
    /// L'intitulé de la classe, si le bac est celui d'un stagiaire de classe : c'est alors le
    /// formateur qui règle la double authentification.
    pub classe: Option<String>,
}

impl Bac {
    /// La date simulée : date réelle + décalage.
    pub fn date_simulee(&self, horloge: &Horloge) -> NaiveDate {
        decaler(horloge.aujourd_hui(), self.decalage_jours)
    }

    /// L'instant simulé : l'heure réelle, au jour simulé (les liens « valables 60 minutes »
    /// expirent donc aussi quand on avance l'horloge d'un jour).
    pub fn maintenant_simule(&self, horloge: &Horloge) -> chrono::NaiveDateTime {
        self.date_simulee(horloge).and_time(horloge.maintenant().time())
    }
}

fn decaler(date: NaiveDate, jours: i64) -> NaiveDate {
    if jours >= 0 {
        date.checked_add_days(Days::new(jours as u64)).unwrap_or(date)
    } else {
        date.checked_sub_days(Days::new(jours.unsigned_abs())).unwrap_or(date)
    }
}

/// Ce que la réinitialisation restaure. Aujourd'hui : la pratique libre (une structure
/// fournisseur prête à facturer, aucune facture, horloge au jour réel).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PointDepart {
    PratiqueLibre,
    /// Un apprenant qui a créé son compte lui-même : pas de structure au départ, il la crée.
    Autonome,
    /// Le bac d'un stagiaire de classe qui commence par créer son compte : la réinitialisation
    /// efface aussi les comptes et les structures créés depuis.
    CreationDuCompte,
}

/// La structure fournisseur d'un bac à sable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StructureFournisseur {
    pub id: String,
    pub identifiant: String,
    pub raison_sociale: String,
    pub adresse: String,
    pub code_postal: String,
    pub ville: String,
}

impl StructureFournisseur {
    /// Lit `id, identifiant, raison_sociale, adresse, code_postal, ville`, dans cet ordre.
    pub fn depuis_ligne(r: &rusqlite::Row<'_>) -> rusqlite::Result<StructureFournisseur> {
        Ok(StructureFournisseur {
            id: r.get(0)?,
            identifiant: r.get(1)?,
            raison_sociale: r.get(2)?,
            adresse: r.get(3)?,
            code_postal: r.get(4)?,
            ville: r.get(5)?,
        })
    }
}

/// Crée un bac à sable de pratique libre : la structure de l'entreprise et un utilisateur.
// Les arguments d'un cas d'usage : les regrouper dans une structure n'ajouterait rien.
pub fn creer_pratique_libre(
    c: &Connection,
    libelle: &str,
    entreprise: &Entreprise,
    compte: &compte::NouveauCompte<'_>,
    horloge: &Horloge,
) -> Resultat<(Bac, compte::Utilisateur)> {
    let id = Uuid::new_v4().to_string();
    let structure_id = inserer_pratique_libre(c, &id, libelle, entreprise, horloge)?;
    let utilisateur = compte::creer(
        c,
        &id,
        compte.email,
        compte.nom,
        compte.prenom,
        compte.mot_de_passe,
        Some(&structure_id),
    )?;
    c.execute(
        "INSERT INTO rattachement (utilisateur_id, structure_id, bac_id, role, statut)
         VALUES (?1, ?2, ?3, 'GESTIONNAIRE_PRINCIPAL', 'VALIDE')",
        params![utilisateur.id, structure_id, id],
    )?;
    // Le gestionnaire principal est abonné aux espaces ouverts à sa structure.
    crate::raccordement::initialiser_espaces(c, &id, &structure_id)?;
    Ok((
        Bac {
            id,
            libelle: libelle.to_string(),
            decalage_jours: 0,
            double_authentification: true,
            classe: None,
        },
        utilisateur,
    ))
}

/// Le bac `id` et la structure fournisseur de l'entreprise, prête à facturer (sans compte) ;
/// retourne l'identifiant de la structure.
pub fn inserer_pratique_libre(
    c: &Connection,
    id: &str,
    libelle: &str,
    entreprise: &Entreprise,
    horloge: &Horloge,
) -> Resultat<String> {
    let point_depart = serde_json::to_string(&PointDepart::PratiqueLibre)?;
    c.execute(
        "INSERT INTO bac (id, libelle, cree_le, decalage_jours, point_depart) VALUES (?1, ?2, ?3, 0, ?4)",
        params![id, libelle, horloge.maintenant(), point_depart],
    )?;
    let structure_id = Uuid::new_v4().to_string();
    c.execute(
        "INSERT INTO structure (id, bac_id, type_identifiant, identifiant, raison_sociale, adresse, code_postal, ville)
         VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6, ?7)",
        params![
            structure_id,
            id,
            entreprise.siret,
            entreprise.raison_sociale,
            entreprise.adresse,
            entreprise.code_postal,
            entreprise.ville
        ],
    )?;
    crate::raccordement::initialiser_espaces(c, id, &structure_id)?;
    Ok(structure_id)
}

/// Le bac à sable d'un apprenant qui crée son compte lui-même, sans formateur.
pub fn creer_autonome(c: &Connection, horloge: &Horloge) -> Resultat<Bac> {
    creer_vide(c, "Entraînement en autonomie", &PointDepart::Autonome, horloge)
}

/// Un bac sans compte ni structure du stagiaire : il les crée lui-même.
pub fn creer_vide(c: &Connection, libelle: &str, depart: &PointDepart, horloge: &Horloge) -> Resultat<Bac> {
    let id = Uuid::new_v4().to_string();
    c.execute(
        "INSERT INTO bac (id, libelle, cree_le, decalage_jours, point_depart) VALUES (?1, ?2, ?3, 0, ?4)",
        params![id, libelle, horloge.maintenant(), serde_json::to_string(depart)?],
    )?;
    peupler_monde_simule(c, &id)?;
    Ok(Bac {
        id,
        libelle: libelle.to_string(),
        decalage_jours: 0,
        double_authentification: true,
        classe: None,
    })
}

/// Pour s'exercer au rattachement sans binôme : une entreprise déjà présente dans Chorus Pro,
/// dont le gestionnaire principal (simulé) répond aux demandes après quelques jours.
fn peupler_monde_simule(c: &Connection, bac_id: &str) -> Resultat<()> {
    if let Some(e) = crate::reference::entreprise(c, STRUCTURE_A_REJOINDRE)? {
        crate::rattachement::creer_structure_a_gestionnaire_simule(c, bac_id, &e, ("Marc", "Albouy"))?;
    }
    Ok(())
}

/// Efface tout ce que contient un bac (toutes les tables qui portent un `bac_id`, y compris
/// celles qu'ajouteront les versions suivantes), sauf la liste des stagiaires de classe.
fn vider(c: &Connection, bac_id: &str) -> Resultat<()> {
    let tables = c
        .prepare_cached(
            "SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
             WHERE m.type = 'table' AND p.name = 'bac_id' AND m.name <> 'participant'",
        )?
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    // Les clés étrangères entre ces tables sont vérifiées à la fin de la transaction, quand
    // plus rien du bac ne reste : l'ordre des suppressions n'importe donc pas.
    c.pragma_update(None, "defer_foreign_keys", true)?;
    for table in tables {
        c.execute(&format!("DELETE FROM \"{table}\" WHERE bac_id = ?1"), [bac_id])?;
    }
    Ok(())
}

/// SIRET de l'entreprise à rejoindre dans un bac d'entraînement en autonomie (MENUISERIE
/// ALBOUY SAS, registre fictif) : son gestionnaire principal est simulé.
pub const STRUCTURE_A_REJOINDRE: &str = "98049212800023";

pub fn bac(c: &Connection, id: &str) -> Resultat<Bac> {
    c.prepare_cached(
        "SELECT id, libelle, decalage_jours, double_authentification,
                (SELECT c.titre FROM participant p JOIN classe c ON c.id = p.classe_id WHERE p.bac_id = bac.id LIMIT 1)
         FROM bac WHERE id = ?1",
    )?
    .query_row([id], |r| {
        Ok(Bac {
            id: r.get(0)?,
            libelle: r.get(1)?,
            decalage_jours: r.get(2)?,
            double_authentification: r.get(3)?,
            classe: r.get(4)?,
        })
    })
        .optional()?
        .ok_or(Erreur::Introuvable("bac à sable"))
}

pub fn structure_fournisseur(c: &Connection, bac_id: &str, id: &str) -> Resultat<StructureFournisseur> {
    c.prepare_cached(
        "SELECT id, identifiant, raison_sociale, adresse, code_postal, ville
         FROM structure WHERE bac_id = ?1 AND id = ?2",
    )?
    .query_row([bac_id, id], StructureFournisseur::depuis_ligne)
    .optional()?
    .ok_or(Erreur::Introuvable("structure"))
}

/// Ramène le bac à son point de départ : plus de factures ni de journal, horloge au jour réel.
/// Les comptes et la structure du point de départ restent : le stagiaire reste connecté.
pub fn reinitialiser(c: &Connection, bac_id: &str) -> Resultat<()> {
    let point_depart: String = c
        .query_row("SELECT point_depart FROM bac WHERE id = ?1", [bac_id], |r| r.get(0))
        .optional()?
        .ok_or(Erreur::Introuvable("bac à sable"))?;
    match serde_json::from_str::<PointDepart>(&point_depart)? {
        // Les comptes et les structures restent (le stagiaire reste connecté) ; tout ce qui
        // s'est passé depuis s'efface.
        PointDepart::PratiqueLibre | PointDepart::Autonome => {
            effacer_l_activite(c, bac_id)?;
        }
        PointDepart::CreationDuCompte => {
            vider(c, bac_id)?;
            peupler_monde_simule(c, bac_id)?;
        }
    }
    c.execute("UPDATE bac SET decalage_jours = 0 WHERE id = ?1", [bac_id])?;
    Ok(())
}

/// Efface ce qui s'est passé dans le bac (factures, pièces, journal, messages, liens à usage
/// unique) sans toucher aux comptes ni aux structures : le stagiaire reste connecté.
pub(crate) fn effacer_l_activite(c: &Connection, bac_id: &str) -> Resultat<()> {
    for table in
        ["journal", "piece_jointe", "facture", "message", "jeton", "scenario_reponse", "scenario_indice"]
    {
        c.execute(&format!("DELETE FROM {table} WHERE bac_id = ?1"), [bac_id])?;
    }
    Ok(())
}

/// Avance l'horloge du bac de `jours` et fait jouer, dans l'ordre des dates, tout ce que les
/// parties simulées avaient à faire d'ici là. Retourne la nouvelle date simulée.
pub fn avancer(c: &Connection, bac_id: &str, jours: u32, horloge: &Horloge) -> Resultat<NaiveDate> {
    if jours == 0 || jours > AVANCE_MAX_JOURS {
        return Err(Erreur::Invalide(format!(
            "Le nombre de jours doit être compris entre 1 et {AVANCE_MAX_JOURS}."
        )));
    }
    let avant = bac(c, bac_id)?;
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
                coalesce(json_extract(f.saisie, '$.type_facture'), '') = 'AVOIR'
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
                r.get::<_, bool>(9)?,
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
                avoir,
            )| {
                Some(EnCours {
                    id,
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
                let nouveau =
                    statut::transition(Some(f.statut), Action::Traiter(etape.statut), etape.acteur, &ctx)?;
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

/// Active ou désactive la double authentification (code reçu dans la messagerie) pour les
/// comptes de ce bac à sable.
pub fn regler_double_authentification(c: &Connection, bac_id: &str, active: bool) -> Resultat<()> {
    let n =
        c.execute("UPDATE bac SET double_authentification = ?2 WHERE id = ?1", params![bac_id, active])?;
    if n == 0 {
        return Err(Erreur::Introuvable("bac à sable"));
    }
    Ok(())
}
