"""Written contributions: the call and its guiding questions, submitting
through a private link, the contributor's own changes, moderation, themes, erasure.

Every change is one transaction with its history event (ContributionEvent) and, for
the secretariat's actions, a security event; emails go through the outbox in the same
transaction. The private link is minted by the mail worker when the email is sent
(LINK_TOKEN in the stored email), as for applications.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import selectinload

from consult.accounts.models import User
from consult.accounts.services import require_admin
from consult.applications.models import Application
from consult.applications.tokens import hash_token
from consult.cache import LISTINGS, bump, cached
from consult.consultations.models import Consultation
from consult.contributions import files as stored_files
from consult.contributions.models import (
    PUBLIC_STATES,
    Consent,
    Contribution,
    ContributionAnswer,
    ContributionCall,
    ContributionEvent,
    ContributionFile,
    ContributionState,
    ContributionTheme,
    ContributionToken,
    GuidingQuestion,
    OnBehalf,
)
from consult.contributions.sanitize import fingerprint, searchable, to_text
from consult.database import transaction, utcnow
from consult.database.personal import erased_values
from consult.errors import Conflict, DomainError, Gone, Invalid
from consult.extensions import db
from consult.http import public_url
from consult.links import LINK_TOKEN
from consult.notifications.models import OutboxMessage
from consult.notifications.services import queue_email
from consult.security.models import SecurityTag
from consult.security.services import record_event

S = ContributionState
VERIFY_TEMPLATE = "contribution_verify"
MODERATED_TEMPLATE = "contribution_moderated"
TEMPLATES = (VERIFY_TEMPLATE, MODERATED_TEMPLATE)
CONTRIBUTOR = "contributor"
MAX_TOKEN_LENGTH = 128


class ContributionError(DomainError):
    """Any refusal about a written contribution (its kind says which)."""


class InvalidContribution(ContributionError, Invalid):
    pass


class StaleContribution(ContributionError, Conflict):
    pass


class ContributionsClosed(ContributionError, Gone):
    pass


# -- the call and its questions -------------------------------------------------------


def call_of(consultation_id: int) -> ContributionCall | None:
    return db.session.get(ContributionCall, consultation_id)


def call_dates(consultation_id: int) -> tuple[datetime, datetime] | None:
    """(opens, closes) of the call, from the process's cache (no query on the public
    pages that ask)."""

    def load(session):
        call = session.get(ContributionCall, consultation_id)
        asks = session.execute(
            select(GuidingQuestion.id).where(GuidingQuestion.consultation_id == consultation_id)
        ).first()
        return (call.opens_at, call.closes_at) if call is not None and asks else ()

    return cached("contribution_call", consultation_id, load) or None  # (() is kept; None not)


def detail_links(consultation: Consultation, now: datetime) -> list[tuple[str, str]]:
    """The consultation page's `detail_links` hook: send one while the call is open,
    read them once it has opened."""
    dates = call_dates(consultation.id)
    if dates is None or now < dates[0]:
        return []
    links = []
    if now < dates[1]:
        links.append(
            (
                _("Send a written contribution"),
                url_for("contributions.contribute", slug=consultation.slug),
            )
        )
    links.append((_("Read the written contributions"), url_for_list(consultation)))
    return links


def guiding_questions(consultation_id: int) -> list[GuidingQuestion]:
    return list(
        db.session.execute(
            select(GuidingQuestion)
            .where(GuidingQuestion.consultation_id == consultation_id)
            .order_by(GuidingQuestion.position, GuidingQuestion.id)
        ).scalars()
    )


def accepting(consultation_id: int, now: datetime | None = None) -> bool:
    """Open now, with questions to answer."""
    dates = call_dates(consultation_id)
    return bool(dates) and dates[0] <= (now or utcnow()) < dates[1]


def set_call(consultation: Consultation, opens_at: datetime, closes_at: datetime, *, by: User):
    require_admin(by, _("Only administrators change the call for contributions."))
    if closes_at <= opens_at:
        raise InvalidContribution(
            _("The close date must be after the open date."), field="closes_at"
        )
    with transaction():
        call = call_of(consultation.id)
        if call is None:
            call = ContributionCall(consultation_id=consultation.id, last_number=0)
            db.session.add(call)
        call.opens_at, call.closes_at = opens_at, closes_at
        bump()  # (the consultation's public page links to the call)
        record_event(
            SecurityTag.SETTINGS_CHANGED,
            user=by,
            target=f"consultation {consultation.id}",
            detail="Call for written contributions changed.",
        )
    return call


def save_question(
    consultation: Consultation,
    question: GuidingQuestion | None,
    label: str,
    help_text: str,
    position: int,
    *,
    by: User,
) -> GuidingQuestion:
    require_admin(by, _("Only administrators change the guiding questions."))
    with transaction():
        if question is None:
            question = GuidingQuestion(consultation_id=consultation.id)
            db.session.add(question)
        question.label, question.help, question.position = label, help_text, position
        bump()  # (whether the consultation takes contributions may change)
        db.session.flush()
        record_event(
            SecurityTag.SETTINGS_CHANGED,
            user=by,
            target=f"consultation {consultation.id}",
            detail=f"Guiding question {question.id} saved.",
        )
    return question


def delete_question(question: GuidingQuestion, *, by: User) -> None:
    require_admin(by, _("Only administrators change the guiding questions."))
    answered = db.session.execute(
        select(func.count())
        .select_from(ContributionAnswer)
        .where(ContributionAnswer.question_id == question.id, ContributionAnswer.body != "")
    ).scalar_one()
    if answered:
        raise InvalidContribution(
            _("Contributions answer this question: it cannot be deleted."), field="label"
        )
    with transaction():
        record_event(
            SecurityTag.SETTINGS_CHANGED,
            user=by,
            target=f"consultation {question.consultation_id}",
            detail=f"Guiding question {question.id} deleted.",
        )
        bump()
        db.session.delete(question)


# -- history ---------------------------------------------------------------------------


def record(contribution: Contribution, note: str, *, by: User | None = None) -> None:
    db.session.add(
        ContributionEvent(
            contribution_id=contribution.id,
            actor=by.email if by is not None else CONTRIBUTOR,
            actor_user_id=by.id if by is not None else None,
            state=contribution.state,
            note=note,
        )
    )


def history(contribution: Contribution) -> list[ContributionEvent]:
    return list(
        db.session.execute(
            select(ContributionEvent)
            .where(ContributionEvent.contribution_id == contribution.id)
            .order_by(ContributionEvent.id)
        ).scalars()
    )


# -- private links ---------------------------------------------------------------------


def find_by_token(raw: str) -> Contribution | None:
    """The contribution a private link reaches (never an erased one)."""
    if not raw or len(raw) > MAX_TOKEN_LENGTH or raw == LINK_TOKEN:
        return None
    token = db.session.execute(
        select(ContributionToken).where(ContributionToken.token_hash == hash_token(raw))
    ).scalar_one_or_none()
    if token is None or token.contribution.erased_at is not None:
        return None
    return token.contribution


def _key_of(contribution: Contribution, what: str) -> str:
    return f"contribution:{contribution.id}:{what}"


def mint_link_for_message(message: OutboxMessage) -> str | None:
    """The outbox's `link_minter` for contribution emails (the contribution's id is in
    the message's key): a fresh private link, minted when the email is sent."""
    if message.template not in TEMPLATES or not message.idempotency_key.startswith("contribution:"):
        return None
    contribution_id = int(message.idempotency_key.split(":")[1])
    raw = secrets.token_urlsafe(32)
    db.session.add(ContributionToken(contribution_id=contribution_id, token_hash=hash_token(raw)))
    return raw


