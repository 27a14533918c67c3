"""Notices 通知 sent by hand: the command, or an officer, tells the users of some areas with some
roles something ("grid workers of towns 3 and 6: the second round starts at 08:00"), and sees
who has acknowledged it 已读回执 and who has not yet, with their phones to call.

A notice goes through `services.notify` like every app's; it is in its sender's own words, which
read alike in every language. Its `area_path` is the targets' nearest common area, so that the
notice, its delivery figures and the names of those who have not read it are seen only by users
whose subtree holds every recipient (a town's officer does not see the district's notice to
two towns).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Substr
from django.http import Http404
from django.utils.translation import gettext as _

from epigrid.alerts import mailing, sms
from epigrid.alerts.models import Notice, Receipt
from epigrid.alerts.services import notify
from epigrid.alerts.tasks import text_notice_task
from epigrid.areas.models import SEGMENT_WIDTH, SEPARATOR, Area
from epigrid.core import audit
from epigrid.core.access import Capability, Role, ScopedUser, require

TITLE_LIMIT = 200
BODY_LIMIT = 4000


def common_path(paths: Sequence[str]) -> str:
    """The path of the nearest area that holds all of these ("" for none)."""
    prefix = os.path.commonprefix(list(paths))
    return prefix[:prefix.rfind(SEPARATOR) + 1]


def _check(user: ScopedUser, areas: Sequence[Area], roles: Sequence[str], title: str,
           body: str, by_sms: bool, by_email: bool) -> None:
    errors: dict[str, str] = {}
    if by_sms and not sms.is_set_up():
        errors["by_sms"] = _("Text messages are not set up here (EPIGRID_SMS_GATEWAY_URL).")
    if by_email and not mailing.is_set_up():
        errors["by_email"] = _("E-mail is not set up here (EPIGRID_EMAIL_HOST).")
    if not title:
        errors["title"] = _("Give the notice a title.")
    elif len(title) > TITLE_LIMIT:
        errors["title"] = _("A title holds at most %(limit)s characters (this one %(count)s).") % {
            "limit": TITLE_LIMIT, "count": len(title)}
    if len(body) > BODY_LIMIT:
        errors["body"] = _("The text holds at most %(limit)s characters (this one %(count)s).") % {
            "limit": BODY_LIMIT, "count": len(body)}
    seen = set(Area.objects.restrict(user).filter(pk__in=[area.pk for area in areas])
               .values_list("pk", flat=True))
    if not areas:
        errors["areas"] = _("Choose the areas whose users the notice is for.")
    elif any(area.pk not in seen for area in areas):
        errors["areas"] = _("No such area among the areas you may see.")
    unknown = sorted(set(roles) - set(Role.values))
    if not roles:
        errors["roles"] = _("Choose the roles the notice is for.")
    elif unknown:
        errors["roles"] = _("No such role: %(roles)s.") % {"roles": ", ".join(unknown)}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def send_notice(by: Any, areas: Sequence[Area], roles: Sequence[str], title: str,
                body: str = "", *, by_sms: bool = False, by_email: bool = False) -> Notice:
    """Send a notice written by `by` to the users of the areas' subtrees with one of the roles,
    with `by_sms` text it to them once it is sent (alerts.sms), with `by_email` e-mail it
    (alerts.mailing); refused when it would reach nobody (a wrong choice, not a notice)."""
    require(by, Capability.SEND_NOTICES)
    title, body = title.strip(), body.strip()
    _check(by, areas, roles, title, body, by_sms, by_email)
    notice = notify(areas, roles, title, body)
    if not notice.receipts.exists():
        raise ValidationError({"roles": _("No user of these areas has these roles: the notice "
                                          "would reach nobody.")})
    notice.sent_by, notice.by_sms, notice.by_email = by, by_sms, by_email
    notice.area_path = common_path([area.path for area in areas])
    notice.save(update_fields=["sent_by", "by_sms", "by_email", "area_path"])
    notice_id = notice.pk  # a broker that is down is logged; the notice is in the inboxes
    if by_sms:
        transaction.on_commit(lambda: text_notice_task.delay(notice_id), robust=True)
    # by_email: notify() has queued the e-mails already (where mail is set up, which _check
    # asked); the task reads by_email after the commit and mails every recipient.
    audit.record("create", model="alerts.notice", object_pk=notice.pk, object_repr=title[:200],
                 area_path=notice.area_path,
                 changes={"areas": [area.name for area in areas], "roles": sorted(roles),
                          "by_sms": by_sms, "by_email": by_email})
    return notice


def sent_notices(user: ScopedUser) -> QuerySet[Notice]:
    """The notices sent by hand that the user sees (all their recipients within the user's
    subtree), newest first, with their receipts counted (`recipients`, `read`)."""
    return (Notice.objects.restrict(user).filter(sent_by__isnull=False)
            .select_related("sent_by").order_by("-id")
            .annotate(recipients=_receipts(), read=_receipts(read_at__isnull=False)))


def _receipts(**where: Any) -> Coalesce:
    """How many receipts of each notice (that match `where`): a subquery per notice listed,
    counted for the page's rows only (a GROUP BY of the join would count every notice's)."""
    return Coalesce(Subquery(Receipt.objects.filter(notice=OuterRef("pk"), **where).order_by()
                             .values("notice").annotate(count=Count("*")).values("count"),
                             output_field=IntegerField()), 0)


def get_sent_notice_for_user(user: ScopedUser, pk: int) -> Notice:
    """The sent notice `pk`: 404 alike for missing, not sent by hand, and out of sight."""
    found = sent_notices(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@dataclass(frozen=True)
class AreaDelivery:
    """The recipients within `area`, one level below the notice's own area (or that area's own
    users), and how many of them have read it."""

    area: str
    recipients: int
    read: int

    @property
    def waiting(self) -> int:
        return self.recipients - self.read


def delivery_by_area(notice: Notice) -> list[AreaDelivery]:
    """Recipients and readers by the areas one level below the notice's (a district's notice
    by town, a town's by village), those still waiting first: two queries."""
    below = len(notice.area_path) + SEGMENT_WIDTH + 1  # the length of a child area's path
    rows = list(notice.receipts.annotate(part=Substr("user__home_area__path", 1, below))
                .values("part").annotate(recipients=Count("id"),
                                         read=Count("id", filter=Q(read_at__isnull=False)))
                .order_by("part"))
    names = dict(Area.objects.filter(path__in=[row["part"] for row in rows])
                 .values_list("path", "name"))
    found = [AreaDelivery(names.get(row["part"], ""), row["recipients"], row["read"])
             for row in rows]
    return sorted(found, key=lambda row: row.waiting == 0)  # stable: by path within each


