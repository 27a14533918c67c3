"""Writes of door-to-door screening 摸排: campaigns, and the visits grid workers record.

A visit is sent by a phone on one bar of signal: it may arrive twice, late, or after a newer one.
- The same idempotency key again returns the stored visit and writes nothing (a resend).
- A household has one visit per campaign. A visit with a new key re-screens the household: it
  replaces the members' screenings and the visit's key, worker and time.
- Last filled wins: a submission filled (`visited_at`) before the stored visit is stale (a queued
  form sent after a newer one) and is answered with the stored visit, unwritten.
"""

from __future__ import annotations

import datetime
import importlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from epigrid.areas.models import Area
from epigrid.core.access import PATH_END, Capability, require, sees_everything, subtree_q
from epigrid.registry import nearby, services
from epigrid.registry.models import (
    Household,
    HouseholdVisit,
    Outcome,
    Person,
    PersonScreening,
    ScreeningCampaign,
    Tag,
)

TEMPERATURE_MIN = Decimal("35.0")
TEMPERATURE_MAX = Decimal("42.0")
# A phone's clock runs a little ahead of the server's; more than this is a wrong time.
CLOCK_SKEW = datetime.timedelta(minutes=10)
SYMPTOMS: tuple[tuple[str, Any], ...] = (
    ("fever", gettext_lazy("fever")),
    ("cough", gettext_lazy("cough")),
    ("fatigue", gettext_lazy("fatigue")),
    ("sore_throat", gettext_lazy("sore throat")),
    ("smell_taste", gettext_lazy("loss of smell or taste")),
    ("diarrhoea", gettext_lazy("diarrhoea")),
)
SYMPTOM_CODES = frozenset(code for code, _label in SYMPTOMS)


@dataclass
class Findings:
    """What the worker found of one person; the same for members and new members."""

    present: bool = True
    temperature: Decimal | None = None
    symptoms: list[str] = field(default_factory=list)
    travel_history: str = ""
    contact_with_case: bool = False
    returnee_origin: str = ""
    returned_on: datetime.date | None = None
    outcome: str = Outcome.NORMAL


@dataclass
class MemberScreening(Findings):
    person_id: int = 0


@dataclass
class NewMember(Findings):
    """A person met at the door who is not registered yet: created in the visit's household."""

    name: str = ""
    id_number: str = ""
    phone: str = ""
    relation: str = ""


class RecordedVisit(NamedTuple):
    visit: HouseholdVisit
    # "created", "updated" (a re-screening), "resent" (the same key again) or "stale" (filled
    # before the stored visit); the last two wrote nothing.
    result: str

    @property
    def created(self) -> bool:
        return self.result == CREATED


CREATED, UPDATED, RESENT, STALE = "created", "updated", "resent", "stale"

# Sent inside the visit's transaction once its screenings are written (not for a resend or a
# stale form), so that apps above the registry act on the outcomes (cases.screening_referrals:
# a fever case, the village told). kwargs: visit, screenings (the PersonScreening rows, their
# persons attached), worker.
visit_screened = Signal()


# --- campaigns -------------------------------------------------------------------------------

def covering_paths(path: str) -> list[str]:
    """The path itself and every ancestor's: '1/2/3/' -> ['1/', '1/2/', '1/2/3/']."""
    parts = path.rstrip("/").split("/")
    return ["/".join(parts[: n + 1]) + "/" for n in range(len(parts))]


def campaigns_for(user: Any) -> models.QuerySet[ScreeningCampaign]:
    """Campaigns the user takes part in: those of their subtree and those covering their area.

    A grid worker sees the town's campaign (an ancestor's) though the town is above her scope;
    an officer of another town sees neither.
    """
    campaigns = ScreeningCampaign.objects.select_related("area")
    if sees_everything(user):
        return campaigns.all()
    path = user.scope_path if user.is_authenticated and user.is_active else None
    if not path:
        return campaigns.none()
    return campaigns.filter(subtree_q("area_path", path) | models.Q(
        area_path__in=covering_paths(path)))


