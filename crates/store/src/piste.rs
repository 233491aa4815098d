//! L'application PISTE d'un bac à sable et les jetons d'accès qu'elle obtient, pour qu'un
//! connecteur de logiciel parle à ce bac comme à Chorus Pro : `POST /api/oauth/token` avec
//! `client_id` et `client_secret` (`grant_type=client_credentials`) rend un jeton valable une
//! heure, à présenter (`Authorization: Bearer`) avec le compte technique (`cpro-account`).
//!
//! Le secret et les jetons sont tirés au hasard sur 256 bits ; seule leur empreinte SHA-256 est
//! gardée (comme les jetons personnels des formateurs) : une copie de la base ne donne accès à
//! rien.

use chrono::{DateTime, NaiveDate, Utc};
use rand::RngCore;
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use crate::erreur::Resultat;
use crate::horloge::Horloge;

/// Durée de validité d'un jeton, comme PISTE l'annonce (`expires_in`).
pub const DUREE_JETON_SECONDES: i64 = 3600;

/// Les identifiants d'une application : le secret n'est connu qu'à sa création.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identifiants {
    pub client_id: String,
    pub client_secret: String,
}

/// L'application d'un bac, sans son secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Application {
    pub client_id: String,
    /// Date simulée de la création (ou du dernier renouvellement) des identifiants.
    pub cree_le: NaiveDate,
}

