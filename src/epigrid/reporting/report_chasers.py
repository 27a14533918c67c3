"""Whom to call about a report not yet in 催报: the officers of each missing town or village.

At 16:00 the data team sees which villages have not reported and, beside each, the phone of its
officers 村干部. The number is shown in full, as a link to call, to the roles that chase and write
reports (REPORTING_ROLES); to anyone else who may open the page, masked like a duty roster's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model

from epigrid.core.access import Role, sees_everything
from epigrid.core.identity import mask_phone
from epigrid.reporting.report_access import REPORTING_ROLES


@dataclass(frozen=True)
class Officer:
    name: str
    phone: str  # "" when none is registered
    full: bool  # the phone is shown in full, to call


def may_see_phones(viewer: Any) -> bool:
    return sees_everything(viewer) or getattr(viewer, "role", "") in REPORTING_ROLES


def officers_of(area_ids: Iterable[int], viewer: Any) -> dict[int, list[Officer]]:
    """The active area officers whose home is each area, by area id: one query."""
    full = may_see_phones(viewer)
    found: dict[int, list[Officer]] = defaultdict(list)
    users = get_user_model().objects.filter(
        home_area_id__in=list(area_ids), role=Role.AREA_OFFICER, is_active=True).order_by(
        "username").only("username", "first_name", "last_name", "phone", "home_area_id")
    for user in users:
        if user.home_area_id is None:  # not so, by the filter: for the type checker
            continue
        phone = user.phone if full or not user.phone else mask_phone(user.phone)
        found[user.home_area_id].append(Officer(user.display_name, phone,
                                                full and bool(user.phone)))
    return dict(found)
