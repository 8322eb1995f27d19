"""What a request body may hold: text for text fields, and no more than the limit."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from consult.applications.models import Application
from consult.extensions import db
from tests.conftest import csrf_token
from tests.factories import make_consultation


def test_a_file_sent_for_a_text_field_is_a_missing_value_not_a_500(client, ctx):
    consultation = make_consultation(slug="geneva")
    page = client.get("/c/geneva/apply")
    response = client.post(
        "/c/geneva/apply",
        data={
            "csrf_token": csrf_token(page.text),
            "full_name": (io.BytesIO(b"%PDF-1.4 not a name"), "name.pdf"),
            "email": (io.BytesIO(b"x"), "email.txt"),
            "role": "attendee",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "error-summary" in response.text
    assert db.session.execute(select(func.count(Application.id))).scalar_one() == 0
    assert consultation.applications_open_at is not None


def test_a_body_over_the_limit_is_refused_by_the_app_itself(client, ctx):
    make_consultation(slug="geneva")
    response = client.post("/c/geneva/apply", data={"full_name": "x" * 2_000_000})
    assert response.status_code == 413
    assert "Too much data" in response.text
