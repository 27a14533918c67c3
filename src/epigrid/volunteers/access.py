"""One way for a page or the API to fetch a volunteer or a project by id: missing and forbidden
answer the same 404. And who may keep them.

Anyone whose subtree holds the area reads its volunteers (phones masked) and projects; the
area's keepers (Capability.MANAGE_VOLUNTEERS) register volunteers, organise projects and record
hours.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from epigrid.areas.access import sees
from epigrid.core.access import Capability, can
from epigrid.volunteers.models import Project, Volunteer


def get_volunteer_for_user(user: Any, pk: int) -> Volunteer:
    found = Volunteer.objects.restrict(user).select_related("area").filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such volunteer."))
    return found


def get_project_for_user(user: Any, pk: int) -> Project:
    found = Project.objects.restrict(user).select_related("area").filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such volunteer project."))
    return found


def may_manage(user: Any, path: str) -> bool:
    """Keep the volunteers, projects and hours of the area at `path`."""
    return can(user, Capability.MANAGE_VOLUNTEERS) and sees(user, path)


def require_may_manage(user: Any, path: str) -> None:
    if not may_manage(user, path):
        raise PermissionDenied(_("Only the area's officers keep its volunteers and projects."))
