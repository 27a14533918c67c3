"""Background work of alerts: texting (alerts.sms) and e-mailing (alerts.mailing) a notice sent
by hand."""

from __future__ import annotations

from celery import shared_task


# Acknowledged once done: a worker killed half way gives the task back, and the next delivery
# texts only the receipts not texted yet.
@shared_task(name="epigrid.alerts.text_notice", acks_late=True, reject_on_worker_lost=True)
def text_notice_task(notice_id: int) -> dict[str, int]:
    from epigrid.alerts.sms import text_notice

    return text_notice(notice_id)


# As texting: a worker killed half way gives the task back; the next delivery e-mails only the
# receipts not marked yet.
@shared_task(name="epigrid.alerts.email_notice", acks_late=True, reject_on_worker_lost=True)
def email_notice_task(notice_id: int) -> dict[str, int]:
    from epigrid.alerts.mailing import email_notice

    return email_notice(notice_id)
