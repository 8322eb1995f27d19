"""What could go wrong with contributions from the public: script through every field
and through attachment names, files that are not what their names say, the scanner's
verdict, who may moderate, erasure that leaves no file behind, and what the public page
shows of contributions that are not published."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from consult.contributions.models import Contribution, ContributionFile, ContributionState
from consult.contributions.sanitize import clean, from_text
from consult.contributions.services import erase, moderate, purge, verify
from consult.database import transaction, utcnow
from consult.extensions import db
from consult.pdfs import fonts_installed
from tests.conftest import csrf_token, form_version
from tests.contributions.helpers import (
    PDF,
    docx,
    odt,
    only_contribution,
    open_call,
    private_path,
    send,
)

XSS = '<script>alert(1)</script><img src=x onerror=alert(2)>"><svg onload=alert(3)>'


@pytest.fixture
def consultation(ctx):
    return open_call()


TAG = re.compile(r"<[a-zA-Z][^>]*>")
DANGEROUS = re.compile(
    r"\son[a-z]+\s*=|javascript:|data:|style=|^<(script|img|svg|iframe|object|form|input)", re.I
)


RUNS = re.compile(r"\son[a-z]+\s*=|javascript:|^<(script|img|svg|iframe|object|embed)", re.I)


def active_markup(html: str, pattern=DANGEROUS) -> list[str]:
    """The tags in `html` that could run something (escaped text is not a tag)."""
    return [tag for tag in TAG.findall(html) if pattern.search(tag)]


def files_dir(app) -> Path:
    return Path(app.config["CONTRIBUTION_FILES_DIR"])


def stored_files(app) -> list[Path]:
    folder = files_dir(app)
    return sorted(folder.iterdir()) if folder.exists() else []


def publish(contribution, decision, admin):
    verify(contribution)
    moderate(contribution, decision, "", version=contribution.version, by=admin)


@pytest.mark.parametrize(
    "markup",
    [
        XSS,
        '<a href="javascript:alert(1)">x</a>',
        '<p style="background:url(javascript:alert(1))" onclick="alert(1)">x</p>',
        "<iframe src=//evil></iframe><object data=x></object><form><input></form>",
        '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
        "<<script>script>alert(1)<</script>/script>",
    ],
)
def test_the_sanitizer_keeps_no_script_no_handler_no_dangerous_link(markup):
    for cleaned in (from_text(markup), clean(markup)):
        assert active_markup(cleaned) == [], cleaned


def test_plain_text_becomes_paragraphs_lists_and_nofollow_links():
    html = from_text("One https://itu.int/x.\n\n- a\n- b\n\n1. first\n2. second")
    assert html.startswith('<p>One <a href="https://itu.int/x" rel="nofollow')
    assert "<ul><li>a</li><li>b</li></ul>" in html and "<ol><li>first</li>" in html


def test_script_through_every_field_and_the_attachment_name_is_never_markup(
    app, consultation, client, admin, admin_client
):
    sent = send(
        client,
        consultation,
        files=[(PDF, '<img src=x onerror=alert(9)>".pdf')],
        full_name="Amina " + "<b onmouseover=alert(5)>D</b>",
        organization='Org"><script>alert(6)</script>',
    )
    assert sent.status_code == 302, sent.text  # markup in a name is text, shown as text
    first = [
        k
        for k in re.findall(
            r'name="(answer_\d+)"', client.get(f"/c/{consultation.slug}/contribute").text
        )
    ][0]
    send(
        client,
        consultation,
        files=[(odt(), "<svg onload=alert(7)>.odt")],
        email="b@example.org",
        organization=XSS,
        **{first: XSS + "\n\n" + '<a href="javascript:alert(8)">click</a>'},
    )
    contributions = (
        db.session.execute(select(Contribution).order_by(Contribution.id)).scalars().all()
    )
    assert len(contributions) == 2
    names = [f.name for c in contributions for f in c.files]
    assert all("<" not in n and ">" not in n and '"' not in n for n in names), names
    for c in contributions:
        publish(c, "publish", admin)
    slug = consultation.slug
    pages = [
        client.get(f"/c/{slug}/contributions"),
        client.get(f"/c/{slug}/contributions.atom"),
        admin_client.get(f"/secretariat/consultations/{consultation.id}/contributions?state=all"),
    ]
    for c in contributions:
        pages.append(client.get(f"/c/{slug}/contributions/{c.reference}"))
        pages.append(
            admin_client.get(f"/secretariat/consultations/{consultation.id}/contributions/{c.id}")
        )
        pages.append(client.get(private_path(c.email)))
    for page in pages:
        assert page.status_code == 200
        body = page.text
        if page.mimetype == "application/atom+xml":  # (its content is HTML, escaped once)
            contents = re.findall(r'<content type="html">(.*?)</content>', body, re.S)
            body = re.sub(r'<content type="html">.*?</content>', "", body, flags=re.S)
            body += "".join(html.unescape(c) for c in contents)
        scripts = [t for t in active_markup(body, RUNS) if not t.startswith("<script src=")]
        assert scripts == [], (page.request.path, scripts)
    for c in contributions:
        for f in c.files:
            download = client.get(f"/c/{slug}/contributions/{c.reference}/files/{f.id}")
            disposition = download.headers["Content-Disposition"]
            assert disposition.startswith("attachment") and "<" not in disposition
            assert download.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "content, name, accepted_as",
    [
        (PDF, "report.pdf", "report.pdf"),
        (docx(), "proposal.docx", "proposal.docx"),
        (odt(), "notes.odt", "notes.odt"),
        (odt(), "disguised.pdf", "disguised.odt"),  # what it is, not what it says
        (b"MZ\x90\x00 an executable", "report.pdf", None),
        (b"<html><script>alert(1)</script>", "page.pdf", None),
        (b"PK\x03\x04 not really a zip", "proposal.docx", None),
        (b"", "empty.pdf", None),
    ],
)
def test_uploads_are_checked_by_content(app, consultation, client, content, name, accepted_as):
    sent = send(client, consultation, files=[(content, name)])
    if accepted_as is None:
        assert sent.status_code == 422
        assert "PDF, DOCX or ODT" in sent.text or "empty" in sent.text
        assert db.session.execute(select(Contribution)).first() is None  # nothing half-saved
        assert stored_files(app) == []
    else:
        assert sent.status_code == 302, sent.text
        assert [f.name for f in only_contribution().files] == [accepted_as]
        assert len(stored_files(app)) == 1
        assert not str(files_dir(app)).startswith(str(Path(app.static_folder)))


def test_too_large_and_too_many_files_are_refused(app, consultation, client):
    app.config["CONTRIBUTION_FILE_MAX_BYTES"] = 1024
    big = send(client, consultation, files=[(PDF + b"0" * 2048, "big.pdf")])
    assert big.status_code == 422 and "larger than" in big.text
    app.config["CONTRIBUTION_FILE_MAX_BYTES"] = 10 * 1024 * 1024
    many = send(client, consultation, files=[(PDF, f"{n}.pdf") for n in range(4)])
    assert many.status_code == 422 and "At most 3 attachments." in many.text
    assert stored_files(app) == []


def test_the_operators_virus_scanner_decides(app, consultation, client):
    app.config["SCAN_COMMAND"] = "sh -c 'cat >/dev/null; exit 1'"
    infected = send(client, consultation, files=[(PDF, "report.pdf")])
    assert infected.status_code == 422 and "refused by the virus scanner" in infected.text
    app.config["SCAN_COMMAND"] = "sh -c 'cat >/dev/null; exit 2'"
    broken = send(client, consultation, files=[(PDF, "report.pdf")])
    assert broken.status_code == 422 and "could not be checked" in broken.text
    app.config["SCAN_COMMAND"] = "sh -c 'cat >/dev/null'"
    assert send(client, consultation, files=[(PDF, "report.pdf")]).status_code == 302


def test_only_administrators_moderate(consultation, client, reviewer_client, admin, reviewer):
    send(client, consultation)
    contribution = only_contribution()
    verify(contribution)
    base = f"/secretariat/consultations/{consultation.id}"
    urls = [
        f"{base}/contributions",
        f"{base}/contributions/{contribution.id}",
        f"{base}/synthesis",
        f"{base}/synthesis.pdf?language=en",
        f"{base}/contribution-call",
    ]
    for url in urls:
        assert reviewer_client.get(url).status_code == 403
        assert client.get(url).status_code == 302  # to sign-in
    posted = reviewer_client.post(
        f"{base}/contributions/{contribution.id}/moderate",
        data={"decision": "publish", "version": contribution.version},
    )
    assert posted.status_code in (400, 403)
    from consult.errors import Forbidden

    with pytest.raises(Forbidden):
        moderate(contribution, "publish", "", version=contribution.version, by=reviewer)
    assert only_contribution().state == ContributionState.NEW


def test_consent_limits_the_decision_and_a_refusal_needs_a_reason(
    consultation, client, admin_client
):
    send(client, consultation, consent="anonymous")
    contribution = only_contribution()
    verify(contribution)
    url = f"/secretariat/consultations/{consultation.id}/contributions/{contribution.id}"
    page = admin_client.get(url)
    assert 'value="publish"' not in page.text and 'value="anonymous"' in page.text
    named = admin_client.post(
        f"{url}/moderate",
        data={
            "csrf_token": csrf_token(page.text),
            "version": form_version(page.text),
            "decision": "publish",
        },
    )
    assert named.status_code == 422
    no_reason = admin_client.post(
        f"{url}/moderate",
        data={
            "csrf_token": csrf_token(page.text),
            "version": form_version(page.text),
            "decision": "reject",
        },
    )
    assert no_reason.status_code == 422 and "Say why it is not published" in no_reason.text
    assert only_contribution().state == ContributionState.NEW


def test_fixing_the_formatting_keeps_the_contributors_text(consultation, client, admin_client):
    send(client, consultation)
    contribution = only_contribution()
    verify(contribution)
    url = f"/secretariat/consultations/{consultation.id}/contributions/{contribution.id}"
    page = admin_client.get(url)
    question = contribution.answers[0].question_id
    fixed = admin_client.post(
        f"{url}/formatting",
        data={
            "csrf_token": csrf_token(page.text),
            "version": form_version(page.text),
            "question": question,
            "body": "Community networks worked.",
        },
    )
    assert fixed.status_code == 302, fixed.text
    answer = only_contribution().answers[0]
    assert answer.body == "<p>Community networks worked.</p>"
    assert "blended finance" in answer.original
    assert "the contributor’s own text" in admin_client.get(url).text


def test_erasure_deletes_the_files_and_the_link_stops_working(app, consultation, client, admin):
    send(client, consultation, files=[(PDF, "a.pdf"), (docx(), "b.docx")])
    assert len(stored_files(app)) == 2
    contribution = only_contribution()
    path = private_path(contribution.email)
    page = client.get(path)
    erased = client.post(
        f"{path}/erase",
        data={"csrf_token": csrf_token(page.text), "version": form_version(page.text)},
    )
    assert erased.status_code == 302
    assert stored_files(app) == []
    contribution = only_contribution()
    assert contribution.erased_at is not None and contribution.full_name == "(erased)"
    assert contribution.answers == [] and contribution.files == []
    assert db.session.execute(select(ContributionFile)).first() is None
    assert client.get(path).status_code == 404
    from consult.notifications.models import OutboxMessage

    assert all(
        m.to_address == "erased@invalid"
        for m in db.session.execute(select(OutboxMessage)).scalars()
    )


def test_the_purge_erases_what_was_not_published_and_keeps_what_was(
    app, consultation, client, admin
):
    send(client, consultation, files=[(PDF, "kept.pdf")])
    send(client, consultation, email="other@example.org", files=[(PDF, "gone.pdf")])
    first, second = (
        db.session.execute(select(Contribution).order_by(Contribution.id)).scalars().all()
    )
    publish(first, "anonymous", admin)
    with transaction():
        consultation.ends_at = utcnow() - timedelta(days=400)
        consultation.starts_at = utcnow() - timedelta(days=401)
    assert purge(consultation) == 1
    db.session.expire_all()
    assert first.erased_at is None and second.erased_at is not None
    assert [p.name for p in stored_files(app)] == [first.files[0].stored_as]


def test_the_public_sees_only_what_is_published_and_never_an_address_or_gender(
    consultation, client, admin
):
    for n, consent in enumerate(["named", "named", "anonymous", "private"]):
        send(
            client,
            consultation,
            email=f"p{n}@example.org",
            full_name=f"Person Number{n}",
            organization=f"Organisation{n}",
            **{"consent": consent},
        )
    rows = db.session.execute(select(Contribution).order_by(Contribution.id)).scalars().all()
    publish(rows[0], "publish", admin)  # named
    publish(rows[2], "anonymous", admin)
    verify(rows[3])
    moderate(rows[3], "reject", "Off topic.", version=rows[3].version, by=admin)
    # rows[1] stays unverified
    listing = client.get(f"/c/{consultation.slug}/contributions")
    assert "Person Number0" in listing.text and "Organisation0" in listing.text
    for hidden in (
        "Number1",
        "Number2",
        "Organisation2",
        "Number3",
        "@example.org",
        "Woman",
        "female",
    ):
        assert hidden not in listing.text
    assert (
        client.get(f"/c/{consultation.slug}/contributions/{rows[1].reference}").status_code == 404
    )
    assert (
        client.get(f"/c/{consultation.slug}/contributions/{rows[3].reference}").status_code == 404
    )
    assert "2 contributions published." in listing.text
    erase(rows[0], by=admin)
    assert "Number0" not in client.get(f"/c/{consultation.slug}/contributions").text


def test_the_honeypot_and_the_same_text_twice(consultation, client):
    robot = send(client, consultation, website="http://spam.example")
    assert robot.status_code == 302
    assert db.session.execute(select(Contribution)).first() is None
    assert send(client, consultation).status_code == 302
    assert send(client, consultation).status_code == 302  # the same text, the same address
    assert len(db.session.execute(select(Contribution)).scalars().all()) == 1
    send(client, consultation, email="copy@example.org")
    copy = (
        db.session.execute(select(Contribution).order_by(Contribution.id.desc())).scalars().first()
    )
    assert copy.duplicate_of_id is not None


def test_edits_stop_when_the_call_closes(consultation, client):
    send(client, consultation)
    contribution = only_contribution()
    path = private_path(contribution.email)
    from consult.contributions.models import ContributionCall

    with transaction():
        call = db.session.get(ContributionCall, consultation.id)
        call.closes_at = utcnow() - timedelta(minutes=1)
    assert "The call for contributions is closed." in client.get(path).text
    assert client.get(f"{path}/edit").status_code == 302
    assert client.get(f"/c/{consultation.slug}/contribute").status_code == 410


def test_an_anonymous_contributions_attachments_do_not_carry_the_name(consultation, client, admin):
    send(client, consultation, files=[(PDF, "Amina Diallo - CV.pdf"), (odt(), "notes.odt")])
    contribution = only_contribution()
    publish(contribution, "anonymous", admin)
    page = client.get(f"/c/{consultation.slug}/contributions/{contribution.reference}")
    assert "Amina" not in page.text and "notes.odt" not in page.text
    assert f"{contribution.reference}-1.pdf" in page.text
    first = contribution.files[0]
    download = client.get(
        f"/c/{consultation.slug}/contributions/{contribution.reference}/files/{first.id}"
    )
    assert "Amina" not in download.headers["Content-Disposition"]
    assert f"{contribution.reference}-1.pdf" in download.headers["Content-Disposition"]
    archive = client.get(f"/c/{consultation.slug}/contributions.zip")
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(archive.data)) as z:
        assert not [n for n in z.namelist() if "Amina" in n]
        assert (
            f"{contribution.reference}-attachments/{contribution.reference}-2.odt" in z.namelist()
        )


@pytest.mark.skipif(not fonts_installed(), reason="Noto fonts missing")
def test_a_published_contributions_pdf_is_made_once_and_erased_with_it(
    app, consultation, client, admin, admin_client
):
    send(client, consultation, language="fr")
    contribution = only_contribution()
    verify(contribution)
    url = f"/secretariat/consultations/{consultation.id}/contributions/{contribution.id}"
    page = admin_client.get(url)
    admin_client.post(
        f"{url}/moderate",
        data={
            "csrf_token": csrf_token(page.text),
            "version": form_version(page.text),
            "decision": "publish",
        },
    )
    contribution = only_contribution()
    kept = list(files_dir(app).glob(f"pdf-{contribution.id}-*.pdf"))
    assert [p.name for p in kept] == [f"pdf-{contribution.id}-{contribution.version}.pdf"]
    archive = client.get(f"/c/{consultation.slug}/contributions.zip")
    import io
    import zipfile

    from pypdf import PdfReader

    with zipfile.ZipFile(io.BytesIO(archive.data)) as z:
        document = z.read(f"{contribution.reference}.pdf")
        assert document == kept[0].read_bytes()  # read, not made again
        rows = z.read("contributions.csv").decode("utf-8-sig")
    text = PdfReader(io.BytesIO(document)).pages[0].extract_text()
    assert "Amina Diallo" in text and "blended finance" in text
    assert contribution.reference in rows and "Amina Diallo" in rows
    erase(contribution, by=admin)
    assert list(files_dir(app).glob("pdf-*.pdf")) == []


def test_the_public_sees_gender_only_as_counts_and_only_from_five(consultation, client, admin):
    for n in range(5):
        send(client, consultation, email=f"g{n}@example.org")
        contribution = (
            db.session.execute(select(Contribution).order_by(Contribution.id.desc()))
            .scalars()
            .first()
        )
        publish(contribution, "anonymous", admin)
        listing = client.get(f"/c/{consultation.slug}/contributions").text
        if n < 4:
            assert "By gender" not in listing
    assert "By gender" in listing and "Woman: 5" in listing


def test_attachments_larger_than_an_ordinary_form_get_through(app, consultation, client):
    """The app refuses bodies over 1 MB everywhere but on the two forms with attachments
    (the CSRF check must not read the body under the ordinary limit first)."""
    big = PDF + b"%" + b"0" * (3 * 1024 * 1024)
    assert send(client, consultation, files=[(big, "report.pdf")]).status_code == 302
    assert only_contribution().files[0].size == len(big)
    too_big = b"0" * (40 * 1024 * 1024)
    assert send(client, consultation, files=[(too_big, "huge.pdf")]).status_code == 413
    # Elsewhere the ordinary limit holds.
    page = client.get(f"/c/{consultation.slug}/apply")
    refused = client.post(
        f"/c/{consultation.slug}/apply",
        data={"csrf_token": csrf_token(page.text), "abstract": "x" * (2 * 1024 * 1024)},
    )
    assert refused.status_code == 413


def test_the_forms_with_attachments_still_check_their_csrf_token(consultation, client):
    sent = send(client, consultation, csrf_token="forged")
    assert sent.status_code == 422
    assert db.session.execute(select(Contribution)).first() is None
    send(client, consultation)
    path = private_path("amina@example.org")
    edit = client.post(
        f"{path}/edit",
        data={"version": "1", "full_name": "Someone Else", "consent": "named"},
        content_type="multipart/form-data",
    )
    assert edit.status_code == 422
    assert only_contribution().full_name == "Amina Diallo"
