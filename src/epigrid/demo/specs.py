"""The shapes of the demo world: the scales, and the areas and sites a plan is made of."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

LEVELS = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Scale:
    name: str
    districts: int
    towns: int
    villages: int
    grids: int
    checkpoints: int
    facilities: dict[str, int]
    warehouses: int
    households_per_grid: tuple[int, int]
    jitter: float  # how unevenly children are shared among parents (0: evenly)


SCALES: dict[str, Scale] = {
    "tiny": Scale("tiny", 1, 2, 6, 18, 4,
                  {"designated_hospital": 1, "shelter_hospital": 1, "fever_clinic": 2,
                   "quarantine_site": 1, "nursing_home": 1, "market": 1},
                  2, (40, 90), 0.0),
    "district": Scale("district", 1, 17, 274, 3_000, 1_028,
                      {"designated_hospital": 3, "shelter_hospital": 2, "fever_clinic": 17,
                       "quarantine_site": 20, "nursing_home": 30, "market": 40},
                      20, (40, 90), 0.5),
    "city": Scale("city", 13, 200, 3_200, 32_000, 12_000,
                  {"designated_hospital": 30, "shelter_hospital": 16, "fever_clinic": 200,
                   "quarantine_site": 240, "nursing_home": 360, "market": 480},
                  240, (90, 175), 0.5),
}


@dataclass
class AreaSpec:
    level: int
    code: str
    name: str
    parent: int | None  # index into the list of the level above
    latitude: Decimal
    longitude: Decimal
    urban: bool = False
    population: int = 0
    households: int = 0


@dataclass
class SiteSpec:
    model: str  # "checkpoint", "facility" or "warehouse"
    kind: str
    level: int  # the level of the area it belongs to
    area: int  # index into that level's list
    code: str
    name: str
    address: str
    latitude: Decimal
    longitude: Decimal
    phone: str = ""


@dataclass
class Plan:
    scale: Scale
    seed: int
    levels: dict[int, list[AreaSpec]] = field(default_factory=dict)
    sites: list[SiteSpec] = field(default_factory=list)

    def count(self, model: str) -> int:
        return sum(1 for site in self.sites if site.model == model)

    def fingerprint(self) -> str:
        """A hash of every code, name, figure and place: equal plans, equal fingerprints."""
        digest = hashlib.sha256()
        for level in LEVELS:
            for spec in self.levels[level]:
                digest.update(f"{spec.code}|{spec.name}|{spec.population}|{spec.households}|"
                              f"{spec.latitude}|{spec.longitude}\n".encode())
        for site in self.sites:
            area = self.levels[site.level][site.area]
            digest.update(f"{site.model}|{site.kind}|{site.code}|{site.name}|{area.code}|"
                          f"{site.latitude}|{site.longitude}\n".encode())
        return digest.hexdigest()

    def summary(self) -> dict[str, object]:
        city = self.levels[1][0]
        return {
            "scale": self.scale.name, "seed": self.seed,
            "districts": len(self.levels[2]), "towns": len(self.levels[3]),
            "villages": len(self.levels[4]), "grids": len(self.levels[5]),
            "checkpoints": self.count("checkpoint"), "facilities": self.count("facility"),
            "warehouses": self.count("warehouse"),
            "population": city.population, "households": city.households,
            "fingerprint": self.fingerprint(),
        }
