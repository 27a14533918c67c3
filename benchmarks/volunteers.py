"""`epigrid bench volunteers`: a district's volunteers 志愿者, their projects and hours served
服务时长.

DESIGN: a volunteer's hours are the sum of their records, never a stored figure: the list sums
them in its own query, each row's a subquery (no query per row); the daily roll-up sums the
hours of a day per project area (one GROUP BY, reporting.families_volunteers); an hour is
recorded through `services.record_hours`, under the project's and the volunteer's locks, after
checking the day's record and the day's hours. The list first summed a join, which groups every
record of every volunteer the user sees before the page is taken (and the Paginator's count
again): the bench measures that beside the page (benchmarks/README.md).

Figures (each baseline measured in the same run, on the same rows):
- `volunteers`, `serving`, `projects`, `records`: the bench data;
- `volunteers_list_ms`: the list page's query, built as volunteers.volunteer_views builds it:
  `Volunteer.objects.restrict(user)` with the area, each row's hours a subquery (hours_served),
  in the list's order (area, name), paged as the page pages it (Paginator: the count, then the
  first PAGE rows), as the first town's officer sees them; `volunteers_list_queries`;
  `volunteers_list_python_ms`: every volunteer the officer sees and every record of theirs read,
  the hours summed and the rows sorted in Python, the page's areas read after;
  `volunteers_list_vs_python`; `volunteers_list_joined_ms`: the same page with the records
  joined and grouped by volunteer, as the list first had it; `volunteers_list_district_*`: the
  same as the district's command, who sees every volunteer;
- `projects_list_district_ms`: the projects list page's query as the district's command sees
  it (every project), built as volunteers.project_views builds it (`listed_projects`): each
  row's hours, volunteers who served, sign-ups and claims waiting subqueries, paged;
  `projects_list_district_joined_ms`: the same page with the records joined and grouped by
  project, as the list first had it; `projects_list_vs_joined`;
- `hours_by_area_ms`: the roll-up's hours of a day (three days ago), summed per project area in
  one GROUP BY as reporting.families_volunteers sums them (records of the day entered until
  now; `hours_by_area_areas` areas, `hours_on_the_day` hours);
  `hours_by_area_python_ms`: every record's day, entry time, hours and project area read and
  the day's summed in Python; `hours_by_area_vs_python`;
- `record_hours_ms`: `services.record_hours` of RECORD records one after another (each locks its
  project and its volunteer, checks the day's record and the day's hours, writes the row and
  its audit entry), rolled back; `record_hours_per_record_ms`,
  `record_hours_queries_per_record` (savepoints too);
  `record_baseline_ms`: a bare loop of `ServiceRecord.objects.create` (the row and its audit
  entry; no lock, no check, no savepoint); `record_hours_vs_baseline`.

Data: a bench district of its own (17 towns of 16 villages, the first town's officer and the
district's command); its volunteers bulk_created over the villages, one in ten left (each on
their last day served); its projects, one in ten the district's, the others the towns';
each volunteer's records on distinct days of the last five weeks, on their town's projects and
the district's.
Scales: tiny (1,000 volunteers, 20 projects, 4,000 records, 20 recorded), district (50,000,
200, 200,000, 200 recorded).
"""

from __future__ import annotations

import datetime
import random
import uuid
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Any, cast

from django.contrib.auth.hashers import make_password
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from benchmarks.harness import BenchRefusedError, analyze, median_ms, rolled_back_ms
from benchmarks.registry import _bulk_area
from epigrid.accounts.models import User
from epigrid.areas.models import Area, Level, path_segment
from epigrid.core.access import Role, ScopedUser
from epigrid.core.ids import allocate_ids
from epigrid.core.models import AuditEntry
from epigrid.registry import synthetic
from epigrid.volunteers import services
from epigrid.volunteers.models import (
    Project,
    ProjectKind,
    ServiceRecord,
    Volunteer,
    hours_served,
    listed_projects,
)

DEFAULT_SCALE = "district"
SCALES = ("tiny", "district")
VOLUNTEERS = {"tiny": 1_000, "district": 50_000}
PROJECTS = {"tiny": 20, "district": 200}
RECORDS = {"tiny": 4_000, "district": 200_000}
RECORD = {"tiny": 20, "district": 200}
PAGE = 50
WEEKS = 5  # a volunteer's records: one a week at most, on a day of their own (v % 7)
SUMMED_BACK = 3  # the roll-up's day: three days ago
HOURS = tuple(Decimal(h) for h in ("2", "3", "4", "1.5", "8", "2.5"))
BATCH = 5_000
TOWNS, VILLAGES = 17, 16
Row = tuple[int, str, str, Decimal]  # (id, name, area name, hours)
Summing = Callable[[QuerySet[Volunteer]], QuerySet[Any]]  # Any: a row with its hours