def active_campaigns(user: Any, day: datetime.date | None = None
                     ) -> models.QuerySet[ScreeningCampaign]:
    day = day or timezone.localdate()
    return campaigns_for(user).filter(starts_on__lte=day, ends_on__gte=day)


@transaction.atomic
def start_campaign(area: Area, name: str, starts_on: datetime.date, ends_on: datetime.date,
                   user: Any) -> ScreeningCampaign:
    require(user, Capability.MANAGE_CAMPAIGNS)
    if not (sees_everything(user) or area.path.startswith(user.scope_path or PATH_END)):
        raise ValidationError({"area": _("No such area among the areas you may see.")})
    if not name.strip():
        raise ValidationError({"name": _("Name the campaign.")})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("A campaign cannot end before it starts.")})
    campaign = ScreeningCampaign(area=area, area_path=area.path, name=name.strip(),
                                 starts_on=starts_on, ends_on=ends_on, created_by=user)
    campaign.full_clean(exclude=["area_path", "created_by"])
    campaign.save()
    return campaign


# --- checks of a visit before anything is written --------------------------------------------

def _findings_errors(who: str, key: str, found: Findings) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    temperature = found.temperature
    if temperature is not None and not TEMPERATURE_MIN <= temperature <= TEMPERATURE_MAX:
        errors[f"{key}.temperature"] = [_(
            "%(person)s: a temperature of %(value)s °C is not possible; enter 35.0 to 42.0.") % {
            "person": who, "value": f"{temperature:.1f}"}]
    unknown = sorted(set(found.symptoms) - SYMPTOM_CODES)
    if unknown:
        errors[f"{key}.symptoms"] = [_("%(person)s: unknown symptom %(code)s.") % {
            "person": who, "code": ", ".join(unknown)}]
    if found.outcome not in Outcome.values:
        errors[f"{key}.outcome"] = [_("%(person)s: unknown outcome %(code)s.") % {
            "person": who, "code": found.outcome}]
    if found.returned_on is not None and found.returned_on > timezone.localdate():
        errors[f"{key}.returned_on"] = [_("%(person)s: the return date lies in the future.") % {
            "person": who}]
    return errors


def _members_by_id(household: Household, members: list[MemberScreening]
                   ) -> tuple[dict[int, Person], dict[str, list[str]]]:
    persons = {p.pk: p for p in Person.objects.filter(
        household=household, pk__in=[m.person_id for m in members])}
    errors: dict[str, list[str]] = {}
    seen: set[int] = set()
    for index, member in enumerate(members):
        if member.person_id not in persons:
            errors[f"members.{index}.person_id"] = [_(
                "Person %(id)s is not a member of this household.") % {"id": member.person_id}]
        elif member.person_id in seen:
            errors[f"members.{index}.person_id"] = [_("%(person)s is listed twice.") % {
                "person": persons[member.person_id].name}]
        seen.add(member.person_id)
    return persons, errors


def _check_visit(campaign: ScreeningCampaign, household: Household, worker: Any,
                 visited_at: datetime.datetime, members: list[MemberScreening],
                 new_members: list[NewMember]) -> dict[int, Person]:
    """Every refusal at once, keyed `members.0.temperature` etc.; nothing is written."""
    if not household.area_path.startswith(campaign.area_path):
        raise ValidationError({"household": _(
            "The household lies outside the campaign's area.")})
    errors: dict[str, list[str]] = {}
    day = timezone.localdate(visited_at)
    if not campaign.starts_on <= day <= campaign.ends_on:
        errors["visited_at"] = [_("The campaign runs from %(start)s to %(end)s; %(day)s is "
                                  "outside it.") % {"start": campaign.starts_on,
                                                    "end": campaign.ends_on, "day": day}]
    elif visited_at > timezone.now() + CLOCK_SKEW:
        errors["visited_at"] = [_("The visit time lies in the future.")]
    persons, member_errors = _members_by_id(household, members)
    errors |= member_errors
    for index, member in enumerate(members):
        who = persons[member.person_id].name if member.person_id in persons else str(index + 1)
        errors |= _findings_errors(who, f"members.{index}", member)
    for index, new in enumerate(new_members):
        key = f"new_members.{index}"
        who = new.name.strip() or _("new member %(n)s") % {"n": index + 1}
        if not new.name.strip():
            errors[f"{key}.name"] = [_("Give the new member's name.")]
        try:
            services.identity_fields(id_number=new.id_number, phone=new.phone)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors[f"{key}.{name}"] = [f"{who}: {m}" for m in messages]
        errors |= _findings_errors(who, key, new)
    if errors:
        raise ValidationError(errors)
    return persons


