//! Le contrat de l'API Chorus Pro du simulateur : une seule table des services, d'où viennent à
//! la fois les routes du serveur ([`routes_des_services`]) et le document OpenAPI publié sur
//! `/api/openapi.json` ([`openapi`]). Un service n'existe pas sans sa description ; chaque
//! exemple de requête est rejoué par un test, qui vérifie que la réponse porte bien les champs
//! annoncés.

use axum::Json;
use axum::extract::DefaultBodyLimit;
use axum::routing::{MethodRouter, get, post};
use serde_json::{Map, Value, json};

use super::{
    engagements, factures, pieces, recipiendaire, structures, suites, transverses, travaux, valideur,
};
use crate::etat::AppState;

/// Un service de l'API : son adresse sous `/cpro`, ce qu'il fait, les champs qu'il lit et ceux
/// de sa réponse (au premier niveau, `codeRetour` et `libelle` en plus), un exemple de requête.
pub struct Service {
    pub chemin: &'static str,
    /// `GET` (le seul : `health-check`) ou `POST`.
    pub get: bool,
    pub resume: &'static str,
    pub requete: &'static [&'static str],
    pub reponse: &'static [&'static str],
    /// Un corps accepté dans le bac de démonstration `formation1` une fois une facture soumise
    /// (`identifiantFactureCPP` 1) ; `None` quand l'exemple demande un état préalable (une
    /// facture suspendue, un flux déposé…) : ces services ont leur propre test.
    pub exemple: Option<&'static str>,
    pub route: fn() -> MethodRouter<AppState>,
}

const FACTURE_A_SOUMETTRE: &str = r#"{"modeDepot": "SAISIE_API", "numeroFactureSaisi": "CONTRAT-1", "dateFacture": "2026-11-20", "destinataire": {"codeDestinataire": "21852884200097"}, "cadreDeFacturation": {"codeCadreFacturation": "A1_FACTURE_FOURNISSEUR"}, "references": {"deviseFacture": "EUR", "typeFacture": "FACTURE", "typeTva": "TVA_SUR_DEBIT", "modePaiement": "VIREMENT"}, "lignePoste": [{"lignePosteNumero": 1, "lignePosteDenomination": "Journée de formation", "lignePosteQuantite": 2, "lignePosteUnite": "jour", "lignePosteMontantUnitaireHT": 600, "lignePosteTauxTvaManuel": 20}], "montantTotal": {"montantHtTotal": 1200, "montantTVA": 240, "montantTtcTotal": 1440, "montantAPayer": 1440}}"#;

/// Les champs d'un compte rendu de flux (`consulterCR` et `consulterCRDetaille` rendent les mêmes).
const CHAMPS_COMPTE_RENDU: &[&str] = &[
    "etatCourantFlux",
    "etatCourantDepotFlux",
    "nomFichierFlux",
    "dateDepotFlux",
    "dateHeureEtatCourantFlux",
    "listeErreurDP",
    "listeErreurTechnique",
];

macro_rules! service {
    ($chemin:literal, $resume:literal, [$($requete:literal),*], [$($reponse:literal),*], $exemple:expr, $route:expr) => {
        Service {
            chemin: $chemin,
            get: false,
            resume: $resume,
            requete: &[$($requete),*],
            reponse: &[$($reponse),*],
            exemple: $exemple,
            route: || post($route),
        }
    };
}

