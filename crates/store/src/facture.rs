//! Les factures d'un bac à sable : saisie, envoi, acheminement, lecture, changement de statut.

use chorus_domain::circuit::{self, Circuit};
use chorus_domain::facture::Facture;
use chorus_domain::montants::Totaux;
use chorus_domain::saisie::{self, DestinataireConnu, SaisieBrute};
use chorus_domain::statut::{Acteur, Action, Contexte};
use chorus_domain::validation::{self, ValideurConnu, VerificationValideur};
use chorus_domain::{Anomalie, Statut};
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::bac::{self, Bac, StructureFournisseur};
use crate::erreur::{Erreur, Resultat};
use crate::horloge::Horloge;
use crate::journal::{self, evenement};
use crate::reference;

/// Taille d'une page de la liste « Factures émises ».
pub const PAR_PAGE: usize = 50;

/// « Enregistrer » (brouillon) ou « Valider et envoyer ».
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Envoi {
    Enregistrer,
    ValiderEtEnvoyer,
}

/// Ce que devient une saisie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Issue {
    /// La facture existe (brouillon ou envoyée) : son identifiant.
    Acceptee(String),
    /// Le formulaire revient avec ses anomalies ; rien n'est enregistré sauf leur trace au journal.
    Refusee(Vec<Anomalie>),
}

/// Comment une facture est arrivée dans le portail (codes `modeDepot` de l'API).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModeDepot {
    SaisiePortail,
    DepotPdfPortail,
    /// Déposée par l'API de simulation (service `soumettre`).
    SaisieApi,
    /// Saisie par l'API, avec le PDF de la facture envoyé par `ajouter/fichier`
    /// (`soumettre`, `modeDepot` DEPOT_PDF_API).
    DepotPdfApi,
    /// Intégrée d'un flux (Factur-X, UBL, CII) déposé sur le portail.
    UploadPortail,
    /// Intégrée d'un flux déposé par l'API (`deposer/flux`).
    UploadApi,
}

impl ModeDepot {
    pub fn code(self) -> &'static str {
        match self {
            ModeDepot::SaisiePortail => "SAISIE_PORTAIL",
            ModeDepot::DepotPdfPortail => "DEPOT_PDF_PORTAIL",
            ModeDepot::SaisieApi => "SAISIE_API",
            ModeDepot::DepotPdfApi => "DEPOT_PDF_API",
            ModeDepot::UploadPortail => "UPLOAD_PORTAIL",
            ModeDepot::UploadApi => "UPLOAD_API",
        }
    }

    /// Le libellé court montré sur la page de la facture.
    pub fn libelle(self) -> &'static str {
        match self {
            ModeDepot::SaisiePortail => "Saisie",
            ModeDepot::DepotPdfPortail => "Dépôt PDF",
            ModeDepot::SaisieApi => "Saisie par l'API",
            ModeDepot::DepotPdfApi => "Dépôt PDF par l'API",
            ModeDepot::UploadPortail => "Dépôt d'un flux sur le portail",
            ModeDepot::UploadApi => "Dépôt d'un flux par l'API",
        }
    }

    pub(crate) fn depuis_code(code: &str) -> ModeDepot {
        match code {
            "DEPOT_PDF_PORTAIL" => ModeDepot::DepotPdfPortail,
            "SAISIE_API" => ModeDepot::SaisieApi,
            "DEPOT_PDF_API" => ModeDepot::DepotPdfApi,
            "UPLOAD_PORTAIL" => ModeDepot::UploadPortail,
            "UPLOAD_API" => ModeDepot::UploadApi,
            _ => ModeDepot::SaisiePortail,
        }
    }
}

/// Une facture stockée, telle qu'on l'affiche.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactureStockee {
    pub id: String,
    pub structure_id: String,
    pub statut: Statut,
    pub facture: Facture,
    pub raison_sociale_destinataire: String,
    pub date_depot: Option<NaiveDate>,
    pub date_mise_a_disposition: Option<NaiveDate>,
    pub date_statut: NaiveDate,
    pub deja_suspendue: bool,
    /// Le second valideur, désigné par le premier (sous-traitant d'un cotraitant).
    pub valideur_2: Option<String>,
    /// Travaux : la maîtrise d'œuvre désignée au dépôt.
    pub moe: Option<String>,
    /// Travaux : le montant HT admis par la maîtrise d'œuvre (ou le maître d'ouvrage).
    pub montant_admis_ht: Option<Decimal>,
    /// Comment elle est arrivée dans le portail (saisie, dépôt PDF, flux, API).
    pub mode_depot: ModeDepot,
    /// « Traiter le rejet » a été fait, à cette date simulée.
    pub rejet_traite_le: Option<NaiveDate>,
}

impl FactureStockee {
    pub fn totaux(&self) -> Totaux {
        self.facture.totaux()
    }

