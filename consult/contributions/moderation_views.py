"""The secretariat's side of written contributions: the call and its guiding questions,
the moderation queue, one contribution (decide, fix formatting, themes, erase), and the
synthesis (counts by theme and category, the document for the meeting)."""

from __future__ import annotations

from collections import Counter
from contextlib import suppress

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from wtforms.fields.choices import SelectChoice

from consult.access import admin_required
from consult.consultations.content import localized
from consult.consultations.models import Consultation
from consult.contributions import public
from consult.contributions.documents import synthesis_pdf
from consult.contributions.forms import (
    CallForm,
    FormattingForm,
    ModerationForm,
    QuestionForm,
    SynthesisForm,
    ThemesForm,
    VersionForm,
)
from consult.contributions.models import (
    CONTRIBUTION_STATE_LABELS,
    PUBLIC_STATES,
    Contribution,
    ContributionState,
    ContributionTheme,
    GuidingQuestion,
    contribution_theme_link,
)
from consult.contributions.sanitize import from_text, to_text
from consult.contributions.services import (
    ContributionError,
    allowed_decisions,
    call_of,
    contribution_in,
    delete_question,
    erase,
    fix_formatting,
    guiding_questions,
    history,
    link_theme_to_session,
    moderate,
    parse_themes,
    save_question,
    set_call,
    set_themes,
    themes_of,
)
from consult.contributions.views import contribution_document, names_for, send_attachment
from consult.database import local_to_utc, utc_to_local
from consult.extensions import db
from consult.forms import ActionForm
from consult.http import file_download, parse_id, status_for
from consult.i18n import NATIVE_NAMES, offered_languages
from consult.pdfs import FontsMissing
from consult.programme.services import sessions_of
from consult.regions import region_labels
from consult.security.models import SecurityTag
from consult.security.services import record_event

bp = Blueprint("moderation", __name__, url_prefix="/secretariat/consultations")
PAGE_SIZE = 50
S = ContributionState


def _local(value, tz):
    return utc_to_local(value, tz).replace(tzinfo=None) if value else None


@bp.route("/<int:consultation_id>/contribution-call", methods=["GET", "POST"])
@admin_required
def call(consultation_id: int) -> ResponseReturnValue:
    consultation = db.get_or_404(Consultation, consultation_id)
    existing = call_of(consultation.id)
    tz = consultation.timezone
    form = CallForm(
        data={
            "opens_at": _local(existing.opens_at, tz) if existing else None,
            "closes_at": _local(existing.closes_at, tz) if existing else None,
        }
        if request.method == "GET"
        else None
    )
    status = 200
    if form.is_submitted():
        status = 422
        if form.validate():
            try:
                set_call(
                    consultation,
                    local_to_utc(form.opens_at.data, tz),
                    local_to_utc(form.closes_at.data, tz),
                    by=current_user,
                )
            except ContributionError as error:
                form[error.field or "closes_at"].errors.append(error.message)
            else:
                flash(_("The call for contributions is saved."), "success")
                return redirect(url_for(".call", consultation_id=consultation.id))
    return _call_page(consultation, form, QuestionForm(formdata=None), status)


def _call_page(consultation, form, question_form, status=200, refused=None):
    """The call's page; `refused` is a question's form sent back with its errors."""
    questions = guiding_questions(consultation.id)
    forms = {
        q.id: QuestionForm(
            formdata=None, data={"label": q.label, "help": q.help, "position": q.position}
        )
        for q in questions
    }
    if refused is not None:
        forms[refused[0]] = refused[1]
    return (
        render_template(
            "contributions/admin/call.html",
            consultation=consultation,
            form=form,
            question_form=question_form,
            questions=questions,
            question_forms=forms,
            delete_form=VersionForm(formdata=None),
        ),
        status,
    )


def _question_or_404(consultation: Consultation, question_id: int | None) -> GuidingQuestion:
    question = db.session.get(GuidingQuestion, question_id) if question_id else None
    if question is None or question.consultation_id != consultation.id:
        abort(404)
    return question


