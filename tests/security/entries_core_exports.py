"""Security-matrix entries of the background exports' pages (merged into the matrix).

A run is its user's alone: outsiders, and even those who see everything, get 404.
"""

from __future__ import annotations

from django.core.files.base import ContentFile

from epigrid.core.models import ExportRun
from tests.base import World
from tests.security.matrix import Entry, obj, page

FILE_NAME = "roster-dongcheng.csv"


def prepare(w: World) -> None:
    """Alice's finished export of her town's roster."""
    run = ExportRun.objects.create(user=w.alice, exporter="roster", format="csv",
                                   file_name=FILE_NAME, status=ExportRun.Status.DONE, rows=1)
    run.file.save(FILE_NAME, ContentFile(b"Wang Jun,420102********001X\n"), save=True)


def town_a_export(w: World) -> ExportRun:
    return ExportRun.objects.get(user=w.alice, file_name=FILE_NAME)


PAGES: dict[str, Entry] = {
    "exports:list": page(shows_a=False),  # its user's own runs: their file names alone
    "exports:detail": obj(town_a_export, shows_a=False),  # its page names the file alone
    "exports:download": obj(town_a_export, shows_a=False),  # the file: status checks only
}
API: dict[str, Entry] = {
    "GET /api/exports/": page(shows_a=False),  # its user's own runs: their file names alone
    "GET /api/exports/{id}": obj(town_a_export, shows_a=False),
    "GET /api/exports/{id}/file": obj(town_a_export, shows_a=False),  # the file: status only
}
