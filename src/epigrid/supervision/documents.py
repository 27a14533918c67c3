"""Writes of documents 公文: register 收文登记, route 分办, circulate 传阅, read, archive 归档.

Rules:
- a document has a title, an issuer, a kind, a day received (not in the future) and, when it
  must be handled by a day, a day not before it was received; its serial 收文编号 is the desk's
  own, "YYYY-NNNN" counted by the area and the year it was received (the area's row locked, so
  two desks registering at once take two numbers);
- routing sets one task per area (services.set_task's rules), one of them the lead 主办 (the
  first, unless one is named); the areas lie in the desk's subtree; a document archived is not
  routed again;
- a document is circulated to active users who see it (its area in their subtree), each once;
  a reader marks it read once, with remarks 阅示意见 if any;
- a document is archived once every task it set is completed or withdrawn.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from epigrid.alerts.services import notify_users
from epigrid.alerts.wording import worded
from epigrid.areas.access import own_area, sees
from epigrid.areas.models import Area, ancestor_paths
from epigrid.core.access import Role
from epigrid.core.errors import Errors, add, not_future, refuse, required
from epigrid.supervision import services
from epigrid.supervision.common import check_attachment, stored_name
from epigrid.supervision.models import (
    PENDING,
    Circulation,
    Document,
    DocumentKind,
    DocumentStatus,
    Part,
    Task,
    Urgency,
)


def _next_serial(area: Area, year: int) -> str:
    Area.objects.select_for_update().filter(pk=area.pk).first()  # one number at a time
    prefix = f"{year}-"
    last = (Document.objects.filter(area=area, serial__startswith=prefix)
            .order_by("-serial").values_list("serial", flat=True).first())
    number = int(last[len(prefix):]) + 1 if last else 1
    return f"{prefix}{number:04d}"


@transaction.atomic
def register_document(area: Area, *, by: Any, title: str, issuer: str, kind: str,
                      received_on: datetime.date, reference: str = "",
                      urgency: str = Urgency.NORMAL, reply_by: datetime.date | None = None,
                      summary: str = "", attachment: UploadedFile | None = None) -> Document:
    """A document received by a desk of `area` (which the caller has fetched in the user's
    scope), numbered in the desk's register."""
    errors: Errors = {}
    title = required(errors, "title", title, _("Give the document's title."))
    issuer = required(errors, "issuer", issuer, _("Say who issued the document."))
    if kind not in DocumentKind.values:
        add(errors, "kind", _("Choose the kind of document."))
    if urgency not in Urgency.values:
        add(errors, "urgency", _("Choose how urgent the document is."))
    not_future(errors, "received_on", received_on)
    if reply_by is not None and reply_by < received_on:
        add(errors, "reply_by", _("The day to handle it by comes before the day it was "
                                  "received."))
    own_area(errors, by, area)
    check_attachment(errors, attachment, "attachment")
    refuse(errors)
    document = Document(area=area, serial=_next_serial(area, received_on.year),
                        reference=reference.strip(), title=title, issuer=issuer, kind=kind,
                        urgency=urgency, received_on=received_on, reply_by=reply_by,
                        summary=summary.strip(), registered_by=by)
    if attachment is not None:
        document.attachment_name, name = stored_name(attachment, "document")
        document.attachment.save(name, attachment, save=False)
    document.save()
    return document


@dataclass(frozen=True)
class Routing:
    """One area a document is routed to: its part, its day, what it is asked to do."""

    area: Area
    due_on: datetime.date
    part: str = Part.LEAD
    instructions: str = ""


def _check_open(errors: Errors, document: Document) -> None:
    if document.status == DocumentStatus.ARCHIVED:
        add(errors, "__all__", _("The document is archived."))


