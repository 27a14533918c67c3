"""Staff phones on the duty lists: masked (137****0001) on every page and in every answer of the
duty API, for everyone, the command with its right to reveal identities included; the full
number appears nowhere, not even in a `tel:` link."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.urls import reverse

from epigrid.checkpoints import duty
from epigrid.checkpoints.models import Assignment
from epigrid.core.access import Capability, can
from tests.base import BaseTestCase
from tests.checkpoints.duty_helpers import at, later, staff, staff_the_world

H = datetime.timedelta(hours=1)
MA_FULL, MA_MASKED = "13700000001", "137****0001"
NIU_FULL, NIU_MASKED = "13700000002", "137****0002"


class MaskedPhoneTests(BaseTestCase):
    def test_it_keeps_the_first_three_and_last_four_digits(self) -> None:
        w = self.world
        assert duty.masked_phone(staff("ou", w.village_a1, "13812345678")) == "138****5678"
        assert duty.masked_phone(staff("pan", w.village_a1, " 138 1234 5678 ")) == \
            "138******5678"
        assert duty.masked_phone(staff("qu", w.village_a1, "12345")) == "*****"
        assert duty.masked_phone(staff("ren", w.village_a1, "")) == ""
        assert duty.masked_phone(None) == ""


class DutyPhonesTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        w = cls.world
        cls.people = staff_the_world(w)
        start = later(hours=-1)
        cls.day = start.date()
        duty.create_shift(w.alice, w.checkpoint_a, cls.people["ma"], start, start + 4 * H)

    def assert_masked(self, text: str, *, masked: tuple[str, ...] = (MA_MASKED,)) -> None:
        for number in masked:
            assert number in text
        assert MA_FULL not in text and NIU_FULL not in text
        assert "tel:" not in text

    def test_it_masks_the_phones_on_every_duty_page_even_for_the_command(self) -> None:
        w = self.world
        # The command may reveal identities in the registry; the rosters stay masked anyway.
        assert can(w.command, Capability.REVEAL_IDENTITY)
        for user in (w.alice, w.command):
            client = self.client_for(user)
            now = client.get(reverse("checkpoints:duty_area", args=[w.town_a.pk]))
            assert now.status_code == 200
            self.assert_masked(now.content.decode())
            hours = client.get(reverse("checkpoints:duty_hours", args=[w.town_a.pk]),
                               {"day": self.day.isoformat(), "days": "2"})
            self.assert_masked(hours.content.decode())
            roster = client.get(reverse("checkpoints:duty_checkpoint",
                                        args=[w.checkpoint_a.pk]))
            html = roster.content.decode()
            # On duty now (Ma) and the assignments (Ma and Niu).
            self.assert_masked(html, masked=(MA_MASKED, NIU_MASKED))
            assert html.count(MA_MASKED) == 2

    def test_it_shows_no_phone_for_staff_without_one(self) -> None:
        w = self.world
        nobody = staff("song", w.village_a1)
        Assignment.objects.create(user=nobody, checkpoint=w.checkpoint_a)
        html = self.client_for(w.alice).get(reverse(
            "checkpoints:duty_checkpoint", args=[w.checkpoint_a.pk])).content.decode()
        assert "<li>song\n" in html or "<li>song " in html  # the name, no " · " and no mask

    def test_it_masks_the_phones_in_every_duty_api_answer(self) -> None:
        w = self.world
        client = self.client_for(w.command)
        cp, town = w.checkpoint_a.pk, w.town_a.pk
        answers: dict[str, Any] = {
            "shifts": client.get(f"/api/duty/checkpoints/{cp}/shifts",
                                 {"day": self.day.isoformat(), "days": "2"}),
            "now": client.get(f"/api/duty/checkpoints/{cp}/now"),
            "area now": client.get(f"/api/duty/areas/{town}/now"),
            "hours": client.get(f"/api/duty/areas/{town}/hours",
                                {"day": self.day.isoformat(), "days": "2"}),
            "assignments": client.get(f"/api/duty/checkpoints/{cp}/assignments"),
        }
        for name, response in answers.items():
            assert response.status_code == 200, name
            self.assert_masked(response.content.decode())
        assert answers["now"].json()["on_duty"][0]["person"] == {
            "id": self.people["ma"].pk, "name": "Hua Ma", "phone_masked": MA_MASKED}
        assert {row["person"]["phone_masked"] for row in answers["assignments"].json()} == {
            MA_MASKED, NIU_MASKED}
        assert "phone" not in answers["hours"].json()["items"][0]["person"]

    def test_it_masks_the_phone_in_the_answers_of_writes(self) -> None:
        w = self.world
        client = self.client_for(w.alice)
        start = at(self.day + datetime.timedelta(days=2), 8)
        made = client.post(f"/api/duty/checkpoints/{w.checkpoint_a.pk}/shifts", json.dumps({
            "user_id": self.people["niu"].pk, "starts_at": start.isoformat(),
            "ends_at": (start + 8 * H).isoformat()}), content_type="application/json")
        assert made.status_code == 201
        self.assert_masked(made.content.decode(), masked=(NIU_MASKED,))
        newcomer = staff("tao", w.village_a1, "15912345678")
        assigned = client.post(f"/api/duty/checkpoints/{w.checkpoint_a.pk}/assignments",
                               json.dumps({"user_id": newcomer.pk}),
                               content_type="application/json")
        assert assigned.status_code == 201
        assert assigned.json()["person"]["phone_masked"] == "159****5678"
        assert "15912345678" not in assigned.content.decode()
