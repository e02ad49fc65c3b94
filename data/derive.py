#!/usr/bin/env python3
"""Derives the compact reference files under data/ from the public sources in ../shared/data.

Usage (from anywhere):
    python3 data/derive.py [SHARED_DATA_DIR]

SHARED_DATA_DIR defaults to ../shared/data relative to the repository root. Outputs are written next
to this script (data/rome, data/geo, data/tension). Only the Python standard library is used.

Output format: UTF-8, tab-separated, one header line, no quoting, "\n" line endings. Tabs, carriage
returns and newlines inside labels are replaced by a space. Rows are sorted, so running the script
twice on the same inputs gives byte-identical files. See data/SOURCES.md for provenance and for how
the tension index is computed.

Only dev machines run this script: the engine reads the derived files and never needs Python or the
shared folder.
"""

import collections
import csv
import json
import os
import sys
import unicodedata

ROME_DIR = "francetravail_rome4_v460"
ROME_SUFFIX = "_v460_utf8.csv"

# Tension index parameters (must match data/SOURCES.md and engine/refdata/reference_data.cc).
LIST_WEIGHT = 0.5        # weight of L, the official "métiers en tension" list flag
FT_WEIGHT = 0.5          # weight of f, France Travail's rescaled tension indicator
UNKNOWN_F = 0.5          # f when France Travail has no figure at all for the ROME code
DEFAULT_INDEX = LIST_WEIGHT * 0 + FT_WEIGHT * UNKNOWN_F  # 0.25: pair absent from tension.tsv

# Regions the tension rows are written for: metropolitan and overseas régions (DROM), where French
# labour law and the métiers en tension list apply. The overseas collectivités (zone "com") get the
# default.
TENSION_ZONES = ("metro", "drom")


def clean(text):
    """Makes a label safe for the unquoted TSV format."""
    return " ".join(text.replace("\t", " ").replace("\r", " ").replace("\n", " ").split())


def read_csv(path, delimiter=",", encoding="utf-8-sig"):
    with open(path, encoding=encoding, newline="") as f:
        return list(csv.DictReader(f, delimiter=delimiter))


def rome_csv(src, name):
    return read_csv(os.path.join(src, ROME_DIR, "unix_" + name + ROME_SUFFIX))


