"""The briefing goes to the leading group at 16:30: each command area's talking points in its
command's inbox, with the link to its meeting, once a day however often the task runs."""

from __future__ import annotations

from celery import current_app
from celery.schedules import crontab

from epigrid.accounts.services import create_user
from epigrid.briefing import tasks
from epigrid.briefing.sending import send_briefings
from epigrid.core.access import Role
from tests.alerts.helpers import inbox_of
from tests.base import PASSWORD, BaseTestCase
from tests.briefing.helpers import outbreak_in_town_a, problems_of_ages, today


class SendingTests(BaseTestCase):
    def test_it_sends_each_command_its_areas_talking_points_once(self) -> None:
        w = self.world
        outbreak_in_town_a(w)
        problems_of_ages(w)
        sent = send_briefings(today())
        assert [notice.area_path for notice in sent] == [w.district.path]
        [(title, body, link)] = inbox_of(w.command)
        assert title == f"Briefing of {w.district.name} for {today().isoformat()}"
        assert body.startswith("1. ") and "problem is overdue" in body
        assert link == f"/briefing/areas/{w.district.pk}/?day={today().isoformat()}"
        # Nobody else is told: the town's officers and the medics are not the leading group.
        assert inbox_of(w.alice) == [] and inbox_of(w.medic) == []
        # Run again (a retry, a second beat): nothing more.
        assert send_briefings(today()) == []
        assert len(inbox_of(w.command)) == 1

    def test_a_town_with_its_own_command_gets_its_own(self) -> None:
        w = self.world
        deputy = create_user(username="deputy_a", password=PASSWORD, role=Role.COMMAND,
                             home_area=w.town_a)
        inactive = create_user(username="gone_b", password=PASSWORD, role=Role.COMMAND,
                               home_area=w.town_b)
        inactive.is_active = False
        inactive.save(update_fields=["is_active"])
        sent = send_briefings(today())
        assert [notice.area_path for notice in sent] == [w.district.path, w.town_a.path]
        [(title, body, _link)] = inbox_of(deputy)
        assert title == f"Briefing of {w.town_a.name} for {today().isoformat()}"
        assert body == "No talking points: the figures of this day have not been counted yet."
        assert [t for t, _b, _l in inbox_of(w.command)] == [
            f"Briefing of {w.district.name} for {today().isoformat()}"]

    def test_it_is_scheduled_half_an_hour_after_the_cutoff_and_runs(self) -> None:
        entry = current_app.conf.beat_schedule["briefing-send-to-command"]
        assert entry["schedule"] == crontab(hour=16, minute=30)
        assert tasks.send_todays_briefings.apply().get() == 1
        assert tasks.send_todays_briefings.apply().get() == 0