def texts_of(notice: Notice) -> dict[str, int]:
    """How many of a texted notice's recipients the gateway took (`texted`), how many it
    could not be sent to (`refused`: no phone, the gateway's refusal), and `pending`."""
    counted = notice.receipts.aggregate(
        texted=Count("id", filter=Q(texted_at__isnull=False)),
        refused=Count("id", filter=~Q(text_error="")), total=Count("id"))
    return {"texted": counted["texted"], "refused": counted["refused"],
            "pending": counted["total"] - counted["texted"] - counted["refused"]}


def emails_of(notice: Notice) -> dict[str, int]:
    """How many of an e-mailed notice's recipients the mail server took (`emailed`), how many
    it could not be sent to (`refused`: no address, the server's refusal), and `pending`."""
    counted = notice.receipts.aggregate(
        emailed=Count("id", filter=Q(emailed_at__isnull=False)),
        refused=Count("id", filter=~Q(email_error="")), total=Count("id"))
    return {"emailed": counted["emailed"], "refused": counted["refused"],
            "pending": counted["total"] - counted["emailed"] - counted["refused"]}


def waiting_receipts(notice: Notice) -> QuerySet[Receipt]:
    """The receipts not read yet, with their users and home areas (one query a page)."""
    return (notice.receipts.filter(read_at__isnull=True)
            .select_related("user", "user__home_area").order_by("id"))
