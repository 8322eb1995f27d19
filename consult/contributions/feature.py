"""How written contributions plug into the app (create_app calls init_app)."""

from flask import Flask
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select

from consult.applications.privacy import after_meetings
from consult.consultations.models import Consultation
from consult.consultations.translations import translatable_rows
from consult.consultations.views import detail_links as detail_links_hook
from consult.contributions import (
    models,  # noqa: F401  (its tables on the metadata)
    moderation_views,
)
from consult.contributions.sanitize import clean
from consult.contributions.services import (
    detail_links,
    guiding_questions,
    mint_link_for_message,
    purge,
    readings,
)
from consult.contributions.views import bp
from consult.database import utcnow
from consult.extensions import db
from consult.notifications.worker import link_minter
from consult.programme.views import session_reading
from consult.text import counted


def safe_contribution(body: str) -> Markup:
    """A stored answer, sanitized once more on the way out (never trusted raw)."""
    return Markup(clean(body))


def translatable_questions(consultation: Consultation) -> list[tuple[object, str, str]]:
    return [
        (q, _("Guiding question: %(label)s", label=q.label), f"guiding-{q.id}")
        for q in guiding_questions(consultation.id)
    ]


def purge_contributions() -> str:
    """On `after_meetings` (`consult data purge`): the contributions of consultations
    past their retention date that were not published."""
    erased = 0
    for consultation in db.session.execute(select(Consultation)).scalars():
        if consultation.retention_until is not None and consultation.retention_until <= utcnow():
            erased += purge(consultation)
    return f"Erased {counted(erased, 'unpublished contribution')} past the retention date."


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(moderation_views.bp)
    link_minter.register(app, mint_link_for_message)
    translatable_rows.register(app, translatable_questions)
    after_meetings.register(app, purge_contributions)
    session_reading.register(app, readings)
    detail_links_hook.register(app, detail_links)
    app.add_template_filter(safe_contribution, "contribution_html")
