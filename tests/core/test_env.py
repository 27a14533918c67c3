from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from epigrid.config import env


def test_it_reads_a_postgresql_url(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    db = env.database("postgresql://epi:s%40cret@db.local:5433/epigrid?sslmode=require", tmp_path)
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "epigrid", "epi", "s@cret", "db.local", "5433")
    assert db["OPTIONS"] == {"sslmode": "require", "options": "-c jit=off"}


def test_it_leaves_jit_on_when_asked_or_when_the_url_sets_options(tmp_path: Path) -> None:
    assert "options" not in env.database("postgresql://db/epigrid", tmp_path, jit=True)["OPTIONS"]
    url = "postgresql://db/epigrid?options=-c%20work_mem%3D64MB"
    assert env.database(url, tmp_path)["OPTIONS"] == {"options": "-c work_mem=64MB"}


@pytest.mark.django_db
def test_it_turns_jit_off_on_the_live_postgresql_connection() -> None:
    from django.db import connection
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_it_defaults_to_sqlite_in_the_data_directory(tmp_path: Path) -> None:
    db = env.database("", tmp_path)
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert str(db["NAME"]).endswith("epigrid.sqlite3")


def test_it_reads_absolute_and_relative_sqlite_paths(tmp_path: Path) -> None:
    assert env.database("sqlite:////srv/epi.db", tmp_path)["NAME"] == "/srv/epi.db"
    assert env.database("sqlite:///epi.db", tmp_path)["NAME"] == "epi.db"


def test_it_refuses_an_unknown_database_scheme(tmp_path: Path) -> None:
    with pytest.raises(env.ConfigError, match="mysql"):
        env.database("mysql://root@localhost/x", tmp_path)


def test_it_names_the_variable_of_a_bad_boolean(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EPIGRID_DEBUG", "maybe")
    with pytest.raises(env.ConfigError, match="EPIGRID_DEBUG"):
        env.env_bool("EPIGRID_DEBUG")


@pytest.mark.parametrize("raw", ["24:00", "16", "16:60", "four pm", "-1:00"])
def test_it_refuses_a_cutoff_that_is_no_time_of_day(monkeypatch: pytest.MonkeyPatch,
                                                    raw: str) -> None:
    monkeypatch.setenv("EPIGRID_DAILY_CUTOFF", raw)
    with pytest.raises(env.ConfigError, match="EPIGRID_DAILY_CUTOFF"):
        env.env_hhmm("EPIGRID_DAILY_CUTOFF", "16:00")


@given(st.integers(0, 23), st.integers(0, 59))
def test_it_reads_every_time_of_day(hour: int, minute: int) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("EPIGRID_DAILY_CUTOFF", f"{hour}:{minute:02d}")
        assert env.env_hhmm("EPIGRID_DAILY_CUTOFF", "16:00") == (hour, minute)


@given(st.text())
def test_it_reads_any_string_as_a_boolean_or_says_which_variable(raw: str) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("EPIGRID_X", raw.replace("\x00", ""))
        try:
            assert env.env_bool("EPIGRID_X") in {True, False}
        except env.ConfigError as error:
            assert "EPIGRID_X" in str(error)


def test_it_keeps_one_generated_secret_key(monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = env.secret_key(tmp_path)
    assert len(first) > 40
    assert env.secret_key(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_it_reads_times_of_the_day_in_order_once_each(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EPIGRID_TIMES", " 16:00,08:30 , 16:00,")
    assert env.env_times("EPIGRID_TIMES", "") == ((8, 30), (16, 0))
    monkeypatch.setenv("EPIGRID_TIMES", "")
    assert env.env_times("EPIGRID_TIMES", "12:00") == ()
    monkeypatch.delenv("EPIGRID_TIMES")
    assert env.env_times("EPIGRID_TIMES", "12:00") == ((12, 0),)
    for bad in ("12", "24:00", "8:60", "noon", "12:00;16:00"):
        monkeypatch.setenv("EPIGRID_TIMES", bad)
        with pytest.raises(env.ConfigError, match="EPIGRID_TIMES=.* is not a time of day"):
            env.env_times("EPIGRID_TIMES", "")


def test_it_reads_an_http_address_or_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EPIGRID_TEST_URL", raising=False)
    assert env.env_url("EPIGRID_TEST_URL") == ""
    monkeypatch.setenv("EPIGRID_TEST_URL", " https://sms.example.gov.cn/send ")
    assert env.env_url("EPIGRID_TEST_URL") == "https://sms.example.gov.cn/send"
    for bad in ("ftp://sms.example", "sms.example/send", "https://", "file:///etc/passwd"):
        monkeypatch.setenv("EPIGRID_TEST_URL", bad)
        with pytest.raises(env.ConfigError, match="EPIGRID_TEST_URL"):
            env.env_url("EPIGRID_TEST_URL")


def test_a_token_takes_one_word_and_refuses_a_space_a_comma_lt_or_amp(
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert env.env_token("EPIGRID_T", "epigrid@localhost") == "epigrid@localhost"
    monkeypatch.setenv("EPIGRID_T", " cdc@qingshan.gov.cn ")
    assert env.env_token("EPIGRID_T", "x") == "cdc@qingshan.gov.cn"
    for bad in ("a b", "a,b", "a<b", "a&b", "a\tb"):
        monkeypatch.setenv("EPIGRID_T", bad)
        with pytest.raises(env.ConfigError, match="EPIGRID_T"):
            env.env_token("EPIGRID_T", "x")
