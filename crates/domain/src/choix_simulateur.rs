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
    ValideurSimule,
    MotifsRefus,
    DelaiDeValidation,
    SecondValideur,
    RecyclageApresValidation,
    LibellesStatuts,
    GestionnaireSimule,
    MaitrisesSimulees,
    CircuitTravaux,
    DelaisDecompteGeneral,
    PiecesDuDossier,
    RepriseDesDelaisTravaux,
    TraitementDesFlux,
    LectureDesFlux,
    ReglesMotDePasse,
    CodeEtBlocage,
    IdentifiantsHorsSiret,
    SuspensionEtEcheance,
}

impl ChoixSimulateur {
    pub const TOUS: [ChoixSimulateur; 30] = [
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
        Self::ValideurSimule,
        Self::MotifsRefus,
        Self::DelaiDeValidation,
        Self::SecondValideur,
        Self::RecyclageApresValidation,
        Self::LibellesStatuts,
        Self::GestionnaireSimule,
        Self::MaitrisesSimulees,
        Self::CircuitTravaux,
        Self::DelaisDecompteGeneral,
        Self::PiecesDuDossier,
        Self::RepriseDesDelaisTravaux,
        Self::TraitementDesFlux,
        Self::LectureDesFlux,
        Self::ReglesMotDePasse,
        Self::CodeEtBlocage,
        Self::IdentifiantsHorsSiret,
        Self::SuspensionEtEcheance,
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
            Self::ValideurSimule => "valideur-simule",
            Self::MotifsRefus => "motifs-refus",
            Self::DelaiDeValidation => "delai-de-validation",
            Self::SecondValideur => "second-valideur",
            Self::RecyclageApresValidation => "recyclage-apres-validation",
            Self::LibellesStatuts => "libelles-statuts",
            Self::GestionnaireSimule => "gestionnaire-simule",
            Self::MaitrisesSimulees => "maitrises-simulees",
            Self::CircuitTravaux => "circuit-travaux",
            Self::DelaisDecompteGeneral => "delais-decompte-general",
            Self::PiecesDuDossier => "pieces-du-dossier",
            Self::RepriseDesDelaisTravaux => "reprise-delais-travaux",
            Self::TraitementDesFlux => "traitement-des-flux",
            Self::LectureDesFlux => "lecture-des-flux",
            Self::ReglesMotDePasse => "regles-mot-de-passe",
            Self::CodeEtBlocage => "code-et-blocage",
            Self::IdentifiantsHorsSiret => "identifiants-hors-siret",
            Self::SuspensionEtEcheance => "suspension-et-echeance",
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
            Self::ValideurSimule => "Le titulaire ou le mandataire simulé",
            Self::MotifsRefus => "La liste des motifs de refus d'une facture à valider",
            Self::DelaiDeValidation => "Le décompte des 15 jours du valideur",
            Self::SecondValideur => "La désignation du second valideur",
            Self::RecyclageApresValidation => {
                "Une facture validée puis recyclée ne repasse pas par son valideur"
            }
            Self::LibellesStatuts => "Les libellés des statuts que les sources ne donnent pas",
            Self::GestionnaireSimule => "Le gestionnaire principal simulé d'une structure",
            Self::MaitrisesSimulees => "La maîtrise d'œuvre et la maîtrise d'ouvrage simulées",
            Self::CircuitTravaux => "L'enchaînement des statuts des factures de travaux",
            Self::DelaisDecompteGeneral => "Les délais du décompte général et de la procédure tacite",
            Self::PiecesDuDossier => "Les PDF et les numéros des pièces de la MOE et de la MOA",
            Self::RepriseDesDelaisTravaux => {
                "Les délais après un complément ou un recyclage de pièce de travaux"
            }
            Self::TraitementDesFlux => "Le rythme du traitement d'un flux, son numéro et le mode de dépôt",
            Self::LectureDesFlux => "Ce que le simulateur lit dans une facture structurée",
            Self::ReglesMotDePasse => "Les règles du mot de passe",
            Self::CodeEtBlocage => "Le code de connexion et le blocage du compte",
            Self::IdentifiantsHorsSiret => "Les formats des identifiants autres que le SIRET",
            Self::SuspensionEtEcheance => {
                "Une suspension le jour de l'échéance, après elle, ou une deuxième fois"
            }
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
            Self::ValideurSimule => {
                "Quand personne ne joue le valideur d'une facture A9 ou A12, le simulateur répond pour lui : une \
                 entreprise titulaire, mandataire ou cotraitante d'un marché valide 5 jours après la mise à \
                 disposition ; un sous-traitant désigné comme valideur refuse au bout de 2 jours (celui qui \
                 dépose est alors un sous-traitant de second rang, sans paiement direct) ; toute autre \
                 entreprise répond au bout de 2 jours qu'elle n'est pas le bon valideur. Un exercice peut le \
                 faire refuser ou se taire."
            }
            Self::MotifsRefus => {
                "Le valideur choisit un motif dans une liste : erreur de valideur, travaux non réalisés, montant \
                 non conforme, prestations hors de l'acte spécial, sous-traitant non accepté, sous-traitant de \
                 second rang, doublon, autre motif (à préciser)."
            }
            Self::DelaiDeValidation => {
                "Les 15 jours comptent à partir du lendemain de la mise à disposition du valideur : il peut \
                 répondre jusqu'au 15e jour inclus ; le 16e, Chorus Pro constate l'absence de réponse et la \
                 facture part vers l'acheteur. Après une correction du valideur, ses 15 jours repartent. Une \
                 facture de cotraitant (A12) suit le même délai."
            }
            Self::SecondValideur => {
                "Pour le sous-traitant d'un cotraitant, le cotraitant qui valide désigne le mandataire du \
                 groupement comme second valideur ; sans validation expresse du cotraitant (silence), il n'y a \
                 pas de second niveau."
            }
            Self::RecyclageApresValidation => {
                "Une facture de sous-traitant ou de cotraitant que l'acheteur met « À recycler » repart, une \
                 fois recyclée, au statut « Déposée » sans repasser par son valideur."
            }
            Self::LibellesStatuts => {
                "L'API énumère des statuts dont les sources ne donnent pas le libellé français (par exemple \
                 VALIDEE_1, ABANDONNEE, A_VALIDER_MOE) : le simulateur leur donne un libellé descriptif."
            }
            Self::GestionnaireSimule => {
                "Le gestionnaire principal d'une structure simulée accepte une demande de rattachement 2 jours \
                 après qu'elle est faite ; un exercice peut le faire refuser ou tarder."
            }
            Self::MaitrisesSimulees => {
                "Sans joueur, la MOE prend une pièce en compte 2 jours après l'avoir reçue et la transmet le 5e jour au montant demandé (état d'acompte A15, projet de décompte général A17) ; la MOA la prend en compte le lendemain de sa réception, valide l'état d'acompte (A19) le surlendemain et notifie le décompte général (A20) le 8e jour. Si le titulaire ne signe pas le décompte général dans ses 30 jours, la MOE dépose le DGD tacite (A24) le lendemain. Un exercice peut changer chacun de ces comportements (MOE silencieuse, montant admis plus bas, refus)."
            }
            Self::CircuitTravaux => {
                "Les statuts et leurs libellés sont ceux de Chorus Pro ; leur enchaînement (qui peut passer de quel statut à quel autre) est reconstitué : la MOE reçoit (« Mise à disposition MOE »), prend en compte, transmet à la MOA ou au service financier, refuse, demande un complément ou signale une erreur d'acheminement ; la MOA prend en compte, valide ou notifie le décompte général, refuse ou signale une erreur ; le titulaire signe (« Associée ») ou refuse. Les pièces de la MOE, de la MOA et la pièce suivante du titulaire font avancer le dossier ouvert par le projet de décompte. Les circuits où le titulaire établit lui-même l'état d'acompte (A5, A6) ne sont pas simulés. Le projet de décompte d'un sous-traitant (A10, A11) ou d'un cotraitant (A13, A14) passe d'abord par le titulaire ou le mandataire, qui le valide comme une facture A9 ou A12, avant la maîtrise d'œuvre."
            }
            Self::DelaisDecompteGeneral => {
                "Le décompte général doit être notifié dans les 30 jours qui suivent la réception du projet de décompte final par la MOE ; sinon le titulaire peut déposer son projet de décompte général (A22), puis, si la MOA ne notifie rien dans les 10 jours, le DGD tacite (A23). Le titulaire a 30 jours pour signer le décompte général notifié. Les jours sont comptés en jours calendaires, à partir du lendemain de l'événement."
            }
            Self::PiecesDuDossier => {
                "Les pièces de la MOE et de la MOA (états d'acompte, décomptes généraux) sont des PDF que le simulateur produit à partir des montants saisis. Elles portent le numéro du projet de décompte suivi d'un suffixe : EA (état d'acompte), EAV (état d'acompte validé), et, choix du simulateur dans le même esprit, PDG (projet de décompte général), DG (décompte général), DGD (décompte général et définitif)."
            }
            Self::TraitementDesFlux => {
                "Un flux déposé est reçu (IN_RECU), en cours de traitement une seconde plus tard (IN_EN_COURS_TRAITEMENT_CPP), puis intégré, intégré partiellement ou rejeté deux secondes après ; un fichier illisible passe par « Irrecevable » (QP_IRRECEVABLE) avant d'être rejeté. Avancer l'horloge du bac termine aussitôt les flux en cours. Le numéro de flux est « CPP », la date de dépôt et un rang dans le bac. Les factures intégrées portent le mode de dépôt UPLOAD_PORTAIL (déposées sur le portail) ou UPLOAD_API (par l'API). Une facture rejetée à l'intégration n'est pas enregistrée : son numéro reste libre pour le fichier corrigé. Un fichier seul ou une archive pèse 10 Mo au plus."
            }
            Self::LectureDesFlux => {
                "Le cadre de facturation est lu dans BT-23 (A1 à A25 ; absent, ou identifiant de processus d'un autre cadre d'échange comme Peppol : A1) ; les codes de la réforme sont ramenés au cadre équivalent : B1, S1, M1 et B4, S4, M4 → A1 ; B2, S2, M2 → A2 ; S3 (sous-traitance à paiement direct) → A9 ; B6, S6, M6 (cotraitance) → A12. Le destinataire est le SIRET de BT-46 (schéma 0009 ou 1) ou, à défaut, celui de BT-47 (14 chiffres, schéma 0002). Une ligne dont le prix porte sur une quantité de base ou qui a des frais est reprise pour son montant net ; une remise ou des frais sur l'ensemble de la facture deviennent une ligne. Le vendeur doit être la structure qui dépose, et les montants déclarés ceux des lignes. Les règles de la norme EN 16931 sont toutes vérifiées ; parmi les règles françaises, celles que les sources donnent pour un acheteur public (BR-FR-CPRO-02, 14, 15, 20, 24, 31, 42, 43, 44) et BR-FR-09 (le SIRET commence par le SIREN) ; les règles propres à la réforme (BR-FR-08 : cadres B1 à M9) ne s'appliquent pas à un dépôt direct sur Chorus Pro."
            }
            Self::RepriseDesDelaisTravaux => {
                "Après un complément, la pièce revient à la MOE et ses 7 jours repartent ; après une erreur d'acheminement signalée par la MOE, la pièce recyclée repart à la (bonne) MOE ; après une erreur signalée par la MOA, elle repart directement à la MOA. Le délai de paiement d'un décompte mensuel part de la dernière réception par la MOE ; celui du solde, du dépôt du DGD."
            }
            Self::ReglesMotDePasse => {
                "Un mot de passe compte de 12 à 128 caractères, avec au moins une majuscule, une minuscule, un chiffre et un caractère spécial, et ne contient ni l'adresse de connexion ni le nom de l'utilisateur."
            }
            Self::CodeEtBlocage => {
                "Le code de la double authentification a 6 chiffres, vaut 10 minutes et arrive dans la messagerie du bac à sable. Après 5 échecs de suite (mot de passe ou code), le compte est bloqué une heure, en heure réelle et non en temps simulé. Les comptes de démonstration n'ont pas de double authentification ; dans une classe, le formateur la règle pour tous."
            }
            Self::IdentifiantsHorsSiret => {
                "Une structure sans SIRET s'identifie par un numéro de TVA intracommunautaire (autre pays de l'Union), un numéro d'immatriculation de 1 à 18 lettres, chiffres ou tirets (hors de l'Union), un RIDET (Nouvelle-Calédonie : 7 chiffres et 3 d'établissement), un numéro TAHITI (Polynésie française : 6 caractères et 3 d'établissement), ou, pour un particulier ou une structure en cours d'immatriculation, un identifiant attribué par le portail. Le simulateur contrôle ces formats."
            }
            Self::SuspensionEtEcheance => {
                "Une suspension le jour même de l'échéance interrompt encore le délai (il ne reste rien du délai : 30 jours s'ouvrent à la complétion). Une suspension après l'échéance n'efface pas le retard déjà constitué : elle est sans effet sur le délai. Une deuxième suspension est sans effet, et le suivi du paiement le dit. Tant qu'une facture suspendue n'est pas complétée, elle n'a ni échéance ni retard."
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
            Self::ValideurSimule => {
                "Un stagiaire seul doit voir sa facture avancer en quelques minutes, et voir ce qui arrive s'il \
                 désigne une entreprise qui n'est pas le titulaire."
            }
            Self::MotifsRefus => {
                "Un refus doit dire pourquoi ; ces motifs reprennent les raisons qu'un titulaire peut opposer au \
                 paiement direct d'un sous-traitant selon la réglementation."
            }
            Self::DelaiDeValidation => {
                "Le code dit « quinze jours à compter de ce dépôt » ; le jour du dépôt ne compte pas, comme pour \
                 les délais de procédure. Un valideur corrigé n'a reçu la facture qu'à la correction."
            }
            Self::SecondValideur => {
                "Le nom du statut ERREUR_COTRAITANT_SUR_VALIDEUR dit que l'erreur sur le second valideur est celle \
                 du cotraitant : c'est donc lui qui le désigne."
            }
            Self::RecyclageApresValidation => {
                "Le valideur a déjà accepté la demande de paiement ; le recyclage ne change que les données \
                 d'acheminement vers l'acheteur."
            }
            Self::LibellesStatuts => {
                "Un stagiaire doit lire un statut en français ; la marque dit que le libellé n'est pas celui du \
                 portail."
            }
            Self::GestionnaireSimule => {
                "S'exercer seul au rattachement demande une réponse rapide ; dans une structure réelle, le \
                 gestionnaire répond quand il le peut."
            }
            Self::MaitrisesSimulees => {
                "Une MOE et une MOA diligentes, bien dans leurs délais, laissent le stagiaire voir tout le circuit en avançant l'horloge de quelques jours ; les exercices montrent les écarts."
            }
            Self::CircuitTravaux => {
                "Un seul dossier par projet de décompte, avec la chaîne de ses pièces, est ce que le titulaire suit sur le portail ; les cadres A5 et A6 concernent des marchés sans maîtrise d'œuvre, rares chez les artisans."
            }
            Self::DelaisDecompteGeneral => {
                "Le CCAG-Travaux 2021 fixe ces délais à partir de la réception du projet de décompte final par le maître d'œuvre ; le simulateur les rattache aux dates que Chorus Pro horodate."
            }
            Self::PiecesDuDossier => {
                "La bonne pratique de numérotation relie chaque pièce au projet du premier déposant, pour que chacun retrouve le dossier."
            }
            Self::TraitementDesFlux => {
                "Un connecteur qui interroge le compte rendu doit le voir aboutir, comme sur la vraie plateforme, sans qu'on avance l'horloge ; quelques secondes suffisent à voir chaque état sans faire attendre une classe."
            }
            Self::LectureDesFlux => {
                "La saisie de Chorus Pro n'a ni remise d'ensemble ni quantité de base : pour que la facture intégrée garde les montants du fichier, ces éléments sont ramenés à des lignes. Les cadres de la réforme n'ont pas d'équivalent publié pour un dépôt direct sur Chorus Pro."
            }
            Self::RepriseDesDelaisTravaux => {
                "La pièce déjà vérifiée par la MOE n'a pas à repasser chez elle quand seule la MOA était mal désignée ; la dernière réception est la date que l'acheteur peut prouver."
            }
            Self::ReglesMotDePasse => {
                "Le portail impose des règles de complexité que le stagiaire doit rencontrer ; à défaut des règles exactes, le simulateur applique les recommandations de l'ANSSI pour un mot de passe seul."
            }
            Self::CodeEtBlocage => {
                "Le code et le blocage protègent vraiment le simulateur, ouvert sur le réseau de la salle : ils suivent l'horloge réelle, pas celle des exercices."
            }
            Self::IdentifiantsHorsSiret => {
                "Le stagiaire doit voir qu'un identifiant mal formé est refusé ; les formats retenus suivent les organismes qui attribuent ces numéros (ISEE pour le RIDET, ISPF pour le numéro TAHITI, préfixes de TVA de la Commission européenne)."
            }
            Self::SuspensionEtEcheance => {
                "Les textes fixent une seule interruption avant l'échéance ; ces cas limites doivent avoir une réponse nette dans le suivi du paiement."
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
            Self::ValideurSimule => {
                "Le titulaire dispose de quinze jours pour accepter ou refuser la demande de paiement, son \
                 silence valant accord (articles R2193-13 et R2193-16) ; rien ne dit quand il répond dans ce délai."
            }
            Self::MotifsRefus => {
                "Le service recuperer/motifs/refus/Facture/AValider renvoie une liste de motifs (idMotif, \
                 codeMotif, libelleMotif) dont le contenu n'est pas publié."
            }
            Self::DelaiDeValidation => {
                "Article R2193-16 : « Le titulaire dispose de quinze jours à compter de ce dépôt pour accepter ou \
                 refuser la demande de paiement ». Le délai de paiement court de l'expiration de ce délai \
                 (R2192-23). La règle est écrite pour la sous-traitance ; rien n'est publié pour la cotraitance."
            }
            Self::SecondValideur => {
                "L'API connaît un second niveau de validation (A_VALIDER_2, VALIDEE_2, REFUSEE_2, \
                 ERREUR_COTRAITANT_SUR_VALIDEUR) et la communauté Chorus Pro décrit la sous-traitance de \
                 cotraitance ; la façon de désigner le second valideur n'est pas publiée."
            }
            Self::RecyclageApresValidation => {
                "Le parcours d'une facture validée puis recyclée n'est décrit par aucune source."
            }
            Self::LibellesStatuts => {
                "Les libellés viennent des codes du cycle de vie C01 à C40 relayés par un opérateur ; une \
                 partie des codes de l'API n'y figure pas."
            }
            Self::GestionnaireSimule => {
                "Le gestionnaire principal valide ou refuse les demandes de rattachement (« Approbations ») ; \
                 aucun délai n'est fixé."
            }
            Self::MaitrisesSimulees => {
                "Les sources fixent les délais maximaux (7 jours pour la MOE, CCAG-Travaux 2021 pour le décompte général), pas le comportement d'une MOE ou d'une MOA réelle."
            }
            Self::CircuitTravaux => {
                "Les codes et libellés des statuts de travaux sont publiés (documentation des statuts, fiches de la communauté Chorus Pro) ; l'ordre exact des transitions ne l'est pas."
            }
            Self::DelaisDecompteGeneral => {
                "CCAG-Travaux 2021, articles 12.4.2 à 12.4.4 (délais du décompte général, de la signature, et procédure tacite) ; un marché peut y déroger, ce que le simulateur ne fait pas."
            }
            Self::PiecesDuDossier => {
                "La communauté Chorus Pro recommande de reprendre le numéro du premier déposant suivi de EA ou EAV ; elle ne donne pas de suffixe pour les autres pièces."
            }
            Self::TraitementDesFlux => {
                "Les états d'un flux et leurs libellés sont ceux des connecteurs (IN_RECU, IN_EN_COURS_TRAITEMENT_CPP, IN_INTEGRE, IN_INTEGRE_PARTIEL, IN_REJETE, QP_IRRECEVABLE) ; les sources ne donnent ni la durée du traitement, ni la forme du numéro de flux, ni le mode de dépôt d'une facture venue d'un flux (les valeurs UPLOAD_PORTAIL et UPLOAD_API figurent parmi celles que l'API connaît)."
            }
            Self::LectureDesFlux => {
                "Où se trouvent le cadre (BT-23), le code service (BT-10), l'engagement (BT-13), le marché (BT-12) et le SIRET de l'acheteur (BT-46 ou BT-47) vient des connecteurs qui déposent sur Chorus Pro et des spécifications Factur-X ; les trois formes du SIRET (0009, 0002, 1) y sont toutes observées. La correspondance des cadres de la réforme avec les cadres A n'est publiée nulle part."
            }
            Self::RepriseDesDelaisTravaux => {
                "Les sources ne disent pas comment les délais se comptent après un complément ou un recyclage de pièce de travaux. Le départ du délai du solde vient de l'article 2 du décret n° 2013-269, repris par le code de la commande publique."
            }
            Self::ReglesMotDePasse => {
                "Le portail demande un mot de passe « respectant les règles de complexité » à la création du compte ; l'AIFE n'en publie pas le détail."
            }
            Self::CodeEtBlocage => {
                "La double authentification est obligatoire sur le portail depuis la mi-septembre 2024 (code par courriel, application ou clé de sécurité) ; la longueur du code, sa durée de validité et le seuil de blocage ne sont pas publiés."
            }
            Self::IdentifiantsHorsSiret => {
                "Les types d'identifiant (SIRET, UE hors France, hors UE, RIDET, TAHITI, particulier, en cours d'immatriculation) sont ceux du portail et de l'API ; seul le format du SIRET est publié (14 chiffres vérifiés auprès de l'INSEE)."
            }
            Self::SuspensionEtEcheance => {
                "R2192-27 : le délai peut être interrompu une seule fois (et, chez un acheteur doté d'un comptable public, avant l'ordonnancement) ; R2192-29 : à la réception des pièces, un nouveau délai de 30 jours, ou le solde restant s'il est plus long. Le cas de la suspension le jour même de l'échéance n'est pas traité."
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
