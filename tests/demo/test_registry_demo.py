"""The demo's residents and screening round at tiny scale: counts, valid IDs, masks, progress."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count
from django.test import TestCase
from django.utils import timezone

from epigrid.areas.models import Area, Level
from epigrid.care.models import AdmissionRequest
from epigrid.cases.models import (
    Case,
    Exposure,
    FollowUp,
    LabTest,
    MissedFollowUp,
    Quarantine,
    Transition,
)
from epigrid.core import crypto
from epigrid.core.identity import parse_id_number
from epigrid.demo.generator import generate
from epigrid.demo.registry_data import CAMPAIGN_NAME, TINY_HOUSEHOLDS_PER_GRID
from epigrid.registry.models import (
    DuplicateId,
    Household,
    HouseholdVisit,
    Person,
    PersonScreening,
    Residency,
    ScreeningCampaign,
    ScreeningProgress,
)

SEED = 7


def person_rows() -> list[tuple[object, ...]]:
    return list(Person.objects.order_by("id").values_list(
        "name", "id_number_hash", "id_number_masked", "phone_masked", "sex", "birth_date",
        "tags", "residency", "grid__code", "household__number"))


class TinyRegistryDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.summary = generate("tiny", SEED, residents=True)

    def test_it_gives_every_grid_its_households_and_about_its_population(self) -> None:
        grids = Area.objects.filter(level=Level.GRID).count()
        residents = self.summary["residents"]
        assert Household.objects.count() == grids * TINY_HOUSEHOLDS_PER_GRID
        assert residents["households"] == Household.objects.count()
        resident_count = Person.objects.filter(residency=Residency.RESIDENT).count()
        assert resident_count == residents["residents"] + 3  # the three registered twice
        assert 200 <= resident_count <= 800
        per_grid = Household.objects.values("grid").annotate(n=Count("id"))
        assert {row["n"] for row in per_grid} == {TINY_HOUSEHOLDS_PER_GRID}
        assert Person.objects.exclude(residency=Residency.RESIDENT).count() >= 1

    def test_it_writes_valid_ids_with_sex_and_birth_date_and_masked_values(self) -> None:
        for person in Person.objects.filter(residency=Residency.RESIDENT):
            number = crypto.decrypt(person.id_number_enc, "id_number")
            parsed = parse_id_number(number)
            assert (parsed.sex, parsed.birth_date) == (person.sex, person.birth_date)
            assert person.id_number_hash == crypto.keyed_hash(number, "id_number")
            assert person.id_number_masked == f"{number[:6]}********{number[-4:]}"
            assert number not in person.id_number_masked
            if person.phone_enc:
                phone = crypto.decrypt(person.phone_enc, "phone")
                assert person.phone_masked == f"{phone[:3]}****{phone[-4:]}"
        local = Person.objects.filter(id_number_masked__startswith="42").count()
        assert local == Person.objects.exclude(id_number_masked="").count()

    def test_it_keeps_ids_unique_but_three_in_two_households(self) -> None:
        repeated = (Person.objects.exclude(id_number_hash="").values("id_number_hash")
                    .annotate(n=Count("id"), homes=Count("household", distinct=True))
                    .filter(n__gt=1))
        assert len(repeated) == 3
        assert all(row["n"] == 2 and row["homes"] == 2 for row in repeated)
        # Noted for the duplicates list (registry.duplicates), though written past the services.
        assert set(DuplicateId.objects.values_list("id_number_hash", flat=True)) == {
            row["id_number_hash"] for row in repeated}

    def test_it_leaves_a_campaign_partly_done_with_progress_stored(self) -> None:
        campaign = ScreeningCampaign.objects.get(name=CAMPAIGN_NAME)
        visited = HouseholdVisit.objects.filter(campaign=campaign).count()
        assert 0.3 < visited / Household.objects.count() < 0.9
        days = set(HouseholdVisit.objects.values_list("visited_on", flat=True))
        today = timezone.localdate()
        assert {campaign.starts_on, today - datetime.timedelta(days=1)} <= days
        assert days <= {campaign.starts_on, today - datetime.timedelta(days=1), today}
        assert not HouseholdVisit.objects.filter(visited_at__gt=timezone.now()).exists()
        # On the rosters before the outbreak: every past day's figures count them registered.
        for model in (Household, Person):
            assert not model.objects.filter(created_at__date__gte=campaign.starts_on).exists()
        root = ScreeningProgress.objects.get(campaign=campaign, area=campaign.area, day=None)
        assert root.households_total == Household.objects.count()
        assert root.households_visited == visited
        assert root.persons_screened == PersonScreening.objects.filter(present=True).count()
        assert ScreeningProgress.objects.filter(campaign=campaign, day=None).count() == \
            Area.objects.filter(path__startswith=campaign.area.path).count()

    def test_it_is_deterministic_by_seed(self) -> None:
        first = person_rows()
        for model in (AdmissionRequest, Transition, FollowUp, MissedFollowUp, Quarantine, LabTest,
                      Exposure, Case):
            model.objects.all().delete()
        PersonScreening.objects.all().delete()
        HouseholdVisit.objects.all().delete()
        ScreeningProgress.objects.all().delete()
        ScreeningCampaign.objects.all().delete()
        Person.objects.all().delete()
        Household.objects.all().delete()
        from epigrid.demo.registry_data import generate_residents

        generate_residents("tiny", SEED, Area.objects.get(level=Level.CITY))
        assert person_rows() == first


class TinyHouseholdPlacesTests(TestCase):
    def test_it_puts_every_door_near_its_grid(self) -> None:
        generate("tiny", SEED, residents=True)
        for household in Household.objects.select_related("grid")[:200]:
            assert household.latitude is not None and household.longitude is not None
            assert abs(household.latitude - household.grid.latitude) <= Decimal("0.0025")
            assert abs(household.longitude - household.grid.longitude) <= Decimal("0.0025")
