"""How applications plug into the app (create_app calls init_app): the pages, the
commands, and the handlers for the hooks of the floors below (consultations' offers,
the outbox's private links and previews)."""

from flask import Flask

from consult.applications import models, tally  # noqa: F401  (their tables on the metadata)
from consult.applications import settings as places_on_settings
from consult.applications.answers import answer_counts
from consult.applications.audit import told_to_applicant, told_to_staff
from consult.applications.cli import data_cli, recount_cmd, remind_cmd
from consult.applications.services import sample_application
from consult.applications.tokens import mint_link_for_message
from consult.applications.views import bp
from consult.consultations.questions import answer_counts as answer_counts_hook
from consult.database.cli import db_cli
from consult.notifications.cli import mail_cli
from consult.notifications.texts import preview_recipient
from consult.notifications.worker import link_minter


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals["told_to_applicant"] = told_to_applicant
    app.jinja_env.globals["told_to_staff"] = told_to_staff
    app.cli.add_command(data_cli)
    mail_cli.add_command(remind_cmd)
    db_cli.add_command(recount_cmd)
    places_on_settings.register(app)
    link_minter.register(app, mint_link_for_message)
    preview_recipient.register(app, sample_application)
    answer_counts_hook.register(app, answer_counts)
