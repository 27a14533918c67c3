"""Part of `epigrid bench cases`: ingest a lab result sheet 核酸检测结果 (the issue's `lab_ingest`).

Figures:
- `lab_ingest_rows_per_s`: rows of a generated result CSV (one sample per registered person, some
  of nobody registered, some pending, ~0.1% positive) imported per second through the real
  import (`epigrid import lab_results`: reading, validation, ID checks, keyed hashes and
  encryption, matching by batch, bulk writes, the positive workflow of the positive rows).
- `lab_ingest_peak_mb`: how far the process's peak resident size rose during the import (the
  kernel's high-water mark is reset just before it; the CSV is written by a child process).
- `lab_db_copy_rows_per_s`: the imported rows, read back as prepared tuples, written again into
  the same indexed table by the bulk writer alone (binary COPY on PostgreSQL, executemany on
  SQLite; new sample ids, untimed); `lab_ingest_vs_copy` is the import's share of it. Both
  timings include the foreign-key checks their rows deferred to a commit the bench never
  reaches (core.constraints; the import runs them as it writes).
- `lab_positive_cases`: the cases the positive rows opened or moved; `lab_positive_workflow_s`
  the wall time of that workflow within the import (a dozen queries a positive row, through
  cases.services); `lab_ingest_cpu_s` and `lab_ingest_wall_s` tell this process's work from
  waiting for the database; `lab_ingest_reader_cpu_s` is the CPU of the process that read the
  sheet ahead (core.imports.ahead), on the other core.

Data: a bench subtree (see benchmarks/registry.py) with N persons written by the registry's bulk
writer (no households: the roster import is the registry bench's business), and 4 labs.
Scales: tiny (2,000 rows), district (100,000), city (1,000,000). Targets: >= 30,000 rows/s and
<= 300 MB.
"""

from __future__ import annotations

import csv
import datetime
import multiprocessing
import random
import resource
import tempfile
import time
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any
from unittest import mock

from django.db import connection
from django.test import override_settings
from django.utils import timezone

from benchmarks.harness import analyze
from benchmarks.registry import _subtree
from epigrid.areas.models import Area, Level
from epigrid.cases import lab_bulk
from epigrid.cases.models import Case, Lab, LabTest
from epigrid.core import crypto
from epigrid.core.constraints import check_deferred
from epigrid.core.identity import mask_id_number
from epigrid.core.imports.runner import run_import
from epigrid.core.models import ImportRun
from epigrid.registry import bulk, synthetic
from epigrid.registry.models import Person

DEFAULT_SCALE = "city"
SCALES = ("tiny", "district", "city")
ROWS = {"tiny": 2_000, "district": 100_000, "city": 1_000_000}
LABS = 4
CHUNK = 20_000
IMPORT_BATCH = 5_000
BASELINE_ROWS = 200_000
SEED = 2020
UNMATCHED_RATE = 0.03
PENDING_RATE = 0.02
POSITIVE_RATE = 0.001
HEADERS = ("样本编号", "身份证号", "姓名", "采样时间", "检测时间", "检测结果", "检测机构编码")


def _people(count: int) -> Iterator[tuple[str, str, str, datetime.date]]:
    """(ID, name, sex, birth date) of `count` fictional persons, the same for a seed."""
    rng = random.Random(SEED)
    seen: set[int] = set()
    made = 0
    while made < count:
        sex = rng.choice(("male", "female"))
        birth = synthetic.EPOCH + datetime.timedelta(days=rng.randrange(
            synthetic.BIRTH_SPAN_DAYS))
        number = synthetic.valid_id(rng, rng.choice(synthetic.REGIONS), birth, sex)
        if int(number[:17]) in seen:
            continue
        seen.add(int(number[:17]))
        made += 1
        yield number, synthetic.name(rng), sex, birth


def _registry(count: int, grids: list[tuple[int, str]]) -> None:
    """`count` persons spread over the grids, written by the bulk writer in chunks."""
    now = timezone.now()
    people = _people(count)
    index = 0
    while chunk := list(islice(people, CHUNK)):
        rows = []
        for number, name, sex, birth in chunk:
            grid_id, path = grids[index % len(grids)]
            index += 1
            rows.append((now, now, path, grid_id, None, name, crypto.encrypt(number, "id_number"),
                         crypto.keyed_hash(number, "id_number"), mask_id_number(number), "", "",
                         "", sex, birth, "", False, "worker", "", "", None))
        bulk.insert_persons(rows)


def _write_sheet(path: str, count: int, labs: list[str]) -> None:
    """The result sheet: one sample per person; some of nobody registered, pending, positive."""
    rng = random.Random(SEED + 1)
    now = timezone.localtime()
    strangers = _people(count * 2)
    for _skip in islice(strangers, count):  # the registered ones come first
        pass
    with open(path, "w", encoding="utf-8", newline="") as target:  # noqa: PTH123
        writer = csv.writer(target)
        writer.writerow(HEADERS)
        for serial, (number, name, _sex, _birth) in enumerate(_people(count)):
            if rng.random() < UNMATCHED_RATE:
                number, name = next(strangers)[:2]
            sampled = now - datetime.timedelta(minutes=rng.randrange(40, 72 * 60))
            resulted = min(now, sampled + datetime.timedelta(minutes=rng.randrange(240, 1800)))
            draw = rng.random()
            result = "阳性" if draw < POSITIVE_RATE else "待定" if draw < PENDING_RATE else "阴性"
            writer.writerow([f"BS{serial:08d}", number, name, f"{sampled:%Y-%m-%d %H:%M}",
                             "" if result == "待定" else f"{resulted:%Y-%m-%d %H:%M}", result,
                             labs[serial % len(labs)]])


