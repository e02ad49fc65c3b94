#!/usr/bin/env python3
"""Nightly re-rank: ranks every candidate of the organisation against the current openings (Rerank)
and writes a CSV for counsellors, one row per (candidate, opening) proposed.

    PYTHONPATH=build/python python3 clients/python/examples/nightly_rerank.py \
        --server 127.0.0.1:50051 --key-file batch.key --k 5 --out rerank-$(date +%F).csv

Run it with a `batch` key of the counsellors' organisation (docs/security.md): it sees that
organisation's candidates only. The CSV holds ids and scores, no personal data beyond the candidate's id
of the organisation's own system; counsellors look the people up there. Columns: candidate_id, rank,
opening_id, opening_owner, score, distance_km, then one column per criterion score.
"""

import argparse
import csv
import sys

import passerelle
from passerelle.v1 import matching_pb2


def criterion_name(value: int) -> str:
    return matching_pb2.Criterion.Name(value).removeprefix("CRITERION_").lower()


def write_csv(rankings, out) -> int:
    """Writes the rows of `rankings` (CandidateRanking messages); returns the number of rows."""
    criteria = [criterion_name(v) for v in matching_pb2.Criterion.values() if v != 0]
    writer = csv.writer(out)
    writer.writerow(["candidate_id", "rank", "opening_id", "opening_owner", "score", "distance_km"] + criteria)
    rows = 0
    for ranking in rankings:
        for rank, match in enumerate(ranking.matches, start=1):
            scores = {criterion_name(c.criterion): c.score for c in match.criteria}
            writer.writerow([ranking.candidate_id, rank, match.id, match.owner_id, f"{match.total:.4f}",
                             f"{match.distance_km:.1f}"] + [f"{scores[c]:.4f}" if c in scores else "" for c in criteria])
            rows += 1
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default="127.0.0.1:50051")
    parser.add_argument("--key-file", required=True, help="a batch (or counsellor) key of the organisation")
    parser.add_argument("--k", type=int, default=5, help="openings per candidate")
    parser.add_argument("--departement", action="append", default=[], help="only candidates of this département")
    parser.add_argument("--scoring-profile", default="")
    parser.add_argument("--out", required=True, help="CSV file to write")
    args = parser.parse_args(argv)

    with passerelle.connect(args.server, key_file=args.key_file) as client, \
            open(args.out, "w", newline="", encoding="utf-8") as out:
        rows = write_csv(client.rerank(k=args.k, departements=args.departement,
                                       scoring_profile=args.scoring_profile), out)
    print(f"{rows} proposals written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
