"""iCalendar (.ics) entries for a consultation, in its own time zone."""

from __future__ import annotations

from icalendar import Calendar, Event, vText

from consult.consultations.content import localized
from consult.database import utc_to_local, utcnow


def new_calendar() -> Calendar:
    """An empty calendar as consult publishes it."""
    calendar = Calendar()
    calendar.add("prodid", "-//UNGIS//consult//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    return calendar


def location(room: str, venue: str) -> vText:
    """ "Room XVII, Palais des Nations, Geneva" (either may be empty)."""
    return vText(", ".join(part for part in (room, venue) if part))


def consultation_ics(consultation, application=None, *, url: str = "") -> str:
    """A one-event calendar for the meeting, with a VTIMEZONE for its TZID.

    With an application the event is that person's (its UID names the reference), so
    importing a second confirmation updates the entry instead of duplicating it. A
    speaker placed in a programme session gets that session's time and room, with the
    SEQUENCE raised at every change (calendar programs then replace the entry).
    """
    calendar = new_calendar()
    event = Event()
    uid = f"consultation-{consultation.id}"
    if application is not None:
        uid += f"-{application.reference}"
    event.add("uid", f"{uid}@consult")
    session = application.programme_session if application is not None else None
    title = str(localized(consultation, "title"))
    venue = str(localized(consultation, "venue"))
    if session is not None:
        event.add("summary", f"{session.title} – {title}")
        event.add("dtstart", utc_to_local(session.starts_at, consultation.timezone))
        event.add("dtend", utc_to_local(session.ends_at, consultation.timezone))
        event.add("location", location(session.room, venue))
    else:
        event.add("summary", title)
        event.add("dtstart", utc_to_local(consultation.starts_at, consultation.timezone))
        event.add("dtend", utc_to_local(consultation.ends_at, consultation.timezone))
        event.add("location", vText(venue))
    if application is not None:
        event.add("sequence", application.calendar_sequence)
    event.add("dtstamp", utc_to_local(utcnow(), "UTC"))
    description = str(localized(consultation, "title"))
    if application is not None:
        description += f"\nReference: {application.reference} ({application.role.label})"
    if url:
        description += f"\n{url}"
        event.add("url", url)
    event.add("description", description)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical().decode()
