"""Daily follow-up 每日随访 of people in quarantine: twice a day, temperature and symptoms.

A fever (FEVER_THRESHOLD, 37.3 °C, or more) or any symptom moves a quarantined close contact to
"fever, not ruled out" and ends the quarantine as escalated; the village is told after the commit.
Slots that pass their deadline without a record are flagged as missed and escalated to the
village, one notice per village per run (`check_missed`, run by the Celery task).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from epigrid.alerts.services import notify
from epigrid.alerts.wording import worded
from epigrid.areas.models import Facility
from epigrid.cases import services
from epigrid.cases.models import Evidence, FollowUp, MissedFollowUp, Quarantine
from epigrid.cases.quarantine import open_quarantines, villages_of
from epigrid.cases.states import State
from epigrid.core.access import Role
from epigrid.core.days import local_moment

# Readings outside this range are typing mistakes, not temperatures (°C).
TEMPERATURE_MIN = Decimal("34.0")
TEMPERATURE_MAX = Decimal("43.0")
# Local time by which each slot's record is due; a slot still empty after it is missed.
DUE: dict[str, datetime.time] = {FollowUp.Slot.MORNING: datetime.time(12, 0),
                                 FollowUp.Slot.EVENING: datetime.time(20, 0)}
SLOTS = (FollowUp.Slot.MORNING, FollowUp.Slot.EVENING)
# How far back a run looks for empty slots: a task that stopped for a day or two still flags
# them, without scanning every day of every open quarantine on each run.
MISSED_LOOKBACK_DAYS = 3
# Who is told: the village's officials 村干部 and the person's grid worker 网格员; at a site, its
# medical staff (by room, without the person's name: they may not see the person's record).
FEVER_ROLES = (Role.AREA_OFFICER,)
MISSED_ROLES = (Role.AREA_OFFICER,)


def fever_threshold() -> Decimal:
    return Decimal(str(settings.FEVER_THRESHOLD))


def is_abnormal(temperature: Decimal, symptoms: str) -> bool:
    return temperature >= fever_threshold() or bool(symptoms.strip())


def deadline(day: datetime.date, slot: str) -> datetime.datetime:
    return local_moment(day, DUE[slot])


@dataclass(frozen=True)
class Recorded:
    follow_up: FollowUp
    escalated: bool  # the case moved to FEVER and the quarantine ended
    abnormal: bool
    resent: bool = False  # the same reading was stored before: nothing done again


def _check(quarantine: Quarantine, day: datetime.date, slot: str,
           temperature: Decimal) -> None:
    if quarantine.ended_on is not None:
        raise ValidationError(_("This quarantine ended on %(day)s; no more follow-ups.")
                              % {"day": quarantine.ended_on.isoformat()})
    errors: dict[str, str] = {}
    if slot not in DUE:
        errors["slot"] = _("Choose morning or evening.")
    if day > timezone.localdate():
        errors["day"] = _("A follow-up cannot be recorded for a future day.")
    elif day < quarantine.starts_on:
        errors["day"] = _("The quarantine started on %(start)s.") % {
            "start": quarantine.starts_on.isoformat()}
    if not temperature.is_finite() or not TEMPERATURE_MIN <= temperature <= TEMPERATURE_MAX:
        errors["temperature"] = _("%(value)s °C is not a body temperature: enter 34.0 to "
                                  "43.0.") % {"value": temperature}
    if errors:
        raise ValidationError(errors)


def _tenths(value: Decimal) -> Decimal:
    """The temperature to the tenth, as stored. One no thermometer reads (past a thousand, or no
    number at all) stays as it is for _check to refuse: rounding it would overflow."""
    return value.quantize(Decimal("0.1")) if value.is_finite() and abs(value) < 1000 else value


@transaction.atomic
def record_follow_up(quarantine: Quarantine, *, day: datetime.date, slot: str,
                     temperature: Decimal, symptoms: str = "", by: Any) -> Recorded:
    """Record one slot's check; a fever or symptom escalates a close contact to FEVER."""
    quarantine = Quarantine.objects.select_for_update(of=("self",)).select_related(
        "case__person", "site__area", "room").get(pk=quarantine.pk)
    temperature = _tenths(Decimal(temperature))
    symptoms = symptoms.strip()[:200]
    stored = FollowUp.objects.filter(quarantine=quarantine, day=day, slot=slot).first()
    if stored is not None and (stored.temperature, stored.symptoms) == (temperature, symptoms):
        # The same reading sent again (a phone's queue resending after the answer was lost in
        # a stairwell): stored once, told once, even if it ended the quarantine.
        return Recorded(follow_up=stored, escalated=False, resent=True,
                        abnormal=is_abnormal(temperature, symptoms))
    _check(quarantine, day, slot, temperature)
    try:
        with transaction.atomic():
            follow_up = FollowUp.objects.create(
                quarantine=quarantine, area_path=quarantine.area_path, day=day, slot=slot,
                temperature=temperature, symptoms=symptoms, recorded_by=by)
    except IntegrityError as exc:
        raise ValidationError({"slot": _("The %(slot)s follow-up of %(day)s is already "
                                         "recorded.") % {"slot": FollowUp.Slot(slot).label,
                                                         "day": day.isoformat()}}) from exc
    MissedFollowUp.objects.filter(quarantine=quarantine, day=day, slot=slot,
                                  caught_up_at__isnull=True).update(caught_up_at=timezone.now())
    abnormal = is_abnormal(temperature, symptoms)
    escalated = False
    if abnormal and quarantine.case.state == State.QUARANTINED:
        what = _("%(temperature)s °C") % {"temperature": temperature}
        services.transition(quarantine.case, State.FEVER, by=by, evidence=Evidence.FOLLOW_UP,
                            reason=_("Follow-up %(day)s %(slot)s: %(what)s") % {
                                "day": day.isoformat(), "slot": follow_up.get_slot_display(),
                                "what": ", ".join(filter(None, [what, symptoms]))})
        quarantine.ended_on, quarantine.outcome = day, Quarantine.Outcome.ESCALATED
        quarantine.save(update_fields=["ended_on", "outcome", "updated_at"])
        escalated = True
    if abnormal:
        # An asymptomatic infection with a fever stays isolated: a clinician decides its state.
        transaction.on_commit(lambda: _tell_fever(quarantine, follow_up, escalated))
    return Recorded(follow_up=follow_up, escalated=escalated, abnormal=abnormal)


