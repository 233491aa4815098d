-- La recherche dans l'annuaire par nom ou ville, à la taille de l'annuaire réel (300 000
-- structures) : un index plein texte par trigrammes, qui trouve un mot partiel n'importe où
-- dans le nom (« combe » trouve VALCOMBE) sans parcourir la table. Les textes y sont en
-- majuscules sans accents (`reference::normaliser`), comme la requête. Il est rebâti à chaque
-- import de l'annuaire, dans la transaction de l'import.
CREATE VIRTUAL TABLE IF NOT EXISTS annuaire_recherche USING fts5 (
    identifiant UNINDEXED,
    nom,
    ville,
    tokenize = 'trigram remove_diacritics 1',
    -- Ni positions ni tailles : la requête cherche les trigrammes du texte tapé, et le texte
    -- entier est vérifié sur la ligne trouvée ; l'index en est plusieurs fois plus petit.
    detail = none,
    columnsize = 0
);
