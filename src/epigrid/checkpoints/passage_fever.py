"""A fever at a checkpoint 卡口发热转诊: a referral, the person's case, and two notices.

Called by `passages.record_passages` inside its transaction for the passages that are fevers.
A known person (matched by the ID number's keyed hash) with no open case gets a case opened in
the "fever" state (source: checkpoint); one with an open case has the referral linked to it; an
unknown person stays an unidentified referral. After the commit, the destination village's
officers and grid workers and the medical staff of the town's fever clinics are told.

Then the referral is followed (`mark_arrived`, `close_referral`): open → arrived at the fever
clinic → closed with an outcome note, or open → closed (the person never came, went elsewhere…).
Those who may: CHANGE_CASES (the command, area officers, medical staff) on referrals they see
(the checkpoint's area). A move the referral has passed is refused on `status`.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from epigrid.alerts.services import notify
from epigrid.alerts.wording import worded
from epigrid.areas.models import Area, Checkpoint, Level
from epigrid.cases.fever_clinics import clinic_paths, town_path
from epigrid.cases.models import Case, Source
from epigrid.cases.services import open_case
from epigrid.cases.states import State
from epigrid.checkpoints.models import FeverReferral, Passage
from epigrid.core.access import Capability, Role, ScopedUser, can
from epigrid.registry.models import Person

VILLAGE_ROLES = (Role.AREA_OFFICER, Role.GRID_WORKER)
CLINIC_ROLES = (Role.MEDICAL,)
# Following a referral is a step of the person's care, so it takes the right to change cases:
# the fever clinic's medical staff, the village's and town's officers, the command.
FOLLOW_REFERRALS = Capability.CHANGE_CASES
OUTCOME_MAX = 1000
Status = FeverReferral.Status


def refer(passages: list[Passage], *, by: Any = None) -> list[FeverReferral]:
    """Referrals (and cases) for stored fever passages; notices go out on commit."""
    person_ids = {passage.person_id for passage in passages if passage.person_id}
    open_cases = {case.person_id: case for case in Case.objects.filter(
        person_id__in=person_ids, is_open=True)} if person_ids else {}
    persons = Person.objects.in_bulk(person_ids - set(open_cases)) if person_ids else {}
    referrals = []
    for passage in passages:
        case = None
        if passage.person_id:
            case = open_cases.get(passage.person_id)
            if case is None:
                case = _open_fever_case(persons[passage.person_id], passage, by)
                open_cases[passage.person_id] = case
        referrals.append(FeverReferral(passage=passage, area_path=passage.area_path, case=case,
                                       temperature=passage.temperature or 0))
    FeverReferral.objects.bulk_create(referrals)
    checkpoints = Checkpoint.objects.select_related("area").in_bulk(
        {passage.checkpoint_id for passage in passages})
    clinics: dict[str, list[str]] = {}  # by town: one look-up per town, not per fever
    notices = [_notice(referral, checkpoints[referral.passage.checkpoint_id], clinics)
               for referral in referrals]
    transaction.on_commit(lambda: _send(notices))
    return referrals


def _open_fever_case(person: Person, passage: Passage, by: Any) -> Case | None:
    reason = _("Fever of %(temperature)s °C at a checkpoint.") % {
        "temperature": passage.temperature}
    try:
        with transaction.atomic():
            return open_case(person, State.FEVER, by=by, reason=reason,
                             at=min(passage.at, timezone.now()), source=Source.CHECKPOINT)
    except ValidationError:
        # Opened by someone else in the meantime: link to theirs.
        return Case.objects.filter(person=person, is_open=True).first()


def _village(area: Area | None, checkpoint: Checkpoint) -> Area:
    """Where the person is going (a grid's village), else the checkpoint's own area."""
    if area is None:
        return checkpoint.area
    return area.parent if area.level == Level.GRID and area.parent else area


def _notice(referral: FeverReferral, checkpoint: Checkpoint,
            clinics_by_town: dict[str, list[str]]) -> dict[str, Any]:
    passage = referral.passage
    village = _village(passage.destination_area, checkpoint)
    town = town_path(checkpoint.area.path)
    if town not in clinics_by_town:
        clinics_by_town[town] = clinic_paths(town)
    link = (reverse("cases:case_detail", args=[referral.case_id]) if referral.case_id
            else reverse("checkpoints:referrals"))
    return {"village": village.path, "clinics": clinics_by_town[town], "link": link,
            "words": worded(lambda: _wording(referral, checkpoint, village))}


def _wording(referral: FeverReferral, checkpoint: Checkpoint, village: Area
             ) -> tuple[str, str]:
    """A fever at a checkpoint's notice, in the language active."""
    passage = referral.passage
    who = passage.name or passage.plate or _("an unidentified person")
    if passage.id_number_masked:
        who = f"{who} ({passage.id_number_masked})"
    return (_("Fever at %(checkpoint)s: %(temperature)s °C") % {
        "checkpoint": checkpoint.name, "temperature": referral.temperature},
        _("%(who)s, %(time)s, going to %(destination)s. Refer to the fever clinic.") % {
            "who": who, "time": timezone.localtime(passage.at).strftime("%Y-%m-%d %H:%M"),
            "destination": passage.destination or village.name})


def _send(notices: list[dict[str, Any]]) -> None:
    for notice in notices:
        notify([notice["village"]], VILLAGE_ROLES, notice["words"], link=notice["link"])
        notify(notice["clinics"], CLINIC_ROLES, notice["words"], link=notice["link"])


# --- following a referral ---------------------------------------------------------------------

def may_follow_referrals(user: ScopedUser) -> bool:
    return can(user, FOLLOW_REFERRALS)


def _require_follower(user: Any) -> None:
    if not may_follow_referrals(user):
        raise PermissionDenied(_("Your role may not follow fever referrals."))


def _when(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "?"


def _locked(referral: FeverReferral) -> FeverReferral:
    return FeverReferral.objects.select_for_update().get(pk=referral.pk)


@transaction.atomic
def mark_arrived(referral: FeverReferral, *, by: Any,
                 now: datetime.datetime | None = None) -> FeverReferral:
    """The person reached the fever clinic. The caller has checked that `by` sees the referral."""
    _require_follower(by)
    referral = _locked(referral)
    if referral.status == Status.CLOSED:
        raise ValidationError({"status": _(
            "This referral was closed on %(time)s: it can no longer be marked arrived.")
            % {"time": _when(referral.closed_at)}})
    if referral.status == Status.ARRIVED:
        raise ValidationError({"status": _(
            "This referral already arrived at the fever clinic on %(time)s.")
            % {"time": _when(referral.arrived_at)}})
    referral.status, referral.arrived_at, referral.arrived_by = (
        Status.ARRIVED, now or timezone.now(), by)
    referral.save(update_fields=["status", "arrived_at", "arrived_by"])
    return referral


@transaction.atomic
def close_referral(referral: FeverReferral, *, by: Any, outcome: str,
                   now: datetime.datetime | None = None) -> FeverReferral:
    """End the referral with a note saying how it ended (from open or arrived)."""
    _require_follower(by)
    referral = _locked(referral)
    errors: dict[str, list[str]] = {}
    if referral.status == Status.CLOSED:
        errors["status"] = [_("This referral was already closed on %(time)s.")
                            % {"time": _when(referral.closed_at)}]
    outcome = outcome.strip()
    if not outcome:
        errors["outcome"] = [_("Say how the referral ended: closing needs an outcome note.")]
    elif len(outcome) > OUTCOME_MAX:
        errors["outcome"] = [_("Keep the outcome note within %(max)s characters.")
                             % {"max": OUTCOME_MAX}]
    if errors:
        raise ValidationError(errors)
    referral.status, referral.closed_at, referral.closed_by, referral.outcome = (
        Status.CLOSED, now or timezone.now(), by, outcome)
    referral.save(update_fields=["status", "closed_at", "closed_by", "outcome"])
    return referral
