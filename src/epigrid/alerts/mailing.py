"""E-mails 邮件 of a notice sent by hand, through the deployment's mail server.

An office worker at a desk reads her mail before she opens an inbox she must log in to. When its
sender asks (`Notice.by_email`), a notice is also e-mailed to every recipient with an address,
after its sending commits, by a worker (`tasks.email_notice_task`), one message a recipient (no
one sees the others' addresses), over one connection to `settings.EMAIL_HOST`. Each receipt
records when the server took its message (`emailed_at`) or why not (`email_error`: no address,
the server's refusal of that address, no answer: the messages after it are not tried). A receipt
e-mailed or refused is never e-mailed again, so a task run twice sends nothing twice; the
receipts are marked every MARK_EVERY messages, so a worker killed half way sends again at most
those few. A reminder 催读 (alerts.reminders) makes the reminded receipts' e-mails pending again,
and the same task sends them once more, their subject prefixed "Reminder: " (to those who asked
for every notice too, of a notice not sent by e-mail).

A user may also ask for every notice (`User.email_notices`): the notices the apps send (a
positive result, a fever in quarantine, a task set) are then e-mailed to them too, by the same
task, which notify() queues where mail is set up. Those messages say only that a notice waits in
the inbox, with a link to it: what the notice says may name people and their health, and stays
in epigrid.
"""

from __future__ import annotations

import smtplib
from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from epigrid.alerts.models import NO_EMAIL, Notice, Receipt

MARK_EVERY = 50
UNREACHABLE = "unreachable:"


def is_set_up() -> bool:
    return bool(settings.EMAIL_HOST)


def message_of(notice: Notice) -> tuple[str, str]:
    """The subject and text: a notice sent by e-mail, its own, after "Reminder: " once it was
    reminded; any other, only that it waits in the inbox."""
    with translation.override(settings.LANGUAGE_CODE):
        if notice.by_email:
            subject, text = notice.title, notice.body or notice.title
        else:
            subject = _("A new notice in epigrid")
            text = _("A notice is waiting in your epigrid inbox. What it says stays there: it "
                     "may name people.")
            if settings.SITE_URL:
                text += "\n\n" + settings.SITE_URL + reverse("alerts:inbox")
        if notice.reminders:
            subject = _("Reminder: ") + subject
    return subject, text


def _why(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [f"{code} {reply.decode(errors='replace')}"
                 for code, reply in error.recipients.values()]
        return f"refused:{'; '.join(codes)}"[:200]
    if isinstance(error, smtplib.SMTPResponseException):
        return f"refused:{error.smtp_code} {error.smtp_error!r}"[:200]
    return f"{UNREACHABLE}{error}"[:200]


def _mark(sent: list[int], refused: dict[int, str]) -> tuple[int, int]:
    """Mark the receipts sent and refused so far; how many of each (the lists emptied)."""
    counts = len(sent), len(refused)
    if sent:
        Receipt.objects.filter(pk__in=sent).update(emailed_at=timezone.now())
    for pk, why in refused.items():
        Receipt.objects.filter(pk=pk).update(email_error=why)
    sent.clear()
    refused.clear()
    return counts


def _send(rows: Sequence[tuple[int, str]], subject: str, text: str) -> tuple[int, int]:
    """One message a row over one connection; how many were taken and refused."""
    sent: list[int] = []
    refused: dict[int, str] = {}
    taken = turned_down = 0
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
        for index, (pk, address) in enumerate(rows):
            try:
                EmailMessage(subject, text, to=[address], connection=connection).send()
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException) as error:
                refused[pk] = _why(error)  # this message; the next may go
            except (smtplib.SMTPException, OSError) as error:  # the server is gone: stop here
                refused.update({pk: _why(error) for pk, _address in rows[index:]})
                break
            else:
                sent.append(pk)
            if len(sent) + len(refused) >= MARK_EVERY:
                marked = _mark(sent, refused)
                taken, turned_down = taken + marked[0], turned_down + marked[1]
    except (smtplib.SMTPException, OSError) as error:  # no connection at all: none sent
        refused.update({pk: _why(error) for pk, _address in rows})
    finally:
        connection.close()
    marked = _mark(sent, refused)
    return taken + marked[0], turned_down + marked[1]


def email_notice(notice_id: int) -> dict[str, int]:
    """E-mail the notice to its recipients not yet e-mailed: all of a notice sent by e-mail,
    those who asked for every notice of any other. How many were taken and refused."""
    notice = Notice.objects.filter(pk=notice_id).first()
    if notice is None or not is_set_up():
        return {"emailed": 0, "refused": 0}
    pending = Receipt.objects.filter(notice=notice, emailed_at__isnull=True, email_error="")
    no_address = 0
    if notice.by_email:
        no_address = pending.filter(user__email="").update(email_error=NO_EMAIL)
    else:
        pending = pending.filter(user__email_notices=True)
    rows = list(pending.exclude(user__email="").order_by("pk").values_list("pk", "user__email"))
    if not rows:  # no connection opened for nobody
        return {"emailed": 0, "refused": no_address}
    subject, text = message_of(notice)
    emailed, refused = _send(rows, subject, text)
    return {"emailed": emailed, "refused": refused + no_address}
