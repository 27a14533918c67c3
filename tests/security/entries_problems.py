"""Security-matrix entries of the problems app (merged into the matrix).

Town A has problems of village A1 raised by Alice: one open (assigned, its status changed by the
insider), one closed with an evidence file (reopened by the insider, closed again when needed),
and one overdue, escalated from village A1 to town A. Writes that need an id the matrix cannot
name when it is written (an area to raise a problem in) use id 0, missing for everyone.
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from epigrid.problems import services
from epigrid.problems.models import Category, Problem, ProblemEvent, Status, Step
from tests.base import World
from tests.problems.helpers import days, today
from tests.security.matrix import Entry, obj, page

OPEN, CLOSED, ESCALATED = "Matrix open problem", "Matrix closed problem", "Matrix escalated"


def _raise(w: World, title: str) -> Problem:
    return services.raise_problem(w.village_a1, by=w.alice, title=title,
                                  category=Category.MEDICAL_SUPPLIES,
                                  due_on=today() + days(2))


def prepare(w: World) -> None:
    _raise(w, OPEN)
    services.close(_raise(w, CLOSED), by=w.alice, note="delivered",
                   evidence=SimpleUploadedFile("receipt.txt", b"500 masks"))
    escalated = _raise(w, ESCALATED)
    Problem.objects.filter(pk=escalated.pk).update(
        level_area=w.town_a, level_path=w.town_a.path, escalations=1,
        due_on=today() - days(1))  # overdue, so the overdue lists name it


def _open(w: World) -> Problem:
    """The open problem, open again (not in progress) whatever the insider did before."""
    problem = Problem.objects.get(title=OPEN)
    if problem.status != Status.OPEN:
        Problem.objects.filter(pk=problem.pk).update(status=Status.OPEN)
    return problem


def _closed(w: World) -> Problem:
    problem = Problem.objects.get(title=CLOSED)
    if problem.status != Status.CLOSED:
        services.close(problem, by=w.alice, note="delivered again")
    return problem


def _evidence(w: World) -> dict[str, int]:
    event = ProblemEvent.objects.filter(problem__title=CLOSED, step=Step.CLOSED).exclude(
        evidence="").first()
    assert event is not None
    return {"pk": event.problem_id, "event_id": event.pk}


WRITE = frozenset({302})
PAGES: dict[str, Entry] = {
    "problems:list": page(queries=("", "?where=raised", "?where=escalated", "?overdue=on",
                                   "?status=closed", "?category=medical_supplies&urgency=normal",
                                   f"?day={today().isoformat()}")),
    # An empty form (no area, no title) is refused: 400, so the matrix itself raises nothing.
    "problems:raise": page(methods=("get", "post"), insider_ok=frozenset({200, 400})),
    "problems:detail": obj(_open),
    "problems:assign": obj(_open, methods=("post",), data={"assignee_unit": "Matrix unit"},
                           insider_ok=WRITE),
    "problems:status": obj(_open, methods=("post",), data={"status": "in_progress"},
                           insider_ok=WRITE),
    "problems:reopen": obj(_closed, methods=("post",), data={"note": "matrix"},
                           insider_ok=WRITE),
    "problems:evidence": obj(_evidence, shows_a=False),  # a file: status checks only
}

API: dict[str, Entry] = {
    "GET /api/problems": page(queries=("", "?where=escalated", "?area={town_a}",
                                       "?overdue=true", "?status=open")),
    "GET /api/problems/closure-rates": page(queries=("", "?area={town_a}")),
    "GET /api/problems/{id}": obj(_open),
    "POST /api/problems": page(methods=("post",), data={
        "area_id": 0, "title": "Matrix", "category": "other",
        "due_on": (today() + days(1)).isoformat()}, insider_ok=frozenset({404}), shows_a=False),
    "POST /api/problems/{id}/assign": obj(_open, methods=("post",),
                                          data={"assignee_unit": "Matrix unit"}),
    "POST /api/problems/{id}/status": obj(_open, methods=("post",),
                                          data={"status": "in_progress"}),
    "POST /api/problems/{id}/close": obj(_open, methods=("post",), data={"note": "matrix"}),
    # A multipart form: the matrix sends JSON, so the note arrives empty and the insider, past
    # the 404 and the 403, is refused by the service (422 on `note`); nothing is closed.
    "POST /api/problems/{id}/close-with-evidence": obj(_open, methods=("post",),
                                                       data={"note": "matrix"},
                                                       insider_ok=frozenset({422})),
    "POST /api/problems/{id}/reopen": obj(_closed, methods=("post",), data={"note": "matrix"}),
}
