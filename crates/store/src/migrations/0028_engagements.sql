-- Les engagements juridiques (bons de commande, marchés) des structures publiques de
-- l'annuaire, que `engagementsJuridiques/v1/rechercher` retrouve : des données de référence,
-- comme l'annuaire, communes à tous les bacs.
CREATE TABLE IF NOT EXISTS engagement_juridique (
    -- `idEngagementJuridique` de l'API.
    id              INTEGER PRIMARY KEY,
    numero          TEXT NOT NULL,
    -- Le SIRET de la structure publique qui a passé la commande.
    structure       TEXT NOT NULL,
    code_service    TEXT NOT NULL,
    type_engagement TEXT NOT NULL,
    etat            TEXT NOT NULL,
    date_creation   TEXT NOT NULL,
    -- Montants en texte décimal ; vides quand la commande ne les donne pas.
    montant_ht      TEXT NOT NULL,
    montant_ttc     TEXT NOT NULL,
    objet           TEXT NOT NULL,
    UNIQUE (structure, numero)
);
CREATE INDEX IF NOT EXISTS engagement_juridique_numero ON engagement_juridique (numero);
