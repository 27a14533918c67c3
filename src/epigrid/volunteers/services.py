"""Writes of volunteers 志愿者, projects 志愿服务项目 and hours served 服务时长.

Pages, the API, the importer and the demo all come here; a refusal is a ValidationError naming
the field (`core.errors`).

Rules:
- a volunteer has a name and a mainland mobile number registered once among those who have not
  left (a phone registered elsewhere is refused, naming where), registers on a day not in the
  future (corrected later, not after their first hours nor after they left), and leaves
  once, on a day not before registering, not in the future and not before a day they have
  hours recorded (their sign-ups to projects are withdrawn then);
- a project has a kind and a name unique in its area, starts on a day not more than 30 days
  ahead, ends (if it says) on a day not before it starts (corrected later, its days still
  holding its hours, the volunteers it needs not below those signed up); it is closed once,
  on a day not before it starts, not in the future and not before a day it has hours
  recorded;
- hours are recorded for a volunteer the recorder sees, on a day the project is open and the
  volunteer registered, not in the future: more than 0 and at most 24, in half hours, once a
  day per project (a second record is refused, naming the hours of the first), and at most 24
  a day across projects;
- a record withdrawn takes back the claim confirmed into it (declined, saying so);
- whoever writes must see the area (None, the system itself, sees all).
"""

from __future__ import annotations

import datetime
from decimal import Decimal, Inexact, InvalidOperation, localcontext
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Min, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from epigrid.areas.access import own_area, sees
from epigrid.areas.models import Area
from epigrid.core.days import local_day
from epigrid.core.errors import Errors, add, not_future, refuse, required, within_length
from epigrid.core.identity import parse_mobile
from epigrid.core.locks import VOLUNTEER_PHONES, lock_phone
from epigrid.core.models import save_changed
from epigrid.volunteers.models import (
    DAY_HOURS,
    ClaimState,
    HoursClaim,
    Project,
    ProjectKind,
    ServiceRecord,
    Volunteer,
)

START_AHEAD_DAYS = 30  # a project announced for next month is recorded; next year's is a typo
HALF = Decimal("0.5")
NOTE_LENGTH = ServiceRecord._meta.get_field("note").max_length or 0
TENTH = Decimal("0.1")


def _phone(errors: Errors, raw: str) -> str:
    try:
        return parse_mobile(raw)
    except ValidationError as error:
        for message in error.messages:
            add(errors, "phone", message)
        return ""


def _phone_free(errors: Errors, phone: str, volunteer: Volunteer | None = None) -> None:
    """The phone is registered to no other volunteer who has not left. Two desks registering
    it at once: the second waits, then is refused naming where (not the partial unique index's
    500, which stays the floor)."""
    lock_phone(VOLUNTEER_PHONES, phone)
    others = Volunteer.objects.select_related("area").filter(phone=phone, left_on__isnull=True)
    other = (others.exclude(pk=volunteer.pk) if volunteer is not None else others).first()
    if other is not None:
        add(errors, "phone", _("%(name)s, with this phone, is registered in %(area)s since "
                               "%(day)s.") % {"name": other.name, "area": other.area.name,
                                              "day": other.registered_on.isoformat()})


@transaction.atomic
def register(area: Area, *, by: Any, name: str, phone: str, registered_on: datetime.date,
             skills: str = "", party_member: bool = False, account: Any = None) -> Volunteer:
    errors: Errors = {}
    own_area(errors, by, area)
    name = required(errors, "name", name, _("Name the volunteer."))
    phone = _phone(errors, phone)
    if phone:
        _phone_free(errors, phone)
    not_future(errors, "registered_on", registered_on)
    refuse(errors)
    return Volunteer.objects.create(area=area, name=name, phone=phone, skills=skills.strip(),
                                    party_member=party_member, registered_on=registered_on,
                                    created_by=by, account=account)


