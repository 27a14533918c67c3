"""One way for a page or the API to fetch a team, a person sent down, a commendation, a fund
or a payment by id: missing and forbidden answer the same 404. And who may do what to them.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from epigrid.areas.access import sees
from epigrid.core.access import Capability, can
from epigrid.mobilization.models import Commendation, Deployment, Fund, Payment, Team


def get_team_for_user(user: Any, pk: int) -> Team:
    found = Team.objects.restrict(user).select_related("area").filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such team."))
    return found


def get_deployment_for_user(user: Any, pk: int) -> Deployment:
    found = (Deployment.objects.restrict(user).select_related("area", "team")
             .filter(pk=pk).first())
    if found is None:
        raise Http404(_("No such person sent down."))
    return found


def members_of_team(team: Team) -> QuerySet[Deployment]:
    """Everyone who joined a team the caller was given (through `get_team_for_user`), by name.

    Read through the team, not each member's area: one posted above the team's area (a town's
    cadre in a village's team) is still its member, whom its officers stand down with it. The
    member's own page stays their area's; lists mask the phone of those the reader does not
    keep."""
    return Deployment.objects.filter(team=team).select_related("area", "team").order_by(
        "name", "pk")


def get_commendation_for_user(user: Any, pk: int) -> Commendation:
    found = (Commendation.objects.restrict(user).select_related("area", "deployment", "team")
             .filter(pk=pk).first())
    if found is None:
        raise Http404(_("No such commendation."))
    return found


def get_fund_for_user(user: Any, pk: int) -> Fund:
    found = Fund.objects.restrict(user).select_related("area").filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such fund."))
    return found


def get_payment_for_user(user: Any, pk: int) -> Payment:
    found = (Payment.objects.restrict(user)
             .select_related("fund__area", "area", "deployment", "applied_by")
             .filter(pk=pk).first())
    if found is None:
        raise Http404(_("No such payment."))
    return found


def may_mobilize(user: Any, path: str) -> bool:
    """Keep the teams, people sent down and commendations of the area at `path`."""
    return can(user, Capability.MOBILIZE) and sees(user, path)


def require_may_mobilize(user: Any, path: str) -> None:
    if not may_mobilize(user, path):
        raise PermissionDenied(_("Only the area's officers keep its teams and people sent "
                                 "down."))


def sees_ledger(user: Any, fund: Fund) -> bool:
    """The ledger (who was paid what) is the desk's: its subtree, not the areas applying."""
    return sees(user, fund.area.path)


def may_keep(user: Any, fund: Fund) -> bool:
    """Record money received and payments made: the desk's finance (KEEP_FUNDS)."""
    return can(user, Capability.KEEP_FUNDS) and sees(user, fund.area.path)


def may_approve(user: Any, payment: Payment) -> bool:
    return can(user, Capability.APPROVE_PAYMENTS) and sees(user, payment.fund.area.path)


def may_apply(user: Any, fund: Fund) -> bool:
    """Apply to a fund one sees (the desk's, or one above one's own area) for an area of one's
    own (the service checks the area)."""
    return can(user, Capability.MOBILIZE)


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)
