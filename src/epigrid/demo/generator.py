"""Writing a demo plan into the database, fast: ids reserved per level, rows inserted in bulk.

The per-row audit of `AuditedModel.save` is skipped on purpose (tens of thousands of synthetic
rows would drown the log); one audit entry records what was generated, with which seed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction

from epigrid.areas.models import Area, Checkpoint, Facility, Warehouse, path_segment
from epigrid.core import audit
from epigrid.core.ids import allocate_ids
from epigrid.demo.plan import plan as make_plan
from epigrid.demo.specs import LEVELS, Plan

BATCH_SIZE = 1000
# The audit entry that marks a database as holding generated demo data (see `is_demo_database`).
AUDIT_MODEL = "demo.DemoData"


class DatabaseNotEmptyError(Exception):
    """The database already has areas; demo data is only generated into an empty tree."""


def _write_areas(plan: Plan) -> dict[int, list[Area]]:
    written: dict[int, list[Area]] = {}
    for level in LEVELS:
        specs = plan.levels[level]
        parents = written.get(level - 1, [])
        rows = []
        for pk, spec in zip(allocate_ids(Area, len(specs)), specs, strict=True):
            parent = parents[spec.parent] if spec.parent is not None else None
            rows.append(Area(
                pk=pk, parent=parent, level=level, code=spec.code, name=spec.name,
                path=(parent.path if parent else "") + path_segment(pk),
                population=spec.population, households=spec.households,
                latitude=spec.latitude, longitude=spec.longitude))
        Area.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        written[level] = rows
    return written


def _write_sites(plan: Plan, areas: dict[int, list[Area]]) -> None:
    checkpoints, facilities, warehouses = [], [], []
    for site in plan.sites:
        fields: dict[str, Any] = {
            "area": areas[site.level][site.area], "code": site.code, "name": site.name,
            "address": site.address, "latitude": site.latitude, "longitude": site.longitude,
            "phone": site.phone}
        if site.model == "checkpoint":
            checkpoints.append(Checkpoint(kind=site.kind, **fields))
        elif site.model == "facility":
            facilities.append(Facility(kind=site.kind, **fields))
        else:
            warehouses.append(Warehouse(**fields))
    Checkpoint.objects.bulk_create(checkpoints, batch_size=BATCH_SIZE)
    Facility.objects.bulk_create(facilities, batch_size=BATCH_SIZE)
    Warehouse.objects.bulk_create(warehouses, batch_size=BATCH_SIZE)


def _district_life(scale: str, seed: int, root: Area,
                   log: Callable[[str], None] | None) -> dict[str, Any]:
    """Residents and their screening, the outbreak, the checkpoints' week, the beds and the
    patients waiting for one, then what the workers and the officers would have made of them:
    the figures, the reports, the problems. In this order: each step reads what the ones
    before it wrote."""
    from epigrid.demo.care_data import write_care
    from epigrid.demo.figures_data import count_figures
    from epigrid.demo.mobilization_data import write_mobilization
    from epigrid.demo.officer_data import write_officers
    from epigrid.demo.outbreak_data import DAYS, generate_outbreak
    from epigrid.demo.passage_data import generate_passages
    from epigrid.demo.problem_data import write_problems
    from epigrid.demo.registry_data import generate_residents
    from epigrid.demo.report_data import write_reports
    from epigrid.demo.round_data import grid_workers_morning
    from epigrid.demo.supervision_data import write_supervision
    from epigrid.demo.supplies_data import write_supplies
    from epigrid.demo.volunteers_data import write_volunteers

    steps: tuple[tuple[str, Callable[[], dict[str, Any]]], ...] = (
        ("residents", lambda: generate_residents(scale, seed, root, log)),
        ("outbreak", lambda: generate_outbreak(scale, seed, root, grid_workers_morning)),
        ("passages", lambda: generate_passages(scale, seed, root)),
        ("care", lambda: write_care(root, seed)),
        ("supplies", lambda: write_supplies(root, seed)),
        ("supervision", lambda: write_supervision(root, seed)),
        ("mobilization", lambda: write_mobilization(root, seed)),
        ("volunteers", lambda: write_volunteers(root, seed)),
        ("figures", lambda: count_figures(DAYS)),
        ("officers", lambda: write_officers(root, seed)),
        ("reports", lambda: write_reports(root, seed)),
        ("problems", lambda: write_problems(root, seed)))
    done: dict[str, Any] = {}
    for name, step in steps:
        done[name] = step()
        if log is not None and name != "residents":  # the residents' step logs as it goes
            log(f"{name}: {done[name]}")
    return done


def generate(scale: str, seed: int, residents: bool = False,
             log: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Generate the demo world of `scale` from `seed` into an empty database; return its summary.

    With `residents`, also households, persons and a screening campaign (demo.registry_data),
    the outbreak, the checkpoints' week, their figures, reports and problems. `log` hears how
    the residents come along (the city's take minutes).
    """
    started = time.perf_counter()
    plan = make_plan(scale, seed)
    with transaction.atomic():
        existing = Area.objects.count()
        if existing:
            raise DatabaseNotEmptyError(
                f"The database already has {existing} areas. Demo data is generated only into a "
                "database without areas; point DATABASE_URL (or EPIGRID_DATA_DIR) at a new one.")
        areas = _write_areas(plan)
        _write_sites(plan, areas)
        summary = plan.summary()
        root = areas[1][0]
        if residents:
            summary |= _district_life(scale, seed, root, log)
        audit.record("import", model=AUDIT_MODEL, object_pk=root.pk,
                     object_repr=f"demo {scale} seed {seed}", area_path=root.path,
                     changes={key: [None, value] for key, value in summary.items()})
    summary["seconds"] = round(time.perf_counter() - started, 2)
    return summary


def vacuum() -> None:
    """VACUUM ANALYZE on PostgreSQL, after a commit: rows loaded in bulk are then marked visible
    (index-only scans read no table page) and the planner knows their numbers. A few seconds for
    the district, a few minutes for the city's 11 million residents."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def is_demo_database() -> bool:
    """Whether the areas here were generated by `generate` (and so may get demo logins)."""
    from epigrid.core.models import AuditEntry

    return AuditEntry.objects.filter(model=AUDIT_MODEL, action="import").exists()
