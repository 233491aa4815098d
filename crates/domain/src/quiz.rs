//! Les quiz (`fixtures/quiz/*.toml`, décrits dans `docs/quiz.md`) : des questions à choix
//! multiple regroupées par point du programme, chacune avec son explication et sa référence
//! (article du code de la commande publique ou source Chorus Pro).
//!
//! Ici, la forme du fichier et ses contrôles ([`controler`], avec numéros de ligne), la
//! correction d'une réponse, les scores par point du programme et le tirage d'un examen.
//!
//! Règle de correction : **tout ou rien**. Une question à plusieurs bonnes réponses n'est
//! juste que si le stagiaire coche exactement toutes les bonnes et aucune autre ; pas de
//! demi-point. Une réponse à moitié juste, dans la vraie vie, laisse la facture bloquée.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::scenario::{
    Defaut, ItemProgramme, est_un_identifiant, ligne_de_la_cle, ligne_de_table, lire_toml,
};

/// Nombre de choix d'une question : au moins 2, au plus 6 (lettres A à F).
pub const CHOIX_MIN: usize = 2;
pub const CHOIX_MAX: usize = 6;

/// Un fichier de quiz : les questions d'un point du programme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quiz {
    pub item: ItemProgramme,
    pub titre: String,
    pub questions: Vec<Question>,
}

