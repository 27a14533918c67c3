"""The API of notices sent by hand (alerts.sending): send one, list those sent, see who has
read one, remind those who have not (alerts.reminders). Refusals answer 422 naming the field; a
notice out of sight, 404 as a missing one."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from epigrid.alerts import reminders, sending
from epigrid.alerts.models import Notice
from epigrid.areas.models import Area
from epigrid.core.access import Capability, Role
from epigrid.core.api import (
    InSchema,
    Page,
    PageParams,
    api_user,
    call_service,
    field_errors,
    get_object_for_user,
    keyset_page,
    require,
)

router = Router(tags=["alerts"])


class SendIn(InSchema):
    area_ids: list[int] = Field(description="Areas of your subtree: the notice reaches the "
                                            "users of each and of every area within it.")
    roles: list[Role]
    title: str
    body: str = ""
    by_sms: bool = Field(False, description="Also text it to every recipient with a phone "
                                            "(where an SMS gateway is set up; else 422).")
    by_email: bool = Field(False, description="Also e-mail it to every recipient with an "
                                              "address (where a mail server is set up; else "
                                              "422).")


class NoticeOut(Schema):
    id: int
    title: str
    body: str
    sent_at: datetime.datetime
    sent_by: str
    area_ids: list[int]
    roles: list[str]
    recipients: int
    read: int
    by_sms: bool
    by_email: bool
    reminded_at: datetime.datetime | None = Field(description="When those who had not read it "
                                                              "were last reminded")
    reminders: int

    @staticmethod
    def resolve_sent_at(obj: Any) -> datetime.datetime:
        return obj.created_at

    @staticmethod
    def resolve_sent_by(obj: Any) -> str:
        return str(obj.sent_by.display_name) if obj.sent_by else ""

    @staticmethod
    def resolve_area_ids(obj: Any) -> list[int]:
        return [int(path.rstrip("/").rsplit("/", 1)[-1]) for path in obj.target_paths]


class AreaDeliveryOut(Schema):
    area: str
    recipients: int
    read: int
    waiting: int


class TextsOut(Schema):
    texted: int
    refused: int
    pending: int


class EmailsOut(Schema):
    emailed: int
    refused: int
    pending: int


class NoticeDetailOut(NoticeOut):
    by_area: list[AreaDeliveryOut]
    texts: TextsOut | None = Field(description="Where texted: how many phones the gateway took, "
                                               "could not be sent to, and still wait.")
    emails: EmailsOut | None = Field(description="Where e-mailed: how many messages the mail "
                                                 "server took, could not be sent, and wait.")

    @staticmethod
    def resolve_texts(obj: Any) -> dict[str, int] | None:
        return sending.texts_of(obj) if obj.by_sms else None

    @staticmethod
    def resolve_emails(obj: Any) -> dict[str, int] | None:
        return sending.emails_of(obj) if obj.by_email else None

    @staticmethod
    def resolve_by_area(obj: Any) -> list[dict[str, Any]]:
        return [{"area": row.area, "recipients": row.recipients, "read": row.read,
                 "waiting": row.waiting} for row in sending.delivery_by_area(obj)]


class RemindedOut(Schema):
    reminded: int = Field(description="How many recipients who had not read it were reminded")
    reminded_at: datetime.datetime
    reminders: int


class WaitingOut(Schema):
    user_id: int
    username: str
    name: str
    area: str
    phone: str
    texted_at: datetime.datetime | None
    reminded_at: datetime.datetime | None
    text_error: str  # why it was not texted, in the reader's language; "" when it was
    emailed_at: datetime.datetime | None
    email_error: str  # why it was not e-mailed, in the reader's language; "" when it was

    @staticmethod
    def resolve_text_error(obj: Any) -> str:
        return str(obj.text_problem)

    @staticmethod
    def resolve_email_error(obj: Any) -> str:
        return str(obj.email_problem)

    @staticmethod
    def resolve_username(obj: Any) -> str:
        return str(obj.user.username)

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.user.display_name)

    @staticmethod
    def resolve_area(obj: Any) -> str:
        return obj.user.home_area.name if obj.user.home_area else ""

    @staticmethod
    def resolve_phone(obj: Any) -> str:
        return str(obj.user.phone)


def _notice(request: HttpRequest, notice_id: int) -> Notice:
    user = api_user(request)
    found: Notice = get_object_for_user(sending.sent_notices(user), user, notice_id)
    return found


@router.post("", response={201: NoticeDetailOut}, summary="Send a notice to areas and roles")
def send(request: HttpRequest, payload: SendIn) -> Status[Any]:
    user = api_user(request)
    require(user, Capability.SEND_NOTICES)
    areas = list(Area.objects.filter(pk__in=payload.area_ids))
    if len(areas) != len(set(payload.area_ids)):  # a missing one reads as one out of sight
        raise field_errors({"area_ids": [_("No such area among the areas you may see.")]})
    try:
        notice = sending.send_notice(user, areas, [str(role) for role in payload.roles],
                                     payload.title, payload.body, by_sms=payload.by_sms,
                                     by_email=payload.by_email)
    except ValidationError as error:
        raise field_errors({"area_ids" if name == "areas" else name: messages
                            for name, messages in error.message_dict.items()}) from None
    return Status(201, _notice(request, notice.pk))


@router.get("", response=Page[NoticeOut], summary="Notices sent to the users of my area")
def list_sent(request: HttpRequest, params: Query[PageParams]) -> dict[str, object]:
    return keyset_page(sending.sent_notices(api_user(request)), params, newest_first=True)


@router.get("/{int:notice_id}", response=NoticeDetailOut,
            summary="A sent notice, with its recipients and readers by area")
def sent_one(request: HttpRequest, notice_id: int) -> Notice:
    return _notice(request, notice_id)


@router.get("/{int:notice_id}/waiting", response=Page[WaitingOut],
            summary="The recipients of a sent notice who have not read it yet")
def waiting(request: HttpRequest, notice_id: int, params: Query[PageParams]
            ) -> dict[str, object]:
    return keyset_page(sending.waiting_receipts(_notice(request, notice_id)), params)


@router.post("/{int:notice_id}/remind", response=RemindedOut,
             summary="Remind the recipients of a sent notice who have not read it")
def remind(request: HttpRequest, notice_id: int) -> dict[str, Any]:
    """Their inboxes show it first, marked reminded; a texted notice is texted to them again.
    422 when everyone has read it, or when it was reminded less than an hour ago."""
    notice = _notice(request, notice_id)  # 404 alike out of sight and missing
    require(api_user(request), Capability.SEND_NOTICES)
    count = call_service(lambda: reminders.remind_unread(notice, by=api_user(request)))
    notice.refresh_from_db(fields=["reminded_at", "reminders"])
    return {"reminded": count, "reminded_at": notice.reminded_at,
            "reminders": notice.reminders}
