"""Security-matrix entries of the supervision app's task and document pages (merged into the
matrix).

Town A's desk (set by the district's command on behalf of town A, so that town A's command
decides on them) has set village A1 four tasks: one Alice reports done, one reported that the
desk accepts, one reported that it sends back, one it withdraws; each is put back in the state
its call needs whatever a call before did. Town A has received a notice with an attachment,
passed to Alice to read, and a letter the desk archives. Writes whose input names an id the
matrix cannot know when it is written (the areas to route or hand down to, the readers) are
sent without it: the insider, past the 404 and the 403, is refused by the form (400), and
nothing is written.
"""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from epigrid.supervision import documents, services
from epigrid.supervision.models import Document, DocumentKind, Task, TaskStatus
from tests.base import World
from tests.security.matrix import Entry, obj, page

NOTICE, TO_ARCHIVE = "Matrix: notice on fever clinics", "Matrix: letter to archive"
TO_REPORT, TO_ACCEPT, TO_SEND_BACK, TO_WITHDRAW = (
    "Matrix: check the clinic", "Matrix: accept", "Matrix: send back", "Matrix: withdraw")


def prepare(w: World) -> None:
    today = timezone.localdate()
    notice = documents.register_document(
        w.town_a, by=w.command, title=NOTICE, issuer="City Command", kind=DocumentKind.NOTICE,
        received_on=today, attachment=SimpleUploadedFile("notice.pdf", b"%PDF-1.4 matrix"))
    documents.circulate(notice, [w.alice], by=w.command)
    documents.register_document(w.town_a, by=w.command, title=TO_ARCHIVE,
                                issuer="City Command", kind=DocumentKind.LETTER,
                                received_on=today)
    for title in (TO_REPORT, TO_ACCEPT, TO_SEND_BACK, TO_WITHDRAW):
        services.set_task(w.village_a1, by=w.command, title=title, issuer_area=w.town_a,
                          due_on=today + datetime.timedelta(days=2), document=notice)


def _task(title: str, status: str) -> Task:
    task = Task.objects.get(title=title)
    Task.objects.filter(pk=task.pk).update(status=status)
    return task


def _notice(w: World) -> Document:
    return Document.objects.get(title=NOTICE)


def _to_archive(w: World) -> Document:
    """The letter the desk archives, open again whatever a call before did."""
    document = Document.objects.get(title=TO_ARCHIVE)
    Document.objects.filter(pk=document.pk).update(status="registered", archived_at=None)
    return document


EMPTY_FORM = frozenset({200, 400})  # the GET, and an empty form refused (nothing written)
DONE = frozenset({302})
PAGES: dict[str, Entry] = {
    "supervision:index": page(insider_ok=DONE, shows_a=False),
    "supervision:tasks": page(queries=("", "?status=any", "?status=overdue", "?q=Matrix",
                                       "?area={town_a}")),
    # Setting a task is a desk's: Alice gets 403.
    "supervision:task_new": page(methods=("get", "post"), insider="a_command",
                                 insider_ok=EMPTY_FORM),
    "supervision:task": obj(lambda w: _task(TO_REPORT, TaskStatus.OPEN)),
    # Handed down to no area (the rows empty): the insider is refused by the service (400).
    "supervision:task_hand_down": obj(lambda w: _task(TO_REPORT, TaskStatus.OPEN),
                                      methods=("post",), insider_ok=frozenset({400})),
    "supervision:task_report": obj(lambda w: _task(TO_REPORT, TaskStatus.OPEN),
                                   methods=("post",), data={"report": "matrix"},
                                   insider_ok=DONE),
    "supervision:task_accept": obj(lambda w: _task(TO_ACCEPT, TaskStatus.REPORTED),
                                   methods=("post",), data={"note": "matrix"},
                                   insider="a_command", insider_ok=DONE),
    "supervision:task_send_back": obj(lambda w: _task(TO_SEND_BACK, TaskStatus.REPORTED),
                                      methods=("post",), data={"note": "matrix"},
                                      insider="a_command", insider_ok=DONE),
    "supervision:task_withdraw": obj(lambda w: _task(TO_WITHDRAW, TaskStatus.OPEN),
                                     methods=("post",), data={"note": "matrix"},
                                     insider="a_command", insider_ok=DONE),
    "supervision:documents": page(queries=("", "?q=Matrix", "?status=any",
                                           "?status=registered")),
    "supervision:document_new": page(methods=("get", "post"), insider="a_command",
                                     insider_ok=EMPTY_FORM),
    "supervision:document": obj(_notice),
    "supervision:document_route": obj(_notice, methods=("post",), insider="a_command",
                                      insider_ok=frozenset({400})),
    "supervision:document_circulate": obj(_notice, methods=("post",), insider="a_command",
                                          insider_ok=frozenset({400})),
    "supervision:document_read": obj(_notice, methods=("post",), data={"remarks": "matrix"},
                                     insider_ok=DONE),
    "supervision:document_archive": obj(_to_archive, methods=("post",),
                                        data={"note": "matrix"}, insider="a_command",
                                        insider_ok=DONE),
    # A file: status checks only.
    "supervision:document_attachment": obj(_notice, shows_a=False),
    "supervision:reading": page(),
}

API: dict[str, Entry] = {}
