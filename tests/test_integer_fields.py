"""Every integer a person can type into a form field (versions, ids of selected rows)
is read one way (consult.http.parse_id): a value Python's str.isdigit() takes for a
digit but int() does not ("²", "٣"), a negative, a huge or an empty value is refused
as a bad or stale request -- never a 500, never a change made."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from consult.applications.models import Application
from consult.enums import ApplicationState
from consult.extensions import db
from consult.programme.models import SessionKind
from consult.programme.services import SessionData, save_session
from tests.conftest import csrf_token
from tests.factories import make_consultation, submit, under_review, verify

BAD_INTEGERS = ["²", "٣", "-1", "0", "99999999999999999999", "", "1.5", " 1"]


@pytest.mark.parametrize("value", BAD_INTEGERS)
def test_the_private_link_forms(app, ctx, client, value):
    consultation = make_consultation()
    application, raw = submit(consultation)
    verify(raw)
    version = application.version
    page = client.get(f"/a/{raw}")
    token = csrf_token(page.text)
    for action, extra in [
        ("listing", {"listed": "1"}),
        ("withdraw", {}),
        ("confirm", {}),
        ("decline", {}),
    ]:
        response = client.post(
            f"/a/{raw}/{action}", data={"csrf_token": token, "version": value, **extra}
        )
        assert response.status_code < 500, (action, response.status_code)
    db.session.expire_all()
    fresh = db.session.get(Application, application.id)
    assert (fresh.version, fresh.list_publicly) == (version, application.list_publicly)


@pytest.mark.parametrize("value", BAD_INTEGERS)
def test_the_secretariat_forms(app, ctx, admin, admin_client, value):
    consultation = make_consultation()
    application, _ = under_review(consultation)
    session = save_session(
        consultation,
        SessionData("Panel", SessionKind.PANEL, consultation.starts_at, consultation.ends_at, "R"),
        by=admin,
    )
    token = csrf_token(admin_client.get(f"/secretariat/applications/{application.id}").text)
    posts = [
        (
            f"/secretariat/applications/{application.id}/decision",
            {"decision": "accept", "version": value},
        ),
        ("/secretariat/applications/decide", {"decision": "accept", "selected": f"{value}:1"}),
        (
            "/secretariat/applications/decide",
            {"decision": "accept", "selected": f"{application.id}:{value}"},
        ),
        (
            f"/secretariat/applications/{application.id}/placement",
            {"session": str(session.id), "version": value},
        ),
        (f"/secretariat/programme/sessions/{session.id}/delete", {"version": value}),
        (
            f"/secretariat/programme/sessions/{session.id}/edit",
            {
                "title": "Panel",
                "kind": "panel",
                "starts_at": "",
                "ends_at": "",
                "speaker_capacity": value,
                "version": value,
            },
        ),
    ]
    for url, data in posts:
        response = admin_client.post(url, data={"csrf_token": token, **data})
        assert response.status_code < 500, (url, data, response.status_code)
    db.session.expire_all()
    assert db.session.get(Application, application.id).state == ApplicationState.UNDER_REVIEW
    assert db.session.execute(select(Application.programme_session_id)).scalar() is None
