//! Les flux structurés qu'un fournisseur dépose sur Chorus Pro : une facture UBL 2.1, CII D16B
//! ou Factur-X (un PDF/A-3 qui porte sa CII), lue sans risque et rapportée à ce que la saisie du
//! portail demande, pour passer les mêmes contrôles qu'une facture saisie.
//!
//! - [`syntaxe`] : les valeurs de `syntaxeFlux` et leur reconnaissance dans les octets reçus ;
//! - [`lecture`] : lire un fichier dans ses limites (taille, profondeur, pas de DTD donc ni
//!   entités ni entités externes), avec des refus en français ;
//! - [`archive`] : un lot en `.zip` ou `.tar.gz`, chaque fichier lu à son tour, dans ses bornes ;
//! - [`correspondance`] : du modèle EN 16931 à la saisie de Chorus Pro (cadre BT-23,
//!   destinataire BT-46/BT-47, code service BT-10, engagement BT-13, marché BT-12…), et le
//!   chemin XML de chaque donnée pour les comptes rendus.
//!
//! Le modèle EN 16931 et ses syntaxes viennent des crates `en16931` et `en16931-formats`,
//! tenus dans le seul module `modele` : on peut les remplacer sans toucher au reste.

pub mod archive;
pub mod correspondance;
pub mod erreur;
pub mod lecture;
mod modele;
pub mod production;
mod regles_fr;
pub mod syntaxe;

pub use archive::{FichierDeLArchive, FormatArchive, LimitesArchive, lire_archive};
pub use correspondance::{Champ, FactureLue, Identifiant, RegleEnfreinte, TotauxDeclares};
pub use erreur::Refus;
pub use lecture::{Limites, lire};
pub use production::{FactureAEcrire, PartieAEcrire, SyntaxeEcrite, ecrire, factur_x};
pub use syntaxe::SyntaxeFlux;
