//! Lecture de l'annuaire des destinataires au format de l'export Chorus Pro (`;`) et du
//! fichier des services. Ce module ne lit pas de fichier : il reçoit l'en-tête et les champs
//! de chaque ligne, et dit ce qu'ils valent ou pourquoi la ligne est refusée.
//!
//! Les noms de colonnes sont reconnus sans tenir compte des espaces autour ni de la casse ;
//! une marque d'ordre des octets (BOM UTF-8) devant la première colonne est tolérée. Les
//! colonnes inconnues sont ignorées, une colonne utile présente deux fois est refusée
//! (on ne saurait pas laquelle croire).

use crate::delai_paiement;
use crate::erreur::Erreur;
use crate::siret::Siret;
use crate::structure::{Adresse, ParametresDestinataire, Service, StructurePublique, TypeIdentifiant};

/// Les délais globaux de paiement admis dans la colonne `DelaiGlobalPaiementJours`.
const DELAIS_ADMIS: [u16; 3] = [30, 50, 60];

/// Positions des colonnes utiles dans l'en-tête d'un export d'annuaire.
#[derive(Debug, Clone)]
pub struct EnteteAnnuaire {
    type_identifiant: usize,
    identifiant: usize,
    raison_sociale: usize,
    gestion_statut_mise_en_paiement: usize,
    gestion_engagement: usize,
    gestion_service: usize,
    gestion_service_engagement: usize,
    est_moa: usize,
    est_moa_uniquement: usize,
    structure_active: usize,
    emetteur_edi: Option<usize>,
    recepteur_edi: Option<usize>,
    adresse: Option<usize>,
    complement_adresse1: Option<usize>,
    complement_adresse2: Option<usize>,
    code_postal: Option<usize>,
    ville: Option<usize>,
    telephone: Option<usize>,
    courriel: Option<usize>,
    code_pays: Option<usize>,
    libelle_pays: Option<usize>,
    categorie_juridique: Option<usize>,
    delai_global_paiement: Option<usize>,
    /// Nombre de champs qu'une ligne doit au moins compter (colonnes obligatoires).
    champs_minimum: usize,
    /// Nombre de colonnes de l'en-tête, pour le message d'erreur.
    colonnes: usize,
}

/// Le nom d'une colonne tel qu'on le compare : sans BOM, sans espaces autour, en minuscules.
fn nom_normalise(nom: &str) -> String {
    nom.trim_start_matches('\u{feff}').trim().to_lowercase()
}

/// Les positions des colonnes d'un en-tête, cherchées par nom.
struct Colonnes {
    noms: Vec<String>,
    absentes: Vec<&'static str>,
    doublons: Vec<&'static str>,
}

impl Colonnes {
    fn new(colonnes: &[&str]) -> Self {
        let noms = colonnes
            .iter()
            .enumerate()
            .map(|(i, c)| if i == 0 { nom_normalise(c) } else { c.trim().to_lowercase() })
            .collect();
        Colonnes { noms, absentes: Vec::new(), doublons: Vec::new() }
    }

    fn facultative(&mut self, nom: &'static str) -> Option<usize> {
        let cherche = nom.to_lowercase();
        let mut positions = self.noms.iter().enumerate().filter(|(_, n)| **n == cherche).map(|(i, _)| i);
        let premiere = positions.next();
        if positions.next().is_some() {
            self.doublons.push(nom);
        }
        premiere
    }

    fn obligatoire(&mut self, nom: &'static str) -> usize {
        match self.facultative(nom) {
            Some(i) => i,
            None => {
                self.absentes.push(nom);
                0
            }
        }
    }

    /// Refuse l'en-tête s'il manque une colonne obligatoire ou qu'une colonne est en double.
    fn verifier(&self, attendu: &str) -> Result<(), Erreur> {
        if let Some((premiere, autres)) = self.absentes.split_first() {
            let autres = if autres.is_empty() {
                String::new()
            } else {
                format!(
                    " (ainsi que {})",
                    autres.iter().map(|c| format!("« {c} »")).collect::<Vec<_>>().join(", ")
                )
            };
            return Err(Erreur::EnteteAnnuaire(format!(
                "colonne « {premiere} » absente{autres} : la première ligne du fichier doit donner les noms \
                 des colonnes, séparés par « ; », comme dans {attendu}. Vérifiez que le séparateur est bien \
                 le point-virgule et que le nom de la colonne est correctement orthographié."
            )));
        }
        if let Some(doublon) = self.doublons.first() {
            return Err(Erreur::EnteteAnnuaire(format!(
                "colonne « {doublon} » présente plusieurs fois : gardez-en une seule, sinon on ne sait pas \
                 laquelle croire."
            )));
        }
        Ok(())
    }
}

