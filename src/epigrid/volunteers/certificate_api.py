"""API of certificates of hours 志愿服务时长证明 (certificates.py; mounted into the volunteers
router, under /api/volunteers): issuing one to oneself or, for the keepers of the area, to a
volunteer; reading one by its number.

A volunteer out of sight answers 404 as a missing one; one the caller may not issue for, 403;
no hours recorded, 422. A number not among the certificates the caller may read answers 404.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from epigrid.core.api import api_user, call_service, fetch, not_found, person
from epigrid.volunteers import access, certificates
from epigrid.volunteers.api_schemas import Hours
from epigrid.volunteers.models import Certificate, Volunteer

router = Router(tags=["volunteers"])


class CertificateLine(Schema):
    project: str
    area: str = Field(description="The area that organised the project.")
    first: datetime.date
    last: datetime.date
    days: int
    hours: str = Field(description="With one decimal: \"12.5\".")


class CertificateOut(Schema):
    number: str = Field(description="Ten letters and digits, printed on it.")
    volunteer_id: int
    volunteer_name: str
    area_name: str = Field(description="The volunteer's area, which issues it.")
    issued_on: datetime.date
    issued_by: str | None
    hours: Hours = Field(description="Every hour recorded the day it was issued.")
    days: int = Field(description="The days served.")
    first_day: datetime.date
    last_day: datetime.date
    lines: list[CertificateLine] = Field(description="The hours by project, as issued.")

    @staticmethod
    def resolve_volunteer_name(obj: Certificate) -> str:
        return obj.volunteer.name

    @staticmethod
    def resolve_area_name(obj: Certificate) -> str:
        return obj.volunteer.area.name

    @staticmethod
    def resolve_issued_by(obj: Certificate) -> str | None:
        return person(obj.issued_by)


def _issued(request: HttpRequest, volunteer: Volunteer) -> Status[Any]:
    user = api_user(request)
    if not certificates.may_issue(user, volunteer):
        raise HttpError(403, _("A certificate is issued to the volunteer, or by the keepers of "
                               "their area."))
    made = call_service(lambda: certificates.issue_certificate(volunteer, by=user))
    return Status(201, certificates.certificates_for(user).get(pk=made.pk))


@router.post("/me/certificates", response={201: CertificateOut},
             summary="Issue yourself a certificate of your hours (志愿服务时长证明)")
def issue_mine(request: HttpRequest) -> Status[Any]:
    volunteer = certificates.own_volunteer(api_user(request))  # serving, or left last
    if volunteer is None:
        raise HttpError(404, _("You are not registered as a volunteer: enrol first "
                               "(POST /api/volunteers/me)."))
    return _issued(request, volunteer)


@router.post("/volunteers/{int:volunteer_id}/certificates", response={201: CertificateOut},
             summary="Issue a volunteer of your area a certificate of their hours")
def issue_for(request: HttpRequest, volunteer_id: int) -> Status[Any]:
    return _issued(request, fetch(access.get_volunteer_for_user, request, volunteer_id))


@router.get("/certificates/{number}", response=CertificateOut,
            summary="A certificate of hours by its number, as it was issued")
def get_certificate(request: HttpRequest, number: str) -> Certificate:
    found = certificates.find_certificate(api_user(request), number)
    if found is None:
        raise not_found()
    return found
