"""The briefing 简报 files: a PDF typeset in the embedded CJK font with its charts, a DOCX with
the figures table and the charts, an XLSX with every metric of every area."""

from __future__ import annotations

import io
import re
from typing import ClassVar

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from django.utils import translation
from docx import Document
from openpyxl import load_workbook

from epigrid.areas.models import Area
from epigrid.briefing import content, documents
from epigrid.briefing.fonts import cjk_font
from epigrid.reporting.metrics import all_metrics
from tests.base import BaseTestCase
from tests.briefing.helpers import outbreak_in_town_a, problems_of_ages, today


class BriefingFileTests(BaseTestCase):
    files: ClassVar[dict[str, bytes]]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        outbreak_in_town_a(cls.world)
        problems_of_ages(cls.world)
        with translation.override("zh-hans"):
            briefing = content.build(cls.world.district, today())
            cls.files = {key: documents.render(briefing, key) for key in documents.FORMATS}

    def test_it_finds_a_cjk_font_on_the_machine(self) -> None:
        font = cjk_font()
        self.assertTrue(font.path.is_file())
        self.assertIn("CJK", font.family)  # fonts-noto-cjk on the project's machines

    def test_it_embeds_the_cjk_font_in_the_pdf(self) -> None:
        pdf = self.files["pdf"]
        self.assertTrue(pdf.startswith(b"%PDF-"))
        # A subset (six capitals and a plus) of the CJK face, with its font file inside.
        self.assertRegex(pdf, rb"/BaseFont /[A-Z]{6}\+" + re.escape(
            cjk_font().family.replace(" ", "").encode()[:10]))
        self.assertTrue(re.search(rb"/FontFile[23]? ", pdf) or b"/FontFile" in pdf)
        self.assertNotIn(b"/Helvetica", pdf)  # no core font standing in for Chinese

    def test_it_prints_chinese_text_that_can_be_found_again(self) -> None:
        document = pdfium.PdfDocument(self.files["pdf"])
        text = "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
        self.assertIn("发言提纲", text)
        self.assertIn("Qingshan District疫情防控简报", text)
        self.assertIn("新增确诊病例 3，比昨日多 2，集中在Dongcheng Town（100%）。", text)

    def test_it_draws_the_first_page_and_the_three_charts(self) -> None:
        document = pdfium.PdfDocument(self.files["pdf"])
        image = document[0].render(scale=0.5).to_pil().convert("L")
        inked = sum(image.histogram()[:200])  # pixels darker than light grey
        self.assertGreater(inked / (image.width * image.height), 0.02)  # not a blank page
        charts = sum(len(list(document[i].get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE])))
                     for i in range(len(document)))
        self.assertEqual(charts, 3)

    def test_it_puts_the_figures_table_and_the_charts_in_the_docx(self) -> None:
        document = Document(io.BytesIO(self.files["docx"]))
        self.assertEqual(len(document.inline_shapes), 3)
        figures = document.tables[0]
        rows = {row.cells[1].text: [cell.text for cell in row.cells] for row in figures.rows}
        self.assertEqual(rows["新增确诊病例"][2:], ["3", "+2"])
        self.assertEqual(rows["指标"][2], "Qingshan District")
        self.assertEqual(len(figures.rows), len(all_metrics()) + 1)
        text = "\n".join(p.text for p in document.paragraphs)
        self.assertIn("发言提纲", text)
        problems = document.tables[-1]
        self.assertEqual(problems.rows[1].cells[0].text, "Masks run out at the gate")

    def test_it_puts_every_metric_of_every_area_in_the_xlsx(self) -> None:
        book = load_workbook(io.BytesIO(self.files["xlsx"]), read_only=True)
        self.assertEqual(book.sheetnames, ["数据", "指标说明", "问题清单"])
        rows = list(book["数据"].iter_rows(values_only=True))
        codes = [m.code for m in all_metrics()]
        self.assertEqual(list(rows[1][4:]), codes)
        self.assertEqual(rows[0][4], "登记户数")  # households_registered, in Chinese
        district = self.world.district
        subtree = list(Area.objects.within(district.path).order_by("path")
                       .values_list("code", flat=True))
        self.assertEqual([row[0] for row in rows[2:]], subtree)
        town_a = next(row for row in rows if row[0] == self.world.town_a.code)
        self.assertEqual(town_a[1:4], ("Dongcheng Town", "乡镇/街道", district.code))
        self.assertEqual(town_a[4 + codes.index("new_confirmed")], 3)
        self.assertEqual(town_a[4 + codes.index("new_close_contact")], 5)
        metrics = list(book["指标说明"].iter_rows(values_only=True))
        self.assertEqual([row[0] for row in metrics[1:]], codes)
