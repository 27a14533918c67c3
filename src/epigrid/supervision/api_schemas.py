"""The schemas of the supervision API (supervision.api): documents and tasks going out, what
comes in (on InSchema), and what its routers share (a service's refusals as 422, a person
named). Inspections and findings: api_inspections.py.

A person appears by their display name only (full name, else username): no phone, no e-mail.
"""

from __future__ import annotations

import datetime
from typing import Any, Literal, TypeVar

from django.urls import reverse
from ninja import Field, Schema

from epigrid.core.api import InSchema, api_user, person
from epigrid.core.days import local_day
from epigrid.supervision.models import (
    Circulation,
    Document,
    DocumentKind,
    DocumentStatus,
    Part,
    Step,
    Task,
    TaskEvent,
    TaskStatus,
    Urgency,
)

T = TypeVar("T")
NOTE_MAX = 2000
TEXT_MAX = 10000


# --- shared by the routers ---------------------------------------------------------------------

# --- tasks -------------------------------------------------------------------------------------

class TaskOut(Schema):
    id: int
    area_id: int
    area_name: str = Field(description="The area handling it.")
    issuer_area_id: int
    issuer_area_name: str = Field(description="The desk's area that set it.")
    document_id: int | None
    parent_id: int | None = Field(description="The task this part was handed down 分解下达 "
                                              "from; its area decides on this one.")
    part: Part = Field(description="lead 主办 or assisting 协办 (a routed document's or a "
                                   "part handed down).")
    title: str
    instructions: str
    due_on: datetime.date
    status: TaskStatus
    overdue: bool = Field(description="Still in hand past its day.")
    created_by: str | None
    created_at: datetime.datetime
    report: str = Field(description="What the area reported it did.")
    reported_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    reminders: int = Field(description="Reminders 催办 sent since it fell due.")
    parts_total: int = Field(description="Its parts handed down 分解下达, not withdrawn.")
    parts_done: int = Field(description="Those of its parts completed.")

    @staticmethod
    def resolve_area_name(obj: Task) -> str:
        return obj.area.name

    @staticmethod
    def resolve_issuer_area_name(obj: Task) -> str:
        return obj.issuer_area.name

    @staticmethod
    def resolve_overdue(obj: Task) -> bool:
        return obj.status == TaskStatus.OPEN and obj.due_on < local_day()

    @staticmethod
    def resolve_created_by(obj: Task) -> str | None:
        return person(obj.created_by)


class TaskEventOut(Schema):
    step: Step
    by: str | None
    at: datetime.datetime
    note: str
    due_on: datetime.date | None = Field(description="The day it set (set, sent back).")

    @staticmethod
    def resolve_by(obj: TaskEvent) -> str | None:
        return person(obj.by)


class TaskDetailOut(TaskOut):
    history: list[TaskEventOut] = Field(description="Every step, oldest first.")
    parts: list[TaskOut] = Field(description="The parts it handed down 分解下达 that the caller "
                                             "sees, in the order handed down.")

    @staticmethod
    def resolve_history(obj: Task) -> list[TaskEvent]:
        return list(TaskEvent.objects.filter(task=obj).select_related("by"))

    @staticmethod
    def resolve_parts(obj: Task, context: dict[str, Any]) -> list[Task]:
        return list(Task.objects.restrict(api_user(context["request"])).filter(parent=obj)
                    .select_related("area", "issuer_area", "created_by").with_parts_done()
                    .order_by("pk"))


TaskState = Literal["pending", "overdue", "open", "reported", "done", "cancelled", "any"]


class TaskFilters(InSchema):
    status: TaskState = Field("pending", description="pending: in hand or reported done; "
                                                     "overdue: in hand past its day; any: all.")
    area: int | None = Field(None, description="Only tasks handled in this area id's subtree.")
    q: str | None = Field(None, max_length=100, description="The title contains this.")


class TaskIn(InSchema):
    area: int = Field(description="The area that must do it (one of your subtree).")
    title: str = Field(max_length=200)
    instructions: str = Field("", max_length=TEXT_MAX)
    due_on: datetime.date = Field(description="Today or later.")


class ReportIn(InSchema):
    report: str = Field("", max_length=TEXT_MAX, description="What was done (required).")


class NoteIn(InSchema):
    note: str = Field("", max_length=NOTE_MAX)


class SendBackIn(InSchema):
    note: str = Field("", max_length=NOTE_MAX, description="Why it is sent back (required).")
    due_on: datetime.date | None = Field(None, description="A new day, today or later; left "
                                                           "out, the day stays.")


# --- documents ---------------------------------------------------------------------------------