/// Un champ d'une ligne, sans espaces autour ; vide si la colonne est absente.
fn champ<'a>(champs: &[&'a str], position: Option<usize>) -> &'a str {
    position.and_then(|i| champs.get(i)).map(|c| c.trim()).unwrap_or("")
}

fn erreur(ligne: usize, message: impl Into<String>) -> Erreur {
    Erreur::Annuaire { ligne, message: message.into() }
}

/// Un booléen de l'annuaire : true/false, 1/0, oui/non, sans tenir compte de la casse.
fn booleen(ligne: usize, colonne: &str, valeur: &str) -> Result<bool, Erreur> {
    match valeur.trim().to_lowercase().as_str() {
        "true" | "1" | "oui" => Ok(true),
        "false" | "0" | "non" => Ok(false),
        autre => Err(erreur(
            ligne,
            if autre.is_empty() {
                format!("la colonne « {colonne} » est vide : écrivez true ou false.")
            } else {
                format!(
                    "la colonne « {colonne} » contient « {valeur} », qui n'est pas un booléen : écrivez true ou false."
                )
            },
        )),
    }
}

/// Vérifie qu'une ligne a assez de champs pour les colonnes obligatoires.
fn verifier_nombre_de_champs(
    ligne: usize,
    champs: &[&str],
    minimum: usize,
    colonnes: usize,
) -> Result<(), Erreur> {
    if champs.len() < minimum {
        return Err(erreur(
            ligne,
            format!(
                "la ligne ne compte que {} champ(s) alors que l'en-tête annonce {colonnes} colonnes : \
                 vérifiez qu'aucun « ; » ne manque et que la ligne n'a pas été coupée en deux.",
                champs.len()
            ),
        ));
    }
    Ok(())
}

impl EnteteAnnuaire {
    /// Refuse un en-tête auquel manque une colonne obligatoire ; les colonnes inconnues sont
    /// ignorées ; `CategorieJuridique` et `DelaiGlobalPaiementJours` sont facultatives.
    pub fn depuis(colonnes: &[&str]) -> Result<Self, Erreur> {
        let mut c = Colonnes::new(colonnes);
        let entete = EnteteAnnuaire {
            type_identifiant: c.obligatoire("TypeIdentifiant"),
            identifiant: c.obligatoire("Identifiant"),
            raison_sociale: c.obligatoire("RaisonSociale"),
            gestion_statut_mise_en_paiement: c.obligatoire("GestionStatutMiseEnPaiement"),
            gestion_engagement: c.obligatoire("GestionEngagement"),
            gestion_service: c.obligatoire("GestionService"),
            gestion_service_engagement: c.obligatoire("GestionServiceEngagement"),
            est_moa: c.obligatoire("EstMOA"),
            est_moa_uniquement: c.obligatoire("EstMOAUniquement"),
            structure_active: c.obligatoire("StructureActive"),
            emetteur_edi: c.facultative("EmetteurEdi"),
            recepteur_edi: c.facultative("RecepteurEdi"),
            adresse: c.facultative("Adresse"),
            complement_adresse1: c.facultative("ComplementAdresse1"),
            complement_adresse2: c.facultative("ComplementAdresse2"),
            code_postal: c.facultative("CodePostal"),
            ville: c.facultative("Ville"),
            telephone: c.facultative("NumTelephone"),
            courriel: c.facultative("Courriel"),
            code_pays: c.facultative("CodePays"),
            libelle_pays: c.facultative("LibellePays"),
            categorie_juridique: c.facultative("CategorieJuridique"),
            delai_global_paiement: c.facultative("DelaiGlobalPaiementJours"),
            champs_minimum: 0,
            colonnes: colonnes.len(),
        };
        c.verifier("l'export de l'annuaire Chorus Pro (TypeIdentifiant;Identifiant;RaisonSociale;…)")?;
        let champs_minimum = [
            entete.type_identifiant,
            entete.identifiant,
            entete.raison_sociale,
            entete.gestion_statut_mise_en_paiement,
            entete.gestion_engagement,
            entete.gestion_service,
            entete.gestion_service_engagement,
            entete.est_moa,
            entete.est_moa_uniquement,
            entete.structure_active,
        ]
        .into_iter()
        .max()
        .unwrap_or(0)
            + 1;
        Ok(EnteteAnnuaire { champs_minimum, ..entete })
    }

