"""A thin typed layer over the generated stubs: credentials, deadlines, retries and iterators.

Credentials. Every rpc of Passerelle needs an API key (sent as `authorization: Bearer <key>`, as the C++
CLI does) or a client certificate (mutual TLS). Towards a loopback address without TLS the channel uses
gRPC's local credentials, which the server's loopback port expects; elsewhere TLS (the server refuses
plaintext from other hosts). The key travels as per-call credentials composed with the channel's.

Deadlines. Unary calls get `timeout_s` (default 30 s) unless a call passes its own; server streams
(Rerank, FormCohorts, WatchMatches) and client streams (imports) get `stream_timeout_s` (default: none, since a
re-rank of a large cohort or a watch runs as long as it runs).

Retries. A call that fails with UNAVAILABLE (server restarting, connection refused) is retried with
exponential backoff and full jitter, within the call's deadline, only when replaying it cannot do harm:
reads, matches, searches, look-ups and puts (a put replaces the record under its id, so a replay stores
the same thing). Deletes are not retried (a replay of a delete that went through answers NOT_FOUND),
nor imports and batch calls (their streams are not replayable). See IDEMPOTENT_METHODS.
"""

import ipaddress
import random
import time
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Optional

import grpc

from passerelle.paging import iterate_pages
from passerelle.v1 import access_pb2_grpc, governance_pb2, governance_pb2_grpc, matching_pb2, matching_pb2_grpc

# Rpcs retried on UNAVAILABLE. Names absent from the server's API (older builds) are harmless here.
IDEMPOTENT_METHODS = frozenset({
    "GetCandidate", "GetOpening", "GetStatus", "GetScoringProfile", "ListScoringProfiles",
    "PutCandidate", "PutOpening", "PutScoringProfile",
    "MatchOpenings", "MatchCandidates", "Explain",
    "ListCandidates", "ListOpenings", "SearchOpenings", "SearchCandidates",
    "LookupOccupations", "LookupCommunes", "LookupSkills",
    "ListKeys", "ListSharingAgreements", "WhoAmI", "ListAuditEntries", "ListExpiringRecords",
})

# Match answers with explanations for k = 1000 outgrow gRPC's 4 MB default (as in the C++ CLI).
_MAX_RECEIVE_BYTES = 64 << 20

# connect(language=...) to the request field `language` (ReasonLanguage): the server writes and sends the
# reasons in that language only.
_REASON_LANGUAGES = {"fr": matching_pb2.REASON_LANGUAGE_FR, "en": matching_pb2.REASON_LANGUAGE_EN,
                     "both": matching_pb2.REASON_LANGUAGE_BOTH}


def is_idempotent(method: str) -> bool:
    """Whether a call of `method` ("MatchOpenings") is retried on UNAVAILABLE."""
    return method in IDEMPOTENT_METHODS


@dataclass
class RerankOutcome:
    """What a Rerank streamed: CandidateRanking messages (in no fixed order), OpeningShortlist messages by
    opening id (with min_exposure only) and the RerankExposure report (None when no exposure was asked)."""

    rankings: list = field(default_factory=list)
    shortlists: list = field(default_factory=list)
    exposure: Any = None


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter: attempt n waits uniform(0, min(max, initial * multiplier**n))."""

    max_attempts: int = 5  # 1 = no retry
    initial_backoff_s: float = 0.1
    max_backoff_s: float = 5.0
    multiplier: float = 2.0

    def backoff_s(self, retry: int) -> float:
        return random.uniform(0, min(self.max_backoff_s, self.initial_backoff_s * self.multiplier ** retry))


def _is_loopback(address: str) -> bool:
    host = address.rsplit(":", 1)[0] if not address.startswith("[") else address[1:address.index("]")]
    if host.startswith("ipv4:") or host.startswith("ipv6:"):
        host = host.split(":", 1)[1]
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _KeyAuth(grpc.AuthMetadataPlugin):
    def __init__(self, key: str):
        self._metadata = (("authorization", "Bearer " + key),)

    def __call__(self, context, callback):
        callback(self._metadata, None)


def _read(path: Optional[str]) -> Optional[bytes]:
    if not path:
        return None
    with open(path, "rb") as f:
        return f.read()


def _channel_credentials(address: str, key: Optional[str], tls: bool, ca_file, cert_file, key_pem_file,
                         allow_insecure: bool) -> Optional[grpc.ChannelCredentials]:
    """Channel credentials, or None for a plaintext channel (allow_insecure towards a remote proxy)."""
    if tls:
        channel = grpc.ssl_channel_credentials(
            root_certificates=_read(ca_file), private_key=_read(key_pem_file), certificate_chain=_read(cert_file))
    elif _is_loopback(address):
        channel = grpc.local_channel_credentials(grpc.LocalConnectionType.LOCAL_TCP)
    elif allow_insecure:
        return None
    else:
        raise ValueError(f"{address} is not a loopback address: pass tls=True (the server refuses plaintext from "
                         "other hosts), or allow_insecure=True behind a TLS-terminating proxy")
    if key:
        channel = grpc.composite_channel_credentials(channel, grpc.metadata_call_credentials(_KeyAuth(key)))
    return channel


class _Service:
    """One gRPC service of a Client: attribute access gives the rpc with the client's policies."""

    def __init__(self, client: "Client", stub: Any, name: str):
        self._client = client
        self._stub = stub
        self._name = name

    def has(self, method: str) -> bool:
        return hasattr(self._stub, method)

    def __getattr__(self, method: str):
        rpc = getattr(self._stub, method, None)
        if rpc is None or method.startswith("_"):
            raise AttributeError(f"passerelle.v1.{self._name} has no rpc {method} in this client's API")
        return lambda request, **kwargs: self._client._invoke(method, rpc, request, **kwargs)


