"""passerelle-gateway against a real passerelle-server: every class of route (get, put, delete, list,
match, explain, import, stream, look-up, admin, generic), error mapping with field details, keys, another
organisation's records, body caps, the console's files and path traversal."""

import http.client
import json
import os
import pathlib
import signal
import subprocess
import time

from conftest import MAX_BODY_BYTES, MAX_IMPORT_BODY_BYTES, call, wait_for_port

SAMPLE = pathlib.Path(os.environ.get("PASSERELLE_DATA_DIR", "data")) / "sample"

MASON_SKILLS = [100596, 100854, 102181]


def mason(candidate_id, **extra):
    record = {
        "id": candidate_id, "commune_insee": "93066", "transport_mode": "TRANSPORT_MODE_PUBLIC_TRANSPORT",
        "housing": "HOUSING_STATUS_TEMPORARY", "french_level": "CEFR_LEVEL_B1", "french_attested": True,
        "skills": MASON_SKILLS, "wished_occupations": ["F1703"],
        "past_occupations": [{"rome_code": "F1606", "years": 3}],
        "accepted_contracts": ["CONTRACT_TYPE_CDI", "CONTRACT_TYPE_CDD"], "available_from": "2026-03-02",
        "right_to_work": True}
    record.update(extra)
    return record


def mason_opening(opening_id):
    return {
        "id": opening_id, "employer_id": "emp-btp-93", "title": "Maçon (H/F)", "rome_code": "F1703",
        "commune_insee": "93008", "required_skills": MASON_SKILLS[:2], "desired_skills": [103070],
        "french_min_level": "CEFR_LEVEL_B1", "french_requirement": "REQUIREMENT_REQUIRED",
        "contract": "CONTRACT_TYPE_CDI", "start_date": "2026-03-02", "positions": 2}


def raw_get(stack, path, headers=None):
    """GET with the path sent exactly as given (urllib would normalise '..')."""
    connection = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=30)
    connection.putrequest("GET", path, skip_accept_encoding=True)
    for name, value in (headers or {}).items():
        connection.putheader(name, value)
    connection.endheaders()
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, response.headers, body


def server_log(stack):
    return stack.server_log_path.read_text(errors="replace")


def test_health_and_redirect(stack):
    answer = call(stack.base, "GET", "/healthz")
    assert answer.status == 200
    assert answer.json() == {"status": "SERVING"}
    status, headers, _ = raw_get(stack, "/")
    assert status == 302 and headers["Location"] == "/console/"


def test_missing_or_wrong_key_is_refused(stack):
    before = server_log(stack).count('"method":"GetStatus"')
    answer = call(stack.base, "GET", "/v1/status")
    assert answer.status == 401
    assert answer.json()["error"]["status"] == "UNAUTHENTICATED"
    answer = call(stack.base, "GET", "/v1/status", headers={"Authorization": "Basic abc"})
    assert answer.status == 401
    # Refused by the gateway: the server never saw these calls.
    assert server_log(stack).count('"method":"GetStatus"') == before
    answer = call(stack.base, "GET", "/v1/status", key="psk_wrong")
    assert answer.status == 401
    assert answer.json()["error"]["status"] == "UNAUTHENTICATED"


def test_put_get_list_delete(stack, counsellor):
    answer = call(stack.base, "PUT", "/v1/candidates/gw-c1", counsellor, {"candidate": None} and mason("ignored"))
    assert answer.status == 200, answer.body
    assert answer.json() == {"created": True}
    assert answer.headers["Cache-Control"] == "no-store"
    # The path's id won over the body's.
    got = call(stack.base, "GET", "/v1/candidates/gw-c1", counsellor)
    assert got.status == 200
    assert got.json()["candidate"]["id"] == "gw-c1"
    assert got.json()["candidate"]["frenchLevel"] == "CEFR_LEVEL_B1"
    assert call(stack.base, "GET", "/v1/candidates/ignored", counsellor).status == 404
    assert call(stack.base, "POST", "/v1/candidates", counsellor, mason("gw-c2")).json() == {"created": True}
    listed = call(stack.base, "GET", "/v1/candidates?page_size=10", counsellor).json()
    assert {c["id"] for c in listed["candidates"]} >= {"gw-c1", "gw-c2"}
    page = call(stack.base, "GET", "/v1/candidates?pageSize=1", counsellor).json()
    assert len(page["candidates"]) == 1 and page["nextPageToken"]
    assert call(stack.base, "DELETE", "/v1/candidates/gw-c2", counsellor).status == 200
    assert call(stack.base, "GET", "/v1/candidates/gw-c2", counsellor).status == 404


