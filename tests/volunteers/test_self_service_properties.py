"""Properties of claims 时长申报 and their answers.

Whatever volunteers claim, keepers confirm or decline and desks record, in any order over a few
days and two projects: every volunteer's day holds at most 24 recorded hours, a project at most
one waiting claim of a volunteer's day, and every confirmed claim's record has the claim's
hours. The outcomes are exactly those a plain reading of the rules gives.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from epigrid.accounts.models import User
from epigrid.volunteers import self_service, services
from epigrid.volunteers.models import (
    DAY_HOURS,
    ClaimState,
    HoursClaim,
    Project,
    ProjectKind,
    ServiceRecord,
    Volunteer,
)
from epigrid.volunteers.services import parse_hours
from tests.volunteers.helpers import (
    VolunteersTestCase,
    days,
    enrolled,
    new_phone,
    volunteer_user,
)

Key = tuple[int, int, int]  # project, volunteer, day

steps = st.lists(st.tuples(
    st.sampled_from(["claim", "claim", "confirm", "confirm", "decline", "record"]),
    st.integers(0, 1),  # which project
    st.integers(0, 1),  # which volunteer
    st.integers(-3, -1),  # which day
    st.sampled_from(["0.5", "4", "8", "12", "20", "24", "0", "1.3"])),
    max_size=16)


class ClaimSequenceTests(TestCase, VolunteersTestCase):
    projects: list[Project]
    users: list[User]
    volunteers: list[Volunteer]

    @classmethod
    def setUpTestData(cls) -> None:
        """Two projects of town A; two volunteers of village A1 with accounts, signed up to
        both (made once: each example runs in a transaction of its own, rolled back after)."""
        super().setUpTestData()
        w = cls.world
        cls.projects = [services.open_project(w.town_a, by=w.alice, kind=ProjectKind.DELIVERY,
                                              name=f"Project {n}", starts_on=days(-7))
                        for n in range(2)]
        cls.users, cls.volunteers = [], []
        for n in range(2):
            kept = services.register(w.village_a1, by=w.alice, name=f"Volunteer {n}",
                                     phone=new_phone(), registered_on=days(-10))
            user = volunteer_user(w.village_a1, phone=kept.phone)
            cls.users.append(user)
            cls.volunteers.append(enrolled(user))
            for project in cls.projects:
                self_service.sign_up(project, cls.volunteers[-1], by=user)

    def begin(self) -> None:
        self.recorded: dict[Key, Decimal] = {}  # what the rules keep, read plainly
        self.waiting: dict[Key, Decimal] = {}

    def day_total(self, v: int, day: int) -> Decimal:
        return sum((h for (_, w, d), h in self.recorded.items() if (w, d) == (v, day)),
                   Decimal(0))

    def claim(self, key: Key, hours: str) -> None:
        p, v, day = key
        amount = parse_hours(hours)
        allowed = (amount is not None and key not in self.recorded and key not in self.waiting
                   and self.day_total(v, day) + amount <= DAY_HOURS)
        try:
            self_service.claim_hours(self.projects[p], self.volunteers[v], by=self.users[v],
                                     served_on=days(day), hours=hours)
        except ValidationError:
            assert not allowed, (key, hours, self.recorded, self.waiting)
        else:
            assert allowed and amount is not None, (key, hours, self.recorded, self.waiting)
            self.waiting[key] = amount

    def answer(self, action: str, key: Key) -> None:
        claim = HoursClaim.objects.filter(
            project=self.projects[key[0]], volunteer=self.volunteers[key[1]],
            served_on=days(key[2]), state=ClaimState.PENDING).first()
        assert (claim is not None) == (key in self.waiting)
        if claim is None:
            return
        if action == "decline":
            self_service.decline_claim(claim, by=self.world.alice, reason="Not on the sheet")
            del self.waiting[key]
            return
        allowed = (key not in self.recorded
                   and self.day_total(key[1], key[2]) + claim.hours <= DAY_HOURS)
        try:
            self_service.confirm_claim(claim, by=self.world.alice)
        except ValidationError:
            assert not allowed, (key, claim.hours, self.recorded)
        else:
            assert allowed, (key, claim.hours, self.recorded)
            self.recorded[key] = self.waiting.pop(key)

    def record(self, key: Key, hours: str) -> None:
        p, v, day = key
        amount = parse_hours(hours)
        allowed = (amount is not None and key not in self.recorded
                   and self.day_total(v, day) + amount <= DAY_HOURS)
        try:
            self.hours(self.projects[p], self.volunteers[v], hours, served_on=days(day))
        except ValidationError:
            assert not allowed, (key, hours, self.recorded)
        else:
            assert allowed and amount is not None, (key, hours, self.recorded)
            self.recorded[key] = amount

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(steps)
    def test_days_hold_24_hours_one_claim_waits_and_confirmed_claims_keep_their_hours(
            self, tries: list[tuple[str, int, int, int, str]]) -> None:
        self.begin()
        for action, p, v, day, hours in tries:
            if action == "claim":
                self.claim((p, v, day), hours)
            elif action == "record":
                self.record((p, v, day), hours)
            else:
                self.answer(action, (p, v, day))
        self.check_against_the_rules()

    def check_against_the_rules(self) -> None:
        def key(row: ServiceRecord | HoursClaim) -> Key:
            return (self.projects.index(row.project), self.volunteers.index(row.volunteer),
                    (row.served_on - days(0)).days)

        records = ServiceRecord.objects.select_related("project", "volunteer")
        assert {key(r): r.hours for r in records} == self.recorded
        waiting = HoursClaim.objects.filter(state=ClaimState.PENDING).select_related(
            "project", "volunteer")
        assert {key(c): c.hours for c in waiting} == self.waiting
        by_day = ServiceRecord.objects.values("volunteer", "served_on").annotate(
            total=Sum("hours"))
        assert all(row["total"] <= DAY_HOURS for row in by_day)
        twice = (HoursClaim.objects.filter(state=ClaimState.PENDING)
                 .values("project", "volunteer", "served_on").annotate(n=Count("id"))
                 .filter(n__gt=1))
        assert not twice.exists()
        for claim in HoursClaim.objects.filter(state=ClaimState.CONFIRMED).select_related(
                "record"):
            assert claim.record is not None and claim.record.hours == claim.hours
            assert claim.record.served_on == claim.served_on
