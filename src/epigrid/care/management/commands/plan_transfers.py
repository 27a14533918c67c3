"""`epigrid plan-transfers --area CODE [--date YYYY-MM-DD]`: compute the day's transfer plan."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from epigrid.areas.models import Area
from epigrid.care import plans
from epigrid.care.models import Unplaced


class Command(BaseCommand):
    help = "Compute the day's transfer plan 当日转运收治计划 of an area (supersedes the last)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--area", required=True, help="The area's code.")
        parser.add_argument("--date", help="The plan's day, YYYY-MM-DD (default: today).")

    def handle(self, *args: Any, **options: Any) -> None:
        area = Area.objects.filter(code=options["area"]).first()
        if area is None:
            raise CommandError(f"No area has the code {options['area']!r}.")
        try:
            day = (datetime.date.fromisoformat(options["date"]) if options["date"]
                   else timezone.localdate())
        except ValueError as exc:
            raise CommandError(f"--date {options['date']!r} is not a date like 2020-02-14.") \
                from exc
        try:
            plan = plans.compute_plan(area, None, day)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"Plan {plan.pk} of {area.name} for {day}: {plan.placed} of "
                          f"{plan.patients} patients placed, {plan.cost:.1f} km of cost, "
                          f"solved in {plan.solve_seconds:.2f} s.")
        reasons: dict[str, int] = {}
        for reason in Unplaced.objects.filter(plan=plan).values_list("reason", flat=True):
            reasons[reason] = reasons.get(reason, 0) + 1
        for reason, count in sorted(reasons.items()):
            self.stdout.write(f"  not placed, {reason}: {count}")