def test_match_explain_and_search(stack, counsellor, employer):
    assert call(stack.base, "PUT", "/v1/candidates/gw-m1", counsellor, mason("gw-m1")).status == 200
    assert call(stack.base, "PUT", "/v1/openings/gw-o1", employer, mason_opening("gw-o1")).status == 200
    matched = call(stack.base, "POST", "/v1/candidates/gw-m1:matchOpenings", counsellor, {"k": 5}).json()
    assert "gw-o1" in [m["id"] for m in matched["matches"]], matched
    by_query = call(stack.base, "GET", "/v1/candidates/gw-m1:matchOpenings?k=5&near_misses=2&explain=false",
                    counsellor).json()
    assert [m["id"] for m in by_query["matches"]] == [m["id"] for m in matched["matches"]]
    explained = call(stack.base, "GET", "/v1/candidates/gw-m1/openings/gw-o1:explain", counsellor)
    assert explained.status == 200, explained.body
    posted = call(stack.base, "POST", "/v1/explain", counsellor, {"candidate_id": "gw-m1", "opening_id": "gw-o1"})
    assert posted.json() == explained.json()
    searched = call(stack.base, "POST", "/v1/openings:search", counsellor, {"profile": mason(""), "k": 3}).json()
    assert "gw-o1" in [m["id"] for m in searched["matches"]]
    # An employer may not match openings for a candidate: the server's rule, through the gateway.
    assert call(stack.base, "POST", "/v1/candidates/gw-m1:matchOpenings", employer, {}).status == 403


def test_another_organisations_record_is_not_found(stack, counsellor, other_counsellor):
    assert call(stack.base, "PUT", "/v1/candidates/gw-mine", counsellor, mason("gw-mine")).status == 200
    theirs = call(stack.base, "GET", "/v1/candidates/gw-mine", other_counsellor)
    absent = call(stack.base, "GET", "/v1/candidates/gw-nobody", other_counsellor)
    assert theirs.status == absent.status == 404
    assert theirs.json()["error"]["status"] == "NOT_FOUND"
    assert call(stack.base, "DELETE", "/v1/candidates/gw-mine", other_counsellor).status == 404
    assert call(stack.base, "GET", "/v1/candidates/gw-mine", counsellor).status == 200


def test_errors_carry_the_field(stack, counsellor):
    answer = call(stack.base, "PUT", "/v1/candidates/gw-bad", counsellor, mason("gw-bad", commune_insee="99999"))
    assert answer.status == 400
    error = answer.json()["error"]
    assert error["status"] == "INVALID_ARGUMENT" and error["code"] == 400
    assert error["details"][0]["@type"] == "type.googleapis.com/google.rpc.BadRequest"
    assert error["details"][0]["fieldViolations"][0]["field"] == "candidate.commune_insee"
    # The gateway's own refusals have the same shape.
    unknown = call(stack.base, "PUT", "/v1/candidates/gw-bad", counsellor, {"no_such_field": 1})
    assert unknown.status == 400
    assert unknown.json()["error"]["details"][0]["fieldViolations"][0]["field"] == "candidate"
    not_json = call(stack.base, "POST", "/v1/explain", counsellor, raw=b"{not json")
    assert not_json.status == 400
    bad_param = call(stack.base, "GET", "/v1/candidates/gw-bad:matchOpenings?k=many", counsellor)
    assert bad_param.status == 400
    assert bad_param.json()["error"]["details"][0]["fieldViolations"][0]["field"] == "k"
    assert call(stack.base, "GET", "/v1/candidates?colour=red", counsellor).status == 400
    assert call(stack.base, "GET", "/v1/nothing", counsellor).status == 404
    assert call(stack.base, "PATCH", "/v1/candidates/gw-bad", counsellor, {}).status == 405
    assert call(stack.base, "POST", "/v1/rpc/Matching/NoSuchRpc", counsellor, {}).status == 404


def test_import_array_and_json_lines(stack, counsellor):
    items = [mason("gw-i1"), mason("gw-i2"), mason("gw-i3", commune_insee="99999")]
    answer = call(stack.base, "POST", "/v1/candidates:import", counsellor, items)
    assert answer.status == 200, answer.body
    summary = answer.json()
    assert summary["receivedCount"] == "3" and summary["acceptedCount"] == "2", summary
    rejected = [r for r in summary["items"] if r["status"] != "IMPORT_ITEM_STATUS_ACCEPTED"]
    assert len(rejected) == 1 and rejected[0]["index"] == "2"
    lines = "\n".join(json.dumps(mason(f"gw-l{i}")) for i in range(3)).encode()
    answer = call(stack.base, "POST", "/v1/candidates:import", counsellor, raw=lines)
    assert answer.status == 200, answer.body
    assert all(r["status"] == "IMPORT_ITEM_STATUS_ACCEPTED" for r in answer.json()["items"])
    assert call(stack.base, "GET", "/v1/candidates/gw-l2", counsellor).status == 200
    bad_item = call(stack.base, "POST", "/v1/candidates:import", counsellor, raw=b'{"id": "x"}\n{oops}')
    assert bad_item.status == 400
    assert bad_item.json()["error"]["details"][0]["fieldViolations"][0]["field"].startswith("items[1]")


