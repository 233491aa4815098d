//! Les factures de travaux : le dépôt d'un projet de décompte (PDF et formulaire de dépôt), les
//! gestes de la maîtrise d'œuvre, de la maîtrise d'ouvrage et du titulaire sur le dossier, ce
//! que Chorus Pro fait seul (acheminer, constater le silence de la MOE), et la lecture d'un
//! dossier par chacune des parties.
//!
//! Le projet de décompte du fournisseur est une ligne de `facture` qui porte le dossier : son
//! statut est celui du dossier, de la MOE au paiement ([`chorus_domain::circuit`] décide de
//! chaque pas). Les pièces qui suivent — état d'acompte, projet de décompte général, décompte
//! général, DGD — sont des lignes de `piece_travaux` : qui les a déposées, quand, pour quel
//! montant. Un seul cas d'usage par geste, quel que soit celui qui le joue (le stagiaire dans
//! « Factures de travaux », le formateur ou l'apprenant qui jouent une partie, un scénario, la
//! partie simulée, l'API).

use chorus_domain::circuit::{self, Circuit};
use chorus_domain::facture::CadreFacturation;
use chorus_domain::saisie;
use chorus_domain::statut::{Acteur, Action, Contexte};
use chorus_domain::suites::Acheminement;
use chorus_domain::travaux::{self as regles, DELAI_MOE_JOURS, DepotBrut, EntrepriseConnue};
use chorus_domain::{Anomalie, Statut};
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::erreur::{Erreur, Resultat};
use crate::facture::{self, Changement, FactureStockee, Issue, Nouvelle};
use crate::horloge::Horloge;
use crate::journal::{self, Coup, Joueur};
use crate::piece_jointe::{self, ModeDepot, RefusFichier};
use crate::{bac, notification, reference};

/// La nature du fichier d'une pièce suivante déposée par le titulaire (DGD signé, projet de
/// décompte général ou DGD tacite).
pub const NATURE_PIECE_SUIVANTE: &str = "PIECE_SUIVANTE";

/// Une pièce du dossier, après le projet de décompte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PieceTravaux {
    pub id: String,
    pub cadre: CadreFacturation,
    pub numero: String,
    pub deposant: Acteur,
    pub identifiant_deposant: String,
    pub raison_sociale_deposant: String,
    pub date_depot: NaiveDate,
    pub montant_ht: Decimal,
    pub montant_ttc: Decimal,
    pub commentaire: String,
    /// Le PDF déposé par le titulaire ; `None` : le PDF est produit par le simulateur.
    pub fichier_id: Option<String>,
}

/// Les dates qui comptent dans un dossier, tirées de son historique.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delais {
    /// La (dernière) réception par la maîtrise d'œuvre : le délai de paiement d'un projet de
    /// décompte mensuel en part, et les 7 jours de la MOE.
    pub reception_moe: Option<NaiveDate>,
    /// Le dernier jour de la MOE, tant qu'elle a la pièce en main.
    pub limite_moe: Option<NaiveDate>,
    /// Projet de décompte final : le dernier jour pour notifier le décompte général.
    pub limite_decompte_general: Option<NaiveDate>,
    /// Décompte général notifié : le dernier jour du titulaire pour le signer.
    pub limite_signature: Option<NaiveDate>,
    /// Procédure tacite : le dernier jour de la MOA après le projet de décompte général du
    /// titulaire.
    pub limite_moa_tacite: Option<NaiveDate>,
}

/// Les statuts d'un dossier et leurs dates, du plus ancien au plus récent.
pub fn historique(c: &Connection, bac_id: &str, facture_id: &str) -> Resultat<Vec<(Statut, NaiveDate)>> {
    Ok(statuts_du_journal(&journal::historique_facture(c, bac_id, facture_id)?))
}

/// Les statuts et leurs dates, tirés des entrées du journal déjà lues.
pub fn statuts_du_journal(entrees: &[journal::Entree]) -> Vec<(Statut, NaiveDate)> {
    entrees.iter().filter_map(|e| Some((e.statut?, e.date_simulee))).collect()
}

/// La procédure tacite est engagée (le titulaire a déposé son projet de décompte général).
pub fn procedure_tacite(historique: &[(Statut, NaiveDate)]) -> bool {
    historique.iter().any(|(s, _)| *s == Statut::RemplaceeParA22)
}

fn derniere(historique: &[(Statut, NaiveDate)], statut: Statut) -> Option<NaiveDate> {
    historique.iter().rev().find(|(s, _)| *s == statut).map(|(_, d)| *d)
}

/// Les délais du dossier dans l'état `statut`.
pub fn delais(cadre: CadreFacturation, statut: Statut, historique: &[(Statut, NaiveDate)]) -> Delais {
    let reception_moe = derniere(historique, Statut::MiseADispositionMoe);
    let chez_la_moe = matches!(statut, Statut::MiseADispositionMoe | Statut::PriseEnCompteMoe);
    let tacite = derniere(historique, Statut::RemplaceeParA22);
    let decompte_general_attendu = cadre.est_decompte_final()
        && tacite.is_none()
        && matches!(
            statut,
            Statut::MiseADispositionMoe
                | Statut::PriseEnCompteMoe
                | Statut::TransmiseMoa
                | Statut::MiseADispositionMoa
                | Statut::PriseEnCompteMoa
        );
    Delais {
        reception_moe,
        limite_moe: reception_moe.filter(|_| chez_la_moe).map(|d| regles::dernier_jour(d, DELAI_MOE_JOURS)),
        limite_decompte_general: reception_moe
            .filter(|_| decompte_general_attendu)
            .map(|d| regles::dernier_jour(d, regles::DELAI_DECOMPTE_GENERAL_JOURS)),
        limite_signature: derniere(historique, Statut::AAssocierFournisseur)
            .filter(|_| statut == Statut::AAssocierFournisseur)
            .map(|d| regles::dernier_jour(d, regles::DELAI_SIGNATURE_JOURS)),
        limite_moa_tacite: tacite
            .filter(|_| matches!(statut, Statut::MiseADispositionMoa | Statut::PriseEnCompteMoa))
            .map(|d| regles::dernier_jour(d, regles::DELAI_MOA_TACITE_JOURS)),
    }
}

/// L'état du monde que la règle du circuit regarde, à la date `aujourd_hui`.
fn contexte<'a>(
    historique: &[(Statut, NaiveDate)],
    aujourd_hui: NaiveDate,
    motif: Option<&'a str>,
) -> Contexte<'a> {
    let reception_moe = derniere(historique, Statut::MiseADispositionMoe);
    let tacite = derniere(historique, Statut::RemplaceeParA22);
    let ecoule =
        |depart: Option<NaiveDate>, jours| depart.is_some_and(|d| regles::ecoule(d, jours, aujourd_hui));
    Contexte {
        motif,
        delai_de_validation_ecoule: ecoule(reception_moe, DELAI_MOE_JOURS),
        delai_decompte_general_ecoule: ecoule(reception_moe, regles::DELAI_DECOMPTE_GENERAL_JOURS),
        procedure_tacite: tacite.is_some(),
        delai_tacite_ecoule: ecoule(tacite, regles::DELAI_MOA_TACITE_JOURS),
        delai_signature_ecoule: ecoule(
            derniere(historique, Statut::AAssocierFournisseur),
            regles::DELAI_SIGNATURE_JOURS,
        ),
        ..Contexte::default()
    }
}

/// Un dossier de travaux du bac ; une facture ordinaire est « introuvable » ici.
pub fn charger(c: &Connection, bac_id: &str, facture_id: &str) -> Resultat<FactureStockee> {
    let f = facture::charger(c, bac_id, facture_id)?;
    if !f.facture.cadre.est_travaux() {
        return Err(Erreur::Introuvable("dossier de travaux"));
    }
    Ok(f)
}

