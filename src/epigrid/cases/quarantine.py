"""Writes of quarantine 隔离: starting one, releasing 解除隔离, extending, and the rooms of a site.

Every change of a case's state goes through `services.transition`, so the state machine's rules
(and its evidence rule for a release) hold here as everywhere. Policy comes from the settings:
QUARANTINE_DAYS (14) and QUARANTINE_RELEASE_NEGATIVE_TESTS (2).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from epigrid.areas.models import SEGMENT_WIDTH, Area, Facility, Level
from epigrid.cases import services
from epigrid.cases.models import Case, Evidence, LabTest, Quarantine, QuarantineRoom
from epigrid.cases.states import State
from epigrid.core.audit import acting_as, current_actor
from epigrid.core.days import day_start, local_moment

# The states a quarantine may start from: a close contact goes into quarantine (密接隔离); an
# asymptomatic infection is isolated at a site and keeps its state (无症状感染者集中隔离).
STARTS_FROM = frozenset({State.CLOSE_CONTACT, State.ASYMPTOMATIC})


def quarantine_days() -> int:
    return int(settings.QUARANTINE_DAYS)


def open_quarantines() -> QuerySet[Quarantine]:
    return Quarantine.objects.filter(ended_on__isnull=True)


def path_prefixes(path: str) -> list[str]:
    """The paths of an area and its ancestors (every segment has the same width)."""
    width = SEGMENT_WIDTH + 1
    return [path[: width * n] for n in range(1, len(path) // width + 1)]


def villages_of(paths: set[str]) -> dict[str, Area]:
    """The village 村/社区 at or above each area path (the deepest area above a village when
    there is none): who answers for the people of a grid. One query for any number of paths."""
    wanted = {prefix for path in paths for prefix in path_prefixes(path)}
    found = {area.path: area for area in Area.objects.filter(path__in=wanted,
                                                              level__lte=Level.VILLAGE)}
    result: dict[str, Area] = {}
    for path in paths:
        above = [found[prefix] for prefix in path_prefixes(path) if prefix in found]
        if above:
            result[path] = above[-1]
    return result


# --- rooms -------------------------------------------------------------------------------------

def occupied(room: QuarantineRoom) -> int:
    return open_quarantines().filter(room=room).count()


def _check_site(site: Facility | None) -> Facility:
    if site is None:
        raise ValidationError({"site": _("A centralized quarantine needs a quarantine site.")})
    if site.kind != Facility.Kind.QUARANTINE_SITE:
        raise ValidationError({"site": _("%(site)s is not a centralized quarantine site.")
                               % {"site": site.name}})
    return site


@transaction.atomic
def create_room(site: Facility, number: str, capacity: int) -> QuarantineRoom:
    _check_site(site)
    number = number.strip()
    if not number:
        raise ValidationError({"number": _("Give the room a number.")})
    if capacity < 1:
        raise ValidationError({"capacity": _("A room holds at least one person.")})
    try:
        with transaction.atomic():
            return QuarantineRoom.objects.create(site=site, number=number, capacity=capacity)
    except IntegrityError as exc:
        raise ValidationError({"number": _("%(site)s already has a room %(number)s.")
                               % {"site": site.name, "number": number}}) from exc


@transaction.atomic
def update_room(room: QuarantineRoom, *, capacity: int, active: bool) -> QuarantineRoom:
    room = QuarantineRoom.objects.select_for_update().get(pk=room.pk)
    taken = occupied(room)
    if capacity < max(taken, 1):
        raise ValidationError({"capacity": _("Room %(number)s holds %(taken)s people now; it "
                                             "cannot have fewer places.")
                               % {"number": room.number, "taken": taken}})
    room.capacity, room.active = capacity, active
    room.save(update_fields=["capacity", "active"])
    return room


@dataclass(frozen=True)
class RoomUse:
    room: QuarantineRoom
    taken: int

    @property
    def free(self) -> int:
        return max(self.room.capacity - self.taken, 0) if self.room.active else 0


def room_uses(site: Facility) -> list[RoomUse]:
    """Every room of the site with its open quarantines counted: one query."""
    rooms = QuarantineRoom.objects.filter(site=site).annotate(
        taken=Count("quarantines", filter=Q(quarantines__ended_on__isnull=True)))
    return [RoomUse(room=room, taken=room.taken) for room in rooms]


# --- start -------------------------------------------------------------------------------------

def _check_room(site: Facility, room: QuarantineRoom | None) -> QuarantineRoom:
    if room is None:
        raise ValidationError({"room": _("Choose a room of %(site)s.") % {"site": site.name}})
    # Locked: two placements in the last free place cannot both pass the count.
    room = QuarantineRoom.objects.select_for_update().get(pk=room.pk)
    if room.site_id != site.pk:
        raise ValidationError({"room": _("Room %(number)s is not a room of %(site)s.")
                               % {"number": room.number, "site": site.name}})
    if not room.active:
        raise ValidationError({"room": _("Room %(number)s is not in use.")
                               % {"number": room.number}})
    if occupied(room) >= room.capacity:
        raise ValidationError({"room": _("Room %(number)s is full (%(capacity)s places).")
                               % {"number": room.number, "capacity": room.capacity}})
    return room


@transaction.atomic
def start_quarantine(case: Case, kind: str, *, starts_on: datetime.date, by: Any,
                     site: Facility | None = None,
                     room: QuarantineRoom | None = None) -> Quarantine:
    """Put a close contact into home or centralized quarantine, or isolate an asymptomatic case."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.state not in STARTS_FROM:
        raise ValidationError(_("Only a close contact or an asymptomatic infection can be "
                                "quarantined; this case is “%(state)s”.")
                              % {"state": case.get_state_display()})
    if kind not in Quarantine.Kind.values:
        raise ValidationError({"kind": _("Choose home or centralized quarantine.")})
    if starts_on > timezone.localdate():
        raise ValidationError({"starts_on": _("A quarantine cannot start in the future.")})
    if open_quarantines().filter(case=case).exists():
        raise ValidationError(_("This case is already in quarantine."))
    if kind == Quarantine.Kind.CENTRALIZED:
        site = _check_site(site)
        room = _check_room(site, room)
    else:
        if case.state == State.ASYMPTOMATIC:
            raise ValidationError({"kind": _("An asymptomatic infection is isolated at a "
                                             "centralized site, not at home.")})
        if site is not None or room is not None:
            raise ValidationError({"site": _("A home quarantine has no site or room.")})
    quarantine = Quarantine.objects.create(
        case=case, area_path=case.area_path, kind=kind, site=site, room=room,
        starts_on=starts_on,
        planned_end=starts_on + datetime.timedelta(days=quarantine_days()))
    if case.state == State.CLOSE_CONTACT:
        services.transition(case, State.QUARANTINED, by=by, reason=_(
            "%(kind)s from %(day)s") % {"kind": quarantine.get_kind_display(),
                                        "day": starts_on.isoformat()})
    return quarantine


