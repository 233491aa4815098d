//! La validation des factures de sous-traitant (A9) et de cotraitant (A12) : les « Factures à
//! valider » d'une structure, la réponse du valideur, le constat de l'absence de réponse au bout
//! de 15 jours, et la correction d'un valideur erroné.
//!
//! Un seul cas d'usage par geste, quel que soit celui qui joue le valideur : le stagiaire dont
//! la structure est désignée (« Factures à valider »), le stagiaire ou le formateur qui jouent un
//! valideur simulé, un scénario, le valideur simulé lui-même, l'API. Chacun demande à
//! [`circuit::transition`] si le geste est permis, enregistre le changement (journal et
//! projection), fait suivre la facture validée jusqu'au destinataire et prévient le fournisseur,
//! dans la même transaction.

use chorus_domain::circuit::{self, Circuit};
use chorus_domain::facture::CadreFacturation;
use chorus_domain::statut::{Acteur, Action, Contexte};
use chorus_domain::validation::{self, MotifRefus, Reponse, ValideurConnu, VerificationValideur};
use chorus_domain::{Anomalie, Statut};
use chrono::NaiveDate;
use rusqlite::{Connection, params};
use rust_decimal::Decimal;

use crate::bac::BACS_DE_LA_CLASSE;
use crate::erreur::{Erreur, Resultat};
use crate::facture::{self, Changement, FactureStockee};
use crate::horloge::Horloge;
use crate::journal::{self, Coup, Joueur};
use crate::{bac, notification, piece_jointe, reference};

/// Une ligne des « Factures à valider » d'une structure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactureAValider {
    pub id: String,
    /// Le bac à sable de la facture (en classe, celui d'un autre stagiaire) et son rang dans ce
    /// bac (l'`idFacture` de l'API Chorus Pro).
    pub bac_id: String,
    pub ordre: i64,
    pub numero: String,
    pub fournisseur: String,
    pub identifiant_fournisseur: String,
    pub cadre: CadreFacturation,
    /// Le niveau où la structure valide : 1 (titulaire, mandataire) ou 2 (mandataire, pour le
    /// sous-traitant d'un cotraitant).
    pub niveau: u8,
    pub statut: Statut,
    pub date_depot: Option<NaiveDate>,
    pub date_statut: NaiveDate,
    pub total_ttc: Decimal,
    /// La structure a quelque chose à faire : valider ou refuser, ou corriger le second valideur.
    pub a_traiter: bool,
}

/// Le niveau où le SIRET `valideur` valide cette facture, s'il est l'un de ses valideurs.
fn niveau_du_valideur(f: &FactureStockee, valideur: &str) -> Option<u8> {
    if f.valideur_2.as_deref() == Some(valideur) {
        Some(2)
    } else if !valideur.is_empty() && f.facture.code_structure_valideur == valideur {
        Some(1)
    } else {
        None
    }
}

/// Ce qu'attend la facture du valideur de ce niveau.
fn attend(statut: Statut, niveau: u8) -> bool {
    matches!(
        (statut, niveau),
        (Statut::AValider1, 1) | (Statut::ErreurCotraitantSurValideur, 1) | (Statut::AValider2, 2)
    )
}