fn entreprise_connue(c: &Connection, siret: &str) -> Resultat<Option<EntrepriseConnue>> {
    if siret.is_empty() {
        return Ok(None);
    }
    Ok(reference::entreprise(c, siret)?
        .map(|e| EntrepriseConnue { raison_sociale: e.raison_sociale, active: e.active }))
}

fn sans_espaces(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

// -- Le dépôt du projet de décompte --------------------------------------------------------

/// Les anomalies d'un dépôt : celles d'une facture (destinataire, service, engagement, numéro,
/// date, TVA), puis celles des travaux (cadre, maître d'ouvrage, MOE, valideur).
fn verifier_depot(
    c: &Connection,
    bac: &bac::Bac,
    structure_id: &str,
    brut: &DepotBrut,
    horloge: &Horloge,
) -> Resultat<Result<(chorus_domain::facture::Facture, String), Vec<Anomalie>>> {
    let fournisseur = bac::structure_fournisseur(c, &bac.id, structure_id)?.identifiant;
    let f = match saisie::analyser(&brut.saisie()) {
        Ok(f) => f,
        Err(anomalies) => return Ok(Err(anomalies.into_iter().map(regles::anomalie_du_depot).collect())),
    };
    if let Some(a) = regles::anomalie_cadre_de_depot(f.cadre) {
        return Ok(Err(vec![a]));
    }
    let destinataire = reference::destinataire(c, &f.destinataire)?;
    let ctx = saisie::Contexte {
        destinataire: destinataire.as_ref(),
        numero_deja_utilise: facture::numero_deja_utilise(c, &bac.id, structure_id, &f.numero, None)?,
        aujourd_hui: bac.date_simulee(horloge),
    };
    let mut anomalies: Vec<Anomalie> =
        saisie::controler(&f, &ctx).into_iter().map(regles::anomalie_du_depot).collect();
    anomalies.extend(regles::anomalie_maitre_d_ouvrage(destinataire.as_ref().map(|d| &d.structure)));
    let moe = sans_espaces(&brut.moe);
    anomalies.extend(regles::anomalie_moe(
        &moe,
        entreprise_connue(c, &moe)?.as_ref(),
        &fournisseur,
        &f.destinataire,
    ));
    let valideur = &f.code_structure_valideur;
    anomalies.extend(regles::anomalie_valideur(
        f.cadre,
        valideur,
        entreprise_connue(c, valideur)?.as_ref(),
        &fournisseur,
    ));
    Ok(if anomalies.is_empty() { Ok((f, moe)) } else { Err(anomalies) })
}

/// « Déposer » un projet de décompte (A4, A7 ; A10, A11 ; A13, A14) : le PDF déjà envoyé
/// (`depot_id`, voir [`piece_jointe::deposer_pdf`]) et le formulaire de dépôt. La pièce part
/// à sa maîtrise d'œuvre, ou d'abord au titulaire ou au mandataire qui la valide.
pub fn deposer(
    c: &Connection,
    bac_id: &str,
    structure_id: &str,
    depot_id: &str,
    brut: &DepotBrut,
    horloge: &Horloge,
) -> Resultat<Issue> {
    piece_jointe::depot_en_cours(c, bac_id, structure_id, depot_id)?;
    let bac = bac::bac(c, bac_id)?;
    let (f, moe) = match verifier_depot(c, &bac, structure_id, brut, horloge)? {
        Ok(v) => v,
        Err(anomalies) => {
            facture::tracer_anomalies(c, &bac, &anomalies, None, horloge)?;
            return Ok(Issue::Refusee(anomalies));
        }
    };
    let circuit = Circuit::de(f.cadre);
    let statut = circuit::transition(
        circuit,
        None,
        Action::ValiderEtEnvoyer,
        Acteur::Fournisseur,
        &Contexte::default(),
    )?;
    let aujourd_hui = bac.date_simulee(horloge);
    let raison_sociale =
        reference::structure_publique(c, &f.destinataire)?.map(|s| s.raison_sociale).unwrap_or_default();
    let id = Uuid::now_v7().to_string();
    let nouvelle =
        Nouvelle { id: &id, structure_id, statut, facture: &f, date: aujourd_hui, moe: Some(&moe) };
    facture::inserer(c, bac_id, &nouvelle, &raison_sociale)?;
    let ch = Changement { statut, acteur: Acteur::Fournisseur, date: aujourd_hui, commentaire: "" };
    facture::journaliser_statut(c, bac_id, &id, ch, horloge)?;
    c.prepare_cached("UPDATE piece_jointe SET facture_id = ?3 WHERE bac_id = ?1 AND id = ?2")?
        .execute([bac_id, depot_id, &id])?;
    piece_jointe::noter_mode_depot(c, bac_id, &id, ModeDepot::DepotPdfPortail)?;
    match statut {
        Statut::Deposee => facture::acheminer(c, bac_id, &id, circuit, aujourd_hui, horloge)?,
        Statut::AValider1 => {
            let moment = bac.maintenant_simule(horloge);
            notification::facture_a_valider(c, bac_id, &id, &f.code_structure_valideur, moment)?;
        }
        _ => {}
    }
    Ok(Issue::Acceptee(id))
}

// -- Les gestes sur le dossier -------------------------------------------------------------

/// Ce qu'une partie fait d'un dossier qu'elle a en main.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Geste {
    /// La MOE ou la MOA prend la pièce en compte.
    PrendreEnCompte,
    /// La MOE admet un montant (`None` : celui demandé) et transmet l'état d'acompte (A15) ou le
    /// projet de décompte général (A17) à la MOA, ou l'état d'acompte validé au service
    /// financier (A16).
    Transmettre { montant_admis_ht: Option<Decimal>, au_service_financier: bool },
    /// La MOA valide l'état d'acompte (A19), au montant admis ou à celui qu'elle arrête.
    Valider { montant_admis_ht: Option<Decimal> },
    /// La MOA (A20 ; A25 en procédure tacite) ou la MOE (A18) notifie le décompte général.
    NotifierDecompteGeneral { montant_ht: Option<Decimal> },
    /// Un refus, avec son motif (la MOE, la MOA ; le titulaire refuse le décompte général).
    Refuser { motif: String },
    /// La MOE demande un complément au titulaire.
    DemanderComplement { motif: String },
    /// La MOE ou la MOA répond que la pièce ne la concerne pas (erreur d'acheminement).
    SignalerErreur { motif: String },
    /// La MOE dépose le DGD tacite (A24) : le titulaire n'a pas signé à temps.
    DeposerDgdTacite,
}

/// La pièce qu'un geste dépose dans le dossier, et son montant HT.
fn piece_du_geste(
    f: &FactureStockee,
    acteur: Acteur,
    geste: &Geste,
    procedure_tacite: bool,
) -> Option<(CadreFacturation, Decimal)> {
    use CadreFacturation::*;
    let admis = f.montant_admis_ht.unwrap_or(f.totaux().total_ht);
    let final_ = f.facture.cadre.est_decompte_final();
    match (acteur, geste) {
        (Acteur::Moe, Geste::Transmettre { montant_admis_ht, au_service_financier }) => {
            let m = montant_admis_ht.unwrap_or(f.totaux().total_ht);
            let cadre = match (final_, au_service_financier) {
                (true, _) => A17ProjetDecompteGeneralMoe,
                (false, true) => A16EtatAcompteValideMoe,
                (false, false) => A15EtatAcompteMoe,
            };
            Some((cadre, m))
        }
        (Acteur::Moa, Geste::Valider { montant_admis_ht }) => {
            Some((A19EtatAcompteValideMoa, montant_admis_ht.unwrap_or(admis)))
        }
        (Acteur::Moa | Acteur::Moe, Geste::NotifierDecompteGeneral { montant_ht }) => {
            Some((regles::cadre_du_decompte_general(acteur, procedure_tacite), montant_ht.unwrap_or(admis)))
        }
        (Acteur::Moe, Geste::DeposerDgdTacite) => Some((A24DecompteGeneralDefinitifTaciteMoe, admis)),
        _ => None,
    }
}

