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
    session,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from consult.access import admin_required, secretariat_required
from consult.accounts.models import User
from consult.accounts.step_up import recent_sign_in_required
from consult.applications.answers import answered_questions
from consult.applications.audit import EventKind
from consult.applications.decisions import (
    announce,
    announcement,
    pending_count,
    record_pending,
    record_pending_many,
)
from consult.applications.editing import EDITABLE_STATES, set_editing_locked
from consult.applications.models import Application
from consult.applications.places import offer_availability
from consult.applications.privacy import erase_application
from consult.applications.services import (
    ApplicationError,
    Decision,
    decide_application,
    decisions_from,
    other_live_applications,
)
from consult.applications.states import holds_place
from consult.consultations.content import localized
from consult.consultations.models import Consultation
from consult.consultations.services import all_consultations
from consult.contributions.services import contributions_by
from consult.database import utcnow
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
from consult.review.assignments import (
    assign,
    assignments_on,
    auto_assign,
    conflicts_on,
    declare_conflict,
    has_conflict,
    next_to_review,
    progress,
    progress_of,
    reviewers,
)
from consult.review.criteria import criteria_of, save_scored_review
from consult.review.export import csv_chunks
from consult.review.forms import (
    DECISION_LABELS,
    AnnounceForm,
    AssignForm,
    AutoAssignForm,
    BulkDecisionForm,
    DecisionForm,
    EraseForm,
    QueueFilterForm,
    WithdrawPendingForm,
    review_form_for,
)
from consult.review.services import (
    InvalidCursor,
    ReviewError,
    ReviewQueueFilter,
    attendance,
    balance,
    free_places,
    neighbours,
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


def anonymous_to_reader(consultation: Consultation) -> bool:
    """Does the reader see this consultation's applications without the person? In an
    anonymised review, every reviewer does; admins never."""
    return consultation.anonymised_review and not current_user.is_admin


def queue_filter_from_request() -> tuple[
    QueueFilterForm, ReviewQueueFilter | None, Consultation | None
]:
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
    if anonymous_to_reader(selected):  # (what they may search, and no order by name)
        form.q.description = _("Topic or reference")
        form.sort.choices = [c for c in form.sort.choices if c.value != "name"]
        form.country.data = form.organization.data = None  # (they would say who)
    queue_filter = ReviewQueueFilter(
        consultation_id=selected.id,
        role=Role(form.role.data) if form.role.data else None,
        category_id=form.category.data or None,
        state=ApplicationState(form.state.data) if form.state.data else None,
        country=form.country.data or None,
        organization_id=form.organization.data or None,
        answer=_answer_filter(form.answer.data),
        unreviewed_by=current_user.id if form.mine.data else None,
        assigned_to=current_user.id if form.assigned.data else None,
        hidden_from=current_user.id,
        anonymous=anonymous_to_reader(selected),
        text=(form.q.data or "").strip(),
    )
    return form, with_sort(queue_filter, form.sort.data or "newest"), selected


def _flash_refused(outcomes) -> None:
    """One error message per application a bulk action could not do, and why."""
    for outcome in outcomes:
        if not outcome.ok:
            flash(f"{outcome.reference}: {outcome.message}", "error")


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
    form, queue_filter, consultation = queue_filter_from_request()
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
        bulk=BulkDecisionForm(
            return_to=url_for(".queue") + "?" + _query_string(select=None, cursor=None)
        ),
        decision_labels=DECISION_LABELS,
        anonymous=queue_filter.anonymous,
        regions=region_labels(),
        came_from=came_from(consultation.id),
        confirm_by={o.role: o.confirm_by for o in consultation.offers},
        progress=progress(consultation.id, current_user.id),
        assign_form=AssignForm(
            reviewers(), return_to=url_for(".queue") + "?" + came_from(consultation.id)
        )
        if current_user.is_admin
        else None,
        now=utcnow(),
        select_all=request.args.get("select") == "all",
        pending=pending_count(consultation.id) if current_user.is_admin else 0,
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
    outcomes = record_pending_many(
        selection, Decision(form.decision.data), by=current_user, message=form.message.data or ""
    )
    done = [o.reference for o in outcomes if o.ok]
    if done:
        flash(
            _(
                "Pending decision “%(decision)s” recorded for %(refs)s. Nothing is sent "
                "until you announce the decisions.",
                decision=DECISION_LABELS[Decision(form.decision.data)],
                refs=", ".join(done),
            ),
            "success",
        )
    _flash_refused(outcomes)
    return redirect(back)


def _detail_queue_filter(application: Application) -> ReviewQueueFilter:
    """The filter of the queue the reader came from, if it is this application's
    consultation's; else the whole queue of that consultation, newest first."""
    if request.args.get("consultation", type=int) == application.consultation_id:
        _form, queue_filter, _consultation = queue_filter_from_request()
        if queue_filter is not None:
            return queue_filter
    return ReviewQueueFilter(consultation_id=application.consultation_id)


def _detail(
    application: Application, review_form=None, decision_form=None, status=200, decision_error=None
):
    reviews = reviews_of(application)
    mine = next((r for r in reviews if r.reviewer_id == current_user.id), None)
    criteria = criteria_of(application.consultation_id)
    if review_form is None:
        data = None
        if mine:
            data = {"score": round(mine.score), "comment": mine.comment}
            data |= {f"criterion_{s.criterion_id}": s.score for s in mine.scores}
        review_form = review_form_for(criteria, data=data)
    allowed = decisions_from(application.state)
    if decision_form is None:
        decision_form = DecisionForm(
            allowed,
            version=application.version,
            data={
                "decision": application.pending_decision,
                "message": application.pending_message,
            },
        )
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
    queue_filter = _detail_queue_filter(application)
    conflicts = conflicts_on(application)
    return render_template(
        "review/detail.html",
        placement_form=placement_form,
        around=neighbours(queue_filter, application),
        anonymous=anonymous_to_reader(application.consultation),
        regions=region_labels(),
        conflicts=conflicts,
        assigned=assignments_on(application),
        my_conflict=any(c.reviewer_id == current_user.id for c in conflicts),
        came_from=came_from(),
        answers=answered_questions(application),
        changed_since_review=[e for e in edits if mine and e.created_at > mine.updated_at],
        editable_state=application.state in EDITABLE_STATES and application.erased_at is None,
        application=application,
        consultation=application.consultation,
        reviews=reviews,
        criteria=criteria,
        review_form=review_form,
        decision_form=decision_form,
        can_decide=current_user.is_admin and bool(allowed),
        decision_error=decision_error,
        emails=emails,
        also_applied=other_live_applications(application),
        written=contributions_by(application),
        erase_form=EraseForm(),
        pending_form=WithdrawPendingForm(version=application.version),
        decision_labels=DECISION_LABELS,
        availability=availability,
    ), status


def _application_for_staff(application_id: int) -> Application:
    """The application, unless the reader declared a conflict of interest on it: then
    it is hidden from them (admins still see it, to decide; they cannot review it)."""
    application = db.get_or_404(Application, application_id)
    if not current_user.is_admin and has_conflict(application.id, current_user.id):
        abort(403, description=_("You declared a conflict of interest on this application."))
    return application


@bp.get("/applications/<int:application_id>")
@secretariat_required
def detail(application_id: int) -> ResponseReturnValue:
    return _detail(_application_for_staff(application_id))


@bp.post("/applications/<int:application_id>/conflict")
@secretariat_required
def conflict(application_id: int) -> ResponseReturnValue:
    """The reader declares a conflict of interest on the application."""
    application = db.get_or_404(Application, application_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    declare_conflict(application, current_user)
    flash(
        _(
            "Your conflict of interest on %(ref)s is recorded: it is no longer shown or "
            "assigned to you.",
            ref=application.reference,
        ),
        "success",
    )
    return redirect(url_for(".queue", consultation=application.consultation_id))


@bp.post("/applications/assign")
@admin_required
def bulk_assign() -> ResponseReturnValue:
    form = AssignForm(reviewers())
    back = safe_return(form.return_to.data, url_for(".queue"), "/secretariat/applications")
    if not form.validate_on_submit():
        flash(_("Choose a reviewer for the selected applications."), "error")
        return redirect(back)
    reviewer = db.session.get(User, form.reviewer.data)
    ids = [parse_id(v.partition(":")[0]) for v in request.form.getlist("selected")]
    if not ids or None in ids:
        flash(_("Select at least one application first."), "error")
        return redirect(back)
    outcomes = assign(ids, reviewer, by=current_user)
    done = [o.reference for o in outcomes if o.ok]
    if done:
        flash(
            _("Assigned to %(name)s: %(refs)s.", name=reviewer.name, refs=", ".join(done)),
            "success",
        )
    _flash_refused(outcomes)
    return redirect(back)


@bp.route("/consultations/<int:consultation_id>/assignments", methods=["GET", "POST"])
@admin_required
def assignments(consultation_id: int) -> ResponseReturnValue:
    """Who reviews what: each reviewer's load and progress, and spreading the speaker
    applications evenly."""
    consultation = db.get_or_404(Consultation, consultation_id)
    form = AutoAssignForm()
    status = 200
    if form.is_submitted():
        status = 422
        if form.validate():
            made = auto_assign(consultation, form.per_application.data, by=current_user)
            flash(
                ngettext("%(num)d assignment made.", "%(num)d assignments made.", made),
                "success",
            )
            return redirect(url_for(".assignments", consultation_id=consultation.id))
    staff = reviewers()
    done = progress_of(consultation.id, [user.id for user in staff])
    return (
        render_template(
            "review/assignments.html",
            consultation=consultation,
            form=form,
            rows=[(user, done[user.id]) for user in staff],
        ),
        status,
    )


@bp.get("/consultations/<int:consultation_id>/review-next")
@secretariat_required
def review_next(consultation_id: int) -> ResponseReturnValue:
    """ "Review the next one": the application that most needs the reader (assigned to
    them first, fewest reviews, oldest), none shown twice in one round."""
    consultation = db.get_or_404(Consultation, consultation_id)
    key = f"round-{consultation.id}"
    seen = set(session.get(key, []))
    found = next_to_review(consultation.id, current_user.id, seen)
    if found is None and seen:  # the round is over: start again with what is left
        seen = set()
        found = next_to_review(consultation.id, current_user.id, seen)
    if found is None:
        session.pop(key, None)
        flash(_("Nothing left for you to review here. Thank you."), "success")
        return redirect(url_for(".queue", consultation=consultation.id))
    session[key] = sorted(seen | {found.id})[-500:]
    return redirect(url_for(".detail", application_id=found.id, consultation=consultation.id))


@bp.post("/applications/<int:application_id>/review")
@secretariat_required
def review(application_id: int) -> ResponseReturnValue:
    application = db.get_or_404(Application, application_id)
    if has_conflict(application.id, current_user.id):  # (nobody reviews with one, admins too)
        abort(403, description=_("You declared a conflict of interest on this application."))
    criteria = criteria_of(application.consultation_id)
    form = review_form_for(criteria)
    if not form.validate_on_submit():
        return _detail(application, review_form=form, status=422)
    comment = form.comment.data or ""
    try:
        if criteria:
            save_scored_review(application, current_user, form.criterion_scores(), comment)
        else:
            save_review(application, current_user, form.score.data, comment)
    except ReviewError as error:
        form.score_fields()[0].errors.append(error.message)
        return _detail(application, review_form=form, status=status_for(error))
    flash(_("Your review is saved."), "success")
    if request.form.get("then") == "next":
        return redirect(url_for(".review_next", consultation_id=application.consultation_id))
    return redirect(_detail_url(application.id))


@bp.post("/applications/<int:application_id>/decision")
@admin_required
def decide(application_id: int) -> ResponseReturnValue:
    application = db.get_or_404(Application, application_id)
    form = DecisionForm(list(Decision))
    if not form.validate_on_submit():
        return _detail(application, decision_form=form, status=422)
    announce_now = request.form.get("announce") == "now"
    try:
        if announce_now:
            decide_application(
                application,
                Decision(form.decision.data),
                by=current_user,
                expected_version=form.version.data,
                message=form.message.data or "",
                override_capacity=form.override_capacity.data,
            )
        else:
            record_pending(
                application,
                Decision(form.decision.data),
                by=current_user,
                expected_version=form.version.data,
                message=form.message.data or "",
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
    if announce_now:
        message = _(
            "Decision recorded: %(ref)s is now %(state)s. The applicant is emailed.",
            ref=application.reference,
            state=application.state.short_label.lower(),
        )
    else:
        message = _(
            "Pending decision recorded for %(ref)s: %(decision)s. Nothing is sent until "
            "you announce the decisions.",
            ref=application.reference,
            decision=DECISION_LABELS[Decision(form.decision.data)],
        )
    flash(message, "success")
    return redirect(_detail_url(application.id))


@bp.post("/applications/<int:application_id>/pending")
@admin_required
def withdraw_pending(application_id: int) -> ResponseReturnValue:
    """Take back a decision not yet announced (the application waits for one again)."""
    application = db.get_or_404(Application, application_id)
    form = WithdrawPendingForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        record_pending(application, None, by=current_user, expected_version=form.version.data)
    except ApplicationError as error:
        flash(error.message, "error")
    else:
        flash(_("The pending decision is withdrawn."), "success")
    return redirect(_detail_url(application.id))


@bp.route("/consultations/<int:consultation_id>/announce", methods=["GET", "POST"])
@admin_required
def announce_view(consultation_id: int) -> ResponseReturnValue:
    """Announce every pending decision: first what will go out (how many emails of each
    kind, any role that would be over its places), then, confirmed, all of it."""
    consultation = db.get_or_404(Consultation, consultation_id)
    form = AnnounceForm()
    summary = announcement(consultation)
    status = 200
    if form.is_submitted():
        status = 422
        if form.validate() and summary.over_capacity and not form.override_capacity.data:
            form.override_capacity.errors.append(
                _("Some roles would have more people than places: tick to accept beyond them.")
            )
        elif form.validate():
            outcomes = announce(
                consultation, by=current_user, override_capacity=form.override_capacity.data
            )
            done = [o.reference for o in outcomes if o.ok]
            record_event(
                SecurityTag.DECISIONS_ANNOUNCED,
                target=f"consultation {consultation.id}",
                detail=f"{len(done)} of {len(outcomes)}",
                commit=True,
            )
            if done:
                flash(
                    ngettext(
                        "%(num)d decision is announced; its email is on its way.",
                        "%(num)d decisions are announced; their emails are on their way.",
                        len(done),
                    ),
                    "success",
                )
            _flash_refused(outcomes)
            return redirect(url_for(".queue", consultation=consultation.id))
    return (
        render_template(
            "review/announce.html",
            consultation=consultation,
            summary=summary,
            form=form,
            decisions=list(Decision),
            labels=DECISION_LABELS,
        ),
        status,
    )


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
    return redirect(_detail_url(application.id))


# What says which queue the reader came from (the filter form's fields): carried from
# the queue to an application's page and through its forms, so that previous/next
# follow that queue and "back" returns to it.
QUEUE_KEYS = ("consultation", "role", "category", "state", "country", "organization")
QUEUE_KEYS += ("answer", "q", "mine", "assigned", "sort")


def came_from(consultation_id: int | None = None) -> str:
    """The queue's query string the current request carries ("" for none); on the queue
    itself, naming the consultation shown even when the URL does not."""
    pairs = [(k, v) for k, v in request.args.items(multi=True) if k in QUEUE_KEYS]
    if consultation_id is not None:
        pairs = [("consultation", consultation_id)] + [p for p in pairs if p[0] != "consultation"]
    return urlencode(pairs)


def _detail_url(application_id: int) -> str:
    query = came_from()
    return url_for(".detail", application_id=application_id) + (f"?{query}" if query else "")


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
        return redirect(_detail_url(application.id))
    erase_application(application, by=current_user.email, user_id=current_user.id)
    record_event(SecurityTag.ERASED, target=f"application {application.id}", commit=True)
    flash(_("The personal data of %(ref)s is erased.", ref=application.reference), "success")
    return redirect(_detail_url(application.id))


@bp.get("/consultations/<int:consultation_id>/balance")
@secretariat_required
def balance_view(consultation_id: int) -> ResponseReturnValue:
    consultation = db.get_or_404(Consultation, consultation_id)
    if_announced = request.args.get("if") == "announced"
    return render_template(
        "review/balance.html",
        consultation=consultation,
        consultations=all_consultations(),
        balance=balance(consultation, region_labels(), if_announced=if_announced),
        attendance=attendance(consultation, region_labels()),
        if_announced=if_announced,
        pending=pending_count(consultation.id),
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
    _form, queue_filter, consultation = queue_filter_from_request()
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
