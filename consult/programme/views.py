"""Programme pages: the secretariat builds it, the public reads it once published."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from consult.access import admin_required, secretariat_required
from consult.applications.models import Application, AuditEvent
from consult.applications.states import listed_publicly
from consult.cache import LISTINGS, stamp
from consult.consultations.models import Consultation
from consult.consultations.services import public_consultation
from consult.database import local_to_utc, utc_to_local
from consult.enums import ApplicationState
from consult.extensions import db
from consult.forms import ActionForm
from consult.hooks import Hook
from consult.http import csv_download, parse_id, safe_return, status_for
from consult.pages import public_page
from consult.programme.forms import PlacementForm, SessionForm, SpeakerFilterForm
from consult.programme.models import ProgrammeSession, SessionKind
from consult.programme.services import (
    ProgrammeError,
    SessionData,
    SpeakerFilter,
    delete_session,
    move_session,
    participants,
    place_speaker,
    programme_csv,
    programme_ics,
    programme_rows,
    publish,
    save_session,
    session_balance,
    sessions_of,
    set_participants_public,
    speakers_by_session,
    unplaced_speakers,
)
from consult.regions import region_labels
from consult.security.models import SecurityTag
from consult.security.services import record_event

bp = Blueprint("programme", __name__)

# Asked by the public programme for what visitors can read beside it (the written
# contributions, a feature above): {"sessions": {session id: url}, "speakers":
# {application id: url}} from each handler, merged.
session_reading: Hook[[Consultation], dict[str, dict[int, str]]] = Hook("session_reading")


def _readings(consultation: Consultation) -> dict[str, dict[int, str]]:
    merged: dict[str, dict[int, str]] = {"sessions": {}, "speakers": {}}
    for answer in session_reading(consultation):
        for key, links in answer.items():
            merged.setdefault(key, {}).update(links)
    return merged


# --- the secretariat ------------------------------------------------------------------


def _removed_speakers(consultation: Consultation) -> list[AuditEvent]:
    """Speakers who left the programme by declining, withdrawing or cancelling (newest
    first)."""
    return list(
        db.session.execute(
            select(AuditEvent)
            .join(Application, Application.id == AuditEvent.application_id)
            .where(
                Application.consultation_id == consultation.id,
                AuditEvent.to_state.in_(
                    (
                        ApplicationState.DECLINED,
                        ApplicationState.WITHDRAWN,
                        ApplicationState.CANCELLED,
                    )
                ),
                AuditEvent.note.like("%Removed from session%"),
            )
            .order_by(AuditEvent.id.desc())
            .limit(20)
        ).scalars()
    )


@bp.get("/secretariat/consultations/<int:consultation_id>/programme")
@secretariat_required
def manage(consultation_id: int) -> ResponseReturnValue:
    consultation = db.get_or_404(Consultation, consultation_id)
    return render_template(
        "programme/manage.html",
        consultation=consultation,
        rows=programme_rows(consultation),
        unplaced=unplaced_speakers(consultation, SpeakerFilter()),
        removed=_removed_speakers(consultation),
        regions=region_labels(),
        action=ActionForm(),
    )


def _session_form(consultation: Consultation, session: ProgrammeSession | None) -> SessionForm:
    if request.method == "POST" or session is None:
        return SessionForm()
    tz = consultation.timezone
    return SessionForm(
        data={
            "title": session.title,
            "kind": session.kind.value,
            "starts_at": utc_to_local(session.starts_at, tz).replace(tzinfo=None),
            "ends_at": utc_to_local(session.ends_at, tz).replace(tzinfo=None),
            "room": session.room,
            "parallel_allowed": session.parallel_allowed,
            "moderators": session.moderators,
            "speaker_capacity": session.speaker_capacity,
            "description": session.description,
            "version": str(session.version),
        }
    )


def _edit_session(consultation: Consultation, session: ProgrammeSession | None):
    form = _session_form(consultation, session)
    status = 200
    if form.is_submitted():
        status = 422
        if form.validate():
            tz = consultation.timezone
            data = SessionData(
                title=form.title.data,
                kind=SessionKind(form.kind.data),
                starts_at=local_to_utc(form.starts_at.data, tz),
                ends_at=local_to_utc(form.ends_at.data, tz),
                room=form.room.data or "",
                parallel_allowed=form.parallel_allowed.data,
                description=form.description.data or "",
                moderators=form.moderators.data or "",
                speaker_capacity=form.speaker_capacity.data,
            )
            try:
                saved = save_session(
                    consultation,
                    data,
                    by=current_user,
                    session=session,
                    expected_version=form.version.data,
                )
            except ProgrammeError as error:
                getattr(form, error.field or "title", form.title).errors.append(error.message)
                status = status_for(error)
            else:
                flash(_("The session “%(title)s” is saved.", title=saved.title), "success")
                return redirect(url_for(".session_page", session_id=saved.id))
    return (
        render_template(
            "programme/session_form.html", consultation=consultation, session=session, form=form
        ),
        status,
    )


@bp.route(
    "/secretariat/consultations/<int:consultation_id>/programme/sessions/new",
    methods=["GET", "POST"],
)
@admin_required
def new_session(consultation_id: int) -> ResponseReturnValue:
    return _edit_session(db.get_or_404(Consultation, consultation_id), None)


@bp.route("/secretariat/programme/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_session(session_id: int) -> ResponseReturnValue:
    session = db.get_or_404(ProgrammeSession, session_id)
    return _edit_session(db.session.get(Consultation, session.consultation_id), session)


@bp.get("/secretariat/programme/sessions/<int:session_id>")
@secretariat_required
def session_page(session_id: int) -> ResponseReturnValue:
    session = db.get_or_404(ProgrammeSession, session_id)
    consultation = db.session.get(Consultation, session.consultation_id)
    filters = SpeakerFilterForm(request.args)
    filters.category.choices = [("", _("Any"))] + [(c.id, c.name) for c in consultation.categories]
    flt = SpeakerFilter()
    if filters.validate():
        flt = SpeakerFilter(
            category_id=filters.category.data,
            region=filters.region.data or "",
            gender=None if filters.gender.data in (None, "any") else filters.gender.data,
            topic=filters.topic.data or "",
        )
    speakers = speakers_by_session(consultation).get(session.id, [])
    return render_template(
        "programme/session.html",
        consultation=consultation,
        session=session,
        speakers=speakers,
        balance=session_balance(session, speakers, consultation.categories),
        unplaced=unplaced_speakers(consultation, flt) if session.kind.has_speakers else [],
        filters=filters,
        regions=region_labels(),
        action=ActionForm(),
    )


@bp.route("/secretariat/programme/sessions/<int:session_id>/delete", methods=["GET", "POST"])
@admin_required
def delete(session_id: int) -> ResponseReturnValue:
    session = db.get_or_404(ProgrammeSession, session_id)
    consultation = db.session.get(Consultation, session.consultation_id)
    form = ActionForm()
    speakers = speakers_by_session(consultation).get(session.id, [])
    if form.validate_on_submit():
        try:
            count = delete_session(
                session, by=current_user, expected_version=parse_id(request.form.get("version"))
            )
        except ProgrammeError as error:
            flash(error.message, "error")
            return redirect(url_for(".delete", session_id=session_id))
        flash(
            ngettext(
                "The session is deleted; %(num)d speaker is unassigned again.",
                "The session is deleted; %(num)d speakers are unassigned again.",
                count,
            ),
            "success",
        )
        return redirect(url_for(".manage", consultation_id=consultation.id))
    return render_template(
        "programme/delete.html",
        consultation=consultation,
        session=session,
        speakers=speakers,
        form=form,
    )


@bp.post("/secretariat/programme/sessions/<int:session_id>/move")
@admin_required
def move(session_id: int) -> ResponseReturnValue:
    session = db.get_or_404(ProgrammeSession, session_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    move_session(session, -1 if request.form.get("direction") == "up" else 1)
    return redirect(url_for(".manage", consultation_id=session.consultation_id))


@bp.post("/secretariat/applications/<int:application_id>/placement")
@admin_required
def placement(application_id: int) -> ResponseReturnValue:
    application = db.get_or_404(Application, application_id)
    form = PlacementForm()
    form.session.choices = [("", "")] + [
        (s.id, s.title) for s in sessions_of(application.consultation)
    ]
    back = safe_return(form.return_to.data, url_for("review.detail", application_id=application.id))
    if not form.validate_on_submit():
        flash(_("Choose a session."), "error")
        return redirect(back)
    session = db.session.get(ProgrammeSession, form.session.data) if form.session.data else None
    try:
        place_speaker(
            application,
            session,
            by=current_user,
            expected_version=form.version.data,
            override_capacity=form.override_capacity.data,
        )
    except ProgrammeError as error:
        flash(f"{application.reference}: {error.message}", "error")
        return redirect(back)
    if session is None:
        flash(_("%(ref)s is unassigned.", ref=application.reference), "success")
    else:
        flash(
            _("%(ref)s is placed in “%(title)s”.", ref=application.reference, title=session.title),
            "success",
        )
    return redirect(back)


@bp.post("/secretariat/consultations/<int:consultation_id>/programme/publication")
@admin_required
def publication(consultation_id: int) -> ResponseReturnValue:
    consultation = db.get_or_404(Consultation, consultation_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    what = request.form.get("what")
    on = request.form.get("on") == "1"
    if what == "programme":
        publish(consultation, on)
        flash(
            _("The programme is public.") if on else _("The programme is a draft again."), "success"
        )
    elif what == "participants":
        set_participants_public(consultation, on)
        flash(
            _("The list of participants is public.")
            if on
            else _("The list of participants is hidden."),
            "success",
        )
    else:
        abort(400)
    return redirect(url_for(".manage", consultation_id=consultation.id))


@bp.get("/secretariat/consultations/<int:consultation_id>/programme.csv")
@secretariat_required
def export_csv(consultation_id: int) -> ResponseReturnValue:
    consultation = db.get_or_404(Consultation, consultation_id)
    record_event(
        SecurityTag.EXPORT,
        target=f"consultation {consultation.id}",
        detail="programme CSV (speakers' names and organizations)",
        commit=True,
    )
    return csv_download(programme_csv(consultation), f"programme-{consultation.slug}.csv")


# --- the public -----------------------------------------------------------------------


def _published(slug: str) -> tuple[Consultation, bool]:
    """The consultation and whether this is the secretariat's preview of a draft."""
    consultation = public_consultation(slug)
    if consultation is None:
        abort(404)
    if consultation.programme_published_at is not None:
        return consultation, False
    if current_user.is_authenticated:
        return consultation, True
    abort(404)


@bp.get("/c/<slug>/programme")
def public_programme(slug: str) -> ResponseReturnValue:
    consultation, preview = _published(slug)
    return public_page(
        (slug, stamp(LISTINGS)),
        lambda: render_template(
            "programme/public.html",
            consultation=consultation,
            sessions=sessions_of(consultation),
            placed=speakers_by_session(consultation),
            listed=listed_publicly,
            preview=preview,
            readings=_readings(consultation),
        ),
    )


@bp.get("/c/<slug>/programme.ics")
def public_programme_ics(slug: str) -> ResponseReturnValue:
    consultation, _preview = _published(slug)
    response = make_response(programme_ics(consultation))
    response.mimetype = "text/calendar"
    response.headers["Content-Disposition"] = f'attachment; filename="{consultation.slug}.ics"'
    return response


@bp.get("/c/<slug>/participants")
def public_participants(slug: str) -> ResponseReturnValue:
    consultation = public_consultation(slug)
    if consultation is None or not consultation.participants_public:
        abort(404)
    return public_page(
        (slug, stamp(LISTINGS)),
        lambda: render_template(
            "programme/participants.html",
            consultation=consultation,
            groups=participants(consultation),
        ),
    )
