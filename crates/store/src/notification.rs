//! Les notifications d'activité que le portail envoie par courrier électronique, ici dans la
//! messagerie du bac à sable.
//!
//! Ce que fait le vrai portail (CP-NOTIF, « Gérer son compte utilisateur ») : l'utilisateur qui
//! coche « Recevoir des notifications périodiques d'activité » dans « Mon compte » reçoit chaque
//! jour un courriel sur les nouveaux événements et l'avancement de ses factures, et les
//! gestionnaires reçoivent en plus « le récapitulatif hebdomadaire » des mouvements de la
//! structure. Les messages partent vers l'adresse de contact de l'utilisateur.
//!
//! Choix du simulateur, là où les sources se taisent :
//!
//! - **Quand.** Les notifications sont produites quand l'horloge du bac avance
//!   ([`apres_avancee`], appelée par `crate::moteur::avancer` une fois que les parties simulées ont joué) :
//!   dans le simulateur, le temps ne passe que là. Elles sont datées du jour simulé concerné, à
//!   7 h 00 ([`HEURE_ENVOI`]) : les étapes de l'acheteur et du comptable simulés n'ont pas
//!   d'heure, on les considère faites dans la nuit, et le message du matin les annonce.
//! - **Activité quotidienne.** Pour chaque jour simulé `d` de l'intervalle `(de, a]` où le journal
//!   porte des changements de statut des factures d'une structure, chaque utilisateur rattaché
//!   (rattachement validé) à cette structure et qui a gardé la case cochée reçoit UN message
//!   « Activité du JJ/MM/AAAA sur Chorus Pro » : chaque facture (numéro) et son nouveau statut,
//!   avec la date. Un jour sans événement ne donne aucun message. Les actions que le stagiaire
//!   fait lui-même le jour courant (dépôt et son acheminement immédiat) ne lui sont pas
//!   renvoyées : il vient de les faire, et ce jour-là n'est pas dans l'intervalle de l'avancée
//!   suivante.
//! - **Récapitulatif hebdomadaire.** Chaque lundi de l'intervalle, à 7 h 00, chaque gestionnaire
//!   principal (rattachement validé) qui a coché « Recevoir le récapitulatif hebdomadaire » reçoit
//!   le récapitulatif de la semaine écoulée (du lundi au dimanche) pour sa structure : le nombre
//!   de changements de statut de la semaine et le nombre de factures par statut au dimanche
//!   soir, brouillons compris (un brouillon oublié n'est jamais transmis : le rappeler est
//!   utile). Une semaine sans aucun mouvement ne donne pas de récapitulatif : avancer l'horloge
//!   d'un an ne remplit pas la messagerie de récapitulatifs vides.
//! - Les statuts « au dimanche soir » se lisent dans le journal (le dernier statut de chaque
//!   facture daté d'avant le lundi), pas dans le statut courant : une avancée de plusieurs
//!   semaines donne à chaque lundi l'état de ce lundi-là.
//! - **Notification immédiate.** Le vrai portail avertit tout de suite d'un rejet (« une
//!   notification immédiate l'invitant à attester en avoir pris connaissance ») et montre une
//!   fenêtre à la connexion après un rejet ou une suspension. Ici, chaque statut donné à la main
//!   par l'acheteur public (stagiaire qui joue l'acheteur, formateur, scénario : le cas d'usage
//!   `acheteur::traiter`) envoie aussitôt UN message par événement ([`evenement_facture`]), daté
//!   de l'instant simulé, aux mêmes destinataires que l'activité quotidienne (même case cochée) :
//!   rejet, suspension, « À recycler », et aussi les étapes de traitement jusqu'à la mise en
//!   paiement. Ces actions sont datées du jour courant, que l'activité quotidienne ne couvre
//!   pas (voir plus haut) : il n'y a donc jamais de double annonce. Le calendrier de l'acheteur
//!   simulé reste résumé dans l'activité du jour.
//! - Les demandes de rattachement et leurs réponses sont des messages de compte, envoyés quelles
//!   que soient les préférences (`rattachement.rs`).

