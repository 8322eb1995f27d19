"""CSV export of the filtered queue: Excel-safe, admins only."""

from __future__ import annotations

import csv
import io

import pytest

from consult.database import utc_to_local
from consult.enums import Role
from consult.spreadsheets import excel_safe, excel_safe_sql
from tests.factories import make_consultation, under_review


def sql_cell(value) -> str:
    """A text as the queue export writes it: made Excel-safe by the database, then CSV."""
    import sqlalchemy as sa

    from consult.extensions import db

    made = db.session.execute(sa.select(excel_safe_sql(sa.literal(value, sa.String)))).scalar()
    return _through_csv(made)


def python_cell(value) -> str:
    """A text as the programme export writes it: made Excel-safe in Python, then CSV."""
    return _through_csv(excel_safe(value))


def _through_csv(cell) -> str:
    out = io.StringIO()
    csv.writer(out).writerow([cell])
    return next(csv.reader(io.StringIO(out.getvalue())))[0]


@pytest.mark.parametrize("excel_cell", [sql_cell, python_cell])
def test_excel_safe_neutralises_formulas(ctx, excel_cell):
    """The one rule, in both its renderings, on the same cases."""
    assert excel_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    for start in ("+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert excel_cell(start).startswith("'")
    assert excel_cell("Plain") == "Plain"
    assert excel_cell(None) == ""


def test_export_is_utf8_with_bom_and_follows_the_filters(admin_client, ctx):
    consultation = make_consultation(slug="geneva")
    under_review(consultation, full_name="=cmd|' /C calc'!A0", organization_name="Société")
    under_review(consultation, Role.KEYNOTE, full_name="Keynote Person")
    response = admin_client.get(
        f"/secretariat/applications/export.csv?consultation={consultation.id}&role=panelist"
    )
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # one charset
    assert 'filename="geneva-applications.csv"' in response.headers["Content-Disposition"]
    raw = response.data
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Reference", "State", "Role"]
    assert len(rows) == 2  # header + the panelist only
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Name"] == "'=cmd|' /C calc'!A0"
    assert row["Organization"] == "Société"
    assert row["State"] == "Under review"


def test_export_streams_many_rows(admin_client, ctx):
    consultation = make_consultation(slug="big")
    for _ in range(30):
        under_review(consultation, abstract="x" * 2500)
    response = admin_client.get(
        f"/secretariat/applications/export.csv?consultation={consultation.id}"
    )
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert len(rows) == 31


def test_export_cells_made_by_the_database(admin_client, ctx, admin):
    """Score, listed organization, dates and the yes/no cells are written as before the
    database made them (and the same on both databases)."""
    import sqlalchemy as sa

    from consult.consultations.models import Organization
    from consult.extensions import db
    from consult.review.services import save_review
    from tests.factories import category

    consultation = make_consultation(slug="cells")
    itu = db.session.execute(
        sa.select(Organization).where(Organization.acronym == "ITU")
    ).scalar_one()
    listed, _ = under_review(
        consultation,
        organization_id=itu.id,
        category_id=category("international_organization").id,
        list_publicly=True,
        gender="-female",
    )
    save_review(listed, admin, 4, "")
    under_review(consultation, Role.ATTENDEE, organization_name="@Home")
    response = admin_client.get(
        f"/secretariat/applications/export.csv?consultation={consultation.id}&sort=oldest"
    )
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    first, second = rows
    assert first["Organization"] == "International Telecommunication Union (ITU)"
    assert (first["Reviews"], first["Average score"]) == ("1", "4.00")
    assert first["Listed publicly"] == "Yes"
    assert first["Gender"] == "'-female"  # (not a code the form gives: made safe)
    local = utc_to_local(listed.created_at, consultation.timezone)
    assert first["Submitted (local time)"] == local.strftime("%Y-%m-%d %H:%M")
    assert (second["Reviews"], second["Average score"], second["Listed publicly"]) == (
        "0",
        "",
        "No",
    )
    assert second["Organization"] == "'@Home"


def test_export_speaks_the_readers_language_with_labels_local_time_and_session(
    admin_client, ctx, admin
):
    """Issue 19.16: labels (not codes) in the export's language, the consultation's
    local time, the UN regional group, the applicant's language and the session; the
    programme's CSV has the same."""
    from consult.database import utc_to_local
    from consult.programme.services import place_speaker
    from tests.programme.test_programme import make_session, speaker

    consultation = make_consultation(slug="labels")
    person = speaker(consultation, admin, confirm=True, country="SN", gender="female")
    panel = make_session(consultation, admin, title="Panel 1")
    place_speaker(person, panel, by=admin, expected_version=person.version)
    url = f"/secretariat/applications/export.csv?consultation={consultation.id}&lang=fr"
    rows = list(csv.DictReader(io.StringIO(admin_client.get(url).data.decode("utf-8-sig"))))
    [row] = rows
    assert row["État"] == "Confirmée"
    assert row["Rôle"] == "Panéliste"
    assert row["Pays"] == "Sénégal" and row["Code pays"] == "SN"
    assert row["Groupe régional de l'ONU"] == "États d'Afrique"
    assert row["Genre"] == "Femme" and row["Langue"] == "anglais"
    assert row["Session"] == "Panel 1"
    local = utc_to_local(person.created_at, consultation.timezone).strftime("%Y-%m-%d %H:%M")
    assert row["Envoyée (heure locale)"] == local

    programme = admin_client.get(f"/secretariat/consultations/{consultation.id}/programme.csv")
    [line] = [
        r for r in csv.DictReader(io.StringIO(programme.data.decode("utf-8-sig"))) if r["Référence"]
    ]
    assert (line["Session"], line["Rôle"], line["Pays"]) == ("Panel 1", "Panéliste", "Sénégal")
    assert line["Groupe régional de l'ONU"] == "États d'Afrique"
    assert line["État"] == "Confirmée" and line["Langue"] == "anglais"


@pytest.mark.parametrize(
    ("zone", "utc", "local"),
    [
        ("Europe/Zurich", "2027-01-29 09:17", "2027-01-29 10:17"),  # CET
        ("Europe/Zurich", "2027-07-01 23:59", "2027-07-02 01:59"),  # CEST, next day
        ("Europe/Zurich", "2027-03-28 00:30", "2027-03-28 01:30"),  # before the change
        ("Europe/Zurich", "2027-03-28 01:30", "2027-03-28 03:30"),  # after it
        ("Asia/Kolkata", "2027-01-29 09:17", "2027-01-29 14:47"),  # +05:30
        ("America/St_Johns", "2027-01-29 02:10", "2027-01-28 22:40"),  # -03:30
    ],
)
def test_the_exports_local_time_is_right_across_zones_and_changes(ctx, zone, utc, local):
    from consult.applications.labels import ExportLabels
    from consult.consultations.models import Consultation

    labels = ExportLabels(Consultation(timezone=zone, categories=[]))
    assert labels.local_minute(utc) == local
    assert labels.local_minute(utc) == local  # (the second time from what it kept)
