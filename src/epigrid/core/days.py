"""The district's days as aware moments: where a local day begins and ends, a time on it.

A figure "of a day" (a report's, a log's, a checkpoint's, a problem's) counts from the first
moment of that day in the deployment's time zone (settings.TIME_ZONE, or the one activated) to
the first moment of the next, never from midnight UTC: 00:00 in Wuhan is 16:00 UTC the day
before. Every app asks here, so all of them agree on where a day ends.
"""

from __future__ import annotations

import datetime

from django.utils import timezone


def local_moment(day: datetime.date, time: datetime.time = datetime.time.min
                 ) -> datetime.datetime:
    """`time` on `day` as the district's clock shows it, aware."""
    return timezone.make_aware(datetime.datetime.combine(day, time),
                               timezone.get_current_timezone())


def day_start(day: datetime.date) -> datetime.datetime:
    """The first moment of the local `day`."""
    return local_moment(day)


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The first moment of the local `day` and of the day after: a day's rows are those at or
    after the first and before the second."""
    return day_start(day), day_start(day + datetime.timedelta(days=1))


def local_day(now: datetime.datetime | None = None) -> datetime.date:
    """The district's day at `now` (by default, today)."""
    return timezone.localdate(now or timezone.now())