@bp.post("/<int:consultation_id>/guiding-questions")
@bp.post("/<int:consultation_id>/guiding-questions/<int:question_id>")
@admin_required
def save_guiding_question(consultation_id: int, question_id: int | None = None):
    consultation = db.get_or_404(Consultation, consultation_id)
    question = _question_or_404(consultation, question_id) if question_id else None
    form = QuestionForm()
    if form.validate():
        position = form.position.data
        if position is None:
            position = (
                question.position if question else len(guiding_questions(consultation.id)) + 1
            )
        save_question(
            consultation, question, form.label.data, form.help.data or "", position, by=current_user
        )
        flash(_("The question is saved."), "success")
        return redirect(url_for(".call", consultation_id=consultation.id))
    call_form = CallForm(formdata=None)
    if question is None:
        return _call_page(consultation, call_form, form, 422)
    return _call_page(
        consultation, call_form, QuestionForm(formdata=None), 422, (question.id, form)
    )


@bp.post("/<int:consultation_id>/guiding-questions/<int:question_id>/delete")
@admin_required
def delete_guiding_question(consultation_id: int, question_id: int):
    consultation = db.get_or_404(Consultation, consultation_id)
    question = _question_or_404(consultation, question_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        delete_question(question, by=current_user)
    except ContributionError as error:
        flash(error.message, "error")
    else:
        flash(_("The question is deleted."), "success")
    return redirect(url_for(".call", consultation_id=consultation.id))


# -- the queue -------------------------------------------------------------------------


def _queue_conditions(consultation: Consultation) -> tuple[list, dict]:
    args = request.args
    chosen = {
        "state": args.get("state", "new"),
        "category": parse_id(args.get("category")),
        "region": args.get("region", ""),
        "question": parse_id(args.get("question")),
        "language": args.get("language", ""),
        "duplicates": args.get("duplicates") == "1",
    }
    conditions = [Contribution.consultation_id == consultation.id]
    if chosen["state"] in {s.value for s in S}:
        conditions.append(Contribution.state == S(chosen["state"]))
    elif chosen["state"] != "all":
        chosen["state"] = "all"
    filters = public.Filters(
        category=chosen["category"], region=chosen["region"], question=chosen["question"]
    )
    conditions += public.filter_conditions(filters)
    if chosen["language"]:
        conditions.append(Contribution.language == chosen["language"])
    if chosen["duplicates"]:
        conditions.append(Contribution.duplicate_of_id.is_not(None))
    return conditions, chosen


@bp.get("/<int:consultation_id>/contributions")
@admin_required
def queue(consultation_id: int) -> ResponseReturnValue:
    consultation = db.get_or_404(Consultation, consultation_id)
    conditions, chosen = _queue_conditions(consultation)
    rows = list(
        db.session.execute(
            select(Contribution)
            .where(*conditions)
            .order_by(Contribution.created_at, Contribution.id)
            .limit(PAGE_SIZE)
        ).scalars()
    )
    counts = dict(
        db.session.execute(
            select(Contribution.state, func.count())
            .where(Contribution.consultation_id == consultation.id)
            .group_by(Contribution.state)
        ).all()
    )
    return render_template(
        "contributions/admin/queue.html",
        consultation=consultation,
        rows=rows,
        counts=counts,
        chosen=chosen,
        states=CONTRIBUTION_STATE_LABELS,
        questions=guiding_questions(consultation.id),
        regions=region_labels(),
        language_names={code: NATIVE_NAMES[code] for code in offered_languages()},
        call=call_of(consultation.id),
    )


def _contribution_or_404(consultation_id: int, contribution_id: int) -> tuple:
    consultation = db.get_or_404(Consultation, consultation_id)
    contribution = contribution_in(consultation.id, contribution_id)
    if contribution is None:
        abort(404)
    return consultation, contribution


def _detail(consultation, contribution, status=200, **forms):
    questions = {q.id: q for q in guiding_questions(consultation.id)}
    moderation = forms.get("moderation") or ModerationForm(
        formdata=None, data={"version": contribution.version}
    )
    allowed = allowed_decisions(contribution)
    moderation.decision.choices = [c for c in moderation.decision.choices if c.value in allowed]
    formatting = forms.get("formatting") or FormattingForm(
        formdata=None, data={"version": contribution.version}
    )
    formatting.question.choices = [
        SelectChoice(a.question_id, questions[a.question_id].label)
        for a in contribution.answers
        if a.question_id in questions and a.body
    ]
    themes = forms.get("themes") or ThemesForm(
        formdata=None,
        data={
            "themes": ", ".join(t.name for t in contribution.themes),
            "passage": contribution.passage,
        },
    )
    return (
        render_template(
            "contributions/admin/contribution.html",
            consultation=consultation,
            contribution=contribution,
            questions=questions,
            moderation=moderation,
            formatting=formatting,
            themes_form=themes,
            known_themes=themes_of(consultation.id),
            erase_form=VersionForm(formdata=None, data={"version": contribution.version}),
            events=history(contribution),
            to_text=to_text,
        ),
        status,
    )


@bp.get("/<int:consultation_id>/contributions/<int:contribution_id>")
@admin_required
def contribution(consultation_id: int, contribution_id: int) -> ResponseReturnValue:
    consultation, contribution = _contribution_or_404(consultation_id, contribution_id)
    return _detail(consultation, contribution)


def _back(consultation, contribution):
    return redirect(
        url_for(".contribution", consultation_id=consultation.id, contribution_id=contribution.id)
    )


def _moderate(contribution: Contribution, form: ModerationForm) -> None:
    """Record the decision; a published contribution's PDF is made now, once, so the
    rapporteur's download only reads it (without the fonts, it is made when asked)."""
    moderate(
        contribution,
        form.decision.data,
        form.reason.data or "",
        version=form.version.data,
        by=current_user,
    )
    if contribution.is_public:
        with suppress(FontsMissing):
            contribution_document(contribution)


def _acted(consultation, contribution, key: str, form, act, done):
    """The one shape of the contribution page's forms: validate, act, say it is done and
    go back to the page; a refusal is said beside its field (or above the form) on the
    page sent back with what was typed."""
    if not form.validate():
        return _detail(consultation, contribution, 422, **{key: form})
    try:
        act()
    except ContributionError as error:
        field = form[error.field] if error.field and error.field in form else None
        (field.errors if field is not None else form.form_errors).append(error.message)
        return _detail(consultation, contribution, status_for(error), **{key: form})
    flash(done(), "success")
    return _back(consultation, contribution)


@bp.post("/<int:consultation_id>/contributions/<int:contribution_id>/moderate")
@admin_required
def decide(consultation_id: int, contribution_id: int) -> ResponseReturnValue:
    consultation, contribution = _contribution_or_404(consultation_id, contribution_id)
    form = ModerationForm()
    return _acted(
        consultation,
        contribution,
        "moderation",
        form,
        lambda: _moderate(contribution, form),
        lambda: _(
            "%(reference)s: %(state)s. The contributor is told by email.",
            reference=contribution.reference,
            state=contribution.state.label,
        ),
    )


@bp.post("/<int:consultation_id>/contributions/<int:contribution_id>/formatting")
@admin_required
def formatting(consultation_id: int, contribution_id: int) -> ResponseReturnValue:
    consultation, contribution = _contribution_or_404(consultation_id, contribution_id)
    form = FormattingForm()
    form.question.choices = [SelectChoice(a.question_id, "") for a in contribution.answers]
    return _acted(
        consultation,
        contribution,
        "formatting",
        form,
        lambda: fix_formatting(
            contribution,
            form.question.data,
            from_text(form.body.data),
            version=form.version.data,
            by=current_user,
        ),
        lambda: _("The answer is corrected; the contributor's own text is kept."),
    )


@bp.post("/<int:consultation_id>/contributions/<int:contribution_id>/themes")
@admin_required
def tag(consultation_id: int, contribution_id: int) -> ResponseReturnValue:
    consultation, contribution = _contribution_or_404(consultation_id, contribution_id)
    form = ThemesForm()
    return _acted(
        consultation,
        contribution,
        "themes",
        form,
        lambda: set_themes(
            contribution, parse_themes(form.themes.data), form.passage.data or "", by=current_user
        ),
        lambda: _("The themes are saved."),
    )


@bp.post("/<int:consultation_id>/contributions/<int:contribution_id>/erase")
@admin_required
def erase_one(consultation_id: int, contribution_id: int) -> ResponseReturnValue:
    consultation, contribution = _contribution_or_404(consultation_id, contribution_id)
    form = VersionForm()
    if form.validate() and form.version.data == contribution.version:
        erase(contribution, by=current_user)
        flash(_("The contributor's data and attachments are erased."), "success")
    return _back(consultation, contribution)


@bp.get("/<int:consultation_id>/contributions/<int:contribution_id>/files/<int:file_id>")
@admin_required
def staff_file(consultation_id: int, contribution_id: int, file_id: int) -> ResponseReturnValue:
    _consultation, contribution = _contribution_or_404(consultation_id, contribution_id)
    attached = next((f for f in contribution.files if f.id == file_id), None)
    if attached is None:
        abort(404)
    return send_attachment(attached)


# -- the synthesis ---------------------------------------------------------------------

SYNTHESIS_STATES = (S.NEW, S.PUBLISHED, S.ANONYMOUS, S.NOT_PUBLISHED)


def _theme_counts(consultation: Consultation) -> Counter:
    """(theme id, category id) -> how many contributions (one grouped query)."""
    rows = db.session.execute(
        select(contribution_theme_link.c.theme_id, Contribution.category_id, func.count())
        .join(Contribution, Contribution.id == contribution_theme_link.c.contribution_id)
        .where(
            Contribution.consultation_id == consultation.id,
            Contribution.state.in_(SYNTHESIS_STATES),
        )
        .group_by(contribution_theme_link.c.theme_id, Contribution.category_id)
    ).all()
    return Counter({(theme, category): n for theme, category, n in rows})


@bp.get("/<int:consultation_id>/synthesis")
@admin_required
def synthesis(consultation_id: int) -> ResponseReturnValue:
    consultation = db.get_or_404(Consultation, consultation_id)
    form = SynthesisForm(formdata=None)
    form.language.choices = [SelectChoice(code, NATIVE_NAMES[code]) for code in offered_languages()]
    return render_template(
        "contributions/admin/synthesis.html",
        consultation=consultation,
        themes=themes_of(consultation.id),
        counts=_theme_counts(consultation),
        balance=public.balance(consultation.id, SYNTHESIS_STATES),
        regions=region_labels(),
        sessions=sessions_of(consultation),
        form=form,
        link_form=VersionForm(formdata=None),
    )


@bp.post("/<int:consultation_id>/themes/<int:theme_id>")
@admin_required
def theme_session(consultation_id: int, theme_id: int) -> ResponseReturnValue:
    consultation = db.get_or_404(Consultation, consultation_id)
    theme = db.session.get(ContributionTheme, theme_id)
    if theme is None or theme.consultation_id != consultation.id:
        abort(404)
    session_id = parse_id(request.form.get("session"))
    if session_id is not None and session_id not in {s.id for s in sessions_of(consultation)}:
        abort(400)
    if not ActionForm().validate_on_submit():
        abort(400)
    link_theme_to_session(theme, session_id, by=current_user)
    flash(_("The theme's panel is saved."), "success")
    return redirect(url_for(".synthesis", consultation_id=consultation.id))


def _quote(contribution: Contribution, limit: int = 600) -> str:
    text = contribution.passage or next(
        (to_text(a.body) for a in contribution.answers if a.body), ""
    )
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


@bp.get("/<int:consultation_id>/synthesis.pdf")
@admin_required
def synthesis_document(consultation_id: int) -> ResponseReturnValue:
    consultation = db.get_or_404(Consultation, consultation_id)
    language = request.args.get("language", "en")
    if language not in offered_languages():
        abort(404)
    themes = themes_of(consultation.id)
    rows = list(
        db.session.execute(
            select(Contribution)
            .join(
                contribution_theme_link,
                contribution_theme_link.c.contribution_id == Contribution.id,
            )
            .where(
                # Quoted: only what the public may read (its author consented and the
                # secretariat published it); the counts above take every one read.
                Contribution.consultation_id == consultation.id,
                Contribution.state.in_(PUBLIC_STATES),
            )
            .distinct()
            .order_by(Contribution.id)
        ).scalars()
    )
    with force_locale(language):
        names = names_for(consultation)
        groups = []
        for theme in themes:
            quotes = [
                (_quote(c), f"{names(c)[0]} ({c.reference})") for c in rows if theme in c.themes
            ]
            if quotes:
                groups.append((theme.name, quotes))
        title = _("Synthesis of the written contributions")
        subtitle = str(localized(consultation, "title"))
    record_event(
        SecurityTag.SYNTHESIS_EXPORTED,
        user=current_user,
        target=f"consultation {consultation.id}",
        detail=f"{len(rows)} contributions, {language}",
        commit=True,
    )
    body = synthesis_pdf(title, subtitle, groups, language)
    return file_download(body, f"{consultation.slug}-synthesis-{language}.pdf", "application/pdf")
