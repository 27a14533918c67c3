"""Writes and figures of the bed part 床位: each facility's beds by type, staleness, area totals,
and the patients awaiting a bed 待收治 (admission requests) with the "admit all" 应收尽收 figure.

Every write checks the capability and that the user sees the facility or the case: one outside
their area is refused as missing (Http404), so nothing tells them it exists. The counts' rules
(none negative, occupied + reserved within the total) live in `check_counts`, used by the pages,
the API and the service alike.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from epigrid.areas.models import Area, Facility
from epigrid.care.models import AdmissionRequest, BedStock, BedType, Transfer
from epigrid.cases.models import Case, Severity
from epigrid.cases.states import CATEGORY_OF, Category, State
from epigrid.core.access import Capability, ScopedUser, can, require
from epigrid.core.days import local_moment

COUNTS = ("total", "occupied", "reserved")
# A case in one of these needs a bed (confirmed, suspected, asymptomatic) or a quarantine room
# (close contacts, in or awaiting quarantine).
NEEDS_BED: frozenset[str] = frozenset({State.CONFIRMED, State.SUSPECTED, State.ASYMPTOMATIC,
                                       State.CLOSE_CONTACT, State.QUARANTINED})
PENDING = (AdmissionRequest.Status.WAITING, AdmissionRequest.Status.PLANNED)
# A patient in an ambulance (dispatched) or at the door (arrived) waits no longer.
ON_THE_WAY = (Transfer.Status.DISPATCHED, Transfer.Status.ARRIVED)
ADMIT_ALL_HOURS = 24  # 应收尽收: nobody should wait longer than a day


# --- counts and staleness -----------------------------------------------------------------

def check_counts(total: Any, occupied: Any, reserved: Any) -> dict[str, list[str]]:
    """What is wrong with a facility's counts of one bed type, by field; empty when right."""
    values = {"total": total, "occupied": occupied, "reserved": reserved}
    errors: dict[str, list[str]] = {}
    for name, value in values.items():
        if not isinstance(value, int) or isinstance(value, bool):
            errors[name] = [_("Enter a whole number.")]
        elif value < 0:
            errors[name] = [_("A bed count cannot be negative.")]
    if errors:
        return errors
    if occupied > total:
        errors["occupied"] = [_("A bed count above the total: %(n)s occupied of %(total)s beds.")
                              % {"n": occupied, "total": total}]
    elif occupied + reserved > total:
        errors["reserved"] = [_("A bed count above the total: %(occupied)s occupied and "
                                "%(reserved)s reserved make more than the %(total)s beds.")
                              % {"occupied": occupied, "reserved": reserved, "total": total}]
    return errors


# A figure given up to this long before a set update time counts for it (BEDS_UPDATE_TIMES).
ROUND_EARLY = datetime.timedelta(hours=1)


def stale_before(now: datetime.datetime | None = None) -> datetime.datetime:
    """Figures updated before this moment are stale: older than BEDS_STALE_HOURS, or, where
    the facilities update at set times (BEDS_UPDATE_TIMES), given before the last one's round
    (from ROUND_EARLY before it: at 13:00 a facility updated at 11:30 for 12:00 is current,
    one updated at 10:00 stale)."""
    now = now or timezone.now()
    due = last_update_time(now)
    if due is None:
        return now - datetime.timedelta(hours=settings.BEDS_STALE_HOURS)
    return due - ROUND_EARLY


def last_update_time(now: datetime.datetime) -> datetime.datetime | None:
    """The last of the set update times (local) at or before `now`; None when none are set."""
    times = settings.BEDS_UPDATE_TIMES
    if not times:
        return None
    today = timezone.localdate(now)
    for day in (today, today - datetime.timedelta(days=1)):
        for hour, minute in reversed(times):
            due = local_moment(day, datetime.time(hour, minute))
            if due <= now:
                return due
    return None  # pragma: no cover - yesterday's last time is always past


def is_stale(stock: BedStock, now: datetime.datetime | None = None) -> bool:
    return stock.updated_at < stale_before(now)


def managed_facility(user: ScopedUser, facility_id: int) -> Facility:
    """The facility if the user sees it (missing and elsewhere alike: 404)."""
    found = Facility.objects.restrict(user).select_related("area").filter(pk=facility_id).first()
    if found is None:
        raise Http404(_("No such facility."))
    return found



@transaction.atomic
def update_beds(facility: Facility, bed_type: str, total: int, occupied: int, reserved: int,
                user: Any, *, now: datetime.datetime | None = None) -> BedStock:
    """Set a facility's figures for one bed type (creating the row the first time).

    Entering the same figures again still counts: it confirms them, so they are no longer stale.
    """
    require(user, Capability.UPDATE_BEDS)
    managed_facility(user, facility.pk)
    if bed_type not in BedType.values:
        raise ValidationError({"bed_type": _("Choose a bed type.")})
    errors = check_counts(total, occupied, reserved)
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    stock = BedStock.objects.select_for_update().filter(facility=facility,
                                                        bed_type=bed_type).first()
    if stock is None:
        return BedStock.objects.create(facility=facility, bed_type=bed_type, total=total,
                                       occupied=occupied, reserved=reserved, updated_at=now,
                                       updated_by=user)
    stock.total, stock.occupied, stock.reserved = total, occupied, reserved
    stock.updated_at, stock.updated_by = now, user
    stock.save(update_fields=[*COUNTS, "updated_at", "updated_by"])
    return stock


