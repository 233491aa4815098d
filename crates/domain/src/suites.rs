//! Ce que le fournisseur fait d'une facture que le destinataire lui renvoie, et ce que le
//! destinataire joint à son traitement.
//!
//! - « À recycler » : seules les données d'acheminement (destinataire, code service, numéro
//!   d'engagement) changent, le numéro de facture reste le même, et la facture repart au statut
//!   « Déposée » (API `recycler`, réponse `statutFacture: "DEPOSEE"`).
//! - « Suspendue » : le fournisseur complète la facture (pièces jointes et/ou commentaire), qui
//!   passe à « Complétée » (API `completer`).
//! - « Rejetée » : le fournisseur prend connaissance du rejet (« Traiter le rejet »), puis émet
//!   une nouvelle facture sous un **nouveau** numéro : le numéro de la facture rejetée ne peut
//!   plus servir (AIFE, « facture rejetée » ; Pastell : numéro « unique par fournisseur »).
//!
//! Le passage d'un statut à l'autre reste décidé par [`crate::statut::transition`] ; ce module
//! ne contrôle que ce qui accompagne l'action.

use crate::anomalie::Anomalie;
use crate::erreur::Erreur;
use crate::facture::Facture;
use crate::saisie::{COMMENTAIRE_LONGUEUR_MAX, SaisieBrute};
use crate::statut::{MOTIF_LONGUEUR_MAX, Statut};

/// Longueur maximale d'un numéro de mandat (`numeroDPMandat`) : l'API ne la publie pas,
/// 30 caractères couvrent les numéros des logiciels financiers publics.
pub const NUMERO_MANDAT_LONGUEUR_MAX: usize = 30;

/// Les seules données qu'un recyclage peut changer, telles que saisies.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Acheminement {
    pub destinataire: String,
    pub code_service: String,
    pub numero_engagement: String,
}

impl Acheminement {
    pub fn de(f: &Facture) -> Acheminement {
        Acheminement {
            destinataire: f.destinataire.clone(),
            code_service: f.code_service.clone(),
            numero_engagement: f.numero_engagement.clone(),
        }
    }
}

/// La saisie de la facture recyclée : celle d'origine, où seules les données d'acheminement
/// sont remplacées. Elle repasse ensuite tous les contrôles d'une saisie.
pub fn saisie_recyclee(origine: &SaisieBrute, a: &Acheminement) -> SaisieBrute {
    SaisieBrute {
        destinataire: a.destinataire.clone(),
        code_service: a.code_service.clone(),
        numero_engagement: a.numero_engagement.clone(),
        ..origine.clone()
    }
}

/// Ce qu'un recyclage ne peut pas faire : ne rien changer (le destinataire la renverrait pour
/// la même raison), ou toucher à autre chose que l'acheminement.
pub fn controler_recyclage(origine: &Facture, recyclee: &Facture) -> Vec<Anomalie> {
    let meme_contenu = Facture {
        destinataire: origine.destinataire.clone(),
        code_service: origine.code_service.clone(),
        numero_engagement: origine.numero_engagement.clone(),
        ..recyclee.clone()
    };
    if meme_contenu != *origine {
        return vec![Anomalie::champ(
            "destinataire",
            "RECYCLAGE_HORS_ACHEMINEMENT",
            "Un recyclage ne change que le destinataire, le code service et le numéro d'engagement : \
             pour corriger autre chose, il faut que le destinataire rejette la facture et en émettre une nouvelle.",
        )];
    }
    if Acheminement::de(origine) == Acheminement::de(recyclee) {
        return vec![Anomalie::champ(
            "destinataire",
            "RECYCLAGE_SANS_CHANGEMENT",
            "Rien n'a changé : corrigez le SIRET du destinataire, le code service ou le numéro \
             d'engagement comme l'indique le motif du destinataire, puis renvoyez la facture.",
        )];
    }
    Vec::new()
}

/// L'anomalie d'un numéro déjà porté par une facture rejetée : il ne peut plus servir.
pub fn anomalie_numero_de_facture_rejetee(numero: &str) -> Anomalie {
    Anomalie::champ(
        "numero",
        "NUMERO_DEJA_UTILISE",
        format!(
            "Le numéro « {numero} » est celui d'une facture rejetée par le destinataire : il ne peut plus \
             servir. La facture rejetée reste enregistrée dans Chorus Pro ; émettez la nouvelle facture \
             sous un nouveau numéro (par exemple le suivant de votre numérotation)."
        ),
    )
}

