"""One way for a page or the API to fetch a document, task, inspection or finding by id:
missing and forbidden answer the same 404. And who may do what to a task or a finding they see.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from epigrid.areas.access import sees
from epigrid.core.access import Capability, ScopedUser, can
from epigrid.supervision.models import Document, Finding, Inspection, Task


def get_document_for_user(user: ScopedUser, pk: int) -> Document:
    found = (Document.objects.restrict(user).select_related("area", "registered_by")
             .filter(pk=pk).first())
    if found is None:
        raise Http404(_("No such document."))
    return found


def get_task_for_user(user: ScopedUser, pk: int) -> Task:
    found = (Task.objects.restrict(user)
             .select_related("area", "issuer_area", "document", "created_by", "parent__area",
                             "parent__issuer_area")
             .filter(pk=pk).first())
    if found is None:
        raise Http404(_("No such task."))
    return found


def get_inspection_for_user(user: ScopedUser, pk: int) -> Inspection:
    found = (Inspection.objects.restrict(user)
             .select_related("area", "facility", "recorded_by").filter(pk=pk).first())
    if found is None:
        raise Http404(_("No such inspection."))
    return found


def get_finding_for_user(user: ScopedUser, pk: int) -> Finding:
    found = (Finding.objects.restrict(user).select_related("inspection__area")
             .filter(pk=pk).first())
    if found is None:
        raise Http404(_("No such finding."))
    return found


def sees_task(user: Any, task: Task) -> bool:
    """`Task.objects.restrict` for one task: the area handling it or the desk that set it."""
    return sees(user, task.area.path) or sees(user, task.issuer_area.path)


def may_manage_document(user: Any, document: Document) -> bool:
    """The receiving desk's side (route, circulate, archive): a supervising role that sees the
    desk's area. A town reads a document routed to it; it does not manage the district's."""
    return can(user, Capability.SUPERVISE) and sees(user, document.area.path)


def require_may_manage_document(user: Any, document: Document) -> None:
    if not may_manage_document(user, document):
        raise PermissionDenied(_("Only the desk that received the document routes, circulates "
                                 "or archives it."))


def may_handle(user: Any, task: Task) -> bool:
    """The area's side (报结): who may handle tasks and sees the area handling this one."""
    return can(user, Capability.HANDLE_TASKS) and sees(user, task.area.path)


def may_decide(user: Any, task: Task) -> bool:
    """The desk's side (accept, send back, withdraw): a supervising role that sees the desk
    that set it. A town officer handling a task does not accept their own work; a part handed
    down 分解下达 is decided by whoever handles the task it came from (the town, not the
    village)."""
    if task.parent is not None:
        return may_handle(user, task.parent)
    return can(user, Capability.SUPERVISE) and sees(user, task.issuer_area.path)


def require_may_handle(user: Any, task: Task) -> None:
    if not may_handle(user, task):
        raise PermissionDenied(_("Only the area handling the task reports on it."))


def require_may_decide(user: Any, task: Task) -> None:
    if not may_decide(user, task):
        raise PermissionDenied(_("Only the desk that set the task decides on it."))


def may_rectify(user: Any, finding: Finding) -> bool:
    return can(user, Capability.HANDLE_TASKS)


def may_verify(user: Any, finding: Finding) -> bool:
    return can(user, Capability.SUPERVISE)