/// Une question, prête à poser : ses bonnes réponses sont des rangs dans `choix` (0 pour A).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    /// Identifiant stable, unique dans tout le catalogue : les réponses s'y rattachent.
    pub id: String,
    pub item: ItemProgramme,
    pub enonce: String,
    pub choix: Vec<String>,
    pub bonnes: Vec<usize>,
    /// Pourquoi, en mots simples.
    pub explication: String,
    /// L'article de loi ou la source Chorus Pro.
    pub reference: String,
    /// Le jour où ce fait daté a été vérifié : obligatoire pour la réforme, dont le calendrier et
    /// les sanctions changent encore ; le formateur voit quand il faut le revérifier.
    pub a_jour_au: Option<chrono::NaiveDate>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fichier {
    item: ItemProgramme,
    titre: String,
    #[serde(default, rename = "question")]
    questions: Vec<QuestionFichier>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QuestionFichier {
    id: String,
    enonce: String,
    choix: Vec<String>,
    /// Les lettres des bonnes réponses : `["B"]`, `["A", "C"]`.
    bonnes: Vec<String>,
    explication: String,
    reference: String,
    #[serde(default)]
    a_jour_au: Option<chrono::NaiveDate>,
}

/// La lettre d'un choix (0 → A).
pub fn lettre(rang: usize) -> char {
    char::from(b'A' + u8::try_from(rang.min(25)).unwrap_or(25))
}

/// Le rang d'une lettre de choix (« A » ou « a » → 0), s'il en est une.
pub fn rang_de_lettre(texte: &str) -> Option<usize> {
    let mut car = texte.trim().chars();
    match (car.next(), car.next()) {
        (Some(c), None) if c.is_ascii_alphabetic() => Some(usize::from(c.to_ascii_uppercase() as u8 - b'A')),
        _ => None,
    }
}

impl Question {
    pub fn plusieurs_reponses(&self) -> bool {
        self.bonnes.len() > 1
    }

    /// Tout ou rien : exactement les bonnes réponses, ni plus ni moins.
    pub fn est_juste(&self, reponses: &[usize]) -> bool {
        let donnees: BTreeSet<usize> = reponses.iter().copied().collect();
        let attendues: BTreeSet<usize> = self.bonnes.iter().copied().collect();
        donnees == attendues
    }

    /// Les lettres des bonnes réponses, pour la correction (« B et D »).
    pub fn lettres_bonnes(&self) -> String {
        let lettres: Vec<String> = self.bonnes.iter().map(|&r| lettre(r).to_string()).collect();
        match lettres.split_last() {
            Some((derniere, debut)) if !debut.is_empty() => format!("{} et {derniere}", debut.join(", ")),
            _ => lettres.concat(),
        }
    }
}

/// Lit et contrôle un fichier de quiz. Toutes les erreurs de sens sont rapportées, chacune
/// avec la ligne de la question en cause. L'unicité des identifiants entre fichiers se
/// contrôle au chargement du catalogue.
pub fn controler(texte: &str) -> Result<Quiz, Vec<Defaut>> {
    let fichier: Fichier = lire_toml(texte)?;
    let mut defauts = Vec::new();
    if fichier.titre.trim().is_empty() {
        defauts.push(Defaut {
            ligne: ligne_de_la_cle(texte, "titre").unwrap_or(1),
            message: "« titre » ne doit pas être vide".into(),
        });
    }
    if fichier.questions.is_empty() {
        defauts.push(Defaut {
            ligne: 1,
            message: "un quiz doit avoir au moins une question ([[question]])".into(),
        });
    }
    let mut ids = BTreeSet::new();
    let mut questions = Vec::with_capacity(fichier.questions.len());
    for (i, q) in fichier.questions.into_iter().enumerate() {
        let ligne = ligne_de_table(texte, "question", i);
        let mut d =
            |m: String| defauts.push(Defaut { ligne, message: format!("question n° {} : {m}", i + 1) });
        if !est_un_identifiant(&q.id) {
            d("l'identifiant ne doit contenir que des minuscules sans accent, des chiffres et des tirets"
                .into());
        } else if !ids.insert(q.id.clone()) {
            d(format!("l'identifiant « {} » est déjà pris par une autre question", q.id));
        }
        for (cle, valeur) in
            [("enonce", &q.enonce), ("explication", &q.explication), ("reference", &q.reference)]
        {
            if valeur.trim().is_empty() {
                d(format!("« {cle} » ne doit pas être vide"));
            }
        }
        if !(CHOIX_MIN..=CHOIX_MAX).contains(&q.choix.len()) {
            d(format!("il faut de {CHOIX_MIN} à {CHOIX_MAX} choix (il y en a {})", q.choix.len()));
        }
        if q.choix.iter().any(|c| c.trim().is_empty()) {
            d("un choix ne doit pas être vide".into());
        }
        let distincts: BTreeSet<&str> = q.choix.iter().map(|c| c.trim()).collect();
        if distincts.len() != q.choix.len() {
            d("deux choix ont le même texte".into());
        }
        let mut bonnes = Vec::new();
        for l in &q.bonnes {
            match rang_de_lettre(l) {
                Some(r) if r < q.choix.len() => {
                    if bonnes.contains(&r) {
                        d(format!("la bonne réponse « {l} » est donnée deux fois"));
                    } else {
                        bonnes.push(r);
                    }
                }
                _ => d(format!(
                    "la bonne réponse « {l} » n'est pas la lettre d'un des choix (A à {})",
                    lettre(q.choix.len().max(1) - 1)
                )),
            }
        }
        if q.bonnes.is_empty() {
            d("indiquez au moins une bonne réponse (« bonnes = [\"A\"] »)".into());
        }
        if bonnes.len() > 1 && !q.enonce.to_lowercase().contains("plusieurs réponses") {
            d("une question à plusieurs bonnes réponses doit le dire dans son énoncé (« plusieurs réponses »)".into());
        }
        if fichier.item == ItemProgramme::Reforme && q.a_jour_au.is_none() {
            d("une question sur la réforme dit quand ses faits ont été vérifiés (« a_jour_au = \"AAAA-MM-JJ\" »)"
                .into());
        }
        if !bonnes.is_empty() && bonnes.len() == q.choix.len() {
            d("toutes les réponses ne peuvent pas être bonnes".into());
        }
        bonnes.sort_unstable();
        questions.push(Question {
            id: q.id,
            item: fichier.item,
            enonce: q.enonce.trim().to_string(),
            choix: q.choix.into_iter().map(|c| c.trim().to_string()).collect(),
            bonnes,
            explication: q.explication.trim().to_string(),
            reference: q.reference.trim().to_string(),
            a_jour_au: q.a_jour_au,
        });
    }
    if defauts.is_empty() {
        Ok(Quiz { item: fichier.item, titre: fichier.titre.trim().to_string(), questions })
    } else {
        Err(defauts)
    }
}

/// Un score : bonnes réponses sur questions posées.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Score {
    pub bonnes: u32,
    pub total: u32,
}

impl Score {
    pub fn compter(&mut self, juste: bool) {
        self.total += 1;
        self.bonnes += u32::from(juste);
    }

    /// Pourcentage arrondi à l'entier inférieur (0 sans question).
    pub fn pourcentage(self) -> u32 {
        (self.bonnes * 100).checked_div(self.total).unwrap_or(0)
    }

    /// Meilleur taux de réussite ; à taux égal, celui qui porte sur plus de questions.
    pub fn meilleur_que(self, autre: Score) -> bool {
        let (a, b) = (
            u64::from(self.bonnes) * u64::from(autre.total),
            u64::from(autre.bonnes) * u64::from(self.total),
        );
        a > b || (a == b && self.total > autre.total)
    }
}

/// Les scores par point du programme, à partir des réponses corrigées (point, juste ?).
pub fn scores_par_item(
    reponses: impl IntoIterator<Item = (ItemProgramme, bool)>,
) -> BTreeMap<ItemProgramme, Score> {
    let mut scores: BTreeMap<ItemProgramme, Score> = BTreeMap::new();
    for (item, juste) in reponses {
        scores.entry(item).or_default().compter(juste);
    }
    scores
}