@transaction.atomic
def change_volunteer(volunteer: Volunteer, *, by: Any, name: str, phone: str, skills: str,
                     party_member: bool, registered_on: datetime.date) -> Volunteer:
    """Correct a volunteer's record (a name or a phone typed wrongly, skills learnt, the day
    they registered found on the paper roster): the rules of registering, and a day registered
    not after their first hours nor after they left."""
    volunteer = (Volunteer.objects.select_for_update(of=("self",)).select_related("area")
                 .get(pk=volunteer.pk))
    errors: Errors = {}
    own_area(errors, by, volunteer.area)
    name = required(errors, "name", name, _("Name the volunteer."))
    phone = _phone(errors, phone)
    if phone and phone != volunteer.phone and volunteer.left_on is None:
        _phone_free(errors, phone, volunteer)
    not_future(errors, "registered_on", registered_on)
    first = (ServiceRecord.objects.filter(volunteer=volunteer)
             .aggregate(first=Min("served_on"))["first"])
    if first is not None and registered_on > first:
        add(errors, "registered_on", _("Hours are recorded on %(day)s, before that day.")
            % {"day": first.isoformat()})
    if volunteer.left_on is not None and registered_on > volunteer.left_on:
        add(errors, "registered_on", _("%(name)s left on %(day)s.")
            % {"name": volunteer.name, "day": volunteer.left_on.isoformat()})
    refuse(errors)
    values = {"name": name, "phone": phone, "skills": skills.strip(),
              "party_member": party_member, "registered_on": registered_on}
    save_changed(volunteer, values)
    return volunteer


def _no_hours_after(errors: Errors, records: QuerySet[ServiceRecord],
                    day: datetime.date) -> None:
    """Leaving or closing on `day` would strand the hours recorded after it."""
    last = records.filter(served_on__gt=day).aggregate(last=Max("served_on"))["last"]
    if last is not None:
        add(errors, "on", _("Hours are recorded on %(day)s, after that day: withdraw them "
                            "first.") % {"day": last.isoformat()})


@transaction.atomic
def leave(volunteer: Volunteer, *, by: Any, on: datetime.date) -> Volunteer:
    """退出: the volunteer serves no more after `on`."""
    volunteer = (Volunteer.objects.select_for_update(of=("self",)).select_related("area")
                 .get(pk=volunteer.pk))
    errors: Errors = {}
    own_area(errors, by, volunteer.area)
    if volunteer.left_on is not None:
        add(errors, "__all__", _("%(name)s left on %(day)s.")
            % {"name": volunteer.name, "day": volunteer.left_on.isoformat()})
    if on < volunteer.registered_on:
        add(errors, "on", _("%(name)s registered on %(day)s.")
            % {"name": volunteer.name, "day": volunteer.registered_on.isoformat()})
    not_future(errors, "on", on)
    _no_hours_after(errors, ServiceRecord.objects.filter(volunteer=volunteer), on)
    refuse(errors)
    volunteer.left_on = on
    volunteer.save(update_fields=["left_on", "updated_at"])
    # Their places on projects are given up: a project is not kept full by those who left.
    for signup in volunteer.signups.filter(withdrawn_at__isnull=True):
        signup.withdrawn_at = timezone.now()
        signup.save(update_fields=["withdrawn_at", "updated_at"])
    return volunteer


def _kind_and_name(errors: Errors, area: Area, kind: str, name: str,
                   project: Project | None = None) -> str:
    """A kind of project, and a name no other project of the area has: the name, stripped."""
    if kind not in ProjectKind.values:
        add(errors, "kind", _("Choose the kind of project."))
    name = required(errors, "name", name, _("Name the project."))
    others = Project.objects.filter(area=area, name=name)
    if name and (others.exclude(pk=project.pk) if project is not None else others).exists():
        add(errors, "name", _("%(area)s has a project named %(name)s already.")
            % {"area": area.name, "name": name})
    return name


@transaction.atomic
def open_project(area: Area, *, by: Any, kind: str, name: str, starts_on: datetime.date,
                 ends_on: datetime.date | None = None, volunteers_needed: int = 0,
                 description: str = "") -> Project:
    errors: Errors = {}
    own_area(errors, by, area)
    name = _kind_and_name(errors, area, kind, name)
    if starts_on > local_day() + datetime.timedelta(days=START_AHEAD_DAYS):
        add(errors, "starts_on", _("A project starts at most %(days)s days ahead.")
            % {"days": START_AHEAD_DAYS})
    if ends_on is not None and ends_on < starts_on:
        add(errors, "ends_on", _("A project ends on or after the day it starts."))
    if volunteers_needed < 0:
        add(errors, "volunteers_needed", _("Say how many volunteers it needs, or 0."))
    refuse(errors)
    return Project.objects.create(area=area, kind=kind, name=name, starts_on=starts_on,
                                  ends_on=ends_on, volunteers_needed=volunteers_needed,
                                  description=description.strip(), created_by=by)


