"""Building the programme: sessions, placing speakers, balance per session, and what
the public sees. Every placement is an audit event on the application (one version
each, as for any change of an application); confirmed speakers are told of changes by
one email per batch of edits (see notify_speaker)."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from icalendar import Event
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from consult.accounts.models import User
from consult.applications.audit import EventKind, record_change
from consult.applications.labels import ExportLabels
from consult.applications.models import Application, AuditEvent, applications_where
from consult.applications.services import queue_applicant_email
from consult.applications.states import holds_place
from consult.cache import previous
from consult.consultations.content import localized
from consult.consultations.models import Consultation, StakeholderCategory
from consult.database import contains, transaction, utc_to_local, utcnow
from consult.enums import PLACE_HOLDING_STATES, ApplicationState, Role
from consult.errors import Conflict, DomainError
from consult.extensions import db
from consult.notifications.calendar import location, new_calendar
from consult.notifications.services import withdraw_unsent
from consult.programme.models import ProgrammeSession, SessionKind
from consult.regions import region_of
from consult.spreadsheets import excel_safe
from consult.text import calendar_date, local_span

SPEAKER_ROLES = (Role.KEYNOTE, Role.PANELIST)
STALE = _l("Someone else changed this meanwhile. Check the current state and try again.")


class ProgrammeError(DomainError):
    """Bad input for a session or a placement, with the form field it belongs to."""


class StaleProgramme(ProgrammeError, Conflict):
    """Someone else changed the session or the speaker meanwhile."""


class SessionFull(ProgrammeError, Conflict):
    """The session has all its speakers (placing beyond needs an explicit choice)."""


@dataclass
class SessionData:
    title: str
    kind: SessionKind
    starts_at: datetime  # naive UTC
    ends_at: datetime
    room: str = ""
    parallel_allowed: bool = False
    description: str = ""
    moderators: str = ""
    speaker_capacity: int = 4


def sessions_of(consultation: Consultation) -> list[ProgrammeSession]:
    """The programme in time order (position orders sessions that start together)."""
    return list(
        db.session.execute(
            select(ProgrammeSession)
            .where(ProgrammeSession.consultation_id == consultation.id)
            .order_by(ProgrammeSession.starts_at, ProgrammeSession.position, ProgrammeSession.id)
        ).scalars()
    )


def speakers_by_session(consultation: Consultation) -> dict[int, list[Application]]:
    """Every placed application of the consultation, by session: one query."""
    rows = db.session.execute(
        select(Application)
        # From the sessions to their speakers (the index on programme_session_id), not
        # through every application of the consultation.
        .join(ProgrammeSession, ProgrammeSession.id == Application.programme_session_id)
        .where(ProgrammeSession.consultation_id == consultation.id)
        .options(selectinload(Application.category), selectinload(Application.organization))
        .order_by(Application.role, Application.full_name, Application.id)
    ).scalars()
    placed: dict[int, list[Application]] = {}
    for application in rows:
        placed.setdefault(application.programme_session_id, []).append(application)
    return placed


def shown_in_public_lists(application: Application) -> bool:
    """Whether a change of this application can change the public programme or the
    participants list (it is or was placed in a session, or confirmed): those pages are
    kept under the LISTINGS stamp, which such a change raises (consult/cache.py). A
    new, verified or reviewed application is neither, so the day a call opens does not
    empty those pages from the cache with every applicant."""
    confirmed = ApplicationState.CONFIRMED
    return (
        application.programme_session_id is not None
        or previous(application, "programme_session_id") is not None
        or application.state is confirmed
        or previous(application, "state") is confirmed
    )


def meeting_days(consultation: Consultation) -> tuple[date, date]:
    tz = consultation.timezone
    return (
        utc_to_local(consultation.starts_at, tz).date(),
        utc_to_local(consultation.ends_at, tz).date(),
    )


def _lock_consultation(consultation: Consultation) -> None:
    """Programme edits of one consultation run one after another (PostgreSQL): the
    overlap and capacity checks see every committed change."""
    db.session.execute(
        select(Consultation.id).where(Consultation.id == consultation.id).with_for_update()
    )


def _check(consultation: Consultation, data: SessionData, session: ProgrammeSession | None):
    if data.ends_at <= data.starts_at:
        raise ProgrammeError(_("The session must end after it starts."), field="ends_at")
    first, last = meeting_days(consultation)
    tz = consultation.timezone
    if (
        utc_to_local(data.starts_at, tz).date() < first
        or utc_to_local(data.ends_at, tz).date() > last
    ):
        raise ProgrammeError(
            _(
                "Sessions take place during the meeting, from %(first)s to %(last)s.",
                first=calendar_date(first),
                last=calendar_date(last),
            ),
            field="starts_at",
        )
    room = data.room.strip().casefold()
    others = db.session.execute(
        select(ProgrammeSession).where(
            ProgrammeSession.consultation_id == consultation.id,
            ProgrammeSession.starts_at < data.ends_at,
            ProgrammeSession.ends_at > data.starts_at,
            ProgrammeSession.id != (session.id if session else -1),
        )
    ).scalars()
    for other in others:
        same_room = other.room.strip().casefold() == room
        if same_room and not (data.parallel_allowed or other.parallel_allowed):
            raise ProgrammeError(
                _(
                    "This overlaps “%(title)s” in the same room. Change the time or the "
                    "room, or allow parallel sessions.",
                    title=other.title,
                ),
                field="starts_at",
            )
    if session is not None:
        placed = _placed_count(session)
        if data.speaker_capacity < placed:
            raise ProgrammeError(
                ngettext(
                    "%(num)d speaker is placed in this session; the capacity cannot be lower.",
                    "%(num)d speakers are placed in this session; the capacity cannot be lower.",
                    placed,
                ),
                field="speaker_capacity",
            )
        if not data.kind.has_speakers and placed:
            raise ProgrammeError(
                _("A break has no speakers: move the speakers out first."), field="kind"
            )


def _placed_count(session: ProgrammeSession) -> int:
    return db.session.execute(
        select(func.count(Application.id)).where(Application.programme_session_id == session.id)
    ).scalar_one()


def save_session(
    consultation: Consultation,
    data: SessionData,
    *,
    by: User,
    session: ProgrammeSession | None = None,
    expected_version: int | None = None,
) -> ProgrammeSession:
    """Create or change a session. A new time or room for a session with confirmed
    speakers raises their calendar entries and tells them (see notify_speaker)."""
    with transaction():
        _lock_consultation(consultation)
        if session is not None and expected_version not in (None, session.version):
            raise StaleProgramme(STALE)
        _check(consultation, data, session)
        moved = session is not None and (
            (session.starts_at, session.ends_at, session.room.strip())
            != (data.starts_at, data.ends_at, data.room.strip())
        )
        if session is None:
            last = db.session.execute(
                select(func.max(ProgrammeSession.position)).where(
                    ProgrammeSession.consultation_id == consultation.id
                )
            ).scalar_one()
            session = ProgrammeSession(consultation_id=consultation.id, position=(last or 0) + 1)
            db.session.add(session)
        for name, value in vars(data).items():
            setattr(session, name, value)
        try:
            db.session.flush()
        except StaleDataError as exc:
            raise StaleProgramme(STALE) from exc
        if moved:
            note = f"Session “{session.title}” moved: now {_when(session)}."
            for application in _speakers(session):
                _record(application, by, note)
    return session


def _speakers(session: ProgrammeSession) -> list[Application]:
    return list(
        db.session.execute(
            select(Application).where(Application.programme_session_id == session.id)
        ).scalars()
    )


def _when(session: ProgrammeSession) -> str:
    """When and where, for the audit log's note (written in English, like every note,
    with the formatter of every date people read)."""
    tz = session_tz(session)
    room = f", {session.room}" if session.room else ""
    return local_span(session.starts_at, session.ends_at, tz, language="en") + room


def session_tz(session: ProgrammeSession) -> str:
    return db.session.get(Consultation, session.consultation_id).timezone


def _record(application: Application, by: User | None, note: str) -> AuditEvent:
    """One audit event and one version for a programme change of this speaker; their
    calendar entry's SEQUENCE goes up, and a confirmed speaker is told."""
    application.calendar_sequence += 1
    try:
        event = record_change(
            application,
            actor=by.email if by else "system",
            user_id=by.id if by else None,
            note=note,
            kind=EventKind.PROGRAMME,
        )
    except StaleDataError as exc:
        raise StaleProgramme(STALE) from exc
    if (
        application.state == ApplicationState.CONFIRMED
        and application.consultation.programme_published_at is not None
    ):
        notify_speaker(application)  # (a draft tells nobody: publishing tells everyone)
    return event