    /// Lit une ligne (numéro de ligne du fichier, pour le message d'erreur).
    pub fn lire(&self, numero_ligne: usize, champs: &[&str]) -> Result<StructurePublique, Erreur> {
        let ligne = numero_ligne;
        verifier_nombre_de_champs(ligne, champs, self.champs_minimum, self.colonnes)?;
        let texte = |position: usize| champ(champs, Some(position));
        let drapeau = |position: usize, colonne: &str| booleen(ligne, colonne, texte(position));
        let drapeau_facultatif = |position: Option<usize>, colonne: &str| match champ(champs, position) {
            "" => Ok(false),
            valeur => booleen(ligne, colonne, valeur),
        };

        let code_type = texte(self.type_identifiant);
        let type_identifiant = TypeIdentifiant::depuis_code_numerique(code_type).map_err(|_| {
            erreur(
                ligne,
                format!(
                    "la colonne « TypeIdentifiant » contient « {code_type} », qui n'est pas un type d'identifiant \
                     connu : écrivez un code de 1 à 7 (1 = SIRET, 2 = structure européenne hors France, \
                     3 = structure hors UE, 4 = RIDET, 5 = numéro TAHITI, 6 = en cours d'immatriculation, \
                     7 = particulier)."
                ),
            )
        })?;

        let identifiant_saisi = texte(self.identifiant);
        if identifiant_saisi.is_empty() {
            return Err(erreur(
                ligne,
                "la colonne « Identifiant » est vide : chaque structure doit avoir son identifiant (le SIRET pour le type 1).",
            ));
        }
        let identifiant = if type_identifiant == TypeIdentifiant::Siret {
            identifiant_saisi
                .parse::<Siret>()
                .map_err(|e| {
                    erreur(
                        ligne,
                        format!("la colonne « Identifiant » ne contient pas un SIRET valide : {e}."),
                    )
                })?
                .to_string()
        } else {
            identifiant_saisi.to_string()
        };

        let gestion_service = drapeau(self.gestion_service, "GestionService")?;
        let gestion_engagement = drapeau(self.gestion_engagement, "GestionEngagement")?;
        let parametres = ParametresDestinataire {
            code_service_obligatoire: gestion_service,
            engagement_obligatoire: gestion_engagement,
            service_ou_engagement: drapeau(self.gestion_service_engagement, "GestionServiceEngagement")?,
            // L'export n'a pas de colonne propre pour la règle « code service ET engagement » :
            // une structure qui exige les deux (GestionService et GestionEngagement à true)
            // applique de fait cette règle, c'est donc la combinaison des deux drapeaux.
            service_et_engagement: gestion_service && gestion_engagement,
            est_moa: drapeau(self.est_moa, "EstMOA")?,
            est_moa_uniquement: drapeau(self.est_moa_uniquement, "EstMOAUniquement")?,
            active: drapeau(self.structure_active, "StructureActive")?,
            // `GestionStatutMiseEnPaiement` à true : la structure NE remonte PAS la mise en paiement.
            mise_en_paiement_non_remontee: drapeau(
                self.gestion_statut_mise_en_paiement,
                "GestionStatutMiseEnPaiement",
            )?,
            emetteur_edi: drapeau_facultatif(self.emetteur_edi, "EmetteurEdi")?,
            recepteur_edi: drapeau_facultatif(self.recepteur_edi, "RecepteurEdi")?,
        };

        let categorie_juridique = match champ(champs, self.categorie_juridique) {
            "" => None,
            c => Some(c.to_string()),
        };
        let delai_colonne = match champ(champs, self.delai_global_paiement) {
            "" => None,
            valeur => match valeur.parse::<u16>() {
                Ok(jours) if DELAIS_ADMIS.contains(&jours) => Some(jours),
                _ => {
                    return Err(erreur(
                        ligne,
                        format!(
                            "la colonne « DelaiGlobalPaiementJours » contient « {valeur} » : le délai global de \
                             paiement réglementaire est de 30, 50 ou 60 jours, écrivez l'un de ces nombres \
                             (ou laissez la colonne vide pour le déduire de la catégorie juridique)."
                        ),
                    ));
                }
            },
        };
        let delai_paiement_jours =
            delai_paiement::delai_reglementaire(categorie_juridique.as_deref(), delai_colonne);

        Ok(StructurePublique {
            type_identifiant,
            identifiant,
            raison_sociale: texte(self.raison_sociale).to_string(),
            parametres,
            adresse: Adresse {
                adresse: champ(champs, self.adresse).to_string(),
                complement1: champ(champs, self.complement_adresse1).to_string(),
                complement2: champ(champs, self.complement_adresse2).to_string(),
                code_postal: champ(champs, self.code_postal).to_string(),
                ville: champ(champs, self.ville).to_string(),
                code_pays: champ(champs, self.code_pays).to_string(),
                libelle_pays: champ(champs, self.libelle_pays).to_string(),
            },
            telephone: champ(champs, self.telephone).to_string(),
            courriel: champ(champs, self.courriel).to_string(),
            categorie_juridique,
            delai_paiement_jours,
        })
    }
}

