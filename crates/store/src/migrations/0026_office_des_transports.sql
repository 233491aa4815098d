-- La ligne 38496988700072 de l'annuaire de formation était une régie locale (catégorie 4140)
-- à 60 jours, ce qui est faux : un établissement public local a 30 jours (R2192-11 2° les
-- exclut des 60 jours). Le fichier livré en fait un office national (4120, 60 jours) ; les bases
-- créées avant lui gardaient l'ancienne ligne. Seule la ligne de formation d'origine est
-- corrigée : un annuaire réel importé à sa place n'est pas touché.
UPDATE annuaire_structure
   SET raison_sociale = 'OFFICE NATIONAL DES TRANSPORTS DU CAUSSE (FICTIF)',
       recherche = 'OFFICE NATIONAL DES TRANSPORTS DU CAUSSE (FICTIF)',
       categorie_juridique = '4120',
       delai_paiement_jours = 60
 WHERE identifiant = '38496988700072'
   AND raison_sociale = 'REGIE DES TRANSPORTS DU CAUSSE (FICTIVE)'
   AND categorie_juridique = '4140';
