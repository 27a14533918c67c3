"""The streaming XLSX writer: what it writes reads back the same in openpyxl."""

from __future__ import annotations

import io

from django.test import SimpleTestCase
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string

from epigrid.briefing.xlsx_stream import Sheet, column, write


def read_back(*sheets: Sheet) -> dict[str, list[tuple[object, ...]]]:
    buffer = io.BytesIO()
    write(buffer, sheets)
    book = load_workbook(io.BytesIO(buffer.getvalue()), read_only=True)
    return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}


class XlsxStreamTests(SimpleTestCase):
    def test_it_writes_text_numbers_and_gaps_that_read_back_the_same(self) -> None:
        rows = [["code", "name", "n"], ["A-1", "Wang & <Li> \"东城\"", 12], ["B", None, 0]]
        found = read_back(Sheet("Figures", rows, header_rows=1, frozen=(1, 1)))
        self.assertEqual(found["Figures"], [("code", "name", "n"),
                                            ("A-1", "Wang & <Li> \"东城\"", 12),
                                            ("B", None, 0)])

    def test_it_drops_characters_xml_cannot_hold_and_cleans_sheet_names(self) -> None:
        found = read_back(Sheet("a/b:c?" + "x" * 40, [["bell\x07 tab\tok"]]),
                          Sheet("A/B:C?" + "x" * 40, [[1]]))
        names = list(found)
        self.assertEqual(len(names), 2)
        self.assertTrue(all(len(name) <= 31 and "/" not in name for name in names))
        self.assertEqual(found[names[0]], [("bell tab\tok",)])

    @given(st.integers(min_value=0, max_value=16_383))
    def test_it_names_every_column_as_excel_does(self, index: int) -> None:
        self.assertEqual(column_index_from_string(column(index)), index + 1)