def update_facility_beds(facility: Facility, figures: Mapping[str, tuple[int, int, int]],
                         user: Any) -> list[BedStock]:
    """All of a facility's bed types at once (the short form): all saved, or none.

    Errors come back keyed "<bed type>-<field>", so a form can put each on its own box.
    """
    errors: dict[str, list[str]] = {}
    for bed_type, counts in figures.items():
        for name, messages in check_counts(*counts).items():
            errors[f"{bed_type}-{name}"] = messages
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        return [update_beds(facility, bed_type, *counts, user=user, now=now)
                for bed_type, counts in figures.items()]


# --- reading the figures --------------------------------------------------------------------

def stocks_within(user: ScopedUser, area: Area) -> QuerySet[BedStock]:
    """The bed rows of the facilities in `area`'s subtree that the user sees."""
    return BedStock.objects.restrict(user).within(area.path).select_related(
        "facility", "facility__area", "updated_by").order_by(
        "facility__name", "facility_id", "bed_type")


# The kinds of site that take patients and so report beds.
BED_KINDS = (Facility.Kind.DESIGNATED_HOSPITAL, Facility.Kind.SHELTER_HOSPITAL,
             Facility.Kind.FEVER_CLINIC, Facility.Kind.QUARANTINE_SITE)


def without_figures(user: ScopedUser, area: Area) -> QuerySet[Facility]:
    """Active facilities of the subtree that take patients but have entered no beds yet."""
    return Facility.objects.restrict(user).within(area.path).filter(
        kind__in=BED_KINDS, active=True, beds__isnull=True).select_related("area").order_by(
        "name")


@dataclass(frozen=True)
class Totals:
    bed_type: str
    label: str
    facilities: int
    total: int
    occupied: int
    reserved: int
    available: int
    stale: int


def area_totals(stocks: QuerySet[BedStock],
                now: datetime.datetime | None = None) -> list[Totals]:
    """Sums per bed type of `stocks` (already scoped), in one GROUP BY query."""
    cutoff = stale_before(now)
    rows = stocks.order_by().values("bed_type").annotate(
        n=Count("facility_id", distinct=True), t=Sum("total"), o=Sum("occupied"),
        r=Sum("reserved"), a=Sum(F("total") - F("occupied") - F("reserved")),
        s=Count("pk", filter=Q(updated_at__lt=cutoff)))
    found = {row["bed_type"]: row for row in rows}
    return [Totals(value, str(label), row["n"], row["t"] or 0, row["o"] or 0, row["r"] or 0,
                   max(0, row["a"] or 0), row["s"])
            for value, label in BedType.choices if (row := found.get(value))]


# --- patients awaiting a bed ----------------------------------------------------------------

def may_request(user: ScopedUser) -> bool:
    return can(user, Capability.CHANGE_CASES) or can(user, Capability.PLAN_TRANSFERS)


def needs_bed(case: Case) -> bool:
    return case.is_open and case.state in NEEDS_BED


@transaction.atomic
def request_admission(case: Case, pickup_area: Area | None, severity: str, user: Any,
                      note: str = "", *,
                      waiting_since: datetime.datetime | None = None) -> AdmissionRequest:
    """Put a case on the list of patients awaiting a bed or a room (one pending per case)."""
    if not may_request(user):
        raise PermissionDenied(_("Your role may not ask for a bed."))
    locked = Case.objects.restrict(user).select_for_update().filter(pk=case.pk).first()
    if locked is None:
        raise Http404(_("No such case."))
    case = locked
    if not needs_bed(case):
        raise ValidationError(_("A case that is “%(state)s” does not wait for a bed: only open "
                                "confirmed, suspected, asymptomatic cases and close contacts "
                                "do.") % {"state": case.get_state_display()})
    pickup = pickup_area or case.grid
    if not Area.objects.restrict(user).filter(pk=pickup.pk).exists():
        raise ValidationError({"pickup_area": _("Choose a pick-up area among the areas you may "
                                                "see.")})
    if severity and severity not in Severity.values:
        raise ValidationError({"severity": _("Choose a severity.")})
    now = timezone.now()
    since = waiting_since or now
    if timezone.is_naive(since):
        raise ValueError("waiting_since must be aware")
    if since > now + datetime.timedelta(minutes=5):
        raise ValidationError({"waiting_since": _("A wait cannot start in the future.")})
    if AdmissionRequest.objects.filter(case=case, status__in=PENDING).exists():
        raise ValidationError(_("This case already waits for a bed; cancel that request first "
                                "to make a new one."))
    request = AdmissionRequest(case=case, area_path=case.area_path, pickup_area=pickup,
                               severity=severity or case.severity, waiting_since=since,
                               note=note.strip()[:300])
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError as exc:  # a concurrent request was first
        raise ValidationError(_("This case already waits for a bed; cancel that request first "
                                "to make a new one.")) from exc
    return request


