from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.test import SimpleTestCase
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from epigrid.core.days import day_bounds, day_start, local_moment

UTC = datetime.UTC
SHANGHAI = ZoneInfo("Asia/Shanghai")


class DayTests(SimpleTestCase):
    def test_it_starts_the_district_day_at_local_midnight_not_utc(self) -> None:
        with timezone.override(SHANGHAI):
            start, end = day_bounds(datetime.date(2020, 2, 16))
        assert start == datetime.datetime(2020, 2, 15, 16, 0, tzinfo=UTC)
        assert end == datetime.datetime(2020, 2, 16, 16, 0, tzinfo=UTC)

    def test_it_puts_the_last_moment_of_a_day_in_it_and_the_next_midnight_out(self) -> None:
        with timezone.override(SHANGHAI):
            start, end = day_bounds(datetime.date(2020, 2, 16))
            last = local_moment(datetime.date(2020, 2, 16), datetime.time(23, 59, 59, 999999))
            midnight = day_start(datetime.date(2020, 2, 17))
        assert start <= last < end
        assert midnight == end and not midnight < end

    def test_it_follows_the_zone_activated(self) -> None:
        with timezone.override(ZoneInfo("Europe/Berlin")):
            start = day_start(datetime.date(2020, 2, 16))
        assert start == datetime.datetime(2020, 2, 15, 23, 0, tzinfo=UTC)

    def test_it_gives_a_day_that_skips_an_hour_its_23_hours(self) -> None:
        # A zone with summer time (a deployment outside China): the day the clocks go forward.
        with timezone.override(ZoneInfo("Europe/Berlin")):
            start, end = day_bounds(datetime.date(2020, 3, 29))
        # (Aware datetimes of one zone subtract as wall clocks: compared in UTC.)
        assert end.astimezone(UTC) - start.astimezone(UTC) == datetime.timedelta(hours=23)

    def test_it_gives_a_time_on_the_day_as_the_district_clock_shows_it(self) -> None:
        with timezone.override(SHANGHAI):
            cutoff = local_moment(datetime.date(2020, 2, 16), datetime.time(16, 0))
        assert timezone.localtime(cutoff, SHANGHAI).time() == datetime.time(16, 0)
        assert cutoff == datetime.datetime(2020, 2, 16, 8, 0, tzinfo=UTC)

    @given(st.dates(min_value=datetime.date(1992, 1, 1), max_value=datetime.date(2100, 1, 1)))
    def test_it_tiles_time_with_days_that_meet(self, day: datetime.date) -> None:
        # (China kept summer time until 1991: its days since are 24 hours.)
        with timezone.override(SHANGHAI):
            start, end = day_bounds(day)
            following = day_bounds(day + datetime.timedelta(days=1))
        assert end == following[0]
        assert end.astimezone(UTC) - start.astimezone(UTC) == datetime.timedelta(hours=24)
        assert timezone.localtime(start, SHANGHAI).date() == day
