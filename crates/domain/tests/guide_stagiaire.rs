//! Le guide du stagiaire reprend, statut par statut, les explications que le portail affiche :
//! ce test les garde identiques (titre = libellé, citation = explication, auteur du statut).

use chorus_domain::circuit::statuts_parcourus;
use chorus_domain::suites::qui_le_donne;

const GUIDE: &str = include_str!("../../../docs/guide-stagiaire.md");

fn normaliser(texte: &str) -> String {
    texte.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// La section `### libellé` du guide, jusqu'au titre suivant.
fn section(libelle: &str) -> Option<String> {
    let titre = format!("\n### {libelle}\n");
    let debut = GUIDE.find(&titre)? + titre.len();
    let reste = &GUIDE[debut..];
    let fin = reste.find("\n#").unwrap_or(reste.len());
    Some(normaliser(&reste[..fin]))
}

#[test]
fn une_section_par_statut_fidele_au_portail() {
    for s in statuts_parcourus() {
        let Some(texte) = section(s.libelle()) else {
            panic!("pas de section « ### {} » dans docs/guide-stagiaire.md", s.libelle());
        };
        let explication = normaliser(s.explication());
        assert!(
            texte.contains(&format!("> {explication}")),
            "{:?} : explication différente de celle du portail",
            s
        );
        assert!(
            texte.contains(&format!("**Qui l'a donné :** {}.", qui_le_donne(s))),
            "{:?} : auteur du statut différent",
            s
        );
        assert!(texte.contains("**Ce que vous faites :**"), "{s:?}");
    }
}
