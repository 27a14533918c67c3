"""The demo's self-service 我的志愿服务 (volunteers.self_service), once its volunteers have served
(volunteers_data.py writes them, then calls this):

- the demo login `volunteer` (demo.personas): a serving volunteer of the first town's first
  village, whose account carries the phone the officers registered, so `self_service.enrol`
  links the two; signed up 报名 to two open projects of its line (its town's, the district's),
  with a claim 时长申报 confirmed (recorded through `record_hours`), one declined with a reason
  and one waiting for the town's officer;
- about 150 sign-ups standing today: most made by the officers for volunteers of the projects
  they serve (from the sign-up sheet), twenty to the district's project starting next week. They
  go in bulk through `SignupSheet`, which checks each rule of `self_service.sign_up` first, in
  memory, as `RecordSheet` does the hours' (through the service they would cost 1,200
  statements);
- twenty volunteers with an account of their own (made without a password, as demo.officer_data's
  village officers, and enrolled through `self_service.enrol`), each with a claim waiting on a
  project they signed up to, six with an earlier one answered. Few, so through the services:
  every rule is checked there, and the days claimed are chosen so that a keeper may confirm
  every waiting claim (its day's hours, the claims' among them, stay within 24).

Each row is then put back to the moment it happened: a sign-up on the day its project was
announced (or its volunteer registered), a claim on the evening of the day served, its answer
the next morning, with the record confirming it made."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from epigrid.accounts.models import User
from epigrid.areas.models import Area, Level
from epigrid.core.access import Role
from epigrid.demo import volunteers_texts as texts
from epigrid.demo.personas import home_areas
from epigrid.demo.volunteers_data import Serving, Story, stamp
from epigrid.registry import synthetic
from epigrid.volunteers import self_service, services
from epigrid.volunteers.access import may_manage
from epigrid.volunteers.certificates import issue_certificate
from epigrid.volunteers.digest import send_claim_digests
from epigrid.volunteers.models import (
    DAY_HOURS,
    ClaimState,
    HoursClaim,
    Project,
    ProjectKind,
    ServiceRecord,
    Signup,
    Volunteer,
)


def write_self_service(story: Story, people: list[Serving], projects: list[Project]
                       ) -> dict[str, int]:
    """The login's enrolment, sign-ups and claims; the district's sign-ups and waiting claims;
    how many."""
    serving = [person for person in people if person.volunteer.is_active(story.today)]
    login = _the_login(story, serving)
    theirs = {volunteer.pk for _user, volunteer, _project in login}
    others = [person for person in serving if person.volunteer.pk not in theirs]
    sheet = SignupSheet(story.today, projects)
    _sign_up(story, sheet, others, projects)
    claimants = _claimants(story, sheet.write())
    desk = ClaimDesk(story, [volunteer for _user, volunteer, _project in login + claimants])
    for user, volunteer, project in login:  # one answered each way, then one waiting
        desk.claim(project, volunteer, by=user, back=4, answer=ClaimState.CONFIRMED)
        desk.claim(project, volunteer, by=user, back=3, answer=ClaimState.DECLINED)
        desk.claim(project, volunteer, by=user, back=1)
    for number, (user, volunteer, project) in enumerate(claimants):
        if number < texts.CLAIMANTS_ANSWERED:
            answer = ClaimState.DECLINED if number % 3 == 2 else ClaimState.CONFIRMED
            desk.claim(project, volunteer, by=user, back=3, answer=answer)
        desk.claim(project, volunteer, by=user, back=1)
    desk.stamp()
    standing = Signup.objects.filter(project__in=projects, withdrawn_at__isnull=True)
    stamp(Signup, story, {row.pk: _signed_on(row.project, row.volunteer)
                          for row in standing.select_related("project", "volunteer")}, 8)
    # The login's certificate of its hours 志愿服务时长证明, issued from its own page.
    for user, volunteer, _project in login[:1]:
        issue_certificate(volunteer, by=user)
    # This morning's digest 待确认提醒: the keepers' inboxes tell them of the claims waiting.
    digests = send_claim_digests()
    return {"signups": standing.count(),
            "claims_waiting": HoursClaim.objects.filter(project__in=projects,
                                                        state=ClaimState.PENDING).count(),
            "claim_digests": len(digests)}


def _signed_on(project: Project, volunteer: Volunteer) -> datetime.date:
    """The day the project was announced (volunteers_data._open: the day before it started,
    yesterday for one starting ahead), or the volunteer registered, the later."""
    return max(volunteer.registered_on, timezone.localdate(project.created_at))


Claimant = tuple[User, Volunteer, Project]  # an account, its volunteer, the project it claims on


def _the_login(story: Story, serving: list[Serving]) -> list[Claimant]:
    """The login `volunteer`, enrolled as a volunteer of the first town's first village and
    signed up to two open projects of its line: the one it claims on first."""
    town = home_areas()["town1"]
    village = (Area.objects.filter(level=Level.VILLAGE).within(town.path).order_by("path")
               .first() if town is not None else None)
    if village is None:
        return []
    registered = _the_volunteer(story, village, serving)
    user = User.objects.filter(username=texts.LOGIN).first() or User(
        username=texts.LOGIN, password=make_password(None))
    user.role, user.home_area, user.phone = Role.VOLUNTEER, village, registered.phone
    user.last_name, user.first_name = registered.name[:1], registered.name[1:]
    user.save()
    volunteer = self_service.enrol(user)  # the phone the officers registered: linked to it
    if volunteer.pk != registered.pk:
        raise ValueError(f"{texts.LOGIN} enrolled anew rather than as {registered.name}")
    served = {project.pk for person in serving if person.volunteer.pk == volunteer.pk
              for project in person.projects}
    open_today = [project for project in self_service.projects_open_to(volunteer, story.today)
                  .select_related("area") if project.is_open(story.today)]
    # The projects they serve first, their town's before the district's.
    picked = sorted(open_today, key=lambda p: (p.pk not in served, -len(p.area.path), p.pk))[:2]
    for project in picked:
        self_service.sign_up(project, volunteer, by=user)
    return [(user, volunteer, picked[0])] if picked else []


def _the_volunteer(story: Story, village: Area, serving: list[Serving]) -> Volunteer:
    """The village's serving volunteer registered first; else one its officer registers now
    (from the paper roster 花名册), ten days back."""
    ours = sorted((person.volunteer for person in serving
                   if person.volunteer.area_id == village.pk),
                  key=lambda volunteer: (volunteer.registered_on, volunteer.pk))
    if ours:
        return ours[0]
    volunteer = services.register(village, by=story.by(village.path),
                                  name=synthetic.name(story.rng), phone=story.phone(),
                                  registered_on=story.day(10))
    stamp(Volunteer, story, {volunteer.pk: volunteer.registered_on}, 9)
    return volunteer


class SignupSheet:
    """Sign-ups 报名 written in bulk, each checked against the rules of self_service.sign_up
    (`add` refuses with a ValueError naming the rules: a bug in the plan). The sign-ups
    standing already (the login's) count."""

    def __init__(self, today: datetime.date, projects: list[Project]) -> None:
        self.today, self.rows = today, list[Signup]()
        standing = Signup.objects.filter(project__in=projects, withdrawn_at__isnull=True)
        self.pairs: set[tuple[int, int]] = set(standing.values_list("project", "volunteer"))
        self.taken = Counter(project for project, _volunteer in self.pairs)

    def refusals(self, project: Project, volunteer: Volunteer, *, by: Any) -> list[str]:
        """The rules of self_service.sign_up that signing `volunteer` up would break."""
        last, needed = project.last_day, project.volunteers_needed
        own = by is not None and volunteer.account_id is not None and by.pk == volunteer.account_id
        return [rule for rule, broken in (
            ("the volunteer or the project's keeper signs up",
             not (own or may_manage(by, project.area.path))),
            ("the volunteer serving today", not volunteer.is_active(self.today)),
            ("a project of the volunteer's area or one above it",
             not volunteer.area.path.startswith(project.area.path)),
            ("the project not ended", last is not None and last < self.today),
            ("once", (project.pk, volunteer.pk) in self.pairs),
            ("not past the volunteers it needs",
             bool(needed) and self.taken[project.pk] >= needed)) if broken]

    def add(self, project: Project, volunteer: Volunteer, *, by: Any) -> None:
        refused = self.refusals(project, volunteer, by=by)
        if refused:
            raise ValueError(f"{volunteer.name}, {project.name}: {refused}")
        self.pairs.add((project.pk, volunteer.pk))
        self.taken[project.pk] += 1
        self.rows.append(Signup(project=project, volunteer=volunteer))

    def write(self) -> list[Signup]:
        return Signup.objects.bulk_create(self.rows, batch_size=1000)


def _sign_up(story: Story, sheet: SignupSheet, serving: list[Serving],
             projects: list[Project]) -> None:
    """The officers sign their volunteers up from the sheet: some to the projects starting
    ahead, then to the projects they serve, until the district has texts.SIGNUPS; a full
    project turns the rest away."""
    rng, today = story.rng, story.today
    for project in (p for p in projects if p.starts_on > today):
        by, ahead = story.by(project.area.path), 0
        for person in rng.sample(serving, len(serving)):
            if ahead < texts.SIGNUPS_AHEAD and not sheet.refusals(project, person.volunteer,
                                                                  by=by):
                sheet.add(project, person.volunteer, by=by)
                ahead += 1
    offers = [(project, person.volunteer) for person in serving for project in person.projects]
    for project, volunteer in rng.sample(offers, len(offers)):
        by = story.by(project.area.path)
        if len(sheet.pairs) < texts.SIGNUPS and not sheet.refusals(project, volunteer, by=by):
            sheet.add(project, volunteer, by=by)


def _claimants(story: Story, written: list[Signup]) -> list[Claimant]:
    """Volunteers signed up to a project open today, given an account of their own (their
    phone on it, their village its home) and enrolled by it: texts.CLAIMANTS of them, a
    quarter on the projects of each demo officer's town (so that `officer1` has claims to
    answer). The volunteer and the project of a week at least: the days claimed go back."""
    week = story.day(7)
    rows = [row for row in written if row.project.is_open(story.today)
            and row.project.starts_on <= week and row.volunteer.registered_on <= week]
    rows = story.rng.sample(rows, len(rows))
    passes = [(texts.CLAIMANTS // 4 * number, [row for row in rows
                                                if story.by(row.project.area.path) == officer])
              for number, officer in enumerate(story.officers, start=1)]
    chosen: dict[int, Signup] = {}
    for share, among in [*passes, (texts.CLAIMANTS, rows)]:
        for row in among:
            if len(chosen) < share:
                chosen.setdefault(row.volunteer.pk, row)
    unusable, picked = make_password(None), list(chosen.values())
    accounts = User.objects.bulk_create([
        User(username=texts.CLAIMANT_USERNAME.format(number=number), role=Role.VOLUNTEER,
             home_area=row.volunteer.area, phone=row.volunteer.phone,
             last_name=row.volunteer.name[:1], first_name=row.volunteer.name[1:],
             password=unusable) for number, row in enumerate(picked, start=1)])
    return [(user, self_service.enrol(user), row.project)
            for user, row in zip(accounts, picked, strict=True)]


