"""Health endpoints for load balancers and process supervisors."""

from __future__ import annotations

from consult import create_app


def test_liveness_and_readiness(client):
    assert client.get("/healthz").json == {"status": "ok"}
    assert client.get("/readyz").json == {"status": "ok"}


def test_readiness_fails_without_a_database(tmp_path):
    app = create_app(
        "testing", SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none"
    )
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert app.test_client().get("/healthz").status_code == 200
