"""consult: multi-stakeholder consultation meetings.

create_app() is the only way to get an application object; importing the
package touches no database.
"""

from __future__ import annotations

import os
import secrets
from importlib import import_module
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from consult.paths import CONFIG_DIR, PROJECT_ROOT

# The features, from the ground floor up (docs/architecture.md): each one's
# `consult.<name>.feature.init_app(app)` registers its blueprints, commands, template
# globals and hook handlers. A feature may import only those before it.
FEATURES = (
    "security",
    "consultations",
    "notifications",
    "accounts",
    "applications",
    "programme",
    "review",
    "demo",
)


# Keys that were ever published (old defaults): refused whenever debug is off.
KNOWN_DEVELOPMENT_KEYS = {"dev-only-not-secret", "dev", "development", "secret", "changeme"}
# A signing key shorter than this is refused outside debug and tests (ASVS 6.2.5).
MIN_SECRET_KEY_BYTES = 32
EXAMPLE_SETTINGS = PROJECT_ROOT / "deploy" / "consult.env.example"


def _example_keys() -> set[str]:
    """The placeholder(s) the example settings file offers for CONSULT_SECRET_KEY."""
    if not EXAMPLE_SETTINGS.is_file():
        return set()
    return {
        line.split("=", 1)[1].strip()
        for line in EXAMPLE_SETTINGS.read_text().splitlines()
        if line.startswith("CONSULT_SECRET_KEY=")
    }


def _secret_key(app: Flask) -> None:
    """CONSULT_SECRET_KEY; in development, a random key kept in instance/secret_key.
    Outside debug and tests a published or placeholder key, or one shorter than
    MIN_SECRET_KEY_BYTES, stops the app from starting."""
    if not app.config.get("SECRET_KEY") and app.config.get("SECRET_KEY_FROM_INSTANCE"):
        key_file = Path(app.instance_path) / "secret_key"
        if not key_file.exists():
            Path(app.instance_path).mkdir(parents=True, exist_ok=True)
            key_file.touch(mode=0o600)
            key_file.write_text(secrets.token_urlsafe(48))
        app.config["SECRET_KEY"] = key_file.read_text().strip()
    key = app.config.get("SECRET_KEY") or ""
    if not key:
        raise RuntimeError("CONSULT_SECRET_KEY must be set for this configuration.")
    if app.debug or app.testing:
        return
    if key in KNOWN_DEVELOPMENT_KEYS | _example_keys():
        raise RuntimeError(
            "CONSULT_SECRET_KEY is a published development key or the example's "
            "placeholder; set a random one "
            "(python -c 'import secrets; print(secrets.token_urlsafe(48))')."
        )
    if len(key.encode()) < MIN_SECRET_KEY_BYTES:
        raise RuntimeError(
            f"CONSULT_SECRET_KEY is shorter than {MIN_SECRET_KEY_BYTES} bytes; set a random "
            "one (python -c 'import secrets; print(secrets.token_urlsafe(48))')."
        )


def create_app(config_name: str | None = None, **overrides) -> Flask:
    """Build the app: config/default.py, config/<name>.py, CONSULT_* env vars, overrides;
    then the extensions, the web edge and every feature in FEATURES, in order."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("CONSULT_INSTANCE_PATH", str(PROJECT_ROOT / "instance")),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    _configure(app, config_name or os.environ.get("CONSULT_ENV", "development"), overrides)

    # The app factory is the top floor: it alone imports every feature (here, so that
    # importing any module of the package builds nothing).
    from consult import cache  # noqa: F401  (the cache stamp's table on the metadata)
    from consult.database import configure_engines
    from consult.database.cli import db_cli
    from consult.extensions import babel, csrf, db, limiter, login_manager, mail
    from consult.i18n import select_locale
    from consult.logs import configure_logging
    from consult.web import register_converters, register_web

    configure_logging(app.config["LOG_FORMAT"])
    db.init_app(app)
    csrf.init_app(app)
    mail.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    login_manager.init_app(app)
    configure_engines(app)
    register_converters(app)
    register_web(app)
    app.cli.add_command(db_cli)
    for name in FEATURES:
        import_module(f"consult.{name}.feature").init_app(app)
    return app


def _configure(app: Flask, config_name: str, overrides: dict) -> None:
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
    if app.config.get("PROXY_FIX_X_FOR"):
        hops = int(app.config["PROXY_FIX_X_FOR"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
