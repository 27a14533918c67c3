"""People sent down and payments of an area, on its page (registered with core.panels, "area").

The town officer opening her town sees how many people sent down 下沉 are on duty in its areas
today (and how many of them are party members), the teams at work by kind, and the condolence
and subsidy payments 慰问、补助 its areas applied for that wait on approval or on the cashier,
each count linking to its list.
"""

from __future__ import annotations

import datetime

from django.db.models import Subquery
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString

from epigrid.areas.access import area_user, sees
from epigrid.areas.counting import count_of, counts
from epigrid.areas.models import Area
from epigrid.core.access import Capability, ScopedUser, can
from epigrid.mobilization.models import (
    Deployment,
    Payment,
    PaymentStatus,
    Team,
    TeamKind,
    TeamStatus,
    on_duty_q,
    team_status_q,
)

SHOWN_TO = (Capability.MOBILIZE, Capability.APPROVE_PAYMENTS, Capability.KEEP_FUNDS)


def shown_to(user: ScopedUser, area: Area) -> bool:
    """Those who send people down or look after their fund, and see the area."""
    return any(can(user, capability) for capability in SHOWN_TO) and sees(user, area.path)


def subqueries(area: Area, day: datetime.date) -> dict[str, Subquery]:
    """Every count of the panel, as scalar subqueries over `area`'s subtree. A panel's area is
    one its user sees (core.panels), so its whole subtree is theirs: no further restriction;
    payments are those the subtree applied for (not those its fund pays)."""
    people = Deployment.objects.within(area.path).filter(on_duty_q(day))
    teams = Team.objects.within(area.path)
    payments = Payment.objects.within(area.path)
    return {
        "on_duty": count_of(people),
        "party_members": count_of(people.filter(party_member=True)),
        "teams_ever": count_of(teams),
        **{f"teams_{kind}": count_of(teams.filter(team_status_q(TeamStatus.ACTIVE, day),
                                                  kind=kind))
           for kind in TeamKind.values},
        "awaiting_approval": count_of(payments.filter(status=PaymentStatus.SUBMITTED)),
        "awaiting_payment": count_of(payments.filter(status=PaymentStatus.APPROVED)),
    }


def area_panel(request: HttpRequest, area: Area) -> SafeString | None:
    """The subtree's people on duty, teams at work and payments pending: one query; nothing
    for a role that neither sends people down nor keeps their fund, nor where nobody is on
    duty, nothing waits and no team was ever formed."""
    user = area_user(request)
    if not shown_to(user, area):
        return None
    found = counts(area, **subqueries(area, timezone.localdate()))
    if not any(found.values()):  # no team ever formed, nobody on duty, nothing waiting
        return None
    teams = [(label, found[f"teams_{kind}"]) for kind, label in TeamKind.choices]
    return SafeString(render_to_string("mobilization/_area_panel.html", {
        "area": area, "teams": [(label, n) for label, n in teams if n],
        "teams_active": sum(n for _label, n in teams), **found}, request=request))
