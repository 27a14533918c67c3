"""The typed readers behind the alert levels 警戒值 and risk thresholds: EPIGRID_ALERT_THRESHOLDS
("new_confirmed=1,free_beds_icu<=0"), a whole number with a floor, two settings in order."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from epigrid.config import env
from epigrid.config.env import AlertLevel

NAME = "EPIGRID_ALERT_THRESHOLDS"


def test_it_reads_rising_and_falling_levels() -> None:
    assert env.parse_alert_levels(NAME, "new_confirmed=1, new_fever >= 50,free_beds_icu<=0") == (
        AlertLevel("new_confirmed", 1, True), AlertLevel("new_fever", 50, True),
        AlertLevel("free_beds_icu", 0, False))


def test_it_reads_none_as_no_level() -> None:
    assert env.parse_alert_levels(NAME, " None ") == ()


@pytest.mark.parametrize(("raw", "says"), [
    ("new_confirmed=ten", "'ten' is not a whole number"),
    ("new_confirmed=-1", "'-1' is not a whole number"),
    ("new_confirmed=1.5", "'1.5' is not a whole number"),
    ("new_confirmed=", "'' is not a whole number"),
    ("new_confirmed", "is not CODE>=N"),
    ("New_Confirmed=1", "is not CODE>=N"),
    ("new confirmed=1", "is not CODE>=N"),
    ("new_confirmed>1", "is not CODE>=N"),
    ("new_confirmed=1,new_confirmed>=2", "new_confirmed has two rising alert levels"),
    (" , ", "names no alert level"),
])
def test_it_names_the_variable_and_what_is_wrong(raw: str, says: str) -> None:
    with pytest.raises(env.ConfigError, match=NAME) as error:
        env.parse_alert_levels(NAME, raw)
    assert says in str(error.value)


def test_it_allows_a_rising_and_a_falling_level_of_one_metric() -> None:
    assert len(env.parse_alert_levels(NAME, "free_beds_icu>=100,free_beds_icu<=0")) == 2


def test_it_reads_the_default_when_unset_and_the_variable_when_set(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(NAME, raising=False)
    assert env.env_alert_levels(NAME, "tests_positive>=5") == (
        AlertLevel("tests_positive", 5, True),)
    monkeypatch.setenv(NAME, "new_fever=50")
    assert env.env_alert_levels(NAME, "tests_positive>=5") == (AlertLevel("new_fever", 50, True),)
    monkeypatch.setenv(NAME, "new_fever=many")
    with pytest.raises(env.ConfigError, match=NAME):
        env.env_alert_levels(NAME, "tests_positive>=5")


def test_it_refuses_a_whole_number_below_its_floor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EPIGRID_RISK_WINDOW_DAYS", "0")
    with pytest.raises(env.ConfigError, match="EPIGRID_RISK_WINDOW_DAYS='0' is below 1"):
        env.env_int("EPIGRID_RISK_WINDOW_DAYS", 14, minimum=1)
    monkeypatch.setenv("EPIGRID_RISK_WINDOW_DAYS", "7")
    assert env.env_int("EPIGRID_RISK_WINDOW_DAYS", 14, minimum=1) == 7


def test_it_refuses_a_medium_threshold_above_the_high_one() -> None:
    env.check_at_most("EPIGRID_RISK_MEDIUM_AT", 10, "EPIGRID_RISK_HIGH_AT", 10)
    with pytest.raises(env.ConfigError, match="EPIGRID_RISK_MEDIUM_AT=11 is above"):
        env.check_at_most("EPIGRID_RISK_MEDIUM_AT", 11, "EPIGRID_RISK_HIGH_AT", 10)


CODES = st.from_regex(r"[a-z][a-z0-9_]{0,30}", fullmatch=True)
LEVELS = st.lists(st.builds(AlertLevel, CODES, st.integers(0, 10**9), st.booleans()),
                  unique_by=lambda level: (level.code, level.rising), max_size=8)


@given(LEVELS)
def test_it_reads_back_what_it_writes(levels: list[AlertLevel]) -> None:
    assert env.parse_alert_levels(NAME, env.format_alert_levels(levels)) == tuple(levels)


@given(st.text(max_size=60))
def test_it_reads_any_text_or_refuses_it_with_a_config_error(raw: str) -> None:
    try:
        levels = env.parse_alert_levels(NAME, raw)
    except env.ConfigError as error:
        assert NAME in str(error)
    else:
        for level in levels:
            assert level.code.replace("_", "").isalnum() and level.limit >= 0
