"""ctest entry of the browser tests: exits 77 (ctest's SKIP_RETURN_CODE) with the reason when Chromium or
its driver is absent, else runs the pytest suite of this folder."""

import os
import sys

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

if __name__ == "__main__":
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    if missing:
        print(f"SKIPPED: {', '.join(missing)} absent; install Debian's chromium and chromium-driver "
              "(scripts/install-deps.sh) to run the console's browser tests")
        sys.exit(77)
    try:
        import selenium  # noqa: F401
    except ImportError:
        print("SKIPPED: python3-selenium is absent (scripts/install-deps.sh installs it)")
        sys.exit(77)
    import pytest

    here = os.path.dirname(os.path.abspath(__file__))
    sys.exit(pytest.main(["-q", "-p", "no:cacheprovider", here]))