class Client:
    """A connection to passerelle-server. Build it with connect(); close() it, or use it as a context manager."""

    def __init__(self, channel: grpc.Channel, key: Optional[str], insecure_plaintext: bool, timeout_s: float,
                 stream_timeout_s: Optional[float], retry: RetryPolicy, language: str = "fr"):
        if language not in _REASON_LANGUAGES:
            raise ValueError(f"language must be one of {sorted(_REASON_LANGUAGES)}, got {language!r}")
        self.channel = channel
        self.language = language
        self.timeout_s = timeout_s
        self.stream_timeout_s = stream_timeout_s
        self.retry = retry
        # Plaintext channels cannot carry call credentials: the key then goes as plain metadata.
        self._metadata = (("authorization", "Bearer " + key),) if key and insecure_plaintext else ()
        self.matching = _Service(self, matching_pb2_grpc.MatchingStub(channel), "Matching")
        self.access = _Service(self, access_pb2_grpc.AccessStub(channel), "Access")
        self.governance = _Service(self, governance_pb2_grpc.GovernanceStub(channel), "Governance")

    def close(self) -> None:
        self.channel.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- the call machinery -------------------------------------------------------------------------

    def _invoke(self, method: str, rpc: Any, request: Any, timeout: Optional[float] = None,
                retry: Optional[bool] = None, metadata=()):
        metadata = tuple(self._metadata) + tuple(metadata)
        if isinstance(rpc, grpc.UnaryUnaryMultiCallable):
            return self._unary(method, rpc, request, self.timeout_s if timeout is None else timeout,
                               is_idempotent(method) if retry is None else retry, metadata)
        # Streams: no retry (not replayable); iterating the result yields the server's messages.
        return rpc(request, timeout=self.stream_timeout_s if timeout is None else timeout, metadata=metadata)

    def _unary(self, method, rpc, request, timeout, retry, metadata):
        deadline = time.monotonic() + timeout if timeout else None
        attempts = self.retry.max_attempts if retry else 1
        for attempt in range(attempts):
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                return rpc(request, timeout=remaining, metadata=metadata)
            except grpc.RpcError as error:
                if error.code() != grpc.StatusCode.UNAVAILABLE or attempt + 1 == attempts:
                    raise
                pause = self.retry.backoff_s(attempt)
                if deadline is not None and time.monotonic() + pause >= deadline:
                    raise
                time.sleep(pause)
        raise AssertionError("unreachable")

    # --- typed helpers for the common calls -----------------------------------------------------------

    def put_candidate(self, candidate) -> bool:
        """Stores (inserts or replaces) a candidate; returns whether its id was new."""
        return self.matching.PutCandidate(matching_pb2.PutCandidateRequest(candidate=candidate)).created

    def put_opening(self, opening) -> bool:
        return self.matching.PutOpening(matching_pb2.PutOpeningRequest(opening=opening)).created

    def import_candidates(self, candidates: Iterable, timeout: Optional[float] = None):
        """Streams candidates to ImportCandidates; returns the ImportResponse (per-item report)."""
        requests = (matching_pb2.ImportCandidatesRequest(candidate=c) for c in candidates)
        return self.matching.ImportCandidates(requests, timeout=timeout)

    def import_openings(self, openings: Iterable, timeout: Optional[float] = None):
        requests = (matching_pb2.ImportOpeningsRequest(opening=o) for o in openings)
        return self.matching.ImportOpenings(requests, timeout=timeout)

    def _with_language(self, fields: dict) -> dict:
        """`fields` with the client's reason language unless they name one."""
        return {"language": _REASON_LANGUAGES[self.language], **fields}

    def match_openings(self, candidate_id: str, **fields) -> Any:
        """Best openings for a stored candidate; `fields` are MatchOpeningsRequest fields (k=10, ...)."""
        request = matching_pb2.MatchOpeningsRequest(candidate_id=candidate_id, **self._with_language(fields))
        return self.matching.MatchOpenings(request)

    def match_candidates(self, opening_id: str, **fields) -> Any:
        request = matching_pb2.MatchCandidatesRequest(opening_id=opening_id, **self._with_language(fields))
        return self.matching.MatchCandidates(request)

    def explain(self, candidate_id: str, opening_id: str, **fields) -> Any:
        """One pair scored and explained (Explain); `fields` are ExplainRequest fields."""
        request = matching_pb2.ExplainRequest(candidate_id=candidate_id, opening_id=opening_id,
                                              **self._with_language(fields))
        return self.matching.Explain(request)

    def rerank(self, timeout: Optional[float] = None, **fields) -> Iterator[Any]:
        """Yields one CandidateRanking per candidate of a Rerank (progress messages are skipped)."""
        request = matching_pb2.RerankRequest(**self._with_language(fields))
        for response in self.matching.Rerank(request, timeout=timeout):
            if response.WhichOneof("item") == "ranking":
                yield response.ranking

    def rerank_with_exposure(self, timeout: Optional[float] = None, **fields) -> "RerankOutcome":
        """Runs a whole Rerank and returns everything it streamed (progress messages aside).

        For the fair-exposure fields (docs/batch.md, "Fair exposure of re-ranks"), for example
        rerank_with_exposure(k=10, exposure_attributes=["french_band"], slots_per_opening=10,
        min_exposure={"attribute": "french_band", "group": "A1", "min_share": 0.3}). Holds every ranking in
        memory: for large cohorts iterate rerank() instead.
        """
        outcome = RerankOutcome()
        request = matching_pb2.RerankRequest(**self._with_language(fields))
        for response in self.matching.Rerank(request, timeout=timeout):
            item = response.WhichOneof("item")
            if item == "ranking":
                outcome.rankings.append(response.ranking)
            elif item == "shortlist":
                outcome.shortlists.append(response.shortlist)
            elif item == "exposure":
                outcome.exposure = response.exposure
        return outcome

    def form_cohorts(self, timeout: Optional[float] = None, **fields) -> Any:
        """POEC training cohorts (FormCohorts); `fields` are FormCohortsRequest fields (regions=["11"], ...).

        Returns the CohortsResult (progress messages are skipped).
        """
        for response in self.matching.FormCohorts(matching_pb2.FormCohortsRequest(**fields), timeout=timeout):
            if response.WhichOneof("item") == "result":
                return response.result
        raise RuntimeError("FormCohorts ended without a result")

    def audit_entries(self, **filters) -> Iterator[Any]:
        """Every audit entry matching ListAuditEntriesRequest `filters`, over all pages."""
        return iterate_pages(self.governance.ListAuditEntries, governance_pb2.ListAuditEntriesRequest(**filters),
                             "entries")

    def pages(self, method: str, request: Any, items_field: str, service: str = "matching") -> Iterator[Any]:
        """Every item of a paged rpc by name, e.g. pages("ListCandidates", ListCandidatesRequest(), "candidates").

        Raises AttributeError when this client's API lacks `method`.
        """
        return iterate_pages(getattr(getattr(self, service), method), request, items_field)

    def has_rpc(self, method: str, service: str = "matching") -> bool:
        """Whether this client's generated API has `method` (rpcs added in later versions)."""
        return getattr(self, service).has(method)


