//! Les règles françaises d'une facture adressée à un acheteur public que les sources donnent
//! (flux-formats.md §1.8) : le sous-ensemble B2G « BR-FR-CPRO » que Chorus Pro applique (leur
//! texte officiel, l'annexe A de la XP Z12-012, n'est pas publié : ils sont paraphrasés de deux
//! mises en œuvre), et BR-FR-09 (le SIRET commence par le SIREN). Les règles de la réforme qui
//! ne valent pas pour un dépôt direct sur Chorus Pro (BR-FR-08 : cadre B1…M9) ne sont pas
//! appliquées : les cadres A1…A25 y restent acceptés.

use crate::correspondance::{Donnees, Partie, RegleEnfreinte};

fn regle(regle: &str, terme: &str, texte: String) -> RegleEnfreinte {
    RegleEnfreinte { regle: regle.to_string(), terme: terme.to_string(), texte }
}

fn longueur(
    v: &mut Vec<RegleEnfreinte>,
    id: &str,
    terme: &str,
    quoi: &str,
    valeur: Option<&str>,
    max: usize,
) {
    if let Some(x) = valeur
        && x.chars().count() > max
    {
        v.push(regle(
            id,
            terme,
            format!("{quoi} compte {} caractères ; Chorus Pro en accepte {max} au plus.", x.chars().count()),
        ));
    }
}

/// BR-FR-09 : un SIRET (schéma 0009) a 14 chiffres et commence par le SIREN de la partie
/// (schéma 0002) quand les deux sont donnés.
fn siret_et_siren(v: &mut Vec<RegleEnfreinte>, p: &Partie, qui: &str, terme: &str) {
    let siren = p.immatriculation.as_ref().filter(|(x, s)| s.as_deref() == Some("0002") && x.len() == 9);
    for (siret, schema) in &p.identifiants {
        if schema.as_deref() != Some("0009") {
            continue;
        }
        if siret.len() != 14 || !siret.bytes().all(|b| b.is_ascii_digit()) {
            v.push(regle(
                "BR-FR-09",
                terme,
                format!("Le SIRET du {qui} (« {siret} ») doit compter 14 chiffres."),
            ));
        } else if let Some((siren, _)) = siren
            && !siret.starts_with(siren.as_str())
        {
            v.push(regle(
                "BR-FR-09",
                terme,
                format!("Le SIRET du {qui} (« {siret} ») ne commence pas par son SIREN (« {siren} ») : l'un des deux est faux."),
            ));
        }
    }
}

pub(crate) fn controler(d: &Donnees) -> Vec<RegleEnfreinte> {
    let mut v = Vec::new();
    longueur(&mut v, "BR-FR-CPRO-02", "BT-1", "Le numéro de la facture", d.numero.as_deref(), 20);
    for p in &d.factures_precedentes {
        longueur(&mut v, "BR-FR-CPRO-02", "BT-25", "Le numéro de la facture d'origine", Some(p), 20);
    }
    if d.factures_precedentes.len() > 1 {
        v.push(regle(
            "BR-FR-CPRO-20",
            "BG-3",
            format!(
                "La facture cite {} factures antérieures ; pour un acheteur public, un avoir ou une facture \
                 rectificative n'en cite qu'une.",
                d.factures_precedentes.len()
            ),
        ));
    }
    longueur(&mut v, "BR-FR-CPRO-14", "BT-12", "Le numéro de marché", d.marche.as_deref(), 50);
    longueur(
        &mut v,
        "BR-FR-CPRO-15",
        "BT-13",
        "Le numéro d'engagement juridique",
        d.engagement.as_deref(),
        50,
    );
    longueur(&mut v, "BR-FR-CPRO-43", "BT-27", "Le nom du vendeur", d.vendeur.nom.as_deref(), 99);
    longueur(&mut v, "BR-FR-CPRO-44", "BT-44", "Le nom de l'acheteur", d.acheteur.nom.as_deref(), 99);
    for n in &d.notes {
        longueur(&mut v, "BR-FR-CPRO-42", "BT-22", "Une note de la facture", Some(n), 1024);
    }
    for l in &d.lignes {
        longueur(&mut v, "BR-FR-CPRO-31", "BT-153", "Le nom d'un article", l.designation.as_deref(), 1024);
    }
    if d.cadre.as_deref().is_some_and(|c| matches!(c.trim(), "S5" | "B5" | "M5")) {
        v.push(regle(
            "BR-FR-CPRO-24",
            "BT-23",
            "Le cadre de la sous-traitance sans paiement direct (S5) n'est pas admis pour un acheteur public : \
             un sous-traitant payé directement dépose sa facture en sous-traitance (S3, cadre A9)."
                .to_string(),
        ));
    }
    siret_et_siren(&mut v, &d.vendeur, "vendeur", "BT-29/BT-30");
    siret_et_siren(&mut v, &d.acheteur, "destinataire", "BT-46/BT-47");
    v
}
