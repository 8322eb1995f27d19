"""How the day itself plugs into the app (create_app calls init_app): codes, the
check-in desk, badges, attendance."""

from flask import Flask
from markupsafe import Markup

from consult.applications.privacy import after_meetings, collecting, erasing
from consult.applications.states import admission, admitted, leaving_selection
from consult.attendance import (
    letter_views,
    models,  # noqa: F401  (its tables on the metadata)
)
from consult.attendance.codes import code_for, existing_code, qr_matrix, qr_svg, revoke, shown
from consult.attendance.letters import erase_letters, letter_for_the_applicant, purge_after_meetings
from consult.attendance.views import bp
from consult.text import counted


def admission_for(application) -> dict:
    """The `admission` hook: a confirmed participant's code, as text and QR code (read
    only: the move that confirmed them made it)."""
    code = existing_code(application)
    if code is None:
        return {}
    return {
        "code": code,
        "shown": shown(code),
        "svg": Markup(qr_svg(code)),
        "matrix": qr_matrix(code),
    }


def admit(application) -> None:
    """The `admitted` hook (a move into confirmed): the code for the door is made."""
    code_for(application)


def purge_passports() -> str:
    """On `after_meetings` (`consult data purge`)."""
    return f"Purged the passport details of {counted(purge_after_meetings(), 'visa letter')}."


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(letter_views.bp)
    app.register_blueprint(letter_views.verify_bp)
    admitted.register(app, admit)
    admission.register(app, admission_for)
    leaving_selection.register(app, revoke)
    erasing.register(app, erase_letters)
    collecting.register(app, letter_for_the_applicant)
    after_meetings.register(app, purge_passports)
