"""Written contributions, as the public sees them: the form, the contributor's private
page (/w/<token>), the published list, a page per contribution, the feed and the
rapporteur's download."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from functools import wraps

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address

from consult import ratelimits
from consult.consultations.content import localized
from consult.consultations.models import Consultation
from consult.consultations.services import public_consultation
from consult.contributions import files as stored_files
from consult.contributions import public
from consult.contributions.documents import contribution_pdf
from consult.contributions.forms import (
    ContributionForm,
    EditContributionForm,
    VersionForm,
    answer_field,
)
from consult.contributions.models import Consent, Contribution, ContributionFile, OnBehalf
from consult.contributions.sanitize import to_text
from consult.contributions.services import (
    ContributionData,
    ContributionError,
    call_of,
    edit,
    editing_closed_because,
    erase,
    find_by_token,
    guiding_questions,
    history,
    personal_data,
    submit,
    themes_of,
    verify,
    withdraw,
)
from consult.database import utcnow
from consult.extensions import csrf, limiter
from consult.http import file_download, parse_id, privately, status_for
from consult.i18n import country_name, offered
from consult.regions import region_labels
from consult.sealing import seal, unseal

bp = Blueprint("contributions", __name__)


def _apply_post_rate_limit() -> str:
    return current_app.config["APPLY_POST_RATE_LIMIT"]


def _consultation_or_404(slug: str) -> Consultation:
    consultation = public_consultation(slug)
    if consultation is None:
        abort(404)
    return consultation


def _read_uploads(form_field: str, errors: list[str]) -> list[stored_files.Upload]:
    """The files of a multipart field, each checked by content; refused ones are said
    in `errors` (nothing of the contribution is saved then)."""
    uploads = []
    for storage in request.files.getlist(form_field):
        if not storage or not storage.filename:
            continue
        try:
            uploads.append(stored_files.check(storage.filename, storage.read()))
        except stored_files.FileRefused as error:
            errors.append(str(error))
    limit = current_app.config["CONTRIBUTION_FILES_MAX"]
    if len(uploads) > limit:
        errors.append(_("At most %(n)s attachments.", n=limit))
    return uploads


def _upload_limits() -> dict:
    """What the forms with attachments say of them: how many, how large."""
    config = current_app.config
    return {
        "max_files": config["CONTRIBUTION_FILES_MAX"],
        "max_mb": config["CONTRIBUTION_FILE_MAX_BYTES"] // (1024 * 1024),
    }


def _allow_files() -> None:
    """This request may carry attachments: a larger body than the app's usual 1 MB."""
    config = current_app.config
    request.max_content_length = (
        config["CONTRIBUTION_FILE_MAX_BYTES"] * config["CONTRIBUTION_FILES_MAX"] + 1024 * 1024
    )


def _over_limit(email: str) -> bool:
    config = current_app.config
    return not ratelimits.hit_each(
        (config["APPLY_RATE_LIMIT"], ("contribute-address", get_remote_address())),
        (config["APPLY_EMAIL_RATE_LIMIT"], ("contribute-email", email.lower())),
    )


# The two forms with attachments take bodies larger than the app's 1 MB (_allow_files).
# The app-wide CSRF check would read the body first, under that limit: these views are
# exempt from it and their forms check the CSRF token themselves (form.validate()).