/// Positions des colonnes du fichier des services
/// (`IdentifiantStructure;CodeService;LibelleService;EngagementObligatoire;Actif`).
#[derive(Debug, Clone)]
pub struct EnteteServices {
    identifiant_structure: usize,
    code_service: usize,
    libelle_service: usize,
    engagement_obligatoire: usize,
    actif: usize,
    champs_minimum: usize,
    colonnes: usize,
}

/// Longueur maximale d'un code service dans Chorus Pro.
const CODE_SERVICE_LONGUEUR_MAX: usize = 100;

impl EnteteServices {
    pub fn depuis(colonnes: &[&str]) -> Result<Self, Erreur> {
        let mut c = Colonnes::new(colonnes);
        let identifiant_structure = c.obligatoire("IdentifiantStructure");
        let code_service = c.obligatoire("CodeService");
        let libelle_service = c.obligatoire("LibelleService");
        let engagement_obligatoire = c.obligatoire("EngagementObligatoire");
        let actif = c.obligatoire("Actif");
        c.verifier("le fichier des services (IdentifiantStructure;CodeService;LibelleService;EngagementObligatoire;Actif)")?;
        let champs_minimum =
            [identifiant_structure, code_service, libelle_service, engagement_obligatoire, actif]
                .into_iter()
                .max()
                .unwrap_or(0)
                + 1;
        Ok(EnteteServices {
            identifiant_structure,
            code_service,
            libelle_service,
            engagement_obligatoire,
            actif,
            champs_minimum,
            colonnes: colonnes.len(),
        })
    }

