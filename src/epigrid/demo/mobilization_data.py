"""The demo's mobilization 力量下沉 over the outbreak's four weeks: sector work groups and party
commando teams in the first towns, pioneer posts at checkpoints' villages, three medical teams
in batches (the first stood down when the second took over); about 300 people sent down, some
back at their units since; twenty commendations; the district's fund 一线人员慰问金 (two
approvals above 5,000 yuan) and the first town's, with forty payments in every state.

Written through the services by the demo's personas (made without a password when missing, as
demo.supervision_data does): officers apply, the command and the administrator approve,
logistics pays. Each step is then put back to the moment it happened; the funds' steps are
played in the order of their moments, so a ledger never dips below 0."""

from __future__ import annotations

import datetime
import itertools
import random
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from typing import Any

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from epigrid.accounts.models import User
from epigrid.areas.models import Area, Checkpoint, Facility, Level
from epigrid.core.access import Role
from epigrid.core.days import local_moment
from epigrid.demo import mobilization_texts as texts
from epigrid.demo.personas import PERSONAS, home_areas
from epigrid.mobilization import funds, services
from epigrid.mobilization.models import (
    Approval,
    Commendation,
    Deployment,
    Fund,
    FundEntry,
    Payment,
    PaymentKind,
    Team,
    TeamKind,
)
from epigrid.registry import synthetic

DAYS = 28  # the outbreak's four weeks (demo.outbreak_data): the first teams came as it began
LOGINS = ("admin", "command", "officer1", "officer2", "logistics")


def demo_logins(names: tuple[str, ...] = LOGINS) -> dict[str, User]:
    """The demo logins named, as demo.personas has them; made without a password if missing."""
    homes, unusable = home_areas(), make_password(None)
    found: dict[str, User] = {}
    for persona in PERSONAS:
        if persona.username in names:
            admin = persona.role == Role.ADMIN
            found[persona.username] = User.objects.filter(username=persona.username).first() or (
                User.objects.create(username=persona.username, role=persona.role,
                                    home_area=homes.get(persona.home), password=unusable,
                                    is_superuser=admin, is_staff=admin))
    return found


class _Story:
    """Who does what in the district's mobilization, and when it happened."""

    def __init__(self, rng: random.Random, now: datetime.datetime, people: dict[str, User]):
        self.rng, self.now, self.today = rng, now, timezone.localdate(now)
        self.people = people
        self.officers = [people["officer1"], people["officer2"]]
        self.phones: set[str] = set()

    def day(self, back: int) -> datetime.date:
        return self.today - datetime.timedelta(days=max(0, back))

    def moment(self, day: datetime.date, hour: int) -> datetime.datetime:
        at = local_moment(day, datetime.time(hour)) + datetime.timedelta(
            minutes=self.rng.randrange(60))
        return min(at, self.now)

    def later(self, at: datetime.datetime, low: int, high: int) -> datetime.datetime:
        return min(at + datetime.timedelta(minutes=self.rng.randrange(low * 60, high * 60)),
                   self.now)

    def by(self, path: str) -> User:
        """The area's demo officer (the town's, for its villages too), else the command."""
        return next((user for user in self.officers if user.home_area is not None
                     and path.startswith(user.home_area.path)), self.people["command"])

    def phone(self) -> str:
        while (number := synthetic.mobile(self.rng)) in self.phones:
            pass
        self.phones.add(number)
        return number


def write_mobilization(root: Area, seed: int, now: datetime.datetime | None = None
                       ) -> dict[str, Any]:
    """The teams, people sent down, commendations and funds of the first district under `root`;
    how many."""
    rng, now = random.Random(seed + 53), now or timezone.now()
    district = (Area.objects.filter(level=Level.DISTRICT, path__startswith=root.path)
                .order_by("path").first() or root)
    towns = list(Area.objects.filter(level=Level.TOWN, path__startswith=district.path)
                 .order_by("path"))
    if not towns:
        return {"teams": 0}
    story = _Story(rng, now, demo_logins())
    teams = _teams(story, district, towns)
    people = _people(story, teams, towns)
    _departures(story, teams, people)
    _commendations(story, district, teams, people)
    _funds(story, district, towns[0], people)
    scope = {"area__path__startswith": district.path}
    return {"teams": Team.objects.filter(**scope).count(),
            "deployments": Deployment.objects.filter(**scope).count(),
            "on_duty": Deployment.objects.filter(left_on__isnull=True, **scope).count(),
            "commendations": Commendation.objects.filter(**scope).count(),
            "payments": Payment.objects.filter(fund__area__path__startswith=district.path)
            .count()}


