"""Badges: a PDF for everyone confirmed, a selection or one person, on A6
(one a page) or four to an A4 sheet (A6 badge stock, cut in four). Each badge: the
name large (shrunk to fit, in the script's own font and direction), organization,
role, a colour band per stakeholder category with the category's name written in it
(not colour alone), the QR code of the participant's code and the code in text."""

from __future__ import annotations

from dataclasses import dataclass

from consult.applications.models import Application
from consult.attendance.codes import codes_for, qr_matrix, shown
from consult.consultations.content import localized, organization_of
from consult.consultations.models import Consultation
from consult.pdfs import new_document, write

LAYOUTS = ("a4x4", "a6")
BADGE_W, BADGE_H = 105.0, 148.5  # mm: A6, and a quarter of A4
# Band colours (white text on each passes 4.5:1), by the category's place in the list.
BANDS = [
    (0, 84, 147),  # UN blue, dark
    (153, 27, 30),  # red
    (0, 102, 51),  # green
    (102, 45, 145),  # purple
    (153, 76, 0),  # brown
    (0, 98, 105),  # teal
    (51, 51, 51),  # grey
    (140, 20, 100),  # magenta
]


@dataclass(frozen=True)
class Badge:
    name: str
    organization: str
    role: str
    category: str
    band: tuple[int, int, int]
    code: str


def badges_of(consultation: Consultation, applications: list[Application]) -> list[Badge]:
    """What each badge says (codes made for those who have none yet)."""
    places = {c.id: n for n, c in enumerate(consultation.categories)}
    codes = codes_for(applications)
    return [
        Badge(
            name=a.full_name,
            organization=str(organization_of(a) or ""),
            role=str(a.role.label),
            category=str(localized(a.category, "name")),
            band=BANDS[places.get(a.category_id, 0) % len(BANDS)],
            code=codes[a.id],
        )
        for a in applications
        if a.id in codes
    ]


def _fit(pdf, text: str, *, width: float, largest: float, smallest: float, bold: bool) -> float:
    """The largest size from `largest` down at which `text` fits `width`."""
    size = largest
    while size > smallest:
        write(pdf, text, size=size, bold=bold)
        if pdf.get_string_width(text) <= width:
            break
        size -= 1
    return size


def _badge(pdf, badge: Badge, title: str, x: float, y: float) -> None:
    inner = BADGE_W - 16
    pdf.set_draw_color(200, 200, 200)
    pdf.rect(x, y, BADGE_W, BADGE_H)  # (the cutting line on a sheet of four)
    pdf.set_text_color(80, 80, 80)
    write(pdf, title, size=8)
    pdf.set_xy(x + 8, y + 6)
    pdf.multi_cell(inner, 4, title, align="C", new_x="LEFT", new_y="NEXT", max_line_height=4)
    # The name: large, shrunk to fit one line, down to 14 pt, then two lines.
    pdf.set_text_color(0, 0, 0)
    size = _fit(pdf, badge.name, width=inner, largest=28, smallest=14, bold=True)
    pdf.set_xy(x + 8, y + 26)
    pdf.multi_cell(inner, size * 0.45, badge.name, align="C", new_x="LEFT", new_y="NEXT")
    if badge.organization:
        size = _fit(pdf, badge.organization, width=inner, largest=13, smallest=9, bold=False)
        pdf.set_xy(x + 8, pdf.get_y() + 3)
        pdf.multi_cell(
            inner, size * 0.45, badge.organization, align="C", new_x="LEFT", new_y="NEXT"
        )
    write(pdf, badge.role, size=11, bold=True)
    pdf.set_xy(x + 8, pdf.get_y() + 2)
    pdf.multi_cell(inner, 5, badge.role, align="C", new_x="LEFT", new_y="NEXT")
    # The QR code, drawn as squares (sharp at any size, no image).
    matrix = qr_matrix(badge.code)
    side = 34.0
    module = side / len(matrix)
    left, top = x + (BADGE_W - side) / 2, y + BADGE_H - 22 - side - 8
    pdf.set_fill_color(0, 0, 0)
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                pdf.rect(left + c * module, top + r * module, module, module, style="F")
    write(pdf, shown(badge.code), size=9)
    pdf.set_xy(x, top + side + 2)
    pdf.cell(BADGE_W, 4, shown(badge.code), align="C")
    # The band: the category's colour and its name in white.
    pdf.set_fill_color(*badge.band)
    pdf.rect(x, y + BADGE_H - 22, BADGE_W, 22, style="F")
    pdf.set_text_color(255, 255, 255)
    size = _fit(pdf, badge.category, width=inner, largest=14, smallest=8, bold=True)
    pdf.set_xy(x + 8, y + BADGE_H - 22 + (22 - size * 0.45) / 2)
    pdf.cell(inner, size * 0.45, badge.category, align="C")


def badges_pdf(consultation: Consultation, badges: list[Badge], layout: str = "a4x4") -> bytes:
    """The badges as one PDF."""
    pdf = new_document(format=(BADGE_W, 148.0) if layout == "a6" else "A4")
    pdf.set_margins(0, 0, 0)
    pdf.set_title(str(localized(consultation, "title")))
    title = str(localized(consultation, "title"))
    for n, badge in enumerate(badges):
        if layout == "a6":
            pdf.add_page()
            _badge(pdf, badge, title, 0, 0)
            continue
        if n % 4 == 0:
            pdf.add_page()
        slot = n % 4
        _badge(pdf, badge, title, (slot % 2) * BADGE_W, (slot // 2) * BADGE_H)
    if not badges:
        pdf.add_page()
    return bytes(pdf.output())
