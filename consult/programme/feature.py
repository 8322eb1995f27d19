"""How the programme plugs into the app (create_app calls init_app): its pages, and
its handlers for the applications' and consultations' hooks."""

from flask import Flask

from consult.applications.privacy import collecting
from consult.applications.states import leaving_selection
from consult.consultations.translations import translatable_rows
from consult.programme import models  # noqa: F401  (its tables on the metadata)
from consult.programme.services import (
    placement_for_the_applicant,
    translatable_sessions,
    unplace_on_leaving,
)
from consult.programme.views import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    leaving_selection.register(unplace_on_leaving)
    translatable_rows.register(translatable_sessions)
    collecting.register(placement_for_the_applicant)