/// Tire `nombre` questions parmi celles des points `items`, réparties entre ces points (un tour
/// de chaque point à la fois, dans l'ordre donné), l'ordre de chaque point mélangé par
/// `graine`. La même graine donne toujours le même tirage : recharger la page ne rebat pas les
/// cartes.
pub fn tirer(questions: &[Question], items: &[ItemProgramme], nombre: usize, graine: u64) -> Vec<Question> {
    let mut alea = Alea(graine);
    let mut paquets: Vec<Vec<&Question>> = items
        .iter()
        .map(|item| {
            let mut paquet: Vec<&Question> = questions.iter().filter(|q| q.item == *item).collect();
            alea.melanger(&mut paquet);
            paquet.reverse();
            paquet
        })
        .collect();
    let mut tirees = Vec::with_capacity(nombre.min(questions.len()));
    while tirees.len() < nombre && paquets.iter().any(|p| !p.is_empty()) {
        for paquet in &mut paquets {
            if tirees.len() < nombre
                && let Some(q) = paquet.pop()
            {
                tirees.push(q.clone());
            }
        }
    }
    tirees
}

/// Générateur pseudo-aléatoire SplitMix64 : reproductible à partir d'une graine, sans
/// dépendance ; un tirage de quiz n'a pas besoin de plus.
struct Alea(u64);

impl Alea {
    fn suivant(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Fisher-Yates.
    fn melanger<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = (self.suivant() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
item = "paiement"
titre = "Le paiement"

[[question]]
id = "delai-collectivite"
enonce = "Quel est le délai global de paiement d'une commune ?"
choix = ["30 jours", "50 jours", "60 jours"]
bonnes = ["A"]
explication = "30 jours pour l'État et les collectivités."
reference = "Article R2192-10 du code de la commande publique"

[[question]]
id = "retard"
enonce = "Que vous doit l'acheteur qui paie en retard ? (plusieurs réponses)"
choix = ["Des intérêts moratoires", "Une indemnité forfaitaire de 40 €", "Rien"]
bonnes = ["A", "b"]
explication = "Les deux sont dus de plein droit."
reference = "Articles R2192-31 et D2192-35 du code de la commande publique"
"#;

    fn question(id: &str, item: ItemProgramme) -> Question {
        Question {
            id: id.into(),
            item,
            enonce: "?".into(),
            choix: vec!["a".into(), "b".into(), "c".into()],
            bonnes: vec![0, 2],
            explication: "e".into(),
            reference: "r".into(),
            a_jour_au: None,
        }
    }

    #[test]
    fn un_quiz_minimal_est_accepte() {
        let q = controler(MINIMAL).unwrap();
        assert_eq!(q.item, ItemProgramme::Paiement);
        assert_eq!(q.questions.len(), 2);
        assert_eq!(q.questions[1].bonnes, vec![0, 1]);
        assert_eq!(q.questions[1].item, ItemProgramme::Paiement);
        assert_eq!(q.questions[1].lettres_bonnes(), "A et B");
    }

    #[test]
    fn une_question_sur_la_reforme_dit_quand_elle_a_ete_verifiee() {
        let reforme = MINIMAL.replace("item = \"paiement\"", "item = \"reforme\"");
        let d = controler(&reforme).unwrap_err();
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d[0].message.contains("a_jour_au"), "{d:?}");
        let datee = reforme.replace("reference = ", "a_jour_au = \"2026-12-05\"\nreference = ");
        let q = controler(&datee).unwrap();
        assert_eq!(q.questions[0].a_jour_au, chrono::NaiveDate::from_ymd_opt(2026, 12, 5));
        // Ailleurs, la date reste facultative.
        assert_eq!(controler(MINIMAL).unwrap().questions[0].a_jour_au, None);
    }

    #[test]
    fn les_erreurs_de_sens_donnent_leur_ligne() {
        let texte = MINIMAL
            .replace("bonnes = [\"A\"]", "bonnes = [\"D\"]")
            .replace(
                "reference = \"Articles R2192-31 et D2192-35 du code de la commande publique\"",
                "reference = \" \"",
            )
            .replace(" ? (plusieurs réponses)", " ?");
        let defauts = controler(&texte).unwrap_err();
        let vus: Vec<(usize, &str)> = defauts.iter().map(|d| (d.ligne, d.message.as_str())).collect();
        assert_eq!(defauts.len(), 3, "{vus:?}");
        assert_eq!(defauts[0].ligne, 5);
        assert!(defauts[0].message.contains("« D »"), "{}", defauts[0]);
        assert_eq!(defauts[1].ligne, 13);
        assert!(defauts[1].message.contains("reference"), "{}", defauts[1]);
        assert!(defauts[2].message.contains("plusieurs réponses"), "{}", defauts[2]);
    }

    #[test]
    fn les_choix_les_bonnes_reponses_et_les_identifiants_sont_controles() {
        let texte = MINIMAL
            .replace("[\"30 jours\", \"50 jours\", \"60 jours\"]", "[\"30 jours\"]")
            .replace("id = \"retard\"", "id = \"delai-collectivite\"")
            .replace("bonnes = [\"A\", \"b\"]", "bonnes = []");
        let defauts = controler(&texte).unwrap_err();
        let messages: Vec<&str> = defauts.iter().map(|d| d.message.as_str()).collect();
        assert!(messages.iter().any(|m| m.contains("de 2 à 6 choix")), "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("déjà pris")), "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("au moins une bonne réponse")), "{messages:?}");
    }