class _Bench:
    """The bench district: its towns, their villages, the first town's officer and the
    district's command."""

    def __init__(self) -> None:
        tag = uuid.uuid4().hex[:6].upper()
        city = _bulk_area(None, Level.CITY, f"VOL{tag}", "Bench City")
        self.district = _bulk_area(city, Level.DISTRICT, f"VOL{tag}-D", "Bench District")
        self.towns: list[Area] = []
        self.villages: list[tuple[Area, int]] = []  # each village, with its town's index
        for number in range(TOWNS):
            town = _bulk_area(self.district, Level.TOWN, f"VOL{tag}-T{number:02d}",
                              f"Town {number}")
            villages = [Area(pk=pk, parent=town, level=Level.VILLAGE, path=town.path
                             + path_segment(pk), code=f"{town.code}-V{v:02d}", name=f"Village {v}")
                        for v, pk in enumerate(allocate_ids(Area, VILLAGES))]
            Area.objects.bulk_create(villages)
            self.towns.append(town)
            self.villages += [(village, number) for village in villages]
        unusable = make_password(None)
        self.officer = User.objects.create(username=f"bench-vol-officer-{tag}", password=unusable,
                                           role=Role.AREA_OFFICER, home_area=self.towns[0])
        self.command = User.objects.create(username=f"bench-vol-command-{tag}", password=unusable,
                                           role=Role.COMMAND, home_area=self.district)


def _projects(bench: _Bench, count: int, today: datetime.date) -> dict[int, list[Project]]:
    """town index (-1: the district) -> its projects, all open since before the records."""
    kinds = ProjectKind.values
    made = Project.objects.bulk_create([Project(
        area=bench.district if n % 10 == 0 else bench.towns[n % TOWNS], kind=kinds[n % len(kinds)],
        name=f"Project {n}", starts_on=today - datetime.timedelta(days=7 * WEEKS + 7),
        created_by=bench.command) for n in range(count)], batch_size=BATCH)
    found: dict[int, list[Project]] = defaultdict(list)
    for project in made:
        found[bench.towns.index(project.area) if project.area in bench.towns else -1].append(
            project)
    return found


def _volunteers(bench: _Bench, count: int, today: datetime.date) -> list[Volunteer]:
    """Over the villages; one in ten left, on the last day they served (their newest record's)."""
    rng, rows = random.Random(11), []
    for n in range(count):
        area, _town = bench.villages[n % len(bench.villages)]
        rows.append(Volunteer(
            area=area, name=synthetic.name(rng), phone=f"138{n:08d}", skills="",
            party_member=n % 3 == 0,
            registered_on=today - datetime.timedelta(days=7 * WEEKS + 7 + n % 30),
            left_on=today - datetime.timedelta(days=1 + n % 7) if n % 10 == 9 else None,
            created_by=bench.officer))
    return Volunteer.objects.bulk_create(rows, batch_size=BATCH)


def _records(bench: _Bench, volunteers: list[Volunteer], projects: dict[int, list[Project]],
             count: int, today: datetime.date) -> None:
    """Record r: volunteer r % V, on the day 1 + 7k + v % 7 back (k = r // V: distinct days),
    on one of their town's projects or the district's."""
    towns = {area.pk: town for area, town in bench.villages}
    rows = []
    for r in range(count):
        v, k = r % len(volunteers), r // len(volunteers)
        volunteer = volunteers[v]
        theirs = projects[towns[volunteer.area_id]] + projects[-1]
        rows.append(ServiceRecord(
            project=theirs[(v + k) % len(theirs)], volunteer=volunteer,
            served_on=today - datetime.timedelta(days=1 + 7 * k + v % 7),
            hours=HOURS[r % len(HOURS)], recorded_by=bench.officer))
    ServiceRecord.objects.bulk_create(rows, batch_size=BATCH)


def _summed(volunteers: QuerySet[Volunteer]) -> QuerySet[Any]:
    """The list's way: each row's hours a subquery (volunteers.models.hours_served)."""
    return volunteers.annotate(hours=hours_served())


