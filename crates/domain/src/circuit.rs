//! Les circuits de facturation : pour chaque cadre, qui dépose, quels valideurs agissent et dans
//! quel ordre, quels statuts suivent lesquels et qui fait passer de l'un à l'autre. Un circuit est
//! une table d'arcs ; la réception par le destinataire et son comptable, commune à tous, suit les
//! règles de [`crate::statut`]. Une seule fonction, [`transition`], décide pour tous.
//!
//! Sources (`chorus-pro-domain.md` §1.7, §1.8) : la suite des statuts de la validation est
//! déduite de l'ordre de l'énumération de l'API et des règles de la sous-traitance ; là où les
//! sources se taisent, les choix du simulateur sont dans [`crate::choix_simulateur`] :
//!
//! - le second valideur (le mandataire, pour le sous-traitant d'un cotraitant) est désigné par
//!   le premier valideur quand il valide ; sans validation expresse du premier (validation
//!   tacite), il n'y a pas de second niveau et la facture part vers le destinataire ;
//! - une facture de cotraitant (A12) suit la même validation que celle d'un sous-traitant, avec
//!   le même délai de 15 jours (la règle des 15 jours est écrite pour la sous-traitance,
//!   articles R2193-12 et R2193-16) ;
//! - une facture « À recycler » d'un circuit avec validation, une fois recyclée, repart au
//!   statut « Déposée » sans repasser par ses valideurs (ils ont déjà donné leur accord).

use crate::Erreur;
use crate::facture::CadreFacturation;
use crate::statut::{self, Acteur, Action, CIBLES_ACHETEUR, Contexte, Statut, motif_valide, refus};

/// Ce qu'un arc demande en plus de l'acteur et du statut de départ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    Toujours,
    /// Un motif, obligatoire, de 255 caractères au plus.
    Motif,
    /// Un second valideur est désigné.
    SecondValideur,
    /// Aucun second valideur n'est désigné.
    SansSecondValideur,
    /// Les 15 jours laissés au valideur sont écoulés.
    DelaiEcoule,
}

/// Un passage permis d'un statut à un autre.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arc {
    /// `None` : la facture n'existe pas encore.
    pub de: Option<Statut>,
    pub action: Action,
    pub acteur: Acteur,
    pub vers: Statut,
    pub si: Condition,
}

const fn arc(de: Option<Statut>, action: Action, acteur: Acteur, vers: Statut, si: Condition) -> Arc {
    Arc { de, action, acteur, vers, si }
}

use Acteur::{Fournisseur, PremierValideur, SecondValideur, Systeme};
use Condition::{DelaiEcoule, Motif, SansSecondValideur, Toujours};
use Statut::*;

/// La fin commune à tous les circuits : acheminement, mise à disposition, et les suites que le
/// fournisseur donne aux retours du destinataire. Les statuts que donnent le destinataire et son
/// comptable (`Action::Traiter`) suivent les règles de la réception.
const RECEPTION: &[Arc] = &[
    arc(Some(Deposee), Action::Acheminer, Systeme, EnCoursAcheminement, Toujours),
    arc(Some(EnCoursAcheminement), Action::MettreADisposition, Systeme, MiseADisposition, Toujours),
    arc(Some(ARecycler), Action::Recycler, Fournisseur, Deposee, Toujours),
    arc(Some(Suspendue), Action::Completer, Fournisseur, Completee, Toujours),
];

/// Le dépôt d'une facture sans valideur.
const DEPOT_DIRECT: &[Arc] = &[
    arc(None, Action::Enregistrer, Fournisseur, Brouillon, Toujours),
    arc(Some(Brouillon), Action::Enregistrer, Fournisseur, Brouillon, Toujours),
    arc(None, Action::ValiderEtEnvoyer, Fournisseur, Deposee, Toujours),
    arc(Some(Brouillon), Action::ValiderEtEnvoyer, Fournisseur, Deposee, Toujours),
];