# --- recording -------------------------------------------------------------------------------

def _screening(visit: HouseholdVisit, person: Person, found: Findings) -> PersonScreening:
    present = found.present
    return PersonScreening(
        visit=visit, person=person, present=present,
        temperature=found.temperature if present else None,
        symptoms=",".join(code for code, _l in SYMPTOMS if code in found.symptoms) if present
        else "",
        travel_history=found.travel_history.strip(), contact_with_case=found.contact_with_case,
        returnee_origin=found.returnee_origin.strip(), returned_on=found.returned_on,
        outcome=found.outcome)


def _mark_returnee(person: Person, found: Findings) -> None:
    origin = found.returnee_origin.strip()
    if not origin:
        return
    if (Tag.RETURNEE in person.tag_list and person.returnee_origin == origin
            and (found.returned_on is None or person.returned_on == found.returned_on)):
        return
    services.update_person(person, tags=[*person.tag_list, Tag.RETURNEE],
                           returnee_origin=origin,
                           returned_on=found.returned_on or person.returned_on)


def _new_person(household: Household, new: NewMember) -> Person:
    origin = new.returnee_origin.strip()
    return services.create_person(
        grid=household.grid, household=household, name=new.name, id_number=new.id_number,
        phone=new.phone, tags=[Tag.RETURNEE] if origin else [], returnee_origin=origin,
        returned_on=new.returned_on, relation_to_head=new.relation.strip())


def _note(note: str, new_members: list[NewMember]) -> str:
    """The visit's note names the members added at the door, for whoever reads the visit."""
    added = [f"{n.name.strip()} ({n.relation.strip()})" for n in new_members if n.relation.strip()]
    text = note.strip()
    if added:
        text = "; ".join(filter(None, [text, _("new: %(who)s") % {"who": ", ".join(added)}]))
    return text[:500]


def _schedule_progress(visit: HouseholdVisit) -> None:
    """registry.progress keeps the campaign's figures; tell it after the commit, if installed."""
    try:
        progress = importlib.import_module("epigrid.registry.progress")
    except ImportError:
        return
    visit_recorded = getattr(progress, "visit_recorded", None)
    if visit_recorded is not None:
        transaction.on_commit(lambda: visit_recorded(visit))


def record_visit(campaign: ScreeningCampaign, household: Household, worker: Any,
                 idempotency_key: uuid.UUID | str, visited_at: datetime.datetime | None = None,
                 members: list[MemberScreening] | None = None,
                 new_members: list[NewMember] | None = None, note: str = "",
                 position: tuple[float, float] | None = None) -> RecordedVisit:
    """Store one visit with its screenings, in one transaction; see the module's rules.
    `position` (latitude, longitude): where the worker's phone stood at the door, kept as the
    household's location when it has none (the next round's nearest first)."""
    key = idempotency_key if isinstance(idempotency_key, uuid.UUID) else _parse_key(
        idempotency_key)
    if position is not None:
        nearby.check_position(*position)
    visited_at = visited_at or timezone.now()
    if timezone.is_naive(visited_at):
        visited_at = timezone.make_aware(visited_at)
    try:
        with transaction.atomic():
            locked = _lock(household, worker)
            recorded = _record(campaign, locked, worker, key, visited_at,
                               members or [], new_members or [], note)
            if position is not None and recorded.result in (CREATED, UPDATED) and \
                    nearby.locate(locked, *position):
                household.latitude, household.longitude = locked.latitude, locked.longitude
            return recorded
    except IntegrityError:
        # Two sends of the same form raced past the look-up; the first one is stored.
        stored = HouseholdVisit.objects.filter(idempotency_key=key).first()
        if stored is None:
            raise
        return RecordedVisit(stored, RESENT)


