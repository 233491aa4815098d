"""Un vrai client Chorus Pro (le paquet PyPI `chorus-api`) branché sur le simulateur.

Usage : client_chorus_api.py <url du serveur> <fichier CII> <numero de facture>

Le client ne change que ses deux adresses de base (`auth_url`, `api_url`) ; il s'authentifie
avec les identifiants fixes du bac de démonstration formation1 (docs/api-chorus-pro.md), puis
fait ce qu'un connecteur fait : état du service, devises, recherche et fiche d'un destinataire,
ses services, dépôt d'un flux, compte rendu jusqu'à l'intégration, factures du flux ; enfin une
facture saisie (`soumettre`). `chorus-api` n'a pas de méthode pour ce service : l'appel passe par
son jeton et ses en-têtes (`auth`, `_make_headers`), avec le corps que le client publié
`facture_electronique` donne pour accepté par le vrai service (`exemples/exemple.py` : sans
`dateFacture`, avec `idServiceFournisseur`).

Sortie 0 : tout a répondu comme attendu ; 1 : une réponse inattendue (dite sur stderr) ;
2 : le paquet `chorus-api` n'est pas installé.
"""

import base64
import sys
import time

import requests

try:
    from chorusapi.client import ChorusAPI
except ImportError as e:  # pragma: no cover - dit au test Rust que l'outil manque
    print(f"paquet chorus-api absent : {e}", file=sys.stderr)
    sys.exit(2)

COMMUNE = "21852884200097"


def attendu(condition, message):
    if not condition:
        print(f"inattendu : {message}", file=sys.stderr)
        sys.exit(1)


def main():
    url, fichier, numero = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
    facturx, numero_facturx = sys.argv[4], sys.argv[5]
    api = ChorusAPI(
        "demo-formation1",
        "demo-secret-formation1",
        "TECH_92391234900068@cpro.exemple",
        "Raccordement-API-2026",
        sandbox=True,
    )
    api.auth_url = f"{url}/api/oauth/token"
    api.api_url = url
    api.auth()
    attendu(api.get_token(), "pas de jeton")
    print("jeton obtenu")

    sante = api.health_check()
    attendu(sante.status_code_value == 200, f"health-check : {vars(sante)}")
    print("health-check :", sante.status_code)

    devises = api.devises()
    attendu(devises.code_retour == 0, f"devises : {vars(devises)}")

    trouvees = api.rechercher_structure(COMMUNE)
    attendu(trouvees.code_retour == 0 and trouvees.liste_structures, f"rechercher_structure : {vars(trouvees)}")
    id_structure = trouvees.liste_structures[0].id_structure_cpp
    attendu(isinstance(id_structure, int), f"idStructureCPP : {id_structure!r}")
    print("destinataire trouvé :", id_structure)

    fiche = api.consulter_structure(id_structure)
    attendu(fiche.code_retour == 0, f"consulter_structure : {vars(fiche)}")
    attendu(fiche.information_generales.identifiant_structure == COMMUNE, "fiche d'une autre structure")
    services = api.rechercher_services(id_structure)
    attendu(services.code_retour == 0, f"rechercher_services : {vars(services)}")
    print("fiche et services lus")

    siret = api.information_siret("92391234900068")
    attendu(siret.code_retour == 0 and siret.estActif, f"information_siret : {vars(siret)}")
    annuaire = api.annuaire_destinataire()
    attendu(annuaire.code_retour == 0, f"annuaire_destinataire : {vars(annuaire)}")
    lignes = base64.b64decode(annuaire.fichier_resultat).decode().splitlines()
    attendu(lignes[0].startswith("TypeIdentifiant;Identifiant;") and any(COMMUNE in l for l in lignes), "annuaire")
    print("annuaire téléchargé :", len(lignes) - 1, "structures")

    with open(fichier, "rb") as f:
        contenu = base64.b64encode(f.read()).decode()
    suivre_le_flux(api, api.deposer_flux(contenu, "UNCEFACT-1.xml", syntaxe_flux="IN_DP_E1_CII_16B"), numero)

    # A Factur-X, with the client's default syntax (IN_DP_E2_CII_FACTURX).
    with open(facturx, "rb") as f:
        contenu = base64.b64encode(f.read()).decode()
    suivre_le_flux(api, api.deposer_flux(contenu, "facture.pdf"), numero_facturx)

    soumettre_une_facture_saisie(api)


def appeler(api, service, corps):
    """A call through the client's own token and headers, for a service it has no method for."""
    api.auth()
    reponse = requests.post(f"{api.api_url}/cpro/{service}", headers=api._make_headers(), json=corps, timeout=10)
    attendu(reponse.status_code == 200, f"{service} : {reponse.status_code} {reponse.text}")
    return reponse.json()