@transaction.atomic
def route(document: Document, routings: Sequence[Routing], *, by: Any) -> list[Task]:
    """分办: a task for each area; the document is then being handled."""
    document = Document.objects.select_for_update().select_related("area").get(pk=document.pk)
    errors: Errors = {}
    _check_open(errors, document)
    if not routings:
        add(errors, "areas", _("Choose at least one area to route the document to."))
    areas = [routing.area.pk for routing in routings]
    if len(set(areas)) < len(areas):
        add(errors, "areas", _("An area is named twice."))
    taken = set(document.tasks.filter(area_id__in=areas, status__in=PENDING)
                .values_list("area__name", flat=True))
    for name in sorted(taken):
        add(errors, "areas", _("%(area)s already handles this document.") % {"area": name})
    refuse(errors)
    leads = [routing for routing in routings if routing.part == Part.LEAD]
    has_lead = bool(leads) or document.tasks.filter(part=Part.LEAD, status__in=PENDING).exists()
    tasks = []
    for index, routing in enumerate(routings):
        part = Part.LEAD if (index == 0 and not has_lead) else routing.part
        tasks.append(services.set_task(
            routing.area, by=by, title=document.title, due_on=routing.due_on,
            instructions=routing.instructions, part=part, document=document,
            field_prefix=f"routings.{index}."))
    document.status = DocumentStatus.ROUTED
    document.save(update_fields=["status", "updated_at"])
    return tasks


def may_read(user: Any, document: Document) -> bool:
    return bool(user.is_active and sees(user, document.area.path))


@transaction.atomic
def circulate(document: Document, readers: Iterable[Any], *, by: Any) -> list[Circulation]:
    """传阅: the document to each reader who does not have it yet; each is told."""
    errors: Errors = {}
    readers = list(readers)
    if not readers:
        add(errors, "readers", _("Choose who should read the document."))
    for reader in readers:
        if not may_read(reader, document):
            add(errors, "readers", _("%(user)s does not see this document's area.")
                % {"user": reader.get_full_name() or reader.get_username()})
    refuse(errors)
    have = set(document.circulations.values_list("reader_id", flat=True))
    now = timezone.now()
    new = Circulation.objects.bulk_create([
        Circulation(document=document, reader=reader, sent_by=by, sent_at=now)
        for reader in readers if reader.pk not in have])
    if new:
        users = [circulation.reader for circulation in new]
        transaction.on_commit(lambda: _tell_readers(document, users))
    return new


def _tell_readers(document: Document, users: list[Any]) -> None:
    def wording() -> tuple[str, str]:
        return (_("To read: %(title)s") % {"title": document.title},
                _("%(serial)s from %(issuer)s, passed to you to read.")
                % {"serial": document.serial, "issuer": document.issuer})

    notify_users(users, worded(wording), link=reverse("supervision:document",
                                                      args=[document.pk]), area=document.area)


@transaction.atomic
def mark_read(document: Document, *, by: Any, remarks: str = "") -> Circulation:
    """The reader has read it (once: a second time changes nothing but adds remarks given)."""
    circulation = (Circulation.objects.select_for_update()
                   .filter(document=document, reader=by).first())
    if circulation is None:
        raise ValidationError({"__all__": [_("The document was not passed to you to read.")]})
    fields = []
    if circulation.read_at is None:
        circulation.read_at = timezone.now()
        fields.append("read_at")
    if remarks.strip():
        circulation.remarks = remarks.strip()
        fields.append("remarks")
    if fields:
        circulation.save(update_fields=fields)
    return circulation


@transaction.atomic
def archive(document: Document, *, by: Any, note: str = "") -> Document:
    """归档, once nothing it set is still in hand."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    errors: Errors = {}
    _check_open(errors, document)
    pending = document.tasks.filter(status__in=PENDING).count()
    if pending:
        add(errors, "__all__", _("%(n)d of its tasks are still in hand.") % {"n": pending})
    refuse(errors)
    document.status = DocumentStatus.ARCHIVED
    document.archived_at = timezone.now()
    document.archive_note = note.strip()
    document.save(update_fields=["status", "archived_at", "archive_note", "updated_at"])
    return document


def readers_for(document: Document) -> Any:
    """Who a document may be circulated to: active users who see its area."""
    above = Q(home_area__path__in=ancestor_paths(document.area.path))
    everything = Q(is_superuser=True) | Q(role=Role.ADMIN)
    return (get_user_model().objects.filter(above | everything, is_active=True)
            .order_by("username"))
