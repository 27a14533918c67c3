"""The demo's problems 问题清单: those the villages raised over the last three days and today up
to now, most closed the same day or the next (日清日结), and the overdue ones risen one level, as
the hourly task raises them (SCENARIOS.md, 16:00: "23 raised today, 19 closed, 4 rising to the
district"). Written through the problems' services, at the moments they happened; the demo has
no village officers, so nobody is named as having raised or closed them."""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.utils import timezone

from epigrid.areas.models import Area, Level
from epigrid.problems.escalation import escalate_overdue
from epigrid.problems.models import Category, Urgency
from epigrid.problems.services import close, raise_problem

DAYS = 3  # the days before today with problems
PER_DAY = 24
CLOSED_SHARE = 0.8
TITLES = (
    (Category.MEDICAL_SUPPLIES, "卡口志愿者口罩明日用完"),
    (Category.MEDICAL_SUPPLIES, "隔离点消毒液只够两天"),
    (Category.LIVING_SUPPLIES, "独居老人缺少米面油"),
    (Category.LIVING_SUPPLIES, "居家隔离户需要代购药品"),
    (Category.STAFFING, "网格员人手不足，排查进度落后"),
    (Category.STAFFING, "卡口夜班缺两名值守人员"),
    (Category.QUARANTINE, "居家隔离人员擅自外出"),
    (Category.TRANSFER, "发热病人转运车辆等待超过两小时"),
    (Category.SCREENING, "出租屋租户无法联系，未完成排查"),
    (Category.OTHER, "小区出入口缺少测温设备"),
)
NOTES = ("已协调街道物资组送达。", "已安排志愿者补位。", "已电话联系并上门核实。",
         "已上报卫健部门处理完毕。")


def _moment(day: datetime.date, rng: random.Random) -> datetime.datetime:
    """A moment of `day` between 08:00 and 18:00, local."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(8))
                               + datetime.timedelta(minutes=rng.randrange(600)))


def write_problems(root: Area, seed: int, now: datetime.datetime | None = None
                   ) -> dict[str, Any]:
    """Raise, close and escalate the problems of the villages under `root`; how many of each."""
    rng, now = random.Random(seed), now or timezone.now()
    today = timezone.localdate(now)
    villages = list(Area.objects.filter(level=Level.VILLAGE, path__startswith=root.path)
                    .order_by("path"))
    raised = closed = 0
    for back in range(DAYS, -1, -1):
        day = today - datetime.timedelta(days=back)
        for _problem in range(PER_DAY if villages else 0):
            at = _moment(day, rng)
            category, title = rng.choice(TITLES)
            due = day + datetime.timedelta(days=rng.choice((0, 1, 1, 2)))
            done = at + datetime.timedelta(minutes=rng.randrange(60, 1200))
            if at > now:
                continue
            problem = raise_problem(rng.choice(villages), by=None, title=title,
                                    category=category, due_on=due, now=at,
                                    urgency=rng.choice((Urgency.NORMAL,) * 3 + (Urgency.URGENT,)))
            raised += 1
            if rng.random() < CLOSED_SHARE and done <= now:
                close(problem, by=None, note=rng.choice(NOTES), now=done)
                closed += 1
    return {"raised": raised, "closed": closed, "escalated": len(escalate_overdue(now))}
