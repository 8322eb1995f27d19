"""Per language: messages translated, fuzzy and missing (what `make translations` prints
after merging; tests/test_catalogs.py fails unless every catalog is complete)."""

import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1] / "consult" / "translations"


def stats(po_file: Path) -> tuple[int, int, int]:
    with po_file.open("rb") as handle:
        catalog = read_po(handle)
    messages = [m for m in catalog if m.id]
    strings = [m.string if isinstance(m.string, tuple) else (m.string,) for m in messages]
    translated = sum(1 for m, s in zip(messages, strings, strict=True) if all(s) and not m.fuzzy)
    fuzzy = sum(1 for m in messages if m.fuzzy)
    return len(messages), translated, fuzzy


def main() -> int:
    incomplete = 0
    for po_file in sorted(ROOT.glob("*/LC_MESSAGES/messages.po")):
        total, translated, fuzzy = stats(po_file)
        language = po_file.parts[-3]
        percent = 100 * translated / total if total else 100
        print(f"{language}: {translated}/{total} translated ({percent:.1f} %), {fuzzy} fuzzy")
        incomplete += translated < total
    return 1 if incomplete else 0


if __name__ == "__main__":
    sys.exit(main())
