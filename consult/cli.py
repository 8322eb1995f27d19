"""The `consult` console script: Flask's CLI (run, shell, routes) plus our groups."""

from flask.cli import FlaskGroup

from consult import create_app


def _create_app():
    return create_app()


main = FlaskGroup(create_app=_create_app, help="consult: consultation meetings.")
