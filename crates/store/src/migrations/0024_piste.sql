-- L'application PISTE de chaque bac à sable : l'identifiant client et l'empreinte SHA-256 du
-- secret (tiré au hasard, montré une fois). Elle survit à la réinitialisation du bac, comme
-- la configuration d'un connecteur survit à une journée d'exercices.
CREATE TABLE client_piste (
    bac_id      TEXT PRIMARY KEY REFERENCES bac (id) ON DELETE CASCADE,
    client_id   TEXT NOT NULL UNIQUE,
    secret      TEXT NOT NULL,
    cree_le     TEXT NOT NULL
);

-- Les jetons d'accès délivrés par `POST /api/oauth/token` : l'empreinte SHA-256 du jeton, son
-- bac à sable, et sa fin de validité (secondes Unix, temps réel : une heure).
CREATE TABLE jeton_piste (
    empreinte   TEXT PRIMARY KEY,
    bac_id      TEXT NOT NULL REFERENCES bac (id) ON DELETE CASCADE,
    expire_le   INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX jeton_piste_expire ON jeton_piste (expire_le);