    /// Ce que l'acheteur doit payer : le montant admis d'une pièce de travaux (TTC, à la TVA du
    /// projet de décompte), sinon le montant à payer de la facture.
    pub fn montant_a_payer(&self) -> Decimal {
        let t = self.totaux();
        match self.montant_admis_ht {
            Some(admis) => chorus_domain::travaux::ttc_admis(t.total_ht, t.total_ttc, admis),
            None => t.montant_a_payer,
        }
    }
}

/// Une ligne de la liste « Factures émises ».
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resume {
    pub id: String,
    pub numero: String,
    pub statut: Statut,
    pub destinataire: String,
    pub raison_sociale_destinataire: String,
    pub date_facture: NaiveDate,
    pub date_depot: Option<NaiveDate>,
    pub date_statut: NaiveDate,
    pub total_ttc: Decimal,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filtre {
    pub statut: Option<Statut>,
    /// Recherche dans le numéro de facture (contient).
    pub numero: Option<String>,
    /// À partir de 1.
    pub page: usize,
    /// Les dossiers de « Factures de travaux » au lieu des factures de « Factures émises ».
    pub travaux: bool,
}

pub(crate) fn numero_deja_utilise(
    c: &Connection,
    bac_id: &str,
    structure_id: &str,
    numero: &str,
    sauf: Option<&str>,
) -> Resultat<bool> {
    let n: i64 = c.prepare_cached(
        "SELECT count(*) FROM facture WHERE bac_id = ?1 AND structure_id = ?2 AND numero = ?3 AND id IS NOT ?4",
    )?
    .query_row(params![bac_id, structure_id, numero, sauf], |r| r.get(0))?;
    Ok(n > 0)
}

/// Trace au journal les anomalies rencontrées (matière du suivi du formateur et du débriefing).
pub(crate) fn tracer_anomalies(
    c: &Connection,
    bac: &Bac,
    anomalies: &[Anomalie],
    facture_id: Option<&str>,
    horloge: &Horloge,
) -> Resultat<()> {
    let codes: Vec<&str> = anomalies.iter().map(|a| a.code).collect();
    tracer_codes(c, bac, &codes, facture_id, horloge)
}

/// Une entrée `ANOMALIES` du journal avec ces codes (saisie refusée, fichier refusé).
pub(crate) fn tracer_codes(
    c: &Connection,
    bac: &Bac,
    codes: &[&str],
    facture_id: Option<&str>,
    horloge: &Horloge,
) -> Resultat<()> {
    journal::ajouter(
        c,
        journal::Nouvelle {
            bac_id: &bac.id,
            facture_id,
            evenement: evenement::ANOMALIES,
            statut: None,
            date_simulee: bac.date_simulee(horloge),
            horodatage: horloge.maintenant(),
            acteur: Acteur::Fournisseur.code(),
            commentaire: "",
            donnees: Some(serde_json::to_string(codes)?),
        },
    )?;
    Ok(())
}

/// Ce qu'une saisie donne avant le tour de l'écrivain : la facture analysée (ou ses anomalies
/// de forme) et son destinataire dans l'annuaire avec ses services. Ni l'une ni l'autre ne
/// dépend de ce que le bac à sable contient ; le serveur les prépare sur une connexion de
/// lecture, et l'écrivain ne fait plus que ce qui doit se lire et s'écrire ensemble (numéro
/// libre, valideur, enregistrement). Choix du simulateur : un annuaire réimporté pendant ces
/// quelques millisecondes compte comme s'il l'avait été juste après l'envoi.
pub struct Preparee {
    analyse: Result<Facture, Vec<Anomalie>>,
    destinataire: Option<DestinataireConnu>,
}

/// Prépare la saisie `brut` (voir [`Preparee`]).
pub fn preparer(c: &Connection, brut: &SaisieBrute) -> Resultat<Preparee> {
    let analyse = saisie::analyser(brut);
    let destinataire = match &analyse {
        Ok(f) => reference::destinataire(c, &f.destinataire)?,
        Err(_) => None,
    };
    Ok(Preparee { analyse, destinataire })
}

/// Les anomalies d'une saisie selon l'envoi demandé : un brouillon doit seulement être bien
/// formé (et garder un numéro libre) ; un envoi passe tous les contrôles de Chorus Pro.
fn verifier(
    c: &Connection,
    bac: &Bac,
    fournisseur: &StructureFournisseur,
    preparee: Preparee,
    envoi: Envoi,
    sauf: Option<&str>,
    horloge: &Horloge,
) -> Resultat<Result<Verifiee, Vec<Anomalie>>> {
    let structure_id = fournisseur.id.as_str();
    let Preparee { analyse, destinataire } = preparee;
    let facture = match analyse {
        Ok(f) => f,
        Err(anomalies) => return Ok(Err(anomalies)),
    };
    if let Some(a) = chorus_domain::travaux::anomalie_cadre_de_facture(facture.cadre) {
        return Ok(Err(vec![a]));
    }
    let deja = numero_deja_utilise(c, &bac.id, structure_id, &facture.numero, sauf)?;
    let mut anomalies = match envoi {
        Envoi::Enregistrer => {
            if deja {
                let ctx = saisie::Contexte {
                    destinataire: None,
                    numero_deja_utilise: true,
                    aujourd_hui: bac.date_simulee(horloge),
                };
                saisie::controler(&facture, &ctx)
                    .into_iter()
                    .filter(|a| a.code == "NUMERO_DEJA_UTILISE")
                    .collect()
            } else {
                Vec::new()
            }
        }
        Envoi::ValiderEtEnvoyer => {
            let ctx = saisie::Contexte {
                destinataire: destinataire.as_ref(),
                numero_deja_utilise: deja,
                aujourd_hui: bac.date_simulee(horloge),
            };
            let mut anomalies = saisie::controler(&facture, &ctx);
            if let Some(a) = anomalie_du_valideur(c, &facture, &fournisseur.identifiant)? {
                anomalies.push(a);
            }
            anomalies
        }
    };
    preciser_numero_rejete(c, &bac.id, structure_id, &facture.numero, &mut anomalies)?;
    if !anomalies.is_empty() {
        return Ok(Err(anomalies));
    }
    // Elle s'affiche dans la liste, brouillon compris.
    let raison_sociale = destinataire.map(|d| d.structure.raison_sociale).unwrap_or_default();
    Ok(Ok(Verifiee { facture, raison_sociale }))
}

/// Une facture qui a passé les contrôles, et le nom de son destinataire dans l'annuaire (vide
/// s'il n'y est pas).
struct Verifiee {
    facture: Facture,
    raison_sociale: String,
}

/// Le numéro est-il celui d'une facture rejetée de cette structure ? La saisie le refuse alors
/// avec un message qui dit pourquoi il faut un nouveau numéro.
fn numero_d_une_facture_rejetee(
    c: &Connection,
    bac_id: &str,
    structure_id: &str,
    numero: &str,
) -> Resultat<bool> {
    Ok(c.prepare_cached(
        "SELECT 1 FROM facture WHERE bac_id = ?1 AND structure_id = ?2 AND numero = ?3 AND statut = 'REJETEE'",
    )?
    .query_row([bac_id, structure_id, numero], |_| Ok(()))
    .optional()?
    .is_some())
}

/// Remplace, dans les anomalies d'une saisie, celle du numéro déjà utilisé par celle d'un
/// numéro de facture rejetée quand c'est le cas.
fn preciser_numero_rejete(
    c: &Connection,
    bac_id: &str,
    structure_id: &str,
    numero: &str,
    anomalies: &mut [Anomalie],
) -> Resultat<()> {
    let Some(a) = anomalies.iter_mut().find(|a| a.code == "NUMERO_DEJA_UTILISE") else {
        return Ok(());
    };
    if numero_d_une_facture_rejetee(c, bac_id, structure_id, numero)? {
        *a = chorus_domain::suites::anomalie_numero_de_facture_rejetee(numero);
    }
    Ok(())
}

/// Le valideur désigné, contrôlé avec le registre des entreprises (cadres A9 et A12).
pub(crate) fn anomalie_du_valideur(
    c: &Connection,
    facture: &Facture,
    fournisseur: &str,
) -> Resultat<Option<Anomalie>> {
    let connu = if facture.code_structure_valideur.is_empty() {
        None
    } else {
        reference::entreprise(c, &facture.code_structure_valideur)?
            .map(|e| ValideurConnu { raison_sociale: e.raison_sociale, active: e.active })
    };
    let v = VerificationValideur {
        cadre: facture.cadre,
        valideur: &facture.code_structure_valideur,
        code_service_valideur: &facture.code_service_valideur,
        connu: connu.as_ref(),
        fournisseur,
        destinataire: &facture.destinataire,
    };
    Ok(validation::controler_valideur(&v)
        .map(|(code, message)| Anomalie::champ("code_structure_valideur", code, message)))
}

/// Le statut de la facture `id` que la structure `structure_id` reprend : `Introuvable` si elle
/// n'est pas à cette structure (même dans le même bac à sable), plutôt que de ne rien modifier.
fn statut_du_brouillon(c: &Connection, bac_id: &str, structure_id: &str, id: &str) -> Resultat<Statut> {
    let f = charger(c, bac_id, id)?;
    if f.structure_id != structure_id {
        return Err(Erreur::Introuvable("facture"));
    }
    Ok(f.statut)
}

/// « Enregistrer » ou « Valider et envoyer » une facture saisie : nouvelle, ou brouillon
/// existant (`brouillon`) que le stagiaire a modifié.
pub fn saisir(
    c: &Connection,
    bac_id: &str,
    structure_id: &str,
    brouillon: Option<&str>,
    brut: &SaisieBrute,
    envoi: Envoi,
    horloge: &Horloge,
) -> Resultat<Issue> {
    let preparee = preparer(c, brut)?;
    let (bac, fournisseur) = bac::avec_structure(c, bac_id, structure_id)?;
    saisir_preparee(c, &bac, &fournisseur, brouillon, preparee, envoi, horloge)
}

/// [`saisir`], la saisie déjà préparée hors du tour de l'écrivain (voir [`Preparee`]), pour
/// un bac et une structure déjà lus — dans ce tour, ou par la requête sous une version des
/// identités qui n'a pas bougé depuis ([`crate::Store::identites_inchangees_depuis`]).
pub fn saisir_preparee(
    c: &Connection,
    bac: &Bac,
    fournisseur: &StructureFournisseur,
    brouillon: Option<&str>,
    preparee: Preparee,
    envoi: Envoi,
    horloge: &Horloge,
) -> Resultat<Issue> {
    let (bac_id, structure_id) = (bac.id.as_str(), fournisseur.id.as_str());
    let courant = match brouillon {
        Some(id) => Some(statut_du_brouillon(c, bac_id, structure_id, id)?),
        None => None,
    };
    let action = match envoi {
        Envoi::Enregistrer => Action::Enregistrer,
        Envoi::ValiderEtEnvoyer => Action::ValiderEtEnvoyer,
    };
    // Le brouillon peut-il encore être enregistré ou envoyé ? (La même règle dans tous les
    // circuits ; le statut d'arrivée, lui, dépend du cadre de la facture vérifiée.)
    circuit::transition(&circuit::CLASSIQUE, courant, action, Acteur::Fournisseur, &Contexte::default())?;
    let Verifiee { facture, raison_sociale } =
        match verifier(c, bac, fournisseur, preparee, envoi, brouillon, horloge)? {
            Ok(v) => v,
            Err(anomalies) => {
                tracer_anomalies(c, bac, &anomalies, brouillon, horloge)?;
                return Ok(Issue::Refusee(anomalies));
            }
        };
    let circuit = Circuit::de(facture.cadre);
    let statut = circuit::transition(circuit, courant, action, Acteur::Fournisseur, &Contexte::default())?;
    // Une facture nouvelle déposée est acheminée sur-le-champ : elle est écrite une seule fois,
    // à son statut d'arrivée, et l'historique garde chaque étape.
    let etapes = (brouillon.is_none() && statut == Statut::Deposee && !circuit.est_travaux())
        .then(|| etapes_d_acheminement(circuit))
        .transpose()?;
    let aujourd_hui = bac.date_simulee(horloge);
    // Un identifiant ordonné dans le temps (UUID v7) : les factures s'ajoutent au bout de leurs
    // index au lieu d'être semées au hasard, et un lot d'écritures touche peu de pages.
    let id = brouillon.map_or_else(|| Uuid::now_v7().to_string(), str::to_string);
    if brouillon.is_some() {
        let totaux = facture.totaux();
        c.prepare_cached(
            "UPDATE facture SET numero = ?4, statut = ?5, saisie = ?6, destinataire = ?7,
                 raison_sociale_destinataire = ?8, date_facture = ?9, date_statut = ?10, total_ht = ?11,
                 total_ttc = ?12, montant_a_payer = ?13, valideur_1 = ?14, service_valideur_1 = ?15
             WHERE id = ?1 AND bac_id = ?2 AND structure_id = ?3",
        )?
        .execute(params![
            id,
            bac_id,
            structure_id,
            facture.numero,
            statut.code(),
            serde_json::to_string(&facture)?,
            facture.destinataire,
            raison_sociale,
            facture.date_facture,
            aujourd_hui,
            totaux.total_ht.to_string(),
            totaux.total_ttc.to_string(),
            totaux.montant_a_payer.to_string(),
            Some(facture.code_structure_valideur.as_str()).filter(|v| !v.is_empty()),
            Some(facture.code_service_valideur.as_str()).filter(|v| !v.is_empty()),
        ])?;
    } else {
        let enregistre = etapes.map_or(statut, |(_, arrivee)| arrivee);
        let nouvelle = Nouvelle {
            id: &id,
            structure_id,
            statut: enregistre,
            facture: &facture,
            date: aujourd_hui,
            moe: None,
        };
        inserer(c, bac_id, &nouvelle, &raison_sociale)?;
    }
    // Un brouillon ré-enregistré ne change pas de statut : rien de nouveau dans l'historique.
    // Une facture acheminée dès son dépôt y inscrit ses trois étapes d'un coup.
    let horodatage = horloge.maintenant();
    let entree = |statut: Statut, acteur: Acteur| journal::Nouvelle {
        bac_id,
        facture_id: Some(&id),
        evenement: evenement::STATUT,
        statut: Some(statut),
        date_simulee: aujourd_hui,
        horodatage,
        acteur: acteur.code(),
        commentaire: "",
        donnees: None,
    };
    let entrees: Vec<journal::Nouvelle<'_>> = (courant != Some(statut))
        .then(|| entree(statut, Acteur::Fournisseur))
        .into_iter()
        .chain(etapes.into_iter().flat_map(|(en_cours, arrivee)| {
            [entree(en_cours, Acteur::Systeme), entree(arrivee, Acteur::Systeme)]
        }))
        .collect();
    if !entrees.is_empty() {
        journal::ajouter_ensemble(c, &entrees)?;
    }
    if brouillon.is_some() && statut.est_transmise() {
        // Le dépôt d'un brouillon : sa date fait foi, et fait partir les 15 jours du valideur
        // (A9, A12). Une facture nouvelle l'a reçue à son enregistrement.
        c.prepare_cached("UPDATE facture SET date_depot = ?3 WHERE id = ?1 AND bac_id = ?2")?
            .execute(params![id, bac_id, aujourd_hui])?;
    }
    match (statut, etapes) {
        (Statut::Deposee, Some(_)) => {}
        (Statut::Deposee, None) => acheminer(c, bac_id, &id, circuit, aujourd_hui, horloge)?,
        (Statut::AValider1, _) => {
            let moment = bac.maintenant_simule(horloge);
            crate::notification::facture_a_valider(c, bac_id, &id, &facture.code_structure_valideur, moment)?;
        }
        _ => {}
    }
    Ok(Issue::Acceptee(id))
}

/// Une facture vérifiée, à enregistrer sous l'identifiant `id`.
pub(crate) struct Nouvelle<'a> {
    pub id: &'a str,
    pub structure_id: &'a str,
    pub statut: Statut,
    pub facture: &'a Facture,
    pub date: NaiveDate,
    /// Une pièce de travaux : la maîtrise d'œuvre désignée.
    pub moe: Option<&'a str>,
}

