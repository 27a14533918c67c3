"""What a screening outcome 排查结果 sets going: the grid worker's "refer" reaches those who act.

`registry.screening` sends `visit_screened` inside the visit's transaction. For each person
present whose outcome is not "normal":
- refer to the fever clinic 转发热门诊: a person without an open case gets one opened in the
  "fever" state (source: screening; one with an open case keeps it); the village's officers and
  the medical staff of the town's fever clinics are told, with a link to the case;
- home quarantine 居家隔离: the village's officers are told to arrange it, with a link to the
  person (where they open the case and start the quarantine: its dates and place are theirs);
- report to the village 报告村委: the village's officers are told what was found.
The notices go after the commit. A resent or stale form sends no signal, so nothing is told
twice; a re-screening of the household tells what it found again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from epigrid.alerts.services import notify
from epigrid.alerts.wording import Wording, worded
from epigrid.cases.fever_clinics import clinic_paths, town_path
from epigrid.cases.models import Case, Source
from epigrid.cases.quarantine import villages_of
from epigrid.cases.services import open_case
from epigrid.cases.states import State
from epigrid.core.access import Role
from epigrid.registry.models import HouseholdVisit, Outcome, PersonScreening
from epigrid.registry.screening import SYMPTOMS, visit_screened

VILLAGE_ROLES = (Role.AREA_OFFICER,)
CLINIC_ROLES = (Role.MEDICAL,)
Notice = tuple[list[str], tuple[str, ...], Wording, str]  # notify()'s arguments


@receiver(visit_screened)
def act_on_outcomes(sender: Any, visit: HouseholdVisit, screenings: Sequence[PersonScreening],
                    worker: Any, **kwargs: Any) -> None:
    referred = [row for row in screenings if row.present and row.outcome != Outcome.NORMAL]
    if not referred:
        return  # the common visit: no query
    village = villages_of({visit.area_path}).get(visit.area_path)
    village_path = village.path if village is not None else visit.area_path
    fevers = [row for row in referred if row.outcome == Outcome.FEVER_CLINIC]
    cases = _fever_cases(fevers, visit, worker)
    clinics = clinic_paths(town_path(visit.area_path)) if fevers else []
    notices: list[Notice] = []
    for row in referred:
        notices += _notices(row, visit, cases.get(row.person_id), village_path, clinics)
    transaction.on_commit(lambda: _send(notices))


def _send(notices: list[Notice]) -> None:
    for areas, roles, words, link in notices:
        notify(areas, roles, words, link=link)


def _fever_cases(rows: list[PersonScreening], visit: HouseholdVisit,
                 worker: Any) -> dict[int, Case]:
    """The open case of each person referred to the fever clinic, opened when there is none."""
    if not rows:
        return {}
    found = {case.person_id: case for case in Case.objects.filter(
        person_id__in={row.person_id for row in rows}, is_open=True)}
    for row in rows:
        if row.person_id not in found:
            case = _open_fever_case(row, visit, worker)
            if case is not None:
                found[row.person_id] = case
    return found


def _open_fever_case(row: PersonScreening, visit: HouseholdVisit, worker: Any) -> Case | None:
    reason = _("Door-to-door screening: %(findings)s.") % {"findings": findings(row)}
    try:
        with transaction.atomic():
            return open_case(row.person, State.FEVER, by=worker, reason=reason,
                             at=min(visit.visited_at, timezone.now()), source=Source.SCREENING)
    except ValidationError:
        # Opened by someone else in the meantime: link to theirs.
        return Case.objects.filter(person_id=row.person_id, is_open=True).first()


def findings(row: PersonScreening) -> str:
    """What the worker found, in a few words: "37.9 °C; cough; returned from Wuhan"."""
    labels = dict(SYMPTOMS)
    parts = [f"{row.temperature} °C"] if row.temperature is not None else []
    symptoms = [str(labels.get(code, code)) for code in row.symptoms.split(",") if code]
    if symptoms:
        parts.append(", ".join(symptoms))
    if row.returnee_origin:
        parts.append(_("returned from %(origin)s") % {"origin": row.returnee_origin})
    if row.contact_with_case:
        parts.append(_("contact with a case"))
    if row.travel_history:
        parts.append(_("travel: %(travel)s") % {"travel": row.travel_history})
    return "; ".join(parts) or _("nothing noted")


def _found(row: PersonScreening, visit: HouseholdVisit) -> str:
    return _("%(findings)s. Screened at %(time)s by %(worker)s.") % {
        "findings": findings(row), "worker": visit.worker.display_name if visit.worker else "—",
        "time": timezone.localtime(visit.visited_at).strftime("%Y-%m-%d %H:%M")}


def _wording(row: PersonScreening, visit: HouseholdVisit) -> tuple[str, str]:
    """The notice of a referred person, in the language active."""
    name, body = row.person.name, _found(row, visit)
    if row.outcome == Outcome.FEVER_CLINIC:
        return (_("Fever at screening: %(name)s") % {"name": name},
                " ".join([body, _("Refer to the fever clinic.")]))
    if row.outcome == Outcome.HOME_QUARANTINE:
        return (_("Home quarantine to arrange: %(name)s") % {"name": name},
                " ".join([body, _("Open a case and start the quarantine from the person's "
                                  "page.")]))
    return _("Reported by screening: %(name)s") % {"name": name}, body


def _notices(row: PersonScreening, visit: HouseholdVisit, case: Case | None, village: str,
             clinics: list[str]) -> list[Notice]:
    words = worded(lambda: _wording(row, visit))
    person_link = reverse("registry:person_detail", args=[row.person_id])
    if row.outcome == Outcome.FEVER_CLINIC:
        link = reverse("cases:case_detail", args=[case.pk]) if case else person_link
        return [([village], VILLAGE_ROLES, words, link), (clinics, CLINIC_ROLES, words, link)]
    return [([village], VILLAGE_ROLES, words, person_link)]