def private_link() -> str:
    return public_url("contributions.status", token=LINK_TOKEN)


def _email(contribution: Contribution, template: str, what: str) -> None:
    queue_email(
        key=_key_of(contribution, what),
        template=template,
        to=contribution.email,
        language=contribution.language,
        context={
            "contribution": contribution,
            "consultation": contribution.consultation,
            "link": private_link(),
        },
    )


# -- submitting and the contributor's own changes -------------------------------------


@dataclass
class ContributionData:
    full_name: str
    email: str
    organization: str
    category_id: int
    country: str
    gender: str
    on_behalf: OnBehalf
    consent: Consent
    language: str
    # question id -> sanitized HTML
    answers: dict[int, str] = field(default_factory=dict)


def _texts(answers: dict[int, str]) -> list[str]:
    return [to_text(body) for _, body in sorted(answers.items()) if body]


def _set_answers(contribution: Contribution, answers: dict[int, str]) -> None:
    existing = {a.question_id: a for a in contribution.answers}
    for question_id, body in answers.items():
        answer = existing.get(question_id)
        if answer is None:
            contribution.answers.append(ContributionAnswer(question_id=question_id, body=body))
        elif answer.body != body:
            answer.body, answer.original = body, ""
    texts = _texts(answers)
    contribution.search_text = searchable(*texts)  # (the answers only: see public.py)
    contribution.fingerprint = fingerprint(texts)