def _reading(follow_up: FollowUp, escalated: bool) -> str:
    """A fever notice's body, in the language active."""
    reading = _("%(temperature)s °C at the %(slot)s follow-up of %(day)s") % {
        "temperature": follow_up.temperature, "slot": follow_up.get_slot_display(),
        "day": follow_up.day.isoformat()}
    if follow_up.symptoms:
        reading += _("; symptoms: %(symptoms)s") % {"symptoms": follow_up.symptoms}
    then = (_("The case is now “fever, not ruled out”: arrange a fever clinic visit.")
            if escalated else _("A clinician should decide the case's state."))
    return f"{reading}. {then}"


def _tell_fever(quarantine: Quarantine, follow_up: FollowUp, escalated: bool) -> None:
    person = quarantine.case.person
    link = reverse("cases:quarantine_detail", args=[quarantine.pk])
    words = worded(lambda: (_("Fever in quarantine: %(name)s") % {"name": person.name},
                            _reading(follow_up, escalated)))
    village = villages_of({quarantine.area_path}).get(quarantine.area_path)
    paths = [village.path] if village is not None else [quarantine.area_path]
    notify(paths, FEVER_ROLES, words, link=link)
    notify([quarantine.area_path], (Role.GRID_WORKER,), words, link=link)
    if quarantine.kind == Quarantine.Kind.CENTRALIZED and quarantine.site is not None:
        site: Facility = quarantine.site
        room = quarantine.room.number if quarantine.room else "—"
        notify([site.area.path], (Role.MEDICAL,), worded(lambda: (
            _("Fever at %(site)s, room %(room)s") % {"site": site.name, "room": room},
            _reading(follow_up, escalated))), link=link)


# --- today's lists -----------------------------------------------------------------------------

@dataclass
class TodayRow:
    quarantine: Quarantine
    records: dict[str, FollowUp | None] = field(default_factory=dict)
    missed: set[str] = field(default_factory=set)

    @property
    def person(self) -> Any:
        return self.quarantine.case.person

    @property
    def due(self) -> list[str]:
        return [slot for slot in SLOTS if self.records.get(slot) is None]


def open_on(quarantines: QuerySet[Quarantine], day: datetime.date) -> QuerySet[Quarantine]:
    """The quarantines to follow up on `day`, in the round's order (by place, then name)."""
    return quarantines.filter(ended_on__isnull=True, starts_on__lte=day).select_related(
        "case__person", "case__grid", "site", "room").order_by(
        "area_path", "case__person__name", "pk")


def rows_of(found: Iterable[Quarantine], day: datetime.date) -> list[TodayRow]:
    """The quarantines with the day's records and misses: two queries however many."""
    rows = {q.pk: TodayRow(quarantine=q, records=dict.fromkeys(SLOTS)) for q in found}
    for follow_up in FollowUp.objects.filter(quarantine_id__in=rows, day=day):
        rows[follow_up.quarantine_id].records[follow_up.slot] = follow_up
    for miss in MissedFollowUp.objects.filter(quarantine_id__in=rows, day=day,
                                              caught_up_at__isnull=True):
        rows[miss.quarantine_id].missed.add(miss.slot)
    return list(rows.values())


