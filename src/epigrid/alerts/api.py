"""The inbox API: my notices, and acknowledging them."""

from __future__ import annotations

import datetime

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema

from epigrid.alerts import inbox
from epigrid.alerts.notices_api import router as notices_router
from epigrid.core.api import Page, PageParams, api_user, keyset_page, not_found

router = Router(tags=["alerts"])
router.add_router("/notices", notices_router)


class ReceiptOut(Schema):
    id: int
    title: str
    body: str
    link: str
    sent_at: datetime.datetime
    sent_by: str  # the writer's name, for a notice sent by hand; "" for the apps' own
    read_at: datetime.datetime | None
    reminded_at: datetime.datetime | None  # when its writer last reminded me, unread then (催读)

    @staticmethod
    def resolve_title(obj: object) -> str:
        return obj.notice.shown[0]  # type: ignore[attr-defined]

    @staticmethod
    def resolve_body(obj: object) -> str:
        return obj.notice.shown[1]  # type: ignore[attr-defined]

    @staticmethod
    def resolve_link(obj: object) -> str:
        return obj.notice.link  # type: ignore[attr-defined]

    @staticmethod
    def resolve_sent_by(obj: object) -> str:
        sender = obj.notice.sent_by  # type: ignore[attr-defined]
        return str(sender.display_name) if sender else ""

    @staticmethod
    def resolve_sent_at(obj: object) -> datetime.datetime:
        return obj.notice.created_at  # type: ignore[attr-defined]


class UnreadOut(Schema):
    unread: int


class InboxParams(PageParams):
    unread: bool = False


@router.get("/inbox", response=Page[ReceiptOut], summary="My notices, oldest first by id")
def list_inbox(request: HttpRequest, params: Query[InboxParams]) -> dict[str, object]:
    receipts = inbox.receipts_of(api_user(request))
    if params.unread:
        receipts = receipts.filter(read_at__isnull=True)
    return keyset_page(receipts, params)


@router.get("/inbox/unread", response=UnreadOut, url_name="unread",
            summary="How many of my notices are unread")
def unread(request: HttpRequest, response: HttpResponse) -> dict[str, int]:
    """What every page's menu asks now and then (web/inbox-badge.js): a notice sent while a
    page stays open shows on it without a reload."""
    response["Cache-Control"] = "no-store"
    return {"unread": inbox.unread_count(api_user(request))}


@router.post("/inbox/{receipt_id}/read", response=ReceiptOut, summary="Acknowledge a notice")
def read_one(request: HttpRequest, receipt_id: int) -> object:
    receipt = inbox.receipts_of(api_user(request)).filter(pk=receipt_id).first()
    if receipt is None:
        raise not_found()
    return inbox.mark_read(receipt)
