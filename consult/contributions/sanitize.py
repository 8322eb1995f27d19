"""Rich text from the public, stored safely: what a contributor types becomes HTML that
went through an allow-list sanitizer (nh3, the Rust ammonia library) before it is
stored, and it is sanitized again whenever it is shown -- never raw HTML.

Contributors write plain text (no editor is needed, nothing needs JavaScript): a blank
line starts a paragraph, lines starting with "- " or "* " make a list, "1." a numbered
one, and addresses (https://...) become links. Pasted HTML is accepted too, cut down to
the same few tags.
"""

from __future__ import annotations

import hashlib
import html
import re

import nh3

from consult.database import fold

TAGS = {"p", "br", "ul", "ol", "li", "a", "strong", "em", "b", "i", "blockquote"}
ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener noreferrer ugc"
MAX_LENGTH = 20000

# Text that opens one of the allowed tags is taken as HTML (and cleaned), not as text.
_LOOKS_LIKE_HTML = re.compile(r"<\s*(" + "|".join(sorted(TAGS)) + r")\b", re.I)
_URL = re.compile(r"\bhttps?://[^\s<>\"']+[^\s<>\"'.,;:!?)]")
_BULLET = re.compile(r"^\s*[-*•]\s+")
_NUMBERED = re.compile(r"^\s*\d{1,3}[.)]\s+")


def clean(markup: str) -> str:
    """HTML cut down to the allow-list: no scripts, no event handlers, no styles, links
    only to http(s) and mailto, every link marked nofollow."""
    return nh3.clean(
        markup or "",
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    ).strip()


def _linked(escaped_line: str) -> str:
    return _URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped_line)


def _block(lines: list[str]) -> str:
    if all(_BULLET.match(line) for line in lines):
        items = "".join(f"<li>{_linked(html.escape(_BULLET.sub('', x)))}</li>" for x in lines)
        return f"<ul>{items}</ul>"
    if all(_NUMBERED.match(line) for line in lines):
        items = "".join(f"<li>{_linked(html.escape(_NUMBERED.sub('', x)))}</li>" for x in lines)
        return f"<ol>{items}</ol>"
    return "<p>" + "<br>".join(_linked(html.escape(line.strip())) for line in lines) + "</p>"


def from_text(text: str) -> str:
    """What a contributor typed, as safe HTML (see the module's docstring)."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return ""
    if _LOOKS_LIKE_HTML.search(text):
        return clean(text)
    blocks = [block.split("\n") for block in re.split(r"\n\s*\n", text) if block.strip()]
    return clean("".join(_block([line for line in lines if line.strip()]) for lines in blocks))


_ANCHOR = re.compile(r'<a href="([^"]*)"[^>]*>(.*?)</a>', re.S)


def _anchor_text(match: re.Match) -> str:
    href, label = match.group(1), match.group(2)
    return label if html.unescape(label) == html.unescape(href) else f"{label} ({href})"


def to_text(markup: str) -> str:
    """Stored HTML as plain text (for editing, the search, PDFs, the CSV and emails):
    paragraphs separated by blank lines, list items as "- " lines."""
    markup = markup or ""
    markup = _ANCHOR.sub(_anchor_text, markup)
    markup = re.sub(r"<li>", "\n- ", markup)
    markup = re.sub(r"<br\s*/?>", "\n", markup)
    markup = re.sub(r"</(p|ul|ol|blockquote)>", "\n\n", markup)
    text = nh3.clean(markup, tags=set())  # every tag gone, entities kept
    text = html.unescape(text)
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def searchable(*texts: str) -> str:
    """Plain, folded text for the public search (accents and case folded)."""
    return fold(" ".join(" ".join(t.split()) for t in texts if t)) or ""


def fingerprint(texts: list[str]) -> str:
    """The same text sent twice (spacing and case aside) gives the same fingerprint."""
    normal = searchable(*texts)
    return hashlib.sha256(normal.encode()).hexdigest() if normal else ""
