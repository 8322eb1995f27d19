"""Private links inside text: the stand-in that stored emails hold instead of a token,
filling it in at send time, and masking live links wherever people or logs read text.

Shared ground: the outbox (which fills links in), the outbox pages and the logs (which
mask them) and the applications (which mint the tokens) all use these rules.
"""

from __future__ import annotations

import re

# Stands for the token in stored emails. Only URL-safe characters, so it survives
# HTML escaping and URL quoting unchanged.
LINK_TOKEN = "private-link-token-filled-in-when-sent"
MASK = "[private-link]"
# A raw token in a URL path: an applicant's /a/<43 URL-safe base64 characters>, a
# contributor's /w/<token>, or a staff invitation's /secretariat/invitation/<token>.
PRIVATE_PATHS = ("/a/", "/w/", "/secretariat/invitation/")
_RAW_TOKEN_IN_PATH = re.compile(
    "(" + "|".join(map(re.escape, PRIVATE_PATHS)) + r")[A-Za-z0-9_\-]{20,128}"
)


def fill_token(text: str, raw: str) -> str:
    """A stored email part with its link made live (the worker, at send time)."""
    return text.replace(LINK_TOKEN, raw)


def mask_token(text: str) -> str:
    """What staff and logs see of text holding private links: shown, never usable."""
    return _RAW_TOKEN_IN_PATH.sub(lambda m: m.group(1) + MASK, text.replace(LINK_TOKEN, MASK))


def holds_private_link(text: str) -> bool:
    """Does text someone typed hold a private link (a live one, or the stand-in)?"""
    return LINK_TOKEN in text or _RAW_TOKEN_IN_PATH.search(text) is not None


def scrub_raw_tokens(text: str) -> str:
    """Replace raw tokens in old stored emails by LINK_TOKEN (the scrub migration)."""
    return _RAW_TOKEN_IN_PATH.sub(lambda m: m.group(1) + LINK_TOKEN, text or "")
