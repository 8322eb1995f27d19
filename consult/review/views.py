"""The secretariat's review queue, application detail, reviews, decisions, balance."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from consult.access import admin_required, secretariat_required
from consult.accounts.step_up import recent_sign_in_required
from consult.applications.answers import answered_questions
from consult.applications.audit import EventKind
from consult.applications.editing import EDITABLE_STATES, set_editing_locked
from consult.applications.models import Application
from consult.applications.places import offer_availability
from consult.applications.privacy import erase_application
from consult.applications.services import (
    ApplicationError,
    Decision,
    decide_application,
    decide_many,
    decisions_from,
    other_live_applications,
)
from consult.applications.states import holds_place
from consult.consultations.content import localized
from consult.consultations.models import Consultation
from consult.consultations.services import all_consultations
from consult.enums import ApplicationState, Role
from consult.extensions import db
from consult.forms import ActionForm
from consult.http import csv_download, parse_id, safe_return, status_for
from consult.notifications.models import OutboxMessage
from consult.notifications.services import delivery_health
from consult.programme.forms import PlacementForm
from consult.programme.services import (
    SPEAKER_ROLES,
    programme_rows,
    sessions_of,
)
from consult.regions import region_labels
from consult.review.export import csv_chunks
from consult.review.forms import (
    BulkDecisionForm,
    DecisionForm,
    EraseForm,
    QueueFilterForm,
    ReviewForm,
)
from consult.review.services import (
    InvalidCursor,
    ReviewError,
    ReviewQueueFilter,
    balance,
    free_places,
    queue_page,
    reviews_of,
    save_review,
    with_sort,
)
from consult.security.models import SecurityTag
from consult.security.services import record_event

bp = Blueprint("review", __name__, url_prefix="/secretariat")


@bp.get("/")
@secretariat_required
def index() -> ResponseReturnValue:
    return redirect(url_for(".queue"))


def _queue_filter() -> tuple[QueueFilterForm, ReviewQueueFilter | None, Consultation | None]:
    consultations = all_consultations()
    by_id = {c.id: c for c in consultations}
    asked = request.args.get("consultation", type=int)
    selected = by_id.get(asked) if asked else (consultations[0] if consultations else None)
    form = QueueFilterForm(consultations, selected, str(get_locale()), formdata=request.args)
    if selected is None:
        return form, None, None
    form.consultation.data = selected.id
    form.validate()
    # An edited URL: what is not one of the field's choices (" ", "emperor") is dropped
    # rather than passed on. Optional() lets blank values through validation, so the
    # choices are checked here, for every select.
    for field in (
        form.role,
        form.category,
        form.state,
        form.country,
        form.organization,
        form.answer,
        form.sort,
    ):
        if field.data not in {value for value, *_ in field.iter_choices()}:
            field.data = field.default if field.name == "sort" else None
    if form.q.errors:
        form.q.data = None
    queue_filter = ReviewQueueFilter(
        consultation_id=selected.id,
        role=Role(form.role.data) if form.role.data else None,
        category_id=form.category.data or None,
        state=ApplicationState(form.state.data) if form.state.data else None,
        country=form.country.data or None,
        organization_id=form.organization.data or None,
        answer=_answer_filter(form.answer.data),
        unreviewed_by=current_user.id if form.mine.data else None,
        text=(form.q.data or "").strip(),
    )
    return form, with_sort(queue_filter, form.sort.data or "newest"), selected


def _answer_filter(value: str | None) -> tuple[int, str] | None:
    """ "question id:value" (one of the field's choices) as (id, value)."""
    if not value:
        return None
    raw_id, _sep, answer = value.partition(":")
    question_id = parse_id(raw_id)
    return (question_id, answer) if question_id is not None else None


def _query_string(**changes) -> str:
    args = request.args.to_dict()
    args.update({k: v for k, v in changes.items() if v is not None})
    for key in [k for k, v in changes.items() if v is None]:
        args.pop(key, None)
    return urlencode(args)


@bp.get("/applications")
@secretariat_required
def queue() -> ResponseReturnValue:
    form, queue_filter, consultation = _queue_filter()
    if queue_filter is None:
        return render_template("review/queue.html", form=form, consultation=None)
    try:
        page = queue_page(
            queue_filter,
            cursor=request.args.get("cursor"),
            size=current_app.config["QUEUE_PAGE_SIZE"],
            reader_id=current_user.id,
        )
    except InvalidCursor:
        abort(400, description=_("This page link is not valid. Start again from the queue."))
    return render_template(
        "review/queue.html",
        form=form,
        consultation=consultation,
        page=page,
        queue_filter=queue_filter,
        free=free_places(consultation),
        bulk=BulkDecisionForm(return_to=request.full_path),
        query_string=_query_string,
        delivery=delivery_health() if current_user.is_admin else None,
    )


@bp.post("/applications/decide")
@admin_required
def bulk_decide() -> ResponseReturnValue:
    form = BulkDecisionForm()
    back = safe_return(form.return_to.data, url_for(".queue"), "/secretariat/applications")
    if not form.validate_on_submit():
        flash(_("Choose a decision for the selected applications."), "error")
        return redirect(back)
    selection = []
    for value in request.form.getlist("selected"):
        raw_id, _sep, raw_version = value.partition(":")
        application_id, version = parse_id(raw_id), parse_id(raw_version)
        if application_id is None or version is None:
            abort(400)
        selection.append((application_id, version))
    if not selection:
        flash(_("Select at least one application first."), "error")
        return redirect(back)
    outcomes = decide_many(
        selection,
        Decision(form.decision.data),
        by=current_user,
        message=form.message.data or "",
        override_capacity=form.override_capacity.data,
    )
    done = [o.reference for o in outcomes if o.ok]
    if done:
        flash(_("Done for %(n)d: %(refs)s.", n=len(done), refs=", ".join(done)), "success")
    for outcome in outcomes:
        if not outcome.ok:
            flash(f"{outcome.reference}: {outcome.message}", "error")
    return redirect(back)


def _detail(
    application: Application, review_form=None, decision_form=None, status=200, decision_error=None
):
    reviews = reviews_of(application)
    mine = next((r for r in reviews if r.reviewer_id == current_user.id), None)
    if review_form is None:
        review_form = ReviewForm(
            data={"score": mine.score, "comment": mine.comment} if mine else None
        )
    allowed = decisions_from(application.state)
    if decision_form is None:
        decision_form = DecisionForm(allowed, version=application.version)
    emails = (
        db.session.execute(
            select(OutboxMessage)
            .where(OutboxMessage.application_id == application.id)
            .order_by(OutboxMessage.id)
        )
        .scalars()
        .all()
    )
    availability = {a.offer.role: a for a in offer_availability(application.consultation)}[
        application.role
    ]
    placement_form = None
    if (
        current_user.is_admin
        and application.role in SPEAKER_ROLES
        and holds_place(application.state)
    ):
        placement_form = PlacementForm(
            session=application.programme_session_id, version=application.version
        )
        placement_form.session.choices = [("", _("Unassigned"))] + [
            (s.id, f"{localized(s, 'title')} ({s.kind.label})")
            for s in sessions_of(application.consultation)
            if s.kind.has_speakers
        ]
    edits = [e for e in application.events if e.kind == EventKind.EDITED.value]
    return render_template(
        "review/detail.html",
        placement_form=placement_form,
        answers=answered_questions(application),
        changed_since_review=[e for e in edits if mine and e.created_at > mine.updated_at],
        editable_state=application.state in EDITABLE_STATES and application.erased_at is None,
        application=application,
        consultation=application.consultation,
        reviews=reviews,
        review_form=review_form,
        decision_form=decision_form,
        can_decide=current_user.is_admin and bool(allowed),
        decision_error=decision_error,
        emails=emails,
        also_applied=other_live_applications(application),
        erase_form=EraseForm(),
        availability=availability,
    ), status


@bp.get("/applications/<int:application_id>")
@secretariat_required
def detail(application_id: int) -> ResponseReturnValue:
    return _detail(db.get_or_404(Application, application_id))


@bp.post("/applications/<int:application_id>/review")
@secretariat_required
def review(application_id: int) -> ResponseReturnValue:
    application = db.get_or_404(Application, application_id)
    form = ReviewForm()
    if not form.validate_on_submit():
        return _detail(application, review_form=form, status=422)
    try:
        save_review(application, current_user, form.score.data, form.comment.data or "")
    except ReviewError as error:
        form.score.errors.append(error.message)
        return _detail(application, review_form=form, status=status_for(error))
    flash(_("Your review is saved."), "success")
    return redirect(url_for(".detail", application_id=application.id))


@bp.post("/applications/<int:application_id>/decision")
@admin_required
def decide(application_id: int) -> ResponseReturnValue:
    application = db.get_or_404(Application, application_id)
    form = DecisionForm(list(Decision))
    if not form.validate_on_submit():
        return _detail(application, decision_form=form, status=422)
    try:
        decide_application(
            application,
            Decision(form.decision.data),
            by=current_user,
            expected_version=form.version.data,
            message=form.message.data or "",
            override_capacity=form.override_capacity.data,
        )
    except ApplicationError as error:
        db.session.expire_all()
        application = db.get_or_404(Application, application_id)
        fresh = DecisionForm(
            decisions_from(application.state),
            version=application.version,
            data={"message": form.message.data},
        )
        return _detail(
            application,
            decision_form=fresh,
            status=status_for(error),
            decision_error=error.message,
        )
    flash(
        _(
            "Decision recorded: %(ref)s is now %(state)s. The applicant is emailed.",
            ref=application.reference,
            state=application.state.short_label.lower(),
        ),
        "success",
    )
    return redirect(url_for(".detail", application_id=application.id))


@bp.post("/applications/<int:application_id>/editing")
@admin_required
def editing(application_id: int) -> ResponseReturnValue:
    """Lock (or unlock) the application against the applicant's own changes."""
    application = db.get_or_404(Application, application_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    locked = request.form.get("locked") == "1"
    set_editing_locked(application, locked, by=current_user)
    flash(
        _("The applicant can no longer change %(ref)s.", ref=application.reference)
        if locked
        else _("The applicant can change %(ref)s again.", ref=application.reference),
        "success",
    )
    return redirect(url_for(".detail", application_id=application.id))


def _detail_url(application_id: int) -> str:
    return url_for(".detail", application_id=application_id)


@bp.post("/applications/<int:application_id>/erase")
@admin_required
@recent_sign_in_required(
    back=lambda application_id: url_for(".detail", application_id=application_id)
)
def erase(application_id: int) -> ResponseReturnValue:
    """Erase the person's data (their request, or the secretariat's decision)."""
    application = db.get_or_404(Application, application_id)
    form = EraseForm()
    if not form.validate_on_submit():
        flash(_("Tick the box to confirm the erasure."), "error")
        return redirect(url_for(".detail", application_id=application.id))
    erase_application(application, by=current_user.email, user_id=current_user.id)
    record_event(SecurityTag.ERASED, target=f"application {application.id}", commit=True)
    flash(_("The personal data of %(ref)s is erased.", ref=application.reference), "success")
    return redirect(url_for(".detail", application_id=application.id))


@bp.get("/consultations/<int:consultation_id>/balance")
@secretariat_required
def balance_view(consultation_id: int) -> ResponseReturnValue:
    consultation = db.get_or_404(Consultation, consultation_id)
    return render_template(
        "review/balance.html",
        consultation=consultation,
        consultations=all_consultations(),
        balance=balance(consultation, region_labels()),
        availability=offer_availability(consultation),
        roles=list(Role),
        sessions=[row for row in programme_rows(consultation) if row[2] is not None],
        regions=region_labels(),
    )


# --- export ----------------------------------------------------------------------------


@bp.get("/applications/export.csv")
@admin_required
@recent_sign_in_required()
def export() -> ResponseReturnValue:
    _form, queue_filter, consultation = _queue_filter()
    if queue_filter is None:
        abort(404)

    record_event(
        SecurityTag.EXPORT,
        target=f"consultation {consultation.id}",
        detail="applications CSV, with gender and accessibility needs (special category)",
        commit=True,
    )
    return csv_download(
        stream_with_context(csv_chunks(queue_filter)), f"{consultation.slug}-applications.csv"
    )
