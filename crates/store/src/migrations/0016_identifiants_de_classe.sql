-- Le mot de passe tiré par le simulateur pour le compte d'un stagiaire de classe (à son
-- arrivée, ou quand le formateur lui en donne un nouveau), gardé en clair pour que le
-- formateur imprime les cartes des identifiants de la classe. Choix du simulateur : c'est un
-- mot de passe d'entraînement, sur un serveur de formation local ; il est effacé dès que le
-- stagiaire choisit le sien (NULL : mot de passe choisi par le stagiaire).
ALTER TABLE utilisateur ADD COLUMN mot_de_passe_initial TEXT;