fn empreinte(secret: &str) -> String {
    Sha256::digest(secret.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

fn au_hasard(octets: usize) -> String {
    let mut tirage = vec![0u8; octets];
    rand::rngs::OsRng.fill_bytes(&mut tirage);
    tirage.iter().map(|b| format!("{b:02x}")).collect()
}

/// L'application du bac, si elle a été créée.
pub fn application(c: &Connection, bac_id: &str) -> Resultat<Option<Application>> {
    Ok(c.prepare_cached("SELECT client_id, cree_le FROM client_piste WHERE bac_id = ?1")?
        .query_row([bac_id], |r| Ok(Application { client_id: r.get(0)?, cree_le: r.get(1)? }))
        .optional()?)
}

/// Crée l'application du bac ou en renouvelle les identifiants : l'ancien secret cesse aussitôt
/// de fonctionner, et les jetons déjà délivrés avec lui aussi.
pub fn renouveler(c: &Connection, bac_id: &str, horloge: &Horloge) -> Resultat<Identifiants> {
    let identifiants =
        Identifiants { client_id: format!("cpro-bac-{}", au_hasard(8)), client_secret: au_hasard(32) };
    definir(c, bac_id, &identifiants, horloge)?;
    Ok(identifiants)
}

/// Donne au bac ces identifiants-là (ceux, fixes et documentés, des bacs de démonstration).
pub fn definir(c: &Connection, bac_id: &str, identifiants: &Identifiants, horloge: &Horloge) -> Resultat<()> {
    let date = crate::bac::bac(c, bac_id)?.date_simulee(horloge);
    c.execute(
        "INSERT INTO client_piste (bac_id, client_id, secret, cree_le) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (bac_id) DO UPDATE SET client_id = excluded.client_id, secret = excluded.secret,
             cree_le = excluded.cree_le",
        params![bac_id, identifiants.client_id, empreinte(&identifiants.client_secret), date],
    )?;
    c.execute("DELETE FROM jeton_piste WHERE bac_id = ?1", [bac_id])?;
    Ok(())
}

/// Vérifie `client_id` et `client_secret` : le bac de l'application, ou `None` pour un
/// identifiant inconnu comme pour un mauvais secret (PISTE répond la même chose aux deux).
pub fn authentifier(c: &Connection, client_id: &str, client_secret: &str) -> Resultat<Option<String>> {
    // Comparer les empreintes en base suffit : le secret est tiré au hasard sur 256 bits, il n'y
    // a rien à deviner octet par octet (comme pour les jetons des formateurs).
    Ok(c.prepare_cached("SELECT bac_id FROM client_piste WHERE client_id = ?1 AND secret = ?2")?
        .query_row([client_id, &empreinte(client_secret)], |r| r.get(0))
        .optional()?)
}

/// Un jeton d'accès nouveau pour le bac, valable [`DUREE_JETON_SECONDES`] à partir de
/// `maintenant` (temps réel : l'horloge simulée du bac ne fait pas expirer les jetons).
pub fn emettre_jeton(c: &Connection, bac_id: &str, maintenant: DateTime<Utc>) -> Resultat<String> {
    let jeton = au_hasard(32);
    c.prepare_cached("INSERT INTO jeton_piste (empreinte, bac_id, expire_le) VALUES (?1, ?2, ?3)")?
        .execute(params![empreinte(&jeton), bac_id, maintenant.timestamp() + DUREE_JETON_SECONDES])?;
    Ok(jeton)
}

/// Le bac du jeton présenté, s'il existe et n'a pas expiré.
pub fn bac_du_jeton(c: &Connection, jeton: &str, maintenant: DateTime<Utc>) -> Resultat<Option<String>> {
    Ok(c.prepare_cached("SELECT bac_id FROM jeton_piste WHERE empreinte = ?1 AND expire_le > ?2")?
        .query_row(params![empreinte(jeton), maintenant.timestamp()], |r| r.get(0))
        .optional()?)
}

/// Efface les jetons expirés (l'entretien du serveur le fait chaque minute).
pub fn purger_les_jetons(c: &Connection, maintenant: DateTime<Utc>) -> Resultat<()> {
    c.prepare_cached("DELETE FROM jeton_piste WHERE expire_le <= ?1")?.execute([maintenant.timestamp()])?;
    Ok(())
}

/// Une facture de la structure, telle que `factures/v1/rechercher/fournisseur` la décrit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactureTrouvee {
    /// L'identifiant entier de la facture pour l'API (`identifiantFactureCPP`) : son rang
    /// dans le bac, stable et unique dans le bac (choix du simulateur ; le vrai service a un
    /// identifiant propre à toute la plateforme).
    pub identifiant_cpp: i64,
    pub id: String,
    pub numero: String,
    pub statut: String,
    pub type_facture: String,
    pub date_facture: NaiveDate,
    pub date_depot: Option<NaiveDate>,
    pub date_statut: NaiveDate,
    pub destinataire: String,
    pub raison_sociale_destinataire: String,
    pub code_service: String,
    pub numero_engagement: String,
    pub numero_marche: String,
    pub montant_ht: String,
    pub montant_ttc: String,
    pub montant_a_payer: String,
    pub numero_flux_depot: Option<String>,
    pub mode_depot: String,
    pub rejet_traite: bool,
    /// Le SIRET et la raison sociale de la structure qui l'a envoyée.
    pub fournisseur: String,
    pub raison_sociale_fournisseur: String,
}

/// De quel côté on cherche : les factures envoyées par une structure, ou les factures reçues
/// par les structures publiques du bac (l'une d'elles, par son SIRET).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cote<'a> {
    Fournisseur(&'a str),
    Destinataire(Option<&'a str>),
}

/// Les critères de recherche retenus (les autres champs du vrai service sont ignorés).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Criteres {
    pub numero_facture: Option<String>,
    pub numero_flux_depot: Option<String>,
    pub statuts: Vec<String>,
    pub type_facture: Option<String>,
}

/// Les factures de la structure qui répondent aux critères, les plus récentes d'abord : la
/// page demandée (numérotée à partir de 1) et le nombre total.
pub fn factures_du_fournisseur(
    c: &Connection,
    bac_id: &str,
    structure_id: &str,
    criteres: &Criteres,
    page: usize,
    par_page: usize,
) -> Resultat<(Vec<FactureTrouvee>, usize)> {
    rechercher_factures(c, bac_id, Cote::Fournisseur(structure_id), criteres, page, par_page)
}

/// Les factures du côté demandé qui répondent aux critères, les plus récentes d'abord : la page
/// demandée (numérotée à partir de 1) et le nombre total. Côté destinataire, une facture n'est
/// là qu'une fois mise à sa disposition.
pub fn rechercher_factures(
    c: &Connection,
    bac_id: &str,
    cote: Cote<'_>,
    criteres: &Criteres,
    page: usize,
    par_page: usize,
) -> Resultat<(Vec<FactureTrouvee>, usize)> {
    let statuts = serde_json::to_string(&criteres.statuts)?;
    let (fournisseur, destinataire, recues) = match cote {
        Cote::Fournisseur(s) => (Some(s), None, false),
        Cote::Destinataire(d) => (None, d, true),
    };
    let filtre = "FROM facture f JOIN structure s ON s.id = f.structure_id AND s.bac_id = f.bac_id
         WHERE f.bac_id = ?1 AND f.statut <> 'BROUILLON'
          AND (?2 IS NULL OR f.structure_id = ?2)
          AND (NOT ?9 OR (f.date_mise_a_disposition IS NOT NULL AND (?10 IS NULL OR f.destinataire = ?10)))
          AND (?3 IS NULL OR f.numero = ?3) AND (?4 IS NULL OR f.numero_flux_depot = ?4)
          AND (?5 = '[]' OR f.statut IN (SELECT value FROM json_each(?5)))
          AND (?6 IS NULL OR json_extract(f.saisie, '$.type_facture') = ?6)";
    let par_page_sql = i64::try_from(par_page).unwrap_or(i64::MAX);
    let decalage = i64::try_from(page.saturating_sub(1).saturating_mul(par_page)).unwrap_or(i64::MAX);
    let p = params![
        bac_id,
        fournisseur,
        criteres.numero_facture,
        criteres.numero_flux_depot,
        statuts,
        criteres.type_facture,
        par_page_sql,
        decalage,
        recues,
        destinataire
    ];
    let total: i64 = c.prepare_cached(&format!("SELECT count(*) {filtre}"))?.query_row(p, |r| r.get(0))?;
    let mut st = c.prepare_cached(&format!(
        "SELECT f.ordre, f.id, f.numero, f.statut, json_extract(f.saisie, '$.type_facture'), f.date_facture,
                f.date_depot, f.date_statut, f.destinataire, f.raison_sociale_destinataire,
                coalesce(json_extract(f.saisie, '$.code_service'), ''),
                coalesce(json_extract(f.saisie, '$.numero_engagement'), ''),
                coalesce(json_extract(f.saisie, '$.numero_marche'), ''),
                f.total_ht, f.total_ttc, f.montant_a_payer, f.numero_flux_depot, f.mode_depot,
                f.rejet_traite_le IS NOT NULL, s.identifiant, s.raison_sociale
         {filtre} ORDER BY f.ordre DESC LIMIT ?7 OFFSET ?8"
    ))?;
    let lignes = st
        .query_map(p, |r| {
            Ok(FactureTrouvee {
                identifiant_cpp: r.get(0)?,
                id: r.get(1)?,
                numero: r.get(2)?,
                statut: r.get(3)?,
                type_facture: r.get(4)?,
                date_facture: crate::colonne::date(r, 5)?,
                date_depot: crate::colonne::date_ou_rien(r, 6)?,
                date_statut: crate::colonne::date(r, 7)?,
                destinataire: r.get(8)?,
                raison_sociale_destinataire: r.get(9)?,
                code_service: r.get(10)?,
                numero_engagement: r.get(11)?,
                numero_marche: r.get(12)?,
                montant_ht: r.get(13)?,
                montant_ttc: r.get(14)?,
                montant_a_payer: r.get(15)?,
                numero_flux_depot: r.get(16)?,
                mode_depot: r.get(17)?,
                rejet_traite: r.get(18)?,
                fournisseur: r.get(19)?,
                raison_sociale_fournisseur: r.get(20)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((lignes, usize::try_from(total).unwrap_or(0)))
}

/// L'identifiant interne de la facture de rang `identifiant_cpp` dans le bac, si elle est de la
/// structure (celle d'une autre structure ou d'un autre bac est introuvable).
pub fn facture_de_l_identifiant(
    c: &Connection,
    bac_id: &str,
    structure_id: &str,
    identifiant_cpp: i64,
) -> Resultat<Option<String>> {
    Ok(c.prepare_cached("SELECT id FROM facture WHERE bac_id = ?1 AND ordre = ?2 AND structure_id = ?3")?
        .query_row(params![bac_id, identifiant_cpp, structure_id], |r| r.get(0))
        .optional()?)
}

/// L'identifiant interne de la facture de rang `identifiant_cpp` du bac, si elle a été mise à
/// la disposition de son destinataire (le compte technique du bac peut jouer les destinataires
/// de ses factures, comme il joue l'acheteur public sur le portail).
pub fn facture_recue_de_l_identifiant(
    c: &Connection,
    bac_id: &str,
    identifiant_cpp: i64,
) -> Resultat<Option<String>> {
    Ok(c.prepare_cached(
        "SELECT id FROM facture WHERE bac_id = ?1 AND ordre = ?2 AND date_mise_a_disposition IS NOT NULL",
    )?
    .query_row(params![bac_id, identifiant_cpp], |r| r.get(0))
    .optional()?)
}

/// L'identifiant interne de la facture de rang `identifiant_cpp` du bac, quelle que soit sa
/// structure (brouillons exclus) : l'appelant vérifie ensuite le droit de la voir (le valideur
/// désigné, par exemple).
pub fn facture_du_bac(c: &Connection, bac_id: &str, identifiant_cpp: i64) -> Resultat<Option<String>> {
    Ok(c.prepare_cached("SELECT id FROM facture WHERE bac_id = ?1 AND ordre = ?2 AND statut <> 'BROUILLON'")?
        .query_row(params![bac_id, identifiant_cpp], |r| r.get(0))
        .optional()?)
}

/// Plusieurs fichiers en une archive ZIP (`telecharger/groupe` de plusieurs factures).
pub fn archive_zip(fichiers: &[(String, Vec<u8>)]) -> Resultat<Vec<u8>> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (nom, contenu) in fichiers {
        zip.start_file(nom.as_str(), options)
            .map_err(|e| crate::Erreur::Invalide(format!("archive : {e}")))?;
        zip.write_all(contenu)?;
    }
    Ok(zip.finish().map_err(|e| crate::Erreur::Invalide(format!("archive : {e}")))?.into_inner())
}

/// Le rang (`identifiantFactureCPP`) d'une facture du bac.
pub fn identifiant_cpp(c: &Connection, bac_id: &str, facture_id: &str) -> Resultat<i64> {
    Ok(c.prepare_cached("SELECT ordre FROM facture WHERE bac_id = ?1 AND id = ?2")?
        .query_row([bac_id, facture_id], |r| r.get(0))?)
}

/// L'identifiant entier d'une structure de l'annuaire pour l'API (`idStructureCPP`) : son SIRET
/// lu comme un nombre (choix du simulateur : stable d'un import de l'annuaire à l'autre, et
/// sans table de correspondance). `None` pour un identifiant qui n'est pas un SIRET.
pub fn id_cpp_de_l_annuaire(identifiant: &str) -> Option<i64> {
    (identifiant.len() == 14 && identifiant.bytes().all(|b| b.is_ascii_digit()))
        .then(|| identifiant.parse().ok())
        .flatten()
}

/// Le SIRET d'un `idStructureCPP` (14 chiffres, zéros de tête compris).
pub fn identifiant_de_l_id_cpp(id_cpp: i64) -> Option<String> {
    (0..100_000_000_000_000).contains(&id_cpp).then(|| format!("{id_cpp:014}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;

    #[test]
    fn un_jeton_vaut_une_heure_puis_est_efface_et_un_secret_renouvele_revoque_les_jetons() {
        let dossier = tempfile::tempdir().unwrap();
        let store = Store::ouvrir(dossier.path()).unwrap();
        let horloge = Horloge::fixe(NaiveDate::from_ymd_opt(2026, 11, 22).unwrap());
        crate::demo::initialiser(&store, &horloge).unwrap();
        let demo = crate::demo::identifiants_piste_demo(1);
        let bac =
            store.lire(|c| authentifier(c, &demo.client_id, &demo.client_secret)).unwrap().expect("bac");
        assert_eq!(store.lire(|c| authentifier(c, &demo.client_id, "faux")).unwrap(), None);

        let t0 = horloge.maintenant();
        let jeton = store.ecrire(|c| emettre_jeton(c, &bac, t0)).unwrap();
        let avant = t0 + chrono::Duration::seconds(DUREE_JETON_SECONDES - 1);
        let apres = t0 + chrono::Duration::seconds(DUREE_JETON_SECONDES);
        assert_eq!(store.lire(|c| bac_du_jeton(c, &jeton, avant)).unwrap().as_deref(), Some(bac.as_str()));
        assert_eq!(store.lire(|c| bac_du_jeton(c, &jeton, apres)).unwrap(), None);
        store.ecrire(|c| purger_les_jetons(c, apres)).unwrap();
        let restants: i64 =
            store.lire(|c| Ok(c.query_row("SELECT count(*) FROM jeton_piste", [], |r| r.get(0))?)).unwrap();
        assert_eq!(restants, 0);

        let jeton = store.ecrire(|c| emettre_jeton(c, &bac, t0)).unwrap();
        let nouveaux = store.ecrire(|c| renouveler(c, &bac, &horloge)).unwrap();
        assert_eq!(store.lire(|c| bac_du_jeton(c, &jeton, t0)).unwrap(), None, "renewing revokes the tokens");
        assert_eq!(store.lire(|c| authentifier(c, &demo.client_id, &demo.client_secret)).unwrap(), None);
        assert_eq!(
            store.lire(|c| authentifier(c, &nouveaux.client_id, &nouveaux.client_secret)).unwrap().as_deref(),
            Some(bac.as_str())
        );

        // Le journal des appels garde les 200 derniers.
        let appel = |n: i64| Appel {
            horodatage: t0,
            methode: "POST".into(),
            service: format!("/cpro/appel/{n}"),
            statut_http: 200,
            code_retour: Some(0),
            duree_us: n,
            requete: "{}".into(),
            reponse: "{}".into(),
        };
        for n in 0..(APPELS_GARDES + 5) {
            store.ecrire(|c| noter_appel(c, &bac, &appel(n))).unwrap();
        }
        let gardes = store.lire(|c| appels(c, &bac)).unwrap();
        assert_eq!(gardes.len() as i64, APPELS_GARDES);
        assert_eq!(gardes[0].service, format!("/cpro/appel/{}", APPELS_GARDES + 4));
        assert_eq!(gardes.last().unwrap().service, "/cpro/appel/5");
    }

    #[test]
    fn un_siret_et_son_identifiant_entier_vont_et_reviennent() {
        assert_eq!(id_cpp_de_l_annuaire("00000000012887"), Some(12887));
        assert_eq!(identifiant_de_l_id_cpp(12887).as_deref(), Some("00000000012887"));
        assert_eq!(
            id_cpp_de_l_annuaire("21852884200097").and_then(identifiant_de_l_id_cpp).as_deref(),
            Some("21852884200097")
        );
        assert_eq!(id_cpp_de_l_annuaire("DE123456789"), None);
        assert_eq!(identifiant_de_l_id_cpp(-1), None);
    }
}

/// Un appel de l'API Chorus Pro, tel que le journal des appels le montre.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appel {
    pub horodatage: DateTime<Utc>,
    pub methode: String,
    pub service: String,
    pub statut_http: u16,
    pub code_retour: Option<i64>,
    pub duree_us: i64,
    pub requete: String,
    pub reponse: String,
}

/// Le nombre d'appels gardés par bac : le journal reste borné, quel que soit le connecteur.
pub const APPELS_GARDES: i64 = 200;

/// Note un appel au journal du bac, et oublie les plus anciens au-delà de [`APPELS_GARDES`].
pub fn noter_appel(c: &Connection, bac_id: &str, a: &Appel) -> Resultat<()> {
    c.prepare_cached(
        "INSERT INTO appel_api (bac_id, horodatage, methode, service, statut_http, code_retour, duree_us, requete, reponse)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        bac_id,
        a.horodatage,
        a.methode,
        a.service,
        a.statut_http,
        a.code_retour,
        a.duree_us,
        a.requete,
        a.reponse
    ])?;
    c.prepare_cached(
        "DELETE FROM appel_api WHERE bac_id = ?1 AND id <= (
             SELECT id FROM appel_api WHERE bac_id = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2)",
    )?
    .execute(params![bac_id, APPELS_GARDES])?;
    Ok(())
}

/// Les appels du bac, le plus récent d'abord.
pub fn appels(c: &Connection, bac_id: &str) -> Resultat<Vec<Appel>> {
    let mut st = c.prepare_cached(
        "SELECT horodatage, methode, service, statut_http, code_retour, duree_us, requete, reponse
         FROM appel_api WHERE bac_id = ?1 ORDER BY id DESC",
    )?;
    let v = st
        .query_map([bac_id], |r| {
            Ok(Appel {
                horodatage: crate::colonne::horodatage(r, 0)?,
                methode: r.get(1)?,
                service: r.get(2)?,
                statut_http: r.get(3)?,
                code_retour: r.get(4)?,
                duree_us: r.get(5)?,
                requete: r.get(6)?,
                reponse: r.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(v)
}