def _next_reference(consultation: Consultation) -> str:
    call = db.session.execute(
        select(ContributionCall)
        .where(ContributionCall.consultation_id == consultation.id)
        .with_for_update()
    ).scalar_one()
    call.last_number += 1
    return f"{consultation.reference_prefix}-W-{call.last_number:04d}"


def _attach(contribution: Contribution, uploads: list[stored_files.Upload]) -> list[str]:
    """Store the uploads; returns the stored names (removed again if the transaction
    fails)."""
    written = []
    for upload in uploads:
        stored_as = stored_files.store(upload.data)
        written.append(stored_as)
        contribution.files.append(
            ContributionFile(
                name=upload.name,
                kind=upload.kind,
                size=len(upload.data),
                sha256=upload.sha256,
                stored_as=stored_as,
            )
        )
    return written


def _same_text(consultation_id: int, print_: str) -> Contribution | None:
    if not print_:
        return None
    query = select(Contribution).where(
        Contribution.consultation_id == consultation_id,
        Contribution.fingerprint == print_,
        Contribution.state != S.WITHDRAWN,
        Contribution.erased_at.is_(None),
    )
    return db.session.execute(query.order_by(Contribution.id).limit(1)).scalar_one_or_none()


def submit(
    consultation: Consultation, data: ContributionData, uploads: list[stored_files.Upload]
) -> Contribution:
    """A new contribution, waiting for its email address to be confirmed; the email
    with the private link is queued. The same text sent again from the same address is
    not taken twice: its link is sent again instead."""
    now = utcnow()
    if not accepting(consultation.id, now):
        raise ContributionsClosed(_("This consultation does not take contributions now."))
    print_ = fingerprint(_texts(data.answers))
    twin = _same_text(consultation.id, print_)
    if twin is not None and twin.email == data.email:
        with transaction():
            _email(twin, VERIFY_TEMPLATE, f"again:{now:%Y%m%dT%H%M%S.%f}")
        return twin
    written: list[str] = []
    try:
        with transaction():
            contribution = Contribution(
                reference=_next_reference(consultation),
                consultation_id=consultation.id,
                state=S.UNVERIFIED,
                full_name=data.full_name,
                email=data.email,
                organization=data.organization,
                category_id=data.category_id,
                country=data.country,
                gender=data.gender,
                on_behalf=data.on_behalf,
                consent=data.consent,
                language=data.language,
                duplicate_of_id=twin.id if twin is not None else None,
                created_at=now,
                updated_at=now,
            )
            db.session.add(contribution)
            _set_answers(contribution, data.answers)
            written = _attach(contribution, uploads)
            db.session.flush()
            record(contribution, "Contribution sent; email address not confirmed yet.")
            _email(contribution, VERIFY_TEMPLATE, "verify")
    except BaseException:
        for stored_as in written:
            stored_files.delete(stored_as)
        raise
    return contribution


def verify(contribution: Contribution) -> None:
    """The contributor confirms their address (a POST from the private page): the
    contribution goes to the secretariat."""
    if contribution.state != S.UNVERIFIED:
        return
    with transaction():
        contribution.state = S.NEW
        contribution.email_verified_at = utcnow()
        record(contribution, "Email address confirmed.")


def editing_closed_because(contribution: Contribution, now: datetime | None = None) -> str | None:
    if contribution.state == S.WITHDRAWN:
        return _("You withdrew this contribution.")
    call = call_of(contribution.consultation_id)
    if call is None or (now or utcnow()) >= call.closes_at:
        return _("The call for contributions is closed.")
    return None


def _check_version(contribution: Contribution, version: int | None) -> None:
    if version is not None and version != contribution.version:
        raise StaleContribution(
            _("The contribution changed since you opened this page. Please look at it again.")
        )


