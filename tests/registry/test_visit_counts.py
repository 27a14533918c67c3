"""Each visit counts its screened and abnormal persons: the progress and the daily figures sum
these counts, so they must equal what the visit's screenings say, however they were written."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone

from epigrid.registry import screening
from epigrid.registry.models import HouseholdVisit, Outcome, PersonScreening
from epigrid.registry.screening import MemberScreening, NewMember
from tests.base import BaseTestCase

ID_SON = "420102200801010018"  # fictional, valid check digit (GB 11643)


def counted(visit: HouseholdVisit) -> tuple[int, int]:
    visit.refresh_from_db()
    return visit.persons_screened, visit.persons_abnormal


def recounted(visit: HouseholdVisit) -> tuple[int, int]:
    """What the visit's screenings say: present members, and those of them not normal."""
    present = Q(present=True)
    found = PersonScreening.objects.filter(visit=visit).aggregate(
        screened=Count("id", filter=present),
        abnormal=Count("id", filter=present & ~Q(outcome=Outcome.NORMAL)))
    return found["screened"], found["abnormal"]


class VisitCountTests(BaseTestCase):
    def setUp(self) -> None:
        today = timezone.localdate()
        self.campaign = screening.start_campaign(
            self.world.town_a, "Spring round", today - datetime.timedelta(days=1),
            today + datetime.timedelta(days=2), self.world.alice)

    def record(self, key: uuid.UUID, **kwargs: object) -> HouseholdVisit:
        w = self.world
        return screening.record_visit(self.campaign, w.household_a, w.li, key,
                                      **kwargs).visit  # type: ignore[arg-type]

    def test_it_counts_the_present_and_the_abnormal_of_a_recorded_visit(self) -> None:
        w = self.world
        visit = self.record(uuid.uuid4(), members=[
            MemberScreening(person_id=w.person_a.pk, temperature=Decimal("38.1"),
                            outcome=Outcome.FEVER_CLINIC),
            # Absent, though an outcome was picked: recorded, neither screened nor abnormal.
            MemberScreening(person_id=w.person_a2.pk, present=False,
                            outcome=Outcome.REPORT_VILLAGE),
        ], new_members=[NewMember(name="Wang Xiao", id_number=ID_SON, relation="son")])
        assert counted(visit) == recounted(visit) == (2, 1)

    def test_it_counts_a_rescreening_afresh_and_keeps_the_counts_of_a_resend(self) -> None:
        w = self.world
        key = uuid.uuid4()
        first = self.record(key, members=[
            MemberScreening(person_id=w.person_a.pk, outcome=Outcome.HOME_QUARANTINE),
            MemberScreening(person_id=w.person_a2.pk)])
        self.record(key, members=[MemberScreening(person_id=w.person_a.pk, present=False)])
        assert counted(first) == (2, 1)  # the resend wrote nothing
        again = self.record(uuid.uuid4(), members=[
            MemberScreening(person_id=w.person_a.pk, present=False),
            MemberScreening(person_id=w.person_a2.pk)])
        assert again.pk == first.pk
        assert counted(again) == recounted(again) == (1, 0)

    def test_it_recounts_when_a_screening_is_saved_or_deleted_on_its_own(self) -> None:
        w = self.world
        visit = self.record(uuid.uuid4(), members=[MemberScreening(person_id=w.person_a.pk)])
        added = PersonScreening.objects.create(visit=visit, person=w.person_a2,
                                               outcome=Outcome.REPORT_VILLAGE)
        assert counted(visit) == recounted(visit) == (2, 1)
        added.present = False
        added.save()
        assert counted(visit) == (1, 0)
        PersonScreening.objects.get(visit=visit, person=w.person_a).delete()
        assert counted(visit) == recounted(visit) == (0, 0)