/// Le dépôt et le premier niveau de validation, communs à la sous-traitance et à la cotraitance.
const PREMIER_NIVEAU: &[Arc] = &[
    arc(None, Action::Enregistrer, Fournisseur, Brouillon, Toujours),
    arc(Some(Brouillon), Action::Enregistrer, Fournisseur, Brouillon, Toujours),
    arc(None, Action::ValiderEtEnvoyer, Fournisseur, AValider1, Toujours),
    arc(Some(Brouillon), Action::ValiderEtEnvoyer, Fournisseur, AValider1, Toujours),
    arc(Some(AValider1), Action::Valider, PremierValideur, Validee1, Toujours),
    arc(Some(AValider1), Action::Refuser, PremierValideur, Refusee1, Motif),
    arc(
        Some(AValider1),
        Action::SignalerErreurDeValideur,
        PremierValideur,
        ErreurFournisseurSurValideur,
        Motif,
    ),
    arc(
        Some(AValider1),
        Action::ConstaterAbsenceDeValidation,
        Systeme,
        AbsenceValidation1HorsDelai,
        DelaiEcoule,
    ),
    arc(Some(ErreurFournisseurSurValideur), Action::CorrigerValideur, Fournisseur, AValider1, Toujours),
    // Sans validation expresse, pas de second valideur désigné : la facture va au destinataire.
    arc(Some(AbsenceValidation1HorsDelai), Action::Transmettre, Systeme, Deposee, Toujours),
];

/// Le second niveau de la sous-traitance : le sous-traitant d'un cotraitant, validé par le
/// cotraitant puis par le mandataire du groupement.
const SECOND_NIVEAU: &[Arc] = &[
    arc(Some(Validee1), Action::Transmettre, Systeme, AValider2, Condition::SecondValideur),
    arc(Some(Validee1), Action::Transmettre, Systeme, Deposee, SansSecondValideur),
    arc(Some(AValider2), Action::Valider, SecondValideur, Validee2, Toujours),
    arc(Some(AValider2), Action::Refuser, SecondValideur, Refusee2, Motif),
    arc(
        Some(AValider2),
        Action::SignalerErreurDeValideur,
        SecondValideur,
        ErreurCotraitantSurValideur,
        Motif,
    ),
    arc(
        Some(AValider2),
        Action::ConstaterAbsenceDeValidation,
        Systeme,
        AbsenceValidation2HorsDelai,
        DelaiEcoule,
    ),
    arc(Some(ErreurCotraitantSurValideur), Action::CorrigerValideur, PremierValideur, AValider2, Toujours),
    arc(Some(Validee2), Action::Transmettre, Systeme, Deposee, Toujours),
    arc(Some(AbsenceValidation2HorsDelai), Action::Transmettre, Systeme, Deposee, Toujours),
];

/// La cotraitance n'a qu'un niveau : le mandataire valide, la facture part au destinataire.
const APRES_LE_MANDATAIRE: &[Arc] = &[arc(Some(Validee1), Action::Transmettre, Systeme, Deposee, Toujours)];

/// Un circuit de facturation.
#[derive(Debug, PartialEq, Eq)]
pub struct Circuit {
    pub nom: &'static str,
    /// Qui dépose la facture, dit au stagiaire.
    pub deposant: &'static str,
    /// Les valideurs possibles, dans l'ordre (aucun : la facture va droit au destinataire).
    pub valideurs: &'static [&'static str],
    /// Le dépôt et la validation, par morceaux ; la réception ([`RECEPTION`]) suit.
    arcs: &'static [&'static [Arc]],
}

/// A1 et A2 : le fournisseur dépose, le destinataire reçoit.
pub const CLASSIQUE: Circuit = Circuit {
    nom: "Facture d'un fournisseur",
    deposant: "le fournisseur (titulaire du marché)",
    valideurs: &[],
    arcs: &[DEPOT_DIRECT],
};

