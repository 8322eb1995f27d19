"""Written contributions end to end, through the real pages, a
real SMTP server and the real mail worker: a visitor sends one with an attachment,
confirms the address, the secretariat publishes it anonymously under a theme, the
public page and the feed show it without the name, the synthesis quotes it."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from consult.contributions.models import ContributionEvent, ContributionState
from consult.extensions import db
from consult.notifications.worker import drain
from consult.pdfs import fonts_installed
from consult.security.models import SecurityEvent, SecurityTag
from tests.conftest import csrf_token, form_version
from tests.contributions.helpers import PDF, confirm, odt, only_contribution, open_call, send


@pytest.fixture
def app_overrides(smtp):
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp.port}


@pytest.fixture
def consultation(ctx):
    return open_call()


def link_in(received) -> str:
    match = re.search(r"http://consult\.test(/w/[A-Za-z0-9_\-]+)", received.text())
    assert match, received.text()
    return match.group(1)


def test_a_contribution_is_sent_confirmed_published_anonymously_and_quoted(
    consultation, client, admin_client, smtp
):
    assert "Send a written contribution" in client.get(f"/c/{consultation.slug}").text
    sent = send(client, consultation, files=[(PDF, "Rural finance study.pdf")])
    assert sent.status_code == 302, sent.text
    assert "amina@example.org" in client.get(sent.headers["Location"]).text
    contribution = only_contribution()
    assert contribution.state == ContributionState.UNVERIFIED
    assert contribution.reference == "FM-W-0001"
    assert [f.name for f in contribution.files] == ["Rural finance study.pdf"]

    drain()
    [email] = [r for r in smtp.received if r.rcpt_tos == ["amina@example.org"]]
    assert "FM-W-0001" in email.subject
    path = link_in(email)
    page = client.get(path)
    assert "Confirm my email address" in page.text
    assert page.headers["Cache-Control"] == "no-store"
    assert confirm(client, path).status_code == 302
    assert only_contribution().state == ContributionState.NEW

    # The secretariat: the queue, the contribution, a theme with a passage, published
    # anonymously (the contributor consented to the name; the secretariat chose not to).
    queue = admin_client.get(f"/secretariat/consultations/{consultation.id}/contributions")
    assert "FM-W-0001" in queue.text and "Amina Diallo" in queue.text
    url = f"/secretariat/consultations/{consultation.id}/contributions/{contribution.id}"
    detail = admin_client.get(url)
    assert detail.status_code == 200
    tagged = admin_client.post(
        f"{url}/themes",
        data={
            "csrf_token": csrf_token(detail.text),
            "themes": "Community networks, blended finance",
            "passage": "Community networks with blended finance worked.",
        },
    )
    assert tagged.status_code == 302
    detail = admin_client.get(url)
    decided = admin_client.post(
        f"{url}/moderate",
        data={
            "csrf_token": csrf_token(detail.text),
            "version": form_version(detail.text),
            "decision": "anonymous",
            "reason": "",
        },
    )
    assert decided.status_code == 302, decided.text
    assert only_contribution().state == ContributionState.ANONYMOUS
    assert db.session.execute(
        select(SecurityEvent).where(SecurityEvent.tag == SecurityTag.CONTRIBUTION_MODERATED.value)
    ).scalar_one()
    events = db.session.execute(select(ContributionEvent.note)).scalars().all()
    assert "Moderated: anonymous." in events

    drain()
    told = [r for r in smtp.received if r.rcpt_tos == ["amina@example.org"]][-1]
    assert "published" in told.subject and "without your name" in told.text()

    # The public page, the contribution's own page and the feed: no name, no address.
    listing = client.get(f"/c/{consultation.slug}/contributions")
    assert "FM-W-0001" in listing.text
    one = client.get(f"/c/{consultation.slug}/contributions/FM-W-0001")
    feed = client.get(f"/c/{consultation.slug}/contributions.atom")
    assert feed.mimetype == "application/atom+xml"
    for page in (listing, one, feed):
        assert page.status_code == 200
        for secret in ("Amina", "Diallo", "amina@example.org", "Rural Connect"):
            assert secret not in page.text
    assert "Civil society" in one.text and "Senegal" in one.text
    assert "blended finance worked" in feed.text
    download = client.get(re.search(r'href="([^"]+/files/\d+)"', one.text).group(1))
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.data == PDF

    # Searching by the author's name finds nothing; by a word of the text, it.
    assert "FM-W-0001" not in client.get(f"/c/{consultation.slug}/contributions?q=amina").text
    assert "FM-W-0001" in client.get(f"/c/{consultation.slug}/contributions?q=BLENDED").text

    if fonts_installed():
        synthesis = admin_client.get(
            f"/secretariat/consultations/{consultation.id}/synthesis.pdf?language=en"
        )
        assert synthesis.status_code == 200
        assert synthesis.headers["Content-Disposition"].startswith("attachment")
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(synthesis.data)).pages)
        assert "Community networks" in text and "blended finance worked" in text
        assert "Amina" not in text and "Civil society, Senegal" in text


def test_the_contributor_edits_withdraws_and_downloads_their_data(consultation, client, smtp):
    send(client, consultation, files=[(odt(), "notes.odt")])
    drain()
    path = link_in(smtp.received[-1])
    confirm(client, path)
    edit = client.get(f"{path}/edit")
    assert "Community networks" in edit.text
    data = dict(
        csrf_token=csrf_token(edit.text),
        version=form_version(edit.text),
        full_name="Amina Diallo",
        organization="Rural Connect",
        consent="anonymous",
    )
    first, second = [int(x) for x in re.findall(r'name="answer_(\d+)"', edit.text)]
    data[f"answer_{first}"] = "A new first answer."
    data[f"answer_{second}"] = "And a second."
    saved = client.post(f"{path}/edit", data=data, content_type="multipart/form-data")
    assert saved.status_code == 302, saved.text
    contribution = only_contribution()
    assert (
        contribution.consent.value == "anonymous" and contribution.organization == "Rural Connect"
    )
    assert "<p>And a second.</p>" in [a.body for a in contribution.answers]

    archive = client.get(f"{path}/my-data.zip")
    assert archive.headers["Content-Disposition"].startswith("attachment")
    with zipfile.ZipFile(io.BytesIO(archive.data)) as z:
        names = z.namelist()
        assert "contribution.json" in names
        assert any(n.endswith("notes.odt") for n in names)
        assert "A new first answer." in z.read("contribution.json").decode()

    status = client.get(path)
    withdrawn = client.post(
        f"{path}/withdraw",
        data={"csrf_token": csrf_token(status.text), "version": form_version(status.text)},
    )
    assert withdrawn.status_code == 302
    assert only_contribution().state == ContributionState.WITHDRAWN
    assert "You withdrew this contribution." in client.get(path).text


def test_the_guiding_questions_are_translated_on_the_translations_page(
    consultation, client, admin_client
):
    page = admin_client.get(f"/secretariat/consultations/{consultation.id}/translations/fr")
    assert "Guiding question: Which financing mechanisms worked?" in page.text
    field = re.search(r'name="(guiding-\d+-label)"', page.text).group(1)
    saved = admin_client.post(
        f"/secretariat/consultations/{consultation.id}/translations/fr",
        data={"csrf_token": csrf_token(page.text), field: "Quels mécanismes ont fonctionné ?"},
    )
    assert saved.status_code == 302
    form = client.get(f"/c/{consultation.slug}/contribute?lang=fr")
    assert "Quels mécanismes ont fonctionné ?" in form.text
    assert "Which financing mechanisms worked?" not in form.text


def test_the_call_and_its_questions_are_kept_by_the_admins(consultation, admin_client):
    url = f"/secretariat/consultations/{consultation.id}/contribution-call"
    page = admin_client.get(url)
    backwards = admin_client.post(
        url,
        data={
            "csrf_token": csrf_token(page.text),
            "opens_at": "2027-03-01T09:00",
            "closes_at": "2027-02-01T09:00",
        },
    )
    assert backwards.status_code == 422 and "must be after the open date" in backwards.text
    added = admin_client.post(
        f"/secretariat/consultations/{consultation.id}/guiding-questions",
        data={"csrf_token": csrf_token(page.text), "label": "Which indicators?", "help": ""},
    )
    assert added.status_code == 302
    assert "Which indicators?" in admin_client.get(url).text
    empty = admin_client.post(
        f"/secretariat/consultations/{consultation.id}/guiding-questions",
        data={"csrf_token": csrf_token(page.text), "label": ""},
    )
    assert empty.status_code == 422 and "Write the question." in empty.text


def test_a_call_without_questions_takes_no_contributions(ctx, client):
    open_call(slug="empty", questions=())
    assert client.get("/c/empty/contribute").status_code == 404
    assert "Send a written contribution" not in client.get("/c/empty").text
