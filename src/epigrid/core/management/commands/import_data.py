"""`epigrid import KIND FILE`: import areas or sites from a CSV or XLSX file."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from epigrid.core.imports import registry
from epigrid.core.imports.runner import run_import
from epigrid.core.models import ImportRun

PRINTED_ERRORS = 50


class Command(BaseCommand):
    help = "Import records (areas, checkpoints, facilities, warehouses) from CSV or XLSX."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", help="what the file holds: "
                            + ", ".join(importer.name for importer in registry.importers()))
        parser.add_argument("file", help="a .csv or .xlsx file")
        parser.add_argument("--mode", choices=ImportRun.Mode.values,
                            default=ImportRun.Mode.VALID_ROWS,
                            help="valid_rows: save the valid rows and report the others; "
                                 "all_or_nothing: save nothing if any row is wrong")
        parser.add_argument("--sheet", default="", help="the XLSX sheet (default: the first)")
        parser.add_argument("--user", default="",
                            help="import as this user, within their area (default: no limit)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            registry.get_importer(options["kind"])
        except LookupError as exc:
            raise CommandError(str(exc)) from None
        user = self._user(options["user"])
        try:
            run = run_import(options["kind"], options["file"], options["mode"], user,
                             sheet=options["sheet"])
        except OSError as exc:
            raise CommandError(f"cannot read {options['file']}: {exc}") from None
        except PermissionDenied:
            raise CommandError(f"{options['user']} may not import records") from None
        self._print(run)
        if run.has_errors:
            raise CommandError(f"import {run.pk}: {run.get_status_display()}", returncode=1)

    def _user(self, username: str) -> Any:
        if not username:
            return None
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"no user named {username!r}") from None

    def _print(self, run: ImportRun) -> None:
        self.stdout.write(
            f"import {run.pk} {run.file_name}: {run.get_status_display()}; "
            f"rows {run.rows_total}, created {run.rows_created}, updated {run.rows_updated}, "
            f"unchanged {run.rows_unchanged}, refused {run.rows_failed}")
        if run.file_error:
            self.stderr.write(run.file_error)
        for error in run.errors[:PRINTED_ERRORS]:
            self.stderr.write(f"row {error['row']} [{error['column']}] "
                              f"{error['value']!r}: {error['message']}")
        if run.errors_total > PRINTED_ERRORS:
            self.stderr.write(f"... and {run.errors_total - PRINTED_ERRORS} more errors")
