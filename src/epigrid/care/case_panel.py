"""The bed panel of a case's page (registered with core.panels): where the patient stands on the
way to a bed, and the link to ask for one."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from epigrid.areas.access import area_user
from epigrid.care import beds
from epigrid.care.models import AdmissionRequest, Transfer
from epigrid.cases.models import Case


def case_panel(request: HttpRequest, case: Case) -> SafeString | None:
    latest = (AdmissionRequest.objects.filter(case=case).select_related("pickup_area")
              .order_by("-waiting_since", "-id").first())
    may_request = beds.may_request(area_user(request)) and beds.needs_bed(case)
    if latest is None and not may_request:
        return None
    transfer = (Transfer.objects.filter(request=latest).select_related("facility")
                .order_by("-id").first() if latest else None)
    pending = latest is not None and latest.status in beds.PENDING
    return SafeString(render_to_string("care/case__panel.html", {
        "case": case, "request_": latest, "transfer": transfer,
        "may_request": may_request and not pending}, request=request))
