"""The demo's mobilization: teams of every kind (the first medical batch stood down), about 300
people sent down with unique mobiles, commendations, and two funds whose payments are in every
state while their ledgers never dip below 0."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from epigrid.accounts.models import User
from epigrid.core.access import Role
from epigrid.core.identity import parse_mobile
from epigrid.demo import mobilization_texts as texts
from epigrid.demo.mobilization_data import write_mobilization
from epigrid.mobilization import funds
from epigrid.mobilization.models import (
    Approval,
    Commendation,
    Decision,
    Deployment,
    EntryKind,
    Fund,
    FundEntry,
    Payment,
    PaymentStatus,
    Team,
    TeamKind,
)
from tests.base import BaseTestCase

SEED = 5


class DemoMobilizationTests(BaseTestCase):
    written: dict[str, Any]
    statements: int

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        with CaptureQueriesContext(connection) as captured:
            cls.written = write_mobilization(cls.world.city, SEED)
        cls.statements = len(captured.captured_queries)

    def test_it_forms_teams_of_every_kind_and_stands_the_first_medical_batch_down(self) -> None:
        w = self.world
        kinds = dict(Team.objects.values_list("kind").annotate(n=Count("id")))
        # The world has two towns and two checkpoints (one a village): a group and a commando
        # team in each town, a pioneer post at each checkpoint's village, three medical batches.
        assert kinds == {TeamKind.SECTOR: 2, TeamKind.COMMANDO: 2, TeamKind.PIONEER: 2,
                         TeamKind.MEDICAL: 3}
        assert self.written["teams"] == Team.objects.count() == 9
        assert set(Team.objects.filter(kind=TeamKind.PIONEER).values_list("area", flat=True)) \
            == {w.village_a1.pk, w.village_b1.pk}
        medical = Team.objects.filter(kind=TeamKind.MEDICAL).order_by("batch")
        assert [(team.batch, team.sent_by) for team in medical] == [
            (batch, hospital) for batch, hospital, _formed, _left in texts.MEDICAL]
        stood_down = Team.objects.get(stood_down_on__isnull=False)
        assert (stood_down.kind, stood_down.batch) == (TeamKind.MEDICAL, 1)
        members = stood_down.members.all()
        assert members.count() == texts.MEMBERS[TeamKind.MEDICAL]
        assert all(member.left_on == stood_down.stood_down_on for member in members)

    def test_it_sends_down_people_most_in_a_team_leaders_marked_some_gone_back(self) -> None:
        people = Deployment.objects.all()
        total = people.count()
        assert total == self.written["deployments"] == 148 + texts.ON_THEIR_OWN
        assert people.filter(team__isnull=True).count() == texts.ON_THEIR_OWN
        assert people.filter(leader=True).count() == Team.objects.count()
        assert all(team.members.filter(leader=True).count() == 1 for team in Team.objects.all())
        left = people.filter(left_on__isnull=False).count()
        assert left == total - self.written["on_duty"] == (
            texts.MEMBERS[TeamKind.MEDICAL] + texts.RECALLED)
        assert 0.5 <= people.filter(party_member=True).count() / total <= 0.75
        assert not people.filter(team__kind=TeamKind.COMMANDO, party_member=False).exists()
        phones = list(people.values_list("phone", flat=True))
        assert len(set(phones)) == total
        assert all(parse_mobile(phone) == phone for phone in phones)
        assert set(people.filter(team__kind=TeamKind.MEDICAL).values_list("unit", flat=True)) \
            == {hospital for _batch, hospital, _formed, _left in texts.MEDICAL}
        assert set(people.filter(team__kind=TeamKind.SECTOR).values_list("unit", flat=True)) \
            <= set(texts.UNITS)

    def test_it_records_arrivals_over_the_outbreaks_weeks_and_departures_after_them(self) -> None:
        today = timezone.localdate()
        days = [person.arrived_on for person in Deployment.objects.all()]
        assert min(days) == today - datetime.timedelta(days=texts.FORMED_BACK[TeamKind.SECTOR])
        assert max(days) <= today
        for person in Deployment.objects.filter(left_on__isnull=False):
            assert person.arrived_on <= person.left_on < today, person
        # Recorded on the morning they arrived, not when the demo ran.
        assert all(timezone.localdate(person.created_at) == person.arrived_on
                   for person in Deployment.objects.all())

    def test_it_commends_people_teams_and_a_volunteer(self) -> None:
        honours = Commendation.objects.all()
        assert honours.count() == self.written["commendations"] == texts.COMMENDATIONS
        assert {"先进个人", "先进集体", "优秀共产党员"} <= set(
            honours.values_list("honour", flat=True))
        assert honours.filter(team__isnull=False).exists()
        assert honours.filter(deployment__isnull=False).exists()
        assert honours.filter(deployment__isnull=True, team__isnull=True).exists()
        assert not honours.filter(honour="优秀共产党员", deployment__party_member=False).exists()

    def test_it_keeps_two_funds_whose_ledgers_never_dip_below_zero(self) -> None:
        w = self.world
        district, town = Fund.objects.get(area=w.district), Fund.objects.get(area=w.town_a)
        assert (district.name, district.second_approval_over) == ("一线人员慰问金",
                                                                  Decimal("5000"))
        assert town.second_approval_over is None
        balances = funds.balances([district.pk, town.pk])
        for fund in (district, town):
            running = Decimal(0)
            for entry in FundEntry.objects.filter(fund=fund).order_by("at", "id"):
                running += entry.signed
                assert running >= 0, (fund, entry)
            assert balances[fund.pk] == running > 0
        counterparts = set(FundEntry.objects.filter(kind=EntryKind.RECEIPT)
                           .values_list("counterpart", flat=True))
        assert {"区财政局", "区红十字会", "镇财政所"} <= counterparts

    def test_it_has_payments_in_every_state_decided_by_the_command_and_admin(self) -> None:
        payments = Payment.objects.all()
        assert payments.count() == self.written["payments"] == (
            texts.PAYMENTS + texts.TOWN_PAYMENTS)
        assert set(payments.values_list("status", flat=True)) == set(PaymentStatus.values)
        # Above the district fund's limit: some paid after two approvals, some waiting on one.
        big = payments.filter(fund__second_approval_over__isnull=False, amount__gt=5000)
        assert big.filter(status=PaymentStatus.PAID).annotate(n=Count("approvals")).filter(
            n=2).exists()
        assert big.filter(status=PaymentStatus.SUBMITTED).annotate(n=Count("approvals")).filter(
            n=1).exists()
        deciders = set(Approval.objects.values_list("by__username", flat=True))
        assert deciders == {"command", "admin"}
        assert Approval.objects.filter(decision=Decision.REJECT).count() == payments.filter(
            status=PaymentStatus.REJECTED).count()
        assert set(payments.values_list("applied_by__username", flat=True)) <= {
            "officer1", "officer2"}
        keeper = User.objects.get(username="logistics")
        assert (keeper.role, keeper.home_area) == (Role.LOGISTICS, self.world.district)
        paid = FundEntry.objects.filter(kind=EntryKind.PAYMENT)
        assert paid.count() == payments.filter(status=PaymentStatus.PAID).count()
        assert set(paid.values_list("recorded_by", flat=True)) == {keeper.pk}

    def test_it_stamps_each_step_at_the_moment_it_happened(self) -> None:
        now = timezone.now()
        for payment in Payment.objects.prefetch_related("approvals"):
            moments = [payment.applied_at, *(a.at for a in payment.approvals.all())]
            if payment.paid_at is not None:
                moments.append(payment.paid_at)
                assert payment.entry.at == payment.paid_at
            assert moments == sorted(moments) and moments[-1] <= now, payment
            assert payment.created_at == payment.applied_at
        assert Payment.objects.filter(applied_at__lt=now - datetime.timedelta(days=10)).exists()

    def test_it_writes_in_a_dozen_statements_a_person(self) -> None:
        # Through the services, a person at a time: about a dozen statements each (savepoints,
        # the phone's lock and check, the row, its audit entry), the funds' steps besides.
        # Counted, not timed: a clock in a unit test fails on a busy machine.
        assert self.statements < 16 * self.written["deployments"], self.statements


class DemoMobilizationSeedTests(BaseTestCase):
    def test_it_writes_the_same_district_from_the_same_seed(self) -> None:
        def written() -> list[tuple[Any, ...]]:
            with transaction.atomic():
                write_mobilization(self.world.city, SEED)
                rows = list(Deployment.objects.order_by("pk").values_list(
                    "name", "area__code", "team__name", "phone", "arrived_on", "left_on"))
                rows += list(Payment.objects.order_by("pk").values_list(
                    "beneficiary", "amount", "status", "area__code"))
                transaction.set_rollback(True)
            return rows

        assert written() == written()
