"""Starts a real passerelle-server on loopback with a temporary data directory, once per test session.

Environment (set by the ctest entry, tests/ops/CMakeLists.txt): PASSERELLE_SERVER_BINARY, the server to
run; PYTHONPATH, the build tree's generated package; PASSERELLE_DATA_DIR, the reference data.
"""

import os
import pathlib
import signal
import subprocess
import tempfile
import time

import pytest

import passerelle
from passerelle.v1 import access_pb2

COUNSELLOR_ORG = "ft-agence-bobigny"
EMPLOYER_ORG = "platform-horizon"


class Server:
    def __init__(self, binary: str, workdir: pathlib.Path):
        self.workdir = workdir
        port_file = workdir / "port"
        self.log = open(workdir / "server.log", "wb")
        self.process = subprocess.Popen(
            [binary, "--listen=127.0.0.1:0", f"--data_dir={workdir / 'data'}", f"--port_file={port_file}",
             "--sweep_interval_seconds=0", "--shutdown_grace_seconds=1"],
            stdout=self.log, stderr=subprocess.STDOUT)
        # Waits for the port file (written once the server serves), or for the process to die.
        for _ in range(600):
            if port_file.exists():
                break
            if self.process.poll() is not None:
                raise RuntimeError(f"passerelle-server exited {self.process.returncode}; see {workdir}/server.log")
            time.sleep(0.05)
        else:
            raise RuntimeError("passerelle-server did not write its port file within 30 s")
        self.address = "127.0.0.1:" + port_file.read_text().strip()
        self.admin_key_file = str(workdir / "data" / "bootstrap-admin.key")

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)
        self.log.close()


@pytest.fixture(scope="session")
def server():
    binary = os.environ.get("PASSERELLE_SERVER_BINARY")
    if not binary:
        pytest.fail("PASSERELLE_SERVER_BINARY is not set (run the tests through ctest -L python)")
    with tempfile.TemporaryDirectory(prefix="passerelle-pytest-") as tmp:
        s = Server(binary, pathlib.Path(tmp))
        try:
            yield s
        finally:
            s.stop()


@pytest.fixture(scope="session")
def admin(server):
    with passerelle.connect(server.address, key_file=server.admin_key_file) as client:
        yield client


def new_key(admin_client, organisation: str, role: str) -> str:
    request = access_pb2.CreateKeyRequest(organisation=organisation, role=role, description="pytest")
    return admin_client.access.CreateKey(request).secret


@pytest.fixture(scope="session")
def counsellor(server, admin):
    with passerelle.connect(server.address, key=new_key(admin, COUNSELLOR_ORG, "counsellor")) as client:
        yield client


@pytest.fixture(scope="session")
def employer(server, admin):
    with passerelle.connect(server.address, key=new_key(admin, EMPLOYER_ORG, "employer")) as client:
        yield client
