"""Property: whatever the cases and the filters, walking the API's list page by page yields
exactly the cases a plain reading of the filters keeps, each once, in id order."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from epigrid.cases import services, states
from epigrid.cases.case_api import CaseFilters, filter_cases
from epigrid.cases.models import Case, Evidence, Source
from epigrid.cases.states import Category, State
from epigrid.core.api import PageParams, keyset_page
from epigrid.registry import services as registry
from epigrid.registry.models import Residency
from tests.base import World

START = datetime.date(2020, 2, 1)
maybe = st.none().__or__


@st.composite
def case_specs(draw: Any) -> list[tuple[list[str], str, int]]:
    """Up to six cases: the states each went through, how it was found, its report day."""
    specs = []
    for _ in range(draw(st.integers(0, 6))):
        path = [draw(st.sampled_from(sorted(states.INITIAL)))]
        for _step in range(draw(st.integers(0, 3))):
            nexts = sorted(states.TRANSITIONS[path[-1]])
            if not nexts:
                break
            path.append(draw(st.sampled_from(nexts)))
        specs.append((path, draw(st.sampled_from(Source.values)), draw(st.integers(0, 4))))
    return specs


filters = st.builds(
    CaseFilters, state=maybe(st.sampled_from(State)), category=maybe(st.sampled_from(Category)),
    open=maybe(st.booleans()), source=maybe(st.sampled_from(Source)),
    reported_from=maybe(st.integers(0, 4).map(lambda d: START + datetime.timedelta(d))),
    reported_to=maybe(st.integers(2, 4).map(lambda d: START + datetime.timedelta(d))))


def kept(case: Case, f: CaseFilters) -> bool:
    """The filters read plainly, one case at a time (the oracle)."""
    return ((f.state is None or case.state == f.state)
            and (f.category is None or states.CATEGORY_OF.get(case.state) == f.category)
            and (f.open is None or case.is_open == f.open)
            and (f.source is None or case.source == f.source)
            and (f.reported_from is None or case.reported_on >= f.reported_from)
            and (f.reported_to is None or case.reported_on <= f.reported_to))


class CaseFilterPropertyTests(TestCase):
    world: World

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = World()

    def make(self, specs: list[tuple[list[str], str, int]]) -> list[Case]:
        made = []
        for number, (path, source, day) in enumerate(specs):
            person = registry.create_person(grid=self.world.grid_a1_2, name=f"P{number}",
                                            residency=Residency.WORKER)
            at = timezone.now() - datetime.timedelta(hours=10)
            case = services.open_case(person, path[0], reason="x", at=at, source=source,
                                      evidence=Evidence.TEST)
            for step, target in enumerate(path[1:], start=1):
                services.transition(case, target, reason="x", evidence=Evidence.TEST,
                                    at=at + datetime.timedelta(hours=step))
            Case.objects.filter(pk=case.pk).update(
                reported_on=START + datetime.timedelta(days=day))
            made.append(Case.objects.get(pk=case.pk))
        return made

    @settings(max_examples=25, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(specs=case_specs(), f=filters, limit=st.integers(1, 4))
    def test_walking_the_filtered_list_yields_exactly_the_kept_cases(
            self, specs: list[tuple[list[str], str, int]], f: CaseFilters, limit: int) -> None:
        made = self.make(specs)
        if f.reported_from and f.reported_to and f.reported_from > f.reported_to:
            return  # refused with a 422 (tested in test_case_api)
        seen: list[int] = []
        after = None
        while True:
            page = keyset_page(filter_cases(cast(Any, self.world.alice), f),
                               PageParams(after=after, limit=limit))
            assert len(page["items"]) <= limit
            seen += [case.pk for case in page["items"]]
            after = page["next_after"]
            if after is None:
                break
        assert seen == sorted(case.pk for case in made if kept(case, f))
