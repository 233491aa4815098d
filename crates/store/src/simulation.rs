//! Les cas d'usage de l'API de simulation, qui sert aux formateurs à préparer et piloter des
//! bacs à sable depuis un script. Rien de neuf ici : un bac se crée comme un stagiaire rejoint
//! une classe en pratique libre ([`classe::rejoindre`]), une facture se dépose comme la saisie
//! du portail ([`facture::saisir`]). Ce module ajoute ce que l'API seule demande : la classe où
//! ranger les bacs qu'on lui demande, l'accès d'un formateur à ses seuls bacs, et les totaux
//! déclarés du service `soumettre`.

use chorus_domain::classe::{Depart, DescriptionClasse, STAGIAIRES_MAX};
use chorus_domain::saisie::{self, MontantsDeclares, SaisieBrute};
use chorus_domain::{Anomalie, Statut};
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};

use crate::bac::{self, Bac, StructureFournisseur};
use crate::classe::{self, Arrivee, Classe};
use crate::erreur::{Erreur, Resultat};
use crate::facture::{self, Envoi, Issue};
use crate::horloge::Horloge;
use crate::piece_jointe::ModeDepot;

/// L'intitulé de la classe créée pour ranger les bacs demandés à l'API sans code de classe.
pub const TITRE_CLASSE_API: &str = "Bacs à sable créés par l'API";

/// Un bac à sable créé pour l'API : le stagiaire arrivé dans la classe, sa structure et la
/// date simulée de départ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BacCree {
    pub arrivee: Arrivee,
    pub structure: StructureFournisseur,
    pub identifiant: String,
    pub mot_de_passe: String,
    pub date_simulee: NaiveDate,
}

/// La classe « API » du formateur qui a encore de la place, créée au besoin (aujourd'hui, une
/// journée, pratique libre).
fn classe_api(c: &Connection, formateur_id: &str, horloge: &Horloge) -> Resultat<Classe> {
    let libre: Option<String> = c
        .prepare_cached(
            "SELECT id FROM classe c WHERE formateur_id = ?1 AND pour_api = 1
               AND (SELECT count(*) FROM participant p WHERE p.classe_id = c.id) < ?2
             ORDER BY cree_le DESC LIMIT 1",
        )?
        .query_row(params![formateur_id, STAGIAIRES_MAX as i64], |r| r.get(0))
        .optional()?;
    if let Some(id) = libre {
        return classe::charger(c, formateur_id, &id);
    }
    let aujourd_hui = horloge.aujourd_hui();
    let d = DescriptionClasse {
        titre: TITRE_CLASSE_API.into(),
        date_debut: aujourd_hui,
        date_fin: aujourd_hui,
        demi_journees: 2,
        lieu: String::new(),
        organisme: String::new(),
        depart: Depart::PratiqueLibre,
    };
    let cree = classe::creer(c, formateur_id, &d, horloge)?;
    c.execute("UPDATE classe SET pour_api = 1 WHERE id = ?1", [&cree.id])?;
    Ok(cree)
}

/// Un bac à sable de pratique libre pour `stagiaire`, dans la classe de code `code_classe` du
/// formateur, ou à défaut dans sa classe « API ». La classe d'un autre formateur est
/// introuvable ; une classe où chacun crée son compte ne donne pas de structure prête à
/// facturer, elle est refusée.
pub fn creer_bac(
    c: &Connection,
    formateur_id: &str,
    code_classe: Option<&str>,
    stagiaire: &str,
    horloge: &Horloge,
) -> Resultat<BacCree> {
    let classe = match code_classe.map(str::trim).filter(|s| !s.is_empty()) {
        Some(code) => {
            let code = chorus_domain::classe::normaliser_code(code).ok_or(Erreur::Introuvable("classe"))?;
            let classe = classe::par_code(c, &code)?
                .filter(|k| k.formateur_id == formateur_id)
                .ok_or(Erreur::Introuvable("classe"))?;
            if classe.depart != Depart::PratiqueLibre {
                return Err(Erreur::Domaine(chorus_domain::Erreur::Transition(format!(
                    "La classe {} commence par la création du compte : ses bacs à sable n'ont pas de \
                     structure prête à facturer. Choisissez une classe en pratique libre, ou ne donnez \
                     pas de code de classe.",
                    classe.code
                ))));
            }
            classe
        }
        None => classe_api(c, formateur_id, horloge)?,
    };
    let arrivee = classe::rejoindre(c, &classe.code, stagiaire, None, horloge)?;
    let (utilisateur, mot_de_passe) =
        arrivee.compte.clone().ok_or(Erreur::Introuvable("compte du stagiaire"))?;
    let structure = structure_du_bac(c, &arrivee.bac_id, None)?.ok_or(Erreur::Introuvable("structure"))?;
    let date_simulee = bac::bac(c, &arrivee.bac_id)?.date_simulee(horloge);
    Ok(BacCree { arrivee, structure, identifiant: utilisateur.email, mot_de_passe, date_simulee })
}

