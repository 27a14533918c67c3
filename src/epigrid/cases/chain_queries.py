"""Reads behind the chain, cluster and to-act-on pages and API: few queries, whatever the size.

A chain costs three queries, whatever its size: the exposures within reach (a recursive query,
both ways, at most `generations` deep), the persons reached, and their cases (each finding the
persons again with the same recursive query); nothing per node.
Persons outside the user's area appear as anonymous "outside your area" nodes (their case state
stays, their name, grid and case do not), so a town officer sees that a chain leaves the town,
not who is on the other side. Clusters cost three queries: the exposures and the infected
persons of the user's area, and the names of the towns and villages involved.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from epigrid.areas.models import SEGMENT_WIDTH, Area, Level
from epigrid.cases import chains
from epigrid.cases.models import Case, Exposure, Quarantine, Transition
from epigrid.cases.states import State
from epigrid.core.access import ScopedUser, sees_everything
from epigrid.registry.models import Person

INFECTED_STATES = (State.CONFIRMED, State.ASYMPTOMATIC)
SEGMENT = SEGMENT_WIDTH + 1


# --- chains ----------------------------------------------------------------------------------

# The ids of the exposures a chain walk may take from a person, `generations` deep each way: the
# out-edges of everyone reached (the walk and the links among its persons) and the in-edges of
# everyone reached upstream short of the last generation. UNION (not UNION ALL) ends cycles: a
# (person, generation) pair is produced once, and generations stop at the limit.
WALK_SQL = (
    "WITH RECURSIVE down(pid, gen) AS ("
    " SELECT CAST(%s AS BIGINT), 0 UNION"
    " SELECT e.contact_id, d.gen + 1 FROM exposure_table e JOIN down d ON e.source_id = d.pid"
    "  WHERE d.gen < %s AND e.contact_id IS NOT NULL),"
    " up(pid, gen) AS ("
    " SELECT CAST(%s AS BIGINT), 0 UNION"
    " SELECT e.source_id, u.gen + 1 FROM exposure_table e JOIN up u ON e.contact_id = u.pid"
    "  WHERE u.gen < %s)")
REACH_SQL = " ".join((
    WALK_SQL, "SELECT e.id FROM exposure_table e"
    " WHERE e.source_id IN (SELECT pid FROM down UNION SELECT pid FROM up)"
    " OR e.contact_id IN (SELECT pid FROM up WHERE gen < %s)"))
# The persons the walk reaches: everyone within N generations downstream or upstream.
PERSONS_SQL = " ".join((WALK_SQL, "SELECT pid FROM down UNION SELECT pid FROM up"))


def _sql(template: str) -> str:
    """A query on the exposure model's own table (its name only; values are parameters)."""
    return template.replace("exposure_table", connection.ops.quote_name(
        Exposure._meta.db_table))


def chain_edges(person_id: int, generations: int) -> list[tuple[chains.Edge, str, str]]:
    """(edge, setting, contact name) of every exposure within reach: one query."""
    rows = Exposure.objects.filter(pk__in=RawSQL(_sql(REACH_SQL), [  # noqa: S611 - parameters
        person_id, generations, person_id, generations, generations]))
    return [(chains.Edge(pk, source, contact, day), setting, name) for pk, source, contact, day,
            setting, name in rows.order_by().values_list(
                "pk", "source_id", "contact_id", "exposed_on", "setting", "contact_name")]


def with_current_case(persons: QuerySet[Person]) -> QuerySet[Person]:
    """Annotate each person's current case: the open one, else the latest closed one."""
    latest = Case.objects.filter(person=OuterRef("pk")).order_by("-is_open", "-state_since",
                                                                 "-pk")
    return persons.annotate(case_state=Subquery(latest.values("state")[:1]),
                            case_pk=Subquery(latest.values("pk")[:1]))


def current_cases(person_id: int, generations: int) -> dict[int, dict[str, Any]]:
    """Name, path, grid and current case (open, else latest) of everyone the walk reaches.

    Two queries that find the persons again with the recursive query, rather than sending a
    thousand ids as parameters or asking a correlated subquery per person: both cost more.
    """
    reach = RawSQL(_sql(PERSONS_SQL), [  # noqa: S611 - parameters
        person_id, generations, person_id, generations])
    persons = {row["pk"]: {**row, "case_state": None, "case_pk": None} for row in
               Person.objects.filter(pk__in=reach).values("pk", "name", "area_path",
                                                          "grid__name")}
    cases = Case.objects.filter(person_id__in=reach).order_by(
        "person_id", "is_open", "state_since", "pk").values_list("person_id", "pk", "state")
    for person_id, pk, state in cases:  # the last of each person's rows is the current case
        persons[person_id].update(case_state=state, case_pk=pk)
    return persons


def _state_label(state: str | None) -> str:
    return str(State(state).label) if state else _("no case")


