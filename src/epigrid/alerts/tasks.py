"""Background work of alerts: texting a notice sent by hand (alerts.sms)."""

from __future__ import annotations

from celery import shared_task


# Acknowledged once done: a worker killed half way gives the task back, and the next delivery
# texts only the receipts not texted yet.
@shared_task(name="epigrid.alerts.text_notice", acks_late=True, reject_on_worker_lost=True)
def text_notice_task(notice_id: int) -> dict[str, int]:
    from epigrid.alerts.sms import text_notice

    return text_notice(notice_id)