def write_tsv(out_dir, rel_path, header, rows):
    path = os.path.join(out_dir, rel_path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\t".join(header) + "\n")
        for row in rows:
            assert len(row) == len(header), (rel_path, row)
            f.write("\t".join(clean(str(v)) for v in row) + "\n")
    print(f"{rel_path}: {len(rows)} rows")


# --- ROME 4.0 ------------------------------------------------------------------------------------

def derive_occupations(src):
    rows = [(r["code_rome"], r["libelle_rome"], r["code_domaine_professionel"],
             r["libelle_domaine_professionel"], r["code_grand_domaine"], r["libelle_grand_domaine"])
            for r in rome_csv(src, "cr_gd_dp")]
    rows.sort()
    assert len({r[0] for r in rows}) == len(rows)
    return rows


def derive_mobility(src, codes):
    rows = []
    for r in rome_csv(src, "rubrique_mobilite"):
        assert r["code_rome"] in codes and r["code_rome_cible"] in codes, r
        rows.append((r["code_rome"], r["code_rome_cible"], int(r["numero_ordre"])))
    rows.sort(key=lambda r: (r[0], r[2], r[1]))
    return rows


def skill_catalogue(src):
    """code_ogr -> (kind, label) for every savoir-faire, savoir-être and savoir item."""
    items = {}
    # In referentiel_competence, `nature` is "Compétence" or "Macro-compétence"; the savoir-faire /
    # savoir-être split is in `cat_comp`.
    kinds = {"Savoir-faire": "savoir_faire", "Savoir-être professionnel": "savoir_etre"}
    for r in rome_csv(src, "referentiel_competence"):
        items[int(r["code_ogr"])] = (kinds[r["cat_comp"]], r["libelle_competence"])
    for r in rome_csv(src, "referentiel_savoir"):
        code = int(r["code_ogr_savoir"])
        assert code not in items
        items[code] = ("savoir", r["libelle_savoir"])
    return items


def derive_skills(src, codes):
    """Returns (skills rows, occupation_skills rows); work contexts are dropped."""
    items = skill_catalogue(src)
    contexts = {int(r["code_ogr"]) for r in rome_csv(src, "referentiel_contexte_travail")}
    links = []
    for r in rome_csv(src, "coherence_item"):
        code = int(r["code_ogr"])
        if code in contexts:
            continue
        assert code in items and r["code_rome"] in codes, r
        links.append((r["code_rome"], code, 1 if r["coeur_metier"] == "Principale" else 0))
    links.sort()
    used = sorted({code for _, code, _ in links})
    skills = [(code, items[code][0], items[code][1]) for code in used]
    return skills, links


def derive_appellations(src, codes):
    rows = []
    for r in rome_csv(src, "referentiel_appellation"):
        assert r["code_rome"] in codes, r
        rows.append((int(r["code_ogr"]), r["libelle_appellation_long"], r["code_rome"]))
    rows.sort()
    return rows


# --- Geography -----------------------------------------------------------------------------------

def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def derive_geo(src):
    """Returns (regions rows, communes rows, {region code: zone})."""
    base = os.path.join(src, "etalab_decoupage_administratif_6.0.0")
    regions = load_json(os.path.join(base, "regions.json"))
    dept_region = {d["code"]: d["region"] for d in load_json(os.path.join(base, "departements.json"))}
    region_rows = sorted((r["code"], r["nom"]) for r in regions)
    region_codes = {r[0] for r in region_rows}
    communes = []
    for c in load_json(os.path.join(src, "geoapi_communes_2025", "communes_min.json")):
        region = dept_region[c["dept"]]
        assert region in region_codes and len(c["code"]) == 5, c
        population = c["population"] if c["population"] is not None else 0
        communes.append((c["code"], c["nom"], c["dept"], region,
                         f"{c['lat']:.4f}", f"{c['lon']:.4f}", population))
    communes.sort()
    zones = {r["code"]: r["zone"] for r in regions}
    return region_rows, communes, zones


# --- Tension -------------------------------------------------------------------------------------

def name_key(name):
    """Accent-, case- and punctuation-insensitive key: "Ile-de-France" == "Île-de-France"."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return " ".join(ascii_name.lower().replace("-", " ").replace("'", " ").split())


def fap_to_rome(src, codes):
    """FAP 2009 -> set of ROME codes; a blank FAP or PCS field repeats the line above."""
    path = os.path.join(src, "francetravail_mobiville", "table-correspondance-pcs-rome.csv")
    mapping = collections.defaultdict(set)
    fap = pcs = ""
    with open(path, encoding="utf-8", newline="") as f:
        for fields in csv.reader(f, delimiter=";"):
            fields = [x.strip() for x in fields] + ["", "", ""]
            fap, pcs, rome = fields[0] or fap, fields[1] or pcs, fields[2]
            if rome:
                assert fap and rome in codes, fields
                mapping[fap].add(rome)
    return mapping


def listed_pairs(src, codes, region_rows, tension_regions):
    """Set of (ROME code, région code) named by the official list."""
    by_name = {name_key(name): code for code, name in region_rows}
    fap_rome = fap_to_rome(src, codes)
    path = os.path.join(src, "dataforgood_odis", "metiers_en_tension_mars_2024.csv")
    pairs = set()
    for r in read_csv(path):
        fap = r["Code FAP"].strip()
        assert fap in fap_rome, fap
        if name_key(r["Region"]) == "france entiere":
            regions = tension_regions
        else:
            regions = [by_name[name_key(r["Region"])]]
        pairs.update((rome, reg) for rome in fap_rome[fap] for reg in regions)
    return pairs


def ft_tension(src, codes):
    """Returns ({(rome, région): (weighted sum of F, weight sum, basins)}, {rome: (sum, weight)})."""
    basin_region = {r["be25"]: r["reg"] for r in
                    read_csv(os.path.join(src, "francetravail_bmo_2025", "bmo2025_bassins.csv"))}
    path = os.path.join(src, "francetravail_mobiville", "cities-tension-utf8.csv")
    regional = collections.defaultdict(lambda: [0.0, 0.0, 0])
    national = collections.defaultdict(lambda: [0.0, 0.0])
    for r in read_csv(path, delimiter=";"):
        rome, level = r["ROME"], int(r["ind_tension_d"])
        assert rome in codes and 1 <= level <= 5, r
        weight = int(r["oee"]) or 1  # offers; a basin with no offer still counts once
        acc = regional[(rome, basin_region[r["cbassin"]])]
        acc[0] += weight * level
        acc[1] += weight
        acc[2] += 1
        national[rome][0] += weight * level
        national[rome][1] += weight
    return regional, national


def derive_tension(src, codes, region_rows, zones):
    tension_regions = sorted(code for code, zone in zones.items() if zone in TENSION_ZONES)
    listed = listed_pairs(src, codes, region_rows, tension_regions)
    regional, national = ft_tension(src, codes)
    romes = sorted({rome for rome, _ in listed} | set(national))
    rows = []
    for rome in romes:
        for reg in tension_regions:
            is_listed = (rome, reg) in listed
            if not is_listed and rome not in national:
                continue  # same as the default: unlisted, no France Travail figure
            if (rome, reg) in regional:
                total, weight, basins = regional[(rome, reg)]
            elif rome in national:
                (total, weight), basins = national[rome], 0
            else:
                total, weight, basins = None, None, 0
            f = (total / weight - 1.0) / 4.0 if weight else UNKNOWN_F
            index = LIST_WEIGHT * (1 if is_listed else 0) + FT_WEIGHT * f
            assert 0.0 <= index <= 1.0
            rows.append((rome, reg, f"{index:.3f}", 1 if is_listed else 0, basins))
    return rows


def main(argv):
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    src = argv[1] if len(argv) > 1 else os.path.join(repo, "..", "shared", "data")
    out = os.path.join(repo, "data")
    occupations = derive_occupations(src)
    codes = {r[0] for r in occupations}
    write_tsv(out, "rome/occupations.tsv", ["code", "label", "domaine_code", "domaine_label",
                                            "grand_domaine", "grand_domaine_label"], occupations)
    write_tsv(out, "rome/mobility.tsv", ["from_code", "to_code", "order"], derive_mobility(src, codes))
    skills, links = derive_skills(src, codes)
    write_tsv(out, "rome/skills.tsv", ["code_ogr", "kind", "label"], skills)
    write_tsv(out, "rome/occupation_skills.tsv", ["code_rome", "code_ogr", "core"], links)
    write_tsv(out, "rome/appellations.tsv", ["code_ogr", "label", "code_rome"],
              derive_appellations(src, codes))
    regions, communes, zones = derive_geo(src)
    write_tsv(out, "geo/regions.tsv", ["code", "name"], regions)
    write_tsv(out, "geo/communes.tsv", ["insee", "name", "departement", "region_code", "lat", "lon",
                                        "population"], communes)
    write_tsv(out, "tension/tension.tsv", ["code_rome", "region_code", "index", "listed", "ft_basins"],
              derive_tension(src, codes, regions, zones))


if __name__ == "__main__":
    main(sys.argv)
