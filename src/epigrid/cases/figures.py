"""Case figures 疫情数据 per area and day: the four categories 四类人员, quarantine, follow-ups,
tests.

`compute(root_path, day)` runs one GROUP BY per figure family over the records of a subtree,
grouped by the records' own area path (a grid for persons; a lab's area for an unmatched test),
and sums every path up the tree in memory (paths are fixed-width id segments, so an area's
ancestors are prefixes of its path) — the approach of registry/progress.py.
`recompute(day)` does it for the whole tree and replaces the day's stored CaseFigures rows.

What a figure means (day D, local time):
- new_<category>: cases that entered the category on D (a case moving within its category, e.g.
  close contact -> quarantined or confirmed -> admitted, is not new; asymptomatic -> confirmed is
  a new confirmed case, as the daily reports count it);
- new_local_confirmed, new_imported_confirmed: new_confirmed split by the case's origin of
  infection (本土 / 输入), as the case says it now; the two add up to new_confirmed;
- total_<category>: cases that entered it on or before D; current_<category>: those of them that
  had not left it by the end of D (entered minus left, so a past day reads as it was then);
- in_home_quarantine, in_centralized_quarantine: quarantines begun by D and not ended by D;
  quarantined_today (begun on D), released_today (ended on D as released);
- new_contacts_not_quarantined: of new_close_contact, the cases still close contacts at the end
  of D with no quarantine begun by D and not ended before it (应隔尽隔: every close contact found
  is to be quarantined; one found at 20:00 and placed the next morning counts on D; one ruled
  out or fallen ill the same day does not);
- contacts_awaiting_quarantine: cases in the "close contact" state at the end of D, found on D or
  before (starting a quarantine moves a close contact on to "in quarantine"): the backlog;
- follow_ups_due: two checks a day for every quarantine in progress on D; follow_ups_done and
  follow_ups_missed: the records and flagged misses of D;
- tests_done, tests_positive: results received on D; tests_pending: sampled by the end of D with
  no result by then (discarded samples are not counted).

Freshness: today's figures move with every record, so pages count them live for the area shown
(`live`); past days read the stored rows that `recompute` wrote (the Celery task runs it after
midnight for the day before and each hour for today) and are counted live when no row is stored.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from epigrid.areas.models import SEGMENT_WIDTH, Area
from epigrid.cases.models import (
    Case,
    CaseFigures,
    FollowUp,
    LabTest,
    MissedFollowUp,
    Origin,
    Quarantine,
    Transition,
)
from epigrid.cases.states import CATEGORY_OF, Category, State
from epigrid.core.access import subtree_q
from epigrid.core.days import day_bounds

SEGMENT = SEGMENT_WIDTH + 1
CATEGORIES: tuple[str, ...] = tuple(Category.values)
CASE_CODES: tuple[str, ...] = tuple(f"{kind}_{c}" for kind in ("new", "total", "current")
                                    for c in CATEGORIES)
# new_confirmed by the case's origin of infection (local 本土, imported 输入).
ORIGIN_CODES = ("new_local_confirmed", "new_imported_confirmed")
QUARANTINE_CODES = ("in_home_quarantine", "in_centralized_quarantine", "quarantined_today",
                    "released_today", "new_contacts_not_quarantined",
                    "contacts_awaiting_quarantine")
FOLLOW_UP_CODES = ("follow_ups_due", "follow_ups_done", "follow_ups_missed")
TEST_CODES = ("tests_done", "tests_positive", "tests_pending")
CODES: tuple[str, ...] = (*CASE_CODES, *ORIGIN_CODES, *QUARANTINE_CODES, *FOLLOW_UP_CODES,
                          *TEST_CODES)
# The figures of the area page's panel and of the children table.
HEADLINE: tuple[str, ...] = ("current_confirmed", "current_asymptomatic", "current_suspected",
                             "current_fever", "current_close_contact", "new_confirmed",
                             "new_asymptomatic", "new_suspected", "new_fever",
                             "new_close_contact")

Figures = dict[str, int]
ByPath = dict[str, Figures]
# Inside a recount an area's figures are a list in CODES order: adding up 35,000 areas is list
# arithmetic, not dictionary look-ups.
INDEX = {code: i for i, code in enumerate(CODES)}
Vectors = dict[str, list[int]]



def _rows(queryset: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """A values_list queryset's plain tuples, without Django's per-value converters (counts and
    paths need none; converting 300,000 values costs more than the query)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _zeros() -> list[int]:
    return [0] * len(CODES)


def _add(target: Vectors, path: str, code: str, n: int) -> None:
    if n:
        target[path][INDEX[code]] += n


def _states(category: str) -> list[str]:
    return [state for state, cat in CATEGORY_OF.items() if cat == category]


