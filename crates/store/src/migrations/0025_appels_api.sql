-- Le journal des appels de l'API Chorus Pro (PISTE) d'un bac : ce que le connecteur a envoyé et
-- ce qu'il a reçu, pour comprendre pourquoi un appel échoue. Les 200 derniers appels de chaque
-- bac sont gardés ; les contenus de fichiers y sont remplacés par leur taille.
CREATE TABLE appel_api (
    id              INTEGER PRIMARY KEY,
    bac_id          TEXT NOT NULL REFERENCES bac (id) ON DELETE CASCADE,
    horodatage      TEXT NOT NULL,
    methode         TEXT NOT NULL,
    service         TEXT NOT NULL,
    statut_http     INTEGER NOT NULL,
    code_retour     INTEGER,
    duree_us        INTEGER NOT NULL,
    requete         TEXT NOT NULL,
    reponse         TEXT NOT NULL
);

CREATE INDEX appel_api_bac ON appel_api (bac_id, id);
