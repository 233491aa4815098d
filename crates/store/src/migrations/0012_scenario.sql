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
