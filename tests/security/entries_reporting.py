"""Security-matrix entries of the daily figures 每日数据 (merged into the matrix).

The day's figures are counted once in `prepare`, so town A's stored rows exist to leak: every
route that takes an area is called with town A's; people of town B get 404 and none of its names
or codes (the DHIS2 document names areas by code).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from epigrid.areas.models import Area
from epigrid.reporting.models import DailyReport, RiskProposal
from epigrid.reporting.report_services import save_report
from epigrid.reporting.services import recompute_day
from tests.base import World
from tests.security.matrix import Entry, obj, page


def prepare(w: World) -> None:
    recompute_day(timezone.localdate())
    prepare_reports(w)


def _town(w: World) -> dict[str, Any]:
    return {"area_id": w.town_a.pk}


TOWN_A = ("?area={town_a}",)
PAGES: dict[str, Entry] = {
    "reporting:index": page(insider_ok=frozenset({302}), shows_a=False),  # to the home area
    "reporting:area": obj(_town, queries=("", "?day=2020-02-10")),
    # Recounting takes REFRESH_FIGURES, which officers lack: the insider is a command user.
    # A recount writes computed rows only (no audited record), and the same for any area.
    "reporting:refresh": obj(_town, methods=("post",), insider="a_command",
                             insider_ok=frozenset({302})),
}
API: dict[str, Entry] = {
    "GET /api/figures/metrics": page(shows_a=False),  # the registry: no area in it
    "GET /api/figures": page(queries=(*TOWN_A, "?area={town_a}&metric=passages_in")),
    "GET /api/figures/data-value-sets": page(queries=TOWN_A),
    "POST /api/figures/recompute": page(methods=("post",), insider="a_command",
                                        insider_ok=frozenset({200}), shows_a=False),
}


# --- the daily reports 日报 and the risk level proposals 风险等级 ------------------------------
# Village A1 has a submitted report and town A a draft (town A's names leak through both); village
# A1 has a risk proposal (medium, so that it never clashes with the areas entries that set it
# high), made again (on an earlier day) whenever the insider has decided the pending one.

def prepare_reports(w: World) -> None:
    today = timezone.localdate()
    save_report(w.village_a1, today, by=w.alice, situation="Matrix situation", submit=True)
    save_report(w.town_a, today, by=w.alice, situation="Matrix town draft")
    _pending(w)


def _pending(w: World) -> RiskProposal:
    found = RiskProposal.objects.filter(area=w.village_a1, status="pending").first()
    if found is not None:
        return found
    day = timezone.localdate() - datetime.timedelta(
        days=RiskProposal.objects.filter(area=w.village_a1).count())
    return RiskProposal.objects.create(
        area=w.village_a1, area_path=w.village_a1.path, day=day, proposed_level="medium",
        current_level=Area.objects.get(pk=w.village_a1.pk).risk_level, rule="matrix",
        reason="matrix", figures={"new_confirmed_14d": 12})


def _any_proposal(w: World) -> RiskProposal:
    return RiskProposal.objects.filter(area=w.village_a1).order_by("pk").first() or _pending(w)


def _village_report(w: World) -> DailyReport:
    return DailyReport.objects.get(area=w.village_a1, day=timezone.localdate())


_proposal = _pending
REPORT_DAY = ("", "?day=2020-02-10")
PAGES.update({
    "reporting:report_index": page(insider_ok=frozenset({302}), shows_a=False),
    "reporting:report_area": obj(_town, queries=REPORT_DAY),
    # A draft from the form: the officer of town A writes town A's report.
    "reporting:report_edit": obj(_town, methods=("get", "post"),
                                 data={"situation": "Matrix draft", "action": "draft"},
                                 insider_ok=frozenset({200, 302})),
    "reporting:report_completeness": obj(_town, queries=REPORT_DAY),
    "reporting:risk_proposals": page(queries=("", "?status=decided")),
    "reporting:risk_levels": page(),
    # Deciding takes CHANGE_RISK, which officers lack: the insider is a command user.
    "reporting:risk_confirm": obj(lambda w: {"pk": _proposal(w).pk}, methods=("post",),
                                  insider="a_command", insider_ok=frozenset({302})),
    "reporting:risk_override": obj(lambda w: {"pk": _proposal(w).pk}, methods=("post",),
                                   data={"level": "low", "note": "matrix"},
                                   insider="a_command", insider_ok=frozenset({302})),
})
API.update({
    "GET /api/figures/reports": page(queries=(*TOWN_A, "?area={town_a}&status=submitted")),
    "GET /api/figures/reports/completeness": page(queries=TOWN_A),
    "GET /api/figures/reports/{id}": obj(_village_report),
    # The matrix cannot name an area id in its data: area 0 is missing for everyone (writing a
    # report through the API is tested in tests/reporting/test_report_api.py).
    "POST /api/figures/reports": page(methods=("post",),
                                      data={"area_id": 0, "day": "2020-02-10"},
                                      insider_ok=frozenset({404}), shows_a=False),
    "GET /api/figures/risk/proposals": page(queries=("", "?area={town_a}")),
    "GET /api/figures/risk/proposals/{id}": obj(_any_proposal),
    "POST /api/figures/risk/proposals/{id}/confirm": obj(
        _proposal, methods=("post",), insider="a_command", insider_ok=frozenset({200})),
    "POST /api/figures/risk/proposals/{id}/override": obj(
        _proposal, methods=("post",), data={"level": "low", "note": "matrix"},
        insider="a_command", insider_ok=frozenset({200})),
    # The rules run over every town and village; the answer lists the caller's own proposals.
    "POST /api/figures/risk/propose": page(methods=("post",), insider="a_command",
                                           shows_a=False),
    "GET /api/figures/risk/levels": page(queries=(*TOWN_A, "?area={town_a}&risk_level=low")),
})
