-- Gestion de la structure du fournisseur : ses services, et les habilitations des
-- utilisateurs par service.
CREATE TABLE service_structure (
    bac_id          TEXT NOT NULL REFERENCES bac (id) ON DELETE CASCADE,
    structure_id    TEXT NOT NULL REFERENCES structure (id) ON DELETE CASCADE,
    code            TEXT NOT NULL,
    libelle         TEXT NOT NULL,
    actif           INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (structure_id, code)
);

CREATE TABLE habilitation (
    bac_id          TEXT NOT NULL REFERENCES bac (id) ON DELETE CASCADE,
    utilisateur_id  TEXT NOT NULL REFERENCES utilisateur (id) ON DELETE CASCADE,
    structure_id    TEXT NOT NULL REFERENCES structure (id) ON DELETE CASCADE,
    code_service    TEXT NOT NULL,
    PRIMARY KEY (utilisateur_id, structure_id, code_service)
);
