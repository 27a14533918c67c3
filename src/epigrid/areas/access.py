"""One way for a page to fetch an area or a site by id: missing and forbidden answer the same 404.

(Zulip's access_stream_by_id.) A user who may not see a record learns nothing about it, not even
that it exists.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, Protocol, TypeVar, cast

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from epigrid.areas.models import Area, Site
from epigrid.core.access import ScopedUser, sees_everything
from epigrid.core.errors import Errors, add

SiteT = TypeVar("SiteT", bound=Site)


class AreaUser(ScopedUser, Protocol):
    """What the area pages need of a user; accounts.User is one (areas may not import it)."""

    pk: int
    home_area: Area | None


def area_user(request: HttpRequest) -> AreaUser:
    return cast(AreaUser, request.user)


def get_area_for_user(user: ScopedUser, pk: int) -> Area:
    try:
        return Area.objects.restrict(user).get(pk=pk)
    except Area.DoesNotExist:
        raise Http404(_("No such area.")) from None


def get_site_for_user(model: type[SiteT], user: ScopedUser, pk: int) -> SiteT:
    try:
        return cast(SiteT, model.objects.restrict(user).select_related("area").get(pk=pk))
    except model.DoesNotExist:
        raise Http404(_("No such site.")) from None


def root_area_for(user: AreaUser) -> Area | None:
    """Where the user's browsing starts: the home area, or the first city for those who see all."""
    if sees_everything(user):
        return Area.objects.filter(parent__isnull=True).order_by("path").first()
    return user.home_area


def may_see_path(user: ScopedUser, path: str) -> bool:
    if sees_everything(user):
        return True
    scope = user.scope_path
    return bool(scope) and path.startswith(scope or "")


def sees(user: Any, path: str) -> bool:
    """An active user whose subtree holds `path` (None is the system itself, a demo or an
    import: it sees all)."""
    return user is None or bool(user.is_active and may_see_path(user, path))


def area_names(paths: Collection[str]) -> dict[str, str]:
    """The names of the areas at `paths` (the audit log shows them for paths), in one query."""
    return dict(Area.objects.filter(path__in=list(paths)).values_list("path", "name"))


def own_area(errors: Errors, by: Any, area: Area, field: str = "area") -> None:
    """A write in `area` refused under `field` unless `by` (None: the system) sees it."""
    if not sees(by, area.path):
        add(errors, field, _("Choose an area of your own."))
