//! Les leçons (`fixtures/cours/*.toml`, décrites dans `docs/cours.md`) : la théorie de chaque
//! point des programmes, à lire en cinq minutes environ. Chaque fait porte sa source, et un
//! fait daté la date de sa dernière vérification.
//!
//! Ici, la forme du fichier et ses contrôles ([`controler`], avec numéros de ligne) ; les
//! renvois vers les exercices se contrôlent au chargement du catalogue, qui connaît les
//! scénarios.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::programme::ItemProgramme;
use crate::scenario::{Defaut, est_un_identifiant, ligne_de_la_cle, ligne_de_table, lire_toml};

/// Vitesse de lecture retenue pour annoncer la durée : un lecteur peu pressé, qui relit.
pub const MOTS_PAR_MINUTE: usize = 180;
/// Durée annoncée maximale : une leçon plus longue se coupe en deux.
pub const DUREE_MAX_MINUTES: u32 = 10;
/// Marge tolérée entre la durée annoncée et le temps de lecture du texte.
const MARGE_MINUTES: usize = 2;

/// Une leçon, prête à afficher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lecon {
    pub item: ItemProgramme,
    pub titre: String,
    pub duree_minutes: u32,
    pub chapeau: String,
    /// Identifiants des scénarios qui mettent la leçon en pratique.
    pub exercices: Vec<String>,
    pub parties: Vec<Partie>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Partie {
    pub titre: String,
    #[serde(default, rename = "fait")]
    pub faits: Vec<Fait>,
}

/// Un fait enseigné et d'où il vient.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fait {
    pub texte: String,
    pub source: String,
    /// Date de la dernière vérification d'un fait qui change avec le temps.
    #[serde(default)]
    pub a_jour_au: Option<NaiveDate>,
}

impl Fait {
    /// Les paragraphes du texte (séparés par une ligne vide), lignes recollées.
    pub fn paragraphes(&self) -> Vec<String> {
        paragraphes(&self.texte)
    }
}

/// Coupe un texte en paragraphes (séparés par une ligne vide), les retours à la ligne d'un
/// même paragraphe devenant des espaces.
pub fn paragraphes(texte: &str) -> Vec<String> {
    texte
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect()
}

impl Lecon {
    /// Nombre de mots de la leçon (chapeau et faits).
    pub fn mots(&self) -> usize {
        let faits: usize =
            self.parties.iter().flat_map(|p| &p.faits).map(|f| f.texte.split_whitespace().count()).sum();
        self.chapeau.split_whitespace().count() + faits
    }

