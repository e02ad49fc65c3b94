"""The Python client against a real passerelle-server (conftest.py starts it)."""

import grpc
import pytest

import passerelle
from passerelle.v1 import governance_pb2, matching_pb2
from conftest import COUNSELLOR_ORG, new_key
from records import mason_candidate, mason_opening


def test_connect_put_and_match(counsellor, employer):
    counsellor.put_candidate(mason_candidate("cand-py-1"))
    employer.put_opening(mason_opening("open-py-1"))
    answer = counsellor.match_openings("cand-py-1", k=5)
    assert "open-py-1" in [m.id for m in answer.matches]
    best = next(m for m in answer.matches if m.id == "open-py-1")
    assert 0 < best.total <= 1


def test_reasons_come_in_the_language_asked_only(server, admin, counsellor, employer):
    counsellor.put_candidate(mason_candidate("cand-py-lang"))
    employer.put_opening(mason_opening("open-py-lang"))
    french = counsellor.explain("cand-py-lang", "open-py-lang").explanation
    assert all(c.reason.fr and not c.reason.en for c in french.criteria)
    english = counsellor.explain("cand-py-lang", "open-py-lang", language=matching_pb2.REASON_LANGUAGE_EN).explanation
    assert all(c.reason.en and not c.reason.fr for c in english.criteria)
    with passerelle.connect(server.address, key=new_key(admin, COUNSELLOR_ORG, "counsellor"), language="en") as client:
        answer = client.match_openings("cand-py-lang", k=50)
        best = next(m for m in answer.matches if m.id == "open-py-lang")
        assert all(c.reason.en and not c.reason.fr for c in best.explanation.criteria)
    with pytest.raises(ValueError):
        passerelle.connect(server.address, language="de")


def test_match_candidates_from_the_employer_side(counsellor, employer):
    consenting = mason_candidate("cand-py-shared")
    consenting.shared_with_employers = True
    counsellor.put_candidate(consenting)
    employer.put_opening(mason_opening("open-py-2"))
    answer = employer.match_candidates("open-py-2", k=10)
    assert "cand-py-shared" in [m.id for m in answer.matches]


def test_server_errors_surface_with_their_code(counsellor):
    with pytest.raises(grpc.RpcError) as error:
        counsellor.matching.GetCandidate(matching_pb2.GetCandidateRequest(candidate_id="nobody"))
    assert error.value.code() == grpc.StatusCode.NOT_FOUND


def test_a_call_without_key_is_unauthenticated(server):
    with passerelle.connect(server.address) as anonymous:
        with pytest.raises(grpc.RpcError) as error:
            anonymous.match_openings("cand-py-1")
    assert error.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_a_wrong_key_is_unauthenticated(server):
    with passerelle.connect(server.address, key="psk_k0000000000000000_wrong") as client:
        with pytest.raises(grpc.RpcError) as error:
            client.match_openings("cand-py-1")
    assert error.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_import_streams_report_each_item(counsellor):
    candidates = [mason_candidate(f"cand-imp-{i}") for i in range(3)]
    bad = mason_candidate("cand-imp-bad")
    bad.commune_insee = "00000"
    report = counsellor.import_candidates(candidates + [bad])
    assert (report.received_count, report.accepted_count, report.rejected_count) == (4, 3, 1)
    rejected = [item for item in report.items if item.status == matching_pb2.IMPORT_ITEM_STATUS_REJECTED]
    assert [item.id for item in rejected] == ["cand-imp-bad"]


def test_rerank_iterates_the_server_stream(counsellor, employer):
    counsellor.put_candidate(mason_candidate("cand-rr"))
    employer.put_opening(mason_opening("open-rr"))
    rankings = {ranking.candidate_id: ranking for ranking in counsellor.rerank(k=3, progress_every=1)}
    assert "cand-rr" in rankings
    assert all(isinstance(r, matching_pb2.CandidateRanking) for r in rankings.values())
    assert len(rankings["cand-rr"].matches) >= 1