@transaction.atomic
def cancel_request(request: AdmissionRequest, user: Any) -> AdmissionRequest:
    """Take a patient off the waiting list (no longer needs a bed, went elsewhere)."""
    if not may_request(user):
        raise PermissionDenied(_("Your role may not cancel a request for a bed."))
    found = AdmissionRequest.objects.restrict(user).select_for_update().filter(
        pk=request.pk).first()
    if found is None:
        raise Http404(_("No such request."))
    if found.status not in PENDING:
        raise ValidationError(_("Only a waiting request can be cancelled; this one is "
                                "“%(status)s”.") % {"status": found.get_status_display()})
    if Transfer.objects.filter(request=found, status__in=ON_THE_WAY).exists():
        raise ValidationError(_("The patient is on the way to a facility: record the "
                                "transfer's outcome instead."))
    found.status = AdmissionRequest.Status.CANCELLED
    found.save(update_fields=["status"])
    return found


def pending(user: ScopedUser) -> QuerySet[AdmissionRequest]:
    """Requests still waiting (or planned) whose patient is not yet on the way."""
    on_the_way = Transfer.objects.filter(status__in=ON_THE_WAY).values("request_id")
    return AdmissionRequest.objects.restrict(user).filter(status__in=PENDING).exclude(
        pk__in=on_the_way)


def admit_all_cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    """Waiting since this moment or earlier: over 24 hours, the 应收尽收 figure."""
    return (now or timezone.now()) - datetime.timedelta(hours=ADMIT_ALL_HOURS)


@dataclass(frozen=True)
class AwaitingFilters:
    area: Area | None = None
    severity: str = ""
    category: str = ""
    over_24h: bool = False


def awaiting(user: ScopedUser, filters: AwaitingFilters,
             now: datetime.datetime | None = None) -> QuerySet[AdmissionRequest]:
    """The patients awaiting a bed, longest wait first, filtered."""
    rows = pending(user).select_related("case", "case__person", "pickup_area")
    if filters.area is not None:
        rows = rows.within(filters.area.path)  # type: ignore[attr-defined]
    if filters.severity:
        rows = rows.filter(Q(severity=filters.severity)
                           | Q(severity="", case__severity=filters.severity))
    if filters.category:
        rows = rows.filter(case__state__in=[state for state, of in CATEGORY_OF.items()
                                            if of == filters.category])
    if filters.over_24h:
        rows = rows.filter(waiting_since__lte=admit_all_cutoff(now))
    return rows.order_by("waiting_since", "pk")


def awaiting_figures(user: ScopedUser, area: Area | None,
                     now: datetime.datetime | None = None) -> dict[str, int]:
    """How many wait, and how many over 24 h (应收尽收), in one query."""
    rows = pending(user)
    if area is not None:
        rows = rows.within(area.path)  # type: ignore[attr-defined]
    return rows.aggregate(awaiting=Count("pk"), over_24h=Count(
        "pk", filter=Q(waiting_since__lte=admit_all_cutoff(now))))


@dataclass(frozen=True)
class Share:
    """One kind of the waiting patients: a category or a severity, with the filter it opens."""

    label: str
    count: int
    query: str  # "category=confirmed", "severity=severe"


SEVERE = (Severity.SEVERE, Severity.CRITICAL)


def awaiting_shares(user: ScopedUser, area: Area | None) -> list[Share]:
    """Who waits, by category (those with none left out) and the severe and critical among
    them (the request's severity, else the case's), in one query."""
    rows = pending(user)
    if area is not None:
        rows = rows.within(area.path)  # type: ignore[attr-defined]
    counts = {f"c_{category}": Count("pk", filter=Q(case__state__in=[
        state for state, of in CATEGORY_OF.items() if of == category]))
        for category in Category.values}
    counts |= {f"s_{severity}": Count("pk", filter=Q(severity=severity)
                                      | Q(severity="", case__severity=severity))
               for severity in SEVERE}
    found = rows.order_by().aggregate(**counts)
    shares = [Share(str(label), found[f"c_{value}"], f"category={value}")
              for value, label in Category.choices if found[f"c_{value}"]]
    return shares + [Share(str(Severity(value).label), found[f"s_{value}"], f"severity={value}")
                     for value in SEVERE if found[f"s_{value}"]]


def waited_hours(request: AdmissionRequest, now: datetime.datetime | None = None) -> float:
    return ((now or timezone.now()) - request.waiting_since).total_seconds() / 3600