/// A9 : le sous-traitant payé directement dépose, le titulaire valide.
pub const SOUS_TRAITANT: Circuit = Circuit {
    nom: "Facture d'un sous-traitant (paiement direct)",
    deposant: "le sous-traitant de premier rang, admis au paiement direct",
    valideurs: &[
        "le titulaire du marché (ou le cotraitant qui a sous-traité les travaux)",
        "le mandataire du groupement (sous-traitant d'un cotraitant seulement)",
    ],
    arcs: &[PREMIER_NIVEAU, SECOND_NIVEAU],
};

/// A12 : le cotraitant d'un groupement dépose, le mandataire valide.
pub const COTRAITANT: Circuit = Circuit {
    nom: "Facture d'un cotraitant",
    deposant: "le cotraitant d'un groupement",
    valideurs: &["le mandataire du groupement"],
    arcs: &[PREMIER_NIVEAU, APRES_LE_MANDATAIRE],
};

impl Circuit {
    /// Le circuit d'un cadre de facturation.
    pub fn de(cadre: CadreFacturation) -> &'static Circuit {
        match cadre {
            CadreFacturation::A1FactureFournisseur | CadreFacturation::A2FactureFournisseurDejaPayee => {
                &CLASSIQUE
            }
            CadreFacturation::A9FactureSousTraitant => &SOUS_TRAITANT,
            CadreFacturation::A12FactureCotraitant => &COTRAITANT,
        }
    }

    pub const TOUS: [&'static Circuit; 3] = [&CLASSIQUE, &SOUS_TRAITANT, &COTRAITANT];

    /// Les arcs du circuit, réception comprise.
    pub fn arcs(&self) -> impl Iterator<Item = &'static Arc> {
        self.arcs.iter().flat_map(|morceau| morceau.iter()).chain(RECEPTION)
    }

    /// Le dépôt attend l'accord d'un valideur désigné par le fournisseur.
    pub fn exige_un_valideur(&self) -> bool {
        !self.valideurs.is_empty()
    }

    /// Tous les statuts qu'une facture de ce circuit peut avoir.
    pub fn statuts(&self) -> Vec<Statut> {
        let mut v: Vec<Statut> = self.arcs().map(|a| a.vers).chain(CIBLES_ACHETEUR).collect();
        v.sort_by_key(|s| Statut::TOUS.iter().position(|t| t == s));
        v.dedup();
        v
    }
}

/// Les statuts qu'une facture peut avoir dans le simulateur, tous circuits confondus, dans
/// l'ordre de l'API.
pub fn statuts_parcourus() -> Vec<Statut> {
    let mut v: Vec<Statut> = Circuit::TOUS.iter().flat_map(|c| c.statuts()).collect();
    v.sort_by_key(|s| Statut::TOUS.iter().position(|t| t == s));
    v.dedup();
    v
}

/// La règle unique du cycle de vie : dans ce circuit, depuis `courant` (`None` pour une facture
/// pas encore créée), `acteur` peut-il faire `action` ? Si oui, le nouveau statut ; sinon un
/// refus expliqué.
pub fn transition(
    circuit: &Circuit,
    courant: Option<Statut>,
    action: Action,
    acteur: Acteur,
    ctx: &Contexte<'_>,
) -> Result<Statut, Erreur> {
    if let Action::Traiter(cible) = action {
        return statut::traiter(courant, cible, acteur, ctx);
    }
    let de_l_action: Vec<&Arc> = circuit.arcs().filter(|a| a.action == action).collect();
    if de_l_action.is_empty() {
        return refus(format!("Cette action n'existe pas pour une « {} ».", circuit.nom.to_lowercase()));
    }
    let depuis: Vec<&Arc> = de_l_action.iter().copied().filter(|a| a.de == courant).collect();
    let permis: Vec<&Arc> = depuis.iter().copied().filter(|a| a.acteur == acteur).collect();
    if permis.is_empty() {
        let acteur_possible = de_l_action.iter().any(|a| a.acteur == acteur);
        return refus(if depuis.is_empty() && acteur_possible {
            refus_du_statut(action, courant)
        } else {
            refus_de_l_acteur(action)
        });
    }
    let mut attente = None;
    for a in permis {
        match a.si {
            Toujours => return Ok(a.vers),
            Motif => {
                motif_valide(ctx, a.vers)?;
                return Ok(a.vers);
            }
            Condition::SecondValideur if ctx.second_valideur => return Ok(a.vers),
            SansSecondValideur if !ctx.second_valideur => return Ok(a.vers),
            DelaiEcoule if ctx.delai_de_validation_ecoule => return Ok(a.vers),
            DelaiEcoule => {
                attente = Some(
                    "Le valideur a encore le temps de répondre : il dispose de 15 jours à compter du dépôt \
                     (articles R2193-12 et R2193-16 du code de la commande publique).",
                )
            }
            Condition::SecondValideur | SansSecondValideur => {}
        }
    }
    refus(attente.unwrap_or("Cette action n'est pas possible maintenant."))
}

