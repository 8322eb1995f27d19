"""How the demo plugs into the app (create_app calls init_app)."""

from flask import Flask

from consult.demo.cli import demo_cli


def init_app(app: Flask) -> None:
    app.cli.add_command(demo_cli)
