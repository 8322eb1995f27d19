"""Text for people: dates and times in the reader's language, plain text as paragraphs.

Shared ground: pages (as Jinja filters), emails and documents all format through these.
"""

from __future__ import annotations

from datetime import date, datetime

from babel import Locale
from babel.dates import format_date, format_time
from flask_babel import get_locale
from markupsafe import Markup, escape

from consult.database import utc_to_local

# Meetings of the UN in Geneva are given with a 24-hour clock in every language, and
# English as the UN writes it (British: "Friday 29 January 2027"), whatever the browser.
TIME_PATTERN = "HH:mm"
_FORMAT_LOCALES = {"en": "en_GB"}


def _reader_locale(language: str | None = None) -> Locale:
    code = language or str(get_locale())
    return Locale.parse(_FORMAT_LOCALES.get(code, code))


def local_datetime(
    value: datetime | None,
    tz: str = "Europe/Zurich",
    fmt: str = "long",
    *,
    language: str | None = None,
) -> str:
    """A naive-UTC timestamp shown in `tz` for the current locale (or `language`: the
    audit log's notes are written in English), e.g. "Friday 29 January 2027, 10:00 CET"
    (long) or "29 Jan 2027, 10:00 CET"."""
    if value is None:
        return ""
    aware = utc_to_local(value, tz)
    locale = _reader_locale(language)
    day = format_date(aware, format="full" if fmt == "long" else "medium", locale=locale)
    time = format_time(aware, format=TIME_PATTERN, locale=locale)
    # The locale's own way to join a date and a time ("{1}, {0}", "{1} {0}", ...).
    pattern = str(locale.datetime_formats["medium"])
    return pattern.replace("{1}", day).replace("{0}", f"{time} {aware.tzname()}")


def local_date(value: datetime | None, tz: str = "Europe/Zurich") -> str:
    """The day only ("Thursday, 28 January 2027"), in `tz`, for the current locale."""
    if value is None:
        return ""
    return format_date(utc_to_local(value, tz), format="full", locale=_reader_locale())


def local_span(
    start: datetime, end: datetime, tz: str = "Europe/Zurich", *, language: str | None = None
) -> str:
    """A time slot on one day: "29 Jan 2027, 10:00–11:30 CET"."""
    begin, finish = utc_to_local(start, tz), utc_to_local(end, tz)
    locale = _reader_locale(language)
    day = format_date(begin, format="medium", locale=locale)
    times = "–".join(format_time(t, format=TIME_PATTERN, locale=locale) for t in (begin, finish))
    pattern = str(locale.datetime_formats["medium"])
    return pattern.replace("{1}", day).replace("{0}", f"{times} {begin.tzname()}")


def calendar_date(value: date | None) -> str:
    """A day that is not a moment (an answer "2027-01-29"), in the reader's style."""
    if value is None:
        return ""
    return format_date(value, format="long", locale=_reader_locale())


def local_time(
    value: datetime | None, tz: str = "Europe/Zurich", *, language: str | None = None
) -> str:
    """The time of day only ("11:30", a 24-hour clock), in `tz`, for the current locale."""
    if value is None:
        return ""
    locale = _reader_locale(language)
    return format_time(utc_to_local(value, tz), format=TIME_PATTERN, locale=locale)


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """An English count for the command line and the audit log's notes (which are
    English): "1 message", "2 messages" -- never "message(s)"."""
    return f"{n} {noun if n == 1 else (plural or noun + 's')}"


def paragraphs(text: str) -> Markup:
    """Plain text with blank-line-separated paragraphs, escaped, as <p> elements."""
    blocks = [block.strip() for block in (text or "").replace("\r\n", "\n").split("\n\n")]
    return Markup("\n").join(
        Markup("<p>{}</p>").format(Markup("<br>").join(escape(line) for line in b.split("\n")))
        for b in blocks
        if b
    )