/// Enregistre une facture nouvelle (ou le projet de décompte d'un dossier de travaux), à la
/// suite des autres du bac.
pub(crate) fn inserer(c: &Connection, bac_id: &str, n: &Nouvelle<'_>, raison_sociale: &str) -> Resultat<()> {
    let f = n.facture;
    let totaux = f.totaux();
    c.prepare_cached(
        "INSERT INTO facture (id, bac_id, structure_id, numero, statut, saisie, destinataire,
             raison_sociale_destinataire, date_facture, date_statut, total_ht, total_ttc, montant_a_payer,
             valideur_1, service_valideur_1, travaux, moe, date_depot, date_mise_a_disposition, ordre)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,
                 (SELECT coalesce(max(ordre), 0) + 1 FROM facture WHERE bac_id = ?2))",
    )?
    .execute(params![
        n.id,
        bac_id,
        n.structure_id,
        f.numero,
        n.statut.code(),
        serde_json::to_string(f)?,
        f.destinataire,
        raison_sociale,
        f.date_facture,
        n.date,
        totaux.total_ht.to_string(),
        totaux.total_ttc.to_string(),
        totaux.montant_a_payer.to_string(),
        Some(f.code_structure_valideur.as_str()).filter(|v| !v.is_empty()),
        Some(f.code_service_valideur.as_str()).filter(|v| !v.is_empty()),
        f.cadre.est_travaux(),
        n.moe,
        // Déposée dès son enregistrement : la date du dépôt fait foi (et fait partir les 15 jours
        // du valideur, A9, A12).
        n.statut.est_transmise().then_some(n.date),
        // Écrite directement à son arrivée : la date de mise à disposition, comme
        // [`changer_statut`] l'aurait posée.
        (n.statut == Statut::MiseADisposition).then_some(n.date),
    ])?;
    Ok(())
}