def _cases(leaves: Vectors, root_path: str, day: datetime.date) -> None:
    """Moves into and out of each category, counted by the database per path: one row a grid
    (not one per grid and pair of states), which is what keeps a city's recount short."""
    start, end = day_bounds(day)
    counts: dict[str, Count] = {}
    for category in CATEGORIES:
        inside = _states(category)
        counts[f"total_{category}"] = Count("id", filter=Q(to_state__in=inside)
                                            & ~Q(from_state__in=inside))
        counts[f"left_{category}"] = Count("id", filter=Q(from_state__in=inside)
                                           & ~Q(to_state__in=inside))
    # Those in the "close contact" state itself (found, not yet quarantined): a case enters the
    # category in that state only and never comes back to it (states.TRANSITIONS), so they are
    # the category's entries less the moves out of the state.
    counts["contact_moved_on"] = Count("id", filter=Q(from_state=State.CLOSE_CONTACT))
    names = list(counts)
    awaiting, contacts = INDEX["contacts_awaiting_quarantine"], 1 + 2 * CATEGORIES.index(
        Category.CLOSE_CONTACT)
    rows = _rows(Transition.objects.filter(subtree_q("area_path", root_path), at__lt=end)
                 .order_by().values("area_path").annotate(**counts)
                 .values_list("area_path", *names))
    # Where each annotated count goes: (index of total, current; position in the row).
    slots = [(INDEX[f"total_{c}"], INDEX[f"current_{c}"], 2 * k + 1, 2 * k + 2)
             for k, c in enumerate(CATEGORIES)]
    for row in rows:
        target = leaves[row[0]]
        for total, current, at_total, at_left in slots:
            target[total] += row[at_total]
            target[current] += row[at_total] - row[at_left]
        target[awaiting] += row[contacts] - row[-1]
    # The day's own moves are few: counted apart, through the (at, to_state) index; the join
    # to their cases splits them by origin in the same query.
    today = (Transition.objects.filter(subtree_q("area_path", root_path), at__gte=start,
                                       at__lt=end).order_by()
             .values("area_path", "from_state", "to_state", "case__origin")
             .annotate(n=Count("id"))
             .values_list("area_path", "from_state", "to_state", "case__origin", "n"))
    for path, from_state, to_state, origin, n in today:
        entered = CATEGORY_OF.get(to_state)
        if entered and entered != CATEGORY_OF.get(from_state):
            leaves[path][INDEX[f"new_{entered}"]] += n
            if entered == Category.CONFIRMED:
                leaves[path][INDEX[_origin_code(origin)]] += n


def new_contacts(root_path: str, day: datetime.date) -> QuerySet[Transition]:
    """The day's moves into the close contacts (in the "close contact" state: the only way in)
    of cases with no quarantine on the day and still close contacts at its end."""
    start, end = day_bounds(day)
    return (Transition.objects.filter(subtree_q("area_path", root_path), at__gte=start,
                                      at__lt=end, to_state=State.CLOSE_CONTACT)
            .exclude(from_state__in=_states(Category.CLOSE_CONTACT))
            .filter(~Exists(quarantined_on(day).filter(case=OuterRef("case"))),
                    ~Exists(left_contacts(end).filter(case=OuterRef("case")))))


def _contacts(leaves: Vectors, root_path: str, day: datetime.date) -> None:
    """new_contacts_not_quarantined: a few of the day's moves, each looked up once."""
    rows = (new_contacts(root_path, day).order_by().values("area_path")
            .annotate(n=Count("id")).values_list("area_path", "n"))
    for path, n in _rows(rows):
        _add(leaves, path, "new_contacts_not_quarantined", n)


def left_contacts(end: datetime.datetime) -> QuerySet[Transition]:
    """The moves out of the close contacts before `end` (ruled out, or fallen ill)."""
    inside = _states(Category.CLOSE_CONTACT)
    return Transition.objects.filter(from_state__in=inside, at__lt=end).exclude(
        to_state__in=inside)


def quarantined_on(day: datetime.date) -> QuerySet[Quarantine]:
    """The quarantines a case is in on `day`: begun by it and not ended before it."""
    return Quarantine.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day),
                                     starts_on__lte=day)


def _origin_code(origin: str) -> str:
    return "new_imported_confirmed" if origin == Origin.IMPORTED else "new_local_confirmed"