def _joined(volunteers: QuerySet[Volunteer]) -> QuerySet[Any]:
    """The way the list first summed them: the records joined and grouped by volunteer."""
    return volunteers.annotate(hours=Sum("records__hours"))


def _page(user: ScopedUser, hours: Summing = _summed) -> list[Row]:
    """The list page's query, built as volunteer_views builds it (its filters left out)."""
    volunteers = hours(Volunteer.objects.restrict(user).select_related("area")).order_by(
        "area__path", "name", "id")
    page = Paginator(volunteers, PAGE).get_page(1)
    return [(v.pk, v.name, v.area.name, v.hours or Decimal(0)) for v in page]


def _projects_page(user: ScopedUser, joined: bool = False) -> list[tuple[int, Decimal, int]]:
    """The projects list page's query, as project_views builds it (`listed_projects`: its
    hours, volunteers who served, sign-ups and claims waiting; its filters left out);
    `joined`: its hours and volunteers summed over the records joined, as it first was."""
    projects = (Project.objects.restrict(user).select_related("area").annotate(
        hours=Sum("records__hours"), served=Count("records__volunteer", distinct=True))
        if joined else listed_projects(Project.objects.restrict(user)))
    page = Paginator(projects.order_by("area__path", "-starts_on", "name", "id"),
                     PAGE).get_page(1)
    return [(p.pk, p.hours or Decimal(0), p.served) for p in page]


def _page_python(user: ScopedUser) -> list[Row]:
    hours: dict[int, Decimal] = defaultdict(Decimal)
    for volunteer, served in ServiceRecord.objects.filter(
            volunteer__in=Volunteer.objects.restrict(user)).order_by().values_list(
            "volunteer_id", "hours").iterator(chunk_size=10_000):
        hours[volunteer] += served
    rows = Volunteer.objects.restrict(user).order_by().values_list(
        "pk", "name", "area__path", "area_id").iterator(chunk_size=10_000)
    page = sorted(rows, key=lambda row: (row[2], row[1], row[0]))[:PAGE]
    areas = dict(Area.objects.filter(pk__in={row[3] for row in page}).values_list("pk", "name"))
    return [(row[0], row[1], areas[row[3]], hours.get(row[0], Decimal(0))) for row in page]


def _hours_by_area(day: datetime.date, at: datetime.datetime) -> dict[str, Decimal]:
    """reporting.families_volunteers' hours: the day's records entered until `at`, per the
    project's area."""
    return dict(ServiceRecord.objects.filter(served_on=day, created_at__lte=at).order_by()
                .values("project__area__path").annotate(hours=Sum("hours"))
                .values_list("project__area__path", "hours"))


def _hours_by_area_python(day: datetime.date, at: datetime.datetime) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for path, served_on, created, hours in ServiceRecord.objects.order_by().values_list(
            "project__area__path", "served_on", "created_at", "hours").iterator(
            chunk_size=10_000):
        if served_on == day and created <= at:
            totals[path] += hours
    return dict(totals)


def _to_record(bench: _Bench, projects: dict[int, list[Project]],
               count: int) -> list[tuple[Project, Volunteer]]:
    """`count` of the first town's serving volunteers, each with a project of the town."""
    ours = list(Project.objects.filter(pk__in=[p.pk for p in projects[0]])
                .select_related("area").order_by("pk"))
    serving = (Volunteer.objects.filter(area__path__startswith=bench.towns[0].path,
                                        left_on__isnull=True)
               .select_related("area").order_by("pk")[:count])
    return [(ours[n % len(ours)], volunteer) for n, volunteer in enumerate(serving)]


def _record_by_hand(pairs: list[tuple[Project, Volunteer]], by: User,
                    day: datetime.date) -> None:
    """The baseline: each row created, and nothing else."""
    for project, volunteer in pairs:
        ServiceRecord.objects.create(project=project, volunteer=volunteer, served_on=day,
                                     hours=Decimal(3), recorded_by=by)


def _counted(action: Callable[[], Any]) -> tuple[Any, int]:
    """What `action` answers and the statements it ran (savepoints too), rolled back."""
    statements = 0

    def counting(execute: Callable[..., Any], *args: Any) -> Any:
        nonlocal statements
        statements += 1
        return execute(*args)

    with transaction.atomic(), connection.execute_wrapper(counting):
        answer = action()
        transaction.set_rollback(True)
    return answer, statements


def _ratio(slow: float, fast: float) -> float | None:
    return round(slow / fast, 2) if fast else None


