"""Alembic, driven from the app's own engine (migrations/ holds env and versions)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from consult.paths import PROJECT_ROOT

FILE_TEMPLATE = "%%(year)d%%(month).2d%%(day).2d_%%(hour).2d%%(minute).2d_%%(rev)s_%%(slug)s"


def alembic_config() -> Config:
    """Alembic settings; env.py takes the engine from the current Flask app."""
    cfg = Config()
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    cfg.set_main_option("file_template", FILE_TEMPLATE)
    cfg.set_main_option("truncate_slug_length", "40")
    return cfg


def upgrade(revision: str = "head") -> None:
    command.upgrade(alembic_config(), revision)


def downgrade(revision: str) -> None:
    command.downgrade(alembic_config(), revision)
