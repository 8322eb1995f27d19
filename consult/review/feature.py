"""How review plugs into the app (create_app calls init_app)."""

from flask import Flask

from consult.applications.privacy import collecting, erasing
from consult.consultations.translations import translatable_rows
from consult.review import (
    criteria_views,
    message_views,
    models,  # noqa: F401  (its tables on the metadata)
)
from consult.review.criteria import translatable_criteria
from consult.review.services import erase_review_comments, reviews_for_the_applicant
from consult.review.views import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(criteria_views.bp)
    app.register_blueprint(message_views.bp)
    erasing.register(app, erase_review_comments)
    collecting.register(app, reviews_for_the_applicant)
    translatable_rows.register(app, translatable_criteria)