/// Les services, dans l'ordre où un connecteur les découvre (et où le test rejoue leurs
/// exemples : la facture soumise d'abord, traitée par son destinataire à la fin).
pub const SERVICES: &[Service] = &[
    Service {
        chemin: "/transverses/v1/health-check",
        get: true,
        resume: "L'état du service.",
        requete: &[],
        reponse: &["body", "statusCodeValue", "statusCode"],
        exemple: Some(""),
        route: || get(transverses::sante),
    },
    service!(
        "/transverses/v1/recuperer/devises",
        "Les devises (l'euro seul).",
        ["codeLangue"],
        ["listeDevises"],
        Some("{}"),
        transverses::devises
    ),
    service!(
        "/transverses/v1/recuperer/pays",
        "Les pays (France et Union européenne).",
        ["codeLangue"],
        ["listePays"],
        Some("{}"),
        transverses::pays
    ),
    service!(
        "/transverses/v1/recuperer/tauxtva",
        "Les codes de taux de TVA attestés (TVA1).",
        ["codeLangue"],
        ["listeTauxTva"],
        Some("{}"),
        transverses::taux_tva
    ),
    service!(
        "/transverses/v1/recuperer/modedepot",
        "Les modes de dépôt.",
        [],
        ["listeModeDepot"],
        Some("{}"),
        transverses::modes_depot
    ),
    service!(
        "/transverses/v1/recuperer/modereglements",
        "Les modes de paiement.",
        [],
        ["listeModePaiement"],
        Some("{}"),
        transverses::modes_reglement
    ),
    service!(
        "/transverses/v1/recuperer/cadrefacturation",
        "Les cadres de facturation d'un type de demande de paiement.",
        ["typeDemandePaiement"],
        ["listeCadreFacturation"],
        Some(r#"{"typeDemandePaiement": "FACTURE"}"#),
        transverses::cadres
    ),
    service!(
        "/transverses/v1/recuperer/typeidentifiant/structure",
        "Les types d'identifiant de structure.",
        [],
        ["listeTypeIdentifiant"],
        Some("{}"),
        transverses::types_identifiant
    ),
    service!(
        "/transverses/v1/recuperer/formatflux",
        "Les syntaxes de flux lues.",
        [],
        ["listeFormatFlux"],
        Some("{}"),
        transverses::formats_flux
    ),
    service!(
        "/transverses/v1/recuperer/typedp",
        "Les types de demande de paiement.",
        [],
        ["listeTypeDemandePaiement"],
        Some("{}"),
        transverses::types_demande_paiement
    ),
    service!(
        "/transverses/v1/recuperer/etats/traitement",
        "Les statuts qu'un destinataire peut donner depuis un statut.",
        ["statutCourant"],
        ["listeStatutsPossiblesPourTraitement"],
        Some(r#"{"statutCourant": "MISE_A_DISPOSITION"}"#),
        transverses::etats_traitement
    ),
    service!(
        "/transverses/v1/recuperer/coordbanc/valides",
        "Les coordonnées bancaires actives de la structure.",
        ["idStructure"],
        ["listeCoordonneeBancaire"],
        Some(r#"{"idStructure": 0}"#),
        transverses::coordonnees_bancaires
    ),
    service!(
        "/transverses/v1/recuperer/structures/actives/fournisseur",
        "La structure du compte technique.",
        [],
        ["listeStructures"],
        Some("{}"),
        transverses::structures_fournisseur
    ),
    service!(
        "/transverses/v1/recuperer/structures/actives/destinataire",
        "Les structures publiques que joue le compte technique.",
        [],
        ["listeStructures"],
        Some("{}"),
        transverses::structures_destinataire
    ),
    service!(
        "/transverses/v1/telecharger/annuaire/destinataire",
        "L'annuaire des destinataires (CSV de l'export, en base64).",
        [],
        ["fichierResultat"],
        Some("{}"),
        transverses::annuaire
    ),
    service!(
        "/utilisateurs/v1/monCompte/recuperer/rattachements",
        "Les rattachements du compte.",
        [],
        ["listeStructureRattachement", "parametresRetour"],
        Some("{}"),
        transverses::rattachements
    ),
    service!(
        "/transverses/v1/rechercher/destinataire",
        "Chercher un destinataire dans l'annuaire.",
        ["identifiant", "nomVilleCodePostal", "parametresRecherche"],
        ["listeDestinataires", "parametresRetour"],
        Some(r#"{"nomVilleCodePostal": "VALCOMBE"}"#),
        structures::rechercher_destinataire
    ),
    service!(
        "/transverses/v1/consulter/information/siret",
        "Un SIRET dans le registre (fictif) des entreprises.",
        ["siretStructure"],
        ["siret", "siren", "raisonSociale", "categorieJuridique", "adresse", "estActif"],
        Some(r#"{"siretStructure": "92391234900068"}"#),
        structures::information_siret
    ),
    service!(
        "/structures/v1/rechercher",
        "Chercher une structure.",
        ["structure", "parametres"],
        ["listeStructures", "parametresRetour"],
        Some(r#"{"structure": {"identifiantStructure": "21852884200097"}}"#),
        structures::rechercher
    ),
    service!(
        "/structures/v1/consulter",
        "Une structure et ses paramètres de facturation.",
        ["idStructureCPP", "idStructure", "codeLangue"],
        ["informationGenerales", "parametres", "adressePostaleDuSiege"],
        Some(r#"{"idStructureCPP": 21852884200097}"#),
        structures::consulter
    ),
    service!(
        "/structures/v1/rechercher/services",
        "Les services d'une structure.",
        ["idStructure", "parametresRechercherServicesStructure"],
        ["listeServices", "parametresRetour"],
        Some(r#"{"idStructure": 21852884200097}"#),
        structures::services
    ),
    service!(
        "/structures/v1/consulter/service",
        "Un service d'une structure.",
        ["idStructure", "idService"],
        ["informationsGenerales", "parametres", "adressePostale"],
        Some(r#"{"idStructure": 21852884200097, "idService": 1}"#),
        structures::consulter_service
    ),
    service!(
        "/structures/v1/lister/rattachementsutilisateur",
        "Les services de la structure du compte technique.",
        ["idStructure", "parametresListerRattachementsStructureUtilisateur"],
        [
            "idStructure",
            "identifiantStructure",
            "designationStructure",
            "listeServices",
            "premierService",
            "parametresRetour"
        ],
        Some(r#"{"idStructure": 0}"#),
        transverses::rattachements_utilisateur
    ),
    service!(
        "/engagementsJuridiques/v1/rechercher",
        "Les engagements juridiques (bons de commande, marchés) d'un acheteur.",
        [
            "structureReceptriceEngagementJuridique",
            "numeroEngagementJuridique",
            "etatCourantEngagementJuridique",
            "parametresRechercherEngagementJuridique"
        ],
        ["listeEngagementJuridique", "parametresRetour"],
        Some(
            r#"{"structureReceptriceEngagementJuridique": 21852884200097, "numeroEngagementJuridique": "BC-2026-0147", "etatCourantEngagementJuridique": "COMMANDE"}"#
        ),
        engagements::rechercher
    ),
    service!(
        "/transverses/v1/recuperer/motifs/exonerationtva",
        "Les mentions d'exonération de TVA proposées (codes du simulateur).",
        ["codeLangue"],
        ["listeMotifsExonerationTva"],
        Some(r#"{"codeLangue": "fr"}"#),
        transverses::motifs_exoneration
    ),
    service!(
        "/transverses/v1/recuperer/typespj",
        "Les types de pièces jointes d'une facture.",
        ["typeObjet", "codeLangue"],
        ["listeTypePieceJointe"],
        Some(r#"{"typeObjet": "FACTURE"}"#),
        pieces::types
    ),
    Service {
        chemin: "/transverses/v1/ajouter/fichier",
        get: false,
        resume: "Envoyer un fichier (base64) qu'une facture citera par son numéro.",
        requete: &["pieceJointeFichier", "pieceJointeNom", "pieceJointeTypeMime", "pieceJointeExtension"],
        reponse: &["pieceJointeId"],
        exemple: Some(
            r#"{"pieceJointeFichier": "Qm9uIGRlIGNvbW1hbmRlIG4gQkMtMjAyNi0wMTQ3", "pieceJointeNom": "bon-de-commande", "pieceJointeTypeMime": "text/plain", "pieceJointeExtension": "TXT"}"#,
        ),
        route: || post(pieces::ajouter_fichier).layer(DefaultBodyLimit::max(crate::api::flux::CORPS_MAX)),
    },
    service!(
        "/factures/v1/soumettre",
        "Soumettre une facture saisie.",
        [
            "modeDepot",
            "numeroFactureSaisi",
            "dateFacture",
            "destinataire",
            "fournisseur",
            "cadreDeFacturation",
            "references",
            "lignePoste",
            "ligneTva",
            "montantTotal",
            "pieceJointePrincipale",
            "pieceJointeComplementaire",
            "commentaire"
        ],
        ["identifiantFactureCPP", "numeroFacture", "statutFacture", "dateDepot"],
        Some(FACTURE_A_SOUMETTRE),
        factures::soumettre
    ),
    Service {
        chemin: "/factures/v1/deposer/flux",
        get: false,
        resume: "Déposer un flux (Factur-X, UBL, CII) en base64.",
        requete: &["fichierFlux", "nomFichier", "syntaxeFlux", "avecSignature"],
        reponse: &["numeroFluxDepot", "dateDepot"],
        exemple: None,
        route: || post(factures::deposer_flux).layer(DefaultBodyLimit::max(crate::api::flux::CORPS_MAX)),
    },
    Service {
        chemin: "/transverses/v1/consulterCR",
        get: false,
        resume: "Le compte rendu d'un flux.",
        requete: &["numeroFluxDepot"],
        reponse: CHAMPS_COMPTE_RENDU,
        exemple: None,
        route: || post(transverses::compte_rendu),
    },
    Service {
        chemin: "/transverses/v1/consulterCRDetaille",
        get: false,
        resume: "Le compte rendu détaillé d'un flux.",
        requete: &["numeroFluxDepot"],
        reponse: CHAMPS_COMPTE_RENDU,
        exemple: None,
        route: || post(transverses::compte_rendu),
    },
    service!(
        "/factures/v1/rechercher/fournisseur",
        "Les factures envoyées par la structure.",
        [
            "numeroFacture",
            "numeroFluxDepot",
            "statutCourant",
            "typeFacture",
            "rechercheFactureParFournisseur"
        ],
        ["listeFactures", "parametresRetour"],
        Some("{}"),
        factures::rechercher_fournisseur
    ),
    service!(
        "/factures/v1/consulter/fournisseur",
        "Une facture envoyée, complète.",
        ["identifiantFactureCPP"],
        ["facture"],
        Some(r#"{"identifiantFactureCPP": 1}"#),
        factures::consulter_fournisseur
    ),
    service!(
        "/factures/v1/consulter/historique",
        "L'historique des statuts d'une facture.",
        ["idFacture", "identifiantFactureCPP"],
        ["statutCourantCode", "historiquesDesStatuts"],
        Some(r#"{"idFacture": 1}"#),
        factures::historique
    ),
    service!(
        "/factures/v1/telecharger/groupe",
        "Le PDF des factures demandées (plusieurs : une archive ZIP).",
        ["format", "listeFacture", "avecPiecesJointesComplementaires"],
        ["fichierResultat"],
        Some(r#"{"format": "PDF", "listeFacture": [{"idFacture": 1}]}"#),
        factures::telecharger_groupe
    ),
    service!(
        "/factures/v1/rechercher/recipiendaire",
        "Les factures reçues par les destinataires que joue le compte.",
        [
            "idDestinataire",
            "structureDestinataire",
            "statutCourant",
            "numeroFacture",
            "typeFacture",
            "paramRecherche"
        ],
        ["listeFactures", "parametresRetour"],
        Some("{}"),
        recipiendaire::rechercher
    ),
    service!(
        "/factures/v1/consulter/recipiendaire",
        "Une facture reçue, complète.",
        ["idFacture"],
        ["facture"],
        Some(r#"{"idFacture": 1}"#),
        recipiendaire::consulter
    ),
    service!(
        "/factures/v1/traiter/recue",
        "Le destinataire donne un statut à une facture reçue.",
        ["idFacture", "nouveauStatut", "motif", "numeroDPMandat"],
        ["idFacture", "numeroFacture", "nouveauStatut", "dateTraitement"],
        Some(r#"{"idFacture": 1, "nouveauStatut": "SERVICE_FAIT"}"#),
        recipiendaire::traiter
    ),
    service!(
        "/factures/v1/completer",
        "Compléter une facture suspendue.",
        ["identifiantFactureCPP", "commentaire", "pieceJointeComplementaire"],
        ["identifiantFactureCPP", "numeroFacture", "statutFacture", "dateTraitement"],
        None,
        suites::completer
    ),
    service!(
        "/factures/v1/recycler",
        "Recycler une facture « À recycler ».",
        ["identifiantFactureCPP", "destinataire", "references", "commentaire"],
        ["identifiantFactureCPP", "numeroFacture", "statutFacture", "dateTraitement"],
        None,
        suites::recycler
    ),
    service!(
        "/factures/v1/traiterRejet",
        "Indiquer le rejet de factures traité.",
        ["listeDemandePaiement", "motifRejet", "cpltInfos"],
        [],
        None,
        suites::traiter_rejet
    ),
    service!(
        "/factures/v1/corriger/valideur/facture",
        "Corriger le valideur d'une facture.",
        ["idFacture", "idStructure", "identifiantStructure", "typeIdentifiantStructure"],
        ["identifiantFactureCPP", "numeroFacture", "statutFacture", "dateTraitement"],
        None,
        suites::corriger_valideur
    ),
    service!(
        "/factures/v1/rechercher/valideur",
        "Les factures que la structure a à valider.",
        ["statutCourant", "paramRecherche"],
        ["listeFactures", "parametresRetour"],
        Some("{}"),
        valideur::rechercher
    ),
    service!(
        "/factures/v1/traiter/factureAValider",
        "La réponse du valideur.",
        ["idFacture", "action", "motifRefus", "complementInfo"],
        ["idFacture", "numeroFacture", "statutFacture", "dateTraitement"],
        None,
        valideur::traiter
    ),
    service!(
        "/factures/v1/recuperer/motifs/refus/factureAValider",
        "Les motifs de refus d'un valideur.",
        ["codeCadreFacturationAValider"],
        ["listeMotifRefusFactureAValider"],
        Some("{}"),
        valideur::motifs_de_refus
    ),
    service!(
        "/facturesTravaux/v1/soumettre",
        "Déposer une pièce de travaux (projet de décompte…), son PDF cité ou produit par le simulateur.",
        [
            "cadreDeFacturation",
            "numeroFactureTravaux",
            "dateFactureTravaux",
            "identifiantDestinataire",
            "codeServiceExecutant",
            "numeroBonCommande",
            "numeroMarche",
            "identifiantMoe",
            "montantHT",
            "tauxTva",
            "motifExonerationTva",
            "pieceJointePrincipale",
            "commentaire"
        ],
        [
            "idFactureTravaux",
            "numeroFactureTravaux",
            "typeFactureTravaux",
            "dateDepot",
            "statutFactureTravaux"
        ],
        Some(
            r#"{"cadreDeFacturation": {"codeCadreFacturation": "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR"}, "numeroFactureTravaux": "PD-CONTRAT-1", "dateFactureTravaux": "2026-11-22", "identifiantDestinataire": "21852884200097", "codeServiceExecutant": "SERVICES_TECHNIQUES", "numeroBonCommande": "EJ-2026-0318", "numeroMarche": "2026-TRV-031", "identifiantMoe": "49228449200070", "montantHT": 12000, "tauxTva": 20}"#
        ),
        travaux::soumettre
    ),
    service!(
        "/facturesTravaux/v1/consulter",
        "Un dossier de travaux : délais, pièces, historique.",
        ["idFactureTravaux"],
        ["factureTravaux"],
        None,
        travaux::consulter
    ),
    service!(
        "/facturesTravaux/v1/recycler",
        "Recycler une pièce renvoyée pour erreur d'acheminement.",
        [
            "idFactureTravaux",
            "identifiantDestinataire",
            "codeServiceExecutant",
            "numeroBonCommande",
            "identifiantMoe"
        ],
        ["idFactureTravaux", "numeroFactureTravaux", "dateDepotFactureTravaux", "statutFactureTravaux"],
        None,
        travaux::recycler
    ),
    service!(
        "/facturesTravaux/v1/rechercher",
        "Les pièces de travaux, selon le rôle.",
        ["roleUtilisateur", "idDestinataire", "statutCourant", "rechercheFactureTravaux"],
        ["listeFacturesTravaux", "parametresRetour"],
        Some("{}"),
        travaux::rechercher
    ),
];

/// Les routes des services, telles que la table les décrit.
pub fn routes_des_services() -> axum::Router<AppState> {
    SERVICES.iter().fold(axum::Router::new(), |r, s| r.route(s.chemin, (s.route)()))
}

/// Les propriétés d'un objet JSON dont on ne publie que les noms (leurs types suivent ceux du
/// vrai service, décrits dans `docs/api-chorus-pro.md`).
fn proprietes(noms: &[&str]) -> Value {
    let m: Map<String, Value> = noms.iter().map(|n| ((*n).to_string(), json!({}))).collect();
    Value::Object(m)
}

/// Le document OpenAPI 3.0 de l'API, tiré de [`SERVICES`].
pub fn openapi() -> Value {
    let erreur = json!({ "$ref": "#/components/schemas/Refus" });
    let mut chemins = Map::new();
    for s in SERVICES {
        let mut reponse = s.reponse.to_vec();
        reponse.extend(["codeRetour", "libelle"]);
        let mut operation = json!({
            "summary": s.resume,
            "security": [{ "jeton": [], "compteTechnique": [] }],
            "responses": {
                "200": { "description": "Succès : codeRetour 0, libellé TRA_MSG_00.000.", "content": { "application/json": {
                    "schema": { "type": "object", "properties": proprietes(&reponse) } } } },
                "400": { "description": "Requête refusée (champ absent ou faux).", "content": { "application/json": { "schema": erreur } } },
                "401": { "description": "Jeton ou compte technique refusé." },
                "404": { "description": "Introuvable pour ce compte.", "content": { "application/json": { "schema": erreur } } },
            },
        });
        if !s.get {
            let mut corps = json!({ "type": "object", "properties": proprietes(s.requete) });
            if let Some(exemple) = s.exemple.and_then(|e| serde_json::from_str::<Value>(e).ok()) {
                corps["example"] = exemple;
            }
            operation["requestBody"] =
                json!({ "required": true, "content": { "application/json": { "schema": corps } } });
        }
        let methode = if s.get { "get" } else { "post" };
        chemins.insert(s.chemin.to_string(), json!({ methode: operation }));
    }
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "API Chorus Pro du simulateur de formation",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Les services de l'API Chorus Pro (PISTE) qu'offre chaque bac à sable. Jeton par POST /api/oauth/token (client_credentials), puis, à chaque appel, les en-têtes Authorization: Bearer et cpro-account: base64(identifiant:mot de passe) d'un compte technique du bac. Voir docs/api-chorus-pro.md.",
        },
        "servers": [{ "url": super::PREFIXE }],
        "components": {
            "securitySchemes": {
                "jeton": { "type": "oauth2", "flows": { "clientCredentials": { "tokenUrl": "/api/oauth/token", "scopes": { "openid": "accès à l'API" } } } },
                "compteTechnique": { "type": "apiKey", "in": "header", "name": "cpro-account" },
            },
            "schemas": {
                "Refus": { "type": "object", "properties": { "codeRetour": { "type": "integer" }, "libelle": { "type": "string" } } },
            },
        },
        "paths": chemins,
    })
}

/// `GET /api/openapi.json`.
pub async fn document() -> Json<Value> {
    Json(openapi())
}
