"""Shared set-up of the lab tests: town A's lab, times a few hours ago, a result sheet."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Sequence

from django.utils import timezone

from epigrid.cases import labs
from epigrid.cases.models import Lab, LabTest
from tests.base import ID_A, ID_A2, ID_B, World  # noqa: F401 - re-exported for the tests

# A valid ID of nobody in the World (check character right), and the same with a wrong one.
ID_NOBODY = "420102199001010014"
ID_BAD_CHECK = "420102199001010015"
HEADERS = ("样本编号", "身份证号", "姓名", "采样时间", "检测时间", "检测结果", "检测机构编码")


def town_lab(w: World, code: str = "LAB-A") -> Lab:
    """Dongcheng's lab, in town A (so town A's people and the district's see it)."""
    return labs.save_lab(code=code, name="Dongcheng Hospital Lab", area=w.town_a,
                         daily_capacity=100)


# Times are counted from one moment per test run, so a resend made seconds later carries the
# same times (the same content) as the first delivery.
ANCHOR = timezone.now().replace(microsecond=0)


def hours_ago(hours: float) -> datetime.datetime:
    return ANCHOR - datetime.timedelta(hours=hours)


def stamp(value: datetime.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def record(lab: Lab, by: object, sample_id: str = "S-0001", id_number: str = ID_A,
           result: str = LabTest.Result.NEGATIVE, sampled: float = 10,
           resulted: float | None = 2, name: str = "Wang Jun") -> labs.Recorded:
    return labs.record_result(
        lab, sample_id=sample_id, id_number=id_number, name=name, sampled_at=hours_ago(sampled),
        resulted_at=hours_ago(resulted) if resulted is not None else None, result=result, by=by)


def sheet(rows: Sequence[Sequence[str]], headers: Sequence[str] = HEADERS) -> io.BytesIO:
    """A CSV result sheet as a lab sends it (UTF-8 with Chinese headers)."""
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(headers)
    writer.writerows(rows)
    data = io.BytesIO(text.getvalue().encode("utf-8"))
    data.name = "results.csv"
    return data
