-- Les flux déposés (« Suivi des flux ») : un fichier (Factur-X, UBL, CII) ou une archive de
-- factures, son numéro (`numeroFluxDepot`), son état et son compte rendu. Le fichier est lu
-- au dépôt, hors de la transaction ; chaque facture lue y attend l'intégration, qui la fait
-- passer par les contrôles de la saisie quand le flux arrive au bout de son traitement.
CREATE TABLE flux (
    bac_id          TEXT NOT NULL REFERENCES bac (id) ON DELETE CASCADE,
    numero          TEXT NOT NULL,
    structure_id    TEXT NOT NULL REFERENCES structure (id) ON DELETE CASCADE,
    nom_fichier     TEXT NOT NULL,
    syntaxe         TEXT NOT NULL,
    -- PORTAIL ou API : le canal du dépôt, qui donne le `modeDepot` des factures intégrées.
    canal           TEXT NOT NULL,
    -- Date simulée du dépôt ; instant réel du dépôt, qui règle les états en temps réel.
    date_depot      TEXT NOT NULL,
    depose_le       TEXT NOT NULL,
    etat            TEXT NOT NULL,
    -- Un refus du fichier entier (illisible, pas une facture…) : le flux est irrecevable.
    refus           TEXT,
    termine         INTEGER NOT NULL DEFAULT 0,
    ordre           INTEGER NOT NULL,
    PRIMARY KEY (bac_id, numero)
) WITHOUT ROWID;
CREATE INDEX flux_structure ON flux (bac_id, structure_id, ordre);
CREATE INDEX flux_en_cours ON flux (termine) WHERE termine = 0;

CREATE TABLE flux_etat (
    bac_id          TEXT NOT NULL,
    numero          TEXT NOT NULL,
    etat            TEXT NOT NULL,
    horodatage      TEXT NOT NULL,
    date_simulee    TEXT NOT NULL,
    FOREIGN KEY (bac_id, numero) REFERENCES flux (bac_id, numero) ON DELETE CASCADE
);
CREATE INDEX flux_etat_flux ON flux_etat (bac_id, numero);

-- Une facture d'un flux (une seule pour un fichier, jusqu'à 500 pour une archive).
CREATE TABLE flux_facture (
    bac_id          TEXT NOT NULL,
    numero          TEXT NOT NULL,
    rang            INTEGER NOT NULL,
    nom_fichier     TEXT NOT NULL,
    syntaxe         TEXT,
    -- La facture lue (JSON de chorus_store::flux::Lue) ; NULL si le fichier a été refusé.
    lue             TEXT,
    refus           TEXT,
    -- Après l'intégration : la facture créée, ou les erreurs (JSON) qui l'ont empêchée.
    facture_id      TEXT,
    erreurs         TEXT,
    PRIMARY KEY (bac_id, numero, rang),
    FOREIGN KEY (bac_id, numero) REFERENCES flux (bac_id, numero) ON DELETE CASCADE
) WITHOUT ROWID;

ALTER TABLE facture ADD COLUMN numero_flux_depot TEXT;