/// Le premier temps de « Valider et envoyer » : tous les contrôles, sans rien enregistrer
/// d'autre que la trace des anomalies ; la facture vérifiée sert à l'écran de confirmation.
pub fn previsualiser_envoi(
    c: &Connection,
    bac_id: &str,
    structure_id: &str,
    brouillon: Option<&str>,
    brut: &SaisieBrute,
    horloge: &Horloge,
) -> Resultat<Result<Facture, Vec<Anomalie>>> {
    let bac = bac::bac(c, bac_id)?;
    let fournisseur = bac::structure_fournisseur(c, bac_id, structure_id)?;
    if let Some(id) = brouillon {
        let statut = statut_du_brouillon(c, bac_id, structure_id, id)?;
        circuit::transition(
            &circuit::CLASSIQUE,
            Some(statut),
            Action::ValiderEtEnvoyer,
            Acteur::Fournisseur,
            &Contexte::default(),
        )?;
    }
    let preparee = preparer(c, brut)?;
    let resultat = verifier(c, &bac, &fournisseur, preparee, Envoi::ValiderEtEnvoyer, brouillon, horloge)?
        .map(|v| v.facture);
    if let Err(anomalies) = &resultat {
        tracer_anomalies(c, &bac, anomalies, brouillon, horloge)?;
    }
    Ok(resultat)
}

