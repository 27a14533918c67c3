"""Reading one's inbox: the receipts of a user, and marking them read (acknowledged)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import Http404
from django.utils import timezone

from epigrid.alerts.models import Receipt


def receipts_of(user: Any) -> models.QuerySet[Receipt]:
    """A user's receipts, newest first; nobody reads another's inbox."""
    if not (user.is_authenticated and user.is_active):
        return Receipt.objects.none()
    return (Receipt.objects.filter(user=user).select_related("notice", "notice__sent_by")
            .order_by("-notice_id"))


def reminded_unread(user: Any) -> models.QuerySet[Receipt]:
    """The user's notices reminded 催读 and still unread, the latest reminder first: the inbox
    shows them above the others (alerts.reminders)."""
    return (receipts_of(user).filter(read_at__isnull=True, reminded_at__isnull=False)
            .order_by("-reminded_at", "-notice_id"))


def get_receipt_for_user(user: Any, pk: int) -> Receipt:
    receipt = receipts_of(user).filter(pk=pk).first()
    if receipt is None:
        raise Http404
    return receipt


def mark_read(receipt: Receipt) -> Receipt:
    if receipt.read_at is None:
        receipt.read_at = timezone.now()
        receipt.save(update_fields=["read_at"])
    return receipt


def mark_all_read(user: Any) -> int:
    return receipts_of(user).filter(read_at__isnull=True).update(read_at=timezone.now())


def unread_count(user: Any) -> int:
    return receipts_of(user).filter(read_at__isnull=True).count()