fn action_du_geste(geste: &Geste) -> (Action, Option<&str>) {
    match geste {
        Geste::PrendreEnCompte => (Action::PrendreEnCompte, None),
        Geste::Transmettre { au_service_financier: true, .. } => (Action::TransmettreServiceFinancier, None),
        Geste::Transmettre { .. } => (Action::TransmettreMoa, None),
        Geste::Valider { .. } => (Action::Valider, None),
        Geste::NotifierDecompteGeneral { .. } => (Action::NotifierDecompteGeneral, None),
        Geste::Refuser { motif } => (Action::Refuser, Some(motif.trim())),
        Geste::DemanderComplement { motif } => (Action::DemanderComplement, Some(motif.trim())),
        Geste::SignalerErreur { motif } => (Action::SignalerErreurDeValideur, Some(motif.trim())),
        Geste::DeposerDgdTacite => (Action::DeposerDecompteGeneralTacite, None),
    }
}

/// Le SIRET de la partie qui dépose une pièce du dossier.
fn identifiant_de(c: &Connection, bac_id: &str, f: &FactureStockee, acteur: Acteur) -> Resultat<String> {
    Ok(match acteur {
        Acteur::Moe => f.moe.clone().unwrap_or_default(),
        Acteur::Moa => f.facture.destinataire.clone(),
        _ => bac::structure_fournisseur(c, bac_id, &f.structure_id)?.identifiant,
    })
}

/// Ajoute une pièce au dossier, numérotée selon la bonne pratique, et en fait le montant admis
/// du dossier.
fn ajouter_piece(
    c: &Connection,
    bac_id: &str,
    f: &FactureStockee,
    (cadre, montant_ht): (CadreFacturation, Decimal),
    (acteur, numero, commentaire, fichier): (Acteur, Option<&str>, &str, Option<&str>),
    date: NaiveDate,
) -> Resultat<()> {
    let t = f.totaux();
    let ttc = regles::ttc_admis(t.total_ht, t.total_ttc, montant_ht);
    let numero = numero.map_or_else(|| regles::numero_suggere(&f.facture.numero, cadre), str::to_string);
    let identifiant = identifiant_de(c, bac_id, f, acteur)?;
    c.prepare_cached(
        "INSERT INTO piece_travaux (id, bac_id, facture_id, cadre, numero, deposant, identifiant_deposant,
             date_depot, montant_ht, montant_ttc, commentaire, fichier_id, ordre)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,
                 (SELECT coalesce(max(ordre), 0) + 1 FROM piece_travaux WHERE bac_id = ?2))",
    )?
    .execute(params![
        Uuid::now_v7().to_string(),
        bac_id,
        f.id,
        cadre.code(),
        numero,
        acteur.code(),
        identifiant,
        date,
        montant_ht.to_string(),
        ttc.to_string(),
        commentaire,
        fichier,
    ])?;
    c.prepare_cached(
        "UPDATE facture SET montant_admis_ht = ?3, montant_a_payer = ?4 WHERE bac_id = ?1 AND id = ?2",
    )?
    .execute(params![bac_id, f.id, montant_ht.to_string(), ttc.to_string()])?;
    Ok(())
}

/// Enregistre un changement de statut du dossier, avec qui l'a joué, et prévient le titulaire.
fn enregistrer(
    c: &Connection,
    bac_id: &str,
    facture_id: &str,
    (statut, acteur): (Statut, Acteur),
    commentaire: &str,
    coup: Coup,
    horloge: &Horloge,
) -> Resultat<()> {
    let ch = Changement { statut, acteur, date: coup.date, commentaire };
    let entree = facture::changer_statut(c, bac_id, facture_id, ch, horloge)?;
    journal::annoter(
        c,
        bac_id,
        entree,
        &serde_json::json!({ "joue_par": coup.joueur, "regle": coup.regle }),
    )?;
    let moment = coup.date.and_time(horloge.maintenant().time());
    notification::evenement_facture(c, bac_id, facture_id, statut, commentaire, moment)
}

/// Ce que Chorus Pro fait seul après un geste : acheminer la pièce vers la partie suivante, le
/// jour même.
fn faire_suivre(
    c: &Connection,
    bac_id: &str,
    facture_id: &str,
    date: NaiveDate,
    horloge: &Horloge,
) -> Resultat<Statut> {
    loop {
        let f = facture::charger(c, bac_id, facture_id)?;
        let action = match f.statut {
            Statut::TransmiseMoa | Statut::RemplaceeParA22 | Statut::Associee => Action::Acheminer,
            Statut::AbsenceValidationMoeDelaiReglementaire => Action::Transmettre,
            Statut::Deposee => {
                facture::acheminer(c, bac_id, facture_id, Circuit::de(f.facture.cadre), date, horloge)?;
                continue;
            }
            autre => return Ok(autre),
        };
        let suivant = circuit::transition(
            Circuit::de(f.facture.cadre),
            Some(f.statut),
            action,
            Acteur::Systeme,
            &Contexte::default(),
        )?;
        let ch = Changement { statut: suivant, acteur: Acteur::Systeme, date, commentaire: "" };
        facture::changer_statut(c, bac_id, facture_id, ch, horloge)?;
    }
}

/// Un geste de la MOE, de la MOA ou du titulaire (refus du décompte général) sur le dossier,
/// permis par le circuit : le statut change, la pièce qu'il dépose s'ajoute au dossier, Chorus
/// Pro la fait suivre. Retourne le statut où arrive le dossier.
pub fn agir(
    c: &Connection,
    bac_id: &str,
    facture_id: &str,
    acteur: Acteur,
    geste: &Geste,
    coup: Coup,
    horloge: &Horloge,
) -> Resultat<Statut> {
    let f = charger(c, bac_id, facture_id)?;
    let hist = historique(c, bac_id, facture_id)?;
    let (action, motif) = action_du_geste(geste);
    let ctx = contexte(&hist, coup.date, motif);
    let nouveau = circuit::transition(Circuit::de(f.facture.cadre), Some(f.statut), action, acteur, &ctx)?;
    let piece = piece_du_geste(&f, acteur, geste, ctx.procedure_tacite);
    let commentaire = match (motif, piece) {
        (Some(m), _) => m.to_string(),
        (None, Some((cadre, montant))) => {
            let demande = f.totaux().total_ht;
            let ecart = if montant == demande {
                String::new()
            } else {
                format!(" (montant demandé : {} € HT)", demande.round_dp(2))
            };
            format!(
                "{} n° {} : {} € HT{ecart}",
                regles::nature(cadre),
                regles::numero_suggere(&f.facture.numero, cadre),
                montant.round_dp(2)
            )
        }
        (None, None) => String::new(),
    };
    if let Some(p) = piece {
        ajouter_piece(c, bac_id, &f, p, (acteur, None, "", None), coup.date)?;
    }
    enregistrer(c, bac_id, facture_id, (nouveau, acteur), &commentaire, coup, horloge)?;
    faire_suivre(c, bac_id, facture_id, coup.date, horloge)
}

