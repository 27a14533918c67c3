"""The demo's daily reports 日报 (情况·数据·问题): every town and village reported on the days
before today, a few after the cutoff, and today as the 16:00 roll-up finds them: those written
by now, less MISSING villages that have not written yet (SCENARIOS.md: "271 of 274 villages
have reported; the three missing are listed"). Without them the roll-up listed every area as
missing. Rows are written in bulk, like the rest of the demo; a village's report names its
officer (demo.officer_data) as having submitted it, a town's its officer where it has one."""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.utils import timezone

from epigrid.accounts.models import User
from epigrid.areas.models import Area, Level
from epigrid.core.access import Role
from epigrid.reporting.models import DailyReport, ReportStatus
from epigrid.reporting.services import cutoff_at

DAYS = 7  # today and the week before it
MISSING = 3  # villages that have not reported today
LATE_SHARE = 0.03
SITUATIONS = (
    "今日完成网格入户排查，未发现新增发热人员。",
    "居家隔离人员体温监测正常，已按时上报。",
    "发热人员已转诊发热门诊，密切接触者已落实隔离。",
    "卡口值守正常，劝返外地车辆若干。",
    "口罩、消毒液库存可支撑三天，已向街道申请补充。",
    "重点人员排查完毕，独居老人生活物资已送达。",
)


def write_reports(root: Area, seed: int, now: datetime.datetime | None = None,
                  missing_today: int = MISSING) -> dict[str, Any]:
    """Write the reports of the towns and villages under `root`; what was written."""
    rng, now = random.Random(seed), now or timezone.now()
    today = timezone.localdate(now)
    areas = list(Area.objects.filter(level__in=(Level.TOWN, Level.VILLAGE),
                                     path__startswith=root.path).order_by("path"))
    villages = [area for area in areas if area.level == Level.VILLAGE]
    officers = dict(User.objects.filter(role=Role.AREA_OFFICER, home_area__in=areas)
                    .order_by("-username").values_list("home_area_id", "pk"))
    missing = {area.pk for area in rng.sample(villages, min(missing_today, len(villages)))}
    rows = []
    for back in range(DAYS, -1, -1):
        day = today - datetime.timedelta(days=back)
        for area in areas:
            # Between 09:00 and the cutoff; a few hours after it for a late one.
            at = cutoff_at(day) - datetime.timedelta(minutes=rng.randrange(1, 420))
            if rng.random() < LATE_SHARE:
                at += datetime.timedelta(minutes=rng.randrange(480, 660))
            if day == today and (at > now or area.pk in missing):
                continue
            at = min(at, now)  # yesterday's late one, when the demo starts before it came
            rows.append(DailyReport(area=area, area_path=area.path, day=day,
                                    situation=rng.choice(SITUATIONS),
                                    status=ReportStatus.SUBMITTED, submitted_at=at,
                                    submitted_by_id=officers.get(area.pk),
                                    late=at > cutoff_at(day)))
    DailyReport.objects.bulk_create(rows, batch_size=1000)
    return {"reports": len(rows), "today": sum(row.day == today for row in rows),
            "areas": len(areas)}
