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
    "attendance",
    "contributions",
    "review",
    "demo",
)


# Keys that were ever published (old defaults): refused whenever debug is off.
KNOWN_DEVELOPMENT_KEYS = {"dev-only-not-secret", "dev", "development", "secret", "changeme"}
# A key shorter than this is refused outside debug and tests (ASVS 6.2.5).
MIN_SECRET_KEY_BYTES = 32
EXAMPLE_SETTINGS = PROJECT_ROOT / "deploy" / "consult.env.example"
# The app's secrets: setting, CONSULT_ variable, file under instance/ in development.
# SECRET_KEY signs sessions and CSRF tokens; ENCRYPTION_KEYS seal what the app must
# read back (consult.sealing); PASSWORD_PEPPERS key the password hashes
# (consult.accounts.services). The last two are lists: the first is used, all are
# accepted, which is how they are rotated (docs/security.md).
SECRETS = {
    "SECRET_KEY": "secret_key",
    "ENCRYPTION_KEYS": "encryption_key",
    "PASSWORD_PEPPERS": "password_pepper",
}


def _example_keys() -> set[str]:
    """The placeholders the example settings file offers for the secrets."""
    if not EXAMPLE_SETTINGS.is_file():
        return set()
    names = {f"CONSULT_{name}=" for name in SECRETS}
    return {
        line.split("=", 1)[1].strip()
        for line in EXAMPLE_SETTINGS.read_text().splitlines()
        if any(line.startswith(name) for name in names)
    }


def _instance_secret(app: Flask, filename: str) -> str:
    """A random secret kept in instance/<filename> (0600), made on first start."""
    path = Path(app.instance_path) / filename
    if not path.exists():
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(48))
    return path.read_text().strip()


def _as_list(value) -> list[str]:
    """A list setting given as a JSON list or as one comma-separated string."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return [str(part) for part in value or []]


def _secrets(app: Flask) -> None:
    """The app's secrets (SECRETS). In development each is made into instance/ on first
    start. Missing ones stop the app; outside debug and tests so does a published or
    placeholder value, or one shorter than MIN_SECRET_KEY_BYTES."""
    config = app.config
    for name, filename in SECRETS.items():
        value = config.get(name)
        if not value and config.get("SECRET_KEY_FROM_INSTANCE"):
            value = _instance_secret(app, filename)
        config[name] = value if name == "SECRET_KEY" else _as_list(value)
        if not config[name]:
            raise RuntimeError(f"CONSULT_{name} must be set for this configuration.")
    if app.debug or app.testing:
        return
    refused = KNOWN_DEVELOPMENT_KEYS | _example_keys()
    for name in SECRETS:
        values = config[name] if isinstance(config[name], list) else [config[name]]
        for value in values:
            if value in refused:
                raise RuntimeError(
                    f"CONSULT_{name} is a published development key or the example's "
                    "placeholder; set a random one "
                    "(python -c 'import secrets; print(secrets.token_urlsafe(48))')."
                )
            if len(value.encode()) < MIN_SECRET_KEY_BYTES:
                raise RuntimeError(
                    f"CONSULT_{name} is shorter than {MIN_SECRET_KEY_BYTES} bytes; set a "
                    "random one (python -c 'import secrets; print(secrets.token_urlsafe(48))')."
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
    # (The limiter object outlives an app: a new app starts trusting its storage again,
    # as a new process would. Several apps share a process only in the tests.)
    limiter._storage_dead = False
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
        # The embedded database holds personal data: readable by its owner only (SQLite
        # gives its -wal and -shm files the database file's permissions).
        Path(app.instance_path).mkdir(parents=True, exist_ok=True, mode=0o700)
        db_file = Path(app.instance_path) / "consult.db"
        db_file.touch(mode=0o600, exist_ok=True)
        db_file.chmod(0o600)
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{db_file}"
    _secrets(app)
    if app.config.get("PROXY_FIX_X_FOR"):
        hops = int(app.config["PROXY_FIX_X_FOR"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