    /// Le fait le plus anciennement vérifié : la date à laquelle revoir la leçon.
    pub fn plus_ancienne_verification(&self) -> Option<NaiveDate> {
        self.parties.iter().flat_map(|p| &p.faits).filter_map(|f| f.a_jour_au).min()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fichier {
    item: ItemProgramme,
    titre: String,
    duree_minutes: u32,
    chapeau: String,
    #[serde(default)]
    exercices: Vec<String>,
    #[serde(default, rename = "partie")]
    parties: Vec<Partie>,
}

/// Lit et contrôle un fichier de leçon. Toutes les erreurs de sens sont rapportées, chacune
/// avec sa ligne.
pub fn controler(texte: &str) -> Result<Lecon, Vec<Defaut>> {
    let f: Fichier = lire_toml(texte)?;
    let mut defauts = Vec::new();
    let ligne_cle = |cle: &str| ligne_de_la_cle(texte, cle).unwrap_or(1);
    if f.titre.trim().is_empty() {
        defauts
            .push(Defaut { ligne: ligne_cle("titre"), message: "« titre » ne doit pas être vide".into() });
    }
    if f.chapeau.trim().is_empty() {
        defauts.push(Defaut {
            ligne: ligne_cle("chapeau"),
            message: "« chapeau » ne doit pas être vide".into(),
        });
    }
    if !(1..=DUREE_MAX_MINUTES).contains(&f.duree_minutes) {
        defauts.push(Defaut {
            ligne: ligne_cle("duree_minutes"),
            message: format!("« duree_minutes » doit être entre 1 et {DUREE_MAX_MINUTES}"),
        });
    }
    for id in &f.exercices {
        if !est_un_identifiant(id) {
            defauts.push(Defaut {
                ligne: ligne_cle("exercices"),
                message: format!("« {id} » n'est pas un identifiant de scénario"),
            });
        }
    }
    if f.parties.is_empty() {
        defauts.push(Defaut {
            ligne: 1,
            message: "une leçon doit avoir au moins une partie ([[partie]])".into(),
        });
    }
    let mut n_fait = 0;
    for (i, partie) in f.parties.iter().enumerate() {
        let ligne = ligne_de_table(texte, "partie", i);
        if partie.titre.trim().is_empty() {
            defauts.push(Defaut { ligne, message: format!("partie n° {} : le titre est vide", i + 1) });
        }
        if partie.faits.is_empty() {
            defauts.push(Defaut {
                ligne,
                message: format!("partie n° {} : au moins un fait ([[partie.fait]])", i + 1),
            });
        }
        for (j, fait) in partie.faits.iter().enumerate() {
            let ligne = ligne_de_table(texte, "partie.fait", n_fait);
            n_fait += 1;
            let ou = format!("partie n° {}, fait n° {}", i + 1, j + 1);
            if fait.texte.trim().is_empty() {
                defauts.push(Defaut { ligne, message: format!("{ou} : le texte est vide") });
            }
            if fait.source.trim().is_empty() {
                defauts.push(Defaut {
                    ligne,
                    message: format!("{ou} : la source est obligatoire (article de loi, page officielle)"),
                });
            }
            if fait.texte.contains('<') || fait.texte.contains('>') {
                defauts.push(Defaut {
                    ligne,
                    message: format!("{ou} : du texte simple, sans balise (« < » ou « > »)"),
                });
            }
        }
    }
    let lecon = Lecon {
        item: f.item,
        titre: f.titre.trim().to_string(),
        duree_minutes: f.duree_minutes,
        chapeau: f.chapeau.trim().to_string(),
        exercices: f.exercices,
        parties: f.parties,
    };
    let lecture = lecon.mots().div_ceil(MOTS_PAR_MINUTE);
    if defauts.is_empty() && lecture > lecon.duree_minutes as usize + MARGE_MINUTES {
        defauts.push(Defaut {
            ligne: ligne_cle("duree_minutes"),
            message: format!(
                "le texte compte {} mots, soit {lecture} minutes de lecture : annoncez-les ou raccourcissez \
                 (au plus {} minutes annoncées)",
                lecon.mots(),
                DUREE_MAX_MINUTES
            ),
        });
    }
    if defauts.is_empty() { Ok(lecon) } else { Err(defauts) }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
item = "regles-2016"
titre = "Les règles applicables depuis 2016"
duree_minutes = 5
chapeau = "Ce que la loi impose."
exercices = ["premiere-facture"]

[[partie]]
titre = "Une obligation posée en 2014"

[[partie.fait]]
texte = """
Première ligne
du paragraphe.

Second paragraphe."""
source = "Ordonnance n° 2014-697 du 26 juin 2014"

[[partie]]
titre = "Le calendrier"

[[partie.fait]]
texte = "Les microentreprises depuis le 1er janvier 2020."
source = "AIFE"
a_jour_au = "2026-02-20"
"#;

    #[test]
    fn une_lecon_minimale() {
        let l = controler(MINIMAL).unwrap();
        assert_eq!(l.item, ItemProgramme::Regles2016);
        assert_eq!(l.parties.len(), 2);
        assert_eq!(
            l.parties[0].faits[0].paragraphes(),
            vec!["Première ligne du paragraphe.".to_string(), "Second paragraphe.".to_string()]
        );
        assert_eq!(l.plus_ancienne_verification(), NaiveDate::from_ymd_opt(2026, 2, 20));
        assert_eq!(l.exercices, vec!["premiere-facture".to_string()]);
    }

    #[test]
    fn un_fait_sans_source_est_refuse_a_sa_ligne() {
        let texte = MINIMAL.replace("source = \"AIFE\"", "source = \" \"");
        let d = controler(&texte).unwrap_err();
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("source est obligatoire"), "{d:?}");
        assert_eq!(d[0].ligne, ligne_de_table(&texte, "partie.fait", 1));
    }

    #[test]
    fn erreurs_de_forme_et_de_sens() {
        assert!(controler("item = \"inconnu\"").is_err());
        let d = controler(&MINIMAL.replace("duree_minutes = 5", "duree_minutes = 0")).unwrap_err();
        assert!(d[0].message.contains("entre 1 et"));
        let d = controler(&MINIMAL.replace("a_jour_au = \"2026-02-20\"", "a_jour_au = \"20/02/2026\""))
            .unwrap_err();
        assert_eq!(d.len(), 1);
        let d = controler(&MINIMAL.replace("Second paragraphe.", "Un <script>")).unwrap_err();
        assert!(d[0].message.contains("sans balise"));
        let d = controler(
            &MINIMAL.replace("champ_inconnu", "").replace("titre = \"Le calendrier\"", "titre = \"\""),
        )
        .unwrap_err();
        assert!(d[0].message.contains("partie n° 2"));
    }

    #[test]
    fn une_lecon_trop_longue_pour_sa_duree() {
        let long = "mot ".repeat(MOTS_PAR_MINUTE * 8);
        let texte = MINIMAL.replace("Les microentreprises depuis le 1er janvier 2020.", &long);
        let d = controler(&texte).unwrap_err();
        assert!(d[0].message.contains("minutes de lecture"), "{d:?}");
        assert!(controler(&texte.replace("duree_minutes = 5", "duree_minutes = 9")).is_ok());
    }
}
