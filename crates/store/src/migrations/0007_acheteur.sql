-- L'acheteur public joué à la main et les suites données par le fournisseur.

-- Le destinataire peut-il encore mettre une facture « À recycler » ? Les sources se
-- contredisent (docs/architecture.md, « Choix faits ») : oui par défaut, réglable par bac.
ALTER TABLE bac ADD COLUMN a_recycler_autorise INTEGER NOT NULL DEFAULT 1;

-- « Traiter le rejet » : date simulée à laquelle le fournisseur a pris connaissance du rejet.
ALTER TABLE facture ADD COLUMN rejet_traite_le TEXT;