def today_rows(quarantines: QuerySet[Quarantine], day: datetime.date,
               limit: int = 500) -> list[TodayRow]:
    """The first `limit` open quarantines with the day's records and misses: three queries."""
    return rows_of(open_on(quarantines, day)[:limit], day)


def home_quarantines(user: Any) -> QuerySet[Quarantine]:
    """A grid worker's round: the home quarantines of the grids she sees."""
    return Quarantine.objects.restrict(user).filter(kind=Quarantine.Kind.HOME)


def site_quarantines(user: Any, site: Facility) -> QuerySet[Quarantine]:
    """A quarantine site's round: its centralized quarantines (of the people the user sees)."""
    return Quarantine.objects.restrict(user).filter(site=site)


def home_today(user: Any, day: datetime.date) -> list[TodayRow]:
    return today_rows(home_quarantines(user), day)


# --- missed follow-ups -------------------------------------------------------------------------

def _empty_slots(quarantine: dict[str, Any], now: datetime.datetime,
                 first: datetime.date) -> Iterable[tuple[datetime.date, str]]:
    day = max(quarantine["starts_on"], first)
    while day <= timezone.localdate(now):
        for slot in SLOTS:
            due = deadline(day, slot)
            # Due strictly before now, and after the quarantine was entered: a morning that
            # ended before the person was placed in quarantine is nobody's miss.
            if quarantine["created_at"] < due < now:
                yield day, slot
        day += datetime.timedelta(days=1)


def flag_missed(now: datetime.datetime | None = None, batch: int = 1000) -> int:
    """Write a MissedFollowUp for every slot past its deadline without a record."""
    now = now or timezone.now()
    first = timezone.localdate(now) - datetime.timedelta(days=MISSED_LOOKBACK_DAYS)
    flagged = 0
    rows = open_quarantines().filter(starts_on__lte=timezone.localdate(now)).order_by(
        "pk").values("pk", "area_path", "starts_on", "created_at")
    chunk: list[Any] = []
    for quarantine in rows.iterator(chunk_size=batch):
        chunk.append(quarantine)
        if len(chunk) == batch:
            flagged += _flag_chunk(chunk, now, first)
            chunk = []
    if chunk:
        flagged += _flag_chunk(chunk, now, first)
    return flagged


def _flag_chunk(chunk: list[dict[str, Any]], now: datetime.datetime,
                first: datetime.date) -> int:
    ids = [q["pk"] for q in chunk]
    done = set(FollowUp.objects.filter(quarantine_id__in=ids, day__gte=first).values_list(
        "quarantine_id", "day", "slot"))
    done |= set(MissedFollowUp.objects.filter(quarantine_id__in=ids, day__gte=first)
                .values_list("quarantine_id", "day", "slot"))
    new = [MissedFollowUp(quarantine_id=q["pk"], area_path=q["area_path"], day=day, slot=slot)
           for q in chunk for day, slot in _empty_slots(q, now, first)
           if (q["pk"], day, slot) not in done]
    # ignore_conflicts: a follow-up or another run may have won the race for a slot.
    MissedFollowUp.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


@transaction.atomic
def escalate_missed(now: datetime.datetime | None = None) -> int:
    """Tell each village of its people's missed, not caught-up, unescalated slots: one notice
    per village. Returns the number of notices."""
    now = now or timezone.now()
    misses = list(MissedFollowUp.objects.select_for_update().filter(
        escalated_at__isnull=True, caught_up_at__isnull=True).order_by("area_path", "day", "slot"))
    if not misses:
        return 0
    MissedFollowUp.objects.filter(pk__in=[m.pk for m in misses]).update(escalated_at=now)
    names = dict(Quarantine.objects.filter(pk__in={m.quarantine_id for m in misses})
                 .values_list("pk", "case__person__name"))
    villages = villages_of({m.area_path for m in misses})
    by_village: dict[str, list[MissedFollowUp]] = defaultdict(list)
    for miss in misses:
        village = villages.get(miss.area_path)
        by_village[village.path if village else miss.area_path].append(miss)
    for path, group in by_village.items():
        words = worded(partial(_missed_wording, group, names))
        transaction.on_commit(partial(notify, [path], MISSED_ROLES, words,
                                      link=reverse("cases:followup_today")))
    return len(by_village)


def _missed_wording(group: list[MissedFollowUp], names: dict[int, str]) -> tuple[str, str]:
    """A village's missed follow-ups' notice, in the language active."""
    lines = [_("%(name)s: %(day)s %(slot)s") % {
        "name": names.get(m.quarantine_id, "?"), "day": m.day.isoformat(),
        "slot": FollowUp.Slot(m.slot).label} for m in group]
    return _("%(count)s follow-ups missed") % {"count": len(group)}, "\n".join(lines)


def check_missed(now: datetime.datetime | None = None) -> tuple[int, int]:
    """Flag the slots missed so far, then escalate them: (slots flagged, notices sent)."""
    flagged = flag_missed(now)
    return flagged, escalate_missed(now)
