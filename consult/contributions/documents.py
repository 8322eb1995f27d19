"""PDFs of written contributions: one contribution (the rapporteur's ZIP) and the
synthesis for the meeting -- fpdf2 with HarfBuzz and the Noto fonts (consult.pdfs), so
a quote in Arabic runs right to left and one in Chinese has its glyphs."""

from __future__ import annotations

from consult.contributions.models import Contribution
from consult.contributions.sanitize import to_text
from consult.pdfs import families_for, new_document, write

MARGIN = 20


def _document(title: str, texts: list[str], languages=()):
    """An A4 document with the fonts its texts need (consult.pdfs.new_document)."""
    pdf = new_document(texts=texts, languages=languages, format="A4")
    pdf.set_auto_page_break(True, margin=MARGIN)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_title(title)
    pdf.add_page()
    return pdf


def _paragraphs(pdf, text: str, *, size: float = 10.5, language: str = "en", bold=False):
    for paragraph in text.split("\n"):
        paragraph = paragraph.strip()
        if not paragraph:
            pdf.ln(2)
            continue
        direction = write(pdf, paragraph, size=size, bold=bold, language=language)
        if direction == "ltr" and "NotoNaskh" not in families_for([paragraph]):
            # Shaping is for joined scripts; without it a long Latin, Cyrillic or
            # Chinese paragraph is laid out several times faster.
            pdf.set_text_shaping(False)
        pdf.multi_cell(
            0,
            size * 0.5,
            paragraph,
            align="R" if direction == "rtl" else "L",
            new_x="LMARGIN",
            new_y="NEXT",
        )


def contribution_pdf(
    contribution: Contribution, heading: str, by: str, questions: dict[int, str]
) -> bytes:
    """One published contribution: its reference, who wrote it (as far as its
    publication allows), each question and its answer."""
    bodies = [to_text(a.body) for a in contribution.answers if a.body]
    texts = [heading, by, *questions.values(), *bodies]
    pdf = _document(contribution.reference, texts, [contribution.language])
    _paragraphs(pdf, heading, size=10)
    _paragraphs(pdf, f"{contribution.reference} — {by}", size=14, bold=True)
    pdf.ln(4)
    for answer in contribution.answers:
        if not answer.body:
            continue
        _paragraphs(pdf, questions.get(answer.question_id, ""), size=11, bold=True)
        pdf.ln(1)
        _paragraphs(pdf, to_text(answer.body), language=contribution.language)
        pdf.ln(4)
    return bytes(pdf.output())


def synthesis_pdf(
    title: str,
    subtitle: str,
    groups: list[tuple[str, list[tuple[str, str]]]],
    language: str,
) -> bytes:
    """The synthesis: per theme, the quoted passages with their attribution."""
    texts = [title, subtitle] + [t for theme, quotes in groups for t in (theme, *sum(quotes, ()))]
    pdf = _document(title, texts, [language])
    _paragraphs(pdf, title, size=16, bold=True, language=language)
    _paragraphs(pdf, subtitle, size=10, language=language)
    pdf.ln(6)
    for theme, quotes in groups:
        _paragraphs(pdf, theme, size=13, bold=True, language=language)
        pdf.ln(2)
        for quote, attribution in quotes:
            _paragraphs(pdf, f"“{quote}”", size=10.5)
            _paragraphs(pdf, f"— {attribution}", size=9.5, language=language)
            pdf.ln(3)
        pdf.ln(3)
    return bytes(pdf.output())
