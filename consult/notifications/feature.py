"""How the outbox plugs into the app (create_app calls init_app)."""

from flask import Flask

from consult.notifications import models  # noqa: F401  (its tables on the metadata)
from consult.notifications.cli import mail_cli
from consult.notifications.views import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(mail_cli)
