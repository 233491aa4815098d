-- La progression des exercices reste au stagiaire de classe quand son compte est effacé (une
-- classe « création du compte » remise au point de départ) : son attestation la cite encore.
-- Comme pour les quiz, le compte passe à NULL et le stagiaire de classe est gardé.
CREATE TABLE progression_nouvelle (
    utilisateur_id  TEXT REFERENCES utilisateur (id) ON DELETE SET NULL,
    participant_id  TEXT REFERENCES participant (id) ON DELETE SET NULL,
    scenario        TEXT NOT NULL,
    titre           TEXT NOT NULL,
    mode            TEXT NOT NULL,
    points          INTEGER NOT NULL,
    points_max      INTEGER NOT NULL,
    reussi          INTEGER NOT NULL,
    indices         INTEGER NOT NULL,
    essais          INTEGER NOT NULL,
    mis_a_jour      TEXT NOT NULL
);
INSERT INTO progression_nouvelle
    SELECT p.utilisateur_id, u.participant_id, p.scenario, p.titre, p.mode, p.points, p.points_max,
           p.reussi, p.indices, p.essais, p.mis_a_jour
    FROM progression p LEFT JOIN utilisateur u ON u.id = p.utilisateur_id;
DROP TABLE progression;
ALTER TABLE progression_nouvelle RENAME TO progression;
CREATE UNIQUE INDEX progression_utilisateur ON progression (utilisateur_id, scenario, mode);
CREATE INDEX progression_participant ON progression (participant_id);

CREATE TABLE progression_objectif_nouvelle (
    utilisateur_id  TEXT REFERENCES utilisateur (id) ON DELETE SET NULL,
    participant_id  TEXT REFERENCES participant (id) ON DELETE SET NULL,
    scenario        TEXT NOT NULL,
    objectif        TEXT NOT NULL,
    atteint_le      TEXT NOT NULL
);
INSERT INTO progression_objectif_nouvelle
    SELECT p.utilisateur_id, u.participant_id, p.scenario, p.objectif, p.atteint_le
    FROM progression_objectif p LEFT JOIN utilisateur u ON u.id = p.utilisateur_id;
DROP TABLE progression_objectif;
ALTER TABLE progression_objectif_nouvelle RENAME TO progression_objectif;
CREATE UNIQUE INDEX progression_objectif_utilisateur ON progression_objectif (utilisateur_id, scenario, objectif);
