"""Hooks: how a lower floor lets the features above it react to what it does, without
importing them (imports only go down; docs/architecture.md).

The floor that fires a hook owns it and says what handlers get and return; a feature
above registers its handler for an app in its `init_app`. The handlers belong to that
app (kept in `app.extensions`), so two apps in one process -- as the tests make --
never see each other's; registering the same function again changes nothing.

    leaving_selection = Hook[[Application], str]("leaving_selection")   # applications
    leaving_selection.register(app, unplace_on_leaving)                  # programme
    notes = leaving_selection(application)                               # applications
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Generic, ParamSpec, TypeVar

from flask import Flask, current_app

P = ParamSpec("P")
R = TypeVar("R")

EXTENSION = "consult.hooks"


class Hook(Generic[P, R]):
    """A named extension point: calling it calls every handler the current app
    registered, in the order they were registered, and returns their results."""

    def __init__(self, name: str):
        self.name = name
        # The module that declares it (and fires it): docs/architecture.md's table
        # names each hook so, and a test keeps the table equal to the code.
        self.owner = sys._getframe(1).f_globals.get("__name__", "")

    def register(self, app: Flask, handler: Callable[P, R]) -> Callable[P, R]:
        hooks = app.extensions.setdefault(EXTENSION, {})
        hooks.setdefault(self, {})[f"{handler.__module__}.{handler.__qualname__}"] = handler
        return handler

    def handlers(self, app: Flask | None = None) -> list[Callable[P, R]]:
        """The handlers `app` (the current one, by default) registered."""
        app = app or current_app
        return list(app.extensions.get(EXTENSION, {}).get(self, {}).values())

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> list[R]:
        return [handler(*args, **kwargs) for handler in self.handlers()]

    def first(self, *args: P.args, **kwargs: P.kwargs) -> R | None:
        """The first answer that is not None, asking no handler after it (a hook that
        one feature answers for a given argument), or None."""
        for handler in self.handlers():
            answer = handler(*args, **kwargs)
            if answer is not None:
                return answer
        return None

    def __repr__(self) -> str:
        return f"<Hook {self.owner}.{self.name}>"
