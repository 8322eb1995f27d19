"""Per-request worker CPU of the pages the crowd sees (`make bench`): each
page is requested in-process, warm, and the thread's CPU time is measured around the
request (what a gunicorn worker spends on it; waiting for the database is not CPU).
The anchor is a bare Flask app rendering one template (scripts/floor_app.py) in the
same rounds, alternating, so that machine noise hits both.

Pages: home, consultation, programme, participants and the apply form, signed out;
a private /a/ page; the secretariat's queue, signed in. The demo data (consult demo
seed) with its programme published and the participants list public.
"""

from __future__ import annotations

import contextvars
import os
import statistics
import time
from dataclasses import dataclass

import bench_sxs  # (scripts/, beside this file)
from flask.testing import FlaskClient

REQUESTS = 200  # per page and round
ROUNDS = 5


@dataclass
class PageCpu:
    path: str
    medians: list[float]  # ms of CPU per request, one per round
    floor: list[float]  # the floor's, same rounds

    @property
    def ms(self) -> float:
        return statistics.median(self.medians)

    @property
    def ratio(self) -> float:
        return statistics.median(m / f for m, f in zip(self.medians, self.floor, strict=True))

    @property
    def spread(self) -> str:
        return f"{min(self.medians):.2f}–{max(self.medians):.2f}"


class IsolatedClient(FlaskClient):
    """Each request in an empty context, as in its own server thread (not sharing the
    bench's own request context, its session or its `g`); bench.py uses it too."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


def _cpu_per_request(client, path: str, n: int) -> float:
    """Median thread CPU (ms) of `n` GETs of `path`."""
    times = []
    for _ in range(n):
        start = time.thread_time()
        response = client.get(path)
        times.append((time.thread_time() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(times)


def _floor_client():
    os.environ.setdefault("FLOOR_DATABASE_URL", "sqlite://")
    import floor_app  # (scripts/)

    return floor_app.app.test_client()


def publish_demo() -> tuple[str, list[str]]:
    """In the app's database (in an app context): the demo consultation with its
    speakers placed, the programme published and the participants list public; its
    slug and a private link (path) per speaker. Also used by loadtest.py."""
    from sqlalchemy import select

    from consult.accounts.models import User
    from consult.applications.models import Application
    from consult.applications.tokens import mint_token
    from consult.database.migrate import upgrade
    from consult.demo.seed import seed_demo, seed_demo_accounts, seed_demo_speakers
    from consult.extensions import db
    from consult.programme.models import ProgrammeSession
    from consult.programme.services import publish, set_participants_public

    upgrade()
    consultation, _created = seed_demo()
    seed_demo_accounts()
    admin = db.session.execute(select(User).where(User.email == "admin@ungis.example")).scalar_one()
    seed_demo_speakers(consultation, admin)
    sessions = list(
        db.session.execute(
            select(ProgrammeSession).where(ProgrammeSession.consultation_id == consultation.id)
        ).scalars()
    )
    speakers = list(
        db.session.execute(
            select(Application).where(Application.consultation_id == consultation.id)
        ).scalars()
    )
    with_speakers = [s for s in sessions if s.kind.has_speakers]
    for n, application in enumerate(speakers):
        application.programme_session_id = with_speakers[n % len(with_speakers)].id
    db.session.commit()
    publish(consultation, True)
    set_participants_public(consultation, True)
    links = [f"/a/{mint_token(application.id)}" for application in speakers]
    db.session.commit()
    return consultation.slug, links


def run(url: str) -> dict[str, PageCpu]:
    from consult import create_app
    from consult.accounts.models import UserRole
    from consult.accounts.services import create_user
    from consult.extensions import db

    app = create_app(
        "testing", SQLALCHEMY_DATABASE_URI=url, RATELIMIT_ENABLED=False, WTF_CSRF_ENABLED=True
    )
    app.test_client_class = IsolatedClient
    with app.app_context():
        slug, links = publish_demo()
        private = links[0]
        create_user(
            "bench@ungis.example", "Bench", UserRole.ADMIN, "bench password 2026", must_change=False
        )
        db.session.commit()
        db.session.remove()
    signed_out = app.test_client()
    signed_in = app.test_client()
    page = signed_in.get("/secretariat/login").text
    form = {
        "csrf_token": bench_sxs.csrf_of(page),
        "email": "bench@ungis.example",
        "password": "bench password 2026",
    }
    assert signed_in.post("/secretariat/login", data=form).status_code == 302
    cases = {
        "home": (signed_out, "/"),
        "consultation": (signed_out, f"/c/{slug}"),
        "programme": (signed_out, f"/c/{slug}/programme"),
        "participants": (signed_out, f"/c/{slug}/participants"),
        "apply form": (signed_out, f"/c/{slug}/apply"),
        "private /a/ page": (signed_out, private),
        "queue (signed in)": (signed_in, "/secretariat/applications"),
    }
    floor = _floor_client()
    results = {name: PageCpu(path, [], []) for name, (_c, path) in cases.items()}
    for _round in range(ROUNDS):
        for name, (client, path) in cases.items():
            _cpu_per_request(client, path, 20)  # warm
            results[name].medians.append(_cpu_per_request(client, path, REQUESTS))
            results[name].floor.append(_cpu_per_request(floor, "/page", REQUESTS))
    return results


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        for name, result in run(f"sqlite:///{tmp}/pages.db").items():
            print(f"{name:<20} {result.ms:6.2f} ms ({result.spread}) = {result.ratio:.1f}× floor")
