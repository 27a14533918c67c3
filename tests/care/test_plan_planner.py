"""The planner on its own: the optimum (checked against HiGHS), the rules, the reasons, batches."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from epigrid.care import greedy, planner
from epigrid.care.planner import Option, Patient, Rules, Stock

RULES = Rules(needs={"icu": (Option("hospital", "icu"),),
                     "ward": (Option("hospital", "general"), Option("shelter", "general", 5.0)),
                     "room": (Option("site", "quarantine"),)},
              max_km=30.0, k=2, vehicle_size=2, wait_km_per_hour=1.0)
BASE = (30.0, 114.0)


def at(dx_km: float, dy_km: float = 0.0) -> tuple[float, float]:
    """A point `dx_km` east and `dy_km` north of BASE (close enough at these distances)."""
    return BASE[0] + dy_km / 111.2, BASE[1] + dx_km / (111.2 * np.cos(np.radians(BASE[0])))


def patient(pid: int, x: float, need: str = "ward", hours: float = 1.0, area: int | None = None
            ) -> Patient:
    lat, lon = at(x)
    return Patient(pid, lat, lon, need, hours, area if area is not None else pid)


def stock(fid: int, x: float, kind: str = "hospital", bed: str = "general",
          free: int = 1) -> Stock:
    lat, lon = at(x)
    return Stock(fid, kind, bed, lat, lon, free)


def lp_optimum(patients: list[Patient], stocks: list[Stock], rules: Rules) -> float:
    """The same problem, one variable per patient and capable stock, solved by HiGHS."""
    costs: list[float] = []
    cols: list[tuple[int, int]] = []  # (patient index, stock index or -1 for unplaced)
    for i, p in enumerate(patients):
        for j, s in enumerate(stocks):
            option = next((o for o in rules.needs.get(p.need, ()) if (o.kind, o.bed_type)
                           == (s.kind, s.bed_type)), None)
            km = planner.distance_km((p.lat or 0, p.lon or 0), (s.lat, s.lon))
            if option is not None and s.available > 0 and km <= rules.max_km:
                raw = planner.haversine_km(np.array([p.lat]), np.array([p.lon]),
                                           np.array([s.lat]), np.array([s.lon]))[0]
                costs.append(round((raw + option.extra_km) * 1000 / planner.UNIT_M))
                cols.append((i, j))
        costs.append(planner.penalty_units(rules) + planner.bonus_units(rules, p.waiting_hours))
        cols.append((i, -1))
    a_eq = np.zeros((len(patients), len(cols)))
    a_ub = np.zeros((len(stocks), len(cols)))
    for c, (i, j) in enumerate(cols):
        a_eq[i, c] = 1
        if j >= 0:
            a_ub[j, c] = 1
    found = linprog(costs, A_ub=a_ub, b_ub=[s.available for s in stocks], A_eq=a_eq,
                    b_eq=np.ones(len(patients)), bounds=(0, 1), method="highs")
    assert found.status == 0
    return float(found.fun)


def test_it_sends_each_patient_to_the_nearest_capable_bed_when_beds_abound() -> None:
    patients = [patient(1, 0, "icu"), patient(2, 10, "ward"), patient(3, 20, "room")]
    stocks = [stock(10, 1, bed="icu"), stock(11, 12), stock(12, 19, "site", "quarantine"),
              stock(13, 0)]
    result = planner.solve(patients, stocks, RULES)
    assert {p.patient: p.facility for p in result.placements} == {1: 10, 2: 11, 3: 12}
    assert result.unplaced == {}


def test_it_never_puts_a_patient_in_a_bed_the_rules_forbid() -> None:
    # The only free bed nearby is a quarantine room: an ICU patient may not take it.
    result = planner.solve([patient(1, 0, "icu")], [stock(10, 0, "site", "quarantine")], RULES)
    assert result.placements == []
    assert result.unplaced == {1: planner.NO_BED_AT_ALL}


def test_it_tells_why_a_patient_is_left_behind() -> None:
    stocks = [stock(10, 100, bed="icu"), stock(11, 0, free=1)]
    patients = [patient(1, 0, "icu"), patient(2, 0, "ward", 5, area=7),
                patient(3, 0, "ward", 1, area=7), patient(4, 0, "nothing"),
                Patient(5, None, None, "ward", 3, 8)]
    result = planner.solve(patients, stocks, RULES)
    assert result.unplaced == {1: planner.NOT_IN_REACH, 3: planner.EXHAUSTED,
                               4: planner.NO_RULE, 5: planner.NO_PLACE}
    assert [p.patient for p in result.placements] == [2]  # the longer wait goes first


def test_it_says_capacity_exhausted_when_the_capable_beds_are_all_taken() -> None:
    result = planner.solve([patient(1, 0, "icu")], [stock(10, 0, bed="icu", free=0)], RULES)
    assert result.unplaced == {1: planner.EXHAUSTED}


def test_it_prefers_the_first_option_until_the_extra_km_outweighs_it() -> None:
    # The shelter is 4 km nearer but costs 5 km extra: the hospital wins.
    stocks = [stock(10, 10), stock(11, 6, "shelter")]
    assert planner.solve([patient(1, 0)], stocks, RULES).placements[0].facility == 10
    # 6 km nearer: now the shelter wins.
    stocks = [stock(10, 10), stock(11, 4, "shelter")]
    assert planner.solve([patient(1, 0)], stocks, RULES).placements[0].facility == 11


def test_it_widens_beyond_the_k_nearest_when_they_are_full() -> None:
    # k=2: the two nearest have one bed each; the group of three needs the third, farther one.
    patients = [patient(i, 0, area=1) for i in range(3)]
    stocks = [stock(10, 1), stock(11, 2), stock(12, 25)]
    result = planner.solve(patients, stocks, RULES)
    assert sorted(p.facility for p in result.placements) == [10, 11, 12]


def test_it_batches_patients_by_pick_up_area_and_destination() -> None:
    patients = [patient(i, 0, area=1) for i in range(5)] + [patient(9, 0, area=2)]
    result = planner.solve(patients, [stock(10, 1, free=10)], RULES)
    batches = sorted((p.batch, p.patient) for p in result.placements)
    sizes = np.bincount([b for b, _p in batches])[1:].tolist()
    assert sizes == [2, 2, 1, 1]  # three vehicles from area 1 (2 seats each), one from area 2
    assert {b for b, p in batches if p == 9} == {4}


def test_it_matches_the_lp_optimum_on_a_small_instance() -> None:
    patients = [patient(i, x, need, hours) for i, (x, need, hours) in enumerate(
        [(0, "ward", 30), (3, "ward", 2), (8, "icu", 10), (15, "ward", 40), (22, "room", 1),
         (5, "icu", 5), (12, "ward", 12), (1, "ward", 0)])]
    stocks = [stock(10, 2), stock(11, 9, "shelter", free=2), stock(12, 6, bed="icu"),
              stock(13, 20, "site", "quarantine"), stock(14, 14)]
    flow = planner.solve_full(patients, stocks, RULES, grouped=False)
    assert flow.objective == round(lp_optimum(patients, stocks, RULES))
    # 4 ward beds for 5 ward patients, 1 ICU bed for 2: the shortest waits stay behind.
    assert len(flow.placements) == 6
    assert set(flow.unplaced) == {5, 7}
    # With the K nearest (K = 4 here, 2 above) the plan finds the same optimum.
    wider = Rules(needs=RULES.needs, max_km=RULES.max_km, k=4, vehicle_size=2,
                  wait_km_per_hour=1.0)
    assert planner.solve(patients, stocks, wider).objective == flow.objective


def test_the_greedy_assignment_is_never_better_than_the_plan() -> None:
    patients = [patient(1, 0), patient(2, 4)]
    stocks = [stock(10, 2), stock(11, -3)]
    # Equal waits: patient 1 goes first and takes the nearest bed (at 2), leaving patient 2 (at
    # 4) the one at -3, 7 km away: 9 km. The plan sends patient 1 to -3 and 2 to 2: 5 km.
    plan, near = planner.solve(patients, stocks, RULES), greedy.greedy(patients, stocks, RULES)
    assert near.distance_km == 9.0
    assert plan.distance_km == 5.0
    assert plan.objective < near.objective == greedy.objective_of(near, patients, stocks, RULES)


NEEDS = st.sampled_from(["icu", "ward", "room", "nothing"])


@st.composite
def instances(draw: st.DrawFn) -> tuple[list[Patient], list[Stock]]:
    n = draw(st.integers(1, 14))
    patients = [Patient(i, *at(draw(st.integers(-40, 40)), draw(st.integers(-5, 5))),
                        draw(NEEDS), draw(st.integers(0, 60)), draw(st.integers(0, 3)))
                for i in range(n)]
    # Patients of one area wait at one place, as the services feed them.
    first: dict[int, tuple[float | None, float | None]] = {}
    for p in patients:
        first.setdefault(p.area, (p.lat, p.lon))
    patients = [p._replace(lat=first[p.area][0], lon=first[p.area][1]) for p in patients]
    kinds = st.sampled_from([("hospital", "icu"), ("hospital", "general"),
                             ("shelter", "general"), ("site", "quarantine"), ("clinic", "icu")])
    stocks = [Stock(100 + j, *draw(kinds), *at(draw(st.integers(-40, 40))),
                    draw(st.integers(0, 4))) for j in range(draw(st.integers(0, 8)))]
    return patients, stocks


def _check(patients: list[Patient], stocks: list[Stock], result: planner.Result) -> None:
    by_id = {p.id: p for p in patients}
    used: dict[tuple[int, str], int] = {}
    for pl in result.placements:
        key = (pl.facility, pl.bed_type)
        used[key] = used.get(key, 0) + 1
        kind = next(s.kind for s in stocks if s.facility == pl.facility)
        assert any((o.kind, o.bed_type) == (kind, pl.bed_type)
                   for o in RULES.needs[by_id[pl.patient].need]), "incompatible placement"
        assert pl.distance_km <= RULES.max_km + 0.01
    for (facility, bed), n in used.items():
        assert n <= sum(s.available for s in stocks if (s.facility, s.bed_type)
                        == (facility, bed)), "over capacity"
    assert len(result.placements) + len(result.unplaced) == len(patients)


@settings(max_examples=60, deadline=None)
@given(instances())
def test_it_never_overfills_a_facility_nor_breaks_a_rule(
        case: tuple[list[Patient], list[Stock]]) -> None:
    patients, stocks = case
    for solve in (planner.solve, planner.solve_full, greedy.greedy):
        _check(patients, stocks, solve(patients, stocks, RULES))


@settings(max_examples=60, deadline=None)
@given(instances())
def test_grouping_and_the_k_cut_change_nothing_of_the_optimum(
        case: tuple[list[Patient], list[Stock]]) -> None:
    patients, stocks = case
    full = planner.solve_full(patients, stocks, RULES)
    alone = planner.solve_full(patients, stocks, RULES, grouped=False)
    assert full.objective == alone.objective
    assert len(full.placements) == len(alone.placements)
    assert planner.solve(patients, stocks, RULES).objective >= full.objective


@settings(max_examples=60, deadline=None)
@given(instances())
def test_it_places_everyone_placeable_when_beds_suffice(
        case: tuple[list[Patient], list[Stock]]) -> None:
    patients, stocks = case
    # Every capable stock within reach gets beds for all: nobody placeable is left.
    stocks = [s._replace(available=len(patients)) for s in stocks]
    result = planner.solve(patients, stocks, RULES)
    assert all(reason in {planner.NO_RULE, planner.NOT_IN_REACH, planner.NO_BED_AT_ALL}
               for reason in result.unplaced.values())


@settings(max_examples=40, deadline=None)
@given(instances())
def test_it_matches_highs_on_random_instances(case: tuple[list[Patient], list[Stock]]) -> None:
    patients, stocks = case
    patients = [p for p in patients if p.need in RULES.needs]
    if not patients:
        return
    assert planner.solve_full(patients, stocks, RULES).objective == round(
        lp_optimum(patients, stocks, RULES))
