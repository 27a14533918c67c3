"""The pages of notices sent by hand: writing one, the list, and who has read it."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from epigrid.accounts.services import create_user
from epigrid.alerts.models import Notice, Receipt
from epigrid.alerts.sending import send_notice
from epigrid.core.access import Role
from tests.base import PASSWORD, BaseTestCase


class SendPageTests(BaseTestCase):
    def test_it_sends_a_notice_and_shows_who_has_read_it(self) -> None:
        w = self.world
        client = self.client_for(w.alice)
        response = client.post(reverse("alerts:send"), {
            "areas": [w.village_a1.pk], "roles": [Role.GRID_WORKER],
            "title": "Lanes first", "body": "Start at the east lanes."})
        notice = Notice.objects.get()
        self.assertRedirects(response, reverse("alerts:sent_detail", args=[notice.pk]))
        page = client.get(reverse("alerts:sent_detail", args=[notice.pk]))
        self.assertContains(page, "0 of 1 recipients have read it.")
        self.assertContains(page, '<td><a href="tel:">', count=0)
        self.assertContains(page, f'<tr data-user="{w.li.pk}">')
        # Li opens it in her inbox: it is read.
        inbox = self.client_for(w.li).get(reverse("alerts:inbox"))
        self.assertContains(inbox, "Lanes first")
        self.assertContains(inbox, "from alice")
        receipt = Receipt.objects.get(notice=notice, user=w.li)
        self.client_for(w.li).post(reverse("alerts:open", args=[receipt.pk]))
        page = client.get(reverse("alerts:sent_detail", args=[notice.pk]))
        self.assertContains(page, "1 of 1 recipients have read it.")
        self.assertContains(page, 'id="all-read"')

    def test_it_names_the_wrong_fields_and_keeps_what_was_typed(self) -> None:
        w = self.world
        response = self.client_for(w.alice).post(reverse("alerts:send"), {
            "areas": [w.town_b.pk], "title": "", "body": "Keep me"})
        self.assertEqual(response.status_code, 400)
        form = response.context["form"]
        self.assertEqual(form.errors["areas"], ["No such area among the areas you may see."])
        self.assertIn("roles", form.errors)
        self.assertContains(response, "Keep me", status_code=400)
        self.assertFalse(Notice.objects.exists())

    def test_it_puts_the_services_refusal_on_its_field(self) -> None:
        w = self.world
        response = self.client_for(w.command).post(reverse("alerts:send"), {
            "areas": [w.town_b.pk], "roles": [Role.GRID_WORKER], "title": "Anyone?"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("would reach nobody", response.context["form"].errors["roles"][0])

    def test_it_takes_a_village_of_the_subtree_not_in_the_menu(self) -> None:
        w = self.world
        response = self.client_for(w.command).post(reverse("alerts:send"), {
            "areas": [w.grid_a1_1.pk], "roles": [Role.GRID_WORKER], "title": "Grid only"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Notice.objects.get().receipts.get().user, w.li)

    def test_it_offers_the_upper_levels_of_the_users_area(self) -> None:
        response = self.client_for(self.world.alice).get(reverse("alerts:send"))
        self.assertContains(response, "Dongcheng Town")
        self.assertContains(response, "· Village A1")
        self.assertNotContains(response, "Xihe Town")

    def test_it_refuses_a_role_that_may_not_send(self) -> None:
        w = self.world
        self.assertEqual(self.client_for(w.li).get(reverse("alerts:send")).status_code, 403)
        response = self.client_for(w.li).post(reverse("alerts:send"), {
            "areas": [w.grid_a1_1.pk], "roles": [Role.GRID_WORKER], "title": "Hi"})
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Notice.objects.exists())


class SentListTests(BaseTestCase):
    def test_it_lists_the_notices_whose_recipients_are_all_in_sight(self) -> None:
        w = self.world
        send_notice(w.command, [w.town_a, w.town_b], [Role.AREA_OFFICER], "Both towns")
        send_notice(w.command, [w.town_a], [Role.AREA_OFFICER], "Town A only")
        mine = self.client_for(w.alice).get(reverse("alerts:sent_list"))
        self.assertContains(mine, "Town A only")
        self.assertNotContains(mine, "Both towns")
        everything = self.client_for(w.command).get(reverse("alerts:sent_list"))
        self.assertContains(everything, "Both towns")
        both = Notice.objects.get(title="Both towns")
        hidden = self.client_for(w.alice).get(reverse("alerts:sent_detail", args=[both.pk]))
        missing = self.client_for(w.alice).get(reverse("alerts:sent_detail", args=[10**6]))
        self.assertEqual((hidden.status_code, missing.status_code), (404, 404))

    def test_it_hides_the_apps_own_notices(self) -> None:
        from epigrid.alerts.services import notify

        w = self.world
        notice = notify([w.town_a], [Role.AREA_OFFICER], "Fever in Village A1")
        self.assertNotContains(self.client_for(w.command).get(reverse("alerts:sent_list")),
                               "Fever in Village A1")
        response = self.client_for(w.command).get(reverse("alerts:sent_detail",
                                                          args=[notice.pk]))
        self.assertEqual(response.status_code, 404)

    def test_it_reads_the_pages_in_the_same_queries_whatever_the_recipients(self) -> None:
        w = self.world
        client = self.client_for(w.command)

        def queries(url: str) -> int:
            with CaptureQueriesContext(connection) as captured:
                self.assertEqual(client.get(url).status_code, 200)
            return len(captured.captured_queries)

        notice = send_notice(w.command, [w.town_a], [Role.GRID_WORKER], "Round two")
        detail, listing = reverse("alerts:sent_detail", args=[notice.pk]), reverse(
            "alerts:sent_list")
        few = (queries(detail), queries(listing))
        for n in range(6):
            create_user(username=f"gw{n}", password=PASSWORD, role=Role.GRID_WORKER,
                        home_area=w.grid_a2_1 if n % 2 else w.grid_a1_2)
        more = send_notice(w.command, [w.town_a], [Role.GRID_WORKER], "Round three")
        send_notice(w.command, [w.village_a1], [Role.GRID_WORKER], "Round four")
        self.assertEqual((queries(reverse("alerts:sent_detail", args=[more.pk])),
                          queries(listing)), few)