/// « Valider et envoyer » un brouillon tel qu'il a été enregistré : il passe alors tous les
/// contrôles.
pub fn envoyer_brouillon(
    c: &Connection,
    bac_id: &str,
    facture_id: &str,
    horloge: &Horloge,
) -> Resultat<Issue> {
    let f = charger(c, bac_id, facture_id)?;
    saisir(
        c,
        bac_id,
        &f.structure_id,
        Some(facture_id),
        &saisie_de(&f.facture),
        Envoi::ValiderEtEnvoyer,
        horloge,
    )
}

/// Ce qu'il faudrait taper pour obtenir cette facture : sert à re-contrôler un brouillon et à
/// pré-remplir le formulaire.
pub fn saisie_de(f: &Facture) -> SaisieBrute {
    use chorus_domain::saisie::LigneBrute;
    SaisieBrute {
        numero: f.numero.clone(),
        date_facture: f.date_facture.to_string(),
        type_facture: f.type_facture.code().to_string(),
        cadre: f.cadre.code().to_string(),
        destinataire: f.destinataire.clone(),
        code_service: f.code_service.clone(),
        numero_engagement: f.numero_engagement.clone(),
        numero_marche: f.numero_marche.clone(),
        mode_paiement: f.mode_paiement.code().to_string(),
        type_tva: f.type_tva.code().to_string(),
        motif_exoneration: f.motif_exoneration.clone(),
        numero_facture_origine: f.numero_facture_origine.clone(),
        commentaire: f.commentaire.clone(),
        code_structure_valideur: f.code_structure_valideur.clone(),
        code_service_valideur: f.code_service_valideur.clone(),
        lignes: f
            .lignes
            .iter()
            .map(|l| LigneBrute {
                reference: l.reference.clone(),
                designation: l.designation.clone(),
                quantite: l.quantite.normalize().to_string(),
                unite: l.unite.clone(),
                prix_unitaire_ht: l.prix_unitaire_ht.normalize().to_string(),
                remise_ht: if l.remise_ht.is_zero() {
                    String::new()
                } else {
                    l.remise_ht.normalize().to_string()
                },
                taux_tva: l.taux_tva.libelle().to_string(),
            })
            .collect(),
    }
}

