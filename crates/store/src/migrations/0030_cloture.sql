-- La clôture d'une classe : ses documents (feuilles d'émargement, attestations, résultats)
-- gardés pour la durée de conservation de l'organisme ; les bacs à sable, comptes, messages et
-- signatures des stagiaires supprimés après un délai.
CREATE TABLE IF NOT EXISTS cloture_classe (
    classe_id               TEXT PRIMARY KEY REFERENCES classe (id) ON DELETE CASCADE,
    -- Dates réelles (pas celles des bacs à sable).
    close_le                TEXT NOT NULL,
    suppression_le          TEXT NOT NULL,
    conserver_jusqu_au      TEXT NOT NULL,
    donnees_supprimees_le   TEXT
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS document_classe (
    id          TEXT PRIMARY KEY,
    classe_id   TEXT NOT NULL REFERENCES classe (id) ON DELETE CASCADE,
    -- EMARGEMENT, ATTESTATIONS, RESULTATS, ATTESTATION (celle d'un stagiaire).
    nature      TEXT NOT NULL,
    -- Le stagiaire d'une attestation individuelle, tant qu'il existe.
    participant_id TEXT REFERENCES participant (id) ON DELETE SET NULL,
    nom         TEXT NOT NULL,
    type_mime   TEXT NOT NULL,
    contenu     BLOB NOT NULL,
    ordre       INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS document_classe_classe ON document_classe (classe_id, ordre);
