"""The unread count beside "Inbox" on every page: the menu's link names where to ask, the API
answers my count only, never cached, and it falls as I read."""

from __future__ import annotations

from django.urls import reverse

from epigrid.alerts.models import Receipt
from epigrid.alerts.services import notify
from epigrid.core.access import Role
from tests.base import BaseTestCase

UNREAD = "/api/alerts/inbox/unread"


class UnreadBadgeTests(BaseTestCase):
    def setUp(self) -> None:
        notify([self.world.town_a], [Role.AREA_OFFICER], "Fever in Village A1")
        notify([self.world.town_a], [Role.AREA_OFFICER], "Fever at East Road")

    def test_every_page_points_the_inbox_link_at_the_count(self) -> None:
        body = self.client_for(self.world.alice).get(reverse("problems:list")).content.decode()
        inbox = reverse("alerts:inbox")
        assert f'<a href="{inbox}" data-unread-url="{UNREAD}"' in body
        assert "web/inbox-badge.js" in body
        assert "inbox-badge.js" not in self.client.get(reverse("accounts:login")).content.decode()

    def test_it_counts_my_unread_notices_only_and_never_from_a_cache(self) -> None:
        answer = self.client_for(self.world.alice).get(UNREAD)
        assert answer.json() == {"unread": 2}
        assert answer["Cache-Control"] == "no-store"
        assert self.client_for(self.world.bob).get(UNREAD).json() == {"unread": 0}
        receipt = Receipt.objects.filter(user=self.world.alice).order_by("pk").first()
        assert receipt is not None
        self.client_for(self.world.alice).post(reverse("alerts:open", args=[receipt.pk]))
        assert self.client_for(self.world.alice).get(UNREAD).json() == {"unread": 1}

    def test_it_asks_who_is_asking(self) -> None:
        assert self.client.get(UNREAD).status_code == 401
