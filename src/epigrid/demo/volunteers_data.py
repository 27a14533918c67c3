"""The demo's volunteers 志愿服务 over the outbreak's weeks: about twenty projects (checkpoint
duty, deliveries to the quarantined, care for the elderly living alone in the first towns; the
district's counselling hotline, publicity, a car pool for medical staff, a project starting next
week), two of them closed since; about 400 volunteers of the district's villages, most of the
first towns', some of the others' serving the district's projects, thirty left since; and about
3,000 days of service 服务时长 recorded over the last four weeks; then what the volunteers do
themselves 我的志愿服务 (volunteers_self_data.py): the demo login `volunteer`, about 150
sign-ups 报名 and twenty claims 时长申报 waiting.

Written by the demo's personas (made without a password when missing, as demo.mobilization_data
does): each town's officer (the command for the other towns and the district) registers,
opens and closes through volunteers.services. The hours go by a bulk path, `RecordSheet`:
through `services.record_hours` they cost 3 ms of CPU a record (a savepoint, the project's and
the volunteer's locks, two look-ups, the row and its audit entry: 9 s for the demo, three times
the demo's tests), in bulk 0.1 s. The sheet
checks every rule of record_hours first, from the services' own pieces (parse_hours, a
project's days, a volunteer's), in memory: the demo's volunteers are new, no record of theirs is
in the database. Its rows skip the per-row audit, as the generator's bulk rows do. A project is
closed and a volunteer leaves before their hours are recorded: a day after either is refused,
not merely avoided. Each row is then put back to the moment it happened."""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Model, Sum
from django.utils import timezone

from epigrid.accounts.models import User
from epigrid.areas.access import sees
from epigrid.areas.models import Area, Level
from epigrid.core.days import local_moment
from epigrid.demo import volunteers_texts as texts
from epigrid.demo.mobilization_data import demo_logins
from epigrid.registry import synthetic
from epigrid.volunteers import services
from epigrid.volunteers.models import DAY_HOURS, Project, ProjectKind, ServiceRecord, Volunteer

LOGINS = ("command", "officer1", "officer2")
Plan = tuple[Any, ...]  # a row of volunteers_texts' project plans


@dataclass
class Serving:
    """A volunteer and the projects they serve."""

    volunteer: Volunteer
    projects: list[Project] = field(default_factory=list)


class Story:
    """Who keeps the district's volunteers, and when things happened."""

    def __init__(self, rng: random.Random, now: datetime.datetime, people: dict[str, User]):
        self.rng, self.now, self.today = rng, now, timezone.localdate(now)
        self.command = people["command"]
        self.officers = [people["officer1"], people["officer2"]]
        self.phones: set[str] = set()

    def day(self, back: int) -> datetime.date:
        return self.today - datetime.timedelta(days=back)

    def moment(self, day: datetime.date, hour: int) -> datetime.datetime:
        at = local_moment(day, datetime.time(hour)) + datetime.timedelta(
            minutes=self.rng.randrange(60))
        return min(at, self.now)

    def by(self, path: str) -> User:
        """The area's demo officer (the town's, for its villages too), else the command."""
        return next((user for user in self.officers if user.home_area is not None
                     and path.startswith(user.home_area.path)), self.command)

    def phone(self) -> str:
        while (number := synthetic.mobile(self.rng)) in self.phones:
            pass
        self.phones.add(number)
        return number