@bp.route("/c/<slug>/contribute", methods=["GET", "POST"])
@csrf.exempt
@limiter.limit(_apply_post_rate_limit, methods=["POST"])
def contribute(slug: str) -> ResponseReturnValue:
    consultation = _consultation_or_404(slug)
    call = call_of(consultation.id)
    now = utcnow()
    questions = guiding_questions(consultation.id)
    if call is None or not questions or not call.open_at(now):
        status = 404 if call is None or not questions else (403 if now < call.opens_at else 410)
        return (
            render_template(
                "contributions/closed.html",
                consultation=consultation,
                call=call if questions else None,
                not_yet=call is not None and now < call.opens_at,
            ),
            status,
        )
    if request.method == "POST":
        _allow_files()
    language = str(get_locale())
    form = ContributionForm.asking(questions)(consultation, questions, language)
    status = 200
    if form.is_submitted():
        status = 422
        file_errors: list[str] = []
        uploads = _read_uploads("attachments", file_errors)
        valid = form.validate() and not file_errors
        if form.website.data:
            # The field nobody sees was filled in: a robot. It is told what a person is.
            session["contributed"] = seal("", "session")
            return redirect(url_for(".sent", slug=slug))
        if valid and _over_limit(form.email.data):
            form.form_errors.append(
                _(
                    "Too many contributions have come from your network or for this email "
                    "address just now. Please send the form again in a few minutes."
                )
            )
            status = 429
        elif valid:
            data = ContributionData(
                full_name=form.full_name.data,
                email=form.email.data,
                organization=form.organization.data or "",
                category_id=form.category.data,
                country=form.country.data,
                gender=form.gender.data or "",
                on_behalf=OnBehalf(form.on_behalf.data),
                consent=Consent(form.consent.data),
                language=language,
                answers=form.answers(),
            )
            try:
                submit(consultation, data, uploads)
            except ContributionError as error:
                form.form_errors.append(error.message)
                status = status_for(error)
            else:
                session["contributed"] = seal(form.email.data, "session")
                return redirect(url_for(".sent", slug=slug))
        form.attachment_errors = file_errors
    return (
        render_template(
            "contributions/contribute.html",
            consultation=consultation,
            form=form,
            call=call,
            **_upload_limits(),
        ),
        status,
    )


@bp.get("/c/<slug>/contribute/sent")
def sent(slug: str) -> ResponseReturnValue:
    consultation = _consultation_or_404(slug)
    sealed = session.get("contributed")
    email = unseal(sealed, "session") if isinstance(sealed, str) else None
    if email is None:
        return redirect(url_for(".contribute", slug=slug))
    return render_template("contributions/sent.html", consultation=consultation, email=email)


# -- the contributor's private page ------------------------------------------------------


def private_view(view: Callable[..., ResponseReturnValue]) -> Callable[..., ResponseReturnValue]:
    """The preamble of every /w/<token> view: the contribution the link reaches, or the
    unknown-link page; whatever the view answers is never cached nor indexed."""

    @wraps(view)
    def wrapped(token: str, **kwargs) -> ResponseReturnValue:
        contribution = find_by_token(token)
        if contribution is None:
            response = current_app.make_response(
                (render_template("contributions/unknown_link.html"), 404)
            )
        else:
            response = current_app.make_response(view(contribution, token, **kwargs))
        return privately(response)

    return wrapped


def _questions_by_id(consultation_id: int) -> dict:
    return {q.id: q for q in guiding_questions(consultation_id)}


@bp.get("/w/<token>")
@private_view
def status(contribution: Contribution, token: str) -> ResponseReturnValue:
    return render_template(
        "contributions/status.html",
        contribution=contribution,
        consultation=contribution.consultation,
        token=token,
        questions=_questions_by_id(contribution.consultation_id),
        form=VersionForm(version=contribution.version),
        closed_because=editing_closed_because(contribution),
        call=call_of(contribution.consultation_id),
        events=history(contribution),
    )


@bp.post("/w/<token>/verify")
@private_view
def verify_address(contribution: Contribution, token: str) -> ResponseReturnValue:
    form = VersionForm()
    if form.validate():
        verify(contribution)
        flash(
            _("Thank you: your address is confirmed. The secretariat will read your contribution."),
            "success",
        )
    return redirect(url_for(".status", token=token))


