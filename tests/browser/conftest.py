"""Fixtures of the browser tests: the server stack (harness.Stack) once per session, and one headless
Chromium at a small laptop's size (1366x768) driven by Debian's chromedriver. run_tests.py skips the
suite (ctest's return code 77) when Chromium is absent."""

import os
import pathlib
import shutil
import tempfile

import pytest

from harness import Stack

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


@pytest.fixture(scope="session")
def stack():
    for name in ("PASSERELLE_SERVER_BINARY", "PASSERELLE_GATEWAY_BINARY", "PASSERELLE_CLI_BINARY",
                 "PASSERELLE_SOURCE_DIR"):
        if not os.environ.get(name):
            pytest.fail(f"{name} is not set (run the tests through ctest -L browser)")
    workdir = pathlib.Path(tempfile.mkdtemp(prefix="passerelle-browser-"))
    s = Stack(workdir)
    try:
        yield s
    finally:
        s.stop()
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def driver():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1366,768",
                "--disable-dev-shm-usage", "--lang=fr-FR", "--force-device-scale-factor=1"):
        options.add_argument(arg)
    # The page's console messages, for the test that no script error or CSP refusal happened.
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    d = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    # The page itself gets 1366x768 CSS pixels, whatever the headless window's frame takes.
    d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                      {"width": 1366, "height": 768, "deviceScaleFactor": 1, "mobile": False})
    try:
        yield d
    finally:
        d.quit()


@pytest.fixture(scope="session")
def screenshots():
    folder = pathlib.Path(os.environ["PASSERELLE_SOURCE_DIR"]) / "docs" / "console"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
