"""PDF documents in six languages (visa letters, badges): fpdf2 with HarfBuzz shaping
(uharfbuzz) and the Noto fonts Debian ships (Arabic joined and right to left, Chinese
and Cyrillic from the same families). docs/decisions.md says why this path.

The fonts come from the system (`scripts/ensure_system.py` installs fonts-noto-core
and fonts-noto-cjk; the Dockerfile too); CONSULT_FONT_DIR adds a directory to look in.
A missing font is a clear error, not a PDF with empty boxes."""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from fpdf import FPDF

from consult.errors import Gone

FONT_DIRS = (
    "/usr/share/fonts/truetype/noto",
    "/usr/share/fonts/opentype/noto",
    "/usr/local/share/fonts",
)
# family: (regular, bold); the first family is the default, the others the fallbacks
# fpdf2 uses for characters the current font lacks.
FAMILIES = {
    "NotoSans": ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
    "NotoNaskh": ("NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf"),
    "NotoCJK": ("NotoSansCJK-Regular.ttc", "NotoSansCJK-Bold.ttc"),
}
# The family that leads for a language's text.
LEADING = {"ar": "NotoNaskh", "zh": "NotoCJK"}


class FontsMissing(Gone):
    """The fonts a PDF needs are not installed."""


@cache
def font_path(name: str) -> Path:
    extra = os.environ.get("CONSULT_FONT_DIR", "")
    for directory in (extra, *FONT_DIRS) if extra else FONT_DIRS:
        candidate = Path(directory) / name
        if candidate.is_file():
            return candidate
    raise FontsMissing(
        f"The font {name} is not installed: run scripts/ensure_system.py "
        "(Debian packages fonts-noto-core and fonts-noto-cjk)."
    )


def fonts_installed() -> bool:
    try:
        for regular, bold in FAMILIES.values():
            font_path(regular), font_path(bold)
    except FontsMissing:
        return False
    return True


def new_document(
    *, texts: Iterable[str] | None = None, languages: Iterable[str] = (), **kwargs
) -> FPDF:
    """An FPDF with the font families registered, shaping on, fallbacks set. With
    `texts`, only the families those texts need (Noto Sans always): loading the CJK
    font alone takes more than half a second, so a document in Latin script skips it."""
    pdf = FPDF(**kwargs)
    pdf.set_auto_page_break(False)
    needed = set(FAMILIES) if texts is None else families_for(texts, languages)
    for family, (regular, bold) in FAMILIES.items():
        if family not in needed:
            continue
        options = {"collection_font_number": 0} if regular.endswith(".ttc") else {}
        pdf.add_font(family, style="", fname=font_path(regular), **options)
        pdf.add_font(family, style="B", fname=font_path(bold), **options)
    pdf.set_fallback_fonts([f for f in list(FAMILIES)[1:] if f in needed] + ["NotoSans"])
    pdf.set_text_shaping(True)
    pdf.set_creator("consult")
    return pdf


def families_for(texts: Iterable[str], languages: Iterable[str] = ()) -> set[str]:
    """The font families a set of texts (in these languages) needs; Noto Sans always."""
    needed = {"NotoSans"} | {LEADING[lang] for lang in languages if lang in LEADING}
    for text in texts:
        needed.update(f for f in map(_family_of_char, text) if f is not None)
    return needed


def _family_of_char(char: str) -> str | None:
    """The family a character's script needs, if not the default's."""
    name = unicodedata.name(char, "")
    if name.startswith("ARABIC"):
        return "NotoNaskh"
    if name.startswith(("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "FULLWIDTH", "IDEOGRAPHIC")):
        return "NotoCJK"
    return None


def is_rtl(text: str) -> bool:
    """Does the text's first strong character run right to left?"""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def family_for(text: str, language: str = "en") -> str:
    """The family to set for a piece of text: its script's, else the language's."""
    for char in text:
        family = _family_of_char(char)
        if family is not None:
            return family
    return LEADING.get(language, "NotoSans")


def write(
    pdf: FPDF,
    text: str,
    *,
    size: float,
    bold: bool = False,
    language: str = "en",
    rtl: bool | None = None,
):
    """Set the font and the direction for `text` (call before cell / multi_cell): the
    direction its first strong character says, unless `rtl` says it (a paragraph of a
    right-to-left letter runs right to left even where it starts with a Latin name)."""
    pdf.set_font(family_for(text, language), "B" if bold else "", size)
    if rtl is None:
        rtl = is_rtl(text) or (language == "ar" and not text.strip())
    direction = "rtl" if rtl else "ltr"
    pdf.set_text_shaping(use_shaping_engine=True, direction=direction)
    return direction
