//! Les choix du simulateur : ce qu'il fait là où les sources sur Chorus Pro se taisent, avec
//! la raison et ce que disent les sources. Chaque choix que le stagiaire rencontre porte une
//! marque « choix du simulateur » qui renvoie à la page qui les liste tous : un stagiaire ne
//! doit pas prendre une convention de l'outil pour une règle du vrai portail.

/// Un choix du simulateur.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChoixSimulateur {
    SuiviDuDelai,
    CalculInterets,
    DelaiLegalAnnuaire,
    CalendrierAcheteur,
    RejetApresMandat,
    ARecycler,
    DepartApresRecyclage,
    DateFuture,
    UniciteNumero,
    TraitementAvoir,
    CodeTvaApi,
    Messagerie,
}

impl ChoixSimulateur {
    pub const TOUS: [ChoixSimulateur; 12] = [
        Self::SuiviDuDelai,
        Self::CalculInterets,
        Self::DelaiLegalAnnuaire,
        Self::CalendrierAcheteur,
        Self::RejetApresMandat,
        Self::ARecycler,
        Self::DepartApresRecyclage,
        Self::DateFuture,
        Self::UniciteNumero,
        Self::TraitementAvoir,
        Self::CodeTvaApi,
        Self::Messagerie,
    ];