def _quarantines(leaves: Vectors, root_path: str, day: datetime.date) -> None:
    ongoing = Q(ended_on__isnull=True) | Q(ended_on__gt=day)
    rows = (Quarantine.objects.filter(subtree_q("area_path", root_path), starts_on__lte=day)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day)).order_by()
            .values("area_path", "kind")
            .annotate(active=Count("id", filter=ongoing),
                      started=Count("id", filter=Q(starts_on=day)),
                      released=Count("id", filter=Q(ended_on=day,
                                                    outcome=Quarantine.Outcome.RELEASED)))
            .values_list("area_path", "kind", "active", "started", "released"))
    for path, kind, active, started, released in _rows(rows):
        code = ("in_home_quarantine" if kind == Quarantine.Kind.HOME
                else "in_centralized_quarantine")
        _add(leaves, path, code, active)
        _add(leaves, path, "follow_ups_due", 2 * active)
        _add(leaves, path, "quarantined_today", started)
        _add(leaves, path, "released_today", released)


def _follow_ups(leaves: Vectors, root_path: str, day: datetime.date) -> None:
    for model, code in ((FollowUp, "follow_ups_done"), (MissedFollowUp, "follow_ups_missed")):
        rows = (model.objects.filter(subtree_q("area_path", root_path), day=day).order_by()
                .values("area_path").annotate(n=Count("id")).values_list("area_path", "n"))
        for path, n in _rows(rows):
            _add(leaves, path, code, n)


def _tests(leaves: Vectors, root_path: str, day: datetime.date) -> None:
    start, end = day_bounds(day)
    resulted = Q(resulted_at__gte=start, resulted_at__lt=end) & ~Q(
        result=LabTest.Result.PENDING)
    rows = (LabTest.objects.filter(subtree_q("area_path", root_path), sampled_at__lt=end)
            .exclude(match=LabTest.Match.DISCARDED)
            .filter(Q(resulted_at__isnull=True) | Q(resulted_at__gte=start)).order_by()
            .values("area_path")
            .annotate(done=Count("id", filter=resulted),
                      positive=Count("id", filter=resulted & Q(
                          result=LabTest.Result.POSITIVE)),
                      pending=Count("id", filter=Q(resulted_at__isnull=True)
                                    | Q(resulted_at__gte=end)))
            .values_list("area_path", "done", "positive", "pending"))
    for path, done, positive, pending in _rows(rows):
        _add(leaves, path, "tests_done", done)
        _add(leaves, path, "tests_positive", positive)
        _add(leaves, path, "tests_pending", pending)


def leaf_vectors(root_path: str, day: datetime.date) -> Vectors:
    """The figures of every record-holding path under `root_path` ("" for the whole tree)."""
    leaves: Vectors = defaultdict(_zeros)
    for family in (_cases, _contacts, _quarantines, _follow_ups, _tests):
        family(leaves, root_path, day)
    return leaves


def roll_up_vectors(leaves: Vectors, root_path: str) -> Vectors:
    """Every area's figures as the sum of the records of its subtree.

    Deepest level first, each area adds its total into its parent once: a grid's figures go to
    its village, the village's (all its grids at once) to its town, and so on up.
    """
    summed: Vectors = defaultdict(_zeros, {path: list(v) for path, v in leaves.items()})
    top = max(len(root_path), SEGMENT)
    for length in range(max(map(len, summed), default=0), top, -SEGMENT):
        # A level's parents appear as the level below is added up: list the level first.
        for path in [p for p in summed if len(p) == length]:
            parent = summed[path[:-SEGMENT]]
            parent[:] = [a + b for a, b in zip(parent, summed[path], strict=True)]
    return summed


def _json(vector: list[int]) -> str:
    """The figures that are not zero as a JSON object (codes need no escaping)."""
    return "{" + ",".join([f'"{CODES[i]}":{n}' for i, n in enumerate(vector) if n]) + "}"


def _as_dict(vector: list[int]) -> Figures:
    """The figures that are not zero, by code."""
    return {CODES[i]: n for i, n in enumerate(vector) if n}


def roll_up(leaves: ByPath, root_path: str) -> ByPath:
    """`roll_up_vectors` for figures given by code."""
    vectors: Vectors = {}
    for path, figures in leaves.items():
        vectors[path] = _zeros()
        for code, n in figures.items():
            vectors[path][INDEX[code]] += n
    return {path: _as_dict(v) for path, v in roll_up_vectors(vectors, root_path).items()}


def compute(root_path: str, day: datetime.date) -> ByPath:
    """Every area's figures under `root_path` (areas without any record are left out)."""
    summed = roll_up_vectors(leaf_vectors(root_path, day), root_path)
    return {path: _as_dict(v) for path, v in summed.items()}


def complete(values: dict[str, Any] | None) -> Figures:
    """Every code with its count (stored rows keep only the codes that are not zero)."""
    values = values or {}
    return {code: int(values.get(code, 0)) for code in CODES}


