"""The demo's village officers 村干部: one for every village, whom the 16:00 roll-up names."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from epigrid.accounts.models import HAN, User
from epigrid.core.access import Role
from epigrid.core.identity import parse_mobile
from epigrid.demo.officer_data import write_officers
from epigrid.demo.report_data import write_reports
from epigrid.reporting.models import DailyReport
from tests.base import BaseTestCase


class DemoOfficerTests(BaseTestCase):
    def test_it_gives_every_village_an_officer_with_a_phone(self) -> None:
        w = self.world
        assert write_officers(w.city, 7) == {"village_officers": 3}
        officers = {u.home_area: u for u in User.objects.filter(username__startswith="officer-")}
        assert set(officers) == {w.village_a1, w.village_a2, w.village_b1}
        for village, officer in officers.items():
            assert officer.username == f"officer-{village.code}"
            assert officer.role == Role.AREA_OFFICER and officer.is_active
            assert parse_mobile(officer.phone) == officer.phone
            assert HAN.fullmatch(officer.last_name) and 2 <= len(officer.display_name) <= 3
            assert not officer.has_usable_password()  # the demo's logins are the personas'

    def test_it_leaves_a_village_that_has_an_officer_alone(self) -> None:
        w = self.world
        w.alice.home_area = w.village_a1
        w.alice.save(update_fields=["home_area"])
        assert write_officers(w.city, 7) == {"village_officers": 2}
        assert write_officers(w.city, 7) == {"village_officers": 0}  # run again: none twice

    def test_it_names_the_officer_to_call_about_a_missing_report(self) -> None:
        w = self.world
        write_officers(w.city, 7)
        now = timezone.make_aware(datetime.datetime.combine(
            timezone.localdate(), datetime.time(16, 30)))
        write_reports(w.city, 7, now=now, missing_today=1)
        missing = DailyReport.objects.filter(day=now.date()).values_list("area_id", flat=True)
        [village] = [v for v in (w.village_a1, w.village_a2, w.village_b1)
                     if v.pk not in set(missing)]
        officer = User.objects.get(home_area=village)
        page = self.client_for(w.command).get(
            reverse("reporting:report_completeness", args=[w.district.pk]),
            {"day": now.date().isoformat()}).content.decode()
        assert f'<a href="tel:{officer.phone}">{officer.phone}</a>' in page
        assert officer.display_name in page

    def test_a_villages_report_names_its_officer_as_having_submitted_it(self) -> None:
        w = self.world
        write_officers(w.city, 7)
        write_reports(w.city, 7)
        report = DailyReport.objects.filter(area=w.village_b1).first()
        assert report is not None
        assert report.submitted_by == User.objects.get(home_area=w.village_b1)
        town = DailyReport.objects.filter(area=w.town_b).first()
        assert town is not None and town.submitted_by == w.bob