class ClaimDesk:
    """Claims 时长申报 through the services, on days they accept: the volunteers' recorded days
    are read once, each claim's day added as it goes (a waiting claim's hours too, so that
    confirming it keeps the day within 24)."""

    def __init__(self, story: Story, volunteers: list[Volunteer]) -> None:
        self.story, self.claims = story, list[HoursClaim]()
        self.taken: set[tuple[int, int, datetime.date]] = set()
        self.a_day: dict[tuple[int, datetime.date], Decimal] = defaultdict(Decimal)
        for project, volunteer, day, hours in ServiceRecord.objects.filter(
                volunteer__in=volunteers).values_list("project", "volunteer", "served_on",
                                                      "hours"):
            self.taken.add((project, volunteer, day))
            self.a_day[volunteer, day] += hours

    def day(self, project: Project, volunteer: Volunteer, hours: Decimal,
            back: int) -> datetime.date:
        """The latest day from `back` days ago the claim is accepted on."""
        for offset in range(back, back + 28):
            day = self.story.day(offset)
            if (project.is_open(day) and volunteer.is_active(day)
                    and (project.pk, volunteer.pk, day) not in self.taken
                    and self.a_day[volunteer.pk, day] + hours <= DAY_HOURS):
                return day
        raise ValueError(f"{volunteer.name} has no day to claim on {project.name}")

    def claim(self, project: Project, volunteer: Volunteer, *, by: User, back: int,
              answer: ClaimState | None = None) -> HoursClaim:
        """A claim of a day from `back` days ago, answered by the project's keeper if
        `answer`."""
        rng, kind = self.story.rng, ProjectKind(project.kind)
        hours = Decimal(rng.choice(texts.HOURS[kind]))
        day = self.day(project, volunteer, hours, back)
        note = rng.choice(texts.NOTES[kind]) if rng.random() < texts.NOTE_SHARE else ""
        claim = self_service.claim_hours(project, volunteer, by=by, served_on=day, hours=hours,
                                         note=note)
        self.taken.add((project.pk, volunteer.pk, day))
        self.a_day[volunteer.pk, day] += hours
        keeper = self.story.by(project.area.path)
        if answer == ClaimState.CONFIRMED:
            claim = self_service.confirm_claim(claim, by=keeper)
        elif answer == ClaimState.DECLINED:
            claim = self_service.decline_claim(claim, by=keeper,
                                               reason=rng.choice(texts.DECLINE_REASONS))
        self.claims.append(claim)
        return claim

    def stamp(self) -> None:
        """Each claim made the evening of its day, answered the next morning (the record
        confirming it made then)."""
        for claim in self.claims:
            made = self.story.moment(claim.served_on, 20)
            fields: dict[str, Any] = {"created_at": made, "updated_at": made}
            if claim.decided_at is not None:
                decided = max(made, self.story.moment(
                    claim.served_on + datetime.timedelta(days=1), 9))
                fields |= {"decided_at": decided, "updated_at": decided}
                ServiceRecord.objects.filter(claim=claim).update(created_at=decided,
                                                                 updated_at=decided)
            HoursClaim.objects.filter(pk=claim.pk).update(**fields)
