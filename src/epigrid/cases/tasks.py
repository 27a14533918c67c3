"""Background work of the cases app: flagging and escalating missed follow-ups 漏访.

Run `epigrid.cases.check_missed_follow_ups` from Celery beat every 30 minutes or so: a run flags
the slots past their deadline (12:00 and 20:00 local) and tells each village once.
"""

from __future__ import annotations

from celery import shared_task

from epigrid.cases import followup


@shared_task(name="epigrid.cases.check_missed_follow_ups")
def check_missed_follow_ups() -> dict[str, int]:
    flagged, notices = followup.check_missed()
    return {"flagged": flagged, "notices": notices}
