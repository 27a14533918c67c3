"""The briefing 简报 as a PDF (fpdf2), typeset in the CJK font found on the machine (fonts.py).

fpdf2 embeds the font as a subset of the glyphs used (an OpenType collection's face chosen by
its index), with a ToUnicode map, so the Chinese text is both printed and searchable. Without a
CJK font the PDF cannot be made: NoCJKFontError says what to install.
"""

from __future__ import annotations

import io

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

from epigrid.briefing import tables
from epigrid.briefing.content import Briefing
from epigrid.briefing.fonts import CJKFont, cjk_font

FAMILY = "cjk"
HEADER_FILL = (230, 236, 244)
HEADING_COLOUR = (150, 20, 20)


class BriefingPDF(FPDF):
    def __init__(self, font: CJKFont, footer_text: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.footer_text = footer_text
        # One face: reading and subsetting a CJK font is most of a PDF's time, so headings
        # stand out by size and colour rather than by a second (bold) face.
        self.add_font(FAMILY, "", str(font.path), collection_font_number=font.index)
        self.set_auto_page_break(auto=True, margin=15)
        self.set_margins(15, 15, 15)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, size=8)
        self.cell(0, 6, f"{self.footer_text} · {self.page_no()}", align="C")


def _heading(pdf: FPDF, text: str, size: int = 14) -> None:
    pdf.ln(3)
    pdf.set_font(FAMILY, "", size)
    pdf.set_text_color(*HEADING_COLOUR)
    pdf.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.ln(1)
    pdf.set_font(FAMILY, "", 10)


def _paragraph(pdf: FPDF, text: str, bullet: bool = False) -> None:
    pdf.set_font(FAMILY, "", 10)
    pdf.multi_cell(0, 5.5, f"• {text}" if bullet else text, new_x="LMARGIN", new_y="NEXT")


def _table(pdf: FPDF, table: tables.Table, size: float = 9) -> None:
    pdf.set_font(FAMILY, "", size)
    heading = FontFace(family=FAMILY, fill_color=HEADER_FILL)
    with pdf.table(col_widths=table.widths, headings_style=heading, line_height=size * 0.55,
                   text_align="LEFT", padding=0.8) as found:
        for values in (table.header, *table.rows):
            row = found.row()
            for value in values:
                row.cell(value)
    pdf.ln(2)


def render(briefing: Briefing) -> bytes:
    pdf = BriefingPDF(cjk_font(), briefing.title)
    pdf.set_title(briefing.title)
    pdf.set_lang("zh-CN" if (get_language() or "").startswith("zh") else "en")
    pdf.set_creator("epigrid")
    pdf.add_page()
    meeting = briefing.meeting
    _heading(pdf, briefing.title, 18)
    _paragraph(pdf, tables.prepared_line(briefing))
    if not meeting.figures.stored:
        _paragraph(pdf, _("The figures of this day have not been counted yet."))

    _heading(pdf, _("Talking points"))
    for point in meeting.points or [_("Nothing notable in the figures.")]:
        _paragraph(pdf, point, bullet=True)
    _paragraph(pdf, tables.unreported_line(briefing))

    _heading(pdf, _("Charts"))
    for chart in briefing.charts:
        pdf.image(io.BytesIO(chart.png), w=pdf.epw)
        pdf.ln(2)

    _heading(pdf, _("Figures"))
    _table(pdf, tables.figures(briefing))

    _heading(pdf, _("Problems"))
    _paragraph(pdf, tables.closure_line(briefing))
    _table(pdf, tables.ages(briefing))
    listed = tables.problems(briefing)
    if listed.rows:
        _paragraph(pdf, _("The oldest open problems:"))
        _table(pdf, listed, size=8)
    return bytes(pdf.output())