def _generate(path: str, count: int, labs: list[str]) -> None:
    """In a child process, so that the generator's memory is not the import's."""
    child = multiprocessing.get_context("fork").Process(target=_write_sheet,
                                                        args=(path, count, labs))
    child.start()
    child.join()
    if child.exitcode != 0:
        raise RuntimeError("generating the result sheet failed")


def _reset_peak() -> bool:
    """Reset the kernel's resident high-water mark (Linux >= 4.0); False where it cannot."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _status_mb(key: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    raise KeyError(key)


def _timed_positives(spent: list[float]) -> Callable[..., int]:
    """lab_bulk.run_positives, adding its wall time to `spent`."""
    original = lab_bulk.run_positives

    def timed(keys: Any, by: Any) -> int:
        started = time.perf_counter()
        try:
            return original(keys, by)
        finally:
            spent.append(time.perf_counter() - started)
    return timed


def _import(path: str, rows: int, figures: dict[str, Any], log: Callable[[str], None]) -> None:
    exact = _reset_peak()
    before = _status_mb("VmRSS")
    spent: list[float] = []
    reader = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = time.process_time()
    started = time.perf_counter()
    with override_settings(IMPORT_BATCH_SIZE=IMPORT_BATCH), \
            mock.patch.object(lab_bulk, "run_positives", _timed_positives(spent)):
        run = run_import("lab_results", path, ImportRun.Mode.VALID_ROWS, None)
    check_deferred()  # none left: the import checks as it writes
    seconds = time.perf_counter() - started
    figures["lab_ingest_cpu_s"] = round(time.process_time() - cpu, 1)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the reading process, reaped
    figures["lab_ingest_reader_cpu_s"] = round(after.ru_utime + after.ru_stime
                                               - reader.ru_utime - reader.ru_stime, 1)
    figures["lab_ingest_wall_s"] = round(seconds, 1)
    figures["lab_positive_workflow_s"] = round(sum(spent), 1)
    peak = _status_mb("VmHWM") if exact else (
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    log(f"imported {run.rows_created} of {run.rows_total} results in {seconds:.1f} s "
        f"({run.rows_failed} refused)")
    if run.rows_total != rows or run.rows_failed:
        raise RuntimeError(f"the bench sheet was not imported whole: {run.file_error} "
                           f"{run.errors[:3]}")
    figures["lab_ingest_rows_per_s"] = round(rows / seconds)
    figures["lab_ingest_peak_mb"] = round(max(0.0, peak - before), 1)


def _prepared(limit: int) -> Iterator[list[tuple[Any, ...]]]:
    """The imported results as TEST_COLUMNS tuples with new sample ids, CHUNK at a time."""
    last, left = 0, limit
    sample = lab_bulk.TEST_COLUMNS.index("sample_id")
    while left > 0:
        chunk = list(LabTest.objects.filter(pk__gt=last).order_by("pk").values_list(
            "pk", *lab_bulk.TEST_COLUMNS)[:min(CHUNK, left)])
        if not chunk:
            return
        last, left = chunk[-1][0], left - len(chunk)
        yield [(*row[1:sample + 1], row[sample + 1] + "-copy", *row[sample + 2:])
               for row in chunk]


def _baseline(rows: int, figures: dict[str, Any]) -> None:
    sample = min(rows, BASELINE_ROWS)
    seconds = 0.0
    for chunk in _prepared(sample):
        started = time.perf_counter()
        lab_bulk.insert_tests(chunk)
        check_deferred()
        seconds += time.perf_counter() - started
    figures["lab_baseline_rows"] = sample
    figures["lab_db_copy_rows_per_s"] = round(sample / seconds)
    figures["lab_ingest_vs_copy"] = round(figures["lab_ingest_rows_per_s"]
                                          / figures["lab_db_copy_rows_per_s"], 2)


def run(scale: str, repeat: int, reuse: bool = False,
        log: Callable[[str], None] = print) -> dict[str, Any]:
    del repeat, reuse  # one import of a fresh sheet; the bench builds its own data always
    rows = ROWS[scale]
    figures: dict[str, Any] = {"lab_rows": rows}
    city, _codes = _subtree(rows)
    grids = list(Area.objects.within(city.path).filter(level=Level.GRID).values_list(
        "pk", "path"))
    district = Area.objects.within(city.path).get(level=Level.DISTRICT)
    labs = [Lab.objects.create(code=f"{city.code}-LAB{n}", name=f"Bench Lab {n}",
                               area=district, daily_capacity=rows // LABS // 3 + 1)
            for n in range(LABS)]
    _registry(rows, grids)
    analyze(Person)
    log(f"registered {rows} persons in {len(grids)} grids ({connection.vendor})")
    cases_before = Case.objects.count()
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "results.csv")
        _generate(path, rows, [lab.code for lab in labs])
        _import(path, rows, figures, log)
    figures["lab_positive_cases"] = Case.objects.count() - cases_before
    analyze(LabTest)
    _baseline(rows, figures)
    log(f"baseline on {figures['lab_baseline_rows']} rows")
    return figures
