"""Text messages 短信 of a notice sent by hand, through the deployment's SMS gateway.

A grid worker on foot reads her phone's messages before she opens an inbox. When its sender asks
(`Notice.by_sms`), a notice is also texted to every recipient with a phone, after its sending
commits, by a worker (`tasks.text_notice_task`). The gateway (`settings.SMS_GATEWAY_URL`) takes a
POST of JSON `{"phones": [...], "text": "..."}`, `SMS_BATCH` phones at a time, and answers 2xx
once it has taken them; each receipt records when (`texted_at`) or why not (`text_error`: no
phone, the gateway's refusal of the batch, no answer: the batches after it are not tried). A
receipt texted or refused is never texted again, so a task run twice sends nothing twice. A
reminder 催读 (alerts.reminders) makes the texts of the receipts it reminds pending again, and
the same task texts them once more, prefixed "Reminder: ".
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Sequence

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from epigrid.alerts.models import NO_PHONE, Notice, Receipt

TEXT_LIMIT = 300  # characters: a long notice is cut, its full text is in the inbox
TIMEOUT_S = 10
UNREACHABLE = "unreachable:"  # a gateway that did not answer: no batch after it is tried


def is_set_up() -> bool:
    return bool(settings.SMS_GATEWAY_URL)


def text_of(notice: Notice) -> str:
    """The message: the notice in the deployment's language (after "Reminder: " once it was
    reminded), cut to TEXT_LIMIT."""
    text = f"{notice.title}\n{notice.body}" if notice.body else notice.title
    if notice.reminders:
        with translation.override(settings.LANGUAGE_CODE):
            text = _("Reminder: ") + text
    return text if len(text) <= TEXT_LIMIT else text[:TEXT_LIMIT - 1] + "…"


def post_batch(phones: Sequence[str], text: str) -> str:
    """Hand the phones to the gateway: "" when it took them, else why not (a code that
    `models.describe_text_error` words)."""
    request = urllib.request.Request(  # noqa: S310 - the address is checked http(s) (config.env)
        settings.SMS_GATEWAY_URL, method="POST",
        data=json.dumps({"phones": list(phones), "text": text}).encode(),
        headers={"Content-Type": "application/json",
                 **({"Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}"}
                    if settings.SMS_GATEWAY_TOKEN else {})})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S):  # noqa: S310 - as above
            return ""
    except urllib.error.HTTPError as error:
        return f"http:{error.code}"
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        return f"{UNREACHABLE}{getattr(error, 'reason', error)}"


def text_notice(notice_id: int) -> dict[str, int]:
    """Text the notice to its recipients not yet texted; how many were texted and refused."""
    notice = Notice.objects.filter(pk=notice_id, by_sms=True).first()
    if notice is None or not is_set_up():
        return {"texted": 0, "refused": 0}
    pending = Receipt.objects.filter(notice=notice, texted_at__isnull=True, text_error="")
    no_phone = pending.filter(user__phone="").update(text_error=NO_PHONE)
    rows = list(pending.exclude(user__phone="").order_by("pk").values_list("pk", "user__phone"))
    text, texted, refused = text_of(notice), 0, no_phone
    for start in range(0, len(rows), settings.SMS_BATCH):
        batch = rows[start:start + settings.SMS_BATCH]
        error = post_batch([phone for _pk, phone in batch], text)
        if error.startswith(UNREACHABLE):  # the others would wait as long for nothing
            batch = rows[start:]
        ids = [pk for pk, _phone in batch]
        if error:
            Receipt.objects.filter(pk__in=ids).update(text_error=error[:200])
            refused += len(ids)
            if error.startswith(UNREACHABLE):
                break
        else:
            Receipt.objects.filter(pk__in=ids).update(texted_at=timezone.now())
            texted += len(ids)
    return {"texted": texted, "refused": refused}
