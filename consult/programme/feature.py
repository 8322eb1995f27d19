"""How the programme plugs into the app (create_app calls init_app): its pages, and
its handlers for the applications' and consultations' hooks, and what raises the
stamp its public pages are kept under."""

from flask import Flask

from consult.applications.models import Application
from consult.applications.privacy import collecting
from consult.applications.states import leaving_selection
from consult.cache import LISTINGS, watch
from consult.consultations.translations import translatable_rows
from consult.programme.models import ProgrammeSession
from consult.programme.services import (
    placement_for_the_applicant,
    shown_in_public_lists,
    translatable_sessions,
    unplace_on_leaving,
)
from consult.programme.views import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    leaving_selection.register(app, unplace_on_leaving)
    translatable_rows.register(app, translatable_sessions)
    collecting.register(app, placement_for_the_applicant)
    # The public programme and participants pages are kept under LISTINGS.
    watch(app, ProgrammeSession, LISTINGS)
    watch(app, Application, LISTINGS, shown_in_public_lists)
