"""The briefing 简报 as a Word document (python-docx): talking points, figures, charts, problems.

Chinese text needs an East Asian font name on every run (Word reads `w:eastAsia`, not the
font's name): the document's styles name the CJK family found on the machine, falling back to
Microsoft YaHei, which every Chinese Word has.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from epigrid.briefing import tables
from epigrid.briefing.content import Briefing
from epigrid.briefing.fonts import NoCJKFontError, cjk_font

EAST_ASIAN_FALLBACK = "Microsoft YaHei"


def _east_asian() -> str:
    try:
        return cjk_font().family
    except NoCJKFontError:
        return EAST_ASIAN_FALLBACK


def _styles(document: object) -> None:
    family = _east_asian()
    for style in document.styles:  # type: ignore[attr-defined]
        element = getattr(style, "element", None)
        if element is None or not hasattr(style, "font"):
            continue
        fonts = element.get_or_add_rPr().get_or_add_rFonts()
        fonts.set(qn("w:eastAsia"), family)
    document.styles["Normal"].font.size = Pt(10.5)  # type: ignore[attr-defined]


def _table(document: object, table: tables.Table) -> None:
    found = document.add_table(rows=1, cols=len(table.header))  # type: ignore[attr-defined]
    found.style = "Table Grid"
    for cell, text in zip(found.rows[0].cells, table.header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in table.rows:
        cells = found.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text


def render(briefing: Briefing) -> bytes:
    document = Document()
    _styles(document)
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.left_margin = section.right_margin = Cm(2)
    meeting = briefing.meeting
    document.add_heading(briefing.title, level=0)
    document.add_paragraph(tables.prepared_line(briefing))
    if not meeting.figures.stored:
        document.add_paragraph(_("The figures of this day have not been counted yet."))

    document.add_heading(_("Talking points"), level=1)
    for point in meeting.points or [_("Nothing notable in the figures.")]:
        document.add_paragraph(point, style="List Bullet")
    document.add_paragraph(tables.unreported_line(briefing))

    document.add_heading(_("Figures"), level=1)
    _table(document, tables.figures(briefing))

    document.add_heading(_("Charts"), level=1)
    for chart in briefing.charts:
        document.add_picture(io.BytesIO(chart.png), width=Cm(16.5))

    document.add_heading(_("Problems"), level=1)
    document.add_paragraph(tables.closure_line(briefing))
    _table(document, tables.ages(briefing))
    listed = tables.problems(briefing)
    if listed.rows:
        document.add_paragraph(_("The oldest open problems:"))
        _table(document, listed)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
