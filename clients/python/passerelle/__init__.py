"""Python client of the Passerelle matching service.

    import passerelle
    client = passerelle.connect("127.0.0.1:50051", key_file="/var/lib/passerelle/bootstrap-admin.key")
    print(client.match_openings("cand-000001", k=5).matches)

The message and stub modules (passerelle.v1.*_pb2, *_pb2_grpc) are generated from proto/ at build time
(CMake target passerelle_python); this package adds credentials, deadlines, retries and iterators
(passerelle.client).
"""

from passerelle.client import (
    Client,
    RerankOutcome,
    RetryPolicy,
    connect,
    is_idempotent,
    IDEMPOTENT_METHODS,
)
from passerelle.paging import iterate_pages
from passerelle.v1 import matching_pb2 as matching
from passerelle.v1 import records_pb2 as records

__all__ = [
    "Client",
    "RerankOutcome",
    "RetryPolicy",
    "connect",
    "is_idempotent",
    "IDEMPOTENT_METHODS",
    "iterate_pages",
    "matching",
    "records",
]