/// Chorus Pro constate que la MOE n'a pas traité la pièce dans ses 7 jours : elle part au
/// maître d'ouvrage, au montant demandé.
pub fn constater_silence_de_la_moe(
    c: &Connection,
    bac_id: &str,
    facture_id: &str,
    date: NaiveDate,
    horloge: &Horloge,
) -> Resultat<Statut> {
    let f = charger(c, bac_id, facture_id)?;
    let hist = historique(c, bac_id, facture_id)?;
    let ctx = contexte(&hist, date, None);
    let action = Action::ConstaterAbsenceDeValidation;
    let nouveau =
        circuit::transition(Circuit::de(f.facture.cadre), Some(f.statut), action, Acteur::Systeme, &ctx)?;
    let recue = derniere(&hist, Statut::MiseADispositionMoe).unwrap_or(date);
    let commentaire = format!(
        "La maîtrise d'œuvre n'a pas traité la pièce entre le {} et le {} : Chorus Pro la transmet au maître \
         d'ouvrage, au montant demandé.",
        recue.format("%d/%m/%Y"),
        regles::dernier_jour(recue, DELAI_MOE_JOURS).format("%d/%m/%Y")
    );
    let coup = Coup { joueur: Joueur::Simulateur, date, regle: None };
    enregistrer(c, bac_id, facture_id, (nouveau, Acteur::Systeme), &commentaire, coup, horloge)?;
    faire_suivre(c, bac_id, facture_id, date, horloge)
}

// -- Les suites du titulaire ---------------------------------------------------------------

/// La structure `structure_id` est-elle le fournisseur du dossier ?
fn du_fournisseur(
    c: &Connection,
    bac_id: &str,
    structure_id: &str,
    facture_id: &str,
) -> Resultat<FactureStockee> {
    let f = charger(c, bac_id, facture_id)?;
    if f.structure_id != structure_id {
        return Err(Erreur::Introuvable("dossier de travaux"));
    }
    Ok(f)
}

/// Le titulaire répond à une demande de complément de la MOE : un commentaire et, au besoin,
/// une pièce jointe. La pièce revient à la MOE, dont les 7 jours repartent.
pub fn completer(
    c: &Connection,
    bac_id: &str,
    structure_id: &str,
    facture_id: &str,
    commentaire: &str,
    fichier: Option<(&str, piece_jointe::Source<'_>)>,
    horloge: &Horloge,
) -> Resultat<Result<Statut, RefusFichier>> {
    let f = du_fournisseur(c, bac_id, structure_id, facture_id)?;
    let date = bac::bac(c, bac_id)?.date_simulee(horloge);
    let nouveau = circuit::transition(
        Circuit::de(f.facture.cadre),
        Some(f.statut),
        Action::Completer,
        Acteur::Fournisseur,
        &Contexte::default(),
    )?;
    let commentaire =
        chorus_domain::suites::verifier_complement(commentaire, usize::from(fichier.is_some()))?;
    if let Some((nom, contenu)) = fichier
        && let Err(refus) = piece_jointe::joindre(c, bac_id, facture_id, nom, contenu, horloge)?
    {
        return Ok(Err(refus));
    }
    let coup = Coup { joueur: Joueur::Stagiaire, date, regle: None };
    enregistrer(c, bac_id, facture_id, (nouveau, Acteur::Fournisseur), &commentaire, coup, horloge)?;
    let moment = date.and_time(horloge.maintenant().time());
    notification::piece_a_traiter_par_la_moe(c, bac_id, facture_id, moment)?;
    Ok(Ok(nouveau))
}

/// Ce qu'un recyclage de pièce de travaux peut corriger : l'acheminement vers le maître
/// d'ouvrage et, après une erreur signalée par la MOE, la MOE elle-même.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recyclage {
    pub acheminement: Acheminement,
    pub moe: String,
}

/// Le titulaire recycle une pièce que la MOE (« Refusée par la MOE pour erreur dans les données
/// d'acheminement ») ou la MOA (« … par la MOA ») a renvoyée : les données corrigées passent
/// les contrôles du dépôt ; la pièce repart à la (nouvelle) MOE, ou directement à la MOA.
pub fn recycler(
    c: &Connection,
    bac_id: &str,
    structure_id: &str,
    facture_id: &str,
    r: &Recyclage,
    horloge: &Horloge,
) -> Resultat<Result<Statut, Vec<Anomalie>>> {
    let mut f = du_fournisseur(c, bac_id, structure_id, facture_id)?;
    let nouveau = circuit::transition(
        Circuit::de(f.facture.cadre),
        Some(f.statut),
        Action::Recycler,
        Acteur::Fournisseur,
        &Contexte::default(),
    )?;
    let bac = bac::bac(c, bac_id)?;
    let date = bac.date_simulee(horloge);
    let fournisseur = bac::structure_fournisseur(c, bac_id, structure_id)?.identifiant;
    let avant = (Acheminement::de(&f.facture), f.moe.clone().unwrap_or_default());
    f.facture.destinataire = sans_espaces(&r.acheminement.destinataire);
    f.facture.code_service = r.acheminement.code_service.trim().to_string();
    f.facture.numero_engagement = r.acheminement.numero_engagement.trim().to_string();
    // Seule une erreur signalée par la MOE permet de changer de MOE.
    let moe =
        if f.statut == Statut::ErreurFournisseurSurMoe { sans_espaces(&r.moe) } else { avant.1.clone() };
    let destinataire = reference::destinataire(c, &f.facture.destinataire)?;
    let ctx = saisie::Contexte {
        destinataire: destinataire.as_ref(),
        numero_deja_utilise: false,
        aujourd_hui: date,
    };
    let mut anomalies: Vec<Anomalie> = saisie::controler(&f.facture, &ctx)
        .into_iter()
        .filter(|a| matches!(a.champ.as_str(), "destinataire" | "code_service" | "numero_engagement"))
        .collect();
    anomalies.extend(regles::anomalie_maitre_d_ouvrage(destinataire.as_ref().map(|d| &d.structure)));
    anomalies.extend(regles::anomalie_moe(
        &moe,
        entreprise_connue(c, &moe)?.as_ref(),
        &fournisseur,
        &f.facture.destinataire,
    ));
    if anomalies.is_empty() && (Acheminement::de(&f.facture), moe.clone()) == avant {
        anomalies.push(Anomalie::champ(
            "destinataire",
            "RECYCLAGE_SANS_CHANGEMENT",
            "Rien n'a changé : corrigez la maîtrise d'œuvre, le maître d'ouvrage, le code service ou le numéro \
             d'engagement comme l'indique le motif et la fiche d'identité du marché.",
        ));
    }
    if !anomalies.is_empty() {
        facture::tracer_anomalies(c, &bac, &anomalies, Some(facture_id), horloge)?;
        return Ok(Err(anomalies));
    }
    let raison_sociale = destinataire.map(|d| d.structure.raison_sociale).unwrap_or_default();
    c.execute(
        "UPDATE facture SET saisie = ?3, destinataire = ?4, raison_sociale_destinataire = ?5, moe = ?6
         WHERE bac_id = ?1 AND id = ?2",
        params![
            bac_id,
            facture_id,
            serde_json::to_string(&f.facture)?,
            f.facture.destinataire,
            raison_sociale,
            moe
        ],
    )?;
    let commentaire = format!(
        "Recyclée : maître d'ouvrage {}, code service « {} », engagement « {} », maîtrise d'œuvre {moe}",
        f.facture.destinataire, f.facture.code_service, f.facture.numero_engagement
    );
    let coup = Coup { joueur: Joueur::Stagiaire, date, regle: None };
    enregistrer(c, bac_id, facture_id, (nouveau, Acteur::Fournisseur), &commentaire, coup, horloge)?;
    Ok(Ok(faire_suivre(c, bac_id, facture_id, date, horloge)?))
}

