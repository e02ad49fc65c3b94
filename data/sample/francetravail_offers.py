#!/usr/bin/env python3
"""Writes data/sample/francetravail_offers.json: synthetic job offers in the published France Travail
"Offres d'emploi v2" search-response format ({"resultats": [...]}), for the demo and for trying
`passerelle import francetravail`. No real offer or employer is behind them: ids, employers, SIRETs and
salaries are invented; communes (with their centroids), ROME 4.0 codes, job titles and skill items are
real reference data from data/. Deterministic (seed 11): the same data/ gives the same file.

    python3 data/sample/francetravail_offers.py   # from the repository root
"""
import csv
import datetime
import json
import os
import random

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "data", "sample", "francetravail_offers.json")
COUNT = 120

# Shortage occupations (docs: domain brief, section 3): ROME code, intitulés, weekly hours and conditions.
OCCUPATIONS = [
    ("F1703", ["Maçon (H/F)", "Maçon qualifié (H/F)", "Maçon gros œuvre (H/F)"], "CAP, BEP et équivalents", "Maçonnerie"),
    ("F1701", ["Coffreur bancheur (H/F)", "Coffreur (H/F)"], "CAP, BEP et équivalents", "Génie civil"),
    ("F1606", ["Peintre en bâtiment (H/F)", "Peintre finitions (H/F)"], "CAP, BEP et équivalents", "Peinture bâtiment"),
    ("F1603", ["Plombier chauffagiste (H/F)", "Plombier (H/F)"], "CAP, BEP et équivalents", "Plomberie"),
    ("F1602", ["Électricien du bâtiment (H/F)", "Électricien N1/N2 (H/F)"], "CAP, BEP et équivalents", "Électricité"),
    ("G1602", ["Commis de cuisine (H/F)", "Cuisinier (H/F)"], "CAP, BEP et équivalents", "Cuisine"),
    ("G1605", ["Plongeur (H/F)", "Plongeur en restauration (H/F)"], None, None),
    ("G1803", ["Serveur (H/F)", "Serveur en restauration (H/F)"], None, None),
    ("G1603", ["Équipier polyvalent de restauration (H/F)"], None, None),
    ("D1102", ["Boulanger (H/F)", "Ouvrier boulanger (H/F)"], "CAP, BEP et équivalents", "Boulangerie"),
    ("D1507", ["Employé de libre-service (H/F)", "Employé commercial (H/F)"], None, None),
    ("K2204", ["Agent de propreté (H/F)", "Agent de nettoyage (H/F)"], None, None),
    ("K1304", ["Aide à domicile (H/F)", "Auxiliaire de vie à domicile (H/F)"], None, None),
    ("J1501", ["Aide-soignant (H/F)"], "Bac ou équivalent", "Diplôme d'État d'aide-soignant"),
    ("N1103", ["Préparateur de commandes (H/F)", "Préparateur de commandes CACES 1 (H/F)"], None, None),
    ("N1101", ["Cariste (H/F)", "Cariste CACES 3 (H/F)"], None, None),
    ("N4101", ["Chauffeur poids lourd (H/F)", "Conducteur super lourd (H/F)"], None, None),
    ("N4103", ["Conducteur de bus (H/F)", "Conducteur receveur (H/F)"], None, None),
    ("H2913", ["Soudeur (H/F)", "Soudeur TIG/MIG (H/F)"], "CAP, BEP et équivalents", "Soudage"),
    ("H2909", ["Assembleur monteur (H/F)"], None, None),
    ("H2102", ["Conducteur de ligne agroalimentaire (H/F)"], None, None),
    ("K2503", ["Agent de sécurité (H/F)", "Agent de sécurité SSIAP 1 (H/F)"], None, None),
    ("A1401", ["Cueilleur de fruits (H/F)", "Vendangeur (H/F)"], None, None),
    ("A1203", ["Jardinier espaces verts (H/F)", "Ouvrier paysagiste (H/F)"], "CAP, BEP et équivalents", "Aménagement paysager"),
]
NIGHT = {"K2204", "K2503", "H2102", "N1103"}
WEEKEND = {"G1602", "G1605", "G1803", "G1603", "D1102", "D1507", "K1304", "J1501", "K2503"}
SEASONAL = {"A1401", "G1803", "G1602", "G1605"}
LANGUAGES = ["Anglais", "Anglais", "Anglais", "Espagnol", "Arabe", "Dari", "Pachto", "Tigrigna", "Portugais"]
QUALIFICATIONS = [("1", "Manœuvre"), ("3", "Ouvrier spécialisé"), ("6", "Ouvrier qualifié (P3,P4,OHQ)"),
                  ("5", "Employé non qualifié"), ("7", "Employé qualifié")]


