-- Les formateurs, leurs classes et les stagiaires qui les rejoignent avec un code court.
CREATE TABLE formateur (
    id                  TEXT PRIMARY KEY,
    email               TEXT NOT NULL UNIQUE COLLATE NOCASE,
    mot_de_passe        TEXT NOT NULL,
    -- Mot de passe à usage unique, affiché une fois : à changer à la première connexion.
    a_changer           INTEGER NOT NULL DEFAULT 1,
    echecs_connexion    INTEGER NOT NULL DEFAULT 0,
    dernier_echec       TEXT,
    cree_le             TEXT NOT NULL
);

CREATE TABLE classe (
    id                          TEXT PRIMARY KEY,
    formateur_id                TEXT NOT NULL REFERENCES formateur (id) ON DELETE CASCADE,
    titre                       TEXT NOT NULL,
    date_debut                  TEXT NOT NULL,
    date_fin                    TEXT NOT NULL,
    demi_journees               INTEGER NOT NULL,
    lieu                        TEXT NOT NULL,
    organisme                   TEXT NOT NULL,
    code                        TEXT NOT NULL UNIQUE,
    depart                      TEXT NOT NULL,
    double_authentification     INTEGER NOT NULL DEFAULT 1,
    cree_le                     TEXT NOT NULL
);
CREATE INDEX classe_formateur ON classe (formateur_id, date_debut);

-- Un stagiaire d'une classe. Deux stagiaires en binôme partagent le même bac à sable (la même
-- entreprise, comme deux collègues) : le bac n'est donc pas unique ici.
CREATE TABLE participant (
    id          TEXT PRIMARY KEY,
    classe_id   TEXT NOT NULL REFERENCES classe (id) ON DELETE CASCADE,
    bac_id      TEXT NOT NULL REFERENCES bac (id) ON DELETE CASCADE,
    nom         TEXT NOT NULL,
    -- Code que le stagiaire donne à son binôme pour partager son bac à sable.
    code_binome TEXT NOT NULL UNIQUE,
    rang        INTEGER NOT NULL,
    rejoint_le  TEXT NOT NULL
);
CREATE INDEX participant_classe ON participant (classe_id, rang);
CREATE INDEX participant_bac ON participant (bac_id);

-- Le stagiaire (de classe) qui a créé le compte : sa messagerie ne montre que les messages
-- adressés à ses comptes, même quand il partage le bac à sable d'un binôme.
ALTER TABLE utilisateur ADD COLUMN participant_id TEXT REFERENCES participant (id) ON DELETE SET NULL;