/// Ce que le titulaire peut déposer avec « Déposer la pièce de facturation suivante », dans
/// l'état du dossier à la date `aujourd_hui` : le DGD signé (A8) sur un décompte général
/// notifié ; en procédure tacite, son projet de décompte général (A22) puis le DGD tacite (A23).
pub fn pieces_suivantes_possibles(
    f: &FactureStockee,
    historique: &[(Statut, NaiveDate)],
    aujourd_hui: NaiveDate,
) -> Vec<CadreFacturation> {
    let ctx = contexte(historique, aujourd_hui, None);
    let circuit = Circuit::de(f.facture.cadre);
    [
        (CadreFacturation::A8DecompteGeneralDefinitif, Action::SignerDecompteGeneral),
        (CadreFacturation::A22ProjetDecompteGeneralTacite, Action::DeposerProjetDecompteGeneral),
        (CadreFacturation::A23DecompteGeneralDefinitifTacite, Action::DeposerDecompteGeneralTacite),
    ]
    .into_iter()
    .filter(|(_, action)| {
        circuit::transition(circuit, Some(f.statut), *action, Acteur::Fournisseur, &ctx).is_ok()
    })
    .map(|(cadre, _)| cadre)
    .collect()
}

/// Les gestes que la MOE ou la MOA (`acteur`) peut faire sur le dossier à la date
/// `aujourd_hui`, d'après le circuit : les pages ne montrent que ceux-là.
pub fn actions_possibles(
    f: &FactureStockee,
    historique: &[(Statut, NaiveDate)],
    aujourd_hui: NaiveDate,
    acteur: Acteur,
) -> Vec<Action> {
    let ctx = contexte(historique, aujourd_hui, Some("motif"));
    let circuit = Circuit::de(f.facture.cadre);
    [
        Action::PrendreEnCompte,
        Action::TransmettreMoa,
        Action::TransmettreServiceFinancier,
        Action::Valider,
        Action::NotifierDecompteGeneral,
        Action::DemanderComplement,
        Action::Refuser,
        Action::SignalerErreurDeValideur,
        Action::DeposerDecompteGeneralTacite,
    ]
    .into_iter()
    .filter(|a| circuit::transition(circuit, Some(f.statut), *a, acteur, &ctx).is_ok())
    .collect()
}

/// Le formulaire de « Déposer la pièce de facturation suivante ».
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PieceSuivanteBrute {
    pub cadre: String,
    pub numero: String,
    pub montant_ht: String,
    pub commentaire: String,
}

/// Le montant que porte la pièce suivante : le DGD reprend le décompte général notifié ; le
/// projet de décompte général du titulaire, ce qu'il demande ; le DGD tacite, ce projet.
fn montant_attendu(f: &FactureStockee, cadre: CadreFacturation) -> Option<Decimal> {
    match cadre {
        CadreFacturation::A8DecompteGeneralDefinitif
        | CadreFacturation::A23DecompteGeneralDefinitifTacite => f.montant_admis_ht,
        _ => None,
    }
}

/// Le montant HT proposé dans le formulaire de la pièce suivante.
pub fn montant_propose(f: &FactureStockee, cadre: CadreFacturation) -> Decimal {
    montant_attendu(f, cadre).unwrap_or(f.totaux().total_ht)
}

/// « Déposer la pièce de facturation suivante » : le titulaire dépose, avec son PDF
/// (`depot_id`), le DGD signé (A8), son projet de décompte général (A22) ou le DGD tacite
/// (A23). Les anomalies reviennent au formulaire ; rien n'est alors modifié.
pub fn deposer_piece_suivante(
    c: &Connection,
    bac_id: &str,
    structure_id: &str,
    facture_id: &str,
    depot_id: &str,
    brut: &PieceSuivanteBrute,
    horloge: &Horloge,
) -> Resultat<Result<Statut, Vec<Anomalie>>> {
    let f = du_fournisseur(c, bac_id, structure_id, facture_id)?;
    piece_jointe::depot_en_cours(c, bac_id, structure_id, depot_id)?;
    let bac = bac::bac(c, bac_id)?;
    let date = bac.date_simulee(horloge);
    let hist = historique(c, bac_id, facture_id)?;
    let possibles = pieces_suivantes_possibles(&f, &hist, date);
    let mut anomalies = Vec::new();
    let cadre = CadreFacturation::depuis_code(&brut.cadre).ok().filter(|c| possibles.contains(c));
    if cadre.is_none() {
        anomalies.push(Anomalie::champ(
            "cadre",
            "PIECE_SUIVANTE_IMPOSSIBLE",
            if possibles.is_empty() {
                "Ce dossier n'attend aucune pièce de votre part pour l'instant.".to_string()
            } else {
                format!(
                    "Choisissez la pièce à déposer : {}.",
                    possibles.iter().map(|c| c.libelle()).collect::<Vec<_>>().join(" ; ")
                )
            },
        ));
    }
    let numero = brut.numero.trim();
    if numero.is_empty() || numero.chars().count() > chorus_domain::saisie::NUMERO_LONGUEUR_MAX {
        anomalies.push(Anomalie::champ(
            "numero",
            "NUMERO_OBLIGATOIRE",
            format!(
                "Le numéro de la pièce est obligatoire ({} caractères au plus). Bonne pratique : reprenez le numéro \
                 de votre projet de décompte, suivi d'un suffixe.",
                chorus_domain::saisie::NUMERO_LONGUEUR_MAX
            ),
        ));
    }
    let montant = match regles::lire_montant(&brut.montant_ht) {
        Ok(m) => Some(m),
        Err(e) => {
            anomalies.push(Anomalie::champ("montant_ht", "MONTANT_INVALIDE", e));
            None
        }
    };
    if let (Some(cadre), Some(m)) = (cadre, montant)
        && let Some(attendu) = montant_attendu(&f, cadre)
        && m != attendu
    {
        anomalies.push(Anomalie::champ(
            "montant_ht",
            "MONTANT_DU_DECOMPTE_GENERAL",
            format!(
                "Le décompte général et définitif reprend le montant du décompte général ({} € HT). Si vous \
                 contestez ce montant, ne le signez pas : refusez le décompte général en disant pourquoi (mémoire \
                 en réclamation au maître d'ouvrage).",
                attendu.round_dp(2)
            ),
        ));
    }
    let commentaire = brut.commentaire.trim();
    if commentaire.chars().count() > chorus_domain::saisie::COMMENTAIRE_LONGUEUR_MAX {
        anomalies.push(Anomalie::champ(
            "commentaire",
            "COMMENTAIRE_TROP_LONG",
            "Le commentaire est trop long.",
        ));
    }
    let (Some(cadre), Some(montant), true) = (cadre, montant, anomalies.is_empty()) else {
        facture::tracer_anomalies(c, &bac, &anomalies, Some(facture_id), horloge)?;
        return Ok(Err(anomalies));
    };
    let action = match cadre {
        CadreFacturation::A8DecompteGeneralDefinitif => Action::SignerDecompteGeneral,
        CadreFacturation::A22ProjetDecompteGeneralTacite => Action::DeposerProjetDecompteGeneral,
        _ => Action::DeposerDecompteGeneralTacite,
    };
    let ctx = contexte(&hist, date, None);
    let nouveau =
        circuit::transition(Circuit::de(f.facture.cadre), Some(f.statut), action, Acteur::Fournisseur, &ctx)?;
    c.prepare_cached("UPDATE piece_jointe SET facture_id = ?3, nature = ?4 WHERE bac_id = ?1 AND id = ?2")?
        .execute([bac_id, depot_id, facture_id, NATURE_PIECE_SUIVANTE])?;
    ajouter_piece(
        c,
        bac_id,
        &f,
        (cadre, montant),
        (Acteur::Fournisseur, Some(numero), commentaire, Some(depot_id)),
        date,
    )?;
    let texte = format!("{} n° {numero} : {} € HT", regles::nature(cadre), montant.round_dp(2));
    let coup = Coup { joueur: Joueur::Stagiaire, date, regle: None };
    enregistrer(c, bac_id, facture_id, (nouveau, Acteur::Fournisseur), &texte, coup, horloge)?;
    Ok(Ok(faire_suivre(c, bac_id, facture_id, date, horloge)?))
}

