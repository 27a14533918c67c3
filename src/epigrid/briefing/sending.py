"""The day's briefing 简报 sent to the leading group 领导小组 before the dispatch meeting.

Half an hour after the daily cutoff (16:30 for 16:00: the figures frozen, the risk rules run),
every area where the command 指挥部 works gets a notice in its command's inbox: the meeting's
talking points of that area and day, and the link to its meeting page, where the DOCX, PDF and
XLSX are downloaded. Sent once per area and day, however often the task runs.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from epigrid.alerts.models import Notice
from epigrid.alerts.services import notify
from epigrid.alerts.wording import worded
from epigrid.areas.models import Area
from epigrid.briefing import meeting
from epigrid.core.access import Role


def command_areas() -> list[Area]:
    """The home areas of the active command users, in the tree's order."""
    homes = get_user_model().objects.filter(role=Role.COMMAND, is_active=True).values(
        "home_area")
    return list(Area.objects.filter(pk__in=homes).order_by("path"))


def title_of(area: Area, day: datetime.date) -> str:
    return _("Briefing of %(area)s for %(day)s") % {"area": area.name, "day": day.isoformat()}


def send_briefing(area: Area, day: datetime.date) -> Notice | None:
    """Tell the area's command its briefing of `day`; None if it was sent already."""
    # A notice's title is kept in the deployment's language (alerts.wording).
    with translation.override(settings.LANGUAGE_CODE):
        title = title_of(area, day)
    if Notice.objects.filter(area_path=area.path, title=title).exists():
        return None
    found = meeting.build(area, day, None)
    link = reverse("briefing:meeting", args=[area.pk]) + f"?day={day.isoformat()}"
    return notify([area], [Role.COMMAND], worded(lambda: (title_of(area, day), _points(found))),
                  link=link, exact=True)


def _points(found: meeting.Meeting) -> str:
    """The briefing's body in the language active."""
    points = [f"{n}. {point}" for n, point in enumerate(meeting.points_of(found), 1)] or [
        _("No talking points: the figures of this day have not been counted yet.")
        if not found.figures.stored else _("Nothing notable in the figures.")]
    return "\n".join(points)


def send_briefings(day: datetime.date | None = None) -> list[Notice]:
    """Send every command area's briefing of `day` (default today): the notices sent now."""
    day = day or timezone.localdate()
    sent = [send_briefing(area, day) for area in command_areas()]
    return [notice for notice in sent if notice is not None]