    pub fn lire(&self, numero_ligne: usize, champs: &[&str]) -> Result<Service, Erreur> {
        let ligne = numero_ligne;
        verifier_nombre_de_champs(ligne, champs, self.champs_minimum, self.colonnes)?;
        let texte = |position: usize| champ(champs, Some(position));
        let identifiant_structure: String =
            texte(self.identifiant_structure).chars().filter(|c| !c.is_whitespace()).collect();
        if identifiant_structure.is_empty() {
            return Err(erreur(
                ligne,
                "la colonne « IdentifiantStructure » est vide : indiquez l'identifiant (SIRET) de la structure à laquelle appartient le service.",
            ));
        }
        let code = texte(self.code_service);
        if code.is_empty() {
            return Err(erreur(
                ligne,
                "la colonne « CodeService » est vide : chaque service doit avoir un code.",
            ));
        }
        let longueur = code.chars().count();
        if longueur > CODE_SERVICE_LONGUEUR_MAX {
            return Err(erreur(
                ligne,
                format!(
                    "la colonne « CodeService » compte {longueur} caractères : Chorus Pro limite un code service \
                     à {CODE_SERVICE_LONGUEUR_MAX} caractères, raccourcissez-le."
                ),
            ));
        }
        Ok(Service {
            identifiant_structure,
            code: code.to_string(),
            libelle: texte(self.libelle_service).to_string(),
            engagement_obligatoire: booleen(
                ligne,
                "EngagementObligatoire",
                texte(self.engagement_obligatoire),
            )?,
            actif: booleen(ligne, "Actif", texte(self.actif))?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Les fichiers de formation partagés (`shared/reference`, à côté du dépôt).
    fn lire_reference(nom: &str) -> String {
        let candidats = [
            format!("{}/../../../shared/reference/{nom}", env!("CARGO_MANIFEST_DIR")),
            format!("/work/shared/reference/{nom}"),
        ];
        candidats
            .iter()
            .find_map(|c| std::fs::read_to_string(c).ok())
            .unwrap_or_else(|| panic!("fichier de référence {nom} introuvable"))
    }

    fn annuaire() -> Vec<StructurePublique> {
        let texte = lire_reference("annuaire-formation.csv");
        let mut lignes = texte.lines();
        let entete: Vec<&str> = lignes.next().unwrap().split(';').collect();
        let entete = EnteteAnnuaire::depuis(&entete).unwrap();
        lignes
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| {
                let champs: Vec<&str> = l.split(';').collect();
                entete.lire(i + 2, &champs).unwrap_or_else(|e| panic!("{e}"))
            })
            .collect()
    }

    fn structure<'a>(annuaire: &'a [StructurePublique], siret: &str) -> &'a StructurePublique {
        annuaire.iter().find(|s| s.identifiant == siret).unwrap()
    }

    const ENTETE: &str = "TypeIdentifiant;Identifiant;RaisonSociale;EmetteurEdi;RecepteurEdi;GestionStatutMiseEnPaiement;\
                          GestionEngagement;GestionService;GestionServiceEngagement;EstMOA;EstMOAUniquement;StructureActive;\
                          Adresse;ComplementAdresse1;ComplementAdresse2;CodePostal;Ville;NumTelephone;Courriel;CodePays;\
                          LibellePays;CategorieJuridique;DelaiGlobalPaiementJours";
    const LIGNE: &str = "1;21852884200097;COMMUNE DE VALCOMBE (FICTIVE);false;false;false;false;false;false;true;false;true;\
                         13 PLACE DE LA MAIRIE;;;48100;VALCOMBE;0468499819;factures@valcombe.exemple.fr;FR;FRANCE;7210;30";

    fn entete() -> EnteteAnnuaire {
        EnteteAnnuaire::depuis(&ENTETE.split(';').collect::<Vec<_>>()).unwrap()
    }

    /// La ligne de référence avec le champ `colonne` remplacé.
    fn ligne_modifiee(colonne: &str, valeur: &str) -> Vec<String> {
        let i = ENTETE.split(';').position(|c| c == colonne).unwrap();
        let mut champs: Vec<String> = LIGNE.split(';').map(String::from).collect();
        champs[i] = valeur.to_string();
        champs
    }

    fn lire_modifiee(colonne: &str, valeur: &str) -> Result<StructurePublique, Erreur> {
        let champs = ligne_modifiee(colonne, valeur);
        entete().lire(7, &champs.iter().map(String::as_str).collect::<Vec<_>>())
    }

    fn message_ligne(r: Result<StructurePublique, Erreur>) -> (usize, String) {
        match r {
            Err(Erreur::Annuaire { ligne, message }) => (ligne, message),
            autre => panic!("erreur d'annuaire attendue, obtenu {autre:?}"),
        }
    }

    #[test]
    fn tout_l_annuaire_de_formation_se_lit() {
        let a = annuaire();
        assert_eq!(a.len(), 16);
        assert!(a.iter().all(|s| s.type_identifiant == TypeIdentifiant::Siret && s.identifiant.len() == 14));
        assert!(a.iter().all(|s| s.adresse.code_pays == "FR" && !s.courriel.is_empty()));
    }

    #[test]
    fn delais_de_paiement_de_l_annuaire() {
        let a = annuaire();
        let hopital = structure(&a, "26236940800063");
        assert_eq!(hopital.delai_paiement_jours, 50);
        assert_eq!(hopital.categorie_juridique.as_deref(), Some("7364"));
        let ehpad = structure(&a, "26949711100048");
        assert_eq!(ehpad.delai_paiement_jours, 30);
        assert_eq!(ehpad.categorie_juridique.as_deref(), Some("7366"));
        // Établissement public national à caractère industriel ou commercial : entreprise
        // publique, 60 jours (R2192-11 2°) ; un établissement public local aurait 30 jours.
        let office = structure(&a, "38496988700072");
        assert_eq!(office.delai_paiement_jours, 60);
        assert_eq!(office.categorie_juridique.as_deref(), Some("4120"));
    }

