"""A fever at a checkpoint 卡口发热转诊: a referral, the person's case, and two notices.

Called by `passages.record_passages` inside its transaction for the passages that are fevers.
A known person (matched by the ID number's keyed hash) with no open case gets a case opened in
the "fever" state (source: checkpoint); one with an open case has the referral linked to it; an
unknown person stays an unidentified referral. After the commit, the destination village's
officers and grid workers and the medical staff of the town's fever clinics are told.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from epigrid.alerts.services import notify
from epigrid.areas.models import SEGMENT_WIDTH, Area, Checkpoint, Facility, Level
from epigrid.cases.models import Case, Source
from epigrid.cases.services import open_case
from epigrid.cases.states import State
from epigrid.checkpoints.models import FeverReferral, Passage
from epigrid.core.access import Role
from epigrid.registry.models import Person

VILLAGE_ROLES = (Role.AREA_OFFICER, Role.GRID_WORKER)
CLINIC_ROLES = (Role.MEDICAL,)


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
    notices = [_notice(referral, checkpoints[referral.passage.checkpoint_id])
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


def _town_path(area: Area) -> str:
    """The path of the town an area lies in (the area itself above town level)."""
    if area.level <= Level.TOWN:
        return area.path
    return area.path[: Level.TOWN * (SEGMENT_WIDTH + 1)]


def _village(area: Area | None, checkpoint: Checkpoint) -> Area:
    """Where the person is going (a grid's village), else the checkpoint's own area."""
    if area is None:
        return checkpoint.area
    return area.parent if area.level == Level.GRID and area.parent else area


def _notice(referral: FeverReferral, checkpoint: Checkpoint) -> dict[str, Any]:
    passage = referral.passage
    village = _village(passage.destination_area, checkpoint)
    clinics = list(Facility.objects.filter(
        kind=Facility.Kind.FEVER_CLINIC, active=True,
        area__path__startswith=_town_path(checkpoint.area)).values_list("area__path", flat=True))
    who = passage.name or passage.plate or _("an unidentified person")
    if passage.id_number_masked:
        who = f"{who} ({passage.id_number_masked})"
    link = (reverse("cases:case_detail", args=[referral.case_id]) if referral.case_id
            else reverse("checkpoints:referrals"))
    return {
        "village": village.path, "clinics": clinics or [_town_path(checkpoint.area)],
        "title": _("Fever at %(checkpoint)s: %(temperature)s °C") % {
            "checkpoint": checkpoint.name, "temperature": referral.temperature},
        "body": _("%(who)s, %(time)s, going to %(destination)s. Refer to the fever clinic.") % {
            "who": who, "time": timezone.localtime(passage.at).strftime("%Y-%m-%d %H:%M"),
            "destination": passage.destination or village.name},
        "link": link,
    }


def _send(notices: list[dict[str, Any]]) -> None:
    for notice in notices:
        notify([notice["village"]], VILLAGE_ROLES, notice["title"], notice["body"],
               notice["link"])
        notify(notice["clinics"], CLINIC_ROLES, notice["title"], notice["body"], notice["link"])
