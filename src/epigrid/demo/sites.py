"""Checkpoints, facilities and warehouses of the demo world, placed where such sites stand.

Hospitals and the main depot belong to a district, fever clinics (one per town), quarantine sites,
nursing homes and town depots to towns, markets and checkpoints to villages.
"""

from __future__ import annotations

import random
from decimal import Decimal

from epigrid.demo.names import NameBook, short
from epigrid.demo.specs import AreaSpec, Plan, SiteSpec

CHECKPOINT_SHARES = {"road": 0.25, "station": 0.02, "persuasion_return": 0.13}  # the rest: gates
DIRECTIONS = ("东", "南", "西", "北", "东北", "西南", "正", "侧")
HOSPITALS = ("人民医院", "第一人民医院", "第二人民医院", "中医医院", "中心医院", "传染病医院",
             "妇幼保健院", "第三人民医院")
SHELTER_VENUES = ("体育馆", "会展中心", "体育中心", "职业学院", "文化中心")
QUARANTINE_VENUES = ("宾馆", "酒店", "培训中心", "度假村", "招待所")
NURSING_HOMES = ("敬老院", "福利院", "颐养中心", "老年公寓", "养老服务中心")
STATIONS = ("高速收费站", "火车站", "客运站", "码头")
PREFIXES = {"checkpoint": "CP", "facility": "FA", "warehouse": "WH"}


def checkpoint_kinds(total: int) -> dict[str, int]:
    """How many of each kind: mostly community gates, then roads, return points, stations."""
    counts = {kind: max(1, round(total * share)) for kind, share in CHECKPOINT_SHARES.items()}
    counts["community_gate"] = total - sum(counts.values())
    if counts["community_gate"] < 0:
        raise ValueError(f"{total} checkpoints are too few for the four kinds")
    return counts


class SitePlanner:
    """Adds sites to a plan, numbering their codes per area and keeping names unique per area."""

    def __init__(self, plan: Plan, rng: random.Random, book: NameBook) -> None:
        self.plan, self.rng, self.book = plan, rng, book
        self.numbers: dict[str, int] = {}

    def add(self, model: str, kind: str, level: int, index: int, name: str) -> None:
        area = self.plan.levels[level][index]
        key = f"{PREFIXES[model]}-{area.code}"
        self.numbers[key] = self.numbers.get(key, 0) + 1
        latitude, longitude = self._near(area)
        phone = "" if model == "checkpoint" else f"027-5555{self.rng.randrange(10_000):04d}"
        self.plan.sites.append(SiteSpec(
            model=model, kind=kind, level=level, area=index, code=f"{key}-{self.numbers[key]:03d}",
            name=self.book.numbered(f"site:{area.code}", name),
            address=f"{area.name}{self.book.road_name()}{self.rng.randint(1, 300)}号",
            latitude=latitude, longitude=longitude, phone=phone))

    def _near(self, area: AreaSpec) -> tuple[Decimal, Decimal]:
        return (Decimal(f"{float(area.latitude) + self.rng.uniform(-0.004, 0.004):.6f}"),
                Decimal(f"{float(area.longitude) + self.rng.uniform(-0.004, 0.004):.6f}"))

    def pick(self, level: int) -> int:
        return self.rng.randrange(len(self.plan.levels[level]))

    def name(self, level: int, index: int) -> str:
        return short(self.plan.levels[level][index].name)


def _checkpoints(sites: SitePlanner) -> None:
    rng, book = sites.rng, sites.book
    for kind, count in checkpoint_kinds(sites.plan.scale.checkpoints).items():
        for _ in range(count):
            village = sites.pick(4)
            where = sites.name(4, village)
            if kind == "road":
                name = f"{book.road(f'cp:{village}')}{rng.choice(DIRECTIONS[:4])}卡口"
            elif kind == "station":
                name = f"{book.place()}{rng.choice(STATIONS)}查验点"
            elif kind == "persuasion_return":
                name = f"{where}{rng.choice(DIRECTIONS[:4])}劝返点"
            else:
                name = f"{where}{rng.choice(DIRECTIONS)}门值守点"
            sites.add("checkpoint", kind, 4, village, name)


def _facilities(sites: SitePlanner) -> None:
    rng, book, plan = sites.rng, sites.book, sites.plan
    towns = len(plan.levels[3])
    for kind, count in plan.scale.facilities.items():
        for number in range(count):
            if kind == "designated_hospital":
                district = number % len(plan.levels[2])
                sites.add("facility", kind, 2, district,
                          sites.name(2, district) + HOSPITALS[number // len(plan.levels[2])
                                                              % len(HOSPITALS)])
            elif kind == "shelter_hospital":
                district = number % len(plan.levels[2])
                sites.add("facility", kind, 2, district,
                          f"{book.place()}{rng.choice(SHELTER_VENUES)}方舱医院")
            elif kind == "fever_clinic":
                town = number % towns  # every town's health centre runs one
                centre = "社区卫生服务中心" if plan.levels[3][town].urban else "卫生院"
                sites.add("facility", kind, 3, town, f"{sites.name(3, town)}{centre}发热门诊")
            elif kind == "quarantine_site":
                sites.add("facility", kind, 3, sites.pick(3),
                          f"{book.place()}{rng.choice(QUARANTINE_VENUES)}集中隔离点")
            elif kind == "nursing_home":
                town = sites.pick(3)
                sites.add("facility", kind, 3, town,
                          sites.name(3, town) + rng.choice(NURSING_HOMES))
            else:
                village = sites.pick(4)
                sites.add("facility", kind, 4, village, f"{sites.name(4, village)}农贸市场")


def _warehouses(sites: SitePlanner) -> None:
    plan = sites.plan
    districts, towns = len(plan.levels[2]), len(plan.levels[3])
    for number in range(plan.scale.warehouses):
        if number < districts:
            sites.add("warehouse", "", 2, number, f"{sites.name(2, number)}应急物资储备库")
        elif number < districts + towns:
            town = number - districts
            sites.add("warehouse", "", 3, town, f"{sites.name(3, town)}防疫物资仓库")
        else:
            town = sites.pick(3)
            sites.add("warehouse", "", 3, town, f"{sites.name(3, town)}物资中转站")


def plan_sites(plan: Plan, rng: random.Random, book: NameBook) -> None:
    sites = SitePlanner(plan, rng, book)
    _checkpoints(sites)
    _facilities(sites)
    _warehouses(sites)