// -- La lecture ----------------------------------------------------------------------------

/// Les pièces qui suivent le projet de décompte, dans l'ordre de leur dépôt.
pub fn pieces(c: &Connection, bac_id: &str, facture_id: &str) -> Resultat<Vec<PieceTravaux>> {
    let mut st = c.prepare_cached(
        "SELECT p.id, p.cadre, p.numero, p.deposant, p.identifiant_deposant,
                coalesce(e.raison_sociale, a.raison_sociale, ''), p.date_depot, p.montant_ht, p.montant_ttc,
                p.commentaire, p.fichier_id
         FROM piece_travaux p LEFT JOIN entreprise e ON e.siret = p.identifiant_deposant
         LEFT JOIN annuaire_structure a ON a.identifiant = p.identifiant_deposant
         WHERE p.bac_id = ?1 AND p.facture_id = ?2 ORDER BY p.ordre",
    )?;
    let lignes = st
        .query_map([bac_id, facture_id], |r| {
            Ok((
                (
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ),
                (r.get::<_, String>(4)?, r.get::<_, String>(5)?, r.get::<_, NaiveDate>(6)?),
                (
                    r.get::<_, String>(7)?,
                    r.get::<_, String>(8)?,
                    r.get::<_, String>(9)?,
                    r.get::<_, Option<String>>(10)?,
                ),
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut v = Vec::new();
    for (
        (id, cadre, numero, deposant),
        (identifiant, raison_sociale, date_depot),
        (ht, ttc, commentaire, fichier),
    ) in lignes
    {
        v.push(PieceTravaux {
            id,
            cadre: CadreFacturation::depuis_code(&cadre)?,
            numero,
            deposant: Acteur::TOUS.into_iter().find(|a| a.code() == deposant).unwrap_or(Acteur::Fournisseur),
            identifiant_deposant: identifiant,
            raison_sociale_deposant: raison_sociale,
            date_depot,
            montant_ht: ht.parse().unwrap_or_default(),
            montant_ttc: ttc.parse().unwrap_or_default(),
            commentaire,
            fichier_id: fichier,
        });
    }
    Ok(v)
}

/// Une pièce du dossier ; celle d'un autre dossier ou d'un autre bac est « introuvable ».
pub fn piece(c: &Connection, bac_id: &str, facture_id: &str, piece_id: &str) -> Resultat<PieceTravaux> {
    pieces(c, bac_id, facture_id)?.into_iter().find(|p| p.id == piece_id).ok_or(Erreur::Introuvable("pièce"))
}

/// Le PDF d'une pièce du dossier : celui que le titulaire a déposé, ou celui que le simulateur
/// produit pour la pièce de la MOE ou de la MOA, de ses données.
pub fn pdf_de_piece(
    c: &Connection,
    bac_id: &str,
    facture_id: &str,
    piece_id: &str,
) -> Resultat<(String, Vec<u8>)> {
    let f = charger(c, bac_id, facture_id)?;
    let p = piece(c, bac_id, facture_id, piece_id)?;
    if let Some(fichier) = &p.fichier_id {
        let (piece, contenu) = piece_jointe::contenu(c, bac_id, fichier)?;
        return Ok((piece.nom, contenu));
    }
    let fournisseur = bac::structure_fournisseur(c, bac_id, &f.structure_id)?;
    let titre = format!("{} n° {}", regles::nature(p.cadre), p.numero);
    let champs = vec![
        ("Cadre de facturation".to_string(), p.cadre.libelle().to_string()),
        ("Marché".to_string(), f.facture.numero_marche.clone()),
        ("Titulaire".to_string(), format!("{} ({})", fournisseur.raison_sociale, fournisseur.identifiant)),
        (
            "Maître d'ouvrage".to_string(),
            format!("{} ({})", f.raison_sociale_destinataire, f.facture.destinataire),
        ),
        (
            "Projet de décompte".to_string(),
            format!("n° {} du {}", f.facture.numero, f.facture.date_facture.format("%d/%m/%Y")),
        ),
        ("Montant demandé HT".to_string(), format!("{} €", f.totaux().total_ht.round_dp(2))),
        ("Montant HT de la pièce".to_string(), format!("{} €", p.montant_ht.round_dp(2))),
        ("Montant TTC de la pièce".to_string(), format!("{} €", p.montant_ttc.round_dp(2))),
        ("Déposée le".to_string(), p.date_depot.format("%d/%m/%Y").to_string()),
    ];
    let emetteur = format!("{} ({})", p.raison_sociale_deposant, p.identifiant_deposant);
    let pdf =
        chorus_documents::piece_exercice::piece_exercice(&chorus_documents::piece_exercice::PieceExercice {
            titre: &titre,
            emetteur: &emetteur,
            champs: &champs,
            texte: "Pièce établie dans le simulateur à partir des montants saisis dans Chorus Pro.",
            exercice: "Factures de travaux",
        })?;
    Ok((format!("{}.pdf", p.numero), pdf))
}

/// Le PDF d'une pièce déposée sans fichier (par l'API de simulation) : le simulateur le
/// produit à partir des données envoyées, pour que la pièce ait son PDF comme au portail.
pub fn pdf_produit(titre: &str, lignes: &[(&str, &str)]) -> Resultat<Vec<u8>> {
    let mut doc = chorus_documents::DocumentPdf::nouveau(titre).titre(titre);
    for (quoi, valeur) in lignes {
        doc = doc.paragraphe(&format!("{quoi} : {valeur}"));
    }
    doc = doc
        .paragraphe("Pièce produite par le simulateur à partir des données envoyées à l'API de simulation.");
    Ok(doc.produire()?)
}

/// Une ligne des listes de dossiers (MOE, MOA).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LigneDossier {
    pub id: String,
    pub numero: String,
    pub cadre: CadreFacturation,
    pub fournisseur: String,
    pub identifiant_fournisseur: String,
    /// La raison sociale du maître d'ouvrage, et son SIRET.
    pub maitre_ouvrage: String,
    pub destinataire: String,
    /// Le rang de la pièce dans le bac (l'`idFactureTravaux` de l'API Chorus Pro).
    pub ordre: i64,
    pub statut: Statut,
    pub date_depot: Option<NaiveDate>,
    pub date_statut: NaiveDate,
    pub montant_ht: Decimal,
    pub montant_admis_ht: Option<Decimal>,
    /// La partie qui regarde la liste a quelque chose à faire.
    pub a_traiter: bool,
}

/// Les statuts où la pièce est entre les mains de la MOE.
pub const CHEZ_LA_MOE: [Statut; 2] = [Statut::MiseADispositionMoe, Statut::PriseEnCompteMoe];
/// Les statuts où la pièce est entre les mains de la MOA.
pub const CHEZ_LA_MOA: [Statut; 2] = [Statut::MiseADispositionMoa, Statut::PriseEnCompteMoa];

fn lignes(c: &Connection, bac_id: &str, condition: &str, siret: &str) -> Resultat<Vec<LigneDossier>> {
    // `condition` est l'une des deux constantes de ce module, jamais une saisie.
    let sql = format!(
        "SELECT f.id, f.numero, coalesce(json_extract(f.saisie, '$.cadre'), ''), s.raison_sociale, s.identifiant,
                f.raison_sociale_destinataire, f.statut, f.date_depot, f.date_statut, f.total_ht, f.montant_admis_ht,
                f.destinataire, f.ordre
         FROM facture f JOIN structure s ON s.id = f.structure_id AND s.bac_id = f.bac_id
         WHERE f.bac_id = ?1 AND f.travaux AND {condition}
         ORDER BY f.ordre DESC LIMIT 500"
    );
    let mut st = c.prepare_cached(&sql)?;
    let lignes = st
        .query_map([bac_id, siret], |r| {
            Ok((
                (r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?),
                (r.get::<_, String>(3)?, r.get::<_, String>(4)?, r.get::<_, String>(5)?),
                (r.get::<_, String>(6)?, r.get::<_, Option<NaiveDate>>(7)?, r.get::<_, NaiveDate>(8)?),
                (r.get::<_, String>(9)?, r.get::<_, Option<String>>(10)?),
                (r.get::<_, String>(11)?, r.get::<_, i64>(12)?),
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut v = Vec::new();
    for (
        (id, numero, cadre),
        (fournisseur, identifiant, moa),
        (statut, depot, date_statut),
        (ht, admis),
        (destinataire, ordre),
    ) in lignes
    {
        v.push(LigneDossier {
            id,
            numero,
            cadre: CadreFacturation::depuis_code(&cadre)?,
            fournisseur,
            identifiant_fournisseur: identifiant,
            maitre_ouvrage: moa,
            destinataire,
            ordre,
            statut: Statut::depuis_code(&statut)?,
            date_depot: depot,
            date_statut,
            montant_ht: ht.parse().unwrap_or_default(),
            montant_admis_ht: admis.and_then(|m| m.parse().ok()),
            a_traiter: false,
        });
    }
    Ok(v)
}

const A_LA_MOE: &str = "f.moe = ?2 AND EXISTS (SELECT 1 FROM journal j WHERE j.bac_id = f.bac_id
    AND j.facture_id = f.id AND j.statut = 'MISE_A_DISPOSITION_MOE')";
const A_LA_MOA: &str = "f.destinataire = ?2 AND EXISTS (SELECT 1 FROM journal j WHERE j.bac_id = f.bac_id
    AND j.facture_id = f.id AND j.statut = 'MISE_A_DISPOSITION_MOA')";

const DU_FOURNISSEUR: &str = "f.structure_id = ?2 AND f.statut <> 'BROUILLON'";

/// Les dossiers de travaux de la structure `structure_id` (le titulaire, le sous-traitant, le
/// cotraitant), le plus récent d'abord ; `a_traiter` : le dossier attend son geste.
pub fn dossiers_du_fournisseur(
    c: &Connection,
    bac_id: &str,
    structure_id: &str,
    aujourd_hui: NaiveDate,
) -> Resultat<Vec<LigneDossier>> {
    let mut v = lignes(c, bac_id, DU_FOURNISSEUR, structure_id)?;
    for l in &mut v {
        l.a_traiter = l.statut.attend_le_fournisseur()
            && !matches!(l.statut, Statut::RefuseeMoe | Statut::RefuseeMoa | Statut::Rejetee);
        // La procédure tacite : une pièce devient possible sans que le statut change.
        if !l.a_traiter && l.cadre.est_decompte_final() {
            let f = charger(c, bac_id, &l.id)?;
            let hist = historique(c, bac_id, &l.id)?;
            l.a_traiter = !pieces_suivantes_possibles(&f, &hist, aujourd_hui).is_empty();
        }
    }
    Ok(v)
}

/// Les dossiers que la maîtrise d'œuvre de SIRET `siret` a reçus, le plus récent d'abord.
pub fn dossiers_de_la_moe(c: &Connection, bac_id: &str, siret: &str) -> Resultat<Vec<LigneDossier>> {
    let mut v = lignes(c, bac_id, A_LA_MOE, siret)?;
    for l in &mut v {
        l.a_traiter = CHEZ_LA_MOE.contains(&l.statut)
            || (l.statut == Statut::AAssocierFournisseur && l.cadre.est_decompte_final());
    }
    Ok(v)
}

/// Les dossiers que le maître d'ouvrage de SIRET `siret` a reçus, le plus récent d'abord.
pub fn dossiers_de_la_moa(c: &Connection, bac_id: &str, siret: &str) -> Resultat<Vec<LigneDossier>> {
    let mut v = lignes(c, bac_id, A_LA_MOA, siret)?;
    for l in &mut v {
        l.a_traiter = CHEZ_LA_MOA.contains(&l.statut);
    }
    Ok(v)
}

/// Un dossier vu par sa maîtrise d'œuvre ; introuvable pour une autre, ou avant de lui être
/// parvenu.
pub fn dossier_de_la_moe(
    c: &Connection,
    bac_id: &str,
    siret: &str,
    facture_id: &str,
) -> Resultat<FactureStockee> {
    let f = charger(c, bac_id, facture_id)?;
    let recu = historique(c, bac_id, facture_id)?.iter().any(|(s, _)| *s == Statut::MiseADispositionMoe);
    if f.moe.as_deref() != Some(siret) || !recu {
        return Err(Erreur::Introuvable("dossier de travaux"));
    }
    Ok(f)
}

/// Un dossier vu par son maître d'ouvrage ; introuvable pour un autre, ou avant de lui être
/// parvenu.
pub fn dossier_de_la_moa(
    c: &Connection,
    bac_id: &str,
    siret: &str,
    facture_id: &str,
) -> Resultat<FactureStockee> {
    let f = charger(c, bac_id, facture_id)?;
    let recu = historique(c, bac_id, facture_id)?.iter().any(|(s, _)| *s == Statut::MiseADispositionMoa);
    if f.facture.destinataire != siret || !recu {
        return Err(Erreur::Introuvable("dossier de travaux"));
    }
    Ok(f)
}

/// Une maîtrise d'œuvre ou d'ouvrage des dossiers du bac, et ce qu'elle a à traiter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Maitrise {
    pub siret: String,
    pub raison_sociale: String,
    pub dossiers: usize,
    pub a_traiter: usize,
    /// Une structure du bac, tenue par un stagiaire, joue cette maîtrise d'œuvre.
    pub jouee: bool,
}

/// La MOE de SIRET `siret` est-elle tenue par un humain du bac (une structure du bac avec un
/// utilisateur non simulé) ? Elle agit alors elle-même, depuis son espace.
pub fn moe_jouee(c: &Connection, bac_id: &str, siret: &str) -> Resultat<bool> {
    Ok(c.prepare_cached(
        "SELECT 1 FROM structure s JOIN rattachement r ON r.structure_id = s.id AND r.statut = 'VALIDE'
         JOIN utilisateur u ON u.id = r.utilisateur_id AND NOT u.simule
         WHERE s.bac_id = ?1 AND s.identifiant = ?2",
    )?
    .query_row([bac_id, siret], |_| Ok(()))
    .optional()?
    .is_some())
}

/// Les maîtrises d'œuvre désignées dans les dossiers du bac.
pub fn maitrises_d_oeuvre(c: &Connection, bac_id: &str) -> Resultat<Vec<Maitrise>> {
    maitrises(c, bac_id, "f.moe", &CHEZ_LA_MOE)
}

/// Les maîtres d'ouvrage des dossiers du bac.
pub fn maitrises_d_ouvrage(c: &Connection, bac_id: &str) -> Resultat<Vec<Maitrise>> {
    maitrises(c, bac_id, "f.destinataire", &CHEZ_LA_MOA)
}

fn maitrises(
    c: &Connection,
    bac_id: &str,
    colonne: &str,
    a_traiter: &[Statut; 2],
) -> Resultat<Vec<Maitrise>> {
    // `colonne` est l'une des deux colonnes ci-dessus, jamais une saisie.
    let sql = format!(
        "SELECT {colonne}, coalesce(e.raison_sociale, a.raison_sociale, ''), count(*), sum(f.statut IN (?2, ?3))
         FROM facture f LEFT JOIN entreprise e ON e.siret = {colonne}
         LEFT JOIN annuaire_structure a ON a.identifiant = {colonne}
         WHERE f.bac_id = ?1 AND f.travaux AND {colonne} IS NOT NULL AND f.statut <> 'BROUILLON'
         GROUP BY {colonne} ORDER BY 2, 1"
    );
    let mut st = c.prepare_cached(&sql)?;
    let v = st
        .query_map(params![bac_id, a_traiter[0].code(), a_traiter[1].code()], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?, r.get::<_, i64>(3)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    v.into_iter()
        .map(|(siret, raison_sociale, n, a)| {
            Ok(Maitrise {
                jouee: moe_jouee(c, bac_id, &siret)?,
                siret,
                raison_sociale,
                dossiers: usize::try_from(n).unwrap_or(0),
                a_traiter: usize::try_from(a).unwrap_or(0),
            })
        })
        .collect()
}

// -- L'espace et la fiche d'identité du marché ---------------------------------------------

/// Ce que l'utilisateur peut faire dans l'espace « Factures de travaux » de sa structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acces {
    /// L'espace n'est pas ouvert à la structure.
    Ferme,
    /// Ouvert, mais l'utilisateur n'y est pas abonné.
    NonAbonne,
    Consultation,
    Modification,
}

/// L'accès de l'utilisateur à l'espace « Factures de travaux » de la structure.
pub fn acces(c: &Connection, bac_id: &str, utilisateur_id: &str, structure_id: &str) -> Resultat<Acces> {
    use chorus_domain::espace::{Espace, Mode};
    if !crate::raccordement::espaces(c, bac_id, structure_id)?.contains(&Espace::FacturesTravaux) {
        return Ok(Acces::Ferme);
    }
    let abonnement = crate::raccordement::abonnements(c, bac_id, utilisateur_id, structure_id)?
        .into_iter()
        .find(|(e, _)| *e == Espace::FacturesTravaux);
    Ok(match abonnement {
        None => Acces::NonAbonne,
        Some((_, Mode::Consultation)) => Acces::Consultation,
        Some((_, Mode::Modification)) => Acces::Modification,
    })
}

/// Un exercice de travaux commence avec l'espace « Factures de travaux » ouvert à la structure
/// du stagiaire, et ses utilisateurs abonnés en modification.
pub fn ouvrir_l_espace(c: &Connection, bac_id: &str, structure_id: &str, horloge: &Horloge) -> Resultat<()> {
    use chorus_domain::espace::{Espace, Mode};
    crate::raccordement::ajouter_espaces(c, bac_id, structure_id, &[Espace::FacturesTravaux], horloge)?;
    let mut st = c.prepare_cached(
        "SELECT r.utilisateur_id FROM rattachement r JOIN utilisateur u ON u.id = r.utilisateur_id AND NOT u.simule
         WHERE r.bac_id = ?1 AND r.structure_id = ?2 AND r.statut = 'VALIDE'",
    )?;
    let utilisateurs: Vec<String> =
        st.query_map([bac_id, structure_id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    for u in utilisateurs {
        crate::raccordement::abonner(
            c,
            bac_id,
            &u,
            structure_id,
            Espace::FacturesTravaux,
            Some(Mode::Modification),
        )?;
    }
    Ok(())
}

/// Une ligne de « qui dépose quoi », avec le nom de l'entreprise ou de la structure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LigneNommee {
    pub ligne: regles::LigneFiche,
    pub raison_sociale: String,
    pub valideur: Option<(String, String)>,
}

/// Le nom derrière un SIRET : l'entreprise du registre, ou la structure publique.
fn nom_de(c: &Connection, siret: &str) -> Resultat<String> {
    if let Some(e) = reference::entreprise(c, siret)? {
        return Ok(e.raison_sociale);
    }
    Ok(reference::structure_publique(c, siret)?.map(|s| s.raison_sociale).unwrap_or_default())
}

/// « Qui dépose quoi » d'une fiche, pour le titulaire de SIRET `titulaire`.
pub fn lignes_de_la_fiche(
    c: &Connection,
    fiche: &regles::FicheMarche,
    titulaire: &str,
) -> Resultat<Vec<LigneNommee>> {
    fiche
        .qui_depose_quoi(titulaire)
        .into_iter()
        .map(|ligne| {
            let valideur = match &ligne.valideur {
                Some(v) => Some((v.clone(), nom_de(c, v)?)),
                None => None,
            };
            Ok(LigneNommee { raison_sociale: nom_de(c, &ligne.siret)?, ligne, valideur })
        })
        .collect()
}

/// La fiche d'identité du marché en PDF, telle qu'un acheteur la remet au titulaire.
pub fn fiche_pdf(c: &Connection, fiche: &regles::FicheMarche, titulaire: &str) -> Resultat<Vec<u8>> {
    use chorus_documents::{Colonne, DocumentPdf, Tableau};
    let moa = nom_de(c, &fiche.maitre_ouvrage)?;
    let champs = vec![
        ("Marché".to_string(), format!("n° {} — {}", fiche.numero_marche, fiche.intitule)),
        ("Maître d'ouvrage".to_string(), format!("{moa} ({})", fiche.maitre_ouvrage)),
        (
            "Code service".to_string(),
            if fiche.code_service.is_empty() { "—".into() } else { fiche.code_service.clone() },
        ),
        (
            "Engagement juridique".to_string(),
            if fiche.numero_engagement.is_empty() { "—".into() } else { fiche.numero_engagement.clone() },
        ),
        (
            "Maîtrise d'œuvre".to_string(),
            format!("{} ({})", nom_de(c, &fiche.maitre_oeuvre)?, fiche.maitre_oeuvre),
        ),
    ];
    let lignes = lignes_de_la_fiche(c, fiche, titulaire)?
        .into_iter()
        .map(|l| {
            vec![
                l.ligne.role.to_string(),
                format!("{} ({})", l.raison_sociale, l.ligne.siret),
                l.ligne.cadres.iter().map(|c| c.code_court()).collect::<Vec<_>>().join(", "),
                l.valideur.map(|(s, n)| format!("{n} ({s})")).unwrap_or_default(),
            ]
        })
        .collect();
    let tableau = Tableau {
        colonnes: vec![
            Colonne::new("Rôle", 1.2),
            Colonne::new("Entreprise ou structure, SIRET", 2.0),
            Colonne::new("Cadres", 1.2),
            Colonne::new("Valide ses décomptes", 1.6),
        ],
        lignes,
    };
    Ok(DocumentPdf::nouveau("Fiche d'identité du marché")
        .paragraphe_gras(&format!("{moa} ({})", fiche.maitre_ouvrage))
        .titre("Fiche d'identité du marché")
        .fiche(&champs)
        .intertitre("Qui dépose quoi dans « Factures de travaux »")
        .tableau(tableau)
        .paragraphe(
            "Le titulaire dépose chaque mois son projet de décompte mensuel (A4), en fin de chantier son projet de \
             décompte final (A7), puis signe le décompte général (A8). Un sous-traitant payé directement dépose \
             A10 et A11, un cotraitant A13 et A14 : leur titulaire ou leur mandataire les valide d'abord.",
        )
        .produire()?)
}
