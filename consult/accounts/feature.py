"""How secretariat accounts plug into the app (create_app calls init_app)."""

from flask import Flask

from consult.accounts import models  # noqa: F401  (its tables on the metadata)
from consult.accounts.alerts import count_refusals, watch
from consult.accounts.cli import users_cli
from consult.accounts.invitation_views import bp as invitations_bp
from consult.accounts.invitations import mint_invitation
from consult.accounts.services import load_user
from consult.accounts.views import bp
from consult.extensions import login_manager
from consult.notifications.worker import link_minter
from consult.security.services import recorded


def init_app(app: Flask) -> None:
    login_manager.user_loader(load_user)
    login_manager.login_message = None
    app.register_blueprint(bp)
    app.register_blueprint(invitations_bp)
    link_minter.register(app, mint_invitation)
    app.cli.add_command(users_cli)
    recorded.register(app, watch)
    app.after_request(count_refusals)
