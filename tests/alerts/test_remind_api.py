"""Reminding through the API 催读: 200 with how many were reminded, 422 refused, 404 out of
sight, 403 for a reader whose role may not send notices; the reminder in the inbox API."""

from __future__ import annotations

import datetime
from typing import Any

from django.test import Client
from django.utils import timezone

from epigrid.accounts.services import create_user
from epigrid.alerts.models import Notice, Receipt
from epigrid.alerts.sending import send_notice
from epigrid.core.access import Role
from tests.base import PASSWORD, BaseTestCase

URL = "/api/alerts/notices"


def remind(client: Client, notice: Notice) -> Any:
    return client.post(f"{URL}/{notice.pk}/remind")


class RemindApiTests(BaseTestCase):
    def setUp(self) -> None:
        w = self.world
        create_user(username="wu", password=PASSWORD, role=Role.GRID_WORKER,
                    home_area=w.grid_a2_1)
        self.notice = send_notice(w.command, [w.town_a], [Role.GRID_WORKER, Role.AREA_OFFICER],
                                  "Round two")

    def test_it_reminds_and_answers_how_many(self) -> None:
        Receipt.objects.filter(notice=self.notice, user=self.world.alice).update(
            read_at=timezone.now())
        client = self.client_for(self.world.command)
        response = remind(client, self.notice)
        self.assertEqual(response.status_code, 200)
        notice = Notice.objects.get(pk=self.notice.pk)
        assert notice.reminded_at is not None
        body = response.json()
        self.assertEqual((body["reminded"], body["reminders"]), (2, 1))  # Li and Wu
        answered = datetime.datetime.fromisoformat(body["reminded_at"])  # to the millisecond
        self.assertLess(abs(answered - notice.reminded_at), datetime.timedelta(milliseconds=1))
        detail = client.get(f"{URL}/{notice.pk}").json()
        self.assertEqual((detail["reminders"], detail["reminded_at"]),
                         (1, body["reminded_at"]))
        waiting = client.get(f"{URL}/{notice.pk}/waiting").json()["items"]
        self.assertEqual(sorted((row["username"], row["reminded_at"] is not None)
                                for row in waiting), [("li", True), ("wu", True)])

    def test_it_refuses_a_second_reminder_within_the_hour_and_when_all_have_read(self) -> None:
        client = self.client_for(self.world.command)
        self.assertEqual(remind(client, self.notice).status_code, 200)
        again = remind(client, self.notice)
        self.assertEqual(again.status_code, 422)
        detail = again.json()["detail"]
        self.assertEqual(detail[0]["loc"], ["body"])
        self.assertTrue(detail[0]["msg"].startswith("It was reminded at "), detail)
        Receipt.objects.filter(notice=self.notice).update(read_at=timezone.now())
        Notice.objects.filter(pk=self.notice.pk).update(
            reminded_at=timezone.now() - datetime.timedelta(hours=2))
        everyone = remind(client, self.notice)
        self.assertEqual((everyone.status_code, everyone.json()["detail"][0]["msg"]),
                         (422, "Everyone has read it: there is nobody to remind."))
        self.assertEqual(Notice.objects.get(pk=self.notice.pk).reminders, 1)

    def test_it_answers_404_out_of_sight_and_403_to_a_reader_who_may_not_send(self) -> None:
        w = self.world
        both = send_notice(w.command, [w.town_a, w.town_b], [Role.AREA_OFFICER], "Both")
        own_grid = send_notice(w.alice, [w.grid_a1_1], [Role.GRID_WORKER], "Your grid")
        for user, notice, status in ((w.alice, both, 404), (w.bob, self.notice, 404),
                                     (w.stranger, self.notice, 404),
                                     (w.medic, self.notice, 403), (w.li, own_grid, 403)):
            with self.subTest(user=user.username, notice=notice.title):
                self.assertEqual(remind(self.client_for(user), notice).status_code, status)
        missing = self.client_for(w.command).post(f"{URL}/{10**6}/remind")
        self.assertEqual(missing.status_code, 404)
        self.assertFalse(Notice.objects.filter(reminders__gt=0).exists())

    def test_it_shows_the_reader_the_reminder_in_the_inbox_api(self) -> None:
        li = self.client_for(self.world.li)
        self.assertIsNone(li.get("/api/alerts/inbox").json()["items"][0]["reminded_at"])
        remind(self.client_for(self.world.command), self.notice)
        item = li.get("/api/alerts/inbox?unread=true").json()["items"][0]
        self.assertEqual((item["title"], item["reminded_at"] is not None), ("Round two", True))