/// Chorus Pro achemine la facture déposée et la met à disposition du destinataire, le jour
/// même (dans le vrai portail, quelques minutes après le dépôt) ; une pièce de travaux, à sa
/// maîtrise d'œuvre, qui est prévenue.
pub(crate) fn acheminer(
    c: &Connection,
    bac_id: &str,
    facture_id: &str,
    circuit: &Circuit,
    date: NaiveDate,
    horloge: &Horloge,
) -> Resultat<()> {
    if circuit.est_travaux() {
        let ctx = Contexte::default();
        let statut =
            circuit::transition(circuit, Some(Statut::Deposee), Action::Acheminer, Acteur::Systeme, &ctx)?;
        let ch = Changement { statut, acteur: Acteur::Systeme, date, commentaire: "" };
        changer_statut(c, bac_id, facture_id, ch, horloge)?;
        let moment = date.and_time(horloge.maintenant().time());
        return crate::notification::piece_a_traiter_par_la_moe(c, bac_id, facture_id, moment);
    }
    // L'acheminement passe par EN_COURS_ACHEMINEMENT, que l'historique garde ; la facture, elle,
    // n'est réécrite qu'une fois, à son statut d'arrivée.
    let (en_cours, arrivee) = etapes_d_acheminement(circuit)?;
    let ch = Changement { statut: en_cours, acteur: Acteur::Systeme, date, commentaire: "" };
    journaliser_statut(c, bac_id, facture_id, ch, horloge)?;
    let ch = Changement { statut: arrivee, acteur: Acteur::Systeme, date, commentaire: "" };
    changer_statut(c, bac_id, facture_id, ch, horloge)?;
    Ok(())
}

/// Les deux étapes de l'acheminement d'une facture déposée (hors travaux) : en cours
/// d'acheminement, puis son statut d'arrivée (mise à disposition du destinataire, ou du valideur).
fn etapes_d_acheminement(circuit: &Circuit) -> Resultat<(Statut, Statut)> {
    let ctx = Contexte::default();
    let en_cours =
        circuit::transition(circuit, Some(Statut::Deposee), Action::Acheminer, Acteur::Systeme, &ctx)?;
    let arrivee =
        circuit::transition(circuit, Some(en_cours), Action::MettreADisposition, Acteur::Systeme, &ctx)?;
    Ok((en_cours, arrivee))
}

// Les arguments d'un cas d'usage : les regrouper dans une structure n'ajouterait rien.
/// Un changement de statut déjà accepté par le domaine, prêt à être enregistré.
#[derive(Debug, Clone, Copy)]
pub struct Changement<'a> {
    pub statut: Statut,
    pub acteur: Acteur,
    /// Date simulée du changement.
    pub date: NaiveDate,
    pub commentaire: &'a str,
}

