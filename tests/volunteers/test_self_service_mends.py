"""The self-service rules that reach into the officers' own writes: a volunteer who leaves
gives up their places on projects, a record withdrawn takes back the claim confirmed into it,
and an account of a grid is linked to the record its village's officers keep."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import translation

from epigrid.alerts.models import Receipt
from epigrid.volunteers import self_service, services
from epigrid.volunteers.models import ClaimState, HoursClaim, Signup
from tests.volunteers.helpers import VolunteersTestCase, days, enrolled, volunteer_user


class LeavingTests(VolunteersTestCase):
    def test_it_withdraws_the_sign_ups_of_a_volunteer_who_leaves(self) -> None:
        project = self.project(volunteers_needed=1)
        volunteer = enrolled(volunteer_user(self.world.village_a1))
        self_service.sign_up(project, volunteer, by=self.world.alice)
        services.leave(volunteer, by=self.world.alice, on=days(0))
        signup = Signup.objects.get(volunteer=volunteer)
        assert signup.withdrawn_at is not None
        # The one place it needs is free again.
        other = self.volunteer(name="Li Na")
        assert self_service.sign_up(project, other, by=self.world.alice).withdrawn_at is None


class WithdrawnRecordTests(VolunteersTestCase):
    def test_it_declines_the_claim_a_withdrawn_record_was_confirmed_from(self) -> None:
        project = self.project()
        # Registered by Alice ten days ago, then linked to the account.
        volunteer = self.volunteer(phone="13912340078")
        user = volunteer_user(self.world.village_a1, phone="13912340078")
        assert enrolled(user).pk == volunteer.pk
        self_service.sign_up(project, volunteer, by=user)
        claim = self_service.claim_hours(project, volunteer, by=user, served_on=days(-1),
                                         hours="4.5")
        claim = self_service.confirm_claim(claim, by=self.world.alice)
        assert claim.record is not None
        services.withdraw_hours(claim.record, by=self.world.alice)
        claim.refresh_from_db()
        assert (claim.state, claim.record, claim.reason) == (
            ClaimState.DECLINED, None, "The hours recorded were withdrawn.")
        again = self_service.claim_hours(project, volunteer, by=user, served_on=days(-1),
                                         hours="4")
        assert again.state == ClaimState.PENDING


class GridAccountTests(VolunteersTestCase):
    def test_it_links_a_grid_account_to_the_record_its_village_keeps(self) -> None:
        kept = self.volunteer(phone="13912340077")
        user = volunteer_user(self.world.grid_a1_1, phone="13912340077")
        assert self_service.enrol(user).pk == kept.pk
        kept.refresh_from_db()
        assert kept.account == user


class LengthTests(VolunteersTestCase):
    def test_it_refuses_notes_and_reasons_past_their_columns_naming_the_field(self) -> None:
        project = self.project()
        volunteer = self.volunteer(phone="13912340079")
        user = volunteer_user(self.world.village_a1, phone="13912340079")
        enrolled(user)
        self_service.sign_up(project, volunteer, by=user)
        long = "x" * 201
        with self.assertRaises(ValidationError) as caught:
            services.record_hours(project, volunteer, by=self.world.alice, served_on=days(-2),
                                  hours="2", note=long)
        assert caught.exception.message_dict == {
            "note": ["At most 200 characters (this has 201)."]}
        with self.assertRaises(ValidationError) as caught:
            self_service.claim_hours(project, volunteer, by=user, served_on=days(-1),
                                     hours="2", note=long)
        assert list(caught.exception.message_dict) == ["note"]
        claim = self_service.claim_hours(project, volunteer, by=user, served_on=days(-1),
                                         hours="2", note="x" * 200)
        with self.assertRaises(ValidationError) as caught:
            self_service.decline_claim(claim, by=self.world.alice, reason=long)
        assert list(caught.exception.message_dict) == ["reason"]


class DayTotalTests(VolunteersTestCase):
    def test_it_refuses_a_claim_the_days_24_hours_could_never_take(self) -> None:
        project, other = self.project(), self.project(name="Checkpoint duty")
        volunteer = self.volunteer(phone="13912340080")
        user = volunteer_user(self.world.village_a1, phone="13912340080")
        enrolled(user)
        self_service.sign_up(project, volunteer, by=user)
        self.hours(other, volunteer, "20", served_on=days(-1))
        with self.assertRaises(ValidationError) as caught:
            self_service.claim_hours(project, volunteer, by=user, served_on=days(-1),
                                     hours="4.5")
        assert caught.exception.message_dict == {
            "hours": [f"Wang Fang has 20.0 hours on {days(-1).isoformat()} already: a day "
                      "has 24."]}
        # Four fill the day exactly.
        assert self_service.claim_hours(project, volunteer, by=user, served_on=days(-1),
                                        hours="4").hours == 4


class LinkedRosterTests(VolunteersTestCase):
    def test_it_adds_what_the_volunteer_says_of_themselves_to_the_roster_record(self) -> None:
        kept = self.volunteer(phone="13912340081", skills="driving")
        user = volunteer_user(self.world.village_a1, phone="13912340081")
        self_service.enrol(user, skills="  ", party_member=True)
        kept.refresh_from_db()
        assert (kept.account, kept.skills, kept.party_member) == (user, "driving", True)

    def test_it_lets_the_system_sign_up_and_withdraw_as_the_demo_and_imports_do(self) -> None:
        project = self.project()
        volunteer = self.volunteer(phone="13912340082")
        signup = self_service.sign_up(project, volunteer, by=None)
        assert self_service.withdraw_signup(signup, by=None).withdrawn_at is not None


class ClaimWordsTests(VolunteersTestCase):
    def test_it_names_a_claims_state_in_its_own_words_not_a_cases(self) -> None:
        # "confirmed" alone is a case's 确诊: a claim's is 已确认.
        with translation.override("zh-hans"):
            assert [str(label) for label in ClaimState.labels] == ["待确认", "已确认", "已退回"]


class AnswerToldTests(VolunteersTestCase):
    def claimed(self, phone: str) -> tuple[Any, HoursClaim]:
        project = self.project()
        volunteer = self.volunteer(phone=phone)
        user = volunteer_user(self.world.village_a1, phone=phone)
        enrolled(user)
        self_service.sign_up(project, volunteer, by=user)
        return user, self_service.claim_hours(project, volunteer, by=user,
                                              served_on=days(-1), hours="4.5")

    def test_it_tells_the_volunteer_their_claim_was_confirmed(self) -> None:
        user, claim = self.claimed("13912340083")
        with self.captureOnCommitCallbacks(execute=True):
            self_service.confirm_claim(claim, by=self.world.alice)
        told = Receipt.objects.select_related("notice").get()
        assert told.user == user
        day = days(-1).isoformat()
        assert (told.notice.title, told.notice.body, told.notice.link) == (
            f"Your 4.5 hours on {day}: confirmed",
            "Counted in your hours on Deliveries to the quarantined.", "/volunteers/me/")
        # Worded in each language, the state in a claim's words (已确认, not a case's 确诊).
        assert told.notice.wording["zh-hans"][0] == f"您 {day} 的 4.5 小时服务时长：已确认"

    def test_it_tells_the_volunteer_why_their_claim_was_declined(self) -> None:
        user, claim = self.claimed("13912340084")
        with self.captureOnCommitCallbacks(execute=True):
            self_service.decline_claim(claim, by=self.world.alice, reason="Not on the sheet")
        told = Receipt.objects.select_related("notice").get(user=user)
        assert (told.notice.title, told.notice.body) == (
            f"Your 4.5 hours on {days(-1).isoformat()}: declined", "Not on the sheet")