def delete_session(session: ProgrammeSession, *, by: User, expected_version: int) -> int:
    """Delete a session; its speakers go back to "unassigned". Returns how many."""
    with transaction():
        _lock_consultation(db.session.get(Consultation, session.consultation_id))
        if session.version != expected_version:
            raise StaleProgramme(STALE)
        speakers = _speakers(session)
        for application in speakers:
            application.programme_session_id = None
            _record(application, by, f"Session “{session.title}” deleted: unassigned.")
        db.session.delete(session)
    return len(speakers)


def move_session(session: ProgrammeSession, direction: int) -> None:
    """Swap with the neighbour that starts at the same time (parallel sessions)."""
    with transaction():
        consultation = db.session.get(Consultation, session.consultation_id)
        _lock_consultation(consultation)
        same_start = [s for s in sessions_of(consultation) if s.starts_at == session.starts_at]
        index = same_start.index(session)
        other = index + direction
        if 0 <= other < len(same_start):
            neighbour = same_start[other]
            session.position, neighbour.position = neighbour.position, session.position


def place_speaker(
    application: Application,
    session: ProgrammeSession | None,
    *,
    by: User,
    expected_version: int,
    override_capacity: bool = False,
) -> Application:
    """Place a selected speaker in `session` (or None: unassigned)."""
    with transaction():
        _lock_consultation(application.consultation)
        if application.version != expected_version:
            raise StaleProgramme(STALE)
        if application.role not in SPEAKER_ROLES:
            raise ProgrammeError(
                _("Only keynote speakers and panelists are placed."), field="session"
            )
        if not holds_place(application.state):
            raise ProgrammeError(
                _("Only accepted or confirmed speakers can be placed in a session."),
                field="session",
            )
        if session is not None:
            if session.consultation_id != application.consultation_id:
                raise ProgrammeError(_("Choose a session of this consultation."), field="session")
            if not session.kind.has_speakers:
                raise ProgrammeError(_("A break has no speakers."), field="session")
            if application.programme_session_id == session.id:
                raise ProgrammeError(_("The speaker is already in this session."), field="session")
            placed = _placed_count(session)
            if placed >= session.speaker_capacity and not override_capacity:
                raise SessionFull(
                    ngettext(
                        "“%(title)s” is full with its %(num)d speaker. Choose to place "
                        "beyond capacity if you mean to.",
                        "“%(title)s” has all its %(num)d speakers. Choose to place beyond "
                        "capacity if you mean to.",
                        session.speaker_capacity,
                        title=session.title,
                    ),
                    field="session",
                )
        elif application.programme_session_id is None:
            raise ProgrammeError(_("The speaker is not in a session."), field="session")
        previous = application.programme_session
        application.programme_session_id = session.id if session else None
        if session is None:
            note = f"Removed from session “{previous.title}”: unassigned."
        elif previous is None:
            note = f"Placed in session “{session.title}” ({_when(session)})."
        else:
            note = f"Moved from “{previous.title}” to “{session.title}” ({_when(session)})."
        _record(application, by, note)
    db.session.refresh(application)
    return application