/// Le commentaire d'un complément : un complément vide n'apporte rien au destinataire.
/// `pieces_jointes` : nombre de pièces jointes ajoutées avec le complément.
pub fn verifier_complement(commentaire: &str, pieces_jointes: usize) -> Result<String, Erreur> {
    let commentaire = commentaire.trim();
    if commentaire.is_empty() && pieces_jointes == 0 {
        return Err(Erreur::Transition(
            "Ajoutez la pièce ou la précision demandée par le destinataire (voir son motif) : un \
             complément sans commentaire ni pièce jointe ne peut pas être envoyé."
                .into(),
        ));
    }
    texte_libre("Le commentaire", commentaire, COMMENTAIRE_LONGUEUR_MAX)?;
    Ok(commentaire.to_string())
}

/// Le motif ou commentaire accompagnant un traitement du destinataire : facultatif sauf pour
/// rejeter ou suspendre (ce que [`crate::statut::transition`] vérifie), toujours borné.
pub fn verifier_motif(motif: &str) -> Result<String, Erreur> {
    let motif = motif.trim();
    texte_libre("Le motif", motif, MOTIF_LONGUEUR_MAX)?;
    Ok(motif.to_string())
}

/// Le numéro de mandat donné avec « Mandatée » : facultatif, comme `numeroDPMandat`.
pub fn verifier_numero_mandat(numero: &str) -> Result<Option<String>, Erreur> {
    let numero = numero.trim();
    if numero.is_empty() {
        return Ok(None);
    }
    let n = numero.chars().count();
    if n > NUMERO_MANDAT_LONGUEUR_MAX {
        return Err(Erreur::Transition(format!(
            "Le numéro de mandat ne doit pas dépasser {NUMERO_MANDAT_LONGUEUR_MAX} caractères (il en compte {n})."
        )));
    }
    if !numero.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/' | '.')) {
        return Err(Erreur::Transition(
            "Le numéro de mandat ne peut contenir que des lettres sans accent, des chiffres et les \
             caractères - _ / ."
                .into(),
        ));
    }
    Ok(Some(numero.to_string()))
}

fn texte_libre(quoi: &str, texte: &str, maximum: usize) -> Result<(), Erreur> {
    if texte.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(Erreur::Transition(format!(
            "{quoi} contient un caractère invisible non autorisé : effacez-le et retapez le texte au clavier."
        )));
    }
    let n = texte.chars().count();
    if n > maximum {
        return Err(Erreur::Transition(format!(
            "{quoi} ne doit pas dépasser {maximum} caractères (il en compte {n})."
        )));
    }
    Ok(())
}

