"""A number past any id or count of ours, anywhere in an API input, is a 422 on its field, not a
database's 500 (found by fuzzing the schema: `?parent=` and `?checkpoint=` with 32 digits)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from epigrid.core.api import NUMBER_MAX, PageParams
from tests.base import BaseTestCase

HUGE = 10**31


@given(st.integers(min_value=NUMBER_MAX + 1) | st.integers(max_value=-NUMBER_MAX - 2))
def test_it_refuses_any_whole_number_past_a_bigint(number: int) -> None:
    try:
        PageParams(after=number)
    except ValidationError as error:
        assert error.errors()[0]["loc"] == ("after",)
    else:
        raise AssertionError(number)


@given(st.integers(min_value=0, max_value=NUMBER_MAX))
def test_it_takes_every_whole_number_a_bigint_holds(number: int) -> None:
    assert PageParams(after=number).after == number


class HugeNumberTests(BaseTestCase):
    def assert_refused(self, response: object, loc: list[str]) -> None:
        assert response.status_code == 422, response  # type: ignore[attr-defined]
        detail = response.json()["detail"]  # type: ignore[attr-defined]
        assert [error["loc"] for error in detail] == [loc]
        assert detail[0]["msg"].endswith("This number is too large.")

    def test_it_refuses_a_huge_id_in_a_query_filter(self) -> None:
        client = self.client_for(self.world.alice)
        self.assert_refused(client.get("/api/areas/", {"parent": HUGE}), ["query", "parent"])
        self.assert_refused(client.get("/api/passages", {"checkpoint": HUGE}),
                            ["query", "checkpoint"])
        self.assert_refused(client.get("/api/registry/persons/", {"after": HUGE}),
                            ["query", "after"])

    def test_it_refuses_a_page_whose_offset_would_pass_a_bigint(self) -> None:
        # Found by fuzzing: page 2432902008176640001 of 197 rows, an OFFSET past a bigint.
        response = self.client_for(self.world.command).get(
            "/api/registry/duplicates/", {"page": 2432902008176640001, "limit": 197})
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["query", "page"]

    def test_it_refuses_a_huge_id_in_a_body(self) -> None:
        response = self.client_for(self.world.alice).post(
            "/api/registry/roster-exports", {"format": "csv", "area": HUGE},
            content_type="application/json")
        self.assert_refused(response, ["body", "payload", "area"])

    def test_a_huge_id_in_a_path_is_not_found(self) -> None:
        response = self.client_for(self.world.alice).get(f"/api/areas/{HUGE}")
        assert response.status_code == 404