/// Les factures dont la structure de SIRET `valideur` (du bac `bac_id`) est valideur, dans son
/// bac ou, en classe, dans celui d'un autre stagiaire ; la plus récente d'abord.
pub fn factures_a_valider(c: &Connection, bac_id: &str, valideur: &str) -> Resultat<Vec<FactureAValider>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT f.id, f.numero, s.raison_sociale, s.identifiant, coalesce(json_extract(f.saisie, '$.cadre'), ''),
                f.statut, f.date_depot, f.date_statut, f.total_ttc, f.valideur_2 IS ?2, f.bac_id, f.ordre
         FROM facture f JOIN structure s ON s.id = f.structure_id AND s.bac_id = f.bac_id
         WHERE f.bac_id IN ({BACS_DE_LA_CLASSE}) AND (f.valideur_1 = ?2 OR f.valideur_2 = ?2)
           AND f.statut <> 'BROUILLON' AND {proprietaire} = ?1
         ORDER BY f.date_statut DESC, f.ordre DESC LIMIT 500",
        proprietaire = bac::bac_du_valideur("f.bac_id", "?2")
    ))?;
    let lignes = st
        .query_map(params![bac_id, valideur], |r| {
            Ok((
                (
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ),
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                (r.get::<_, Option<NaiveDate>>(6)?, r.get::<_, NaiveDate>(7)?),
                r.get::<_, String>(8)?,
                r.get::<_, bool>(9)?,
                (r.get::<_, String>(10)?, r.get::<_, i64>(11)?),
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut v = Vec::new();
    for (
        (id, numero, fournisseur, identifiant_fournisseur),
        cadre,
        statut,
        (date_depot, date_statut),
        ttc,
        second,
        (bac_id, ordre),
    ) in lignes
    {
        let statut = Statut::depuis_code(&statut)?;
        let niveau = if second { 2 } else { 1 };
        v.push(FactureAValider {
            id,
            bac_id,
            ordre,
            numero,
            fournisseur,
            identifiant_fournisseur,
            cadre: CadreFacturation::depuis_code(&cadre)?,
            niveau,
            statut,
            date_depot,
            date_statut,
            total_ttc: ttc.parse().unwrap_or_default(),
            a_traiter: attend(statut, niveau),
        });
    }
    Ok(v)
}

/// Le bac à sable de la facture `facture_id` que la structure de SIRET `valideur` (du bac
/// `bac_id`) a à valider : le sien, ou en classe celui du stagiaire qui l'a déposée.
/// Introuvable pour toute autre structure, même dans le même bac à sable.
pub fn bac_de_la_facture_a_valider(
    c: &Connection,
    bac_id: &str,
    valideur: &str,
    facture_id: &str,
) -> Resultat<String> {
    use rusqlite::OptionalExtension;
    c.prepare_cached(&format!(
        "SELECT f.bac_id FROM facture f WHERE f.id = ?3 AND f.bac_id IN ({BACS_DE_LA_CLASSE})
           AND (f.valideur_1 = ?2 OR f.valideur_2 = ?2) AND {proprietaire} = ?1",
        proprietaire = bac::bac_du_valideur("f.bac_id", "?2")
    ))?
    .query_row(params![bac_id, valideur, facture_id], |r| r.get(0))
    .optional()?
    .ok_or(Erreur::Introuvable("facture"))
}

/// Une facture vue par son valideur (le SIRET `valideur` du bac `bac_id`) : introuvable pour
/// une autre structure. Retourne aussi le niveau où il valide, et le bac de la facture (celui
/// d'un autre stagiaire de la classe quand il est le sous-traitant).
pub fn facture_a_valider(
    c: &Connection,
    bac_id: &str,
    valideur: &str,
    facture_id: &str,
) -> Resultat<(FactureStockee, u8, String)> {
    let bac_facture = bac_de_la_facture_a_valider(c, bac_id, valideur, facture_id)?;
    let f = facture::charger(c, &bac_facture, facture_id)?;
    match niveau_du_valideur(&f, valideur) {
        Some(n) if f.statut != Statut::Brouillon => Ok((f, n, bac_facture)),
        _ => Err(Erreur::Introuvable("facture")),
    }
}

/// Le niveau de validation où la facture attend une réponse, et le SIRET de ce valideur.
pub fn valideur_attendu(f: &FactureStockee) -> Option<(u8, String)> {
    match f.statut {
        Statut::AValider1 => Some((1, f.facture.code_structure_valideur.clone())),
        Statut::AValider2 => Some((2, f.valideur_2.clone().unwrap_or_default())),
        _ => None,
    }
}

/// Ce que devient la facture si `acteur` fait `action`, selon son circuit.
fn permis(f: &FactureStockee, action: Action, acteur: Acteur, ctx: &Contexte<'_>) -> Resultat<Statut> {
    Ok(circuit::transition(Circuit::de(f.facture.cadre), Some(f.statut), action, acteur, ctx)?)
}

/// L'entreprise du registre derrière un SIRET, pour contrôler un valideur.
fn valideur_connu(c: &Connection, siret: &str) -> Resultat<Option<ValideurConnu>> {
    if siret.is_empty() {
        return Ok(None);
    }
    Ok(reference::entreprise(c, siret)?
        .map(|e| ValideurConnu { raison_sociale: e.raison_sociale, active: e.active }))
}

/// Le SIRET du fournisseur d'une facture.
fn siret_du_fournisseur(c: &Connection, bac_id: &str, f: &FactureStockee) -> Resultat<String> {
    Ok(bac::structure_fournisseur(c, bac_id, &f.structure_id)?.identifiant)
}

/// Enregistre un changement de statut donné par un valideur (ou par Chorus Pro pour lui), avec
/// qui l'a joué, et prévient le fournisseur.
fn enregistrer(
    c: &Connection,
    bac_id: &str,
    f: &FactureStockee,
    (statut, acteur): (Statut, Acteur),
    commentaire: &str,
    coup: Coup,
    horloge: &Horloge,
) -> Resultat<()> {
    let ch = Changement { statut, acteur, date: coup.date, commentaire };
    let entree = facture::changer_statut(c, bac_id, &f.id, ch, horloge)?;
    journal::annoter(
        c,
        bac_id,
        entree,
        &serde_json::json!({ "joue_par": coup.joueur, "regle": coup.regle }),
    )?;
    let moment = coup.date.and_time(horloge.maintenant().time());
    notification::evenement_facture(c, bac_id, &f.id, statut, commentaire, moment)
}

/// Chorus Pro fait suivre une facture validée (ou réputée validée) : au second valideur s'il y
/// en a un, sinon au destinataire (déposée, acheminée, mise à disposition le même jour).
fn transmettre(
    c: &Connection,
    bac_id: &str,
    facture_id: &str,
    date: NaiveDate,
    horloge: &Horloge,
) -> Resultat<Statut> {
    let f = facture::charger(c, bac_id, facture_id)?;
    let circuit = Circuit::de(f.facture.cadre);
    let ctx = Contexte { second_valideur: f.valideur_2.is_some(), ..Contexte::default() };
    let suivant = circuit::transition(circuit, Some(f.statut), Action::Transmettre, Acteur::Systeme, &ctx)?;
    let ch = Changement { statut: suivant, acteur: Acteur::Systeme, date, commentaire: "" };
    facture::changer_statut(c, bac_id, facture_id, ch, horloge)?;
    match suivant {
        Statut::Deposee => facture::acheminer(c, bac_id, facture_id, circuit, date, horloge)?,
        Statut::AValider2 => {
            let moment = date.and_time(horloge.maintenant().time());
            notification::facture_a_valider(
                c,
                bac_id,
                facture_id,
                f.valideur_2.as_deref().unwrap_or(""),
                moment,
            )?;
        }
        _ => {}
    }
    Ok(facture::charger(c, bac_id, facture_id)?.statut)
}

/// La réponse du valideur du niveau `niveau` : accord (le premier valideur d'un sous-traitant de
/// cotraitant peut désigner le mandataire comme second valideur), refus, ou erreur de valideur.
/// Retourne le statut où arrive la facture (mise à disposition du destinataire, après un accord
/// sans second niveau).
pub fn repondre(
    c: &Connection,
    bac_id: &str,
    facture_id: &str,
    niveau: u8,
    reponse: &Reponse,
    coup: Coup,
    horloge: &Horloge,
) -> Resultat<Statut> {
    let f = facture::charger(c, bac_id, facture_id)?;
    let acteur = circuit::valideur(niveau);
    match reponse {
        Reponse::Valider { second_valideur } => {
            let nouveau = permis(&f, Action::Valider, acteur, &Contexte::default())?;
            if let Some(second) = second_valideur.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                designer_le_second_valideur(c, bac_id, &f, niveau, second)?;
            }
            enregistrer(c, bac_id, &f, (nouveau, acteur), "", coup, horloge)?;
            transmettre(c, bac_id, facture_id, coup.date, horloge)
        }
        Reponse::Refuser { motif, precision } => {
            let texte = validation::texte_du_refus(motif, precision).map_err(Erreur::Invalide)?;
            let action =
                if motif.erreur_de_valideur { Action::SignalerErreurDeValideur } else { Action::Refuser };
            let ctx = Contexte { motif: Some(&texte), ..Contexte::default() };
            let nouveau = permis(&f, action, acteur, &ctx)?;
            enregistrer(c, bac_id, &f, (nouveau, acteur), &texte, coup, horloge)?;
            Ok(nouveau)
        }
    }
}

/// Le premier valideur désigne le mandataire du groupement comme second valideur : une
/// entreprise du registre, en activité, autre que lui-même et que le fournisseur.
fn designer_le_second_valideur(
    c: &Connection,
    bac_id: &str,
    f: &FactureStockee,
    niveau: u8,
    second: &str,
) -> Resultat<()> {
    if niveau != 1 || f.facture.cadre != CadreFacturation::A9FactureSousTraitant {
        return Err(Erreur::Invalide(
            "Seul le premier valideur d'une facture de sous-traitant (le cotraitant qui a sous-traité) désigne un \
             second valideur."
                .into(),
        ));
    }
    let second: String = second.chars().filter(|c| !c.is_whitespace()).collect();
    let fournisseur = siret_du_fournisseur(c, bac_id, f)?;
    let connu = valideur_connu(c, &second)?;
    let v = VerificationValideur {
        cadre: f.facture.cadre,
        valideur: &second,
        code_service_valideur: "",
        connu: connu.as_ref(),
        fournisseur: &fournisseur,
        destinataire: &f.facture.destinataire,
    };
    if let Some((_, message)) = validation::controler_valideur(&v) {
        return Err(Erreur::Invalide(format!("Second valideur : {message}")));
    }
    if second == f.facture.code_structure_valideur {
        return Err(Erreur::Invalide(
            "Le second valideur est le mandataire du groupement : pas vous-même, qui êtes le premier valideur.".into(),
        ));
    }
    c.execute(
        "UPDATE facture SET valideur_2 = ?3 WHERE bac_id = ?1 AND id = ?2",
        params![bac_id, f.id, second],
    )?;
    Ok(())
}

/// Chorus Pro constate que le valideur n'a pas répondu dans les 15 jours : la facture est
/// réputée validée et suit son chemin, à cette date.
pub fn constater_absence(
    c: &Connection,
    bac_id: &str,
    facture_id: &str,
    date: NaiveDate,
    horloge: &Horloge,
) -> Resultat<Statut> {
    let f = facture::charger(c, bac_id, facture_id)?;
    let ctx = Contexte {
        delai_de_validation_ecoule: validation::delai_ecoule(f.date_statut, date),
        ..Contexte::default()
    };
    let nouveau = permis(&f, Action::ConstaterAbsenceDeValidation, Acteur::Systeme, &ctx)?;
    let commentaire = format!(
        "Aucune réponse du valideur entre le {} et le {} : la facture est réputée validée (articles R2193-13 et R2193-16).",
        f.date_statut.format("%d/%m/%Y"),
        validation::dernier_jour(f.date_statut).format("%d/%m/%Y")
    );
    let coup = Coup { joueur: Joueur::Simulateur, date, regle: None };
    enregistrer(c, bac_id, &f, (nouveau, Acteur::Systeme), &commentaire, coup, horloge)?;
    transmettre(c, bac_id, facture_id, date, horloge)
}

/// Le fournisseur corrige le valideur d'une facture refusée pour erreur de valideur : le
/// nouveau valideur passe les mêmes contrôles qu'au dépôt, et ses 15 jours partent
/// d'aujourd'hui. Les anomalies reviennent au formulaire ; rien n'est alors modifié.
#[allow(clippy::too_many_arguments)]
pub fn corriger_valideur(
    c: &Connection,
    bac_id: &str,
    structure_id: &str,
    facture_id: &str,
    (siret, service): (&str, &str),
    horloge: &Horloge,
) -> Resultat<Result<(), Vec<Anomalie>>> {
    let mut f = facture::charger(c, bac_id, facture_id)?;
    if f.structure_id != structure_id {
        return Err(Erreur::Introuvable("facture"));
    }
    let nouveau = permis(&f, Action::CorrigerValideur, Acteur::Fournisseur, &Contexte::default())?;
    let siret: String = siret.chars().filter(|c| !c.is_whitespace()).collect();
    let ancien = std::mem::replace(&mut f.facture.code_structure_valideur, siret.clone());
    f.facture.code_service_valideur = service.trim().to_string();
    let fournisseur = siret_du_fournisseur(c, bac_id, &f)?;
    if let Some(a) = facture::anomalie_du_valideur(c, &f.facture, &fournisseur)? {
        return Ok(Err(vec![a]));
    }
    if siret == ancien {
        return Ok(Err(vec![Anomalie::champ(
            "code_structure_valideur",
            "VALIDEUR_INCHANGE",
            format!("C'est le valideur qui a répondu ne pas être le bon ({ancien}) : indiquez-en un autre."),
        )]));
    }
    c.execute(
        "UPDATE facture SET saisie = ?3, valideur_1 = ?4, service_valideur_1 = ?5 WHERE bac_id = ?1 AND id = ?2",
        params![
            bac_id,
            facture_id,
            serde_json::to_string(&f.facture)?,
            siret,
            Some(f.facture.code_service_valideur.as_str()).filter(|s| !s.is_empty())
        ],
    )?;
    let date = bac::bac(c, bac_id)?.date_simulee(horloge);
    let nom = valideur_connu(c, &siret)?.map(|v| v.raison_sociale).unwrap_or_default();
    let commentaire = format!("Valideur corrigé : {nom} ({siret}), à la place de {ancien}");
    let ch = Changement { statut: nouveau, acteur: Acteur::Fournisseur, date, commentaire: &commentaire };
    facture::changer_statut(c, bac_id, facture_id, ch, horloge)?;
    let moment = bac::bac(c, bac_id)?.maintenant_simule(horloge);
    notification::facture_a_valider(c, bac_id, facture_id, &siret, moment)?;
    Ok(Ok(()))
}

/// Le premier valideur corrige le second valideur (le mandataire) qui a répondu ne pas être le
/// bon (statut « Refusée par le second valideur pour erreur dans les données d'acheminement »).
pub fn corriger_second_valideur(
    c: &Connection,
    bac_id: &str,
    facture_id: &str,
    siret: &str,
    coup: Coup,
    horloge: &Horloge,
) -> Resultat<Statut> {
    let f = facture::charger(c, bac_id, facture_id)?;
    let nouveau = permis(&f, Action::CorrigerValideur, Acteur::PremierValideur, &Contexte::default())?;
    let siret: String = siret.chars().filter(|c| !c.is_whitespace()).collect();
    if Some(siret.as_str()) == f.valideur_2.as_deref() {
        return Err(Erreur::Invalide(
            "C'est le second valideur qui a répondu ne pas être le bon : indiquez le mandataire du groupement.".into(),
        ));
    }
    designer_le_second_valideur(c, bac_id, &f, 1, &siret)?;
    let commentaire = format!("Second valideur corrigé : {siret}");
    enregistrer(c, bac_id, &f, (nouveau, Acteur::PremierValideur), &commentaire, coup, horloge)?;
    let moment = coup.date.and_time(horloge.maintenant().time());
    notification::facture_a_valider(c, bac_id, facture_id, &siret, moment)?;
    Ok(nouveau)
}

/// Les motifs qu'un valideur peut donner à un refus, dans l'ordre de la liste.
pub fn motifs_de_refus() -> &'static [MotifRefus] {
    &validation::MOTIFS_REFUS
}

/// Ce que le valideur reçoit avec une facture : comment elle a été déposée, et ses fichiers
/// (le PDF déposé d'abord, puis les pièces jointes).
pub fn fichiers_a_valider(
    c: &Connection,
    bac_id: &str,
    valideur: &str,
    facture_id: &str,
) -> Resultat<(piece_jointe::ModeDepot, Vec<piece_jointe::Piece>)> {
    let (_, _, bac_id) = facture_a_valider(c, bac_id, valideur, facture_id)?;
    Ok((piece_jointe::mode_depot(c, &bac_id, facture_id)?, piece_jointe::lister(c, &bac_id, facture_id)?))
}

/// Un fichier d'une facture à valider, avec son contenu ; celui d'une autre facture ou d'un
/// autre bac est « introuvable ».
pub fn fichier_a_valider(
    c: &Connection,
    bac_id: &str,
    valideur: &str,
    facture_id: &str,
    piece_id: &str,
) -> Resultat<(piece_jointe::Piece, Vec<u8>)> {
    let (_, _, bac_id) = facture_a_valider(c, bac_id, valideur, facture_id)?;
    let (piece, contenu) = piece_jointe::contenu(c, &bac_id, piece_id)?;
    if piece.facture_id.as_deref() != Some(facture_id) {
        return Err(Erreur::Introuvable("pièce jointe"));
    }
    Ok((piece, contenu))
}

/// Un valideur que personne ne joue dans le bac, et ses factures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValideurSimule {
    pub siret: String,
    pub raison_sociale: String,
    pub factures: usize,
    pub a_traiter: usize,
}

