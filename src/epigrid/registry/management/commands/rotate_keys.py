"""`epigrid rotate-keys`: re-encrypt identity values made with an older field key."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import models, transaction

from epigrid.core import crypto
from epigrid.registry.models import Household, Person

HELP = """Re-encrypt every encrypted ID number and phone that was not made with the current key.

How to rotate the field key:
  1. Make a new key: python -c "from epigrid.core.crypto import new_key_spec;
     print(new_key_spec('k2'))" and PREPEND it to EPIGRID_FIELD_KEYS, keeping the old ones
     after it (EPIGRID_FIELD_KEYS=k2:NEW,k1:OLD). Restart the servers and workers: new values
     are encrypted with k2, old ones still decrypt with k1.
  2. Run `epigrid rotate-keys` (use --check first to count). It works in batches, each in its
     own transaction, so it can be stopped and run again: it continues where it stopped.
  3. When `epigrid rotate-keys --check` counts 0, drop the old key from EPIGRID_FIELD_KEYS and
     restart. The keyed hashes (EPIGRID_HASH_KEY) are not touched: look-ups keep working.
"""

# (model, the field name bound into the ciphertext, its column)
ENCRYPTED: tuple[tuple[type[models.Model], str, str], ...] = (
    (Person, "id_number", "id_number_enc"),
    (Person, "phone", "phone_enc"),
    (Household, "phone", "phone_enc"),
)


def _stale(model: type[models.Model], column: str, current: str) -> Any:
    """Rows whose value was encrypted with another key than `current` (empty ones are fine)."""
    return model._default_manager.exclude(**{column: ""}).exclude(
        **{f"{column}__startswith": f"{current}:"})


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        from argparse import RawDescriptionHelpFormatter

        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true",
                            help="only count the values still to re-encrypt")
        parser.add_argument("--batch-size", type=int, default=2000,
                            help="rows re-encrypted per transaction (default 2000)")

    def handle(self, *args: Any, **options: Any) -> None:
        current = crypto.current_key_id()
        remaining = 0
        for model, field, column in ENCRYPTED:
            label = f"{model._meta.label}.{column}"
            if options["check"]:
                count = _stale(model, column, current).count()
                remaining += count
                self.stdout.write(f"{label}: {count} to re-encrypt")
                continue
            done = self._rotate(model, field, column, current, max(1, options["batch_size"]))
            self.stdout.write(f"{label}: {done} re-encrypted with key {current}")
        if options["check"]:
            self.stdout.write(f"total: {remaining} to re-encrypt with key {current}")

    def _rotate(self, model: type[models.Model], field: str, column: str, current: str,
                size: int) -> int:
        """Re-encrypt in batches by primary key; each batch commits, so a rerun resumes."""
        done, last = 0, 0
        while True:
            with transaction.atomic():
                batch = list(_stale(model, column, current).filter(pk__gt=last).order_by(
                    "pk").select_for_update().values_list("pk", column)[:size])
                if not batch:
                    return done
                # bulk_update, not save(): the plain value is unchanged, nothing to audit.
                fresh = [model(pk=pk, **{column: crypto.encrypt(crypto.decrypt(token, field),
                                                                field)})
                         for pk, token in batch]
                model._default_manager.bulk_update(fresh, [column], batch_size=500)
                done += len(fresh)
                last = batch[-1][0]
            self.stdout.write(f"  {model._meta.label}.{column}: {done} so far")
