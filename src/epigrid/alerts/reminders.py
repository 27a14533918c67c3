"""Reminding those who have not read a notice 催读: one click instead of a phone call to each.

Whoever follows a notice sent by hand (its page: their subtree holds every recipient, and they
may send notices) reminds the recipients who have not read it yet. Their receipts are marked
reminded in one UPDATE, so their inboxes show the notice first, marked "Reminded"; a notice that
was texted (`Notice.by_sms`) is texted again to them, prefixed "Reminder: ", by the worker that
texted it (alerts.sms), and one e-mailed (`Notice.by_email`) e-mailed again (alerts.mailing). A
notice is reminded at most once every REMIND_AFTER, and not once
everyone has read it.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from epigrid.alerts import mailing, sms
from epigrid.alerts.models import Notice
from epigrid.alerts.sending import sent_notices
from epigrid.alerts.tasks import email_notice_task, text_notice_task
from epigrid.core import audit
from epigrid.core.access import Capability, require
from epigrid.core.errors import Errors, add, refuse

# Those reminded need time to reach their inbox (a grid worker on her round reads it at her next
# stop); a second reminder within the hour would text the same phones again for nothing, and
# readers told too often learn to let reminders wait.
REMIND_AFTER = datetime.timedelta(hours=1)


def _followed(by: Any, notice: Notice) -> Notice:
    """The notice's row, locked, if `by` follows its page (the sent notice page's own rule:
    `sending.sent_notices`); else refused. Locked so that two clicks at once remind once: the
    second waits, then reads the first's `reminded_at`."""
    require(by, Capability.SEND_NOTICES)
    found = sent_notices(by).select_for_update(of=("self",)).filter(pk=notice.pk).first()
    if found is None:
        raise PermissionDenied(_("Only those who follow the notice may remind its readers."))
    return found


def next_reminder_at(notice: Notice, now: datetime.datetime | None = None
                     ) -> datetime.datetime | None:
    """When the notice may be reminded again, if not yet (None: it may be now)."""
    if notice.reminded_at is None:
        return None
    again = notice.reminded_at + REMIND_AFTER
    return again if (now or timezone.now()) < again else None


def _when(at: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(at), "Y-m-d H:i")


def _check(notice: Notice, now: datetime.datetime) -> None:
    errors: Errors = {}
    again = next_reminder_at(notice, now)
    if not notice.receipts.filter(read_at__isnull=True).exists():
        add(errors, "__all__", _("Everyone has read it: there is nobody to remind."))
    elif notice.reminded_at is not None and again is not None:
        add(errors, "__all__", _("It was reminded at %(at)s; it may be reminded again from "
                                 "%(again)s.") % {"at": _when(notice.reminded_at),
                                                  "again": _when(again)})
    refuse(errors)


@transaction.atomic
def remind_unread(notice: Notice, *, by: Any, now: datetime.datetime | None = None) -> int:
    """Remind the recipients of `notice` who have not read it; how many were reminded.

    Refused (`__all__`) when everyone has read it, or when it was reminded less than
    REMIND_AFTER ago; PermissionDenied for anyone who does not follow its page."""
    now = now or timezone.now()
    notice = _followed(by, notice)
    _check(notice, now)
    # Their texts and e-mails become pending again, so the workers' one rule (a receipt sent or
    # refused is never sent again) sends each of them once for this reminder.
    texting = notice.by_sms and sms.is_set_up()
    # E-mailed again: a notice sent by e-mail to all, any other to those who asked for every
    # notice (alerts.mailing picks them).
    mailing_too = mailing.is_set_up()
    again = {**({"texted_at": None, "text_error": ""} if texting else {}),
             **({"emailed_at": None, "email_error": ""} if mailing_too else {})}
    reminded = notice.receipts.filter(read_at__isnull=True).update(reminded_at=now, **again)
    before = (notice.reminders, audit.jsonable(notice.reminded_at))
    notice.reminded_at, notice.reminders = now, notice.reminders + 1
    notice.save(update_fields=["reminded_at", "reminders"])
    notice_id = notice.pk  # a broker that is down is logged; the inboxes show it all the same
    if texting:
        transaction.on_commit(lambda: text_notice_task.delay(notice_id), robust=True)
    if mailing_too:
        transaction.on_commit(lambda: email_notice_task.delay(notice_id), robust=True)
    audit.record("update", model="alerts.notice", object_pk=notice.pk,
                 object_repr=notice.title[:200], area_path=notice.area_path,
                 changes={"reminders": [before[0], notice.reminders],
                          "reminded_at": [before[1], audit.jsonable(now)],
                          "reminded": reminded, "texted": texting,
                          "emailed": mailing_too})
    return reminded