def edit(
    contribution: Contribution,
    *,
    version: int,
    full_name: str,
    organization: str,
    consent: Consent,
    answers: dict[int, str],
    uploads: list[stored_files.Upload],
    remove_file_ids: list[int],
) -> bool:
    """The contributor changes their contribution (until the close date). A published
    contribution goes back to moderation. Returns whether anything changed."""
    reason = editing_closed_because(contribution)
    if reason:
        raise ContributionsClosed(reason)
    _check_version(contribution, version)
    limit = current_app.config["CONTRIBUTION_FILES_MAX"]
    kept = [f for f in contribution.files if f.id not in remove_file_ids]
    if len(kept) + len(uploads) > limit:
        raise InvalidContribution(_("At most %(n)s attachments.", n=limit), field="attachments")
    removed = [f for f in contribution.files if f.id in remove_file_ids]
    before = {a.question_id: a.body for a in contribution.answers}
    changed = (
        full_name != contribution.full_name
        or organization != contribution.organization
        or consent != contribution.consent
        or any(before.get(q, "") != body for q, body in answers.items())
        or removed
        or uploads
    )
    if not changed:
        return False
    written: list[str] = []
    try:
        with transaction():
            contribution.full_name = full_name
            contribution.organization = organization
            contribution.consent = consent
            _set_answers(contribution, answers)
            for gone in removed:
                contribution.files.remove(gone)
            written = _attach(contribution, uploads)
            was_public = contribution.is_public
            if was_public:
                bump(which=LISTINGS)
            if contribution.state in (S.PUBLISHED, S.ANONYMOUS, S.NOT_PUBLISHED):
                contribution.state = S.NEW
                contribution.published_at = None
            contribution.updated_at = utcnow()
            record(
                contribution,
                "Changed by the contributor"
                + ("; unpublished until the secretariat looks again." if was_public else "."),
            )
    except BaseException:
        for stored_as in written:
            stored_files.delete(stored_as)
        raise
    for gone in removed:
        stored_files.delete(gone.stored_as)
    return True


def withdraw(contribution: Contribution, *, version: int) -> None:
    """The contributor takes it back: unpublished at once, kept for the record until
    erased (the contributor can erase it too)."""
    if contribution.state == S.WITHDRAWN:
        return
    _check_version(contribution, version)
    with transaction():
        contribution.state = S.WITHDRAWN
        contribution.published_at = None
        contribution.updated_at = utcnow()
        record(contribution, "Withdrawn by the contributor.")
        bump(which=LISTINGS)


# -- moderation --------------------------------------------------------------------------

DECISIONS = {
    "publish": S.PUBLISHED,
    "anonymous": S.ANONYMOUS,
    "reject": S.NOT_PUBLISHED,
}


def allowed_decisions(contribution: Contribution) -> list[str]:
    """What the contributor's consent allows: the name only with consent to it,
    publication only with consent to publish."""
    if contribution.consent == Consent.NAMED:
        return ["publish", "anonymous", "reject"]
    if contribution.consent == Consent.ANONYMOUS:
        return ["anonymous", "reject"]
    return ["reject"]


def moderate(
    contribution: Contribution, decision: str, reason: str, *, version: int, by: User
) -> None:
    """Publish (with the name or anonymously) or not, with a reason; the contributor
    is told by email. Only what their consent allows."""
    require_admin(by, _("Only administrators moderate contributions."))
    if contribution.state in (S.UNVERIFIED, S.WITHDRAWN) or contribution.erased_at:
        raise InvalidContribution(_("This contribution cannot be moderated now."))
    if decision not in allowed_decisions(contribution):
        raise InvalidContribution(_("The contributor did not consent to that."), field="decision")
    if decision == "reject" and not reason.strip():
        raise InvalidContribution(
            _("Say why it is not published: the contributor is told."), field="reason"
        )
    _check_version(contribution, version)
    to = DECISIONS[decision]
    with transaction():
        contribution.state = to
        contribution.moderation_reason = reason.strip()
        contribution.published_at = utcnow() if to.is_public else None
        record(contribution, f"Moderated: {to.value}.", by=by)
        bump(which=LISTINGS)  # (the public programme links a speaker's contribution)
        record_event(
            SecurityTag.CONTRIBUTION_MODERATED,
            user=by,
            target=f"contribution {contribution.id} ({contribution.reference})",
            detail=to.value,
        )
        _email(contribution, MODERATED_TEMPLATE, f"moderated:{contribution.version}")


def fix_formatting(
    contribution: Contribution, question_id: int, body: str, *, version: int, by: User
) -> None:
    """The secretariat corrects an answer's formatting; the contributor's own text is
    kept beside it (shown on the moderation page, in the data download)."""
    require_admin(by, _("Only administrators moderate contributions."))
    _check_version(contribution, version)
    answer = next((a for a in contribution.answers if a.question_id == question_id), None)
    if answer is None or answer.body == body:
        return
    with transaction():
        if not answer.original:
            answer.original = answer.body
        answer.body = body
        contribution.updated_at = utcnow()
        texts = _texts({a.question_id: a.body for a in contribution.answers})
        contribution.search_text = searchable(*texts)
        record(contribution, f"Formatting of the answer to question {question_id} fixed.", by=by)
        db.session.flush()  # (a new version: a second edit on the old page is refused)
        record_event(
            SecurityTag.CONTRIBUTION_MODERATED,
            user=by,
            target=f"contribution {contribution.id} ({contribution.reference})",
            detail="formatting fixed",
        )