fn libelle(courant: Option<Statut>) -> &'static str {
    courant.map(Statut::libelle).unwrap_or("nouvelle facture")
}

/// Pourquoi cet acteur ne peut pas faire cette action.
fn refus_de_l_acteur(action: Action) -> String {
    match action {
        Action::Enregistrer | Action::ValiderEtEnvoyer => {
            "Seul le fournisseur enregistre ou envoie sa facture."
        }
        Action::Acheminer | Action::MettreADisposition => "L'acheminement est fait par Chorus Pro.",
        Action::Recycler => "Seul le fournisseur recycle sa facture.",
        Action::Completer => "Seul le fournisseur complète sa facture.",
        Action::Valider | Action::Refuser | Action::SignalerErreurDeValideur => {
            "Seul le valideur désigné à ce niveau valide ou refuse la facture."
        }
        Action::CorrigerValideur => {
            "Seul celui qui a désigné le valideur peut le corriger : le fournisseur pour le premier \
             valideur, le premier valideur pour le second."
        }
        Action::ConstaterAbsenceDeValidation | Action::Transmettre => {
            "Chorus Pro fait suivre la facture validée, ou constate l'absence de réponse du valideur."
        }
        Action::Traiter(_) => "Cette action revient au destinataire ou à son comptable.",
    }
    .to_string()
}

/// Pourquoi cette action n'est pas possible depuis ce statut.
fn refus_du_statut(action: Action, courant: Option<Statut>) -> String {
    let l = libelle(courant);
    match (action, courant) {
        (Action::Enregistrer | Action::ValiderEtEnvoyer, Some(s)) => format!(
            "Cette facture a déjà été envoyée (statut « {} ») : elle ne peut plus être modifiée ni renvoyée.",
            s.libelle()
        ),
        (Action::Acheminer | Action::MettreADisposition, _) => {
            format!("Acheminement impossible depuis le statut « {l} ».")
        }
        (Action::Recycler, _) => {
            format!("Seule une facture « À recycler » peut être recyclée (statut actuel : « {l} »).")
        }
        (Action::Completer, _) => {
            format!("Seule une facture suspendue peut être complétée (statut actuel : « {l} »).")
        }
        (Action::Valider | Action::Refuser | Action::SignalerErreurDeValideur, _) => {
            format!("Cette facture n'attend pas de validation (statut actuel : « {l} »).")
        }
        (Action::CorrigerValideur, _) => format!(
            "Seule une facture refusée pour erreur de valideur peut être corrigée (statut actuel : « {l} »)."
        ),
        (Action::ConstaterAbsenceDeValidation, _) => {
            format!("Cette facture n'attend pas de validation (statut actuel : « {l} »).")
        }
        (Action::Transmettre, _) => {
            format!("Seule une facture validée est transmise (statut actuel : « {l} »).")
        }
        _ => format!("Action impossible depuis le statut « {l} »."),
    }
}

/// Le niveau de validation d'un statut : 1, 2, ou aucun.
pub fn niveau_de_validation(s: Statut) -> Option<u8> {
    match s {
        AValider1 | ErreurFournisseurSurValideur | Refusee1 | Validee1 | AbsenceValidation1HorsDelai => {
            Some(1)
        }
        AValider2 | ErreurCotraitantSurValideur | Refusee2 | Validee2 | AbsenceValidation2HorsDelai => {
            Some(2)
        }
        _ => None,
    }
}

