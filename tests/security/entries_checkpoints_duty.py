"""Security-matrix entries of the duty routes 值守排班 (merged into the matrix).

`prepare` gives East Road (town A) a staff member with a fixed id, assigned there, and one shift;
the create calls plan another shift for them, so the insider's writes succeed.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from epigrid.accounts.models import User
from epigrid.checkpoints.models import Assignment, DutyShift
from epigrid.core.access import Role
from tests.base import World
from tests.security.matrix import Entry, obj, page

STAFF_ID = 990_001
DAY = datetime.date(2030, 1, 1)


START = timezone.make_aware(datetime.datetime.combine(DAY, datetime.time(8)))


def prepare(w: World) -> None:
    User.objects.create(pk=STAFF_ID, username="matrix-staff", role=Role.CHECKPOINT_STAFF,
                        home_area=w.village_a1, phone="13700009999")
    _assignment(w)
    _shift(w)


# The insider's calls (all in one test, in no fixed order) change these: its writes may be
# refused (422) once an earlier call removed the assignment, and a route that needs a deleted
# one finds it made again (only the insider's run deletes, so the outsiders' runs write nothing).
def _shift(w: World) -> DutyShift:
    found = DutyShift.objects.filter(checkpoint=w.checkpoint_a, starts_at=START).first()
    return found or DutyShift.objects.create(
        checkpoint=w.checkpoint_a, user_id=STAFF_ID, starts_at=START,
        ends_at=START + datetime.timedelta(hours=8))


def _assignment(w: World) -> Assignment:
    return Assignment.objects.get_or_create(checkpoint=w.checkpoint_a, user_id=STAFF_ID)[0]


def _town(w: World) -> dict[str, Any]:
    return {"area_id": w.town_a.pk}


def _checkpoint(w: World) -> dict[str, Any]:
    return {"checkpoint_id": w.checkpoint_a.pk}


FORM = {"user": str(STAFF_ID), "starts_at": "2030-01-02T08:00", "ends_at": "2030-01-02T16:00",
        "note": ""}
BODY = {"user_id": STAFF_ID, "starts_at": "2030-01-03T08:00:00+08:00",
        "ends_at": "2030-01-03T16:00:00+08:00"}

PAGES: dict[str, Entry] = {
    "checkpoints:duty_index": page(insider_ok=frozenset({302}), shows_a=False),  # to home area
    "checkpoints:duty_area": obj(_town, queries=("", "?unstaffed=1", "?after=CP-A")),
    "checkpoints:duty_gaps": obj(_town),
    "checkpoints:duty_hours": obj(_town, queries=("", "?day=2030-01-01&days=3")),
    "checkpoints:duty_checkpoint": obj(_checkpoint, queries=("", "?day=2030-01-01")),
    "checkpoints:shift_create": obj(_checkpoint, methods=("get", "post"), data=FORM,
                                    insider_ok=frozenset({200, 302})),
    "checkpoints:shift_edit": obj(_shift, methods=("get", "post"), data=FORM,
                                  insider_ok=frozenset({200, 302})),
    "checkpoints:shift_delete": obj(_shift, methods=("post",), insider_ok=frozenset({302})),
    # Alice sees the shift but is not its person: refused with a message, nothing changed.
    "checkpoints:shift_sign_off": obj(_shift, methods=("post",), insider_ok=frozenset({302})),
    "checkpoints:assignment_add": obj(_checkpoint, methods=("post",),
                                      data={"user": str(STAFF_ID)},
                                      insider_ok=frozenset({302})),
    "checkpoints:assignment_delete": obj(_assignment, methods=("post",),
                                         insider_ok=frozenset({302})),
}
API: dict[str, Entry] = {
    "GET /api/duty/checkpoints/{checkpoint_id}/shifts": obj(
        _checkpoint, queries=("", "?day=2030-01-01"), shows_a=False),
    "POST /api/duty/checkpoints/{checkpoint_id}/shifts": obj(
        _checkpoint, methods=("post",), data=BODY, insider_ok=frozenset({201, 422})),
    "PATCH /api/duty/shifts/{shift_id}": obj(_shift, methods=("patch",),
                                             data={"note": "matrix"}, shows_a=False,
                                             insider_ok=frozenset({200, 422})),
    "POST /api/duty/shifts/{shift_id}/sign-off": obj(_shift, methods=("post",), data={},
                                                     shows_a=False,
                                                     insider_ok=frozenset({422})),
    "DELETE /api/duty/shifts/{shift_id}": obj(_shift, methods=("delete",),
                                              insider_ok=frozenset({204})),
    "GET /api/duty/checkpoints/{checkpoint_id}/now": obj(_checkpoint),
    "GET /api/duty/checkpoints/{checkpoint_id}/gaps": obj(_checkpoint, shows_a=False),
    "GET /api/duty/areas/{area_id}/now": obj(_town, queries=("", "?unstaffed=true")),
    "GET /api/duty/areas/{area_id}/gaps": obj(_town),
    "GET /api/duty/areas/{area_id}/hours": obj(_town, queries=("", "?day=2030-01-01"),
                                               shows_a=False),
    "GET /api/duty/checkpoints/{checkpoint_id}/assignments": obj(_checkpoint, shows_a=False),
    "POST /api/duty/checkpoints/{checkpoint_id}/assignments": obj(
        _checkpoint, methods=("post",), data={"user_id": STAFF_ID},
        insider_ok=frozenset({201, 422}), shows_a=False),  # 422 while already assigned
    "DELETE /api/duty/assignments/{assignment_id}": obj(_assignment, methods=("delete",),
                                                        insider_ok=frozenset({204})),
}
