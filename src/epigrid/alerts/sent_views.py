"""The pages of notices sent by hand: writing one, the list of those sent, who has read one, and
reminding those who have not (alerts.reminders)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from epigrid.alerts import reminders, sending
from epigrid.alerts.forms import SendForm
from epigrid.areas.access import area_user
from epigrid.core.access import Capability, can, require
from epigrid.core.forms import apply_errors
from epigrid.core.paging import keyset


@login_required
@require_http_methods(["GET", "POST"])
def send_page(request: HttpRequest) -> HttpResponseBase:
    user = area_user(request)
    require(user, Capability.SEND_NOTICES)
    form = SendForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            notice = sending.send_notice(user, list(data["areas"]), data["roles"],
                                         data["title"], data["body"],
                                         by_sms=bool(data.get("by_sms")),
                                         by_email=bool(data.get("by_email")))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The notice “%(title)s” is sent.") % {
                "title": notice.title})
            return redirect("alerts:sent_detail", pk=notice.pk)
    return render(request, "alerts/send.html", {"form": form},
                  status=400 if form.is_bound else 200)


@login_required
@require_GET
def sent_list(request: HttpRequest) -> HttpResponse:
    user = area_user(request)
    notices, next_after = keyset(sending.sent_notices(user), request, newest_first=True)
    return render(request, "alerts/sent_list.html", {
        "notices": notices, "next_after": next_after,
        "may_send": can(user, Capability.SEND_NOTICES)})


@login_required
@require_GET
def sent_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = area_user(request)
    notice: Any = sending.get_sent_notice_for_user(user, pk)  # counted: recipients, read
    waiting, next_after = keyset(sending.waiting_receipts(notice), request)
    return render(request, "alerts/sent_detail.html", {
        "notice": notice, "areas": sending.delivery_by_area(notice), "waiting": waiting,
        "next_after": next_after, "texts": sending.texts_of(notice) if notice.by_sms else None,
        "emails": sending.emails_of(notice) if notice.by_email else None,
        "unread": notice.recipients - notice.read,
        "may_remind": can(user, Capability.SEND_NOTICES),
        "next_reminder_at": reminders.next_reminder_at(notice)})


@login_required
@require_POST
def remind(request: HttpRequest, pk: int) -> HttpResponse:
    """Remind those who have not read the notice: back to its page, saying how many, or why
    not."""
    user = area_user(request)
    notice = sending.get_sent_notice_for_user(user, pk)  # 404 alike out of sight and missing
    require(user, Capability.SEND_NOTICES)
    try:
        count = reminders.remind_unread(notice, by=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, ngettext(
            "%(count)d recipient who has not read it was reminded.",
            "%(count)d recipients who have not read it were reminded.", count)
            % {"count": count})
    return redirect("alerts:sent_detail", pk=notice.pk)
