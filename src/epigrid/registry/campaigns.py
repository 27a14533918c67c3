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

from epigrid.areas.access import may_see_path
from epigrid.core.access import Capability, can
from epigrid.registry.models import HouseholdVisit, ScreeningCampaign


def may_change(user: Any, campaign: ScreeningCampaign) -> bool:
    """Whether `user` may change the campaign: the right, and the campaign's area in theirs."""
    return can(user, Capability.MANAGE_CAMPAIGNS) and may_see_path(user, campaign.area_path)


def _outside(campaign: ScreeningCampaign, lookup: str, bound: datetime.date,
             edge: type[Min] | type[Max]) -> tuple[int, datetime.date | None]:
    """How many of the campaign's visits lie on the far side of `bound`, and the farthest day."""
    found = HouseholdVisit.objects.filter(campaign=campaign, **{
        f"visited_on__{lookup}": bound}).aggregate(n=Count("id"), day=edge("visited_on"))
    return found["n"], found["day"]


def _dates_errors(campaign: ScreeningCampaign, starts_on: datetime.date,
                  ends_on: datetime.date) -> dict[str, list[str]]:
    if ends_on < starts_on:
        return {"ends_on": [_("A campaign cannot end before it starts.")]}
    errors: dict[str, list[str]] = {}
    count, first = _outside(campaign, "lt", starts_on, Min)
    if count:
        errors["starts_on"] = [ngettext(
            "%(count)s visit was recorded before that, on %(date)s; start on it or earlier.",
            "%(count)s visits were recorded before that, the first on %(date)s; start on it or "
            "earlier.", count) % {"count": count, "date": first}]
    count, last = _outside(campaign, "gt", ends_on, Max)
    if count:
        errors["ends_on"] = [ngettext(
            "%(count)s visit was recorded after that, on %(date)s; end on it or later.",
            "%(count)s visits were recorded after that, the last on %(date)s; end on it or "
            "later.", count) % {"count": count, "date": last}]
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
