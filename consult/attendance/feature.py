"""How the day itself plugs into the app (create_app calls init_app): codes, the
check-in desk, badges, attendance."""

from flask import Flask
from markupsafe import Markup

from consult.applications.states import admission, leaving_selection
from consult.attendance import models  # noqa: F401  (its tables on the metadata)
from consult.attendance.codes import code_for, qr_matrix, qr_svg, revoke, shown
from consult.attendance.views import bp


def admission_for(application) -> dict:
    """The `admission` hook: a confirmed participant's code, as text and QR code."""
    code = code_for(application)
    if code is None:
        return {}
    return {
        "code": code,
        "shown": shown(code),
        "svg": Markup(qr_svg(code)),
        "matrix": qr_matrix(code),
    }


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    admission.register(admission_for)
    leaving_selection.register(revoke)
