"""One way for a page to fetch a donation or a request by id: missing and forbidden answer the
same 404."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from epigrid.core.access import Capability, ScopedUser, can
from epigrid.supplies.models import Donation, SupplyRequest


def get_donation_for_user(user: ScopedUser, pk: int) -> Donation:
    found = (Donation.objects.restrict(user).select_related("warehouse__area", "recorded_by")
             .filter(pk=pk).first())
    if found is None:
        raise Http404(_("No such donation."))
    return found


def get_request_for_user(user: ScopedUser, pk: int) -> SupplyRequest:
    found = (SupplyRequest.objects.restrict(user).select_related("area", "item", "requested_by")
             .filter(pk=pk).first())
    if found is None:
        raise Http404(_("No such request."))
    return found


def may_cancel(user: ScopedUser, request: SupplyRequest) -> bool:
    """Who may withdraw a request the user sees (fetched through get_request_for_user): the one
    who raised it, or a logistics desk (MANAGE_SUPPLIES)."""
    return (request.requested_by_id == getattr(user, "pk", None)
            or can(user, Capability.MANAGE_SUPPLIES))


def cancel_refused() -> str:
    """Why a user who may not cancel the request is refused (403), the same on every surface."""
    return _("Only whoever asked, or a logistics desk, may cancel the request.")


def require_may_cancel(user: ScopedUser, request: SupplyRequest) -> None:
    if not may_cancel(user, request):
        raise PermissionDenied(cancel_refused())