def _form(story: _Story, area: Area, kind: TeamKind, **fields: Any) -> Team:
    formed = story.day(fields.pop("back", texts.FORMED_BACK.get(kind, 0)))
    fields.setdefault("sent_by", texts.TEAM_SENT_BY.get(kind, ""))
    fields.setdefault("duties", texts.TEAM_DUTIES[kind])
    name = texts.TEAM_NAMES[kind].format(area=area.name, batch=fields.get("batch"))
    team = services.form_team(area, by=story.by(area.path), kind=kind, name=name,
                              formed_on=formed, **fields)
    Team.objects.filter(pk=team.pk).update(created_at=story.moment(formed, 8))
    return team


def _teams(story: _Story, district: Area, towns: list[Area]) -> list[Team]:
    teams = [_form(story, town, TeamKind.SECTOR) for town in towns[:texts.SECTOR_TOWNS]]
    teams += [_form(story, town, TeamKind.COMMANDO) for town in towns[:texts.COMMANDO_TOWNS]]
    villages = dict.fromkeys(checkpoint.area for checkpoint in Checkpoint.objects.filter(
        area__path__startswith=district.path).select_related("area").order_by("area__path"))
    teams += [_form(story, village, TeamKind.PIONEER)
              for village in list(villages)[:texts.PIONEER_POSTS]]
    sites = list(Facility.objects.filter(
        area__path__startswith=district.path, area__level=Level.TOWN,
        kind__in=[Facility.Kind.FEVER_CLINIC, Facility.Kind.QUARANTINE_SITE])
        .select_related("area").order_by("kind", "code")[:len(texts.MEDICAL)])
    for number, (batch, hospital, back, _left) in enumerate(texts.MEDICAL):
        site = sites[number % len(sites)] if sites else None
        area = site.area if site is not None else towns[number % len(towns)]
        duties = texts.TEAM_DUTIES[TeamKind.MEDICAL].format(site=(site or area).name)
        teams.append(_form(story, area, TeamKind.MEDICAL, back=back, batch=batch,
                           sent_by=hospital, duties=duties))
    return teams


def _person(story: _Story, area: Area, team: Team | None, arrived: datetime.date,
            leader: bool = False) -> Deployment:
    rng, medical = story.rng, team is not None and team.kind == TeamKind.MEDICAL
    party = (leader or (team is not None and team.kind in (TeamKind.COMMANDO, TeamKind.PIONEER))
             or rng.random() < texts.PARTY_SHARE)
    return services.deploy(
        area, by=story.by(area.path), name=synthetic.name(rng), phone=story.phone(),
        unit=team.sent_by if medical and team is not None else rng.choice(texts.UNITS),
        post=rng.choice(texts.MEDICAL_POSTS if medical else texts.POSTS), team=team,
        arrived_on=min(arrived, story.today), party_member=party, leader=leader,
        duties="" if medical else rng.choice(texts.DUTIES))


def _people(story: _Story, teams: list[Team], towns: list[Area]) -> list[Deployment]:
    rng, people = story.rng, []
    villages = {town.pk: list(Area.objects.filter(parent=town).order_by("path"))
                for town in towns[:texts.SECTOR_TOWNS]}
    for team in teams:
        places = villages.get(team.area_id, []) if team.kind == TeamKind.SECTOR else []
        for number in range(texts.MEMBERS[TeamKind(team.kind)]):
            area = places[number % len(places)] if places else team.area
            arrived = team.formed_on + datetime.timedelta(days=rng.choice((0, 0, 0, 1, 2)))
            people.append(_person(story, area, team, arrived, leader=number == 0))
    spread = [village for town in towns[:texts.SECTOR_TOWNS]
              for village in villages[town.pk]] or towns
    for _ in range(texts.ON_THEIR_OWN):
        people.append(_person(story, rng.choice(spread), None,
                              story.day(rng.randrange(3, DAYS - 2))))
    by_day: dict[datetime.date, list[int]] = defaultdict(list)
    for person in people:
        by_day[person.arrived_on].append(person.pk)
    for day, pks in by_day.items():  # recorded on the morning they arrived
        Deployment.objects.filter(pk__in=pks).update(created_at=story.moment(day, 9))
    return people


