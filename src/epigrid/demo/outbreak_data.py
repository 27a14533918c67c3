"""The demo's outbreak: several hundred cases in transmission chains, with their contacts,
quarantines, twice-daily follow-ups and nucleic-acid tests, over the last four weeks.

A few index cases return from a key area, infected there (imported cases 输入病例); the other
index cases are local 本土, their source never found; each infected person exposes their
household and a few neighbours of their village; some of those are infected in turn (a
branching process with a generation time of about five days). Every person gets one case whose
transitions follow the state machine of cases.states: contacts are quarantined and released
after two negative tests, or turn positive; patients go from fever through suspected to
confirmed and admission, and most of the early ones have recovered. Rows are written in bulk:
the story is fictional, the shapes are real.
"""

from __future__ import annotations

import datetime
import decimal
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, Min
from django.utils import timezone

from epigrid.areas.models import Area, Facility, Level
from epigrid.cases.models import (
    Case,
    Evidence,
    Exposure,
    FollowUp,
    Lab,
    LabTest,
    MissedFollowUp,
    Origin,
    Quarantine,
    QuarantineRoom,
    Severity,
    Source,
    Transition,
)
from epigrid.cases.states import TERMINAL, State
from epigrid.registry.models import Person

DAYS = 28
INDEX_CASES = {"tiny": 2, "district": 10, "city": 10}
# The first index cases are returnees infected in a key area: imported cases. Every case they
# cause here is local.
IMPORTED_INDEX_CASES = {"tiny": 1, "district": 3, "city": 3}
KEY_AREAS = ("武汉", "湖北孝感", "湖北黄冈")
MAX_INFECTED = {"tiny": 15, "district": 420, "city": 420}
# Secondary attack rates: about two infections per case before control (R0 near 2).
ATTACK: dict[str, float] = {Exposure.Setting.HOUSEHOLD: 0.4, Exposure.Setting.GATHERING: 0.2}
NEIGHBOURS = (2, 7)  # contacts outside the household, drawn from the village
ASYMPTOMATIC_SHARE = 0.2
CENTRALIZED_SHARE = 0.4
MISSED_SHARE = 0.03
ROOMS_PER_SITE = 40
# Residents who come to a fever clinic 发热门诊 with a fever of another cause (a cold, the
# flu), a few a day: a nucleic-acid test rules most out the next day; a shadow on a CT image
# keeps some suspected until a second negative test a day later. Without them the last days'
# fever and suspected counts were nearly all zero, as in 2020 they never were.
FEVER_VISITS = {"tiny": (0, 2), "district": (2, 6), "city": (2, 6)}
SUSPECTED_SHARE = 0.3
RESULT_HOURS = (4, 20)  # from sampling to result (Writer._test)
LABS = (("LAB-CDC", "区疾控中心实验室", 3000), ("LAB-HOSP", "区人民医院检验科", 2000),
        ("LAB-KINGMED", "第三方医学检验所", 5000))