    #[test]
    fn drapeaux_de_l_annuaire() {
        let a = annuaire();
        let departement = structure(&a, "22221733300095").parametres;
        assert!(departement.code_service_obligatoire && departement.exige_code_service());
        assert!(!departement.engagement_obligatoire && !departement.service_et_engagement);
        let prefecture = structure(&a, "13220845500064").parametres;
        assert!(
            prefecture.engagement_obligatoire && !prefecture.code_service_obligatoire && !prefecture.est_moa
        );
        let rectorat = structure(&a, "17440942500066").parametres;
        assert!(
            rectorat.service_et_engagement && rectorat.exige_code_service() && rectorat.exige_engagement()
        );
        let region = structure(&a, "23273016800027").parametres;
        assert!(region.service_ou_engagement && !region.service_et_engagement);
        let syndicat = structure(&a, "25509676000053").parametres;
        assert!(syndicat.est_moa && syndicat.est_moa_uniquement);
        let college = structure(&a, "19078401700013").parametres;
        assert!(college.mise_en_paiement_non_remontee);
        let fusionnee = structure(&a, "21068604400012").parametres;
        assert!(!fusionnee.active);
        let commune = structure(&a, "21852884200097");
        assert!(
            commune.parametres.active
                && commune.parametres.est_moa
                && !commune.parametres.mise_en_paiement_non_remontee
        );
        assert_eq!(commune.raison_sociale, "COMMUNE DE VALCOMBE (FICTIVE)");
        assert_eq!(commune.adresse.adresse, "13 PLACE DE LA MAIRIE");
        assert_eq!(commune.adresse.ville, "VALCOMBE");
        assert_eq!(commune.telephone, "0468499819");
    }