def _timed(figures: dict[str, Any], name: str, fast: Callable[[], Any],
           slow: Callable[[], Any], repeat: int) -> None:
    """`<name>_ms`, `<name>_python_ms` and `<name>_vs_python`."""
    figures[f"{name}_ms"] = median_ms(fast, repeat)
    figures[f"{name}_python_ms"] = median_ms(slow, repeat)
    figures[f"{name}_vs_python"] = _ratio(figures[f"{name}_python_ms"], figures[f"{name}_ms"])


def _recording(bench: _Bench, projects: dict[int, list[Project]], count: int,
               today: datetime.date, repeat: int) -> dict[str, Any]:
    """Records of today through the service, and by a bare loop; rolled back."""
    pairs = _to_record(bench, projects, count)

    def record() -> None:
        for project, volunteer in pairs:
            services.record_hours(project, volunteer, by=bench.officer, served_on=today,
                                  hours="3")

    _none, queries = _counted(record)
    service_ms = rolled_back_ms(record, repeat)
    baseline_ms = rolled_back_ms(lambda: _record_by_hand(pairs, bench.officer, today), repeat)
    each = len(pairs) or 1
    return {"recorded": len(pairs), "record_hours_ms": service_ms,
            "record_hours_per_record_ms": round(service_ms / each, 3),
            "record_hours_queries_per_record": round(queries / each, 1),
            "record_baseline_ms": baseline_ms,
            "record_hours_vs_baseline": _ratio(service_ms, baseline_ms)}


def _lists(figures: dict[str, Any], name: str, user: ScopedUser, repeat: int) -> None:
    """The list's first page as `user` sees it: the list's query (its statements), the Python
    baseline, and the page with its hours joined and grouped (as the list first had them)."""
    _timed(figures, name, lambda: _page(user), lambda: _page_python(user), repeat)
    figures[f"{name}_queries"] = _counted(lambda: _page(user))[1]
    figures[f"{name}_joined_ms"] = median_ms(lambda: _page(user, _joined), repeat)


def run(scale: str, repeat: int, reuse: bool = False,
        log: Callable[[str], None] = print) -> dict[str, Any]:
    if (Volunteer.objects.exists() or ServiceRecord.objects.exists()) and not reuse:
        raise BenchRefusedError("The database has volunteers or hours served: the bench would "
                                "count them in. Use a database without any, or run it with "
                                "--reuse to measure alongside them.")
    today = timezone.localdate()
    bench = _Bench()
    projects = _projects(bench, PROJECTS[scale], today)
    volunteers = _volunteers(bench, VOLUNTEERS[scale], today)
    _records(bench, volunteers, projects, RECORDS[scale], today)
    analyze(Area, User, Volunteer, Project, ServiceRecord, AuditEntry)
    mine = Volunteer.objects.filter(area__path__startswith=bench.district.path)
    serving = mine.filter(left_on__isnull=True).count()
    log(f"{VOLUNTEERS[scale]} volunteers ({serving} serving) over {TOWNS * VILLAGES} villages, "
        f"{PROJECTS[scale]} projects, {RECORDS[scale]} records over the last {WEEKS} weeks")
    officer, command = cast(ScopedUser, bench.officer), cast(ScopedUser, bench.command)
    figures: dict[str, Any] = {"volunteers": VOLUNTEERS[scale], "serving": serving,
                               "projects": PROJECTS[scale], "records": RECORDS[scale]}
    _lists(figures, "volunteers_list", officer, repeat)
    _lists(figures, "volunteers_list_district", command, repeat)
    figures["projects_list_district_ms"] = median_ms(lambda: _projects_page(command), repeat)
    figures["projects_list_district_joined_ms"] = median_ms(
        lambda: _projects_page(command, joined=True), repeat)
    figures["projects_list_vs_joined"] = _ratio(figures["projects_list_district_joined_ms"],
                                                figures["projects_list_district_ms"])
    # Counted as the roll-up counts: the records entered until now (bulk_create stamped them
    # as they were written, after the bench began).
    day, at = today - datetime.timedelta(days=SUMMED_BACK), timezone.now()
    summed = _hours_by_area(day, at)
    figures.update(hours_by_area_areas=len(summed),
                   hours_on_the_day=float(sum(summed.values(), Decimal(0))))
    _timed(figures, "hours_by_area", lambda: _hours_by_area(day, at),
           lambda: _hours_by_area_python(day, at), repeat)
    figures.update(_recording(bench, projects, RECORD[scale], today, repeat))
    return figures
