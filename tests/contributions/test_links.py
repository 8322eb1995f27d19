"""Speakers and panels link to the written contributions: a theme tied to
a panel gives the public programme "Read the written contributions for this panel"; a
speaker whose contribution is published with their name gets a link beside their name,
and the secretariat sees the contribution on the speaker's application."""

from __future__ import annotations

from sqlalchemy import select

from consult.applications.services import Decision, confirm_participation, decide_application
from consult.contributions.models import Contribution
from consult.contributions.services import link_theme_to_session, moderate, set_themes, verify
from consult.enums import Role
from consult.extensions import db
from consult.programme.models import SessionKind
from consult.programme.services import SessionData, place_speaker, save_session
from tests.contributions.helpers import open_call, send
from tests.factories import under_review


def test_the_programme_and_the_application_link_to_the_contributions(
    ctx, client, admin, admin_client
):
    consultation = open_call()
    send(client, consultation, email="li@example.org", full_name="Li Wei")
    contribution = db.session.execute(select(Contribution)).scalar_one()
    verify(contribution)
    set_themes(contribution, ["Rural finance"], "", by=admin)
    moderate(contribution, "publish", "", version=contribution.version, by=admin)

    speaker, _ = under_review(
        consultation,
        Role.PANELIST,
        full_name="Li Wei",
        email="li@example.org",
        country="CN",
        list_publicly=True,
    )
    decide_application(speaker, Decision.ACCEPT, by=admin, expected_version=speaker.version)
    confirm_participation(speaker, expected_version=speaker.version)
    panel = save_session(
        consultation,
        SessionData(
            "Financing the last mile",
            SessionKind.PANEL,
            consultation.starts_at,
            consultation.ends_at,
            "Room XX",
        ),
        by=admin,
    )
    place_speaker(speaker, panel, by=admin, expected_version=speaker.version)
    consultation.programme_published_at = consultation.created_at
    db.session.commit()
    link_theme_to_session(contribution.themes[0], panel.id, by=admin)

    programme = client.get(f"/c/{consultation.slug}/programme").text
    assert "Read the written contributions for this panel" in programme
    theme_id = contribution.themes[0].id
    assert f"/c/{consultation.slug}/contributions?theme={theme_id}" in programme
    assert f"/c/{consultation.slug}/contributions/{contribution.reference}" in programme

    detail = admin_client.get(f"/secretariat/applications/{speaker.id}").text
    assert contribution.reference in detail and "Written contribution" in detail

    # Published without the name: the speaker's name never points to it.
    moderate(contribution, "anonymous", "", version=contribution.version, by=admin)
    programme = client.get(f"/c/{consultation.slug}/programme").text
    assert f"/contributions/{contribution.reference}" not in programme