# -- themes ------------------------------------------------------------------------------


def themes_of(consultation_id: int) -> list[ContributionTheme]:
    return list(
        db.session.execute(
            select(ContributionTheme)
            .where(ContributionTheme.consultation_id == consultation_id)
            .order_by(ContributionTheme.name)
        ).scalars()
    )


def parse_themes(text: str) -> list[str]:
    names: list[str] = []
    for part in (text or "").replace("\n", ",").split(","):
        name = " ".join(part.split())[:100]
        if name and name.casefold() not in {n.casefold() for n in names}:
            names.append(name)
    return names


def set_themes(contribution: Contribution, names: list[str], passage: str, *, by: User) -> None:
    """The contribution's themes (new names make new themes) and the passage the
    synthesis quotes."""
    require_admin(by, _("Only administrators tag contributions."))
    with transaction():
        existing = {t.name.casefold(): t for t in themes_of(contribution.consultation_id)}
        themes = []
        for name in names:
            theme = existing.get(name.casefold())
            if theme is None:
                theme = ContributionTheme(consultation_id=contribution.consultation_id, name=name)
                db.session.add(theme)
                existing[name.casefold()] = theme
            themes.append(theme)
        contribution.themes = themes
        contribution.passage = passage.strip()
        record(
            contribution, "Themes: " + (", ".join(t.name for t in themes) or "none") + ".", by=by
        )


def link_theme_to_session(theme: ContributionTheme, session_id: int | None, *, by: User) -> None:
    require_admin(by, _("Only administrators tag contributions."))
    with transaction():
        theme.session_id = session_id
        bump(which=LISTINGS)
        record_event(
            SecurityTag.SETTINGS_CHANGED,
            user=by,
            target=f"consultation {theme.consultation_id}",
            detail=f"Theme {theme.id} linked to programme session {session_id}.",
        )


# -- personal data -----------------------------------------------------------------------


def erase(contribution: Contribution, *, by: User | None = None) -> None:
    """Erase the person's data: name, address, organization, answers, attachments
    (deleted from storage), the emails to them; the reference, category, country, state
    and history stay for the counts."""
    if contribution.erased_at is not None:
        return
    if by is not None:
        require_admin(by, _("Only administrators erase contributions."))
    stored = [f.stored_as for f in contribution.files]
    with transaction():
        _blank([contribution.id])
        bump(which=LISTINGS)
        db.session.refresh(contribution)
        record(contribution, "Personal data erased.", by=by)
        if by is not None:
            record_event(
                SecurityTag.ERASED,
                user=by,
                target=f"contribution {contribution.id} ({contribution.reference})",
            )
    for stored_as in stored:
        stored_files.delete(stored_as)
    stored_files.forget_pdfs(contribution.id)


def _blank(contribution_ids: list[int]) -> None:
    for contribution in db.session.execute(
        select(Contribution).where(Contribution.id.in_(contribution_ids))
    ).scalars():
        for name, value in erased_values(Contribution, contribution).items():
            setattr(contribution, name, value)
        contribution.erased_at = utcnow()
        if contribution.state.is_public or contribution.state in (S.NEW, S.UNVERIFIED):
            contribution.state = S.WITHDRAWN
        contribution.published_at = None
        contribution.themes = []
    db.session.flush()
    for model in (ContributionAnswer, ContributionFile, ContributionToken):
        db.session.execute(
            delete(model)
            .where(model.contribution_id.in_(contribution_ids))
            .execution_options(synchronize_session=False)
        )
    for contribution_id in contribution_ids:
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.idempotency_key.like(f"contribution:{contribution_id}:%"))
            .values(**erased_values(OutboxMessage))
            .execution_options(synchronize_session=False)
        )