def unplace_on_leaving(application: Application) -> str:
    """On `leaving_selection` (a decline, withdrawal or erasure of a selected speaker:
    consult.applications.states.EFFECTS): the speaker leaves their session. Returns the
    note for the move's audit event."""
    if application.programme_session_id is None:
        return ""
    title = application.programme_session.title
    application.programme_session_id = None
    return f" Removed from session “{title}”."


@dataclass
class SpeakerFilter:
    category_id: int | None = None
    region: str = ""
    gender: str | None = None
    topic: str = ""


def unplaced_speakers(consultation: Consultation, flt: SpeakerFilter) -> list[Application]:
    query = (
        select(Application)
        .where(
            Application.consultation_id == consultation.id,
            Application.role.in_(SPEAKER_ROLES),
            Application.state.in_(PLACE_HOLDING_STATES),
            Application.programme_session_id.is_(None),
        )
        .options(selectinload(Application.category), selectinload(Application.organization))
        .order_by(Application.role, Application.full_name, Application.id)
    )
    if flt.category_id:
        query = query.where(Application.category_id == flt.category_id)
    if flt.gender is not None:
        query = query.where(Application.gender == flt.gender)
    if flt.topic:
        query = query.where(contains(flt.topic, Application.topic, Application.abstract))
    rows = list(db.session.execute(query).scalars())
    if flt.region:
        rows = [a for a in rows if region_of(a.country) == flt.region]
    return rows