def chain_graph(user: ScopedUser, case: Case, generations: int) -> dict[str, Any]:
    """The transmission chain around a case's person, as nodes and edges for ECharts' graph.

    Rows come as plain values (no model instances) and labels are translated once per state:
    a chain of a thousand persons stays a matter of milliseconds past its two queries.
    """
    generations = max(0, min(generations, chains.MAX_GENERATIONS))
    found = chain_edges(case.person_id, generations)
    extra = {edge.id: (setting, name) for edge, setting, name in found}
    walked = chains.walk([edge for edge, _s, _n in found], case.person_id, generations)
    persons = current_cases(case.person_id, generations)
    state_labels = {state: str(label) for state, label in State.choices}
    setting_labels = {setting: str(label) for setting, label in Exposure.Setting.choices}
    outside_name, no_case = _("Outside your area"), _("no case")
    everything, scope = sees_everything(user), user.scope_path or ""
    ids: dict[int, str] = {}
    nodes = []
    for person_id, generation in sorted(walked.generations.items(),
                                        key=lambda item: (abs(item[1]), -item[1], item[0])):
        person = persons.get(person_id)
        if person is None:  # an exposure deleted between the two queries: its person goes too
            continue
        state = person["case_state"] or ""
        visible = everything or bool(scope) and person["area_path"].startswith(scope)
        ids[person_id] = f"p{person_id}" if visible else f"o{len(ids) + 1}"
        nodes.append({
            "id": ids[person_id], "name": person["name"] if visible else outside_name,
            "state": state, "state_label": state_labels.get(state, no_case),
            "generation": generation, "outside": not visible,
            "case_id": person["case_pk"] if visible else None,
            "grid": person["grid__name"] if visible else "",
            "start": person_id == case.person_id})
    edges = []
    hidden = 0
    unidentified = _("not identified yet")
    for edge in walked.edges:
        if edge.source not in ids or (edge.contact is not None and edge.contact not in ids):
            continue
        setting, name = extra[edge.id]
        source_visible = not ids[edge.source].startswith("o")
        if edge.contact is None:
            hidden += 0 if source_visible else 1
            target = f"u{edge.id}" if source_visible else f"o{len(ids) + hidden}"
            nodes.append({"id": target, "name": name if source_visible else outside_name,
                          "state": "unidentified", "state_label": unidentified,
                          "generation": walked.generations[edge.source] + 1,
                          "outside": not source_visible, "case_id": None, "grid": "",
                          "start": False})
        else:
            target = ids[edge.contact]
        edges.append({"source": ids[edge.source], "target": target,
                      "exposed_on": edge.exposed_on.isoformat(), "setting": setting,
                      "setting_label": setting_labels.get(setting, setting)})
    return {"case_id": case.pk, "generations": generations, "nodes": nodes, "edges": edges}


# --- clusters --------------------------------------------------------------------------------

@dataclass
class ClusterView:
    """A cluster and the towns and villages of the user's area it touches."""

    cluster: chains.Cluster
    areas: list[Area]


def infected_persons(user: ScopedUser) -> dict[int, chains.Infected]:
    """Everyone in the user's area who was ever confirmed or asymptomatic: one GROUP BY."""
    rows = (Transition.objects.restrict(user).filter(to_state__in=INFECTED_STATES)
            .values("case__person_id").annotate(
                first_at=Min("at"), confirmed=Count("pk", filter=Q(to_state=State.CONFIRMED)),
                area_path=Max("area_path")))
    return {row["case__person_id"]: chains.Infected(
        person=row["case__person_id"], found_on=timezone.localdate(row["first_at"]),
        confirmed=row["confirmed"] > 0, area_path=row["area_path"]) for row in rows}


def scoped_edges(user: ScopedUser) -> list[chains.Edge]:
    return [chains.Edge(*row) for row in Exposure.objects.restrict(user).filter(
        contact__isnull=False).order_by().values_list("pk", "source_id", "contact_id",
                                                      "exposed_on")]


def _areas_of(user: ScopedUser, paths: set[str]) -> dict[str, Area]:
    """The towns and villages above the given grid paths that the user sees: one query."""
    prefixes = {path[:end] for path in paths for end in range(SEGMENT, len(path) + 1, SEGMENT)}
    return {area.path: area for area in Area.objects.restrict(user).filter(
        path__in=prefixes, level__in=(Level.TOWN, Level.VILLAGE)).order_by("path")}


def clusters_for(user: ScopedUser) -> list[ClusterView]:
    """The clusters 聚集性疫情 as seen from the user's area, largest first."""
    found = chains.clusters(scoped_edges(user), infected_persons(user))
    areas = _areas_of(user, {path for c in found for path in c.area_paths})
    views = []
    for cluster in found:
        prefixes = {path[:end] for path in cluster.area_paths
                    for end in range(SEGMENT, len(path) + 1, SEGMENT)}
        views.append(ClusterView(cluster, [areas[p] for p in sorted(prefixes) if p in areas]))
    return views


def cluster_of(user: ScopedUser, person_id: int) -> ClusterView | None:
    return next((view for view in clusters_for(user) if person_id in view.cluster.persons),
                None)


def cluster_members(view: ClusterView) -> list[Person]:
    """The cluster's persons with their current case: one query."""
    members = list(with_current_case(Person.objects.filter(pk__in=view.cluster.persons))
                   .select_related("grid").order_by("pk"))
    for person in members:
        person.case_state_label = _state_label(getattr(person, "case_state", None))  # type: ignore[attr-defined]
    return members


# --- contacts to act on ----------------------------------------------------------------------

def to_identify(user: ScopedUser) -> QuerySet[Exposure]:
    """Exposures of the user's area whose contact is not identified yet."""
    return Exposure.objects.restrict(user).filter(contact__isnull=True).select_related("source")


def to_quarantine(user: ScopedUser) -> QuerySet[Case]:
    """Close contacts of the user's area not in quarantine yet, with their last exposure."""
    open_quarantine = Quarantine.objects.filter(case=OuterRef("pk"), ended_on__isnull=True)
    last = (Exposure.objects.filter(contact=OuterRef("person_id")).order_by("-exposed_on")
            .values("exposed_on")[:1])
    return (Case.objects.restrict(user).filter(is_open=True, state=State.CLOSE_CONTACT)
            .exclude(Exists(open_quarantine)).annotate(last_exposed=Subquery(last))
            .select_related("person", "grid"))


def days_since(day: datetime.date | None) -> int | None:
    return None if day is None else (timezone.localdate() - day).days
