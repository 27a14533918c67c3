"""The result and time parsers of lab sheets: every written form reads back, nothing else does."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from epigrid.cases.lab_parsing import check_times, parse_result, parse_time
from epigrid.cases.models import LabTest
from epigrid.core.imports.errors import CellError

R = LabTest.Result
WORDS = {"阳性": R.POSITIVE, "阴性": R.NEGATIVE, "待定": R.PENDING, "positive": R.POSITIVE,
         "Negative": R.NEGATIVE, " PENDING ": R.PENDING, "阳": R.POSITIVE,
         "inconclusive": R.INCONCLUSIVE, "可疑": R.INCONCLUSIVE, "negative": R.NEGATIVE}
# Wall-clock times as a sheet writes them (naive: the parser localizes them).
FIRST = datetime.datetime(2019, 1, 1)  # noqa: DTZ001
LAST = datetime.datetime(2099, 12, 31)  # noqa: DTZ001
moments = st.datetimes(min_value=FIRST, max_value=LAST).map(
    lambda value: value.replace(microsecond=0))


@pytest.mark.parametrize(("raw", "value"), WORDS.items())
def test_it_reads_every_result_word(raw: str, value: str) -> None:
    assert parse_result(raw) == value


@given(st.text(max_size=12))
def test_it_reads_a_result_or_says_which_words_it_knows(raw: str) -> None:
    try:
        value = parse_result(raw)
    except CellError as error:
        assert "must not be empty" in error.message or "阳性, 阴性, 待定" in error.message
    else:
        assert value in R.values


def _forms(moment: datetime.datetime) -> list[str]:
    return [moment.strftime("%Y-%m-%d %H:%M:%S"), moment.strftime("%Y/%m/%d %H:%M:%S"),
            f"{moment.year}/{moment.month}/{moment.day} {moment.hour}:{moment.minute:02d}:"
            f"{moment.second:02d}",
            f"{moment.year}年{moment.month}月{moment.day}日 {moment.hour}时{moment.minute}分"
            f"{moment.second}秒", moment.strftime("%Y-%m-%dT%H:%M:%S"),
            moment.strftime("%Y．%m．%d %H：%M：%S")]  # full-width, as typed in Chinese IMEs


@given(moments)
def test_it_reads_every_written_form_of_a_time_as_the_same_local_time(
        moment: datetime.datetime) -> None:
    for text in _forms(moment):
        parsed = parse_time(text)
        assert parsed is not None
        assert timezone.localtime(parsed).replace(tzinfo=None) == moment, text


@given(moments)
def test_it_reads_an_excel_serial_day_to_the_second(moment: datetime.datetime) -> None:
    serial = (moment - datetime.datetime(1899, 12, 30)).total_seconds() / 86400  # noqa: DTZ001
    parsed = parse_time(repr(serial))
    assert parsed is not None
    assert timezone.localtime(parsed).replace(tzinfo=None) == moment


@given(st.integers(2019, 2099), st.integers(1, 12), st.integers(29, 31))
def test_it_refuses_days_that_do_not_exist(year: int, month: int, day: int) -> None:
    text = f"{year}-{month:02d}-{day:02d} 08:00"
    try:
        datetime.date(year, month, day)
    except ValueError:
        with pytest.raises(CellError, match="does not exist"):
            parse_time(text)
    else:
        assert parse_time(text) is not None


@given(st.text(alphabet="0123456789-/: 年月日时分", max_size=20))
def test_it_reads_a_time_or_says_how_to_write_one(raw: str) -> None:
    try:
        parsed = parse_time(raw, required=False)
    except CellError as error:
        assert error.message
    else:
        assert parsed is None or timezone.is_aware(parsed)


@given(moments, st.integers(-3 * 86400, 3 * 86400))
def test_it_refuses_a_result_before_its_sample_and_nothing_else_in_the_past(
        moment: datetime.datetime, gap: int) -> None:
    sampled = timezone.make_aware(moment)
    resulted = sampled + datetime.timedelta(seconds=gap)
    now = max(sampled, resulted) + datetime.timedelta(hours=1)
    errors = check_times(sampled, resulted, now)
    assert ("resulted_at" in errors) == (gap < 0)
    assert "sampled_at" not in errors


def test_it_refuses_times_in_the_future_but_allows_a_little_clock_skew() -> None:
    now = timezone.now()
    assert check_times(now + datetime.timedelta(minutes=4), None, now) == {}
    assert set(check_times(now + datetime.timedelta(minutes=6),
                           now + datetime.timedelta(minutes=7), now)) == {"sampled_at",
                                                                          "resulted_at"}


def test_it_refuses_an_empty_required_time_and_a_year_before_the_epidemic() -> None:
    with pytest.raises(CellError, match="must not be empty"):
        parse_time(" ")
    with pytest.raises(CellError, match="before 2019"):
        parse_time("2018-12-31 23:59")
    assert parse_time("", required=False) is None
