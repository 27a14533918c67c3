"""Risk levels: the rules propose (one pending proposal per area that should move), the command
confirms or overrides, and the area's risk history keeps every change."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from epigrid.areas.models import Area, RiskLevel, RiskLevelChange
from epigrid.areas.services import change_risk_level
from epigrid.reporting.models import ProposalStatus, RiskProposal
from epigrid.reporting.risk_services import confirm_proposal, override_proposal, propose_levels
from tests.base import BaseTestCase
from tests.reporting.helpers import more_areas
from tests.reporting.report_helpers import TODAY, days_ago, store_figures


def level_of(area: Area) -> str:
    return Area.objects.get(pk=area.pk).risk_level


class ProposeTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        w = cls.world
        store_figures(w.village_a1, days_ago(2), new_confirmed=12)
        store_figures(w.town_a, days_ago(2), new_confirmed=12)
        store_figures(w.village_b1, TODAY(), new_confirmed=1)
        store_figures(w.town_b, TODAY(), new_confirmed=1)

    def test_it_proposes_only_the_areas_whose_level_should_move(self) -> None:
        w = self.world
        found = {p.area_id: (p.current_level, p.proposed_level, p.rule)
                 for p in propose_levels(TODAY())}
        self.assertEqual(found, {
            w.town_a.pk: ("low", "high", "high_new_local_confirmed"),
            w.village_a1.pk: ("low", "high", "high_new_local_confirmed"),
            w.town_b.pk: ("low", "medium", "medium_new_local_confirmed"),
            w.village_b1.pk: ("low", "medium", "medium_new_local_confirmed"),
        })  # village A2: no case, already low
        proposal = RiskProposal.objects.get(area=w.village_a1)
        self.assertEqual(proposal.figures, {"new_local_confirmed_14d": 12})
        self.assertIn("12 new local confirmed cases in the 14 days to", proposal.reason)
        self.assertEqual(proposal.area_path, w.village_a1.path)
        self.assertEqual(level_of(w.village_a1), "low")  # nothing changes before a decision

    def test_it_updates_the_days_proposals_when_run_again(self) -> None:
        w = self.world
        propose_levels(TODAY())
        store_figures(w.village_b1, TODAY(), new_confirmed=10)
        propose_levels(TODAY())
        self.assertEqual(RiskProposal.objects.count(), 4)
        self.assertEqual(RiskProposal.objects.get(area=w.village_b1).proposed_level, "high")

    def test_it_supersedes_an_older_pending_proposal(self) -> None:
        w = self.world
        propose_levels(days_ago(1))
        propose_levels(TODAY())
        old = RiskProposal.objects.get(area=w.village_a1, day=days_ago(1))
        self.assertEqual(old.status, ProposalStatus.SUPERSEDED)
        self.assertEqual(RiskProposal.objects.filter(status="pending").count(), 4)

    def test_it_drops_a_pending_proposal_once_the_level_matches(self) -> None:
        w = self.world
        propose_levels(TODAY())
        change_risk_level(w.village_a1, "high", reason="by hand", changed_by=w.command)
        pending = propose_levels(TODAY())
        self.assertNotIn(w.village_a1.pk, [p.area_id for p in pending])
        self.assertEqual(RiskProposal.objects.get(area=w.village_a1).status,
                         ProposalStatus.SUPERSEDED)

    def test_it_refuses_a_day_in_the_future(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            propose_levels(TODAY() + datetime.timedelta(days=1))
        self.assertIn("day", caught.exception.message_dict)

    def test_it_proposes_in_a_fixed_number_of_queries(self) -> None:
        w = self.world
        with CaptureQueriesContext(connection) as few:
            propose_levels(TODAY())
        RiskProposal.objects.all().delete()  # the same first run, with ten more villages
        for village in more_areas(w.town_b, 10):
            store_figures(village, TODAY(), new_confirmed=3)
        with CaptureQueriesContext(connection) as many:
            pending = propose_levels(TODAY())
        self.assertEqual(len(pending), 14)
        self.assertEqual(len(many), len(few))


class DecideTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        w = cls.world
        store_figures(w.village_a1, TODAY(), new_confirmed=12)
        propose_levels(TODAY())

    def proposal(self) -> RiskProposal:
        return RiskProposal.objects.get(area=self.world.village_a1)

    def test_it_confirms_and_the_risk_history_keeps_it(self) -> None:
        w = self.world
        decided = confirm_proposal(self.proposal(), by=w.command, note="agreed at 17:00")
        self.assertEqual((decided.status, decided.decided_level, decided.decided_by),
                         (ProposalStatus.CONFIRMED, "high", w.command))
        self.assertEqual(level_of(w.village_a1), RiskLevel.HIGH)
        change = RiskLevelChange.objects.get(area=w.village_a1)
        self.assertEqual((change.previous, change.level, change.changed_by),
                         ("low", "high", w.command))
        self.assertIn("Confirmed proposal of", change.reason)
        self.assertIn("agreed at 17:00", change.reason)

    def test_it_overrides_with_a_reason(self) -> None:
        w = self.world
        decided = override_proposal(self.proposal(), level="medium", by=w.command,
                                    note="the cases are in one closed compound")
        self.assertEqual((decided.status, decided.decided_level),
                         (ProposalStatus.OVERRIDDEN, "medium"))
        self.assertEqual(level_of(w.village_a1), "medium")
        self.assertIn("one closed compound", RiskLevelChange.objects.get().reason)

    def test_it_overrides_by_keeping_the_current_level_without_a_change(self) -> None:
        w = self.world
        override_proposal(self.proposal(), level="low", by=w.command, note="imported cases")
        self.assertEqual(level_of(w.village_a1), "low")
        self.assertFalse(RiskLevelChange.objects.exists())
        self.assertEqual(self.proposal().status, ProposalStatus.OVERRIDDEN)

    def test_it_refuses_an_override_without_a_reason_or_with_the_proposed_level(self) -> None:
        w = self.world
        with self.assertRaises(ValidationError) as caught:
            override_proposal(self.proposal(), level="high", by=w.command, note=" ")
        self.assertEqual(set(caught.exception.message_dict), {"level", "note"})
        with self.assertRaises(ValidationError) as unknown:
            override_proposal(self.proposal(), level="severe", by=w.command, note="x")
        self.assertIn("severe", unknown.exception.message_dict["level"][0])
        self.assertTrue(self.proposal().is_pending)

    def test_it_refuses_to_decide_twice(self) -> None:
        w = self.world
        confirm_proposal(self.proposal(), by=w.command)
        with self.assertRaises(ValidationError) as caught:
            override_proposal(self.proposal(), level="low", by=w.command, note="changed mind")
        self.assertIn("already confirmed", caught.exception.message_dict["status"][0])

    def test_it_refuses_an_officer(self) -> None:
        w = self.world
        with self.assertRaises(PermissionDenied):
            confirm_proposal(self.proposal(), by=w.alice)
        self.assertTrue(self.proposal().is_pending)

    def test_it_confirms_an_area_already_at_the_level_without_a_second_change(self) -> None:
        w = self.world
        change_risk_level(w.village_a1, "high", reason="by hand", changed_by=w.command)
        confirm_proposal(self.proposal(), by=w.command)
        self.assertEqual(RiskLevelChange.objects.filter(area=w.village_a1).count(), 1)