@transaction.atomic
def recompute(day: datetime.date) -> int:
    """Replace the day's stored figures of every area with ones counted afresh; return rows."""
    if connection.vendor == "postgresql":
        # The history's GROUP BY hashes tens of thousands of paths: in memory, not on disk.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '64MB'")
    summed = roll_up_vectors(leaf_vectors("", day), "")
    now = timezone.now()
    empty = "{}"
    rows = [(area_id, path, day, _json(summed[path]) if path in summed else empty, now)
            for area_id, path in Area.objects.order_by().values_list("id", "path")]
    CaseFigures.objects.filter(day=day).delete()
    _insert(rows)
    return len(rows)


COLUMNS = ("area_id", "area_path", "day", "values", "computed_at")


def _insert(rows: list[tuple[Any, ...]]) -> None:
    """COPY on PostgreSQL, executemany elsewhere: tens of thousands of rows, no model objects."""
    quote = connection.ops.quote_name
    table = quote(CaseFigures._meta.db_table)
    columns = ", ".join(map(quote, COLUMNS))
    if connection.vendor == "postgresql":
        # COPY's text format as one block: ids, paths of digits and "/", ISO dates and JSON of
        # codes and integers hold no tab, newline or backslash to escape.
        block = "".join(f"{area_id}\t{path}\t{day.isoformat()}\t{values}\t{at.isoformat()}\n"
                        for area_id, path, day, values, at in rows)
        with connection.cursor() as cursor:
            raw: Any = cursor.cursor  # psycopg 3's own cursor, which has copy()
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                copy.write(block)
        return
    adapt = connection.ops.adapt_datetimefield_value
    statement = f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s)"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(statement, [(*row[:3], row[3], adapt(row[4])) for row in rows])


def live(area: Area, day: datetime.date) -> tuple[Figures, dict[int, Figures]]:
    """The area's figures and its children's, counted now from the records of its subtree."""
    summed = compute(area.path, day)
    children = Area.objects.filter(parent=area).values_list("id", "path")
    return complete(summed.get(area.path)), {pk: complete(summed.get(path))
                                             for pk, path in children}


def figures_for(area: Area, day: datetime.date) -> tuple[Figures, dict[int, Figures]]:
    """The area's and its children's figures for a day: live for today (and any day not stored),
    from the stored rows otherwise."""
    if day < timezone.localdate():
        ids = list(Area.objects.filter(parent=area).values_list("id", flat=True))
        stored = {row.area_id: row.values for row in CaseFigures.objects.filter(
            day=day, area_id__in=[area.pk, *ids])}
        if area.pk in stored and all(pk in stored for pk in ids):
            return complete(stored[area.pk]), {pk: complete(stored[pk]) for pk in ids}
    return live(area, day)


def area_figures(area: Area, day: datetime.date) -> Figures:
    """Just the area's own figures (the area page's panel): one stored row or a live count."""
    if day < timezone.localdate():
        row = CaseFigures.objects.filter(area=area, day=day).first()
        if row is not None:
            return complete(row.values)
    return complete(compute(area.path, day).get(area.path))


def headline_now(area: Area) -> Figures:
    """Today's headline figures of an area, cheaply enough for every view of the area page:
    current counts from the open cases' states (the (state, area_path) index), new counts from
    today's transitions only, and the quarantines not ended. Three small queries, where the
    full count (`compute`) reads the subtree's whole history; both agree (tested)."""
    start, _end = day_bounds(timezone.localdate())
    found: Figures = dict.fromkeys((*HEADLINE, "in_home_quarantine",
                                    "in_centralized_quarantine"), 0)
    open_cases = (Case.objects.filter(subtree_q("area_path", area.path), is_open=True,
                                      state__in=list(CATEGORY_OF)).order_by()
                  .values("state").annotate(n=Count("id")).values_list("state", "n"))
    for state, n in open_cases:
        found[f"current_{CATEGORY_OF[state]}"] += n
    moves = (Transition.objects.filter(subtree_q("area_path", area.path), at__gte=start)
             .order_by().values("from_state", "to_state").annotate(n=Count("id"))
             .values_list("from_state", "to_state", "n"))
    for from_state, to_state, n in moves:
        entered = CATEGORY_OF.get(to_state)
        if entered and entered != CATEGORY_OF.get(from_state):
            found[f"new_{entered}"] += n
    quarantined = (Quarantine.objects.filter(subtree_q("area_path", area.path),
                                             ended_on__isnull=True, starts_on__lte=start.date())
                   .order_by().values("kind").annotate(n=Count("id")).values_list("kind", "n"))
    for kind, n in quarantined:
        found["in_home_quarantine" if kind == Quarantine.Kind.HOME
              else "in_centralized_quarantine"] += n
    return found


def change(today: Figures, yesterday: Figures) -> Figures:
    """The change of every figure since the day before."""
    return {code: today[code] - yesterday.get(code, 0) for code in today}