@bp.route("/w/<token>/edit", methods=["GET", "POST"])
@csrf.exempt
@private_view
def edit_contribution(contribution: Contribution, token: str) -> ResponseReturnValue:
    reason = editing_closed_because(contribution)
    if reason:
        flash(reason, "error")
        return redirect(url_for(".status", token=token))
    questions = guiding_questions(contribution.consultation_id)
    form_class = EditContributionForm.asking(questions)
    status = 200
    if request.method == "POST":
        _allow_files()
        form = form_class(questions)
        status = 422
        file_errors: list[str] = []
        uploads = _read_uploads("attachments", file_errors)
        remove = [i for i in (parse_id(v) for v in request.form.getlist("remove_file")) if i]
        if form.validate() and not file_errors:
            try:
                changed = edit(
                    contribution,
                    version=form.version.data,
                    full_name=form.full_name.data,
                    organization=form.organization.data or "",
                    consent=Consent(form.consent.data),
                    answers=form.answers(),
                    uploads=uploads,
                    remove_file_ids=remove,
                )
            except ContributionError as error:
                target = form[error.field].errors if error.field in form else form.form_errors
                target.append(error.message)
                status = status_for(error)
            else:
                flash(
                    _("Your contribution is changed.") if changed else _("Nothing was changed."),
                    "success",
                )
                return redirect(url_for(".status", token=token))
        form.attachment_errors = file_errors
    else:
        answers = {a.question_id: to_text(a.body) for a in contribution.answers}
        data = {answer_field(q): answers.get(q.id, "") for q in questions}
        form = form_class(
            questions,
            data={
                "version": contribution.version,
                "full_name": contribution.full_name,
                "organization": contribution.organization,
                "consent": contribution.consent.value,
                **data,
            },
        )
    return (
        render_template(
            "contributions/edit.html",
            contribution=contribution,
            consultation=contribution.consultation,
            token=token,
            form=form,
            **_upload_limits(),
        ),
        status,
    )


@bp.post("/w/<token>/withdraw")
@private_view
def withdraw_contribution(contribution: Contribution, token: str) -> ResponseReturnValue:
    form = VersionForm()
    if form.validate():
        try:
            withdraw(contribution, version=form.version.data)
        except ContributionError as error:
            flash(error.message, "error")
        else:
            flash(_("Your contribution is withdrawn: it is not published."), "success")
    return redirect(url_for(".status", token=token))


@bp.post("/w/<token>/erase")
@private_view
def erase_contribution(contribution: Contribution, token: str) -> ResponseReturnValue:
    form = VersionForm()
    if not form.validate() or form.version.data != contribution.version:
        flash(
            _("The contribution changed since you opened this page. Please look at it again."),
            "error",
        )
        return redirect(url_for(".status", token=token))
    slug = contribution.consultation.slug
    erase(contribution)
    flash(_("Your contribution and your data are erased. This link no longer works."), "success")
    return redirect(url_for("consultations.detail", slug=slug))


