"""Make sure what the app and its tests need from Debian is there (installs it when
root): the Noto fonts the PDFs (visa letters, badges) embed for every UN language, and
-- for the browser tests -- Debian's Chromium.

`--fonts` (what `make run` asks): the fonts only. Without an argument (`make test`):
the fonts and Chromium.

Playwright cannot download its own browsers here; the tests drive /usr/bin/chromium.
Chinese needs a CJK font (fonts-noto-cjk: pages and PDFs show real characters, not
boxes); Arabic in PDFs needs Noto Naskh Arabic, and Latin and Cyrillic Noto Sans
(fonts-noto-core). Without them (and without root to install them) the browser tests
and the PDF tests skip, unless CONSULT_REQUIRE_BROWSER=1 (as in CI): then they fail.
"""

import os
import shutil
import subprocess
import sys

CHROMIUM = "/usr/bin/chromium"
CJK_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
ARABIC_FONT = "/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf"
# What is missing -> the Debian package that brings it.
FONTS = {CJK_FONT: "fonts-noto-cjk", ARABIC_FONT: "fonts-noto-core"}
BROWSER = {CHROMIUM: "chromium"}


def main() -> int:
    needed = FONTS if "--fonts" in sys.argv[1:] else {**FONTS, **BROWSER}
    missing = [package for path, package in needed.items() if not os.path.exists(path)]
    if not missing:
        return 0
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        print(
            f"Missing and cannot be installed here: {', '.join(missing)} "
            f"(install them with apt-get as root; PDFs need the fonts)."
        )
        return 0
    print(f"Installing {', '.join(missing)} ...", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
    result = subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=False, env=env)
    return 0 if result.returncode == 0 or not os.environ.get("CONSULT_REQUIRE_BROWSER") else 1


if __name__ == "__main__":
    sys.exit(main())