def write_volunteers(root: Area, seed: int, now: datetime.datetime | None = None
                     ) -> dict[str, Any]:
    """The projects, volunteers and hours served of the first district under `root`; how
    many."""
    rng, now = random.Random(seed + 59), now or timezone.now()
    district = (Area.objects.filter(level=Level.DISTRICT, path__startswith=root.path)
                .order_by("path").first() or root)
    towns = list(Area.objects.filter(level=Level.TOWN, path__startswith=district.path)
                 .order_by("path"))
    if not towns:
        return {"volunteers": 0}
    story = Story(rng, now, demo_logins(LOGINS))
    first = towns[:texts.PROJECT_TOWNS]
    projects = _projects(story, district, first)
    people = _volunteers(story, district, first, towns, projects)
    _leaving(story, people)
    _records(story, people)
    # Imported here: the volunteers' own writes build on this module's story.
    from epigrid.demo.volunteers_self_data import write_self_service

    theirs = write_self_service(story, people, [p for found in projects.values() for p in found])
    volunteers = Volunteer.objects.filter(area__path__startswith=district.path)
    records = ServiceRecord.objects.filter(project__area__path__startswith=district.path)
    hours = records.aggregate(total=Sum("hours"))["total"] or Decimal(0)
    return {"volunteers": volunteers.count(),
            "serving": volunteers.filter(left_on__isnull=True).count(),
            "projects": Project.objects.filter(area__path__startswith=district.path).count(),
            "records": records.count(), "hours": float(hours)} | theirs


def _open(story: Story, area: Area, plan: Plan) -> Project:
    kind, name, needed, back, ahead, closed, description = plan
    starts = story.day(back)
    project = services.open_project(
        area, by=story.by(area.path), kind=kind, name=name.format(area=area.name),
        starts_on=starts, volunteers_needed=needed, description=description,
        ends_on=None if ahead is None else story.today + datetime.timedelta(days=ahead))
    # Announced the day before it started (one starting ahead: yesterday).
    announced = min(starts, story.today) - datetime.timedelta(days=1)
    Project.objects.filter(pk=project.pk).update(created_at=story.moment(announced, 16))
    if closed is not None:
        project = services.close_project(project, by=story.by(area.path), on=story.day(closed))
    return project


def _projects(story: Story, district: Area, towns: list[Area]) -> dict[int, list[Project]]:
    """Each first town's projects (the first town's door-to-door round too), and the
    district's, keyed by their area's id."""
    found: dict[int, list[Project]] = {}
    for number, town in enumerate(towns):
        plans = texts.TOWN_PROJECTS + (texts.FIRST_TOWN if number == 0 else ())
        found[town.pk] = [_open(story, town, plan) for plan in plans]
    found[district.pk] = [_open(story, district, plan) for plan in texts.DISTRICT_PROJECTS]
    return found


def _villages(towns: Iterable[Area]) -> list[Area]:
    return list(Area.objects.filter(level=Level.VILLAGE, parent__in=list(towns))
                .select_related("parent").order_by("path"))


def _volunteers(story: Story, district: Area, first: list[Area], towns: list[Area],
                projects: dict[int, list[Project]]) -> list[Serving]:
    """Most in the first towns' villages, serving their town's projects and the district's;
    some of the other towns', serving the district's only."""
    rng, today = story.rng, story.today
    near = _villages(first) or first
    far = _villages(towns[texts.PROJECT_TOWNS:]) or near
    began = {pk: [p for p in found if p.starts_on <= today] for pk, found in projects.items()}
    people = []
    for _ in range(texts.VOLUNTEERS):
        home = rng.choice(far if rng.random() < texts.ELSEWHERE_SHARE else near)
        town = began.get(home.parent_id or 0, [])
        ours = town if town and rng.random() < 0.8 else began[district.pk]
        chosen = [rng.choice(ours)]
        others = [p for p in town + began[district.pk] if p not in chosen]
        if others and rng.random() < texts.SECOND_PROJECT_SHARE:
            chosen.append(rng.choice(others))
        early = rng.random() < texts.EARLY_SHARE
        back = rng.randrange(18, texts.REGISTERED_BACK[0] + 1) if early else rng.randrange(18)
        skills = texts.SKILLS[ProjectKind(chosen[0].kind)]  # what their first project needs
        volunteer = services.register(
            home, by=story.by(home.path), name=synthetic.name(rng), phone=story.phone(),
            registered_on=story.day(back), skills=rng.choice(skills),
            party_member=rng.random() < texts.PARTY_SHARE)
        people.append(Serving(volunteer, chosen))
    stamp(Volunteer, story, {p.volunteer.pk: p.volunteer.registered_on for p in people}, 9)
    return people


