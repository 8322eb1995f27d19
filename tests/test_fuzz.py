"""Every route and form, driven with generated input as anonymous visitor, reviewer and
admin: no answer is a 5xx, and an answer of 4xx changes no data.

Hypothesis picks a route, who asks, the path's parameters (real ids and tokens, junk,
ids beyond 64 bits), a query string and, for POST, a form built from the field names
the app's own pages use, carrying a valid CSRF token so that the forms themselves are
exercised. Values mix real choices with NUL and other control characters, bidi
overrides, huge numbers, blanks and long text.

CONSULT_FUZZ_REQUESTS sets how many requests (default 1,500; CI runs 10,000 on
PostgreSQL). They are sent in chunks of CHUNK, a test each with a fresh world and a
seed of its own, so that the parallel workers share them and none takes long.
"""

from __future__ import annotations

import math
import os
import re
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from consult.applications.services import Decision, decide_application
from consult.extensions import db
from tests.conftest import csrf_token, login
from tests.factories import link_token, make_consultation, make_user, submit, under_review

REQUESTS = int(os.environ.get("CONSULT_FUZZ_REQUESTS", "1500"))
CHUNK = 250
CHUNKS = max(math.ceil(REQUESTS / CHUNK), 1)
# Tables a refused request may write to: the security log records refusals and
# sign-in attempts; staff sessions record activity.
MAY_CHANGE_ON_4XX = {"security_event", "staff_session"}
# ... and columns: a private link records that it was used, whatever the answer (its
# last use keeps it alive, consult/applications/tokens.py).
MAY_CHANGE_ON_4XX_COLUMNS = {"access_token": {"last_used_at"}}

NASTY = [
    "",
    " ",
    "\t",
    "\x00",
    "a\x00b",
    "\u202eevil",
    "\x1b[31m",
    "a\r\nBcc: x@example.org",
    "-1",
    "0",
    "1",
    "2",
    str(2**31),
    str(2**63),
    "9" * 40,
    "1e309",
    "NaN",
    "%",
    "%%%",
    "'; DROP TABLE application; --",
    '"><script>alert(1)</script>',
    "用户@例子.广告",
    "ü@example.org",
    "x" * 5000,
    "None",
    "null",
    "[]",
    "{}",
    "true",
]


def texts() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(NASTY),
        st.text(max_size=40),
        st.text(alphabet=st.characters(max_codepoint=0x9F), max_size=12),
    )


@pytest.fixture
def world(app, ctx, admin, reviewer):
    """A consultation with applications in several states, their tokens, an email."""
    consultation = make_consultation(slug="geneva")
    speaker, speaker_token = under_review(consultation, email="speaker@example.org")
    decide_application(speaker, Decision.ACCEPT, by=admin, expected_version=2)
    attendee, attendee_token = submit(consultation, role=consultation.offers[2].role)
    make_user("reviewer", "second@ungis.example")
    clients = {"anonymous": app.test_client()}
    for name, user in (("reviewer", reviewer), ("admin", admin)):
        clients[name] = app.test_client()
        assert login(clients[name], user.email).status_code == 302
    tokens = {name: csrf_token(c.get("/c/geneva/apply").text) for name, c in clients.items()}
    values = {
        "int": ["1", "2", "3", str(consultation.id), str(speaker.id), str(2**31), str(2**64)],
        "slug": ["geneva", consultation.slug, "nope"],
        "token": [speaker_token, attendee_token, link_token(speaker), "x", "private-link"],
        "template": ["verify_email", "accepted", "nope"],
        "language": ["en", "fr", "xx"],
        "category": consultation.categories[2].id,
    }
    fields = _form_defaults(app, clients["admin"], values)
    return {"clients": clients, "csrf": tokens, "values": values, "fields": fields}


