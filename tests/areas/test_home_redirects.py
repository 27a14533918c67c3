"""The index pages that open an area's page at the user's own area (areas.home.at_home_area)."""

from __future__ import annotations

from django.urls import reverse

from tests.base import BaseTestCase

# Each index, and the page of one area it opens.
INDEXES = {"reporting:index": "reporting:area", "cases:figure_index": "cases:figure_area",
           "checkpoints:duty_index": "checkpoints:duty_area",
           "checkpoints:figure_index": "checkpoints:figure_area",
           "briefing:index": "briefing:meeting", "dashboards:index": "dashboards:area",
           "care:plan_index": "care:plan_area", "care:bed_index": "care:bed_area",
           "care:dashboard_index": "care:dashboard"}


class HomeAreaRedirectTests(BaseTestCase):
    def test_it_opens_each_page_at_the_user_s_home_area(self) -> None:
        client = self.client_for(self.world.alice)
        for index, page in INDEXES.items():
            with self.subTest(index=index):
                response = client.get(reverse(index))
                self.assertRedirects(response, reverse(page, args=[self.world.town_a.pk]),
                                     fetch_redirect_response=False)

    def test_it_opens_the_first_city_for_who_sees_everything(self) -> None:
        response = self.client_for(self.world.admin).get(reverse("dashboards:index"))
        self.assertRedirects(response, reverse("dashboards:area", args=[self.world.city.pk]),
                             fetch_redirect_response=False)

    def test_it_answers_not_found_to_a_user_without_an_area(self) -> None:
        client = self.client_for(self.world.stranger)
        for index in INDEXES:
            with self.subTest(index=index):
                response = client.get(reverse(index))
                # The transfer plan lists patients: a volunteer may not open it at all.
                self.assertEqual(response.status_code,
                                 403 if index == "care:plan_index" else 404)

    def test_it_sends_a_visitor_to_the_login_and_refuses_a_post(self) -> None:
        response = self.client.get(reverse("briefing:index"))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])
        posted = self.client_for(self.world.alice).post(reverse("briefing:index"))
        self.assertEqual(posted.status_code, 405)