@bp.get("/w/<token>/my-data.zip")
@private_view
def my_data(contribution: Contribution, token: str) -> ResponseReturnValue:
    """Everything held about the contributor, with their attachments."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "contribution.json",
            json.dumps(personal_data(contribution), ensure_ascii=False, indent=2),
        )
        for attached in contribution.files:
            archive.writestr(
                f"attachments/{attached.id}-{attached.name}", stored_files.read(attached.stored_as)
            )
    return file_download(
        buffer.getvalue(), f"{contribution.reference}-my-data.zip", "application/zip"
    )


def send_attachment(attached: ContributionFile, name: str | None = None):
    """An attachment, only ever as a download (never shown in the browser)."""
    path = stored_files.path_of(attached.stored_as)
    if not path.is_file():  # (lost from storage: said as missing, not as a failure)
        abort(404)
    response = send_file(
        path,
        mimetype=stored_files.KINDS[attached.kind],
        as_attachment=True,
        download_name=name or attached.name,
        max_age=0,
    )
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _file_of(contribution: Contribution, file_id: int) -> ContributionFile:
    attached = next((f for f in contribution.files if f.id == file_id), None)
    if attached is None:
        abort(404)
    return attached


@bp.get("/w/<token>/files/<int:file_id>")
@private_view
def own_file(contribution: Contribution, token: str, file_id: int) -> ResponseReturnValue:
    return send_attachment(_file_of(contribution, file_id))


# -- what the public sees ------------------------------------------------------------


def _filters() -> public.Filters:
    args = request.args
    return public.Filters(
        category=parse_id(args.get("category")),
        region=args.get("region", "")[:32],
        country=args.get("country", "")[:2].upper(),
        question=parse_id(args.get("question")),
        theme=parse_id(args.get("theme")),
        q=args.get("q", "")[:200],
    )


def names_for(consultation: Consultation):
    """(attribution, category, country) of a contribution as the reader reads them."""
    categories = {c.id: str(localized(c, "name")) for c in consultation.categories}
    language = str(get_locale())

    def names(contribution: Contribution) -> tuple[str, str, str]:
        category = categories.get(contribution.category_id, "")
        country = country_name(contribution.country, language)
        return public.attribution(contribution, category, country), category, country

    return names


@bp.get("/c/<slug>/contributions")
def published(slug: str) -> ResponseReturnValue:
    consultation = _consultation_or_404(slug)
    filters = _filters()
    page = max(parse_id(request.args.get("page")) or 1, 1)
    rows, total = public.published(consultation.id, filters, page)
    return render_template(
        "contributions/published.html",
        consultation=consultation,
        rows=rows,
        total=total,
        page=page,
        pages=max((total + public.PAGE_SIZE - 1) // public.PAGE_SIZE, 1),
        filters=filters,
        questions=guiding_questions(consultation.id),
        themes=themes_of(consultation.id),
        balance=public.balance(consultation.id),
        names=names_for(consultation),
        call=call_of(consultation.id),
        now=utcnow(),
        region_labels=region_labels(),
        page_args={k: v for k, v in request.args.items() if k != "page"},
    )


def _published_or_404(consultation: Consultation, reference: str) -> Contribution:
    contribution = public.published_one(consultation.id, reference)
    if contribution is None:
        abort(404)
    return contribution


@bp.get("/c/<slug>/contributions/<reference>")
def one(slug: str, reference: str) -> ResponseReturnValue:
    consultation = _consultation_or_404(slug)
    contribution = _published_or_404(consultation, reference)
    return render_template(
        "contributions/one.html",
        consultation=consultation,
        contribution=contribution,
        questions=_questions_by_id(consultation.id),
        names=names_for(consultation),
    )


@bp.get("/c/<slug>/contributions/<reference>/files/<int:file_id>")
def public_file(slug: str, reference: str, file_id: int) -> ResponseReturnValue:
    consultation = _consultation_or_404(slug)
    contribution = _published_or_404(consultation, reference)
    attached = _file_of(contribution, file_id)
    return send_attachment(attached, contribution.public_file_name(attached))


@bp.get("/c/<slug>/contributions.atom")
def feed(slug: str) -> ResponseReturnValue:
    consultation = _consultation_or_404(slug)
    entries = public.feed_entries(consultation.id)
    body = render_template(
        "contributions/feed.xml",
        consultation=consultation,
        entries=entries,
        names=names_for(consultation),
        questions=_questions_by_id(consultation.id),
        updated=max((e.published_at for e in entries), default=consultation.created_at),
    )
    return current_app.response_class(body, mimetype="application/atom+xml")


def contribution_document(contribution: Contribution) -> bytes:
    """A published contribution as a PDF in its author's language (the questions and the
    attribution too), made once per version and kept (files.kept_pdf)."""

    def make() -> bytes:
        consultation = contribution.consultation
        with force_locale(offered(contribution.language)):
            by = names_for(consultation)(contribution)[0]
            questions = {
                q.id: str(localized(q, "label")) for q in guiding_questions(consultation.id)
            }
            heading = str(localized(consultation, "title"))
        return contribution_pdf(contribution, heading, by, questions)

    return stored_files.kept_pdf(contribution.id, contribution.version, make)


@bp.get("/c/<slug>/contributions.zip")
@limiter.limit("10 per hour")
def download_all(slug: str) -> ResponseReturnValue:
    consultation = _consultation_or_404(slug)
    body = public.archive(consultation, names_for(consultation), contribution_document)
    return file_download(body, f"{consultation.slug}-contributions.zip", "application/zip")