def read_tsv(*path):
    with open(os.path.join(ROOT, "data", *path), encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def main():
    rnd = random.Random(11)
    occupations = {r["code"]: r["label"] for r in read_tsv("rome", "occupations.tsv")}
    titles = {}
    for r in read_tsv("rome", "appellations.tsv"):
        titles.setdefault(r["code_rome"], []).append(r["label"])
    skill_labels = {r["code_ogr"]: r["label"] for r in read_tsv("rome", "skills.tsv")}
    core = {}
    for r in read_tsv("rome", "occupation_skills.tsv"):
        if r["core"] == "1":
            core.setdefault(r["code_rome"], []).append(r["code_ogr"])
    communes = [c for c in read_tsv("geo", "communes.tsv") if int(c["population"] or 0) >= 15000
                and len(c["departement"]) == 2]
    weights = [int(c["population"]) ** 0.5 for c in communes]
    start = datetime.date(2026, 9, 15)

    offers = []
    for i in range(COUNT):
        rome, intitules, level, domain = rnd.choice(OCCUPATIONS)
        created = start + datetime.timedelta(days=rnd.randint(0, 70))
        updated = min(created + datetime.timedelta(days=rnd.randint(0, 20)), datetime.date(2026, 11, 30))
        offer_id = "%d%s" % (rnd.randint(190, 209), "".join(rnd.choice("ABCDEFGHJKLMNPQRSTVWXYZ") for _ in range(4)))
        offer = {"id": offer_id, "intitule": rnd.choice(intitules),
                 "description": "Offre de démonstration (synthétique) : %s. Poste à pourvoir rapidement, "
                                "accueil et formation au poste assurés." % occupations[rome].lower(),
                 "dateCreation": created.isoformat() + "T%02d:%02d:00.000Z" % (rnd.randint(7, 17), rnd.randint(0, 59)),
                 "dateActualisation": updated.isoformat() + "T%02d:%02d:00.000Z" % (rnd.randint(7, 18), rnd.randint(0, 59))}
        commune = rnd.choices(communes, weights)[0]
        place = {"libelle": "%s - %s" % (commune["departement"], commune["name"].upper()),
                 "latitude": round(float(commune["lat"]) + rnd.uniform(-0.01, 0.01), 6),
                 "longitude": round(float(commune["lon"]) + rnd.uniform(-0.01, 0.01), 6),
                 "commune": commune["insee"]}
        if commune["insee"] == "75056":  # Paris is published by arrondissement
            n = rnd.randint(1, 20)
            place.update(libelle="75 - Paris %d%s Arrondissement" % (n, "er" if n == 1 else "e"),
                         codePostal="750%02d" % n, commune="751%02d" % n)
        elif commune["insee"] == "69123":
            n = rnd.randint(1, 9)
            place.update(libelle="69 - Lyon %d%s Arrondissement" % (n, "er" if n == 1 else "e"),
                         codePostal="6900%d" % n, commune="6938%d" % n)
        elif i % 15 == 7:
            del place["commune"]  # geocoded only: placed by the nearest commune centroid
        if i in (40, 97):  # published with a département only: the import rejects them (no commune)
            place = {"libelle": "49 - Maine et Loire"}
        offer["lieuTravail"] = place
        offer["romeCode"] = rome
        offer["romeLibelle"] = occupations[rome]
        offer["appellationlibelle"] = rnd.choice(titles[rome])
        offer["entreprise"] = {"nom": "ENTREPRISE DEMO %03d" % rnd.randint(1, 60),
                               "siret": "%014d" % rnd.randint(10 ** 13, 10 ** 14 - 1), "entrepriseAdaptee": False}

        roll = rnd.random()
        months = rnd.choice([3, 6, 12])
        if roll < 0.06:
            offer.update(typeContrat="CDD", typeContratLibelle="Contrat à durée déterminée - 24 Mois",
                         natureContrat=rnd.choice(["Contrat apprentissage", "Cont. professionnalisation"]),
                         alternance=True)
        elif roll < 0.5:
            offer.update(typeContrat="CDI", typeContratLibelle="Contrat à durée indéterminée",
                         natureContrat="Contrat travail", alternance=False)
        elif roll < 0.72:
            offer.update(typeContrat="CDD", typeContratLibelle="Contrat à durée déterminée - %d Mois" % months,
                         natureContrat="Contrat travail", alternance=False)
        elif rome in SEASONAL and roll < 0.8:
            offer.update(typeContrat="SAI", typeContratLibelle="Contrat travail saisonnier - 2 Mois",
                         natureContrat="Contrat travail", alternance=False)
        else:
            offer.update(typeContrat="MIS", typeContratLibelle="Mission intérimaire - %d Mois" % months,
                         natureContrat="Contrat travail", alternance=False)

        exp = rnd.random()
        if exp < 0.5 or offer["alternance"]:
            offer.update(experienceExige="D", experienceLibelle="Débutant accepté")
        elif exp < 0.75:
            offer.update(experienceExige="S", experienceLibelle="Expérience souhaitée de %s" %
                         rnd.choice(["6 Mois", "1 An(s)", "2 An(s)"]))
        else:
            offer.update(experienceExige="E", experienceLibelle="Expérience exigée de %s" %
                         rnd.choice(["6 Mois", "1 An(s)", "2 An(s)", "3 An(s)"]))

        items = rnd.sample(core.get(rome, []), min(len(core.get(rome, [])), rnd.randint(2, 5)))
        offer["competences"] = [{"code": c, "libelle": skill_labels[c], "exigence": "E" if k < 2 else "S"}
                                for k, c in enumerate(items)]
        if rnd.random() < 0.2:
            offer["langues"] = [{"libelle": rnd.choice(LANGUAGES), "exigence": "S" if rnd.random() < 0.8 else "E"}]
        permis = []
        if rome == "N4101":
            permis.append({"libelle": rnd.choice(["C - Poids lourd", "CE - Poids lourd + remorque"]), "exigence": "E"})
        elif rome == "N4103":
            permis.append({"libelle": "D - Transport en commun", "exigence": "E"})
        elif rome in ("K1304", "A1203") or (rome[0] == "F" and rnd.random() < 0.3):
            permis.append({"libelle": "B - Véhicule léger", "exigence": rnd.choice(["E", "S"])})
        if permis:
            offer["permis"] = permis
        if level and rnd.random() < 0.5:
            offer["formations"] = [{"codeFormation": "%05d" % rnd.randint(10000, 99999), "domaineLibelle": domain,
                                    "niveauLibelle": level, "exigence": rnd.choice(["E", "S"])}]

        hours = rnd.choice([35, 35, 35, 39, 24, 30])
        if rome in NIGHT and rnd.random() < 0.4:
            offer["dureeTravailLibelle"] = "%dH Travail de nuit" % hours
            offer["conditionExercice"] = "Travail de nuit"
        elif rome in WEEKEND and rnd.random() < 0.5:
            offer["dureeTravailLibelle"] = "%dH Travail samedi et dimanche" % hours
            offer["conditionExercice"] = "Travail samedi et dimanche"
        else:
            offer["dureeTravailLibelle"] = "%dH %s" % (hours, rnd.choice(["Horaires normaux", "Travail en journée",
                                                                          "Travail en équipe"]))
        offer["dureeTravailLibelleConverti"] = "Temps plein" if hours >= 35 else "Temps partiel"
        pay = rnd.random()
        if pay < 0.45:
            low = rnd.randint(1802, 2300)
            offer["salaire"] = {"libelle": "Mensuel de %.2f Euros à %.2f Euros sur 12 mois" % (low, low + rnd.choice([100, 200, 300]))}
        elif pay < 0.75:
            offer["salaire"] = {"libelle": "Horaire de %.2f Euros" % rnd.choice([11.88, 12.10, 12.50, 13.00])}
        elif pay < 0.85:
            offer["salaire"] = {"libelle": "Annuel de %.2f Euros" % rnd.choice([22000, 24000, 26000])}
        else:
            offer["salaire"] = {"commentaire": "Selon convention collective"}
        if rnd.random() < 0.25:
            offer["salaire"]["complement1"] = rnd.choice(["Mutuelle", "Panier repas", "Titres restaurant"])
        offer["nombrePostes"] = 1 if rnd.random() < 0.75 else rnd.randint(2, 5)
        code, label = rnd.choice(QUALIFICATIONS)
        offer.update(accessibleTH=rnd.random() < 0.3, qualificationCode=code, qualificationLibelle=label,
                     origineOffre={"origine": "1", "urlOrigine": "https://example.org/offres/%s" % offer_id},
                     offresManqueCandidats=rnd.random() < 0.35)
        offers.append(offer)

    with open(OUT, "w", encoding="utf-8") as f:
        json.dump({"resultats": offers, "filtresPossibles": []}, f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
