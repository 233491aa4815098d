-- Le taux du second semestre 2026, à vérifier (le taux de la BCE au 1er juillet 2026 n'est pas
-- confirmé par la source de la table livrée) : ajouté aux bases existantes, sans toucher à un
-- taux qu'un formateur aurait déjà saisi pour ce semestre.
INSERT OR IGNORE INTO taux_interets_moratoires (debut_semestre, taux_bce, taux, statut)
VALUES ('2026-07-01', '2.15', '10.15', 'a_verifier');
