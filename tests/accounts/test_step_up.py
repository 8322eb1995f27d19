"""Erasing, exporting applications and creating accounts ask for the password again
when it was last given more than STEP_UP_MINUTES ago in the session."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from consult.accounts.models import StaffSession, User
from consult.applications.models import Application
from consult.database import utcnow
from consult.extensions import db
from tests.conftest import PASSWORD, csrf_token
from tests.factories import make_consultation, under_review


def _age_the_sign_in(minutes: int) -> None:
    earlier = utcnow() - timedelta(minutes=minutes)
    db.session.execute(update(StaffSession).values(created_at=earlier, verified_at=earlier))
    db.session.commit()


def _confirm(client, location: str, password: str):
    page = client.get(location)
    assert "Confirm it is you" in page.text
    return client.post(location, data={"csrf_token": csrf_token(page.text), "current": password})


def test_an_old_sign_in_must_give_the_password_again_to_erase(app, ctx, admin_client):
    application, _raw = under_review(make_consultation())
    detail = f"/secretariat/applications/{application.id}"
    token = csrf_token(admin_client.get(detail).text)
    _age_the_sign_in(16)
    refused = admin_client.post(f"{detail}/erase", data={"csrf_token": token, "confirm": "y"})
    assert refused.status_code == 302 and "/secretariat/account/confirm" in refused.location
    db.session.expire_all()
    assert db.session.get(Application, application.id).erased_at is None  # nothing done
    assert _confirm(admin_client, refused.location, "not my password").status_code == 422
    back = _confirm(admin_client, refused.location, PASSWORD)
    assert back.status_code == 302 and back.location == detail
    done = admin_client.post(f"{detail}/erase", data={"csrf_token": token, "confirm": "y"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Application, application.id).erased_at is not None


def test_an_export_and_a_new_account_need_a_recent_password(app, ctx, admin_client):
    consultation = make_consultation()
    export = f"/secretariat/applications/export.csv?consultation={consultation.id}"
    assert admin_client.get(export).status_code == 200  # just signed in
    _age_the_sign_in(16)
    refused = admin_client.get(export)
    assert "/secretariat/account/confirm" in refused.location
    back = _confirm(admin_client, refused.location, PASSWORD)
    assert back.location == export
    assert admin_client.get(export).status_code == 200
    _age_the_sign_in(16)
    page = admin_client.get("/secretariat/users")
    created = admin_client.post(
        "/secretariat/users",
        data={
            "csrf_token": csrf_token(page.text),
            "email": "late@ungis.example",
            "name": "Late Person",
            "role": "reviewer",
            "password": "another long passphrase here",
        },
    )
    assert "/secretariat/account/confirm" in created.location
    assert (
        db.session.execute(select(User).where(User.email == "late@ungis.example")).first() is None
    )