def test_streams_answer_json_lines(stack, counsellor, employer):
    assert call(stack.base, "PUT", "/v1/candidates/gw-s1", counsellor, mason("gw-s1")).status == 200
    assert call(stack.base, "PUT", "/v1/openings/gw-so1", employer, mason_opening("gw-so1")).status == 200
    answer = call(stack.base, "POST", "/v1/rerank", counsellor, {"k": 3})
    assert answer.status == 200, answer.body
    assert answer.headers["Content-Type"].startswith("application/x-ndjson")
    assert answer.headers["Transfer-Encoding"] == "chunked"
    lines = [json.loads(line) for line in answer.body.decode().splitlines()]
    assert any("ranking" in line for line in lines)
    assert lines[-1]["progress"]["done"] is True
    # Fair exposure: the new request fields and stream items pass through by their JSON names.
    fair = call(stack.base, "POST", "/v1/rerank", counsellor,
                {"k": 3, "exposureAttributes": ["housing"],
                 "minExposure": {"attribute": "french_band", "group": "B1", "minShare": 0.5}})
    assert fair.status == 200, fair.body
    lines = [json.loads(line) for line in fair.body.decode().splitlines()]
    assert any("shortlist" in line for line in lines)
    assert "exposure" in lines[-2] and lines[-1]["progress"]["done"] is True
    assert [e["attribute"] for e in lines[-2]["exposure"]["slotExposure"]] == ["housing", "french_band"]
    refused = call(stack.base, "POST", "/v1/rerank", counsellor, {"minExposure": {"attribute": "age"}})
    assert refused.status == 400, refused.body
    # A watch never ends by itself: read its first message, then hang up.
    connection = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=30)
    connection.request("GET", "/v1/candidates/gw-s1:watch?k=3", headers={"Authorization": f"Bearer {counsellor}"})
    response = connection.getresponse()
    assert response.status == 200, response.read()
    first = json.loads(response.readline())
    assert first, first
    connection.close()
    # A stream refused before its first message is an ordinary error answer.
    assert call(stack.base, "GET", "/v1/candidates/gw-nobody:watch", counsellor).status == 404


def test_lookups_admin_and_generic_route(stack, counsellor):
    hits = call(stack.base, "GET", "/v1/lookup/occupations?query=ma%C3%A7on&limit=5", counsellor).json()["hits"]
    assert hits and all("romeCode" in hit for hit in hits)
    communes = call(stack.base, "GET", "/v1/lookup/communes?query=Bobigny", counsellor).json()["hits"]
    assert communes[0]["inseeCode"] == "93008"
    skills = call(stack.base, "GET", "/v1/lookup/skills/F1703", counsellor).json()
    assert skills["skills"]
    keys = call(stack.base, "GET", "/v1/keys", stack.admin_key).json()["keys"]
    assert len(keys) >= 2
    status = call(stack.base, "GET", "/v1/status", stack.admin_key).json()
    assert call(stack.base, "POST", "/v1/rpc/Matching/GetStatus", stack.admin_key, {}).json()["schemaVersion"] == \
        status["schemaVersion"]
    assert call(stack.base, "POST", "/v1/rpc/passerelle.v1.Access/ListKeys", stack.admin_key, {}).status == 200
    assert call(stack.base, "GET", "/v1/profiles/default", counsellor).json()["profile"]["name"] == "default"
    assert call(stack.base, "GET", "/v1/expiring?within_days=30", counsellor).status == 200
    assert call(stack.base, "GET", "/v1/audit", counsellor).status == 200
    assert call(stack.base, "GET", "/v1/keys", counsellor).status == 403


def test_body_caps(stack, counsellor):
    big = mason("gw-big", skills=MASON_SKILLS * 1, wished_occupations=["F1703"] * 1)
    big["available_from"] = "2026-03-02" + " " * MAX_BODY_BYTES
    assert call(stack.base, "PUT", "/v1/candidates/gw-big", counsellor, big).status == 413
    # An import may be larger, up to its own cap.
    items = [mason(f"gw-cap{i}") for i in range(40)]
    body = json.dumps(items).encode()
    assert MAX_BODY_BYTES < len(body) < MAX_IMPORT_BODY_BYTES
    assert call(stack.base, "POST", "/v1/candidates:import", counsellor, raw=body).status == 200
    huge = b"[" + b" " * MAX_IMPORT_BODY_BYTES + b"]"
    assert call(stack.base, "POST", "/v1/candidates:import", counsellor, raw=huge).status == 413