def test_rerank_with_exposure_returns_shortlists_and_the_report(counsellor, employer):
    counsellor.put_candidate(mason_candidate("cand-fair"))  # B1 (records.py)
    employer.put_opening(mason_opening("open-fair"))
    outcome = counsellor.rerank_with_exposure(
        k=5, exposure_attributes=["housing"], slots_per_opening=3,
        min_exposure={"attribute": "french_band", "group": "B1", "min_share": 0.5})
    assert "cand-fair" in [r.candidate_id for r in outcome.rankings]
    assert "open-fair" in [s.opening_id for s in outcome.shortlists]
    report = outcome.exposure
    assert isinstance(report, matching_pb2.RerankExposure)
    assert [e.attribute for e in report.slot_exposure] == ["housing", "french_band"]
    assert report.representative_exposure.attribute == "french_band"
    assert report.score_cost == pytest.approx(report.score_before - report.score_after)
    with pytest.raises(grpc.RpcError) as error:
        counsellor.rerank_with_exposure(min_exposure={"attribute": "nationality", "group": "x", "min_share": 0.5})
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error.value.details().startswith("min_exposure.attribute")


def test_form_cohorts_returns_the_result_of_the_stream(counsellor, employer):
    counsellor.put_candidate(mason_candidate("cand-poec"))
    opening = mason_opening("open-poec")
    opening.training_provided = True
    opening.french_training_hours = 400  # training with French: a POEC route
    employer.put_opening(opening)
    result = counsellor.form_cohorts(regions=["11"], min_cohort_size=1, max_cohort_size=1000)
    assert isinstance(result, matching_pb2.CohortsResult)
    assert result.poec_opening_count >= 1
    assert result.placed_count >= 1
    assert any(o.opening_id == "open-poec" for c in result.cohorts for o in c.openings)
    assert all(c.domaine_code == "F17" and c.region_code == "11" for c in result.cohorts)


def test_audit_entries_iterate_over_pages(admin, counsellor):
    counsellor.put_candidate(mason_candidate("cand-audited"))
    for _ in range(3):
        counsellor.matching.GetCandidate(matching_pb2.GetCandidateRequest(candidate_id="cand-audited"))
    pages = []
    original = admin.governance.ListAuditEntries

    def counting(request):
        pages.append(request.page_token)
        return original(request)

    entries = list(passerelle.iterate_pages(
        counting, governance_pb2.ListAuditEntriesRequest(rpc="GetCandidate", page_size=1), "entries"))
    assert len(entries) == 3
    assert len(pages) >= 3 and pages[0] == "" and all(pages[1:])  # one page per entry, then the tokens
    assert [e.rpc for e in admin.audit_entries(rpc="GetCandidate", page_size=2)] == ["GetCandidate"] * 3


def test_rpcs_missing_from_the_api_are_reported_not_crashing(counsellor):
    assert counsellor.has_rpc("MatchOpenings")
    assert not counsellor.has_rpc("NoSuchRpc")
    with pytest.raises(AttributeError, match="NoSuchRpc"):
        counsellor.matching.NoSuchRpc


@pytest.mark.skipif(not hasattr(matching_pb2, "ListCandidatesRequest"), reason="no ListCandidates in this API")
def test_list_candidates_pages_when_the_api_has_it(counsellor):
    for i in range(5):
        counsellor.put_candidate(mason_candidate(f"cand-list-{i}"))
    ids = [c.id for c in counsellor.pages("ListCandidates", matching_pb2.ListCandidatesRequest(page_size=2),
                                          "candidates")]
    assert {f"cand-list-{i}" for i in range(5)} <= set(ids)
    assert len(ids) == len(set(ids))


def test_plaintext_to_a_remote_address_is_refused():
    with pytest.raises(ValueError, match="tls=True"):
        passerelle.connect("192.0.2.1:50051", key="k")
