"""`epigrid bench registry`: import a roster 花名册, compare with the database's limits, look up.

Figures:
- `import_rows_per_s`: rows of a generated roster CSV imported per second through the real
  import (`epigrid import roster`: reading, validation, AES-GCM encryption, keyed hashes, writes).
- `import_bulk_load`: whether the import was a large first load, which sets the tables' indexes
  aside and builds them once at its end (core.imports.bulk_load: a file at least as large as
  the persons table and EPIGRID_IMPORT_BULK_LOAD_MIN_ROWS; not the tiny scale).
- `import_persons_before`: the persons the registry held when the import started: 0, as the
  import runs first, into the registry as the bench found it (with --reuse, the one there).
- `import_batch_rows`: the rows of its batches: such a load's own (the default of
  EPIGRID_IMPORT_BULK_LOAD_BATCH_SIZE), else IMPORT_BATCH (5,000).
- `import_peak_mb`: how far the process's peak resident size (ru_maxrss) rose above its resident
  size before the import; the CSV is generated in a child process so it does not count.
- `import_cpu_run_s`, `import_cpu_reader_s`, `import_cpu_database_s`: the CPU seconds the
  import spent in this process (cleaning, writing), in the process that read the file ahead
  (core.imports.ahead; 0 for a file too small to fork for) and in the database's server
  process for this connection (PostgreSQL on this machine only, else null; its index builds'
  parallel workers are not counted). The import's wall time is at least their sum over the
  machine's cores: `cpu_cores` (those this process may run on), and
  `import_cpu_bound_rows_per_s`, the rate that sum would allow spread over them without a gap
  (null where the database's CPU is not known): no import doing this work beats it here.
- `db_copy_rows_per_s`: the same rows, already prepared as tuples, written again into the same
  indexed table by the bulk writer alone (binary COPY on PostgreSQL, executemany on SQLite);
  `import_vs_copy` is the import's share of it (target >= 0.6).
- `bulk_create_rows_per_s`: the same rows as Person instances through Django's bulk_create in
  batches of 5,000; `import_vs_bulk_create` (target >= 5). Both baselines run on at most
  `baseline_rows` rows (200,000) to keep the run short.
- Each timing includes the foreign-key checks its rows deferred (Django's keys wait for the
  commit, which the bench never reaches: it rolls back): run at the end of each baseline chunk,
  and by the import itself as it writes (core.constraints.checked_at_once).
- `lookup_by_id_ms`: median time to find a person by ID number among the imported ones through
  `registry.services.persons_with_id_number` (keyed hash, one index probe).
- `duplicates_list_ms`: median time to make the duplicates list (IDs in more than one
  household) of a command user of the whole city, through the IDs noted as shared
  (registry.duplicates); `duplicates_grouped_ms`, its baseline: the registry grouped whole by
  ID, which the list did on every view before and the nightly recount still does once;
  `duplicates_list_vs_grouped` their ratio.
- `progress_*` figures come from `benchmarks/registry_progress.py` when that module exists.

Data: a dedicated area subtree (city > district > town > villages > grids, codes prefixed
"BENCH") is built for the rows, and rolled back (to a savepoint) once the import's figures are
taken: the progress part then builds its own world (the demo's, at the same scale) in the
database as it was. The harness rolls everything back at the end, so the database is left as it
was found, whatever it held. Scales: tiny (2,000 rows), district (100,000), city
(1,000,000; the default).
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import random
import resource
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.db.models import NOT_PROVIDED
from django.test import override_settings

from benchmarks.harness import analyze, median_ms, process_cpu_seconds
from epigrid.accounts.models import User
from epigrid.areas.models import Area, Level, path_segment
from epigrid.core.access import Role
from epigrid.core.constraints import check_deferred
from epigrid.core.ids import allocate_ids
from epigrid.core.imports import bulk_load
from epigrid.core.imports.runner import batch_size, run_import
from epigrid.core.models import ImportRun
from epigrid.registry import bulk, duplicates, services, synthetic
from epigrid.registry.importers import RosterImporter
from epigrid.registry.models import Household, Person

DEFAULT_SCALE = "city"
SCALES = ("tiny", "district", "city")
ROWS = {"tiny": 2_000, "district": 100_000, "city": 1_000_000}
PERSONS_PER_GRID = 300
VILLAGES = 20
BASELINE_ROWS = 200_000
CHUNK = 20_000
BULK_CREATE_BATCH = 5_000
IMPORT_BATCH = 5_000
SEED = 2020


def _bulk_area(parent: Area | None, level: Level, code: str, name: str) -> Area:
    pk = allocate_ids(Area, 1)[0]
    area = Area(pk=pk, parent=parent, level=level, code=code, name=name,
                path=(parent.path if parent else "") + path_segment(pk))
    Area.objects.bulk_create([area])
    return area


def _subtree(rows: int) -> tuple[Area, list[str]]:
    """A city of its own with enough grids for `rows` persons; its grid codes."""
    tag = uuid.uuid4().hex[:6].upper()
    city = _bulk_area(None, Level.CITY, f"BENCH{tag}", "Bench City")
    district = _bulk_area(city, Level.DISTRICT, f"BENCH{tag}-D", "Bench District")
    town = _bulk_area(district, Level.TOWN, f"BENCH{tag}-T", "Bench Town")
    villages = [_bulk_area(town, Level.VILLAGE, f"BENCH{tag}-V{v:02d}", f"Village {v}")
                for v in range(VILLAGES)]
    count = max(1, rows // PERSONS_PER_GRID)
    grids = []
    for index, pk in enumerate(allocate_ids(Area, count)):
        village = villages[index % VILLAGES]
        grids.append(Area(pk=pk, parent=village, level=Level.GRID, path=village.path
                          + path_segment(pk), code=f"{village.code}-G{index:05d}",
                          name=f"Grid {index}"))
    Area.objects.bulk_create(grids, batch_size=5000)
    return city, [grid.code for grid in grids]


def _write_csv(path: str, grids: list[str], count: int) -> None:
    with open(path, "w", encoding="utf-8", newline="") as target:  # noqa: PTH123
        synthetic.write_roster_csv(synthetic.persons(random.Random(SEED), grids, count), target)


def _generate(path: str, grids: list[str], count: int) -> None:
    """In a child process, so that the generator's memory is not the import's."""
    child = multiprocessing.get_context("fork").Process(target=_write_csv,
                                                        args=(path, grids, count))
    child.start()
    child.join()
    if child.exitcode != 0:
        raise RuntimeError("generating the roster failed")


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:  # noqa: PTH123
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _database_pid() -> int | None:
    """The pid of this connection's PostgreSQL server process when it runs on this machine."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = int(cursor.fetchone()[0])
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:  # noqa: PTH123
            return pid if cmdline.read().startswith(b"postgres") else None
    except OSError:  # another machine's (or no /proc here)
        return None


