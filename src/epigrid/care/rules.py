"""Which facility kind and bed type may take which patient 收治规则, and how far a transfer goes.

A deployment may set its own rules as JSON in EPIGRID_PLACEMENT_RULES, e.g.

    {"max_km": 40, "k": 24, "vehicle_size": 6, "wait_km_per_hour": 2,
     "needs": {"confirmed:critical": [{"kind": "designated_hospital", "bed": "icu"}], ...}}

Every key is optional; "needs" given replaces the whole table. A need is a category (confirmed,
suspected, fever, close_contact, asymptomatic), or "category:severity" for one severity; a
patient takes "category:severity" if the table has it, else "category". Each need lists the
facility kinds and bed types it may use, in order; "extra_km" makes an option a second choice
(ICU beds kept for the critical, shelter hospitals first for the mild). `load()` is called at
start-up and says exactly what is wrong with a bad table.
"""

from __future__ import annotations

import json
import os
from functools import cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from epigrid.areas.models import Facility
from epigrid.care.models import BedType
from epigrid.care.planner import Option, Rules
from epigrid.cases.models import Severity
from epigrid.cases.states import CATEGORY_OF, Category

ENV = "EPIGRID_PLACEMENT_RULES"


class ConfigError(ImproperlyConfigured):
    """The placement rules of this deployment cannot be used; the message says why."""


K = Facility.Kind
HOSPITAL, SHELTER = K.DESIGNATED_HOSPITAL.value, K.SHELTER_HOSPITAL.value
CLINIC, SITE = K.FEVER_CLINIC.value, K.QUARANTINE_SITE.value
ISOLATION = (Option(HOSPITAL, BedType.ISOLATION.value), Option(CLINIC, BedType.ISOLATION.value))
QUARANTINE = (Option(SITE, BedType.QUARANTINE.value),)
DEFAULT_NEEDS: dict[str, tuple[Option, ...]] = {
    # 危重症 -> ICU of a designated hospital 定点医院
    "confirmed:critical": (Option(HOSPITAL, BedType.ICU.value),),
    # 重症 -> severe ward, ICU only as a second choice (kept for the critical)
    "confirmed:severe": (Option(HOSPITAL, BedType.SEVERE.value),
                         Option(HOSPITAL, BedType.ICU.value, 20.0)),
    "confirmed:moderate": (Option(HOSPITAL, BedType.GENERAL.value),),
    # 轻症 -> shelter hospital 方舱医院 first, a designated hospital's general ward otherwise
    "confirmed:mild": (Option(SHELTER, BedType.GENERAL.value),
                       Option(HOSPITAL, BedType.GENERAL.value, 20.0)),
    "confirmed": (Option(HOSPITAL, BedType.GENERAL.value),),  # severity not yet known
    "suspected": ISOLATION,  # 疑似 -> isolation single room 单人单间, whatever the severity
    "fever": ISOLATION,
    "close_contact": QUARANTINE,  # 密接 -> centralized quarantine site 集中隔离点
    "asymptomatic": QUARANTINE,
}
DEFAULTS = Rules(needs=DEFAULT_NEEDS, max_km=50.0, k=24, vehicle_size=6, wait_km_per_hour=2.0)
CATEGORIES = frozenset(Category.values)
SEVERITIES = frozenset(Severity.values)
KINDS = frozenset(Facility.Kind.values)
BEDS = frozenset(BedType.values)


def need_of(state: str, severity: str, rules: Rules) -> str:
    """The need of a case in `state` with `severity`; "" when it needs no bed."""
    category = CATEGORY_OF.get(state, "")
    if not category:
        return ""
    key = f"{category}:{severity}"
    return key if severity and key in rules.needs else category


def parse(raw: str) -> Rules:
    """The rules of a JSON text (the defaults for an empty one); ConfigError says what is wrong."""
    if not raw.strip():
        return DEFAULTS
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{ENV} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{ENV} must be a JSON object")
    unknown = set(data) - {"needs", "max_km", "k", "vehicle_size", "wait_km_per_hour"}
    if unknown:
        raise ConfigError(f"{ENV}: unknown key(s) {', '.join(sorted(unknown))}")
    needs = _needs(data["needs"]) if "needs" in data else DEFAULT_NEEDS
    return Rules(needs=needs,
                 max_km=_number(data, "max_km", DEFAULTS.max_km, positive=True),
                 k=int(_number(data, "k", DEFAULTS.k, positive=True, whole=True)),
                 vehicle_size=int(_number(data, "vehicle_size", DEFAULTS.vehicle_size,
                                          positive=True, whole=True)),
                 wait_km_per_hour=_number(data, "wait_km_per_hour", DEFAULTS.wait_km_per_hour))


def _number(data: dict[str, Any], key: str, default: float, positive: bool = False,
            whole: bool = False) -> float:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ConfigError(f"{ENV}: {key} must be a number of zero or more, not {value!r}")
    if positive and value <= 0:
        raise ConfigError(f"{ENV}: {key} must be more than zero")
    if whole and value != int(value):
        raise ConfigError(f"{ENV}: {key} must be a whole number, not {value!r}")
    return float(value)


def _needs(raw: Any) -> dict[str, tuple[Option, ...]]:
    if not isinstance(raw, dict) or not raw:
        raise ConfigError(f"{ENV}: needs must be an object of need -> list of options")
    needs = {}
    for key, options in raw.items():
        category, _sep, severity = str(key).partition(":")
        if category not in CATEGORIES:
            raise ConfigError(f"{ENV}: need {key!r}: category {category!r} is not one of "
                              f"{', '.join(sorted(CATEGORIES))}")
        if severity and severity not in SEVERITIES:
            raise ConfigError(f"{ENV}: need {key!r}: severity {severity!r} is not one of "
                              f"{', '.join(sorted(SEVERITIES))}")
        if not isinstance(options, list) or not options:
            raise ConfigError(f"{ENV}: need {key!r} must list at least one option")
        needs[str(key)] = tuple(_option(str(key), n, option) for n, option in
                                enumerate(options, 1))
    return needs


def _option(need: str, n: int, raw: Any) -> Option:
    where = f"{ENV}: need {need!r}, option {n}"
    if not isinstance(raw, dict) or set(raw) - {"kind", "bed", "extra_km"}:
        raise ConfigError(f"{where} must be an object with kind, bed and optional extra_km")
    if raw.get("kind") not in KINDS:
        raise ConfigError(f"{where}: kind {raw.get('kind')!r} is not one of "
                          f"{', '.join(sorted(KINDS))}")
    if raw.get("bed") not in BEDS:
        raise ConfigError(f"{where}: bed {raw.get('bed')!r} is not one of "
                          f"{', '.join(sorted(BEDS))}")
    extra = _number(raw, "extra_km", 0.0)
    return Option(str(raw["kind"]), str(raw["bed"]), extra)


@cache
def load() -> Rules:
    """This deployment's rules, read once (call at start-up to fail early).

    From settings.PLACEMENT_RULES where the settings read it, else from the environment."""
    raw = getattr(settings, "PLACEMENT_RULES", None)
    return parse(raw if isinstance(raw, str) else os.environ.get(ENV, ""))


def options_for(need: str, rules: Rules) -> tuple[Option, ...]:
    return tuple(rules.needs.get(need, ()))


def may_take(need: str, kind: str, bed_type: str, rules: Rules) -> bool:
    """Whether a patient with `need` may be placed in a facility of `kind`, bed `bed_type`."""
    return any(o.kind == kind and o.bed_type == bed_type for o in options_for(need, rules))
