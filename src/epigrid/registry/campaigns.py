"""Changes to a screening campaign 排查 once started: its name, and its dates (a command extends
a round by two days, or ends it early). Its area stays: its figures are the area's.

A campaign is changed by whoever may manage campaigns in its area: an officer of a town that a
district's campaign covers takes part in it but does not change it. Its dates may not leave out
a visit already recorded: the visits and the figures of each day stay within the campaign.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Min
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from epigrid.core.access import Capability, can, sees_everything
from epigrid.registry.models import HouseholdVisit, ScreeningCampaign


def may_change(user: Any, campaign: ScreeningCampaign) -> bool:
    """Whether `user` may change the campaign: the right, and the campaign's area in theirs."""
    if not can(user, Capability.MANAGE_CAMPAIGNS):
        return False
    scope = getattr(user, "scope_path", None)
    return sees_everything(user) or bool(scope) and campaign.area_path.startswith(scope)


def _dates_errors(campaign: ScreeningCampaign, starts_on: datetime.date,
                  ends_on: datetime.date) -> dict[str, list[str]]:
    if ends_on < starts_on:
        return {"ends_on": [_("A campaign cannot end before it starts.")]}
    visits = HouseholdVisit.objects.filter(campaign=campaign)
    errors: dict[str, list[str]] = {}
    early = visits.filter(visited_on__lt=starts_on).aggregate(n=Count("id"), first=Min(
        "visited_on"))
    if early["n"]:
        errors["starts_on"] = [ngettext(
            "%(count)s visit was recorded before that, on %(date)s; start on it or earlier.",
            "%(count)s visits were recorded before that, the first on %(date)s; start on it or "
            "earlier.", early["n"]) % {"count": early["n"], "date": early["first"]}]
    late = visits.filter(visited_on__gt=ends_on).aggregate(n=Count("id"), last=Max(
        "visited_on"))
    if late["n"]:
        errors["ends_on"] = [ngettext(
            "%(count)s visit was recorded after that, on %(date)s; end on it or later.",
            "%(count)s visits were recorded after that, the last on %(date)s; end on it or "
            "later.", late["n"]) % {"count": late["n"], "date": late["last"]}]
    return errors


@transaction.atomic
def change_campaign(campaign: ScreeningCampaign, user: Any, *, name: str | None = None,
                    starts_on: datetime.date | None = None,
                    ends_on: datetime.date | None = None) -> ScreeningCampaign:
    """Rename the campaign or move its dates (None keeps a value); ValidationError by field."""
    if not may_change(user, campaign):
        raise PermissionDenied
    campaign = ScreeningCampaign.objects.select_for_update().get(pk=campaign.pk)
    changes: dict[str, Any] = {}
    if name is not None:
        if not name.strip():
            raise ValidationError({"name": _("Name the campaign.")})
        changes["name"] = name.strip()
    starts, ends = starts_on or campaign.starts_on, ends_on or campaign.ends_on
    if (starts, ends) != (campaign.starts_on, campaign.ends_on):
        errors = _dates_errors(campaign, starts, ends)
        if errors:
            raise ValidationError(errors)
        changes |= {"starts_on": starts, "ends_on": ends}
    for field, value in changes.items():
        setattr(campaign, field, value)
    if changes:
        campaign.full_clean(exclude=["area_path", "created_by"])
        campaign.save(update_fields=[*changes, "updated_at"])
    return campaign
