-- Le jeton personnel d'un formateur pour l'API de simulation : seule son empreinte SHA-256
-- est gardée (le jeton n'est montré qu'une fois) ; en générer un autre révoque le précédent.
ALTER TABLE formateur ADD COLUMN jeton_api TEXT;
ALTER TABLE formateur ADD COLUMN jeton_api_emis_le TEXT;
CREATE UNIQUE INDEX formateur_jeton_api ON formateur (jeton_api) WHERE jeton_api IS NOT NULL;

-- La classe où l'API range les bacs à sable demandés sans code de classe : une par formateur
-- (une nouvelle quand elle est complète), créée au premier besoin.
ALTER TABLE classe ADD COLUMN pour_api INTEGER NOT NULL DEFAULT 0;
