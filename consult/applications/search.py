"""Free-text search over applications (the queue's search box): the condition is built
on the text index that consult.database.search defines and the migrations create, and
on the listed organizations' names."""

from __future__ import annotations

from sqlalchemy import or_, select

from consult.applications.models import Application
from consult.cache import cached
from consult.consultations.models import ContentTranslation, Organization
from consult.database import fold
from consult.database.search import SEARCHED_COLUMNS, text_condition  # noqa: F401


def matching_applications(text: str):
    """The condition "the application's name, organization (typed in, or the listed
    one's name or acronym), topic, reference or email contains `text`" (accents and
    case folded, the text taken literally) for a query over Application."""
    condition = text_condition(Application, text)
    organizations = organizations_matching(text)
    if organizations:
        condition = or_(condition, Application.organization_id.in_(organizations))
    return condition


# What a reviewer may search in an anonymised review: the proposal, not the person.
ANONYMOUS_COLUMNS = ("topic", "reference")


def matching_anonymously(text: str):
    """The condition "the application's topic or reference contains `text`": the search
    of an anonymised review, which must not find anyone by name, email or organization."""
    return text_condition(Application, text, ANONYMOUS_COLUMNS)


def organizations_matching(text: str) -> list[int]:
    """The listed organizations (active or not) whose name or acronym contains `text`,
    folded: "undp", "Development Programme", "telecommunication"."""
    needle = fold(text.strip())
    if not needle:
        return []
    return [id_ for id_, names in _organization_names() if needle in names]


def _organization_names() -> list[tuple[int, str]]:
    """(id, the folded names) of every listed organization, from the process's cache
    (a few hundred rows: matched in Python, the same folding as the text index)."""

    def load(session):
        names: dict[int, list[str]] = {}
        for id_, name, acronym in session.execute(
            select(Organization.id, Organization.name, Organization.acronym)
        ):
            names[id_] = [name, acronym]
        # Their names and acronyms in every language offered: "UIT" finds the ITU.
        for id_, text in session.execute(
            select(ContentTranslation.owner_id, ContentTranslation.text).where(
                ContentTranslation.owner == "organization"
            )
        ):
            names.setdefault(id_, []).append(text)
        return [(id_, fold("\x1f".join(texts))) for id_, texts in names.items()]

    return cached("organization_names", None, load)
