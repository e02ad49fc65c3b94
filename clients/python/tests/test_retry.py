"""Retry rules of the client, with a scripted rpc in place of the network (no server, no sleeping)."""

import grpc
import pytest

import passerelle
from passerelle.client import Client


class Failure(grpc.RpcError):
    def __init__(self, code):
        self._code = code

    def code(self):
        return self._code


class ScriptedRpc(grpc.UnaryUnaryMultiCallable):
    """Raises the scripted failures in turn, then answers "ok"; records the timeouts it was given."""

    def __init__(self, failures):
        self.failures = list(failures)
        self.timeouts = []

    def __call__(self, request, timeout=None, metadata=None, credentials=None, wait_for_ready=None,
                 compression=None):
        self.timeouts.append(timeout)
        if self.failures:
            raise Failure(self.failures.pop(0))
        return "ok"

    def with_call(self, *args, **kwargs):
        raise NotImplementedError

    def future(self, *args, **kwargs):
        raise NotImplementedError


@pytest.fixture
def client(monkeypatch):
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    policy = passerelle.RetryPolicy(max_attempts=4, initial_backoff_s=0.001, max_backoff_s=0.002)
    return Client(grpc.insecure_channel("127.0.0.1:9"), "key", True, timeout_s=30, stream_timeout_s=None,
                  retry=policy)


def test_idempotent_call_is_retried_on_unavailable(client):
    rpc = ScriptedRpc([grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.UNAVAILABLE])
    assert client._invoke("MatchOpenings", rpc, object()) == "ok"
    assert len(rpc.timeouts) == 3
    # Every attempt runs within the one deadline of the call.
    assert all(0 < t <= 30 for t in rpc.timeouts)


def test_retries_stop_after_max_attempts(client):
    rpc = ScriptedRpc([grpc.StatusCode.UNAVAILABLE] * 10)
    with pytest.raises(grpc.RpcError):
        client._invoke("GetCandidate", rpc, object())
    assert len(rpc.timeouts) == 4


def test_non_idempotent_call_is_not_retried(client):
    rpc = ScriptedRpc([grpc.StatusCode.UNAVAILABLE])
    with pytest.raises(grpc.RpcError):
        client._invoke("DeleteCandidate", rpc, object())
    assert len(rpc.timeouts) == 1


def test_other_codes_are_not_retried(client):
    rpc = ScriptedRpc([grpc.StatusCode.RESOURCE_EXHAUSTED])
    with pytest.raises(grpc.RpcError):
        client._invoke("MatchOpenings", rpc, object())
    assert len(rpc.timeouts) == 1


def test_backoff_grows_and_stays_within_bounds():
    policy = passerelle.RetryPolicy(initial_backoff_s=0.1, max_backoff_s=1.0, multiplier=2.0)
    for retry in range(8):
        bound = min(1.0, 0.1 * 2 ** retry)
        assert all(0 <= policy.backoff_s(retry) <= bound for _ in range(50))


def test_idempotent_set_covers_reads_and_puts_not_deletes():
    assert passerelle.is_idempotent("PutCandidate")
    assert passerelle.is_idempotent("ListAuditEntries")
    assert not passerelle.is_idempotent("DeleteOpening")
    assert not passerelle.is_idempotent("ImportCandidates")
    assert not passerelle.is_idempotent("Rerank")