class DocumentOut(Schema):
    id: int
    area_id: int
    area_name: str = Field(description="The desk's area that received it.")
    serial: str = Field(description="The desk's own number 收文编号, YYYY-NNNN.")
    reference: str = Field(description="The issuer's number 文号.")
    title: str
    issuer: str
    kind: DocumentKind
    urgency: Urgency
    received_on: datetime.date
    reply_by: datetime.date | None
    summary: str
    status: DocumentStatus
    attachment_name: str
    attachment_url: str | None = Field(description="The file (a page's link, same session).")
    registered_by: str | None
    registered_at: datetime.datetime
    archived_at: datetime.datetime | None
    archive_note: str

    @staticmethod
    def resolve_area_name(obj: Document) -> str:
        return obj.area.name

    @staticmethod
    def resolve_attachment_url(obj: Document) -> str | None:
        return (reverse("supervision:document_attachment", args=[obj.pk])
                if obj.attachment else None)

    @staticmethod
    def resolve_registered_by(obj: Document) -> str | None:
        return person(obj.registered_by)

    @staticmethod
    def resolve_registered_at(obj: Document) -> datetime.datetime:
        at: datetime.datetime = obj.created_at
        return at


class CirculationOut(Schema):
    reader_id: int
    reader: str
    sent_by: str | None
    sent_at: datetime.datetime
    read_at: datetime.datetime | None
    remarks: str = Field(description="The reader's remarks 阅示意见.")

    @staticmethod
    def resolve_reader(obj: Circulation) -> str:
        return str(obj.reader.display_name)

    @staticmethod
    def resolve_sent_by(obj: Circulation) -> str | None:
        return person(obj.sent_by)


class DocumentDetailOut(DocumentOut):
    """Its tasks are those the caller sees (a routed area outside theirs is left out)."""

    tasks: list[TaskOut] = Field(description="The tasks it set, in the order set.")
    circulation: list[CirculationOut] = Field(description="Who it was passed to read, and "
                                                          "when they read it.")

    @staticmethod
    def resolve_tasks(obj: Document, context: dict[str, Any]) -> list[Task]:
        return list(Task.objects.restrict(api_user(context["request"])).filter(document=obj)
                    .select_related("area", "issuer_area", "created_by").with_parts_done()
                    .order_by("pk"))

    @staticmethod
    def resolve_circulation(obj: Document) -> list[Circulation]:
        return list(obj.circulations.select_related("reader", "sent_by"))


class DocumentFilters(InSchema):
    status: DocumentStatus | None = None
    q: str | None = Field(None, max_length=100, description="Title, issuer, the issuer's "
                                                            "number or the serial contains "
                                                            "this.")


class DocumentIn(InSchema):
    area: int | None = Field(None, description="The desk's area that received it (one of your "
                                               "subtree; default: your home area).")
    reference: str = Field("", max_length=100)
    title: str = Field(max_length=200)
    issuer: str = Field(max_length=200)
    kind: DocumentKind
    urgency: Urgency = Urgency.NORMAL
    received_on: datetime.date | None = Field(None, description="Not in the future; default: "
                                                                "today.")
    reply_by: datetime.date | None = Field(None, description="To be handled by; not before it "
                                                             "was received.")
    summary: str = Field("", max_length=TEXT_MAX)


class RoutingIn(InSchema):
    area: int = Field(description="An area of your subtree, named once.")
    part: Part = Field(Part.ASSIST, description="The first is the lead unless one is named "
                                                "lead (or the document has one in hand).")
    due_on: datetime.date = Field(description="Today or later.")
    instructions: str = Field("", max_length=TEXT_MAX)


class RouteIn(InSchema):
    routings: list[RoutingIn] = Field(max_length=100, description="A task for each; a refused "
                                                                  "one is named "
                                                                  "`routings.<index>.<field>`.")


class HandDownIn(InSchema):
    routings: list[RoutingIn] = Field(max_length=100, description="A part for each area below "
                                                                  "the task's, due by its day "
                                                                  "at the latest; a refused "
                                                                  "one is named "
                                                                  "`routings.<index>.<field>`.")


class CirculateIn(InSchema):
    readers: list[int] = Field(max_length=200, description="User ids of those who may read it "
                                                           "(who see its area).")


class ReadIn(InSchema):
    remarks: str = Field("", max_length=NOTE_MAX)


class ReaderOut(Schema):
    """Someone a document may be passed to: an id for POST .../circulate, and a name."""

    id: int
    name: str
    area: str | None

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.display_name)

    @staticmethod
    def resolve_area(obj: Any) -> str | None:
        return obj.home_area.name if obj.home_area_id else None
