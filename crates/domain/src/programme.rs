//! Le programme de la formation « Chorus Pro » des chambres consulaires : ses objectifs,
//! repris sur l'attestation de fin de formation. Ce sont les blocs communs aux programmes
//! publiés des CMA et des organismes de formation privés.

pub const OBJECTIFS: [&str; 5] = [
    "Situer l'obligation de facturation électronique envers les acheteurs publics et le vocabulaire du portail (structure, service, rattachement, cadre de facturation).",
    "Créer son compte, paramétrer sa structure et ses utilisateurs.",
    "Saisir ou déposer une facture avec les bonnes informations d'acheminement (SIRET, code service, numéro d'engagement).",
    "Suivre le traitement de ses factures et réagir à un rejet, une suspension ou une demande de recyclage.",
    "Suivre le paiement et connaître ses droits en cas de retard (délai global de paiement, intérêts moratoires).",
];