@transaction.atomic
def change_project(project: Project, *, by: Any, kind: str, name: str, description: str,
                   volunteers_needed: int, starts_on: datetime.date,
                   ends_on: datetime.date | None) -> Project:
    """Correct a project (its name, what it is, the volunteers it needs, its days): the rules
    of opening it, its days still holding the hours recorded on it, and the volunteers it needs
    not below those signed up (withdraw some first)."""
    project = (Project.objects.select_for_update(of=("self",)).select_related("area")
               .get(pk=project.pk))
    errors: Errors = {}
    own_area(errors, by, project.area)
    name = _kind_and_name(errors, project.area, kind, name, project)
    if starts_on != project.starts_on and starts_on > local_day() + datetime.timedelta(
            days=START_AHEAD_DAYS):
        add(errors, "starts_on", _("A project starts at most %(days)s days ahead.")
            % {"days": START_AHEAD_DAYS})
    served = project.records.aggregate(first=Min("served_on"), last=Max("served_on"))
    if served["first"] is not None and starts_on > served["first"]:
        add(errors, "starts_on", _("Hours are recorded on %(day)s, before that day.")
            % {"day": served["first"].isoformat()})
    if ends_on is not None and ends_on < starts_on:
        add(errors, "ends_on", _("A project ends on or after the day it starts."))
    elif ends_on is not None and served["last"] is not None and ends_on < served["last"]:
        add(errors, "ends_on", _("Hours are recorded on %(day)s, after that day: withdraw them "
                                 "first.") % {"day": served["last"].isoformat()})
    signed = project.signups.filter(withdrawn_at__isnull=True).count()
    if volunteers_needed < 0:
        add(errors, "volunteers_needed", _("Say how many volunteers it needs, or 0."))
    elif 0 < volunteers_needed < signed:
        add(errors, "volunteers_needed", _("%(n)d volunteers are signed up to it: withdraw some "
                                           "first, or say 0.") % {"n": signed})
    refuse(errors)
    values = {"kind": kind, "name": name, "description": description.strip(),
              "volunteers_needed": volunteers_needed, "starts_on": starts_on,
              "ends_on": ends_on}
    save_changed(project, values)
    return project


@transaction.atomic
def close_project(project: Project, *, by: Any, on: datetime.date) -> Project:
    project = (Project.objects.select_for_update(of=("self",)).select_related("area")
               .get(pk=project.pk))
    errors: Errors = {}
    own_area(errors, by, project.area)
    if project.closed_on is not None:
        add(errors, "__all__", _("The project closed on %(day)s.")
            % {"day": project.closed_on.isoformat()})
    if on < project.starts_on:
        add(errors, "on", _("The project starts on %(day)s.")
            % {"day": project.starts_on.isoformat()})
    not_future(errors, "on", on)
    _no_hours_after(errors, project.records.all(), on)
    refuse(errors)
    project.closed_on = on
    project.save(update_fields=["closed_on", "updated_at"])
    return project


def parse_hours(raw: Any) -> Decimal | None:
    """Hours as a Decimal in half hours, more than 0 and at most 24; None when not such."""
    try:
        hours = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        return None
    if not hours.is_finite() or hours <= 0 or hours > DAY_HOURS or not _in_halves(hours):
        return None
    return hours.quantize(TENTH)


def _in_halves(hours: Decimal) -> bool:
    """Whether `hours` is a whole number of half hours, worked out exactly: in the default
    context a tiny remainder (1E-999999999) underflows to 0 and would pass for a half."""
    with localcontext() as context:
        context.traps[Inexact] = True
        try:
            return hours % HALF == 0
        except Inexact:  # a remainder that had to be rounded is no 0
            return False


