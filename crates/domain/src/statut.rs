//! Le cycle de vie d'une facture (parcours classique, cadres A1/A2) : une seule fonction,
//! [`transition`], décide si une action est permise et quel statut elle produit.

use serde::{Deserialize, Serialize};

use crate::erreur::Erreur;
use crate::facture::TypeFacture;

/// Longueur maximale d'un motif de rejet ou de suspension (API `traiterFactureRecue`).
pub const MOTIF_LONGUEUR_MAX: usize = 255;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Statut {
    Brouillon,
    Deposee,
    EnCoursAcheminement,
    MiseADisposition,
    ARecycler,
    Suspendue,
    Completee,
    Rejetee,
    ServiceFait,
    Mandatee,
    MiseADispositionComptable,
    Comptabilisee,
    MiseEnPaiement,
}

impl Statut {
    pub const TOUS: [Statut; 13] = [
        Self::Brouillon,
        Self::Deposee,
        Self::EnCoursAcheminement,
        Self::MiseADisposition,
        Self::ARecycler,
        Self::Suspendue,
        Self::Completee,
        Self::Rejetee,
        Self::ServiceFait,
        Self::Mandatee,
        Self::MiseADispositionComptable,
        Self::Comptabilisee,
        Self::MiseEnPaiement,
    ];

    /// Le code tel que l'API l'écrit (`statutFacture`, `histoStatutCode`).
    pub fn code(self) -> &'static str {
        match self {
            Self::Brouillon => "BROUILLON",
            Self::Deposee => "DEPOSEE",
            Self::EnCoursAcheminement => "EN_COURS_ACHEMINEMENT",
            Self::MiseADisposition => "MISE_A_DISPOSITION",
            Self::ARecycler => "A_RECYCLER",
            Self::Suspendue => "SUSPENDUE",
            Self::Completee => "COMPLETEE",
            Self::Rejetee => "REJETEE",
            Self::ServiceFait => "SERVICE_FAIT",
            Self::Mandatee => "MANDATEE",
            Self::MiseADispositionComptable => "MISE_A_DISPOSITION_COMPTABLE",
            Self::Comptabilisee => "COMPTABILISEE",
            Self::MiseEnPaiement => "MISE_EN_PAIEMENT",
        }
    }

    pub fn depuis_code(code: &str) -> Result<Self, Erreur> {
        Self::TOUS
            .into_iter()
            .find(|s| s.code() == code.trim())
            .ok_or_else(|| Erreur::CodeInconnu { champ: "statut", valeur: code.to_string() })
    }

    /// Le libellé affiché par le portail.
    pub fn libelle(self) -> &'static str {
        match self {
            Self::Brouillon => "Brouillon",
            Self::Deposee => "Déposée",
            Self::EnCoursAcheminement => "En cours d'acheminement",
            Self::MiseADisposition => "Mise à disposition du destinataire",
            Self::ARecycler => "À recycler",
            Self::Suspendue => "Suspendue",
            Self::Completee => "Complétée",
            Self::Rejetee => "Rejetée",
            Self::ServiceFait => "Service fait",
            Self::Mandatee => "Mandatée",
            Self::MiseADispositionComptable => "Mise à disposition du comptable",
            Self::Comptabilisee => "Comptabilisée",
            Self::MiseEnPaiement => "Mise en paiement",
        }
    }

    /// Ce que le statut veut dire pour le fournisseur, et ce qu'il doit faire.
    pub fn explication(self) -> &'static str {
        match self {
            Self::Brouillon => {
                "La facture est enregistrée mais n'a PAS été envoyée : l'acheteur ne la voit pas. \
                 Ouvrez-la et cliquez sur « Valider et envoyer »."
            }
            Self::Deposee => {
                "Chorus Pro a bien reçu et intégré votre facture : sa date de dépôt fait foi. Rien à \
                 faire, elle part vers le destinataire."
            }
            Self::EnCoursAcheminement => {
                "La facture est en route vers l'espace du destinataire. Rien à faire."
            }
            Self::MiseADisposition => {
                "Le destinataire a reçu la facture dans son espace : le délai de paiement court à partir \
                 de cette date. Rien à faire, suivez son traitement."
            }
            Self::ARecycler => {
                "Le destinataire signale une erreur dans les données d'acheminement (SIRET, code service \
                 ou numéro d'engagement). Cliquez sur « Recycler », corrigez ces données et renvoyez la \
                 facture, sans changer son numéro."
            }
            Self::Suspendue => {
                "Le destinataire attend une pièce ou une précision (voir le motif). Cliquez sur \
                 « Compléter » et ajoutez ce qui manque (pièce jointe, commentaire) : un nouveau délai de \
                 paiement s'ouvrira alors."
            }
            Self::Completee => {
                "Vous avez complété la facture : elle est de nouveau à la disposition du destinataire. \
                 Rien à faire."
            }
            Self::Rejetee => {
                "Le destinataire a refusé la facture (voir le motif). Elle ne sera jamais payée : cliquez \
                 sur « Traiter le rejet » pour en prendre connaissance, puis émettez une nouvelle facture \
                 avec un nouveau numéro."
            }
            Self::ServiceFait => {
                "Le destinataire a constaté que la prestation a bien été réalisée. Rien à faire."
            }
            Self::Mandatee => {
                "Le destinataire a ordonné le paiement (mandat) et transmet la facture à son comptable. \
                 Rien à faire."
            }
            Self::MiseADispositionComptable => "Le comptable public a reçu le mandat. Rien à faire.",
            Self::Comptabilisee => "Le comptable a enregistré la dépense. Rien à faire.",
            Self::MiseEnPaiement => {
                "Le comptable a lancé le virement : le paiement arrive sur votre compte dans les jours \
                 qui suivent."
            }
        }
    }

    /// Ce que le statut veut dire pour une pièce de ce type : un avoir n'est jamais payé, les
    /// statuts de l'acheteur n'y annoncent donc aucun paiement.
    pub fn explication_pour(self, type_facture: TypeFacture) -> &'static str {
        if type_facture == TypeFacture::Facture {
            return self.explication();
        }
        match self {
            Self::MiseADisposition => {
                "Le destinataire a reçu l'avoir dans son espace. Un avoir n'est jamais payé : il diminue ce \
                 que l'acheteur vous doit, sans échéance ni intérêts. Rien à faire."
            }
            Self::ServiceFait | Self::Mandatee | Self::MiseADispositionComptable => {
                "Le destinataire traite l'avoir, qui viendra en déduction de ce qu'il vous doit. Rien à faire."
            }
            Self::Comptabilisee => {
                "Le comptable public a enregistré l'avoir : il diminue ce que l'acheteur vous doit. Un avoir \
                 n'est jamais payé. Rien à faire."
            }
            Self::MiseEnPaiement => {
                "Un avoir n'est jamais mis en paiement : il diminue ce que l'acheteur vous doit."
            }
            autre => autre.explication(),
        }
    }

    /// Rang dans la suite des statuts de traitement, qui ne peut qu'avancer.
    fn rang_traitement(self) -> Option<u8> {
        match self {
            Self::MiseADisposition | Self::Completee => Some(0),
            Self::ServiceFait => Some(1),
            Self::Mandatee => Some(2),
            Self::MiseADispositionComptable => Some(3),
            Self::Comptabilisee => Some(4),
            Self::MiseEnPaiement => Some(5),
            _ => None,
        }
    }

    /// Statut qui renvoie la facture au fournisseur (il doit agir).
    pub fn attend_le_fournisseur(self) -> bool {
        matches!(self, Self::Brouillon | Self::ARecycler | Self::Suspendue | Self::Rejetee)
    }

    /// La facture a été transmise (elle n'est plus un brouillon).
    pub fn est_transmise(self) -> bool {
        self != Self::Brouillon
    }

    /// Plus aucune action n'est possible.
    pub fn est_final(self) -> bool {
        matches!(self, Self::Rejetee | Self::MiseEnPaiement)
    }
}

