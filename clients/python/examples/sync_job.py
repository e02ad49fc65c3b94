#!/usr/bin/env python3
"""Sync job: imports candidates and openings (or France Travail offers), then fetches each candidate's
best openings, as a platform runs it every few minutes or hours.

    PYTHONPATH=build/python python3 clients/python/examples/sync_job.py \
        --server 127.0.0.1:50051 --key-file counsellor.key --employer-key-file employer.key \
        --candidates data/sample/candidates.jsonl --openings data/sample/openings.jsonl --out matches.jsonl

Inputs are JSON Lines in the proto3 JSON mapping of records.proto (as data/sample/), except
--ft-offers: offers as the France Travail "Offres d'emploi v2" API returns them (a JSON document with
"resultats", a JSON array, or one offer per line), streamed unchanged to the server's
ImportFranceTravailOffers rpc, which maps them (docs/francetravail.md); --ft-sync expires the stored
offers of the source that the file no longer holds.

Candidates are written with a counsellor's key, openings with an employer's: each record belongs to the
organisation of the key that writes it (docs/security.md).
"""

import argparse
import json
import sys
from typing import Iterator, List

import grpc
from google.protobuf import json_format

import passerelle
from passerelle.v1 import francetravail_pb2, matching_pb2, records_pb2

def read_jsonl(path: str, message_type) -> Iterator:
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json_format.Parse(line, message_type())


def read_ft_offers(path: str) -> List[dict]:
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        document = json.loads(text)
        return document.get("resultats", []) if isinstance(document, dict) else list(document)
    except json.JSONDecodeError:
        return [json.loads(line) for line in text.splitlines() if line.strip()]


def import_ft_offers(client: passerelle.Client, offers: List[dict], sync: bool = False, source: str = ""):
    """Streams the offers as published to ImportFranceTravailOffers: the server maps them
    (docs/francetravail.md), so every platform gets the same mapping. 100 offers per message, the options
    in the first. With sync, the source's stored offers absent from `offers` expire."""
    options = francetravail_pb2.FranceTravailImportOptions(sync=sync, source=source)

    def requests():
        batch = francetravail_pb2.ImportFranceTravailOffersRequest(options=options)
        for offer in offers:
            # Fields this client's generated code does not know are dropped here; the C++ CLI keeps them.
            json_format.ParseDict(offer, batch.offers.add(), ignore_unknown_fields=True)
            if len(batch.offers) == 100:
                yield batch
                batch = francetravail_pb2.ImportFranceTravailOffersRequest()
        if batch.offers or batch.HasField("options"):
            yield batch

    return client.matching.ImportFranceTravailOffers(requests())


def print_ft_report(report) -> None:
    print(f"France Travail offers: {report.added_count} added, {report.changed_count} changed, "
          f"{report.expired_count} expired, {report.rejected_count} rejected", file=sys.stderr)
    for item in report.offers:
        if item.status == francetravail_pb2.OFFER_IMPORT_STATUS_REJECTED:
            print(f"  rejected {item.offer_id}: {item.field} {item.reason}", file=sys.stderr)


def print_report(kind: str, report) -> None:
    print(f"{kind}: {report.accepted_count} accepted, {report.rejected_count} rejected", file=sys.stderr)
    for item in report.items:
        if item.status == matching_pb2.IMPORT_ITEM_STATUS_REJECTED:
            # The id and the field only: the reason may quote a person's data.
            print(f"  rejected {item.id}: {item.code} {item.field}", file=sys.stderr)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default="127.0.0.1:50051")
    parser.add_argument("--key-file", required=True, help="counsellor key: writes candidates, reads matches")
    parser.add_argument("--employer-key-file", help="employer key: writes openings (default: --key-file)")
    parser.add_argument("--candidates", help="candidates, JSON Lines")
    parser.add_argument("--openings", help="openings, JSON Lines")
    parser.add_argument("--ft-offers", help="France Travail offers (API JSON or JSON Lines)")
    parser.add_argument("--ft-sync", action="store_true", help="the file is the whole source: expire the rest")
    parser.add_argument("--k", type=int, default=5, help="openings per candidate")
    parser.add_argument("--out", default="-", help="matches as JSON Lines ('-' = stdout)")
    args = parser.parse_args(argv)

    with passerelle.connect(args.server, key_file=args.key_file) as counsellor, \
            passerelle.connect(args.server, key_file=args.employer_key_file or args.key_file) as employer:
        candidate_ids = []
        if args.candidates:
            candidates = list(read_jsonl(args.candidates, records_pb2.Candidate))
            print_report("candidates", counsellor.import_candidates(candidates))
            candidate_ids = [c.id for c in candidates]
        if args.openings:
            print_report("openings", employer.import_openings(read_jsonl(args.openings, records_pb2.Opening)))
        if args.ft_offers:
            print_ft_report(import_ft_offers(employer, read_ft_offers(args.ft_offers), sync=args.ft_sync))

        out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8")
        try:
            for candidate_id in candidate_ids:
                try:
                    answer = counsellor.match_openings(candidate_id, k=args.k)
                except grpc.RpcError as error:
                    if error.code() == grpc.StatusCode.NOT_FOUND:  # rejected at import
                        continue
                    raise
                out.write(json.dumps({"candidate_id": candidate_id,
                                      "matches": [{"opening_id": m.id, "owner_id": m.owner_id,
                                                   "score": round(m.total, 4)} for m in answer.matches]}) + "\n")
        finally:
            if out is not sys.stdout:
                out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
