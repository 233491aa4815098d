//! The store's modules depend on one another one way only: the sandbox and its clock at the
//! bottom, the use cases above, the engine that plays the simulated parties at the top. No
//! module imports, directly or through others, a module that imports it back.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The modules of `src/` each module names through `crate::…` (its test module aside: a test
/// may use any module).
fn dependances() -> BTreeMap<String, BTreeSet<String>> {
    let dossier = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut modules = BTreeMap::new();
    for entree in std::fs::read_dir(&dossier).expect("src/") {
        let chemin = entree.expect("entrée de src/").path();
        if chemin.extension().is_some_and(|e| e == "rs") {
            let nom = chemin.file_stem().unwrap().to_string_lossy().into_owned();
            if nom != "lib" {
                modules.insert(nom, std::fs::read_to_string(&chemin).expect("source"));
            }
        }
    }
    let noms: BTreeSet<String> = modules.keys().cloned().collect();
    modules
        .iter()
        .map(|(nom, source)| {
            let code = source.split("#[cfg(test)]").next().unwrap_or("");
            let deps = modules_nommes(code).into_iter().filter(|m| noms.contains(m) && m != nom).collect();
            (nom.clone(), deps)
        })
        .collect()
}

/// The first path segment after each `crate::` of the code, comments aside: `crate::bac::x`,
/// and every top-level item of a group, `use crate::{bac, facture::{self, Envoi}}`, even when
/// rustfmt spreads it over several lines.
fn modules_nommes(code: &str) -> BTreeSet<String> {
    let code: String =
        code.lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n");
    let identifiant = |texte: &str| -> String {
        texte
            .trim_start()
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
            .collect()
    };
    let mut noms = BTreeSet::new();
    for (i, _) in code.match_indices("crate::") {
        let suite = &code[i + "crate::".len()..];
        let Some(groupe) = suite.strip_prefix('{') else {
            noms.insert(identifiant(suite));
            continue;
        };
        // The group's top-level items: the first name, then each name after a comma at depth 0.
        noms.insert(identifiant(groupe));
        let mut profondeur = 0usize;
        for (j, c) in groupe.char_indices() {
            match c {
                '{' => profondeur += 1,
                '}' if profondeur == 0 => break,
                '}' => profondeur -= 1,
                ',' if profondeur == 0 => {
                    noms.insert(identifiant(&groupe[j + 1..]));
                }
                _ => {}
            }
        }
    }
    noms.remove("");
    noms
}

/// A cycle through `depart`, if there is one: the modules in import order, back to `depart`.
fn cycle_depuis(graphe: &BTreeMap<String, BTreeSet<String>>, depart: &str) -> Option<Vec<String>> {
    fn chercher(
        graphe: &BTreeMap<String, BTreeSet<String>>,
        but: &str,
        chemin: &mut Vec<String>,
        vus: &mut BTreeSet<String>,
    ) -> bool {
        let dernier = chemin.last().cloned().unwrap_or_default();
        for suivant in graphe.get(&dernier).into_iter().flatten() {
            if suivant == but {
                chemin.push(suivant.clone());
                return true;
            }
            if vus.insert(suivant.clone()) {
                chemin.push(suivant.clone());
                if chercher(graphe, but, chemin, vus) {
                    return true;
                }
                chemin.pop();
            }
        }
        false
    }
    let mut chemin = vec![depart.to_string()];
    chercher(graphe, depart, &mut chemin, &mut BTreeSet::new()).then_some(chemin)
}

#[test]
fn aucun_module_n_importe_un_module_qui_l_importe() {
    let graphe = dependances();
    assert!(graphe.len() > 30, "les modules de src/ sont lus : {:?}", graphe.keys());
    assert!(graphe["moteur"].contains("bac"), "les imports sont lus : {:?}", graphe["moteur"]);
    let cycles: Vec<String> =
        graphe.keys().filter_map(|m| cycle_depuis(&graphe, m)).map(|c| c.join(" → ")).collect();
    assert!(cycles.is_empty(), "modules en cycle :\n{}", cycles.join("\n"));
}

#[test]
fn le_bac_et_son_horloge_sont_en_bas() {
    let graphe = dependances();
    for bas in ["bac", "horloge", "journal"] {
        let au_dessus: BTreeSet<&str> = graphe[bas].iter().map(String::as_str).collect();
        assert!(
            au_dessus.is_subset(&BTreeSet::from(["bac", "colonne", "erreur", "horloge"])),
            "{bas} ne dépend que du bac, de l'horloge, des erreurs et de la lecture des colonnes : {au_dessus:?}"
        );
    }
    // La lecture des dates en base ne dépend de rien dans le crate.
    assert!(graphe["colonne"].is_empty(), "colonne : {:?}", graphe["colonne"]);
}

#[test]
fn les_imports_sur_plusieurs_lignes_et_en_groupes_imbriques_sont_lus() {
    let code = "use crate::erreur::Resultat;\nuse crate::{\n    bac,\n    facture::{self, Envoi, Issue},\n    journal, // le journal\n};\nfn f() { crate::moteur::avancer(); } // crate::commentaire\n#[cfg(test)]";
    let noms: Vec<String> = modules_nommes(code).into_iter().collect();
    assert_eq!(noms, ["bac", "erreur", "facture", "journal", "moteur"]);
}

#[test]
fn la_detection_voit_un_cycle() {
    let graphe: BTreeMap<String, BTreeSet<String>> =
        [("a", vec!["b"]), ("b", vec!["c"]), ("c", vec!["a"]), ("d", vec!["a"])]
            .into_iter()
            .map(|(m, d)| (m.to_string(), d.into_iter().map(String::from).collect()))
            .collect();
    assert_eq!(cycle_depuis(&graphe, "a").unwrap(), ["a", "b", "c", "a"]);
    assert_eq!(cycle_depuis(&graphe, "d"), None);
}