/// Qui agit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Acteur {
    /// Le fournisseur (le stagiaire).
    Fournisseur,
    /// Chorus Pro lui-même (acheminement, mise à disposition).
    Systeme,
    /// Le destinataire public (ordonnateur, service gestionnaire).
    Destinataire,
    /// Le comptable public.
    Comptable,
}

impl Acteur {
    pub fn code(self) -> &'static str {
        match self {
            Self::Fournisseur => "FOURNISSEUR",
            Self::Systeme => "SYSTEME",
            Self::Destinataire => "DESTINATAIRE",
            Self::Comptable => "COMPTABLE",
        }
    }
    pub fn depuis_code(code: &str) -> Result<Self, Erreur> {
        [Self::Fournisseur, Self::Systeme, Self::Destinataire, Self::Comptable]
            .into_iter()
            .find(|a| a.code() == code)
            .ok_or_else(|| Erreur::CodeInconnu { champ: "acteur", valeur: code.to_string() })
    }
    pub fn libelle(self) -> &'static str {
        match self {
            Self::Fournisseur => "Fournisseur",
            Self::Systeme => "Chorus Pro",
            Self::Destinataire => "Destinataire",
            Self::Comptable => "Comptable public",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Action {
    /// « Enregistrer » : brouillon.
    Enregistrer,
    /// « Valider et envoyer ».
    ValiderEtEnvoyer,
    /// Chorus Pro achemine la facture.
    Acheminer,
    /// Chorus Pro met la facture à disposition du destinataire.
    MettreADisposition,
    /// Le destinataire ou le comptable fait passer la facture au statut cible
    /// (`traiterFactureRecue`, `nouveauStatut`).
    Traiter(Statut),
    /// Le fournisseur recycle une facture « À recycler » (retour à DEPOSEE).
    Recycler,
    /// Le fournisseur complète une facture suspendue.
    Completer,
}

/// Ce que la règle doit savoir au-delà du statut courant.
#[derive(Debug, Clone, Copy, Default)]
pub struct Contexte<'a> {
    /// Motif donné avec l'action (obligatoire pour rejeter ou suspendre).
    pub motif: Option<&'a str>,
    /// La facture a déjà été suspendue une fois.
    pub deja_suspendue: bool,
    /// Le destinataire ne remonte pas la mise en paiement (paramètre de l'annuaire).
    pub mise_en_paiement_non_remontee: bool,
    /// Le destinataire peut encore mettre une facture « À recycler » (réglage, voir docs).
    pub a_recycler_autorise: bool,
    /// La pièce est un avoir : elle diminue ce que l'acheteur doit, elle n'est jamais payée.
    pub avoir: bool,
}

