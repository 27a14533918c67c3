"""The demo's week of passages: hourly figures equal to a recount of the passages, fevers with
their referrals, and a roster of three shifts a day with a few gaps; the persona on duty."""

from __future__ import annotations

import datetime

from django.test import TestCase
from django.utils import timezone

from epigrid.accounts.models import User
from epigrid.areas.models import Area, Checkpoint
from epigrid.checkpoints import duty_queries
from epigrid.checkpoints.figures import Counts, count_passages, hour_of
from epigrid.checkpoints.models import (
    Assignment,
    Decision,
    DutyShift,
    FeverReferral,
    Passage,
    PassageHour,
)
from epigrid.core.access import Role
from epigrid.demo.generator import generate
from epigrid.demo.passage_data import generate_passages, staff_demo_checkpoint


class DemoPassageTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        generate("tiny", 7)
        cls.root = Area.objects.get(parent=None)
        cls.summary = generate_passages("tiny", 7, cls.root)

    def test_it_writes_hours_equal_to_a_recount_of_the_passages(self) -> None:
        stored = {(row.checkpoint_id, hour_of(row.hour)): Counts(
            row.passages_in, row.passages_out, row.vehicles, row.persons, row.turned_back,
            row.referred, row.fevers) for row in PassageHour.objects.all()}
        recount = count_passages(Passage.objects.all())
        assert stored == recount
        assert self.summary["passages"] == Passage.objects.count() > 500
        assert all(row.area_path == row.checkpoint.area.path
                   for row in PassageHour.objects.select_related("checkpoint__area"))

    def test_it_gives_every_fever_a_referral_and_turns_some_back(self) -> None:
        fevers = Passage.objects.filter(decision=Decision.FEVER)
        assert FeverReferral.objects.count() == fevers.count() == self.summary["fever_referrals"]
        assert not FeverReferral.objects.filter(temperature__lt=37.3).exists()
        assert Passage.objects.filter(decision=Decision.TURNED_BACK).count() > 0
        assert not Passage.objects.filter(at__gt=timezone.now()).exists()
        # The week's first local day began 6 days before today's midnight: its passages are all
        # older than 5 days whatever the hour now (just after midnight, few are older than 6).
        assert Passage.objects.filter(at__lt=timezone.now() - datetime.timedelta(days=5)).exists()

    def test_it_plans_three_shifts_a_day_with_a_few_gaps(self) -> None:
        checkpoints = Checkpoint.objects.count()
        assert Assignment.objects.count() == 3 * checkpoints
        shifts = DutyShift.objects.count()
        assert 0.9 * 21 * checkpoints <= shifts <= 21 * checkpoints
        assert self.summary["duty_shifts"] == shifts
        staff = User.objects.get(username=DutyShift.objects.first().user.username)
        assert staff.role == Role.CHECKPOINT_STAFF and not staff.has_usable_password()

    def test_most_shifts_over_are_signed_off_and_none_to_come(self) -> None:
        now = timezone.now()
        over = DutyShift.objects.filter(ends_at__lte=now)
        signed = over.filter(signed_off_at__isnull=False)
        assert 0.8 * over.count() <= signed.count() < over.count()
        assert not DutyShift.objects.filter(starts_at__gt=now,
                                            signed_off_at__isnull=False).exists()
        assert not signed.filter(signed_off_at__gt=now).exists()
        assert signed.exclude(handover_note="").exists()

    def test_it_puts_the_checkpoint_persona_on_the_day_shifts(self) -> None:
        checkpoint = Checkpoint.objects.select_related("area").first()
        persona = User.objects.create(username="checkpoint", role=Role.CHECKPOINT_STAFF,
                                      home_area=checkpoint.area)
        assert staff_demo_checkpoint(persona) == checkpoint
        assert Assignment.objects.filter(user=persona, checkpoint=checkpoint).exists()
        mine = DutyShift.objects.filter(user=persona)
        assert 5 <= mine.count() <= 7
        assert {timezone.localtime(s.starts_at).hour for s in mine} == {8}
        noon = timezone.localtime().replace(hour=12, minute=0)
        on = duty_queries.on_duty(persona, checkpoint, noon)
        assert [s.user for s in on] in ([persona], [])  # [] when today's day shift was left open
