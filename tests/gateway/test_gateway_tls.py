"""TLS at both ends: passerelle-gateway speaking HTTPS (--tls_cert/--tls_key) and TLS to a passerelle-server
that speaks TLS only (--server_ca), with a self-signed certificate for 127.0.0.1 made by the openssl tool."""

import os
import pathlib
import signal
import ssl
import subprocess
import tempfile
import urllib.error
import urllib.request

import pytest

from conftest import wait_for_port


def make_certificate(directory: pathlib.Path):
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        check=True, capture_output=True)
    return cert, key


@pytest.fixture(scope="module")
def tls_stack():
    with tempfile.TemporaryDirectory(prefix="passerelle-gateway-tls-") as tmp:
        work = pathlib.Path(tmp)
        cert, key = make_certificate(work)
        processes = []
        try:
            server = subprocess.Popen(
                [os.environ["PASSERELLE_SERVER_BINARY"], "--listen=127.0.0.1:0", f"--data_dir={work / 'data'}",
                 f"--port_file={work / 'server.port'}", f"--tls_cert={cert}", f"--tls_key={key}",
                 "--sweep_interval_seconds=0", "--shutdown_grace_seconds=1"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            processes.append(server)
            server_port = wait_for_port(server, work / "server.port", "passerelle-server")
            gateway = subprocess.Popen(
                [os.environ["PASSERELLE_GATEWAY_BINARY"], "--listen=127.0.0.1:0", f"--server=127.0.0.1:{server_port}",
                 f"--server_ca={cert}", f"--tls_cert={cert}", f"--tls_key={key}",
                 f"--port_file={work / 'gateway.port'}"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            processes.append(gateway)
            port = wait_for_port(gateway, work / "gateway.port", "passerelle-gateway")
            admin_key = (work / "data" / "bootstrap-admin.key").read_text().strip()
            yield port, cert, admin_key
        finally:
            for process in reversed(processes):
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=30)


def test_https_to_the_gateway_and_tls_to_the_server(tls_stack):
    port, cert, admin_key = tls_stack
    context = ssl.create_default_context(cafile=str(cert))
    request = urllib.request.Request(f"https://127.0.0.1:{port}/v1/status",
                                     headers={"Authorization": f"Bearer {admin_key}"})
    with urllib.request.urlopen(request, context=context, timeout=30) as response:
        assert response.status == 200
        assert b"schemaVersion" in response.read()
    with urllib.request.urlopen(f"https://127.0.0.1:{port}/healthz", context=context, timeout=30) as response:
        assert response.status == 200


def test_plain_http_is_not_served_on_a_tls_port(tls_stack):
    port, _, _ = tls_stack
    with pytest.raises((urllib.error.URLError, ConnectionError, OSError)):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10).read()
