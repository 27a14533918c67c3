"""`epigrid briefing --date --area --output`: the three files, and the refusals with messages."""

from __future__ import annotations

import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command

from tests.base import BaseTestCase
from tests.briefing.helpers import days, outbreak_in_town_a, today


class BriefingCommandTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        outbreak_in_town_a(cls.world)

    def test_it_writes_the_docx_pdf_and_xlsx_of_the_area_and_day(self) -> None:
        code = self.world.district.code
        with tempfile.TemporaryDirectory() as folder:
            out = StringIO()
            call_command("briefing", "--date", today().isoformat(), "--area", code,
                         "--output", str(Path(folder) / "meeting"), stdout=out)
            written = sorted(Path(folder, "meeting").iterdir())
            self.assertEqual([p.name for p in written],
                             [f"briefing-{code}-{today()}.{fmt}" for fmt in ("docx", "pdf",
                                                                            "xlsx")])
            self.assertEqual(out.getvalue().split(), [str(p) for p in written])
            self.assertTrue(all(p.stat().st_size > 1000 for p in written))

    def test_it_writes_only_the_formats_asked(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            call_command("briefing", "--area", self.world.town_a.code, "--output", folder,
                         "--format", "xlsx", stdout=StringIO())
            self.assertEqual([p.suffix for p in Path(folder).iterdir()], [".xlsx"])

    def test_it_refuses_bad_input_with_a_message(self) -> None:
        code = self.world.district.code
        cases = [
            (["--area", "999999"], "--area: no area has the code “999999”."),
            (["--area", code, "--date", (today() + days(1)).isoformat()],
             "--date: The day"),
            (["--area", code, "--date", "2020-02-30"], "--date: Give the day as YYYY-MM-DD"),
            (["--area", code, "--format", "doc"], "--format: choose among docx, pdf, xlsx"),
        ]
        for args, message in cases:
            with self.subTest(args=args), self.assertRaisesMessage(CommandError, message):
                call_command("briefing", *args, "--output", "/nonexistent-never-written",
                             stdout=StringIO())
