-- La validation des factures de sous-traitant (A9) et de cotraitant (A12) : le premier valideur
-- que le fournisseur désigne (et peut corriger), son service, et le second valideur que désigne
-- le premier pour le sous-traitant d'un cotraitant. Projetés de la saisie pour lister les
-- « Factures à valider » d'une structure.
ALTER TABLE facture ADD COLUMN valideur_1 TEXT;
ALTER TABLE facture ADD COLUMN service_valideur_1 TEXT;
ALTER TABLE facture ADD COLUMN valideur_2 TEXT;
CREATE INDEX facture_valideur_1 ON facture (bac_id, valideur_1) WHERE valideur_1 IS NOT NULL;
CREATE INDEX facture_valideur_2 ON facture (bac_id, valideur_2) WHERE valideur_2 IS NOT NULL;
