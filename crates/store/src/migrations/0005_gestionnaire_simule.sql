-- Un gestionnaire principal peut être une personne simulée (il ne se connecte pas) qui répond
-- aux demandes de rattachement après un délai ; la date simulée de chaque demande est gardée.
ALTER TABLE utilisateur ADD COLUMN simule INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rattachement ADD COLUMN demande_le TEXT;