use std::collections::BTreeMap;

use chorus_domain::Statut;
use chorus_domain::compte::Role;
use chorus_domain::facture::TypeFacture;
use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use rusqlite::{Connection, OptionalExtension, params};

use crate::erreur::Resultat;
use crate::horloge::Horloge;
use crate::{compte, messagerie};

/// L'heure (simulée) des notifications, au jour qu'elles concernent.
pub const HEURE_ENVOI: NaiveTime = match NaiveTime::from_hms_opt(7, 0, 0) {
    Some(h) => h,
    None => NaiveTime::MIN,
};

/// L'objet du récapitulatif hebdomadaire.
pub const OBJET_RECAPITULATIF: &str = "Récapitulatif hebdomadaire";

/// L'objet du message d'activité d'un jour.
pub fn objet_activite(jour: NaiveDate) -> String {
    format!("Activité du {} sur Chorus Pro", jour.format("%d/%m/%Y"))
}

fn date(jour: NaiveDate) -> String {
    jour.format("%d/%m/%Y").to_string()
}

/// Un changement de statut d'une facture, tel que la notification l'annonce.
struct Mouvement {
    numero: String,
    statut: Statut,
}

/// Qui reçoit une notification : l'utilisateur et l'adresse où lui écrire.
struct Destinataire {
    prenom: String,
    nom: String,
    adresse: String,
}

/// Envoie les notifications des jours simulés `(de, a]` : l'activité quotidienne, puis le
/// récapitulatif hebdomadaire les lundis (voir l'en-tête du module). À appeler dans la
/// transaction de l'avancée d'horloge, après que les parties simulées ont joué.
pub fn apres_avancee(
    c: &Connection,
    bac_id: &str,
    de: NaiveDate,
    a: NaiveDate,
    _horloge: &Horloge,
) -> Resultat<()> {
    if a <= de {
        return Ok(());
    }
    // Les changements de statut de la période, par jour puis par structure, dans l'ordre du journal.
    let mut par_jour: BTreeMap<NaiveDate, BTreeMap<String, Vec<Mouvement>>> = BTreeMap::new();
    let mut st = c.prepare_cached(
        "SELECT j.date_simulee, f.structure_id, f.numero, j.statut
         FROM journal j JOIN facture f ON f.id = j.facture_id AND f.bac_id = j.bac_id
         WHERE j.bac_id = ?1 AND j.evenement = 'STATUT' AND j.statut IS NOT NULL
           AND j.date_simulee > ?2 AND j.date_simulee <= ?3
         ORDER BY j.date_simulee, j.id",
    )?;
    let lignes = st.query_map(params![bac_id, de, a], |r| {
        Ok((
            r.get::<_, NaiveDate>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
        ))
    })?;
    for ligne in lignes {
        let (jour, structure_id, numero, code) = ligne?;
        let Ok(statut) = Statut::depuis_code(&code) else { continue };
        par_jour.entry(jour).or_default().entry(structure_id).or_default().push(Mouvement { numero, statut });
    }

    let mut jour = de;
    while jour < a {
        jour = jour.checked_add_days(Days::new(1)).unwrap_or(a);
        if let Some(structures) = par_jour.get(&jour) {
            for (structure_id, mouvements) in structures {
                activite_du_jour(c, bac_id, structure_id, jour, mouvements)?;
            }
        }
        if jour.weekday() == Weekday::Mon {
            recapitulatifs(c, bac_id, jour)?;
        }
    }
    Ok(())
}

