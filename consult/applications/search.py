"""Free-text search over applications (the queue's search box): the condition is built
on the text index that consult.database.search defines and the migrations create."""

from __future__ import annotations

from consult.applications.models import Application
from consult.database.search import SEARCHED_COLUMNS, text_condition  # noqa: F401


def matching_applications(text: str):
    """The condition "the application's name, organization, topic, reference or email
    contains `text`" (case-insensitive, taken literally) for a query over Application."""
    return text_condition(Application, text)
