"""Certificates of hours 志愿服务时长证明: a volunteer's hours, numbered and kept as issued.

A volunteer asks their village for a statement of the hours they served (a school, an employer,
a commendation wants one). Here the volunteer prints it from their own page, or the keepers of
the volunteer's area from the volunteer's: a `Certificate` with a number of ten letters and
digits (no 0/O, 1/I to misread), the hours in all, the days served, the first and last of them,
and a line for each project (its organiser, days and hours), as they stood that day. Whoever
sees the volunteer's area (or the volunteer) looks a number up and reads what it said, however
the records changed since: a certificate is never edited.

Rules: issued by the volunteer's own account or the keepers of their area (`access.may_manage`);
only for hours recorded (a claim waiting is not counted until confirmed).
"""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, F, Max, Min, Q, QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from epigrid.core.days import local_day
from epigrid.core.errors import Errors, add, refuse
from epigrid.volunteers.access import may_manage
from epigrid.volunteers.models import Certificate, ServiceRecord, Volunteer

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0, O, 1, I: read aloud over the phone
LENGTH = 10
TENTH = Decimal("0.1")


def new_number() -> str:
    return "".join(secrets.choice(ALPHABET) for _n in range(LENGTH))


def normal_number(typed: str) -> str:
    """A number as typed (lower case, spaces, dashes) in the form it is kept."""
    return "".join(typed.split()).replace("-", "").upper()


def may_issue(user: Any, volunteer: Volunteer) -> bool:
    own = user is not None and volunteer.account_id is not None \
        and volunteer.account_id == getattr(user, "pk", None)
    return own or may_manage(user, volunteer.area.path)


def own_volunteer(user: Any) -> Volunteer | None:
    """The volunteer record the account's own certificate is of: the serving one, else the one
    it left last (a volunteer asks for the statement of their hours when the work is over)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (Volunteer.objects.select_related("area").filter(account=user)
            .order_by(F("left_on").desc(nulls_first=True), "-pk").first())


def certificates_for(user: Any) -> QuerySet[Certificate]:
    """The certificates of the volunteers whose area the user sees, and their own."""
    seen = Certificate.objects.restrict(user)
    if not getattr(user, "is_authenticated", False):
        return seen
    return (Certificate.objects.filter(Q(pk__in=seen.values("pk")) | Q(volunteer__account=user))
            .select_related("volunteer__area", "issued_by"))


def get_certificate_for_user(user: Any, pk: int) -> Certificate:
    found = certificates_for(user).filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such certificate."))
    return found


def find_certificate(user: Any, typed: str) -> Certificate | None:
    """The certificate of that number among those the user may read, if any."""
    return certificates_for(user).filter(number=normal_number(typed)).first()


def _served(volunteer: Volunteer) -> list[dict[str, Any]]:
    """The volunteer's hours, days and first and last day by project, first served first: one
    GROUP BY, from which the certificate's lines and totals are both read."""
    return list(ServiceRecord.objects.filter(volunteer=volunteer).order_by()
                .values("project_id", "project__name", "project__area__name")
                .annotate(hours=Sum("hours"), days=Count("id"), first=Min("served_on"),
                          last=Max("served_on"))
                .order_by("first", "project__name", "project_id"))


def _line(row: dict[str, Any]) -> dict[str, Any]:
    return {"project": row["project__name"], "area": row["project__area__name"],
            "days": row["days"], "hours": str(row["hours"].quantize(TENTH)),
            "first": row["first"].isoformat(), "last": row["last"].isoformat()}


@transaction.atomic
def issue_certificate(volunteer: Volunteer, *, by: Any) -> Certificate:
    if not may_issue(by, volunteer):
        raise PermissionDenied(_("A certificate is issued to the volunteer, or by the keepers "
                                 "of their area."))
    rows = _served(volunteer)
    errors: Errors = {}
    if not rows:
        add(errors, "__all__", _("No hours are recorded for %(name)s yet.")
            % {"name": volunteer.name})
    refuse(errors)
    # Days served on two projects count once: the only total the lines do not give.
    days = (ServiceRecord.objects.filter(volunteer=volunteer).values("served_on").distinct()
            .count())
    return Certificate.objects.create(
        number=new_number(), volunteer=volunteer, issued_on=local_day(),
        hours=sum((row["hours"] for row in rows), Decimal(0)), days=days,
        first_day=min(row["first"] for row in rows), last_day=max(row["last"] for row in rows),
        lines=[_line(row) for row in rows], issued_by=by)