    /// L'ancre du choix sur la page qui les liste.
    pub fn ancre(self) -> &'static str {
        match self {
            Self::SuiviDuDelai => "suivi-du-delai",
            Self::CalculInterets => "calcul-interets",
            Self::DelaiLegalAnnuaire => "delai-legal-annuaire",
            Self::CalendrierAcheteur => "calendrier-acheteur",
            Self::RejetApresMandat => "rejet-apres-mandat",
            Self::ARecycler => "a-recycler",
            Self::DepartApresRecyclage => "depart-apres-recyclage",
            Self::DateFuture => "date-future",
            Self::UniciteNumero => "unicite-numero",
            Self::TraitementAvoir => "traitement-avoir",
            Self::CodeTvaApi => "code-tva-api",
            Self::Messagerie => "messagerie",
        }
    }

    pub fn titre(self) -> &'static str {
        match self {
            Self::SuiviDuDelai => "Le suivi du délai de paiement et des intérêts moratoires",
            Self::CalculInterets => "Le calcul des intérêts moratoires",
            Self::DelaiLegalAnnuaire => "Le délai légal affiché dans l'annuaire",
            Self::CalendrierAcheteur => "Le calendrier de l'acheteur public simulé",
            Self::RejetApresMandat => "Ni rejet ni suspension après « Mandatée »",
            Self::ARecycler => "Le statut « À recycler » donné par le destinataire",
            Self::DepartApresRecyclage => "Le départ du délai après un recyclage",
            Self::DateFuture => "Une facture datée dans le futur est refusée",
            Self::UniciteNumero => "Un numéro de facture unique par structure, toutes années confondues",
            Self::TraitementAvoir => "Le traitement d'un avoir par l'acheteur simulé",
            Self::CodeTvaApi => "Les codes de taux de TVA de l'API",
            Self::Messagerie => "La messagerie du bac à sable remplace le courrier électronique",
        }
    }

    /// Ce que fait le simulateur.
    pub fn ce_que_fait_le_simulateur(self) -> &'static str {
        match self {
            Self::SuiviDuDelai => {
                "Chaque facture a une page « Suivi du paiement » : départ du délai, échéance, interruption, \
                 jours de retard, intérêts moratoires et indemnité de 40 €, chaque chiffre avec son article."
            }
            Self::CalculInterets => {
                "Intérêts moratoires = montant TTC à payer × jours de retard × taux ÷ 365, arrondis au \
                 centime ; les jours de retard vont du lendemain de l'échéance au jour de la mise en \
                 paiement compris."
            }
            Self::DelaiLegalAnnuaire => {
                "La fiche d'une structure publique affiche le délai légal de paiement selon la nature \
                 juridique de l'acheteur (30, 50 ou 60 jours), déduit de sa catégorie juridique INSEE."
            }
            Self::CalendrierAcheteur => {
                "Sans scénario, l'acheteur simulé traite chaque facture à dates fixes après sa mise à \
                 disposition : pour un délai de 30 jours, service fait au 3e jour, mandatée au 10e, mise à \
                 disposition du comptable au 11e, comptabilisée au 15e, mise en paiement au 20e (50 jours : \
                 5, 20, 21, 30, 40 ; 60 jours : 5, 25, 26, 35, 45). Un exercice peut le faire rejeter, \
                 suspendre ou tarder."
            }
            Self::RejetApresMandat => {
                "Une fois la facture « Mandatée », le destinataire ne peut plus la rejeter ni la suspendre."
            }
            Self::ARecycler => {
                "Le destinataire peut mettre une facture « À recycler » tant qu'il ne l'a pas traitée ; le \
                 formateur peut retirer ce statut de ses possibilités, pour un bac à sable ou une classe."
            }
            Self::DepartApresRecyclage => {
                "Après un recyclage, le délai de paiement part de la nouvelle mise à disposition, celle du \
                 bon destinataire."
            }
            Self::DateFuture => {
                "Une facture dont la date est postérieure à la date du jour (date simulée du bac à sable) \
                 est refusée à la saisie."
            }
            Self::UniciteNumero => {
                "Une structure ne peut pas utiliser deux fois le même numéro de facture, quelle que soit \
                 l'année, même si la première facture a été rejetée."
            }
            Self::TraitementAvoir => {
                "L'acheteur simulé enregistre un avoir (« Comptabilisée ») le jour où il comptabiliserait une \
                 facture, et s'arrête là : un avoir n'est jamais « Mis en paiement », il n'a ni échéance ni \
                 intérêts moratoires."
            }
            Self::CodeTvaApi => {
                "Par l'API, le taux d'une ligne se donne en pourcentage (lignePosteTauxTvaManuel) ; le seul \
                 code accepté dans lignePosteTauxTva est TVA1 (0 %, franchise en base). Tout autre code est \
                 refusé avec un message, plutôt que deviné."
            }
            Self::Messagerie => {
                "Les liens d'activation, les codes de connexion et les notifications arrivent dans la \
                 messagerie du bac à sable, pas dans une vraie boîte aux lettres."
            }
        }
    }

    /// Pourquoi ce choix.
    pub fn pourquoi(self) -> &'static str {
        match self {
            Self::SuiviDuDelai => {
                "Le délai global de paiement est au programme : le voir courir, s'interrompre et produire \
                 des intérêts aide à le comprendre et à réclamer son dû."
            }
            Self::CalculInterets => {
                "Un calcul d'intérêts simples, au jour près, sur le montant dû : c'est la lecture la plus \
                 directe de la règle, et un exercice doit avoir une seule bonne réponse."
            }
            Self::DelaiLegalAnnuaire => {
                "Un stagiaire doit apprendre à connaître le délai de son client ; l'afficher à côté de ses \
                 obligations aide à le retenir, à condition de dire d'où il vient."
            }
            Self::CalendrierAcheteur => {
                "Un exercice doit se dérouler en quelques minutes et de la même façon pour tous les \
                 stagiaires ; un calendrier fixe, dans le délai, montre tous les statuts possibles."
            }
            Self::RejetApresMandat => {
                "La loi ne permet d'interrompre le délai qu'une fois et, pour un acheteur doté d'un comptable \
                 public, avant l'ordonnancement (mandat) ; le simulateur applique la même borne au rejet."
            }
            Self::ARecycler => {
                "Les sources se contredisent ; garder le statut permet d'enseigner le recyclage, que les \
                 formations présentent toujours."
            }
            Self::DepartApresRecyclage => {
                "Le délai court de la réception de la facture par l'acheteur ; mal acheminée, elle n'a été \
                 reçue par le bon destinataire qu'à sa nouvelle mise à disposition."
            }
            Self::DateFuture => {
                "Une facture se date du jour où elle est émise ; refuser une date future évite des délais \
                 incohérents dans le bac à sable."
            }
            Self::UniciteNumero => {
                "Le numéro d'une facture l'identifie chez le fournisseur ; après un rejet, la nouvelle \
                 facture doit porter un nouveau numéro."
            }
            Self::TraitementAvoir => {
                "Un avoir diminue ce que l'acheteur doit : aucun statut de paiement n'a de sens pour lui, \
                 mais le stagiaire doit voir qu'il a été reçu et enregistré."
            }
            Self::CodeTvaApi => {
                "Deviner le taux d'un code inconnu pourrait faire accepter une facture que Chorus Pro \
                 calculerait autrement."
            }
            Self::Messagerie => {
                "Le simulateur n'envoie rien hors de lui-même : ni courriel, ni donnée à l'administration."
            }
        }
    }

    /// Ce que disent les sources (ou leur silence).
    pub fn ce_que_disent_les_sources(self) -> &'static str {
        match self {
            Self::SuiviDuDelai => {
                "Chorus Pro ne calcule ni les délais ni les intérêts : l'AIFE le dit (« Chorus Pro n'a pas pour \
                 vocation de piloter et gérer les délais de paiements », Le Moniteur). Le délai relève de \
                 l'acheteur (articles R2192-10 à R2192-36 du code de la commande publique)."
            }
            Self::CalculInterets => {
                "Le taux (BCE du premier jour du semestre + 8 points) est fixé par l'article R2192-31, le \
                 départ des intérêts au lendemain de l'échéance par l'article L2192-13 ; la formule de calcul \
                 elle-même n'est pas donnée par les sources consultées."
            }
            Self::DelaiLegalAnnuaire => {
                "Le vrai annuaire de Chorus Pro n'a pas de colonne de délai : il donne les paramètres de \
                 facturation (code service, engagement, maîtrise d'ouvrage, mise en paiement). Le délai se \
                 déduit de la nature juridique de l'acheteur (R2192-10, R2192-11) et du contrat, qui peut \
                 prévoir plus court."
            }
            Self::CalendrierAcheteur => {
                "Aucune source ne fixe le rythme de traitement d'un acheteur : il doit seulement payer dans \
                 le délai. Les statuts Service fait, Mandatée, Mise à disposition du comptable et \
                 Comptabilisée sont facultatifs (communauté Chorus Pro, « Rappel sur le cycle de vie des \
                 factures »)."
            }
            Self::RejetApresMandat => {
                "La documentation ne dit pas si un destinataire peut encore rejeter ou suspendre une facture \
                 mandatée. L'article R2192-27 limite l'interruption du délai à une fois, avant \
                 l'ordonnancement pour les acheteurs dotés d'un comptable public."
            }
            Self::ARecycler => {
                "L'exemple officiel du service recupererEtatsPossiblesPourTraitement cite encore « À \
                 recycler » parmi les statuts que peut donner le destinataire ; une intégration de \
                 référence (Pastell) l'a retiré de ses statuts cibles. Qu'il soit encore proposé aujourd'hui \
                 n'est pas établi."
            }
            Self::DepartApresRecyclage => {
                "Les articles R2192-12 à R2192-15 font partir le délai de la réception de la demande de \
                 paiement ; aucun texte ne traite le cas d'une facture recyclée."
            }
            Self::DateFuture => {
                "Les contrôles de Chorus Pro sur la date de facture ne sont pas publiés dans les sources \
                 consultées."
            }
            Self::UniciteNumero => {
                "Le numéro est « unique par fournisseur » (intégration Pastell) et, après un rejet, l'AIFE \
                 demande une nouvelle facture avec un nouveau numéro ; l'étendue exacte de l'unicité (par \
                 année ?) n'est pas publiée."
            }
            Self::TraitementAvoir => {
                "Les sources ne disent pas quels statuts un acheteur donne à un avoir dans Chorus Pro."
            }
            Self::CodeTvaApi => {
                "La liste des codes vient du service recuperer/tauxtva ; seule la correspondance de TVA1 (« Art \
                 293B (FranchiseEnBase) », 0 %) est attestée. L'exemple officiel de soumettreFacture emploie \
                 TVA5 sans en donner le taux."
            }
            Self::Messagerie => {
                "Sur le vrai portail, ces messages arrivent par courriel à l'adresse de connexion ou de \
                 contact du compte (communauté Chorus Pro, « Gérer son compte utilisateur »)."
            }
        }
    }

    /// Le choix dont l'ancre est `ancre`.
    pub fn depuis_ancre(ancre: &str) -> Option<ChoixSimulateur> {
        Self::TOUS.into_iter().find(|c| c.ancre() == ancre)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chaque_choix_est_complet_et_son_ancre_unique() {
        let mut ancres = std::collections::BTreeSet::new();
        for c in ChoixSimulateur::TOUS {
            assert!(ancres.insert(c.ancre()), "ancre en double : {}", c.ancre());
            assert_eq!(ChoixSimulateur::depuis_ancre(c.ancre()), Some(c));
            for texte in
                [c.titre(), c.ce_que_fait_le_simulateur(), c.pourquoi(), c.ce_que_disent_les_sources()]
            {
                assert!(texte.len() > 10, "{c:?}");
                assert!(!texte.contains('<'), "{c:?}");
            }
        }
    }
}
