"""The demo's notice 通知 from the command: the morning's call to every village's officer, two
in three of whom have read it, so that the command's "Sent notices" page shows whom to call."""

from __future__ import annotations

import random
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from epigrid.alerts.models import Notice, Receipt
from epigrid.alerts.sending import send_notice
from epigrid.areas.models import Area
from epigrid.core.access import Role

TITLE = "各村（社区）今日16:00前报送情况·数据·问题"
BODY = ("请各村（社区）干部于今日16:00前在系统中填报当日情况、数据和问题；"
        "数据由系统汇总，无需另报表格。未能按时报送的，请在备注中说明原因。")


def send_morning_notice(command: Any, seed: int = 2020) -> int:
    """Send it once, as `command` (who may send notices to the whole district); its readers."""
    if Notice.objects.filter(sent_by__isnull=False).exists():
        return 0
    home = command.home_area or Area.objects.filter(parent__isnull=True).first()
    if home is None:
        return 0
    try:
        notice = send_notice(command, [home], [Role.AREA_OFFICER], TITLE, BODY)
    except ValidationError:  # no officer to send it to (a demo of areas only)
        return 0
    receipts = list(notice.receipts.order_by("pk").values_list("pk", flat=True))
    chosen = random.Random(seed).sample(receipts, k=len(receipts) * 2 // 3)
    Receipt.objects.filter(pk__in=chosen).update(read_at=timezone.now())
    return len(chosen)