def _cpu(database: int | None) -> tuple[float, float, float | None]:
    """CPU seconds so far: this process's, its waited-for children's, the database's."""
    times = os.times()
    return (times.user + times.system, times.children_user + times.children_system,
            process_cpu_seconds(database) if database is not None else None)


def _cores() -> int:
    """The cores this process may run on (its affinity where the system tells it)."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else os.cpu_count() or 1


def _cpu_figures(before: tuple[float, float, float | None],
                 after: tuple[float, float, float | None], rows: int,
                 figures: dict[str, Any]) -> None:
    figures["import_cpu_run_s"] = round(after[0] - before[0], 2)
    figures["import_cpu_reader_s"] = round(after[1] - before[1], 2)
    database = (after[2] - before[2] if after[2] is not None and before[2] is not None
                else None)
    figures["import_cpu_database_s"] = round(database, 2) if database is not None else None
    figures["cpu_cores"] = cores = _cores()
    # The rate the three processes' CPU would allow, were it spread over every core without
    # a gap: no import of these rows on this machine can beat it.
    spent = after[0] - before[0] + after[1] - before[1] + (database or 0.0)
    figures["import_cpu_bound_rows_per_s"] = (round(rows * cores / spent)
                                              if database is not None and spent > 0 else None)


def _import(path: str, rows: int, figures: dict[str, Any], log: Callable[[str], None]) -> None:
    with open(path, "rb") as source:  # noqa: PTH123
        # Whether the import sets the indexes aside (a first load: core.imports.bulk_load).
        figures["import_bulk_load"] = bulk_load.worth_it(RosterImporter.bulk_load, source, path)
    # What the import ran against: 0 for a first load (the registry as the bench found it).
    figures["import_persons_before"] = Person.objects.count()
    before = _rss_mb()
    with override_settings(IMPORT_BATCH_SIZE=IMPORT_BATCH):
        figures["import_batch_rows"] = batch_size(figures["import_bulk_load"])
        database = _database_pid()
        cpu = _cpu(database)
        started = time.perf_counter()
        run = run_import("roster", path, ImportRun.Mode.VALID_ROWS, None)
    check_deferred()  # none left: the import checks as it writes
    seconds = time.perf_counter() - started
    _cpu_figures(cpu, _cpu(database), rows, figures)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    log(f"imported {run.rows_created} of {run.rows_total} rows in {seconds:.1f} s "
        f"({run.rows_failed} refused)")
    if run.rows_total != rows:
        raise RuntimeError(f"the bench roster was not read whole: {run.file_error}")
    # Rows refused are counted too (validated, reported): with --reuse, IDs of residents
    # already registered may collide with generated ones by chance.
    figures["import_rows_refused"] = run.rows_failed
    figures["import_rows_per_s"] = round(rows / seconds)
    figures["import_peak_mb"] = round(max(0.0, peak - before), 1)


def _prepared(limit: int) -> Iterator[list[tuple[Any, ...]]]:
    """The imported persons as plain tuples (PERSON_COLUMNS), CHUNK at a time, by key."""
    last = 0
    left = limit
    while left > 0:
        chunk = list(Person.objects.filter(pk__gt=last).order_by("pk").values_list(
            "pk", *[c for c in bulk.PERSON_COLUMNS])[:min(CHUNK, left)])
        if not chunk:
            return
        last, left = chunk[-1][0], left - len(chunk)
        yield [row[1:] for row in chunk]


def _baselines(rows: int, figures: dict[str, Any]) -> None:
    sample = min(rows, BASELINE_ROWS)
    copy_seconds = 0.0
    for chunk in _prepared(sample):
        started = time.perf_counter()
        bulk.insert_persons(chunk)
        check_deferred()
        copy_seconds += time.perf_counter() - started
    create_seconds = 0.0
    # Columns with a database default may be left out of the writer (the database fills them).
    names = [field.attname for field in Person._meta.concrete_fields
             if not field.primary_key and field.db_default is NOT_PROVIDED]
    for chunk in _prepared(sample):
        started = time.perf_counter()
        Person.objects.bulk_create([Person(**dict(zip(bulk.PERSON_COLUMNS, values,
                                                      strict=True)))
                                    for values in chunk], batch_size=BULK_CREATE_BATCH)
        check_deferred()
        create_seconds += time.perf_counter() - started
    if set(bulk.PERSON_COLUMNS) != set(names):
        raise RuntimeError("the bulk writer's columns are not the Person model's")
    figures["baseline_rows"] = sample
    figures["db_copy_rows_per_s"] = round(sample / copy_seconds)
    figures["bulk_create_rows_per_s"] = round(sample / create_seconds)
    figures["import_vs_copy"] = round(figures["import_rows_per_s"]
                                      / figures["db_copy_rows_per_s"], 2)
    figures["import_vs_bulk_create"] = round(figures["import_rows_per_s"]
                                             / figures["bulk_create_rows_per_s"], 2)


def _lookups(path: str, city: Area, repeat: int, figures: dict[str, Any]) -> None:
    user: Any = User.objects.create(username=f"bench-registry-{uuid.uuid4().hex[:8]}",
                               role=Role.COMMAND, home_area=city)
    with open(path, encoding="utf-8") as source:  # noqa: PTH123
        sample = [line.split(",")[6] for line in islice(source, 1, 5001)]
    ids = random.Random(SEED).sample(sample, min(len(sample), max(repeat, 5) + 1))
    list(services.persons_with_id_number(user, ids[0]))  # warm-up
    timings = []
    for raw in ids[1:]:
        started = time.perf_counter()
        found = list(services.persons_with_id_number(user, raw))
        timings.append((time.perf_counter() - started) * 1000)
        if len(found) > 1:
            raise RuntimeError(f"looking up an imported ID found {len(found)} persons")
    figures["lookup_by_id_ms"] = round(statistics.median(timings), 3)
    _duplicates(user, repeat, figures)


def _duplicates(user: Any, repeat: int, figures: dict[str, Any]) -> None:
    listed = median_ms(lambda: services.duplicate_groups(user), repeat)
    grouped = median_ms(duplicates.shared_everywhere, max(1, min(repeat, 3)))
    figures["duplicates_list_ms"] = round(listed, 3)
    figures["duplicates_grouped_ms"] = round(grouped, 1)
    figures["duplicates_list_vs_grouped"] = round(listed / grouped, 4) if grouped else None


def _progress(scale: str, repeat: int, reuse: bool,
              log: Callable[[str], None]) -> dict[str, Any]:
    """The screening-progress figures, when their bench module is there (another part's)."""
    try:
        module = importlib.import_module("benchmarks.registry_progress")
    except ModuleNotFoundError:
        return {}
    return dict(module.run(scale, repeat, reuse, log))


def _roster(rows: int, repeat: int, log: Callable[[str], None]) -> dict[str, Any]:
    """The import, the look-ups and the baselines, in a savepoint rolled back at the end."""
    figures: dict[str, Any] = {"rows": rows}
    with transaction.atomic():
        city, grids = _subtree(rows)
        log(f"built a bench subtree of {len(grids)} grids; generating {rows} persons")
        with tempfile.TemporaryDirectory() as folder:
            path = str(Path(folder) / "roster.csv")
            _generate(path, grids, rows)
            _import(path, rows, figures, log)
            analyze(Person, Household)
            _lookups(path, city, repeat, figures)
        _baselines(rows, figures)
        log(f"baselines on {figures['baseline_rows']} rows ({connection.vendor})")
        transaction.set_rollback(True)
    return figures


def run(scale: str, repeat: int, reuse: bool = False,
        log: Callable[[str], None] = print) -> dict[str, Any]:
    # The import first, into the registry as it is (empty unless --reuse): a district's first
    # roster. Its rows are gone again before the progress part builds its own world, which it
    # does only in a database without areas.
    figures = _roster(ROWS[scale], repeat, log)
    figures.update(_progress(scale, repeat, reuse, log))
    return figures
