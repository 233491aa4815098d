-- La feuille d'émargement numérique : une ligne par stagiaire et par demi-journée où quelque
-- chose a été noté (pas de ligne : « non signé »). Les heures sont réelles (UTC), pas celles
-- du bac à sable : la présence se constate dans la salle.
CREATE TABLE emargement (
    participant_id  TEXT NOT NULL REFERENCES participant (id) ON DELETE CASCADE,
    -- Rang de la demi-journée dans la formation, à partir de 1.
    demi_journee    INTEGER NOT NULL,
    presence        TEXT NOT NULL CHECK (presence IN ('SIGNE', 'CONFIRME', 'ABSENT')),
    -- Signature du stagiaire à l'écran : quand, sous quel nom tapé, et le tracé s'il en a dessiné un.
    signe_le        TEXT,
    nom_signe       TEXT,
    trace           TEXT,
    -- Décision du formateur ; `papier` : présence reportée d'une feuille signée à la main.
    decide_le       TEXT,
    papier          INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (participant_id, demi_journee)
);

-- Le questionnaire de satisfaction : une réponse par stagiaire, modifiable jusqu'au dernier
-- jour de la formation.
CREATE TABLE questionnaire (
    participant_id  TEXT PRIMARY KEY REFERENCES participant (id) ON DELETE CASCADE,
    commentaire     TEXT NOT NULL,
    repondu_le      TEXT NOT NULL
);

CREATE TABLE questionnaire_note (
    participant_id  TEXT NOT NULL REFERENCES questionnaire (participant_id) ON DELETE CASCADE,
    question        TEXT NOT NULL,
    note            INTEGER NOT NULL CHECK (note BETWEEN 1 AND 5),
    PRIMARY KEY (participant_id, question)
);
