"""Self-service writes sent at the same moment (PostgreSQL: the services' row locks; SQLite
writes one transaction at a time anyway):

- two volunteers taking a project's last place: one is signed up, the other refused naming the
  volunteers it needs (not the database's error);
- a claim sent twice at once (a double tap on a slow phone) waits once;
- two keepers confirming the same claim record its hours once;
- a volunteer claiming a day while an officer records another day of the same project both
  pass: the project and the volunteer are locked in the same order (no deadlock).
"""

from __future__ import annotations

import unittest
from decimal import Decimal
from typing import Any
from unittest import mock

from django.core.exceptions import ValidationError
from django.db import connection
from django.test import TransactionTestCase

from epigrid.volunteers import self_service, services
from epigrid.volunteers.models import (
    ClaimState,
    HoursClaim,
    Project,
    ProjectKind,
    ServiceRecord,
    Signup,
    Volunteer,
)
from tests.base import World
from tests.sessions import at_once
from tests.volunteers.helpers import days, enrolled, new_phone, volunteer_user
from tests.volunteers.test_constraints import slowed


def of_kind(results: list[Any], kind: type) -> list[Any]:
    return [result for result in results if isinstance(result, kind)]


@unittest.skipUnless(connection.vendor == "postgresql", "PostgreSQL's locks")
class SelfServiceAtOnceTests(TransactionTestCase):
    def setUp(self) -> None:
        self.w = World()
        self.deliveries = services.open_project(
            self.w.town_a, by=self.w.alice, kind=ProjectKind.DELIVERY, name="Deliveries",
            starts_on=days(-7), volunteers_needed=2)

    def member(self, name: str) -> tuple[Any, Volunteer]:
        """A volunteer of village A1 registered ten days ago, enrolled from their account."""
        phone = new_phone()
        services.register(self.w.village_a1, by=self.w.alice, name=name, phone=phone,
                          registered_on=days(-10))
        user = volunteer_user(self.w.village_a1, phone=phone)
        return user, enrolled(user)

    def test_two_volunteers_taking_the_last_place_one_is_refused(self) -> None:
        first, second = self.member("Li Na"), self.member("Zhang Wei")
        self_service.sign_up(self.deliveries, self.member("Wang Fang")[1], by=self.w.alice)

        def take(user: Any, volunteer: Volunteer) -> Any:
            return self_service.sign_up(self.deliveries, volunteer, by=user)

        with mock.patch.object(self_service, "refuse", slowed(self_service.refuse)):
            results = at_once(lambda: take(*first), lambda: take(*second))
        assert (len(of_kind(results, Signup)), len(of_kind(results, ValidationError))) == (
            1, 1), results
        assert of_kind(results, ValidationError)[0].message_dict == {
            "project": ["The project has the 2 volunteers it needs."]}
        assert self.deliveries.signups.filter(withdrawn_at__isnull=True).count() == 2

    def test_a_claim_sent_twice_at_once_waits_once(self) -> None:
        user, volunteer = self.member("Li Na")
        self_service.sign_up(self.deliveries, volunteer, by=user)

        def claim() -> Any:
            return self_service.claim_hours(self.deliveries, volunteer, by=user,
                                            served_on=days(-1), hours="3")

        with mock.patch.object(self_service, "refuse", slowed(self_service.refuse)):
            results = at_once(claim, claim)
        assert (len(of_kind(results, HoursClaim)), len(of_kind(results, ValidationError))) == (
            1, 1), results
        assert of_kind(results, ValidationError)[0].message_dict == {"served_on": [
            f"Your claim of 3.0 hours on {days(-1).isoformat()} is waiting."]}
        assert HoursClaim.objects.count() == 1

    def test_two_keepers_confirming_a_claim_record_it_once(self) -> None:
        user, volunteer = self.member("Li Na")
        self_service.sign_up(self.deliveries, volunteer, by=user)
        claim = self_service.claim_hours(self.deliveries, volunteer, by=user,
                                          served_on=days(-1), hours="3")
        with mock.patch.object(self_service, "refuse", slowed(self_service.refuse)):
            results = at_once(lambda: self_service.confirm_claim(claim, by=self.w.alice),
                              lambda: self_service.confirm_claim(claim, by=self.w.command))
        assert (len(of_kind(results, HoursClaim)), len(of_kind(results, ValidationError))) == (
            1, 1), results
        assert of_kind(results, ValidationError)[0].message_dict == {
            "__all__": ["The claim was confirmed already."]}
        assert [r.hours for r in ServiceRecord.objects.all()] == [Decimal("3.0")]
        claim.refresh_from_db()
        assert claim.state == ClaimState.CONFIRMED

    def test_a_claim_and_an_officers_record_of_the_project_both_pass(self) -> None:
        user, volunteer = self.member("Li Na")
        self_service.sign_up(self.deliveries, volunteer, by=user)
        project: Project = self.deliveries
        # The claim pauses after its checks; the officer's desk meanwhile takes its locks.
        with mock.patch.object(self_service, "refuse", slowed(self_service.refuse)):
            results = at_once(
                lambda: self_service.claim_hours(project, volunteer, by=user,
                                                 served_on=days(-2), hours="3"),
                lambda: services.record_hours(project, volunteer, by=self.w.alice,
                                              served_on=days(-1), hours="4"))
        assert isinstance(results[0], HoursClaim), results
        assert isinstance(results[1], ServiceRecord), results
