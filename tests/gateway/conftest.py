"""Starts a real passerelle-server and a passerelle-gateway in front of it, once per test session, with a
console folder of a few files (and a symbolic link out of it, which must not be served).

Environment (set by the ctest entry, tests/gateway/CMakeLists.txt): PASSERELLE_SERVER_BINARY,
PASSERELLE_GATEWAY_BINARY, PASSERELLE_DATA_DIR (the reference data).
"""

import json
import os
import pathlib
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

import pytest

# Small caps, so that the tests can go over them cheaply.
MAX_BODY_BYTES = 8192
MAX_IMPORT_BODY_BYTES = 65536


def wait_for_port(process, port_file: pathlib.Path, name: str) -> int:
    for _ in range(600):
        if port_file.exists():
            return int(port_file.read_text().strip())
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited {process.returncode}")
        time.sleep(0.05)
    raise RuntimeError(f"{name} did not write its port file within 30 s")


class Stack:
    def __init__(self, workdir: pathlib.Path):
        self.workdir = workdir
        self.server_log_path = workdir / "server.log"
        self.gateway_log_path = workdir / "gateway.log"
        self.console = workdir / "console"
        (self.console / "js").mkdir(parents=True)
        (self.console / "empty").mkdir()
        (self.console / "index.html").write_text("<!doctype html><title>Passerelle</title>")
        (self.console / "js" / "app.js").write_text("export const answer = 42;\n")
        (self.console / ".secret").write_text("hidden")
        (workdir / "outside.txt").write_text("outside the console")
        (self.console / "link.txt").symlink_to(workdir / "outside.txt")
        server_log = open(self.server_log_path, "wb")
        self.server = subprocess.Popen(
            [os.environ["PASSERELLE_SERVER_BINARY"], "--listen=127.0.0.1:0", f"--data_dir={workdir / 'data'}",
             f"--port_file={workdir / 'server.port'}", "--sweep_interval_seconds=0", "--shutdown_grace_seconds=1"],
            stdout=server_log, stderr=subprocess.STDOUT)
        server_port = wait_for_port(self.server, workdir / "server.port", "passerelle-server")
        self.server_address = f"127.0.0.1:{server_port}"
        gateway_log = open(self.gateway_log_path, "wb")
        self.gateway = subprocess.Popen(
            [os.environ["PASSERELLE_GATEWAY_BINARY"], "--listen=127.0.0.1:0", f"--server=127.0.0.1:{server_port}",
             f"--port_file={workdir / 'gateway.port'}", f"--console_dir={self.console}",
             f"--max_body_bytes={MAX_BODY_BYTES}", f"--max_import_body_bytes={MAX_IMPORT_BODY_BYTES}"],
            stdout=gateway_log, stderr=subprocess.STDOUT)
        self.port = wait_for_port(self.gateway, workdir / "gateway.port", "passerelle-gateway")
        self.base = f"http://127.0.0.1:{self.port}"
        self.admin_key = (workdir / "data" / "bootstrap-admin.key").read_text().strip()

    def stop(self):
        """SIGTERM to both; their exit codes (a sanitizer's report at exit makes one non-zero)."""
        codes = []
        for process in (self.gateway, self.server):
            process.send_signal(signal.SIGTERM)
            codes.append(process.wait(timeout=30))
        return codes


class Answer:
    def __init__(self, status, headers, body: bytes):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)


def call(base: str, method: str, path: str, key=None, body=None, raw: bytes = None, headers=None,
         content_type="application/json") -> Answer:
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(base + path, data=data, method=method)
    if key:
        request.add_header("Authorization", f"Bearer {key}")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    if data is not None and content_type:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return Answer(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.headers, error.read())


@pytest.fixture(scope="session")
def stack():
    for name in ("PASSERELLE_SERVER_BINARY", "PASSERELLE_GATEWAY_BINARY"):
        if not os.environ.get(name):
            pytest.fail(f"{name} is not set (run the tests through ctest -L gateway)")
    with tempfile.TemporaryDirectory(prefix="passerelle-gateway-") as tmp:
        s = Stack(pathlib.Path(tmp))
        try:
            yield s
        finally:
            codes = s.stop()
        assert codes == [0, 0], (codes, s.gateway_log_path.read_text(errors="replace")[-4000:])


def new_key(stack, organisation: str, role: str) -> str:
    answer = call(stack.base, "POST", "/v1/keys", stack.admin_key,
                  {"organisation": organisation, "role": role, "description": "gateway test"})
    assert answer.status == 200, answer.body
    return answer.json()["secret"]


@pytest.fixture(scope="session")
def counsellor(stack):
    return new_key(stack, "ft-agence-bobigny", "counsellor")


@pytest.fixture(scope="session")
def other_counsellor(stack):
    return new_key(stack, "asso-montreuil", "counsellor")


@pytest.fixture(scope="session")
def employer(stack):
    return new_key(stack, "btp-93", "employer")


@pytest.fixture(scope="session")
def sample_keys(stack):
    """Keys of the organisation "sample", whose records data/sample holds."""
    return new_key(stack, "sample", "counsellor"), new_key(stack, "sample", "employer")