    #[test]
    fn tous_les_services_de_formation_se_lisent() {
        let texte = lire_reference("services-formation.csv");
        let mut lignes = texte.lines();
        let entete: Vec<&str> = lignes.next().unwrap().split(';').collect();
        let entete = EnteteServices::depuis(&entete).unwrap();
        let services: Vec<Service> = lignes
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| {
                entete.lire(i + 2, &l.split(';').collect::<Vec<_>>()).unwrap_or_else(|e| panic!("{e}"))
            })
            .collect();
        assert_eq!(services.len(), 36);
        // Chaque structure de l'annuaire a son service FACTURES_PUBLIQUES.
        for s in annuaire() {
            assert!(
                services
                    .iter()
                    .any(|sv| sv.identifiant_structure == s.identifiant && sv.code == "FACTURES_PUBLIQUES")
            );
        }
        let ferme = services.iter().find(|s| s.code == "ANCIEN_SERVICE_VOIRIE").unwrap();
        assert!(!ferme.actif);
        let lycees = services.iter().find(|s| s.code == "DIR_LYCEES").unwrap();
        assert!(lycees.engagement_obligatoire && lycees.actif);
        assert_eq!(lycees.identifiant_structure, "23273016800027");
        assert_eq!(lycees.libelle, "Direction des lycees");
    }

    #[test]
    fn entete_tolerant() {
        // BOM, casse, espaces, colonnes inconnues, ordre différent, colonnes facultatives absentes.
        let colonnes = [
            "\u{feff}typeidentifiant",
            " IDENTIFIANT ",
            "Inconnue",
            "RaisonSociale",
            "StructureActive",
            "EstMOAUniquement",
            "EstMOA",
            "GestionServiceEngagement",
            "GestionService",
            "GestionEngagement",
            "GestionStatutMiseEnPaiement",
        ];
        let e = EnteteAnnuaire::depuis(&colonnes).unwrap();
        let s = e
            .lire(
                2,
                &["1", "21852884200097", "x", "COMMUNE", "TRUE", "non", "oui", "0", "1", "False", "FALSE"],
            )
            .unwrap();
        assert_eq!(s.raison_sociale, "COMMUNE");
        assert!(s.parametres.active && !s.parametres.est_moa_uniquement && s.parametres.est_moa);
        assert!(s.parametres.code_service_obligatoire && !s.parametres.engagement_obligatoire);
        assert!(!s.parametres.emetteur_edi && !s.parametres.recepteur_edi);
        assert_eq!(s.adresse, Adresse::default());
        assert_eq!(s.categorie_juridique, None);
        assert_eq!(s.delai_paiement_jours, 30);
    }

    #[test]
    fn entete_sans_colonne_obligatoire() {
        let colonnes: Vec<&str> = ENTETE.split(';').filter(|c| *c != "StructureActive").collect();
        match EnteteAnnuaire::depuis(&colonnes) {
            Err(Erreur::EnteteAnnuaire(m)) => {
                assert!(m.starts_with("colonne « StructureActive » absente"), "{m}")
            }
            autre => panic!("{autre:?}"),
        }
        // Un fichier séparé par des virgules : une seule colonne, tout manque.
        let e = EnteteAnnuaire::depuis(&["TypeIdentifiant,Identifiant,RaisonSociale"]).unwrap_err();
        let m = e.to_string();
        assert!(
            m.starts_with(
                "en-tête du fichier : colonne « TypeIdentifiant » absente (ainsi que « Identifiant »"
            ),
            "{m}"
        );
        assert!(m.contains("point-virgule"), "{m}");
        let e = EnteteServices::depuis(&["IdentifiantStructure", "CodeService", "LibelleService", "Actif"])
            .unwrap_err();
        assert!(e.to_string().contains("colonne « EngagementObligatoire » absente"), "{e}");
    }

    #[test]
    fn entete_avec_colonne_en_double() {
        let mut colonnes: Vec<&str> = ENTETE.split(';').collect();
        colonnes.push("identifiant");
        let m = EnteteAnnuaire::depuis(&colonnes).unwrap_err().to_string();
        assert!(m.contains("colonne « Identifiant » présente plusieurs fois"), "{m}");
    }

    #[test]
    fn ligne_trop_courte() {
        let (ligne, m) = message_ligne(entete().lire(12, &["1", "21852884200097", "COMMUNE"]));
        assert_eq!(ligne, 12);
        assert!(m.contains("ne compte que 3 champ(s)") && m.contains("23 colonnes"), "{m}");
        let e = entete().lire(12, &[]).unwrap_err();
        assert!(e.to_string().starts_with("ligne 12 : "), "{e}");
    }

    #[test]
    fn identifiant_vide() {
        let (ligne, m) = message_ligne(lire_modifiee("Identifiant", "  "));
        assert_eq!(ligne, 7);
        assert!(m.contains("« Identifiant » est vide"), "{m}");
    }

    #[test]
    fn type_identifiant_inconnu() {
        for code in ["9", "0", "", "SIRET"] {
            let (_, m) = message_ligne(lire_modifiee("TypeIdentifiant", code));
            assert!(m.contains("TypeIdentifiant") && m.contains("de 1 à 7"), "{m}");
        }
        // Un autre type d'identifiant n'est pas soumis à la clé de Luhn.
        let s = lire_modifiee("TypeIdentifiant", "2").unwrap();
        assert_eq!(s.type_identifiant, TypeIdentifiant::UeHorsFrance);
        let s = {
            let mut champs = ligne_modifiee("TypeIdentifiant", "3");
            champs[1] = "CH-123.456.789".into();
            entete().lire(3, &champs.iter().map(String::as_str).collect::<Vec<_>>()).unwrap()
        };
        assert_eq!(s.identifiant, "CH-123.456.789");
    }

    #[test]
    fn siret_invalide() {
        let (_, m) = message_ligne(lire_modifiee("Identifiant", "21852884200098"));
        assert!(m.contains("ne contient pas un SIRET valide") && m.contains("algorithme de Luhn"), "{m}");
        let (_, m) = message_ligne(lire_modifiee("Identifiant", "2185288420009"));
        assert!(m.contains("14 chiffres (vous en avez saisi 13)"), "{m}");
        // Les espaces sont retirés du SIRET.
        assert_eq!(lire_modifiee("Identifiant", "218 528 842 00097").unwrap().identifiant, "21852884200097");
    }

    #[test]
    fn booleen_invalide() {
        let (ligne, m) = message_ligne(lire_modifiee("GestionEngagement", "peut-être"));
        assert_eq!(ligne, 7);
        assert_eq!(
            m,
            "la colonne « GestionEngagement » contient « peut-être », qui n'est pas un booléen : écrivez true ou false."
        );
        let (_, m) = message_ligne(lire_modifiee("StructureActive", ""));
        assert!(m.contains("« StructureActive » est vide"), "{m}");
        let (_, m) = message_ligne(lire_modifiee("EmetteurEdi", "vrai"));
        assert!(m.contains("EmetteurEdi"), "{m}");
        assert!(lire_modifiee("EmetteurEdi", "").is_ok());
        assert!(lire_modifiee("RecepteurEdi", "OUI").unwrap().parametres.recepteur_edi);
    }

    #[test]
    fn correspondance_des_drapeaux() {
        let s = lire_modifiee("GestionStatutMiseEnPaiement", "true").unwrap();
        assert!(s.parametres.mise_en_paiement_non_remontee);
        let champs: Vec<String> = {
            let mut c = ligne_modifiee("GestionService", "true");
            c[6] = "true".into(); // GestionEngagement
            c
        };
        let s = entete().lire(2, &champs.iter().map(String::as_str).collect::<Vec<_>>()).unwrap();
        assert!(s.parametres.service_et_engagement);
        let s = lire_modifiee("GestionService", "true").unwrap();
        assert!(s.parametres.code_service_obligatoire && !s.parametres.service_et_engagement);
    }

    #[test]
    fn delai_global_de_paiement_de_la_colonne() {
        let (_, m) = message_ligne(lire_modifiee("DelaiGlobalPaiementJours", "45"));
        assert!(
            m.contains("« DelaiGlobalPaiementJours » contient « 45 »") && m.contains("30, 50 ou 60"),
            "{m}"
        );
        message_ligne(lire_modifiee("DelaiGlobalPaiementJours", "trente"));
        message_ligne(lire_modifiee("DelaiGlobalPaiementJours", "-30"));
        // Vide : déduit de la catégorie juridique.
        let mut champs = ligne_modifiee("DelaiGlobalPaiementJours", "");
        champs[21] = "7364".into();
        let s = entete().lire(2, &champs.iter().map(String::as_str).collect::<Vec<_>>()).unwrap();
        assert_eq!(s.delai_paiement_jours, 50);
        // La colonne prime sur la catégorie.
        assert_eq!(lire_modifiee("DelaiGlobalPaiementJours", "60").unwrap().delai_paiement_jours, 60);
    }

    #[test]
    fn services_lignes_invalides() {
        let e = EnteteServices::depuis(&[
            "IdentifiantStructure",
            "CodeService",
            "LibelleService",
            "EngagementObligatoire",
            "Actif",
        ])
        .unwrap();
        match e.lire(4, &["21852884200097", "ACHATS", "Achats", "false"]) {
            Err(Erreur::Annuaire { ligne: 4, message }) => {
                assert!(message.contains("ne compte que 4"), "{message}")
            }
            autre => panic!("{autre:?}"),
        }
        let m = e.lire(5, &["21852884200097", "", "Achats", "false", "true"]).unwrap_err().to_string();
        assert!(m.starts_with("ligne 5 : ") && m.contains("« CodeService » est vide"), "{m}");
        let m = e.lire(6, &["", "ACHATS", "Achats", "false", "true"]).unwrap_err().to_string();
        assert!(m.contains("« IdentifiantStructure » est vide"), "{m}");
        let m =
            e.lire(7, &["21852884200097", "ACHATS", "Achats", "false", "ouvert"]).unwrap_err().to_string();
        assert!(m.contains("« Actif » contient « ouvert »"), "{m}");
        let long = "X".repeat(101);
        let m = e.lire(8, &["21852884200097", &long, "Achats", "false", "true"]).unwrap_err().to_string();
        assert!(m.contains("101 caractères"), "{m}");
        let s = e.lire(9, &[" 21852884200097 ", " ACHATS ", " Achats ", "1", "oui"]).unwrap();
        assert_eq!(
            (s.identifiant_structure.as_str(), s.code.as_str(), s.libelle.as_str()),
            ("21852884200097", "ACHATS", "Achats")
        );
        assert!(s.engagement_obligatoire && s.actif);
    }
}
