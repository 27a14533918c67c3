"""Contact tracing pages 流调: a case's contacts, its transmission chain, clusters, and the
contacts still to act on.

Cases come through `get_case_for_user` and exposures through `restrict()`: missing and
forbidden answer the same 404. Writes need TRACE_CONTACTS (403) and go through cases.contacts.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from epigrid.areas.access import area_user
from epigrid.cases import chain_queries, contacts
from epigrid.cases.access import get_case_for_user
from epigrid.cases.chains import CLUSTER_MIN_SIZE
from epigrid.cases.contact_forms import ChainForm, ExposureForm, IdentifyForm
from epigrid.cases.models import Case, Exposure
from epigrid.cases.states import State
from epigrid.core.access import Capability, can, require
from epigrid.core.forms import apply_errors
from epigrid.core.paging import keyset, list_page, page_number

# A case's own contacts are dozens at most; a super-spreader's hundreds still fit one page.
GIVEN_LIMIT = 500
RECEIVED_LIMIT = 100
STATE_LABELS = dict(State.choices)
# The chain page's table lists the nearest generations first; the graph draws everyone.
TABLE_LIMIT = 200
CLUSTERS_PAGE = 50


def _require_tracing(request: HttpRequest) -> None:
    require(area_user(request), Capability.TRACE_CONTACTS)


def _with_contact_state(rows: QuerySet[Exposure]) -> QuerySet[Exposure]:
    latest = Case.objects.filter(person=OuterRef("contact_id")).order_by(
        "-is_open", "-state_since", "-pk")
    return rows.annotate(contact_state=Subquery(latest.values("state")[:1]))


# --- a case's contacts -----------------------------------------------------------------------

def _contacts_page(request: HttpRequest, case: Case, form: ExposureForm | None = None,
                   status: int = 200) -> HttpResponseBase:
    user = area_user(request)
    given = _with_contact_state(Exposure.objects.restrict(user).filter(source=case.person_id)
                                .select_related("contact", "contact__grid")
                                .order_by("-exposed_on", "-pk"))
    received = (Exposure.objects.restrict(user).filter(contact=case.person_id)
                .select_related("source").order_by("-exposed_on", "-pk"))
    may_trace = can(user, Capability.TRACE_CONTACTS)
    rows = list(given[:GIVEN_LIMIT])
    for row in rows:
        state = getattr(row, "contact_state", None)
        row.contact_state_label = STATE_LABELS.get(state, "") if state else ""  # type: ignore[attr-defined]
    return render(request, "cases/contact_list.html", {
        "case": case, "given": rows, "received": list(received[:RECEIVED_LIMIT]),
        "form": (form or ExposureForm()) if may_trace else None,
        "identify_form": IdentifyForm() if may_trace else None,
        "is_source": case.is_open and case.state in contacts.SOURCE_STATES}, status=status)


@login_required
@require_GET
def contact_list(request: HttpRequest, case_id: int) -> HttpResponseBase:
    return _contacts_page(request, get_case_for_user(area_user(request), case_id))


@login_required
@require_POST
def contact_add(request: HttpRequest, case_id: int) -> HttpResponseBase:
    case = get_case_for_user(area_user(request), case_id)
    _require_tracing(request)
    form = ExposureForm(request.POST)
    if form.is_valid():
        try:
            recorded = contacts.record_exposure(case.person, by=request.user,
                                                **form.service_fields())
        except ValidationError as error:
            apply_errors(form, error, {"contact": "id_number"})
        else:
            messages.success(request, recorded.message)
            return redirect("cases:contact_list", case_id=case.pk)
    return _contacts_page(request, case, form, status=400)


@login_required
@require_POST
def contact_identify(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = area_user(request)
    exposure = Exposure.objects.restrict(user).select_related("source").filter(pk=pk).first()
    if exposure is None:
        raise Http404(_("No such exposure."))
    _require_tracing(request)
    form = IdentifyForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(list(form.errors["id_number"]))
        recorded = contacts.identify_contact(exposure, form.cleaned_data["id_number"],
                                             by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, recorded.message)
    if request.POST.get("next") == "todo":
        return redirect("cases:contact_todo")
    case = (Case.objects.restrict(user).filter(person=exposure.source_id)
            .order_by("-is_open", "-state_since", "-pk").first())
    return redirect("cases:contact_list", case_id=case.pk) if case else redirect(
        "cases:contact_todo")


# --- chain and clusters ----------------------------------------------------------------------

@login_required
@require_GET
def chain(request: HttpRequest, case_id: int) -> HttpResponseBase:
    user = area_user(request)
    case = get_case_for_user(user, case_id)
    form = ChainForm(request.GET or None)
    graph = chain_queries.chain_graph(user, case, form.generations_or_default())
    return render(request, "cases/chain_detail.html", {
        "case": case, "form": form, "graph": graph, "rows": graph["nodes"][:TABLE_LIMIT],
        "cut": max(0, len(graph["nodes"]) - TABLE_LIMIT),
        "outside": sum(1 for node in graph["nodes"] if node["outside"])})


@login_required
@require_GET
def cluster_list(request: HttpRequest) -> HttpResponseBase:
    """The clusters, largest first, a page at a time by number (they are found whole from the
    area's exposures, in an order no key follows)."""
    page = page_number(request)
    views, next_page = list_page(chain_queries.clusters_for(area_user(request)), page,
                                 CLUSTERS_PAGE)
    return render(request, "cases/chain_clusters.html", {
        "clusters": views, "min_size": CLUSTER_MIN_SIZE,
        "skipped": (page - 1) * CLUSTERS_PAGE, "next_page": next_page})


@login_required
@require_GET
def cluster_detail(request: HttpRequest, person_id: int) -> HttpResponseBase:
    view = chain_queries.cluster_of(area_user(request), person_id)
    if view is None:
        raise Http404(_("No such cluster."))
    return render(request, "cases/chain_cluster.html", {
        "cluster": view, "members": chain_queries.cluster_members(view)})


# --- contacts to act on ----------------------------------------------------------------------

@login_required
@require_GET
def contact_todo(request: HttpRequest) -> HttpResponseBase:
    """Contacts to identify, and close contacts not in quarantine yet, of the user's area."""
    user = area_user(request)
    unidentified, next_identify = keyset(chain_queries.to_identify(user), request,
                                          "after_identify")
    waiting, next_quarantine = keyset(chain_queries.to_quarantine(user), request,
                                       "after_quarantine")
    for case in waiting:
        case.days_since = chain_queries.days_since(case.last_exposed)
    return render(request, "cases/contact_todo.html", {
        "unidentified": unidentified, "next_identify": next_identify,
        "waiting": waiting, "next_quarantine": next_quarantine,
        "identify_form": IdentifyForm() if can(user, Capability.TRACE_CONTACTS) else None})
