"""`epigrid bench supervision`: a district's supervised tasks 督办 and inspection findings.

DESIGN: a task in hand past its day is reminded 催办 every day, and the desk's list shows the
tasks in hand soonest due first. The task list and the overdue count read the tasks a user sees
(`Task.objects.restrict(user)`: the subtree of the area handling them or of the desk that set
them); the reminder locks each overdue task, writes its history step and tells the area.

Figures (each baseline measured in the same run, on the same rows):
- `tasks`, `tasks_pending`, `tasks_overdue`, `findings`: the bench data;
- `task_list_ms`: the first page (PAGE rows) of the district's tasks in hand or reported done,
  by due day then id, with their areas' names, as the district's supervisor sees them;
  `task_list_python_ms`: every task the supervisor sees read and the page sorted in Python;
  `task_list_vs_python`: how many times faster the page's query is;
- `overdue_count_ms`: the district's overdue tasks counted (`overdue_tasks_q`);
  `overdue_python_ms`: every task's status and day read and counted in Python;
  `overdue_vs_python`;
- `remind_overdue_ms`: `reminders.remind_overdue(now)` over the overdue tasks, their notices
  sent (one to each area, and to each area above of tasks reminded twice or more), each run
  rolled back; `reminded`, `remind_per_task_ms`, `remind_queries_per_task`;
  `remind_baseline_ms` and `remind_baseline_per_task_ms`: a loop doing each task's writes alone
  (its row updated, its history step), then a plain notice to each area (and area above)
  listing its tasks, no lock, no audit entry, no wording in each language;
  `remind_vs_baseline`;
- `supervision_figures_ms`: the reporting family's compute of today
  (`reporting.families_supervision`: two GROUP BYs), `supervision_figures_python_ms` (the same
  four figures from every task and finding read row by row) and `supervision_figures_vs_python`;
  null while the family does not exist.

Data: a bench district of its own (17 towns of 16 villages, an officer each, a supervisor), its
tasks spread over the towns and villages by bulk_create (a tenth of them overdue by 1-4 days and
reminded as many times less one, four in ten of the rest in hand or reported), each with the
history step that set it, and the findings of inspections of a market per town.
Scales: tiny (2,000 tasks, 500 findings), district (20,000 and 5,000), city (200,000, 50,000).
"""

from __future__ import annotations

import datetime
import importlib
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any, cast

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from benchmarks.harness import (
    BenchRefusedError,
    analyze,
    median_ms,
    rolled_back_ms,
)
from benchmarks.registry import _bulk_area
from epigrid.accounts.models import User
from epigrid.alerts.models import Notice, Receipt
from epigrid.alerts.services import notify
from epigrid.areas.models import Area, Facility, Level, path_segment
from epigrid.core.access import Role, ScopedUser
from epigrid.core.days import day_bounds
from epigrid.core.ids import allocate_ids
from epigrid.supervision import reminders
from epigrid.supervision.models import (
    PENDING,
    Finding,
    FindingStatus,
    Inspection,
    Step,
    Task,
    TaskEvent,
    TaskStatus,
    overdue_tasks_q,
)
from epigrid.supervision.services import RESPONSIBLE

DEFAULT_SCALE = "district"
SCALES = ("tiny", "district", "city")
TASKS = {"tiny": 2_000, "district": 20_000, "city": 200_000}
FINDINGS = {"tiny": 500, "district": 5_000, "city": 50_000}
TOWNS, VILLAGES = 17, 16
PAGE = 50
SET_DAYS = 12  # the tasks were set over the last twelve days, as many each day
BATCH = 5_000


def _district() -> tuple[Area, list[Area], User]:
    tag = uuid.uuid4().hex[:6].upper()
    city = _bulk_area(None, Level.CITY, f"SPV{tag}", "Bench City")
    district = _bulk_area(city, Level.DISTRICT, f"SPV{tag}-D", "Bench District")
    areas = []
    for number in range(TOWNS):
        town = _bulk_area(district, Level.TOWN, f"SPV{tag}-T{number:02d}", f"Town {number}")
        villages = [Area(pk=pk, parent=town, level=Level.VILLAGE, path=town.path
                         + path_segment(pk), code=f"{town.code}-V{v:02d}", name=f"Village {v}")
                    for v, pk in enumerate(allocate_ids(Area, VILLAGES))]
        Area.objects.bulk_create(villages)
        areas += [town, *villages]
    unusable = make_password(None)
    User.objects.bulk_create([User(username=f"bench-sv-{area.code}", password=unusable,
                                   role=Role.AREA_OFFICER, home_area=area) for area in areas])
    supervisor = User.objects.create(username=f"bench-sv-{tag}", password=unusable,
                                     role=Role.SUPERVISOR, home_area=district)
    return district, areas, supervisor