/// Les valideurs désignés sur les factures du bac qu'aucune structure du bac ne joue : le
/// stagiaire ou le formateur peuvent jouer leur rôle (« Jouer un valideur »).
pub fn valideurs_simules(c: &Connection, bac_id: &str) -> Resultat<Vec<ValideurSimule>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT v.siret, coalesce(e.raison_sociale, ''), count(*), sum(v.a_traiter)
         FROM (SELECT valideur_1 AS siret, statut IN ('A_VALIDER_1', 'ERREUR_COTRAITANT_SUR_VALIDEUR') AS a_traiter
               FROM facture WHERE bac_id = ?1 AND valideur_1 IS NOT NULL AND statut <> 'BROUILLON'
               UNION ALL
               SELECT valideur_2, statut = 'A_VALIDER_2' FROM facture WHERE bac_id = ?1 AND valideur_2 IS NOT NULL) v
         LEFT JOIN entreprise e ON e.siret = v.siret
         WHERE NOT EXISTS (SELECT 1 FROM structure s JOIN rattachement r ON r.structure_id = s.id AND r.statut = 'VALIDE'
                           JOIN utilisateur u ON u.id = r.utilisateur_id AND NOT u.simule
                           WHERE s.bac_id = {proprietaire} AND s.identifiant = v.siret)
         GROUP BY v.siret ORDER BY 2, 1",
        proprietaire = bac::bac_du_valideur("?1", "v.siret")
    ))?;
    let v = st
        .query_map([bac_id], |r| {
            Ok(ValideurSimule {
                siret: r.get(0)?,
                raison_sociale: r.get(1)?,
                factures: r.get::<_, i64>(2)? as usize,
                a_traiter: r.get::<_, i64>(3)? as usize,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(v)
}

/// Le valideur `siret` est-il joué par personne dans ce bac (on peut alors jouer son rôle) ?
pub fn est_simule(c: &Connection, bac_id: &str, siret: &str) -> Resultat<bool> {
    Ok(valideurs_simules(c, bac_id)?.iter().any(|v| v.siret == siret))
}
