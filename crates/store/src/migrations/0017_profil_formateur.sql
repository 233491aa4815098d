-- Le nom et l'organisme du formateur, imprimés sur la feuille d'émargement et les attestations
-- (vides : les documents donnent son adresse électronique et l'organisme de la classe).
ALTER TABLE formateur ADD COLUMN nom TEXT NOT NULL DEFAULT '';
ALTER TABLE formateur ADD COLUMN organisme TEXT NOT NULL DEFAULT '';
