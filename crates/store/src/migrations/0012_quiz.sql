-- Les quiz : une tentative (entraînement sur un point du programme, ou examen) et ses réponses.
-- La tentative garde une copie des questions tirées (JSON de chorus_domain::quiz::Question) :
-- recharger la page ne rebat pas les cartes, et un fichier de quiz modifié ne change pas une
-- correction déjà faite.
CREATE TABLE quiz_tentative (
    id              TEXT PRIMARY KEY,
    -- Le compte qui répond ; si le compte est effacé (bac remis au point de départ), la
    -- tentative reste au stagiaire de classe, pour son attestation.
    utilisateur_id  TEXT REFERENCES utilisateur (id) ON DELETE SET NULL,
    participant_id  TEXT REFERENCES participant (id) ON DELETE SET NULL,
    mode            TEXT NOT NULL CHECK (mode IN ('entrainement', 'examen')),
    -- Le point du programme travaillé (entraînement) ; NULL pour un examen.
    item            TEXT,
    graine          INTEGER NOT NULL,
    questions       TEXT NOT NULL,
    commencee_le    TEXT NOT NULL,
    terminee_le     TEXT
);
CREATE INDEX quiz_tentative_utilisateur ON quiz_tentative (utilisateur_id, commencee_le);
CREATE INDEX quiz_tentative_participant ON quiz_tentative (participant_id);

-- Une réponse, corrigée tout ou rien ; `choix` : JSON des rangs cochés (0 pour A). Un examen
-- rendu a une ligne par question tirée, les questions laissées sans réponse comptant fausses.
CREATE TABLE quiz_reponse (
    tentative_id    TEXT NOT NULL REFERENCES quiz_tentative (id) ON DELETE CASCADE,
    question_id     TEXT NOT NULL,
    item            TEXT NOT NULL,
    choix           TEXT NOT NULL,
    juste           INTEGER NOT NULL,
    repondue_le     TEXT NOT NULL,
    PRIMARY KEY (tentative_id, question_id)
);
