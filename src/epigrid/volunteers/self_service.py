"""A volunteer's own writes 我的志愿服务: enrolling, signing up to projects 报名, claiming the
hours they served 时长申报; and the keepers' answer to a claim (confirmed or declined).

Rules:
- a signed-in user with a home area and a phone on their account enrols in their home area; if
  the officers registered that phone there already, the account is linked to that volunteer (a
  phone serving elsewhere, or linked to another account, is refused naming where);
- a serving volunteer signs up to a project of their own area or an area above it (a village's
  volunteer to the village's, the town's and the district's projects), not closed or ended,
  once (until they withdraw), and not past the volunteers it needs when it says how many;
- they claim hours for a day of a project they are signed up to: the day and the hours as
  `record_hours` takes them (the day's 24 hours across projects among them), not a day
  recorded already, one claim waiting a day;
- the project's keepers confirm a waiting claim, which records the hours through
  `record_hours` (so the 24 hours of a day hold across claims and records), or decline it,
  saying why; the volunteer is told either way, in their inbox.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import IntegerField, OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from epigrid.alerts.services import notify_users
from epigrid.alerts.wording import worded
from epigrid.areas.models import ancestor_paths
from epigrid.core.days import local_day
from epigrid.core.errors import Errors, add, refuse, required, within_length
from epigrid.core.identity import parse_mobile
from epigrid.volunteers import services
from epigrid.volunteers.access import may_manage
from epigrid.volunteers.models import (
    ClaimState,
    HoursClaim,
    Project,
    ServiceRecord,
    Signup,
    Volunteer,
    project_closed_q,
    signed_up_to_project,
)

NOTE_LENGTH = HoursClaim._meta.get_field("note").max_length or 0
REASON_LENGTH = HoursClaim._meta.get_field("reason").max_length or 0


def volunteer_of(user: Any) -> Volunteer | None:
    """The serving volunteer the signed-in `user` is, if any."""
    if user is None or not user.is_authenticated:
        return None
    return (Volunteer.objects.select_related("area")
            .filter(account=user, left_on__isnull=True).first())


def projects_open_to(volunteer: Volunteer, day: datetime.date) -> QuerySet[Project]:
    """The projects `volunteer` may sign up to on `day`: of their area or an area above it,
    neither closed nor ended before it (one yet to start included)."""
    return (Project.objects.filter(area__path__in=ancestor_paths(volunteer.area.path))
            .exclude(project_closed_q(day)))


def open_with_places(volunteer: Volunteer, day: datetime.date) -> QuerySet[Project]:
    """`projects_open_to`, each with its standing sign-ups counted (`signed`) and
    the volunteer's own found (`signup_id`), a subquery each of its row: the page and the API
    list them so, in one query."""
    theirs = Signup.objects.filter(project=OuterRef("pk"), withdrawn_at__isnull=True,
                                   volunteer=volunteer).values("pk")[:1]
    return (projects_open_to(volunteer, day).select_related("area")
            .annotate(signed=signed_up_to_project(),
                      signup_id=Subquery(theirs, output_field=IntegerField())))


def _same_line(path: str, other: str) -> bool:
    """One area holds the other (a grid's account and its village's record, say)."""
    return path.startswith(other) or other.startswith(path)


def _is_self(by: Any, volunteer: Volunteer) -> bool:
    return by is not None and volunteer.account_id is not None and by.pk == volunteer.account_id


@transaction.atomic
def enrol(user: Any, *, skills: str = "", party_member: bool = False) -> Volunteer:
    # The account's row locked: the same account enrolling twice at once is told the second
    # time that it is enrolled (not that its own phone is registered).
    get_user_model().objects.select_for_update().get(pk=user.pk)
    errors: Errors = {}
    area = user.home_area
    if area is None:
        add(errors, "__all__", _("Your account has no home area: ask your officer to set it."))
    phone = ""
    try:
        phone = parse_mobile(user.phone or "")
    except ValidationError:  # a blank or a landline alike: the account's phone is no mobile
        add(errors, "phone", _("Your account has no mobile number: ask your officer to add "
                               "it."))
    if volunteer_of(user) is not None:
        add(errors, "__all__", _("You are registered as a volunteer already."))
    refuse(errors)
    # Registered by the officers already (from a paper roster): that record becomes this
    # account's, so the hours recorded for them stay theirs.
    kept = (Volunteer.objects.select_for_update(of=("self",)).select_related("area")
            .filter(phone=phone, left_on__isnull=True).first())
    if kept is not None and kept.account_id is None and _same_line(kept.area.path, area.path):
        kept.account = user
        # What the volunteer says of themselves adds to what the roster had.
        kept.skills = skills.strip() or kept.skills
        kept.party_member = kept.party_member or party_member
        kept.save(update_fields=["account", "skills", "party_member", "updated_at"])
        return kept
    if kept is not None and kept.account_id is not None:
        add(errors, "phone", _("%(name)s, with this phone, has an account of their own.")
            % {"name": kept.name})
        refuse(errors)
    # Anyone else with the phone is named by `register`'s own refusal. The account's name may
    # run to 300 characters, the volunteer's column holds 60: cut, not the database's error.
    name = user.display_name[:Volunteer._meta.get_field("name").max_length]
    return services.register(area, by=user, name=name, phone=phone,
                             registered_on=local_day(), skills=skills,
                             party_member=party_member, account=user)


@transaction.atomic
def sign_up(project: Project, volunteer: Volunteer, *, by: Any) -> Signup:
    # The project's row is locked so that two volunteers taking its last place get one refusal.
    project = (Project.objects.select_for_update(of=("self",)).select_related("area")
               .get(pk=project.pk))
    volunteer = Volunteer.objects.select_related("area").get(pk=volunteer.pk)
    errors: Errors = {}
    today = local_day()
    if not (by is None or _is_self(by, volunteer) or may_manage(by, project.area.path)):
        add(errors, "__all__", _("Volunteers sign up themselves, or their officers for them."))
    if not volunteer.is_active(today):
        add(errors, "volunteer", _("%(name)s is not serving today.") % {"name": volunteer.name})
    if not volunteer.area.path.startswith(project.area.path):
        add(errors, "project", _("%(area)s's projects are for its own volunteers.")
            % {"area": project.area.name})
    last = project.last_day
    if last is not None and last < today:
        add(errors, "project", _("The project ended on %(day)s.") % {"day": last.isoformat()})
    active = project.signups.filter(withdrawn_at__isnull=True)
    if active.filter(volunteer=volunteer).exists():
        add(errors, "project", _("%(name)s is signed up already.") % {"name": volunteer.name})
    elif project.volunteers_needed and active.count() >= project.volunteers_needed:
        add(errors, "project", _("The project has the %(count)s volunteers it needs.")
            % {"count": project.volunteers_needed})
    refuse(errors)
    return Signup.objects.create(project=project, volunteer=volunteer)


@transaction.atomic
def withdraw_signup(signup: Signup, *, by: Any) -> Signup:
    signup = (Signup.objects.select_for_update(of=("self",))
              .select_related("project__area", "volunteer").get(pk=signup.pk))
    errors: Errors = {}
    if not (by is None or _is_self(by, signup.volunteer)
            or may_manage(by, signup.project.area.path)):
        add(errors, "__all__", _("Volunteers withdraw themselves, or their officers for them."))
    if signup.withdrawn_at is not None:
        add(errors, "__all__", _("The sign-up was withdrawn already."))
    refuse(errors)
    signup.withdrawn_at = timezone.now()
    signup.save(update_fields=["withdrawn_at", "updated_at"])
    return signup


@transaction.atomic
def claim_hours(project: Project, volunteer: Volunteer, *, by: Any, served_on: datetime.date,
                hours: Any, note: str = "") -> HoursClaim:
    # The volunteer's row is locked so that a claim sent twice at once is refused once (the
    # project's first, as every write of hours locks them).
    project, volunteer = services.lock_rows(project, volunteer)
    errors: Errors = {}
    if not _is_self(by, volunteer):
        add(errors, "__all__", _("Volunteers claim their own hours."))
    if not project.signups.filter(volunteer=volunteer, withdrawn_at__isnull=True).exists():
        add(errors, "project", _("Sign up to the project first."))
    amount = services.parse_hours(hours)
    if amount is None:
        add(errors, "hours", _("Hours are more than 0 and at most 24, in half hours."))
    services.check_day(errors, project, volunteer, served_on)
    note = within_length(errors, "note", note, NOTE_LENGTH)
    recorded = ServiceRecord.objects.filter(project=project, volunteer=volunteer,
                                            served_on=served_on).first()
    waiting = HoursClaim.objects.filter(project=project, volunteer=volunteer,
                                        served_on=served_on, state=ClaimState.PENDING).first()
    if recorded is not None:
        add(errors, "served_on", _("%(hours)s hours are recorded for you on %(day)s already.")
            % {"hours": recorded.hours, "day": served_on.isoformat()})
    elif waiting is not None:
        add(errors, "served_on", _("Your claim of %(hours)s hours on %(day)s is waiting.")
            % {"hours": waiting.hours, "day": served_on.isoformat()})
    elif amount is not None:
        # A claim the day's 24 hours could never take is refused now, not at confirming.
        services.check_day_total(errors, volunteer, served_on, amount)
    refuse(errors)
    assert amount is not None  # noqa: S101 - refused above when it was not
    return HoursClaim.objects.create(project=project, volunteer=volunteer, served_on=served_on,
                                     hours=amount, note=note)


def _waiting(claim: HoursClaim, by: Any) -> HoursClaim:
    claim = (HoursClaim.objects.select_for_update(of=("self",))
             .select_related("project__area", "volunteer").get(pk=claim.pk))
    errors: Errors = {}
    if not may_manage(by, claim.project.area.path):
        add(errors, "__all__", _("The project's officers answer its claims."))
    if claim.state != ClaimState.PENDING:
        add(errors, "__all__", _("The claim was %(state)s already.")
            % {"state": claim.get_state_display()})
    refuse(errors)
    return claim


@transaction.atomic
def confirm_claim(claim: HoursClaim, *, by: Any) -> HoursClaim:
    claim = _waiting(claim, by)
    # Every rule of a record holds (a day's 24 hours across projects among them).
    record = services.record_hours(claim.project, claim.volunteer, by=by,
                                   served_on=claim.served_on, hours=claim.hours,
                                   note=claim.note)
    claim.state, claim.record = ClaimState.CONFIRMED, record
    claim.decided_by, claim.decided_at = by, timezone.now()
    claim.save(update_fields=["state", "record", "decided_by", "decided_at", "updated_at"])
    transaction.on_commit(lambda: tell_volunteer(claim))
    return claim


@transaction.atomic
def decline_claim(claim: HoursClaim, *, by: Any, reason: str) -> HoursClaim:
    claim = _waiting(claim, by)
    errors: Errors = {}
    reason = required(errors, "reason", reason, _("Say why the claim is declined."))
    reason = within_length(errors, "reason", reason, REASON_LENGTH)
    refuse(errors)
    claim.state, claim.reason = ClaimState.DECLINED, reason
    claim.decided_by, claim.decided_at = by, timezone.now()
    claim.save(update_fields=["state", "reason", "decided_by", "decided_at", "updated_at"])
    transaction.on_commit(lambda: tell_volunteer(claim))
    return claim


def tell_volunteer(claim: HoursClaim) -> None:
    """The answer to a claim in the inbox of the volunteer who made it (in each language, read
    in theirs): they need not come back to their page to learn it, nor why it was declined."""
    account = claim.volunteer.account
    if account is None:
        return

    def wording() -> tuple[str, str]:
        title = _("Your %(hours)s hours on %(day)s: %(state)s") % {
            "hours": claim.hours, "day": claim.served_on.isoformat(),
            "state": claim.get_state_display()}
        body = (claim.reason if claim.state == ClaimState.DECLINED
                else _("Counted in your hours on %(project)s.") % {"project": claim.project.name})
        return title, body

    notify_users([account], worded(wording), link=reverse("volunteers:me"),
                 area=claim.project.area)