def _routes(app) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(method, rule, [(argument, converter)]) for every route but static files."""
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        arguments = [
            (name, type(converter).__name__) for name, converter in rule._converters.items()
        ]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((method, rule.rule, arguments))
    return routes


def _kind(argument: str, converter: str) -> str:
    if converter == "IdConverter":
        return "int"
    return argument if argument in ("slug", "token", "template", "language") else "slug"


def _path(rule: str, arguments, chosen: dict[str, str]) -> str:
    path = rule
    for name, _converter in arguments:
        path = re.sub(rf"<[^>]*:?{name}>", quote(chosen[name], safe=""), path)
    return path


class _FormValues(HTMLParser):
    """The values a page's forms would send as they are (inputs, selected options,
    checked boxes, textareas): the valid starting point that the fuzzing mutates."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and name != "csrf_token":
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a or name not in self.values:
                    self.values[name] = a.get("value", "y")
            elif kind not in ("submit", "button"):
                self.values.setdefault(name, a.get("value", ""))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select:
            if "selected" in a or self._select not in self.values or not self.values[self._select]:
                self.values[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values.setdefault(name, "")
        elif tag == "button" and name:
            self.values.setdefault(name, a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


# Realistic values for fields that start empty, so that mutated forms get past the
# "required" checks and reach the services and the database.
VALID = {
    "full_name": "Amina Diallo",
    "email": "amina.fuzz@example.org",
    "name": "Reviewer Person",
    "password": "correct horse battery",
    "confirm": "correct horse battery",
    "topic": "Blended finance",
    "abstract": "How guarantees crowd in capital.",
    "bio": "Economist.",
    "role": "panelist",
    "score": "4",
    "decision": "accept",
    "subject": "Hello {name}",
    "body": "Open {link}",
}


def _form_defaults(app, client, values) -> dict[str, dict[str, str]]:
    """Per route, the values its page's forms send as they are (GET as the admin, or
    anonymously for public pages), filled with VALID where empty."""
    anonymous = app.test_client()
    by_rule: dict[str, dict[str, str]] = {}
    for method, rule, arguments in _routes(app):
        if method != "GET":
            continue
        chosen = {name: values[_kind(name, conv)][0] for name, conv in arguments}
        if "consultation_id" in chosen:
            chosen["consultation_id"] = values["int"][3]
        if "application_id" in chosen:
            chosen["application_id"] = values["int"][4]
        path = _path(rule, arguments, chosen)
        parser = _FormValues()
        for who in (client, anonymous):
            # (downloads -- a PDF, a ZIP -- are bytes: read as text, they hold no form)
            parser.feed(who.get(path).get_data().decode(errors="replace"))
        form = parser.values
        for name, value in VALID.items():
            if name in form and not form[name]:
                form[name] = value
        form.setdefault("category", str(values["category"]))
        form.setdefault("country", "SN")
        by_rule[rule] = form
    everything: dict[str, str] = {}
    for form in by_rule.values():
        everything.update(form)
    return by_rule | {"*": everything | VALID}


def snapshot() -> dict[str, list]:
    """Every row of every table (the test database is small), but what a refusal may
    change: on PostgreSQL in one statement, each table as a JSON array in primary-key
    order."""
    tables = [table for table in db.metadata.sorted_tables if table.name not in MAY_CHANGE_ON_4XX]
    with db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            parts = []
            for table in tables:
                order = ", ".join(f'r."{column.name}"' for column in table.primary_key.columns)
                parts.append(f'(SELECT json_agg(r ORDER BY {order}) FROM "{table.name}" r)')
            values = conn.execute(sa.text("SELECT " + ", ".join(parts))).one()
            snapshot = {}
            for table, rows in zip(tables, values, strict=True):
                skip = MAY_CHANGE_ON_4XX_COLUMNS.get(table.name, set())
                snapshot[table.name] = [
                    {k: v for k, v in row.items() if k not in skip} for row in rows or []
                ]
            return snapshot
        snapshot = {}
        for table in tables:
            skip = MAY_CHANGE_ON_4XX_COLUMNS.get(table.name, set())
            columns = [column for column in table.columns if column.name not in skip]
            query = sa.select(*columns).order_by(*table.primary_key.columns)
            snapshot[table.name] = [tuple(row) for row in conn.execute(query)]
        return snapshot


REQUESTS_PER_EXAMPLE = 5

if os.environ.get("CONSULT_FUZZ_PROBE"):  # a check of the test itself: cleaning off
    import consult.forms

    consult.forms.clean_text.__code__ = (lambda value: value).__code__


@pytest.mark.slow
@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_no_input_makes_a_server_error_or_a_half_change(app, world, chunk):
    routes = _routes(app)
    fields = world["fields"]
    counted = {"requests": 0, "4xx": 0}

    request = st.fixed_dictionaries(
        {
            "route": st.sampled_from(routes),
            "who": st.sampled_from(["anonymous", "reviewer", "admin"]),
            "params": st.dictionaries(
                st.sampled_from(["id", "slug", "token", "template", "language"]),
                st.one_of(st.sampled_from(range(7)), texts()),
            ),
            "query": st.dictionaries(
                st.sampled_from(
                    [
                        "consultation",
                        "role",
                        "category",
                        "state",
                        "country",
                        "q",
                        "mine",
                        "sort",
                        "cursor",
                        "before",
                        "next",
                        "lang",
                    ]
                ),
                texts(),
                max_size=4,
            ),
            "csrf": st.sampled_from([True, True, True, False]),
        }
    )

    requests = min(CHUNK, REQUESTS - chunk * CHUNK)  # (the last chunk: what is left)

    @seed(chunk)  # each chunk its own inputs, the same on every run
    @settings(
        max_examples=max(requests // REQUESTS_PER_EXAMPLE, 1),
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(st.data())
    def run(data):
        for _ in range(REQUESTS_PER_EXAMPLE):
            spec = data.draw(request)
            # The page's own form, valid as sent, with a few fields changed or left out.
            form = dict(fields.get(spec["route"][1]) or fields["*"])
            names = sorted(form)
            for name in data.draw(st.lists(st.sampled_from(names), max_size=3)):
                if data.draw(st.integers(0, 4)) == 0:
                    form.pop(name, None)
                else:
                    form[name] = data.draw(texts())
            spec["form"] = form
            _one_request(app, world, spec, counted)

    run()
    assert counted["requests"] >= requests
    assert counted["4xx"] > counted["requests"] // 20  # the refusals were exercised


def _one_request(app, world, spec, counted) -> None:
    method, rule, arguments = spec["route"]
    chosen = {}
    for name, converter in arguments:
        kind = _kind(name, converter)
        picked = spec["params"].get("id" if kind == "int" else kind, 0)
        pool = world["values"][kind]
        chosen[name] = pool[picked % len(pool)] if isinstance(picked, int) else picked
    path = _path(rule, arguments, chosen)
    client = world["clients"][spec["who"]]
    form = dict(spec["form"])
    if "version" in form:  # the version the page showed, for forms that check it
        form.setdefault("version", "2")
    if spec["csrf"]:
        form["csrf_token"] = world["csrf"][spec["who"]]
    before = snapshot()
    response = client.open(path, method=method, query_string=spec["query"], data=form)
    counted["requests"] += 1
    assert response.status_code < 500, (method, path, spec, response.text[:2000])
    if 400 <= response.status_code < 500:
        counted["4xx"] += 1
        assert snapshot() == before, (method, path, spec, response.status_code)