def soumettre_une_facture_saisie(api):
    fournisseur = appeler(api, "transverses/v1/recuperer/structures/actives/fournisseur", {})
    id_fournisseur = fournisseur["listeStructures"][0]["idStructureCPP"]
    corps = {
        "numeroFactureSaisi": "ERP-SAISIE-1",
        "modeDepot": "SAISIE_API",
        "destinataire": {"codeDestinataire": COMMUNE, "codeServiceExecutant": ""},
        "fournisseur": {"idFournisseur": id_fournisseur, "idServiceFournisseur": 10652252},
        "cadreDeFacturation": {"codeCadreFacturation": "A1_FACTURE_FOURNISSEUR"},
        "references": {
            "deviseFacture": "EUR",
            "modePaiement": "ESPECE",
            "typeFacture": "FACTURE",
            "typeTva": "TVA_SUR_DEBIT",
            "numeroMarche": "VABFM001",
        },
        "lignePoste": [
            {"lignePosteNumero": 1, "lignePosteReference": "R1", "lignePosteDenomination": "D1",
             "lignePosteQuantite": 10, "lignePosteUnite": "lot", "lignePosteMontantUnitaireHT": 50.00,
             "lignePosteMontantRemiseHT": 0, "lignePosteTauxTva": "", "lignePosteTauxTvaManuel": 20},
            {"lignePosteNumero": 2, "lignePosteReference": "R2", "lignePosteDenomination": "D2",
             "lignePosteQuantite": 12, "lignePosteUnite": "Kg", "lignePosteMontantUnitaireHT": 36.00,
             "lignePosteMontantRemiseHT": 0, "lignePosteTauxTva": "", "lignePosteTauxTvaManuel": 2.1},
        ],
        "ligneTva": [
            {"ligneTvaTauxManuel": 20, "ligneTvaMontantBaseHtParTaux": 500.00, "ligneTvaMontantTvaParTaux": 100.00},
            {"ligneTvaTauxManuel": 2.1, "ligneTvaMontantBaseHtParTaux": 432.00, "ligneTvaMontantTvaParTaux": 9.07},
        ],
        "montantTotal": {"montantHtTotal": 932.00, "montantTVA": 109.07, "montantTtcTotal": 1041.07,
                         "montantAPayer": 1041.07},
        "commentaire": "Création_VABF_SoumettreFacture",
    }
    soumise = appeler(api, "factures/v1/soumettre", corps)
    attendu(soumise["codeRetour"] == 0 and isinstance(soumise["identifiantFactureCPP"], int), f"soumettre : {soumise}")
    print("facture saisie soumise :", soumise["identifiantFactureCPP"], soumise["statutFacture"])
    lue = appeler(api, "factures/v1/consulter/fournisseur", {"identifiantFactureCPP": soumise["identifiantFactureCPP"]})
    facture = lue["facture"]
    attendu(facture["numeroFacture"] == "ERP-SAISIE-1" and facture["modeDepot"] == "SAISIE_API", f"consulter : {lue}")
    attendu(facture["montantTotal"]["montantTtcTotal"] == 1041.07, f"montants : {facture['montantTotal']}")
    attendu(facture["references"]["dateFacture"] == soumise["dateDepot"], f"date : {facture['references']}")
    print("facture saisie relue :", facture["statutFacture"])


def suivre_le_flux(api, depot, numero):
    """Follows a deposited flux until integrated, then finds its one invoice, numbered `numero`."""
    attendu(depot.code_retour == 0 and depot.numero_flux_depot, f"deposer_flux : {vars(depot)}")
    print("flux déposé :", depot.numero_flux_depot, depot.date_depot)
    debut = time.time()
    while True:
        cr = api.consulter_cr(depot.numero_flux_depot)
        attendu(cr.code_retour == 0, f"consulter_cr : {vars(cr)}")
        if cr.etat_courant_flux in ("IN_INTEGRE", "IN_INTEGRE_PARTIEL", "IN_REJETE", "IN_INCIDENTE"):
            break
        attendu(time.time() - debut < 20, f"flux toujours {cr.etat_courant_flux} après 20 s")
        time.sleep(0.3)
    detail = api.consulter_cr_detaille(depot.numero_flux_depot)
    attendu(detail.code_retour == 0, f"consulter_cr_detaille : {vars(detail)}")
    attendu(cr.etat_courant_flux == "IN_INTEGRE", f"flux {cr.etat_courant_flux} : {vars(detail)}")
    print("flux intégré")

    factures = api.rechercher_facture(depot.numero_flux_depot)
    attendu(factures.code_retour == 0, f"rechercher_facture : {vars(factures)}")
    numeros = [f.numero_facture for f in factures.liste_factures]
    attendu(numeros == [numero], f"factures du flux : {numeros}")
    print("facture du flux :", numeros[0])


if __name__ == "__main__":
    main()
