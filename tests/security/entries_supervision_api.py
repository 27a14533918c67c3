"""Security-matrix entries of the supervision API (merged into the matrix).

The district's command (Zhou) has registered documents received by town A's desk: one routed
to Village A1 and passed to Alice to read, one to archive (registered again whenever the
insider has archived it). Town A's desk has set Village A1 tasks, each put back in the state
its action needs whenever the insider has moved it on (Alice reports one done; town A's
command accepts, sends back and withdraws the others: the desk that set them). Town A's fever
clinic was inspected, with a finding Alice rectifies and one town A's command verifies. Writes
whose body must name an id the matrix cannot know when it is written (an area, a user) use id
0, missing for everyone: the insider, past the 404 and the 403, is refused on it (422).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from epigrid.supervision import documents, inspections, services
from epigrid.supervision.models import (
    Document,
    DocumentKind,
    DocumentStatus,
    Finding,
    FindingStatus,
    Inspection,
    Severity,
    Task,
    TaskStatus,
)
from tests.base import World
from tests.security.matrix import Entry, obj, page

ROUTED, TO_ARCHIVE = "Matrix API: notice on the markets", "Matrix API: to archive"
TASKS = {"report": "Matrix API: to report", "accept": "Matrix API: to accept",
         "send-back": "Matrix API: to send back", "withdraw": "Matrix API: to withdraw"}
TO_RECTIFY, TO_VERIFY = "Matrix API: no sign-in sheet", "Matrix API: no hand gel"
TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


def prepare(w: World) -> None:
    today = timezone.localdate()
    for title in (ROUTED, TO_ARCHIVE):
        documents.register_document(w.town_a, by=w.command, title=title, issuer="City Command",
                                    kind=DocumentKind.NOTICE, received_on=today)
    routed = Document.objects.get(title=ROUTED)
    documents.route(routed, [documents.Routing(w.village_a1, TOMORROW)], by=w.command)
    documents.circulate(routed, [w.alice], by=w.command)
    for action, title in TASKS.items():
        task = services.set_task(w.village_a1, by=w.command, title=title, due_on=TOMORROW,
                                 issuer_area=w.town_a)
        if action in ("accept", "send-back"):
            services.report_done(task, by=w.alice, report="Done.")
    inspections.record_inspection(
        w.town_a, by=w.command, inspected_on=today, inspectors="Matrix API inspectors",
        facility=w.facility_a, findings=[
            inspections.FindingInput(text, TOMORROW, Severity.SERIOUS)
            for text in (TO_RECTIFY, TO_VERIFY)])
    inspections.rectify(Finding.objects.get(description=TO_VERIFY), by=w.alice,
                        rectification="Sheet put up.")


def _document(w: World) -> dict[str, Any]:
    return {"document_id": Document.objects.get(title=ROUTED).pk}


def _archivable(w: World) -> dict[str, Any]:
    document = Document.objects.get(title=TO_ARCHIVE)
    if document.status == DocumentStatus.ARCHIVED:
        Document.objects.filter(pk=document.pk).update(status=DocumentStatus.REGISTERED)
    return {"document_id": document.pk}


def _task(action: str, status: str) -> Any:
    def target(w: World) -> dict[str, Any]:
        task = Task.objects.get(title=TASKS[action])
        if task.status != status:
            Task.objects.filter(pk=task.pk).update(status=status)
        return {"task_id": task.pk}
    return target


def _inspection(w: World) -> dict[str, Any]:
    return {"inspection_id": Inspection.objects.get(inspectors="Matrix API inspectors").pk}


def _finding(description: str, status: str) -> Any:
    def target(w: World) -> dict[str, Any]:
        finding = Finding.objects.get(description=description)
        if finding.status != status:
            Finding.objects.filter(pk=finding.pk).update(status=status)
        return {"finding_id": finding.pk}
    return target


DAY = TOMORROW.isoformat()
BASE = "/api/supervision"
PAGES: dict[str, Entry] = {}
API: dict[str, Entry] = {
    f"GET {BASE}/documents": page(queries=("", "?q=Matrix", "?status=routed", "?limit=1")),
    f"POST {BASE}/documents": page(methods=("post",), data={
        "area": 0, "title": "Matrix", "issuer": "Matrix", "kind": "notice"},
        insider="a_command", insider_ok=frozenset({422}), shows_a=False),
    f"GET {BASE}/documents/{{document_id}}": obj(_document),
    f"POST {BASE}/documents/{{document_id}}/route": obj(
        _document, methods=("post",), data={"routings": [{"area": 0, "due_on": DAY}]},
        insider="a_command", insider_ok=frozenset({422})),
    f"POST {BASE}/documents/{{document_id}}/circulate": obj(
        _document, methods=("post",), data={"readers": [0]},
        insider="a_command", insider_ok=frozenset({422})),
    # Who it may be passed to: the receiving desk's (a_command, town A's command); the
    # answer names users, not town A's records.
    f"GET {BASE}/documents/{{document_id}}/readers": obj(
        _document, insider="a_command", shows_a=False),
    f"POST {BASE}/documents/{{document_id}}/read": obj(
        _document, methods=("post",), data={"remarks": "Matrix: read"}),
    f"POST {BASE}/documents/{{document_id}}/archive": obj(
        _archivable, methods=("post",), data={"note": "matrix"}, insider="a_command"),
    f"GET {BASE}/tasks": page(queries=("", "?status=any", "?area={town_a}", "?q=Matrix")),
    f"POST {BASE}/tasks": page(methods=("post",), data={
        "area": 0, "title": "Matrix", "due_on": DAY},
        insider="a_command", insider_ok=frozenset({422}), shows_a=False),
    f"GET {BASE}/tasks/{{task_id}}": obj(_task("report", TaskStatus.OPEN)),
    # Handed down to area 0, missing for everyone: the insider is refused on it (422).
    f"POST {BASE}/tasks/{{task_id}}/hand-down": obj(
        _task("report", TaskStatus.OPEN), methods=("post",),
        data={"routings": [{"area": 0, "due_on": DAY}]}, insider_ok=frozenset({422})),
    f"POST {BASE}/tasks/{{task_id}}/report": obj(
        _task("report", TaskStatus.OPEN), methods=("post",), data={"report": "Matrix done"}),
    f"POST {BASE}/tasks/{{task_id}}/accept": obj(
        _task("accept", TaskStatus.REPORTED), methods=("post",), data={"note": "matrix"},
        insider="a_command"),
    f"POST {BASE}/tasks/{{task_id}}/send-back": obj(
        _task("send-back", TaskStatus.REPORTED), methods=("post",), data={"note": "matrix"},
        insider="a_command"),
    f"POST {BASE}/tasks/{{task_id}}/withdraw": obj(
        _task("withdraw", TaskStatus.OPEN), methods=("post",), data={"note": "matrix"},
        insider="a_command"),
    f"GET {BASE}/inspections": page(queries=("", "?area={town_a}", "?q=Fever")),
    f"POST {BASE}/inspections": page(methods=("post",), data={
        "area": 0, "inspected_on": timezone.localdate().isoformat(), "inspectors": "Matrix"},
        insider="a_command", insider_ok=frozenset({422}), shows_a=False),
    f"GET {BASE}/inspections/{{inspection_id}}": obj(_inspection),
    f"POST {BASE}/inspections/{{inspection_id}}/findings": obj(
        _inspection, methods=("post",), data={"description": "Matrix: bins", "rectify_by": DAY},
        insider="a_command", insider_ok=frozenset({201})),
    f"GET {BASE}/findings": page(queries=("", "?status=any", "?area={town_a}")),
    f"POST {BASE}/findings/{{finding_id}}/rectify": obj(
        _finding(TO_RECTIFY, FindingStatus.OPEN), methods=("post",),
        data={"rectification": "Matrix: put right"}),
    f"POST {BASE}/findings/{{finding_id}}/verify": obj(
        _finding(TO_VERIFY, FindingStatus.RECTIFIED), methods=("post",),
        data={"accepted": True}, insider="a_command"),
}
