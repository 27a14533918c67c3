"""The world every test starts from, and the people in it (healthchecks' hc/test.py).

    Jinhe City
    └── Qingshan District                  command: Zhou (dispatch)
        ├── Town A: Dongcheng Town         officer: Alice; grid worker: Li (grid A1-1)
        │   ├── Village A1 ── grids A1-1, A1-2
        │   └── Village A2 ── grid A2-1
        └── Town B: Xihe Town              officer: Bob
            └── Village B1 ── grid B1-1
    Dr He (medical and transfer team) works for the whole district.
    A stranger has an account but no home area; an admin sees everything.
    Households: the Wangs (No. 14, East Lane, grid A1-1), the Zhaos (grid B1-1); a non-resident
    worker Sun Li in grid A1-2.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.test import Client, TestCase

from epigrid.accounts.models import User
from epigrid.accounts.services import create_user
from epigrid.areas import services as area_services
from epigrid.areas.models import Area, Checkpoint, Facility, Level, Warehouse
from epigrid.core.access import Role
from epigrid.registry import services as registry
from epigrid.registry.models import Residency, Tag

PASSWORD = "correct-horse-battery"  # noqa: S105 - a test password
# Fictional ID numbers with valid check characters (GB 11643).
ID_A = "42010219800101001X"    # Wang Jun, male, born 1980-01-01
ID_A2 = "420102200503150020"   # Wang Lei, female, born 2005-03-15
ID_B = "420102194506070036"    # Zhao Min, male, born 1945-06-07


def make_area(parent: Area | None, level: Level, code: str, name: str, **fields: object) -> Area:
    return area_services.create_area(parent=parent, level=level, code=code, name=name, **fields)


class World:
    """Areas, sites and personas, built once per test class."""

    def __init__(self) -> None:
        self.city = make_area(None, Level.CITY, "420100000000", "Jinhe City", population=90_000)
        self.district = make_area(self.city, Level.DISTRICT, "420102000000", "Qingshan District",
                                  population=90_000, households=30_000)
        self.town_a = make_area(self.district, Level.TOWN, "420102001000", "Dongcheng Town",
                                population=50_000, households=17_000)
        self.town_b = make_area(self.district, Level.TOWN, "420102002000", "Xihe Town",
                                population=40_000, households=13_000)
        self.village_a1 = make_area(self.town_a, Level.VILLAGE, "420102001001", "Village A1",
                                    population=3_000, households=1_000)
        self.village_a2 = make_area(self.town_a, Level.VILLAGE, "420102001002", "Village A2",
                                    population=2_000, households=700)
        self.village_b1 = make_area(self.town_b, Level.VILLAGE, "420102002001", "Village B1",
                                    population=2_500, households=800)
        self.grid_a1_1 = make_area(self.village_a1, Level.GRID, "420102001001-01", "Grid A1-1")
        self.grid_a1_2 = make_area(self.village_a1, Level.GRID, "420102001001-02", "Grid A1-2")
        self.grid_a2_1 = make_area(self.village_a2, Level.GRID, "420102001002-01", "Grid A2-1")
        self.grid_b1_1 = make_area(self.village_b1, Level.GRID, "420102002001-01", "Grid B1-1")

        self.checkpoint_a = Checkpoint.objects.create(
            area=self.village_a1, code="CP-A-001", name="East Road Checkpoint",
            kind=Checkpoint.Kind.ROAD, latitude=Decimal("30.6"), longitude=Decimal("114.3"))
        self.checkpoint_b = Checkpoint.objects.create(
            area=self.village_b1, code="CP-B-001", name="West Gate Checkpoint",
            kind=Checkpoint.Kind.COMMUNITY_GATE)
        self.facility_a = Facility.objects.create(
            area=self.town_a, code="FA-A-001", name="Dongcheng Fever Clinic",
            kind=Facility.Kind.FEVER_CLINIC)
        self.facility_b = Facility.objects.create(
            area=self.town_b, code="FA-B-001", name="Xihe Quarantine Hotel",
            kind=Facility.Kind.QUARANTINE_SITE)
        self.warehouse_a = Warehouse.objects.create(
            area=self.town_a, code="WH-A-001", name="Dongcheng Depot")
        self.warehouse_b = Warehouse.objects.create(
            area=self.town_b, code="WH-B-001", name="Xihe Depot")

        # Residents: the Wangs of grid A1-1 (town A) and the Zhaos of grid B1-1 (town B).
        self.household_a = registry.create_household(
            grid=self.grid_a1_1, address="No. 14, East Lane", head_name="Wang Jun",
            phone="13800138000", number="A-0014")
        self.person_a = registry.create_person(
            grid=self.grid_a1_1, household=self.household_a, name="Wang Jun",
            id_number=ID_A, phone="13800138000")
        self.person_a2 = registry.create_person(
            grid=self.grid_a1_1, household=self.household_a, name="Wang Lei",
            id_number=ID_A2, tags=[Tag.RETURNEE], returnee_origin="Wuhan")
        self.household_b = registry.create_household(
            grid=self.grid_b1_1, address="No. 3, Plum Road", head_name="Zhao Min")
        self.person_b = registry.create_person(
            grid=self.grid_b1_1, household=self.household_b, name="Zhao Min",
            id_number=ID_B, phone="13912345678", tags=[Tag.ELDERLY_ALONE])
        self.visitor_a = registry.create_person(
            grid=self.grid_a1_2, name="Sun Li", residency=Residency.WORKER)

        self.admin = create_user(username="admin", password=PASSWORD, role=Role.ADMIN,
                                 home_area=None, is_superuser=True, is_staff=True)
        self.command = create_user(username="zhou", password=PASSWORD, role=Role.COMMAND,
                                   home_area=self.district)
        self.alice = create_user(username="alice", password=PASSWORD, role=Role.AREA_OFFICER,
                                 home_area=self.town_a)
        self.bob = create_user(username="bob", password=PASSWORD, role=Role.AREA_OFFICER,
                               home_area=self.town_b)
        self.li = create_user(username="li", password=PASSWORD, role=Role.GRID_WORKER,
                              home_area=self.grid_a1_1)
        self.medic = create_user(username="dr_he", password=PASSWORD, role=Role.MEDICAL,
                                 home_area=self.district)
        self.stranger = create_user(username="stranger", password=PASSWORD,
                                    role=Role.VOLUNTEER, home_area=None)


class BaseTestCase(TestCase):
    world: World

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = World()

    def client_for(self, user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client


def refusal(call: Callable[[], Any]) -> dict[str, list[str]]:
    """The fields a service named when it refused `call`."""
    try:
        call()
    except ValidationError as error:
        return error.message_dict
    raise AssertionError("the service accepted it")