/// Qui donne ce statut, dit au stagiaire.
pub fn qui_le_donne(statut: Statut) -> &'static str {
    match statut {
        Statut::Brouillon | Statut::Completee => "vous (le fournisseur)",
        Statut::Deposee | Statut::EnCoursAcheminement | Statut::MiseADisposition => {
            "Chorus Pro, automatiquement"
        }
        Statut::ARecycler | Statut::Suspendue | Statut::Rejetee | Statut::ServiceFait | Statut::Mandatee => {
            "le destinataire (le service de l'acheteur public qui traite la facture)"
        }
        Statut::MiseADispositionComptable | Statut::Comptabilisee | Statut::MiseEnPaiement => {
            "le comptable public de l'acheteur"
        }
        Statut::AValider1
        | Statut::AbsenceValidation1HorsDelai
        | Statut::AValider2
        | Statut::AbsenceValidation2HorsDelai => "Chorus Pro, automatiquement",
        Statut::Validee1 | Statut::Refusee1 | Statut::ErreurFournisseurSurValideur => {
            "le premier valideur (le titulaire du marché, ou le mandataire du groupement)"
        }
        Statut::Validee2 | Statut::Refusee2 | Statut::ErreurCotraitantSurValideur => {
            "le second valideur (le mandataire du groupement)"
        }
        Statut::MiseADispositionMoe
        | Statut::AbsenceValidationMoeDelaiReglementaire
        | Statut::MiseADispositionMoa => "Chorus Pro, automatiquement",
        Statut::TransmiseMoa => {
            "la maîtrise d'œuvre, en transmettant sa pièce (ou Chorus Pro, après ses 7 jours sans réponse)"
        }
        Statut::RemplaceeParA22 => "vous (le titulaire), en déposant votre projet de décompte général (A22)",
        Statut::Associee => {
            "vous (le titulaire), en déposant le décompte général et définitif signé (A8) ou tacite (A23) ; ou \
             la maîtrise d'œuvre (A24), faute de votre signature à temps"
        }
        Statut::PriseEnCompteMoe
        | Statut::RefuseeMoe
        | Statut::ErreurFournisseurSurMoe
        | Statut::ACompleter => "la maîtrise d'œuvre (l'architecte ou le bureau d'études chargé du chantier)",
        Statut::PriseEnCompteMoa | Statut::RefuseeMoa | Statut::ErreurFournisseurSurMoa => {
            "la maîtrise d'ouvrage (l'acheteur public qui fait faire les travaux)"
        }
        Statut::AAssocierFournisseur => {
            "la maîtrise d'ouvrage (ou d'œuvre), en vous notifiant le décompte général"
        }
        Statut::RefuseeFournisseur => "vous (le titulaire), en refusant le décompte général",
        _ => "une autre partie du circuit (maîtrise d'œuvre, maîtrise d'ouvrage, Chorus Pro)",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::saisie;

    fn facture() -> Facture {
        let brut = SaisieBrute {
            numero: "FA-1".into(),
            date_facture: "2026-11-20".into(),
            destinataire: "21852884200097".into(),
            lignes: vec![saisie::LigneBrute {
                designation: "Tonte".into(),
                quantite: "1".into(),
                prix_unitaire_ht: "100".into(),
                taux_tva: "20".into(),
                ..Default::default()
            }],
            ..SaisieBrute::default()
        };
        saisie::analyser(&brut).unwrap()
    }

    #[test]
    fn recyclage_ne_change_que_l_acheminement() {
        let f = facture();
        let a = Acheminement { code_service: "VOIRIE".into(), ..Acheminement::de(&f) };
        let brut =
            saisie_recyclee(&crate::saisie::SaisieBrute { numero: "FA-1".into(), ..Default::default() }, &a);
        assert_eq!((brut.numero.as_str(), brut.code_service.as_str()), ("FA-1", "VOIRIE"));

        let mut recyclee = f.clone();
        recyclee.code_service = "VOIRIE".into();
        assert!(controler_recyclage(&f, &recyclee).is_empty());
        let a = controler_recyclage(&f, &f);
        assert_eq!(a[0].code, "RECYCLAGE_SANS_CHANGEMENT");
        let mut autre = recyclee.clone();
        autre.numero = "FA-2".into();
        assert_eq!(controler_recyclage(&f, &autre)[0].code, "RECYCLAGE_HORS_ACHEMINEMENT");
    }

    #[test]
    fn complement_commentaire_ou_piece() {
        assert!(verifier_complement("  ", 0).unwrap_err().to_string().contains("sans commentaire ni pièce"));
        assert_eq!(verifier_complement("  ", 1).unwrap(), "");
        assert_eq!(verifier_complement(" Bon de livraison joint ", 0).unwrap(), "Bon de livraison joint");
        let long = "x".repeat(COMMENTAIRE_LONGUEUR_MAX + 1);
        assert!(verifier_complement(&long, 0).unwrap_err().to_string().contains("2000 caractères"));
        assert!(verifier_complement("a\u{0}b", 0).is_err());
    }

    #[test]
    fn motif_et_numero_de_mandat() {
        assert_eq!(verifier_motif("  Erreur de prix ").unwrap(), "Erreur de prix");
        assert!(verifier_motif(&"é".repeat(256)).is_err());
        assert_eq!(verifier_motif(&"é".repeat(255)).unwrap().chars().count(), 255);
        assert_eq!(verifier_numero_mandat(" ").unwrap(), None);
        assert_eq!(verifier_numero_mandat("M-2026/0042").unwrap().as_deref(), Some("M-2026/0042"));
        assert!(verifier_numero_mandat("M 42").is_err());
        assert!(verifier_numero_mandat(&"1".repeat(31)).is_err());
    }

    #[test]
    fn numero_d_une_facture_rejetee() {
        let a = anomalie_numero_de_facture_rejetee("FA-1");
        assert_eq!((a.champ.as_str(), a.code), ("numero", "NUMERO_DEJA_UTILISE"));
        assert!(a.message.contains("facture rejetée") && a.message.contains("nouveau numéro"));
    }

    #[test]
    fn chaque_statut_a_son_auteur() {
        for s in Statut::TOUS {
            assert!(!qui_le_donne(s).is_empty());
        }
    }
}