def _parse_key(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        raise ValidationError({"idempotency_key": _("Not a valid form key.")}) from None


def _lock(household: Household, worker: Any) -> Household:
    """The household as it stands, its row locked until the visit's transaction ends: concurrent
    visits of one household take turns."""
    require(worker, Capability.SCREEN)
    locked = Household.objects.restrict(worker).select_for_update().filter(pk=household.pk).first()
    if locked is None:
        raise ValidationError({"household": _("No such household among yours.")})
    return locked


def _record(campaign: ScreeningCampaign, household: Household, worker: Any, key: uuid.UUID,
            visited_at: datetime.datetime, members: list[MemberScreening],
            new_members: list[NewMember], note: str) -> RecordedVisit:
    """The visit, `household` locked and read by _lock() in the same transaction."""
    resent = HouseholdVisit.objects.filter(idempotency_key=key).first()
    if resent is not None:
        if (resent.campaign_id, resent.household_id) != (campaign.pk, household.pk):
            raise ValidationError({"idempotency_key": _(
                "This form key was used for another household.")})
        return RecordedVisit(resent, RESENT)
    persons = _check_visit(campaign, household, worker, visited_at, members, new_members)
    visit = HouseholdVisit.objects.filter(campaign=campaign, household=household).first()
    if visit is not None and visit.visited_at > visited_at:
        return RecordedVisit(visit, STALE)
    result = CREATED if visit is None else UPDATED
    if visit is None:
        visit = HouseholdVisit(campaign=campaign, household=household)
    visit.area_path = household.area_path
    visit.idempotency_key = key
    visit.visited_at = visited_at
    visit.visited_on = timezone.localdate(visited_at)
    visit.worker = worker
    visit.note = _note(note, new_members)
    # The counts of the rows written below (what PersonScreening.save would recount), no query.
    found: list[Findings] = [*members, *new_members]
    visit.persons_screened = sum(1 for f in found if f.present)
    visit.persons_abnormal = sum(1 for f in found if f.present and f.outcome != Outcome.NORMAL)
    visit.save()
    visit.persons.all().delete()
    rows = []
    for member in members:
        person = persons[member.person_id]
        _mark_returnee(person, member)
        rows.append(_screening(visit, person, member))
    rows += [_screening(visit, _new_person(household, new), new) for new in new_members]
    PersonScreening.objects.bulk_create(rows)
    _schedule_progress(visit)
    _tell_screened(visit, rows, worker)
    return RecordedVisit(visit, result)


def _tell_screened(visit: HouseholdVisit, rows: Sequence[PersonScreening], worker: Any) -> None:
    visit_screened.send(sender=HouseholdVisit, visit=visit, screenings=rows, worker=worker)


def round_households(campaign: ScreeningCampaign, user: Any, path: str = ""
                     ) -> models.QuerySet[Household]:
    """The user's households in the campaign's area, within `path` (a grid's) if given."""
    rows = Household.objects.restrict(user).within(campaign.area_path)
    return rows.within(path) if path else rows


def unvisited_households(campaign: ScreeningCampaign, user: Any, path: str = ""
                         ) -> models.QuerySet[Household]:
    """round_households() not visited in the campaign yet. An anti-join: a grid's round probes
    the visits' unique index once per household, where NOT IN would read every visit of the
    campaign."""
    visited = HouseholdVisit.objects.filter(campaign=campaign, household=models.OuterRef("pk"))
    return round_households(campaign, user, path).filter(~models.Exists(visited))