pub(crate) fn journaliser_statut(
    c: &Connection,
    bac_id: &str,
    facture_id: &str,
    ch: Changement<'_>,
    horloge: &Horloge,
) -> Resultat<i64> {
    let Changement { statut, acteur, date, commentaire } = ch;
    journal::ajouter(
        c,
        journal::Nouvelle {
            bac_id,
            facture_id: Some(facture_id),
            evenement: evenement::STATUT,
            statut: Some(statut),
            date_simulee: date,
            horodatage: horloge.maintenant(),
            acteur: acteur.code(),
            commentaire,
            donnees: None,
        },
    )
}

/// Enregistre un changement de statut déjà accepté par le domaine : l'entrée du journal et la
/// projection sur la facture (dates de dépôt et de mise à disposition comprises). Retourne
/// l'entrée du journal, que l'appelant peut annoter ([`journal::annoter`]).
// Les arguments d'un cas d'usage : les regrouper dans une structure n'ajouterait rien.
pub fn changer_statut(
    c: &Connection,
    bac_id: &str,
    facture_id: &str,
    ch: Changement<'_>,
    horloge: &Horloge,
) -> Resultat<i64> {
    let (statut, date) = (ch.statut, ch.date);
    let n = c
        .prepare_cached(
            "UPDATE facture SET statut = ?3, date_statut = ?4,
                date_depot = CASE WHEN ?3 = 'DEPOSEE' AND date_depot IS NULL THEN ?4 ELSE date_depot END,
                date_mise_a_disposition = CASE WHEN ?3 = 'MISE_A_DISPOSITION' AND date_mise_a_disposition IS NULL
                                               THEN ?4 ELSE date_mise_a_disposition END,
                deja_suspendue = deja_suspendue OR ?3 = 'SUSPENDUE'
             WHERE bac_id = ?1 AND id = ?2",
        )?
        .execute(params![bac_id, facture_id, statut.code(), date])?;
    if n == 0 {
        return Err(Erreur::Introuvable("facture"));
    }
    journaliser_statut(c, bac_id, facture_id, ch, horloge)
}

/// Une facture du bac à sable ; `Introuvable` pour un identifiant d'un autre bac ou inventé.
pub fn charger(c: &Connection, bac_id: &str, id: &str) -> Resultat<FactureStockee> {
    let ligne = c
        .prepare_cached(
            "SELECT id, structure_id, statut, saisie, raison_sociale_destinataire, date_depot,
                    date_mise_a_disposition, date_statut, deja_suspendue, valideur_2, moe, montant_admis_ht,
                    mode_depot, rejet_traite_le
             FROM facture WHERE bac_id = ?1 AND id = ?2",
        )?
        .query_row([bac_id, id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                crate::colonne::date_ou_rien(r, 5)?,
                crate::colonne::date_ou_rien(r, 6)?,
                crate::colonne::date(r, 7)?,
                (r.get::<_, bool>(8)?, r.get::<_, Option<String>>(9)?),
                (r.get::<_, Option<String>>(10)?, r.get::<_, Option<String>>(11)?),
                (r.get::<_, String>(12)?, crate::colonne::date_ou_rien(r, 13)?),
            ))
        })
        .optional()?
        .ok_or(Erreur::Introuvable("facture"))?;
    let (
        id,
        structure_id,
        statut,
        saisie,
        raison_sociale,
        depot,
        mad,
        date_statut,
        (deja_suspendue, valideur_2),
        (moe, admis),
        (mode_depot, rejet_traite_le),
    ) = ligne;
    Ok(FactureStockee {
        id,
        structure_id,
        statut: Statut::depuis_code(&statut)?,
        facture: serde_json::from_str(&saisie)?,
        raison_sociale_destinataire: raison_sociale,
        date_depot: depot,
        date_mise_a_disposition: mad,
        date_statut,
        deja_suspendue,
        valideur_2,
        moe,
        montant_admis_ht: admis.and_then(|m| m.parse().ok()),
        mode_depot: ModeDepot::depuis_code(&mode_depot),
        rejet_traite_le,
    })
}

/// La liste « Factures émises », la plus récente d'abord ; et le nombre total de résultats.
pub fn lister(c: &Connection, bac_id: &str, filtre: &Filtre) -> Resultat<(Vec<Resume>, usize)> {
    lister_pour(c, bac_id, None, filtre)
}