def _departures(story: _Story, teams: list[Team], people: list[Deployment]) -> None:
    """The first medical batch stands down; a few others go back to their units 返岗."""
    for batch, _hospital, _formed, left in texts.MEDICAL:
        team = next((t for t in teams if t.kind == TeamKind.MEDICAL and t.batch == batch), None)
        if left is not None and team is not None:
            services.stand_down_team(team, by=story.by(team.area.path), on=story.day(left))
    gone = {team.pk for team in teams if team.stood_down_on is not None or team.batch == 1}
    still = [person for person in people if not person.leader and person.team_id not in gone
             and person.arrived_on < story.day(3)]
    for person in story.rng.sample(still, min(texts.RECALLED, len(still))):
        stay = (story.today - person.arrived_on).days
        services.recall(person, by=story.by(person.area.path), on=person.arrived_on
                        + datetime.timedelta(days=story.rng.randrange(2, stay)))


def _commendations(story: _Story, district: Area, teams: list[Team],
                   people: list[Deployment]) -> None:
    rng, command = story.rng, story.people["command"]
    party = [person for person in people if person.party_member]
    for number in range(texts.COMMENDATIONS):
        honour, whom, citation = texts.HONOURS[number % len(texts.HONOURS)]
        day = story.day(rng.randrange(0, 10))
        kinds = [team for team in teams if team.kind == whom] or teams
        named: dict[str, Any] = (
            {"team": rng.choice(kinds)} if whom in ("team", "commando", "pioneer")
            else {"recipient": synthetic.name(rng)} if whom == "named"
            else {"deployment": rng.choice(party if whom == "party" else people)})
        commendation = services.commend(
            district, by=command, honour=honour, awarded_on=day, citation=citation,
            awarded_by=texts.AWARDED_BY[number % len(texts.AWARDED_BY)], **named)
        Commendation.objects.filter(pk=commendation.pk).update(
            created_at=story.moment(day, 15))


Step = tuple[datetime.datetime, int, Callable[[datetime.datetime], None]]


