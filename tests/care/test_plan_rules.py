"""The placement rules of a deployment: defaults, needs of each case, bad settings named."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st

from epigrid.care import rules, tasks
from epigrid.care.planner import Option
from epigrid.cases.states import State


def test_the_defaults_follow_the_wuhan_rules() -> None:
    needs = rules.DEFAULTS.needs
    assert needs["confirmed:critical"] == (Option("designated_hospital", "icu"),)
    assert needs["confirmed:mild"][0] == Option("shelter_hospital", "general")
    assert {o.bed_type for o in needs["suspected"]} == {"isolation"}
    assert needs["close_contact"] == (Option("quarantine_site", "quarantine"),)
    assert rules.parse("") is rules.DEFAULTS


@pytest.mark.parametrize(("state", "severity", "need"), [
    (State.CONFIRMED, "critical", "confirmed:critical"),
    (State.CONFIRMED, "", "confirmed"),
    (State.SUSPECTED, "critical", "suspected"),  # any severity: an isolation room
    (State.QUARANTINED, "", "close_contact"),
    (State.RELEASED, "", ""),
])
def test_it_finds_the_need_of_a_case(state: str, severity: str, need: str) -> None:
    assert rules.need_of(state, severity, rules.DEFAULTS) == need


def test_it_reads_a_deployments_own_table() -> None:
    found = rules.parse(json.dumps({"max_km": 30, "k": 4, "needs": {
        "confirmed": [{"kind": "shelter_hospital", "bed": "general", "extra_km": 3}]}}))
    assert (found.max_km, found.k, found.vehicle_size) == (30.0, 4, 6)
    assert found.needs == {"confirmed": (Option("shelter_hospital", "general", 3.0),)}
    assert rules.may_take("confirmed", "shelter_hospital", "general", found)
    assert not rules.may_take("confirmed", "designated_hospital", "icu", found)


@pytest.mark.parametrize(("raw", "message"), [
    ("{", "is not valid JSON"),
    ("[]", "must be a JSON object"),
    ('{"reach": 3}', "unknown key(s) reach"),
    ('{"max_km": -1}', "max_km must be a number of zero or more"),
    ('{"k": 0}', "k must be more than zero"),
    ('{"k": 2.5}', "k must be a whole number"),
    ('{"needs": {"sick": [{"kind": "market", "bed": "icu"}]}}', "category 'sick'"),
    ('{"needs": {"confirmed:dying": [{"kind": "market", "bed": "icu"}]}}', "severity 'dying'"),
    ('{"needs": {"confirmed": []}}', "must list at least one option"),
    ('{"needs": {"confirmed": [{"kind": "hotel", "bed": "icu"}]}}', "kind 'hotel'"),
    ('{"needs": {"confirmed": [{"kind": "market", "bed": "sofa"}]}}', "bed 'sofa'"),
])
def test_it_names_what_is_wrong_with_a_bad_table(raw: str, message: str) -> None:
    with pytest.raises(rules.ConfigError, match="EPIGRID_PLACEMENT_RULES") as error:
        rules.parse(raw)
    assert message in str(error.value)


@given(st.text(max_size=40))
def test_any_text_is_either_rules_or_a_named_refusal(raw: str) -> None:
    try:
        rules.parse(raw)
    except rules.ConfigError as error:
        assert "EPIGRID_PLACEMENT_RULES" in str(error)


def test_snapshots_run_every_two_hours_by_day_and_hourly_by_night() -> None:
    hours = sorted(tasks.snapshot_schedule("").hour)
    assert hours == [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 18, 20, 21, 22, 23]
    assert sorted(tasks.snapshot_schedule("9,17").hour) == [9, 17]
    with pytest.raises(ImproperlyConfigured, match="EPIGRID_SNAPSHOT_HOURS='25'"):
        tasks.snapshot_schedule("25")