def purge(consultation: Consultation) -> int:
    """The retention purge of a consultation: every contribution not published is
    erased, files and all (the published ones are public record by the contributor's
    consent). Returns how many."""
    rows = db.session.execute(
        select(Contribution.id, Contribution.state).where(
            Contribution.consultation_id == consultation.id,
            Contribution.erased_at.is_(None),
        )
    ).all()
    ids = [row.id for row in rows if row.state not in PUBLIC_STATES]
    if not ids:
        return 0
    stored = list(
        db.session.execute(
            select(ContributionFile.stored_as).where(ContributionFile.contribution_id.in_(ids))
        ).scalars()
    )
    with transaction():
        _blank(ids)
        for contribution_id in ids:
            db.session.add(
                ContributionEvent(
                    contribution_id=contribution_id,
                    actor="system",
                    state=S.WITHDRAWN,
                    note="Personal data erased after the retention period.",
                )
            )
    for stored_as in stored:
        stored_files.delete(stored_as)
    for contribution_id in ids:
        stored_files.forget_pdfs(contribution_id)
    return len(ids)


def personal_data(contribution: Contribution) -> dict:
    """Everything held about the contributor, for their own download (with the files)."""
    emails = db.session.execute(
        select(OutboxMessage)
        .where(OutboxMessage.idempotency_key.like(f"contribution:{contribution.id}:%"))
        .order_by(OutboxMessage.id)
    ).scalars()
    questions = {q.id: q.label for q in guiding_questions(contribution.consultation_id)}
    return {
        "reference": contribution.reference,
        "consultation": contribution.consultation.title,
        "state": contribution.state.value,
        "name": contribution.full_name,
        "email": contribution.email,
        "organization": contribution.organization,
        "category": contribution.category.name,
        "country": contribution.country,
        "gender": contribution.gender,
        "on_behalf": contribution.on_behalf.value,
        "consent": contribution.consent.value,
        "language": contribution.language,
        "answers": [
            {
                "question": questions.get(a.question_id, ""),
                "text": to_text(a.body),
                "before_the_secretariat_fixed_its_formatting": to_text(a.original) or None,
            }
            for a in contribution.answers
        ],
        "attachments": [
            {"name": f.name, "type": f.kind, "bytes": f.size, "sha256": f.sha256}
            for f in contribution.files
        ],
        "secretariat_reason": contribution.moderation_reason,
        "created_at": contribution.created_at.isoformat(),
        "published_at": contribution.published_at.isoformat()
        if contribution.published_at
        else None,
        "history": [
            {"at": e.created_at.isoformat(), "state": e.state.value, "note": e.note}
            for e in history(contribution)
        ],
        "emails": [
            {"at": m.created_at.isoformat(), "subject": m.subject, "state": m.state.value}
            for m in emails
        ],
    }


def contribution_in(consultation_id: int, contribution_id: int) -> Contribution | None:
    contribution = db.session.get(
        Contribution, contribution_id, options=[selectinload(Contribution.answers)]
    )
    if contribution is None or contribution.consultation_id != consultation_id:
        return None
    return contribution


def readings(consultation: Consultation) -> dict[str, dict[int, str]]:
    """The public programme's `session_reading` hook: per panel, the published
    contributions on its theme; per speaker, their own contribution when it is
    published with their name (the same address applied and contributed)."""
    themes = db.session.execute(
        select(ContributionTheme.id, ContributionTheme.session_id).where(
            ContributionTheme.consultation_id == consultation.id,
            ContributionTheme.session_id.is_not(None),
        )
    ).all()
    sessions = {
        session_id: url_for_list(consultation, theme=theme_id) for theme_id, session_id in themes
    }
    speakers = db.session.execute(
        select(Application.id, Contribution.reference)
        .join(
            Contribution,
            (Contribution.consultation_id == Application.consultation_id)
            & (Contribution.email == Application.email),
        )
        .where(
            Application.consultation_id == consultation.id,
            Application.programme_session_id.is_not(None),
            Contribution.state == S.PUBLISHED,
        )
    ).all()
    return {
        "sessions": sessions,
        "speakers": {
            application_id: url_for(
                "contributions.one", slug=consultation.slug, reference=reference
            )
            for application_id, reference in speakers
        },
    }


def url_for_list(consultation: Consultation, **filters) -> str:
    return url_for("contributions.published", slug=consultation.slug, **filters)


def contributions_by(application: Application) -> list[Contribution]:
    """The written contributions the same person (the same address) sent to the same
    consultation: a speaker's application refers to them."""
    return list(
        db.session.execute(
            select(Contribution)
            .where(
                Contribution.consultation_id == application.consultation_id,
                Contribution.email == application.email,
                Contribution.erased_at.is_(None),
                Contribution.state != S.UNVERIFIED,
            )
            .order_by(Contribution.id)
        ).scalars()
    )
