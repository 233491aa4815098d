-- Le scénario en cours dans un bac à sable (JSON de chorus_domain::scenario::Scenario) : une
-- copie, pour qu'un fichier modifié pendant l'exercice ne change pas les règles en cours de route.
ALTER TABLE bac ADD COLUMN scenario TEXT;

-- Les règles de l'acheteur scripté déjà jouées se lisent au journal (donnees.regle).
CREATE INDEX journal_bac_statut ON journal (bac_id, statut);

-- L'exercice lancé par le formateur pour toute la classe (JSON du scénario) : les stagiaires
-- qui rejoignent la classe ensuite le commencent aussi.
ALTER TABLE classe ADD COLUMN scenario TEXT;
