"""How the security log plugs into the app (create_app calls init_app)."""

from flask import Flask

from consult.security.cli import security_cli
from consult.security.models import security_tag_label
from consult.security.views import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(security_cli)
    app.jinja_env.globals["security_tag_label"] = security_tag_label