/// Le bac à sable `bac_id`, s'il est celui d'un stagiaire d'une classe du formateur ; sinon
/// « introuvable », qu'il existe ailleurs ou non.
pub fn bac_du_formateur(c: &Connection, formateur_id: &str, bac_id: &str) -> Resultat<Bac> {
    if classe::stagiaires_du_bac(c, formateur_id, bac_id)?.is_none() {
        return Err(Erreur::Introuvable("bac à sable"));
    }
    bac::bac(c, bac_id)
}

/// La structure fournisseur du bac dont l'identifiant (SIRET) est `identifiant` ; sans
/// identifiant, celle du point de départ (la première créée).
pub fn structure_du_bac(
    c: &Connection,
    bac_id: &str,
    identifiant: Option<&str>,
) -> Resultat<Option<StructureFournisseur>> {
    Ok(c.prepare_cached(
        "SELECT id, identifiant, raison_sociale, adresse, code_postal, ville FROM structure
         WHERE bac_id = ?1 AND (?2 IS NULL OR identifiant = ?2) ORDER BY rowid LIMIT 1",
    )?
    .query_row(params![bac_id, identifiant], StructureFournisseur::depuis_ligne)
    .optional()?)
}

/// La structure qui dépose, désignée par le champ `idFournisseur` de l'API (son SIRET ; absent :
/// celle du point de départ) ; un identifiant inconnu du bac est refusé en le nommant.
pub fn structure_deposante(
    c: &Connection,
    bac_id: &str,
    id_fournisseur: Option<&str>,
) -> Resultat<StructureFournisseur> {
    structure_du_bac(c, bac_id, id_fournisseur)?.ok_or_else(|| {
        Erreur::Invalide(format!(
            "« idFournisseur » : aucune structure de ce bac à sable n'a l'identifiant « {} »",
            id_fournisseur.unwrap_or_default()
        ))
    })
}

/// Ce que l'API dit d'un bac à sable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Synthese {
    pub bac: Bac,
    pub date_simulee: NaiveDate,
    pub classe: Classe,
    pub stagiaires: Vec<String>,
    pub structure: Option<StructureFournisseur>,
    pub par_statut: Vec<(Statut, usize)>,
    /// Factures à recycler, suspendues, ou rejetées au rejet non traité.
    pub a_reprendre: usize,
}

pub fn synthese(c: &Connection, formateur_id: &str, bac_id: &str, horloge: &Horloge) -> Resultat<Synthese> {
    let bac = bac_du_formateur(c, formateur_id, bac_id)?;
    let (classe_id, stagiaires): (String, String) = c.query_row(
        "SELECT min(p.classe_id), group_concat(p.nom, char(10)) FROM participant p
         JOIN classe k ON k.id = p.classe_id WHERE p.bac_id = ?1 AND k.formateur_id = ?2",
        [bac_id, formateur_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let classe = classe::charger(c, formateur_id, &classe_id)?;
    let structure = structure_du_bac(c, bac_id, None)?;
    let a_reprendre = match &structure {
        Some(s) => crate::suivi::a_reprendre(c, bac_id, &s.id)?,
        None => 0,
    };
    let mut par_statut = facture::compter_par_statut(c, bac_id)?;
    par_statut.sort_by_key(|(s, _)| Statut::TOUS.iter().position(|t| t == s));
    Ok(Synthese {
        date_simulee: bac.date_simulee(horloge),
        bac,
        classe,
        stagiaires: stagiaires.lines().map(str::to_string).collect(),
        structure,
        par_statut,
        a_reprendre,
    })
}

/// Le service `soumettre` : la saisie passe tous les contrôles de « Valider et envoyer », et
/// les totaux déclarés doivent être ceux des lignes. La facture acceptée est déposée puis
/// acheminée comme une saisie du portail, avec le mode de dépôt `SAISIE_API`.
pub fn soumettre(
    c: &Connection,
    bac_id: &str,
    structure_id: &str,
    brut: &SaisieBrute,
    declares: &MontantsDeclares,
    horloge: &Horloge,
) -> Resultat<Issue> {
    let totaux_faux: Vec<Anomalie> = match saisie::analyser(brut) {
        Ok(f) => saisie::controler_montants_declares(declares, &f.totaux()),
        Err(_) => Vec::new(),
    };
    if !totaux_faux.is_empty() {
        // Toutes les anomalies d'un coup, comme le portail : celles de la saisie aussi.
        let mut anomalies = match facture::previsualiser_envoi(c, bac_id, structure_id, None, brut, horloge)?
        {
            Ok(_) => Vec::new(),
            Err(a) => a,
        };
        let codes: Vec<&str> = totaux_faux.iter().map(|a| a.code).collect();
        facture::tracer_codes(c, &bac::bac(c, bac_id)?, &codes, None, horloge)?;
        anomalies.extend(totaux_faux);
        return Ok(Issue::Refusee(anomalies));
    }
    let issue = facture::saisir(c, bac_id, structure_id, None, brut, Envoi::ValiderEtEnvoyer, horloge)?;
    if let Issue::Acceptee(id) = &issue {
        crate::piece_jointe::noter_mode_depot(c, bac_id, id, ModeDepot::SaisieApi)?;
    }
    Ok(issue)
}
