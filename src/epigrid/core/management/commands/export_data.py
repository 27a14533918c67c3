"""`epigrid export KIND --format csv|xlsx --output FILE`: write areas or sites to a file."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from epigrid.core import audit
from epigrid.core.exports import FORMATS, rows, write_xlsx
from epigrid.core.imports import registry


class Command(BaseCommand):
    help = "Export records (areas, checkpoints, facilities, warehouses) as CSV or XLSX."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", help="what to export: "
                            + ", ".join(spec.name for spec in registry.exporters()))
        parser.add_argument("--format", choices=FORMATS, default="csv")
        parser.add_argument("--output", required=True, help="the file to write")
        parser.add_argument("--within", default=None, metavar="AREA_CODE",
                            help="only this area's subtree")
        parser.add_argument("--user", default="", help="only what this user sees")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            spec = registry.get_exporter(options["kind"])
            objects = spec.queryset(options["within"])
        except LookupError as exc:
            raise CommandError(f"unknown kind or area code: {exc}") from None
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"no user named {options['user']!r}")
            objects = objects.restrict(user)  # type: ignore[attr-defined]
        output = options["output"]
        with audit.acting_as(user):
            if options["format"] == "xlsx":
                write_xlsx(objects, spec.columns, output, title=spec.name)
            else:
                self._csv(objects, spec.columns, output)
            audit.record("export", model=objects.model._meta.label, object_repr=output[-200:],
                         changes={"kind": spec.name, "within": options["within"] or ""})
        self.stdout.write(f"wrote {output}")

    @staticmethod
    def _csv(objects: Any, columns: Any, output: str) -> None:
        # utf-8-sig: a byte-order mark, so that Excel reads the Chinese text as UTF-8.
        with open(output, "w", encoding="utf-8-sig", newline="") as target:  # noqa: PTH123
            writer = csv.writer(target)
            writer.writerow([str(column.header) for column in columns])
            for row in rows(objects, columns):
                writer.writerow(["" if value is None else value for value in row])
