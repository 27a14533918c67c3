"""Document pages 公文: the register (search, status), registering a document 收文登记, a
document with its tasks and who read it, the forms that route it 分办, circulate it 传阅,
archive it 归档 and mark it read; its attachment; and each user's documents to read.

Documents come through `restrict(user)` (missing and forbidden answer the same 404); writes
call documents.py and show its refusals on the form's fields.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.http import FileResponse, Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from epigrid.areas.access import area_user
from epigrid.core.access import Capability, can, require
from epigrid.core.forms import apply_errors
from epigrid.supervision import documents
from epigrid.supervision.access import get_document_for_user
from epigrid.supervision.document_forms import (
    ArchiveForm,
    CirculateForm,
    DocumentFilterForm,
    DocumentForm,
    ReadForm,
    RouteForm,
)
from epigrid.supervision.models import Circulation, Document, DocumentStatus, Task

READ_KEPT = datetime.timedelta(days=30)  # how long the reading list keeps what was read


@login_required
@require_GET
def document_list(request: HttpRequest) -> HttpResponseBase:
    user = area_user(request)
    form = DocumentFilterForm(request.GET)
    rows = form.apply(Document.objects.restrict(user)).select_related("area").order_by(
        "-received_on", "-id")
    page = Paginator(rows, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supervision/document_list.html", {
        "form": form, "page": page, "documents": list(page),
        "may_register": can(user, Capability.SUPERVISE)})


@login_required
@require_http_methods(["GET", "POST"])
def document_new(request: HttpRequest) -> HttpResponseBase:
    user = area_user(request)
    require(user, Capability.SUPERVISE)
    form = DocumentForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = documents.register_document(
                data["area"], by=user, title=data["title"], issuer=data["issuer"],
                kind=data["kind"], received_on=data["received_on"],
                reference=data["reference"], urgency=data["urgency"],
                reply_by=data["reply_by"], summary=data["summary"],
                attachment=data["attachment"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Registered as %(serial)s in the register of "
                                        "%(area)s.")
                             % {"serial": document.serial, "area": document.area.name})
            return redirect("supervision:document", pk=document.pk)
    return render(request, "supervision/document_form.html", {"form": form},
                  status=400 if form.is_bound else 200)


def candidates(document: Document) -> Any:
    """Who the document may still be passed to: its readers who do not have it yet."""
    return documents.readers_for(document).exclude(
        pk__in=document.circulations.values("reader_id"))


def _detail(request: HttpRequest, document: Document, status: int = 200,
            **forms_given: forms.Form) -> HttpResponseBase:
    """The document's page with the forms its viewer may use (a refused one as posted)."""
    user = area_user(request)
    circulations = list(document.circulations.select_related("reader", "sent_by"))
    mine = next((row for row in circulations if row.reader_id == user.pk), None)
    supervise = can(user, Capability.SUPERVISE)
    open_ = document.status != DocumentStatus.ARCHIVED
    readers = candidates(document) if supervise else None
    offered: dict[str, Any] = {
        "route_form": (lambda: RouteForm(user=user)) if supervise and open_ else None,
        "circulate_form": ((lambda: CirculateForm(readers=readers))
                           if readers is not None and readers.exists() else None),
        "archive_form": ArchiveForm if supervise and open_ else None,
        "read_form": ReadForm if mine is not None else None,
    }
    context: dict[str, Any] = {
        name: forms_given[name] if name in forms_given else (make() if make else None)
        for name, make in offered.items()}
    context.update({
        "document": document, "circulations": circulations, "mine": mine,
        "tasks": Task.objects.restrict(user).filter(document=document)
        .select_related("area", "issuer_area").order_by("due_on", "id"),
        "today": timezone.localdate()})
    return render(request, "supervision/document_detail.html", context, status=status)


@login_required
@require_GET
def document_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _detail(request, get_document_for_user(area_user(request), pk))


@login_required
@require_POST
def document_route(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = area_user(request)
    document = get_document_for_user(user, pk)
    require(user, Capability.SUPERVISE)
    form = RouteForm(request.POST, user=user)
    if form.is_valid():
        try:
            tasks = documents.route(document, form.routings(), by=user)
        except ValidationError as error:
            form.refused(error)
        else:
            messages.success(request, ngettext(
                "The document is routed to %(n)d area.", "The document is routed to %(n)d areas.",
                len(tasks)) % {"n": len(tasks)})
            return redirect("supervision:document", pk=pk)
    return _detail(request, document, status=400, route_form=form)


@login_required
@require_POST
def document_circulate(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = area_user(request)
    document = get_document_for_user(user, pk)
    require(user, Capability.SUPERVISE)
    form = CirculateForm(request.POST, readers=candidates(document))
    if form.is_valid():
        try:
            sent = documents.circulate(document, form.cleaned_data["readers"], by=user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, ngettext(
                "The document is passed to %(n)d reader.",
                "The document is passed to %(n)d readers.", len(sent)) % {"n": len(sent)})
            return redirect("supervision:document", pk=pk)
    return _detail(request, document, status=400, circulate_form=form)


@login_required
@require_POST
def document_archive(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = area_user(request)
    document = get_document_for_user(user, pk)
    require(user, Capability.SUPERVISE)
    form = ArchiveForm(request.POST)
    if form.is_valid():
        try:
            documents.archive(document, by=user, note=form.cleaned_data["note"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The document is archived."))
            return redirect("supervision:document", pk=pk)
    return _detail(request, document, status=400, archive_form=form)


@login_required
@require_POST
def document_read(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The reader has read it, with remarks if any (only one it was passed to)."""
    user = area_user(request)
    document = get_document_for_user(user, pk)
    form = ReadForm(request.POST)
    if form.is_valid():
        try:
            documents.mark_read(document, by=user, remarks=form.cleaned_data["remarks"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Marked read."))
            return redirect("supervision:document", pk=pk)
    return _detail(request, document, status=400, read_form=form)


@login_required
@require_GET
def document_attachment(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The document's file, under the name it was uploaded with, for those who see it."""
    document = get_document_for_user(area_user(request), pk)
    if not document.attachment:
        raise Http404(_("The document has no attachment."))
    return FileResponse(document.attachment.open("rb"), as_attachment=True,
                        filename=document.attachment_name or "attachment")


@login_required
@require_GET
def reading(request: HttpRequest) -> HttpResponseBase:
    """The documents passed to the user: unread ones first, then those read in the last
    READ_KEPT, most recently read first."""
    user = area_user(request)
    mine = Circulation.objects.restrict(user).filter(reader=user.pk)
    rows = (mine.filter(Q(read_at__isnull=True) | Q(read_at__gte=timezone.now() - READ_KEPT))
            .select_related("document__area", "sent_by")
            .order_by(F("read_at").desc(nulls_first=True), "-sent_at", "-id"))
    page = Paginator(rows, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supervision/reading.html", {
        "page": page, "circulations": list(page),
        "unread": mine.filter(read_at__isnull=True).count()})
