-- Chaque facture envoyée écrivait une entrée dans chaque index de la table, soit une page de
-- plus par bac à sable et par index à chaque lot d'écritures : c'est l'essentiel du coût d'un
-- envoi sous charge. Les index par statut disparaissent : les lectures par statut restent dans
-- un bac (quelques centaines de lignes) et passent par les index du bac (facture_bac_ordre,
-- journal_bac_facture). L'index des factures de travaux ne porte plus que sur elles : une
-- facture classique n'y entre pas.
DROP INDEX facture_bac_statut;
DROP INDEX journal_bac_statut;
DROP INDEX facture_bac_travaux;
CREATE INDEX facture_bac_travaux ON facture (bac_id, ordre) WHERE travaux;
