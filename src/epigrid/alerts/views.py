"""The inbox page: notices sent to me, newest first, those I was reminded of and have not read
above them; opening one marks it read."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from epigrid.alerts import inbox
from epigrid.alerts.models import Receipt
from epigrid.core.paging import split_page


@login_required
@require_GET
def inbox_page(request: HttpRequest) -> HttpResponse:
    receipts = inbox.receipts_of(request.user)
    before = request.GET.get("before", "")
    reminded: list[Receipt] = []
    if before.isdigit():
        receipts = receipts.filter(notice_id__lt=int(before))
    else:  # the first page: the reminded ones above, and not again below
        reminded = list(inbox.reminded_unread(request.user)[: settings.PAGE_SIZE])
        receipts = receipts.exclude(pk__in=[receipt.pk for receipt in reminded])
    page, more = split_page(list(receipts[: settings.PAGE_SIZE + 1]), settings.PAGE_SIZE)
    return render(request, "alerts/inbox.html", {
        "reminded": reminded, "receipts": page, "unread": inbox.unread_count(request.user),
        "next_before": page[-1].notice_id if more else None})


@login_required
@require_POST
def open_notice(request: HttpRequest, pk: int) -> HttpResponse:
    receipt = inbox.mark_read(inbox.get_receipt_for_user(request.user, pk))
    link = receipt.notice.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        return redirect(link)
    return redirect("alerts:inbox")


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    inbox.mark_all_read(request.user)
    return redirect("alerts:inbox")