@dataclass
class SessionBalance:
    by_category: Counter = field(default_factory=Counter)
    by_region: Counter = field(default_factory=Counter)
    by_gender: Counter = field(default_factory=Counter)
    missing_categories: list[StakeholderCategory] = field(default_factory=list)
    one_region: str = ""
    one_gender: str = ""

    @property
    def flagged(self) -> bool:
        return bool(self.missing_categories or self.one_region or self.one_gender)


def session_balance(
    session: ProgrammeSession, speakers: list[Application], open_to: list[StakeholderCategory]
) -> SessionBalance | None:
    """A panel's mix, and the flags: no speaker from a category the consultation is open
    to, or (two speakers or more) everyone from one UN regional group or one gender."""
    if session.kind is not SessionKind.PANEL:
        return None
    balance = SessionBalance()
    for speaker in speakers:
        balance.by_category[speaker.category_id] += 1
        balance.by_region[region_of(speaker.country)] += 1
        balance.by_gender[speaker.gender or ""] += 1
    balance.missing_categories = [c for c in open_to if not balance.by_category[c.id]]
    if len(speakers) >= 2:
        if len(balance.by_region) == 1:
            balance.one_region = next(iter(balance.by_region))
        genders = [g for g in balance.by_gender if g]
        if len(balance.by_gender) == 1 and genders:
            balance.one_gender = genders[0]
    return balance


def programme_rows(
    consultation: Consultation,
) -> list[tuple[ProgrammeSession, list[Application], SessionBalance | None]]:
    """Each session in time order with its speakers and, for a panel, its balance (the
    programme page and the Balance page's table): two queries."""
    placed = speakers_by_session(consultation)
    rows = []
    for session in sessions_of(consultation):
        speakers = placed.get(session.id, [])
        rows.append(
            (session, speakers, session_balance(session, speakers, consultation.categories))
        )
    return rows


def notify_speaker(application: Application, *, published: bool = False) -> None:
    """Tell a confirmed speaker their session, time and room, with the calendar entry
    (same UID, higher SEQUENCE). Edits within PROGRAMME_NOTICE_DELAY_SECONDS make one
    email: an unsent notice is rewritten in place and waits again. `published`: the
    programme has just been made public -- sent at once, saying so; a speaker told of
    this very placement before (the key: its calendar SEQUENCE) is not told again."""
    db.session.flush()
    db.session.refresh(application, ["programme_session"])
    delay = current_app.config["PROGRAMME_NOTICE_DELAY_SECONDS"]
    queue_applicant_email(
        application,
        "programme_changed",
        None,
        key=f"application:{application.id}:programme:{application.calendar_sequence}",
        calendar=True,
        send_after=timedelta(seconds=0 if published else delay),
        coalesce=True,
        session=application.programme_session,
        published=published,
    )


def publish(consultation: Consultation, published: bool) -> None:
    """Make the programme public (each confirmed speaker in it gets one email with
    their place) or a draft again (notices not yet sent are withdrawn: nobody is told
    of a draft)."""
    with transaction():
        was_published = consultation.programme_published_at is not None
        consultation.programme_published_at = utcnow() if published else None
        if published and not was_published:
            for application in _confirmed_placed(consultation):
                notify_speaker(application, published=True)
        elif not published:
            withdraw_unsent(
                select(Application.id).where(Application.consultation_id == consultation.id),
                "programme_changed",
            )


def _confirmed_placed(consultation: Consultation) -> list[Application]:
    return applications_where(
        Application.consultation_id == consultation.id,
        Application.state == ApplicationState.CONFIRMED,
        Application.programme_session_id.is_not(None),
    )


