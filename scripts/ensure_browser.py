"""Make sure Debian's Chromium, and fonts for every UN language, are there for the
browser tests (installs them when root).

Playwright cannot download its own browsers here; the tests drive /usr/bin/chromium.
Chinese pages need a CJK font to render (fonts-noto-cjk: the screenshots the suite
keeps show real characters, not boxes); Arabic and Cyrillic come with DejaVu.
Without them (and without root to install them) the browser tests skip, unless
CONSULT_REQUIRE_BROWSER=1 (as in CI), where they fail instead.
"""

import os
import shutil
import subprocess
import sys

CHROMIUM = "/usr/bin/chromium"
CJK_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
# What is missing -> the Debian package that brings it.
NEEDED = {CHROMIUM: "chromium", CJK_FONT: "fonts-noto-cjk"}


def main() -> int:
    missing = [package for path, package in NEEDED.items() if not os.path.exists(path)]
    if not missing:
        return 0
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        print(f"Missing and cannot be installed here: {', '.join(missing)}.")
        return 0
    print(f"Installing {', '.join(missing)} for the browser tests ...", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
    result = subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=False, env=env)
    return 0 if result.returncode == 0 or not os.environ.get("CONSULT_REQUIRE_BROWSER") else 1


if __name__ == "__main__":
    sys.exit(main())
