-- Un compteur que tout changement de la table des taux fait avancer (ici, depuis la ligne de
-- commande ou un autre processus) : les pages qui calculent des intérêts gardent les taux en
-- mémoire tant qu'il n'a pas bougé, au lieu de relire la table à chaque fois. Il part d'un
-- nombre tiré au hasard : une base recréée au même chemin ne reprend pas la même suite.
CREATE TABLE taux_version (version INTEGER NOT NULL);
INSERT INTO taux_version (version) VALUES (abs(random() % 1000000000000));
CREATE TRIGGER taux_ajoute AFTER INSERT ON taux_interets_moratoires
BEGIN UPDATE taux_version SET version = version + 1; END;
CREATE TRIGGER taux_modifie AFTER UPDATE ON taux_interets_moratoires
BEGIN UPDATE taux_version SET version = version + 1; END;
CREATE TRIGGER taux_retire AFTER DELETE ON taux_interets_moratoires
BEGIN UPDATE taux_version SET version = version + 1; END;