# --- release -----------------------------------------------------------------------------------

def negative_tests(quarantine: Quarantine) -> QuerySet[LabTest]:
    """The person's negative results sampled on or after the first day, newest first."""
    return LabTest.objects.filter(
        person_id=quarantine.case.person_id, result=LabTest.Result.NEGATIVE,
        sampled_at__gte=day_start(quarantine.starts_on)).order_by("-sampled_at", "-id")



def _when(on: datetime.date, case: Case) -> datetime.datetime:
    """The moment a dated action is recorded at: now for today, else the end of that day."""
    if on == timezone.localdate():
        return timezone.now()
    return max(local_moment(on, datetime.time(23, 59)),
               case.state_since)


def _check_open(quarantine: Quarantine) -> None:
    if quarantine.ended_on is not None:
        raise ValidationError(_("This quarantine ended on %(day)s.")
                              % {"day": quarantine.ended_on.isoformat()})


@transaction.atomic
def release(quarantine: Quarantine, *, by: Any, on: datetime.date) -> Quarantine:
    """Release 解除隔离 at the planned end or later, on enough negative tests since the start."""
    quarantine = Quarantine.objects.select_for_update().select_related("case").get(
        pk=quarantine.pk)
    _check_open(quarantine)
    if on > timezone.localdate():
        raise ValidationError({"on": _("A release cannot be dated in the future.")})
    if on < quarantine.planned_end:
        raise ValidationError({"on": _("The quarantine runs until %(end)s; it cannot be "
                                       "released before.")
                               % {"end": quarantine.planned_end.isoformat()}})
    needed = int(settings.QUARANTINE_RELEASE_NEGATIVE_TESTS)
    sampled_since = day_start(quarantine.starts_on)
    if LabTest.objects.filter(person_id=quarantine.case.person_id, sampled_at__gte=sampled_since,
                              result=LabTest.Result.POSITIVE).exists():
        raise ValidationError(_("A positive result was sampled during the quarantine; it cannot "
                                "be released."))
    negatives = list(negative_tests(quarantine)[:needed])
    if len(negatives) < needed:
        raise ValidationError(_("Release needs %(needed)s negative tests sampled since "
                                "%(start)s; %(found)s found.")
                              % {"needed": needed, "start": quarantine.starts_on.isoformat(),
                                 "found": len(negatives)})
    services.transition(quarantine.case, State.RELEASED, by=by,
                        at=_when(on, quarantine.case), reason=_("Released from quarantine"),
                        evidence=Evidence.TEST, lab_test=negatives[0],
                        evidence_note=", ".join(test.sample_id for test in negatives))
    quarantine.ended_on, quarantine.outcome = on, Quarantine.Outcome.RELEASED
    quarantine.save(update_fields=["ended_on", "outcome", "updated_at"])
    return quarantine


# --- extend ------------------------------------------------------------------------------------

@transaction.atomic
def extend(quarantine: Quarantine, exposure_date: datetime.date, reason: str,
           *, by: Any = None) -> Quarantine:
    """A new exposure during quarantine restarts the count from that day 重新计算隔离期."""
    quarantine = Quarantine.objects.select_for_update().get(pk=quarantine.pk)
    _check_open(quarantine)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why.")})
    if exposure_date > timezone.localdate():
        raise ValidationError({"exposure_date": _("An exposure cannot be in the future.")})
    if exposure_date < quarantine.starts_on:
        raise ValidationError({"exposure_date": _("The exposure is before the quarantine "
                                                  "started (%(start)s).")
                               % {"start": quarantine.starts_on.isoformat()}})
    new_end = exposure_date + datetime.timedelta(days=quarantine_days())
    if new_end <= quarantine.planned_end:
        # Nothing to write: an extension that does not move the end would count for nothing.
        raise ValidationError({"exposure_date": _("The quarantine already runs until %(end)s, "
                                                  "past %(days)s days from this exposure.")
                               % {"end": quarantine.planned_end.isoformat(),
                                  "days": quarantine_days()}})
    quarantine.planned_end = new_end
    quarantine.extensions += 1
    with acting_as(by or current_actor(), reason.strip()):  # the audit entry carries the reason
        quarantine.save(update_fields=["planned_end", "extensions", "updated_at"])
    return quarantine
