"""The inbox: my notices only, opening one acknowledges it, the API alike."""

from __future__ import annotations

from django.urls import reverse

from epigrid.alerts.models import Receipt
from epigrid.alerts.services import notify
from epigrid.core.access import Role
from tests.base import BaseTestCase


class InboxPageTests(BaseTestCase):
    def setUp(self) -> None:
        self.notice = notify([self.world.town_a], [Role.AREA_OFFICER], "Fever in Village A1",
                             body="38.4 at East Road", link="/registry/")
        self.receipt = Receipt.objects.get(notice=self.notice, user=self.world.alice)

    def test_it_lists_my_unread_notices(self) -> None:
        response = self.client_for(self.world.alice).get(reverse("alerts:inbox"))
        self.assertContains(response, "Fever in Village A1")
        self.assertEqual(response.context["unread"], 1)

    def test_it_shows_nobody_else_my_notices(self) -> None:
        response = self.client_for(self.world.bob).get(reverse("alerts:inbox"))
        self.assertNotContains(response, "Fever in Village A1")
        other = self.client_for(self.world.bob).post(reverse("alerts:open",
                                                             args=[self.receipt.pk]))
        self.assertEqual(other.status_code, 404)
        self.receipt.refresh_from_db()
        self.assertIsNone(self.receipt.read_at)

    def test_it_marks_a_notice_read_when_opened_and_follows_its_link(self) -> None:
        response = self.client_for(self.world.alice).post(reverse("alerts:open",
                                                                  args=[self.receipt.pk]))
        self.assertRedirects(response, "/registry/", fetch_redirect_response=False)
        self.receipt.refresh_from_db()
        self.assertIsNotNone(self.receipt.read_at)

    def test_it_never_redirects_off_site(self) -> None:
        evil = notify([self.world.town_a], [Role.AREA_OFFICER], "x", link="https://evil.test/")
        receipt = Receipt.objects.get(notice=evil, user=self.world.alice)
        response = self.client_for(self.world.alice).post(reverse("alerts:open",
                                                                  args=[receipt.pk]))
        self.assertRedirects(response, reverse("alerts:inbox"), fetch_redirect_response=False)

    def test_it_marks_all_read(self) -> None:
        notify([self.world.town_a], [Role.AREA_OFFICER], "Second")
        self.client_for(self.world.alice).post(reverse("alerts:read_all"))
        self.assertFalse(Receipt.objects.filter(user=self.world.alice,
                                                read_at__isnull=True).exists())

    def test_it_pages_by_notice(self) -> None:
        with self.settings(PAGE_SIZE=1):
            notify([self.world.town_a], [Role.AREA_OFFICER], "Newest")
            response = self.client_for(self.world.alice).get(reverse("alerts:inbox"))
            self.assertContains(response, "Newest")
            self.assertNotContains(response, "Fever in Village A1")
            older = self.client_for(self.world.alice).get(
                reverse("alerts:inbox"), {"before": response.context["next_before"]})
            self.assertContains(older, "Fever in Village A1")


class InboxApiTests(BaseTestCase):
    def test_it_lists_and_acknowledges(self) -> None:
        notify([self.world.town_a], [Role.AREA_OFFICER], "Fever in Village A1")
        client = self.client_for(self.world.alice)
        items = client.get("/api/alerts/inbox?unread=true").json()["items"]
        self.assertEqual([item["title"] for item in items], ["Fever in Village A1"])
        read = client.post(f"/api/alerts/inbox/{items[0]['id']}/read")
        self.assertIsNotNone(read.json()["read_at"])
        self.assertEqual(client.get("/api/alerts/inbox?unread=true").json()["items"], [])

    def test_it_answers_404_for_another_users_notice(self) -> None:
        notify([self.world.town_a], [Role.AREA_OFFICER], "x")
        receipt = Receipt.objects.get(user=self.world.alice)
        response = self.client_for(self.world.bob).post(f"/api/alerts/inbox/{receipt.pk}/read")
        self.assertEqual(response.status_code, 404)
