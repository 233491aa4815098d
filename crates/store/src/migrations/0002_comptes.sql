-- Comptes du portail simulé : l'adresse de connexion est unique dans un bac à sable (chaque
-- bac est un monde à part), le mot de passe n'existe qu'après activation, les échecs de
-- connexion sont comptés pour le blocage.
CREATE TABLE utilisateur_v2 (
    id                          TEXT PRIMARY KEY,
    bac_id                      TEXT NOT NULL REFERENCES bac (id) ON DELETE CASCADE,
    email                       TEXT NOT NULL COLLATE NOCASE,
    email_contact               TEXT NOT NULL DEFAULT '',
    nom                         TEXT NOT NULL,
    prenom                      TEXT NOT NULL,
    telephone                   TEXT NOT NULL DEFAULT '',
    mot_de_passe                TEXT,
    echecs_connexion            INTEGER NOT NULL DEFAULT 0,
    dernier_echec               TEXT,
    -- La structure sur laquelle l'utilisateur travaille (sélecteur de structure).
    structure_id                TEXT REFERENCES structure (id) ON DELETE SET NULL,
    notification_quotidienne    INTEGER NOT NULL DEFAULT 1,
    recapitulatif_hebdomadaire  INTEGER NOT NULL DEFAULT 1,
    UNIQUE (bac_id, email)
);
INSERT INTO utilisateur_v2 (id, bac_id, email, nom, prenom, mot_de_passe, structure_id)
    SELECT id, bac_id, email, nom, prenom, mot_de_passe, structure_id FROM utilisateur;
DROP TABLE utilisateur;
ALTER TABLE utilisateur_v2 RENAME TO utilisateur;
CREATE INDEX utilisateur_email ON utilisateur (email);

-- Double authentification (code reçu dans la messagerie), réglable par bac à sable.
ALTER TABLE bac ADD COLUMN double_authentification INTEGER NOT NULL DEFAULT 1;

-- Une structure dont le SIRET n'a pas pu être vérifié (entreprise réelle d'un apprenant :
-- le simulateur n'interroge pas l'INSEE) est marquée « non vérifiée ».
ALTER TABLE structure ADD COLUMN verifiee INTEGER NOT NULL DEFAULT 1;
ALTER TABLE structure ADD COLUMN type_identifiant_code TEXT NOT NULL DEFAULT 'SIRET';

-- Qui est rattaché à quelle structure, avec quel rôle.
CREATE TABLE rattachement (
    utilisateur_id  TEXT NOT NULL REFERENCES utilisateur (id) ON DELETE CASCADE,
    structure_id    TEXT NOT NULL REFERENCES structure (id) ON DELETE CASCADE,
    bac_id          TEXT NOT NULL REFERENCES bac (id) ON DELETE CASCADE,
    role            TEXT NOT NULL,
    statut          TEXT NOT NULL,
    PRIMARY KEY (utilisateur_id, structure_id)
);
INSERT INTO rattachement (utilisateur_id, structure_id, bac_id, role, statut)
    SELECT id, structure_id, bac_id, 'GESTIONNAIRE_PRINCIPAL', 'VALIDE' FROM utilisateur
    WHERE structure_id IS NOT NULL;

-- La messagerie du bac à sable : le substitut du courrier électronique.
CREATE TABLE message (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    bac_id          TEXT NOT NULL REFERENCES bac (id) ON DELETE CASCADE,
    destinataire    TEXT NOT NULL,
    expediteur      TEXT NOT NULL,
    objet           TEXT NOT NULL,
    corps           TEXT NOT NULL,
    -- Lien interne au simulateur (activation, réinitialisation…), facultatif.
    lien            TEXT,
    envoye_le       TEXT NOT NULL,
    lu              INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX message_bac ON message (bac_id, id);

-- Liens d'activation, de réinitialisation du mot de passe et codes de connexion. Seule
-- l'empreinte du secret est gardée.
CREATE TABLE jeton (
    empreinte       TEXT PRIMARY KEY,
    bac_id          TEXT NOT NULL REFERENCES bac (id) ON DELETE CASCADE,
    utilisateur_id  TEXT NOT NULL REFERENCES utilisateur (id) ON DELETE CASCADE,
    nature          TEXT NOT NULL,
    emis_le         TEXT NOT NULL,
    utilise         INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX jeton_utilisateur ON jeton (utilisateur_id, nature);

-- Les comptes de démonstration entrent sans code : « ouvrez l'adresse et vous y êtes ».
UPDATE bac SET double_authentification = 0 WHERE libelle LIKE 'Démonstration %';
