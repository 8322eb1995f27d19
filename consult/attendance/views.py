"""The check-in desk, badges and the security office's list."""

from __future__ import annotations

import csv
import io

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from consult.access import admin_required, desk_required
from consult.applications.answers import readable
from consult.applications.audit import EventKind, record_staff_change
from consult.applications.models import Answer, Application
from consult.attendance.badges import LAYOUTS, badges_of, badges_pdf
from consult.attendance.checkin import (
    CheckInRefused,
    attendance_counts,
    can_undo,
    check_in,
    checked_in,
    find_participants,
    participants,
    undo,
)
from consult.attendance.codes import find_by_code
from consult.consultations.content import localized, organization_of
from consult.consultations.models import Consultation
from consult.consultations.questions import questions_of
from consult.consultations.services import all_consultations
from consult.database import utcnow
from consult.enums import ApplicationState
from consult.extensions import db
from consult.forms import ActionForm
from consult.http import csv_download, file_download, parse_id, selected_ids
from consult.i18n import country_name
from consult.pdfs import FontsMissing
from consult.security.models import SecurityTag
from consult.security.services import record_event
from consult.spreadsheets import excel_safe
from consult.text import local_datetime

bp = Blueprint("attendance", __name__, url_prefix="/secretariat")


@bp.get("/check-in")
@desk_required
def index() -> ResponseReturnValue:
    """The consultations whose desk can open: straight to the one if there is one."""
    now = utcnow()
    current = [c for c in all_consultations() if c.ends_at >= now]
    if len(current) == 1:
        return redirect(url_for(".desk", consultation_id=current[0].id))
    return render_template("attendance/index.html", consultations=current)


def _of(consultation: Consultation, application_id: int | None) -> Application | None:
    """The application with that id, if it is one of this consultation's."""
    application = db.session.get(Application, application_id) if application_id else None
    if application is None or application.consultation_id != consultation.id:
        return None
    return application


def _participant(consultation: Consultation, application_id: int | None) -> Application:
    return _of(consultation, application_id) or abort(404)


@bp.get("/consultations/<int:consultation_id>/check-in")
@desk_required
def desk(consultation_id: int) -> ResponseReturnValue:
    """Search by name, organization, reference, or type (or scan) a code; the last
    person checked in, with what the desk should know."""
    consultation = db.get_or_404(Consultation, consultation_id)
    text = (request.args.get("q") or "").strip()[:100]
    person = _of(consultation, parse_id(request.args.get("person")))
    row = checked_in(person.id) if person is not None else None
    came, confirmed = attendance_counts(consultation)
    return render_template(
        "attendance/desk.html",
        consultation=consultation,
        q=text,
        found=find_participants(consultation, text) if text else [],
        person=person,
        person_check_in=row,
        already=request.args.get("already") == "1",
        may_undo=row is not None and can_undo(row, consultation),
        came=came,
        confirmed=confirmed,
        desk_name=session.get("desk", ""),
        form=ActionForm(),
    )