def set_participants_public(consultation: Consultation, public: bool) -> None:
    with transaction():
        consultation.participants_public = public


def participants(consultation: Consultation) -> list[tuple[StakeholderCategory, list[Application]]]:
    """Confirmed people who agreed to be listed, by stakeholder category: one query."""
    rows = db.session.execute(
        select(Application)
        .where(
            Application.consultation_id == consultation.id,
            Application.state == ApplicationState.CONFIRMED,
            Application.list_publicly.is_(True),
            Application.erased_at.is_(None),
        )
        .options(selectinload(Application.organization))
        .order_by(Application.full_name, Application.id)
    ).scalars()
    by_category: dict[int, list[Application]] = {}
    for application in rows:
        by_category.setdefault(application.category_id, []).append(application)
    return [(c, by_category[c.id]) for c in consultation.categories if c.id in by_category]


def programme_csv(consultation: Consultation) -> str:
    """The programme for the secretariat: one row per session and speaker, in the
    reader's language with the consultation's local times, and the same labels as the
    applications' export (consult.applications.labels)."""
    labels = ExportLabels(consultation)
    out = io.StringIO()
    out.write("\ufeff")  # (Excel then reads accents right)
    writer = csv.writer(out)
    writer.writerow(
        [
            _("Starts (local time)"),
            _("Ends (local time)"),
            _("Session"),
            _("Kind"),
            _("Room"),
            _("Moderators"),
            _("Reference"),
            _("Speaker"),
            _("Role"),
            _("Organization"),
            _("Country"),
            _("UN regional group"),
            _("Language"),
            _("State"),
            _("Listed publicly"),
        ]
    )
    placed = speakers_by_session(consultation)
    tz = consultation.timezone
    for session in sessions_of(consultation):
        base = [
            utc_to_local(session.starts_at, tz).strftime("%Y-%m-%d %H:%M"),
            utc_to_local(session.ends_at, tz).strftime("%Y-%m-%d %H:%M"),
            excel_safe(localized(session, "title")),
            excel_safe(session.kind.label),
            excel_safe(session.room),
            excel_safe(session.moderators),
        ]
        speakers = placed.get(session.id, [])
        if not speakers:
            writer.writerow(base + [""] * 9)
        for a in speakers:
            writer.writerow(
                base
                + [
                    a.reference,
                    excel_safe(a.full_name),
                    labels.roles[a.role.value],
                    excel_safe(a.display_organization),
                    labels.country(a.country),
                    labels.region(a.country),
                    labels.languages.get(a.language, a.language),
                    labels.states[a.state.value],
                    labels.yes_no[bool(a.list_publicly)],
                ]
            )
    return out.getvalue()


def programme_ics(consultation: Consultation) -> str:
    """Every session of the published programme as one calendar."""
    calendar = new_calendar()
    calendar.add("x-wr-calname", str(localized(consultation, "title")))
    tz = consultation.timezone
    venue = str(localized(consultation, "venue"))
    for session in sessions_of(consultation):
        event = Event()
        event.add("uid", f"consultation-{consultation.id}-session-{session.id}@consult")
        event.add("summary", session.title)
        event.add("dtstart", utc_to_local(session.starts_at, tz))
        event.add("dtend", utc_to_local(session.ends_at, tz))
        event.add("dtstamp", utc_to_local(utcnow(), "UTC"))
        event.add("sequence", session.version)
        event.add("location", location(session.room, venue))
        if session.description:
            event.add("description", session.description)
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical().decode()


def translatable_sessions(consultation: Consultation) -> list[tuple[ProgrammeSession, str, str]]:
    """The sessions' texts for the Translations page (`translatable_rows`)."""
    return [
        (s, _("Session: %(title)s", title=s.title), f"session-{s.id}")
        for s in sessions_of(consultation)
    ]


def placement_for_the_applicant(application: Application) -> dict:
    """On `collecting` (the applicant's copy of their data): their session, if placed."""
    session = application.programme_session
    if session is None:
        return {"programme_session": None}
    tz = session_tz(session)
    return {
        "programme_session": {
            "title": session.title,
            "starts": utc_to_local(session.starts_at, tz).isoformat(),
            "ends": utc_to_local(session.ends_at, tz).isoformat(),
            "room": session.room,
        }
    }