fn refus(message: impl Into<String>) -> Result<Statut, Erreur> {
    Err(Erreur::Transition(message.into()))
}

fn motif_valide(ctx: &Contexte<'_>, cible: Statut) -> Result<(), Erreur> {
    let motif = ctx.motif.map(str::trim).unwrap_or("");
    if motif.is_empty() {
        return Err(Erreur::Transition(format!(
            "Le motif est obligatoire pour passer une facture au statut « {} ».",
            cible.libelle()
        )));
    }
    let n = motif.chars().count();
    if n > MOTIF_LONGUEUR_MAX {
        return Err(Erreur::Transition(format!(
            "Le motif ne doit pas dépasser {MOTIF_LONGUEUR_MAX} caractères (il en compte {n})."
        )));
    }
    Ok(())
}

/// La règle unique du cycle de vie : depuis `courant` (None pour une facture pas encore créée),
/// `acteur` peut-il faire `action` ? Si oui, le nouveau statut ; sinon un refus expliqué.
pub fn transition(
    courant: Option<Statut>,
    action: Action,
    acteur: Acteur,
    ctx: &Contexte<'_>,
) -> Result<Statut, Erreur> {
    use Statut::*;
    let libelle_courant = courant.map(Statut::libelle).unwrap_or("nouvelle facture");
    match action {
        Action::Enregistrer | Action::ValiderEtEnvoyer => {
            if acteur != Acteur::Fournisseur {
                return refus("Seul le fournisseur enregistre ou envoie sa facture.");
            }
            match courant {
                None | Some(Brouillon) => Ok(if action == Action::Enregistrer { Brouillon } else { Deposee }),
                Some(s) => refus(format!(
                    "Cette facture a déjà été envoyée (statut « {} ») : elle ne peut plus être modifiée ni renvoyée.",
                    s.libelle()
                )),
            }
        }
        Action::Acheminer | Action::MettreADisposition => {
            if acteur != Acteur::Systeme {
                return refus("L'acheminement est fait par Chorus Pro.");
            }
            match (action, courant) {
                (Action::Acheminer, Some(Deposee)) => Ok(EnCoursAcheminement),
                (Action::MettreADisposition, Some(EnCoursAcheminement)) => Ok(MiseADisposition),
                _ => refus(format!("Acheminement impossible depuis le statut « {libelle_courant} ».")),
            }
        }
        Action::Recycler => match (acteur, courant) {
            (Acteur::Fournisseur, Some(ARecycler)) => Ok(Deposee),
            (Acteur::Fournisseur, _) => refus(format!(
                "Seule une facture « À recycler » peut être recyclée (statut actuel : « {libelle_courant} »)."
            )),
            _ => refus("Seul le fournisseur recycle sa facture."),
        },
        Action::Completer => match (acteur, courant) {
            (Acteur::Fournisseur, Some(Suspendue)) => Ok(Completee),
            (Acteur::Fournisseur, _) => refus(format!(
                "Seule une facture suspendue peut être complétée (statut actuel : « {libelle_courant} »)."
            )),
            _ => refus("Seul le fournisseur complète sa facture."),
        },
        Action::Traiter(cible) => traiter(courant, cible, acteur, ctx),
    }
}

