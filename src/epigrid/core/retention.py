"""Retention limits: personal data older than its limit is removed by `epigrid purge`.

Each app registers, in its AppConfig.ready(), what it keeps of people only for a while (the
passages of a checkpoint, the notices of the inbox...): a `Rule` names its setting (days; 0
keeps it for good) and a function that removes what is older than a moment, in batches, and
answers how many it removed (or, with `dry_run`, would remove). Figures computed from the
records stay: they are stored apart (a checkpoint's hourly counts, a campaign's progress).

`purge()` runs every rule, writes one audit entry for each that removed something, and is run
by the command and by the daily task of the beat (core.tasks.purge_expired).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from epigrid.core import audit

BATCH = 10_000  # rows removed a statement: a purge of millions never holds one long lock


@dataclass(frozen=True)
class Rule:
    name: str  # the command's word for it ("passages")
    model: str  # the audit log's record type ("checkpoints.Passage")
    setting: str  # the Django setting holding its limit in days (0: kept for good)
    purge: Callable[[datetime.datetime, bool], int]  # (older than, dry run) -> rows


@dataclass(frozen=True)
class Purged:
    rule: Rule
    days: int  # its limit; 0 when the rule keeps everything
    before: datetime.datetime | None  # what was older than this went; None: nothing went
    rows: int


_RULES: dict[str, Rule] = {}


def register_rule(rule: Rule) -> None:
    """Add a rule; registering one of the same name again replaces it."""
    _RULES[rule.name] = rule


def rules() -> list[Rule]:
    return sorted(_RULES.values(), key=lambda rule: rule.name)


def in_batches(rows: QuerySet[Any], act: Callable[[QuerySet[Any]], object],
               dry_run: bool) -> int:
    """Apply `act` to `rows` BATCH at a time by id (each batch in its own transaction), or
    count them. `act` must take a batch out of `rows` (delete it, or clear what `rows` filters
    on), or the loop never ends."""
    if dry_run:
        return rows.count()
    done = 0
    while ids := list(rows.order_by("pk").values_list("pk", flat=True)[:BATCH]):
        with transaction.atomic():
            act(rows.model._default_manager.filter(pk__in=ids))
        done += len(ids)
    return done


def delete_in_batches(rows: QuerySet[Any], dry_run: bool) -> int:
    """Delete `rows` BATCH at a time, or count them."""
    return in_batches(rows, QuerySet.delete, dry_run)


def _limits(only: set[str] | None) -> Iterator[tuple[Rule, int]]:
    for rule in rules():
        if only is None or rule.name in only:
            yield rule, int(getattr(settings, rule.setting))


def purge(now: datetime.datetime | None = None, *, dry_run: bool = False,
          only: set[str] | None = None) -> list[Purged]:
    """Run the rules (those named in `only`, or all) and answer what each removed."""
    now = now or timezone.now()
    done: list[Purged] = []
    for rule, days in _limits(only):
        if days <= 0:
            done.append(Purged(rule, 0, None, 0))
            continue
        before = now - datetime.timedelta(days=days)
        rows = rule.purge(before, dry_run)
        if rows and not dry_run:
            audit.record("delete", model=rule.model, object_repr=(
                f"retention: {rows} {rule.name} older than {days} days "
                f"(before {before.isoformat(timespec='minutes')})"),
                changes={"rows": rows, "days": days}, reason="retention limit")
        done.append(Purged(rule, days, before, rows))
    return done