def check_day(errors: Errors, project: Project, volunteer: Volunteer,
              day: datetime.date) -> None:
    if not project.is_open(day):
        last = project.last_day
        add(errors, "served_on", _("The project is open from %(start)s to %(end)s.") % {
            "start": project.starts_on.isoformat(),
            "end": last.isoformat() if last else _("no end set")})
    if not volunteer.is_active(day):
        add(errors, "served_on", _("%(name)s was not registered on %(day)s.")
            % {"name": volunteer.name, "day": day.isoformat()})
    not_future(errors, "served_on", day)


def check_day_total(errors: Errors, volunteer: Volunteer, day: datetime.date,
                    amount: Decimal) -> None:
    """`amount` more hours on `day` keep the volunteer's day within 24 (the caller holds the
    volunteer's row, so two desks cannot pass 24 between them)."""
    that_day = (ServiceRecord.objects.filter(volunteer=volunteer, served_on=day)
                .aggregate(total=Sum("hours"))["total"]) or Decimal(0)
    # SQLite sums to 20, PostgreSQL to 20.0: the message reads as the records do.
    that_day = that_day.quantize(TENTH)
    if that_day + amount > DAY_HOURS:
        add(errors, "hours", _("%(name)s has %(hours)s hours on %(day)s already: a day has 24.")
            % {"name": volunteer.name, "hours": that_day, "day": day.isoformat()})


def lock_rows(project: Project, volunteer: Volunteer) -> tuple[Project, Volunteer]:
    """The project's row and the volunteer's, locked in that order (in a transaction). Every
    write of hours, recorded or claimed, locks them so: locked the other way round, a claim and
    a desk recording the same volunteer on the same project deadlocked."""
    project = (Project.objects.select_for_update(of=("self",)).select_related("area")
               .get(pk=project.pk))
    volunteer = (Volunteer.objects.select_for_update(of=("self",)).select_related("area")
                 .get(pk=volunteer.pk))
    return project, volunteer


@transaction.atomic
def record_hours(project: Project, volunteer: Volunteer, *, by: Any, served_on: datetime.date,
                 hours: Any, note: str = "") -> ServiceRecord:
    # The project's row is locked so that it is not closed meanwhile, the volunteer's so that
    # two desks recording the same day add up once (and the volunteer does not leave meanwhile).
    project, volunteer = lock_rows(project, volunteer)
    errors: Errors = {}
    own_area(errors, by, project.area)
    if not sees(by, volunteer.area.path):
        add(errors, "volunteer", _("Choose a volunteer of your own areas."))
    amount = parse_hours(hours)
    if amount is None:
        add(errors, "hours", _("Hours are more than 0 and at most 24, in half hours."))
    check_day(errors, project, volunteer, served_on)
    same = ServiceRecord.objects.filter(project=project, volunteer=volunteer,
                                        served_on=served_on).first()
    if same is not None:
        add(errors, "served_on", _("%(name)s has %(hours)s hours on this project on %(day)s "
                                   "already.") % {"name": volunteer.name, "hours": same.hours,
                                                  "day": served_on.isoformat()})
    elif amount is not None:
        check_day_total(errors, volunteer, served_on, amount)
    note = within_length(errors, "note", note, NOTE_LENGTH)
    refuse(errors)
    assert amount is not None  # noqa: S101 - refused above when it was not
    return ServiceRecord.objects.create(project=project, volunteer=volunteer,
                                        served_on=served_on, hours=amount, note=note,
                                        recorded_by=by)


@transaction.atomic
def withdraw_hours(record: ServiceRecord, *, by: Any) -> None:
    """A record typed wrongly is withdrawn (the audit log keeps it) and recorded again."""
    record = ServiceRecord.objects.select_related("project__area").get(pk=record.pk)
    errors: Errors = {}
    own_area(errors, by, record.project.area)
    refuse(errors)
    # A claim confirmed into this record no longer stands: it reads as declined, saying why,
    # and the volunteer may claim the day again.
    for claim in HoursClaim.objects.filter(record=record, state=ClaimState.CONFIRMED):
        claim.state, claim.reason = ClaimState.DECLINED, _("The hours recorded were withdrawn.")
        claim.decided_by, claim.decided_at = by, timezone.now()
        claim.save(update_fields=["state", "reason", "decided_by", "decided_at", "updated_at"])
    record.delete()
