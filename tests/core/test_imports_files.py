"""Whole-file problems: each gets its own message, and nothing is written."""

from __future__ import annotations

import codecs
import io

from epigrid.areas.models import Area
from epigrid.core.imports.readers import cell_text, detect_encoding, open_table
from epigrid.core.imports.registry import get_importer
from tests.base import BaseTestCase
from tests.core.test_imports_support import (
    AREA_HEADER,
    csv_bytes,
    errors_of,
    import_bytes,
    xlsx_bytes,
)

ROW = ["420102001003", "Village A3", "village", "420102001000"]


class ImportFileTests(BaseTestCase):
    def file_error(self, content: bytes, name: str = "data.csv", sheet: str = "") -> str:
        before = Area.objects.count()
        run = import_bytes("areas", content, self.world.alice, name=name, sheet=sheet)
        assert run.status == "failed"
        assert (run.rows_created, run.rows_updated) == (0, 0)
        assert Area.objects.count() == before
        return run.file_error

    def test_it_refuses_an_empty_file(self) -> None:
        assert self.file_error(b"") == "The file is empty."
        assert self.file_error(b"\xef\xbb\xbf \r\n") == "The file is empty."
        assert self.file_error(csv_bytes([[], [""]])) == "The file is empty."

    def test_it_refuses_a_header_without_rows(self) -> None:
        assert self.file_error(csv_bytes([AREA_HEADER])) == (
            "The file has a header row but no data rows.")

    def test_it_names_the_missing_columns_and_the_present_ones(self) -> None:
        message = self.file_error(csv_bytes([["code", "title", "parent_code"], ROW]))
        assert message == ("The header row lacks the required columns name, level. It has: "
                           "code, title, parent_code.")

    def test_it_refuses_two_columns_for_one_field(self) -> None:
        message = self.file_error(csv_bytes([["code", "编码", "name", "level"], ROW]))
        assert message == "The columns “code” and “编码” both give code; keep one."

    def test_it_refuses_files_that_are_not_csv_or_xlsx(self) -> None:
        assert self.file_error(b"%PDF-1.4 ...", name="areas.pdf") == (
            "Only CSV and XLSX files can be imported.")
        assert self.file_error(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
                               name="areas.xls") == (
            "This is an old Excel .xls file; save it as .xlsx or CSV and import it again.")
        assert self.file_error(b"code,name\x00\x00\x01", name="areas.csv") == (
            "The file is not CSV text; save it as CSV or XLSX.")
        not_a_workbook = ("The file is not a readable XLSX workbook; open it in a spreadsheet "
                          "program and save it as .xlsx.")
        assert self.file_error(b"code,name,level\n", name="areas.xlsx") == not_a_workbook
        assert self.file_error(b"PK\x03\x04 broken zip", name="areas.xlsx") == not_a_workbook

    def test_it_refuses_a_file_that_breaks_half_way_and_keeps_nothing(self) -> None:
        rows = [AREA_HEADER] + [[f"4201020010{i:02d}", f"V{i}", "village", "420102001000"]
                                for i in range(10, 99)]
        good = csv_bytes(rows)
        # A NUL byte after the part that is sniffed, in the last row.
        broken = good + b"x" * 9000 + b"\x00,y\r\n"
        message = self.file_error(broken)
        assert message == "The CSV file is malformed at row 91 (a NUL byte)."
        assert not Area.objects.filter(code="420102001010").exists()
        unclosed = csv_bytes([AREA_HEADER, ROW]) + b'420102001004,"Village A4,village\r\n'
        assert self.file_error(unclosed).startswith("The CSV file is malformed at row 3 (")

    def test_it_names_the_row_of_a_nul_byte_in_utf_16_too(self) -> None:
        text = "\r\n".join(",".join(row) for row in (AREA_HEADER, ROW, ["4201\x00", "V", "village",
                                                                      "420102001000"]))
        assert self.file_error(text.encode("utf-16")) == (
            "The CSV file is malformed at row 3 (a NUL byte).")

    def test_it_refuses_text_that_is_neither_utf8_nor_gbk(self) -> None:
        content = csv_bytes([AREA_HEADER, ROW]) + b"\x80\x80,\xff\r\n"
        assert self.file_error(content) == (
            "Line 3 is neither UTF-8 nor GBK text; save the file as “CSV UTF-8” and import it "
            "again.")

    def test_it_names_the_sheets_when_the_sheet_is_wrong(self) -> None:
        content = xlsx_bytes({"说明": [["read me"]], "区划": [AREA_HEADER, ROW]})
        assert self.file_error(content, name="a.xlsx", sheet="Areas") == (
            "The workbook has no sheet named “Areas”. Its sheets are: 说明, 区划.")
        # Without a sheet name, the first sheet is read: it has no header.
        assert self.file_error(content, name="a.xlsx").startswith(
            "The header row lacks the required columns code, name, level.")

    def test_it_refuses_an_empty_sheet(self) -> None:
        assert self.file_error(xlsx_bytes({"Sheet1": []}), name="a.xlsx") == "The file is empty."

    def test_it_reads_tab_separated_text_and_skips_blank_rows(self) -> None:
        # Cells of spaces are blank too, in a full row and in a short one.
        content = csv_bytes([AREA_HEADER, [], ROW, ["", "", ""], [" ", "  ", ""], ["  "]],
                            delimiter="\t")
        run = import_bytes("areas", content, self.world.alice, name="areas.txt")
        assert (run.status, run.rows_total, run.rows_created) == ("done", 1, 1)

    def test_it_counts_rows_as_the_spreadsheet_shows_them(self) -> None:
        content = csv_bytes([["Areas of Dongcheng"], [], AREA_HEADER,
                             ["420102001003", "", "village", "420102001000"]])
        run = import_bytes("areas", content, self.world.alice)
        assert errors_of(run) == [(4, "name", "This column must not be empty.")]


