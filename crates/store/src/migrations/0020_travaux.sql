-- Les factures de travaux. Le projet de décompte du fournisseur (A4, A7, A10, A11, A13, A14)
-- est une ligne de `facture` qui porte le dossier : son statut est celui du dossier, de la
-- maîtrise d'œuvre au paiement. `travaux` le distingue des factures (« Factures émises » ne
-- le montre pas) ; `moe` est la maîtrise d'œuvre désignée au dépôt ; `montant_admis_ht`, le
-- montant qu'elle (ou le maître d'ouvrage) admet, qui sera payé.
ALTER TABLE facture ADD COLUMN travaux INTEGER NOT NULL DEFAULT 0;
ALTER TABLE facture ADD COLUMN moe TEXT;
ALTER TABLE facture ADD COLUMN montant_admis_ht TEXT;
CREATE INDEX facture_bac_travaux ON facture (bac_id, travaux, ordre);
CREATE INDEX facture_moe ON facture (bac_id, moe) WHERE moe IS NOT NULL;

-- Les pièces qui suivent dans le dossier (état d'acompte, projet de décompte général, décompte
-- général, DGD…), déposées par la MOE, la MOA ou le titulaire, avec leur montant. Leur PDF est
-- produit à la demande, de ces données.
CREATE TABLE piece_travaux (
    id                   TEXT PRIMARY KEY,
    bac_id               TEXT NOT NULL REFERENCES bac (id) ON DELETE CASCADE,
    facture_id           TEXT NOT NULL,
    cadre                TEXT NOT NULL,
    numero               TEXT NOT NULL,
    deposant             TEXT NOT NULL,
    identifiant_deposant TEXT NOT NULL,
    date_depot           TEXT NOT NULL,
    montant_ht           TEXT NOT NULL,
    montant_ttc          TEXT NOT NULL,
    commentaire          TEXT NOT NULL DEFAULT '',
    -- Le PDF déposé par le titulaire (pièce jointe de nature PIECE_SUIVANTE), s'il y en a un.
    fichier_id           TEXT,
    ordre                INTEGER NOT NULL
);
CREATE INDEX piece_travaux_facture ON piece_travaux (bac_id, facture_id, ordre);
