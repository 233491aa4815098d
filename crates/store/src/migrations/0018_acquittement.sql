-- L'acquittement des retours (rejet, suspension) : la fenêtre qui les annonce à la connexion
-- ne les montre plus à l'utilisateur qui les a acquittés. Un acquittement par utilisateur et
-- par changement de statut (l'entrée du journal).
CREATE TABLE acquittement (
    bac_id          TEXT NOT NULL REFERENCES bac (id) ON DELETE CASCADE,
    utilisateur_id  TEXT NOT NULL REFERENCES utilisateur (id) ON DELETE CASCADE,
    journal_id      INTEGER NOT NULL REFERENCES journal (id) ON DELETE CASCADE,
    acquitte_le     TEXT NOT NULL,
    PRIMARY KEY (utilisateur_id, journal_id)
) WITHOUT ROWID;
