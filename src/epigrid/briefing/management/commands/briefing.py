"""`epigrid briefing --date YYYY-MM-DD --area CODE [--output DIR] [--format docx,pdf,xlsx]`:
write the briefing 简报 of an area and day as files (every format by default)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from epigrid.areas.models import Area
from epigrid.briefing import documents
from epigrid.briefing.fonts import NoCJKFontError
from epigrid.reporting import reading


class Command(BaseCommand):
    help = ("Write the briefing of an area and day: DOCX and PDF (talking points, figures, "
            "charts, problems) and XLSX (every figure of every area).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", default="", help="The day, YYYY-MM-DD (default: today).")
        parser.add_argument("--area", required=True, help="The area's administrative code.")
        parser.add_argument("--output", default=".", help="The folder to write into "
                                                          "(made if missing; default: here).")
        parser.add_argument("--format", default=",".join(documents.FORMATS),
                            help="Comma-separated formats (default: docx,pdf,xlsx).")
        parser.add_argument("--language", default="",
                            help="zh-hans or en (default: the site's language).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["language"]:
            translation.activate(options["language"])
        try:
            day = reading.parse_day(options["date"], "date")
        except reading.BadQueryError as error:
            raise CommandError(f"--date: {error}") from None
        area = Area.objects.filter(code=options["area"].strip()).first()
        if area is None:
            raise CommandError(_("--area: no area has the code “%(code)s”.")
                               % {"code": options["area"]})
        keys = [key.strip().lower() for key in options["format"].split(",") if key.strip()]
        unknown = [key for key in keys if key not in documents.FORMATS]
        if unknown or not keys:
            raise CommandError(_("--format: choose among %(formats)s (got “%(got)s”).")
                               % {"formats": ", ".join(documents.FORMATS),
                                  "got": options["format"]})
        try:
            written = documents.write(area, day, Path(options["output"]), keys)
        except NoCJKFontError as error:
            raise CommandError(str(error)) from None
        for path in written:
            self.stdout.write(str(path))
