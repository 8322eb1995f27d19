"""How review plugs into the app (create_app calls init_app)."""

from flask import Flask

from consult.applications.privacy import erasing
from consult.review import models  # noqa: F401  (its tables on the metadata)
from consult.review.services import erase_review_comments
from consult.review.views import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    erasing.register(erase_review_comments)