/// La liste « Factures émises » d'une structure du bac (toutes si `structure_id` est None).
pub fn lister_pour(
    c: &Connection,
    bac_id: &str,
    structure_id: Option<&str>,
    filtre: &Filtre,
) -> Resultat<(Vec<Resume>, usize)> {
    let statut = filtre.statut.map(Statut::code);
    let numero = filtre.numero.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(|s| {
        let mut m = String::from("%");
        for ch in s.chars() {
            if matches!(ch, '%' | '_' | '\\') {
                m.push('\\');
            }
            m.push(ch);
        }
        m.push('%');
        m
    });
    let total: i64 = c
        .prepare_cached(
            "SELECT count(*) FROM facture WHERE bac_id = ?1 AND (?4 IS NULL OR structure_id = ?4)
             AND (?2 IS NULL OR statut = ?2) AND (?3 IS NULL OR numero LIKE ?3 ESCAPE '\\') AND travaux = ?5",
        )?
        .query_row(params![bac_id, statut, numero, structure_id, filtre.travaux], |r| r.get(0))?;
    let page = filtre.page.max(1);
    // Une page démesurée donne une liste vide, pas un débordement.
    let decalage = i64::try_from((page - 1).saturating_mul(PAR_PAGE)).unwrap_or(i64::MAX);
    let mut st = c.prepare_cached(
        "SELECT id, numero, statut, destinataire, raison_sociale_destinataire, date_facture, date_depot,
                date_statut, total_ttc
         FROM facture WHERE bac_id = ?1 AND (?6 IS NULL OR structure_id = ?6)
         AND (?2 IS NULL OR statut = ?2) AND (?3 IS NULL OR numero LIKE ?3 ESCAPE '\\') AND travaux = ?7
         ORDER BY ordre DESC LIMIT ?4 OFFSET ?5",
    )?;
    let lignes = st
        .query_map(
            params![bac_id, statut, numero, PAR_PAGE as i64, decalage, structure_id, filtre.travaux],
            |r| {
                let statut: String = r.get(2)?;
                let ttc: String = r.get(8)?;
                Ok(Resume {
                    id: r.get(0)?,
                    numero: r.get(1)?,
                    statut: Statut::depuis_code(&statut).unwrap_or(Statut::Brouillon),
                    destinataire: r.get(3)?,
                    raison_sociale_destinataire: r.get(4)?,
                    date_facture: r.get(5)?,
                    date_depot: r.get(6)?,
                    date_statut: r.get(7)?,
                    total_ttc: ttc.parse().unwrap_or_default(),
                })
            },
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((lignes, total as usize))
}

/// Nombre de factures par statut, pour la synthèse.
pub fn compter_par_statut(c: &Connection, bac_id: &str) -> Resultat<Vec<(Statut, usize)>> {
    compter_par_statut_pour(c, bac_id, None)
}

/// Nombre de factures par statut d'une structure du bac (toutes si `structure_id` est None).
pub fn compter_par_statut_pour(
    c: &Connection,
    bac_id: &str,
    structure_id: Option<&str>,
) -> Resultat<Vec<(Statut, usize)>> {
    let mut st = c.prepare_cached(
        "SELECT statut, count(*) FROM facture
         WHERE bac_id = ?1 AND (?2 IS NULL OR structure_id = ?2) AND NOT travaux GROUP BY statut",
    )?;
    let v = st
        .query_map(params![bac_id, structure_id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?
        .filter_map(|r| r.ok())
        .filter_map(|(s, n)| Some((Statut::depuis_code(&s).ok()?, n as usize)))
        .collect();
    Ok(v)
}

/// Supprime un brouillon de la structure (jamais envoyé : l'acheteur ne l'a jamais vu), avec
/// ses pièces jointes ; une facture envoyée ne se supprime pas. Le journal garde la trace de
/// la suppression, pour le suivi du formateur.
pub fn supprimer_brouillon(
    c: &Connection,
    bac_id: &str,
    structure_id: &str,
    id: &str,
    horloge: &Horloge,
) -> Resultat<String> {
    let f = charger(c, bac_id, id)?;
    if f.structure_id != structure_id {
        return Err(Erreur::Introuvable("facture"));
    }
    if f.statut != Statut::Brouillon {
        return Err(Erreur::Conflit(format!(
            "La facture {} a été envoyée (statut « {} ») : elle ne se supprime pas. Une facture envoyée \
             se corrige par un avoir, ou suit son traitement.",
            f.facture.numero,
            f.statut.libelle()
        )));
    }
    c.execute("DELETE FROM piece_jointe WHERE bac_id = ?1 AND facture_id = ?2", params![bac_id, id])?;
    c.execute("DELETE FROM facture WHERE bac_id = ?1 AND id = ?2", params![bac_id, id])?;
    let date = crate::bac::bac(c, bac_id)?.date_simulee(horloge);
    crate::journal::ajouter(
        c,
        crate::journal::Nouvelle {
            bac_id,
            facture_id: Some(id),
            evenement: crate::journal::evenement::BROUILLON_SUPPRIME,
            statut: None,
            date_simulee: date,
            horodatage: horloge.maintenant(),
            acteur: "FOURNISSEUR",
            commentaire: &format!("Brouillon {} supprimé", f.facture.numero),
            donnees: None,
        },
    )?;
    Ok(f.facture.numero)
}
