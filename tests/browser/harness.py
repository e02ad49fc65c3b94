"""Starts a real passerelle-server and passerelle-gateway on loopback with a temporary data directory,
creates the keys the browser tests use and loads the sample cohort (data/sample) with the passerelle CLI.

Environment (set by the ctest entry, tests/browser/CMakeLists.txt): PASSERELLE_SERVER_BINARY,
PASSERELLE_GATEWAY_BINARY, PASSERELLE_CLI_BINARY, PASSERELLE_SOURCE_DIR.
"""

import json
import os
import pathlib
import signal
import subprocess
import time
import urllib.error
import urllib.request

# The sample's records belong to "sample": its counsellor key writes the candidates, its employer key the
# openings. "other-employer" publishes nothing and reads only consenting candidates.
SAMPLE_ORG = "sample"
OTHER_EMPLOYER_ORG = "other-employer"


def _wait_for(predicate, what: str, process: subprocess.Popen, log: pathlib.Path, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited {process.returncode}; its log: {log}\n{log.read_text()[-2000:]}")
        if predicate():
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not start within {seconds} s; its log: {log}")


class Stack:
    """passerelle-server + passerelle-gateway serving clients/console/, with keys and the sample loaded."""

    def __init__(self, workdir: pathlib.Path):
        self.workdir = workdir
        self.source_dir = pathlib.Path(os.environ["PASSERELLE_SOURCE_DIR"])
        self.cli = os.environ["PASSERELLE_CLI_BINARY"]
        self.processes = []
        self._start_server(os.environ["PASSERELLE_SERVER_BINARY"])
        self._create_keys()
        self._load_sample()
        self._start_gateway(os.environ["PASSERELLE_GATEWAY_BINARY"])

    def _start_server(self, binary: str):
        port_file = self.workdir / "server.port"
        log = self.workdir / "server.log"
        process = subprocess.Popen(
            [binary, "--listen=127.0.0.1:0", f"--data_dir={self.workdir / 'data'}", f"--port_file={port_file}",
             "--sweep_interval_seconds=0", "--shutdown_grace_seconds=1"],
            stdout=open(log, "wb"), stderr=subprocess.STDOUT)
        self.processes.append(process)
        _wait_for(lambda: port_file.exists() and port_file.read_text().strip(), "passerelle-server", process, log)
        self.server_address = "127.0.0.1:" + port_file.read_text().strip()

    def _run_cli(self, *args: str, key_file: str = "") -> str:
        env = dict(os.environ, PASSERELLE_SERVER=self.server_address)
        if key_file:
            env["PASSERELLE_KEY_FILE"] = key_file
        done = subprocess.run([self.cli, *args], env=env, capture_output=True, text=True, timeout=120,
                              cwd=self.source_dir)
        if done.returncode != 0:
            raise RuntimeError(f"passerelle {' '.join(args)} failed ({done.returncode}): {done.stderr}")
        return done.stdout

    def _create_keys(self):
        admin = str(self.workdir / "data" / "bootstrap-admin.key")
        self.keys = {}
        for name, org, role in [("counsellor", SAMPLE_ORG, "counsellor"), ("employer", SAMPLE_ORG, "employer"),
                                ("other_employer", OTHER_EMPLOYER_ORG, "employer")]:
            self.keys[name] = self._run_cli("keys", "create", "--organisation", org, "--role", role,
                                            "--description", "browser test", "--secret-only",
                                            key_file=admin).strip()
        for name, key in self.keys.items():
            path = self.workdir / f"{name}.key"
            path.write_text(key + "\n")
            path.chmod(0o600)

    def _load_sample(self):
        sample = self.source_dir / "data" / "sample"
        self._run_cli("import", "candidates", str(sample / "candidates.jsonl"),
                      key_file=str(self.workdir / "counsellor.key"))
        self._run_cli("import", "openings", str(sample / "openings.jsonl"),
                      key_file=str(self.workdir / "employer.key"))

    def _start_gateway(self, binary: str):
        port_file = self.workdir / "gateway.port"
        log = self.workdir / "gateway.log"
        process = subprocess.Popen(
            [binary, "--listen=127.0.0.1:0", f"--port_file={port_file}", f"--server={self.server_address}",
             f"--console_dir={self.source_dir / 'clients' / 'console'}"],
            stdout=open(log, "wb"), stderr=subprocess.STDOUT)
        self.processes.append(process)
        _wait_for(lambda: port_file.exists() and port_file.read_text().strip(), "passerelle-gateway", process, log)
        self.base_url = "http://127.0.0.1:" + port_file.read_text().strip()

        def healthy():
            try:
                with urllib.request.urlopen(self.base_url + "/healthz", timeout=2) as answer:
                    return answer.status == 200
            except (OSError, urllib.error.URLError):
                return False

        _wait_for(healthy, "passerelle-gateway", process, log)

    def call(self, method: str, request: dict, key: str) -> dict:
        """One rpc of passerelle.v1.Matching through the gateway's generic route (setup, not under test)."""
        data = json.dumps(request).encode()
        req = urllib.request.Request(f"{self.base_url}/v1/rpc/passerelle.v1.Matching/{method}", data=data,
                                     headers={"Authorization": f"Bearer {self.keys[key]}",
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as answer:
            return json.loads(answer.read())

    def stop(self):
        for process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in reversed(self.processes):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
