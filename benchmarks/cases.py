"""`epigrid bench cases`: lab results ingestion, case figures, transmission chains.

Each part lives in its own module (cases_labs, cases_figures, cases_chain) with
`run(scale, repeat, reuse, log) -> dict`; this bench runs the parts that exist and merges their
figures. Scales: tiny (the CI smoke test), district, city (the default, the issue's targets).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from django.db import transaction

SCALES = ("tiny", "district", "city")
DEFAULT_SCALE = "city"
PARTS = ("cases_labs", "cases_figures", "cases_chain")


def run(scale: str, repeat: int, reuse: bool = False,
        log: Callable[[str], None] = print) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for part in PARTS:
        try:
            module = importlib.import_module(f"benchmarks.{part}")
        except ModuleNotFoundError:
            continue
        # Each part starts from the database as the bench found it.
        sid = transaction.savepoint()
        try:
            figures.update(module.run(scale, repeat, reuse, log))
        finally:
            transaction.savepoint_rollback(sid)
    return figures
