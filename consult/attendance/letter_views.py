"""Letters of invitation for visas: the participant's request on their
private page, the secretariat's queue and letterhead, and the public check of a
reference."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from consult.access import admin_required
from consult.applications.models import Application
from consult.applications.views import private_link_view
from consult.attendance.forms import VisaRequestForm, letter_settings_form
from consult.attendance.letters import (
    MAX_LOGO_BYTES,
    LetterError,
    LetterRefused,
    PassportDetails,
    counts,
    issue,
    letter_of,
    letter_pdf,
    letters_in,
    request_letter,
    save_settings,
    send,
    settings_of,
)
from consult.attendance.letters import verify as verify_reference
from consult.attendance.models import VisaLetter, VisaLetterState
from consult.consultations.models import Consultation
from consult.enums import ApplicationState
from consult.extensions import db, limiter
from consult.forms import ActionForm
from consult.http import file_download, selected_ids, status_for
from consult.i18n import offered_languages
from consult.pdfs import FontsMissing

bp = Blueprint("letters", __name__)
verify_bp = Blueprint("letters_public", __name__)


def _pdf(letter: VisaLetter) -> Response:
    return file_download(
        letter_pdf(letter), f"letter-of-invitation-{letter.reference}.pdf", "application/pdf"
    )


# --- the participant ------------------------------------------------------------------------


@bp.route("/a/<token>/visa-letter", methods=["GET", "POST"])
@private_link_view
def request_view(application: Application, token: str) -> ResponseReturnValue:
    """Ask for a letter of invitation (or correct the request until it is issued)."""
    if application.state != ApplicationState.CONFIRMED:
        return redirect(url_for("applications.status", token=token))
    letter = letter_of(application)
    form = VisaRequestForm(obj=letter if request.method == "GET" else None)
    if request.method == "GET" and letter is None:
        form.passport_name.data = application.full_name
    status = 200
    if form.validate_on_submit():
        try:
            request_letter(
                application,
                PassportDetails(
                    form.passport_name.data,
                    form.passport_number.data,
                    form.nationality.data,
                    form.date_of_birth.data,
                    form.consulate.data,
                ),
            )
        except LetterError as error:
            form[error.field].errors.append(error.message)
            status = status_for(error)
        except LetterRefused as error:
            flash(error.message, "error")
            return redirect(url_for(".request_view", token=token))
        else:
            flash(
                _("Your request is with the secretariat: we email you when the letter is ready."),
                "success",
            )
            return redirect(url_for("applications.status", token=token))
    elif form.is_submitted():
        status = 422
    return render_template(
        "attendance/visa_request.html",
        application=application,
        consultation=application.consultation,
        token=token,
        letter=letter,
        form=form,
    ), status


@bp.get("/a/<token>/visa-letter.pdf")
@private_link_view
def participant_pdf(application: Application, token: str) -> ResponseReturnValue:
    letter = letter_of(application)
    if letter is None or letter.state == VisaLetterState.REQUESTED:
        abort(404)
    return _pdf(letter)


# --- the secretariat --------------------------------------------------------------------


@bp.route("/secretariat/consultations/<int:consultation_id>/visa-letters", methods=["GET", "POST"])
@admin_required
def queue(consultation_id: int) -> ResponseReturnValue:
    """Requests (requested → issued → sent): issue or send a selection."""
    consultation = db.get_or_404(Consultation, consultation_id)
    raw_state = request.args.get("state", "requested")
    state = VisaLetterState(raw_state) if raw_state in {s.value for s in VisaLetterState} else None
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        selected = selected_ids()
        if not selected:
            flash(_("Select at least one letter first."), "error")
        elif request.form.get("action") == "send":
            done = send(consultation, selected, by=current_user)
            flash(
                ngettext(
                    "%(num)d letter sent: the participant is emailed.",
                    "%(num)d letters sent: the participants are emailed.",
                    done,
                ),
                "success",
            )
        else:
            done = issue(consultation, selected, by=current_user)
            flash(ngettext("%(num)d letter issued.", "%(num)d letters issued.", done), "success")
        return redirect(url_for(".queue", consultation_id=consultation.id, state=raw_state))
    return render_template(
        "attendance/visa_letters.html",
        consultation=consultation,
        letters=letters_in(consultation, state),
        state=state,
        counts=counts(consultation),
        states=list(VisaLetterState),
    )


@bp.get("/secretariat/consultations/<int:consultation_id>/visa-letters/<int:letter_id>.pdf")
@admin_required
def secretariat_pdf(consultation_id: int, letter_id: int) -> ResponseReturnValue:
    letter = db.session.get(VisaLetter, letter_id)
    if letter is None or letter.consultation_id != consultation_id:
        abort(404)
    if letter.state == VisaLetterState.REQUESTED:
        abort(404)
    try:
        return _pdf(letter)
    except FontsMissing as error:
        abort(503, description=error.message)


@bp.route(
    "/secretariat/consultations/<int:consultation_id>/letter-settings", methods=["GET", "POST"]
)
@admin_required
def settings(consultation_id: int) -> ResponseReturnValue:
    """Letterhead, signatory, logo, and the letter's text per language."""
    consultation = db.get_or_404(Consultation, consultation_id)
    current = settings_of(consultation)
    languages = offered_languages()
    form = letter_settings_form(languages, obj=current if request.method == "GET" else None)
    if request.method == "GET":
        for language in languages:
            form[f"text_{language}"].data = (current.texts or {}).get(language, "")
    status = 200
    if form.validate_on_submit():
        # (Forms take only text from a request -- consult.forms.CleaningMeta -- so the
        # one file the app accepts is read here, and checked by its content.)
        upload = request.files.get("logo")
        try:
            save_settings(
                consultation,
                signatory=form.signatory.data or "",
                signatory_title=form.signatory_title.data or "",
                letterhead=form.letterhead.data or "",
                texts={lang: form[f"text_{lang}"].data or "" for lang in languages},
                logo=upload.read(MAX_LOGO_BYTES + 1) if upload and upload.filename else None,
                remove_logo=form.remove_logo.data,
                by=current_user,
            )
        except LetterError as error:
            form[error.field].errors.append(error.message)
            status = status_for(error)
        else:
            flash(_("The letter settings are saved."), "success")
            return redirect(url_for(".settings", consultation_id=consultation.id))
    elif form.is_submitted():
        status = 422
    return (
        render_template(
            "attendance/letter_settings.html",
            consultation=consultation,
            form=form,
            languages=languages,
            has_logo=current.logo is not None,
        ),
        status,
    )


# --- anyone: is this letter ours? ---------------------------------------------------------


@verify_bp.get("/letters/verify")
@limiter.limit("30 per minute")
def verify() -> ResponseReturnValue:
    """Name, meeting and validity for a reference an embassy quotes; nothing else."""
    reference = (request.args.get("ref") or "").strip()[:40]
    found = verify_reference(reference) if reference else None
    response = Response(
        render_template("attendance/verify.html", reference=reference, found=found),
        status=200 if found or not reference else 404,
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response
