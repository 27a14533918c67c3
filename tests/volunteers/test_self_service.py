"""我的志愿服务: a volunteer enrols from their own account, signs up to the projects of their
area and the areas above it, claims the hours they served; the project's keepers confirm a
claim (recorded under every rule of a record) or decline it, saying why. Every write is in the
audit log."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from epigrid.core.audit import acting_as
from epigrid.core.models import AuditEntry
from epigrid.volunteers import self_service, services
from epigrid.volunteers.models import (
    ClaimState,
    HoursClaim,
    Project,
    ServiceRecord,
    Signup,
    Volunteer,
    hours_served,
)
from tests.volunteers.helpers import VolunteersTestCase, days, enrolled, refusal, volunteer_user

HOURS_RULE = "Hours are more than 0 and at most 24, in half hours."
NO_MOBILE = "Your account has no mobile number: ask your officer to add it."
NOT_ANSWERER = "The project's officers answer its claims."


class EnrolTests(VolunteersTestCase):
    def test_it_enrols_the_account_in_its_home_area_under_its_name_and_phone(self) -> None:
        user = volunteer_user(self.world.village_a1, phone="+86 139 1234 0001")
        volunteer = self_service.enrol(user, skills=" dialect ", party_member=True)
        volunteer.refresh_from_db()
        assert (volunteer.area, volunteer.name, volunteer.phone) == (
            self.world.village_a1, "Fang Wang", "13912340001")
        assert (volunteer.registered_on, volunteer.left_on) == (days(0), None)
        assert (volunteer.skills, volunteer.party_member) == ("dialect", True)
        assert (volunteer.account, volunteer.created_by) == (user, user)
        assert self_service.volunteer_of(user) == volunteer

    def test_a_name_longer_than_the_column_is_cut_to_it(self) -> None:
        user = volunteer_user(self.world.village_a1, first_name="Fang" * 30)  # 125 in all
        assert self_service.enrol(user).name == "Fang" * 15

    def test_it_links_the_record_the_officers_registered_with_the_phone(self) -> None:
        kept = self.volunteer()  # by Alice in village A1, ten days ago, from a paper roster
        self.hours(self.project(), kept, "3", served_on=days(-2))
        for area in (self.world.village_a1, self.world.town_a):  # its area, or one above it
            with self.subTest(area=area.name):
                Volunteer.objects.filter(pk=kept.pk).update(account=None)
                user = volunteer_user(area, phone=kept.phone)
                assert self_service.enrol(user).pk == kept.pk
                kept.refresh_from_db()
                assert (kept.account, kept.name, kept.area) == (
                    user, "Wang Fang", self.world.village_a1)
                assert kept.registered_on == days(-10)
        # The hours recorded before are still the volunteer's, and nobody was registered twice.
        assert [r.hours for r in kept.records.all()] == [Decimal("3.0")]
        assert Volunteer.objects.count() == 1

    def test_one_who_left_is_no_record_to_link(self) -> None:
        left = self.volunteer()
        services.leave(left, by=self.world.alice, on=days(-1))
        user = volunteer_user(self.world.village_a1, phone=left.phone)
        volunteer = enrolled(user)
        assert volunteer.pk != left.pk and volunteer.account == user
        left.refresh_from_db()
        assert left.account is None

    def test_it_refuses_an_account_without_a_home_area_or_a_mobile(self) -> None:
        w = self.world
        no_area = volunteer_user(None)
        assert refusal(lambda: self_service.enrol(no_area)) == {
            "__all__": ["Your account has no home area: ask your officer to set it."]}
        for phone in ("", "027-8765 4321"):  # none, or the office's landline
            with self.subTest(phone=phone):
                user = volunteer_user(w.village_a1, phone=phone)
                assert refusal(lambda user=user: self_service.enrol(  # type: ignore[misc]
                    user)) == {"phone": [NO_MOBILE]}
        # The stranger lacks both, and hears of both at once.
        assert sorted(refusal(lambda: self_service.enrol(w.stranger))) == ["__all__", "phone"]
        assert not Volunteer.objects.exists()

    def test_it_refuses_enrolling_twice(self) -> None:
        user = volunteer_user(self.world.village_a1)
        enrolled(user)
        assert refusal(lambda: self_service.enrol(user)) == {
            "__all__": ["You are registered as a volunteer already."]}
        assert Volunteer.objects.count() == 1

    def test_it_refuses_a_phone_serving_elsewhere_naming_where(self) -> None:
        w = self.world
        for area, by in ((w.village_b1, w.bob), (w.village_a2, w.alice)):  # a sibling village
            with self.subTest(area=area.name):
                other = self.volunteer(area, by=by)
                user = volunteer_user(w.village_a1, phone=other.phone)
                assert refusal(lambda user=user: self_service.enrol(  # type: ignore[misc]
                    user)) == {"phone": [f"Wang Fang, with this phone, is registered in "
                                         f"{area.name} since {days(-10).isoformat()}."]}
                other.refresh_from_db()
                assert other.account is None
        assert Volunteer.objects.count() == 2

    def test_it_refuses_a_phone_linked_to_another_account(self) -> None:
        first = enrolled(volunteer_user(self.world.village_a1))
        second = volunteer_user(self.world.village_a1, phone=first.phone, first_name="Li")
        assert refusal(lambda: self_service.enrol(second)) == {
            "phone": ["Fang Wang, with this phone, has an account of their own."]}
        assert Volunteer.objects.get().account != second


class SelfServiceTestCase(VolunteersTestCase):
    """Wang Fang of village A1, registered by Alice ten days ago from a paper roster, has
    enrolled from her account (named Fang Wang): the record is hers."""

    def setUp(self) -> None:
        self.user = volunteer_user(self.world.village_a1, phone=self.volunteer().phone)
        self.me = enrolled(self.user)

    def signed_up(self, project: Project, volunteer: Volunteer | None = None) -> Signup:
        """Alice signs Wang Fang (or `volunteer`) up to the project."""
        return self_service.sign_up(project, volunteer or self.me, by=self.world.alice)

    def claim(self, project: Project, hours: Any = "3.5",
              served_on: datetime.date | None = None, *, by: Any = None,
              note: str = "") -> HoursClaim:
        """Wang Fang (or `by`) claims `hours` on the project yesterday (or `served_on`)."""
        return self_service.claim_hours(project, self.me, by=by or self.user, hours=hours,
                                        served_on=served_on or days(-1), note=note)


class SignUpTests(SelfServiceTestCase):
    def test_a_village_volunteer_signs_up_to_its_village_town_and_district(self) -> None:
        w = self.world
        projects = [self.project(w.village_a1, name="Door to door"), self.project(),
                    self.project(w.district, name="Counselling hotline", by=w.command)]
        for project in projects:
            signup = self_service.sign_up(project, self.me, by=self.user)
            assert (signup.project, signup.volunteer, signup.withdrawn_at) == (
                project, self.me, None)
        assert Signup.objects.filter(volunteer=self.me).count() == 3

    def test_it_refuses_projects_of_other_areas(self) -> None:
        w = self.world
        for project in (self.project(w.town_b, name="Xihe deliveries", by=w.bob),
                        self.project(w.village_a2, name="A2 deliveries")):
            with self.subTest(area=project.area.name):
                errors = refusal(lambda project=project: self_service.sign_up(  # type: ignore[misc]
                    project, self.me, by=self.user))
                assert errors == {"project": [f"{project.area.name}'s projects are for its "
                                              "own volunteers."]}
        assert not Signup.objects.exists()

    def test_it_refuses_a_project_ended_or_closed_before_today(self) -> None:
        ended = self.project(name="Ended", ends_on=days(-1))
        closed = self.project(name="Closed")
        services.close_project(closed, by=self.world.alice, on=days(-2))
        for project, last in ((ended, days(-1)), (closed, days(-2))):
            with self.subTest(project=project.name):
                errors = refusal(lambda project=project: self.signed_up(  # type: ignore[misc]
                    project))
                assert errors == {"project": [f"The project ended on {last.isoformat()}."]}
        # Closing today leaves today to serve; one yet to start takes its volunteers now.
        today = self.project(name="Closing today")
        services.close_project(today, by=self.world.alice, on=days(0))
        assert self.signed_up(today).project == today
        assert self.signed_up(self.project(name="Next week", starts_on=days(7))).pk

    def test_it_signs_up_once_until_withdrawn(self) -> None:
        project = self.project()
        first = self.signed_up(project)
        assert refusal(lambda: self.signed_up(project)) == {
            "project": ["Wang Fang is signed up already."]}
        self_service.withdraw_signup(first, by=self.user)
        again = self.signed_up(project)
        assert again.pk != first.pk
        assert project.signups.filter(withdrawn_at__isnull=True).get() == again

    def test_it_takes_no_more_volunteers_than_the_project_needs(self) -> None:
        project = self.project(volunteers_needed=2)
        others = [self.volunteer(name=name) for name in ("Li Na", "Zhang Wei")]
        kept = [self.signed_up(project, other) for other in others]
        assert refusal(lambda: self.signed_up(project)) == {
            "project": ["The project has the 2 volunteers it needs."]}
        # A withdrawn sign-up frees its place.
        self_service.withdraw_signup(kept[0], by=self.world.alice)
        assert self.signed_up(project).volunteer == self.me

    def test_a_project_needing_0_volunteers_takes_any_number(self) -> None:
        project = self.project(volunteers_needed=0)
        for name in ("Li Na", "Zhang Wei", "Chen Jie"):
            self.signed_up(project, self.volunteer(name=name))
        self.signed_up(project)
        assert project.signups.count() == 4

    def test_only_the_volunteer_or_the_projects_keepers_sign_them_up(self) -> None:
        w = self.world
        project = self.project()
        roster = self.volunteer(name="Li Na")  # no account: only an officer signs her up
        for by in (w.bob, w.li, volunteer_user(w.village_a1), self.user):
            with self.subTest(by=by.username):
                assert refusal(lambda by=by: self_service.sign_up(  # type: ignore[misc]
                    project, roster, by=by)) == {"__all__": [
                        "Volunteers sign up themselves, or their officers for them."]}
        assert self_service.sign_up(project, roster, by=w.command).volunteer == roster
        assert self_service.sign_up(project, self.me, by=self.user).volunteer == self.me

    def test_a_volunteer_who_left_signs_up_no_more(self) -> None:
        gone = self.volunteer(name="Li Na")
        services.leave(gone, by=self.world.alice, on=days(-1))
        assert refusal(lambda: self.signed_up(self.project(), gone)) == {
            "volunteer": ["Li Na is not serving today."]}


class WithdrawSignupTests(SelfServiceTestCase):
    def test_the_volunteer_or_a_keeper_withdraws_once(self) -> None:
        project = self.project()
        mine = self.signed_up(project)
        assert refusal(lambda: self_service.withdraw_signup(mine, by=self.world.bob)) == {
            "__all__": ["Volunteers withdraw themselves, or their officers for them."]}
        withdrawn = self_service.withdraw_signup(mine, by=self.user)
        assert withdrawn.withdrawn_at is not None
        assert refusal(lambda: self_service.withdraw_signup(mine, by=self.user)) == {
            "__all__": ["The sign-up was withdrawn already."]}
        theirs = self.signed_up(project, self.volunteer(name="Li Na"))
        assert self_service.withdraw_signup(theirs, by=self.world.alice).withdrawn_at
        assert not project.signups.filter(withdrawn_at__isnull=True).exists()


class ClaimHoursTests(SelfServiceTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.deliveries = self.project()  # of town A, since seven days ago
        self.signed_up(self.deliveries)

    def test_it_takes_the_volunteers_claim_waiting_for_the_keepers(self) -> None:
        claim = self.claim(self.deliveries, " 3.5 ", days(-2), note=" Rice to No. 14 ")
        claim.refresh_from_db()
        assert (claim.project, claim.volunteer, claim.served_on, claim.hours) == (
            self.deliveries, self.me, days(-2), Decimal("3.5"))
        assert (claim.note, claim.state, claim.record, claim.decided_by) == (
            "Rice to No. 14", ClaimState.PENDING, None, None)
        assert not ServiceRecord.objects.exists()  # nothing counts until confirmed

    def test_volunteers_claim_their_own_hours_only(self) -> None:
        for by in (self.world.alice, volunteer_user(self.world.village_a1)):
            with self.subTest(by=by.username):
                assert refusal(lambda by=by: self.claim(  # type: ignore[misc]
                    self.deliveries, by=by)) == {
                    "__all__": ["Volunteers claim their own hours."]}
        assert not HoursClaim.objects.exists()

    def test_it_claims_only_a_project_signed_up_to(self) -> None:
        other = self.project(name="Checkpoint duty")
        withdrawn = self.signed_up(self.project(name="Publicity"))
        self_service.withdraw_signup(withdrawn, by=self.user)
        for project in (other, withdrawn.project):
            with self.subTest(project=project.name):
                assert refusal(lambda project=project: self.claim(  # type: ignore[misc]
                    project)) == {
                    "project": ["Sign up to the project first."]}

    def test_it_refuses_hours_that_are_no_half_hours_of_a_day(self) -> None:
        for hours in ("0", "25", "1.3", "abc"):
            with self.subTest(hours=hours):
                assert refusal(lambda hours=hours: self.claim(  # type: ignore[misc]
                    self.deliveries, hours)) == {"hours": [HOURS_RULE]}
        assert not HoursClaim.objects.exists()

    def test_it_refuses_a_day_the_volunteer_could_not_have_served(self) -> None:
        short = self.project(name="Short", starts_on=days(-7))
        self.signed_up(short)  # while it ran; it closed four days ago
        services.close_project(short, by=self.world.alice, on=days(-4))
        window = f"The project is open from {days(-7).isoformat()} to {days(-4).isoformat()}."
        for day in (days(-8), days(-3)):
            with self.subTest(day=day):
                assert refusal(lambda day=day: self.claim(  # type: ignore[misc]
                    short, served_on=day)) == {
                    "served_on": [window]}
        assert refusal(lambda: self.claim(self.deliveries, served_on=days(1))) == {
            "served_on": [f"{days(1).isoformat()} is in the future."]}
        Volunteer.objects.filter(pk=self.me.pk).update(registered_on=days(-3))
        assert refusal(lambda: self.claim(self.deliveries, served_on=days(-4))) == {
            "served_on": [f"Wang Fang was not registered on {days(-4).isoformat()}."]}
        assert self.claim(self.deliveries, served_on=days(-3)).served_on == days(-3)

    def test_a_day_recorded_already_is_refused_naming_its_hours(self) -> None:
        self.hours(self.deliveries, self.me, "3", served_on=days(-2))
        assert refusal(lambda: self.claim(self.deliveries, served_on=days(-2))) == {
            "served_on": [f"3.0 hours are recorded for you on {days(-2).isoformat()} "
                          "already."]}

    def test_one_claim_waits_a_day_until_declined(self) -> None:
        first = self.claim(self.deliveries, "3", days(-2))
        assert refusal(lambda: self.claim(self.deliveries, "4", days(-2))) == {
            "served_on": [f"Your claim of 3.0 hours on {days(-2).isoformat()} is waiting."]}
        self_service.decline_claim(first, by=self.world.alice, reason="Not on the sheet")
        again = self.claim(self.deliveries, "4", days(-2))
        assert (again.state, again.hours) == (ClaimState.PENDING, Decimal("4"))
        # Another day, or another project the same day, waits beside it.
        assert self.claim(self.deliveries, "4", days(-3)).pk
        checkpoint = self.project(name="Checkpoint duty")
        self.signed_up(checkpoint)
        assert self.claim(checkpoint, "4", days(-2)).pk


class AnswerClaimTests(SelfServiceTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.deliveries = self.project()
        self.signed_up(self.deliveries)
        self.waiting = self.claim(self.deliveries, "3.5", days(-2), note="Rice to No. 14")

    def state(self) -> tuple[str, int | None]:
        self.waiting.refresh_from_db()
        return self.waiting.state, self.waiting.record_id

    def test_a_keeper_confirms_a_claim_into_a_record_of_its_hours(self) -> None:
        self.hours(self.deliveries, self.me, "2", served_on=days(-3))
        claim = self_service.confirm_claim(self.waiting, by=self.world.alice)
        claim.refresh_from_db()
        record = ServiceRecord.objects.get(claim=claim)
        assert (record.project, record.volunteer, record.served_on) == (
            self.deliveries, self.me, days(-2))
        assert (record.hours, record.note, record.recorded_by) == (
            Decimal("3.5"), "Rice to No. 14", self.world.alice)
        assert (claim.state, claim.record, claim.decided_by) == (
            ClaimState.CONFIRMED, record, self.world.alice)
        assert claim.decided_at is not None
        # It counts in every total as any record: 2 + 3.5.
        total = Volunteer.objects.annotate(total=hours_served()).get(pk=self.me.pk).total
        assert total == Decimal("5.5")

    def test_only_the_projects_keepers_answer_a_claim(self) -> None:
        for by in (self.world.bob, self.world.li, self.user):
            with self.subTest(by=by.username):
                for answer in (lambda by=by: self_service.confirm_claim(self.waiting, by=by),
                               lambda by=by: self_service.decline_claim(
                                   self.waiting, by=by, reason="No")):
                    assert refusal(answer) == {"__all__": [NOT_ANSWERER]}
        assert self.state() == (ClaimState.PENDING, None)
        # The district's command keeps town A's projects too.
        self_service.confirm_claim(self.waiting, by=self.world.command)
        assert self.state()[0] == ClaimState.CONFIRMED

    def test_a_claim_is_answered_once(self) -> None:
        self_service.confirm_claim(self.waiting, by=self.world.alice)
        for answer in (lambda: self_service.confirm_claim(self.waiting, by=self.world.alice),
                       lambda: self_service.decline_claim(self.waiting, by=self.world.alice,
                                                          reason="Typed twice")):
            assert refusal(answer) == {"__all__": ["The claim was confirmed already."]}
        assert ServiceRecord.objects.count() == 1

    def test_a_day_holds_24_hours_across_claims_and_records(self) -> None:
        w = self.world
        hotline = self.project(w.district, name="Counselling hotline", by=w.command)
        # Claimed while the day had room; the hotline's 20 hours recorded before the answer.
        ten = self.claim(self.deliveries, "10", days(-1))
        self.hours(hotline, self.me, "20", served_on=days(-1), by=w.command)
        errors = refusal(lambda: self_service.confirm_claim(ten, by=w.alice))
        assert errors == {"hours": [f"Wang Fang has 20.0 hours on {days(-1).isoformat()} "
                                    "already: a day has 24."]}
        ten.refresh_from_db()
        assert (ten.state, ten.record, ten.decided_by) == (ClaimState.PENDING, None, None)
        assert ServiceRecord.objects.filter(served_on=days(-1)).count() == 1

    def test_a_decline_says_why_and_is_final(self) -> None:
        for reason in ("", "   "):
            assert refusal(lambda reason=reason: self_service.decline_claim(  # type: ignore[misc]
                self.waiting, by=self.world.alice, reason=reason)) == {
                    "reason": ["Say why the claim is declined."]}
        assert self.state() == (ClaimState.PENDING, None)
        claim = self_service.decline_claim(self.waiting, by=self.world.alice,
                                           reason=" Not on the sign-in sheet ")
        claim.refresh_from_db()
        assert (claim.state, claim.reason, claim.decided_by, claim.record) == (
            ClaimState.DECLINED, "Not on the sign-in sheet", self.world.alice, None)
        assert claim.decided_at is not None
        assert refusal(lambda: self_service.confirm_claim(claim, by=self.world.alice)) == {
            "__all__": ["The claim was declined already."]}
        assert not ServiceRecord.objects.exists()


class ProjectsOpenToTests(SelfServiceTestCase):
    def test_it_offers_the_projects_of_the_area_and_those_above_it(self) -> None:
        w = self.world
        mine = [self.project(w.village_a1, name="Door to door"), self.project(),
                self.project(w.district, name="Hotline", by=w.command),
                self.project(w.city, name="City publicity", by=w.admin),
                self.project(name="Next week", starts_on=days(7))]
        for area, by in ((w.grid_a1_1, w.alice), (w.village_a2, w.alice), (w.town_b, w.bob),
                         (w.village_b1, w.bob)):  # below, beside, elsewhere
            self.project(area, name=f"Of {area.name}", by=by)
        closing = self.project(name="Closed yesterday")
        services.close_project(closing, by=w.alice, on=days(-1))
        ended = self.project(name="Ended yesterday", ends_on=days(-1))
        today = set(self_service.projects_open_to(self.me, days(0)))
        assert today == set(mine)
        # On a day before, those still open then are offered.
        assert set(self_service.projects_open_to(self.me, days(-1))) == {
            *mine, closing, ended}


class AuditTests(SelfServiceTestCase):
    def entry(self, action: str, model: str, pk: int) -> AuditEntry:
        return AuditEntry.objects.get(action=action, model=f"volunteers.{model}",
                                      object_pk=str(pk))

    def test_the_audit_log_keeps_each_sign_up_and_claim_and_who_wrote_it(self) -> None:
        w, project = self.world, self.project()
        with acting_as(self.user):
            signup = self_service.sign_up(project, self.me, by=self.user)
            claim = self.claim(project, "3.5", days(-2))
            refused = self.claim(project, "4", days(-3))
            self_service.withdraw_signup(signup, by=self.user)
        with acting_as(w.alice):
            self_service.confirm_claim(claim, by=w.alice)
            self_service.decline_claim(refused, by=w.alice, reason="Not on the sheet")
        created = self.entry("create", "Signup", signup.pk)
        assert (created.actor_name, created.area_path) == (self.user.username, w.town_a.path)
        assert self.entry("update", "Signup", signup.pk).changes["withdrawn_at"][0] is None
        claimed = self.entry("create", "HoursClaim", claim.pk)
        assert (claimed.actor_name, claimed.changes["hours"]) == (
            self.user.username, [None, "3.5"])
        confirmed = self.entry("update", "HoursClaim", claim.pk)
        assert confirmed.actor_name == "alice"
        assert confirmed.changes["state"] == ["pending", "confirmed"]
        record = ServiceRecord.objects.get()
        assert self.entry("create", "ServiceRecord", record.pk).actor_name == "alice"
        declined = self.entry("update", "HoursClaim", refused.pk)
        assert declined.changes["reason"] == ["", "Not on the sheet"]

    def test_the_audit_log_keeps_the_account_linked_to_a_volunteer(self) -> None:
        linked = self.entry("update", "Volunteer", self.me.pk)
        assert linked.changes["account_id"] == [None, self.user.pk]
