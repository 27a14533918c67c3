"""The grid worker's round nearest first: by distance from where she stands, unknown last."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from epigrid.registry import services as registry
from epigrid.registry.models import Household
from epigrid.registry.nearby import parse_position, read_position
from tests.base import BaseTestCase
from tests.security.entries_registry_screening import town_a_campaign

TODAY = reverse("registry:screening_today")


class ParsePositionTests(SimpleTestCase):
    def test_it_reads_latitude_and_longitude(self) -> None:
        self.assertEqual(parse_position("30.59, 114.30"), (30.59, 114.3))

    def test_it_refuses_what_is_not_a_position(self) -> None:
        for raw in ("", "30.59", "a,b", "91,0", "0,181", "1,2,3", "nan,1"):
            self.assertIsNone(parse_position(raw), raw)

    @given(st.floats(-90, 90), st.floats(-180, 180))
    def test_it_reads_back_any_position_it_was_given(self, lat: float, lon: float) -> None:
        found = parse_position(f"{lat:.6f},{lon:.6f}")
        assert found is not None
        self.assertAlmostEqual(found[0], round(lat, 6))
        self.assertAlmostEqual(found[1], round(lon, 6))


class ReadPositionTests(SimpleTestCase):
    """The one reader of "latitude, longitude" texts: the household's form says why it refuses
    one; the visit's hidden field and the round's link drop it (parse_position)."""

    def test_it_reads_to_the_stored_precision_with_either_comma(self) -> None:
        assert read_position(" 30.59281234，114.3055 ") == (Decimal("30.592812"),
                                                             Decimal("114.305500"))
        assert read_position("  ") is None

    def test_it_says_why_it_refuses(self) -> None:
        numbers = "Give the latitude and the longitude as two numbers, like 30.5928, 114.3055."
        for raw, message in (("north", numbers), ("30.6", numbers), ("1,2,3", numbers),
                             ("NaN, 1", numbers), ("1, -Infinity", numbers),
                             ("114.3, 30.6", "A latitude lies between -90 and 90; were "
                                             "latitude and longitude swapped?"),
                             ("30.6, 181", "A longitude lies between -180 and 180."),
                             ("1e999999, 1", "A latitude lies between -90 and 90; were "
                                             "latitude and longitude swapped?")):
            with self.assertRaises(ValidationError, msg=raw) as caught:
                read_position(raw)
            assert caught.exception.messages == [message], raw

    @given(st.decimals(-90, 90, places=6), st.decimals(-180, 180, places=6),
           st.sampled_from([",", ", ", "，", " ， "]))
    def test_it_reads_back_any_stored_position(self, lat: Decimal, lon: Decimal,
                                               comma: str) -> None:
        assert read_position(f"{lat}{comma}{lon}") == (lat, lon)


class NearestFirstPageTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        w = cls.world
        cls.campaign = town_a_campaign(w)
        Household.objects.filter(pk=w.household_a.pk).update(
            latitude=Decimal("30.6010"), longitude=Decimal("114.3010"))
        near = registry.create_household(grid=w.grid_a1_1, address="No. 2, East Lane",
                                         number="A-0002")
        Household.objects.filter(pk=near.pk).update(latitude=Decimal("30.6001"),
                                                    longitude=Decimal("114.3001"))
        registry.create_household(grid=w.grid_a1_1, address="No. 1, Nowhere", number="A-0001")

    def test_it_orders_the_round_by_distance_with_unknown_places_last(self) -> None:
        body = self.client_for(self.world.li).get(TODAY, {"near": "30.6000,114.3000"}) \
            .content.decode()
        self.assertLess(body.index("No. 2, East Lane"), body.index("No. 14, East Lane"))
        self.assertLess(body.index("No. 14, East Lane"), body.index("No. 1, Nowhere"))

    def test_it_turns_the_order_round_when_she_walks_to_the_other_door(self) -> None:
        body = self.client_for(self.world.li).get(TODAY, {"near": "30.6011,114.3011"}) \
            .content.decode()
        self.assertLess(body.index("No. 14, East Lane"), body.index("No. 2, East Lane"))

    def test_it_keeps_household_order_for_a_position_it_cannot_read(self) -> None:
        body = self.client_for(self.world.li).get(TODAY, {"near": "here"}).content.decode()
        self.assertLess(body.index("No. 1, Nowhere"), body.index("No. 2, East Lane"))
        self.assertIn('id="nearest-first"', body)