/// L'acteur qui valide à ce niveau.
pub fn valideur(niveau: u8) -> Acteur {
    if niveau >= 2 { SecondValideur } else { PremierValideur }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    fn ctx() -> Contexte<'static> {
        Contexte::default()
    }

    fn motif(m: &'static str) -> Contexte<'static> {
        Contexte { motif: Some(m), ..Contexte::default() }
    }

    fn ok(c: &Circuit, s: Option<Statut>, a: Action, ac: Acteur, x: &Contexte<'_>) -> Statut {
        transition(c, s, a, ac, x).unwrap_or_else(|e| panic!("{s:?} {a:?} {ac:?} refusé : {e}"))
    }

    fn refuse(c: &Circuit, s: Option<Statut>, a: Action, ac: Acteur, x: &Contexte<'_>) -> String {
        match transition(c, s, a, ac, x) {
            Err(e) => e.to_string(),
            Ok(n) => panic!("{s:?} {a:?} {ac:?} accepté : {n:?}"),
        }
    }

    /// Déposer, puis faire suivre : les statuts que Chorus Pro enchaîne seul.
    fn acheminer(c: &Circuit, mut s: Statut) -> Vec<Statut> {
        let mut v = Vec::new();
        for a in [Action::Acheminer, Action::MettreADisposition] {
            s = ok(c, Some(s), a, Systeme, &ctx());
            v.push(s);
        }
        v
    }

    #[test]
    fn chaque_cadre_a_son_circuit() {
        assert_eq!(Circuit::de(CadreFacturation::A1FactureFournisseur), &CLASSIQUE);
        assert_eq!(Circuit::de(CadreFacturation::A2FactureFournisseurDejaPayee), &CLASSIQUE);
        assert_eq!(Circuit::de(CadreFacturation::A9FactureSousTraitant), &SOUS_TRAITANT);
        assert_eq!(Circuit::de(CadreFacturation::A12FactureCotraitant), &COTRAITANT);
        assert!(!CLASSIQUE.exige_un_valideur() && SOUS_TRAITANT.exige_un_valideur());
        assert!(CLASSIQUE.statuts().iter().all(|s| !s.est_de_validation()));
        assert!(COTRAITANT.statuts().iter().all(|s| niveau_de_validation(*s) != Some(2)));
        assert!(SOUS_TRAITANT.statuts().contains(&AValider2));
    }

    #[test]
    fn le_depot_d_un_sous_traitant_attend_son_valideur() {
        for c in [&SOUS_TRAITANT, &COTRAITANT] {
            assert_eq!(ok(c, None, Action::ValiderEtEnvoyer, Fournisseur, &ctx()), AValider1);
            assert_eq!(ok(c, Some(Brouillon), Action::ValiderEtEnvoyer, Fournisseur, &ctx()), AValider1);
            assert_eq!(ok(c, None, Action::Enregistrer, Fournisseur, &ctx()), Brouillon);
            // Pas d'acheminement avant la validation.
            refuse(c, Some(AValider1), Action::Acheminer, Systeme, &ctx());
        }
        assert_eq!(ok(&CLASSIQUE, None, Action::ValiderEtEnvoyer, Fournisseur, &ctx()), Deposee);
    }

    #[test]
    fn valide_par_le_titulaire() {
        let c = &SOUS_TRAITANT;
        assert_eq!(ok(c, Some(AValider1), Action::Valider, PremierValideur, &ctx()), Validee1);
        assert_eq!(ok(c, Some(Validee1), Action::Transmettre, Systeme, &ctx()), Deposee);
        assert_eq!(acheminer(c, Deposee), [EnCoursAcheminement, MiseADisposition]);
        // Le destinataire traite ensuite comme une facture classique.
        let servie =
            ok(c, Some(MiseADisposition), Action::Traiter(ServiceFait), Acteur::Destinataire, &ctx());
        assert_eq!(servie, ServiceFait);
    }

    #[test]
    fn refuse_avec_un_motif() {
        let c = &SOUS_TRAITANT;
        assert_eq!(
            refuse(c, Some(AValider1), Action::Refuser, PremierValideur, &ctx()),
            "Le motif est obligatoire pour passer une facture au statut « Refusée par le premier valideur pour autre motif »."
        );
        assert_eq!(
            ok(c, Some(AValider1), Action::Refuser, PremierValideur, &motif("Travaux non réalisés")),
            Refusee1
        );
        // Refusée : c'est fini, pour tout le monde.
        assert!(Refusee1.est_final());
        for a in [Action::Valider, Action::Transmettre, Action::CorrigerValideur, Action::Acheminer] {
            for ac in Acteur::TOUS {
                assert!(transition(c, Some(Refusee1), a, ac, &motif("m")).is_err());
            }
        }
    }

    #[test]
    fn tacite_au_bout_de_quinze_jours() {
        let c = &SOUS_TRAITANT;
        let m = refuse(c, Some(AValider1), Action::ConstaterAbsenceDeValidation, Systeme, &ctx());
        assert!(m.contains("15 jours") && m.contains("R2193-16"), "{m}");
        let ecoule = Contexte { delai_de_validation_ecoule: true, ..Contexte::default() };
        assert_eq!(
            ok(c, Some(AValider1), Action::ConstaterAbsenceDeValidation, Systeme, &ecoule),
            AbsenceValidation1HorsDelai
        );
        // Sans validation expresse, pas de second niveau : la facture va au destinataire.
        let avec_second = Contexte { second_valideur: true, ..Contexte::default() };
        assert_eq!(
            ok(c, Some(AbsenceValidation1HorsDelai), Action::Transmettre, Systeme, &avec_second),
            Deposee
        );
        // Le valideur ne peut pas constater son propre silence.
        refuse(c, Some(AValider1), Action::ConstaterAbsenceDeValidation, PremierValideur, &ecoule);
    }

    #[test]
    fn erreur_de_valideur_corrigee_par_le_fournisseur() {
        let c = &SOUS_TRAITANT;
        let e = ok(
            c,
            Some(AValider1),
            Action::SignalerErreurDeValideur,
            PremierValideur,
            &motif("Nous ne sommes pas titulaires de ce marché"),
        );
        assert_eq!(e, ErreurFournisseurSurValideur);
        assert!(e.attend_le_fournisseur());
        assert_eq!(
            refuse(c, Some(e), Action::CorrigerValideur, PremierValideur, &ctx()),
            "Seul celui qui a désigné le valideur peut le corriger : le fournisseur pour le premier valideur, le premier valideur pour le second."
        );
        assert_eq!(ok(c, Some(e), Action::CorrigerValideur, Fournisseur, &ctx()), AValider1);
        let m = refuse(c, Some(MiseADisposition), Action::CorrigerValideur, Fournisseur, &ctx());
        assert!(m.contains("Seule une facture refusée pour erreur de valideur"), "{m}");
    }

    #[test]
    fn deux_niveaux_pour_le_sous_traitant_d_un_cotraitant() {
        let c = &SOUS_TRAITANT;
        let second = Contexte { second_valideur: true, ..Contexte::default() };
        assert_eq!(ok(c, Some(Validee1), Action::Transmettre, Systeme, &second), AValider2);
        // Seul le second valideur agit à ce niveau.
        assert_eq!(
            refuse(c, Some(AValider2), Action::Valider, PremierValideur, &ctx()),
            "Seul le valideur désigné à ce niveau valide ou refuse la facture."
        );
        let e = ok(
            c,
            Some(AValider2),
            Action::SignalerErreurDeValideur,
            SecondValideur,
            &motif("Pas mandataire"),
        );
        assert_eq!(e, ErreurCotraitantSurValideur);
        // C'est le cotraitant (premier valideur) qui corrige le second valideur.
        refuse(c, Some(e), Action::CorrigerValideur, Fournisseur, &ctx());
        assert_eq!(ok(c, Some(e), Action::CorrigerValideur, PremierValideur, &ctx()), AValider2);
        assert_eq!(ok(c, Some(AValider2), Action::Valider, SecondValideur, &ctx()), Validee2);
        assert_eq!(ok(c, Some(Validee2), Action::Transmettre, Systeme, &second), Deposee);
        let ecoule = Contexte { delai_de_validation_ecoule: true, ..Contexte::default() };
        assert_eq!(
            ok(c, Some(AValider2), Action::ConstaterAbsenceDeValidation, Systeme, &ecoule),
            AbsenceValidation2HorsDelai
        );
        assert_eq!(ok(c, Some(AbsenceValidation2HorsDelai), Action::Transmettre, Systeme, &ctx()), Deposee);
        assert_eq!(ok(c, Some(AValider2), Action::Refuser, SecondValideur, &motif("Montant")), Refusee2);
        // Le cotraitant (A12) n'a qu'un niveau.
        assert_eq!(ok(&COTRAITANT, Some(Validee1), Action::Transmettre, Systeme, &second), Deposee);
    }

    #[test]
    fn pas_de_validation_dans_le_circuit_classique() {
        let m = refuse(&CLASSIQUE, Some(MiseADisposition), Action::Valider, PremierValideur, &ctx());
        assert_eq!(m, "Cette action n'existe pas pour une « facture d'un fournisseur ».");
    }

    #[test]
    fn tous_les_statuts_parcourus_ont_un_libelle_et_une_explication_propres() {
        for s in statuts_parcourus() {
            assert!(!s.explication().contains("ne fait pas encore parcourir"), "{s:?}");
            assert_eq!(
                s.origine_libelle() == crate::statut::OrigineLibelle::Simulateur,
                s == Validee1,
                "{s:?}"
            );
        }
    }

    // Les propriétés, sur tous les circuits : des suites d'actions quelconques, de n'importe
    // quelle partie, ne mènent jamais une facture hors de son circuit.

    use crate::statut::tests::actions;

    /// Un pas : l'action, l'acteur, un motif peut-être, et l'état du monde (second valideur
    /// désigné, délai écoulé, « À recycler » permis).
    type Pas = (Action, Acteur, Option<&'static str>, (bool, bool, bool));

    fn pas() -> impl Strategy<Value = Pas> {
        // Les actions du circuit reviennent souvent, pour aller loin.
        let action = prop_oneof![
            2 => prop::sample::select(actions()),
            2 => prop::sample::select(vec![
                Action::ValiderEtEnvoyer,
                Action::Valider,
                Action::Transmettre,
                Action::Acheminer,
                Action::MettreADisposition,
                Action::ConstaterAbsenceDeValidation,
                Action::CorrigerValideur,
                Action::SignalerErreurDeValideur,
            ]),
        ];
        (
            action,
            prop::option::weighted(0.3, prop::sample::select(Acteur::TOUS.to_vec())),
            any::<bool>(),
            prop::sample::select(vec![None, Some(""), Some("Motif"), Some("Motif"), Some("  ")]),
            (any::<bool>(), any::<bool>(), any::<bool>()),
        )
            .prop_map(|(action, acteur, second_niveau, motif, monde)| {
                (action, acteur.unwrap_or_else(|| acteur_attendu(action, second_niveau)), motif, monde)
            })
    }

    /// L'acteur qui fait d'habitude cette action (le premier ou le second valideur au hasard).
    fn acteur_attendu(action: Action, second_niveau: bool) -> Acteur {
        match action {
            Action::Enregistrer | Action::ValiderEtEnvoyer | Action::Recycler | Action::Completer => {
                Fournisseur
            }
            Action::Valider
            | Action::Refuser
            | Action::SignalerErreurDeValideur
            | Action::CorrigerValideur => {
                if second_niveau {
                    SecondValideur
                } else {
                    PremierValideur
                }
            }
            Action::Traiter(s) => statut::acteur_de(s),
            _ => Systeme,
        }
    }

    /// Chaque statut d'un circuit est atteignable depuis une facture nouvelle, et rien d'autre.
    #[test]
    fn chaque_statut_d_un_circuit_est_atteignable() {
        for circuit in Circuit::TOUS {
            let mut vus: BTreeSet<Statut> = BTreeSet::new();
            let mut a_voir: Vec<Option<Statut>> = vec![None];
            while let Some(courant) = a_voir.pop() {
                for action in actions() {
                    for acteur in Acteur::TOUS {
                        for (second, ecoule) in [(false, false), (true, true), (false, true), (true, false)] {
                            let ctx = Contexte {
                                motif: Some("motif"),
                                a_recycler_autorise: true,
                                second_valideur: second,
                                delai_de_validation_ecoule: ecoule,
                                ..Contexte::default()
                            };
                            if let Ok(n) = transition(circuit, courant, action, acteur, &ctx)
                                && vus.insert(n)
                            {
                                a_voir.push(Some(n));
                            }
                        }
                    }
                }
            }
            let attendus: BTreeSet<Statut> = circuit.statuts().into_iter().collect();
            assert_eq!(vus, attendus, "circuit « {} »", circuit.nom);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 768, ..ProptestConfig::default() })]

        #[test]
        fn aucun_circuit_ne_sort_de_ses_regles(
            n in 0usize..3,
            suite in prop::collection::vec(pas(), 0..80),
        ) {
            let circuit = Circuit::TOUS[n];
            let permis: BTreeSet<Statut> = circuit.statuts().into_iter().collect();
            let mut courant: Option<Statut> = None;
            let mut historique: Vec<Statut> = Vec::new();
            for (action, acteur, motif, (second, ecoule, a_recycler)) in suite {
                let ctx = Contexte {
                    motif,
                    deja_suspendue: historique.contains(&Suspendue),
                    a_recycler_autorise: a_recycler,
                    second_valideur: second,
                    delai_de_validation_ecoule: ecoule,
                    ..Contexte::default()
                };
                let r = transition(circuit, courant, action, acteur, &ctx);
                if courant.is_some_and(Statut::est_final) {
                    prop_assert!(r.is_err(), "{:?} accepté après {:?}", action, courant);
                }
                let Ok(nouveau) = r else { continue };
                prop_assert!(permis.contains(&nouveau), "{:?} hors du circuit « {} »", nouveau, circuit.nom);
                // Une fois déposée, une facture ne repasse jamais par la validation.
                if historique.contains(&Deposee) {
                    prop_assert!(!nouveau.est_de_validation(), "{:?} après le dépôt", nouveau);
                }
                // Le tacite ne vient qu'au bout du délai, les refus qu'avec un motif.
                if matches!(nouveau, AbsenceValidation1HorsDelai | AbsenceValidation2HorsDelai) {
                    prop_assert!(ecoule && acteur == Systeme);
                }
                if matches!(nouveau, Refusee1 | Refusee2 | ErreurFournisseurSurValideur | ErreurCotraitantSurValideur | Rejetee | Suspendue) {
                    prop_assert!(motif.is_some_and(|m| !m.trim().is_empty()));
                }
                // Chaque niveau n'est validé que par son valideur.
                if matches!(nouveau, Validee1 | Refusee1 | ErreurFournisseurSurValideur) {
                    prop_assert_eq!(acteur, PremierValideur);
                }
                if matches!(nouveau, Validee2 | Refusee2 | ErreurCotraitantSurValideur) {
                    prop_assert_eq!(acteur, SecondValideur);
                }
                if nouveau == AValider2 {
                    prop_assert!(historique.contains(&Validee1) || historique.contains(&ErreurCotraitantSurValideur));
                }
                // L'historique ne fait que s'allonger.
                let avant = historique.clone();
                historique.push(nouveau);
                prop_assert_eq!(&historique[..avant.len()], &avant[..]);
                courant = Some(nouveau);
            }
            prop_assert!(historique.iter().filter(|s| **s == Suspendue).count() <= 1);
            if let Some(i) = historique.iter().position(|s| s.est_final()) {
                prop_assert_eq!(i, historique.len() - 1);
            }
        }
    }
}
