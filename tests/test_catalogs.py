"""The six UN languages: every catalog complete, no fuzzy entry, placeholders intact,
and the template up to date with the code (a new string fails here until
`make translations` and a translator have been through it)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "consult" / "translations"
LANGUAGES = ["fr", "es", "ar", "zh", "ru"]
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdif]|\{\w+\}")


def catalog(language: str):
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=language)


def template_ids(path: Path) -> set[str]:
    with path.open("rb") as handle:
        return {m.id for m in read_po(handle) if m.id}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    messages = [m for m in catalog(language) if m.id]
    assert {m.id for m in messages} == template_ids(TRANSLATIONS / "messages.pot")
    untranslated = [m.id for m in messages if not m.string]
    fuzzy = [m.id for m in messages if m.fuzzy]
    assert untranslated == [] and fuzzy == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_match_the_english(language):
    """Every placeholder of the English in the translation, no other; a plural form may
    write its number as a word ("deux", Arabic duals) and leave %(num)d out."""
    wrong = []
    for m in catalog(language):
        if not m.id:
            continue
        if isinstance(m.id, tuple):
            english = sorted(PLACEHOLDER.findall(m.id[1]))
            for form in m.string:
                found = sorted(PLACEHOLDER.findall(form))
                if found != english and found != [p for p in english if p != "%(num)d"]:
                    wrong.append((m.id, form))
        elif sorted(PLACEHOLDER.findall(m.id)) != sorted(PLACEHOLDER.findall(m.string)):
            wrong.append((m.id, m.string))
    assert wrong == []


def test_counts_use_plural_forms():
    """A count is never "review(s)": every English message with a number in it that
    is not a plural message says it as "label: number"."""
    singular_counts = [
        m.id
        for m in read_po((TRANSLATIONS / "messages.pot").open("rb"))
        if m.id and not isinstance(m.id, tuple) and re.search(r"\w\(s\)", m.id)
    ]
    assert singular_counts == []


def test_the_template_has_every_string_of_the_code(tmp_path):
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [
            Path(sys.executable).parent / "pybabel",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "N_",
            "-k",
            "lazy_ngettext:1,2",
            "-o",
            str(fresh),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    missing = template_ids(fresh) - template_ids(TRANSLATIONS / "messages.pot")
    stale = template_ids(TRANSLATIONS / "messages.pot") - template_ids(fresh)
    assert (missing, stale) == (set(), set()), "run `make translations` and translate"


def test_every_complete_language_is_offered(app):
    from consult.i18n import offered_languages

    with app.app_context():
        assert offered_languages() == ["en", "fr", "es", "ar", "zh", "ru"]


def test_french_typography():
    """French puts a no-break space before : ; ! ? and inside « », so that the sign never
    starts a line; and its emails greet without "Cher/Chère" slashes."""
    problems = []
    for message in catalog("fr"):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            # (placeholders, links and times are not French text)
            prose = re.sub(r"%\([a-z_]+\)[sd]|https?://\S+|\{[a-z_]+\}|\d{1,2}:\d{2}", "", text)
            if re.search(r"[^\u00a0\u202f]([:;!?»])(?=\s|$)|«[^\u00a0\u202f]", prose):
                problems.append(text)
            if "/" in text and re.search(r"\bCher\b", text):
                problems.append(text)
    assert problems == []
