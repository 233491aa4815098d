-- Les fichiers d'une facture : le PDF de la facture déposée (nature FACTURE) et les pièces
-- jointes (nature COMPLEMENTAIRE). Un PDF déposé dont la facture n'est pas encore enregistrée
-- n'a pas de facture_id : c'est un dépôt en cours, effacé avec le bac à sable.
CREATE TABLE piece_jointe (
    id              TEXT PRIMARY KEY,
    bac_id          TEXT NOT NULL REFERENCES bac (id) ON DELETE CASCADE,
    structure_id    TEXT NOT NULL REFERENCES structure (id) ON DELETE CASCADE,
    facture_id      TEXT REFERENCES facture (id) ON DELETE CASCADE,
    nature          TEXT NOT NULL,
    nom             TEXT NOT NULL,
    type_mime       TEXT NOT NULL,
    taille          INTEGER NOT NULL,
    contenu         BLOB NOT NULL,
    -- Date simulée de l'ajout.
    ajoutee_le      TEXT NOT NULL,
    ordre           INTEGER NOT NULL
);
CREATE INDEX piece_jointe_facture ON piece_jointe (bac_id, facture_id, ordre);

-- Comment la facture est arrivée : SAISIE_PORTAIL ou DEPOT_PDF_PORTAIL (codes de l'API).
ALTER TABLE facture ADD COLUMN mode_depot TEXT NOT NULL DEFAULT 'SAISIE_PORTAIL';
