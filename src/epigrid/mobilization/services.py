"""Writes of teams, people sent down 下沉 and commendations 表彰. The fund: funds.py.

Pages, the API, the importer and the demo all come here; a refusal is a ValidationError naming
the field (`core.errors`).

Rules:
- a team has a kind, a name unique in its area, a batch only if it is a medical team, and is
  formed on a day not in the future; it stands down on a day not before it was formed, and its
  members still on duty leave with it;
- a person sent down has a name, a work unit and a mainland mobile number, arrives on a day
  not more than 30 days ahead, is on duty in one place at a time (a phone already on duty
  elsewhere is refused, naming where), and joins a team of the area's subtree or above it that
  has not stood down; they leave on a day not before they arrived and not in the future;
- a commendation honours one of: a person sent down, a team, or a recipient named, of the
  area's subtree, on a day not in the future;
- whoever writes must see the area (None, the system itself, sees all).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from epigrid.areas.access import own_area
from epigrid.areas.models import Area
from epigrid.core.days import local_day
from epigrid.core.errors import Errors, add, not_future, refuse, required
from epigrid.core.identity import parse_mobile
from epigrid.core.locks import DEPLOYED_PHONES, lock_phone
from epigrid.core.models import save_changed
from epigrid.mobilization.models import Commendation, Deployment, Team, TeamKind

ARRIVAL_AHEAD_DAYS = 30  # a posting announced for next month is recorded; next year's is a typo


def _team_fields(errors: Errors, area: Area, kind: str, name: str, batch: int | None,
                 formed_on: datetime.date, team: Team | None = None) -> str:
    """A kind, a name no other team of the area has, a batch for a medical team only, a day
    formed not in the future: the name, stripped."""
    if kind not in TeamKind.values:
        add(errors, "kind", _("Choose the kind of team."))
    name = required(errors, "name", name, _("Name the team."))
    others = Team.objects.filter(area=area, name=name)
    if name and (others.exclude(pk=team.pk) if team is not None else others).exists():
        add(errors, "name", _("%(area)s has a team named %(name)s already.")
            % {"area": area.name, "name": name})
    if batch is not None and kind != TeamKind.MEDICAL:
        add(errors, "batch", _("Only a medical team is dispatched in batches."))
    if batch is not None and batch < 1:
        add(errors, "batch", _("A batch is numbered from 1."))
    not_future(errors, "formed_on", formed_on)
    return name


def _person_fields(errors: Errors, name: str, unit: str, phone: str, arrived_on: datetime.date,
                   deployment: Deployment | None = None) -> tuple[str, str, str]:
    """A name, a unit, a mainland mobile no one else is on duty with (checked when it is new
    to a person on duty), a day of arrival not too far ahead: the name, unit and mobile."""
    name = required(errors, "name", name, _("Give the person's name."))
    unit = required(errors, "unit", unit, _("Give the unit that sent them."))
    mobile = ""
    try:
        mobile = parse_mobile(phone)
    except ValidationError as error:
        add(errors, "phone", error.messages[0])
    unchanged = deployment is not None and (mobile == deployment.phone
                                            or deployment.left_on is not None)
    if mobile and not unchanged:
        _lock_phone(mobile)
        elsewhere = on_duty_elsewhere(mobile, exclude=deployment.pk if deployment else None)
        if elsewhere is not None:
            add(errors, "phone", _("%(name)s is on duty in %(area)s since %(day)s.")
                % {"name": elsewhere.name, "area": elsewhere.area.name,
                   "day": elsewhere.arrived_on.isoformat()})
    if arrived_on > local_day() + datetime.timedelta(days=ARRIVAL_AHEAD_DAYS):
        add(errors, "arrived_on", _("%(day)s is more than %(n)d days ahead.")
            % {"day": arrived_on.isoformat(), "n": ARRIVAL_AHEAD_DAYS})
    return name, unit, mobile


@transaction.atomic
def form_team(area: Area, *, by: Any, kind: str, name: str, formed_on: datetime.date,
              batch: int | None = None, sent_by: str = "", duties: str = "") -> Team:
    errors: Errors = {}
    own_area(errors, by, area)
    name = _team_fields(errors, area, kind, name, batch, formed_on)
    refuse(errors)
    return Team.objects.create(area=area, kind=kind, name=name, formed_on=formed_on,
                               batch=batch, sent_by=sent_by.strip(), duties=duties.strip(),
                               created_by=by)


@transaction.atomic
def change_team(team: Team, *, by: Any, kind: str, name: str, formed_on: datetime.date,
                batch: int | None, sent_by: str, duties: str) -> Team:
    """Correct a team (its name, kind, batch, who sent it, its duties, the day it formed): the
    rules of forming it, and formed not after it stood down. Its area stays."""
    team = Team.objects.select_for_update(of=("self",)).select_related("area").get(pk=team.pk)
    errors: Errors = {}
    own_area(errors, by, team.area)
    name = _team_fields(errors, team.area, kind, name, batch, formed_on, team)
    if team.stood_down_on is not None and formed_on > team.stood_down_on:
        add(errors, "formed_on", _("The team stood down on %(day)s.")
            % {"day": team.stood_down_on.isoformat()})
    refuse(errors)
    values = {"kind": kind, "name": name, "formed_on": formed_on, "batch": batch,
              "sent_by": sent_by.strip(), "duties": duties.strip()}
    save_changed(team, values)
    return team


@transaction.atomic
def stand_down_team(team: Team, *, by: Any, on: datetime.date) -> Team:
    """撤编: the team and its members still on duty leave on `on`."""
    team = Team.objects.select_for_update(of=("self",)).select_related("area").get(pk=team.pk)
    errors: Errors = {}
    own_area(errors, by, team.area)
    if team.stood_down_on is not None:
        add(errors, "__all__", _("The team stood down on %(day)s.")
            % {"day": team.stood_down_on.isoformat()})
    if on < team.formed_on:
        add(errors, "on", _("The team was formed on %(day)s.")
            % {"day": team.formed_on.isoformat()})
    not_future(errors, "on", on)
    # A member who arrived after `on` cannot leave before arriving: refuse, naming them.
    late = list(team.members.filter(left_on__isnull=True, arrived_on__gt=on)
                .values_list("name", flat=True)[:3])
    if late:
        add(errors, "on", _("%(names)s arrived after that day.") % {"names": ", ".join(late)})
    refuse(errors)
    team.stood_down_on = on
    team.save(update_fields=["stood_down_on", "updated_at"])
    for member in team.members.filter(left_on__isnull=True):
        member.left_on = on
        member.save(update_fields=["left_on", "updated_at"])  # audited, one by one (a team)
    return team


def on_duty_elsewhere(phone: str, exclude: int | None = None) -> Deployment | None:
    """The deployment the holder of `phone` is still on, if any."""
    found = Deployment.objects.filter(phone=phone, left_on__isnull=True).select_related("area")
    if exclude is not None:
        found = found.exclude(pk=exclude)
    return found.first()


def _lock_phone(mobile: str) -> None:
    """Serialize two desks recording the same person at once, until the transaction ends.

    A lock of the rows on duty with this phone misses a person's first deployment (there is no
    row yet, and both desks would insert one): an advisory lock on the phone instead, then the
    rows (a recall being written is waited for).
    """
    lock_phone(DEPLOYED_PHONES, mobile)
    list(Deployment.objects.select_for_update().filter(phone=mobile, left_on__isnull=True))


def _check_team(errors: Errors, team: Team | None, area: Area, field: str = "team") -> None:
    if team is None:
        return
    if not (area.path.startswith(team.area.path) or team.area.path.startswith(area.path)):
        add(errors, field, _("%(team)s works in %(area)s.")
            % {"team": team.name, "area": team.area.name})
    if team.stood_down_on is not None:
        add(errors, field, _("%(team)s stood down on %(day)s.")
            % {"team": team.name, "day": team.stood_down_on.isoformat()})


@transaction.atomic
def deploy(area: Area, *, by: Any, name: str, unit: str, phone: str,
           arrived_on: datetime.date, team: Team | None = None, post: str = "",
           party_member: bool = False, leader: bool = False, duties: str = "") -> Deployment:
    """下沉: a person sent to work in `area` from `arrived_on`."""
    errors: Errors = {}
    own_area(errors, by, area)
    name, unit, mobile = _person_fields(errors, name, unit, phone, arrived_on)
    _check_team(errors, team, area)
    if leader and team is None:
        add(errors, "leader", _("Only a member of a team leads it."))
    refuse(errors)
    return Deployment.objects.create(
        area=area, team=team, name=name, unit=unit, phone=mobile, post=post.strip(),
        party_member=party_member, leader=leader, duties=duties.strip(),
        arrived_on=arrived_on, created_by=by)


@transaction.atomic
def change_deployment(deployment: Deployment, *, by: Any, name: str, unit: str, post: str,
                      phone: str, party_member: bool, duties: str,
                      arrived_on: datetime.date) -> Deployment:
    """Correct the record of a person sent down (a name or a phone typed wrongly, their post
    and duties as they changed, the day they arrived): the rules of sending them, and a day of
    arrival not after they left. Their area and team stay: moved, they are recalled and sent
    again."""
    deployment = (Deployment.objects.select_for_update(of=("self",)).select_related("area")
                  .get(pk=deployment.pk))
    errors: Errors = {}
    own_area(errors, by, deployment.area)
    name, unit, mobile = _person_fields(errors, name, unit, phone, arrived_on, deployment)
    if deployment.left_on is not None and arrived_on > deployment.left_on:
        add(errors, "arrived_on", _("%(name)s left on %(day)s.")
            % {"name": deployment.name, "day": deployment.left_on.isoformat()})
    refuse(errors)
    values = {"name": name, "unit": unit, "post": post.strip(), "phone": mobile,
              "party_member": party_member, "duties": duties.strip(), "arrived_on": arrived_on}
    save_changed(deployment, values)
    return deployment


@transaction.atomic
def recall(deployment: Deployment, *, by: Any, on: datetime.date) -> Deployment:
    """The person left the area (返岗) on `on`."""
    deployment = (Deployment.objects.select_for_update(of=("self",)).select_related("area")
                  .get(pk=deployment.pk))
    errors: Errors = {}
    own_area(errors, by, deployment.area)
    if deployment.left_on is not None:
        add(errors, "__all__", _("%(name)s left on %(day)s.")
            % {"name": deployment.name, "day": deployment.left_on.isoformat()})
    if on < deployment.arrived_on:
        add(errors, "on", _("%(name)s arrived on %(day)s.")
            % {"name": deployment.name, "day": deployment.arrived_on.isoformat()})
    not_future(errors, "on", on)
    refuse(errors)
    deployment.left_on = on
    deployment.save(update_fields=["left_on", "updated_at"])
    return deployment


@transaction.atomic
def commend(area: Area, *, by: Any, honour: str, awarded_on: datetime.date, awarded_by: str,
            deployment: Deployment | None = None, team: Team | None = None,
            recipient: str = "", citation: str = "") -> Commendation:
    """表彰: an honour for one person sent down, one team, or one recipient named."""
    errors: Errors = {}
    own_area(errors, by, area)
    named = [x for x in (deployment, team, recipient.strip() or None) if x is not None]
    if len(named) != 1:
        add(errors, "recipient", _("Name one recipient: a person sent down, a team, or "
                                   "someone else."))
    for thing, field in ((deployment, "deployment"), (team, "team")):
        if thing is not None and not thing.area.path.startswith(area.path):
            add(errors, field, _("%(name)s is not in %(area)s.")
                % {"name": thing.name, "area": area.name})
    honour = required(errors, "honour", honour, _("Give the honour."))
    awarded_by = required(errors, "awarded_by", awarded_by, _("Say who awards it."))
    not_future(errors, "awarded_on", awarded_on)
    refuse(errors)
    name = deployment.name if deployment else team.name if team else recipient.strip()
    return Commendation.objects.create(
        area=area, deployment=deployment, team=team, recipient=name, honour=honour,
        citation=citation.strip(), awarded_on=awarded_on, awarded_by=awarded_by,
        recorded_by=by)