def _leaving(story: Story, people: list[Serving]) -> None:
    """退出: some who served at least five days leave, before today."""
    old = [p for p in people if p.volunteer.registered_on <= story.day(7)]
    for person in story.rng.sample(old, min(texts.LEFT, len(old))):
        volunteer = person.volunteer
        stay = (story.today - volunteer.registered_on).days
        on = volunteer.registered_on + datetime.timedelta(days=story.rng.randrange(5, stay))
        person.volunteer = services.leave(volunteer, by=story.by(volunteer.area.path), on=on)


def _days(story: Story, volunteer: Volunteer, project: Project) -> list[datetime.date]:
    """The days both served: registered, not left; the project open; not after today."""
    first = max(volunteer.registered_on, project.starts_on)
    ends = [story.today] + [d for d in (volunteer.left_on, project.last_day) if d is not None]
    last = min(ends)
    return [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]


class RecordSheet:
    """Hours served 服务时长 written in bulk, each checked against the rules of
    services.record_hours (a refusal is a ValueError naming the rule: a bug in the plan)."""

    def __init__(self, today: datetime.date) -> None:
        self.today, self.rows = today, list[ServiceRecord]()
        self.a_day: dict[tuple[int, datetime.date], Decimal] = defaultdict(Decimal)
        self.once: set[tuple[int, int, datetime.date]] = set()

    def add(self, project: Project, volunteer: Volunteer, *, by: User,
            served_on: datetime.date, hours: str, note: str = "") -> None:
        amount, key = services.parse_hours(hours), (project.pk, volunteer.pk, served_on)
        refused = [rule for rule, broken in (
            ("the recorder sees the project's area", not sees(by, project.area.path)),
            ("the recorder sees the volunteer's area", not sees(by, volunteer.area.path)),
            ("hours more than 0 and at most 24, in half hours", amount is None),
            ("the project open on the day", not project.is_open(served_on)),
            ("the volunteer registered on the day", not volunteer.is_active(served_on)),
            ("the day not in the future", served_on > self.today),
            ("once a day per project", key in self.once),
            ("at most 24 hours a day", self.a_day[volunteer.pk, served_on]
             + (amount or 0) > DAY_HOURS)) if broken]
        if refused or amount is None:
            raise ValueError(f"{volunteer.name} on {served_on}, {project.name}: {refused}")
        self.once.add(key)
        self.a_day[volunteer.pk, served_on] += amount
        self.rows.append(ServiceRecord(project=project, volunteer=volunteer, served_on=served_on,
                                       hours=amount, note=note.strip(), recorded_by=by))

    def write(self) -> list[ServiceRecord]:
        return ServiceRecord.objects.bulk_create(self.rows, batch_size=1000)


def _records(story: Story, people: list[Serving]) -> None:
    """Each volunteer turns out on a share of their days, on one of their projects; the days
    in order, each recorded by the project's keeper."""
    rng, sheet = story.rng, RecordSheet(story.today)
    planned: list[tuple[datetime.date, int, Project, Volunteer]] = []
    for person in people:
        turnout = rng.choice(texts.TURNOUT) / len(person.projects)
        for project in person.projects:
            planned += [(day, len(planned), project, person.volunteer)
                        for day in _days(story, person.volunteer, project)
                        if rng.random() < turnout]
    for day, _order, project, volunteer in sorted(planned, key=lambda row: row[:2]):
        kind = ProjectKind(project.kind)
        note = rng.choice(texts.NOTES[kind]) if rng.random() < texts.NOTE_SHARE else ""
        sheet.add(project, volunteer, by=story.by(project.area.path), served_on=day,
                  hours=rng.choice(texts.HOURS[kind]), note=note)
    stamp(ServiceRecord, story, {record.pk: record.served_on for record in sheet.write()}, 19)


def stamp(model: type[Model], story: Story, days: dict[int, datetime.date], hour: int) -> None:
    """Put the rows back to the day they happened (about `hour` o'clock): one update a day."""
    by_day: dict[datetime.date, list[int]] = defaultdict(list)
    for pk, day in days.items():
        by_day[day].append(pk)
    for day, pks in sorted(by_day.items()):
        model._default_manager.filter(pk__in=pks).update(created_at=story.moment(day, hour))
