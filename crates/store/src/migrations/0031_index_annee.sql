-- Une année de classes (1 200 comptes) : les comptes d'un stagiaire de classe se lisent par
-- son identifiant de participant (feuille d'émargement, page de la classe), sans parcourir
-- tous les comptes du serveur.
CREATE INDEX IF NOT EXISTS utilisateur_participant ON utilisateur (participant_id) WHERE participant_id IS NOT NULL;
