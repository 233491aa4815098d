-- Retrouver la structure d'un SIRET dans un bac, ou dans les bacs d'une classe (le valideur
-- d'une facture de sous-traitant, à chaque avancée de l'horloge) : sans index, chaque recherche
-- parcourait toutes les structures du serveur.
CREATE INDEX IF NOT EXISTS structure_identifiant ON structure (identifiant, bac_id);