def _tasks(district: Area, areas: list[Area], supervisor: User, count: int,
           now: datetime.datetime) -> None:
    """A tenth overdue by 1-4 days (reminded on each day but the first, the last a day ago);
    of the rest, three in ten in hand, one reported done, five completed, one withdrawn. Set
    over the last SET_DAYS days, the oldest first."""
    today, overdue = timezone.localdate(now), count // 10
    tasks, events, days = [], [], defaultdict(list)
    for number, pk in enumerate(allocate_ids(Task, count)):
        kind, back = number % 10, SET_DAYS - 1 - number * SET_DAYS // count
        if number < overdue:
            late = 1 + number % 4
            status, due = TaskStatus.OPEN, today - datetime.timedelta(days=late)
            reminded = now - datetime.timedelta(hours=25) if late > 1 else None
        else:
            late, reminded = 1, None
            status = (TaskStatus.OPEN if kind < 3 else TaskStatus.REPORTED if kind == 3
                      else TaskStatus.CANCELLED if kind == 9 else TaskStatus.DONE)
            due = today + datetime.timedelta(days=number % 20 - (10 if kind >= 3 else 0))
        days[back].append(pk)
        set_at = now - datetime.timedelta(days=back, hours=1)
        tasks.append(Task(pk=pk, area=areas[number % len(areas)], issuer_area=district,
                          title=f"督办事项 {number}", due_on=due, status=status,
                          created_by=supervisor, reminders=late - 1, reminded_at=reminded))
        events.append(TaskEvent(task_id=pk, step=Step.SET, by=supervisor, at=set_at))
    Task.objects.bulk_create(tasks, batch_size=BATCH)
    TaskEvent.objects.bulk_create(events, batch_size=BATCH)
    for back, pks in days.items():  # set on the days before (bulk_create stamps them now)
        Task.objects.filter(pk__range=(min(pks), max(pks))).update(
            created_at=now - datetime.timedelta(days=back, hours=1))


