"""Hooks: how a lower floor lets the features above it react to what it does, without
importing them (imports only go down; docs/architecture.md).

The floor that fires a hook owns it and says what handlers get and return; a feature
above registers its handler in its `init_app`. Registering the same function again
(a second app in one process, as the tests make) changes nothing.

    leaving_selection = Hook[[Application], str]("leaving_selection")   # applications
    leaving_selection.register(unplace_on_leaving)                       # programme
    notes = leaving_selection(application)                               # applications
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


class Hook(Generic[P, R]):
    """A named extension point: calling it calls every registered handler, in the order
    they were registered, and returns their results."""

    def __init__(self, name: str):
        self.name = name
        self._handlers: dict[str, Callable[P, R]] = {}

    def register(self, handler: Callable[P, R]) -> Callable[P, R]:
        self._handlers[f"{handler.__module__}.{handler.__qualname__}"] = handler
        return handler

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> list[R]:
        return [handler(*args, **kwargs) for handler in self._handlers.values()]

    def first(self, *args: P.args, **kwargs: P.kwargs) -> R | None:
        """The first handler's answer (a hook that one feature answers), or None."""
        for handler in self._handlers.values():
            return handler(*args, **kwargs)
        return None

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {', '.join(self._handlers) or 'no handlers'}>"