def at_hour(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@dataclass
class Story:
    """One person's episode: the moves of their case, their quarantine and their tests."""

    person: Person
    moves: list[tuple[str, datetime.datetime, str, str]] = field(default_factory=list)
    onset: datetime.date | None = None
    quarantine: tuple[str, datetime.date] | None = None  # kind, start
    tests: list[tuple[datetime.datetime, str]] = field(default_factory=list)
    source: str = Source.TRACING
    origin: str = Origin.LOCAL
    imported_from: str = ""

    def move(self, state: str, at: datetime.datetime, reason: str, evidence: str = "") -> None:
        self.moves.append((state, at, reason, evidence))


class Outbreak:
    def __init__(self, scale: str, seed: int, root: Area) -> None:
        self.rng = random.Random(seed + 4)
        self.scale = scale
        self.today = timezone.localdate()
        self.start = self.today - datetime.timedelta(days=DAYS)
        self.root = root
        self.stories: dict[int, Story] = {}
        self.exposures: list[Exposure] = []
        self.infected = 0
        bounds = Person.objects.aggregate(low=Min("pk"), high=Max("pk"))
        self.low, self.high = bounds["low"] or 0, bounds["high"] or 0
        self.bounds_of: dict[str, tuple[int, int]] = {}

    def bounds(self, path: str) -> tuple[int, int]:
        """The lowest and highest person id under `path` (ids run by grid: a pivot between
        them finds someone of that place, not the first person after it anywhere)."""
        if not path:
            return self.low, self.high
        if path not in self.bounds_of:
            found = Person.objects.filter(area_path__startswith=path).aggregate(
                low=Min("pk"), high=Max("pk"))
            self.bounds_of[path] = (found["low"] or 0, found["high"] or -1)
        return self.bounds_of[path]

    def random_person(self, path: str = "") -> Person | None:
        low, high = self.bounds(path)
        if high < low:
            return None
        for _ in range(5):
            pivot = self.rng.randint(low, high)
            found = Person.objects.filter(pk__gte=pivot, area_path__startswith=path).order_by(
                "pk").first()
            if found is not None:
                return found
        return None

    def village_path(self, person: Person) -> str:
        parts = person.area_path.split("/")
        return "/".join(parts[:4]) + "/" if len(parts) > 4 else person.area_path

    def infect(self, person: Person, infected_on: datetime.date, generation: int,
               imported_from: str = "") -> None:
        story = self.stories.setdefault(person.pk, Story(person))
        if imported_from:
            story.origin, story.imported_from = Origin.IMPORTED, imported_from
        self.infected += 1
        onset = infected_on + datetime.timedelta(days=self.rng.randint(3, 7))
        asymptomatic = self.rng.random() < ASYMPTOMATIC_SHARE
        story.onset = None if asymptomatic else onset
        if story.quarantine is not None:  # a contact in quarantine: found by its tests
            found = max(onset, story.quarantine[1] + datetime.timedelta(days=1))
            if found > self.today:
                return
            story.tests.append((at_hour(found, 9), LabTest.Result.POSITIVE))
            story.move(State.ASYMPTOMATIC if asymptomatic else State.CONFIRMED,
                       at_hour(found, 15), "核酸阳性", Evidence.TEST)
        elif asymptomatic:
            return  # nobody knows yet
        else:
            story.source = Source.CLINIC if generation == 0 else Source.SCREENING
            visit = onset + datetime.timedelta(days=self.rng.randint(0, 2))
            if visit > self.today:
                return
            story.move(State.FEVER, at_hour(visit, 10), "发热门诊就诊")
            story.tests.append((at_hour(visit, 11), LabTest.Result.POSITIVE))
            story.move(State.SUSPECTED, at_hour(visit, 14), "肺部CT异常")
            confirmed = visit + datetime.timedelta(days=1)
            if confirmed > self.today:
                return
            story.move(State.CONFIRMED, at_hour(confirmed, 9), "核酸阳性", Evidence.TEST)
        self.treat(story)
        self.expose(story, infected_on, generation)

    def treat(self, story: Story) -> None:
        last = story.moves[-1][1].date()
        admitted = last + datetime.timedelta(days=1)
        if admitted > self.today:
            return
        story.move(State.ADMITTED, at_hour(admitted, 11), "收治入院")
        out = admitted + datetime.timedelta(days=self.rng.randint(10, 20))
        if out <= self.today:
            died = self.rng.random() < 0.02
            story.move(State.DIED if died else State.RECOVERED, at_hour(out, 10),
                       "死亡" if died else "治愈出院")

    def expose(self, story: Story, infected_on: datetime.date, generation: int) -> None:
        person = story.person
        contacts: list[tuple[Person, str]] = []
        if person.household_id:
            # In the order of their keys: PostgreSQL answers an unordered query in the order
            # the rows lie on disk, which space freed by earlier rows can change, and the draws
            # below would then fall to other persons: the seed's outbreak must be the seed's.
            contacts += [(member, Exposure.Setting.HOUSEHOLD) for member in
                         Person.objects.filter(household_id=person.household_id)
                         .exclude(pk=person.pk).order_by("pk")]
        met_already = {person.pk} | {member.pk for member, _setting in contacts}
        for _ in range(self.rng.randint(*NEIGHBOURS)):
            other = self.random_person(self.village_path(person))
            if other is not None and other.pk not in met_already:
                met_already.add(other.pk)
                contacts.append((other, Exposure.Setting.GATHERING))
        # Tracing starts when the case is found (its first move), or at once if never found.
        traced = story.moves[0][1].date() if story.moves else infected_on
        for contact, setting in contacts:
            met = min(self.today, infected_on + datetime.timedelta(days=self.rng.randint(3, 6)))
            self.exposures.append(Exposure(source=person, contact=contact,
                                           area_path=person.area_path, exposed_on=met,
                                           setting=setting))
            if contact.pk in self.stories:
                continue
            story_c = self.stories[contact.pk] = Story(contact)
            quarantined = max(met, traced) + datetime.timedelta(days=1)
            if quarantined <= self.today:
                story_c.move(State.CLOSE_CONTACT, at_hour(quarantined, 9), "流调判定为密接")
                kind = (Quarantine.Kind.CENTRALIZED if self.rng.random() < CENTRALIZED_SHARE
                        else Quarantine.Kind.HOME)
                story_c.quarantine = (kind, quarantined)
                story_c.move(State.QUARANTINED, at_hour(quarantined, 12), "落实隔离")
            if (self.infected < MAX_INFECTED[self.scale]
                    and self.rng.random() < ATTACK[setting]):
                self.infect(contact, met, generation + 1)
            elif story_c.quarantine is not None:
                self.release(story_c)

    def release(self, story: Story) -> None:
        if story.quarantine is None:
            return
        start = story.quarantine[1]
        end = start + datetime.timedelta(days=14)
        for offset in (1, 13):
            day = start + datetime.timedelta(days=offset)
            if day <= self.today:
                story.tests.append((at_hour(day, 9), LabTest.Result.NEGATIVE))
        if end <= self.today:
            story.move(State.RELEASED, at_hour(end, 10), "期满两次核酸阴性", Evidence.TEST)

    def run(self) -> None:
        grids = list(Area.objects.filter(level=Level.GRID, path__startswith=self.root.path)
                     .order_by("path").values_list("path", flat=True))
        # The index cases spread over the district: grids evenly apart along the tree, so
        # several towns have an outbreak, not only the first.
        count = INDEX_CASES[self.scale]
        for index in range(count):
            grid = grids[index * len(grids) // count] if grids else self.root.path
            person = self.random_person(grid)
            if person is None or person.pk in self.stories:
                continue
            imported = index < IMPORTED_INDEX_CASES[self.scale]
            place = (person.returnee_origin or KEY_AREAS[index % len(KEY_AREAS)]
                     if imported else "")
            self.infect(person, self.start + datetime.timedelta(days=index), 0,
                        imported_from=place)

    def fever_clinics(self) -> None:
        """The fever clinics' other patients of every day up to now, none of them infected
        (after run(): the outbreak's chains are the seed's, whatever these draw)."""
        now = timezone.now()
        for offset in range(DAYS + 1):
            day = self.start + datetime.timedelta(days=offset)
            for _ in range(self.rng.randint(*FEVER_VISITS[self.scale])):
                visit = at_hour(day, self.rng.randint(8, 20))
                person = self.random_person()
                if person is None or person.pk in self.stories or visit > now:
                    continue
                story = self.stories[person.pk] = Story(person, source=Source.CLINIC)
                self.rule_out(story, visit)

    def rule_out(self, story: Story, visit: datetime.datetime) -> None:
        """A fever patient tested at once, excluded once the negative result is in (two, a day
        apart, for a suspected one); up_to() leaves out what is still to come."""
        hour = datetime.timedelta(hours=1)
        suspected = self.rng.random() < SUSPECTED_SHARE
        story.move(State.FEVER, visit, "发热门诊就诊")
        tests = [visit + hour]
        if suspected:
            story.move(State.SUSPECTED, visit + 3 * hour, "肺部CT异常")
            tests.append(visit + 25 * hour)
        story.tests += [(at, LabTest.Result.NEGATIVE) for at in tests]
        # After the latest moment its last result may come (Writer._test).
        story.move(State.EXCLUDED, tests[-1] + (RESULT_HOURS[1] + 1) * hour,
                   "两次核酸阴性(间隔24小时),排除" if suspected else "核酸阴性,排除", Evidence.TEST)

    def up_to(self, now: datetime.datetime) -> None:
        """Leave out what the stories tell after `now`: their days are planned at set hours
        (a move at 15:00 today, told at 09:30, had not happened yet)."""
        for story in self.stories.values():
            story.moves = [move for move in story.moves if move[1] <= now]
            story.tests = [test for test in story.tests if test[0] <= now]
            if not any(move[0] == State.QUARANTINED for move in story.moves):
                story.quarantine = None


class Writer:
    """Turns the stories into rows: labs, rooms, cases, transitions, quarantines, follow-ups."""

    def __init__(self, outbreak: Outbreak) -> None:
        self.o = outbreak
        self.rng = random.Random(outbreak.rng.random())
        district = (Area.objects.filter(level=Level.DISTRICT, path__startswith=outbreak.root.path)
                    .order_by("path").first()) or outbreak.root
        self.labs = [Lab.objects.get_or_create(code=code, defaults={
            "name": name, "area": district, "daily_capacity": capacity})[0]
            for code, name, capacity in LABS]
        self.rooms = self._rooms(outbreak.root)
        self.counts: dict[str, int] = {}

    def _rooms(self, root: Area) -> list[QuarantineRoom]:
        sites = Facility.objects.filter(kind=Facility.Kind.QUARANTINE_SITE,
                                        area__path__startswith=root.path).order_by("code")[:20]
        rooms = [QuarantineRoom(site=site, number=f"{floor}{number:02d}", capacity=1)
                 for site in sites for floor in (1, 2) for number in range(1, ROOMS_PER_SITE // 2
                                                                           + 1)]
        return QuarantineRoom.objects.bulk_create(rooms)

    def write(self) -> dict[str, int]:
        stories = [story for story in self.o.stories.values() if story.moves]
        cases = Case.objects.bulk_create([self._case(story) for story in stories],
                                         batch_size=500)
        transitions: list[Transition] = []
        quarantines: list[tuple[Quarantine, Story]] = []
        tests: list[LabTest] = []
        for case, story in zip(cases, stories, strict=True):
            previous = ""
            for state, at, reason, evidence in story.moves:
                transitions.append(Transition(case=case, area_path=case.area_path,
                                              from_state=previous, to_state=state, at=at,
                                              reason=reason, evidence=evidence))
                previous = state
            if story.quarantine is not None:
                quarantines.append((self._quarantine(case, story, *story.quarantine), story))
            tests += [self._test(story.person, index, at, result)
                      for index, (at, result) in enumerate(story.tests)]
        Transition.objects.bulk_create(transitions, batch_size=1000)
        Quarantine.objects.bulk_create([q for q, _story in quarantines], batch_size=500)
        LabTest.objects.bulk_create(tests, batch_size=1000)
        Exposure.objects.bulk_create(self.o.exposures, batch_size=1000)
        self._follow_ups(quarantines)
        return {"cases": len(cases), "infected": self.o.infected,
                "open_cases": sum(case.is_open for case in cases),
                "exposures": len(self.o.exposures), "quarantines": len(quarantines),
                "lab_tests": len(tests), **self.counts}

    def _case(self, story: Story) -> Case:
        state, at = story.moves[-1][0], story.moves[-1][1]
        severe = self.rng.random()
        case = Case(person=story.person, grid_id=story.person.grid_id,
                    area_path=story.person.area_path, state=state, state_since=at,
                    source=story.source, onset_date=story.onset, origin=story.origin,
                    imported_from=story.imported_from,
                    reported_on=timezone.localdate(story.moves[0][1]),
                    severity=(Severity.CRITICAL if severe < 0.03 else Severity.SEVERE
                              if severe < 0.12 else Severity.MODERATE if severe < 0.5
                              else Severity.MILD) if story.onset else "")
        case.is_open = state not in TERMINAL
        return case

    def _quarantine(self, case: Case, story: Story, kind: str,
                    start: datetime.date) -> Quarantine:
        ended = next((at.date() for state, at, _r, _e in story.moves
                      if state in {State.RELEASED, State.CONFIRMED, State.ASYMPTOMATIC}), None)
        outcome = "" if ended is None else (Quarantine.Outcome.RELEASED if case.state ==
                                            State.RELEASED else Quarantine.Outcome.ESCALATED)
        room = None
        if kind == Quarantine.Kind.CENTRALIZED and self.rooms and ended is None:
            room = self.rooms.pop()
        if room is None:
            kind = Quarantine.Kind.HOME
        return Quarantine(case=case, area_path=case.area_path, kind=kind,
                          site_id=room.site_id if room else None, room=room, starts_on=start,
                          planned_end=start + datetime.timedelta(days=14), ended_on=ended,
                          outcome=outcome)

    def _test(self, person: Person, index: int, at: datetime.datetime,
              result: str) -> LabTest:
        lab = self.rng.choice(self.labs)
        resulted = at + datetime.timedelta(hours=self.rng.randint(*RESULT_HOURS))
        pending = resulted > timezone.now()
        return LabTest(lab=lab, sample_id=f"S{person.pk:08d}-{index}", person=person,
                       area_path=person.area_path, name=person.name,
                       id_number_enc=person.id_number_enc, id_number_hash=person.id_number_hash,
                       id_number_masked=person.id_number_masked, sampled_at=at,
                       resulted_at=None if pending else resulted,
                       result=LabTest.Result.PENDING if pending else result,
                       match=LabTest.Match.MATCHED)

    def _follow_ups(self, quarantines: list[tuple[Quarantine, Story]]) -> None:
        rows: list[FollowUp] = []
        missed: list[MissedFollowUp] = []
        now = timezone.localtime()
        for quarantine, _story in quarantines:
            day = quarantine.starts_on
            last = quarantine.ended_on or self.o.today
            while day <= last:
                for slot, hour in ((FollowUp.Slot.MORNING, 12), (FollowUp.Slot.EVENING, 20)):
                    if at_hour(day, hour) > now:
                        continue
                    if self.rng.random() < MISSED_SHARE:
                        missed.append(MissedFollowUp(quarantine=quarantine, day=day, slot=slot,
                                                     area_path=quarantine.area_path))
                        continue
                    rows.append(FollowUp(quarantine=quarantine, area_path=quarantine.area_path,
                                         day=day, slot=slot,
                                         temperature=self.rng.choice(TEMPERATURES)))
                day += datetime.timedelta(days=1)
        FollowUp.objects.bulk_create(rows, batch_size=2000)
        MissedFollowUp.objects.bulk_create(missed, batch_size=1000)
        self.counts.update(follow_ups=len(rows), missed_follow_ups=len(missed))


TEMPERATURES = tuple(decimal.Decimal(f"36.{tenth}") for tenth in range(1, 10))


def generate_outbreak(scale: str, seed: int, root: Area,
                      more: Callable[[Outbreak], int] | None = None) -> dict[str, Any]:
    """The outbreak of the demo under `root` (after its residents); the counts of its rows.
    `more` tells stories of its own after the outbreak's (how many persons: `told`)."""
    outbreak = Outbreak(scale, seed, root)
    if outbreak.high == 0:
        return {}
    outbreak.run()
    told = more(outbreak) if more is not None else 0
    outbreak.fever_clinics()
    outbreak.up_to(timezone.now())
    return Writer(outbreak).write() | ({"told": told} if more is not None else {})
