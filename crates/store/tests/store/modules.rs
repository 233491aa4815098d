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
            let mut deps = BTreeSet::new();
            for ligne in code.lines() {
                let ligne = ligne.split("//").next().unwrap_or("");
                for (i, _) in ligne.match_indices("crate::") {
                    let suite = &ligne[i + "crate::".len()..];
                    let groupe = if let Some(g) = suite.strip_prefix('{') {
                        g.split('}').next().unwrap_or("")
                    } else {
                        suite
                    };
                    for morceau in groupe.split(',') {
                        let m: String = morceau
                            .trim()
                            .chars()
                            .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
                            .collect();
                        if noms.contains(&m) && m != *nom {
                            deps.insert(m);
                        }
                    }
                }
            }
            (nom.clone(), deps)
        })
        .collect()
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
fn la_detection_voit_un_cycle() {
    let graphe: BTreeMap<String, BTreeSet<String>> =
        [("a", vec!["b"]), ("b", vec!["c"]), ("c", vec!["a"]), ("d", vec!["a"])]
            .into_iter()
            .map(|(m, d)| (m.to_string(), d.into_iter().map(String::from).collect()))
            .collect();
    assert_eq!(cycle_depuis(&graphe, "a").unwrap(), ["a", "b", "c", "a"]);
    assert_eq!(cycle_depuis(&graphe, "d"), None);
}
