"""07:30 to 10:00 in SCENARIOS.md: what a grid worker's screening outcome sets going — a fever
case and the fever clinic told, the village told to arrange a home quarantine — once."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from epigrid.accounts.services import create_user
from epigrid.alerts.models import Notice, Receipt
from epigrid.cases import services
from epigrid.cases.models import Case, Source
from epigrid.cases.screening_referrals import findings
from epigrid.cases.states import State
from epigrid.core.access import Role
from epigrid.registry import screening
from epigrid.registry.models import Outcome, PersonScreening
from epigrid.registry.screening import MemberScreening, NewMember
from tests.base import PASSWORD, BaseTestCase

ID_SON = "420102200801010018"  # fictional, valid check digit (GB 11643)


class ScreeningReferralTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        w = cls.world
        today = timezone.localdate()
        cls.campaign = screening.start_campaign(
            w.town_a, "Dongcheng screening", today - datetime.timedelta(days=1), today, w.alice)
        create_user(username="chen", password=PASSWORD, role=Role.AREA_OFFICER,
                    home_area=w.village_a1)  # the village officer of grid A1-1
        create_user(username="officer_a2", password=PASSWORD, role=Role.AREA_OFFICER,
                    home_area=w.village_a2)
        create_user(username="dr_ma", password=PASSWORD, role=Role.MEDICAL,
                    home_area=w.town_a)  # at the town's fever clinic

    def visit(self, *members: MemberScreening, new: tuple[NewMember, ...] = (),
              key: uuid.UUID | None = None) -> screening.RecordedVisit:
        with self.captureOnCommitCallbacks(execute=True):
            return screening.record_visit(self.campaign, self.world.household_a, self.world.li,
                                          key or uuid.uuid4(), members=list(members),
                                          new_members=list(new))

    def fever(self, temperature: str = "37.9", **extra: object) -> MemberScreening:
        return MemberScreening(person_id=self.world.person_a.pk, temperature=Decimal(temperature),
                               symptoms=["cough"], outcome=Outcome.FEVER_CLINIC,
                               **extra)  # type: ignore[arg-type]

    def notices(self) -> list[tuple[list[str], list[str], str]]:
        return [(n.target_paths, n.roles, n.title) for n in Notice.objects.order_by("pk")]

    def test_it_opens_a_fever_case_and_tells_the_village_and_the_clinic(self) -> None:
        w = self.world
        self.visit(self.fever())
        case = Case.objects.get(person=w.person_a)
        assert (case.state, case.source, case.is_open) == (State.FEVER, Source.SCREENING, True)
        assert case.transitions.get().reason == "Door-to-door screening: 37.9 °C; cough."
        assert self.notices() == [
            ([w.village_a1.path], ["area_officer"], "Fever at screening: Wang Jun"),
            ([w.facility_a.area.path], ["medical"], "Fever at screening: Wang Jun")]
        notice = Notice.objects.first()
        assert notice is not None
        assert notice.link == reverse("cases:case_detail", args=[case.pk])
        assert notice.body.startswith("37.9 °C; cough. Screened at ")
        assert notice.body.endswith("by li. Refer to the fever clinic.")
        assert set(Receipt.objects.values_list("user__username", flat=True)) == {"chen", "dr_ma"}

    def test_it_keeps_an_open_case_and_still_tells(self) -> None:
        w = self.world
        open_case = services.open_case(w.person_a, State.CLOSE_CONTACT, reason="met a case")
        self.visit(self.fever())
        assert list(Case.objects.filter(person=w.person_a)) == [open_case]
        assert Case.objects.get(pk=open_case.pk).state == State.CLOSE_CONTACT
        assert Notice.objects.first().link == reverse(  # type: ignore[union-attr]
            "cases:case_detail", args=[open_case.pk])

    def test_it_asks_the_village_to_arrange_a_home_quarantine_for_a_new_member(self) -> None:
        w = self.world
        son = NewMember(name="Wang Xiao", id_number=ID_SON, relation="son",
                        temperature=Decimal("36.8"), returnee_origin="Wuhan",
                        outcome=Outcome.HOME_QUARANTINE)
        self.visit(MemberScreening(person_id=w.person_a.pk, temperature=Decimal("36.5")),
                   new=(son,))
        person = PersonScreening.objects.get(outcome=Outcome.HOME_QUARANTINE).person
        assert self.notices() == [([w.village_a1.path], ["area_officer"],
                                   "Home quarantine to arrange: Wang Xiao")]
        notice = Notice.objects.get()
        assert notice.link == reverse("registry:person_detail", args=[person.pk])
        assert notice.body.startswith("36.8 °C; returned from Wuhan. Screened at ")
        assert not Case.objects.exists()  # the officer opens it, with the quarantine's dates

    def test_it_reports_to_the_village_what_was_found(self) -> None:
        w = self.world
        self.visit(MemberScreening(person_id=w.person_a2.pk, temperature=Decimal("36.4"),
                                   contact_with_case=True, travel_history="Wuhan, 1-3 Dec",
                                   outcome=Outcome.REPORT_VILLAGE))
        notice = Notice.objects.get()
        assert notice.title == "Reported by screening: Wang Lei"
        assert notice.body.startswith(
            "36.4 °C; contact with a case; travel: Wuhan, 1-3 Dec. Screened at ")

    def test_it_tells_nothing_of_normal_absent_or_resent_screenings(self) -> None:
        w = self.world
        key = uuid.uuid4()
        self.visit(MemberScreening(person_id=w.person_a.pk, temperature=Decimal("36.5")),
                   MemberScreening(person_id=w.person_a2.pk, present=False,
                                   outcome=Outcome.FEVER_CLINIC))
        assert not Notice.objects.exists() and not Case.objects.exists()
        self.visit(self.fever(), key=key)
        self.visit(self.fever(), key=key)  # the same form sent again
        assert Case.objects.count() == 1
        assert Notice.objects.count() == 2

    def test_it_costs_no_query_when_nobody_is_referred(self) -> None:
        w = self.world
        normal = MemberScreening(person_id=w.person_a.pk, temperature=Decimal("36.5"))
        self.visit(normal)  # warm: the campaign's first visit
        with self.assertNumQueries(0):
            screening.visit_screened.send(
                sender=None, visit=None, worker=None,
                screenings=[PersonScreening(present=True, outcome=Outcome.NORMAL)])

    def test_it_says_what_was_found_in_a_few_words(self) -> None:
        row = PersonScreening(temperature=Decimal("38.2"), symptoms="fever,smell_taste",
                              returnee_origin="Wuhan", outcome=Outcome.FEVER_CLINIC)
        assert findings(row) == "38.2 °C; fever, loss of smell or taste; returned from Wuhan"
        assert findings(PersonScreening()) == "nothing noted"
