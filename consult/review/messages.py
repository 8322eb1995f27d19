"""Email a group: from the queue, the secretariat writes one email to the
applicants a filter finds, or to those they selected, in each recipient's language
where a text is given (English otherwise), with the same {placeholders} as the email
texts. Each recipient gets their own message through the outbox; each message is an
event in their application's history; the sending is an event in the security log.

A private link goes into a message only through {link}, which is the recipient's own
(minted when the worker sends it): a link typed into the text is refused, so that
nobody's link can reach another person."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from consult.accounts.models import User
from consult.accounts.services import require_admin
from consult.applications.audit import EventKind, record_staff_change
from consult.applications.models import Application
from consult.applications.services import queue_applicant_email
from consult.applications.tokens import status_link
from consult.database import transaction
from consult.enums import ApplicationState
from consult.errors import Conflict, Invalid
from consult.extensions import db
from consult.links import holds_private_link, mask_token
from consult.notifications.models import OutboxMessage
from consult.notifications.services import render_custom_email
from consult.notifications.texts import COMMON, unknown_in
from consult.review.services import ReviewQueueFilter
from consult.security.models import SecurityTag
from consult.security.services import record_event

FALLBACK = "en"  # the text for anyone whose language has none of its own
MAX_RECIPIENTS = 10_000
TEMPLATE = "group_message"  # (the outbox's name for these messages)


class MessageError(Invalid):
    """A text that cannot be sent as written (field: the form field to show it at)."""


class GroupChanged(Conflict):
    """The group is not the one the preview showed (someone applied or withdrew)."""


@dataclass(frozen=True)
class Recipients:
    """Whom a message goes to: the queue's filter, or only `selected` ids within it.
    Never an address that was not confirmed, never erased data."""

    queue_filter: ReviewQueueFilter
    selected: tuple[int, ...] = ()

    def conditions(self) -> list:
        conds = [
            *self.queue_filter.conditions(),
            Application.state != ApplicationState.SUBMITTED,
            Application.erased_at.is_(None),
        ]
        if self.selected:
            conds.append(Application.id.in_(self.selected))
        return conds

    def by_language(self) -> dict[str, int]:
        """How many recipients read each language (one grouped query)."""
        return dict(
            db.session.execute(
                select(Application.language, func.count(Application.id))
                .where(*self.conditions())
                .group_by(Application.language)
            ).all()
        )

    def first_in(self, language: str) -> Application | None:
        return db.session.execute(
            select(Application)
            .where(*self.conditions(), Application.language == language)
            .order_by(Application.id)
            .limit(1)
        ).scalar_one_or_none()

    def each(self) -> Iterator[Application]:
        yield from db.session.execute(
            select(Application).where(*self.conditions()).order_by(Application.id)
        ).scalars()


Texts = dict[str, tuple[str, str]]  # language: (subject, body)


def check_texts(texts: Texts) -> None:
    """Refuse what cannot go out as written: no English text (the fallback), a
    language with a subject but no message (or the reverse), an unknown placeholder,
    a private link typed into the text."""
    if not all(texts.get(FALLBACK, ("", ""))):
        field = "subject" if not texts.get(FALLBACK, ("",))[0] else "body"
        raise MessageError(
            _(
                "Write the subject and message in English: anyone without a text in their language gets it."  # noqa: E501
            ),
            field=f"{field}_{FALLBACK}",
        )
    for language, (subject, body) in texts.items():
        if bool(subject) != bool(body):
            raise MessageError(
                _("Give both a subject and a message in this language, or neither."),
                field=f"{'body' if subject else 'subject'}_{language}",
            )
        for part, text in (("subject", subject), ("body", body)):
            unknown = unknown_in(text, COMMON)
            if unknown:
                raise MessageError(
                    _(
                        "Unknown placeholder: %(names)s.",
                        names=", ".join(f"{{{n}}}" for n in unknown),
                    ),
                    field=f"{part}_{language}",
                )
            if holds_private_link(text):
                raise MessageError(
                    _(
                        "A private link cannot be typed into a message: write {link}, and each person gets their own."  # noqa: E501
                    ),
                    field=f"{part}_{language}",
                )


@dataclass(frozen=True)
class Preview:
    language: str
    count: int
    uses_fallback: bool
    subject: str
    body: str  # the text part as the first recipient in that language would read it


def preview(recipients: Recipients, texts: Texts) -> list[Preview]:
    """For each language among the recipients: how many, and the email as the first
    of them would receive it (the private link shown masked)."""
    check_texts(texts)
    shown = []
    for language, count in sorted(recipients.by_language().items()):
        sample = recipients.first_in(language)
        own = texts.get(language)
        subject, body, _html = render_custom_email(
            *(own or texts[FALLBACK]), language, _context(sample)
        )
        shown.append(Preview(language, count, own is None, mask_token(subject), mask_token(body)))
    return shown


def already_sent(nonce: str) -> bool:
    return (
        db.session.execute(
            select(OutboxMessage.id)
            .where(OutboxMessage.idempotency_key.like(f"group:{nonce}:%"))
            .limit(1)
        ).first()
        is not None
    )


def _context(application: Application) -> dict:
    return {
        "application": application,
        "consultation": application.consultation,
        "link": status_link(),
    }


def send(recipients: Recipients, texts: Texts, *, by: User, nonce: str, previewed: int) -> int:
    """Queue one message per recipient and record it on their application, in one
    transaction; refused if the group is no longer the `previewed` size. The same
    `nonce` (one per compose page) sends nothing twice. Returns how many."""
    require_admin(by, _("Only administrators may email applicants."))
    check_texts(texts)
    if already_sent(nonce):
        raise GroupChanged(_("This message has been sent already."))
    count = sum(recipients.by_language().values())
    if count != previewed:
        raise GroupChanged(
            ngettext(
                "The group changed since your preview: %(num)d person now. Check and send again.",
                "The group changed since your preview: %(num)d people now. Check and send again.",
                count,
            )
        )
    if count > MAX_RECIPIENTS:
        raise MessageError(
            ngettext(
                "A message can go to at most %(num)d person: narrow the filter.",
                "A message can go to at most %(num)d people: narrow the filter.",
                MAX_RECIPIENTS,
            ),
            field=f"subject_{FALLBACK}",
        )
    with transaction():
        for application in recipients.each():
            message = queue_applicant_email(
                application,
                TEMPLATE,
                None,
                key=f"group:{nonce}:{application.id}",
                texts=texts.get(application.language) or texts[FALLBACK],
            )
            # (the history says the subject as the person got it)
            record_staff_change(application, by, note=message.subject, kind=EventKind.EMAILED)
        record_event(
            SecurityTag.GROUP_EMAIL,
            target=f"consultation {recipients.queue_filter.consultation_id}",
            detail=f"{count} recipients",
        )
    return count
