"""The examples (clients/python/examples) run against the test server on a slice of the sample cohort."""

import csv
import datetime
import itertools
import json
import os
import pathlib
import sys

import pytest

import passerelle
from passerelle.v1 import matching_pb2
from conftest import new_key

EXAMPLES = pathlib.Path(__file__).resolve().parent.parent / "examples"
sys.path.insert(0, str(EXAMPLES))

import nightly_rerank  # noqa: E402
import sync_job  # noqa: E402


@pytest.fixture(scope="module")
def keys(tmp_path_factory, admin):
    directory = tmp_path_factory.mktemp("keys")
    files = {}
    # The sample cohort's records name organisation "sample" (a record's owner must be the writer's).
    for name, org, role in [("counsellor", "sample", "counsellor"), ("employer", "sample", "employer"),
                            ("batch", "sample", "batch")]:
        files[name] = directory / f"{name}.key"
        files[name].write_text(new_key(admin, org, role) + "\n")
    return files


def head(source: pathlib.Path, target: pathlib.Path, lines: int) -> pathlib.Path:
    with open(source, encoding="utf-8") as f:
        target.write_text("".join(itertools.islice(f, lines)), encoding="utf-8")
    return target


def sample(name: str) -> pathlib.Path:
    return pathlib.Path(os.environ["PASSERELLE_DATA_DIR"]) / "sample" / name


def test_sync_job_imports_and_writes_matches(server, keys, tmp_path):
    candidates = head(sample("candidates.jsonl"), tmp_path / "c.jsonl", 30)
    openings = head(sample("openings.jsonl"), tmp_path / "o.jsonl", 150)
    out = tmp_path / "matches.jsonl"
    assert sync_job.main(["--server", server.address, "--key-file", str(keys["counsellor"]),
                          "--employer-key-file", str(keys["employer"]), "--candidates", str(candidates),
                          "--openings", str(openings), "--k", "3", "--out", str(out)]) == 0
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(lines) == 30
    assert all(len(line["matches"]) <= 3 for line in lines)
    assert any(line["matches"] for line in lines)  # 150 openings fit somebody among 30 candidates


def test_france_travail_offers_are_imported_as_published(server, keys):
    today = datetime.date.today().isoformat()
    offer = {"id": "170ABCD", "intitule": "Maçon / Maçonne", "romeCode": "F1703", "typeContrat": "CDI",
             "lieuTravail": {"libelle": "93 - BOBIGNY", "commune": "93008"},
             "dateCreation": today + "T10:00:00.000Z", "dateActualisation": today + "T10:00:00.000Z",
             "competences": [{"code": "100596", "libelle": "x", "exigence": "E"}], "nombrePostes": 2,
             "permis": [{"libelle": "B - Véhicule léger", "exigence": "S"}]}
    unplaced = {"id": "170ZZZZ", "intitule": "Agent d'entretien", "romeCode": "K2204", "typeContrat": "CDI",
                "lieuTravail": {"libelle": "Ailleurs"}, "dateActualisation": today + "T10:00:00.000Z"}
    with passerelle.connect(server.address, key_file=str(keys["employer"])) as employer:
        report = sync_job.import_ft_offers(employer, [offer, unplaced])
        stored = employer.matching.GetOpening(matching_pb2.GetOpeningRequest(opening_id="170ABCD"))
    assert (report.added_count, report.rejected_count) == (1, 1), report
    rejected = [o for o in report.offers if o.offer_id == "170ZZZZ"][0]
    assert rejected.field.startswith("lieuTravail"), rejected
    assert (stored.opening.rome_code, stored.opening.commune_insee, stored.opening.positions) == ("F1703", "93008", 2)


def test_nightly_rerank_writes_one_row_per_proposal(server, keys, tmp_path):
    out = tmp_path / "rerank.csv"
    assert nightly_rerank.main(["--server", server.address, "--key-file", str(keys["batch"]), "--k", "2",
                                "--out", str(out)]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows, "the counsellors' organisation has candidates with eligible openings"
    assert {"candidate_id", "rank", "opening_id", "score", "occupation"} <= set(rows[0])
    assert all(row["rank"] in ("1", "2") for row in rows)
    scores = [float(row["score"]) for row in rows]
    assert all(0 < s <= 1 for s in scores)
    # Within a candidate, rank 1 scores at least as much as rank 2.
    by_candidate = {}
    for row in rows:
        by_candidate.setdefault(row["candidate_id"], []).append(float(row["score"]))
    assert all(s == sorted(s, reverse=True) for s in by_candidate.values())
    # The CSV names candidates by id only: the stored records' personal fields never appear.
    assert "93066" not in out.read_text()  # a commune code of the test candidates
