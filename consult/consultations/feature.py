"""How consultations plug into the app (create_app calls init_app)."""

from flask import Flask

from consult.consultations import models  # noqa: F401  (its tables on the metadata)
from consult.consultations.content import localized, organization_of
from consult.consultations.translations import bp as translations_bp
from consult.consultations.views import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(translations_bp)
    # {{ t(consultation, 'title') }}: the admin's text in the page's language, or the
    # English one inside lang="en" (consult.consultations.content).
    app.jinja_env.globals["t"] = localized
    app.jinja_env.globals["organization_of"] = organization_of