def test_console_files_and_traversal(stack):
    status, headers, body = raw_get(stack, "/console/")
    assert status == 200 and b"Passerelle" in body
    assert headers["Content-Type"].startswith("text/html")
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    status, headers, body = raw_get(stack, "/console/js/app.js")
    assert status == 200 and headers["Content-Type"].startswith("text/javascript")
    for path in ["/console/../outside.txt", "/console/%2e%2e/outside.txt", "/console/js/..%2f..%2foutside.txt",
                 "/console/link.txt", "/console/.secret", "/console/empty/", "/console/js", "/console/js/",
                 "/console/..%5coutside.txt", "/console/nothing.js"]:
        status, _, body = raw_get(stack, path)
        assert status == 404, path
        assert b"outside the console" not in body and b"hidden" not in body, path


def test_loopback_rule(stack):
    process = subprocess.run(
        [os.environ["PASSERELLE_GATEWAY_BINARY"], "--listen=0.0.0.0:0", "--server=127.0.0.1:1"],
        capture_output=True, timeout=30)
    assert process.returncode != 0
    assert b"not a loopback address" in process.stderr


def test_log_holds_no_key_and_no_id(stack, counsellor):
    call(stack.base, "GET", "/v1/candidates/gw-private-id", counsellor)
    time.sleep(0.1)
    log = stack.gateway_log_path.read_text()
    assert '"route":"/v1/candidates/{candidate_id}"' in log
    assert "gw-private-id" not in log
    assert counsellor not in log and stack.admin_key not in log


def test_sample_files_import_as_published(stack, sample_keys):
    counsellor, employer = sample_keys
    # The first lines only: this stack's import cap is small.
    lines = (SAMPLE / "candidates.jsonl").read_bytes().splitlines(keepends=True)
    candidates = b"".join(lines[:40])
    assert len(candidates) < MAX_IMPORT_BODY_BYTES
    answer = call(stack.base, "POST", "/v1/candidates:import", counsellor, raw=candidates,
                  content_type="application/x-ndjson")
    assert answer.status == 200, answer.body
    assert answer.json()["acceptedCount"] == answer.json()["receivedCount"] == "40"
    offers = json.loads((SAMPLE / "francetravail_offers.json").read_text())["resultats"][:20]
    request = [{"options": {"sync": True}, "offers": offers}]
    answer = call(stack.base, "POST", "/v1/openings:importFranceTravail", employer, request)
    assert answer.status == 200, answer.body
    report = answer.json()
    assert int(report["addedCount"]) > 0 and report["receivedCount"] == str(len(offers))
    stored = next(o for o in report["offers"] if o["status"] == "OFFER_IMPORT_STATUS_STORED")
    assert call(stack.base, "GET", f"/v1/openings/{stored['offerId']}", employer).status == 200


def test_json_labelled_as_a_form_is_read_as_json(stack, counsellor):
    # curl -d without -H sends application/x-www-form-urlencoded: the body is still the request's JSON.
    answer = call(stack.base, "POST", "/v1/candidates", counsellor, mason("gw-form"),
                  content_type="application/x-www-form-urlencoded")
    assert answer.status == 200, answer.body
    too_big = call(stack.base, "POST", "/v1/candidates:import", counsellor,
                   [mason(f"gw-form{i}") for i in range(30)], content_type="application/x-www-form-urlencoded")
    assert too_big.status == 413
    assert "application/json" in too_big.json()["error"]["message"]


def test_sigterm_ends_open_streams(stack, counsellor, tmp_path):
    assert call(stack.base, "PUT", "/v1/candidates/gw-w1", counsellor, mason("gw-w1")).status == 200
    gateway = subprocess.Popen(
        [os.environ["PASSERELLE_GATEWAY_BINARY"], "--listen=127.0.0.1:0", f"--server={stack.server_address}",
         f"--port_file={tmp_path / 'port'}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        port = wait_for_port(gateway, tmp_path / "port", "passerelle-gateway")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", "/v1/candidates/gw-w1:watch", headers={"Authorization": f"Bearer {counsellor}"})
        response = connection.getresponse()
        assert response.status == 200
        assert json.loads(response.readline())["sequence"] == "1"
        gateway.send_signal(signal.SIGTERM)
        # The watch would run for the server's deadline (a day); the gateway cancels it and exits.
        assert gateway.wait(timeout=20) == 0
        connection.close()
    finally:
        if gateway.poll() is None:
            gateway.kill()
            gateway.wait()
