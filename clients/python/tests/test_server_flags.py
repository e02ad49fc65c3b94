"""passerelle-server's own command line: --help lists its flags, --config holds them, flags override it."""

import os
import pathlib
import subprocess
import time

import pytest

BINARY = os.environ.get("PASSERELLE_SERVER_BINARY", "")


def run(*args, timeout=30):
    return subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=timeout)


def test_help_lists_the_server_flags():
    result = run("--help")
    for flag in ("--listen", "--data_dir", "--config", "--metrics_listen", "--tls_cert", "--max_k"):
        assert flag in result.stdout + result.stderr, flag
    assert "No flags matched" not in result.stdout + result.stderr


def wait_for(path: pathlib.Path, process: subprocess.Popen):
    for _ in range(600):
        if path.exists():
            return
        assert process.poll() is None, f"server exited {process.returncode}"
        time.sleep(0.05)
    pytest.fail(f"{path} did not appear")


def test_config_file_holds_flags_and_the_command_line_overrides_it(tmp_path):
    config = tmp_path / "passerelle.conf"
    config.write_text(f"# test\nlisten = 127.0.0.1:1\ndata_dir = {tmp_path / 'from-config'}\n"
                      f"port_file = {tmp_path / 'port'}\nsweep_interval_seconds = 0\n")
    process = subprocess.Popen([BINARY, f"--config={config}", "--listen=127.0.0.1:0"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(tmp_path / "port", process)
        assert int((tmp_path / "port").read_text()) > 1  # --listen overrode the file's port 1
        assert (tmp_path / "from-config" / "bootstrap-admin.key").exists()  # data_dir came from the file
    finally:
        process.terminate()
        assert process.wait(timeout=30) == 0


def test_unknown_setting_in_config_file_is_refused_with_its_line(tmp_path):
    config = tmp_path / "bad.conf"
    config.write_text("listen = 127.0.0.1:0\nno_such_flag = 1\n")
    result = run(f"--config={config}")
    assert result.returncode == 2
    assert "line 2" in result.stderr and "no_such_flag" in result.stderr


def test_missing_config_file_is_refused(tmp_path):
    result = run(f"--config={tmp_path / 'absent.conf'}")
    assert result.returncode == 2
    assert "absent.conf" in result.stderr
