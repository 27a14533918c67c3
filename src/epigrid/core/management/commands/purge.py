"""`epigrid purge [--dry-run] [--only NAME ...]`: remove what is past its retention limit."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from epigrid.core.retention import purge, rules


class Command(BaseCommand):
    help = ("Remove the personal data past its retention limit (EPIGRID_RETAIN_*_DAYS): old "
            "checkpoint passages, notices, the errors of old imports, the audit log if limited.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true",
                            help="count what would be removed; remove nothing")
        parser.add_argument("--only", nargs="+", metavar="NAME", default=None,
                            help="only these rules: " + ", ".join(r.name for r in rules()))

    def handle(self, *args: Any, **options: Any) -> None:
        only = set(options["only"]) if options["only"] else None
        unknown = sorted((only or set()) - {rule.name for rule in rules()})
        if unknown:
            raise CommandError(f"unknown rule {', '.join(unknown)}; the rules: "
                               + ", ".join(rule.name for rule in rules()))
        verb = "would remove" if options["dry_run"] else "removed"
        for done in purge(dry_run=options["dry_run"], only=only):
            if done.before is None:
                self.stdout.write(f"{done.rule.name}: kept for good ({done.rule.setting} = 0)")
                continue
            self.stdout.write(f"{done.rule.name}: {verb} {done.rows:,} older than "
                              f"{done.days} days (before "
                              f"{timezone.localtime(done.before):%Y-%m-%d %H:%M})")