def connect(address: str = "127.0.0.1:50051", key: Optional[str] = None, key_file: Optional[str] = None,
            tls: bool = False, ca_file: Optional[str] = None, cert_file: Optional[str] = None,
            private_key_file: Optional[str] = None, allow_insecure: bool = False, timeout_s: float = 30.0,
            stream_timeout_s: Optional[float] = None, retry: RetryPolicy = RetryPolicy(),
            options: Optional[list] = None, language: str = "fr") -> Client:
    """Opens a channel to passerelle-server at `address` (host:port).

    key / key_file: the API key, or a file whose first line holds it (as <data_dir>/bootstrap-admin.key).
    tls, ca_file: TLS with that CA (default: the system's roots); cert_file and private_key_file: a
    client certificate for mutual TLS (the key is then optional).
    allow_insecure: plaintext to a non-loopback address (behind a TLS-terminating proxy only).
    language: "fr" (default), "en" or "both": the language of the reasons the server writes in match,
    explain and re-rank answers (the other side of each Sentence stays empty).
    """
    if language not in _REASON_LANGUAGES:  # before any channel is opened
        raise ValueError(f"language must be one of {sorted(_REASON_LANGUAGES)}, got {language!r}")
    if key_file:
        with open(key_file, encoding="utf-8") as f:
            key = f.readline().strip()
    credentials = _channel_credentials(address, key, tls, ca_file, cert_file, private_key_file, allow_insecure)
    channel_options = [("grpc.max_receive_message_length", _MAX_RECEIVE_BYTES)] + list(options or [])
    if credentials is None:
        channel = grpc.insecure_channel(address, options=channel_options)
    else:
        channel = grpc.secure_channel(address, credentials, options=channel_options)
    return Client(channel, key, credentials is None, timeout_s, stream_timeout_s, retry, language)