class ReaderUnitTests(BaseTestCase):
    def test_it_detects_the_encoding_over_the_whole_file(self) -> None:
        late_chinese = b"code,name\n" + b"a,b\n" * 300_000 + "村".encode("gbk")
        assert detect_encoding(io.BytesIO(late_chinese)) == "gb18030"
        assert detect_encoding(io.BytesIO("编码".encode())) == "utf-8-sig"
        assert detect_encoding(io.BytesIO(b"\xef\xbb\xbfcode")) == "utf-8-sig"

    def test_it_writes_cells_as_typed(self) -> None:
        assert [cell_text(v) for v in (None, 420102001001.0, 30.25, 7, True, "x")] == [
            "", "420102001001", "30.25", "7", "1", "x"]

    def test_it_writes_a_number_past_fifteen_digits_as_the_spreadsheet_shows_it(self) -> None:
        """An 18-digit ID typed as a number kept 15 digits: the rest must not pass as typed."""
        assert cell_text(float(110105194912311234)) == "1.10105194912311E+17"
        assert cell_text(1e15) == "1.00000000000000E+15"
        assert cell_text(999_999_999_999_999.0) == "999999999999999"  # a 15-digit legacy ID
        assert cell_text(110105194912311234) == "110105194912311234"  # written as an integer


def test_a_byte_order_mark_is_dropped_wherever_a_line_starts_with_one() -> None:
    """Files get concatenated: the second file's mark opens a line in the middle."""
    columns = get_importer("areas").columns
    content = csv_bytes([AREA_HEADER, ROW]) + csv_bytes([["420102001004", "Village A4",
                                                         "village", "420102001000"]])
    assert content.count(codecs.BOM_UTF8) == 2
    with open_table(io.BytesIO(content), "areas.csv", columns, "") as table:
        assert [row.values["code"] for row in table.rows] == ["420102001003", "420102001004"]
