-- Coordonnées bancaires, espaces, compte technique.

-- Les coordonnées bancaires de la structure (fiche structure). L'identifiant entier est celui
-- que l'API appelle idCoordonneeBancaire / codeCoordonneesBancairesFournisseur. Une coordonnée
-- désactivée reste (les factures qui la citent gardent leur référence) mais ne se choisit plus.
CREATE TABLE coordonnee_bancaire (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    bac_id          TEXT NOT NULL REFERENCES bac (id) ON DELETE CASCADE,
    structure_id    TEXT NOT NULL REFERENCES structure (id) ON DELETE CASCADE,
    nom             TEXT NOT NULL,
    titulaire       TEXT NOT NULL,
    -- Format électronique, sans espaces.
    iban            TEXT NOT NULL,
    bic             TEXT NOT NULL,
    affactureur     INTEGER NOT NULL DEFAULT 0,
    active          INTEGER NOT NULL DEFAULT 1,
    -- Date simulée de l'ajout.
    ajoutee_le      TEXT NOT NULL
);
CREATE INDEX coordonnee_bancaire_structure ON coordonnee_bancaire (bac_id, structure_id);
-- Un même compte n'est enregistré qu'une fois (parmi les coordonnées actives) par structure.
CREATE UNIQUE INDEX coordonnee_bancaire_iban_actif ON coordonnee_bancaire (bac_id, structure_id, iban)
    WHERE active = 1;

-- Les espaces ouverts à la structure par son gestionnaire principal.
CREATE TABLE espace_structure (
    bac_id          TEXT NOT NULL REFERENCES bac (id) ON DELETE CASCADE,
    structure_id    TEXT NOT NULL REFERENCES structure (id) ON DELETE CASCADE,
    espace          TEXT NOT NULL,
    PRIMARY KEY (structure_id, espace)
);
CREATE INDEX espace_structure_bac ON espace_structure (bac_id, structure_id);

-- Les abonnements des utilisateurs aux espaces de la structure ; retirer un espace à la
-- structure retire les abonnements.
CREATE TABLE abonnement (
    bac_id          TEXT NOT NULL REFERENCES bac (id) ON DELETE CASCADE,
    utilisateur_id  TEXT NOT NULL REFERENCES utilisateur (id) ON DELETE CASCADE,
    structure_id    TEXT NOT NULL,
    espace          TEXT NOT NULL,
    -- CONSULTATION ou MODIFICATION.
    mode            TEXT NOT NULL,
    PRIMARY KEY (utilisateur_id, structure_id, espace),
    FOREIGN KEY (structure_id, espace) REFERENCES espace_structure (structure_id, espace) ON DELETE CASCADE
);
CREATE INDEX abonnement_structure ON abonnement (bac_id, structure_id);

-- Les structures déjà créées reçoivent l'espace « Factures émises », et leurs gestionnaires
-- principaux y sont abonnés en modification (comme une structure créée désormais).
INSERT OR IGNORE INTO espace_structure (bac_id, structure_id, espace)
    SELECT bac_id, id, 'FACTURES_EMISES' FROM structure;
INSERT OR IGNORE INTO abonnement (bac_id, utilisateur_id, structure_id, espace, mode)
    SELECT bac_id, utilisateur_id, structure_id, 'FACTURES_EMISES', 'MODIFICATION' FROM rattachement
    WHERE role = 'GESTIONNAIRE_PRINCIPAL' AND statut = 'VALIDE';

-- Le compte technique (utilisateur technique) de la structure, pour l'API. Son identifiant est
-- unique dans tout le simulateur : l'API le reçoit sans savoir de quel bac à sable il vient.
CREATE TABLE compte_technique (
    structure_id    TEXT PRIMARY KEY REFERENCES structure (id) ON DELETE CASCADE,
    bac_id          TEXT NOT NULL REFERENCES bac (id) ON DELETE CASCADE,
    identifiant     TEXT NOT NULL UNIQUE COLLATE NOCASE,
    -- Empreinte Argon2id.
    mot_de_passe    TEXT NOT NULL,
    -- Date simulée du dernier choix du mot de passe : il expire 424 jours plus tard.
    change_le       TEXT NOT NULL,
    cree_le         TEXT NOT NULL
);
CREATE INDEX compte_technique_bac ON compte_technique (bac_id);