class _Ledger:
    """The funds' steps (receipts, applications, decisions, payments), played in time order."""

    def __init__(self, story: _Story) -> None:
        self.story, self.order, self.vouchers = story, itertools.count(), itertools.count(1)
        self.steps: list[Step] = []
        # The payments' states, in turn: the older ones', then the last days'.
        self.older, self.recent = itertools.cycle(texts.OLDER), itertools.cycle(texts.RECENT)

    def at(self, moment: datetime.datetime, step: Callable[[datetime.datetime], None]) -> None:
        self.steps.append((moment, next(self.order), step))

    def play(self) -> None:
        for moment, _order, step in sorted(self.steps, key=lambda s: (s[0], s[1])):
            step(moment)

    def receipts(self, fund: Fund, plan: tuple[tuple[str, str, int, str], ...]) -> None:
        for counterpart, amount, back, note in plan:
            self.at(self.story.moment(self.story.day(back), 10),
                    partial(self.receive, fund, counterpart, Decimal(amount), note))

    def receive(self, fund: Fund, counterpart: str, amount: Decimal, note: str,
                at: datetime.datetime) -> None:
        entry = funds.receive(fund, by=self.story.people["logistics"], amount=amount, note=note,
                              counterpart=counterpart,
                              voucher=f"SK{at:%Y%m%d}-{next(self.vouchers):03d}")
        FundEntry.objects.filter(pk=entry.pk).update(at=at)

    def payment(self, fund: Fund, person: Deployment, day: datetime.date, state: str) -> None:
        """Applied for by `person`'s officer on `day`, then taken to `state` (the approvers in
        a random order; "partial": the first of two approvals, above the fund's limit)."""
        story, rng = self.story, self.story.rng
        kind, low, high = rng.choice(texts.KINDS)
        two = fund.second_approval_over is not None
        state = "submitted" if state == "partial" and not two else state
        if state == "partial" or (two and state == "paid" and rng.random() < 0.3):
            kind, low, high = PaymentKind.CONDOLENCE, 6000, 10000  # above the fund's limit
        amount = Decimal(rng.randrange(low // 100, high // 100 + 1) * 100)
        approvers = [story.people["command"], story.people["admin"]][::rng.choice((1, -1))]
        at, held = story.moment(day, rng.randrange(9, 17)), list[Payment]()
        self.at(at, partial(self.apply, held, fund, person, kind, amount,
                            "" if rng.random() < 0.8 else f"{person.name}家属"))
        if state == "submitted":
            return
        at = story.later(at, 2, 20)
        self.at(at, partial(self.decide, held, approvers[0], state == "rejected"))
        if state in ("partial", "rejected"):
            return
        if fund.approvals_needed(amount) == 2:
            at = story.later(at, 1, 10)
            self.at(at, partial(self.decide, held, approvers[1], False))
        if state == "paid":
            self.at(story.later(at, 4, 30), partial(self.pay, held))

    def apply(self, held: list[Payment], fund: Fund, person: Deployment, kind: PaymentKind,
              amount: Decimal, beneficiary: str, at: datetime.datetime) -> None:
        payment = funds.apply(fund, person.area, by=self.story.by(person.area.path), kind=kind,
                              amount=amount, reason=self.story.rng.choice(texts.REASONS[kind]),
                              deployment=person, beneficiary=beneficiary)
        Payment.objects.filter(pk=payment.pk).update(applied_at=at, created_at=at)
        held.append(payment)

    def decide(self, held: list[Payment], by: User, reject: bool, at: datetime.datetime) -> None:
        if reject:
            funds.reject(held[0], by=by, note=self.story.rng.choice(texts.REJECTIONS))
        else:
            funds.approve(held[0], by=by, note=self.story.rng.choice(texts.APPROVAL_NOTES))
        Approval.objects.filter(payment=held[0], by=by).update(at=at)
        Payment.objects.filter(pk=held[0].pk, decided_at__isnull=False).update(decided_at=at)

    def pay(self, held: list[Payment], at: datetime.datetime) -> None:
        entry = funds.pay(held[0], by=self.story.people["logistics"],
                          voucher=f"FK{at:%Y%m%d}-{next(self.vouchers):03d}")
        FundEntry.objects.filter(pk=entry.pk).update(at=at)
        Payment.objects.filter(pk=held[0].pk).update(paid_at=at)

    def fund(self, fund: Fund, back: int, receipts: tuple[tuple[str, str, int, str], ...],
             count: int, places: list[Area | None], people: list[Deployment]) -> None:
        """Opened `back` days ago, its receipts, then `count` payments for people of `places`."""
        story = self.story
        Fund.objects.filter(pk=fund.pk).update(created_at=story.moment(story.day(back), 8))
        self.receipts(fund, receipts)
        paths = [place.path for place in places if place is not None]
        for number in range(count):
            ago = back - 3 - number * (back - 3) // max(1, count - 1)
            day = story.day(ago)
            there = [person for person in people if person.arrived_on <= day
                     and any(person.area.path.startswith(path) for path in paths)] or people
            state = next(self.older if ago >= texts.RECENT_DAYS else self.recent)
            self.payment(fund, story.rng.choice(there), day, state)


def _funds(story: _Story, district: Area, town: Area, people: list[Deployment]) -> None:
    """The district's fund, applied to by both demo towns, and the first town's own."""
    name, limit = texts.DISTRICT_FUND
    ledger = _Ledger(story)
    ledger.fund(funds.open_fund(district, by=story.people["command"], name=name,
                                second_approval_over=Decimal(limit)),
                26, texts.DISTRICT_RECEIPTS, texts.PAYMENTS,
                [officer.home_area for officer in story.officers], people)
    ledger.fund(funds.open_fund(town, by=story.by(town.path),
                                name=f"{town.name}{texts.TOWN_FUND}"),
                23, texts.TOWN_RECEIPTS, texts.TOWN_PAYMENTS, [town], people)
    ledger.play()
