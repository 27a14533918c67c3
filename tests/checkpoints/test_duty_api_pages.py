"""The duty API's area lists come a page at a time: gaps by checkpoint code (`after`), hours
per person most first (`page`); a district has a thousand checkpoints and their staff."""

from __future__ import annotations

import datetime

from epigrid.checkpoints import duty
from tests.base import BaseTestCase
from tests.checkpoints.duty_helpers import at, later, staff_the_world

H = datetime.timedelta(hours=1)


class DutyApiPageTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.people = staff_the_world(cls.world)

    def test_it_pages_an_areas_gaps_by_checkpoint_code(self) -> None:
        w = self.world
        client = self.client_for(w.command)
        url = f"/api/duty/areas/{w.district.pk}/gaps"
        codes = sorted([w.checkpoint_a.code, w.checkpoint_b.code])
        first = client.get(url, {"limit": "1"}).json()
        assert [row["checkpoint_id"] for row in first["items"]] == [
            w.checkpoint_a.pk if codes[0] == w.checkpoint_a.code else w.checkpoint_b.pk]
        assert first["next_after"] == codes[0]
        second = client.get(url, {"limit": "1", "after": first["next_after"]}).json()
        assert len(second["items"]) == 1 and second["next_after"] is None
        assert {first["items"][0]["checkpoint_id"], second["items"][0]["checkpoint_id"]} == {
            w.checkpoint_a.pk, w.checkpoint_b.pk}
        assert client.get(url, {"after": codes[1]}).json() == {"items": [], "next_after": None}

    def test_it_pages_hours_per_person_most_first(self) -> None:
        w = self.world
        day = later(days=1).date()
        duty.create_shift(w.alice, w.checkpoint_a, self.people["ma"], at(day, 8), at(day, 12))
        duty.create_shift(w.alice, w.checkpoint_a, self.people["niu"], at(day, 12),
                          at(day, 14))
        duty.create_shift(w.bob, w.checkpoint_b, self.people["qin"], at(day, 8), at(day, 11))
        client = self.client_for(w.command)
        url = f"/api/duty/areas/{w.district.pk}/hours"

        def page(number: int) -> tuple[list[tuple[str, float]], int | None]:
            found = client.get(url, {"day": day.isoformat(), "limit": "2",
                                     "page": str(number)}).json()
            return ([(row["person"]["name"], row["hours"]) for row in found["items"]],
                    found["next_page"])

        assert page(1) == ([("Hua Ma", 4.0), ("qin", 3.0)], 2)
        assert page(2) == ([("niu", 2.0)], None)
        assert page(3) == ([], None)

    def test_it_refuses_a_page_out_of_bounds_naming_the_parameter(self) -> None:
        w = self.world
        client = self.client_for(w.command)
        for path, query, name in (("gaps", {"limit": "0"}, "limit"),
                                  ("gaps", {"limit": "501"}, "limit"),
                                  ("hours", {"page": "0"}, "page"),
                                  ("hours", {"limit": "501"}, "limit")):
            answer = client.get(f"/api/duty/areas/{w.district.pk}/{path}", query)
            assert answer.status_code == 422, (path, query)
            assert answer.json()["detail"][0]["loc"] == ["query", name], (path, query)
