"""CSV export of the filtered queue: Excel-safe, admins only."""

from __future__ import annotations

import csv
import io

from consult.enums import Role
from consult.review.export import excel_safe
from tests.factories import make_consultation, under_review


def test_excel_safe_neutralises_formulas():
    assert excel_safe('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    for start in ("+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert excel_safe(start).startswith("'")
    assert excel_safe("Plain") == "Plain"
    assert excel_safe(None) == ""


def test_export_is_utf8_with_bom_and_follows_the_filters(admin_client, ctx):
    consultation = make_consultation(slug="geneva")
    under_review(consultation, full_name="=cmd|' /C calc'!A0", organization_name="Société")
    under_review(consultation, Role.KEYNOTE, full_name="Keynote Person")
    response = admin_client.get(
        f"/secretariat/applications/export.csv?consultation={consultation.id}&role=panelist"
    )
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert 'filename="geneva-applications.csv"' in response.headers["Content-Disposition"]
    raw = response.data
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Reference", "State", "Role"]
    assert len(rows) == 2  # header + the panelist only
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Name"] == "'=cmd|' /C calc'!A0"
    assert row["Organization"] == "Société"
    assert row["State"] == "under_review"


def test_export_streams_many_rows(admin_client, ctx):
    consultation = make_consultation(slug="big")
    for _ in range(30):
        under_review(consultation, abstract="x" * 2500)
    response = admin_client.get(
        f"/secretariat/applications/export.csv?consultation={consultation.id}"
    )
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert len(rows) == 31