fn traiter(
    courant: Option<Statut>,
    cible: Statut,
    acteur: Acteur,
    ctx: &Contexte<'_>,
) -> Result<Statut, Erreur> {
    use Statut::*;
    let Some(courant) = courant else {
        return refus("Cette facture n'existe pas encore.");
    };
    let Some(rang) = courant.rang_traitement() else {
        return refus(format!(
            "Une facture au statut « {} » ne peut pas être traitée par le destinataire.",
            courant.libelle()
        ));
    };
    let autorise = match acteur {
        Acteur::Destinataire => true,
        Acteur::Comptable => matches!(cible, MiseADispositionComptable | Comptabilisee | MiseEnPaiement),
        _ => false,
    };
    if !autorise {
        return refus(format!(
            "Le statut « {} » ne peut pas être donné par : {}.",
            cible.libelle(),
            acteur.libelle().to_lowercase()
        ));
    }
    match cible {
        Suspendue | Rejetee => {
            // Interruption du délai « une seule fois » et « avant l'ordonnancement » (R2192-27) ;
            // le rejet suit la même borne : après le mandat, la facture est engagée.
            if rang >= 2 {
                return refus(format!(
                    "Une facture au statut « {} » ne peut plus être {} : le mandat a déjà été émis \
                     (règle du simulateur, appuyée sur l'article R2192-27).",
                    courant.libelle(),
                    if cible == Suspendue { "suspendue" } else { "rejetée" }
                ));
            }
            if cible == Suspendue && ctx.deja_suspendue {
                return refus(
                    "Cette facture a déjà été suspendue une fois : le délai de paiement ne peut être \
                     interrompu qu'une seule fois (article R2192-27 du code de la commande publique).",
                );
            }
            motif_valide(ctx, cible)?;
            Ok(cible)
        }
        ARecycler => {
            if !ctx.a_recycler_autorise {
                return refus(
                    "Le statut « À recycler » n'est pas proposé au destinataire dans ce bac à sable : \
                     rejetez ou suspendez la facture.",
                );
            }
            if rang != 0 {
                return refus(
                    "Seule une facture qui vient d'être mise à disposition peut être mise « À recycler ».",
                );
            }
            Ok(ARecycler)
        }
        ServiceFait | Mandatee | MiseADispositionComptable | Comptabilisee | MiseEnPaiement => {
            if cible == MiseEnPaiement && ctx.avoir {
                return refus(
                    "Un avoir n'est jamais mis en paiement : il ne se paie pas au fournisseur, il diminue ce \
                     que l'acheteur lui doit.",
                );
            }
            if cible == MiseEnPaiement && ctx.mise_en_paiement_non_remontee {
                return refus(
                    "Ce destinataire ne remonte pas le statut « Mise en paiement » dans Chorus Pro \
                     (paramètre de l'annuaire).",
                );
            }
            // Toujours Some pour ces statuts ; pas de panique même si la liste venait à changer.
            let Some(rang_cible) = cible.rang_traitement() else {
                return refus(format!("Le statut « {} » ne peut pas être donné ici.", cible.libelle()));
            };
            if rang_cible <= rang {
                return refus(format!(
                    "La facture est déjà au statut « {} » : « {} » ne peut pas venir après.",
                    courant.libelle(),
                    cible.libelle()
                ));
            }
            Ok(cible)
        }
        autre => {
            refus(format!("Le statut « {} » ne peut pas être donné par le destinataire.", autre.libelle()))
        }
    }
}

/// Les statuts que l'acheteur peut donner, dans l'ordre où la page les propose.
pub const CIBLES_ACHETEUR: [Statut; 8] = [
    Statut::ServiceFait,
    Statut::Mandatee,
    Statut::MiseADispositionComptable,
    Statut::Comptabilisee,
    Statut::MiseEnPaiement,
    Statut::Suspendue,
    Statut::ARecycler,
    Statut::Rejetee,
];

