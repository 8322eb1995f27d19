"""Make sure Debian's Chromium is there for the browser tests (installs it when root).

Playwright cannot download its own browsers here; the tests drive /usr/bin/chromium.
Without it (and without root to install it) the browser tests skip, unless
CONSULT_REQUIRE_BROWSER=1 (as in CI), where they fail instead.
"""

import os
import shutil
import subprocess
import sys

CHROMIUM = "/usr/bin/chromium"


def main() -> int:
    if os.path.exists(CHROMIUM):
        return 0
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        print(f"{CHROMIUM} is missing and cannot be installed here: browser tests will skip.")
        return 0
    print("Installing Debian's chromium for the browser tests ...", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
    result = subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=False, env=env)
    return 0 if result.returncode == 0 or not os.environ.get("CONSULT_REQUIRE_BROWSER") else 1


if __name__ == "__main__":
    sys.exit(main())