@bp.post("/consultations/<int:consultation_id>/check-in")
@desk_required
def check_in_view(consultation_id: int) -> ResponseReturnValue:
    """Check one person in: by the button beside their name, or by their code."""
    consultation = db.get_or_404(Consultation, consultation_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    desk_name = (request.form.get("desk") or session.get("desk") or "").strip()[:64]
    session["desk"] = desk_name
    typed = request.form.get("code")
    if typed is not None:
        application = find_by_code(consultation.id, typed)
        if application is None:
            flash(_("No confirmed participant has this code. Search by name instead."), "error")
            return redirect(url_for(".desk", consultation_id=consultation.id))
    else:
        application = _participant(consultation, parse_id(request.form.get("application")))
    try:
        outcome = check_in(application, by=current_user, desk=desk_name)
    except CheckInRefused as error:
        flash(error.message, "error")
        return redirect(url_for(".desk", consultation_id=consultation.id))
    return redirect(
        url_for(
            ".desk",
            consultation_id=consultation.id,
            person=application.id,
            already=None if outcome.new else "1",
        )
    )


@bp.post("/consultations/<int:consultation_id>/check-in/<int:application_id>/undo")
@desk_required
def undo_view(consultation_id: int, application_id: int) -> ResponseReturnValue:
    consultation = db.get_or_404(Consultation, consultation_id)
    application = _participant(consultation, application_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        if undo(application, by=current_user, desk=session.get("desk", "")):
            flash(_("The check-in of %(name)s is undone.", name=application.full_name), "success")
    except CheckInRefused as error:
        flash(error.message, "error")
    return redirect(url_for(".desk", consultation_id=consultation.id))


# --- badges and lists (admins) ----------------------------------------------------------


def _confirmed(consultation: Consultation, ids: list[int] | None = None) -> list[Application]:
    query = (
        select(Application)
        .where(
            Application.consultation_id == consultation.id,
            Application.state == ApplicationState.CONFIRMED,
        )
        .order_by(Application.full_name, Application.id)
    )
    if ids is not None:
        query = query.where(Application.id.in_(ids))
    return list(db.session.execute(query).scalars())


@bp.route("/consultations/<int:consultation_id>/badges", methods=["GET", "POST"])
@admin_required
def badges(consultation_id: int) -> ResponseReturnValue:
    """Badges as a PDF: everyone confirmed, a selection (from the queue) or one person
    (from their page); each printed badge is a line in the person's history."""
    consultation = db.get_or_404(Consultation, consultation_id)
    if request.method == "GET":
        _came, confirmed = attendance_counts(consultation)
        return render_template(
            "attendance/badges.html",
            consultation=consultation,
            confirmed=confirmed,
            layouts=LAYOUTS,
            form=ActionForm(),
        )
    if not ActionForm().validate_on_submit():
        abort(400)
    layout = request.form.get("layout", "a4x4")
    layout = layout if layout in LAYOUTS else "a4x4"
    # (the ones named -- from the queue, or one person's page -- or everyone confirmed)
    people = _confirmed(consultation, selected_ids() if "selected" in request.form else None)
    if not people:
        flash(_("No confirmed participant among those: no badges to print."), "error")
        return redirect(url_for(".badges", consultation_id=consultation.id))
    try:
        document = badges_pdf(consultation, badges_of(consultation, people), layout)
    except FontsMissing as error:
        flash(error.message, "error")
        return redirect(url_for(".badges", consultation_id=consultation.id))
    for application in people:
        record_staff_change(
            application,
            current_user,
            note=f"Badge printed ({layout}).",
            kind=EventKind.BADGE_PRINTED,
        )
    record_event(
        SecurityTag.BADGES_PRINTED,
        target=f"consultation {consultation.id}",
        detail=f"{len(people)} badges",
    )
    db.session.commit()
    return file_download(document, f"badges-{consultation.slug}.pdf", "application/pdf")


@bp.get("/consultations/<int:consultation_id>/attendance.csv")
@admin_required
def security_list(consultation_id: int) -> ResponseReturnValue:
    """The list for the venue's security office: every confirmed participant with
    name, organization, country, role, stakeholder category, reference, whether and
    when they checked in, and the answers to the questions marked for it."""
    consultation = db.get_or_404(Consultation, consultation_id)
    rows = participants(consultation)
    # The answers the secretariat marked for the security office (nationality, the
    # identity document), one column each (one query).
    asked = [q for q in questions_of(consultation.id) if q.for_security]
    answers = {}
    if asked and rows:
        answers = {
            (application_id, question_id): value
            for application_id, question_id, value in db.session.execute(
                select(Answer.application_id, Answer.question_id, Answer.value).where(
                    Answer.question_id.in_([q.id for q in asked]),
                    Answer.application_id.in_([a.id for a, _c in rows]),
                )
            )
        }
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(
        [
            _("Name"),
            _("Organization"),
            _("Country"),
            _("Role"),
            _("Stakeholder category"),
            _("Reference"),
            _("Checked in (local time)"),
            *(excel_safe(localized(q, "label")) for q in asked),
        ]
    )
    language = str(get_locale())
    for application, row in rows:
        writer.writerow(
            [
                excel_safe(application.full_name),
                excel_safe(organization_of(application) or ""),
                country_name(application.country, language),
                application.role.label,
                localized(application.category, "name"),
                application.reference,
                local_datetime(row.checked_in_at, consultation.timezone, "short") if row else "",
                *(excel_safe(readable(q, answers.get((application.id, q.id), ""))) for q in asked),
            ]
        )
    record_event(SecurityTag.EXPORT, target=f"consultation {consultation.id}", detail="attendance")
    db.session.commit()
    return csv_download(out.getvalue(), f"attendance-{consultation.slug}.csv")
