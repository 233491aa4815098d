//! Le cycle de vie d'une facture (parcours classique, cadres A1/A2) : une seule fonction,
//! [`transition`], décide si une action est permise et quel statut elle produit.

use serde::{Deserialize, Serialize};

use crate::erreur::Erreur;

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
                "Chorus Pro a bien reçu et intégré votre facture. Vous pouvez télécharger le certificat \
                 de dépôt. Rien à faire : elle part vers le destinataire."
            }
            Self::EnCoursAcheminement => "La facture est en route vers l'espace du destinataire. Rien à faire.",
            Self::MiseADisposition => {
                "Le destinataire a reçu la facture dans son espace : le délai de paiement court à partir \
                 de cette date. Rien à faire, suivez son traitement."
            }
            Self::ARecycler => {
                "Le destinataire signale une erreur dans les données d'acheminement (SIRET, code service \
                 ou numéro d'engagement). Corrigez-les et renvoyez la facture, sans changer son numéro."
            }
            Self::Suspendue => {
                "Le destinataire attend une pièce ou une précision (voir le motif). Complétez la facture \
                 (pièce jointe, commentaire) : le délai de paiement reprend alors."
            }
            Self::Completee => {
                "Vous avez complété la facture : elle est de nouveau à la disposition du destinataire. \
                 Rien à faire."
            }
            Self::Rejetee => {
                "Le destinataire a refusé la facture (voir le motif). Elle ne sera jamais payée : prenez \
                 connaissance du rejet, puis émettez une nouvelle facture avec un nouveau numéro."
            }
            Self::ServiceFait => "Le destinataire a constaté que la prestation a bien été réalisée. Rien à faire.",
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
                None | Some(Brouillon) => {
                    Ok(if action == Action::Enregistrer { Brouillon } else { Deposee })
                }
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

fn traiter(courant: Option<Statut>, cible: Statut, acteur: Acteur, ctx: &Contexte<'_>) -> Result<Statut, Erreur> {
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
                    "Une facture au statut « {} » ne peut plus être {} : le mandat a déjà été émis.",
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
                return refus("Seule une facture qui vient d'être mise à disposition peut être mise « À recycler ».");
            }
            Ok(ARecycler)
        }
        ServiceFait | Mandatee | MiseADispositionComptable | Comptabilisee | MiseEnPaiement => {
            if cible == MiseEnPaiement && ctx.mise_en_paiement_non_remontee {
                return refus(
                    "Ce destinataire ne remonte pas le statut « Mise en paiement » dans Chorus Pro \
                     (paramètre de l'annuaire).",
                );
            }
            let rang_cible = cible.rang_traitement().expect("statut de traitement");
            if rang_cible <= rang {
                return refus(format!(
                    "La facture est déjà au statut « {} » : « {} » ne peut pas venir après.",
                    courant.libelle(),
                    cible.libelle()
                ));
            }
            Ok(cible)
        }
        autre => refus(format!("Le statut « {} » ne peut pas être donné par le destinataire.", autre.libelle())),
    }
}