    #[test]
    fn les_erreurs_de_syntaxe_donnent_leur_ligne() {
        let defauts =
            controler(&MINIMAL.replace("item = \"paiement\"", "item = \"facturation\"")).unwrap_err();
        assert_eq!(defauts[0].ligne, 2, "{}", defauts[0]);
        let defauts = controler(&MINIMAL.replace("explication = \"30", "explications = \"30")).unwrap_err();
        assert!(defauts[0].message.contains("explications"), "{}", defauts[0]);
    }

    #[test]
    fn correction_tout_ou_rien() {
        let q = question("q", ItemProgramme::Paiement);
        assert!(q.est_juste(&[0, 2]));
        assert!(q.est_juste(&[2, 0]));
        assert!(!q.est_juste(&[0]), "une bonne réponse sur deux : faux");
        assert!(!q.est_juste(&[0, 1, 2]), "une réponse de trop : faux");
        assert!(!q.est_juste(&[]));
    }

    #[test]
    fn scores_par_point_du_programme() {
        let scores = scores_par_item([
            (ItemProgramme::Paiement, true),
            (ItemProgramme::Paiement, false),
            (ItemProgramme::Securite, true),
        ]);
        assert_eq!(scores[&ItemProgramme::Paiement], Score { bonnes: 1, total: 2 });
        assert_eq!(scores[&ItemProgramme::Securite], Score { bonnes: 1, total: 1 });
        assert_eq!(scores[&ItemProgramme::Paiement].pourcentage(), 50);
        assert!(!scores.contains_key(&ItemProgramme::Contexte));
        assert!(Score { bonnes: 3, total: 4 }.meilleur_que(Score { bonnes: 2, total: 3 }));
        assert!(Score { bonnes: 2, total: 2 }.meilleur_que(Score { bonnes: 1, total: 1 }));
        assert!(!Score { bonnes: 1, total: 2 }.meilleur_que(Score { bonnes: 2, total: 4 }));
        assert_eq!(Score::default().pourcentage(), 0);
    }

    #[test]
    fn le_tirage_est_reparti_et_reproductible() {
        let mut questions = Vec::new();
        for item in ItemProgramme::TOUS {
            for n in 0..5 {
                questions.push(question(&format!("{}-{n}", item.code()), item));
            }
        }
        let items = &ItemProgramme::TOUS[..6];
        let tirage = tirer(&questions, items, 12, 42);
        assert_eq!(tirage, tirer(&questions, items, 12, 42));
        assert_ne!(
            tirage.iter().map(|q| &q.id).collect::<Vec<_>>(),
            tirer(&questions, items, 12, 43).iter().map(|q| &q.id).collect::<Vec<_>>()
        );
        let par_item = scores_par_item(tirage.iter().map(|q| (q.item, true)));
        assert_eq!(par_item.len(), 6);
        assert!(par_item.values().all(|s| s.total == 2), "{par_item:?}");
        let ids: BTreeSet<&str> = tirage.iter().map(|q| q.id.as_str()).collect();
        assert_eq!(ids.len(), 12, "jamais deux fois la même question");
        assert_eq!(tirer(&questions, items, 100, 1).len(), 30);
        // Les points d'un programme seulement.
        let cci = crate::programme::Programme::Cci.items();
        let tirage = tirer(&questions, cci, 20, 5);
        assert!(tirage.iter().all(|q| cci.contains(&q.item)));
        assert_eq!(tirage.len(), 20);
    }

    #[test]
    fn lettres_et_rangs() {
        assert_eq!(lettre(0), 'A');
        assert_eq!(lettre(5), 'F');
        assert_eq!(rang_de_lettre(" c "), Some(2));
        assert_eq!(rang_de_lettre("AB"), None);
        assert_eq!(rang_de_lettre(""), None);
        assert_eq!(rang_de_lettre("é"), None);
    }
}
