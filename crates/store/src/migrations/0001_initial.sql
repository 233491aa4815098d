-- Données de référence, communes à tous les bacs à sable.

CREATE TABLE annuaire_structure (
    identifiant                     TEXT PRIMARY KEY,
    type_identifiant                INTEGER NOT NULL,
    raison_sociale                  TEXT NOT NULL,
    -- Majuscules sans accents, pour la recherche.
    recherche                       TEXT NOT NULL,
    emetteur_edi                    INTEGER NOT NULL,
    recepteur_edi                   INTEGER NOT NULL,
    mise_en_paiement_non_remontee   INTEGER NOT NULL,
    engagement_obligatoire          INTEGER NOT NULL,
    code_service_obligatoire        INTEGER NOT NULL,
    service_ou_engagement           INTEGER NOT NULL,
    service_et_engagement           INTEGER NOT NULL,
    est_moa                         INTEGER NOT NULL,
    est_moa_uniquement              INTEGER NOT NULL,
    active                          INTEGER NOT NULL,
    adresse                         TEXT NOT NULL,
    complement1                     TEXT NOT NULL,
    complement2                     TEXT NOT NULL,
    code_postal                     TEXT NOT NULL,
    ville                           TEXT NOT NULL,
    telephone                       TEXT NOT NULL,
    courriel                        TEXT NOT NULL,
    code_pays                       TEXT NOT NULL,
    libelle_pays                    TEXT NOT NULL,
    categorie_juridique             TEXT,
    delai_paiement_jours            INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX annuaire_code_postal ON annuaire_structure (code_postal);

CREATE TABLE annuaire_service (
    identifiant_structure   TEXT NOT NULL,
    code_service            TEXT NOT NULL,
    libelle                 TEXT NOT NULL,
    engagement_obligatoire  INTEGER NOT NULL,
    actif                   INTEGER NOT NULL,
    PRIMARY KEY (identifiant_structure, code_service)
) WITHOUT ROWID;

CREATE TABLE entreprise (
    siret               TEXT PRIMARY KEY,
    raison_sociale      TEXT NOT NULL,
    categorie_juridique TEXT NOT NULL,
    forme_juridique     TEXT NOT NULL,
    adresse             TEXT NOT NULL,
    code_postal         TEXT NOT NULL,
    ville               TEXT NOT NULL,
    active              INTEGER NOT NULL,
    role                TEXT NOT NULL
);

CREATE TABLE taux_interets_moratoires (
    debut_semestre  TEXT PRIMARY KEY,
    taux_bce        TEXT NOT NULL,
    taux            TEXT NOT NULL,
    statut          TEXT NOT NULL
) WITHOUT ROWID;

-- Les bacs à sable et tout ce qu'ils contiennent : chaque ligne porte son bac_id.

CREATE TABLE bac (
    id              TEXT PRIMARY KEY,
    libelle         TEXT NOT NULL,
    cree_le         TEXT NOT NULL,
    -- Date simulée = date réelle + decalage_jours.
    decalage_jours  INTEGER NOT NULL DEFAULT 0,
    -- Point de départ (JSON) : ce que la réinitialisation restaure.
    point_depart    TEXT NOT NULL
);

CREATE TABLE structure (
    id                  TEXT PRIMARY KEY,
    bac_id              TEXT NOT NULL REFERENCES bac (id) ON DELETE CASCADE,
    type_identifiant    INTEGER NOT NULL,
    identifiant         TEXT NOT NULL,
    raison_sociale      TEXT NOT NULL,
    adresse             TEXT NOT NULL,
    code_postal         TEXT NOT NULL,
    ville               TEXT NOT NULL,
    UNIQUE (bac_id, identifiant)
);

CREATE TABLE utilisateur (
    id              TEXT PRIMARY KEY,
    bac_id          TEXT NOT NULL REFERENCES bac (id) ON DELETE CASCADE,
    email           TEXT NOT NULL UNIQUE COLLATE NOCASE,
    nom             TEXT NOT NULL,
    prenom          TEXT NOT NULL,
    mot_de_passe    TEXT NOT NULL,
    structure_id    TEXT REFERENCES structure (id) ON DELETE SET NULL
);
CREATE INDEX utilisateur_bac ON utilisateur (bac_id);

CREATE TABLE facture (
    id                          TEXT PRIMARY KEY,
    bac_id                      TEXT NOT NULL REFERENCES bac (id) ON DELETE CASCADE,
    structure_id                TEXT NOT NULL REFERENCES structure (id) ON DELETE CASCADE,
    numero                      TEXT NOT NULL,
    statut                      TEXT NOT NULL,
    -- La facture telle que saisie (JSON de chorus_domain::facture::Facture).
    saisie                      TEXT NOT NULL,
    destinataire                TEXT NOT NULL,
    raison_sociale_destinataire TEXT NOT NULL,
    date_facture                TEXT NOT NULL,
    date_depot                  TEXT,
    date_mise_a_disposition     TEXT,
    date_statut                 TEXT NOT NULL,
    total_ht                    TEXT NOT NULL,
    total_ttc                   TEXT NOT NULL,
    montant_a_payer             TEXT NOT NULL,
    deja_suspendue              INTEGER NOT NULL DEFAULT 0,
    ordre                       INTEGER NOT NULL,
    UNIQUE (bac_id, structure_id, numero)
);
CREATE INDEX facture_bac_ordre ON facture (bac_id, ordre);
CREATE INDEX facture_bac_statut ON facture (bac_id, statut);

-- Le journal : la seule source de l'historique des statuts, de la vérification des exercices
-- et du débriefing. On n'y fait qu'ajouter.
CREATE TABLE journal (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    bac_id          TEXT NOT NULL REFERENCES bac (id) ON DELETE CASCADE,
    facture_id      TEXT,
    evenement       TEXT NOT NULL,
    statut          TEXT,
    date_simulee    TEXT NOT NULL,
    horodatage      TEXT NOT NULL,
    acteur          TEXT NOT NULL,
    commentaire     TEXT NOT NULL DEFAULT '',
    donnees         TEXT
);
CREATE INDEX journal_bac_facture ON journal (bac_id, facture_id, id);

CREATE TABLE session (
    id          TEXT PRIMARY KEY,
    donnees     TEXT NOT NULL,
    expire_le   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX session_expiration ON session (expire_le);
