"""Decide now, announce later: admins record decisions as pending -- the
applicant sees and hears nothing -- revise them freely, see what the programme would
be, and announce them all in one action that first says how many emails of each kind
will go. Only the final decision is ever mailed: accept, then reject, before announcing
sends one rejection.

A pending decision lives on the application (`pending_decision`, `pending_message`);
recording, changing and withdrawing it are audit events. Announcing applies each one
through `decide_application` (its state move, its email), one transaction each: a
stale or refused one is reported and the others go on."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from consult.accounts.models import User
from consult.applications.audit import EventKind, record_change
from consult.applications.models import Application, applications_where
from consult.applications.places import places_taken_by_role
from consult.applications.services import (
    STALE_MESSAGE,
    ApplicationError,
    Decision,
    DecisionOutcome,
    StaleApplication,
    TransitionNotAllowed,
    check_deciding,
    check_version,
    decide_application,
    decisions_from,
)
from consult.consultations.models import Consultation
from consult.database import transaction
from consult.enums import Role
from consult.extensions import db


def record_pending(
    application: Application,
    decision: Decision | None,
    *,
    by: User,
    expected_version: int,
    message: str = "",
) -> None:
    """Record (or, with None, withdraw) the decision to announce later: one audit
    event, nothing sent, nothing the applicant sees."""
    check_deciding(by)
    if decision is not None and decision not in decisions_from(application.state):
        raise TransitionNotAllowed(
            _(
                "This decision is not possible for an application that is “%(state)s”.",
                state=application.state.label,
            )
        )
    with transaction():
        check_version(application, expected_version)
        value = decision.value if decision is not None else None
        message = message.strip() if decision is not None else ""
        if (application.pending_decision, application.pending_message) == (value, message):
            return
        application.pending_decision = value
        application.pending_message = message
        try:
            record_change(
                application,
                actor=by.email,
                user_id=by.id,
                note=f"Pending decision: {value} (not announced)."
                if value
                else "Pending decision withdrawn.",
                kind=EventKind.DECISION_PENDING,
            )
        except StaleDataError as exc:
            raise StaleApplication(STALE_MESSAGE) from exc


def record_pending_many(
    selection: list[tuple[int, int]], decision: Decision, *, by: User, message: str = ""
) -> list[DecisionOutcome]:
    """The same pending decision over (application id, version seen) pairs, each on its
    own: one refused application does not hold back the others."""
    found = {a.id: a for a in applications_where(Application.id.in_([i for i, _v in selection]))}
    outcomes = []
    for application_id, version in selection:
        application = found.get(application_id)
        if application is None:
            outcomes.append(DecisionOutcome(f"#{application_id}", False, "No such application."))
            continue
        try:
            record_pending(application, decision, by=by, expected_version=version, message=message)
        except ApplicationError as error:
            outcomes.append(DecisionOutcome(application.reference, False, error.message))
        else:
            outcomes.append(DecisionOutcome(application.reference, True))
    return outcomes


# The email each decision sends when announced (emails/<template>).
EMAIL_OF = {
    Decision.ACCEPT: "accepted",
    Decision.WAITLIST: "waitlisted",
    Decision.REJECT: "rejected",
}


@dataclass
class Announcement:
    """What announcing would do: the pending decisions by kind and role, and the roles
    whose accepted people would be more than their places."""

    by_decision: Counter  # Decision -> count
    by_role: dict[Role, Counter]  # role -> Counter(Decision)
    over_capacity: dict[Role, int]  # role -> how many beyond its places
    references: dict[Decision, list[str]]

    @property
    def total(self) -> int:
        return sum(self.by_decision.values())


def pending_in(consultation: Consultation) -> list[Application]:
    return applications_where(
        Application.consultation_id == consultation.id,
        Application.pending_decision.is_not(None),
        order_by=(Application.reference,),
    )


def pending_count(consultation_id: int) -> int:
    return db.session.execute(
        select(func.count(Application.id)).where(
            Application.consultation_id == consultation_id,
            Application.pending_decision.is_not(None),
        )
    ).scalar_one()


def announcement(consultation: Consultation) -> Announcement:
    pending = pending_in(consultation)
    by_decision: Counter = Counter()
    by_role: dict[Role, Counter] = {}
    references: dict[Decision, list[str]] = {d: [] for d in Decision}
    for application in pending:
        decision = Decision(application.pending_decision)
        by_decision[decision] += 1
        by_role.setdefault(application.role, Counter())[decision] += 1
        references[decision].append(application.reference)
    taken = places_taken_by_role(consultation)
    over = {}
    for offer in consultation.offers:
        accepting = by_role.get(offer.role, Counter())[Decision.ACCEPT]
        beyond = taken.get(offer.role, 0) + accepting - offer.capacity
        if accepting and beyond > 0:
            over[offer.role] = beyond
    return Announcement(by_decision, by_role, over, references)


def announce(
    consultation: Consultation, *, by: User, override_capacity: bool = False
) -> list[DecisionOutcome]:
    """Announce every pending decision of the consultation: each becomes the real
    decision, with its one email. Rejections and waiting list first, so that places a
    revision freed are counted before acceptances."""
    check_deciding(by)
    order = {Decision.REJECT: 0, Decision.WAITLIST: 1, Decision.ACCEPT: 2}
    pending = sorted(
        pending_in(consultation), key=lambda a: (order[Decision(a.pending_decision)], a.id)
    )
    outcomes = []
    for application in pending:
        try:
            decide_application(
                application,
                Decision(application.pending_decision),
                by=by,
                expected_version=application.version,
                message=application.pending_message,
                override_capacity=override_capacity,
            )
        except ApplicationError as error:
            db.session.rollback()
            outcomes.append(DecisionOutcome(application.reference, False, error.message))
        else:
            outcomes.append(DecisionOutcome(application.reference, True))
    return outcomes
