"""Background work of volunteers: the morning's digest of the claims of hours waiting 待确认提醒.

Importing this module (Celery autodiscovers `tasks` modules) adds the entry to the beat schedule:
every day at settings.VOLUNTEER_DIGEST_AT.
"""

from __future__ import annotations

import datetime

from celery import current_app, shared_task
from celery.schedules import crontab
from django.conf import settings
from django.utils import timezone

from epigrid.volunteers.digest import send_claim_digests


@shared_task(name="epigrid.volunteers.send_claim_digests")
def send_claim_digests_task(now: str | None = None) -> int:
    """Tell the keepers of the claims waiting; `now` (ISO 8601, for replays and tests)
    defaults to now. The number of areas told."""
    at = datetime.datetime.fromisoformat(now) if now else timezone.now()
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    return len(send_claim_digests(at))


def digest_schedule() -> crontab:
    hour, minute = settings.VOLUNTEER_DIGEST_AT
    return crontab(hour=hour, minute=minute)


current_app.conf.beat_schedule = {
    **(current_app.conf.beat_schedule or {}),
    "volunteers-claim-digest": {"task": "epigrid.volunteers.send_claim_digests",
                                "schedule": digest_schedule()},
}
