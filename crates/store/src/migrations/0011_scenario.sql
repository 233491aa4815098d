-- Le scénario en cours dans un bac à sable (JSON de chorus_domain::scenario::Scenario) : une
-- copie, pour qu'un fichier modifié pendant l'exercice ne change pas les règles en cours de route.
ALTER TABLE bac ADD COLUMN scenario TEXT;

-- Les règles de l'acheteur scripté déjà jouées se lisent au journal (donnees.regle).
CREATE INDEX journal_bac_statut ON journal (bac_id, statut);

-- L'exercice lancé par le formateur pour toute la classe (JSON du scénario) : les stagiaires
-- qui rejoignent la classe ensuite le commencent aussi.
ALTER TABLE classe ADD COLUMN scenario TEXT;

-- Les réponses du stagiaire aux questions d'un exercice, et le nombre d'essais.
CREATE TABLE scenario_reponse (
    bac_id      TEXT NOT NULL REFERENCES bac (id) ON DELETE CASCADE,
    objectif    TEXT NOT NULL,
    valeur      TEXT NOT NULL,
    tentatives  INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (bac_id, objectif)
);

-- Les messages d'un scénario (hameçonnage…) : leur référence, et ce que le stagiaire en a fait.
ALTER TABLE message ADD COLUMN scenario_ref TEXT;
ALTER TABLE message ADD COLUMN piege INTEGER NOT NULL DEFAULT 0;
ALTER TABLE message ADD COLUMN signale_le TEXT;
ALTER TABLE message ADD COLUMN lien_suivi_le TEXT;

-- Le mode de l'exercice en cours, et la fin d'une évaluation (le résultat est alors figé).
ALTER TABLE bac ADD COLUMN scenario_mode TEXT;
ALTER TABLE bac ADD COLUMN scenario_termine_le TEXT;

-- Les indices ouverts pendant l'exercice en cours.
CREATE TABLE scenario_indice (
    bac_id      TEXT NOT NULL REFERENCES bac (id) ON DELETE CASCADE,
    objectif    TEXT NOT NULL,
    vus         INTEGER NOT NULL,
    PRIMARY KEY (bac_id, objectif)
);

-- La progression d'un stagiaire, gardée d'un exercice à l'autre (et quand son bac à sable
-- repart de zéro) : le meilleur résultat par scénario et par mode, et chaque objectif atteint.
CREATE TABLE progression (
    utilisateur_id  TEXT NOT NULL REFERENCES utilisateur (id) ON DELETE CASCADE,
    scenario        TEXT NOT NULL,
    -- Le titre au moment de l'exercice : l'attestation le cite même si le fichier change.
    titre           TEXT NOT NULL,
    mode            TEXT NOT NULL,
    points          INTEGER NOT NULL,
    points_max      INTEGER NOT NULL,
    reussi          INTEGER NOT NULL,
    indices         INTEGER NOT NULL,
    essais          INTEGER NOT NULL,
    mis_a_jour      TEXT NOT NULL,
    PRIMARY KEY (utilisateur_id, scenario, mode)
);

CREATE TABLE progression_objectif (
    utilisateur_id  TEXT NOT NULL REFERENCES utilisateur (id) ON DELETE CASCADE,
    scenario        TEXT NOT NULL,
    objectif        TEXT NOT NULL,
    atteint_le      TEXT NOT NULL,
    PRIMARY KEY (utilisateur_id, scenario, objectif)
);
ALTER TABLE classe ADD COLUMN scenario_mode TEXT;