/// Qui donne ce statut : les trois derniers statuts du parcours sont ceux du comptable.
pub fn acteur_de(cible: Statut) -> Acteur {
    match cible {
        Statut::MiseADispositionComptable | Statut::Comptabilisee | Statut::MiseEnPaiement => {
            Acteur::Comptable
        }
        _ => Acteur::Destinataire,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Statut::*;
    use proptest::prelude::*;

    fn ctx() -> Contexte<'static> {
        Contexte::default()
    }

    fn avec_motif(motif: &str) -> Contexte<'_> {
        Contexte { motif: Some(motif), ..Contexte::default() }
    }

    fn ok(courant: Option<Statut>, action: Action, acteur: Acteur, c: &Contexte<'_>) -> Statut {
        transition(courant, action, acteur, c)
            .unwrap_or_else(|e| panic!("{courant:?} {action:?} {acteur:?} : {e}"))
    }

    fn refuse(courant: Option<Statut>, action: Action, acteur: Acteur, c: &Contexte<'_>) -> String {
        match transition(courant, action, acteur, c) {
            Err(Erreur::Transition(m)) => m,
            autre => panic!("refus attendu pour {courant:?} {action:?} {acteur:?}, obtenu {autre:?}"),
        }
    }

    #[test]
    fn un_avoir_n_est_jamais_mis_en_paiement() {
        let c = Contexte { avoir: true, ..Contexte::default() };
        let m = refuse(Some(Comptabilisee), Action::Traiter(MiseEnPaiement), Acteur::Comptable, &c);
        assert!(m.contains("Un avoir n'est jamais mis en paiement"), "{m}");
        assert_eq!(
            ok(Some(MiseADisposition), Action::Traiter(Comptabilisee), Acteur::Comptable, &c),
            Comptabilisee
        );
        // Aucun statut ne promet un paiement pour un avoir.
        for s in Statut::TOUS {
            let e = s.explication_pour(TypeFacture::Avoir);
            assert!(!e.contains("arrive sur votre compte"), "{s:?} : {e}");
            assert_eq!(s.explication_pour(TypeFacture::Facture), s.explication());
        }
    }

    #[test]
    fn codes_et_libelles() {
        for s in Statut::TOUS {
            assert_eq!(Statut::depuis_code(s.code()).unwrap(), s);
            assert!(!s.libelle().is_empty() && !s.explication().is_empty());
        }
        assert!(Statut::depuis_code("PAYEE").is_err());
        assert_eq!(Acteur::depuis_code("COMPTABLE").unwrap(), Acteur::Comptable);
        assert!(Acteur::depuis_code("comptable").is_err());
        assert!(Rejetee.est_final() && MiseEnPaiement.est_final() && !Mandatee.est_final());
        assert!(ARecycler.attend_le_fournisseur() && !ServiceFait.attend_le_fournisseur());
        assert!(!Brouillon.est_transmise() && Deposee.est_transmise());
    }

    #[test]
    fn parcours_classique_complet() {
        let c = ctx();
        let mut s = ok(None, Action::Enregistrer, Acteur::Fournisseur, &c);
        assert_eq!(s, Brouillon);
        s = ok(Some(s), Action::Enregistrer, Acteur::Fournisseur, &c);
        assert_eq!(s, Brouillon);
        s = ok(Some(s), Action::ValiderEtEnvoyer, Acteur::Fournisseur, &c);
        assert_eq!(s, Deposee);
        s = ok(Some(s), Action::Acheminer, Acteur::Systeme, &c);
        assert_eq!(s, EnCoursAcheminement);
        s = ok(Some(s), Action::MettreADisposition, Acteur::Systeme, &c);
        assert_eq!(s, MiseADisposition);
        for (cible, acteur) in [
            (ServiceFait, Acteur::Destinataire),
            (Mandatee, Acteur::Destinataire),
            (MiseADispositionComptable, Acteur::Comptable),
            (Comptabilisee, Acteur::Comptable),
            (MiseEnPaiement, Acteur::Comptable),
        ] {
            s = ok(Some(s), Action::Traiter(cible), acteur, &c);
            assert_eq!(s, cible);
        }
        assert_eq!(ok(None, Action::ValiderEtEnvoyer, Acteur::Fournisseur, &c), Deposee);
    }

    #[test]
    fn etapes_facultatives_sautees_mais_ordre_impose() {
        let c = ctx();
        assert_eq!(ok(Some(MiseADisposition), Action::Traiter(Mandatee), Acteur::Destinataire, &c), Mandatee);
        assert_eq!(
            ok(Some(MiseADisposition), Action::Traiter(MiseEnPaiement), Acteur::Comptable, &c),
            MiseEnPaiement
        );
        assert_eq!(ok(Some(Completee), Action::Traiter(ServiceFait), Acteur::Destinataire, &c), ServiceFait);
        let m = refuse(Some(Mandatee), Action::Traiter(ServiceFait), Acteur::Destinataire, &c);
        assert_eq!(
            m,
            "La facture est déjà au statut « Mandatée » : « Service fait » ne peut pas venir après."
        );
        refuse(Some(Comptabilisee), Action::Traiter(Comptabilisee), Acteur::Comptable, &c);
        refuse(Some(Comptabilisee), Action::Traiter(MiseADispositionComptable), Acteur::Comptable, &c);
    }

    #[test]
    fn qui_peut_faire_quoi() {
        let c = ctx();
        assert_eq!(
            refuse(None, Action::Enregistrer, Acteur::Destinataire, &c),
            "Seul le fournisseur enregistre ou envoie sa facture."
        );
        assert_eq!(
            refuse(Some(Deposee), Action::Acheminer, Acteur::Fournisseur, &c),
            "L'acheminement est fait par Chorus Pro."
        );
        assert_eq!(
            refuse(Some(MiseADisposition), Action::Traiter(ServiceFait), Acteur::Comptable, &c),
            "Le statut « Service fait » ne peut pas être donné par : comptable public."
        );
        refuse(Some(MiseADisposition), Action::Traiter(Mandatee), Acteur::Fournisseur, &c);
        refuse(Some(MiseADisposition), Action::Traiter(ServiceFait), Acteur::Systeme, &c);
        assert_eq!(
            refuse(Some(ARecycler), Action::Recycler, Acteur::Destinataire, &c),
            "Seul le fournisseur recycle sa facture."
        );
        assert_eq!(
            refuse(Some(Suspendue), Action::Completer, Acteur::Comptable, &c),
            "Seul le fournisseur complète sa facture."
        );
    }

    #[test]
    fn facture_envoyee_non_modifiable() {
        let m = refuse(Some(Deposee), Action::ValiderEtEnvoyer, Acteur::Fournisseur, &ctx());
        assert!(m.contains("déjà été envoyée (statut « Déposée »)"), "{m}");
        refuse(Some(Rejetee), Action::Enregistrer, Acteur::Fournisseur, &ctx());
    }

    #[test]
    fn acheminement_dans_l_ordre() {
        let c = ctx();
        assert_eq!(
            refuse(Some(Brouillon), Action::Acheminer, Acteur::Systeme, &c),
            "Acheminement impossible depuis le statut « Brouillon »."
        );
        refuse(Some(Deposee), Action::MettreADisposition, Acteur::Systeme, &c);
        refuse(None, Action::Acheminer, Acteur::Systeme, &c);
    }

    #[test]
    fn traitement_seulement_apres_mise_a_disposition() {
        for s in [Brouillon, Deposee, EnCoursAcheminement, ARecycler, Suspendue, Rejetee] {
            let m = refuse(Some(s), Action::Traiter(ServiceFait), Acteur::Destinataire, &ctx());
            assert!(m.contains("ne peut pas être traitée par le destinataire"), "{m}");
        }
        assert_eq!(
            refuse(None, Action::Traiter(ServiceFait), Acteur::Destinataire, &ctx()),
            "Cette facture n'existe pas encore."
        );
        // Des statuts que le destinataire ne donne pas.
        for cible in [Brouillon, Deposee, MiseADisposition, Completee, EnCoursAcheminement] {
            refuse(Some(MiseADisposition), Action::Traiter(cible), Acteur::Destinataire, &ctx());
        }
    }

    #[test]
    fn suspension_puis_completer() {
        let c = avec_motif("Il manque le bon de livraison signé");
        assert_eq!(
            ok(Some(MiseADisposition), Action::Traiter(Suspendue), Acteur::Destinataire, &c),
            Suspendue
        );
        assert_eq!(ok(Some(ServiceFait), Action::Traiter(Suspendue), Acteur::Destinataire, &c), Suspendue);
        assert_eq!(ok(Some(Suspendue), Action::Completer, Acteur::Fournisseur, &ctx()), Completee);
        let m = refuse(Some(MiseADisposition), Action::Completer, Acteur::Fournisseur, &ctx());
        assert_eq!(
            m,
            "Seule une facture suspendue peut être complétée (statut actuel : « Mise à disposition du destinataire »)."
        );
    }

    #[test]
    fn suspension_une_seule_fois() {
        let c = Contexte { motif: Some("Pièce manquante"), deja_suspendue: true, ..Contexte::default() };
        let m = refuse(Some(Completee), Action::Traiter(Suspendue), Acteur::Destinataire, &c);
        assert!(m.contains("déjà été suspendue une fois") && m.contains("R2192-27"), "{m}");
        // Le rejet reste possible après une suspension.
        assert_eq!(ok(Some(Completee), Action::Traiter(Rejetee), Acteur::Destinataire, &c), Rejetee);
    }

    #[test]
    fn ni_suspension_ni_rejet_apres_le_mandat() {
        let c = avec_motif("Erreur de prix");
        for s in [Mandatee, MiseADispositionComptable, Comptabilisee] {
            let m = refuse(Some(s), Action::Traiter(Suspendue), Acteur::Destinataire, &c);
            assert!(m.contains("ne peut plus être suspendue : le mandat a déjà été émis"), "{m}");
            let m = refuse(Some(s), Action::Traiter(Rejetee), Acteur::Destinataire, &c);
            assert!(m.contains("ne peut plus être rejetée"), "{m}");
        }
        refuse(Some(MiseADisposition), Action::Traiter(Suspendue), Acteur::Comptable, &c);
    }

    #[test]
    fn motif_obligatoire_et_limite() {
        for motif in [None, Some(""), Some("   ")] {
            let c = Contexte { motif, ..Contexte::default() };
            assert_eq!(
                refuse(Some(MiseADisposition), Action::Traiter(Rejetee), Acteur::Destinataire, &c),
                "Le motif est obligatoire pour passer une facture au statut « Rejetée »."
            );
            assert_eq!(
                refuse(Some(MiseADisposition), Action::Traiter(Suspendue), Acteur::Destinataire, &c),
                "Le motif est obligatoire pour passer une facture au statut « Suspendue »."
            );
        }
        let long = "é".repeat(MOTIF_LONGUEUR_MAX + 1);
        assert_eq!(
            refuse(
                Some(MiseADisposition),
                Action::Traiter(Rejetee),
                Acteur::Destinataire,
                &avec_motif(&long)
            ),
            "Le motif ne doit pas dépasser 255 caractères (il en compte 256)."
        );
        let juste = "é".repeat(MOTIF_LONGUEUR_MAX);
        assert_eq!(
            ok(Some(MiseADisposition), Action::Traiter(Rejetee), Acteur::Destinataire, &avec_motif(&juste)),
            Rejetee
        );
    }

    #[test]
    fn mise_en_paiement_non_remontee() {
        let c = Contexte { mise_en_paiement_non_remontee: true, ..Contexte::default() };
        let m = refuse(Some(Comptabilisee), Action::Traiter(MiseEnPaiement), Acteur::Comptable, &c);
        assert!(m.contains("ne remonte pas le statut « Mise en paiement »"), "{m}");
        assert_eq!(ok(Some(Mandatee), Action::Traiter(Comptabilisee), Acteur::Comptable, &c), Comptabilisee);
    }

    #[test]
    fn a_recycler_selon_le_reglage() {
        let m = refuse(Some(MiseADisposition), Action::Traiter(ARecycler), Acteur::Destinataire, &ctx());
        assert!(m.contains("n'est pas proposé au destinataire"), "{m}");
        let c = Contexte { a_recycler_autorise: true, ..Contexte::default() };
        assert_eq!(
            ok(Some(MiseADisposition), Action::Traiter(ARecycler), Acteur::Destinataire, &c),
            ARecycler
        );
        refuse(Some(ServiceFait), Action::Traiter(ARecycler), Acteur::Destinataire, &c);
        assert_eq!(ok(Some(ARecycler), Action::Recycler, Acteur::Fournisseur, &c), Deposee);
        let m = refuse(Some(Rejetee), Action::Recycler, Acteur::Fournisseur, &c);
        assert!(m.contains("Seule une facture « À recycler » peut être recyclée"), "{m}");
    }

    #[test]
    fn rien_apres_rejet_ou_mise_en_paiement() {
        let c = Contexte { motif: Some("motif"), a_recycler_autorise: true, ..Contexte::default() };
        for fin in [Rejetee, MiseEnPaiement] {
            for action in actions() {
                for acteur in ACTEURS {
                    assert!(
                        transition(Some(fin), action, acteur, &c).is_err(),
                        "{fin:?} {action:?} {acteur:?}"
                    );
                }
            }
        }
    }

    const ACTEURS: [Acteur; 4] =
        [Acteur::Fournisseur, Acteur::Systeme, Acteur::Destinataire, Acteur::Comptable];

    fn actions() -> Vec<Action> {
        let mut v = vec![
            Action::Enregistrer,
            Action::ValiderEtEnvoyer,
            Action::Acheminer,
            Action::MettreADisposition,
            Action::Recycler,
            Action::Completer,
        ];
        v.extend(Statut::TOUS.map(Action::Traiter));
        v
    }

    /// Ordre d'avancement d'une facture sur le parcours classique ; les statuts de retour au
    /// fournisseur (à recycler, suspendue, rejetée) n'en ont pas.
    fn ordre(s: Statut) -> Option<u8> {
        match s {
            Brouillon => Some(0),
            Deposee => Some(1),
            EnCoursAcheminement => Some(2),
            MiseADisposition | Completee => Some(3),
            ServiceFait => Some(4),
            Mandatee => Some(5),
            MiseADispositionComptable => Some(6),
            Comptabilisee => Some(7),
            MiseEnPaiement => Some(8),
            ARecycler | Suspendue | Rejetee => None,
        }
    }

    /// L'acteur qui fait normalement cette action.
    fn acteur_attendu(action: Action) -> Acteur {
        match action {
            Action::Enregistrer | Action::ValiderEtEnvoyer | Action::Recycler | Action::Completer => {
                Acteur::Fournisseur
            }
            Action::Acheminer | Action::MettreADisposition => Acteur::Systeme,
            Action::Traiter(MiseADispositionComptable | Comptabilisee | MiseEnPaiement) => Acteur::Comptable,
            Action::Traiter(_) => Acteur::Destinataire,
        }
    }

    /// Un pas au hasard, avec une bonne chance d'être plausible (acteur attendu, motif donné,
    /// suspension et complément fréquents) pour explorer les parcours profonds.
    fn pas_quelconque() -> impl Strategy<Value = (Action, Acteur, Option<&'static str>, bool)> {
        let motif = prop::sample::select(vec![
            None,
            Some(""),
            Some("  "),
            Some("Pièce manquante"),
            Some("Prix faux"),
            Some(LONG),
        ]);
        let action = prop_oneof![
            3 => prop::sample::select(actions()),
            1 => Just(Action::Traiter(Suspendue)),
            1 => Just(Action::Completer),
            1 => Just(Action::Recycler),
            1 => Just(Action::Traiter(ARecycler)),
        ];
        (action, prop::option::weighted(0.3, prop::sample::select(ACTEURS.to_vec())), motif, any::<bool>())
            .prop_map(|(action, acteur, motif, a_recycler)| {
                (action, acteur.unwrap_or_else(|| acteur_attendu(action)), motif, a_recycler)
            })
    }

    const LONG: &str = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\
                        xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\
                        xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";

    /// Un parcours qui commence par l'envoi : les tirages au hasard avancent plus loin.
    fn prefixe() -> impl Strategy<Value = Vec<(Action, Acteur, Option<&'static str>, bool)>> {
        prop::sample::select(vec![
            vec![],
            vec![(Action::ValiderEtEnvoyer, Acteur::Fournisseur, None, false)],
            vec![
                (Action::ValiderEtEnvoyer, Acteur::Fournisseur, None, false),
                (Action::Acheminer, Acteur::Systeme, None, false),
                (Action::MettreADisposition, Acteur::Systeme, None, false),
            ],
        ])
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        #[test]
        fn le_cycle_de_vie_respecte_ses_regles(
            debut in prefixe(),
            pas in prop::collection::vec(pas_quelconque(), 0..60),
            mise_en_paiement_non_remontee in any::<bool>(),
            avoir in any::<bool>(),
        ) {
            let mut courant: Option<Statut> = None;
            let mut historique: Vec<Statut> = Vec::new();
            let mut dernier_ordre: Option<u8> = None;
            for (action, acteur, motif, a_recycler_autorise) in debut.into_iter().chain(pas) {
                let ctx = Contexte {
                    motif,
                    // L'appelant tient l'information à jour à partir de l'historique.
                    deja_suspendue: historique.contains(&Suspendue),
                    mise_en_paiement_non_remontee,
                    a_recycler_autorise,
                    avoir,
                };
                let resultat = transition(courant, action, acteur, &ctx);
                if courant.is_some_and(Statut::est_final) {
                    prop_assert!(resultat.is_err(), "action acceptée après {:?} : {:?}", courant, action);
                }
                let Ok(nouveau) = resultat else { continue };

                // Le rang de traitement ne recule que par les chemins du fournisseur.
                if let Some(o) = ordre(nouveau) {
                    if let Some(avant) = dernier_ordre {
                        let chemin_fournisseur = matches!(action, Action::Recycler | Action::Completer);
                        prop_assert!(
                            o >= avant || chemin_fournisseur,
                            "recul de {:?} (ordre {}) après l'ordre {} par {:?}", nouveau, o, avant, action
                        );
                    }
                    dernier_ordre = Some(o);
                }
                if let (Action::Traiter(_), Some(avant), Some(apres)) =
                    (action, courant.and_then(Statut::rang_traitement), nouveau.rang_traitement())
                {
                    prop_assert!(apres > avant);
                }
                // Les motifs obligatoires ont bien été donnés.
                if matches!(nouveau, Suspendue | Rejetee) {
                    let m = motif.map(str::trim).unwrap_or("");
                    prop_assert!(!m.is_empty() && m.chars().count() <= MOTIF_LONGUEUR_MAX);
                }
                if mise_en_paiement_non_remontee || avoir {
                    prop_assert_ne!(nouveau, MiseEnPaiement);
                }

                // L'historique ne fait que s'allonger.
                let ancien = historique.clone();
                historique.push(nouveau);
                prop_assert_eq!(historique.len(), ancien.len() + 1);
                prop_assert_eq!(&historique[..ancien.len()], &ancien[..]);
                courant = Some(nouveau);
            }
            prop_assert!(historique.iter().filter(|s| **s == Suspendue).count() <= 1);
            // Après un statut final, plus rien n'a été ajouté.
            if let Some(i) = historique.iter().position(|s| s.est_final()) {
                prop_assert_eq!(i, historique.len() - 1);
            }
        }
    }
}
