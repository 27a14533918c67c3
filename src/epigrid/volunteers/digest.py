"""The morning's digest 待确认提醒 of the claims of hours waiting for the projects' keepers.

Volunteers claim their hours (self_service.claim_hours) at any hour: a notice for each would
give a town's officer twenty a day. Once a day instead (tasks.py, at
settings.VOLUNTEER_DIGEST_AT) each area whose projects have claims waiting is told in one
notice, a line a project (its claims, their hours, the day the oldest was sent), linking to its
projects list filtered to those with claims waiting. Who is told:

- the keepers (the roles with MANAGE_VOLUNTEERS) whose home area is the project's area; where
  none lives there (a village without an officer of its own), those of the nearest area above
  it that has some;
- when a project's oldest claim has waited ESCALATE_AFTER_DAYS days or more, the keepers of the
  nearest area above those too (逐级督办): a claim nobody answers reaches someone who can.

An area is told at most once a day: its `ClaimDigest` of the day is taken before its notice is
written, so a second run, or two at once, tell no one twice.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Min, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from epigrid.alerts.services import notify
from epigrid.alerts.wording import worded
from epigrid.areas.models import Area, ancestor_paths
from epigrid.core.access import Capability, roles_with
from epigrid.core.days import local_day
from epigrid.core.retention import delete_in_batches
from epigrid.volunteers.models import ClaimDigest, ClaimState, HoursClaim, Project

# A project's claims waiting this many days are told to the area above its keepers' too.
ESCALATE_AFTER_DAYS = 3
TENTH = Decimal("0.1")  # hours are told with one decimal on every database: "2.0"


@dataclass(frozen=True)
class Waiting:
    """A project's claims waiting: how many, their hours, the day the oldest was sent."""

    project: Project
    claims: int
    hours: Decimal
    oldest: datetime.date

    def days(self, today: datetime.date) -> int:
        return (today - self.oldest).days


def keepers() -> list[str]:
    return roles_with(Capability.MANAGE_VOLUNTEERS)


def waiting_projects() -> list[Waiting]:
    """Every project with claims waiting, in area and name order: two queries in all."""
    rows = (HoursClaim.objects.filter(state=ClaimState.PENDING).order_by().values("project")
            .annotate(claims=Count("pk"), hours=Sum("hours"), oldest=Min("created_at")))
    found = {row["project"]: row for row in rows}
    projects = Project.objects.select_related("area").in_bulk(list(found))
    waiting = [Waiting(projects[pk], row["claims"], Decimal(row["hours"]).quantize(TENTH),
                       local_day(row["oldest"]))
               for pk, row in found.items()]
    return sorted(waiting, key=lambda one: (one.project.area.path, one.project.name))


def kept_paths(paths: Iterable[str]) -> set[str]:
    """Those of the areas at `paths` and above them where a keeper lives: one query."""
    wanted = {path for each in paths for path in ancestor_paths(each)}
    return set(get_user_model().objects.filter(
        role__in=keepers(), is_active=True, home_area__path__in=wanted)
        .values_list("home_area__path", flat=True).distinct())


def nearest(path: str, kept: set[str], *, above: bool = False) -> str | None:
    """The area at `path` (strictly above it, when `above`), or the nearest above, where a
    keeper lives."""
    candidates = ancestor_paths(path)[:-1] if above else ancestor_paths(path)
    return next((each for each in reversed(candidates) if each in kept), None)


def whom_to_tell(waiting: list[Waiting], today: datetime.date) -> dict[str, list[Waiting]]:
    """The projects each area's keepers are told of, by the area's path."""
    kept = kept_paths(one.project.area.path for one in waiting)
    told: dict[str, list[Waiting]] = defaultdict(list)
    for one in waiting:
        first = nearest(one.project.area.path, kept)
        if first is None:
            continue  # no keeper anywhere above: the projects list shows the claims
        told[first].append(one)
        if one.days(today) >= ESCALATE_AFTER_DAYS and (up := nearest(first, kept, above=True)):
            told[up].append(one)
    return told


def send_claim_digests(now: datetime.datetime | None = None) -> list[ClaimDigest]:
    """Tell each area's keepers of the claims waiting on their projects, once a day: the
    digests written by this run (none for an area told today already)."""
    today = local_day(now or timezone.now())
    told = whom_to_tell(waiting_projects(), today)
    areas = Area.objects.in_bulk(list(told), field_name="path")
    sent = [tell(areas[path], today, told[path]) for path in sorted(told)]
    return [digest for digest in sent if digest is not None]


@transaction.atomic
def tell(area: Area, today: datetime.date, waiting: list[Waiting]) -> ClaimDigest | None:
    """The area's digest of the day and its notice; None when it was told today already (a
    run at the same time waits on the row the other wrote, then finds it)."""
    digest, created = ClaimDigest.objects.get_or_create(
        area=area, day=today, defaults={"claims": sum(one.claims for one in waiting)})
    if not created:
        return None
    link = reverse("volunteers:projects") + f"?area={area.pk}&claims=waiting&status=any"
    digest.notice = notify([area], keepers(), worded(wording(waiting, today)), link=link,
                           exact=True)
    digest.save(update_fields=["notice"])
    return digest


def purge_digests(before: datetime.datetime, dry_run: bool) -> int:
    """The digests sent before `before`: they only keep a day's second run from telling an
    area again, and are kept as long as the notices they wrote (RETAIN_NOTICES_DAYS)."""
    return delete_in_batches(ClaimDigest.objects.filter(created_at__lt=before), dry_run)


def wording(waiting: list[Waiting], today: datetime.date) -> Callable[[], tuple[str, str]]:
    claims = sum(one.claims for one in waiting)

    def compose() -> tuple[str, str]:
        title = ngettext("%(n)d claim of hours waiting", "%(n)d claims of hours waiting",
                         claims) % {"n": claims}
        lines = []
        for one in waiting:
            line = _("%(project)s (%(area)s): %(n)d waiting, %(hours)s hours, the oldest sent "
                     "on %(day)s.") % {"project": one.project.name,
                                       "area": one.project.area.name, "n": one.claims,
                                       "hours": one.hours, "day": one.oldest.isoformat()}
            if one.days(today) >= ESCALATE_AFTER_DAYS:
                line += " " + _("Unanswered for %(days)d days.") % {"days": one.days(today)}
            lines.append(line)
        return title, "\n".join(lines)
    return compose