def _findings(areas: list[Area], supervisor: User, count: int, today: datetime.date) -> None:
    towns = [area for area in areas if area.level == Level.TOWN]
    markets = Facility.objects.bulk_create([
        Facility(area=town, code=f"{town.code}-M", name=f"Market {n}", kind=Facility.Kind.MARKET)
        for n, town in enumerate(towns)])
    inspections = Inspection.objects.bulk_create([
        Inspection(area=market.area, facility=market, subject=market.name,
                   inspected_on=today - datetime.timedelta(days=n % 30), inspectors="bench",
                   recorded_by=supervisor)
        for n, market in enumerate(markets * max(1, count // 4 // len(markets)))],
        batch_size=BATCH)
    states = (FindingStatus.OPEN,) * 4 + (FindingStatus.RECTIFIED,) * 2 + (
        FindingStatus.VERIFIED,) * 4
    Finding.objects.bulk_create([
        Finding(inspection=inspections[n % len(inspections)], description=f"Finding {n}",
                rectify_by=today + datetime.timedelta(days=n % 9 - 4), status=states[n % 10])
        for n in range(count)], batch_size=BATCH)


def _task_page(user: ScopedUser) -> list[tuple[Any, ...]]:
    # As the page reads it (task_views.task_list, TaskQuerySet.for_list).
    rows = (Task.objects.restrict(user).for_list().filter(status__in=PENDING)
            .order_by("due_on", "id")[:PAGE])
    return [(task.pk, task.title, task.due_on, task.status, task.area.name) for task in rows]


def _task_page_python(user: ScopedUser) -> list[tuple[Any, ...]]:
    rows = Task.objects.restrict(user).order_by().values_list(
        "pk", "title", "due_on", "status", "area_id").iterator(chunk_size=10_000)
    page = sorted((row for row in rows if row[3] in PENDING), key=lambda row: (row[2], row[0]))
    names = dict(Area.objects.filter(pk__in={row[4] for row in page[:PAGE]})
                 .values_list("pk", "name"))
    return [(*row[:4], names[row[4]]) for row in page[:PAGE]]


def _overdue_python(user: ScopedUser, today: datetime.date) -> int:
    rows = Task.objects.restrict(user).order_by().values_list("status", "due_on").iterator(
        chunk_size=10_000)
    return sum(1 for status, due in rows if status == TaskStatus.OPEN and due < today)


def _with_notices(action: Callable[[], Any]) -> Callable[[], Any]:
    """`action`, then the work it left for the commit (the notices), as a commit would run it."""
    def run() -> Any:
        start = len(connection.run_on_commit)
        result = action()
        for entry in connection.run_on_commit[start:]:  # (savepoints, callback, robust)
            entry[1]()
        return result
    return run


def _remind_by_hand(now: datetime.datetime) -> None:
    """The baseline: each overdue task's writes, one after another, then a plain notice to each
    area (and the area above, from the second reminder) listing its tasks, and nothing else."""
    due = reminders.due_for_reminder(now).order_by("pk").values_list(
        "pk", "area__path", "area__level", "area__parent__path", "reminders", "title")
    told: dict[tuple[str, int], list[str]] = defaultdict(list)
    for pk, path, level, above, count, title in due:
        Task.objects.filter(pk=pk).update(reminders=F("reminders") + 1, reminded_at=now)
        TaskEvent.objects.create(task_id=pk, step=Step.REMINDED, at=now, note="overdue")
        told[path, level].append(title)
        if above is not None and count + 1 >= reminders.ESCALATE_FROM:
            told[above, level - 1].append(title)
    for (path, level), titles in told.items():
        notify([path], RESPONSIBLE[level], f"{len(titles)} overdue tasks", "\n".join(titles),
               exact=True)


def _counted(action: Callable[[], Any]) -> tuple[Any, int]:
    """What `action` answers and the statements it ran (savepoints too; no cap on how many, as
    the test runner's query log has), rolled back."""
    statements = 0

    def counting(execute: Callable[..., Any], *args: Any) -> Any:
        nonlocal statements
        statements += 1
        return execute(*args)

    with transaction.atomic(), connection.execute_wrapper(counting):
        answer = action()
        transaction.set_rollback(True)
    return answer, statements


def _figures_python(day: datetime.date, at: datetime.datetime) -> Counter[tuple[str, str]]:
    """The family's four figures from every task and finding, read row by row."""
    start, end = day_bounds(day)
    until, counts = min(end, at), Counter[tuple[str, str]]()
    for path, created, status, due in Task.objects.order_by().values_list(
            "area__path", "created_at", "status", "due_on").iterator(chunk_size=10_000):
        counts[path, "set"] += start <= created < until
        counts[path, "overdue"] += status == TaskStatus.OPEN and due < day and created <= at
    for path, inspected, created, status, due in Finding.objects.order_by().values_list(
            "inspection__area__path", "inspection__inspected_on", "created_at", "status",
            "rectify_by").iterator(chunk_size=10_000):
        counts[path, "raised"] += inspected == day and created <= at
        counts[path, "late"] += status == FindingStatus.OPEN and due < day and created <= at
    return counts


def _family_figures(today: datetime.date, now: datetime.datetime, repeat: int,
                    log: Callable[[str], None]) -> dict[str, Any]:
    try:
        family = importlib.import_module("epigrid.reporting.families_supervision").FAMILY
    except ModuleNotFoundError:
        log("supervision_figures_ms skipped: epigrid.reporting.families_supervision is not there")
        return {"supervision_figures_ms": None}
    computed = median_ms(lambda: family.compute(today, now), repeat)
    python = median_ms(lambda: _figures_python(today, now), repeat)
    return {"supervision_figures_ms": computed, "supervision_figures_python_ms": python,
            "supervision_figures_vs_python": round(python / computed, 2) if computed else None}


def run(scale: str, repeat: int, reuse: bool = False,
        log: Callable[[str], None] = print) -> dict[str, Any]:
    if Task.objects.exists() and not reuse:
        raise BenchRefusedError("The database has supervised tasks: the reminders would take "
                                "them in. Use a database without any, or run it with --reuse "
                                "to measure alongside them.")
    now = timezone.now()
    today = timezone.localdate(now)
    district, areas, supervisor = _district()
    _tasks(district, areas, supervisor, TASKS[scale], now)
    _findings(areas, supervisor, FINDINGS[scale], today)
    analyze(Area, User, Task, TaskEvent, Inspection, Finding, Notice, Receipt)
    viewer = cast(ScopedUser, supervisor)
    mine = Task.objects.restrict(viewer)
    overdue = mine.filter(overdue_tasks_q(today)).count()
    log(f"{TASKS[scale]} tasks ({overdue} overdue) over {len(areas)} towns and villages, "
        f"{FINDINGS[scale]} findings")
    task_list = median_ms(lambda: _task_page(viewer), repeat)
    task_list_python = median_ms(lambda: _task_page_python(viewer), repeat)
    count = median_ms(lambda: mine.filter(overdue_tasks_q(today)).count(), repeat)
    count_python = median_ms(lambda: _overdue_python(viewer, today), repeat)
    remind = _with_notices(lambda: reminders.remind_overdue(now))
    reminded, queries = _counted(remind)
    remind_ms = rolled_back_ms(remind, repeat)
    baseline_ms = rolled_back_ms(lambda: _remind_by_hand(now), repeat)
    per_task = len(reminded) or 1
    return {
        "tasks": TASKS[scale],
        "tasks_pending": mine.filter(status__in=PENDING).count(),
        "tasks_overdue": overdue,
        "findings": Finding.objects.filter(inspection__area__path__startswith=district.path)
        .count(),
        "task_list_ms": task_list,
        "task_list_python_ms": task_list_python,
        "task_list_vs_python": round(task_list_python / task_list, 2) if task_list else None,
        "overdue_count_ms": count,
        "overdue_python_ms": count_python,
        "overdue_vs_python": round(count_python / count, 2) if count else None,
        "reminded": len(reminded),
        "remind_overdue_ms": remind_ms,
        "remind_per_task_ms": round(remind_ms / per_task, 3),
        "remind_queries_per_task": round(queries / per_task, 1),
        "remind_baseline_ms": baseline_ms,
        "remind_baseline_per_task_ms": round(baseline_ms / per_task, 3),
        "remind_vs_baseline": round(remind_ms / baseline_ms, 2) if baseline_ms else None,
        **_family_figures(today, now, repeat, log),
    }