/// (raison sociale, identifiant) d'une structure du bac.
fn structure(c: &Connection, bac_id: &str, structure_id: &str) -> Resultat<(String, String)> {
    Ok(c.query_row(
        "SELECT raison_sociale, identifiant FROM structure WHERE bac_id = ?1 AND id = ?2",
        [bac_id, structure_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

/// Les utilisateurs rattachés (validés) à la structure qui veulent cette notification : tous
/// ceux qui ont coché l'activité quotidienne, ou les gestionnaires principaux qui ont coché le
/// récapitulatif hebdomadaire.
fn destinataires(
    c: &Connection,
    bac_id: &str,
    structure_id: &str,
    hebdomadaire: bool,
) -> Resultat<Vec<Destinataire>> {
    let mut st = c.prepare_cached(
        "SELECT u.id, u.prenom, u.nom FROM rattachement r JOIN utilisateur u ON u.id = r.utilisateur_id
         WHERE r.bac_id = ?1 AND r.structure_id = ?2 AND r.statut = 'VALIDE'
           AND CASE WHEN ?3 THEN r.role = ?4 AND u.recapitulatif_hebdomadaire ELSE u.notification_quotidienne END
         ORDER BY u.email",
    )?;
    let utilisateurs: Vec<(String, String, String)> = st
        .query_map(params![bac_id, structure_id, hebdomadaire, Role::GestionnairePrincipal.code()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    utilisateurs
        .into_iter()
        .map(|(id, prenom, nom)| {
            Ok(Destinataire { prenom, nom, adresse: compte::adresse_de_contact(c, &id)? })
        })
        .collect()
}

fn instant(jour: NaiveDate) -> NaiveDateTime {
    jour.and_time(HEURE_ENVOI)
}

fn activite_du_jour(
    c: &Connection,
    bac_id: &str,
    structure_id: &str,
    jour: NaiveDate,
    mouvements: &[Mouvement],
) -> Resultat<()> {
    let destinataires = destinataires(c, bac_id, structure_id, false)?;
    if destinataires.is_empty() {
        return Ok(());
    }
    let (raison_sociale, identifiant) = structure(c, bac_id, structure_id)?;
    let liste = mouvements
        .iter()
        .map(|m| format!("Facture {} : {} le {}", m.numero, m.statut.libelle(), date(jour)))
        .collect::<Vec<_>>()
        .join("\n\n");
    let objet = objet_activite(jour);
    for d in destinataires {
        let corps = format!(
            "Bonjour {} {},\n\nVoici l'activité du {} sur les factures de votre structure {raison_sociale} \
             ({identifiant}) :\n\n{liste}\n\nLe détail de chaque facture et son historique sont dans « Factures \
             émises ».\n\nVous recevez ce message parce que la case « Recevoir des notifications périodiques \
             d'activité » est cochée dans « Mon compte ». Vous pouvez la décocher à tout moment.",
            d.prenom,
            d.nom,
            date(jour)
        );
        messagerie::envoyer(
            c,
            bac_id,
            messagerie::Nouveau {
                destinataire: &d.adresse,
                objet: &objet,
                corps: &corps,
                lien: Some("/factures-emises"),
            },
            instant(jour),
        )?;
    }
    Ok(())
}

/// Les structures du bac dont au moins un gestionnaire principal veut le récapitulatif.
fn structures_a_recapituler(c: &Connection, bac_id: &str) -> Resultat<Vec<String>> {
    let mut st = c.prepare_cached(
        "SELECT DISTINCT r.structure_id FROM rattachement r JOIN utilisateur u ON u.id = r.utilisateur_id
         WHERE r.bac_id = ?1 AND r.statut = 'VALIDE' AND r.role = ?2 AND u.recapitulatif_hebdomadaire
         ORDER BY r.structure_id",
    )?;
    let v = st
        .query_map(params![bac_id, Role::GestionnairePrincipal.code()], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(v)
}

/// Le récapitulatif de la semaine qui s'achève la veille du lundi `lundi`.
fn recapitulatifs(c: &Connection, bac_id: &str, lundi: NaiveDate) -> Resultat<()> {
    let debut = lundi.checked_sub_days(Days::new(7)).unwrap_or(lundi);
    let dimanche = lundi.checked_sub_days(Days::new(1)).unwrap_or(lundi);
    for structure_id in structures_a_recapituler(c, bac_id)? {
        let mouvements: i64 = c
            .prepare_cached(
                "SELECT count(*) FROM journal j JOIN facture f ON f.id = j.facture_id AND f.bac_id = j.bac_id
                 WHERE j.bac_id = ?1 AND f.structure_id = ?2 AND j.evenement = 'STATUT'
                   AND j.date_simulee >= ?3 AND j.date_simulee <= ?4",
            )?
            .query_row(params![bac_id, structure_id, debut, dimanche], |r| r.get(0))?;
        if mouvements == 0 {
            continue;
        }
        // Le statut de chaque facture au dimanche soir : sa dernière entrée au journal jusque-là.
        let mut st = c.prepare_cached(
            "SELECT j.statut, count(*) FROM journal j JOIN facture f ON f.id = j.facture_id AND f.bac_id = j.bac_id
             WHERE j.bac_id = ?1 AND f.structure_id = ?2 AND j.evenement = 'STATUT' AND j.statut IS NOT NULL
               AND j.id = (SELECT max(k.id) FROM journal k
                           WHERE k.bac_id = j.bac_id AND k.facture_id = j.facture_id
                             AND k.evenement = 'STATUT' AND k.statut IS NOT NULL AND k.date_simulee <= ?3)
             GROUP BY j.statut",
        )?;
        let mut par_statut: BTreeMap<usize, (Statut, i64)> = BTreeMap::new();
        for ligne in st.query_map(params![bac_id, structure_id, dimanche], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })? {
            let (code, n) = ligne?;
            if let Ok(s) = Statut::depuis_code(&code) {
                let rang = Statut::TOUS.iter().position(|x| *x == s).unwrap_or(usize::MAX);
                par_statut.insert(rang, (s, n));
            }
        }
        let total: i64 = par_statut.values().map(|(_, n)| n).sum();
        let brouillons = par_statut.values().find(|(s, _)| *s == Statut::Brouillon).map_or(0, |(_, n)| *n);
        let liste = par_statut
            .values()
            .map(|(s, n)| format!("{} : {n}", s.libelle()))
            .collect::<Vec<_>>()
            .join("\n\n");
        let rappel = if brouillons > 0 {
            format!(
                "\n\nAttention : {brouillons} brouillon(s) enregistré(s) mais jamais envoyé(s). Un brouillon n'est pas \
                 transmis au destinataire : ouvrez-le et cliquez sur « Valider et envoyer »."
            )
        } else {
            String::new()
        };
        let (raison_sociale, identifiant) = structure(c, bac_id, &structure_id)?;
        for d in destinataires(c, bac_id, &structure_id, true)? {
            let corps = format!(
                "Bonjour {} {},\n\nVoici le récapitulatif de la semaine du lundi {} au dimanche {} pour la structure \
                 {raison_sociale} ({identifiant}), dont vous êtes gestionnaire principal.\n\nChangements de statut \
                 dans la semaine : {mouvements}.\n\nVos factures par statut au {} :\n\n{liste}\n\nTotal : {total} \
                 facture(s).{rappel}\n\nVous recevez ce message parce que la case « Recevoir le récapitulatif \
                 hebdomadaire » est cochée dans « Mon compte ».",
                d.prenom,
                d.nom,
                date(debut),
                date(dimanche),
                date(dimanche)
            );
            messagerie::envoyer(
                c,
                bac_id,
                messagerie::Nouveau {
                    destinataire: &d.adresse,
                    objet: OBJET_RECAPITULATIF,
                    corps: &corps,
                    lien: Some("/factures-emises"),
                },
                instant(lundi),
            )?;
        }
    }
    Ok(())
}

/// L'objet du message qui annonce tout de suite un changement de statut d'une facture.
pub fn objet_evenement(numero: &str, statut: Statut) -> String {
    match statut {
        Statut::Rejetee => format!("Facture {numero} rejetée"),
        Statut::Suspendue => format!("Facture {numero} suspendue"),
        Statut::ARecycler => format!("Facture {numero} à recycler"),
        autre => format!("Facture {numero} : {}", autre.libelle()),
    }
}

/// Annonce tout de suite (voir l'en-tête du module) que la facture `facture_id` est passée au
/// statut `statut`, avec le motif ou commentaire du destinataire, aux utilisateurs de la
/// structure fournisseur qui ont gardé la case des notifications d'activité cochée.
pub fn evenement_facture(
    c: &Connection,
    bac_id: &str,
    facture_id: &str,
    statut: Statut,
    commentaire: &str,
    instant_simule: NaiveDateTime,
) -> Resultat<()> {
    type Ligne =
        (String, String, String, String, bool, (Option<String>, Option<String>), (bool, Option<String>));
    let (structure_id, numero, destinataire, raison_sociale_destinataire, avoir, valideurs, (travaux, moe)): Ligne = c
        .query_row(
            "SELECT structure_id, numero, destinataire, raison_sociale_destinataire,
                coalesce(json_extract(saisie, '$.type_facture'), '') = 'AVOIR', valideur_1, valideur_2, travaux, moe
         FROM facture WHERE bac_id = ?1 AND id = ?2",
            [bac_id, facture_id],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    (r.get(5)?, r.get(6)?),
                    (r.get(7)?, r.get(8)?),
                ))
            },
        )?;
    let nom_de = |siret: &str| -> Resultat<String> {
        Ok(crate::reference::entreprise(c, siret)?.map(|e| e.raison_sociale).unwrap_or_default())
    };
    // Qui a donné le statut : le valideur de ce niveau, Chorus Pro, la maîtrise d'œuvre ou
    // d'ouvrage, ou le destinataire.
    let qui = match chorus_domain::circuit::niveau_de_validation(statut) {
        _ if statut == Statut::AbsenceValidationMoeDelaiReglementaire => {
            "Chorus Pro, faute de traitement par la maîtrise d'œuvre dans les 7 jours,".to_string()
        }
        _ if matches!(
            statut,
            Statut::PriseEnCompteMoe
                | Statut::RefuseeMoe
                | Statut::ErreurFournisseurSurMoe
                | Statut::ACompleter
        ) || (travaux && statut == Statut::TransmiseMoa) =>
        {
            let siret = moe.clone().unwrap_or_default();
            format!("la maîtrise d'œuvre {} ({siret})", nom_de(&siret)?)
        }
        _ if matches!(
            statut,
            Statut::PriseEnCompteMoa
                | Statut::RefuseeMoa
                | Statut::ErreurFournisseurSurMoa
                | Statut::AAssocierFournisseur
        ) =>
        {
            format!("le maître d'ouvrage {raison_sociale_destinataire} ({destinataire})")
        }
        _ if matches!(statut, Statut::AbsenceValidation1HorsDelai | Statut::AbsenceValidation2HorsDelai) => {
            "Chorus Pro, faute de réponse du valideur dans les 15 jours,".to_string()
        }
        Some(n) => {
            let siret = if n == 2 { valideurs.1 } else { valideurs.0 }.unwrap_or_default();
            format!("le valideur {} ({siret})", nom_de(&siret)?)
        }
        None => format!("le destinataire {raison_sociale_destinataire} ({destinataire})"),
    };
    let type_facture = if avoir { TypeFacture::Avoir } else { TypeFacture::Facture };
    let destinataires = destinataires(c, bac_id, &structure_id, false)?;
    if destinataires.is_empty() {
        return Ok(());
    }
    let (raison_sociale, identifiant) = structure(c, bac_id, &structure_id)?;
    let objet = objet_evenement(&numero, statut);
    let motif = if commentaire.trim().is_empty() {
        String::new()
    } else {
        let quoi = if matches!(
            statut,
            Statut::Rejetee
                | Statut::Suspendue
                | Statut::ARecycler
                | Statut::Refusee1
                | Statut::Refusee2
                | Statut::ErreurFournisseurSurValideur
                | Statut::ErreurCotraitantSurValideur
                | Statut::RefuseeMoe
                | Statut::RefuseeMoa
                | Statut::ErreurFournisseurSurMoe
                | Statut::ErreurFournisseurSurMoa
                | Statut::ACompleter
        ) {
            "Motif"
        } else {
            "Commentaire"
        };
        format!("\n\n{quoi} : « {} »", commentaire.trim())
    };
    let lien = if travaux {
        format!("/factures-de-travaux/{facture_id}")
    } else {
        format!("/factures-emises/{facture_id}")
    };
    for d in destinataires {
        let corps = format!(
            "Bonjour {} {},\n\nLe {} à {}, {qui} a passé la \
             facture n° {numero} de votre structure {raison_sociale} ({identifiant}) au statut « {} ».{motif}\n\n\
             Ce que cela veut dire : {}\n\nVous recevez ce message parce que la case « Recevoir des notifications \
             périodiques d'activité » est cochée dans « Mon compte ».",
            d.prenom,
            d.nom,
            date(instant_simule.date()),
            instant_simule.format("%H:%M"),
            statut.libelle(),
            statut.explication_pour(type_facture)
        );
        poster(c, bac_id, &d.adresse, (&objet, &corps, &lien), instant_simule)?;
    }
    Ok(())
}

/// Annonce aux utilisateurs de la structure valideuse (celle du SIRET `valideur`, dans ce bac)
/// qu'une facture attend sa validation : un message de compte, envoyé quelles que soient les
/// préférences, comme une demande de rattachement (le délai de 15 jours court).
pub fn facture_a_valider(
    c: &Connection,
    bac_id: &str,
    facture_id: &str,
    valideur: &str,
    instant_simule: NaiveDateTime,
) -> Resultat<()> {
    // La structure du valideur : dans ce bac, ou en classe dans celui d'un autre stagiaire, qui
    // reçoit le message dans sa messagerie.
    let Some((structure_id, bac_valideur)) = c
        .prepare_cached(&format!(
            "SELECT id, bac_id FROM structure WHERE bac_id = {} AND identifiant = ?2
             ORDER BY rowid LIMIT 1",
            crate::bac::bac_du_valideur("?1", "?2")
        ))?
        .query_row([bac_id, valideur], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .optional()?
    else {
        return Ok(());
    };
    let (numero, fournisseur, montant): (String, String, String) = c.query_row(
        "SELECT f.numero, s.raison_sociale || ' (' || s.identifiant || ')', f.total_ttc
         FROM facture f JOIN structure s ON s.id = f.structure_id AND s.bac_id = f.bac_id
         WHERE f.bac_id = ?1 AND f.id = ?2",
        [bac_id, facture_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let echeance = chorus_domain::validation::dernier_jour(instant_simule.date());
    let objet = format!("Facture {numero} à valider");
    let lien = format!("/factures-a-valider/{facture_id}");
    let mut st = c.prepare_cached(
        "SELECT u.id, u.prenom, u.nom FROM rattachement r JOIN utilisateur u ON u.id = r.utilisateur_id
         WHERE r.bac_id = ?1 AND r.structure_id = ?2 AND r.statut = 'VALIDE' AND NOT u.simule ORDER BY u.email",
    )?;
    let utilisateurs: Vec<(String, String, String)> = st
        .query_map([&bac_valideur, &structure_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, prenom, nom) in utilisateurs {
        let d = Destinataire { prenom, nom, adresse: compte::adresse_de_contact(c, &id)? };
        let corps = format!(
            "Bonjour {} {},\n\n{fournisseur} a déposé la facture n° {numero} ({montant} € TTC) et vous a désigné \
             comme valideur. Validez-la ou refusez-la dans « Factures à valider » au plus tard le {} : sans \
             réponse dans les 15 jours, elle sera réputée validée (articles R2193-13 et R2193-16 du code de la \
             commande publique).",
            d.prenom,
            d.nom,
            date(echeance),
        );
        poster(c, &bac_valideur, &d.adresse, (&objet, &corps, &lien), instant_simule)?;
    }
    Ok(())
}

/// Les utilisateurs humains de la structure du bac dont le SIRET est `siret` (une maîtrise
/// d'œuvre tenue par un stagiaire), s'il y en a une.
fn utilisateurs_de(c: &Connection, bac_id: &str, siret: &str) -> Resultat<Vec<Destinataire>> {
    let mut st = c.prepare_cached(
        "SELECT u.id, u.prenom, u.nom FROM structure s
         JOIN rattachement r ON r.structure_id = s.id AND r.bac_id = s.bac_id AND r.statut = 'VALIDE'
         JOIN utilisateur u ON u.id = r.utilisateur_id AND NOT u.simule
         WHERE s.bac_id = ?1 AND s.identifiant = ?2 ORDER BY u.email",
    )?;
    let utilisateurs: Vec<(String, String, String)> = st
        .query_map([bac_id, siret], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    utilisateurs
        .into_iter()
        .map(|(id, prenom, nom)| {
            Ok(Destinataire { prenom, nom, adresse: compte::adresse_de_contact(c, &id)? })
        })
        .collect()
}

/// Une pièce de travaux vient d'être mise à disposition de sa maîtrise d'œuvre : si c'est une
/// structure tenue dans le bac, ses utilisateurs sont prévenus, avec la date limite de ses 7
/// jours.
pub fn piece_a_traiter_par_la_moe(
    c: &Connection,
    bac_id: &str,
    facture_id: &str,
    instant_simule: NaiveDateTime,
) -> Resultat<()> {
    let (numero, fournisseur, montant, cadre, moe): (String, String, String, String, Option<String>) = c
        .query_row(
            "SELECT f.numero, s.raison_sociale || ' (' || s.identifiant || ')', f.total_ht,
                coalesce(json_extract(f.saisie, '$.cadre'), ''), f.moe
         FROM facture f JOIN structure s ON s.id = f.structure_id AND s.bac_id = f.bac_id
         WHERE f.bac_id = ?1 AND f.id = ?2",
            [bac_id, facture_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )?;
    let Some(moe) = moe else { return Ok(()) };
    let nature = chorus_domain::facture::CadreFacturation::depuis_code(&cadre)
        .map(chorus_domain::travaux::nature)
        .unwrap_or("Pièce de travaux");
    let echeance =
        chorus_domain::travaux::dernier_jour(instant_simule.date(), chorus_domain::travaux::DELAI_MOE_JOURS);
    let objet = format!("{nature} {numero} à traiter");
    let lien = format!("/factures-de-travaux/a-traiter/{facture_id}");
    for d in utilisateurs_de(c, bac_id, &moe)? {
        let corps = format!(
            "Bonjour {} {},\n\n{fournisseur} a déposé la pièce n° {numero} ({nature}, {montant} € HT) et vous \
             désigne comme maîtrise d'œuvre. Traitez-la dans « Factures de travaux » au plus tard le {} : vous \
             disposez de 7 jours, et le délai de paiement court depuis sa réception. Un écart de montant ne \
             se refuse pas : saisissez le montant que vous admettez.",
            d.prenom,
            d.nom,
            date(echeance),
        );
        poster(c, bac_id, &d.adresse, (&objet, &corps, &lien), instant_simule)?;
    }
    Ok(())
}

/// Un message du portail, avec son lien, dans la messagerie du bac.
fn poster(
    c: &Connection,
    bac_id: &str,
    adresse: &str,
    (objet, corps, lien): (&str, &str, &str),
    instant: NaiveDateTime,
) -> Resultat<()> {
    let m = messagerie::Nouveau { destinataire: adresse, objet, corps, lien: Some(lien) };
    messagerie::envoyer(c, bac_id, m, instant)?;
    Ok(())
}
