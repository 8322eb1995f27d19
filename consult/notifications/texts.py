"""Admin-editable email texts: the emails, their placeholders, safe rendering.

An override is plain text. `{name}`-style placeholders are replaced by values;
nothing else is interpreted, so text typed in the browser cannot run template code.
The HTML part is made from the text: escaped, paragraphs at blank lines, links made
clickable, inside the same layout as the built-in emails.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from consult.consultations.content import localized
from consult.consultations.models import Consultation
from consult.hooks import Hook
from consult.text import local_datetime

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")

COMMON = ("name", "reference", "consultation", "role", "venue", "starts", "link")


@dataclass(frozen=True)
class EmailKind:
    template: str
    title: str
    when: str
    extra: tuple[str, ...] = ()

    @property
    def placeholders(self) -> tuple[str, ...]:
        return COMMON + self.extra


EMAIL_KINDS = [
    EmailKind(
        "verify_email",
        _l("Address verification"),
        _l("Right after someone applies; the link confirms the address."),
    ),
    EmailKind(
        "already_applied",
        _l("Already applied"),
        _l("When the form is sent again for a role the address has already applied for."),
    ),
    EmailKind(
        "application_received",
        _l("Application received"),
        _l("When a speaker's address is confirmed and review begins."),
    ),
    EmailKind(
        "accepted",
        _l("Accepted"),
        _l("When an admin accepts; asks the person to confirm."),
        ("message", "deadline"),
    ),
    EmailKind("rejected", _l("Not accepted"), _l("When an admin rejects."), ("message",)),
    EmailKind(
        "decision_corrected",
        _l("Decision corrected"),
        _l("When an admin corrects an announced decision (accepted to not accepted, or back)."),
        ("message", "deadline"),
    ),
    EmailKind(
        "waitlisted", _l("Waiting list"), _l("When someone goes on the waiting list."), ("message",)
    ),
    EmailKind(
        "promoted",
        _l("Promoted from the waiting list"),
        _l("When a place becomes free for someone waiting."),
        ("message",),
    ),
    EmailKind(
        "participation_confirmed",
        _l("Participation confirmed"),
        _l("When participation is confirmed; carries the calendar entry."),
        ("confirmation_link",),
    ),
    EmailKind(
        "confirmation_reminder",
        _l("Reminder to confirm"),
        _l("3 days before the confirmation deadline (consult mail remind)."),
        ("deadline",),
    ),
    EmailKind("declined", _l("Declined"), _l("When an accepted speaker declines.")),
    EmailKind(
        "withdrawal_acknowledged",
        _l("Withdrawal acknowledged"),
        _l("When someone withdraws their application."),
    ),
    EmailKind(
        "cancellation_acknowledged",
        _l("Cancellation acknowledged"),
        _l("When a confirmed participant cancels their place."),
    ),
]
KINDS = {kind.template: kind for kind in EMAIL_KINDS}

PLACEHOLDER_HELP = {
    "name": _l("the applicant's full name"),
    "reference": _l("the application reference, e.g. FM-P-0042"),
    "consultation": _l("the consultation's title"),
    "role": _l("the role applied for"),
    "venue": _l("the venue"),
    "starts": _l("when the meeting starts, in its time zone"),
    "link": _l("the applicant's private link"),
    "message": _l("the secretariat's message with the decision (may be empty)"),
    "deadline": _l("the deadline to confirm"),
    "confirmation_link": _l("the printable confirmation"),
}


def unknown_placeholders(text: str, template: str) -> list[str]:
    return unknown_in(text, KINDS[template].placeholders)


def unknown_in(text: str, allowed) -> list[str]:
    """The {placeholders} in `text` that are not among `allowed`."""
    return sorted({name for name in PLACEHOLDER.findall(text) if name not in set(allowed)})


# The made-up recipient of an email preview (nobody's real data, no token), given by
# the feature whose people receive these emails (the applications).
preview_recipient: Hook[[Consultation], object] = Hook("preview_recipient")


def placeholder_values(context: dict) -> dict[str, str]:
    """The values for an email's placeholders, from the context its template gets."""
    application = context["application"]
    consultation = context["consultation"]
    offer = context.get("offer")
    deadline = context.get("deadline") or (offer.confirm_by if offer is not None else None)
    return {
        "name": application.full_name,
        "reference": application.reference,
        "consultation": str(localized(consultation, "title")),
        "role": application.role.label.lower(),
        "venue": consultation.venue,
        "starts": local_datetime(consultation.starts_at, consultation.timezone),
        "link": context.get("link", ""),
        "message": context.get("message", ""),
        "deadline": local_datetime(deadline, consultation.timezone) if deadline else "",
        "confirmation_link": context.get("confirmation_link", ""),
    }


def fill(text: str, values: dict[str, str]) -> str:
    """Replace known {placeholders}; leave any other braces as they are."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


_URL = re.compile(r"(https?://[^\s<]+)")


def text_to_html(text: str) -> Markup:
    """Escaped paragraphs with clickable links."""
    blocks = [b.strip() for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]
    html = []
    for block in blocks:
        escaped = str(escape(block))
        linked = _URL.sub(r'<a href="\1" style="color:#005a9c;">\1</a>', escaped)
        html.append("<p>" + linked.replace("\n", "<br>") + "</p>")
    return Markup("\n".join(html))
