"""consult: multi-stakeholder consultation meetings.

create_app() is the only way to get an application object; importing the
package touches no database.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = PROJECT_ROOT / "config"


# Keys that were ever published (old defaults): refused whenever debug is off.
KNOWN_DEVELOPMENT_KEYS = {"dev-only-not-secret", "dev", "development", "secret", "changeme"}


def _secret_key(app: Flask) -> None:
    """CONSULT_SECRET_KEY; in development, a random key kept in instance/secret_key."""
    if not app.config.get("SECRET_KEY") and app.config.get("SECRET_KEY_FROM_INSTANCE"):
        key_file = Path(app.instance_path) / "secret_key"
        if not key_file.exists():
            import secrets

            Path(app.instance_path).mkdir(parents=True, exist_ok=True)
            key_file.touch(mode=0o600)
            key_file.write_text(secrets.token_urlsafe(48))
        app.config["SECRET_KEY"] = key_file.read_text().strip()
    key = app.config.get("SECRET_KEY") or ""
    if not key:
        raise RuntimeError("CONSULT_SECRET_KEY must be set for this configuration.")
    if key in KNOWN_DEVELOPMENT_KEYS and not app.debug:
        raise RuntimeError(
            "CONSULT_SECRET_KEY is a published development key; set a random one "
            "(python -c 'import secrets; print(secrets.token_urlsafe(48))')."
        )


def create_app(config_name: str | None = None, **overrides) -> Flask:
    """Build the app: config/default.py, config/<name>.py, CONSULT_* env vars, overrides."""
    config_name = config_name or os.environ.get("CONSULT_ENV", "development")
    instance_path = os.environ.get("CONSULT_INSTANCE_PATH", str(PROJECT_ROOT / "instance"))
    app = Flask(
        __name__,
        instance_path=instance_path,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_pyfile(str(CONFIG_DIR / "default.py"))
    env_file = CONFIG_DIR / f"{config_name}.py"
    if not env_file.is_file():
        raise RuntimeError(f"Unknown configuration {config_name!r}: no {env_file}")
    app.config.from_pyfile(str(env_file))
    app.config.from_prefixed_env("CONSULT")
    app.config.update(overrides)
    app.config["CONFIG_NAME"] = config_name

    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        db_file = Path(app.instance_path) / "consult.db"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{db_file}"
    _secret_key(app)
    from consult.logs import configure_logging

    configure_logging(app.config["LOG_FORMAT"])
    if app.config.get("PROXY_FIX_X_FOR"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["PROXY_FIX_X_FOR"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    from consult import models  # noqa: F401  (registers every table on the metadata)
    from consult.extensions import babel, csrf, db, limiter, login_manager, mail
    from consult.i18n import select_locale
    from consult.web import register_converters, register_web

    db.init_app(app)
    csrf.init_app(app)
    mail.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    login_manager.init_app(app)

    from consult.accounts.services import load_user

    login_manager.user_loader(load_user)
    login_manager.login_message = None

    from consult.database import configure_engines

    configure_engines(app)
    register_converters(app)
    register_web(app)

    from consult.accounts.views import bp as accounts_bp
    from consult.applications.views import bp as applications_bp
    from consult.consultations.translations import bp as translations_bp
    from consult.consultations.views import bp as consultations_bp
    from consult.notifications.views import bp as notifications_bp
    from consult.programme.views import bp as programme_bp
    from consult.review.views import bp as review_bp
    from consult.security.views import bp as security_bp

    app.register_blueprint(consultations_bp)
    app.register_blueprint(translations_bp)
    app.register_blueprint(applications_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(review_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(programme_bp)
    app.register_blueprint(security_bp)

    from consult.accounts.cli import users_cli
    from consult.applications.cli import data_cli
    from consult.consultations.cli import demo_cli
    from consult.database.cli import db_cli
    from consult.notifications.cli import mail_cli
    from consult.security.cli import security_cli

    app.cli.add_command(db_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(data_cli)
    app.cli.add_command(security_cli)
    return app
