"""Security-matrix entries of the lab pages and API (merged into the matrix).

`prepare` makes town A's lab (area: Dongcheng Town) with a result of Wang Jun (grid A1-1) and a
result of nobody registered, waiting in the lab's queue. Every lab route needs the LAB_RESULTS
capability, which officers lack: the insider is town A's command user. Insiders' writes are
refused as bad input, so no call changes what the next one sees; outsiders get 403 or 404 before
any rule is looked at.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from epigrid.cases import labs
from epigrid.cases.models import Lab, LabTest
from tests.base import ID_A, World
from tests.security.matrix import Entry, obj, page

LAB_CODE = "LAB-A-MX"
QUEUED = "MX-QUEUED"
INSIDER = "a_command"
REFUSED_PAGE = frozenset({400})
REFUSED_API = frozenset({422})
NOBODY = "420102199001010014"
BAD_RESULT = {"sample_id": "MX-NEW", "sampled_at": "2020-02-01T08:00:00", "result": "maybe"}


def prepare(w: World) -> None:
    lab = labs.save_lab(code=LAB_CODE, name="Matrix Lab", area=w.town_a, daily_capacity=50)
    sampled = timezone.now() - datetime.timedelta(hours=10)
    for sample, id_number in (("MX-WANG", ID_A), (QUEUED, NOBODY)):
        labs.record_result(lab, sample_id=sample, id_number=id_number, name="Matrix",
                           sampled_at=sampled, resulted_at=sampled + datetime.timedelta(hours=6),
                           result=LabTest.Result.NEGATIVE, by=w.command)


def _lab(w: World) -> Lab:
    return Lab.objects.get(code=LAB_CODE)


def _queued(w: World) -> LabTest:
    return LabTest.objects.get(sample_id=QUEUED)


PAGES: dict[str, Entry] = {
    "cases:lab_list": page(insider=INSIDER),
    "cases:lab_create": page(methods=("get", "post"), data={"code": "", "name": ""},
                             insider=INSIDER, insider_ok=frozenset({200, 400}), shows_a=False),
    "cases:lab_unmatched": page(insider=INSIDER),
    "cases:lab_results": obj(_lab, insider=INSIDER,
                             queries=("", "?result=negative", "?match=unmatched",
                                      "?day=2020-02-01", "?sample=MX-WANG")),
    "cases:lab_edit": obj(_lab, methods=("get", "post"), data={"code": "", "name": ""},
                          insider=INSIDER, insider_ok=frozenset({200, 400})),
    "cases:lab_result_create": obj(_lab, methods=("get", "post"), data={"sample_id": ""},
                                   insider=INSIDER, insider_ok=frozenset({200, 400}),
                                   shows_a=False),
    "cases:lab_resolve": obj(_queued, methods=("post",), data={"id_number": ""},
                             insider=INSIDER, insider_ok=REFUSED_PAGE),
    "cases:lab_discard": obj(_queued, methods=("post",), data={"note": ""},
                             insider=INSIDER, insider_ok=REFUSED_PAGE),
}
API: dict[str, Entry] = {
    "GET /api/labs/": page(insider=INSIDER, shows_a=False),
    "GET /api/labs/unmatched": page(insider=INSIDER, shows_a=False),
    "GET /api/labs/{id}": obj(_lab, insider=INSIDER, shows_a=False),
    "GET /api/labs/{id}/results": obj(_lab, insider=INSIDER, shows_a=False,
                                      queries=("", "?match=unmatched", "?result=negative")),
    # Bodies of the right shape (ninja checks the shape before any rule): refused results.
    "POST /api/labs/{id}/results": obj(_lab, methods=("post",), data=BAD_RESULT,
                                       insider=INSIDER, insider_ok=REFUSED_API),
    "POST /api/labs/{id}/results/batch": obj(_lab, methods=("post",),
                                             data={"results": [BAD_RESULT]}, insider=INSIDER,
                                             insider_ok=frozenset({200})),
    "POST /api/labs/results/{id}/resolve": obj(_queued, methods=("post",),
                                               data={"id_number": ""}, insider=INSIDER,
                                               insider_ok=REFUSED_API),
    "POST /api/labs/results/{id}/discard": obj(_queued, methods=("post",), data={"note": ""},
                                               insider=INSIDER, insider_ok=REFUSED_API),
}
